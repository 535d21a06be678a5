/*
 * 60_coroutines-bench - everything the harness measures for Item 60, as CSV
 * on stdout (one header, one row per design per round). It includes the
 * program, so it times the very coroutines a student reads.
 *
 *   --part cells     the chapter's cross-item rows (harness/plot/cross.sh):
 *                    one generation per size of --cells, every cell a
 *                    coroutine; seconds, and resident memory while they all
 *                    wait. A size predicted over 5 s, or over 20 s in all,
 *                    is skipped with a row that says why.
 *   --part grid      "one latency whatever the cells": one generation per
 *                    size, sizes interleaved round after round;
 *   --part blocking  its negative control: the same, each cell blocking [p8].
 *   --part costs     what a task costs to start and to keep while it waits:
 *                    the coroutine of coro.h; the control, a call whose frame
 *                    is on the heap (what a Python call makes); a stackful
 *                    coroutine (ucontext, a 64 KiB stack each); a thread.
 *   --part error     the failing cell's error reaches the awaiter of the
 *                    gather; the same coroutine started detached loses it.
 *   --part limits    this machine's limits on threads, and its memory.
 *
 * Times of starts are CPU time of the process (a neighbour's load stretches
 * the wall clock, not the work); generations are wall time (the claim).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS for the stackful coroutines' stacks */
#define main story_main
#include "60_coroutines/coroutines.c"
#undef main

#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>

#define CELLS_GEN_BUDGET_S 5.0   /* the cross-item contract: per generation */
#define CELLS_TOTAL_BUDGET_S 20.0 /* ... and for every round of every size */

/* ---- One generation, timed, with the memory while every cell waits ------- */

static void sample_rss(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    *(long *)arg = cl_rss_kib();
}

/* One generation of a grid of `cells` (rows_for), checked against the serial
 * reference. The RSS sample is the loop's first event: it runs once the
 * fan-out is done, before any cell is resumed. */
static double timed_generation(long cells, const struct life_io *io, coro_body *body, long *rss_kib)
{
    int rows = rows_for(cells), cols = (int)(cells / rows);
    malloc_trim(0); /* give back what a bigger grid left, so the RSS is this grid's */
    struct life_grid *cur = life_starting_grid(rows, cols, 56), *next = life_new(rows, cols);
    if (!cur || !next)
        cl_fail(__FILE__, __LINE__, "life_new", errno);
    struct simulation *s = simulation_new(cells, io, body);
    const struct timeval now = {0, 0};
    CL_CHECK_SYS(event_base_once(s->loop, -1, EV_TIMEOUT, sample_rss, rss_kib, &now));
    double t0 = cl_now();
    int rc = simulation_step(s, cur, next);
    double gen_s = cl_now() - t0;
    simulation_free(s, cells);
    cl_exit_if_interrupted();
    if (rc != 0)
        cl_die("a generation of %ld cells failed: %s", cells, strerror(rc));
    struct life_grid *want = life_reference(cur, 1);
    if (!want || !life_equal(want, next))
        cl_die("%d x %d grid differs from the serial reference", rows, cols);
    life_free(want), life_free(cur), life_free(next);
    return gen_s;
}

/* --part cells: the contract's rows. In round 0 each size is predicted
 * from the cost per cell measured at the size before it (1 us before any)
 * and skipped, with a row that says why, if over the budgets. */
