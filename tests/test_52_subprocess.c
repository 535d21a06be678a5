/* test_52_subprocess.c - Item 52's behaviour, run as a user would run it. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <string.h>

static struct run_result r;

/* Every CSV row says what the part left behind: nothing, always. */
static void assert_nothing_left(const char *mode)
{
    cr_assert_eq(csv_number(r.out, "mode", mode, "children_left"), 0, "%s", r.out);
    cr_assert_eq(csv_number(r.out, "mode", mode, "fds_leaked"), 0, "%s", r.out);
}

Test(item52, capture_returns_the_childs_output_exactly, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "capture", "--",
                "printf", "x=%s\\n", "1", "two words", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_str_eq(r.out, "capture   printf -> exit status 0, 16 bytes:\n"
                            "x=1\nx=two words\n"
                            "leftovers 0 children unreaped, 0 descriptors leaked\n");
}

Test(item52, a_failing_child_is_reported, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "capture", "--", "false", NULL);
    cr_assert_eq(r.exit_code, 1);
    cr_assert_not_null(strstr(r.err, "child 'false' failed: exit status 1"), "%s", r.err);
}

Test(item52, a_missing_program_is_one_line_and_exit_2, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--mode", "capture", "--", "no-such-program-52", NULL);
    cr_assert_eq(r.exit_code, 2);
    cr_assert_not_null(strstr(r.err, "cannot start 'no-such-program-52'"), "%s", r.err);
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
}

Test(item52, parallel_and_serial_reap_every_child, .timeout = 30)
{
    const char *modes[] = {"serial", "parallel"};
    for (int i = 0; i < 2; i++) {
        run_program(&r, 20, "52_subprocess", "--csv", "--mode", modes[i],
                    "--children", "6", "--sleep", "0.01", NULL);
        cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
        cr_assert_eq(csv_number(r.out, "mode", modes[i], "children"), 6);
        assert_nothing_left(modes[i]);
    }
}

Test(item52, timeout_kills_and_reaps_the_child, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--csv", "--mode", "timeout", "--timeout", "0.05", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "mode", "timeout", "timed_out"), 1);
    cr_assert_eq(csv_number(r.out, "mode", "timeout", "exit_code"), 128 + 9, "killed by SIGKILL");
    assert_nothing_left("timeout");
}

Test(item52, pipeline_counts_every_line, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--csv", "--mode", "pipeline", "--lines", "12345", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_eq(csv_number(r.out, "mode", "pipeline", "timed_out"), 0);
    assert_nothing_left("pipeline");
}

Test(item52, pipeline_stalls_while_the_parent_holds_the_write_end, .timeout = 20)
{
    run_program(&r, 10, "52_subprocess", "--csv", "--mode", "pipeline_forgot_close",
                "--timeout", "0.1", "--lines", "500", NULL);
    cr_assert_eq(r.exit_code, 0, "the late close must still give the right count: %s", r.err);
    cr_assert_eq(csv_number(r.out, "mode", "pipeline_forgot_close", "timed_out"), 1,
                 "wc finished while a write end was still open");
    assert_nothing_left("pipeline_forgot_close");
}

Test(item52, the_whole_story_runs_clean, .timeout = 30)
{
    run_program(&r, 20, "52_subprocess", "--children", "3", "--sleep", "0.01", NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.out, "leftovers 0 children unreaped, 0 descriptors leaked"));
}

static void assert_usage_error(const char *flag, const char *value, const char *expect)
{
    run_program(&r, 10, "52_subprocess", flag, value, NULL);
    cr_assert_eq(r.exit_code, 2, "%s %s gave %d", flag, value ? value : "", r.exit_code);
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, expect), "%s", r.err);
    cr_assert_str_eq(r.out, "", "nothing on stdout after bad input");
}

Test(item52, bad_input_is_one_line_and_exit_2, .timeout = 30)
{
    assert_usage_error("--children", "0", "--children");
    assert_usage_error("--children", "many", "--children");
    assert_usage_error("--sleep", "-1", "--sleep");
    assert_usage_error("--mode", "sideways", "--mode");
    assert_usage_error("--frobnicate", NULL, "unknown option");
    assert_usage_error("--timeout", NULL, "needs a value");
}

Test(item52, help_exits_0, .timeout = 10)
{
    run_program(&r, 5, "52_subprocess", "--help", NULL);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_not_null(strstr(r.out, "--children"));
}
