#!/usr/bin/env python
"""57_threads.py - Item 57 in the real interpreter, beside the C bench.

Written for conclab (not taken from the book). Runs on CPython 2.7 and 3.x,
so the harness can run it on every interpreter it finds. Three measures:

  cost    45 threading.Thread objects started, then joined (one generation of
          the book's grid), --batches times, against the same 45 tasks handed
          to a thread that already exists through a queue.Queue and waited
          for (queue.join): wall and CPU (getrusage) microseconds per task.
  memory  --parked threads alive at once, waiting on an Event: what each adds
          to the address space (VmSize) and to resident memory (VmRSS), and
          threading.stack_size() (0: the platform's default, 8 MiB here).
  errors  a thread whose target raises: the runtime prints the traceback
          (through threading.excepthook from 3.8, bpo-1230540), and join()
          returns as if nothing happened; carried, the exception is kept by
          the target and raised again by the caller after the join.

Prints CSV on stdout:  python,measure,round,value
    python3 harness/python/57_threads.py [--rounds 2] [--batches 20] [--parked 1000]
"""
import argparse
import resource
import sys
import threading
import time

try:
    import queue
except ImportError:  # 2.7
    import Queue as queue
if sys.version_info[0] == 2:
    from StringIO import StringIO
else:
    from io import StringIO

clock = getattr(time, "perf_counter", time.time)
CELLS = 45


def cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def step_cell():
    """The task: as cheap as a cell's rules (no I/O), so the overhead shows."""
    return sum(1 for _ in range(8)) in (2, 3)


def threads_per_cell(batches):
    for _ in range(batches):
        threads = [threading.Thread(target=step_cell) for _ in range(CELLS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def handed_off(batches, q):
    for _ in range(batches):
        for _ in range(CELLS):
            q.put(step_cell)
        q.join()


def worker(q):
    while True:
        task = q.get()
        if task is None:
            q.task_done()
            return
        task()
        q.task_done()


def timed(fn, *args):
    c0, t0 = cpu_seconds(), clock()
    fn(*args)
    return clock() - t0, cpu_seconds() - c0


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def parked_memory(n):
    gate = threading.Event()
    rss0, vm0 = status_kib("VmRSS"), status_kib("VmSize")
    threads = [threading.Thread(target=gate.wait) for _ in range(n)]
    for t in threads:
        t.start()
    rss1, vm1 = status_kib("VmRSS"), status_kib("VmSize")
    gate.set()
    for t in threads:
        t.join()
    return (rss1 - rss0) / float(n), (vm1 - vm0) / float(n)


def errors():
    """Returns (join raised, traceback printed) for the lost error, and
    whether the caller saw the carried one."""
    def fail():
        raise IOError("cell (2, 3): I/O failed")

    old, sys.stderr = sys.stderr, StringIO()
    try:
        t = threading.Thread(target=fail)
        t.start()
        raised = 0
        try:
            t.join()
        except Exception:
            raised = 1
        printed = 1 if "IOError" in sys.stderr.getvalue() or "OSError" in sys.stderr.getvalue() else 0
    finally:
        sys.stderr = old

    slot = []

    def fail_carried():
        try:
            fail()
        except Exception as e:  # kept for the caller
            slot.append(e)

    t = threading.Thread(target=fail_carried)
    t.start()
    t.join()
    seen = 0
    try:
        if slot:
            raise slot[0]
    except (IOError, OSError):
        seen = 1
    return raised, printed, seen


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--parked", type=int, default=1000)
    args = parser.parse_args()
    if min(args.rounds, args.batches, args.parked) < 1:
        parser.error("--rounds, --batches and --parked must be at least 1")
    version = "%d.%d" % sys.version_info[:2]
    out = sys.stdout
    out.write("python,measure,round,value\n")
    q = queue.Queue()
    w = threading.Thread(target=worker, args=(q,))
    w.start()
    tasks = float(args.batches * CELLS)
    for r in range(1, args.rounds + 1):
        threads_per_cell(1)  # warm, as the C bench does
        handed_off(1, q)
        wall, cpu = timed(threads_per_cell, args.batches)
        out.write("%s,thread_us,%d,%.3f\n%s,thread_cpu_us,%d,%.3f\n"
                  % (version, r, 1e6 * wall / tasks, version, r, 1e6 * cpu / tasks))
        wall, cpu = timed(handed_off, args.batches, q)
        out.write("%s,handoff_us,%d,%.3f\n%s,handoff_cpu_us,%d,%.3f\n"
                  % (version, r, 1e6 * wall / tasks, version, r, 1e6 * cpu / tasks))
        rss, vm = parked_memory(args.parked)
        out.write("%s,rss_per_thread_kib,%d,%.2f\n%s,vm_per_thread_kib,%d,%.1f\n"
                  % (version, r, rss, version, r, vm))
        out.flush()
    q.put(None)
    w.join()
    raised, printed, seen = errors()
    out.write("%s,stack_size,1,%d\n" % (version, threading.stack_size()))
    out.write("%s,lost_join_raised,1,%d\n%s,lost_printed,1,%d\n%s,carried_seen,1,%d\n"
              % (version, raised, version, printed, version, seen))


if __name__ == "__main__":
    main()
