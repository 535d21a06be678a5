/* event_loop.c - asyncio's loop and its thread bridges on libevent (see event_loop.h). */
#include "62_mixing/event_loop.h"

#include "59_thread_pool/executor.h"
#include "clab.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/time.h>

/* One call handed to the loop by a thread: asyncio's Handle. */
struct call {
    const char *name;
    loop_callback *fn, *cancel;
    void *arg;
    struct call *next;
};

struct loop {
    const char *name;
    struct event_base *base;
    struct event *wake;   /* activated by threads: "calls are waiting" (the self-pipe) */
    struct event *watch;  /* every 50 ms: has a stop signal come? */
    pthread_mutex_t lock; /* the queue and `closed` */
    struct call *head, *tail;
    bool closed;
    double slow_s;        /* debug mode: 0 = off */
    FILE *report;
    atomic_int slow;
};

struct loop_timer {
    struct loop *l;
    struct event *ev;
    const char *name;
    loop_callback *fn;
    void *arg;
};

/* [d1] Debug mode: every callback the loop runs goes through here. */
static void run_timed(struct loop *l, const char *name, loop_callback *fn, void *arg)
{
    if (l->slow_s <= 0) {
        fn(arg);
        return;
    }
    double start = cl_now();
    fn(arg);
    double took = cl_now() - start;
    if (took >= l->slow_s) {   /* asyncio: dt >= slow_callback_duration */
        atomic_fetch_add(&l->slow, 1);
        if (l->report)
            fprintf(l->report, "  debug: Executing %s on the %s loop took %.3f seconds\n", name,
                    l->name, took);
    }
}

static struct timeval timeval_of(double seconds)
{
    double whole = floor(seconds);
    return (struct timeval){(time_t)whole, (suseconds_t)((seconds - whole) * 1e6)};
}

static void watch_stop_signals(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct loop *l = arg;
    if (cl_interrupted())
        CL_CHECK_SYS(event_base_loopbreak(l->base));
}

/* [b1] The loop's side of call_soon_threadsafe: run every call waiting.
 * Several activations before the loop gets here run this once: it drains. */
static void run_calls(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct loop *l = arg;
    for (;;) {
        CL_CHECK_RC(pthread_mutex_lock(&l->lock));
        struct call *c = l->head;
        if (c && !(l->head = c->next))
            l->tail = NULL;
        CL_CHECK_RC(pthread_mutex_unlock(&l->lock));
        if (!c)
            return;
        run_timed(l, c->name, c->fn, c->arg);
        free(c);
    }
}

static pthread_once_t locks_once = PTHREAD_ONCE_INIT;
static void use_locks(void)
{
    /* event_active from another thread needs libevent's own locks. */
    CL_CHECK_SYS(evthread_use_pthreads());
}

static struct event *new_event(struct event_base *base, short what, event_callback_fn fn,
                               void *arg)
{
    struct event *ev = event_new(base, -1, what, fn, arg);
    if (!ev)
        cl_fail(__FILE__, __LINE__, "event_new", errno ? errno : ENOMEM);
    return ev;
}

struct loop *loop_new(const char *name)
{
    CL_CHECK_RC(pthread_once(&locks_once, use_locks));
    struct loop *l = cl_calloc(1, sizeof *l);
    l->name = name;
    /* Without precise timers epoll rounds every wait to whole milliseconds. */
    struct event_config *cfg = event_config_new();
    if (!cfg || event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) != 0 ||
        !(l->base = event_base_new_with_config(cfg)))
        cl_fail(__FILE__, __LINE__, "event_base_new_with_config", errno ? errno : ENOMEM);
    event_config_free(cfg);
    CL_CHECK_RC(pthread_mutex_init(&l->lock, NULL));
    l->wake = new_event(l->base, 0, run_calls, l);
    l->watch = new_event(l->base, EV_PERSIST, watch_stop_signals, l);
    struct timeval every = timeval_of(0.05);
    CL_CHECK_SYS(evtimer_add(l->watch, &every));
    atomic_init(&l->slow, 0);
    return l;
}

/* Runs until loop_stop, a stop signal, or nothing is left to wait for
 * (never: the stop-signal watch is always there). */
void loop_run(struct loop *l)
{
    if (!cl_interrupted())
        CL_CHECK_SYS(event_base_dispatch(l->base));
}

void loop_stop(struct loop *l) { CL_CHECK_SYS(event_base_loopbreak(l->base)); }

void loop_close(struct loop *l)
{
    CL_CHECK_RC(pthread_mutex_lock(&l->lock));
    l->closed = true;
    struct call *c = l->head;
    l->head = l->tail = NULL;
    CL_CHECK_RC(pthread_mutex_unlock(&l->lock));
    for (struct call *next; c; c = next) {
        next = c->next;
        if (c->cancel)
            c->cancel(c->arg);
        free(c);
    }
}

void loop_free(struct loop *l)
{
    loop_close(l);
    event_free(l->wake);
    event_free(l->watch);
    event_base_free(l->base);
    CL_CHECK_RC(pthread_mutex_destroy(&l->lock));
    free(l);
}

