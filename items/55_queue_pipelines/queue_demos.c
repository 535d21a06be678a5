/*
 * queue_demos.c - the book's two demos of a blocking queue (queue_demos.h).
 * Events go into one timeline under a mutex, so their order in it is the
 * order in which they happened.
 */
#include "55_queue_pipelines/queue_demos.h"
#include "55_queue_pipelines/queue.h"

#include "clab.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EVENTS 12
static struct {
    pthread_mutex_t mutex;
    int n;
    double at[EVENTS];
    const char *what[EVENTS];
} timeline = {.mutex = PTHREAD_MUTEX_INITIALIZER};

static void event(const char *what)
{
    CL_CHECK_RC(pthread_mutex_lock(&timeline.mutex));
    if (timeline.n < EVENTS) {
        timeline.at[timeline.n] = cl_now();
        timeline.what[timeline.n++] = what;
    }
    CL_CHECK_RC(pthread_mutex_unlock(&timeline.mutex));
}

/* The place of an event in the timeline; it must have happened. */
static int place(const char *what)
{
    for (int i = 0; i < timeline.n; i++)
        if (strcmp(timeline.what[i], what) == 0)
            return i;
    cl_die("demo: no event '%s'", what);
}

static void print_timeline(const char *title, const char *first, const char *then)
{
    if (cl_interrupted()) { /* cut short: nothing to show, nothing to check */
        timeline.n = 0;
        return;
    }
    if (place(then) < place(first)) /* what the queue guarantees */
        cl_die("demo: '%s' came before '%s'", then, first);
    printf("%s\n", title);
    for (int i = 0; i < timeline.n; i++)
        printf("        %6.1f ms  %s\n", 1e3 * (timeline.at[i] - timeline.at[0]),
               timeline.what[i]);
    timeline.n = 0;
}

struct demo {
    struct queue *q;
    double delay_s;
};

/* [p5] The consumer comes late: in a queue with room for one item, the
 * producer's second put must wait until the consumer asks for the first. */
static void *late_consumer(void *arg)
{
    struct demo *d = arg;
    static const char *asks[] = {"consumer asks for item 1", "consumer asks for item 2"};
    static const char *got[] = {"consumer got item 1", "consumer got item 2"};
    void *item;
    cl_sleep(d->delay_s);
    for (intptr_t i = 0; i < 2; i++) {
        event(asks[i]);
        if (queue_get(d->q, &item, cl_now() + 5) != QUEUE_OK || (intptr_t)item != i + 1)
            cl_die("demo: the consumer did not get item %ld", (long)i + 1);
        event(got[i]);
    }
    return NULL;
}

/* [p6] The worker takes the item at once but finishes it later: join must
 * wait for its task_done, not for its get. */
static void *slow_worker(void *arg)
{
    struct demo *d = arg;
    void *item;
    if (queue_get(d->q, &item, cl_now() + 5) != QUEUE_OK)
        cl_die("demo: the worker got nothing");
    event("consumer working");
    cl_sleep(d->delay_s);
    event("consumer done, calls task_done");
    queue_task_done(d->q);
    return NULL;
}

void demo_capacity_one(double delay_s)
{
    static const char *putting[] = {"producer putting item 1", "producer putting item 2"};
    static const char *put[] = {"producer put item 1", "producer put item 2"};
    struct demo d = {queue_new(1), delay_s};
    if (d.q == NULL)
        cl_fail(__FILE__, __LINE__, "queue_new", errno);
    pthread_t t;
    CL_CHECK_RC(pthread_create(&t, NULL, late_consumer, &d));
    for (intptr_t i = 0; i < 2; i++) {
        event(putting[i]);
        if (queue_put(d.q, (void *)(i + 1), cl_now() + 5) != QUEUE_OK)
            cl_die("demo: put %ld failed", (long)i + 1);
        event(put[i]);
    }
    CL_CHECK_RC(pthread_join(t, NULL));
    queue_free(d.q);
    print_timeline("[p5]    capacity 1: the producer's second put waits for the consumer",
                   "consumer asks for item 1", "producer put item 2");
}

void demo_task_done(double delay_s)
{
    struct demo d = {queue_new(0), delay_s};
    if (d.q == NULL)
        cl_fail(__FILE__, __LINE__, "queue_new", errno);
    pthread_t t;
    CL_CHECK_RC(pthread_create(&t, NULL, slow_worker, &d));
    event("producer putting the item");
    if (queue_put(d.q, (void *)1, cl_now() + 5) != QUEUE_OK)
        cl_die("demo: the put failed");
    event("producer waiting in join");
    if (queue_join(d.q, cl_now() + 5) != QUEUE_OK)
        cl_die("demo: join did not return within 5 s");
    event("producer done: join returned");
    CL_CHECK_RC(pthread_join(t, NULL));
    queue_close(d.q);
    queue_free(d.q);
    print_timeline("[p6]    task_done and join: join returns once the work is done",
                   "consumer done, calls task_done", "producer done: join returned");
}
