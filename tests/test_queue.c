/* test_queue.c - the blocking queue of items/55_queue_pipelines/queue.h,
 * linked directly. Every wait has a deadline, so a broken queue fails a
 * test instead of hanging it. No timings are asserted: "blocked" is shown
 * by a deadline that expires, and "woken" by a waiter that came back before
 * its own deadline (a wake-up left out lets it out only at the deadline). */
#include "55_queue_pipelines/queue.h"

#include "clab.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define SOON (cl_now() + 5.0)   /* a deadline that a working queue never reaches */
#define BRIEF (cl_now() + 0.05) /* a deadline meant to expire */

static void *as_item(intptr_t v)
{
    return (void *)v;
}

/* ---- Order and size ------------------------------------------------------ */

Test(queue, fifo_order, .timeout = 10)
{
    struct queue *q = queue_new(8);
    cr_assert_not_null(q);
    for (intptr_t i = 1; i <= 5; i++)
        cr_assert_eq(queue_put(q, as_item(i), SOON), QUEUE_OK);
    cr_assert_eq(queue_depth(q), 5);
    for (intptr_t i = 1; i <= 5; i++) {
        void *got = NULL;
        cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
        cr_assert_eq((intptr_t)got, i, "got %ld, expected %ld", (long)(intptr_t)got, (long)i);
    }
    cr_assert_eq(queue_depth(q), 0);
    queue_free(q);
}

/* The ring wraps around many times: order survives the wrap. */
Test(queue, fifo_order_across_the_wrap, .timeout = 10)
{
    struct queue *q = queue_new(3);
    intptr_t next_in = 0, next_out = 0;
    for (int round = 0; round < 100; round++) {
        while (queue_depth(q) < 3)
            cr_assert_eq(queue_put(q, as_item(next_in++), SOON), QUEUE_OK);
        for (int k = 0; k < 2; k++) {
            void *got;
            cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
            cr_assert_eq((intptr_t)got, next_out++);
        }
    }
    queue_close(q);
    queue_free(q);
}

Test(queue, unbounded_grows_and_keeps_order, .timeout = 10)
{
    struct queue *q = queue_new(0);
    enum { N = 10000 };
    for (intptr_t i = 0; i < N; i++)
        cr_assert_eq(queue_put(q, as_item(i), BRIEF), QUEUE_OK, "put %ld blocked", (long)i);
    cr_assert_eq(queue_depth(q), N);
    cr_assert_eq(queue_peak_depth(q), N);
    for (intptr_t i = 0; i < N; i++) {
        void *got;
        cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
        cr_assert_eq((intptr_t)got, i);
    }
    queue_free(q);
}

/* The ring has wrapped round when it must grow: the items keep their order. */
Test(queue, unbounded_grows_across_the_wrap, .timeout = 10)
{
    struct queue *q = queue_new(0);
    intptr_t next_in = 0, next_out = 0;
    void *got;
    for (int i = 0; i < 50; i++)
        cr_assert_eq(queue_put(q, as_item(next_in++), SOON), QUEUE_OK);
    for (int i = 0; i < 30; i++) {
        cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
        cr_assert_eq((intptr_t)got, next_out++);
    }
    for (int i = 0; i < 200; i++) /* wraps, then grows twice */
        cr_assert_eq(queue_put(q, as_item(next_in++), SOON), QUEUE_OK);
    while (next_out < next_in) {
        cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
        cr_assert_eq((intptr_t)got, next_out, "got %ld, expected %ld", (long)(intptr_t)got,
                     (long)next_out);
        next_out++;
    }
    queue_free(q);
}

/* Peak depth: put 3, get 2, put 4 -> depth 5 at the end, 5 the peak;
 * then get 4 (depth 1) and put 1 (depth 2): the peak stays 5. */
Test(queue, peak_depth_is_the_most_ever_waiting, .timeout = 10)
{
    struct queue *q = queue_new(0);
    void *got;
    cr_assert_eq(queue_peak_depth(q), 0);
    for (int i = 0; i < 3; i++)
        queue_put(q, as_item(i), SOON);
    for (int i = 0; i < 2; i++)
        queue_get(q, &got, SOON);
    cr_assert_eq(queue_peak_depth(q), 3);
    for (int i = 0; i < 4; i++)
        queue_put(q, as_item(i), SOON);
    cr_assert_eq(queue_depth(q), 5);
    for (int i = 0; i < 4; i++)
        queue_get(q, &got, SOON);
    queue_put(q, as_item(9), SOON);
    cr_assert_eq(queue_depth(q), 2);
    cr_assert_eq(queue_peak_depth(q), 5);
    queue_close(q);
    queue_free(q);
}

