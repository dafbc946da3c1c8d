#!/usr/bin/env bash
# Issue 13, the goal "ask p99 under 20 ms at N = 32 for the random sampler on the embedded store",
# for a quiet machine (about 5.5 minutes with the defaults below). One `hypatia serve` (embedded SQLite store, fsync on as by
# default; FSYNC=off adds --no-fsync) measured by `hypatia bench-rpc --target` with 32 clients doing
# ask/tell with the random sampler; with OLD_HOME=<an older build's runtime/launcher/target/hypatia>
# the old and this build alternate, ROUNDS (default 2) times each, in one run, so both see the same
# machine. A third leg per round, "g1", is this build on the JVM's default collector (G1, which
# bin/hypatia used for `serve` before it chose the parallel collector); GC_OPTS="..." measures other
# JVM options in that leg instead, GC_OPTS=none leaves it out. A fourth,
# "conn", is this build measured with a channel (HTTP/2 connection) per client, as trainers on
# their own machines have, instead of the 32 client threads sharing one (CONN=off leaves it out). A
# fifth, "warm", is this build measured after WARM_WARMUP (default 45) seconds of the same load
# instead of WARMUP: a service that has been running, its JIT compilation settled (WARM=off leaves it
# out). Column jit% is the share of the service's CPU in the measured seconds spent by its JIT
# compiler threads; in the first seconds after a start it is large. Per leg it prints what a client sees (trials/s, ask p50/p99 in the client) and, from the
# service's own /metrics and GC log over the measured seconds, where the time goes:
#   server ask p50/p99  Ask from its first byte to its status in the service (histogram buckets,
#                       interpolated); the rest of the client's figure is the client's own work and
#                       its wait for a core (clients and service share the machine's cores)
#   queue/locked/commit mean ms an ask waited for the asks of its study ahead of it, held the study's
#                       ask lock (snapshot, sampler, creation), and waited for its commit (fsync)
#                       (builds before this script have no such series: "-")
#   commits/trial       store transactions per told trial (group commit shares them; since session 6 a
#                       commit is not a sync: one fdatasync of the log covers every commit before it)
#   gc                  GC pauses over the measured seconds: count, longest (ms)
#   cpu us/trial        CPU of the service process and of the client process per trial
# Builds nothing: run `mvn -B -ntp -DskipTests package` first. SECONDS_PER (default 8) and WARMUP
# (default 6) set each leg's measured and warm-up seconds; CLIENTS (default 32) the clients.
set -euo pipefail
cd "$(dirname "$0")/../.."
new=${NEW_HOME:-runtime/launcher/target/hypatia}
[ -x "$new/bin/hypatia" ] || { echo "build first: mvn -B -ntp -DskipTests package" >&2; exit 1; }
old=${OLD_HOME:-}
[ -z "$old" ] || [ -x "$old/bin/hypatia" ] || { echo "OLD_HOME=$old has no bin/hypatia" >&2; exit 1; }
seconds=${SECONDS_PER:-8}
warmup=${WARMUP:-6}
clients=${CLIENTS:-32}
rounds=${ROUNDS:-2}
warm_warmup=${WARM_WARMUP:-45}
gc_opts=${GC_OPTS:--XX:+UseG1GC}
fsync_opt=(); [ "${FSYNC:-on}" = off ] && fsync_opt=(--no-fsync)
work=$(mktemp -d /tmp/hypatia-ask-p99.XXXXXX)
serve_pid=
cleanup() { [ -z "$serve_pid" ] || { kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT

scrape() { # scrape PORT FILE
  /usr/bin/python3 -c "import sys, urllib.request; open(sys.argv[2], 'wb').write(urllib.request.urlopen('http://127.0.0.1:' + sys.argv[1] + '/metrics', timeout=30).read())" "$1" "$2"
}

jit_ticks() { # CPU ticks of the JIT compiler threads of process $1
  local t sum=0
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in C1\ Compiler*|C2\ Compiler*) sum=$((sum + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0))) ;; esac
  done
  echo "$sum"
}

