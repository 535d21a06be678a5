/*
 * 56_game_of_life-bench - what the harness measures for Item 56 (CSV on
 * stdout, one header line, one row per run). It measures the very functions
 * the program shows: game_of_life.c is included below.
 *
 * Parts (--part):
 *   cells       the serial simulation at each grid size of --cells (grids as
 *               square as possible), --io-ms per cell, --rounds interleaved
 *               rounds, numbered from 1. The columns begin with the chapter's
 *               cross-item ones (harness/README.md), then this item's own:
 *                 approach,cells,latency_ms,round,gen_s,rss_kib,note,rows,cols,runq_s
 *               A size whose predicted generation (cells x latency) is over
 *               5 s, or that would take the sweep past 20 s in all, gets one
 *               row with round 0, no gen_s, and the reason in note.
 *   overlapped  the negative control: the same sweep, same columns, with the
 *               cells' waits overlapped: every cell's request is sent before
 *               any reply is awaited (approach "overlapped"). What fan-out
 *               and fan-in buy, modelled without threads.
 *   book        the book's setting: its 5 x 9 grid, --io-ms per cell (the
 *               book's 100 ms), serial and overlapped, each round opened by
 *               --lone-calls lone game_logic calls of --lone-ms (how late
 *               this machine wakes a sleeper):
 *                 variant,rows,cols,cells,io_ms,round,gen_s,runq_s
 *               variant serial, overlapped, or one_call (cells 1).
 * runq_s: how long the timed thread sat in the run queue, ready but waiting
 * for a CPU, during the run (Linux schedstat; empty where unknown): the part
 * of the time a busy machine added, which a control subtracts.
 * Every timed generation is checked against the rules with no I/O.
 */
#define main story_main
#include "56_game_of_life/game_of_life.c"
#undef main

#include <math.h>
#include <time.h>

#define GEN_BUDGET_S 5.0    /* the most a generation may be predicted to take */
#define SWEEP_BUDGET_S 20.0 /* the most a sweep may be predicted to take, all rounds */

/* Seconds the calling thread has waited in the run queue (ready to run, no
 * CPU free), from /proc/thread-self/schedstat; NAN where unknown. */
static double run_queue_s(void)
{
    FILE *f = fopen("/proc/thread-self/schedstat", "r");
    double on_cpu_ns, waiting_ns = NAN;
    if (f == NULL)
        return NAN;
    if (fscanf(f, "%lf %lf", &on_cpu_ns, &waiting_ns) != 2)
        waiting_ns = NAN;
    fclose(f);
    return waiting_ns / 1e9;
}

/* "%.6f", or nothing for NAN (an empty CSV field). */
static const char *seconds_or_empty(double s, char *buf, size_t cap)
{
    if (isnan(s))
        buf[0] = '\0';
    else
        snprintf(buf, cap, "%.6f", s);
    return buf;
}

/* ---- The negative control: the cells' waits overlapped ------------------- */

/* Blocks until the cl_now() time `due`, in slices of at most 100 ms, and
 * gives up at once after Ctrl-C (the same rules as life_game_logic's wait). */
static void wait_until(double due)
{
    for (double left; (left = due - cl_now()) > 0 && !cl_interrupted();) {
        struct timespec ts = {0, (long)((left > 0.1 ? 0.1 : left) * 1e9)};
        if (nanosleep(&ts, NULL) == -1 && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "nanosleep", errno);
    }
}

/* One generation with every cell's request sent at once: each reply is due
 * one latency after the sending, and the replies are collected cell by cell.
 * Only the first collection waits; the generation takes about one latency. */
static void step_overlapped(const struct life_grid *cur, struct life_grid *next,
                            double latency_s)
{
    double due = cl_now() + latency_s; /* every request sent now */
    for (int y = 0; y < cur->rows; y++)
        for (int x = 0; x < cur->cols; x++) {
            wait_until(due);
            life_set(next, y, x, life_next_state(life_get(cur, y, x),
                                                 life_count_neighbors(cur, y, x)));
        }
}

/* Times one generation of a rows x cols grid, serial (the program's [p1]) or
 * overlapped, and checks it. *rss_kib: resident memory at its end; *runq_s:
 * its time in the run queue. Returns the wall seconds, or -1 after Ctrl-C. */
