"""What the clients see when their gateway dies mid-call: gRPC status codes and details, counted.

Starts ``hypatia serve`` on a free port and a temporary data folder, drives it with THREADS
threads of the Python client (and, with ``--cpp``, as many of the C++ client through its
``gateway_loss_codes`` program) calling Ask, Report, Heartbeat, Tell and GetStudy in a loop with
retries off, kills the gateway, and records the first failure each thread sees. Repeats that
ROUNDS times per kill mode:

    kill    SIGKILL after a random 0.2-1.5 s of load
    start   SIGKILL at the moment the threads start their first calls
    stop    SIGSTOP for 1 s (calls pile up unanswered), then SIGKILL
    connect SIGKILL at the moment the threads start, on a channel that has not connected yet
    term    SIGTERM after a random 0.2-1.5 s (the gateway stops itself), SIGKILL 10 s later if still up

With ``--tls`` the gateway serves TLS (a self-signed certificate made with openssl) and the
clients trust it. Prints one line per (client, mode, code, details) with its count, the details with
addresses replaced by ADDR. The clients' failover repeats an idempotent call after the codes it
counts as a lost gateway (client.py ``_is_gateway_loss``); the last column says which of the
seen failures it would repeat.

    python3 clients/python/tools/gateway_loss_codes.py \\
        --hypatia runtime/launcher/target/hypatia/bin/hypatia --rounds 10 --threads 6 \\
        [--modes kill,stop] [--tls] [--cpp build/cpp/gateway_loss_codes]

Needs the built distribution (``mvn -DskipTests package``), the client's stubs
(``tools/gen_stubs.py``; this folder's client is imported) and, for ``--cpp``, the C++ client
built with CMake (see clients/cpp/CMakeLists.txt). About 10-30 s per round on 2 busy cores.
"""
import argparse
import collections
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Optional

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import hypatia_client as hp  # noqa: E402
from hypatia_client.client import _is_gateway_loss  # noqa: E402

MODES = ("kill", "start", "stop", "connect", "term")
_ADDR = re.compile(r"(ipv[46]:)?(\[[0-9a-fA-F:]+\]|\d+\.\d+\.\d+\.\d+|localhost):\d+")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def normalize(details: str) -> str:
    return _ADDR.sub("ADDR", " ".join((details or "").split()))


