/* clab.c - the plumbing behind clab.h. See clab.h for what each piece is. */
#define _GNU_SOURCE /* sched_setaffinity, gnu_get_libc_version */
#include "clab.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

static const char *program_name = "conclab";

const char *cl_program_name(void) { return program_name; }

/* ---- Errors ---------------------------------------------------------------- */

void cl_fail(const char *file, int line, const char *call, int err)
{
    fprintf(stderr, "%s: %s:%d: %s: %s\n", program_name, file, line, call,
            strerror(err));
    exit(1);
}

/* One line on stderr: prefix, program name, message, suffix. */
static void report_line(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
    fflush(stdout);
    fprintf(stderr, "%s%s: ", prefix, program_name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "%s\n", suffix);
}

void cl_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_line("!!! ", "", fmt, ap);
    va_end(ap);
    exit(1);
}

void cl_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_line("", " (see --help)", fmt, ap);
    va_end(ap);
    exit(2);
}

/* ---- Time, CPU, memory ----------------------------------------------------- */

double cl_now(void)
{
    struct timespec ts;
    CL_CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &ts));
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cl_sleep(double seconds)
{
    if (seconds <= 0)
        return;
    struct timespec left = {.tv_sec = (time_t)seconds};
    left.tv_nsec = (long)((seconds - (double)left.tv_sec) * 1e9);
    while (nanosleep(&left, &left) == -1) {
        if (errno != EINTR)
            cl_fail(__FILE__, __LINE__, "nanosleep", errno);
    }
}

static double timeval_seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

double cl_cpu_seconds(void)
{
    struct rusage ru;
    CL_CHECK_SYS(getrusage(RUSAGE_SELF, &ru));
    return timeval_seconds(ru.ru_utime) + timeval_seconds(ru.ru_stime);
}

long cl_peak_rss_kib(void)
{
    struct rusage ru;
    CL_CHECK_SYS(getrusage(RUSAGE_SELF, &ru));
    return ru.ru_maxrss; /* KiB on Linux */
}

long cl_rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    long total_pages, resident_pages;
    int got = fscanf(f, "%ld %ld", &total_pages, &resident_pages);
    fclose(f);
    if (got != 2)
        return -1;
    return resident_pages * (sysconf(_SC_PAGESIZE) / 1024);
}

int cl_open_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        dir = opendir("/dev/fd");
    if (!dir)
        return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] != '.')
            count++;
    }
    closedir(dir);
    return count - 1; /* the directory stream's own descriptor */
}

int cl_children_left(void)
{
    int count = 0, status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        count++; /* a zombie someone forgot: reaped now, but it counts */
    if (pid == 0)
        return count + 1; /* at least one child still running */
    if (errno != ECHILD)
        cl_fail(__FILE__, __LINE__, "waitpid", errno);
    return count;
}

void cl_check_leftovers(int fds_at_start, bool quiet)
{
    int left = cl_children_left();
    int leaked = cl_open_fds() - fds_at_start;
    if (!quiet)
        printf("leftovers %d children unreaped, %d descriptors leaked\n", left, leaked);
    if (left != 0 || leaked != 0)
        cl_die("%d children left unreaped, %d descriptors leaked", left, leaked);
}

static atomic_bool sigint_seen; /* lock-free, so safe to set in a handler */

static void on_sigint(int sig)
{
    (void)sig;
    atomic_store_explicit(&sigint_seen, true, memory_order_relaxed);
}

void cl_catch_sigint(void)
{
    struct sigaction sa = {.sa_handler = on_sigint};
    CL_CHECK_SYS(sigemptyset(&sa.sa_mask));
    CL_CHECK_SYS(sigaction(SIGINT, &sa, NULL));
}

bool cl_interrupted(void)
{
    return atomic_load_explicit(&sigint_seen, memory_order_relaxed);
}

int cl_pin_to_cpu(int cpu)
{
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -1;
#else
    (void)cpu;
    return -1;
#endif
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double cl_percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, compare_doubles);
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    return v[rank == 0 ? 0 : rank - 1];
}

