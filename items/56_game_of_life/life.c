/*
 * life.c - Conway's Game of Life on a torus, with blocking I/O per cell.
 * See life.h for what each function promises.
 */
#include "56_game_of_life/life.h"

#include "clab.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

/* ---- The grid ------------------------------------------------------------ */

struct life_grid *life_new(int rows, int cols)
{
    if (rows < 1 || cols < 1) {
        errno = EINVAL;
        return NULL;
    }
    if ((long)rows * (long)cols > LIFE_MAX_CELLS) {
        errno = EOVERFLOW;
        return NULL;
    }
    struct life_grid *g = malloc(sizeof *g);
    if (g == NULL)
        return NULL;
    g->rows = rows;
    g->cols = cols;
    g->cells = calloc((size_t)rows * (size_t)cols, 1);
    if (g->cells == NULL) {
        free(g);
        errno = ENOMEM;
        return NULL;
    }
    return g;
}

void life_free(struct life_grid *g)
{
    if (g == NULL)
        return;
    free(g->cells);
    free(g);
}

/* -1 -> n - 1, n -> 0: the torus. */
static int wrap(int i, int n)
{
    int r = i % n;
    return r < 0 ? r + n : r;
}

bool life_get(const struct life_grid *g, int y, int x)
{
    return g->cells[(size_t)wrap(y, g->rows) * (size_t)g->cols + (size_t)wrap(x, g->cols)] != 0;
}

void life_set(struct life_grid *g, int y, int x, bool alive)
{
    g->cells[(size_t)wrap(y, g->rows) * (size_t)g->cols + (size_t)wrap(x, g->cols)] =
        alive ? 1 : 0;
}

int life_count_neighbors(const struct life_grid *g, int y, int x)
{
    int n = 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            if ((dy != 0 || dx != 0) && life_get(g, y + dy, x + dx))
                n++;
    return n;
}

/* ---- The rules and the cell's blocking I/O ------------------------------- */

bool life_next_state(bool alive, int neighbors)
{
    if (alive)
        return neighbors == 2 || neighbors == 3;
    return neighbors == 3;
}

/* A real blocking call, as a read from a slow device would be: the thread
 * sleeps in the kernel and gives up its CPU. The deadline is on the monotonic
 * clock, so signals that cut the wait short never shorten or stretch it.
 *
 * Stopping: the wait goes in slices of at most 100 ms, watching for Ctrl-C
 * (cl_interrupted()). The first waiter that sees it writes a byte to a pipe
 * every waiter also watches, and the pipe stays readable: all the others
 * return at once instead of each at the end of its own slice. With 10,000
 * threads waiting, started over a few tenths of a second, one of them looks
 * within microseconds of the signal, so all are free at once. */
static int stop_pipe[2] = {-1, -1};
static pthread_once_t stop_pipe_once = PTHREAD_ONCE_INIT;
static atomic_bool stop_told;

static void make_stop_pipe(void)
{
    CL_CHECK_SYS(pipe(stop_pipe));
    CL_CHECK_SYS(fcntl(stop_pipe[0], F_SETFD, FD_CLOEXEC));
    CL_CHECK_SYS(fcntl(stop_pipe[1], F_SETFD, FD_CLOEXEC));
}

static void tell_every_waiter(void)
{
    char byte = 1;
    if (!atomic_exchange(&stop_told, true))
        while (write(stop_pipe[1], &byte, 1) == -1 && errno == EINTR)
            ;
}

static void block_for(double seconds)
{
    pthread_once(&stop_pipe_once, make_stop_pipe);
    double deadline = cl_now() + seconds;
    for (;;) {
        double left = deadline - cl_now();
        if (cl_interrupted()) {
            tell_every_waiter();
            return;
        }
        if (left <= 0)
            return;
        struct timespec ts = {0, (long)((left > 0.1 ? 0.1 : left) * 1e9)};
        int rc;
        if (stop_pipe[0] < FD_SETSIZE) {
            fd_set stop;
            FD_ZERO(&stop);
            FD_SET(stop_pipe[0], &stop);
            rc = pselect(stop_pipe[0] + 1, &stop, NULL, NULL, &ts, NULL);
        } else { /* a process with over FD_SETSIZE files open: slices alone */
            rc = nanosleep(&ts, NULL);
        }
        if (rc == -1 && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "pselect", errno);
    }
}

