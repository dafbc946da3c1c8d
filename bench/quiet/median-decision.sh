#!/usr/bin/env bash
# CPU time of the median rule's decision, kept running averages against the definition that scans
# every completed trial, in ONE run that alternates them on the same simulated study (1,000 running
# trials until 100,000 reports, epochs 1..100); every verdict must agree. CPU time is per thread, so
# load matters less than for wall-clock figures, but run it quietly for the lead's table. Builds
# nothing: run `mvn -B -ntp -DskipTests package` first (it compiles the test classes).
#   bench/quiet/median-decision.sh [RUNNING] [REPORTS] [MAX_STEP]
set -euo pipefail
cd "$(dirname "$0")/../.."
cp="scheduler-bundles/median/target/test-classes:scheduler-bundles/median/target/classes"
cp="$cp:scheduler-bundles/support/target/classes:api-bundles/api/target/classes"
[[ -f scheduler-bundles/median/target/test-classes/io/hypatia/scheduler/median/internal/MedianDecisionCost.class ]] \
    || { echo "build first: mvn -B -ntp -DskipTests package" >&2; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$cp" io.hypatia.scheduler.median.internal.MedianDecisionCost "${1:-1000}" "${2:-100000}" "${3:-100}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
