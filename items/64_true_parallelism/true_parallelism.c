/*
 * 64_true_parallelism - Item 64: consider concurrent.futures for true parallelism.
 *
 * Python:  ThreadPoolExecutor runs a function on worker threads, but under the
 *          GIL only one of them computes at a time. ProcessPoolExecutor starts
 *          worker processes (by fork on Linux, up to 3.13), each with its own
 *          interpreter and its own GIL; it pickles the arguments, sends them
 *          down a pipe, and pickles the results back. map(chunksize=) puts
 *          several calls in one message.
 * C:       the same CPU-bound function everywhere [p1]; a thread pool whose
 *          workers compute under the GIL-like lock of item 53 (`threads_gil`)
 *          or without it (`threads`) [p2]; a byte format of our own that
 *          plays pickle [p3]; a process pool of forked workers [p4], each
 *          getting its pairs through a pipe and sending results back [p5].
 *
 * The claims: threads under a GIL give no speedup on CPU-bound work; processes
 * give about one per core, minus the cost of shipping the data, and shipping
 * wins when each message carries too little work (--batch, --size).
 *
 * Run:  build/bin/64_true_parallelism                     the whole story
 *       build/bin/64_true_parallelism --executor processes --workers 2 \
 *           --pairs 20000 --size 1000 --batch 1,10,100,1000
 *       build/bin/64_true_parallelism --csv                rows for the harness
 *
 * Prints (2-core VM, unpinned, abridged; numbers vary from run to run):
 *   gcd of 150 pairs of numbers in [2500000, 5000000], by counting down
 *   executor     workers batch  wall_s  speedup  ship_s  cpu/wall  gil_switches
 *   serial             1   150   0.790    1.00x   0.000      0.97             0
 *   threads_gil        2     1   0.764    1.03x   0.000      1.00            84
 *   threads            2     1   0.429    1.84x   0.000      1.82             0
 *   processes          2     1   0.394    2.01x   0.013      1.97             0
 *   ...
 *   shipping: 20000 pairs in [500, 1000], 2 process workers (serial 0.023 s)
 *   processes          2     1   0.299    0.08x   0.573      0.89             0
 *   processes          2  1000   0.012    1.90x   0.001      1.94             0
 *   leftovers 0 children unreaped, 0 descriptors leaked
 *
 * ship_s: worker-seconds spent serialising and shipping, not computing.
 */
#include "53_threads_gil/gil.h"
#include "59_thread_pool/executor.h"
#include "clab.h"

#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- The concept: one slow, CPU-bound function ----------------------------- */

struct pair {
    uint32_t a, b;
};

/* [p1] The greatest common divisor, found the slow way on purpose: try every
 * candidate from the smaller number down. Each try is one "bytecode", so one
 * tick of the GIL-like lock: the place where a thread may be made to let
 * another one run. Every executor calls exactly this function. */
static uint32_t gcd_by_counting_down(struct gil *g, struct pair p)
{
    uint32_t low = p.a < p.b ? p.a : p.b;
    for (uint32_t candidate = low; candidate > 1; candidate--) {
        if (p.a % candidate == 0 && p.b % candidate == 0)
            return candidate;
        gil_tick(g);
        /* Ctrl-C (cl_catch_stop_signals) is seen within a few ms even in a long
         * count; the callers also check between pairs. */
        if ((candidate & 0x3fff) == 0 && cl_interrupted())
            return 0;
    }
    return 1;
}

/* What one run of an executor measured. Worker-seconds are summed over
 * workers: compute_s + ship_s is about workers x wall_s when nobody idles. */
struct measurement {
    double wall_s;
    double compute_s;  /* worker-seconds inside gcd_by_counting_down */
    double ship_s;     /* worker-seconds lost to serialising and shipping */
    double cpu_s;      /* user + system of this process and its reaped children */
    struct gil_stats gil;
};

static double cpu_with_children(void)
{
    struct rusage c;
    CL_CHECK_SYS(getrusage(RUSAGE_CHILDREN, &c)); /* children already reaped */
    return cl_cpu_seconds() + (double)c.ru_utime.tv_sec + c.ru_utime.tv_usec / 1e6 +
           (double)c.ru_stime.tv_sec + c.ru_stime.tv_usec / 1e6;
}

static void *checked_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    return p;
}

