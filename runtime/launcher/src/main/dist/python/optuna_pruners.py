#!/usr/bin/python3
"""Runs Optuna 3.1's pruners on a Hypatia benchmark (e.g. a YAHPO LCBench surrogate) and writes
Hypatia's evaluation CSV, so `hypatia bench summarize` compares them with Hypatia's schedulers.

The benchmark is evaluated by Hypatia itself: the script starts `hypatia bench eval-server`
and sends it one JSON line per evaluation (the LCBench surrogate is an ONNX model that Hypatia
runs in Java; nothing is re-implemented here). Each trial is trained epoch by epoch on one
worker: every epoch is evaluated, reported to Optuna and checked with `trial.should_prune()`.
A run ends once --max-epochs epochs were trained in all, so Optuna and Hypatia can be compared
at equal epochs (`hypatia bench summarize ... --at-epochs E`).

    /usr/bin/python3 optuna_pruners.py --hypatia runtime/launcher/target/hypatia/bin/hypatia \
        --benchmark-data ../shared/data --benchmarks yahpo-lcbench-3945 --seeds 10 \
        --pruners sha,hyperband,none --max-epochs 2000 --out results/optuna-lcbench.csv

Pruners: `sha` = SuccessiveHalvingPruner(min_resource=1, reduction_factor=3), `hyperband` =
HyperbandPruner(min_resource=1, max_resource=<fidelity max>, reduction_factor=3), `median` =
MedianPruner(n_startup_trials=5), `none` = random search at full budget. The sampler is
Optuna's RandomSampler(seed), as Hypatia's `random` sampler is used with its schedulers.

Columns as `hypatia bench` writes them: sim_time is the benchmark's simulated training time
summed over this single worker; epochs is the number of epochs trained so far; score_kind is
`loss` for a benchmark without a known optimum (summarize turns it into regret against the best
value any compared run found), else `regret`.

Needs Debian's python3-optuna (Optuna 3.1).
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optuna_bench import number, parse_seeds, parse_space, suggest  # noqa: E402  (sibling script)

COLUMNS = ["optimizer", "benchmark", "seed", "trial", "resource", "value", "best", "score_kind", "score",
           "sim_time", "wall_time", "epochs"]


class EvalServer:
    """`hypatia bench eval-server` as a child process: one JSON line in, one out."""

    def __init__(self, hypatia, benchmark, data):
        cmd = [hypatia, "bench", "eval-server", "--benchmark", benchmark]
        if data:
            cmd += ["--benchmark-data", data]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("optuna_pruners.py: %s ended before describing the benchmark (see its messages above)"
                             % " ".join(cmd))
        self.info = json.loads(line)

    def evaluate(self, config, budget, seed):
        return self.curve(config, [budget], seed)[0]

    def curve(self, config, budgets, seed):
        """(value, cost) at each budget, in one round trip."""
        self.proc.stdin.write(json.dumps({"config": config, "budgets": budgets, "seed": seed}) + "\n")
        answer = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise ValueError("evaluation of %s at %s: %s" % (config, budgets, answer["error"]))
        return [(e["values"][0], e["cost"]) for e in answer["curve"]]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def make_pruner(name, fidelity_max):
    import optuna
    if name == "sha":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    if name == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=int(fidelity_max), reduction_factor=3)
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5)
    if name == "none":
        return optuna.pruners.NopPruner()
    raise SystemExit("optuna_pruners.py: unknown pruner %r; pruners: sha, hyperband, median, none" % name)


def run_one(server, pruner_name, seed, max_epochs):
    import optuna
    info = server.info
    space = parse_space(info["space"])
    fidelity = info["fidelity"]
    steps = list(range(int(math.ceil(fidelity["min"])), int(fidelity["max"]) + 1))
    maximize = info["direction"] == "maximize"
    optimum = info["optimum"]
    label = "optuna-random" + ("" if pruner_name == "none" else "+" + pruner_name)
    study = optuna.create_study(direction="maximize" if maximize else "minimize",
                                sampler=optuna.samplers.RandomSampler(seed=seed),
                                pruner=make_pruner(pruner_name, fidelity["max"]))
    rows = []
    state = {"best": math.nan, "time": 0.0, "epochs": 0}
    start = time.perf_counter()

    def record(number_, step, value):
        best = state["best"]
        if math.isnan(best) or (value > best if maximize else value < best):
            state["best"] = best = value
        loss = -best if maximize else best
        if optimum is None:
            kind, score = "loss", loss
        else:
            kind, score = "regret", loss - (-optimum if maximize else optimum)
        rows.append([label, info["benchmark"], seed, number_, number(step), number(value), number(best), kind,
                     number(score), number(state["time"]), number(time.perf_counter() - start),
                     number(state["epochs"])])

    def objective(trial):
        config = suggest(trial, space)
        cost_so_far = 0.0
        value = None
        # The first step alone (most trials are pruned there), then the rest of the curve in one
        # request: the values are the same as step by step, with two round trips per trial at most.
        known = {}
        for i, step in enumerate(steps):
            if state["epochs"] >= max_epochs:
                raise optuna.TrialPruned()  # the run's epoch budget is spent
            if step not in known:
                wanted = steps[:1] if i == 0 else steps[i:]
                known.update(zip(wanted, server.curve(config, wanted, seed)))
            value, cost = known[step]
            state["time"] += max(0.0, cost - cost_so_far)  # cumulative cost: pay only the new epoch
            cost_so_far = max(cost_so_far, cost)
            state["epochs"] += 1
            record(trial.number, step, value)
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return value

    def stop_when_spent(study_, _trial):
        if state["epochs"] >= max_epochs:
            study_.stop()

    study.optimize(objective, callbacks=[stop_when_spent])
    return rows


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--hypatia", default=os.path.join(here, "..", "bin", "hypatia"),
                        help="the hypatia command (default: the installation this script is in)")
    parser.add_argument("--benchmark-data", help="data folder of the YAHPO/tabular benchmarks (../shared/data)")
    parser.add_argument("--benchmarks", required=True, help="comma-separated benchmark names")
    parser.add_argument("--pruners", default="sha,hyperband,none", help="default %(default)s")
    parser.add_argument("--seeds", default="10", help="N (1..N), A..B or a list (default %(default)s)")
    parser.add_argument("--max-epochs", type=int, default=2000, help="epochs per run (default %(default)s)")
    parser.add_argument("--out", default="optuna-pruners.csv")
    args = parser.parse_args(argv)
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    pruners = args.pruners.split(",")
    for p in pruners:
        make_pruner(p, 10)  # fail on a bad name before starting anything
    seeds = parse_seeds(args.seeds)
    benchmarks = args.benchmarks.split(",")
    total = len(benchmarks) * len(pruners) * len(seeds)
    done = 0
    start = time.perf_counter()
    with open(args.out, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for b in benchmarks:
            server = EvalServer(args.hypatia, b, args.benchmark_data)
            try:
                for p in pruners:
                    for seed in seeds:
                        writer.writerows(run_one(server, p, seed, args.max_epochs))
                        out.flush()
                        done += 1
                        elapsed = time.perf_counter() - start
                        print("\r%d/%d runs  %.0fs elapsed  ETA %.0fs   " % (done, total, elapsed,
                              elapsed / done * (total - done)), end="", file=sys.stderr, flush=True)
            finally:
                server.close()
    print("\nwrote %s (%d runs, %.1f s)" % (args.out, total, time.perf_counter() - start), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
