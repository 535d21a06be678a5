/*
 * pipeline.c - [p3] seq 1 N | wc -l: two children chained by a pipe. wc sees
 * end-of-file only once EVERY copy of the pipe's write end is closed:
 *   FINE          each copy closed once handed out: wc counts N;
 *   FORGOT_CLOSE  the parent keeps its copy for timeout_s: wc waits for it;
 *   LEAK_FDS      no FD_CLOEXEC: wc inherits the write end of ITS OWN input
 *                 and never sees end-of-file; it is stopped at the deadline.
 *                 This is why Python closes inherited descriptors
 *                 (close_fds=True, and pipes made non-inheritable).
 */
#include "52_subprocess/pipeline.h"

#include "52_subprocess/child.h"
#include "clab.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const pipeline_parts[3] = {"pipeline", "pipeline_forgot_close", "pipeline_leak_fds"};

void child_pipeline(enum pipeline_kind kind, long lines, double timeout_s, double grace_s)
{
    char count[32], out[64] = "", how[64];
    snprintf(count, sizeof count, "%ld", lines);
    char *seq_argv[] = {"seq", "1", count, NULL}, *wc_argv[] = {"wc", "-l", NULL};
    struct child kids[2] = {{0}, {0}}, *wc = &kids[0], *seq = &kids[1];
    bool cloexec = kind != PIPELINE_LEAK_FDS;
    int link[2];
    size_t bytes;
    child_pipe(link, cloexec);
    /* wc first: its pipe is the last descriptor made, so none can be missing
     * (EMFILE) once a child runs. */
    int rc = child_start_captured(wc, wc_argv, link[0], cloexec);
    rc = rc ? rc : child_start(seq, seq_argv, -1, link[1]);
    CL_CHECK_SYS(close(link[0])); /* the parent's copies: handed out, closed */
    if (kind != PIPELINE_FORGOT_CLOSE || rc != 0)
        CL_CHECK_SYS(close(link[1]));
    if (rc != 0)
        child_give_up(kids, 2, "cannot start the pipeline", strerror(rc));
    double t0 = cl_now();
    if (kind == PIPELINE_FORGOT_CLOSE) {
        bool ended = child_communicate(wc, t0 + timeout_s, out, sizeof out, &bytes);
        if (!cl_interrupted())
            printf("pipeline  the parent kept its copy of the write end: wc %s after %.2f s\n",
                   ended ? "ended anyway (!)" : "still waiting for end-of-file", cl_now() - t0);
        CL_CHECK_SYS(close(link[1])); /* the fix, late: now wc sees end-of-file */
    }
    bool ended = child_communicate(wc, cl_now() + (cloexec ? 5 : timeout_s), out, sizeof out,
                                   &bytes);
    child_describe(ended ? wc->status : child_stop(wc, grace_s, true), how, sizeof how);
    child_wait_until(seq, cl_now() + 5);
    child_check_all(&kids[1], 1, "seq");
    child_stop_all(kids, 2, grace_s); /* only after a stop signal is anyone left */
    if (cl_interrupted())
        return;
    long counted = strtol(out, NULL, 10);
    if (!cloexec)
        printf("pipeline  without FD_CLOEXEC: wc -l %s\n", ended ? "ended anyway (!)"
               : "never saw end-of-file (it holds the write end of its own\n"
                 "          input); stopped at the deadline, no count");
    else
        printf("pipeline  seq 1 %ld | wc -l -> %ld in %.3f s (wc: %s)\n", lines, counted,
               cl_now() - t0, how);
    if (cloexec && (!ended || counted != lines))
        cl_die("the pipeline counted '%s', expected %ld lines", out, lines);
}
