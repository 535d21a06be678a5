/* process_pool.c - see process_pool.h. Labels [p3]-[p5] are those of the
 * item's README. */
#include "64_true_parallelism/process_pool.h"

#include "clab.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- [p3] The wire format: our pickle --------------------------------------
 *   request: first index (u32), count (u32), count x (a u32, b u32)
 *   reply:   first index (u32), count (u32), compute time in ns (2 x u32),
 *            count x result (u32)                                          */

#define REQUEST_HEADER 8
#define REPLY_HEADER 16

unsigned char *wire_put_u32(unsigned char *at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        at[i] = (unsigned char)(v >> (8 * i));
    return at + 4;
}

const unsigned char *wire_get_u32(const unsigned char *at, uint32_t *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++)
        *v |= (uint32_t)at[i] << (8 * i);
    return at + 4;
}

double cpu_with_children(void)
{
    struct rusage c;
    CL_CHECK_SYS(getrusage(RUSAGE_CHILDREN, &c));
    return cl_cpu_seconds() + (double)c.ru_utime.tv_sec + c.ru_utime.tv_usec / 1e6 +
           (double)c.ru_stime.tv_sec + c.ru_stime.tv_usec / 1e6;
}

/* Writes all len bytes, across partial writes and signals. */
static void write_all(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(n);
        buf += n;
        len -= (size_t)n;
    }
}

/* Reads exactly len bytes: false at end-of-file before the first byte (the
 * other side closed between messages), or anywhere once a stop signal came
 * (Ctrl-C at a terminal reaches the workers too); otherwise end-of-file
 * inside a message is a broken peer. */
static bool read_all(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(n);
        if (n == 0) {
            if (got == 0 || cl_interrupted())
                return false;
            cl_die("pipe closed in the middle of a message (%zu of %zu bytes)", got, len);
        }
        got += (size_t)n;
    }
    return true;
}

/* ---- [p5] A worker: read a message, compute, reply, until end-of-file -------
 * It has its own copy of everything, its own lock among them, which no other
 * thread ever asks for: that is the whole trick. Stop signals: the parent
 * handles them, and tells the workers by closing their request pipes. */
static _Noreturn void worker_main(pair_fn fn, int request_fd, int reply_fd, size_t batch)
{
    struct gil own_gil;
    gil_init(&own_gil, GIL_NEW, 0, 0);
    unsigned char *request = cl_calloc(REQUEST_HEADER + 8 * batch, 1);
    unsigned char *reply = cl_calloc(REPLY_HEADER + 4 * batch, 1);
    gil_acquire(&own_gil);
    unsigned char header[REQUEST_HEADER];
    while (read_all(request_fd, header, sizeof header)) {
        uint32_t first, count;
        wire_get_u32(wire_get_u32(header, &first), &count);
        if (count > batch)
            cl_die("worker %d: a message of %u pairs, at most %zu expected", (int)getpid(),
                   count, batch);
        if (!read_all(request_fd, request, 8 * (size_t)count))
            cl_die("worker %d: pipe closed after a header", (int)getpid());
        double t0 = cl_now();
        const unsigned char *in = request;
        unsigned char *out = reply + REPLY_HEADER;
        for (uint32_t i = 0; i < count; i++) {
            struct pair p;
            in = wire_get_u32(wire_get_u32(in, &p.a), &p.b);
            out = wire_put_u32(out, fn(&own_gil, p));
        }
        uint64_t ns = (uint64_t)((cl_now() - t0) * 1e9);
        unsigned char *at = wire_put_u32(wire_put_u32(reply, first), count);
        wire_put_u32(wire_put_u32(at, (uint32_t)ns), (uint32_t)(ns >> 32));
        write_all(reply_fd, reply, (size_t)(out - reply));
    }
    _exit(0); /* not exit(): the parent's atexit handlers and stdio are not ours */
}

/* ---- [p4] The pool: ProcessPoolExecutor --------------------------------------- */

struct worker {
    pid_t pid;
    int request_fd; /* the parent writes pairs here */
    int reply_fd;   /* and reads results here */
    bool busy;      /* one message out, its reply not yet read */
    double sent_at; /* when the parent began serialising that message */
};

struct pool {
    pair_fn fn;
    const struct pair *pairs;
    uint32_t *results;
    size_t npairs, batch, next; /* next: the first pair not yet sent */
    unsigned char *buffer;      /* one message, either way */
    struct worker *workers;
    long nworkers;
    struct measurement m;
};

/* Forks worker `index`. The child closes the parent's ends of the earlier
 * workers' pipes, which fork copied into it: a stray write end of a request
 * pipe would keep that worker from ever seeing end-of-file. It also takes
 * back the default actions of the stop signals, whose handlers it inherited:
 * it never looks at their flag, so SIGTERM from the parent must end it. */
static void start_worker(struct pool *p, long index)
{
    int request[2], reply[2];
    CL_CHECK_SYS(pipe(request));
    CL_CHECK_SYS(pipe(reply));
    CL_CHECK_SYS(fflush(NULL)); /* or the child would print the parent's buffer again */
    pid_t pid = fork();
    CL_CHECK_SYS(pid);
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        for (long i = 0; i < index; i++) {
            CL_CHECK_SYS(close(p->workers[i].request_fd));
            CL_CHECK_SYS(close(p->workers[i].reply_fd));
        }
        CL_CHECK_SYS(close(request[1]));
        CL_CHECK_SYS(close(reply[0]));
        worker_main(p->fn, request[0], reply[1], p->batch);
    }
    CL_CHECK_SYS(close(request[0]));
    CL_CHECK_SYS(close(reply[1]));
    p->workers[index] = (struct worker){.pid = pid, .request_fd = request[1], .reply_fd = reply[0]};
}

