// The C++ client over the generated hypatia.v1 stubs.
#include "hypatia/client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "hypatia/v1/hypatia.grpc.pb.h"

namespace hypatia {

// ------------------------------------------------------------------ values and errors

std::string to_string(const Value& value) {
  struct {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      snprintf(buf, sizeof buf, "%.6g", d);
      return buf;
    }
    std::string operator()(const std::string& s) const { return s; }
  } visit;
  return std::visit(visit, value);
}

const char* to_string(Decision d) {
  switch (d) {
    case Decision::Continue: return "CONTINUE";
    case Decision::Stop: return "STOP";
    default: return "PAUSE";
  }
}

Error::Error(grpc::StatusCode code, std::string message, std::string method, std::string field)
    : std::runtime_error(method + ": " + message),
      code_(code),
      message_(std::move(message)),
      method_(std::move(method)),
      field_(std::move(field)) {}

namespace {

v1::Value to_wire(const Value& value) {
  v1::Value out;
  if (auto b = std::get_if<bool>(&value)) out.set_string_value(*b ? "true" : "false");
  else if (auto i = std::get_if<int64_t>(&value)) out.set_int_value(*i);
  else if (auto d = std::get_if<double>(&value)) out.set_float_value(*d);
  else out.set_string_value(std::get<std::string>(value));
  return out;
}

// The service starts validation messages with the offending field's path ("study: ...").
std::string field_of(const grpc::Status& status) {
  static const std::regex field(R"(^([a-z_][a-z0-9_]*(\[\d+\])?(\.[a-z_][a-z0-9_]*(\[\d+\])?)*): )");
  static const std::set<grpc::StatusCode> service_codes{
      grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::NOT_FOUND, grpc::StatusCode::ALREADY_EXISTS,
      grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::OUT_OF_RANGE, grpc::StatusCode::PERMISSION_DENIED,
      grpc::StatusCode::RESOURCE_EXHAUSTED};
  std::smatch m;
  const std::string& msg = status.error_message();
  if (service_codes.count(status.error_code()) && std::regex_search(msg, m, field)) return m[1];
  return "";
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[33];
  snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
           static_cast<unsigned long long>(rng()));
  return buf;
}

const char* state_name(v1::TrialState s) {
  switch (s) {
    case v1::WAITING: return "WAITING";
    case v1::RUNNING: return "RUNNING";
    case v1::PAUSED: return "PAUSED";
    case v1::COMPLETE: return "COMPLETE";
    case v1::PRUNED: return "PRUNED";
    case v1::FAILED: return "FAILED";
    default: return "UNSPECIFIED";
  }
}

// Reads wire configurations back with the types the study's space declares.
class Decoder {
 public:
  explicit Decoder(const v1::SearchSpace& space) {
    for (const auto& p : space.params()) {
      kinds_[p.name()] = p.domain_case();
      const auto& choices = p.has_categorical() ? p.categorical().choices() : p.ordinal().choices();
      if (p.has_categorical() || p.has_ordinal()) {
        bool all_bool = choices.size() > 0;
        for (const auto& c : choices) {
          all_bool = all_bool && c.kind_case() == v1::Value::kStringValue &&
                     (c.string_value() == "true" || c.string_value() == "false");
        }
        if (all_bool) bools_.insert(p.name());
      }
    }
  }

  Value value(const std::string& name, const v1::Value& v) const {
    auto kind = kinds_.count(name) ? kinds_.at(name) : v1::Parameter::DOMAIN_NOT_SET;
    if (kind == v1::Parameter::kInt) return v.kind_case() == v1::Value::kIntValue ? v.int_value()
                                                                                  : static_cast<int64_t>(v.float_value());
    if (kind == v1::Parameter::kFloat) return v.kind_case() == v1::Value::kFloatValue ? v.float_value()
                                                                                      : static_cast<double>(v.int_value());
    switch (v.kind_case()) {
      case v1::Value::kIntValue: return v.int_value();
      case v1::Value::kFloatValue: return v.float_value();
      default: return bools_.count(name) ? Value(v.string_value() == "true") : Value(v.string_value());
    }
  }

