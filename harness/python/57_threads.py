#!/usr/bin/env python3
"""57_threads.py - Item 57 in the real interpreter, beside the C program.

The claim: a thread costs start-up time. Starts N threading.Thread objects
that do nothing, then joins all of them (the shape of one generation of a
thread per cell), N from --threads.

Written for conclab (not taken from the book). Prints CSV on stdout:
    variant,threads,round,wall_s,us_per_thread
and, last, one row per variant `lost_error` whose us_per_thread column holds
1 if join() returned normally after the thread raised (the error lost).

    python3 harness/python/57_threads.py [--quick] [--threads 45,1000,10000]
"""
import argparse
import threading
import time


def do_nothing():
    pass


def start_and_join(n):
    threads = [threading.Thread(target=do_nothing) for _ in range(n)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def error_is_lost():
    """A thread that raises: the runtime reports it (here to a hook, not the
    terminal) and join() returns as if nothing happened."""
    seen = []
    old_hook = threading.excepthook
    threading.excepthook = lambda args: seen.append(args.exc_type)
    def fail():
        raise OSError("cell (2, 3): I/O failed")
    t = threading.Thread(target=fail)
    t.start()
    t.join()  # no exception here
    threading.excepthook = old_hook
    return 1 if seen == [OSError] else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", default="45,1000,10000")
    args = parser.parse_args()
    counts = [int(v) for v in args.threads.split(",")]
    rounds = 1 if args.quick else 3
    print("variant,threads,round,wall_s,us_per_thread", flush=True)
    for r in range(rounds):
        for n in counts:
            wall = start_and_join(n)
            print("cpython_thread,%d,%d,%.6f,%.3f" % (n, r, wall, 1e6 * wall / n), flush=True)
    print("lost_error,1,0,0,%d" % error_is_lost(), flush=True)


if __name__ == "__main__":
    main()
