/*
 * 54_data_races-bench - the measuring of Item 54, for the harness
 * (harness/measure/54.sh). data_races.c tells the story; this runs the very
 * same races in interleaved rounds (every method, thread count and size
 * once per round) and prints CSV: a header, then one row per race:
 *
 *   method,policy,interval_ms,threads,iterations,round,pinned,expected,
 *   actual,lost,wall_s,ns_per_increment,cores_busy,overlap_s,gil_forced_drops
 *
 * lost = expected - actual; ns_per_increment = wall_s / (threads x
 * iterations); cores_busy = the threads' CPU time / wall_s (about 1 when they
 * took turns, up to the cores when they ran at once); overlap_s = the longest
 * time two threads were counting at the same time (0: they never met, and
 * nothing could be lost); gil_forced_drops = how often the GIL was taken from
 * a counting thread (policy "none" for the methods without it).
 * A locked or atomic total that is wrong stops the run: "!!!", exit 1.
 */
#define main story_main
#include "54_data_races/data_races.c"
#undef main

#define CSV_COLUMNS                                                                         \
    "method,policy,interval_ms,threads,iterations,round,pinned,expected,actual,lost,wall_s," \
    "ns_per_increment,cores_busy,overlap_s,gil_forced_drops"

int main(int argc, char **argv)
{
    long rounds = 5;
    my.iterations = (struct cl_list){1, {100000}};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &my.part, "which way to add one",
         .choices = "all|racy|racy_plain|mutex|atomic|gil_racy|gil_racy_310|gil_mutex|gil_atomic"},
        {"threads", CL_OPT_LIST, &my.threads, "threads (K)", 1, 256},
        {"iterations", CL_OPT_LIST, &my.iterations, "increments per thread (N)", 1, 1e9},
        {"rounds", CL_OPT_INT, &rounds, "interleaved rounds (the harness: 5, QUICK 3)", 1, 1000},
        {"policy", CL_OPT_CHOICE, &my.policy, "the gil_ methods' GIL", .choices = "new|old"},
        {"interval", CL_OPT_DOUBLE, &my.interval_ms, "switch interval, ms (new GIL)", 0.01, 1000},
        {"ticks", CL_OPT_INT, &my.ticks, "ticks between forced drops (old GIL)", 1, 100000000},
        {0},
    };
    struct cl_program prog = {
        .name = "54_data_races-bench", .opts = opts, .common = CL_PIN,
        .summary = "Item 54 measured: every race in rounds, CSV rows for the harness",
        .epilogue = "CSV columns: " CSV_COLUMNS "\n(the head of items/54_data_races/bench.c "
                    "says what each is)\n"};
    cl_parse(&prog, argc, argv);
    enum gil_policy policy;
    gil_policy_parse(my.policy, &policy);
    bool all = strcmp(my.part, "all") == 0;
    cl_check_run_length((double)rounds * predicted_s(), "--rounds x --threads x --iterations");
    cl_catch_stop_signals();
    cl_csv_header(CSV_COLUMNS);
    for (long round = 1; round <= rounds; round++)
        for (int t = 0; t < my.threads.n; t++)
            for (int n = 0; n < my.iterations.n; n++)
                for (size_t i = 0; i < METHOD_COUNT && !cl_interrupted(); i++) {
                    const struct method *m = &methods[i];
                    if (!all && strcmp(my.part, m->name) != 0)
                        continue;
                    long k = my.threads.v[t], iterations = my.iterations.v[n];
                    struct outcome o =
                        run_race(m, k, iterations, policy, my.interval_ms, my.ticks);
                    if (cl_interrupted())
                        break; /* an interrupted race has no meaningful total */
                    cl_csv_row("%s,%s,%g,%ld,%ld,%ld,%d,%ld,%ld,%ld,%.6f,%.3f,%.3f,%.6f,%ld",
                               m->name, m->uses_gil ? my.policy : "none",
                               m->uses_gil ? my.interval_ms : 0.0, k, iterations, round, prog.pin,
                               o.expected, o.actual, o.expected - o.actual, o.wall_s,
                               o.wall_s * 1e9 / (double)o.expected, o.busy, o.met_s,
                               o.forced_drops);
                }
    cl_exit_if_interrupted();
    return 0;
}
