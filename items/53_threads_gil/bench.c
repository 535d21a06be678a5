/*
 * 53_threads_gil-bench - the measuring of Item 53, for the harness
 * (harness/measure/53.sh). threads_gil.c tells the story; this runs the very
 * same functions in interleaved rounds and prints CSV: a header, then one row
 * per variant per round. One --part per run, each with its own columns:
 *
 *   cpu       the book's numbers, serial then one thread each, per policy and
 *             thread count. speedup = serial_s / threads_s of the same round;
 *             cpu_per_wall = CPU seconds / wall of the threaded run (how many
 *             cores it really got: the control of the CPU claim).
 *   io        one blocking call per thread (work=blocking), and with
 *             --computing the same threads computing for as long instead
 *             (work=computing, new GIL only: the negative control); each row
 *             also times this thread computing for as long as the threads'
 *             part takes alone, alone and beside them (compute_s, both_s), and
 *             hidden = (compute_s + threads_s - both_s) / min(compute_s, threads_s):
 *             1 when the two overlap fully, 0 when they take their sum.
 *   convoy    round trips alone and beside a CPU-bound thread, per policy and
 *             echo delay; slowdown = busy_p50_us / alone_p50_us;
 *             hog_cpu_share = the CPU-bound thread's CPU time / its wall
 *             time (under `none` it has no lock to wait for: how much of a
 *             core the machine gave it). busy_trips 0: the client never got
 *             the lock back (starved) and busy_p50_us is the time it waited.
 *   timeline  who holds the lock, two scenes (two CPU-bound threads; the
 *             convoy's I/O thread beside a CPU-bound one) per policy with a
 *             lock; rows are intervals; --trace-json FILE writes the same as
 *             Chrome trace-event JSON (ui.perfetto.dev), via FILE.part.
 *
 * Every run is bounded (a prediction past CL_RUN_LIMIT_S is refused) and
 * Ctrl-C, SIGTERM or SIGHUP stop it within half a second: threads joined,
 * no .part file left, exit 128 + the signal.
 */
#define main story_main
#include "53_threads_gil/threads_gil.c"
#undef main

#include "53_threads_gil/gil_trace.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

static struct bench {
    const char *part, *policy, *trace_json;
    struct cl_list threads, calls, echo_us;
    long rounds, wait_ms, ticks, trips, trace_ms;
    double interval_ms, convoy_s;
    bool computing, pinned;
} b = {.part = "cpu", .policy = "all", .threads = {1, {4}}, .calls = {1, {5}},
       .echo_us = {2, {0, 100}}, .rounds = 5, .wait_ms = 100, .ticks = 100, .trips = 20,
       .trace_ms = 30, .interval_ms = 5, .convoy_s = 2};

#define CPU_COLUMNS                                                                         \
    "policy,threads,round,pinned,serial_s,threads_s,speedup,cpu_s,cpu_per_wall,"            \
    "acquisitions,forced_drops,switches,wait_s"
#define IO_COLUMNS                                                                          \
    "policy,work,calls,wait_ms,round,pinned,serial_s,threads_s,speedup,compute_s,both_s,"   \
    "hidden"
#define CONVOY_COLUMNS                                                                      \
    "policy,echo_us,round,pinned,interval_ms,alone_p50_us,alone_p99_us,alone_trips,"        \
    "busy_p50_us,busy_p99_us,busy_trips,slowdown,hog_cpu_share,forced_drops,switches"
#define TIMELINE_COLUMNS "scene,policy,thread,label,state,start_ms,end_ms"

static struct gil *new_lock(enum gil_policy p)
{
    struct gil *g = cl_calloc(1, sizeof *g);
    gil_init(g, p, b.interval_ms / 1e3, b.ticks);
    return g;
}

static void free_lock(struct gil *g)
{
    gil_destroy(g);
    free(g);
}

/* ---- cpu ------------------------------------------------------------------ */

