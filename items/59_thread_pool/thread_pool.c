/*
 * 59_thread_pool - Item 59: consider ThreadPoolExecutor when threads are
 * necessary for concurrency.
 *
 * Python:  the Game of Life of item 56 on a ThreadPoolExecutor(max_workers=10)
 *          made once and reused for every generation: each cell's game_logic
 *          is submitted (fan-out), each future's result() collected (fan-in).
 *          An exception raised in a worker comes back out of result(), in the
 *          main thread, with no refactoring of the code. But max_workers caps
 *          how many cells wait for their I/O at once.
 * C:       the executor piece (executor.h: executor_new, executor_submit,
 *          future_result, executor_shutdown); one cell's game_logic as a task
 *          [p1]; one generation as submit then result [p2]; the task's error
 *          coming back from future_result [p3]; the pool made once and reused
 *          [p4]; what a task costs the pool, beside GLib's GThreadPool [p5].
 *
 * The claims: errors come back to the caller; a generation takes about
 * cells / max_workers x latency (max_workers caps the I/O parallelism); and
 * the executor costs no more per task than GThreadPool.
 *
 * Run:  build/bin/59_thread_pool                           the whole story, ~2 s
 *       build/bin/59_thread_pool --fail-cell 2,3           the task's error, from result
 *       build/bin/59_thread_pool --rows 10 --cols 10 --workers 1,2,5,10,50,100 --io-ms 1
 *       build/bin/59_thread_pool --bench overhead --pin    empty tasks, executor vs GThreadPool
 *       build/bin/59_thread_pool --csv                     rows for the harness
 *
 * Prints (2-core VM, shared; numbers vary from run to run; abridged):
 *   the book's grid, 5 x 9, 4 generations by a pool of 10 ('*' alive, '-' empty):
 *   ...
 *   future_result for cell (2, 3) gave the task's error:
 *     simulation error at (2, 3): Input/output error
 *        grid max_workers  per generation (s)        ceil(cells/workers) x  measured /
 *     10 x 10           1  0.0594 (0.0575-0.0618)    0.0500                 1.19
 *     10 x 10          10  0.0062 (0.0061-0.0064)    0.0050                 1.23
 *   cost of one empty task, submit + result, 2 workers, unpinned; ... in us:
 *     mode                         executor (executor.h)  GLib GThreadPool   executor / GThreadPool
 *     batch (submit all, wait all) 0.58 (0.34-0.61)       0.93 (0.85-1.00)   0.58x (0.37-0.73x)
 *     one at a time (round trip)   5.37 (5.17-5.68)       10.00 (9.96-12.53) 0.52x (0.45-0.54x)
 */
#include "56_game_of_life/life.h"
#include "59_thread_pool/executor.h"
#include "clab.h"

#include <dirent.h>
#include <glib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CSV_COLUMNS                                                                      \
    "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,"       \
    "threads_peak"
#define OVERHEAD_COLUMNS "variant,mode,workers,tasks,round,per_task_us,pinned"

#define WAIT_SLICE_S 0.1 /* the longest the main thread waits before looking at Ctrl-C */
#define SIMULATION_ERROR_EXIT 3
#define MAX_ROUNDS 100 /* --rounds; each sample keeps one time per round */
#define BOOK_WORKERS 10
#define OVERHEAD_WORKERS 2 /* --bench overhead, unless --workers names one count */
/* Bounds on one invocation, so that no value inside the flags' ranges runs
 * for more than about a minute (see --help). A grid of at most 10,000 cells:
 * after Ctrl-C, shutdown still runs every task already queued, one per cell,
 * and on this 2-core VM a task costs the pool up to 7 us (1,000 workers), so
 * 20,000 queued tasks once took 0.64 s to stop. At most two million cell
 * updates (rounds x generations x cells, summed over every run), at most 60 s
 * of I/O waiting at the ideal speed, and at most ten million empty tasks per
 * pool (rounds x --tasks). */
#define MAX_CELLS 10000L
#define MAX_OVERHEAD_TASKS 1e7

/* ---- The concept: one generation on a pool --------------------------------- */

/* [p1] One cell's game_logic as a task. Its arguments live in a struct made
 * by the main thread; the answer comes back as the future's result, an error
 * as the task's return value. */
