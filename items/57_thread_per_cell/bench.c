/*
 * 57_thread_per_cell-bench - what the harness measures for Item 57 (CSV on
 * stdout, one header line, one row per run). It measures the very functions
 * the program shows: thread_per_cell.c is included below.
 *
 * Parts (--part):
 *   cost    a thread started and joined per cell, against the same cell's
 *           step handed to a thread that already exists (a worker waiting on
 *           a mailbox), and that hand-off measured a second time (the
 *           negative control); no I/O, generations of --threads cells each
 *           until --tasks cells are done, --rounds interleaved rounds:
 *             variant,cells,round,tasks,wall_s,cpu_s,us_per_task,cpu_us_per_task
 *           variant thread, handoff or handoff_again; cpu: the process's
 *           user + system time, which a busy neighbour does not add to.
 *   memory  N threads (--threads) alive at once, parked: the stack each
 *           reserves and what it adds to address space and resident memory;
 *           beside them --touch-threads threads that write their whole stack
 *           (the control: the measure can see a stack's pages) and N threads
 *           with --small-stack-kib stacks (the negative control):
 *             variant,threads,round,started,stack_kib,vm_per_thread_kib,
 *             rss_per_thread_kib,threads_alive,stopped_by
 *           variant default_stack, touched or small_stack.
 *   spawn   parked threads pushed up to --max-threads with no cap (mode
 *           natural), then the book's 45 (book, the negative control), then
 *           with the address space capped --cap-as-mib above use (capped,
 *           the control: a refusal the measure must see):
 *             mode,limit,started,joined,stopped_by,error,seconds,rss_kib
 *   errors  one generation of the book's grid with cell (2, 3) failing, the
 *           error lost, then carried (the negative control):
 *             variant,threads,join_failures,errors_seen,error_y,error_x,grid_correct
 *   cells   a thread per cell, one generation of each size of --cells at
 *           --io-ms, --rounds rounds numbered from 1: the chapter's cross-item
 *           columns (harness/README.md), then this bench's own:
 *             approach,cells,latency_ms,round,gen_s,rss_kib,note,rows,cols,threads_peak
 *           A size whose generation is predicted over 5 s, or that would take
 *           the sweep past 20 s in all, gets one row with round 0, no gen_s,
 *           and the reason in note; the prediction uses the per-thread cost
 *           measured at the sizes before it. rss_kib and threads_peak are the
 *           largest of samples taken every millisecond during the generation
 *           (a generation of a few ms may show fewer threads than it had).
 * At most 10,000 threads alive at once anywhere: Ctrl-C joins them all.
 * With 2,000 alive that takes well under half a second; with the book's
 * 10,000 up to a second, as each join hands an 8 MiB stack back to the
 * kernel (one munmap each: 0.43 s for 10,000 on a quiet 2-core VM, and the
 * kernel needs 0.24 s to end such a process even for SIGKILL).
 */
#define main story_main
#include "57_thread_per_cell/thread_per_cell.c"
#undef main

/* The memory and spawn parts park up to this many threads at once: the
 * book's 10,000 (the program fans out at most MOST_THREADS at a time). */
#define MOST_PARKED 10000

#include <math.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- cost: a new thread per cell against a thread that already exists ---- */

/* The mailbox of one worker thread that lives as long as the bench: cells'
 * jobs go in, the worker runs each (the program's step_cell_thread), and
 * the poster waits until every job it posted is done. */
struct mailbox {
    pthread_mutex_t lock;
    pthread_cond_t posted;  /* a job came in, or the mailbox closed */
    pthread_cond_t emptied; /* the last pending job is done */
    struct cell_job **ring;
    long cap, head, tail, pending;
    bool closed;
};

static void *mailbox_worker(void *arg)
{
    struct mailbox *m = arg;
    CL_CHECK_RC(pthread_mutex_lock(&m->lock));
    for (;;) {
        while (m->head == m->tail && !m->closed)
            CL_CHECK_RC(pthread_cond_wait(&m->posted, &m->lock));
        if (m->head == m->tail)
            break; /* closed, and nothing left */
        struct cell_job *job = m->ring[m->head++ % m->cap];
        CL_CHECK_RC(pthread_mutex_unlock(&m->lock));
        step_cell_thread(job);
        CL_CHECK_RC(pthread_mutex_lock(&m->lock));
        if (--m->pending == 0)
            CL_CHECK_RC(pthread_cond_signal(&m->emptied));
    }
    CL_CHECK_RC(pthread_mutex_unlock(&m->lock));
    return NULL;
}

