/*
 * life_bench.c - what the benches of items 58 and 59 share. See life_bench.h.
 */
#include "58_queue_workers/life_bench.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

/* For predictions: a blocking wait overshoots by up to about 0.1 ms (timer
 * slack and the wake-up), and a cell's hand-offs cost up to 10 us. */
#define PER_WAIT_S 1e-4
#define PER_CELL_S 1e-5
#define BENCH_MAX_CELLS 100000L
#define CELLS_GEN_BUDGET_S 5.0
#define CELLS_TOTAL_BUDGET_S 20.0

void life_bench_options(struct life_bench_settings *s, struct cl_opt *opts)
{
    opts[0] = (struct cl_opt){"cells", CL_OPT_LIST, &s->cells,
                              "grid sizes in cells (as square as possible; 45 is the book's 5 x 9)",
                              1, 1000000};
    opts[1] = (struct cl_opt){"workers", CL_OPT_LIST, &s->workers, "worker threads", 1, 1000};
    opts[2] = (struct cl_opt){"io-ms", CL_OPT_DOUBLE, &s->io_ms,
                              "how long each cell's I/O blocks, ms", 0, 1000};
    opts[3] = (struct cl_opt){"generations", CL_OPT_INT, &s->generations,
                              "generations per run (--part life)", 1, 1000};
    opts[4] = (struct cl_opt){"rounds", CL_OPT_INT, &s->rounds, "interleaved rounds", 1, 100};
}

struct life_grid *life_bench_grid(long cells)
{
    long rows = (long)sqrt((double)cells);
    while (cells % rows != 0)
        rows--;
    return life_starting_grid((int)rows, (int)(cells / rows), 56);
}

/* ---- The control: bare threads that only block -------------------------- */

struct sleepers {
    pthread_mutex_t mutex;
    pthread_cond_t go;
    bool started;
    const struct life_io *io;
    long waits; /* each thread's blocking calls */
};

static void *sleeper(void *arg)
{
    struct sleepers *s = arg;
    CL_CHECK_RC(pthread_mutex_lock(&s->mutex));
    while (!s->started)
        CL_CHECK_RC(pthread_cond_wait(&s->go, &s->mutex));
    CL_CHECK_RC(pthread_mutex_unlock(&s->mutex));
    bool next;
    for (long i = 0; i < s->waits && !cl_interrupted(); i++)
        life_game_logic(s->io, 0, 0, false, 0, &next);
    return NULL;
}

/* `workers` threads each block ceil(cells / workers) x generations times,
 * all released at once: the ideal the item's workers aim at, with nothing
 * handed over. Seconds per generation, from the release to the last join. */
static double sleepers_gen_s(long cells, int workers, const struct life_io *io, int generations)
{
    struct sleepers s = {.io = io, .waits = life_waits_per_generation(cells, workers) * generations};
    CL_CHECK_RC(pthread_mutex_init(&s.mutex, NULL));
    CL_CHECK_RC(pthread_cond_init(&s.go, NULL));
    pthread_t *threads = cl_calloc((size_t)workers, sizeof *threads);
    for (int i = 0; i < workers; i++)
        CL_CHECK_RC(pthread_create(&threads[i], NULL, sleeper, &s));
    CL_CHECK_RC(pthread_mutex_lock(&s.mutex));
    s.started = true;
    double t0 = cl_now();
    CL_CHECK_RC(pthread_cond_broadcast(&s.go));
    CL_CHECK_RC(pthread_mutex_unlock(&s.mutex));
    for (int i = 0; i < workers; i++)
        CL_CHECK_RC(pthread_join(threads[i], NULL));
    double gen_s = (cl_now() - t0) / generations;
    free(threads);
    CL_CHECK_RC(pthread_cond_destroy(&s.go));
    CL_CHECK_RC(pthread_mutex_destroy(&s.mutex));
    return gen_s;
}

/* ---- --part life ------------------------------------------------------------ */

/* Seconds one generation takes: its waits, and the hand-offs of its cells. */
static double predicted_gen_s(long cells, long workers, double io_s, double extra_waits)
{
    double waits = (double)life_waits_per_generation(cells, workers) + extra_waits;
    return waits * (io_s + (io_s > 0 ? PER_WAIT_S : 0)) + PER_CELL_S * (double)cells;
}

static struct life_grid **make_grids(const struct cl_list *cells)
{
    struct life_grid **grids = cl_calloc((size_t)cells->n, sizeof *grids);
    for (int i = 0; i < cells->n; i++) {
        if (cells->v[i] > BENCH_MAX_CELLS)
            cl_usage_error("--cells %ld: more than the %ld cells a run may have (a larger "
                           "fan-out would hold up Ctrl-C)",
                           cells->v[i], BENCH_MAX_CELLS);
        if ((grids[i] = life_bench_grid(cells->v[i])) == NULL)
            cl_fail(__FILE__, __LINE__, "life_bench_grid", errno);
    }
    return grids;
}

