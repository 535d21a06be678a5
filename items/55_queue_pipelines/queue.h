/*
 * queue.h - a blocking FIFO of pointers, the C counterpart of Python's
 * queue.Queue (Item 55). Items 55 and 58 include it as
 * "55_queue_pipelines/queue.h".
 *
 *   Python                          C
 *   q = Queue(maxsize)              q = queue_new(capacity)   0 = unbounded
 *   q.put(item, timeout=t)          queue_put(q, item, deadline)
 *   item = q.get(timeout=t)         queue_get(q, &item, deadline)
 *   q.task_done()                   queue_task_done(q)
 *   q.join()                        queue_join(q, deadline)
 *   q.shutdown()  (3.13)            queue_close(q)
 *   q.qsize()                       queue_depth(q)
 *
 * One mutex guards the queue; threads sleep on three condition variables:
 * not_empty (getters), not_full (putters) and all_done (joiners). A thread
 * that must wait sleeps in the kernel and burns no CPU, unlike a loop that
 * polls a list.
 *
 * Deadlines are absolute times on cl_now()'s clock (CLOCK_MONOTONIC), so a
 * loop that waits again after a spurious wake-up does not stretch its wait.
 * Pass QUEUE_FOREVER to wait without a deadline.
 *
 * Closing is the sentinel: after queue_close(), puts fail with QUEUE_CLOSED,
 * and getters first drain what is left, then get QUEUE_CLOSED.
 */
#ifndef CONCLAB_QUEUE_H
#define CONCLAB_QUEUE_H

#include <stddef.h>

struct queue; /* opaque: only queue.c touches the fields */

#define QUEUE_FOREVER (-1.0)

enum queue_status { QUEUE_OK = 0, QUEUE_CLOSED, QUEUE_TIMEOUT };

/* capacity 0 = unbounded. NULL with errno set on failure. */
struct queue *queue_new(size_t capacity);

/* The queue must be empty or closed, and no thread may be waiting on it. */
void queue_free(struct queue *q);

/* Blocks while the queue is full. CLOSED if the queue is (or becomes)
 * closed before the item went in; TIMEOUT if the deadline passed first. */
enum queue_status queue_put(struct queue *q, void *item, double deadline);

/* Blocks while the queue is empty. CLOSED once it is closed AND empty. */
enum queue_status queue_get(struct queue *q, void **item, double deadline);

/* Wakes every waiter; later puts get QUEUE_CLOSED. Closing twice is fine. */
void queue_close(struct queue *q);

/* One call per item got, when its work is finished. Dies with "!!!" if
 * called more often than items were put. */
void queue_task_done(struct queue *q);

/* Waits until every item put so far has been task_done: OK or TIMEOUT. */
enum queue_status queue_join(struct queue *q, double deadline);

size_t queue_depth(struct queue *q);      /* items waiting now */
size_t queue_peak_depth(struct queue *q); /* the most ever waiting at once */

const char *queue_status_name(enum queue_status s); /* "ok", "closed", "timeout" */

#endif
