#!/usr/bin/env python3
"""Why learning-curve extrapolation stopping ends behind random search on LCBench.

usage: lc-stops-vs-random.py RANDOM_CSV LC_CSV [--time-budget T]

RANDOM_CSV holds `random` runs, LC_CSV `random+lc-extrapolation` runs of the same benchmarks and seeds
(full `hypatia bench` evaluations.csv files, not thinned: every trial's last resource is needed).
The random sampler draws from the seed and the trial number only, so trial k is the same configuration
in both runs. Per benchmark and seed it finds random search's best trial k* by T and what LC extrapolation
did with it, and prints per benchmark: seeds where LC ends below / level with / above random search (and
whether it had stopped k*), trials started, trials trained to the maximum resource, the mean resource
per LC trial, and the share of trials stopped at their first judgement (the resource most stops happen
at, or one more).
LCBench values are validation accuracy in percent: higher is better.
"""
import collections, csv, statistics, sys

def runs(path, budget):
    """(benchmark, seed) -> {trial: (last resource, value there)} and the best value, both by the budget."""
    out = collections.defaultdict(dict); best = {}
    for r in csv.DictReader(open(path)):
        if float(r['sim_time']) > budget:
            continue
        key, k, res, v = (r['benchmark'], int(r['seed'])), int(r['trial']), int(r['resource']), float(r['value'])
        if k not in out[key] or res > out[key][k][0]:
            out[key][k] = (res, v)
        if key not in best or v > best[key][1]:
            best[key] = (k, v)
    return out, best

def main(argv):
    budget = float(argv[argv.index('--time-budget') + 1]) if '--time-budget' in argv else 7200.0
    (rnd, rbest), (lc, lbest) = runs(argv[1], budget), runs(argv[2], budget)
    max_res = max(res for trials in rnd.values() for res, _ in trials.values())
    # the first judgement: the resource most trials end at (trials still running at T end lower)
    first = collections.Counter(res for trials in lc.values() for res, _ in trials.values()
                                if res < max_res).most_common(1)[0][0]
    total = collections.Counter()
    for bench in sorted({b for b, _ in rnd}):
        keys = sorted(k for k in rnd if k[0] == bench and k in lc)
        c = collections.Counter(); full = []; started = []; mean_res = []; early = n = 0
        for key in keys:
            kstar, rv = rbest[key]; lv = lbest[key][1]
            verdict = 'below' if lv < rv else ('level' if lv == rv else 'above')
            c[verdict] += 1
            if lc[key].get(kstar, (0, 0))[0] < max_res:
                c['k* stopped'] += 1; c[verdict + ', k* stopped'] += 1
            ends = [res for res, _ in lc[key].values()]
            full.append(sum(1 for res in ends if res >= max_res))
            started.append((len(rnd[key]), len(ends)))
            mean_res.append(statistics.mean(ends))
            early += sum(1 for res in ends if res <= first + 1); n += len(ends)
        total.update(c)
        print(f'{bench}: {len(keys)} seeds, LC below random on {c["below"]} (k* stopped in {c["below, k* stopped"]}), '
              f'level {c["level"]}, above {c["above"]}; trials started (median) random {statistics.median(a for a, _ in started):g}, '
              f'LC {statistics.median(b for _, b in started):g}; LC trained to {max_res}: {min(full)}-{max(full)} per run; '
              f'mean resource per LC trial {min(mean_res):.1f}-{max(mean_res):.1f}; stopped at {first}-{first + 1}: {early / n:.0%}')
    print(f'all: LC stopped k* in {total["k* stopped"]} runs; LC below random on {total["below"]} '
          f'(k* stopped in {total["below, k* stopped"]}), level {total["level"]}, above {total["above"]} '
          f'(k* stopped in {total["above, k* stopped"]})')

if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv)
