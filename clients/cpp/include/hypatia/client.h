// C++ client for the Hypatia hyperparameter-optimization service (gRPC API hypatia.v1).
//
//   hypatia::Client client("127.0.0.1:50051");
//   hypatia::SearchSpace space;
//   space.add_float("lr", 1e-4, 1.0, /*log=*/true).add_int("hidden", 8, 256);
//   hypatia::StudyOptions options;
//   options.objectives = {{"val_accuracy", hypatia::Direction::Maximize}};
//   options.scheduler = "median";
//   hypatia::Study study = client.create_study("mlp", space, options);   // or load_if_exists
//   {
//     hypatia::TrialGuard trial = study.trial();   // asks, heartbeats; FAILED if left unfinished
//     for (int epoch = 1; epoch <= 20; ++epoch) {
//       double acc = train_one_epoch(trial->get_double("lr"), trial->get_int("hidden"));
//       if (trial->report(epoch, acc, save_checkpoint(epoch)) != hypatia::Decision::Continue) break;
//     }
//     if (!trial->finished()) trial->tell(acc);
//   }
//
// A Client must not be used across fork(): create clients in each worker process.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include <grpcpp/support/status.h>

namespace hypatia {

namespace v1 {  // the generated protocol types (hypatia.pb.h)
class Study;
class Trial;
class TellRequest;
}  // namespace v1

// A parameter value as the study's space declares it: bool (a categorical of true/false),
// int64 (int parameters, integer choices), double (float parameters, real choices) or string.
using Value = std::variant<bool, int64_t, double, std::string>;

std::string to_string(const Value& value);

// An RPC the service (or the transport) refused.
class Error : public std::runtime_error {
 public:
  Error(grpc::StatusCode code, std::string message, std::string method, std::string field);
  // The gRPC status code, e.g. grpc::StatusCode::INVALID_ARGUMENT.
  grpc::StatusCode code() const { return code_; }
  // The request field the service named ("search_space.params[0].float.low"); empty if none.
  const std::string& field() const { return field_; }
  // The status description as sent.
  const std::string& message() const { return message_; }
  // The RPC that failed, e.g. "Tell".
  const std::string& method() const { return method_; }

 private:
  grpc::StatusCode code_;
  std::string message_, method_, field_;
};

enum class Direction { Minimize, Maximize };
enum class Decision { Continue, Stop, Pause };
const char* to_string(Decision d);

// A search space in declaration order. Conditions name an earlier categorical/ordinal parent.
class SearchSpace {
 public:
  using Condition = std::optional<std::pair<std::string, std::vector<Value>>>;
  SearchSpace& add_float(const std::string& name, double low, double high, bool log = false,
                         Condition when = std::nullopt);
  SearchSpace& add_int(const std::string& name, int64_t low, int64_t high, int64_t step = 1, bool log = false,
                       Condition when = std::nullopt);
  SearchSpace& add_categorical(const std::string& name, std::vector<Value> choices, Condition when = std::nullopt);
  SearchSpace& add_ordinal(const std::string& name, std::vector<Value> choices, Condition when = std::nullopt);
  struct Impl;
  std::shared_ptr<Impl> impl() const { return impl_; }
  SearchSpace();