static void mailbox_post(struct mailbox *m, struct cell_job *job)
{
    CL_CHECK_RC(pthread_mutex_lock(&m->lock));
    m->ring[m->tail++ % m->cap] = job;
    m->pending++;
    CL_CHECK_RC(pthread_cond_signal(&m->posted));
    CL_CHECK_RC(pthread_mutex_unlock(&m->lock));
}

static void mailbox_wait_all(struct mailbox *m)
{
    CL_CHECK_RC(pthread_mutex_lock(&m->lock));
    while (m->pending > 0)
        CL_CHECK_RC(pthread_cond_wait(&m->emptied, &m->lock));
    CL_CHECK_RC(pthread_mutex_unlock(&m->lock));
}

/* One generation of a grid's cells handed to the worker, then waited for:
 * the same fan-out and fan-in as step_thread_per_cell, minus the threads. */
static void step_handoff(struct mailbox *m, struct locked_grid *cur, struct locked_grid *next,
                         struct cell_job *jobs)
{
    int cols = cur->cells->cols, cells = cur->cells->rows * cols;
    for (int i = 0; i < cells; i++) {
        jobs[i] = (struct cell_job){.cur = cur, .next = next, .y = i / cols, .x = i % cols};
        mailbox_post(m, &jobs[i]);
    }
    mailbox_wait_all(m);
}

struct cost {
    double wall_s, cpu_s;
    long tasks;
};

/* One generation of the grid by a thread per cell (m NULL) or by the worker
 * behind m. */
static void one_generation(struct locked_grid *cur, struct locked_grid *next,
                           struct mailbox *m, struct cell_job *jobs)
{
    if (m == NULL) {
        struct generation gen = step_thread_per_cell(cur, next, NULL, true);
        give_up_if_refused(&gen, cur->cells->rows * cur->cells->cols);
    } else {
        step_handoff(m, cur, next, jobs);
    }
}

/* Generations of `cells` cells, with no I/O, until `tasks` cells are done,
 * after one untimed generation (both ways start warm: the worker has run
 * before, and so has thread creation). Checked against serial. */
static struct cost time_generations(long cells, long tasks, struct mailbox *m)
{
    int rows, cols;
    life_grid_shape(cells, &rows, &cols);
    struct locked_grid cur = {PTHREAD_MUTEX_INITIALIZER, grid_or_die(life_starting_grid(rows, cols, 57))};
    struct locked_grid next = {PTHREAD_MUTEX_INITIALIZER, grid_or_die(life_new(rows, cols))};
    struct cell_job *jobs = cl_calloc((size_t)cells, sizeof *jobs);
    struct cost c = {0};
    one_generation(&cur, &next, m, jobs);
    double cpu0 = cl_cpu_seconds(), t0 = cl_now();
    for (; c.tasks < tasks && !cl_interrupted(); c.tasks += cells)
        one_generation(&cur, &next, m, jobs);
    c.wall_s = cl_now() - t0;
    c.cpu_s = cl_cpu_seconds() - cpu0;
    if (!cl_interrupted() && !life_matches_reference(cur.cells, next.cells, 1))
        cl_die("%ld cells, %s: a generation differs from serial", cells, m ? "handed off" : "threads");
    free(jobs);
    life_free(cur.cells);
    life_free(next.cells);
    return c;
}

struct settings {
    const char *part;
    struct cl_list threads, cells;
    long rounds, tasks, touch_threads, small_stack_kib, max_threads, max_rss_mib, cap_as_mib;
    double io_ms, max_seconds;
};

