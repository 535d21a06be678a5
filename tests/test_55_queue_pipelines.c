/* test_55_queue_pipelines.c - Item 55's behaviour, run as a user would run it.
 *
 * Every pipeline run checks its own items (each one out exactly once, through
 * all three stages, every payload freed) and exits 1 with "!!!" otherwise,
 * so exit status 0 already means "correct"; these tests also read the rows
 * and check what is known independently: a capacity is never exceeded, a
 * blocking queue never polls, the demos' guaranteed orders. No timings. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct run_result r;

#define PROGRAM "55_queue_pipelines"

/* ---- Reading every CSV row (helpers.h finds only the first match) -------- */

#define MAX_COLS 32
#define MAX_ROWS 256

struct table {
    int ncols, nrows;
    char names[MAX_COLS][32];
    char cells[MAX_ROWS][MAX_COLS][32];
};

static struct table t;

static void split_line(const char *line, size_t len, char out[MAX_COLS][32], int *n)
{
    *n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++)
        if (i == len || line[i] == ',') {
            cr_assert_lt(*n, MAX_COLS);
            size_t w = i - start < 31 ? i - start : 31;
            memcpy(out[*n], line + start, w);
            out[*n][w] = '\0';
            (*n)++;
            start = i + 1;
        }
}

static void parse_csv(const char *csv)
{
    memset(&t, 0, sizeof t);
    const char *line = csv;
    for (int row = -1; *line; row++) {
        const char *eol = strchr(line, '\n');
        cr_assert_not_null(eol, "unterminated line: %s", line);
        int n;
        if (row < 0) {
            split_line(line, (size_t)(eol - line), t.names, &t.ncols);
        } else {
            cr_assert_lt(row, MAX_ROWS);
            split_line(line, (size_t)(eol - line), t.cells[row], &n);
            cr_assert_eq(n, t.ncols, "row %d has %d fields, the header %d: %.*s", row, n,
                         t.ncols, (int)(eol - line), line);
            t.nrows = row + 1;
        }
        line = eol + 1;
    }
    cr_assert_gt(t.nrows, 0, "no rows: %s", csv);
}

static const char *cell(int row, const char *column)
{
    for (int c = 0; c < t.ncols; c++)
        if (strcmp(t.names[c], column) == 0)
            return t.cells[row][c];
    cr_assert_fail("no column %s", column);
    return "";
}

static double num(int row, const char *column)
{
    return atof(cell(row, column));
}

static int rows_where(const char *column, const char *value)
{
    int n = 0;
    for (int i = 0; i < t.nrows; i++)
        n += strcmp(cell(i, column), value) == 0;
    return n;
}

static void run_ok(const char *what)
{
    cr_assert_eq(r.exit_code, 0, "%s: exit %d, stderr: %s", what, r.exit_code, r.err);
    cr_assert_null(strstr(r.out, "!!!"), "%s: %s", what, r.out);
}

/* ---- Bad input ----------------------------------------------------------------- */

static void assert_usage_error(const char *flag, const char *value)
{
    run_program(&r, 10, PROGRAM, flag, value, NULL);
    cr_assert_eq(r.exit_code, 2, "%s %s: exit %d, stderr: %s", flag, value, r.exit_code, r.err);
    cr_assert_null(strstr(r.err, "!!!"), "%s %s: %s", flag, value, r.err);
}

Test(item55, bad_flags_exit_2, .timeout = 30)
{
    assert_usage_error("--items", "0");
    assert_usage_error("--items", "ten");
    assert_usage_error("--mode", "spin");
    assert_usage_error("--workers", "3,4");         /* three stages, three counts */
    assert_usage_error("--poll-ms", "1000");        /* Ctrl-C must be seen within 0.1 s */
    assert_usage_error("--capacities", "1,-1");
    assert_usage_error("--bench-threads", "0");
    assert_usage_error("--resize-ms", "-1");
    assert_usage_error("--bogus", "1");
    run_program(&r, 10, PROGRAM, "--sweep-items", "100000", "--item-kib", "1024", NULL);
    cr_assert_eq(r.exit_code, 2, "100000 x 1 MiB payloads: exit %d", r.exit_code);
    /* Inside every range, but 3 runs x 1000 items x 100 ms = 300 s: refused. */
    run_program(&r, 10, PROGRAM, "--mode", "pipeline", "--rounds", "1", "--download-ms", "100",
                NULL);
    cr_assert_eq(r.exit_code, 2, "a 300 s run: exit %d, stderr: %s", r.exit_code, r.err);
    cr_assert_eq(count_lines(r.err), 1, "one line expected: %s", r.err);
    cr_assert_not_null(strstr(r.err, "300 s"), "%s", r.err);
    run_program(&r, 10, PROGRAM, "--help", NULL);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_not_null(strstr(r.out, "--poll-ms"), "%s", r.out);
}