struct cell_args {
    const struct life_io *io;
    int y, x;
    bool alive;
    int neighbors;
};

static int game_logic_task(void *arg, void **result)
{
    const struct cell_args *a = arg;
    bool next;
    int rc = life_game_logic(a->io, a->y, a->x, a->alive, a->neighbors, &next);
    if (rc == 0)
        *result = (void *)(intptr_t)next;
    return rc;
}

/* [p2] One generation: submit every cell (fan-out), then take each future's
 * result in turn (fan-in). Returns 0, the first task error [p3] with its
 * cell in *err_y, *err_x, or EINTR on Ctrl-C. The futures not yet waited
 * for are simply let go: future_free is safe before the task has run. */
static int step_with_pool(struct executor *pool, const struct life_grid *cur,
                          struct life_grid *next, const struct life_io *io,
                          struct cell_args *args, struct future **futures, int *err_y,
                          int *err_x)
{
    int cells = cur->rows * cur->cols;
    for (int i = 0; i < cells; i++) {
        int y = i / cur->cols, x = i % cur->cols;
        args[i] = (struct cell_args){io, y, x, life_get(cur, y, x), life_count_neighbors(cur, y, x)};
        futures[i] = executor_submit(pool, game_logic_task, &args[i]);
        if (futures[i] == NULL)
            cl_fail(__FILE__, __LINE__, "executor_submit", errno);
    }
    int error = 0;
    for (int i = 0; i < cells; i++) {
        void *value = NULL;
        int rc = ETIMEDOUT;
        while (error == 0 && rc == ETIMEDOUT) {
            rc = future_result(futures[i], &value, cl_now() + WAIT_SLICE_S);
            if (cl_interrupted())
                error = EINTR;
        }
        if (error == 0 && rc != 0) { /* [p3] the task's error, in the main thread */
            error = rc;
            *err_y = args[i].y;
            *err_x = args[i].x;
        }
        if (error == 0)
            life_set(next, args[i].y, args[i].x, (intptr_t)value != 0);
        future_free(futures[i]);
    }
    return error;
}

/* The outcome of one run. */
struct run {
    int done, error, err_y, err_x;
    double gen_s;
    int threads_peak;
    struct life_grid *final; /* owned by the caller */
};

static int threads_now(void);

/* [p4] The pool is made once and reused by every generation; shutdown joins
 * its threads. The args and futures arrays must outlive the tasks: shutdown
 * runs any task still queued (after Ctrl-C or an error) before they go. */
static struct run simulate_with_pool(const struct life_grid *start, int generations,
                                     int max_workers, const struct life_io *io)
{
    struct run r = {0};
    size_t cells = (size_t)start->rows * start->cols;
    struct life_grid *cur = life_new(start->rows, start->cols);
    struct life_grid *next = life_new(start->rows, start->cols);
    struct cell_args *args = calloc(cells, sizeof *args);
    struct future **futures = calloc(cells, sizeof *futures);
    if (cur == NULL || next == NULL || args == NULL || futures == NULL)
        cl_usage_error("not enough memory for a %d x %d grid", start->rows, start->cols);
    life_copy(cur, start);
    struct executor *pool = executor_new(max_workers);
    if (pool == NULL)
        cl_fail(__FILE__, __LINE__, "executor_new", errno);
    r.threads_peak = threads_now();
    double t0 = cl_now();
    while (r.done < generations && r.error == 0) {
        r.error = step_with_pool(pool, cur, next, io, args, futures, &r.err_y, &r.err_x);
        if (r.error == 0) {
            struct life_grid *t = cur;
            cur = next;
            next = t;
            r.done++;
        }
    }
    r.gen_s = (cl_now() - t0) / (r.done > 0 ? r.done : 1);
    executor_shutdown(pool);
    free(futures);
    free(args);
    life_free(next);
    r.final = cur;
    return r;
}

/* ---- [p5] What one task costs: the executor beside GThreadPool -------------- */

static int empty_task(void *arg, void **result)
{
    (void)arg;
    *result = NULL;
    return 0;
}

