/*
 * 64_true_parallelism - Item 64: consider concurrent.futures for true parallelism.
 *
 * Python:  ThreadPoolExecutor runs a function on worker threads, but under
 *          the GIL only one of them computes at a time. ProcessPoolExecutor
 *          forks worker processes, each with its own interpreter and GIL, and
 *          pickles every argument and result through pipes; map(chunksize=)
 *          puts several calls in one message.
 * C:       one CPU-bound function for every executor [p1]; item 59's
 *          executor, its workers computing under item 53's GIL-like lock or
 *          without it [p2]; a pool of forked processes (process_pool.c): the
 *          byte format that plays pickle [p3], the pool [p4], a worker [p5].
 *          The pairs, and Euclid's algorithm that checks every answer: pairs.c.
 *
 * The book's claims: threads under a GIL give CPU-bound work no speedup;
 * processes give about one speedup per core, less the cost of shipping the
 * data, so they pay only when each message carries enough work.
 *
 * Run:  build/bin/64_true_parallelism                  the story, a few seconds
 *       build/bin/64_true_parallelism --part processes --workers 1,2,4
 *       build/bin/64_true_parallelism-bench --help      what the harness measures
 *
 * Prints (the 2-core development VM; figures vary from run to run):
 *   executor     workers  wall_s  speedup  (user+sys)/wall  shipping
 *   serial             1   0.191    1.00x       1.00
 *   threads_gil        2   0.196    0.97x       1.01
 *   threads            2   0.106    1.80x       1.96
 *   processes          2   0.110    1.74x       1.98        0.4%
 *   shipping: 20000 pairs in [500, 1000], 2 process workers
 *   processes          2   0.375    0.06x       0.90       96.6%   (1 per message)
 *   processes          2   0.015    1.59x       1.87       12.0%   (100 per message)
 */
#include "53_threads_gil/gil.h"
#include "59_thread_pool/executor.h"
#include "64_true_parallelism/pairs.h"
#include "64_true_parallelism/process_pool.h"
#include "clab.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* [p1] The greatest common divisor, found the slow way on purpose: try every
 * candidate from the smaller number down. Each try is one tick of the
 * GIL-like lock, the place where a thread may be made to let another run. */
static uint32_t gcd_by_counting_down(struct gil *g, struct pair p)
{
    uint32_t low = p.a < p.b ? p.a : p.b;
    for (uint32_t candidate = low; candidate > 1; candidate--) {
        if (p.a % candidate == 0 && p.b % candidate == 0)
            return candidate;
        gil_tick(g);
        if ((candidate & 0x3fff) == 0 && cl_interrupted())
            return 0; /* Ctrl-C is seen within milliseconds even in a long count */
    }
    return 1;
}

/* [p2] ThreadPoolExecutor: pool.map(gcd, pairs), one pair per task. A Python
 * thread holds the GIL while it runs Python code and puts it down while it
 * waits for its next task: the task takes the lock and lets go at its end. */
struct gcd_task {
    struct gil *gil;
    struct pair pair;
    uint32_t *result;
};

static int run_gcd_task(void *arg, void **unused)
{
    struct gcd_task *task = arg;
    (void)unused;
    gil_acquire(task->gil);
    *task->result = gcd_by_counting_down(task->gil, task->pair);
    gil_release(task->gil);
    return 0;
}

