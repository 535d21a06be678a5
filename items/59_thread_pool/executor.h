/*
 * executor.h - a pool of threads whose submit returns a future: the C shape
 * of concurrent.futures.ThreadPoolExecutor (Item 59; item 64 builds on it).
 *
 *   Python                                   C
 *   pool = ThreadPoolExecutor(max_workers=n) ex = executor_new(n)
 *   fut = pool.submit(fn, arg)               f = executor_submit(ex, fn, arg)
 *   value = fut.result(timeout=t)            rc = future_result(f, &value, cl_now() + t)
 *     (raises the task's exception)            (returns the task's error number)
 *     (raises TimeoutError)                    (returns ETIMEDOUT; the future stays valid)
 *   fut.done()                               future_done(f)
 *   pool.shutdown(wait=True)                 executor_shutdown(ex)
 *
 * A task is a function that returns 0 and sets *result, or returns an error
 * number: the error travels back to whoever asks for the result, as an
 * exception raised in a worker comes back out of Future.result(). Nobody
 * asking means nobody learns of it, in C as in Python.
 *
 * As CPython's pool (3.8 and later) does: no thread starts with the pool;
 * each submit hands its task to an idle worker if one waits, and otherwise
 * starts a new thread while fewer than max_workers run. An idle worker
 * blocks on the pool's condition variable and burns no CPU; a caller
 * waiting for a result blocks on the future's. Shutdown lets the workers
 * finish every task already submitted, then joins each of them.
 *
 * executor_new_spinning is the same pool with one difference, for
 * comparison only: an idle worker, and a caller waiting for a result, keep
 * looking for spin_s seconds before they block. That saves wake-ups and
 * burns CPU; CPython's pool never does it.
 */
#ifndef CONCLAB_EXECUTOR_H
#define CONCLAB_EXECUTOR_H

#include <stdbool.h>

#define EXECUTOR_FOREVER (-1.0) /* a deadline that never comes */
#define EXECUTOR_MAX_WORKERS 4096

/* Returns 0 (and sets *result) or an error number such as EIO. */
typedef int (*executor_task)(void *arg, void **result);

struct executor;
struct future;

/* A pool of at most max_workers threads (1..EXECUTOR_MAX_WORKERS), none
 * started yet. NULL and errno on failure: EINVAL for a bad count, ENOMEM. */
struct executor *executor_new(int max_workers);

/* The spinning variant (see above): spin_s seconds of looking again, > 0. */
struct executor *executor_new_spinning(int max_workers, double spin_s);

/* Queues fn(arg) and returns its future. NULL with errno = EINVAL once
 * shutdown has begun (a task still running that submits more work gets
 * this, as Python raises RuntimeError), ENOMEM if no memory is left, or the
 * error of pthread_create when no thread of the pool could be started. */
struct future *executor_submit(struct executor *ex, executor_task fn, void *arg);

/* Waits until the task has run or the deadline (an absolute cl_now() time,
 * or EXECUTOR_FOREVER) has passed. Returns the task's own return value (0:
 * success, and *result is set if result is not NULL) or ETIMEDOUT, after
 * which the future can be asked again. */
int future_result(struct future *f, void **result, double deadline);

/* Has the task run? Never blocks (Future.done()). */
bool future_done(struct future *f);

/* The caller's hold on the future ends here. Safe at any time: a future
 * whose task has not run yet is freed by its worker once it has. */
void future_free(struct future *f);

/* Runs every task already queued, joins every worker, frees the pool.
 * Futures stay valid; free each one with future_free. */
void executor_shutdown(struct executor *ex);

/* max_workers, and the threads started so far (they start lazily). */
int executor_threads(const struct executor *ex);
int executor_started(struct executor *ex);

#endif
