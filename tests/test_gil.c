/* test_gil.c - the GIL-like lock of items/53_threads_gil/gil.h and its
 * timeline (gil_trace.h), linked directly. Nothing here depends on timing:
 * the machine is shared. */
#include "53_threads_gil/gil.h"
#include "53_threads_gil/gil_trace.h"
#include "clab.h"

#include <criterion/criterion.h>
#include <sched.h>
#include <string.h>

/* ---- Mutual exclusion --------------------------------------------------- */

#define RACERS 4
#define INCREMENTS 100000

struct racer {
    struct gil *g;
    long *counter; /* a plain long: only the lock protects it */
};

/* Read, add, write back, with no tick in between: the tick is where the
 * lock may move, so the whole read-modify-write happens under it. */
static void *increment_under_gil(void *arg)
{
    struct racer *r = arg;
    gil_acquire(r->g);
    for (int i = 0; i < INCREMENTS; i++) {
        long seen = *r->counter;
        *r->counter = seen + 1;
        gil_tick(r->g);
    }
    gil_release(r->g);
    return NULL;
}

static void assert_exact_total(enum gil_policy policy)
{
    struct gil g;
    /* A tiny interval and check count make the lock change hands often. */
    gil_init(&g, policy, 0.00001, 3);
    long counter = 0;
    struct racer racer = {&g, &counter};
    pthread_t tids[RACERS];
    for (int i = 0; i < RACERS; i++)
        cr_assert_eq(pthread_create(&tids[i], NULL, increment_under_gil, &racer), 0);
    for (int i = 0; i < RACERS; i++)
        cr_assert_eq(pthread_join(tids[i], NULL), 0);
    struct gil_stats s = gil_get_stats(&g);
    gil_destroy(&g);
    cr_assert_eq(counter, (long)RACERS * INCREMENTS, "%s: lost updates", gil_policy_name(policy));
    cr_assert_geq(s.acquisitions, RACERS);
}

Test(gil, new_policy_excludes, .timeout = 20)
{
    assert_exact_total(GIL_NEW);
}

Test(gil, old_policy_excludes, .timeout = 10)
{
    assert_exact_total(GIL_OLD);
}

/* ---- The switch under `new` ---------------------------------------------- */

struct standoff {
    struct gil *g;
    atomic_bool holding, waiter_done;
};

/* Holds the lock and only ticks, never letting go of its own accord. */
static void *tick_forever(void *arg)
{
    struct standoff *s = arg;
    gil_acquire(s->g);
    atomic_store(&s->holding, true);
    while (!atomic_load(&s->waiter_done))
        gil_tick(s->g);
    gil_release(s->g);
    return NULL;
}

Test(gil, new_policy_waiter_gets_a_turn_by_drop_request, .timeout = 20)
{
    const double interval = 0.005;
    struct gil g;
    gil_init(&g, GIL_NEW, interval, 0);
    struct standoff s = {.g = &g};
    pthread_t holder;
    cr_assert_eq(pthread_create(&holder, NULL, tick_forever, &s), 0);
    while (!atomic_load(&s.holding))
        sched_yield();

    gil_acquire(&g); /* only a drop request can get us in */
    cr_assert(gil_held_by_me(&g));
    struct gil_stats during = gil_get_stats(&g);
    gil_release(&g);
    atomic_store(&s.waiter_done, true);
    cr_assert_eq(pthread_join(holder, NULL), 0);
    gil_destroy(&g);

    cr_assert_eq(during.forced_drops, 1, "the holder dropped because it was asked");
    cr_assert_eq(during.switches, 1);
    cr_assert_eq(during.acquisitions, 2);
    cr_assert_gt(during.wait_seconds, 0);
}

/* A waiter asks only after waiting a whole interval: the time it waited is
 * at least the interval (a timed wait never ends early, whatever the load),
 * and, with a 50 ms interval, well under a second. */
