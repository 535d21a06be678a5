/*
 * 64_true_parallelism-bench - what the harness measures for Item 64, on the
 * very functions the program shows (it includes true_parallelism.c).
 *
 *   --part scaling   serial, then every executor at every pool size, one pair
 *                    per task (pool.map's default chunksize), in interleaved
 *                    rounds; each round is opened and closed by a serial run
 *                    and its serial time is the mean of the two, so a machine
 *                    whose speed drifts within a round moves both sides of
 *                    each ratio. `serial_locked` is the same loop under an
 *                    uncontended GIL-like lock, as every worker process runs:
 *                    what the lock's per-tick check costs a process pool.
 *   --part shipping  the process pool at each batch (pairs per message),
 *                    serial beside it, in the same rounds.
 * Before anything is timed, every executor must give five hand-checked
 * answers; every answer of every run is checked against Euclid's algorithm.
 * CSV on stdout, one row per executor per round; `--help` lists the columns.
 */
#define main story_main
#include "64_true_parallelism/true_parallelism.c"
#undef main

#include <unistd.h>

#define COLUMNS                                                                            \
    "executor,workers,pairs,size,batch,pinned,round,wall_s,serial_s,speedup,compute_s,"   \
    "ship_s,cpu_s,gil_wait_s,gil_switches,children_left,fds_leaked"

static const struct {
    struct pair pair;
    uint32_t gcd;
} hand_checked[] = {
    {{1071, 462}, 21},             /* 3^2 x 7 x 17 and 2 x 3 x 7 x 11 */
    {{5000000, 3750000}, 1250000}, /* 2^6 x 5^7 and 2^4 x 3 x 5^7 */
    {{4999999, 4999998}, 1},       /* neighbours share no factor */
    {{65536, 98304}, 32768},       /* 2^16 and 3 x 2^15 */
    {{7919, 7919}, 7919},          /* a prime and itself */
};
#define HAND_CHECKED (sizeof hand_checked / sizeof hand_checked[0])

/* One executor in one configuration. */
struct config {
    const char *executor;
    long workers;
    size_t batch;
};

struct bench {
    struct pair *pairs;
    size_t npairs;
    uint32_t size;
    long rounds;
    bool pinned;
    int fds_at_start;
};

/* Every executor must give the hand-checked answers before anything is
 * timed: a gcd that always said 1 stops here, not in a chart. The counting
 * and Euclid are checked against the hand; then every executor against
 * Euclid (run_executor does that for every answer). */
static void check_hand_checked(void)
{
    static const char *const executors[] = {"serial", "serial_locked", "threads_gil",
                                            "threads", "processes"};
    struct pair pairs[HAND_CHECKED];
    struct gil none;
    gil_init(&none, GIL_NONE, 0, 0);
    for (size_t i = 0; i < HAND_CHECKED && !cl_interrupted(); i++) {
        pairs[i] = hand_checked[i].pair;
        uint32_t counted = gcd_by_counting_down(&none, pairs[i]);
        uint32_t euclid = gcd_by_euclid(pairs[i].a, pairs[i].b);
        if (counted != hand_checked[i].gcd || euclid != hand_checked[i].gcd)
            cl_die("gcd(%u, %u) should be %u (checked by hand): counting down gave %u, "
                   "Euclid %u", pairs[i].a, pairs[i].b, hand_checked[i].gcd, counted, euclid);
    }
    gil_destroy(&none);
    for (size_t e = 0; e < sizeof executors / sizeof executors[0] && !cl_interrupted(); e++)
        run_executor(executors[e], pairs, HAND_CHECKED, 2, 1);
}

static void csv_row(const struct bench *b, const struct config *c, long round,
                    const struct measurement *m, double serial_s)
{
    cl_csv_row("%s,%ld,%zu,%u,%zu,%d,%ld,%.6f,%.6f,%.4f,%.6f,%.6f,%.6f,%.6f,%ld,%d,%d",
               c->executor, c->workers, b->npairs, b->size, c->batch, b->pinned, round,
               m->wall_s, serial_s, serial_s / m->wall_s, m->compute_s, m->ship_s, m->cpu_s,
               m->gil.wait_seconds, m->gil.switches, cl_children_left(),
               cl_open_fds() - b->fds_at_start);
}

/* Interleaved rounds: serial, every configuration, serial again. A round
 * interrupted part-way prints nothing: its ratios would have no baseline. */
