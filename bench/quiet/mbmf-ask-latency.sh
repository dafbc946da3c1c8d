#!/usr/bin/env bash
# Issue 9: ask latency of every model-based multi-fidelity sampler: DEHB, TPE in BOHB mode
# (fidelity_rungs=auto), MOBSTER (history growing by one trial per ask: refits at a study's rate) and
# MOBSTER refitting every ask (mobster-cold), at 1,000 and 5,000 trials of a Hyperband-shaped history
# (MultiFidelityAskLatency): wall median / p99 / max and thread-CPU median / p99 per sampler, then the
# issue's check "no ask over 200 ms at 1,000 observations" (wall max). Needs a quiet machine for the
# wall-clock columns. Builds nothing: it runs the samplers from the built distribution's jars and the
# harness from the launcher's test classes (`mvn -B -ntp -DskipTests package` makes both).
#   bench/quiet/mbmf-ask-latency.sh [REPS]      (default 100; about 2-3 minutes on an idle 2-core machine)
# Env: DIST (default runtime/launcher/target/hypatia), CLASSES (runtime/launcher/target/test-classes),
#      OUT (folder for mbmf-ask-latency.csv; default a new temporary folder), SAMPLERS, SIZES.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIST=${DIST:-runtime/launcher/target/hypatia}
CLASSES=${CLASSES:-runtime/launcher/target/test-classes}
[[ -f $CLASSES/io/hypatia/launcher/bench/MultiFidelityAskLatency.class ]] || { echo "no MultiFidelityAskLatency in $CLASSES: build first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
CP=$CLASSES
for pattern in deploy/hypatia-sampler-dehb-*.jar deploy/hypatia-sampler-tpe-*.jar deploy/hypatia-sampler-mobster-*.jar \
        deploy/hypatia-sampler-gp-model-*.jar deploy/hypatia-sampler-support-*.jar lib/hypatia-api-*.jar system/commons-math3-*.jar; do
    jar=$(compgen -G "$DIST/$pattern" | head -1) || { echo "no $pattern in $DIST: build first (mvn -B -ntp -DskipTests package) or set DIST" >&2; exit 1; }
    CP+=:$jar
done
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
CSV=$OUT/mbmf-ask-latency.csv
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$CP" io.hypatia.launcher.bench.MultiFidelityAskLatency "${SIZES:-1000,5000}" "${1:-100}" "$CSV" "${SAMPLERS:-dehb,tpe-bohb,mobster,mobster-cold}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); CSV in $CSV"
# the issue's limit: no ask over 200 ms (wall) at 1,000 observations. mobster-cold (a refit every ask,
# a fresh instance each time) is the worst case, not what a study sees: printed, not counted.
awk -F, 'NR > 1 && $2 == 1000 { ok = $7 <= 200; cold = $1 == "mobster-cold"; if (!cold) bad += !ok
        printf "%-12s at 1,000 observations: slowest ask %.1f ms wall (%s 200 ms)%s\n", $1, $7, ok ? "within" : "OVER",
            cold ? " [worst case, not counted]" : "" }
    END { print (bad ? bad " sampler(s) over" : "all samplers within") " the 200 ms limit at 1,000 observations" }' "$CSV"
