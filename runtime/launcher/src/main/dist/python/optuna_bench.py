#!/usr/bin/python3
"""Runs Optuna's samplers on Hypatia's synthetic functions and writes Hypatia's evaluation CSV.

The functions are the ones of Hypatia's synthetic benchmark bundle, re-implemented here and
checked against a table of test points that Hypatia generates (`hypatia bench testpoints`,
committed as docs/bench/testpoints.csv). The table also carries every function's search space
and, per run seed, the shift of its optimum and its optimal value, so seed s here is the same
shifted function as seed s in `hypatia bench` without re-implementing Java's random numbers.

    /usr/bin/python3 optuna_bench.py --check docs/bench/testpoints.csv
    /usr/bin/python3 optuna_bench.py --testpoints docs/bench/testpoints.csv \
        --samplers tpe,cmaes,qmc,random --functions branin,hartmann6 --seeds 20 --trials 200 \
        --out results/optuna.csv
    hypatia bench summarize results/java results/optuna.csv --out results/combined

The multi-objective functions (zdt1, zdt2, zdt3, dtlz2-3obj; every objective minimised) run as
multi-objective studies; their rows have every objective value in `value` (joined by ';'), the
best f1 so far in `best`, and score_kind=hypervolume with the exact hypervolume of the
non-dominated set so far with respect to the table's reference point, as `hypatia bench` does.

    /usr/bin/python3 optuna_bench.py --testpoints docs/bench/testpoints.csv \
        --samplers nsga2,tpe,random --functions zdt1,zdt2,dtlz2-3obj --seeds 20 --trials 200 \
        --out results/optuna-mo.csv

Needs Debian's python3-optuna (Optuna 3.1); the qmc sampler also needs python3-scipy.
Every evaluation costs one simulated second and runs on one worker, as Hypatia's synthetic
functions do with --workers 1, so sim_time is the trial count.
"""

import argparse
import bisect
import csv
import math
import sys
import time
import warnings

RELATIVE_TOLERANCE = 1e-9
COLUMNS = ["optimizer", "benchmark", "seed", "trial", "resource", "value", "best", "score_kind", "score",
           "sim_time", "wall_time"]

# ---------------------------------------------------------------- the functions (see TextbookFunctions.java)


def square(v):
    return v * v


def branin(x):
    b, c, r, s, t = 5.1 / (4 * math.pi * math.pi), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return square(x[1] - b * x[0] * x[0] + c * x[0] - r) + s * (1 - t) * math.cos(x[0]) + s


HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN3_A = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
HARTMANN3_P = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
HARTMANN6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
               [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN6_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
               [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann(a, p, x):
    total = 0.0
    for i in range(len(a)):
        inner = 0.0
        for j in range(len(x)):
            inner += a[i][j] * square(x[j] - 1e-4 * p[i][j])
        total += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock(x):
    total = 0.0
    for i in range(len(x) - 1):
        total += 100 * square(x[i + 1] - x[i] * x[i]) + square(x[i] - 1)
    return total


def ackley(x):
    squares = 0.0
    cosines = 0.0
    for xi in x:
        squares += xi * xi
        cosines += math.cos(2 * math.pi * xi)
    n = len(x)
    return -20 * math.exp(-0.2 * math.sqrt(squares / n)) - math.exp(cosines / n) + 20 + math.e


def levy(x):
    n = len(x)
    w = [1 + (xi - 1) / 4 for xi in x]
    total = square(math.sin(math.pi * w[0]))
    for i in range(n - 1):
        total += square(w[i] - 1) * (1 + 10 * square(math.sin(math.pi * w[i] + 1)))
    return total + square(w[n - 1] - 1) * (1 + square(math.sin(2 * math.pi * w[n - 1])))


def styblinski_tang(x):
    total = 0.0
    for xi in x:
        total += xi * xi * xi * xi - 16 * xi * xi + 5 * xi
    return total / 2


def box(formula):
    """A box function f(x - shift) of parameters x1..xd (BoxFunction.java)."""
    def evaluate(config, params):
        shift = params["shift"]
        return formula([config["x%d" % (i + 1)] - shift[i] for i in range(len(shift))])
    return evaluate


def mixed_int_cat(config, params):
    """MixedIntCatFunction.java: quadratic in (x1, x2) around centre, (n - nStar)/10 squared, offset per kind."""
    centre, n_star, offsets = params["centre"], params["nStar"], params["offsets"]
    d1 = config["x1"] - centre[0]
    d2 = config["x2"] - centre[1]
    dn = (config["n"] - n_star) / 10.0
    return d1 * d1 + d1 * d2 + 2 * d2 * d2 + dn * dn + offsets["abcd".index(config["kind"])]


# ---------------------------------------------------------------- multi-objective functions (Zdt.java, Dtlz2.java)
# Variables x1..xn on [0, 1], objectives f1..fM all minimised, no per-seed variants.


def zdt(h):
    """ZDT: f1 = x1, g = 1 + 9/(n-1) (x2 + ... + xn), f2 = g h(f1, g)."""
    def evaluate(config, params):
        n = len(config)
        x = [config["x%d" % (i + 1)] for i in range(n)]
        total = 0.0
        for i in range(1, n):
            total += x[i]
        g = 1 + 9 * total / (n - 1)
        f1 = x[0]
        return [f1, g * h(f1, g)]
    return evaluate


def dtlz2(m):
    """DTLZ2 with m objectives: g = sum of (xi - 0.5)^2 over the last n - m + 1 variables,
    f1 = (1+g) cos(x1 pi/2)..cos(x(m-1) pi/2), fj = (1+g) cos(x1 pi/2)..cos(x(m-j) pi/2) sin(x(m-j+1) pi/2)."""
    def evaluate(config, params):
        n = len(config)
        x = [config["x%d" % (i + 1)] for i in range(n)]
        g = 0.0
        for i in range(m - 1, n):
            g += (x[i] - 0.5) * (x[i] - 0.5)
        f = []
        for j in range(m):
            v = 1 + g
            for i in range(m - 1 - j):
                v *= math.cos(x[i] * math.pi / 2)
            if j > 0:
                v *= math.sin(x[m - 1 - j] * math.pi / 2)
            f.append(v)
        return f
    return evaluate


MULTI_OBJECTIVE = {
    "zdt1": zdt(lambda f1, g: 1 - math.sqrt(f1 / g)),
    "zdt2": zdt(lambda f1, g: 1 - (f1 / g) * (f1 / g)),
    "zdt3": zdt(lambda f1, g: 1 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10 * math.pi * f1)),
    "dtlz2-3obj": dtlz2(3),
}

# ---------------------------------------------------------------- exact hypervolume (io.hypatia.api.pareto.Hypervolume)


def hypervolume(points, reference):
    """Volume dominated by `points` (loss vectors) inside the box below `reference`; points that do not
    strictly dominate the reference count nothing. 2-D: a sweep; more: slicing on the last objective,
    summing slab thickness times the hypervolume of the points below it, in the same order as Java."""
    inside = [tuple(p) for p in points if all(p[k] < reference[k] for k in range(len(reference)))]
    return _hv(inside, reference, len(reference))


def _sweep2d(sorted_points, reference):
    area, best_y = 0.0, reference[1]
    for p in sorted_points:
        if p[1] < best_y:
            area += (reference[0] - p[0]) * (best_y - p[1])
            best_y = p[1]
    return area


def _hv(points, reference, d):
    if not points:
        return 0.0
    if d == 1:
        return reference[0] - min(min(p[0] for p in points), reference[0])
    if d == 2:
        return _sweep2d(sorted(points, key=lambda p: (p[0], p[1])), reference)
    last = d - 1
    ordered = sorted(points, key=lambda p: p[last])  # stable, as Java's List.sort
    volume = 0.0
    below = []  # for d = 3 kept sorted on (f1, f2), which is the order the 2-D sweep needs
    for i, p in enumerate(ordered):
        if d == 3:
            bisect.insort(below, (p[0], p[1]))
        else:
            below.append(p)
        top = ordered[i + 1][last] if i + 1 < len(ordered) else reference[last]
        thickness = top - p[last]
        if thickness > 0:
            volume += thickness * (_sweep2d(below, reference) if d == 3 else _hv(below, reference, d - 1))
    return volume


def weakly_dominates(a, b):
    return all(x <= y for x, y in zip(a, b))


class Archive:
    """The non-dominated losses seen so far and their hypervolume (Incumbent.java)."""

    def __init__(self, reference):
        self.reference = reference
        self.points = []
        self.volume = 0.0

    def add(self, loss):
        if any(weakly_dominates(a, loss) for a in self.points):
            return
        self.points = [a for a in self.points if not weakly_dominates(loss, a)]
        self.points.append(loss)
        self.volume = hypervolume(self.points, self.reference)


HYPERVOLUME_CASES = [  # (points, reference, volume), checked by hand
    ([(1, 2), (2, 1)], (3, 3), 3.0),
    ([(1, 2), (1.5, 1.5), (2, 1), (2, 2), (4, 0)], (3, 3), 3.25),  # a dominated point and one outside the box
    ([(1, 1, 1)], (2, 2, 2), 1.0),
    ([(0, 0, 1), (0, 1, 0), (1, 0, 0)], (2, 2, 2), 7.0),  # the cube minus [0,1)^3
    ([(0, 0, 1), (0, 1, 0), (1, 0, 0), (1, 1, 1), (0, 0, 3)], (2, 2, 2), 7.0),
    ([(0.5, 0.5, 0.5), (0, 0, 0.75), (0, 0, 1.5)], (1, 1, 1), 0.3125),  # 0.125 + 0.25 - 0.0625 overlap
]


def function_for(name):
    if name in MULTI_OBJECTIVE:
        return MULTI_OBJECTIVE[name]
    if name == "branin":
        return box(branin)
    if name == "hartmann3":
        return box(lambda x: hartmann(HARTMANN3_A, HARTMANN3_P, x))
    if name == "hartmann6":
        return box(lambda x: hartmann(HARTMANN6_A, HARTMANN6_P, x))
    for prefix, formula in (("rosenbrock-", rosenbrock), ("ackley-", ackley), ("levy-", levy),
                            ("styblinski-tang-", styblinski_tang)):
        if name.startswith(prefix):
            return box(formula)
    if name == "mixed-int-cat":
        return mixed_int_cat
    return None

# ---------------------------------------------------------------- the table of test points (TestPoints.java)


class Table:
    """Spaces, per-seed instance parameters and optima, and test points, as `hypatia bench testpoints` writes them."""

    def __init__(self, path):
        self.spaces = {}      # function -> [(name, kind, spec)]
        self.instances = {}   # (function, seed) -> (params, optimum)
        self.points = []      # (function, seed, config, value)
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            for row in reader:
                fn, kind, data = row["function"], row["kind"], row["data"]
                if kind == "space":
                    self.spaces[fn] = parse_space(data)
                elif kind == "instance":
                    # single objective: the instance's shift etc. and its optimum; several objectives:
                    # reference=r1 r2 ... and no optimum
                    optimum = float(row["value"]) if row["value"] else None
                    self.instances[(fn, int(row["seed"]))] = (parse_params(data), optimum)
                elif kind == "point":
                    # several objectives: f1 f2 ... space-separated
                    value = row["value"]
                    self.points.append((fn, int(row["seed"]), data,
                                        [float(v) for v in value.split(" ")] if " " in value else float(value)))
                else:
                    raise ValueError("%s: unknown row kind %r" % (path, kind))
        self.points = [(fn, seed, parse_config(data, self.spaces[fn]), value) for fn, seed, data, value in self.points]

    def instance(self, function, seed):
        if (function, seed) not in self.instances:
            seeds = sorted(s for f, s in self.instances if f == function)
            raise SystemExit("optuna_bench.py: the table has no instance of %s at seed %d (it has seeds %s); "
                             "regenerate it with `hypatia bench testpoints --seeds N`" % (function, seed, seeds))
        return self.instances[(function, seed)]


def parse_space(text):
    space = []
    for part in text.split(";"):
        name, spec = part.split("=", 1)
        fields = spec.split(":")
        kind = fields[0]
        if kind == "float":
            space.append((name, kind, (float(fields[1]), float(fields[2]), "log" in fields[3:])))
        elif kind == "int":
            space.append((name, kind, (int(fields[1]), int(fields[2]), int(fields[3]), "log" in fields[4:])))
        elif kind in ("categorical", "ordinal"):
            space.append((name, kind, fields[1].split("|")))
        else:
            raise ValueError("unknown parameter kind %r" % kind)
    return space


def parse_params(text):
    params = {}
    for part in text.split(";"):
        name, values = part.split("=", 1)
        numbers = [float(v) for v in values.split(" ")]
        params[name] = numbers if name in ("shift", "centre", "offsets", "reference") else numbers[0]
    return params


def parse_config(text, space):
    kinds = {name: kind for name, kind, _ in space}
    config = {}
    for part in text.split(";"):
        name, value = part.split("=", 1)
        kind = kinds[name]
        config[name] = float(value) if kind == "float" else int(value) if kind == "int" else value
    return config


def check(table):
    """Every test point must evaluate to the table's value within RELATIVE_TOLERANCE; returns the problems."""
    problems = []
    for fn in table.spaces:
        if function_for(fn) is None:
            problems.append("%s: this script has no implementation of it" % fn)
    for fn, seed, config, expected in table.points:
        f = function_for(fn)
        if f is None:
            continue
        actual = f(config, table.instance(fn, seed)[0])
        if isinstance(expected, list):
            agree = isinstance(actual, list) and len(actual) == len(expected) and all(
                abs(a - e) <= RELATIVE_TOLERANCE * max(1.0, abs(e)) for a, e in zip(actual, expected))
        else:
            agree = not isinstance(actual, list) and abs(actual - expected) <= RELATIVE_TOLERANCE * max(1.0, abs(expected))
        if not agree:
            problems.append("%s seed %d at %s: %r here, %r in Java" % (fn, seed, config, actual, expected))
    for points, reference, expected in HYPERVOLUME_CASES:
        actual = hypervolume(points, reference)
        if not abs(actual - expected) <= RELATIVE_TOLERANCE * max(1.0, abs(expected)):
            problems.append("hypervolume of %s w.r.t. %s: %r here, %r by hand" % (points, reference, actual, expected))
    return problems

# ---------------------------------------------------------------- running Optuna


def make_sampler(name, seed):
    import optuna
    samplers = optuna.samplers
    if name == "tpe":
        return samplers.TPESampler(seed=seed)
    if name == "tpe-multivariate":
        # Optuna's multivariate TPE (experimental in 3.1), against Hypatia's default mode.
        return samplers.TPESampler(seed=seed, multivariate=True, warn_independent_sampling=False)
    if name == "cmaes":
        return samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    if name == "qmc":
        try:
            import scipy  # noqa: F401  (QMCSampler needs scipy.stats.qmc)
        except ImportError:
            raise SystemExit("optuna_bench.py: the qmc sampler needs scipy: apt-get install python3-scipy")
        return samplers.QMCSampler(seed=seed, warn_independent_sampling=False)
    if name == "random":
        return samplers.RandomSampler(seed=seed)
    if name == "nsga2":
        return samplers.NSGAIISampler(seed=seed)
    raise SystemExit("optuna_bench.py: unknown sampler %r; samplers: tpe, tpe-multivariate, cmaes, qmc, random, nsga2" % name)


def suggest(trial, space):
    config = {}
    for name, kind, spec in space:
        if kind == "float":
            low, high, log = spec
            config[name] = trial.suggest_float(name, low, high, log=log)
        elif kind == "int":
            low, high, step, log = spec
            config[name] = trial.suggest_int(name, low, high, step=step, log=log)
        else:
            config[name] = trial.suggest_categorical(name, spec)
    return config


def number(v):
    """Like Hypatia's CSV: integral values without '.0', others in shortest round-trip form."""
    if v == math.floor(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def run_one(table, sampler_name, function, seed, trials):
    import optuna
    f = function_for(function)
    params, optimum = table.instance(function, seed)
    space = table.spaces[function]
    if "reference" in params:
        return run_multi_objective(table, sampler_name, function, seed, trials)
    study = optuna.create_study(direction="minimize", sampler=make_sampler(sampler_name, seed))
    rows = []
    best = math.inf
    start = time.perf_counter()

    def objective(trial):
        nonlocal best
        value = f(suggest(trial, space), params)
        best = min(best, value)
        rows.append(["optuna-" + sampler_name, function, str(seed), str(trial.number), "0", number(value), number(best),
                     "regret", number(best - optimum), number(trial.number + 1), number(time.perf_counter() - start)])
        return value

    study.optimize(objective, n_trials=trials)
    return rows


def run_multi_objective(table, sampler_name, function, seed, trials):
    """A study with one minimised direction per objective, scored like Hypatia's Incumbent: the best f1 so
    far, and the hypervolume of the non-dominated set so far w.r.t. the table's reference point."""
    import optuna
    f = function_for(function)
    params, _ = table.instance(function, seed)
    space = table.spaces[function]
    reference = params["reference"]
    study = optuna.create_study(directions=["minimize"] * len(reference), sampler=make_sampler(sampler_name, seed))
    archive = Archive(reference)
    rows = []
    best = math.inf
    start = time.perf_counter()

    def objective(trial):
        nonlocal best
        values = f(suggest(trial, space), params)
        best = min(best, values[0])
        archive.add(tuple(values))
        rows.append(["optuna-" + sampler_name, function, str(seed), str(trial.number), "0",
                     ";".join(number(v) for v in values), number(best), "hypervolume", number(archive.volume),
                     number(trial.number + 1), number(time.perf_counter() - start)])
        return values

    study.optimize(objective, n_trials=trials)
    return rows


def parse_seeds(text):
    if ".." in text:
        a, b = text.split("..")
        return list(range(int(a), int(b) + 1))
    if "," in text:
        return [int(s) for s in text.split(",")]
    return list(range(1, int(text) + 1))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", metavar="TABLE", help="check the functions against a test point table and exit")
    parser.add_argument("--testpoints", metavar="TABLE", help="the test point table (spaces, shifts, optima)")
    parser.add_argument("--samplers", default="tpe,cmaes,qmc,random", help="Optuna samplers (default %(default)s)")
    parser.add_argument("--functions", help="functions to run (default: every function in the table)")
    parser.add_argument("--seeds", default="10", help="N (1..N), A..B or a list (default %(default)s)")
    parser.add_argument("--trials", type=int, default=100, help="trials per run (default %(default)s)")
    parser.add_argument("--out", default="optuna.csv", help="evaluation CSV to write (default %(default)s)")
    args = parser.parse_args(argv)

    if args.check:
        table = Table(args.check)
        problems = check(table)
        for p in problems:
            print("mismatch: " + p, file=sys.stderr)
        print("%d test points of %d functions and %d hypervolume cases checked: %s" % (
            len(table.points), len(table.spaces), len(HYPERVOLUME_CASES), "MISMATCH" if problems else "all agree"))
        return 1 if problems else 0

    if not args.testpoints:
        parser.error("--testpoints TABLE is required to run (or --check TABLE to check)")
    table = Table(args.testpoints)
    problems = check(table)
    if problems:
        for p in problems:
            print("mismatch: " + p, file=sys.stderr)
        print("optuna_bench.py: the functions do not match the table; not running", file=sys.stderr)
        return 1
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    functions = args.functions.split(",") if args.functions else list(table.spaces)
    for fn in functions:
        if fn not in table.spaces:
            raise SystemExit("optuna_bench.py: no function %r in the table; it has %s" % (fn, list(table.spaces)))
    samplers = args.samplers.split(",")
    for s in samplers:
        make_sampler(s, 0)  # fail on a bad name before running anything
    seeds = parse_seeds(args.seeds)
    runs = [(s, fn, seed) for s in samplers for fn in functions for seed in seeds]
    start = time.perf_counter()
    with open(args.out, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i, (s, fn, seed) in enumerate(runs, 1):
            writer.writerows(run_one(table, s, fn, seed, args.trials))
            out.flush()
            elapsed = time.perf_counter() - start
            print("\r%d/%d runs  %.0fs elapsed  ETA %.0fs   " % (i, len(runs), elapsed, elapsed / i * (len(runs) - i)),
                  end="", file=sys.stderr, flush=True)
    print("\nwrote %s (%d runs, %.1f s)" % (args.out, len(runs), time.perf_counter() - start), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
