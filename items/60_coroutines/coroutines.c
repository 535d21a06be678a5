/*
 * 60_coroutines - Item 60: achieve highly concurrent I/O with coroutines.
 *
 * Python:  `async def step_cell(...)` awaits game_logic's I/O; simulate()
 *          starts one coroutine per cell and `await asyncio.gather(*tasks)`;
 *          asyncio.run(simulate(grid)) drives one generation on the event
 *          loop. A coroutine is a frame object, not a thread: cheap to start,
 *          small while it waits, so a million can wait at once.
 * C:       a stackless coroutine (coro.h): a function written as a switch
 *          over its frame's resume point, plus a frame struct holding its
 *          libevent timer. The cell's coroutine [p1] awaits its I/O as a
 *          timer on the loop [p2] and raises an error for the failing cell
 *          [p3]; simulate() fans out one coroutine per cell [p4] and awaits
 *          the gather [p5], which hands it the first error [p6]; each
 *          generation is one coro_run, asyncio.run's role [p7]. The cost
 *          run starts a million coroutines and gathers them [p8].
 *
 * The claims: starting a coroutine costs about a function call (goal: at
 * most 200 ns) and one waiting costs under 1 KB (goal: 256 bytes, its
 * libevent event included); a generation takes about one I/O latency
 * whatever the number of cells, tens of thousands and more at once, where
 * a thread per cell cannot go.
 *
 * Run:  build/bin/60_coroutines                         the whole story
 *       build/bin/60_coroutines --mode grid --rows 100 --cols 100 --generations 2
 *       build/bin/60_coroutines --mode grid --fail-cell 2,3  an error in one cell
 *       build/bin/60_coroutines --csv --rows 1000 --cols 1000 --rounds 3
 *       build/bin/60_coroutines --csv --mode costs --coroutines 1000000
 *
 * Prints (a shared 2-core VM; numbers vary from run to run; abridged):
 *       0     |     1     |     2     |     3     |     4
 *   ---*----- | --------- | --------- | --------- | ---------
 *   ...
 *   5 x 9 = 45 cells: 0.100 s per generation (1.00 x the latency), equal to the serial grid
 *        cells      gen_s    x latency   peak RSS MiB
 *           45      0.100         1.00            1.7
 *        10000      0.102         1.02            3.4
 *      1000000      0.242         2.42          171.4
 *     the awaiter of the gather got: simulation error at (2, 3): Input/output error
 *   1000000 coroutines started, suspended at once on the loop, then resumed:
 *     start (to its first await)      43 ns each  (malloc + fill of a frame: 21 ns)
 *     start, on fresh memory         130 ns each  (the page faults of its bytes)
 *     resume (the timer fires)        26 ns each
 *     memory while suspended         160 bytes each (RSS); the frame is 152 bytes,
 *                                 of which 128 the libevent event
 */
#include "56_game_of_life/life.h"
#include "60_coroutines/coro.h"
#include "clab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

/* ---- The concept: one coroutine per cell, one gather per generation -------- */

/* What every cell's coroutine of one generation shares (read-only, except
 * that each writes its own cell of next). */
struct generation {
    const struct life_grid *cur;
    struct life_grid *next;
    const struct life_io *io;
};

/* A cell's coroutine frame: what must survive its await. 176 bytes on
 * 64-bit Linux, of which 152 are the struct coro and 128 of those the
 * libevent timer. */
struct cell_task {
    struct coro co;
    const struct generation *gen;
    int y, x;
    int neighbors; /* counted before the await, used after it */
};

/* [p1] async def step_cell(y, x): count the neighbours, await game_logic's
 * I/O, apply the rules. Each call runs from where the last one stopped. */
static enum coro_step step_cell(struct coro *self)
{
    struct cell_task *t = CORO_FRAME(self, struct cell_task, co);
    const struct generation *g = t->gen;
    CORO_BEGIN(self);
    t->neighbors = life_count_neighbors(g->cur, t->y, t->x);
    CORO_AWAIT_SLEEP(self, g->io->latency_s); /* [p2] await the I/O: a timer, not a blocking sleep */
    if (t->y == g->io->fail_y && t->x == g->io->fail_x)
        CORO_FAIL(self, EIO); /* [p3] raise OSError: it travels to the gather */
    life_set(g->next, t->y, t->x, life_next_state(life_get(g->cur, t->y, t->x), t->neighbors));
    CORO_END(self);
}

