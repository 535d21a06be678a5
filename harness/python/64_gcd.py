#!/usr/bin/env python3
"""64_gcd.py - Item 64 in the real interpreter, beside the C model.

The claims: a ThreadPoolExecutor gives CPU-bound work no speedup under the
GIL; a ProcessPoolExecutor gives about one per core, less the cost of pickling
the arguments and results through its pipes; and with too little work per
message (chunksize) that cost is larger than the gain.

Written for conclab (not taken from the book). The same slow greatest common
divisor as items/64_true_parallelism: try every candidate from the smaller
number down. Every answer is checked against math.gcd (exit 1 on a mismatch).
Runs are interleaved in rounds: each round opens and closes with the serial
loop, and its serial time is the mean of the two, so a machine whose speed
drifts during a round moves both sides of each ratio; one untimed serial run
warms up first. Each speedup divides by the serial time of its own round.
CSV on stdout:
    python,executor,workers,pairs,size,chunksize,round,wall_s,serial_s,speedup

    python3 harness/python/64_gcd.py [--quick] [--workers 1,2] [--rounds 3]
    python3 harness/python/64_gcd.py --shipping --workers 2 --chunksize 1,16,256
"""
import argparse
import math
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


def run_serial(pairs, _workers, _chunksize):
    return [gcd_by_counting_down(p) for p in pairs]


def pool_runner(executor_class):
    def run(pairs, workers, chunksize):
        # The pool's start-up and shutdown are part of the cost, as in the C program.
        with executor_class(max_workers=workers) as pool:
            return list(pool.map(gcd_by_counting_down, pairs, chunksize=chunksize))
    return run


def number_list(text, name):
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        values = []
    if not values or any(v < 1 for v in values):
        sys.exit(f"64_gcd.py: --{name}: a comma-separated list of whole numbers >= 1")
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="class-sized run")
    parser.add_argument("--workers", default="1,2", help="pool sizes, e.g. 1,2,4")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--shipping", action="store_true",
                        help="process pool only, small numbers, chunksize varied")
    parser.add_argument("--chunksize", default="1,4,16,64,256,1024", help="with --shipping")
    args = parser.parse_args()
    if args.rounds < 1:
        sys.exit("64_gcd.py: --rounds: at least 1")
    worker_counts = number_list(args.workers, "workers")

    if args.shipping:
        # About 20 us of work per pair: pickling a one-pair message costs more.
        size, count = 1000, (1000 if args.quick else 4000)
        configs = [("processes", worker_counts[-1], c, pool_runner(ProcessPoolExecutor))
                   for c in number_list(args.chunksize, "chunksize")]
    else:
        # About 0.6 s serial on a 2020s x86 core (0.15 s with --quick).
        size, count = (500_000 if args.quick else 2_000_000), 16
        configs = [(name, w, 1, pool_runner(cls))
                   for name, cls in (("threads", ThreadPoolExecutor),
                                     ("processes", ProcessPoolExecutor))
                   for w in worker_counts]
    pairs = make_pairs(count, size)
    expected = [math.gcd(a, b) for a, b in pairs]
    configs.insert(0, ("serial", 1, count, run_serial))

    version = "%d.%d" % sys.version_info[:2]
    print("python,executor,workers,pairs,size,chunksize,round,wall_s,serial_s,speedup")
    run_serial(pairs, 1, count)  # warm-up, not timed

    def timed(name, workers, chunksize, run):
        start = time.perf_counter()
        results = run(pairs, workers, chunksize)
        wall_s = time.perf_counter() - start
        if results != expected:
            print(f"!!! 64_gcd.py: {name} with {workers} workers gave wrong results",
                  file=sys.stderr)
            sys.exit(1)
        return wall_s

    serial_config, pool_configs = configs[0], configs[1:]
    for round_number in range(1, args.rounds + 1):
        opening = timed(*serial_config)
        walls = [timed(*config) for config in pool_configs]
        serial_s = (opening + timed(*serial_config)) / 2
        rows = [(serial_config, serial_s)] + list(zip(pool_configs, walls))
        for (name, workers, chunksize, _run), wall_s in rows:
            print(f"{version},{name},{workers},{count},{size},{chunksize},{round_number},"
                  f"{wall_s:.6f},{serial_s:.6f},{serial_s / wall_s:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
