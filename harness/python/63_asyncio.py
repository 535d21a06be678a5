#!/usr/bin/env python3
"""63_asyncio.py - Item 63 in CPython, beside the C model.

Written for conclab (not taken from the book). Runs on CPython 3.5 and later
(async def; no asyncio.run, so that 3.5 and 3.6 run it too).

--part lag (default) prints
    variant,round,block_ms,beats,lag_p50_ms,lag_p99_ms,lag_max_ms,work_ms,slow_reports
A heartbeat task sleeps 10 ms at a time and notes how late it woke; 50 ms in,
a slow task calls time.sleep(block) in the loop (blocking), awaits the same
call in the default executor (offloaded), or calls time.sleep for a tenth of
the block in the loop (below). The loop runs in debug mode with
slow_callback_duration = 0.1 s; slow_reports counts asyncio's own warnings
("Executing <...> took N seconds").

--part start prints
    how,round,starts,held_p50_us,held_max_us
How long the loop is held by starting a thread whose run() waits for work,
20 times each: thread.start() in a coroutine (on_loop); the call
loop.run_in_executor(None, thread.start) itself, on a fresh loop, the first
time (executor_first: the default executor does not exist yet) and the next
times (executor_later).

    python3 harness/python/63_asyncio.py [--part lag|start] [--rounds 3] [--block-ms 500]
"""
import argparse
import asyncio
import logging
import threading
import time


class CountSlow(logging.Handler):
    """Counts asyncio's slow-callback warnings."""

    def __init__(self):
        logging.Handler.__init__(self)
        self.count = 0

    def emit(self, record):
        message = record.getMessage()
        if "Executing" in message and "took" in message:
            self.count += 1


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # nearest rank, as clab does
    return ordered[int(rank) - 1]


async def heartbeat(lags, period, stop):
    while not stop.is_set():
        due = time.monotonic() + period
        await asyncio.sleep(period)
        lags.append(max(0.0, time.monotonic() - due))


async def slow_task(variant, seconds):
    await asyncio.sleep(0.05)
    start = time.monotonic()
    if variant == "offloaded":
        await asyncio.get_event_loop().run_in_executor(None, time.sleep, seconds)
    else:
        time.sleep(seconds)  # blocks the loop: every other task waits
    return time.monotonic() - start


async def one_run(variant, seconds):
    lags, stop = [], asyncio.Event()
    beat = asyncio.ensure_future(heartbeat(lags, 0.01, stop))
    took = await slow_task(variant, seconds)
    await asyncio.sleep(0.06)
    stop.set()
    await beat
    return lags, took


def lag_part(rounds, block_ms):
    counter = CountSlow()
    log = logging.getLogger("asyncio")
    log.addHandler(counter)
    log.propagate = False  # counted, not printed
    log.setLevel(logging.WARNING)
    print("variant,round,block_ms,beats,lag_p50_ms,lag_p99_ms,lag_max_ms,work_ms,slow_reports")
    for rnd in range(1, rounds + 1):
        for variant in ("blocking", "offloaded", "below"):
            block = block_ms / (10.0 if variant == "below" else 1.0)
            counter.count = 0
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            loop.set_debug(True)
            loop.slow_callback_duration = 0.1
            lags, took = loop.run_until_complete(one_run(variant, block / 1000))
            loop.close()
            ms = [1000 * x for x in lags]
            print("%s,%d,%g,%d,%.4f,%.4f,%.4f,%.3f,%d" % (
                variant, rnd, block, len(ms), percentile(ms, 50), percentile(ms, 99), max(ms),
                1000 * took, counter.count), flush=True)


def waiting_thread(go):
    return threading.Thread(target=go.wait)


async def starts(how, count):
    loop = asyncio.get_event_loop()
    go, held, threads = threading.Event(), [], []
    for _ in range(count):
        t = waiting_thread(go)
        threads.append(t)
        t0 = time.perf_counter()
        if how == "on_loop":
            t.start()  # waits until the new thread runs
            held.append(time.perf_counter() - t0)
        else:
            future = loop.run_in_executor(None, t.start)
            held.append(time.perf_counter() - t0)
            await future
        await asyncio.sleep(0.005)
    go.set()
    for t in threads:
        t.join()
    return held


def start_part(rounds, count=20):
    print("how,round,starts,held_p50_us,held_max_us")
    for rnd in range(1, rounds + 1):
        for how in ("on_loop", "executor"):
            loop = asyncio.new_event_loop()  # a fresh loop: no default executor yet
            asyncio.set_event_loop(loop)
            held = [1e6 * h for h in loop.run_until_complete(starts(how, count))]
            loop.close()
            rows = [(how, held)] if how == "on_loop" else [
                ("executor_first", held[:1]), ("executor_later", held[1:])]
            for name, values in rows:
                print("%s,%d,%d,%.2f,%.2f" % (name, rnd, len(values), percentile(values, 50),
                                              max(values)), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=("lag", "start"), default="lag")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--block-ms", type=int, default=500)
    args = parser.parse_args()
    if args.part == "lag":
        lag_part(args.rounds, args.block_ms)
    else:
        start_part(args.rounds)


if __name__ == "__main__":
    main()