/* The awaiting coroutine: simulate(grid). Its frames for the cells are made
 * once and restarted every generation (Python makes new ones each time). */
struct simulation {
    struct coro co;
    struct event_base *loop;
    struct generation gen;
    struct cell_task *cells; /* rows x cols frames */
    struct coro_gather gather;
    int err_y, err_x; /* the failing cell, when simulate fails */
};

/* async def simulate(grid): a coroutine per cell, then await gather. */
static enum coro_step simulate(struct coro *self)
{
    struct simulation *s = CORO_FRAME(self, struct simulation, co);
    CORO_BEGIN(self);
    coro_gather_init(&s->gather);
    int rows = s->gen.cur->rows, cols = s->gen.cur->cols;
    /* [p4] fan out: start them all, each runs to its await (a row at a
     * time, looking at Ctrl-C in between: a million starts take a while) */
    for (int y = 0; y < rows && !cl_interrupted(); y++)
        for (int x = 0; x < cols; x++) {
            struct cell_task *t = &s->cells[(long)y * cols + x];
            *t = (struct cell_task){.gen = &s->gen, .y = y, .x = x};
            coro_start(s->loop, &t->co, step_cell, &s->gather);
        }
    CORO_AWAIT_GATHER(self, &s->gather); /* [p5] fan in: resumes when every cell finished */
    if (s->gather.first_failed) {        /* [p6] the first error, raised again here */
        struct cell_task *bad = CORO_FRAME(s->gather.first_failed, struct cell_task, co);
        s->err_y = bad->y;
        s->err_x = bad->x;
        CORO_FAIL(self, bad->co.error);
    }
    CORO_END(self);
}

/* Takes every still-suspended coroutine off the loop (after Ctrl-C). */
static void cancel_simulation(struct simulation *s)
{
    long cells = (long)s->gen.cur->rows * s->gen.cur->cols;
    for (long i = 0; i < cells; i++)
        coro_cancel(&s->cells[i].co);
    coro_cancel(&s->co);
}

/* [p7] grid = asyncio.run(simulate(grid)), once per generation; generation
 * g's grid lands in grids[g]. Returns 0, ECANCELED (Ctrl-C) or the error of
 * the failing cell, with *err_y and *err_x set to it. */
static int run_generations(struct life_grid **grids, int generations, const struct life_io *io,
                           double *gen_s, int *err_y, int *err_x)
{
    struct event_base *loop = event_base_new();
    if (!loop)
        cl_fail(__FILE__, __LINE__, "event_base_new()", ENOMEM);
    long cells = (long)grids[0]->rows * grids[0]->cols;
    struct simulation s = {.loop = loop, .cells = calloc((size_t)cells, sizeof(struct cell_task))};
    if (!s.cells)
        cl_fail(__FILE__, __LINE__, "calloc(cells)", errno);
    int rc = 0;
    for (int g = 1; g <= generations && rc == 0; g++) {
        s.gen = (struct generation){.cur = grids[g - 1], .next = grids[g], .io = io};
        double t0 = cl_now();
        rc = coro_run(loop, &s.co, simulate);
        gen_s[g - 1] = cl_now() - t0;
    }
    if (rc == ECANCELED)
        cancel_simulation(&s);
    *err_y = s.err_y;
    *err_x = s.err_x;
    free(s.cells);
    event_base_free(loop);
    return rc;
}

/* ---- What a coroutine costs: starting a million and keeping them waiting --- */

/* The smallest coroutine: a frame that is only the struct coro. */
struct idle_task {
    struct coro co;
};

static enum coro_step sleep_once(struct coro *self)
{
    CORO_BEGIN(self);
    CORO_AWAIT_SLEEP(self, 0.0); /* await asyncio.sleep(0): back on the next turn of the loop */
    CORO_END(self);
}

struct cost_bench {
    struct coro co;
    struct event_base *loop;
    struct idle_task **tasks;
    long n;
    struct coro_gather gather;
    double started_at, all_started_at, all_done_at;
    long rss_before_kib, rss_suspended_kib;
};

/* [p8] async def main(): tasks = [create_task(sleep_once()) for ...]; await gather(*tasks)
 * Each frame is its own malloc, as each asyncio Task is its own object. */
