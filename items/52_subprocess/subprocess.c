/*
 * 52_subprocess - Item 52: use child processes, and bound how long you wait.
 *
 * Python:  Popen starts a program and returns at once; stdout=PIPE brings its
 *          output back; communicate(timeout=) gives up at the deadline and
 *          leaves the child running: the caller terminates it and waits.
 * C:       child.h is that Popen: posix_spawnp into a process group of its
 *          own, pipes, waits with deadlines, SIGTERM then SIGKILL to the group.
 *          Here, the book's story: capture a child's output [p1]; N sleeping
 *          children one after another, all at once, and polled while the
 *          parent works [p2]; a pipeline and the descriptor that must be
 *          closed [p3] (in pipeline.c); a deadline, then terminate and kill [p4].
 * Claim:   10 children that each sleep 0.1 s take about 0.1 s in all, not 1 s.
 *
 * Run:     build/bin/52_subprocess                  the whole story, 2 s
 *          build/bin/52_subprocess --part parallel --children 10,100,1000
 *          build/bin/52_subprocess --part capture -- uname -a
 * Prints:  serial    10 children x sleep 0.1 s: 1.013 s
 *          parallel  10 children x sleep 0.1 s: 0.103 s (starting them took 0.003 s)
 *          ...
 *          timeout   sh that started sleep 10: communicate(timeout=0.1) gave up after 0.100 s
 *                    terminate() to the child alone: killed by signal 15 (Terminated) in
 *                    0.001 s; 1 left in its group (killed since)
 * Claims, measured and judged by the harness: harness/claims/52.md.
 */
#include "clab.h"
#include "52_subprocess/child.h"
#include "52_subprocess/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct settings {
    const char *part;
    struct cl_list children;
    double sleep_s, timeout_s, grace_s;
    long lines;     /* seq 1 LINES | wc -l, in pipeline.c [p3] */
    char **command; /* from "-- cmd args", or NULL */
};

/* [p1] run(argv, capture_output=True, timeout=t): its output and status, its
 * group stopped past the deadline, and checked after a normal end too. */
static int run_capture(const struct settings *s)
{
    char *hello[] = {"echo", "hello from a child", NULL}, **argv = s->command ? s->command : hello;
    static char out[1 << 16];
    char how[64];
    struct child_run r;
    int rc = child_run(argv, fmax(1, s->timeout_s), s->grace_s, true, out, sizeof out, &r);
    if (rc != 0)
        cl_usage_error("cannot start '%s': %s", argv[0], strerror(rc));
    r.left += child_stop_adopted(); /* what left the group (setsid), adopted since */
    if (cl_interrupted())
        return 0;
    child_describe(r.status, how, sizeof how);
    size_t kept = r.bytes < sizeof out - 1 ? r.bytes : sizeof out - 1; /* it may hold '\0' */
    printf("capture   run(%s) -> %s%s, %zu bytes:\n", argv[0], how, r.ended ? "" : ", timed out",
           r.bytes);
    fwrite(out, 1, kept, stdout);
    printf("%s", kept > 0 && out[kept - 1] != '\n' ? "\n" : "");
    if (kept < r.bytes)
        printf("          (%zu more bytes not kept)\n", r.bytes - kept);
    if (!r.ended)
        fprintf(stderr, "%s: '%s' timed out after %g s: its group stopped, %d left (killed)\n",
                cl_program_name(), argv[0], fmax(1, s->timeout_s), r.left);
    else if (r.left > 0)
        fprintf(stderr, "%s: '%s' ended, leaving %d process(es) running: killed\n",
                cl_program_name(), argv[0], r.left);
    else if (!child_succeeded(r.status))
        fprintf(stderr, "%s: child '%s' failed: %s\n", cl_program_name(), argv[0], how);
    return r.ended && r.left == 0 && child_succeeded(r.status) ? 0 : 1;
}

/* [p2] n children that each sleep sleep_s seconds:
 *   ONE_AFTER_ANOTHER  run() n times: start one, wait for it, start the next;
 *   ALL_AT_ONCE        Popen n times (each returns at once), then wait() each;
 *   POLLING            Popen n times, then the parent does its own work and
 *                      asks between two units of it (poll()) who has ended.
 * Returns the wall time, or -1 after a stop signal (every child reaped);
 * *start_s the time spent starting them, *units the parent's work (POLLING). */