/* ---- [p2] The thread pool: ThreadPoolExecutor, item 59's executor ------------- */

/* One pool.submit(gcd, ...): a batch of pairs, each result written to its own
 * slot. Threads share the pairs and the results array: nothing is copied. */
struct gcd_task {
    struct gil *gil;
    const struct pair *pairs;
    uint32_t *results;
    size_t first, end;
    double compute_s;
};

/* What a pool thread runs. A Python thread holds the GIL while it runs Python
 * code and puts it down while it waits for its next task, so the task takes
 * the lock for its batch and lets go at the end. */
static int run_gcd_task(void *arg, void **result)
{
    struct gcd_task *task = arg;
    (void)result;
    gil_acquire(task->gil);
    double t0 = cl_now();
    for (size_t i = task->first; i < task->end && !cl_interrupted(); i++)
        task->results[i] = gcd_by_counting_down(task->gil, task->pairs[i]);
    task->compute_s = cl_now() - t0;
    gil_release(task->gil);
    return 0;
}

/* with ThreadPoolExecutor(workers) as pool: results = pool.map(gcd, pairs)
 * Python's map submits every call at once; here at most `window` tasks are
 * out at a time, so a run of millions of pairs needs no million futures. The
 * main thread only submits and waits; in CPython it would do both with the
 * GIL put down, so here it never takes it. */
static struct measurement run_thread_pool(const struct pair *pairs, size_t npairs,
                                          uint32_t *results, long workers, size_t batch,
                                          enum gil_policy policy)
{
    struct gil gil;
    gil_init(&gil, policy, 0, 0);
    size_t ntasks = (npairs + batch - 1) / batch;
    size_t window = 4 * (size_t)workers;
    struct gcd_task *tasks = checked_calloc(window, sizeof *tasks);
    struct future **futures = checked_calloc(window, sizeof *futures);
    struct measurement m = {0};

    double cpu0 = cpu_with_children(), t0 = cl_now();
    struct executor *pool = executor_new((int)workers);
    if (pool == NULL)
        cl_fail(__FILE__, __LINE__, "executor_new", errno);
    size_t submitted = 0, finished = 0;
    while (finished < ntasks) {
        while (submitted < ntasks && submitted - finished < window && !cl_interrupted()) {
            size_t first = submitted * batch, slot = submitted % window;
            tasks[slot] = (struct gcd_task){.gil = &gil, .pairs = pairs, .results = results,
                                            .first = first,
                                            .end = first + batch < npairs ? first + batch
                                                                          : npairs};
            futures[slot] = executor_submit(pool, run_gcd_task, &tasks[slot]);
            if (futures[slot] == NULL)
                cl_fail(__FILE__, __LINE__, "executor_submit", errno);
            submitted++;
        }
        if (finished == submitted)
            break; /* interrupted: nothing more was submitted */
        size_t slot = finished % window;
        CL_CHECK_RC(future_result(futures[slot], NULL, EXECUTOR_FOREVER));
        future_free(futures[slot]);
        m.compute_s += tasks[slot].compute_s;
        finished++;
    }
    executor_shutdown(pool); /* shutdown(wait=True): joins every thread */
    m.wall_s = cl_now() - t0;
    m.cpu_s = cpu_with_children() - cpu0;
    m.gil = gil_get_stats(&gil);

    free(futures);
    free(tasks);
    gil_destroy(&gil);
    return m;
}

/* ---- [p3] The wire format: our pickle -----------------------------------------
 * Fixed-width little-endian integers, written byte by byte, so the format is
 * defined by this code and not by how a compiler lays out a struct.
 *   request: first index (u32), count (u32), count x (a u32, b u32)
 *   reply:   first index (u32), count (u32), compute time in ns (u64),
 *            count x gcd (u32)                                              */

#define REQUEST_HEADER 8
#define REPLY_HEADER 16

static unsigned char *put_u32(unsigned char *at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        at[i] = (unsigned char)(v >> (8 * i));
    return at + 4;
}

static const unsigned char *get_u32(const unsigned char *at, uint32_t *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++)
        *v |= (uint32_t)at[i] << (8 * i);
    return at + 4;
}

static unsigned char *put_u64(unsigned char *at, uint64_t v)
{
    at = put_u32(at, (uint32_t)v);
    return put_u32(at, (uint32_t)(v >> 32));
}

