/*
 * executor.c - the thread pool behind executor.h (Item 59), modelled on
 * CPython's concurrent/futures/thread.py.
 *
 * [e1] A future is a small box: the task to run, then, once it has run, its
 *      result and error and a `done` flag, and a condition variable its
 *      waiter sleeps on. Two parties hold it (the caller and the pool); the
 *      last one to let go frees it.
 * [e2] Submitting appends the future to a locked first-in, first-out list,
 *      then hands it to an idle worker if one sleeps unclaimed (wakes it),
 *      or else starts a new thread while fewer than max_workers run, or else
 *      leaves it for the next worker to finish (CPython: _adjust_thread_count
 *      and its idle semaphore, 3.8 and later).
 * [e3] A worker takes the oldest future, runs the task without any lock
 *      held, stores the outcome and wakes the waiter; with the list empty it
 *      sleeps on the pool's condition variable (CPython: work_queue.get,
 *      block=True).
 * [e4] future_result sleeps on the future's condition until done or the
 *      deadline (CLOCK_MONOTONIC, the clock cl_now reads).
 * [e5] Shutdown refuses new tasks, wakes every sleeper, lets the workers
 *      drain the list, and joins them.
 * [e6] The spinning variant only: an idle worker that has just run a task,
 *      and a caller about to sleep on a future, look again for spin_s
 *      (yielding the CPU between looks) before they sleep. In a batch the
 *      next task or result usually comes within microseconds, so this
 *      saves the wake-ups; it costs the CPU the looking burns.
 */
#include "59_thread_pool/executor.h"

#include "clab.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

/* [e1] */
struct future {
    executor_task fn;
    void *arg;
    struct future *next; /* the pool's list, while queued */
    double spin_s;       /* [e6] how long future_result looks before it sleeps */

    /* 2 at submit (caller and pool); freed at 0. */
    atomic_int holders;

    pthread_mutex_t mutex; /* guards the outcome; `done` is set under it */
    pthread_cond_t finished;
    atomic_bool done; /* atomic too, so that future_done() need not lock */
    int error;        /* the task's return value, once done */
    void *value;      /* what it stored in *result, once done */
};

struct executor {
    int max_workers;
    double spin_s; /* 0: idle workers block at once, as CPython's do [e6] */
    pthread_t *threads;

