/*
 * 57_thread_per_cell - Item 57: avoid creating new Thread instances for
 * on-demand fan-out.
 *
 * Python:  the Game of Life of item 56, with a new threading.Thread for every
 *          cell of every generation (fan-out) and a join of all of them before
 *          the next (fan-in); the grid is shared, so its get and set take a
 *          Lock. It works, but each thread costs start-up time and a stack,
 *          thousands of them at once make the system refuse, and an exception
 *          inside a thread is printed by the runtime while join returns as if
 *          nothing happened.
 * C:       the locked grid [p1]; one cell's step on its own thread [p2]; a
 *          thread per cell per generation, all joined [p3]; the error that
 *          is lost [p4] and the same error carried back by hand [p5]; what a
 *          thread costs to start and join [p6]; what it reserves and what it
 *          really uses while alive [p7]; how many the system lets us have [p8].
 *
 * The claims: threads cost start-up time and a stack each (8 MiB reserved by
 * default); spawning thousands fails at some point; an error inside a thread
 * is lost unless carried back.
 *
 * Run:  build/bin/57_thread_per_cell                        the whole story, ~5 s
 *       build/bin/57_thread_per_cell --part cost --threads 45,1000,10000
 *       build/bin/57_thread_per_cell --part refuse --cap-as-mib 1024
 *       build/bin/57_thread_per_cell --part errors
 *       build/bin/57_thread_per_cell --csv --part memory    rows for the harness
 *
 * Prints (2-core VM, shared; numbers vary from run to run; abridged):
 *   5 x 9 grid, 1 ms of I/O per cell, 4 generations, 5 rounds: a thread per cell
 *   took 0.0043 s per generation (46 threads at once), serial cells x latency = 0.045 s: ...
 *   threads  create+join per thread (us)  the same cell's rules as a call (us)
 *     10000         43.5 (38.7-49.6)                        0.0015
 *   threads  reserved (KiB)  address space per thread (KiB)  resident per thread (KiB)
 *     10000            8192                          8193.0                       8.2
 *   natural: 10000 threads alive at once, stopped by the max_threads bound before any refusal; ...
 *   address space capped 256 MiB above use: pthread_create refused thread 36: Resource ...
 *   error lost:    join returned 0 for 45 of 45 threads; the caller saw no error, ...
 *   error carried: ... the caller saw cell (2, 3): Input/output error,
 */
#include "56_game_of_life/life.h"
#include "clab.h"

#include <math.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define LIFE_COLUMNS                                                                    \
    "variant,rows,cols,cells,io_ms,workers,generations,round,gen_s,peak_rss_kib,"      \
    "threads_peak"
#define COST_COLUMNS "variant,threads,round,wall_s,us_per_thread"
#define MEMORY_COLUMNS                                                                  \
    "threads,round,started,reserved_kib,virtual_per_thread_kib,resident_per_thread_kib," \
    "threads_alive"
#define REFUSE_COLUMNS "mode,limit,started,joined,stopped_by,error,seconds,rss_kib"
/* The most threads alive at once (--threads, --max-threads): Ctrl-C joins
 * every one of them, at 30-40 us each on a 2-core VM, and must end the
 * program within half a second. */
#define MOST_THREADS 10000

#define ERRORS_COLUMNS "variant,threads,join_failures,errors_seen,error_y,error_x,grid_correct"

/* ---- The concept: a thread per cell over a locked grid ------------------- */

/* [p1] The book's LockingGrid: every get and set takes the grid's lock, since
 * 45 threads read the current grid and write the next one at once. */
struct locked_grid {
    pthread_mutex_t lock;
    struct life_grid *cells;
};

static bool locked_get(struct locked_grid *g, int y, int x)
{
    CL_CHECK_RC(pthread_mutex_lock(&g->lock));
    bool alive = life_get(g->cells, y, x);
    CL_CHECK_RC(pthread_mutex_unlock(&g->lock));
    return alive;
}

static void locked_set(struct locked_grid *g, int y, int x, bool alive)
{
    CL_CHECK_RC(pthread_mutex_lock(&g->lock));
    life_set(g->cells, y, x, alive);
    CL_CHECK_RC(pthread_mutex_unlock(&g->lock));
}

/* count_neighbors through the locked get, one neighbour at a time. */
static int locked_count_neighbors(struct locked_grid *g, int y, int x)
{
    int n = 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            if ((dy != 0 || dx != 0) && locked_get(g, y + dy, x + dx))
                n++;
    return n;
}

/* What one cell's thread needs, and the slot it may report back through. */
struct cell_job {
    struct locked_grid *cur, *next;
    const struct life_io *io;
    int y, x;
    bool carry_error; /* [p5] store the error in `error`, or [p4] only print it */
    int error;        /* 0, or the error game_logic returned */
};

