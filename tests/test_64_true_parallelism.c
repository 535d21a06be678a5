/* test_64_true_parallelism.c - Item 64: its pieces (the process pool, the
 * wire format, the pairs), the program and the bench, run as a user would.
 *
 * The program and the bench check every answer against Euclid's algorithm,
 * and the bench every executor against hand-checked pairs first, exiting 1
 * (!!!) on a mismatch: exit status 0 means "correct". No test looks at a time. */
#include "64_true_parallelism/pairs.h"
#include "64_true_parallelism/process_pool.h"
#include "clab.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRAM "64_true_parallelism"
#define BENCH "64_true_parallelism-bench"

static struct run_result r;

/* ---- The pieces ------------------------------------------------------------ */

Test(item64_pieces, euclid_gives_hand_checked_answers, .timeout = 5)
{
    cr_assert_eq(gcd_by_euclid(1071, 462), 21);             /* 3^2*7*17, 2*3*7*11 */
    cr_assert_eq(gcd_by_euclid(5000000, 3750000), 1250000); /* 2^6*5^7, 2^4*3*5^7 */
    cr_assert_eq(gcd_by_euclid(4999999, 4999998), 1);
    cr_assert_eq(gcd_by_euclid(65536, 98304), 32768);
    cr_assert_eq(gcd_by_euclid(7919, 7919), 7919);
    cr_assert_eq(gcd_by_euclid(12, 0), 12);
}

Test(item64_pieces, the_wire_format_is_little_endian_byte_by_byte, .timeout = 5)
{
    unsigned char buf[8] = {0};
    cr_assert_eq(wire_put_u32(buf, 0x01020304u), buf + 4);
    cr_assert(buf[0] == 4 && buf[1] == 3 && buf[2] == 2 && buf[3] == 1);
    wire_put_u32(buf + 4, 0xfffffffeu);
    uint32_t a, b;
    wire_get_u32(wire_get_u32(buf, &a), &b);
    cr_assert_eq(a, 0x01020304u);
    cr_assert_eq(b, 0xfffffffeu);
}

Test(item64_pieces, pairs_lie_in_range_and_repeat, .timeout = 5)
{
    struct pair *p = make_pairs(1000, 1000), *q = make_pairs(1000, 1000);
    for (int i = 0; i < 1000; i++) {
        cr_assert(p[i].a >= 500 && p[i].a <= 1000 && p[i].b >= 500 && p[i].b <= 1000,
                  "pair %d: %u, %u", i, p[i].a, p[i].b);
        cr_assert(p[i].a == q[i].a && p[i].b == q[i].b, "not the same pairs twice");
    }
    cr_assert(p[0].a != p[1].a || p[0].b != p[1].b, "all pairs alike");
    free(p);
    free(q);
}

/* A function the pool applies: its answers are known without the pool. */
static uint32_t sum_and_worker(struct gil *g, struct pair p)
{
    cr_assert(gil_held_by_me(g), "a worker computes without its own lock");
    return p.a + p.b;
}

Test(item64_pieces, the_process_pool_puts_every_answer_in_its_place, .timeout = 30)
{
    size_t n = 5000;
    struct pair *pairs = cl_calloc(n, sizeof *pairs);
    for (size_t i = 0; i < n; i++)
        pairs[i] = (struct pair){(uint32_t)i, (uint32_t)(3 * i)};
    const long workers[] = {1, 2, 3, 8};
    const size_t batches[] = {1, 7, 64, 5000, 100000}; /* uneven, whole, larger than all */
    for (size_t w = 0; w < 4; w++)
        for (size_t b = 0; b < 5; b++) {
            uint32_t *results = cl_calloc(n, sizeof *results);
            int fds = cl_open_fds();
            struct measurement m = process_pool_map(sum_and_worker, pairs, n, results,
                                                    workers[w], batches[b]);
            for (size_t i = 0; i < n; i++)
                cr_assert_eq(results[i], 4 * i, "%ld workers, batch %zu: results[%zu] = %u",
                             workers[w], batches[b], i, results[i]);
            cr_assert_eq(cl_children_left(), 0, "a worker left unreaped");
            cr_assert_eq(cl_open_fds(), fds, "a pipe left open");
            cr_assert_geq(m.ship_s, 0);
            cr_assert_gt(m.wall_s, 0);
            free(results);
        }
    free(pairs);
}

