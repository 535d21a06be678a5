/* test_executor.c - the thread pool of items/59_thread_pool/executor.h,
 * linked directly. Every wait has a deadline, every Test a timeout. */
#include "59_thread_pool/executor.h"
#include "clab.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define WAIT_S 10.0 /* generous: the machine is shared */

static int live_threads(void)
{
    int n = cl_threads_now();
    cr_assert_gt(n, 0);
    return n;
}

static int square(void *arg, void **result)
{
    intptr_t x = (intptr_t)arg;
    *result = (void *)(x * x);
    return 0;
}

static void squares(struct executor *ex)
{
    enum { N = 1000 };
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

Test(executor, every_future_gets_its_own_square, .timeout = 30)
{
    squares(executor_new(4));
    squares(executor_new_spinning(4, 20e-6));
}

static int fail_on_seven(void *arg, void **result)
{
    if ((intptr_t)arg == 7)
        return EIO;
    *result = arg;
    return 0;
}

static void error_comes_back(struct executor *ex)
{
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

Test(executor, a_task_error_comes_back_from_result, .timeout = 30)
{
    error_comes_back(executor_new(3));
    error_comes_back(executor_new_spinning(3, 20e-6));
}

static int nothing(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return 0;
}

/* Waits (bounded) until the gate opens. */
static int wait_at_gate(void *arg, void **result)
{
    (void)result;
    double give_up = cl_now() + WAIT_S;
    while (!atomic_load((atomic_bool *)arg) && cl_now() < give_up)
        cl_sleep(0.0005);
    return 0;
}

Test(executor, shutdown_joins_every_thread, .timeout = 30)
{
    int before = live_threads();
    struct executor *ex = executor_new(8);
    cr_assert_not_null(ex);
    cr_assert_eq(live_threads(), before, "threads start lazily, not with the pool");
    struct future *f[8];
    atomic_bool gate = false;
    for (int i = 0; i < 8; i++) /* eight that wait at once: eight threads */
        cr_assert_not_null(f[i] = executor_submit(ex, wait_at_gate, &gate));
    cr_assert_eq(executor_started(ex), 8);
    cr_assert_eq(live_threads(), before + 8);
    atomic_store(&gate, true);
    executor_shutdown(ex);
    cr_assert_eq(live_threads(), before);
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(future_result(f[i], NULL, cl_now() + WAIT_S), 0, "shutdown ran the task");
        future_free(f[i]);
    }
}

/* As CPython 3.8 and later: a pool starts no thread until work comes, and
 * a submit hands its task to an idle worker rather than start another. */
static int sleep_a_little(void *arg, void **result)
{
    (void)arg, (void)result;
    cl_sleep(0.002);
    return 0;
}

Test(executor, threads_start_lazily_and_idle_ones_are_reused, .timeout = 30)
{
    int before = live_threads();
    struct executor *ex = executor_new(10);
    cr_assert_not_null(ex);
    cr_assert_eq(executor_started(ex), 0);
    for (int i = 0; i < 6; i++) { /* six in turn: the one thread serves them all */
        struct future *f = executor_submit(ex, sleep_a_little, NULL);
        cr_assert_not_null(f);
        cr_assert_eq(future_result(f, NULL, cl_now() + WAIT_S), 0);
        future_free(f);
        cl_sleep(0.005); /* the worker is asleep again, idle */
    }
    /* One, unless a busy machine kept the worker from going back to sleep
     * before the next submit (then CPython too starts another). */
    int started = executor_started(ex);
    cr_assert_leq(started, 3, "idle thread not reused: %d started for 6 tasks in turn", started);
    cr_assert_eq(live_threads(), before + started);
    struct future *f[25];
    atomic_bool gate = false;
    for (int i = 0; i < 25; i++) /* 25 busy at once: max_workers threads, no more */
        cr_assert_not_null(f[i] = executor_submit(ex, wait_at_gate, &gate));
    cr_assert_eq(executor_started(ex), 10);
    atomic_store(&gate, true);
    for (int i = 0; i < 25; i++) {
        cr_assert_eq(future_result(f[i], NULL, cl_now() + WAIT_S), 0);
        future_free(f[i]);
    }
    cr_assert_eq(executor_started(ex), 10);
    executor_shutdown(ex);
    cr_assert_eq(live_threads(), before);
}

/* Each task runs once: none lost, none run twice, whatever the pool. */
struct once {
    atomic_int runs[3000];
};

struct once_task {
    struct once *o;
    int i;
};

static int run_once(void *arg, void **result)
{
    (void)result;
    struct once_task *t = arg;
    atomic_fetch_add(&t->o->runs[t->i], 1);
    return 0;
}

static void every_task_once(struct executor *ex)
{
    static struct once o;
    static struct once_task tasks[3000];
    for (int i = 0; i < 3000; i++) {
        atomic_store(&o.runs[i], 0);
        tasks[i] = (struct once_task){&o, i};
    }
    for (int i = 0; i < 3000; i++) {
        if (i % 300 == 0)
            cl_sleep(0.001); /* now and then, the workers fall asleep */
        future_free(executor_submit(ex, run_once, &tasks[i]));
    }
    executor_shutdown(ex);
    for (int i = 0; i < 3000; i++)
        cr_assert_eq(atomic_load(&o.runs[i]), 1, "task %d ran %d times", i,
                     atomic_load(&o.runs[i]));
}

Test(executor, every_task_runs_exactly_once, .timeout = 30)
{
    every_task_once(executor_new(3));
    every_task_once(executor_new(1));
    every_task_once(executor_new_spinning(3, 20e-6));
}

/* An idle pool sleeps: its workers block and burn no CPU, the spinning
 * variant's too once its look-again time has passed. */
Test(executor, idle_workers_burn_no_cpu, .timeout = 30)
{
    struct executor *pools[2] = {executor_new(4), executor_new_spinning(4, 20e-6)};
    for (int k = 0; k < 2; k++) {
        struct future *f[4];
        for (int i = 0; i < 4; i++)
            cr_assert_not_null(f[i] = executor_submit(pools[k], sleep_a_little, NULL));
        for (int i = 0; i < 4; i++) {
            cr_assert_eq(future_result(f[i], NULL, cl_now() + WAIT_S), 0);
            future_free(f[i]);
        }
        cl_sleep(0.01); /* every worker idle now */
        double cpu0 = cl_cpu_seconds();
        cl_sleep(0.1);
        double burnt = cl_cpu_seconds() - cpu0;
        cr_assert_lt(burnt, 0.02, "pool %d: idle workers burnt %.3f s of CPU in 0.1 s", k, burnt);
        executor_shutdown(pools[k]);
    }
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

Test(executor, result_times_out_then_completes, .timeout = 10)
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
    errno = 0;
    cr_assert_null(executor_new(4097));
    cr_assert_eq(errno, EINVAL);
    errno = 0;
    cr_assert_null(executor_new_spinning(2, -1));
    cr_assert_eq(errno, EINVAL);
    struct executor *most = executor_new(4096); /* the largest allowed */
    cr_assert_not_null(most);
    cr_assert_eq(executor_threads(most), 4096);
    cr_assert_eq(executor_started(most), 0);
    executor_shutdown(most);
}

/* First in, first out: one worker runs the tasks in the order submitted. */
struct order_log {
    atomic_int next;
    int seen[20];
};

struct order_task {
    struct order_log *log;
    int id;
};

static int log_order(void *arg, void **result)
{
    (void)result;
    struct order_task *t = arg;
    t->log->seen[atomic_fetch_add(&t->log->next, 1)] = t->id;
    return 0;
}

Test(executor, one_worker_runs_tasks_in_submission_order, .timeout = 30)
{
    struct order_log log = {.next = 0};
    struct order_task tasks[20];
    struct executor *ex = executor_new(1);
    cr_assert_not_null(ex);
    for (int i = 0; i < 20; i++) {
        tasks[i] = (struct order_task){&log, 100 + i};
        future_free(executor_submit(ex, log_order, &tasks[i]));
    }
    executor_shutdown(ex);
    cr_assert_eq(atomic_load(&log.next), 20);
    for (int i = 0; i < 20; i++)
        cr_assert_eq(log.seen[i], 100 + i, "position %d", i);
}

/* max_workers caps how many tasks run at once: with 3 workers and 12 tasks
 * that each wait (bounded) until 3 are running, the most ever running is
 * exactly 3, never 4. */
struct gate3 {
    atomic_int running, most;
};

static int run_with_two_others(void *arg, void **result)
{
    (void)result;
    struct gate3 *g = arg;
    int now = atomic_fetch_add(&g->running, 1) + 1;
    for (int seen = atomic_load(&g->most); now > seen;)
        if (atomic_compare_exchange_weak(&g->most, &seen, now))
            break;
    double give_up = cl_now() + WAIT_S;
    while (atomic_load(&g->most) < 3 && cl_now() < give_up)
        cl_sleep(0.0005);
    cl_sleep(0.001); /* let a fourth task start, if the pool wrongly allowed one */
    atomic_fetch_sub(&g->running, 1);
    return 0;
}

Test(executor, max_workers_caps_the_tasks_running_at_once, .timeout = 30)
{
    struct gate3 g = {0, 0};
    struct executor *ex = executor_new(3);
    cr_assert_not_null(ex);
    for (int i = 0; i < 12; i++)
        future_free(executor_submit(ex, run_with_two_others, &g));
    cr_assert_eq(executor_started(ex), 3);
    executor_shutdown(ex);
    cr_assert_eq(atomic_load(&g.most), 3);
    cr_assert_eq(atomic_load(&g.running), 0);
}

Test(executor, a_done_future_answers_any_deadline, .timeout = 30)
{
    struct executor *ex = executor_new(2);
    cr_assert_not_null(ex);
    struct future *f = executor_submit(ex, square, (void *)(intptr_t)12);
    cr_assert_not_null(f);
    void *value = NULL;
    cr_assert_eq(future_result(f, &value, cl_now() + WAIT_S), 0);
    cr_assert_eq((intptr_t)value, 144);
    /* once done: no wait at all, forever or a deadline already past */
    value = NULL;
    cr_assert_eq(future_result(f, &value, EXECUTOR_FOREVER), 0);
    cr_assert_eq((intptr_t)value, 144);
    value = NULL;
    cr_assert_eq(future_result(f, &value, 0), 0);
    cr_assert_eq((intptr_t)value, 144);
    future_free(f);
    executor_shutdown(ex);
}

/* Idle workers sleep (or, spinning, look again a few microseconds first),
 * and submit wakes a sleeper only when no worker already coming will take
 * the task, else starts a thread, else leaves it for a busy one. These
 * tests give the pool every mix of the two: bursts after the workers have
 * gone to sleep, single tasks spaced out so each finds them asleep, and
 * several submitting threads at once. A lost wake-up would leave a task
 * queued forever: its future_result would time out. */
static void wait_all_squares(struct future **futures, intptr_t first, intptr_t n)
{
    for (intptr_t i = 0; i < n; i++) {
        void *value = NULL;
        cr_assert_eq(future_result(futures[i], &value, cl_now() + WAIT_S), 0,
                     "task %ld never ran: a lost wake-up", (long)(first + i));
        cr_assert_eq((intptr_t)value, (first + i) * (first + i));
        future_free(futures[i]);
    }
}

Test(executor, tasks_submitted_while_workers_sleep_all_complete, .timeout = 60)
{
    enum { BURSTS = 40, BURST = 250 };
    struct executor *ex = executor_new(4);
    cr_assert_not_null(ex);
    struct future *futures[BURST];
    for (intptr_t b = 0; b < BURSTS; b++) {
        cl_sleep(0.002); /* far longer than any spin: the workers are asleep */
        intptr_t n = 1 + (b * 37) % BURST; /* bursts of many sizes, 1 included */
        for (intptr_t i = 0; i < n; i++)
            cr_assert_not_null(futures[i] = executor_submit(ex, square, (void *)(b * BURST + i)));
        wait_all_squares(futures, b * BURST, n);
    }
    executor_shutdown(ex);
}

Test(executor, single_tasks_spaced_out_each_wake_a_worker, .timeout = 60)
{
    struct executor *ex = executor_new(2);
    cr_assert_not_null(ex);
    for (intptr_t i = 0; i < 200; i++) {
        struct future *f = executor_submit(ex, square, (void *)i);
        cr_assert_not_null(f);
        wait_all_squares(&f, i, 1);
        if (i % 2) /* every other one: long enough for the workers to fall asleep */
            cl_sleep(0.0005);
    }
    executor_shutdown(ex);
}

/* In the spinning pool, a worker still looking for work after a quick task
 * must not stop submit from waking the sleepers the other tasks need: three tasks that each wait
 * (bounded) until all three run at once get there only if three workers run. */
Test(executor, a_looking_worker_does_not_keep_sleepers_asleep, .timeout = 30)
{
    struct executor *ex = executor_new_spinning(3, 20e-6);
    cr_assert_not_null(ex);
    for (int attempt = 0; attempt < 20; attempt++) {
        struct gate3 g = {0, 0};
        struct future *quick = executor_submit(ex, square, (void *)(intptr_t)3);
        cr_assert_not_null(quick);
        wait_all_squares(&quick, 3, 1); /* its worker now looks again briefly */
        struct future *three[3];
        for (int i = 0; i < 3; i++)
            cr_assert_not_null(three[i] = executor_submit(ex, run_with_two_others, &g));
        for (int i = 0; i < 3; i++) {
            cr_assert_eq(future_result(three[i], NULL, cl_now() + WAIT_S), 0);
            future_free(three[i]);
        }
        cr_assert_eq(atomic_load(&g.most), 3, "attempt %d: only %d ran at once", attempt,
                     atomic_load(&g.most));
    }
    executor_shutdown(ex);
}

/* Every sleeping worker a task needs is woken: three tasks that each wait
 * (bounded) until all three run at once, given to three workers asleep. */
Test(executor, sleeping_workers_each_wake_for_a_task, .timeout = 30)
{
    struct executor *ex = executor_new(3);
    cr_assert_not_null(ex);
    atomic_bool gate = false;
    struct future *f[3];
    for (int i = 0; i < 3; i++) /* three threads started */
        cr_assert_not_null(f[i] = executor_submit(ex, wait_at_gate, &gate));
    atomic_store(&gate, true);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(future_result(f[i], NULL, cl_now() + WAIT_S), 0);
        future_free(f[i]);
    }
    for (int attempt = 0; attempt < 5; attempt++) {
        cl_sleep(0.005); /* all three asleep */
        struct gate3 g = {0, 0};
        for (int i = 0; i < 3; i++)
            cr_assert_not_null(f[i] = executor_submit(ex, run_with_two_others, &g));
        for (int i = 0; i < 3; i++) {
            cr_assert_eq(future_result(f[i], NULL, cl_now() + WAIT_S), 0);
            future_free(f[i]);
        }
        cr_assert_eq(atomic_load(&g.most), 3, "attempt %d: only %d ran at once", attempt,
                     atomic_load(&g.most));
    }
    cr_assert_eq(executor_started(ex), 3);
    executor_shutdown(ex);
}

