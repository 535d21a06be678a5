/*
 * convoy.h - the price of the new GIL (Item 53): an I/O thread beside a
 * CPU-bound one (CPython issue 7946, "the convoy effect").
 *
 * A client makes socket round trips [p3] to an echo server that lives
 * outside the interpreter (a thread that never takes the lock), alone or
 * beside a CPU-bound thread that holds the lock whenever it can. Each round
 * trip puts the lock down twice (write, read); under GIL_NEW the CPU-bound
 * thread takes it while the client waits for the reply, and the client,
 * back from its read, must wait for a drop request: about one switch
 * interval per round trip. threads_gil.c [p7] tells the story; the bench
 * measures it in rounds.
 */
#ifndef CONCLAB_CONVOY_H
#define CONCLAB_CONVOY_H

#include "53_threads_gil/gil.h"

#include <stdatomic.h>
#include <stdbool.h>

struct convoy {
    struct gil *g;
    long echo_us;      /* the echo server's delay before each reply (the network) */
    long trips;        /* round trips wanted */
    double *trip_s;    /* [trips]: each round trip's time, filled by convoy_run */
    long done;         /* round trips made (fewer: the run was cut at its limit) */
    double wall_s;     /* from the client's start to its end */
    double hog_cpu_s, hog_wall_s; /* busy runs: the CPU-bound thread's CPU time and
                                   * its life; their ratio is the share of a core it got */
    double client_started; /* cl_now() when the client began (for a timeline) */
    /* Inside convoy_run only. */
    int fd[2];         /* the client's end, the echo server's end of a socketpair */
    atomic_bool stop, hog_running;
};

/* With a trace on the lock (gil_set_trace), the two threads name themselves
 * "I/O thread" and "CPU thread" in it. */

/* c->trips round trips, beside a CPU-bound thread when busy, for at most
 * limit_s seconds: a client that cannot win the lock back (old policy with a
 * huge check interval) is stopped then, with c->done trips made. Every
 * thread is joined and the socketpair closed before it returns; Ctrl-C
 * (cl_interrupted) ends it early. */
void convoy_run(struct convoy *c, bool busy, double limit_s);

#endif
