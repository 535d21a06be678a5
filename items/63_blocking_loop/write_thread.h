/*
 * write_thread.h - Item 63's fix, the book's WriteThread: a thread that runs
 * an event loop of its own, so that the blocking writes happen there and the
 * main loop only hands them over (loop_call_soon_threadsafe to this loop, and
 * back). Its start is a blocking call too, as Thread.start() is in CPython:
 * it creates the thread, then waits until the thread runs.
 *
 *   the book                                here
 *   WriteThread(...): new_event_loop()      write_thread_init(): the thread's loop
 *   Thread.start(): waits for the thread    write_thread_start() [p5]
 *   run(): self.loop.run_forever()          the thread runs loop_run() [p3]
 *   await stop(): real_stop on its loop     write_thread_join(): loop_stop there, join
 */
#ifndef CONCLAB_WRITE_THREAD_H
#define CONCLAB_WRITE_THREAD_H

#include "62_mixing/event_loop.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

struct write_thread {
    pthread_t thread;
    struct loop *loop;        /* its own loop: hand it calls with loop_call_soon_threadsafe */
    pthread_mutex_t lock;
    pthread_cond_t started_cv;
    bool started;
};

/* slow_s > 0: the thread's loop in debug mode, naming slow callbacks in report. */
void write_thread_init(struct write_thread *w, double slow_s, FILE *report);
/* Creates the thread and waits until it runs; 0 (a loop_task, for run_in_executor). */
int write_thread_start(void *w);
/* Stops its loop, joins it (if it was started), frees the loop. */
void write_thread_join(struct write_thread *w);

#endif
