/* test_life.c - the Game of Life piece of items/56_game_of_life/life.h,
 * linked directly. Every expected answer is worked out by hand (a blinker,
 * a block, the book's glider) and written down as text. */
#include "56_game_of_life/life.h"
#include "clab.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A grid from rows of text, '*' alive and '-' empty. */
static struct life_grid *grid_of(int rows, const char *const text[])
{
    int cols = (int)strlen(text[0]);
    struct life_grid *g = life_new(rows, cols);
    cr_assert_not_null(g);
    for (int y = 0; y < rows; y++) {
        cr_assert_eq((int)strlen(text[y]), cols, "ragged test grid");
        for (int x = 0; x < cols; x++)
            life_set(g, y, x, text[y][x] == '*');
    }
    return g;
}

static void assert_grid(const struct life_grid *g, int rows, const char *const text[],
                        const char *what)
{
    struct life_grid *want = grid_of(rows, text);
    char got[1024] = "";
    for (int y = 0; y < g->rows; y++) {
        for (int x = 0; x < g->cols; x++)
            strncat(got, life_get(g, y, x) ? "*" : "-", sizeof got - strlen(got) - 1);
        strncat(got, "\n", sizeof got - strlen(got) - 1);
    }
    cr_assert(life_equal(g, want), "%s: got\n%s", what, got);
    life_free(want);
}

static struct life_grid *step(const struct life_grid *cur)
{
    struct life_grid *next = life_new(cur->rows, cur->cols);
    cr_assert_not_null(next);
    cr_assert_eq(life_step_serial(cur, next, NULL, NULL, NULL), 0);
    return next;
}

Test(life, new_grid_is_empty_and_sizes_are_checked, .timeout = 10)
{
    struct life_grid *g = life_new(3, 4);
    cr_assert_not_null(g);
    cr_assert_eq(g->rows, 3);
    cr_assert_eq(g->cols, 4);
    cr_assert_eq(life_population(g), 0);
    life_free(g);

    errno = 0;
    cr_assert_null(life_new(0, 5));
    cr_assert_eq(errno, EINVAL);
    cr_assert_null(life_new(5, -1));
    cr_assert_eq(errno, EINVAL);
    errno = 0;
    cr_assert_null(life_new(100000, 100000));
    cr_assert_eq(errno, EOVERFLOW);
    life_free(NULL);
}

Test(life, get_and_set_wrap_around, .timeout = 10)
{
    struct life_grid *g = life_new(5, 9);
    life_set(g, -1, -1, true); /* the bottom-right corner */
    cr_assert(life_get(g, 4, 8));
    cr_assert(g->cells[4 * 9 + 8]);
    cr_assert(life_get(g, 9, 17)); /* 9 % 5 = 4, 17 % 9 = 8 */
    cr_assert(life_get(g, -6, -10));
    cr_assert_not(life_get(g, 0, 0));
    life_set(g, 5, 9, true); /* (0, 0) */
    cr_assert(g->cells[0]);
    cr_assert_eq(life_population(g), 2);
    life_free(g);
}

Test(life, neighbour_counts_on_the_torus_edges, .timeout = 10)
{
    /* The four corners and (1,1) alive on the 5 x 9 torus:
     *   *-------*
     *   -*-------
     *   ---------
     *   ---------
     *   *-------*
     * (0,0) touches (4,8) (4,0) (0,8) across the edges and (1,1): 4.
     * (4,8) touches (3,7) (3,8) (3,0) (4,7) (4,0) (0,7) (0,8) (0,0): 3 alive.
     * (2,0) touches (1,8) (1,0) (1,1) (2,8) (2,1) (3,8) (3,0) (3,1): 1.
     * (0,4) touches nothing alive: 0. (4,1): (3,0..2) (4,0) (4,2) (0,0..2): 2. */
    const char *text[] = {"*-------*", "-*-------", "---------", "---------", "*-------*"};
    struct life_grid *g = grid_of(5, text);
    cr_assert_eq(life_count_neighbors(g, 0, 0), 4);
    cr_assert_eq(life_count_neighbors(g, 4, 8), 3);
    cr_assert_eq(life_count_neighbors(g, 0, 8), 3);
    cr_assert_eq(life_count_neighbors(g, 2, 0), 1);
    cr_assert_eq(life_count_neighbors(g, 0, 4), 0);
    cr_assert_eq(life_count_neighbors(g, 4, 1), 2);
    cr_assert_eq(life_count_neighbors(g, 1, 1), 1); /* (1,1) itself does not count */
    life_free(g);

    /* A full 3 x 3 torus: every cell has all eight others as neighbours. */
    struct life_grid *full = life_new(3, 3);
    memset(full->cells, 1, 9);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++)
            cr_assert_eq(life_count_neighbors(full, y, x), 8);
    life_free(full);
}

