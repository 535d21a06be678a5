/*
 * 56_game_of_life - Item 56: know how to recognize when concurrency is necessary.
 *
 * Python:  Conway's Game of Life on a small torus, one function per step:
 *          count_neighbors, game_logic, step_cell, simulate. Then game_logic
 *          is made to do blocking I/O, and the serial simulation waits for
 *          every cell's I/O one after another: 100 ms per cell makes the
 *          book's 45 cells take about 4.5 s per generation, and 10,000 cells
 *          over 15 minutes. Only doing the cells' waits at the same time
 *          helps: fan-out (start one unit of work per cell) and fan-in (wait
 *          for all of them before the next generation).
 * C:       the grid, the rules and the blocking game_logic are a piece,
 *          life.h / life.c, that items 57-60 reuse. Here: the book's
 *          simulate, one cell after another [p1]; the book's grid printed
 *          generation by generation [p2]; one generation with every cell's
 *          game_logic blocking, timed against cells x latency [p3], and
 *          checked against the same generation with no I/O at all [p4].
 *
 * The claim: serial time per generation grows as cells x latency.
 *
 * Run:  build/bin/56_game_of_life                  the book's grid and latency, ~5 s
 *       build/bin/56_game_of_life --io-ms 10 --rows 10 --cols 9
 *       build/bin/56_game_of_life-bench --help     what the harness measures
 *
 * Prints (2-core VM; the times vary a little from run to run):
 *   the book's grid, a 5 x 9 torus, generations 0 to 4 ('*' alive, '-' empty):
 *       0     |     1     |     2     |     3     |     4
 *   ---*----- | --------- | --------- | --------- | ---------
 *   ----*---- | --*-*---- | ----*---- | ---*----- | ----*----
 *   ...
 *   one generation, every cell's game_logic blocking 100 ms, one cell after another:
 *     45 cells x 100 ms = 4.500 s predicted, 4.510 s measured (1.00x the prediction)
 */
#include "56_game_of_life/life.h"
#include "clab.h"

#include <stdlib.h>
#include <string.h>

/* ---- The concept: the serial simulation, one blocking call per cell ------ */

/* [p1] simulate(grid): every generation, every cell's game_logic in turn.
 * life_step_serial is the book's step_cell loop: count the neighbours, block
 * on the cell's I/O (life_game_logic), apply the rules, write the next grid.
 * The two grids swap roles each generation, so *cur ends as the last one.
 * Returns the generations done: fewer after Ctrl-C. */
