/*
 * 55_queue_pipelines-bench - what the harness measures for Item 55, as CSV
 * (one header, one row per variant per round). It runs the very pipelines
 * of pipeline_polling.c and pipeline_blocking.c that the story shows.
 *
 *   --part pipeline    the book's setting: 1000 items, stages that take no
 *                      time. polling (workers nap --poll-ms after an empty
 *                      poll, main loops with no nap, as the book's),
 *                      polling_main_naps (main naps too: no loop without a
 *                      nap anywhere), blocking. Then a slow download
 *                      (--download-ms) that starves resize and upload:
 *                      spinning workers, napping workers, blocking ones
 *                      (main naps --poll-ms: only the workers differ).
 *                      CPU of the process, of main, of the workers; polls.
 *   --part explosion   download takes no time, resize --slow-ms; every item
 *                      carries a --item-kib payload (mmap'ed, so resident
 *                      memory follows the payloads alive); peak depth and
 *                      resident memory, unbounded and each capacity.
 *   --part shutdown    --workers on the three stages, queues of each
 *                      capacity, closed and joined stage by stage; then
 *                      once left open (the book's first pipeline).
 *   --part throughput  pointers through one unbounded queue, queue.h against
 *                      GLib's GAsyncQueue, P producers and P consumers,
 *                      unpinned and every thread on one CPU (--pin: only so).
 *   --part queue_h, --part gasyncqueue: the same with one queue alone, for
 *                      counting its system calls (perf stat, in the harness).
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, sched_getaffinity */
#define main story_main
#include "55_queue_pipelines/queue_pipelines.c"
#undef main

#include "55_queue_pipelines/queue.h"

#include <glib.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

struct bench_settings {
    const char *part;
    long rounds, items, poll_ms, download_ms, starve_items, slow_ms, item_kib;
    long bench_items;
    struct cl_list sweep_items, capacities, workers, bench_threads;
    bool pin;
};

/* ---- The stages: simulated I/O, and payloads whose memory is measured ---- */

struct bench_stages {
    double stage_s[STAGES];
    size_t payload_bytes; /* 0: none */
    atomic_long live, peak_live, peak_rss_kib;
};

static void note_peak(atomic_long *peak, long value)
{
    long seen = atomic_load(peak);
    while (value > seen && !atomic_compare_exchange_weak(peak, &seen, value)) {
    }
}

/* Download maps the item's payload and touches every page (so it is
 * resident); resize reads it back; upload unmaps it, which hands the pages
 * straight back to the kernel. Resident memory is read every 16th item. */
static void bench_stage(struct item *it, int stage, void *ctx)
{
    struct bench_stages *b = ctx;
    size_t n = b->payload_bytes;
    if (stage == 0 && n > 0) {
        void *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            cl_fail(__FILE__, __LINE__, "mmap(payload)", errno);
        memset(m, (int)(it->id & 0xff), n);
        it->payload = m;
        note_peak(&b->peak_live, atomic_fetch_add(&b->live, 1) + 1);
        if (it->id % 16 == 0)
            note_peak(&b->peak_rss_kib, cl_rss_kib());
    }
    if (b->stage_s[stage] > 0)
        cl_sleep(b->stage_s[stage]);
    if (stage == 1 && n > 0 && ((unsigned char *)it->payload)[n - 1] != (it->id & 0xff))
        cl_die("item %ld: its payload changed on the way", it->id);
    if (stage == 2 && n > 0) {
        CL_CHECK_SYS(munmap(it->payload, n));
        it->payload = NULL;
        atomic_fetch_sub(&b->live, 1);
    }
}

/* What a stop signal left mapped. */
static void free_payloads(struct pipeline *p, struct bench_stages *b)
{
    for (long i = 0; i < p->items && p->item != NULL; i++)
        if (p->item[i].payload != NULL) {
            CL_CHECK_SYS(munmap(p->item[i].payload, b->payload_bytes));
            p->item[i].payload = NULL;
        }
}