int life_game_logic(const struct life_io *io, int y, int x, bool alive, int neighbors,
                    bool *next)
{
    if (io != NULL && io->latency_s > 0)
        block_for(io->latency_s);
    if (io != NULL && y == io->fail_y && x == io->fail_x)
        return EIO;
    *next = life_next_state(alive, neighbors);
    return 0;
}

int life_step_serial(const struct life_grid *cur, struct life_grid *next,
                     const struct life_io *io, int *err_y, int *err_x)
{
    for (int y = 0; y < cur->rows; y++) {
        for (int x = 0; x < cur->cols; x++) {
            bool alive = life_get(cur, y, x);
            bool becomes = false;
            int rc = life_game_logic(io, y, x, alive, life_count_neighbors(cur, y, x),
                                     &becomes);
            if (rc != 0) {
                if (err_y != NULL)
                    *err_y = y;
                if (err_x != NULL)
                    *err_x = x;
                return rc;
            }
            life_set(next, y, x, becomes);
        }
    }
    return 0;
}

/* ---- Grids to start from -------------------------------------------------- */

struct life_grid *life_book_grid(void)
{
    struct life_grid *g = life_new(5, 9);
    if (g == NULL)
        return NULL;
    static const int glider[5][2] = {{0, 3}, {1, 4}, {2, 2}, {2, 3}, {2, 4}};
    for (int i = 0; i < 5; i++)
        life_set(g, glider[i][0], glider[i][1], true);
    return g;
}

/* xorshift32: small, and the same sequence everywhere (rand() is not). */
static unsigned next_random(unsigned *state)
{
    unsigned s = *state;
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    *state = s;
    return s;
}

void life_seed(struct life_grid *g, unsigned seed)
{
    unsigned state = seed * 2654435761u + 0x9e3779b9u;
    if (state == 0)
        state = 1;
    for (size_t i = 0; i < (size_t)g->rows * (size_t)g->cols; i++)
        g->cells[i] = (next_random(&state) >> 8) % 4 == 0;
}

bool life_equal(const struct life_grid *a, const struct life_grid *b)
{
    return a->rows == b->rows && a->cols == b->cols &&
           memcmp(a->cells, b->cells, (size_t)a->rows * (size_t)a->cols) == 0;
}

bool life_copy(struct life_grid *dst, const struct life_grid *src)
{
    if (dst->rows != src->rows || dst->cols != src->cols)
        return false;
    memcpy(dst->cells, src->cells, (size_t)src->rows * (size_t)src->cols);
    return true;
}

long life_population(const struct life_grid *g)
{
    long n = 0;
    for (size_t i = 0; i < (size_t)g->rows * (size_t)g->cols; i++)
        n += g->cells[i];
    return n;
}

struct life_grid *life_reference(const struct life_grid *start, int generations)
{
    struct life_grid *cur = life_new(start->rows, start->cols);
    struct life_grid *next = life_new(start->rows, start->cols);
    if (cur == NULL || next == NULL) {
        life_free(cur);
        life_free(next);
        return NULL;
    }
    life_copy(cur, start);
    for (int gen = 0; gen < generations; gen++) {
        life_step_serial(cur, next, NULL, NULL, NULL); /* no I/O: cannot fail */
        struct life_grid *t = cur;
        cur = next;
        next = t;
    }
    life_free(next);
    return cur;
}

int life_threads_now(void)
{
    return cl_threads_now();
}

bool life_matches_reference(const struct life_grid *start, const struct life_grid *end,
                            int generations)
{
    struct life_grid *want = life_reference(start, generations);
    if (want == NULL)
        cl_fail(__FILE__, __LINE__, "life_reference", errno);
    bool same = life_equal(want, end);
    life_free(want);
    return same;
}

