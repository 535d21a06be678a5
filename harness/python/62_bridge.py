#!/usr/bin/env python3
"""62_bridge.py - Item 62's two bridges in the real interpreter, beside the C model.

How long a hand-off between a thread and the asyncio loop takes, each way:
  executor    the loop awaits loop.run_in_executor(None, read): the time from the
              worker thread having its result to the awaiting coroutine having it
  threadsafe  a plain thread calls asyncio.run_coroutine_threadsafe(append(line)):
              the time from the call to the coroutine running on the loop

Written for conclab (not taken from the book). Prints CSV on stdout:
    role,round,handoffs,p50_us,p99_us

    python3 harness/python/62_bridge.py [--rounds 3] [--handoffs 200]
"""
import argparse
import asyncio
import threading
import time


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # nearest rank, as clab does
    return ordered[int(rank) - 1]


def read_a_line():
    """Stands for the blocking read; returns when it had its result."""
    return time.perf_counter()


async def executor_role(handoffs):
    loop = asyncio.get_running_loop()
    waits = []
    for _ in range(handoffs):
        had_it = await loop.run_in_executor(None, read_a_line)
        waits.append(time.perf_counter() - had_it)
    return waits


async def threadsafe_role(handoffs):
    loop = asyncio.get_running_loop()
    waits = []

    async def append(sent):
        waits.append(time.perf_counter() - sent)

    def reader():
        for _ in range(handoffs):
            asyncio.run_coroutine_threadsafe(append(time.perf_counter()), loop).result()

    thread = threading.Thread(target=reader)
    thread.start()
    while thread.is_alive():
        await asyncio.sleep(0.001)
    thread.join()
    return waits


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--handoffs", type=int, default=200)
    args = parser.parse_args()
    print("role,round,handoffs,p50_us,p99_us")
    for rnd in range(1, args.rounds + 1):
        for role, fn in (("executor", executor_role), ("threadsafe", threadsafe_role)):
            waits = [1e6 * w for w in asyncio.run(fn(args.handoffs))]
            print(f"{role},{rnd},{len(waits)},{percentile(waits, 50):.2f},"
                  f"{percentile(waits, 99):.2f}", flush=True)


if __name__ == "__main__":
    main()
