// Tests of the C++ client against a running service: client_test host:port
// (run by integration-tests' CppClientIT against the real service). Exits 0 when all pass.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include "hypatia/client.h"
#include "hypatia/v1/hypatia.grpc.pb.h"

namespace {

int failures = 0;
std::string target;  // host:port of the service under test

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                          \
    }                                                                      \
  } while (0)

std::string unique(const std::string& prefix) {
  static int n = 0;
  return prefix + "-" + std::to_string(time(nullptr)) + "-" + std::to_string(++n);
}

hypatia::Error expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const hypatia::Error& e) {
    return e;
  }
  ++failures;
  std::fprintf(stderr, "expected a hypatia::Error\n");
  return hypatia::Error(grpc::StatusCode::OK, "", "", "");
}

void typed_params_round_trip(hypatia::Client& client) {
  hypatia::SearchSpace space;
  space.add_categorical("flag", {true, false})
      .add_categorical("opt", {std::string("sgd"), std::string("adam")})
      .add_float("momentum", 0.0, 0.99, false, std::make_pair(std::string("opt"), std::vector<hypatia::Value>{std::string("sgd")}))
      .add_int("units", 16, 256, 16)
      .add_ordinal("depth", {int64_t{1}, int64_t{2}, int64_t{4}});
  hypatia::Study study = client.create_study(unique("cpp-types"), space);
  std::set<bool> flags;
  for (int i = 0; i < 25; ++i) {
    auto t = study.ask();
    flags.insert(t->get_bool("flag"));
    CHECK(t->has("momentum") == (t->get_string("opt") == "sgd"));
    if (t->has("momentum")) CHECK(t->get_double("momentum") >= 0 && t->get_double("momentum") <= 0.99);
    CHECK((t->get_int("units") - 16) % 16 == 0);
    int64_t depth = t->get_int("depth");
    CHECK(depth == 1 || depth == 2 || depth == 4);
    CHECK(t->hand_out() == "NEW" && !t->resumed());
    t->tell(1.0);
    CHECK(t->finished());
  }
  CHECK(flags.size() == 2);
  auto trials = study.trials();
  CHECK(trials.size() == 25 && trials[0].state == "COMPLETE" && trials[0].values == std::vector<double>{1.0});
}

