/*
 * stream.h - lines in, replies out, over one socket: what the game servers
 * get from file.readline() and sendall() in the book's threaded server, and
 * from asyncio's `await reader.readline()` and `writer.write(); await
 * writer.drain()` in its port.
 *
 * The same two calls serve both. On a blocking socket (a thread per
 * connection) they block until done. On a non-blocking one (the coroutines)
 * they return -1 with errno EAGAIN where they would block, keeping what they
 * did so far, and CORO_AWAIT_IO (coro_io.h) makes the same call again once
 * the socket is ready: the await is all the port adds.
 */
#ifndef STREAM_H
#define STREAM_H

#include "61_asyncio_port/guess.h"

#include <sys/types.h>

#define STREAM_BUF 256 /* a few lines: clients may send several at once */

struct stream {
    int fd;
    char buf[STREAM_BUF]; /* bytes read and not yet handed out */
    size_t have;          /* how many */
    size_t taken;         /* of those, the line last handed out and its end */
    size_t line_len;      /* that line's length, end-of-line excluded */
    size_t sent;          /* of the reply being written, the bytes gone */
    int error;            /* errno of the call that failed: EMSGSIZE, a line too long */
};

void stream_init(struct stream *s, int fd);

/* The next line, ended by LF or CRLF, at s->buf (s->line_len bytes, the end
 * excluded). Returns the bytes it took, end included (>= 1); 0 at end of
 * file (a last line with no end is dropped); -1 with errno: EAGAIN (no whole
 * line yet, non-blocking), EMSGSIZE (over GUESS_LINE_MAX), or the socket's. */
ssize_t stream_readline(struct stream *s);

/* All len bytes of text: returns len; -1 with errno: EAGAIN (part may be
 * gone: call again with the same text), or EPIPE, ECONNRESET... */
ssize_t stream_write(struct stream *s, const char *text, size_t len);

#endif
