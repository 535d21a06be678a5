/*
 * 62_mixing - Item 62: mix threads and coroutines to ease the move to asyncio.
 *
 * Python:  a program built on threads moves to asyncio a step at a time. Top
 *          down: the loop calls the old blocking code through run_in_executor,
 *          old threads hand results to the loop with run_coroutine_threadsafe,
 *          until the loop does everything natively. Bottom up: threaded code
 *          calls a synchronous function that runs an event loop of its own.
 * C:       the loop is a libevent event_base; a timer callback with a small
 *          state struct (struct tailer) plays each coroutine: no coroutine
 *          library is needed here (item 60 builds stackless coroutines).
 *          Five writer threads append lines to five log files; the program
 *          tails them all into one merged file, in five --step versions:
 *            threads     a thread per file, a lock on the merged output [p1]
 *            executor    the loop asks worker threads to do each blocking read
 *                        and gets the result back with event_active [p2]
 *            threadsafe  a thread per file pushes each line into the loop's
 *                        inbox and wakes it with event_active [p3]
 *            native      the loop's own timers poll the files: no threads [p4]
 *            bottomup    a thread per file calls tail_file_sync(), which runs
 *                        its own event_base until its file is done [p5]
 *
 * The claim: both directions of the bridge work without races or lost lines.
 * Every run reads the merged file back and checks it (merge_check.c): every
 * line of every file exactly once, each file's lines in their own order;
 * else "!!!".
 *
 * Run:  build/bin/62_mixing                          every step, once
 *       build/bin/62_mixing --step executor --workers 2
 *       build/bin/62_mixing --csv --rounds 5          rows for the harness
 *
 * Prints (a shared 2-core VM, unpinned; columns cut):
 *   step        who reads                          lines  lost   dbl  order!  p50_us   p99_us
 *   threads     a thread per file                     50     0     0       0     2.0     96.7
 *   executor    worker threads, asked by the loop     50     0     0       0    47.0    423.4
 *   threadsafe  a thread per file                     50     0     0       0    25.4   2428.4
 *   native      the loop's timers                     50     0     0       0     0.8      7.2
 *   bottomup    a thread per file, its own loop       50     0     0       0     1.3     10.0
 *   verdict: both directions of the bridge work without races or lost lines (5 runs checked; ...)
 */
#include "62_mixing/merge_check.h"
#include "clab.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct settings {
    long files, lines, interval_ms, poll_ms, tail_ms, workers, rounds;
    const char *step;
    bool csv;
};

/* ---- The world outside: log files growing while we read them ------------- */

#define PATH_CAP 4200
#define LINE_CAP 64

struct logfile {
    int index;
    char path[PATH_CAP];
    int write_fd;
    pthread_t writer;
    long lines, interval_ms;
    uint64_t seed;
    atomic_bool written;   /* the writer has written its last line */
};

/* Sleeps in slices of at most 50 ms, so that Ctrl-C is seen in time. */
static void nap(double seconds)
{
    double until = cl_now() + seconds;
    for (double left; (left = until - cl_now()) > 0 && !cl_interrupted();)
        cl_sleep(fmin(left, 0.05));
}

static void *writer_main(void *arg)
{
    struct logfile *f = arg;
    for (long k = 0; k < f->lines && !cl_interrupted(); k++) {
        f->seed = f->seed * 6364136223846793005u + 1442695040888963407u;  /* an LCG */
        nap((double)(f->seed >> 33) / (double)(1ull << 31) * f->interval_ms / 1000.0);
        char line[LINE_CAP];
        int len = snprintf(line, sizeof line, "file %d line %ld\n", f->index, k);
        /* one write() per line, so a reader sees a line whole or not at all
         * (it copes with half lines anyway) */
        if (write(f->write_fd, line, (size_t)len) != len)
            cl_fail(__FILE__, __LINE__, "write(log file)", errno);
    }
    atomic_store_explicit(&f->written, true, memory_order_release);
    return NULL;
}

/* ---- Reading a growing file, a line at a time ----------------------------- */

struct line {
    int file;
    long k;
    double read_at;        /* when a reader had it: the hand-off starts here */
};

struct tail {
    int fd;
    char buf[4096];        /* bytes read but not yet a whole line */
    size_t len;
};

