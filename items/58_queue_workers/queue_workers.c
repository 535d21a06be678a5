/*
 * 58_queue_workers - Item 58: understand how using Queue for concurrency
 * requires refactoring.
 *
 * The claim: a fixed set of worker threads between an in queue and an out
 * queue runs item 56's Game of Life with a bounded number of threads, W cells
 * waiting for their I/O at once: a generation takes about ceil(cells / W)
 * latencies. More workers, less time, but W caps the I/O parallelism. And
 * the move from item 56's serial loop is a rewrite: work items, worker loops,
 * queue shutdown, errors carried back as values; when counting the
 * neighbours needs I/O too, a third queue and more workers.
 *
 * Python -> C: queue.Queue is item 55's queue.h; the tuple per cell, struct
 * cell_job [p1]; the worker loop [p2]; fan-out and fan-in [p3]; the exception
 * caught in the worker, raised again by the main thread [p4]; closing the
 * queues, joining the workers [p5]; the second version, three queues [p6].
 *
 * Run:  build/bin/58_queue_workers                       the story, under 1 s
 *       build/bin/58_queue_workers --part time --workers 1 --rows 20 --cols 20
 *       build/bin/58_queue_workers --part error --fail-cell 4,7    (exit 3)
 *
 * Prints (2-core VM; times vary from run to run; abridged):
 *   the book's grid, 5 x 9, generations 0 to 4 by 5 queue workers ...
 *   ---*----- | --------- | --------- | --------- | ---------
 *   cell (2, 3)'s I/O fails in its worker; the main thread raises it again:
 *     simulation error at (2, 3): Input/output error
 *   queue workers (2 queues), 5 workers, 5 x 9 grid (45 cells), 1 ms of I/O ...
 *     9.75 ms per generation; ideal ceil(45 / 5) x 1 ms = 9 ms; 6 threads alive
 *   the second version (3 queues), 5 workers, ...
 *     10.9 ms per generation; ideal ceil(45 / 5) x 1 ms = 9 ms; 11 threads alive
 */
#include "55_queue_pipelines/queue.h"
#include "56_game_of_life/life.h"
#include "58_queue_workers/life_fanout.h"
#include "clab.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define WAIT_SLICE_S 0.1 /* the longest the main thread waits before looking at Ctrl-C */

/* ---- The move to queues: all of this is new against item 56's loop ------ */

/* [p1] One cell's work item. Python puts a tuple in the queue; here one
 * struct per cell, made once per run, goes in and comes back with its answer. */
struct cell_job {
    const struct life_grid *grid; /* the generation being read */
    int y, x;
    int neighbors; /* counted by the main thread, or by the counting stage [p6] */
    bool next;     /* the answer */
    int error;     /* 0, or the error the worker caught, sent back as a value [p4] */
};

/* One stage: workers that take from `in`, do one blocking step, put to `out`. */
struct stage {
    struct queue *in, *out;
    const struct life_io *io;
    void (*step)(const struct life_io *io, struct cell_job *job);
};

/* [p4] The book's game_logic in a worker. An error is not thrown across
 * threads: it is stored in the work item, as the book's worker catches the
 * exception and puts it in the out queue. */
static void game_logic_step(const struct life_io *io, struct cell_job *job)
{
    bool alive = life_get(job->grid, job->y, job->x);
    if (job->error == 0)
        job->error = life_game_logic(io, job->y, job->x, alive, job->neighbors, &job->next);
}

/* [p6] The second version's count_neighbors, which now waits for I/O too:
 * the same blocking wait as game_logic's, then the count. */
static void count_neighbors_step(const struct life_io *io, struct cell_job *job)
{
    struct life_io wait_only = {io->latency_s, -1, -1};
    bool unused;
    life_game_logic(&wait_only, job->y, job->x, false, 0, &unused);
    job->neighbors = life_count_neighbors(job->grid, job->y, job->x);
}

/* [p2] A worker: take, work, pass on, until its in queue is closed and empty
 * (closing is the sentinel). A put that finds the out queue closed means the
 * pipeline is being stopped early (Ctrl-C): the item is dropped. */
static void *stage_worker(void *arg)
{
    struct stage *s = arg;
    void *item;
    while (queue_get(s->in, &item, QUEUE_FOREVER) == QUEUE_OK) {
        s->step(s->io, item);
        if (queue_put(s->out, item, QUEUE_FOREVER) != QUEUE_OK)
            break;
    }
    return NULL;
}

/* queues[0] -> stage 0 -> queues[1], and in the second version
 * -> stage 1 -> queues[2]. */
struct pipeline {
    int nstages, workers;
    struct queue *queues[3];
    struct stage stages[2];
    pthread_t *threads;    /* nstages x workers */
    struct cell_job *jobs; /* one per cell */
};

/* [p5] `workers` threads per stage: one stage (game_logic), or two
 * (count_neighbors, then game_logic). The queues are unbounded, as the
 * book's Queue(). */
