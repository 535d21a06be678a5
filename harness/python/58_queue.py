#!/usr/bin/env python3
"""58_queue.py - Item 58 in the real interpreter, beside the C model.

The claim: worker threads between an in queue and an out queue run the Game
of Life's blocking game_logic calls `workers` at a time, so a generation
takes about cells / workers x latency.

Written for conclab (not taken from the book). A torus Game of Life where
each cell's game_logic sleeps --io-ms (time.sleep stands for the blocking
I/O); the main thread puts one item per cell into queue.Queue, the workers
put the answers (or the exception, as a value) into a second queue. The grid
is seeded with Python's own generator, so the check is against this
script's own serial run with no sleep (exit 1 on a mismatch). Prints CSV on
stdout in the columns the C items print:
    variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,threads_peak

    python3 harness/python/58_queue.py [--rows 20] [--cols 20] [--workers 1,5] \
        [--io-ms 1] [--generations 2] [--rounds 3]
"""
import argparse
import random
import resource
import sys
import threading
import time
from queue import Queue

STOP = object()  # the sentinel that tells a worker to leave


def count_neighbors(grid, rows, cols, y, x):
    return sum(grid[(y + dy) % rows][(x + dx) % cols]
               for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)


def next_state(alive, neighbors):
    return neighbors in (2, 3) if alive else neighbors == 3


def worker(in_queue, out_queue, latency):
    while True:
        item = in_queue.get()
        if item is STOP:
            return
        y, x, alive, neighbors = item
        try:
            if latency > 0:
                time.sleep(latency)  # the blocking I/O
            out_queue.put((y, x, next_state(alive, neighbors)))
        except Exception as exc:  # sent back as a value, raised by the main thread
            out_queue.put((y, x, exc))


def step(in_queue, out_queue, grid, rows, cols):
    for y in range(rows):
        for x in range(cols):
            in_queue.put((y, x, grid[y][x], count_neighbors(grid, rows, cols, y, x)))
    nxt = [[False] * cols for _ in range(rows)]
    for _ in range(rows * cols):
        y, x, state = out_queue.get()
        if isinstance(state, Exception):
            raise RuntimeError(f"simulation error at ({y}, {x})") from state
        nxt[y][x] = state
    return nxt


def serial(grid, rows, cols, generations):
    for _ in range(generations):
        grid = [[next_state(grid[y][x], count_neighbors(grid, rows, cols, y, x))
                 for x in range(cols)] for y in range(rows)]
    return grid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20)
    ap.add_argument("--cols", type=int, default=20)
    ap.add_argument("--workers", default="1,5")
    ap.add_argument("--io-ms", type=float, default=1.0)
    ap.add_argument("--generations", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    rng = random.Random(58)
    start = [[rng.random() < 0.25 for _ in range(a.cols)] for _ in range(a.rows)]
    want = serial(start, a.rows, a.cols, a.generations)
    print("variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,threads_peak")
    for rnd in range(a.rounds):
        for workers in (int(w) for w in a.workers.split(",")):
            in_queue, out_queue = Queue(), Queue()
            threads = [threading.Thread(target=worker, args=(in_queue, out_queue, a.io_ms / 1000))
                       for _ in range(workers)]
            for t in threads:
                t.start()
            peak = threading.active_count()
            grid = start
            t0 = time.perf_counter()
            for _ in range(a.generations):
                grid = step(in_queue, out_queue, grid, a.rows, a.cols)
            gen_s = (time.perf_counter() - t0) / a.generations
            for _ in threads:
                in_queue.put(STOP)
            for t in threads:
                t.join()
            if grid != want:
                print("!!! 58_queue.py: the workers' grid differs from the serial one", file=sys.stderr)
                return 1
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"cpython_queue_workers,{a.rows},{a.cols},{a.rows * a.cols},{a.io_ms:g},{workers},"
                  f"{a.generations},{rnd},{gen_s:.6f},{rss},{peak}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
