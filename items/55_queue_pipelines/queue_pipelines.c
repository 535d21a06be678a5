/*
 * 55_queue_pipelines - Item 55: use Queue to coordinate work between threads.
 *
 * Python: download -> resize -> upload, a thread per stage, handing items on
 *         through queues. The book's home-made queue (a deque and a Lock
 *         whose get raises IndexError when empty) makes every worker poll;
 *         queue.Queue blocks in get, blocks in put when bounded and full,
 *         counts work for task_done/join, and closing it (the book's
 *         ClosableQueue; Queue.shutdown from 3.13) ends its workers.
 * C:      pipeline_polling.c [p1]-[p2] and pipeline_blocking.c [p3]-[p4] on
 *         queue.h; here, the book's two demos [p5]-[p6], its 3, 4 and 5
 *         workers [p7], and a slow stage behind a fast one [p8].
 *
 * The claims: busy waiting burns CPU; an unbounded queue in front of a slow
 * stage grows without limit; a bounded blocking queue fixes both and shuts
 * down cleanly. This program tells the story once; bench.c measures it.
 * The stages take no time, as the book's (--stage-ms gives them some).
 *
 * Run:  build/bin/55_queue_pipelines                       the story, about 2 s
 *       build/bin/55_queue_pipelines --part polling --stage-ms 1,0,0 --poll-ms 0
 *       build/bin/55_queue_pipelines --part workers --workers 1,8,1 --stage-ms 1,1,1
 *       build/bin/55_queue_pipelines --part backlog --items 300 --slow-ms 1
 *
 * Prints (abridged; a 2-core VM):
 *   [p1-p2] polling: a worker naps 10 ms after it finds its list empty; ...
 *           processed 1000 items after polling 3010 times (3000 found an item, 10 found none)
 *           31 ms; CPU: main 30.1 ms (its loop never naps), the workers 0.4 ms
 *   [p3-p4] blocking: get sleeps until an item or close comes
 *           1000 items finished; the workers went round their loops 3000 times, ...
 *           1 ms; CPU: main 0.0 ms (asleep in join), the workers 0.7 ms
 *   [p8]    unbounded: at most 999 items waited in front of resize (62.4 MiB of ...)
 *           capacity 10: at most 10 items waited in front of resize (0.6 MiB ...)
 */
#include "55_queue_pipelines/pipeline.h"
#include "55_queue_pipelines/queue_demos.h"
#include "clab.h"

#include <stdio.h>
#include <string.h>

#define IMAGE_KIB 64 /* what one waiting item would hold, were it an image */

struct settings {
    const char *part;
    long items, poll_ms, slow_ms, capacity, demo_ms;
    struct cl_list workers, stage_ms;
    bool leave_open;
};

/* The stages' work: each waits its simulated I/O time (stage_s[stage]). */
static void simulated_io(struct item *it, int stage, void *ctx)
{
    (void)it;
    const double *stage_s = ctx;
    if (stage_s[stage] > 0)
        cl_sleep(stage_s[stage]);
}

/* ---- [p1]-[p4] The book's two pipelines, one worker per stage ----------- */

static void tell_polling(const struct settings *s, double *stage_s)
{
    struct pipeline p = {.items = s->items, .work = simulated_io, .ctx = stage_s,
                         .poll_s = (double)s->poll_ms / 1e3};
    printf("[p1-p2] polling: a worker naps %ld ms after it finds its list empty%s;\n"
           "        main checks the done list in a loop with no nap, as the book's does\n",
           s->poll_ms, s->poll_ms == 0 ? " (0: no nap at all, a spin)" : "");
    pipeline_polling(&p);
    if (!cl_interrupted())
        printf("        processed %ld items after polling %ld times (%ld found an item, %ld "
               "found none)\n        %.0f ms; CPU: main %.1f ms (its loop never naps), the "
               "workers %.1f ms\n",
               p.finished, pipeline_polls(&p), pipeline_polls(&p) - pipeline_empty_polls(&p),
               pipeline_empty_polls(&p), 1e3 * p.wall_s, 1e3 * p.main_cpu_s, 1e3 * pipeline_workers_cpu_s(&p));
    pipeline_free(&p);
}

