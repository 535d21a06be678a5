/*
 * coro.c - the runtime behind coro.h: starting, resuming and gathering
 * stackless coroutines on a libevent event_base. About a hundred lines: the
 * whole of what asyncio's Task and gather do for Item 60.
 */
#include "60_coroutines/coro.h"

#include "clab.h"

#include <math.h>

/* Runs the body until it awaits or returns. A finished coroutine reports to
 * its gather, which may resume the awaiter right here, inside this call: so
 * nothing touches co after coro_finished (the awaiter may free it). */
static void coro_finished(struct coro *co);

static void coro_resume(struct coro *co)
{
    if (co->body(co) == CORO_DONE)
        coro_finished(co);
}

/* libevent's callback for the coroutine's timer: the sleep is over. */
static void coro_timer_fired(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    coro_resume(arg);
}

struct event_base *coro_loop_new(void)
{
    struct event_config *config = event_config_new();
    if (!config)
        cl_fail(__FILE__, __LINE__, "event_config_new()", ENOMEM);
    CL_CHECK_SYS(event_config_set_flag(config, EVENT_BASE_FLAG_PRECISE_TIMER));
    struct event_base *loop = event_base_new_with_config(config);
    event_config_free(config);
    if (!loop)
        cl_fail(__FILE__, __LINE__, "event_base_new_with_config()", ENOMEM);
    return loop;
}

void coro_start(struct event_base *loop, struct coro *co, coro_body *body,
                struct coro_gather *gather)
{
    co->body = body;
    co->awaiter = gather;
    co->resume_at = 0;
    co->error = 0;
    /* The timer's memory is inside the frame: no allocation, one assign. */
    CL_CHECK_SYS(event_assign(&co->timer, loop, -1, 0, coro_timer_fired, co));
    if (gather)
        gather->pending++;
    coro_resume(co); /* the first step: up to the first await */
}

void coro_sleep_start(struct coro *self, double seconds)
{
    double whole = floor(seconds);
    struct timeval tv = {.tv_sec = (time_t)whole,
                         .tv_usec = (suseconds_t)((seconds - whole) * 1e6)};
    /* Most coroutines sleep for one of a few lengths (every cell the same
     * latency). libevent keeps the timers of one such "common timeout" in a
     * plain queue, in deadline order: O(1) to add and to fire, and no slot
     * in the timer heap. For a length it cannot take (over 256 distinct
     * ones), the timeval itself puts the timer in the heap as usual. */
    const struct timeval *common =
        event_base_init_common_timeout(event_get_base(&self->timer), &tv);
    if (event_add(&self->timer, common ? common : &tv) == -1)
        cl_fail(__FILE__, __LINE__, "event_add(&self->timer, &tv)", ENOMEM);
}

void coro_gather_init(struct coro_gather *gather)
{
    /* pending starts at 1: the awaiter's own hold while it starts children,
     * so that a child finishing at once cannot resume an awaiter that is
     * still busy starting the rest. CORO_AWAIT_GATHER lets go of it. */
    *gather = (struct coro_gather){.pending = 1};
}

bool coro_gather_must_wait(struct coro_gather *gather, struct coro *awaiter)
{
    if (--gather->pending == 0)
        return false; /* every child finished already: no suspension */
    gather->awaiter = awaiter;
    return true;
}

static void coro_finished(struct coro *co)
{
    struct coro_gather *gather = co->awaiter;
    if (!gather)
        return; /* detached: nobody awaits it, and its error is lost */
    if (co->error != 0 && gather->first_failed == NULL)
        gather->first_failed = co; /* the first error wins, as in asyncio */
    gather->pending--;             /* this child is done: counted once */
    if (gather->pending == 0 && gather->awaiter)
        coro_resume(gather->awaiter); /* the last child resumes the awaiter */
}

void coro_cancel(struct coro *co)
{
    if (co->body != NULL) /* started: its timer was assigned */
        CL_CHECK_SYS(event_del(&co->timer)); /* off the loop, so the frame may go */
}

/* Wakes the loop every 50 ms so that coro_run sees Ctrl-C: a signal alone
 * does not end one turn of libevent's loop (it waits again after EINTR). */
static void coro_watchdog(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what, (void)arg;
}

int coro_run(struct event_base *loop, struct coro *main, coro_body *body)
{
    /* Frames hold a struct event as the installed header defines it; a
     * libevent library built with another layout would write past it. */
    if (event_get_struct_event_size() != sizeof(struct event))
        cl_fail(__FILE__, __LINE__, "event_get_struct_event_size() == sizeof(struct event)", EINVAL);
    struct coro_gather done;
    coro_gather_init(&done);
    coro_start(loop, main, body, &done);
    done.pending--; /* nobody awaits main: only the count is watched */

    struct event *watchdog = event_new(loop, -1, EV_PERSIST, coro_watchdog, NULL);
    if (!watchdog)
        cl_fail(__FILE__, __LINE__, "event_new", ENOMEM);
    const struct timeval every_50ms = {0, 50000};
    CL_CHECK_SYS(event_add(watchdog, &every_50ms));
    while (done.pending > 0 && !cl_interrupted())
        CL_CHECK_SYS(event_base_loop(loop, EVLOOP_ONCE));
    event_free(watchdog);
    if (done.pending > 0)
        return ECANCELED;
    return main->error;
}
