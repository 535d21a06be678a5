/* test_53_threads_gil.c - Item 53's program, run as a user would run it, at
 * small sizes. No timing is asserted: the machine is shared and noisy. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static struct run_result r;

#define COLUMNS "mode,policy,threads,pinned,serial_s,wall_s,speedup,cpu_s,acquisitions," \
                "forced_drops,switches,wait_s,p50_us,p99_us,trips"

static int count_fields(const char *line)
{
    int fields = 1;
    for (; *line && *line != '\n'; line++)
        fields += *line == ',';
    return fields;
}

/* Header first, then only rows with every column, each a known mode. */
static void assert_well_formed_csv(const char *csv, int want_rows)
{
    cr_assert_eq(strncmp(csv, COLUMNS "\n", strlen(COLUMNS) + 1), 0, "header: %s", csv);
    int rows = 0;
    for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        cr_assert_eq(count_fields(line), 15, "row: %.120s", line);
        cr_assert(strncmp(line, "cpu,", 4) == 0 || strncmp(line, "io,", 3) == 0 ||
                      strncmp(line, "convoy,", 7) == 0, "row: %.120s", line);
        rows++;
    }
    cr_assert_eq(rows, want_rows, "%s", csv);
}

Test(item53, cpu_csv_is_well_formed_and_answers_are_checked, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "cpu", "--size", "200000",
                "--threads", "1,2,3", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err); /* a wrong count exits 1 */
    assert_well_formed_csv(r.out, 3 * 3);
    /* Under `none` the lock does nothing and counts nothing. */
    cr_assert_eq(csv_number(r.out, "policy", "none", "acquisitions"), 0);
    /* Under `new` the first row (1 thread) takes the lock at least once. */
    cr_assert_geq(csv_number(r.out, "policy", "new", "acquisitions"), 1);
}

Test(item53, io_rows_one_per_policy_and_thread_count, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "io", "--threads", "1,2",
                "--waits", "2", "--wait-ms", "2", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_well_formed_csv(r.out, 3 * 2);
    cr_assert_gt(csv_number(r.out, "mode", "io", "wall_s"), 0);
}

Test(item53, convoy_measures_every_trip, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--csv", "--mode", "convoy", "--trips", "10",
                "--interval", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_well_formed_csv(r.out, 3 * 2); /* alone and busy, per policy */
    cr_assert_eq(csv_number(r.out, "policy", "new", "trips"), 10);
    cr_assert_gt(csv_number(r.out, "policy", "none", "p50_us"), 0);
}

Test(item53, the_story_runs_at_a_small_size, .timeout = 30)
{
    run_program(&r, 25, "53_threads_gil", "--size", "100000", "--threads", "2", "--waits", "1",
                "--wait-ms", "2", "--trips", "5", "--interval", "1", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "cpu "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "io "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "convoy "), "%s", r.out);
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
    assert_usage_error("--no-such-flag", NULL, "no-such-flag");
}
