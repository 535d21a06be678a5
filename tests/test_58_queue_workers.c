/* test_58_queue_workers.c - Item 58's behaviour, run as a user would run it.
 *
 * Every run checks its grid against item 56's serial simulation and exits 1
 * ("!!!") on a mismatch, so exit status 0 means "same grid". The book's
 * glider is also checked here by hand. No test looks at a time. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "58_queue_workers"

/* Generations 0 to 4 of the book's 5 x 9 grid, worked out by hand: the
 * glider moves one cell down and one right every four generations. */
static const char *const book_glider[] = {
    "---*----- | --------- | --------- | --------- | ---------",
    "----*---- | --*-*---- | ----*---- | ---*----- | ----*----",
    "--***---- | ---**---- | --*-*---- | ----**--- | -----*---",
    "--------- | ---*----- | ---**---- | ---**---- | ---***---",
    "--------- | --------- | --------- | --------- | ---------",
};

Test(item58, the_story_shows_the_book_glider, .timeout = 40)
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

Test(item58, csv_rows_in_the_shared_columns, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--csv", "--variant", "queue_workers", "--rows", "4,7", "--cols", "6,3", "--workers", "1,3",
                "--rounds", "2", "--io-ms", "0.2", "--generations", "3", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    const char *header = "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,"
                         "peak_rss_kib,threads_peak\n";
    cr_assert(strncmp(r.out, header, strlen(header)) == 0, "%s", r.out);
    cr_assert_eq(count_lines(r.out), 1 + 2 * 2 * 2, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "rows", "7", "cells"), 21);
    cr_assert_eq(csv_number(r.out, "rows", "4", "generations"), 3);
    /* the main thread and its workers, nothing more */
    cr_assert_eq(csv_number(r.out, "workers", "1", "threads_peak"), 2);
    cr_assert_eq(csv_number(r.out, "workers", "3", "threads_peak"), 4);
}

Test(item58, a_failing_cell_is_raised_again_by_name, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--fail-cell", "6,11", "--rows", "8", "--cols", "12",
                "--rounds", "1", "--io-ms", "0.1", NULL);
    cr_assert_eq(r.exit_code, 3, "stdout: %s stderr: %s", r.out, r.err);
    cr_assert_not_null(strstr(r.err, "simulation error at (6, 11): Input/output error"), "%s",
                       r.err);
    cr_assert_null(strstr(r.err, "!!!"));
}

Test(item58, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    run_program(&r, 10, PROGRAM, "--workers", "0", NULL);
    assert_one_line_usage_error(&r, "zero workers");
    run_program(&r, 10, PROGRAM, "--io-ms", "-1", NULL);
    assert_one_line_usage_error(&r, "negative latency");
    run_program(&r, 10, PROGRAM, "--rows", "100000", "--cols", "100000", NULL);
    assert_one_line_usage_error(&r, "grid too large");
    cr_assert_not_null(strstr(r.err, "100000 x 100000"), "%s", r.err);
    run_program(&r, 10, PROGRAM, "--fail-cell", "9,0", "--rows", "5", "--cols", "9", NULL);
    assert_one_line_usage_error(&r, "failing cell outside the grid");
    run_program(&r, 10, PROGRAM, "--fail-cell", "1", NULL);
    assert_one_line_usage_error(&r, "failing cell with one number");
    run_program(&r, 10, PROGRAM, "--rows", "1,2,3", "--cols", "4,5", NULL);
    assert_one_line_usage_error(&r, "rows and cols that do not pair");
    run_program(&r, 10, PROGRAM, "--workers", "1001", NULL);
    assert_one_line_usage_error(&r, "one worker over the range");
    run_program(&r, 10, PROGRAM, "--workers", "1,,2", NULL);
    assert_one_line_usage_error(&r, "an empty item in a list");
    run_program(&r, 10, PROGRAM, "--csv=1", NULL);
    assert_one_line_usage_error(&r, "a value for a flag that takes none");
}

/* Every invocation is bounded to about a minute (see --help). */
Test(item58, runs_too_long_are_refused_with_the_reason, .timeout = 30)
{
    run_program(&r, 10, PROGRAM, "--rows", "101", "--cols", "100", NULL);
    assert_one_line_usage_error(&r, "a grid over 10,000 cells");
    cr_assert_not_null(strstr(r.err, "10000"), "%s", r.err);
    /* 100 x 100 cells x 1 s, one worker: 10,000 s per generation at best */
    run_program(&r, 10, PROGRAM, "--rows", "100", "--cols", "100", "--io-ms", "1000",
                "--workers", "1", "--generations", "1", "--rounds", "1", NULL);
    assert_one_line_usage_error(&r, "hours of I/O waiting");
    cr_assert_not_null(strstr(r.err, "would wait at least"), "%s", r.err);
    /* 100 x 10,000 x 6 = 6e6 cell updates with no I/O at all */
    run_program(&r, 10, PROGRAM, "--rows", "100", "--cols", "100", "--io-ms", "0",
                "--workers", "5", "--generations", "6", "--rounds", "100",
                "--variant", "queue_workers", NULL);
    assert_one_line_usage_error(&r, "too many cell updates");
    cr_assert_not_null(strstr(r.err, "cell updates"), "%s", r.err);
}

Test(item58, the_io_count_version_gives_the_same_grid, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--csv", "--variant", "io_count", "--rows", "6", "--cols",
                "11", "--workers", "1,5", "--rounds", "1", "--io-ms", "0.1", "--generations",
                "5", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2, "%s", r.out);
    /* two stages of 1 or 5 workers and the main thread */
    cr_assert_eq(csv_number(r.out, "workers", "1", "threads_peak"), 3);
    cr_assert_eq(csv_number(r.out, "workers", "5", "threads_peak"), 11);
}