static const unsigned char *get_u64(const unsigned char *at, uint64_t *v)
{
    uint32_t low, high;
    at = get_u32(at, &low);
    at = get_u32(at, &high);
    *v = (uint64_t)high << 32 | low;
    return at;
}

/* Writes all len bytes, across partial writes and signals. */
static void write_all(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(n);
        buf += n;
        len -= (size_t)n;
    }
}

/* Reads exactly len bytes. Returns false at end-of-file before the first
 * byte (the other side closed between messages); end-of-file in the middle
 * of a message is a broken peer. */
static bool read_all(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n == -1 && errno == EINTR)
            continue;
        CL_CHECK_SYS(n);
        if (n == 0) {
            if (got == 0)
                return false;
            cl_die("pipe closed in the middle of a message (%zu of %zu bytes)", got, len);
        }
        got += (size_t)n;
    }
    return true;
}

/* ---- [p4] The process pool: ProcessPoolExecutor ------------------------------ */

struct worker_process {
    pid_t pid;
    int request_fd;    /* parent writes pairs here: the worker's stdin, in effect */
    int reply_fd;      /* parent reads results here */
    bool busy;         /* one message out, its reply not yet read */
    double sent_at;    /* when the parent began serialising that message */
};

/* The child's side: read a message, compute, reply, until the parent closes
 * the pipe. It has its own copy of everything, including its own GIL, which
 * no other thread ever asks for: that is the whole trick. */
static _Noreturn void worker_process_main(int request_fd, int reply_fd, size_t batch)
{
    struct gil own_gil;
    gil_init(&own_gil, GIL_NEW, 0, 0);
    unsigned char *request = checked_calloc(REQUEST_HEADER + 8 * batch, 1);
    unsigned char *reply = checked_calloc(REPLY_HEADER + 4 * batch, 1);
    gil_acquire(&own_gil);
    unsigned char header[REQUEST_HEADER];
    while (read_all(request_fd, header, sizeof header)) {
        uint32_t first, count;
        get_u32(get_u32(header, &first), &count);
        if (count > batch)
            cl_die("worker %d: message of %u pairs, at most %zu expected", (int)getpid(),
                   count, batch);
        if (!read_all(request_fd, request, 8 * (size_t)count))
            cl_die("worker %d: pipe closed after a header", (int)getpid());
        /* [p5] Unpickle each pair, call the function, pickle the answer. */
        double t0 = cl_now();
        const unsigned char *in = request;
        unsigned char *out = reply + REPLY_HEADER;
        for (uint32_t i = 0; i < count; i++) {
            struct pair p;
            in = get_u32(get_u32(in, &p.a), &p.b);
            /* Interrupted: answer 0 at once; the parent discards the run. */
            out = put_u32(out, cl_interrupted() ? 0 : gcd_by_counting_down(&own_gil, p));
        }
        uint64_t compute_ns = (uint64_t)((cl_now() - t0) * 1e9);
        put_u64(put_u32(put_u32(reply, first), count), compute_ns);
        write_all(reply_fd, reply, (size_t)(out - reply));
    }
    gil_release(&own_gil);
    gil_destroy(&own_gil);
    free(request);
    free(reply);
    _exit(0); /* not exit(): the parent's atexit handlers and stdio are not ours */
}

/* Fork one worker. The child closes the parent's ends of every earlier
 * worker's pipes, which fork copied into it: a stray copy of a request pipe's
 * write end would keep that worker from ever seeing end-of-file. */
static void start_worker(struct worker_process *all, long index, size_t batch)
{
    int request[2], reply[2];
    CL_CHECK_SYS(pipe(request));
    CL_CHECK_SYS(pipe(reply));
    CL_CHECK_SYS(fflush(NULL)); /* or the child would print the parent's buffer again */
    pid_t pid = fork();
    CL_CHECK_SYS(pid);
    if (pid == 0) {
        for (long i = 0; i < index; i++) {
            CL_CHECK_SYS(close(all[i].request_fd));
            CL_CHECK_SYS(close(all[i].reply_fd));
        }
        CL_CHECK_SYS(close(request[1]));
        CL_CHECK_SYS(close(reply[0]));
        worker_process_main(request[0], reply[1], batch);
    }
    CL_CHECK_SYS(close(request[0]));
    CL_CHECK_SYS(close(reply[1]));
    all[index] = (struct worker_process){.pid = pid, .request_fd = request[1],
                                         .reply_fd = reply[0]};
}