leg() { # leg LABEL HOME ROUND [JVM options [bench-rpc option [warm-up seconds]]]
  local label=$1 home=$2 dir="$work/$1-$3" jvm=${4:-} client_opt=${5:-} warmup=${6:-$warmup}
  mkdir -p "$dir"
  HYPATIA_JAVA_OPTS="${HYPATIA_JAVA_OPTS:-} $jvm -Xlog:gc:file=$dir/gc.log" "$home/bin/hypatia" serve --data-dir "$dir/data" --port 0 \
      --http-port 0 "${fsync_opt[@]}" > "$dir/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 600); do grep -qs '^hypatia: dashboard at ' "$dir/serve.log" && break; sleep 0.2; done # printed after "serving gRPC on"
  local port http
  port=$(sed -n 's/^hypatia: serving gRPC on [^ ]*:\([0-9]*\),.*/\1/p' "$dir/serve.log")
  http=$(sed -n 's|^hypatia: dashboard at http://[^ ]*:\([0-9]*\)/,.*|\1|p' "$dir/serve.log")
  [ -n "$port" ] && [ -n "$http" ] || { cat "$dir/serve.log" >&2; exit 1; }
  /usr/bin/time -f '%U %S' -o "$dir/client.time" "$new/bin/hypatia" bench-rpc --target "127.0.0.1:$port" --clients "$clients" \
      --seconds "$seconds" --warmup "$warmup" --sampler random --csv "$dir/bench.csv" $client_opt > "$dir/bench.out" 2>&1 &
  local bench=$!
  for _ in $(seq 1 600); do grep -qs '^bench-rpc: ' "$dir/bench.out" && break; sleep 0.1; done # its warm-up starts now
  sleep "$warmup"
  scrape "$http" "$dir/m0"; awk '{print $14 + $15}' "/proc/$serve_pid/stat" > "$dir/cpu0"; wc -l < "$dir/gc.log" > "$dir/gc0"
  jit_ticks "$serve_pid" > "$dir/jit0"
  sleep "$seconds"
  scrape "$http" "$dir/m1"; awk '{print $14 + $15}' "/proc/$serve_pid/stat" > "$dir/cpu1"; wc -l < "$dir/gc.log" > "$dir/gc1"
  jit_ticks "$serve_pid" > "$dir/jit1"
  wait "$bench" || { cat "$dir/bench.out" >&2; exit 1; }
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=
  /usr/bin/python3 - "$dir" "$label" "$(getconf CLK_TCK)" <<'PY' | tee -a "$work/legs"
import re, sys
d, label, tck = sys.argv[1], sys.argv[2], int(sys.argv[3])
def metrics(f):
    out = {}
    for line in open(f"{d}/{f}"):
        if line.startswith("#"):
            continue
        m = re.match(r'(\w+)(\{[^}]*\})? ([0-9.eE+-]+|NaN|\+Inf)', line)
        if m:
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out
m0, m1 = metrics("m0"), metrics("m1")
def delta(name, labels=""):
    return {k: v - m0.get(k, 0) for k, v in m1.items() if k[0] == name and all(l in k[1] for l in labels.split(",") if l)}
def hist(name, labels):
    buckets = sorted((float(re.search(r'le="([^"]+)"', k[1]).group(1)), v) for k, v in delta(name + "_bucket", labels).items())
    n = sum(delta(name + "_count", labels).values())
    s = sum(delta(name + "_sum", labels).values())
    return buckets, n, s
def quantile(buckets, n, q):
    if n <= 0:
        return float("nan")
    prev_le, prev_c = 0.0, 0.0
    for le, c in buckets:
        if c >= q * n:
            if le == float("inf"):
                return prev_le * 1e3
            return (prev_le + (le - prev_le) * (q * n - prev_c) / max(c - prev_c, 1e-9)) * 1e3
        prev_le, prev_c = le, c
    return float("nan")
ask_b, asks, _ = hist("hypatia_rpc_duration_seconds", 'method="Ask",code="OK"')
_, tells, _ = hist("hypatia_rpc_duration_seconds", 'method="Tell",code="OK"')
def phase(call, ph):
    _, n, s = hist("hypatia_engine_call_phase_seconds", f'call="{call}",phase="{ph}"')
    return f"{s / n * 1e3:.2f}" if n else "-"
commits = sum(delta("hypatia_store_commit_batch_size_count").values())
gc = [l for l in open(f"{d}/gc.log").read().splitlines()[int(open(f"{d}/gc0").read()):int(open(f"{d}/gc1").read())] if "Pause" in l]
pauses = [float(x) for x in re.findall(r' ([0-9.]+)ms$', "\n".join(gc), re.M)]
cpu = (int(open(f"{d}/cpu1").read()) - int(open(f"{d}/cpu0").read())) / tck
jit = (int(open(f"{d}/jit1").read()) - int(open(f"{d}/jit0").read())) / tck
bench = open(f"{d}/bench.out").read()
tps = float(re.search(r"= ([0-9.]+) per second", bench).group(1))
p = re.search(r"ask  latency ms: p50 ([0-9.]+) .* p99 ([0-9.]+)", bench)
cu, cs = map(float, open(f"{d}/client.time").read().split()[-2:])
client_trials = tps * (float(re.search(r"(\d+) s warm-up", bench).group(1)) + float(re.search(r" in (\d+) s", bench).group(1)))
print(f"{label:<5} {tps:9.0f} {float(p.group(1)):8.2f} {float(p.group(2)):8.2f} {quantile(ask_b, asks, 0.5):8.2f} {quantile(ask_b, asks, 0.99):8.2f}"
      f" {phase('ask', 'queue'):>7} {phase('ask', 'locked'):>7} {phase('ask', 'commit'):>7} {phase('tell', 'commit'):>7}"
      f" {commits / tells if tells else float('nan'):8.2f} {len(pauses):4d} {max(pauses, default=0):7.1f}"
      f" {cpu * 1e6 / tells if tells else float('nan'):7.0f} {(cu + cs) * 1e6 / max(client_trials, 1):7.0f} {jit / cpu * 100 if cpu else float('nan'):5.0f}")
PY
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $clients clients, random sampler, fsync ${FSYNC:-on}, ${warmup} s warm-up + ${seconds} s per leg"
echo "                      client ask ms    server ask ms     ask ms (mean)            tell ms   commits    gc pauses   cpu us/trial"
printf '%-5s %9s %8s %8s %8s %8s %7s %7s %7s %7s %8s %4s %7s %7s %7s %5s\n' build trials/s p50 p99 p50 p99 queue locked commit commit \
  /trial n max_ms server client jit%
for r in $(seq 1 "$rounds"); do
  [ -z "$old" ] || leg old "$old" "$r"
  leg new "$new" "$r"
  [ "$gc_opts" = none ] || leg "${GC_LABEL:-g1}" "$new" "$r" "$gc_opts"
  [ "${CONN:-on}" = off ] || leg conn "$new" "$r" "" --channel-per-client
  [ "${WARM:-on}" = off ] || leg warm "$new" "$r" "" "" "$warm_warmup"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$gc_opts" = none ] || echo "${GC_LABEL:-g1}: this build with $gc_opts"
echo "(client CPU includes its JVM start and warm-up; server ask percentiles come from histogram buckets: 10, 15, 20, 25, 50 ms ...; builds before this script have no 15 and 20 ms buckets)"
# The goal: this build's ask p99 under 20 ms at N = 32 (the median of its rounds' client figures), for a
# service that has run under this load for the warm leg's warm-up ("warm") and, for comparison, in its
# first seconds ("new": much of its CPU then goes to the JIT compilers, column jit%).
/usr/bin/python3 - "$work/legs" "$clients" <<'PY'
import statistics, sys
for label, what in (("warm", "warm service"), ("new", "service in its first seconds")):
    rows = [l.split() for l in open(sys.argv[1]) if l.startswith(label + " ")]
    if not rows:
        continue
    client = statistics.median(float(r[3]) for r in rows)
    server = statistics.median(float(r[5]) for r in rows)
    print(f"goal (issue 13: ask p99 under 20 ms at N = {sys.argv[2]}, random sampler, embedded store), {what}: client ask p99"
          f" {client:.1f} ms (median of {len(rows)} rounds; the service's own {server:.1f} ms): {'MET' if client < 20 else 'NOT MET'}")
PY
