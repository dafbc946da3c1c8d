// Client overhead of one ask/report/tell cycle against a running service:
//   bench_overhead --target 127.0.0.1:50051 --cycles 1000 --csv overhead.csv
// Prints the median and p99 wall time of a cycle (three round trips, client and service
// together) and the median client-process CPU time per cycle, and appends a CSV row.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "hypatia/client.h"

static double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
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
  hypatia::Study study = client.create_study("bench-overhead-cpp-" + std::to_string(time(nullptr)), space);
  std::vector<double> wall, cpu;
  for (int i = 0; i < warmup + cycles; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    auto trial = study.ask();
    trial->report(1, trial->get_double("x"));
    trial->tell(trial->get_double("x"));
    double c1 = cpu_seconds();
    auto t1 = std::chrono::steady_clock::now();
    if (i >= warmup) {
      wall.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      cpu.push_back((c1 - c0) * 1e6);
    }
  }
  double med = quantile(wall, 0.5), p99 = quantile(wall, 0.99), cpu_med = quantile(cpu, 0.5);
  std::printf("C++ ask/report/tell cycle over %d cycles: median %.0f us, p99 %.0f us (wall); client CPU median %.0f us\n",
              cycles, med, p99, cpu_med);
  FILE* f = std::fopen(csv.c_str(), "a");
  if (f) {
    std::fseek(f, 0, SEEK_END);
    if (std::ftell(f) == 0) std::fprintf(f, "client,cycles,median_us,p99_us,client_cpu_median_us,unix_time\n");
    std::fprintf(f, "cpp,%d,%.1f,%.1f,%.1f,%ld\n", cycles, med, p99, cpu_med, static_cast<long>(time(nullptr)));
    std::fclose(f);
  }
  return 0;
}