/* Up to `max` whole lines that are in the file now; never waits for more. */
static int tail_read(struct tail *t, struct line *out, int max)
{
    int n = 0;
    for (;;) {
        char *nl;
        while (n < max && (nl = memchr(t->buf, '\n', t->len))) {
            *nl = '\0';
            if (sscanf(t->buf, "file %d line %ld", &out[n].file, &out[n].k) != 2)
                cl_die("a log file holds a line no writer wrote: '%s'", t->buf);
            out[n++].read_at = cl_now();
            size_t used = (size_t)(nl + 1 - t->buf);
            memmove(t->buf, nl + 1, t->len - used);
            t->len -= used;
        }
        if (n == max)
            return n;
        if (t->len == sizeof t->buf)   /* no newline in 4 KiB: no writer wrote that */
            cl_die("a log file holds a line longer than %zu bytes", sizeof t->buf);
        ssize_t got = read(t->fd, t->buf + t->len, sizeof t->buf - t->len);
        if (got < 0)
            cl_fail(__FILE__, __LINE__, "read(log file)", errno);
        if (got == 0)
            return n;
        t->len += (size_t)got;
    }
}

/* ---- The merged output ---------------------------------------------------- */

struct merged {
    FILE *out;
    pthread_mutex_t lock;  /* taken only where several threads append */
    double *handoff_s;     /* per line: from read_at to being in the output */
    long n, cap;
};

static void merged_append(struct merged *m, const struct line *l)
{
    if (m->n == m->cap)
        cl_die("more lines merged than were written (%ld)", m->cap);
    if (fprintf(m->out, "file %d line %ld\n", l->file, l->k) < 0)
        cl_fail(__FILE__, __LINE__, "fprintf(merged)", errno);
    m->handoff_s[m->n++] = cl_now() - l->read_at;
}

static void merged_append_locked(struct merged *m, const struct line *l)
{
    CL_CHECK_RC(pthread_mutex_lock(&m->lock));
    merged_append(m, l);
    CL_CHECK_RC(pthread_mutex_unlock(&m->lock));
}

/* A file's reader is done once its writer has finished, a read after that
 * found nothing, and the readers' time (--tail-ms, the book's 1 s) is up. */
struct reader_clock {
    double started, tail_s;
};

static bool reader_done(const struct reader_clock *c, bool written_before_read, int got)
{
    return got == 0 && written_before_read && cl_now() - c->started >= c->tail_s;
}

/* Everything one run of one step shares. */
struct world {
    const struct settings *s;
    struct logfile *files;
    struct tail *tails;
    struct merged merged;
    struct reader_clock clock;
    char dir[PATH_CAP - 64], merged_path[PATH_CAP];  /* a fresh folder per run */
};

static bool written(const struct world *w, int f)
{
    return atomic_load_explicit(&w->files[f].written, memory_order_acquire);
}

/* ---- [p1] Step 0: threads only --------------------------------------------- */

struct reader_arg {
    struct world *w;
    int file;
    void (*deliver)(void *to, const struct line *l);
    void *to;
};

/* A reader thread per file (threads, threadsafe, bottomup), each running fn
 * on its own file and handing its lines to deliver(to, line). */
struct readers {
    pthread_t *threads;
    struct reader_arg *args;
    int n;
};

static struct readers start_readers(struct world *w, void *(*fn)(void *),
                                    void (*deliver)(void *to, const struct line *l), void *to)
{
    struct readers r = {calloc((size_t)w->s->files, sizeof *r.threads),
                        calloc((size_t)w->s->files, sizeof *r.args), (int)w->s->files};
    if (!r.threads || !r.args)
        cl_fail(__FILE__, __LINE__, "calloc", ENOMEM);
    for (int f = 0; f < r.n; f++) {
        r.args[f] = (struct reader_arg){w, f, deliver, to};
        CL_CHECK_RC(pthread_create(&r.threads[f], NULL, fn, &r.args[f]));
    }
    return r;
}

static void join_readers(struct readers *r)
{
    for (int f = 0; f < r->n; f++)
        CL_CHECK_RC(pthread_join(r->threads[f], NULL));
    free(r->threads);
    free(r->args);
}

