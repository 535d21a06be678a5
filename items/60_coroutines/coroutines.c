/*
 * 60_coroutines - Item 60: highly concurrent I/O with coroutines.
 *
 * Python:  `async def step_cell(...)` awaits its I/O; simulate() makes one
 *          coroutine per cell and awaits asyncio.gather on them, once per
 *          generation. A coroutine is a frame, not a thread: every cell waits
 *          at once, on one thread.
 * C:       stackless coroutines (coro.h) on one libevent loop: a cell's
 *          coroutine [p1] awaits its I/O as a timer [p2] and may raise [p3];
 *          simulate() starts one per cell [p4], awaits the gather [p5] and
 *          raises the first error again [p6]; coro_run per generation [p7].
 *          [p8] is the mistake: a blocking call where the await goes.
 * The claim: a generation takes about one latency whatever the number of
 * cells. What a coroutine costs is measured by 60_coroutines-bench.
 *
 * Run:  build/bin/60_coroutines                   the whole story, about 6 s
 *       build/bin/60_coroutines --part many --cells 45,1000000 --io-ms 10
 *       build/bin/60_coroutines --part grid --fail-cell 2,3    the error, exit 3
 * Prints (2-core VM; times vary; abridged):
 *   [grid] ...     45 cells: 0.100 s per generation (1.00x the latency), ...
 *   [blocking] ... 45 cells: 4.506 s per generation (45.06x the latency), ...
 *   [many] ... 100000 cells: 0.121 s per generation (1.21x the latency), ...
 */
#include "56_game_of_life/life.h"
#include "60_coroutines/coro.h"
#include "clab.h"

#include <stdlib.h>
#include <string.h>

/* What the cells' coroutines of one generation read (each writes its cell of next). */
struct generation {
    const struct life_grid *cur;
    struct life_grid *next;
    const struct life_io *io;
};

/* A cell's coroutine frame: what must survive its await. */
struct cell_task {
    struct coro co;
    const struct generation *gen;
    int y, x, neighbors; /* neighbors: counted before the await, used after it */
};

/* [p1] async def step_cell(y, x): count, await game_logic's I/O, apply the
 * rules. Each call runs on from where the last one stopped. */
static enum coro_step step_cell(struct coro *self)
{
    struct cell_task *t = CORO_FRAME(self, struct cell_task, co);
    const struct generation *g = t->gen;
    CORO_BEGIN(self);
    t->neighbors = life_count_neighbors(g->cur, t->y, t->x);
    CORO_AWAIT_SLEEP(self, g->io->latency_s); /* [p2] a timer on the loop, not a blocking wait */
    if (t->y == g->io->fail_y && t->x == g->io->fail_x)
        CORO_FAIL(self, EIO); /* [p3] raise OSError: it travels to the gather */
    life_set(g->next, t->y, t->x, life_next_state(life_get(g->cur, t->y, t->x), t->neighbors));
    CORO_END(self);
}

/* [p8] The same cell with time.sleep where `await asyncio.sleep` belongs:
 * life_game_logic blocks the one thread, so the loop runs nothing else
 * meanwhile and the cells wait one after another (item 63's lesson). */
static enum coro_step step_cell_blocking(struct coro *self)
{
    struct cell_task *t = CORO_FRAME(self, struct cell_task, co);
    const struct generation *g = t->gen;
    bool next;
    CORO_BEGIN(self);
    int err = life_game_logic(g->io, t->y, t->x, life_get(g->cur, t->y, t->x),
                              life_count_neighbors(g->cur, t->y, t->x), &next);
    if (err)
        CORO_FAIL(self, err);
    life_set(g->next, t->y, t->x, next);
    CORO_END(self);
}

/* simulate(grid), the awaiter; its cells' frames are reused every generation. */
struct simulation {
    struct coro co;
    struct event_base *loop;
    struct generation gen;
    coro_body *cell_body; /* step_cell, or step_cell_blocking */
    struct cell_task *cells;
    struct coro_gather gather;
    int err_y, err_x; /* the failing cell, when simulate fails */
};