static struct measurement thread_pool_map(const struct pair *pairs, size_t npairs,
                                          uint32_t *results, long workers, enum gil_policy policy)
{
    struct gil gil;
    gil_init(&gil, policy, 0, 0);
    struct gcd_task *tasks = cl_calloc(npairs, sizeof *tasks);
    struct future **futures = cl_calloc(npairs, sizeof *futures);
    double cpu0 = cpu_with_children(), t0 = cl_now();
    struct executor *pool = executor_new((int)workers);
    if (pool == NULL)
        cl_fail(__FILE__, __LINE__, "executor_new", errno);
    for (size_t i = 0; i < npairs; i++) { /* map submits every call at once */
        tasks[i] = (struct gcd_task){&gil, pairs[i], &results[i]};
        if ((futures[i] = executor_submit(pool, run_gcd_task, &tasks[i])) == NULL)
            cl_fail(__FILE__, __LINE__, "executor_submit", errno);
    }
    for (size_t i = 0; i < npairs; i++) {
        CL_CHECK_RC(future_result(futures[i], NULL, EXECUTOR_FOREVER));
        future_free(futures[i]);
    }
    executor_shutdown(pool); /* shutdown(wait=True): joins every thread */
    struct measurement m = {.wall_s = cl_now() - t0, .cpu_s = cpu_with_children() - cpu0,
                            .gil = gil_get_stats(&gil)};
    free(futures);
    free(tasks);
    gil_destroy(&gil);
    return m;
}

/* The plain loop, one thread. Its lock nobody else wants: policy none. */
static struct measurement serial_map(const struct pair *pairs, size_t npairs, uint32_t *results,
                                     enum gil_policy policy)
{
    struct gil gil;
    gil_init(&gil, policy, 0, 0);
    double cpu0 = cpu_with_children(), t0 = cl_now();
    gil_acquire(&gil);
    for (size_t i = 0; i < npairs && !cl_interrupted(); i++)
        results[i] = gcd_by_counting_down(&gil, pairs[i]);
    gil_release(&gil);
    struct measurement m = {.wall_s = cl_now() - t0, .cpu_s = cpu_with_children() - cpu0};
    gil_destroy(&gil);
    return m;
}

/* One executor on every pair, every answer checked. The executors are the
 * names the harness uses: serial, threads_gil, threads, processes. */
static struct measurement run_executor(const char *executor, const struct pair *pairs,
                                       size_t npairs, long workers, size_t batch)
{
    uint32_t *results = cl_calloc(npairs, sizeof *results);
    struct measurement m;
    if (strcmp(executor, "processes") == 0)
        m = process_pool_map(gcd_by_counting_down, pairs, npairs, results, workers, batch);
    else if (strcmp(executor, "serial") == 0)
        m = serial_map(pairs, npairs, results, GIL_NONE);
    else if (strcmp(executor, "serial_locked") == 0) /* as each worker process computes */
        m = serial_map(pairs, npairs, results, GIL_NEW);
    else
        m = thread_pool_map(pairs, npairs, results, workers,
                            strcmp(executor, "threads_gil") == 0 ? GIL_NEW : GIL_NONE);
    for (size_t i = 0; i < npairs && !cl_interrupted(); i++)
        if (results[i] != gcd_by_euclid(pairs[i].a, pairs[i].b))
            cl_die("%s, %ld workers: gcd(%u, %u) came back as %u, should be %u", executor,
                   workers, pairs[i].a, pairs[i].b, results[i],
                   gcd_by_euclid(pairs[i].a, pairs[i].b));
    free(results);
    return m;
}

/* Seconds per count-down step here (a pair of primes: 10^5 steps), to
 * predict a run's length before it starts. */
static double seconds_per_step(void)
{
    struct gil none;
    gil_init(&none, GIL_NONE, 0, 0);
    double t0 = cl_now();
    for (int i = 0; i < 10; i++)
        gcd_by_counting_down(&none, (struct pair){99991, 99989});
    gil_destroy(&none);
    return (cl_now() - t0) / (10 * 99988.0);
}

#define TABLE_HEADER "executor     workers  wall_s  speedup  (user+sys)/wall  shipping\n"

/* One line of the story's table; per_message > 0 in the shipping part. */
static void print_row(const char *executor, long workers, const struct measurement *m,
                      double serial_s, long per_message)
{
    printf("%-12s %7ld %7.3f %7.2fx %10.2f", executor, workers, m->wall_s, serial_s / m->wall_s,
           m->cpu_s / m->wall_s);
    if (m->ship_s > 0) /* the share of worker time spent shipping, not computing */
        printf("  %9.1f%%", 100 * m->ship_s / (m->ship_s + m->compute_s));
    printf(per_message > 0 ? "   (%ld per message)\n" : "\n", per_message);
}

