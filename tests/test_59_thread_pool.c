/* test_59_thread_pool.c - Item 59's behaviour, run as a user would run it.
 *
 * Every run checks its grid against item 56's serial simulation and exits 1
 * ("!!!") on a mismatch, so exit status 0 means "same grid". The book's
 * glider is also checked here by hand. No test looks at a time. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "59_thread_pool"

/* Generations 0 to 4 of the book's 5 x 9 grid, worked out by hand: the
 * glider moves one cell down and one right every four generations. */
static const char *const book_glider[] = {
    "---*----- | --------- | --------- | --------- | ---------",
    "----*---- | --*-*---- | ----*---- | ---*----- | ----*----",
    "--***---- | ---**---- | --*-*---- | ----**--- | -----*---",
    "--------- | ---*----- | ---**---- | ---**---- | ---***---",
    "--------- | --------- | --------- | --------- | ---------",
};

Test(item59, the_story_shows_the_book_glider, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--rows", "5", "--cols", "9", "--rounds", "1", "--io-ms",
                "0.1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    for (int i = 0; i < 5; i++)
        cr_assert_not_null(strstr(r.out, book_glider[i]), "row %d missing:\n%s", i, r.out);
    cr_assert_not_null(strstr(r.out, "simulation error at (2, 3): Input/output error"), "%s",
                       r.out);
    cr_assert_null(strstr(r.out, "!!!"));
}

Test(item59, csv_rows_in_the_shared_columns, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--csv", "--rows", "4,7", "--cols", "6,3", "--workers", "1,3",
                "--rounds", "2", "--io-ms", "0.2", "--generations", "3", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    const char *header = "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,"
                         "peak_rss_kib,threads_peak\n";
    cr_assert(strncmp(r.out, header, strlen(header)) == 0, "%s", r.out);
    cr_assert_eq(count_lines(r.out), 1 + 2 * 2 * 2, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "rows", "7", "cells"), 21);
    cr_assert_eq(csv_number(r.out, "rows", "4", "generations"), 3);
    /* the main thread plus at least one worker */
    cr_assert_geq(csv_number(r.out, "rows", "4", "threads_peak"), 2);
}

Test(item59, a_failing_cell_is_raised_again_by_name, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--fail-cell", "6,11", "--rows", "8", "--cols", "12",
                "--rounds", "1", "--io-ms", "0.1", NULL);
    cr_assert_eq(r.exit_code, 3, "stdout: %s stderr: %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "simulation error at (6, 11): Input/output error"), "%s",
                       r.err);
    cr_assert_null(strstr(r.err, "!!!"));
}

static void assert_usage_error(const char *what)
{
    cr_assert_eq(r.exit_code, 2, "%s: exit %d, stderr: %s", what, r.exit_code, r.err);
    cr_assert_eq(count_lines(r.err), 1, "%s: %s", what, r.err);
    cr_assert_null(strstr(r.err, "!!!"));
}

Test(item59, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    run_program(&r, 10, PROGRAM, "--workers", "0", NULL);
    assert_usage_error("zero workers");
    run_program(&r, 10, PROGRAM, "--io-ms", "-1", NULL);
    assert_usage_error("negative latency");
    run_program(&r, 10, PROGRAM, "--rows", "100000", "--cols", "100000", NULL);
    assert_usage_error("grid too large");
    cr_assert_not_null(strstr(r.err, "100000 x 100000"), "%s", r.err);
    run_program(&r, 10, PROGRAM, "--fail-cell", "9,0", "--rows", "5", "--cols", "9", NULL);
    assert_usage_error("failing cell outside the grid");
    run_program(&r, 10, PROGRAM, "--fail-cell", "1", NULL);
    assert_usage_error("failing cell with one number");
    run_program(&r, 10, PROGRAM, "--rows", "1,2,3", "--cols", "4,5", NULL);
    assert_usage_error("rows and cols that do not pair");
}

Test(item59, overhead_bench_rows_for_both_pools, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--bench", "overhead", "--csv", "--workers", "2", "--tasks",
                "2000", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* 2 rounds x 2 modes (batch, one at a time) x 2 pools */
    cr_assert_eq(count_lines(r.out), 1 + 8, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "mode", "one", "tasks"), 40); /* a fiftieth of the batch */
    cr_assert_gt(csv_number(r.out, "variant", "executor", "per_task_us"), 0);
    cr_assert_gt(csv_number(r.out, "variant", "gthreadpool", "per_task_us"), 0);
}

Test(item59, more_workers_than_cells_still_the_same_grid, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--csv", "--rows", "3", "--cols", "3", "--workers", "1,100",
                "--rounds", "1", "--io-ms", "0", "--generations", "7", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2, "%s", r.out);
    cr_assert_geq(csv_number(r.out, "workers", "100", "threads_peak"), 101);
}
