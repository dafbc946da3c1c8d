#!/usr/bin/env bash
# Issue 11: the long fuzz campaign, FuzzIT with 100,000 cases (random bytes, mutated messages and
# extreme values to every RPC), run from the classes `mvn -B -ntp verify` already built (this
# script builds nothing; it needs integration-tests/target/{test-classes,bundles,system} and the
# distribution). Prints progress every 500 cases, then the cases by kind and status, the heap
# after GC, and passes only if no answer was UNKNOWN/INTERNAL or malformed and the service stayed
# up. At load average 60-70 it ran 2.5 cases/s; expect a few minutes on a quiet machine.
#   bench/quiet/fuzz.sh [CASES]        (default 100000; SEED=20261201)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
IT=$ROOT/integration-tests/target
LIB=$ROOT/runtime/launcher/target/hypatia/lib
JUNIT=${JUNIT:-$HOME/.m2/repository/junit/junit/4.13.2/junit-4.13.2.jar}
HAMCREST=${HAMCREST:-$HOME/.m2/repository/org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.jar}
for need in "$IT/test-classes" "$IT/bundles" "$IT/system" "$LIB" "$ROOT/clients/java/target/classes" "$JUNIT" "$HAMCREST"; do
    [[ -e "$need" ]] || { echo "missing $need: run mvn -B -ntp verify first" >&2; exit 1; }
done
OUT=${OUT:-$(mktemp -d)}
cd "$OUT"  # FuzzIT writes target/fuzz-summary.csv here
echo "== FuzzIT, ${1:-100000} cases; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
java -Xmx1g -cp "$IT/test-classes:$ROOT/clients/java/target/classes:$LIB/*:$JUNIT:$HAMCREST" \
    -Dhypatia.it.bundles="$IT/bundles" -Dhypatia.it.system="$IT/system" -Dhypatia.it.clients="$ROOT/clients" \
    -Dhypatia.it.work="$OUT" -Dhypatia.it.benchmark.data="$ROOT/../shared/data" \
    -Dhypatia.fuzz.cases="${1:-100000}" -Dhypatia.fuzz.seed="${SEED:-20261201}" \
    org.junit.runner.JUnitCore io.hypatia.it.grpc.FuzzIT 2>&1 | grep -v 'RateLimitedLog\|^INFO: \|^[A-Z][a-z][a-z] [0-9][0-9], '
echo "== took $(( $(date +%s) - start )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg); summary in $OUT/target/fuzz-summary.csv"
