/*
 * 53_threads_gil - Item 53: use threads for blocking I/O, not for parallelism.
 *
 * Python: only the thread holding CPython's Global Interpreter Lock runs
 * Python code, so CPU-bound threads take turns; a thread blocked in a system
 * call has put the lock down, so threads that block do overlap.
 * C: the lock is gil.h (policies new = CPython 3.2+, old = 2.x, none = no
 * GIL); the book's factorize is divisors_by_trial [p1, divisors.c].
 *
 * The story, at the book's sizes: [p4] four numbers factorized serially, then
 * a thread each: no faster under a GIL; [p5] five threads each blocking
 * 100 ms [p2]: five times faster, GIL or not; [p6] computing while they
 * block: about the longer of the two, not the sum; [p7] the price, the
 * convoy: beside a CPU-bound thread each round trip [p3] waits for the lock.
 *
 * Run:  build/bin/53_threads_gil     (about 3 s; --part cpu --policy none ...)
 * Prints (the 2-core development VM, quiet; abridged):
 *     new GIL   4 threads   serial    12.0 ms   threads    11.9 ms    1.00x
 *     no GIL    4 threads   serial    11.7 ms   threads     6.4 ms    1.81x
 *     new GIL  echo 100 us   median trip alone   0.18 ms   beside it   5.25 ms    29.5x
 */
#include "53_threads_gil/convoy.h"
#include "53_threads_gil/divisors.h"
#include "53_threads_gil/gil.h"
#include "clab.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t book_numbers[] = {2139079, 1214759, 1516637, 1852285}; /* the book's */

/* One thread's task and what it found. */
struct task {
    struct gil *g;
    uint64_t number;  /* CPU-bound: factorize this */
    long ms;          /* blocking: one call this long */
    struct divisors found;
    atomic_bool started; /* it has taken the lock once */
};

/* [p2] A blocking system call, with the lock put down (Py_BEGIN_ALLOW_THREADS):
 * poll() with no descriptors blocks for the whole timeout, as the book's
 * select() means to. In slices of at most 100 ms, so Ctrl-C is seen. */
static void blocking_call(struct gil *g, long ms)
{
    gil_blocking_begin(g);
    double end = cl_now() + ms / 1e3;
    for (double left = ms / 1e3; left > 0 && !cl_interrupted(); left = end - cl_now())
        if (poll(NULL, 0, left > 0.1 ? 100 : (int)(left * 1e3 + 0.999)) == -1 && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "poll", errno);
    gil_blocking_end(g);
}

/* A thread runs Python code holding the lock: Thread.start() waits for this. */
static void take_lock(struct task *t)
{
    gil_acquire(t->g);
    atomic_store(&t->started, true);
}

static void *factorize(void *arg) /* [p4] the book's FactorizeThread */
{
    struct task *t = arg;
    take_lock(t);
    t->found = divisors_by_trial(t->g, t->number, NULL);
    gil_release(t->g);
    return NULL;
}

static void *slow_systemcall(void *arg) /* [p5] */
{
    struct task *t = arg;
    take_lock(t);
    blocking_call(t->g, t->ms);
    gil_release(t->g);
    return NULL;
}

/* n tasks: thread i factorizes the book's number i, or blocks for ms. */
static struct task *tasks_for(struct gil *g, long n, long ms)
{
    struct task *tasks = cl_calloc((size_t)n, sizeof *tasks);
    for (long i = 0; i < n; i++)
        tasks[i] = (struct task){.g = g, .number = book_numbers[i % 4], .ms = ms};
    return tasks;
}

/* One thread per task runs body, each started as Thread.start() does;
 * meanwhile this thread factorizes mine, if given ([p6]); all are joined. */
static void on_threads(struct task *tasks, long n, void *(*body)(void *), struct task *mine)
{
    pthread_t *tids = cl_calloc((size_t)n, sizeof *tids);
    for (long i = 0; i < n; i++) {
        atomic_store(&tasks[i].started, false);
        CL_CHECK_RC(pthread_create(&tids[i], NULL, body, &tasks[i]));
        while (!atomic_load(&tasks[i].started) && !cl_interrupted())
            cl_sleep(0.00005);
    }
    if (mine)
        factorize(mine);
    for (long i = 0; i < n; i++)
        CL_CHECK_RC(pthread_join(tids[i], NULL));
    free(tids);
}

