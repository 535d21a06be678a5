/*
 * 54_data_races - Item 54: use a lock to stop threads trampling a shared value.
 *
 * Python:  counter += 1 is a read, an add and a write; another thread can run
 *          in between, even under the GIL, so updates are lost. Holding a
 *          threading.Lock around the three steps makes the total exact.
 * C:       K threads, let go together from a start line [p8], each add 1 to one
 *          shared counter N times, seven ways:
 *            racy        relaxed atomic load, then store: updates lost [p1]
 *            racy_plain  a plain long += 1: a data race, undefined behaviour [p2]
 *            mutex       pthread mutex around the add                     [p3]
 *            atomic      C11 atomic_fetch_add: one indivisible step       [p4]
 *            gil_racy    under the GIL, load; tick; add; tick; store; tick [p5]
 *            gil_mutex   the same three ticks, inside a mutex             [p6]
 *            gil_atomic  one atomic add per tick                          [p7]
 *          The gil_ methods run under the GIL-like lock of Item 53; a tick is
 *          where the holder may be made to put it down, as between bytecodes.
 *
 * The claim: without a lock the total comes out short; with one it is exact.
 * The GIL does not save you: it stops two threads running at once, not a
 * thread being switched out between the read and the write [p5].
 * Every run checks itself [p9]: a locked or atomic method that comes out
 * short stops the program with "!!!" and exit status 1. Every run also notes
 * whether its threads ever counted at the same time (overlap_s): a run whose
 * threads never met cannot lose anything, and proves nothing.
 *
 * Run:  build/bin/54_data_races                          the whole story
 *       build/bin/54_data_races --method racy --threads 1,2,4,8
 *       build/bin/54_data_races --method gil_racy --policy old --iterations 100000
 *       build/bin/54_data_races --csv --iterations 1000,100000,1000000 --rounds 3
 *
 * Prints (abridged; a busy 2-vCPU VM; busy = cores counting at once, met =
 * how long two threads counted at the same time):
 *   threads x increments  method     expected    actual      lost lost %  ns/incr  busy met (ms)
 *   1 x 1000000           racy        1000000   1000000         0    0.0      0.3  0.99    0.000
 *                         (lost nothing at 1000000 increments; repeated with more until it lost some)
 *   2 x 100000000         racy      200000000 100000000 100000000   50.0      0.3  0.99   53.562
 *   2 x 1000000           mutex       2000000   2000000         0    0.0      6.2  1.00   10.040
 *   2 x 1000000           gil_racy    2000000   1412519    587481   29.4      5.2  1.00    8.570
 *   ...
 *   Without a lock:  racy lost 120000000 of 241000000 updates, gil_racy 2593688 of 7000000.
 */
#include "53_threads_gil/gil.h"
#include "clab.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The shared counter, and everything the threads share, in one struct that
 * each thread is handed: no globals to chase. */
struct race {
    const struct method *method;
    long iterations;          /* increments per thread */
    _Atomic long atomic_count; /* racy and atomic use this one */
    long plain_count;         /* every other method uses this one */
    pthread_mutex_t lock;     /* mutex and gil_mutex */
    struct gil gil;           /* the gil_ methods */
    long threads;             /* K */
    atomic_long running;      /* threads at the start line so far [p8] */
};

/* ---- The concept: seven ways to add one ----------------------------------- */

/* [p1] THE SUITE'S ONE DELIBERATE RACE (with racy_plain below); both are kept
 * out of the ThreadSanitizer run (tests/tsan/54_data_races.args).
 * Read, then write back one more: two threads that read the same value both
 * write value + 1, and one increment is lost. The accesses are relaxed
 * atomics, so the behaviour is defined (no torn values, nothing the compiler
 * may assume away) and gcc and clang emit each load and store as written;
 * only the outcome is wrong, exactly as with Python's counter += 1. */