def self_signed(folder: str) -> tuple:
    """(certificate, key) PEM files for 127.0.0.1 and localhost, the key in PKCS#8 as serve wants it."""
    cert, key = os.path.join(folder, "server.crt.pem"), os.path.join(folder, "server.key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


class Gateway:
    def __init__(self, hypatia: str, folder: str, tls: tuple = ()):
        self.port = free_port()
        tls_args = ["--tls-cert", tls[0], "--tls-key", tls[1]] if tls else []
        self.process = subprocess.Popen(
            [hypatia, "serve", "--port", str(self.port), "--data-dir", os.path.join(folder, "data"), "--no-dashboard",
             "--no-fsync"] + tls_args,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=dict(os.environ, HYPATIA_CDS="off"))  # a gateway stopped here leaves no class-data archive behind
        self.up = threading.Event()
        self.log = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.log.append(line)
            if "serving gRPC on" in line:
                self.up.set()

    def wait_up(self, seconds: float = 180) -> None:
        if not self.up.wait(seconds):
            self.process.kill()
            raise RuntimeError("the gateway did not start:\n" + "".join(self.log[-20:]))

    def signal(self, sig) -> None:
        os.kill(self.process.pid, sig)

    def reap(self) -> None:
        self.process.kill()
        self.process.wait()


def python_threads(target: str, ca: Optional[bytes], study: Any, threads: int, fresh: bool, go: threading.Event,
                   seen: list) -> list:
    """Threads looping over the idempotent calls; each appends its first failure to ``seen`` and ends.

    ``fresh``: the client makes no call before ``go``, so the first ones open its connection."""
    client = hp.Client(target, retries=0, timeout=10, root_certificates=ca)
    study_name = study.name
    study = hp.Study(client, study) if fresh else client.load_study(study_name)

    def work():
        go.wait()
        method = "Ask"
        try:
            while True:
                method = "Ask"
                trial = study.ask()
                for step in (1, 2):
                    method = "Report"
                    trial.report(step, random.random())
                    method = "Heartbeat"
                    trial.heartbeat()
                method = "Tell"
                study.tell(trial, random.random())
                method = "GetStudy"
                client.load_study(study_name)
        except hp.HypatiaError as e:
            seen.append(("python", e.method or method, e.code.name, normalize(e.message)))
        except Exception as e:  # reported as what it is, not hidden
            seen.append(("python", method, type(e).__name__, normalize(str(e))))

    pool = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    return pool


def one_round(args, mode: str, seen: list) -> None:
    with tempfile.TemporaryDirectory(prefix="gateway-loss-") as folder:
        tls = self_signed(folder) if args.tls else ()
        ca = open(tls[0], "rb").read() if tls else None
        gw = Gateway(args.hypatia, folder, tls)
        try:
            gw.wait_up()
            target = f"127.0.0.1:{gw.port}"
            setup = hp.Client(target, root_certificates=ca)
            study_name = f"loss-{mode}"
            study = setup.create_study(study_name, {"x": hp.Float(-5, 5)}, load_if_exists=True)._proto
            setup.close()
            go = threading.Event()
            pool = python_threads(target, ca, study, args.threads, mode == "connect", go, seen)
            cpp = None
            if args.cpp:
                cpp = subprocess.Popen([args.cpp, "--target", target, "--study", study_name,
                                        "--threads", str(args.threads), "--wait-go"]
                                       + (["--fresh-channel"] if mode == "connect" else [])
                                       + (["--ca", tls[0]] if tls else []),
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                assert cpp.stdout.readline().strip() == "ready", "the C++ driver did not start"
            time.sleep(0.3)  # both clients connected
            go.set()
            if cpp:
                cpp.stdin.write("go\n")
                cpp.stdin.flush()
            if mode not in ("start", "connect"):  # those kill at once, as the first calls start
                time.sleep(random.uniform(0.2, 1.5))
                if mode == "stop":
                    gw.signal(signal.SIGSTOP)
                    time.sleep(1.0)
                elif mode == "term":
                    gw.signal(signal.SIGTERM)
                    try:
                        gw.process.wait(10)
                    except subprocess.TimeoutExpired:
                        pass
            if gw.process.poll() is None:
                gw.signal(signal.SIGKILL)
            for t in pool:
                t.join(30)
            if cpp:
                cpp.stdin.close()
                for line in cpp.stdout:  # "error <method> <CODE> <details>"
                    parts = line.rstrip("\n").split(" ", 3)
                    if parts[0] == "error" and len(parts) == 4:
                        seen.append(("cpp", parts[1], parts[2], normalize(parts[3])))
                cpp.wait(30)
        finally:
            gw.reap()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hypatia", default="runtime/launcher/target/hypatia/bin/hypatia")
    ap.add_argument("--rounds", type=int, default=10, help="rounds per kill mode")
    ap.add_argument("--threads", type=int, default=6, help="threads per client")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated, of: " + ", ".join(MODES))
    ap.add_argument("--tls", action="store_true", help="the gateway serves TLS (needs openssl)")
    ap.add_argument("--cpp", help="the C++ client's gateway_loss_codes program (built by clients/cpp's CMake)")
    args = ap.parse_args()
    modes = args.modes.split(",")
    for mode in modes:
        if mode not in MODES:
            ap.error(f"--modes: {mode!r} is not one of {', '.join(MODES)}")
    per_mode = collections.defaultdict(list)
    for r in range(args.rounds):
        for mode in modes:
            seen = []
            one_round(args, mode, seen)
            per_mode[mode].extend(seen)
            print(f"round {r + 1} {mode}: " + ", ".join(sorted({f'{c}:{code}' for c, _, code, _ in seen})),
                  file=sys.stderr, flush=True)
    print("client\tmode\tcount\tcode\tdetails\tmethods\trepeated")
    total = collections.Counter()
    for mode, seen in per_mode.items():
        counts = collections.Counter((c, code, details) for c, _, code, details in seen)
        for (c, code, details), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1])):
            methods = sorted({m for cc, m, k, d in seen if (cc, k, d) == (c, code, details)})
            repeated = code in grpc.StatusCode.__members__ and _is_gateway_loss(grpc.StatusCode[code], details)
            print(f"{c}\t{mode}\t{n}\t{code}\t{details}\t{','.join(methods)}\t{'yes' if repeated else 'NO'}")
            total[(c, code)] += n
    print("totals: " + ", ".join(f"{c} {code} {n}" for (c, code), n in sorted(total.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
