/*
 * guess_threads.c - the game served by blocking threads, one per connection:
 * the book's first server. guess_coroutines.c is its port to coroutines,
 * line for line: `diff -u guess_threads.c guess_coroutines.c` is the port.
 */
#include "61_asyncio_port/guess.h"
#include "61_asyncio_port/guess_server.h"
#include "61_asyncio_port/stream.h"
#include "clab.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One client: its socket, its game, and what its handler keeps. */
struct connection {
    pthread_t thread;
    struct server *server;
    struct stream in;            /* the socket, and the bytes of lines not yet handled */
    struct guess_session session;
    ssize_t got;                 /* what the last read or write returned */
    char reply[GUESS_REPLY_MAX];
    size_t reply_len;
    struct connection *prev, *next;
};

struct server {
    pthread_mutex_t lock;        /* the threads share the game and the lists */
    int listen_fd, stop_fd, fd;
    struct guess_game *game;
    struct connection *open;     /* being served */
    struct connection *done;     /* finished, to be joined */
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

/* The client is gone: close its socket, leave it to be joined. */
static void close_connection(struct connection *c)
{
    struct server *s = c->server;
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    take_out(&s->open, c);
    CL_CHECK_SYS(close(c->in.fd));
    add(&s->done, c);
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
}

/* [p4] One connection's whole life on its own thread (the book's
 * handle_connection and Session.loop): read a line, answer it, until the
 * client goes. A slow client holds this thread, and no other. */
static void *serve_connection(void *arg)
{
    struct connection *c = arg;
    struct server *s = c->server;
    for (;;) {
        c->got = stream_readline(&c->in);
        if (c->got <= 0)
            break; /* end of file, the client gone, or a line too long */
        CL_CHECK_RC(pthread_mutex_lock(&s->lock));
        c->reply_len = guess_handle_line(&c->session, c->in.buf, c->in.line_len, c->reply);
        CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
        if (c->reply_len == 0)
            continue;
        c->got = stream_write(&c->in, c->reply, c->reply_len);
        if (c->got == -1)
            break;
    }
    if (c->got == -1 && c->in.error == EMSGSIZE) {
        c->reply_len = strlen(strcpy(c->reply, GUESS_TOO_LONG));
        c->got = stream_write(&c->in, c->reply, c->reply_len);
    }
    close_connection(c);
    return NULL;
}

/* [p5] A new client: a connection and a thread of its own (the book's
 * Thread(target=handle_connection).start()). With no thread to be had
 * (EAGAIN: the limit on threads or memory), it is closed. */
static void start_connection(struct server *s, int fd)
{
    CL_CHECK_SYS(fcntl(fd, F_SETFL, 0)); /* blocking (a BSD passes on the listener's O_NONBLOCK) */
    struct connection *c = cl_calloc(1, sizeof *c);
    c->server = s;
    stream_init(&c->in, fd);
    guess_session_init(&c->session, s->game);
    s->stats.connections++;
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    add(&s->open, c);
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
    int rc = pthread_create(&c->thread, NULL, serve_connection, c);
    if (rc == 0)
        return;
    if (rc != EAGAIN)
        cl_fail(__FILE__, __LINE__, "pthread_create", rc);
    s->stats.refused++;
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    take_out(&s->open, c);
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
    CL_CHECK_SYS(close(fd));
    free(c);
}

/* Joins the threads that have finished. */
static void join_finished(struct server *s)
{
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    while (s->done) {
        struct connection *c = s->done;
        take_out(&s->done, c);
        CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
        CL_CHECK_RC(pthread_join(c->thread, NULL));
        free(c);
        CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    }
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
}

/* [p6] The accept loop (the book's run_server): wait for a client, give it
 * a thread of its own, until stop_fd. A blocked accept() could not see
 * stop_fd, so poll() waits for both, with no timeout. */
static void *accept_clients(void *arg)
{
    struct server *s = arg;
    for (;;) {
        struct pollfd ready[2] = {{.fd = s->listen_fd, .events = POLLIN},
                                  {.fd = s->stop_fd, .events = POLLIN}};
        if (poll(ready, 2, -1) == -1 && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "poll", errno);
        if (ready[1].revents != 0)
            break;
        s->fd = accept(s->listen_fd, NULL, NULL);
        if (s->fd >= 0)
            start_connection(s, s->fd);
        else if (errno == EMFILE || errno == ENFILE)
            poll(&ready[1], 1, 10); /* out of descriptors: let some clients leave first */
        else if (errno != EAGAIN && errno != ECONNABORTED && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "accept", errno);
        join_finished(s);
    }
    return NULL;
}

/* [p7] Serves until stop_fd; then shuts every socket down, which wakes its
 * thread from a blocked read or write, and joins them all. */
struct guess_server_stats guess_serve_threads(int listen_fd, int stop_fd, struct guess_game *game,
                                              guess_ready_fn *ready)
{
    struct server s = {.listen_fd = listen_fd, .stop_fd = stop_fd, .game = game};
    CL_CHECK_RC(pthread_mutex_init(&s.lock, NULL));
    if (ready)
        ready(listen_fd);
    accept_clients(&s);
    /* Every connection, served or finished: a thread moves itself from one
     * list to the other, but only this thread frees it, after its join. */
    CL_CHECK_RC(pthread_mutex_lock(&s.lock));
    struct connection **all = cl_calloc((size_t)s.stats.connections + 1, sizeof *all);
    size_t n = 0;
    for (struct connection *c = s.open; c; c = c->next)
        all[n++] = c;
    for (struct connection *c = s.done; c; c = c->next)
        all[n++] = c;
    CL_CHECK_RC(pthread_mutex_unlock(&s.lock));
    /* Outside the lock, which the woken threads want; and safe: nothing
     * opens a descriptor now, so a number its thread closed meanwhile is
     * nobody else's (shutdown says EBADF, or ENOTCONN if the client left). */
    for (size_t i = 0; i < n; i++)
        shutdown(all[i]->in.fd, SHUT_RDWR);
    /* Every join before any free: a thread still running moves itself onto
     * the done list, and so writes to whichever connection heads it. */
    for (size_t i = 0; i < n; i++)
        CL_CHECK_RC(pthread_join(all[i]->thread, NULL));
    for (size_t i = 0; i < n; i++)
        free(all[i]);
    free(all);
    CL_CHECK_RC(pthread_mutex_destroy(&s.lock));
    return s.stats;
}
