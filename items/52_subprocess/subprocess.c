/*
 * 52_subprocess - Item 52: use child processes, and bound how long you wait.
 *
 * Python:  subprocess.Popen starts a program as a child; stdout=PIPE brings
 *          its output back; communicate(timeout=) waits, but not forever.
 * C:       posix_spawnp starts the child [p1], a pipe carries its stdout [p2],
 *          poll() bounds the wait [p3], kill + waitpid end and reap it [p4].
 *
 * The claim: children run at the same time as the parent and as each other,
 * so N children that each sleep S seconds take about S in all, not N x S.
 *
 * Run:  build/bin/52_subprocess                        the whole story
 *       build/bin/52_subprocess --mode parallel --children 20
 *       build/bin/52_subprocess --mode capture -- uname -a
 *
 * Prints (abridged):
 *   capture   echo -> exit status 0, 19 bytes:
 *   hello from a child
 *   serial    10 children x sleep 0.1 s, one after another: 1.012 s
 *   parallel  10 children x sleep 0.1 s, all at once:       0.103 s (9.8x faster)
 *   pipeline  seq 1 100000 | wc -l -> 100000 (correct)
 *   ...
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

struct child {
    pid_t pid;
    int stdout_fd; /* read end of a pipe from the child's stdout, or -1 */
};

struct outcome {
    int status;       /* as waitpid gives it */
    bool timed_out;   /* the deadline passed and the child was killed */
    size_t bytes;     /* output read, perhaps more than fitted in the buffer */
};

/* Close-on-exec, so no child inherits an end it was not given on purpose. */
static void make_pipe(int fds[2])
{
    CL_CHECK_SYS(pipe(fds));
    CL_CHECK_SYS(fcntl(fds[0], F_SETFD, FD_CLOEXEC));
    CL_CHECK_SYS(fcntl(fds[1], F_SETFD, FD_CLOEXEC));
}

/* [p1] Popen(argv, stdin=..., stdout=...): start argv[0], found on PATH.
 * stdin_fd and stdout_fd become the child's 0 and 1; -1 keeps the parent's.
 * Returns 0, or the error number when the program cannot be started. */
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
static int spawn_captured(char *const argv[], int stdin_fd, struct child *c)
{
    int out[2];
    make_pipe(out);
    int rc = spawn(argv, stdin_fd, out[1], &c->pid);
    /* The parent must drop its copy of the write end: while any copy is
     * open, the reader never sees end-of-file (the pipeline demo shows it). */
    CL_CHECK_SYS(close(out[1]));
    if (rc != 0) {
        CL_CHECK_SYS(close(out[0]));
        return rc;
    }
    c->stdout_fd = out[0];
    return 0;
}

/* [p3] Read the child's output until end-of-file or the deadline, whichever
 * comes first. Returns true at end-of-file. Keeps at most cap-1 bytes. */