 private:
  std::shared_ptr<Impl> impl_;
};

struct StudyOptions {
  std::vector<std::pair<std::string, Direction>> objectives{{"value", Direction::Minimize}};
  std::string sampler = "random";
  std::map<std::string, std::string> sampler_config;
  std::string scheduler = "none";
  std::map<std::string, std::string> scheduler_config;
  // (resource name, min, max), e.g. {"epochs", 1, 27}.
  std::optional<std::tuple<std::string, double, double>> fidelity;
  int64_t lease_seconds = 0;  // 0: the service's default (300)
  bool load_if_exists = false;
};

struct ClientOptions {
  std::chrono::milliseconds timeout{60000};  // deadline of each call
  // Repeats of a call that may be repeated (is_idempotent) after a lost gateway (is_gateway_loss),
  // on another gateway when the target names several; other calls are never repeated.
  int retries = 5;
  std::string token;                         // bearer token sent as "authorization" metadata
  bool tls = false;                          // connect with TLS (system roots unless root_certificates)
  std::string root_certificates;             // PEM
  std::string worker;                        // name recorded on leased trials; default host-pid
  // Studies or trials per ListStudies/ListTrials call (0: the service's default, 1000 unless
  // configured). Listing follows the pages either way.
  int32_t page_size = 0;
};

// A trial as the service recorded it.
struct TrialRecord {
  int64_t id = 0;
  int32_t number = 0;
  std::string state;  // WAITING, RUNNING, PAUSED, COMPLETE, PRUNED, FAILED
  std::map<std::string, Value> params;
  std::vector<double> values;
  std::vector<std::pair<double, double>> intermediate_values;  // (step, value): the live curve
  double budget = 0;
  std::string checkpoint, fail_reason, worker;
  int32_t attempts = 0;
  int64_t lease_expires_at_ms = 0;  // RUNNING trials: when the lease runs out
};

class Connection;
class Study;

// A trial leased to this worker. Not copyable; shared with the heartbeat thread.
class Trial {
 public:
  int64_t id() const { return id_; }
  int32_t number() const { return number_; }
  const std::map<std::string, Value>& params() const { return params_; }
  bool has(const std::string& name) const { return params_.count(name) > 0; }
  double get_double(const std::string& name) const;  // float params (int params are widened)
  int64_t get_int(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;
  double budget() const { return budget_; }       // fidelity budget to train to (0: none)
  int32_t attempt() const { return attempt_; }    // sent with report/heartbeat/tell (fencing)
  const std::string& hand_out() const { return hand_out_; }  // NEW, REQUEUED, PROMOTED, CLONED
  bool resumed() const { return resumed_; }       // load checkpoint() and go on after resume_step()
  const std::string& checkpoint() const { return checkpoint_; }
  double resume_step() const { return resume_step_; }
  int64_t parent_trial_id() const { return parent_trial_id_; }

  // Records an intermediate value (and optionally the checkpoint saved at that step).
  // Stop: the trial is now PRUNED; Pause: PAUSED (may be promoted later). Either way stop training.
  Decision report(double step, double value, const std::string& checkpoint = "");
  const std::string& last_reason() const { return last_reason_; }
  int32_t last_rung() const { return last_rung_; }
  // Extends the lease; true when the worker should stop (the trial is no longer running).
  bool heartbeat();
  void tell(double value, const std::string& checkpoint = "");
  void tell(const std::vector<double>& values, const std::string& checkpoint = "",
            const std::vector<double>& constraints = {});
  void tell_pruned(const std::string& reason = "pruned by the worker");
  void tell_failed(const std::string& reason);
  // Told, or stopped/paused by the scheduler.
  bool finished() const { return finished_; }
  // The scheduler said stop or pause, or a heartbeat learned the trial is no longer running.
  bool should_stop() const { return stop_; }

 private:
  friend class Study;
  Trial() = default;
  void finish(v1::TellRequest& request, const std::string& checkpoint);
  std::shared_ptr<Connection> conn_;
  std::string study_;
  int64_t id_ = 0;
  int32_t number_ = 0;
  std::map<std::string, Value> params_;
  double budget_ = 0, resume_step_ = 0;
  int32_t attempt_ = 0, last_rung_ = -1;
  int64_t parent_trial_id_ = 0;
  std::string hand_out_, checkpoint_, last_reason_;
  bool resumed_ = false;
  std::atomic<bool> finished_{false}, stop_{false};
};

// Owns a leased trial: heartbeats in a background thread while it lives, and tells the trial
// FAILED when it goes out of scope unfinished (an exception, an early return).
class TrialGuard {
 public:
  TrialGuard(std::unique_ptr<Trial> trial, std::chrono::milliseconds heartbeat_period);
  TrialGuard(TrialGuard&&) noexcept;
  TrialGuard(const TrialGuard&) = delete;
  TrialGuard& operator=(const TrialGuard&) = delete;
  ~TrialGuard();
  Trial* operator->() { return trial_.get(); }
  Trial& operator*() { return *trial_; }

