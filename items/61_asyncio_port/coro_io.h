/*
 * coro_io.h - await a socket, for Item 60's coroutines (coro.h).
 *
 * Item 60's coroutines await a timer (asyncio.sleep) and a gather; a server
 * also awaits its sockets, as asyncio's streams do inside `await
 * reader.readline()` and `await writer.drain()`. CORO_AWAIT_IO is that
 * await: CALL is a non-blocking call that fails with EAGAIN when it would
 * block (accept, read, send, or stream.h's calls); the coroutine then
 * suspends until fd is ready (EV_READ or EV_WRITE) and makes the call again.
 * The rules of coro.h hold: one await per line, state across it in the frame.
 */
#ifndef CORO_IO_H
#define CORO_IO_H

#include "60_coroutines/coro.h"

#include <errno.h>

#define CORO_AWAIT_IO(self, fd, what, call)                                     \
    do {                                                                        \
        (self)->resume_at = __LINE__;                                           \
        __attribute__((fallthrough)); /* the first try, straight from above */  \
        case __LINE__:                                                          \
        if ((call) == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {        \
            coro_await_fd(self, fd, what);                                      \
            return CORO_SUSPENDED;                                              \
        }                                                                       \
    } while (0)

/* Used by the macro: the loop resumes self once fd is ready for `what`. */
void coro_await_fd(struct coro *self, int fd, short what);

#endif