static double latency_p50_ms(const struct pipeline *p)
{
    double *ms = cl_calloc((size_t)p->items, sizeof *ms);
    size_t n = 0;
    for (long i = 0; i < p->items; i++)
        if (p->item[i].finished_s > 0)
            ms[n++] = 1e3 * (p->item[i].finished_s - p->item[i].born_s);
    double p50 = n > 0 ? cl_percentile(ms, n, 50) : 0;
    free(ms);
    return p50;
}

/* ---- pipeline: polling against blocking, CPU and polls ------------------- */

enum variant { POLLING, POLLING_MAIN_NAPS, SPINNING, BLOCKING };
static const char *const variant_names[] = {"polling", "polling_main_naps", "spinning", "blocking"};


static void pipeline_row(const char *setting, enum variant v, long round, long download_ms,
                         const struct bench_settings *s)
{
    struct bench_stages b = {.stage_s = {(double)download_ms / 1e3, 0, 0}};
    struct pipeline p = {.items = download_ms > 0 ? s->starve_items : s->items,
                         .work = bench_stage, .ctx = &b, .workers = {1, 1, 1},
                         .poll_s = v == SPINNING ? 0 : (double)s->poll_ms / 1e3};
    /* Behind a slow download only the workers' loops differ: main naps. */
    if (v == POLLING_MAIN_NAPS || download_ms > 0)
        p.main_nap_s = (double)s->poll_ms / 1e3;
    long switches = cl_context_switches();
    double cpu = cl_cpu_seconds();
    if (v == BLOCKING)
        pipeline_blocking(&p);
    else
        pipeline_polling(&p);
    cpu = cl_cpu_seconds() - cpu;
    switches = cl_context_switches() - switches;
    if (!cl_interrupted())
        cl_csv_row("%s,%s,%ld,%ld,%ld,%ld,%s,%.6f,%.6f,%.6f,%.6f,%ld,%ld,%.3f,%ld", setting,
                   variant_names[v], round, p.items, download_ms,
                   v == BLOCKING ? 0 : (long)(1e3 * p.poll_s),
                   v == BLOCKING ? "join" : p.main_nap_s > 0 ? "nap" : "loop", p.wall_s, cpu,
                   p.main_cpu_s, pipeline_workers_cpu_s(&p), pipeline_polls(&p),
                   pipeline_empty_polls(&p), latency_p50_ms(&p), switches);
    pipeline_free(&p);
}

static void part_pipeline(const struct bench_settings *s)
{
    static const enum variant book[] = {POLLING, POLLING_MAIN_NAPS, BLOCKING};
    static const enum variant starved[] = {SPINNING, POLLING, BLOCKING};
    cl_csv_header("setting,variant,round,items,download_ms,poll_ms,main_wait,wall_s,cpu_s,"
                  "main_cpu_s,workers_cpu_s,polls,empty_polls,latency_p50_ms,switches");
    for (long round = 1; round <= s->rounds && !cl_interrupted(); round++) {
        for (int i = 0; i < 3 && !cl_interrupted(); i++)
            pipeline_row("book", book[i], round, 0, s);
        for (int i = 0; i < 3 && !cl_interrupted(); i++)
            pipeline_row("slow_download", starved[i], round, s->download_ms, s);
    }
}

/* ---- explosion: a fast stage in front of a slow one ---------------------- */

