/*
 * executor.c - the thread pool behind executor.h (Item 59).
 *
 * [e1] A future is a small box: the task to run, then, once it has run, its
 *      result and error, a `done` flag, and a condition variable its waiter
 *      sleeps on. Two parties hold it (the caller and the pool) and the last
 *      one to let go frees it.
 * [e2] Submitting appends the future to a locked first-in, first-out list
 *      and wakes one sleeping worker, unless a worker that is awake and idle
 *      will pick the task up anyway.
 * [e3] A worker takes the oldest future, runs the task without any lock
 *      held, stores the outcome and wakes the waiter. With the list empty it
 *      looks again for a few microseconds before it goes to sleep.
 * [e4] future_result looks at `done` for a few microseconds, then sleeps on
 *      the future's condition until done or the deadline (CLOCK_MONOTONIC,
 *      the clock cl_now reads).
 * [e5] Shutdown refuses new tasks, lets the workers drain the list, joins them
 *      (a worker still looking again sees it after at most SPIN_S).
 *
 * Why look again before sleeping ([e3], [e4])? Putting a thread to sleep is
 * cheap; waking it is not: the waker makes a system call, and a sleeper on
 * another CPU needs that CPU woken too. On the project's 2-vCPU VM one such
 * wake-up cost the submitting thread 10-20 us, against well under 1 us for
 * everything else a task costs the pool. In a batch the submitter adds the
 * next task within a microsecond or so, so a worker that has just finished a
 * task and finds the list empty usually needs only to wait that long: it
 * checks again (yielding the CPU between looks, so it never holds up a
 * thread that has real work on the same CPU) for at most SPIN_S, about the
 * price of one wake-up, and only then sleeps. The same holds for a caller
 * waiting on a task that is nearly done. At worst an idle thread burns SPIN_S
 * of CPU before sleeping; a freshly started worker goes straight to sleep.
 */
#include "59_thread_pool/executor.h"

#include "clab.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* How long an idle thread keeps looking before it sleeps (see above). */
#define SPIN_S 20e-6

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
    /* Set under the mutex, like the rest, but atomic so that a caller can
     * also look at it without the mutex: while it spins, and to read a
     * finished future's outcome ([e4]). */
    atomic_bool done;
    int error;   /* the task's return value, once done */
    void *value; /* what it stored in *result, once done */
};

struct executor {
    int nthreads;
    pthread_t *threads;

    pthread_mutex_t mutex; /* guards everything below */
    pthread_cond_t work_ready;
    struct future *head, *tail;
    /* How many futures are in the list. Changed only under the mutex; atomic
     * so that a spinning worker can watch it without taking the mutex (which
     * would get in the submitter's way). */
    atomic_int queued;
    int idle_spinning; /* workers looking again before they sleep [e3] */
    int idle_sleeping; /* workers asleep on work_ready */
    int wakes_sent;    /* signals sent to sleepers that have not woken yet */
    bool shutting_down;
};

static void future_release(struct future *f)
{
    if (atomic_fetch_sub(&f->holders, 1) > 1)
        return;
    CL_CHECK_RC(pthread_cond_destroy(&f->finished));
    CL_CHECK_RC(pthread_mutex_destroy(&f->mutex));
    free(f);
}

/* [e3] Spins: looks at `queued`, without the mutex, until it is nonzero or
 * SPIN_S has passed. Only a hint; the caller decides again under the mutex. */
static void look_again_for_work(struct executor *ex)
{
    double give_up = cl_now() + SPIN_S;
    while (atomic_load(&ex->queued) == 0 && cl_now() < give_up)
        CL_CHECK_SYS(sched_yield());
}

/* [e3] Returns the oldest queued future, or NULL once shutting down with
 * nothing left to run. just_worked: this worker has just run a task, so
 * another is likely on its way (a batch): look again before sleeping. */
