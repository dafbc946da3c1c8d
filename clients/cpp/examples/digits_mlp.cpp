// Tunes a small MLP written in plain C++ (one hidden layer, SGD with momentum and L2) on
// scikit-learn's digits data set through Hypatia, with several worker processes.
//
//   build/cpp/digits_mlp --target 127.0.0.1:50051 --trials 40 --workers 4
//
// Each worker asks for a trial, trains it epoch by epoch up to the trial's budget, reports the
// validation accuracy with a checkpoint file after every epoch, and stops when the scheduler
// says so: ASHA promotion by default (a trial is paused at a rung; the best paused trials come
// back promoted to a larger budget and resume from their checkpoint), or --scheduler median.
// The data is Debian python3-sklearn's digits.csv.gz (--data to change).
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hypatia/client.h"

namespace {

struct Data {
  std::vector<std::vector<float>> x_train, x_val;
  std::vector<int> y_train, y_val;
};

// digits.csv.gz: 1797 rows of 64 pixel values (0-16) and the digit.
Data load_digits(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path + " (apt-get install python3-sklearn, or pass --data)");
  std::string text;
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, n);
  gzclose(f);
  std::vector<std::vector<float>> xs;
  std::vector<int> ys;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<float> row;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) row.push_back(std::stof(cell));
    ys.push_back(static_cast<int>(row.back()));
    row.pop_back();
    for (float& v : row) v /= 16.0f;
    xs.push_back(std::move(row));
  }
  std::vector<size_t> order(xs.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(0));  // the same split in every worker
  Data d;
  for (size_t i = 0; i < order.size(); ++i) {
    bool val = i < order.size() * 3 / 10;
    (val ? d.x_val : d.x_train).push_back(xs[order[i]]);
    (val ? d.y_val : d.y_train).push_back(ys[order[i]]);
  }
  return d;
}

// 64 -> hidden (ReLU) -> 10 (softmax), trained by minibatch SGD with momentum and L2.
struct Mlp {
  int in = 64, hidden, out = 10;
  std::vector<float> w1, b1, w2, b2, v_w1, v_b1, v_w2, v_b2;  // weights and their velocities

