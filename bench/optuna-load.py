"""Optuna 3.1 with its RDB storage doing the load benchmark's work: N processes, ask/tell, one study.

    /usr/bin/python3 bench/optuna-load.py --storage postgresql+psycopg2://USER:PASS@HOST:PORT/DB \
        --processes 32 --seconds 15 --sampler tpe

Each process loads the study with its own sampler (random or TPE, seeded by its index), then asks
(timed), suggests the benchmark's four parameters (the same space as `hypatia bench-rpc`) and
tells a value, until the time is up. Prints one line: trials/s, ask p50 ms, ask p99 ms (nearest
rank over every process's asks). Needs Debian's python3-optuna, python3-psycopg2 and
python3-sqlalchemy; run with /usr/bin/python3. Used by bench/quiet/scale-out.sh.
"""
import argparse
import multiprocessing as mp
import time

import optuna


def _sampler(name, seed):
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    raise SystemExit(f"--sampler: random or tpe, not {name!r}")


def _storage(url):
    # Optuna's defaults; a process holds one or two connections at a time, so N = 128 processes
    # need a server with max_connections well above 256 (.ci/postgres starts one with 500)
    return optuna.storages.RDBStorage(url)


def _worker(args):
    url, study_name, sampler, seed, seconds = args
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name=study_name, storage=_storage(url), sampler=_sampler(sampler, seed))
    asks, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        trial = study.ask()
        asks.append(time.perf_counter() - t0)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        dropout = trial.suggest_float("dropout", 0.0, 0.5)
        layers = trial.suggest_int("layers", 1, 8)
        opt = trial.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
        study.tell(trial, (lr * 100 - 0.3) ** 2 + dropout + 0.01 * layers + (0.1 if opt == "sgd" else 0.0))
    return asks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--storage", required=True, help="SQLAlchemy URL of the RDB storage")
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--sampler", default="random")
    a = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    name = f"load-{a.sampler}-{a.processes}-{time.time_ns()}"
    storage = _storage(a.storage)
    optuna.create_study(study_name=name, storage=storage, direction="minimize")
    storage.engine.dispose()  # no connection of the parent's is inherited by the forked workers
    with mp.get_context("fork").Pool(a.processes) as pool:
        results = pool.map(_worker, [(a.storage, name, a.sampler, i, a.seconds) for i in range(a.processes)])
    asks = sorted(x for r in results for x in r)
    q = lambda p: asks[min(len(asks) - 1, max(0, int(-(-p * len(asks) // 1)) - 1))] * 1000 if asks else float("nan")
    print(f"{len(asks) / a.seconds:.1f} {q(0.5):.2f} {q(0.99):.2f}")


if __name__ == "__main__":
    main()
