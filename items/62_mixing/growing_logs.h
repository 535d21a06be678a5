/*
 * growing_logs.h - Item 62's world: log files that grow while they are read,
 * and the one merged output the tailers write (the book's setup).
 *
 *   the book                                    here
 *   start_write_threads(): a thread per file    logs_start(): a fresh folder under
 *     writes lines at random intervals            $TMPDIR, a writer thread per file
 *   readline(handle): raises NoNewData          logs_read(): the whole lines there now
 *     when nothing is there                       (0 when none: never waits)
 *   close_all(): the handles close after 1 s    logs_read() returns LOGS_CLOSED once the
 *     (readline raises ValueError)                file's writer had finished before the
 *                                                 read, the read found nothing, and the
 *                                                 readers' time (tail_ms) is up
 *   output.write(line)                          logs_write(), logs_write_locked()
 *   confirm_merge()                             logs_finish(): merge_check.c on the output
 *
 * Every line is "file F line K"; each is timed from its write to the merged
 * output (its age) and from a reader having it to the output (the hand-off).
 */
#ifndef CONCLAB_GROWING_LOGS_H
#define CONCLAB_GROWING_LOGS_H

#include <stdbool.h>

struct logs_setting {
    long files, lines, interval_ms, tail_ms;
    long seed;   /* each run its own random intervals */
};

struct line {
    int file;
    long k;
    double read_at;  /* when a reader had it (cl_now) */
};

#define LOGS_CLOSED (-1)

struct logs;

struct logs *logs_start(const struct logs_setting *s);
/* Up to max whole lines of the file; 0 if none yet; LOGS_CLOSED (also on a
 * stop signal). One reader per file at a time. */
int logs_read(struct logs *w, int file, struct line *out, int max);
/* Appends to the merged output. Not locked: for one thread (the loop's). */
void logs_write(struct logs *w, const struct line *l);
void logs_write_locked(struct logs *w, const struct line *l);
/* Sleeps, in slices, until the time is up or a stop signal came. */
void logs_nap(double seconds);

struct logs_result {
    long merged, lost, doubled, out_of_order, foreign;  /* merge_check.h */
    double wall_s, last_s;  /* from the start: to logs_finish, to the last line merged */
    double age_p50_ms, age_p99_ms;                      /* written to merged */
    double handoff_p50_us, handoff_p99_us;              /* read to merged */
    double stall_ms;   /* the control: how late a sleeping canary thread woke (canary.h) */
};

/* Joins the writers, checks the merged output (unless interrupted), removes
 * every file and the folder, frees w. */
struct logs_result logs_finish(struct logs *w);

#endif
