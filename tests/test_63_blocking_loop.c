/* test_63_blocking_loop.c - Item 63's behaviour, run as a user would run it.
 *
 * No test looks at a time: the heartbeat's lag is the harness's business. The
 * tests check the debug mode's reports (above the threshold, below it, and on
 * which loop), that every run ends cleanly, and that no temp file is left. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct run_result r;

#define PROGRAM "63_blocking_loop"

/* A fresh TMPDIR for the program; true if it is empty afterwards. */
static char tmpdir[] = "/tmp/test63-XXXXXX";


static double field(const char *variant, const char *column)
{
    return csv_number(r.out, "variant", variant, column);
}

/* slow_main + slow_writer (the 14th and 15th columns), over every row. */
static int reports_in_all_rows(void)
{
    int total = 0;
    for (const char *line = strchr(r.out, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        const char *p = line;
        for (int comma = 0; comma < 13; comma++)
            p = strchr(p, ',') + 1;
        int main_reports, writer_reports;
        cr_assert_eq(sscanf(p, "%d,%d", &main_reports, &writer_reports), 2, "%s", line);
        total += main_reports + writer_reports;
    }
    return total;
}

Test(item63, the_detector_fires_above_the_threshold, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    run_program(&r, 20, PROGRAM, "--csv", "--debug", "--work", "sleep", "--block-ms", "150",
                "--slow-ms", "100", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 3, "%s", r.out);
    /* Blocking: the main loop's slow task is named; offloaded: the main loop
     * stays quiet and the writer thread's loop reports instead. */
    cr_assert_eq(field("blocking", "slow_main"), 1, "%s", r.out);
    cr_assert_eq(field("blocking", "slow_writer"), 0, "%s", r.out);
    cr_assert_eq(field("offloaded", "slow_main"), 0, "%s", r.out);
    cr_assert_eq(field("offloaded", "slow_writer"), 1, "%s", r.out);
    cr_assert_gt(field("blocking", "ticks"), 0);
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item63, the_detector_is_quiet_below_the_threshold, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    /* Sleeps only, and a threshold ten times the block: an fsync, or a
     * sleep on a machine loaded many times over, can really take 100 ms,
     * and then a report is right. */
    run_program(&r, 20, PROGRAM, "--csv", "--debug", "--work", "sleep", "--block-ms", "30",
                "--slow-ms", "300", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 3, "%s", r.out);
    cr_assert_eq(reports_in_all_rows(), 0, "a report below the threshold: %s", r.out);
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item63, the_story_names_the_slow_callback, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    run_program(&r, 20, PROGRAM, "--debug", "--variant", "blocking", "--work", "fsync",
                "--block-ms", "120", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "debug: callback slow_task (blocking) on the main loop took"),
                       "%s", r.out);
    /* the heartbeat itself is never slow */
    cr_assert_null(strstr(r.out, "callback heartbeat"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "fsyncs)"), "%s", r.out);
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item63, without_debug_nothing_is_reported, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    run_program(&r, 20, PROGRAM, "--csv", "--work", "sleep", "--block-ms", "150", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(field("blocking", "slow_main"), 0, "%s", r.out);
    cr_assert_eq(field("offloaded", "slow_writer"), 0, "%s", r.out);
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item63, pinned_rounds_interleave, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    run_program(&r, 20, PROGRAM, "--csv", "--pin", "--rounds", "2", "--work", "sleep",
                "--block-ms", "20", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 5, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nblocking,sleep,1,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\noffloaded,sleep,1,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nblocking,sleep,2,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\noffloaded,sleep,2,"), "%s", r.out);
    assert_tmpdir_empty_and_remove(tmpdir);
}

/* Ctrl-C in the middle of a block: exit 130 within a bounded wait, nothing left. */
Test(item63, ctrl_c_stops_it_mid_block, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    const char *bin = getenv("CONCLAB_BIN");
    cr_assert_not_null(bin);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", bin, PROGRAM);
    const char *variants[] = {"blocking", "offloaded"};
    for (int i = 0; i < 2; i++) {
        fflush(NULL);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
                _exit(127);
            execl(path, path, "--variant", variants[i], "--work", "fsync", "--block-ms", "3000",
                  (char *)NULL);
            _exit(127);
        }
        nanosleep(&(struct timespec){0, 400 * 1000000L}, NULL);  /* inside the block */
        kill(pid, SIGINT);
        int status = 0, waited_ms = 0;
        while (waitpid(pid, &status, WNOHANG) == 0 && waited_ms < 5000) {
            nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
            waited_ms += 10;
        }
        if (waited_ms >= 5000) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            cr_assert_fail("%s: still running 5 s after Ctrl-C", variants[i]);
        }
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "%s: status %d",
                  variants[i], status);
    }
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item63, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *bad[][2] = {
        {"--variant", "sometimes"}, {"--work", "read"},      {"--block-ms", "0"},
        {"--heartbeat-ms", "x"},    {"--slow-ms", "-1"},     {"--rounds", "0"},
        {"--no-such", "1"},
        {"--rounds", "100"},        /* 100 x 4 runs x 610 ms: refused, not run */
        {"--heartbeat-ms", "600"},  /* slower than the 500 ms block */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], NULL);
        cr_assert_eq(r.exit_code, 2, "%s %s: exit %d, stderr: %s", bad[i][0], bad[i][1],
                     r.exit_code, r.err);
        cr_assert_eq(count_lines(r.err), 1, "%s %s: %s", bad[i][0], bad[i][1], r.err);
        cr_assert_str_eq(r.out, "", "%s %s printed: %s", bad[i][0], bad[i][1], r.out);
    }
}
