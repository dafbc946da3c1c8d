#!/usr/bin/env bash
# Issue 8: Report decision latency with 1,000 running trials until the study holds 100,000 reports,
# in-process (engine + SQLite file store + the real asha bundle) and through gRPC on loopback.
# Needs a quiet machine (wall-clock percentiles); builds nothing: run `mvn -B -ntp -DskipTests package`
# first. Prints p50/p99/max per tenth of the run (a decision whose cost grew with the history would
# show as rising percentiles) and the process CPU time per report.
#   bench/quiet/report-latency.sh [REPORTS]      (default 100000; MODES=in-process,service; SCHEDULER=asha,
#                                                 e.g. SCHEDULER=median for the median rule's kept averages)
# The store's fsync is off so that the figure is the decision, not the disk; add FSYNC=1 to keep it.
set -euo pipefail
cd "$(dirname "$0")/../.."
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
REPORTS=${1:-100000}
MODES=${MODES:-in-process,service}
OUT=${OUT:-$(mktemp -d)}
[[ -x "$HYPATIA" ]] || { echo "no $HYPATIA: build the distribution first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
fsync=--no-fsync; [[ "${FSYNC:-0}" == 1 ]] && fsync=
for mode in ${MODES//,/ }; do
    echo "== $mode, ${SCHEDULER:-asha}, 1000 running, $REPORTS reports; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(date +%s)
    "$HYPATIA" bench-report --running 1000 --reports "$REPORTS" --scheduler "${SCHEDULER:-asha}" --mode "$mode" $fsync \
        --out "$OUT/report-latency-${SCHEDULER:-asha}-$mode.csv" | grep -v ' of .* reports$'
    echo "== $mode took $(( $(date +%s) - start )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg); CSV in $OUT"
done