Test(life, the_rules_for_all_18_pairs, .timeout = 10)
{
    /* alive: lives on with 2 or 3; empty: comes alive with exactly 3. */
    const bool if_alive[9] = {false, false, true, true, false, false, false, false, false};
    const bool if_empty[9] = {false, false, false, true, false, false, false, false, false};
    for (int n = 0; n <= 8; n++) {
        cr_assert_eq(life_next_state(true, n), if_alive[n], "alive with %d", n);
        cr_assert_eq(life_next_state(false, n), if_empty[n], "empty with %d", n);
    }
}

Test(life, a_blinker_flips_and_flips_back, .timeout = 10)
{
    const char *horizontal[] = {"-----", "-----", "-***-", "-----", "-----"};
    const char *vertical[] = {"-----", "--*--", "--*--", "--*--", "-----"};
    struct life_grid *g0 = grid_of(5, horizontal);
    struct life_grid *g1 = step(g0);
    assert_grid(g1, 5, vertical, "generation 1");
    struct life_grid *g2 = step(g1);
    assert_grid(g2, 5, horizontal, "generation 2");
    life_free(g0);
    life_free(g1);
    life_free(g2);
}

Test(life, a_block_stays, .timeout = 10)
{
    /* Across the corner of the torus, to exercise the wrap too. */
    const char *block[] = {"*---*", "-----", "-----", "*---*"};
    struct life_grid *g = grid_of(4, block);
    for (int gen = 1; gen <= 3; gen++) {
        struct life_grid *next = step(g);
        assert_grid(next, 4, block, "block");
        life_free(g);
        g = next;
    }
    life_free(g);
}

Test(life, the_book_glider_moves_one_down_one_right_in_4_generations, .timeout = 10)
{
    const char *gen0[] = {"---*-----", "----*----", "--***----", "---------", "---------"};
    /* Worked out by hand from the rules: (0,3) and (2,2) have one neighbour
     * and die; (1,2) and (3,3) have three and come alive. */
    const char *gen1[] = {"---------", "--*-*----", "---**----", "---*-----", "---------"};
    const char *gen4[] = {"---------", "----*----", "-----*---", "---***---", "---------"};
    struct life_grid *g = life_book_grid();
    cr_assert_not_null(g);
    assert_grid(g, 5, gen0, "the book's grid");
    for (int gen = 1; gen <= 4; gen++) {
        struct life_grid *next = step(g);
        life_free(g);
        g = next;
        if (gen == 1)
            assert_grid(g, 5, gen1, "generation 1");
    }
    assert_grid(g, 5, gen4, "generation 4");
    life_free(g);

    /* life_reference does the same four steps. */
    struct life_grid *start = life_book_grid();
    struct life_grid *ref = life_reference(start, 4);
    assert_grid(ref, 5, gen4, "life_reference");
    life_free(ref);
    life_free(start);
}

