/* test_56_game_of_life.c - Item 56's program, run as a user would run it.
 *
 * Every timed run checks its grid against the no-I/O reference and exits 1
 * ("!!!") on a mismatch, so exit status 0 means "correct". The book's grid
 * is checked against generations worked out by hand. No test looks at a time. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "56_game_of_life"

Test(item56, the_book_grid_printed_side_by_side, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--io-ms", "0", "--rounds", "1", NULL);
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

Test(item56, every_grid_size_matches_the_reference, .timeout = 30)
{
    /* Tiny grids too, where the torus wraps a cell onto itself. */
    run_program(&r, 20, PROGRAM, "--csv", "--io-ms", "0", "--rows", "1,2,3,5,40,7", "--cols",
                "1,2,3,9,60,1", "--generations", "6", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2 * (1 + 6), "%s", r.out);
    cr_assert(strncmp(r.out,
                      "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,"
                      "peak_rss_kib,threads_peak\n",
                      strlen("variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,"
                             "peak_rss_kib,threads_peak\n")) == 0,
              "%s", r.out);
    cr_assert_eq(csv_number(r.out, "cells", "2400", "rows"), 40);
    cr_assert_eq(csv_number(r.out, "cells", "2400", "workers"), 1);
    cr_assert_eq(csv_number(r.out, "cells", "2400", "threads_peak"), 1);
}

Test(item56, a_small_latency_run_checks_itself, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--io-ms", "0.2", "--rows", "4", "--cols", "5",
                "--generations", "2", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "variant", "serial", "cells"), 20);
    cr_assert_eq(csv_number(r.out, "variant", "one_call", "cells"), 1);
}

Test(item56, bad_flags_exit_2, .timeout = 30)
{
    const char *bad[][4] = {
        {"--rows", "0"},           {"--rows", "-3"},        {"--cols", "1001"},
        {"--rows", "100000"},      {"--generations", "0"},  {"--io-ms", "-1"},
        {"--io-ms", "5000"},       {"--rounds", "0"},       {"--rows", "x"},
        {"--no-such-flag", NULL},  {"--rows", "2,3,4", "--cols", "1,2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL);
        cr_assert_eq(r.exit_code, 2, "%s %s: exit %d, stderr: %s", bad[i][0],
                     bad[i][1] ? bad[i][1] : "", r.exit_code, r.err);
        cr_assert_null(strstr(r.err, "!!!"), "%s", r.err);
        cr_assert_eq(count_lines(r.err), 1, "one line expected: %s", r.err);
    }
}