static void increment_racy(struct race *r, long n)
{
    for (long i = 0; i < n; i++) {
        long seen = atomic_load_explicit(&r->atomic_count, memory_order_relaxed);
        atomic_store_explicit(&r->atomic_count, seen + 1, memory_order_relaxed);
    }
}

/* [p2] Part of the deliberate race of [p1]: UNDEFINED BEHAVIOUR. Two threads
 * write a plain long with nothing ordering them: a data race, so C promises
 * nothing at all. The compiler may (and gcc -O2 does) keep the count in a
 * register and write it once at the end, so a whole thread's work can vanish,
 * or, when the threads happen not to overlap, nothing is lost and the bug
 * hides. This is the mode ThreadSanitizer reports (see the README). */
static void increment_racy_plain(struct race *r, long n)
{
    for (long i = 0; i < n; i++)
        r->plain_count += 1;
}

/* [p3] with lock: count += 1. The mutex makes read-add-write one step that no
 * other thread can split. */
static void increment_mutex(struct race *r, long n)
{
    for (long i = 0; i < n; i++) {
        CL_CHECK_RC(pthread_mutex_lock(&r->lock));
        r->plain_count += 1;
        CL_CHECK_RC(pthread_mutex_unlock(&r->lock));
    }
}

/* [p4] The hardware's own indivisible read-add-write (lock xadd on x86).
 * memory_order_relaxed would be enough for a counter; on x86 it costs the same. */
static void increment_atomic(struct race *r, long n)
{
    for (long i = 0; i < n; i++)
        atomic_fetch_add(&r->atomic_count, 1);
}

/* [p5] The interpreter's count += 1: three bytecodes (load, add, store), with
 * a tick after each where the GIL may be taken away. A thread switched out
 * after its load comes back, after the other thread has counted for a whole
 * switch interval, and stores its stale value + 1: all that work is lost.
 * Only one thread runs at a time, so this is a race condition but not a data
 * race: every access is ordered by the GIL, plain memory is fine, and
 * ThreadSanitizer has nothing to report. The GIL protects the interpreter's
 * memory, not your program's invariants. */
static void increment_gil_racy(struct race *r, long n)
{
    struct gil *gil = &r->gil;
    for (long i = 0; i < n; i++) {
        long seen = r->plain_count; /* LOAD */
        gil_tick(gil);
        long sum = seen + 1;        /* ADD */
        gil_tick(gil);
        r->plain_count = sum;       /* STORE */
        gil_tick(gil);
    }
}

/* Lock a mutex from a thread that holds the GIL, as CPython's Lock.acquire
 * does: try first without letting go of the GIL; if the mutex is busy, put
 * the GIL down while blocking on it. Blocking with the GIL held would
 * deadlock: the mutex's owner may have been switched out mid-increment and
 * needs the GIL back to reach its unlock. */
static void lock_under_gil(pthread_mutex_t *lock, struct gil *gil)
{
    int rc = pthread_mutex_trylock(lock);
    if (rc == 0)
        return;
    if (rc != EBUSY)
        cl_fail(__FILE__, __LINE__, "pthread_mutex_trylock(lock)", rc);
    gil_blocking_begin(gil);
    CL_CHECK_RC(pthread_mutex_lock(lock));
    gil_blocking_end(gil); /* waits for the GIL holding the mutex: safe, as
                              no GIL holder ever blocks on the mutex */
}

/* [p6] with lock: count += 1, under the GIL. The thread can still be switched
 * out between its load and its store, but whoever runs next cannot touch the
 * counter without the mutex, so nothing is lost. */
static void increment_gil_mutex(struct race *r, long n)
{
    struct gil *gil = &r->gil;
    for (long i = 0; i < n; i++) {
        lock_under_gil(&r->lock, gil);
        gil_tick(gil);
        long seen = r->plain_count;
        gil_tick(gil);
        long sum = seen + 1;
        gil_tick(gil);
        r->plain_count = sum;
        CL_CHECK_RC(pthread_mutex_unlock(&r->lock));
        gil_tick(gil);
    }
}