/* The threaded tail: read, deliver each line, sleep a poll interval. */
static void *tail_thread(void *arg)
{
    struct reader_arg *a = arg;
    struct line lines[64];
    while (!cl_interrupted()) {
        bool done_before = written(a->w, a->file);   /* look before reading */
        int got = tail_read(&a->w->tails[a->file], lines, 64);
        for (int i = 0; i < got; i++)
            a->deliver(a->to, &lines[i]);
        if (reader_done(&a->w->clock, done_before, got))
            break;
        if (got == 0)
            nap(a->w->s->poll_ms / 1000.0);
    }
    return NULL;
}

static void deliver_locked(void *to, const struct line *l)
{
    merged_append_locked(to, l);
}

static void run_threads(struct world *w)
{
    struct readers r = start_readers(w, tail_thread, deliver_locked, &w->merged);
    join_readers(&r);
}

/* ---- The loop's common parts ------------------------------------------------ */

static struct timeval timeval_of_ms(double ms)
{
    return (struct timeval){(time_t)(ms / 1000), (suseconds_t)(fmod(ms, 1000) * 1000)};
}

static struct event *new_event(struct event_base *base, event_callback_fn fn, void *arg)
{
    struct event *ev = event_new(base, -1, 0, fn, arg);
    if (!ev)
        cl_fail(__FILE__, __LINE__, "event_new", errno ? errno : ENOMEM);
    return ev;
}

static void add_timer(struct event *ev, double ms)
{
    struct timeval tv = timeval_of_ms(ms);
    CL_CHECK_SYS(evtimer_add(ev, &tv));
}

/* Ctrl-C: a timer on every loop looks at the flag every 50 ms. */
static void watch_ctrl_c(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct event_base *base = arg;
    if (cl_interrupted())
        CL_CHECK_SYS(event_base_loopbreak(base));
}

static struct event *ctrl_c_watch(struct event_base *base)
{
    struct event *ev = event_new(base, -1, EV_PERSIST, watch_ctrl_c, base);
    if (!ev)
        cl_fail(__FILE__, __LINE__, "event_new", errno ? errno : ENOMEM);
    add_timer(ev, 50);
    return ev;
}

static struct event_base *new_loop(void)
{
    struct event_base *base = event_base_new();
    if (!base)
        cl_fail(__FILE__, __LINE__, "event_base_new", errno ? errno : ENOMEM);
    return base;
}

/* ---- [p2] Step 1: the loop runs each blocking read on a worker thread -----
 * The run_in_executor role. The loop decides when to read; a worker does
 * the read (the blocking call) and hands the result back: it puts the job on
 * the done list under a lock and wakes the loop with event_active, which
 * libevent allows from any thread once evthread_use_pthreads() was called.
 * Each file has one job, so its reads never overlap and its order holds. */

struct executor;

struct job {
    struct executor *x;
    int file;
    struct line lines[64];
    int got;
    bool written_before_read;
    struct job *next;
    struct event *poll_ev;  /* the loop's timer: read this file again */
};

struct executor {
    struct world *w;
    struct event_base *base;
    struct event *done_ev;          /* activated by the workers */
    pthread_mutex_t lock;
    pthread_cond_t has_work;
    struct job *queue, *queue_tail; /* jobs for the workers */
    struct job *done;               /* jobs for the loop */
    bool closing;
    int files_left;                 /* touched by the loop thread only */
};

static void submit(struct executor *x, struct job *j)
{
    CL_CHECK_RC(pthread_mutex_lock(&x->lock));
    j->next = NULL;
    if (x->queue_tail)
        x->queue_tail->next = j;
    else
        x->queue = j;
    x->queue_tail = j;
    CL_CHECK_RC(pthread_cond_signal(&x->has_work));
    CL_CHECK_RC(pthread_mutex_unlock(&x->lock));
}

