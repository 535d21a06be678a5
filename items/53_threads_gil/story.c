/*
 * story.c - Item 53's reporting (story.h): the story's tables, CSV rows.
 */
#include "53_threads_gil/story.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void story53_heading(const struct settings *s, const char *mode, uint64_t number)
{
    if (s->csv) {
        const char *cols = strcmp(mode, "overlap") == 0    ? OVERLAP_COLUMNS
                           : strcmp(mode, "convoy") == 0   ? CONVOY_COLUMNS
                           : strcmp(mode, "timeline") == 0 ? TIMELINE_COLUMNS
                                                           : SPEEDUP_COLUMNS;
        cl_csv_header(cols);
        return;
    }
    printf("\n");
    if (strcmp(mode, "cpu") == 0)
        printf("cpu: divisors of T numbers near %ld, serial vs one thread per number\n", s->size);
    else if (strcmp(mode, "io") == 0)
        printf("io: T threads x %ld blocking waits of %ld ms, serial vs T threads\n", s->waits,
               s->wait_ms);
    else if (strcmp(mode, "overlap") == 0)
        printf("overlap: this thread counts the divisors of %llu while T threads each make\n"
               "  %ld blocking waits of %ld ms; 'hidden' is the share of the shorter part that\n"
               "  disappeared (1: wall = the larger part, 0: wall = the sum)\n",
               (unsigned long long)number, s->waits, s->wait_ms);
    else if (strcmp(mode, "convoy") == 0)
        printf("convoy: %ld socket round trips, alone and beside one CPU-bound thread\n",
               s->trips);
    else {
        printf("timeline: who holds the lock, %ld ms per scene\n", s->trace_ms);
        return;
    }
    printf("  (median over %ld rounds, smallest-largest round in brackets)\n", s->rounds);
    if (strcmp(mode, "cpu") == 0 || strcmp(mode, "io") == 0)
        printf("  policy threads serial_s wall_s  speedup (range)     cpu/wall acquired forced\n");
    else if (strcmp(mode, "overlap") == 0)
        printf("  policy threads compute_s   io_s both_s  sum_s   hidden (range)\n");
    else if (strcmp(mode, "convoy") == 0)
        printf("  policy echo_us alone_p50_us busy_p50_us  slowdown (range)    busy_trips\n");
}

void story53_speedup_row(const struct settings *s, const char *mode, enum gil_policy policy,
                           long threads, long round, const struct speedup *r)
{
    if (s->csv)
        cl_csv_row("%s,%s,%ld,%ld,%d,%.6f,%.6f,%.4f,%.6f,%ld,%ld,%ld,%.6f", mode,
                   gil_policy_name(policy), threads, round, s->pinned, r->serial_s, r->wall_s,
                   r->serial_s / r->wall_s, r->cpu_s, r->stats.acquisitions,
                   r->stats.forced_drops, r->stats.switches, r->stats.wait_seconds);
}

void story53_speedup_summary(const struct settings *s, const char *mode,
                                   enum gil_policy policy, long threads,
                                   const struct speedup *rounds, long n)
{
    (void)mode;
    if (s->csv)
        return;
    double serial[n], wall[n], ratio[n], cpu[n];
    for (long i = 0; i < n; i++) {
        serial[i] = rounds[i].serial_s;
        wall[i] = rounds[i].wall_s;
        ratio[i] = serial[i] / wall[i];
        cpu[i] = rounds[i].cpu_s / wall[i];
    }
    struct cl_spread sp = cl_spread_of(ratio, (size_t)n);
    const struct gil_stats *last = &rounds[n - 1].stats;
    printf("  %-6s %7ld %8.3f %6.3f %6.2fx (%.2f-%.2f) %8.2f %8ld %6ld\n",
           gil_policy_name(policy), threads, cl_spread_of(serial, (size_t)n).median,
           cl_spread_of(wall, (size_t)n).median, sp.median, sp.lo, sp.hi,
           cl_spread_of(cpu, (size_t)n).median, last->acquisitions, last->forced_drops);
}

static double hidden_share(const struct overlap *r)
{
    double shorter = r->compute_s < r->io_s ? r->compute_s : r->io_s;
    return (r->compute_s + r->io_s - r->both_s) / shorter;
}

void story53_overlap_row(const struct settings *s, enum gil_policy policy, long threads,
                           long round, const struct overlap *r)
{
    if (s->csv)
        cl_csv_row("overlap,%s,%ld,%ld,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f",
                   gil_policy_name(policy), threads, round, s->pinned, r->compute_s, r->io_s,
                   r->both_s, r->compute_s + r->io_s, fmax(r->compute_s, r->io_s),
                   hidden_share(r));
}

void story53_overlap_summary(const struct settings *s, enum gil_policy policy,
                                   long threads, const struct overlap *rounds, long n)
{
    if (s->csv)
        return;
    double compute[n], io[n], both[n], hidden[n];
    for (long i = 0; i < n; i++) {
        compute[i] = rounds[i].compute_s;
        io[i] = rounds[i].io_s;
        both[i] = rounds[i].both_s;
        hidden[i] = hidden_share(&rounds[i]);
    }
    struct cl_spread h = cl_spread_of(hidden, (size_t)n);
    double c = cl_spread_of(compute, (size_t)n).median, i = cl_spread_of(io, (size_t)n).median;
    printf("  %-6s %7ld %9.3f %6.3f %6.3f %6.3f %6.2f (%.2f-%.2f)\n", gil_policy_name(policy),
           threads, c, i, cl_spread_of(both, (size_t)n).median, c + i, h.median, h.lo, h.hi);
}

