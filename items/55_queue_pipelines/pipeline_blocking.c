/*
 * pipeline_blocking.c - the book's pipeline on a blocking queue (queue.h,
 * Python's queue.Queue): a worker's get sleeps until an item comes, so it
 * never polls and burns nothing while it waits [p3]. Closing a queue is the
 * book's ClosableQueue and its sentinel (Queue.shutdown from Python 3.13):
 * every worker waiting on it wakes, the workers drain what is left, and
 * their next get says CLOSED, which ends them [p4]. Main stops the stages
 * in order, as the book does: close a queue, join it (wait until every item
 * put into it was task_done), join its workers, then the next queue.
 */
#include "55_queue_pipelines/pipeline.h"
#include "55_queue_pipelines/queue.h"

#include "clab.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Main waits in slices this long, so that a stop signal is seen. */
#define SLICE_S 0.1

struct blocking_worker {
    struct pipeline *p;
    int stage;
    struct queue *in, *out;
    atomic_int *running; /* workers not yet returned */
    struct stage_report r;
};

/* ---- [p3] A worker that blocks: get sleeps until an item or close comes -- */

static void *blocking_worker_main(void *arg)
{
    struct blocking_worker *w = arg;
    void *got;
    /* [p4] CLOSED: the queue was closed and is drained; this worker is done. */
    while (queue_get(w->in, &got, QUEUE_FOREVER) == QUEUE_OK) {
        w->r.passes++; /* never empty: get returns with an item or not at all */
        if (cl_interrupted())
            break;
        pipeline_do_stage(w->p, w->stage, got, &w->r);
        if (queue_put(w->out, got, QUEUE_FOREVER) != QUEUE_OK)
            break; /* closed under us: a stop signal */
        queue_task_done(w->in);
    }
    w->r.cpu_s = pipeline_thread_cpu_s();
    atomic_fetch_sub(w->running, 1);
    return NULL;
}

/* ---- [p4] The run: feed, then close, join, and go on to the next queue ---- */

/* false once a stop signal came: the caller winds down. */
static bool put_in_slices(struct queue *q, struct item *it)
{
    enum queue_status st;
    while ((st = queue_put(q, it, cl_now() + SLICE_S)) == QUEUE_TIMEOUT)
        if (cl_interrupted())
            return false;
    return st == QUEUE_OK;
}

static bool join_in_slices(struct queue *q)
{
    while (queue_join(q, cl_now() + SLICE_S) == QUEUE_TIMEOUT)
        if (cl_interrupted())
            return false;
    return true;
}

void pipeline_blocking(struct pipeline *p)
{
    struct queue *q[STAGES + 1]; /* q[STAGES] collects the finished items */
    for (int s = 0; s <= STAGES; s++)
        if ((q[s] = queue_new(s < STAGES ? p->capacity : 0)) == NULL)
            cl_fail(__FILE__, __LINE__, "queue_new", errno);
    int nthreads = p->workers[0] + p->workers[1] + p->workers[2];
    struct blocking_worker *w = cl_calloc((size_t)nthreads, sizeof *w);
    pthread_t *tid = cl_calloc((size_t)nthreads, sizeof *tid);
    atomic_int running = nthreads;
    pipeline_start(p);
    for (int s = 0, k = 0; s < STAGES; s++)
        for (int i = 0; i < p->workers[s]; i++, k++) {
            w[k] = (struct blocking_worker){p, s, q[s], q[s + 1], &running, {0}};
            CL_CHECK_RC(pthread_create(&tid[k], NULL, blocking_worker_main, &w[k]));
        }
    bool going = true;
    for (long i = 0; i < p->items && going; i++) {
        p->item[i].born_s = cl_now();
        going = put_in_slices(q[0], &p->item[i]);
    }
    double cpu_before = pipeline_thread_cpu_s();
    int joined = 0; /* threads joined so far, stage by stage */
    for (int s = 0; s < STAGES && going; s++) {
        if (!p->leave_open)
            queue_close(q[s]); /* the sentinel: its workers leave once it is drained */
        going = join_in_slices(q[s]);
        for (int i = 0; i < p->workers[s] && going && !p->leave_open; i++)
            CL_CHECK_RC(pthread_join(tid[joined++], NULL));
        p->stage[s].done_s = pipeline_since_start(p);
    }
    p->main_cpu_s = pipeline_thread_cpu_s() - cpu_before;
    p->wall_s = pipeline_since_start(p);
    /* Are the workers gone? Left open, they wait in get for ever. */
    for (double until = cl_now() + SLICE_S; going && atomic_load(&running) > 0 && cl_now() < until;)
        cl_sleep(0.005);
    p->workers_left = going ? atomic_load(&running) : 0;
    for (int s = 0; s <= STAGES; s++)
        queue_close(q[s]); /* ends whatever is still waiting */
    while (joined < nthreads)
        CL_CHECK_RC(pthread_join(tid[joined++], NULL));

    struct item **done = cl_calloc((size_t)p->items + 1, sizeof *done);
    long ndone = 0;
    void *got;
    while (ndone < p->items && queue_get(q[STAGES], &got, cl_now()) == QUEUE_OK)
        done[ndone++] = got;
    for (int s = 0; s <= STAGES; s++) {
        if (s < STAGES)
            p->peak_depth[s] = queue_peak_depth(q[s]);
        if (s < STAGES && p->capacity > 0 && p->peak_depth[s] > p->capacity)
            cl_die("a queue of capacity %zu held %zu items", p->capacity, p->peak_depth[s]);
        queue_free(q[s]);
    }
    for (int k = 0; k < nthreads; k++) {
        struct stage_report *sum = &p->stage[w[k].stage], *r = &w[k].r;
        sum->passes += r->passes;
        sum->busy_s += r->busy_s;
        sum->cpu_s += r->cpu_s;
    }
    free(w);
    free(tid);
    pipeline_check(p, done, ndone, "blocking");
    free(done);
}
