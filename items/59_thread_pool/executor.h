/*
 * executor.h - a fixed pool of threads whose submit returns a future
 * (Item 59; item 64 builds on it). The C shape of concurrent.futures:
 *
 *   Python                                   C
 *   pool = ThreadPoolExecutor(max_workers=n) ex = executor_new(n)
 *   fut = pool.submit(fn, arg)               f = executor_submit(ex, fn, arg)
 *   value = fut.result(timeout=t)            rc = future_result(f, &value, cl_now() + t)
 *     (raises the task's exception)            (returns the task's error number)
 *     (raises TimeoutError)                    (returns ETIMEDOUT; the future stays valid)
 *   pool.shutdown(wait=True)                 executor_shutdown(ex)
 *
 * A task is a function that returns 0 and sets *result, or returns an error
 * number: the error travels back to whoever asks for the result, as an
 * exception raised in a worker comes back out of Future.result().
 *
 * The pool starts all its threads at once and keeps them; tasks wait in a
 * first-in, first-out list. Shutdown lets the workers finish every task
 * already submitted, then joins each of them.
 */
#ifndef CONCLAB_EXECUTOR_H
#define CONCLAB_EXECUTOR_H

#include <stdbool.h>

#define EXECUTOR_FOREVER (-1.0) /* a deadline that never comes */

/* Returns 0 (and sets *result) or an error number such as EIO. */
typedef int (*executor_task)(void *arg, void **result);

struct executor;
struct future;

/* Starts max_workers threads (1..4096). NULL and errno on failure: EINVAL for
 * a bad count, or the error pthread_create gave (the threads already started
 * are joined first). */
struct executor *executor_new(int max_workers);

/* Queues fn(arg) and returns its future. NULL with errno = EINVAL once
 * shutdown has begun (a task still running that submits more work gets
 * this, as Python raises RuntimeError), ENOMEM if no memory is left. */
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

/* The number of worker threads (max_workers). */
int executor_threads(const struct executor *ex);

#endif