  std::map<std::string, Value> config(const google::protobuf::RepeatedPtrField<v1::ParameterValue>& params) const {
    std::map<std::string, Value> out;
    for (const auto& p : params) out[p.name()] = value(p.name(), p.value());
    return out;
  }

 private:
  std::map<std::string, v1::Parameter::DomainCase> kinds_;
  std::set<std::string> bools_;
};

}  // namespace

// ------------------------------------------------------------------ transport

// RPCs whose repetition gives the outcome of one call, so they are repeated after a lost
// gateway: Ask and Tell carry request ids, a repeated Report (same step, value, attempt) is
// answered as the first was, Heartbeat only extends a lease, the rest only read. Not repeated:
// DeleteStudy, EnqueueTrial, UpdateStudy, and CreateStudy unless load_if_exists.
bool is_idempotent(const std::string& method) {
  static const std::set<std::string> idempotent = {"Ask", "Tell", "Report", "Heartbeat", "GetStudy", "ListStudies",
                                                   "GetTrial", "ListTrials", "GetBestTrials", "ListPlugins",
                                                   "ListPluginJars"};
  return idempotent.count(method) > 0;
}

bool is_gateway_loss(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return true;
    case grpc::StatusCode::UNKNOWN:
      return status.error_message() == "Stream removed";
    default:
      return false;
  }
}

namespace {

std::pair<std::string, int> split_host_port(const std::string& entry, const std::string& target) {
  size_t b = entry.find_first_not_of(' '), e = entry.find_last_not_of(' ');
  std::string a = b == std::string::npos ? "" : entry.substr(b, e - b + 1);
  size_t colon = a.rfind(':');
  std::string host = colon == std::string::npos ? "" : a.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port = colon == std::string::npos ? "" : a.substr(colon + 1);
  bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
  if (host.empty() || !digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    throw std::invalid_argument("target: '" + entry + "' in '" + target + "' is not host:port");
  }
  return {host, std::stoi(port)};
}

}  // namespace

GatewayTarget gateway_target(const std::string& target) {
  if (target.find_first_not_of(' ') == std::string::npos) {
    throw std::invalid_argument("target: empty; give host:port or host1:port1,host2:port2");
  }
  std::string scheme = target.substr(0, target.find(':'));
  static const std::set<std::string> schemes = {"ipv4", "ipv6", "dns", "unix", "unix-abstract", "vsock"};
  if (target.find(',') == std::string::npos || schemes.count(scheme)) return {target, ""};
  std::vector<std::pair<std::string, int>> entries;
  for (size_t start = 0;;) {
    size_t comma = target.find(',', start);
    entries.push_back(split_host_port(target.substr(start, comma - start), target));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::vector<std::string> v4, v6;
  for (const auto& [host, port] : entries) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
      throw std::invalid_argument("target: cannot resolve '" + host + "' of '" + target + "': " + gai_strerror(rc));
    }
    std::set<std::string> seen;
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      char ip[INET6_ADDRSTRLEN] = "";
      if (a->ai_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, ip, sizeof ip);
        if (seen.insert(ip).second) v4.push_back(std::string(ip) + ":" + std::to_string(port));
      } else if (a->ai_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, ip, sizeof ip);
        if (seen.insert(ip).second) v6.push_back("[" + std::string(ip) + "]:" + std::to_string(port));
      }
    }
    freeaddrinfo(found);
  }
  // gRPC's list schemes take one address family: IPv4 where there is any, else IPv6
  std::string list;
  for (const auto& a : v4.empty() ? v6 : v4) list += (list.empty() ? "" : ",") + a;
  const auto& [host, port] = entries.front();
  std::string authority = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  return {(v4.empty() ? "ipv6:" : "ipv4:") + list, authority};
}

