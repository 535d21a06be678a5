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
    struct cl_program prog = {.name = "prog", .summary = "a test", .opts = opts, .common = CL_CSV | CL_PIN};
    cl_parse(&prog, argc, argv);
    return prog;
}

/* Lines of s, not counting a sanitizer's own report lines ("==pid==..."),
 * which LeakSanitizer adds when a forked child of a threaded test exits. */
static int count_own_lines(const char *s)
{
    int n = 0;
    for (const char *line = s; *line;) {
        const char *end = strchr(line, '\n');
        n += strncmp(line, "==", 2) != 0;
        if (!end)
            break;
        line = end + 1;
    }
    return n;
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
BAD_INPUT_TEST(empty_list_item_exits_2, "--threads", "1,,2")
BAD_INPUT_TEST(trailing_comma_exits_2, "--threads", "1,2,")
BAD_INPUT_TEST(hex_number_exits_2, "--count", "0x10")
BAD_INPUT_TEST(leading_space_exits_2, "--count", " 7")
BAD_INPUT_TEST(trailing_space_exits_2, "--count", "7 ")
BAD_INPUT_TEST(infinity_exits_2, "--seconds", "inf")
BAD_INPUT_TEST(nan_exits_2, "--seconds", "nan")
BAD_INPUT_TEST(exponent_without_digits_exits_2, "--seconds", "1e")
BAD_INPUT_TEST(csv_with_value_exits_2, "--csv=1")
BAD_INPUT_TEST(pin_with_value_exits_2, "--pin=yes")

Test(support, parse_takes_signs_fractions_and_exponents, .timeout = 5)
{
    struct parsed p = defaults();
    parse(&p, (const char *[]){"--seconds", "2.5e-1", "--count", "+12", NULL});
    cr_assert_float_eq(p.seconds, 0.25, 1e-12);
    cr_assert_eq(p.count, 12);
    parse(&p, (const char *[]){"--seconds", ".5", NULL});
    cr_assert_float_eq(p.seconds, 0.5, 1e-12);
}

/* Parses args in a child (help and bad input exit), capturing the stream
 * `fd` into text; returns the child's exit status, or -1. */
static int parse_in_child(const char **args, int fd, char *text, size_t cap)
{
    int pipe_fds[2];
    cr_assert_eq(pipe(pipe_fds), 0);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        dup2(pipe_fds[1], fd);
        close(pipe_fds[0]);
        struct parsed p = defaults();
        parse(&p, args);
        _exit(99); /* parsing returned: neither help nor an error */
    }
    close(pipe_fds[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < cap && (n = read(pipe_fds[0], text + len, cap - 1 - len)) > 0)
        len += (size_t)n;
    text[len] = '\0';
    close(pipe_fds[0]);
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(support, a_bad_value_is_one_line_naming_the_flag, .timeout = 5)
{
    char err[1024];
    int code = parse_in_child((const char *[]){"--threads", "1,,2", NULL}, STDERR_FILENO,
                              err, sizeof err);
    cr_assert_eq(code, 2);
    cr_assert_eq(count_own_lines(err), 1, "one line: %s", err);
    cr_assert_not_null(strstr(err, "--threads"), "%s", err);
    code = parse_in_child((const char *[]){"--count", "0x10", NULL}, STDERR_FILENO, err, sizeof err);
    cr_assert_eq(code, 2);
    cr_assert_not_null(strstr(err, "--count: '0x10' is not a number"), "%s", err);
}

Test(support, help_exits_0_and_lists_every_flag, .timeout = 5)
{
    char text[4096];
    cr_assert_eq(parse_in_child((const char *[]){"--help", NULL}, STDOUT_FILENO, text, sizeof text), 0);
    const char *expected[] = {"prog - a test", "--count N", "(default 5)", "--seconds X",
                              "(default 1.5)", "--mode WORD", "fast|slow", "--threads N,N,...",
                              "(default 1,2)", "--verbose", "--csv", "--pin", "--help"};
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
        cr_assert_not_null(strstr(text, expected[i]), "help lacks '%s':\n%s", expected[i], text);
}

Test(support, spread_gives_median_and_extremes_and_leaves_input, .timeout = 5)
{
    double odd[] = {3, 1, 2, 9, 5};
    struct cl_spread s = cl_spread_of(odd, 5);
    cr_assert_float_eq(s.median, 3, 1e-12);
    cr_assert_float_eq(s.lo, 1, 1e-12);
    cr_assert_float_eq(s.hi, 9, 1e-12);
    cr_assert_float_eq(odd[0], 3, 1e-12, "input left as it was");
    double even[] = {4, 1, 3, 2};
    cr_assert_float_eq(cl_spread_of(even, 4).median, 2.5, 1e-12);
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

Test(support, cpu_time_counts_work_and_not_sleep, .timeout = 10)
{
    double before = cl_cpu_seconds();
    cl_sleep(0.2);
    double asleep = cl_cpu_seconds() - before;
    cr_assert_lt(asleep, 0.1, "sleeping used %.3f CPU s", asleep);
    before = cl_cpu_seconds();
    double start = cl_now();
    volatile unsigned long x = 0;
    while (cl_now() - start < 0.2)
        x++;
    /* Busy for 0.2 s of wall time; even a busy machine gives some of it. */
    cr_assert_gt(cl_cpu_seconds() - before, 0.02);
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

Test(support, resident_memory_grows_by_what_is_touched, .timeout = 10)
{
    const size_t bytes = 64u << 20;
    long before = cl_rss_kib();
    char *block = malloc(bytes);
    cr_assert_not_null(block);
    memset(block, 1, bytes); /* touched, so resident */
    /* The block escapes: without this the compiler may drop malloc, memset and free. */
    __asm__ volatile("" : : "r"(block) : "memory");
    long after = cl_rss_kib();
    long peak = cl_peak_rss_kib();
    free(block);
    cr_assert_geq(after - before, 60 * 1024, "grew %ld KiB for 64 MiB", after - before);
    /* Peak and current come from two kernel counters that batch per CPU. */
    cr_assert_geq(peak, after - 2048, "peak %ld KiB, now %ld KiB", peak, after);
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

Test(support, timespec_at_splits_seconds_and_nanoseconds, .timeout = 5)
{
    struct timespec t = cl_timespec_at(1.5);
    cr_assert_eq(t.tv_sec, 1);
    cr_assert_eq(t.tv_nsec, 500000000L);
    t = cl_timespec_at(2.9999999999); /* rounds up into the next second, never 1e9 ns */
    cr_assert(t.tv_nsec < 1000000000L && t.tv_nsec >= 0);
    cr_assert(t.tv_sec == 2 || t.tv_sec == 3);
}

Test(support, a_monotonic_condition_times_out_on_cl_now, .timeout = 5)
{
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond;
    cl_cond_init_monotonic(&cond);
    double start = cl_now();
    struct timespec at = cl_timespec_at(start + 0.05);
    cr_assert_eq(pthread_mutex_lock(&mutex), 0);
    int rc;
    while ((rc = pthread_cond_timedwait(&cond, &mutex, &at)) == 0)
        ; /* a spurious wake-up: wait again for the same deadline */
    cr_assert_eq(pthread_mutex_unlock(&mutex), 0);
    cr_assert_eq(rc, ETIMEDOUT);
    cr_assert_geq(cl_now(), start + 0.05, "woke %.4f s early", start + 0.05 - cl_now());
    pthread_cond_destroy(&cond);
}