/* Ctrl-C, looked at every 1024 tasks: a batch stops growing and the tasks
 * already given are waited for. */
static bool stop_now(int tasks_so_far)
{
    return tasks_so_far % 1024 == 1023 && cl_interrupted();
}

/* Two ways to use a pool: `batch` submits every task, then waits for every
 * result (the fan-out and fan-in of a generation); `one` submits one task
 * and waits for it before the next (a round trip: two thread wake-ups per
 * task). Seconds per task. */
static double executor_cost_per_task(struct executor *pool, struct future **futures, int tasks,
                                     bool one_at_a_time)
{
    double t0 = cl_now();
    int submitted = 0;
    for (; submitted < tasks && !stop_now(submitted); submitted++)
        if ((futures[submitted] = executor_submit(pool, empty_task, NULL)) == NULL)
            cl_fail(__FILE__, __LINE__, "executor_submit", errno);
        else if (one_at_a_time && future_result(futures[submitted], NULL, cl_now() + 60) != 0)
            cl_die("an empty task did not finish within 60 s");
    for (int i = 0; i < submitted; i++) {
        if (future_result(futures[i], NULL, cl_now() + 60) != 0)
            cl_die("an empty task did not finish within 60 s");
        future_free(futures[i]);
    }
    return (cl_now() - t0) / tasks;
}

/* GThreadPool has no futures: each empty task counts itself done, and the
 * caller waits for the count, the least a caller can do to learn that its
 * tasks have run. The count is guarded by a pthread mutex, not a GMutex,
 * only so that ThreadSanitizer (which sees pthread calls, not GLib's own
 * futex-based locks) can check it. */
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

static double glib_cost_per_task(GThreadPool *pool, struct glib_batch *b, int tasks,
                                 bool one_at_a_time)
{
    static char token; /* g_thread_pool_push refuses NULL data */
    CL_CHECK_RC(pthread_mutex_lock(&b->mutex));
    b->finished = 0;
    CL_CHECK_RC(pthread_mutex_unlock(&b->mutex));
    double t0 = cl_now();
    int pushed = 0;
    for (; pushed < tasks && !stop_now(pushed); pushed++) {
        if (!g_thread_pool_push(pool, &token, NULL))
            cl_fail(__FILE__, __LINE__, "g_thread_pool_push", EAGAIN);
        if (one_at_a_time)
            glib_wait_for(b, pushed + 1);
    }
    glib_wait_for(b, pushed);
    return (cl_now() - t0) / tasks;
}

/* Both pools made once; then, round after round, each mode on each pool,
 * the executor first in even rounds and GThreadPool first in odd ones, so
 * that going first or second (after the other pool's burst) favours neither.
 * A round trip costs far more than a task in a batch, so it runs a fiftieth
 * as many tasks. */
