/*
 * pipeline.h - the book's download -> resize -> upload pipeline (Item 55),
 * built twice, as the book builds it:
 *   pipeline_polling.c   on its home-made queue: get fails when the list is
 *                        empty, so each worker naps and polls again [p1]-[p2];
 *   pipeline_blocking.c  on queue.h: get sleeps until an item comes, and
 *                        closing a queue is what ends its workers [p3]-[p4].
 * Both move the same items through the same stage function and report the
 * same figures, so a program (or a bench) can set one beside the other.
 */
#ifndef CONCLAB_PIPELINE_H
#define CONCLAB_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#define STAGES 3 /* download, resize, upload */

extern const char *const stage_names[STAGES];

struct item {
    long id;
    int stages_done;            /* each stage adds one: 3 at the end */
    double born_s, finished_s;  /* into the first queue; out of upload */
    void *payload;              /* a bench's "image"; NULL in the story */
    struct item *next;          /* the polling list's link */
};

/* One stage's work on one item: the book's download(), resize(), upload().
 * NULL: the book's stages, which return at once. */
typedef void stage_fn(struct item *it, int stage, void *ctx);

/* What the workers of one stage did, summed over them. */
struct stage_report {
    long passes;    /* times round the worker loop: what the book counts as polls */
    long empty;     /* passes that found the input empty and tried again */
    double busy_s;  /* time spent in the stage function */
    double cpu_s;   /* CPU time of the stage's threads */
    double done_s;  /* since the start, when its last worker was done */
};

struct pipeline {
    /* Settings. */
    long items;
    stage_fn *work;
    void *ctx;
    int workers[STAGES];  /* blocking: threads per stage (polling: one each) */
    size_t capacity;      /* blocking: each queue between stages; 0 = unbounded */
    double poll_s;        /* polling: a worker's nap after an empty poll; 0 = a spin */
    double main_nap_s;    /* polling: main's nap between its checks of the done
                           * list; 0: none, the book's main loops without one */
    bool leave_open;      /* blocking: never close the queues, as the book's
                           * first pipeline, whose workers nobody can stop */

    /* Results. */
    struct stage_report stage[STAGES];
    size_t peak_depth[STAGES]; /* blocking: the most items waiting in front of each stage */
    double wall_s;
    double main_cpu_s;   /* main's CPU while it waited for the items to come out */
    long finished;       /* items out of upload */
    long workers_left;   /* threads still running 0.1 s after the work was done */
    struct item *item;   /* the items, item[0] to item[items - 1]; pipeline_free() frees them */
    double started_s;    /* cl_now() when the run began */
};

/* Each runs p->items items through; the figures land in *p. An item that
 * comes out twice, or short of a stage, or an item lost, is "!!!". A stop
 * signal winds the run down early (then fewer items finish). */
void pipeline_polling(struct pipeline *p);
void pipeline_blocking(struct pipeline *p);
void pipeline_free(struct pipeline *p);

/* Summed over the stages: passes round the workers' loops (the book's
 * polls), the passes that found nothing, the workers' CPU time. */
long pipeline_polls(const struct pipeline *p);
long pipeline_empty_polls(const struct pipeline *p);
double pipeline_workers_cpu_s(const struct pipeline *p);

/* ---- For the two variants (pipeline.c) ---------------------------------- */

void pipeline_start(struct pipeline *p);  /* items, zeroed results, the clock */
/* Runs the stage on one item, timing it into r. */
void pipeline_do_stage(struct pipeline *p, int stage, struct item *it, struct stage_report *r);
/* Every item out once, through every stage: else "!!!". */
void pipeline_check(struct pipeline *p, struct item **done, long ndone, const char *variant);
double pipeline_thread_cpu_s(void); /* CPU time of the calling thread */
double pipeline_since_start(const struct pipeline *p);

#endif