/* What the parent needs while the pool runs. */
struct process_pool {
    const struct pair *pairs;
    uint32_t *results;
    size_t npairs, batch, next;     /* next: the first pair not yet sent */
    unsigned char *buffer;          /* one message, either way */
    struct measurement *m;
};

/* Pickle the next `batch` pairs and send them to an idle worker. */
static void send_batch(struct process_pool *pool, struct worker_process *w)
{
    w->sent_at = cl_now();
    size_t count = pool->npairs - pool->next < pool->batch ? pool->npairs - pool->next
                                                           : pool->batch;
    unsigned char *at = put_u32(put_u32(pool->buffer, (uint32_t)pool->next), (uint32_t)count);
    for (size_t i = pool->next; i < pool->next + count; i++)
        at = put_u32(put_u32(at, pool->pairs[i].a), pool->pairs[i].b);
    write_all(w->request_fd, pool->buffer, (size_t)(at - pool->buffer));
    pool->next += count;
    w->busy = true;
}

/* Read one reply and unpickle its results into place. The round trip minus
 * the worker's own compute time is what shipping cost that worker. */
static void receive_reply(struct process_pool *pool, struct worker_process *w)
{
    unsigned char *buf = pool->buffer;
    if (!read_all(w->reply_fd, buf, REPLY_HEADER))
        cl_die("worker %d exited before replying", (int)w->pid);
    uint32_t first, count;
    uint64_t compute_ns;
    get_u64(get_u32(get_u32(buf, &first), &count), &compute_ns);
    if ((size_t)first + count > pool->npairs || count > pool->batch)
        cl_die("worker %d replied for pairs %u..+%u, out of range", (int)w->pid, first, count);
    if (!read_all(w->reply_fd, buf, 4 * (size_t)count))
        cl_die("worker %d closed its pipe in a reply", (int)w->pid);
    const unsigned char *at = buf;
    for (uint32_t i = 0; i < count; i++)
        at = get_u32(at, &pool->results[first + i]);
    double compute_s = compute_ns / 1e9;
    pool->m->compute_s += compute_s;
    pool->m->ship_s += cl_now() - w->sent_at - compute_s;
    w->busy = false;
}

/* Wait for any busy worker's reply, read it, and give that worker more. */
static void collect_one_round(struct process_pool *pool, struct worker_process *workers,
                              long nworkers, struct pollfd *fds)
{
    for (long i = 0; i < nworkers; i++)
        fds[i] = (struct pollfd){.fd = workers[i].busy ? workers[i].reply_fd : -1,
                                 .events = POLLIN};
    int ready = poll(fds, (nfds_t)nworkers, -1);
    if (ready == -1 && errno == EINTR)
        return;
    CL_CHECK_SYS(ready);
    for (long i = 0; i < nworkers; i++) {
        if (!workers[i].busy || fds[i].revents == 0)
            continue;
        receive_reply(pool, &workers[i]);
        if (pool->next < pool->npairs && !cl_interrupted())
            send_batch(pool, &workers[i]);
    }
}

/* with ProcessPoolExecutor(workers) as pool: pool.map(gcd, pairs, chunksize=batch)
 * Each worker has at most one message out at a time, so a reply never waits
 * behind a request in a full pipe (two writers both blocked would deadlock). */
