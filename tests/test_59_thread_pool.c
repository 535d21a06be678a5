/* test_59_thread_pool.c - Item 59's program and bench, run as a user would.
 *
 * Every run checks its grid against item 56's serial simulation and exits 1
 * ("!!!") on a mismatch, so exit status 0 means "same grid"; the book's
 * glider is also checked here by hand. The tests named lab59_* check what
 * the README's labs say the student will see. The executor itself is
 * tested in test_executor.c. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "59_thread_pool"
#define BENCH "59_thread_pool-bench"

static const char *const book_glider[] = {
    "---*----- | --------- | --------- | --------- | ---------",
    "----*---- | --*-*---- | ----*---- | ---*----- | ----*----",
    "--***---- | ---**---- | --*-*---- | ----**--- | -----*---",
    "--------- | ---*----- | ---**---- | ---**---- | ---***---",
    "--------- | --------- | --------- | --------- | ---------",
};

/* The number before `label` in the first line of out that has it
 * ("5.43 ms per generation", "11 threads alive"). */
static double number_before(const char *out, const char *label)
{
    const char *p = strstr(out, label);
    cr_assert_not_null(p, "no '%s' in:\n%s", label, out);
    while (p > out && p[-1] != ' ')
        p--;
    return atof(p);
}

/* One timed run: its ms per generation and threads alive. */
static void timed(const char *workers, const char *rows, const char *cols, double *ms,
                  int *threads)
{
    run_program(&r, 20, PROGRAM, "--part", "time", "--workers", workers, "--rows", rows,
                "--cols", cols, "--generations", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    *ms = number_before(r.out, " ms per generation");
    *threads = (int)number_before(r.out, " threads alive");
}

Test(item59, the_story_shows_the_book_glider_and_the_error, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    for (int i = 0; i < 5; i++)
        cr_assert_not_null(strstr(r.out, book_glider[i]), "row %d missing:\n%s", i, r.out);
    cr_assert_not_null(strstr(r.out, "future_result gives the task's error:\n"
                                     "  simulation error at (2, 3): Input/output error"),
                       "%s", r.out);
    /* the main thread and up to 10 workers, started as the tasks needed them */
    int threads = (int)number_before(r.out, " threads alive");
    cr_assert(threads >= 2 && threads <= 11, "%d threads alive", threads);
    cr_assert_null(strstr(r.out, "!!!"));
}

Test(item59, a_failing_cell_is_raised_again_by_name, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "error", "--fail-cell", "4,8", NULL);
    cr_assert_eq(r.exit_code, 3, "stdout: %s stderr: %s", r.out, r.err);
    cr_assert_not_null(strstr(r.out, "simulation error at (4, 8): Input/output error"), "%s",
                       r.out);
    cr_assert_null(strstr(r.out, "!!!"));
}

Test(item59, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    static const char *const cases[][6] = {
        {"--workers", "0"},     {"--workers", "1,2"},  {"--workers", "1001"},
        {"--io-ms", "-1"},      {"--rows", "0"},       {"--fail-cell", "5,0"},
        {"--fail-cell", "1"},   {"--part", "overhead"}, {"--csv"},
        {"--bench", "overhead"}, {"--tasks", "5"},
        {"--rows", "1000", "--cols", "1000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_program(&r, 10, PROGRAM, cases[i][0], cases[i][1], cases[i][2], cases[i][3], NULL);
        assert_one_line_usage_error(&r, cases[i][0]);
    }
    run_program(&r, 10, BENCH, "--part", "overhead", "--workers", "1,2", NULL);
    assert_one_line_usage_error(&r, "the overhead part with two pool sizes");
    run_program(&r, 10, BENCH, "--part", "cells", "--workers", "5,10", NULL);
    assert_one_line_usage_error(&r, "the cells part with two pool sizes");
    run_program(&r, 10, BENCH, "--part", "overhead", "--tasks", "0", NULL);
    assert_one_line_usage_error(&r, "no tasks");
}

/* Issue 14: every run bounded, the overhead bench too. */
Test(item59, runs_too_long_are_refused_with_the_reason, .timeout = 30)
{
    run_program(&r, 10, BENCH, "--part", "overhead", "--workers", "1000", "--tasks", "1000000",
                "--rounds", "10", NULL);
    assert_one_line_usage_error(&r, "ten million empty tasks");
    cr_assert_not_null(strstr(r.err, "would run for about"), "%s", r.err);
    run_program(&r, 10, PROGRAM, "--part", "time", "--rows", "100", "--cols", "100", "--io-ms",
                "1000", "--workers", "10", "--generations", "1", NULL);
    assert_one_line_usage_error(&r, "1,000 waits of a second");
    run_program(&r, 10, BENCH, "--cells", "10000", "--workers", "1", "--io-ms", "10", NULL);
    assert_one_line_usage_error(&r, "a bench of minutes");
}

Test(item59, bench_life_rows_start_threads_lazily, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "life", "--cells", "10,45", "--workers", "10,100",
                "--rounds", "1", "--io-ms", "0.5", "--generations", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert(strncmp(r.out, "variant,cells,rows,cols,workers,io_ms,generations,round,gen_s,"
                             "threads\n", 70) == 0, "%s", r.out);
    cr_assert_eq(count_lines(r.out), 1 + 2 * 2 * 2, "%s", r.out); /* pool and sleepers */
    /* 10 cells on a pool of 100: at most 10 threads start (plus the main one);
     * threads is the last column */
    const char *row = strstr(r.out, "\npool,10,2,5,100,0.5,2,1,");
    cr_assert_not_null(row, "%s", r.out);
    char line[128];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(row + 1, "\n"), row + 1);
    cr_assert_leq(atoi(strrchr(line, ',') + 1), 11, "%s", line);
}