Test(item64_pieces, more_workers_than_pairs_are_all_reaped, .timeout = 30)
{
    struct pair one = {5, 6};
    uint32_t result = 0;
    process_pool_map(sum_and_worker, &one, 1, &result, 8, 1);
    cr_assert_eq(result, 11);
    cr_assert_eq(cl_children_left(), 0);
}

/* ---- The program ------------------------------------------------------------ */

Test(item64, every_executor_gives_the_right_answers, .timeout = 60)
{
    const char *parts[] = {"threads_gil", "threads", "processes"};
    for (int i = 0; i < 3; i++) {
        run_program(&r, 40, PROGRAM, "--part", parts[i], "--workers", "1,2,3", "--pairs", "12",
                    "--size", "20000", NULL);
        cr_assert_eq(r.exit_code, 0, "%s: stderr: %s", parts[i], r.err);
        int rows = 0;
        for (const char *at = r.out; (at = strstr(at, parts[i])) != NULL; at++)
            rows++;
        cr_assert_eq(rows, 3, "%s: one row per pool size: %s", parts[i], r.out);
        cr_assert_not_null(strstr(r.out, "leftovers 0 children unreaped, 0 descriptors leaked"),
                           "%s", r.out);
        cr_assert(!r.left_in_group, "a worker outlived the program");
    }
}

