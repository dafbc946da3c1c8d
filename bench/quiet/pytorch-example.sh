#!/usr/bin/env bash
# Issue 10: the PyTorch example as the README runs it (4 worker processes, ASHA, 170 s search
# budget), against a local `hypatia serve` this script starts and stops; then the best trial's
# configuration and the PyTorch defaults are each retrained with 3 seeds and scored on the test
# split. One run takes about 3.5 minutes; RUNS=3 for the issue's three runs (about 10 minutes).
# Builds nothing; needs the distribution (`mvn -B -ntp -DskipTests package`) and the Python client
# in .venv (README), with Debian's python3-torch and python3-sklearn.
#   bench/quiet/pytorch-example.sh        (RUNS=1 VENV=.venv)
set -euo pipefail
cd "$(dirname "$0")/../.."
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
VENV=${VENV:-.venv}
[[ -x "$HYPATIA" ]] || { echo "no $HYPATIA: build the distribution first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
[[ -x "$VENV/bin/python" ]] || { echo "no $VENV/bin/python: install the Python client (README, Python client)" >&2; exit 1; }
OUT=${OUT:-$(mktemp -d)}
source bench/quiet/serve.inc  # a service on $target, stopped on exit
for run in $(seq 1 "${RUNS:-1}"); do
    echo "== run $run on $target; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(date +%s)
    "$VENV/bin/python" clients/python/examples/pytorch_mlp.py --target "$target" --seed "$run" \
        --checkpoint-dir "$OUT/checkpoints" | grep -v '^\['
    echo "== run $run took $(( $(date +%s) - start )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