static void cpu_row(enum gil_policy p, long threads, long round)
{
    struct gil *g = new_lock(p);
    struct task *tasks = tasks_for(g, threads, 0);
    struct timing t = serial_then_threads(tasks, threads, factorize);
    struct gil_stats st = gil_get_stats(g); /* the serial and the threaded run together */
    if (!cl_interrupted())
        cl_csv_row("%s,%ld,%ld,%d,%.6f,%.6f,%.4f,%.6f,%.3f,%ld,%ld,%ld,%.6f",
                   gil_policy_name(p), threads, round, b.pinned, t.serial_s, t.threads_s,
                   t.serial_s / t.threads_s, t.threads_cpu_s, t.threads_cpu_s / t.threads_s,
                   st.acquisitions, st.forced_drops, st.switches, st.wait_seconds);
    free(tasks);
    free_lock(g);
}

/* ---- io: blocking calls, the overlap, and the same threads computing ------- */

static void io_row(enum gil_policy p, long calls, bool computing, uint64_t number, long round)
{
    struct gil *g = new_lock(p);
    struct task *tasks = tasks_for(g, calls, b.wait_ms);
    for (long i = 0; i < calls && computing; i++)
        tasks[i].number = number; /* as long as the call would have blocked */
    void *(*body)(void *) = computing ? factorize : slow_systemcall;
    struct timing t = serial_then_threads(tasks, calls, body);
    /* [p6] this thread computes for as long as the threads' part takes alone
     * (one call's length; five under a GIL when they compute), alone and then
     * beside them: two equal parts, whose sum is twice the longer. */
    struct task mine = {.g = g, .number = computing ? number * (uint64_t)calls : number};
    double t0 = cl_now();
    factorize(&mine);
    double compute_s = cl_now() - t0;
    t0 = cl_now();
    on_threads(tasks, calls, body, &mine);
    double both_s = cl_now() - t0;
    if (!cl_interrupted())
        cl_csv_row("%s,%s,%ld,%ld,%ld,%d,%.6f,%.6f,%.4f,%.6f,%.6f,%.4f", gil_policy_name(p),
                   computing ? "computing" : "blocking", calls, b.wait_ms, round, b.pinned,
                   t.serial_s, t.threads_s, t.serial_s / t.threads_s, compute_s, both_s,
                   (compute_s + t.threads_s - both_s) / fmin(compute_s, t.threads_s));
    free(tasks);
    free_lock(g);
}

/* ---- convoy ------------------------------------------------------------------ */

struct trips {
    long n;
    double p50_us, p99_us, hog_cpu_share;
    struct gil_stats stats;
};

static struct trips trips_of(enum gil_policy p, long echo_us, bool busy)
{
    struct gil *g = new_lock(p);
    struct convoy c = {.g = g, .echo_us = echo_us, .trips = b.trips};
    c.trip_s = cl_calloc((size_t)b.trips, sizeof *c.trip_s);
    convoy_run(&c, busy, b.convoy_s);
    /* Starved (no trip made): the time it waited, a lower bound. */
    struct trips r = {c.done, b.convoy_s * 1e6, b.convoy_s * 1e6,
                      c.hog_wall_s > 0 ? c.hog_cpu_s / c.hog_wall_s : 0, gil_get_stats(g)};
    if (c.done > 0) {
        r.p50_us = cl_percentile(c.trip_s, (size_t)c.done, 50) * 1e6;
        r.p99_us = cl_percentile(c.trip_s, (size_t)c.done, 99) * 1e6;
    }
    free(c.trip_s);
    free_lock(g);
    return r;
}

static void convoy_row(enum gil_policy p, long echo_us, long round)
{
    struct trips alone = trips_of(p, echo_us, false);
    struct trips busy = cl_interrupted() ? alone : trips_of(p, echo_us, true);
    if (!cl_interrupted())
        cl_csv_row("%s,%ld,%ld,%d,%g,%.2f,%.2f,%ld,%.2f,%.2f,%ld,%.3f,%.3f,%ld,%ld",
                   gil_policy_name(p), echo_us, round, b.pinned, b.interval_ms, alone.p50_us,
                   alone.p99_us, alone.n, busy.p50_us, busy.p99_us, busy.n,
                   busy.p50_us / alone.p50_us, busy.hog_cpu_share, busy.stats.forced_drops,
                   busy.stats.switches);
}

