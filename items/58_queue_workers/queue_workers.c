/*
 * 58_queue_workers - Item 58: understand how using Queue for concurrency
 * requires refactoring.
 *
 * Python:  the Game of Life of item 56, now with a fixed set of worker
 *          threads: the main thread puts one work item per cell into an in
 *          queue (fan-out), five workers take them, run game_logic (the
 *          blocking I/O) and put the answers into an out queue, and the main
 *          thread takes every answer back (fan-in) to build the next grid.
 *          An exception in a worker is caught there and sent back as a value;
 *          the main thread raises it again (SimulationError). When counting
 *          the neighbours needs I/O too, it becomes a stage of its own: three
 *          queues and two sets of workers.
 * C:       the queue of item 55 (queue.h); one work item per cell [p1]; the
 *          workers [p2]; one generation as fan-out then fan-in [p3]; the
 *          error carried as a value and raised again [p4]; the pipeline
 *          started and stopped [p5]: close the queues, join every worker;
 *          the second version with three queues [p6].
 *
 * The claims: the grid is the same as item 56's serial one; a generation
 * takes about cells / workers x latency, so it scales with the workers; and
 * the change from item 56 is large (the README counts the lines).
 *
 * Run:  build/bin/58_queue_workers                         the whole story, ~4 s
 *       build/bin/58_queue_workers --fail-cell 2,3         a worker's error, raised again
 *       build/bin/58_queue_workers --rows 20 --cols 20 --workers 1,2,5,10 --io-ms 1
 *       build/bin/58_queue_workers --csv                   rows for the harness
 *
 * Prints (2-core VM, shared; numbers vary from run to run; abridged):
 *   the book's grid, 5 x 9, 4 generations by 5 queue workers ('*' alive, '-' empty):
 *       0     |     1     |     2     |     3     |     4
 *   ---*----- | --------- | --------- | --------- | ---------
 *   ----*---- | --*-*---- | ----*---- | ---*----- | ----*----
 *   ...
 *   same grid as the serial simulation: yes (queue_workers, queue_workers_io_count)
 *   a worker's I/O fails for cell (2, 3); the main thread raises it again:
 *     simulation error at (2, 3): Input/output error
 *   variant                  grid workers threads  per generation (s)      cells/workers x  measured /
 *   queue_workers         15 x 15       1       2  0.1318 (0.1303-0.1350)  0.1125           1.17
 *   queue_workers         15 x 15       5       6  0.0272 (0.0267-0.0284)  0.0225           1.21
 *   queue_workers_io_count 15 x 15      5      11  0.0274 (0.0270-0.0282)  0.0225           1.22
 */
#include "55_queue_pipelines/queue.h"
#include "56_game_of_life/life.h"
#include "clab.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CSV_COLUMNS                                                                      \
    "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,"       \
    "threads_peak"

#define WAIT_SLICE_S 0.1 /* the longest the main thread waits before looking at Ctrl-C */
#define SIMULATION_ERROR_EXIT 3
#define MAX_ROUNDS 100 /* --rounds; each sample keeps one time per round */
/* Bounds on one invocation, so that no value inside the flags' ranges runs
 * for more than about a minute and Ctrl-C stops it within half a second (see
 * --help). A grid of at most 10,000 cells: the main thread puts a whole
 * generation in before it looks at Ctrl-C again, and with 1,000 workers per
 * stage a 250,000-cell generation took 0.6 s and over a second to stop. At
 * most two million cell updates (with 1,000 workers per stage, four million
 * took 75 s; rounds x generations x cells, summed over
 * every run) and at most 60 s of I/O waiting at the ideal speed. */
#define MAX_CELLS 10000L

/* ---- The concept: workers between queues -------------------------------- */

/* [p1] One cell's work item. Python puts tuples in the queue; here one
 * struct per cell, made once, travels in and comes back with its answer. */
