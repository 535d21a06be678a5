/* test_62_mixing.c - Item 62's behaviour, run as a user would run it.
 *
 * The writers write "file F line K" for K = 0 .. lines-1 into each file, so
 * the merged output's content is known in advance: files x lines lines, each
 * file's in order. Every run reads its merged file back and exits 1 ("!!!")
 * on a line lost, doubled or out of order; the tests also check the counts
 * in its CSV row against the numbers they asked for. No test looks at a time.
 * The check itself is tested apart, on merged files whose faults the tests
 * wrote by hand. */
#include "62_mixing/merge_check.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct run_result r;

#define PROGRAM "62_mixing"

static const char *steps[] = {"threads", "executor", "threadsafe", "native", "bottomup"};

static char tmpdir[] = "/tmp/test62-XXXXXX";


/* The one row of a single-step run: every line there, nothing wrong. */
static void assert_merged_whole(const char *step, int files, int lines)
{
    cr_assert_eq(r.exit_code, 0, "%s: exit %d, stderr: %s", step, r.exit_code, r.err);
    cr_assert_eq(count_lines(r.out), 2, "%s: %s", step, r.out);
    cr_assert_eq(csv_number(r.out, "step", step, "lines_merged"), files * lines, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "step", step, "lost"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "step", step, "doubled"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "step", step, "out_of_order"), 0, "%s", r.out);
}

Test(item62, every_step_keeps_each_files_order, .timeout = 40)
{
    use_fresh_tmpdir(tmpdir);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        run_program(&r, 20, PROGRAM, "--csv", "--step", steps[i], "--files", "3", "--lines",
                    "20", "--interval-ms", "3", "--poll-ms", "5", "--tail-ms", "0", NULL);
        assert_merged_whole(steps[i], 3, 20);
    }
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item62, a_flood_of_lines_arrives_whole_and_in_order, .timeout = 40)
{
    /* Writers that never pause: reads find many lines, and half lines, at once. */
    use_fresh_tmpdir(tmpdir);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        run_program(&r, 20, PROGRAM, "--csv", "--step", steps[i], "--files", "4", "--lines",
                    "3000", "--interval-ms", "0", "--poll-ms", "1", "--tail-ms", "0", NULL);
        assert_merged_whole(steps[i], 4, 3000);
    }
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item62, one_worker_serves_many_files, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    run_program(&r, 20, PROGRAM, "--csv", "--step", "executor", "--workers", "1", "--files",
                "8", "--lines", "15", "--interval-ms", "2", "--poll-ms", "3", "--tail-ms", "20",
                NULL);
    assert_merged_whole("executor", 8, 15);
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item62, pinned_rounds_run_every_step, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    run_program(&r, 20, PROGRAM, "--csv", "--pin", "--rounds", "2", "--files", "2", "--lines",
                "5", "--interval-ms", "2", "--poll-ms", "2", "--tail-ms", "0", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2 * 5, "%s", r.out);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char row[64];
        snprintf(row, sizeof row, "\n%s,2,1,", steps[i]);
        cr_assert_not_null(strstr(r.out, row), "no round 2 pinned row for %s: %s", steps[i], r.out);
    }
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item62, the_story_gives_the_verdict, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    run_program(&r, 20, PROGRAM, "--interval-ms", "5", "--poll-ms", "5", "--tail-ms", "20", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "verdict: both directions of the bridge work without races "
                                     "or lost lines (5 runs checked"),
                       "%s", r.out);
    assert_tmpdir_empty_and_remove(tmpdir);
}

/* Ctrl-C part-way through: exit 130 within a bounded wait, nothing left. */
Test(item62, ctrl_c_stops_it_and_removes_the_files, .timeout = 30)
{
    use_fresh_tmpdir(tmpdir);
    const char *bin = getenv("CONCLAB_BIN");
    cr_assert_not_null(bin);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", bin, PROGRAM);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        fflush(NULL);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
                _exit(127);
            execl(path, path, "--step", steps[i], (char *)NULL);
            _exit(127);
        }
        nanosleep(&(struct timespec){0, 400 * 1000000L}, NULL);  /* mid-run */
        kill(pid, SIGINT);
        int status = 0, waited_ms = 0;
        while (waitpid(pid, &status, WNOHANG) == 0 && waited_ms < 5000) {
            nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
            waited_ms += 10;
        }
        if (waited_ms >= 5000) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            cr_assert_fail("%s: still running 5 s after Ctrl-C", steps[i]);
        }
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "%s: status %d", steps[i],
                  status);
    }
    assert_tmpdir_empty_and_remove(tmpdir);
}

