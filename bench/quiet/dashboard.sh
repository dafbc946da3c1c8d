#!/usr/bin/env bash
# Study page load time with a 10,000-trial study (issue 14: must stay under 2 s), for a quiet machine.
# Builds nothing: uses the distribution a previous `mvn verify` left in runtime/launcher/target/hypatia,
# Debian's chromium and chromedriver, and python3 (standard library only, W3C WebDriver over HTTP).
# Prints, per page load: first paint (summary + first table page), charts drawn, page complete
# (learning curves too), all in ms after navigation start in chromium; the service's CPU time
# during the load (from /proc); and each JSON endpoint's wall and service CPU time.
# Usage: bench/quiet/dashboard.sh [TRIALS] [LOADS]   (defaults 10000 and 6; the first load is cold)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HYPATIA="$ROOT/runtime/launcher/target/hypatia/bin/hypatia"
TRIALS="${1:-10000}"
LOADS="${2:-6}"
[ -x "$HYPATIA" ] || { echo "no $HYPATIA: run mvn -B -ntp verify (or package) first" >&2; exit 2; }
command -v chromium >/dev/null && command -v chromedriver >/dev/null || { echo "needs chromium and chromedriver (apt-get install chromium chromium-driver)" >&2; exit 2; }
WORK="$(mktemp -d)"
SERVE_PID=""
DRIVER_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
  [ -n "$DRIVER_PID" ] && kill "$DRIVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== $TRIALS trials of branin (random sampler) through gRPC: hypatia demo"
"$HYPATIA" demo --data-dir "$WORK/data" --trials "$TRIALS" --workers 4 --benchmark branin | tail -n 3

"$HYPATIA" serve --data-dir "$WORK/data" --port 0 --http-port 0 > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 600); do
  URL="$(grep -o 'dashboard at http://[^ ]*/' "$WORK/serve.log" | head -n 1 | sed 's/dashboard at //' || true)"
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { cat "$WORK/serve.log"; echo "the service did not start" >&2; exit 1; }
DRIVER_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
chromedriver --port="$DRIVER_PORT" > "$WORK/driver.log" 2>&1 &
DRIVER_PID=$!
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
python3 - "$URL" "$DRIVER_PORT" "$SERVE_PID" "$LOADS" <<'PY'
import json, statistics, sys, time, urllib.request
base, driver_port, pid, loads = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
TICK = 100.0  # USER_HZ: /proc/PID/stat counts CPU time in 1/100 s on Linux

def cpu_ms():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK

def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return r.read()

studies = json.loads(http("GET", base + "/api/studies"))
study = max(studies, key=lambda s: s["trials"])["name"]
print(f"study {study}: {max(s['trials'] for s in studies)} trials")
for _ in range(50):  # wait for the driver
    try:
        http("GET", f"http://127.0.0.1:{driver_port}/status"); break
    except Exception:
        time.sleep(0.1)
wd = f"http://127.0.0.1:{driver_port}"
caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"binary": "/usr/bin/chromium",
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,2400"]}}}}
session = json.loads(http("POST", wd + "/session", caps))["value"]["sessionId"]
rows = []
try:
    for i in range(loads):
        http("POST", f"{wd}/session/{session}/url", {"url": "about:blank"})
        cpu0, t0 = cpu_ms(), time.time()
        http("POST", f"{wd}/session/{session}/url", {"url": f"{base}/study.html?name={study}"})
        timings = None
        while timings is None and time.time() - t0 < 120:
            v = json.loads(http("POST", f"{wd}/session/{session}/execute/sync",
                                {"script": "return window.hypatia && window.hypatia.timings ? JSON.stringify(window.hypatia.timings) : null", "args": []}))["value"]
            timings = json.loads(v) if v else None
            if timings is None:
                time.sleep(0.02)
        if timings is None:
            sys.exit("the study page did not finish loading within 120 s")
        cpu = cpu_ms() - cpu0
        rows.append((timings["firstPaintMs"], timings["chartsMs"], timings["renderedMs"], cpu))
        print(f"load {i + 1}{' (cold)' if i == 0 else ''}: first paint {timings['firstPaintMs']} ms, charts {timings['chartsMs']} ms, "
              f"complete {timings['renderedMs']} ms after navigation start; charts show {timings['shown']} of {timings['total']} "
              f"complete trials; service CPU during the load {cpu:.0f} ms")
finally:
    http("DELETE", f"{wd}/session/{session}")
warm = rows[1:] or rows
print(f"median of warm loads: first paint {statistics.median(r[0] for r in warm):.0f} ms, charts {statistics.median(r[1] for r in warm):.0f} ms, "
      f"complete {statistics.median(r[2] for r in warm):.0f} ms, service CPU {statistics.median(r[3] for r in warm):.0f} ms")
for path in ["/api/studies/NAME", "/api/studies/NAME/trials?limit=50&order=desc", "/api/studies/NAME/series?max=1000",
             "/api/studies/NAME/curves", "/api/studies/NAME/series"]:
    url = base + path.replace("NAME", study)
    http("GET", url)  # warm
    cpu0, t0 = cpu_ms(), time.time()
    reps = 10
    for _ in range(reps):
        size = len(http("GET", url))
    print(f"GET {path}: {(time.time() - t0) * 1000 / reps:.1f} ms wall, {(cpu_ms() - cpu0) / reps:.1f} ms service CPU, {size // 1024} KiB"
          + ("  (the full series, for comparison: what the page loaded before)" if path.endswith("/series") else ""))
PY