static void part_explosion(const struct bench_settings *s)
{
    cl_csv_header("variant,items,capacity,item_kib,slow_ms,peak_depth,peak_payloads,"
                  "rss_growth_kib,wall_s,download_s,finished");
    for (int n = 0; n < s->sweep_items.n; n++)
        for (int c = 0; c < s->capacities.n && !cl_interrupted(); c++) {
            struct bench_stages b = {.stage_s = {0, (double)s->slow_ms / 1e3, 0},
                                     .payload_bytes = (size_t)s->item_kib * 1024};
            struct pipeline p = {.items = s->sweep_items.v[n], .work = bench_stage, .ctx = &b,
                                 .workers = {1, 1, 1}, .capacity = (size_t)s->capacities.v[c]};
            long rss0 = cl_rss_kib();
            atomic_store(&b.peak_rss_kib, rss0);
            pipeline_blocking(&p);
            note_peak(&b.peak_rss_kib, cl_rss_kib());
            free_payloads(&p, &b);
            if (!cl_interrupted())
                cl_csv_row("%s,%ld,%zu,%ld,%ld,%zu,%ld,%ld,%.6f,%.6f,%ld",
                           p.capacity > 0 ? "bounded" : "unbounded", p.items, p.capacity,
                           s->item_kib, s->slow_ms, p.peak_depth[1], atomic_load(&b.peak_live),
                           atomic_load(&b.peak_rss_kib) - rss0, p.wall_s, p.stage[0].done_s,
                           p.finished);
            pipeline_free(&p);
        }
}

/* ---- shutdown: close ends the workers; left open, nothing does ----------- */

static void part_shutdown(const struct bench_settings *s)
{
    cl_csv_header("variant,workers,capacity,items,finished,threads,workers_left,wall_s");
    for (int c = 0; c <= s->capacities.n && !cl_interrupted(); c++) {
        bool open = c == s->capacities.n; /* last: the first capacity, left open */
        struct pipeline p = {.items = s->items, .leave_open = open,
                             .capacity = (size_t)s->capacities.v[open ? 0 : c]};
        int threads = 0;
        for (int i = 0; i < STAGES; i++)
            threads += p.workers[i] = (int)s->workers.v[i];
        pipeline_blocking(&p);
        if (!cl_interrupted())
            cl_csv_row("%s,%ld:%ld:%ld,%zu,%ld,%ld,%d,%ld,%.6f", open ? "left_open" : "closed",
                       s->workers.v[0], s->workers.v[1], s->workers.v[2], p.capacity, p.items,
                       p.finished, threads, p.workers_left, p.wall_s);
        pipeline_free(&p);
    }
}

/* ---- throughput: queue.h against GAsyncQueue ------------------------------ */

enum bench_queue { OURS, GLIB };
static const char *const queue_names[] = {"queue_h", "gasyncqueue"};
static char glib_sentinel; /* GAsyncQueue has no close: one of these per consumer */

struct flow {
    enum bench_queue kind;
    struct queue *ours;
    GAsyncQueue *glib;
    long per_producer;
    int pin_cpu; /* -1: wherever the scheduler likes */
    atomic_long consumed, id_sum;
    atomic_int next_producer;
};

/* Items are the numbers 1..N as pointers (never NULL). */
static void *producer(void *arg)
{
    struct flow *f = arg;
    if (f->pin_cpu >= 0)
        cl_pin_this_thread(f->pin_cpu);
    long first = atomic_fetch_add(&f->next_producer, 1) * f->per_producer + 1;
    for (long i = 0; i < f->per_producer && ((i & 4095) != 0 || !cl_interrupted()); i++) {
        void *item = (void *)(intptr_t)(first + i);
        if (f->kind == GLIB)
            g_async_queue_push(f->glib, item);
        else if (queue_put(f->ours, item, QUEUE_FOREVER) != QUEUE_OK)
            cl_die("throughput: put failed");
    }
    return NULL;
}

/* Waits without a deadline: the producers always finish (the queue is
 * unbounded), and then the queue is closed or the sentinels sent. */
static void *consumer(void *arg)
{
    struct flow *f = arg;
    if (f->pin_cpu >= 0)
        cl_pin_this_thread(f->pin_cpu);
    long count = 0, sum = 0;
    for (void *item;; count++, sum += (long)(intptr_t)item) {
        if (f->kind == GLIB) {
            if ((item = g_async_queue_pop(f->glib)) == &glib_sentinel)
                break;
        } else if (queue_get(f->ours, &item, QUEUE_FOREVER) != QUEUE_OK) {
            break;
        }
    }
    atomic_fetch_add(&f->consumed, count);
    atomic_fetch_add(&f->id_sum, sum);
    return NULL;
}

