/* test_52_subprocess.c - Item 52's behaviour, run as a user would run it. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct run_result r;

/* Every CSV row says what the part left behind: nothing, always. */
static void assert_nothing_left(const char *mode)
{
    cr_assert_eq(csv_number(r.out, "mode", mode, "children_left"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "mode", mode, "fds_leaked"), 0, "%s", r.out);
}

Test(item52, capture_returns_the_childs_output_exactly, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "capture", "--",
                "printf", "x=%s\\n", "1", "two words", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_str_eq(r.out, "capture   run(printf) -> exit status 0, 16 bytes:\n"
                            "x=1\nx=two words\n"
                            "leftovers 0 children unreaped, 0 descriptors leaked\n");
}

/* Output with a NUL byte in it comes back whole: 4 bytes, all printed. */
Test(item52, capture_keeps_binary_output_whole, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "capture", "--", "printf", "a\\0b\\n", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    static const char expect[] = "capture   run(printf) -> exit status 0, 4 bytes:\n"
                                 "a\0b\n"
                                 "leftovers 0 children unreaped, 0 descriptors leaked\n";
    cr_assert_eq(memcmp(r.out, expect, sizeof expect), 0, "got: %s", r.out); /* NUL and all */
}

Test(item52, a_failing_child_is_reported, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "capture", "--", "false", NULL);
    cr_assert_eq(r.exit_code, 1);
    cr_assert_not_null(strstr(r.err, "child 'false' failed: exit status 1"), "%s", r.err);
}

Test(item52, a_missing_program_is_one_line_and_exit_2, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "capture", "--", "no-such-program-52", NULL);
    cr_assert_eq(r.exit_code, 2);
    cr_assert_not_null(strstr(r.err, "cannot start 'no-such-program-52'"), "%s", r.err);
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
}

/* Interleaved rounds: one serial and one parallel row per count per round. */
Test(item52, compare_gives_one_row_per_variant_per_round, .timeout = 30)
{
    run_program(&r, 20, "52_subprocess", "--csv", "--mode", "compare", "--children", "1,3",
                "--rounds", "2", "--sleep", "0.01", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2 * 2 * 2, "2 rounds x 2 counts x 2 modes:\n%s", r.out);
    const char *rows[] = {"serial,1,1,", "parallel,1,1,", "serial,1,3,", "parallel,1,3,",
                          "serial,2,1,", "parallel,2,1,", "serial,2,3,", "parallel,2,3,"};
    const char *at = r.out;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        at = strstr(at, rows[i]);
        cr_assert_not_null(at, "no row starting %s, in this order:\n%s", rows[i], r.out);
    }
    cr_assert_eq(csv_number(r.out, "mode", "serial", "speedup"), 1, "%s", r.out);
    assert_nothing_left("serial");
    assert_nothing_left("parallel");
}

Test(item52, serial_and_parallel_alone_reap_every_child, .timeout = 30)
{
    const char *modes[] = {"serial", "parallel", "poll"};
    for (int i = 0; i < 3; i++) {
        run_program(&r, 20, "52_subprocess", "--csv", "--mode", modes[i],
                    "--children", "6", "--sleep", "0.01", NULL);
        cr_assert_eq(r.exit_code, 0, "%s: stderr: %s", modes[i], r.err);
        cr_assert_eq(csv_number(r.out, "mode", modes[i], "children"), 6);
        assert_nothing_left(modes[i]);
    }
}

/* communicate(timeout=) gives up with the child still running; terminate()
 * ends it with SIGTERM. A child that ignores SIGTERM gets SIGKILL after the
 * grace period. The deadline is long enough for sh to set its trap first. */
Test(item52, timeout_terminates_then_kills_and_reaps, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--csv", "--mode", "timeout", "--timeout", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "mode", "timeout", "timed_out"), 1);
    cr_assert_eq(csv_number(r.out, "mode", "timeout", "exit_code"), 128 + SIGTERM, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "mode", "timeout_ignores_term", "exit_code"), 128 + SIGKILL,
                 "%s", r.out);
    assert_nothing_left("timeout");
    assert_nothing_left("timeout_ignores_term");
}

