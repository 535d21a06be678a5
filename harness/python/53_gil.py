#!/usr/bin/env python3
"""53_gil.py - Item 53 in the real interpreter, beside the C model.

The claims: CPU-bound threads under CPython's GIL are no faster than doing the
same work serially; K threads that block in a system call are about K times
faster than making the calls one after another.

Written for conclab (not taken from the book). Prints CSV on stdout:
    mode,threads,serial_s,wall_s,speedup
mode is cpu (count every divisor of T numbers by trial division, serial vs one
thread per number) or io (T threads each making blocking select() waits with
no descriptors, which block for the full timeout).

    python3 harness/python/53_gil.py [--quick] [--threads 1,2,4]
"""
import argparse
import select
import sys
import threading
import time


def count_divisors(n):
    """Like the book's factorize(): try every i from 1 to n."""
    count = total = 0
    for i in range(1, n + 1):
        if n % i == 0:
            count += 1
            total += i
    return count, total


def blocking_waits(waits, seconds):
    for _ in range(waits):
        select.select([], [], [], seconds)  # the GIL is released inside


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_threads(target, args_per_thread):
    threads = [threading.Thread(target=target, args=args) for args in args_per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def cpu_row(threads, size):
    numbers = [size + 1009 * i for i in range(threads)]
    serial_results = []
    serial = timed(lambda: serial_results.extend(count_divisors(n) for n in numbers))
    threaded_results = [None] * threads

    def work(i):
        threaded_results[i] = count_divisors(numbers[i])

    wall = timed(lambda: run_threads(work, [(i,) for i in range(threads)]))
    if threaded_results != serial_results:
        sys.exit("!!! 53_gil.py: threads and serial disagree: %r vs %r"
                 % (threaded_results, serial_results))
    return serial, wall


def io_row(threads, waits, seconds):
    serial = timed(lambda: [blocking_waits(waits, seconds) for _ in range(threads)])
    wall = timed(lambda: run_threads(blocking_waits, [(waits, seconds)] * threads))
    return serial, wall


def thread_list(text):
    values = [int(v) for v in text.split(",")]
    if not values or min(values) < 1 or max(values) > 64:
        raise argparse.ArgumentTypeError("thread counts must be in [1, 64]")
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="class size: a few seconds")
    parser.add_argument("--threads", type=thread_list, default=[1, 2, 4])
    args = parser.parse_args()
    size = 3_000_000 if args.quick else 6_000_000
    waits, seconds = (3, 0.02) if args.quick else (5, 0.05)

    print("mode,threads,serial_s,wall_s,speedup", flush=True)
    for t in args.threads:
        serial, wall = cpu_row(t, size)
        print("cpu,%d,%.6f,%.6f,%.4f" % (t, serial, wall, serial / wall), flush=True)
    for t in args.threads:
        serial, wall = io_row(t, waits, seconds)
        print("io,%d,%.6f,%.6f,%.4f" % (t, serial, wall, serial / wall), flush=True)


if __name__ == "__main__":
    main()