static void flow_row(enum bench_queue kind, long round, long items, int threads, int pin_cpu)
{
    struct flow f = {.kind = kind, .per_producer = items / threads, .pin_cpu = pin_cpu};
    if (kind == GLIB)
        f.glib = g_async_queue_new();
    else if ((f.ours = queue_new(0)) == NULL)
        cl_fail(__FILE__, __LINE__, "queue_new", errno);
    pthread_t prod[64], cons[64];
    long switches = cl_context_switches();
    double t0 = cl_now(), cpu0 = cl_cpu_seconds();
    for (int i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_create(&cons[i], NULL, consumer, &f));
    for (int i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_create(&prod[i], NULL, producer, &f));
    for (int i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_join(prod[i], NULL));
    for (int i = 0; i < threads; i++)
        if (kind == GLIB)
            g_async_queue_push(f.glib, &glib_sentinel);
    if (kind == OURS)
        queue_close(f.ours);
    for (int i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_join(cons[i], NULL));
    double wall = cl_now() - t0, cpu = cl_cpu_seconds() - cpu0;
    switches = cl_context_switches() - switches;
    long n = f.per_producer * threads, got = atomic_load(&f.consumed);
    if (kind == GLIB)
        g_async_queue_unref(f.glib);
    else
        queue_free(f.ours);
    if (cl_interrupted())
        return;
    if (got != n || atomic_load(&f.id_sum) != n * (n + 1) / 2)
        cl_die("throughput (%s): %ld items out of %ld, or some twice", queue_names[kind], got, n);
    cl_csv_row("%s,%ld,%ld,%d,%d,%.6f,%.6f,%.0f,%ld", queue_names[kind], round, n, threads,
               pin_cpu >= 0, wall, cpu, (double)n / wall, switches);
}

/* The first CPU this process may run on, where the pinned runs go; -1 if
 * pinning is not supported here (then no pinned runs). */
static int first_allowed_cpu(void)
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
            if (CPU_ISSET(cpu, &set))
                return cpu;
#endif
    return -1;
}

/* Both queues, or only the one named (for counting its system calls). */
static void part_throughput(const struct bench_settings *s, enum bench_queue first,
                            enum bench_queue last)
{
    int cpu = first_allowed_cpu();
    cl_csv_header("variant,round,items,producers,pinned,wall_s,cpu_s,rate_per_s,switches");
    for (long round = 1; round <= s->rounds; round++)
        for (int pin = s->pin; pin <= (cpu >= 0); pin++) /* --pin: pinned runs only */
            for (int t = 0; t < s->bench_threads.n; t++)
                for (int k = first; k <= (int)last && !cl_interrupted(); k++)
                    flow_row(k, round, s->bench_items, (int)s->bench_threads.v[t],
                             pin ? cpu : -1);
}

/* ---- Settings ------------------------------------------------------------- */

static double predicted_s(const struct bench_settings *s)
{
    double t = 0;
    if (strcmp(s->part, "pipeline") == 0) /* three slow-download runs a round */
        t = (double)s->rounds * (0.1 + 3e-3 * (double)(s->starve_items * s->download_ms));
    if (strcmp(s->part, "explosion") == 0)
        for (int n = 0; n < s->sweep_items.n; n++)
            t += 1e-3 * (double)(s->sweep_items.v[n] * s->capacities.n * s->slow_ms);
    if (strcmp(s->part, "pipeline") != 0 && strcmp(s->part, "explosion") != 0 &&
        strcmp(s->part, "shutdown") != 0) /* GAsyncQueue's worst: about 1 us an item */
        t = 4e-6 * (double)(s->rounds * s->bench_threads.n * s->bench_items);
    return t;
}

