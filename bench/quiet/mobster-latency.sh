#!/usr/bin/env bash
# Issue 9: MOBSTER ask latency (wall and thread CPU, median and p99) at 1,000 and 5,000 trials of a
# Hyperband-shaped history (MultiFidelityAskLatency): `mobster` with a history growing by one trial
# per ask (refits at a study's rate) and `mobster-cold` (a fresh instance per ask, a refit each time).
# Needs a quiet machine for the wall-clock columns; builds nothing: run
# `mvn -B -ntp -DskipTests package` first (it compiles the test classes the measurement lives in).
#   bench/quiet/mobster-latency.sh [REPS]      (default 100; about 1-2 minutes on an idle 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
MATH=${MATH:-$HOME/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar}
[[ -d runtime/launcher/target/test-classes ]] || { echo "no runtime/launcher/target/test-classes: build first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
[[ -f $MATH ]] || { echo "no commons-math3 jar at $MATH (set MATH=...)" >&2; exit 1; }
CP=runtime/launcher/target/test-classes:sampler-bundles/dehb/target/classes:sampler-bundles/tpe/target/classes:sampler-bundles/mobster/target/classes:sampler-bundles/gp-model/target/classes:sampler-bundles/support/target/classes:api-bundles/api/target/classes:$MATH
OUT=${OUT:-$(mktemp -d)}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$CP" io.hypatia.launcher.bench.MultiFidelityAskLatency 1000,5000 "${1:-100}" "$OUT/mobster-latency.csv" mobster,mobster-cold
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); CSV in $OUT"
