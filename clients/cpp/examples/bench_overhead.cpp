// Client overhead of one ask/report/tell cycle against a running service, against the raw stub:
//   bench_overhead --target 127.0.0.1:50051 --cycles 1000 --csv overhead.csv
// Runs the cycle two ways, alternating so the machine's drift hits both alike: through the
// client library (Study::ask, Trial::report, Trial::tell) and through the generated gRPC stub
// with the same three messages built by hand (the floor any client pays). Prints, for each, the
// median and p99 wall time of a cycle (three round trips, client and service together) and the
// median process CPU time per cycle, then the client's overhead over the raw stub (difference of
// medians); appends one CSV row per way.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include "hypatia/client.h"
#include "hypatia/v1/hypatia.grpc.pb.h"

namespace v1 = hypatia::v1;

static double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
}

static void check(const grpc::Status& status, const char* method) {
  if (!status.ok()) throw std::runtime_error(std::string(method) + ": " + status.error_message());
}

int main(int argc, char** argv) {
  std::string target = "127.0.0.1:50051", csv = "bench-client-overhead.csv";
  int cycles = 1000, warmup = 50;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--target") target = v;
    else if (k == "--cycles") cycles = std::stoi(v);
    else if (k == "--csv") csv = v;
    else if (k == "--warmup") warmup = std::stoi(v);
  }
  hypatia::Client client(target);
  hypatia::SearchSpace space;
  space.add_float("x", 0, 1).add_int("n", 1, 100).add_categorical("c", {std::string("a"), std::string("b")});
  std::string name = "bench-overhead-cpp-" + std::to_string(time(nullptr)) + "-" + std::to_string(getpid());
  hypatia::Study study = client.create_study(name, space);
  auto stub = v1::HypatiaService::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  long request = 0;
  auto deadline = [] { return std::chrono::system_clock::now() + std::chrono::seconds(60); };

  std::map<std::string, std::function<void()>> ways = {
      {"cpp",
       [&] {
         auto trial = study.ask();
         trial->report(1, trial->get_double("x"));
         trial->tell(trial->get_double("x"));
       }},
      {"cpp-raw-stub", [&] {
         v1::AskRequest ask;
         ask.set_study(name);
         ask.set_count(1);
         ask.set_worker("bench");
         ask.set_request_id("bench-ask-" + std::to_string(++request));
         v1::AskResponse asked;
         grpc::ClientContext c1;
         c1.set_deadline(deadline());
         check(stub->Ask(&c1, ask, &asked), "Ask");
         const v1::AskedTrial& a = asked.trials(0);
         double x = 0;
         for (const auto& p : a.trial().config()) {
           if (p.name() == "x") x = p.value().float_value();
         }
         v1::ReportRequest report;
         report.set_study(name);
         report.set_trial_id(a.trial().id());
         report.set_step(1);
         report.set_value(x);
         report.set_attempt(a.attempt());
         v1::ReportResponse reported;
         grpc::ClientContext c2;
         c2.set_deadline(deadline());
         check(stub->Report(&c2, report, &reported), "Report");
         v1::TellRequest tell;
         tell.set_study(name);
         tell.set_trial_id(a.trial().id());
         tell.set_attempt(a.attempt());
         tell.set_request_id("bench-tell-" + std::to_string(request));
         tell.mutable_complete()->add_values(x);
         v1::TellResponse told;
         grpc::ClientContext c3;
         c3.set_deadline(deadline());
         check(stub->Tell(&c3, tell, &told), "Tell");
       }}};
  std::map<std::string, std::vector<double>> wall, cpu;
  std::vector<std::string> order = {"cpp", "cpp-raw-stub"};
  for (int i = 0; i < warmup + cycles; ++i) {
    for (int j = 0; j < 2; ++j) {
      const std::string& way = order[i % 2 == 0 ? j : 1 - j];  // ABBA: neither way always goes first
      auto t0 = std::chrono::steady_clock::now();
      double c0 = cpu_seconds();
      ways[way]();
      double c1 = cpu_seconds();
      auto t1 = std::chrono::steady_clock::now();
      if (i >= warmup) {
        wall[way].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        cpu[way].push_back((c1 - c0) * 1e6);
      }
    }
  }
  FILE* f = std::fopen(csv.c_str(), "a");
  if (f) {
    std::fseek(f, 0, SEEK_END);
    if (std::ftell(f) == 0) std::fprintf(f, "client,cycles,median_us,p99_us,client_cpu_median_us,unix_time\n");
  }
  for (const auto& way : order) {
    double med = quantile(wall[way], 0.5), p99 = quantile(wall[way], 0.99), cpu_med = quantile(cpu[way], 0.5);
    std::printf("%-16s ask/report/tell cycle over %d cycles: median %.0f us, p99 %.0f us (wall); process CPU median %.0f us\n",
                way.c_str(), cycles, med, p99, cpu_med);
    if (f) std::fprintf(f, "%s,%d,%.1f,%.1f,%.1f,%ld\n", way.c_str(), cycles, med, p99, cpu_med, static_cast<long>(time(nullptr)));
  }
  if (f) std::fclose(f);
  std::printf("client overhead over the raw stub per cycle (3 calls), difference of medians: wall %+.0f us, CPU %+.0f us\n",
              quantile(wall["cpp"], 0.5) - quantile(wall["cpp-raw-stub"], 0.5),
              quantile(cpu["cpp"], 0.5) - quantile(cpu["cpp-raw-stub"], 0.5));
  return 0;
}