static void bench_overhead(int workers, int tasks, long rounds, bool csv, bool pinned)
{
    static const char *const modes[2] = {"batch", "one"};
    struct executor *pool = executor_new(workers);
    struct future **futures = calloc((size_t)tasks, sizeof *futures);
    struct glib_batch batch = {.finished = 0};
    CL_CHECK_RC(pthread_mutex_init(&batch.mutex, NULL));
    CL_CHECK_RC(pthread_cond_init(&batch.some_done, NULL));
    GThreadPool *gpool = g_thread_pool_new(glib_empty_task, &batch, workers, TRUE, NULL);
    if (pool == NULL || futures == NULL || gpool == NULL)
        cl_fail(__FILE__, __LINE__, "making the pools", errno);
    double *cost[2][2]; /* [mode][0: executor, 1: GThreadPool], one per round */
    for (int m = 0; m < 2; m++)
        for (int k = 0; k < 2; k++)
            if ((cost[m][k] = calloc((size_t)rounds, sizeof(double))) == NULL)
                cl_fail(__FILE__, __LINE__, "calloc", errno);
    if (csv)
        cl_csv_header(OVERHEAD_COLUMNS);
    /* A warm-up batch on each, not recorded: the first tasks also pay for
     * page faults in the allocator and threads' first wake-ups. */
    executor_cost_per_task(pool, futures, (tasks + 9) / 10, false);
    glib_cost_per_task(gpool, &batch, (tasks + 9) / 10, false);
    long done = 0;
    for (; done < rounds && !cl_interrupted(); done++)
        for (int m = 0; m < 2; m++) {
            int n = m == 0 ? tasks : (tasks + 49) / 50;
            for (int turn = 0; turn < 2; turn++)
                if ((turn == 0) == (done % 2 == 0))
                    cost[m][0][done] = executor_cost_per_task(pool, futures, n, m == 1);
                else
                    cost[m][1][done] = glib_cost_per_task(gpool, &batch, n, m == 1);
            if (csv)
                for (int k = 0; k < 2; k++)
                    cl_csv_row("%s,%s,%d,%d,%ld,%.4f,%d", k == 0 ? "executor" : "gthreadpool",
                               modes[m], workers, n, done, cost[m][k][done] * 1e6, pinned);
        }
    if (!csv && done > 0) {
        printf("\ncost of one empty task, submit + result, %d workers, %s; median of %ld rounds "
               "(smallest-largest), in us:\n",
               workers, pinned ? "pinned to one CPU" : "unpinned", done);
        printf("  %-28s %-22s %-22s %s\n", "mode", "executor (executor.h)", "GLib GThreadPool",
               "executor / GThreadPool");
        for (int m = 0; m < 2; m++) {
            double ratio[MAX_ROUNDS];
            for (long r = 0; r < done; r++)
                ratio[r] = cost[m][0][r] / cost[m][1][r];
            struct cl_spread a = cl_spread_of(cost[m][0], (size_t)done);
            struct cl_spread b = cl_spread_of(cost[m][1], (size_t)done);
            struct cl_spread q = cl_spread_of(ratio, (size_t)done);
            char ca[32], cb[32];
            snprintf(ca, sizeof ca, "%.2f (%.2f-%.2f)", a.median * 1e6, a.lo * 1e6, a.hi * 1e6);
            snprintf(cb, sizeof cb, "%.2f (%.2f-%.2f)", b.median * 1e6, b.lo * 1e6, b.hi * 1e6);
            printf("  %-28s %-22s %-22s %.2fx (%.2f-%.2fx)\n",
                   m == 0 ? "batch (submit all, wait all)" : "one at a time (round trip)", ca,
                   cb, q.median, q.lo, q.hi);
        }
    }
    g_thread_pool_free(gpool, FALSE, TRUE);
    CL_CHECK_RC(pthread_cond_destroy(&batch.some_done));
    CL_CHECK_RC(pthread_mutex_destroy(&batch.mutex));
    executor_shutdown(pool);
    free(futures);
    for (int m = 0; m < 2; m++)
        for (int k = 0; k < 2; k++)
            free(cost[m][k]);
}

/* ---- Plumbing: checks, settings, rounds, the story --------------------------- */

static int threads_now(void)
{
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(dir);
    return n;
}

static void check_against_serial(const struct life_grid *start, const struct run *r, int workers)
{
    struct life_grid *want = life_reference(start, r->done);
    if (want == NULL)
        cl_fail(__FILE__, __LINE__, "life_reference", errno);
    if (!life_equal(want, r->final))
        cl_die("pool of %d: %d x %d grid after %d generations differs from the serial one",
               workers, start->rows, start->cols, r->done);
    life_free(want);
}

static void print_simulation_error(FILE *out, const struct run *r)
{
    fprintf(out, "simulation error at (%d, %d): %s\n", r->err_y, r->err_x, strerror(r->error));
}

struct settings {
    struct cl_list rows, cols, workers, fail_cell;
    long generations, rounds, tasks;
    double io_ms;
    const char *bench;
    bool csv, pin;
};

static struct life_grid *starting_grid(int rows, int cols)
{
    if ((long)rows * cols > MAX_CELLS)
        cl_usage_error("a %d x %d grid has %ld cells, more than the %ld this program allows",
                       rows, cols, (long)rows * cols, MAX_CELLS);
    struct life_grid *g = life_starting_grid(rows, cols, 56);
    if (g == NULL)
        cl_usage_error("not enough memory for a %d x %d grid", rows, cols);
    return g;
}

