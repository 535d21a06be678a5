/*
 * 58_queue_workers-bench - the measuring behind Item 58's claims, on the very
 * functions the program shows (queue_workers.c is included below). Prints
 * CSV; the harness (harness/measure/58.sh) runs it.
 *
 *   --part life    every --cells x --workers pair, both versions (2 and 3
 *                  queues) and the control of bare sleeping threads, in
 *                  interleaved rounds: how the time per generation follows
 *                  ceil(cells / workers) latencies
 *   --part cells   the cross-item rows (approach queue_workers) of
 *                  harness/plot/cross.sh, at one --workers value
 *
 * Columns: see --help.
 */
#define main story_main
#include "58_queue_workers/queue_workers.c"
#undef main

#include "58_queue_workers/life_bench.h"

#include <string.h>

int main(int argc, char **argv)
{
    const char *part = "life";
    struct life_bench_settings s = {.cells = {1, {45}}, .workers = {7, {1, 2, 3, 5, 9, 15, 45}},
                                    .io_ms = 1, .generations = 2, .rounds = 5};
    struct cl_opt opts[LIFE_BENCH_OPTS + 2] = {
        {"part", CL_OPT_CHOICE, &part, "what to measure", 0, 0, "life|cells"},
    };
    life_bench_options(&s, &opts[1]);
    struct cl_program prog = {
        .name = "58_queue_workers-bench",
        .summary = "measures the queue workers: time per generation against workers and cells",
        .epilogue = "--part life columns: " LIFE_BENCH_COLUMNS "\n"
                    "  variant: queue_workers (2 queues), io_count (3 queues, counting does I/O\n"
                    "  too), sleepers (the control: bare threads that only block); workers: per\n"
                    "  stage; gen_s: wall seconds per generation; threads: alive during it.\n"
                    "--part cells columns: " LIFE_CELLS_COLUMNS "\n"
                    "  (the cross-item chart's rows; one --workers value, one generation a round)\n"
                    "A run predicted to last over a minute is refused (exit 2).\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    cl_catch_stop_signals();
    static const struct life_variant versions[] = {
        {"queue_workers", simulate_with_queues, &TWO_QUEUES, 0},
        {"io_count", simulate_with_queues, &THREE_QUEUES, 1}, /* the last cell waits twice */
    };
    if (strcmp(part, "cells") == 0)
        life_bench_cells(&s, &versions[0], "queue_workers");
    else
        life_bench_life(&s, versions, 2);
    return 0;
}
