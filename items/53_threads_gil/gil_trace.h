/*
 * gil_trace.h - a timeline of who holds the GIL-like lock of gil.h (Item 53).
 *
 * Give a lock a trace (gil_set_trace) and gil.c records every move of every
 * thread into a fixed-size buffer: asks for the lock, takes it, is made to
 * drop it, puts it down for a blocking call, puts it down for good. Without
 * a trace the lock pays one pointer test per move and gil_tick pays nothing.
 *
 * From the moves, each thread is in one state at a time:
 *   running   it holds the lock and computes;
 *   waiting   it wants the lock and another thread has it;
 *   syscall   it put the lock down around a blocking call (Py_BEGIN_ALLOW_THREADS);
 * and nothing once it has released the lock for good.
 *
 * Written out as intervals (thread, state, start, end): CSV rows for
 * gnuplot, or Chrome trace-event JSON ("X" events) for Perfetto and
 * chrome://tracing.
 */
#ifndef CONCLAB_GIL_TRACE_H
#define CONCLAB_GIL_TRACE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

enum gil_trace_move {
    GIL_TRACE_NAME,    /* the thread says what it is (label) */
    GIL_TRACE_ASK,     /* it wants the lock and must wait */
    GIL_TRACE_TAKE,    /* it has the lock */
    GIL_TRACE_FORCED,  /* it was made to put the lock down (drop request, check interval) */
    GIL_TRACE_BLOCK,   /* it put the lock down around a blocking call */
    GIL_TRACE_RELEASE, /* it put the lock down for good */
};

enum gil_trace_state { GIL_STATE_RUNNING, GIL_STATE_WAITING, GIL_STATE_SYSCALL, GIL_STATE_GONE };

struct gil_trace_event {
    double t;              /* seconds since gil_trace_init */
    pthread_t thread;
    enum gil_trace_move move;
    const char *label;     /* GIL_TRACE_NAME only: a string that outlives the trace */
};

struct gil_trace {
    struct gil_trace_event *events;
    long capacity;
    atomic_long used;      /* may run past capacity: those moves are lost (counted) */
    double start;          /* cl_now() at gil_trace_init */
    double from;           /* seconds from start to gil_trace_begin; 0 before */
    double end;            /* seconds from start to gil_trace_stop; -1 before */
};

/* capacity: events kept; later ones are counted in gil_trace_lost. */
void gil_trace_init(struct gil_trace *t, long capacity);
void gil_trace_destroy(struct gil_trace *t);
void gil_trace_record(struct gil_trace *t, enum gil_trace_move move, const char *label);
/* The timeline starts now (time 0 of the intervals): moves before it only set
 * each thread's state, so a scene can begin once its threads are running. */
void gil_trace_begin(struct gil_trace *t);
void gil_trace_stop(struct gil_trace *t); /* the timeline ends now: later moves are left out */
/* The timeline is [from, to], two cl_now() times, set after the fact (a scene
 * whose start is known only once its threads ran). */
void gil_trace_window(struct gil_trace *t, double from, double to);
long gil_trace_lost(const struct gil_trace *t);

const char *gil_trace_state_name(enum gil_trace_state state);

/* Calls fn once per interval, thread by thread in order of first appearance
 * (index 0, 1, ...): the state, its start and end in seconds from
 * gil_trace_begin (or init). */
typedef void gil_trace_interval_fn(void *arg, int thread, const char *label,
                                   enum gil_trace_state state, double start, double end);
void gil_trace_intervals(const struct gil_trace *t, gil_trace_interval_fn *fn, void *arg);

/* Chrome trace-event JSON: one "X" event per interval, pid = process, one
 * tid per thread, named by the thread's label. Call begin, then one
 * gil_trace_json for each trace (process ids 1, 2, ...), then end. */
void gil_trace_json_begin(FILE *out);
void gil_trace_json(const struct gil_trace *t, FILE *out, int pid, const char *process_name);
void gil_trace_json_end(FILE *out);

#endif
