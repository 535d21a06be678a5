/*
 * 56_game_of_life - Item 56: know how to recognize when concurrency is necessary.
 *
 * Python:  Conway's Game of Life on a small torus, one function per step
 *          (count_neighbors, game_logic, step_cell, simulate). Then game_logic
 *          is made to do blocking I/O, and the serial simulation waits for
 *          every cell's I/O one after another: 100 ms per cell makes the
 *          book's 45 cells take about 4.5 s per generation, and 10,000 cells
 *          over 15 minutes. The program needs to do the cells' I/O at the
 *          same time: fan-out (start one unit of work per cell) and fan-in
 *          (wait for all of them before the next generation).
 * C:       the grid, the rules and the blocking game_logic are a piece,
 *          life.h / life.c, that items 57-60 reuse. Here: the book's
 *          simulate, every cell's blocking game_logic one after another
 *          [p1]; a generation of it timed [p2]; every run checked against the
 *          same simulation with no I/O [p3]; and a lone game_logic call timed,
 *          to see how long this machine really sleeps when asked [p4]. The
 *          book's grid is printed generation by generation first.
 *
 * The claim: serial time per generation grows as cells x latency.
 *
 * Run:  build/bin/56_game_of_life                         the whole story, ~3 s
 *       build/bin/56_game_of_life --io-ms 100 --rows 5 --cols 9 --generations 1 --rounds 1
 *                                                         the book's latency (4.5 s a generation)
 *       build/bin/56_game_of_life --rows 10,20 --cols 10,50 --io-ms 2 --generations 1
 *       build/bin/56_game_of_life --csv                   rows for the harness
 *
 * Prints (2-core VM, shared; numbers vary from run to run; abridged):
 *   the book's grid, a 5 x 9 torus, generations 0 to 4 ('*' alive, '-' empty):
 *       0     |     1     |     2     |     3     |     4
 *   ---*----- | --------- | --------- | --------- | ---------
 *   ----*---- | --*-*---- | ----*---- | ---*----- | ----*----
 *   ...
 *   grid       cells   cells x latency (s)   measured per generation (s)   measured / predicted
 *   5 x 9         45                0.0225                        0.0239   1.06 (1.05-1.08)
 *   ...
 */
#include "56_game_of_life/life.h"
#include "clab.h"

#include <stdlib.h>
#include <string.h>

#define CSV_COLUMNS                                                                     \
    "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,"      \
    "threads_peak"

/* How many lone game_logic calls [p4] times in each round. */
#define LONE_CALLS 20

/* ---- The concept: the serial simulation, one blocking call per cell ------ */

/* [p1] simulate(grid): every generation, every cell's game_logic in turn
 * (life_step_serial: count the neighbours, block on the cell's I/O, apply the
 * rules, write the next grid). *cur ends as the last generation computed;
 * the two grids swap roles each time. Stops early on Ctrl-C. */
static int simulate_serial(struct life_grid **cur, struct life_grid **next, int generations,
                           const struct life_io *io)
{
    int done = 0;
    for (; done < generations && !cl_interrupted(); done++) {
        int err_y, err_x;
        int rc = life_step_serial(*cur, *next, io, &err_y, &err_x);
        if (rc != 0)
            cl_die("cell (%d, %d): game_logic failed: %s", err_y, err_x, strerror(rc));
        struct life_grid *t = *cur;
        *cur = *next;
        *next = t;
    }
    return done;
}

/* [p3] Every timed run checks itself: the same generations with no I/O at
 * all (the cheap reference) must give the same grid. */
static void check_against_reference(const struct life_grid *start, const struct life_grid *end,
                                    int generations)
{
    struct life_grid *want = life_reference(start, generations);
    if (want == NULL)
        cl_fail(__FILE__, __LINE__, "life_reference", errno);
    if (!life_equal(want, end))
        cl_die("%d x %d grid after %d generations differs from the serial reference", end->rows,
               end->cols, generations);
    life_free(want);
}

/* The book's 5 x 9 grid with its glider; any other size a seeded pattern. */
static struct life_grid *starting_grid(int rows, int cols)
{
    struct life_grid *g = life_starting_grid(rows, cols, 56);
    if (g == NULL)
        cl_fail(__FILE__, __LINE__, "life_starting_grid", errno);
    return g;
}

/* [p2] Times `generations` generations of a rows x cols grid, each cell's
 * game_logic blocking io->latency_s; returns wall seconds per generation. */
static double time_serial_generation(int rows, int cols, int generations,
                                     const struct life_io *io)
{
    struct life_grid *start = starting_grid(rows, cols);
    struct life_grid *cur = starting_grid(rows, cols);
    struct life_grid *next = life_new(rows, cols);
    if (next == NULL)
        cl_fail(__FILE__, __LINE__, "life_new", errno);
    double t0 = cl_now();
    int done = simulate_serial(&cur, &next, generations, io);
    double wall = cl_now() - t0;
    if (done == generations)
        check_against_reference(start, cur, generations);
    life_free(start);
    life_free(cur);
    life_free(next);
    return wall / (done > 0 ? done : 1);
}

