/* test_58_queue_workers.c - Item 58's program and bench, run as a user would.
 *
 * Every run checks its grid against item 56's serial simulation and exits 1
 * ("!!!") on a mismatch, so exit status 0 means "same grid"; the book's
 * glider is also checked here by hand. The tests named lab58_* check what
 * the README's labs say the student will see. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "58_queue_workers"
#define BENCH "58_queue_workers-bench"

/* Generations 0 to 4 of the book's 5 x 9 grid, worked out by hand: the
 * glider moves one cell down and one right every four generations. */
static const char *const book_glider[] = {
    "---*----- | --------- | --------- | --------- | ---------",
    "----*---- | --*-*---- | ----*---- | ---*----- | ----*----",
    "--***---- | ---**---- | --*-*---- | ----**--- | -----*---",
    "--------- | ---*----- | ---**---- | ---**---- | ---***---",
    "--------- | --------- | --------- | --------- | ---------",
};

/* "X ms per generation" of the Nth timed line of a story's output. */
static double ms_per_generation(const char *out, int nth)
{
    const char *p = out;
    for (int i = 0; i <= nth; i++) {
        p = strstr(p, " ms per generation");
        cr_assert_not_null(p, "no timed line %d in:\n%s", nth, out);
        if (i < nth)
            p++;
    }
    while (p > out && p[-1] != ' ')
        p--;
    return atof(p);
}

Test(item58, the_story_shows_the_book_glider_and_the_error, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    for (int i = 0; i < 5; i++)
        cr_assert_not_null(strstr(r.out, book_glider[i]), "row %d missing:\n%s", i, r.out);
    cr_assert_not_null(strstr(r.out, "main thread raises it again:\n"
                                     "  simulation error at (2, 3): Input/output error"),
                       "%s", r.out);
    /* the threads alive: the main thread and 5 workers; 5 + 5 in the second version */
    cr_assert_not_null(strstr(r.out, "; 6 threads alive"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "; 11 threads alive"), "%s", r.out);
    cr_assert_null(strstr(r.out, "!!!"));
}

Test(item58, the_threads_do_not_grow_with_the_grid, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "time", "--rows", "40", "--cols", "50", "--workers",
                "7", "--io-ms", "0", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "(2000 cells)"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "; 8 threads alive"), "%s", r.out);
}

Test(item58, a_failing_cell_is_raised_again_by_name, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "error", "--fail-cell", "4,8", NULL);
    cr_assert_eq(r.exit_code, 3, "stdout: %s stderr: %s", r.out, r.err);
    cr_assert_not_null(strstr(r.out, "simulation error at (4, 8): Input/output error"), "%s",
                       r.out);
    cr_assert_null(strstr(r.out, "!!!"));
}

Test(item58, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    static const char *const cases[][6] = {
        {"--workers", "0"},          {"--workers", "1,2"},       {"--workers", "1001"},
        {"--io-ms", "-1"},           {"--rows", "0"},            {"--cols", "1001"},
        {"--fail-cell", "5,0"},      {"--fail-cell", "1"},       {"--fail-cell", "0,9"},
        {"--part", "story"},         {"--csv"},                  {"--generations", "0"},
        {"--rows", "1000", "--cols", "1000"}, /* over 100,000 cells */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_program(&r, 10, PROGRAM, cases[i][0], cases[i][1], cases[i][2], cases[i][3], NULL);
        assert_one_line_usage_error(&r, cases[i][0]);
    }
    run_program(&r, 10, BENCH, "--part", "cells", "--workers", "1,5", NULL);
    assert_one_line_usage_error(&r, "the cells part with two worker counts");
    run_program(&r, 10, BENCH, "--cells", "200000", "--io-ms", "0", "--rounds", "1", NULL);
    assert_one_line_usage_error(&r, "a bench grid over 100,000 cells");
    run_program(&r, 10, BENCH, "--cells", "0", NULL);
    assert_one_line_usage_error(&r, "a grid of no cells");
}

