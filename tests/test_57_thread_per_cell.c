/* test_57_thread_per_cell.c - Item 57's behaviour, run as a user would run it.
 *
 * Every life run checks its grid against the serial reference and exits 1
 * ("!!!") on a mismatch. The refusal tests lower the address-space limit of
 * the test's own process (Criterion runs each test in a process of its own),
 * which the program inherits: pthread_create then fails with EAGAIN after a
 * few dozen 8 MiB stacks on any machine, root or not. No test looks at a time. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static struct run_result r;

#define PROGRAM "57_thread_per_cell"

static void cap_address_space_mib(long mib)
{
    struct rlimit cap = {.rlim_cur = (rlim_t)mib << 20, .rlim_max = RLIM_INFINITY};
    struct rlimit now;
    cr_assert_eq(getrlimit(RLIMIT_AS, &now), 0);
    cap.rlim_max = now.rlim_max;
    cr_assert_eq(setrlimit(RLIMIT_AS, &cap), 0);
}

Test(item57, thread_per_cell_grid_equals_serial, .timeout = 30)
{
    const char *sizes[][2] = {{"5", "9"}, {"1", "1"}, {"2", "3"}, {"12", "17"}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        run_program(&r, 20, PROGRAM, "--csv", "--part", "life", "--rows", sizes[i][0],
                    "--cols", sizes[i][1], "--io-ms", "0", "--generations", "5", "--rounds",
                    "2", NULL);
        cr_assert_eq(r.exit_code, 0, "%s x %s: stderr: %s", sizes[i][0], sizes[i][1], r.err);
        cr_assert_eq(count_lines(r.out), 1 + 2 * 2, "%s", r.out);
        double cells = csv_number(r.out, "variant", "thread_per_cell", "cells");
        cr_assert_eq(csv_number(r.out, "variant", "thread_per_cell", "workers"), cells);
    }
}

Test(item57, the_book_grid_printed_from_threads, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "life", "--io-ms", "0", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* Generation 4 by hand: generation 0 moved one row down, one column right. */
    const char *row = "--***---- | ---**---- | --*-*---- | ----**--- | -----*---\n"
                      "--------- | ---*----- | ---**---- | ---**---- | ---***---\n";
    cr_assert_not_null(strstr(r.out, row), "%s", r.out);
}

Test(item57, the_error_is_lost_then_carried, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--part", "errors", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* Lost: every join succeeded, the caller saw nothing, the grid is wrong
     * at (2, 3), which is alive in generation 1 (worked out by hand). */
    cr_assert_eq(csv_number(r.out, "variant", "lost", "threads"), 45);
    cr_assert_eq(csv_number(r.out, "variant", "lost", "join_failures"), 0);
    cr_assert_eq(csv_number(r.out, "variant", "lost", "errors_seen"), 0);
    cr_assert_eq(csv_number(r.out, "variant", "lost", "grid_correct"), 0);
    /* ...though the thread did print it, as CPython's runtime does. */
    cr_assert_not_null(strstr(r.err, "Exception in thread for cell (2, 3)"), "%s", r.err);
    /* Carried: the caller sees the error and the cell. */
    cr_assert_eq(csv_number(r.out, "variant", "carried", "errors_seen"), 1);
    cr_assert_eq(csv_number(r.out, "variant", "carried", "error_y"), 2);
    cr_assert_eq(csv_number(r.out, "variant", "carried", "error_x"), 3);
}

Test(item57, refusal_reaches_a_count_and_joins_everything, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--part", "refuse", "--max-threads", "500",
                "--cap-as-mib", "64", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    char stopped[32], error[64];
    cr_assert(csv_field(r.out, "mode", "capped_as", "stopped_by", stopped, sizeof stopped));
    cr_assert_str_eq(stopped, "refused");
    cr_assert(csv_field(r.out, "mode", "capped_as", "error", error, sizeof error));
    cr_assert_str_neq(error, "none");
    double started = csv_number(r.out, "mode", "capped_as", "started");
    cr_assert(started >= 1 && started < 500, "started %g", started);
    cr_assert_eq(csv_number(r.out, "mode", "capped_as", "joined"), started);
    /* Uncapped, 500 is far below any ceiling: the bound comes first. */
    cr_assert_eq(csv_number(r.out, "mode", "natural", "started"), 500);
    cr_assert_eq(csv_number(r.out, "mode", "natural", "joined"), 500);
}

Test(item57, refused_mid_generation_exits_cleanly, .timeout = 30)
{
    /* 10,000 threads per generation under a 400 MiB address space: refused
     * after a few dozen; the program joins those and says so, no crash.
     * AddressSanitizer reserves terabytes of shadow at start, so an
     * instrumented program cannot start under any such cap. */
    if (getenv("ASAN_OPTIONS") != NULL)
        cr_skip_test("a capped address space leaves no room for ASan's shadow memory");
    cap_address_space_mib(400);
    run_program(&r, 20, PROGRAM, "--part", "life", "--rows", "100", "--cols", "100",
                "--io-ms", "1", "--generations", "1", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 1, "exit %d, stderr: %s", r.exit_code, r.err);
    cr_assert_eq(r.signal, 0);
    cr_assert_not_null(strstr(r.err, "refused thread"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "were joined"), "%s", r.err);
    cr_assert_null(strstr(r.err, "!!!"), "%s", r.err);

    /* The memory part stops at the refusal too, and reports it. */
    run_program(&r, 20, PROGRAM, "--csv", "--part", "memory", "--threads", "2000", "--rounds",
                "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    double started = csv_number(r.out, "threads", "2000", "started");
    cr_assert(started >= 1 && started < 2000, "started %g", started);
}

Test(item57, memory_reserves_a_stack_per_thread, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--part", "memory", "--threads", "200", "--rounds",
                "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    struct rlimit stack;
    cr_assert_eq(getrlimit(RLIMIT_STACK, &stack), 0);
    double reserved = csv_number(r.out, "threads", "200", "reserved_kib");
    if (stack.rlim_cur != RLIM_INFINITY) /* glibc's default stack: RLIMIT_STACK */
        cr_assert_eq(reserved, (double)(stack.rlim_cur / 1024));
    cr_assert_eq(csv_number(r.out, "threads", "200", "started"), 200);
    cr_assert_geq(csv_number(r.out, "threads", "200", "threads_alive"), 201);
}

Test(item57, bad_flags_exit_2, .timeout = 30)
{
    const char *bad[][4] = {
        {"--rows", "0"},          {"--rows", "-1"},          {"--cols", "1001"},
        {"--rows", "101", "--cols", "100"},                  {"--threads", "0"},
        {"--threads", "100001"},  {"--max-threads", "0"},    {"--max-threads", "100001"},
        {"--part", "bogus"},      {"--io-ms", "-1"},         {"--generations", "0"},
        {"--cap-as-mib", "-5"},   {"--no-such-flag", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL);
        cr_assert_eq(r.exit_code, 2, "%s %s: exit %d, stderr: %s", bad[i][0],
                     bad[i][1] ? bad[i][1] : "", r.exit_code, r.err);
        cr_assert_eq(count_lines(r.err), 1, "one line expected: %s", r.err);
        cr_assert_null(strstr(r.err, "!!!"), "%s", r.err);
    }
}
