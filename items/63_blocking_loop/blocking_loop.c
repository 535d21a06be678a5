/*
 * 63_blocking_loop - Item 63: do not block the event loop.
 *
 * Python:  an asyncio loop runs one callback at a time; a coroutine that calls
 *          time.sleep() or a blocking write stalls every other task. Debug
 *          mode names each callback that took longer than 0.1 s; the fix gives
 *          the blocking calls a thread with its own loop.
 * C:       a libevent event_base is the loop; a timer callback is a "task"
 *          (libevent callbacks with a small state struct play the coroutines:
 *          no coroutine library is needed here). A heartbeat timer fires every
 *          10 ms and records how late it was [p1]. One slow task blocks in the
 *          loop's own thread [p2] (nanosleep, or write + fsync), or hands the
 *          same work to a writer thread that runs its own event_base [p3] and
 *          reports back with event_active [p4]. --debug wraps every callback
 *          in timed_callback [p5], which names the ones slower than --slow-ms.
 *
 * The claims: one blocking call stalls every other task (the heartbeat's
 * worst lag reaches the block time); moved to a thread, the heartbeat keeps
 * its beat; and the debug mode finds the culprit, and only it.
 *
 * Run:  build/bin/63_blocking_loop                    the whole story
 *       build/bin/63_blocking_loop --variant blocking --debug
 *       build/bin/63_blocking_loop --work fsync --block-ms 200
 *       build/bin/63_blocking_loop --csv --rounds 5    rows for the harness
 *
 * Prints (a shared 2-core VM, unpinned, --debug --work sleep):
 *   a heartbeat every 10 ms on the loop; at 50 ms one task blocks for 500 ms
 *     debug: callback slow_task (blocking) on the main loop took 0.500 s (slow: over 0.100 s)
 *   sleep  blocking   ticks  10  lag p50   0.04 ms  p99 499.56 ms  max 499.56 ms  (work 500.1 ms)
 *          debug mode: 1 slow callback(s) on the main loop, 0 on the writer's
 *     debug: callback the writer's job on the writer thread's loop took 0.500 s (slow: over 0.100 s)
 *   sleep  offloaded  ticks  59  lag p50   0.04 ms  p99   7.20 ms  max   7.20 ms  (work 500.1 ms)
 *          debug mode: 0 slow callback(s) on the main loop, 1 on the writer's
 */
#include "clab.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

struct settings {
    const char *variant, *work;
    long block_ms, heartbeat_ms, slow_ms, rounds;
    bool debug, csv;
};

/* ---- [p5] The debug mode: every callback goes through this shim ------------
 * asyncio's debug mode times each callback the loop runs and logs those over
 * loop.slow_callback_duration. libevent has no such hook, so each event is
 * registered with timed_callback as its function and one of these as its
 * argument: the shim notes the time, runs the real callback, and reports. */
struct timed_cb {
    const char *name;              /* what the report calls it */
    const char *loop_name;         /* which loop ran it */
    event_callback_fn fn;          /* the real callback */
    void *arg;                     /* and its argument */
    const struct settings *s;
    atomic_int *slow_reports;      /* counter of this loop's slow callbacks */
};

static void timed_callback(evutil_socket_t fd, short what, void *arg)
{
    struct timed_cb *tc = arg;
    if (!tc->s->debug) {
        tc->fn(fd, what, tc->arg);
        return;
    }
    double start = cl_now();
    tc->fn(fd, what, tc->arg);
    double took = cl_now() - start;
    if (took * 1000 > tc->s->slow_ms) {
        atomic_fetch_add(tc->slow_reports, 1);
        if (!tc->s->csv)
            printf("  debug: callback %s on the %s took %.3f s (slow: over %.3f s)\n",
                   tc->name, tc->loop_name, took, tc->s->slow_ms / 1000.0);
    }
}

/* An event whose callback runs through the shim. */
static struct event *timed_event(struct event_base *base, short what, struct timed_cb *tc)
{
    struct event *ev = event_new(base, -1, what, timed_callback, tc);
    if (!ev)
        cl_fail(__FILE__, __LINE__, "event_new", errno ? errno : ENOMEM);
    return ev;
}

/* ---- The blocking work ----------------------------------------------------- */

