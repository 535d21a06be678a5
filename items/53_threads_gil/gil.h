/*
 * gil.h - a lock that plays CPython's Global Interpreter Lock (Item 53).
 *
 * One thread at a time may run "interpreter work": it holds the lock, and
 * every small step of that work is a tick. Blocking system calls are made
 * with the lock put down, so other threads run meanwhile. Three policies:
 *
 *   GIL_NEW   CPython 3.2 and later. A thread that has waited one switch
 *             interval (5 ms by default) sets a drop request; the holder sees
 *             it at its next tick, puts the lock down, and waits until another
 *             thread has picked it up before it asks again (a hand-off).
 *             The price is the convoy effect of CPython issue 7946: a thread
 *             coming back from a blocking call beside a CPU-bound one waits
 *             about one switch interval to get the lock back, every time.
 *   GIL_OLD   CPython 2. Every check_ticks ticks (100 by default) the holder
 *             puts the lock down and at once asks for it again. Nothing makes
 *             it wait, so on several cores it usually wins again: CPU-bound
 *             threads thrash (both cores busy, little work done) and a
 *             waiter gets in only when it wins a race, which it may lose for
 *             a long time when check_ticks is large.
 *   GIL_NONE  free-threaded CPython: every call does nothing.
 *
 * Use:   gil_acquire(&g);                      start running
 *        for (...) { step(); gil_tick(&g); }   may be made to drop here
 *        gil_blocking_begin(&g); read(...); gil_blocking_end(&g);
 *        gil_release(&g);                      finished
 *
 * Items 54 and 64 include this as "53_threads_gil/gil.h".
 */
#ifndef CONCLAB_GIL_H
#define CONCLAB_GIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct gil_trace; /* gil_trace.h: a timeline of the lock's moves */

enum gil_policy { GIL_NEW, GIL_OLD, GIL_NONE };

#define GIL_DEFAULT_INTERVAL_S 0.005 /* sys.getswitchinterval() */
#define GIL_DEFAULT_CHECK_TICKS 100  /* Python 2's sys.getcheckinterval() */

struct gil_stats {
    long acquisitions;   /* times any thread took the lock */
    long forced_drops;   /* times gil_tick made the holder put it down */
    double wait_seconds; /* total time threads spent waiting to take it */
    long switches;       /* acquisitions by a thread other than the last holder */
};

/* The fields are visible so a reader can see the whole state; only gil.c
 * touches them. Everything but drop_request is guarded by mutex, except
 * ticks, which only the current holder uses. */
struct gil {
    enum gil_policy policy;
    double switch_interval_s; /* GIL_NEW: how long a waiter waits before asking */
    long check_ticks;         /* GIL_OLD: ticks between release-and-retry */

    pthread_mutex_t mutex;    /* guards the state below */
    pthread_cond_t released;  /* signalled when the lock is put down */
    pthread_cond_t switched;  /* signalled when a thread takes it (hand-off) */
    bool locked;              /* some thread holds the lock */
    pthread_t holder;         /* which one, while locked */
    pthread_t last_holder;    /* the thread that held it most recently */
    bool ever_held;           /* last_holder is meaningful */
    unsigned long generation; /* +1 at every acquisition: "has anyone taken it?" */
    int waiting;              /* threads blocked in gil_acquire */

    /* GIL_NEW: set by a waiter, read by the holder at every tick without the
     * mutex, so it is atomic; a relaxed load keeps gil_tick cheap. */
    atomic_int drop_request;

    long ticks; /* GIL_OLD: the holder's ticks since it last took the lock */

    struct gil_stats stats;

    struct gil_trace *trace; /* NULL (the default): nothing is recorded */
};

/* "new" | "old" | "none": 0 and *out set; anything else: -1. */
int gil_policy_parse(const char *name, enum gil_policy *out);
const char *gil_policy_name(enum gil_policy policy);

/* switch_interval_s <= 0 and check_ticks <= 0 mean the defaults above. */
void gil_init(struct gil *g, enum gil_policy policy, double switch_interval_s, long check_ticks);
void gil_destroy(struct gil *g);

void gil_acquire(struct gil *g);        /* a thread starts running interpreter work */
void gil_release(struct gil *g);        /* a thread stops (finishes) */
void gil_tick(struct gil *g);           /* one interpreter tick by the holder: the place it may be made to drop */
void gil_blocking_begin(struct gil *g); /* Py_BEGIN_ALLOW_THREADS: release around a blocking call */
void gil_blocking_end(struct gil *g);   /* Py_END_ALLOW_THREADS: take it back */

struct gil_stats gil_get_stats(struct gil *g);

/* Record every move of every thread into trace (gil_trace.h) from now on;
 * NULL stops recording. Set it before the threads start. */
void gil_set_trace(struct gil *g, struct gil_trace *trace);

/* Does the calling thread hold the lock? Always false under GIL_NONE. */
bool gil_held_by_me(struct gil *g);

#endif
