#!/usr/bin/env python3
"""Tunes a PyTorch MLP on scikit-learn's digits through Hypatia, with 4 worker processes.

Searches learning rate (log), weight decay (log), width (int, log), dropout and optimizer
(categorical). Each trial trains up to the budget Hypatia gives it (epochs), reports the
validation accuracy after every epoch with a checkpoint saved by torch.save, and obeys the
scheduler: ASHA promotion by default (a trial is paused at a rung; the best paused ones are
handed out again, promoted to a larger budget, and resume from their checkpoint), or median
stopping. No trial and no epoch starts after --timeout (170 s), so the search ends within 3
minutes. Then the best trial's configuration and the PyTorch defaults (Adam, lr 1e-3, no weight
decay, no dropout, width 64) are each trained from scratch for the full budget with the same
--seeds seeds and scored on a held-out test split: the mean test error of both, and with how many
seeds the tuned configuration wins.

    hypatia serve &
    .venv/bin/python clients/python/examples/pytorch_mlp.py

Needs Debian's python3-torch and python3-sklearn, and the client installed (see the README).
"""
import argparse
import os
import sys
import time

import hypatia_client as hp

DEFAULTS = {"lr": 1e-3, "weight_decay": 0.0, "width": 64, "dropout": 0.0, "optimizer": "adam"}
SPACE = {
    "lr": hp.Float(1e-4, 1e-1, log=True),
    "weight_decay": hp.Float(1e-6, 1e-2, log=True),  # 1e-6 is as good as none here
    "width": hp.Int(16, 512, log=True),
    "dropout": hp.Float(0.0, 0.5),
    "optimizer": ["adam", "sgd", "rmsprop"],
}
_DATA = None


def data():
    """Digits split 60/20/20 into train/validation/test tensors, standardised on train (cached per process)."""
    global _DATA
    if _DATA is None:
        import torch
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
        x, y = load_digits(return_X_y=True)
        x_train, x_rest, y_train, y_rest = train_test_split(x, y, test_size=0.4, random_state=0, stratify=y)
        x_val, x_test, y_val, y_test = train_test_split(x_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest)
        mean, std = x_train.mean(0), x_train.std(0) + 1e-6
        t = lambda a: torch.tensor((a - mean) / std, dtype=torch.float32)  # noqa: E731
        _DATA = (t(x_train), torch.tensor(y_train), t(x_val), torch.tensor(y_val), t(x_test), torch.tensor(y_test))
    return _DATA


def build(params):
    import torch
    from torch import nn
    model = nn.Sequential(nn.Linear(64, params["width"]), nn.ReLU(), nn.Dropout(params["dropout"]),
                          nn.Linear(params["width"], params["width"]), nn.ReLU(), nn.Dropout(params["dropout"]),
                          nn.Linear(params["width"], 10))
    kind = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop}[params["optimizer"]]
    extra = {"momentum": 0.9} if params["optimizer"] == "sgd" else {}
    return model, kind(model.parameters(), lr=params["lr"], weight_decay=params["weight_decay"], **extra)


def train_epoch(model, optimizer, x, y):
    import torch
    model.train()
    for idx in torch.randperm(len(x)).split(32):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
        optimizer.step()


def accuracy(model, x, y):
    import torch
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