/* Every run is bounded: predicted past a minute, refused up front. */
Test(item58, runs_too_long_are_refused_with_the_reason, .timeout = 30)
{
    /* 10,000 cells x 1 s, one worker: hours a generation */
    run_program(&r, 10, PROGRAM, "--part", "time", "--rows", "100", "--cols", "100", "--io-ms",
                "1000", "--workers", "1", "--generations", "1", NULL);
    assert_one_line_usage_error(&r, "hours of I/O waiting");
    cr_assert_not_null(strstr(r.err, "would run for about"), "%s", r.err);
    /* the story itself at 1 s a cell: 4 + 1 + 4 + 4 generations of 9 waits */
    run_program(&r, 10, PROGRAM, "--io-ms", "1000", NULL);
    assert_one_line_usage_error(&r, "the story at 1 s a cell");
    run_program(&r, 10, BENCH, "--cells", "100000", "--workers", "1", "--io-ms", "1", NULL);
    assert_one_line_usage_error(&r, "a bench of hours");
}

/* Column `column` of the first CSV line that starts with `row`, as a number
 * (the header is the first line of csv); fails the test if there is none. */
static double in_row(const char *csv, const char *row, const char *column)
{
    int index = 0;
    size_t len = strlen(column);
    const char *p = csv;
    while (!(strncmp(p, column, len) == 0 && (p[len] == ',' || p[len] == '\n'))) {
        p += strcspn(p, ",\n");
        cr_assert_eq(*p, ',', "no column %s in %.200s", column, csv);
        p++, index++;
    }
    char want[128];
    snprintf(want, sizeof want, "\n%s", row);
    const char *line = strstr(csv, want);
    cr_assert_not_null(line, "no row %s in:\n%s", row, csv);
    line++;
    for (int i = 0; i < index; i++)
        line += strcspn(line, ",\n") + 1;
    return atof(line);
}

Test(item58, bench_life_rows_in_their_columns, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "life", "--cells", "6,45", "--workers", "1,3",
                "--rounds", "2", "--io-ms", "0.1", "--generations", "3", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    const char *header = "variant,cells,rows,cols,workers,io_ms,generations,round,gen_s,threads\n";
    cr_assert(strncmp(r.out, header, strlen(header)) == 0, "%s", r.out);
    /* 2 rounds x 2 sizes x 2 worker counts x 3 variants */
    cr_assert_eq(count_lines(r.out), 1 + 2 * 2 * 2 * 3, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nqueue_workers,45,5,9,3,0.1,3,2,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nsleepers,6,2,3,1,0.1,3,1,"), "%s", r.out);
    /* the main thread and the workers of every stage */
    cr_assert_eq(in_row(r.out, "queue_workers,6,2,3,3,", "threads"), 4);
    cr_assert_eq(in_row(r.out, "io_count,6,2,3,3,", "threads"), 7);
    cr_assert_gt(in_row(r.out, "queue_workers,45,5,9,1,0.1,3,1,", "gen_s"), 0);
}

Test(item58, bench_cells_rows_for_the_cross_chart, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "cells", "--cells", "45,400,100000,1000000",
                "--workers", "5", "--io-ms", "0.2", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert(strncmp(r.out, "approach,cells,latency_ms,round,gen_s,rss_kib,note\n", 51) == 0,
              "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nqueue_workers,45,0.2,1,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nqueue_workers,400,0.2,2,"), "%s", r.out);
    cr_assert_gt(in_row(r.out, "queue_workers,400,0.2,2,", "rss_kib"), 100);
    /* 100,000 cells: 20,000 waits of 0.2 ms, 4 s, plus 1 s of hand-offs: one row, round 0 */
    cr_assert_not_null(strstr(r.out, "\nqueue_workers,100000,0.2,0,,,over the 5 s budget"), "%s",
                       r.out);
    cr_assert_not_null(strstr(r.out, "\nqueue_workers,1000000,0.2,0,,,over the 5 s budget"),
                       "%s", r.out);
    cr_assert_eq(count_lines(r.out), 1 + 2 + 2 + 1 + 1, "%s", r.out);
}

/* Ctrl-C, SIGTERM and SIGHUP: exit 128 + signal within half a second,
 * nothing left running, no "!!!", at the default and at heavy settings. */
