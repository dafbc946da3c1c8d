#!/usr/bin/env python3
"""A real trainer: tunes an SGD classifier on scikit-learn's digits data set through Hypatia.

Each worker asks for a configuration, trains epoch by epoch with partial_fit, reports the
validation error after every epoch (the study's median-stopping scheduler may stop it early),
and tells the final validation error. Run a service first (`hypatia serve`), then:

    /usr/bin/python3 clients/python/examples/sklearn_digits.py --target 127.0.0.1:50051 --trials 30 --workers 2

Needs Debian's python3-grpcio, python3-protobuf and python3-sklearn (and generate.sh run once).
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from hypatia_client import Categorical, Client, Float  # noqa: E402

EPOCHS = 15


def make_data(seed=0):
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.3, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_val), y_train, y_val


def worker(target, study, trials_left, lock, data, results):
    x_train, x_val, y_train, y_val = data
    classes = np.unique(y_train)
    with Client(target) as client:
        while True:
            with lock:
                if trials_left[0] <= 0:
                    return
                trials_left[0] -= 1
            trial = client.ask(study)
            c = trial.config
            model = SGDClassifier(loss=c["loss"], alpha=c["alpha"], learning_rate="constant", eta0=c["eta0"],
                                  random_state=trial.number)
            error = 1.0
            stopped = False
            for epoch in range(1, EPOCHS + 1):
                model.partial_fit(x_train, y_train, classes=classes)
                error = 1.0 - model.score(x_val, y_val)
                if client.report(trial, step=epoch, value=error) != "CONTINUE":
                    stopped = True
                    break
            if not stopped:
                client.tell(trial, [error])
            with lock:
                results.append((trial.number, error, stopped))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="127.0.0.1:50051")
    ap.add_argument("--study", default="digits-sgd-%d" % int(time.time()))
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sampler", default="random")
    args = ap.parse_args()

    with Client(args.target) as client:
        client.create_study(args.study, [
            Categorical("loss", ["hinge", "log_loss", "modified_huber"]),
            Float("alpha", 1e-6, 1e-1, log=True),
            Float("eta0", 1e-4, 1.0, log=True),
        ], objectives=[("val_error", "minimize")], sampler=args.sampler, sampler_config={"seed": "1"},
            scheduler="median", scheduler_config={"min_completed": "3", "warmup_steps": "2"})
        data = make_data()
        lock, results, left = threading.Lock(), [], [args.trials]
        threads = [threading.Thread(target=worker, args=(args.target, args.study, left, lock, data, results))
                   for _ in range(args.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stopped = sum(1 for r in results if r[2])
        best = client.best_trials(args.study)[0]
        print(f"{len(results)} trials ({stopped} stopped early by the median rule); "
              f"best trial #{best['number']}: val_error {best['values'][0]:.4f} with {best['config']}")


if __name__ == "__main__":
    main()
