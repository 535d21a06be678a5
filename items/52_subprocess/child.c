/* child.c - Popen in C: see child.h. */
#include "52_subprocess/child.h"

#include "clab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

extern char **environ;

/* After SIGKILL a process ends as soon as it runs; this bounds the wait for
 * it (a process stuck in the kernel, D state) so that no stop can hang. */
#define KILL_WAIT_S 5.0

int child_start(struct child *c, char *const argv[], int in_fd, int out_fd)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    CL_CHECK_RC(posix_spawn_file_actions_init(&actions));
    CL_CHECK_RC(posix_spawnattr_init(&attr));
    if (in_fd >= 0)
        CL_CHECK_RC(posix_spawn_file_actions_adddup2(&actions, in_fd, 0));
    if (out_fd >= 0)
        CL_CHECK_RC(posix_spawn_file_actions_adddup2(&actions, out_fd, 1));
    /* A group of its own, numbered by its pid: whatever it starts joins the
     * group, and one signal to the group reaches them all ([c4]). */
    CL_CHECK_RC(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP));
    CL_CHECK_RC(posix_spawnattr_setpgroup(&attr, 0));
    *c = (struct child){.out_fd = -1};
    int rc = posix_spawnp(&c->pid, argv[0], &actions, &attr, argv, environ);
    CL_CHECK_RC(posix_spawnattr_destroy(&attr));
    CL_CHECK_RC(posix_spawn_file_actions_destroy(&actions));
    if (rc != 0)
        c->pid = 0;
    c->group = c->pid;
    return rc;
}

void child_pipe(int fds[2], bool close_on_exec)
{
    CL_CHECK_SYS(pipe(fds));
    for (int i = 0; close_on_exec && i < 2; i++)
        CL_CHECK_SYS(fcntl(fds[i], F_SETFD, FD_CLOEXEC));
}

int child_start_captured(struct child *c, char *const argv[], int in_fd, bool close_on_exec)
{
    int out[2];
    child_pipe(out, close_on_exec);
    int rc = child_start(c, argv, in_fd, out[1]);
    /* The parent drops its copy of the write end at once: while any copy is
     * open anywhere, the reader never sees end-of-file. */
    CL_CHECK_SYS(close(out[1]));
    if (rc != 0)
        CL_CHECK_SYS(close(out[0]));
    else
        c->out_fd = out[0];
    return rc;
}

bool child_poll(struct child *c)
{
    if (c->pid <= 0)
        return true;
    pid_t done = waitpid(c->pid, &c->status, WNOHANG);
    CL_CHECK_SYS(done);
    if (done == c->pid)
        c->pid = 0;
    return c->pid == 0;
}

/* Popen.wait(timeout=) in CPython polls waitpid(WNOHANG) with a delay that
 * doubles from 1 ms up to 50 ms; this one stops doubling at 2 ms, so that a
 * sleep's end is seen within 2 ms and a stop signal sooner than that. */
bool child_wait_until(struct child *c, double deadline)
{
    for (double delay = 0.0005; !child_poll(c); delay = fmin(2 * delay, 0.002)) {
        if (cl_interrupted() || cl_now() >= deadline)
            return false;
        cl_sleep(delay);
    }
    return true;
}

