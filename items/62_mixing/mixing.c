/*
 * 62_mixing - Item 62: mix threads and coroutines to ease the move to asyncio.
 *
 * Python:  a threaded program moves to asyncio a step at a time. Top down, the
 *          loop runs the old blocking code with run_in_executor, which hands
 *          its results back with run_coroutine_threadsafe, until the loop does
 *          the work itself. Bottom up, threads call a plain function that runs
 *          a loop of its own.
 * C:       the book's tailer (growing_logs.c): 5 writer threads add 10 lines
 *          each to their own file at random intervals of up to 0.1 s; the
 *          tailer polls every 0.1 s and merges every line into one output; the
 *          readers stop after 1 s. The loop is event_loop.c (libevent, with
 *          asyncio's thread bridges); callbacks play the coroutines.
 *   [p1] threads               the old program: a thread per file, a lock
 *   [p2] tail_in_executor      top down 1: the old tail whole in the executor,
 *                              a pool thread held per file; each line back to
 *                              the loop through run_coroutine_threadsafe [p3]
 *   [p4] readline_in_executor  top down 2: a coroutine per file; only each
 *                              read in the executor         (tail_async.c)
 *   [p5] native                top down 3: the loop reads   (tail_async.c)
 *   [p6] bottomup              threads run a loop each      (tail_async.c)
 *   [p7] errors                a write that fails on the loop: the error comes
 *                              back through run_coroutine_threadsafe, and is
 *                              lost with call_soon_threadsafe
 * Every step reads its merged output back (merge_check.c, the book's
 * confirm_merge): every line once, each file's in order; else "!!!".
 *
 * Run:  build/bin/62_mixing                  every step, then the errors
 *       build/bin/62_mixing --part tail_in_executor --workers 2
 * Prints (2-core VM; age: a line's write to the output; hand-off: a reader
 * having the line to the output):
 *   [p1] threads                50 lines, whole  1.00 s  age p99   99 ms  hand-off p50    2.2 us
 *   [p2] tail_in_executor       50 lines, whole  1.00 s  age p99   99 ms  hand-off p50   30.9 us
 *   ...
 *   [p7] writing file 2 line 3 fails on the loop (as if the disk were full):
 *     run_coroutine_threadsafe: back in the thread: 1 error(s); at the gather: 1; 7 line(s) ...
 *     call_soon_threadsafe:     back in the thread: 0 error(s); at the gather: 0; 1 line(s) ...
 */
#include "59_thread_pool/executor.h"
#include "62_mixing/tail.h"
#include "clab.h"

#include <stdlib.h>
#include <string.h>

/* [p1] The old blocking tail: take what is there, write it, sleep a poll
 * interval when there was nothing, until the file closes. */
typedef int line_writer(struct tail_run *r, const struct line *l);
static int tail_file(struct tail_run *r, int file, line_writer *write)
{
    struct line lines[TAIL_BATCH];
    for (int got; (got = logs_read(r->w, file, lines, TAIL_BATCH)) != LOGS_CLOSED;) {
        for (int i = 0; i < got; i++) {
            int err = write(r, &lines[i]);
            if (err)
                return err;
        }
        if (got == 0)
            logs_nap(r->s->poll_s);
    }
    return 0;
}

static int write_locked(struct tail_run *r, const struct line *l)
{
    logs_write_locked(r->w, l);   /* with a lock around output.write */
    return 0;
}
static int tail_file_locked(struct tail_run *r, int file) { return tail_file(r, file, write_locked); }
static void step_threads(struct tail_run *r) { tail_thread_per_file(r, tail_file_locked); }

/* [p3] The write, a coroutine on the loop: output.write(line). [p7] One
 * line can be made to fail, as if the disk were full. */
struct handed { struct tail_run *r; struct line line; };
static int write_async(void *arg)
{
    struct handed *h = arg;
    if (h->line.file == h->r->s->fail_file && h->line.k == h->r->s->fail_line) {
        atomic_fetch_add(&h->r->errors_on_loop, 1);
        return ENOSPC;
    }
    logs_write(h->r->w, &h->line);
    return 0;
}

/* [p3] run_coroutine_threadsafe(write_async(line), loop).result(): the
 * thread waits until the loop has run it, and gets its error back. */
static int write_via_future(struct tail_run *r, const struct line *l)
{
    struct handed h = {r, *l};
    int err = loop_run_coroutine_threadsafe(r->loop, "write_async", write_async, &h);
    if (err)
        atomic_fetch_add(&r->errors_in_thread, 1);
    return err;
}

/* [p7] call_soon_threadsafe(write): the thread goes on at once; what
 * happens on the loop stays there. */
static void write_soon(void *arg)
{
    write_async(arg);
    free(arg);
}
static int write_via_call_soon(struct tail_run *r, const struct line *l)
{
    struct handed *h = cl_calloc(1, sizeof *h);
    *h = (struct handed){r, *l};
    loop_call_soon_threadsafe(r->loop, "write_async", write_soon, free, h);
    return 0;
}

/* [p2] Top down 1: await gather(*[loop.run_in_executor(None, tail_file, ...)
 * for each file]): each file holds a pool thread until it closes. */
