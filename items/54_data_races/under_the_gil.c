/*
 * under_the_gil.c - Item 54's counter under Item 53's GIL-like lock, as
 * CPython runs the book's Counter: the thread holds the GIL, and a tick
 * (gil_tick) is where the GIL may be taken away, as between two bytecodes.
 * data_races.c runs these beside the same counter without a GIL.
 */
#include "54_data_races/race.h"

#include "clab.h"

/* [p5] The book's Counter.increment under the GIL: load, add, store, a tick
 * after each, where the GIL may be taken away, as between bytecodes. A
 * thread switched out after its load comes back after the others counted
 * for a whole switch interval and stores its stale value + 1: all their work
 * lost. Only one thread runs at a time, so this is a race condition but no
 * data race (ThreadSanitizer rightly stays silent). */
void increment_gil_racy(struct race *r, long n)
{
    for (long i = 0; i < n; i++) {
        long seen = r->plain_count; /* LOAD_ATTR */
        gil_tick(&r->gil);
        long sum = seen + 1;        /* INPLACE_ADD */
        gil_tick(&r->gil);
        r->plain_count = sum;       /* STORE_ATTR */
        gil_tick(&r->gil);
    }
}

/* [p10] The same add as CPython 3.10 and later run the book's method: the
 * eval loop looks for a switch only after calls and on backward jumps, so
 * here one tick per increment, after the store. No switch falls inside the
 * read-add-write and nothing is lost, yet the code is no more correct: put
 * a check inside (a call, as 54_counter.py's "call" shape does) and the
 * loss is back. */
void increment_gil_racy_310(struct race *r, long n)
{
    for (long i = 0; i < n; i++) {
        r->plain_count = r->plain_count + 1; /* load, add, store: no check between */
        gil_tick(&r->gil);                   /* the loop's JUMP_BACKWARD */
    }
}

/* Lock.acquire under the GIL, as CPython does it: try without letting the
 * GIL go; if the mutex is taken, put the GIL down while blocking on it (its
 * owner, switched out mid-increment, needs the GIL to reach its unlock). */
static void lock_under_gil(pthread_mutex_t *lock, struct gil *gil)
{
    int rc = pthread_mutex_trylock(lock);
    if (rc == 0)
        return;
    if (rc != EBUSY)
        cl_fail(__FILE__, __LINE__, "pthread_mutex_trylock", rc);
    gil_blocking_begin(gil);
    CL_CHECK_RC(pthread_mutex_lock(lock));
    gil_blocking_end(gil);
}

/* [p6] The book's LockingCounter: the thread can still be switched out
 * between its load and its store, but nobody else can touch the counter. */
void increment_gil_mutex(struct race *r, long n)
{
    for (long i = 0; i < n; i++) {
        lock_under_gil(&r->lock, &r->gil);
        long seen = r->plain_count;
        gil_tick(&r->gil);
        r->plain_count = seen + 1;
        gil_tick(&r->gil);
        CL_CHECK_RC(pthread_mutex_unlock(&r->lock));
        gil_tick(&r->gil);
    }
}

/* [p7] An increment that is one tick (one bytecode): no switch falls inside. */
void increment_gil_atomic(struct race *r, long n)
{
    for (long i = 0; i < n; i++) {
        atomic_fetch_add(&r->atomic_count, 1);
        gil_tick(&r->gil);
    }
}
