/*
 * life_bench.h - the measuring the benches of items 58 and 59 share (59's
 * bench includes it as "58_queue_workers/life_bench.h"): the Game of Life by
 * an item's simulation, in interleaved rounds, beside a control of bare
 * sleeping threads; and the cross-item rows ($RUN/NN_cells.csv) that
 * harness/plot/cross.sh draws for items 56-60.
 */
#ifndef CONCLAB_LIFE_BENCH_H
#define CONCLAB_LIFE_BENCH_H

#include "58_queue_workers/life_fanout.h"
#include "clab.h"

/* One way the item runs the simulation, named for the CSV. */
struct life_variant {
    const char *name;
    life_simulate simulate;
    const void *variant;
    double extra_waits; /* latencies a generation adds beyond ceil(cells / workers) */
};

/* The flags both benches take besides --part. */
struct life_bench_settings {
    struct cl_list cells, workers;
    double io_ms;
    long generations, rounds;
};
#define LIFE_BENCH_OPTS 5
/* Fills opts[0 .. LIFE_BENCH_OPTS - 1]: --cells, --workers, --io-ms,
 * --generations, --rounds, writing into s (which holds the defaults). */
void life_bench_options(struct life_bench_settings *s, struct cl_opt *opts);

/* A grid of `cells` cells, as square as possible (45: the book's 5 x 9, the
 * others seeded); NULL with errno as life_new. */
struct life_grid *life_bench_grid(long cells);

/* --part life: every cells x workers pair of the lists, every variant and
 * the control (`sleepers`: `workers` bare threads that each block for their
 * share of the cells, ceil(cells / workers) times, with no queue or pool),
 * interleaved round after round. CSV, one row per run:
 *   variant,cells,rows,cols,workers,io_ms,generations,round,gen_s,threads
 * A run predicted over the minute is refused first. */
#define LIFE_BENCH_COLUMNS "variant,cells,rows,cols,workers,io_ms,generations,round,gen_s,threads"
void life_bench_life(const struct life_bench_settings *s, const struct life_variant *v, int nv);

/* --part cells: the cross-item rows of harness/plot/cross.sh for one
 * approach at one --workers value, one generation a round:
 *   approach,cells,latency_ms,round,gen_s,rss_kib,note
 * A size whose predicted generation passes 5 s, or whose rounds would take
 * the whole past 20 s, gets one row with round 0 and the reason in note. */
#define LIFE_CELLS_COLUMNS "approach,cells,latency_ms,round,gen_s,rss_kib,note"
void life_bench_cells(const struct life_bench_settings *s, const struct life_variant *v,
                      const char *approach);

#endif
