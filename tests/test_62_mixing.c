/* test_62_mixing.c - Item 62: the merge check on merges whose faults are
 * known, the event loop's bridges, and the program and bench run as a user
 * would run them.
 *
 * The writers write "file F line K" for K = 0 .. lines-1, so a merge's right
 * content is known in advance. No test looks at a time, except that the
 * pool-too-small lab's lines really waited (ages of the order of a second
 * against a 10 ms poll). */
#include "59_thread_pool/executor.h"
#include "62_mixing/event_loop.h"
#include "62_mixing/merge_check.h"
#include "clab.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "62_mixing"
#define BENCH "62_mixing-bench"

/* ---- The merge check (the book's confirm_merge) ------------------------------ */

static struct merge_check check_text(const char *text, long files, long lines)
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    cr_assert_not_null(in);
    struct merge_check c = merge_check_stream(in, files, lines);
    fclose(in);
    return c;
}

static void assert_check(struct merge_check c, long merged, long lost, long doubled,
                         long out_of_order, long foreign)
{
    cr_assert_eq(c.merged, merged, "merged %ld, expected %ld", c.merged, merged);
    cr_assert_eq(c.lost, lost, "lost %ld, expected %ld", c.lost, lost);
    cr_assert_eq(c.doubled, doubled, "doubled %ld, expected %ld", c.doubled, doubled);
    cr_assert_eq(c.out_of_order, out_of_order, "out of order %ld, expected %ld",
                 c.out_of_order, out_of_order);
    cr_assert_eq(c.foreign, foreign, "foreign %ld, expected %ld", c.foreign, foreign);
}

Test(merge_check, passes_a_whole_interleaved_merge, .timeout = 10)
{
    struct merge_check c = check_text("file 0 line 0\nfile 1 line 0\nfile 0 line 1\n"
                                      "file 1 line 1\nfile 1 line 2\nfile 0 line 2\n", 2, 3);
    assert_check(c, 6, 0, 0, 0, 0);
    cr_assert(merge_check_whole(&c));
}

Test(merge_check, finds_a_lost_line_once, .timeout = 10)
{
    /* file 1 line 1 missing: a gap is a lost line, not a line out of order */
    struct merge_check c = check_text("file 0 line 0\nfile 1 line 0\nfile 0 line 1\n"
                                      "file 1 line 2\nfile 0 line 2\n", 2, 3);
    assert_check(c, 5, 1, 0, 0, 0);
    cr_assert(!merge_check_whole(&c));
}

Test(merge_check, finds_the_last_line_lost, .timeout = 10)
{
    assert_check(check_text("file 0 line 0\nfile 0 line 1\nfile 1 line 0\nfile 1 line 1\n"
                            "file 0 line 2\n", 2, 3), 5, 1, 0, 0, 0);
}

Test(merge_check, finds_a_whole_file_lost, .timeout = 10)
{
    assert_check(check_text("file 0 line 0\nfile 0 line 1\n", 3, 2), 2, 4, 0, 0, 0);
}

Test(merge_check, finds_a_doubled_line_once, .timeout = 10)
{
    struct merge_check c = check_text("file 0 line 0\nfile 0 line 1\nfile 0 line 1\n"
                                      "file 0 line 2\n", 1, 3);
    assert_check(c, 4, 0, 1, 0, 0);
    cr_assert(!merge_check_whole(&c));
}

Test(merge_check, finds_a_line_doubled_much_later, .timeout = 10)
{
    assert_check(check_text("file 0 line 0\nfile 1 line 0\nfile 0 line 1\nfile 1 line 1\n"
                            "file 0 line 0\n", 2, 2), 5, 0, 1, 0, 0);
}

Test(merge_check, finds_lines_out_of_order, .timeout = 10)
{
    /* 0, 2, 1: line 1 came after a later line of its file */
    struct merge_check c = check_text("file 0 line 0\nfile 0 line 2\nfile 0 line 1\n", 1, 3);
    assert_check(c, 3, 0, 0, 1, 0);
    cr_assert(!merge_check_whole(&c));
}