void studies_load_and_errors(hypatia::Client& client) {
  std::string name = unique("cpp-load");
  hypatia::SearchSpace space;
  space.add_float("x", 0, 1);
  hypatia::Study first = client.create_study(name, space);
  hypatia::Error dup = expect_error([&] { client.create_study(name, space); });
  CHECK(dup.code() == grpc::StatusCode::ALREADY_EXISTS);
  hypatia::StudyOptions join;
  join.load_if_exists = true;
  CHECK(client.create_study(name, space, join).name() == name);
  CHECK(first.best_trials().empty());

  hypatia::SearchSpace bad;
  bad.add_float("lr", 1.0, 0.1);
  hypatia::Error invalid = expect_error([&] { client.create_study(unique("cpp-bad"), bad); });
  CHECK(invalid.code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(invalid.field() == "search_space.params[0].float.low");
  CHECK(invalid.method() == "CreateStudy");

  auto t = first.ask();
  hypatia::Error nan = expect_error([&] { t->tell(std::nan("")); });
  CHECK(nan.field() == "complete.values[0]");
  t->tell(0.5);
  hypatia::Error again = expect_error([&] { t->tell(0.5); });
  CHECK(again.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(first.best_trials().size() == 1 && first.best_trials()[0].id == t->id());

  client.delete_study(name);
  hypatia::Error gone = expect_error([&] { client.load_study(name); });
  CHECK(gone.code() == grpc::StatusCode::NOT_FOUND && gone.field() == "study");

  hypatia::ClientOptions once;
  once.retries = 1;
  once.timeout = std::chrono::milliseconds(5000);
  hypatia::Client dead("127.0.0.1:1", once);
  hypatia::Error unavailable = expect_error([&] { dead.list_studies(); });
  CHECK(unavailable.code() == grpc::StatusCode::UNAVAILABLE && unavailable.field().empty());
}

void median_rule_stops_a_bad_trial(hypatia::Client& client) {
  hypatia::SearchSpace space;
  space.add_float("x", 0, 1);
  hypatia::StudyOptions o;
  o.scheduler = "median";
  o.scheduler_config = {{"min_completed", "2"}, {"warmup_steps", "0"}};
  o.fidelity = std::make_tuple(std::string("epochs"), 1.0, 5.0);
  hypatia::Study study = client.create_study(unique("cpp-median"), space, o);
  for (double good : {0.1, 0.2}) {
    auto t = study.ask();
    CHECK(t->budget() == 5.0);
    for (int epoch = 1; epoch <= 5; ++epoch) {
      CHECK(t->report(epoch, good, "ckpt/" + std::to_string(t->number()) + "/" + std::to_string(epoch)) ==
            hypatia::Decision::Continue);
    }
    t->tell(good, "ckpt/final");
  }
  auto bad = study.ask();
  CHECK(bad->report(1, 100.0, "ckpt/bad/1") == hypatia::Decision::Stop);
  CHECK(bad->should_stop() && bad->finished());
  CHECK(study.get_trial(bad->id()).state == "PRUNED");
}

void guard_reports_failure_and_heartbeats(hypatia::Client& client) {
  hypatia::SearchSpace space;
  space.add_float("x", 0, 1);
  hypatia::StudyOptions o;
  o.lease_seconds = 3;
  hypatia::Study study = client.create_study(unique("cpp-guard"), space, o);
  int64_t thrown = 0;
  try {
    hypatia::TrialGuard trial = study.trial();
    thrown = trial->id();
    throw std::runtime_error("out of memory");
  } catch (const std::runtime_error&) {
  }
  auto failed = study.get_trial(thrown);
  CHECK(failed.state == "FAILED" && failed.fail_reason.find("exception") != std::string::npos);

  int64_t abandoned = 0;
  {
    hypatia::TrialGuard trial = study.trial();
    abandoned = trial->id();
  }
  CHECK(study.get_trial(abandoned).state == "FAILED");

  {  // the heartbeat thread moves the lease expiry forward while the trainer is busy
    hypatia::TrialGuard trial = study.trial(std::chrono::milliseconds(300));
    int64_t first = study.get_trial(trial->id()).lease_expires_at_ms;
    while (study.get_trial(trial->id()).lease_expires_at_ms <= first) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    trial->tell(0.25);
    CHECK(study.get_trial(trial->id()).state == "COMPLETE");
  }
}

void lost_worker_is_fenced_and_resumed_from_its_checkpoint(hypatia::Client& client) {
  hypatia::SearchSpace space;
  space.add_float("x", 0, 1);
  hypatia::StudyOptions o;
  o.lease_seconds = 5;
  o.fidelity = std::make_tuple(std::string("epochs"), 1.0, 10.0);
  hypatia::Study study = client.create_study(unique("cpp-fence"), space, o);
  auto lost = study.ask();
  CHECK(lost->attempt() == 1 && lost->hand_out() == "NEW");
  for (int step = 1; step <= 3; ++step) lost->report(step, 1.0 / step, step == 2 ? "ckpt-at-2" : "");
  while (study.get_trial(lost->id()).state != "WAITING") {  // the lease runs out; the trial is requeued
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  hypatia::TrialGuard resumed = study.trial(std::chrono::milliseconds(300));
  CHECK(resumed->id() == lost->id() && resumed->attempt() == 2 && resumed->hand_out() == "REQUEUED");
  CHECK(resumed->resumed() && resumed->checkpoint() == "ckpt-at-2" && resumed->resume_step() == 2.0);
  hypatia::Error fenced = expect_error([&] { lost->report(4, 0.2); });
  CHECK(fenced.code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(expect_error([&] { lost->tell(0.2); }).code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(lost->heartbeat());
  CHECK(resumed->report(3, 0.3) == hypatia::Decision::Continue);
  resumed->tell(0.3, "final");
  auto told = study.get_trial(resumed->id());
  CHECK(told.state == "COMPLETE" && told.checkpoint == "final");
  CHECK((told.intermediate_values == std::vector<std::pair<double, double>>{{1, 1.0}, {2, 0.5}, {3, 0.3}}));
}

void asha_promotes_the_best_paused_trial(hypatia::Client& client) {
  hypatia::SearchSpace space;
  space.add_float("x", 0, 1);
  hypatia::StudyOptions o;
  o.scheduler = "asha";
  // ASHA's defaults: promotion, eta 3, rungs from the fidelity's min (1) to its max (9).
  o.fidelity = std::make_tuple(std::string("epochs"), 1.0, 9.0);
  std::optional<hypatia::Study> created;
  try {
    created = client.create_study(unique("cpp-asha"), space, o);
  } catch (const hypatia::Error& e) {
    if (e.field() != "scheduler.name") throw;
    std::printf("SKIP asha_promotes_the_best_paused_trial: the service has no asha scheduler loaded\n");
    return;
  }
  hypatia::Study& study = *created;
  int64_t best = 0;
  std::string best_checkpoint;
  for (double value : {0.3, 0.1, 0.2}) {
    auto t = study.ask();
    CHECK(t->budget() == 1.0);
    std::string ckpt = "ckpt-" + std::to_string(t->number()) + "-1";
    CHECK(t->report(1, value, ckpt) == hypatia::Decision::Pause);
    if (value == 0.1) {
      best = t->id();
      best_checkpoint = ckpt;
    }
  }
  auto promoted = study.ask();
  CHECK(promoted->id() == best && promoted->hand_out() == "PROMOTED" && promoted->resumed());
  CHECK(promoted->checkpoint() == best_checkpoint && promoted->resume_step() == 1.0 && promoted->budget() == 3.0);
  promoted->report(3, 0.05, "ckpt-best-3");
}

void listing_follows_pages_of_the_clients_page_size(hypatia::Client& client) {
  hypatia::SearchSpace space;
  space.add_float("x", 0, 1);
  std::string name = unique("cpp-pages");
  hypatia::Study study = client.create_study(name, space);
  for (int i = 0; i < 5; ++i) study.ask()->tell(0.5);
  hypatia::ClientOptions small;
  small.page_size = 2;  // three ListTrials calls: 2 + 2 + 1
  auto trials = hypatia::Client(target, small).load_study(name).trials();
  CHECK(trials.size() == 5);
  for (size_t i = 0; i < trials.size(); ++i) CHECK(trials[i].number == static_cast<int32_t>(i));
  hypatia::ClientOptions huge;
  huge.page_size = 1000000;  // above the service's max_page_size: proves the setting reaches the wire
  hypatia::Error refused = expect_error([&] { hypatia::Client(target, huge).load_study(name).trials(); });
  CHECK(refused.code() == grpc::StatusCode::INVALID_ARGUMENT && refused.field() == "page_size");
}

// client_test --secure host:port TOKEN CA.pem: against a service started with --auth-tokens and
// --tls-cert/--tls-key (a self-signed certificate): the token over TLS works, a wrong token is
// UNAUTHENTICATED with the service's message, and a plaintext connection is refused.
int secure(const std::string& address, const std::string& token, const std::string& ca_file) {
  std::ifstream in(ca_file);
  std::stringstream pem;
  pem << in.rdbuf();
  CHECK(!pem.str().empty());
  hypatia::ClientOptions good;
  good.token = token;
  good.root_certificates = pem.str();
  good.page_size = 2;
  hypatia::Client client(address, good);
  hypatia::SearchSpace space;
  space.add_float("x", 0, 1);
  std::string name = unique("cpp-secure");
  try {
    hypatia::Study study = client.create_study(name, space);
    for (int i = 0; i < 3; ++i) study.ask()->tell(0.25 * i);
    CHECK(study.trials().size() == 3);
    CHECK(study.best_trials().size() == 1 && study.best_trials()[0].values == std::vector<double>{0.0});
    auto names = client.list_studies();
    CHECK(std::find(names.begin(), names.end(), name) != names.end());  // under the name it gave, no tenant prefix
  } catch (const hypatia::Error& e) {
    std::fprintf(stderr, "the good token failed: %s\n", e.what());
    ++failures;
  }
  std::printf("%s good token over TLS\n", failures == 0 ? "PASS" : "FAIL");

  int before = failures;
  hypatia::ClientOptions bad = good;
  bad.token = "not-" + token;
  bad.retries = 0;
  hypatia::Error wrong = expect_error([&] { hypatia::Client(address, bad).load_study(name); });
  CHECK(wrong.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(wrong.message() == "unknown or revoked token");
  CHECK(wrong.field().empty());
  std::printf("%s bad token: %s\n", failures == before ? "PASS" : "FAIL", wrong.what());

  before = failures;
  hypatia::ClientOptions none = good;
  none.token.clear();
  none.retries = 0;
  hypatia::Error missing = expect_error([&] { hypatia::Client(address, none).list_studies(); });
  CHECK(missing.code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(missing.message().find("bearer token") != std::string::npos);
  std::printf("%s no token: %s\n", failures == before ? "PASS" : "FAIL", missing.what());

  before = failures;
  hypatia::ClientOptions plain;
  plain.token = token;
  plain.retries = 0;
  plain.timeout = std::chrono::milliseconds(10000);
  hypatia::Error refused = expect_error([&] { hypatia::Client(address, plain).list_studies(); });
  CHECK(refused.code() == grpc::StatusCode::UNAVAILABLE);  // a TLS port does not speak plaintext
  std::printf("%s plaintext refused: %s\n", failures == before ? "PASS" : "FAIL", refused.what());
  std::printf(failures == 0 ? "ALL PASSED\n" : "%d CHECKS FAILED\n", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace

// Targets naming several gateways, and which calls are repeated (ClientFailoverIT kills a gateway under load).
void targets_name_several_gateways(hypatia::Client&) {
  hypatia::GatewayTarget t = hypatia::gateway_target("127.0.0.1:5001, 127.0.0.2:5002");
  CHECK(t.grpc_target == "ipv4:127.0.0.1:5001,127.0.0.2:5002");
  CHECK(t.authority == "127.0.0.1:5001");
  CHECK(hypatia::gateway_target("[::1]:5001,[::1]:5002").grpc_target == "ipv6:[::1]:5001,[::1]:5002");
  hypatia::GatewayTarget named = hypatia::gateway_target("localhost:5001,127.0.0.1:5002");
  CHECK(named.grpc_target.rfind("ipv4:127.0.0.1:5001,", 0) == 0);
  CHECK(named.authority == "localhost:5001");
  for (const char* same : {"127.0.0.1:50051", "dns:///gateways.example:50051", "ipv4:10.0.0.1:1,10.0.0.2:1"}) {
    CHECK(hypatia::gateway_target(same).grpc_target == same);
    CHECK(hypatia::gateway_target(same).authority.empty());
  }
  bool refused = false;
  try {
    hypatia::Client bad("127.0.0.1,127.0.0.1:5");
  } catch (const std::invalid_argument& e) {
    refused = std::string(e.what()).find("'127.0.0.1' in") != std::string::npos;
  }
  CHECK(refused);
  CHECK(hypatia::is_idempotent("Ask") && hypatia::is_idempotent("Tell") && hypatia::is_idempotent("Report"));
  CHECK(!hypatia::is_idempotent("CreateStudy") && !hypatia::is_idempotent("DeleteStudy") &&
        !hypatia::is_idempotent("EnqueueTrial") && !hypatia::is_idempotent("UpdateStudy"));
  // a study listing through two addresses nobody listens on: repeated `retries` times, then UNAVAILABLE
  hypatia::ClientOptions o;
  o.retries = 2;
  hypatia::Client nobody("127.0.0.1:1,127.0.0.1:1", o);
  hypatia::Error e = expect_error([&] { nobody.list_studies(); });
  CHECK(e.code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(nobody.retried_calls() == 2);
}

// A real gRPC server on a free loopback port answering ListStudies and DeleteStudy with scripted
// failures in turn, then an empty answer: which failures the client takes for a lost gateway.
class ScriptedGateway final : public hypatia::v1::HypatiaService::Service {
 public:
  ScriptedGateway() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~ScriptedGateway() override { server_->Shutdown(); }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  void answer(std::vector<grpc::Status> failures) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.assign(failures.begin(), failures.end());
  }
  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  grpc::Status ListStudies(grpc::ServerContext*, const hypatia::v1::ListStudiesRequest*,
                           hypatia::v1::ListStudiesResponse*) override {
    return next();
  }
  grpc::Status DeleteStudy(grpc::ServerContext*, const hypatia::v1::DeleteStudyRequest*,
                           hypatia::v1::DeleteStudyResponse*) override {
    return next();
  }

 private:
  grpc::Status next() {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    if (failures_.empty()) return grpc::Status::OK;
    grpc::Status s = failures_.front();
    failures_.pop_front();
    return s;
  }
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::deque<grpc::Status> failures_;
  int calls_ = 0;
};

// A repeatable call is repeated after gRPC's UNKNOWN "Stream removed" (the C core's status for a
// call whose HTTP/2 stream the transport dropped); any other UNKNOWN, and a call that may not be
// repeated, fails at once. Needs no Hypatia service.
void unknown_stream_removed_counts_as_a_lost_gateway(hypatia::Client&) {
  CHECK(hypatia::is_gateway_loss(grpc::Status(grpc::StatusCode::UNKNOWN, "Stream removed")));
  CHECK(!hypatia::is_gateway_loss(grpc::Status(grpc::StatusCode::UNKNOWN, "")));
  CHECK(!hypatia::is_gateway_loss(grpc::Status(grpc::StatusCode::INTERNAL, "Stream removed")));
  ScriptedGateway gateway;
  hypatia::ClientOptions o;
  o.retries = 3;
  o.timeout = std::chrono::milliseconds(10000);
  hypatia::Client client(gateway.target(), o);
  gateway.answer({grpc::Status(grpc::StatusCode::UNKNOWN, "Stream removed"),
                  grpc::Status(grpc::StatusCode::UNAVAILABLE, "Socket closed")});
  CHECK(client.list_studies().empty());
  CHECK(gateway.calls() == 3 && client.retried_calls() == 2);
  for (const char* details : {"", "Application error processing RPC", "Stream removed by the service"}) {
    gateway.answer({grpc::Status(grpc::StatusCode::UNKNOWN, details)});
    CHECK(expect_error([&] { client.list_studies(); }).code() == grpc::StatusCode::UNKNOWN);
  }
  gateway.answer({grpc::Status(grpc::StatusCode::UNKNOWN, "Stream removed")});
  CHECK(expect_error([&] { client.delete_study("s"); }).code() == grpc::StatusCode::UNKNOWN);
  CHECK(gateway.calls() == 7 && client.retried_calls() == 2);
}

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--secure") return secure(argv[2], argv[3], argv[4]);
  if (argc != 2) {
    std::fprintf(stderr, "usage: client_test host:port | client_test --secure host:port TOKEN CA.pem\n");
    return 2;
  }
  target = argv[1];
  hypatia::Client client(target);
  const std::pair<const char*, void (*)(hypatia::Client&)> tests[] = {
      {"targets_name_several_gateways", targets_name_several_gateways},
      {"unknown_stream_removed_counts_as_a_lost_gateway", unknown_stream_removed_counts_as_a_lost_gateway},
      {"typed_params_round_trip", typed_params_round_trip},
      {"studies_load_and_errors", studies_load_and_errors},
      {"median_rule_stops_a_bad_trial", median_rule_stops_a_bad_trial},
      {"guard_reports_failure_and_heartbeats", guard_reports_failure_and_heartbeats},
      {"lost_worker_is_fenced_and_resumed_from_its_checkpoint", lost_worker_is_fenced_and_resumed_from_its_checkpoint},
      {"asha_promotes_the_best_paused_trial", asha_promotes_the_best_paused_trial},
      {"listing_follows_pages_of_the_clients_page_size", listing_follows_pages_of_the_clients_page_size},
  };
  for (const auto& [name, test] : tests) {
    int before = failures;
    try {
      test(client);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s threw: %s\n", name, e.what());
      ++failures;
    }
    std::printf("%s %s\n", failures == before ? "PASS" : "FAIL", name);
  }
  std::printf(failures == 0 ? "ALL PASSED\n" : "%d CHECKS FAILED\n", failures);
  return failures == 0 ? 0 : 1;
}
