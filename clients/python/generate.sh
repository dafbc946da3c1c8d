#!/usr/bin/env bash
# Generates the Python gRPC stubs for hypatia.v1 into hypatia_client/_gen (not committed).
# Needs Debian's protobuf-compiler and protobuf-compiler-grpc.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto_root="$here/../../grpc-gateway/src/main/proto"
out="$here/hypatia_client/_gen"
mkdir -p "$out"
protoc -I "$proto_root" --python_out="$out" --grpc_out="$out" \
  --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)" "$proto_root/hypatia/v1/hypatia.proto"
touch "$out/__init__.py" "$out/hypatia/__init__.py" "$out/hypatia/v1/__init__.py"