Test(gil, new_policy_waiter_waits_one_whole_interval, .timeout = 20)
{
    const double interval = 0.05;
    struct gil g;
    gil_init(&g, GIL_NEW, interval, 0);
    struct standoff s = {.g = &g};
    pthread_t holder;
    cr_assert_eq(pthread_create(&holder, NULL, tick_forever, &s), 0);
    while (!atomic_load(&s.holding))
        sched_yield();
    double t0 = cl_now();
    gil_acquire(&g);
    double waited = cl_now() - t0;
    struct gil_stats during = gil_get_stats(&g);
    gil_release(&g);
    atomic_store(&s.waiter_done, true);
    cr_assert_eq(pthread_join(holder, NULL), 0);
    gil_destroy(&g);
    cr_assert_geq(waited, interval, "got the lock after %.4f s, before one interval", waited);
    cr_assert_geq(during.wait_seconds, interval);
    cr_assert_lt(waited, 1.0, "waited %.3f s for a 50 ms interval", waited);
}

/* A drop request is for one hand-off: once the waiter has the lock, it can
 * tick as long as it likes (well within the other thread's 1 s interval)
 * without being made to drop it. */
Test(gil, new_policy_a_drop_request_is_for_one_handoff, .timeout = 20)
{
    struct gil g;
    gil_init(&g, GIL_NEW, 1.0, 0);
    struct standoff s = {.g = &g};
    pthread_t holder;
    cr_assert_eq(pthread_create(&holder, NULL, tick_forever, &s), 0);
    while (!atomic_load(&s.holding))
        sched_yield();
    gil_acquire(&g); /* after one interval, by a drop request */
    for (int i = 0; i < 10000; i++)
        gil_tick(&g);
    bool still_mine = gil_held_by_me(&g);
    struct gil_stats during = gil_get_stats(&g);
    gil_release(&g);
    atomic_store(&s.waiter_done, true);
    cr_assert_eq(pthread_join(holder, NULL), 0);
    gil_destroy(&g);
    cr_assert(still_mine, "the new holder was made to drop the lock by the old request");
    cr_assert_eq(during.forced_drops, 1);
}

/* Under `new` a forced drop hands the lock over: the holder waits until
 * another thread has taken it, so every forced drop is a switch. */
Test(gil, new_policy_every_forced_drop_is_a_handoff, .timeout = 20)
{
    struct gil g;
    gil_init(&g, GIL_NEW, 0.001, 0);
    struct standoff s = {.g = &g};
    pthread_t a, b;
    cr_assert_eq(pthread_create(&a, NULL, tick_forever, &s), 0);
    cr_assert_eq(pthread_create(&b, NULL, tick_forever, &s), 0);
    cl_sleep(0.05);
    atomic_store(&s.waiter_done, true);
    cr_assert_eq(pthread_join(a, NULL), 0);
    cr_assert_eq(pthread_join(b, NULL), 0);
    struct gil_stats st = gil_get_stats(&g);
    gil_destroy(&g);
    cr_assert_geq(st.forced_drops, 1, "in 50 ms with a 1 ms interval, no forced drop");
    cr_assert_geq(st.switches, st.forced_drops, "%ld forced drops but only %ld switches: the "
                  "dropping holder took the lock straight back", st.forced_drops, st.switches);
}

Test(gil, old_policy_waiter_gets_in_eventually, .timeout = 20)
{
    struct gil g;
    gil_init(&g, GIL_OLD, 0, 1); /* release and retry at every tick */
    struct standoff s = {.g = &g};
    pthread_t holder;
    cr_assert_eq(pthread_create(&holder, NULL, tick_forever, &s), 0);
    while (!atomic_load(&s.holding))
        sched_yield();
    gil_acquire(&g); /* the test's timeout is the bound */
    cr_assert(gil_held_by_me(&g));
    gil_release(&g);
    atomic_store(&s.waiter_done, true);
    cr_assert_eq(pthread_join(holder, NULL), 0);
    cr_assert_geq(gil_get_stats(&g).forced_drops, 1);
    gil_destroy(&g);
}