// One channel and stub, shared by a client's studies, trials and heartbeat threads.
class Connection {
 public:
  Connection(const std::string& target, ClientOptions options) : options_(std::move(options)) {
    std::shared_ptr<grpc::ChannelCredentials> creds;
    if (options_.tls || !options_.root_certificates.empty()) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = options_.root_certificates;
      creds = grpc::SslCredentials(ssl);
    } else {
      creds = grpc::InsecureChannelCredentials();
    }
    GatewayTarget resolved = gateway_target(target);
    grpc::ChannelArguments args;
    args.SetLoadBalancingPolicyName("round_robin");
    if (!resolved.authority.empty()) args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, resolved.authority);
    stub_ = v1::HypatiaService::NewStub(grpc::CreateCustomChannel(resolved.grpc_target, creds, args));
    if (options_.worker.empty()) {
      char host[256] = "host";
      gethostname(host, sizeof host - 1);
      options_.worker = std::string(host) + "-" + std::to_string(getpid());
    }
  }

  // Calls one RPC; a repeatable one (is_idempotent, unless the caller says otherwise) is repeated
  // after a lost gateway (is_gateway_loss) with exponential backoff, any other waits for a
  // reachable gateway and is not repeated. Throws Error.
  template <typename Req, typename Resp>
  Resp call(const char* method,
            grpc::Status (v1::HypatiaService::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
            const Req& request, std::optional<bool> repeatable = std::nullopt) {
    bool idempotent = repeatable.value_or(is_idempotent(method));
    auto delay = std::chrono::milliseconds(100);
    for (int attempt = 0;; ++attempt) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + options_.timeout);
      if (!idempotent) ctx.set_wait_for_ready(true);
      if (!options_.token.empty()) ctx.AddMetadata("authorization", "Bearer " + options_.token);
      Resp response;
      grpc::Status status = (stub_.get()->*rpc)(&ctx, request, &response);
      if (status.ok()) return response;
      if (!idempotent || !is_gateway_loss(status) || attempt >= options_.retries) {
        throw Error(status.error_code(), status.error_message(), method, field_of(status));
      }
      retried_.fetch_add(1);
      // jitter, so the workers of a lost gateway do not all arrive at once
      std::uniform_int_distribution<long> jitter(delay.count() / 2, delay.count());
      thread_local std::mt19937 rng(std::random_device{}());
      std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
  }

  const ClientOptions& options() const { return options_; }
  int64_t retried_calls() const { return retried_.load(); }

 private:
  ClientOptions options_;
  std::unique_ptr<v1::HypatiaService::Stub> stub_;
  std::atomic<int64_t> retried_{0};
};

#define HYPATIA_CALL(conn, Name, request, ...) (conn)->call(#Name, &v1::HypatiaService::Stub::Name, request, ##__VA_ARGS__)

// ------------------------------------------------------------------ search space

struct SearchSpace::Impl {
  v1::SearchSpace proto;
};

SearchSpace::SearchSpace() : impl_(std::make_shared<Impl>()) {}

namespace {
v1::Parameter* add_param(v1::SearchSpace& space, const std::string& name, const SearchSpace::Condition& when) {
  v1::Parameter* p = space.add_params();
  p->set_name(name);
  if (when) {
    p->mutable_condition()->set_parent(when->first);
    for (const auto& v : when->second) *p->mutable_condition()->add_values() = to_wire(v);
  }
  return p;
}
}  // namespace

SearchSpace& SearchSpace::add_float(const std::string& name, double low, double high, bool log, Condition when) {
  auto* d = add_param(impl_->proto, name, when)->mutable_float_();
  d->set_low(low);
  d->set_high(high);
  d->set_log(log);
  return *this;
}

SearchSpace& SearchSpace::add_int(const std::string& name, int64_t low, int64_t high, int64_t step, bool log,
                                  Condition when) {
  auto* d = add_param(impl_->proto, name, when)->mutable_int_();
  d->set_low(low);
  d->set_high(high);
  d->set_step(step);
  d->set_log(log);
  return *this;
}

SearchSpace& SearchSpace::add_categorical(const std::string& name, std::vector<Value> choices, Condition when) {
  auto* d = add_param(impl_->proto, name, when)->mutable_categorical();
  for (const auto& c : choices) *d->add_choices() = to_wire(c);
  return *this;
}

SearchSpace& SearchSpace::add_ordinal(const std::string& name, std::vector<Value> choices, Condition when) {
  auto* d = add_param(impl_->proto, name, when)->mutable_ordinal();
  for (const auto& c : choices) *d->add_choices() = to_wire(c);
  return *this;
}