static int simulate(struct life_grid **cur, struct life_grid **next, int generations,
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

static struct life_grid *new_grid(int rows, int cols)
{
    struct life_grid *g = life_starting_grid(rows, cols, 56);
    if (g == NULL)
        cl_fail(__FILE__, __LINE__, "life_starting_grid", errno);
    return g;
}

/* [p2] The book's ColumnPrinter: generations 0..G side by side. With no I/O
 * (io NULL) a generation takes microseconds: the rules cost nothing here. */
static void print_generations(int rows, int cols, int generations)
{
    struct life_grid **gens = cl_calloc((size_t)generations + 1, sizeof *gens);
    gens[0] = new_grid(rows, cols);
    for (int i = 1; i <= generations; i++) {
        struct life_grid *cur = new_grid(rows, cols), *next = new_grid(rows, cols);
        life_copy(cur, gens[i - 1]);
        simulate(&cur, &next, 1, NULL);
        life_free(next);
        gens[i] = cur;
    }
    printf("the %s, a %d x %d torus, generations 0 to %d ('*' alive, '-' empty):\n",
           rows == 5 && cols == 9 ? "book's grid" : "grid", rows, cols, generations);
    life_print_columns(stdout, gens, generations + 1, 80);
    for (int i = 0; i <= generations; i++)
        life_free(gens[i]);
    free(gens);
}

/* [p3] One generation with every cell's game_logic blocking io->latency_s:
 * the cells wait one after another, so the prediction is cells x latency.
 * Returns the wall seconds, or -1 after Ctrl-C (no figure: cut short). */
static double time_one_generation(int rows, int cols, const struct life_io *io)
{
    struct life_grid *start = new_grid(rows, cols);
    struct life_grid *cur = new_grid(rows, cols), *next = new_grid(rows, cols);
    double t0 = cl_now();
    int done = simulate(&cur, &next, 1, io);
    double wall = cl_now() - t0;
    /* [p4] Every timed run checks itself against the rules alone (no I/O). */
    if (done == 1 && !cl_interrupted() && !life_matches_reference(start, cur, 1))
        cl_die("%d x %d grid: the generation differs from the serial reference", rows, cols);
    life_free(start);
    life_free(cur);
    life_free(next);
    return done == 1 && !cl_interrupted() ? wall : -1;
}

/* The book's arithmetic, at this run's latency and at the book's. */
static void print_arithmetic(long cells, double latency_ms, double measured)
{
    double predicted = (double)cells * latency_ms / 1000;
    printf("  %ld cells x %g ms = %.3f s predicted, %.3f s measured (%.2fx the prediction)\n",
           cells, latency_ms, predicted, measured, measured / predicted);
    printf("the book's 10,000 cells at 100 ms: 10,000 x 0.1 s = 1000 s (%.1f minutes) per "
           "generation.\n", 1000.0 / 60);
    printf("\nthe serial time per generation grows as cells x latency: the program spends it\n"
           "waiting, one cell after another. To bring a generation near one latency whatever\n"
           "the size, the waits must overlap: fan-out (start one unit of work per cell) and\n"
           "fan-in (wait for all of them before the next generation). Items 57-60 are four\n"
           "ways to do it, each checked against this serial grid.\n");
}

int main(int argc, char **argv)
{
    long rows = 5, cols = 9, generations = 4;
    double io_ms = 100;
    struct cl_opt opts[] = {
        {"rows", CL_OPT_INT, &rows, "grid rows", 1, 1000},
        {"cols", CL_OPT_INT, &cols, "grid columns", 1, 1000},
        {"generations", CL_OPT_INT, &generations, "generations printed (no I/O)", 1, 40},
        {"io-ms", CL_OPT_DOUBLE, &io_ms, "how long each cell's game_logic blocks, ms", 0, 1000},
        {0},
    };
    struct cl_program prog = {
        .name = "56_game_of_life",
        .summary = "the Game of Life with blocking I/O in every cell, run serially: "
                   "a generation takes cells x latency",
        .epilogue = "Examples:\n"
                    "  56_game_of_life                          the book's 45 cells at 100 ms\n"
                    "  56_game_of_life --io-ms 10 --rows 10     twice the cells, at 10 ms\n"
                    "  56_game_of_life --io-ms 0 --generations 20   the glider, no waiting\n"
                    "The timed generation waits rows x cols x io-ms: at most 60 s.\n"
                    "The measuring (rounds, sweeps, CSV) is 56_game_of_life-bench.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    long cells = rows * cols;
    cl_check_run_length((double)cells * io_ms / 1000, "--rows x --cols x --io-ms");
    cl_catch_stop_signals();

    print_generations((int)rows, (int)cols, (int)generations);
    struct life_io io = {.latency_s = io_ms / 1000, .fail_y = -1, .fail_x = -1};
    printf("\none generation, every cell's game_logic blocking %g ms, one cell after "
           "another:\n", io_ms);
    fflush(stdout);
    double wall = time_one_generation((int)rows, (int)cols, &io);
    cl_exit_if_interrupted();
    if (io_ms > 0)
        print_arithmetic(cells, io_ms, wall);
    else
        printf("  %ld cells with no I/O: %.3g ms, computing only\n", cells, wall * 1000);
    return 0;
}
