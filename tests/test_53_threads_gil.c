/* test_53_threads_gil.c - Item 53: the divisor count against hand-checked
 * answers, and the program run as a user would run it, at small sizes. No
 * timing is asserted: the machine is shared and noisy. */
#include "53_threads_gil/divisors.h"
#include "helpers.h"

#include <criterion/criterion.h>
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

/* ---- The program --------------------------------------------------------------- */

static int count_fields(const char *line)
{
    int fields = 1;
    for (; *line && *line != '\n'; line++)
        fields += *line == ',';
    return fields;
}

/* Header first, then rows with every column, each beginning with `mode,`. */
static void assert_well_formed_csv(const char *csv, const char *columns, const char *mode,
                                   int want_rows)
{
    cr_assert_eq(strncmp(csv, columns, strlen(columns)), 0, "header: %.200s", csv);
    cr_assert_eq(csv[strlen(columns)], '\n', "header: %.200s", csv);
    int rows = 0;
    for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        cr_assert_eq(count_fields(line), count_fields(columns), "row: %.120s", line);
        cr_assert(strncmp(line, mode, strlen(mode)) == 0, "row: %.120s", line);
        rows++;
    }
    cr_assert_eq(rows, want_rows, "%s", csv);
}

#define SPEEDUP_COLUMNS                                                                  \
    "mode,policy,threads,round,pinned,serial_s,wall_s,speedup,cpu_s,acquisitions,"       \
    "forced_drops,switches,wait_s"

Test(item53, cpu_rows_one_per_variant_per_round, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "cpu", "--size", "200000",
                "--threads", "1,2,3", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err); /* a wrong count exits 1 */
    assert_well_formed_csv(r.out, SPEEDUP_COLUMNS, "cpu,", 3 * 3 * 2);
    /* Under `none` the lock does nothing and counts nothing. */
    cr_assert_eq(csv_number(r.out, "policy", "none", "acquisitions"), 0);
    /* One thread under `new`: it takes the lock once and is never asked to drop. */
    cr_assert_eq(csv_number(r.out, "policy", "new", "acquisitions"), 1);
    cr_assert_eq(csv_number(r.out, "policy", "new", "forced_drops"), 0);
    /* One thread under `old`: 200000 divisions are 12500 ticks, a forced drop
     * (and a retake) every 100 of them. */
    cr_assert_eq(csv_number(r.out, "policy", "old", "forced_drops"), 125);
    cr_assert_eq(csv_number(r.out, "policy", "old", "acquisitions"), 126);
    cr_assert_eq(csv_number(r.out, "round", "2", "round"), 2);
}

Test(item53, io_rows_one_per_variant_per_round, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "io", "--threads", "1,2",
                "--waits", "2", "--wait-ms", "2", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_well_formed_csv(r.out, SPEEDUP_COLUMNS, "io,", 3 * 2 * 2);
    /* 2 waits of 2 ms cannot take less than 4 ms: a sleep never ends early. */
    cr_assert_geq(csv_number(r.out, "mode", "io", "wall_s"), 0.004);
    /* Each thread takes the lock once, and again after each of its 2 waits. */
    cr_assert_eq(csv_number(r.out, "policy", "new", "acquisitions"), 3);
}

Test(item53, overlap_rows_add_up, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "overlap", "--policy", "new",
                "--threads", "1,2", "--waits", "1", "--wait-ms", "5", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_well_formed_csv(r.out,
                           "mode,policy,threads,round,pinned,compute_s,io_s,both_s,sum_s,max_s,"
                           "hidden", "overlap,", 2 * 2);
    double compute = csv_number(r.out, "mode", "overlap", "compute_s");
    double io = csv_number(r.out, "mode", "overlap", "io_s");
    cr_assert_float_eq(csv_number(r.out, "mode", "overlap", "sum_s"), compute + io, 2e-6);
    cr_assert_float_eq(csv_number(r.out, "mode", "overlap", "max_s"),
                       compute > io ? compute : io, 2e-6);
    cr_assert_geq(io, 0.005);
    double both = csv_number(r.out, "mode", "overlap", "both_s");
    double shorter = compute < io ? compute : io;
    cr_assert_float_eq(csv_number(r.out, "mode", "overlap", "hidden"),
                       (compute + io - both) / shorter, 1e-3);
}

#define CONVOY_COLUMNS                                                                   \
    "mode,policy,echo_us,round,pinned,alone_p50_us,alone_p99_us,alone_trips,busy_p50_us," \
    "busy_p99_us,busy_trips,slowdown,forced_drops,switches"

Test(item53, convoy_measures_every_trip, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "convoy", "--trips", "10",
                "--interval", "1", "--echo-us", "0,100", "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_well_formed_csv(r.out, CONVOY_COLUMNS, "convoy,", 3 * 2 * 2);
    cr_assert_eq(csv_number(r.out, "policy", "new", "busy_trips"), 10);
    cr_assert_eq(csv_number(r.out, "policy", "new", "alone_trips"), 10);
    /* The echo waits 100 us before each reply: no round trip is shorter. */
    cr_assert_geq(csv_number(r.out, "echo_us", "100", "alone_p50_us"), 100);
    /* Nothing else ever competes under `none`. */
    cr_assert_eq(csv_number(r.out, "policy", "none", "forced_drops"), 0);
}