static int tail_in_pool(void *arg)
{
    struct tail_task *t = arg;
    return tail_file(t->r, t->file, t->r->s->call_soon ? write_via_call_soon : write_via_future);
}
static void tail_done(void *arg, int err)   /* on the loop: one of the gathered */
{
    struct tail_task *t = arg;
    t->r->errors_at_gather += err != 0;
    if (--t->r->files_left == 0)
        loop_stop(t->r->loop);
}
static void step_tail_in_executor(struct tail_run *r)
{
    for (int f = 0; f < r->s->logs.files; f++) {
        r->task[f] = (struct tail_task){.r = r, .file = f};
        loop_run_in_executor(r->loop, r->pool, "tail_file", tail_in_pool, tail_done, &r->task[f]);
    }
    loop_run(r->loop);
}

/* ---- One step, start to end ------------------------------------------------ */

struct step { const char *name; void (*run)(struct tail_run *); bool loop; };
static const struct step steps[] = {
    {"threads", step_threads, false},
    {"tail_in_executor", step_tail_in_executor, true},
    {"readline_in_executor", tail_readline_in_executor, true},
    {"native", tail_native, true},
    {"bottomup", tail_bottomup, false},
};
#define STEPS ((int)(sizeof steps / sizeof steps[0]))

struct outcome { struct logs_result res; int errors_on_loop, errors_in_thread, errors_at_gather; };

static struct outcome run_step(const struct tail_setting *s, const struct step *st)
{
    struct tail_run *r = cl_calloc(1, sizeof *r);
    *r = (struct tail_run){.s = s, .files_left = (int)s->logs.files};
    r->w = logs_start(&s->logs);
    if (st->loop && !(r->pool = executor_new((int)s->workers)))
        cl_fail(__FILE__, __LINE__, "executor_new", errno);
    r->loop = st->loop ? loop_new("main") : NULL;
    st->run(r);
    if (st->loop) {   /* close first: a thread still waiting on the loop gets ECANCELED */
        loop_close(r->loop);
        executor_shutdown(r->pool);
        loop_free(r->loop);
    }
    struct outcome o = {logs_finish(r->w), r->errors_on_loop, r->errors_in_thread,
                        r->errors_at_gather};
    free(r);
    cl_exit_if_interrupted();
    return o;
}

static void check_whole(const char *what, const struct logs_result *res)
{
    if (res->lost || res->doubled || res->out_of_order || res->foreign)
        cl_die("%s: %ld lines merged: %ld lost, %ld doubled, %ld out of order, %ld foreign",
               what, res->merged, res->lost, res->doubled, res->out_of_order, res->foreign);
}

/* ---- The story ------------------------------------------------------------- */

static void story_errors(struct tail_setting *s)
{
    printf("\n[p7] writing file %ld line %ld fails on the loop (as if the disk were full):\n",
           s->fail_file, s->fail_line);
    for (int soon = 0; soon <= 1; soon++) {
        s->call_soon = soon;
        struct outcome o = run_step(s, &steps[1]);
        printf("  %-25s back in the thread: %d error(s); at the gather: %d; %ld line(s) of "
               "file %ld never written\n", soon ? "call_soon_threadsafe:" :
               "run_coroutine_threadsafe:", o.errors_in_thread, o.errors_at_gather,
               o.res.lost, s->fail_file);
        if (o.res.doubled || o.res.out_of_order || o.res.foreign || o.errors_on_loop != 1)
            check_whole("errors", &o.res);
    }
}

int main(int argc, char **argv)
{
    struct tail_setting s;
    const char *part = tail_parse(&s, NULL, argc, argv,
        "all|threads|tail_in_executor|readline_in_executor|native|bottomup|errors", "62_mixing",
        "tail growing logs with threads, move to an event loop step by step, and back");
    bool all = strcmp(part, "all") == 0;
    cl_check_run_length((all ? STEPS + 2 : strcmp(part, "errors") == 0 ? 2 : 1) * tail_run_seconds(&s),
                        "this story");
    printf("%ld files, each written by its own thread: %ld lines at random intervals of up to "
           "%ld ms;\nreaders poll every %.0f ms and stop after %ld ms once their file is done; "
           "executor: %ld threads.\n\n", s.logs.files, s.logs.lines, s.logs.interval_ms,
           s.poll_s * 1e3, s.logs.tail_ms, s.workers);
    for (int i = 0; i < STEPS; i++) {
        if (!all && strcmp(part, steps[i].name) != 0)
            continue;
        struct tail_setting no_fail = s;
        no_fail.fail_file = -1;
        struct outcome o = run_step(&no_fail, &steps[i]);
        check_whole(steps[i].name, &o.res);
        printf("[p%d] %-21s %3ld lines, whole  %.2f s  age p99 %4.0f ms  hand-off p50 %6.1f us\n",
               i < 2 ? i + 1 : i + 2, steps[i].name, o.res.merged, o.res.wall_s,
               o.res.age_p99_ms, o.res.handoff_p50_us);
    }
    if (all || strcmp(part, "errors") == 0)
        story_errors(&s);
    return 0;
}