bool child_communicate(struct child *c, double deadline, char *buf, size_t cap, size_t *bytes)
{
    size_t kept = 0;
    *bytes = 0;
    if (cap > 0)
        buf[0] = '\0';
    while (c->out_fd >= 0) {
        double left = deadline - cl_now();
        if (left <= 0 || cl_interrupted())
            return false;
        /* At most 0.1 s per poll(): a stop signal interrupts it (EINTR), and
         * one that lands just before it is still seen within 0.1 s. */
        struct pollfd p = {.fd = c->out_fd, .events = POLLIN};
        int ready = poll(&p, 1, (int)ceil(fmin(left, 0.1) * 1000));
        if (ready == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(ready);
        if (ready == 0)
            continue;
        char chunk[4096];
        ssize_t n = read(c->out_fd, chunk, sizeof chunk);
        CL_CHECK_SYS(n);
        if (n == 0) { /* end-of-file: every copy of the write end is closed */
            CL_CHECK_SYS(close(c->out_fd));
            c->out_fd = -1;
            break;
        }
        /* Keep what fits, but read it all: a child whose pipe is full blocks
         * in write() and would never end. */
        size_t room = cap > kept + 1 ? cap - 1 - kept : 0;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(buf + kept, chunk, take);
        kept += take;
        if (cap > 0)
            buf[kept] = '\0';
        *bytes += (size_t)n;
    }
    return child_wait_until(c, deadline);
}

/* sig to the child's group or to the child alone. A group already empty or
 * a child already reaped is no error; pid 0 would mean our own group. */
static void send_signal(struct child *c, int sig, bool whole_group)
{
    pid_t target = whole_group ? -c->group : c->pid;
    if (target != 0 && kill(target, sig) == -1 && errno != ESRCH)
        cl_fail(__FILE__, __LINE__, "kill", errno);
}

/* Reaps every process of the child's group that has ended: the child, and
 * the orphans of the group adopted by this process ([c6]). */
static void reap_ended(struct child *c)
{
    pid_t pid;
    int status;
    while (c->group > 0 && (pid = waitpid(-c->group, &status, WNOHANG)) > 0)
        if (pid == c->pid) {
            c->status = status;
            c->pid = 0;
        }
    child_poll(c);
}

/* True once the child (and, whole_group, everything of its group) is gone,
 * false at the deadline. Not cut short by a stop signal: it is the clean-up. */
static bool gone_by(struct child *c, double deadline, bool whole_group)
{
    for (double delay = 0.0005;; delay = fmin(2 * delay, 0.002)) {
        reap_ended(c);
        bool gone = c->pid == 0 && (!whole_group || c->group <= 0 || kill(-c->group, 0) == -1);
        if (gone || cl_now() >= deadline)
            return gone;
        cl_sleep(delay);
    }
}

int child_stop(struct child *c, double grace_s, bool whole_group)
{
    send_signal(c, SIGTERM, whole_group);
    if (!gone_by(c, cl_now() + grace_s, whole_group)) {
        send_signal(c, SIGKILL, whole_group); /* cannot be caught or ignored */
        gone_by(c, cl_now() + KILL_WAIT_S, whole_group);
    }
    if (c->out_fd >= 0) {
        CL_CHECK_SYS(close(c->out_fd));
        c->out_fd = -1;
    }
    return c->status;
}

int child_group_left(struct child *c)
{
    reap_ended(c);
    if (c->group <= 0 || kill(-c->group, 0) == -1)
        return 0;
    /* Something of the group still runs: kill it, and count it as it is reaped. */
    send_signal(c, SIGKILL, true);
    int left = 0, status;
    double deadline = cl_now() + KILL_WAIT_S;
    while (kill(-c->group, 0) == 0 && cl_now() < deadline) {
        pid_t pid = waitpid(-c->group, &status, WNOHANG);
        if (pid > 0 && pid == c->pid)
            c->pid = 0, c->status = status;
        if (pid > 0)
            left++;
        else
            cl_sleep(0.0005);
    }
    return left > 0 ? left : 1; /* not ours to reap (no [c6] here): at least one */
}

int child_run(char *const argv[], double timeout_s, double grace_s, bool whole_group, char *buf,
              size_t cap, struct child_run *r)
{
    struct child c;
    *r = (struct child_run){0};
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CL_CHECK_SYS(devnull);
    int rc = child_start_captured(&c, argv, devnull, true);
    CL_CHECK_SYS(close(devnull));
    if (rc != 0)
        return rc;
    double t0 = cl_now();
    r->ended = child_communicate(&c, t0 + timeout_s, buf, cap, &r->bytes);
    r->waited_s = cl_now() - t0;
    if (!r->ended)
        child_stop(&c, grace_s, whole_group);
    r->stop_s = cl_now() - t0 - r->waited_s;
    r->status = c.status;
    r->left = child_group_left(&c); /* after a normal end too */
    return 0;
}

void child_stop_all(struct child *kids, long n, double grace_s)
{
    for (long i = 0; i < n; i++)
        send_signal(&kids[i], SIGTERM, true);
    double deadline = cl_now() + grace_s; /* one grace period for all */
    for (long i = 0; i < n; i++) {
        if (!gone_by(&kids[i], deadline, true)) {
            send_signal(&kids[i], SIGKILL, true);
            gone_by(&kids[i], cl_now() + KILL_WAIT_S, true);
        }
        if (kids[i].out_fd >= 0) {
            CL_CHECK_SYS(close(kids[i].out_fd));
            kids[i].out_fd = -1;
        }
    }
}

void child_give_up(struct child *kids, long n, const char *what, const char *why)
{
    child_stop_all(kids, n, 0.1);
    cl_exit_if_interrupted();
    fprintf(stderr, "%s: %s: %s (every child stopped and reaped)\n", cl_program_name(), what, why);
    exit(1);
}

void child_check_all(struct child *kids, long n, const char *name)
{
    for (long i = 0; i < n && !cl_interrupted(); i++)
        if (kids[i].pid != 0 || !child_succeeded(kids[i].status)) {
            char what[128], how[64];
            snprintf(what, sizeof what, "child '%s' failed", name);
            child_describe(kids[i].status, how, sizeof how);
            child_give_up(kids, n, what, kids[i].pid != 0 ? "still running" : how);
        }
}

void child_adopt_orphans(void)
{
#ifdef PR_SET_CHILD_SUBREAPER
    CL_CHECK_SYS(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
#endif
}

int child_stop_adopted(void)
{
    int count = 0;
#ifdef __linux__
    DIR *proc = opendir("/proc");
    for (struct dirent *e; proc && (e = readdir(proc)) != NULL;) {
        char path[300], line[512];
        int parent;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        const char *after_name = f && fgets(line, sizeof line, f) ? strrchr(line, ')') : NULL;
        if (after_name && sscanf(after_name, ") %*c %d", &parent) == 1 && parent == getpid()) {
            pid_t pid = (pid_t)atoi(e->d_name);
            kill(pid, SIGKILL);
            count += waitpid(pid, NULL, 0) == pid;
        }
        if (f)
            fclose(f);
    }
    if (proc)
        closedir(proc);
#endif
    return count;
}

void child_describe(int status, char *out, size_t cap)
{
    if (WIFEXITED(status))
        snprintf(out, cap, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, cap, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(out, cap, "status 0x%x", (unsigned)status);
}

bool child_succeeded(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