static bool read_until(struct child *c, double deadline, char *buf, size_t cap,
                       struct outcome *o)
{
    while (c->stdout_fd >= 0) {
        double left = deadline - cl_now();
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = c->stdout_fd, .events = POLLIN};
        int ready = poll(&p, 1, (int)(left * 1000) + 1);
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

/* Has the child exited by the deadline? Reaps it if so. */
static bool exited_by(pid_t pid, double deadline, int *status)
{
    for (;;) {
        pid_t done = waitpid(pid, status, WNOHANG);
        CL_CHECK_SYS(done);
        if (done == pid)
            return true;
        if (cl_now() >= deadline)
            return false;
        cl_sleep(0.001);
    }
}

/* [p4] communicate(timeout=): collect the output, and past the deadline kill
 * the child. Either way waitpid reaps it: a child that has died but was never
 * waited for stays in the process table as a zombie. */
static struct outcome communicate(struct child *c, double timeout_s, char *buf, size_t cap)
{
    struct outcome o = {0};
    double deadline = cl_now() + timeout_s;
    if (cap > 0)
        buf[0] = '\0';
    bool eof = read_until(c, deadline, buf, cap, &o);
    if (!eof || !exited_by(c->pid, deadline, &o.status)) {
        o.timed_out = true;
        CL_CHECK_SYS(kill(c->pid, SIGKILL));
        CL_CHECK_SYS(waitpid(c->pid, &o.status, 0));
    }
    if (c->stdout_fd >= 0) {
        CL_CHECK_SYS(close(c->stdout_fd));
        c->stdout_fd = -1;
    }
    return o;
}

/* ---- The experiments ------------------------------------------------------- */

struct settings {
    const char *mode;
    long children;
    double sleep_s;
    double timeout_s;
    long lines;
    bool csv;
    char **command;   /* from "-- cmd args", or NULL */
    int fds_at_start; /* to count descriptors leaked by each part */
};

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

#define CSV_COLUMNS "mode,children,sleep_s,wall_s,exit_code,timed_out,children_left,fds_leaked"

/* Each row also says whether this part left a child unreaped or a
 * descriptor open: both must be 0. */
static void csv_row(const struct settings *s, const char *mode, long children,
                    double sleep_s, double wall, int status, bool timed_out)
{
    cl_csv_row("%s,%ld,%.3f,%.6f,%d,%d,%d,%d", mode, children, sleep_s, wall,
               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
               timed_out, cl_children_left(), cl_open_fds() - s->fds_at_start);
}

static int run_capture(const struct settings *s)
{
    char *hello[] = {"echo", "hello from a child", NULL};
    char **argv = s->command ? s->command : hello;
    struct child c = {.stdout_fd = -1};
    int rc = spawn_captured(argv, -1, &c);
    if (rc != 0)
        cl_usage_error("cannot start '%s': %s", argv[0], strerror(rc));
    static char out[1 << 16];
    double t0 = cl_now();
    struct outcome o = communicate(&c, s->timeout_s < 5 ? 5 : s->timeout_s, out, sizeof out);
    double wall = cl_now() - t0;
    char how[64];
    describe_status(o.status, how, sizeof how);
    if (s->csv) {
        csv_row(s, "capture", 1, 0, wall, o.status, o.timed_out);
    } else {
        printf("capture   %s -> %s%s, %zu bytes:\n", argv[0], how,
               o.timed_out ? ", timed out" : "", o.bytes);
        size_t kept = strlen(out);
        fwrite(out, 1, kept, stdout); /* exactly what the child wrote */
        if (kept > 0 && out[kept - 1] != '\n')
            putchar('\n');
        if (kept < o.bytes)
            printf("          (%zu more bytes not kept)\n", o.bytes - kept);
    }
    bool failed = o.timed_out || !WIFEXITED(o.status) || WEXITSTATUS(o.status) != 0;
    if (failed && !s->csv)
        fprintf(stderr, "%s: child '%s' failed: %s\n", cl_program_name(), argv[0], how);
    return failed ? 1 : 0;
}

static double run_sleepers(const struct settings *s, bool parallel)
{
    char seconds[32];
    snprintf(seconds, sizeof seconds, "%.3f", s->sleep_s);
    char *argv[] = {"sleep", seconds, NULL};
    pid_t *pids = calloc((size_t)s->children, sizeof *pids);
    if (!pids)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    double t0 = cl_now();
    for (long i = 0; i < s->children; i++) {
        CL_CHECK_RC(spawn(argv, -1, -1, &pids[i]));
        if (!parallel) /* serial: wait for each before starting the next */
            CL_CHECK_SYS(waitpid(pids[i], NULL, 0));
    }
    if (parallel) /* parallel: start them all, then reap them all */
        for (long i = 0; i < s->children; i++)
            CL_CHECK_SYS(waitpid(pids[i], NULL, 0));
    double wall = cl_now() - t0;
    free(pids);
    const char *mode = parallel ? "parallel" : "serial";
    if (s->csv)
        csv_row(s, mode, s->children, s->sleep_s, wall, 0, false);
    else
        printf("%-9s %ld children x sleep %.3g s, %s %.3f s\n", mode, s->children,
               s->sleep_s, parallel ? "all at once:      " : "one after another:", wall);
    return wall;
}

/* seq 1 N | wc -l. With forget_close the parent keeps its copy of the
 * pipe's write end for a while, and wc cannot finish: it waits for an
 * end-of-file that no writer will ever send. */
static int run_pipeline(const struct settings *s, bool forget_close)
{
    char count[32];
    snprintf(count, sizeof count, "%ld", s->lines);
    char *producer[] = {"seq", "1", count, NULL};
    char *consumer[] = {"wc", "-l", NULL};
    int link[2];
    make_pipe(link);
    pid_t seq_pid;
    struct child wc = {.stdout_fd = -1};
    double t0 = cl_now();
    CL_CHECK_RC(spawn(producer, -1, link[1], &seq_pid));
    CL_CHECK_RC(spawn_captured(consumer, link[0], &wc));
    CL_CHECK_SYS(close(link[0]));
    if (!forget_close)
        CL_CHECK_SYS(close(link[1]));

    char out[64] = "";
    struct outcome o = {0};
    bool stalled = false;
    if (forget_close) {
        stalled = !read_until(&wc, cl_now() + s->timeout_s, out, sizeof out, &o);
        if (!s->csv)
            printf("pipeline  forgot close: wc %s after %.2f s\n",
                   stalled ? "still waiting for end-of-file" : "finished anyway",
                   cl_now() - t0);
        CL_CHECK_SYS(close(link[1])); /* the fix, late: now wc sees EOF */
    }
    int seq_status;
    CL_CHECK_SYS(waitpid(seq_pid, &seq_status, 0));
    size_t earlier = o.bytes;
    o = communicate(&wc, 5.0, out + earlier, sizeof out - earlier);
    double wall = cl_now() - t0;
    long counted = strtol(out, NULL, 10);
    bool correct = counted == s->lines && !o.timed_out;
    const char *mode = forget_close ? "pipeline_forgot_close" : "pipeline";
    if (s->csv)
        csv_row(s, mode, 2, 0, wall, o.status, stalled);
    else
        printf("pipeline  %sseq 1 %ld | wc -l -> %ld (%s) in %.3f s\n",
               forget_close ? "after the late close: " : "", s->lines, counted,
               correct ? "correct" : "WRONG", wall);
    if (!correct)
        cl_die("pipeline counted %ld lines, expected %ld", counted, s->lines);
    return 0;
}

static int run_timeout(const struct settings *s)
{
    char *argv[] = {"sleep", "30", NULL};
    struct child c = {.stdout_fd = -1};
    CL_CHECK_RC(spawn_captured(argv, -1, &c));
    char out[16];
    double t0 = cl_now();
    struct outcome o = communicate(&c, s->timeout_s, out, sizeof out);
    double wall = cl_now() - t0;
    char how[64];
    describe_status(o.status, how, sizeof how);
    if (s->csv)
        csv_row(s, "timeout", 1, 30, wall, o.status, o.timed_out);
    else
        printf("timeout   sleep 30 with a %.2f s deadline: %s after %.3f s, %s, reaped\n",
               s->timeout_s, o.timed_out ? "killed" : "finished", wall, how);
    if (!o.timed_out)
        cl_die("sleep 30 finished inside a %.2f s deadline", s->timeout_s);
    return 0;
}

static int run_all(const struct settings *s)
{
    int failed = run_capture(s);
    double serial = run_sleepers(s, false);
    double parallel = run_sleepers(s, true);
    if (!s->csv)
        printf("          parallel is %.1fx faster than serial with %ld children\n",
               serial / parallel, s->children);
    run_pipeline(s, false);
    run_pipeline(s, true);
    run_timeout(s);
    return failed;
}

int main(int argc, char **argv)
{
    struct settings s = {.mode = "all", .children = 10, .sleep_s = 0.1,
                         .timeout_s = 0.2, .lines = 100000};
    struct cl_opt opts[] = {
        {"mode", CL_OPT_CHOICE, &s.mode, "which part to run",
         .choices = "all|capture|serial|parallel|pipeline|pipeline_forgot_close|timeout"},
        {"children", CL_OPT_INT, &s.children, "children for serial and parallel", 1, 2000},
        {"sleep", CL_OPT_DOUBLE, &s.sleep_s, "seconds each sleeping child sleeps", 0, 60},
        {"timeout", CL_OPT_DOUBLE, &s.timeout_s, "deadline in seconds for the timeout demo", 0.01, 60},
        {"lines", CL_OPT_INT, &s.lines, "lines the pipeline's first stage writes", 1, 100000000},
        {0},
    };
    struct cl_program prog = {
        .name = "52_subprocess",
        .summary = "start child processes, capture their output, run them in parallel, "
                   "chain them, and kill one that overruns",
        .epilogue = "Examples:\n"
                    "  52_subprocess                              the whole story\n"
                    "  52_subprocess --mode parallel --children 50 --sleep 0.2\n"
                    "  52_subprocess --mode capture -- uname -a   capture any command\n"
                    "CSV columns: " CSV_COLUMNS "\n"
                    "children_left and fds_leaked are counted after each part; both must be 0.\n",
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

    s.fds_at_start = cl_open_fds();
    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    int failed = 0;
    if (strcmp(s.mode, "all") == 0)
        failed = run_all(&s);
    else if (strcmp(s.mode, "capture") == 0)
        failed = run_capture(&s);
    else if (strcmp(s.mode, "serial") == 0 || strcmp(s.mode, "parallel") == 0)
        run_sleepers(&s, strcmp(s.mode, "parallel") == 0);
    else if (strncmp(s.mode, "pipeline", 8) == 0)
        run_pipeline(&s, strcmp(s.mode, "pipeline_forgot_close") == 0);
    else
        run_timeout(&s);

    cl_check_leftovers(s.fds_at_start, s.csv);
    return failed;
}
