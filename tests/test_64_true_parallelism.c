/* test_64_true_parallelism.c - Item 64's behaviour, run as a user would run it.
 *
 * Every run checks its answers against Euclid's algorithm, and every executor
 * first against hand-checked pairs, and exits 1 on a mismatch: exit status 0
 * means "correct". No test looks at a time. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

Test(item64, every_executor_gives_the_right_answers, .timeout = 60)
{
    const char *executors[] = {"threads_gil", "threads", "processes"};
    for (int i = 0; i < 3; i++) {
        /* batch 1, an uneven batch, and one larger than the whole job; two
         * rounds of serial + 3 x 3 configurations */
        run_program(&r, 40, PROGRAM, "--csv", "--executor", executors[i], "--workers",
                    "1,2,3", "--pairs", "40", "--size", "20000", "--batch", "1,7,1000",
                    "--rounds", "2", NULL);
        cr_assert_eq(r.exit_code, 0, "%s: stderr: %s", executors[i], r.err);
        assert_rows(2 * (1 + 3 * 3));
        cr_assert_eq(csv_number(r.out, "executor", executors[i], "pairs"), 40);
        assert_nothing_left();
    }
}

Test(item64, the_story_shows_the_hand_checked_answers, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, "--executor", "threads", "--workers", "2", "--pairs", "10",
                "--size", "20000", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* 1071 = 3^2 x 7 x 17, 462 = 2 x 3 x 7 x 11: the gcd is 3 x 7. */
    cr_assert_not_null(strstr(r.out, "gcd(1071, 462) = 21"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "gcd(5000000, 3750000) = 1250000"), "%s", r.out);
}

Test(item64, rounds_interleave_serial_and_every_pool, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--workers", "2", "--pairs", "8", "--size", "10000",
                "--rounds", "3", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(3 * 4);
    /* Row order: round 1 (serial, threads_gil, threads, processes), round 2, ... */
    const char *expected[] = {"serial,", "threads_gil,", "threads,", "processes,"};
    const char *line = strchr(r.out, '\n') + 1;
    for (int row = 0; row < 12; row++) {
        cr_assert(strncmp(line, expected[row % 4], strlen(expected[row % 4])) == 0,
                  "row %d: %.40s", row, line);
        char round[8];
        snprintf(round, sizeof round, ",%d,", row / 4 + 1);
        cr_assert_not_null(strstr(line, round), "row %d should be round %d: %.60s", row,
                           row / 4 + 1, line);
        line = strchr(line, '\n') + 1;
    }
}

Test(item64, serial_alone_reports_one_row_a_round, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--executor", "serial", "--pairs", "20", "--size",
                "10000", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(2);
    cr_assert_eq(csv_number(r.out, "executor", "serial", "pairs"), 20);
    cr_assert_eq(csv_number(r.out, "executor", "serial", "size"), 10000);
    assert_nothing_left();
}

/* Ctrl-C in the middle of a long run: exit 130 within a second, every
 * worker process reaped (they are in the program's process group). */
Test(item64, ctrl_c_stops_every_executor_promptly, .timeout = 30)
{
    const char *executors[] = {"serial", "threads_gil", "threads", "processes"};
    for (int i = 0; i < 4; i++) {
        pid_t child = fork();
        cr_assert_geq(child, 0);
        if (child == 0) {
            setpgid(0, 0);
            char path[512];
            snprintf(path, sizeof path, "%s/" PROGRAM, getenv("CONCLAB_BIN"));
            if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
                _exit(126);
            /* small numbers, many pairs: Ctrl-C must be seen between pairs */
            execl(path, path, "--csv", "--executor", executors[i], "--workers", "2",
                  "--pairs", "10000000", "--size", "2000", "--rounds", "100", (char *)NULL);
            _exit(127);
        }
        setpgid(child, child);
        struct timespec wait = {0, 300 * 1000 * 1000};
        nanosleep(&wait, NULL);
        cr_assert_eq(kill(-child, SIGINT), 0);
        int status = 0;
        pid_t done = 0;
        for (int tries = 0; tries < 100 && done == 0; tries++) {
            done = waitpid(child, &status, WNOHANG);
            if (done == 0) {
                struct timespec tick = {0, 10 * 1000 * 1000};
                nanosleep(&tick, NULL);
            }
        }
        if (done == 0) {
            kill(-child, SIGKILL);
            waitpid(child, &status, 0);
            cr_assert_fail("%s: still running 1 s after Ctrl-C", executors[i]);
        }
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "%s: status 0x%x",
                  executors[i], status);
        /* The whole process group is gone: no worker left behind. */
        cr_assert_eq(kill(-child, 0), -1, "%s: a worker outlived the parent", executors[i]);
    }
}

Test(item64, more_workers_than_work_are_all_reaped, .timeout = 30)
{
    /* One pair, eight workers: seven never get a message and must still exit. */
    run_program(&r, 20, PROGRAM, "--csv", "--executor", "all", "--workers", "8", "--pairs", "1",
                "--size", "5000", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(4);
    assert_nothing_left();
}

Test(item64, many_small_messages_arrive_whole, .timeout = 60)
{
    /* Thousands of one-pair messages, and large ones that span several
     * pipe buffers (64 KiB): partial reads and writes must be reassembled. */
    run_program(&r, 50, PROGRAM, "--csv", "--executor", "processes", "--workers", "2",
                "--pairs", "20000", "--size", "50", "--batch", "1,20000", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(3);
    assert_nothing_left();
}

Test(item64, the_process_pool_reports_its_shipping, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--executor", "processes", "--workers", "2",
                "--pairs", "200", "--size", "2000", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_gt(csv_number(r.out, "executor", "processes", "ship_s"), 0);
    cr_assert_gt(csv_number(r.out, "executor", "processes", "compute_s"), 0);
    assert_nothing_left();
}

Test(item64, pinned_runs_still_give_the_right_answers, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--csv", "--pin", "--workers", "2", "--pairs", "30", "--size",
                "20000", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_rows(2 * 4);
    assert_nothing_left();
}

Test(item64, the_whole_story_runs_clean, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, "--pairs", "30", "--size", "20000", "--workers", "1,2",
                "--rounds", "2", NULL);
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
        {"--rounds", "0"},        {"--no-such", "1"},
        {"--workers", "1,,2"},    {"--pairs", "0x10"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], NULL);
        cr_assert_eq(r.exit_code, 2, "%s %s: exit %d, stderr: %s", bad[i][0], bad[i][1],
                     r.exit_code, r.err);
        cr_assert_eq(count_lines(r.err), 1, "%s %s: %s", bad[i][0], bad[i][1], r.err);
        cr_assert_str_eq(r.out, "", "%s %s printed: %s", bad[i][0], bad[i][1], r.out);
    }
}