/* A starved client (no trip finished) waited at least convoy_s: that is
 * what its p50 reports, a lower bound, with busy_trips 0. */
static double p50_or_wait(const struct settings *s, const struct trips *t)
{
    return t->trips > 0 ? t->p50_us : s->convoy_s * 1e6;
}

void story53_convoy_row(const struct settings *s, enum gil_policy policy, long echo_us,
                          long round, const struct convoy_pair *r)
{
    if (!s->csv)
        return;
    double alone = p50_or_wait(s, &r->alone), busy = p50_or_wait(s, &r->busy);
    cl_csv_row("convoy,%s,%ld,%ld,%d,%.2f,%.2f,%ld,%.2f,%.2f,%ld,%.3f,%ld,%ld",
               gil_policy_name(policy), echo_us, round, s->pinned, alone,
               r->alone.trips ? r->alone.p99_us : alone, r->alone.trips, busy,
               r->busy.trips ? r->busy.p99_us : busy, r->busy.trips, busy / alone,
               r->busy.stats.forced_drops, r->busy.stats.switches);
}

void story53_convoy_summary(const struct settings *s, enum gil_policy policy,
                                  long echo_us, const struct convoy_pair *rounds, long n)
{
    if (s->csv)
        return;
    double alone[n], busy[n], slowdown[n];
    long fewest = s->trips;
    for (long i = 0; i < n; i++) {
        alone[i] = p50_or_wait(s, &rounds[i].alone);
        busy[i] = p50_or_wait(s, &rounds[i].busy);
        slowdown[i] = busy[i] / alone[i];
        if (rounds[i].busy.trips < fewest)
            fewest = rounds[i].busy.trips;
    }
    struct cl_spread sl = cl_spread_of(slowdown, (size_t)n);
    printf("  %-6s %7ld %12.0f %11.0f %7.1fx (%.1f-%.1f) %6ld%s\n", gil_policy_name(policy),
           echo_us, cl_spread_of(alone, (size_t)n).median, cl_spread_of(busy, (size_t)n).median,
           sl.median, sl.lo, sl.hi, fewest,
           fewest == 0 ? "  starved: no trip finished in a round (a result, not a failure)"
                       : "");
}

/* The story's summary of a scene: how often the lock changed hands, and the
 * longest stretch one thread ran. */
struct timeline_summary {
    const struct settings *s;
    const char *scene;
    enum gil_policy policy;
    long intervals[4];
    double longest_run_ms, waiting_ms[2], syscall_ms;
};

static void timeline_interval(void *arg, int thread, const char *label,
                              enum gil_trace_state state, double start, double end)
{
    struct timeline_summary *t = arg;
    if (t->s->csv) {
        cl_csv_row("%s,%s,%d,%s,%s,%.4f,%.4f", t->scene, gil_policy_name(t->policy), thread,
                   label ? label : "thread", gil_trace_state_name(state), start * 1e3,
                   end * 1e3);
        return;
    }
    t->intervals[state]++;
    if (state == GIL_STATE_RUNNING && (end - start) * 1e3 > t->longest_run_ms)
        t->longest_run_ms = (end - start) * 1e3;
    if (state == GIL_STATE_WAITING && thread < 2)
        t->waiting_ms[thread] += (end - start) * 1e3;
    if (state == GIL_STATE_SYSCALL)
        t->syscall_ms += (end - start) * 1e3;
}

void story53_timeline(const struct settings *s, const char *scene,
                            enum gil_policy policy, const struct gil_trace *trace)
{
    struct timeline_summary t = {.s = s, .scene = scene, .policy = policy};
    gil_trace_intervals(trace, timeline_interval, &t);
    if (s->csv)
        return;
    printf("  %-6s %-3s GIL: %5ld stretches running, longest %.2f ms; waiting %.1f + %.1f ms; "
           "in system calls %.1f ms%s\n",
           scene, gil_policy_name(policy), t.intervals[GIL_STATE_RUNNING], t.longest_run_ms,
           t.waiting_ms[0], t.waiting_ms[1], t.syscall_ms,
           gil_trace_lost(trace) ? " (buffer full: the end is missing)" : "");
}


void story53_lesson(const struct settings *s, const char *mode)
{
    static const struct {
        const char *mode, *lesson;
    } lessons[] = {
        {"cpu", "under a GIL (new, old) threads are no faster than serial; with none they\n"
                "  use the free cores (only if the machine has them: see cpu/wall)"},
        {"io", "blocking waits need no lock and no core: T threads are about T times faster\n"
               "  under every policy"},
        {"overlap", "the waits hide behind the computation (hidden near 1); under the new GIL\n"
                    "  each wait ends with a wait for the lock, so a little less"},
        {"convoy", "new GIL, 100 us echo: each round trip waits about one switch interval for\n"
                   "  the lock (the convoy of CPython issue 7946); the instant echo is a race\n"
                   "  whose winner can flip between runs"},
        {"timeline", "new GIL: turns of about one switch interval; old GIL: thousands of drops\n"
                     "  and retakes; --trace-json shows every move in ui.perfetto.dev"},
    };
    if (s->csv)
        return;
    for (size_t i = 0; i < sizeof lessons / sizeof lessons[0]; i++)
        if (strcmp(mode, lessons[i].mode) == 0)
            printf("  look for: %s\n", lessons[i].lesson);
}
