/*
 * queue.c - the blocking FIFO of queue.h.
 *
 * The items live in a ring buffer: head is the oldest, count how many are
 * waiting. A bounded queue allocates its ring once; an unbounded one
 * doubles it when it fills, which is how memory can explode when a fast
 * stage feeds a slow one.
 *
 * A put or get that does not have to wait takes the mutex, moves one
 * pointer and signals a condition variable only if some thread sleeps on
 * it (the waiter counts), as GLib's GAsyncQueue does too. Waiting is
 * pthread_cond_wait: the thread sleeps in the kernel and burns no CPU.
 */
#include "55_queue_pipelines/queue.h"

#include "clab.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct queue {
    pthread_mutex_t mutex;     /* guards every field below */
    pthread_cond_t not_empty;  /* getters sleep here */
    pthread_cond_t not_full;   /* putters sleep here (bounded queues only) */
    pthread_cond_t all_done;   /* joiners sleep here */

    void **ring;      /* ring_size slots */
    size_t ring_size;
    size_t head;      /* index of the oldest item */
    size_t count;     /* items waiting */
    size_t capacity;  /* 0 = unbounded */
    size_t peak;      /* the largest count ever */
    size_t unfinished; /* put but not yet task_done */
    bool closed;

    int getters_waiting, putters_waiting, joiners_waiting;
};

#define QUEUE_FIRST_RING 64 /* slots an unbounded queue starts with */

/* ---- Waiting with a deadline -------------------------------------------- */

/* Sleeps on cond (mutex held) until signalled or the deadline passes.
 * false once the deadline has passed; the caller rechecks its condition
 * either way, since a wake-up may be spurious or stolen. */
static bool wait_until(pthread_cond_t *cond, pthread_mutex_t *mutex, double deadline)
{
    if (deadline < 0) {
        CL_CHECK_RC(pthread_cond_wait(cond, mutex));
        return true;
    }
    return cl_cond_wait_until(cond, mutex, deadline);
}

/* ---- Life cycle --------------------------------------------------------- */

struct queue *queue_new(size_t capacity)
{
    struct queue *q = calloc(1, sizeof *q);
    if (q == NULL)
        return NULL;
    q->capacity = capacity;
    q->ring_size = capacity > 0 ? capacity : QUEUE_FIRST_RING;
    q->ring = malloc(q->ring_size * sizeof *q->ring);
    if (q->ring == NULL) {
        free(q);
        errno = ENOMEM;
        return NULL;
    }
    CL_CHECK_RC(pthread_mutex_init(&q->mutex, NULL));
    cl_cond_init_monotonic(&q->not_empty);
    cl_cond_init_monotonic(&q->not_full);
    cl_cond_init_monotonic(&q->all_done);
    return q;
}

void queue_free(struct queue *q)
{
    if (q == NULL)
        return;
    if (q->getters_waiting + q->putters_waiting + q->joiners_waiting != 0)
        cl_die("queue_free: threads still wait on the queue");
    if (q->count != 0 && !q->closed)
        cl_die("queue_free: %zu items left in an open queue", q->count);
    CL_CHECK_RC(pthread_cond_destroy(&q->all_done));
    CL_CHECK_RC(pthread_cond_destroy(&q->not_full));
    CL_CHECK_RC(pthread_cond_destroy(&q->not_empty));
    CL_CHECK_RC(pthread_mutex_destroy(&q->mutex));
    free(q->ring);
    free(q);
}

/* An unbounded queue that is full doubles its ring, unrolling the
 * wrapped-around part so the items stay in order. */
static void grow_ring(struct queue *q)
{
    size_t new_size = q->ring_size * 2;
    void **bigger = malloc(new_size * sizeof *bigger);
    if (bigger == NULL)
        cl_fail(__FILE__, __LINE__, "malloc(ring)", ENOMEM);
    for (size_t i = 0; i < q->count; i++)
        bigger[i] = q->ring[(q->head + i) % q->ring_size];
    free(q->ring);
    q->ring = bigger;
    q->ring_size = new_size;
    q->head = 0;
}

/* ---- Put and get -------------------------------------------------------- */

static bool is_full(const struct queue *q)
{
    return q->capacity > 0 && q->count >= q->capacity;
}