static void free_grids(struct life_grid **gens, int n)
{
    for (int i = 0; i < n; i++)
        life_free(gens[i]);
}

/* The book's grid by a pool of 10, then one failing cell. */
static void print_book_story(void)
{
    enum { GENS = 4 };
    struct life_grid *gens[GENS + 1] = {life_book_grid()};
    if (gens[0] == NULL)
        cl_fail(__FILE__, __LINE__, "life_book_grid", errno);
    struct life_io io = {0.0005, -1, -1};
    for (int i = 1; i <= GENS; i++) {
        struct run r = simulate_with_pool(gens[i - 1], 1, BOOK_WORKERS, &io);
        gens[i] = r.final;
        if (r.error != 0) { /* only Ctrl-C stops a run with no failing cell */
            free_grids(gens, i + 1);
            return;
        }
        check_against_serial(gens[i - 1], &r, BOOK_WORKERS);
    }
    printf("the book's grid, 5 x 9, %d generations by a pool of %d ('*' alive, '-' empty):\n",
           GENS, BOOK_WORKERS);
    life_print_columns(stdout, gens, GENS + 1, 80);
    printf("same grid as the serial simulation: yes\n");
    io = (struct life_io){0.0005, 2, 3};
    struct run bad = simulate_with_pool(gens[0], GENS, BOOK_WORKERS, &io);
    life_free(bad.final);
    if (bad.error == EINTR) { /* Ctrl-C */
        free_grids(gens, GENS + 1);
        return;
    }
    if (bad.error != EIO || bad.err_y != 2 || bad.err_x != 3)
        cl_die("the failing cell (2, 3) came back as %d at (%d, %d)", bad.error, bad.err_y,
               bad.err_x);
    printf("future_result for cell (2, 3) gave the task's error:\n  ");
    print_simulation_error(stdout, &bad);
    free_grids(gens, GENS + 1);
}

struct sample {
    int size, workers;
    double gen_s[MAX_ROUNDS];
};

/* Refuses a run that would take more than about a minute: the cell updates
 * it would make, and the I/O it would wait for even at the ideal speed of
 * ceil(cells / max_workers) latencies per generation. */
static void check_run_size(const struct settings *s, struct life_grid **starts, int nsizes)
{
    double gens = (double)s->rounds * s->generations, latency = s->io_ms / 1000.0;
    double updates = 0, wait_s = 0;
    for (int i = 0; i < nsizes; i++)
        for (int w = 0; w < s->workers.n; w++) {
            long cells = (long)starts[i]->rows * starts[i]->cols, workers = s->workers.v[w];
            updates += gens * cells;
            wait_s += gens * latency * (double)((cells + workers - 1) / workers);
        }
    life_refuse_long_runs(updates, wait_s);
}

static int run_rounds(const struct settings *s, struct life_grid **starts, int nsizes,
                      struct sample *samples, struct run *failure)
{
    int n = 0;
    for (int i = 0; i < nsizes; i++)
        for (int w = 0; w < s->workers.n; w++)
            samples[n++] = (struct sample){i, (int)s->workers.v[w], {0}};
    struct life_io io = {s->io_ms / 1000.0, -1, -1};
    if (s->fail_cell.n == 2)
        io = (struct life_io){s->io_ms / 1000.0, (int)s->fail_cell.v[0], (int)s->fail_cell.v[1]};
    for (long round = 0; round < s->rounds; round++)
        for (int k = 0; k < n; k++) {
            struct sample *m = &samples[k];
            const struct life_grid *g = starts[m->size];
            struct run r = simulate_with_pool(g, (int)s->generations, m->workers, &io);
            if (r.error == 0)
                check_against_serial(g, &r, m->workers);
            life_free(r.final);
            if (r.error != 0) { /* Ctrl-C, or a task's error to raise again */
                *failure = r;
                return n;
            }
            m->gen_s[round] = r.gen_s;
            if (s->csv)
                cl_csv_row("thread_pool,%d,%d,%ld,%g,%d,%ld,%ld,%.6f,%ld,%d", g->rows, g->cols,
                           (long)g->rows * g->cols, s->io_ms, m->workers, s->generations, round,
                           r.gen_s, cl_peak_rss_kib(), r.threads_peak);
        }
    return n;
}