static enum coro_step simulate(struct coro *self)
{
    struct simulation *s = CORO_FRAME(self, struct simulation, co);
    CORO_BEGIN(self);
    coro_gather_init(&s->gather);
    int rows = s->gen.cur->rows, cols = s->gen.cur->cols;
    for (int y = 0; y < rows && !cl_interrupted(); y++) /* [p4] fan out, a row at a time */
        for (int x = 0; x < cols; x++) {
            struct cell_task *t = &s->cells[(long)y * cols + x];
            *t = (struct cell_task){.gen = &s->gen, .y = y, .x = x};
            coro_start(s->loop, &t->co, s->cell_body, &s->gather);
        }
    if (cl_interrupted()) /* Ctrl-C during the fan-out: not every cell started */
        CORO_FAIL(self, ECANCELED);
    CORO_AWAIT_GATHER(self, &s->gather); /* [p5] fan in: every cell has finished */
    if (s->gather.first_failed) {        /* [p6] the first error, raised again here */
        struct cell_task *bad = CORO_FRAME(s->gather.first_failed, struct cell_task, co);
        s->err_y = bad->y, s->err_x = bad->x;
        CORO_FAIL(self, bad->co.error);
    }
    CORO_END(self);
}

static struct simulation *simulation_new(long cells, const struct life_io *io,
                                         coro_body *cell_body)
{
    struct simulation *s = cl_calloc(1, sizeof *s);
    *s = (struct simulation){.loop = coro_loop_new(), .gen.io = io, .cell_body = cell_body,
                             .cells = cl_calloc((size_t)cells, sizeof *s->cells)};
    return s;
}

/* [p7] next = asyncio.run(simulate(cur)): 0, ECANCELED (Ctrl-C) or the
 * failing cell's error, that cell in s->err_y, s->err_x. */
static int simulation_step(struct simulation *s, const struct life_grid *cur, struct life_grid *next)
{
    s->gen.cur = cur, s->gen.next = next;
    return coro_run(s->loop, &s->co, simulate);
}

/* Cancels whatever still waits (after Ctrl-C), then frees it all. Cells
 * start in order: the first never started ends the ones to look at. */
static void simulation_free(struct simulation *s, long cells)
{
    for (long i = 0; i < cells && s->cells[i].co.body; i++)
        coro_cancel(&s->cells[i].co);
    coro_cancel(&s->co);
    free(s->cells);
    event_base_free(s->loop);
    free(s);
}

/* ---- The story --------------------------------------------------------- */

/* Runs a rows x cols grid for `generations` and says how long each took,
 * checked against the serial reference; shows the generations if asked. A
 * failing cell must raise in the awaiter: "simulation error", exit 3. */
static void tell_grid(const char *title, int rows, int cols, int generations,
                      const struct life_io *io, coro_body *body, bool show)
{
    long cells = (long)rows * cols;
    printf("%s", title ? title : "");
    struct life_grid *gens[1001];
    for (int g = 0; g <= generations; g++)
        if (!(gens[g] = g ? life_new(rows, cols) : life_starting_grid(rows, cols, 56)))
            cl_fail(__FILE__, __LINE__, "life_new", errno);
    struct simulation *s = simulation_new(cells, io, body);
    int rc = 0;
    double t0 = cl_now();
    for (int g = 1; g <= generations && rc == 0; g++)
        rc = simulation_step(s, gens[g - 1], gens[g]);
    double gen_s = (cl_now() - t0) / generations;
    int y = s->err_y, x = s->err_x;
    simulation_free(s, cells);
    cl_exit_if_interrupted(); /* an interrupted run prints no result, right or wrong */
    struct life_grid *want = life_reference(gens[0], generations);
    if (!want)
        cl_fail(__FILE__, __LINE__, "life_reference", errno);
    if (io->fail_y < 0 && !life_equal(want, gens[generations]))
        cl_die("%d x %d grid after %d generations differs from the serial reference", rows,
               cols, generations);
    if (io->fail_y >= 0 && (rc != EIO || y != io->fail_y || x != io->fail_x))
        cl_die("cell (%d, %d) raised; the awaiter got error %d from (%d, %d)", io->fail_y,
               io->fail_x, rc, y, x);
    if (rc != 0) { /* as items 58 and 59: the cell's error raised again, exit 3 */
        fprintf(stderr, "%s: simulation error at (%d, %d): %s\n", cl_program_name(), y, x,
                strerror(rc));
        exit(3);
    }
    if (show && rows <= 40 && cols * (generations + 1) <= 200)
        life_print_columns(stdout, gens, generations + 1, 80);
    printf("%7ld cells: %.4f s per generation (%.2fx the latency), equal to the serial grid\n",
           cells, gen_s, io->latency_s > 0 ? gen_s / io->latency_s : 0);
    for (int g = 0; g <= generations; g++)
        life_free(gens[g]);
    life_free(want);
}

