/* growing_logs.c - Item 62's growing log files and merged output (see growing_logs.h). */
#include "62_mixing/growing_logs.h"

#include "62_mixing/canary.h"
#include "62_mixing/merge_check.h"
#include "clab.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct logfile {
    struct logs *w;
    int index, write_fd, read_fd;
    pthread_t writer;
    uint64_t seed;
    atomic_bool finished;     /* the writer wrote its last line */
    double *written_at;       /* per line, by the writer */
    char buf[4096];           /* bytes read, not yet a whole line */
    size_t len;
};

struct merged_line {
    int file;
    long k;
    double at, handoff_s;
};

struct logs {
    struct logs_setting s;
    char *dir, *merged_path;
    struct logfile *files;
    double started;
    FILE *out;
    pthread_mutex_t lock;     /* logs_write_locked only */
    struct merged_line *merged;
    long n;
    struct canary *canary;    /* what the machine does meanwhile */
};

/* A stop signal or a failed call may end the process with a world alive:
 * its folder goes then too. One world at a time per process. */
static char *live_dir;
static void remove_live_dir(void)
{
    if (live_dir)
        cl_remove_tree(live_dir);
}

void logs_nap(double seconds)
{
    double until = cl_now() + seconds;
    for (double left; (left = until - cl_now()) > 0 && !cl_interrupted();)
        cl_sleep(fmin(left, 0.05));
}

/* The book's write_random_data: a random pause of up to interval_ms, then a line. */
static void *writer_main(void *arg)
{
    struct logfile *f = arg;
    for (long k = 0; k < f->w->s.lines && !cl_interrupted(); k++) {
        f->seed = f->seed * 6364136223846793005u + 1442695040888963407u;   /* an LCG */
        logs_nap((double)(f->seed >> 33) / (double)(1ull << 31) * f->w->s.interval_ms / 1e3);
        char line[64];
        int len = snprintf(line, sizeof line, "file %d line %ld\n", f->index, k);
        f->written_at[k] = cl_now();
        /* one write() per line: a reader sees a line whole or not at all
         * (it copes with a part anyway) */
        if (write(f->write_fd, line, (size_t)len) != len)
            cl_fail(__FILE__, __LINE__, "write(log file)", errno);
    }
    atomic_store_explicit(&f->finished, true, memory_order_release);
    return NULL;
}

struct logs *logs_start(const struct logs_setting *s)
{
    static bool registered;
    if (!registered && atexit(remove_live_dir) == 0)
        registered = true;
    struct logs *w = cl_calloc(1, sizeof *w);
    w->s = *s;
    w->dir = cl_make_temp_dir("conclab62");
    live_dir = w->dir;
    size_t cap = strlen(w->dir) + 32;
    w->merged_path = cl_calloc(cap, 1);
    snprintf(w->merged_path, cap, "%s/merged.txt", w->dir);
    if (!(w->out = fopen(w->merged_path, "w")))
        cl_fail(__FILE__, __LINE__, "fopen(merged output)", errno);
    CL_CHECK_RC(pthread_mutex_init(&w->lock, NULL));
    w->merged = cl_calloc((size_t)(s->files * s->lines), sizeof *w->merged);
    w->files = cl_calloc((size_t)s->files, sizeof *w->files);
    for (int i = 0; i < s->files; i++) {
        struct logfile *f = &w->files[i];
        char path[64];
        snprintf(path, sizeof path, "log%d.txt", i);
        int dirfd;
        CL_CHECK_SYS(dirfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        CL_CHECK_SYS(f->write_fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                                          0600));
        CL_CHECK_SYS(f->read_fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC));
        CL_CHECK_SYS(close(dirfd));
        f->w = w;
        f->index = i;
        f->seed = (uint64_t)(s->seed * 1000 + i + 1);
        f->written_at = cl_calloc((size_t)s->lines, sizeof *f->written_at);
        atomic_init(&f->finished, false);
    }
    w->canary = canary_start(0.005);
    w->started = cl_now();
    for (int i = 0; i < s->files; i++)
        CL_CHECK_RC(pthread_create(&w->files[i].writer, NULL, writer_main, &w->files[i]));
    return w;
}

