/*
 * clab.h - conclab's plumbing, shared by every item.
 *
 * Nothing in here is a lesson. It is the timing, argument parsing, CSV
 * output and machine description that every experiment needs, written once
 * so that each item's own file can be about its concept and nothing else.
 */
#ifndef CLAB_H
#define CLAB_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ---- Checks that are never compiled out --------------------------------
 * assert() vanishes under -DNDEBUG and takes the call inside it along.
 * These always run, and name the call and the error when it fails.     */

/* For calls that return 0 or an error number (pthreads, posix_spawn). */
#define CL_CHECK_RC(call)                                                   \
    do {                                                                    \
        int cl_rc_ = (call);                                                \
        if (cl_rc_ != 0)                                                    \
            cl_fail(__FILE__, __LINE__, #call, cl_rc_);                     \
    } while (0)

/* For calls that return -1 and set errno (most system calls). */
#define CL_CHECK_SYS(call)                                                  \
    do {                                                                    \
        if ((call) == -1)                                                   \
            cl_fail(__FILE__, __LINE__, #call, errno);                      \
    } while (0)

/* A failed call: "prog: file.c:42: pipe(fds): Too many open files", exit 1. */
_Noreturn void cl_fail(const char *file, int line, const char *call, int err);

/* A correct variant produced a wrong answer: "!!! prog: ...", exit 1. */
_Noreturn void cl_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Bad input from the user: "prog: ... (see --help)", exit 2. */
_Noreturn void cl_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* ---- Time, CPU and memory ---------------------------------------------- */

double cl_now(void);               /* monotonic clock, seconds */
void cl_sleep(double seconds);     /* sleeps the whole time, across signals */
double cl_cpu_seconds(void);       /* user + system time of this process */
long cl_peak_rss_kib(void);        /* peak resident memory, KiB */
long cl_rss_kib(void);             /* resident memory now, KiB; -1 if unknown */
int cl_open_fds(void);             /* open descriptors now; -1 if unknown */
int cl_children_left(void);        /* children not yet reaped (reaps the dead ones) */

/* The end-of-run check of a program that starts children or opens pipes:
 * prints "leftovers N children unreaped, M descriptors leaked" (unless
 * quiet) and dies with "!!!" if either is not 0. */
void cl_check_leftovers(int fds_at_start, bool quiet);
int cl_pin_to_cpu(int cpu);        /* 0, or -1 where pinning is unsupported */

/* Timed waits on the monotonic clock, the one cl_now() reads, so that a
 * change of the wall clock cannot stretch or shorten a deadline: a condition
 * variable made by cl_cond_init_monotonic takes cl_timespec_at(deadline),
 * a cl_now() time, in pthread_cond_timedwait. */
void cl_cond_init_monotonic(pthread_cond_t *cond);
struct timespec cl_timespec_at(double when);

/* ---- Stopping: Ctrl-C, SIGTERM, SIGHUP ---------------------------------
 * A program that must join threads, reap children or remove files calls
 * cl_catch_stop_signals() first. From then on SIGINT (Ctrl-C), SIGTERM (what
 * timeout, kill and CI send) and SIGHUP (the terminal closed) only set a
 * flag, which cl_interrupted() reads; the program's loops check it, wind
 * down, clean up, and end with cl_exit_interrupted(): exit status 128 + the
 * signal, as if the signal had ended it. A SIGINT or SIGHUP ignored when
 * the program started stays ignored (a background job, nohup). A program
 * that holds nothing needs none of this: the default action ends it with
 * the same status. */
void cl_catch_stop_signals(void);
bool cl_interrupted(void);
int cl_stop_signal(void);          /* the signal that arrived, or 0 */
_Noreturn void cl_exit_interrupted(void);
/* Ends the program (cl_exit_interrupted) if a stop signal has arrived. */
void cl_exit_if_interrupted(void);

/* ---- Small pieces several items need --------------------------------- */

/* calloc that never returns NULL: a failure is "prog: file:line: calloc". */
#define cl_calloc(n, size) cl_calloc_at(__FILE__, __LINE__, (n), (size))
void *cl_calloc_at(const char *file, int line, size_t n, size_t size);

/* Pins the calling thread to one CPU: 0, or -1 where pinning is not
 * supported (not Linux, or the CPU is not ours). */
int cl_pin_this_thread(int cpu);
/* Context switches of the whole process so far, voluntary + involuntary:
 * each one is a thread put to sleep or pushed off its CPU. */
long cl_context_switches(void);
/* Threads alive in this process now (Linux: /proc/self/status); -1 if unknown. */
int cl_threads_now(void);

/* pthread_cond_timedwait until a cl_now() deadline, on a condition variable
 * made by cl_cond_init_monotonic: false when the deadline passed first.
 * Any other error is fatal (cl_fail). Spurious wake-ups return true: the
 * caller re-checks its condition, as with every condition wait. */
bool cl_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mutex, double deadline);

/* A fresh folder under $TMPDIR (or /tmp), named PREFIX-XXXXXX; malloc'ed
 * path. A TMPDIR that cannot take one is bad input: a one-line error
 * naming it, exit status 2. */
char *cl_make_temp_dir(const char *prefix);
/* Removes a folder and everything under it; 0, or -1 with errno set. */
int cl_remove_tree(const char *path);

/* A run predicted to last longer than CL_RUN_LIMIT_S is refused up front
 * with a one-line error (exit 2) naming the settings that make it long:
 * every run the programs accept ends by itself within about a minute. */
#define CL_RUN_LIMIT_S 60.0
void cl_check_run_length(double predicted_s, const char *what);

/* TEXT made safe to print inside quotes on one line: control characters
 * escaped (\n, \t, \xHH), cut at 60 characters with "...". The buffer
 * is the caller's. */
const char *cl_quote(const char *text, char *buf, size_t cap);

/* Sorts v in place; p in [0, 100]. Nearest-rank percentile. */
double cl_percentile(double *v, size_t n, double p);

/* The median of v (the mean of the middle two when n is even) and its
 * smallest and largest value; v is left as it was. For ratios measured in
 * interleaved rounds (harness/README.md, "Measuring"). NaN when n is 0. */
struct cl_spread {
    double median, lo, hi;
};
struct cl_spread cl_spread_of(const double *v, size_t n);

/* ---- Arguments ----------------------------------------------------------
 * One convention for every item: --name value or --name=value; --help (and
 * -h) everywhere; --csv and --pin where the program asks for them (.common);
 * an unknown flag or a bad value is a one-line error and exit status 2.
 * A failed write or close of standard output, noticed at exit, is an error
 * too: one line, exit status 1.                                           */

enum cl_opt_kind {
    CL_OPT_FLAG,    /* bool *: present or not */
    CL_OPT_INT,     /* long *: one integer in [min, max] */
    CL_OPT_DOUBLE,  /* double *: one number in [min, max] */
    CL_OPT_CHOICE,  /* const char **: one word from choices ("a|b|c") */
    CL_OPT_LIST,    /* struct cl_list *: integers "1,2,4" in [min, max] */
};

#define CL_LIST_MAX 32
struct cl_list {
    int n;
    long v[CL_LIST_MAX];
};

struct cl_opt {
    const char *name;   /* without the dashes; NULL ends the table */
    enum cl_opt_kind kind;
    void *value;        /* holds the default before parsing */
    const char *help;
    double min, max;    /* range for INT, DOUBLE and LIST */
    const char *choices;
};

/* The flags cl_parse itself handles, where a program asks for them. */
enum { CL_CSV = 1, CL_PIN = 2 };

struct cl_program {
    const char *name;      /* as in "52_subprocess" */
    const char *summary;   /* one line: what the program shows */
    const char *epilogue;  /* examples and notes for --help; may be NULL */
    struct cl_opt *opts;   /* the item's own flags */
    bool takes_command;    /* accepts "-- cmd args..." after the flags */
    unsigned common;       /* CL_CSV | CL_PIN: the shared flags it takes */
    /* Filled in by cl_parse: the shared flags. */
    bool csv;              /* machine-readable rows for the harness */
    bool pin;              /* pin the whole process to CPU 0 */
    int command_index;     /* argv index after "--", or argc if none */
};

/* Parses argv; prints help and exits 0 on --help; exits 2 on bad input. */
void cl_parse(struct cl_program *prog, int argc, char **argv);

/* The program name set by cl_parse, for messages. */
const char *cl_program_name(void);

/* ---- CSV ---------------------------------------------------------------
 * Plain comma-separated rows on stdout, one header line first. Each row is
 * flushed, so an interrupted run keeps the rows it finished.             */

void cl_csv_header(const char *columns);
void cl_csv_row(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- The machine -------------------------------------------------------
 * "key: value" lines: cores, CPU model, kernel, compiler, C library,
 * default thread stack. Every results folder keeps a copy.              */

void cl_machine_describe(FILE *out);
int cl_cores_online(void);

#endif