static void cells_rows(const struct cl_list *sizes, const struct life_io *io, long rounds)
{
    cl_csv_header("approach,cells,latency_ms,round,gen_s,rss_kib,note");
    bool measured[CL_LIST_MAX] = {0};
    double per_cell_s = 1e-6, planned_s = 0, latency_ms = io->latency_s * 1e3;
    for (long round = 0; round < rounds; round++)
        for (int i = 0; i < sizes->n; i++) {
            long cells = sizes->v[i];
            if (round == 0) {
                double predicted = io->latency_s + (double)cells * per_cell_s;
                if (predicted > CELLS_GEN_BUDGET_S)
                    cl_csv_row("coroutines,%ld,%g,0,,,over the %.0f s budget per generation: "
                               "predicted %.3g s", cells, latency_ms, CELLS_GEN_BUDGET_S, predicted);
                else if (planned_s + predicted * (double)rounds > CELLS_TOTAL_BUDGET_S)
                    cl_csv_row("coroutines,%ld,%g,0,,,over the %.0f s budget in all: predicted "
                               "%.3g s for %ld rounds", cells, latency_ms, CELLS_TOTAL_BUDGET_S,
                               predicted * (double)rounds, rounds);
                else
                    measured[i] = true, planned_s += predicted * (double)rounds;
            }
            if (!measured[i])
                continue;
            long rss = 0;
            double gen_s = timed_generation(cells, io, step_cell, &rss);
            if (round == 0)
                per_cell_s = fmax(0.1e-6, (gen_s - io->latency_s) / (double)cells);
            cl_csv_row("coroutines,%ld,%g,%ld,%.6f,%ld,", cells, latency_ms, round, gen_s, rss);
        }
}

/* --part grid and --part blocking: every size once per round. */
static void grid_rows(const struct cl_list *sizes, const struct life_io *io, long rounds,
                      bool blocking)
{
    cl_csv_header("design,cells,io_ms,round,gen_s,rss_kib");
    for (long round = 0; round < rounds; round++)
        for (int i = 0; i < sizes->n; i++) {
            long rss = 0;
            double gen_s = timed_generation(sizes->v[i], io,
                                            blocking ? step_cell_blocking : step_cell, &rss);
            cl_csv_row("%s,%ld,%g,%ld,%.6f,%ld", blocking ? "blocking" : "awaiting", sizes->v[i],
                       io->latency_s * 1e3, round, gen_s, rss);
        }
}

/* ---- What a task costs -------------------------------------------------- */

/* One row of --part costs; NAN (not measured for this design) prints as an
 * empty field. */
struct cost {
    const char *design;
    long tasks;
    double start_ns, start_cold_ns, resume_ns, bytes_rss, bytes_frame, bytes_reserved, bytes_kernel;
    char note[96];
};

#define COSTS_CSV "design,tasks,round,start_ns,start_cold_ns,resume_ns,bytes_rss,bytes_frame," \
                  "bytes_reserved,bytes_kernel,note"

static void cost_row(const struct cost *c, long round)
{
    char f[7][32];
    const double v[7] = {c->start_ns, c->start_cold_ns, c->resume_ns, c->bytes_rss,
                         c->bytes_frame, c->bytes_reserved, c->bytes_kernel};
    for (int i = 0; i < 7; i++)
        snprintf(f[i], sizeof f[i], isnan(v[i]) ? "" : "%.1f", v[i]);
    cl_csv_row("%s,%ld,%ld,%s,%s,%s,%s,%s,%s,%s,%s", c->design, c->tasks, round, f[0], f[1], f[2],
               f[3], f[4], f[5], f[6], c->note);
}

/* The smallest coroutine: a frame that is the struct coro, plus --extra-bytes
 * of locals kept across its await. */
struct idle_task {
    struct coro co;
    unsigned char locals[];
};

static enum coro_step sleep_once(struct coro *self)
{
    CORO_BEGIN(self);
    CORO_AWAIT_SLEEP(self, 0.0); /* await asyncio.sleep(0): back on the loop's next turn */
    CORO_END(self);
}

/* async def main(): tasks = [sleep_once() for ...]; await gather(*tasks).
 * Each frame its own malloc, as each Python coroutine is its own object. */
struct cost_run {
    struct coro co;
    struct event_base *loop;
    struct idle_task **tasks;
    long n;
    size_t frame_bytes;
    struct coro_gather gather;
    double cpu0, cpu_started, cpu_done;
    long rss0_kib, rss_started_kib;
};