/* A client that never gets the lock back is a result, not a failure. */
static void assert_starved_is_reported(const char *policy, const char *knob, const char *value)
{
    run_program(&r, 20, "53_threads_gil", "--csv", "--mode", "convoy", "--policy", policy, knob,
                value, "--convoy-s", "0.1", "--trips", "5", "--echo-us", "100", "--rounds", "1",
                NULL);
    cr_assert_eq(r.exit_code, 0, "%s %s: exit %d, stderr: %s", knob, value, r.exit_code, r.err);
    cr_assert_null(strstr(r.err, "!!!"), "%s", r.err);
    assert_well_formed_csv(r.out, CONVOY_COLUMNS, "convoy,", 1);
    cr_assert_eq(csv_number(r.out, "mode", "convoy", "alone_trips"), 5);
}

Test(item53, a_starved_client_is_reported_not_a_failure, .timeout = 60)
{
    /* A 1 s switch interval: the client cannot get back in within 0.1 s. */
    assert_starved_is_reported("new", "--interval", "1000");
    cr_assert_eq(csv_number(r.out, "mode", "convoy", "busy_trips"), 0);
    cr_assert_float_eq(csv_number(r.out, "mode", "convoy", "busy_p50_us"), 100000, 1);
    /* The largest check interval: the holder hardly ever lets go. */
    assert_starved_is_reported("old", "--ticks", "100000000");
}

Test(item53, timeline_rows_are_intervals_in_order, .timeout = 30)
{
    char json[] = "/tmp/conclab-53-trace-XXXXXX";
    int fd = mkstemp(json);
    cr_assert_geq(fd, 0);
    close(fd);
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "timeline", "--policy", "new",
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
        cr_assert_str_eq(policy, "new");
        cr_assert(thread >= 0 && thread < 4, "row: %.80s", line);
        cr_assert(strcmp(state, "running") == 0 || strcmp(state, "waiting") == 0 ||
                      strcmp(state, "syscall") == 0, "row: %.80s", line);
        int k = strcmp(scene, "cpu") == 0 ? 0 : 1;
        /* Each thread's intervals follow one another and never overlap. */
        cr_assert_geq(start, last_end[k][thread] - 1e-3, "row: %.80s", line);
        cr_assert_geq(end, start, "row: %.80s", line);
        last_end[k][thread] = end;
        rows++;
    }
    cr_assert_gt(rows, 0);
    FILE *f = fopen(json, "r");
    cr_assert_not_null(f);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    unlink(json);
    text[n] = '\0';
    cr_assert_eq(strncmp(text, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 39), 0, "%.80s",
                 text);
    /* Whole: it ends the array and the object (written as FILE.part, then renamed). */
    cr_assert(n > 4 && strcmp(text + n - 4, "\n]}\n") == 0, "ends: %s", text + (n > 40 ? n - 40 : 0));
    char part[sizeof json + 8];
    snprintf(part, sizeof part, "%s.part", json);
    cr_assert_neq(access(part, F_OK), 0, "%s left behind", part);
}

/* The convoy scene ends at --trace-ms even when the client cannot win the
 * lock back: this once waited for a client that never came. */
Test(item53, timeline_ends_when_the_client_is_starved, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "timeline", "--policy", "old",
                "--ticks", "100000000", "--trace-ms", "10", NULL);
    cr_assert_eq(r.exit_code, 0, "exit %d, stderr: %s", r.exit_code, r.err);
    cr_assert_not_null(strstr(r.out, "\nconvoy,old,"), "%s", r.out);
}

Test(item53, the_story_runs_at_a_small_size, .timeout = 40)
{
    run_program(&r, 35, "53_threads_gil", "--size", "100000", "--threads", "2", "--waits", "1",
                "--wait-ms", "2", "--trips", "5", "--interval", "1", "--rounds", "1",
                "--trace-ms", "10", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    const char *parts[] = {"cpu: ", "io: ", "overlap: ", "convoy: ", "timeline: "};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        cr_assert_not_null(strstr(r.out, parts[i]), "%s: %s", parts[i], r.out);
}

static void assert_usage_error(const char *flag, const char *value, const char *says)
{
    run_program(&r, 10, "53_threads_gil", flag, value, NULL);
    cr_assert_eq(r.exit_code, 2, "%s %s: exit %d", flag, value ? value : "", r.exit_code);
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, says), "%s", r.err);
}

Test(item53, bad_flags_are_one_line_and_exit_2, .timeout = 20)
{
    assert_usage_error("--policy", "fast", "--policy");
    assert_usage_error("--mode", "gpu", "--mode");
    assert_usage_error("--threads", "0", "--threads");
    assert_usage_error("--interval", "-1", "--interval");
    assert_usage_error("--rounds", "0", "--rounds");
    assert_usage_error("--echo-us", "200000", "--echo-us");
    assert_usage_error("--csv", NULL, "--mode"); /* --csv needs one mode */
    assert_usage_error("--trace-json", NULL, "--trace-json");
    assert_usage_error("--no-such-flag", NULL, "no-such-flag");
    assert_usage_error("--size", "100000001", "--size");
    assert_usage_error("--waits", "21", "--wait-ms"); /* 21 x 10 ms: over 200 ms */
}
