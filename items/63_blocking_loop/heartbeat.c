/* heartbeat.c - Item 63's heartbeat task (see heartbeat.h). */
#include "63_blocking_loop/heartbeat.h"

#include "62_mixing/canary.h"
#include "62_mixing/event_loop.h"
#include "clab.h"

#include <math.h>
#include <stdlib.h>

#define MAX_BEATS 100000

struct heartbeat {
    struct loop_timer *timer;
    struct canary *canary;
    double period_s, due;
    int beats;
    double lags[MAX_BEATS];
};

static void beat(void *arg)
{
    struct heartbeat *h = arg;
    double now = cl_now();
    if (h->beats < MAX_BEATS)
        h->lags[h->beats++] = fmax(now - h->due, 0);
    h->due = now + h->period_s;
    loop_call_later(h->timer, h->period_s);
}

struct heartbeat *heartbeat_start(struct loop *l, double period_s)
{
    struct heartbeat *h = cl_calloc(1, sizeof *h);
    h->period_s = period_s;
    h->timer = loop_timer_new(l, "heartbeat", beat, h);
    h->canary = canary_start(0.005);
    h->due = cl_now() + period_s;
    loop_call_later(h->timer, period_s);
    return h;
}

struct heartbeat_lags heartbeat_stop(struct heartbeat *h)
{
    struct heartbeat_lags r = {.beats = h->beats, .stall_ms = canary_stop(h->canary)};
    if (h->beats > 0) {
        for (int i = 0; i < h->beats; i++)
            h->lags[i] *= 1e3;
        r.p50_ms = cl_percentile(h->lags, (size_t)h->beats, 50);
        r.p99_ms = cl_percentile(h->lags, (size_t)h->beats, 99);
        r.max_ms = cl_percentile(h->lags, (size_t)h->beats, 100);
    }
    loop_timer_free(h->timer);
    free(h);
    return r;
}