// ------------------------------------------------------------------ client and studies

Client::Client(const std::string& target, ClientOptions options)
    : conn_(std::make_shared<Connection>(target, std::move(options))) {}

int64_t Client::retried_calls() const { return conn_->retried_calls(); }

Study Client::create_study(const std::string& name, const SearchSpace& space, const StudyOptions& options) {
  v1::CreateStudyRequest req;
  req.set_name(name);
  *req.mutable_search_space() = space.impl()->proto;
  for (const auto& [objective, direction] : options.objectives) {
    auto* o = req.add_objectives();
    o->set_name(objective);
    o->set_direction(direction == Direction::Maximize ? v1::MAXIMIZE : v1::MINIMIZE);
  }
  req.mutable_sampler()->set_name(options.sampler);
  req.mutable_sampler()->mutable_config()->insert(options.sampler_config.begin(), options.sampler_config.end());
  req.mutable_scheduler()->set_name(options.scheduler);
  req.mutable_scheduler()->mutable_config()->insert(options.scheduler_config.begin(), options.scheduler_config.end());
  if (options.fidelity) {
    auto* f = req.mutable_fidelity();
    f->set_name(std::get<0>(*options.fidelity));
    f->set_min(std::get<1>(*options.fidelity));
    f->set_max(std::get<2>(*options.fidelity));
  }
  req.set_lease_seconds(options.lease_seconds);
  try {
    // repeatable only when an existing study is welcome: a repeat then finds the first one's study
    return Study(conn_, HYPATIA_CALL(conn_, CreateStudy, req, options.load_if_exists).study());
  } catch (const Error& e) {
    if (e.code() != grpc::StatusCode::ALREADY_EXISTS || !options.load_if_exists) throw;
    return load_study(name);
  }
}

Study Client::load_study(const std::string& name) {
  v1::GetStudyRequest req;
  req.set_study(name);
  return Study(conn_, HYPATIA_CALL(conn_, GetStudy, req).study());
}

void Client::delete_study(const std::string& name) {
  v1::DeleteStudyRequest req;
  req.set_study(name);
  HYPATIA_CALL(conn_, DeleteStudy, req);
}

std::vector<std::string> Client::list_studies() {
  std::vector<std::string> names;
  v1::ListStudiesRequest req;
  req.set_page_size(conn_->options().page_size);
  do {  // follow the pages
    v1::ListStudiesResponse r = HYPATIA_CALL(conn_, ListStudies, req);
    for (const auto& s : r.studies()) names.push_back(s.name());
    req.set_page_token(r.next_page_token());
  } while (!req.page_token().empty());
  return names;
}

Study::Study(std::shared_ptr<Connection> conn, const v1::Study& study)
    : conn_(std::move(conn)),
      name_(study.name()),
      lease_seconds_(study.lease_seconds() > 0 ? study.lease_seconds() : 300),
      decoder_(std::make_shared<Decoder>(study.search_space())) {}

std::unique_ptr<Trial> Study::ask() {
  v1::AskRequest req;
  req.set_study(name_);
  req.set_count(1);
  req.set_worker(conn_->options().worker);
  req.set_request_id(new_request_id());  // a retried ask gets the same trial, none is left RUNNING unheld
  v1::AskedTrial asked = HYPATIA_CALL(conn_, Ask, req).trials(0);
  const v1::Trial& t = asked.trial();
  std::unique_ptr<Trial> trial(new Trial());
  trial->conn_ = conn_;
  trial->study_ = name_;
  trial->id_ = t.id();
  trial->number_ = t.number();
  trial->params_ = static_cast<const Decoder*>(decoder_.get())->config(t.config());
  trial->budget_ = asked.budget() > 0 ? asked.budget() : t.budget();
  trial->attempt_ = asked.attempt();
  trial->hand_out_ = asked.hand_out() == v1::HAND_OUT_UNSPECIFIED ? "NEW" : v1::HandOut_Name(asked.hand_out());
  trial->resumed_ = asked.resumed();
  if (asked.resumed()) {
    trial->checkpoint_ = asked.checkpoint();
    trial->resume_step_ = asked.resume_step();
  }
  trial->parent_trial_id_ = t.parent_trial_id();
  return trial;
}