/* [p4] How long one game_logic call really blocks on this machine: a sleep is
 * never shorter than asked, but a busy machine wakes the sleeper late. The
 * median of LONE_CALLS calls, so one stall does not count as the rule. */
static double time_lone_call(const struct life_io *io)
{
    double took[LONE_CALLS];
    int calls = 0;
    for (; calls < LONE_CALLS && !cl_interrupted(); calls++) {
        bool next;
        double t0 = cl_now();
        CL_CHECK_RC(life_game_logic(io, 0, 0, true, 2, &next));
        took[calls] = cl_now() - t0;
    }
    return calls > 0 ? cl_spread_of(took, (size_t)calls).median : 0;
}

/* ---- Plumbing: settings, rounds, the story ------------------------------- */

struct settings {
    struct cl_list rows, cols; /* zipped: grid i is rows[i] x cols[i] */
    long generations, rounds;
    double io_ms;
    bool csv;
};

struct grid_size {
    int rows, cols;
};

/* --rows 5,10 --cols 9,20 pairs them up; a single value goes with every other. */
static int grid_sizes(const struct settings *s, struct grid_size *out)
{
    int n = s->rows.n > s->cols.n ? s->rows.n : s->cols.n;
    if (s->rows.n != s->cols.n && s->rows.n != 1 && s->cols.n != 1)
        cl_usage_error("--rows has %d values and --cols %d: give as many, or one", s->rows.n,
                       s->cols.n);
    for (int i = 0; i < n; i++) {
        out[i].rows = (int)s->rows.v[s->rows.n == 1 ? 0 : i];
        out[i].cols = (int)s->cols.v[s->cols.n == 1 ? 0 : i];
    }
    return n;
}

/* Every round waits cells x latency per generation for each grid, plus the
 * lone calls, and computes each generation twice (the run and its check, some
 * 0.15 us per cell): refuse settings that would take more than BUDGET_S. */
#define BUDGET_S 60.0

static void check_budget(const struct settings *s, const struct grid_size *sizes, int nsizes)
{
    double cells = 0;
    for (int i = 0; i < nsizes; i++)
        cells += (double)sizes[i].rows * sizes[i].cols;
    double per_round_ms = cells * (double)s->generations * (s->io_ms + 0.00015) +
                          LONE_CALLS * s->io_ms;
    double predicted = (double)s->rounds * per_round_ms / 1e3;
    if (predicted > BUDGET_S)
        cl_usage_error("--rounds x (--generations x cells x --io-ms + %d lone calls) is %.0f s: "
                       "at most %.0f s",
                       LONE_CALLS, predicted, BUDGET_S);
}

static void csv_row(const char *variant, int rows, int cols, double io_ms, long generations,
                    long round, double gen_s)
{
    cl_csv_row("%s,%d,%d,%ld,%g,1,%ld,%ld,%.6f,%ld,%d", variant, rows, cols, (long)rows * cols,
               io_ms, generations, round, gen_s, cl_peak_rss_kib(), life_threads_now());
}

