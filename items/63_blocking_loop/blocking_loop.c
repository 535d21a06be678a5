/*
 * 63_blocking_loop - Item 63: do not block the event loop.
 *
 * Python:  a loop runs one callback at a time: a coroutine that calls
 *          time.sleep(0.5) or a blocking write stalls every other task.
 *          Debug mode names each callback that took 0.1 s or more. The fix
 *          gives the writes a thread with its own loop, and starts that
 *          thread off the loop too: Thread.start() blocks.
 * C:       the loop is Item 62's event_loop.c (libevent); its debug mode
 *          times every callback. A heartbeat task wakes every 10 ms and notes
 *          how late it woke [p1] (heartbeat.c). 50 ms in, a slow task makes
 *          the blocking call in the loop [p2]; or hands it to a writer thread
 *          with a loop of its own [p3] (write_thread.c) and hears back on
 *          its own loop [p4]; the writer is started through the executor [p5].
 *
 * Run:  build/bin/63_blocking_loop --debug       the story, slow callbacks named
 *       build/bin/63_blocking_loop --call fsync --block-ms 200
 * Prints (2-core VM, --debug):
 *   a heartbeat every 10 ms; 50 ms in, one task makes a 500 ms blocking call (sleep)
 *     debug: Executing slow_task on the main loop took 0.500 seconds
 *   [p2] blocking   beats  10  lag p50  0.05 ms  max  500.1 ms  (the call took 500.1 ms)
 *     debug: Executing real_write on the writer loop took 0.500 seconds
 *   [p3] offloaded  beats  60  lag p50  0.05 ms  max    0.1 ms  (the call took 500.3 ms)
 *   [p5] starting the writer thread (create it, wait until it runs), 20 times:
 *     on the loop:          held the loop  101 us (median; max  223 us): 1.0% of a beat
 *     through the executor: held the loop    9 us (median; max   44 us): 0.1% of a beat
 */
#include "59_thread_pool/executor.h"
#include "62_mixing/event_loop.h"
#include "63_blocking_loop/heartbeat.h"
#include "63_blocking_loop/loop_setting.h"
#include "63_blocking_loop/write_thread.h"
#include "clab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOW_AT_S 0.05   /* the slow task starts this long into a run */
#define TAIL_S 0.06      /* the heartbeat goes on this long after it */
#define STARTS 20        /* [p5] thread starts, each way */

/* [p2] The blocking call: sleep, or write a line and fsync it again and
 * again, until the time is up. The calling thread can do nothing else. */
static long blocking_call(const char *call, int fd, double seconds)
{
    static const char line[] = "a line that must reach the disk\n";
    double until = cl_now() + seconds;
    long syncs = 0;
    while (cl_now() < until && !cl_interrupted()) {
        if (strcmp(call, "sleep") == 0) {
            cl_sleep(fmin(until - cl_now(), 0.05));   /* sliced: Ctrl-C is seen */
        } else {
            if (write(fd, line, sizeof line - 1) != (ssize_t)(sizeof line - 1))
                cl_fail(__FILE__, __LINE__, "write(out.txt)", errno);
            CL_CHECK_SYS(fsync(fd));
            syncs++;
        }
    }
    return syncs;
}

/* ---- [p1] One run: a heartbeat, and one slow task ----------------------------- */

struct run {
    const struct loop_setting *s;
    struct loop *main;
    struct executor *pool;
    struct write_thread writer;
    struct loop_timer *slow, *end;
    double start, work_start, work_end;
    long syncs;
    int fd;
    bool offloaded;
};

static void end_run(void *arg) { loop_stop(((struct run *)arg)->main); }

static void slow_task_done(void *arg)
{
    struct run *r = arg;
    r->work_end = cl_now();
    loop_call_later(r->end, TAIL_S);
}

/* [p4] On the writer's loop: the same call; then the outcome goes back to
 * the main loop (what run_coroutine_threadsafe + await wrap_future do). */
static void real_write(void *arg)
{
    struct run *r = arg;
    r->syncs = blocking_call(r->s->call, r->fd, r->s->block_ms / 1e3);
    loop_call_soon_threadsafe(r->main, "write_done", slow_task_done, NULL, r);
}

static void slow_task(void *arg)
{
    struct run *r = arg;
    r->work_start = cl_now();
    if (r->offloaded) {   /* [p3] hand it over: the loop goes on at once */
        loop_call_soon_threadsafe(r->writer.loop, "real_write", real_write, NULL, r);
        return;
    }
    r->syncs = blocking_call(r->s->call, r->fd, r->s->block_ms / 1e3);   /* [p2] */
    slow_task_done(r);
}

/* [p5] await loop.run_in_executor(None, writer.start), then the slow task. */
static int start_writer(void *arg) { return write_thread_start(&((struct run *)arg)->writer); }
static void slow_task_soon(void *arg, int err)
{
    struct run *r = arg;
    (void)err;
    loop_call_later(r->slow, fmax(0, SLOW_AT_S - (cl_now() - r->start)));
}

struct result { struct heartbeat_lags lags; double work_ms; long syncs; int slow_main, slow_writer; };

