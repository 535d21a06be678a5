/* test_60_coroutines.c - Item 60's program and bench, run as a user would.
 *
 * Every grid the program computes is checked by the program itself against
 * the serial reference (exit 1 with "!!!" otherwise); here the glider is
 * checked independently, against its known shape four generations on. The
 * only times looked at are lower bounds (a timer never fires early, a
 * blocking wait never ends early), which no load can break. Tests named
 * lab60_* check what the README's labs tell the student to expect. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct run_result r;

#define PROGRAM "60_coroutines"
#define BENCH "60_coroutines-bench"

/* Column `col` (0-based) of the printed generations, row by row. */
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

/* The "(N.NNx the latency)" of the line for `cells` cells. */
static double times_latency(const char *out, long cells)
{
    char key[32];
    snprintf(key, sizeof key, "%7ld cells: ", cells);
    const char *line = strstr(out, key);
    cr_assert_not_null(line, "no line for %ld cells: %s", cells, out);
    const char *x = strstr(line, "(");
    cr_assert_not_null(x, "%s", line);
    return atof(x + 1);
}

Test(item60, the_glider_moves_one_cell_diagonally_in_four_generations, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "grid", "--generations", "4", "--io-ms", "5", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* The book's glider at (0,3) (1,4) (2,2) (2,3) (2,4), worked out by hand:
     * after four generations the same shape, one row down, one column right. */
    const char *want[5] = {"---------", "----*----", "-----*---", "---***---", "---------"};
    char got[5][16];
    printed_column(r.out, 4, 5, got);
    for (int y = 0; y < 5; y++)
        cr_assert_str_eq(got[y], want[y], "row %d of generation 4", y);
    cr_assert_not_null(strstr(r.out, "equal to the serial grid"), "%s", r.out);
    cr_assert_geq(times_latency(r.out, 45), 1.0, "a timer fired early: %s", r.out);
}

Test(item60, the_error_names_the_failing_cell, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "grid", "--io-ms", "5", "--fail-cell", "2,3", NULL);
    cr_assert_eq(r.exit_code, 3, "stderr: %s", r.err); /* exit 3: a cell's error, as 58 and 59 */
    cr_assert_not_null(strstr(r.err, "simulation error at (2, 3)"), "stderr: %s", r.err);
    cr_assert_null(strstr(r.err, "!!!"), "stderr: %s", r.err);
    /* A corner of a larger grid, one of 600 coroutines. */
    run_program(&r, 20, PROGRAM, "--part", "grid", "--rows", "20", "--cols", "30", "--io-ms",
                "5", "--fail-cell", "19,29", NULL);
    cr_assert_eq(r.exit_code, 3, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "simulation error at (19, 29)"), "stderr: %s", r.err);
}

Test(item60, ninety_thousand_coroutines_at_once_give_the_serial_grid, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--part", "many", "--cells", "45,90000", "--io-ms", "20", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_geq(times_latency(r.out, 90000), 1.0, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "  90000 cells: "), "%s", r.out);
}

/* Lab 2: a blocking call where the await goes makes the cells wait in turn:
 * 45 cells take at least 45 latencies (a blocking wait never ends early). */
Test(item60, lab60_blocking_cells_wait_one_after_another, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "blocking", "--io-ms", "4", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_geq(times_latency(r.out, 45), 45.0, "%s", r.out);
}

/* Lab 1: at 10 ms, a million cells take several latencies; at 1000 ms about
 * one. Only what no load can change is checked: each at least one latency,
 * and the million-cell line printed with its grid equal to the serial one. */
Test(item60, lab60_a_million_cells_pay_their_starts_once, .timeout = 40)
{
    run_program(&r, 30, PROGRAM, "--part", "many", "--cells", "45,1000000", "--io-ms", "10", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_geq(times_latency(r.out, 45), 1.0, "%s", r.out);
    cr_assert_geq(times_latency(r.out, 1000000), 1.0, "%s", r.out);
}

/* Lab 3: the first cell started raises, yet the error reaches the awaiter
 * only once every cell of that generation has finished: after one latency
 * at least (a lower bound), and the program stops there, exit 3. */
Test(item60, lab60_the_error_comes_back_after_its_generation, .timeout = 30)
{
    double t0 = now_s();
    run_program(&r, 20, PROGRAM, "--part", "grid", "--rows", "100", "--cols", "100",
                "--generations", "3", "--io-ms", "200", "--fail-cell", "0,0", NULL);
    double took = now_s() - t0;
    cr_assert_eq(r.exit_code, 3, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "simulation error at (0, 0)"), "stderr: %s", r.err);
    cr_assert_null(strstr(r.out, "equal to the serial grid"), "%s", r.out);
    cr_assert_geq(took, 0.2, "the error came back after %.3f s, before its generation ended", took);
}

