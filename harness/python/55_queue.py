"""55_queue.py [--items N] [--poll-ms MS] [--rounds R]

Item 55 in CPython, as the book writes it: download -> resize -> upload,
one thread per stage, stages that take no time, 1000 items.
  polling            the book's home-made queue (a deque and a Lock; get
                     raises IndexError when empty); its Worker counts a poll
                     on every pass of its loop and sleeps MS ms after an empty
                     one; main waits with `while len(done) < N: pass`.
  polling_main_naps  the same, but main sleeps MS ms between its checks.
  blocking           the book's ClosableQueue (queue.Queue and a sentinel):
                     close, join, then the next queue.
  blocking_shutdown  (3.13 and later) the same with Queue.shutdown().
Prints CSV, one row per variant per round, the variants interleaved. The
workers' CPU needs time.thread_time (3.7); before that the column is empty.
Runs on 2.7 and 3.x alike: the harness runs it on every interpreter found.
"""
from __future__ import print_function

import argparse
import collections
import resource
import sys
import threading
import time

try:
    import queue
except ImportError:  # Python 2
    import Queue as queue

now = getattr(time, "monotonic", time.time)
thread_time = getattr(time, "thread_time", None)


def process_cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def download(item):
    return item


def resize(item):
    return item


def upload(item):
    return item


class MyQueue(object):
    """The book's home-made queue: get raises IndexError when empty."""

    def __init__(self):
        self.items = collections.deque()
        self.lock = threading.Lock()

    def put(self, item):
        with self.lock:
            self.items.append(item)

    def get(self):
        with self.lock:
            return self.items.popleft()


class Worker(threading.Thread):
    """The book's polling worker, with a stop event (the book's never stops)."""

    def __init__(self, func, in_queue, out_queue, poll_s, stop):
        threading.Thread.__init__(self)
        self.func, self.in_queue, self.out_queue = func, in_queue, out_queue
        self.poll_s, self.stop = poll_s, stop
        self.polled_count = self.empty_count = 0
        self.cpu_s = None

    def run(self):
        while not self.stop.is_set():
            self.polled_count += 1
            try:
                item = self.in_queue.get()
            except IndexError:
                self.empty_count += 1
                time.sleep(self.poll_s)
            else:
                self.out_queue.put(self.func(item))
        if thread_time:
            self.cpu_s = thread_time()


def run_polling(items, poll_s, main_naps):
    queues = [MyQueue() for _ in range(4)]
    stop = threading.Event()
    threads = [Worker(f, queues[i], queues[i + 1], poll_s, stop)
               for i, f in enumerate((download, resize, upload))]
    for t in threads:
        t.start()
    for i in range(items):
        queues[0].put(i)
    main0 = thread_time() if thread_time else None
    while len(queues[3].items) < items:
        if main_naps:
            time.sleep(poll_s)
    main_cpu = thread_time() - main0 if thread_time else None
    stop.set()
    for t in threads:
        t.join()
    if sorted(queues[3].items) != list(range(items)):  # a check, not an assert: -O keeps it
        raise SystemExit("!!! 55_queue.py polling: items lost or repeated")
    workers_cpu = sum(t.cpu_s for t in threads) if thread_time else None
    return (sum(t.polled_count for t in threads), sum(t.empty_count for t in threads),
            main_cpu, workers_cpu)


class ClosableQueue(queue.Queue):
    """The book's: close() puts a sentinel; iterating stops at it."""
    SENTINEL = object()

    def close(self):
        self.put(self.SENTINEL)

    def __iter__(self):
        while True:
            item = self.get()
            try:
                if item is self.SENTINEL:
                    return
                yield item
            finally:
                self.task_done()


class StoppableWorker(threading.Thread):
    def __init__(self, func, in_queue, out_queue, shutdown):
        threading.Thread.__init__(self)
        self.func, self.in_queue, self.out_queue = func, in_queue, out_queue
        self.shutdown, self.passes, self.cpu_s = shutdown, 0, None

    def items(self):
        if not self.shutdown:
            for item in self.in_queue:
                yield item
            return
        while True:  # Queue.shutdown (3.13): get raises ShutDown once drained
            try:
                item = self.in_queue.get()
            except queue.ShutDown:
                return
            try:
                yield item
            finally:
                self.in_queue.task_done()

    def run(self):
        for item in self.items():
            self.passes += 1
            self.out_queue.put(self.func(item))
        if thread_time:
            self.cpu_s = thread_time()


def run_blocking(items, shutdown):
    queues = [ClosableQueue() for _ in range(4)]
    threads = [StoppableWorker(f, queues[i], queues[i + 1], shutdown)
               for i, f in enumerate((download, resize, upload))]
    for t in threads:
        t.start()
    for i in range(items):
        queues[0].put(i)
    main0 = thread_time() if thread_time else None
    for i, t in enumerate(threads):
        if shutdown:
            queues[i].shutdown()
        else:
            queues[i].close()
        queues[i].join()
        t.join()
    main_cpu = thread_time() - main0 if thread_time else None
    done = []
    while not queues[3].empty():
        done.append(queues[3].get())
    if sorted(done) != list(range(items)):
        raise SystemExit("!!! 55_queue.py blocking: items lost or repeated")
    workers_cpu = sum(t.cpu_s for t in threads) if thread_time else None
    return sum(t.passes for t in threads), 0, main_cpu, workers_cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--poll-ms", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    version = "%d.%d" % sys.version_info[:2]
    variants = ["polling", "polling_main_naps", "blocking"]
    if hasattr(queue.Queue, "shutdown"):
        variants.append("blocking_shutdown")
    print("python,variant,round,items,poll_ms,wall_s,cpu_s,main_cpu_s,workers_cpu_s,polls,"
          "empty_polls")
    fmt = lambda x: "" if x is None else "%.6f" % x
    for r in range(1, a.rounds + 1):
        for v in variants:
            t0, c0 = now(), process_cpu()
            if v.startswith("polling"):
                got = run_polling(a.items, a.poll_ms / 1e3, v == "polling_main_naps")
            else:
                got = run_blocking(a.items, v == "blocking_shutdown")
            wall, cpu = now() - t0, process_cpu() - c0
            polls, empty, main_cpu, workers_cpu = got
            print("%s,%s,%d,%d,%s,%.6f,%.6f,%s,%s,%d,%d" % (
                version, v, r, a.items, "" if v.startswith("blocking") else "%g" % a.poll_ms,
                wall, cpu, fmt(main_cpu), fmt(workers_cpu), polls, empty))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
