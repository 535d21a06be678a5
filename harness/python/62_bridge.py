#!/usr/bin/env python3
"""62_bridge.py - Item 62's bridges between threads and the loop, in CPython.

Written for conclab (not taken from the book). Runs on CPython 3.5.1 and
later (run_coroutine_threadsafe came in 3.5.1); async def and no asyncio.run, so
that 3.5 and 3.6 run it too. Prints CSV on stdout:

    role,round,handoffs,p50_us,p99_us,errors_on_loop,errors_in_thread

  run_in_executor           await loop.run_in_executor(None, read): from the
                            pool thread having its result to the coroutine
                            having it
  run_coroutine_threadsafe  a plain thread calls
                            run_coroutine_threadsafe(write(line), loop).result():
                            from the call to the coroutine running. Then one
                            write raises OSError(ENOSPC) on the loop: does the
                            thread get it back from .result()?
  call_soon_threadsafe      the same thread calls loop.call_soon_threadsafe(write,
                            line) and carries on: from the call to the callback
                            running. Then one write raises on the loop: the loop's
                            exception handler sees it; does the thread?

    python3 harness/python/62_bridge.py [--rounds 3] [--handoffs 200]
"""
import argparse
import asyncio
import errno
import threading
import time


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # nearest rank, as clab does
    return ordered[int(rank) - 1]


def read_a_line():
    """Stands for the blocking read; returns when it had its result."""
    return time.perf_counter()


async def run_in_executor_role(loop, handoffs):
    waits = []
    for _ in range(handoffs):
        had_it = await loop.run_in_executor(None, read_a_line)
        waits.append(time.perf_counter() - had_it)
    return waits, 0, 0


def from_a_thread(loop, handoffs, use_future):
    """A plain thread hands `handoffs` writes to the loop, then one that fails."""
    waits, seen = [], {"loop": 0, "thread": 0}

    async def write_async(sent, fail):
        waits.append(time.perf_counter() - sent)
        if fail:
            seen["loop"] += 1
            raise OSError(errno.ENOSPC, "No space left on device")

    def write_soon(sent, fail):
        waits.append(time.perf_counter() - sent)
        if fail:
            seen["loop"] += 1
            raise OSError(errno.ENOSPC, "No space left on device")

    def reader():
        for i in range(handoffs + 1):
            fail = i == handoffs
            if use_future:
                future = asyncio.run_coroutine_threadsafe(
                    write_async(time.perf_counter(), fail), loop)
                try:
                    future.result()
                except OSError:
                    seen["thread"] += 1
            else:
                loop.call_soon_threadsafe(write_soon, time.perf_counter(), fail)
        loop.call_soon_threadsafe(loop.stop)

    loop.set_exception_handler(lambda loop, context: None)  # counted above, not printed
    thread = threading.Thread(target=reader)
    thread.start()
    loop.run_forever()
    thread.join()
    return waits[:handoffs], seen["loop"], seen["thread"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--handoffs", type=int, default=200)
    args = parser.parse_args()
    print("role,round,handoffs,p50_us,p99_us,errors_on_loop,errors_in_thread")
    for rnd in range(1, args.rounds + 1):
        for role in ("run_in_executor", "run_coroutine_threadsafe", "call_soon_threadsafe"):
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            if role == "run_in_executor":
                waits, on_loop, in_thread = loop.run_until_complete(
                    run_in_executor_role(loop, args.handoffs))
            else:
                waits, on_loop, in_thread = from_a_thread(
                    loop, args.handoffs, role == "run_coroutine_threadsafe")
            loop.close()
            us = [1e6 * w for w in waits]
            print("%s,%d,%d,%.2f,%.2f,%d,%d" % (role, rnd, len(us), percentile(us, 50),
                                                 percentile(us, 99), on_loop, in_thread),
                  flush=True)


if __name__ == "__main__":
    main()