  Mlp(int hidden_units, uint32_t seed) : hidden(hidden_units) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> n1(0.0f, std::sqrt(2.0f / in)), n2(0.0f, std::sqrt(1.0f / hidden));
    w1.resize(in * hidden);
    w2.resize(hidden * out);
    for (float& w : w1) w = n1(rng);
    for (float& w : w2) w = n2(rng);
    b1.assign(hidden, 0.0f);
    b2.assign(out, 0.0f);
    v_w1.assign(w1.size(), 0.0f);
    v_b1.assign(b1.size(), 0.0f);
    v_w2.assign(w2.size(), 0.0f);
    v_b2.assign(b2.size(), 0.0f);
  }

  void forward(const std::vector<float>& x, std::vector<float>& h, std::vector<float>& p) const {
    h.assign(hidden, 0.0f);
    for (int j = 0; j < hidden; ++j) {
      float s = b1[j];
      for (int i = 0; i < in; ++i) s += x[i] * w1[i * hidden + j];
      h[j] = s > 0 ? s : 0;
    }
    p.assign(out, 0.0f);
    float mx = -1e30f;
    for (int k = 0; k < out; ++k) {
      float s = b2[k];
      for (int j = 0; j < hidden; ++j) s += h[j] * w2[j * out + k];
      p[k] = s;
      mx = std::max(mx, s);
    }
    float z = 0;
    for (float& v : p) z += (v = std::exp(v - mx));
    for (float& v : p) v /= z;
  }

  void epoch(const Data& d, double lr, double l2, double momentum, int batch, std::mt19937& rng) {
    std::vector<size_t> order(d.x_train.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<float> g_w1(w1.size()), g_b1(b1.size()), g_w2(w2.size()), g_b2(b2.size()), h, p, dh(hidden);
    for (size_t start = 0; start < order.size(); start += batch) {
      std::fill(g_w1.begin(), g_w1.end(), 0.0f);
      std::fill(g_b1.begin(), g_b1.end(), 0.0f);
      std::fill(g_w2.begin(), g_w2.end(), 0.0f);
      std::fill(g_b2.begin(), g_b2.end(), 0.0f);
      size_t end = std::min(order.size(), start + batch);
      for (size_t s = start; s < end; ++s) {
        const auto& x = d.x_train[order[s]];
        forward(x, h, p);
        p[d.y_train[order[s]]] -= 1.0f;  // dLoss/dlogits of cross-entropy
        std::fill(dh.begin(), dh.end(), 0.0f);
        for (int j = 0; j < hidden; ++j) {
          for (int k = 0; k < out; ++k) {
            g_w2[j * out + k] += h[j] * p[k];
            dh[j] += w2[j * out + k] * p[k];
          }
          if (h[j] <= 0) dh[j] = 0;
        }
        for (int k = 0; k < out; ++k) g_b2[k] += p[k];
        for (int i = 0; i < in; ++i) {
          if (x[i] == 0) continue;
          for (int j = 0; j < hidden; ++j) g_w1[i * hidden + j] += x[i] * dh[j];
        }
        for (int j = 0; j < hidden; ++j) g_b1[j] += dh[j];
      }
      float scale = 1.0f / static_cast<float>(end - start);
      step(w1, v_w1, g_w1, scale, lr, l2, momentum);
      step(b1, v_b1, g_b1, scale, lr, 0.0, momentum);
      step(w2, v_w2, g_w2, scale, lr, l2, momentum);
      step(b2, v_b2, g_b2, scale, lr, 0.0, momentum);
    }
  }

  static void step(std::vector<float>& w, std::vector<float>& v, const std::vector<float>& g, float scale, double lr,
                   double l2, double momentum) {
    for (size_t i = 0; i < w.size(); ++i) {
      v[i] = static_cast<float>(momentum * v[i] - lr * (g[i] * scale + l2 * w[i]));
      w[i] += v[i];
    }
  }

  double accuracy(const Data& d) const {
    std::vector<float> h, p;
    int right = 0;
    for (size_t s = 0; s < d.x_val.size(); ++s) {
      forward(d.x_val[s], h, p);
      right += std::max_element(p.begin(), p.end()) - p.begin() == d.y_val[s];
    }
    return static_cast<double>(right) / d.x_val.size();
  }

  void save(const std::string& path) const {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    for (const auto* v : {&w1, &b1, &w2, &b2, &v_w1, &v_b1, &v_w2, &v_b2}) {
      f.write(reinterpret_cast<const char*>(v->data()), v->size() * sizeof(float));
    }
    if (!f) throw std::runtime_error("cannot write checkpoint " + path);
  }

  void load(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    for (auto* v : {&w1, &b1, &w2, &b2, &v_w1, &v_b1, &v_w2, &v_b2}) {
      f.read(reinterpret_cast<char*>(v->data()), v->size() * sizeof(float));
    }
    if (!f) throw std::runtime_error("cannot read checkpoint " + path);
  }
};

struct Args {
  std::string target = "127.0.0.1:50051", study, data = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz",
              checkpoint_dir = "hypatia-checkpoints", scheduler = "asha", sampler = "tpe";
  int trials = 40, workers = 4, epochs = 9;
};

hypatia::Study open_study(hypatia::Client& client, const Args& a) {
  hypatia::SearchSpace space;
  space.add_float("lr", 1e-3, 1.0, true)
      .add_float("l2", 1e-6, 1e-2, true)
      .add_float("momentum", 0.0, 0.95)
      .add_int("hidden", 8, 128, 1, true)
      .add_categorical("batch", {int64_t{16}, int64_t{32}, int64_t{64}, int64_t{128}});
  hypatia::StudyOptions o;
  o.objectives = {{"val_accuracy", hypatia::Direction::Maximize}};
  o.sampler = a.sampler;
  o.sampler_config = {{"seed", "1"}};
  o.scheduler = a.scheduler;
  if (a.scheduler == "asha") {
    o.scheduler_config = {{"eta", "3"}, {"min_resource", "1"}, {"max_resource", std::to_string(a.epochs)},
                          {"type", "promotion"}};
  } else {
    o.scheduler_config = {{"min_completed", "4"}, {"warmup_steps", "3"}};
  }
  o.fidelity = std::make_tuple(std::string("epochs"), 1.0, static_cast<double>(a.epochs));
  o.load_if_exists = true;  // every worker opens the same study
  return client.create_study(a.study, space, o);
}

