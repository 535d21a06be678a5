/* clab.c - the plumbing behind clab.h. See clab.h for what each piece is. */
#define _GNU_SOURCE /* sched_setaffinity, gnu_get_libc_version */
#include "clab.h"

#include <ctype.h>
#include <dirent.h>
#include <ftw.h>
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
    /* A run cut short by Ctrl-C or SIGTERM has a partial answer, not a
     * wrong one: it ends as interrupted, never with "!!!". */
    cl_exit_if_interrupted();
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

/* The stop signal that arrived, 0 until one does (lock-free, so a handler
 * may set it). */
static atomic_int stop_signal;

static void on_stop_signal(int sig)
{
    int none = 0;
    atomic_compare_exchange_strong(&stop_signal, &none, sig); /* the first one counts */
}

void cl_catch_stop_signals(void)
{
    /* No SA_RESTART: a blocking call returns EINTR, so its loop sees the flag. */
    struct sigaction sa = {.sa_handler = on_stop_signal}, before;
    CL_CHECK_SYS(sigemptyset(&sa.sa_mask));
    const int stops[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        /* SIGINT and SIGHUP stay ignored when we started with them ignored:
         * a script's background job ignores Ctrl-C, and nohup the hang-up,
         * on purpose (CPython too puts its SIGINT handler only over the
         * default action). SIGTERM is never ignored by accident. */
        CL_CHECK_SYS(sigaction(stops[i], NULL, &before));
        if (stops[i] != SIGTERM && before.sa_handler == SIG_IGN)
            continue;
        CL_CHECK_SYS(sigaction(stops[i], &sa, NULL));
    }
}

bool cl_interrupted(void) { return atomic_load(&stop_signal) != 0; }

int cl_stop_signal(void) { return atomic_load(&stop_signal); }

void cl_exit_interrupted(void)
{
    int sig = atomic_load(&stop_signal);
    exit(128 + (sig ? sig : SIGINT));
}

void cl_exit_if_interrupted(void)
{
    if (cl_interrupted())
        cl_exit_interrupted();
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

int cl_pin_this_thread(int cpu)
{
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0 ? 0 : -1;
#else
    (void)cpu;
    return -1;
#endif
}

long cl_context_switches(void)
{
    struct rusage ru;
    CL_CHECK_SYS(getrusage(RUSAGE_SELF, &ru));
    return ru.ru_nvcsw + ru.ru_nivcsw;
}

int cl_threads_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    int threads = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &threads) == 1)
            break;
    fclose(f);
    return threads;
}

void *cl_calloc_at(const char *file, int line, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        cl_fail(file, line, "calloc", errno ? errno : ENOMEM);
    return p;
}

bool cl_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mutex, double deadline)
{
    struct timespec at = cl_timespec_at(deadline);
    int rc = pthread_cond_timedwait(cond, mutex, &at);
    if (rc == ETIMEDOUT)
        return false;
    if (rc != 0)
        cl_fail(__FILE__, __LINE__, "pthread_cond_timedwait", rc);
    return true;
}

