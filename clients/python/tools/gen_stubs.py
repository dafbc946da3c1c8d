#!/usr/bin/env python3
"""Generates the Python gRPC stubs of hypatia.v1 from the project's .proto.

Used by setup.py at install time and by developers working in the source tree:

    python3 clients/python/tools/gen_stubs.py            # into clients/python/hypatia_client/_gen

Needs Debian's protobuf-compiler and protobuf-compiler-grpc (protoc and grpc_python_plugin).
The .proto is copied under the package path first, so the generated modules import each other
as ``hypatia_client._gen.hypatia.v1`` and no top-level ``hypatia`` package is installed.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.normpath(os.path.join(HERE, "..", "..", "..", "grpc-gateway", "src", "main", "proto",
                                      "hypatia", "v1", "hypatia.proto"))
PACKAGE_PATH = ("hypatia_client", "_gen", "hypatia", "v1")


def generate(out_root: str) -> None:
    """Writes hypatia_client/_gen/hypatia/v1/hypatia_pb2(_grpc).py under ``out_root``."""
    if not os.path.isfile(PROTO):
        sys.exit(f"gen_stubs: {PROTO} not found; build from a full Hypatia checkout")
    protoc, plugin = shutil.which("protoc"), shutil.which("grpc_python_plugin")
    if not protoc or not plugin:
        sys.exit("gen_stubs: protoc and grpc_python_plugin are needed "
                 "(apt-get install protobuf-compiler protobuf-compiler-grpc)")
    with tempfile.TemporaryDirectory() as tmp:
        rel = os.path.join(*PACKAGE_PATH, "hypatia.proto")
        os.makedirs(os.path.dirname(os.path.join(tmp, rel)))
        shutil.copyfile(PROTO, os.path.join(tmp, rel))
        subprocess.run([protoc, "-I", tmp, f"--python_out={out_root}", f"--grpc_out={out_root}",
                        f"--plugin=protoc-gen-grpc={plugin}", os.path.join(tmp, rel)], check=True)
    for depth in range(2, len(PACKAGE_PATH) + 1):
        init = os.path.join(out_root, *PACKAGE_PATH[:depth], "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()


if __name__ == "__main__":
    generate(sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(HERE, "..")))
