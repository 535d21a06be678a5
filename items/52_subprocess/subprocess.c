/*
 * 52_subprocess - Item 52: use child processes, and bound how long you wait.
 *
 * Python:  subprocess.Popen starts a program as a child and returns at once;
 *          stdout=PIPE brings its output back; communicate(timeout=) waits,
 *          but raises TimeoutExpired and leaves the child running when time
 *          is up: the caller then terminates it and waits. run(timeout=) is
 *          Popen + communicate + (on timeout) kill + wait, in one call.
 * C:       posix_spawnp starts the child [p1], a pipe carries its stdout [p2],
 *          poll() bounds the wait [p3], SIGTERM, a grace period, SIGKILL and
 *          waitpid end and reap it [p4]; run() puts them together [p5]; the
 *          parent keeps working while it polls its children [p6].
 *
 * The claim: children run at the same time as the parent and as each other,
 * so N children that each sleep S seconds take about S in all, not N x S.
 * Serial and parallel are measured in interleaved rounds [p7], so a busy
 * moment slows both sides of the ratio it spoils.
 *
 * Run:  build/bin/52_subprocess                        the whole story
 *       build/bin/52_subprocess --mode compare --children 1,10,50 --rounds 3
 *       build/bin/52_subprocess --mode capture -- uname -a
 *
 * Prints (abridged):
 *   capture   run(echo) -> exit status 0, 19 bytes:
 *   hello from a child
 *   round 1   10 children x sleep 0.05 s: serial 0.511 s, parallel 0.052 s, 9.8x
 *   ...
 *   timeout   communicate(timeout=0.2) on sleep 100: gave up after 0.200 s, child still running
 *
 * Every child started is reaped on every path: normal end, timeout, a spawn
 * that fails part-way (a process limit), and Ctrl-C (exit 130).
 */
#include "clab.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define GRACE_S 0.1     /* between terminate (SIGTERM) and kill (SIGKILL) */
#define LONG_SLEEP "100" /* a child that outlives any --timeout (at most 60) */
#define MAX_WAIT_S 60    /* a run that would wait longer in all is refused */
#define MAX_STARTED 10000 /* ... and so is one that would start more children */
#define STR_(x) #x
#define STR(x) STR_(x)

struct child {
    pid_t pid;     /* 0 once reaped */
    int stdout_fd; /* read end of a pipe from the child's stdout, or -1 */
};

struct outcome {
    int status;     /* as waitpid gives it */
    bool finished;  /* end-of-file and exit before the deadline */
    size_t bytes;   /* output read, perhaps more than fitted in the buffer */
};

/* Close-on-exec (Python's pipes are non-inheritable and close_fds=True is
 * the default): no child inherits an end it was not given on purpose.
 * --mode pipeline_leak_fds turns it off, and wc never finishes. */
static void make_pipe(int fds[2], bool close_on_exec)
{
    CL_CHECK_SYS(pipe(fds));
    if (close_on_exec) {
        CL_CHECK_SYS(fcntl(fds[0], F_SETFD, FD_CLOEXEC));
        CL_CHECK_SYS(fcntl(fds[1], F_SETFD, FD_CLOEXEC));
    }
}

/* [p1] Popen(argv, stdin=..., stdout=...): start argv[0], found on PATH, and
 * return at once. stdin_fd and stdout_fd become the child's 0 and 1; -1
 * keeps the parent's. Returns 0, or the error number when the program cannot
 * be started (EAGAIN at a process limit, ENOENT for a missing program). */
static int spawn(char *const argv[], int stdin_fd, int stdout_fd, pid_t *pid)
{
    posix_spawn_file_actions_t actions;
    CL_CHECK_RC(posix_spawn_file_actions_init(&actions));
    if (stdin_fd >= 0)
        CL_CHECK_RC(posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0));
    if (stdout_fd >= 0)
        CL_CHECK_RC(posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1));
    int rc = posix_spawnp(pid, argv[0], &actions, NULL, argv, environ);
    CL_CHECK_RC(posix_spawn_file_actions_destroy(&actions));
    return rc;
}

