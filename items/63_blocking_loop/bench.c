/*
 * bench.c - Item 63 measured: the very runs 63_blocking_loop shows, in
 * interleaved rounds, one CSV row per run, the debug mode always on (it only
 * counts here).
 *
 *   --part lag    per round: `baseline` (the heartbeat alone: what the machine
 *                 does to it), then for each call (sleep, fsync) `blocking` and
 *                 `offloaded`, then `below`: blocking sleep for a tenth of the
 *                 block, under the debug threshold when the block is the
 *                 book's 500 ms (work_ms says how long it really took).
 *   --part start  per round: 20 writer-thread starts on the loop, then 20
 *                 through the executor: how long each held the loop.
 */
#define main story_main
#include "63_blocking_loop/blocking_loop.c"
#undef main

#define LAG_COLUMNS                                                                      \
    "variant,call,round,block_ms,heartbeat_ms,slow_ms,beats,lag_p50_ms,lag_p99_ms,"      \
    "lag_max_ms,work_ms,syncs,slow_main,slow_writer,pinned,stall_ms"
#define START_COLUMNS "how,round,starts,held_p50_us,held_min_us,held_max_us,heartbeat_ms,pinned"

static void lag_row(const struct loop_setting *s, const char *variant, long round, int fd)
{
    struct result r = run_once(s, strcmp(variant, "below") == 0 ? "blocking" : variant, fd);
    cl_exit_if_interrupted();
    cl_csv_row("%s,%s,%ld,%ld,%ld,%ld,%d,%.4f,%.4f,%.4f,%.3f,%ld,%d,%d,%d,%.3f", variant,
               strcmp(variant, "baseline") == 0 ? "none" : s->call, round, s->block_ms,
               s->beat_ms, s->slow_ms, r.lags.beats, r.lags.p50_ms, r.lags.p99_ms,
               r.lags.max_ms, strcmp(variant, "baseline") == 0 ? 0 : r.work_ms, r.syncs,
               r.slow_main, r.slow_writer, s->pinned, r.lags.stall_ms);
}

int main(int argc, char **argv)
{
    struct loop_setting s;
    long rounds = 5;
    const char *part = loop_setting_parse(&s, &rounds, argc, argv, "lag|start", "lag",
                                          "63_blocking_loop-bench", "Item 63 measured: heartbeat "
                                          "lag, blocking and offloaded; thread starts");
    bool lag = strcmp(part, "lag") == 0;
    /* baseline, 2 x (blocking, offloaded), below; or 2 x 20 starts, 5 ms apart */
    cl_check_run_length(rounds * (lag ? 5.1 * (SLOW_AT_S + s.block_ms / 1e3 + TAIL_S) + 0.3
                                      : 2 * STARTS * 0.006 + 0.2), "this bench");
    s.debug = true;
    s.report = NULL;
    char *dir;
    int fd = loop_setting_out_file(&dir);
    cl_csv_header(lag ? LAG_COLUMNS : START_COLUMNS);
    for (long round = 1; round <= rounds && !cl_interrupted(); round++) {
        if (!lag) {
            for (int via = 0; via <= 1; via++) {
                struct cl_spread held = thread_starts(&s, via);
                cl_exit_if_interrupted();
                cl_csv_row("%s,%ld,%d,%.2f,%.2f,%.2f,%ld,%d", via ? "executor" : "on_loop", round,
                           STARTS, held.median, held.lo, held.hi, s.beat_ms, s.pinned);
            }
            continue;
        }
        struct loop_setting one = s;
        lag_row(&one, "baseline", round, fd);
        const char *calls[] = {"sleep", "fsync"};
        for (int c = 0; c < 2; c++) {
            one.call = calls[c];
            lag_row(&one, "blocking", round, fd);
            lag_row(&one, "offloaded", round, fd);
        }
        one.call = "sleep";
        one.block_ms = s.block_ms / 10 > 0 ? s.block_ms / 10 : 1;
        lag_row(&one, "below", round, fd);
    }
    loop_setting_close_out_file(fd, dir);
    cl_exit_if_interrupted();
    return 0;
}
