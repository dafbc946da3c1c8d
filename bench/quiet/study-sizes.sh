#!/usr/bin/env bash
# Issue 13 (1): is the cost of a request flat as one study grows from 1,000 to 100,000 trials?
# Grows one study (random sampler) and at each size times 2,000 ask+tell round trips with one
# client, then GetStudy and GetBestTrials, in process and over gRPC; prints p50/p99, round trips/s,
# process CPU, GC time and bytes allocated per round trip (the last does not depend on load).
# Ends with the goal line: over gRPC, each larger study's round trips/s (at least 0.8x) and ask
# p50/p99 (at most 1.2x) against the smallest's, MET or NOT MET.
# Builds nothing: run `mvn -B -ntp -DskipTests package` first. CLIENTS=N for concurrent clients.
#   bench/quiet/study-sizes.sh [SIZES]      (default 1000,10000,36000,100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
[[ -x "$HYPATIA" ]] || { echo "no $HYPATIA: build the distribution first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$HYPATIA" bench-rpc --study-sizes "${1:-1000,10000,36000,100000}" --round-trips 2000 --clients "${CLIENTS:-1}" \
    --no-fsync --csv "$(mktemp -d)/bench-rpc-sizes.csv"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