/* Several threads submitting to one pool at once, with pauses that let the
 * workers fall asleep now and then. */
struct submitter {
    struct executor *ex;
    intptr_t first;
    int failures;
};

enum { PER_SUBMITTER = 3000 };

static void *submit_and_collect(void *arg)
{
    struct submitter *s = arg;
    struct future *futures[100];
    for (intptr_t done = 0; done < PER_SUBMITTER; done += 100) {
        for (intptr_t i = 0; i < 100; i++)
            if (!(futures[i] = executor_submit(s->ex, square, (void *)(s->first + done + i))))
                s->failures++;
        for (intptr_t i = 0; i < 100; i++) {
            void *value = NULL;
            intptr_t x = s->first + done + i;
            if (!futures[i])
                continue;
            if (future_result(futures[i], &value, cl_now() + WAIT_S) != 0 ||
                (intptr_t)value != x * x)
                s->failures++;
            future_free(futures[i]);
        }
        if (done % 1000 == 0)
            cl_sleep(0.001);
    }
    return NULL;
}

Test(executor, several_submitters_at_once_lose_no_task, .timeout = 60)
{
    enum { SUBMITTERS = 4 };
    struct executor *ex = executor_new(3);
    cr_assert_not_null(ex);
    pthread_t threads[SUBMITTERS];
    struct submitter s[SUBMITTERS];
    for (int t = 0; t < SUBMITTERS; t++) {
        s[t] = (struct submitter){ex, (intptr_t)t * PER_SUBMITTER, 0};
        cr_assert_eq(pthread_create(&threads[t], NULL, submit_and_collect, &s[t]), 0);
    }
    for (int t = 0; t < SUBMITTERS; t++) {
        cr_assert_eq(pthread_join(threads[t], NULL), 0);
        cr_assert_eq(s[t].failures, 0, "submitter %d", t);
    }
    executor_shutdown(ex);
}

/* The look-again before sleeping must stop at the deadline: a deadline
 * already past gives ETIMEDOUT on a task that has not run, and the future
 * stays valid. */
Test(executor, a_past_deadline_times_out_while_the_task_runs, .timeout = 30)
{
    atomic_bool gate = false;
    struct executor *ex = executor_new(1);
    cr_assert_not_null(ex);
    struct future *f = executor_submit(ex, wait_for_gate, &gate);
    cr_assert_not_null(f);
    cr_assert_eq(future_result(f, NULL, 0), ETIMEDOUT);
    cr_assert_eq(future_result(f, NULL, cl_now() - 1), ETIMEDOUT);
    atomic_store(&gate, true);
    cr_assert_eq(future_result(f, NULL, cl_now() + WAIT_S), 0);
    future_free(f);
    executor_shutdown(ex);
}