class Objective:
    """Trains one trial; picklable, so worker processes can run it."""

    def __init__(self, epochs: int, checkpoint_dir: str, deadline: float):
        self.epochs, self.checkpoint_dir, self.deadline = epochs, checkpoint_dir, deadline

    def __call__(self, trial: hp.Trial) -> float:
        import torch
        torch.set_num_threads(1)  # one core per worker process
        x_train, y_train, x_val, y_val, _, _ = data()
        model, optimizer = build(trial.params)
        start = 1
        if trial.resumed:  # promoted (ASHA) or requeued after a lost worker: go on from the checkpoint
            state = torch.load(trial.checkpoint)
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            start = int(trial.resume_step) + 1
        torch.manual_seed(trial.number * 1000 + start)
        budget = int(trial.budget) or self.epochs
        acc, previous = 0.0, None
        for epoch in range(start, budget + 1):
            if time.time() >= self.deadline:  # the search's time is up: no epoch starts after it
                raise hp.TrialPruned(f"time budget used up before epoch {epoch}")
            train_epoch(model, optimizer, x_train, y_train)
            acc = accuracy(model, x_val, y_val)
            path = os.path.join(self.checkpoint_dir, f"trial{trial.number}-epoch{epoch}.pt")
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
            decision = trial.report(epoch, acc, checkpoint=path)
            if previous:
                os.remove(previous)  # only the latest checkpoint is ever resumed from
            previous = path
            if decision != "CONTINUE":
                return acc  # stopped (PRUNED) or paused for promotion: nothing to tell
        return acc


def summary_counts(study) -> str:
    counts = {}
    for t in study.trials:
        counts[t.state] = counts.get(t.state, 0) + 1
    return ", ".join(f"{n} {state.lower()}" for state, n in sorted(counts.items()))


def train_from_scratch(params, epochs: int, seed: int):
    """Validation and test accuracy of ``params`` trained from scratch for ``epochs`` with one seed."""
    import torch
    torch.manual_seed(seed)
    x_train, y_train, x_val, y_val, x_test, y_test = data()
    model, optimizer = build(params)
    for _ in range(epochs):
        train_epoch(model, optimizer, x_train, y_train)
    return accuracy(model, x_val, y_val), accuracy(model, x_test, y_test)