/* [p2] What the slow task does: sleep, or write and fsync a line over and
 * over, until block_ms have passed. Either way the calling thread is stuck. */
static long do_blocking_work(const char *work, int fd, long block_ms)
{
    double until = cl_now() + block_ms / 1000.0;
    if (strcmp(work, "sleep") == 0) {
        /* In slices, only so that Ctrl-C is seen within 50 ms. */
        for (double left; (left = until - cl_now()) > 0 && !cl_interrupted();)
            cl_sleep(fmin(left, 0.05));
        return 0;
    }
    long syncs = 0;
    static const char line[] = "a line that must reach the disk\n";
    do {
        if (write(fd, line, sizeof line - 1) != (ssize_t)(sizeof line - 1))
            cl_fail(__FILE__, __LINE__, "write(fd, line)", errno);
        CL_CHECK_SYS(fsync(fd));
        syncs++;
    } while (cl_now() < until && !cl_interrupted());
    return syncs;
}

/* ---- [p3] The fix: a writer thread with its own loop ----------------------- */

struct writer {
    pthread_t thread;
    struct event_base *base;       /* the writer's own loop */
    struct event *job_ev;          /* activated by the main loop: "do the work" */
    struct event *stop_ev;         /* activated by the main loop: "exit" */
    struct event *done_ev;         /* in the MAIN loop: activated when work is done */
    struct timed_cb job_cb, stop_cb;
    atomic_int slow_reports;
    const char *work;
    int fd;
    long block_ms;
    atomic_long syncs;
};

static void writer_job(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct writer *w = arg;
    atomic_store(&w->syncs, do_blocking_work(w->work, w->fd, w->block_ms));
    event_active(w->done_ev, EV_TIMEOUT, 0); /* [p4] back to the main loop */
}

static void writer_stop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct writer *w = arg;
    CL_CHECK_SYS(event_base_loopbreak(w->base));
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    /* Nothing is ever added to this loop: its events are fired only by
     * event_active from the main thread, so it must not exit when empty. An
     * activation made before the loop starts waits for it. */
    CL_CHECK_SYS(event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY));
    return NULL;
}

/* The book starts its writer thread off the loop too. Here the thread is
 * created before the main loop runs, and everything the writer needs is made
 * beforehand: the main loop never waits for it to start. */
static void writer_start(struct writer *w, const struct settings *s, int fd,
                         struct event *done_ev)
{
    w->base = event_base_new();
    if (!w->base)
        cl_fail(__FILE__, __LINE__, "event_base_new", errno ? errno : ENOMEM);
    w->work = s->work;
    w->fd = fd;
    w->block_ms = s->block_ms;
    w->done_ev = done_ev;
    atomic_init(&w->slow_reports, 0);
    atomic_init(&w->syncs, 0);
    w->job_cb = (struct timed_cb){"the writer's job", "writer thread's loop", writer_job, w, s,
                                  &w->slow_reports};
    w->stop_cb = (struct timed_cb){"the writer's stop", "writer thread's loop", writer_stop, w,
                                   s, &w->slow_reports};
    w->job_ev = timed_event(w->base, 0, &w->job_cb);
    w->stop_ev = timed_event(w->base, 0, &w->stop_cb);
    CL_CHECK_RC(pthread_create(&w->thread, NULL, writer_main, w));
}

static void writer_join(struct writer *w)
{
    event_active(w->stop_ev, EV_TIMEOUT, 0);
    CL_CHECK_RC(pthread_join(w->thread, NULL));
    event_free(w->job_ev);
    event_free(w->stop_ev);
    event_base_free(w->base);
}

/* ---- [p1] One run: a heartbeat, and one slow task -------------------------- */

#define MAX_TICKS 100000
#define SLOW_TASK_AT_MS 50   /* the slow task starts this long into the run */
#define TAIL_MS 60           /* the heartbeat goes on this long after it ends */

struct run {
    const struct settings *s;
    bool offloaded;
    struct event_base *base;
    struct event *heartbeat_ev, *slow_ev, *done_ev, *end_ev;
    struct timed_cb heartbeat_cb, slow_cb, done_cb, end_cb;
    atomic_int slow_reports;       /* the main loop's slow callbacks */
    struct writer writer;
    int fd;
    double due;                    /* when the next heartbeat should fire */
    double lags[MAX_TICKS];
    int ticks;
    double work_start, work_end;
    long syncs;
};

