#!/usr/bin/env python3
"""Tunes an SGD classifier on scikit-learn's digits data set through Hypatia.

Each trial trains epoch by epoch with partial_fit, reports the validation error after every
epoch (the median-stopping scheduler may stop it early), and returns the final validation
error; ``study.optimize`` runs the trials in worker processes. Start a service
(``hypatia serve``), install the client (see the README), then:

    .venv/bin/python clients/python/examples/sklearn_digits.py --trials 30 --workers 2

Needs Debian's python3-sklearn.
"""
import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import hypatia_client as hp

EPOCHS = 15
SPACE = {
    "loss": ["hinge", "log_loss", "modified_huber"],
    "alpha": hp.Float(1e-6, 1e-1, log=True),
    "eta0": hp.Float(1e-4, 1.0, log=True),
}


def make_data(seed=0):
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.3, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_val), y_train, y_val


def objective(trial: hp.Trial) -> float:
    x_train, x_val, y_train, y_val = make_data()
    p = trial.params
    model = SGDClassifier(loss=p["loss"], alpha=p["alpha"], learning_rate="constant", eta0=p["eta0"],
                          random_state=trial.number)
    error = 1.0
    for epoch in range(1, EPOCHS + 1):
        model.partial_fit(x_train, y_train, classes=np.arange(10))
        error = 1.0 - model.score(x_val, y_val)
        if trial.report(epoch, error) != "CONTINUE":
            raise hp.TrialPruned()  # the scheduler already recorded it as PRUNED
    return error


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="127.0.0.1:50051")
    ap.add_argument("--study", default="digits-sgd-%d" % int(time.time()))
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sampler", default="tpe")
    args = ap.parse_args()

    study = hp.Client(args.target).create_study(
        args.study, SPACE, objectives={"val_error": "min"}, sampler=args.sampler, sampler_config={"seed": 1},
        scheduler="median", scheduler_config={"min_completed": 3, "warmup_steps": 2}, load_if_exists=True)
    study.optimize(objective, n_trials=args.trials, n_workers=args.workers)
    trials = study.trials
    stopped = sum(t.state == "PRUNED" for t in trials)
    best = study.best_trial
    print(f"{len(trials)} trials ({stopped} stopped early by the median rule); "
          f"best trial #{best.number}: val_error {best.value:.4f} with {best.params}")


if __name__ == "__main__":
    main()