/* ---- Deadlines ------------------------------------------------------------- */

Test(queue, get_on_empty_times_out, .timeout = 10)
{
    struct queue *q = queue_new(4);
    void *got = as_item(42);
    double deadline = cl_now() + 0.02;
    cr_assert_eq(queue_get(q, &got, deadline), QUEUE_TIMEOUT);
    cr_assert_geq(cl_now(), deadline, "returned TIMEOUT before the deadline");
    cr_assert_eq((intptr_t)got, 42, "a timed-out get wrote the item");
    queue_free(q);
}

Test(queue, put_on_full_times_out, .timeout = 10)
{
    struct queue *q = queue_new(2);
    cr_assert_eq(queue_put(q, as_item(1), SOON), QUEUE_OK);
    cr_assert_eq(queue_put(q, as_item(2), SOON), QUEUE_OK);
    double deadline = cl_now() + 0.02;
    cr_assert_eq(queue_put(q, as_item(3), deadline), QUEUE_TIMEOUT);
    cr_assert_geq(cl_now(), deadline);
    cr_assert_eq(queue_depth(q), 2, "the timed-out item went in");
    queue_close(q);
    queue_free(q);
}

/* A deadline already in the past: no wait at all, but an item that is
 * there is still taken. */
Test(queue, past_deadline_still_takes_what_is_there, .timeout = 10)
{
    struct queue *q = queue_new(1);
    void *got;
    cr_assert_eq(queue_get(q, &got, cl_now() - 1.0), QUEUE_TIMEOUT);
    cr_assert_eq(queue_put(q, as_item(7), cl_now() - 1.0), QUEUE_OK);
    cr_assert_eq(queue_get(q, &got, cl_now() - 1.0), QUEUE_OK);
    cr_assert_eq((intptr_t)got, 7);
    queue_free(q);
}

/* ---- A put wakes a waiting getter ----------------------------------------- */

struct getter {
    struct queue *q;
    double deadline, returned_at;
    enum queue_status status;
    void *got;
};

static void *get_one(void *arg)
{
    struct getter *g = arg;
    g->status = queue_get(g->q, &g->got, g->deadline);
    g->returned_at = cl_now();
    return NULL;
}

Test(queue, put_wakes_a_waiting_getter, .timeout = 10)
{
    struct queue *q = queue_new(4);
    struct getter g = {.q = q, .deadline = cl_now() + 3.0};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, get_one, &g), 0);
    cl_sleep(0.05); /* let it fall asleep; the result holds even if it did not */
    cr_assert_eq(queue_put(q, as_item(7), SOON), QUEUE_OK);
    cr_assert_eq(pthread_join(t, NULL), 0);
    cr_assert_eq(g.status, QUEUE_OK);
    cr_assert_eq((intptr_t)g.got, 7);
    cr_assert_lt(g.returned_at, g.deadline, "the getter left at its deadline: the put never woke it");
    queue_free(q);
}

/* ---- A full queue blocks put until a get ------------------------------- */

struct putter {
    struct queue *q;
    double deadline, returned_at;
    enum queue_status status;
    atomic_bool finished;
};

static void *put_one(void *arg)
{
    struct putter *p = arg;
    p->status = queue_put(p->q, as_item(99), p->deadline);
    p->returned_at = cl_now();
    atomic_store(&p->finished, true);
    return NULL;
}

/* Thread A puts into a full queue with a short deadline: it must time out
 * (it was blocked the whole time). Thread B does the same with a long
 * deadline; the test waits until B is surely asleep (the queue is still
 * full, B has not finished), then gets one item: B's put succeeds. */