Test(merge_check, finds_disorder_in_any_file, .timeout = 10)
{
    /* file 0 in order; file 2 swapped, between other files' lines */
    assert_check(check_text("file 0 line 0\nfile 2 line 1\nfile 1 line 0\nfile 0 line 1\n"
                            "file 2 line 0\nfile 1 line 1\n", 3, 2), 6, 0, 0, 1, 0);
}

Test(merge_check, keeps_each_files_order_apart, .timeout = 10)
{
    /* a later file's high line numbers say nothing about an earlier file's */
    assert_check(check_text("file 1 line 0\nfile 1 line 1\nfile 1 line 2\nfile 0 line 0\n"
                            "file 0 line 1\nfile 0 line 2\n", 2, 3), 6, 0, 0, 0, 0);
}

Test(merge_check, finds_one_lost_and_one_doubled_apart, .timeout = 10)
{
    /* 0, 1, 1, 3: the count is right (4), the content is not */
    assert_check(check_text("file 0 line 0\nfile 0 line 1\nfile 0 line 1\nfile 0 line 3\n",
                            1, 4), 4, 1, 1, 0, 0);
}

Test(merge_check, counts_lines_no_writer_wrote, .timeout = 10)
{
    /* no file 7, no line 3 of 3, a torn last line: counted, never fatal */
    struct merge_check c = check_text("file 0 line 0\nfile 7 line 0\nfile 0 line 3\n"
                                      "garbage\nfile 1 line 0\nfile 0 line 1\nfile 0 line", 2, 3);
    assert_check(c, 7, 3, 0, 0, 4);
    cr_assert(!merge_check_whole(&c));
}

Test(merge_check, the_last_file_and_line_are_real_lines, .timeout = 10)
{
    assert_check(check_text("file 1 line 1\n", 2, 2), 1, 3, 0, 0, 0);
}

/* ---- The event loop's bridges, from threads ---------------------------------- */

struct bridge_test {
    struct loop *loop;
    int calls_run, results[8];
    int fail_at;
};

static int count_call(void *arg)
{
    struct bridge_test *b = arg;
    return b->calls_run++ == b->fail_at ? EIO : 0;
}

static void *thread_that_waits(void *arg)
{
    struct bridge_test *b = arg;
    for (int i = 0; i < 8; i++)
        b->results[i] = loop_run_coroutine_threadsafe(b->loop, "count", count_call, b);
    return NULL;
}

static void stop_loop(void *arg) { loop_stop(arg); }

Test(event_loop, run_coroutine_threadsafe_waits_and_brings_the_error_back, .timeout = 10)
{
    struct bridge_test b = {.loop = loop_new("test"), .fail_at = 5};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, thread_that_waits, &b), 0);
    struct loop_timer *stop = loop_timer_new(b.loop, "stop", stop_loop, b.loop);
    loop_call_later(stop, 0.3);
    loop_run(b.loop);
    cr_assert_eq(pthread_join(t, NULL), 0);
    cr_assert_eq(b.calls_run, 8, "the loop ran %d of 8 calls", b.calls_run);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(b.results[i], i == 5 ? EIO : 0, "call %d gave %d", i, b.results[i]);
    loop_timer_free(stop);
    loop_free(b.loop);
}

static void *thread_left_waiting(void *arg)
{
    struct bridge_test *b = arg;
    b->results[0] = loop_run_coroutine_threadsafe(b->loop, "count", count_call, b);
    return NULL;
}

Test(event_loop, a_closed_loop_cancels_a_waiting_thread, .timeout = 10)
{
    /* the loop never runs: closing it must wake the thread, with ECANCELED */
    struct bridge_test b = {.loop = loop_new("test"), .fail_at = -1};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, thread_left_waiting, &b), 0);
    cl_sleep(0.05);
    loop_close(b.loop);
    cr_assert_eq(pthread_join(t, NULL), 0);
    cr_assert_eq(b.results[0], ECANCELED);
    cr_assert_eq(b.calls_run, 0);
    cr_assert_eq(loop_call_soon_threadsafe(b.loop, "late", stop_loop, NULL, b.loop), false);
    loop_free(b.loop);
}