static enum coro_step start_and_gather(struct coro *self)
{
    struct cost_bench *b = CORO_FRAME(self, struct cost_bench, co);
    CORO_BEGIN(self);
    coro_gather_init(&b->gather);
    b->rss_before_kib = cl_rss_kib();
    b->started_at = cl_now();
    for (long i = 0; i < b->n && !(i % 65536 == 0 && cl_interrupted()); i++) {
        b->tasks[i] = malloc(sizeof *b->tasks[i]);
        if (!b->tasks[i])
            cl_fail(__FILE__, __LINE__, "malloc(sizeof *b->tasks[i])", errno);
        coro_start(b->loop, &b->tasks[i]->co, sleep_once, &b->gather);
    }
    b->all_started_at = cl_now();
    b->rss_suspended_kib = cl_rss_kib(); /* all n are waiting on the loop now */
    CORO_AWAIT_GATHER(self, &b->gather);
    b->all_done_at = cl_now();
    CORO_END(self);
}

struct costs {
    double start_ns;      /* per start, on memory the process already holds */
    double start_cold_ns; /* per start, on fresh memory (page faults included) */
    double resume_ns;     /* per resume when its timer fires, and finish */
    double bytes_rss;     /* resident memory per suspended coroutine */
    double ref_ns;        /* the control: malloc and fill one frame-sized block */
};

/* Gives freed memory back to the system, so that the next pass starts cold;
 * and keeps freed memory otherwise, so that a warm pass really is warm
 * (glibc would give some back on its own, depending on its history).
 * Elsewhere both are no-ops and the two passes may come out alike. */
