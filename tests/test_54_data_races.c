/* test_54_data_races.c - Item 54's program and bench, run as a user would.
 *
 * No timings are asserted. Every total is checked against a number the test
 * computes itself: the locked and atomic methods must give threads x
 * increments on every thread count, every method is exact with one thread
 * (a race needs two), and a racy total lies in [1, threads x increments].
 * How much a racy run loses depends on the machine: read as data only,
 * except where the model makes it certain (a tick only between increments
 * loses nothing, whatever the load). */
#include "helpers.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct run_result r;

#define CSV_COLUMNS                                                                         \
    "method,policy,interval_ms,threads,iterations,round,pinned,expected,actual,lost,wall_s," \
    "ns_per_increment,cores_busy,overlap_s,gil_forced_drops"

static const char *thread_counts[] = {"1", "2", "3", "5", "8"};
#define THREAD_LIST "1,2,3,5,8"
#define THREAD_COUNTS (sizeof thread_counts / sizeof thread_counts[0])

/* One method on the bench, every thread count of THREAD_LIST, one row each. */
static void run_method(const char *method, const char *iterations, const char *policy)
{
    run_program(&r, 30, "54_data_races-bench", "--part", method, "--threads", THREAD_LIST,
                "--iterations", iterations, "--policy", policy, "--interval", "0.05",
                "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "%s: exit %d, stderr: %s", method, r.exit_code, r.err);
    cr_assert_eq(count_lines(r.out), 1 + (int)THREAD_COUNTS, "%s", r.out);
    cr_assert_eq(strncmp(r.out, CSV_COLUMNS "\n", strlen(CSV_COLUMNS) + 1), 0, "%.200s", r.out);
}

static void assert_exact(const char *method, const char *policy)
{
    run_method(method, "20000", policy);
    for (size_t i = 0; i < THREAD_COUNTS; i++) {
        long threads = atol(thread_counts[i]);
        long actual = (long)csv_number(r.out, "threads", thread_counts[i], "actual");
        cr_assert_eq(actual, threads * 20000, "%s (%s) with %s threads: %ld", method, policy,
                     thread_counts[i], actual);
        cr_assert_eq(csv_number(r.out, "threads", thread_counts[i], "lost"), 0);
    }
}

Test(item54, mutex_and_atomic_are_exact_on_every_thread_count, .timeout = 60)
{
    assert_exact("mutex", "new");
    assert_exact("atomic", "new");
}

Test(item54, gil_mutex_and_gil_atomic_are_exact_under_both_policies, .timeout = 90)
{
    assert_exact("gil_mutex", "new");
    assert_exact("gil_mutex", "old");
    assert_exact("gil_atomic", "new");
    assert_exact("gil_atomic", "old");
}

/* One thread alone cannot race: every method counts exactly N. With more
 * threads a racy total lies in [1, K x N]; what it loses there is data. */
static void assert_one_thread_exact(const char *method, const char *policy)
{
    run_method(method, "50000", policy);
    cr_assert_eq(csv_number(r.out, "threads", "1", "actual"), 50000, "%s (%s)", method, policy);
    cr_assert_eq(csv_number(r.out, "threads", "1", "overlap_s"), 0);
    for (size_t i = 1; i < THREAD_COUNTS; i++) {
        double actual = csv_number(r.out, "threads", thread_counts[i], "actual");
        double expected = atol(thread_counts[i]) * 50000.0;
        cr_assert(actual >= 1 && actual <= expected, "%s with %s threads: %g outside [1, %g]",
                  method, thread_counts[i], actual, expected);
    }
}

Test(item54, racy_methods_are_exact_alone_and_never_gain, .timeout = 90)
{
    assert_one_thread_exact("racy", "new");
    assert_one_thread_exact("racy_plain", "new");
    assert_one_thread_exact("gil_racy", "new");
    assert_one_thread_exact("gil_racy", "old");
}

/* --rounds repeats every combination: one row per thread count per round. */
Test(item54, rounds_give_one_row_each, .timeout = 30)
{
    run_program(&r, 20, "54_data_races-bench", "--part", "atomic", "--threads", "1,2",
                "--iterations", "1000,2000", "--rounds", "3", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 3 * 2 * 2, "%s", r.out);
    for (int round = 1; round <= 3; round++) {
        char row[64];
        snprintf(row, sizeof row, "atomic,none,0,2,2000,%d,0,4000,4000,0,", round);
        cr_assert_not_null(strstr(r.out, row), "no row %s in:\n%s", row, r.out);
    }
}

/* The GIL does not make load-add-store atomic. This needs no second core:
 * the GIL itself switches threads, as often as its interval says. Up to ten
 * tries; the first loss passes. */
Test(item54, gil_racy_loses_updates_even_under_the_gil, .timeout = 120)
{
    for (int attempt = 0; attempt < 10; attempt++) {
        run_program(&r, 20, "54_data_races-bench", "--part", "gil_racy", "--threads", "2",
                    "--iterations", "1000000", "--interval", "0.05", "--rounds", "1", NULL);
        cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
        if (csv_number(r.out, "threads", "2", "lost") > 0)
            return;
    }
    cr_assert_fail("gil_racy lost no update in 10 tries:\n%s", r.out);
}

Test(item54, the_whole_story_runs_clean, .timeout = 60)
{
    run_program(&r, 50, "54_data_races", "--threads", "1,2", "--iterations", "100000", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_null(strstr(r.err, "!!!"), "%s", r.err);
    cr_assert_not_null(strstr(r.out, "Without a lock"), "%s", r.out);
    const char *methods[] = {"racy", "racy_plain", "mutex", "atomic", "gil_racy",
                             "gil_racy_310", "gil_mutex", "gil_atomic"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        char label[32];
        snprintf(label, sizeof label, "  %s ", methods[i]);
        cr_assert_not_null(strstr(r.out, label), "no %s row in:\n%s", methods[i], r.out);
    }
}

Test(item54, the_story_defaults_to_the_books_sizes, .timeout = 60)
{
    run_program(&r, 50, "54_data_races", "--part", "atomic", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "5 x 100000                500000      500000           0"),
                       "%s", r.out);
}

Test(item54, help_names_the_methods_and_csv_columns, .timeout = 20)
{
    run_program(&r, 10, "54_data_races-bench", "--help", NULL);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_not_null(strstr(r.out, "gil_racy_310"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, CSV_COLUMNS), "%s", r.out);
    run_program(&r, 10, "54_data_races", "-h", NULL);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_not_null(strstr(r.out, "--part WORD"), "%s", r.out);
}

/* ---- Every way out is clean (issue 14) ------------------------------------ */

static void assert_stops_cleanly(const char *what, const char *program, const char *a1,
                                 const char *a2, const char *a3, const char *a4, const char *a5,
                                 const char *a6, const char *a7, const char *a8)
{
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        run_program_signalled(&r, 20, sigs[i], 0.3, program, a1, a2, a3, a4, a5, a6, a7, a8,
                              NULL);
        assert_clean_stop(&r, sigs[i], what);
    }
}