static void count_soon(void *arg) { ((struct bridge_test *)arg)->calls_run++; }

static void *thread_that_carries_on(void *arg)
{
    struct bridge_test *b = arg;
    for (int i = 0; i < 100; i++)
        loop_call_soon_threadsafe(b->loop, "count", count_soon, NULL, b);
    loop_call_soon_threadsafe(b->loop, "stop", stop_loop, NULL, b->loop);
    return NULL;
}

Test(event_loop, call_soon_threadsafe_runs_every_call_in_order_of_arrival, .timeout = 10)
{
    struct bridge_test b = {.loop = loop_new("test")};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, thread_that_carries_on, &b), 0);
    loop_run(b.loop);   /* the stop call comes after the 100: all ran first */
    cr_assert_eq(pthread_join(t, NULL), 0);
    cr_assert_eq(b.calls_run, 100);
    loop_free(b.loop);
}

struct then_seen { struct loop *loop; int err, result, calls; };
static int give_errno(void *arg) { return ((struct then_seen *)arg)->err; }
static void note_then(void *arg, int result)
{
    struct then_seen *t = arg;
    t->result = result;
    if (++t->calls == 1)
        loop_stop(t->loop);
}

Test(event_loop, run_in_executor_brings_the_result_to_the_loop, .timeout = 10)
{
    struct executor *pool = executor_new(2);
    cr_assert_not_null(pool);
    struct then_seen seen = {.loop = loop_new("test"), .err = ENOSPC, .result = -1};
    /* `then` gets the task's error as a value, on the loop */
    loop_run_in_executor(seen.loop, pool, "give", give_errno, note_then, &seen);
    loop_run(seen.loop);
    cr_assert_eq(seen.calls, 1);
    cr_assert_eq(seen.result, ENOSPC);
    loop_close(seen.loop);
    executor_shutdown(pool);
    loop_free(seen.loop);
}

static void slow_callback(void *arg)
{
    (void)arg;
    cl_sleep(0.06);
}

Test(event_loop, debug_mode_names_slow_callbacks_only, .timeout = 10)
{
    struct loop *l = loop_new("test");
    loop_set_debug(l, 0.05, NULL);
    struct loop_timer *slow = loop_timer_new(l, "slow", slow_callback, NULL);
    struct loop_timer *quick = loop_timer_new(l, "quick", count_soon, &(struct bridge_test){0});
    struct loop_timer *stop = loop_timer_new(l, "stop", stop_loop, l);
    loop_call_later(quick, 0);
    loop_call_later(slow, 0.01);
    loop_call_later(stop, 0.1);
    loop_run(l);
    cr_assert_eq(loop_slow_callbacks(l), 1);
    loop_timer_free(slow);
    loop_timer_free(quick);
    loop_timer_free(stop);
    loop_free(l);
}

/* ---- The program and the bench ------------------------------------------------ */

#define SHORT "--interval-ms", "3", "--poll-ms", "5", "--tail-ms", "0"

static const char *steps[] = {"threads", "tail_in_executor", "readline_in_executor", "native",
                              "bottomup"};

