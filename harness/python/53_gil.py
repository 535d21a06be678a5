#!/usr/bin/env python3
"""53_gil.py - Item 53 in the real interpreter, beside the C model.

Written for conclab (not taken from the book). Two experiments, each in
rounds (every variant once per round, so a busy neighbour slows both sides
of a ratio), one CSV block on stdout:

  --mode speedup   CPU-bound threads against serial (count every divisor of
                   T numbers by trial division), and T threads making blocking
                   select() waits against the same waits one after another.
      mode,threads,round,serial_s,wall_s,speedup
  --mode convoy    socket round trips to an echo server in a child process
                   (outside this interpreter, so it never needs our GIL),
                   alone and beside one CPU-bound thread, for each echo delay.
      mode,echo_us,round,alone_p50_us,alone_p99_us,busy_p50_us,busy_p99_us,
      busy_trips,slowdown

Runs under Python 2.7 as well (the old GIL), and under free-threaded 3.13t.

    python3 harness/python/53_gil.py --mode speedup [--quick] [--threads 1,2,4] [--rounds 5]
    python3 harness/python/53_gil.py --mode convoy [--trips 50] [--echo-us 0,100]
"""
from __future__ import print_function

import argparse
import os
import select
import socket
import sys
import threading
import time

now = getattr(time, "perf_counter", time.time)


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
    start = now()
    fn()
    return now() - start


def run_threads(target, args_per_thread):
    threads = [threading.Thread(target=target, args=args) for args in args_per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# 12 has 6 divisors summing to 28; 5000000 = 2^6 * 5^7 has 56 summing to 12402312.
KNOWN = {12: (6, 28), 5000000: (56, 12402312)}


def cpu_variant(threads, size):
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


def io_variant(threads, waits, seconds):
    serial = timed(lambda: [blocking_waits(waits, seconds) for _ in range(threads)])
    wall = timed(lambda: run_threads(blocking_waits, [(waits, seconds)] * threads))
    return serial, wall


def speedup(args):
    for n, answer in KNOWN.items():
        if count_divisors(n) != answer:
            sys.exit("!!! 53_gil.py: count_divisors(%d) is not %r" % (n, answer))
    size = 300000 if args.quick else 1000000
    waits, seconds = (2, 0.01) if args.quick else (3, 0.02)
    print("mode,threads,round,serial_s,wall_s,speedup")
    for r in range(1, args.rounds + 1):
        for mode in ("cpu", "io"):
            for t in args.threads:
                if mode == "cpu":
                    serial, wall = cpu_variant(t, size)
                else:
                    serial, wall = io_variant(t, waits, seconds)
                print("%s,%d,%d,%.6f,%.6f,%.4f" % (mode, t, r, serial, wall, serial / wall))
                sys.stdout.flush()


# ---- The convoy ---------------------------------------------------------------

MESSAGE = b"x" * 64


def echo_server(sock, delay_s):
    """The child process: echo every message after delay_s, until EOF."""
    while True:
        data = sock.recv(len(MESSAGE))
        if not data:
            return
        if delay_s > 0:
            time.sleep(delay_s)
        sock.sendall(data)


def round_trips(sock, trips, deadline):
    times = []
    while len(times) < trips and now() < deadline:
        start = now()
        sock.sendall(MESSAGE)
        got = 0
        while got < len(MESSAGE):
            data = sock.recv(len(MESSAGE) - got)
            if not data:
                sys.exit("53_gil.py: the echo server closed its end early")
            got += len(data)
        times.append((now() - start) * 1e6)
    return times


def percentile(values, p):
    values = sorted(values)
    rank = max(1, int(-(-p * len(values) // 100)))  # nearest rank
    return values[rank - 1]


def convoy_variant(echo_us, trips, busy, limit_s):
    """Round trips, alone or beside a CPU-bound thread, to a fresh server."""
    ours, theirs = socket.socketpair()
    child = os.fork()
    if child == 0:  # the echo server: another process, another interpreter lock
        ours.close()
        try:
            echo_server(theirs, echo_us / 1e6)
        finally:
            os._exit(0)
    theirs.close()
    stop, running = threading.Event(), threading.Event()

    def hog():
        running.set()
        while not stop.is_set():
            count_divisors(20000)

    hog_thread = threading.Thread(target=hog)
    if busy:  # the I/O thread starts once the CPU-bound one is running
        hog_thread.start()
        running.wait()
    try:
        times = round_trips(ours, trips, now() + limit_s)
    finally:
        stop.set()
        if busy:
            hog_thread.join()
        ours.close()
        os.waitpid(child, 0)
    return times


def convoy(args):
    print("mode,echo_us,round,alone_p50_us,alone_p99_us,busy_p50_us,busy_p99_us,"
          "busy_trips,slowdown")
    limit_s = 2.0
    for r in range(1, args.rounds + 1):
        for echo_us in args.echo_us:
            alone = convoy_variant(echo_us, args.trips, False, limit_s)
            busy = convoy_variant(echo_us, args.trips, True, limit_s)
            a50 = percentile(alone, 50)
            # Starved: no trip finished; report the time waited, a lower bound.
            b50 = percentile(busy, 50) if busy else limit_s * 1e6
            b99 = percentile(busy, 99) if busy else limit_s * 1e6
            print("convoy,%d,%d,%.2f,%.2f,%.2f,%.2f,%d,%.3f"
                  % (echo_us, r, a50, percentile(alone, 99), b50, b99, len(busy), b50 / a50))
            sys.stdout.flush()


def int_list(low, high):
    def parse(text):
        try:
            values = [int(v) for v in text.split(",")]
        except ValueError:
            raise argparse.ArgumentTypeError("not a list of integers: %r" % text)
        if min(values) < low or max(values) > high:
            raise argparse.ArgumentTypeError("values must be in [%d, %d]" % (low, high))
        return values
    return parse


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("speedup", "convoy"), default="speedup")
    parser.add_argument("--quick", action="store_true", help="class size: a few seconds")
    parser.add_argument("--threads", type=int_list(1, 64), default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, choices=range(1, 101), default=5,
                        metavar="1..100")
    parser.add_argument("--trips", type=int, default=50)
    parser.add_argument("--echo-us", type=int_list(0, 100000), default=[0, 100])
    args = parser.parse_args()
    if args.trips < 1:
        parser.error("--trips must be at least 1")
    try:
        speedup(args) if args.mode == "speedup" else convoy(args)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
