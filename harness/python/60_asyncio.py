#!/usr/bin/env python3
"""60_asyncio.py - Item 60 in the real interpreter, beside the C coroutines.

Written for conclab (not taken from the book). Runs on CPython 3.6 and later
(async/await since 3.5; asyncio.run and create_task are not used, so 3.6
works). CSV on stdout, one row per design per round.

--part costs: what one coroutine costs, four ways, --tasks at once:
    call       a plain function call (its frame made and dropped): the unit
               the book compares a coroutine's start with;
    coroutine  a coroutine object made by calling an `async def`, not started;
    suspended  the same, run to an await of the smallest awaitable (an
               iterator that yields once): a live coroutine, no event loop;
    task       asyncio's Task around it, waiting in asyncio.sleep: what
               asyncio.gather wraps around every coroutine it is given.
  Columns: python,design,tasks,round,start_ns,bytes
  start_ns: CPU ns (time.process_time) per item, making it and (suspended,
  task) running it to its first await; bytes: memory per live item traced
  by tracemalloc (every Python allocation: objects, frames, the Task's
  timer handle and future), in a pass of its own, since tracing is slow.

--part cells: the chapter's cross-item rows (harness/plot/cross.sh), every
  cell of the Game of Life waiting --latency-ms of I/O, one generation per
  size, checked against a serial step ("!!!" and exit 1 if they differ):
    asyncio_tasks   a coroutine per cell, gathered (each becomes a Task);
    python_threads  a thread per cell (time.sleep), joined.
  Columns: approach,cells,latency_ms,round,gen_s,rss_kib,note
  rss_kib: resident memory once every cell has started. A size predicted
  (from the cost per cell measured at the size before) over --gen-budget-s,
  or over --total-budget-s in all, gets one row saying so and is not run.

    python3 harness/python/60_asyncio.py --part costs --tasks 20000 --rounds 3
    python3 harness/python/60_asyncio.py --part cells --approach asyncio_tasks \\
        --cells 45,400,2500 --latency-ms 1 --rounds 3
"""
import argparse
import asyncio
import gc
import os
import sys
import threading
import time
import tracemalloc

VERSION = "%d.%d" % sys.version_info[:2]


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


# ---- What one coroutine costs ----------------------------------------------

ONE = (None,)


class Suspend:
    """The smallest awaitable: its iterator yields once, so the coroutine
    awaiting it stops there until sent a value again."""

    def __await__(self):
        return iter(ONE)


SUSPEND = Suspend()


def plain(i):
    return i


async def waits(i):
    await SUSPEND


async def waits_on_loop(i):
    await asyncio.sleep(3600)


def make_calls(n):
    return [plain(i) for i in range(n)]


def make_coroutines(n):
    return [waits(i) for i in range(n)]


def make_suspended(n):
    coros = [waits(i) for i in range(n)]
    for c in coros:
        c.send(None)  # runs to the await, and stops there
    return coros


def make_tasks(loop, n):
    tasks = [loop.create_task(waits_on_loop(i)) for i in range(n)]
    loop.run_until_complete(asyncio.sleep(0))  # each Task takes its first step
    return tasks


def drop(design, loop, items):
    if design in ("coroutine", "suspended"):
        for c in items:
            c.close()
    elif design == "task":
        for t in items:
            t.cancel()
        loop.run_until_complete(asyncio.gather(*items, return_exceptions=True))


def measure(design, loop, n, traced):
    """CPU ns per item, or (traced) bytes per live item."""
    make = {"call": make_calls, "coroutine": make_coroutines,
            "suspended": make_suspended}.get(design)
    gc.collect()
    if traced:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
    t0 = time.process_time()
    items = make(n) if make else make_tasks(loop, n)
    took = time.process_time() - t0
    if traced:
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    drop(design, loop, items)
    del items
    return held / n if traced else took / n * 1e9


def costs(args):
    print("python,design,tasks,round,start_ns,bytes")
    loop = asyncio.new_event_loop()
    designs = ("call", "coroutine", "suspended", "task")
    nbytes = {d: measure(d, loop, args.tasks, True) for d in designs}
    for rnd in range(args.rounds):
        for d in designs:
            ns = measure(d, loop, args.tasks, False)
            print("%s,%s,%d,%d,%.1f,%.1f" % (VERSION, d, args.tasks, rnd, ns, nbytes[d]),
                  flush=True)
    loop.close()


# ---- The Game of Life, a Task or a thread per cell ---------------------------

def count_neighbors(grid, rows, cols, y, x):
    n = 0
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if (dy or dx) and grid[((y + dy) % rows) * cols + (x + dx) % cols]:
                n += 1
    return n


def next_state(alive, neighbors):
    return 1 if neighbors == 3 or (alive and neighbors == 2) else 0


def serial_step(cur, rows, cols):
    return [next_state(cur[y * cols + x], count_neighbors(cur, rows, cols, y, x))
            for y in range(rows) for x in range(cols)]


