/*
 * tail_setting.c - Item 62's knobs, with the book's setting as defaults:
 * 5 files of 10 lines at random pauses of up to 100 ms, a poll every 100 ms,
 * the readers closed after 1 s; the executor as large as CPython's default.
 */
#include "62_mixing/tail.h"

#include "clab.h"

#include <stdlib.h>

/* CPython's default executor: min(32, cores + 4) threads (3.8 and later). */
static long default_workers(void) { return cl_cores_online() + 4 < 32 ? cl_cores_online() + 4 : 32; }

/* A run lasts about its slowest writer (at most lines x interval) or tail_ms. */
double tail_run_seconds(const struct tail_setting *s)
{
    double writing = (double)s->logs.lines * (double)s->logs.interval_ms;
    return (writing > s->logs.tail_ms ? writing : (double)s->logs.tail_ms) / 1e3 + 0.05;
}


const char *tail_parse(struct tail_setting *s, long *rounds, int argc, char **argv,
                                 const char *parts, const char *name, const char *summary)
{
    *s = (struct tail_setting){.logs = {5, 10, 100, 1000, 1}};
    static const char *part = "all";
    long poll_ms = 100;
    struct cl_list workers = {1, {default_workers()}}, fail = {2, {2, 3}};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &part, "what runs", .choices = parts},
        {"files", CL_OPT_INT, &s->logs.files, "log files, each with its own writer thread", 1,
         TAIL_MAX_FILES},
        {"lines", CL_OPT_INT, &s->logs.lines, "lines each writer writes", 1, 20000},
        {"interval-ms", CL_OPT_INT, &s->logs.interval_ms,
         "a writer pauses a random time of up to this before each line (ms)", 0, 1000},
        {"poll-ms", CL_OPT_INT, &poll_ms, "a reader that found nothing sleeps this long (ms)",
         1, 1000},
        {"tail-ms", CL_OPT_INT, &s->logs.tail_ms, "the readers stop this long after the start, "
         "once their file is finished (ms)", 0, 10000},
        {"workers", CL_OPT_LIST, &workers, "threads of the executor (one value; CPython's "
         "default, min(32, cores + 4))", 1, 64},
        {"fail-line", CL_OPT_LIST, &fail, "errors: the write of this FILE,LINE fails on the loop",
         0, 20000},
        {"rounds", CL_OPT_INT, rounds, "rounds, the variants interleaved in each", 1, 100},
        {0},
    };
    if (!rounds)
        opts[8] = (struct cl_opt){0};   /* the story runs once */
    struct cl_program prog = {.name = name, .summary = summary, .opts = opts, .common = CL_PIN};
    cl_parse(&prog, argc, argv);
    if (workers.n != 1 || fail.n != 2)
        cl_usage_error("--workers takes one value, --fail-line two (FILE,LINE)");
    if (fail.v[0] >= s->logs.files || fail.v[1] >= s->logs.lines)
        cl_usage_error("--fail-line %ld,%ld: no such line (%ld files of %ld lines)", fail.v[0],
                       fail.v[1], s->logs.files, s->logs.lines);
    s->poll_s = poll_ms / 1e3;
    s->workers = workers.v[0];
    s->fail_file = fail.v[0];
    s->fail_line = fail.v[1];
    s->pinned = prog.pin;
    char *probe = cl_make_temp_dir("conclab62");   /* a TMPDIR that takes no folder: exit 2, */
    CL_CHECK_SYS(cl_remove_tree(probe));           /* before anything is printed */
    free(probe);
    cl_catch_stop_signals();
    return part;
}