void cl_cond_init_monotonic(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    CL_CHECK_RC(pthread_condattr_init(&attr));
    CL_CHECK_RC(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
    CL_CHECK_RC(pthread_cond_init(cond, &attr));
    CL_CHECK_RC(pthread_condattr_destroy(&attr));
}

struct timespec cl_timespec_at(double when)
{
    double whole = floor(when);
    struct timespec ts = {(time_t)whole, (long)((when - whole) * 1e9)};
    if (ts.tv_nsec >= 1000000000L) { /* rounding of the fraction */
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

struct cl_spread cl_spread_of(const double *v, size_t n)
{
    struct cl_spread s = {NAN, NAN, NAN};
    if (n == 0)
        return s;
    double *sorted = malloc(n * sizeof *sorted);
    if (sorted == NULL)
        cl_fail(__FILE__, __LINE__, "malloc", errno);
    memcpy(sorted, v, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    s.lo = sorted[0];
    s.hi = sorted[n - 1];
    s.median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    free(sorted);
    return s;
}

/* ---- Arguments ------------------------------------------------------------- */

static const char *kind_placeholder(enum cl_opt_kind kind)
{
    switch (kind) {
    case CL_OPT_INT: return " N";
    case CL_OPT_DOUBLE: return " X";
    case CL_OPT_CHOICE: return " WORD";
    case CL_OPT_LIST: return " N,N,...";
    default: return "";
    }
}

static void print_default(const struct cl_opt *o)
{
    switch (o->kind) {
    case CL_OPT_INT: printf(" (default %ld)", *(long *)o->value); break;
    case CL_OPT_DOUBLE: printf(" (default %g)", *(double *)o->value); break;
    case CL_OPT_CHOICE:
        printf(" (%s; default %s)", o->choices, *(const char **)o->value);
        break;
    case CL_OPT_LIST: {
        const struct cl_list *l = o->value;
        printf(" (default ");
        for (int i = 0; i < l->n; i++)
            printf("%s%ld", i ? "," : "", l->v[i]);
        printf(")");
        break;
    }
    default: break;
    }
}

static void print_help(const struct cl_program *prog)
{
    printf("%s - %s\n\nUsage: %s [options]%s\n\nOptions:\n", prog->name,
           prog->summary, prog->name, prog->takes_command ? " [-- command args...]" : "");
    for (const struct cl_opt *o = prog->opts; o && o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s", o->name, kind_placeholder(o->kind));
        printf("  %-22s %s", left, o->help);
        print_default(o);
        printf("\n");
    }
    printf("  %-22s %s\n", "--csv", "print CSV rows for the harness instead of the story");
    printf("  %-22s %s\n", "--pin", "pin the whole process to CPU 0 (Linux; ignored elsewhere)");
    printf("  %-22s %s\n", "--help", "show this help and exit");
    if (prog->epilogue)
        printf("\n%s", prog->epilogue);
}

/* Plain decimal only: [sign] digits [. digits] [e [sign] digits]. strtod
 * alone would also take "0x10", "inf", "nan" and leading spaces. */
static bool is_decimal(const char *t)
{
    bool digits = false;
    if (*t == '+' || *t == '-')
        t++;
    for (; isdigit((unsigned char)*t); t++)
        digits = true;
    if (*t == '.')
        for (t++; isdigit((unsigned char)*t); t++)
            digits = true;
    if (!digits)
        return false;
    if (*t == 'e' || *t == 'E') {
        t++;
        if (*t == '+' || *t == '-')
            t++;
        if (!isdigit((unsigned char)*t))
            return false;
        while (isdigit((unsigned char)*t))
            t++;
    }
    return *t == '\0';
}

static double parse_number(const char *flag, const char *text, const struct cl_opt *o)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (!is_decimal(text) || errno || end == text || *end != '\0' || !isfinite(x))
        cl_usage_error("--%s: '%s' is not a number", flag, text);
    if (o->kind != CL_OPT_DOUBLE && x != floor(x))
        cl_usage_error("--%s: '%s' is not a whole number", flag, text);
    if (x < o->min || x > o->max)
        cl_usage_error("--%s: %s is out of range [%g, %g]", flag, text, o->min, o->max);
    return x;
}

static void parse_list(const struct cl_opt *o, const char *text)
{
    struct cl_list *list = o->value;
    char buf[512];
    if (strlen(text) >= sizeof buf)
        cl_usage_error("--%s: list too long", o->name);
    strcpy(buf, text);
    list->n = 0;
    /* Split by hand: strtok would skip the empty item in "1,,2". */
    for (char *tok = buf;;) {
        char *comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        if (*tok == '\0')
            cl_usage_error("--%s: empty item in list '%s'", o->name, text);
        if (list->n == CL_LIST_MAX)
            cl_usage_error("--%s: more than %d values", o->name, CL_LIST_MAX);
        list->v[list->n++] = (long)parse_number(o->name, tok, o);
        if (!comma)
            break;
        tok = comma + 1;
    }
}

static void parse_choice(const struct cl_opt *o, const char *text)
{
    size_t len = strlen(text);
    for (const char *c = o->choices; *c;) {
        size_t word = strcspn(c, "|");
        if (word == len && strncmp(c, text, len) == 0) {
            *(const char **)o->value = text;
            return;
        }
        c += word + (c[word] == '|');
    }
    cl_usage_error("--%s: '%s' is not one of %s", o->name, text, o->choices);
}

static void set_option(const struct cl_opt *o, const char *text)
{
    switch (o->kind) {
    case CL_OPT_INT: *(long *)o->value = (long)parse_number(o->name, text, o); break;
    case CL_OPT_DOUBLE: *(double *)o->value = parse_number(o->name, text, o); break;
    case CL_OPT_CHOICE: parse_choice(o, text); break;
    case CL_OPT_LIST: parse_list(o, text); break;
    case CL_OPT_FLAG: *(bool *)o->value = true; break;
    }
}

static const struct cl_opt *find_option(const struct cl_program *prog, const char *name, size_t len)
{
    for (const struct cl_opt *o = prog->opts; o && o->name; o++) {
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    }
    return NULL;
}

void cl_parse(struct cl_program *prog, int argc, char **argv)
{
    program_name = prog->name;
    prog->command_index = argc;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            if (!prog->takes_command)
                cl_usage_error("takes no command after '--'");
            if (i + 1 == argc)
                cl_usage_error("'--' must be followed by a command");
            prog->command_index = i + 1;
            return;
        }
        if (strncmp(arg, "--", 2) != 0)
            cl_usage_error("unexpected argument '%s'", arg);
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        bool *common = len == 3 && strncmp(name, "csv", 3) == 0   ? &prog->csv
                       : len == 3 && strncmp(name, "pin", 3) == 0 ? &prog->pin
                                                                  : NULL;
        bool help = len == 4 && strncmp(name, "help", 4) == 0;
        if ((common || help) && eq)
            cl_usage_error("--%.*s takes no value", (int)len, name);
        if (help) {
            print_help(prog);
            exit(0);
        }
        if (common) {
            *common = true;
            continue;
        }
        const struct cl_opt *o = find_option(prog, name, len);
        if (!o)
            cl_usage_error("unknown option '--%.*s'", (int)len, name);
        if (o->kind == CL_OPT_FLAG) {
            if (eq)
                cl_usage_error("--%s takes no value", o->name);
            set_option(o, NULL);
            continue;
        }
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value)
            cl_usage_error("--%s needs a value", o->name);
        set_option(o, value);
    }
    if (prog->pin && cl_pin_to_cpu(0) != 0)
        fprintf(stderr, "%s: --pin: pinning is not supported here; running unpinned\n",
                prog->name);
}

