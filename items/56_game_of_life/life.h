/*
 * life.h - Conway's Game of Life on a torus, with the blocking I/O that
 * Item 56 gives each cell (the piece Items 57-60 reuse).
 *
 * The grid wraps around at every edge: row -1 is the last row, column `cols`
 * is column 0. A cell's next state depends on itself and its eight
 * neighbours (the rules, life_next_state). In the book every cell's step,
 * game_logic, also does some blocking I/O; life_game_logic plays it with a
 * real blocking wait of a set length, and can be told to fail for one cell.
 *
 * Serially, one generation costs about cells x latency (life_step_serial).
 * Items 57-60 fan the same calls out to threads, a queue, a pool and
 * coroutines, and fan the answers back in; each checks its final grid
 * against life_step_serial run with no I/O at all.
 *
 * Include as "56_game_of_life/life.h".
 */
#ifndef CONCLAB_LIFE_H
#define CONCLAB_LIFE_H

#include <stdbool.h>
#include <stdio.h>

/* The largest grid life_new makes (cells); larger sizes fail with EOVERFLOW. */
#define LIFE_MAX_CELLS (1L << 26)

struct life_grid {
    int rows, cols;
    unsigned char *cells; /* cells[y * cols + x], 1 alive, 0 empty */
};

/* A grid of rows x cols empty cells; NULL with errno EINVAL (a size below 1),
 * EOVERFLOW (more than LIFE_MAX_CELLS) or ENOMEM. */
struct life_grid *life_new(int rows, int cols);
void life_free(struct life_grid *g); /* NULL is fine */

/* Any y and x: both wrap around (a torus), negative ones too. */
bool life_get(const struct life_grid *g, int y, int x);
void life_set(struct life_grid *g, int y, int x, bool alive);

/* Living cells among the eight around (y, x), 0..8, wrapping at the edges.
 * On a grid under 3 rows or columns the wrapped offsets land on the same
 * cells more than once, and each landing counts (as the book's modulo does). */
int life_count_neighbors(const struct life_grid *g, int y, int x);

/* The rules alone, no I/O: a living cell with 2 or 3 neighbours lives on,
 * an empty one with exactly 3 comes alive, every other cell is empty next. */
bool life_next_state(bool alive, int neighbors);

/* The blocking I/O each cell does in the book's game_logic. */
struct life_io {
    double latency_s;   /* how long each game_logic call blocks (0: none) */
    int fail_y, fail_x; /* the cell whose I/O fails, or -1, -1 for none */
};

/* The rules plus blocking I/O: blocks latency_s (a timed wait in the kernel,
 * in slices of at most 100 ms), then sets *next. Returns 0, or EIO when
 * (y, x) is the failing cell (then *next is untouched; the failing cell still
 * waits first, as real I/O fails only after trying). io may be NULL: no wait,
 * no failure. After Ctrl-C (cl_interrupted()) the rest of the wait is
 * skipped, in every thread waiting here at once as soon as one of them sees
 * it, but the answer is still set, so grids stay correct; callers check
 * cl_interrupted() between generations and wind down. Thread-safe: io is only
 * read. The first wait opens one pipe (close-on-exec) that the process keeps. */
int life_game_logic(const struct life_io *io, int y, int x, bool alive, int neighbors,
                    bool *next);

/* One generation serially: every cell's game_logic one after another, row by
 * row, reading cur and writing next (same size, not the same grid). Returns 0
 * or the first error, with *err_y and *err_x set to that cell (either pointer
 * may be NULL). io may be NULL: the cheap reference with no I/O. */
int life_step_serial(const struct life_grid *cur, struct life_grid *next,
                     const struct life_io *io, int *err_y, int *err_x);

/* The book's grid: 5 rows x 9 columns, a glider at (0,3) (1,4) (2,2) (2,3) (2,4). */
struct life_grid *life_book_grid(void);

/* Fills g with a reproducible pattern: about one cell in four alive, from a
 * small generator of our own seeded with `seed` (the same on every machine). */
void life_seed(struct life_grid *g, unsigned seed);

/* Same size and same cells. */
bool life_equal(const struct life_grid *a, const struct life_grid *b);

/* Copies src's cells into dst (same size); false if the sizes differ. */
bool life_copy(struct life_grid *dst, const struct life_grid *src);

/* Living cells in the whole grid. */
long life_population(const struct life_grid *g);

/* Runs `generations` steps of the cheap reference (no I/O) from start and
 * returns the final grid (a new one), or NULL with errno set. */
struct life_grid *life_reference(const struct life_grid *start, int generations);

/* Kept for callers written before clab had it: cl_threads_now() (clab.h),
 * the threads in this process now, or -1 if unknown. */
int life_threads_now(void);

/* Whether `end` is what `generations` steps of the cheap reference (no I/O)
 * make from `start`: every life item checks its fan-out against this. */
bool life_matches_reference(const struct life_grid *start, const struct life_grid *end,
                            int generations);

/* A grid of `cells` cells as square as possible: rows is the largest divisor
 * of cells not above its square root (45: 5 x 9, the book's grid; 2500:
 * 50 x 50; a prime p: 1 x p). The cross-item sweeps (--cells) use it, so
 * every item times the same grids. cells >= 1. */
void life_grid_shape(long cells, int *rows, int *cols);

/* Generations side by side, '*' alive and '-' empty, columns separated by
 * " | ", each headed by its number 0, 1, 2, ... centred over it; when they do
 * not fit in `width` characters they wrap onto more bands, one blank line
 * between bands. Lines carry no trailing spaces. */
void life_print_columns(FILE *out, struct life_grid *const *gens, int n, int width);

/* The grid every life item starts from: the book's grid at 5 x 9, any other
 * size seeded with life_seed(seed). NULL + errno as life_new. */
struct life_grid *life_starting_grid(int rows, int cols, unsigned seed);

/* The run-size rule of the worker items (58, 59): a run may make at most
 * LIFE_MAX_CELL_UPDATES cell updates (rounds x generations x cells, summed
 * over every run) and wait at most LIFE_MAX_WAIT_S for its I/O even at the
 * ideal speed; beyond either, a one-line usage error (exit 2), so that no
 * allowed setting runs for many minutes. */
#define LIFE_MAX_CELL_UPDATES 2e6
#define LIFE_MAX_WAIT_S 60.0
void life_refuse_long_runs(double cell_updates, double wait_s);

#endif