/* ---- timeline ----------------------------------------------------------------- */

struct scene_thread {
    struct gil *g;
    const char *label;
    atomic_bool *stop;
    atomic_int *running;
};

/* A CPU-bound thread that names itself in the trace and factorizes until told. */
static void *traced_hog(void *arg)
{
    struct scene_thread *t = arg;
    gil_trace_record(t->g->trace, GIL_TRACE_NAME, t->label);
    atomic_fetch_add(t->running, 1);
    gil_acquire(t->g);
    while (!atomic_load(t->stop) && !cl_interrupted())
        divisors_by_trial(t->g, 1 << 20, t->stop);
    gil_release(t->g);
    return NULL;
}

/* Two CPU-bound threads; the scene starts once both run (on a busy machine a
 * new thread can wait milliseconds for its first turn, not the GIL's doing). */
static void scene_cpu(struct gil *g)
{
    atomic_bool stop = false;
    atomic_int running = 0;
    struct scene_thread t[2] = {{g, "CPU thread 1", &stop, &running},
                                {g, "CPU thread 2", &stop, &running}};
    pthread_t tids[2];
    for (int i = 0; i < 2; i++)
        CL_CHECK_RC(pthread_create(&tids[i], NULL, traced_hog, &t[i]));
    while (atomic_load(&running) < 2 && !cl_interrupted())
        cl_sleep(0.0001);
    double from = cl_now();
    while (cl_now() < from + b.trace_ms / 1e3 && !cl_interrupted())
        cl_sleep(0.001);
    gil_trace_window(g->trace, from, from + b.trace_ms / 1e3);
    atomic_store(&stop, true);
    for (int i = 0; i < 2; i++)
        CL_CHECK_RC(pthread_join(tids[i], NULL));
}

/* The convoy's I/O thread beside a CPU-bound one, from the client's start. The
 * echo is the last of --echo-us. */
static void scene_convoy(struct gil *g)
{
    struct convoy c = {.g = g, .echo_us = b.echo_us.v[b.echo_us.n - 1], .trips = 100000};
    c.trip_s = cl_calloc((size_t)c.trips, sizeof *c.trip_s);
    convoy_run(&c, true, b.trace_ms / 1e3);
    gil_trace_window(g->trace, c.client_started, c.client_started + b.trace_ms / 1e3);
    free(c.trip_s);
}

struct scene_rows {
    const char *scene;
    enum gil_policy policy;
};

static void interval_row(void *arg, int thread, const char *label, enum gil_trace_state state,
                         double start, double end)
{
    struct scene_rows *s = arg;
    cl_csv_row("%s,%s,%d,%s,%s,%.4f,%.4f", s->scene, gil_policy_name(s->policy), thread,
               label ? label : "thread", gil_trace_state_name(state), start * 1e3, end * 1e3);
}

static void timeline(enum gil_policy p, FILE *json, int *pid)
{
    static const char *const scenes[] = {"cpu", "convoy"};
    for (int k = 0; k < 2 && !cl_interrupted() && p != GIL_NONE; k++) {
        struct gil *g = new_lock(p);
        struct gil_trace trace;
        gil_trace_init(&trace, 1L << 18);
        gil_set_trace(g, &trace);
        (k == 0 ? scene_cpu : scene_convoy)(g);
        struct scene_rows rows = {scenes[k], p};
        if (!cl_interrupted())
            gil_trace_intervals(&trace, interval_row, &rows);
        if (json && !cl_interrupted()) {
            char name[64];
            snprintf(name, sizeof name, "%s, %s GIL", scenes[k], gil_policy_name(p));
            gil_trace_json(&trace, json, (*pid)++, name);
        }
        gil_trace_destroy(&trace);
        free_lock(g);
    }
}

/* ---- --trace-json FILE --------------------------------------------------------- */

/* The shared parser has no kind for a file name: take it out of argv before
 * cl_parse sees the rest. A missing value (or one that is another flag, as in
 * "--trace-json --pin") is reported after cl_parse, under the program's name. */
