/* stream.c - line framing and whole writes over a socket; see stream.h. */
#include "61_asyncio_port/stream.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void stream_init(struct stream *s, int fd)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
}

static ssize_t failed(struct stream *s, int err)
{
    s->error = errno = err;
    return -1;
}

ssize_t stream_readline(struct stream *s)
{
    memmove(s->buf, s->buf + s->taken, s->have - s->taken); /* the last line is done */
    s->have -= s->taken;
    s->taken = 0;
    for (;;) {
        char *end = memchr(s->buf, '\n', s->have);
        if (end) {
            s->taken = (size_t)(end - s->buf) + 1;
            s->line_len = s->taken - 1 - (end > s->buf && end[-1] == '\r');
            return s->line_len > GUESS_LINE_MAX ? failed(s, EMSGSIZE) : (ssize_t)s->taken;
        }
        if (s->have > GUESS_LINE_MAX + 1) /* 64 bytes and a '\r' at most, no '\n' */
            return failed(s, EMSGSIZE);
        ssize_t n = read(s->fd, s->buf + s->have, sizeof s->buf - s->have);
        if (n == 0)
            return 0;
        if (n == -1 && errno != EINTR)
            return failed(s, errno);
        if (n > 0)
            s->have += (size_t)n;
    }
}

ssize_t stream_write(struct stream *s, const char *text, size_t len)
{
    while (s->sent < len) {
        ssize_t n = send(s->fd, text + s->sent, len - s->sent, MSG_NOSIGNAL);
        if (n == -1 && errno != EINTR)
            return failed(s, errno);
        if (n > 0)
            s->sent += (size_t)n;
    }
    s->sent = 0;
    return (ssize_t)len;
}