Test(life, game_logic_fails_for_the_failing_cell_only, .timeout = 10)
{
    struct life_io io = {.latency_s = 0, .fail_y = 2, .fail_x = 3};
    bool next = false;
    cr_assert_eq(life_game_logic(&io, 0, 0, false, 3, &next), 0);
    cr_assert(next);
    cr_assert_eq(life_game_logic(&io, 2, 4, true, 1, &next), 0);
    cr_assert_not(next);
    next = true;
    cr_assert_eq(life_game_logic(&io, 2, 3, false, 0, &next), EIO);
    cr_assert(next, "*next must be untouched on failure");
    cr_assert_eq(life_game_logic(NULL, 2, 3, false, 3, &next), 0);

    /* The serial step stops at the first failure and names the cell. */
    struct life_grid *g = life_book_grid();
    struct life_grid *n = life_new(5, 9);
    int ey = -1, ex = -1;
    cr_assert_eq(life_step_serial(g, n, &io, &ey, &ex), EIO);
    cr_assert_eq(ey, 2);
    cr_assert_eq(ex, 3);
    io.fail_y = io.fail_x = -1;
    cr_assert_eq(life_step_serial(g, n, &io, &ey, &ex), 0);
    life_free(g);
    life_free(n);
}

Test(life, game_logic_blocks_at_least_its_latency, .timeout = 10)
{
    /* A lower bound only: a sleep is never shorter (no upper bound asserted). */
    struct life_io io = {.latency_s = 0.02, .fail_y = -1, .fail_x = -1};
    struct timespec a, b;
    bool next;
    clock_gettime(CLOCK_MONOTONIC, &a);
    cr_assert_eq(life_game_logic(&io, 0, 0, true, 2, &next), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double waited = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    cr_assert_geq(waited, 0.02, "waited %.4f s", waited);
    cr_assert(next);
}

Test(life, seed_is_reproducible_and_copy_compares_equal, .timeout = 10)
{
    struct life_grid *a = life_new(20, 30), *b = life_new(20, 30), *c = life_new(20, 30);
    life_seed(a, 7);
    life_seed(b, 7);
    life_seed(c, 8);
    cr_assert(life_equal(a, b));
    cr_assert_not(life_equal(a, c));
    long pop = life_population(a);
    cr_assert(pop > 600 / 8 && pop < 600 / 2, "population %ld of 600", pop);
    cr_assert(life_copy(c, a));
    cr_assert(life_equal(a, c));
    struct life_grid *other = life_new(20, 31);
    cr_assert_not(life_copy(other, a));
    cr_assert_not(life_equal(a, other));
    life_free(a);
    life_free(b);
    life_free(c);
    life_free(other);
}

static char *print_to_string(struct life_grid *const *gens, int n, int width)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    life_print_columns(f, gens, n, width);
    fclose(f);
    return buf;
}

Test(life, print_columns_side_by_side, .timeout = 10)
{
    const char *horizontal[] = {"---", "***", "---"};
    const char *vertical[] = {"-*-", "-*-", "-*-"};
    struct life_grid *gens[2] = {grid_of(3, horizontal), grid_of(3, vertical)};

    char *wide = print_to_string(gens, 2, 80);
    cr_assert_str_eq(wide, " 0  |  1\n"
                           "--- | -*-\n"
                           "*** | -*-\n"
                           "--- | -*-\n");
    free(wide);

    /* 9 characters fit both (3 + 3 + 3); 8 do not: two bands. */
    char *narrow = print_to_string(gens, 2, 8);
    cr_assert_str_eq(narrow, " 0\n"
                             "---\n"
                             "***\n"
                             "---\n"
                             "\n"
                             " 1\n"
                             "-*-\n"
                             "-*-\n"
                             "-*-\n");
    free(narrow);
    life_free(gens[0]);
    life_free(gens[1]);
}

Test(life, the_starting_grid_is_the_books_at_5_by_9_and_seeded_elsewhere, .timeout = 5)
{
    struct life_grid *book = life_book_grid(), *start = life_starting_grid(5, 9, 1);
    cr_assert(book && start && life_equal(book, start));
    struct life_grid *seeded = life_new(12, 7), *other = life_starting_grid(12, 7, 56);
    cr_assert(seeded && other);
    life_seed(seeded, 56);
    cr_assert(life_equal(seeded, other));
    life_free(book);
    life_free(start);
    life_free(seeded);
    life_free(other);
}