Test(item62, the_story_runs_every_step_whole_and_both_bridges, .timeout = 30)
{
    char dir[] = "/tmp/test62-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--files", "3", "--lines", "8", SHORT, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char row[64];
        snprintf(row, sizeof row, " %-21s  24 lines, whole", steps[i]);
        cr_assert_not_null(strstr(r.out, row), "no whole row for %s: %s", steps[i], r.out);
    }
    /* line 3 of file 2 (of 3 files of 8): 5 lines never written through the
     * future, 1 through call_soon_threadsafe */
    cr_assert_not_null(strstr(r.out, "run_coroutine_threadsafe: back in the thread: 1 error(s); "
                                     "at the gather: 1; 5 line(s) of file 2 never written"),
                       "%s", r.out);
    cr_assert_not_null(strstr(r.out, "call_soon_threadsafe:     back in the thread: 0 error(s); "
                                     "at the gather: 0; 1 line(s) of file 2 never written"),
                       "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}

/* The bench's rows: every line merged, in each step and the inline control. */
Test(item62, the_bench_checks_every_step_and_the_inline_control, .timeout = 40)
{
    char dir[] = "/tmp/test62-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 30, BENCH, "--rounds", "2", "--files", "3", "--lines", "20", SHORT, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 2 * 6, "%s", r.out);
    const char *all[] = {"threads", "tail_in_executor", "readline_in_executor", "native",
                         "bottomup", "inline"};
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(csv_number(r.out, "step", all[i], "lines_merged"), 60, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\ninline,2,0,3,20,"), "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}

Test(item62, a_flood_arrives_whole_and_in_order_pinned_or_not, .timeout = 60)
{
    char dir[] = "/tmp/test62-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 30, BENCH, "--rounds", "1", "--files", "4", "--lines", "3000",
                "--interval-ms", "0", "--poll-ms", "1", "--tail-ms", "0", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "step", "readline_in_executor", "lines_merged"), 12000);
    run_program(&r, 30, BENCH, "--pin", "--rounds", "1", "--files", "4", "--lines", "3000",
                "--interval-ms", "0", "--poll-ms", "1", "--tail-ms", "0", "--workers", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "step", "tail_in_executor", "lines_merged"), 12000);
    cr_assert_eq(csv_number(r.out, "step", "tail_in_executor", "pinned"), 1);
    assert_tmpdir_empty_and_remove(dir);
}

Test(item62, the_error_comes_back_through_the_future_only, .timeout = 30)
{
    char dir[] = "/tmp/test62-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, BENCH, "--part", "errors", "--rounds", "1", "--files", "4", "--lines",
                "10", "--fail-line", "3,6", SHORT, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    const char *fut = "run_coroutine_threadsafe", *soon = "call_soon_threadsafe";
    cr_assert_eq(csv_number(r.out, "bridge", fut, "errors_on_loop"), 1, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "bridge", fut, "errors_in_thread"), 1, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "bridge", fut, "errors_at_gather"), 1, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "bridge", fut, "lost"), 4, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "bridge", soon, "errors_on_loop"), 1, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "bridge", soon, "errors_in_thread"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "bridge", soon, "errors_at_gather"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "bridge", soon, "lost"), 1, "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}

/* ---- Every way out is clean ---------------------------------------------------- */

Test(item62, sigint_and_sigterm_stop_the_story_clean, .timeout = 60)
{
    int sigs[] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        assert_signal_stops_clean(sigs[i], 0.5, PROGRAM, NULL, NULL, NULL, NULL);
        assert_signal_stops_clean(sigs[i], 1.4, PROGRAM, NULL, NULL, NULL, NULL);   /* tail_in_executor */
        assert_signal_stops_clean(sigs[i], 6.3, PROGRAM, "--part", "all", NULL, NULL); /* the errors */
    }
}

Test(item62, sigint_and_sigterm_stop_heavy_runs_clean, .timeout = 60)
{
    int sigs[] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        /* 64 files of 20000 lines, a pool of one: threads waiting on the loop */
        assert_signal_stops_clean(sigs[i], 0.3, PROGRAM, "--part=tail_in_executor", "--files=64",
                           "--lines", "500");
        assert_signal_stops_clean(sigs[i], 0.3, BENCH, "--part", "errors", "--files", "64");
        assert_signal_stops_clean(sigs[i], 0.4, BENCH, "--workers", "1", "--files", "64");
    }
}

Test(item62, a_tmpdir_that_takes_no_folder_is_one_line, .timeout = 10)
{
    cr_assert_eq(setenv("TMPDIR", "/nonexistent/conclab", 1), 0);
    run_program(&r, 10, PROGRAM, NULL);
    assert_one_line_usage_error(&r, "62_mixing with TMPDIR=/nonexistent/conclab");
    cr_assert_str_eq(r.out, "", "printed before failing: %s", r.out);
    run_program(&r, 10, BENCH, NULL);
    assert_one_line_usage_error(&r, "62_mixing-bench with TMPDIR=/nonexistent/conclab");
    cr_assert_null(strstr(r.err, ".c:"), "an internal message: %s", r.err);
}

