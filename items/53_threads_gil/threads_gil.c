/*
 * 53_threads_gil - Item 53: use threads for blocking I/O, not for parallelism.
 *
 * Python:  CPython's threads are real OS threads, but only the one holding the
 *          Global Interpreter Lock runs Python code. A blocking system call
 *          (select, read, sleep) is made with the lock put down.
 * C:       CPU-bound work is divisors_by_trial, one gil_tick() per step under
 *          the lock of gil.h [p1, in divisors.c]; a blocking call sits between
 *          gil_blocking_begin() and gil_blocking_end() [p2]; a socket round
 *          trip is two such calls [p3].
 *
 * The claims: CPU-bound threads under a GIL are no faster than running the
 * same work serially [p4]; T threads that block in system calls are about T
 * times faster than making the calls one after another, GIL or not [p5]; and
 * blocking calls overlap computation, so the wall time of both together is
 * about the larger of the two, not their sum [p6]. The price: a thread coming
 * back from I/O must wait for a CPU-bound holder to let go, about one switch
 * interval per blocking call under `new` (the convoy of CPython issue 7946)
 * [p7]. --mode timeline records who holds the lock when (gil_trace.h) [p8].
 *
 * Every comparison runs in rounds (--rounds): each round runs every variant
 * once, one after another, so a busy neighbour slows both sides of a ratio.
 *
 * Run:  build/bin/53_threads_gil                      the whole story
 *       build/bin/53_threads_gil --mode cpu --policy none --threads 1,2
 *       build/bin/53_threads_gil --mode convoy --policy new --interval 1
 *       build/bin/53_threads_gil --mode timeline --trace-json gil.json
 *       build/bin/53_threads_gil --mode cpu --csv     rows for the harness
 *
 * Prints (abridged; the shared 2-core VM on a quiet moment, unpinned; median
 * over 5 rounds, smallest and largest round in brackets):
 *   cpu: divisors of T numbers near 5000000, serial vs one thread per number
 *     policy threads serial_s wall_s  speedup (range)     cpu/wall acquired forced
 *     new          2    0.019  0.019   0.99x (0.98-1.16)     1.00        4      2
 *     old          2    0.019  0.027   0.72x (0.68-0.78)     1.23     6252   6250
 *   convoy: 20 socket round trips, alone and beside one CPU-bound thread
 *     policy echo_us alone_p50_us busy_p50_us  slowdown (range)    busy_trips
 *     new        100          178        5262    29.6x (25.7-31.6)     20
 *     old        100          184         187     1.0x (0.9-1.8)     20
 * README.md shows a whole run and what to look for.
 */
#include "53_threads_gil/divisors.h"
#include "53_threads_gil/gil.h"
#include "53_threads_gil/gil_trace.h"
#include "53_threads_gil/story.h"
#include "clab.h"

#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void init_gil(struct gil *g, const struct settings *s, enum gil_policy policy)
{
    gil_init(g, policy, s->interval_ms / 1000.0, s->ticks);
}

/* Ctrl-C (cl_catch_stop_signals in main): every loop checks this and winds down;
 * main joins the threads and exits 130. */
static bool should_stop(const atomic_bool *stop)
{
    return atomic_load_explicit(stop, memory_order_relaxed) || cl_interrupted();
}

/* ---- The concept: work under the lock, and blocking calls without it ------- */

/* [p2] A blocking system call, made with the lock put down: while this thread
 * sleeps in the kernel, another one runs. poll() with no descriptors blocks
 * for the whole timeout, like select() with empty lists. It sleeps in slices
 * of at most 100 ms so that Ctrl-C is seen within half a second. */