/* ---- Polling and blocking: every item once, polls only where it polls ------ */

Test(item55, polling_and_blocking_finish_every_item, .timeout = 60)
{
    /* download is the slow stage, so resize and upload must find their
     * lists empty again and again: the polling variants poll */
    run_program(&r, 50, PROGRAM, "--csv", "--mode", "pipeline", "--items", "300", "--poll-ms",
                "1,0", "--rounds", "2", "--download-ms", "0.5", "--resize-ms", "0",
                "--upload-ms", "0", NULL);
    run_ok("pipeline");
    parse_csv(r.out);
    cr_assert_eq(t.nrows, 2 * 3, "2 rounds x (polling 1 ms, polling 0 ms, blocking)");
    cr_assert_eq(rows_where("variant", "polling"), 4);
    cr_assert_eq(rows_where("variant", "blocking"), 2);
    for (int i = 0; i < t.nrows; i++) {
        cr_assert_eq(num(i, "finished"), 300, "row %d", i);
        cr_assert_eq(num(i, "items"), 300);
        if (strcmp(cell(i, "variant"), "blocking") == 0)
            cr_assert_eq(num(i, "polls"), 0, "a blocking pipeline polled");
        else
            cr_assert_gt(num(i, "polls"), 0, "polling every %s ms never polled",
                         cell(i, "poll_ms"));
    }
}

Test(item55, story_prints_the_books_poll_line, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, "--mode", "pipeline", "--items", "100", "--rounds", "1",
                "--poll-ms", "10", NULL);
    run_ok("pipeline story");
    cr_assert_not_null(strstr(r.out, "processed 100 items after polling "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "blocking"), "%s", r.out);
}

/* ---- Explosion: capacity bounds depth and memory; unbounded does not ------- */

Test(item55, capacity_bounds_depth_and_payloads, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, "--csv", "--mode", "explosion", "--sweep-items", "40,120",
                "--capacities", "0,1,5", "--item-kib", "8", "--slow-ms", "0.5", NULL);
    run_ok("explosion");
    parse_csv(r.out);
    cr_assert_eq(t.nrows, 2 * 3);
    for (int i = 0; i < t.nrows; i++) {
        double items = num(i, "items"), cap = num(i, "capacity");
        double depth = num(i, "peak_depth"), payloads = num(i, "peak_payloads");
        cr_assert_eq(num(i, "finished"), items);
        cr_assert_geq(depth, 1, "every item passed through the queue: depth was 1 at least");
        cr_assert_leq(depth, items);
        if (cap > 0) {
            cr_assert_leq(depth, cap, "capacity %g held %g", cap, depth);
            /* alive from download to upload: two queues and one per stage */
            cr_assert_leq(payloads, 2 * cap + 3, "capacity %g: %g payloads alive", cap,
                          payloads);
        }
        if (cap == 1)
            cr_assert_eq(depth, 1, "a capacity-1 queue that got items peaks at exactly 1");
    }
}

/* ---- The demos' guaranteed orders -------------------------------------------- */

static const char *line_of(const char *text)
{
    const char *at = strstr(r.out, text);
    cr_assert_not_null(at, "no line '%s' in:\n%s", text, r.out);
    return at;
}

static void assert_before(const char *first, const char *second)
{
    cr_assert_lt(line_of(first), line_of(second), "'%s' printed after '%s':\n%s", first,
                 second, r.out);
}

