/* test_63_blocking_loop.c - Item 63's program and bench, run as a user would
 * run them.
 *
 * Times appear only where load can only make them larger than the bound the
 * test asks for (a blocked beat waits at least the block). The debug mode's
 * reports are checked against how long the call really took, as the program
 * prints it, so that a loaded machine cannot make a test wrong. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "63_blocking_loop"
#define BENCH "63_blocking_loop-bench"

static double lag(const char *variant, const char *call, const char *column)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s,%s,", variant, call);
    const char *row = strstr(r.out, key);
    cr_assert_not_null(row, "no %s %s row: %s", variant, call, r.out);
    /* the column's value: count commas up to its place in the header */
    const char *header = r.out;
    int index = 0;
    for (const char *p = header; p < strstr(header, column); p++)
        index += *p == ',';
    const char *v = row + 1;
    for (int i = 0; i < index; i++)
        v = strchr(v, ',') + 1;
    return atof(v);
}

/* "[pN] VARIANT beats N lag p50 X ms max Y ms (the call took Z ms" */
static void story_row(const char *variant, int *beats, double *max_ms, double *took_ms)
{
    char key[32];
    snprintf(key, sizeof key, "] %-10s", variant);
    const char *row = strstr(r.out, key);
    cr_assert_not_null(row, "no %s row: %s", variant, r.out);
    cr_assert_eq(sscanf(row + strlen(key), " beats %d lag p50 %*f ms max %lf ms (the call took %lf",
                        beats, max_ms, took_ms), 3, "%.120s", row);
}

static int slow_on_main(const char *variant)
{
    char key[32];
    snprintf(key, sizeof key, "] %-10s", variant);
    const char *row = strstr(r.out, key);
    cr_assert_not_null(row, "%s", r.out);
    const char *dm = strstr(row, "debug mode: ");
    cr_assert_not_null(dm, "%s", r.out);
    int n = -1;
    cr_assert_eq(sscanf(dm, "debug mode: %d slow", &n), 1);
    return n;
}

Test(item63, the_bench_counts_reports_on_the_right_loop, .timeout = 30)
{
    char dir[] = "/tmp/test63-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, BENCH, "--rounds", "1", "--block-ms", "150", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 6, "%s", r.out);
    const char *calls[] = {"sleep", "fsync"};
    for (int c = 0; c < 2; c++) {
        /* blocking: the main loop names it; offloaded: the writer's loop does */
        cr_assert_eq(lag("blocking", calls[c], "slow_main"), 1, "%s", r.out);
        cr_assert_eq(lag("blocking", calls[c], "slow_writer"), 0, "%s", r.out);
        cr_assert_eq(lag("offloaded", calls[c], "slow_main"), 0, "%s", r.out);
        cr_assert_eq(lag("offloaded", calls[c], "slow_writer"), 1, "%s", r.out);
        /* a blocked beat waits for the call: at least the block less a period */
        cr_assert_geq(lag("blocking", calls[c], "lag_max_ms"), 140, "%s", r.out);
    }
    cr_assert_gt(lag("blocking", "fsync", "syncs"), 0, "%s", r.out);
    cr_assert_eq(lag("baseline", "none", "slow_main"), 0, "%s", r.out);
    /* below: 15 ms, named only if it really took 100 ms */
    double took = lag("below", "sleep", "work_ms");
    cr_assert_eq(lag("below", "sleep", "slow_main"), took >= 100, "took %.1f ms: %s", took, r.out);
    assert_tmpdir_empty_and_remove(dir);
}

Test(item63, the_bench_times_thread_starts_each_way, .timeout = 30)
{
    char dir[] = "/tmp/test63-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, BENCH, "--part", "start", "--rounds", "2", "--pin", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 4, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\non_loop,2,20,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\nexecutor,2,20,"), "%s", r.out);
    cr_assert_eq(csv_number(r.out, "how", "executor", "pinned"), 1);
    cr_assert_gt(csv_number(r.out, "how", "on_loop", "held_p50_us"), 0);
    assert_tmpdir_empty_and_remove(dir);
}

Test(item63, the_story_names_the_slow_callback_and_only_it, .timeout = 30)
{
    char dir[] = "/tmp/test63-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--debug", "--call", "fsync", "--block-ms", "120", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "debug: Executing slow_task on the main loop took"), "%s",
                       r.out);
    cr_assert_not_null(strstr(r.out, "debug: Executing real_write on the writer loop took"), "%s",
                       r.out);
    cr_assert_eq(slow_on_main("blocking"), 1, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "fsyncs)"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "  on the loop:          held the loop"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "  through the executor: held the loop"), "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}