/* [p2] stdout=PIPE: the child writes into the pipe, the parent reads it. */
static int spawn_captured(char *const argv[], int stdin_fd, struct child *c, bool close_on_exec)
{
    int out[2];
    make_pipe(out, close_on_exec);
    int rc = spawn(argv, stdin_fd, out[1], &c->pid);
    /* The parent must drop its copy of the write end: while any copy is
     * open, the reader never sees end-of-file (the pipeline demos show it). */
    CL_CHECK_SYS(close(out[1]));
    if (rc != 0) {
        CL_CHECK_SYS(close(out[0]));
        c->pid = 0;
        return rc;
    }
    c->stdout_fd = out[0];
    return 0;
}

/* Wait for the child to exit, until the deadline or Ctrl-C. Reaps it and
 * returns true if it exited. Checks every half millisecond: bounded, so
 * Ctrl-C is seen, and close enough for the timings below. */
static bool wait_until(struct child *c, double deadline, int *status)
{
    for (;;) {
        pid_t done = waitpid(c->pid, status, WNOHANG);
        CL_CHECK_SYS(done);
        if (done == c->pid) {
            c->pid = 0;
            return true;
        }
        if (cl_now() >= deadline || cl_interrupted())
            return false;
        cl_sleep(0.0005);
    }
}

/* [p3] Read the child's output until end-of-file, the deadline or Ctrl-C.
 * Returns true at end-of-file. Keeps at most cap-1 bytes but reads them all:
 * a child whose pipe is full blocks in write() and would never finish. */
