/* test_56_game_of_life.c - Item 56's program and bench, run as a user would.
 *
 * Every timed generation checks its grid against the no-I/O reference and
 * exits 1 ("!!!") on a mismatch, so exit status 0 means "correct". The
 * book's grid is checked against generations worked out by hand. The only
 * times looked at are lower bounds: a sleep is never shorter than asked. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "56_game_of_life"
#define BENCH "56_game_of_life-bench"

/* The figure after `label` in the program's output, e.g. "measured". */
static double number_before(const char *text, const char *label)
{
    const char *p = strstr(text, label);
    cr_assert_not_null(p, "no '%s' in:\n%s", label, text);
    while (p > text && p[-1] == ' ')
        p--;
    while (p > text && strchr("0123456789.eE+-", p[-1]) != NULL)
        p--;
    double x = 0;
    cr_assert_eq(sscanf(p, "%lf", &x), 1, "no number before '%s' in:\n%s", label, text);
    return x;
}

Test(item56, the_book_grid_printed_side_by_side, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--io-ms", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* The glider's four phases, by hand from the rules; generation 4 is
     * generation 0 moved one row down and one column right. */
    const char *book = "    0     |     1     |     2     |     3     |     4\n"
                       "---*----- | --------- | --------- | --------- | ---------\n"
                       "----*---- | --*-*---- | ----*---- | ---*----- | ----*----\n"
                       "--***---- | ---**---- | --*-*---- | ----**--- | -----*---\n"
                       "--------- | ---*----- | ---**---- | ---**---- | ---***---\n"
                       "--------- | --------- | --------- | --------- | ---------\n";
    cr_assert_not_null(strstr(r.out, book), "the book's generations not found in:\n%s", r.out);
    cr_assert_not_null(strstr(r.out, "fan-out"), "%s", r.out);
}

Test(item56, a_generation_takes_at_least_cells_x_latency, .timeout = 30)
{
    /* 4 x 5 cells at 5 ms: at least 0.1 s, since no sleep is shorter. */
    run_program(&r, 20, PROGRAM, "--rows", "4", "--cols", "5", "--io-ms", "5", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "20 cells x 5 ms = 0.100 s predicted"), "%s", r.out);
    double measured = number_before(r.out, "s measured");
    cr_assert_geq(measured, 0.1, "measured %g s for 20 waits of 5 ms:\n%s", measured, r.out);
}

Test(item56, tiny_and_odd_grids_match_the_reference, .timeout = 30)
{
    /* Grids where the torus wraps a cell onto itself or its neighbours. */
    const char *sizes[][2] = {{"1", "1"}, {"1", "2"}, {"2", "3"}, {"3", "3"}, {"7", "1"}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        run_program(&r, 20, PROGRAM, "--rows", sizes[i][0], "--cols", sizes[i][1], "--io-ms",
                    "0.1", "--generations", "6", NULL);
        cr_assert_eq(r.exit_code, 0, "%s x %s: stderr: %s", sizes[i][0], sizes[i][1], r.err);
    }
}

Test(item56, bench_sweep_rows_and_budget_notes, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "cells", "--cells", "1,2,45,400,100000", "--io-ms",
                "0.2", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* The chapter's cross-item columns first, then this bench's own. */
    const char *header = "approach,cells,latency_ms,round,gen_s,rss_kib,note,rows,cols,runq_s\n";
    cr_assert(strncmp(r.out, header, strlen(header)) == 0, "%s", r.out);
    /* 4 sizes x 2 rounds, then 100,000 cells x 0.2 ms = 20 s: over 5 s a generation. */
    cr_assert_eq(count_lines(r.out), 1 + 4 * 2 + 1, "%s", r.out);
    char note[128];
    cr_assert(csv_field(r.out, "cells", "100000", "note", note, sizeof note));
    cr_assert_not_null(strstr(note, "over the 5 s budget per generation"), "%s", note);
    cr_assert_eq(csv_number(r.out, "cells", "100000", "round"), 0);
    cr_assert_eq(csv_number(r.out, "cells", "400", "rows"), 20);
    cr_assert_eq(csv_number(r.out, "cells", "400", "cols"), 20);
    cr_assert_eq(csv_number(r.out, "cells", "100000", "rows"), 250);
    cr_assert_geq(csv_number(r.out, "cells", "400", "runq_s"), 0);
    cr_assert_geq(csv_number(r.out, "cells", "400", "gen_s"), 400 * 0.2e-3);
    cr_assert_gt(csv_number(r.out, "cells", "400", "rss_kib"), 0);
    char approach[32];
    cr_assert(csv_field(r.out, "cells", "45", "approach", approach, sizeof approach));
    cr_assert_str_eq(approach, "serial");
}

Test(item56, bench_sweep_keeps_all_rounds_under_20_s, .timeout = 30)
{
    /* 4,900 cells at 1 ms: 4.9 s a generation fits 5 s, but 5 rounds of it
     * would not fit the sweep's 20 s: left out, with the reason. */
    run_program(&r, 20, BENCH, "--part", "cells", "--cells", "45,4900", "--io-ms", "1",
                "--rounds", "5", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 5 + 1, "%s", r.out);
    char note[128];
    cr_assert(csv_field(r.out, "cells", "4900", "note", note, sizeof note));
    cr_assert_not_null(strstr(note, "budget of the sweep"), "%s", note);
}

