#!/usr/bin/env python
"""56_life.py - Item 56 in the real interpreter, beside the C program.

The claim: the serial Game of Life, with a blocking game_logic in every cell,
takes about cells x latency per generation. Written for conclab (not taken
from the book): the book's 5 x 9 torus with its glider, game_logic sleeping
(time.sleep, a real blocking call) before applying the rules. Runs on
CPython 2.7 and 3.x alike, so the harness can run it on every interpreter
it finds (time.sleep uses select() before 3.11 and clock_nanosleep() from
3.11 on, bpo-21302).

Prints CSV on stdout, one row per generation timed:
    python,cells,io_ms,round,gen_s,ratio
ratio = gen_s / (cells x latency). Exits 1 with a "!!!" line if the
glider is not where the rules put it after 4 generations.

    python3 harness/python/56_life.py [--rounds 3] [--io-ms 1] [--rows 5 --cols 9]
"""
import argparse
import sys
import time

clock = getattr(time, "perf_counter", time.time)  # 2.7 has no perf_counter


def count_neighbors(grid, y, x):
    rows, cols = len(grid), len(grid[0])
    return sum(grid[(y + dy) % rows][(x + dx) % cols]
               for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)


def game_logic(alive, neighbors, latency):
    if latency > 0:
        time.sleep(latency)  # the blocking I/O
    if alive:
        return 1 if neighbors in (2, 3) else 0
    return 1 if neighbors == 3 else 0


def step(grid, latency):
    """One generation, one cell after another (the book's simulate)."""
    return [[game_logic(grid[y][x], count_neighbors(grid, y, x), latency)
             for x in range(len(grid[0]))] for y in range(len(grid))]


def book_grid(rows, cols):
    grid = [[0] * cols for _ in range(rows)]
    for y, x in ((0, 3), (1, 4), (2, 2), (2, 3), (2, 4)):
        grid[y % rows][x % cols] = 1
    return grid


def check_glider():
    """The rules, checked: after 4 generations the book's glider has moved
    one row down and one column right."""
    grid = book_grid(5, 9)
    for _ in range(4):
        grid = step(grid, 0)
    want = book_grid(5, 9)
    moved = [[want[(y - 1) % 5][(x - 1) % 9] for x in range(9)] for y in range(5)]
    if grid != moved:
        sys.stdout.write("!!! 56_life.py: the glider is not where the rules put it\n")
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5)
    parser.add_argument("--cols", type=int, default=9)
    parser.add_argument("--io-ms", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.io_ms <= 0 or args.rows < 1 or args.cols < 1 or args.rounds < 1:
        parser.error("--io-ms, --rows, --cols and --rounds must be above 0")
    check_glider()
    version = "%d.%d" % sys.version_info[:2]
    latency = args.io_ms / 1000.0
    cells = args.rows * args.cols
    sys.stdout.write("python,cells,io_ms,round,gen_s,ratio\n")
    for r in range(1, args.rounds + 1):
        grid = book_grid(args.rows, args.cols)
        t0 = clock()
        step(grid, latency)
        gen_s = clock() - t0
        sys.stdout.write("%s,%d,%g,%d,%.6f,%.4f\n"
                         % (version, cells, args.io_ms, r, gen_s, gen_s / (cells * latency)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