def test_accuracy(frozen: hp.FrozenTrial, checkpoint_dir: str) -> float:
    """Test accuracy of a finished trial's final checkpoint."""
    import torch
    model, _ = build(frozen.params)
    # The service keeps the latest checkpoint reference; a service without checkpoint support
    # leaves it empty, and the file of the last reported epoch is the same thing.
    path = frozen.checkpoint or os.path.join(
        checkpoint_dir, f"trial{frozen.number}-epoch{int(max(frozen.intermediate_values))}.pt")
    model.load_state_dict(torch.load(path)["model"])
    _, _, _, _, x_test, y_test = data()
    return accuracy(model, x_test, y_test)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="127.0.0.1:50051", help="host:port of the service")
    ap.add_argument("--study", default=f"digits-mlp-{int(time.time())}")
    ap.add_argument("--trials", type=int, default=300,
                    help="hand-outs (new trials and promotions); --timeout usually ends the search first")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=9, help="the largest budget")
    ap.add_argument("--timeout", type=float, default=170,
                    help="the search's time budget in seconds: no trial and no epoch starts after it")
    ap.add_argument("--seeds", type=int, default=3,
                    help="training seeds for the final comparison: the defaults and the best trial's "
                         "configuration are each trained from scratch with every seed")
    ap.add_argument("--sampler", default="tpe")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scheduler", default="auto", choices=["auto", "asha", "median"],
                    help="ASHA promotion (eta 3, rungs at 1, 3, 9, ... epochs), median stopping, or auto: "
                         "ASHA where the service has the asha scheduler deployed, else median")
    ap.add_argument("--checkpoint-dir", default="hypatia-checkpoints")
    args = ap.parse_args()

    started = time.time()
    checkpoint_dir = os.path.abspath(os.path.join(args.checkpoint_dir, args.study))
    os.makedirs(checkpoint_dir, exist_ok=True)
    client = hp.Client(args.target)
    if args.scheduler == "auto":
        loaded = {p["name"] for p in client.plugins() if p["kind"] == "scheduler"}
        args.scheduler = "asha" if "asha" in loaded else "median"
        if args.scheduler == "median":
            print("the service has no asha scheduler deployed: using median stopping", flush=True)
    if args.scheduler == "asha":
        scheduler_config = {}  # promotion, eta 3, rungs from 1 epoch to the fidelity's max (ASHA's defaults)
    else:
        scheduler_config = {"min_completed": 5, "warmup_steps": 3}
    study = client.create_study(args.study, SPACE, objectives={"val_accuracy": "max"}, sampler=args.sampler,
                                sampler_config={"seed": args.seed}, scheduler=args.scheduler,
                                scheduler_config=scheduler_config, fidelity=("epochs", 1, args.epochs),
                                load_if_exists=True)
    runs = study.optimize(Objective(args.epochs, checkpoint_dir, started + args.timeout), n_trials=args.trials,
                          n_workers=args.workers, timeout=args.timeout)

    print(f"\n{'#':>3} {'state':8} {'epochs':>6} {'val_acc':>7}  {'lr':>8} {'wd':>8} {'width':>5} {'dropout':>7} optimizer")
    for t in study.trials:
        last = max(t.intermediate_values) if t.intermediate_values else 0
        acc = t.values[0] if t.values else t.intermediate_values.get(last, float("nan"))
        p = t.params
        print(f"{t.number:>3} {t.state:8} {int(last):>6} {acc:>7.4f}  {p['lr']:>8.2e} {p['weight_decay']:>8.1e} "
              f"{p['width']:>5} {p['dropout']:>7.3f} {p['optimizer']}")
    print(f"{len(study.trials)} trials ({summary_counts(study)}) from {runs} hand-outs under {args.scheduler} in {time.time() - started:.1f} s "
          f"with {args.workers} workers")
    searched = time.time() - started
    if study.best_trials:
        best = study.best_trial
        best_val = best.value
    else:  # a slow machine: take the best trial at the largest budget reached (ASHA's top rung so far)
        reached = [t for t in study.trials if t.intermediate_values and t.checkpoint]
        if not reached:
            print("no trial reported an epoch within the time budget; give it more time (--timeout)")
            return 1
        top = max(max(t.intermediate_values) for t in reached)
        best = max((t for t in reached if max(t.intermediate_values) == top), key=lambda t: t.intermediate_values[top])
        best_val = best.intermediate_values[top]
        print(f"no trial reached the full {args.epochs} epochs within the time budget; "
              f"taking the best at {int(top)} epochs")
    best_test = test_accuracy(best, checkpoint_dir)
    # The comparison that says whether tuning helped: the defaults and the best configuration,
    # each trained from scratch with the same seeds for the full budget, on the held-out test split.
    default_runs = [train_from_scratch(DEFAULTS, args.epochs, seed) for seed in range(args.seeds)]
    tuned_runs = [train_from_scratch(best.params, args.epochs, seed) for seed in range(args.seeds)]
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    default_val, default_test = mean([v for v, _ in default_runs]), mean([t for _, t in default_runs])
    tuned_test = mean([t for _, t in tuned_runs])
    wins = sum(t > d for (_, t), (_, d) in zip(tuned_runs, default_runs))
    print(f"defaults trained for {args.epochs} epochs: val accuracy {default_val:.4f}, test accuracy {default_test:.4f}"
          f" (mean of {args.seeds} seeds)")
    print(f"best trial #{best.number}: val accuracy {best_val:.4f}, test accuracy {best_test:.4f} with {best.params}")
    print(f"retrained with seeds 0..{args.seeds - 1}, test accuracy: defaults "
          + " ".join(f"{t:.4f}" for _, t in default_runs) + ", tuned " + " ".join(f"{t:.4f}" for _, t in tuned_runs))
    print(f"test error {1 - default_test:.4f} (defaults) -> {1 - tuned_test:.4f} (tuned), "
          f"{(1 - tuned_test) / (1 - default_test) - 1:+.0%}, mean of {args.seeds} seeds; tuned better with {wins} of "
          f"{args.seeds} seeds; search {searched:.0f} s, total {time.time() - started:.0f} s")
    study.export_csv(os.path.join(checkpoint_dir, "trials.csv"))
    print(f"trials written to {os.path.join(checkpoint_dir, 'trials.csv')}")


if __name__ == "__main__":
    sys.exit(main())
