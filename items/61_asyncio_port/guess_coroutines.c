/*
 * guess_coroutines.c - the game served by coroutines, one per connection:
 * the port of guess_threads.c to Item 60's coroutines, line for line:
 * `diff -u guess_threads.c guess_coroutines.c` is the port.
 */
#include "61_asyncio_port/guess.h"
#include "61_asyncio_port/guess_server.h"
#include "61_asyncio_port/stream.h"
#include "61_asyncio_port/coro_io.h"
#include "clab.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One client: its socket, its game, and what its handler keeps. */
struct connection {
    struct coro co;              /* the frame: what lives across an await */
    struct server *server;
    struct stream in;            /* the socket, and the bytes of lines not yet handled */
    struct guess_session session;
    ssize_t got;                 /* what the last read or write returned */
    char reply[GUESS_REPLY_MAX];
    size_t reply_len;
    struct connection *prev, *next;
};

struct server {
    struct coro co;              /* the accept loop's frame */
    struct event_base *loop;
    int listen_fd, stop_fd, fd;
    struct guess_game *game;
    struct connection *open;     /* being served */
    struct connection *done;     /* finished, to be freed */
    struct guess_server_stats stats;
};

static void add(struct connection **list, struct connection *c)
{
    c->prev = NULL;
    c->next = *list;
    if (*list)
        (*list)->prev = c;
    *list = c;
}

static void take_out(struct connection **list, struct connection *c)
{
    *(c->prev ? &c->prev->next : list) = c->next;
    if (c->next)
        c->next->prev = c->prev;
}

/* The client is gone: close its socket, leave it to be freed. */
static void close_connection(struct connection *c)
{
    struct server *s = c->server;
    take_out(&s->open, c);
    CL_CHECK_SYS(close(c->in.fd));
    add(&s->done, c);
}

/* [p4] One connection's whole life as a coroutine (the book's
 * handle_connection and Session.loop): read a line, answer it, until the
 * client goes. A slow client holds this frame, and nothing else. */
static enum coro_step serve_connection(struct coro *self)
{
    struct connection *c = CORO_FRAME(self, struct connection, co);
    CORO_BEGIN(self);
    for (;;) {
        CORO_AWAIT_IO(self, c->in.fd, EV_READ, c->got = stream_readline(&c->in));
        if (c->got <= 0)
            break; /* end of file, the client gone, or a line too long */
        c->reply_len = guess_handle_line(&c->session, c->in.buf, c->in.line_len, c->reply);
        if (c->reply_len == 0)
            continue;
        CORO_AWAIT_IO(self, c->in.fd, EV_WRITE, c->got = stream_write(&c->in, c->reply, c->reply_len));
        if (c->got == -1)
            break;
    }
    if (c->got == -1 && c->in.error == EMSGSIZE) {
        c->reply_len = strlen(strcpy(c->reply, GUESS_TOO_LONG));
        CORO_AWAIT_IO(self, c->in.fd, EV_WRITE, c->got = stream_write(&c->in, c->reply, c->reply_len));
    }
    close_connection(c);
    CORO_END(self);
}

/* [p5] A new client: a connection and a coroutine of its own (what
 * asyncio.start_server does for each client). It runs up to its first
 * await before this returns. */
static void start_connection(struct server *s, int fd)
{
    CL_CHECK_SYS(fcntl(fd, F_SETFL, O_NONBLOCK)); /* an await, never a blocked thread */
    struct connection *c = cl_calloc(1, sizeof *c);
    c->server = s;
    stream_init(&c->in, fd);
    guess_session_init(&c->session, s->game);
    s->stats.connections++;
    add(&s->open, c);
    coro_start(s->loop, &c->co, serve_connection, NULL);
}

/* Frees the frames of the coroutines that have finished. */
static void free_finished(struct server *s)
{
    while (s->done) {
        struct connection *c = s->done;
        take_out(&s->done, c);
        free(c);
    }
}

/* [p6] The accept loop, a coroutine too (the book's run_server): await a
 * client, give it a coroutine of its own. */
static enum coro_step accept_clients(struct coro *self)
{
    struct server *s = CORO_FRAME(self, struct server, co);
    CORO_BEGIN(self);
    for (;;) {
        CORO_AWAIT_IO(self, s->listen_fd, EV_READ, s->fd = accept(s->listen_fd, NULL, NULL));
        if (s->fd >= 0)
            start_connection(s, s->fd);
        else if (errno == EMFILE || errno == ENFILE)
            CORO_AWAIT_SLEEP(self, 0.01); /* out of descriptors: let some clients leave first */
        else if (errno != ECONNABORTED && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "accept", errno);
        free_finished(s);
    }
    CORO_END(self);
}

static void on_stop(evutil_socket_t fd, short what, void *loop)
{
    (void)fd, (void)what;
    CL_CHECK_SYS(event_base_loopbreak(loop));
}

/* [p7] Serves until stop_fd, one thread running the loop; then takes every
 * coroutine off the loop and closes its socket. */
struct guess_server_stats guess_serve_coroutines(int listen_fd, int stop_fd, struct guess_game *game,
                                                 guess_ready_fn *ready)
{
    struct server s = {.listen_fd = listen_fd, .stop_fd = stop_fd, .game = game};
    s.loop = event_base_new();
    struct event *stop = s.loop ? event_new(s.loop, stop_fd, EV_READ, on_stop, s.loop) : NULL;
    if (!stop || event_add(stop, NULL) == -1)
        cl_fail(__FILE__, __LINE__, "event_new", errno);
    if (ready)
        ready(listen_fd);
    coro_start(s.loop, &s.co, accept_clients, NULL);
    CL_CHECK_SYS(event_base_dispatch(s.loop));
    coro_cancel(&s.co);
    while (s.open) {
        coro_cancel(&s.open->co);
        close_connection(s.open);
    }
    free_finished(&s);
    event_free(stop);
    event_base_free(s.loop);
    return s.stats;
}