static void blocking_wait(struct gil *g, int ms)
{
    gil_blocking_begin(g);
    double deadline = cl_now() + ms / 1000.0;
    for (double left = ms / 1000.0; left > 0 && !cl_interrupted(); left = deadline - cl_now()) {
        int slice_ms = (int)(left * 1000 + 0.999);
        int rc = poll(NULL, 0, slice_ms < 100 ? slice_ms : 100);
        if (rc == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(rc);
    }
    gil_blocking_end(g);
}

/* [p3] One request and its reply over a socket: both the send and the receive
 * block, so each puts the lock down and must win it back afterwards. */
static void round_trip(struct gil *g, int fd, char *buf, size_t len)
{
    gil_blocking_begin(g);
    ssize_t sent = write(fd, buf, len);
    gil_blocking_end(g);
    CL_CHECK_SYS(sent);
    if ((size_t)sent != len)
        cl_die("short write on a socketpair: %zd of %zu bytes", sent, len);
    gil_blocking_begin(g);
    size_t got = 0;
    ssize_t n = 1;
    while (got < len && n > 0) {
        n = read(fd, buf + got, len - got);
        if (n == -1 && errno == EINTR)
            n = 1;
        else if (n > 0)
            got += (size_t)n;
    }
    gil_blocking_end(g);
    CL_CHECK_SYS(n);
    if (n == 0)
        cl_die("the echo thread closed its end early");
}

/* Runs fn(arg_i) on n threads and joins them all. */
static void run_threads(long n, void *(*fn)(void *), void *args, size_t arg_size)
{
    pthread_t *tids = calloc((size_t)n, sizeof *tids);
    if (!tids)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    for (long i = 0; i < n; i++)
        CL_CHECK_RC(pthread_create(&tids[i], NULL, fn, (char *)args + (size_t)i * arg_size));
    for (long i = 0; i < n; i++)
        CL_CHECK_RC(pthread_join(tids[i], NULL));
    free(tids);
}

/* ---- [p4] CPU-bound: divisors of T numbers, serial vs one thread each ------- */

struct cpu_job {
    struct gil *g;
    uint64_t n;
    struct divisors found;
    const atomic_bool *stop;
};

static void *cpu_thread(void *arg)
{
    struct cpu_job *job = arg;
    gil_acquire(job->g);
    job->found = divisors_by_trial(job->g, job->n, job->stop);
    gil_release(job->g);
    return NULL;
}

/* A wrong count is a bug: the run fails with "!!!". */
static void check_divisors(const struct cpu_job *jobs, long n)
{
    for (long i = 0; i < n && !cl_interrupted(); i++) {
        struct divisors want = divisors_by_factoring(jobs[i].n);
        if (jobs[i].found.count != want.count || jobs[i].found.sum != want.sum)
            cl_die("%llu: found %llu divisors summing to %llu, expected %llu summing to %llu",
                   (unsigned long long)jobs[i].n, (unsigned long long)jobs[i].found.count,
                   (unsigned long long)jobs[i].found.sum, (unsigned long long)want.count,
                   (unsigned long long)want.sum);
    }
}


static struct speedup cpu_round(const struct settings *s, enum gil_policy policy, long threads)
{
    atomic_bool stop = false;
    struct cpu_job *jobs = calloc((size_t)threads, sizeof *jobs);
    if (!jobs)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    struct gil g;
    init_gil(&g, s, policy);
    for (long i = 0; i < threads; i++) /* distinct numbers, about equal work */
        jobs[i] = (struct cpu_job){.g = &g, .n = (uint64_t)s->size + 1009 * (uint64_t)i,
                                   .stop = &stop};

    /* Serial: one thread does every number, holding the lock throughout. */
    struct speedup r;
    double t0 = cl_now();
    gil_acquire(&g);
    for (long i = 0; i < threads; i++)
        jobs[i].found = divisors_by_trial(&g, jobs[i].n, &stop);
    gil_release(&g);
    r.serial_s = cl_now() - t0;
    check_divisors(jobs, threads);
    gil_destroy(&g);

    /* Threaded: one thread per number, on a fresh lock for clean statistics. */
    init_gil(&g, s, policy);
    double cpu0 = cl_cpu_seconds();
    t0 = cl_now();
    run_threads(threads, cpu_thread, jobs, sizeof *jobs);
    r.wall_s = cl_now() - t0;
    r.cpu_s = cl_cpu_seconds() - cpu0;
    r.stats = gil_get_stats(&g);
    check_divisors(jobs, threads);
    gil_destroy(&g);
    free(jobs);
    return r;
}

/* ---- [p5] I/O-bound: blocking waits, serial vs one thread each -------------- */

struct io_job {
    struct gil *g;
    long waits, wait_ms;
};

static void *io_thread(void *arg)
{
    struct io_job *job = arg;
    gil_acquire(job->g);
    for (long i = 0; i < job->waits && !cl_interrupted(); i++)
        blocking_wait(job->g, (int)job->wait_ms);
    gil_release(job->g);
    return NULL;
}

static struct speedup io_round(const struct settings *s, enum gil_policy policy, long threads)
{
    struct io_job *jobs = calloc((size_t)threads, sizeof *jobs);
    if (!jobs)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    struct gil g;
    init_gil(&g, s, policy);
    for (long i = 0; i < threads; i++)
        jobs[i] = (struct io_job){&g, s->waits, s->wait_ms};

    struct speedup r;
    double t0 = cl_now();
    for (long i = 0; i < threads; i++)
        io_thread(&jobs[i]); /* the same calls, one after another */
    r.serial_s = cl_now() - t0;
    gil_destroy(&g);

    init_gil(&g, s, policy);
    double cpu0 = cl_cpu_seconds();
    t0 = cl_now();
    run_threads(threads, io_thread, jobs, sizeof *jobs);
    r.wall_s = cl_now() - t0;
    r.cpu_s = cl_cpu_seconds() - cpu0;
    r.stats = gil_get_stats(&g);
    gil_destroy(&g);
    free(jobs);
    return r;
}

/* ---- [p6] Blocking calls overlap computation ------------------------------- */

/* The main thread computes while T threads make blocking waits: the book's
 * point is that the waits cost no computing time, so together they take
 * about as long as the longer of the two alone. */

static struct overlap overlap_round(const struct settings *s, enum gil_policy policy,
                                    long threads, uint64_t number)
{
    struct io_job *jobs = calloc((size_t)threads, sizeof *jobs);
    if (!jobs)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    if (!tids)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    struct gil g;
    init_gil(&g, s, policy);
    for (long i = 0; i < threads; i++)
        jobs[i] = (struct io_job){&g, s->waits, s->wait_ms};
    struct divisors want = divisors_by_factoring(number);
    struct overlap r;

    double t0 = cl_now(); /* computation alone */
    gil_acquire(&g);
    struct divisors got = divisors_by_trial(&g, number, NULL);
    gil_release(&g);
    r.compute_s = cl_now() - t0;

    t0 = cl_now(); /* the waits alone, on T threads */
    run_threads(threads, io_thread, jobs, sizeof *jobs);
    r.io_s = cl_now() - t0;

    t0 = cl_now(); /* both: the waits on T threads, the computation here */
    for (long i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_create(&tids[i], NULL, io_thread, &jobs[i]));
    gil_acquire(&g);
    struct divisors got_beside = divisors_by_trial(&g, number, NULL);
    gil_release(&g);
    for (long i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_join(tids[i], NULL));
    r.both_s = cl_now() - t0;

    if (!cl_interrupted() && (got.count != want.count || got.sum != want.sum ||
                              got_beside.count != want.count || got_beside.sum != want.sum))
        cl_die("overlap: %llu has %llu divisors, counted %llu alone and %llu beside the waits",
               (unsigned long long)number, (unsigned long long)want.count,
               (unsigned long long)got.count, (unsigned long long)got_beside.count);
    gil_destroy(&g);
    free(tids);
    free(jobs);
    return r;
}

/* A number whose divisors take about as long to count as one thread's waits
 * (waits x wait_ms): then the sum is twice the larger part, and whether the
 * two overlap shows as clearly as it can. The fastest of three probes is the
 * machine's speed when nothing else slows it. */
static uint64_t overlap_number(const struct settings *s)
{
    struct gil g;
    gil_init(&g, GIL_NONE, 0, 0);
    const uint64_t probe = 1000000;
    double fastest = 1e9;
    for (int i = 0; i < 3; i++) {
        double t0 = cl_now();
        divisors_by_trial(&g, probe, NULL);
        fastest = fmin(fastest, cl_now() - t0);
    }
    gil_destroy(&g);
    double per_step = fastest / (double)probe;
    double want_s = (double)s->waits * (double)s->wait_ms / 1000.0;
    double n = want_s / (per_step > 0 ? per_step : 1e-9);
    return n < 1000 ? 1000 : n > 4e9 ? (uint64_t)4e9 : (uint64_t)n;
}

/* ---- [p7] The convoy: socket round trips beside a CPU-bound thread --------- */

#define MESSAGE_BYTES 64

struct convoy {
    struct gil *g;
    int client_fd, server_fd; /* the two ends of a socketpair */
    long trips, done;
    double echo_delay_s; /* the far end's think time (a network round trip) */
    double deadline;
    double *rtt_us;
    atomic_bool io_finished, hog_stop, hog_holding;
};

/* The far end: a server outside the interpreter, so it never takes the lock.
 * It echoes every message, after a delay that stands for the network, until
 * the client closes its end. With no delay the reply is back within a few
 * microseconds: sooner than a thread asleep on the other core can wake up. */
static void *echo_thread(void *arg)
{
    struct convoy *c = arg;
    char buf[MESSAGE_BYTES];
    for (;;) {
        ssize_t n = read(c->server_fd, buf, sizeof buf);
        if (n == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(n);
        if (n == 0)
            return NULL;
        if (c->echo_delay_s > 0)
            cl_sleep(c->echo_delay_s);
        CL_CHECK_SYS(write(c->server_fd, buf, (size_t)n));
    }
}

static void *client_thread(void *arg)
{
    struct convoy *c = arg;
    char buf[MESSAGE_BYTES];
    memset(buf, 'x', sizeof buf);
    gil_acquire(c->g);
    while (c->done < c->trips && cl_now() < c->deadline && !atomic_load(&c->hog_stop) &&
           !cl_interrupted()) {
        double t0 = cl_now();
        round_trip(c->g, c->client_fd, buf, sizeof buf);
        c->rtt_us[c->done++] = (cl_now() - t0) * 1e6;
    }
    gil_release(c->g);
    atomic_store(&c->io_finished, true);
    return NULL;
}

/* The CPU-bound neighbour: divides until told to stop. */
static void *hog_thread(void *arg)
{
    struct convoy *c = arg;
    gil_acquire(c->g);
    atomic_store(&c->hog_holding, true);
    while (!should_stop(&c->hog_stop))
        divisors_by_trial(c->g, 1u << 20, &c->hog_stop);
    gil_release(c->g);
    return NULL;
}


/* The client starts once the CPU-bound thread is running: it finds the lock
 * taken, as an I/O thread in a busy interpreter does. */
static void wait_for_hog(struct convoy *c)
{
    while (!atomic_load(&c->hog_holding) && !cl_interrupted())
        cl_sleep(0.0001);
}

/* Starts the echo server, (busy) the hog and then the client; stops the hog
 * once the client is done or its time is up, and joins everything. */
static void convoy_threads(struct convoy *c, bool busy, double allowed_s)
{
    pthread_t echo, client, hog;
    CL_CHECK_RC(pthread_create(&echo, NULL, echo_thread, c));
    if (busy) {
        CL_CHECK_RC(pthread_create(&hog, NULL, hog_thread, c));
        wait_for_hog(c);
    }
    c->deadline = cl_now() + allowed_s;
    CL_CHECK_RC(pthread_create(&client, NULL, client_thread, c));
    /* The client may hardly ever win the lock back (old policy, long check
     * interval; new policy, an interval longer than the deadline); then only
     * stopping the hog lets it finish. */
    while (!atomic_load(&c->io_finished) && cl_now() < c->deadline && !cl_interrupted())
        cl_sleep(0.002);
    atomic_store(&c->hog_stop, true);
    if (busy)
        CL_CHECK_RC(pthread_join(hog, NULL));
    CL_CHECK_RC(pthread_join(client, NULL));
    CL_CHECK_SYS(close(c->client_fd)); /* end-of-file tells the echo thread to finish */
    CL_CHECK_RC(pthread_join(echo, NULL));
    CL_CHECK_SYS(close(c->server_fd));
}

static struct trips convoy_once(const struct settings *s, struct gil *g, long echo_us,
                                bool busy)
{
    int fds[2];
    CL_CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    struct convoy c = {.g = g, .client_fd = fds[0], .server_fd = fds[1], .trips = s->trips,
                       .echo_delay_s = echo_us / 1e6};
    c.rtt_us = calloc((size_t)s->trips, sizeof *c.rtt_us);
    if (!c.rtt_us)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    atomic_init(&c.io_finished, false);
    atomic_init(&c.hog_stop, false);
    atomic_init(&c.hog_holding, false);
    convoy_threads(&c, busy, s->convoy_s);
    struct trips r = {c.done, NAN, NAN, gil_get_stats(g)};
    if (c.done > 0) {
        r.p50_us = cl_percentile(c.rtt_us, (size_t)c.done, 50);
        r.p99_us = cl_percentile(c.rtt_us, (size_t)c.done, 99);
    }
    free(c.rtt_us);
    return r;
}


static struct convoy_pair convoy_round(const struct settings *s, enum gil_policy policy,
                                       long echo_us)
{
    struct convoy_pair r;
    for (int busy = 0; busy <= 1; busy++) {
        struct gil g;
        init_gil(&g, s, policy);
        struct trips t = convoy_once(s, &g, echo_us, busy);
        gil_destroy(&g);
        *(busy ? &r.busy : &r.alone) = t;
    }
    return r;
}

/* ---- [p8] A timeline: who holds the lock, when ------------------------------ */

/* A scene: two CPU-bound threads, or the convoy's client beside a hog, for
 * trace_ms, every move of the lock recorded in trace. */
struct scene_thread {
    struct gil *g;
    const char *label;
    atomic_bool *stop;
    void *(*body)(void *);
    void *body_arg;
    atomic_int *started; /* counts the scene's threads that are running */
};

static void *traced_thread(void *arg)
{
    struct scene_thread *t = arg;
    gil_trace_record(t->g->trace, GIL_TRACE_NAME, t->label);
    atomic_fetch_add(t->started, 1);
    return t->body(t->body_arg);
}

static void *hog_until_stopped(void *arg)
{
    struct scene_thread *t = arg;
    gil_acquire(t->g);
    while (!should_stop(t->stop))
        divisors_by_trial(t->g, 1u << 20, t->stop);
    gil_release(t->g);
    return NULL;
}

static void timeline_cpu(struct gil *g, long trace_ms)
{
    atomic_bool stop = false;
    atomic_int started = 0;
    struct scene_thread t[2] = {{g, "CPU thread 1", &stop, hog_until_stopped, NULL, &started},
                                {g, "CPU thread 2", &stop, hog_until_stopped, NULL, &started}};
    t[0].body_arg = &t[0];
    t[1].body_arg = &t[1];
    pthread_t tids[2];
    for (int i = 0; i < 2; i++)
        CL_CHECK_RC(pthread_create(&tids[i], NULL, traced_thread, &t[i]));
    /* The scene begins once both threads run: on a busy machine a new thread
     * can wait milliseconds for its first turn, which is not the GIL's doing. */
    while (atomic_load(&started) < 2 && !cl_interrupted())
        cl_sleep(0.0001);
    gil_trace_begin(g->trace);
    double end = cl_now() + trace_ms / 1000.0;
    while (cl_now() < end && !cl_interrupted())
        cl_sleep(0.001);
    gil_trace_stop(g->trace); /* the scene ends here; the winding down is not shown */
    atomic_store(&stop, true);
    for (int i = 0; i < 2; i++)
        CL_CHECK_RC(pthread_join(tids[i], NULL));
}

static void timeline_convoy(struct gil *g, long trace_ms, long echo_us)
{
    int fds[2];
    CL_CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    long most_trips = 100000;
    struct convoy c = {.g = g, .client_fd = fds[0], .server_fd = fds[1], .trips = most_trips,
                       .echo_delay_s = echo_us / 1e6};
    c.rtt_us = calloc((size_t)most_trips, sizeof *c.rtt_us);
    if (!c.rtt_us)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    atomic_init(&c.io_finished, false);
    atomic_init(&c.hog_stop, false);
    atomic_init(&c.hog_holding, false);
    atomic_int started = 0;
    struct scene_thread t[2] = {{g, "I/O thread", &c.hog_stop, client_thread, &c, &started},
                                {g, "CPU thread", &c.hog_stop, hog_thread, &c, &started}};
    pthread_t echo, tids[2];
    CL_CHECK_RC(pthread_create(&echo, NULL, echo_thread, &c));
    CL_CHECK_RC(pthread_create(&tids[1], NULL, traced_thread, &t[1]));
    wait_for_hog(&c);
    c.deadline = cl_now() + 3600; /* the scene's end stops the client (hog_stop) */
    CL_CHECK_RC(pthread_create(&tids[0], NULL, traced_thread, &t[0]));
    while (atomic_load(&started) < 2 && !cl_interrupted()) /* as in timeline_cpu */
        cl_sleep(0.0001);
    gil_trace_begin(g->trace);
    double end = cl_now() + trace_ms / 1000.0;
    /* The scene ends at its time even if the client cannot win the lock back
     * (old policy, a huge --ticks): stopping the hog lets it out, and
     * hog_stop also tells the client to finish. */
    while (!atomic_load(&c.io_finished) && cl_now() < end && !cl_interrupted())
        cl_sleep(0.001);
    gil_trace_stop(g->trace);
    atomic_store(&c.hog_stop, true);
    for (int i = 0; i < 2; i++)
        CL_CHECK_RC(pthread_join(tids[i], NULL));
    CL_CHECK_SYS(close(c.client_fd));
    CL_CHECK_RC(pthread_join(echo, NULL));
    CL_CHECK_SYS(close(c.server_fd));
    free(c.rtt_us);
}

/* ---- Rounds: every variant once per round, then the reports ---------------- */

static int policies_to_run(const char *name, enum gil_policy out[3])
{
    if (strcmp(name, "all") == 0) {
        out[0] = GIL_NEW, out[1] = GIL_OLD, out[2] = GIL_NONE;
        return 3;
    }
    if (gil_policy_parse(name, &out[0]) != 0) /* cl_parse has checked the word */
        cl_usage_error("--policy: '%s' is not a policy", name);
    return 1;
}

/* Results of every variant in every round: [policy][variant][round]. */
static void *round_table(int policies, int variants, long rounds, size_t size)
{
    void *t = calloc((size_t)policies * (size_t)variants * (size_t)rounds, size);
    if (!t)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    return t;
}
/* Where variant v of policy p in round r sits in a round_table. */
#define AT(s, p, v, r) \
    (((size_t)(p) * CL_LIST_MAX + (size_t)(v)) * (size_t)(s)->rounds + (size_t)(r))

/* cpu or io: round after round, every policy and thread count in each. */
static void run_speedups(const struct settings *s, const char *mode,
                         const enum gil_policy *policies, int np)
{
    story53_heading(s, mode, 0);
    struct speedup *res = round_table(np, CL_LIST_MAX, s->rounds, sizeof *res);
    long done = 0;
    for (long round = 0; round < s->rounds && !cl_interrupted(); round++) {
        for (int p = 0; p < np; p++)
            for (int t = 0; t < s->threads.n && !cl_interrupted(); t++) {
                long threads = s->threads.v[t];
                struct speedup r = strcmp(mode, "cpu") == 0
                                       ? cpu_round(s, policies[p], threads)
                                       : io_round(s, policies[p], threads);
                res[AT(s, p, t, round)] = r;
                if (!cl_interrupted())
                    story53_speedup_row(s, mode, policies[p], threads, round + 1, &r);
            }
        done += !cl_interrupted();
    }
    for (int p = 0; p < np && done > 0; p++)
        for (int t = 0; t < s->threads.n; t++)
            story53_speedup_summary(s, mode, policies[p], s->threads.v[t], &res[AT(s, p, t, 0)],
                                   done);
    if (done > 0)
        story53_lesson(s, mode);
    free(res);
}

static void run_overlaps(const struct settings *s, const enum gil_policy *policies, int np)
{
    uint64_t number = overlap_number(s);
    story53_heading(s, "overlap", number);
    struct overlap *res = round_table(np, CL_LIST_MAX, s->rounds, sizeof *res);
    long done = 0;
    for (long round = 0; round < s->rounds && !cl_interrupted(); round++) {
        for (int p = 0; p < np; p++)
            for (int t = 0; t < s->threads.n && !cl_interrupted(); t++) {
                struct overlap r = overlap_round(s, policies[p], s->threads.v[t], number);
                res[AT(s, p, t, round)] = r;
                if (!cl_interrupted())
                    story53_overlap_row(s, policies[p], s->threads.v[t], round + 1, &r);
            }
        done += !cl_interrupted();
    }
    for (int p = 0; p < np && done > 0; p++)
        for (int t = 0; t < s->threads.n; t++)
            story53_overlap_summary(s, policies[p], s->threads.v[t], &res[AT(s, p, t, 0)], done);
    if (done > 0)
        story53_lesson(s, "overlap");
    free(res);
}

static void run_convoys(const struct settings *s, const enum gil_policy *policies, int np)
{
    story53_heading(s, "convoy", 0);
    struct convoy_pair *res = round_table(np, CL_LIST_MAX, s->rounds, sizeof *res);
    long done = 0;
    for (long round = 0; round < s->rounds && !cl_interrupted(); round++) {
        for (int p = 0; p < np; p++)
            for (int e = 0; e < s->echo_us.n && !cl_interrupted(); e++) {
                struct convoy_pair r = convoy_round(s, policies[p], s->echo_us.v[e]);
                res[AT(s, p, e, round)] = r;
                if (!cl_interrupted())
                    story53_convoy_row(s, policies[p], s->echo_us.v[e], round + 1, &r);
            }
        done += !cl_interrupted();
    }
    for (int p = 0; p < np && done > 0; p++)
        for (int e = 0; e < s->echo_us.n; e++)
            story53_convoy_summary(s, policies[p], s->echo_us.v[e], &res[AT(s, p, e, 0)], done);
    if (done > 0)
        story53_lesson(s, "convoy");
    free(res);
}

/* Two scenes, each under every policy that has a lock. The convoy scene's
 * echo is the last of --echo-us (100 us by default). */
static void run_timelines(const struct settings *s, const enum gil_policy *policies, int np,
                          FILE *json)
{
    story53_heading(s, "timeline", 0);
    if (!s->csv && np == 1 && policies[0] == GIL_NONE)
        printf("  --policy none has no lock: no timeline to draw (try new or old)\n");
    int pid = 1;
    const char *scenes[] = {"cpu", "convoy"};
    for (int k = 0; k < 2; k++)
        for (int p = 0; p < np && !cl_interrupted(); p++) {
            if (policies[p] == GIL_NONE)
                continue; /* no lock, nothing to draw */
            struct gil g;
            struct gil_trace trace;
            init_gil(&g, s, policies[p]);
            gil_trace_init(&trace, 1L << 18);
            gil_set_trace(&g, &trace);
            if (k == 0)
                timeline_cpu(&g, s->trace_ms);
            else
                timeline_convoy(&g, s->trace_ms, s->echo_us.v[s->echo_us.n - 1]);
            if (!cl_interrupted()) {
                story53_timeline(s, scenes[k], policies[p], &trace);
                if (json) {
                    char name[64];
                    snprintf(name, sizeof name, "%s, %s GIL", scenes[k],
                             gil_policy_name(policies[p]));
                    gil_trace_json(&trace, json, pid++, name);
                }
            }
            gil_trace_destroy(&trace);
            gil_destroy(&g);
        }
    if (!cl_interrupted() && !(np == 1 && policies[0] == GIL_NONE))
        story53_lesson(s, "timeline");
}

static void run_modes(const struct settings *s, FILE *json)
{
    enum gil_policy policies[3];
    int np = policies_to_run(s->policy, policies);
    bool all = strcmp(s->mode, "all") == 0;
    if ((all || strcmp(s->mode, "cpu") == 0) && !cl_interrupted())
        run_speedups(s, "cpu", policies, np);
    if ((all || strcmp(s->mode, "io") == 0) && !cl_interrupted())
        run_speedups(s, "io", policies, np);
    if ((all || strcmp(s->mode, "overlap") == 0) && !cl_interrupted())
        run_overlaps(s, policies, np);
    if ((all || strcmp(s->mode, "convoy") == 0) && !cl_interrupted())
        run_convoys(s, policies, np);
    if ((all || strcmp(s->mode, "timeline") == 0) && !cl_interrupted())
        run_timelines(s, policies, np, json);
}

/* --trace-json FILE is written as FILE.part and renamed once the timeline is
 * whole, so Ctrl-C never leaves half a trace under FILE's name. A FILE that
 * is not a regular file (/dev/null, a pipe) is written in place: renaming
 * over it would replace it. It is opened before anything runs, so an
 * unwritable name is refused at once. part is "" when written in place. */
static FILE *open_trace_json(const char *file, char *part, size_t size)
{
    struct stat st;
    part[0] = '\0';
    if ((stat(file, &st) != 0 || S_ISREG(st.st_mode)) &&
        snprintf(part, size, "%s.part", file) >= (int)size)
        cl_usage_error("--trace-json: the name '%s' is too long", file);
    const char *name = part[0] ? part : file;
    FILE *json = fopen(name, "w");
    if (!json)
        cl_usage_error("--trace-json: cannot write '%s': %s", name, strerror(errno));
    gil_trace_json_begin(json);
    return json;
}

static void finish_trace_json(FILE *json, const char *file, const char *part)
{
    if (!cl_interrupted())
        gil_trace_json_end(json);
    if (fclose(json) != 0)
        cl_fail(__FILE__, __LINE__, "fclose", errno);
    if (part[0] && cl_interrupted())
        CL_CHECK_SYS(unlink(part));
    else if (part[0])
        CL_CHECK_SYS(rename(part, file));
}

/* --trace-json FILE takes a file name, which the shared parser has no kind
 * for: take it out of argv before cl_parse sees the rest. */
static const char *take_trace_json(int *argc, char **argv)
{
    const char *file = NULL;
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strncmp(argv[i], "--trace-json=", 13) == 0)
            file = argv[i] + 13;
        else if (strcmp(argv[i], "--trace-json") == 0) {
            if (i + 1 >= *argc)
                cl_usage_error("--trace-json needs a file name");
            file = argv[++i];
        } else
            argv[out++] = argv[i];
    }
    *argc = out;
    argv[out] = NULL;
    if (file && !*file)
        cl_usage_error("--trace-json needs a file name");
    return file;
}

