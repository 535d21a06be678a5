/*
 * event_loop.h - an asyncio-style event loop on libevent, with the calls by
 * which threads and the loop work together (Item 62), and asyncio's debug
 * mode (Item 63).
 *
 *   asyncio                                     here
 *   loop = asyncio.new_event_loop()             l = loop_new("main")
 *   loop.run_forever()                          loop_run(l): until loop_stop or Ctrl-C
 *   loop.stop()                                 loop_stop(l)  (on the loop's thread)
 *   loop.call_later(delay, fn, arg)             loop_call_later(t, delay) on a loop_timer
 *   loop.call_soon_threadsafe(fn, arg)          loop_call_soon_threadsafe(l, ...): from any
 *                                                 thread; the caller carries on at once and
 *                                                 never learns how fn went
 *   asyncio.run_coroutine_threadsafe(c, loop)   loop_run_coroutine_threadsafe(l, ...): from
 *     .result()                                   a thread that is not the loop's; waits until
 *                                                 fn has run on the loop and returns what it
 *                                                 returned: 0 or an error number
 *   await loop.run_in_executor(pool, fn, arg)   loop_run_in_executor(l, pool, ...): fn runs on
 *                                                 a pool thread (Item 59's executor), then
 *                                                 `then` runs on the loop with fn's result
 *   loop.set_debug(True)                        loop_set_debug(l, slow_s, report): every
 *   loop.slow_callback_duration = 0.1             callback the loop runs is timed; those that
 *                                                 took slow_s or more are counted and named
 *   loop.close()                                loop_close(l): calls still queued from threads
 *                                                 are cancelled, later ones refused; loop_free(l)
 *
 * A "coroutine" here is a plain function run to its end on the loop: the ones
 * these items hand over await nothing, so nothing is lost. Like CPython's,
 * run_coroutine_threadsafe is call_soon_threadsafe plus a future: the loop
 * runs the call and fills the future; the thread sleeps on it.
 */
#ifndef CONCLAB_EVENT_LOOP_H
#define CONCLAB_EVENT_LOOP_H

#include <stdbool.h>
#include <stdio.h>

struct executor;
struct loop;
struct loop_timer;

typedef void loop_callback(void *arg);
typedef int loop_task(void *arg);                  /* 0, or an error number */
typedef void loop_then(void *arg, int result);     /* what came back, on the loop */

/* A loop whose timers are precise (timerfd), that ends within 50 ms of a
 * stop signal (cl_interrupted). NAME appears in debug reports. */
struct loop *loop_new(const char *name);
void loop_run(struct loop *l);
void loop_stop(struct loop *l);
void loop_close(struct loop *l);
void loop_free(struct loop *l);

struct loop_timer *loop_timer_new(struct loop *l, const char *name, loop_callback *fn,
                                  void *arg);
void loop_call_later(struct loop_timer *t, double seconds);
void loop_timer_free(struct loop_timer *t);

/* False if the loop was closed: then fn never runs and cancel(arg) (if not
 * NULL) has run instead; the same cancel runs for a call still queued when
 * the loop closes. */
bool loop_call_soon_threadsafe(struct loop *l, const char *name, loop_callback *fn,
                               loop_callback *cancel, void *arg);
/* ECANCELED if the loop closed before running fn. */
int loop_run_coroutine_threadsafe(struct loop *l, const char *name, loop_task *fn, void *arg);
void loop_run_in_executor(struct loop *l, struct executor *pool, const char *name,
                          loop_task *fn, loop_then *then, void *arg);

/* report: where each slow callback is named (NULL: counted only). */
void loop_set_debug(struct loop *l, double slow_s, FILE *report);
int loop_slow_callbacks(struct loop *l);

#endif