static void part_cost(const struct settings *s)
{
    long most = 0;
    for (int i = 0; i < s->threads.n; i++)
        most = s->threads.v[i] > most ? s->threads.v[i] : most;
    struct mailbox m = {.lock = PTHREAD_MUTEX_INITIALIZER, .posted = PTHREAD_COND_INITIALIZER,
                        .emptied = PTHREAD_COND_INITIALIZER, .cap = most};
    m.ring = cl_calloc((size_t)most, sizeof *m.ring);
    pthread_t worker;
    CL_CHECK_RC(pthread_create(&worker, NULL, mailbox_worker, &m));
    cl_csv_header("variant,cells,round,tasks,wall_s,cpu_s,us_per_task,cpu_us_per_task");
    const char *variants[] = {"thread", "handoff", "handoff_again"};
    for (long r = 1; r <= s->rounds && !cl_interrupted(); r++)
        for (int i = 0; i < s->threads.n && !cl_interrupted(); i++)
            for (int v = 0; v < 3 && !cl_interrupted(); v++) {
                long n = s->threads.v[i];
                struct cost c = time_generations(n, s->tasks > n ? s->tasks : n, v ? &m : NULL);
                if (!cl_interrupted())
                    cl_csv_row("%s,%ld,%ld,%ld,%.6f,%.6f,%.4f,%.4f", variants[v], n, r, c.tasks,
                               c.wall_s, c.cpu_s, 1e6 * c.wall_s / (double)c.tasks,
                               1e6 * c.cpu_s / (double)c.tasks);
            }
    CL_CHECK_RC(pthread_mutex_lock(&m.lock));
    m.closed = true;
    CL_CHECK_RC(pthread_cond_signal(&m.posted));
    CL_CHECK_RC(pthread_mutex_unlock(&m.lock));
    CL_CHECK_RC(pthread_join(worker, NULL));
    free(m.ring);
}

/* ---- memory and spawn: many threads alive at once ------------------------- */

/* Threads parked at a gate until the main thread lets them all go. */
struct parking {
    pthread_mutex_t lock;
    pthread_cond_t arrived; /* a thread has parked (monotonic clock) */
    long parked;
    size_t touch_bytes; /* how much of its stack each thread writes first */
    /* The gate: the main thread holds it for writing while threads pile up;
     * each parks by asking for it for reading. Unlocked, it lets all through
     * at once, with no queue for a mutex, so 10,000 go in well under 0.5 s. */
    pthread_rwlock_t gate;
};

static void *park_thread(void *arg)
{
    struct parking *p = arg;
    if (p->touch_bytes > 0) { /* one byte a page: the whole range becomes resident */
        volatile char stack[p->touch_bytes];
        for (size_t i = 0; i < p->touch_bytes; i += 4096)
            stack[i] = 1;
        (void)stack[0]; /* read back: the writes are real */
    }
    CL_CHECK_RC(pthread_mutex_lock(&p->lock));
    p->parked++;
    CL_CHECK_RC(pthread_cond_signal(&p->arrived));
    CL_CHECK_RC(pthread_mutex_unlock(&p->lock));
    /* Untimed on purpose: 10,000 timed waiters would wake 100,000 times a
     * second. The main thread alone watches for Ctrl-C and opens the gate. */
    CL_CHECK_RC(pthread_rwlock_rdlock(&p->gate));
    CL_CHECK_RC(pthread_rwlock_unlock(&p->gate));
    return NULL;
}

struct park_result {
    long started, joined, stack_kib;
    int error;              /* pthread_create's refusal, or 0 */
    const char *stopped_by; /* refused, max_threads, rss_bound, time_bound, interrupted */
    long rss_before_kib, rss_alive_kib, vm_before_kib, vm_alive_kib;
    int threads_alive;
    double seconds;
};

static long vm_kib(void) /* address space reserved, KiB (/proc/self/statm) */
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = -1;
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld", &pages) != 1)
        pages = -1;
    fclose(f);
    return pages < 0 ? -1 : pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Starts up to `most` parked threads (stack_kib 0: the default stack),
 * stopping at a refusal or at the rss and time bounds; waits until every one
 * has parked, so all are alive at once; measures; lets all go; joins all. */