static struct future *take_next(struct executor *ex, bool just_worked)
{
    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    bool may_spin = just_worked;
    while (!ex->head && !ex->shutting_down) {
        if (may_spin) { /* counted as idle_spinning, submit need not wake us */
            may_spin = false;
            ex->idle_spinning++;
            CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
            look_again_for_work(ex);
            CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
            ex->idle_spinning--;
        } else { /* the list is checked under the mutex just before: no lost wake-up */
            ex->idle_sleeping++;
            CL_CHECK_RC(pthread_cond_wait(&ex->work_ready, &ex->mutex));
            ex->idle_sleeping--;
            if (ex->wakes_sent > 0) /* ours, most likely; if not, one spare wake later */
                ex->wakes_sent--;
        }
    }
    struct future *f = ex->head;
    if (f) {
        ex->head = f->next;
        if (!ex->head)
            ex->tail = NULL;
        atomic_fetch_sub(&ex->queued, 1);
    }
    CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
    return f;
}

static void *worker_main(void *arg)
{
    struct executor *ex = arg;
    struct future *f;
    bool just_worked = false;
    while ((f = take_next(ex, just_worked))) {
        just_worked = true;
        void *value = NULL;
        int error = f->fn(f->arg, &value); /* no lock held while it runs */
        CL_CHECK_RC(pthread_mutex_lock(&f->mutex));
        f->error = error;
        f->value = error == 0 ? value : NULL;
        atomic_store(&f->done, true);
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
    atomic_init(&ex->queued, 0);
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
    atomic_init(&f->done, false);
    CL_CHECK_RC(pthread_mutex_init(&f->mutex, NULL));
    cl_cond_init_monotonic(&f->finished);

    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    bool refused = ex->shutting_down;
    bool wake = false;
    if (!refused) {
        if (ex->tail)
            ex->tail->next = f;
        else
            ex->head = f;
        ex->tail = f;
        int queued = atomic_fetch_add(&ex->queued, 1) + 1;
        /* Every spinning worker, and every sleeper already signalled, will
         * look at the list before it may sleep again, so another sleeper is
         * needed only for the tasks beyond those. A worker busy with a task
         * does not count: its task may take a long time. */
        int coming = ex->idle_spinning + ex->wakes_sent;
        wake = ex->idle_sleeping > ex->wakes_sent && queued > coming;
        if (wake)
            ex->wakes_sent++;
    }
    CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
    if (wake) /* after the unlock, as above: the woken worker finds it free */
        CL_CHECK_RC(pthread_cond_signal(&ex->work_ready));
    if (refused) {
        atomic_store(&f->holders, 1);
        future_release(f);
        errno = EINVAL;
        return NULL;
    }
    return f;
}

/* [e4] Spins: looks at f->done until it is set, SPIN_S has passed or the
 * deadline has come. Only a hint; future_result reads done under the mutex. */
static void look_again_for_result(struct future *f, double deadline)
{
    if (atomic_load(&f->done)) /* the common case in a batch: no clock to read */
        return;
    double give_up = cl_now() + SPIN_S;
    if (deadline != EXECUTOR_FOREVER && deadline < give_up)
        give_up = deadline;
    while (!atomic_load(&f->done) && cl_now() < give_up)
        CL_CHECK_SYS(sched_yield());
}

/* The outcome of a future seen done. The worker stores error and value
 * before it sets `done`, and never changes them after, so once the atomic
 * `done` reads true they can be read without the mutex. */
static int outcome(struct future *f, void **result)
{
    if (f->error == 0 && result)
        *result = f->value;
    return f->error;
}

/* [e4] */
int future_result(struct future *f, void **result, double deadline)
{
    look_again_for_result(f, deadline);
    if (atomic_load(&f->done)) /* the common case in a batch: no lock at all */
        return outcome(f, result);
    struct timespec until = cl_timespec_at(deadline < 0 ? 0 : deadline);
    CL_CHECK_RC(pthread_mutex_lock(&f->mutex));
    int rc = 0;
    while (!f->done && rc != ETIMEDOUT) {
        if (deadline == EXECUTOR_FOREVER)
            CL_CHECK_RC(pthread_cond_wait(&f->finished, &f->mutex));
        else if ((rc = pthread_cond_timedwait(&f->finished, &f->mutex, &until)) != 0 &&
                 rc != ETIMEDOUT)
            cl_fail(__FILE__, __LINE__, "pthread_cond_timedwait", rc);
    }
    bool done = f->done;
    CL_CHECK_RC(pthread_mutex_unlock(&f->mutex));
    return done ? outcome(f, result) : ETIMEDOUT;
}

bool future_done(struct future *f)
{
    return atomic_load(&f->done);
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
