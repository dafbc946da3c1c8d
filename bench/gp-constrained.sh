#!/usr/bin/env bash
# Issue 15: GP with constraints (a GP per constraint, probability of feasibility) against TPE with
# constraints and random search, on Gramacy et al.'s 2-D toy problem (two constraints, optimum
# 0.5998) and Hartmann-6 restricted to sum(x) <= 1.5. Prints one CSV row per run (best feasible
# value, share of feasible trials). Builds nothing: run `mvn -B -ntp -DskipTests package` first
# (it compiles the GP test classes the harness uses).
#   bench/gp-constrained.sh [SEEDS] [TRIALS] [SAMPLERS] [PROBLEMS]
#   (defaults 10, 60, tpe,random,gp, gramacy,hartmann6-sum1.5; SEEDS is N for 1..N or A..B; a sampler
#   may carry settings: gp:noise_floor=1e-10;restarts=3)
set -euo pipefail
cd "$(dirname "$0")/.."
MATH=${MATH:-$HOME/.m2/repository/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar}
CP=sampler-bundles/gp/target/test-classes:sampler-bundles/gp/target/classes:sampler-bundles/gp-model/target/classes
CP=$CP:sampler-bundles/tpe/target/classes:sampler-bundles/random/target/classes:sampler-bundles/support/target/classes
CP=$CP:api-bundles/api/target/classes:$MATH
for d in sampler-bundles/gp/target/test-classes sampler-bundles/tpe/target/classes; do
  [[ -d $d ]] || { echo "no $d: build first (mvn -B -ntp -DskipTests package)" >&2; exit 1; }
done
TMP=$(mktemp -d)
javac -nowarn -d "$TMP" -cp "$CP" bench/gp-constrained/ConstrainedStudy.java
java -cp "$TMP:$CP" io.hypatia.sampler.gp.internal.ConstrainedStudy "${1:-10}" "${2:-60}" "${3:-tpe,random,gp}" "${4:-gramacy,hartmann6-sum1.5}"