Test(queue, full_queue_blocks_put_until_a_get, .timeout = 10)
{
    struct queue *q = queue_new(1);
    cr_assert_eq(queue_put(q, as_item(1), SOON), QUEUE_OK);

    struct putter a = {.q = q, .deadline = cl_now() + 0.05};
    pthread_t ta;
    cr_assert_eq(pthread_create(&ta, NULL, put_one, &a), 0);
    cr_assert_eq(pthread_join(ta, NULL), 0);
    cr_assert_eq(a.status, QUEUE_TIMEOUT, "put into a full queue did not block: %s",
                 queue_status_name(a.status));

    struct putter b = {.q = q, .deadline = cl_now() + 3.0};
    pthread_t tb;
    cr_assert_eq(pthread_create(&tb, NULL, put_one, &b), 0);
    cl_sleep(0.05);
    cr_assert_not(atomic_load(&b.finished), "put returned while the queue was full");
    void *got;
    cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
    cr_assert_eq((intptr_t)got, 1);
    cr_assert_eq(pthread_join(tb, NULL), 0);
    cr_assert_eq(b.status, QUEUE_OK);
    cr_assert_lt(b.returned_at, b.deadline, "the putter left at its deadline: the get never woke it");
    cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
    cr_assert_eq((intptr_t)got, 99);
    queue_free(q);
}

/* ---- Close -------------------------------------------------------------------- */

struct waiter {
    struct queue *q;
    bool is_putter;
    double deadline, returned_at;
    enum queue_status status;
};

static void *wait_on_queue(void *arg)
{
    struct waiter *w = arg;
    void *got;
    if (w->is_putter)
        w->status = queue_put(w->q, as_item(5), w->deadline);
    else
        w->status = queue_get(w->q, &got, w->deadline);
    w->returned_at = cl_now();
    return NULL;
}

/* Waiters with a 3 s deadline all come back CLOSED, before it: close woke them. */
static void assert_close_wakes(bool putters)
{
    enum { WAITERS = 4 };
    struct queue *q = queue_new(1);
    if (putters)
        cr_assert_eq(queue_put(q, as_item(1), SOON), QUEUE_OK); /* now full */
    struct waiter w[WAITERS];
    pthread_t t[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        w[i] = (struct waiter){.q = q, .is_putter = putters, .deadline = cl_now() + 3.0,
                               .status = QUEUE_TIMEOUT};
        cr_assert_eq(pthread_create(&t[i], NULL, wait_on_queue, &w[i]), 0);
    }
    cl_sleep(0.05); /* let them fall asleep; the result holds even if some did not */
    queue_close(q);
    for (int i = 0; i < WAITERS; i++) {
        cr_assert_eq(pthread_join(t[i], NULL), 0);
        cr_assert_eq(w[i].status, QUEUE_CLOSED, "%s %d: %s", putters ? "putter" : "getter", i,
                     queue_status_name(w[i].status));
        cr_assert_lt(w[i].returned_at, w[i].deadline, "%s %d left at its deadline: close never "
                     "woke it", putters ? "putter" : "getter", i);
    }
    queue_free(q);
}

Test(queue, close_wakes_every_blocked_getter, .timeout = 10)
{
    assert_close_wakes(false);
}

Test(queue, close_wakes_every_blocked_putter, .timeout = 10)
{
    assert_close_wakes(true);
}

Test(queue, closed_queue_drains_then_says_closed, .timeout = 10)
{
    struct queue *q = queue_new(0);
    cr_assert_eq(queue_put(q, as_item(1), SOON), QUEUE_OK);
    cr_assert_eq(queue_put(q, as_item(2), SOON), QUEUE_OK);
    queue_close(q);
    cr_assert_eq(queue_put(q, as_item(3), SOON), QUEUE_CLOSED);
    void *got;
    cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
    cr_assert_eq((intptr_t)got, 1);
    cr_assert_eq(queue_get(q, &got, SOON), QUEUE_OK);
    cr_assert_eq((intptr_t)got, 2);
    /* Empty and closed: CLOSED at once, even with a deadline far away
     * (the test's own .timeout catches a get that blocks). */
    cr_assert_eq(queue_get(q, &got, QUEUE_FOREVER), QUEUE_CLOSED);
    cr_assert_eq(queue_get(q, &got, SOON), QUEUE_CLOSED);
    queue_close(q); /* twice is fine */
    queue_free(q);
}

/* ---- task_done and join ------------------------------------------------------- */

struct worker {
    struct queue *q;
    atomic_int done;
    atomic_bool go;
};