int logs_read(struct logs *w, int file, struct line *out, int max)
{
    struct logfile *f = &w->files[file];
    if (cl_interrupted())
        return LOGS_CLOSED;
    /* Look before reading: if the writer had finished, this read sees it all. */
    bool finished = atomic_load_explicit(&f->finished, memory_order_acquire);
    int n = 0;
    for (;;) {
        char *nl;
        while (n < max && (nl = memchr(f->buf, '\n', f->len))) {
            *nl = '\0';
            if (sscanf(f->buf, "file %d line %ld", &out[n].file, &out[n].k) != 2)
                cl_die("a log file holds a line no writer wrote: '%.40s'", f->buf);
            out[n++].read_at = cl_now();
            size_t used = (size_t)(nl + 1 - f->buf);
            memmove(f->buf, nl + 1, f->len - used);
            f->len -= used;
        }
        if (n == max)
            return n;
        if (f->len == sizeof f->buf)
            cl_die("a log file holds a line longer than %zu bytes", sizeof f->buf);
        ssize_t got = read(f->read_fd, f->buf + f->len, sizeof f->buf - f->len);
        if (got < 0)
            cl_fail(__FILE__, __LINE__, "read(log file)", errno);
        if (got == 0)
            break;
        f->len += (size_t)got;
    }
    if (n == 0 && finished && cl_now() - w->started >= w->s.tail_ms / 1e3)
        return LOGS_CLOSED;   /* the book's close_all */
    return n;
}

void logs_write(struct logs *w, const struct line *l)
{
    if (w->n == w->s.files * w->s.lines)
        cl_die("more lines merged than were written (%ld): file %d line %ld again", w->n,
               l->file, l->k);
    if (fprintf(w->out, "file %d line %ld\n", l->file, l->k) < 0)
        cl_fail(__FILE__, __LINE__, "fprintf(merged output)", errno);
    double now = cl_now();
    w->merged[w->n++] = (struct merged_line){l->file, l->k, now, now - l->read_at};
}

void logs_write_locked(struct logs *w, const struct line *l)
{
    CL_CHECK_RC(pthread_mutex_lock(&w->lock));
    logs_write(w, l);
    CL_CHECK_RC(pthread_mutex_unlock(&w->lock));
}

static void percentiles(double *v, long n, double scale, double *p50, double *p99)
{
    for (long i = 0; i < n; i++)
        v[i] *= scale;
    *p50 = n ? cl_percentile(v, (size_t)n, 50) : 0;
    *p99 = n ? cl_percentile(v, (size_t)n, 99) : 0;
}

struct logs_result logs_finish(struct logs *w)
{
    struct logs_result r = {0};
    double finished_at = cl_now();
    for (int i = 0; i < w->s.files; i++)
        CL_CHECK_RC(pthread_join(w->files[i].writer, NULL));
    CL_CHECK_SYS(fclose(w->out));
    if (!cl_interrupted()) {
        struct merge_check c = merge_check_file(w->merged_path, w->s.files, w->s.lines);
        r = (struct logs_result){c.merged, c.lost, c.doubled, c.out_of_order, c.foreign};
    }
    r.wall_s = finished_at - w->started;
    r.stall_ms = canary_stop(w->canary);
    double *age = cl_calloc((size_t)w->n + 1, sizeof *age);
    double *handoff = cl_calloc((size_t)w->n + 1, sizeof *handoff);
    for (long i = 0; i < w->n; i++) {
        struct merged_line *m = &w->merged[i];
        age[i] = m->at - w->files[m->file].written_at[m->k];
        handoff[i] = m->handoff_s;
        r.last_s = fmax(r.last_s, m->at - w->started);
    }
    percentiles(age, w->n, 1e3, &r.age_p50_ms, &r.age_p99_ms);
    percentiles(handoff, w->n, 1e6, &r.handoff_p50_us, &r.handoff_p99_us);
    free(age);
    free(handoff);
    for (int i = 0; i < w->s.files; i++) {
        CL_CHECK_SYS(close(w->files[i].write_fd));
        CL_CHECK_SYS(close(w->files[i].read_fd));
        free(w->files[i].written_at);
    }
    CL_CHECK_SYS(cl_remove_tree(w->dir));
    live_dir = NULL;
    CL_CHECK_RC(pthread_mutex_destroy(&w->lock));
    free(w->files);
    free(w->merged);
    free(w->merged_path);
    free(w->dir);
    free(w);
    return r;
}
