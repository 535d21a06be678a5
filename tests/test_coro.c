/* test_coro.c - the coroutine runtime of Item 60 (items/60_coroutines/coro.h),
 * tested directly: a body resumed where it stopped, gather, errors, the
 * order of sleeps on the loop, Ctrl-C, and a large number of suspended
 * coroutines freed. The only times looked at are lower bounds (a timer
 * never fires early), which no load can break; the sleeps otherwise only
 * fix an order, which libevent keeps even on a slow machine. The planted
 * mistakes these tests catch are listed in tests/mutants/coro.txt. */
#include "60_coroutines/coro.h"
#include "clab.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

static struct event_base *new_loop(void)
{
    return coro_loop_new();
}

/* ---- a body goes on where its await left it --------------------------------- */

struct stepper {
    struct coro co;
    int before, after; /* how often each half of the body ran */
};

static enum coro_step count_halves(struct coro *self)
{
    struct stepper *s = CORO_FRAME(self, struct stepper, co);
    CORO_BEGIN(self);
    s->before++;
    CORO_AWAIT_SLEEP(self, 0.0);
    s->after++;
    CORO_END(self);
}

Test(coro, a_resumed_body_goes_on_after_its_await, .timeout = 10)
{
    struct event_base *loop = new_loop();
    struct stepper s = {0};
    coro_start(loop, &s.co, count_halves, NULL);
    cr_assert_eq(s.before, 1, "the first step runs to the await at once");
    cr_assert_eq(s.after, 0);
    cr_assert(event_pending(&s.co.timer, EV_TIMEOUT, NULL), "suspended on its timer");
    /* One turn of the loop fires the timer: the body must go on after the
     * await, once, and finish; not start again from the top. */
    cr_assert_eq(event_base_loop(loop, EVLOOP_ONCE), 0);
    cr_assert_eq(s.before, 1, "the body ran its top again: the resume point was lost");
    cr_assert_eq(s.after, 1);
    cr_assert_eq(event_pending(&s.co.timer, EV_TIMEOUT, NULL), 0, "finished, not waiting again");
    event_base_free(loop);
}

/* ---- a sleep lasts at least its length --------------------------------------- */

struct timed_sleeper {
    struct coro co;
    double seconds, woke_after;
    double started;
};

static enum coro_step sleep_and_time(struct coro *self)
{
    struct timed_sleeper *t = CORO_FRAME(self, struct timed_sleeper, co);
    CORO_BEGIN(self);
    t->started = cl_now();
    CORO_AWAIT_SLEEP(self, t->seconds);
    t->woke_after = cl_now() - t->started;
    CORO_END(self);
}

Test(coro, a_sleep_lasts_at_least_its_length, .timeout = 10)
{
    /* A lower bound only: a busy machine makes sleeps longer, never shorter.
     * Lengths off the millisecond and over a second catch a wrong split of
     * seconds into tv_sec and tv_usec, and a coarse clock that fires early. */
    const double lengths[] = {0.0015, 0.0123, 0.0201, 1.0042};
    for (int i = 0; i < 4; i++) {
        struct event_base *loop = new_loop();
        struct timed_sleeper t = {.seconds = lengths[i]};
        cr_assert_eq(coro_run(loop, &t.co, sleep_and_time), 0);
        cr_assert_geq(t.woke_after, lengths[i], "asked %.4f s, woke after %.4f s", lengths[i],
                      t.woke_after);
        cr_assert_lt(t.woke_after, lengths[i] + 2.0, "asked %.4f s, woke after %.4f s",
                     lengths[i], t.woke_after);
        event_base_free(loop);
    }
}

/* ---- gather returns every result ------------------------------------------ */

struct square_task {
    struct coro co;
    int n;
    long result;
};

/* Sleeps a little (children finish out of order), then squares n. */
static enum coro_step square_later(struct coro *self)
{
    struct square_task *t = CORO_FRAME(self, struct square_task, co);
    CORO_BEGIN(self);
    CORO_AWAIT_SLEEP(self, 0.001 * (t->n % 4));
    t->result = (long)t->n * t->n;
    CORO_END(self);
}

#define CHILDREN 50

struct fan_out {
    struct coro co;
    struct event_base *loop;
    struct coro_gather gather;
    struct square_task child[CHILDREN];
    long sum;
    int resumed_with_pending; /* children still pending when the awaiter went on */
};

