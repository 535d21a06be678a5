"""53_gil.py - Item 53 in the real interpreter, beside the C model.

Written for conclab (not taken from the book). Runs unchanged on Python 2.7
(the old GIL: a switch check every sys.getcheckinterval() ticks) and on 3.x
(the new GIL: sys.getswitchinterval()). Each part runs in rounds (every
variant once per round) and prints CSV on stdout, a header first:

  --part cpu        the book's numbers factorized one after another, then one
                    thread each (T = --threads, the book's 4).
      python,part,threads,round,serial_s,threads_s,speedup,switching
  --part io         T threads (--threads, the book's 5) each making one
                    blocking select([], [], [], 0.1), against the same calls in
                    turn. (The book's select([socket.socket()], ...) returns at
                    once on Linux: an unconnected socket reads as ready.)
      same columns
  --part switching  two CPU-bound threads for --seconds: how often the lock
                    changed hands, and how long each thread ran in between.
      python,part,round,switches,median_stretch_ms,switching
  --part convoy     socket round trips to an echo server in a child process
                    (outside this interpreter, so it never needs our GIL),
                    alone and beside one CPU-bound thread, per --echo-us.
      python,part,echo_us,round,alone_p50_us,alone_p99_us,busy_p50_us,
      busy_p99_us,busy_trips,slowdown,switching

    python3 harness/python/53_gil.py --part cpu [--threads 4] [--rounds 3]
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
try:
    range = xrange  # Python 2: range would build the whole list
except NameError:
    pass

VERSION = "%d.%d" % sys.version_info[:2]
if hasattr(sys, "getswitchinterval"):
    SWITCHING = "every %g ms" % (sys.getswitchinterval() * 1000)
else:
    SWITCHING = "every %d ticks" % sys.getcheckinterval()

BOOK_NUMBERS = [2139079, 1214759, 1516637, 1852285]


def factorize(number):
    """Like the book's: try every i from 1 to number."""
    found = []
    for i in range(1, number + 1):
        if number % i == 0:
            found.append(i)
    return found


def slow_systemcall(seconds):
    select.select([], [], [], seconds)  # the GIL is released inside


def run_threads(target, args_per_thread):
    threads = [threading.Thread(target=target, args=args) for args in args_per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def timed(fn):
    start = now()
    fn()
    return now() - start


def serial_then_threads(target, args_per_thread):
    serial = timed(lambda: [target(*args) for args in args_per_thread])
    return serial, timed(lambda: run_threads(target, args_per_thread))


def speedups(args):
    print("python,part,threads,round,serial_s,threads_s,speedup,switching")
    numbers = [(BOOK_NUMBERS[i % 4],) for i in range(args.threads)]
    if sum(factorize(12)) != 28:
        sys.exit("!!! 53_gil.py: factorize(12) is wrong")
    for r in range(1, args.rounds + 1):
        if args.part == "cpu":
            serial, wall = serial_then_threads(factorize, numbers)
        else:
            serial, wall = serial_then_threads(slow_systemcall, [(0.1,)] * args.threads)
        print("%s,%s,%d,%d,%.6f,%.6f,%.4f,%s" % (VERSION, args.part, args.threads, r, serial,
                                                 wall, serial / wall, SWITCHING))
        sys.stdout.flush()


def switching(args):
    """Two CPU-bound threads; each notes when it finds it was not the last to run."""
    print("python,part,round,switches,median_stretch_ms,switching")
    for r in range(1, args.rounds + 1):
        last, marks, done = [None], [], [False]

        def spin(me):
            while not done[0]:
                if last[0] != me:
                    last[0] = me
                    marks.append(now())

        threads = [threading.Thread(target=spin, args=(i,)) for i in (0, 1)]
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        done[0] = True
        for t in threads:
            t.join()
        stretches = sorted(b - a for a, b in zip(marks, marks[1:]))
        median = stretches[len(stretches) // 2] * 1000 if stretches else args.seconds * 1000
        print("%s,switching,%d,%d,%.4f,%s" % (VERSION, r, len(stretches), median, SWITCHING))
        sys.stdout.flush()


MESSAGE = b"x" * 64


def echo_server(sock, delay_s):
    """The child process: echo every message after delay_s, until end of file."""
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


def convoy_once(echo_us, trips, busy, limit_s):
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
            factorize(20000)

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
    print("python,part,echo_us,round,alone_p50_us,alone_p99_us,busy_p50_us,busy_p99_us,"
          "busy_trips,slowdown,switching")
    limit_s = 2.0
    for r in range(1, args.rounds + 1):
        for echo_us in args.echo_us:
            alone = convoy_once(echo_us, args.trips, False, limit_s)
            busy = convoy_once(echo_us, args.trips, True, limit_s)
            a50 = percentile(alone, 50)
            # Starved: no trip finished; report the time waited, a lower bound.
            b50 = percentile(busy, 50) if busy else limit_s * 1e6
            b99 = percentile(busy, 99) if busy else limit_s * 1e6
            print("%s,convoy,%d,%d,%.2f,%.2f,%.2f,%.2f,%d,%.3f,%s"
                  % (VERSION, echo_us, r, a50, percentile(alone, 99), b50, b99, len(busy),
                     b50 / a50, SWITCHING))
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
    parser.add_argument("--part", choices=("cpu", "io", "switching", "convoy"), default="cpu")
    parser.add_argument("--threads", type=int, choices=range(1, 65), default=None,
                        metavar="1..64", help="cpu: 4, io: 5 (the book's)")
    parser.add_argument("--rounds", type=int, choices=range(1, 101), default=3,
                        metavar="1..100")
    parser.add_argument("--trips", type=int, choices=range(1, 1001), default=20,
                        metavar="1..1000")
    parser.add_argument("--echo-us", type=int_list(0, 100000), default=[0, 100])
    parser.add_argument("--seconds", type=float, default=0.2)
    args = parser.parse_args()
    if args.threads is None:
        args.threads = 5 if args.part == "io" else 4
    if not 0.01 <= args.seconds <= 5:
        parser.error("--seconds must be in [0.01, 5]")
    try:
        if args.part in ("cpu", "io"):
            speedups(args)
        elif args.part == "switching":
            switching(args)
        else:
            convoy(args)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
