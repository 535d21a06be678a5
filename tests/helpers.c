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
#include <unistd.h>

static void slurp(FILE *f, char *buf, size_t cap)
{
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

void run_program(struct run_result *r, unsigned timeout_s, const char *program, ...)
{
    const char *bin = getenv("CONCLAB_BIN");
    cr_assert(bin != NULL, "CONCLAB_BIN is not set (run the tests through make test)");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", bin, program);

    const char *argv[64] = {path};
    int argc = 1;
    va_list ap;
    va_start(ap, program);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL && argc < 63;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;

    FILE *out = tmpfile(), *err = tmpfile();
    cr_assert(out && err, "tmpfile failed");
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork failed");
    if (pid == 0) {
        dup2(fileno(out), 1);
        dup2(fileno(err), 2);
        alarm(timeout_s);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    int status;
    cr_assert(waitpid(pid, &status, 0) == pid, "waitpid failed");
    r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r->timed_out = r->signal == SIGALRM;
    slurp(out, r->out, sizeof r->out);
    slurp(err, r->err, sizeof r->err);
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