static enum coro_step start_and_gather(struct coro *self)
{
    struct cost_run *b = CORO_FRAME(self, struct cost_run, co);
    CORO_BEGIN(self);
    coro_gather_init(&b->gather);
    b->rss0_kib = cl_rss_kib();
    b->cpu0 = cl_cpu_seconds();
    for (long i = 0; i < b->n && !(i % 65536 == 0 && cl_interrupted()); i++) {
        b->tasks[i] = malloc(b->frame_bytes);
        if (!b->tasks[i])
            cl_fail(__FILE__, __LINE__, "malloc(frame_bytes)", errno);
        memset(b->tasks[i], 0, b->frame_bytes);
        coro_start(b->loop, &b->tasks[i]->co, sleep_once, &b->gather);
    }
    b->cpu_started = cl_cpu_seconds();
    b->rss_started_kib = cl_rss_kib(); /* every one of them waits on the loop now */
    CORO_AWAIT_GATHER(self, &b->gather);
    b->cpu_done = cl_cpu_seconds();
    CORO_END(self);
}

/* One pass: n started, all suspended at once, resumed, freed. */
static void start_suspend_resume(struct cost_run *b)
{
    memset(b->tasks, 0, (size_t)b->n * sizeof *b->tasks);
    int rc = coro_run(b->loop, &b->co, start_and_gather);
    for (long i = 0; i < b->n && b->tasks[i]; i++) {
        if (rc == ECANCELED)
            coro_cancel(&b->tasks[i]->co);
        free(b->tasks[i]);
    }
    if (rc == ECANCELED)
        coro_cancel(&b->co);
}

/* The coroutine: a cold pass (fresh memory: its bytes, and starts with their
 * page faults), then a warm one (memory the process holds: the start itself). */
static struct cost coroutine_cost(long n, size_t extra_bytes, void **scratch)
{
    struct cost_run b = {.loop = coro_loop_new(), .n = n, .tasks = (struct idle_task **)scratch,
                         .frame_bytes = sizeof(struct idle_task) + extra_bytes};
    struct cost c = {.design = "coroutine", .tasks = n, .bytes_reserved = 0, .bytes_kernel = 0,
                     .bytes_frame = (double)b.frame_bytes};
    mallopt(M_TRIM_THRESHOLD, 1 << 30); /* keep freed memory, so the warm pass is warm */
    malloc_trim(0);                     /* ... after giving it all back for the cold one */
    start_suspend_resume(&b);
    c.bytes_rss = (double)(b.rss_started_kib - b.rss0_kib) * 1024 / (double)n;
    c.start_cold_ns = (b.cpu_started - b.cpu0) / (double)n * 1e9;
    start_suspend_resume(&b);
    c.start_ns = (b.cpu_started - b.cpu0) / (double)n * 1e9;
    c.resume_ns = (b.cpu_done - b.cpu_started) / (double)n * 1e9;
    event_base_free(b.loop);
    return c;
}

/* The control: a call whose frame is on the heap, as every Python call's
 * frame is: malloc and zero the coroutine's frame size, call, keep it. */
__attribute__((noinline)) static void *enter_frame(struct idle_task *frame, long i)
{
    frame->co.resume_at = (int)i; /* the call's work: one store into its frame */
    return frame;
}

static struct cost call_cost(long n, size_t extra_bytes, void **scratch)
{
    size_t bytes = sizeof(struct idle_task) + extra_bytes;
    struct cost c = {.design = "call", .tasks = n, .start_cold_ns = NAN, .resume_ns = NAN,
                     .bytes_rss = NAN, .bytes_frame = (double)bytes, .bytes_reserved = 0,
                     .bytes_kernel = 0};
    double cpu0 = cl_cpu_seconds();
    for (long i = 0; i < n; i++) {
        struct idle_task *frame = malloc(bytes);
        if (!frame)
            cl_fail(__FILE__, __LINE__, "malloc(bytes)", errno);
        memset(frame, 0, bytes);
        scratch[i] = enter_frame(frame, i);
    }
    c.start_ns = (cl_cpu_seconds() - cpu0) / (double)n * 1e9;
    for (long i = 0; i < n; i++)
        free(scratch[i]);
    return c;
}

