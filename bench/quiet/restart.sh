#!/usr/bin/env bash
# Issue 13 (2): restart-to-first-answer and memory with 5,000 studies / 100,000 trials. Builds the
# fixture store once (in $FIXTURE, kept between runs; ~2 min), then starts `hypatia serve` on it
# RESTARTS times and times the first Ask from process launch (which reads that study's trials), and
# reads the child's RSS after it and after asking 500 more studies. Builds nothing: run
# `mvn -B -ntp -DskipTests package` first. OLD_HOME=<an earlier build's runtime/launcher/target/hypatia>
# restarts that installation in turn with this one (a before/after ratio from one run).
#   bench/quiet/restart.sh [RESTARTS]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
HYPATIA=${HYPATIA:-runtime/launcher/target/hypatia/bin/hypatia}
FIXTURE=${FIXTURE:-${TMPDIR:-/tmp}/hypatia-restart-fixture}
[[ -x "$HYPATIA" ]] || { echo "no $HYPATIA: build the distribution first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
compare=(); [[ -n "${OLD_HOME:-}" ]] && compare=(--compare-home "$OLD_HOME")
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$HYPATIA" bench-rpc --restart --studies 5000 --trials-per-study 20 --restarts "${1:-5}" --touch 500 \
    --fixture "$FIXTURE" "${compare[@]}" --csv "$(mktemp -d)/bench-restart.csv" 2>&1 | grep -v ' WARNING '
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
