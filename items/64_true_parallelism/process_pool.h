/*
 * process_pool.h - ProcessPoolExecutor.map in C (Item 64): forked workers,
 * each fed its share of the work through a pipe, as bytes, and answering
 * the same way.
 *
 *   Python                                         C
 *   pool = ProcessPoolExecutor(max_workers=n)      process_pool_map(..., n, ...)
 *   pool.map(fn, pairs, chunksize=k)               fn applied to batches of k pairs
 *   pickle.dumps / pickle.loads                    a byte format of our own (wire_*)
 *   each worker: its own interpreter, its own GIL  each child: its own struct gil
 *   shutdown(wait=True)                            close the request pipes, reap all
 *
 * The work is a pure function of one pair of numbers; fork gives every child
 * a copy of it (and of everything else), so a function pointer is enough.
 */
#ifndef CONCLAB_PROCESS_POOL_H
#define CONCLAB_PROCESS_POOL_H

#include "53_threads_gil/gil.h"

#include <stddef.h>
#include <stdint.h>

struct pair {
    uint32_t a, b;
};

/* One CPU-bound call, made under the calling worker's own lock g. */
typedef uint32_t (*pair_fn)(struct gil *g, struct pair p);

/* What one run of an executor measured. Worker-seconds are summed over the
 * workers: compute_s + ship_s is about workers x wall_s when none idles. */
struct measurement {
    double wall_s;
    double compute_s; /* worker-seconds inside the function */
    double ship_s;    /* worker-seconds lost to serialising and shipping */
    double cpu_s;     /* user + system time, reaped worker processes included */
    struct gil_stats gil;
};

/* results[i] = fn(pairs[i]) for every i, computed by `workers` forked
 * processes, `batch` pairs per message; every worker is reaped and every
 * descriptor closed before it returns. Ends with !!! (cl_die) if a worker
 * breaks the protocol or dies; stops early, all reaped, on a stop signal. */
struct measurement process_pool_map(pair_fn fn, const struct pair *pairs, size_t npairs,
                                    uint32_t *results, long workers, size_t batch);

/* user + system seconds of this process and of its children already reaped. */
double cpu_with_children(void);

/* The wire format: fixed-width little-endian integers, written byte by byte,
 * so the format is defined by this code, not by how a compiler lays out a
 * struct. Exposed for the tests. */
unsigned char *wire_put_u32(unsigned char *at, uint32_t v);
const unsigned char *wire_get_u32(const unsigned char *at, uint32_t *v);

#endif