static struct measurement run_process_pool(const struct pair *pairs, size_t npairs,
                                           uint32_t *results, long nworkers, size_t batch)
{
    struct measurement m = {0};
    struct worker_process *workers = checked_calloc((size_t)nworkers, sizeof *workers);
    struct pollfd *fds = checked_calloc((size_t)nworkers, sizeof *fds);
    /* A batch larger than the whole job is one message holding every pair. */
    size_t per_message = batch < npairs ? batch : npairs;
    struct process_pool pool = {.pairs = pairs, .results = results, .npairs = npairs,
                                .batch = per_message, .m = &m};
    pool.buffer = checked_calloc(REPLY_HEADER + 8 * per_message, 1); /* fits either message */

    double cpu0 = cpu_with_children(), t0 = cl_now();
    for (long i = 0; i < nworkers; i++)
        start_worker(workers, i, per_message);
    for (long i = 0; i < nworkers && pool.next < npairs; i++)
        send_batch(&pool, &workers[i]);
    for (;;) {
        bool any_busy = false;
        for (long i = 0; i < nworkers; i++)
            any_busy = any_busy || workers[i].busy;
        if (!any_busy)
            break;
        collect_one_round(&pool, workers, nworkers, fds);
    }
    /* shutdown(wait=True): end-of-file on each request pipe tells that worker
     * to exit; then reap every one and close the last descriptors. */
    for (long i = 0; i < nworkers; i++)
        CL_CHECK_SYS(close(workers[i].request_fd));
    for (long i = 0; i < nworkers; i++) {
        int status;
        while (waitpid(workers[i].pid, &status, 0) == -1)
            if (errno != EINTR)
                cl_fail(__FILE__, __LINE__, "waitpid", errno);
        CL_CHECK_SYS(close(workers[i].reply_fd));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            cl_die("worker %d ended with status 0x%x", (int)workers[i].pid, (unsigned)status);
    }
    m.wall_s = cl_now() - t0;
    m.cpu_s = cpu_with_children() - cpu0;
    free(pool.buffer);
    free(fds);
    free(workers);
    return m;
}

/* ---- The experiments: every executor on the same pairs, in rounds ------------- */

/* Euclid's algorithm: a different method, so the answers every executor is
 * checked against do not come from the function being measured. */
static uint32_t gcd_by_euclid(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t rest = a % b;
        a = b;
        b = rest;
    }
    return a;
}

/* Checked by hand; every executor must give these before anything is timed. */
static const struct {
    struct pair pair;
    uint32_t gcd;
} hand_checked[] = {
    {{1071, 462}, 21},             /* 3^2 x 7 x 17 and 2 x 3 x 7 x 11 */
    {{5000000, 3750000}, 1250000}, /* 2^6 x 5^7 and 2^4 x 3 x 5^7 */
    {{4999999, 4999998}, 1},       /* neighbours share no factor */
    {{65536, 98304}, 32768},       /* 2^16 and 3 x 2^15 */
    {{7919, 7919}, 7919},          /* a prime and itself */
};
#define HAND_CHECKED (sizeof hand_checked / sizeof hand_checked[0])

struct workload {
    size_t npairs;
    uint32_t size;
    struct pair *pairs;
    uint32_t *expected; /* by Euclid */
};

/* Numbers in [size/2, size] from a fixed-seed generator (xorshift64), so
 * every run and every executor works on the same pairs. */
static struct workload make_workload(size_t npairs, uint32_t size)
{
    struct workload w = {.npairs = npairs, .size = size};
    uint64_t state = 0x9e3779b97f4a7c15u;
    uint32_t low = size / 2 > 0 ? size / 2 : 1;
    uint32_t span = size - low + 1;
    w.pairs = checked_calloc(npairs, sizeof *w.pairs);
    w.expected = checked_calloc(npairs, sizeof *w.expected);
    /* Millions of pairs take a while to draw: Ctrl-C is seen here too. */
    for (size_t i = 0; i < npairs && !(i % 65536 == 0 && cl_interrupted()); i++) {
        uint32_t v[2];
        for (int k = 0; k < 2; k++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            v[k] = low + (uint32_t)(state % span);
        }
        w.pairs[i] = (struct pair){v[0], v[1]};
        w.expected[i] = gcd_by_euclid(v[0], v[1]);
    }
    return w;
}

static struct workload hand_checked_workload(void)
{
    struct workload w = {.npairs = HAND_CHECKED, .size = 5000000};
    w.pairs = checked_calloc(HAND_CHECKED, sizeof *w.pairs);
    w.expected = checked_calloc(HAND_CHECKED, sizeof *w.expected);
    for (size_t i = 0; i < HAND_CHECKED; i++) {
        w.pairs[i] = hand_checked[i].pair;
        w.expected[i] = hand_checked[i].gcd;
    }
    return w;
}

static void free_workload(struct workload *w)
{
    free(w->pairs);
    free(w->expected);
}

/* The serial loop: one thread, no pool, a lock nobody else wants. */
static struct measurement run_serial(const struct workload *w, uint32_t *results)
{
    struct gil no_gil;
    gil_init(&no_gil, GIL_NONE, 0, 0);
    double cpu0 = cpu_with_children(), t0 = cl_now();
    for (size_t i = 0; i < w->npairs && !cl_interrupted(); i++)
        results[i] = gcd_by_counting_down(&no_gil, w->pairs[i]);
    struct measurement m = {.wall_s = cl_now() - t0};
    m.compute_s = m.wall_s;
    m.cpu_s = cpu_with_children() - cpu0;
    gil_destroy(&no_gil);
    return m;
}

