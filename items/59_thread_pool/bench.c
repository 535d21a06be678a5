/*
 * 59_thread_pool-bench - the measuring behind Item 59's claims, on the very
 * functions the program shows (thread_pool.c is included below). Prints
 * CSV; the harness (harness/measure/59.sh) runs it.
 *
 *   --part life      every --cells x --workers pair: the pool (max_workers =
 *                    --workers) and the control of bare sleeping threads,
 *                    in interleaved rounds (life_bench.h)
 *   --part cells     the cross-item rows (approach pool) of plot/cross.sh
 *   --part errors    the book's grid with cell (2, 3) failing, on a pool of
 *                    10: what the caller learns when it asks every future's
 *                    result (the program's fan-in), and when it never asks
 *                    (submit every cell, then shutdown: fire and forget)
 *   --part overhead  what an empty task costs the pool (submit, run,
 *                    result): the executor (blocking, as CPython's), the
 *                    spinning executor and GLib's GThreadPool, in batches
 *                    and one at a time, with the CPU each burns
 */
#define main story_main
#include "59_thread_pool/thread_pool.c"
#undef main

#include "58_queue_workers/life_bench.h"

#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define SPIN_S 20e-6 /* the spinning executor's look-again time */

/* ---- --part errors ------------------------------------------------------------ */

#define ERRORS_COLUMNS "way,cells,fail_y,fail_x,round,tasks_failed,caller_saw,err_y,err_x"

static atomic_int tasks_failed;

static int counted_game_logic_task(void *arg, void **result)
{
    int rc = game_logic_task(arg, result);
    if (rc != 0)
        atomic_fetch_add(&tasks_failed, 1);
    return rc;
}

/* Fire and forget: every cell submitted, no future asked, then shutdown
 * (Python: pool.submit(...) for every cell, then leaving the with block).
 * Returns what the caller learned: nothing. */
static int fire_and_forget(const struct life_grid *g, const struct life_io *io)
{
    struct executor *pool = executor_new(10);
    struct cell_args *args = cl_calloc((size_t)g->rows * g->cols, sizeof *args);
    if (pool == NULL)
        cl_fail(__FILE__, __LINE__, "executor_new", errno);
    for (int i = 0; i < g->rows * g->cols; i++) {
        int y = i / g->cols, x = i % g->cols;
        args[i] = (struct cell_args){io, y, x, life_get(g, y, x), life_count_neighbors(g, y, x)};
        struct future *f = executor_submit(pool, counted_game_logic_task, &args[i]);
        if (f == NULL)
            cl_fail(__FILE__, __LINE__, "executor_submit", errno);
        future_free(f); /* never asked */
    }
    executor_shutdown(pool); /* runs every task, the failing one too */
    free(args);
    return 0;
}

static void bench_errors(const struct life_bench_settings *s)
{
    struct life_grid *book = life_book_grid();
    if (book == NULL)
        cl_fail(__FILE__, __LINE__, "life_book_grid", errno);
    struct life_io io = {s->io_ms / 1e3, 2, 3};
    cl_csv_header(ERRORS_COLUMNS);
    for (long round = 1; round <= s->rounds && !cl_interrupted(); round++) {
        struct life_run r = simulate_with_pool(book, 1, 10, &io, NULL);
        life_free(r.final);
        if (r.error == EINTR)
            break;
        cl_csv_row("result,45,2,3,%ld,,%s,%d,%d", round, r.error ? strerror(r.error) : "nothing",
                   r.error ? r.err_y : -1, r.error ? r.err_x : -1);
        atomic_store(&tasks_failed, 0);
        int error = fire_and_forget(book, &io);
        if (cl_interrupted())
            break;
        cl_csv_row("no_result,45,2,3,%ld,%d,%s,-1,-1", round, atomic_load(&tasks_failed),
                   error ? strerror(error) : "nothing");
    }
    life_free(book);
    cl_exit_if_interrupted();
}

/* ---- --part overhead: one empty task, three pools ------------------------------ */

#define OVERHEAD_COLUMNS \
    "variant,mode,workers,tasks,round,per_task_us,cpu_per_task_us,cpu_wall,pinned"

static int empty_task(void *arg, void **result)
{
    (void)arg;
    *result = NULL;
    return 0;
}

/* Ctrl-C, looked at every 1024 tasks: a batch stops growing. */
static bool stop_now(int tasks_so_far)
{
    return tasks_so_far % 1024 == 1023 && cl_interrupted();
}

