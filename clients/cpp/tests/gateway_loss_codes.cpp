// What the C++ client sees when its gateway dies mid-call (driven by
// clients/python/tools/gateway_loss_codes.py, which starts and kills the gateway):
//   gateway_loss_codes --target host:port --study S --threads N [--ca CA.pem] [--wait-go]
// Each thread calls Ask, Report, Heartbeat, Tell and GetStudy in a loop with retries off until
// its first failure, printed as `error <method> <CODE> <details>`. With --wait-go it prints
// `ready` once connected and starts the calls when a line arrives on stdin; with --fresh-channel
// too, the calls go through a second client that has not connected yet (its first calls connect).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hypatia/client.h"

namespace {

const char* code_name(grpc::StatusCode code) {
  static const char* names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                "UNAUTHENTICATED"};
  int c = static_cast<int>(code);
  return c >= 0 && c < 17 ? names[c] : "CODE_OUT_OF_RANGE";
}

std::string one_line(std::string s) {
  for (char& ch : s) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target, study_name, ca_file;
  int threads = 4;
  bool wait_go = false, fresh_channel = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--wait-go") wait_go = true;
    else if (a == "--fresh-channel") fresh_channel = true;
    else if (i + 1 < argc && a == "--target") target = argv[++i];
    else if (i + 1 < argc && a == "--study") study_name = argv[++i];
    else if (i + 1 < argc && a == "--threads") threads = std::atoi(argv[++i]);
    else if (i + 1 < argc && a == "--ca") ca_file = argv[++i];
  }
  if (target.empty() || study_name.empty() || threads < 1) {
    std::fprintf(stderr, "usage: gateway_loss_codes --target T --study S --threads N [--ca CA.pem] [--wait-go [--fresh-channel]]\n");
    return 2;
  }
  hypatia::ClientOptions options;
  options.retries = 0;  // every failure as the transport reported it
  options.timeout = std::chrono::milliseconds(10000);
  if (!ca_file.empty()) {  // TLS, trusting this certificate
    std::ifstream in(ca_file);
    std::stringstream pem;
    pem << in.rdbuf();
    options.root_certificates = pem.str();
  }
  hypatia::Client connected(target, options);
  hypatia::Study loaded = connected.load_study(study_name);
  if (wait_go) {
    std::printf("ready\n");
    std::fflush(stdout);
    std::string line;
    std::getline(std::cin, line);
  }
  std::optional<hypatia::Client> fresh;
  if (fresh_channel) fresh.emplace(target, options);
  hypatia::Client& client = fresh ? *fresh : connected;
  std::mutex out;
  std::optional<hypatia::Study> fresh_study;  // loaded by the first thread through the fresh client
  std::once_flag load_once;
  std::vector<std::thread> pool;
  for (int w = 0; w < threads; ++w) {
    pool.emplace_back([&, w] {
      std::mt19937 rng(w);
      std::uniform_real_distribution<double> value(0, 1);
      try {
        std::call_once(load_once, [&] {
          if (fresh) fresh_study.emplace(client.load_study(study_name));
        });
        hypatia::Study& study = fresh_study ? *fresh_study : loaded;
        for (;;) {
          std::unique_ptr<hypatia::Trial> trial = study.ask();
          for (int step = 1; step <= 2; ++step) {
            trial->report(step, value(rng));
            trial->heartbeat();
          }
          trial->tell(value(rng));
          client.load_study(study_name);
        }
      } catch (const hypatia::Error& e) {
        std::lock_guard<std::mutex> lock(out);
        std::printf("error %s %s %s\n", e.method().c_str(), code_name(e.code()), one_line(e.message()).c_str());
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(out);
        std::printf("error ? EXCEPTION %s\n", one_line(e.what()).c_str());
      }
      std::fflush(stdout);
    });
  }
  for (auto& t : pool) t.join();
  return 0;
}
