/* helpers.c - see helpers.h. */
#include "helpers.h"

#include <dirent.h>

#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void pause_s(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) == -1)
        ;
}

static void slurp(FILE *f, char *buf, size_t cap)
{
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Starts $CONCLAB_BIN/program with the arguments in ap, in a process group
 * of its own, its output going to two temporary files; a SIGALRM after
 * timeout_s (it survives exec) ends a hang. */
static pid_t start_program(FILE **out, FILE **err, unsigned timeout_s, const char *program,
                           va_list ap)
{
    const char *bin = getenv("CONCLAB_BIN");
    cr_assert(bin != NULL, "CONCLAB_BIN is not set (run the tests through make test)");
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", bin, program);

    const char *argv[64] = {path};
    int argc = 1;
    for (const char *a; (a = va_arg(ap, const char *)) != NULL && argc < 63;)
        argv[argc++] = a;
    argv[argc] = NULL;

    *out = tmpfile(), *err = tmpfile();
    cr_assert(*out && *err, "tmpfile failed");
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork failed");
    if (pid == 0) {
        setpgid(0, 0);
        dup2(fileno(*out), 1);
        dup2(fileno(*err), 2);
        alarm(timeout_s);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    setpgid(pid, pid); /* both sides, so neither can race the other */
    return pid;
}

/* Whether anything of the process group `pgid` (a grandchild the program
 * forgot) is still there 0.2 s after the program ended; it is killed. */
static bool group_outlives(pid_t pgid)
{
    for (int i = 0; i < 20 && kill(-pgid, 0) == 0; i++)
        pause_s(0.01);
    if (kill(-pgid, 0) != 0)
        return false;
    kill(-pgid, SIGKILL);
    return true;
}

static void finish_program(struct run_result *r, pid_t pid, FILE *out, FILE *err)
{
    int status;
    cr_assert(waitpid(pid, &status, 0) == pid, "waitpid failed");
    r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r->timed_out = r->signal == SIGALRM;
    r->left_in_group = group_outlives(pid);
    slurp(out, r->out, sizeof r->out);
    slurp(err, r->err, sizeof r->err);
}

void run_program(struct run_result *r, unsigned timeout_s, const char *program, ...)
{
    FILE *out, *err;
    va_list ap;
    va_start(ap, program);
    pid_t pid = start_program(&out, &err, timeout_s, program, ap);
    va_end(ap);
    finish_program(r, pid, out, err);
}

void run_program_signalled(struct run_result *r, unsigned timeout_s, int sig, double after_s,
                           const char *program, ...)
{
    FILE *out, *err;
    va_list ap;
    va_start(ap, program);
    pid_t pid = start_program(&out, &err, timeout_s, program, ap);
    va_end(ap);
    pause_s(after_s);
    r->stop_sent_s = now_s();
    kill(pid, sig);
    int status;
    pid_t done;
    /* Peek: the stop must take at most half a second. */
    while ((done = waitpid(pid, &status, WNOHANG)) == 0 && now_s() - r->stop_sent_s < 5)
        pause_s(0.002);
    r->stop_took_s = now_s() - r->stop_sent_s;
    if (done == pid) { /* reaped here: record it as finish_program would */
        r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r->timed_out = false;
        r->left_in_group = group_outlives(pid);
        slurp(out, r->out, sizeof r->out);
        slurp(err, r->err, sizeof r->err);
    } else {
        kill(-pid, SIGKILL);
        finish_program(r, pid, out, err);
        r->timed_out = true;
    }
}

void assert_clean_stop(const struct run_result *r, int sig, const char *what)
{
    /* Half a second, as a user expects; a sanitizer build (make sanitize sets
     * CONCLAB_STOP_LIMIT_S) runs several times slower and is given longer. */
    const char *limit_text = getenv("CONCLAB_STOP_LIMIT_S");
    assert_clean_stop_within(r, sig, what, limit_text ? atof(limit_text) : 0.5);
}

void assert_clean_stop_within(const struct run_result *r, int sig, const char *what,
                              double limit)
{
    cr_assert(!r->timed_out, "%s: did not stop within 5 s of signal %d", what, sig);
    cr_assert(r->exit_code == 128 + sig || r->signal == sig,
              "%s: signal %d gave exit %d (signal %d), not %d; stderr: %s", what, sig,
              r->exit_code, r->signal, 128 + sig, r->err);
    cr_assert_leq(r->stop_took_s, limit, "%s: took %.2f s to stop", what, r->stop_took_s);
    cr_assert_null(strstr(r->out, "!!!"), "%s: an interrupted run printed !!!: %s", what, r->out);
    cr_assert_null(strstr(r->err, "!!!"), "%s: an interrupted run printed !!!: %s", what, r->err);
    cr_assert(!r->left_in_group, "%s: left processes running in its group", what);
}

/* Index of `name` among the comma-separated header fields, or -1. */
static int column_index(const char *header_line, const char *name)
{
    size_t len = strlen(name);
    int index = 0;
    for (const char *p = header_line; *p && *p != '\n'; index++) {
        size_t field = strcspn(p, ",\n");
        if (field == len && strncmp(p, name, len) == 0)
            return index;
        p += field + (p[field] == ',');
    }
    return -1;
}

/* Copies field `index` of the line at p into out. */
static bool field_at(const char *p, int index, char *out, int cap)
{
    for (int i = 0; i < index; i++) {
        p += strcspn(p, ",\n");
        if (*p != ',')
            return false;
        p++;
    }
    int len = (int)strcspn(p, ",\n");
    snprintf(out, (size_t)cap, "%.*s", len, p);
    return true;
}

bool csv_field(const char *csv, const char *key_col, const char *key,
               const char *column, char *out, int cap)
{
    int k = column_index(csv, key_col), c = column_index(csv, column);
    if (k < 0 || c < 0)
        return false;
    for (const char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line, '\n')) {
        line++;
        char value[256];
        if (field_at(line, k, value, sizeof value) && strcmp(value, key) == 0)
            return field_at(line, c, out, cap);
    }
    return false;
}

double csv_number(const char *csv, const char *key_col, const char *key, const char *column)
{
    char text[256];
    cr_assert(csv_field(csv, key_col, key, column, text, sizeof text),
              "no CSV row with %s=%s and column %s in:\n%s", key_col, key, column, csv);
    char *end;
    double x = strtod(text, &end);
    cr_assert(end != text, "column %s is not a number: '%s'", column, text);
    return x;
}

int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

void use_fresh_tmpdir(char *tmpl)
{
    cr_assert_not_null(mkdtemp(tmpl));
    cr_assert_eq(setenv("TMPDIR", tmpl, 1), 0);
}

void assert_tmpdir_empty_and_remove(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            entries++;
    closedir(d);
    cr_assert_eq(entries, 0, "the program left %d entries in %s", entries, dir);
    cr_assert_eq(rmdir(dir), 0);
}

void assert_one_line_usage_error(const struct run_result *r, const char *what)
{
    cr_assert_eq(r->exit_code, 2, "%s: exit %d, stderr: %s", what, r->exit_code, r->err);
    cr_assert_eq(count_lines(r->err), 1, "%s: %s", what, r->err);
    cr_assert_null(strstr(r->err, "!!!"), "%s: %s", what, r->err);
}

void assert_signal_stops_clean(int sig, double after, const char *program, const char *a1,
                               const char *a2, const char *a3, const char *a4)
{
    static struct run_result r;
    char dir[] = "/tmp/conclab-stop-XXXXXX";
    use_fresh_tmpdir(dir);
    run_program_signalled(&r, 20, sig, after, program, a1, a2, a3, a4, NULL);
    char what[160];
    snprintf(what, sizeof what, "%s %s %s %s %s, signal %d", program, a1 ? a1 : "",
             a2 ? a2 : "", a3 ? a3 : "", a4 ? a4 : "", sig);
    assert_clean_stop(&r, sig, what);
    assert_tmpdir_empty_and_remove(dir);
}