static struct park_result park_many(long most, long stack_kib, size_t touch_bytes,
                                    const struct settings *s, pthread_t *threads)
{
    struct parking p = {.lock = PTHREAD_MUTEX_INITIALIZER, .touch_bytes = touch_bytes};
    cl_cond_init_monotonic(&p.arrived);
    CL_CHECK_RC(pthread_rwlock_init(&p.gate, NULL));
    CL_CHECK_RC(pthread_rwlock_wrlock(&p.gate));
    pthread_attr_t attr;
    CL_CHECK_RC(pthread_attr_init(&attr));
    if (stack_kib > 0)
        CL_CHECK_RC(pthread_attr_setstacksize(&attr, (size_t)stack_kib * 1024));
    size_t stack;
    CL_CHECK_RC(pthread_attr_getstacksize(&attr, &stack));
    struct park_result r = {.stopped_by = "max_threads", .stack_kib = (long)(stack / 1024)};
    r.rss_before_kib = cl_rss_kib();
    r.vm_before_kib = vm_kib();
    double t0 = cl_now();
    for (; r.started < most; r.started++) {
        if (cl_interrupted()) {
            r.stopped_by = "interrupted";
            break;
        }
        if ((r.started & 255) == 255 && cl_rss_kib() > s->max_rss_mib * 1024) {
            r.stopped_by = "rss_bound";
            break;
        }
        if ((r.started & 255) == 255 && cl_now() - t0 > s->max_seconds) {
            r.stopped_by = "time_bound";
            break;
        }
        if ((r.error = pthread_create(&threads[r.started], &attr, park_thread, &p)) != 0) {
            r.stopped_by = "refused";
            break;
        }
    }
    CL_CHECK_RC(pthread_attr_destroy(&attr));
    CL_CHECK_RC(pthread_mutex_lock(&p.lock)); /* all alive at once: every one parked */
    while (p.parked < r.started && !cl_interrupted())
        cl_cond_wait_until(&p.arrived, &p.lock, cl_now() + 0.05);
    CL_CHECK_RC(pthread_mutex_unlock(&p.lock));
    r.seconds = cl_now() - t0;
    if (!cl_interrupted()) { /* after Ctrl-C no figure: straight to the joins */
        r.rss_alive_kib = cl_rss_kib();
        r.vm_alive_kib = vm_kib();
        r.threads_alive = cl_threads_now();
    }
    CL_CHECK_RC(pthread_rwlock_unlock(&p.gate)); /* every parked thread goes */
    for (; r.joined < r.started; r.joined++)
        CL_CHECK_RC(pthread_join(threads[r.joined], NULL));
    CL_CHECK_RC(pthread_rwlock_destroy(&p.gate));
    CL_CHECK_RC(pthread_cond_destroy(&p.arrived));
    return r;
}

static long default_stack_kib(void)
{
    pthread_attr_t attr;
    size_t size;
    CL_CHECK_RC(pthread_attr_init(&attr));
    CL_CHECK_RC(pthread_attr_getstacksize(&attr, &size));
    CL_CHECK_RC(pthread_attr_destroy(&attr));
    return (long)(size / 1024);
}

static void memory_row(const char *variant, long n, long round, const struct park_result *p)
{
    double started = p->started > 0 ? (double)p->started : 1;
    cl_csv_row("%s,%ld,%ld,%ld,%ld,%.1f,%.2f,%d,%s", variant, n, round, p->started, p->stack_kib,
               (double)(p->vm_alive_kib - p->vm_before_kib) / started,
               (double)(p->rss_alive_kib - p->rss_before_kib) / started, p->threads_alive,
               p->stopped_by);
}

static void part_memory(const struct settings *s)
{
    long most = s->touch_threads;
    for (int i = 0; i < s->threads.n; i++)
        most = s->threads.v[i] > most ? s->threads.v[i] : most;
    pthread_t *threads = cl_calloc((size_t)most, sizeof *threads);
    /* Touched: three quarters of the default stack (its top holds the
     * thread's own bookkeeping, and a page guards its end). */
    size_t touch = (size_t)default_stack_kib() * 1024 / 4 * 3;
    cl_csv_header("variant,threads,round,started,stack_kib,vm_per_thread_kib,"
                  "rss_per_thread_kib,threads_alive,stopped_by");
    for (long r = 1; r <= s->rounds && !cl_interrupted(); r++) {
        for (int i = 0; i < s->threads.n && !cl_interrupted(); i++) {
            struct park_result p = park_many(s->threads.v[i], 0, 0, s, threads);
            if (!cl_interrupted())
                memory_row("default_stack", s->threads.v[i], r, &p);
            p = park_many(s->threads.v[i], s->small_stack_kib, 0, s, threads);
            if (!cl_interrupted())
                memory_row("small_stack", s->threads.v[i], r, &p);
        }
        struct park_result p = park_many(s->touch_threads, 0, touch, s, threads);
        if (!cl_interrupted())
            memory_row("touched", s->touch_threads, r, &p);
    }
    free(threads);
}

