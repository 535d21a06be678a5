/*
 * pipeline.c - what the polling and the blocking pipeline share: the items,
 * timing a stage, and the check that every item came out exactly once.
 */
#include "55_queue_pipelines/pipeline.h"

#include "clab.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const stage_names[STAGES] = {"download", "resize", "upload"};

double pipeline_thread_cpu_s(void)
{
    struct timespec ts;
    CL_CHECK_SYS(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts));
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double pipeline_since_start(const struct pipeline *p)
{
    return cl_now() - p->started_s;
}

void pipeline_start(struct pipeline *p)
{
    memset(p->stage, 0, sizeof p->stage);
    memset(p->peak_depth, 0, sizeof p->peak_depth);
    p->wall_s = p->main_cpu_s = 0;
    p->finished = p->workers_left = 0;
    p->item = cl_calloc((size_t)p->items, sizeof *p->item);
    for (long i = 0; i < p->items; i++)
        p->item[i].id = i;
    p->started_s = cl_now();
}

void pipeline_do_stage(struct pipeline *p, int stage, struct item *it, struct stage_report *r)
{
    double t = cl_now();
    if (p->work != NULL)
        p->work(it, stage, p->ctx);
    it->stages_done++;
    if (stage == STAGES - 1)
        it->finished_s = cl_now();
    r->busy_s += cl_now() - t;
}

void pipeline_check(struct pipeline *p, struct item **done, long ndone, const char *variant)
{
    unsigned char *seen = cl_calloc((size_t)p->items, 1);
    for (long i = 0; i < ndone; i++) {
        struct item *it = done[i];
        if (it < p->item || it >= p->item + p->items || seen[it->id]++ != 0)
            cl_die("%s: item %ld came out twice", variant, it->id);
        if (it->stages_done != STAGES)
            cl_die("%s: item %ld came out after %d stages", variant, it->id, it->stages_done);
    }
    free(seen);
    if (!cl_interrupted() && ndone != p->items)
        cl_die("%s: %ld of %ld items came out", variant, ndone, p->items);
    p->finished = ndone;
}

void pipeline_free(struct pipeline *p)
{
    free(p->item);
    p->item = NULL;
}

long pipeline_polls(const struct pipeline *p)
{
    return p->stage[0].passes + p->stage[1].passes + p->stage[2].passes;
}

long pipeline_empty_polls(const struct pipeline *p)
{
    return p->stage[0].empty + p->stage[1].empty + p->stage[2].empty;
}

double pipeline_workers_cpu_s(const struct pipeline *p)
{
    return p->stage[0].cpu_s + p->stage[1].cpu_s + p->stage[2].cpu_s;
}