Test(item64, the_story_tells_both_parts, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    const char *must[] = {"serial", "threads_gil", "threads ", "processes", "\nshipping: ",
                          "(1 per message)", "(1000 per message)",
                          "every answer checked against Euclid's algorithm"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        cr_assert_not_null(strstr(r.out, must[i]), "no '%s' in: %s", must[i], r.out);
}

Test(item64, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *bad[][2] = {
        {"--part", "fibers"}, {"--workers", "0"}, {"--workers", "1,x"}, {"--batch", "0"},
        {"--pairs", "-5"},    {"--size", "1"},    {"--no-such", "1"},   {"--workers", "1,,2"},
        {"--pairs", "0x10"},  {"--csv", ""},      {"--part", "all\nx"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(&r, 10, PROGRAM, bad[i][0], bad[i][1], NULL);
        assert_one_line_usage_error(&r, bad[i][0]);
        cr_assert_str_eq(r.out, "", "%s %s printed: %s", bad[i][0], bad[i][1], r.out);
    }
}

Test(item64, a_run_past_the_bound_is_refused_up_front, .timeout = 30)
{
    run_program(&r, 10, PROGRAM, "--pairs", "100000", "--size", "50000000", NULL);
    assert_one_line_usage_error(&r, "program: huge run");
    cr_assert_not_null(strstr(r.err, "limit"), "%s", r.err);
    run_program(&r, 10, BENCH, "--pairs", "10000000", "--size", "2000000000", NULL);
    assert_one_line_usage_error(&r, "bench: huge run");
}

/* Ctrl-C, SIGTERM and SIGHUP in the middle of a long run: exit 128 + signal
 * within half a second, every worker process reaped, no !!!. */
Test(item64, a_stop_signal_ends_every_executor_cleanly, .timeout = 60)
{
    const char *parts[] = {"threads_gil", "threads", "processes", "shipping"};
    const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGTERM};
    for (int i = 0; i < 4; i++) {
        /* long enough that the signal comes in the middle, not at the end */
        run_program_signalled(&r, 30, signals[i], 0.3, PROGRAM, "--part", parts[i],
                              "--workers", "2,4", "--pairs", "400", "--size", "5000000",
                              "--batch", "1,1,1,1,1,1", NULL);
        assert_clean_stop(&r, signals[i], parts[i]);
    }
}

Test(item64, a_stop_signal_ends_the_bench_cleanly, .timeout = 60)
{
    run_program_signalled(&r, 30, SIGINT, 0.4, BENCH, "--pairs", "60", "--rounds", "5", NULL);
    assert_clean_stop(&r, SIGINT, "bench scaling");
    cr_assert_null(strstr(r.out, ",processes,"), "a half-finished round was printed");
    run_program_signalled(&r, 30, SIGTERM, 0.4, BENCH, "--part", "shipping", "--workers", "2",
                          "--pairs", "60000", "--size", "1000", "--batch", "1", "--rounds", "20",
                          NULL);
    assert_clean_stop(&r, SIGTERM, "bench shipping");
}

/* ---- The bench -------------------------------------------------------------- */

/* Every CSV row ends with children_left,fds_leaked: both 0, always. */
static int rows_with_nothing_left(const char *csv)
{
    const char *line = strchr(csv, '\n');
    cr_assert_not_null(line, "no CSV header: %s", csv);
    cr_assert_not_null(strstr(csv, "children_left,fds_leaked\n"), "header: %s", csv);
    int rows = 0;
    for (line++; *line; rows++) {
        const char *eol = strchr(line, '\n');
        cr_assert_not_null(eol, "unterminated row: %s", line);
        cr_assert(eol - line > 4 && strncmp(eol - 4, ",0,0", 4) == 0,
                  "a row left something behind: %.*s", (int)(eol - line), line);
        line = eol + 1;
    }
    return rows;
}

Test(item64_bench, scaling_interleaves_every_executor_in_rounds, .timeout = 60)
{
    run_program(&r, 50, BENCH, "--workers", "1,2", "--pairs", "8", "--size", "300000",
                "--rounds", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    /* per round: serial, serial_locked, 3 executors x 2 pool sizes */
    cr_assert_eq(rows_with_nothing_left(r.out), 2 * (2 + 3 * 2), "%s", r.out);
    cr_assert_float_eq(csv_number(r.out, "executor", "serial", "speedup"), 1.0, 1e-9);
    /* speedup is serial_s / wall_s of the same row, computed here apart
     * (the columns are rounded to a microsecond: 1% slack) */
    double serial_s = csv_number(r.out, "executor", "threads", "serial_s");
    double wall_s = csv_number(r.out, "executor", "threads", "wall_s");
    cr_assert_float_eq(csv_number(r.out, "executor", "threads", "speedup"), serial_s / wall_s,
                       0.01 * serial_s / wall_s);
}

Test(item64_bench, shipping_reports_worker_time_spent_shipping, .timeout = 60)
{
    run_program(&r, 50, BENCH, "--part", "shipping", "--workers", "2", "--pairs", "2000",
                "--size", "200", "--batch", "1,2000", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(rows_with_nothing_left(r.out), 1 + 2, "%s", r.out);
    cr_assert_gt(csv_number(r.out, "batch", "1", "ship_s"), 0);
    cr_assert_gt(csv_number(r.out, "batch", "1", "compute_s"), 0);
    /* 2000 one-pair messages ship more than one message of 2000 pairs */
    cr_assert_gt(csv_number(r.out, "batch", "1", "ship_s"),
                 csv_number(r.out, "batch", "2000", "ship_s"));
}

Test(item64_bench, large_messages_span_several_pipe_buffers, .timeout = 60)
{
    /* 20,000 pairs in one message is 160 KB: partial reads and writes. */
    run_program(&r, 50, BENCH, "--part", "shipping", "--workers", "2", "--pairs", "20000",
                "--size", "50", "--batch", "20000", "--rounds", "1", "--pin", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(rows_with_nothing_left(r.out), 2, "%s", r.out);
}

Test(item64_bench, a_full_disk_is_an_error, .timeout = 30)
{
    /* The rows go to /dev/full: a failed write is one line and exit 1. */
    char path[512];
    snprintf(path, sizeof path, "%s/" BENCH, getenv("CONCLAB_BIN"));
    FILE *err = tmpfile();
    cr_assert_not_null(err);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        if (!freopen("/dev/full", "w", stdout))
            _exit(126);
        dup2(fileno(err), 2);
        alarm(20);
        execl(path, path, "--pairs", "2", "--size", "1000", "--rounds", "1", (char *)NULL);
        _exit(127);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    char text[512] = "";
    rewind(err);
    size_t n = fread(text, 1, sizeof text - 1, err);
    text[n] = '\0';
    fclose(err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status 0x%x: %s", status, text);
    cr_assert_not_null(strstr(text, "writing standard output: No space left on device"), "%s",
                       text);
    cr_assert_eq(count_lines(text), 1, "%s", text);
}

/* ---- The labs of the README: what they say the student will see --------------- */

/* Column `column` (1 workers, 2 wall_s, 3 speedup, 4 (user+sys)/wall,
 * 5 shipping %) of the first story row that starts with `row` and holds
 * `tail` (NULL: any). */
static double story_column(const char *out, const char *row, const char *tail, int column)
{
    for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        char text[256];
        snprintf(text, sizeof text, "%.*s", (int)(len < 255 ? len : 255), line);
        if (strncmp(text, row, strlen(row)) != 0 || (tail && !strstr(text, tail)))
            continue;
        /* columns: executor workers wall_s speedup (user+sys)/wall shipping */
        char name[32];
        double v[5] = {0};
        int got = sscanf(text, "%31s %lf %lf %lfx %lf %lf", name, &v[0], &v[1], &v[2], &v[3], &v[4]);
        cr_assert_geq(got, column + 1, "row '%s': %s", row, text);
        return v[column - 1];
    }
    cr_assert_fail("no row '%s' (%s) in: %s", row, tail ? tail : "", out);
    return 0;
}

Test(lab64, lab1_the_gil_pool_keeps_one_core_busy, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "threads_gil", "--workers", "1,2,4", "--pairs", "20",
                NULL);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    /* (user+sys)/wall: only the lock's holder computes, whatever the load */
    for (const char *at = r.out; (at = strstr(at, "\nthreads_gil")) != NULL; at++) {
        double busy = story_column(at + 1, "threads_gil", NULL, 4);
        cr_assert_lt(busy, 1.3, "the GIL pool kept %.2f cores busy: %s", busy, r.out);
    }
}

Test(lab64, lab2_one_pair_per_message_is_mostly_shipping, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "shipping", "--batch", "1,1000", NULL);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    /* One pair per message: most of each worker's time is the round trip.
     * The share at 1,000 per message moves with the machine (30-50% on the
     * 2-core VM, where the parent waits for a core to read each reply), so
     * the batch's effect is judged on the wall time: 20,000 round trips
     * against 20 (0.5 s against 0.03-0.05 s there). */
    double one = story_column(r.out, "processes", "(1 per message)", 5);
    cr_assert_gt(one, 50, "shipping share %.1f%% at 1 per message", one);
    double wall_one = story_column(r.out, "processes", "(1 per message)", 2);
    double wall_many = story_column(r.out, "processes", "(1000 per message)", 2);
    cr_assert_gt(wall_one, 3 * wall_many, "%.3f s at 1 per message, %.3f s at 1000", wall_one,
                 wall_many);
}

Test(lab64, lab3_more_work_per_pair_pays_for_the_message, .timeout = 60)
{
    run_program(&r, 20, BENCH, "--part", "shipping", "--workers", "2", "--batch", "1",
                "--rounds", "1", "--pairs", "20000", "--size", "1000", NULL);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    double small = csv_number(r.out, "executor", "processes", "speedup");
    run_program(&r, 20, BENCH, "--part", "shipping", "--workers", "2", "--batch", "1",
                "--rounds", "1", "--pairs", "400", "--size", "100000", NULL);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    double large = csv_number(r.out, "executor", "processes", "speedup");
    cr_assert_gt(large, 3 * small, "speedup %.2fx with bigger numbers, %.2fx with small", large,
                 small);
}

Test(lab64, lab4_every_batch_gets_its_row, .timeout = 30)
{
    run_program(&r, 20, BENCH, "--part", "shipping", "--workers", "2", "--pairs", "12000",
                "--size", "10000", "--batch", "1000,4096,6000,12000", "--rounds", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert_eq(rows_with_nothing_left(r.out), 1 + 4, "%s", r.out);
    /* one message of 12,000 pairs for one worker: the other never computes */
    cr_assert_lt(csv_number(r.out, "batch", "12000", "cpu_s") /
                     csv_number(r.out, "batch", "12000", "wall_s"), 1.3, "%s", r.out);
}

Test(lab64, lab5_pinned_nothing_passes_one_core, .timeout = 30)
{
    run_program(&r, 20, PROGRAM, "--part", "shipping", "--batch", "1,100", "--pin", NULL);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert_leq(story_column(r.out, "processes", "(1 per message)", 4), 1.05, "%s", r.out);
    cr_assert_leq(story_column(r.out, "processes", "(100 per message)", 4), 1.05, "%s", r.out);
}
