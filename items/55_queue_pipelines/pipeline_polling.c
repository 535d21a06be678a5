/*
 * pipeline_polling.c - the book's first pipeline, on its home-made queue.
 *
 * The queue is a locked list whose get fails when it is empty (the book's
 * deque and Lock, whose popleft raises IndexError) [p1]. So a worker that
 * finds nothing can only nap and try again: it polls [p2]. The book counts
 * a poll on every pass of the worker's loop, the gets that found an item
 * and the ones that found none; so does this file. Main hands every item
 * in, then checks the done list over and over until all are through: in the
 * book that loop has no nap in it at all (a spin), and so here, unless
 * main_nap_s is set. Nothing can tell the workers to stop but a flag of our own:
 * the book's workers run forever.
 */
#include "55_queue_pipelines/pipeline.h"

#include "clab.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* ---- [p1] The home-made queue: a locked list; get fails when empty ------- */

struct polling_list {
    pthread_mutex_t mutex;
    struct item *head, *tail;
    atomic_long length; /* read without the lock, as the book's len(queue.items) */
};

static void polling_list_put(struct polling_list *l, struct item *it)
{
    CL_CHECK_RC(pthread_mutex_lock(&l->mutex));
    it->next = NULL;
    if (l->tail != NULL)
        l->tail->next = it;
    else
        l->head = it;
    l->tail = it;
    atomic_fetch_add(&l->length, 1);
    CL_CHECK_RC(pthread_mutex_unlock(&l->mutex));
}

/* NULL when the list is empty: the caller must come back later. */
static struct item *polling_list_try_get(struct polling_list *l)
{
    CL_CHECK_RC(pthread_mutex_lock(&l->mutex));
    struct item *it = l->head;
    if (it != NULL) {
        l->head = it->next;
        if (l->head == NULL)
            l->tail = NULL;
        atomic_fetch_sub(&l->length, 1);
    }
    CL_CHECK_RC(pthread_mutex_unlock(&l->mutex));
    return it;
}

/* ---- [p2] A worker that polls: try; when empty, nap and try again -------- */

struct polling_worker {
    struct pipeline *p;
    int stage;
    struct polling_list *in, *out;
    atomic_bool *stop;
    struct stage_report r;
};

/* The book's time.sleep(0.01) after an IndexError. 0: no nap at all, the
 * loop goes straight round again: a spin, which keeps its CPU busy. */
static void nap(double seconds)
{
    if (seconds > 0)
        cl_sleep(seconds);
}

static void *polling_worker_main(void *arg)
{
    struct polling_worker *w = arg;
    while (!atomic_load(w->stop) && !cl_interrupted()) {
        w->r.passes++; /* the book's polled_count += 1, on every pass */
        struct item *it = polling_list_try_get(w->in);
        if (it == NULL) {
            w->r.empty++;
            nap(w->p->poll_s);
            continue;
        }
        pipeline_do_stage(w->p, w->stage, it, &w->r);
        polling_list_put(w->out, it);
    }
    w->r.cpu_s = pipeline_thread_cpu_s();
    return NULL;
}

/* ---- The run: one worker per stage, main feeding and then watching ------- */

void pipeline_polling(struct pipeline *p)
{
    struct polling_list list[STAGES + 1]; /* list[STAGES]: the done list */
    for (int s = 0; s <= STAGES; s++) {
        list[s] = (struct polling_list){.head = NULL};
        CL_CHECK_RC(pthread_mutex_init(&list[s].mutex, NULL));
    }
    atomic_bool stop = false;
    struct polling_worker w[STAGES];
    pthread_t tid[STAGES];
    pipeline_start(p);
    for (int s = 0; s < STAGES; s++) {
        w[s] = (struct polling_worker){p, s, &list[s], &list[s + 1], &stop, {0}};
        CL_CHECK_RC(pthread_create(&tid[s], NULL, polling_worker_main, &w[s]));
    }
    for (long i = 0; i < p->items; i++) {
        p->item[i].born_s = cl_now();
        polling_list_put(&list[0], &p->item[i]);
    }
    /* The book's main: while len(done_queue.items) < 1000, do nothing: a
     * spin, unless main_nap_s. (CPython's GIL hands the book's loop over to
     * the other threads every 5 ms; here each thread has a CPU of its own.) */
    double cpu_before = pipeline_thread_cpu_s();
    while (atomic_load(&list[STAGES].length) < p->items && !cl_interrupted())
        nap(p->main_nap_s);
    p->main_cpu_s = pipeline_thread_cpu_s() - cpu_before;
    p->wall_s = pipeline_since_start(p);

    atomic_store(&stop, true); /* our own flag: the book's workers never stop */
    for (int s = 0; s < STAGES; s++) {
        CL_CHECK_RC(pthread_join(tid[s], NULL));
        p->stage[s] = w[s].r;
        p->stage[s].done_s = pipeline_since_start(p);
    }
    struct item **done = cl_calloc((size_t)p->items + 1, sizeof *done);
    long ndone = 0;
    for (struct item *it; (it = polling_list_try_get(&list[STAGES])) != NULL;)
        done[ndone++] = it;
    for (int s = 0; s <= STAGES; s++)
        CL_CHECK_RC(pthread_mutex_destroy(&list[s].mutex));
    pipeline_check(p, done, ndone, "polling");
    free(done);
}
