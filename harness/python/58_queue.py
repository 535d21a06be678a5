#!/usr/bin/env python3
"""58_queue.py - Item 58 in the real interpreter, beside the C model.

Written for conclab (not taken from the book). The Game of Life on a torus
whose game_logic sleeps --io-ms per cell (time.sleep stands for the blocking
I/O), run by a fixed set of worker threads between two queue.Queue objects:
the main thread puts one item per cell in, the workers put each answer (or
the exception, as a value) in the out queue, the main thread takes every
answer back. A 5 x 9 grid is the book's glider; other sizes are seeded.
Every run is checked against this script's own serial simulation (exit 1 on
a mismatch). Runs on CPython 2.7 and 3.x alike. CSV on stdout:
    python,variant,cells,workers,io_ms,generations,round,gen_s,threads

    python3 harness/python/58_queue.py [--rows 5] [--cols 9] [--workers 1,5] \
        [--io-ms 1] [--generations 2] [--rounds 3]
"""
import argparse
import random
import sys
import threading
import time

try:
    from queue import Queue  # Python 3
except ImportError:  # Python 2.7
    from Queue import Queue

clock = getattr(time, "perf_counter", time.time)
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
            raise RuntimeError("simulation error at (%d, %d): %s" % (y, x, state))
        nxt[y][x] = state
    return nxt


def serial(grid, rows, cols, generations):
    for _ in range(generations):
        grid = [[next_state(grid[y][x], count_neighbors(grid, rows, cols, y, x))
                 for x in range(cols)] for y in range(rows)]
    return grid


def starting_grid(rows, cols):
    if (rows, cols) == (5, 9):  # the book's glider
        grid = [[False] * cols for _ in range(rows)]
        for y, x in ((0, 3), (1, 4), (2, 2), (2, 3), (2, 4)):
            grid[y][x] = True
        return grid
    rng = random.Random(58)
    return [[rng.random() < 0.25 for _ in range(cols)] for _ in range(rows)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5)
    ap.add_argument("--cols", type=int, default=9)
    ap.add_argument("--workers", default="1,5")
    ap.add_argument("--io-ms", type=float, default=1.0)
    ap.add_argument("--generations", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    start = starting_grid(a.rows, a.cols)
    want = serial(start, a.rows, a.cols, a.generations)
    version = "%d.%d" % sys.version_info[:2]
    print("python,variant,cells,workers,io_ms,generations,round,gen_s,threads")
    for rnd in range(1, a.rounds + 1):
        for workers in (int(w) for w in a.workers.split(",")):
            in_queue, out_queue = Queue(), Queue()
            threads = [threading.Thread(target=worker, args=(in_queue, out_queue, a.io_ms / 1000.0))
                       for _ in range(workers)]
            for t in threads:
                t.start()
            alive = threading.active_count()
            grid = start
            t0 = clock()
            for _ in range(a.generations):
                grid = step(in_queue, out_queue, grid, a.rows, a.cols)
            gen_s = (clock() - t0) / a.generations
            for _ in threads:
                in_queue.put(STOP)
            for t in threads:
                t.join()
            if grid != want:
                sys.stderr.write("!!! 58_queue.py: the workers' grid differs from the serial one\n")
                return 1
            print("%s,cpython_queue_workers,%d,%d,%g,%d,%d,%.6f,%d" % (
                version, a.rows * a.cols, workers, a.io_ms, a.generations, rnd, gen_s, alive))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