static enum coro_step square_all(struct coro *self)
{
    struct fan_out *f = CORO_FRAME(self, struct fan_out, co);
    CORO_BEGIN(self);
    coro_gather_init(&f->gather);
    for (int i = 0; i < CHILDREN; i++) {
        f->child[i].n = i;
        coro_start(f->loop, &f->child[i].co, square_later, &f->gather);
    }
    CORO_AWAIT_GATHER(self, &f->gather);
    f->resumed_with_pending = (int)f->gather.pending;
    for (int i = 0; i < CHILDREN; i++)
        f->sum += f->child[i].result;
    CORO_END(self);
}

Test(coro, gather_returns_every_result_in_order, .timeout = 10)
{
    struct event_base *loop = new_loop();
    struct fan_out *f = calloc(1, sizeof *f);
    cr_assert_not_null(f);
    f->loop = loop;
    cr_assert_eq(coro_run(loop, &f->co, square_all), 0);
    cr_assert_eq(f->resumed_with_pending, 0);
    for (int i = 0; i < CHILDREN; i++)
        cr_assert_eq(f->child[i].result, (long)i * i, "child %d gave %ld", i, f->child[i].result);
    /* 0^2 + ... + 49^2 = 49 * 50 * 99 / 6 */
    cr_assert_eq(f->sum, 40425);
    cr_assert_null(f->gather.first_failed);
    free(f);
    event_base_free(loop);
}

/* Two children, one quick and one slow: the awaiter goes on once, after both. */
struct pair {
    struct coro co;
    struct event_base *loop;
    struct coro_gather gather;
    struct failing_child {
        struct coro co;
        double sleep_s;
        int finished;
    } child[2];
    int resumed, finished_when_resumed;
};

static enum coro_step sleep_then_finish(struct coro *self)
{
    struct failing_child *c = CORO_FRAME(self, struct failing_child, co);
    CORO_BEGIN(self);
    CORO_AWAIT_SLEEP(self, c->sleep_s);
    c->finished = 1;
    CORO_END(self);
}

static enum coro_step await_pair(struct coro *self)
{
    struct pair *p = CORO_FRAME(self, struct pair, co);
    CORO_BEGIN(self);
    coro_gather_init(&p->gather);
    for (int i = 0; i < 2; i++)
        coro_start(p->loop, &p->child[i].co, sleep_then_finish, &p->gather);
    CORO_AWAIT_GATHER(self, &p->gather);
    p->resumed++;
    p->finished_when_resumed = p->child[0].finished + p->child[1].finished;
    CORO_END(self);
}

Test(coro, gather_resumes_the_awaiter_once_after_the_last_child, .timeout = 10)
{
    struct event_base *loop = new_loop();
    struct pair p = {.loop = loop, .child = {{.sleep_s = 0.001}, {.sleep_s = 0.030}}};
    cr_assert_eq(coro_run(loop, &p.co, await_pair), 0);
    cr_assert_eq(p.resumed, 1, "the awaiter went on %d times", p.resumed);
    cr_assert_eq(p.finished_when_resumed, 2,
                 "the awaiter went on with %d of 2 children finished (a child counted twice?)",
                 p.finished_when_resumed);
    event_base_free(loop);
}

/* A gather whose children never suspend: the awaiter must go straight on. */
static enum coro_step square_now(struct coro *self)
{
    struct square_task *t = CORO_FRAME(self, struct square_task, co);
    CORO_BEGIN(self);
    t->result = (long)t->n * t->n;
    CORO_END(self);
}

static enum coro_step square_all_now(struct coro *self)
{
    struct fan_out *f = CORO_FRAME(self, struct fan_out, co);
    CORO_BEGIN(self);
    coro_gather_init(&f->gather);
    for (int i = 0; i < CHILDREN; i++) {
        f->child[i].n = i + 1;
        coro_start(f->loop, &f->child[i].co, square_now, &f->gather);
    }
    CORO_AWAIT_GATHER(self, &f->gather);
    for (int i = 0; i < CHILDREN; i++)
        f->sum += f->child[i].result;
    CORO_END(self);
}

Test(coro, gather_of_children_that_never_suspend, .timeout = 10)
{
    struct event_base *loop = new_loop();
    struct fan_out *f = calloc(1, sizeof *f);
    cr_assert_not_null(f);
    f->loop = loop;
    cr_assert_eq(coro_run(loop, &f->co, square_all_now), 0);
    cr_assert_eq(f->sum, 42925); /* 1^2 + ... + 50^2 = 50 * 51 * 101 / 6 */
    free(f);
    event_base_free(loop);
}

