#!/usr/bin/env bash
# Issue 9's LCBench judging grid: the model-based multi-fidelity methods (BOHB, DEHB, MOBSTER,
# learning-curve extrapolation stopping) next to random search, ASHA and asynchronous Hyperband, on
# the protocol of issue 8 (7,200 simulated seconds): 4 workers on 20 of the 34 LCBench tasks and
# 16 workers on the first 10, 10 seeds, run in chunks of seeds so that each finished chunk is a
# usable CSV; `hypatia bench summarize` merges them (mean rank, anytime regret, speed-ups).
# Time is simulated (the benchmark's cost), so the figures do not depend on the machine's load;
# only how long the grid takes does. Usage (from the project root, after `mvn -B -ntp -DskipTests package`):
#   nice -n 10 bench/mbmf-lcbench-grid.sh [OUT_DIR]          (default results/mbmf-lcbench)
# Env: HYPATIA (the hypatia command), DATA (benchmark data, default ../shared/data), PARALLEL (2),
#      CHUNKS (default: "workers:seeds" pairs, the 4-worker protocol first), OPTIMIZERS, TASKS4, TASKS16.
set -euo pipefail
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
DATA=${DATA:-../shared/data}
OUT=${1:-results/mbmf-lcbench}
PARALLEL=${PARALLEL:-2}
lc() { local out=""; for t in "$@"; do out+="${out:+,}yahpo-lcbench-$t"; done; echo "$out"; }
TASKS16=${TASKS16:-$(lc 3945 7593 34539 126025 126026 126029 146212 167104 167149 167152)}
TASKS4=${TASKS4:-$TASKS16,$(lc 167161 167168 167181 167184 167185 167190 167200 167201 168329 168330)}
# random at full budget, ASHA (promotion and stopping), async Hyperband, BOHB (TPE fitted on the
# highest rung with enough data, a third random, with Hyperband), DEHB with Hyperband, MOBSTER with
# ASHA (promotion), and learning-curve extrapolation stopping.
OPTIMIZERS=${OPTIMIZERS:-'random,random+asha:type=promotion,random+asha:type=stopping,random+hyperband,tpe:fidelity_rungs=auto,random_fraction=0.33+hyperband,dehb+hyperband,mobster+asha:type=promotion,random+lc-extrapolation'}
CHUNKS=${CHUNKS:-"4:1..2 4:3..4 4:5..6 4:7..8 4:9..10 16:1..2 16:3..4 16:5..6 16:7..8 16:9..10"}
mkdir -p "$OUT"
for chunk in $CHUNKS; do
    workers=${chunk%%:*}; seeds=${chunk#*:}
    tasks=$TASKS4; [[ $workers == 16 ]] && tasks=$TASKS16
    dir="$OUT/w$workers-s${seeds/../-}"
    if [[ -f "$dir/anytime.md" ]]; then echo "skip $dir (done)"; continue; fi
    echo "$(date -u +%H:%M:%S) chunk: $workers workers, seeds $seeds -> $dir (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    "$HYPATIA" bench --optimizers "$OPTIMIZERS" --benchmarks "$tasks" --seeds "$seeds" --workers "$workers" \
        --max-time 7200 --trials 100000 --parallel "$PARALLEL" --benchmark-data "$DATA" --out "$dir" > "$dir.log" 2>&1
    echo "$(date -u +%H:%M:%S) done $dir: $(tail -1 "$dir.log")"
done
echo "merge: $HYPATIA bench summarize $OUT --out $OUT-summary"
