#!/usr/bin/env bash
# Issue 13, PostgreSQL legs of the load benchmark, for a quiet machine (about 4 minutes):
# Hypatia with one gateway on PostgreSQL (`hypatia serve --store`, measured by `hypatia bench-rpc
# --target`) against Optuna 3.1 with its RDB storage on the same PostgreSQL cluster, N = 1, 8, 32
# concurrent clients doing ask/tell with the random sampler (Optuna: N processes,
# bench/optuna-load.py). Prints trials/s and ask p50/p99 per leg and the throughput ratio at
# N = 32 (goal: >= 10x), then the embedded store's ask p99 at N = 32 (goal: < 20 ms).
# bench/quiet/scale-out.sh runs more legs (N = 128, TPE, two and three gateways). Builds nothing: run
# `mvn -B -ntp -DskipTests package` first. Starts a private PostgreSQL cluster (.ci/postgres) and
# installs python3-optuna, python3-psycopg2 and python3-sqlalchemy with apt-get when missing.
# SECONDS_PER=15 sets the measured seconds per leg.
set -euo pipefail
cd "$(dirname "$0")/../.."
hypatia=runtime/launcher/target/hypatia/bin/hypatia
[ -x "$hypatia" ] || { echo "build first: mvn -B -ntp -DskipTests package" >&2; exit 1; }
seconds=${SECONDS_PER:-15}
. bench/quiet/postgres.inc
psql_admin "CREATE DATABASE hypatia_load"
psql_admin "CREATE DATABASE optuna_load"
start_gateway gw --store "$server/hypatia_load" --store-credentials "$work/cred"
port=$(port_of gw)

declare -A hyp_tps opt_tps
printf '%-34s %4s %10s %10s %10s\n' leg N trials/s ask_p50_ms ask_p99_ms
for n in 1 8 32; do
  out=$("$hypatia" bench-rpc --target "127.0.0.1:$port" --clients "$n" --seconds "$seconds" --warmup 3 \
        --sampler random --csv "$work/bench-rpc.csv")
  tps=$(sed -n 's/^round trips (ask+tell): .* = \([0-9.]*\) per second$/\1/p' <<<"$out")
  p50=$(sed -n 's/^ask  latency ms: p50 \([0-9.]*\) .*/\1/p' <<<"$out")
  p99=$(sed -n 's/^ask  latency ms: .* p99 \([0-9.]*\) .*/\1/p' <<<"$out")
  hyp_tps[$n]=$tps
  printf '%-34s %4s %10s %10s %10s\n' "hypatia postgresql, 1 gateway" "$n" "$tps" "$p50" "$p99"

  read -r tps p50 p99 < <(/usr/bin/python3 bench/optuna-load.py --sampler random --processes "$n" --seconds "$seconds" \
    --storage "$(optuna_storage optuna_load)")
  opt_tps[$n]=$tps
  printf '%-34s %4s %10s %10s %10s\n' "optuna 3.1 rdb (same postgresql)" "$n" "$tps" "$p50" "$p99"
done
python3 -c "import sys; h, o = float(sys.argv[1]), float(sys.argv[2]); print(f'N=32: hypatia/optuna throughput = {h / o:.1f}x (goal >= 10x)')" \
  "${hyp_tps[32]}" "${opt_tps[32]}"
# The embedded store at N = 32 (goal: ask p99 under 20 ms), in a fresh temp folder, fsync on.
out=$("$hypatia" bench-rpc --clients 32 --seconds "$seconds" --warmup 3 --sampler random \
      --csv "$work/bench-rpc.csv")
p99=$(sed -n 's/^ask  latency ms: .* p99 \([0-9.]*\) .*/\1/p' <<<"$out")
tps=$(sed -n 's/^round trips (ask+tell): .* = \([0-9.]*\) per second$/\1/p' <<<"$out")
echo "embedded store, N=32: $tps trials/s, ask p99 $p99 ms (goal < 20 ms)"
echo "bench-rpc rows: $work/bench-rpc.csv (removed on exit; copy it first if needed)"
