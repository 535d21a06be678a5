/*
 * 59_thread_pool - Item 59: consider ThreadPoolExecutor when threads are
 * necessary for concurrency.
 *
 * The claim: item 56's Game of Life moves onto a ThreadPoolExecutor made
 * once and reused for every generation with a few changed lines: each
 * cell's game_logic is submitted (fan-out) and each future's result() taken
 * (fan-in), and an exception raised in a worker comes back out of result(),
 * in the caller, with no code to carry it. But max_workers caps how many
 * cells wait for their I/O at once: a generation takes about
 * ceil(cells / max_workers) latencies.
 *
 * Python -> C: ThreadPoolExecutor is the executor piece (executor.h,
 * executor_new / executor_submit / future_result / executor_shutdown); one
 * cell's game_logic as a task [p1]; fan-out: submit every cell [p2]; fan-in:
 * every future's result [p3], the task's error coming back from it [p4];
 * the pool made once, reused by every generation, shut down at the end [p5].
 * Compare with item 58's move to queues (queue_workers.c, [p1]-[p6]).
 *
 * Run:  build/bin/59_thread_pool                        the story, under 1 s
 *       build/bin/59_thread_pool --part time --workers 100 --rows 10 --cols 10
 *       build/bin/59_thread_pool --part error --fail-cell 4,7     (exit 3)
 *
 * Prints (2-core VM; times vary from run to run; abridged):
 *   the book's grid, 5 x 9, generations 0 to 4 by a pool of 10 ...
 *   ---*----- | --------- | --------- | --------- | ---------
 *   cell (2, 3)'s I/O fails in its worker; future_result gives the task's error:
 *     simulation error at (2, 3): Input/output error
 *   a thread pool, 10 workers, 5 x 9 grid (45 cells), 1 ms of I/O per cell, ...
 *     5.7 ms per generation; ideal ceil(45 / 10) x 1 ms = 5 ms; 11 threads alive
 */
#include "56_game_of_life/life.h"
#include "58_queue_workers/life_fanout.h"
#include "59_thread_pool/executor.h"
#include "clab.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define WAIT_SLICE_S 0.1 /* the longest the main thread waits before looking at Ctrl-C */

/* ---- The move to a pool: all of this is new against item 56's loop ------- */

/* [p1] One cell's game_logic as a task: its arguments in a struct the main
 * thread fills, its answer the future's result, its error the task's return
 * value (the exception the worker raises). */
struct cell_args {
    const struct life_io *io;
    int y, x;
    bool alive;
    int neighbors;
};

static int game_logic_task(void *arg, void **result)
{
    const struct cell_args *a = arg;
    bool next;
    int rc = life_game_logic(a->io, a->y, a->x, a->alive, a->neighbors, &next);
    if (rc == 0)
        *result = (void *)(intptr_t)next;
    return rc;
}

/* The pool and one generation's futures. */
struct pool_step {
    struct executor *pool;
    const struct life_io *io;
    struct cell_args *args;   /* one per cell: they must outlive the tasks */
    struct future **futures;  /* one per cell */
    int submitted;
};

/* [p2] Fan-out: submit every cell (cut short by Ctrl-C). */
static void fan_out(void *ctx, const struct life_grid *cur)
{
    struct pool_step *s = ctx;
    s->submitted = 0;
    for (int i = 0; i < cur->rows * cur->cols && !cl_interrupted(); i++) {
        int y = i / cur->cols, x = i % cur->cols;
        s->args[i] = (struct cell_args){s->io, y, x, life_get(cur, y, x),
                                        life_count_neighbors(cur, y, x)};
        if ((s->futures[i] = executor_submit(s->pool, game_logic_task, &s->args[i])) == NULL)
            cl_fail(__FILE__, __LINE__, "executor_submit", errno);
        s->submitted++;
    }
}

/* [p3] Fan-in: each future's result in turn (in slices, so that Ctrl-C is
 * seen). [p4] A task's error comes back from future_result, in this thread:
 * the first one is returned for the caller to raise. The futures of the
 * cells after it are let go unasked (future_free is safe before a task ran:
 * its worker frees it later). */
static int fan_in(void *ctx, struct life_grid *next, int *err_y, int *err_x)
{
    struct pool_step *s = ctx;
    int error = cl_interrupted() ? EINTR : 0;
    for (int i = 0; i < s->submitted; i++) {
        void *value = NULL;
        int rc = ETIMEDOUT;
        while (error == 0 && rc == ETIMEDOUT) {
            rc = future_result(s->futures[i], &value, cl_now() + WAIT_SLICE_S);
            if (cl_interrupted())
                error = EINTR;
        }
        if (error == 0 && rc != 0) {
            error = rc;
            *err_y = s->args[i].y;
            *err_x = s->args[i].x;
        }
        if (error == 0)
            life_set(next, s->args[i].y, s->args[i].x, (intptr_t)value != 0);
        future_free(s->futures[i]);
    }
    return error;
}

/* [p5] The pool made once and reused by every generation; shutdown runs any
 * task still queued (after an error or Ctrl-C) and joins the threads, so
 * the args the tasks read are freed only after it. (No variant here.) */
static struct life_run simulate_with_pool(const struct life_grid *start, int generations,
                                          int max_workers, const struct life_io *io,
                                          const void *variant)
{
    (void)variant;
    size_t cells = (size_t)start->rows * start->cols;
    struct pool_step s = {
        .pool = executor_new(max_workers),
        .io = io,
        .args = cl_calloc(cells, sizeof *s.args),
        .futures = cl_calloc(cells, sizeof *s.futures),
    };
    if (s.pool == NULL)
        cl_fail(__FILE__, __LINE__, "executor_new", errno);
    struct life_fanout how = {fan_out, fan_in, &s};
    struct life_run r = life_run_fanout(start, generations, &how);
    executor_shutdown(s.pool);
    free(s.futures);
    free(s.args);
    return r;
}

/* ---- The story: the book's grid, the error, a timed run (life_fanout.c) -- */

int main(int argc, char **argv)
{
    static const struct life_story story = {
        .name = "59_thread_pool",
        .summary = "the Game of Life on a reusable thread pool whose submit returns a future",
        .simulate = simulate_with_pool,
        .variant = NULL,
        .workers = 10, /* the book's max_workers */
        .by_whom = "a pool of 10",
        .comes_back = "future_result gives the task's error",
        .timed = "a thread pool",
    };
    return life_story_main(&story, argc, argv);
}
