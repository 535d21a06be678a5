/*
 * guess_callbacks.c - the game served by callbacks on one event loop
 * (libevent's bufferevents): the port a C programmer writes without
 * coroutines. The handler of guess_threads.c does not survive it: its loop
 * turns inside out into callbacks the loop calls when bytes arrive, when
 * replies have gone out and when the client leaves, and the pushing back
 * that a blocked write gave for free is written out by hand.
 */
#include "61_asyncio_port/guess.h"
#include "61_asyncio_port/guess_server.h"
#include "clab.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>

struct server;

/* One client: its socket, its game, and the bytes of a line not yet whole. */
struct connection {
    struct server *server;
    struct bufferevent *bev; /* the socket, with an input and an output buffer */
    struct guess_session session;
    struct connection *prev, *next;
};

struct server {
    struct guess_game *game;
    struct event_base *base;
    struct evconnlistener *listener;
    struct event *resume_accepting; /* after running out of descriptors */
    struct connection *open; /* every connection still open, freed at the end */
    struct guess_server_stats stats;
};

/* Queues the whole reply; the loop writes it when the socket can take it. */
static bool send_reply(struct connection *c, const char *text, size_t len)
{
    CL_CHECK_SYS(evbuffer_add(bufferevent_get_output(c->bev), text, len));
    return true;
}

/* Closes the socket (BEV_OPT_CLOSE_ON_FREE) and forgets the connection. */
static void close_connection(struct connection *c)
{
    struct server *s = c->server;
    bufferevent_free(c->bev);
    *(c->prev ? &c->prev->next : &s->open) = c->next;
    if (c->next)
        c->next->prev = c->prev;
    free(c);
}

/* [p8] Every whole line in the buffer: handle it, send the reply. False when
 * the connection must close (a line too long, or the client gone). */
static bool on_lines(struct connection *c, struct evbuffer *in)
{
    size_t len;
    char *line;
    while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF)) != NULL) {
        if (len > GUESS_LINE_MAX) {
            free(line);
            break;
        }
        char reply[GUESS_REPLY_MAX];
        size_t n = guess_handle_line(&c->session, line, len, reply);
        free(line);
        if (n > 0 && !send_reply(c, reply, n))
            return false;
    }
    if (line == NULL && evbuffer_get_length(in) <= GUESS_LINE_MAX + 1)
        return true;
    send_reply(c, GUESS_TOO_LONG, strlen(GUESS_TOO_LONG));
    return false;
}

static void on_event(struct bufferevent *bev, short what, void *arg);

/* The last replies (or the one to a line too long) have gone out: close. */
static void on_drained(struct bufferevent *bev, void *arg)
{
    (void)bev;
    close_connection(arg);
}

/* [p9] The loop calls this when bytes have arrived for this client: nobody
 * waits for them. A slow client costs nothing between its bytes. The
 * input buffer holds what one read brought; on_lines bounds what it keeps.
 * A client that sends but never reads would make the replies pile up, so
 * past GUESS_OUTPUT_MAX its reading stops until they drain: what `await
 * writer.drain()` and a blocking send give the other two for free. */
static void on_readable(struct bufferevent *bev, void *arg)
{
    struct connection *c = arg;
    if (on_lines(c, bufferevent_get_input(bev))) {
        if (evbuffer_get_length(bufferevent_get_output(bev)) > GUESS_OUTPUT_MAX)
            CL_CHECK_SYS(bufferevent_disable(bev, EV_READ));
        return;
    }
    CL_CHECK_SYS(bufferevent_disable(bev, EV_READ)); /* a line too long */
    bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
    bufferevent_setcb(bev, NULL, on_drained, on_event, c);
}

/* The replies have drained below the low watermark: read again, starting
 * with the lines that came in meanwhile. */
static void on_written(struct bufferevent *bev, void *arg)
{
    if (bufferevent_get_enabled(bev) & EV_READ)
        return;
    CL_CHECK_SYS(bufferevent_enable(bev, EV_READ));
    on_readable(bev, arg);
}