static bool read_until(struct child *c, double deadline, char *buf, size_t cap,
                       struct outcome *o)
{
    while (c->stdout_fd >= 0) {
        double left = deadline - cl_now();
        if (left <= 0 || cl_interrupted())
            return false;
        struct pollfd p = {.fd = c->stdout_fd, .events = POLLIN};
        int ready = poll(&p, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1);
        if (ready == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(ready);
        if (ready == 0)
            continue;
        char chunk[4096];
        ssize_t n = read(c->stdout_fd, chunk, sizeof chunk);
        CL_CHECK_SYS(n);
        if (n == 0) {
            CL_CHECK_SYS(close(c->stdout_fd));
            c->stdout_fd = -1;
            break;
        }
        size_t room = o->bytes + 1 < cap ? cap - 1 - o->bytes : 0;
        size_t keep = (size_t)n < room ? (size_t)n : room;
        memcpy(buf + o->bytes, chunk, keep);
        o->bytes += (size_t)n;
        buf[o->bytes < cap ? o->bytes : cap - 1] = '\0';
    }
    return true;
}

/* [p3] communicate(timeout=): collect the output and the exit status. When
 * the deadline passes first, it gives up (Python raises TimeoutExpired) and
 * the child is STILL RUNNING: o.finished is false and the caller must end it
 * (stop_child) or wait longer. */
static struct outcome communicate(struct child *c, double timeout_s, char *buf, size_t cap)
{
    struct outcome o = {0};
    double deadline = cl_now() + timeout_s;
    if (cap > 0)
        buf[0] = '\0';
    o.finished = read_until(c, deadline, buf, cap, &o) && wait_until(c, deadline, &o.status);
    return o;
}

/* [p4] terminate(), wait(timeout=grace), kill(), wait(): ask politely with
 * SIGTERM, and after the grace period insist with SIGKILL, which cannot be
 * caught or ignored. Then reap: a child that has died but was never waited
 * for stays in the process table as a zombie. Closes its pipe. */
static int stop_child(struct child *c, double grace_s)
{
    int status = 0;
    if (c->pid > 0) {
        CL_CHECK_SYS(kill(c->pid, SIGTERM));
        double deadline = cl_now() + grace_s;
        while (c->pid > 0 && cl_now() < deadline) { /* Ctrl-C cannot cut the grace short */
            pid_t done = waitpid(c->pid, &status, WNOHANG);
            CL_CHECK_SYS(done);
            if (done == c->pid)
                c->pid = 0;
            else
                cl_sleep(0.0005);
        }
        if (c->pid > 0) {
            CL_CHECK_SYS(kill(c->pid, SIGKILL));
            CL_CHECK_SYS(waitpid(c->pid, &status, 0)); /* SIGKILL: returns at once */
            c->pid = 0;
        }
    }
    if (c->stdout_fd >= 0) {
        CL_CHECK_SYS(close(c->stdout_fd));
        c->stdout_fd = -1;
    }
    return status;
}

/* Every exit path ends every child it started: SIGTERM to all at once, one
 * grace period for all, then SIGKILL to whoever is left. */
static void stop_children(struct child *kids, long n)
{
    for (long i = 0; i < n; i++)
        if (kids[i].pid > 0)
            CL_CHECK_SYS(kill(kids[i].pid, SIGTERM));
    for (long i = 0; i < n; i++)
        stop_child(&kids[i], GRACE_S); /* the first waits; the rest are gone by then */
}

/* A spawn failed part-way (EAGAIN at a process limit): stop and reap what
 * was started, say so in one line, exit 1. */
_Noreturn static void give_up(const char *program, int err, struct child *kids, long started)
{
    stop_children(kids, started);
    fprintf(stderr, "%s: cannot start '%s': %s (%ld started before it: stopped and reaped)\n",
            cl_program_name(), program, strerror(err), started);
    exit(1);
}

/* [p5] run(argv, capture_output=True, timeout=t): Popen, communicate, and on
 * timeout end the child and wait for it, all in one call. Python's run()
 * sends SIGKILL straight away; this one gives SIGTERM a grace period first. */
static struct outcome run(char *const argv[], double timeout_s, char *buf, size_t cap, int *spawn_error)
{
    struct child c = {.stdout_fd = -1};
    struct outcome o = {0};
    *spawn_error = spawn_captured(argv, -1, &c, true);
    if (*spawn_error != 0)
        return o;
    o = communicate(&c, timeout_s, buf, cap);
    if (!o.finished)
        o.status = stop_child(&c, GRACE_S);
    stop_child(&c, GRACE_S); /* closes the pipe; the child is reaped already */
    return o;
}

/* [p6] Popen, then poll(): the parent does its own work while its children
 * run, and asks now and then (waitpid with WNOHANG) whether they are done.
 * One unit of work: the sum of the squares 1..n, checked against the formula. */
static bool one_unit_of_work(void)
{
    const long n = 20000;
    long sum = 0;
    for (long i = 1; i <= n; i++)
        sum += i * i;
    return sum == n * (n + 1) * (2 * n + 1) / 6;
}

/* [p7] N children that each sleep: serial waits for each before starting
 * the next (run() N times); parallel starts them all (Popen N times), then
 * waits for them all. Returns false on Ctrl-C, with every child reaped. */
static bool run_sleepers(long n, const char *seconds, bool parallel, double *wall, double *spawn_s)
{
    char *argv[] = {"sleep", (char *)seconds, NULL};
    struct child *kids = calloc((size_t)n, sizeof *kids);
    if (!kids)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    double t0 = cl_now(), spawning = 0;
    long started = 0;
    bool interrupted = false;
    for (long i = 0; i < n && !interrupted; i++) {
        double s0 = cl_now();
        int rc = spawn(argv, -1, -1, &kids[i].pid);
        spawning += cl_now() - s0;
        kids[i].stdout_fd = -1;
        if (rc != 0) {
            kids[i].pid = 0;
            give_up(argv[0], rc, kids, started);
        }
        started++;
        if (!parallel) /* serial: wait for each before starting the next */
            interrupted = !wait_until(&kids[i], 1e300, &(int){0});
    }
    for (long i = 0; parallel && i < started && !interrupted; i++)
        interrupted = !wait_until(&kids[i], 1e300, &(int){0});
    *wall = cl_now() - t0;
    *spawn_s = spawning;
    stop_children(kids, started); /* nothing left to stop unless interrupted */
    free(kids);
    return !interrupted;
}

/* ---- The experiments: each part of the story, one function --------------- */

struct settings {
    const char *mode;
    struct cl_list children;
    double sleep_s;
    double timeout_s;
    long lines;
    long rounds;
    bool csv;
    char **command;   /* from "-- cmd args", or NULL */
    int fds_at_start; /* to count descriptors leaked by each part */
};

#define CSV_COLUMNS "mode,round,children,sleep_s,wall_s,spawn_s,speedup,exit_code," \
                    "timed_out,children_left,fds_leaked"

/* At the bottom of the file: plumbing. */
static void csv_row(const struct settings *s, const char *mode, long round, long children,
                    double sleep_s, double wall, double spawn_s, double speedup, int status,
                    bool timed_out);
static void describe_status(int status, char *out, size_t cap);
static void refuse_unbounded(const struct settings *s);

static int run_capture(const struct settings *s)
{
    char *hello[] = {"echo", "hello from a child", NULL};
    char **argv = s->command ? s->command : hello;
    const size_t cap = 1 << 16;
    char *out = malloc(cap);
    if (!out)
        cl_fail(__FILE__, __LINE__, "malloc", errno);
    int spawn_error;
    double t0 = cl_now();
    double deadline_s = s->timeout_s < 5 ? 5 : s->timeout_s;
    struct outcome o = run(argv, deadline_s, out, cap, &spawn_error);
    double wall = cl_now() - t0;
    if (spawn_error != 0)
        cl_usage_error("cannot start '%s': %s", argv[0], strerror(spawn_error));
    if (cl_interrupted()) {
        free(out);
        return 0;
    }
    char how[64];
    describe_status(o.status, how, sizeof how);
    if (s->csv) {
        csv_row(s, "capture", 1, 1, 0, wall, 0, 0, o.status, !o.finished);
    } else {
        printf("capture   run(%s) -> %s%s, %zu bytes:\n", argv[0], how,
               o.finished ? "" : ", timed out", o.bytes);
        size_t kept = o.bytes < cap - 1 ? o.bytes : cap - 1; /* not strlen: it may hold '\0' */
        fwrite(out, 1, kept, stdout); /* exactly what the child wrote */
        if (kept > 0 && out[kept - 1] != '\n')
            putchar('\n');
        if (kept < o.bytes)
            printf("          (%zu more bytes not kept)\n", o.bytes - kept);
    }
    free(out);
    /* A child can exit 0 and still time out: a process it started in the
     * background keeps the pipe open, and end-of-file never comes. As with
     * Python's run(), only the child is stopped, not what it started. */
    if (!o.finished)
        fprintf(stderr, "%s: child '%s' timed out after %.1f s with its output still open (%s)\n",
                cl_program_name(), argv[0], deadline_s, how);
    else if (!WIFEXITED(o.status) || WEXITSTATUS(o.status) != 0)
        fprintf(stderr, "%s: child '%s' failed: %s\n", cl_program_name(), argv[0], how);
    return o.finished && WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0 ? 0 : 1;
}

/* --mode serial or parallel: one run per children count, no comparison. */
static void run_one_way(const struct settings *s, bool parallel)
{
    char seconds[32];
    snprintf(seconds, sizeof seconds, "%.3f", s->sleep_s);
    const char *mode = parallel ? "parallel" : "serial";
    for (int k = 0; k < s->children.n && !cl_interrupted(); k++) {
        long n = s->children.v[k];
        double wall, spawn_s;
        if (!run_sleepers(n, seconds, parallel, &wall, &spawn_s))
            return;
        if (s->csv)
            csv_row(s, mode, 1, n, s->sleep_s, wall, spawn_s, 0, 0, false);
        else
            printf("%-9s %ld children x sleep %.3g s: %.3f s (spawning took %.3f s)\n", mode, n,
                   s->sleep_s, wall, spawn_s);
    }
}

/* [p7] Serial and parallel, interleaved round after round; each speedup is
 * serial / parallel within its own round. */
static void run_compare(const struct settings *s)
{
    char seconds[32];
    snprintf(seconds, sizeof seconds, "%.3f", s->sleep_s);
    double *speedups = calloc((size_t)(s->rounds * s->children.n), sizeof *speedups);
    if (!speedups)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    for (long round = 1; round <= s->rounds; round++) {
        for (int k = 0; k < s->children.n; k++) {
            long n = s->children.v[k];
            double serial, parallel, serial_spawn, parallel_spawn;
            if (!run_sleepers(n, seconds, false, &serial, &serial_spawn) ||
                !run_sleepers(n, seconds, true, &parallel, &parallel_spawn)) {
                free(speedups);
                return;
            }
            double speedup = serial / parallel;
            speedups[k * s->rounds + round - 1] = speedup;
            if (s->csv) {
                csv_row(s, "serial", round, n, s->sleep_s, serial, serial_spawn, 1, 0, false);
                csv_row(s, "parallel", round, n, s->sleep_s, parallel, parallel_spawn, speedup, 0,
                        false);
            } else {
                printf("round %-3ld %ld children x sleep %.3g s: serial %.3f s, parallel %.3f s, "
                       "%.1fx\n", round, n, s->sleep_s, serial, parallel, speedup);
            }
        }
    }
    for (int k = 0; k < s->children.n && !s->csv; k++) {
        struct cl_spread x = cl_spread_of(speedups + k * s->rounds, (size_t)s->rounds);
        printf("          %ld children: parallel %.1fx faster than serial (median of %ld rounds, "
               "%.1f-%.1fx)\n", s->children.v[k], x.median, s->rounds, x.lo, x.hi);
    }
    free(speedups);
}

static void run_poll(const struct settings *s)
{
    char seconds[32];
    snprintf(seconds, sizeof seconds, "%.3f", s->sleep_s);
    char *argv[] = {"sleep", seconds, NULL};
    long n = s->children.v[0];
    struct child *kids = calloc((size_t)n, sizeof *kids);
    if (!kids)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    double t0 = cl_now();
    for (long i = 0; i < n; i++) { /* Popen returns at once */
        int rc = spawn(argv, -1, -1, &kids[i].pid);
        kids[i].stdout_fd = -1;
        if (rc != 0) {
            kids[i].pid = 0;
            give_up(argv[0], rc, kids, i);
        }
    }
    long units = 0, polls = 0, running = n;
    while (running > 0 && !cl_interrupted()) {
        if (!one_unit_of_work()) /* the parent's own work, between polls */
            cl_die("the parent's sum of squares came out wrong");
        units++;
        polls++;
        running = 0;
        for (long i = 0; i < n; i++) {
            int status;
            if (kids[i].pid > 0 && !wait_until(&kids[i], 0, &status)) /* poll(): no waiting */
                running++;
        }
    }
    double wall = cl_now() - t0;
    stop_children(kids, n); /* only on Ctrl-C is anyone left */
    free(kids);
    if (cl_interrupted())
        return;
    if (s->csv)
        csv_row(s, "poll", 1, n, s->sleep_s, wall, 0, (double)units, 0, false);
    else
        printf("poll      %ld children x sleep %.3g s; meanwhile the parent did %ld units of its "
               "own work\n          (each checked), polling the children %ld times; all done "
               "after %.3f s\n", n, s->sleep_s, units, polls, wall);
}

/* seq 1 N | wc -l, three ways:
 *   fine          every copy of the write end closed once handed out: wc
 *                 sees end-of-file when seq exits, and counts N;
 *   forgot_close  the parent keeps its copy for --timeout seconds: wc waits
 *                 until the late close, then counts N;
 *   leak_fds      no FD_CLOEXEC: wc inherits the write end of ITS OWN input
 *                 and never sees end-of-file; at the deadline it is stopped,
 *                 with no count. This is why Python closes inherited
 *                 descriptors (close_fds=True). */
enum pipeline_kind { PIPELINE_FINE, PIPELINE_FORGOT_CLOSE, PIPELINE_LEAK_FDS };

static void run_pipeline(const struct settings *s, enum pipeline_kind kind)
{
    static const char *const modes[] = {"pipeline", "pipeline_forgot_close", "pipeline_leak_fds"};
    char count[32];
    snprintf(count, sizeof count, "%ld", s->lines);
    char *producer[] = {"seq", "1", count, NULL};
    char *consumer[] = {"wc", "-l", NULL};
    bool cloexec = kind != PIPELINE_LEAK_FDS;
    int link[2];
    make_pipe(link, cloexec);
    struct child kids[2] = {{.stdout_fd = -1}, {.stdout_fd = -1}}; /* seq, wc */
    struct child *seq = &kids[0], *wc = &kids[1];
    double t0 = cl_now();
    /* wc first: its pipe is the last descriptor this part needs, so if it
     * cannot be made (EMFILE), no child has been started yet to leave behind. */
    int rc = spawn_captured(consumer, link[0], wc, cloexec);
    if (rc != 0) {
        CL_CHECK_SYS(close(link[0]));
        CL_CHECK_SYS(close(link[1]));
        give_up(consumer[0], rc, kids, 0);
    }
    rc = spawn(producer, -1, link[1], &seq->pid);
    if (rc != 0) {
        seq->pid = 0;
        CL_CHECK_SYS(close(link[0]));
        CL_CHECK_SYS(close(link[1]));
        give_up(producer[0], rc, kids, 2); /* stops wc; seq's pid is 0 */
    }
    CL_CHECK_SYS(close(link[0]));
    if (kind != PIPELINE_FORGOT_CLOSE)
        CL_CHECK_SYS(close(link[1]));

    char out[64] = "";
    struct outcome o = {0};
    bool stalled = false;
    if (kind == PIPELINE_FORGOT_CLOSE) {
        stalled = !read_until(wc, cl_now() + s->timeout_s, out, sizeof out, &o);
        if (!s->csv && !cl_interrupted())
            printf("pipeline  forgot close: wc %s after %.2f s\n",
                   stalled ? "still waiting for end-of-file" : "finished anyway", cl_now() - t0);
        CL_CHECK_SYS(close(link[1])); /* the fix, late: now wc sees EOF */
    }
    wait_until(seq, 1e300, &(int){0});
    size_t earlier = o.bytes;
    double wait_s = kind == PIPELINE_LEAK_FDS ? s->timeout_s : 5.0;
    struct outcome last = communicate(wc, wait_s, out + earlier, sizeof out - earlier);
    if (!last.finished)
        last.status = stop_child(wc, GRACE_S);
    stop_children(kids, 2); /* closes wc's pipe; only on Ctrl-C is anyone left */
    double wall = cl_now() - t0;
    if (cl_interrupted())
        return;
    long counted = strtol(out, NULL, 10);
    if (kind == PIPELINE_LEAK_FDS)
        stalled = !last.finished;
    if (s->csv) {
        csv_row(s, modes[kind], 1, 2, 0, wall, 0, 0, last.status, stalled);
    } else if (kind == PIPELINE_LEAK_FDS) {
        char how[64];
        describe_status(last.status, how, sizeof how);
        if (stalled)
            printf("pipeline  without FD_CLOEXEC: wc -l never saw end-of-file (it holds the write\n"
                   "          end of its own input); stopped at the %.2f s deadline: %s, no count\n",
                   s->timeout_s, how);
        else
            printf("pipeline  without FD_CLOEXEC: wc -l finished anyway -> %ld\n", counted);
    } else {
        printf("pipeline  %sseq 1 %ld | wc -l -> %ld in %.3f s\n",
               kind == PIPELINE_FORGOT_CLOSE ? "after the late close: " : "", s->lines, counted,
               wall);
    }
    if (kind != PIPELINE_LEAK_FDS && (counted != s->lines || !last.finished))
        cl_die("pipeline counted %ld lines, expected %ld", counted, s->lines);
}

/* communicate(timeout=) gives up and leaves the child running; terminate()
 * ends it. Then run(timeout=) on a child that ignores SIGTERM: after the
 * grace period, SIGKILL. */
static void run_timeout(const struct settings *s)
{
    char *sleeper[] = {"sleep", LONG_SLEEP, NULL};
    struct child c = {.stdout_fd = -1};
    int rc = spawn_captured(sleeper, -1, &c, true);
    if (rc != 0)
        give_up(sleeper[0], rc, &c, 0);
    char out[16];
    double t0 = cl_now();
    struct outcome o = communicate(&c, s->timeout_s, out, sizeof out);
    double gave_up = cl_now() - t0;
    bool still_running = c.pid > 0 && waitpid(c.pid, &(int){0}, WNOHANG) == 0;
    double t1 = cl_now();
    int status = stop_child(&c, GRACE_S); /* terminate(), then wait() */
    double stopped = cl_now() - t1;
    if (cl_interrupted())
        return;
    if (o.finished)
        cl_die("sleep %s finished inside a %.2f s deadline", LONG_SLEEP, s->timeout_s);
    char how[64];
    describe_status(status, how, sizeof how);
    if (s->csv)
        csv_row(s, "timeout", 1, 1, 0, gave_up, 0, 0, status, true);
    else
        printf("timeout   communicate(timeout=%.2f) on sleep %s: gave up after %.3f s, child %s\n"
               "          terminate(): %s %.3f s later, reaped\n",
               s->timeout_s, LONG_SLEEP, gave_up, still_running ? "still running" : "gone",
               how, stopped);
    if (!still_running)
        cl_die("the child was gone before anyone stopped it");

    /* A child that ignores SIGTERM (an ignored signal stays ignored across exec). */
    char *stubborn[] = {"sh", "-c", "trap '' TERM; exec sleep " LONG_SLEEP, NULL};
    int spawn_error;
    t0 = cl_now();
    o = run(stubborn, s->timeout_s, out, sizeof out, &spawn_error);
    double wall = cl_now() - t0;
    if (spawn_error != 0)
        give_up(stubborn[0], spawn_error, NULL, 0);
    if (cl_interrupted())
        return;
    describe_status(o.status, how, sizeof how);
    if (s->csv)
        csv_row(s, "timeout_ignores_term", 1, 1, 0, wall, 0, 0, o.status, !o.finished);
    else
        printf("timeout   run(timeout=%.2f) on a child that ignores SIGTERM: %s after %.3f s\n"
               "          (the deadline, then %.1f s of grace, then SIGKILL), reaped\n",
               s->timeout_s, how, wall, GRACE_S);
    if (o.finished)
        cl_die("a child that sleeps %s s finished inside a %.2f s deadline", LONG_SLEEP,
               s->timeout_s);
}

static int run_all(const struct settings *s)
{
    int failed = run_capture(s);
    if (!cl_interrupted())
        run_compare(s);
    if (!cl_interrupted())
        run_poll(s);
    for (int kind = PIPELINE_FINE; kind <= PIPELINE_LEAK_FDS && !cl_interrupted(); kind++)
        run_pipeline(s, (enum pipeline_kind)kind);
    if (!cl_interrupted())
        run_timeout(s);
    return failed;
}

int main(int argc, char **argv)
{
    struct settings s = {.mode = "all", .children = {1, {10}}, .sleep_s = 0.05,
                         .timeout_s = 0.2, .lines = 100000, .rounds = 5};
    struct cl_opt opts[] = {
        {"mode", CL_OPT_CHOICE, &s.mode, "which part to run",
         .choices = "all|capture|compare|serial|parallel|poll|pipeline|pipeline_forgot_close|"
                    "pipeline_leak_fds|timeout"},
        {"children", CL_OPT_LIST, &s.children, "children counts for compare, serial, parallel "
         "(poll uses the first)", 1, 2000},
        {"sleep", CL_OPT_DOUBLE, &s.sleep_s, "seconds each sleeping child sleeps", 0, 60},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds of serial then parallel (compare, all)", 1, 1000},
        {"timeout", CL_OPT_DOUBLE, &s.timeout_s,
         "deadline in seconds for the timeout and stalled-pipeline demos", 0.01, 60},
        {"lines", CL_OPT_INT, &s.lines, "lines the pipeline's first stage writes", 1, 100000000},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "52_subprocess",
        .summary = "start child processes, capture their output, run them in parallel, "
                   "chain them, and stop one that overruns",
        .epilogue = "Examples:\n"
                    "  52_subprocess                              the whole story\n"
                    "  52_subprocess --mode compare --children 1,10,50 --rounds 3\n"
                    "  52_subprocess --mode pipeline_leak_fds     wc never sees end-of-file\n"
                    "  52_subprocess --mode capture -- uname -a   capture any command\n"
                    "CSV columns: " CSV_COLUMNS "\n"
                    "speedup: serial / parallel wall time in the same round (parallel rows;\n"
                    "1 on serial rows); poll rows put the parent's units of work there.\n"
                    "spawn_s: time spent in posix_spawnp for all the children of a row.\n"
                    "children_left and fds_leaked are counted after each part; both must be 0.\n"
                    "A run is bounded: one that would wait more than " STR(MAX_WAIT_S) " s in all\n"
                    "(sleeps, deadlines) or start more than " STR(MAX_STARTED) " children is refused (exit 2).\n"
                    "capture waits for its command at most max(5, --timeout) seconds.\n"
                    "Exit status: 0 done; 1 a captured child failed, or a child could not be\n"
                    "started part-way (those already started are stopped and reaped first);\n"
                    "2 bad input; 130 Ctrl-C (every child stopped and reaped).\n",
        .opts = opts,
        .takes_command = true,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    if (prog.command_index < argc) {
        if (strcmp(s.mode, "capture") != 0)
            cl_usage_error("a command after '--' needs --mode capture");
        s.command = argv + prog.command_index;
    }
    refuse_unbounded(&s);
    cl_catch_stop_signals();

    s.fds_at_start = cl_open_fds();
    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    int failed = 0;
    if (strcmp(s.mode, "all") == 0)
        failed = run_all(&s);
    else if (strcmp(s.mode, "capture") == 0)
        failed = run_capture(&s);
    else if (strcmp(s.mode, "compare") == 0)
        run_compare(&s);
    else if (strcmp(s.mode, "serial") == 0 || strcmp(s.mode, "parallel") == 0)
        run_one_way(&s, strcmp(s.mode, "parallel") == 0);
    else if (strcmp(s.mode, "poll") == 0)
        run_poll(&s);
    else if (strcmp(s.mode, "pipeline") == 0)
        run_pipeline(&s, PIPELINE_FINE);
    else if (strcmp(s.mode, "pipeline_forgot_close") == 0)
        run_pipeline(&s, PIPELINE_FORGOT_CLOSE);
    else if (strcmp(s.mode, "pipeline_leak_fds") == 0)
        run_pipeline(&s, PIPELINE_LEAK_FDS);
    else
        run_timeout(&s);

    if (cl_interrupted()) {
        cl_check_leftovers(s.fds_at_start, true);
        fprintf(stderr, "%s: interrupted; every child stopped and reaped\n", cl_program_name());
        return 130;
    }
    cl_check_leftovers(s.fds_at_start, s.csv);
    return failed;
}

/* ---- Plumbing: CSV rows and status text ------------------------------------ */

static void describe_status(int status, char *out, size_t cap)
{
    if (WIFEXITED(status))
        snprintf(out, cap, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, cap, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(out, cap, "status 0x%x", (unsigned)status);
}

/* Each row also says whether this part left a child unreaped or a
 * descriptor open: both must be 0. */
static void csv_row(const struct settings *s, const char *mode, long round, long children,
                    double sleep_s, double wall, double spawn_s, double speedup, int status,
                    bool timed_out)
{
    cl_csv_row("%s,%ld,%ld,%.3f,%.6f,%.6f,%.6g,%d,%d,%d,%d", mode, round, children, sleep_s, wall,
               spawn_s, speedup, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
               timed_out, cl_children_left(), cl_open_fds() - s->fds_at_start);
}

/* The ranges of the flags alone allow runs of hours (1000 rounds of 2000
 * children that each sleep 60 s, one after another). Add up what the chosen
 * mode would wait for and start, and refuse a run past the bounds. */
static void refuse_unbounded(const struct settings *s)
{
    bool all = strcmp(s->mode, "all") == 0;
    double sum = 0, counts = s->children.n;
    for (int k = 0; k < s->children.n; k++)
        sum += (double)s->children.v[k];
    double wait_s = 0, started = 0;
    if (all || strcmp(s->mode, "compare") == 0) {
        wait_s += (double)s->rounds * (sum + counts) * s->sleep_s;
        started += 2.0 * (double)s->rounds * sum;
    }
    if (strcmp(s->mode, "serial") == 0 || strcmp(s->mode, "parallel") == 0) {
        wait_s += (strcmp(s->mode, "serial") == 0 ? sum : counts) * s->sleep_s;
        started += sum;
    }
    if (all || strcmp(s->mode, "poll") == 0) {
        wait_s += s->sleep_s;
        started += (double)s->children.v[0];
    }
    if (all || strcmp(s->mode, "timeout") == 0)
        wait_s += 2 * s->timeout_s + GRACE_S;
    if (all || strncmp(s->mode, "pipeline_", 9) == 0)
        wait_s += (all ? 2 : 1) * s->timeout_s;
    if (wait_s > MAX_WAIT_S)
        cl_usage_error("--mode %s would wait %.1f s in all (sleeps and deadlines); at most %d: "
                       "fewer --rounds, --children or a shorter --sleep, --timeout",
                       s->mode, wait_s, MAX_WAIT_S);
    if (started > MAX_STARTED)
        cl_usage_error("--mode %s would start %.0f children; at most %d: fewer --rounds or "
                       "--children", s->mode, started, MAX_STARTED);
}
