/*
 * life_fanout.c - generations as fan-out then fan-in, checked and shown
 * (items 58 and 59). See life_fanout.h.
 */
#include "58_queue_workers/life_fanout.h"

#include "clab.h"

#include <errno.h>
#include <string.h>

struct life_run life_run_fanout(const struct life_grid *start, int generations,
                                const struct life_fanout *how)
{
    struct life_run r = {.threads = -1, .rss_kib = -1};
    struct life_grid *cur = life_new(start->rows, start->cols);
    struct life_grid *next = life_new(start->rows, start->cols);
    if (cur == NULL || next == NULL)
        cl_fail(__FILE__, __LINE__, "life_new", errno);
    life_copy(cur, start);
    double busy_s = 0;
    while (r.done < generations && r.error == 0 && !cl_interrupted()) {
        double t0 = cl_now();
        how->fan_out(how->ctx, cur);
        if (r.done == 0) { /* read, then left out of the time */
            double t1 = cl_now();
            r.threads = cl_threads_now();
            r.rss_kib = cl_rss_kib();
            t0 += cl_now() - t1;
        }
        r.error = how->fan_in(how->ctx, next, &r.err_y, &r.err_x);
        busy_s += cl_now() - t0;
        if (r.error == 0) { /* next is complete: it becomes the current grid */
            struct life_grid *t = cur;
            cur = next;
            next = t;
            r.done++;
        }
    }
    if (cl_interrupted())
        r.error = EINTR;
    r.gen_s = busy_s / (r.done > 0 ? r.done : 1);
    life_free(next);
    r.final = cur;
    return r;
}

void life_check_against_serial(const struct life_grid *start, const struct life_run *r,
                               const char *who)
{
    if (r->error == EINTR) /* an interrupted run is not a wrong one */
        return;
    struct life_grid *want = life_reference(start, r->done);
    if (want == NULL)
        cl_fail(__FILE__, __LINE__, "life_reference", errno);
    if (!life_equal(want, r->final))
        cl_die("%s: the %d x %d grid after %d generations differs from the serial one", who,
               start->rows, start->cols, r->done);
    life_free(want);
}

void life_print_simulation_error(FILE *out, const struct life_run *r)
{
    fprintf(out, "simulation error at (%d, %d): %s\n", r->err_y, r->err_x, strerror(r->error));
}

long life_waits_per_generation(long cells, long workers)
{
    return (cells + workers - 1) / workers;
}

bool life_show_book_grid(life_simulate sim, int workers, const void *variant, double io_s,
                         const char *by_whom)
{
    enum { GENS = 4 };
    struct life_grid *gens[GENS + 1] = {life_book_grid()};
    if (gens[0] == NULL)
        cl_fail(__FILE__, __LINE__, "life_book_grid", errno);
    struct life_io io = {io_s, -1, -1};
    int made = 1;
    for (; made <= GENS; made++) { /* one generation at a time, to show each */
        struct life_run r = sim(gens[made - 1], 1, workers, &io, variant);
        gens[made] = r.final;
        if (r.error != 0)
            break; /* no cell fails here: only Ctrl-C stops it */
        life_check_against_serial(gens[made - 1], &r, by_whom);
    }
    bool whole = made > GENS;
    if (whole) {
        printf("the book's grid, 5 x 9, generations 0 to %d by %s ('*' alive, '-' empty),\n"
               "each checked against item 56's serial simulation:\n",
               GENS, by_whom);
        life_print_columns(stdout, gens, GENS + 1, 80);
    }
    for (int i = 0; i <= GENS && i <= made; i++)
        life_free(gens[i]);
    return whole;
}

bool life_show_failing_cell(life_simulate sim, int workers, const void *variant, double io_s,
                            int fail_y, int fail_x, const char *how_it_comes_back)
{
    struct life_grid *start = life_book_grid();
    if (start == NULL)
        cl_fail(__FILE__, __LINE__, "life_book_grid", errno);
    struct life_io io = {io_s, fail_y, fail_x};
    struct life_run r = sim(start, 4, workers, &io, variant);
    life_check_against_serial(start, &r, how_it_comes_back);
    life_free(start);
    life_free(r.final);
    if (r.error == EINTR)
        return false;
    if (r.error != EIO || r.err_y != fail_y || r.err_x != fail_x || r.done != 0)
        cl_die("the failing cell (%d, %d) came back as error %d at (%d, %d) after %d "
               "generations",
               fail_y, fail_x, r.error, r.err_y, r.err_x, r.done);
    printf("cell (%d, %d)'s I/O fails in its worker; %s:\n  ", fail_y, fail_x,
           how_it_comes_back);
    life_print_simulation_error(stdout, &r);
    return true;
}

bool life_show_timing(life_simulate sim, int workers, const void *variant, int rows, int cols,
                      double io_s, int generations, double extra_waits, const char *what)
{
    struct life_grid *start = life_starting_grid(rows, cols, 56);
    if (start == NULL)
        cl_fail(__FILE__, __LINE__, "life_starting_grid", errno);
    struct life_io io = {io_s, -1, -1};
    struct life_run r = sim(start, generations, workers, &io, variant);
    life_check_against_serial(start, &r, what);
    life_free(start);
    life_free(r.final);
    if (r.error != 0)
        return false;
    long cells = (long)rows * cols;
    char waits[64];
    snprintf(waits, sizeof waits, "ceil(%ld / %d)", cells, workers);
    if (extra_waits > 0) /* a second stage: its last cell waits once more */
        snprintf(waits, sizeof waits, "(ceil(%ld / %d) + %g)", cells, workers, extra_waits);
    printf("%s, %d worker%s, %d x %d grid (%ld cells), %g ms of I/O per cell, %d generation(s):\n"
           "  %.3g ms per generation; ideal %s x %g ms = %.3g ms; %d threads alive\n",
           what, workers, workers == 1 ? "" : "s", rows, cols, cells, io_s * 1e3, generations,
           r.gen_s * 1e3, waits,
           io_s * 1e3,
           ((double)life_waits_per_generation(cells, workers) + extra_waits) * io_s * 1e3,
           r.threads);
    return true;
}

