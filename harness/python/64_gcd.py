#!/usr/bin/env python3
"""64_gcd.py - Item 64 in the real interpreter, beside the C model.

The claims: a ThreadPoolExecutor gives CPU-bound work no speedup under the
GIL; a ProcessPoolExecutor gives about one per core, less the cost of pickling
the arguments and results through its pipes.

Written for conclab (not taken from the book). The same slow greatest common
divisor as items/64_true_parallelism: try every candidate from the smaller
number down. Prints CSV on stdout:
    executor,workers,wall_s,serial_s,speedup
executor is serial, threads or processes; every result is checked against the
serial ones (exit 1 on a mismatch). Each time is the fastest of --runs runs:
on a shared machine a neighbour can only make a run slower.

    python3 harness/python/64_gcd.py [--quick] [--workers 1,2] [--runs 2]
"""
import argparse
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def gcd_by_counting_down(pair):
    a, b = pair
    for candidate in range(min(a, b), 1, -1):
        if a % candidate == 0 and b % candidate == 0:
            return candidate
    return 1


def make_pairs(count, size):
    """Numbers in [size/2, size], the same every run."""
    rng = random.Random(64)
    return [(rng.randint(size // 2, size), rng.randint(size // 2, size)) for _ in range(count)]


def timed(fn, runs):
    """The fastest of `runs` calls, and the last call's result."""
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def run_pool(executor_class, workers, pairs):
    # The pool's start-up and shutdown are part of the cost, as in the C program.
    with executor_class(max_workers=workers) as pool:
        return list(pool.map(gcd_by_counting_down, pairs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="class-sized run")
    parser.add_argument("--workers", default="1,2", help="pool sizes, e.g. 1,2,4")
    parser.add_argument("--runs", type=int, default=2, help="runs of each; the fastest counts")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs: at least 1")
    try:
        worker_counts = [int(w) for w in args.workers.split(",")]
        if any(w < 1 for w in worker_counts):
            raise ValueError
    except ValueError:
        parser.error("--workers: a comma-separated list of whole numbers >= 1")

    # About 0.6 s serial on a 2020s x86 core (0.15 s with --quick).
    pairs = make_pairs(16, 500_000 if args.quick else 2_000_000)

    serial_s, expected = timed(lambda: [gcd_by_counting_down(p) for p in pairs], args.runs)
    print("executor,workers,wall_s,serial_s,speedup")
    print(f"serial,1,{serial_s:.6f},{serial_s:.6f},1.0000")
    sys.stdout.flush()
    for name, executor_class in (("threads", ThreadPoolExecutor),
                                 ("processes", ProcessPoolExecutor)):
        for workers in worker_counts:
            wall_s, results = timed(lambda: run_pool(executor_class, workers, pairs), args.runs)
            if results != expected:
                print(f"!!! 64_gcd.py: {name} with {workers} workers gave wrong results",
                      file=sys.stderr)
                return 1
            print(f"{name},{workers},{wall_s:.6f},{serial_s:.6f},{serial_s / wall_s:.4f}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
