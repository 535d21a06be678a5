/* test_support.c - the support library every item links (harness/lib/clab.c). */
#include "clab.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct parsed {
    long count;
    double seconds;
    const char *mode;
    struct cl_list threads;
    bool verbose;
};

/* Parses a NULL-terminated argument list against a small option table. */
static struct cl_program parse(struct parsed *p, const char **args)
{
    static struct cl_opt opts[6];
    struct cl_opt table[] = {
        {"count", CL_OPT_INT, &p->count, "how many", 1, 100},
        {"seconds", CL_OPT_DOUBLE, &p->seconds, "how long", 0, 10},
        {"mode", CL_OPT_CHOICE, &p->mode, "which", .choices = "fast|slow"},
        {"threads", CL_OPT_LIST, &p->threads, "thread counts", 1, 64},
        {"verbose", CL_OPT_FLAG, &p->verbose, "say more"},
        {0},
    };
    memcpy(opts, table, sizeof table);
    char *argv[16] = {"prog"};
    int argc = 1;
    while (*args && argc < 15)
        argv[argc++] = (char *)*args++;
    struct cl_program prog = {.name = "prog", .summary = "a test", .opts = opts};
    cl_parse(&prog, argc, argv);
    return prog;
}

static struct parsed defaults(void)
{
    return (struct parsed){.count = 5, .seconds = 1.5, .mode = "fast",
                           .threads = {.n = 2, .v = {1, 2}}};
}

Test(support, parse_keeps_defaults_without_flags, .timeout = 5)
{
    struct parsed p = defaults();
    struct cl_program prog = parse(&p, (const char *[]){NULL});
    cr_assert_eq(p.count, 5);
    cr_assert_float_eq(p.seconds, 1.5, 1e-12);
    cr_assert_str_eq(p.mode, "fast");
    cr_assert_eq(p.threads.n, 2);
    cr_assert(!prog.csv && !prog.pin && !p.verbose);
}

Test(support, parse_reads_both_value_forms, .timeout = 5)
{
    struct parsed p = defaults();
    struct cl_program prog = parse(&p, (const char *[]){"--count", "7", "--seconds=0.25",
        "--mode=slow", "--threads", "1,4,16", "--verbose", "--csv", NULL});
    cr_assert_eq(p.count, 7);
    cr_assert_float_eq(p.seconds, 0.25, 1e-12);
    cr_assert_str_eq(p.mode, "slow");
    cr_assert_eq(p.threads.n, 3);
    cr_assert_eq(p.threads.v[2], 16);
    cr_assert(p.verbose && prog.csv);
}

/* Each bad input must end the program with status 2. */
#define BAD_INPUT_TEST(name, ...)                                            \
    Test(support, name, .exit_code = 2, .timeout = 5, .init = cr_redirect_stderr) \
    {                                                                        \
        struct parsed p = defaults();                                        \
        parse(&p, (const char *[]){__VA_ARGS__, NULL});                      \
        cr_assert_fail("cl_parse accepted bad input");                       \
    }

BAD_INPUT_TEST(unknown_flag_exits_2, "--nope")
BAD_INPUT_TEST(out_of_range_exits_2, "--count", "101")
BAD_INPUT_TEST(not_a_number_exits_2, "--seconds", "soon")
BAD_INPUT_TEST(fraction_for_integer_exits_2, "--count", "2.5")
BAD_INPUT_TEST(missing_value_exits_2, "--count")
BAD_INPUT_TEST(unknown_choice_exits_2, "--mode", "medium")
BAD_INPUT_TEST(bad_list_item_exits_2, "--threads", "1,x,4")
BAD_INPUT_TEST(list_out_of_range_exits_2, "--threads", "0,2")
BAD_INPUT_TEST(empty_list_exits_2, "--threads", ",")
BAD_INPUT_TEST(positional_exits_2, "stray")
BAD_INPUT_TEST(flag_with_value_exits_2, "--verbose=yes")
BAD_INPUT_TEST(command_not_taken_exits_2, "--", "ls")

Test(support, help_exits_0_and_lists_every_flag, .exit_code = 0, .timeout = 5,
     .init = cr_redirect_stdout)
{
    struct parsed p = defaults();
    parse(&p, (const char *[]){"--help", NULL});
}

Test(support, percentile_uses_nearest_rank, .timeout = 5)
{
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = 100 - i; /* unsorted on purpose */
    cr_assert_float_eq(cl_percentile(v, 100, 50), 50, 1e-12);
    cr_assert_float_eq(cl_percentile(v, 100, 99), 99, 1e-12);
    cr_assert_float_eq(cl_percentile(v, 100, 100), 100, 1e-12);
    cr_assert_float_eq(cl_percentile(v, 100, 0), 1, 1e-12);
}

Test(support, clock_never_goes_back_and_sleep_sleeps, .timeout = 5)
{
    double t0 = cl_now();
    cl_sleep(0.02);
    double t1 = cl_now();
    cr_assert_geq(t1 - t0, 0.02, "slept %.4f s", t1 - t0);
}

Test(support, cpu_time_counts_work, .timeout = 10)
{
    double before = cl_cpu_seconds();
    volatile unsigned long x = 0;
    while (cl_cpu_seconds() - before < 0.01)
        x++;
    cr_assert_gt(x, 0);
}

Test(support, open_fds_sees_a_pipe_come_and_go, .timeout = 5)
{
    int before = cl_open_fds();
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(cl_open_fds(), before + 2);
    close(fds[0]);
    close(fds[1]);
    cr_assert_eq(cl_open_fds(), before);
}

Test(support, memory_figures_are_positive, .timeout = 5)
{
    cr_assert_gt(cl_peak_rss_kib(), 0);
    cr_assert_gt(cl_rss_kib(), 0);
}

Test(support, machine_description_names_cores_cpu_kernel_compiler, .timeout = 5)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert_not_null(out);
    cl_machine_describe(out);
    fclose(out);
    char expect[64];
    snprintf(expect, sizeof expect, "cores_online: %d\n", cl_cores_online());
    cr_assert_not_null(strstr(text, expect), "%s", text);
    cr_assert_not_null(strstr(text, "cpu_model: "));
    cr_assert_not_null(strstr(text, "kernel: "));
    cr_assert_not_null(strstr(text, "compiler: "));
    free(text);
}

Test(support, children_left_counts_running_and_zombie_children, .timeout = 10)
{
    cr_assert_eq(cl_children_left(), 0);
    pid_t running = fork();
    cr_assert_geq(running, 0);
    if (running == 0) {
        pause(); /* until killed */
        _exit(0);
    }
    cr_assert_eq(cl_children_left(), 1, "a running child counts");
    cr_assert_eq(kill(running, SIGKILL), 0);
    while (waitpid(running, NULL, 0) == -1 && errno == EINTR)
        ;
    pid_t zombie = fork();
    cr_assert_geq(zombie, 0);
    if (zombie == 0)
        _exit(0);
    siginfo_t info;
    /* WNOWAIT: wait for the exit but leave the child a zombie. */
    cr_assert_eq(waitid(P_PID, (id_t)zombie, &info, WEXITED | WNOWAIT), 0);
    cr_assert_eq(cl_children_left(), 1, "a zombie counts, and is reaped");
    cr_assert_eq(cl_children_left(), 0);
}