Test(item62, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *bad[][2] = {
        {"--part", "halfway"},   {"--files", "0"},         {"--files", "65"},
        {"--lines", "0"},        {"--interval-ms", "-1"},  {"--poll-ms", "0"},
        {"--poll-ms", "10,20"},  {"--tail-ms", "x"},       {"--workers", "65"},
        {"--workers", "2,3"},    {"--fail-line", "2"},     {"--fail-line", "5,1"},
        {"--fail-line", "1,10"}, {"--no-such", "1"},       {"--rounds", "3"},
        {"--lines", "20000"},    /* 20000 lines at up to 100 ms: hours, refused */
        {"--part", "native\nall"},
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

/* ---- What the README's labs say the student will see --------------------------- */

/* A step's row of the story: its lines, age p99 (ms) and hand-off p50 (us). */
static void story_row(const char *step, long *lines, double *age_ms, double *handoff_us)
{
    char key[64];
    snprintf(key, sizeof key, "] %-21s", step);
    const char *row = strstr(r.out, key);
    cr_assert_not_null(row, "no row for %s: %s", step, r.out);
    cr_assert_eq(sscanf(row + strlen(key), "%ld lines, whole %*f s age p99 %lf ms hand-off p50 %lf us",
                        lines, age_ms, handoff_us), 3, "%s: %.120s", step, row);
}

/* Lab 1: a pool smaller than the files: the last files wait for a free
 * thread, so their lines wait about the readers' second, not a poll. */
Test(item62, lab62_a_small_pool_makes_files_wait, .timeout = 30)
{
    char dir[] = "/tmp/test62-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--part", "tail_in_executor", "--workers", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    long lines;
    double age, handoff;
    story_row("tail_in_executor", &lines, &age, &handoff);
    cr_assert_eq(lines, 50);
    cr_assert_gt(age, 500, "the waiting files' lines were only %.0f ms old", age);
    assert_tmpdir_empty_and_remove(dir);
}

/* Lab 2: the last line fails: one line missing either way; only the future
 * brings the error back. */
Test(item62, lab62_the_last_line_fails_the_same_count, .timeout = 30)
{
    char dir[] = "/tmp/test62-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--part", "errors", "--fail-line", "0,9", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "run_coroutine_threadsafe: back in the thread: 1 error(s); "
                                     "at the gather: 1; 1 line(s) of file 0"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "call_soon_threadsafe:     back in the thread: 0 error(s); "
                                     "at the gather: 0; 1 line(s) of file 0"), "%s", r.out);
    assert_tmpdir_empty_and_remove(dir);
}

/* Lab 3: a flood, all checked; tail_in_executor's hand-off (a round trip to
 * the loop per line, behind the other threads') at least twice native's. */
Test(item62, lab62_a_flood_crosses_to_the_loop_at_a_price, .timeout = 30)
{
    char dir[] = "/tmp/test62-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 20, PROGRAM, "--lines", "2000", "--interval-ms", "0", "--poll-ms", "1",
                "--tail-ms", "0", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    long lines;
    double age, native, held;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        story_row(steps[i], &lines, &age, &native);
        cr_assert_eq(lines, 10000, "%s", steps[i]);
    }
    story_row("native", &lines, &age, &native);
    story_row("tail_in_executor", &lines, &age, &held);
    cr_assert_geq(held, 2 * native, "tail_in_executor %.1f us, native %.1f us", held, native);
    assert_tmpdir_empty_and_remove(dir);
}

/* Lab 5: readers closed as soon as their writer is done: nothing lost. */
Test(item62, lab62_stopping_early_loses_nothing, .timeout = 30)
{
    char dir[] = "/tmp/test62-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program(&r, 25, PROGRAM, "--tail-ms", "0", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    long lines;
    double age, handoff;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        story_row(steps[i], &lines, &age, &handoff);
        cr_assert_eq(lines, 50, "%s", steps[i]);
    }
    assert_tmpdir_empty_and_remove(dir);
}