/* variant: "blocking", "offloaded", or "baseline" (the heartbeat alone). */
static struct result run_once(const struct loop_setting *s, const char *variant, int fd)
{
    struct run r = {.s = s, .main = loop_new("main"), .start = cl_now(), .fd = fd,
                    .offloaded = strcmp(variant, "offloaded") == 0};
    if (s->debug)
        loop_set_debug(r.main, s->slow_ms / 1e3, s->report);
    struct heartbeat *beat = heartbeat_start(r.main, s->beat_ms / 1e3);
    r.slow = loop_timer_new(r.main, "slow_task", slow_task, &r);
    r.end = loop_timer_new(r.main, "end_run", end_run, &r);
    if (r.offloaded) {
        write_thread_init(&r.writer, s->debug ? s->slow_ms / 1e3 : 0, s->report);
        if (!(r.pool = executor_new(1)))
            cl_fail(__FILE__, __LINE__, "executor_new", errno);
        loop_run_in_executor(r.main, r.pool, "Thread.start", start_writer, slow_task_soon, &r);
    } else if (strcmp(variant, "blocking") == 0) {
        slow_task_soon(&r, 0);
    } else {
        loop_call_later(r.end, SLOW_AT_S + s->block_ms / 1e3 + TAIL_S);
    }
    loop_run(r.main);
    loop_close(r.main);
    struct result res = {heartbeat_stop(beat), 1e3 * (r.work_end - r.work_start), r.syncs,
                         loop_slow_callbacks(r.main), 0};
    if (r.offloaded) {   /* the start is over before the loop goes */
        executor_shutdown(r.pool);
        res.slow_writer = loop_slow_callbacks(r.writer.loop);
        write_thread_join(&r.writer);
    }
    loop_timer_free(r.slow);
    loop_timer_free(r.end);
    loop_free(r.main);
    return res;
}

/* ---- [p5] A thread start holds the loop for as long as it takes ---------------- */

struct starts {
    struct loop *main;
    struct executor *pool;   /* NULL: start on the loop */
    struct loop_timer *next;
    struct write_thread w[STARTS];
    double held_us[STARTS];
    int n;
};

static void started(void *arg, int err) { (void)arg, (void)err; }
static void start_one(void *arg)
{
    struct starts *st = arg;
    struct write_thread *w = &st->w[st->n];
    write_thread_init(w, 0, NULL);
    double t0 = cl_now();
    if (st->pool)
        loop_run_in_executor(st->main, st->pool, "Thread.start", write_thread_start, started, w);
    else
        write_thread_start(w);   /* writer.start() in a coroutine */
    st->held_us[st->n++] = 1e6 * (cl_now() - t0);
    if (st->n < STARTS)
        loop_call_later(st->next, 0.005);
    else
        loop_stop(st->main);
}

/* How long each start held the loop (us): median, smallest, largest. */
static struct cl_spread thread_starts(const struct loop_setting *s, bool via_executor)
{
    struct starts *st = cl_calloc(1, sizeof *st);
    st->main = loop_new("main");
    if (via_executor && !(st->pool = executor_new(1)))
        cl_fail(__FILE__, __LINE__, "executor_new", errno);
    struct heartbeat *beat = heartbeat_start(st->main, s->beat_ms / 1e3);
    st->next = loop_timer_new(st->main, "start_one", start_one, st);
    loop_call_later(st->next, 0.005);
    loop_run(st->main);
    loop_close(st->main);
    if (st->pool)
        executor_shutdown(st->pool);
    for (int i = 0; i < st->n; i++)
        write_thread_join(&st->w[i]);
    heartbeat_stop(beat);
    loop_timer_free(st->next);
    loop_free(st->main);
    struct cl_spread held = cl_spread_of(st->held_us, (size_t)st->n);
    free(st);
    return held;
}

int main(int argc, char **argv)
{
    struct loop_setting s;
    const char *part = loop_setting_parse(&s, NULL, argc, argv, "all|blocking|offloaded|start",
        "all", "63_blocking_loop", "a heartbeat on an event loop, stalled by one blocking call, "
        "kept by a writer thread with its own loop");
    bool all = strcmp(part, "all") == 0;
    cl_check_run_length(2 * (SLOW_AT_S + s.block_ms / 1e3 + TAIL_S) + 1, "this story");
    char *dir;
    int fd = loop_setting_out_file(&dir);
    if (strcmp(part, "start") != 0)
        printf("a heartbeat every %ld ms; %.0f ms in, one task makes a %ld ms blocking call "
               "(%s)\n", s.beat_ms, SLOW_AT_S * 1e3, s.block_ms, s.call);
    const char *variants[] = {"blocking", "offloaded"};
    for (int v = 0; v < 2 && !cl_interrupted(); v++) {
        if (!all && strcmp(part, variants[v]) != 0)
            continue;
        struct result res = run_once(&s, variants[v], fd);
        if (cl_interrupted())
            break;
        printf("[p%d] %-10s beats %3d  lag p50 %5.2f ms  max %6.1f ms  (the call took %.1f ms",
               v + 2, variants[v], res.lags.beats, res.lags.p50_ms, res.lags.max_ms, res.work_ms);
        printf(strcmp(s.call, "fsync") == 0 ? ", %ld fsyncs)\n" : ")\n", res.syncs);
        if (s.debug)
            printf("     debug mode: %d slow callback(s) on the main loop, %d on the writer's\n",
                   res.slow_main, res.slow_writer);
    }
    bool starts = (all || strcmp(part, "start") == 0) && !cl_interrupted();
    if (starts)
        printf("[p5] starting the writer thread (create it, wait until it runs), %d times:\n",
               STARTS);
    for (int via = 0; starts && via <= 1 && !cl_interrupted(); via++) {
        struct cl_spread held = thread_starts(&s, via);
        if (!cl_interrupted())
            printf("  %-21s held the loop %4.0f us (median; max %4.0f us): %.1f%% of a beat\n",
                   via ? "through the executor:" : "on the loop:", held.median, held.hi,
                   held.median / (s.beat_ms * 10.0));
    }
    loop_setting_close_out_file(fd, dir);
    cl_exit_if_interrupted();
    if (!s.debug)
        printf("(add --debug to have every callback timed and the slow ones named)\n");
    return 0;
}