static void *worker_main(void *arg)
{
    struct executor *x = arg;
    CL_CHECK_RC(pthread_mutex_lock(&x->lock));
    for (;;) {
        while (!x->queue && !x->closing) {
            /* a bounded wait, so that a stuck shutdown is still seen */
            struct timespec until;
            CL_CHECK_SYS(clock_gettime(CLOCK_REALTIME, &until));
            until.tv_nsec += 50 * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            int rc = pthread_cond_timedwait(&x->has_work, &x->lock, &until);
            if (rc != 0 && rc != ETIMEDOUT)
                cl_fail(__FILE__, __LINE__, "pthread_cond_timedwait", rc);
        }
        if (x->closing)
            break;
        struct job *j = x->queue;
        x->queue = j->next;
        if (!x->queue)
            x->queue_tail = NULL;
        CL_CHECK_RC(pthread_mutex_unlock(&x->lock));

        j->written_before_read = written(x->w, j->file);   /* the blocking work */
        j->got = tail_read(&x->w->tails[j->file], j->lines, 64);

        CL_CHECK_RC(pthread_mutex_lock(&x->lock));
        j->next = x->done;     /* handed back: the loop appends, in order */
        x->done = j;
        event_active(x->done_ev, EV_TIMEOUT, 0);
    }
    CL_CHECK_RC(pthread_mutex_unlock(&x->lock));
    return NULL;
}

/* In the loop: the reads that came back. */
static void reads_done(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct executor *x = arg;
    CL_CHECK_RC(pthread_mutex_lock(&x->lock));
    struct job *done = x->done;
    x->done = NULL;
    CL_CHECK_RC(pthread_mutex_unlock(&x->lock));
    for (struct job *j = done, *next; j; j = next) {
        next = j->next;   /* one job per file: their order here does not matter */
        for (int i = 0; i < j->got; i++)
            merged_append(&x->w->merged, &j->lines[i]);
        if (reader_done(&x->w->clock, j->written_before_read, j->got)) {
            if (--x->files_left == 0)
                CL_CHECK_SYS(event_base_loopbreak(x->base));
        } else if (j->got > 0) {
            submit(x, j);                      /* more may be there: read again */
        } else {
            add_timer(j->poll_ev, x->w->s->poll_ms);  /* like await asyncio.sleep */
        }
    }
}

static void poll_again(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct job *j = arg;
    submit(j->x, j);
}

static void run_executor(struct world *w)
{
    long n = w->s->files, nworkers = w->s->workers;
    struct executor x = {.w = w, .base = new_loop(), .files_left = (int)n};
    CL_CHECK_RC(pthread_mutex_init(&x.lock, NULL));
    CL_CHECK_RC(pthread_cond_init(&x.has_work, NULL));
    x.done_ev = new_event(x.base, reads_done, &x);
    struct event *watch = ctrl_c_watch(x.base);
    struct job *jobs = calloc((size_t)n, sizeof *jobs);
    pthread_t *workers = calloc((size_t)nworkers, sizeof *workers);
    if (!jobs || !workers)
        cl_fail(__FILE__, __LINE__, "calloc", ENOMEM);
    for (long i = 0; i < nworkers; i++)
        CL_CHECK_RC(pthread_create(&workers[i], NULL, worker_main, &x));
    for (int f = 0; f < n; f++) {
        jobs[f].x = &x;
        jobs[f].file = f;
        jobs[f].poll_ev = new_event(x.base, poll_again, &jobs[f]);
        submit(&x, &jobs[f]);
    }
    CL_CHECK_SYS(event_base_dispatch(x.base));

    CL_CHECK_RC(pthread_mutex_lock(&x.lock));
    x.closing = true;
    CL_CHECK_RC(pthread_cond_broadcast(&x.has_work));
    CL_CHECK_RC(pthread_mutex_unlock(&x.lock));
    for (long i = 0; i < nworkers; i++)
        CL_CHECK_RC(pthread_join(workers[i], NULL));
    for (int f = 0; f < n; f++)
        event_free(jobs[f].poll_ev);
    event_free(watch);
    event_free(x.done_ev);
    event_base_free(x.base);
    CL_CHECK_RC(pthread_cond_destroy(&x.has_work));
    CL_CHECK_RC(pthread_mutex_destroy(&x.lock));
    free(jobs);
    free(workers);
}

/* ---- [p3] Step 2: threads push lines into the loop ------------------------
 * The run_coroutine_threadsafe role. The old reader threads stay; instead of
 * writing under a lock they put each line in the loop's inbox and wake it
 * with event_active. Only the loop thread writes the merged output. */

struct inbox {
    struct world *w;
    struct event_base *base;
    struct event *wake_ev;
    pthread_mutex_t lock;
    struct line *items;    /* a FIFO; a line with k = -1: "this reader is done" */
    long head, tail, cap;
    int readers_left;      /* loop thread only */
};

