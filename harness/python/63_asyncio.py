#!/usr/bin/env python3
"""63_asyncio.py - Item 63 in the real interpreter, beside the C model.

The claims: one blocking call inside a coroutine stalls every other task on
the loop; moved to a thread (run_in_executor) it does not; and asyncio's debug
mode names the slow callback.

Written for conclab (not taken from the book). Prints CSV on stdout:
    variant,round,block_ms,ticks,lag_p50_ms,lag_p99_ms,lag_max_ms,slow_reports
A heartbeat task sleeps 10 ms at a time and records how late it woke; 50 ms in,
a slow task blocks for block_ms with time.sleep (variant blocking) or awaits
the same time.sleep in the default executor (variant offloaded). The loop runs
in debug mode with slow_callback_duration = 0.1 s; slow_reports counts the
warnings asyncio's own logger gave ("Executing <...> took N seconds").

    python3 harness/python/63_asyncio.py [--rounds 3] [--block-ms 500]
"""
import argparse
import asyncio
import logging
import time


class CountSlow(logging.Handler):
    """Counts asyncio's slow-callback warnings."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        if "Executing" in record.getMessage() and "took" in record.getMessage():
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


async def slow_task(offloaded, seconds):
    await asyncio.sleep(0.05)
    if offloaded:
        await asyncio.get_running_loop().run_in_executor(None, time.sleep, seconds)
    else:
        time.sleep(seconds)  # blocks the loop: every other task waits


async def one_run(offloaded, seconds):
    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = 0.1
    lags, stop = [], asyncio.Event()
    beat = asyncio.create_task(heartbeat(lags, 0.01, stop))
    await slow_task(offloaded, seconds)
    await asyncio.sleep(0.06)
    stop.set()
    await beat
    return lags


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--block-ms", type=int, default=500)
    args = parser.parse_args()
    counter = CountSlow()
    log = logging.getLogger("asyncio")
    log.addHandler(counter)
    log.propagate = False  # counted, not printed
    log.setLevel(logging.WARNING)
    print("variant,round,block_ms,ticks,lag_p50_ms,lag_p99_ms,lag_max_ms,slow_reports")
    for rnd in range(1, args.rounds + 1):
        for variant in ("blocking", "offloaded"):
            counter.count = 0
            lags = asyncio.run(one_run(variant == "offloaded", args.block_ms / 1000), debug=True)
            ms = [1000 * x for x in lags]
            print(f"{variant},{rnd},{args.block_ms},{len(ms)},{percentile(ms, 50):.4f},"
                  f"{percentile(ms, 99):.4f},{max(ms):.4f},{counter.count}", flush=True)


if __name__ == "__main__":
    main()