Test(gil, old_policy_releases_every_check_ticks, .timeout = 10)
{
    struct gil g;
    gil_init(&g, GIL_OLD, 0, 3);
    gil_acquire(&g);
    for (int i = 0; i < 30; i++)
        gil_tick(&g);
    cr_assert(gil_held_by_me(&g), "alone, it takes the lock straight back");
    gil_release(&g);
    struct gil_stats s = gil_get_stats(&g);
    gil_destroy(&g);
    cr_assert_eq(s.forced_drops, 10);
    cr_assert_eq(s.acquisitions, 11);
    cr_assert_eq(s.switches, 0);
}

Test(gil, new_policy_alone_never_drops, .timeout = 10)
{
    struct gil g;
    gil_init(&g, GIL_NEW, 0, 0);
    cr_assert_float_eq(g.switch_interval_s, GIL_DEFAULT_INTERVAL_S, 1e-12);
    gil_acquire(&g);
    for (int i = 0; i < 100000; i++)
        gil_tick(&g);
    gil_release(&g);
    struct gil_stats s = gil_get_stats(&g);
    gil_destroy(&g);
    cr_assert_eq(s.forced_drops, 0);
    cr_assert_eq(s.acquisitions, 1);
}

/* ---- Blocking calls put the lock down ------------------------------------- */

struct blocker {
    struct gil *g;
    atomic_int stage; /* 1: inside the blocking call; 2: the other thread ran */
    bool held_while_blocking;
};

static void *block_until_other_ran(void *arg)
{
    struct blocker *b = arg;
    gil_acquire(b->g);
    gil_blocking_begin(b->g);
    b->held_while_blocking = gil_held_by_me(b->g);
    atomic_store(&b->stage, 1);
    while (atomic_load(&b->stage) != 2) /* "the system call" */
        sched_yield();
    gil_blocking_end(b->g);
    gil_release(b->g);
    return NULL;
}

static void assert_blocking_releases(enum gil_policy policy)
{
    struct gil g;
    gil_init(&g, policy, 0, 0);
    struct blocker b = {.g = &g};
    pthread_t tid;
    cr_assert_eq(pthread_create(&tid, NULL, block_until_other_ran, &b), 0);
    while (atomic_load(&b.stage) != 1)
        sched_yield();
    gil_acquire(&g); /* would wait forever if the blocked thread held it */
    cr_assert(gil_held_by_me(&g));
    gil_release(&g);
    atomic_store(&b.stage, 2);
    cr_assert_eq(pthread_join(tid, NULL), 0);
    cr_assert_not(b.held_while_blocking);
    cr_assert_eq(gil_get_stats(&g).acquisitions, 3);
    gil_destroy(&g);
}

Test(gil, blocking_call_lets_another_thread_in_new, .timeout = 10)
{
    assert_blocking_releases(GIL_NEW);
}

Test(gil, blocking_call_lets_another_thread_in_old, .timeout = 10)
{
    assert_blocking_releases(GIL_OLD);
}

/* ---- Policies and shutdown -------------------------------------------------- */

Test(gil, policy_names_parse_and_junk_is_rejected, .timeout = 5)
{
    enum gil_policy p = GIL_NONE;
    cr_assert_eq(gil_policy_parse("new", &p), 0);
    cr_assert_eq(p, GIL_NEW);
    cr_assert_eq(gil_policy_parse("old", &p), 0);
    cr_assert_eq(p, GIL_OLD);
    cr_assert_eq(gil_policy_parse("none", &p), 0);
    cr_assert_eq(p, GIL_NONE);
    const char *junk[] = {"", "NEW", "new ", "fast", "nonex", "ol"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        cr_assert_eq(gil_policy_parse(junk[i], &p), -1, "'%s'", junk[i]);
    cr_assert_eq(gil_policy_parse(NULL, &p), -1);
    cr_assert_str_eq(gil_policy_name(GIL_OLD), "old");
}

Test(gil, none_policy_does_nothing, .timeout = 5)
{
    struct gil g;
    gil_init(&g, GIL_NONE, 0, 0);
    gil_acquire(&g);
    gil_acquire(&g); /* no lock, so no deadlock */
    gil_tick(&g);
    gil_blocking_begin(&g);
    gil_blocking_end(&g);
    gil_release(&g);
    struct gil_stats s = gil_get_stats(&g);
    gil_destroy(&g);
    cr_assert_eq(s.acquisitions + s.forced_drops + s.switches, 0);
    cr_assert_float_eq(s.wait_seconds, 0, 1e-12);
}

#define WORKERS 8

static void *mixed_work(void *arg)
{
    struct gil *g = arg;
    gil_acquire(g);
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 1000; i++)
            gil_tick(g);
        gil_blocking_begin(g);
        sched_yield();
        gil_blocking_end(g);
    }
    gil_release(g);
    return NULL;
}

