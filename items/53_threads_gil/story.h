/*
 * story.h - Item 53's reporting: the story's tables and the CSV rows of
 * threads_gil.c. The experiments hand over what they measured; nothing here
 * measures.
 */
#ifndef CONCLAB_53_STORY_H
#define CONCLAB_53_STORY_H

#include "53_threads_gil/gil.h"
#include "53_threads_gil/gil_trace.h"
#include "clab.h"

#include <stdbool.h>
#include <stdint.h>

/* The flags of 53_threads_gil (main fills them in). */
struct settings {
    const char *mode, *policy;
    struct cl_list threads;
    long rounds;
    double interval_ms;
    long ticks;
    long size;          /* cpu: the numbers are near this */
    long waits;         /* io, overlap: blocking waits per thread */
    long wait_ms;       /* io, overlap: length of each */
    long trips;         /* convoy: round trips measured */
    struct cl_list echo_us; /* convoy: the echo server's delays before each reply */
    double convoy_s;    /* convoy: at most this long per measurement */
    long trace_ms;      /* timeline: how long each scene runs */
    const char *trace_json; /* timeline: Chrome trace-event JSON written here */
    bool csv, pinned;
};

/* One round's measurement of one variant: serial, then threaded. */
struct speedup {
    double serial_s, wall_s, cpu_s;
    struct gil_stats stats; /* of the threaded run */
};

/* The main thread computes while T threads make blocking waits. */
struct overlap {
    double compute_s, io_s, both_s;
};

/* The client's round trips; trips == 0 means it never finished one: starved. */
struct trips {
    long trips;
    double p50_us, p99_us;
    struct gil_stats stats;
};

/* One round: the client alone, then beside one CPU-bound thread. */
struct convoy_pair {
    struct trips alone, busy;
};

/* Each mode has its own columns; --csv therefore needs one mode. */
#define SPEEDUP_COLUMNS                                                                  \
    "mode,policy,threads,round,pinned,serial_s,wall_s,speedup,cpu_s,acquisitions,"       \
    "forced_drops,switches,wait_s"
#define OVERLAP_COLUMNS                                                                  \
    "mode,policy,threads,round,pinned,compute_s,io_s,both_s,sum_s,max_s,hidden"
#define CONVOY_COLUMNS                                                                   \
    "mode,policy,echo_us,round,pinned,alone_p50_us,alone_p99_us,alone_trips,busy_p50_us," \
    "busy_p99_us,busy_trips,slowdown,forced_drops,switches"
#define TIMELINE_COLUMNS "scene,policy,thread,label,state,start_ms,end_ms"

/* A mode's heading (the story) or CSV header (--csv). number: the overlap's. */
void story53_heading(const struct settings *s, const char *mode, uint64_t number);

/* One round of one variant: a CSV row (the story prints only summaries). */
void story53_speedup_row(const struct settings *s, const char *mode, enum gil_policy policy,
                         long threads, long round, const struct speedup *r);
void story53_overlap_row(const struct settings *s, enum gil_policy policy, long threads,
                         long round, const struct overlap *r);
void story53_convoy_row(const struct settings *s, enum gil_policy policy, long echo_us,
                        long round, const struct convoy_pair *r);

/* After the rounds, one story line per variant: median and range over the n
 * rounds. Nothing with --csv. */
void story53_speedup_summary(const struct settings *s, const char *mode,
                             enum gil_policy policy, long threads,
                             const struct speedup *rounds, long n);
void story53_overlap_summary(const struct settings *s, enum gil_policy policy, long threads,
                             const struct overlap *rounds, long n);
void story53_convoy_summary(const struct settings *s, enum gil_policy policy, long echo_us,
                            const struct convoy_pair *rounds, long n);

/* After a mode's table: what a reader should look for in it (the lesson).
 * Nothing with --csv. */
void story53_lesson(const struct settings *s, const char *mode);

/* A timeline scene: its intervals as CSV rows, or a one-line summary. */
void story53_timeline(const struct settings *s, const char *scene, enum gil_policy policy,
                      const struct gil_trace *trace);

#endif