/* A deadline inside the range is never a wrong answer; outside, exit 2. */
Test(item52, every_allowed_timeout_works, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "timeout", "--timeout", "0.01", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_null(strstr(r.err, "!!!"), "%s", r.err);
    run_program(&r, 10, "52_subprocess", "--mode", "timeout", "--timeout", "61", NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
}

/* seq 1 N | wc -l must print N: the test knows N. */
Test(item52, pipeline_counts_every_line, .timeout = 20)
{
    const char *counts[] = {"1", "12345"};
    for (int i = 0; i < 2; i++) {
        run_program(&r, 10, "52_subprocess", "--mode", "pipeline", "--lines", counts[i], NULL);
        cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
        char expect[64];
        snprintf(expect, sizeof expect, "seq 1 %s | wc -l -> %s in ", counts[i], counts[i]);
        cr_assert_not_null(strstr(r.out, expect), "no '%s' in:\n%s", expect, r.out);
    }
}

Test(item52, pipeline_stalls_while_the_parent_holds_the_write_end, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "pipeline_forgot_close", "--timeout", "0.1",
                "--lines", "500", NULL);
    cr_assert_eq(r.exit_code, 0, "the late close must still give the right count: %s", r.err);
    cr_assert_not_null(strstr(r.out, "wc still waiting for end-of-file"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "after the late close: seq 1 500 | wc -l -> 500 in"), "%s",
                       r.out);
    run_program(&r, 10, "52_subprocess", "--csv", "--mode", "pipeline_forgot_close", "--timeout",
                "0.1", "--lines", "500", NULL);
    cr_assert_eq(csv_number(r.out, "mode", "pipeline_forgot_close", "timed_out"), 1);
    assert_nothing_left("pipeline_forgot_close");
}

/* Without FD_CLOEXEC, wc inherits the write end of its own input: it never
 * sees end-of-file, gives no count, and is stopped (SIGTERM) at the deadline.
 * A lesson, not a failure: exit 0. */
Test(item52, without_cloexec_wc_never_sees_end_of_file, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--csv", "--mode", "pipeline_leak_fds", "--timeout",
                "0.1", "--lines", "500", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "mode", "pipeline_leak_fds", "timed_out"), 1, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "mode", "pipeline_leak_fds", "exit_code"), 128 + SIGTERM);
    assert_nothing_left("pipeline_leak_fds");
}

Test(item52, the_whole_story_runs_clean, .timeout = 30)
{
    run_program(&r, 20, "52_subprocess", "--children", "3", "--sleep", "0.01", "--rounds", "2",
                "--timeout", "0.05", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "leftovers 0 children unreaped, 0 descriptors leaked"));
    cr_assert_not_null(strstr(r.out, "3 children: parallel "), "%s", r.out);
}

/* ---- Ctrl-C and a spawn that fails part-way: nothing may be left running.
 * The program runs as the leader of its own session (setsid), so anything
 * it started and left behind still carries that session id in /proc. */

static pid_t start_in_own_session(void (*before_exec)(void), char *const argv[])
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        setsid();
        signal(SIGINT, SIG_DFL);
        if (before_exec)
            before_exec();
        char path[4096];
        snprintf(path, sizeof path, "%s/52_subprocess", getenv("CONCLAB_BIN"));
        execv(path, argv);
        _exit(127);
    }
    return pid;
}

/* Processes in session sid, the leader itself included. */
static int in_session(pid_t sid)
{
    DIR *proc = opendir("/proc");
    cr_assert_not_null(proc);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(proc)) != NULL) {
        char path[300], line[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(line, sizeof line, f)) {
            const char *after_name = strrchr(line, ')'); /* the name may hold spaces */
            int session;
            if (after_name && sscanf(after_name, ") %*c %*d %*d %d", &session) == 1 &&
                session == sid)
                count++;
        }
        fclose(f);
    }
    closedir(proc);
    return count;
}