struct cell_job {
    const struct life_grid *grid; /* the generation being read */
    int y, x;
    bool alive;
    int neighbors; /* counted by the main thread, or by a counting stage */
    bool next;     /* the answer */
    int error;     /* 0, or the error the worker caught: sent back as a value */
};

/* One stage: workers that take from `in`, do one blocking step, put to `out`. */
struct stage {
    struct queue *in, *out;
    const struct life_io *io;
    void (*step)(const struct life_io *io, struct cell_job *job);
};

/* The book's game_logic, in a worker. An error is not thrown across threads:
 * it is stored in the work item, like the worker catching the exception and
 * putting it in the out queue. */
static void game_logic_step(const struct life_io *io, struct cell_job *job)
{
    if (job->error == 0)
        job->error = life_game_logic(io, job->y, job->x, job->alive, job->neighbors, &job->next);
}

/* [p6] The second version's count_neighbors, which now waits for I/O as well
 * (the same latency as game_logic), in slices so Ctrl-C cuts it short. */
static void count_neighbors_step(const struct life_io *io, struct cell_job *job)
{
    double until = cl_now() + (io ? io->latency_s : 0);
    for (double left; (left = until - cl_now()) > 0 && !cl_interrupted();)
        cl_sleep(left < WAIT_SLICE_S ? left : WAIT_SLICE_S);
    job->neighbors = life_count_neighbors(job->grid, job->y, job->x);
}

/* [p2] A worker: take, work, pass on, until its in queue is closed and
 * empty (closing is the sentinel). A put that finds the out queue closed
 * means the pipeline is being stopped early (Ctrl-C): the item is dropped. */
static void *stage_worker(void *arg)
{
    struct stage *s = arg;
    void *item;
    while (queue_get(s->in, &item, QUEUE_FOREVER) == QUEUE_OK) {
        s->step(s->io, item);
        if (queue_put(s->out, item, QUEUE_FOREVER) != QUEUE_OK)
            break;
    }
    return NULL;
}

/* A pipeline: queues[0] -> stage 0 -> queues[1] -> stage 1 -> queues[2]. */
#define MAX_STAGES 2
struct pipeline {
    int nstages, workers_per_stage;
    struct queue *queues[MAX_STAGES + 1];
    struct stage stages[MAX_STAGES];
    pthread_t *threads; /* nstages x workers_per_stage */
    int started;
};

static struct queue *new_queue(void)
{
    struct queue *q = queue_new(0); /* unbounded, as the book's Queue() */
    if (q == NULL)
        cl_fail(__FILE__, __LINE__, "queue_new(0)", errno);
    return q;
}

/* [p5] Starts `workers` threads per stage. The first version has one stage
 * (game_logic), the second two (count_neighbors, then game_logic). */
