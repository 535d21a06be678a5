/*
 * race.h - what Item 54's counting threads share (data_races.c), and the
 * three ways to add one under Item 53's GIL (under_the_gil.c [p5]-[p7]).
 */
#ifndef CONCLAB_54_RACE_H
#define CONCLAB_54_RACE_H

#include "53_threads_gil/gil.h"

#include <pthread.h>
#include <stdatomic.h>

/* Everything the threads share, handed to each: no globals to chase. */
struct race {
    const struct method *method;
    long threads, iterations;  /* K threads, N increments each */
    _Atomic long atomic_count; /* racy and the atomic methods count here */
    long plain_count;          /* the others here */
    pthread_mutex_t lock;      /* mutex, gil_mutex */
    struct gil gil;            /* the gil_ methods */
    atomic_long running;       /* threads at the start line so far [p8] */
};

/* Each adds 1 to the counter n times, the caller holding r->gil. */
void increment_gil_racy(struct race *r, long n);   /* [p5] the book's Counter */
void increment_gil_racy_310(struct race *r, long n); /* [p10] the same, as 3.10+ runs it */
void increment_gil_mutex(struct race *r, long n);  /* [p6] its LockingCounter */
void increment_gil_atomic(struct race *r, long n); /* [p7] one indivisible step */

#endif