/* A stackful coroutine: a stack of its own (64 KiB, mapped), switched to
 * and from with swapcontext; it can suspend anywhere, and pays a stack. */
#define STACKFUL_STACK (64 * 1024)
struct stackful_task {
    ucontext_t context;
    void *stack;
};
static ucontext_t stackful_caller;
static struct stackful_task *stackful_current;

static void stackful_body(void)
{
    struct stackful_task *self = stackful_current;
    swapcontext(&self->context, &stackful_caller); /* await: back to the caller */
}

static struct cost stackful_cost(long n, void **scratch)
{
    struct cost c = {.design = "stackful", .tasks = n, .start_cold_ns = NAN, .bytes_kernel = 0,
                     .bytes_frame = sizeof(struct stackful_task), .bytes_reserved = STACKFUL_STACK};
    long rss0 = cl_rss_kib(), started = 0;
    double cpu0 = cl_cpu_seconds();
    for (; started < n && !(started % 1024 == 0 && cl_interrupted()); started++) {
        struct stackful_task *t = cl_calloc(1, sizeof *t);
        t->stack = mmap(NULL, STACKFUL_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (t->stack == MAP_FAILED)
            cl_fail(__FILE__, __LINE__, "mmap(stack)", errno);
        CL_CHECK_SYS(getcontext(&t->context));
        t->context.uc_stack = (stack_t){.ss_sp = t->stack, .ss_size = STACKFUL_STACK};
        t->context.uc_link = &stackful_caller;
        makecontext(&t->context, stackful_body, 0);
        stackful_current = t;
        CL_CHECK_SYS(swapcontext(&stackful_caller, &t->context)); /* run to its first await */
        scratch[started] = t;
    }
    double cpu1 = cl_cpu_seconds();
    c.bytes_rss = (double)(cl_rss_kib() - rss0) * 1024 / (double)n;
    for (long i = 0; i < started; i++) { /* resume each: it returns, to uc_link */
        struct stackful_task *t = scratch[i];
        CL_CHECK_SYS(swapcontext(&stackful_caller, &t->context));
        CL_CHECK_SYS(munmap(t->stack, STACKFUL_STACK));
        free(t);
    }
    c.start_ns = (cpu1 - cpu0) / (double)n * 1e9;
    c.resume_ns = (cl_cpu_seconds() - cpu1) / (double)n * 1e9;
    return c;
}

/* A thread per task: started, all waiting at once (blocked, as on I/O),
 * released, joined. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t arrived, released_cond; /* the first wakes the main thread alone */
    long waiting;
    bool released;
} parked = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false};

static void *parked_thread(void *arg)
{
    (void)arg;
    CL_CHECK_RC(pthread_mutex_lock(&parked.lock));
    parked.waiting++;
    CL_CHECK_RC(pthread_cond_signal(&parked.arrived));
    while (!parked.released)
        CL_CHECK_RC(pthread_cond_wait(&parked.released_cond, &parked.lock));
    CL_CHECK_RC(pthread_mutex_unlock(&parked.lock));
    return NULL;
}

/* Kernel stacks of every thread on the machine, KiB (/proc/meminfo). */
static long meminfo_kib(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    long v = -1;
    size_t len = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, len) == 0 && line[len] == ':')
            v = atol(line + len + 1);
    if (f)
        fclose(f);
    return v;
}

/* The kernel's thread stacks on the whole machine, once the counter has
 * stopped moving (stacks are freed some time after their threads are
 * joined); other people's threads can still move it. */
static long settled_kernel_stacks_kib(void)
{
    long last = meminfo_kib("KernelStack"), now;
    for (int i = 0; i < 25 && !cl_interrupted(); i++, last = now) {
        cl_sleep(0.02);
        if ((now = meminfo_kib("KernelStack")) == last)
            break;
    }
    return last;
}