/* ---- CSV ------------------------------------------------------------------- */

void cl_csv_header(const char *columns)
{
    printf("%s\n", columns);
    fflush(stdout);
}

void cl_csv_row(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* ---- The machine ----------------------------------------------------------- */

int cl_cores_online(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static void print_cpu_model(FILE *out)
{
    char line[256];
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) == 0) {
                const char *colon = strchr(line, ':');
                fprintf(out, "cpu_model: %s", colon ? colon + 2 : line);
                fclose(f);
                return;
            }
        }
        fclose(f);
    }
    fprintf(out, "cpu_model: unknown\n");
}

void cl_machine_describe(FILE *out)
{
    struct utsname u;
    struct rlimit stack;
    fprintf(out, "cores_online: %d\n", cl_cores_online());
    print_cpu_model(out);
    if (uname(&u) == 0)
        fprintf(out, "kernel: %s %s %s\n", u.sysname, u.release, u.machine);
#if defined(__clang__)
    fprintf(out, "compiler: clang %s\n", __clang_version__);
#elif defined(__GNUC__)
    fprintf(out, "compiler: gcc %s\n", __VERSION__);
#endif
#ifdef __GLIBC__
    fprintf(out, "libc: glibc %s\n", gnu_get_libc_version());
#endif
    if (getrlimit(RLIMIT_STACK, &stack) == 0 && stack.rlim_cur != RLIM_INFINITY)
        fprintf(out, "default_thread_stack_kib: %lu\n", (unsigned long)stack.rlim_cur / 1024);
}
