/* guess_threads.c - the game served by blocking threads: one per connection. */
#include "61_asyncio_port/guess.h"
#include "61_asyncio_port/guess_server.h"
#include "clab.h"

#include <event2/buffer.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct server;

/* One client: its socket, its game, and the bytes of a line not yet whole. */
struct connection {
    struct server *server;
    int fd;
    struct guess_session session;
    struct evbuffer *in; /* [p4] read into at most a line's worth at a time */
    pthread_t thread;
    struct connection *next;
};

struct server {
    uint64_t seed;
    pthread_mutex_t lock;        /* guards the two fields below */
    struct connection *finished; /* connections whose thread is to be joined */
    long live;                   /* threads started and not yet joined */
    struct guess_server_stats stats;
};

/* Sends the whole reply now, blocking (100 ms at a time, to see Ctrl-C) while
 * a client that does not read has its buffers full; false if it has gone. */
static bool send_reply(struct connection *c, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = send(c->fd, text, len, MSG_NOSIGNAL);
        if (n == -1 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) &&
            !cl_interrupted())
            continue;
        if (n <= 0)
            return false;
        text += n;
        len -= (size_t)n;
    }
    return true;
}

/* The thread is done with it: close, and leave it to be joined. */
static void close_connection(struct connection *c)
{
    struct server *s = c->server;
    evbuffer_free(c->in);
    CL_CHECK_SYS(close(c->fd));
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    c->next = s->finished;
    s->finished = c;
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
}

/* [p5] Every whole line in the buffer: handle it, send the reply. False when
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

/* [p6] One connection's whole life on its own thread: wait for bytes (100 ms
 * at a time, to see Ctrl-C), read, handle the lines, until the client goes.
 * A slow client holds this thread, and no other. */
static void *serve_connection(void *arg)
{
    struct connection *c = arg;
    while (!cl_interrupted()) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int ready = poll(&p, 1, 100);
        if (ready == -1 && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "poll", errno);
        if (ready <= 0)
            continue;
        int room = GUESS_LINE_MAX + 2 - (int)evbuffer_get_length(c->in);
        int n = evbuffer_read(c->in, c->fd, room);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0 || !on_lines(c, c->in))
            break; /* end of file or a reset (the client is gone), or a line too long */
    }
    close_connection(c);
    return NULL;
}

/* [p7] A new client: a connection and a thread of its own. With no thread
 * to be had (EAGAIN: the limit on threads or memory), it is closed. */
static void on_accept(struct server *s, int fd)
{
    struct connection *c = calloc(1, sizeof *c);
    if (!c)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    c->server = s;
    c->fd = fd;
    struct timeval wait = {0, 100 * 1000};
    CL_CHECK_SYS(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait));
    c->in = evbuffer_new();
    if (!c->in)
        cl_fail(__FILE__, __LINE__, "evbuffer_new", errno);
    guess_session_init(&c->session, s->seed);
    s->stats.connections++;
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    s->live++;
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
    int rc = pthread_create(&c->thread, NULL, serve_connection, c);
    if (rc == 0)
        return;
    if (rc != EAGAIN)
        cl_fail(__FILE__, __LINE__, "pthread_create", rc);
    s->stats.refused++;
    evbuffer_free(c->in);
    CL_CHECK_SYS(close(fd));
    free(c);
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    s->live--;
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
}

/* Joins the threads that have finished; returns how many are still live. */
static long join_finished(struct server *s)
{
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    struct connection *done = s->finished;
    s->finished = NULL;
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
    long joined = 0;
    for (struct connection *next; done; done = next, joined++) {
        next = done->next;
        CL_CHECK_RC(pthread_join(done->thread, NULL));
        free(done);
    }
    CL_CHECK_RC(pthread_mutex_lock(&s->lock));
    long live = s->live -= joined;
    CL_CHECK_RC(pthread_mutex_unlock(&s->lock));
    return live;
}

/* [p8] The accept loop: the main thread waits for a client (100 ms at a
 * time, to see Ctrl-C) and hands each to a thread of its own. */
struct guess_server_stats guess_serve_threads(int listen_fd, uint64_t seed, void (*ready)(int listen_fd))
{
    struct server s = {.seed = seed};
    CL_CHECK_RC(pthread_mutex_init(&s.lock, NULL));
    ready(listen_fd);
    while (!cl_interrupted()) {
        join_finished(&s);
        struct pollfd p = {.fd = listen_fd, .events = POLLIN};
        int ready = poll(&p, 1, 100);
        if (ready == -1 && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "poll", errno);
        if (ready <= 0)
            continue;
        int fd = accept(listen_fd, NULL, NULL);
        if (fd >= 0)
            on_accept(&s, fd);
        else if (errno == EMFILE || errno == ENFILE)
            cl_sleep(0.01); /* out of descriptors: let some clients leave first */
        else if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
            cl_fail(__FILE__, __LINE__, "accept", errno);
    }
    while (join_finished(&s) > 0) /* each thread sees Ctrl-C within 100 ms */
        cl_sleep(0.01);
    CL_CHECK_RC(pthread_mutex_destroy(&s.lock));
    return s.stats;
}