static void give_memory_back(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

/* The reference a busy machine would slow too: malloc and fill a block the
 * size of a frame, n times, on memory the process holds (the floor of any
 * design that allocates per coroutine). */
static double malloc_reference_ns(void **blocks, long n)
{
    double t0 = cl_now();
    for (long i = 0; i < n; i++) {
        blocks[i] = malloc(sizeof(struct idle_task));
        if (!blocks[i])
            cl_fail(__FILE__, __LINE__, "malloc(sizeof(struct idle_task))", errno);
        memset(blocks[i], 0, sizeof(struct idle_task));
    }
    double elapsed = cl_now() - t0;
    for (long i = 0; i < n; i++)
        free(blocks[i]);
    return elapsed / (double)n * 1e9;
}

/* One pass: n coroutines started, all suspended at once, resumed, freed.
 * Returns 0 or ECANCELED (Ctrl-C), with everything freed either way. */
static int start_suspend_resume(struct cost_bench *b)
{
    b->rss_before_kib = b->rss_suspended_kib = 0;
    memset(b->tasks, 0, (size_t)b->n * sizeof *b->tasks);
    int rc = coro_run(b->loop, &b->co, start_and_gather);
    for (long i = 0; i < b->n && b->tasks[i]; i++) {
        if (rc == ECANCELED)
            coro_cancel(&b->tasks[i]->co);
        free(b->tasks[i]);
    }
    if (rc == ECANCELED)
        coro_cancel(&b->co);
    return rc;
}

/* One round: a cold pass (fresh memory: the RSS per coroutine), then a warm
 * pass (the start cost itself), then the malloc control. A fresh loop each
 * round. */
static int measure_costs(long n, struct costs *c)
{
    struct event_base *loop = event_base_new();
    if (!loop)
        cl_fail(__FILE__, __LINE__, "event_base_new()", ENOMEM);
    struct cost_bench b = {.loop = loop, .n = n, .tasks = calloc((size_t)n, sizeof(void *))};
    if (!b.tasks)
        cl_fail(__FILE__, __LINE__, "calloc(tasks)", errno);
    keep_freed_memory();
    give_memory_back();
    int rc = start_suspend_resume(&b);
    c->bytes_rss = (double)(b.rss_suspended_kib - b.rss_before_kib) * 1024.0 / (double)n;
    c->start_cold_ns = (b.all_started_at - b.started_at) / (double)n * 1e9;
    if (rc == 0)
        rc = start_suspend_resume(&b);
    c->start_ns = (b.all_started_at - b.started_at) / (double)n * 1e9;
    c->resume_ns = (b.all_done_at - b.all_started_at) / (double)n * 1e9;
    c->ref_ns = rc == 0 ? malloc_reference_ns((void **)b.tasks, n) : 0;
    free(b.tasks);
    event_base_free(loop);
    give_memory_back();
    return rc;
}

/* ---- Plumbing: flags, checks, the story, CSV rows ------------------------- */

struct settings {
    struct cl_list rows, cols, fail_cell;
    long generations, rounds, coroutines;
    double io_ms;
    const char *mode; /* all | grid | costs */
    bool csv;
};

#define LIFE_CSV "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,threads_peak"
#define COST_CSV "variant,coroutines,round,start_ns,start_cold_ns,resume_ns,bytes_rss,bytes_frame,ref_ns"
#define MAX_CELLS 4194304L /* 4 Mi cells: about 740 MB of frames */
#define SIMULATION_ERROR_EXIT 3 /* as items 58 and 59: a cell's error was raised again */

static struct life_grid *new_grid(int rows, int cols)
{
    struct life_grid *g = life_new(rows, cols);
    if (!g)
        cl_fail(__FILE__, __LINE__, "life_new(rows, cols)", errno);
    return g;
}

/* The book's glider on 5 x 9; any other size the pattern items 56-59 use. */
static struct life_grid *starting_grid(int rows, int cols)
{
    if (rows == 5 && cols == 9) {
        struct life_grid *g = life_book_grid();
        if (!g)
            cl_fail(__FILE__, __LINE__, "life_book_grid()", errno);
        return g;
    }
    struct life_grid *g = new_grid(rows, cols);
    life_seed(g, 56);
    return g;
}

/* One simulation of `generations` steps, checked against the serial
 * reference: its error (0, ECANCELED, EIO), the failing cell, the mean time
 * per generation and every generation's grid (free them with free_grids). */
struct outcome {
    int rc, err_y, err_x;
    double gen_s_mean;
    struct life_grid **grids;
    int generations;
};

static void free_grids(struct outcome *o)
{
    for (int g = 0; g <= o->generations; g++)
        life_free(o->grids[g]);
    free(o->grids);
}

static struct outcome simulate_checked(int rows, int cols, int generations, const struct life_io *io)
{
    struct outcome o = {.generations = generations};
    o.grids = calloc((size_t)generations + 1, sizeof *o.grids);
    double *gen_s = calloc((size_t)generations, sizeof *gen_s);
    if (!o.grids || !gen_s)
        cl_fail(__FILE__, __LINE__, "calloc(generations)", errno);
    o.grids[0] = starting_grid(rows, cols);
    for (int g = 1; g <= generations; g++)
        o.grids[g] = new_grid(rows, cols);
    o.rc = run_generations(o.grids, generations, io, gen_s, &o.err_y, &o.err_x);
    for (int g = 0; g < generations; g++)
        o.gen_s_mean += gen_s[g] / generations;
    free(gen_s);
    if (o.rc == 0) {
        struct life_grid *expected = life_reference(o.grids[0], generations);
        if (!expected)
            cl_fail(__FILE__, __LINE__, "life_reference", errno);
        if (!life_equal(expected, o.grids[generations]))
            cl_die("%d x %d grid after %d generations differs from the serial reference",
                   rows, cols, generations);
        life_free(expected);
    }
    if (o.rc == EIO && (o.err_y != io->fail_y || o.err_x != io->fail_x))
        cl_die("the error came from (%d, %d), but the failing cell is (%d, %d)", o.err_y,
               o.err_x, io->fail_y, io->fail_x);
    return o;
}

static void exit_if_interrupted(void)
{
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; every coroutine cancelled and freed\n",
                cl_program_name());
        exit(130);
    }
}

/* The error path: what reached the code that awaited the gather. Exit 3. */
static int simulation_error(struct outcome *o)
{
    free_grids(o);
    exit_if_interrupted();
    fprintf(stderr, "%s: simulation error at (%d, %d): %s\n", cl_program_name(), o->err_y,
            o->err_x, strerror(o->rc));
    return SIMULATION_ERROR_EXIT;
}

static int rows_of(const struct settings *s, int i) { return (int)s->rows.v[s->rows.n == 1 ? 0 : i]; }
static int cols_of(const struct settings *s, int i) { return (int)s->cols.v[s->cols.n == 1 ? 0 : i]; }
static int sizes_of(const struct settings *s) { return s->rows.n > s->cols.n ? s->rows.n : s->cols.n; }

/* --csv: one row per grid size per round, the sizes interleaved. */
static int life_rows(const struct settings *s, const struct life_io *io)
{
    cl_csv_header(LIFE_CSV);
    for (long round = 0; round < s->rounds; round++)
        for (int i = 0; i < sizes_of(s); i++) {
            int rows = rows_of(s, i), cols = cols_of(s, i);
            struct outcome o = simulate_checked(rows, cols, (int)s->generations, io);
            if (o.rc != 0)
                return simulation_error(&o);
            free_grids(&o);
            long cells = (long)rows * cols;
            cl_csv_row("coroutines,%d,%d,%ld,%g,%ld,%ld,%ld,%.6f,%ld,%d", rows, cols, cells,
                       s->io_ms, cells, s->generations, round, o.gen_s_mean, cl_peak_rss_kib(), 1);
        }
    return 0;
}