TrialGuard Study::trial(std::chrono::milliseconds heartbeat_period) {
  if (heartbeat_period.count() <= 0) heartbeat_period = std::chrono::milliseconds(lease_seconds_ * 1000 / 3);
  return TrialGuard(ask(), heartbeat_period);
}

void Study::enqueue(const std::map<std::string, Value>& params) {
  v1::EnqueueTrialRequest req;
  req.set_study(name_);
  for (const auto& [k, v] : params) {
    auto* p = req.add_config();
    p->set_name(k);
    *p->mutable_value() = to_wire(v);
  }
  HYPATIA_CALL(conn_, EnqueueTrial, req);
}

TrialRecord Study::record(const v1::Trial& t) const {
  TrialRecord r;
  r.id = t.id();
  r.number = t.number();
  r.state = state_name(t.state());
  r.params = static_cast<const Decoder*>(decoder_.get())->config(t.config());
  r.values.assign(t.values().begin(), t.values().end());
  for (const auto& iv : t.intermediate_values()) {
    // A resumed attempt goes on after its checkpoint's step, a restarted one from the start:
    // values of an earlier attempt at or past this step were abandoned.
    auto& curve = r.intermediate_values;
    while (!curve.empty() && curve.back().first >= iv.step()) curve.pop_back();
    curve.emplace_back(iv.step(), iv.value());
  }
  r.budget = t.budget();
  r.checkpoint = t.checkpoint();
  r.fail_reason = t.fail_reason();
  r.worker = t.worker();
  r.attempts = t.attempts();
  r.lease_expires_at_ms = t.lease_expires_at_ms();
  return r;
}

std::vector<TrialRecord> Study::trials() {
  v1::ListTrialsRequest req;
  req.set_study(name_);
  req.set_page_size(conn_->options().page_size);
  std::vector<TrialRecord> out;
  do {  // follow the pages
    v1::ListTrialsResponse r = HYPATIA_CALL(conn_, ListTrials, req);
    for (const auto& t : r.trials()) out.push_back(record(t));
    req.set_page_token(r.next_page_token());
  } while (!req.page_token().empty());
  return out;
}

TrialRecord Study::get_trial(int64_t id) {
  v1::GetTrialRequest req;
  req.set_study(name_);
  req.set_trial_id(id);
  return record(HYPATIA_CALL(conn_, GetTrial, req).trial());
}

std::vector<TrialRecord> Study::best_trials() {
  v1::GetBestTrialsRequest req;
  req.set_study(name_);
  std::vector<TrialRecord> out;
  v1::GetBestTrialsResponse r = HYPATIA_CALL(conn_, GetBestTrials, req);
  for (const auto& t : r.trials()) out.push_back(record(t));
  return out;
}

std::vector<TrialRecord> Study::raise_max_budget(double max_budget) {
  v1::UpdateStudyRequest req;
  req.set_study(name_);
  req.set_max_budget(max_budget);
  std::vector<TrialRecord> out;
  v1::UpdateStudyResponse r = HYPATIA_CALL(conn_, UpdateStudy, req);
  for (const auto& t : r.continued()) out.push_back(record(t));
  return out;
}

// ------------------------------------------------------------------ trials

namespace {
const Value& param(const std::map<std::string, Value>& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end()) throw std::out_of_range("no parameter '" + name + "' in this trial (inactive or undeclared)");
  return it->second;
}
}  // namespace

double Trial::get_double(const std::string& name) const {
  const Value& v = param(params_, name);
  if (auto i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto d = std::get_if<double>(&v)) return *d;
  throw std::invalid_argument("parameter '" + name + "' is not numeric: " + to_string(v));
}

int64_t Trial::get_int(const std::string& name) const {
  const Value& v = param(params_, name);
  if (auto i = std::get_if<int64_t>(&v)) return *i;
  throw std::invalid_argument("parameter '" + name + "' is not an integer: " + to_string(v));
}

bool Trial::get_bool(const std::string& name) const {
  const Value& v = param(params_, name);
  if (auto b = std::get_if<bool>(&v)) return *b;
  throw std::invalid_argument("parameter '" + name + "' is not a bool: " + to_string(v));
}

