#!/usr/bin/python3
"""Issue 15's judging tables from one comparison folder (bench/samplers-judging.sh writes it).

Reads every evaluation CSV under DIR (Hypatia's evaluations.csv files and optuna_bench.py's
outputs), takes each run's score after 100 and 300 trials, and prints per function the median
(and seed count) per optimizer and two-sided Mann-Whitney U tests of the pairs the issue judges:
tpe vs optuna-tpe-multivariate, tpe:multivariate=false vs optuna-tpe, cmaes vs optuna-cmaes, and
gp against the best other optimizer. Only seeds present for both sides of a pair are compared.

    /usr/bin/python3 docs/bench/judge_samplers.py DIR [--checkpoints 100,300]
"""
import collections
import csv
import glob
import os
import statistics
import sys

from scipy.stats import mannwhitneyu

PAIRS = [("tpe", "optuna-tpe-multivariate"), ("tpe:multivariate=false", "optuna-tpe"), ("cmaes", "optuna-cmaes")]


def load(folder):
    runs = collections.defaultdict(dict)  # (optimizer, benchmark, seed) -> {evaluations: score}
    files = glob.glob(os.path.join(folder, "**", "*.csv"), recursive=True)
    for f in files:
        with open(f) as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "score" not in reader.fieldnames:
                continue
            for r in reader:
                runs[(r["optimizer"], r["benchmark"], r["seed"])][int(r["trial"]) + 1] = float(r["score"])
    return runs


def main(argv):
    folder = argv[0]
    checkpoints = [100, 300]
    if "--checkpoints" in argv:
        checkpoints = [int(c) for c in argv[argv.index("--checkpoints") + 1].split(",")]
    runs = load(folder)
    at = collections.defaultdict(dict)  # (benchmark, checkpoint) -> optimizer -> {seed: score}
    for (opt, bench, seed), scores in runs.items():
        for c in checkpoints:
            if c in scores:
                at[(bench, c)].setdefault(opt, {})[seed] = scores[c]
    for (bench, c) in sorted(at):
        byopt = at[(bench, c)]
        print("\n## %s after %d trials" % (bench, c))
        print("| optimizer | seeds | median |")
        print("|---|---:|---:|")
        for opt in sorted(byopt):
            print("| %s | %d | %.3g |" % (opt, len(byopt[opt]), statistics.median(byopt[opt].values())))
        pairs = list(PAIRS)
        if "gp" in byopt:
            pairs += [("gp", o) for o in byopt if o != "gp" and not o.startswith("gp")]
        for a, b in pairs:
            if a not in byopt or b not in byopt:
                continue
            seeds = sorted(set(byopt[a]) & set(byopt[b]))
            if len(seeds) < 3:
                continue
            xa = [byopt[a][s] for s in seeds]
            xb = [byopt[b][s] for s in seeds]
            p = mannwhitneyu(xa, xb, alternative="two-sided").pvalue
            verdict = "better" if statistics.median(xa) < statistics.median(xb) else "worse"
            flag = " (significant)" if p < 0.05 else ""
            print("- %s vs %s: %.3g vs %.3g, %d seeds, p=%.2g: %s%s" % (
                a, b, statistics.median(xa), statistics.median(xb), len(seeds), p, verdict, flag))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
