/*
 * 55_queue_pipelines - Item 55 (in progress): queues between pipeline stages.
 * For now only the queue piece (queue.h) is committed; the program follows.
 */
#include "55_queue_pipelines/queue.h"
#include "clab.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    struct cl_opt opts[] = {{0}};
    struct cl_program prog = {
        .name = "55_queue_pipelines",
        .summary = "queues between pipeline stages (work in progress)",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    printf("55_queue_pipelines: the program is not written yet; see queue.h\n");
    return 0;
}