static struct cost thread_cost(long n, pthread_t *threads)
{
    struct cost c = {.design = "thread", .tasks = n, .start_cold_ns = NAN};
    pthread_attr_t attr;
    size_t stack;
    CL_CHECK_RC(pthread_attr_init(&attr));
    CL_CHECK_RC(pthread_attr_getstacksize(&attr, &stack));
    CL_CHECK_RC(pthread_attr_destroy(&attr));
    c.bytes_reserved = (double)stack;
    c.bytes_frame = NAN;
    parked.waiting = 0, parked.released = false;
    long rss0 = cl_rss_kib(), kstack0 = settled_kernel_stacks_kib(), started = 0;
    double cpu0 = cl_cpu_seconds();
    for (; started < n && !(started % 256 == 0 && cl_interrupted()); started++) {
        int rc = pthread_create(&threads[started], NULL, parked_thread, NULL);
        if (rc != 0) { /* refused: a result, not a crash */
            snprintf(c.note, sizeof c.note, "refused at thread %ld: %s", started + 1, strerror(rc));
            break;
        }
    }
    CL_CHECK_RC(pthread_mutex_lock(&parked.lock));
    while (parked.waiting < started && !cl_interrupted())
        cl_cond_wait_until(&parked.arrived, &parked.lock, cl_now() + 0.05);
    CL_CHECK_RC(pthread_mutex_unlock(&parked.lock));
    double cpu1 = cl_cpu_seconds();
    c.bytes_rss = (double)(cl_rss_kib() - rss0) * 1024 / (double)(started ? started : 1);
    long kstack_up = meminfo_kib("KernelStack");
    CL_CHECK_RC(pthread_mutex_lock(&parked.lock));
    parked.released = true;
    CL_CHECK_RC(pthread_cond_broadcast(&parked.released_cond));
    CL_CHECK_RC(pthread_mutex_unlock(&parked.lock));
    /* Joining ten thousand threads takes about 0.3 s (each unmaps its stack):
     * after Ctrl-C the process's exit ends them all at once instead. */
    for (long i = 0; i < started && !cl_interrupted(); i++)
        CL_CHECK_RC(pthread_join(threads[i], NULL));
    /* Read once, in the first round: in later ones the kernel is still
     * freeing the last round's stacks while these are made. */
    static double kernel_bytes = NAN;
    if (isnan(kernel_bytes))
        kernel_bytes = (double)(kstack_up - kstack0) * 1024 / (double)(started ? started : 1);
    c.bytes_kernel = kernel_bytes;
    c.tasks = started;
    c.start_ns = (cpu1 - cpu0) / (double)(started ? started : 1) * 1e9;
    c.resume_ns = (cl_cpu_seconds() - cpu1) / (double)(started ? started : 1) * 1e9;
    return c;
}

static void costs_rows(long tasks, long stacks, size_t extra_bytes, long rounds)
{
    cl_csv_header(COSTS_CSV);
    void **scratch = cl_calloc((size_t)(tasks > stacks ? tasks : stacks), sizeof *scratch);
    pthread_t *threads = cl_calloc((size_t)stacks, sizeof *threads);
    cl_cond_init_monotonic(&parked.arrived); /* its timed waits read cl_now()'s clock */
    for (long round = 0; round < rounds; round++) {
        struct cost c[4];
        c[0] = coroutine_cost(tasks, extra_bytes, scratch);
        cl_exit_if_interrupted();
        c[1] = call_cost(tasks, extra_bytes, scratch);
        c[2] = stackful_cost(stacks, scratch);
        cl_exit_if_interrupted();
        c[3] = thread_cost(stacks, threads);
        cl_exit_if_interrupted();
        for (int i = 0; i < 4; i++)
            cost_row(&c[i], round);
    }
    free(scratch);
    free(threads);
}

/* ---- The error: gathered, or lost --------------------------------------- */

/* simulate() with one change: the failing cell's coroutine is started
 * detached, outside the gather, as a create_task nobody awaits. */
