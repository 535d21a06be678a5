/* helpers.h - what the Criterion suites share: run one of conclab's programs
 * and collect what it printed, bounded by a deadline. */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <stdbool.h>

struct run_result {
    int exit_code;    /* 0..255, or -1 if killed by a signal */
    int signal;       /* the killing signal, or 0 */
    bool timed_out;   /* killed by the deadline */
    bool left_in_group; /* something of its process group outlived it (killed since) */
    double stop_sent_s, stop_took_s; /* run_program_signalled: when, and how long it took */
    char out[1 << 16];
    char err[1 << 13];
};

/* Runs $CONCLAB_BIN/program with the NULL-terminated arguments, for at most
 * timeout_s seconds (SIGALRM, which survives exec, kills it after that), in
 * a process group of its own: r->left_in_group says whether anything of it
 * outlived it (then killed). */
void run_program(struct run_result *r, unsigned timeout_s, const char *program, ...);

/* The same, sending signal sig after_s seconds in, as Ctrl-C (SIGINT), kill
 * (SIGTERM) or a closed terminal (SIGHUP) would; then waits up to 5 s. */
void run_program_signalled(struct run_result *r, unsigned timeout_s, int sig, double after_s,
                           const char *program, ...);

/* A clean stop: exit status 128 + sig (or death by sig), within 0.5 s of
 * the signal, no "!!!" (an interrupted answer is not a wrong one), nothing
 * left running in its process group. */
void assert_clean_stop(const struct run_result *r, int sig, const char *what);

/* The same, with its own time limit: for the one stop the kernel itself
 * makes slower (item 57's bench handing back 10,000 thread stacks). */
void assert_clean_stop_within(const struct run_result *r, int sig, const char *what,
                              double limit_s);

/* Runs program with up to four arguments (NULL ends them early) in a fresh,
 * empty TMPDIR, sends sig after `after` seconds, and asserts a clean stop
 * that left the TMPDIR empty. */
void assert_signal_stops_clean(int sig, double after, const char *program, const char *a1,
                               const char *a2, const char *a3, const char *a4);

/* The monotonic clock in seconds, and a sleep that lasts across signals. */
double now_s(void);
void pause_s(double seconds);

/* The value in column `column` of the first CSV row whose column `key_col`
 * equals `key`, copied into out; false if there is none. */
bool csv_field(const char *csv, const char *key_col, const char *key,
               const char *column, char *out, int cap);

/* The same, as a number; fails the test if the row or column is missing. */
double csv_number(const char *csv, const char *key_col, const char *key, const char *column);

/* A usage error: exit status 2, one line on stderr, no "!!!"; `what` names
 * the case in the failure message. */
void assert_one_line_usage_error(const struct run_result *r, const char *what);

/* Number of lines in s. */
int count_lines(const char *s);

/* A fresh, empty folder made from tmpl ("/tmp/testNN-XXXXXX", changed in
 * place) and set as TMPDIR for the programs the test runs... */
void use_fresh_tmpdir(char *tmpl);
/* ...which must have left it empty: fails the test otherwise; removes it. */
void assert_tmpdir_empty_and_remove(const char *dir);

#endif