static void pause_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Waits up to limit_s for pid to end; its exit code, or -1 if it did not. */
static int exit_code_within(pid_t pid, double limit_s)
{
    for (double waited = 0; waited < limit_s; waited += 0.01) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        pause_s(0.01);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

Test(item52, ctrl_c_to_the_parent_alone_stops_every_child, .timeout = 30)
{
    char *argv[] = {"52_subprocess", "--mode", "parallel", "--children", "20", "--sleep", "10",
                    NULL};
    pid_t pid = start_in_own_session(NULL, argv);
    int seen = 0;
    for (int i = 0; i < 500 && (seen = in_session(pid)) < 21; i++)
        pause_s(0.01);
    cr_assert_eq(seen, 21, "the program and its 20 children should be running, saw %d", seen);
    kill(pid, SIGINT); /* to the parent alone, not its process group */
    int code = exit_code_within(pid, 5);
    int left = in_session(pid);
    if (left > 0)
        kill(-pid, SIGKILL);
    cr_assert_eq(code, 130, "exit %d after Ctrl-C", code);
    cr_assert_eq(left, 0, "%d processes of its session survived it", left);
}

/* RLIMIT_NPROC counts the processes of a user, and does not bind root; as
 * root the child becomes nobody, whose processes are few. */
static void lower_process_limit(void)
{
    rlim_t limit = 10;
    if (geteuid() == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(126);
    } else {
        limit = 200; /* above this user's processes, far below the 2000 asked for */
        DIR *proc = opendir("/proc");
        struct dirent *e;
        while (proc && (e = readdir(proc)) != NULL)
            limit += e->d_name[0] >= '1' && e->d_name[0] <= '9';
        if (proc)
            closedir(proc);
    }
    struct rlimit rl = {limit, limit};
    if (setrlimit(RLIMIT_NPROC, &rl) != 0)
        _exit(126);
}

Test(item52, a_spawn_failing_part_way_stops_what_it_started, .timeout = 60)
{
    char *argv[] = {"52_subprocess", "--mode", "parallel", "--children", "2000", "--sleep", "10",
                    NULL};
    int err[2];
    cr_assert_eq(pipe(err), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        setsid();
        dup2(err[1], 2);
        close(err[0]);
        close(err[1]);
        lower_process_limit();
        char path[4096];
        snprintf(path, sizeof path, "%s/52_subprocess", getenv("CONCLAB_BIN"));
        execv(path, argv);
        _exit(127);
    }
    close(err[1]);
    int code = exit_code_within(pid, 30);
    char message[1024] = "";
    ssize_t n = read(err[0], message, sizeof message - 1);
    close(err[0]);
    message[n > 0 ? n : 0] = '\0';
    int left = in_session(pid);
    if (left > 0)
        kill(-pid, SIGKILL);
    if (code == 126 || code == 127)
        cr_skip_test("could not lower the process limit or run the program (exit %d)", code);
    if (code == 0)
        cr_skip_test("the process limit was not enforced here");
    cr_assert_eq(code, 1, "exit %d: %s", code, message);
    cr_assert_eq(count_lines(message), 1, "%s", message);
    cr_assert_not_null(strstr(message, "cannot start 'sleep'"), "%s", message);
    cr_assert_not_null(strstr(message, "stopped and reaped"), "%s", message);
    cr_assert_eq(left, 0, "%d processes of its session survived it", left);
}

static void assert_usage_error(const char *flag, const char *value, const char *expect)
{
    run_program(&r, 10, "52_subprocess", flag, value, NULL);
    cr_assert_eq(r.exit_code, 2, "%s %s gave %d", flag, value ? value : "", r.exit_code);
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, expect), "%s", r.err);
    cr_assert_str_eq(r.out, "", "nothing on stdout after bad input");
}

Test(item52, bad_input_is_one_line_and_exit_2, .timeout = 30)
{
    assert_usage_error("--children", "0", "--children");
    assert_usage_error("--children", "many", "--children");
    assert_usage_error("--sleep", "-1", "--sleep");
    assert_usage_error("--mode", "sideways", "--mode");
    assert_usage_error("--frobnicate", NULL, "unknown option");
    assert_usage_error("--timeout", NULL, "needs a value");
    assert_usage_error("--children", "1,0", "--children");
    assert_usage_error("--rounds", "0", "--rounds");
    assert_usage_error("--sleep", "60", "would wait"); /* 5 rounds x 11 children x 60 s */
}

/* The ranges alone allow hours; the bounds in --help refuse such runs. */
Test(item52, a_run_of_hours_is_refused, .timeout = 30)
{
    run_program(&r, 10, "52_subprocess", "--mode", "compare", "--children", "2000", "--rounds",
                "3", "--sleep", "0", NULL);
    cr_assert_eq(r.exit_code, 2, "exit %d: %s", r.exit_code, r.err);
    cr_assert_not_null(strstr(r.err, "would start 12000 children"), "%s", r.err);
    run_program(&r, 10, "52_subprocess", "--mode", "timeout", "--timeout", "30", NULL);
    cr_assert_eq(r.exit_code, 2, "2 x 30 s + grace: exit %d: %s", r.exit_code, r.err);
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
}

Test(item52, help_exits_0, .timeout = 10)
{
    run_program(&r, 5, "52_subprocess", "--help", NULL);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_not_null(strstr(r.out, "--children"));
}