/* Pickle the next batch of pairs and send it to an idle worker. */
static void send_batch(struct pool *p, struct worker *w)
{
    w->sent_at = cl_now();
    size_t count = p->npairs - p->next < p->batch ? p->npairs - p->next : p->batch;
    unsigned char *at = wire_put_u32(wire_put_u32(p->buffer, (uint32_t)p->next), (uint32_t)count);
    for (size_t i = p->next; i < p->next + count; i++)
        at = wire_put_u32(wire_put_u32(at, p->pairs[i].a), p->pairs[i].b);
    write_all(w->request_fd, p->buffer, (size_t)(at - p->buffer));
    p->next += count;
    w->busy = true;
}

/* Read one reply and unpickle its results into place. The round trip minus
 * the worker's own compute time is what shipping cost that worker. */
static void receive_reply(struct pool *p, struct worker *w)
{
    w->busy = false;
    if (!read_all(w->reply_fd, p->buffer, REPLY_HEADER)) {
        if (cl_interrupted())
            return;
        cl_die("worker %d exited before replying", (int)w->pid);
    }
    uint32_t first, count, ns_low, ns_high;
    const unsigned char *at = wire_get_u32(wire_get_u32(p->buffer, &first), &count);
    wire_get_u32(wire_get_u32(at, &ns_low), &ns_high);
    if ((size_t)first + count > p->npairs || count > p->batch)
        cl_die("worker %d replied for pairs %u..+%u, out of range", (int)w->pid, first, count);
    if (!read_all(w->reply_fd, p->buffer, 4 * (size_t)count)) {
        if (cl_interrupted())
            return;
        cl_die("worker %d closed its pipe in a reply", (int)w->pid);
    }
    at = p->buffer;
    for (uint32_t i = 0; i < count; i++)
        at = wire_get_u32(at, &p->results[first + i]);
    double compute_s = (double)((uint64_t)ns_high << 32 | ns_low) / 1e9;
    p->m.compute_s += compute_s;
    p->m.ship_s += cl_now() - w->sent_at - compute_s;
}

/* Waits (in slices, so a stop signal is seen) for the busy workers' replies,
 * reads each, and gives that worker the next batch. False once none is busy. */
static bool collect_replies(struct pool *p, struct pollfd *fds)
{
    bool any_busy = false;
    for (long i = 0; i < p->nworkers; i++) {
        fds[i] = (struct pollfd){.fd = p->workers[i].busy ? p->workers[i].reply_fd : -1,
                                 .events = POLLIN};
        any_busy = any_busy || p->workers[i].busy;
    }
    if (!any_busy)
        return false;
    int ready = poll(fds, (nfds_t)p->nworkers, 100);
    if (ready == -1 && errno == EINTR)
        return true;
    CL_CHECK_SYS(ready);
    for (long i = 0; i < p->nworkers; i++) {
        if (!p->workers[i].busy || fds[i].revents == 0)
            continue;
        receive_reply(p, &p->workers[i]);
        if (p->next < p->npairs && !cl_interrupted())
            send_batch(p, &p->workers[i]);
    }
    return true;
}

/* shutdown(wait=True): end-of-file on each request pipe tells that worker to
 * exit; then reap every one and close the last descriptors. Interrupted, a
 * worker in the middle of a long message is told by SIGTERM instead. */
static void shut_down(struct pool *p)
{
    for (long i = 0; i < p->nworkers; i++) {
        CL_CHECK_SYS(close(p->workers[i].request_fd));
        if (cl_interrupted())
            kill(p->workers[i].pid, SIGTERM);
    }
    for (long i = 0; i < p->nworkers; i++) {
        int status;
        while (waitpid(p->workers[i].pid, &status, 0) == -1)
            if (errno != EINTR)
                cl_fail(__FILE__, __LINE__, "waitpid", errno);
        CL_CHECK_SYS(close(p->workers[i].reply_fd));
        if (!cl_interrupted() && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
            cl_die("worker %d ended with status 0x%x", (int)p->workers[i].pid, (unsigned)status);
    }
}

struct measurement process_pool_map(pair_fn fn, const struct pair *pairs, size_t npairs,
                                    uint32_t *results, long workers, size_t batch)
{
    /* A batch larger than the whole job is one message holding every pair. */
    struct pool p = {.fn = fn, .pairs = pairs, .results = results, .npairs = npairs,
                     .batch = batch < npairs ? batch : npairs, .nworkers = workers};
    p.workers = cl_calloc((size_t)workers, sizeof *p.workers);
    p.buffer = cl_calloc(REPLY_HEADER + 8 * p.batch, 1); /* fits either message */
    struct pollfd *fds = cl_calloc((size_t)workers, sizeof *fds);

    double cpu0 = cpu_with_children(), t0 = cl_now();
    for (long i = 0; i < workers; i++)
        start_worker(&p, i);
    for (long i = 0; i < workers && p.next < npairs; i++)
        send_batch(&p, &p.workers[i]);
    while (!cl_interrupted() && collect_replies(&p, fds)) {
    }
    shut_down(&p);
    p.m.wall_s = cl_now() - t0;
    p.m.cpu_s = cpu_with_children() - cpu0;
    free(fds);
    free(p.buffer);
    free(p.workers);
    return p.m;
}