/* [p2] step_cell on its own thread: read, block on the cell's I/O (no lock
 * held), write. The thread's return value goes nowhere the book looks. */
static void *step_cell_thread(void *arg)
{
    struct cell_job *job = arg;
    bool alive = locked_get(job->cur, job->y, job->x);
    int neighbors = locked_count_neighbors(job->cur, job->y, job->x);
    bool next;
    int rc = life_game_logic(job->io, job->y, job->x, alive, neighbors, &next);
    if (rc != 0) {
        if (job->carry_error)
            job->error = rc; /* [p5] carried back: the starter reads it after join */
        else                 /* [p4] lost: printed, as CPython prints an exception */
            fprintf(stderr, "Exception in thread for cell (%d, %d): %s\n", job->y, job->x,
                    strerror(rc));
        return NULL;
    }
    locked_set(job->next, job->y, job->x, next);
    return NULL;
}

/* What one generation's fan-out and fan-in saw. */
struct generation {
    int started;      /* threads created */
    int create_error; /* pthread_create's error if it refused one, else 0 */
    int join_failures;/* joins that returned non-zero: always 0, error or not */
    int threads_peak; /* threads in the process with every cell's thread started */
    int error, error_y, error_x; /* the first error carried back, if any */
};

/* [p3] One generation: start a thread per cell (fan-out), then join every one
 * of them (fan-in). If the system refuses a thread, the ones started are still
 * joined, and the refusal is reported to the caller; after Ctrl-C no more are
 * started, and the caller drops the unfinished generation. */