/* One executor, one configuration, once; its answers checked. */
struct config {
    const char *executor; /* serial, threads_gil, threads, processes */
    long workers;
    size_t batch;
};

static struct measurement run_config(const struct config *c, const struct workload *w)
{
    uint32_t *results = checked_calloc(w->npairs, sizeof *results);
    struct measurement m;
    if (strcmp(c->executor, "serial") == 0)
        m = run_serial(w, results);
    else if (strcmp(c->executor, "processes") == 0)
        m = run_process_pool(w->pairs, w->npairs, results, c->workers, c->batch);
    else
        m = run_thread_pool(w->pairs, w->npairs, results, c->workers, c->batch,
                            strcmp(c->executor, "threads_gil") == 0 ? GIL_NEW : GIL_NONE);
    for (size_t i = 0; i < w->npairs && !cl_interrupted(); i++)
        if (results[i] != w->expected[i])
            cl_die("%s, %ld workers, batch %zu: gcd(%u, %u) came back as %u, should be %u",
                   c->executor, c->workers, c->batch, w->pairs[i].a, w->pairs[i].b,
                   results[i], w->expected[i]);
    free(results);
    return m;
}

#define CSV_COLUMNS                                                                  \
    "executor,workers,pairs,size,batch,pinned,round,wall_s,serial_s,speedup,compute_s," \
    "ship_s,cpu_s,gil_wait_s,gil_switches,children_left,fds_leaked"

struct settings {
    const char *executor;
    struct cl_list workers, batch;
    long pairs, size, rounds;
    bool csv, pinned;
    int fds_at_start;
};

static void csv_row(const struct settings *s, const struct workload *w, const struct config *c,
                    long round, const struct measurement *m, double serial_s);
static void print_table(const struct config *configs, int nconfigs,
                        const struct measurement *m, long stride, long rounds);

/* Interleaved rounds: serial, then every configuration, then serial again
 * to close the round. The round's serial time is the mean of the two, so
 * that a machine whose speed drifts during a round (a virtual CPU's host
 * changes its clock or lends the core out: single-thread runs here were seen
 * to move by 13% within seconds) moves both sides of each ratio. Each speedup
 * divides by its own round's serial time. configs[0] is serial; m holds
 * nconfigs x rounds measurements; the rows of a round are printed once it is
 * closed. */
static long run_rounds(const struct settings *s, const struct workload *w,
                       const struct config *configs, int nconfigs, struct measurement *m)
{
    long round = 0;
    for (; round < s->rounds && !cl_interrupted(); round++) {
        for (int c = 0; c < nconfigs && !cl_interrupted(); c++)
            m[c * s->rounds + round] = run_config(&configs[c], w);
        struct measurement closing = run_config(&configs[0], w);
        if (cl_interrupted())
            break;
        struct measurement *serial = &m[round];
        serial->wall_s = (serial->wall_s + closing.wall_s) / 2;
        serial->compute_s = (serial->compute_s + closing.compute_s) / 2;
        serial->cpu_s = (serial->cpu_s + closing.cpu_s) / 2;
        for (int c = 0; s->csv && c < nconfigs; c++)
            csv_row(s, w, &configs[c], round + 1, &m[c * s->rounds + round], serial->wall_s);
        if (!s->csv && isatty(STDERR_FILENO)) /* progress, where someone watches */
            fprintf(stderr, "  round %ld of %ld done\r", round + 1, s->rounds);
    }
    if (!s->csv && isatty(STDERR_FILENO))
        fprintf(stderr, "%30s\r", "");
    return cl_interrupted() ? 0 : round;
}

/* The configurations asked for: serial first, then each executor at each
 * worker count and batch size. */
static int plan(const struct settings *s, const struct workload *w, struct config *configs)
{
    static const char *const parallel[] = {"threads_gil", "threads", "processes"};
    int n = 0;
    configs[n++] = (struct config){"serial", 1, w->npairs};
    for (size_t e = 0; e < sizeof parallel / sizeof parallel[0]; e++) {
        if (strcmp(s->executor, "all") != 0 && strcmp(s->executor, parallel[e]) != 0)
            continue;
        for (int i = 0; i < s->workers.n; i++)
            for (int j = 0; j < s->batch.n; j++)
                configs[n++] = (struct config){parallel[e], s->workers.v[i],
                                               (size_t)s->batch.v[j]};
    }
    return n;
}

