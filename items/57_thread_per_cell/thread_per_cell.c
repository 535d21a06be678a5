/*
 * 57_thread_per_cell - Item 57: avoid creating new Thread instances for
 * on-demand fan-out.
 *
 * Python:  item 56's Game of Life, a new threading.Thread per cell per
 *          generation (fan-out), all joined (fan-in), over a locked grid. The
 *          waits overlap, but threads cost start-up time and memory, and an
 *          exception in one is printed while join returns as if all went well.
 * C:       the locked grid [p1]; a cell's step on its own thread [p2]; a
 *          thread per cell, all joined [p3]; the error lost [p4] and carried
 *          back by hand [p5]. What threads cost: 57_thread_per_cell-bench.
 *
 * Run:  build/bin/57_thread_per_cell                   the book's grid, under 1 s
 *       build/bin/57_thread_per_cell --rows 100 --cols 100 --io-ms 10
 * Prints (2-core VM):  the book's grid, generations 0 to 4, then
 *   4 generations, 100 ms of I/O per cell: 0.102 s per generation (serially ...)
 *   error lost:    join returned 0 for 45 of 45 threads; the caller saw no error ...
 *   error carried: ... the caller saw cell (2, 3): Input/output error
 */
#include "56_game_of_life/life.h"
#include "clab.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* At most this many threads at once: a Ctrl-C joins 2,000 in 0.06 s (10,000
 * in 0.3 s on a quiet 2-core VM, but a second on a busy one). */
#define MOST_THREADS 2000

/* ---- The concept: a thread per cell over a locked grid ------------------- */

/* [p1] The book's LockingGrid: every get and set takes the grid's lock, since
 * the cells' threads read the current grid and write the next one at once. */
struct locked_grid {
    pthread_mutex_t lock;
    struct life_grid *cells;
};

static bool locked_get(struct locked_grid *g, int y, int x)
{
    CL_CHECK_RC(pthread_mutex_lock(&g->lock));
    bool alive = life_get(g->cells, y, x);
    CL_CHECK_RC(pthread_mutex_unlock(&g->lock));
    return alive;
}

static void locked_set(struct locked_grid *g, int y, int x, bool alive)
{
    CL_CHECK_RC(pthread_mutex_lock(&g->lock));
    life_set(g->cells, y, x, alive);
    CL_CHECK_RC(pthread_mutex_unlock(&g->lock));
}

static int locked_count_neighbors(struct locked_grid *g, int y, int x)
{
    CL_CHECK_RC(pthread_mutex_lock(&g->lock));
    int n = life_count_neighbors(g->cells, y, x);
    CL_CHECK_RC(pthread_mutex_unlock(&g->lock));
    return n;
}

/* What one cell's thread needs, and the slot it may report back through. */
struct cell_job {
    struct locked_grid *cur, *next;
    const struct life_io *io;
    int y, x;
    bool carry_error; /* [p5] keep the error in `error`, or [p4] only print it */
    int error;        /* 0, or the error game_logic returned */
};

/* [p2] step_cell on its own thread: locked reads, the cell's blocking I/O
 * (no lock held), a locked write. The return value goes nowhere. */
static void *step_cell_thread(void *arg)
{
    struct cell_job *job = arg;
    bool alive = locked_get(job->cur, job->y, job->x);
    int neighbors = locked_count_neighbors(job->cur, job->y, job->x);
    bool next;
    int rc = life_game_logic(job->io, job->y, job->x, alive, neighbors, &next);
    if (rc != 0) {
        if (job->carry_error)
            job->error = rc; /* [p5] carried: the starter reads it after the join */
        else                 /* [p4] lost: printed, as CPython's runtime prints it */
            fprintf(stderr, "Exception in thread for cell (%d, %d): %s\n", job->y, job->x,
                    strerror(rc));
        return NULL;
    }
    locked_set(job->next, job->y, job->x, next);
    return NULL;
}

/* What one generation's fan-out and fan-in saw. */
struct generation {
    int started;                 /* threads created */
    int refused;                 /* pthread_create's error if it refused one, else 0 */
    int join_failures;           /* joins that returned an error: 0, failed cell or not */
    int error, error_y, error_x; /* the first error carried back, if any */
};

