/*
 * tail.h - what every version of Item 62's tailer shares: the setting, one
 * run of one step, and a coroutine's frame. mixing.c holds the threaded
 * tail and the bridges [p1]-[p3], [p7]; tail_async.c the coroutines [p4]-[p6].
 */
#ifndef CONCLAB_TAIL_H
#define CONCLAB_TAIL_H

#include "62_mixing/event_loop.h"
#include "62_mixing/growing_logs.h"

#include <stdatomic.h>
#include <stdbool.h>

#define TAIL_BATCH 64      /* lines taken per read */
#define TAIL_MAX_FILES 64

struct tail_setting {
    struct logs_setting logs;
    double poll_s;
    long workers;                 /* the executor's threads */
    long fail_file, fail_line;    /* [p7] the write that fails; -1: none */
    bool call_soon;               /* [p7] call_soon_threadsafe, not run_coroutine_threadsafe */
    bool pinned;                  /* --pin: every thread on CPU 0 */
};

struct tail_run;
struct tail_task {                /* one coroutine per file: its frame */
    struct tail_run *r;
    int file, got, *left;
    struct loop *loop;
    struct loop_timer *poll;
    struct line lines[TAIL_BATCH];
};

struct tail_run {                 /* one step, start to end */
    const struct tail_setting *s;
    struct logs *w;
    struct loop *loop;            /* the main loop, for the steps that have one */
    struct executor *pool;
    atomic_int errors_on_loop, errors_in_thread;
    int errors_at_gather, files_left;
    struct tail_task task[TAIL_MAX_FILES];
};

/* A thread per file running body(r, file); joins them all. */
void tail_thread_per_file(struct tail_run *r, int (*body)(struct tail_run *r, int file));
/* The flags every program of the item shares (tail_setting.c): the book's
 * setting by default; rounds NULL: no --rounds. Returns --part. */
const char *tail_parse(struct tail_setting *s, long *rounds, int argc, char **argv,
                       const char *parts, const char *name, const char *summary);
/* About how long one run of one step lasts, in seconds. */
double tail_run_seconds(const struct tail_setting *s);
/* The steps of tail_async.c. */
void tail_readline_in_executor(struct tail_run *r);   /* [p4] */
void tail_native(struct tail_run *r);                 /* [p5] */
void tail_bottomup(struct tail_run *r);               /* [p6] */

#endif