    pthread_mutex_t mutex; /* guards everything below */
    pthread_cond_t work_ready;
    struct future *head, *tail;
    atomic_int queued; /* futures in the list; atomic so that a spinning worker can watch it */
    int started;       /* threads started so far, at most max_workers */
    int sleeping;      /* workers asleep on work_ready */
    int wakes_pending; /* of those, the ones already signalled for a task */
    int spinning;      /* [e6] idle workers still looking */
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

/* [e6] Looks at `queued` (no mutex) until it is nonzero or spin_s passed. */
static void look_again_for_work(struct executor *ex)
{
    double give_up = cl_now() + ex->spin_s;
    while (atomic_load(&ex->queued) == 0 && cl_now() < give_up)
        CL_CHECK_SYS(sched_yield());
}

/* [e3] The oldest queued future, or NULL once shutting down with nothing
 * left to run. just_worked: this worker has just run a task ([e6]). */
static struct future *take_next(struct executor *ex, bool just_worked)
{
    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    bool may_spin = just_worked && ex->spin_s > 0;
    while (ex->head == NULL && !ex->shutting_down) {
        if (may_spin) { /* [e6] counted as spinning: submit need not wake us */
            may_spin = false;
            ex->spinning++;
            CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
            look_again_for_work(ex);
            CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
            ex->spinning--;
            continue;
        }
        /* The list was checked under the mutex just before: no lost wake-up. */
        ex->sleeping++;
        CL_CHECK_RC(pthread_cond_wait(&ex->work_ready, &ex->mutex));
        ex->sleeping--;
        if (ex->wakes_pending > 0) /* ours, most likely; if not, one spare wake later */
            ex->wakes_pending--;
    }
    struct future *f = ex->head;
    if (f != NULL) {
        ex->head = f->next;
        if (ex->head == NULL)
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
    while ((f = take_next(ex, just_worked)) != NULL) {
        just_worked = true;
        void *value = NULL;
        int error = f->fn(f->arg, &value); /* no lock held while it runs */
        CL_CHECK_RC(pthread_mutex_lock(&f->mutex));
        f->error = error;
        f->value = error == 0 ? value : NULL;
        atomic_store(&f->done, true);
        CL_CHECK_RC(pthread_mutex_unlock(&f->mutex));
        /* Woken after the unlock, the waiter finds the mutex free; the
         * pool's hold keeps f alive until after the broadcast. */
        CL_CHECK_RC(pthread_cond_broadcast(&f->finished));
        future_release(f); /* the pool's hold */
    }
    return NULL;
}

struct executor *executor_new_spinning(int max_workers, double spin_s)
{
    if (max_workers < 1 || max_workers > EXECUTOR_MAX_WORKERS || spin_s < 0) {
        errno = EINVAL;
        return NULL;
    }
    struct executor *ex = calloc(1, sizeof *ex);
    pthread_t *threads = calloc((size_t)max_workers, sizeof *threads);
    if (ex == NULL || threads == NULL) {
        free(ex);
        free(threads);
        errno = ENOMEM;
        return NULL;
    }
    ex->max_workers = max_workers;
    ex->spin_s = spin_s;
    ex->threads = threads;
    atomic_init(&ex->queued, 0);
    CL_CHECK_RC(pthread_mutex_init(&ex->mutex, NULL));
    CL_CHECK_RC(pthread_cond_init(&ex->work_ready, NULL));
    return ex;
}

struct executor *executor_new(int max_workers)
{
    return executor_new_spinning(max_workers, 0);
}

/* [e2] With the mutex held and f just appended: wake an unclaimed sleeper,
 * or start a thread, or leave f for a busy worker. 0, or the error of
 * pthread_create when no thread at all could run f. */
static int hand_over(struct executor *ex)
{
    int coming = ex->wakes_pending + ex->spinning; /* workers about to look at the list */
    if (atomic_load(&ex->queued) <= coming)
        return 0; /* enough of them for every queued task */
    if (ex->sleeping > ex->wakes_pending) {
        ex->wakes_pending++;
        CL_CHECK_RC(pthread_cond_signal(&ex->work_ready));
        return 0;
    }
    if (ex->started == ex->max_workers)
        return 0; /* every worker is busy: the first to finish takes it */
    int rc = pthread_create(&ex->threads[ex->started], NULL, worker_main, ex);
    if (rc == 0)
        ex->started++;
    return ex->started == 0 ? rc : 0;
}

struct future *executor_submit(struct executor *ex, executor_task fn, void *arg)
{
    struct future *f = calloc(1, sizeof *f);
    if (f == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    f->fn = fn;
    f->arg = arg;
    f->spin_s = ex->spin_s;
    atomic_init(&f->holders, 2);
    atomic_init(&f->done, false);
    CL_CHECK_RC(pthread_mutex_init(&f->mutex, NULL));
    cl_cond_init_monotonic(&f->finished);

    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    int refused = ex->shutting_down ? EINVAL : 0;
    if (!refused) {
        if (ex->tail != NULL)
            ex->tail->next = f;
        else
            ex->head = f;
        ex->tail = f;
        atomic_fetch_add(&ex->queued, 1);
        if ((refused = hand_over(ex)) != 0) { /* no thread at all: take f back */
            ex->head = ex->tail = NULL;
            atomic_store(&ex->queued, 0);
        }
    }
    CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
    if (refused) {
        atomic_store(&f->holders, 1);
        future_release(f);
        errno = refused;
        return NULL;
    }
    return f;
}

/* [e6] Looks at f->done until it is set, spin_s has passed or the deadline
 * has come. Only a hint: future_result decides under the mutex. */
static void look_again_for_result(struct future *f, double deadline)
{
    double give_up = cl_now() + f->spin_s;
    if (deadline != EXECUTOR_FOREVER && deadline < give_up)
        give_up = deadline;
    while (!atomic_load(&f->done) && cl_now() < give_up)
        CL_CHECK_SYS(sched_yield());
}

/* [e4] */
int future_result(struct future *f, void **result, double deadline)
{
    if (f->spin_s > 0)
        look_again_for_result(f, deadline);
    CL_CHECK_RC(pthread_mutex_lock(&f->mutex));
    bool in_time = true;
    while (!atomic_load(&f->done) && in_time) {
        if (deadline == EXECUTOR_FOREVER)
            CL_CHECK_RC(pthread_cond_wait(&f->finished, &f->mutex));
        else
            in_time = cl_cond_wait_until(&f->finished, &f->mutex, deadline < 0 ? 0 : deadline);
    }
    bool done = atomic_load(&f->done);
    int rc = done ? f->error : ETIMEDOUT;
    if (done && rc == 0 && result != NULL)
        *result = f->value;
    CL_CHECK_RC(pthread_mutex_unlock(&f->mutex));
    return rc;
}

bool future_done(struct future *f)
{
    return atomic_load(&f->done);
}

void future_free(struct future *f)
{
    if (f != NULL)
        future_release(f); /* the caller's hold */
}

/* [e5] */
void executor_shutdown(struct executor *ex)
{
    if (ex == NULL)
        return;
    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    ex->shutting_down = true;
    int started = ex->started; /* no thread starts once shutting down */
    CL_CHECK_RC(pthread_cond_broadcast(&ex->work_ready));
    CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
    for (int i = 0; i < started; i++)
        CL_CHECK_RC(pthread_join(ex->threads[i], NULL));
    CL_CHECK_RC(pthread_cond_destroy(&ex->work_ready));
    CL_CHECK_RC(pthread_mutex_destroy(&ex->mutex));
    free(ex->threads);
    free(ex);
}

int executor_threads(const struct executor *ex)
{
    return ex->max_workers;
}

int executor_started(struct executor *ex)
{
    CL_CHECK_RC(pthread_mutex_lock(&ex->mutex));
    int started = ex->started;
    CL_CHECK_RC(pthread_mutex_unlock(&ex->mutex));
    return started;
}