/* [p7] An increment that is one tick: no switch can fall inside it. Under the
 * GIL, any single-bytecode operation is indivisible the same way (a
 * list.append, next() on an itertools.count); the atomic add also keeps it
 * exact with no GIL at all. */
static void increment_gil_atomic(struct race *r, long n)
{
    struct gil *gil = &r->gil;
    for (long i = 0; i < n; i++) {
        atomic_fetch_add(&r->atomic_count, 1);
        gil_tick(gil);
    }
}

struct method {
    const char *name;
    void (*increment)(struct race *r, long n);
    bool exact;       /* must come out exact, or the program dies */
    bool uses_gil;    /* runs while holding the GIL-like lock */
    bool atomic_count; /* counts in atomic_count, not plain_count */
    double ns_bound;  /* a generous cost of one increment (busy 2-vCPU VM, up
                         to 256 threads: measured at most half of it) */
};

static const struct method methods[] = {
    {"racy", increment_racy, false, false, true, 1},
    {"racy_plain", increment_racy_plain, false, false, false, 1},
    {"mutex", increment_mutex, true, false, false, 20},
    {"atomic", increment_atomic, true, false, true, 5},
    {"gil_racy", increment_gil_racy, false, true, false, 40},
    {"gil_mutex", increment_gil_mutex, true, true, false, 40},
    {"gil_atomic", increment_gil_atomic, true, true, true, 20},
};
#define METHOD_COUNT (sizeof methods / sizeof methods[0])
#define MAX_PLANNED_S 60 /* a run estimated to take longer is refused */
#define STR_(x) #x
#define STR(x) STR_(x)
#define METHOD_CHOICES "all|racy|racy_plain|mutex|atomic|gil_racy|gil_mutex|gil_atomic"

/* ---- Running one race ------------------------------------------------------- */

/* One per thread: the shared race, and when this thread counted. */
struct counting_thread {
    struct race *race;
    pthread_t id;
    double started, finished; /* monotonic clock */
    double cpu_seconds;       /* CPU time this thread used while counting */
};

/* CPU time of the calling thread: it grows only while the thread is on a
 * core, not while it waits for the GIL or for a turn on a busy machine. */
static double thread_cpu_seconds(void)
{
    struct timespec ts;
    CL_CHECK_SYS(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts));
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* [p8] Started one by one, the first thread could finish before the last
 * began, and the race would never happen. A pthread barrier is not enough:
 * it wakes the threads, but on this 2-vCPU machine the scheduler often let
 * the first run its whole share (milliseconds) before the second got a CPU.
 * So each thread says it is running, then spins (yielding, in case threads
 * outnumber cores) until all are: they are all on a CPU when counting starts. */
static void wait_at_start_line(struct race *r)
{
    atomic_fetch_add(&r->running, 1);
    while (atomic_load(&r->running) < r->threads)
        CL_CHECK_SYS(sched_yield());
}

static void *count(void *arg)
{
    struct counting_thread *self = arg;
    struct race *r = self->race;
    wait_at_start_line(r);
    self->started = cl_now();
    double cpu_at_start = thread_cpu_seconds();
    if (r->method->uses_gil)
        gil_acquire(&r->gil);
    /* In slices of 65536, so that Ctrl-C is seen within milliseconds even
     * at the slowest method (gil_mutex under --policy old --check-ticks 1,
     * about 160 ns an increment, many threads taking turns). */
    const long slice = 1L << 16;
    for (long done = 0; done < r->iterations && !cl_interrupted(); done += slice)
        r->method->increment(r, r->iterations - done < slice ? r->iterations - done : slice);
    if (r->method->uses_gil)
        gil_release(&r->gil);
    self->cpu_seconds = thread_cpu_seconds() - cpu_at_start;
    self->finished = cl_now();
    return NULL;
}

