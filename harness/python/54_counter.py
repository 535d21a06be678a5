"""54_counter.py - Item 54 in CPython: threads adding to one shared counter.

Written for conclab (not taken from the book); runs unchanged on Python 2.7
and 3.x. The book's setting by default: 5 threads, 100000 increments each,
the interpreter's own switch interval. Four shapes, each in --rounds rounds:

  book         the book's shape: count += offset inside a method
  book_locked  the same with a threading.Lock around it (the book's fix)
  call         read, a Python call, write: a call between the read and the
               write, where CPython 3.10+ may switch threads too
  call_locked  the same under a Lock

CSV on stdout: python,shape,threads,iterations,round,expected,actual,lost,
overlap_s,switching. overlap_s is the longest time two threads were both
counting: a thread notes the time only when it holds the GIL, so above 0 it
means the GIL changed hands while one of them was mid-count.

    python3 harness/python/54_counter.py [--threads 5] [--iterations 100000] [--rounds 3]
        [--shapes book,book_locked,call,call_locked] [--switch-ms 0.5]
"""
from __future__ import print_function

import argparse
import sys
import threading
import time

now = getattr(time, "perf_counter", time.time)
try:
    range = xrange  # Python 2
except NameError:
    pass

VERSION = "%d.%d" % sys.version_info[:2]
if hasattr(sys, "getswitchinterval"):
    SWITCHING = "every %g ms" % (sys.getswitchinterval() * 1000)
else:
    SWITCHING = "every %d ticks" % sys.getcheckinterval()


class Counter(object):
    def __init__(self):
        self.count = 0

    def increment(self, offset):  # the book's shape: one += in a method
        self.count += offset


class LockingCounter(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    def increment(self, offset):
        with self.lock:
            self.count += offset


def pause():  # a Python call: a place where 3.10+ may switch threads
    pass


class CallingCounter(Counter):
    def increment(self, offset):
        seen = self.count
        pause()
        self.count = seen + offset


class LockingCallingCounter(LockingCounter):
    def increment(self, offset):
        with self.lock:
            seen = self.count
            pause()
            self.count = seen + offset


SHAPES = [("book", Counter), ("book_locked", LockingCounter), ("call", CallingCounter),
          ("call_locked", LockingCallingCounter)]


def worker(counter, how_many, spans, index):
    start = now()
    for _ in range(how_many):
        counter.increment(1)
    spans[index] = (start, now())


def longest_overlap(spans):
    longest = 0.0
    for i in range(len(spans)):
        for j in range(i):
            both = min(spans[i][1], spans[j][1]) - max(spans[i][0], spans[j][0])
            longest = max(longest, both)
    return longest


def race(cls, threads, how_many):
    counter, spans = cls(), [None] * threads
    workers = [threading.Thread(target=worker, args=(counter, how_many, spans, i))
               for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return counter.count, longest_overlap(spans)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, choices=range(1, 65), default=5, metavar="1..64")
    parser.add_argument("--iterations", type=int, default=100000)
    parser.add_argument("--rounds", type=int, choices=range(1, 101), default=3, metavar="1..100")
    parser.add_argument("--shapes", default="book,book_locked,call,call_locked")
    parser.add_argument("--switch-ms", type=float, default=None,
                        help="sys.setswitchinterval in ms (3.x only; default: as it is)")
    args = parser.parse_args()
    global SWITCHING
    if args.switch_ms is not None:
        if not hasattr(sys, "setswitchinterval") or not 0.01 <= args.switch_ms <= 100:
            parser.error("--switch-ms: 0.01 to 100, on Python 3 only")
        sys.setswitchinterval(args.switch_ms / 1000.0)
        SWITCHING = "every %g ms" % args.switch_ms
    if not 1 <= args.iterations <= 10000000:
        parser.error("--iterations must be in [1, 10000000]")
    shapes = [(name, cls) for name, cls in SHAPES if name in args.shapes.split(",")]
    if not shapes:
        parser.error("--shapes: none of book, book_locked, call, call_locked")
    print("python,shape,threads,iterations,round,expected,actual,lost,overlap_s,switching")
    try:
        for r in range(1, args.rounds + 1):
            for name, cls in shapes:
                expected = args.threads * args.iterations
                actual, overlap = race(cls, args.threads, args.iterations)
                if name.endswith("_locked") and actual != expected:
                    sys.exit("!!! 54_counter.py: %s gave %d, not %d" % (name, actual, expected))
                print("%s,%s,%d,%d,%d,%d,%d,%d,%.6f,%s" % (VERSION, name, args.threads,
                      args.iterations, r, expected, actual, expected - actual, overlap, SWITCHING))
                sys.stdout.flush()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
