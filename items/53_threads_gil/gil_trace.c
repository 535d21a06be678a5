/*
 * gil_trace.c - the timeline of gil_trace.h: record moves, turn them into
 * intervals per thread, write those out.
 */
#include "53_threads_gil/gil_trace.h"

#include "clab.h"

#include <stdlib.h>

void gil_trace_init(struct gil_trace *t, long capacity)
{
    t->events = cl_calloc((size_t)capacity, sizeof *t->events);
    t->capacity = capacity;
    atomic_init(&t->used, 0);
    t->start = cl_now();
    t->from = 0;
    t->end = -1; /* not stopped yet */
}

void gil_trace_destroy(struct gil_trace *t)
{
    free(t->events);
    t->events = NULL;
}

/* Any thread may record; each move gets its own slot. gil.c records under
 * the lock's mutex, so moves of different threads are in a true order. */
void gil_trace_record(struct gil_trace *t, enum gil_trace_move move, const char *label)
{
    long slot = atomic_fetch_add_explicit(&t->used, 1, memory_order_relaxed);
    if (slot >= t->capacity)
        return;
    t->events[slot] = (struct gil_trace_event){cl_now() - t->start, pthread_self(), move, label};
}

void gil_trace_begin(struct gil_trace *t)
{
    t->from = cl_now() - t->start;
}

void gil_trace_stop(struct gil_trace *t)
{
    t->end = cl_now() - t->start;
}

void gil_trace_window(struct gil_trace *t, double from, double to)
{
    t->from = from - t->start;
    t->end = to - t->start;
}

static long events_kept(const struct gil_trace *t)
{
    long used = atomic_load(&t->used);
    return used < t->capacity ? used : t->capacity;
}

long gil_trace_lost(const struct gil_trace *t)
{
    return atomic_load(&t->used) - events_kept(t);
}

const char *gil_trace_state_name(enum gil_trace_state state)
{
    switch (state) {
    case GIL_STATE_RUNNING: return "running";
    case GIL_STATE_WAITING: return "waiting";
    case GIL_STATE_SYSCALL: return "syscall";
    case GIL_STATE_GONE: return "gone";
    }
    return "?";
}

/* The state a thread is in after a move; NAME changes nothing. */
static enum gil_trace_state state_after(enum gil_trace_move move, enum gil_trace_state before)
{
    switch (move) {
    case GIL_TRACE_ASK: return GIL_STATE_WAITING;
    case GIL_TRACE_TAKE: return GIL_STATE_RUNNING;
    case GIL_TRACE_FORCED: return GIL_STATE_WAITING; /* it wants the lock back at once */
    case GIL_TRACE_BLOCK: return GIL_STATE_SYSCALL;
    case GIL_TRACE_RELEASE: return GIL_STATE_GONE;
    case GIL_TRACE_NAME: return before;
    }
    return before;
}

/* An interval, cut to the timeline (from gil_trace_begin on) and shifted so
 * that the timeline starts at 0. */
static void emit(const struct gil_trace *t, gil_trace_interval_fn *fn, void *arg, int index,
                 const char *label, enum gil_trace_state state, double start, double end)
{
    if (start < t->from)
        start = t->from;
    if (end > start)
        fn(arg, index, label, state, start - t->from, end - t->from);
}

/* One thread's moves, in the order they were recorded. */
static void thread_intervals(const struct gil_trace *t, long first, int index,
                             gil_trace_interval_fn *fn, void *arg)
{
    pthread_t me = t->events[first].thread;
    const char *label = NULL;
    enum gil_trace_state state = GIL_STATE_GONE;
    double since = 0, last = 0;
    for (long i = first; i < events_kept(t); i++) {
        const struct gil_trace_event *e = &t->events[i];
        if (!pthread_equal(e->thread, me))
            continue;
        if (t->end >= 0 && e->t > t->end)
            break; /* after gil_trace_stop: not part of the timeline */
        last = e->t;
        if (e->move == GIL_TRACE_NAME && !label)
            label = e->label;
        enum gil_trace_state next = state_after(e->move, state);
        if (next == state)
            continue;
        if (state != GIL_STATE_GONE)
            emit(t, fn, arg, index, label, state, since, e->t);
        state = next;
        since = e->t;
    }
    /* The timeline ends at gil_trace_stop, or where the buffer ran full:
     * after that, nothing is known. */
    double end = t->end >= 0 ? t->end : last;
    if (gil_trace_lost(t) > 0 && t->events[t->capacity - 1].t < end)
        end = t->events[t->capacity - 1].t;
    if (state != GIL_STATE_GONE)
        emit(t, fn, arg, index, label, state, since, end);
}

#define GIL_TRACE_MAX_THREADS 64

void gil_trace_intervals(const struct gil_trace *t, gil_trace_interval_fn *fn, void *arg)
{
    pthread_t known[GIL_TRACE_MAX_THREADS]; /* a handful of threads: a scan is enough */
    int n = 0;
    for (long i = 0; i < events_kept(t) && n < GIL_TRACE_MAX_THREADS; i++) {
        bool seen = false;
        for (int k = 0; k < n && !seen; k++)
            seen = pthread_equal(known[k], t->events[i].thread);
        if (seen)
            continue;
        known[n] = t->events[i].thread;
        thread_intervals(t, i, n++, fn, arg);
    }
}

/* ---- Chrome trace-event JSON ------------------------------------------------ */

struct json_out {
    FILE *out;
    int pid;
    int named; /* threads named so far: thread i is named on its first interval */
};

static void json_interval(void *arg, int thread, const char *label, enum gil_trace_state state,
                          double start, double end)
{
    struct json_out *j = arg;
    if (thread >= j->named) {
        fprintf(j->out,
                ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\","
                "\"args\":{\"name\":\"%s\"}}",
                j->pid, thread + 1, label ? label : "thread");
        j->named = thread + 1;
    }
    fprintf(j->out,
            ",\n{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"name\":\"%s\",\"ts\":%.3f,\"dur\":%.3f}",
            j->pid, thread + 1, gil_trace_state_name(state), start * 1e6, (end - start) * 1e6);
}

void gil_trace_json_begin(FILE *out)
{
    fprintf(out, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
                 "{\"ph\":\"M\",\"pid\":0,\"tid\":0,\"name\":\"process_name\","
                 "\"args\":{\"name\":\"53_threads_gil\"}}");
}

void gil_trace_json(const struct gil_trace *t, FILE *out, int pid, const char *process_name)
{
    fprintf(out,
            ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"name\":\"process_name\","
            "\"args\":{\"name\":\"%s\"}}",
            pid, process_name);
    struct json_out j = {out, pid, 0};
    gil_trace_intervals(t, json_interval, &j);
}

void gil_trace_json_end(FILE *out)
{
    fprintf(out, "\n]}\n");
}