struct settings {
    const char *method;
    struct cl_list threads;
    struct cl_list iterations;
    const char *policy_name;
    enum gil_policy policy;
    double interval_ms;
    long check_ticks;
    long rounds;
    bool csv;
};

struct outcome {
    long expected, actual, lost;
    double wall_s, ns_per_increment;
    double cores_busy; /* the threads' CPU time / wall: did they really overlap? */
    double overlap_s;  /* the longest time two threads were counting at once */
    long gil_forced_drops;
};

/* From the first thread's start to the last thread's finish. */
static double span_seconds(const struct counting_thread *workers, long threads)
{
    double first = workers[0].started, last = workers[0].finished;
    for (long i = 1; i < threads; i++) {
        if (workers[i].started < first)
            first = workers[i].started;
        if (workers[i].finished > last)
            last = workers[i].finished;
    }
    return last - first;
}

/* Did the threads meet at all? Each thread noted when it started and
 * finished counting; two of them overlapped for the length of the
 * intersection of their intervals. A race needs that to be more than 0: on a
 * busy machine the first thread may finish before the second begins, and
 * nothing can be lost. Returns the longest such intersection. */
static double longest_overlap(const struct counting_thread *workers, long threads)
{
    double longest = 0;
    for (long i = 0; i < threads; i++)
        for (long j = i + 1; j < threads; j++) {
            double from = workers[i].started > workers[j].started ? workers[i].started
                                                                  : workers[j].started;
            double to = workers[i].finished < workers[j].finished ? workers[i].finished
                                                                  : workers[j].finished;
            if (to - from > longest)
                longest = to - from;
        }
    return longest;
}

static struct outcome run_race(const struct settings *s, const struct method *m,
                               long threads, long iterations)
{
    struct race r = {.method = m, .iterations = iterations, .threads = threads};
    atomic_init(&r.atomic_count, 0);
    atomic_init(&r.running, 0);
    CL_CHECK_RC(pthread_mutex_init(&r.lock, NULL));
    gil_init(&r.gil, s->policy, s->interval_ms / 1000.0, s->check_ticks);
    struct counting_thread *workers = calloc((size_t)threads, sizeof *workers);
    if (!workers)
        cl_fail(__FILE__, __LINE__, "calloc", errno);

    for (long i = 0; i < threads; i++) {
        workers[i].race = &r;
        CL_CHECK_RC(pthread_create(&workers[i].id, NULL, count, &workers[i]));
    }
    for (long i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_join(workers[i].id, NULL));
    double wall = span_seconds(workers, threads);
    double cpu = 0;
    for (long i = 0; i < threads; i++)
        cpu += workers[i].cpu_seconds;

    struct outcome o = {.expected = threads * iterations, .wall_s = wall};
    o.actual = m->atomic_count ? atomic_load(&r.atomic_count) : r.plain_count;
    o.lost = o.expected - o.actual;
    o.ns_per_increment = wall * 1e9 / (double)o.expected;
    o.cores_busy = wall > 0 ? cpu / wall : 0;
    o.overlap_s = longest_overlap(workers, threads);
    o.gil_forced_drops = m->uses_gil ? gil_get_stats(&r.gil).forced_drops : 0;

    free(workers);
    gil_destroy(&r.gil);
    CL_CHECK_RC(pthread_mutex_destroy(&r.lock));
    return o;
}


/* [p9] A locked or atomic method must be exact: a wrong total is a bug. */
static void check(const struct method *m, long threads, long iterations, const struct outcome *o)
{
    if (m->exact && o->actual != o->expected)
        cl_die("%s with %ld threads x %ld: total %ld, expected %ld (%ld lost)", m->name,
               threads, iterations, o->actual, o->expected, o->lost);
}

/* ---- The runs ---------------------------------------------------------------- */

#define CSV_COLUMNS "method,policy,interval_ms,threads,iterations,round,expected,actual,lost," \
                    "wall_s,ns_per_increment,cores_busy,overlap_s,gil_forced_drops"