void life_grid_shape(long cells, int *rows, int *cols)
{
    long r = 1;
    for (long d = 1; d * d <= cells; d++)
        if (cells % d == 0)
            r = d;
    *rows = (int)r;
    *cols = (int)(cells / r);
}

/* ---- Printing --------------------------------------------------------------- */

#define LIFE_SEPARATOR " | "

static int column_width(const struct life_grid *g, int number)
{
    int digits = snprintf(NULL, 0, "%d", number);
    return g->cols > digits ? g->cols : digits;
}

static void put_line_trimmed(FILE *out, char *line, size_t len)
{
    while (len > 0 && line[len - 1] == ' ')
        len--;
    fprintf(out, "%.*s\n", (int)len, line);
}

/* One band: generations [first, last), header line then one line per row. */
static void print_band(FILE *out, struct life_grid *const *gens, int first, int last,
                       char *line)
{
    size_t len = 0;
    for (int i = first; i < last; i++) {
        char number[16];
        int digits = snprintf(number, sizeof number, "%d", i);
        int w = column_width(gens[i], i);
        int left = (w - digits) / 2;
        if (i > first)
            len += (size_t)sprintf(line + len, "%s", LIFE_SEPARATOR);
        len += (size_t)sprintf(line + len, "%*s%s%*s", left, "", number, w - digits - left, "");
    }
    put_line_trimmed(out, line, len);

    int rows = 0;
    for (int i = first; i < last; i++)
        rows = gens[i]->rows > rows ? gens[i]->rows : rows;
    for (int y = 0; y < rows; y++) {
        len = 0;
        for (int i = first; i < last; i++) {
            const struct life_grid *g = gens[i];
            int w = column_width(g, i);
            if (i > first)
                len += (size_t)sprintf(line + len, "%s", LIFE_SEPARATOR);
            for (int x = 0; x < w; x++)
                line[len++] = (y < g->rows && x < g->cols) ? (life_get(g, y, x) ? '*' : '-') : ' ';
        }
        put_line_trimmed(out, line, len);
    }
}

void life_print_columns(FILE *out, struct life_grid *const *gens, int n, int width)
{
    if (n <= 0)
        return;
    size_t cap = 1;
    for (int i = 0; i < n; i++)
        cap += (size_t)column_width(gens[i], i) + sizeof LIFE_SEPARATOR + 16;
    char *line = malloc(cap);
    if (line == NULL)
        cl_fail(__FILE__, __LINE__, "malloc", errno);

    int sep = (int)strlen(LIFE_SEPARATOR);
    int first = 0;
    while (first < n) {
        /* As many columns as fit, and always at least one. */
        int last = first + 1;
        int used = column_width(gens[first], first);
        while (last < n && used + sep + column_width(gens[last], last) <= width) {
            used += sep + column_width(gens[last], last);
            last++;
        }
        if (first > 0)
            fputc('\n', out);
        print_band(out, gens, first, last, line);
        first = last;
    }
    free(line);
}

void life_refuse_long_runs(double cell_updates, double wait_s)
{
    if (cell_updates > LIFE_MAX_CELL_UPDATES)
        cl_usage_error("%.3g cell updates (rounds x generations x cells, over every run) is more "
                       "than the %.0e allowed: fewer rounds, generations or cells",
                       cell_updates, LIFE_MAX_CELL_UPDATES);
    if (wait_s > LIFE_MAX_WAIT_S)
        cl_usage_error("this run would wait at least %.0f s for its I/O (more than the %.0f s "
                       "allowed): fewer rounds, generations or cells, a shorter --io-ms or more "
                       "--workers",
                       wait_s, LIFE_MAX_WAIT_S);
}

struct life_grid *life_starting_grid(int rows, int cols, unsigned seed)
{
    if (rows == 5 && cols == 9)
        return life_book_grid();
    struct life_grid *g = life_new(rows, cols);
    if (g != NULL)
        life_seed(g, seed);
    return g;
}