static void deliver_to_loop(void *to, const struct line *l)
{
    struct inbox *in = to;
    CL_CHECK_RC(pthread_mutex_lock(&in->lock));
    if (in->tail == in->cap)
        cl_die("more lines handed to the loop than were written (%ld)", in->cap);
    in->items[in->tail++] = *l;
    CL_CHECK_RC(pthread_mutex_unlock(&in->lock));
    event_active(in->wake_ev, EV_TIMEOUT, 0);
}

static void *handing_thread(void *arg)
{
    struct reader_arg *a = arg;
    tail_thread(a);
    struct line done = {a->file, -1, 0};
    deliver_to_loop(a->to, &done);
    return NULL;
}

/* In the loop: take everything in the inbox. Several event_active calls
 * before the loop gets here run this once, so it always drains. */
static void inbox_wake(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct inbox *in = arg;
    for (;;) {
        CL_CHECK_RC(pthread_mutex_lock(&in->lock));
        bool empty = in->head == in->tail;
        struct line l = empty ? (struct line){0} : in->items[in->head++];
        CL_CHECK_RC(pthread_mutex_unlock(&in->lock));
        if (empty)
            return;
        if (l.k >= 0)
            merged_append(&in->w->merged, &l);
        else if (--in->readers_left == 0)
            CL_CHECK_SYS(event_base_loopbreak(in->base));
    }
}

static void run_threadsafe(struct world *w)
{
    long n = w->s->files;
    struct inbox in = {.w = w, .base = new_loop(), .readers_left = (int)n};
    in.cap = n * w->s->lines + n;
    in.items = calloc((size_t)in.cap, sizeof *in.items);
    if (!in.items)
        cl_fail(__FILE__, __LINE__, "calloc", ENOMEM);
    CL_CHECK_RC(pthread_mutex_init(&in.lock, NULL));
    in.wake_ev = new_event(in.base, inbox_wake, &in);
    struct event *watch = ctrl_c_watch(in.base);
    struct readers r = start_readers(w, handing_thread, deliver_to_loop, &in);
    CL_CHECK_SYS(event_base_dispatch(in.base));
    join_readers(&r);
    event_free(watch);
    event_free(in.wake_ev);
    event_base_free(in.base);
    CL_CHECK_RC(pthread_mutex_destroy(&in.lock));
    free(in.items);
}

/* ---- [p4] Step 3: the loop tails natively -----------------------------------
 * One "coroutine" per file: a timer callback and its state. Each turn it reads
 * what is there (a regular file never makes read() wait), appends it, and
 * sleeps a poll interval by adding its own timer again. */

struct tailer {
    struct world *w;
    int file;
    struct event *poll_ev;
    int *files_left;
    struct event_base *base;
    bool locked;           /* append under the merged lock (bottom-up: many loops) */
};

static void tailer_turn(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct tailer *t = arg;
    struct line lines[64];
    int got;
    bool done_before;
    do {
        done_before = written(t->w, t->file);
        got = tail_read(&t->w->tails[t->file], lines, 64);
        for (int i = 0; i < got; i++) {
            if (t->locked)
                merged_append_locked(&t->w->merged, &lines[i]);
            else
                merged_append(&t->w->merged, &lines[i]);
        }
    } while (got == 64);
    if (reader_done(&t->w->clock, done_before, got)) {
        if (--*t->files_left == 0)
            CL_CHECK_SYS(event_base_loopbreak(t->base));
    } else {
        add_timer(t->poll_ev, t->w->s->poll_ms);
    }
}

/* Runs the tailers of files [first, first + count) on the given loop. */
static void run_tailers(struct world *w, struct event_base *base, int first, int count,
                        bool locked)
{
    struct tailer *t = calloc((size_t)count, sizeof *t);
    if (!t)
        cl_fail(__FILE__, __LINE__, "calloc", ENOMEM);
    int files_left = count;
    struct event *watch = ctrl_c_watch(base);
    for (int i = 0; i < count; i++) {
        t[i] = (struct tailer){w, first + i, NULL, &files_left, base, locked};
        t[i].poll_ev = new_event(base, tailer_turn, &t[i]);
        add_timer(t[i].poll_ev, 0);
    }
    CL_CHECK_SYS(event_base_dispatch(base));
    for (int i = 0; i < count; i++)
        event_free(t[i].poll_ev);
    event_free(watch);
    free(t);
}