static void free_grids(struct life_grid **grids, int n)
{
    for (int i = 0; i < n; i++)
        life_free(grids[i]);
    free(grids);
}

void life_bench_life(const struct life_bench_settings *s, const struct life_variant *v, int nv)
{
    double io_s = s->io_ms / 1e3, round_s = 0;
    for (int c = 0; c < s->cells.n; c++)
        for (int w = 0; w < s->workers.n; w++)
            for (int k = 0; k <= nv; k++) /* the variants, then the sleepers */
                round_s += (double)s->generations *
                           predicted_gen_s(s->cells.v[c], s->workers.v[w], io_s,
                                           k < nv ? v[k].extra_waits : 0);
    cl_check_run_length(round_s * (double)s->rounds,
                        "--part life (--rounds x --generations x ceil(--cells / --workers) x "
                        "--io-ms, over every variant)");
    struct life_grid **grids = make_grids(&s->cells);
    struct life_io io = {io_s, -1, -1};
    cl_csv_header(LIFE_BENCH_COLUMNS);
    for (long round = 1; round <= s->rounds; round++)
        for (int c = 0; c < s->cells.n; c++)
            for (int w = 0; w < s->workers.n; w++)
                for (int k = 0; k <= nv; k++) {
                    const struct life_grid *g = grids[c];
                    int workers = (int)s->workers.v[w];
                    double gen_s;
                    int threads = 1 + workers;
                    if (k < nv) {
                        struct life_run r =
                            v[k].simulate(g, (int)s->generations, workers, &io, v[k].variant);
                        life_check_against_serial(g, &r, v[k].name);
                        life_free(r.final);
                        gen_s = r.gen_s, threads = r.threads;
                    } else {
                        gen_s = sleepers_gen_s(s->cells.v[c], workers, &io, (int)s->generations);
                    }
                    if (cl_interrupted()) {
                        free_grids(grids, s->cells.n);
                        cl_exit_interrupted();
                    }
                    cl_csv_row("%s,%ld,%d,%d,%d,%g,%ld,%ld,%.6f,%d",
                               k < nv ? v[k].name : "sleepers", s->cells.v[c], g->rows, g->cols,
                               workers, s->io_ms, s->generations, round, gen_s, threads);
                }
    free_grids(grids, s->cells.n);
}

/* ---- --part cells ----------------------------------------------------------- */

void life_bench_cells(const struct life_bench_settings *s, const struct life_variant *v,
                      const char *approach)
{
    if (s->workers.n != 1)
        cl_usage_error("--part cells takes one --workers value, not %d", s->workers.n);
    long workers = s->workers.v[0];
    double io_s = s->io_ms / 1e3, total_s = 0;
    struct life_io io = {io_s, -1, -1};
    cl_csv_header(LIFE_CELLS_COLUMNS);
    for (int c = 0; c < s->cells.n; c++) {
        long cells = s->cells.v[c];
        double gen_s = predicted_gen_s(cells, workers, io_s, v->extra_waits);
        if (gen_s > CELLS_GEN_BUDGET_S || cells > BENCH_MAX_CELLS) {
            cl_csv_row("%s,%ld,%g,0,,,over the %g s budget per generation: predicted %.3g s",
                       approach, cells, s->io_ms, CELLS_GEN_BUDGET_S, gen_s);
            continue;
        }
        if (total_s + gen_s * (double)s->rounds > CELLS_TOTAL_BUDGET_S) {
            cl_csv_row("%s,%ld,%g,0,,,over the %g s budget in all: predicted %.3g s more",
                       approach, cells, s->io_ms, CELLS_TOTAL_BUDGET_S, gen_s * (double)s->rounds);
            continue;
        }
        total_s += gen_s * (double)s->rounds;
        struct life_grid *g = life_bench_grid(cells);
        if (g == NULL)
            cl_fail(__FILE__, __LINE__, "life_bench_grid", errno);
        for (long round = 1; round <= s->rounds; round++) {
            struct life_run r = v->simulate(g, 1, (int)workers, &io, v->variant);
            life_check_against_serial(g, &r, v->name);
            life_free(r.final);
            if (cl_interrupted()) {
                life_free(g);
                cl_exit_interrupted();
            }
            cl_csv_row("%s,%ld,%g,%ld,%.6f,%ld,", approach, cells, s->io_ms, round, r.gen_s,
                       r.rss_kib);
        }
        life_free(g);
    }
}
