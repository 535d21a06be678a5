/*
 * heartbeat.h - Item 63's instrument: a task on the loop that wakes every
 * period (`while True: await asyncio.sleep(period)`) and notes how late each
 * wake-up came. A loop that is free wakes it on time; a loop stuck in one
 * callback wakes it late by as long as it was stuck.
 */
#ifndef CONCLAB_HEARTBEAT_H
#define CONCLAB_HEARTBEAT_H

struct loop;
struct heartbeat;

struct heartbeat_lags {
    int beats;
    double p50_ms, p99_ms, max_ms;   /* how late the beats came */
    double stall_ms;   /* the control: how late a sleeping thread woke meanwhile (canary.h) */
};

struct heartbeat *heartbeat_start(struct loop *l, double period_s);
/* After the loop has stopped: the beats' lags; frees h. */
struct heartbeat_lags heartbeat_stop(struct heartbeat *h);

#endif
