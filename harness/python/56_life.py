#!/usr/bin/env python3
"""56_life.py - Item 56 in the real interpreter, beside the C program.

The claim: the serial Game of Life, with a blocking game_logic in every cell,
takes about cells x latency per generation.

Written for conclab (not taken from the book). The grid is a torus of 0/1
cells; game_logic sleeps (time.sleep, a real blocking call) and applies the
rules. Prints CSV on stdout, one row per grid per round:
    io_ms,cells,round,ratio,gen_s
ratio = gen_s / (cells x latency).

    python3 harness/python/56_life.py [--quick] [--rows 5,10] [--cols 9,15] [--io-ms 2]
"""
import argparse
import random
import time


def count_neighbors(grid, y, x):
    rows, cols = len(grid), len(grid[0])
    return sum(grid[(y + dy) % rows][(x + dx) % cols]
               for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)


def game_logic(alive, neighbors, latency):
    time.sleep(latency)  # the blocking I/O
    if alive:
        return 1 if neighbors in (2, 3) else 0
    return 1 if neighbors == 3 else 0


def step(grid, latency):
    return [[game_logic(grid[y][x], count_neighbors(grid, y, x), latency)
             for x in range(len(grid[0]))] for y in range(len(grid))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", default="5,10,15,25")
    parser.add_argument("--cols", default="9,15,30,40")
    parser.add_argument("--io-ms", type=float, default=2.0)
    args = parser.parse_args()
    rows = [int(v) for v in args.rows.split(",")]
    cols = [int(v) for v in args.cols.split(",")]
    rounds = 2 if args.quick else 3
    latency = args.io_ms / 1000
    rng = random.Random(56)
    print("io_ms,cells,round,ratio,gen_s", flush=True)
    for r in range(rounds):
        for nr, nc in zip(rows, cols):
            grid = [[1 if rng.random() < 0.25 else 0 for _ in range(nc)] for _ in range(nr)]
            t0 = time.perf_counter()
            step(grid, latency)
            gen_s = time.perf_counter() - t0
            cells = nr * nc
            print("%g,%d,%d,%.4f,%.6f" % (args.io_ms, cells, r, gen_s / (cells * latency), gen_s),
                  flush=True)


if __name__ == "__main__":
    main()