static struct timeval timeval_of_ms(double ms)
{
    return (struct timeval){(time_t)(ms / 1000), (suseconds_t)(fmod(ms, 1000) * 1000)};
}

/* A loop whose timers use timerfd: without it epoll rounds every wait up
 * to whole milliseconds, and that rounding would be most of the lag. */
static struct event_base *precise_loop(void)
{
    struct event_config *cfg = event_config_new();
    if (!cfg)
        cl_fail(__FILE__, __LINE__, "event_config_new", errno ? errno : ENOMEM);
    CL_CHECK_SYS(event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER));
    struct event_base *base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (!base)
        cl_fail(__FILE__, __LINE__, "event_base_new_with_config", errno ? errno : ENOMEM);
    return base;
}

static void heartbeat(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct run *r = arg;
    /* libevent caches the time once per loop turn; after a stall that cache
     * is stale, and timers added from it would be due in the past. */
    CL_CHECK_SYS(event_base_update_cache_time(r->base));
    double now = cl_now();
    if (r->ticks < MAX_TICKS)
        r->lags[r->ticks++] = now - r->due;   /* how late this beat came */
    r->due = now + r->s->heartbeat_ms / 1000.0;
    struct timeval tv = timeval_of_ms(r->s->heartbeat_ms);
    CL_CHECK_SYS(evtimer_add(r->heartbeat_ev, &tv));
    if (cl_interrupted())
        CL_CHECK_SYS(event_base_loopbreak(r->base));
}

static void end_run(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct run *r = arg;
    CL_CHECK_SYS(event_base_loopbreak(r->base));
}

/* The slow task is over (in the loop, or reported back by the writer):
 * let the heartbeat run a little longer, then end the run. */
static void slow_task_done(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct run *r = arg;
    r->work_end = cl_now();
    if (r->offloaded)
        r->syncs = atomic_load(&r->writer.syncs);
    CL_CHECK_SYS(event_base_update_cache_time(r->base));
    struct timeval tv = timeval_of_ms(TAIL_MS);
    CL_CHECK_SYS(evtimer_add(r->end_ev, &tv));
}

static void slow_task(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct run *r = arg;
    r->work_start = cl_now();
    if (r->offloaded) {
        event_active(r->writer.job_ev, EV_TIMEOUT, 0);  /* [p3] hand it over */
        return;
    }
    r->syncs = do_blocking_work(r->s->work, r->fd, r->s->block_ms);  /* [p2] */
    slow_task_done(-1, 0, r);
}

struct result {
    double p50_ms, p99_ms, max_ms, work_ms;
    int ticks, slow_main, slow_writer;
    long syncs;
};