static void spawn_row(const char *mode, long limit, const struct park_result *p)
{
    cl_csv_row("%s,%ld,%ld,%ld,%s,%s,%.3f,%ld", mode, limit, p->started, p->joined,
               p->stopped_by, p->error ? strerror(p->error) : "none", p->seconds,
               p->rss_alive_kib);
}

static void part_spawn(const struct settings *s)
{
    pthread_t *threads = cl_calloc((size_t)s->max_threads, sizeof *threads);
    cl_csv_header("mode,limit,started,joined,stopped_by,error,seconds,rss_kib");
    struct park_result p = park_many(s->max_threads, 0, 0, s, threads);
    if (!cl_interrupted())
        spawn_row("natural", s->max_threads, &p);
    long book = s->max_threads < 45 ? s->max_threads : 45;
    p = park_many(book, 0, 0, s, threads);
    if (!cl_interrupted())
        spawn_row("book", book, &p);
    if (s->cap_as_mib > 0 && !cl_interrupted()) { /* this process only, soft limit */
        struct rlimit as, capped;
        CL_CHECK_SYS(getrlimit(RLIMIT_AS, &as));
        capped = as;
        capped.rlim_cur = (rlim_t)(vm_kib() + s->cap_as_mib * 1024) * 1024;
        if (as.rlim_max != RLIM_INFINITY && capped.rlim_cur > as.rlim_max)
            capped.rlim_cur = as.rlim_max;
        CL_CHECK_SYS(setrlimit(RLIMIT_AS, &capped));
        p = park_many(s->max_threads, 0, 0, s, threads);
        CL_CHECK_SYS(setrlimit(RLIMIT_AS, &as));
        if (!cl_interrupted())
            spawn_row("capped", s->cap_as_mib, &p);
    }
    free(threads);
}

/* ---- errors: lost, then carried --------------------------------------------- */

static void part_errors(void)
{
    struct life_io io = {.latency_s = 0, .fail_y = 2, .fail_x = 3};
    cl_csv_header("variant,threads,join_failures,errors_seen,error_y,error_x,grid_correct");
    for (int carry = 0; carry <= 1 && !cl_interrupted(); carry++) {
        struct locked_grid cur = {PTHREAD_MUTEX_INITIALIZER, grid_or_die(life_book_grid())};
        struct locked_grid next = {PTHREAD_MUTEX_INITIALIZER, grid_or_die(life_new(5, 9))};
        struct generation gen = step_thread_per_cell(&cur, &next, &io, carry);
        give_up_if_refused(&gen, 45);
        bool correct = life_matches_reference(cur.cells, next.cells, 1);
        if (!cl_interrupted())
            cl_csv_row("%s,%d,%d,%d,%d,%d,%d", carry ? "carried" : "lost", gen.started,
                       gen.join_failures, gen.error != 0, gen.error ? gen.error_y : -1,
                       gen.error ? gen.error_x : -1, correct);
        life_free(cur.cells);
        life_free(next.cells);
    }
}

/* ---- cells: the chapter's sweep --------------------------------------------- */

#define GEN_BUDGET_S 5.0    /* the most a generation may be predicted to take */
#define SWEEP_BUDGET_S 20.0 /* the most a sweep may be predicted to take, all rounds */

/* Samples resident memory and live threads while a generation runs. */
struct sampler {
    atomic_bool stop;
    long rss_kib;
    int threads;
};

static void *sample(void *arg)
{
    struct sampler *sm = arg;
    do { /* at least once, however short the generation */
        long rss = cl_rss_kib();
        int threads = cl_threads_now() - 1; /* not counting the sampler */
        sm->rss_kib = rss > sm->rss_kib ? rss : sm->rss_kib;
        sm->threads = threads > sm->threads ? threads : sm->threads;
        cl_sleep(0.001);
    } while (!atomic_load(&sm->stop));
    return NULL;
}