char *cl_make_temp_dir(const char *prefix)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || *base == '\0')
        base = "/tmp";
    size_t cap = strlen(base) + strlen(prefix) + 16;
    char *path = cl_calloc(cap, 1);
    snprintf(path, cap, "%s/%s-XXXXXX", base, prefix);
    if (mkdtemp(path) == NULL) {
        char quoted[96];
        int err = errno;
        free(path);
        fflush(stdout);
        fprintf(stderr, "%s: cannot make a temporary folder in '%s' (TMPDIR): %s\n",
                program_name, cl_quote(base, quoted, sizeof quoted), strerror(err));
        exit(2);
    }
    return path;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int cl_remove_tree(const char *path)
{
    /* Depth first (children before their folder), never following links. */
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void cl_check_run_length(double predicted_s, const char *what)
{
    if (predicted_s > CL_RUN_LIMIT_S)
        cl_usage_error("%s would run for about %.0f s, over the %.0f s limit; use smaller values",
                       what, predicted_s, CL_RUN_LIMIT_S);
}

const char *cl_quote(const char *text, char *buf, size_t cap)
{
    size_t n = 0;
    const size_t keep = 60;
    if (cap < 8) {
        if (cap)
            buf[0] = '\0';
        return buf;
    }
    for (size_t i = 0; text[i] && n + 8 < cap; i++) {
        unsigned char c = (unsigned char)text[i];
        if (i == keep) {
            n += (size_t)snprintf(buf + n, cap - n, "...");
            break;
        }
        if (c == '\n')
            n += (size_t)snprintf(buf + n, cap - n, "\\n");
        else if (c == '\t')
            n += (size_t)snprintf(buf + n, cap - n, "\\t");
        else if (c < 0x20 || c == 0x7f)
            n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", c);
        else
            buf[n++] = (char)c;
    }
    buf[n < cap ? n : cap - 1] = '\0';
    return buf;
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
    if (prog->common & CL_CSV)
        printf("  %-22s %s\n", "--csv", "print CSV rows for the harness instead of the story");
    if (prog->common & CL_PIN)
        printf("  %-22s %s\n", "--pin", "pin the whole process to CPU 0 (Linux; ignored elsewhere)");
    printf("  %-22s %s\n", "-h, --help", "show this help and exit");
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
    char *end, q[96];
    errno = 0;
    double x = strtod(text, &end);
    if (!is_decimal(text) || errno || end == text || *end != '\0' || !isfinite(x))
        cl_usage_error("--%s: '%s' is not a number", flag, cl_quote(text, q, sizeof q));
    if (o->kind != CL_OPT_DOUBLE && x != floor(x))
        cl_usage_error("--%s: '%s' is not a whole number", flag, cl_quote(text, q, sizeof q));
    if (x < o->min || x > o->max)
        cl_usage_error("--%s: %s is out of range [%g, %g]", flag, cl_quote(text, q, sizeof q),
                       o->min, o->max);
    /* "-0" is a number and in [0, ...], but a minus sign on a zero is
     * almost always a slip; it is refused like any other negative value. */
    if (o->min >= 0 && strchr(text, '-') == text)
        cl_usage_error("--%s: '%s' is negative", flag, cl_quote(text, q, sizeof q));
    return x;
}

static void parse_list(const struct cl_opt *o, const char *text)
{
    struct cl_list *list = o->value;
    char buf[512], q[96];
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
            cl_usage_error("--%s: empty item in list '%s'", o->name, cl_quote(text, q, sizeof q));
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
    char q[96];
    cl_usage_error("--%s: '%s' is not one of %s", o->name, cl_quote(text, q, sizeof q), o->choices);
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

/* At exit: a write to standard output that failed (a full disk, a closed
 * pipe's EPIPE with SIGPIPE ignored) is an error, not a silent success. */
/* The first error a flush of standard output met, for the message at exit. */
static int stdout_errno;

static void flush_stdout(void)
{
    if (fflush(stdout) != 0 && stdout_errno == 0)
        stdout_errno = errno;
}

static void check_stdout_at_exit(void)
{
    flush_stdout();
    if (ferror(stdout)) {
        int err = stdout_errno ? stdout_errno : EIO;
        fprintf(stderr, "%s: writing standard output: %s\n", program_name, strerror(err));
        _exit(1);
    }
}

void cl_parse(struct cl_program *prog, int argc, char **argv)
{
    char q[96];
    program_name = prog->name;
    prog->command_index = argc;
    atexit(check_stdout_at_exit);
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
        if (strcmp(arg, "-h") == 0) {
            print_help(prog);
            exit(0);
        }
        if (strncmp(arg, "--", 2) != 0)
            cl_usage_error("unexpected argument '%s'", cl_quote(arg, q, sizeof q));
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        bool *common = len == 3 && strncmp(name, "csv", 3) == 0 && (prog->common & CL_CSV)
                           ? &prog->csv
                       : len == 3 && strncmp(name, "pin", 3) == 0 && (prog->common & CL_PIN)
                           ? &prog->pin
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
        if (!o) {
            char flag[96];
            snprintf(flag, sizeof flag, "%.*s", (int)(len < 80 ? len : 80), name);
            cl_usage_error("unknown option '--%s'", cl_quote(flag, q, sizeof q));
        }
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
    flush_stdout();
}

void cl_csv_row(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    flush_stdout();
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
