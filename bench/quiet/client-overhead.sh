#!/usr/bin/env bash
# Issue 10: client-side overhead of one ask/report/tell cycle, Python and C++, each against the
# raw gRPC stub sending the same messages (alternating cycles on one channel), 1,000 cycles each,
# against a local `hypatia serve` this script starts (and stops) on a free port. Prints median and
# p99 wall time and median process CPU per cycle, and the client's overhead over the raw stub.
# About 1-2 minutes. Builds nothing; needs the distribution (`mvn -B -ntp -DskipTests package`),
# the Python client installed in .venv (README) and the C++ client built in build/cpp (README):
#   bench/quiet/client-overhead.sh        (CYCLES=1000 VENV=.venv CPP_BUILD=build/cpp)
set -euo pipefail
cd "$(dirname "$0")/../.."
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
VENV=${VENV:-.venv}
CPP_BUILD=${CPP_BUILD:-build/cpp}
CYCLES=${CYCLES:-1000}
[[ -x "$HYPATIA" ]] || { echo "no $HYPATIA: build the distribution first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
[[ -x "$VENV/bin/python" ]] || { echo "no $VENV/bin/python: install the Python client (README, Python client)" >&2; exit 1; }
[[ -x "$CPP_BUILD/bench_overhead" ]] || { echo "no $CPP_BUILD/bench_overhead: build the C++ client (README, C++ client)" >&2; exit 1; }
OUT=${OUT:-$(mktemp -d)}
source bench/quiet/serve.inc  # a service on $target, stopped on exit
echo "== service on $target; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$VENV/bin/python" clients/python/examples/bench_overhead.py --target "$target" --cycles "$CYCLES" --csv "$OUT/overhead.csv"
"$CPP_BUILD/bench_overhead" --target "$target" --cycles "$CYCLES" --csv "$OUT/overhead.csv"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); CSV in $OUT/overhead.csv"