/* What the unlocked methods lost over the whole story. */
struct tally {
    long lost, expected;
    bool raced;       /* ran with two or more threads at least once */
    bool overlapped;  /* ... and two of them counted at the same time */
};

/* At the bottom of the file: printing. */
static void report(const struct settings *s, const struct method *m, long threads,
                   long iterations, long round, const struct outcome *o);
static void print_story_header(const struct settings *s);
static void print_story_footer(const struct tally *racy, const struct tally *gil_racy);
static void refuse_unbounded(const struct settings *s);

static void tally_add(struct tally *t, long threads, const struct outcome *o)
{
    t->lost += o->lost;
    t->expected += o->expected;
    t->raced |= threads > 1;
    t->overlapped |= o->overlap_s > 0;
}

/* The story's racy rows: a short run may end before the threads ever meet
 * (a busy machine, a thread done within one time slice), and then nothing is
 * lost and the lesson is hidden. So, in the story only, a racy run with two
 * or more threads that lost nothing is repeated with ten times the
 * increments, until it loses updates or 2 s have passed; it says which. */
static struct outcome race_until_lost(const struct settings *s, const struct method *m,
                                      long threads, long *iterations, struct outcome o)
{
    double t0 = cl_now();
    long first = *iterations;
    while (o.lost == 0 && cl_now() - t0 < 2.0 && (double)threads * (double)*iterations * 10 <= 2e9 &&
           !cl_interrupted()) {
        *iterations *= 10;
        o = run_race(s, m, threads, *iterations);
    }
    if (cl_interrupted())
        return o;
    if (*iterations != first && o.lost > 0)
        printf("%-21s (lost nothing at %ld increments; repeated with more until it lost some)\n",
               "", first);
    else if (o.lost == 0 && o.overlap_s > 0)
        printf("%-21s (lost nothing for %.1f s, up to %ld increments, though the threads met\n"
               "%-21s  for %.3f ms: no switch fell between a load and its store. Run it again.)\n",
               "", cl_now() - t0, *iterations, "", o.overlap_s * 1e3);
    else if (o.lost == 0)
        printf("%-21s (lost nothing for %.1f s, up to %ld increments: the threads never met;\n"
               "%-21s  the machine is busy. The lesson needs threads that overlap.)\n",
               "", cl_now() - t0, *iterations, "");
    return o;
}

static bool selected(const struct settings *s, const struct method *m)
{
    return strcmp(s->method, "all") == 0 || strcmp(s->method, m->name) == 0;
}

/* Every method, thread count and size, round after round. */
static void run_all(const struct settings *s)
{
    struct tally racy = {0}, gil_racy = {0};
    bool story = !s->csv;
    if (s->csv)
        cl_csv_header(CSV_COLUMNS);
    else
        print_story_header(s);
    for (long round = 1; round <= s->rounds; round++) {
        for (int t = 0; t < s->threads.n && !cl_interrupted(); t++) {
            for (int n = 0; n < s->iterations.n; n++) {
                for (size_t i = 0; i < METHOD_COUNT && !cl_interrupted(); i++) {
                    const struct method *m = &methods[i];
                    if (!selected(s, m))
                        continue;
                    long threads = s->threads.v[t], iterations = s->iterations.v[n];
                    struct outcome o = run_race(s, m, threads, iterations);
                    bool racy_method = strcmp(m->name, "racy") == 0;
                    if (story && racy_method && threads > 1 && o.lost == 0)
                        o = race_until_lost(s, m, threads, &iterations, o);
                    if (cl_interrupted())
                        break; /* an interrupted race has no meaningful total */
                    report(s, m, threads, iterations, round, &o);
                    check(m, threads, iterations, &o);
                    if (racy_method)
                        tally_add(&racy, threads, &o);
                    else if (strcmp(m->name, "gil_racy") == 0)
                        tally_add(&gil_racy, threads, &o);
                }
            }
            if (story && (t + 1 < s->threads.n || round < s->rounds))
                printf("\n");
        }
    }
    if (story && strcmp(s->method, "all") == 0 && !cl_interrupted())
        print_story_footer(&racy, &gil_racy);
}