/* --csv --mode costs: the coroutine's own costs, and the malloc control in
 * the same round. */
static void cost_rows(const struct settings *s)
{
    cl_csv_header(COST_CSV);
    for (long round = 0; round < s->rounds; round++) {
        struct costs c;
        measure_costs(s->coroutines, &c);
        exit_if_interrupted();
        cl_csv_row("c_coroutine,%ld,%ld,%.1f,%.1f,%.1f,%.1f,%zu,%.1f", s->coroutines, round,
                   c.start_ns, c.start_cold_ns, c.resume_ns, c.bytes_rss,
                   sizeof(struct idle_task), c.ref_ns);
    }
}

/* The story's grid part: each --rows x --cols grid once, printed if it fits. */
static int grid_story(const struct settings *s, const struct life_io *io)
{
    printf("Every cell a coroutine awaiting %g ms of I/O on one libevent loop;\n"
           "one gather per generation; checked against the serial reference.\n",
           s->io_ms);
    for (int i = 0; i < sizes_of(s); i++) {
        int rows = rows_of(s, i), cols = cols_of(s, i);
        struct outcome o = simulate_checked(rows, cols, (int)s->generations, io);
        if (o.rc != 0)
            return simulation_error(&o);
        putchar('\n');
        if (cols * (s->generations + 1) <= 200 && rows <= 40)
            life_print_columns(stdout, o.grids, (int)s->generations + 1, 80);
        printf("%d x %d = %ld cells: %.3f s per generation", rows, cols, (long)rows * cols,
               o.gen_s_mean);
        if (io->latency_s > 0)
            printf(" (%.2f x the latency)", o.gen_s_mean / io->latency_s);
        printf(", equal to the serial grid\n");
        free_grids(&o);
    }
    return 0;
}

/* The rest of the story: bigger grids and an error. */
static void sizes_and_error_story(const struct life_io *io)
{
    struct outcome o;
    printf("\nOne generation, more cells (a coroutine each, all waiting at once):\n"
           "%10s %10s %12s %14s\n", "cells", "gen_s", "x latency", "peak RSS MiB");
    const int sides[][2] = {{5, 9}, {100, 100}, {1000, 1000}};
    struct life_io plain = {.latency_s = io->latency_s, .fail_y = -1, .fail_x = -1};
    for (int i = 0; i < 3; i++) {
        o = simulate_checked(sides[i][0], sides[i][1], 1, &plain);
        free_grids(&o);
        exit_if_interrupted();
        printf("%10ld %10.3f %12.2f %14.1f\n", (long)sides[i][0] * sides[i][1], o.gen_s_mean,
               io->latency_s > 0 ? o.gen_s_mean / io->latency_s : NAN, cl_peak_rss_kib() / 1024.0);
    }

    printf("\nAn error in cell (2, 3)'s coroutine, on the book's grid:\n");
    struct life_io failing = {.latency_s = io->latency_s, .fail_y = 2, .fail_x = 3};
    o = simulate_checked(5, 9, 1, &failing);
    free_grids(&o);
    exit_if_interrupted();
    if (o.rc != EIO)
        cl_die("cell (2, 3) was told to fail, but the gather reported %d", o.rc);
    printf("  the awaiter of the gather got: simulation error at (%d, %d): %s\n", o.err_y,
           o.err_x, strerror(o.rc));
}

/* The story's cost part: --coroutines started, suspended, resumed, freed. */
static void cost_story(const struct settings *s)
{
    printf("\n%ld coroutines started, suspended at once on the loop, then resumed:\n",
           s->coroutines);
    struct costs c;
    measure_costs(s->coroutines, &c);
    exit_if_interrupted();
    printf("  start (to its first await)  %6.0f ns each  (malloc + fill of a frame: %.0f ns)\n"
           "  start, on fresh memory      %6.0f ns each  (the page faults of its bytes)\n"
           "  resume (the timer fires)    %6.0f ns each\n"
           "  memory while suspended      %6.0f bytes each (RSS); the frame is %zu bytes,\n"
           "                              of which %zu the libevent event\n",
           c.start_ns, c.ref_ns, c.start_cold_ns, c.resume_ns, c.bytes_rss,
           sizeof(struct idle_task), event_get_struct_event_size());
}