const std::string& Trial::get_string(const std::string& name) const {
  const Value& v = param(params_, name);
  if (auto s = std::get_if<std::string>(&v)) return *s;
  throw std::invalid_argument("parameter '" + name + "' is not a string: " + to_string(v));
}

Decision Trial::report(double step, double value, const std::string& checkpoint) {
  v1::ReportRequest req;
  req.set_study(study_);
  req.set_trial_id(id_);
  req.set_step(step);
  req.set_value(value);
  req.set_attempt(attempt_);
  req.set_checkpoint(checkpoint);
  v1::ReportResponse r = HYPATIA_CALL(conn_, Report, req);
  last_rung_ = r.rung();
  last_reason_ = r.reason();
  Decision d = r.decision() == v1::STOP ? Decision::Stop : r.decision() == v1::PAUSE ? Decision::Pause : Decision::Continue;
  if (d != Decision::Continue) {
    stop_ = true;
    finished_ = true;
  }
  return d;
}

bool Trial::heartbeat() {
  v1::HeartbeatRequest req;
  req.set_study(study_);
  req.set_trial_id(id_);
  req.set_attempt(attempt_);
  bool stop = HYPATIA_CALL(conn_, Heartbeat, req).should_stop();
  if (stop) stop_ = true;
  return stop;
}

void Trial::finish(v1::TellRequest& req, const std::string& checkpoint) {
  req.set_study(study_);
  req.set_trial_id(id_);
  req.set_attempt(attempt_);
  req.set_checkpoint(checkpoint);
  req.set_request_id(new_request_id());  // fixed before the first try: retries are applied once
  HYPATIA_CALL(conn_, Tell, req);
  finished_ = true;
  stop_ = true;
}

void Trial::tell(double value, const std::string& checkpoint) { tell(std::vector<double>{value}, checkpoint); }

void Trial::tell(const std::vector<double>& values, const std::string& checkpoint,
                 const std::vector<double>& constraints) {
  v1::TellRequest req;
  for (double v : values) req.mutable_complete()->add_values(v);
  for (double c : constraints) req.mutable_complete()->add_constraints(c);
  finish(req, checkpoint);
}

void Trial::tell_pruned(const std::string& reason) {
  v1::TellRequest req;
  req.mutable_pruned()->set_reason(reason);
  finish(req, "");
}

void Trial::tell_failed(const std::string& reason) {
  v1::TellRequest req;
  req.mutable_failed()->set_reason(reason);
  finish(req, "");
}

// ------------------------------------------------------------------ the guard

struct TrialGuard::Beater {
  std::mutex mutex;
  std::condition_variable wake;
  bool done = false;
  std::thread thread;

  Beater(Trial* trial, std::chrono::milliseconds period) {
    thread = std::thread([this, trial, period] {
      std::unique_lock<std::mutex> lock(mutex);
      while (!wake.wait_for(lock, period, [this] { return done; })) {
        lock.unlock();
        try {
          trial->heartbeat();
        } catch (const Error&) {
          // the next beat, report or tell says what happened
        }
        lock.lock();
      }
    });
  }

  ~Beater() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
    }
    wake.notify_all();
    thread.join();
  }
};

TrialGuard::TrialGuard(std::unique_ptr<Trial> trial, std::chrono::milliseconds heartbeat_period)
    : trial_(std::move(trial)),
      beater_(std::make_unique<Beater>(trial_.get(), std::max(heartbeat_period, std::chrono::milliseconds(200)))),
      uncaught_(std::uncaught_exceptions()) {}

TrialGuard::TrialGuard(TrialGuard&& other) noexcept = default;

TrialGuard::~TrialGuard() {
  if (!trial_) return;  // moved from
  beater_.reset();
  if (trial_->finished()) return;
  const char* reason = std::uncaught_exceptions() > uncaught_ ? "the trainer threw an exception"
                                                              : "the trial went out of scope unfinished";
  try {
    trial_->tell_failed(reason);
  } catch (const Error&) {
    // already finished meanwhile (lease expired), or the service is gone: nothing more to do
  }
}

}  // namespace hypatia
