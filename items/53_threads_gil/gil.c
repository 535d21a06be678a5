/*
 * gil.c - the GIL-like lock of gil.h.
 *
 * The "lock" is the flag g->locked; the pthread mutex only guards the few
 * fields that say who holds it, and is never held while interpreter work
 * runs. Waiters sleep on g->released. Under GIL_NEW a dropping holder
 * sleeps on g->switched until another thread has taken the lock.
 */
#include "53_threads_gil/gil.h"
#include "53_threads_gil/gil_trace.h"

#include "clab.h"

#include <string.h>

int gil_policy_parse(const char *name, enum gil_policy *out)
{
    static const enum gil_policy all[] = {GIL_NEW, GIL_OLD, GIL_NONE};
    for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(name, gil_policy_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return -1;
}

const char *gil_policy_name(enum gil_policy policy)
{
    switch (policy) {
    case GIL_NEW: return "new";
    case GIL_OLD: return "old";
    case GIL_NONE: return "none";
    }
    return "?";
}

void gil_init(struct gil *g, enum gil_policy policy, double switch_interval_s, long check_ticks)
{
    memset(g, 0, sizeof *g);
    g->policy = policy;
    g->switch_interval_s = switch_interval_s > 0 ? switch_interval_s : GIL_DEFAULT_INTERVAL_S;
    g->check_ticks = check_ticks > 0 ? check_ticks : GIL_DEFAULT_CHECK_TICKS;
    atomic_init(&g->drop_request, 0);
    CL_CHECK_RC(pthread_mutex_init(&g->mutex, NULL));
    /* Waiters time their switch interval on the monotonic clock, so a change
     * of the wall clock cannot stretch or shrink it. */
    cl_cond_init_monotonic(&g->released);
    cl_cond_init_monotonic(&g->switched);
}

void gil_destroy(struct gil *g)
{
    CL_CHECK_RC(pthread_cond_destroy(&g->switched));
    CL_CHECK_RC(pthread_cond_destroy(&g->released));
    CL_CHECK_RC(pthread_mutex_destroy(&g->mutex));
}

/* ---- The two moves, with g->mutex held ------------------------------------ */

static bool held_by_me_locked(const struct gil *g)
{
    return g->locked && pthread_equal(g->holder, pthread_self());
}

/* Tracing costs one pointer test when it is off. */
static void trace_move(struct gil *g, enum gil_trace_move move)
{
    if (g->trace)
        gil_trace_record(g->trace, move, NULL);
}

/* Put the lock down and wake one waiter; why: GIL_TRACE_FORCED, _BLOCK or
 * _RELEASE, for the timeline. */
static void put_down(struct gil *g, enum gil_trace_move why)
{
    if (!held_by_me_locked(g))
        cl_die("gil: released by a thread that does not hold it");
    trace_move(g, why);
    g->locked = false;
    if (g->waiting > 0)
        CL_CHECK_RC(pthread_cond_signal(&g->released));
}

/* Wait until the lock is free, then take it. waited_since is when this
 * thread stopped running (now, or when a hand-off began). */
static void wait_and_take(struct gil *g, double waited_since)
{
    if (held_by_me_locked(g))
        cl_die("gil: acquired twice by the same thread");
    if (g->locked) {
        trace_move(g, GIL_TRACE_ASK);
        g->waiting++;
        while (g->locked) {
            if (g->policy == GIL_OLD) { /* Python 2: just queue for the lock */
                CL_CHECK_RC(pthread_cond_wait(&g->released, &g->mutex));
                continue;
            }
            /* Python 3: wait one interval; if nobody took the lock in that
             * time, ask the holder to drop it at its next tick. */
            unsigned long seen = g->generation;
            bool woken = cl_cond_wait_until(&g->released, &g->mutex, cl_now() + g->switch_interval_s);
            if (!woken && g->locked && g->generation == seen)
                atomic_store_explicit(&g->drop_request, 1, memory_order_relaxed);
        }
        g->waiting--;
        g->stats.wait_seconds += cl_now() - waited_since;
    }
    pthread_t me = pthread_self();
    if (g->ever_held && !pthread_equal(g->last_holder, me))
        g->stats.switches++;
    g->locked = true;
    g->holder = me;
    g->last_holder = me;
    g->ever_held = true;
    g->generation++;
    g->ticks = 0;
    g->stats.acquisitions++;
    trace_move(g, GIL_TRACE_TAKE);
    /* Any drop request was meant for the previous holder. */
    atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
    CL_CHECK_RC(pthread_cond_broadcast(&g->switched));
}

/* ---- The calls a thread makes ---------------------------------------------- */

void gil_acquire(struct gil *g)
{
    if (g->policy == GIL_NONE)
        return;
    double now = cl_now();
    CL_CHECK_RC(pthread_mutex_lock(&g->mutex));
    wait_and_take(g, now);
    CL_CHECK_RC(pthread_mutex_unlock(&g->mutex));
}

static void release_because(struct gil *g, enum gil_trace_move why)
{
    if (g->policy == GIL_NONE)
        return;
    CL_CHECK_RC(pthread_mutex_lock(&g->mutex));
    put_down(g, why);
    CL_CHECK_RC(pthread_mutex_unlock(&g->mutex));
}

void gil_release(struct gil *g)
{
    release_because(g, GIL_TRACE_RELEASE);
}

/* GIL_NEW: a waiter asked. Drop, wait until someone else has taken the lock
 * (without this, the holder would usually take it straight back), then
 * queue for it like any other thread. */
static void drop_for_waiter(struct gil *g)
{
    double now = cl_now();
    CL_CHECK_RC(pthread_mutex_lock(&g->mutex));
    if (atomic_load_explicit(&g->drop_request, memory_order_relaxed) && held_by_me_locked(g)) {
        put_down(g, GIL_TRACE_FORCED);
        g->stats.forced_drops++;
        unsigned long mine = g->generation;
        while (g->generation == mine)
            CL_CHECK_RC(pthread_cond_wait(&g->switched, &g->mutex));
        wait_and_take(g, now);
    }
    CL_CHECK_RC(pthread_mutex_unlock(&g->mutex));
}

/* GIL_OLD: put the lock down and ask again at once, with nothing that makes
 * this thread wait its turn. The mutex is let go in between, so a waiter has
 * a real (if small) chance. */
static void release_and_retry(struct gil *g)
{
    double now = cl_now();
    CL_CHECK_RC(pthread_mutex_lock(&g->mutex));
    put_down(g, GIL_TRACE_FORCED);
    g->stats.forced_drops++;
    CL_CHECK_RC(pthread_mutex_unlock(&g->mutex));
    CL_CHECK_RC(pthread_mutex_lock(&g->mutex));
    wait_and_take(g, now);
    CL_CHECK_RC(pthread_mutex_unlock(&g->mutex));
}

void gil_tick(struct gil *g)
{
    switch (g->policy) {
    case GIL_NEW:
        /* The common case: one relaxed load, nothing asked. */
        if (atomic_load_explicit(&g->drop_request, memory_order_relaxed))
            drop_for_waiter(g);
        return;
    case GIL_OLD:
        if (++g->ticks >= g->check_ticks)
            release_and_retry(g);
        return;
    case GIL_NONE:
        return;
    }
}

void gil_blocking_begin(struct gil *g)
{
    release_because(g, GIL_TRACE_BLOCK);
}

void gil_blocking_end(struct gil *g)
{
    gil_acquire(g);
}

struct gil_stats gil_get_stats(struct gil *g)
{
    struct gil_stats s = {0};
    if (g->policy == GIL_NONE)
        return s;
    CL_CHECK_RC(pthread_mutex_lock(&g->mutex));
    s = g->stats;
    CL_CHECK_RC(pthread_mutex_unlock(&g->mutex));
    return s;
}

void gil_set_trace(struct gil *g, struct gil_trace *trace)
{
    CL_CHECK_RC(pthread_mutex_lock(&g->mutex));
    g->trace = trace;
    CL_CHECK_RC(pthread_mutex_unlock(&g->mutex));
}

bool gil_held_by_me(struct gil *g)
{
    if (g->policy == GIL_NONE)
        return false;
    CL_CHECK_RC(pthread_mutex_lock(&g->mutex));
    bool mine = held_by_me_locked(g);
    CL_CHECK_RC(pthread_mutex_unlock(&g->mutex));
    return mine;
}
