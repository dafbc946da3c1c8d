#!/usr/bin/env python3
"""Client overhead of one ask/report/tell cycle against a running service, against the raw stub.

    .venv/bin/python clients/python/examples/bench_overhead.py --target 127.0.0.1:50051 --cycles 1000

Runs the cycle two ways, alternating on the same channel and study so the machine's drift hits
both alike: through the client (``study.ask()``, ``trial.report()``, ``study.tell()``) and
through the generated gRPC stub with the same three messages built by hand (the floor any
client pays). Prints, for each, the median and p99 wall time of a cycle (three round trips:
client and service together) and the median CPU time this process spends per cycle, then the
client's overhead over the raw stub (difference of medians); appends one row per way to the
CSV file (the C++ benchmark, build/cpp/bench_overhead, writes the same columns).
"""
import argparse
import os
import statistics
import time
import uuid

import hypatia_client as hp
from hypatia_client._proto import pb


def quantile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="127.0.0.1:50051")
    ap.add_argument("--cycles", type=int, default=1000, help="cycles of each way")
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--csv", default="bench-client-overhead.csv")
    args = ap.parse_args()

    client = hp.Client(args.target)
    study = client.create_study(
        f"bench-overhead-py-{uuid.uuid4().hex[:8]}", {"x": hp.Float(0, 1), "n": hp.Int(1, 100), "c": ["a", "b"]})
    stub, timeout, worker = client._service(), client.timeout, client.worker  # the client's own channel

    def with_client():
        trial = study.ask()
        trial.report(1, trial.params["x"])
        study.tell(trial, trial.params["x"])

    def with_stub():
        asked = stub.Ask(pb.AskRequest(study=study.name, count=1, worker=worker, request_id=uuid.uuid4().hex),
                         timeout=timeout).trials[0]
        t = asked.trial
        x = next(p.value.float_value for p in t.config if p.name == "x")
        stub.Report(pb.ReportRequest(study=study.name, trial_id=t.id, step=1.0, value=x, attempt=asked.attempt),
                    timeout=timeout)
        stub.Tell(pb.TellRequest(study=study.name, trial_id=t.id, attempt=asked.attempt, request_id=uuid.uuid4().hex,
                                 complete=pb.TellRequest.Complete(values=[x])), timeout=timeout)

    ways = {"python": with_client, "python-raw-stub": with_stub}
    wall = {w: [] for w in ways}
    cpu = {w: [] for w in ways}
    for i in range(args.warmup + args.cycles):
        for way, cycle in (ways.items() if i % 2 == 0 else reversed(list(ways.items()))):
            t0, c0 = time.perf_counter(), time.process_time()
            cycle()
            c1, t1 = time.process_time(), time.perf_counter()
            if i >= args.warmup:
                wall[way].append((t1 - t0) * 1e6)
                cpu[way].append((c1 - c0) * 1e6)

    new = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
    with open(args.csv, "a") as f:
        if new:
            f.write("client,cycles,median_us,p99_us,client_cpu_median_us,unix_time\n")
        for way in ways:
            med, p99, cpu_med = statistics.median(wall[way]), quantile(wall[way], 0.99), statistics.median(cpu[way])
            print(f"{way:16} ask/report/tell cycle over {args.cycles} cycles: median {med:.0f} us, p99 {p99:.0f} us "
                  f"(wall); process CPU median {cpu_med:.0f} us")
            f.write(f"{way},{args.cycles},{med:.1f},{p99:.1f},{cpu_med:.1f},{int(time.time())}\n")
    print(f"client overhead over the raw stub per cycle (3 calls), difference of medians: "
          f"wall {statistics.median(wall['python']) - statistics.median(wall['python-raw-stub']):+.0f} us, "
          f"CPU {statistics.median(cpu['python']) - statistics.median(cpu['python-raw-stub']):+.0f} us")


if __name__ == "__main__":
    main()
