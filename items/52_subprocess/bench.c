/*
 * 52_subprocess-bench - the measuring behind item 52's claims
 * (harness/claims/52.md), with the very functions 52_subprocess shows.
 *
 *   --part parallel  N children that each sleep --sleep s, one after another
 *                    (serial) and all at once (parallel), for each N of
 *                    --children, in interleaved rounds: for each round, for
 *                    each N, serial then parallel. Claim 52.parallel: N at
 *                    once take about one child's time (N = 1 in the same
 *                    round); its negative control 52.parallel.neg: the same
 *                    rule on the serial run.
 *   --part timeout   communicate(timeout=--timeout) on a child that outlives
 *                    it, then the stop, round after round: the book's sleep
 *                    alone stopped by pid and by group, a shell that started a
 *                    sleep and one that ignores SIGTERM stopped by group (claim
 *                    52.timeout: nothing left), and the shell stopped by pid
 *                    (negative control 52.timeout.neg: its sleep is left).
 *
 * Prints CSV always: one header line, one row per variant per round.
 *   parallel: variant,children,sleep_s,round,wall_s,start_s
 *   timeout:  child,stop,round,deadline_s,gave_up_s,stop_s,exit_code,
 *             grandchild_started,in_group_at_deadline,left_in_group
 *   (in_group_at_deadline: processes of the child's group running when
 *   communicate gave up; left_in_group: still running after the stop, once
 *   the child was reaped: killed and counted then)
 * A child that fails is an error (exit 1), never a row.
 */
#define main story_main
#include "52_subprocess/subprocess.c"
#undef main

#include <dirent.h>
#include <sys/wait.h>

/* 128 + signal for a child killed by one, as a shell writes it. */
static int exit_code_of(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Processes of process group `group` running now (Linux: /proc; zombies,
 * which have ended, are not counted); -1 where there is no /proc. */
static int running_in_group(pid_t group)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return -1;
    int count = 0;
    for (struct dirent *e; (e = readdir(proc)) != NULL;) {
        char path[300], line[512], state;
        int pgrp;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        const char *after_name = f && fgets(line, sizeof line, f) ? strrchr(line, ')') : NULL;
        if (after_name && sscanf(after_name, ") %c %*d %d", &state, &pgrp) == 2)
            count += pgrp == group && state != 'Z';
        if (f)
            fclose(f);
    }
    closedir(proc);
    return count;
}

/* child_run's steps, with a count of the child's group at the deadline:
 * start it, communicate until the deadline, count, stop, count what is left. */
static struct child_run stop_at_deadline(char *const argv[], double timeout_s, double grace_s,
                                         bool whole_group, int *at_deadline)
{
    struct child c;
    struct child_run r = {0};
    char out[64];
    int rc = child_start_captured(&c, argv, -1, true);
    if (rc != 0)
        child_give_up(NULL, 0, "cannot start a child", strerror(rc));
    double t0 = cl_now();
    r.ended = child_communicate(&c, t0 + timeout_s, out, sizeof out, &r.bytes);
    r.waited_s = cl_now() - t0;
    *at_deadline = running_in_group(c.group);
    double t1 = cl_now();
    if (!r.ended)
        child_stop(&c, grace_s, whole_group);
    r.stop_s = cl_now() - t1;
    r.status = c.status;
    r.left = child_group_left(&c);
    return r;
}

static void measure_parallel(const struct cl_list *children, double sleep_s, long rounds)
{
    cl_csv_header("variant,children,sleep_s,round,wall_s,start_s");
    for (long round = 1; round <= rounds; round++)
        for (int k = 0; k < children->n; k++)
            for (int style = ONE_AFTER_ANOTHER; style <= ALL_AT_ONCE; style++) {
                double start_s;
                long units, n = children->v[k];
                double wall = run_sleepers(n, sleep_s, (enum wait_style)style, &start_s, &units);
                if (wall < 0)
                    return; /* a stop signal: every child reaped, no row */
                cl_csv_row("%s,%ld,%g,%ld,%.6f,%.6f", sleeper_parts[style], n, sleep_s, round,
                           wall, start_s);
            }
}

