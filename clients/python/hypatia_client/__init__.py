"""Python client for the Hypatia hyperparameter-optimization service (gRPC API hypatia.v1).

    import hypatia_client as hp

    client = hp.Client("127.0.0.1:50051")
    study = client.create_study("mlp", {"lr": hp.Float(1e-5, 1e-1, log=True), "width": hp.Int(16, 256),
                                        "optimizer": ["adam", "sgd"]},
                                direction="maximize", scheduler="median", load_if_exists=True)

    def objective(trial):
        model = build(trial.params)
        for epoch in range(1, 21):
            acc = train_one_epoch(model)
            if trial.report(epoch, acc) != "CONTINUE":
                raise hp.TrialPruned()
        return acc

    study.optimize(objective, n_trials=50, n_workers=4)
    print(study.best_trial.params, study.best_value)
"""
from .client import IDEMPOTENT, Client, channel_target
from .errors import (AlreadyExists, FailedPrecondition, HypatiaError, InvalidArgument, NotFound, PermissionDenied,
                     ResourceExhausted, TrialPruned, Unauthenticated, Unavailable)
from .space import Categorical, Float, Int, Ordinal
from .study import Decision, FrozenTrial, Study, Trial

__version__ = "0.1.0"


def create_study(name: str, space=None, *, target: str = "127.0.0.1:50051", **kwargs) -> Study:
    """``Client(target).create_study(name, space, **kwargs)``, Optuna-style."""
    return Client(target).create_study(name, space, **kwargs)


def load_study(name: str, *, target: str = "127.0.0.1:50051") -> Study:
    """``Client(target).load_study(name)``."""
    return Client(target).load_study(name)


__all__ = ["IDEMPOTENT", "AlreadyExists", "Categorical", "Client", "channel_target", "Decision", "FailedPrecondition", "Float", "FrozenTrial",
           "HypatiaError", "Int", "InvalidArgument", "NotFound", "Ordinal", "PermissionDenied", "ResourceExhausted",
           "Study", "Trial", "TrialPruned", "Unauthenticated", "Unavailable", "create_study", "load_study"]
