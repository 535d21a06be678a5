#!/usr/bin/env python3
"""59_pool.py - Item 59 in the real interpreter, beside the C model.

Written for conclab (not taken from the book). Two parts, CSV on stdout:

--part facts: what this interpreter's ThreadPoolExecutor does, one row:
    python,cpu_count,default_max_workers,threads_at_start,threads_after_3_in_turn,
    threads_after_45_at_once,error_via_result,error_without_result
  default_max_workers: ThreadPoolExecutor()._max_workers (3.5-3.7:
  cpu_count * 5; 3.8-3.12: min(32, cpu_count + 4); 3.13: the same with
  os.process_cpu_count()); threads_*: worker threads of a pool of 10, right
  after it is made, after 3 tasks run one after another (3.8 and later
  reuse the idle thread), after 45 sleeping tasks submitted at once;
  error_*: what the caller sees when a task raises OSError(EIO), asking
  result() or never asking (submit, then shutdown).

--part life: the Game of Life on a torus whose game_logic sleeps --io-ms
  per cell (time.sleep stands for the blocking I/O), fanned out with
  pool.submit and in with future.result(), the pool made once per run;
  checked against this script's own serial run (exit 1 on a mismatch):
    python,cells,workers,io_ms,generations,round,gen_s,threads

Needs concurrent.futures (3.2 and later); on 2.7 it prints the header
alone and says why on stderr.

    python3 harness/python/59_pool.py --part facts
    python3 harness/python/59_pool.py --part life [--cells 10,45] [--workers 1,10,100] \
        [--io-ms 1] [--generations 4] [--rounds 3]
"""
import argparse
import errno
import os
import random
import sys
import threading
import time

FACTS = ("python,cpu_count,default_max_workers,threads_at_start,threads_after_3_in_turn,"
         "threads_after_45_at_once,error_via_result,error_without_result")
LIFE = "python,cells,workers,io_ms,generations,round,gen_s,threads"
clock = getattr(time, "perf_counter", time.time)


def count_neighbors(grid, rows, cols, y, x):
    return sum(grid[(y + dy) % rows][(x + dx) % cols]
               for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)


def next_state(alive, neighbors):
    return neighbors in (2, 3) if alive else neighbors == 3


def game_logic(alive, neighbors, latency):
    if latency > 0:
        time.sleep(latency)  # the blocking I/O
    return next_state(alive, neighbors)


def fail(_):
    raise OSError(errno.EIO, os.strerror(errno.EIO))


def workers_alive():
    return threading.active_count() - 1  # all but the main thread


def facts(version, futures):
    default = futures.ThreadPoolExecutor()._max_workers
    with futures.ThreadPoolExecutor(max_workers=10) as pool:
        at_start = workers_alive()
        for _ in range(3):
            pool.submit(time.sleep, 0.001).result()
        in_turn = workers_alive()
        for f in [pool.submit(time.sleep, 0.01) for _ in range(45)]:
            f.result()
        at_once = workers_alive()
        try:
            pool.submit(fail, 0).result()
            via_result = "nothing"
        except OSError as exc:
            via_result = "OSError: " + exc.strerror
    with futures.ThreadPoolExecutor(max_workers=10) as pool:
        pool.submit(fail, 0)  # never asked
    without = "nothing"  # shutdown raised nothing, printed nothing
    print(FACTS)
    print("%s,%d,%d,%d,%d,%d,%s,%s" % (version, os.cpu_count() or 1, default, at_start, in_turn,
                                       at_once, via_result, without))


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


def square(cells):
    rows = int(cells ** 0.5)
    while cells % rows:
        rows -= 1
    return rows, cells // rows


def life(version, futures, a):
    print(LIFE)
    for rnd in range(1, a.rounds + 1):
        for cells in (int(c) for c in a.cells.split(",")):
            rows, cols = square(cells)
            rng = random.Random(59)
            start = [[rng.random() < 0.25 for _ in range(cols)] for _ in range(rows)]
            want = serial(start, rows, cols, a.generations)
            for workers in (int(w) for w in a.workers.split(",")):
                with futures.ThreadPoolExecutor(max_workers=workers) as pool:
                    grid = start
                    t0 = clock()
                    for _ in range(a.generations):
                        grid = step(pool, grid, rows, cols, a.io_ms / 1000.0)
                    gen_s = (clock() - t0) / a.generations
                    threads = threading.active_count()
                if grid != want:
                    sys.stderr.write("!!! 59_pool.py: the pool's grid differs from the serial one\n")
                    return 1
                print("%s,%d,%d,%g,%d,%d,%.6f,%d" % (version, cells, workers, a.io_ms,
                                                     a.generations, rnd, gen_s, threads))
                sys.stdout.flush()
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=("facts", "life"), default="life")
    ap.add_argument("--cells", default="10,45")
    ap.add_argument("--workers", default="1,10,100")
    ap.add_argument("--io-ms", type=float, default=1.0)
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    version = "%d.%d" % sys.version_info[:2]
    try:
        from concurrent import futures
    except ImportError:
        print(FACTS if a.part == "facts" else LIFE)
        sys.stderr.write("59_pool.py: Python %s has no concurrent.futures\n" % version)
        return 0
    if a.part == "facts":
        facts(version, futures)
        return 0
    return life(version, futures, a)


if __name__ == "__main__":
    sys.exit(main())
