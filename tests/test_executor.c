/* test_executor.c - the thread pool of items/59_thread_pool/executor.h,
 * linked directly. Every wait has a deadline, every Test a timeout. */
#include "59_thread_pool/executor.h"
#include "clab.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdatomic.h>
#include <stdint.h>

#define WAIT_S 10.0 /* generous: the machine is shared */

static int live_threads(void)
{
    DIR *dir = opendir("/proc/self/task");
    cr_assert_not_null(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)))
        if (e->d_name[0] != '.')
            n++;
    closedir(dir);
    return n;
}

static int square(void *arg, void **result)
{
    intptr_t x = (intptr_t)arg;
    *result = (void *)(x * x);
    return 0;
}

Test(executor, every_future_gets_its_own_square, .timeout = 30)
{
    enum { N = 1000 };
    struct executor *ex = executor_new(4);
    cr_assert_not_null(ex);
    cr_assert_eq(executor_threads(ex), 4);
    struct future *futures[N];
    for (intptr_t i = 0; i < N; i++)
        cr_assert_not_null(futures[i] = executor_submit(ex, square, (void *)i));
    for (intptr_t i = 0; i < N; i++) {
        void *value = NULL;
        cr_assert_eq(future_result(futures[i], &value, cl_now() + WAIT_S), 0);
        cr_assert_eq((intptr_t)value, i * i, "task %ld", (long)i);
        cr_assert(future_done(futures[i]));
        future_free(futures[i]);
    }
    executor_shutdown(ex);
}

static int fail_on_seven(void *arg, void **result)
{
    if ((intptr_t)arg == 7)
        return EIO;
    *result = arg;
    return 0;
}

Test(executor, a_task_error_comes_back_from_result, .timeout = 30)
{
    struct executor *ex = executor_new(3);
    cr_assert_not_null(ex);
    struct future *futures[10];
    for (intptr_t i = 0; i < 10; i++)
        cr_assert_not_null(futures[i] = executor_submit(ex, fail_on_seven, (void *)i));
    for (intptr_t i = 0; i < 10; i++) {
        void *value = (void *)-1;
        int rc = future_result(futures[i], &value, cl_now() + WAIT_S);
        if (i == 7) {
            cr_assert_eq(rc, EIO);
            cr_assert_eq((intptr_t)value, -1, "a failed task must not set the result");
            /* asked again, the same error */
            cr_assert_eq(future_result(futures[i], NULL, cl_now() + WAIT_S), EIO);
        } else {
            cr_assert_eq(rc, 0);
            cr_assert_eq((intptr_t)value, i);
        }
        future_free(futures[i]);
    }
    executor_shutdown(ex);
}

static int nothing(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return 0;
}

Test(executor, shutdown_joins_every_thread, .timeout = 30)
{
    int before = live_threads();
    struct executor *ex = executor_new(8);
    cr_assert_not_null(ex);
    cr_assert_eq(live_threads(), before + 8);
    struct future *f = executor_submit(ex, nothing, NULL);
    cr_assert_not_null(f);
    executor_shutdown(ex);
    cr_assert_eq(live_threads(), before);
    cr_assert_eq(future_result(f, NULL, cl_now() + WAIT_S), 0, "shutdown ran the queued task");
    future_free(f);
}

/* Shutdown runs what was queued: one worker, many tasks, all done after. */
static int count_up(void *arg, void **result)
{
    (void)result;
    atomic_fetch_add((atomic_int *)arg, 1);
    cl_sleep(0.0005);
    return 0;
}

Test(executor, shutdown_runs_what_was_queued, .timeout = 30)
{
    atomic_int ran = 0;
    struct executor *ex = executor_new(1);
    cr_assert_not_null(ex);
    for (int i = 0; i < 50; i++) /* freed at once: the worker frees it after */
        future_free(executor_submit(ex, count_up, &ran));
    executor_shutdown(ex);
    cr_assert_eq(atomic_load(&ran), 50);
}

/* A task that keeps submitting to its own pool until the pool refuses: the
 * refusal can only come from shutdown, which the test starts meanwhile. */
struct resubmitter {
    struct executor *ex;
    atomic_bool started;
    int refused_errno; /* errno of the refused submit, or 0 if never refused */
};

static int submit_until_refused(void *arg, void **result)
{
    (void)result;
    struct resubmitter *r = arg;
    atomic_store(&r->started, true);
    double give_up = cl_now() + WAIT_S;
    while (cl_now() < give_up) {
        struct future *f = executor_submit(r->ex, nothing, NULL);
        if (!f) {
            r->refused_errno = errno;
            return 0;
        }
        future_free(f);
        cl_sleep(0.0005);
    }
    return 0;
}

Test(executor, submit_after_shutdown_is_refused, .timeout = 30)
{
    struct resubmitter r = {.ex = executor_new(2)};
    cr_assert_not_null(r.ex);
    struct future *f = executor_submit(r.ex, submit_until_refused, &r);
    cr_assert_not_null(f);
    double give_up = cl_now() + WAIT_S;
    while (!atomic_load(&r.started) && cl_now() < give_up)
        cl_sleep(0.001);
    cr_assert(atomic_load(&r.started));
    executor_shutdown(r.ex); /* waits for the task, which sees the refusal */
    cr_assert_eq(future_result(f, NULL, cl_now() + WAIT_S), 0);
    cr_assert_eq(r.refused_errno, EINVAL);
    future_free(f);
}

/* A task blocked on a gate the test opens: result with a short deadline
 * times out, and the same future completes once the gate opens. */
static int wait_for_gate(void *arg, void **result)
{
    atomic_bool *gate = arg;
    double give_up = cl_now() + WAIT_S;
    while (!atomic_load(gate) && cl_now() < give_up)
        cl_sleep(0.001);
    *result = (void *)(intptr_t)42;
    return atomic_load(gate) ? 0 : ETIME;
}

Test(executor, result_times_out_then_completes, .timeout = 30)
{
    atomic_bool gate = false;
    struct executor *ex = executor_new(1);
    cr_assert_not_null(ex);
    struct future *f = executor_submit(ex, wait_for_gate, &gate);
    cr_assert_not_null(f);
    void *value = NULL;
    cr_assert_eq(future_result(f, &value, cl_now() + 0.05), ETIMEDOUT);
    cr_assert_null(value);
    cr_assert_not(future_done(f));
    atomic_store(&gate, true);
    cr_assert_eq(future_result(f, &value, cl_now() + WAIT_S), 0);
    cr_assert_eq((intptr_t)value, 42);
    future_free(f);
    executor_shutdown(ex);
}

Test(executor, bad_worker_counts_are_refused, .timeout = 10)
{
    errno = 0;
    cr_assert_null(executor_new(0));
    cr_assert_eq(errno, EINVAL);
    cr_assert_null(executor_new(-3));
    cr_assert_eq(errno, EINVAL);
}