async def step_cell(cur, nxt, rows, cols, y, x, latency_s):
    neighbors = count_neighbors(cur, rows, cols, y, x)
    await asyncio.sleep(latency_s)  # game_logic's I/O
    nxt[y * cols + x] = next_state(cur[y * cols + x], neighbors)


async def simulate_tasks(cur, nxt, rows, cols, latency_s, rss):
    loop = asyncio.get_event_loop()
    tasks = [loop.create_task(step_cell(cur, nxt, rows, cols, y, x, latency_s))
             for y in range(rows) for x in range(cols)]
    loop.call_soon(lambda: rss.append(rss_kib()))  # after every Task's first step
    await asyncio.gather(*tasks)


def step_cell_blocking(cur, nxt, rows, cols, y, x, latency_s):
    neighbors = count_neighbors(cur, rows, cols, y, x)
    time.sleep(latency_s)  # game_logic's I/O, blocking its thread
    nxt[y * cols + x] = next_state(cur[y * cols + x], neighbors)


def simulate_threads(cur, nxt, rows, cols, latency_s, rss):
    threads = [threading.Thread(target=step_cell_blocking,
                                args=(cur, nxt, rows, cols, y, x, latency_s))
               for y in range(rows) for x in range(cols)]
    for t in threads:
        t.start()
    rss.append(rss_kib())
    for t in threads:
        t.join()


def rows_for(cells):
    """rows for rows x cols = cells, as square as possible (45: 5 x 9)."""
    rows = 1
    r = 1
    while r * r <= cells:
        if cells % r == 0:
            rows = r
        r += 1
    return rows


def one_generation(approach, cells, latency_s, loop):
    rows = rows_for(cells)
    cols = cells // rows
    cur = [1 if (i * 2654435761) % 97 < 25 else 0 for i in range(cells)]
    nxt = [0] * cells
    rss = []
    t0 = time.perf_counter()
    if approach == "asyncio_tasks":
        loop.run_until_complete(simulate_tasks(cur, nxt, rows, cols, latency_s, rss))
    else:
        simulate_threads(cur, nxt, rows, cols, latency_s, rss)
    gen_s = time.perf_counter() - t0
    if nxt != serial_step(cur, rows, cols):
        print("!!! 60_asyncio.py: %s: %d x %d grid differs from the serial one"
              % (approach, rows, cols), file=sys.stderr)
        sys.exit(1)
    return gen_s, rss[0] if rss else ""


def cells(args):
    print("approach,cells,latency_ms,round,gen_s,rss_kib,note")
    latency_s = args.latency_ms / 1000.0
    sizes = [int(v) for v in args.cells.split(",")]
    loop = asyncio.new_event_loop()
    for approach in args.approach.split(","):
        per_cell_s = 20e-6 if approach == "asyncio_tasks" else 100e-6  # first guesses
        planned_s = 0.0
        measured = []
        for rnd in range(args.rounds):
            for n in sizes:
                if rnd == 0:
                    predicted = latency_s + n * per_cell_s
                    if predicted > args.gen_budget_s:
                        print("%s,%d,%g,0,,,over CPython's %g s budget per generation here: "
                              "predicted %.3g s" % (approach, n, args.latency_ms,
                                                    args.gen_budget_s, predicted))
                        continue
                    if planned_s + predicted * args.rounds > args.total_budget_s:
                        print("%s,%d,%g,0,,,over CPython's %g s budget in all here: predicted "
                              "%.3g s for %d rounds" % (approach, n, args.latency_ms,
                                                        args.total_budget_s,
                                                        predicted * args.rounds, args.rounds))
                        continue
                    planned_s += predicted * args.rounds
                    measured.append(n)
                if n not in measured:
                    continue
                gen_s, rss = one_generation(approach, n, latency_s, loop)
                if rnd == 0:
                    per_cell_s = max(1e-6, (gen_s - latency_s) / n)
                print("%s,%d,%g,%d,%.6f,%s," % (approach, n, args.latency_ms, rnd, gen_s, rss),
                      flush=True)
    loop.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["costs", "cells"], default="costs")
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--approach", default="asyncio_tasks,python_threads")
    parser.add_argument("--cells", default="45,400,2500")
    parser.add_argument("--latency-ms", type=float, default=1.0)
    parser.add_argument("--gen-budget-s", type=float, default=1.0)
    parser.add_argument("--total-budget-s", type=float, default=6.0)
    args = parser.parse_args()
    if args.tasks < 1 or args.rounds < 1 or args.latency_ms < 0:
        parser.error("counts must be positive")
    for a in args.approach.split(","):
        if a not in ("asyncio_tasks", "python_threads"):
            parser.error("--approach: asyncio_tasks or python_threads, not %r" % a)
    try:
        costs(args) if args.part == "costs" else cells(args)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
