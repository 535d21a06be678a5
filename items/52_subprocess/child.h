/*
 * child.h - Python's subprocess.Popen in C, as item 52 uses it: start a
 * program as a child in a process group of its own, read its output through
 * a pipe, wait for it with a deadline, stop it and everything it started,
 * and reap it. The labels [c1]... are the ones items/52_subprocess/README.md
 * refers to.
 */
#ifndef CHILD_H
#define CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct child {
    pid_t pid;   /* 0 once reaped (or never started) */
    pid_t group; /* its process group: the same number, kept after the reaping */
    int out_fd;  /* read end of the pipe from its stdout, or -1 */
    int status;  /* as waitpid gives it, once reaped */
};

/* [c1] Popen(argv, stdin=in_fd, stdout=out_fd, process_group=0): start
 * argv[0], found on PATH, as the leader of a new process group, and return at
 * once. -1 keeps the parent's descriptor. 0, or the error number (ENOENT: no
 * such program; EAGAIN: a process limit). */
int child_start(struct child *c, char *const argv[], int in_fd, int out_fd);

/* [c2] A pipe whose ends no other child inherits (FD_CLOEXEC: Python's pipes
 * are not inheritable and close_fds=True is the default), unless told not to. */
void child_pipe(int fds[2], bool close_on_exec);

/* [c2] stdout=PIPE: the same, with c->out_fd reading what the child writes. */
int child_start_captured(struct child *c, char *const argv[], int in_fd, bool close_on_exec);

/* [c3] Popen.poll(): true if the child has ended (it is reaped then). */
bool child_poll(struct child *c);

/* [c3] Popen.wait(timeout=): true once the child ended and was reaped; false
 * at the deadline (a cl_now() time) or on a stop signal (cl_interrupted). */
bool child_wait_until(struct child *c, double deadline);

/* [c3] communicate(timeout=): read its output to end-of-file, then wait for
 * it. Keeps at most cap - 1 bytes in buf (NUL-terminated) but reads them all
 * and counts them in *bytes. False at the deadline or on a stop signal: the
 * child is STILL RUNNING (Python raises TimeoutExpired) and the caller stops it. */
bool child_communicate(struct child *c, double deadline, char *buf, size_t cap, size_t *bytes);

/* [c4] terminate(), wait(grace), kill(), wait(): SIGTERM, then SIGKILL to what
 * is left after grace_s, then reap. whole_group: to the child's process group
 * (os.killpg), waiting for the group to be empty; otherwise to the child alone,
 * as Popen.terminate() and kill() do, which leaves what it started running.
 * Closes its pipe. Returns its wait status. Never cut short by a stop signal. */
int child_stop(struct child *c, double grace_s, bool whole_group);

/* [c5] How many processes of the child's group were still running: they are
 * killed and reaped, and counted. 0 is the only good answer. */
int child_group_left(struct child *c);

/* Every exit path: SIGTERM to every group at once, one grace period for all,
 * SIGKILL to what is left, everything reaped. */
void child_stop_all(struct child *kids, long n, double grace_s);

/* [c5] run(argv, stdin=DEVNULL, capture_output=True, timeout=t): start the
 * child (its stdin /dev/null: in a group of its own, a child that read the
 * terminal would be stopped), communicate with it until the deadline, and past it stop it (its
 * whole group, or the child alone) with grace_s between SIGTERM and SIGKILL.
 * Then counts, kills and reaps what is left of its group: a process it
 * started and left running, even after a normal end. 0, or the error number
 * of a child that could not start. */
struct child_run {
    int status;       /* the child's wait status */
    bool ended;       /* end-of-file and exit before the deadline */
    double waited_s;  /* how long communicate waited */
    double stop_s;    /* how long the stop took, past the deadline (0 if it ended) */
    size_t bytes;     /* output read, perhaps more than buf kept */
    int left;         /* processes of its group left running (killed since) */
};
int child_run(char *const argv[], double timeout_s, double grace_s, bool whole_group,
              char *buf, size_t cap, struct child_run *r);

/* A child that failed or could not start is an error, not a data point:
 * stops every child of kids[0..n), says "what: why" in one line, exit 1 (or
 * the stop signal's status: a child ended by our own stop has not failed). */
_Noreturn void child_give_up(struct child *kids, long n, const char *what, const char *why);

/* Unless a stop signal came: every one of kids[0..n) exited with status 0,
 * or child_give_up naming the first that did not ("child 'NAME' failed"). */
void child_check_all(struct child *kids, long n, const char *name);

/* [c6] Orphans come back to us: a grandchild whose parent died is reparented
 * to this process (Linux: PR_SET_CHILD_SUBREAPER) rather than to init, so the
 * group stop can reap it too, wherever init does not. No-op elsewhere. */
void child_adopt_orphans(void);

/* [c6] Kills and reaps the orphans adopted from outside every child's group:
 * a grandchild that left the group (setsid, a daemon) and then lost its
 * parent. Call it when no child of ours should be running. How many there
 * were (Linux, from /proc; 0 elsewhere). */
int child_stop_adopted(void);

/* "exit status 1", "killed by signal 15 (Terminated)". */
void child_describe(int status, char *out, size_t cap);

/* Exit status 0. */
bool child_succeeded(int status);

#endif