int main(int argc, char **argv)
{
    struct bench_settings s = {
        .part = "pipeline", .rounds = 5, .items = 1000, .poll_ms = 10, .download_ms = 1,
        .starve_items = 200, .slow_ms = 1, .item_kib = 64, .bench_items = 500000,
        .sweep_items = {3, {100, 300, 1000}}, .capacities = {3, {0, 10, 100}},
        .workers = {3, {3, 4, 5}}, .bench_threads = {2, {1, 4}},
    };
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &s.part, "what to measure",
         .choices = "pipeline|explosion|shutdown|throughput|queue_h|gasyncqueue"},
        {"rounds", CL_OPT_INT, &s.rounds, "pipeline, throughput: interleaved rounds", 1, 50},
        {"items", CL_OPT_INT, &s.items, "pipeline (the book's setting), shutdown: items", 1, 100000},
        {"poll-ms", CL_OPT_INT, &s.poll_ms, "pipeline: a polling worker's nap, ms", 1, 100},
        {"download-ms", CL_OPT_INT, &s.download_ms, "pipeline: the slow download, ms per item", 1, 100},
        {"starve-items", CL_OPT_INT, &s.starve_items, "pipeline: items behind the slow download", 1, 10000},
        {"sweep-items", CL_OPT_LIST, &s.sweep_items, "explosion: item counts", 1, 100000},
        {"capacities", CL_OPT_LIST, &s.capacities, "explosion, shutdown: capacities (0 = unbounded)", 0, 100000},
        {"slow-ms", CL_OPT_INT, &s.slow_ms, "explosion: resize's time per item, ms", 1, 100},
        {"item-kib", CL_OPT_INT, &s.item_kib, "explosion: each item's payload, KiB", 1, 1024},
        {"workers", CL_OPT_LIST, &s.workers, "shutdown: download,resize,upload threads", 1, 64},
        {"bench-items", CL_OPT_INT, &s.bench_items, "throughput: pointers per run", 64, 5000000},
        {"bench-threads", CL_OPT_LIST, &s.bench_threads, "throughput: producers (= consumers)", 1, 64},
        {0},
    };
    struct cl_program prog = {
        .name = "55_queue_pipelines-bench",
        .summary = "Item 55's measurements, as CSV: polling against blocking, the explosion, "
                   "shutdown, queue.h against GAsyncQueue",
        .epilogue = "See the header of items/55_queue_pipelines/bench.c for each part's columns.\n"
                    "--pin: the throughput part pins every thread to CPU 0 and skips unpinned runs.\n",
        .opts = opts,
        .common = CL_PIN,
    };
    cl_parse(&prog, argc, argv);
    s.pin = prog.pin;
    if (s.workers.n != STAGES)
        cl_usage_error("--workers: three counts, download,resize,upload (got %d)", s.workers.n);
    for (int i = 0; i < s.bench_threads.n; i++)
        if (s.bench_items < s.bench_threads.v[i])
            cl_usage_error("--bench-items: fewer items than producers");
    for (int i = 0; i < s.sweep_items.n; i++)
        if (s.sweep_items.v[i] * s.item_kib > 1024L * 1024)
            cl_usage_error("--sweep-items %ld x --item-kib %ld: over 1 GiB of payloads",
                           s.sweep_items.v[i], s.item_kib);
    cl_check_run_length(predicted_s(&s), "--rounds, the item counts and the stage times");

    cl_catch_stop_signals();
    if (strcmp(s.part, "pipeline") == 0)
        part_pipeline(&s);
    else if (strcmp(s.part, "explosion") == 0)
        part_explosion(&s);
    else if (strcmp(s.part, "shutdown") == 0)
        part_shutdown(&s);
    else if (strcmp(s.part, "throughput") == 0)
        part_throughput(&s, OURS, GLIB);
    else
        part_throughput(&s, strcmp(s.part, "queue_h") == 0 ? OURS : GLIB,
                        strcmp(s.part, "queue_h") == 0 ? OURS : GLIB);
    cl_exit_if_interrupted();
    return 0;
}