static bool take_trace_json(int *argc, char **argv)
{
    bool missing = false;
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        if (strncmp(argv[i], "--trace-json=", 13) == 0) {
            b.trace_json = argv[i] + 13;
            missing = !*b.trace_json;
        } else if (strcmp(argv[i], "--trace-json") == 0) {
            missing = i + 1 >= *argc || strncmp(argv[i + 1], "--", 2) == 0 || !*argv[i + 1];
            b.trace_json = missing ? NULL : argv[++i];
        } else
            argv[out++] = argv[i];
    }
    *argc = out;
    argv[out] = NULL;
    return missing;
}

/* Written as FILE.part and renamed once whole, so a stopped run leaves
 * nothing under FILE's name. A FILE that is not a regular file (/dev/null, a
 * pipe) is written in place: a rename would replace it. */
static FILE *open_trace_json(char *part, size_t size)
{
    struct stat st;
    char q[96];
    part[0] = '\0';
    if ((stat(b.trace_json, &st) != 0 || S_ISREG(st.st_mode)) &&
        snprintf(part, size, "%s.part", b.trace_json) >= (int)size)
        cl_usage_error("--trace-json: the name is too long");
    FILE *json = fopen(part[0] ? part : b.trace_json, "w");
    if (!json)
        cl_usage_error("--trace-json: cannot write '%s': %s",
                       cl_quote(part[0] ? part : b.trace_json, q, sizeof q), strerror(errno));
    gil_trace_json_begin(json);
    return json;
}

static void close_trace_json(FILE *json, const char *part)
{
    if (!cl_interrupted())
        gil_trace_json_end(json);
    if (fclose(json) != 0 && !cl_interrupted())
        cl_fail(__FILE__, __LINE__, "fclose(--trace-json)", errno);
    if (part[0] && cl_interrupted())
        CL_CHECK_SYS(unlink(part));
    else if (part[0])
        CL_CHECK_SYS(rename(part, b.trace_json));
}

/* ---- Main: predict, then the rounds -------------------------------------------- */

/* Seconds the run would take, on the generous side. */
static double predicted_s(int np, double division_s)
{
    double s = 0, old_factor = 1 + 30.0 / (double)b.ticks; /* a forced drop costs ~30 ticks */
    if (strcmp(b.part, "cpu") == 0)
        for (int i = 0; i < b.threads.n; i++)
            s += 2 * b.threads.v[i] * 2.2e6 * division_s * old_factor *
                 (1 + 1e-5 / (b.interval_ms / 1e3));
    if (strcmp(b.part, "io") == 0)
        for (int i = 0; i < b.calls.n; i++)
            s += (b.calls.v[i] + 3 + (b.computing ? 5.0 * b.calls.v[i] : 0)) * b.wait_ms / 1e3;
    for (int i = 0; i < b.echo_us.n && strcmp(b.part, "convoy") == 0; i++) {
        double trip = b.echo_us.v[i] / 1e6 + 1e-3;
        s += fmin(b.convoy_s, b.trips * trip) +
             fmin(b.convoy_s, b.trips * (trip + 1.5 * b.interval_ms / 1e3 +
                                         b.ticks * DIVISIONS_PER_TICK * division_s)) + 0.01;
    }
    if (strcmp(b.part, "timeline") == 0)
        return np * 2 * (b.trace_ms / 1e3 + 0.05);
    return s * np * (double)b.rounds;
}

