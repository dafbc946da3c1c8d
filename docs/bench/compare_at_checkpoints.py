import csv, sys, collections, statistics
from scipy.stats import mannwhitneyu
"""Median regret at 100 and 300 trials and Mann-Whitney tests from the CSVs of SAMPLERS.md.

    /usr/bin/python3 docs/bench/compare_at_checkpoints.py [CMP_DIR]   (default: cmp)
"""
import glob
import os

cmp_dir = sys.argv[1] if len(sys.argv) > 1 else "cmp"
files = [os.path.join(cmp_dir, "java", "evaluations.csv"), os.path.join(cmp_dir, "java-gp", "evaluations.csv")] \
    + sorted(glob.glob(os.path.join(cmp_dir, "optuna*.csv")))
at = collections.defaultdict(dict)  # (opt, bench, seed) -> {trial: score}
for f in files:
    with open(f) as fh:
        for r in csv.DictReader(fh):
            t = int(r["trial"])
            key = (r["optimizer"], r["benchmark"], r["seed"])
            # trial numbers start at 0 or 1? record score after this many evaluations = count
            at[key][t] = float(r["score"])
def score_after(d, n):
    ts = sorted(d)
    base = ts[0]
    idx = base + n - 1
    return d[idx] if idx in d else None
data = collections.defaultdict(lambda: collections.defaultdict(list))  # bench -> (opt, n) -> list
for (opt, bench, seed), d in at.items():
    for n in (100, 300):
        s = score_after(d, n)
        if s is not None:
            data[bench][(opt, n)].append(s)
benches = ["branin","hartmann6","rosenbrock-10","rosenbrock-20","ackley-10","levy-10","styblinski-tang-10","mixed-int-cat"]
opts = ["random","sobol","tpe","tpe:multivariate=false","gp","cmaes","optuna-tpe","optuna-cmaes","optuna-qmc"]
def fmt(v):
    return "%.3g" % v
for n in (100, 300):
    print(f"\n### median simple regret after {n} trials (20 seeds; IQR in brackets)\n")
    print("| function | " + " | ".join(opts) + " |")
    print("|---|" + "---:|" * len(opts))
    for b in benches:
        cells = []
        for o in opts:
            v = data[b].get((o, n))
            if not v:
                cells.append("–")
            else:
                q = statistics.quantiles(v, n=4)
                cells.append(f"{fmt(statistics.median(v))} [{fmt(q[0])}..{fmt(q[2])}]")
        print(f"| {b} | " + " | ".join(cells) + " |")
print("\n### checks (two-sided Mann-Whitney U over the 20 seeds)\n")
for b in benches:
    line = [b]
    r100 = data[b][("random", 100)]
    for o in ("tpe", "gp"):
        v = data[b][(o, 100)]
        p = mannwhitneyu(v, r100).pvalue
        line.append(f"{o}<random@100: {statistics.median(v) < statistics.median(r100)} (p={p:.2g})")
    for n in (100, 300):
        a, c = data[b][("tpe", n)], data[b][("optuna-tpe", n)]
        p = mannwhitneyu(a, c).pvalue
        line.append(f"tpe vs optuna-tpe@{n}: {fmt(statistics.median(a))} vs {fmt(statistics.median(c))} p={p:.2g}")
    if b in ("branin", "hartmann6"):
        a, c = data[b][("gp", 100)], data[b][("optuna-tpe", 100)]
        line.append(f"gp vs optuna-tpe@100: {fmt(statistics.median(a))} vs {fmt(statistics.median(c))} p={mannwhitneyu(a, c).pvalue:.2g}")
    print("- " + "; ".join(line))
print("\n### CMA-ES vs Optuna CMA-ES at 300 trials\n")
for b in benches:
    a, c = data[b][("cmaes", 300)], data[b][("optuna-cmaes", 300)]
    print(f"- {b}: {fmt(statistics.median(a))} vs {fmt(statistics.median(c))} (p={mannwhitneyu(a, c).pvalue:.2g})")