static void run_experiment(const struct settings *s, const struct workload *w,
                           const struct config *configs, int nconfigs)
{
    struct measurement *m = checked_calloc((size_t)nconfigs * (size_t)s->rounds, sizeof *m);
    long rounds = run_rounds(s, w, configs, nconfigs, m);
    if (!s->csv && rounds > 0)
        print_table(configs, nconfigs, m, s->rounds, rounds);
    free(m);
}

/* Every executor must give the hand-checked answers; only then is anything
 * timed. A gcd that always said 1 would stop here. */
static void check_hand_checked(const struct settings *s)
{
    struct workload w = hand_checked_workload();
    static const struct config executors[] = {
        {"serial", 1, HAND_CHECKED}, {"threads_gil", 2, 1}, {"threads", 2, 1},
        {"processes", 2, 1}};
    for (size_t e = 0; e < sizeof executors / sizeof executors[0] && !cl_interrupted(); e++)
        run_config(&executors[e], &w);
    if (!s->csv && !cl_interrupted()) {
        printf("hand-checked first, by every executor:");
        for (size_t i = 0; i < HAND_CHECKED; i++)
            printf("%s gcd(%u, %u) = %u", i ? "," : "", hand_checked[i].pair.a,
                   hand_checked[i].pair.b, hand_checked[i].gcd);
        printf("\n\n");
    }
    free_workload(&w);
}

/* The story's second part: the same kind of work cut into pieces so small
 * that sending a piece costs more than computing it, unless they are batched. */
static void run_shipping_story(const struct settings *s)
{
    struct workload tiny = make_workload(20000, 1000);
    long workers = cl_cores_online() < 2 ? 2 : cl_cores_online();
    struct config configs[] = {{"serial", 1, tiny.npairs}, {"processes", workers, 1},
                               {"processes", workers, 10}, {"processes", workers, 100},
                               {"processes", workers, 1000}};
    printf("\nshipping: %zu pairs in [%u, %u], %ld process workers, pairs per message varied\n",
           tiny.npairs, tiny.size / 2, tiny.size, workers);
    run_experiment(s, &tiny, configs, (int)(sizeof configs / sizeof configs[0]));
    free_workload(&tiny);
}

int main(int argc, char **argv)
{
    struct settings s = {.executor = "all", .workers = {3, {1, 2, 4}}, .batch = {1, {1}},
                         .pairs = 60, .size = 5000000, .rounds = 3};
    struct cl_opt opts[] = {
        {"executor", CL_OPT_CHOICE, &s.executor, "which executor to run beside serial",
         .choices = "all|serial|threads_gil|threads|processes"},
        {"workers", CL_OPT_LIST, &s.workers, "pool sizes to try", 1, 64},
        {"pairs", CL_OPT_INT, &s.pairs, "number pairs to find the gcd of", 1, 10000000},
        {"size", CL_OPT_INT, &s.size, "numbers lie in [size/2, size]: the work per pair",
         2, 2000000000},
        {"batch", CL_OPT_LIST, &s.batch, "pairs per task (per message, for processes)",
         1, 10000000},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds: serial and every executor once each", 1, 100},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "64_true_parallelism",
        .summary = "thread pool under a GIL, thread pool without one, and a process pool "
                   "that ships its work through pipes",
        .epilogue =
            "Examples:\n"
            "  64_true_parallelism                               the whole story\n"
            "  64_true_parallelism --executor threads_gil --workers 1,2\n"
            "  64_true_parallelism --executor processes --workers 2 --pairs 20000 \\\n"
            "      --size 1000 --batch 1,10,100,1000             when shipping costs more\n"
            "CSV columns: " CSV_COLUMNS "\n"
            "  One row per configuration per round; a round runs serial, then every\n"
            "  configuration once, then serial again: serial_s is the mean of the two,\n"
            "  and speedup = serial_s / wall_s of the same round.\n"
            "  The serial row has workers 1 and batch = pairs.\n"
            "  compute_s: worker-seconds inside the gcd function (under the GIL this\n"
            "  includes waiting for the lock); ship_s: worker-seconds lost to\n"
            "  serialising and shipping (processes only); cpu_s: user + system time,\n"
            "  the reaped worker processes included.\n"
            "  gil_*: the lock's statistics (threads_gil only). children_left and\n"
            "  fds_leaked are counted after each row; both must be 0.\n"
            "Every answer is checked against Euclid's algorithm, and every executor\n"
            "first against hand-checked pairs; a wrong one stops the run (!!!).\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    s.pinned = prog.pin;
    cl_catch_stop_signals();
    /* A worker that died makes write() fail with EPIPE, which we report,
     * instead of killing the parent silently with SIGPIPE. */
    struct sigaction ignore = {.sa_handler = SIG_IGN};
    CL_CHECK_SYS(sigemptyset(&ignore.sa_mask));
    CL_CHECK_SYS(sigaction(SIGPIPE, &ignore, NULL));

    s.fds_at_start = cl_open_fds();
    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    check_hand_checked(&s);

    struct workload w = make_workload((size_t)s.pairs, (uint32_t)s.size);
    struct config *configs = checked_calloc(1 + 3 * CL_LIST_MAX * CL_LIST_MAX, sizeof *configs);
    if (!s.csv)
        printf("gcd of %zu pairs of numbers in [%u, %u], by counting down; %ld rounds\n",
               w.npairs, w.size / 2, w.size, s.rounds);
    run_experiment(&s, &w, configs, plan(&s, &w, configs));
    free(configs);
    free_workload(&w);
    if (!s.csv && strcmp(s.executor, "all") == 0 && !cl_interrupted())
        run_shipping_story(&s);

    cl_check_leftovers(s.fds_at_start, s.csv);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; threads joined, workers reaped\n",
                cl_program_name());
        return 130;
    }
    return 0;
}