static void run_native(struct world *w)
{
    struct event_base *base = new_loop();
    run_tailers(w, base, 0, (int)w->s->files, false);
    event_base_free(base);
}

/* ---- [p5] Bottom up: a synchronous function that runs its own loop ---------
 * Threaded code calls tail_file_sync() like any blocking function; inside,
 * it makes an event_base, runs the native tailer on it until the file is
 * done, and frees it: asyncio.run() inside a thread. */

static void tail_file_sync(struct world *w, int file)
{
    struct event_base *base = new_loop();
    run_tailers(w, base, file, 1, true);
    event_base_free(base);
}

static void *bottomup_thread(void *arg)
{
    struct reader_arg *a = arg;
    tail_file_sync(a->w, a->file);
    return NULL;
}

static void run_bottomup(struct world *w)
{
    struct readers r = start_readers(w, bottomup_thread, NULL, NULL); /* they append themselves */
    join_readers(&r);
}

/* ---- One run of one step: set up, tail, check, clean up -------------------- */

struct step {
    const char *name, *reads, *merges;
    void (*run)(struct world *w);
};

static const struct step steps[] = {
    {"threads", "a thread per file", "each thread, under a lock", run_threads},
    {"executor", "worker threads, asked by the loop", "the loop thread", run_executor},
    {"threadsafe", "a thread per file", "the loop thread (inbox)", run_threadsafe},
    {"native", "the loop's timers", "the loop thread", run_native},
    {"bottomup", "a thread per file, its own loop", "each thread, under a lock", run_bottomup},
};
#define STEPS ((int)(sizeof steps / sizeof steps[0]))

struct result {
    long merged, lost, doubled, out_of_order;  /* from merge_check_file */
    double wall_s, p50_us, p99_us, max_us;
};

static void set_check(struct result *res, struct merge_check c)
{
    res->merged = c.merged;
    res->lost = c.lost;
    res->doubled = c.doubled;
    res->out_of_order = c.out_of_order;
}

/* The log files (one writer and one reader descriptor each) and the merged
 * output, in a fresh folder under $TMPDIR. */