static struct result run_once(const struct settings *s, bool offloaded, const char *dir)
{
    struct run *r = calloc(1, sizeof *r);
    if (!r)
        cl_fail(__FILE__, __LINE__, "calloc", ENOMEM);
    r->s = s;
    r->offloaded = offloaded;
    atomic_init(&r->slow_reports, 0);
    r->base = precise_loop();
    char path[4200];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    CL_CHECK_SYS(r->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));

    const char *loop = "main loop";
    r->heartbeat_cb = (struct timed_cb){"heartbeat", loop, heartbeat, r, s, &r->slow_reports};
    r->slow_cb = (struct timed_cb){offloaded ? "slow_task (offloaded)" : "slow_task (blocking)",
                                   loop, slow_task, r, s, &r->slow_reports};
    r->done_cb = (struct timed_cb){"slow_task_done", loop, slow_task_done, r, s,
                                   &r->slow_reports};
    r->end_cb = (struct timed_cb){"end_run", loop, end_run, r, s, &r->slow_reports};
    r->heartbeat_ev = timed_event(r->base, 0, &r->heartbeat_cb);
    r->slow_ev = timed_event(r->base, 0, &r->slow_cb);
    r->done_ev = timed_event(r->base, 0, &r->done_cb);
    r->end_ev = timed_event(r->base, 0, &r->end_cb);
    if (offloaded)
        writer_start(&r->writer, s, r->fd, r->done_ev);

    r->due = cl_now() + s->heartbeat_ms / 1000.0;
    struct timeval beat = timeval_of_ms(s->heartbeat_ms), at = timeval_of_ms(SLOW_TASK_AT_MS);
    CL_CHECK_SYS(evtimer_add(r->heartbeat_ev, &beat));
    CL_CHECK_SYS(evtimer_add(r->slow_ev, &at));
    CL_CHECK_SYS(event_base_dispatch(r->base));

    if (offloaded)
        writer_join(&r->writer);   /* after an interrupt it may still be mid-job */
    struct result res = {
        .ticks = r->ticks,
        .work_ms = 1000 * (r->work_end - r->work_start),
        .slow_main = atomic_load(&r->slow_reports),
        .slow_writer = offloaded ? atomic_load(&r->writer.slow_reports) : 0,
        .syncs = r->syncs,
    };
    if (r->ticks > 0) {
        for (int i = 0; i < r->ticks; i++)
            r->lags[i] = fmax(r->lags[i], 0) * 1000;
        res.p50_ms = cl_percentile(r->lags, (size_t)r->ticks, 50);
        res.p99_ms = cl_percentile(r->lags, (size_t)r->ticks, 99);
        res.max_ms = cl_percentile(r->lags, (size_t)r->ticks, 100);
    }
    event_free(r->heartbeat_ev);
    event_free(r->slow_ev);
    event_free(r->done_ev);
    event_free(r->end_ev);
    event_base_free(r->base);
    CL_CHECK_SYS(close(r->fd));
    CL_CHECK_SYS(unlink(path));
    free(r);
    return res;
}

/* ---- Plumbing: rounds, the story, CSV -------------------------------------- */

#define CSV_COLUMNS                                                                        \
    "variant,work,round,block_ms,heartbeat_ms,debug,slow_ms,ticks,lag_p50_ms,lag_p99_ms,"  \
    "lag_max_ms,work_ms,syncs,slow_main,slow_writer,pinned"

static void report(const struct settings *s, const char *variant, const char *work, long round,
                   const struct result *res, bool pinned)
{
    if (s->csv) {
        cl_csv_row("%s,%s,%ld,%ld,%ld,%d,%ld,%d,%.4f,%.4f,%.4f,%.2f,%ld,%d,%d,%d", variant, work,
                   round, s->block_ms, s->heartbeat_ms, s->debug, s->slow_ms, res->ticks,
                   res->p50_ms, res->p99_ms, res->max_ms, res->work_ms, res->syncs,
                   res->slow_main, res->slow_writer, pinned);
        return;
    }
    printf("%-6s %-10s ticks %3d  lag p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (work %.1f ms",
           work, variant, res->ticks, res->p50_ms, res->p99_ms, res->max_ms, res->work_ms);
    if (strcmp(work, "fsync") == 0)
        printf(", %ld fsyncs", res->syncs);
    printf(")\n");
    if (s->debug)
        printf("       debug mode: %d slow callback(s) on the main loop, %d on the writer's\n",
               res->slow_main, res->slow_writer);
}

static bool wanted(const char *choice, const char *name)
{
    return strcmp(choice, "all") == 0 || strcmp(choice, name) == 0;
}

#define MAX_PLANNED_S 60 /* a run planned to take longer is refused */
#define STR_(x) #x
#define STR(x) STR_(x)

/* A heartbeat slower than the block may never fall due during it, and the
 * run would show no stall at all (or no beat); and the ranges alone allow a
 * run of half an hour (100 rounds x 4 runs of 5 s). Both are refused. */
static void refuse_pointless_or_long(const struct settings *s)
{
    if (s->heartbeat_ms > s->block_ms)
        cl_usage_error("--heartbeat-ms %ld is longer than --block-ms %ld: no beat need fall due "
                       "during the block", s->heartbeat_ms, s->block_ms);
    int runs = (strcmp(s->work, "all") == 0 ? 2 : 1) * (strcmp(s->variant, "all") == 0 ? 2 : 1);
    double seconds = (double)s->rounds * runs * (SLOW_TASK_AT_MS + s->block_ms + TAIL_MS) / 1000.0;
    if (seconds > MAX_PLANNED_S)
        cl_usage_error("this run would take %.0f s (%ld rounds x %d runs x %ld ms); at most %d: "
                       "fewer --rounds or a shorter --block-ms", seconds, s->rounds, runs,
                       SLOW_TASK_AT_MS + s->block_ms + TAIL_MS, MAX_PLANNED_S);
}

