#!/usr/bin/env python3
"""61_server.py - Item 61's game served by CPython, both ways the book serves it.

Written for conclab (not taken from the book). The protocol of
items/61_asyncio_port/guess.h: PARAMS lo hi, NUMBER, REPORT word; guesses
drawn with the random module, seeded once for the whole server
(random.seed(1234) draws the book's 4, 1, 5, 3 and 11, 10, 12).

    --server threads   a thread per connection, blocking reads (the book's
                       first server): handle_connection
    --server asyncio   its port to asyncio: handle_async_connection, the same
                       lines with `async` and `await` added

It prints "port N" once listening on 127.0.0.1 (port 0: any free one),
serves until SIGINT or SIGTERM, closes every connection, prints "served N
connections, 0 refused" and exits 128 + the signal. CPython 3.6 or later.

    python3 harness/python/61_server.py [--server asyncio] [--port 0] [--seed 1234]
"""
import argparse
import asyncio
import random
import re
import select
import signal
import socket
import sys
import threading

LINE_MAX = 64          # GUESS_LINE_MAX: longest line, end-of-line excluded
MAX_GUESSES = 32       # GUESS_MAX_GUESSES
VALUE_MAX = 10 ** 12   # GUESS_VALUE_MAX
TOO_LONG = b"ERROR line too long\n"
DECISIONS = (b"Warmer", b"Colder", b"Unsure", b"Correct")
VALUE = re.compile(rb"-?[0-9]{1,13}")
STEP = False           # --draw step: the port that changed the logic


def parse_value(word):
    if not VALUE.fullmatch(word):
        return None
    v = int(word)
    return v if abs(v) <= VALUE_MAX else None


class Session:
    """One connection's game (guess.c): one line in, at most one reply out."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.active = False
        self.solved = False
        self.lo = self.hi = 0
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
        if lo <= hi:
            self.active, self.lo, self.hi = True, lo, hi
        return None  # PARAMS 0 -1 (lo > hi) ends the session

    def number(self):
        if not self.active:
            return b"ERROR no session: send PARAMS lo hi first\n"
        if self.solved:
            return b"%d\n" % self.guesses[-1]
        if len(self.guesses) == self.hi - self.lo + 1:
            return b"ERROR no numbers left\n"  # the book's would loop for ever
        if len(self.guesses) == MAX_GUESSES:
            return b"ERROR too many guesses\n"
        guess = random.randint(self.lo, self.hi)
        while guess in self.guesses:
            if STEP:
                guess = self.lo if guess == self.hi else guess + 1
            else:
                guess = random.randint(self.lo, self.hi)
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


# ---- The book's first server: a thread per connection, blocking calls ------

class Connection:
    """A socket as lines in, replies out (the book's ConnectionBase)."""

    def __init__(self, sock):
        self.sock = sock
        self.reader = sock.makefile("rb")

    def receive(self):
        """The next line without its end; None at the end; TOO_LONG if over."""
        line = self.reader.readline(LINE_MAX + 2)
        return end_of(line, len(line) > LINE_MAX + 1)

    def send(self, reply):
        self.sock.sendall(reply)

    def close(self):
        self.reader.close()
        self.sock.close()


def end_of(line, overrun):
    """The line without LF or CRLF; None at end of file (a partial last line
    is dropped, as in C); TOO_LONG past LINE_MAX."""
    if overrun:
        return TOO_LONG
    if not line.endswith(b"\n"):
        return None
    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
    return TOO_LONG if len(line) > LINE_MAX else line


def handle_connection(conn):
    session = Session()
    try:
        while True:
            line = conn.receive()
            if line is None:
                break
            if line is TOO_LONG:
                conn.send(TOO_LONG)
                break
            reply = session.handle(line)
            if reply:
                conn.send(reply)
    except OSError:
        pass  # the client is gone, or the server stops
    finally:
        conn.close()


def serve_threads(listener, wake, stats):
    """The book's run_server: accept, and a thread for each client; until a
    byte on `wake` (a blocked accept() could not see a stop)."""
    running = []  # (thread, socket) of every client, the finished ones pruned
    while True:
        ready, _, _ = select.select([listener, wake], [], [])
        if wake in ready:
            break
        try:
            sock, _ = listener.accept()
        except BlockingIOError:
            continue
        except OSError:  # out of descriptors: let some clients leave first
            select.select([wake], [], [], 0.01)
            continue
        sock.setblocking(True)
        stats["connections"] += 1
        thread = threading.Thread(target=handle_connection, args=(Connection(sock),))
        thread.start()
        running.append((thread, sock))
        if len(running) % 1024 == 0:
            running = [(t, s) for t, s in running if t.is_alive()]
    for thread, sock in running:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes its thread's blocked read
        except OSError:
            pass  # closed already
    for thread, sock in running:
        thread.join()


# ---- Its port to asyncio: the same handler, `async` and `await` added -------

class AsyncConnection:
    """The same, on asyncio's streams (the book's AsyncConnectionBase)."""

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    async def receive(self):
        try:
            return end_of(await self.reader.readline(), False)
        except ValueError:  # over the reader's limit, no end-of-line in sight
            return TOO_LONG

    async def send(self, reply):
        self.writer.write(reply)
        await self.writer.drain()

    def close(self):
        self.writer.close()


async def handle_async_connection(conn):
    session = Session()
    try:
        while True:
            line = await conn.receive()
            if line is None:
                break
            if line is TOO_LONG:
                await conn.send(TOO_LONG)
                break
            reply = session.handle(line)
            if reply:
                await conn.send(reply)
    except OSError:
        pass  # the client is gone, or the server stops
    finally:
        conn.close()


async def serve_asyncio(listener, stop, stats):
    """start_server does the accept loop and makes a task for each client."""
    writers = set()
    all_done = asyncio.Event()

    async def on_connect(reader, writer):
        stats["connections"] += 1
        writers.add(writer)
        try:
            await handle_async_connection(AsyncConnection(reader, writer))
        finally:
            writers.discard(writer)
            if stop.is_set() and not writers:
                all_done.set()

    # limit: readline gives up on 66 bytes with no end-of-line, as the C servers do
    server = await asyncio.start_server(on_connect, sock=listener, limit=LINE_MAX + 1,
                                        backlog=4096)  # it listens again, 100 by default
    await stop.wait()
    server.close()
    if writers:  # closed, each handler's readline ends: wait for them all (before
        for writer in list(writers):  # 3.12, wait_closed does not)
            writer.close()
        await all_done.wait()
    await server.wait_closed()


def main():
    global STEP
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("threads", "asyncio"), default="threads")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--draw", choices=("again", "step"), default="again")
    args = parser.parse_args()
    random.seed(args.seed)
    STEP = args.draw == "step"
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(4096)
    listener.setblocking(False)
    print("port %d" % listener.getsockname()[1], flush=True)
    stats, stopped_by = {"connections": 0}, []
    if args.server == "threads":
        wake_r, wake_w = socket.socketpair()

        def on_signal(sig, frame):
            stopped_by.append(sig)
            wake_w.send(b"x")
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, on_signal)
        serve_threads(listener, wake_r, stats)
    else:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, lambda sig=sig: (stopped_by.append(sig), stop.set()))
        loop.run_until_complete(serve_asyncio(listener, stop, stats))
        loop.close()
    print("served %d connections, 0 refused" % stats["connections"], flush=True)
    return 128 + stopped_by[0] if stopped_by else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(1)
