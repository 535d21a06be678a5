/*
 * 53_threads_gil - Item 53: use threads for blocking I/O, not for parallelism.
 *
 * Python:  CPython's threads are real OS threads, but only the one holding the
 *          Global Interpreter Lock runs Python code. A blocking system call
 *          (select, read, sleep) is made with the lock put down.
 * C:       every step of "interpreter work" is a gil_tick() under the lock of
 *          gil.h [p1]; a blocking call sits between gil_blocking_begin() and
 *          gil_blocking_end() [p2]; a socket round trip is two such calls [p3].
 *
 * The claims: CPU-bound threads under a GIL are no faster than running the
 * same work serially; K threads that block in system calls are about K times
 * faster than making the calls one after another, GIL or not. And the cost:
 * a thread coming back from I/O must wait for a CPU-bound holder to let go.
 * Under `new` that is about one switch interval per blocking call (the convoy
 * of CPython issue 7946); under `old` the I/O thread gets in sooner, but
 * CPU-bound threads fight over the lock and run slower than serial.
 *
 * Run:  build/bin/53_threads_gil                      the whole story
 *       build/bin/53_threads_gil --mode cpu --policy none --threads 1,2
 *       build/bin/53_threads_gil --mode convoy --policy new --interval 1
 *       build/bin/53_threads_gil --csv                rows for the harness
 *
 * Prints (abridged; a shared 2-core VM, unpinned):
 *   cpu      count the divisors of T numbers near 50000000, serial vs T threads
 *            policy threads serial_s wall_s speedup cpu/wall  acquired forced switches waited_s
 *            new          2    0.272  0.275   0.99x     1.00        38     36       37    0.261
 *            old          4    0.519  0.803   0.65x     1.24    125006 125002     6362    1.920
 *            none         2    0.256  0.129   1.98x     1.99         0      0        0    0.000
 *   io       T threads x 5 blocking waits of 20 ms, serial vs T threads
 *            new          4    0.402  0.101   3.99x     0.01        24      0       23    0.000
 *   convoy   100 socket round trips, alone and beside one CPU-bound thread
 *            policy beside   p50_us     p99_us  trips  acquired forced switches waited_s
 *            new    alone         267        693    100       201      0        0    0.000
 *            new    busy         5312       9841    100       303    101      203    0.527
 *            old    busy          181       4448    100      6796   6594      202    0.005
 */
#include "53_threads_gil/gil.h"
#include "clab.h"

#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Ctrl-C (cl_catch_sigint in main): every loop below checks cl_interrupted()
 * and winds down; main joins the threads and exits 130. */
static bool should_stop(const atomic_bool *stop)
{
    return atomic_load_explicit(stop, memory_order_relaxed) ||
           cl_interrupted();
}

/* ---- The concept ----------------------------------------------------------- */

struct divisors {
    uint64_t count, sum;
};

/* One tick stands for one bytecode. CPython runs a bytecode in roughly
 * 30-50 ns; a 64-bit division takes a few, so a tick is 16 of them. That keeps
 * "every 100 ticks" (the old policy) near the real CPython 2 in time. */
#define DIVISIONS_PER_TICK 16

/* [p1] CPU-bound work, like the book's factorize(): try every i from 1 to n.
 * The lock must be held; gil_tick is where another thread may get a turn. */
static struct divisors count_divisors(struct gil *g, uint64_t n, const atomic_bool *stop)
{
    struct divisors d = {0, 0};
    for (uint64_t i = 1; i <= n; i++) {
        if (n % i == 0) {
            d.count++;
            d.sum += i;
        }
        if (i % DIVISIONS_PER_TICK == 0)
            gil_tick(g);
        if (i % 65536 == 0 && should_stop(stop))
            break;
    }
    return d;
}

/* [p2] A blocking system call, made with the lock put down: while this thread
 * sleeps in the kernel, another one runs. poll() with no descriptors blocks
 * for the whole timeout (select() on an unconnected socket would not). */
