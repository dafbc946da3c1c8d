"""Workers of one study through a target naming several gateways, until a stop file appears.

Used by ClientFailoverIT, which kills one gateway mid-run: each worker threads ask, report one
step and tell, relying on the client's round robin and failover, and prints every acknowledged
tell as ``acked <trial id> <value>``; the test then checks each is stored once with its value.

    python failover_run.py --target 127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3 --study S --workers 4 --stop-file F
"""
import argparse
import os
import sys
import threading

import hypatia_client as hp


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", required=True)
    ap.add_argument("--study", required=True)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--stop-file", required=True)
    args = ap.parse_args()
    client = hp.Client(args.target, retries=50)
    study = client.load_study(args.study)
    lock = threading.Lock()
    acked, errors = [], []

    def work(w: int) -> None:
        try:
            while not os.path.exists(args.stop_file):
                trial = study.ask()
                value = trial.params["x"] ** 2 + 0.001 * w
                trial.report(1, value)
                study.tell(trial, value)
                with lock:
                    acked.append(trial.id)
                    print(f"acked {trial.id} {value!r}", flush=True)
        except Exception as e:  # reported, and the run fails
            errors.append(f"worker {w}: {e!r}")

    threads = [threading.Thread(target=work, args=(w,)) for w in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"done: {len(acked)} tells acknowledged, {client.retried_calls} calls repeated, {len(errors)} errors", flush=True)
    for e in errors:
        print(e, file=sys.stderr, flush=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