/* rows for rows x cols = cells, as square as possible (45: the book's 5 x 9). */
static int rows_for(long cells)
{
    int rows = 1;
    for (long r = 1; r * r <= cells; r++)
        rows = cells % r == 0 ? (int)r : rows;
    return rows;
}

static const char *part = "all";
static bool part_is(const char *name) { return !strcmp(part, "all") || !strcmp(part, name); }

int main(int argc, char **argv)
{
    long rows = 5, cols = 9, generations = 4;
    double io_ms = 100;
    struct cl_list sizes = {3, {45, 10000, 100000}}, fail = {0};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &part, "which part of the story",
         .choices = "all|grid|blocking|many"},
        {"rows", CL_OPT_INT, &rows, "grid rows (grid, blocking)", 1, 2048},
        {"cols", CL_OPT_INT, &cols, "grid columns (grid, blocking)", 1, 2048},
        {"generations", CL_OPT_INT, &generations, "generations (grid)", 1, 1000},
        {"io-ms", CL_OPT_DOUBLE, &io_ms, "each cell's I/O latency, ms", 0, 1000},
        {"cells", CL_OPT_LIST, &sizes, "grid sizes, one generation each (many)", 1, 4194304},
        {"fail-cell", CL_OPT_LIST, &fail, "Y,X: that cell raises (grid; exit 3)", 0, 2047},
        {0},
    };
    struct cl_program prog = {.name = "60_coroutines", .opts = opts,
        .summary = "every Game of Life cell a coroutine on one libevent loop, a gather per generation",
        .epilogue = "Exit status 3: a cell's error reached the awaiter (--fail-cell).\n"};
    cl_parse(&prog, argc, argv);
    struct life_io io = {io_ms / 1000, fail.n ? (int)fail.v[0] : -1, fail.n ? (int)fail.v[1] : -1};
    if (fail.n == 1 || fail.n > 2 || io.fail_y >= rows || io.fail_x >= cols)
        cl_usage_error("--fail-cell takes Y,X inside the %ld x %ld grid", rows, cols);
    if (fail.n && strcmp(part, "grid") != 0)
        cl_usage_error("--fail-cell goes with --part grid");
    /* How long it runs: a cell's start and resume take well under 1 us. */
    double cells = (double)(rows * cols), predicted = 0;
    predicted += part_is("grid") ? generations * (io.latency_s + cells * 1e-6) : 0;
    predicted += part_is("blocking") ? cells * io.latency_s : 0;
    for (int i = 0; part_is("many") && i < sizes.n; i++)
        predicted += io.latency_s + (double)sizes.v[i] * 1e-6;
    cl_check_run_length(predicted, "these parts, sizes and --io-ms");
    cl_catch_stop_signals();

    if (part_is("grid"))
        tell_grid("[grid] every cell a coroutine awaiting its I/O on one loop:\n", (int)rows,
                  (int)cols, (int)generations, &io, step_cell, true);
    if (part_is("blocking"))
        tell_grid("[blocking] the same coroutines, with a blocking call where the await goes:\n",
                  (int)rows, (int)cols, 1, &io, step_cell_blocking, false);
    for (int i = 0; part_is("many") && i < sizes.n; i++)
        tell_grid(i ? NULL : "[many] one generation, every cell's coroutine waiting at once:\n",
                  rows_for(sizes.v[i]), (int)(sizes.v[i] / rows_for(sizes.v[i])), 1, &io,
                  step_cell, false);
    cl_exit_if_interrupted(); /* a stop after the last line is still a stop */
    return 0;
}