static void print_table(const struct settings *s, struct life_grid **starts,
                        const struct sample *samples, int n)
{
    double latency = s->io_ms / 1000.0;
    printf("\n%ld generation(s) per run, game_logic blocking %g ms per cell; median of %ld "
           "rounds (smallest-largest):\n",
           s->generations, s->io_ms, s->rounds);
    printf("%9s %11s  %-25s %-22s %s\n", "grid", "max_workers", "per generation (s)",
           "ceil(cells/workers) x", "measured /");
    printf("%9s %11s  %-25s %-22s %s\n", "", "", "", "latency (s)", "predicted");
    for (int k = 0; k < n; k++) {
        const struct sample *m = &samples[k];
        const struct life_grid *g = starts[m->size];
        long cells = (long)g->rows * g->cols;
        struct cl_spread t = cl_spread_of(m->gen_s, (size_t)s->rounds);
        double predicted = (double)((cells + m->workers - 1) / m->workers) * latency;
        char grid[32], span[64];
        snprintf(grid, sizeof grid, "%d x %d", g->rows, g->cols);
        snprintf(span, sizeof span, "%.4f (%.4f-%.4f)", t.median, t.lo, t.hi);
        char ratio[16] = "(no I/O)";
        if (predicted > 0)
            snprintf(ratio, sizeof ratio, "%.2f", t.median / predicted);
        printf("%9s %11d  %-25s %-22.4f %s\n", grid, m->workers, span, predicted, ratio);
    }
    printf("\nthe claim: max_workers caps how many cells wait at once, so a generation takes\n"
           "about cells / max_workers latencies, and no more workers than cells help.\n");
}

static bool same_list(const struct cl_list *a, const struct cl_list *b)
{
    return a->n == b->n && memcmp(a->v, b->v, (size_t)a->n * sizeof a->v[0]) == 0;
}

/* --bench overhead times empty tasks: a flag of the Game of Life given with
 * it would be silently ignored, so it is refused. Returns the pool's size. */
static int check_overhead_flags(const struct settings *s, const struct settings *d)
{
    if (!same_list(&s->rows, &d->rows) || !same_list(&s->cols, &d->cols) ||
        s->fail_cell.n != 0 || s->generations != d->generations || s->io_ms != d->io_ms)
        cl_usage_error("--bench overhead runs empty tasks: --rows, --cols, --generations, "
                       "--io-ms and --fail-cell belong to --bench life");
    if (s->rounds * s->tasks > MAX_OVERHEAD_TASKS)
        cl_usage_error("--rounds %ld x --tasks %ld is more than the %.0e empty tasks allowed",
                       s->rounds, s->tasks, MAX_OVERHEAD_TASKS);
    if (same_list(&s->workers, &d->workers))
        return OVERHEAD_WORKERS;
    if (s->workers.n != 1)
        cl_usage_error("--bench overhead takes one --workers count, not %d", s->workers.n);
    return (int)s->workers.v[0];
}