/* ---- Reporting ----------------------------------------------------------------- */

static void csv_row(const struct settings *s, const struct workload *w, const struct config *c,
                    long round, const struct measurement *m, double serial_s)
{
    cl_csv_row("%s,%ld,%zu,%u,%zu,%d,%ld,%.6f,%.6f,%.4f,%.6f,%.6f,%.6f,%.6f,%ld,%d,%d",
               c->executor, c->workers, w->npairs, w->size, c->batch, s->pinned, round,
               m->wall_s, serial_s, serial_s / m->wall_s, m->compute_s, m->ship_s, m->cpu_s,
               m->gil.wait_seconds, m->gil.switches, cl_children_left(),
               cl_open_fds() - s->fds_at_start);
}

/* One line per configuration: medians over the rounds, the speedup's range. */
static void print_table(const struct config *configs, int nconfigs,
                        const struct measurement *m, long stride, long rounds)
{
    printf("executor     workers batch  wall_s  speedup   (lo-hi, %ld rounds)  ship_s  "
           "cpu/wall  gil_switches\n", rounds);
    double *wall = checked_calloc((size_t)rounds, sizeof *wall);
    double *speedup = checked_calloc((size_t)rounds, sizeof *speedup);
    double *ship = checked_calloc((size_t)rounds, sizeof *ship);
    double *busy = checked_calloc((size_t)rounds, sizeof *busy);
    for (int c = 0; c < nconfigs; c++) {
        long switches = 0;
        for (long r = 0; r < rounds; r++) {
            const struct measurement *one = &m[(size_t)c * (size_t)stride + (size_t)r];
            wall[r] = one->wall_s;
            speedup[r] = m[r].wall_s / one->wall_s;
            ship[r] = one->ship_s;
            busy[r] = one->cpu_s / one->wall_s;
            switches += one->gil.switches;
        }
        struct cl_spread x = cl_spread_of(speedup, (size_t)rounds);
        char range[32];
        snprintf(range, sizeof range, "(%.2f-%.2fx)", x.lo, x.hi);
        printf("%-12s %7ld %5zu %7.3f %7.2fx   %-18s %7.3f %9.2f %13ld\n",
               configs[c].executor, configs[c].workers, configs[c].batch,
               cl_spread_of(wall, (size_t)rounds).median, x.median, range,
               cl_spread_of(ship, (size_t)rounds).median,
               cl_spread_of(busy, (size_t)rounds).median, switches / rounds);
    }
    free(wall);
    free(speedup);
    free(ship);
    free(busy);
}
