#!/usr/bin/env bash
# Issue 13, PostgreSQL legs of the load benchmark, for a quiet machine (about 4 minutes):
# Hypatia with one gateway on PostgreSQL (`hypatia serve --store`, measured by `hypatia bench-rpc
# --target`) against Optuna 3.1 with its RDB storage on the same PostgreSQL cluster, N = 1, 8, 32
# concurrent clients doing ask/tell with the random sampler (Optuna: N processes). Prints trials/s
# and ask p50/p99 per leg and the throughput ratio at N = 32 (goal: >= 10x), then the embedded
# store's ask p99 at N = 32 (goal: < 20 ms). Builds nothing: run
# `mvn -B -ntp -DskipTests package` first. Starts a private PostgreSQL cluster (.ci/postgres) and
# installs python3-optuna, python3-psycopg2 and python3-sqlalchemy with apt-get when missing.
# SECONDS_PER=15 sets the measured seconds per leg.
set -euo pipefail
cd "$(dirname "$0")/../.."
hypatia=runtime/launcher/target/hypatia/bin/hypatia
[ -x "$hypatia" ] || { echo "build first: mvn -B -ntp -DskipTests package" >&2; exit 1; }
seconds=${SECONDS_PER:-15}
if ! /usr/bin/python3 -c 'import optuna, psycopg2, sqlalchemy' >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends python3-optuna python3-psycopg2 python3-sqlalchemy >/dev/null
fi
work=$(mktemp -d /tmp/hypatia-pg-load.XXXXXX)
chmod 755 "$work" # the cluster below runs as postgres when this runs as root: it must reach its folder
gateway_pid=""
cleanup() {
  [ -z "$gateway_pid" ] || kill "$gateway_pid" 2>/dev/null || true
  .ci/postgres stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
eval "$(.ci/postgres start "$work/pg")"
server=${HYPATIA_TEST_PG_URL%/*}
psql_admin() { PGPASSWORD=$HYPATIA_TEST_PG_PASSWORD psql -q -h 127.0.0.1 -p "${server##*:}" -U "$HYPATIA_TEST_PG_USER" -d "${HYPATIA_TEST_PG_URL##*/}" -c "$1"; }
psql_admin "CREATE DATABASE hypatia_load"
psql_admin "CREATE DATABASE optuna_load"
printf 'user=%s\npassword=%s\n' "$HYPATIA_TEST_PG_USER" "$HYPATIA_TEST_PG_PASSWORD" > "$work/cred"

"$hypatia" serve --store "$server/hypatia_load" --store-credentials "$work/cred" --data-dir "$work/gw" \
  --port 0 --no-dashboard --no-fsync > "$work/gw.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 600); do grep -q "serving gRPC on" "$work/gw.log" && break; sleep 0.2; done
port=$(sed -n 's/^hypatia: serving gRPC on [^ ]*:\([0-9]*\),.*/\1/p' "$work/gw.log")
[ -n "$port" ] || { cat "$work/gw.log"; exit 1; }

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

  read -r tps p50 p99 < <(/usr/bin/python3 - "$server/optuna_load" "$HYPATIA_TEST_PG_USER" "$HYPATIA_TEST_PG_PASSWORD" "$n" "$seconds" <<'PY'
import multiprocessing as mp, sys, time
import optuna
url, user, password, n, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
host_db = url.split("://", 1)[1]
storage = f"postgresql+psycopg2://{user}:{password}@{host_db}"
name = f"load-{n}-{time.time_ns()}"
optuna.logging.set_verbosity(optuna.logging.WARNING)
optuna.create_study(study_name=name, storage=storage, direction="minimize")

def worker(seed):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name=name, storage=storage, sampler=optuna.samplers.RandomSampler(seed=seed))
    asks, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        trial = study.ask()
        asks.append(time.perf_counter() - t0)
        x = trial.suggest_float("x", 0.0, 1.0)
        study.tell(trial, (x - 0.3) ** 2)
    return asks

with mp.get_context("fork").Pool(n) as pool:
    results = pool.map(worker, range(n))
asks = sorted(a for r in results for a in r)
q = lambda p: asks[min(len(asks) - 1, int(p * len(asks)))] * 1000
print(f"{len(asks) / seconds:.1f} {q(0.5):.2f} {q(0.99):.2f}")
PY
)
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
