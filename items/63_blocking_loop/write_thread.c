/* write_thread.c - Item 63's fix, the book's WriteThread (see write_thread.h). */
#include "63_blocking_loop/write_thread.h"

#include "clab.h"

/* [p3] The fix, the book's WriteThread: a thread that runs a loop of its own. */

static void *write_thread_main(void *arg)
{
    struct write_thread *w = arg;
    CL_CHECK_RC(pthread_mutex_lock(&w->lock));
    w->started = true;
    CL_CHECK_RC(pthread_cond_signal(&w->started_cv));
    CL_CHECK_RC(pthread_mutex_unlock(&w->lock));
    loop_run(w->loop);   /* run_forever, until real_stop */
    return NULL;
}

/* [p5] Thread.start(): create the thread, then wait until it runs. */
int write_thread_start(void *arg)
{
    struct write_thread *w = arg;
    CL_CHECK_RC(pthread_create(&w->thread, NULL, write_thread_main, w));
    CL_CHECK_RC(pthread_mutex_lock(&w->lock));
    while (!w->started)
        CL_CHECK_RC(pthread_cond_wait(&w->started_cv, &w->lock));
    CL_CHECK_RC(pthread_mutex_unlock(&w->lock));
    return 0;
}

void write_thread_init(struct write_thread *w, double slow_s, FILE *report)
{
    *w = (struct write_thread){.loop = loop_new("writer")};
    if (slow_s > 0)
        loop_set_debug(w->loop, slow_s, report);
    CL_CHECK_RC(pthread_mutex_init(&w->lock, NULL));
    CL_CHECK_RC(pthread_cond_init(&w->started_cv, NULL));
}

static void stop_loop(void *arg) { loop_stop(arg); }

void write_thread_join(struct write_thread *w)   /* await stop(); then the thread ends */
{
    if (w->started) {
        loop_call_soon_threadsafe(w->loop, "real_stop", stop_loop, NULL, w->loop);
        CL_CHECK_RC(pthread_join(w->thread, NULL));
    }
    loop_free(w->loop);
    CL_CHECK_RC(pthread_cond_destroy(&w->started_cv));
    CL_CHECK_RC(pthread_mutex_destroy(&w->lock));
}