/* [p3] One generation: a thread per cell (fan-out), then a join of every one
 * (fan-in), at most MOST_THREADS at a time. If the system refuses a thread,
 * or Ctrl-C comes, no more are started and those started are still joined. */
static struct generation step_thread_per_cell(struct locked_grid *cur, struct locked_grid *next,
                                              const struct life_io *io, bool carry_errors)
{
    int cols = cur->cells->cols, cells = cur->cells->rows * cols;
    struct cell_job *jobs = cl_calloc((size_t)cells, sizeof *jobs);
    pthread_t *threads = cl_calloc((size_t)cells, sizeof *threads);
    struct generation gen = {0};
    for (int chunk = 0; chunk < cells && !gen.refused && !cl_interrupted(); chunk += MOST_THREADS) {
        for (int i = chunk; i < cells && i < chunk + MOST_THREADS && !cl_interrupted(); i++) {
            jobs[i] = (struct cell_job){.cur = cur, .next = next, .io = io, .y = i / cols,
                                        .x = i % cols, .carry_error = carry_errors};
            gen.refused = pthread_create(&threads[i], NULL, step_cell_thread, &jobs[i]);
            if (gen.refused != 0)
                break;
            gen.started++;
        }
        for (int i = chunk; i < gen.started; i++)
            if (pthread_join(threads[i], NULL) != 0) /* 0 even when the cell failed */
                gen.join_failures++;
    }
    for (int i = 0; i < gen.started && gen.error == 0; i++) { /* [p5] read the slots */
        gen.error = jobs[i].error;
        gen.error_y = jobs[i].y;
        gen.error_x = jobs[i].x;
    }
    free(jobs);
    free(threads);
    return gen;
}

/* A grid, or the end of the program if there was no memory for it. */
static struct life_grid *grid_or_die(struct life_grid *g)
{
    if (g == NULL)
        cl_fail(__FILE__, __LINE__, "life_new", errno);
    return g;
}

/* A refused thread is not a wrong answer but a limit: say so and stop. */
static void give_up_if_refused(const struct generation *gen, int cells)
{
    if (gen->refused == 0)
        return;
    fprintf(stderr, "%s: pthread_create refused thread %d of %d: %s; the %d started were joined\n",
            cl_program_name(), gen->started + 1, cells, strerror(gen->refused), gen->started);
    exit(1);
}

/* G generations, a thread per cell, each into a grid of its own (kept for
 * the printing), checked against the serial reference. */
static void run_generations(int rows, int cols, int generations, const struct life_io *io)
{
    struct life_grid **gens = cl_calloc((size_t)generations + 1, sizeof *gens);
    gens[0] = grid_or_die(life_starting_grid(rows, cols, 57));
    double t0 = cl_now();
    int done = 0;
    while (done < generations && !cl_interrupted()) {
        gens[done + 1] = grid_or_die(life_new(rows, cols));
        struct locked_grid cur = {PTHREAD_MUTEX_INITIALIZER, gens[done]};
        struct locked_grid next = {PTHREAD_MUTEX_INITIALIZER, gens[++done]};
        struct generation gen = step_thread_per_cell(&cur, &next, io, true);
        give_up_if_refused(&gen, rows * cols);
        if (gen.error != 0)
            cl_die("cell (%d, %d) failed: %s", gen.error_y, gen.error_x, strerror(gen.error));
    }
    double per_generation = (cl_now() - t0) / generations;
    if (!cl_interrupted()) { /* an unfinished run: no check, no figure */
        if (!life_matches_reference(gens[0], gens[generations], generations))
            cl_die("a thread per cell: generation %d differs from serial", generations);
        printf("the %s, a thread per cell (%d started and joined per generation):\n",
               rows == 5 && cols == 9 ? "book's grid" : "grid", rows * cols);
        if (rows <= 20 && cols <= 40)
            life_print_columns(stdout, gens, generations + 1, 80);
        printf("%d generations, %g ms of I/O per cell: %.3f s per generation (serially %d x "
               "%g ms = %.3g s); checked against serial\n", generations, io->latency_s * 1000,
               per_generation, rows * cols, io->latency_s * 1000, rows * cols * io->latency_s);
    }
    for (int i = 0; i <= done; i++)
        life_free(gens[i]);
    free(gens);
}