int main(int argc, char **argv)
{
    struct settings s = {.rows = {2, {5, 10}}, .cols = {2, {9, 10}},
                         .workers = {4, {1, 2, 10, 50}}, .generations = 2, .rounds = 5,
                         .tasks = 100000, .io_ms = 0.5, .bench = "life"};
    struct cl_opt opts[] = {
        {"rows", CL_OPT_LIST, &s.rows, "grid rows, one per grid to time", 1, 100000},
        {"cols", CL_OPT_LIST, &s.cols, "grid columns, paired with --rows", 1, 100000},
        {"workers", CL_OPT_LIST, &s.workers, "max_workers of the pool, one run each", 1, 1000},
        {"generations", CL_OPT_INT, &s.generations, "generations per timed run", 1, 1000},
        {"io-ms", CL_OPT_DOUBLE, &s.io_ms, "how long each cell's game_logic blocks, ms", 0, 1000},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds of every run, interleaved", 1,
         MAX_ROUNDS},
        {"fail-cell", CL_OPT_LIST, &s.fail_cell,
         "Y,X: that cell's task fails; its error comes back from future_result (exit 3)", 0,
         100000},
        {"bench", CL_OPT_CHOICE, &s.bench,
         "life (the Game of Life) or overhead (empty tasks: executor vs GThreadPool)", 0, 0,
         "life|overhead"},
        {"tasks", CL_OPT_INT, &s.tasks, "--bench overhead: empty tasks per batch", 1, 1000000},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "59_thread_pool",
        .summary = "the Game of Life on a reusable thread pool with futures: errors come back, "
                   "max_workers caps the I/O parallelism",
        .epilogue =
            "Examples:\n"
            "  59_thread_pool                                     the whole story\n"
            "  59_thread_pool --fail-cell 2,3                     the error comes back\n"
            "  59_thread_pool --rows 10 --cols 10 --workers 1,2,5,10,50,100 --io-ms 1\n"
            "  59_thread_pool --bench overhead --workers 2 --pin\n"
            "CSV columns: " CSV_COLUMNS "\n"
            "  gen_s: wall seconds per generation; workers: max_workers; threads_peak: the\n"
            "  process's threads while running.\n"
            "--bench overhead --csv columns: " OVERHEAD_COLUMNS "\n"
            "Limits: a grid of at most 10,000 cells (100 x 100); at most 2e6 cell updates\n"
            "  (rounds x generations x cells, over every run) and at most 60 s of I/O waiting\n"
            "  (ceil(cells / workers) x io-ms, over every run) in one invocation;\n"
            "  --bench overhead: rounds x --tasks at most 1e7 (one --workers value, default 2).\n"
            "Exit status 3: a task's error was raised again (--fail-cell).\n",
        .opts = opts,
    };
    const struct settings defaults = s;
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    s.pin = prog.pin;
    cl_catch_stop_signals();
    if (s.rows.n != s.cols.n && s.rows.n != 1 && s.cols.n != 1)
        cl_usage_error("--rows has %d values and --cols %d: give as many, or one", s.rows.n,
                       s.cols.n);
    if (s.fail_cell.n != 0 && s.fail_cell.n != 2)
        cl_usage_error("--fail-cell takes two numbers, Y,X");

    if (strcmp(s.bench, "overhead") == 0) {
        int workers = check_overhead_flags(&s, &defaults);
        bench_overhead(workers, (int)s.tasks, s.rounds, s.csv, s.pin);
        return cl_interrupted() ? 130 : 0;
    }
    if (s.tasks != defaults.tasks)
        cl_usage_error("--tasks belongs to --bench overhead");
    int nsizes = s.rows.n > s.cols.n ? s.rows.n : s.cols.n;
    struct life_grid *starts[CL_LIST_MAX];
    for (int i = 0; i < nsizes; i++) {
        int rows = (int)s.rows.v[s.rows.n == 1 ? 0 : i];
        int cols = (int)s.cols.v[s.cols.n == 1 ? 0 : i];
        if (s.fail_cell.n == 2 && (s.fail_cell.v[0] >= rows || s.fail_cell.v[1] >= cols))
            cl_usage_error("--fail-cell %ld,%ld lies outside the %d x %d grid", s.fail_cell.v[0],
                           s.fail_cell.v[1], rows, cols);
        starts[i] = starting_grid(rows, cols);
    }
    check_run_size(&s, starts, nsizes);
    struct sample *samples = calloc((size_t)nsizes * s.workers.n, sizeof *samples);
    if (samples == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);

    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    else if (s.fail_cell.n == 0)
        print_book_story();
    struct run failure = {0};
    int n = cl_interrupted() ? 0 : run_rounds(&s, starts, nsizes, samples, &failure);
    if (!s.csv && !cl_interrupted() && failure.error == 0) {
        print_table(&s, starts, samples, n);
        bench_overhead(OVERHEAD_WORKERS, 20000, 3, false, s.pin);
    }
    free(samples);
    for (int i = 0; i < nsizes; i++)
        life_free(starts[i]);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted\n", cl_program_name());
        return 130;
    }
    if (failure.error != 0) { /* [p3] raised again, as result() raises in Python */
        fprintf(stderr, "%s: ", cl_program_name());
        print_simulation_error(stderr, &failure);
        return SIMULATION_ERROR_EXIT;
    }
    return 0;
}