Test(item60, bad_flags_exit_2, .timeout = 30)
{
    const char *bad[][11] = {
        {"--rows", "0"},
        {"--cols", "3000"},
        {"--io-ms", "-1"},
        {"--io-ms", "1001"},
        {"--generations", "0"},
        {"--fail-cell", "5,0"}, /* row 5 of a 5-row grid */
        {"--fail-cell", "1"},
        {"--fail-cell", "-1,3"},
        {"--fail-cell", "2,3", "--part", "many"},
        {"--part", "fast"},
        {"--cells", "0"},
        {"--cells", "5000000"},
        {"--bogus"},
        /* issue 14: heavy settings are refused, not run for minutes */
        {"--part", "grid", "--rows", "2048", "--cols", "2048", "--io-ms", "1000", "--generations", "1000"},
        {"--part", "blocking", "--rows", "100", "--cols", "100", "--io-ms", "10"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4],
                    bad[i][5], bad[i][6], bad[i][7], bad[i][8], bad[i][9], bad[i][10], NULL);
        assert_one_line_usage_error(&r, bad[i][0]);
    }
}

/* ---- Every way out is clean (issue 14) --------------------------------------- */

/* Issue 14: Ctrl-C during the grid part printed "!!! ... differs from the
 * serial reference" (the interrupted fan-out started no cells and the partial
 * grid was compared), or ended with exit 0. An interrupted run is exit
 * 128 + signal and nothing else, at any moment of the four generations. */
Test(item60, an_interrupted_grid_is_only_interrupted, .timeout = 60)
{
    const double moments[] = {0.02, 0.09, 0.15, 0.21, 0.3, 0.37};
    for (size_t i = 0; i < sizeof moments / sizeof moments[0]; i++) {
        int sig = i % 2 ? SIGTERM : SIGINT;
        run_program_signalled(&r, 20, sig, moments[i], PROGRAM, "--part", "grid", NULL);
        assert_clean_stop(&r, sig, "60_coroutines --part grid");
        cr_assert_null(strstr(r.out, "equal to the serial grid"), "a result after the stop: %s",
                       r.out);
    }
}

Test(item60, ctrl_c_and_sigterm_stop_the_story_cleanly, .timeout = 60)
{
    run_program_signalled(&r, 20, SIGINT, 0.5, PROGRAM, NULL);
    assert_clean_stop(&r, SIGINT, "60_coroutines");
    run_program_signalled(&r, 20, SIGTERM, 1.0, PROGRAM, NULL); /* inside the blocking part */
    assert_clean_stop(&r, SIGTERM, "60_coroutines, blocking");
    /* Heavy settings: four million coroutines waiting a second each. */
    run_program_signalled(&r, 30, SIGINT, 0.6, PROGRAM, "--part", "many", "--cells", "4000000",
                          "--io-ms", "1000", NULL);
    assert_clean_stop(&r, SIGINT, "60_coroutines --part many --cells 4000000 --io-ms 1000");
    run_program_signalled(&r, 30, SIGTERM, 0.3, PROGRAM, "--part", "grid", "--rows", "1000",
                          "--cols", "1000", "--io-ms", "1000", "--generations", "25", NULL);
    assert_clean_stop(&r, SIGTERM, "60_coroutines --part grid, 1000 x 1000, 1000 ms");
}

/* ---- The bench --------------------------------------------------------------- */

Test(item60, bench_cells_rows_follow_the_cross_item_contract, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "cells", "--cells", "45,400", "--io-ms", "1",
                "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(strncmp(r.out, "approach,cells,latency_ms,round,gen_s,rss_kib,note\n", 51), 0,
                 "%s", r.out);
    cr_assert_eq(count_lines(r.out), 1 + 2 * 2, "%s", r.out);
    cr_assert_geq(csv_number(r.out, "cells", "400", "gen_s"), 0.001, "%s", r.out);
    cr_assert_gt(csv_number(r.out, "cells", "400", "rss_kib"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "cells", "400", "latency_ms"), 1, "%s", r.out);
    /* Sizes over the budgets are not run: one row each, round 0, with why. */
    run_program(&r, 20, BENCH, "--part", "cells", "--cells", "45,4194304", "--io-ms", "1000",
                "--rounds", "100", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 3, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "coroutines,45,1000,0,,,over the 20 s budget in all"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "coroutines,4194304,1000,0,,,over the 5 s budget per generation"),
                       "%s", r.out);
}