// One worker process: trials until the shared counter reaches the total.
int worker(const Args& a, const Data& data, std::atomic<int>* claimed) {
  hypatia::Client client(a.target);  // created after fork: no channel crosses a fork
  hypatia::Study study = open_study(client, a);
  while (claimed->fetch_add(1) < a.trials) {
    hypatia::TrialGuard trial = study.trial();  // heartbeats; FAILED if this scope is left unfinished
    Mlp model(static_cast<int>(trial->get_int("hidden")), static_cast<uint32_t>(trial->number()));
    std::string path = a.checkpoint_dir + "/" + a.study + "-trial" + std::to_string(trial->number()) + ".bin";
    int first = 1;
    if (trial->resumed()) {  // promoted or requeued: go on from the reported checkpoint
      model.load(trial->checkpoint());
      first = static_cast<int>(trial->resume_step()) + 1;
    }
    std::mt19937 rng(trial->number() * 1000 + first);
    int budget = trial->budget() > 0 ? static_cast<int>(trial->budget()) : a.epochs;
    double acc = 0;
    int epoch = first;
    hypatia::Decision decision = hypatia::Decision::Continue;
    for (; epoch <= budget && decision == hypatia::Decision::Continue; ++epoch) {
      model.epoch(data, trial->get_double("lr"), trial->get_double("l2"), trial->get_double("momentum"),
                  static_cast<int>(trial->get_int("batch")), rng);
      acc = model.accuracy(data);
      if (!std::isfinite(acc)) throw std::runtime_error("diverged");
      model.save(path);
      decision = trial->report(epoch, acc, path);
    }
    if (decision == hypatia::Decision::Continue) trial->tell(acc, path);
    std::printf("trial %d %s after %d epochs: val_accuracy %.4f\n", trial->number(),
                decision == hypatia::Decision::Continue ? "COMPLETE" : decision == hypatia::Decision::Stop ? "PRUNED" : "PAUSED",
                epoch - 1, acc);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  a.study = "digits-mlp-cpp-" + std::to_string(time(nullptr));
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--target") a.target = v;
    else if (k == "--study") a.study = v;
    else if (k == "--trials") a.trials = std::stoi(v);
    else if (k == "--workers") a.workers = std::stoi(v);
    else if (k == "--epochs") a.epochs = std::stoi(v);
    else if (k == "--data") a.data = v;
    else if (k == "--checkpoint-dir") a.checkpoint_dir = v;
    else if (k == "--scheduler") a.scheduler = v;
    else if (k == "--sampler") a.sampler = v;
    else {
      std::cerr << "usage: digits_mlp [--target host:port] [--study NAME] [--trials N] [--workers N] [--epochs N]\n"
                   "                  [--sampler tpe] [--scheduler asha|median] [--data digits.csv.gz] [--checkpoint-dir DIR]\n";
      return 2;
    }
  }
  Data data = load_digits(a.data);
  std::string mk = "mkdir -p '" + a.checkpoint_dir + "'";
  if (std::system(mk.c_str()) != 0) return 1;
  auto* claimed = static_cast<std::atomic<int>*>(
      mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  new (claimed) std::atomic<int>(0);
  auto started = std::chrono::steady_clock::now();
  // Fork the workers before this process touches gRPC; each opens its own channel.
  std::vector<pid_t> pids;
  for (int w = 0; w < a.workers; ++w) {
    pid_t pid = fork();
    if (pid == 0) {
      try {
        _exit(worker(a, data, claimed));
      } catch (const hypatia::Error& e) {
        std::fprintf(stderr, "worker %d: %s (field '%s')\n", w, e.what(), e.field().c_str());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "worker %d: %s\n", w, e.what());
      }
      _exit(1);
    }
    pids.push_back(pid);
  }
  int failed = 0;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  hypatia::Client client(a.target);
  hypatia::Study study = client.load_study(a.study);
  auto trials = study.trials();
  std::map<std::string, int> states;
  for (const auto& t : trials) states[t.state]++;
  std::string counts;
  for (const auto& [state, n] : states) counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + state;
  std::printf("%zu trials (%s) under %s in %.1f s with %d workers\n", trials.size(), counts.c_str(), a.scheduler.c_str(),
              seconds, a.workers);
  auto best = study.best_trials();
  if (best.empty()) {
    std::printf("no trial reached the full budget; run more trials\n");
    return 1;
  }
  std::string params;
  for (const auto& [k, v] : best[0].params) params += (params.empty() ? "" : ", ") + k + "=" + hypatia::to_string(v);
  std::printf("best trial #%d: val_accuracy %.4f with %s\n", best[0].number, best[0].values[0], params.c_str());
  return failed == 0 ? 0 : 1;
}