Test(item59, bench_cells_and_errors_rows, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "cells", "--cells", "45,400,1000000", "--workers",
                "10", "--io-ms", "0.2", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert(strncmp(r.out, "approach,cells,latency_ms,round,gen_s,rss_kib,note\n", 51) == 0,
              "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\npool,400,0.2,1,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\npool,1000000,0.2,0,,,over the 5 s budget"), "%s", r.out);
    run_program(&r, 20, BENCH, "--part", "errors", "--rounds", "2", "--io-ms", "0.1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "\nresult,45,2,3,2,,Input/output error,2,3\n"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nno_result,45,2,3,2,1,nothing,-1,-1\n"), "%s", r.out);
}

Test(item59, bench_overhead_rows_for_three_pools, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "overhead", "--workers", "2", "--tasks", "2000",
                "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* 2 rounds x 3 modes x 3 pools */
    cr_assert_eq(count_lines(r.out), 1 + 2 * 3 * 3, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nexecutor,batch,2,2000,1,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nexecutor_spinning,one,2,40,2,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\ngthreadpool,sparse,2,10,1,"), "%s", r.out);
}

/* Ctrl-C, SIGTERM and SIGHUP: exit 128 + signal within half a second,
 * nothing left running, no "!!!", default and heavy settings. */
Test(item59, every_stop_signal_ends_the_program_cleanly, .timeout = 60)
{
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        run_program_signalled(&r, 20, sigs[i], 0.02, PROGRAM, NULL);
        assert_clean_stop(&r, sigs[i], "the story");
        run_program_signalled(&r, 20, sigs[i], 0.5, PROGRAM, "--part", "time", "--rows", "300",
                              "--cols", "300", "--workers", "1000", "--io-ms", "5",
                              "--generations", "2", NULL);
        assert_clean_stop(&r, sigs[i], "90,000 cells on 1,000 threads");
    }
}

Test(item59, every_stop_signal_ends_the_bench_cleanly, .timeout = 90)
{
    int sigs[] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        run_program_signalled(&r, 20, sigs[i], 0.3, BENCH, NULL);
        assert_clean_stop(&r, sigs[i], "the bench");
        run_program_signalled(&r, 20, sigs[i], 0.5, BENCH, "--cells", "100000", "--workers",
                              "1000", "--io-ms", "1", "--rounds", "3", NULL);
        assert_clean_stop(&r, sigs[i], "100,000 cells by 1,000 workers");
        run_program_signalled(&r, 20, sigs[i], 0.3, BENCH, "--part", "overhead", "--workers",
                              "2", NULL);
        assert_clean_stop(&r, sigs[i], "the overhead part");
        run_program_signalled(&r, 30, sigs[i], 0.5, BENCH, "--part", "overhead", "--workers",
                              "1000", "--tasks", "200000", "--rounds", "2", NULL);
        assert_clean_stop(&r, sigs[i], "the overhead part, 1,000 workers");
    }
}

/* ---- What the README's labs say the student will see ---------------------- */

/* Lab 1: never below ceil(45 / W) ms; past 45 workers, no faster. */
Test(item59, lab59_more_workers_than_cells_do_not_help, .timeout = 30)
{
    double ms;
    int threads;
    timed("10", "5", "9", &ms, &threads);
    cr_assert_geq(ms, 5, "10 workers: %g ms, under ceil(45 / 10) = 5 ms", ms);
    timed("100", "5", "9", &ms, &threads);
    cr_assert_geq(ms, 1, "100 workers: %g ms, under one 1 ms wait", ms);
}

/* Lab 2: threads start as tasks need them, never more than the cells. */
Test(item59, lab59_threads_start_lazily, .timeout = 30)
{
    double ms;
    int threads;
    timed("1000", "5", "9", &ms, &threads);
    cr_assert_leq(threads, 46, "a pool of 1,000 on 45 cells: %d threads alive", threads);
    cr_assert_geq(threads, 2);
}

/* Lab 3: the error comes back from result, naming its cell; unasked, it is lost. */
Test(item59, lab59_the_error_comes_back_only_when_asked, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "error", "--fail-cell", "4,7", NULL);
    cr_assert_eq(r.exit_code, 3, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "simulation error at (4, 7): Input/output error"), "%s",
                       r.out);
    run_program(&r, 20, BENCH, "--part", "errors", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "\nresult,45,2,3,1,,Input/output error,2,3"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nno_result,45,2,3,1,1,nothing,"), "%s", r.out);
}

/* Lab 5: a pool of 10 on bigger grids: never below ceil(cells / 10) ms. */
Test(item59, lab59_bigger_grids_wait_longer, .timeout = 30)
{
    const char *sides[] = {"10", "20"};
    double floor_ms[] = {10, 40};
    for (int i = 0; i < 2; i++) {
        double ms;
        int threads;
        timed("10", sides[i], sides[i], &ms, &threads);
        cr_assert_geq(ms, floor_ms[i], "%s x %s: %g ms", sides[i], sides[i], ms);
        /* at most 10 workers (fewer if a busy machine held up the submits
         * long enough for an idle one to be reused) */
        cr_assert(threads >= 2 && threads <= 11, "%d threads alive", threads);
    }
}