static void assert_demo_order(const char *demo_ms)
{
    run_program(&r, 20, PROGRAM, "--mode", "ordering", "--demo-ms", demo_ms, NULL);
    run_ok("ordering");
    /* capacity 1: the second put cannot return before the consumer asked
     * for the first item, nor can anything be got before it was put */
    assert_before("producer putting item 1", "consumer got item 1");
    assert_before("consumer asks for item 1", "producer put item 2");
    assert_before("producer putting item 2", "consumer got item 2");
    assert_before("consumer got item 1", "consumer got item 2");
    assert_before("consumer got item 2", "consumer done");
    /* task_done/join: join returns only after the task_done */
    assert_before("producer putting the item", "consumer working");
    assert_before("consumer working", "consumer done, calls task_done");
    assert_before("consumer done, calls task_done", "producer done: join returned");
}

Test(item55, ordering_demos_print_in_the_guaranteed_order, .timeout = 30)
{
    assert_demo_order("20");
    assert_demo_order("0"); /* no delay: the guarantees still hold */
}

/* ---- Clean shutdown with 3, 4 and 5 workers -------------------------------- */

Test(item55, shutdown_with_many_workers_finishes_each_item_once, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, "--mode", "shutdown", "--workers", "3,4,5", "--capacity",
                "1", NULL);
    run_ok("shutdown 3,4,5");
    cr_assert_not_null(strstr(r.out, "1000 items finished, each exactly once"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "12 threads started, 12 joined"), "%s", r.out);

    const char *shapes[] = {"1,1,1", "5,1,5", "2,7,3"};
    const char *caps[] = {"0", "2", "100"};
    for (int i = 0; i < 3; i++) {
        run_program(&r, 50, PROGRAM, "--csv", "--mode", "shutdown", "--workers", shapes[i],
                    "--capacity", caps[i], "--items", "500", "--download-ms", "0", NULL);
        run_ok(shapes[i]);
        parse_csv(r.out);
        cr_assert_eq(t.nrows, 1);
        cr_assert_eq(num(0, "finished"), 500, "workers %s", shapes[i]);
        if (atoi(caps[i]) > 0)
            cr_assert_leq(num(0, "peak_depth"), atoi(caps[i]));
    }
}

/* ---- Throughput: both queues, both shapes, every item counted -------------- */

Test(item55, throughput_moves_every_item_through_both_queues, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, "--csv", "--mode", "throughput", "--bench-items", "20003",
                "--bench-threads", "1,3", "--rounds", "1", NULL);
    run_ok("throughput");
    parse_csv(r.out);
    cr_assert_eq(t.nrows % 4, 0, "(queue.h, GAsyncQueue) x (1, 3 threads) per placement");
    cr_assert_geq(t.nrows, 4);
    cr_assert_eq(rows_where("variant", "queue_h"), rows_where("variant", "gasyncqueue"));
    for (int i = 0; i < t.nrows; i++) {
        cr_assert_gt(num(i, "rate_per_s"), 0);
        /* each producer puts 20003 / P items: 20003 with one, 3 x 6667 with three */
        double want = strcmp(cell(i, "workers"), "1:1") == 0 ? 20003 : 20001;
        cr_assert_eq(num(i, "finished"), want, "row %d (%s)", i, cell(i, "workers"));
    }
    /* --pin: every row pinned, no unpinned ones */
    run_program(&r, 50, PROGRAM, "--csv", "--pin", "--mode", "throughput", "--bench-items",
                "5000", "--bench-threads", "2", "--rounds", "1", NULL);
    run_ok("throughput --pin");
    parse_csv(r.out);
    cr_assert_eq(t.nrows, 2);
    cr_assert_eq(rows_where("pinned", "1"), 2);
}

/* ---- The whole story, small: every part runs, nothing is left over ------- */

Test(item55, whole_story_runs_small, .timeout = 60)
{
    run_program(&r, 50, PROGRAM, "--items", "60", "--rounds", "1", "--sweep-items", "30",
                "--capacities", "0,2", "--bench-items", "2000", "--demo-ms", "5", NULL);
    run_ok("story");
    const char *parts[] = {"pipeline ", "explosion ", "ordering ", "shutdown ", "throughput "};
    for (int i = 0; i < 5; i++)
        cr_assert_not_null(strstr(r.out, parts[i]), "no %s part:\n%s", parts[i], r.out);
    cr_assert_not_null(strstr(r.out, "60 items finished, each exactly once"), "%s", r.out);
}