int main(int argc, char **argv)
{
    struct settings s = {.method = "all", .threads = {3, {1, 2, 4}},
                         .iterations = {1, {1000000}}, .policy_name = "new",
                         .interval_ms = 0.2, .check_ticks = 100, .rounds = 1};
    struct cl_opt opts[] = {
        {"method", CL_OPT_CHOICE, &s.method, "how the threads add one", .choices = METHOD_CHOICES},
        {"threads", CL_OPT_LIST, &s.threads, "thread counts to run (K)", 1, 256},
        {"iterations", CL_OPT_LIST, &s.iterations, "increments per thread (N), one or more",
         1, 1e9},
        {"rounds", CL_OPT_INT, &s.rounds, "times to run every combination, one after another",
         1, 1000},
        {"policy", CL_OPT_CHOICE, &s.policy_name, "GIL policy for the gil_ methods",
         .choices = "new|old"},
        {"interval", CL_OPT_DOUBLE, &s.interval_ms,
         "GIL switch interval in ms, policy new (CPython's is 5; see README)", 0.01, 1000},
        {"check-ticks", CL_OPT_INT, &s.check_ticks,
         "ticks between releases, policy old (Python 2's was 100)", 1, 1000000},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "54_data_races",
        .summary = "threads adding to one counter: without a lock updates are lost, "
                   "even under a GIL; with one the total is exact",
        .epilogue = "Methods:\n"
                    "  racy, racy_plain    no lock (the deliberate race; racy_plain is undefined behaviour)\n"
                    "  mutex, atomic       a pthread mutex; one C11 atomic_fetch_add\n"
                    "  gil_racy, gil_mutex, gil_atomic   the same under Item 53's GIL-like lock\n"
                    "Examples:\n"
                    "  54_data_races                                   the whole story\n"
                    "  54_data_races --method racy --threads 1,2,4,8\n"
                    "  54_data_races --method gil_racy --interval 5 --iterations 1000,1000000\n"
                    "In the story (not --csv), a racy run of 2+ threads that lost nothing is\n"
                    "repeated with 10x the increments until it loses some or 2 s have passed.\n"
                    "CSV columns: " CSV_COLUMNS "\n"
                    "lost = expected - actual; ns_per_increment = wall_s / (threads x iterations);\n"
                    "cores_busy = the threads' CPU time / wall_s (about 1 when they took turns);\n"
                    "overlap_s = the longest time two threads were counting at once (0: they\n"
                    "never met, so nothing could be lost); policy is 'none' without the GIL.\n"
                    "A mutex, atomic, gil_mutex or gil_atomic total that is wrong exits 1 with \"!!!\".\n"
                    "A run is bounded: one estimated (at a generous cost per increment) to\n"
                    "take over " STR(MAX_PLANNED_S) " s is refused (exit 2); the story's racy retries add at most\n"
                    "a few seconds.\n"
                    "Ctrl-C stops within milliseconds, threads joined, exit 130.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    if (gil_policy_parse(s.policy_name, &s.policy) != 0)
        cl_usage_error("--policy: unknown policy '%s'", s.policy_name);
    refuse_unbounded(&s);
    cl_catch_stop_signals();
    run_all(&s);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; every thread joined\n", cl_program_name());
        return 130;
    }
    return 0;
}

/* ---- Printing: CSV rows and the story's table ------------------------------- */