static double time_generation(int rows, int cols, double latency_s, bool overlapped,
                              long *rss_kib, double *runq_s)
{
    struct life_grid *start = new_grid(rows, cols);
    struct life_grid *cur = new_grid(rows, cols), *next = new_grid(rows, cols);
    struct life_io io = {.latency_s = latency_s, .fail_y = -1, .fail_x = -1};
    double q0 = run_queue_s(), t0 = cl_now();
    if (overlapped) {
        step_overlapped(cur, next, latency_s);
        struct life_grid *t = cur;
        cur = next;
        next = t;
    } else {
        simulate(&cur, &next, 1, &io);
    }
    double wall = cl_now() - t0;
    *runq_s = run_queue_s() - q0;
    *rss_kib = cl_rss_kib();
    bool cut_short = cl_interrupted();
    if (!cut_short && !life_matches_reference(start, cur, 1))
        cl_die("%d x %d grid, %s: the generation differs from the serial reference", rows,
               cols, overlapped ? "overlapped" : "serial");
    life_free(start);
    life_free(cur);
    life_free(next);
    return cut_short ? -1 : wall;
}

/* ---- The parts ------------------------------------------------------------- */

struct settings {
    const char *part;
    struct cl_list cells;
    double io_ms, lone_ms;
    long rounds, lone_calls;
};

/* A generation's predicted seconds: serial waits cells x latency; overlapped
 * one latency, plus the rules at about 0.2 us a cell. */
static double predicted_s(long cells, double latency_s, bool overlapped)
{
    return (overlapped ? latency_s : (double)cells * latency_s) + (double)cells * 2e-7;
}

/* Which sizes of --cells the sweep measures: in order, while a generation
 * fits GEN_BUDGET_S and the rounds SWEEP_BUDGET_S in all. The rest get a
 * note. Returns how many are measured. */
static int plan_sweep(const struct settings *s, bool overlapped, double *sweep_s)
{
    double latency = s->io_ms / 1000;
    *sweep_s = 0;
    int n = 0;
    for (; n < s->cells.n; n++) {
        double gen = predicted_s(s->cells.v[n], latency, overlapped);
        if (gen > GEN_BUDGET_S || *sweep_s + (double)s->rounds * gen > SWEEP_BUDGET_S)
            break;
        *sweep_s += (double)s->rounds * gen;
    }
    return n;
}

static void part_sweep(const struct settings *s, bool overlapped)
{
    const char *approach = overlapped ? "overlapped" : "serial";
    double latency = s->io_ms / 1000, sweep_s;
    int measured = plan_sweep(s, overlapped, &sweep_s);
    cl_csv_header("approach,cells,latency_ms,round,gen_s,rss_kib,note,rows,cols,runq_s");
    for (long r = 1; r <= s->rounds && !cl_interrupted(); r++) {
        for (int i = 0; i < measured && !cl_interrupted(); i++) {
            int rows, cols;
            long rss;
            double runq;
            char q[32];
            life_grid_shape(s->cells.v[i], &rows, &cols);
            double gen = time_generation(rows, cols, latency, overlapped, &rss, &runq);
            if (gen >= 0)
                cl_csv_row("%s,%ld,%g,%ld,%.6f,%ld,,%d,%d,%s", approach, s->cells.v[i],
                           s->io_ms, r, gen, rss, rows, cols,
                           seconds_or_empty(runq, q, sizeof q));
        }
    }
    for (int i = measured; i < s->cells.n && !cl_interrupted(); i++) {
        int rows, cols;
        double gen = predicted_s(s->cells.v[i], latency, overlapped);
        life_grid_shape(s->cells.v[i], &rows, &cols);
        cl_csv_row("%s,%ld,%g,0,,,over the %.0f s budget %s: predicted %.3g s a generation,%d,%d,",
                   approach, s->cells.v[i], s->io_ms,
                   gen > GEN_BUDGET_S ? GEN_BUDGET_S : SWEEP_BUDGET_S,
                   gen > GEN_BUDGET_S ? "per generation" : "of the sweep", gen, rows, cols);
    }
}