/* Gets every item, waits for the go signal, then marks them done one by one. */
static void *finish_when_told(void *arg)
{
    struct worker *w = arg;
    void *got;
    while (queue_get(w->q, &got, SOON) == QUEUE_OK) {
        while (!atomic_load(&w->go))
            cl_sleep(0.001);
        atomic_fetch_add(&w->done, 1);
        queue_task_done(w->q);
    }
    return NULL;
}

Test(queue, join_waits_for_every_task_done, .timeout = 10)
{
    enum { N = 20 };
    struct queue *q = queue_new(0);
    struct worker w = {.q = q};
    cr_assert_eq(queue_join(q, SOON), QUEUE_OK, "nothing put: join returns at once");
    for (intptr_t i = 0; i < N; i++)
        cr_assert_eq(queue_put(q, as_item(i), SOON), QUEUE_OK);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, finish_when_told, &w), 0);

    /* The worker may have got items, but has finished none: join times out. */
    cr_assert_eq(queue_join(q, cl_now() + 0.05), QUEUE_TIMEOUT);
    cr_assert_eq(atomic_load(&w.done), 0);

    atomic_store(&w.go, true);
    double deadline = cl_now() + 3.0;
    cr_assert_eq(queue_join(q, deadline), QUEUE_OK);
    cr_assert_lt(cl_now(), deadline, "join left at its deadline: the last task_done never woke it");
    cr_assert_eq(atomic_load(&w.done), N, "join returned after %d of %d task_done",
                 atomic_load(&w.done), N);
    queue_close(q);
    cr_assert_eq(pthread_join(t, NULL), 0);
    queue_free(q);
}

Test(queue, task_done_more_than_put_is_a_bug, .timeout = 10, .exit_code = 1,
     .init = cr_redirect_stderr)
{
    struct queue *q = queue_new(0);
    void *got;
    queue_put(q, as_item(1), SOON);
    queue_get(q, &got, SOON);
    queue_task_done(q);
    queue_task_done(q); /* one too many: dies with "!!!" */
    cr_assert_fail("the second task_done returned");
}

/* ---- Many producers and consumers ------------------------------------------- */

enum { PRODUCERS = 4, CONSUMERS = 4, PER_PRODUCER = 20000 };

struct crowd {
    struct queue *q;
    atomic_int next_producer;
    atomic_uchar seen[PRODUCERS * PER_PRODUCER];
};

static void *produce(void *arg)
{
    struct crowd *c = arg;
    intptr_t base = (intptr_t)atomic_fetch_add(&c->next_producer, 1) * PER_PRODUCER;
    for (intptr_t i = 0; i < PER_PRODUCER; i++)
        if (queue_put(c->q, as_item(base + i), SOON) != QUEUE_OK)
            break;
    return NULL;
}

static void *consume(void *arg)
{
    struct crowd *c = arg;
    void *got;
    while (queue_get(c->q, &got, SOON) == QUEUE_OK)
        atomic_fetch_add(&c->seen[(intptr_t)got], 1);
    return NULL;
}

/* 4 producers, 4 consumers, a small ring: every item arrives exactly once. */
Test(queue, many_to_many_delivers_each_item_once, .timeout = 30)
{
    static struct crowd c; /* 80 KB: off the stack */
    c.q = queue_new(10);
    atomic_store(&c.next_producer, 0);
    for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++)
        atomic_store(&c.seen[i], 0);
    pthread_t p[PRODUCERS], k[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++)
        cr_assert_eq(pthread_create(&k[i], NULL, consume, &c), 0);
    for (int i = 0; i < PRODUCERS; i++)
        cr_assert_eq(pthread_create(&p[i], NULL, produce, &c), 0);
    for (int i = 0; i < PRODUCERS; i++)
        cr_assert_eq(pthread_join(p[i], NULL), 0);
    queue_close(c.q);
    for (int i = 0; i < CONSUMERS; i++)
        cr_assert_eq(pthread_join(k[i], NULL), 0);
    for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++)
        cr_assert_eq(atomic_load(&c.seen[i]), 1, "item %d arrived %d times", i,
                     atomic_load(&c.seen[i]));
    cr_assert_leq(queue_peak_depth(c.q), 10, "a bounded queue held more than its capacity");
    queue_free(c.q);
}