Test(item63, without_debug_nothing_is_named, .timeout = 30)
{
    char dir[] = "/tmp/test63-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--part", "blocking", "--block-ms", "150", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_null(strstr(r.out, "debug:"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "(add --debug"), "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}

/* ---- Every way out is clean ------------------------------------------------- */

Test(item63, sigint_and_sigterm_stop_it_clean, .timeout = 60)
{
    int sigs[] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        assert_signal_stops_clean(sigs[i], 0.3, PROGRAM, NULL, NULL, NULL, NULL);   /* mid-block */
        assert_signal_stops_clean(sigs[i], 0.9, PROGRAM, "--debug", NULL, NULL, NULL); /* offloaded */
        /* heavy: a 5 s fsync call, in the loop and on the writer */
        assert_signal_stops_clean(sigs[i], 0.5, PROGRAM, "--call", "fsync", "--block-ms", "5000");
        assert_signal_stops_clean(sigs[i], 5.8, PROGRAM, "--call", "fsync", "--block-ms", "5000");
        assert_signal_stops_clean(sigs[i], 0.8, BENCH, NULL, NULL, NULL, NULL);
        assert_signal_stops_clean(sigs[i], 0.1, BENCH, "--part", "start", "--rounds", "50");
    }
}

Test(item63, a_tmpdir_that_takes_no_folder_is_one_line, .timeout = 10)
{
    cr_assert_eq(setenv("TMPDIR", "/nonexistent/conclab", 1), 0);
    run_program(&r, 10, PROGRAM, NULL);
    assert_one_line_usage_error(&r, "63_blocking_loop with TMPDIR=/nonexistent/conclab");
    cr_assert_str_eq(r.out, "", "printed before failing: %s", r.out);
    run_program(&r, 10, BENCH, NULL);
    assert_one_line_usage_error(&r, "63_blocking_loop-bench with TMPDIR=/nonexistent/conclab");
    cr_assert_null(strstr(r.err, ".c:"), "an internal message: %s", r.err);
}

Test(item63, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *bad[][2] = {
        {"--part", "sometimes"}, {"--call", "read"},      {"--block-ms", "0"},
        {"--block-ms", "5001"},  {"--heartbeat-ms", "x"}, {"--slow-ms", "-1"},
        {"--slow-ms", "0"},      {"--slow-ms", "1e9"},    {"--no-such", "1"},
        {"--rounds", "2"},       {"--heartbeat-ms", "600"}, /* slower than the 500 ms block */
        {"--debug", "yes"},      {"--part", "start\n"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], NULL);
        char what[64];
        snprintf(what, sizeof what, "%s %s", bad[i][0], bad[i][1]);
        assert_one_line_usage_error(&r, what);
        cr_assert_str_eq(r.out, "", "%s printed: %s", what, r.out);
    }
    const char *bench_bad[][2] = {{"--rounds", "0"}, {"--rounds", "100"}, {"--part", "all"}};
    for (size_t i = 0; i < sizeof bench_bad / sizeof bench_bad[0]; i++) {
        run_program(&r, 10, BENCH, bench_bad[i][0], bench_bad[i][1], NULL);
        assert_one_line_usage_error(&r, bench_bad[i][0]);
    }
}

/* ---- What the README's labs say the student will see ----------------------- */

/* Lab 1: named exactly when the call took the threshold or more. */
Test(item63, lab63_the_threshold, .timeout = 30)
{
    const char *blocks[] = {"90", "110"};
    for (int i = 0; i < 2; i++) {
        char dir[] = "/tmp/test63-XXXXXX";
        use_fresh_tmpdir(dir);
        run_program(&r, 20, PROGRAM, "--debug", "--part", "blocking", "--block-ms", blocks[i],
                    NULL);
        cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
        int beats;
        double max_ms, took;
        story_row("blocking", &beats, &max_ms, &took);
        cr_assert_eq(slow_on_main("blocking"), took >= 100, "took %.1f ms: %s", took, r.out);
        if (i == 1)
            cr_assert_not_null(strstr(r.out, "Executing slow_task on the main loop"));
        assert_tmpdir_empty_and_remove(dir);
    }
}

/* Lab 2: a stricter watch names the 50 ms call. */
Test(item63, lab63_a_stricter_watch, .timeout = 30)
{
    char dir[] = "/tmp/test63-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--debug", "--part", "blocking", "--block-ms", "50",
                "--slow-ms", "20", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "debug: Executing slow_task on the main loop took 0.05"),
                       "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}

/* Lab 3: with a 100 ms heartbeat the first beat is due 50 ms into the call:
 * it waits the other 450 ms at least, and it is the only beat in the call. */
Test(item63, lab63_when_a_beat_falls_due, .timeout = 30)
{
    char dir[] = "/tmp/test63-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--part", "blocking", "--heartbeat-ms", "100", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    int beats;
    double max_ms, took;
    story_row("blocking", &beats, &max_ms, &took);
    cr_assert_geq(max_ms, 445, "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}

/* Lab 5: the thread starts, both ways, at a 1 ms beat. */
Test(item63, lab63_a_thread_start_against_a_short_beat, .timeout = 30)
{
    char dir[] = "/tmp/test63-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--part", "start", "--heartbeat-ms", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "  on the loop:          held the loop"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "  through the executor: held the loop"), "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}