enum wait_style { ONE_AFTER_ANOTHER, ALL_AT_ONCE, POLLING };
static const char *const sleeper_parts[] = {"serial", "parallel", "poll"};

static double run_sleepers(long n, double sleep_s, enum wait_style style, double *start_s,
                           long *units)
{
    char seconds[32];
    snprintf(seconds, sizeof seconds, "%.6f", sleep_s);
    char *argv[] = {"sleep", seconds, NULL};
    struct child *kids = cl_calloc((size_t)n, sizeof *kids);
    double t0 = cl_now();
    long started = 0;
    for (*start_s = 0, *units = 0; started < n && !cl_interrupted(); started++) {
        double s0 = cl_now();
        int rc = child_start(&kids[started], argv, -1, -1);
        *start_s += cl_now() - s0;
        if (rc != 0)
            child_give_up(kids, started, "cannot start 'sleep'", strerror(rc));
        if (style == ONE_AFTER_ANOTHER) /* serial: wait before starting the next */
            child_wait_until(&kids[started], INFINITY);
    }
    for (long i = 0; style == ALL_AT_ONCE && i < started; i++)
        child_wait_until(&kids[i], INFINITY);
    for (long running = started; style == POLLING && running > 0 && !cl_interrupted();) {
        for (volatile long work = 0; work < 20000; work++) /* the parent's own work */
            ;
        ++*units, running = 0;
        for (long i = 0; i < started; i++)
            running += !child_poll(&kids[i]);
    }
    double wall = cl_now() - t0;
    child_check_all(kids, started, "sleep"); /* a failed child is an error, not a time */
    child_stop_all(kids, started, 0.1);      /* only after a stop signal is anyone left */
    free(kids);
    return cl_interrupted() ? -1 : wall;
}

static void tell_sleepers(const struct settings *s, enum wait_style style)
{
    for (int k = 0; k < (style == POLLING ? 1 : s->children.n); k++) {
        double start_s, wall;
        long units;
        if ((wall = run_sleepers(s->children.v[k], s->sleep_s, style, &start_s, &units)) < 0)
            return;
        printf("%-9s %ld children x sleep %g s: %.3f s", sleeper_parts[style], s->children.v[k],
               s->sleep_s, wall);
        printf(style == ONE_AFTER_ANOTHER ? "\n" : " (starting them took %.3f s)\n", start_s);
        if (style == POLLING)
            printf("          meanwhile the parent did %ld units of its own work\n", units);
    }
}

/* [p4] communicate(timeout=) on a child that outlives the deadline gives up
 * with the child still running; terminate() and wait() end it, kill() after a
 * grace period if it ignores SIGTERM. Sent to the child alone (Popen's
 * terminate() and kill()), they leave what it started running; sent to its
 * group (start_new_session=True or process_group=0, then os.killpg), not. */
static char *const book_child[] = {"sleep", "10", NULL};
static char *const shell_child[] = {"sh", "-c", "sleep 10 & echo $!; wait", NULL};
static char *const stubborn_child[] = {"sh", "-c", "trap '' TERM; sleep 10 & echo $!; wait", NULL};

static void tell_timeout(const struct settings *s)
{
    static const struct { char *const *argv; bool group; const char *child, *stop; } runs[] = {
        {book_child, false, "sleep 10 (the book's)", "terminate(), wait()"},
        {shell_child, false, "sh that started sleep 10", "terminate() to the child alone"},
        {shell_child, true, "sh that started sleep 10", "terminate() to its process group"},
        {stubborn_child, true, "sh ignoring SIGTERM, its sleep too",
         "the same, kill() after grace"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0] && !cl_interrupted(); i++) {
        char out[64], how[64];
        struct child_run r;
        int rc = child_run(runs[i].argv, s->timeout_s, s->grace_s, runs[i].group, out, 64, &r);
        if (rc != 0)
            child_give_up(NULL, 0, "cannot start a child", strerror(rc));
        if (cl_interrupted())
            return;
        if (r.ended || r.waited_s < s->timeout_s - 1e-6) /* rounding aside */
            cl_die("%s ended, or communicate gave up, inside the deadline", runs[i].child);
        child_describe(r.status, how, sizeof how);
        printf("timeout   %s: communicate(timeout=%g) gave up after %.3f s\n          %s: %s "
               "in %.3f s; %d left in its group%s\n", runs[i].child, s->timeout_s, r.waited_s,
               runs[i].stop, how, r.stop_s, r.left, r.left ? " (killed since)" : "");
    }
}