static void tell_blocking(const struct settings *s, double *stage_s)
{
    struct pipeline p = {.items = s->items, .work = simulated_io, .ctx = stage_s,
                         .workers = {1, 1, 1}};
    printf("[p3-p4] blocking: get sleeps until an item or close comes\n");
    pipeline_blocking(&p);
    if (!cl_interrupted())
        printf("        %ld items finished; the workers went round their loops %ld times, "
               "never finding a queue empty\n        %.0f ms; CPU: main %.1f ms (asleep in "
               "join), the workers %.1f ms\n",
               p.finished, pipeline_polls(&p), 1e3 * p.wall_s, 1e3 * p.main_cpu_s,
               1e3 * pipeline_workers_cpu_s(&p));
    pipeline_free(&p);
}

static void tell_demos(const struct settings *s)
{
    demo_capacity_one((double)s->demo_ms / 1e3);
    if (!cl_interrupted())
        demo_task_done((double)s->demo_ms / 1e3);
}

/* ---- [p7] Many workers per stage; [p8] a fast stage before a slow one ---- */

static void tell_workers(const struct settings *s, double *stage_s)
{
    struct pipeline p = {.items = s->items, .work = simulated_io, .ctx = stage_s,
                         .capacity = (size_t)s->capacity, .leave_open = s->leave_open};
    int threads = 0;
    for (int i = 0; i < STAGES; i++)
        threads += p.workers[i] = (int)s->workers.v[i];
    printf("[p7]    %d, %d and %d workers on download, resize and upload; queues of capacity "
           "%ld\n", p.workers[0], p.workers[1], p.workers[2], s->capacity);
    pipeline_blocking(&p);
    if (cl_interrupted()) {
        pipeline_free(&p);
        return;
    }
    if (s->leave_open)
        printf("        left open: %ld of %d workers still waited in get 0.1 s after the last "
               "item was done\n        (nothing told them to stop); closing the queues ended "
               "them\n", p.workers_left, threads);
    else
        printf("        close, join, then the next stage: %ld items finished, each exactly "
               "once; %d threads started, %d joined\n", p.finished, threads, threads);
    printf("        %.0f ms; stage, workers, share of the workers' time spent working:\n",
           1e3 * p.wall_s);
    for (int i = 0; i < STAGES; i++)
        printf("          %-8s  %2d  %3.0f%%\n", stage_names[i], p.workers[i],
               100 * p.stage[i].busy_s / (p.workers[i] * p.wall_s));
    pipeline_free(&p);
}

static void tell_backlog(const struct settings *s)
{
    double stage_s[STAGES] = {0, (double)s->slow_ms / 1e3, 0};
    printf("[p8]    download takes no time, resize %ld ms an item; %ld items\n", s->slow_ms,
           s->items);
    for (int bounded = 0; bounded <= 1 && !cl_interrupted(); bounded++) {
        struct pipeline p = {.items = s->items, .work = simulated_io, .ctx = stage_s,
                             .workers = {1, 1, 1}, .capacity = bounded ? (size_t)s->capacity : 0};
        pipeline_blocking(&p);
        char queue[32] = "unbounded";
        if (bounded)
            snprintf(queue, sizeof queue, "capacity %ld", s->capacity);
        if (!cl_interrupted())
            printf("        %s: at most %zu item%s waited in front of resize (%.1f MiB of "
                   "%d KiB images)%s\n", queue, p.peak_depth[1], p.peak_depth[1] == 1 ? "" : "s",
                   (double)p.peak_depth[1] * IMAGE_KIB / 1024, IMAGE_KIB,
                   bounded ? "; download waited instead" : "");
        pipeline_free(&p);
    }
}

