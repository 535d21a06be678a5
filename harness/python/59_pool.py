#!/usr/bin/env python3
"""59_pool.py - Item 59 in the real interpreter, beside the C model.

The claim: a ThreadPoolExecutor made once and reused runs the Game of Life's
blocking game_logic calls max_workers at a time, so a generation takes about
cells / max_workers x latency.

Written for conclab (not taken from the book). A torus Game of Life where
each cell's game_logic sleeps --io-ms (time.sleep stands for the blocking
I/O), fanned out with pool.submit and fanned in with future.result(). The
grid is seeded with Python's own generator (not the C one), so the check is
against this script's own serial run with no sleep (exit 1 on a mismatch).
Prints CSV on stdout in the columns the C items print:
    variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,threads_peak

    python3 harness/python/59_pool.py [--rows 10] [--cols 10] [--workers 1,10] \
        [--io-ms 1] [--generations 2] [--rounds 3]
"""
import argparse
import random
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def count_neighbors(grid, rows, cols, y, x):
    return sum(grid[(y + dy) % rows][(x + dx) % cols]
               for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)


def next_state(alive, neighbors):
    return neighbors in (2, 3) if alive else neighbors == 3


def game_logic(alive, neighbors, latency):
    if latency > 0:
        time.sleep(latency)  # the blocking I/O
    return next_state(alive, neighbors)


def step(pool, grid, rows, cols, latency):
    futures = {}
    for y in range(rows):
        for x in range(cols):
            n = count_neighbors(grid, rows, cols, y, x)
            futures[y, x] = pool.submit(game_logic, grid[y][x], n, latency)
    return [[futures[y, x].result() for x in range(cols)] for y in range(rows)]


def serial(grid, rows, cols, generations):
    for _ in range(generations):
        grid = [[next_state(grid[y][x], count_neighbors(grid, rows, cols, y, x))
                 for x in range(cols)] for y in range(rows)]
    return grid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--cols", type=int, default=10)
    ap.add_argument("--workers", default="1,10")
    ap.add_argument("--io-ms", type=float, default=1.0)
    ap.add_argument("--generations", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    rng = random.Random(59)
    start = [[rng.random() < 0.25 for _ in range(a.cols)] for _ in range(a.rows)]
    want = serial(start, a.rows, a.cols, a.generations)
    print("variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,threads_peak")
    for rnd in range(a.rounds):
        for workers in (int(w) for w in a.workers.split(",")):
            with ThreadPoolExecutor(max_workers=workers) as pool:
                grid = start
                t0 = time.perf_counter()
                for _ in range(a.generations):
                    grid = step(pool, grid, a.rows, a.cols, a.io_ms / 1000)
                gen_s = (time.perf_counter() - t0) / a.generations
                threads = threading.active_count()
            if grid != want:
                print("!!! 59_pool.py: the pool's grid differs from the serial one", file=sys.stderr)
                return 1
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"cpython_thread_pool,{a.rows},{a.cols},{a.rows * a.cols},{a.io_ms:g},{workers},"
                  f"{a.generations},{rnd},{gen_s:.6f},{rss},{threads}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