static void assert_all_joined(enum gil_policy policy)
{
    struct gil g;
    gil_init(&g, policy, 0.0001, 10);
    pthread_t tids[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        cr_assert_eq(pthread_create(&tids[i], NULL, mixed_work, &g), 0);
    for (int i = 0; i < WORKERS; i++)
        cr_assert_eq(pthread_join(tids[i], NULL), 0);
    /* Everyone is gone and the lock is free: taking it does not wait. */
    gil_acquire(&g);
    cr_assert(gil_held_by_me(&g));
    gil_release(&g);
    cr_assert_geq(gil_get_stats(&g).acquisitions, WORKERS * 21 + 1);
    gil_destroy(&g); /* fails the run if a thread still waited on it */
}

Test(gil, shutdown_joins_every_thread_new, .timeout = 20)
{
    assert_all_joined(GIL_NEW);
}

Test(gil, shutdown_joins_every_thread_old, .timeout = 20)
{
    assert_all_joined(GIL_OLD);
}

/* ---- The timeline ------------------------------------------------------------ */

struct interval {
    int thread;
    enum gil_trace_state state;
    double start, end;
    const char *label;
};

struct intervals {
    int n;
    struct interval v[64];
};

static void collect(void *arg, int thread, const char *label, enum gil_trace_state state,
                    double start, double end)
{
    struct intervals *all = arg;
    cr_assert_lt(all->n, 64);
    all->v[all->n++] = (struct interval){thread, state, start, end, label};
}

/* A thread alone: it runs, blocks in a "system call", runs again and leaves:
 * three intervals in that order, each starting where the last one ended. */
Test(gil_trace, one_thread_runs_blocks_runs, .timeout = 10)
{
    struct gil g;
    struct gil_trace t;
    gil_init(&g, GIL_NEW, 0, 0);
    gil_trace_init(&t, 100);
    gil_set_trace(&g, &t);
    gil_trace_record(&t, GIL_TRACE_NAME, "solo");
    gil_acquire(&g);
    gil_tick(&g);
    gil_blocking_begin(&g);
    gil_blocking_end(&g);
    gil_release(&g);
    gil_trace_stop(&t);
    struct intervals all = {0};
    gil_trace_intervals(&t, collect, &all);
    cr_assert_eq(gil_trace_lost(&t), 0);
    gil_trace_destroy(&t);
    gil_destroy(&g);

    const enum gil_trace_state want[] = {GIL_STATE_RUNNING, GIL_STATE_SYSCALL, GIL_STATE_RUNNING};
    /* An interval is written only when it lasted; on a fast clock all three do. */
    cr_assert_eq(all.n, 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(all.v[i].thread, 0);
        cr_assert_eq(all.v[i].state, want[i], "interval %d: %s", i,
                     gil_trace_state_name(all.v[i].state));
        cr_assert_str_eq(all.v[i].label, "solo");
        if (i > 0)
            cr_assert_float_eq(all.v[i].start, all.v[i - 1].end, 1e-12);
    }
}

/* gil_trace_begin moves time 0: the thread was running and blocked before
 * it, ran again across it, then blocked: the timeline opens with that
 * running stretch cut to start at exactly 0, and shows nothing earlier.
 * (The sleeps only make each stretch last; no duration is asserted.) */
Test(gil_trace, begin_cuts_what_came_before, .timeout = 10)
{
    struct gil g;
    struct gil_trace t;
    gil_init(&g, GIL_NEW, 0, 0);
    gil_trace_init(&t, 100);
    gil_set_trace(&g, &t);
    gil_trace_record(&t, GIL_TRACE_NAME, "late");
    gil_acquire(&g);
    cl_sleep(0.001);
    gil_blocking_begin(&g);
    cl_sleep(0.001);
    gil_blocking_end(&g);
    cl_sleep(0.001);
    gil_trace_begin(&t);
    cl_sleep(0.001);
    gil_blocking_begin(&g);
    cl_sleep(0.001);
    gil_blocking_end(&g);
    gil_release(&g);
    gil_trace_stop(&t);
    struct intervals all = {0};
    gil_trace_intervals(&t, collect, &all);
    gil_trace_destroy(&t);
    gil_destroy(&g);

    cr_assert_geq(all.n, 2);
    cr_assert_eq(all.v[0].state, GIL_STATE_RUNNING);
    cr_assert_eq(all.v[0].start, 0.0);
    cr_assert_eq(all.v[1].state, GIL_STATE_SYSCALL);
    for (int i = 0; i < all.n; i++)
        cr_assert_geq(all.v[i].start, 0.0, "interval %d", i);
}

/* Under `new`, a holder that only ticks is asked to drop: it is then seen
 * waiting (forced out), and the waiter is seen waiting, then running. */
Test(gil_trace, a_forced_drop_shows_both_threads_waiting, .timeout = 20)
{
    struct gil g;
    struct gil_trace t;
    gil_init(&g, GIL_NEW, 0.0005, 0);
    gil_trace_init(&t, 1000);
    gil_set_trace(&g, &t);
    struct standoff s = {.g = &g};
    pthread_t holder;
    cr_assert_eq(pthread_create(&holder, NULL, tick_forever, &s), 0);
    while (!atomic_load(&s.holding))
        sched_yield();
    gil_acquire(&g);
    gil_release(&g);
    atomic_store(&s.waiter_done, true);
    cr_assert_eq(pthread_join(holder, NULL), 0);
    gil_trace_stop(&t);
    struct intervals all = {0};
    gil_trace_intervals(&t, collect, &all);
    gil_trace_destroy(&t);
    gil_destroy(&g);

    /* Thread 0 (the holder): running, waiting after the forced drop,
     * running again. Thread 1 (this one): waiting, then running. */
    int seen[2][3] = {{0}};
    for (int i = 0; i < all.n; i++)
        if (all.v[i].state != GIL_STATE_GONE)
            seen[all.v[i].thread][all.v[i].state]++;
    cr_assert_geq(seen[0][GIL_STATE_RUNNING], 2);
    cr_assert_geq(seen[0][GIL_STATE_WAITING], 1);
    cr_assert_eq(seen[1][GIL_STATE_WAITING], 1);
    cr_assert_eq(seen[1][GIL_STATE_RUNNING], 1);
    cr_assert_eq(seen[0][GIL_STATE_SYSCALL] + seen[1][GIL_STATE_SYSCALL], 0);
}

/* A holder is made to drop only after a waiter saw it hold the lock for a
 * whole interval: with three CPU-bound threads, every running stretch that
 * ends in a forced drop lasted at least one interval (load can only make
 * stretches longer). */
struct stretch_check {
    double interval, shortest;
    int forced;
    int last_thread;
    enum gil_trace_state last_state;
    double last_start, last_end;
};

static void check_stretch(void *arg, int thread, const char *label, enum gil_trace_state state,
                          double start, double end)
{
    (void)label;
    struct stretch_check *c = arg;
    /* A running stretch followed (same thread) by waiting was a forced drop. */
    if (thread == c->last_thread && c->last_state == GIL_STATE_RUNNING &&
        state == GIL_STATE_WAITING && c->last_end - c->last_start < c->shortest) {
        c->shortest = c->last_end - c->last_start;
    }
    if (thread == c->last_thread && c->last_state == GIL_STATE_RUNNING && state == GIL_STATE_WAITING)
        c->forced++;
    c->last_thread = thread;
    c->last_state = state;
    c->last_start = start;
    c->last_end = end;
}

Test(gil_trace, new_policy_turns_last_at_least_one_interval, .timeout = 20)
{
    const double interval = 0.002;
    struct gil g;
    struct gil_trace t;
    gil_init(&g, GIL_NEW, interval, 0);
    gil_trace_init(&t, 100000);
    gil_set_trace(&g, &t);
    struct standoff s = {.g = &g};
    pthread_t tids[3];
    for (int i = 0; i < 3; i++)
        cr_assert_eq(pthread_create(&tids[i], NULL, tick_forever, &s), 0);
    cl_sleep(0.08);
    gil_trace_stop(&t);
    atomic_store(&s.waiter_done, true);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(pthread_join(tids[i], NULL), 0);
    struct stretch_check c = {.interval = interval, .shortest = 1e9, .last_thread = -1};
    gil_trace_intervals(&t, check_stretch, &c);
    cr_assert_eq(gil_trace_lost(&t), 0);
    gil_trace_destroy(&t);
    gil_destroy(&g);
    cr_assert_geq(c.forced, 3, "only %d forced drops in 80 ms", c.forced);
    cr_assert_geq(c.shortest, interval - 20e-6,
                  "a holder was made to drop after %.6f s, less than one interval", c.shortest);
}

/* A waiter asks the holder it waited for, not the next one. The first holder
 * lets go on its own after half an interval; one waiter takes the lock and
 * computes; the other, whose wait began with the first holder, times out
 * half an interval later: the lock changed hands meanwhile, so it must wait
 * a whole interval again before asking. The new holder therefore keeps the
 * lock at least one interval (a load can only lengthen that). */
struct polite {
    struct gil *g;
    atomic_bool *let_go, *stop;
};

static void *hold_until_let_go(void *arg)
{
    struct polite *p = arg;
    gil_acquire(p->g);
    while (!atomic_load(p->let_go))
        gil_tick(p->g);
    gil_release(p->g);
    return NULL;
}

static void *tick_until_stop(void *arg)
{
    struct polite *p = arg;
    gil_acquire(p->g);
    while (!atomic_load(p->stop))
        gil_tick(p->g);
    gil_release(p->g);
    return NULL;
}

Test(gil_trace, new_policy_a_waiter_asks_only_the_holder_it_waited_for, .timeout = 20)
{
    const double interval = 0.2;
    struct gil g;
    struct gil_trace t;
    gil_init(&g, GIL_NEW, interval, 0);
    gil_trace_init(&t, 100000);
    gil_set_trace(&g, &t);
    atomic_bool let_go = false, stop = false;
    struct polite p = {&g, &let_go, &stop};
    pthread_t first, waiters[2];
    cr_assert_eq(pthread_create(&first, NULL, hold_until_let_go, &p), 0);
    cl_sleep(0.01);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&waiters[i], NULL, tick_until_stop, &p), 0);
    cl_sleep(interval / 2); /* both waiters are waiting, half an interval in */
    atomic_store(&let_go, true);
    cr_assert_eq(pthread_join(first, NULL), 0);
    cl_sleep(interval * 2);
    gil_trace_stop(&t);
    atomic_store(&stop, true);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_join(waiters[i], NULL), 0);
    struct stretch_check c = {.interval = interval, .shortest = 1e9, .last_thread = -1};
    gil_trace_intervals(&t, check_stretch, &c);
    gil_trace_destroy(&t);
    gil_destroy(&g);
    cr_assert_geq(c.forced, 1, "no forced drop in two intervals");
    cr_assert_geq(c.shortest, interval - 0.001,
                  "a holder was made to drop after %.4f s, less than one interval (%.3f s)",
                  c.shortest, interval);
}

Test(gil_trace, a_full_buffer_counts_what_it_lost, .timeout = 10)
{
    struct gil g;
    struct gil_trace t;
    gil_init(&g, GIL_OLD, 0, 1); /* a forced drop and a retake at every tick */
    gil_trace_init(&t, 10);
    gil_set_trace(&g, &t);
    gil_acquire(&g);
    for (int i = 0; i < 20; i++)
        gil_tick(&g);
    gil_release(&g);
    /* 1 take, 20 x (forced drop, take), 1 release: 42 moves, 10 kept. */
    cr_assert_eq(gil_trace_lost(&t), 32);
    gil_trace_destroy(&t);
    gil_destroy(&g);
}