int main(int argc, char **argv)
{
    struct settings s = {.mode = "all", .policy = "all", .threads = {3, {1, 2, 4}},
                         .rounds = 5, .interval_ms = 5, .ticks = 100, .size = 5000000,
                         .waits = 2, .wait_ms = 10, .trips = 20, .echo_us = {2, {0, 100}},
                         .convoy_s = 2, .trace_ms = 30};
    struct cl_opt opts[] = {
        {"mode", CL_OPT_CHOICE, &s.mode, "which experiment",
         .choices = "all|cpu|io|overlap|convoy|timeline"},
        {"policy", CL_OPT_CHOICE, &s.policy, "the lock's policy", .choices = "all|new|old|none"},
        {"threads", CL_OPT_LIST, &s.threads, "thread counts for cpu, io and overlap", 1, 64},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds: every variant runs once in each", 1, 100},
        {"interval", CL_OPT_DOUBLE, &s.interval_ms, "switch interval in ms (new)", 0.01, 1000},
        {"ticks", CL_OPT_INT, &s.ticks, "ticks between release-and-retry (old)", 1, 100000000},
        {"size", CL_OPT_INT, &s.size, "cpu: numbers near this (1e8: ~0.3 s per number)", 1, 100000000},
        {"waits", CL_OPT_INT, &s.waits, "io, overlap: blocking waits per thread", 1, 100},
        {"wait-ms", CL_OPT_INT, &s.wait_ms, "io, overlap: ms per wait (waits x wait-ms <= 200)", 1,
         200},
        {"trips", CL_OPT_INT, &s.trips, "convoy: round trips to measure", 1, 100000},
        {"echo-us", CL_OPT_LIST, &s.echo_us, "convoy: echo server's delays per reply, us", 0,
         100000},
        {"convoy-s", CL_OPT_DOUBLE, &s.convoy_s, "convoy: at most this many s per run", 0.1, 10},
        {"trace-ms", CL_OPT_INT, &s.trace_ms, "timeline: ms per scene", 5, 1000},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "53_threads_gil",
        .summary = "a GIL-like lock: CPU-bound threads do not speed up, blocking ones do",
        .epilogue =
            "  --trace-json FILE      timeline: also write Chrome trace-event JSON\n"
            "                         (open it in https://ui.perfetto.dev or chrome://tracing)\n"
            "Time: the story takes 1-2 s per round on a quiet 2-core machine. The ranges\n"
            "  keep each flag's extreme, the others left alone, near a minute; rounds,\n"
            "  thread counts and policies multiply (--mode and --policy narrow a run).\n"
            "Examples:\n"
            "  53_threads_gil                                   the whole story\n"
            "  53_threads_gil --mode cpu --policy none          no GIL: threads use the cores\n"
            "  53_threads_gil --mode convoy --interval 1        a shorter switch interval\n"
            "  53_threads_gil --mode convoy --pin               every thread on CPU 0\n"
            "  53_threads_gil --mode timeline --trace-json gil.json\n"
            "CSV (--csv needs one --mode; one row per variant per round):\n"
            "  cpu, io:  " SPEEDUP_COLUMNS "\n"
            "    speedup = serial_s / wall_s of the same round; the lock's statistics\n"
            "    and cpu_s (user + system seconds) are for the threaded run.\n"
            "  overlap:  " OVERLAP_COLUMNS "\n"
            "    hidden = (compute_s + io_s - both_s) / min(compute_s, io_s).\n"
            "  convoy:   " CONVOY_COLUMNS "\n"
            "    slowdown = busy_p50_us / alone_p50_us; busy_trips 0: the client\n"
            "    never finished a trip (starved) and busy_p50_us is the time it waited.\n"
            "  timeline: " TIMELINE_COLUMNS "\n"
            "    state: running, waiting (for the lock) or syscall (blocked, lock put down).\n",
        .opts = opts,
    };
    s.trace_json = take_trace_json(&argc, argv);
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    s.pinned = prog.pin;
    if (s.csv && strcmp(s.mode, "all") == 0)
        cl_usage_error("--csv needs one --mode (cpu, io, overlap, convoy or timeline): "
                       "each has its own columns");
    if (s.waits * s.wait_ms > 200)
        cl_usage_error("--waits x --wait-ms is %ld ms; at most 200 ms per thread (the story's "
                       "io and overlap parts then take about 30 s each)",
                       s.waits * s.wait_ms);
    if (s.trace_json && strcmp(s.mode, "all") != 0 && strcmp(s.mode, "timeline") != 0)
        cl_usage_error("--trace-json goes with --mode timeline");

    cl_catch_stop_signals();

    char part[4096];
    FILE *json = s.trace_json ? open_trace_json(s.trace_json, part, sizeof part) : NULL;
    int fds_at_start = cl_open_fds();
    run_modes(&s, json);
    cl_check_leftovers(fds_at_start, true);
    if (json)
        finish_trace_json(json, s.trace_json, part);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; every thread joined\n", cl_program_name());
        return 130;
    }
    return 0;
}
