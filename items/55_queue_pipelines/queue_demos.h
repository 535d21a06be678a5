/*
 * queue_demos.h - the book's two small demos of queue.Queue (Item 55), on
 * queue.h, each printed as a timeline of what happened when:
 *   [p5] a queue with room for one item: the producer's second put waits
 *        until the consumer, who comes delay_s late, asks for the first;
 *   [p6] task_done and join: join returns once the worker has finished its
 *        item (task_done), not when it took it (get).
 * Each checks the order the queue guarantees and dies with "!!!" if broken.
 */
#ifndef CONCLAB_QUEUE_DEMOS_H
#define CONCLAB_QUEUE_DEMOS_H

void demo_capacity_one(double delay_s);
void demo_task_done(double delay_s);

#endif