static void run_rounds(const struct bench *b, const struct config *configs, int n)
{
    struct measurement *m = cl_calloc((size_t)n, sizeof *m);
    for (long round = 1; round <= b->rounds && !cl_interrupted(); round++) {
        struct measurement opening = run_executor("serial", b->pairs, b->npairs, 1, 1);
        for (int c = 0; c < n && !cl_interrupted(); c++)
            m[c] = run_executor(configs[c].executor, b->pairs, b->npairs, configs[c].workers,
                                configs[c].batch);
        struct measurement closing = run_executor("serial", b->pairs, b->npairs, 1, 1);
        if (cl_interrupted())
            break;
        struct measurement serial = opening;
        serial.wall_s = (opening.wall_s + closing.wall_s) / 2;
        serial.cpu_s = (opening.cpu_s + closing.cpu_s) / 2;
        serial.compute_s = serial.wall_s;
        struct config self = {"serial", 1, b->npairs};
        csv_row(b, &self, round, &serial, serial.wall_s);
        for (int c = 0; c < n; c++)
            csv_row(b, &configs[c], round, &m[c], serial.wall_s);
    }
    free(m);
}

/* The configurations of a part: scaling puts every executor at every pool
 * size, one pair per task; shipping puts the process pool at every batch. */
static int plan(const char *part, const struct cl_list *workers, const struct cl_list *batch,
                struct config *configs)
{
    static const char *const executors[] = {"threads_gil", "threads", "processes"};
    int n = 0;
    if (strcmp(part, "scaling") == 0) {
        configs[n++] = (struct config){"serial_locked", 1, 1};
        for (int e = 0; e < 3; e++)
            for (int w = 0; w < workers->n; w++)
                configs[n++] = (struct config){executors[e], workers->v[w], 1};
    } else {
        for (int w = 0; w < workers->n; w++)
            for (int k = 0; k < batch->n; k++)
                configs[n++] = (struct config){"processes", workers->v[w], (size_t)batch->v[k]};
    }
    return n;
}

int main(int argc, char **argv)
{
    const char *part = "scaling";
    struct cl_list workers = {3, {1, 2, 4}}, batch = {1, {1}};
    long npairs = 60, size = 5000000, rounds = 5;
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &part, "what to measure", .choices = "scaling|shipping"},
        {"workers", CL_OPT_LIST, &workers, "pool sizes", 1, 64},
        {"pairs", CL_OPT_INT, &npairs, "number pairs to find the gcd of", 1, 10000000},
        {"size", CL_OPT_INT, &size, "numbers lie in [size/2, size]: the work per pair", 2,
         2000000000},
        {"batch", CL_OPT_LIST, &batch, "pairs per message (shipping)", 1, 10000000},
        {"rounds", CL_OPT_INT, &rounds, "interleaved rounds", 1, 100},
        {0},
    };
    struct cl_program prog = {
        .common = CL_PIN,
        .name = "64_true_parallelism-bench",
        .summary = "Item 64 measured: speedup of each executor against serial, in rounds",
        .epilogue = "CSV columns: " COLUMNS "\n"
                    "  speedup = serial_s / wall_s of the same round (bigger is faster);\n"
                    "  compute_s: worker-seconds inside the gcd function (under the GIL\n"
                    "  this includes waiting for the lock); ship_s: worker-seconds lost to\n"
                    "  serialising and shipping (processes); cpu_s: user + system time,\n"
                    "  reaped worker processes included; gil_*: threads_gil only;\n"
                    "  children_left and fds_leaked, counted after each row, must be 0.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    struct config *configs = cl_calloc(1 + 3 * CL_LIST_MAX * CL_LIST_MAX, sizeof *configs);
    int n = plan(part, &workers, &batch, configs);
    /* Each configuration does about the serial work once, as do the two serials. */
    cl_check_run_length(seconds_per_step() * (double)npairs * (double)size / 3 * (n + 2) *
                            (double)rounds, "--pairs x --size x --rounds over these executors");
    cl_catch_stop_signals();
    signal(SIGPIPE, SIG_IGN);
    struct bench b = {.npairs = (size_t)npairs, .size = (uint32_t)size, .rounds = rounds,
                      .pinned = prog.pin, .fds_at_start = cl_open_fds()};
    cl_csv_header(COLUMNS);
    check_hand_checked();
    b.pairs = make_pairs(b.npairs, b.size);
    run_rounds(&b, configs, n);
    free(b.pairs);
    free(configs);
    cl_exit_if_interrupted();
    return 0;
}