static void open_world(struct world *w, const struct settings *s, long round)
{
    const char *tmp = getenv("TMPDIR");
    *w = (struct world){.s = s};
    snprintf(w->dir, sizeof w->dir, "%s/conclab62-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(w->dir))
        cl_fail(__FILE__, __LINE__, "mkdtemp(dir)", errno);
    snprintf(w->merged_path, sizeof w->merged_path, "%s/merged.txt", w->dir);
    w->files = calloc((size_t)s->files, sizeof *w->files);
    w->tails = calloc((size_t)s->files, sizeof *w->tails);
    w->merged.cap = s->files * s->lines;
    w->merged.handoff_s = calloc((size_t)w->merged.cap, sizeof *w->merged.handoff_s);
    if (!w->files || !w->tails || !w->merged.handoff_s)
        cl_fail(__FILE__, __LINE__, "calloc", ENOMEM);
    if (!(w->merged.out = fopen(w->merged_path, "w")))
        cl_fail(__FILE__, __LINE__, "fopen(merged)", errno);
    CL_CHECK_RC(pthread_mutex_init(&w->merged.lock, NULL));
    for (int f = 0; f < s->files; f++) {
        struct logfile *lf = &w->files[f];
        *lf = (struct logfile){.index = f, .lines = s->lines, .interval_ms = s->interval_ms,
                               .seed = (uint64_t)(round * 1000 + f + 1)};
        atomic_init(&lf->written, false);
        snprintf(lf->path, sizeof lf->path, "%s/log%d.txt", w->dir, f);
        CL_CHECK_SYS(lf->write_fd = open(lf->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                                         0600));
        CL_CHECK_SYS(w->tails[f].fd = open(lf->path, O_RDONLY | O_CLOEXEC));
    }
}

/* Every descriptor closed, every file and the folder removed. */
static void close_world(struct world *w)
{
    for (int f = 0; f < w->s->files; f++) {
        CL_CHECK_SYS(close(w->files[f].write_fd));
        CL_CHECK_SYS(close(w->tails[f].fd));
        CL_CHECK_SYS(unlink(w->files[f].path));
    }
    CL_CHECK_SYS(unlink(w->merged_path));
    CL_CHECK_SYS(rmdir(w->dir));
    CL_CHECK_RC(pthread_mutex_destroy(&w->merged.lock));
    free(w->files);
    free(w->tails);
    free(w->merged.handoff_s);
}

static struct result run_step(const struct settings *s, const struct step *st, long round)
{
    struct world w;
    open_world(&w, s, round);
    double start = cl_now();
    w.clock = (struct reader_clock){start, s->tail_ms / 1000.0};
    for (int f = 0; f < s->files; f++)
        CL_CHECK_RC(pthread_create(&w.files[f].writer, NULL, writer_main, &w.files[f]));
    st->run(&w);
    double wall = cl_now() - start;
    for (int f = 0; f < s->files; f++)
        CL_CHECK_RC(pthread_join(w.files[f].writer, NULL));
    CL_CHECK_SYS(fclose(w.merged.out));

    struct result res = {.wall_s = wall};
    if (!cl_interrupted())
        set_check(&res, merge_check_file(w.merged_path, s->files, s->lines));
    if (w.merged.n > 0) {
        for (long i = 0; i < w.merged.n; i++)
            w.merged.handoff_s[i] *= 1e6;
        res.p50_us = cl_percentile(w.merged.handoff_s, (size_t)w.merged.n, 50);
        res.p99_us = cl_percentile(w.merged.handoff_s, (size_t)w.merged.n, 99);
        res.max_us = cl_percentile(w.merged.handoff_s, (size_t)w.merged.n, 100);
    }
    close_world(&w);   /* before judging, so that even a failed check leaves nothing */
    if (!cl_interrupted() && (res.lost || res.doubled || res.out_of_order))
        cl_die("step %s: %ld lines merged of %ld: %ld lost, %ld doubled, %ld out of order",
               st->name, res.merged, s->files * s->lines, res.lost, res.doubled,
               res.out_of_order);
    return res;
}

/* ---- Plumbing: the story, CSV ------------------------------------------------ */

#define CSV_COLUMNS                                                                      \
    "step,round,pinned,files,lines_per_file,interval_ms,poll_ms,workers,lines_merged,lost," \
    "doubled,out_of_order,wall_s,lines_per_s,handoff_p50_us,handoff_p99_us,handoff_max_us"

static void report(const struct settings *s, const struct step *st, long round, bool pinned,
                   const struct result *r)
{
    double rate = r->wall_s > 0 ? r->merged / r->wall_s : 0;
    if (s->csv) {
        cl_csv_row("%s,%ld,%d,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%.4f,%.1f,%.2f,%.2f,%.2f",
                   st->name, round, pinned, s->files, s->lines, s->interval_ms, s->poll_ms,
                   s->workers, r->merged, r->lost, r->doubled, r->out_of_order, r->wall_s, rate,
                   r->p50_us, r->p99_us, r->max_us);
        return;
    }
    printf("%-10s  %-34s %-26s %5ld  %4ld  %4ld %7ld  %8.1f %8.1f  %7.1f\n", st->name, st->reads,
           st->merges, r->merged, r->lost, r->doubled, r->out_of_order, r->p50_us, r->p99_us,
           rate);
}

#define MAX_PLANNED_S 60 /* a run planned to take longer is refused */
#define STR_(x) #x
#define STR(x) STR_(x)
static void refuse_long(const struct settings *s);
static void print_story_header(const struct settings *s);

int main(int argc, char **argv)
{
    struct settings s = {.files = 5, .lines = 10, .interval_ms = 100, .poll_ms = 100,
                         .tail_ms = 1000, .workers = 5, .rounds = 1, .step = "all"};
    struct cl_opt opts[] = {
        {"step", CL_OPT_CHOICE, &s.step, "which version of the tailer",
         .choices = "all|threads|executor|threadsafe|native|bottomup"},
        {"files", CL_OPT_INT, &s.files, "log files, each with its own writer thread", 1, 64},
        {"lines", CL_OPT_INT, &s.lines, "lines each writer writes", 1, 20000},
        {"interval-ms", CL_OPT_INT, &s.interval_ms,
         "a writer waits a random time up to this before each line (ms)", 0, 1000},
        {"poll-ms", CL_OPT_INT, &s.poll_ms, "a reader that found nothing waits this long (ms)",
         1, 1000},
        {"tail-ms", CL_OPT_INT, &s.tail_ms,
         "readers stop this long after the start, once their file is finished (ms)", 0, 60000},
        {"workers", CL_OPT_INT, &s.workers, "worker threads of the executor step", 1, 64},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds of the chosen steps (interleaved)", 1, 100},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "62_mixing",
        .summary = "tail growing log files with threads, then move to a libevent loop step "
                   "by step, and call a loop from threaded code",
        .epilogue =
            "Examples:\n"
            "  62_mixing                                  every step, once\n"
            "  62_mixing --step executor --workers 2\n"
            "  62_mixing --lines 2000 --interval-ms 0 --poll-ms 1 --tail-ms 0\n"
            "CSV columns: " CSV_COLUMNS "\n"
            "  handoff: from a reader having a line to that line being in the merged\n"
            "  output (us): across threads for threads/executor/threadsafe/bottomup,\n"
            "  within one callback for native. lost, doubled, out_of_order: the\n"
            "  check of the merged file; any of them not 0 is a '!!!' error.\n"
            "A run planned to take over " STR(MAX_PLANNED_S) " s (rounds x steps x the longer of --tail-ms\n"
            "and lines x interval-ms / 2) is refused (exit 2).\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    refuse_long(&s);
    cl_catch_stop_signals();
    int fds_at_start = cl_open_fds();
    /* event_active from worker threads needs libevent's locks. */
    CL_CHECK_SYS(evthread_use_pthreads());

    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    else
        print_story_header(&s);
    long runs = 0;
    for (long round = 1; round <= s.rounds && !cl_interrupted(); round++)
        for (int i = 0; i < STEPS && !cl_interrupted(); i++) {
            if (strcmp(s.step, "all") != 0 && strcmp(s.step, steps[i].name) != 0)
                continue;
            struct result res = run_step(&s, &steps[i], round);
            if (cl_interrupted())
                break;
            report(&s, &steps[i], round, prog.pin, &res);
            runs++;
        }
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; threads joined, loops freed, temp files removed\n",
                cl_program_name());
        return 130;
    }
    cl_check_leftovers(fds_at_start, true);   /* "!!!" if a descriptor leaked */
    if (!s.csv)
        printf("\nverdict: both directions of the bridge work without races or lost lines "
               "(%ld run%s checked; p50/p99: hand-off from the reader to the merged output)\n",
               runs, runs == 1 ? "" : "s");
    return 0;
}

