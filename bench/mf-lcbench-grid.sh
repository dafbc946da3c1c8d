#!/usr/bin/env bash
# Issue 8's LCBench judging grid (Syne Tune's protocol: 7,200 simulated seconds, 10 tasks), run in
# chunks of seeds so that each finished chunk is a usable CSV; `hypatia bench summarize` merges them.
# Time is simulated (the benchmark's cost), so the figures do not depend on the machine's load;
# only how long the grid takes does. Usage (from the project root, after `mvn -B -ntp -DskipTests package`):
#   nice -n 10 bench/mf-lcbench-grid.sh [OUT_DIR]          (default results/mf-lcbench)
# Env: HYPATIA (the hypatia command), DATA (benchmark data, default ../shared/data), PARALLEL (2),
#      CHUNKS (default: the order below, "workers:seeds" pairs, the protocol's 4 workers first).
set -euo pipefail
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
DATA=${DATA:-../shared/data}
OUT=${1:-results/mf-lcbench}
PARALLEL=${PARALLEL:-2}
TASKS=yahpo-lcbench-3945,yahpo-lcbench-7593,yahpo-lcbench-34539,yahpo-lcbench-126025,yahpo-lcbench-126026,yahpo-lcbench-126029,yahpo-lcbench-146212,yahpo-lcbench-167104,yahpo-lcbench-167149,yahpo-lcbench-167152
# The issue's anytime list (random at full budget, median, ASHA stopping and promotion, Hyperband,
# one-epoch top-k) plus the percentile rule and PBT.
OPTIMIZERS='random,random+median,random+percentile,random+asha:type=stopping,random+asha:type=promotion,random+hyperband,random+one-epoch,random+pbt'
CHUNKS=${CHUNKS:-"4:1..2 16:1..2 4:3..5 4:6..8 4:9..10 16:3..4 16:5..6 16:7..8 16:9..10"}
mkdir -p "$OUT"
for chunk in $CHUNKS; do
    workers=${chunk%%:*}; seeds=${chunk#*:}
    dir="$OUT/w$workers-s${seeds/../-}"
    if [[ -f "$dir/anytime.md" ]]; then echo "skip $dir (done)"; continue; fi
    echo "$(date -u +%H:%M:%S) chunk: $workers workers, seeds $seeds -> $dir (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    "$HYPATIA" bench --optimizers "$OPTIMIZERS" --benchmarks "$TASKS" --seeds "$seeds" --workers "$workers" \
        --max-time 7200 --trials 100000 --parallel "$PARALLEL" --benchmark-data "$DATA" --out "$dir" > "$dir.log" 2>&1
    echo "$(date -u +%H:%M:%S) done $dir: $(tail -1 "$dir.log")"
done