/* One generation of `cells` cells, a thread per cell, each blocking
 * latency_s; checked. Returns the wall seconds (-1 after Ctrl-C). */
static double time_cells(long cells, double latency_s, struct sampler *sm)
{
    int rows, cols;
    life_grid_shape(cells, &rows, &cols);
    struct locked_grid cur = {PTHREAD_MUTEX_INITIALIZER, grid_or_die(life_starting_grid(rows, cols, 57))};
    struct locked_grid next = {PTHREAD_MUTEX_INITIALIZER, grid_or_die(life_new(rows, cols))};
    struct life_io io = {.latency_s = latency_s, .fail_y = -1, .fail_x = -1};
    pthread_t sampler;
    *sm = (struct sampler){.rss_kib = 0};
    CL_CHECK_RC(pthread_create(&sampler, NULL, sample, sm));
    double t0 = cl_now();
    struct generation gen = step_thread_per_cell(&cur, &next, &io, true);
    double wall = cl_now() - t0;
    atomic_store(&sm->stop, true);
    CL_CHECK_RC(pthread_join(sampler, NULL));
    give_up_if_refused(&gen, (int)cells);
    bool cut_short = cl_interrupted();
    if (!cut_short && (gen.error != 0 || !life_matches_reference(cur.cells, next.cells, 1)))
        cl_die("%ld cells, a thread per cell: the generation differs from serial", cells);
    life_free(cur.cells);
    life_free(next.cells);
    return cut_short ? -1 : wall;
}

static void part_cells(const struct settings *s)
{
    double latency = s->io_ms / 1000, per_thread_s = 50e-6, spent = 0;
    int measured = 0;
    struct sampler sm;
    cl_csv_header("approach,cells,latency_ms,round,gen_s,rss_kib,note,rows,cols,threads_peak");
    for (long r = 1; r <= s->rounds && !cl_interrupted(); r++) {
        for (int i = 0; i < s->cells.n && !cl_interrupted(); i++) {
            long n = s->cells.v[i];
            double chunks = ceil((double)n / MOST_THREADS);
            double predicted = chunks * latency + (double)n * per_thread_s;
            if (r == 1 && (predicted > GEN_BUDGET_S ||
                           spent + (double)s->rounds * predicted > SWEEP_BUDGET_S))
                break; /* this size and every larger one: left out, below */
            if (r > 1 && i >= measured)
                break;
            int rows, cols;
            life_grid_shape(n, &rows, &cols);
            double gen = time_cells(n, latency, &sm);
            if (gen < 0)
                break;
            if (r == 1) { /* the per-thread cost seen so far predicts the next size */
                measured = i + 1;
                spent += (double)s->rounds * gen;
                per_thread_s = fmax(10e-6, (gen - chunks * latency) / (double)n);
            }
            cl_csv_row("thread_per_cell,%ld,%g,%ld,%.6f,%ld,,%d,%d,%d", n, s->io_ms, r, gen,
                       sm.rss_kib, rows, cols, sm.threads);
        }
    }
    for (int i = measured; i < s->cells.n && !cl_interrupted(); i++) {
        long n = s->cells.v[i];
        int rows, cols;
        life_grid_shape(n, &rows, &cols);
        double predicted = ceil((double)n / MOST_THREADS) * latency + (double)n * per_thread_s;
        cl_csv_row("thread_per_cell,%ld,%g,0,,,over the %.0f s budget %s: predicted %.3g s a "
                   "generation,%d,%d,", n, s->io_ms,
                   predicted > GEN_BUDGET_S ? GEN_BUDGET_S : SWEEP_BUDGET_S,
                   predicted > GEN_BUDGET_S ? "per generation" : "of the sweep", predicted, rows,
                   cols);
    }
}

/* ---- Settings ---------------------------------------------------------------- */

static long sum_of(const struct cl_list *l)
{
    long sum = 0;
    for (int i = 0; i < l->n; i++)
        sum += l->v[i];
    return sum;
}