/* The executors on the same pairs, every answer checked, against serial. */
static void story_executors(const char *part, const struct cl_list *workers, long n, long size)
{
    static const char *const executors[] = {"threads_gil", "threads", "processes"};
    struct pair *pairs = make_pairs((size_t)n, (uint32_t)size);
    printf("gcd of %ld pairs of numbers in [%ld, %ld], counting down\n%s", n, size / 2, size,
           TABLE_HEADER);
    struct measurement serial = run_executor("serial", pairs, (size_t)n, 1, 1);
    print_row("serial", 1, &serial, serial.wall_s, 0);
    for (int e = 0; e < 3; e++)
        for (int w = 0; w < workers->n && !cl_interrupted(); w++)
            if (strcmp(part, "all") == 0 || strcmp(part, executors[e]) == 0) {
                struct measurement m = run_executor(executors[e], pairs, (size_t)n,
                                                    workers->v[w], 1);
                if (!cl_interrupted())
                    print_row(executors[e], workers->v[w], &m, serial.wall_s, 0);
            }
    free(pairs);
}

/* About 1 us of work per pair: sending one pair costs more than that. */
static void story_shipping(const struct cl_list *batch)
{
    struct pair *tiny = make_pairs(20000, 1000);
    long procs = cl_cores_online() < 2 ? 2 : cl_cores_online();
    printf("shipping: 20000 pairs in [500, 1000], %ld process workers\n%s", procs, TABLE_HEADER);
    struct measurement serial = run_executor("serial", tiny, 20000, 1, 1);
    for (int b = 0; b < batch->n && !cl_interrupted(); b++) {
        struct measurement m = run_executor("processes", tiny, 20000, procs, (size_t)batch->v[b]);
        if (!cl_interrupted())
            print_row("processes", procs, &m, serial.wall_s, batch->v[b]);
    }
    free(tiny);
}

int main(int argc, char **argv)
{
    const char *part = "all";
    struct cl_list workers = {1, {2}}, batch = {4, {1, 10, 100, 1000}};
    long npairs = 40, size = 5000000;
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &part, "which part of the story",
         .choices = "all|threads_gil|threads|processes|shipping"},
        {"workers", CL_OPT_LIST, &workers, "pool sizes (the book uses max_workers=2)", 1, 64},
        {"pairs", CL_OPT_INT, &npairs, "number pairs to find the gcd of", 1, 100000},
        {"size", CL_OPT_INT, &size, "numbers lie in [size/2, size]: the work per pair", 2, 50000000},
        {"batch", CL_OPT_LIST, &batch, "pairs per message in the shipping part", 1, 100000},
        {0},
    };
    struct cl_program prog = {
        .common = CL_PIN,
        .name = "64_true_parallelism",
        .summary = "a thread pool under a GIL, the same without one, and a process pool "
                   "that ships its work through pipes",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    bool all = strcmp(part, "all") == 0, shipping = strcmp(part, "shipping") == 0;
    int executors = shipping ? 0 : all ? 3 : 1;
    /* Each executor does about the serial work once; shipping is ~1 s at most. */
    cl_check_run_length(seconds_per_step() * (double)npairs * (double)size / 3 *
                            (executors > 0) * (1.0 + executors * workers.n) +
                            (all || shipping ? 0.2 * batch.n : 0),
                        "--pairs x --size over these executors");
    cl_catch_stop_signals();
    signal(SIGPIPE, SIG_IGN); /* a dead worker is a write error we report */
    int fds_at_start = cl_open_fds();
    if (executors > 0)
        story_executors(part, &workers, npairs, size);
    if (all || shipping)
        story_shipping(&batch);
    cl_exit_if_interrupted();
    printf("every answer checked against Euclid's algorithm\n");
    cl_check_leftovers(fds_at_start, false); /* every worker reaped, every pipe closed */
    return 0;
}
