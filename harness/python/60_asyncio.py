#!/usr/bin/env python3
"""60_asyncio.py - Item 60 in the real interpreter, beside the C coroutines.

What asyncio's own coroutines cost on this machine, measured the way
items/60_coroutines measures its C ones, and the Game of Life with one Task
per cell and one asyncio.gather per generation.

Written for conclab (not taken from the book). Two modes, CSV on stdout:

  --mode costs: N Tasks, each awaiting asyncio.sleep(0.001), all suspended
  at once, then gathered. Columns (the C program's):
      variant,coroutines,round,start_ns,start_cold_ns,resume_ns,bytes_rss,bytes_frame,ref_ns
  start_ns: create_task up to the Task's first await, per Task, on memory
  the process already holds (the second pass of each round); start_cold_ns:
  the same on the round's first pass; bytes_rss: resident memory per
  suspended Task (first pass; only round 0's is on memory the process did not
  hold before); bytes_frame: bytes per suspended Task traced
  by tracemalloc (Task, coroutine frame, timer handle), in a separate pass
  because tracing slows everything; ref_ns is left empty.

  --mode life: every cell a Task awaiting --io-ms, one gather per
  generation, checked against a serial step (exit 1 and "!!!" if not
  equal). Columns (the C items' shared ones):
      variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,threads_peak
  peak_rss_kib is the process's peak so far; sizes run smallest first.

    python3 harness/python/60_asyncio.py --mode costs --coroutines 100000 --rounds 3
    python3 harness/python/60_asyncio.py --mode life --sizes 5x9,100x100 --io-ms 100
"""
import argparse
import asyncio
import gc
import os
import random
import resource
import sys
import time
import tracemalloc


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


# ---- What a Task costs -----------------------------------------------------

async def sleep_once():
    await asyncio.sleep(0.001)


async def start_suspend_resume(n):
    """Start n Tasks, let each run to its first await, gather them.
    Returns (start_s, resume_s, rss_delta_kib) for the whole batch."""
    rss_before = rss_kib()
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(sleep_once()) for _ in range(n)]
    await asyncio.sleep(0)  # every Task takes its first step before this returns
    t1 = time.perf_counter()
    rss_suspended = rss_kib()
    await asyncio.gather(*tasks)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, rss_suspended - rss_before


async def traced_bytes(n):
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(sleep_once()) for _ in range(n)]
    await asyncio.sleep(0)
    during = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    await asyncio.gather(*tasks)
    return (during - before) / n


def costs(args):
    print("variant,coroutines,round,start_ns,start_cold_ns,resume_ns,bytes_rss,bytes_frame,ref_ns")
    n = args.coroutines
    rows = []
    for rnd in range(args.rounds):
        gc.collect()
        cold_s, _, rss_delta = asyncio.run(start_suspend_resume(n))
        warm_s, resume_s, _ = asyncio.run(start_suspend_resume(n))
        rows.append((rnd, warm_s, cold_s, resume_s, rss_delta))
    # Traced last: tracing slows everything, and the memory it leaves to
    # reuse would hide the RSS of a later pass. Only the first round's RSS
    # is from memory the process did not hold yet (the report uses that one).
    traced = asyncio.run(traced_bytes(n))
    for rnd, warm_s, cold_s, resume_s, rss_delta in rows:
        print(f"asyncio_task,{n},{rnd},{warm_s / n * 1e9:.1f},{cold_s / n * 1e9:.1f},"
              f"{resume_s / n * 1e9:.1f},{rss_delta * 1024 / n:.1f},{traced:.1f},", flush=True)


# ---- The Game of Life, a Task per cell --------------------------------------

def count_neighbors(grid, rows, cols, y, x):
    n = 0
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if (dy or dx) and grid[((y + dy) % rows) * cols + (x + dx) % cols]:
                n += 1
    return n


def next_state(alive, neighbors):
    return 1 if neighbors == 3 or (alive and neighbors == 2) else 0


async def step_cell(cur, nxt, rows, cols, y, x, latency_s):
    neighbors = count_neighbors(cur, rows, cols, y, x)
    await asyncio.sleep(latency_s)  # game_logic's I/O
    nxt[y * cols + x] = next_state(cur[y * cols + x], neighbors)


async def simulate(cur, rows, cols, latency_s):
    nxt = [0] * (rows * cols)
    tasks = [step_cell(cur, nxt, rows, cols, y, x, latency_s)
             for y in range(rows) for x in range(cols)]
    await asyncio.gather(*tasks)
    return nxt


def serial_step(cur, rows, cols):
    return [next_state(cur[y * cols + x], count_neighbors(cur, rows, cols, y, x))
            for y in range(rows) for x in range(cols)]


def life(args):
    print("variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,threads_peak")
    for size in args.sizes.split(","):
        rows, cols = (int(v) for v in size.split("x"))
        rng = random.Random(60)
        start = [1 if rng.random() < 0.25 else 0 for _ in range(rows * cols)]
        expected = start
        for _ in range(args.generations):
            expected = serial_step(expected, rows, cols)
        for rnd in range(1, args.rounds + 1):
            grid = start
            t0 = time.perf_counter()
            for _ in range(args.generations):
                grid = asyncio.run(simulate(grid, rows, cols, args.io_ms / 1000))
            gen_s = (time.perf_counter() - t0) / args.generations
            if grid != expected:
                print(f"!!! 60_asyncio.py: {rows} x {cols} grid differs from the serial one",
                      file=sys.stderr)
                sys.exit(1)
            cells = rows * cols
            print(f"asyncio,{rows},{cols},{cells},{args.io_ms},{cells},{args.generations},"
                  f"{rnd},{gen_s:.6f},{peak_rss_kib()},1", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=["costs", "life"], default="costs")
    parser.add_argument("--coroutines", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="5x9,100x100")
    parser.add_argument("--io-ms", type=int, default=100)
    parser.add_argument("--generations", type=int, default=1)
    args = parser.parse_args()
    if args.coroutines < 1 or args.rounds < 1 or args.generations < 1 or args.io_ms < 0:
        parser.error("counts must be positive")
    costs(args) if args.mode == "costs" else life(args)


if __name__ == "__main__":
    main()