 private:
  struct Beater;
  std::unique_ptr<Trial> trial_;
  std::unique_ptr<Beater> beater_;
  int uncaught_;
};

class Study {
 public:
  const std::string& name() const { return name_; }
  std::unique_ptr<Trial> ask();
  // ask() guarded: heartbeats every third of the lease (or heartbeat_period), FAILED if abandoned.
  TrialGuard trial(std::chrono::milliseconds heartbeat_period = std::chrono::milliseconds(0));
  void enqueue(const std::map<std::string, Value>& params);
  std::vector<TrialRecord> trials();
  TrialRecord get_trial(int64_t id);
  // The best COMPLETE trial (or the Pareto set); empty before any completes.
  std::vector<TrialRecord> best_trials();
  // Raises the study's max budget (its fidelity's max) while it runs (UpdateStudy, Iterative
  // Deepening Hyperband). With asha or hyperband the best trials finished at the old max go back
  // to PAUSED and later asks hand them out as PROMOTED, resumed from their checkpoints; they are
  // returned. Throws Error (INVALID_ARGUMENT, field max_budget) when the study has no fidelity or
  // max_budget is not larger than the current max.
  std::vector<TrialRecord> raise_max_budget(double max_budget);
  int64_t lease_seconds() const { return lease_seconds_; }

 private:
  friend class Client;
  Study(std::shared_ptr<Connection> conn, const v1::Study& study);
  TrialRecord record(const v1::Trial& t) const;
  std::shared_ptr<Connection> conn_;
  std::string name_;
  int64_t lease_seconds_ = 300;
  std::shared_ptr<const void> decoder_;
};

// True for an RPC of hypatia.v1 whose repetition gives the outcome of one call (Ask, Tell,
// Report, Heartbeat, reads): the client repeats those, and only those, after a lost gateway.
bool is_idempotent(const std::string& method);

// True for a failure that says nothing about the request itself, after which a call that may be
// repeated is: UNAVAILABLE, DEADLINE_EXCEEDED, and UNKNOWN with exactly the details "Stream removed",
// gRPC's C core's status for a call whose HTTP/2 stream its transport dropped without a status
// (grpc/grpc#34076). Any other UNKNOWN is not (grpc-java's "Application error processing RPC"
// for an exception escaping a handler is a bug to report at once).
bool is_gateway_loss(const grpc::Status& status);

// A client target as gRPC's C core takes it: `host1:port1,host2:port2` becomes an `ipv4:` (or
// `ipv6:`) address list, its names resolved once now, with the first entry as the authority;
// `host:port` and targets with a gRPC scheme (`dns:///name:port`, `ipv4:...`) pass unchanged.
struct GatewayTarget {
  std::string grpc_target;
  std::string authority;  // empty: gRPC's own
};
GatewayTarget gateway_target(const std::string& target);

class Client {
 public:
  // target: `host:port`, several gateways `host1:port1,host2:port2`, or any gRPC target such as
  // `dns:///name:port`; calls are spread over the gateways round robin. std::invalid_argument
  // for a malformed list.
  explicit Client(const std::string& target, ClientOptions options = {});
  // Calls this client repeated after a lost gateway or a timeout (for monitoring).
  int64_t retried_calls() const;
  Study create_study(const std::string& name, const SearchSpace& space, const StudyOptions& options = {});
  Study load_study(const std::string& name);
  void delete_study(const std::string& name);
  std::vector<std::string> list_studies();

 private:
  std::shared_ptr<Connection> conn_;
};

}  // namespace hypatia