/* [p4] [p5] The same tasks, one after another on this thread, then one thread
 * each. A wrong divisor count is a bug: "!!!". */
struct timing { double serial_s, threads_s, threads_cpu_s; };

static struct timing serial_then_threads(struct task *tasks, long n, void *(*body)(void *))
{
    double t0 = cl_now();
    for (long i = 0; i < n; i++)
        body(&tasks[i]);
    double t1 = cl_now(), cpu0 = cl_cpu_seconds();
    on_threads(tasks, n, body, NULL);
    struct timing t = {t1 - t0, cl_now() - t1, cl_cpu_seconds() - cpu0};
    for (long i = 0; i < n && body == factorize && !cl_interrupted(); i++)
        if (tasks[i].found.sum != divisors_by_factoring(tasks[i].number).sum)
            cl_die("factorize(%llu) went wrong", (unsigned long long)tasks[i].number);
    return t;
}

/* [p6] This thread computes (the book's helicopter) while the tasks' threads
 * run body: each part alone, then both at once. */
struct overlap { double compute_s, calls_s, both_s; };

static struct overlap computing_beside(struct gil *g, struct task *tasks, long n,
                                       void *(*body)(void *), uint64_t number)
{
    struct task mine = {.g = g, .number = number};
    double t0 = cl_now();
    factorize(&mine);
    double t1 = cl_now();
    on_threads(tasks, n, body, NULL);
    double t2 = cl_now();
    on_threads(tasks, n, body, &mine);
    return (struct overlap){t1 - t0, t2 - t1, cl_now() - t2};
}

/* [p7] The convoy (convoy.c): the median round trip; a run is cut at 2 s. */
static double convoy_median_s(struct gil *g, long trips, long echo_us, bool busy)
{
    struct convoy c = {.g = g, .echo_us = echo_us, .trips = trips};
    c.trip_s = cl_calloc((size_t)trips, sizeof *c.trip_s);
    convoy_run(&c, busy, 2.0);
    double median = c.done ? cl_percentile(c.trip_s, (size_t)c.done, 50) : 2.0;
    free(c.trip_s);
    return median;
}

static struct story {
    const char *part, *policy;
    struct cl_list threads, calls, echo_us;
    long wait_ms, ticks, trips;
    double interval_ms;
} my = {"all", "all", {1, {4}}, {1, {5}}, {1, {100}}, 100, 100, 20, 5};

static const char *const policy_label[] = {"new GIL", "old GIL", "no GIL"};

static void line(enum gil_policy p, long threads, struct timing t)
{
    printf("  %-8s %2ld threads   serial %7.1f ms   threads %7.1f ms   %5.2fx\n", policy_label[p],
           threads, t.serial_s * 1e3, t.threads_s * 1e3, t.serial_s / t.threads_s);
}

static void overlap_line(enum gil_policy p, long threads, struct overlap o)
{
    printf("  %-8s %2ld threads   computing %5.1f ms, calls %5.1f ms: both at once %5.1f ms, "
           "not %.1f\n", policy_label[p], threads, o.compute_s * 1e3, o.calls_s * 1e3,
           o.both_s * 1e3, (o.compute_s + o.calls_s) * 1e3);
}

