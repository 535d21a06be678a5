#!/usr/bin/env python3
"""61_server.py - Item 61's game served by asyncio, beside the C servers.

Written for conclab (not taken from the book). The same protocol and the same
guesses as items/61_asyncio_port/guess.c (splitmix64 seeded from --seed, lo and
hi), so its transcripts match the C servers' line for line. It prints
"port N" once listening on 127.0.0.1 (port 0: any free one), serves until
SIGINT or SIGTERM, then prints "served N connections, 0 refused".

    python3 harness/python/61_server.py [--port 0] [--seed 11]
"""
import argparse
import asyncio
import re
import signal
import sys

LINE_MAX = 64          # GUESS_LINE_MAX: longest line, end-of-line excluded
MAX_GUESSES = 32       # GUESS_MAX_GUESSES
VALUE_MAX = 10 ** 12   # GUESS_VALUE_MAX
TOO_LONG = b"ERROR line too long\n"
M64 = (1 << 64) - 1
DECISIONS = (b"Warmer", b"Colder", b"Unsure", b"Correct")
VALUE = re.compile(rb"-?[0-9]{1,13}")


def next_random(state):
    """splitmix64, as in guess.c: returns (new state, value)."""
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def parse_value(word):
    if not VALUE.fullmatch(word):
        return None
    v = int(word)
    return v if abs(v) <= VALUE_MAX else None


class Session:
    """The state machine of guess.c: one line in, at most one reply out."""

    def __init__(self, seed):
        self.seed = seed
        self.clear()

    def clear(self):
        self.active = False
        self.solved = False
        self.lo = self.hi = 0
        self.rng = 0
        self.guesses = []

    def handle(self, line):
        words = line.split(b" ")
        if words[0] == b"PARAMS":
            return self.params(words)
        if words[0] == b"NUMBER":
            return self.number() if len(words) == 1 else b"ERROR usage: NUMBER\n"
        if words[0] == b"REPORT":
            return self.report(words)
        return b"ERROR unknown command\n"

    def params(self, words):
        lo = parse_value(words[1]) if len(words) == 3 else None
        hi = parse_value(words[2]) if len(words) == 3 else None
        if lo is None or hi is None:
            return b"ERROR usage: PARAMS lo hi (integers, |n| <= 10^12)\n"
        self.clear()
        if lo > hi:
            return None  # PARAMS 0 -1: the session is over
        self.active, self.lo, self.hi = True, lo, hi
        self.rng = (self.seed ^ ((lo & M64) * 0xD6E8FEB86659FD93 & M64)
                    ^ ((hi & M64) * 0xA0761D6478BD642F & M64))
        return None

    def number(self):
        if not self.active:
            return b"ERROR no session: send PARAMS lo hi first\n"
        if self.solved:
            return b"%d\n" % self.guesses[-1]
        span = self.hi - self.lo + 1
        if len(self.guesses) == span:
            return b"ERROR no numbers left\n"
        if len(self.guesses) == MAX_GUESSES:
            return b"ERROR too many guesses\n"
        self.rng, r = next_random(self.rng)
        guess = self.lo + r % span
        while guess in self.guesses:
            guess = self.lo if guess == self.hi else guess + 1
        self.guesses.append(guess)
        return b"%d\n" % guess

    def report(self, words):
        if len(words) != 2 or words[1] not in DECISIONS:
            return b"ERROR usage: REPORT Warmer|Colder|Unsure|Correct\n"
        if not self.active or not self.guesses:
            return b"ERROR no guess to report on\n"
        if words[1] == b"Correct":
            self.solved = True
        return None


async def serve_connection(reader, writer, seed, open_writers):
    """The book's async Session.loop: await a line, handle it, reply."""
    open_writers.add(writer)
    session = Session(seed)
    try:
        while True:
            try:
                line = await reader.readline()
            except ValueError:  # longer than the limit, no end-of-line in sight
                writer.write(TOO_LONG)
                await writer.drain()
                break
            if not line.endswith(b"\n"):
                break  # end of file (a partial last line is dropped, as in C)
            line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
            if len(line) > LINE_MAX:
                writer.write(TOO_LONG)
                await writer.drain()
                break
            reply = session.handle(line)
            if reply:
                writer.write(reply)
                await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        open_writers.discard(writer)
        writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    seed = args.seed & M64
    open_writers = set()
    connections = 0

    async def on_connect(reader, writer):
        nonlocal connections
        connections += 1
        await serve_connection(reader, writer, seed, open_writers)

    # limit=LINE_MAX + 1: readline gives up on 66 bytes with no '\n', as the C servers do.
    server = await asyncio.start_server(on_connect, "127.0.0.1", args.port,
                                        limit=LINE_MAX + 1, backlog=4096)
    print("port %d" % server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    stopped_by = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda sig=sig: (stopped_by.append(sig), stop.set()))
    await stop.wait()
    server.close()
    for writer in list(open_writers):
        writer.close()
    await server.wait_closed()
    print("served %d connections, 0 refused" % connections, flush=True)
    # Stopped by Ctrl-C: exit 130 like the C servers (128 + SIGINT).
    return 130 if stopped_by and stopped_by[0] == signal.SIGINT else 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except BrokenPipeError:
        sys.exit(0)