Test(item58, every_stop_signal_ends_the_program_cleanly, .timeout = 60)
{
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        run_program_signalled(&r, 20, sigs[i], 0.05, PROGRAM, NULL);
        assert_clean_stop(&r, sigs[i], "the story");
        run_program_signalled(&r, 20, sigs[i], 0.5, PROGRAM, "--part", "io_count", "--rows",
                              "300", "--cols", "300", "--workers", "1000", "--io-ms", "5",
                              "--generations", "2", NULL);
        assert_clean_stop(&r, sigs[i], "90,000 cells, 2,000 threads");
    }
}

Test(item58, every_stop_signal_ends_the_bench_cleanly, .timeout = 60)
{
    int sigs[] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        run_program_signalled(&r, 20, sigs[i], 0.3, BENCH, NULL);
        assert_clean_stop(&r, sigs[i], "the bench");
        run_program_signalled(&r, 20, sigs[i], 0.5, BENCH, "--cells", "100000", "--workers",
                              "1000", "--io-ms", "1", "--rounds", "3", NULL);
        assert_clean_stop(&r, sigs[i], "the bench, 100,000 cells by 1,000 workers");
        run_program_signalled(&r, 20, sigs[i], 0.5, BENCH, "--part", "cells", "--cells",
                              "45,400,2500", "--workers", "5", NULL);
        assert_clean_stop(&r, sigs[i], "the cross-item rows");
    }
}

/* ---- What the README's labs say the student will see ---------------------- */

/* Lab 1: each worker count lands near ceil(400 / W) ms, and never below it. */
Test(item58, lab58_more_workers_less_waiting, .timeout = 30)
{
    const char *workers[] = {"1", "5", "20"};
    double floor_ms[] = {400, 80, 20};
    for (int i = 0; i < 3; i++) {
        run_program(&r, 20, PROGRAM, "--part", "time", "--workers", workers[i], "--rows", "20",
                    "--cols", "20", "--generations", "1", NULL);
        cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
        double ms = ms_per_generation(r.out, 0);
        cr_assert_geq(ms, floor_ms[i], "%s workers: %g ms, under the %g ms floor", workers[i], ms,
                      floor_ms[i]);
    }
}

/* Lab 3: with no I/O, a generation costs only its hand-offs; the time is
 * shown in ms with three significant digits (not hidden in decimals of a
 * second). How 5 workers compare with 1 is the lab's question: load moves
 * it, so it is not checked here. */
Test(item58, lab58_no_io_times_in_milliseconds, .timeout = 30)
{
    const char *workers[] = {"1", "5"};
    const char *threads[] = {"; 2 threads alive", "; 6 threads alive"};
    for (int i = 0; i < 2; i++) {
        run_program(&r, 20, PROGRAM, "--part", "time", "--workers", workers[i], "--rows", "20",
                    "--cols", "20", "--io-ms", "0", "--generations", "50", NULL);
        cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
        cr_assert_gt(ms_per_generation(r.out, 0), 0, "%s", r.out);
        cr_assert_not_null(strstr(r.out, "x 0 ms = 0 ms"), "%s", r.out);
        cr_assert_not_null(strstr(r.out, threads[i]), "%s", r.out);
    }
}

/* Lab 4: the second version waits twice per cell, in two stages: never
 * below ceil(400 / 5) + 1 waits; 5 + 5 workers. */
Test(item58, lab58_three_queues_wait_in_two_stages, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "io_count", "--rows", "20", "--cols", "20",
                "--generations", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    double three = ms_per_generation(r.out, 0);
    cr_assert_geq(three, 81, "3 queues: %g ms, under the 81 ms floor", three);
    cr_assert_not_null(strstr(r.out, "; 11 threads alive"), "%s", r.out);
}

/* Lab 5: the error names its cell and ends the program with status 3. */
Test(item58, lab58_the_error_names_its_cell, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "error", "--fail-cell", "0,0", NULL);
    cr_assert_eq(r.exit_code, 3, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "simulation error at (0, 0): Input/output error"), "%s",
                       r.out);
}