/* One part of the story under one policy: a line per thread count or echo. */
static void story(const char *part, enum gil_policy p, uint64_t number)
{
    struct gil g;
    gil_init(&g, p, my.interval_ms / 1e3, my.ticks);
    bool cpu = strcmp(part, "cpu") == 0;
    struct cl_list *counts = cpu ? &my.threads : &my.calls;
    for (int i = 0; i < counts->n && strcmp(part, "convoy") && !cl_interrupted(); i++) {
        long n = counts->v[i];
        struct task *tasks = tasks_for(&g, n, my.wait_ms);
        if (strcmp(part, "overlap") != 0)
            line(p, n, serial_then_threads(tasks, n, cpu ? factorize : slow_systemcall));
        else
            overlap_line(p, n, computing_beside(&g, tasks, n, slow_systemcall, number));
        free(tasks);
    }
    for (int i = 0; i < my.echo_us.n && !strcmp(part, "convoy") && !cl_interrupted(); i++) {
        double alone = convoy_median_s(&g, my.trips, my.echo_us.v[i], false);
        double busy = convoy_median_s(&g, my.trips, my.echo_us.v[i], true);
        printf("  %-8s echo %3ld us   median trip alone %6.2f ms   beside it %6.2f ms   %5.1fx\n",
               policy_label[p], my.echo_us.v[i], alone * 1e3, busy * 1e3, busy / alone);
    }
    gil_destroy(&g);
}

int main(int argc, char **argv)
{
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &my.part, "what runs", .choices = "all|cpu|io|overlap|convoy"},
        {"policy", CL_OPT_CHOICE, &my.policy, "the lock's policy", .choices = "all|new|old|none"},
        {"threads", CL_OPT_LIST, &my.threads, "cpu: threads, one book number each", 1, 64},
        {"calls", CL_OPT_LIST, &my.calls, "io, overlap: threads making one blocking call each", 1, 64},
        {"wait-ms", CL_OPT_INT, &my.wait_ms, "io, overlap: each call blocks this long, ms", 1, 1000},
        {"interval", CL_OPT_DOUBLE, &my.interval_ms, "switch interval, ms (new policy)", 0.01, 1000},
        {"ticks", CL_OPT_INT, &my.ticks, "ticks between forced drops (old policy)", 1, 100000000},
        {"trips", CL_OPT_INT, &my.trips, "convoy: round trips", 1, 10000},
        {"echo-us", CL_OPT_LIST, &my.echo_us, "convoy: the echo's delay per reply, us", 0, 1e5},
        {0},
    };
    struct cl_program prog = {
        .name = "53_threads_gil", .opts = opts, .common = CL_PIN,
        .summary = "a GIL-like lock: CPU-bound threads do not speed up, blocking ones do",
        .epilogue = "Defaults are the book's: 4 numbers on 4 threads; 5 threads each blocking\n"
                    "100 ms; CPython's 5 ms switch interval (Python 2: a check every 100 ticks).\n"
                    "A convoy run is cut at 2 s. The measuring (rounds, CSV, the lock's\n"
                    "timeline and its trace JSON) is 53_threads_gil-bench.\n"};
    cl_parse(&prog, argc, argv);
    enum gil_policy one;
    int policies = gil_policy_parse(my.policy, &one) == 0 ? 1 : 3;
    double io_s = 0; /* the longest parts: the calls, and each convoy run's 2 s limit */
    for (int i = 0; i < my.calls.n; i++)
        io_s += (2.0 * my.calls.v[i] + 3) * my.wait_ms / 1e3;
    cl_check_run_length(policies * (io_s + 4.0 * my.echo_us.n),
                        "this story (--calls, --wait-ms, --echo-us, --policy)");
    cl_catch_stop_signals();
    uint64_t number = divisors_number_taking(my.wait_ms / 1e3); /* [p6]; it warms the CPU up too */
    static const char *const parts[] = {"cpu", "io", "overlap", "convoy"}, *const heads[] = {
        "[p4] CPU-bound: the book's numbers factorized one after another, then one thread each",
        "[p5] Blocking calls: threads each making one call, against the same calls in turn",
        "[p6] Computing here while those threads block: both together, against their sum",
        "[p7] The convoy: socket round trips, alone and beside a CPU-bound thread"};
    printf("Item 53 on %d cores; the lock (gil.h) under each policy; the book's sizes.\n",
           cl_cores_online());
    for (int k = 0; k < 4 && !cl_interrupted(); k++) {
        if (strcmp(my.part, "all") != 0 && strcmp(my.part, parts[k]) != 0)
            continue;
        printf("%s\n", heads[k]);
        for (int p = 0; p < 3; p++)
            if (policies == 3 || (int)one == p)
                story(parts[k], (enum gil_policy)p, number);
    }
    cl_exit_if_interrupted();
    return 0;
}