static struct generation step_thread_per_cell(struct locked_grid *cur, struct locked_grid *next,
                                              const struct life_io *io, bool carry_errors)
{
    int rows = cur->cells->rows, cols = cur->cells->cols, cells = rows * cols;
    struct cell_job *jobs = calloc((size_t)cells, sizeof *jobs);
    pthread_t *threads = calloc((size_t)cells, sizeof *threads);
    if (jobs == NULL || threads == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    struct generation gen = {0};
    for (int i = 0; i < cells && !cl_interrupted(); i++) {
        jobs[i] = (struct cell_job){.cur = cur, .next = next, .io = io, .y = i / cols,
                                    .x = i % cols, .carry_error = carry_errors};
        gen.create_error = pthread_create(&threads[i], NULL, step_cell_thread, &jobs[i]);
        if (gen.create_error != 0)
            break;
        gen.started++;
    }
    gen.threads_peak = life_threads_now();
    for (int i = 0; i < gen.started; i++)
        if (pthread_join(threads[i], NULL) != 0) /* returns 0 even when the cell failed */
            gen.join_failures++;
    for (int i = 0; i < gen.started && carry_errors; i++) {
        if (jobs[i].error != 0 && gen.error == 0) {
            gen.error = jobs[i].error;
            gen.error_y = jobs[i].y;
            gen.error_x = jobs[i].x;
        }
    }
    free(jobs);
    free(threads);
    return gen;
}

/* [p6] What starting and joining a thread costs: N threads that do nothing,
 * all started, then all joined (the shape of one generation of [p3]). Beside
 * it the same N cells' rules as plain function calls. Returns wall seconds,
 * or -1 with *refused set if the system refused a thread. */
static void *do_nothing(void *arg)
{
    return arg;
}

static double time_threads(long n, pthread_t *threads, int *refused)
{
    long started = 0;
    *refused = 0;
    double t0 = cl_now();
    for (; started < n && !cl_interrupted(); started++) { /* Ctrl-C: join what started */
        *refused = pthread_create(&threads[started], NULL, do_nothing, NULL);
        if (*refused != 0)
            break;
    }
    for (long i = 0; i < started; i++)
        CL_CHECK_RC(pthread_join(threads[i], NULL));
    return *refused ? -1 : cl_now() - t0;
}

static double time_calls(long n)
{
    /* The rules through a pointer the compiler cannot see through, so each
     * call is really made; the answers go somewhere, so the calls stay. */
    bool (*volatile rules)(bool, int) = life_next_state;
    volatile long alive_sink;
    double t0 = cl_now();
    long alive = 0;
    for (long i = 0; i < n; i++)
        alive += rules(i & 1, (int)(i % 9));
    alive_sink = alive;
    (void)alive_sink;
    return cl_now() - t0;
}

/* [p7] Threads kept alive together, parked at a gate until the main thread
 * lets them go: what N live threads reserve and really use. */
struct parking {
    pthread_mutex_t lock;
    pthread_cond_t arrived; /* a thread has parked */
    long parked;
    /* The gate: the main thread holds it for writing while the threads pile
     * up; each parks by asking for it for reading. Unlocked, it lets every
     * one through at once, and they leave without queueing for a mutex, so
     * 10,000 end (and are joined) in well under half a second of Ctrl-C. */
    pthread_rwlock_t gate;
};

static void *park_thread(void *arg)
{
    struct parking *p = arg;
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

/* When to stop starting threads, short of the system refusing one. */
struct bounds {
    long max_threads;
    long max_rss_kib;
    double max_seconds;
};

struct park_result {
    long started, joined;
    int error;              /* pthread_create's refusal, or 0 */
    const char *stopped_by; /* "refused", "max_threads", "rss_bound", "time_bound", "ctrl_c" */
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

/* Starts parked threads until the bounds or a refusal, waits until every one
 * has parked (so all are alive at once), measures, then lets all go and joins
 * every one. `threads` has room for b->max_threads. */
static struct park_result park_many(const struct bounds *b, pthread_t *threads)
{
    struct parking p = {.parked = 0};
    CL_CHECK_RC(pthread_mutex_init(&p.lock, NULL));
    CL_CHECK_RC(pthread_cond_init(&p.arrived, NULL));
    CL_CHECK_RC(pthread_rwlock_init(&p.gate, NULL));
    CL_CHECK_RC(pthread_rwlock_wrlock(&p.gate)); /* closed until every thread is counted */
    struct park_result r = {.stopped_by = "max_threads"};
    r.rss_before_kib = cl_rss_kib();
    r.vm_before_kib = vm_kib();
    double t0 = cl_now();
    for (; r.started < b->max_threads; r.started++) {
        if (cl_interrupted()) {
            r.stopped_by = "ctrl_c";
            break;
        }
        if ((r.started & 1023) == 1023) { /* the memory and time bounds, now and then */
            if (cl_rss_kib() > b->max_rss_kib) {
                r.stopped_by = "rss_bound";
                break;
            }
            if (cl_now() - t0 > b->max_seconds) {
                r.stopped_by = "time_bound";
                break;
            }
        }
        r.error = pthread_create(&threads[r.started], NULL, park_thread, &p);
        if (r.error != 0) {
            r.stopped_by = "refused";
            break;
        }
    }
    /* All alive at once: wait (100 ms at a time, watching for Ctrl-C) until
     * every started thread has parked. */
    CL_CHECK_RC(pthread_mutex_lock(&p.lock));
    while (p.parked < r.started && !cl_interrupted()) {
        struct timespec until;
        CL_CHECK_SYS(clock_gettime(CLOCK_REALTIME, &until));
        until.tv_nsec += 100 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        int rc = pthread_cond_timedwait(&p.arrived, &p.lock, &until);
        if (rc != 0 && rc != ETIMEDOUT)
            cl_fail(__FILE__, __LINE__, "pthread_cond_timedwait", rc);
    }
    CL_CHECK_RC(pthread_mutex_unlock(&p.lock));
    r.seconds = cl_now() - t0;
    r.rss_alive_kib = cl_rss_kib();
    r.vm_alive_kib = vm_kib();
    r.threads_alive = life_threads_now();

    CL_CHECK_RC(pthread_rwlock_unlock(&p.gate)); /* every parked thread goes */
    for (long i = 0; i < r.started; i++) {
        CL_CHECK_RC(pthread_join(threads[i], NULL));
        r.joined++;
    }
    CL_CHECK_RC(pthread_rwlock_destroy(&p.gate));
    CL_CHECK_RC(pthread_cond_destroy(&p.arrived));
    CL_CHECK_RC(pthread_mutex_destroy(&p.lock));
    return r;
}

/* The stack a new thread gets when nobody asks: pthread_attr_getstacksize of
 * a default attribute (glibc takes it from RLIMIT_STACK, 8 MiB by default). */
static long default_stack_kib(void)
{
    pthread_attr_t attr;
    size_t size;
    CL_CHECK_RC(pthread_attr_init(&attr));
    CL_CHECK_RC(pthread_attr_getstacksize(&attr, &size));
    CL_CHECK_RC(pthread_attr_destroy(&attr));
    return (long)(size / 1024);
}

/* ---- Plumbing: settings, the parts of the story, CSV ---------------------- */

struct settings {
    const char *part;
    const char *variant; /* life: serial beside the threads, or the threads alone */
    long rows, cols, generations, rounds;
    double io_ms;
    struct cl_list threads;
    long max_threads, max_rss_mib, cap_as_mib;
    double max_seconds;
    bool csv;
};

static struct locked_grid *locked_new(struct life_grid *cells)
{
    struct locked_grid *g = malloc(sizeof *g);
    if (g == NULL)
        cl_fail(__FILE__, __LINE__, "malloc", errno);
    CL_CHECK_RC(pthread_mutex_init(&g->lock, NULL));
    g->cells = cells;
    return g;
}

static void locked_free(struct locked_grid *g)
{
    CL_CHECK_RC(pthread_mutex_destroy(&g->lock));
    life_free(g->cells);
    free(g);
}

static struct life_grid *starting_grid(long rows, long cols)
{
    struct life_grid *g = life_starting_grid((int)rows, (int)cols, 57);
    if (g == NULL)
        cl_fail(__FILE__, __LINE__, "life_starting_grid", errno);
    return g;
}

/* The life part runs each generation serially (cells x latency) and with a
 * thread per cell (a thread's start and join, some 50 us, per cell): refuse
 * settings that would keep it busy for more than LIFE_BUDGET_S. */
#define LIFE_BUDGET_S 60.0

static void check_life_budget(const struct settings *s)
{
    double cells = (double)(s->rows * s->cols);
    /* Serial waits for every cell in turn; the threads wait all at once. */
    double per_gen_ms = strcmp(s->variant, "thread_per_cell") == 0
                            ? s->io_ms + cells * 0.05
                            : cells * (s->io_ms + 0.05);
    double predicted = (double)(s->rounds * s->generations) * per_gen_ms / 1e3;
    if (predicted > LIFE_BUDGET_S)
        cl_usage_error("--rounds x --generations x one generation's predicted time is %.0f s: "
                       "the life part allows at most %.0f s",
                       predicted, LIFE_BUDGET_S);
}

/* The cost and memory parts start and join every N of --threads, each round
 * (memory: one round in the story): at about 0.1 ms a thread, held to the
 * same budget. */
static void check_threads_budget(const struct settings *s, bool cost, bool memory)
{
    long sum = 0;
    for (int i = 0; i < s->threads.n; i++)
        sum += s->threads.v[i];
    long runs = (cost ? s->rounds : 0) + (memory ? (s->csv ? s->rounds : 1) : 0);
    double predicted = (double)(runs * sum) * 0.1 / 1e3;
    if (predicted > LIFE_BUDGET_S)
        cl_usage_error("--rounds x the sum of --threads (%ld) x 0.1 ms a thread is %.0f s: at "
                       "most %.0f s",
                       sum, predicted, LIFE_BUDGET_S);
}

/* Exits cleanly (every thread already joined) when the system refused a
 * thread in the middle of a generation: not a wrong answer, a limit. */
static void give_up_if_refused(const struct generation *gen, int cells)
{
    if (gen->create_error == 0)
        return;
    fprintf(stderr,
            "%s: pthread_create refused thread %d of %d in a generation: %s; the %d started "
            "were joined\n",
            cl_program_name(), gen->started + 1, cells, strerror(gen->create_error),
            gen->started);
    exit(1);
}

/* G generations with a thread per cell; *peak gets the most threads seen.
 * Returns wall seconds per generation; the grid is checked against the
 * serial reference. `gens` (may be NULL) receives a copy of each generation. */
static double run_thread_per_cell(const struct settings *s, const struct life_io *io,
                                  int *peak, struct life_grid **gens)
{
    struct life_grid *start = starting_grid(s->rows, s->cols);
    struct locked_grid *cur = locked_new(starting_grid(s->rows, s->cols));
    struct locked_grid *next = locked_new(starting_grid(s->rows, s->cols));
    int cells = (int)(s->rows * s->cols), done = 0;
    *peak = 0;
    double t0 = cl_now();
    for (; done < s->generations && !cl_interrupted(); done++) {
        struct generation gen = step_thread_per_cell(cur, next, io, true);
        give_up_if_refused(&gen, cells);
        if (cl_interrupted()) /* a generation cut short: not counted, not checked */
            break;
        if (gen.error != 0)
            cl_die("cell (%d, %d) failed: %s", gen.error_y, gen.error_x, strerror(gen.error));
        *peak = gen.threads_peak > *peak ? gen.threads_peak : *peak;
        if (gens != NULL && !life_copy(gens[done + 1], next->cells))
            cl_die("generation %d: grid size changed", done + 1);
        struct locked_grid *t = cur;
        cur = next;
        next = t;
    }
    double per_gen = (cl_now() - t0) / (done > 0 ? done : 1);
    if (done == s->generations) { /* every run checks itself */
        struct life_grid *want = life_reference(start, done);
        if (want == NULL)
            cl_fail(__FILE__, __LINE__, "life_reference", errno);
        if (!life_equal(want, cur->cells))
            cl_die("a thread per cell: the grid after %d generations differs from serial", done);
        life_free(want);
    }
    life_free(start);
    locked_free(cur);
    locked_free(next);
    return per_gen;
}

static double run_serial(const struct settings *s, const struct life_io *io)
{
    struct life_grid *cur = starting_grid(s->rows, s->cols);
    struct life_grid *next = starting_grid(s->rows, s->cols);
    int done = 0;
    double t0 = cl_now();
    for (; done < s->generations && !cl_interrupted(); done++) {
        CL_CHECK_RC(life_step_serial(cur, next, io, NULL, NULL));
        struct life_grid *t = cur;
        cur = next;
        next = t;
    }
    double per_gen = (cl_now() - t0) / (done > 0 ? done : 1);
    life_free(cur);
    life_free(next);
    return per_gen;
}

static void part_life(const struct settings *s)
{
    struct life_io io = {.latency_s = s->io_ms / 1000, .fail_y = -1, .fail_x = -1};
    long cells = s->rows * s->cols;
    if (s->csv) {
        cl_csv_header(LIFE_COLUMNS);
    } else if (s->rows == 5 && s->cols == 9) {
        /* The book's grid, generation by generation, each from its own threads. */
        int n = (int)s->generations + 1, peak;
        struct life_grid **gens = calloc((size_t)n, sizeof *gens);
        if (gens == NULL)
            cl_fail(__FILE__, __LINE__, "calloc", errno);
        for (int i = 0; i < n; i++)
            gens[i] = starting_grid(5, 9);
        struct life_io none = {.fail_y = -1, .fail_x = -1};
        run_thread_per_cell(s, &none, &peak, gens);
        printf("the book's grid, a thread per cell (45 started and joined per generation), "
               "checked against serial:\n");
        if (!cl_interrupted())
            life_print_columns(stdout, gens, n, 80);
        for (int i = 0; i < n; i++)
            life_free(gens[i]);
        free(gens);
    }
    double *ratio = calloc((size_t)s->rounds, sizeof *ratio);
    double *threaded = calloc((size_t)s->rounds, sizeof *threaded);
    if (ratio == NULL || threaded == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    long r = 0;
    int peak = 0;
    bool with_serial = strcmp(s->variant, "both") == 0;
    for (; r < s->rounds && !cl_interrupted(); r++) { /* serial, then threads, each round */
        double serial = with_serial ? run_serial(s, &io) : NAN;
        threaded[r] = run_thread_per_cell(s, &io, &peak, NULL);
        ratio[r] = serial / threaded[r];
        if (s->csv && !cl_interrupted()) {
            if (with_serial)
                cl_csv_row("serial,%ld,%ld,%ld,%g,1,%ld,%ld,%.6f,%ld,%d", s->rows, s->cols,
                           cells, s->io_ms, s->generations, r, serial, cl_peak_rss_kib(), 1);
            cl_csv_row("thread_per_cell,%ld,%ld,%ld,%g,%ld,%ld,%ld,%.6f,%ld,%d", s->rows,
                       s->cols, cells, s->io_ms, cells, s->generations, r, threaded[r],
                       cl_peak_rss_kib(), peak);
        }
    }
    if (!s->csv && r > 0 && !cl_interrupted() && !with_serial) {
        printf("\n%ld x %ld grid, %g ms of I/O per cell: a thread per cell took %.4f s per "
               "generation (%d threads at once)\n", s->rows, s->cols, s->io_ms,
               cl_spread_of(threaded, (size_t)r).median, peak);
    } else if (!s->csv && r > 0 && !cl_interrupted()) {
        struct cl_spread t = cl_spread_of(threaded, (size_t)r);
        struct cl_spread q = cl_spread_of(ratio, (size_t)r);
        printf("\n%ld x %ld grid, %g ms of I/O per cell, %ld generations, %ld rounds: a "
               "thread per cell\ntook %.4f s per generation (%d threads at once), serial "
               "cells x latency = %.3f s: %.1fx faster (%.1f-%.1fx)\n",
               s->rows, s->cols, s->io_ms, s->generations, r, t.median, peak,
               (double)cells * s->io_ms / 1000, q.median, q.lo, q.hi);
    }
    free(ratio);
    free(threaded);
}

static void part_cost(const struct settings *s)
{
    long most = 0;
    for (int i = 0; i < s->threads.n; i++)
        most = s->threads.v[i] > most ? s->threads.v[i] : most;
    pthread_t *threads = calloc((size_t)most, sizeof *threads);
    double *us = calloc((size_t)(s->threads.n * s->rounds), sizeof *us);
    double *call_us = calloc((size_t)(s->threads.n * s->rounds), sizeof *call_us);
    if (threads == NULL || us == NULL || call_us == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    if (s->csv)
        cl_csv_header(COST_COLUMNS);
    long rounds = 0;
    for (; rounds < s->rounds && !cl_interrupted(); rounds++) {
        for (int i = 0; i < s->threads.n && !cl_interrupted(); i++) {
            long n = s->threads.v[i];
            int refused;
            double wall = time_threads(n, threads, &refused);
            if (cl_interrupted()) /* fewer than n started: no figure */
                break;
            if (refused != 0) {
                fprintf(stderr, "%s: pthread_create refused one of %ld threads: %s; the "
                                "started ones were joined\n",
                        cl_program_name(), n, strerror(refused));
                exit(1);
            }
            double call = time_calls(n);
            us[i * s->rounds + rounds] = 1e6 * wall / (double)n;
            call_us[i * s->rounds + rounds] = 1e6 * call / (double)n;
            if (s->csv) {
                cl_csv_row("thread,%ld,%ld,%.6f,%.4f", n, rounds, wall, 1e6 * wall / (double)n);
                cl_csv_row("call,%ld,%ld,%.6f,%.5f", n, rounds, call, 1e6 * call / (double)n);
            }
        }
    }
    if (!s->csv && rounds > 0 && !cl_interrupted()) {
        printf("\nwhat a thread costs to start and join (N started, then N joined; median of "
               "%ld rounds):\n", rounds);
        printf("threads  create+join per thread (us)  the same cell's rules as a call (us)\n");
        for (int i = 0; i < s->threads.n; i++) {
            struct cl_spread t = cl_spread_of(us + i * s->rounds, (size_t)rounds);
            struct cl_spread c = cl_spread_of(call_us + i * s->rounds, (size_t)rounds);
            printf("%7ld  %11.1f (%.1f-%.1f)  %28.4f\n", s->threads.v[i], t.median, t.lo, t.hi,
                   c.median);
        }
    }
    free(threads);
    free(us);
    free(call_us);
}

static void part_memory(const struct settings *s)
{
    long most = 0;
    for (int i = 0; i < s->threads.n; i++)
        most = s->threads.v[i] > most ? s->threads.v[i] : most;
    pthread_t *threads = calloc((size_t)most, sizeof *threads);
    if (threads == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    long reserved = default_stack_kib();
    struct rlimit stack_limit;
    CL_CHECK_SYS(getrlimit(RLIMIT_STACK, &stack_limit));
    if (s->csv) {
        cl_csv_header(MEMORY_COLUMNS);
    } else {
        printf("\nwhat a live thread reserves and what it really uses: N threads parked at "
               "once\n(default stack %ld KiB from pthread_attr_getstacksize; RLIMIT_STACK ",
               reserved);
        if (stack_limit.rlim_cur == RLIM_INFINITY)
            printf("unlimited)\n");
        else
            printf("%ld KiB)\n", (long)(stack_limit.rlim_cur / 1024));
        printf("threads  reserved (KiB)  address space per thread (KiB)  resident per "
               "thread (KiB)\n");
    }
    long rounds = s->csv ? s->rounds : 1; /* near exact: the story needs one */
    bool reused_stacks = false; /* some N added less address space than a stack each */
    for (long r = 0; r < rounds && !cl_interrupted(); r++) {
        for (int i = 0; i < s->threads.n && !cl_interrupted(); i++) {
            struct bounds b = {.max_threads = s->threads.v[i], .max_rss_kib = s->max_rss_mib * 1024,
                               .max_seconds = s->max_seconds};
            struct park_result p = park_many(&b, threads);
            if (p.started == 0 || cl_interrupted())
                continue;
            double vm = (double)(p.vm_alive_kib - p.vm_before_kib) / (double)p.started;
            double rss = (double)(p.rss_alive_kib - p.rss_before_kib) / (double)p.started;
            reused_stacks = reused_stacks || vm < 0.95 * (double)reserved;
            if (s->csv)
                cl_csv_row("%ld,%ld,%ld,%ld,%.1f,%.2f,%d", s->threads.v[i], r, p.started,
                           reserved, vm, rss, p.threads_alive);
            else
                printf("%7ld  %14ld  %30.1f  %24.1f%s%s\n", p.started, reserved, vm, rss,
                       strcmp(p.stopped_by, "max_threads") == 0 ? "" : "  stopped early: ",
                       strcmp(p.stopped_by, "max_threads") == 0 ? "" : p.stopped_by);
        }
    }
    if (!s->csv && reused_stacks)
        printf("(address space under the stack size at small N: glibc keeps up to 40 MiB of\n"
               "freed stacks and hands them to new threads without mapping new ones)\n");
    free(threads);
}

/* The system's own ceilings on threads, for the story: the smallest of them
 * is roughly where pthread_create starts to refuse. */
static long read_long_file(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

static void print_ceilings(void)
{
    struct rlimit nproc;
    CL_CHECK_SYS(getrlimit(RLIMIT_NPROC, &nproc));
    long pid_max = read_long_file("/proc/sys/kernel/pid_max");
    long threads_max = read_long_file("/proc/sys/kernel/threads-max");
    long map_count = read_long_file("/proc/sys/vm/max_map_count");
    printf("this system's ceilings: kernel.pid_max %ld (every thread takes an id), "
           "kernel.threads-max %ld,\nvm.max_map_count %ld (a thread's stack and its guard "
           "page are about 2 mappings), RLIMIT_NPROC %ld (-1: unlimited; root ignores it)\n",
           pid_max, threads_max, map_count,
           nproc.rlim_cur == RLIM_INFINITY ? -1L : (long)nproc.rlim_cur);
}

static void report_push(const struct settings *s, const char *mode, long limit,
                        const struct park_result *p)
{
    if (s->csv) {
        cl_csv_row("%s,%ld,%ld,%ld,%s,%s,%.3f,%ld", mode, limit, p->started, p->joined,
                   p->stopped_by, p->error ? strerror(p->error) : "none", p->seconds,
                   p->rss_alive_kib);
        return;
    }
    if (p->error != 0)
        printf("%s: pthread_create refused thread %ld: %s; %ld started, %ld joined, %.2f s\n",
               mode, p->started + 1, strerror(p->error), p->started, p->joined, p->seconds);
    else
        printf("%s: %ld threads alive at once, stopped by the %s bound before any refusal; "
               "%ld joined, %.2f s, %ld MiB resident\n",
               mode, p->started, p->stopped_by, p->joined, p->seconds, p->rss_alive_kib / 1024);
}

/* [p8] Push N up until the system refuses: parked threads, all alive at once,
 * bounded by --max-threads, --max-rss-mib and --max-seconds. Then the same
 * with the address space capped (RLIMIT_AS, this process only), where the
 * refusal comes after a few dozen 8 MiB stacks on any machine. */
static void part_refuse(const struct settings *s)
{
    pthread_t *threads = calloc((size_t)s->max_threads, sizeof *threads);
    if (threads == NULL)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    if (s->csv) {
        cl_csv_header(REFUSE_COLUMNS);
    } else {
        printf("\nhow many threads the system lets us have at once:\n");
        print_ceilings();
    }
    struct bounds b = {.max_threads = s->max_threads, .max_rss_kib = s->max_rss_mib * 1024,
                       .max_seconds = s->max_seconds};
    struct park_result natural = park_many(&b, threads);
    report_push(s, "natural", s->max_threads, &natural);

    if (s->cap_as_mib > 0 && !cl_interrupted()) {
        struct rlimit as;
        CL_CHECK_SYS(getrlimit(RLIMIT_AS, &as));
        struct rlimit capped = as;
        capped.rlim_cur = (rlim_t)(vm_kib() + s->cap_as_mib * 1024) * 1024;
        if (as.rlim_max != RLIM_INFINITY && capped.rlim_cur > as.rlim_max)
            capped.rlim_cur = as.rlim_max;
        CL_CHECK_SYS(setrlimit(RLIMIT_AS, &capped));
        struct park_result p = park_many(&b, threads);
        CL_CHECK_SYS(setrlimit(RLIMIT_AS, &as)); /* the soft limit back where it was */
        char mode[64];
        snprintf(mode, sizeof mode, "address space capped %ld MiB above use", s->cap_as_mib);
        report_push(s, s->csv ? "capped_as" : mode, s->cap_as_mib, &p);
    }
    free(threads);
}

/* [p4] and [p5] side by side: one generation of the book's grid where cell
 * (2, 3)'s I/O fails, its error first lost, then carried back. */
static void part_errors(const struct settings *s)
{
    struct life_io io = {.latency_s = 0, .fail_y = 2, .fail_x = 3};
    if (s->csv)
        cl_csv_header(ERRORS_COLUMNS);
    else
        printf("\none generation of the book's grid where cell (2, 3)'s I/O fails:\n");
    struct life_grid *start = life_book_grid();
    struct life_grid *reference = life_reference(start, 1);
    if (start == NULL || reference == NULL)
        cl_fail(__FILE__, __LINE__, "life_reference", errno);
    for (int carry = 0; carry <= 1; carry++) {
        struct locked_grid *cur = locked_new(life_book_grid());
        struct locked_grid *next = locked_new(life_new(5, 9));
        if (cur->cells == NULL || next->cells == NULL)
            cl_fail(__FILE__, __LINE__, "life_new", errno);
        fflush(stdout);
        struct generation gen = step_thread_per_cell(cur, next, &io, carry);
        give_up_if_refused(&gen, 45);
        bool correct = life_equal(next->cells, reference);
        if (s->csv) {
            cl_csv_row("%s,%d,%d,%d,%d,%d,%d", carry ? "carried" : "lost", gen.started,
                       gen.join_failures, gen.error != 0, gen.error ? gen.error_y : -1,
                       gen.error ? gen.error_x : -1, correct);
        } else if (!carry) {
            printf("error lost:    join returned 0 for %d of %d threads; the caller saw no "
                   "error, and the next grid is %s\n",
                   gen.started - gen.join_failures, gen.started,
                   correct ? "right by luck" : "silently wrong at that cell");
        } else {
            printf("error carried: each thread stores its error in its own slot; after join "
                   "the caller saw cell (%d, %d): %s,\n               and stops the simulation "
                   "there (item 58 carries it through a queue, 59 through a future)\n",
                   gen.error_y, gen.error_x, strerror(gen.error));
        }
        locked_free(cur);
        locked_free(next);
    }
    life_free(start);
    life_free(reference);
}

int main(int argc, char **argv)
{
    struct settings s = {.part = "all", .variant = "both", .rows = 5, .cols = 9, .generations = 4, .rounds = 5,
                         .io_ms = 1, .threads = {3, {45, 1000, 10000}}, .max_threads = 10000,
                         .max_rss_mib = 1024, .max_seconds = 10, .cap_as_mib = 256};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &s.part, "which part of the story",
         .choices = "all|life|cost|memory|refuse|errors"},
        {"variant", CL_OPT_CHOICE, &s.variant,
         "life: serial beside a thread per cell, or the threads alone",
         .choices = "both|thread_per_cell"},
        {"rows", CL_OPT_INT, &s.rows, "grid rows (life)", 1, 1000},
        {"cols", CL_OPT_INT, &s.cols, "grid columns (life; rows x cols at most 10,000)", 1, 1000},
        {"generations", CL_OPT_INT, &s.generations, "generations per run (life)", 1, 1000},
        {"io-ms", CL_OPT_DOUBLE, &s.io_ms, "how long each cell's game_logic blocks, ms", 0,
         1000},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds, the variants interleaved in each", 1, 100},
        {"threads", CL_OPT_LIST, &s.threads, "thread counts N (cost, memory)", 1,
         MOST_THREADS},
        {"max-threads", CL_OPT_INT, &s.max_threads, "refuse: stop pushing at this many", 1,
         MOST_THREADS},
        {"max-rss-mib", CL_OPT_INT, &s.max_rss_mib, "refuse, memory: stop at this resident size",
         16, 65536},
        {"max-seconds", CL_OPT_DOUBLE, &s.max_seconds, "refuse, memory: stop starting after this",
         0.1, 600},
        {"cap-as-mib", CL_OPT_INT, &s.cap_as_mib,
         "refuse: then again with RLIMIT_AS this far above use (0: skip)", 0, 65536},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "57_thread_per_cell",
        .summary = "a new thread per cell per generation: what threads cost, how many the "
                   "system allows, and the error that join never reports",
        .epilogue =
            "Examples:\n"
            "  57_thread_per_cell                                 the whole story\n"
            "  57_thread_per_cell --part life --io-ms 100         the book's latency\n"
            "  57_thread_per_cell --part refuse --cap-as-mib 1024  refused after ~130\n"
            "  57_thread_per_cell --csv --part cost               rows for the harness\n"
            "CSV columns, per part (--csv alone is --part life):\n"
            "  life:   " LIFE_COLUMNS "\n"
            "  cost:   " COST_COLUMNS "\n"
            "  memory: " MEMORY_COLUMNS "\n"
            "  refuse: " REFUSE_COLUMNS "\n"
            "  errors: " ERRORS_COLUMNS "\n"
            "  gen_s: wall seconds per generation; workers: threads per generation.\n"
            "  memory: KiB per live thread, growth of the address space (virtual) and of\n"
            "  resident memory with all N threads parked at once.\n"
            "The life part: --rounds x --generations x one generation at most 60 s (serial:\n"
            "cells x (io-ms + 0.05 ms); threads: io-ms + cells x 0.05 ms, a thread costing\n"
            "~0.05 ms to start);\n"
            "cost and memory: --rounds x the sum of --threads x 0.1 ms at most 60 s.\n"
            "At most 10,000 threads alive at once: Ctrl-C joins every live thread (about\n"
            "30-40 us each on a 2-core VM), and 10,000 already take some 0.4 s.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    if (s.rows * s.cols > 10000)
        cl_usage_error("--rows x --cols is %ld: a thread per cell allows at most 10000",
                       s.rows * s.cols);
    bool all = strcmp(s.part, "all") == 0;
    if (s.csv && all) { /* one part's rows per run: --csv alone is the life part */
        s.part = "life";
        all = false;
    }
    if (all || strcmp(s.part, "life") == 0)
        check_life_budget(&s);
    check_threads_budget(&s, all || strcmp(s.part, "cost") == 0,
                         all || strcmp(s.part, "memory") == 0);
    cl_catch_stop_signals();

    if (all || strcmp(s.part, "life") == 0)
        part_life(&s);
    if ((all || strcmp(s.part, "cost") == 0) && !cl_interrupted())
        part_cost(&s);
    if ((all || strcmp(s.part, "memory") == 0) && !cl_interrupted())
        part_memory(&s);
    if ((all || strcmp(s.part, "refuse") == 0) && !cl_interrupted())
        part_refuse(&s);
    if ((all || strcmp(s.part, "errors") == 0) && !cl_interrupted())
        part_errors(&s);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; every thread joined\n", cl_program_name());
        return 130;
    }
    return 0;
}
