#!/usr/bin/env bash
# Issue 13, the load benchmark's legs in one run, for a quiet machine (about 5 minutes):
# `hypatia bench-rpc` with N = 1, 8, 32, 128 concurrent clients doing ask/tell with the random
# and the TPE sampler against
#   (a) the embedded store: one `hypatia serve` on its SQLite file,
#   (b) PostgreSQL, one gateway,
#   (c) PostgreSQL, two and three gateways (the clients share one round-robin channel over the
#       multi-gateway target h1:p1,h2:p2[,h3:p3], as the clients' own targets do),
# and Optuna 3.1 with its RDB storage on the same PostgreSQL cluster doing the same work with N
# processes (bench/optuna-load.py). Every service runs in its own process beside the clients'
# one; the PostgreSQL cluster and the SQLite service both run without fsync. Prints trials/s and
# ask p50/p99 per leg, Hypatia/Optuna throughput ratios, and writes every row to
# ${OUT:-bench-scale-out.csv}. Builds nothing: run `mvn -B -ntp -DskipTests package` first. Starts
# a private PostgreSQL cluster (.ci/postgres) and installs python3-optuna, python3-psycopg2 and
# python3-sqlalchemy with apt-get when missing. SECONDS_PER (default 4) and WARMUP (default 2)
# set the seconds per leg; CLIENTS (default 1,8,32,128) and SAMPLERS (default random,tpe) the legs.
set -euo pipefail
cd "$(dirname "$0")/../.."
hypatia=runtime/launcher/target/hypatia/bin/hypatia
[ -x "$hypatia" ] || { echo "build first: mvn -B -ntp -DskipTests package" >&2; exit 1; }
seconds=${SECONDS_PER:-4}
warmup=${WARMUP:-2}
clients=${CLIENTS:-1,8,32,128}
samplers=${SAMPLERS:-random,tpe}
out=${OUT:-bench-scale-out.csv}
rows=${out%.csv}-legs.csv # every leg as it finishes (bench-rpc's columns), kept should a later leg fail
rm -f "$rows"
. bench/quiet/postgres.inc
psql_admin "CREATE DATABASE hypatia_scale"
psql_admin "CREATE DATABASE optuna_scale"
start_gateway embedded
for g in 1 2 3; do start_gateway "gw$g" --store "$server/hypatia_scale" --store-credentials "$work/cred"; done
embedded=127.0.0.1:$(port_of embedded)
gw1=127.0.0.1:$(port_of gw1); gw2=127.0.0.1:$(port_of gw2); gw3=127.0.0.1:$(port_of gw3)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

bench() { # bench LABEL TARGET
  "$hypatia" bench-rpc --target "$2" --leg "$1" --clients "$clients" --sampler "$samplers" --seconds "$seconds" \
    --warmup "$warmup" --csv "$rows" > "$work/bench-rpc.out" 2>&1 || { cat "$work/bench-rpc.out" >&2; exit 1; }
  echo "  $1 done (load $(cut -d' ' -f1 /proc/loadavg))"
}
bench "hypatia embedded sqlite" "$embedded"
bench "hypatia postgresql 1 gateway" "$gw1"
bench "hypatia postgresql 2 gateways" "$gw1,$gw2"
bench "hypatia postgresql 3 gateways" "$gw1,$gw2,$gw3"
stop_gateways # their connection pools leave room for Optuna's N connections
storage=$(optuna_storage optuna_scale)
for s in ${samplers//,/ }; do
  for n in ${clients//,/ }; do
    if read -r tps p50 p99 < <(/usr/bin/python3 bench/optuna-load.py --storage "$storage" --processes "$n" \
                                 --seconds "$((seconds + warmup))" --sampler "$s" 2>"$work/optuna.err") && [ -n "$tps" ]; then
      echo "$n,$((seconds + warmup)),$s,optuna 3.1 rdb postgresql,$tps,$p50,$p99,,,optuna" >> "$rows"
    else
      echo "  optuna $s N=$n failed: $(tail -1 "$work/optuna.err")" >&2
    fi
  done
  echo "  optuna $s done (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$rows" "$out" <<'PY'
import csv, sys
rows = [(r["service"], r["sampler"], int(r["clients"]), float(r["round_trips_per_s"]), float(r["ask_p50_ms"]), float(r["ask_p99_ms"]))
        for r in csv.DictReader(open(sys.argv[1]))]
print(f"\n{'leg':<32} {'sampler':<7} {'N':>4} {'trials/s':>9} {'ask_p50_ms':>10} {'ask_p99_ms':>10}")
for r in rows:
    print(f"{r[0]:<32} {r[1]:<7} {r[2]:>4} {r[3]:>9.1f} {r[4]:>10.2f} {r[5]:>10.2f}")
by = {(r[0], r[1], r[2]): r for r in rows}
print()
for s in sorted({r[1] for r in rows}):
    for n in sorted({r[2] for r in rows}):
        o = by.get(("optuna 3.1 rdb postgresql", s, n))
        if not o or o[3] <= 0:
            continue
        ratios = [f"{leg.replace('hypatia ', '')} {by[(leg, s, n)][3] / o[3]:.1f}x" for leg in
                  ("hypatia postgresql 1 gateway", "hypatia postgresql 2 gateways", "hypatia postgresql 3 gateways",
                   "hypatia embedded sqlite") if (leg, s, n) in by]
        print(f"{s} N={n}: hypatia/optuna throughput: " + ", ".join(ratios))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["leg", "sampler", "clients", "trials_per_s", "ask_p50_ms", "ask_p99_ms"])
    w.writerows(rows)
print(f"\nrows written to {sys.argv[2]}")
PY
