#!/usr/bin/env bash
# Issue 15's judging run: 20 seeds x 300 trials (scores at 100 and 300) of Hypatia's TPE (both
# modes), CMA-ES and GP beside Optuna 3.1's univariate and multivariate TPE and CMA-ES, in one
# run, on the synthetic suite; then the tables (docs/bench/judge_samplers.py). CPU heavy (several
# hours on 2 cores, most of it Optuna's TPE and the GP at 300 trials); builds nothing: run
# `mvn -B -ntp -DskipTests package` first.
#   bench/samplers-judging.sh [OUT] [SEEDS]     (defaults: a new temp folder, 20)
set -euo pipefail
cd "$(dirname "$0")/.."
H=runtime/launcher/target/hypatia/bin/hypatia
PY=runtime/launcher/target/hypatia/python/optuna_bench.py
OUT=${1:-$(mktemp -d)}
SEEDS=${2:-20}
F=branin,hartmann6,rosenbrock-10,rosenbrock-20,ackley-10,levy-10,styblinski-tang-10,mixed-int-cat
mkdir -p "$OUT"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
nice -n 10 $H bench --optimizers tpe,tpe:multivariate=false,cmaes,gp --benchmarks $F --seeds "$SEEDS" --trials 300 \
    --checkpoints 100 --parallel 1 --out "$OUT/java" > "$OUT/java.log" 2>&1 &
for S in tpe tpe-multivariate cmaes; do
  nice -n 10 /usr/bin/python3 $PY --testpoints docs/bench/testpoints.csv --samplers $S --functions $F \
      --seeds "$SEEDS" --trials 300 --out "$OUT/optuna-$S.csv" > "$OUT/optuna-$S.log" 2>&1 &
done
wait
/usr/bin/python3 docs/bench/judge_samplers.py "$OUT"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