/* How long one game_logic call really blocks: never shorter than asked, but
 * a busy machine wakes the sleeper late. */
static double time_lone_call(const struct life_io *io)
{
    bool next;
    double t0 = cl_now();
    CL_CHECK_RC(life_game_logic(io, 0, 0, true, 2, &next));
    return cl_now() - t0;
}

static void part_book(const struct settings *s)
{
    struct life_io io = {.latency_s = s->io_ms / 1000, .fail_y = -1, .fail_x = -1};
    struct life_io lone = {.latency_s = s->lone_ms / 1000, .fail_y = -1, .fail_x = -1};
    cl_csv_header("variant,rows,cols,cells,io_ms,round,gen_s,runq_s");
    char q[32];
    for (long r = 1; r <= s->rounds && !cl_interrupted(); r++) {
        for (long i = 0; i < s->lone_calls && !cl_interrupted(); i++) {
            double q0 = run_queue_s(), t = time_lone_call(&lone);
            if (!cl_interrupted())
                cl_csv_row("one_call,1,1,1,%g,%ld,%.6f,%s", s->lone_ms, r, t,
                           seconds_or_empty(run_queue_s() - q0, q, sizeof q));
        }
        for (int overlapped = 0; overlapped <= 1 && !cl_interrupted(); overlapped++) {
            long rss;
            double runq;
            double gen = time_generation(5, 9, io.latency_s, overlapped, &rss, &runq);
            if (gen >= 0)
                cl_csv_row("%s,5,9,45,%g,%ld,%.6f,%s", overlapped ? "overlapped" : "serial",
                           s->io_ms, r, gen, seconds_or_empty(runq, q, sizeof q));
        }
    }
}

int main(int argc, char **argv)
{
    struct settings s = {.part = "cells", .cells = {6, {45, 400, 2500, 10000, 100000, 1000000}},
                         .io_ms = 1, .lone_ms = 1, .rounds = 3, .lone_calls = 20};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &s.part, "what to measure", .choices = "cells|overlapped|book"},
        {"cells", CL_OPT_LIST, &s.cells, "grid sizes in cells, ascending (parts cells, overlapped)", 1,
         LIFE_MAX_CELLS},
        {"io-ms", CL_OPT_DOUBLE, &s.io_ms, "how long each cell's game_logic blocks, ms", 0.001,
         1000},
        {"rounds", CL_OPT_INT, &s.rounds, "rounds, the runs interleaved in each", 1, 20},
        {"lone-calls", CL_OPT_INT, &s.lone_calls, "book: lone game_logic calls per round", 0,
         100},
        {"lone-ms", CL_OPT_DOUBLE, &s.lone_ms, "book: how long each lone call blocks, ms", 0.001,
         100},
        {0},
    };
    struct cl_program prog = {
        .name = "56_game_of_life-bench",
        .summary = "measures Item 56: serial generations against cells x latency, and the "
                   "same with the waits overlapped (CSV)",
        .epilogue = "Examples:\n"
                    "  56_game_of_life-bench --part cells --cells 45,400,2500 --io-ms 1\n"
                    "  56_game_of_life-bench --part book --io-ms 100 --rounds 1\n"
                    "A sweep measures the sizes whose generation is predicted under 5 s, while\n"
                    "all its rounds stay under 20 s; the book part waits --rounds x\n"
                    "(46 x --io-ms + --lone-calls x --lone-ms), at most 60 s.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    for (int i = 1; i < s.cells.n; i++)
        if (s.cells.v[i] <= s.cells.v[i - 1])
            cl_usage_error("--cells: the sizes must go up (%ld after %ld)", s.cells.v[i],
                           s.cells.v[i - 1]);
    if (strcmp(s.part, "book") == 0)
        cl_check_run_length((double)s.rounds *
                                (46 * s.io_ms + (double)s.lone_calls * s.lone_ms) / 1000,
                            "--rounds x (46 x --io-ms + --lone-calls x --lone-ms)");
    cl_catch_stop_signals();

    if (strcmp(s.part, "book") == 0)
        part_book(&s);
    else
        part_sweep(&s, strcmp(s.part, "overlapped") == 0);
    cl_exit_if_interrupted();
    return 0;
}