Test(item54, stops_cleanly_on_every_stop_signal, .timeout = 120)
{
    assert_stops_cleanly("the story", "54_data_races", "--iterations", "20000000", NULL, NULL,
                         NULL, NULL, NULL, NULL);
    assert_stops_cleanly("the bench", "54_data_races-bench", "--iterations", "5000000", NULL,
                         NULL, NULL, NULL, NULL, NULL);
    /* The case: 256 threads under the old GIL took up to 1 s to stop. */
    assert_stops_cleanly("256 threads, old GIL", "54_data_races", "--threads", "256",
                         "--iterations", "200000", "--part", "gil_racy", "--policy", "old");
    assert_stops_cleanly("256 threads, old GIL, bench", "54_data_races-bench", "--threads",
                         "256", "--iterations", "200000", "--part", "gil_mutex", "--policy",
                         "old");
}

/* A failed write of standard output (a full disk) is an error: the bench
 * and the story end with one line and a non-zero status. */
static void run_into_dev_full(const char *program, int *status, char *err, size_t cap)
{
    int pipe_err[2];
    cr_assert_eq(pipe(pipe_err), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int full = open("/dev/full", O_WRONLY);
        if (full < 0 || dup2(full, 1) < 0 || dup2(pipe_err[1], 2) < 0)
            _exit(126);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", getenv("CONCLAB_BIN"), program);
        execl(path, program, "--part", "atomic", "--threads", "2", "--iterations", "1000",
              (char *)NULL);
        _exit(127);
    }
    close(pipe_err[1]);
    ssize_t n = read(pipe_err[0], err, cap - 1);
    err[n > 0 ? n : 0] = '\0';
    close(pipe_err[0]);
    cr_assert_eq(waitpid(pid, status, 0), pid);
}