#define STORY_MAX_CELLS 100000L /* a fan-out of more would hold up Ctrl-C */
#define ERROR_EXIT 3

/* Seconds the parts asked for would take at least: their waits at the ideal
 * speed, and a few microseconds a cell. */
static double predicted_s(const struct life_story *s, const char *part, long cells, long w,
                          long generations, double io_s)
{
    bool all = strcmp(part, "all") == 0;
    double book = (double)life_waits_per_generation(45, w) * io_s; /* the book's 45 cells */
    double timed =
        (double)generations * ((double)life_waits_per_generation(cells, w) * io_s + 1e-5 * cells);
    double t = 0;
    if (all || strcmp(part, "grid") == 0)
        t += 4 * book;
    if (all || strcmp(part, "error") == 0)
        t += book;
    if (all || strcmp(part, "time") == 0)
        t += timed;
    if (s->second_part && (all || strcmp(part, s->second_part) == 0))
        t += timed + (double)generations * s->second_extra_waits * io_s;
    return t;
}

int life_story_main(const struct life_story *s, int argc, char **argv)
{
    const char *part = "all";
    struct cl_list workers = {1, {s->workers}}, fail_cell = {2, {2, 3}};
    long rows = 5, cols = 9, generations = 4;
    double io_ms = 1;
    char choices[64];
    snprintf(choices, sizeof choices, "all|grid|error|time%s%s", s->second_part ? "|" : "",
             s->second_part ? s->second_part : "");
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &part, "what to show (all: every part)", 0, 0, choices},
        {"workers", CL_OPT_LIST, &workers, "worker threads (one value)", 1, 1000},
        {"rows", CL_OPT_INT, &rows, "grid rows of the timed run", 1, 1000},
        {"cols", CL_OPT_INT, &cols, "grid columns of the timed run", 1, 1000},
        {"io-ms", CL_OPT_DOUBLE, &io_ms, "how long each cell's I/O blocks, ms", 0, 1000},
        {"generations", CL_OPT_INT, &generations, "generations of the timed run", 1, 1000},
        {"fail-cell", CL_OPT_LIST, &fail_cell, "Y,X: the cell of the book's grid whose I/O fails",
         0, 8},
        {0},
    };
    char epilogue[512];
    snprintf(epilogue, sizeof epilogue,
             "Parts: grid (the book's 5 x 9 grid, checked against serial), error (a cell's\n"
             "  error comes back; alone it ends with exit status 3, as the uncaught\n"
             "  SimulationError would), time (one timed run)%s%s%s%s.\n"
             "A run predicted to last over a minute is refused (exit 2).\n",
             s->second_part ? ", " : "", s->second_part ? s->second_part : "",
             s->second_part ? ": " : "", s->second_part ? s->second_timed : "");
    struct cl_program prog = {.name = s->name, .summary = s->summary, .epilogue = epilogue,
                              .opts = opts};
    cl_parse(&prog, argc, argv);
    cl_catch_stop_signals();
    if (workers.n != 1 || fail_cell.n != 2)
        cl_usage_error("--workers takes one number, --fail-cell two (Y,X)");
    if (fail_cell.v[0] > 4)
        cl_usage_error("--fail-cell %ld,%ld lies outside the book's 5 x 9 grid", fail_cell.v[0],
                       fail_cell.v[1]);
    long cells = rows * cols, w = workers.v[0];
    if (cells > STORY_MAX_CELLS)
        cl_usage_error("a %ld x %ld grid has %ld cells, more than the %ld allowed", rows, cols,
                       cells, STORY_MAX_CELLS);
    double io_s = io_ms / 1e3;
    cl_check_run_length(predicted_s(s, part, cells, w, generations, io_s),
                        "this run (--generations x ceil(cells / --workers) x --io-ms)");

    bool all = strcmp(part, "all") == 0, ok = true;
    if (all || strcmp(part, "grid") == 0)
        ok = life_show_book_grid(s->simulate, (int)w, s->variant, io_s, s->by_whom);
    if (ok && (all || strcmp(part, "error") == 0))
        ok = life_show_failing_cell(s->simulate, (int)w, s->variant, io_s, (int)fail_cell.v[0],
                                    (int)fail_cell.v[1], s->comes_back);
    if (ok && (all || strcmp(part, "time") == 0))
        ok = life_show_timing(s->simulate, (int)w, s->variant, (int)rows, (int)cols, io_s,
                              (int)generations, 0, s->timed);
    if (ok && s->second_part && (all || strcmp(part, s->second_part) == 0))
        ok = life_show_timing(s->simulate, (int)w, s->second_variant, (int)rows, (int)cols, io_s,
                              (int)generations, s->second_extra_waits, s->second_timed);
    if (!ok)
        cl_exit_interrupted();
    return strcmp(part, "error") == 0 ? ERROR_EXIT : 0;
}
