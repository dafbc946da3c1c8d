# Keeps the rows of evaluation CSVs that the anytime table needs: each run's first row, every row
# where the run's best improves, and each run's last row (its epochs and time at the end).
import csv, sys
T = 7200.0  # the time budget of the summaries
out = csv.writer(open(sys.argv[1], 'w', newline=''), lineterminator='\n')
header = None
for path in sys.argv[2:]:
    with open(path, newline='') as f:
        r = csv.reader(f); h = next(r)
        if header is None:
            header = h; out.writerow(h)
        assert h == header, (path, h)
        run = None; best = None; last = None; kept = None
        for row in r:
            key = (row[0], row[1], row[2])
            if key != run:
                if last is not None and last is not kept: out.writerow(last)
                run = key; best = None
            if last is not None and last is not kept and key == (last[0], last[1], last[2]) \
                    and float(last[9]) <= T < float(row[9]):
                out.writerow(last); kept = last  # the last row by the time budget T (its epochs)
            if row[6] != best:
                out.writerow(row); best = row[6]; kept = row
            last = row
        if last is not None and last is not kept: out.writerow(last)