/* The modes: `batch` submits every task, then waits for every result (a
 * generation's fan-out and fan-in); `one` submits one task and waits for it
 * before the next (a round trip); `sparse` does the same with a pause of
 * SPARSE_GAP_S after each, so that idle workers go idle (where spinning
 * shows its CPU). */
enum mode { BATCH, ONE, SPARSE };
static const char *const MODE_NAMES[3] = {"batch", "one", "sparse"};
#define SPARSE_GAP_S 100e-6

static void executor_run(struct executor *pool, struct future **futures, int tasks,
                         enum mode mode)
{
    int submitted = 0;
    for (; submitted < tasks && !stop_now(submitted); submitted++) {
        if ((futures[submitted] = executor_submit(pool, empty_task, NULL)) == NULL)
            cl_fail(__FILE__, __LINE__, "executor_submit", errno);
        if (mode != BATCH && future_result(futures[submitted], NULL, EXECUTOR_FOREVER) != 0)
            cl_die("an empty task failed");
        if (mode == SPARSE)
            cl_sleep(SPARSE_GAP_S);
    }
    for (int i = 0; i < submitted; i++) {
        if (future_result(futures[i], NULL, EXECUTOR_FOREVER) != 0)
            cl_die("an empty task failed");
        future_free(futures[i]);
    }
}

/* GThreadPool has no futures: each empty task counts itself done, and the
 * caller waits for the count, the least a caller can do to learn that its
 * tasks have run. (A pthread mutex, not a GMutex, so that ThreadSanitizer,
 * which sees pthread calls, can check it.) */
struct glib_batch {
    pthread_mutex_t mutex;
    pthread_cond_t some_done;
    int finished;
};

static void glib_empty_task(gpointer data, gpointer user_data)
{
    (void)data;
    struct glib_batch *b = user_data;
    CL_CHECK_RC(pthread_mutex_lock(&b->mutex));
    b->finished++;
    CL_CHECK_RC(pthread_cond_signal(&b->some_done));
    CL_CHECK_RC(pthread_mutex_unlock(&b->mutex));
}

static void glib_wait_for(struct glib_batch *b, int finished)
{
    CL_CHECK_RC(pthread_mutex_lock(&b->mutex));
    while (b->finished < finished)
        CL_CHECK_RC(pthread_cond_wait(&b->some_done, &b->mutex));
    CL_CHECK_RC(pthread_mutex_unlock(&b->mutex));
}

static void glib_run(GThreadPool *pool, struct glib_batch *b, int tasks, enum mode mode)
{
    static char token; /* g_thread_pool_push refuses NULL data */
    CL_CHECK_RC(pthread_mutex_lock(&b->mutex));
    b->finished = 0;
    CL_CHECK_RC(pthread_mutex_unlock(&b->mutex));
    int pushed = 0;
    for (; pushed < tasks && !stop_now(pushed); pushed++) {
        if (!g_thread_pool_push(pool, &token, NULL))
            cl_fail(__FILE__, __LINE__, "g_thread_pool_push", EAGAIN);
        if (mode != BATCH)
            glib_wait_for(b, pushed + 1);
        if (mode == SPARSE)
            cl_sleep(SPARSE_GAP_S);
    }
    glib_wait_for(b, pushed);
}

/* The three pools, made once. */
struct pools {
    struct executor *blocking, *spinning;
    GThreadPool *glib;
    struct glib_batch batch;
    struct future **futures;
};
static const char *const POOL_NAMES[3] = {"executor", "executor_spinning", "gthreadpool"};

/* Runs pool k in one mode; writes wall and CPU seconds per task. */
static void time_one(struct pools *p, int k, int tasks, enum mode mode, double *wall, double *cpu)
{
    double t0 = cl_now(), c0 = cl_cpu_seconds();
    if (k == 2)
        glib_run(p->glib, &p->batch, tasks, mode);
    else
        executor_run(k == 0 ? p->blocking : p->spinning, p->futures, tasks, mode);
    *wall = (cl_now() - t0) / tasks;
    *cpu = (cl_cpu_seconds() - c0) / tasks;
}

/* Round after round, each mode on each pool, the pools taking turns to go
 * first, so that coming first or after another pool's burst favours none.
 * A round trip costs far more than a task in a batch: a fiftieth as many;
 * a sparse one (0.1 ms apart) a two-hundredth. */