static void measure_timeout(double timeout_s, double grace_s, long rounds)
{
    static const struct { const char *child; char *const *argv; bool group; } runs[] = {
        {"sleep", book_child, false}, /* the book's own: terminate() to the child */
        {"sleep", book_child, true},
        {"shell", shell_child, true},
        {"stubborn", stubborn_child, true},
        {"shell", shell_child, false}, /* the negative control */
    };
    cl_csv_header("child,stop,round,deadline_s,gave_up_s,stop_s,exit_code,grandchild_started,"
                  "in_group_at_deadline,left_in_group");
    for (long round = 1; round <= rounds; round++)
        for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
            int at_deadline;
            struct child_run r = stop_at_deadline(runs[i].argv, timeout_s, grace_s,
                                                  runs[i].group, &at_deadline);
            if (cl_interrupted())
                return;
            if (r.ended || r.waited_s < timeout_s - 1e-6) /* rounding aside */
                cl_die("'%s' ended, or communicate gave up, inside the deadline", runs[i].child);
            cl_csv_row("%s,%s,%ld,%g,%.6f,%.6f,%d,%d,%d,%d", runs[i].child,
                       runs[i].group ? "group" : "pid", round, timeout_s, r.waited_s, r.stop_s,
                       exit_code_of(r.status), r.bytes > 0, at_deadline, r.left);
        }
}

int main(int argc, char **argv)
{
    const char *part = "parallel";
    struct cl_list children = {2, {1, 10}};
    double sleep_s = 0.1, timeout_s = 0.1, grace_s = 0.1;
    long rounds = 5;
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &part, "what to measure", .choices = "parallel|timeout"},
        {"children", CL_OPT_LIST, &children, "sleeping children, each count (parallel)", 1, 2000},
        {"sleep", CL_OPT_DOUBLE, &sleep_s, "seconds each sleeping child sleeps", 0, 60},
        {"timeout", CL_OPT_DOUBLE, &timeout_s, "communicate's deadline, seconds (timeout)", 0.01,
         5},
        {"grace", CL_OPT_DOUBLE, &grace_s, "seconds between SIGTERM and SIGKILL", 0, 10},
        {"rounds", CL_OPT_INT, &rounds, "interleaved rounds", 1, 1000},
        {0},
    };
    struct cl_program prog = {
        .name = "52_subprocess-bench", .opts = opts,
        .summary = "measure item 52's claims: sleeping children serial against parallel, and "
                   "what a stop at the deadline leaves behind; CSV on stdout",
        .epilogue = "Columns: see the header of items/52_subprocess/bench.c.\n"
                    "Exit status: 0 done; 1 a child failed or could not start; 2 bad input;\n"
                    "128 + signal after SIGINT, SIGTERM or SIGHUP (every child reaped).\n",
    };
    cl_parse(&prog, argc, argv);
    double sum = 0, start_s = 0.002; /* as in the program: a child starts in about 1 ms */
    for (int k = 0; k < children.n; k++)
        sum += (double)children.v[k] * (sleep_s + 2 * start_s) + sleep_s;
    bool parallel = strcmp(part, "parallel") == 0;
    cl_check_run_length((double)rounds * (parallel ? sum : 5 * (timeout_s + grace_s)),
                        "these --rounds, --children, --sleep, --timeout, --grace");
    cl_catch_stop_signals();
    child_adopt_orphans();
    int fds_at_start = cl_open_fds();
    if (parallel)
        measure_parallel(&children, sleep_s, rounds);
    else
        measure_timeout(timeout_s, grace_s, rounds);
    cl_check_leftovers(fds_at_start, true); /* every child reaped, every pipe closed */
    cl_exit_if_interrupted();
    return 0;
}