/* Whether the run includes part `name` (none once a stop signal came). */
static bool runs_part(const struct settings *s, const char *name)
{
    return !cl_interrupted() && (strcmp(s->part, "all") == 0 || strcmp(s->part, name) == 0);
}

/* How long the chosen parts run: their sleeps, deadlines and grace periods,
 * and 2 ms to start each child (about 1 ms here, doubled for a busy machine). */
static double predicted_s(const struct settings *s)
{
    double n = 0, start_s = 0.002, t = 6 * s->grace_s;
    for (int k = 0; k < s->children.n; k++)
        n += (double)s->children.v[k];
    t += runs_part(s, "capture") * fmax(1, s->timeout_s);
    t += runs_part(s, "timeout") * 4 * s->timeout_s;
    t += runs_part(s, "serial") * n * (s->sleep_s + start_s);
    t += runs_part(s, "parallel") * (s->children.n * s->sleep_s + n * start_s);
    t += runs_part(s, "poll") * (s->sleep_s + (double)s->children.v[0] * start_s);
    t += runs_part(s, "pipeline_forgot_close") * 2 * s->timeout_s;
    t += runs_part(s, "pipeline_leak_fds") * 2 * s->timeout_s;
    return t;
}

int main(int argc, char **argv)
{
    struct settings s = {.part = "all", .children = {1, {10}}, .sleep_s = 0.1, .timeout_s = 0.1,
                         .grace_s = 0.1, .lines = 100000};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &s.part, "which part of the story to run", .choices = "all|"
         "capture|serial|parallel|poll|pipeline|pipeline_forgot_close|pipeline_leak_fds|timeout"},
        {"children", CL_OPT_LIST, &s.children, "sleeping children (poll: the first)", 1, 2000},
        {"sleep", CL_OPT_DOUBLE, &s.sleep_s, "seconds each sleeping child sleeps", 0, 60},
        {"timeout", CL_OPT_DOUBLE, &s.timeout_s, "communicate's deadline (s; capture: 1 at "
         "least)", 0.01, 5},
        {"grace", CL_OPT_DOUBLE, &s.grace_s, "seconds between SIGTERM and SIGKILL", 0, 10},
        {"lines", CL_OPT_INT, &s.lines, "lines the pipeline's first stage writes", 1, 100000000},
        {0},
    };
    struct cl_program prog = {
        .name = "52_subprocess", .opts = opts, .takes_command = true,
        .summary = "start child processes, capture their output, run them at once, chain them, "
                   "and stop one (and all it started) that overruns its deadline",
        .epilogue = "Exit status: 0 done; 1 a child failed or could not start; 2 bad input;\n"
                    "128 + signal after SIGINT, SIGTERM or SIGHUP. Every child is reaped.\n",
    };
    cl_parse(&prog, argc, argv);
    if (prog.command_index < argc && !runs_part(&s, "capture"))
        cl_usage_error("a command after '--' needs --part capture");
    s.command = prog.command_index < argc ? argv + prog.command_index : NULL;
    cl_check_run_length(predicted_s(&s), "these --children, --sleep, --timeout, --grace");
    cl_catch_stop_signals();
    child_adopt_orphans();
    int fds_at_start = cl_open_fds();
    int failed = runs_part(&s, "capture") ? run_capture(&s) : 0;
    for (int style = ONE_AFTER_ANOTHER; style <= POLLING; style++)
        if (runs_part(&s, sleeper_parts[style]))
            tell_sleepers(&s, (enum wait_style)style);
    for (int kind = PIPELINE_FINE; kind <= PIPELINE_LEAK_FDS; kind++) /* [p3] */
        if (runs_part(&s, pipeline_parts[kind]))
            child_pipeline((enum pipeline_kind)kind, s.lines, s.timeout_s, s.grace_s);
    if (runs_part(&s, "timeout"))
        tell_timeout(&s);
    cl_check_leftovers(fds_at_start, true); /* every child reaped, every pipe closed */
    cl_exit_if_interrupted();
    return failed;
}
