/*
 * tail_async.c - Item 62's tail as coroutines: a frame per file (struct
 * tail_task) and a callback that goes on from where the last await left it.
 *   [p4] readline_in_executor  top down 2: line = await
 *                              loop.run_in_executor(None, readline, handle)
 *   [p5] native                top down 3: the loop reads the file itself (a
 *                              regular file never makes read() wait long)
 *   [p6] bottomup              threads call tail_file_sync(), which runs the
 *                              native coroutine on a loop of its own
 */
#include "62_mixing/tail.h"

#include "clab.h"

#include <pthread.h>

struct per_file { struct tail_run *r; int file; int (*body)(struct tail_run *, int); };

static void *per_file_main(void *arg)
{
    struct per_file *p = arg;
    p->body(p->r, p->file);
    return NULL;
}

void tail_thread_per_file(struct tail_run *r, int (*body)(struct tail_run *r, int file))
{
    pthread_t t[TAIL_MAX_FILES];
    struct per_file p[TAIL_MAX_FILES];
    for (int f = 0; f < r->s->logs.files; f++) {
        p[f] = (struct per_file){r, f, body};
        CL_CHECK_RC(pthread_create(&t[f], NULL, per_file_main, &p[f]));
    }
    for (int f = 0; f < r->s->logs.files; f++)
        CL_CHECK_RC(pthread_join(t[f], NULL));
}

/* After each read: write what it brought; read again at once, or after
 * `await asyncio.sleep(poll)` when it brought nothing; end when the file
 * closes. Only the main loop's coroutines write without the lock. */
static void after_read(struct tail_task *t)
{
    for (int i = 0; i < t->got; i++)
        (t->loop == t->r->loop ? logs_write : logs_write_locked)(t->r->w, &t->lines[i]);
    if (t->got != LOGS_CLOSED)
        loop_call_later(t->poll, t->got > 0 ? 0 : t->r->s->poll_s);
    else if (--*t->left == 0)
        loop_stop(t->loop);
}

/* [p4] The read runs on a pool thread; the coroutine goes on when it is back. */
static int read_in_pool(void *arg)
{
    struct tail_task *t = arg;
    t->got = logs_read(t->r->w, t->file, t->lines, TAIL_BATCH);
    return 0;
}

static void read_done(void *arg, int err)
{
    (void)err;
    after_read(arg);
}

static void read_via_executor(void *arg)
{
    struct tail_task *t = arg;
    loop_run_in_executor(t->loop, t->r->pool, "readline", read_in_pool, read_done, t);
}

/* [p5] The read on the loop itself. */
static void read_on_loop(void *arg)
{
    struct tail_task *t = arg;
    t->got = logs_read(t->r->w, t->file, t->lines, TAIL_BATCH);
    after_read(t);
}

/* gather(*[tail_async(f) for f in files]) on loop l, until every one ended. */
static void run_coroutines(struct tail_run *r, struct loop *l, int first, int count,
                           loop_callback *turn)
{
    int left = count;
    for (int f = first; f < first + count; f++) {
        r->task[f] = (struct tail_task){.r = r, .file = f, .left = &left, .loop = l};
        r->task[f].poll = loop_timer_new(l, "tail_async", turn, &r->task[f]);
        loop_call_later(r->task[f].poll, 0);
    }
    loop_run(l);
    for (int f = first; f < first + count; f++)
        loop_timer_free(r->task[f].poll);
}

void tail_readline_in_executor(struct tail_run *r)
{
    run_coroutines(r, r->loop, 0, (int)r->s->logs.files, read_via_executor);
}

void tail_native(struct tail_run *r)
{
    run_coroutines(r, r->loop, 0, (int)r->s->logs.files, read_on_loop);
}

/* [p6] A plain blocking function, callable from any thread. */
static int tail_file_sync(struct tail_run *r, int file)
{
    struct loop *l = loop_new("tail_file_sync");
    run_coroutines(r, l, file, 1, read_on_loop);
    loop_free(l);
    return 0;
}

void tail_bottomup(struct tail_run *r) { tail_thread_per_file(r, tail_file_sync); }
