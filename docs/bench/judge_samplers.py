#!/usr/bin/python3
"""Issue 15's judging tables from one comparison folder (bench/samplers-judging.sh writes it).

Reads every evaluation CSV under DIR (Hypatia's evaluations.csv files, GpBoundStudy's and
optuna_bench.py's outputs), takes each run's score after each checkpoint (100 and 300 trials by
default), and prints per checkpoint a markdown table of medians [interquartile range] per
function and optimizer, then per function two-sided Mann-Whitney U tests of the pairs the issue
judges: tpe vs optuna-tpe-multivariate, tpe:multivariate=false vs optuna-tpe, cmaes vs
optuna-cmaes, and gp against every other optimizer. Only seeds present for both sides of a pair
are compared (when one side has more runs, a second test over every run of each side follows in
brackets: the seeds are independent instances of the function). Scores are simple regret (lower is better) or, for several objectives,
hypervolume (higher is better); "better"/"worse" follows the score's direction.

    /usr/bin/python3 docs/bench/judge_samplers.py DIR [DIR...] [--checkpoints 100,300] [--label-suffix DIR=SUFFIX]
        [--bounds-before DIR]

--label-suffix renames the optimizers read from one folder (e.g. a GP re-run with another build:
`--label-suffix new=-new` makes its gp "gp-new"), so two builds of the same optimizer can be
compared on the same seeds; a gp-SUFFIX is tested against gp as well.

GpBoundStudy's run CSVs under DIR (column bound_fraction) give the GP's share of post-startup
trials with a coordinate on a bound, and of exact corners, per function (mean over the runs);
--bounds-before DIR adds the same from another build's runs (e.g. the first round's GP).
"""
import collections
import csv
import glob
import os
import statistics
import sys

from scipy.stats import mannwhitneyu

PAIRS = [("tpe", "optuna-tpe-multivariate"), ("tpe:multivariate=false", "optuna-tpe"), ("cmaes", "optuna-cmaes")]
ORDER = ["tpe", "optuna-tpe-multivariate", "tpe:multivariate=false", "optuna-tpe", "cmaes", "optuna-cmaes", "gp"]


def rows_with(folder, column):
    """Every row of the CSVs under folder whose header has the column."""
    for f in glob.glob(os.path.join(folder, "**", "*.csv"), recursive=True):
        with open(f) as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames and column in reader.fieldnames:
                yield from reader


def load(folders, suffixes):
    runs = collections.defaultdict(dict)  # (optimizer, benchmark, seed) -> {evaluations: score}
    kinds = {}  # benchmark -> score kind
    for folder in folders:
        suffix = suffixes.get(folder.rstrip("/"), "")
        for r in rows_with(folder, "score"):
            runs[(r["optimizer"] + suffix, r["benchmark"], r["seed"])][int(r["trial"]) + 1] = float(r["score"])
            kinds[r["benchmark"]] = r.get("score_kind", "regret")
    return runs, kinds


def load_bounds(folders):
    runs = collections.defaultdict(list)  # function -> [row]
    for folder in folders:
        for r in rows_with(folder, "bound_fraction"):
            runs[r["function"]].append(r)
    return runs


def mean_percent(rows, column):
    xs = [float(r[column]) for r in rows if r.get(column) not in (None, "")]
    return "%.1f%%" % (100 * statistics.mean(xs)) if xs else "–"