Test(item62, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *bad[][2] = {
        {"--step", "halfway"}, {"--files", "0"},      {"--lines", "0"},
        {"--interval-ms", "-1"}, {"--poll-ms", "0"},  {"--tail-ms", "x"},
        {"--workers", "65"},   {"--rounds", "0"},     {"--no-such", "1"},
        {"--rounds", "100"},   /* 100 rounds x 5 steps x 1 s: refused, not run */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], NULL);
        cr_assert_eq(r.exit_code, 2, "%s %s: exit %d, stderr: %s", bad[i][0], bad[i][1],
                     r.exit_code, r.err);
        cr_assert_eq(count_lines(r.err), 1, "%s %s: %s", bad[i][0], bad[i][1], r.err);
        cr_assert_str_eq(r.out, "", "%s %s printed: %s", bad[i][0], bad[i][1], r.out);
    }
}

/* ---- The merged-output check, on files whose faults are known ------------- */

static struct merge_check check_text(const char *text, long files, long lines)
{
    char path[] = "/tmp/test62-merged-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    cr_assert_geq(fputs(text, f), 0);
    cr_assert_eq(fclose(f), 0);
    struct merge_check c = merge_check_file(path, files, lines);
    cr_assert_eq(unlink(path), 0);
    return c;
}

static void assert_check(struct merge_check c, long merged, long lost, long doubled,
                         long out_of_order)
{
    cr_assert_eq(c.merged, merged, "merged %ld, expected %ld", c.merged, merged);
    cr_assert_eq(c.lost, lost, "lost %ld, expected %ld", c.lost, lost);
    cr_assert_eq(c.doubled, doubled, "doubled %ld, expected %ld", c.doubled, doubled);
    cr_assert_eq(c.out_of_order, out_of_order, "out of order %ld, expected %ld",
                 c.out_of_order, out_of_order);
}

Test(item62, the_check_passes_a_whole_interleaved_merge, .timeout = 10)
{
    assert_check(check_text("file 0 line 0\nfile 1 line 0\nfile 0 line 1\n"
                            "file 1 line 1\nfile 1 line 2\nfile 0 line 2\n", 2, 3),
                 6, 0, 0, 0);
}

Test(item62, the_check_finds_a_lost_line, .timeout = 10)
{
    /* file 1 line 1 missing: 2 comes where 1 was due */
    assert_check(check_text("file 0 line 0\nfile 1 line 0\nfile 0 line 1\n"
                            "file 1 line 2\nfile 0 line 2\n", 2, 3),
                 5, 1, 0, 1);
}

Test(item62, the_check_finds_a_doubled_line, .timeout = 10)
{
    assert_check(check_text("file 0 line 0\nfile 0 line 1\nfile 0 line 1\nfile 0 line 2\n",
                            1, 3),
                 4, 0, 1, 1);
}

Test(item62, the_check_finds_lines_out_of_order, .timeout = 10)
{
    /* 0, 2, 1: 2 is not the next (1), and then 1 is not the next (3) */
    assert_check(check_text("file 0 line 0\nfile 0 line 2\nfile 0 line 1\n", 1, 3), 3, 0, 0,
                 2);
}

Test(item62, the_check_finds_one_lost_and_one_doubled_by_their_order, .timeout = 10)
{
    /* 0, 1, 1, 3: the count is right (4), the order is not */
    assert_check(check_text("file 0 line 0\nfile 0 line 1\nfile 0 line 1\nfile 0 line 3\n",
                            1, 4),
                 4, 0, 0, 2);
}

Test(item62, the_check_stops_at_a_line_no_writer_wrote, .exit_code = 1, .timeout = 10,
     .init = cr_redirect_stderr)
{
    check_text("file 0 line 0\nfile 7 line 0\n", 2, 3);   /* there is no file 7 */
}