int main(int argc, char **argv)
{
    struct settings s = {.variant = "all", .work = "all", .block_ms = 500,
                         .heartbeat_ms = 10, .slow_ms = 100, .rounds = 1};
    struct cl_opt opts[] = {
        {"variant", CL_OPT_CHOICE, &s.variant, "where the slow task's work runs",
         .choices = "all|blocking|offloaded"},
        {"work", CL_OPT_CHOICE, &s.work, "what the slow task does", .choices = "all|sleep|fsync"},
        {"block-ms", CL_OPT_INT, &s.block_ms, "how long the slow task blocks (ms)", 1, 5000},
        {"heartbeat-ms", CL_OPT_INT, &s.heartbeat_ms, "heartbeat period (ms)", 1, 1000},
        {"debug", CL_OPT_FLAG, &s.debug, "time every callback, name the slow ones"},
        {"slow-ms", CL_OPT_INT, &s.slow_ms, "--debug reports callbacks slower than this (ms)",
         1, 60000},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds of blocking, offloaded (interleaved)", 1, 100},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "63_blocking_loop",
        .summary = "a heartbeat on a libevent loop, stalled by one blocking callback, "
                   "and kept by moving the work to a writer thread",
        .epilogue =
            "Examples:\n"
            "  63_blocking_loop                            the whole story\n"
            "  63_blocking_loop --variant blocking --debug   name the slow callback\n"
            "  63_blocking_loop --work fsync --block-ms 200\n"
            "CSV columns: " CSV_COLUMNS "\n"
            "  lag: how late each heartbeat fired against its due time (ms);\n"
            "  work_ms: how long the slow task's work took; syncs: fsync calls made;\n"
            "  slow_main, slow_writer: --debug's reports on the main loop and the\n"
            "  writer thread's loop (0 without --debug).\n"
            "--heartbeat-ms may not exceed --block-ms; a run planned to take over " STR(MAX_PLANNED_S) " s\n"
            "(rounds x runs x (" STR(SLOW_TASK_AT_MS) " + block + " STR(TAIL_MS) " ms)) is refused (exit 2).\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    refuse_pointless_or_long(&s);
    cl_catch_stop_signals();
    int fds_at_start = cl_open_fds();
    /* event_active from the writer thread needs libevent's locks. */
    CL_CHECK_SYS(evthread_use_pthreads());

    /* The file the fsync work writes lives in a fresh folder, removed at exit. */
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/conclab63-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        cl_fail(__FILE__, __LINE__, "mkdtemp(dir)", errno);
    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    else
        printf("a heartbeat every %ld ms on the loop; at %d ms one task blocks for %ld ms\n",
               s.heartbeat_ms, SLOW_TASK_AT_MS, s.block_ms);
    const char *works[] = {"sleep", "fsync"}, *variants[] = {"blocking", "offloaded"};
    for (long round = 1; round <= s.rounds && !cl_interrupted(); round++)
        for (int w = 0; w < 2 && !cl_interrupted(); w++)
            for (int v = 0; v < 2 && !cl_interrupted(); v++) {
                if (!wanted(s.work, works[w]) || !wanted(s.variant, variants[v]))
                    continue;
                struct settings one = s;
                one.work = works[w];
                struct result res = run_once(&one, v == 1, dir);
                if (!cl_interrupted())
                    report(&s, variants[v], works[w], round, &res, prog.pin);
            }
    CL_CHECK_SYS(rmdir(dir));
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; threads joined, loop freed, temp files removed\n",
                cl_program_name());
        return 130;
    }
    cl_check_leftovers(fds_at_start, true);   /* "!!!" if a descriptor leaked */
    if (!s.csv && !s.debug)
        printf("(add --debug to have every callback timed and the slow ones named)\n");
    return 0;
}
