#!/usr/bin/env python3
"""Client overhead of one ask/report/tell cycle against a running service.

    .venv/bin/python clients/python/examples/bench_overhead.py --target 127.0.0.1:50051 --cycles 1000

Prints the median and p99 wall time of a cycle (three round trips: client and service
together) and the median CPU time the client process spends per cycle, and appends a row to
the CSV file (the C++ benchmark, build/cpp/bench_overhead, writes the same columns).
"""
import argparse
import os
import statistics
import time

import hypatia_client as hp


def quantile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="127.0.0.1:50051")
    ap.add_argument("--cycles", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--csv", default="bench-client-overhead.csv")
    args = ap.parse_args()

    study = hp.Client(args.target).create_study(
        f"bench-overhead-py-{int(time.time())}", {"x": hp.Float(0, 1), "n": hp.Int(1, 100), "c": ["a", "b"]})
    wall, cpu = [], []
    for i in range(args.warmup + args.cycles):
        t0, c0 = time.perf_counter(), time.process_time()
        trial = study.ask()
        trial.report(1, trial.params["x"])
        study.tell(trial, trial.params["x"])
        c1, t1 = time.process_time(), time.perf_counter()
        if i >= args.warmup:
            wall.append((t1 - t0) * 1e6)
            cpu.append((c1 - c0) * 1e6)
    med, p99, cpu_med = statistics.median(wall), quantile(wall, 0.99), statistics.median(cpu)
    print(f"Python ask/report/tell cycle over {args.cycles} cycles: median {med:.0f} us, p99 {p99:.0f} us (wall); "
          f"client CPU median {cpu_med:.0f} us")
    new = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
    with open(args.csv, "a") as f:
        if new:
            f.write("client,cycles,median_us,p99_us,client_cpu_median_us,unix_time\n")
        f.write(f"python,{args.cycles},{med:.1f},{p99:.1f},{cpu_med:.1f},{int(time.time())}\n")


if __name__ == "__main__":
    main()