static enum coro_step simulate_detached(struct coro *self)
{
    struct simulation *s = CORO_FRAME(self, struct simulation, co);
    CORO_BEGIN(self);
    coro_gather_init(&s->gather);
    for (int y = 0; y < s->gen.cur->rows; y++)
        for (int x = 0; x < s->gen.cur->cols; x++) {
            struct cell_task *t = &s->cells[y * s->gen.cur->cols + x];
            bool failing = y == s->gen.io->fail_y && x == s->gen.io->fail_x;
            *t = (struct cell_task){.gen = &s->gen, .y = y, .x = x};
            coro_start(s->loop, &t->co, step_cell, failing ? NULL : &s->gather);
        }
    CORO_AWAIT_GATHER(self, &s->gather);
    if (s->gather.first_failed)
        CORO_FAIL(self, s->gather.first_failed->error);
    CORO_END(self);
}

/* The book's grid, cell (2, 3) raising EIO: what the awaiter got, and what
 * the failing cell's frame holds once the loop has run dry. */
static void error_rows(const struct life_io *plain, long rounds)
{
    cl_csv_header("design,round,awaiter_error,err_y,err_x,cell_error");
    struct life_io io = {plain->latency_s, 2, 3};
    for (long round = 0; round < rounds; round++)
        for (int detached = 0; detached <= 1; detached++) {
            struct life_grid *cur = life_book_grid(), *next = life_new(5, 9);
            if (!cur || !next)
                cl_fail(__FILE__, __LINE__, "life_book_grid", errno);
            struct simulation *s = simulation_new(45, &io, step_cell);
            s->gen.cur = cur, s->gen.next = next;
            int rc = coro_run(s->loop, &s->co, detached ? simulate_detached : simulate);
            if (rc != ECANCELED) /* the detached cell may still wait: let it finish */
                CL_CHECK_SYS(event_base_dispatch(s->loop));
            int cell_error = s->cells[2 * 9 + 3].co.error, y = s->err_y, x = s->err_x;
            simulation_free(s, 45);
            life_free(cur), life_free(next);
            cl_exit_if_interrupted();
            cl_csv_row("%s,%ld,%d,%d,%d,%d", detached ? "detached" : "gathered", round, rc,
                       rc ? y : -1, rc ? x : -1, cell_error);
        }
}

/* ---- The machine's limits on threads ------------------------------------ */

static long read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;
    if (f && fscanf(f, "%ld", &v) != 1)
        v = -1;
    if (f)
        fclose(f);
    return v;
}

/* Threads on the whole machine now: /proc/loadavg's "running/total". */
static long threads_on_machine(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    long running = 0, total = -1;
    if (f && fscanf(f, "%*s %*s %*s %ld/%ld", &running, &total) != 2)
        total = -1;
    if (f)
        fclose(f);
    return total;
}

static void limits_rows(void)
{
    struct rlimit nproc;
    CL_CHECK_SYS(getrlimit(RLIMIT_NPROC, &nproc));
    pthread_attr_t attr;
    size_t stack;
    CL_CHECK_RC(pthread_attr_init(&attr));
    CL_CHECK_RC(pthread_attr_getstacksize(&attr, &stack));
    CL_CHECK_RC(pthread_attr_destroy(&attr));
    cl_csv_header("limit,value,what");
    cl_csv_row("pid_max,%ld,kernel.pid_max: ids for every process and thread on the machine",
               read_long("/proc/sys/kernel/pid_max"));
    cl_csv_row("threads_max,%ld,kernel.threads-max: threads on the machine",
               read_long("/proc/sys/kernel/threads-max"));
    cl_csv_row("max_map_count,%ld,vm.max_map_count: mappings per process (2 per thread stack)",
               read_long("/proc/sys/vm/max_map_count"));
    cl_csv_row("nproc,%ld,RLIMIT_NPROC: processes and threads of this user (-1: none)",
               nproc.rlim_cur == RLIM_INFINITY ? -1L : (long)nproc.rlim_cur);
    cl_csv_row("threads_in_use,%ld,threads on the machine now", threads_on_machine());
    cl_csv_row("mem_total_kib,%ld,MemTotal", meminfo_kib("MemTotal"));
    cl_csv_row("mem_available_kib,%ld,MemAvailable", meminfo_kib("MemAvailable"));
    cl_csv_row("stack_reserved_kib,%zu,a thread's default stack (ulimit -s)", stack / 1024);
}