Test(life, grid_shape_is_as_square_as_possible, .timeout = 5)
{
    /* By hand: the largest divisor not above the square root. */
    const long cells[] = {1, 2, 7, 45, 400, 2500, 10000, 100000, 1000000, 47, 12};
    const int want[][2] = {{1, 1},     {1, 2},       {1, 7},     {5, 9},
                           {20, 20},   {50, 50},     {100, 100}, {250, 400},
                           {1000, 1000}, {1, 47},    {3, 4}};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        int rows = 0, cols = 0;
        life_grid_shape(cells[i], &rows, &cols);
        cr_assert(rows == want[i][0] && cols == want[i][1], "%ld cells: %d x %d, not %d x %d",
                  cells[i], rows, cols, want[i][0], want[i][1]);
    }
}

Test(life, matches_reference_tells_right_from_wrong, .timeout = 5)
{
    const char *gen1[] = {"---------", "--*-*----", "---**----", "---*-----", "---------"};
    struct life_grid *start = life_book_grid(), *one = grid_of(5, gen1);
    cr_assert(life_matches_reference(start, one, 1));
    cr_assert_not(life_matches_reference(start, one, 2));
    cr_assert(life_matches_reference(start, start, 0));
    life_set(one, 0, 0, true);
    cr_assert_not(life_matches_reference(start, one, 1));
    life_free(start);
    life_free(one);
}

Test(life, the_failing_cell_waits_before_it_fails, .timeout = 10)
{
    /* Real I/O fails only after trying: the failing cell blocks its latency too. */
    struct life_io io = {.latency_s = 0.02, .fail_y = 1, .fail_x = 1};
    struct timespec a, b;
    bool next = false;
    clock_gettime(CLOCK_MONOTONIC, &a);
    cr_assert_eq(life_game_logic(&io, 1, 1, true, 3, &next), EIO);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double waited = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    cr_assert_geq(waited, 0.02, "waited %.4f s", waited);
}

Test(life, the_serial_step_waits_once_per_cell, .timeout = 10)
{
    /* 3 x 4 cells at 5 ms: at least 60 ms, one wait after another. */
    struct life_io io = {.latency_s = 0.005, .fail_y = -1, .fail_x = -1};
    struct life_grid *g = life_new(3, 4), *n = life_new(3, 4);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    cr_assert_eq(life_step_serial(g, n, &io, NULL, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double waited = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    cr_assert_geq(waited, 12 * 0.005, "waited %.4f s", waited);
    life_free(g);
    life_free(n);
}

Test(life, threads_now_counts_this_process, .timeout = 5)
{
    cr_assert_geq(life_threads_now(), 1);
}

/* ---- Stopping: every waiter freed at once ------------------------------- */

static void *wait_two_seconds(void *arg)
{
    struct life_io io = {.latency_s = 2.0, .fail_y = -1, .fail_x = -1};
    bool next;
    life_game_logic(&io, 0, 0, true, 3, &next);
    *(double *)arg = cl_now();
    return NULL;
}

Test(life, a_stop_frees_every_waiter_at_once, .timeout = 20)
{
    /* 400 threads start their 2 s waits over about 100 ms, so their 100 ms
     * slices end at moments spread over the whole slice. A stop signal
     * (raised here, in a thread that is not waiting) is seen at the next
     * slice end of one of them, within a fraction of a millisecond, and that
     * one frees the rest: all done well within 50 ms. Each waiting for the
     * end of its own slice instead would take up to 100 ms. */
    enum { N = 400 };
    static pthread_t threads[N];
    static double done[N];
    cl_catch_stop_signals();
    for (int i = 0; i < N; i++) {
        cr_assert_eq(pthread_create(&threads[i], NULL, wait_two_seconds, &done[i]), 0);
        struct timespec gap = {0, 250 * 1000};
        nanosleep(&gap, NULL);
    }
    struct timespec settle = {0, 50 * 1000 * 1000};
    nanosleep(&settle, NULL);
    double raised = cl_now();
    raise(SIGINT);
    double last = 0;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(pthread_join(threads[i], NULL), 0);
        last = done[i] > last ? done[i] : last;
    }
    cr_assert(cl_interrupted());
    cr_assert_lt(last - raised, 0.05, "the last waiter returned %.3f s after the stop",
                 last - raised);
}
