#!/usr/bin/python3
"""Optuna 3.1's TPE ask cost with N completed trials, set up like Hypatia's TpeLatency:
10 float parameters (even ones log-scaled in [1e-3, 10], odd ones in [-5, 5]), random
completed trials of a quadratic in the unit cube, then the mean time of study.ask() with a
fixed TPESampler over 20 asks (each followed by no tell, so the history stays at N).

    /usr/bin/python3 docs/bench/optuna_tpe_ask_cost.py
"""
import math
import random
import time

import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial

optuna.logging.set_verbosity(optuna.logging.WARNING)
DIMS = 10


def distributions():
    return {f"x{d}": FloatDistribution(1e-3, 10, log=True) if d % 2 == 0 else FloatDistribution(-5, 5)
            for d in range(DIMS)}


def unit(d, v):
    return (math.log(v) - math.log(1e-3)) / (math.log(10) - math.log(1e-3)) if d % 2 == 0 else (v + 5) / 10


def main():
    rnd = random.Random(1)
    dists = distributions()
    for n in (100, 300, 1000):
        for multivariate in (False, True):
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1, multivariate=multivariate))
            for _ in range(n):
                params = {}
                for d in range(DIMS):
                    u = rnd.random()
                    params[f"x{d}"] = math.exp(math.log(1e-3) + u * (math.log(10) - math.log(1e-3))) if d % 2 == 0 else -5 + 10 * u
                y = sum((unit(d, params[f"x{d}"]) - 0.3) ** 2 for d in range(DIMS))
                study.add_trial(create_trial(params=params, distributions=dists, value=y))
            reps = 20
            start = time.perf_counter()
            for _ in range(reps):
                study.ask(dists)
            ms = (time.perf_counter() - start) * 1000 / reps
            print(f"Optuna {optuna.__version__} TPE ask, 10 float params, {n:4d} completed trials, "
                  f"multivariate={str(multivariate):5s}: {ms:.3f} ms (mean of {reps})")


if __name__ == "__main__":
    main()
