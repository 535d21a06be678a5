/* test_53_threads_gil.c - Item 53: the divisor count against hand-checked
 * answers; the program and its bench run as a user would run them, at small
 * sizes; every way out (signals, bad input, runs too long); the labs of the
 * README. No timing is asserted except lower bounds no load can break (a
 * blocking call of 5 ms never takes less). */
#include "53_threads_gil/divisors.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct run_result r;

/* ---- The CPU-bound work, against answers worked out by hand --------------- */

struct known {
    uint64_t n, count, sum;
};

/* 1: {1}. 12: 1 2 3 4 6 12. 97: prime. 1009^2: 1, 1009, 1018081.
 * 5000000 = 2^6 * 5^7: 7 * 8 divisors; sum (2^7 - 1)(5^8 - 1)/4 = 127 * 97656.
 * 4294967296 = 2^32: 33 divisors summing to 2^33 - 1. */
static const struct known answers[] = {
    {1, 1, 1},
    {12, 6, 28},
    {97, 2, 98},
    {1018081, 3, 1 + 1009 + 1018081},
    {5000000, 56, 127ULL * 97656},
    {4294967296ULL, 33, 8589934591ULL},
};

Test(item53, divisors_by_factoring_knows_the_answers, .timeout = 10)
{
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        struct divisors d = divisors_by_factoring(answers[i].n);
        cr_assert_eq(d.count, answers[i].count, "%llu", (unsigned long long)answers[i].n);
        cr_assert_eq(d.sum, answers[i].sum, "%llu", (unsigned long long)answers[i].n);
    }
}

Test(item53, divisors_by_trial_knows_the_answers_under_every_policy, .timeout = 30)
{
    const enum gil_policy policies[] = {GIL_NEW, GIL_OLD, GIL_NONE};
    for (size_t p = 0; p < 3; p++)
        for (size_t i = 0; i < 5; i++) { /* 2^32 by trial would take seconds */
            struct gil g;
            gil_init(&g, policies[p], 0, 0);
            gil_acquire(&g);
            struct divisors d = divisors_by_trial(&g, answers[i].n, NULL);
            gil_release(&g);
            gil_destroy(&g);
            cr_assert_eq(d.count, answers[i].count, "%llu", (unsigned long long)answers[i].n);
            cr_assert_eq(d.sum, answers[i].sum, "%llu", (unsigned long long)answers[i].n);
        }
}

Test(item53, divisors_by_trial_stops_when_asked, .timeout = 10)
{
    struct gil g;
    gil_init(&g, GIL_NONE, 0, 0);
    atomic_bool stop = true;
    struct divisors d = divisors_by_trial(&g, 5000000, &stop);
    gil_destroy(&g);
    /* It looks at the flag every 65536 steps, after counting: it has found
     * the divisors 2^a 5^b of 5000000 up to 65536, worked out by listing
     * them: 43 of the 56, summing to 305437. */
    cr_assert_eq(d.count, 43);
    cr_assert_eq(d.sum, 305437);
}

Test(item53, a_number_taking_some_time_is_in_range, .timeout = 10)
{
    uint64_t n = divisors_number_taking(0.001);
    cr_assert_geq(n, 1000);
    cr_assert_lt(n, 1000000000ULL, "%llu for a millisecond", (unsigned long long)n);
    cr_assert_geq(divisors_number_taking(0.01), n, "ten times the time, a smaller number");
}

/* ---- The program: the story ------------------------------------------------- */