static void timer_fired(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct loop_timer *t = arg;
    run_timed(t->l, t->name, t->fn, t->arg);
}

struct loop_timer *loop_timer_new(struct loop *l, const char *name, loop_callback *fn, void *arg)
{
    struct loop_timer *t = cl_calloc(1, sizeof *t);
    *t = (struct loop_timer){l, NULL, name, fn, arg};
    t->ev = new_event(l->base, 0, timer_fired, t);
    return t;
}

void loop_call_later(struct loop_timer *t, double seconds)
{
    /* libevent reads the clock once per turn: after a long callback that
     * reading is stale, and the timer would be due in the past. */
    CL_CHECK_SYS(event_base_update_cache_time(t->l->base));
    struct timeval tv = timeval_of(seconds);
    CL_CHECK_SYS(evtimer_add(t->ev, &tv));
}

void loop_timer_free(struct loop_timer *t)
{
    event_free(t->ev);
    free(t);
}

/* [b2] call_soon_threadsafe: queue the call, wake the loop, carry on. */
bool loop_call_soon_threadsafe(struct loop *l, const char *name, loop_callback *fn,
                               loop_callback *cancel, void *arg)
{
    struct call *c = cl_calloc(1, sizeof *c);
    *c = (struct call){name, fn, cancel, arg, NULL};
    CL_CHECK_RC(pthread_mutex_lock(&l->lock));
    bool open = !l->closed;
    if (open) {
        if (l->tail)
            l->tail->next = c;
        else
            l->head = c;
        l->tail = c;
        event_active(l->wake, EV_TIMEOUT, 0);   /* under the lock: the loop is not freed yet */
    }
    CL_CHECK_RC(pthread_mutex_unlock(&l->lock));
    if (!open) {
        if (cancel)
            cancel(arg);
        free(c);
    }
    return open;
}

/* [b3] run_coroutine_threadsafe(...).result(): the same call, plus a future
 * the loop fills and the calling thread sleeps on. */
struct loop_future {
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    bool done;
    int result;
    loop_task *fn;
    void *arg;
};

static void future_set(struct loop_future *f, int result)
{
    CL_CHECK_RC(pthread_mutex_lock(&f->lock));
    f->result = result;
    f->done = true;
    CL_CHECK_RC(pthread_cond_signal(&f->done_cv));
    CL_CHECK_RC(pthread_mutex_unlock(&f->lock));
}

static void future_run(void *arg)
{
    struct loop_future *f = arg;
    future_set(f, f->fn(f->arg));
}

static void future_cancel(void *arg) { future_set(arg, ECANCELED); }

int loop_run_coroutine_threadsafe(struct loop *l, const char *name, loop_task *fn, void *arg)
{
    struct loop_future f = {.fn = fn, .arg = arg};
    CL_CHECK_RC(pthread_mutex_init(&f.lock, NULL));
    CL_CHECK_RC(pthread_cond_init(&f.done_cv, NULL));
    loop_call_soon_threadsafe(l, name, future_run, future_cancel, &f);
    CL_CHECK_RC(pthread_mutex_lock(&f.lock));
    while (!f.done)   /* the loop runs it, or loop_close cancels it: never forever */
        CL_CHECK_RC(pthread_cond_wait(&f.done_cv, &f.lock));
    CL_CHECK_RC(pthread_mutex_unlock(&f.lock));
    CL_CHECK_RC(pthread_cond_destroy(&f.done_cv));
    CL_CHECK_RC(pthread_mutex_destroy(&f.lock));
    return f.result;
}

/* [b4] await run_in_executor: the task runs on a pool thread, and its result
 * comes back to the loop as a call, where `then` goes on with it. */
struct in_pool {
    struct loop *l;
    const char *name;
    loop_task *fn;
    loop_then *then;
    void *arg;
    int result;
};

static void in_pool_then(void *arg)
{
    struct in_pool *j = arg;
    j->then(j->arg, j->result);
    free(j);
}

static int in_pool_task(void *arg, void **value)
{
    (void)value;
    struct in_pool *j = arg;
    j->result = j->fn(j->arg);
    loop_call_soon_threadsafe(j->l, j->name, in_pool_then, free, j);
    return 0;
}

void loop_run_in_executor(struct loop *l, struct executor *pool, const char *name,
                          loop_task *fn, loop_then *then, void *arg)
{
    struct in_pool *j = cl_calloc(1, sizeof *j);
    *j = (struct in_pool){l, name, fn, then, arg, 0};
    struct future *f = executor_submit(pool, in_pool_task, j);
    if (!f)
        cl_fail(__FILE__, __LINE__, "executor_submit", errno);
    future_free(f);   /* the result comes back through the loop, not this future */
}

void loop_set_debug(struct loop *l, double slow_s, FILE *report)
{
    l->slow_s = slow_s;
    l->report = report;
}

int loop_slow_callbacks(struct loop *l) { return atomic_load(&l->slow); }