Test(item56, bench_overlapped_and_book_parts, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "overlapped", "--cells", "45,2500,100000", "--io-ms",
                "5", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 3, "%s", r.out);
    /* Every reply is due 5 ms after the start: no generation is shorter, and
     * none waits anything like 2,500 x 5 ms = 12.5 s (a generous bound). */
    cr_assert_geq(csv_number(r.out, "cells", "2500", "gen_s"), 0.005);
    cr_assert_lt(csv_number(r.out, "cells", "2500", "gen_s"), 2.0);

    run_program(&r, 20, BENCH, "--part", "book", "--io-ms", "2", "--rounds", "2",
                "--lone-calls", "3", "--lone-ms", "0.5", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2 * (3 + 2), "%s", r.out);
    cr_assert_geq(csv_number(r.out, "variant", "serial", "gen_s"), 45 * 0.002);
    cr_assert_eq(csv_number(r.out, "variant", "one_call", "io_ms"), 0.5);
    cr_assert_geq(csv_number(r.out, "variant", "one_call", "gen_s"), 0.0005);
}

Test(item56, bad_flags_exit_2, .timeout = 30)
{
    const char *program_bad[][4] = {
        {"--rows", "0"},        {"--rows", "-3"},           {"--cols", "1001"},
        {"--rows", "5,10"},     {"--generations", "0"},     {"--io-ms", "-1"},
        {"--io-ms", "5000"},    {"--io-ms", "1e9"},         {"--rows", "x"},
        {"--no-such-flag", NULL}, {"--csv", NULL},          {"--part", "cells"},
        {"--rows", "100", "--cols", "100"}, /* 10,000 x 100 ms: 1000 s */
    };
    for (size_t i = 0; i < sizeof program_bad / sizeof program_bad[0]; i++) {
        const char *const *a = program_bad[i];
        run_program(&r, 10, PROGRAM, a[0], a[1], a[2], a[3], NULL);
        assert_one_line_usage_error(&r, a[0]);
    }
    const char *bench_bad[][4] = {
        {"--part", "bogus"},    {"--cells", "0"},           {"--cells", "45,45"},
        {"--cells", "400,45"},  {"--cells", "1,,2"},        {"--io-ms", "0"},
        {"--rounds", "0"},      {"--rounds", "21"},         {"--lone-calls", "-1"},
        {"--lone-ms", "0"},     {"--csv", NULL},            {"--rows", "5"},
        {"--part", "book", "--io-ms", "1000"}, /* 3 rounds x 46 s */
    };
    for (size_t i = 0; i < sizeof bench_bad / sizeof bench_bad[0]; i++) {
        const char *const *a = bench_bad[i];
        run_program(&r, 10, BENCH, a[0], a[1], a[2], a[3], NULL);
        assert_one_line_usage_error(&r, a[0]);
    }
}

/* ---- Every way out is clean ------------------------------------------------ */

Test(item56, program_stops_cleanly_on_sigint_and_sigterm, .timeout = 60)
{
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < 3; i++) {
        /* The default run (the book's 4.5 s generation), in the middle of it. */
        run_program_signalled(&r, 20, sigs[i], 0.5, PROGRAM, NULL);
        assert_clean_stop(&r, sigs[i], "56 default");
        cr_assert_null(strstr(r.out, "measured"), "an interrupted run gave a figure:\n%s", r.out);
        /* Heavy: 6,000 cells, 10 ms each (60 s), and 1 s waits (45 s). */
        run_program_signalled(&r, 20, sigs[i], 0.3, PROGRAM, "--rows", "60", "--cols", "100",
                              "--io-ms", "10", NULL);
        assert_clean_stop(&r, sigs[i], "56 heavy, 6000 cells");
        run_program_signalled(&r, 20, sigs[i], 0.3, PROGRAM, "--io-ms", "1000", NULL);
        assert_clean_stop(&r, sigs[i], "56 heavy, 1 s waits");
    }
}

Test(item56, bench_stops_cleanly_on_sigint_and_sigterm, .timeout = 60)
{
    const int sigs[] = {SIGINT, SIGTERM};
    for (size_t i = 0; i < 2; i++) {
        run_program_signalled(&r, 20, sigs[i], 0.5, BENCH, NULL);
        assert_clean_stop(&r, sigs[i], "56 bench default");
        run_program_signalled(&r, 20, sigs[i], 0.5, BENCH, "--part", "book", "--io-ms", "400",
                              "--rounds", "3", NULL);
        assert_clean_stop(&r, sigs[i], "56 bench book, 400 ms");
        run_program_signalled(&r, 20, sigs[i], 0.2, BENCH, "--part", "overlapped", "--cells",
                              "1000000,2000000,4000000", "--rounds", "20", NULL);
        assert_clean_stop(&r, sigs[i], "56 bench overlapped, millions of cells");
    }
}

/* ---- What the README's labs say a student will see ------------------------ */

Test(item56, lab56_refuses_the_books_10000_cells, .timeout = 30)
{
    run_program(&r, 10, PROGRAM, "--rows", "100", "--cols", "100", NULL);
    assert_one_line_usage_error(&r, "10,000 cells at 100 ms");
    cr_assert_not_null(strstr(r.err, "1000 s"), "%s", r.err);
}

Test(item56, lab56_the_glider_after_20_generations, .timeout = 30)
{
    /* Generation 20: the glider moved 5 rows (all the way round) and 5
     * columns right, across the right edge (worked out from generation 0). */
    run_program(&r, 10, PROGRAM, "--io-ms", "0", "--generations", "20", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    const char *band = "   18     |    19     |    20\n"
                       "--------* | -------*- | --------*\n"
                       "------*-* | *-------* | *--------\n"
                       "-------** | -------** | *------**\n";
    cr_assert_not_null(strstr(r.out, band), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "45 cells with no I/O"), "%s", r.out);
}

Test(item56, lab56_short_waits_are_never_shorter_than_asked, .timeout = 30)
{
    run_program(&r, 10, PROGRAM, "--io-ms", "0.05", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_geq(number_before(r.out, "x the prediction"), 1.0, "%s", r.out);
}
