/* test_64_true_parallelism.c - Item 64's behaviour, run as a user would run it.
 *
 * Every run checks its own answers against the serial ones and exits 1 on a
 * mismatch, so exit status 0 means "correct". No test looks at a time. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "64_true_parallelism"

/* Every CSV row ends with children_left,fds_leaked: both 0, always. */
static void assert_nothing_left(void)
{
    char header[] = "children_left,fds_leaked\n";
    const char *end_of_header = strchr(r.out, '\n');
    cr_assert_not_null(end_of_header, "no CSV header: %s", r.out);
    cr_assert(end_of_header + 1 - r.out >= (long)strlen(header) &&
                  strncmp(end_of_header + 1 - strlen(header), header, strlen(header)) == 0,
              "CSV header does not end with %s: %s", header, r.out);
    int rows = 0;
    for (const char *line = end_of_header + 1; *line; rows++) {
        const char *eol = strchr(line, '\n');
        cr_assert_not_null(eol, "unterminated row: %s", line);
        cr_assert(eol - line > 4 && strncmp(eol - 4, ",0,0", 4) == 0,
                  "a row left something behind: %.*s", (int)(eol - line), line);
        line = eol + 1;
    }
    cr_assert_gt(rows, 0, "no rows: %s", r.out);
}

static void assert_rows(int expected_rows)
{
    cr_assert_eq(count_lines(r.out), 1 + expected_rows, "%s", r.out);
}

Test(item64, every_executor_gives_the_serial_answers, .timeout = 60)
{
    const char *executors[] = {"threads_gil", "threads", "processes"};
    for (int i = 0; i < 3; i++) {
        /* batch 1, an uneven batch, and one larger than the whole job */
        run_program(&r, 40, PROGRAM, "--csv", "--executor", executors[i], "--workers",
                    "1,2,3", "--pairs", "40", "--size", "20000", "--batch", "1,7,1000", NULL);
        cr_assert_eq(r.exit_code, 0, "%s: stderr: %s", executors[i], r.err);
        assert_rows(3 * 3);
        cr_assert_eq(csv_number(r.out, "executor", executors[i], "pairs"), 40);
        assert_nothing_left();
    }
}

Test(item64, serial_alone_reports_one_row, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--executor", "serial", "--pairs", "20", "--size",
                "10000", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(1);
    cr_assert_eq(csv_number(r.out, "executor", "serial", "speedup"), 1);
    assert_nothing_left();
}

Test(item64, more_workers_than_work_are_all_reaped, .timeout = 30)
{
    /* One pair, eight workers: seven never get a message and must still exit. */
    run_program(&r, 20, PROGRAM, "--csv", "--executor", "all", "--workers", "8", "--pairs", "1",
                "--size", "5000", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(4);
    assert_nothing_left();
}

Test(item64, many_small_messages_arrive_whole, .timeout = 60)
{
    /* Thousands of one-pair messages, and large ones that span several
     * pipe buffers (64 KiB): partial reads and writes must be reassembled. */
    run_program(&r, 50, PROGRAM, "--csv", "--executor", "processes", "--workers", "2",
                "--pairs", "20000", "--size", "50", "--batch", "1,20000", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(2);
    assert_nothing_left();
}

Test(item64, the_process_pool_reports_its_shipping, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--executor", "processes", "--workers", "2",
                "--pairs", "200", "--size", "2000", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_gt(csv_number(r.out, "executor", "processes", "ship_s"), 0);
    cr_assert_gt(csv_number(r.out, "executor", "processes", "compute_s"), 0);
    assert_nothing_left();
}

Test(item64, pinned_runs_still_give_the_right_answers, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--pin", "--workers", "2", "--pairs", "30", "--size",
                "20000", "--runs", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(4);
    assert_nothing_left();
}

Test(item64, the_whole_story_runs_clean, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, "--pairs", "30", "--size", "20000", "--workers", "1,2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "threads_gil"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nshipping: "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "leftovers 0 children unreaped, 0 descriptors leaked\n"),
                       "%s", r.out);
}

Test(item64, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *bad[][2] = {
        {"--executor", "fibers"}, {"--workers", "0"},  {"--workers", "1,x"},
        {"--batch", "0"},         {"--pairs", "-5"},   {"--size", "1"},
        {"--runs", "0"},          {"--no-such", "1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], NULL);
        cr_assert_eq(r.exit_code, 2, "%s %s: exit %d, stderr: %s", bad[i][0], bad[i][1],
                     r.exit_code, r.err);
        cr_assert_eq(count_lines(r.err), 1, "%s %s: %s", bad[i][0], bad[i][1], r.err);
        cr_assert_str_eq(r.out, "", "%s %s printed: %s", bad[i][0], bad[i][1], r.out);
    }
}
