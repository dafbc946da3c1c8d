#!/usr/bin/env bash
# Issue 11: the cost of authentication and TLS. One embedded engine behind four gateways
# (plaintext, token, TLS, token+TLS); 16 clients do ask+tell round trips on each in turn, in
# interleaved 5 s segments over 6 rounds in rotated order (ABCD, BCDA, ...), so load drift and JIT
# warm-up cannot pass for a security cost. Prints per variant the median round trips/s and process
# CPU per round trip, and both as ratios to plaintext. About 2.5 minutes.
# Builds nothing: run `mvn -B -ntp -DskipTests package` first.
#   bench/quiet/security.sh            (CLIENTS=16 SECONDS_PER_SEGMENT=5 ROUNDS=6)
set -euo pipefail
cd "$(dirname "$0")/../.."
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
[[ -x "$HYPATIA" ]] || { echo "no $HYPATIA: build the distribution first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
OUT=${OUT:-$(mktemp -d)}
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$HYPATIA" bench-rpc --security-matrix --clients "${CLIENTS:-16}" --seconds "${SECONDS_PER_SEGMENT:-5}" --warmup 5 \
    --rounds "${ROUNDS:-6}" --csv "$OUT/bench-rpc-security.csv" | grep -v '^\[' || true
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); per-segment CSV in $OUT/bench-rpc-security.csv"