enum queue_status queue_put(struct queue *q, void *item, double deadline)
{
    enum queue_status status = QUEUE_OK;
    CL_CHECK_RC(pthread_mutex_lock(&q->mutex));
    while (!q->closed && is_full(q)) {
        q->putters_waiting++;
        bool in_time = wait_until(&q->not_full, &q->mutex, deadline);
        q->putters_waiting--;
        if (!in_time && !q->closed && is_full(q)) {
            status = QUEUE_TIMEOUT;
            break;
        }
    }
    if (status == QUEUE_OK && q->closed)
        status = QUEUE_CLOSED;
    if (status == QUEUE_OK) {
        if (q->count == q->ring_size)
            grow_ring(q);
        q->ring[(q->head + q->count) % q->ring_size] = item;
        q->count++;
        q->unfinished++;
        if (q->count > q->peak)
            q->peak = q->count;
        if (q->getters_waiting > 0)
            CL_CHECK_RC(pthread_cond_signal(&q->not_empty));
    }
    CL_CHECK_RC(pthread_mutex_unlock(&q->mutex));
    return status;
}

enum queue_status queue_get(struct queue *q, void **item, double deadline)
{
    enum queue_status status = QUEUE_OK;
    CL_CHECK_RC(pthread_mutex_lock(&q->mutex));
    while (q->count == 0 && !q->closed) {
        q->getters_waiting++;
        bool in_time = wait_until(&q->not_empty, &q->mutex, deadline);
        q->getters_waiting--;
        if (!in_time && q->count == 0 && !q->closed) {
            status = QUEUE_TIMEOUT;
            break;
        }
    }
    if (status == QUEUE_OK && q->count == 0)
        status = QUEUE_CLOSED; /* closed and drained */
    if (status == QUEUE_OK) {
        *item = q->ring[q->head];
        q->head = (q->head + 1) % q->ring_size;
        q->count--;
        if (q->putters_waiting > 0)
            CL_CHECK_RC(pthread_cond_signal(&q->not_full));
    }
    CL_CHECK_RC(pthread_mutex_unlock(&q->mutex));
    return status;
}

void queue_close(struct queue *q)
{
    CL_CHECK_RC(pthread_mutex_lock(&q->mutex));
    q->closed = true;
    CL_CHECK_RC(pthread_cond_broadcast(&q->not_empty));
    CL_CHECK_RC(pthread_cond_broadcast(&q->not_full));
    CL_CHECK_RC(pthread_mutex_unlock(&q->mutex));
}

/* ---- Task accounting (Queue.task_done / Queue.join) --------------------- */

void queue_task_done(struct queue *q)
{
    CL_CHECK_RC(pthread_mutex_lock(&q->mutex));
    if (q->unfinished == 0) {
        CL_CHECK_RC(pthread_mutex_unlock(&q->mutex));
        cl_die("queue_task_done called more times than items were put");
    }
    q->unfinished--;
    if (q->unfinished == 0 && q->joiners_waiting > 0)
        CL_CHECK_RC(pthread_cond_broadcast(&q->all_done));
    CL_CHECK_RC(pthread_mutex_unlock(&q->mutex));
}

enum queue_status queue_join(struct queue *q, double deadline)
{
    enum queue_status status = QUEUE_OK;
    CL_CHECK_RC(pthread_mutex_lock(&q->mutex));
    while (q->unfinished > 0) {
        q->joiners_waiting++;
        bool in_time = wait_until(&q->all_done, &q->mutex, deadline);
        q->joiners_waiting--;
        if (!in_time && q->unfinished > 0) {
            status = QUEUE_TIMEOUT;
            break;
        }
    }
    CL_CHECK_RC(pthread_mutex_unlock(&q->mutex));
    return status;
}

/* ---- Looking in ----------------------------------------------------------- */

size_t queue_depth(struct queue *q)
{
    CL_CHECK_RC(pthread_mutex_lock(&q->mutex));
    size_t n = q->count;
    CL_CHECK_RC(pthread_mutex_unlock(&q->mutex));
    return n;
}

size_t queue_peak_depth(struct queue *q)
{
    CL_CHECK_RC(pthread_mutex_lock(&q->mutex));
    size_t n = q->peak;
    CL_CHECK_RC(pthread_mutex_unlock(&q->mutex));
    return n;
}

const char *queue_status_name(enum queue_status s)
{
    switch (s) {
    case QUEUE_OK:
        return "ok";
    case QUEUE_CLOSED:
        return "closed";
    case QUEUE_TIMEOUT:
        return "timeout";
    }
    return "?";
}
