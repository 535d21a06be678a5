/*
 * convoy.c - round trips beside a CPU-bound thread (convoy.h).
 */
#include "53_threads_gil/convoy.h"
#include "53_threads_gil/divisors.h"
#include "53_threads_gil/gil_trace.h"

#include "clab.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MESSAGE_BYTES 64

/* The far end: echoes each message after echo_us, until the client hangs up. */
static void *echo_server(void *arg)
{
    struct convoy *c = arg;
    char buf[MESSAGE_BYTES];
    for (ssize_t n; (n = read(c->fd[1], buf, sizeof buf)) != 0;) {
        if (n == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(n);
        cl_sleep(c->echo_us / 1e6);
        CL_CHECK_SYS(write(c->fd[1], buf, (size_t)n));
    }
    return NULL;
}

/* [p3] A request and its reply: two blocking calls, each made with the lock
 * put down and each followed by taking it back. */
static void round_trip(struct gil *g, int fd)
{
    char buf[MESSAGE_BYTES] = "ping";
    gil_blocking_begin(g);
    ssize_t n = write(fd, buf, sizeof buf); /* 64 bytes on a socketpair: all at once */
    gil_blocking_end(g);
    gil_blocking_begin(g);
    for (size_t got = 0; n > 0 && got < sizeof buf;) {
        n = read(fd, buf + got, sizeof buf - got);
        if (n > 0)
            got += (size_t)n;
        else if (n == -1 && errno == EINTR)
            n = 1; /* a signal: read on */
    }
    gil_blocking_end(g);
    if (n <= 0)
        cl_fail(__FILE__, __LINE__, "a round trip on a socketpair", n == 0 ? EPIPE : errno);
}

static void name_in_trace(struct gil *g, const char *label)
{
    if (g->trace)
        gil_trace_record(g->trace, GIL_TRACE_NAME, label);
}

static void *client(void *arg)
{
    struct convoy *c = arg;
    name_in_trace(c->g, "I/O thread");
    c->client_started = cl_now();
    gil_acquire(c->g);
    while (c->done < c->trips && !atomic_load(&c->stop) && !cl_interrupted()) {
        double t0 = cl_now();
        round_trip(c->g, c->fd[0]);
        c->trip_s[c->done++] = cl_now() - t0;
    }
    gil_release(c->g);
    c->wall_s = cl_now() - c->client_started;
    atomic_store(&c->stop, true);
    return NULL;
}

/* CPU time of the calling thread: it grows only while the thread is on a
 * core, whatever the rest of the machine does. */
static double thread_cpu_seconds(void)
{
    struct timespec ts;
    CL_CHECK_SYS(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts));
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The CPU-bound neighbour: factorizes until the client is done. */
static void *cpu_hog(void *arg)
{
    struct convoy *c = arg;
    name_in_trace(c->g, "CPU thread");
    double cpu0 = thread_cpu_seconds(), t0 = cl_now();
    gil_acquire(c->g);
    atomic_store(&c->hog_running, true);
    while (!atomic_load(&c->stop) && !cl_interrupted())
        divisors_by_trial(c->g, 1 << 20, &c->stop);
    gil_release(c->g);
    c->hog_cpu_s = thread_cpu_seconds() - cpu0;
    c->hog_wall_s = cl_now() - t0;
    return NULL;
}

void convoy_run(struct convoy *c, bool busy, double limit_s)
{
    pthread_t echo, client_tid, hog;
    CL_CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, c->fd));
    c->done = 0;
    c->wall_s = c->hog_cpu_s = c->hog_wall_s = 0;
    atomic_init(&c->stop, false);
    atomic_init(&c->hog_running, false);
    CL_CHECK_RC(pthread_create(&echo, NULL, echo_server, c));
    if (busy) /* the client starts once its neighbour holds the lock */
        CL_CHECK_RC(pthread_create(&hog, NULL, cpu_hog, c));
    while (busy && !atomic_load(&c->hog_running) && !cl_interrupted())
        cl_sleep(0.0001);
    CL_CHECK_RC(pthread_create(&client_tid, NULL, client, c));
    /* The client may hardly ever win the lock back: stopping the neighbour
     * at the limit lets it out. */
    for (double end = cl_now() + limit_s; !atomic_load(&c->stop) && cl_now() < end;)
        cl_sleep(0.001);
    atomic_store(&c->stop, true);
    if (busy)
        CL_CHECK_RC(pthread_join(hog, NULL));
    CL_CHECK_RC(pthread_join(client_tid, NULL));
    CL_CHECK_SYS(close(c->fd[0])); /* end of file: the echo server finishes */
    CL_CHECK_RC(pthread_join(echo, NULL));
    CL_CHECK_SYS(close(c->fd[1]));
}