/* [p4] and [p5] side by side: one generation where one cell's I/O fails. */
static void show_errors(int rows, int cols, int fail_y, int fail_x)
{
    struct life_io io = {.latency_s = 0, .fail_y = fail_y, .fail_x = fail_x};
    printf("\none generation in which cell (%d, %d)'s I/O fails:\n", fail_y, fail_x);
    for (int carry = 0; carry <= 1 && !cl_interrupted(); carry++) {
        struct locked_grid cur = {PTHREAD_MUTEX_INITIALIZER,
                                  grid_or_die(life_starting_grid(rows, cols, 57))};
        struct locked_grid next = {PTHREAD_MUTEX_INITIALIZER, grid_or_die(life_new(rows, cols))};
        fflush(stdout);
        struct generation gen = step_thread_per_cell(&cur, &next, &io, carry);
        give_up_if_refused(&gen, rows * cols);
        bool right = life_matches_reference(cur.cells, next.cells, 1);
        life_free(cur.cells);
        life_free(next.cells);
        if (cl_interrupted())
            break;
        if (!carry)
            printf("error lost:    join returned 0 for %d of %d threads; the caller saw no "
                   "error, and its grid is %s\n", gen.started - gen.join_failures, gen.started,
                   right ? "right by luck" : "silently wrong at that cell");
        else
            printf("error carried: after the joins the caller read each thread's slot and saw "
                   "cell (%d, %d): %s\n", gen.error_y, gen.error_x, strerror(gen.error));
    }
}

int main(int argc, char **argv)
{
    long rows = 5, cols = 9, generations = 4;
    double io_ms = 100;
    struct cl_list fail = {2, {2, 3}};
    struct cl_opt opts[] = {
        {"rows", CL_OPT_INT, &rows, "grid rows", 1, 1000},
        {"cols", CL_OPT_INT, &cols, "grid columns", 1, 1000},
        {"generations", CL_OPT_INT, &generations, "generations, a thread per cell each", 1, 40},
        {"io-ms", CL_OPT_DOUBLE, &io_ms, "how long each cell's game_logic blocks, ms", 0, 1000},
        {"fail-cell", CL_OPT_LIST, &fail, "Y,X: the cell whose I/O fails", 0, 999},
        {0},
    };
    struct cl_program prog = {
        .name = "57_thread_per_cell",
        .summary = "a new thread per cell per generation: the cells' waits overlap, and an "
                   "error inside a thread is lost unless carried back",
        .epilogue = "Examples:\n"
                    "  57_thread_per_cell --rows 100 --cols 100 --io-ms 10   10,000 threads, 2,000 at once\n"
                    "  57_thread_per_cell --fail-cell 0,3            another cell fails\n"
                    "A run may last --generations x (--io-ms per 2,000 cells + 50 us a cell),\n"
                    "at most 60 s. The measuring: 57_thread_per_cell-bench.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    if (fail.n != 2 || fail.v[0] >= rows || fail.v[1] >= cols)
        cl_usage_error("--fail-cell: give Y,X inside the %ld x %ld grid", rows, cols);
    double cells = (double)(rows * cols), chunks = ceil(cells / MOST_THREADS);
    cl_check_run_length((double)generations * (chunks * io_ms / 1000 + cells * 5e-5),
                        "--generations x (--io-ms per 2,000 cells + 50 us a cell)");
    cl_catch_stop_signals();
    struct life_io io = {.latency_s = io_ms / 1000, .fail_y = -1, .fail_x = -1};
    run_generations((int)rows, (int)cols, (int)generations, &io);
    show_errors((int)rows, (int)cols, (int)fail.v[0], (int)fail.v[1]);
    cl_exit_if_interrupted();
    printf("\nwhat a thread costs, and how many fit: 57_thread_per_cell-bench --help\n");
    return 0;
}