Test(item54, a_full_disk_is_an_error, .timeout = 20)
{
    const char *programs[] = {"54_data_races", "54_data_races-bench"};
    for (int i = 0; i < 2; i++) {
        int status;
        char err[1024];
        run_into_dev_full(programs[i], &status, err, sizeof err);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0, "%s: status 0x%x", programs[i],
                  status);
        cr_assert_not_null(strstr(err, "writing standard output"), "%s: %s", programs[i], err);
        cr_assert_eq(count_lines(err), 1, "%s: %s", programs[i], err);
    }
}

static void assert_usage_error(const char *program, const char *flag, const char *value)
{
    run_program(&r, 10, program, flag, value, NULL);
    assert_one_line_usage_error(&r, flag);
    cr_assert_str_empty(r.out, "%s %s printed: %s", flag, value ? value : "", r.out);
}

Test(item54, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *programs[] = {"54_data_races", "54_data_races-bench"};
    for (int i = 0; i < 2; i++) {
        assert_usage_error(programs[i], "--part", "locked");
        assert_usage_error(programs[i], "--threads", "0");
        assert_usage_error(programs[i], "--threads", "2,x");
        assert_usage_error(programs[i], "--iterations", "-5");
        assert_usage_error(programs[i], "--policy", "none");
        assert_usage_error(programs[i], "--interval", "0");
        assert_usage_error(programs[i], "--ticks", "0");
        assert_usage_error(programs[i], "--no-such-flag", NULL);
        assert_usage_error(programs[i], "--method", "racy"); /* the old name: now --part */
    }
    assert_usage_error("54_data_races-bench", "--rounds", "0");
    assert_usage_error("54_data_races", "--csv", NULL);
}

/* The ranges alone would allow a run of hours: such a run is refused. */
Test(item54, a_run_of_hours_is_refused, .timeout = 30)
{
    run_program(&r, 10, "54_data_races", "--threads", "256", "--iterations", "1000000000", NULL);
    assert_one_line_usage_error(&r, "256 x 1e9");
    cr_assert_not_null(strstr(r.err, "limit"), "%s", r.err);
    run_program(&r, 10, "54_data_races-bench", "--part", "gil_mutex", "--policy", "old",
                "--ticks", "1", "--threads", "8", "--iterations", "100000000", NULL);
    assert_one_line_usage_error(&r, "old GIL, a drop every tick");
}

/* ---- The labs of the README ------------------------------------------------- */

/* Lab 1: with a switch interval of a second, the GIL never takes the lock
 * from a thread counting for milliseconds: nothing is lost. */
Test(item54, lab54_a_long_interval_loses_nothing, .timeout = 30)
{
    run_program(&r, 25, "54_data_races-bench", "--part", "gil_racy", "--threads", "5",
                "--iterations", "100000", "--interval", "1000", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "round", "1", "lost"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "round", "2", "lost"), 0, "%s", r.out);
}

/* Lab 2: one tick per increment, after the store (CPython 3.10+): no switch
 * falls inside the read-add-write, whatever the interval or the load. */
Test(item54, lab54_a_tick_only_between_increments_loses_nothing, .timeout = 30)
{
    run_program(&r, 25, "54_data_races-bench", "--part", "gil_racy_310", "--threads", "2,5",
                "--iterations", "1000000", "--interval", "0.05", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "threads", "2", "lost"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "threads", "5", "lost"), 0, "%s", r.out);
}

/* Lab 3: under the old GIL a forced drop comes every --ticks ticks, counted
 * from the moment a thread takes the lock at the start of an increment; an
 * increment is 3 ticks, so with 99 every drop falls after a store. */
Test(item54, lab54_old_gil_99_ticks_loses_nothing, .timeout = 30)
{
    run_program(&r, 25, "54_data_races", "--part", "gil_racy", "--policy", "old", "--ticks",
                "99", "--threads", "2,5", "--iterations", "100000", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "2 x 100000                200000      200000           0"),
                       "%s", r.out);
    cr_assert_not_null(strstr(r.out, "5 x 100000                500000      500000           0"),
                       "%s", r.out);
}

/* Lab 4: pinned to one CPU, the threads can only take turns. */
Test(item54, lab54_pinned_threads_take_turns, .timeout = 30)
{
    run_program(&r, 25, "54_data_races-bench", "--part", "racy", "--threads", "2",
                "--iterations", "10000000", "--rounds", "2", "--pin", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_leq(csv_number(r.out, "round", "1", "cores_busy"), 1.05, "%s", r.out);
    cr_assert_leq(csv_number(r.out, "round", "2", "cores_busy"), 1.05, "%s", r.out);
}