/* ---- errors reach the awaiter --------------------------------------------- */

struct failing_task {
    struct coro co;
    double sleep_s;
    int fail_with;
};

static enum coro_step sleep_then_maybe_fail(struct coro *self)
{
    struct failing_task *t = CORO_FRAME(self, struct failing_task, co);
    CORO_BEGIN(self);
    CORO_AWAIT_SLEEP(self, t->sleep_s);
    if (t->fail_with)
        CORO_FAIL(self, t->fail_with);
    CORO_END(self);
}

struct error_awaiter {
    struct coro co;
    struct event_base *loop;
    struct coro_gather gather;
    struct failing_task child[6];
    int first_failed_index;
};

static enum coro_step await_failing_children(struct coro *self)
{
    struct error_awaiter *a = CORO_FRAME(self, struct error_awaiter, co);
    CORO_BEGIN(self);
    coro_gather_init(&a->gather);
    for (int i = 0; i < 6; i++)
        coro_start(a->loop, &a->child[i].co, sleep_then_maybe_fail, &a->gather);
    CORO_AWAIT_GATHER(self, &a->gather);
    if (a->gather.first_failed) {
        struct failing_task *bad = CORO_FRAME(a->gather.first_failed, struct failing_task, co);
        a->first_failed_index = (int)(bad - a->child);
        CORO_FAIL(self, bad->fail_with); /* raise it again in the awaiter */
    }
    CORO_END(self);
}

Test(coro, the_first_error_reaches_the_awaiter, .timeout = 10)
{
    struct event_base *loop = new_loop();
    struct error_awaiter a = {.loop = loop, .first_failed_index = -1};
    /* Child 4 fails first (10 ms), child 1 later (30 ms); the rest succeed. */
    double sleeps[6] = {0.005, 0.030, 0.001, 0.040, 0.010, 0.020};
    for (int i = 0; i < 6; i++)
        a.child[i].sleep_s = sleeps[i];
    a.child[4].fail_with = EIO;
    a.child[1].fail_with = EPIPE;
    cr_assert_eq(coro_run(loop, &a.co, await_failing_children), EIO);
    cr_assert_eq(a.first_failed_index, 4);
    for (int i = 0; i < 6; i++) /* every child finished before the awaiter went on */
        cr_assert_eq(event_pending(&a.child[i].co.timer, EV_TIMEOUT, NULL), 0);
    event_base_free(loop);
}

/* ---- sleeps on the loop, in a known order --------------------------------- */

struct order_log {
    char seen[16];
    int n;
};

struct sleeper {
    struct coro co;
    struct order_log *log;
    char name;
    double first_s, second_s; /* second_s 0: only one sleep */
};

static enum coro_step sleep_and_log(struct coro *self)
{
    struct sleeper *s = CORO_FRAME(self, struct sleeper, co);
    CORO_BEGIN(self);
    CORO_AWAIT_SLEEP(self, s->first_s);
    s->log->seen[s->log->n++] = s->name;
    if (s->second_s > 0) {
        CORO_AWAIT_SLEEP(self, s->second_s);
        s->log->seen[s->log->n++] = (char)(s->name + ('a' - 'A'));
    }
    CORO_END(self);
}

struct order_main {
    struct coro co;
    struct event_base *loop;
    struct coro_gather gather;
    struct sleeper s[3];
};

static enum coro_step run_sleepers(struct coro *self)
{
    struct order_main *m = CORO_FRAME(self, struct order_main, co);
    CORO_BEGIN(self);
    coro_gather_init(&m->gather);
    for (int i = 0; i < 3; i++)
        coro_start(m->loop, &m->s[i].co, sleep_and_log, &m->gather);
    CORO_AWAIT_GATHER(self, &m->gather);
    CORO_END(self);
}

Test(coro, sleeps_wake_in_deadline_order_and_interleave, .timeout = 10)
{
    struct event_base *loop = new_loop();
    struct order_log log = {0};
    struct order_main m = {.loop = loop};
    /* A wakes at 20 ms and again at 20 + 40 = 60 ms; B at 40 ms; C at 5 ms
     * and 5 + 70 = 75 ms. Deadlines decide, so: C A B a c. */
    m.s[0] = (struct sleeper){.log = &log, .name = 'A', .first_s = 0.020, .second_s = 0.040};
    m.s[1] = (struct sleeper){.log = &log, .name = 'B', .first_s = 0.040};
    m.s[2] = (struct sleeper){.log = &log, .name = 'C', .first_s = 0.005, .second_s = 0.070};
    cr_assert_eq(coro_run(loop, &m.co, run_sleepers), 0);
    log.seen[log.n] = '\0';
    cr_assert_str_eq(log.seen, "CABac");
    event_base_free(loop);
}