static void pipeline_start(struct pipeline *p, bool count_in_workers, int workers, long cells,
                           const struct life_io *io)
{
    *p = (struct pipeline){.nstages = count_in_workers ? 2 : 1, .workers = workers};
    for (int i = 0; i <= p->nstages; i++)
        if ((p->queues[i] = queue_new(0)) == NULL)
            cl_fail(__FILE__, __LINE__, "queue_new", errno);
    for (int i = 0; i < p->nstages; i++)
        p->stages[i] = (struct stage){p->queues[i], p->queues[i + 1], io,
                                      count_in_workers && i == 0 ? count_neighbors_step
                                                                 : game_logic_step};
    p->threads = cl_calloc((size_t)(p->nstages * workers), sizeof *p->threads);
    p->jobs = cl_calloc((size_t)cells, sizeof *p->jobs);
    for (int i = 0; i < p->nstages * workers; i++)
        CL_CHECK_RC(pthread_create(&p->threads[i], NULL, stage_worker, &p->stages[i / workers]));
}

/* [p5] Close every queue (the workers drain what is left and leave), join
 * every worker. */
static void pipeline_stop(struct pipeline *p)
{
    for (int i = 0; i <= p->nstages; i++)
        queue_close(p->queues[i]);
    for (int i = 0; i < p->nstages * p->workers; i++)
        CL_CHECK_RC(pthread_join(p->threads[i], NULL));
    for (int i = 0; i <= p->nstages; i++)
        queue_free(p->queues[i]);
    free(p->threads);
    free(p->jobs);
}

/* [p3] Fan-out: one work item per cell into the first queue (cut short by
 * Ctrl-C: fan_in then returns at once). */
static void fan_out(void *ctx, const struct life_grid *cur)
{
    struct pipeline *p = ctx;
    for (int i = 0; i < cur->rows * cur->cols && !cl_interrupted(); i++) {
        struct cell_job *job = &p->jobs[i];
        *job = (struct cell_job){cur, i / cur->cols, i % cur->cols, 0, false, 0};
        if (p->nstages == 1) /* the first version: counting is cheap, done here */
            job->neighbors = life_count_neighbors(cur, job->y, job->x);
        if (queue_put(p->queues[0], job, QUEUE_FOREVER) != QUEUE_OK)
            cl_die("the in queue closed in the middle of a generation");
    }
}

/* [p3] Fan-in: every answer out of the last queue, in whatever order the
 * workers finish (timed gets, so that Ctrl-C is seen). [p4] The first error
 * sent back is returned for the caller to raise, but only once every answer
 * of the generation is in: the workers still hold this generation's items. */
static int fan_in(void *ctx, struct life_grid *next, int *err_y, int *err_x)
{
    struct pipeline *p = ctx;
    int error = 0;
    for (int got = 0; got < next->rows * next->cols;) {
        void *item;
        enum queue_status st = queue_get(p->queues[p->nstages], &item, cl_now() + WAIT_SLICE_S);
        if (cl_interrupted())
            return EINTR;
        if (st == QUEUE_TIMEOUT)
            continue;
        if (st != QUEUE_OK)
            cl_die("the out queue closed in the middle of a generation");
        struct cell_job *job = item;
        got++;
        if (job->error != 0 && error == 0) {
            error = job->error;
            *err_y = job->y;
            *err_x = job->x;
        }
        life_set(next, job->y, job->x, job->next);
    }
    return error;
}

/* The whole simulation with queues: start the workers, run the generations
 * through them, stop them. variant: &TWO_QUEUES or &THREE_QUEUES [p6]. */
static const bool TWO_QUEUES = false, THREE_QUEUES = true;

static struct life_run simulate_with_queues(const struct life_grid *start, int generations,
                                            int workers, const struct life_io *io,
                                            const void *variant)
{
    struct pipeline p;
    pipeline_start(&p, *(const bool *)variant, workers, (long)start->rows * start->cols, io);
    struct life_fanout how = {fan_out, fan_in, &p};
    struct life_run r = life_run_fanout(start, generations, &how);
    pipeline_stop(&p);
    return r;
}

/* ---- The story: the book's grid, the error, a timed run (life_fanout.c) -- */

int main(int argc, char **argv)
{
    static const struct life_story story = {
        .name = "58_queue_workers",
        .summary = "the Game of Life by a fixed set of worker threads between queues",
        .simulate = simulate_with_queues,
        .variant = &TWO_QUEUES,
        .workers = 5, /* the book's */
        .by_whom = "5 queue workers",
        .comes_back = "the main thread raises it again",
        .timed = "queue workers (2 queues)",
        .second_part = "io_count",
        .second_variant = &THREE_QUEUES,
        .second_timed = "the second version (3 queues)",
        .second_extra_waits = 1, /* the last cell waits in both stages */
    };
    return life_story_main(&story, argc, argv);
}