int main(int argc, char **argv)
{
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &b.part, "what is measured", .choices = "cpu|io|convoy|timeline"},
        {"policy", CL_OPT_CHOICE, &b.policy, "the lock's policy", .choices = "all|new|old|none"},
        {"rounds", CL_OPT_INT, &b.rounds, "interleaved rounds (the harness: 5, QUICK 3)", 1, 100},
        {"threads", CL_OPT_LIST, &b.threads, "cpu: threads, one book number each", 1, 64},
        {"calls", CL_OPT_LIST, &b.calls, "io: threads making one blocking call each", 1, 64},
        {"wait-ms", CL_OPT_INT, &b.wait_ms, "io: each call blocks this long, ms", 1, 1000},
        {"computing", CL_OPT_FLAG, &b.computing, "io: also the threads computing (new GIL)"},
        {"interval", CL_OPT_DOUBLE, &b.interval_ms, "switch interval, ms (new policy)", 0.01, 1000},
        {"ticks", CL_OPT_INT, &b.ticks, "ticks between forced drops (old policy)", 1, 100000000},
        {"trips", CL_OPT_INT, &b.trips, "convoy: round trips per run", 1, 10000},
        {"echo-us", CL_OPT_LIST, &b.echo_us, "convoy: the echo's delay per reply, us", 0, 1e5},
        {"convoy-s", CL_OPT_DOUBLE, &b.convoy_s, "convoy: a run is cut after this, s", 0.1, 10},
        {"trace-ms", CL_OPT_INT, &b.trace_ms, "timeline: ms per scene", 5, 1000},
        {0},
    };
    struct cl_program prog = {
        .name = "53_threads_gil-bench", .opts = opts, .common = CL_PIN,
        .summary = "Item 53 measured: rounds and CSV rows for the harness",
        .epilogue = "  --trace-json FILE      timeline: also write Chrome trace-event JSON\n"
                    "CSV columns, by --part (see the head of bench.c for each):\n"
                    "  cpu:      " CPU_COLUMNS "\n  io:       " IO_COLUMNS "\n"
                    "  convoy:   " CONVOY_COLUMNS "\n  timeline: " TIMELINE_COLUMNS "\n"};
    bool json_missing = take_trace_json(&argc, argv);
    cl_parse(&prog, argc, argv);
    if (json_missing)
        cl_usage_error("--trace-json needs a file name");
    if (b.trace_json && strcmp(b.part, "timeline") != 0)
        cl_usage_error("--trace-json goes with --part timeline");
    b.pinned = prog.pin;
    enum gil_policy all[] = {GIL_NEW, GIL_OLD, GIL_NONE}, one;
    bool single = gil_policy_parse(b.policy, &one) == 0;
    int np = single ? 1 : 3;
    uint64_t number = divisors_number_taking(b.wait_ms / 1e3);
    static const char *const knobs[] = {
        "--part cpu (--rounds, --threads, --ticks, --interval)",
        "--part io (--rounds, --calls, --wait-ms, --computing)",
        "--part convoy (--rounds, --echo-us, --trips, --convoy-s, --interval, --ticks)",
        "--part timeline (--trace-ms)"};
    int k = !strcmp(b.part, "cpu") ? 0 : !strcmp(b.part, "io") ? 1 : !strcmp(b.part, "convoy") ? 2 : 3;
    cl_check_run_length(predicted_s(np, b.wait_ms / 1e3 / (double)number), knobs[k]);
    cl_catch_stop_signals();
    int fds_at_start = cl_open_fds(), pid = 1;
    char part[4096];
    FILE *json = b.trace_json ? open_trace_json(part, sizeof part) : NULL;
    const char *columns[] = {CPU_COLUMNS, IO_COLUMNS, CONVOY_COLUMNS, TIMELINE_COLUMNS};
    cl_csv_header(columns[k]);
    for (long r = 1; r <= (k == 3 ? 1 : b.rounds) && !cl_interrupted(); r++)
        for (int p = 0; p < np && !cl_interrupted(); p++) {
            enum gil_policy policy = single ? one : all[p];
            for (int i = 0; k == 0 && i < b.threads.n && !cl_interrupted(); i++)
                cpu_row(policy, b.threads.v[i], r);
            for (int i = 0; k == 1 && i < b.calls.n && !cl_interrupted(); i++) {
                io_row(policy, b.calls.v[i], false, number, r);
                if (b.computing && policy == GIL_NEW && !cl_interrupted())
                    io_row(policy, b.calls.v[i], true, number, r);
            }
            for (int i = 0; k == 2 && i < b.echo_us.n && !cl_interrupted(); i++)
                convoy_row(policy, b.echo_us.v[i], r);
            if (k == 3)
                timeline(policy, json, &pid);
        }
    if (json)
        close_trace_json(json, part);
    cl_exit_if_interrupted();
    cl_check_leftovers(fds_at_start, true);
    return 0;
}