def bounds_table(folders, before_folders):
    now = load_bounds(folders)
    before = load_bounds(before_folders)
    if not now and not before:
        return
    print("\n### GP trials with a coordinate on a bound (share of post-startup trials, mean over runs)\n")
    print("| function | before: runs | trials | on a bound | corners | now: runs | on a bound up to trial 100 | runs of 300 | up to trial 300 | corners up to 300 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for f in sorted(set(now) | set(before)):
        b, n = before.get(f, []), now.get(f, [])
        bt = sorted({r["trials"] for r in b})
        # A seed run at both budgets counts once up to trial 100 (its first 100 trials are the same run);
        # the columns up to trial 300 take only the 300-trial runs.
        by_seed = {}
        for r in sorted(n, key=lambda r: int(r["trials"])):
            by_seed[r["seed"]] = r
        n100 = list(by_seed.values())
        n300 = [r for r in n100 if int(r["trials"]) >= 300]
        print("| %s | %d | %s | %s | %s | %d | %s | %d | %s | %s |" % (
            f, len(b), ",".join(bt) or "–", mean_percent(b, "bound_fraction"), mean_percent(b, "corner_fraction"),
            len(n100), mean_percent(n100, "bound_fraction_at_100"), len(n300), mean_percent(n300, "bound_fraction"),
            mean_percent(n300, "corner_fraction")))


def quartiles(xs):
    if len(xs) < 2:
        return xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def cell(xs, full):
    m = statistics.median(xs)
    lo, hi = quartiles(xs)
    seeds = "" if len(xs) == full else " (%d)" % len(xs)
    return "%.3g [%.3g..%.3g]%s" % (m, lo, hi, seeds)


def order_key(opt):
    return (ORDER.index(opt) if opt in ORDER else len(ORDER), opt)


def main(argv):
    checkpoints = [100, 300]
    suffixes = {}
    folders = []
    before = []
    i = 0
    while i < len(argv):
        if argv[i] == "--checkpoints":
            checkpoints = [int(c) for c in argv[i + 1].split(",")]
            i += 2
        elif argv[i] == "--bounds-before":
            before.append(argv[i + 1])
            i += 2
        elif argv[i] == "--label-suffix":
            folder, suffix = argv[i + 1].split("=", 1)
            suffixes[folder.rstrip("/")] = suffix
            i += 2
        else:
            folders.append(argv[i])
            i += 1
    runs, kinds = load(folders, suffixes)
    at = collections.defaultdict(dict)  # (benchmark, checkpoint) -> optimizer -> {seed: score}
    for (opt, bench, seed), scores in runs.items():
        for c in checkpoints:
            if c in scores:
                at[(bench, c)].setdefault(opt, {})[seed] = scores[c]
    benches = sorted({b for b, _ in at})
    for c in checkpoints:
        opts = sorted({o for (b, cc), byopt in at.items() if cc == c for o in byopt}, key=order_key)
        if not opts:
            continue
        full = max(len(s) for (b, cc), byopt in at.items() if cc == c for s in byopt.values())
        print("\n### median %s after %d trials (%d seeds unless stated; IQR in brackets)\n"
              % ("hypervolume" if all(kinds.get(b) == "hypervolume" for b in benches) else "score", c, full))
        print("| function | " + " | ".join(opts) + " |")
        print("|---|" + "---:|" * len(opts))
        for b in benches:
            byopt = at.get((b, c), {})
            print("| %s | " % b + " | ".join(cell(list(byopt[o].values()), full) if o in byopt else "–" for o in opts) + " |")
    for c in checkpoints:
        print("\n### Mann-Whitney U (two-sided) after %d trials\n" % c)
        for b in benches:
            byopt = at.get((b, c), {})
            higher = kinds.get(b) == "hypervolume"
            pairs = list(PAIRS)
            for g in sorted(o for o in byopt if o == "gp" or o.startswith("gp-")):
                pairs += [(g, o) for o in sorted(byopt, key=order_key) if o != g and (g == "gp" or not (o == "gp" or o.startswith("gp-")))]
            lines = []
            for a, o in pairs:
                if a not in byopt or o not in byopt:
                    continue
                seeds = sorted(set(byopt[a]) & set(byopt[o]))
                if len(seeds) >= 3:
                    xa = [byopt[a][s] for s in seeds]
                    xb = [byopt[o][s] for s in seeds]
                    p = mannwhitneyu(xa, xb, alternative="two-sided").pvalue
                    ma, mb = statistics.median(xa), statistics.median(xb)
                    better = ma > mb if higher else ma < mb
                    verdict = ("better" if better else "worse" if ma != mb else "equal") + (" (significant)" if p < 0.05 else "")
                    line = "%s vs %s: %.3g vs %.3g, %d seeds, p=%.2g: %s" % (a, o, ma, mb, len(seeds), p, verdict)
                elif min(len(byopt[a]), len(byopt[o])) >= 2 and len(byopt[a]) + len(byopt[o]) >= 6:
                    line = "%s vs %s: fewer than 3 common seeds" % (a, o)
                else:
                    continue
                if len(byopt[a]) != len(seeds) or len(byopt[o]) != len(seeds):
                    # seeds are independent instances: every run of each side, unpaired, as a second opinion
                    ya, yb = list(byopt[a].values()), list(byopt[o].values())
                    pall = mannwhitneyu(ya, yb, alternative="two-sided").pvalue
                    ma, mb = statistics.median(ya), statistics.median(yb)
                    better = ma > mb if higher else ma < mb
                    line += " [all runs %d vs %d: %.3g vs %.3g, p=%.2g: %s%s]" % (
                        len(ya), len(yb), ma, mb, pall, "better" if better else "worse" if ma != mb else "equal",
                        " (significant)" if pall < 0.05 else "")
                lines.append(line)
            if lines:
                print("- **%s**: " % b + "; ".join(lines))
    for c in checkpoints:
        compact_table(at, kinds, benches, c)
    bounds_table(folders, before)
    return 0


def compact_table(at, kinds, benches, c):
    """One row per function: direction and p of each judged pair (common seeds; every run when fewer than 3 are common)."""
    gps = sorted({o for (b, cc), byopt in at.items() if cc == c for o in byopt if o == "gp"})
    others = sorted({o for (b, cc), byopt in at.items() if cc == c for o in byopt if not o.startswith("gp")}, key=order_key)
    present = {o for (b, cc), byopt in at.items() if cc == c for o in byopt}
    pairs = [pr for pr in PAIRS if pr[0] in present and pr[1] in present] + [(g, o) for g in gps for o in others]
    print("\n### judged pairs after %d trials: first named optimizer better (+) or worse (-) by median, two-sided "
          "Mann-Whitney p (runs compared); bold: p < 0.05\n" % c)
    print("| function | " + " | ".join("%s vs %s" % pr for pr in pairs) + " |")
    print("|---|" + "---:|" * len(pairs))
    for b in benches:
        byopt = at.get((b, c), {})
        higher = kinds.get(b) == "hypervolume"
        cells = []
        for a, o in pairs:
            if a not in byopt or o not in byopt:
                cells.append("–")
                continue
            seeds = sorted(set(byopt[a]) & set(byopt[o]))
            if len(seeds) >= 3:
                xa, xb = [byopt[a][s] for s in seeds], [byopt[o][s] for s in seeds]
                n = "%d" % len(seeds)
            else:
                xa, xb = list(byopt[a].values()), list(byopt[o].values())
                n = "%d/%d" % (len(xa), len(xb))
            if len(xa) < 2 or len(xb) < 2:
                cells.append("–")
                continue
            p = mannwhitneyu(xa, xb, alternative="two-sided").pvalue
            ma, mb = statistics.median(xa), statistics.median(xb)
            sign = "=" if ma == mb else "+" if (ma > mb) == higher else "-"
            text = "%s %.2g (%s)" % (sign, p, n)
            cells.append("**%s**" % text if p < 0.05 else text)
        print("| %s | " % b + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
