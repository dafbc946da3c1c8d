#!/usr/bin/env bash
# Issue 13 (2): restart-to-first-answer and memory with 5,000 studies / 100,000 trials. Builds the
# fixture store once (in $FIXTURE, kept between runs; ~2 min), then starts `bin/hypatia serve` on
# it RESTARTS times per variant, after one unmeasured warm-up restart of each (which also writes
# the class-data archive). Per restart, from process launch: the first answer (GetStudy sent from
# launch), the first Ask (sent beside it; needs the sampler plugin and reads that study's trials),
# the child's CPU time at each (and by thread at the first answer: main, JIT compilers, GC, plugin
# start), and its RSS after the Ask and after asking 500 more studies.
# Variants, interleaved in one run for ratios, each on its own copy of the fixture: this build,
# this build with HYPATIA_CDS=off, with OLD_HOME=<an earlier build's runtime/launcher/target/hypatia>
# that installation, and with JAVA_OPTS="..." this build with those JVM options (HYPATIA_JAVA_OPTS).
# The last line says whether this build met issue 13's goal (first answer within 1 s of launch).
# Builds nothing: run `mvn -B -ntp -DskipTests package` first. About 3 minutes on 2 idle cores
# with OLD_HOME (plus about 2 minutes the first time, to build the fixture).
#   bench/quiet/restart.sh [RESTARTS]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
FIXTURE=${FIXTURE:-${TMPDIR:-/tmp}/hypatia-restart-fixture}
[[ -x "$HYPATIA" ]] || { echo "no $HYPATIA: build the distribution first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
compare=(--compare-cds); [[ -n "${OLD_HOME:-}" ]] && compare+=(--compare-home "$OLD_HOME")
[[ -n "${JAVA_OPTS:-}" ]] && compare+=(--compare-java-opts "$JAVA_OPTS")
# The class-data archives of this run go to a folder of their own, removed at the end.
HYPATIA_CDS_DIR=$(mktemp -d); export HYPATIA_CDS_DIR; trap 'rm -rf "$HYPATIA_CDS_DIR"' EXIT
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$HYPATIA" bench-rpc --restart --studies 5000 --trials-per-study 20 --restarts "${1:-5}" --touch 500 \
    --fixture "$FIXTURE" "${compare[@]}" --csv "$(mktemp -d)/bench-restart.csv" 2>&1 | grep -v ' WARNING '
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
