#!/usr/bin/env bash
# Issue 15: GP ask latency (wall and CPU: mean, median, p99, max) at 100 / 300 / 1,000 completed
# trials, 6 floats, default settings: 32 consecutive asks per size, refits included at their real
# frequency (GpLatency). Needs a quiet machine for the wall-clock columns; builds nothing: run
# `mvn -B -ntp -DskipTests package` first (it compiles the test classes GpLatency lives in).
#   bench/quiet/gp-latency.sh [WINDOW]      (default 32; about 1-2 minutes on an idle 2-core machine)
# AGAINST=DIR:DIR (class folders or jars of another build of the gp and gp-model bundles, e.g. the
# two jars of an older distribution's deploy/ folder) interleaves that build's asks with this
# one's on the same histories and counts identical proposals (about twice as long).
set -euo pipefail
cd "$(dirname "$0")/../.."
GP=sampler-bundles/gp/target
MATH=${MATH:-$HOME/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar}
[[ -d $GP/test-classes ]] || { echo "no $GP/test-classes: build first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
[[ -f $MATH ]] || { echo "no commons-math3 jar at $MATH (set MATH=...)" >&2; exit 1; }
CP=$GP/classes:$GP/test-classes:sampler-bundles/gp-model/target/classes:api-bundles/api/target/classes:benchmark-bundles/synthetic/target/classes:$MATH
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$CP" io.hypatia.sampler.gp.internal.GpLatency "${1:-32}" "$OUT/gp-latency.csv" ${AGAINST:+--against "$AGAINST"}
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); CSV in $OUT"
