#!/usr/bin/env bash
# Issue 15's judging run: 20 seeds x 300 trials (scores at 100 and 300) of Hypatia's TPE (both
# modes), CMA-ES and GP beside Optuna 3.1's univariate and multivariate TPE and CMA-ES, in one
# run, on the synthetic suite; then the tables (docs/bench/judge_samplers.py). About 2 CPU-hours
# (most of it Optuna's TPE and the GP at 300 trials); builds nothing: run
# `mvn -B -ntp -DskipTests package` first (it also compiles the GP test classes used below).
#   bench/samplers-judging.sh [OUT] [SEEDS]     (defaults: a new temp folder, 20)
# Environment:
#   PARTS=java,gp,optuna   what to run (default all three); e.g. PARTS=gp to re-run only the GP
#   NICE=10                run under `nice -n 10` (default: normal priority; the figures are
#                          regret, not time, and niced processes starve on a busy machine)
#
# The GP runs through GpBoundStudy (GP bundle test classes) on the shifted instances: the same
# runs as `hypatia bench --optimizers gp` (same instance, sampler seed and history, checked to
# give identical evaluations), written in the bench's evaluation format, plus the share of
# post-startup trials with a coordinate on a bound (OUT/bounds/*.csv). Two GP processes split the
# functions. The GP and Optuna's samplers go seed by seed (every function gets
# seed s before any gets s+1), so a run cut short still covers every function; one CSV per seed.
set -euo pipefail
cd "$(dirname "$0")/.."
H=runtime/launcher/target/hypatia/bin/hypatia
PY=runtime/launcher/target/hypatia/python/optuna_bench.py
OUT=${1:-$(mktemp -d)}
SEEDS=${2:-20}
PARTS=${PARTS:-java,gp,optuna}
RUN=()
[[ -n ${NICE:-} ]] && RUN=(nice -n "$NICE")
F=branin,hartmann6,rosenbrock-10,rosenbrock-20,ackley-10,levy-10,styblinski-tang-10,mixed-int-cat
MATH=${MATH:-$HOME/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar}
GPCP=sampler-bundles/gp/target/test-classes:sampler-bundles/gp/target/classes:sampler-bundles/gp-model/target/classes
GPCP=$GPCP:sampler-bundles/support/target/classes:api-bundles/api/target/classes:benchmark-bundles/synthetic/target/classes:$MATH
mkdir -p "$OUT/bounds"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
if [[ ,$PARTS, == *,java,* ]]; then
  "${RUN[@]}" $H bench --optimizers tpe,tpe:multivariate=false,cmaes --benchmarks $F --seeds "$SEEDS" --trials 300 \
      --checkpoints 100 --parallel 1 --out "$OUT/java" > "$OUT/java.log" 2>&1 &
fi
mkdir -p "$OUT/gp" "$OUT/optuna"
if [[ ,$PARTS, == *,gp,* ]]; then
  for part in a:branin,hartmann6,levy-10,ackley-10 b:rosenbrock-10,styblinski-tang-10,mixed-int-cat,rosenbrock-20; do
    for s in $(seq 1 "$SEEDS"); do
      "${RUN[@]}" java -cp "$GPCP" io.hypatia.sampler.gp.internal.GpBoundStudy --functions "${part#*:}" --seeds "$s..$s" \
          --trials 300 --threads 1 --variants shifted --out "$OUT/bounds/gp-${part%%:*}-s$s.csv" \
          --evaluations "$OUT/gp/gp-${part%%:*}-s$s.csv" > "$OUT/gp/gp-${part%%:*}-s$s.log" 2>&1
    done &
  done
fi
if [[ ,$PARTS, == *,optuna,* ]]; then
  for S in tpe tpe-multivariate; do
    for s in $(seq 1 "$SEEDS"); do
      "${RUN[@]}" /usr/bin/python3 $PY --testpoints docs/bench/testpoints.csv --samplers $S --functions $F \
          --seeds "$s" --trials 300 --out "$OUT/optuna/optuna-$S-s$s.csv" > "$OUT/optuna/optuna-$S-s$s.log" 2>&1
    done &
  done
  for s in $(seq 1 "$SEEDS"); do
    "${RUN[@]}" /usr/bin/python3 $PY --testpoints docs/bench/testpoints.csv --samplers cmaes --functions $F \
        --seeds "$s" --trials 300 --out "$OUT/optuna/optuna-cmaes-s$s.csv" > "$OUT/optuna/optuna-cmaes-s$s.log" 2>&1
  done &
fi
wait
/usr/bin/python3 docs/bench/judge_samplers.py "$OUT"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