static void bench_overhead(int workers, int tasks, long rounds, bool pinned)
{
    /* Up to 20 us a task in a batch, 200 us a round trip (and the gap of a
     * sparse one), 0.3 ms a thread. */
    cl_check_run_length(rounds * 3.0 * (tasks * 20e-6 + 2 * (tasks + 49) / 50 * 300e-6) +
                            tasks * 3.0 * 20e-6 + workers * 3e-4,
                        "--part overhead (--rounds x --tasks empty tasks on three pools)");
    struct pools p = {executor_new(workers), executor_new_spinning(workers, SPIN_S), NULL,
                      {.finished = 0}, cl_calloc((size_t)tasks, sizeof(struct future *))};
    CL_CHECK_RC(pthread_mutex_init(&p.batch.mutex, NULL));
    CL_CHECK_RC(pthread_cond_init(&p.batch.some_done, NULL));
    p.glib = g_thread_pool_new(glib_empty_task, &p.batch, workers, TRUE, NULL);
    if (p.blocking == NULL || p.spinning == NULL || p.glib == NULL)
        cl_fail(__FILE__, __LINE__, "making the pools", errno);
    cl_csv_header(OVERHEAD_COLUMNS);
    double wall, cpu;
    for (int k = 0; k < 3; k++) /* a warm-up batch each: threads started, pages touched */
        time_one(&p, k, (tasks + 9) / 10, BATCH, &wall, &cpu);
    for (long round = 1; round <= rounds && !cl_interrupted(); round++)
        for (enum mode m = BATCH; m <= SPARSE && !cl_interrupted(); m++) {
            int n = m == BATCH ? tasks : m == ONE ? (tasks + 49) / 50 : (tasks + 199) / 200;
            for (int turn = 0; turn < 3; turn++) {
                int k = (int)((turn + round) % 3);
                time_one(&p, k, n, m, &wall, &cpu);
                if (!cl_interrupted())
                    cl_csv_row("%s,%s,%d,%d,%ld,%.4f,%.4f,%.3f,%d", POOL_NAMES[k],
                               MODE_NAMES[m], workers, n, round, wall * 1e6, cpu * 1e6,
                               cpu / wall, pinned);
            }
        }
    g_thread_pool_free(p.glib, FALSE, TRUE);
    CL_CHECK_RC(pthread_cond_destroy(&p.batch.some_done));
    CL_CHECK_RC(pthread_mutex_destroy(&p.batch.mutex));
    executor_shutdown(p.blocking);
    executor_shutdown(p.spinning);
    free(p.futures);
    cl_exit_if_interrupted();
}

int main(int argc, char **argv)
{
    const char *part = "life";
    long tasks = 20000;
    struct life_bench_settings s = {.cells = {1, {45}}, .workers = {6, {1, 2, 5, 10, 45, 100}},
                                    .io_ms = 1, .generations = 2, .rounds = 5};
    struct cl_opt opts[LIFE_BENCH_OPTS + 3] = {
        {"part", CL_OPT_CHOICE, &part, "what to measure", 0, 0, "life|cells|errors|overhead"},
        {"tasks", CL_OPT_INT, &tasks, "empty tasks per batch (--part overhead)", 1, 1000000},
    };
    life_bench_options(&s, &opts[2]);
    struct cl_program prog = {
        .name = "59_thread_pool-bench",
        .summary = "measures the thread pool: generations against max_workers and cells, "
                   "errors, the cost of a task",
        .epilogue = "--part life columns: " LIFE_BENCH_COLUMNS "\n"
                    "  variant: pool (executor.h, max_workers = workers), sleepers (the control:\n"
                    "  bare threads that only block); threads: alive after the first fan-out.\n"
                    "--part cells columns: " LIFE_CELLS_COLUMNS "\n"
                    "--part errors columns: " ERRORS_COLUMNS "\n"
                    "  way: result (every future asked) or no_result (fire and forget).\n"
                    "--part overhead columns: " OVERHEAD_COLUMNS "\n"
                    "  one --workers value; per_task_us: wall time per task; cpu_per_task_us:\n"
                    "  CPU time of the whole process per task; cpu_wall: their ratio.\n"
                    "A run predicted to last over a minute is refused (exit 2).\n",
        .opts = opts,
        .common = CL_PIN,
    };
    cl_parse(&prog, argc, argv);
    cl_catch_stop_signals();
    static const struct life_variant pool = {"pool", simulate_with_pool, NULL, 0};
    if (strcmp(part, "overhead") == 0) {
        if (s.workers.n != 1)
            cl_usage_error("--part overhead takes one --workers value, not %d", s.workers.n);
        bench_overhead((int)s.workers.v[0], (int)tasks, s.rounds, prog.pin);
    } else if (strcmp(part, "errors") == 0) {
        bench_errors(&s);
    } else if (strcmp(part, "cells") == 0) {
        life_bench_cells(&s, &pool, "pool");
    } else {
        life_bench_life(&s, &pool, 1);
    }
    return 0;
}