int main(int argc, char **argv)
{
    struct settings s = {.part = "cost", .threads = {3, {45, 1000, 10000}},
                         .cells = {6, {45, 400, 2500, 10000, 100000, 1000000}}, .rounds = 3,
                         .tasks = 10000, .touch_threads = 10, .small_stack_kib = 64,
                         .max_threads = 10000, .max_rss_mib = 1024, .cap_as_mib = 256,
                         .io_ms = 1, .max_seconds = 10};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &s.part, "what to measure",
         .choices = "cost|memory|spawn|errors|cells"},
        {"threads", CL_OPT_LIST, &s.threads, "cells per generation (cost), threads (memory)", 1,
         MOST_PARKED},
        {"tasks", CL_OPT_INT, &s.tasks, "cost: cells per measurement", 1, 1000000},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds, the variants interleaved in each", 1, 20},
        {"touch-threads", CL_OPT_INT, &s.touch_threads, "memory: threads that touch their stack",
         1, 100},
        {"small-stack-kib", CL_OPT_INT, &s.small_stack_kib, "memory: the small stack, KiB", 16,
         8192},
        {"max-threads", CL_OPT_INT, &s.max_threads, "spawn: stop pushing at this many", 1,
         MOST_PARKED},
        {"max-rss-mib", CL_OPT_INT, &s.max_rss_mib, "memory, spawn: stop at this resident size",
         16, 65536},
        {"max-seconds", CL_OPT_DOUBLE, &s.max_seconds, "memory, spawn: stop starting after this",
         0.1, 30},
        {"cap-as-mib", CL_OPT_INT, &s.cap_as_mib,
         "spawn: then again with RLIMIT_AS this far above use (0: skip)", 0, 65536},
        {"cells", CL_OPT_LIST, &s.cells, "cells: grid sizes in cells, ascending", 1,
         LIFE_MAX_CELLS},
        {"io-ms", CL_OPT_DOUBLE, &s.io_ms, "cells: how long each cell's game_logic blocks, ms",
         0.001, 1000},
        {0},
    };
    struct cl_program prog = {
        .name = "57_thread_per_cell-bench",
        .summary = "measures Item 57: what a thread costs to start and to keep, how many the "
                   "system allows, the lost error, the chapter's sweep (CSV)",
        .epilogue = "Examples:\n"
                    "  57_thread_per_cell-bench --part cost --threads 45 --rounds 3\n"
                    "  57_thread_per_cell-bench --part memory --threads 1000,10000\n"
                    "  57_thread_per_cell-bench --part spawn --cap-as-mib 1024\n"
                    "  57_thread_per_cell-bench --part cells --cells 45,400,2500 --io-ms 1\n"
                    "Bounds: cost and memory predict --rounds x the threads started x 0.1 ms,\n"
                    "at most 60 s; a sweep measures the sizes whose generation is predicted\n"
                    "under 5 s, while all its rounds stay under 20 s.\n",
        .opts = opts,
        .common = CL_PIN,
    };
    cl_parse(&prog, argc, argv);
    for (int i = 1; i < s.cells.n; i++)
        if (s.cells.v[i] <= s.cells.v[i - 1])
            cl_usage_error("--cells: the sizes must go up (%ld after %ld)", s.cells.v[i],
                           s.cells.v[i - 1]);
    double started = 0; /* threads each part starts, at about 0.1 ms each */
    if (strcmp(s.part, "cost") == 0)
        for (int i = 0; i < s.threads.n; i++)
            started += (double)s.rounds * fmax((double)s.tasks, (double)s.threads.v[i]);
    if (strcmp(s.part, "memory") == 0)
        started = (double)s.rounds * (2.0 * (double)sum_of(&s.threads) + (double)s.touch_threads);
    cl_check_run_length(started * 1e-4, "--rounds x the threads started x 0.1 ms");
    cl_catch_stop_signals();

    if (strcmp(s.part, "cost") == 0)
        part_cost(&s);
    else if (strcmp(s.part, "memory") == 0)
        part_memory(&s);
    else if (strcmp(s.part, "spawn") == 0)
        part_spawn(&s);
    else if (strcmp(s.part, "errors") == 0)
        part_errors();
    else
        part_cells(&s);
    cl_exit_if_interrupted();
    return 0;
}
