/* test_60_coroutines.c - Item 60's program, run as a user would run it.
 *
 * Every grid the program computes is checked by the program itself against
 * the serial reference (exit 1 with "!!!" otherwise); here the glider is
 * checked independently, against its known shape four generations on. No
 * test looks at a time. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "60_coroutines"

/* Column `col` (0-based) of the printed generations, row by row: the text
 * between the col-th and (col+1)-th " | " of each of the grid's lines. */
static void printed_column(const char *out, int col, int rows, char lines[][16])
{
    const char *at = strstr(out, "---*----- |"); /* row 0 of generation 0 */
    cr_assert_not_null(at, "no grid printed: %s", out);
    for (int y = 0; y < rows; y++) {
        const char *cell = at;
        for (int c = 0; c < col; c++) {
            cell = strstr(cell, " | ");
            cr_assert_not_null(cell, "row %d has no column %d: %s", y, col, out);
            cell += 3;
        }
        size_t len = strcspn(cell, " \n");
        cr_assert_lt(len, 16);
        memcpy(lines[y], cell, len);
        lines[y][len] = '\0';
        at = strchr(at, '\n');
        cr_assert_not_null(at);
        at++;
    }
}

Test(item60, the_glider_moves_one_cell_diagonally_in_four_generations, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--mode", "grid", "--generations", "4", "--io-ms", "5", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* The book's glider at (0,3) (1,4) (2,2) (2,3) (2,4), worked out by hand:
     * after four generations the same shape, one row down, one column right. */
    const char *want[5] = {"---------", "----*----", "-----*---", "---***---", "---------"};
    char got[5][16];
    printed_column(r.out, 4, 5, got);
    for (int y = 0; y < 5; y++)
        cr_assert_str_eq(got[y], want[y], "row %d of generation 4", y);
    cr_assert_not_null(strstr(r.out, "equal to the serial grid"), "%s", r.out);
}

Test(item60, the_error_names_the_failing_cell, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--mode", "grid", "--io-ms", "5", "--fail-cell", "2,3", NULL);
    cr_assert_eq(r.exit_code, 3, "stderr: %s", r.err); /* exit 3: a cell's error, as 58 and 59 */
    cr_assert_not_null(strstr(r.err, "simulation error at (2, 3)"), "stderr: %s", r.err);
    cr_assert_null(strstr(r.err, "!!!"), "stderr: %s", r.err);

    /* A corner of a larger grid, one of 600 coroutines, in the CSV mode too. */
    run_program(&r, 20, PROGRAM, "--csv", "--rows", "20", "--cols", "30", "--io-ms", "5",
                "--fail-cell", "19,29", NULL);
    cr_assert_eq(r.exit_code, 3, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "simulation error at (19, 29)"), "stderr: %s", r.err);
}

Test(item60, csv_rows_one_per_size_and_round_every_cell_a_coroutine, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--rows", "30,7", "--cols", "40,3", "--generations",
                "3", "--rounds", "2", "--io-ms", "5", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2 * 2, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "cells", "21", "workers"), 21);
    cr_assert_eq(strncmp(r.out, "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,"
                                "peak_rss_kib,threads_peak\n", 88), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "round", "1", "cells"), 1200);
    cr_assert_eq(csv_number(r.out, "round", "1", "workers"), 1200);
    cr_assert_eq(csv_number(r.out, "round", "1", "threads_peak"), 1);
    cr_assert_gt(csv_number(r.out, "round", "1", "gen_s"), 0);
}

Test(item60, ninety_thousand_coroutines_at_once_give_the_serial_grid, .timeout = 40)
{
    /* 300 x 300 cells, each a suspended coroutine during every generation;
     * the program compares the result with the serial reference itself. */
    run_program(&r, 30, PROGRAM, "--csv", "--rows", "300", "--cols", "300", "--generations",
                "2", "--rounds", "1", "--io-ms", "20", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "round", "0", "workers"), 90000);
}

Test(item60, cost_rows_count_the_event_inside_the_frame, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--mode", "costs", "--coroutines", "20000",
                "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 3, "%s", r.out);
    double frame = csv_number(r.out, "round", "0", "bytes_frame");
    /* The frame holds its libevent event, so it is larger than one. */
    cr_assert_gt(frame, (double)event_get_struct_event_size(), "%s", r.out);
    cr_assert_eq(csv_number(r.out, "round", "1", "coroutines"), 20000);
}

Test(item60, bad_flags_exit_2, .timeout = 30)
{
    const char *bad[][4] = {
        {"--rows", "0", NULL},
        {"--cols", "100000", NULL},
        {"--rows", "4096", "--cols", "4096"}, /* over 4 Mi cells */
        {"--io-ms", "-1", NULL},
        {"--generations", "0", NULL},
        {"--fail-cell", "5,0", NULL},           /* row 5 of a 5-row grid */
        {"--fail-cell", "1", NULL},
        {"--fail-cell", "-1,3", NULL},
        {"--mode", "fast", NULL},
        {"--coroutines", "0", NULL},
        {"--rows", "5,6,7", "--cols", "9,9"},
        {"--io-ms", "1001", NULL},
        {"--bogus", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL);
        cr_assert_eq(r.exit_code, 2, "%s %s: exit %d, stderr: %s", bad[i][0],
                     bad[i][1] ? bad[i][1] : "", r.exit_code, r.err);
        cr_assert_null(strstr(r.err, "!!!"), "%s", r.err);
    }
}