static void blocking_wait(struct gil *g, int ms)
{
    gil_blocking_begin(g);
    double deadline = cl_now() + ms / 1000.0;
    for (double left = ms / 1000.0; left > 0; left = deadline - cl_now()) {
        int rc = poll(NULL, 0, (int)(left * 1000 + 0.999));
        if (rc == -1 && errno == EINTR) {
            if (cl_interrupted())
                break;
            continue;
        }
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

/* ---- Settings and output --------------------------------------------------- */

struct settings {
    const char *mode, *policy;
    struct cl_list threads;
    double interval_ms;
    long ticks;
    long size;        /* cpu: the numbers are near this */
    long waits;       /* io: blocking waits per thread */
    long wait_ms;     /* io: length of each */
    long trips;       /* convoy: round trips measured */
    long echo_us;     /* convoy: the echo server's delay before each reply */
    double convoy_s;  /* convoy: at most this long per measurement */
    bool csv, pinned;
};

#define CSV_COLUMNS                                                                    \
    "mode,policy,threads,pinned,serial_s,wall_s,speedup,cpu_s,acquisitions,forced_drops," \
    "switches,wait_s,p50_us,p99_us,trips"

static void init_gil(struct gil *g, const struct settings *s, enum gil_policy policy)
{
    gil_init(g, policy, s->interval_ms / 1000.0, s->ticks);
}

/* One row of a speedup experiment (cpu or io). */
struct speedup_result {
    enum gil_policy policy;
    long threads;
    double serial_s, wall_s, cpu_s;
    struct gil_stats stats;
};

static void report_speedup(const struct settings *s, const char *mode,
                           const struct speedup_result *r)
{
    double speedup = r->serial_s / r->wall_s;
    if (s->csv) {
        cl_csv_row("%s,%s,%ld,%d,%.6f,%.6f,%.4f,%.6f,%ld,%ld,%ld,%.6f,,,", mode,
                   gil_policy_name(r->policy), r->threads, s->pinned, r->serial_s, r->wall_s,
                   speedup, r->cpu_s, r->stats.acquisitions, r->stats.forced_drops,
                   r->stats.switches, r->stats.wait_seconds);
        return;
    }
    printf("         %-6s %7ld %8.3f %6.3f %6.2fx %8.2f %9ld %6ld %8ld %8.3f\n",
           gil_policy_name(r->policy), r->threads, r->serial_s, r->wall_s, speedup,
           r->cpu_s / r->wall_s, r->stats.acquisitions, r->stats.forced_drops,
           r->stats.switches, r->stats.wait_seconds);
}

static void speedup_table_header(const struct settings *s)
{
    if (!s->csv)
        printf("         policy threads serial_s wall_s speedup cpu/wall  acquired forced "
               "switches waited_s\n");
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

/* ---- (a) CPU-bound: divisors of T numbers, serial vs one thread each -------- */

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
    job->found = count_divisors(job->g, job->n, job->stop);
    gil_release(job->g);
    return NULL;
}

/* The answer, the fast way (trial division up to the square root), to check
 * the slow way against: a wrong count is a bug, and the run fails. */
static struct divisors divisors_by_factoring(uint64_t n)
{
    struct divisors d = {1, 1};
    for (uint64_t p = 2; p * p <= n; p++) {
        uint64_t power = 1, powers_sum = 1, exponent = 0;
        while (n % p == 0) {
            n /= p;
            power *= p;
            powers_sum += power;
            exponent++;
        }
        d.count *= exponent + 1;
        d.sum *= powers_sum;
    }
    if (n > 1) { /* one prime factor left above the square root */
        d.count *= 2;
        d.sum *= n + 1;
    }
    return d;
}

static void check_divisors(const struct cpu_job *jobs, long n)
{
    for (long i = 0; i < n; i++) {
        struct divisors want = divisors_by_factoring(jobs[i].n);
        if (jobs[i].found.count != want.count || jobs[i].found.sum != want.sum)
            cl_die("%" PRIu64 ": found %" PRIu64 " divisors summing to %" PRIu64
                   ", expected %" PRIu64 " summing to %" PRIu64,
                   jobs[i].n, jobs[i].found.count, jobs[i].found.sum, want.count, want.sum);
    }
}

static void run_cpu_once(const struct settings *s, enum gil_policy policy, long threads)
{
    struct gil g;
    init_gil(&g, s, policy);
    atomic_bool stop = false;
    struct cpu_job *jobs = calloc((size_t)threads, sizeof *jobs);
    if (!jobs)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    for (long i = 0; i < threads; i++) /* distinct numbers, about equal work */
        jobs[i] = (struct cpu_job){.g = &g, .n = (uint64_t)s->size + 1009 * (uint64_t)i,
                                   .stop = &stop};

    /* Serial: one thread does every number, holding the lock throughout. */
    double t0 = cl_now();
    gil_acquire(&g);
    for (long i = 0; i < threads; i++)
        jobs[i].found = count_divisors(&g, jobs[i].n, &stop);
    gil_release(&g);
    double serial = cl_now() - t0;
    if (!cl_interrupted()) /* Ctrl-C leaves the counts unfinished */
        check_divisors(jobs, threads);

    /* Threaded: one thread per number, on a fresh lock for clean statistics. */
    gil_destroy(&g);
    init_gil(&g, s, policy);
    for (long i = 0; i < threads; i++)
        jobs[i].found = (struct divisors){0, 0};
    double cpu0 = cl_cpu_seconds();
    t0 = cl_now();
    run_threads(threads, cpu_thread, jobs, sizeof *jobs);
    struct speedup_result r = {policy, threads, serial, cl_now() - t0,
                               cl_cpu_seconds() - cpu0, gil_get_stats(&g)};
    gil_destroy(&g);
    if (!cl_interrupted()) {
        check_divisors(jobs, threads);
        report_speedup(s, "cpu", &r);
    }
    free(jobs);
}

/* ---- (b) I/O-bound: blocking waits, serial vs one thread each --------------- */

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

static void run_io_once(const struct settings *s, enum gil_policy policy, long threads)
{
    struct gil g;
    init_gil(&g, s, policy);
    struct io_job *jobs = calloc((size_t)threads, sizeof *jobs);
    if (!jobs)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    for (long i = 0; i < threads; i++)
        jobs[i] = (struct io_job){&g, s->waits, s->wait_ms};

    double t0 = cl_now();
    for (long i = 0; i < threads; i++)
        io_thread(&jobs[i]); /* the same calls, one after another */
    double serial = cl_now() - t0;

    gil_destroy(&g);
    init_gil(&g, s, policy);
    double cpu0 = cl_cpu_seconds();
    t0 = cl_now();
    run_threads(threads, io_thread, jobs, sizeof *jobs);
    struct speedup_result r = {policy, threads, serial, cl_now() - t0,
                               cl_cpu_seconds() - cpu0, gil_get_stats(&g)};
    gil_destroy(&g);
    if (!cl_interrupted())
        report_speedup(s, "io", &r);
    free(jobs);
}

/* ---- (c) Convoy: socket round trips beside a CPU-bound thread --------------- */

#define MESSAGE_BYTES 64

struct convoy {
    struct gil *g;
    int client_fd, server_fd; /* the two ends of a socketpair */
    long trips, done;
    double echo_delay_s; /* the far end's think time (a network round trip) */
    double deadline;
    double *rtt_us;
    atomic_bool io_finished, hog_stop;
};

/* The far end: a server outside the interpreter, so it never takes the lock.
 * It echoes every message, after a short delay that stands for the network,
 * until the client closes its end. Without the delay the reply comes back
 * before a sleeping neighbour has even woken up, and the lock never moves. */
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
    while (c->done < c->trips && cl_now() < c->deadline && !cl_interrupted()) {
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
    while (!should_stop(&c->hog_stop))
        count_divisors(c->g, 1u << 20, &c->hog_stop);
    gil_release(c->g);
    return NULL;
}

struct convoy_result {
    long busy, trips;
    double p50_us, p99_us, wall_s, cpu_s;
    struct gil_stats stats;
};

static struct convoy_result run_convoy_once(const struct settings *s, enum gil_policy policy,
                                            long busy)
{
    struct gil g;
    init_gil(&g, s, policy);
    int fds[2];
    CL_CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    struct convoy c = {.g = &g, .client_fd = fds[0], .server_fd = fds[1], .trips = s->trips,
                       .echo_delay_s = s->echo_us / 1e6, .deadline = cl_now() + s->convoy_s};
    c.rtt_us = calloc((size_t)s->trips, sizeof *c.rtt_us);
    if (!c.rtt_us)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    atomic_init(&c.io_finished, false);
    atomic_init(&c.hog_stop, false);

    pthread_t echo, client, hog;
    double cpu0 = cl_cpu_seconds(), t0 = cl_now();
    CL_CHECK_RC(pthread_create(&echo, NULL, echo_thread, &c));
    if (busy)
        CL_CHECK_RC(pthread_create(&hog, NULL, hog_thread, &c));
    CL_CHECK_RC(pthread_create(&client, NULL, client_thread, &c));
    /* Under `old` the client may hardly ever win the lock back; then only
     * stopping the hog lets it finish. So wait for the client or its deadline
     * (plus a margin), whichever comes first, before stopping the hog. */
    while (!atomic_load(&c.io_finished) && cl_now() < c.deadline + 0.5 &&
           !cl_interrupted())
        cl_sleep(0.002);
    atomic_store(&c.hog_stop, true);
    if (busy)
        CL_CHECK_RC(pthread_join(hog, NULL));
    CL_CHECK_RC(pthread_join(client, NULL));
    CL_CHECK_SYS(close(c.client_fd)); /* end-of-file tells the echo thread to finish */
    CL_CHECK_RC(pthread_join(echo, NULL));
    CL_CHECK_SYS(close(c.server_fd));

    struct convoy_result r = {busy, c.done, 0, 0, cl_now() - t0, cl_cpu_seconds() - cpu0,
                              gil_get_stats(&g)};
    r.p50_us = cl_percentile(c.rtt_us, (size_t)c.done, 50);
    r.p99_us = cl_percentile(c.rtt_us, (size_t)c.done, 99);
    free(c.rtt_us);
    gil_destroy(&g);
    return r;
}

static void report_convoy(const struct settings *s, enum gil_policy policy,
                          const struct convoy_result *r)
{
    if (s->csv) {
        cl_csv_row("convoy,%s,%ld,%d,,%.6f,,%.6f,%ld,%ld,%ld,%.6f,%.2f,%.2f,%ld",
                   gil_policy_name(policy), r->busy, s->pinned, r->wall_s, r->cpu_s,
                   r->stats.acquisitions, r->stats.forced_drops, r->stats.switches,
                   r->stats.wait_seconds, r->p50_us, r->p99_us, r->trips);
        return;
    }
    printf("         %-6s %-6s %10.0f %10.0f %6ld %9ld %6ld %8ld %8.3f\n",
           gil_policy_name(policy), r->busy ? "busy" : "alone", r->p50_us, r->p99_us,
           r->trips, r->stats.acquisitions, r->stats.forced_drops, r->stats.switches,
           r->stats.wait_seconds);
}

static void run_convoy(const struct settings *s, enum gil_policy policy)
{
    for (long busy = 0; busy <= 1 && !cl_interrupted(); busy++) {
        struct convoy_result r = run_convoy_once(s, policy, busy);
        if (r.trips == 0)
            cl_die("convoy (%s): no round trip finished in %.1f s", gil_policy_name(policy),
                   s->convoy_s);
        if (!cl_interrupted())
            report_convoy(s, policy, &r);
    }
}

/* ---- The story --------------------------------------------------------------- */

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

static void run_modes(const struct settings *s)
{
    enum gil_policy policies[3];
    int npolicies = policies_to_run(s->policy, policies);
    bool all = strcmp(s->mode, "all") == 0;
    if (all || strcmp(s->mode, "cpu") == 0) {
        if (!s->csv)
            printf("cpu      count the divisors of T numbers near %ld, serial vs T threads\n",
                   s->size);
        speedup_table_header(s);
        for (int p = 0; p < npolicies; p++)
            for (int t = 0; t < s->threads.n && !cl_interrupted(); t++)
                run_cpu_once(s, policies[p], s->threads.v[t]);
    }
    if (all || strcmp(s->mode, "io") == 0) {
        if (!s->csv)
            printf("io       T threads x %ld blocking waits of %ld ms, serial vs T threads\n",
                   s->waits, s->wait_ms);
        speedup_table_header(s);
        for (int p = 0; p < npolicies; p++)
            for (int t = 0; t < s->threads.n && !cl_interrupted(); t++)
                run_io_once(s, policies[p], s->threads.v[t]);
    }
    if (all || strcmp(s->mode, "convoy") == 0) {
        if (!s->csv)
            printf("convoy   %ld socket round trips, alone and beside one CPU-bound thread\n"
                   "         policy beside   p50_us     p99_us  trips  acquired forced "
                   "switches waited_s\n", s->trips);
        for (int p = 0; p < npolicies && !cl_interrupted(); p++)
            run_convoy(s, policies[p]);
    }
}

int main(int argc, char **argv)
{
    struct settings s = {.mode = "all", .policy = "all", .threads = {3, {1, 2, 4}},
                         .interval_ms = 5, .ticks = 100, .size = 50000000, .waits = 5,
                         .wait_ms = 20, .trips = 100, .echo_us = 100, .convoy_s = 2};
    struct cl_opt opts[] = {
        {"mode", CL_OPT_CHOICE, &s.mode, "which experiment", .choices = "all|cpu|io|convoy"},
        {"policy", CL_OPT_CHOICE, &s.policy, "the lock's policy", .choices = "all|new|old|none"},
        {"threads", CL_OPT_LIST, &s.threads, "thread counts for cpu and io", 1, 64},
        {"interval", CL_OPT_DOUBLE, &s.interval_ms, "switch interval in ms (new)", 0.01, 1000},
        {"ticks", CL_OPT_INT, &s.ticks, "ticks between release-and-retry (old)", 1, 100000000},
        {"size", CL_OPT_INT, &s.size, "cpu: numbers near this (work grows with it)", 1, 4000000000},
        {"waits", CL_OPT_INT, &s.waits, "io: blocking waits per thread", 1, 1000},
        {"wait-ms", CL_OPT_INT, &s.wait_ms, "io: milliseconds per wait", 1, 10000},
        {"trips", CL_OPT_INT, &s.trips, "convoy: round trips to measure", 1, 1000000},
        {"echo-us", CL_OPT_INT, &s.echo_us, "convoy: echo server's delay per reply, us", 0, 1000000},
        {"convoy-s", CL_OPT_DOUBLE, &s.convoy_s, "convoy: at most this many s per run", 0.1, 600},
        {0},
    };
    struct cl_program prog = {
        .name = "53_threads_gil",
        .summary = "a GIL-like lock: CPU-bound threads do not speed up, blocking ones do",
        .epilogue =
            "Examples:\n"
            "  53_threads_gil                                   the whole story\n"
            "  53_threads_gil --mode cpu --policy none          no GIL: threads use the cores\n"
            "  53_threads_gil --mode convoy --interval 1        a shorter switch interval\n"
            "  53_threads_gil --mode convoy --pin               every thread on CPU 0\n"
            "CSV columns: " CSV_COLUMNS "\n"
            "  cpu and io rows: threads = T; speedup = serial_s / wall_s; p50/p99 empty.\n"
            "  convoy rows: threads = CPU-bound threads beside the client (0 or 1);\n"
            "  p50_us/p99_us = round-trip time percentiles; serial_s, speedup empty.\n"
            "  cpu_s = user + system seconds of the whole process during wall_s;\n"
            "  the lock's statistics are for the threaded (or convoy) run only.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    s.pinned = prog.pin;

    cl_catch_sigint();

    int fds_at_start = cl_open_fds();
    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    run_modes(&s);
    cl_check_leftovers(fds_at_start, true);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; every thread joined\n", cl_program_name());
        return 130;
    }
    return 0;
}
