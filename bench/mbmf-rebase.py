# Puts the rows of an earlier anytime table (the anytime.md of `hypatia bench summarize`, regrets to 4
# significant digits) and those of a new summary on one regret reference, so that an optimizer run
# later can be ranked against others whose run files are gone. Regret is the distance to the best
# value any run of a summary found, so two summaries over the same runs differ by one constant per
# task. The new summary must re-run one optimizer of the earlier table with its seeds (random search
# by default: its configurations do not depend on the values it sees); the constant is the median of
# the differences of its nine printed statistics (median and quartiles at 25%, 50%, 100% of T).
# Re-runs on another CPU are not bit-identical (the YAHPO surrogate's ONNX Runtime kernels depend on
# the CPU), so the differences spread; half their range plus the printing's rounding is reported as
# the shift's error, and --nudge -1 or 1 moves the earlier rows against the new ones by that error,
# to see whether a rank depends on it. Rows of the new summary are taken as they are (all its
# optimizers); the earlier table gives the others. Writes the columns bench/mbmf-table.py reads,
# against the better of the two references, with the shift and its error. Usage:
#   python3 bench/mbmf-rebase.py EARLIER_ANYTIME.md NEW_ANYTIME_CSV [--shared random] [--nudge -1|0|1] > merged.csv
import csv, sys
AT = ('25pct', '50pct', '100pct')
# the nine statistics of a row that the shift is taken from
STATS = [f'{stat}_at_{at}' for at in AT for stat in ('median', 'q25', 'q75')]


def earlier(path):
    """(benchmark, optimizer) -> row of the earlier table, values as the .md prints them."""
    rows = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) != 10 or not cells[2].isdigit():
            continue  # not a row of the table
        row = {'benchmark': cells[0], 'optimizer': cells[1], 'seeds': cells[2]}
        for at, cell in zip(AT, cells[3:6]):
            median, iqr = cell.split(' (')
            q25, q75 = iqr.rstrip(')').split('..')
            row['median_at_' + at], row['q25_at_' + at], row['q75_at_' + at] = median, q25, q75
        row['time_to_target'] = '' if cells[6] == 'not reached' else cells[6]
        row['speed_up'] = '' if cells[8] == '-' else str(float(cells[8].rstrip('x')))
        rows[(row['benchmark'], row['optimizer'])] = row
    return rows


def half_unit(text):
    """Half a unit in the last printed digit of a %.4g number: its rounding error at most."""
    mantissa = text.lower().split('e')[0]
    exponent = int(text.lower().split('e')[1]) if 'e' in text.lower() else 0
    decimals = len(mantissa.split('.')[1]) if '.' in mantissa else 0
    return 0.5 * 10 ** (exponent - decimals)


args = sys.argv[1:]
options = {'--shared': 'random', '--nudge': '0'}
for key in options:
    if key in args:
        i = args.index(key); options[key] = args[i + 1]; del args[i:i + 2]
old = earlier(args[0])
new = {(r['benchmark'], r['optimizer']): r for r in csv.DictReader(open(args[1]))}
shared, nudge = options['--shared'], int(options['--nudge'])
out = csv.DictWriter(sys.stdout, ['benchmark', 'optimizer', 'seeds'] + [f'median_at_{a}' for a in AT]
                     + ['time_to_target', 'speed_up', 'shift', 'shift_error'], lineterminator='\n')
out.writeheader()
for task in sorted({b for b, _ in new}, key=lambda b: int(b.rsplit('-', 1)[1])):
    if (task, shared) not in old or (task, shared) not in new:
        sys.exit(f'{task}: {shared} is not in both summaries')
    before, now = old[(task, shared)], new[(task, shared)]
    if before['seeds'] != now['seeds']:
        sys.exit(f'{task} {shared}: {before["seeds"]} seeds before, {now["seeds"]} now')
    # earlier regret - new regret: how much nearer the earlier reference is to the optimum
    diffs = sorted(float(before[k]) - float(now[k]) for k in STATS)
    shift = diffs[len(diffs) // 2]
    error = (diffs[-1] - diffs[0]) / 2 + max(half_unit(before[k]) for k in STATS)
    moved = shift + nudge * error
    for o in sorted({o for b, o in old if b == task} | {o for b, o in new if b == task}):
        if (task, o) in new:  # moved to the earlier reference when that is the better one
            r, add = new[(task, o)], max(moved, 0)
        else:
            r, add = old[(task, o)], max(-moved, 0)
        row = {'benchmark': task, 'optimizer': o, 'seeds': r['seeds'], 'time_to_target': r['time_to_target'],
               'speed_up': r['speed_up'], 'shift': f'{shift:.6g}', 'shift_error': f'{error:.2g}'}
        for at in AT:
            row['median_at_' + at] = repr(float(r['median_at_' + at]) + add)
        out.writerow(row)
