/*
 * life_fanout.h - item 56's Game of Life, one generation at a time as a
 * fan-out (every cell's blocking game_logic handed to other threads) and a
 * fan-in (every answer taken back): the shape items 58 and 59 share.
 *
 * An item supplies the two halves (58: queues and workers; 59: submit and
 * result on a pool); this piece runs the generations with them, times them,
 * checks the final grid against item 56's serial simulation, and tells the
 * book's story through them. Item 59 includes it as
 * "58_queue_workers/life_fanout.h".
 */
#ifndef CONCLAB_LIFE_FANOUT_H
#define CONCLAB_LIFE_FANOUT_H

#include "56_game_of_life/life.h"

#include <stdbool.h>
#include <stdio.h>

/* One generation's two halves, as the book names them. */
struct life_fanout {
    /* Hand every cell of cur out to the workers. */
    void (*fan_out)(void *ctx, const struct life_grid *cur);
    /* Take every answer back into next: 0, the first cell error (its cell in
     * *err_y, *err_x), or EINTR once Ctrl-C (or SIGTERM) has arrived. */
    int (*fan_in)(void *ctx, struct life_grid *next, int *err_y, int *err_x);
    void *ctx;
};

/* What one run of generations gave. */
struct life_run {
    int done;                /* generations completed */
    int error;               /* 0, a cell's error (EIO), or EINTR */
    int err_y, err_x;        /* the cell whose error came back */
    double gen_s;            /* wall seconds per completed generation */
    int threads;             /* threads alive after the first fan-out */
    long rss_kib;            /* resident memory then, KiB */
    struct life_grid *final; /* the last complete generation: the caller frees it */
};

/* Runs up to `generations` generations from start, stopping after the
 * generation in which a cell's error came back, or at Ctrl-C. The threads
 * alive and the resident memory are read once, after the first fan-out;
 * reading them is left out of the time. */
struct life_run life_run_fanout(const struct life_grid *start, int generations,
                                const struct life_fanout *how);

/* How an item runs the simulation: `workers` threads (per stage), io the
 * blocking I/O of every cell; `variant` is the item's own choice (NULL if it
 * has none). Items 58 and 59 each have one; the story and the benches call
 * it. */
typedef struct life_run (*life_simulate)(const struct life_grid *start, int generations,
                                         int workers, const struct life_io *io,
                                         const void *variant);

/* Every run checks itself: "!!!" and exit 1 when r's grid differs from the
 * serial simulation (no I/O) of as many generations. */
void life_check_against_serial(const struct life_grid *start, const struct life_run *r,
                               const char *who);

/* The book's SimulationError, raised again in the main thread:
 * "simulation error at (2, 3): Input/output error". */
void life_print_simulation_error(FILE *out, const struct life_run *r);

/* The story, at class size. Each returns false once Ctrl-C has arrived.
 * The book's 5 x 9 grid, generations 0 to 4 side by side, each computed by
 * sim and checked against serial: */
bool life_show_book_grid(life_simulate sim, int workers, const void *variant, double io_s,
                         const char *by_whom);
/* The book's grid with cell (fail_y, fail_x) failing in the first
 * generation: the error must come back naming that cell ("!!!" otherwise)
 * and is printed as the book raises it. */
bool life_show_failing_cell(life_simulate sim, int workers, const void *variant, double io_s,
                            int fail_y, int fail_x, const char *how_it_comes_back);
/* One timed run on a rows x cols grid: the time per generation beside the
 * ideal, ceil(cells / workers) + extra_waits latencies, and the threads alive. */
bool life_show_timing(life_simulate sim, int workers, const void *variant, int rows, int cols,
                      double io_s, int generations, double extra_waits, const char *what);

/* An item's program: the words and the simulation its story needs. */
struct life_story {
    const char *name, *summary;     /* for --help */
    life_simulate simulate;
    const void *variant;            /* passed to simulate */
    int workers;                    /* the book's number of workers */
    const char *by_whom;            /* "5 queue workers" */
    const char *comes_back;         /* "the main thread raises it again" */
    const char *timed;              /* what --part time runs: "queue workers (2 queues)" */
    const char *second_part;        /* a second variant, timed as --part NAME, or NULL */
    const void *second_variant;
    const char *second_timed;
    double second_extra_waits;      /* latencies it adds to a generation, for the bound */
};

/* The story, as `main` of items 58 and 59: parses the flags (--part,
 * --workers, --rows, --cols, --io-ms, --generations, --fail-cell), refuses
 * a run predicted to last over a minute, and shows the parts: the book's
 * grid, the failing cell, a timed run, and the item's second variant.
 * Returns the exit status: 0, or 3 for --part error alone (the error raised
 * again ends the program, as the book's uncaught SimulationError would). */
int life_story_main(const struct life_story *story, int argc, char **argv);

/* ceil(cells / workers): the latencies a generation waits, at best, when
 * `workers` threads each wait for one cell at a time. */
long life_waits_per_generation(long cells, long workers);

#endif