int main(int argc, char **argv)
{
    struct settings s = {.rows = {1, {5}}, .cols = {1, {9}}, .generations = 4, .io_ms = 100,
                         .rounds = 5, .coroutines = 1000000, .mode = "all"};
    struct cl_opt opts[] = {
        {"rows", CL_OPT_LIST, &s.rows, "grid rows, one per grid", 1, 65536},
        {"cols", CL_OPT_LIST, &s.cols, "grid columns, paired with --rows", 1, 65536},
        {"generations", CL_OPT_INT, &s.generations, "generations per run", 1, 1000},
        {"io-ms", CL_OPT_DOUBLE, &s.io_ms, "each cell's I/O latency, ms (a timer, not a block)", 0, 1000},
        {"rounds", CL_OPT_INT, &s.rounds, "--csv: rounds of every grid, interleaved", 1, 100},
        {"fail-cell", CL_OPT_LIST, &s.fail_cell,
         "Y,X: that cell's coroutine fails; the error reaches the gather's awaiter (exit 3)", 0, 65535},
        {"mode", CL_OPT_CHOICE, &s.mode, "grid: the simulation only; costs: the cost run only",
         .choices = "all|grid|costs"},
        {"coroutines", CL_OPT_INT, &s.coroutines, "how many coroutines the cost run starts", 1, 4000000},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "60_coroutines",
        .summary = "every Game of Life cell a coroutine on one libevent loop; a gather per generation",
        .epilogue =
            "Examples:\n"
            "  60_coroutines                                    the whole story\n"
            "  60_coroutines --mode grid --rows 1000 --cols 1000 --generations 2\n"
            "  60_coroutines --mode grid --fail-cell 2,3        the error reaches the awaiter\n"
            "  60_coroutines --csv --rows 5,100,1000 --cols 9,100,1000 --rounds 3\n"
            "  60_coroutines --csv --mode costs --coroutines 1000000\n"
            "At most 4194304 cells per grid.\n"
            "CSV columns: " LIFE_CSV "\n"
            "  workers: coroutines waiting at once (every cell); threads_peak: 1, the loop's.\n"
            "--mode costs --csv columns: " COST_CSV "\n"
            "  start_ns: start to the first await, memory already held; start_cold_ns: on fresh\n"
            "  memory; bytes_rss: RSS per suspended coroutine; bytes_frame: sizeof its frame;\n"
            "  ref_ns: the control, malloc and fill of one frame-sized block.\n"
            "Exit status 3: a cell's error reached the awaiter (--fail-cell).\n",
        .opts = opts};
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    if (s.rows.n != s.cols.n && s.rows.n != 1 && s.cols.n != 1)
        cl_usage_error("--rows has %d values and --cols %d: give as many, or one", s.rows.n,
                       s.cols.n);
    if (s.fail_cell.n != 0 && s.fail_cell.n != 2)
        cl_usage_error("--fail-cell takes two numbers, Y,X");
    struct life_io io = {.latency_s = s.io_ms / 1000.0, .fail_y = -1, .fail_x = -1};
    if (s.fail_cell.n == 2)
        io.fail_y = (int)s.fail_cell.v[0], io.fail_x = (int)s.fail_cell.v[1];
    for (int i = 0; i < sizes_of(&s); i++) {
        int rows = rows_of(&s, i), cols = cols_of(&s, i);
        if ((long)rows * cols > MAX_CELLS)
            cl_usage_error("a %d x %d grid has %ld cells, at most %ld", rows, cols,
                           (long)rows * cols, MAX_CELLS);
        if (io.fail_y >= rows || io.fail_x >= cols)
            cl_usage_error("--fail-cell %d,%d lies outside the %d x %d grid", io.fail_y,
                           io.fail_x, rows, cols);
    }
    cl_catch_stop_signals();
    bool all = strcmp(s.mode, "all") == 0, costs_only = strcmp(s.mode, "costs") == 0;
    if (s.csv && costs_only) {
        cost_rows(&s);
        return 0;
    }
    if (s.csv)
        return life_rows(&s, &io); /* --mode all or grid: the grids' rows */
    if (!costs_only) {
        int rc = grid_story(&s, &io);
        if (rc != 0)
            return rc;
    }
    if (all)
        sizes_and_error_story(&io);
    if (all || costs_only)
        cost_story(&s);
    return 0;
}
