// Workers of one study through a target naming several gateways, until a stop file appears:
//   failover_run --target 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3 --study S --workers 4 --stop-file F
// Used by integration-tests' ClientFailoverIT, which kills one gateway mid-run: each worker
// thread asks, reports one step and tells, relying on the client's round robin and failover, and
// prints every acknowledged tell as `acked <trial id> <value>`; the test then checks each is
// stored once with its value. Exits 1 if any call failed.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hypatia/client.h"

int main(int argc, char** argv) {
  std::string target, study_name, stop_file;
  int workers = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--target") target = argv[i + 1];
    else if (a == "--study") study_name = argv[i + 1];
    else if (a == "--stop-file") stop_file = argv[i + 1];
    else if (a == "--workers") workers = std::atoi(argv[i + 1]);
  }
  if (target.empty() || study_name.empty() || stop_file.empty() || workers < 1) {
    std::fprintf(stderr, "usage: failover_run --target T --study S --workers N --stop-file F\n");
    return 2;
  }
  hypatia::ClientOptions options;
  options.retries = 50;
  hypatia::Client client(target, options);
  hypatia::Study study = client.load_study(study_name);
  std::mutex out;
  long acked = 0;
  std::vector<std::string> errors;
  auto stopped = [&] {
    struct stat st;
    return stat(stop_file.c_str(), &st) == 0;
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      try {
        while (!stopped()) {
          std::unique_ptr<hypatia::Trial> trial = study.ask();
          double x = trial->get_double("x");
          double value = x * x + 0.001 * w;
          trial->report(1, value);
          trial->tell(value);
          std::lock_guard<std::mutex> lock(out);
          ++acked;
          std::printf("acked %lld %.17g\n", static_cast<long long>(trial->id()), value);
          std::fflush(stdout);
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(out);
        errors.push_back("worker " + std::to_string(w) + ": " + e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf("done: %ld tells acknowledged, %lld calls repeated, %zu errors\n", acked,
              static_cast<long long>(client.retried_calls()), errors.size());
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
  return errors.empty() ? 0 : 1;
}