static void print_story_header(const struct settings *s)
{
    printf("%ld files, each written by its own thread: %ld lines at random intervals of up "
           "to %ld ms;\nreaders poll every %ld ms and stop after %ld ms once their file is "
           "done. Merged output checked.\n\n"
           "%-10s  %-34s %-26s %5s  %4s  %4s %7s  %8s %8s  %7s\n",
           s->files, s->lines, s->interval_ms, s->poll_ms, s->tail_ms, "step", "who reads",
           "who writes the output", "lines", "lost", "dbl", "order!", "p50_us", "p99_us",
           "lines/s");
}

/* The ranges alone allow runs of hours (20000 lines at up to 1 s each, 100
 * rounds): a step lasts about as long as its slowest writer (lines x half
 * the interval, on average) or --tail-ms, whichever is longer. */
static void refuse_long(const struct settings *s)
{
    double step_s = fmax((double)s->tail_ms, (double)s->lines * (double)s->interval_ms / 2) / 1000;
    int chosen = strcmp(s->step, "all") == 0 ? STEPS : 1;
    double seconds = (double)s->rounds * chosen * step_s;
    if (seconds > MAX_PLANNED_S)
        cl_usage_error("this run would take about %.0f s (%ld rounds x %d steps x %.1f s); at "
                       "most %d: fewer --rounds or --lines, or a shorter --interval-ms, --tail-ms",
                       seconds, s->rounds, chosen, step_s, MAX_PLANNED_S);
}