/* ---- Flags ------------------------------------------------------------- */

int main(int argc, char **argv)
{
    const char *bench_part = "costs";
    struct cl_list sizes = {6, {45, 400, 2500, 10000, 100000, 1000000}};
    double io_ms = 100;
    long rounds = 3, tasks = 1000000, stacks = 10000, extra_bytes = 0;
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &bench_part, "what to measure",
         .choices = "cells|grid|blocking|costs|error|limits"},
        {"cells", CL_OPT_LIST, &sizes, "grid sizes, one generation each (cells, grid, blocking)", 1, 4194304},
        {"io-ms", CL_OPT_DOUBLE, &io_ms, "each cell's I/O latency, ms (cells, grid, blocking, error)", 0, 1000},
        {"rounds", CL_OPT_INT, &rounds, "rounds, the sizes or designs interleaved in each", 1, 100},
        {"tasks", CL_OPT_INT, &tasks, "coroutines (and calls) at once (costs)", 1, 4000000},
        {"stacks", CL_OPT_INT, &stacks, "threads (and stackful coroutines) at once (costs)", 1, 20000},
        {"extra-bytes", CL_OPT_INT, &extra_bytes, "locals each coroutine keeps across its await (costs)", 0, 65536},
        {0},
    };
    struct cl_program prog = {
        .name = "60_coroutines-bench", .opts = opts,
        .summary = "what Item 60 measures: generations, a task's costs, errors, limits (CSV)",
        .epilogue = "CSV columns, by part:\n"
                    "  cells: approach,cells,latency_ms,round,gen_s,rss_kib,note (the cross-item contract)\n"
                    "  grid, blocking: design,cells,io_ms,round,gen_s,rss_kib\n"
                    "  costs: " COSTS_CSV "\n"
                    "    start_ns: CPU ns per start, to the first await, memory already held;\n"
                    "    start_cold_ns: on fresh memory; bytes_rss: resident memory per waiting task;\n"
                    "    bytes_kernel: the kernel's stack per thread (/proc/meminfo's KernelStack,\n"
                    "    a counter of the whole machine, read in the first round)\n"
                    "  error: design,round,awaiter_error,err_y,err_x,cell_error (errno values)\n"
                    "  limits: limit,value,what\n"};
    cl_parse(&prog, argc, argv);
    struct life_io io = {.latency_s = io_ms / 1000, .fail_y = -1, .fail_x = -1};
    /* How long it runs: well under 1 us per coroutine, 50 us per stack. */
    double predicted = 0, cells = 0;
    for (int i = 0; i < sizes.n; i++)
        cells += (double)sizes.v[i];
    if (!strcmp(bench_part, "grid"))
        predicted = (double)rounds * ((double)sizes.n * io.latency_s + cells * 1e-6);
    else if (!strcmp(bench_part, "blocking"))
        predicted = (double)rounds * cells * io.latency_s;
    else if (!strcmp(bench_part, "costs"))
        predicted = (double)rounds * ((double)tasks * 1e-6 + (double)stacks * 50e-6);
    else if (!strcmp(bench_part, "error"))
        predicted = (double)rounds * 2 * io.latency_s;
    cl_check_run_length(predicted, "these --part, --cells, --io-ms, --tasks, --stacks and --rounds");
    cl_catch_stop_signals();
    if (!strcmp(bench_part, "cells"))
        cells_rows(&sizes, &io, rounds); /* bounded by its own budgets */
    else if (!strcmp(bench_part, "grid") || !strcmp(bench_part, "blocking"))
        grid_rows(&sizes, &io, rounds, !strcmp(bench_part, "blocking"));
    else if (!strcmp(bench_part, "costs"))
        costs_rows(tasks, stacks, (size_t)extra_bytes, rounds);
    else if (!strcmp(bench_part, "error"))
        error_rows(&io, rounds);
    else
        limits_rows();
    cl_exit_if_interrupted();
    return 0;
}