Test(item53, the_story_tells_every_part_under_every_policy, .timeout = 40)
{
    run_program(&r, 35, "53_threads_gil", "--wait-ms", "5", "--trips", "5", "--echo-us", "0,50",
                NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    const char *parts[] = {"[p4] CPU-bound", "[p5] Blocking calls", "[p6] Computing",
                           "[p7] The convoy"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_not_null(strstr(r.out, parts[i]), "%s: %s", parts[i], r.out);
    const char *lines[] = {"new GIL   4 threads", "old GIL   4 threads", "no GIL    4 threads",
                           "new GIL   5 threads", "no GIL   echo  50 us", "old GIL  echo   0 us"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_assert_not_null(strstr(r.out, lines[i]), "no line '%s' in:\n%s", lines[i], r.out);
}

Test(item53, the_story_takes_one_part_and_one_policy, .timeout = 20)
{
    run_program(&r, 15, "53_threads_gil", "--part", "cpu", "--policy", "none", "--threads",
                "1,2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "no GIL    2 threads"), "%s", r.out);
    cr_assert_null(strstr(r.out, "new GIL"), "%s", r.out);
    cr_assert_null(strstr(r.out, "[p5]"), "%s", r.out);
}

/* ---- The bench: CSV, one row per variant per round ------------------------ */

static int count_fields(const char *line)
{
    int fields = 1;
    for (; *line && *line != '\n'; line++)
        fields += *line == ',';
    return fields;
}

/* Header first, then want_rows rows with every column. */
static void assert_well_formed_csv(const char *csv, const char *columns, int want_rows)
{
    cr_assert_eq(strncmp(csv, columns, strlen(columns)), 0, "header: %.300s", csv);
    cr_assert_eq(csv[strlen(columns)], '\n', "header: %.300s", csv);
    int rows = 0;
    for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        cr_assert_eq(count_fields(line), count_fields(columns), "row: %.160s", line);
        rows++;
    }
    cr_assert_eq(rows, want_rows, "%s", csv);
}

#define CPU_COLUMNS                                                                         \
    "policy,threads,round,pinned,serial_s,threads_s,speedup,cpu_s,cpu_per_wall,"            \
    "acquisitions,forced_drops,switches,wait_s"
#define IO_COLUMNS                                                                          \
    "policy,work,calls,wait_ms,round,pinned,serial_s,threads_s,speedup,compute_s,both_s,"   \
    "hidden"
#define CONVOY_COLUMNS                                                                      \
    "policy,echo_us,round,pinned,interval_ms,alone_p50_us,alone_p99_us,alone_trips,"        \
    "busy_p50_us,busy_p99_us,busy_trips,slowdown,hog_cpu_share,forced_drops,switches"

Test(item53, bench_cpu_rows_and_the_lock_counts, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil-bench", "--part", "cpu", "--threads", "1,3", "--rounds",
                "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err); /* a wrong count exits 1 */
    assert_well_formed_csv(r.out, CPU_COLUMNS, 3 * 2 * 2);
    /* Under `none` the lock does nothing and counts nothing. */
    cr_assert_eq(csv_number(r.out, "policy", "none", "acquisitions"), 0);
    /* One thread, new policy: the serial run and the thread take the lock
     * once each, and nobody asks for a drop. */
    cr_assert_eq(csv_number(r.out, "policy", "new", "acquisitions"), 2);
    cr_assert_eq(csv_number(r.out, "policy", "new", "forced_drops"), 0);
    /* One thread, old policy: 2139079 divisions are 133692 ticks (16 each),
     * a forced drop and a retake every 100 of them: 1336, in the serial run
     * and again in the thread. */
    cr_assert_eq(csv_number(r.out, "policy", "old", "forced_drops"), 2 * 1336);
    cr_assert_eq(csv_number(r.out, "policy", "old", "acquisitions"), 2 + 2 * 1336);
}

Test(item53, bench_io_rows_blocking_and_computing, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil-bench", "--part", "io", "--policy", "new", "--calls",
                "1,3", "--wait-ms", "5", "--computing", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_well_formed_csv(r.out, IO_COLUMNS, 2 * 2 * 2);
    cr_assert_not_null(strstr(r.out, "\nnew,computing,3,5,2,"), "%s", r.out);
    /* A 5 ms call never ends early: 3 of them in turn take 15 ms at least. */
    char serial[32];
    cr_assert(csv_field(r.out, "work", "blocking", "serial_s", serial, sizeof serial));
    cr_assert_geq(csv_number(r.out, "work", "blocking", "threads_s"), 0.005);
    double compute = csv_number(r.out, "work", "blocking", "compute_s");
    double threads = csv_number(r.out, "work", "blocking", "threads_s");
    double both = csv_number(r.out, "work", "blocking", "both_s");
    cr_assert_float_eq(csv_number(r.out, "work", "blocking", "hidden"),
                       (compute + threads - both) / (compute < threads ? compute : threads), 1e-3);
}

Test(item53, bench_convoy_rows_measure_every_trip, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil-bench", "--part", "convoy", "--trips", "5",
                "--interval", "1", "--echo-us", "0,100", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_well_formed_csv(r.out, CONVOY_COLUMNS, 3 * 2);
    cr_assert_eq(csv_number(r.out, "policy", "new", "busy_trips"), 5);
    cr_assert_eq(csv_number(r.out, "policy", "new", "alone_trips"), 5);
    /* The echo waits 100 us before each reply: no round trip is shorter. */
    cr_assert_geq(csv_number(r.out, "echo_us", "100", "alone_p50_us"), 100);
    cr_assert_eq(csv_number(r.out, "policy", "none", "forced_drops"), 0);
}

/* A client that never gets the lock back is a result, not a failure. */
Test(item53, bench_a_starved_client_is_reported, .timeout = 30)
{
    run_program(&r, 20, "53_threads_gil-bench", "--part", "convoy", "--policy", "new",
                "--interval", "1000", "--convoy-s", "0.1", "--trips", "5", "--echo-us", "100",
                "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_well_formed_csv(r.out, CONVOY_COLUMNS, 1);
    cr_assert_eq(csv_number(r.out, "policy", "new", "busy_trips"), 0);
    cr_assert_float_eq(csv_number(r.out, "policy", "new", "busy_p50_us"), 100000, 1);
    cr_assert_eq(csv_number(r.out, "policy", "new", "alone_trips"), 5);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

Test(item53, bench_timeline_rows_and_a_whole_trace, .timeout = 30)
{
    char dir[] = "/tmp/test53-XXXXXX", json[64], part[72];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(json, sizeof json, "%s/gil.json", dir);
    snprintf(part, sizeof part, "%s.part", json);
    run_program(&r, 25, "53_threads_gil-bench", "--part", "timeline", "--policy", "new",
                "--trace-ms", "20", "--trace-json", json, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(strncmp(r.out, "scene,policy,thread,label,state,start_ms,end_ms\n", 48), 0);
    double last_end[2][4] = {{0}}; /* [scene][thread] */
    int rows = 0;
    for (const char *line = strchr(r.out, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        char scene[16], policy[8], label[32], state[16];
        int thread;
        double start, end;
        cr_assert_eq(sscanf(line, "%15[^,],%7[^,],%d,%31[^,],%15[^,],%lf,%lf", scene, policy,
                            &thread, label, state, &start, &end), 7, "row: %.80s", line);
        cr_assert(thread >= 0 && thread < 4, "row: %.80s", line);
        int k = strcmp(scene, "cpu") == 0 ? 0 : 1;
        cr_assert_geq(start, last_end[k][thread] - 1e-3, "row: %.80s", line);
        cr_assert_geq(end, start, "row: %.80s", line);
        cr_assert_leq(end, 20.001, "row: %.80s", line); /* the scene's window */
        last_end[k][thread] = end;
        rows++;
    }
    cr_assert_gt(rows, 0);
    cr_assert_not_null(strstr(r.out, "convoy,new,"), "%s", r.out);
    FILE *f = fopen(json, "r");
    cr_assert_not_null(f);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cr_assert_eq(strncmp(text, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 39), 0);
    cr_assert(n > 4 && strcmp(text + n - 4, "\n]}\n") == 0, "not whole: %s", text + n - 20);
    cr_assert_not(exists(part), "%s left behind", part);
    unlink(json);
    rmdir(dir);
}

/* ---- Every way out is clean (issue 14) ---------------------------------------- */

static void assert_stops_cleanly(unsigned timeout_s, double after_s, const char *what,
                                 const char *program, const char *a1, const char *a2,
                                 const char *a3, const char *a4, const char *a5, const char *a6)
{
    const int sigs[] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        run_program_signalled(&r, timeout_s, sigs[i], after_s, program, a1, a2, a3, a4, a5, a6,
                              NULL);
        assert_clean_stop(&r, sigs[i], what);
    }
}

Test(item53, the_story_stops_cleanly_on_sigint_and_sigterm, .timeout = 60)
{
    assert_stops_cleanly(20, 0.5, "the story", "53_threads_gil", NULL, NULL, NULL, NULL, NULL,
                         NULL);
    /* Heavy: a client that cannot win the lock back, beside a CPU-bound thread. */
    assert_stops_cleanly(20, 0.5, "a starving convoy", "53_threads_gil", "--part", "convoy",
                         "--policy", "old", "--ticks", "100000000");
    assert_stops_cleanly(20, 0.3, "64 threads blocking", "53_threads_gil", "--part", "io",
                         "--calls", "64", "--wait-ms", "100");
}

Test(item53, the_bench_stops_cleanly_on_sigint_and_sigterm, .timeout = 60)
{
    assert_stops_cleanly(20, 0.3, "the bench", "53_threads_gil-bench", "--part", "io", NULL,
                         NULL, NULL, NULL);
    assert_stops_cleanly(20, 0.5, "a long convoy", "53_threads_gil-bench", "--part", "convoy",
                         "--interval", "1000", "--convoy-s", "1");
    assert_stops_cleanly(20, 0.3, "the old GIL at 64 threads", "53_threads_gil-bench", "--part",
                         "cpu", "--threads", "64", "--policy", "old");
}

/* Stopped mid-timeline, the trace leaves neither FILE.part nor FILE. */
Test(item53, a_stopped_trace_leaves_no_part_file, .timeout = 30)
{
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        char dir[] = "/tmp/test53-XXXXXX", json[64], part[72];
        cr_assert_not_null(mkdtemp(dir));
        snprintf(json, sizeof json, "%s/gil.json", dir);
        snprintf(part, sizeof part, "%s.part", json);
        run_program_signalled(&r, 20, sigs[i], 0.3, "53_threads_gil-bench", "--part", "timeline",
                              "--trace-ms", "1000", "--trace-json", json, NULL);
        assert_clean_stop(&r, sigs[i], "the timeline");
        cr_assert_not(exists(part), "signal %d left %s", sigs[i], part);
        cr_assert_not(exists(json), "signal %d left a half trace in %s", sigs[i], json);
        cr_assert_eq(rmdir(dir), 0, "%s is not empty", dir);
    }
}

static void assert_usage_error(const char *program, const char *what, const char *says,
                               const char *a1, const char *a2, const char *a3, const char *a4)
{
    run_program(&r, 10, program, a1, a2, a3, a4, NULL);
    assert_one_line_usage_error(&r, what);
    cr_assert_not_null(strstr(r.err, says), "%s: %s", what, r.err);
}

Test(item53, trace_json_needs_a_real_file_name, .timeout = 20)
{
    const char *bench = "53_threads_gil-bench";
    /* The message names the program, not "conclab". */
    assert_usage_error(bench, "no value", "53_threads_gil-bench: --trace-json needs a file name",
                       "--part", "timeline", "--trace-json", NULL);
    /* A value that is another flag is a missing value, not a file named "--pin". */
    assert_usage_error(bench, "a flag for a value", "--trace-json needs a file name", "--part",
                       "timeline", "--trace-json", "--pin");
    cr_assert_not(exists("--pin"), "a file named --pin was written");
    assert_usage_error(bench, "empty", "--trace-json needs a file name", "--part", "timeline",
                       "--trace-json=", NULL);
    assert_usage_error(bench, "not a timeline", "--part timeline", "--part", "cpu",
                       "--trace-json", "x.json");
    assert_usage_error(bench, "unwritable", "cannot write", "--part", "timeline",
                       "--trace-json", "/nonexistent/dir/x.json");
}

Test(item53, runs_past_the_limit_are_refused, .timeout = 20)
{
    assert_usage_error("53_threads_gil-bench", "a convoy of hours", "limit", "--part", "convoy",
                       "--interval", "1000");
    run_program(&r, 10, "53_threads_gil-bench", "--part", "convoy", "--interval", "1000",
                "--convoy-s", "10", "--rounds", "100", NULL);
    assert_one_line_usage_error(&r, "the issue's convoy");
    run_program(&r, 10, "53_threads_gil-bench", "--part", "cpu", "--threads", "64", "--policy",
                "old", "--ticks", "1", "--rounds", "100", NULL);
    assert_one_line_usage_error(&r, "the old GIL dropping at every tick");
    assert_usage_error("53_threads_gil", "a story of minutes", "limit", "--calls", "64",
                       "--wait-ms", "1000");
}

Test(item53, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *programs[] = {"53_threads_gil", "53_threads_gil-bench"};
    for (int i = 0; i < 2; i++) {
        const char *p = programs[i];
        assert_usage_error(p, "policy", "--policy", "--policy", "fast", NULL, NULL);
        assert_usage_error(p, "part", "--part", "--part", "gpu", NULL, NULL);
        assert_usage_error(p, "threads 0", "--threads", "--threads", "0", NULL, NULL);
        assert_usage_error(p, "threads x", "--threads", "--threads", "2,x", NULL, NULL);
        assert_usage_error(p, "interval", "--interval", "--interval", "-1", NULL, NULL);
        assert_usage_error(p, "echo", "--echo-us", "--echo-us", "200000", NULL, NULL);
        assert_usage_error(p, "wait", "--wait-ms", "--wait-ms", "0", NULL, NULL);
        assert_usage_error(p, "ticks", "--ticks", "--ticks", "1.5", NULL, NULL);
        assert_usage_error(p, "unknown", "no-such-flag", "--no-such-flag", NULL, NULL, NULL);
        assert_usage_error(p, "newline", "\\n", "--policy", "new\nold", NULL, NULL);
    }
    assert_usage_error("53_threads_gil-bench", "rounds", "--rounds", "--rounds", "0", NULL, NULL);
    assert_usage_error("53_threads_gil-bench", "convoy-s", "--convoy-s", "--convoy-s", "60", NULL,
                       NULL);
    assert_usage_error("53_threads_gil", "no csv", "--csv", "--csv", NULL, NULL, NULL);
}

Test(item53, help_names_the_parts_and_the_columns, .timeout = 20)
{
    run_program(&r, 10, "53_threads_gil-bench", "--help", NULL);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_not_null(strstr(r.out, "--part WORD"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, CONVOY_COLUMNS), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "--trace-json FILE"), "%s", r.out);
    run_program(&r, 10, "53_threads_gil", "-h", NULL);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_not_null(strstr(r.out, "the book's"), "%s", r.out);
}

/* ---- The labs of the README: what they say the student will see -------------- */

/* Lab 1: the convoy follows the switch interval. Each forced drop of the
 * CPU-bound thread is a round trip in which the client waited a whole
 * interval (a timed wait never ends early), so when more than half the
 * trips had one, the median trip is at least the interval. */
Test(item53, lab53_the_convoy_follows_the_interval, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil-bench", "--part", "convoy", "--policy", "new",
                "--interval", "20", "--echo-us", "100", "--trips", "10", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    double drops = csv_number(r.out, "policy", "new", "forced_drops");
    double busy = csv_number(r.out, "policy", "new", "busy_p50_us");
    if (drops > 10 / 2.0)
        cr_assert_geq(busy, 20000, "%g forced drops, yet the median trip took %g us", drops, busy);
    else
        cr_log_warn("only %g forced drops in 10 trips: the machine could not stage the convoy",
                    drops);
}

/* Lab 2: with 10^8 ticks between checks (seconds of counting) the old GIL
 * never lets the client back in before the story's 2 s cut: starved. */
Test(item53, lab53_huge_ticks_starve_the_client, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--part", "convoy", "--policy", "old", "--ticks",
                "100000000", "--trips", "5", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "beside it 2000.00 ms"), "%s", r.out);
}

/* Lab 3: pinned to one CPU, the threads cannot use more than one core. */
Test(item53, lab53_pinned_threads_use_one_core, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil-bench", "--part", "cpu", "--policy", "old", "--threads",
                "4", "--rounds", "2", "--pin", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_leq(csv_number(r.out, "round", "1", "cpu_per_wall"), 1.05, "%s", r.out);
    cr_assert_leq(csv_number(r.out, "round", "2", "cpu_per_wall"), 1.05, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "round", "1", "pinned"), 1);
}