/* A reset: the client is gone. End of file: it has said all it will, but
 * may still read what it was promised, so the replies go out first. */
static void on_event(struct bufferevent *bev, short what, void *arg)
{
    if ((what & BEV_EVENT_EOF) && evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
        CL_CHECK_SYS(bufferevent_disable(bev, EV_READ));
        bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
        bufferevent_setcb(bev, NULL, on_drained, on_event, arg);
    } else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        close_connection(arg);
    }
}

/* [p10] A new client: a connection and a bufferevent on the one loop. */
static void on_accept(struct evconnlistener *listener, evutil_socket_t fd,
                      struct sockaddr *addr, int addrlen, void *arg)
{
    (void)listener, (void)addr, (void)addrlen;
    struct server *s = arg;
    struct connection *c = calloc(1, sizeof *c);
    if (!c)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    c->server = s;
    c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (!c->bev)
        cl_fail(__FILE__, __LINE__, "bufferevent_socket_new", errno);
    guess_session_init(&c->session, s->game);
    s->stats.connections++;
    c->next = s->open;
    if (s->open)
        s->open->prev = c;
    s->open = c;
    bufferevent_setcb(c->bev, on_readable, on_written, on_event, c);
    bufferevent_setwatermark(c->bev, EV_WRITE, GUESS_OUTPUT_MAX / 2, 0);
    CL_CHECK_SYS(bufferevent_enable(c->bev, EV_READ));
}

/* accept() failed for want of descriptors (the thread server sleeps 10 ms
 * then): stop listening for 10 ms, or libevent would retry at once, for ever,
 * warning on stderr each time and keeping the CPU busy. */
static void on_accept_error(struct evconnlistener *listener, void *arg)
{
    struct server *s = arg;
    int err = EVUTIL_SOCKET_ERROR();
    if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
        cl_fail(__FILE__, __LINE__, "accept", err);
    CL_CHECK_SYS(evconnlistener_disable(listener));
    struct timeval ten_ms = {0, 10 * 1000};
    CL_CHECK_SYS(event_add(s->resume_accepting, &ten_ms));
}

static void on_resume_accepting(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct server *s = arg;
    CL_CHECK_SYS(evconnlistener_enable(s->listener));
}

/* A byte on stop_fd: leave the loop. */
static void on_stop(evutil_socket_t fd, short what, void *base)
{
    (void)fd, (void)what;
    CL_CHECK_SYS(event_base_loopbreak(base));
}

/* [p11] The event loop: one thread waits for every client at once and runs
 * the callback of whichever is ready, until stop_fd. */
struct guess_server_stats guess_serve_callbacks(int listen_fd, int stop_fd, struct guess_game *game,
                                                guess_ready_fn *ready)
{
    struct server s = {.game = game, .base = event_base_new()};
    if (!s.base)
        cl_fail(__FILE__, __LINE__, "event_base_new", errno);
    /* backlog 0: it listens already (-1 would listen again, with 128) */
    s.listener = evconnlistener_new(s.base, on_accept, &s, 0, 0, listen_fd);
    s.resume_accepting = evtimer_new(s.base, on_resume_accepting, &s);
    if (!s.listener || !s.resume_accepting)
        cl_fail(__FILE__, __LINE__, "evconnlistener_new", errno);
    evconnlistener_set_error_cb(s.listener, on_accept_error);
    struct event *stop = event_new(s.base, stop_fd, EV_READ, on_stop, s.base);
    if (!stop || event_add(stop, NULL) == -1)
        cl_fail(__FILE__, __LINE__, "event_add", errno);
    if (ready)
        ready(listen_fd);
    CL_CHECK_SYS(event_base_dispatch(s.base));
    while (s.open)
        close_connection(s.open);
    event_free(stop);
    event_free(s.resume_accepting);
    evconnlistener_free(s.listener);
    event_base_free(s.base);
    return s.stats;
}