static void pipeline_start(struct pipeline *p, bool count_in_workers, int workers,
                           const struct life_io *io)
{
    memset(p, 0, sizeof *p);
    p->nstages = count_in_workers ? 2 : 1;
    p->workers_per_stage = workers;
    for (int i = 0; i <= p->nstages; i++)
        p->queues[i] = new_queue();
    for (int i = 0; i < p->nstages; i++) {
        bool counting = count_in_workers && i == 0;
        p->stages[i] = (struct stage){p->queues[i], p->queues[i + 1], io,
                                      counting ? count_neighbors_step : game_logic_step};
    }
    p->threads = calloc((size_t)(p->nstages * workers), sizeof *p->threads);
    if (p->threads == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    for (int i = 0; i < p->nstages * workers; i++) {
        CL_CHECK_RC(pthread_create(&p->threads[i], NULL, stage_worker, &p->stages[i / workers]));
        p->started++;
    }
}

/* [p5] Close every queue (the workers drain what is left and leave), join
 * every worker, free. */
static void pipeline_stop(struct pipeline *p)
{
    for (int i = 0; i <= p->nstages; i++)
        queue_close(p->queues[i]);
    for (int i = 0; i < p->started; i++)
        CL_CHECK_RC(pthread_join(p->threads[i], NULL));
    for (int i = 0; i <= p->nstages; i++)
        queue_free(p->queues[i]);
    free(p->threads);
}

/* [p3] One generation: fan-out (one work item per cell into the first queue)
 * then fan-in (every answer out of the last). Returns 0, the first error a
 * worker sent back (*err_y, *err_x name its cell) [p4], or EINTR on Ctrl-C. */
static int step_with_queues(struct pipeline *p, const struct life_grid *cur,
                            struct life_grid *next, struct cell_job *jobs, int *err_y,
                            int *err_x)
{
    int cells = cur->rows * cur->cols;
    for (int i = 0; i < cells; i++) {
        int y = i / cur->cols, x = i % cur->cols;
        jobs[i] = (struct cell_job){cur, y, x, life_get(cur, y, x), 0, false, 0};
        if (p->nstages == 1) /* first version: counting is cheap, done here */
            jobs[i].neighbors = life_count_neighbors(cur, y, x);
        if (queue_put(p->queues[0], &jobs[i], QUEUE_FOREVER) != QUEUE_OK)
            cl_die("the in queue closed in the middle of a generation");
    }
    int first_error = 0;
    struct queue *out = p->queues[p->nstages];
    for (int got = 0; got < cells;) {
        void *item;
        enum queue_status st = queue_get(out, &item, cl_now() + WAIT_SLICE_S);
        if (cl_interrupted())
            return EINTR;
        if (st == QUEUE_TIMEOUT)
            continue;
        if (st != QUEUE_OK)
            cl_die("the out queue closed in the middle of a generation");
        got++;
        struct cell_job *job = item;
        if (job->error != 0 && first_error == 0) {
            first_error = job->error;
            *err_y = job->y;
            *err_x = job->x;
        }
        life_set(next, job->y, job->x, job->next);
    }
    return first_error;
}

/* A run of `generations` generations from `start`; the outcome. */
struct run {
    int done;      /* generations completed */
    int error;     /* 0, a worker's error, or EINTR */
    int err_y, err_x;
    double gen_s;  /* wall seconds per generation */
    int threads_peak;
    struct life_grid *final; /* the last generation (owned by the caller) */
};

static int threads_now(void);

/* [p4] Runs the simulation; a worker's error stops it after the generation
 * it happened in, and comes back here to be raised again by the caller. */
static struct run simulate_with_queues(const struct life_grid *start, int generations,
                                       bool count_in_workers, int workers,
                                       const struct life_io *io)
{
    struct run r = {0};
    struct life_grid *cur = life_new(start->rows, start->cols);
    struct life_grid *next = life_new(start->rows, start->cols);
    struct cell_job *jobs = calloc((size_t)start->rows * start->cols, sizeof *jobs);
    if (cur == NULL || next == NULL || jobs == NULL)
        cl_usage_error("not enough memory for a %d x %d grid", start->rows, start->cols);
    life_copy(cur, start);
    struct pipeline p;
    pipeline_start(&p, count_in_workers, workers, io);
    r.threads_peak = threads_now();
    double t0 = cl_now();
    while (r.done < generations && r.error == 0) {
        r.error = step_with_queues(&p, cur, next, jobs, &r.err_y, &r.err_x);
        if (r.error == 0) {
            struct life_grid *t = cur;
            cur = next;
            next = t;
            r.done++;
        }
    }
    r.gen_s = (cl_now() - t0) / (r.done > 0 ? r.done : 1);
    pipeline_stop(&p);
    free(jobs);
    life_free(next);
    r.final = cur;
    return r;
}

/* ---- Plumbing: checks, settings, rounds, the story ------------------------ */

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

static const char *variant_name(bool count_in_workers)
{
    return count_in_workers ? "queue_workers_io_count" : "queue_workers";
}

/* Every run checks itself against item 56's serial simulation with no I/O. */
static void check_against_serial(const struct life_grid *start, const struct run *r,
                                 bool count_in_workers, int workers)
{
    struct life_grid *want = life_reference(start, r->done);
    if (want == NULL)
        cl_fail(__FILE__, __LINE__, "life_reference", errno);
    if (!life_equal(want, r->final))
        cl_die("%s with %d workers: %d x %d grid after %d generations differs from the serial "
               "one",
               variant_name(count_in_workers), workers, start->rows, start->cols, r->done);
    life_free(want);
}

/* [p4] Raising it again: the one line the book's SimulationError prints. */
static void print_simulation_error(FILE *out, const struct run *r)
{
    fprintf(out, "simulation error at (%d, %d): %s\n", r->err_y, r->err_x, strerror(r->error));
}

struct settings {
    struct cl_list rows, cols, workers, fail_cell;
    long generations, rounds;
    double io_ms;
    const char *variant; /* "queue_workers", "io_count" or "both" */
    bool csv;
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

static void csv_row(const char *variant, const struct life_grid *g, const struct settings *s,
                    int workers, long round, const struct run *r)
{
    cl_csv_row("%s,%d,%d,%ld,%g,%d,%ld,%ld,%.6f,%ld,%d", variant, g->rows, g->cols,
               (long)g->rows * g->cols, s->io_ms, workers, s->generations, round, r->gen_s,
               cl_peak_rss_kib(), r->threads_peak);
}

/* One timed run, checked against the serial grid unless it stopped early. */
static struct run timed_run(const struct settings *s, const struct life_grid *start,
                            bool count_in_workers, int workers)
{
    struct life_io io = {s->io_ms / 1000.0, -1, -1};
    if (s->fail_cell.n == 2)
        io = (struct life_io){s->io_ms / 1000.0, (int)s->fail_cell.v[0], (int)s->fail_cell.v[1]};
    struct run r =
        simulate_with_queues(start, (int)s->generations, count_in_workers, workers, &io);
    if (r.error == 0)
        check_against_serial(start, &r, count_in_workers, workers);
    return r;
}

/* Frees the story's n grids. */
static void free_grids(struct life_grid **gens, int n)
{
    for (int i = 0; i < n; i++)
        life_free(gens[i]);
}

/* The book's grid, generation by generation, by both versions; then the
 * error demo: one cell's I/O fails and the error comes back. */
static void print_book_story(void)
{
    enum { GENS = 4 };
    struct life_grid *gens[GENS + 1];
    gens[0] = life_book_grid();
    if (gens[0] == NULL)
        cl_fail(__FILE__, __LINE__, "life_book_grid", errno);
    struct life_io io = {0.0005, -1, -1};
    int made = 1;
    for (; made <= GENS; made++) {
        struct run r = simulate_with_queues(gens[made - 1], 1, false, 5, &io);
        gens[made] = r.final;
        if (r.error != 0) { /* only Ctrl-C stops a run with no failing cell */
            free_grids(gens, made + 1);
            return;
        }
        check_against_serial(gens[made - 1], &r, false, 5);
    }
    printf("the book's grid, 5 x 9, %d generations by 5 queue workers ('*' alive, '-' empty):\n",
           GENS);
    life_print_columns(stdout, gens, GENS + 1, 80);
    struct run two = simulate_with_queues(gens[0], GENS, true, 5, &io);
    if (two.error == 0)
        check_against_serial(gens[0], &two, true, 5);
    life_free(two.final);
    if (two.error != 0) { /* Ctrl-C */
        free_grids(gens, GENS + 1);
        return;
    }
    printf("same grid as the serial simulation: yes (%s, %s)\n", variant_name(false),
           variant_name(true));

    io = (struct life_io){0.0005, 2, 3};
    struct run bad = simulate_with_queues(gens[0], GENS, false, 5, &io);
    life_free(bad.final);
    if (bad.error == EINTR) { /* Ctrl-C */
        free_grids(gens, GENS + 1);
        return;
    }
    if (bad.error != EIO || bad.err_y != 2 || bad.err_x != 3)
        cl_die("the failing cell (2, 3) came back as %d at (%d, %d)", bad.error, bad.err_y,
               bad.err_x);
    printf("a worker's I/O fails for cell (2, 3); the main thread raises it again:\n  ");
    print_simulation_error(stdout, &bad);
    free_grids(gens, GENS + 1);
}

struct sample {
    int size, workers;
    bool count_in_workers;
    double gen_s[MAX_ROUNDS]; /* one per round */
};

/* Refuses a run that would take more than about a minute: the cell updates
 * it would make, and the I/O it would wait for even at the ideal speed. A
 * generation waits at least ceil(cells / workers) latencies; the io_count
 * variant's two stages overlap, but its last cell still waits in both. */
static void check_run_size(const struct settings *s, struct life_grid **starts, int nsizes)
{
    bool both = strcmp(s->variant, "both") == 0;
    bool plain = both || strcmp(s->variant, "queue_workers") == 0;
    bool io_count = both || strcmp(s->variant, "io_count") == 0;
    double gens = (double)s->rounds * s->generations, latency = s->io_ms / 1000.0;
    double updates = 0, wait_s = 0;
    for (int i = 0; i < nsizes; i++)
        for (int w = 0; w < s->workers.n; w++) {
            long cells = (long)starts[i]->rows * starts[i]->cols, workers = s->workers.v[w];
            long waits = (cells + workers - 1) / workers; /* per cell, one after another */
            updates += gens * cells * (plain + io_count);
            wait_s += gens * latency * ((plain ? waits : 0) + (io_count ? waits + 1 : 0));
        }
    life_refuse_long_runs(updates, wait_s);
}

/* Every round runs every (size, variant, workers) once, interleaved. */
static int run_rounds(const struct settings *s, struct life_grid **starts, int nsizes,
                      struct sample *samples, struct run *failure)
{
    int n = 0;
    for (int i = 0; i < nsizes; i++)
        for (int v = 0; v < 2; v++) {
            bool two = v == 1;
            if (strcmp(s->variant, "both") != 0 &&
                strcmp(s->variant, two ? "io_count" : "queue_workers") != 0)
                continue;
            for (int w = 0; w < s->workers.n; w++)
                samples[n++] = (struct sample){i, (int)s->workers.v[w], two, {0}};
        }
    for (long round = 0; round < s->rounds && !cl_interrupted(); round++)
        for (int k = 0; k < n && !cl_interrupted(); k++) {
            struct sample *m = &samples[k];
            struct run r = timed_run(s, starts[m->size], m->count_in_workers, m->workers);
            life_free(r.final);
            if (r.error != 0) { /* Ctrl-C, or a worker's error to raise again */
                *failure = r;
                return n;
            }
            m->gen_s[round] = r.gen_s;
            if (s->csv)
                csv_row(variant_name(m->count_in_workers), starts[m->size], s, m->workers,
                        round, &r);
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
    printf("%-23s %9s %7s %8s  %-25s %-18s %s\n", "variant", "grid", "workers", "threads",
           "per generation (s)", "cells/workers x", "measured /");
    printf("%-23s %9s %7s %8s  %-25s %-18s %s\n", "", "", "", "", "", "latency (s)",
           "predicted");
    for (int k = 0; k < n; k++) {
        const struct sample *m = &samples[k];
        const struct life_grid *g = starts[m->size];
        struct cl_spread t = cl_spread_of(m->gen_s, (size_t)s->rounds);
        /* the io_count version waits twice per cell, in two overlapping stages */
        double predicted = (double)g->rows * g->cols / m->workers * latency;
        char grid[32], span[64];
        snprintf(grid, sizeof grid, "%d x %d", g->rows, g->cols);
        snprintf(span, sizeof span, "%.4f (%.4f-%.4f)", t.median, t.lo, t.hi);
        char ratio[16] = "(no I/O)";
        if (predicted > 0)
            snprintf(ratio, sizeof ratio, "%.2f", t.median / predicted);
        printf("%-23s %9s %7d %8d  %-25s %-18.4f %s\n", variant_name(m->count_in_workers),
               grid, m->workers, 1 + m->workers * (m->count_in_workers ? 2 : 1), span, predicted,
               ratio);
    }
    printf("\nthe claim: a generation takes about cells / workers x latency. More workers, less\n"
           "time, but a fixed number: 10,000 cells at the book's 100 ms with 5 workers is still\n"
           "%.0f s per generation.\n",
           10000 / 5 * 0.1);
}

int main(int argc, char **argv)
{
    struct settings s = {.rows = {2, {5, 15}}, .cols = {2, {9, 15}}, .workers = {2, {1, 5}},
                         .fail_cell = {0}, .generations = 2, .rounds = 5, .io_ms = 0.5,
                         .variant = "both"};
    struct cl_opt opts[] = {
        {"rows", CL_OPT_LIST, &s.rows, "grid rows, one per grid to time", 1, 100000},
        {"cols", CL_OPT_LIST, &s.cols, "grid columns, paired with --rows", 1, 100000},
        {"workers", CL_OPT_LIST, &s.workers, "worker threads per stage, one run each", 1, 1000},
        {"generations", CL_OPT_INT, &s.generations, "generations per timed run", 1, 1000},
        {"io-ms", CL_OPT_DOUBLE, &s.io_ms, "how long each cell's I/O blocks, ms", 0, 1000},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds of every run, interleaved", 1,
         MAX_ROUNDS},
        {"variant", CL_OPT_CHOICE, &s.variant,
         "queue_workers (2 queues), io_count (3 queues, counting does I/O too) or both", 0, 0,
         "queue_workers|io_count|both"},
        {"fail-cell", CL_OPT_LIST, &s.fail_cell,
         "Y,X: that cell's I/O fails; the error is raised again (exit 3)", 0, 100000},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "58_queue_workers",
        .summary = "the Game of Life by a fixed set of workers between queues: same grid as "
                   "serial, cells / workers x latency per generation",
        .epilogue =
            "Examples:\n"
            "  58_queue_workers                                   the whole story\n"
            "  58_queue_workers --fail-cell 2,3                   the error comes back\n"
            "  58_queue_workers --rows 20 --cols 20 --workers 1,2,5,10 --io-ms 1\n"
            "CSV columns: " CSV_COLUMNS "\n"
            "  gen_s: wall seconds per generation; workers: threads per stage (the io_count\n"
            "  variant has two stages); threads_peak: the process's threads while running.\n"
            "Limits: a grid of at most 10,000 cells (100 x 100); at most 2e6 cell updates\n"
            "  (rounds x generations x cells, over every run) and at most 60 s of I/O waiting\n"
            "  (cells / workers x io-ms, over every run) in one invocation.\n"
            "Exit status 3: a worker's error was raised again (--fail-cell).\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    cl_catch_stop_signals();
    if (s.rows.n != s.cols.n && s.rows.n != 1 && s.cols.n != 1)
        cl_usage_error("--rows has %d values and --cols %d: give as many, or one", s.rows.n,
                       s.cols.n);
    if (s.fail_cell.n != 0 && s.fail_cell.n != 2)
        cl_usage_error("--fail-cell takes two numbers, Y,X");

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
    struct sample *samples = calloc((size_t)nsizes * 2 * s.workers.n, sizeof *samples);
    if (samples == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);

    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    else if (s.fail_cell.n == 0)
        print_book_story();
    struct run failure = {0};
    int n = cl_interrupted() ? 0 : run_rounds(&s, starts, nsizes, samples, &failure);
    if (!s.csv && !cl_interrupted() && failure.error == 0)
        print_table(&s, starts, samples, n);
    free(samples);
    for (int i = 0; i < nsizes; i++)
        life_free(starts[i]);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted\n", cl_program_name());
        return 130;
    }
    if (failure.error != 0) { /* [p4] raised again, as the book's SimulationError */
        fprintf(stderr, "%s: ", cl_program_name());
        print_simulation_error(stderr, &failure);
        return SIMULATION_ERROR_EXIT;
    }
    return 0;
}