static void print_book_grid(long generations)
{
    int n = (int)generations + 1;
    struct life_grid **gens = calloc((size_t)n, sizeof *gens);
    if (gens == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    gens[0] = starting_grid(5, 9);
    for (int i = 1; i < n; i++) {
        gens[i] = life_new(5, 9);
        if (gens[i] == NULL)
            cl_fail(__FILE__, __LINE__, "life_new", errno);
        life_step_serial(gens[i - 1], gens[i], NULL, NULL, NULL); /* no I/O: cannot fail */
    }
    printf("the book's grid, a 5 x 9 torus, generations 0 to %d ('*' alive, '-' empty):\n",
           n - 1);
    life_print_columns(stdout, gens, n, 80);
    check_against_reference(gens[0], gens[n - 1], n - 1);
    for (int i = 0; i < n; i++)
        life_free(gens[i]);
    free(gens);
}

/* Runs every round: a lone call, then each grid size; one row each. The
 * story keeps the per-round figures in ratio[size][round] and lone[round]. */
static void run_rounds(const struct settings *s, const struct grid_size *sizes, int nsizes,
                       double *gen_s, double *lone)
{
    struct life_io io = {.latency_s = s->io_ms / 1000.0, .fail_y = -1, .fail_x = -1};
    for (long r = 0; r < s->rounds && !cl_interrupted(); r++) {
        lone[r] = time_lone_call(&io);
        if (s->csv)
            csv_row("one_call", 1, 1, s->io_ms, LONE_CALLS, r, lone[r]);
        for (int i = 0; i < nsizes && !cl_interrupted(); i++) {
            double t = time_serial_generation(sizes[i].rows, sizes[i].cols,
                                              (int)s->generations, &io);
            gen_s[i * s->rounds + r] = t;
            if (s->csv && !cl_interrupted())
                csv_row("serial", sizes[i].rows, sizes[i].cols, s->io_ms, s->generations, r, t);
        }
    }
}

static void print_table(const struct settings *s, const struct grid_size *sizes, int nsizes,
                        const double *gen_s, const double *lone)
{
    double latency = s->io_ms / 1000.0;
    printf("\nserially, every cell's game_logic blocking %g ms; %ld generation(s) per grid, "
           "median of %ld rounds (smallest-largest):\n",
           s->io_ms, s->generations, s->rounds);
    printf("grid         cells  cells x latency (s)  measured per generation (s)  "
           "measured / predicted\n");
    double *ratio = calloc((size_t)s->rounds, sizeof *ratio);
    if (ratio == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    for (int i = 0; i < nsizes; i++) {
        long cells = (long)sizes[i].rows * sizes[i].cols;
        double predicted = (double)cells * latency;
        struct cl_spread t = cl_spread_of(gen_s + i * s->rounds, (size_t)s->rounds);
        for (long r = 0; r < s->rounds; r++)
            ratio[r] = gen_s[i * s->rounds + r] / predicted;
        struct cl_spread q = cl_spread_of(ratio, (size_t)s->rounds);
        char grid[32];
        snprintf(grid, sizeof grid, "%d x %d", sizes[i].rows, sizes[i].cols);
        if (latency > 0)
            printf("%-10s %7ld  %19.4f  %27.4f  %5.2f (%.2f-%.2f)\n", grid, cells, predicted,
                   t.median, q.median, q.lo, q.hi);
        else
            printf("%-10s %7ld  %19.4f  %27.6f  (no latency: computing only)\n", grid, cells,
                   predicted, t.median);
    }
    free(ratio);
    if (latency > 0) {
        struct cl_spread one = cl_spread_of(lone, (size_t)s->rounds);
        printf("a lone game_logic call took %.3f ms (%.2fx its latency): "
               "the sleep itself, woken a little late\n",
               one.median * 1000, one.median / latency);
    }
}

static void print_book_arithmetic(void)
{
    printf("\nthe claim: the serial time per generation grows as cells x latency.\n"
           "the book's latency, 100 ms per cell: 45 cells x 0.1 s = %.1f s per generation;\n"
           "10,000 cells x 0.1 s = %.0f s (%.1f minutes) per generation.\n"
           "to bring a generation near 100 ms whatever the size, the cells' I/O must wait at\n"
           "the same time: fan-out (start one unit of work per cell) and fan-in (wait for all\n"
           "of them before the next generation). Items 57-60 are four ways to do it.\n",
           45 * 0.1, 10000 * 0.1, 10000 * 0.1 / 60);
}

int main(int argc, char **argv)
{
    struct settings s = {.rows = {3, {5, 10, 15}}, .cols = {3, {9, 9, 12}}, .generations = 4,
                         .rounds = 5, .io_ms = 0.5};
    struct cl_opt opts[] = {
        {"rows", CL_OPT_LIST, &s.rows, "grid rows, one per grid to time", 1, 1000},
        {"cols", CL_OPT_LIST, &s.cols, "grid columns, paired with --rows", 1, 1000},
        {"generations", CL_OPT_INT, &s.generations, "generations per timed run (and printed)",
         1, 1000},
        {"io-ms", CL_OPT_DOUBLE, &s.io_ms, "how long each cell's game_logic blocks, ms", 0,
         1000},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds of every grid size, interleaved", 1, 100},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "56_game_of_life",
        .summary = "the Game of Life with blocking I/O in every cell, run serially: "
                   "time per generation = cells x latency",
        .epilogue =
            "Examples:\n"
            "  56_game_of_life                                   the whole story\n"
            "  56_game_of_life --io-ms 100 --rows 5 --cols 9 --generations 1 --rounds 1\n"
            "                                                    the book's 4.5 s generation\n"
            "  56_game_of_life --rows 10,20,40 --cols 10 --io-ms 1 --generations 1\n"
            "A run may wait at most 60 s: --rounds x (--generations x all grids' cells x\n"
            "--io-ms + 20 lone calls x --io-ms) <= 60 s.\n"
            "CSV columns: " CSV_COLUMNS "\n"
            "  variant serial: gen_s is wall seconds per generation of a rows x cols grid;\n"
            "  variant one_call: gen_s is the time of one lone game_logic call (the median\n"
            "  of `generations` calls). workers is 1; threads_peak is the process's threads.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    cl_catch_stop_signals();

    struct grid_size sizes[CL_LIST_MAX];
    int nsizes = grid_sizes(&s, sizes);
    check_budget(&s, sizes, nsizes);
    double *gen_s = calloc((size_t)(nsizes * s.rounds), sizeof *gen_s);
    double *lone = calloc((size_t)s.rounds, sizeof *lone);
    if (gen_s == NULL || lone == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);

    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    else
        print_book_grid(s.generations);
    run_rounds(&s, sizes, nsizes, gen_s, lone);
    if (!s.csv && !cl_interrupted()) {
        print_table(&s, sizes, nsizes, gen_s, lone);
        print_book_arithmetic();
    }
    free(gen_s);
    free(lone);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted\n", cl_program_name());
        return 130;
    }
    return 0;
}