Test(item60, bench_grid_and_blocking_rows, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "grid", "--cells", "45,10000", "--io-ms", "5",
                "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 5, "%s", r.out);
    cr_assert_geq(csv_number(r.out, "cells", "10000", "gen_s"), 0.005, "%s", r.out);
    run_program(&r, 20, BENCH, "--part", "blocking", "--cells", "45,90", "--io-ms", "1",
                "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_geq(csv_number(r.out, "cells", "90", "gen_s"), 0.090, "%s", r.out);
    char design[32];
    cr_assert(csv_field(r.out, "cells", "90", "design", design, sizeof design));
    cr_assert_str_eq(design, "blocking");
}

Test(item60, bench_costs_rows_one_per_design, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "costs", "--tasks", "20000", "--stacks", "200",
                "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 5, "%s", r.out);
    /* The frame holds its libevent event, so it is larger than one. */
    cr_assert_gt(csv_number(r.out, "design", "coroutine", "bytes_frame"),
                 (double)event_get_struct_event_size(), "%s", r.out);
    cr_assert_gt(csv_number(r.out, "design", "coroutine", "bytes_rss"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "design", "stackful", "bytes_reserved"), 65536, "%s", r.out);
    cr_assert_gt(csv_number(r.out, "design", "thread", "bytes_reserved"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "design", "thread", "tasks"), 200, "%s", r.out);
}

/* Lab 4: --extra-bytes grows every waiting coroutine by as much. */
Test(item60, lab60_bigger_frames_cost_their_bytes, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "costs", "--tasks", "100000", "--stacks", "10",
                "--rounds", "1", "--extra-bytes", "512", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    double frame = csv_number(r.out, "design", "coroutine", "bytes_frame");
    cr_assert_eq(frame, 152 + 512, "%s", r.out);
    cr_assert_geq(csv_number(r.out, "design", "coroutine", "bytes_rss"), frame, "%s", r.out);
}

Test(item60, bench_error_reaches_the_awaiter_unless_detached, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "error", "--io-ms", "5", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "design", "gathered", "awaiter_error"), 5 /* EIO */, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "design", "gathered", "err_y"), 2, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "design", "gathered", "err_x"), 3, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "design", "detached", "awaiter_error"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "design", "detached", "cell_error"), 5, "the cell did fail: %s", r.out);
}

Test(item60, bench_limits_name_the_kernel_limits, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "limits", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_gt(csv_number(r.out, "limit", "pid_max", "value"), 0, "%s", r.out);
    cr_assert_gt(csv_number(r.out, "limit", "mem_available_kib", "value"), 0, "%s", r.out);
    cr_assert_gt(csv_number(r.out, "limit", "stack_reserved_kib", "value"), 0, "%s", r.out);
}

Test(item60, bench_bad_flags_exit_2, .timeout = 30)
{
    const char *bad[][11] = {
        {"--part", "everything"},
        {"--tasks", "0"},
        {"--stacks", "20001"},
        {"--rounds", "101"},
        {"--extra-bytes", "-1"},
        {"--cells", "1,2,x"},
        {"--csv"},
        {"--part", "blocking", "--cells", "1000000", "--io-ms", "1000"},
        {"--part", "grid", "--cells", "4194304", "--io-ms", "1000", "--rounds", "100"},
        {"--part", "costs", "--tasks", "4000000", "--stacks", "20000", "--rounds", "100"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, BENCH, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4],
                    bad[i][5], bad[i][6], bad[i][7], bad[i][8], bad[i][9], bad[i][10], NULL);
        assert_one_line_usage_error(&r, bad[i][0]);
    }
}

Test(item60, bench_stops_cleanly_on_ctrl_c_and_sigterm, .timeout = 60)
{
    /* Default settings: a million coroutines, ten thousand threads. */
    run_program_signalled(&r, 30, SIGINT, 0.3, BENCH, NULL);
    assert_clean_stop(&r, SIGINT, "60_coroutines-bench");
    run_program_signalled(&r, 30, SIGTERM, 0.8, BENCH, NULL);
    assert_clean_stop(&r, SIGTERM, "60_coroutines-bench, later");
    /* Heavy settings of each part. */
    run_program_signalled(&r, 30, SIGINT, 0.5, BENCH, "--part", "costs", "--tasks", "4000000",
                          "--stacks", "20000", NULL);
    assert_clean_stop(&r, SIGINT, "bench --part costs, heavy");
    run_program_signalled(&r, 30, SIGTERM, 0.5, BENCH, "--part", "cells", "--io-ms", "1000",
                          "--cells", "45,4000000", "--rounds", "4", NULL);
    assert_clean_stop(&r, SIGTERM, "bench --part cells, heavy");
    run_program_signalled(&r, 30, SIGINT, 0.4, BENCH, "--part", "blocking", "--cells", "500",
                          "--io-ms", "100", "--rounds", "1", NULL);
    assert_clean_stop(&r, SIGINT, "bench --part blocking");
    run_program_signalled(&r, 30, SIGTERM, 0.2, BENCH, "--part", "error", "--io-ms", "1000",
                          "--rounds", "10", NULL);
    assert_clean_stop(&r, SIGTERM, "bench --part error");
}
