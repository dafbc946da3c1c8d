"""Python client for the Hypatia hyperparameter-optimization service (gRPC API hypatia.v1).

Run ``generate.sh`` once to create the gRPC stubs from the .proto (needs Debian's
protobuf-compiler and protobuf-compiler-grpc; at run time python3-grpcio and python3-protobuf).

    from hypatia_client import Client, Float, Int, Categorical
    client = Client("127.0.0.1:50051")
    client.create_study("mnist-mlp", [Float("lr", 1e-5, 1e-1, log=True), Int("layers", 1, 4)],
                        objectives=[("val_loss", "minimize")])
    while True:
        trial = client.ask("mnist-mlp")
        for epoch in range(1, 11):
            if client.report(trial, step=epoch, value=train_one_epoch(trial.config)) != "CONTINUE":
                break
        else:
            client.tell(trial, [evaluate(trial.config)])
"""
import os
import sys

_GEN = os.path.join(os.path.dirname(__file__), "_gen")
if not os.path.isdir(os.path.join(_GEN, "hypatia", "v1")):
    raise ImportError("hypatia_client: gRPC stubs missing; run clients/python/generate.sh first")
if _GEN not in sys.path:
    sys.path.insert(0, _GEN)

from .client import (  # noqa: E402
    AskedTrial,
    Categorical,
    Client,
    Float,
    HypatiaError,
    Int,
    Ordinal,
)

__all__ = ["AskedTrial", "Categorical", "Client", "Float", "HypatiaError", "Int", "Ordinal"]