static void report(const struct settings *s, const struct method *m, long threads,
                   long iterations, long round, const struct outcome *o)
{
    const char *policy = m->uses_gil ? s->policy_name : "none";
    if (s->csv) {
        cl_csv_row("%s,%s,%g,%ld,%ld,%ld,%ld,%ld,%ld,%.6f,%.2f,%.2f,%.6f,%ld", m->name, policy,
                   m->uses_gil ? s->interval_ms : 0.0, threads, iterations, round, o->expected,
                   o->actual, o->lost, o->wall_s, o->ns_per_increment, o->cores_busy,
                   o->overlap_s, o->gil_forced_drops);
        return;
    }
    char size[48];
    snprintf(size, sizeof size, "%ld x %ld", threads, iterations);
    printf("%-21s %-12s %11ld %11ld %11ld %6.1f %8.1f %5.2f %8.3f", size, m->name, o->expected,
           o->actual, o->lost, 100.0 * (double)o->lost / (double)o->expected,
           o->ns_per_increment, o->cores_busy, o->overlap_s * 1e3);
    if (m->uses_gil)
        printf("  %6ld", o->gil_forced_drops);
    printf("\n");
}

static void print_story_header(const struct settings *s)
{
    printf("K threads each add 1 to one shared counter N times, all starting together.\n"
           "%d cores online; the gil_ methods run under GIL policy '%s', ",
           cl_cores_online(), s->policy_name);
    if (s->policy == GIL_OLD)
        printf("a release every %ld ticks.\n\n", s->check_ticks);
    else
        printf("switch interval %g ms.\n\n", s->interval_ms);
    printf("%-21s %-12s %11s %11s %11s %6s %8s %5s %8s  %s\n", "threads x increments", "method",
           "expected", "actual", "lost", "lost %", "ns/incr", "busy", "met (ms)", "GIL drops");
}

static void print_story_footer(const struct tally *racy, const struct tally *gil_racy)
{
    printf("\nWithout a lock:  racy lost %ld of %ld updates, gil_racy %ld of %ld.\n",
           racy->lost, racy->expected, gil_racy->lost, gil_racy->expected);
    printf("With one:        mutex, atomic, gil_mutex and gil_atomic were exact every time\n"
           "                 (a wrong total would have stopped the program, exit status 1).\n"
           "With 1 thread nothing is lost: a race needs two. racy_plain is undefined\n"
           "behaviour: the compiler may count in a register, so what it shows proves nothing.\n"
           "ns/incr is wall time divided by all the increments of all the threads; busy is\n"
           "the threads' CPU time over wall time: how many cores were counting at once;\n"
           "met is how long two threads were counting at the same time (0: never).\n");
    if (racy->raced && !racy->overlapped)
        printf("\nracy's threads never counted at the same time in this run (met 0): another\n"
               "program held the cores, and nothing could be lost. Run it again later.\n");
}

/* The flags' ranges alone allow runs of days (256 threads x 1e9 increments,
 * every method, 1000 rounds). Estimate the run at a generous cost per
 * increment (the GIL's old policy hands over every check-ticks ticks, and a
 * hand-off costs about ten increments) and refuse one that would be long. */
static void refuse_unbounded(const struct settings *s)
{
    double increments = 0, seconds = 0;
    for (int t = 0; t < s->threads.n; t++)
        for (int n = 0; n < s->iterations.n; n++)
            increments += (double)s->threads.v[t] * (double)s->iterations.v[n];
    for (size_t i = 0; i < METHOD_COUNT; i++) {
        const struct method *m = &methods[i];
        if (!selected(s, m))
            continue;
        double ns = m->ns_bound;
        if (m->uses_gil && s->policy == GIL_OLD)
            ns *= 1 + 10.0 / (double)s->check_ticks;
        seconds += (double)s->rounds * increments * ns * 1e-9;
    }
    if (seconds > MAX_PLANNED_S)
        cl_usage_error("this run could take %.0f s (%.3g increments per round); at most %d: "
                       "fewer --threads, --iterations, --rounds or one --method",
                       seconds, increments, MAX_PLANNED_S);
}
