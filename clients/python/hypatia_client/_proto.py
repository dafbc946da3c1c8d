"""The generated hypatia.v1 stubs (made by tools/gen_stubs.py or at install time)."""
try:
    from ._gen.hypatia.v1 import hypatia_pb2 as pb
    from ._gen.hypatia.v1 import hypatia_pb2_grpc as pb_grpc
except ImportError as e:  # a source checkout where the stubs were never generated
    raise ImportError("hypatia_client: the gRPC stubs are missing. Install the client "
                      "(see clients/python/README.md) or run clients/python/tools/gen_stubs.py") from e

__all__ = ["pb", "pb_grpc"]