/* ---- many suspended at once, all freed ------------------------------------ */

struct idle_task {
    struct coro co;
};

static enum coro_step sleep_long(struct coro *self)
{
    CORO_BEGIN(self);
    CORO_AWAIT_SLEEP(self, 3600.0);
    CORO_END(self);
}

Test(coro, many_suspended_coroutines_are_freed, .timeout = 30)
{
    /* Under ASan (make asan-test) LeakSanitizer checks nothing is left. */
    enum { N = 100000 };
    struct event_base *loop = new_loop();
    struct idle_task **all = calloc(N, sizeof *all);
    cr_assert_not_null(all);
    for (int i = 0; i < N; i++) {
        all[i] = calloc(1, sizeof *all[i]);
        cr_assert_not_null(all[i]);
        coro_start(loop, &all[i]->co, sleep_long, NULL);
    }
    cr_assert_eq(event_base_get_num_events(loop, EVENT_BASE_COUNT_ADDED), N);
    for (int i = 0; i < N; i++)
        cr_assert(event_pending(&all[i]->co.timer, EV_TIMEOUT, NULL), "coroutine %d not suspended", i);
    for (int i = 0; i < N; i++) {
        coro_cancel(&all[i]->co);
        free(all[i]);
    }
    cr_assert_eq(event_base_get_num_events(loop, EVENT_BASE_COUNT_ADDED), 0);
    free(all);
    event_base_free(loop);
}

Test(coro, cancel_is_harmless_on_unstarted_and_finished, .timeout = 10)
{
    struct event_base *loop = new_loop();
    struct square_task never = {0}, done = {.n = 7};
    coro_cancel(&never.co);
    coro_start(loop, &done.co, square_now, NULL);
    cr_assert_eq(done.result, 49);
    coro_cancel(&done.co);
    cr_assert_eq(event_base_get_num_events(loop, EVENT_BASE_COUNT_ADDED), 0);
    event_base_free(loop);
}

/* ---- a gather made fresh forgets the last run's error ---------------------- */

Test(coro, a_gather_made_again_forgets_the_last_error, .timeout = 10)
{
    struct event_base *loop = new_loop();
    struct error_awaiter a = {.loop = loop, .first_failed_index = -1};
    a.child[2].fail_with = EIO;
    cr_assert_eq(coro_run(loop, &a.co, await_failing_children), EIO);
    /* The same frames again, every child succeeding now (as item 60 reuses
     * its cells' frames every generation). */
    a.child[2].fail_with = 0;
    a.first_failed_index = -1;
    cr_assert_eq(coro_run(loop, &a.co, await_failing_children), 0,
                 "the last run's error came back from a fresh gather");
    cr_assert_eq(a.first_failed_index, -1);
    event_base_free(loop);
}

/* ---- Ctrl-C ends coro_run with coroutines still waiting --------------------- */

static void press_ctrl_c(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what, (void)arg;
    raise(SIGINT); /* the handler of cl_catch_stop_signals only sets the flag */
}

Test(coro, ctrl_c_ends_the_run_within_a_tenth_of_a_second, .timeout = 10)
{
    /* Criterion runs each test in a process of its own: the handler and the
     * flag stay here. */
    cl_catch_stop_signals();
    struct event_base *loop = new_loop();
    struct timed_sleeper t = {.seconds = 30};
    const struct timeval soon = {0, 20000};
    cr_assert_eq(event_base_once(loop, -1, EV_TIMEOUT, press_ctrl_c, NULL, &soon), 0);
    double t0 = cl_now();
    cr_assert_eq(coro_run(loop, &t.co, sleep_and_time), ECANCELED);
    cr_assert_lt(cl_now() - t0, 0.5, "coro_run took %.2f s to see Ctrl-C", cl_now() - t0);
    cr_assert(event_pending(&t.co.timer, EV_TIMEOUT, NULL), "still suspended: cancel it");
    coro_cancel(&t.co);
    cr_assert_eq(event_base_get_num_events(loop, EVENT_BASE_COUNT_ADDED), 0);
    event_base_free(loop);
}
