/*
 * executor.c - the thread pool behind executor.h (Item 59).
 *
 * [e1] A future is a small box: the task to run, then, once it has run, its
 *      result and error, a `done` flag, and a condition variable its waiter
 *      sleeps on. Two parties hold it (the caller and the pool) and the last
 *      one to let go frees it.
 * [e2] Submitting appends the future to a locked first-in, first-out list
 *      and wakes one worker.
 * [e3] A worker takes the oldest future, runs the task without any lock
 *      held, stores the outcome and wakes the waiter.
 * [e4] future_result sleeps on the future's condition until done or the
 *      deadline (CLOCK_MONOTONIC, the clock cl_now reads).
 * [e5] Shutdown refuses new tasks, lets the workers drain the list, joins them.
 */
#include "59_thread_pool/executor.h"

#include "clab.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* [e1] */
struct future {
    executor_task fn;
    void *arg;
    struct future *next; /* the pool's list, while queued */

    /* 2 at submit (caller and pool); freed at 0. Atomic, not under the
     * mutex: a worker letting go must not make the woken waiter wait. */
    atomic_int holders;

    pthread_mutex_t mutex; /* guards everything below */
    pthread_cond_t finished;
    bool done;
    int error;   /* the task's return value, once done */
    void *value; /* what it stored in *result, once done */
};

struct executor {
    int nthreads;
    pthread_t *threads;

    pthread_mutex_t mutex; /* guards the list and shutting_down */
    pthread_cond_t work_ready;
    struct future *head, *tail;
    bool shutting_down;
};

/* A condition variable that times its waits by CLOCK_MONOTONIC. */
static void init_monotonic_cond(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    CL_CHECK_RC(pthread_condattr_init(&attr));
    CL_CHECK_RC(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
    CL_CHECK_RC(pthread_cond_init(cond, &attr));
    CL_CHECK_RC(pthread_condattr_destroy(&attr));
}

static struct timespec deadline_timespec(double deadline)
{
    double whole = floor(deadline);
    struct timespec ts = {(time_t)whole, (long)((deadline - whole) * 1e9)};
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static void future_release(struct future *f)
{
    if (atomic_fetch_sub(&f->holders, 1) > 1)
        return;
    CL_CHECK_RC(pthread_cond_destroy(&f->finished));
    CL_CHECK_RC(pthread_mutex_destroy(&f->mutex));
    free(f);
}

/* [e3] Returns the oldest queued future, or NULL once shutting down with
 * nothing left to run. */
static struct future *take_next(struct executor *ex)
{
    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    while (!ex->head && !ex->shutting_down)
        CL_CHECK_RC(pthread_cond_wait(&ex->work_ready, &ex->mutex));
    struct future *f = ex->head;
    if (f) {
        ex->head = f->next;
        if (!ex->head)
            ex->tail = NULL;
    }
    CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
    return f;
}

static void *worker_main(void *arg)
{
    struct executor *ex = arg;
    struct future *f;
    while ((f = take_next(ex))) {
        void *value = NULL;
        int error = f->fn(f->arg, &value); /* no lock held while it runs */
        CL_CHECK_RC(pthread_mutex_lock(&f->mutex));
        f->error = error;
        f->value = error == 0 ? value : NULL;
        f->done = true;
        CL_CHECK_RC(pthread_mutex_unlock(&f->mutex));
        /* Woken after the unlock, the waiter does not find the mutex still
         * held; the pool's hold keeps f alive until after the signal. */
        CL_CHECK_RC(pthread_cond_broadcast(&f->finished));
        future_release(f); /* the pool's hold */
    }
    return NULL;
}

struct executor *executor_new(int max_workers)
{
    if (max_workers < 1 || max_workers > 4096) {
        errno = EINVAL;
        return NULL;
    }
    struct executor *ex = calloc(1, sizeof *ex);
    pthread_t *threads = calloc((size_t)max_workers, sizeof *threads);
    if (!ex || !threads) {
        free(ex);
        free(threads);
        errno = ENOMEM;
        return NULL;
    }
    ex->threads = threads;
    CL_CHECK_RC(pthread_mutex_init(&ex->mutex, NULL));
    CL_CHECK_RC(pthread_cond_init(&ex->work_ready, NULL));
    for (int i = 0; i < max_workers; i++) {
        int rc = pthread_create(&ex->threads[i], NULL, worker_main, ex);
        if (rc != 0) { /* join the ones already running, report why */
            executor_shutdown(ex);
            errno = rc;
            return NULL;
        }
        ex->nthreads = i + 1;
    }
    return ex;
}

/* [e2] */
struct future *executor_submit(struct executor *ex, executor_task fn, void *arg)
{
    struct future *f = calloc(1, sizeof *f);
    if (!f) {
        errno = ENOMEM;
        return NULL;
    }
    f->fn = fn;
    f->arg = arg;
    atomic_init(&f->holders, 2);
    CL_CHECK_RC(pthread_mutex_init(&f->mutex, NULL));
    init_monotonic_cond(&f->finished);

    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    bool refused = ex->shutting_down;
    if (!refused) {
        if (ex->tail)
            ex->tail->next = f;
        else
            ex->head = f;
        ex->tail = f;
    }
    CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
    if (!refused) /* after the unlock, as above: the woken worker finds it free */
        CL_CHECK_RC(pthread_cond_signal(&ex->work_ready));
    if (refused) {
        atomic_store(&f->holders, 1);
        future_release(f);
        errno = EINVAL;
        return NULL;
    }
    return f;
}

/* [e4] */
int future_result(struct future *f, void **result, double deadline)
{
    struct timespec until = deadline_timespec(deadline < 0 ? 0 : deadline);
    CL_CHECK_RC(pthread_mutex_lock(&f->mutex));
    int rc = 0;
    while (!f->done && rc != ETIMEDOUT) {
        if (deadline == EXECUTOR_FOREVER)
            CL_CHECK_RC(pthread_cond_wait(&f->finished, &f->mutex));
        else if ((rc = pthread_cond_timedwait(&f->finished, &f->mutex, &until)) != 0 &&
                 rc != ETIMEDOUT)
            cl_fail(__FILE__, __LINE__, "pthread_cond_timedwait", rc);
    }
    int error = f->done ? f->error : ETIMEDOUT;
    if (f->done && f->error == 0 && result)
        *result = f->value;
    CL_CHECK_RC(pthread_mutex_unlock(&f->mutex));
    return error;
}

bool future_done(struct future *f)
{
    CL_CHECK_RC(pthread_mutex_lock(&f->mutex));
    bool done = f->done;
    CL_CHECK_RC(pthread_mutex_unlock(&f->mutex));
    return done;
}

void future_free(struct future *f)
{
    if (f)
        future_release(f); /* the caller's hold */
}

/* [e5] */
void executor_shutdown(struct executor *ex)
{
    if (!ex)
        return;
    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    ex->shutting_down = true;
    CL_CHECK_RC(pthread_cond_broadcast(&ex->work_ready));
    CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
    for (int i = 0; i < ex->nthreads; i++)
        CL_CHECK_RC(pthread_join(ex->threads[i], NULL));
    CL_CHECK_RC(pthread_cond_destroy(&ex->work_ready));
    CL_CHECK_RC(pthread_mutex_destroy(&ex->mutex));
    free(ex->threads);
    free(ex);
}

int executor_threads(const struct executor *ex)
{
    return ex->nthreads;
}