/* ---- The story ------------------------------------------------------------ */

static bool runs(const struct settings *s, const char *part)
{
    return strcmp(s->part, "all") == 0 || strcmp(s->part, part) == 0;
}

int main(int argc, char **argv)
{
    struct settings s = {.part = "all", .items = 1000, .poll_ms = 10, .slow_ms = 1,
                         .capacity = 10, .demo_ms = 50, .workers = {3, {3, 4, 5}},
                         .stage_ms = {3, {0, 0, 0}}};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &s.part, "which part of the story",
         .choices = "all|polling|blocking|demos|workers|backlog"},
        {"items", CL_OPT_INT, &s.items, "items through the pipeline", 1, 100000},
        {"poll-ms", CL_OPT_INT, &s.poll_ms, "polling: a worker's nap after an empty poll, ms (0: a spin)", 0, 100},
        {"stage-ms", CL_OPT_LIST, &s.stage_ms, "download,resize,upload: simulated I/O per item, ms (the book's: 0)", 0, 100},
        {"workers", CL_OPT_LIST, &s.workers, "workers: download,resize,upload threads", 1, 64},
        {"capacity", CL_OPT_INT, &s.capacity, "workers, backlog: each queue's capacity (0 = unbounded)", 0, 100000},
        {"leave-open", CL_OPT_FLAG, &s.leave_open, "workers: never close the queues"},
        {"slow-ms", CL_OPT_INT, &s.slow_ms, "backlog: resize's time per item, ms", 0, 100},
        {"demo-ms", CL_OPT_INT, &s.demo_ms, "demos: how late the consumer comes, ms", 0, 300},
        {0},
    };
    struct cl_program prog = {
        .name = "55_queue_pipelines",
        .summary = "download -> resize -> upload on a polling list and on a blocking queue",
        .epilogue = "Parts: polling [p1-p2], blocking [p3-p4], demos [p5-p6], workers [p7],\n"
                    "backlog [p8]. Runs predicted past a minute are refused.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    if (s.workers.n != STAGES || s.stage_ms.n != STAGES)
        cl_usage_error("--workers and --stage-ms: three values, download,resize,upload");
    double stage_s[STAGES], slowest_s = 0, per_worker_s = 0, predicted = 0;
    for (int i = 0; i < STAGES; i++) {
        stage_s[i] = (double)s.stage_ms.v[i] / 1e3;
        slowest_s = stage_s[i] > slowest_s ? stage_s[i] : slowest_s;
        double w = stage_s[i] / (double)s.workers.v[i];
        per_worker_s = w > per_worker_s ? w : per_worker_s;
    }
    /* A pipeline goes at the pace of its slowest stage (per worker). */
    predicted += runs(&s, "polling") ? (double)s.items * slowest_s + 0.05 : 0;
    predicted += runs(&s, "blocking") ? (double)s.items * slowest_s : 0;
    predicted += runs(&s, "demos") ? 2.0 * (double)s.demo_ms / 1e3 : 0;
    predicted += runs(&s, "workers") ? (double)s.items * per_worker_s : 0;
    predicted += runs(&s, "backlog") ? 2.0 * (double)(s.items * s.slow_ms) / 1e3 : 0;
    cl_check_run_length(predicted, "--items x --stage-ms or --slow-ms");

    cl_catch_stop_signals();
    if (runs(&s, "polling"))
        tell_polling(&s, stage_s);
    if (runs(&s, "blocking") && !cl_interrupted())
        tell_blocking(&s, stage_s);
    if (runs(&s, "demos") && !cl_interrupted())
        tell_demos(&s);
    if (runs(&s, "workers") && !cl_interrupted())
        tell_workers(&s, stage_s);
    if (runs(&s, "backlog") && !cl_interrupted())
        tell_backlog(&s);
    cl_exit_if_interrupted();
    return 0;
}
