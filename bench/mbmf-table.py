# Issue 9's LCBench tables from `hypatia bench summarize ... --time-budget 7200` output (anytime.csv):
# per task, each optimizer's speed-up to random search's final regret (bold within T/3) and median
# final regret; how many tasks each reached random's final regret on (and within T/3); and the
# mean rank over tasks of the median final regret (ties share the mean rank), and the same at 25% and
# 50% of the time budget (the anytime order). Tasks where any of
# the listed optimizers has no runs are left out (and named). Usage:
#   python3 bench/mbmf-table.py ANYTIME_CSV [--tasks 3945,7593,...]
import csv, sys
NAMES = [  # optimizer in the CSV -> column title, in table order
    ('random', 'random'),
    ('random+asha:type=stopping', 'ASHA stop'),
    ('random+asha:type=promotion', 'ASHA promo'),
    ('random+hyperband', 'Hyperband'),
    ('tpe:fidelity_rungs=auto,random_fraction=0.33+hyperband', 'BOHB'),
    ('dehb+hyperband', 'DEHB'),
    ('mobster+asha:type=promotion', 'MOBSTER'),
    ('random+lc-extrapolation', 'LC-extrap.'),
]
T = 7200.0
args = sys.argv[1:]
only = None
if '--tasks' in args:
    i = args.index('--tasks'); only = args[i + 1].split(','); del args[i:i + 2]
rows = {}
for r in csv.DictReader(open(args[0])):
    rows[(r['benchmark'], r['optimizer'])] = r
present = [(o, n) for o, n in NAMES if any(k[1] == o for k in rows)]
tasks = sorted({b for b, _ in rows}, key=lambda b: int(b.rsplit('-', 1)[1]))
if only:
    tasks = [t for t in tasks if t.rsplit('-', 1)[1] in only]
skipped = [t for t in tasks if any((t, o) not in rows for o, _ in present)]
tasks = [t for t in tasks if t not in skipped]
def fmt(v):
    return f'{v:.3g}' if v != 0 else '0'
print('| task | ' + ' | '.join(n for _, n in present) + ' |')
print('|---|' + '---:|' * len(present))
reached = {o: 0 for o, _ in present}; fast = {o: 0 for o, _ in present}
AT = ('25pct', '50pct', '100pct')
ranks = {at: {o: [] for o, _ in present} for at in AT}
def rank(values, into):  # ties share the mean of their ranks
    order = sorted(values.values())
    for o, v in values.items():
        lo = order.index(v); hi = len(order) - 1 - order[::-1].index(v)
        into[o].append((lo + hi) / 2 + 1)
seeds = set()
for t in tasks:
    cells = []
    for o, _ in present:
        r = rows[(t, o)]
        seeds.add(r['seeds'])
        final = float(r['median_at_100pct'])
        sp = r['speed_up']
        if sp:
            s = float(sp); reached[o] += 1
            within = float(r['time_to_target']) <= T / 3
            fast[o] += within
            txt = f'**{s:.1f}x**' if within else f'{s:.1f}x'
        else:
            txt = 'n.r.'
        cells.append(f'{txt} · {fmt(final)}')
    for at in AT:
        rank({o: float(rows[(t, o)]['median_at_' + at]) for o, _ in present}, ranks[at])
    print(f'| {t.rsplit("-", 1)[1]} | ' + ' | '.join(cells) + ' |')
n = len(tasks)
print('| **reached random\'s final** | ' + ' | '.join(f'**{reached[o]}/{n}**' for o, _ in present) + ' |')
print('| **within T/3** | ' + ' | '.join(f'**{fast[o]}/{n}**' for o, _ in present) + ' |')
print()
def mean(at):
    return sorted(((sum(ranks[at][o]) / n, name) for o, name in present))
print(f'Mean rank of the median final regret over the {n} tasks (seeds per cell: {",".join(sorted(seeds))}): '
      + ', '.join(f'{name} {m:.2f}' for m, name in mean('100pct')) + '.')
print()
print('Mean rank of the median regret so far at 25% and 50% of T: '
      + '; '.join(f'at {at[:2]}%: ' + ', '.join(f'{name} {m:.2f}' for m, name in mean(at)) for at in AT[:2]) + '.')
if skipped:
    print(f'\nLeft out (an optimizer has no runs there yet): {", ".join(t.rsplit("-", 1)[1] for t in skipped)}.')
