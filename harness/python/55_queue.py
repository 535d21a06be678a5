"""55_queue.py [--items N] [--stage-ms MS] [--poll-ms MS,MS...] [--rounds R]
Item 55 in CPython: the same download -> resize -> upload pipeline as
items/55_queue_pipelines, on a home-made polling queue (a locked deque whose
get fails when empty; the worker sleeps and tries again) and on queue.Queue
(blocking get, close by a sentinel per worker). Each stage sleeps MS ms per
item. Prints CSV, one row per variant per round, interleaved; the harness runs
it from harness/exp/55.sh where python3 is installed.
"""
import argparse, collections, queue, sys, threading, time


class PollingQueue:
    """The home-made queue: get raises IndexError when empty."""
    def __init__(self):
        self.items = collections.deque()
        self.lock = threading.Lock()

    def put(self, item):
        with self.lock:
            self.items.append(item)

    def get(self):
        with self.lock:
            return self.items.popleft()

    def __len__(self):
        with self.lock:
            return len(self.items)


def stage_work(stage_s):
    time.sleep(stage_s)


class PollingWorker(threading.Thread):
    def __init__(self, in_q, out_q, stage_s, poll_s, stop):
        super().__init__()
        self.in_q, self.out_q = in_q, out_q
        self.stage_s, self.poll_s, self.stop = stage_s, poll_s, stop
        self.polls = 0

    def run(self):
        while not self.stop.is_set():
            try:
                item = self.in_q.get()
            except IndexError:
                self.polls += 1
                time.sleep(self.poll_s)
                continue
            stage_work(self.stage_s)
            self.out_q.put(item)


def run_polling(items, stage_s, poll_s):
    queues = [PollingQueue() for _ in range(4)]
    stop = threading.Event()
    workers = [PollingWorker(queues[i], queues[i + 1], stage_s, poll_s, stop)
               for i in range(3)]
    for w in workers:
        w.start()
    for i in range(items):
        queues[0].put(i)
    while len(queues[3]) < items:
        time.sleep(poll_s)
    stop.set()
    for w in workers:
        w.join()
    done = sorted(queues[3].items)
    if done != list(range(items)):  # a check, not an assert: python -O keeps it
        raise SystemExit("!!! 55_queue.py polling: items lost or repeated")
    return sum(w.polls for w in workers)


SENTINEL = object()


def blocking_worker(in_q, out_q, stage_s):
    while True:
        item = in_q.get()
        if item is SENTINEL:
            out_q.put(SENTINEL)
            return
        stage_work(stage_s)
        out_q.put(item)


def run_blocking(items, stage_s):
    queues = [queue.Queue() for _ in range(4)]
    workers = [threading.Thread(target=blocking_worker, args=(queues[i], queues[i + 1], stage_s))
               for i in range(3)]
    for w in workers:
        w.start()
    for i in range(items):
        queues[0].put(i)
    queues[0].put(SENTINEL)
    for w in workers:
        w.join()
    done = []
    while True:
        item = queues[3].get()
        if item is SENTINEL:
            break
        done.append(item)
    if sorted(done) != list(range(items)):
        raise SystemExit("!!! 55_queue.py blocking: items lost or repeated")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--stage-ms", type=float, default=0.1)
    ap.add_argument("--poll-ms", default="10,0", help="polling intervals, ms; 0: sleep(0)")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    version = "%d.%d" % sys.version_info[:2]
    print("python,variant,round,items,poll_ms,wall_s,cpu_s,polls")
    polls_ms = [float(x) for x in a.poll_ms.split(",")]
    for r in range(1, a.rounds + 1):
        for poll_ms in polls_ms + [None]:   # None: the blocking queue.Queue
            t0, c0 = time.monotonic(), time.process_time()
            if poll_ms is not None:
                polls = run_polling(a.items, a.stage_ms / 1e3, poll_ms / 1e3)
            else:
                polls = run_blocking(a.items, a.stage_ms / 1e3)
            wall, cpu = time.monotonic() - t0, time.process_time() - c0
            print("%s,%s,%d,%d,%s,%.6f,%.6f,%d" % (
                version, "blocking" if poll_ms is None else "polling", r, a.items,
                "" if poll_ms is None else "%g" % poll_ms, wall, cpu, polls), flush=True)


if __name__ == "__main__":
    main()
