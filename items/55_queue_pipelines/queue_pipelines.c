/*
 * 55_queue_pipelines - Item 55: use Queue to coordinate work between threads.
 *
 * Python:  a pipeline of threads (download -> resize -> upload) handing items
 *          on through queues. A home-made queue (a locked deque whose get
 *          fails when empty) makes every worker poll; queue.Queue blocks in
 *          get until an item comes, blocks in put while a bounded queue is
 *          full, counts unfinished work for task_done/join, and (3.13)
 *          shutdown() ends the workers without a sentinel per thread.
 * C:       the polling queue is a mutex and a linked list [p1]; its workers
 *          sleep --poll-ms and try again, counting the polls [p2]. The
 *          blocking queue is queue.h (one mutex, condition variables
 *          not_empty, not_full and all_done) [p3]; close is the sentinel [p4].
 *
 * The claims: busy waiting burns CPU; an unbounded queue in front of a slow
 * stage grows without limit (and memory with it); a bounded blocking queue
 * fixes both and shuts down cleanly. Measured: CPU seconds and polls,
 * polling vs blocking [p5]; peak queue depth and resident memory vs items
 * and capacity [p6]; the order of events in the book's two demos [p7]; a
 * 3/4/5-worker pipeline shut down by close [p8]; items per second through
 * one queue, this one against GLib's GAsyncQueue, pinned and unpinned [p9].
 *
 * Run:  build/bin/55_queue_pipelines                    the whole story
 *       build/bin/55_queue_pipelines --mode pipeline --poll-ms 10,1,0
 *       build/bin/55_queue_pipelines --mode explosion --sweep-items 100,1000,3000
 *       build/bin/55_queue_pipelines --mode ordering
 *       build/bin/55_queue_pipelines --mode throughput --bench-items 2000000
 *       build/bin/55_queue_pipelines --csv                rows for the harness
 *
 * Each stage's work is a sleep (simulated I/O) of --download-ms, --resize-ms
 * and --upload-ms: 0.1 ms by default, where the book's stages take no time
 * at all (a sleep of 0 would leave nothing for a queue to smooth out).
 *
 * Prints (abridged; a shared 2-core VM; the default is 3 rounds):
 *   pipeline ... one thread per stage; median [min-max] over 3 interleaved rounds
 *            variant   poll_ms    polls       cpu_ms            wall_ms  latency_p50_ms
 *            polling   10            11    30.0 [29.5-52.2]   211.8 [209-230]    115.06
 *            polling   0 (spin)    4247   200.8 [190.6-206.1]   179.3 [179-190]     91.76
 *            blocking  -              0    27.5 [22.3-33.7]   175.3 [173-178]     88.89
 *            processed 1000 items after polling 12 times (poll every 10 ms, last round)
 *   explosion ...
 *            items capacity  peak_depth  payloads_alive  rss_growth_KiB  wall_ms  download_ms
 *             1000     none         853             854           54664      291           50
 *             1000       10          10              18            1152      308          304
 *   shutdown ... 1000 items finished, each exactly once; 12 threads started, 12 joined
 *   throughput ...
 *            P  placement  queue.h             GAsyncQueue         queue.h/GAsyncQueue
 *            1  pinned     16.79 [14.58-25.34]   1.38 [1.29-2.21]  11.47x [10.56-12.99]
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_SET: the pinned benchmark */
#include "55_queue_pipelines/queue.h"
#include "clab.h"

#include <glib.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define STAGES 3

/* Blocking waits are cut into slices this long, so Ctrl-C is seen. */
#define SLICE_S 0.1

/* ---- What flows through the pipeline --------------------------------------- */

struct item {
    long id;
    atomic_int stages_done; /* each stage adds one: 3 at the end */
    double born_s;          /* when main put it into the first queue */
    double finished_s;      /* when upload was done with it */
    unsigned char *payload; /* the "image": mapped by download, unmapped by upload */
    struct item *next;      /* the polling list's link */
};

/* What one run of a pipeline needs to know, and what it measured. */
struct pipeline {
    long items;
    double stage_s[STAGES];   /* each stage's simulated I/O per item */
    int workers[STAGES];      /* threads per stage */
    size_t capacity;          /* blocking: every queue's capacity, 0 = unbounded */
    size_t payload_bytes;     /* each item's payload, 0 = none */

    /* filled in while it runs */
    atomic_long live_payloads, peak_live_payloads;
    atomic_long peak_rss_kib;
};

/* Payloads are mapped, not malloc'ed: freed memory goes straight back to
 * the kernel, so resident memory follows the items alive right now. */
static void payload_new(struct pipeline *p, struct item *it)
{
    if (p->payload_bytes == 0)
        return;
    void *m = mmap(NULL, p->payload_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (m == MAP_FAILED)
        cl_fail(__FILE__, __LINE__, "mmap(payload)", errno);
    memset(m, (int)(it->id & 0xff), p->payload_bytes); /* touch every page: it is resident */
    it->payload = m;
    long live = atomic_fetch_add(&p->live_payloads, 1) + 1;
    long peak = atomic_load(&p->peak_live_payloads);
    while (live > peak && !atomic_compare_exchange_weak(&p->peak_live_payloads, &peak, live)) {
    }
}

static void payload_free(struct pipeline *p, struct item *it)
{
    if (it->payload == NULL)
        return;
    CL_CHECK_SYS(munmap(it->payload, p->payload_bytes));
    it->payload = NULL;
    atomic_fetch_sub(&p->live_payloads, 1);
}

static void note_rss(struct pipeline *p)
{
    long rss = cl_rss_kib();
    long peak = atomic_load(&p->peak_rss_kib);
    while (rss > peak && !atomic_compare_exchange_weak(&p->peak_rss_kib, &peak, rss)) {
    }
}

/* One stage's work on one item: download maps the payload, resize reads
 * it, upload lets it go; each waits its stage's latency (simulated I/O). */
static void do_stage(struct pipeline *p, int stage, struct item *it)
{
    if (stage == 0)
        payload_new(p, it);
    cl_sleep(p->stage_s[stage]);
    if (stage == 1 && it->payload != NULL && it->payload[p->payload_bytes - 1] != (it->id & 0xff))
        cl_die("item %ld: its payload changed on the way", it->id);
    if (stage == STAGES - 1) {
        payload_free(p, it);
        it->finished_s = cl_now();
    }
    atomic_fetch_add(&it->stages_done, 1);
}

/* Context switches of the whole process so far (voluntary + involuntary):
 * each one is a thread put to sleep or pushed off its CPU. */
static long context_switches(void)
{
    struct rusage ru;
    CL_CHECK_SYS(getrusage(RUSAGE_SELF, &ru));
    return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* ---- [p1] The book's home-made queue: a locked list whose get fails ------ */

struct polling_list {
    pthread_mutex_t mutex;
    struct item *head, *tail;
    long length;
};

static void polling_list_put(struct polling_list *l, struct item *it)
{
    CL_CHECK_RC(pthread_mutex_lock(&l->mutex));
    it->next = NULL;
    if (l->tail)
        l->tail->next = it;
    else
        l->head = it;
    l->tail = it;
    l->length++;
    CL_CHECK_RC(pthread_mutex_unlock(&l->mutex));
}

/* NULL when empty: the caller must come back later (IndexError in Python). */
static struct item *polling_list_try_get(struct polling_list *l)
{
    CL_CHECK_RC(pthread_mutex_lock(&l->mutex));
    struct item *it = l->head;
    if (it) {
        l->head = it->next;
        if (l->head == NULL)
            l->tail = NULL;
        l->length--;
    }
    CL_CHECK_RC(pthread_mutex_unlock(&l->mutex));
    return it;
}

static long polling_list_length(struct polling_list *l)
{
    CL_CHECK_RC(pthread_mutex_lock(&l->mutex));
    long n = l->length;
    CL_CHECK_RC(pthread_mutex_unlock(&l->mutex));
    return n;
}

/* ---- [p2] Polling workers: try, and when empty, sleep and try again ------ */

struct polling_worker {
    struct pipeline *p;
    int stage;
    struct polling_list *in, *out;
    double poll_s;      /* 0: no sleep at all, only sched_yield (a pure spin) */
    atomic_bool *stop;  /* main sets it once every item is through */
    long polls;         /* times it found its list empty */
};

static void wait_before_polling_again(double poll_s)
{
    if (poll_s > 0)
        cl_sleep(poll_s);
    else
        sched_yield();
}

static void *polling_worker_main(void *arg)
{
    struct polling_worker *w = arg;
    while (!atomic_load(w->stop) && !cl_interrupted()) {
        struct item *it = polling_list_try_get(w->in);
        if (it == NULL) {
            w->polls++;
            wait_before_polling_again(w->poll_s);
            continue;
        }
        do_stage(w->p, w->stage, it);
        polling_list_put(w->out, it);
    }
    return NULL;
}

/* ---- [p3] Blocking workers: get sleeps until an item (or close) comes ----- */

struct blocking_worker {
    struct pipeline *p;
    int stage;
    struct queue *in, *out;
};

/* queue_put in slices of SLICE_S: false if Ctrl-C came first. */
static bool put_until_done(struct queue *q, struct item *it)
{
    enum queue_status st;
    while ((st = queue_put(q, it, cl_now() + SLICE_S)) == QUEUE_TIMEOUT)
        if (cl_interrupted())
            return false;
    if (st == QUEUE_CLOSED)
        cl_die("a stage put into a queue that was already closed");
    return true;
}

static void *blocking_worker_main(void *arg)
{
    struct blocking_worker *w = arg;
    while (!cl_interrupted()) {
        void *got;
        enum queue_status st = queue_get(w->in, &got, cl_now() + SLICE_S);
        if (st == QUEUE_CLOSED) /* [p4] closed and drained: this stage is done */
            break;
        if (st == QUEUE_TIMEOUT)
            continue;
        struct item *it = got;
        do_stage(w->p, w->stage, it);
        /* Memory peaks while download runs ahead; reading it costs a file
         * read, so only every 16th item. */
        if (w->stage == 0 && w->p->payload_bytes > 0 && it->id % 16 == 0)
            note_rss(w->p);
        if (!put_until_done(w->out, it))
            break;
    }
    if (w->stage == 0 && w->p->payload_bytes > 0)
        note_rss(w->p);
    return NULL;
}

/* ---- Running one pipeline ------------------------------------------------------ */

struct pipeline_result {
    double wall_s, cpu_s;
    long polls;              /* polling only */
    size_t peak_depth;       /* blocking: the queue in front of resize */
    long rss_growth_kib;     /* peak resident memory during the run, over the start */
    long peak_live_payloads; /* payloads mapped at once, at most */
    double latency_p50_ms;   /* born -> finished, per item */
    long finished;           /* items that came out at the end */
    double download_s;       /* blocking: until the last download worker left */
    long switches;           /* context switches during the run */
};

static struct item *new_items(long n)
{
    struct item *items = calloc((size_t)n, sizeof *items);
    if (items == NULL)
        cl_fail(__FILE__, __LINE__, "calloc(items)", ENOMEM);
    for (long i = 0; i < n; i++)
        items[i].id = i;
    return items;
}

/* Every item out exactly once, through every stage: else "!!!". Frees what a
 * Ctrl-C left behind. Fills in finished and the median latency. */
static void check_and_free_items(struct pipeline *p, struct item *items, struct item **done,
                                 long ndone, struct pipeline_result *r, const char *variant)
{
    r->finished = ndone;
    double *latency = malloc(((size_t)ndone + 1) * sizeof *latency);
    unsigned char *seen = calloc((size_t)p->items, 1);
    if (latency == NULL || seen == NULL)
        cl_fail(__FILE__, __LINE__, "malloc(check)", ENOMEM);
    for (long i = 0; i < ndone; i++) {
        struct item *it = done[i];
        if (it->id < 0 || it->id >= p->items || seen[it->id]++ != 0)
            cl_die("%s: item %ld came out twice", variant, it->id);
        if (atomic_load(&it->stages_done) != STAGES)
            cl_die("%s: item %ld came out after %d stages", variant, it->id,
                   atomic_load(&it->stages_done));
        latency[i] = 1e3 * (it->finished_s - it->born_s);
    }
    if (!cl_interrupted() && ndone != p->items)
        cl_die("%s: %ld of %ld items finished", variant, ndone, p->items);
    r->latency_p50_ms = ndone > 0 ? cl_percentile(latency, (size_t)ndone, 50) : 0;
    for (long i = 0; i < p->items; i++)
        payload_free(p, &items[i]);
    if (atomic_load(&p->live_payloads) != 0)
        cl_die("%s: %ld payloads never freed", variant, atomic_load(&p->live_payloads));
    free(seen);
    free(latency);
    free(items);
    free(done);
}

static void start_run(struct pipeline *p, double *t0, double *cpu0, long *rss0,
                      struct pipeline_result *r)
{
    r->switches = context_switches();
    atomic_store(&p->live_payloads, 0);
    atomic_store(&p->peak_live_payloads, 0);
    *rss0 = cl_rss_kib();
    atomic_store(&p->peak_rss_kib, *rss0);
    *t0 = cl_now();
    *cpu0 = cl_cpu_seconds();
}

static void end_run(struct pipeline *p, double t0, double cpu0, long rss0,
                    struct pipeline_result *r)
{
    r->wall_s = cl_now() - t0;
    r->cpu_s = cl_cpu_seconds() - cpu0;
    r->switches = context_switches() - r->switches;
    r->rss_growth_kib = atomic_load(&p->peak_rss_kib) - rss0;
    r->peak_live_payloads = atomic_load(&p->peak_live_payloads);
}

/* The book's first pipeline: one thread per stage on polling lists; main
 * feeds every item, then itself polls the last list until all are done. */
static struct pipeline_result run_polling(struct pipeline *p, double poll_s)
{
    struct pipeline_result r = {0};
    struct item *items = new_items(p->items);
    struct polling_list lists[STAGES + 1];
    for (int s = 0; s <= STAGES; s++) {
        lists[s] = (struct polling_list){.head = NULL};
        CL_CHECK_RC(pthread_mutex_init(&lists[s].mutex, NULL));
    }
    atomic_bool stop = false;
    struct polling_worker w[STAGES];
    pthread_t tid[STAGES];
    double t0, cpu0;
    long rss0;
    start_run(p, &t0, &cpu0, &rss0, &r);
    for (int s = 0; s < STAGES; s++) {
        w[s] = (struct polling_worker){p, s, &lists[s], &lists[s + 1], poll_s, &stop, 0};
        CL_CHECK_RC(pthread_create(&tid[s], NULL, polling_worker_main, &w[s]));
    }
    for (long i = 0; i < p->items && !cl_interrupted(); i++) {
        items[i].born_s = cl_now();
        polling_list_put(&lists[0], &items[i]);
    }
    while (polling_list_length(&lists[STAGES]) < p->items && !cl_interrupted())
        wait_before_polling_again(poll_s);
    atomic_store(&stop, true);
    for (int s = 0; s < STAGES; s++) {
        CL_CHECK_RC(pthread_join(tid[s], NULL));
        r.polls += w[s].polls;
    }
    end_run(p, t0, cpu0, rss0, &r);

    struct item **done = malloc(((size_t)p->items + 1) * sizeof *done);
    if (done == NULL)
        cl_fail(__FILE__, __LINE__, "malloc(done)", ENOMEM);
    long ndone = 0;
    for (struct item *it; (it = polling_list_try_get(&lists[STAGES])) != NULL;)
        done[ndone++] = it;
    for (int s = 0; s <= STAGES; s++)
        CL_CHECK_RC(pthread_mutex_destroy(&lists[s].mutex));
    check_and_free_items(p, items, done, ndone, &r, "polling");
    return r;
}

/* The book's closable pipeline: queues between the stages, p->workers[s]
 * threads per stage. [p4] Shutting down is close-then-join, stage by stage:
 * once a stage's input is closed and drained, its workers leave, and only
 * then is the next queue closed, so nothing is left behind in it. */
static struct pipeline_result run_blocking(struct pipeline *p)
{
    struct pipeline_result r = {0};
    struct item *items = new_items(p->items);
    struct queue *q[STAGES + 1];
    for (int s = 0; s <= STAGES; s++)
        /* the last queue collects the finished items: never full */
        if ((q[s] = queue_new(s == STAGES ? 0 : p->capacity)) == NULL)
            cl_fail(__FILE__, __LINE__, "queue_new", errno);
    int nthreads = 0;
    for (int s = 0; s < STAGES; s++)
        nthreads += p->workers[s];
    struct blocking_worker *w = calloc((size_t)nthreads, sizeof *w);
    pthread_t *tid = calloc((size_t)nthreads, sizeof *tid);
    if (w == NULL || tid == NULL)
        cl_fail(__FILE__, __LINE__, "calloc(workers)", ENOMEM);
    double t0, cpu0;
    long rss0;
    start_run(p, &t0, &cpu0, &rss0, &r);
    for (int s = 0, k = 0; s < STAGES; s++)
        for (int i = 0; i < p->workers[s]; i++, k++) {
            w[k] = (struct blocking_worker){p, s, q[s], q[s + 1]};
            CL_CHECK_RC(pthread_create(&tid[k], NULL, blocking_worker_main, &w[k]));
        }
    for (long i = 0; i < p->items && !cl_interrupted(); i++) {
        items[i].born_s = cl_now();
        if (!put_until_done(q[0], &items[i]))
            break;
    }
    for (int s = 0, k = 0; s < STAGES; s++) {
        queue_close(q[s]);
        for (int i = 0; i < p->workers[s]; i++, k++)
            CL_CHECK_RC(pthread_join(tid[k], NULL));
        if (s == 0)
            r.download_s = cl_now() - t0;
    }
    queue_close(q[STAGES]);
    end_run(p, t0, cpu0, rss0, &r);
    r.peak_depth = queue_peak_depth(q[1]);
    if (p->capacity > 0)
        for (int s = 0; s < STAGES; s++)
            if (queue_peak_depth(q[s]) > p->capacity)
                cl_die("a queue of capacity %zu held %zu items", p->capacity,
                       queue_peak_depth(q[s]));

    struct item **done = malloc(((size_t)p->items + 1) * sizeof *done);
    if (done == NULL)
        cl_fail(__FILE__, __LINE__, "malloc(done)", ENOMEM);
    long ndone = 0;
    void *got;
    while (ndone < p->items && queue_get(q[STAGES], &got, cl_now()) == QUEUE_OK)
        done[ndone++] = got;
    for (int s = 0; s <= STAGES; s++)
        queue_free(q[s]); /* closed: what Ctrl-C left in them is freed below */
    free(w);
    free(tid);
    check_and_free_items(p, items, done, ndone, &r, "blocking");
    return r;
}

/* ---- [p7] The order of events: capacity 1, and task_done/join ------------- */

#define MAX_EVENTS 16

struct event_log {
    pthread_mutex_t mutex;
    double t0;
    int n;
    struct {
        double t;
        char text[96];
    } e[MAX_EVENTS];
};

static void log_event(struct event_log *log, const char *text)
{
    double t = cl_now();
    CL_CHECK_RC(pthread_mutex_lock(&log->mutex));
    if (log->n < MAX_EVENTS) {
        log->e[log->n].t = t;
        snprintf(log->e[log->n].text, sizeof log->e[log->n].text, "%s", text);
        log->n++;
    }
    CL_CHECK_RC(pthread_mutex_unlock(&log->mutex));
}

/* The time of the event whose text starts with prefix; dies if missing. */
static double event_time(struct event_log *log, const char *prefix)
{
    for (int i = 0; i < log->n; i++)
        if (strncmp(log->e[i].text, prefix, strlen(prefix)) == 0)
            return log->e[i].t;
    cl_die("ordering: no event '%s'", prefix);
}

struct demo {
    struct queue *q;
    struct event_log *log;
    double consumer_delay_s;
};

/* Capacity 1: the consumer starts late, so the producer's second put must
 * wait until the consumer has taken the first item. */
static void *late_consumer(void *arg)
{
    struct demo *d = arg;
    cl_sleep(d->consumer_delay_s);
    void *got;
    for (int i = 1; i <= 2; i++) {
        char text[64];
        snprintf(text, sizeof text, "consumer asks for item %d", i);
        log_event(d->log, text); /* before the get: put 2 cannot return earlier */
        if (queue_get(d->q, &got, cl_now() + 5.0) != QUEUE_OK)
            cl_die("ordering: the consumer's get %d failed", i);
        if ((intptr_t)got != i)
            cl_die("ordering: the consumer got item %ld, not %d", (long)(intptr_t)got, i);
        snprintf(text, sizeof text, "consumer got item %d", i);
        log_event(d->log, text);
    }
    log_event(d->log, "consumer done");
    return NULL;
}

/* task_done/join: the consumer takes the item at once but finishes the work
 * only after a delay; join must wait for the task_done. */
static void *slow_worker(void *arg)
{
    struct demo *d = arg;
    void *got;
    if (queue_get(d->q, &got, cl_now() + 5.0) != QUEUE_OK)
        cl_die("ordering: the worker's get failed");
    log_event(d->log, "consumer working");
    cl_sleep(d->consumer_delay_s);
    log_event(d->log, "consumer done, calls task_done");
    queue_task_done(d->q);
    return NULL;
}

static int compare_events(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_events(struct event_log *log, const char *title, bool csv)
{
    qsort(log->e, (size_t)log->n, sizeof log->e[0], compare_events);
    if (csv)
        return;
    printf("         %s\n", title);
    for (int i = 0; i < log->n; i++)
        printf("           %7.1f ms  %s\n", 1e3 * (log->e[i].t - log->t0), log->e[i].text);
}

static void event_log_start(struct event_log *log)
{
    *log = (struct event_log){.t0 = cl_now()};
    CL_CHECK_RC(pthread_mutex_init(&log->mutex, NULL));
}

/* Capacity 1: the second put returns only once the consumer took the first. */
static void demo_capacity_one(double delay_s, bool csv)
{
    struct event_log log;
    event_log_start(&log);
    struct demo d = {queue_new(1), &log, delay_s};
    if (d.q == NULL)
        cl_fail(__FILE__, __LINE__, "queue_new", errno);
    pthread_t t;
    CL_CHECK_RC(pthread_create(&t, NULL, late_consumer, &d));
    for (intptr_t i = 1; i <= 2; i++) {
        char text[64];
        snprintf(text, sizeof text, "producer putting item %ld", (long)i);
        log_event(&log, text);
        if (queue_put(d.q, (void *)i, cl_now() + 5.0) != QUEUE_OK)
            cl_die("ordering: put %ld failed", (long)i);
        snprintf(text, sizeof text, "producer put item %ld", (long)i);
        log_event(&log, text);
    }
    log_event(&log, "producer done");
    CL_CHECK_RC(pthread_join(t, NULL));
    if (event_time(&log, "producer put item 2") < event_time(&log, "consumer asks for item 1"))
        cl_die("ordering: the second put returned before the consumer took the first item");
    print_events(&log, "capacity 1: the producer's second put waits for the consumer", csv);
    queue_free(d.q);
    CL_CHECK_RC(pthread_mutex_destroy(&log.mutex));
}

/* task_done/join: join returns only after the worker's task_done. */
static void demo_task_done(double delay_s, bool csv)
{
    struct event_log log;
    event_log_start(&log);
    struct demo d = {queue_new(0), &log, delay_s};
    if (d.q == NULL)
        cl_fail(__FILE__, __LINE__, "queue_new", errno);
    pthread_t t;
    CL_CHECK_RC(pthread_create(&t, NULL, slow_worker, &d));
    log_event(&log, "producer putting the item");
    if (queue_put(d.q, (void *)1, cl_now() + 5.0) != QUEUE_OK)
        cl_die("ordering: put failed");
    log_event(&log, "producer waiting in join");
    if (queue_join(d.q, cl_now() + 5.0) != QUEUE_OK)
        cl_die("ordering: join did not return within 5 s");
    log_event(&log, "producer done: join returned");
    CL_CHECK_RC(pthread_join(t, NULL));
    if (event_time(&log, "producer done") < event_time(&log, "consumer done"))
        cl_die("ordering: join returned before the task_done");
    print_events(&log, "task_done/join: the producer waits until the work is done", csv);
    queue_close(d.q);
    queue_free(d.q);
    CL_CHECK_RC(pthread_mutex_destroy(&log.mutex));
}

static void run_ordering(double delay_s, bool csv)
{
    demo_capacity_one(delay_s, csv);
    if (cl_interrupted()) /* each demo waits --demo-ms: after Ctrl-C, not a second one */
        return;
    demo_task_done(delay_s, csv);
    if (csv)
        /* the two demos checked their order above: 3 items went through */
        cl_csv_row("ordering,demos,1,3,1,,1:1,0,,,,,,,,,3,,");
}

/* ---- [p9] Items per second through one queue: queue.h vs GAsyncQueue ------ */

enum bench_queue { BENCH_OURS, BENCH_GLIB };
static const char *const bench_queue_names[] = {"queue.h", "GAsyncQueue"};

struct bench {
    enum bench_queue kind;
    struct queue *ours;
    GAsyncQueue *glib;
    long per_producer;
    int pin_cpu;              /* -1: wherever the scheduler likes */
    atomic_long consumed, id_sum;
    atomic_int next_producer;
};

static char glib_sentinel; /* GAsyncQueue has no close: one of these per consumer */

static void pin_this_thread(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    CL_CHECK_RC(pthread_setaffinity_np(pthread_self(), sizeof set, &set));
}

/* Items are the numbers 1..N as pointers (never NULL). */
static void *bench_producer(void *arg)
{
    struct bench *b = arg;
    pin_this_thread(b->pin_cpu);
    long first = atomic_fetch_add(&b->next_producer, 1) * b->per_producer + 1;
    for (long i = 0; i < b->per_producer; i++) {
        if ((i & 4095) == 0 && cl_interrupted())
            break;
        void *item = (void *)(intptr_t)(first + i);
        if (b->kind == BENCH_OURS) {
            if (queue_put(b->ours, item, QUEUE_FOREVER) != QUEUE_OK)
                cl_die("throughput: put failed");
        } else {
            g_async_queue_push(b->glib, item);
        }
    }
    return NULL;
}

/* Waits without a deadline: the producers always finish (the queue is
 * unbounded), and then close it or send the sentinels. */
static void *bench_consumer(void *arg)
{
    struct bench *b = arg;
    pin_this_thread(b->pin_cpu);
    long count = 0, sum = 0;
    for (;;) {
        void *item;
        if (b->kind == BENCH_OURS) {
            if (queue_get(b->ours, &item, QUEUE_FOREVER) != QUEUE_OK)
                break;
        } else {
            item = g_async_queue_pop(b->glib);
            if (item == &glib_sentinel)
                break;
        }
        count++;
        sum += (long)(intptr_t)item;
    }
    atomic_fetch_add(&b->consumed, count);
    atomic_fetch_add(&b->id_sum, sum);
    return NULL;
}

struct bench_result {
    double rate, wall_s, cpu_s;
    long switches;
    long moved; /* items got: --bench-items rounded down to a multiple of P */
};

static struct bench_result run_bench(enum bench_queue kind, long items, int threads, int pin_cpu)
{
    struct bench b = {.kind = kind, .per_producer = items / threads, .pin_cpu = pin_cpu};
    if (kind == BENCH_OURS) {
        if ((b.ours = queue_new(0)) == NULL)
            cl_fail(__FILE__, __LINE__, "queue_new", errno);
    } else {
        b.glib = g_async_queue_new();
    }
    pthread_t producers[64], consumers[64];
    long switches0 = context_switches();
    double t0 = cl_now(), cpu0 = cl_cpu_seconds();
    for (int i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_create(&consumers[i], NULL, bench_consumer, &b));
    for (int i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_create(&producers[i], NULL, bench_producer, &b));
    for (int i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_join(producers[i], NULL));
    if (kind == BENCH_OURS)
        queue_close(b.ours);
    else
        for (int i = 0; i < threads; i++)
            g_async_queue_push(b.glib, &glib_sentinel);
    for (int i = 0; i < threads; i++)
        CL_CHECK_RC(pthread_join(consumers[i], NULL));
    struct bench_result r = {0, cl_now() - t0, cl_cpu_seconds() - cpu0,
                             context_switches() - switches0, atomic_load(&b.consumed)};
    long n = b.per_producer * threads;
    r.rate = (double)atomic_load(&b.consumed) / r.wall_s;
    if (!cl_interrupted() &&
        (atomic_load(&b.consumed) != n || atomic_load(&b.id_sum) != n * (n + 1) / 2))
        cl_die("throughput (%s): %ld items out of %ld, or some twice", bench_queue_names[kind],
               atomic_load(&b.consumed), n);
    if (kind == BENCH_OURS)
        queue_free(b.ours);
    else
        g_async_queue_unref(b.glib);
    return r;
}

/* The first CPU this process may run on: where the pinned runs go. */
static int first_allowed_cpu(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &set))
            return cpu;
    return -1;
}

/* ---- Settings, the story and the CSV rows ----------------------------------------- */

#define CSV_COLUMNS                                                                         \
    "mode,variant,round,items,capacity,poll_ms,workers,pinned,wall_s,cpu_s,polls,"          \
    "peak_depth,rss_growth_kib,peak_payloads,latency_p50_ms,rate_per_s,finished,download_s,switches"

struct settings {
    const char *mode;
    long items, rounds, item_kib, bench_items;
    double stage_ms[STAGES], slow_ms, demo_ms;
    struct cl_list poll_ms, sweep_items, capacities, workers, bench_threads;
    long capacity;
    bool csv, pinned;
};

/* Median and spread over the rounds of one variant, for the story. */
static struct cl_spread spread(const double *v, long n)
{
    return cl_spread_of(v, (size_t)n);
}

static struct pipeline pipeline_for(const struct settings *s, long items)
{
    struct pipeline p = {.items = items, .capacity = (size_t)s->capacity};
    for (int i = 0; i < STAGES; i++) {
        p.stage_s[i] = s->stage_ms[i] / 1e3;
        p.workers[i] = 1;
    }
    return p;
}

static void pipeline_row(const char *mode, const char *variant, long round, long items,
                         long capacity, const char *poll, const char *workers, bool pinned,
                         const struct pipeline_result *r)
{
    cl_csv_row("%s,%s,%ld,%ld,%ld,%s,%s,%d,%.6f,%.6f,%ld,%zu,%ld,%ld,%.3f,,%ld,%.6f,%ld", mode,
               variant, round, items, capacity, poll, workers, pinned, r->wall_s, r->cpu_s,
               r->polls, r->peak_depth, r->rss_growth_kib, r->peak_live_payloads,
               r->latency_p50_ms, r->finished, r->download_s, r->switches);
}

/* [p5] Polling at each --poll-ms against blocking, interleaved in rounds. */
static void run_pipeline_mode(const struct settings *s)
{
    int nvar = s->poll_ms.n + 1; /* the last one is blocking */
    double cpu[CL_LIST_MAX + 1][64], wall[CL_LIST_MAX + 1][64], lat[CL_LIST_MAX + 1][64];
    long polls[CL_LIST_MAX + 1][64];
    if (!s->csv)
        printf("pipeline %ld items through download -> resize -> upload (%g, %g, %g ms of "
               "simulated I/O each),\n         one thread per stage; median [min-max] over %ld "
               "interleaved rounds\n"
               "         variant   poll_ms    polls       cpu_ms            wall_ms  "
               "latency_p50_ms\n",
               s->items, s->stage_ms[0], s->stage_ms[1], s->stage_ms[2], s->rounds);
    long rounds = 0;
    for (long round = 1; round <= s->rounds && !cl_interrupted(); round++, rounds++)
        for (int v = 0; v < nvar && !cl_interrupted(); v++) {
            struct pipeline p = pipeline_for(s, s->items);
            p.capacity = 0; /* the book's first two pipelines: unbounded */
            bool blocking = v == s->poll_ms.n;
            struct pipeline_result r =
                blocking ? run_blocking(&p) : run_polling(&p, (double)s->poll_ms.v[v] / 1e3);
            if (cl_interrupted())
                return;
            if (blocking && r.polls != 0)
                cl_die("blocking: %ld polls", r.polls);
            cpu[v][round - 1] = 1e3 * r.cpu_s;
            wall[v][round - 1] = 1e3 * r.wall_s;
            lat[v][round - 1] = r.latency_p50_ms;
            polls[v][round - 1] = r.polls;
            if (s->csv) {
                char poll[32] = "";
                if (!blocking)
                    snprintf(poll, sizeof poll, "%ld", s->poll_ms.v[v]);
                pipeline_row("pipeline", blocking ? "blocking" : "polling", round, s->items, 0,
                             poll, "1:1:1", s->pinned, &r);
            }
        }
    if (s->csv || rounds < s->rounds)
        return;
    for (int v = 0; v < nvar; v++) {
        bool blocking = v == s->poll_ms.n;
        struct cl_spread c = spread(cpu[v], rounds), w = spread(wall[v], rounds),
                         l = spread(lat[v], rounds);
        double p[64];
        for (long i = 0; i < rounds; i++)
            p[i] = (double)polls[v][i];
        struct cl_spread pl = spread(p, rounds);
        char poll[32] = "-";
        if (!blocking)
            snprintf(poll, sizeof poll, "%ld%s", s->poll_ms.v[v],
                     s->poll_ms.v[v] == 0 ? " (spin)" : "");
        printf("         %-9s %-9s %6.0f %7.1f [%.1f-%.1f] %7.1f [%.0f-%.0f] %9.2f\n",
               blocking ? "blocking" : "polling", poll, pl.median, c.median, c.lo, c.hi,
               w.median, w.lo, w.hi, l.median);
    }
    for (int v = 0; v < s->poll_ms.n; v++)
        printf("         processed %ld items after polling %ld times (poll every %ld ms, "
               "last round)\n",
               s->items, polls[v][rounds - 1], s->poll_ms.v[v]);
}

/* [p6] A fast download in front of a slow resize: peak depth and memory,
 * unbounded vs each capacity, for each number of items. Depth and payloads
 * are counts, not timings: one run of each is enough. */
static void run_explosion_mode(const struct settings *s)
{
    if (!s->csv)
        printf("explosion download at full speed, resize %g ms per item, each item carries "
               "%ld KiB;\n         peak depth of the queue in front of resize, payloads "
               "alive at once, resident memory growth\n"
               "         items capacity  peak_depth  payloads_alive  rss_growth_KiB  "
               "wall_ms  download_ms\n",
               s->slow_ms, s->item_kib);
    const long round = 1;
    for (int n = 0; n < s->sweep_items.n && !cl_interrupted(); n++)
        for (int c = 0; c < s->capacities.n && !cl_interrupted(); c++) {
                struct pipeline p = pipeline_for(s, s->sweep_items.v[n]);
                p.stage_s[0] = 0;
                p.stage_s[1] = s->slow_ms / 1e3;
                p.stage_s[2] = 0;
                p.capacity = (size_t)s->capacities.v[c];
                p.payload_bytes = (size_t)s->item_kib * 1024;
                struct pipeline_result r = run_blocking(&p);
                if (cl_interrupted())
                    return;
                const char *variant = p.capacity == 0 ? "unbounded" : "bounded";
                if (s->csv)
                    pipeline_row("explosion", variant, round, p.items, (long)p.capacity, "",
                                 "1:1:1", s->pinned, &r);
                else {
                    char cap[24] = "none";
                    if (p.capacity > 0)
                        snprintf(cap, sizeof cap, "%zu", p.capacity);
                    printf("         %5ld %8s %11zu %15ld %15ld %8.0f %12.0f\n", p.items,
                           cap, r.peak_depth, r.peak_live_payloads, r.rss_growth_kib,
                           1e3 * r.wall_s, 1e3 * r.download_s);
                }
            }
}

/* [p8] The closable pipeline with 3, 4 and 5 workers: close, join, count. */
static void run_shutdown_mode(const struct settings *s)
{
    struct pipeline p = pipeline_for(s, s->items);
    int threads = 0;
    char workers[64];
    for (int i = 0; i < STAGES; i++)
        threads += p.workers[i] = (int)s->workers.v[i];
    snprintf(workers, sizeof workers, "%ld:%ld:%ld", s->workers.v[0], s->workers.v[1],
             s->workers.v[2]);
    struct pipeline_result r = run_blocking(&p);
    if (cl_interrupted())
        return;
    if (s->csv) {
        pipeline_row("shutdown", "blocking", 1, p.items, (long)p.capacity, "", workers,
                     s->pinned, &r);
        return;
    }
    printf("shutdown %ld items, %s workers on download:resize:upload, queues of capacity "
           "%ld%s;\n         close each queue, join its stage, then close the next\n"
           "         %ld items finished, each exactly once; %d threads started, %d joined; "
           "%.0f ms\n",
           p.items, workers, s->capacity, s->capacity == 0 ? " (unbounded)" : "", r.finished,
           threads, threads, 1e3 * r.wall_s);
}

/* [p9] 1P/1C and 4P/4C, pinned to one CPU and not, both queues in each round. */
static void run_throughput_mode(const struct settings *s)
{
    int cpu = first_allowed_cpu();
    if (!s->csv)
        printf("throughput %ld pointers through one unbounded queue, P producers and P "
               "consumers;\n         million items/s, median [min-max] over %ld interleaved "
               "rounds; pinned = every thread on CPU %d\n"
               "         P  placement  queue.h             GAsyncQueue         "
               "queue.h/GAsyncQueue\n",
               s->bench_items, s->rounds, cpu);
    double rate[2][2][CL_LIST_MAX][64] = {{{{0}}}};
    long rounds = 0;
    for (long round = 1; round <= s->rounds && !cl_interrupted(); round++, rounds++)
        for (int pin = 0; pin <= 1; pin++) {
            if ((pin == 0 && s->pinned) || (pin == 1 && cpu < 0))
                continue; /* --pin pins everything; no CPU known: no pinned runs */
            for (int t = 0; t < s->bench_threads.n; t++)
                for (int k = 0; k < 2 && !cl_interrupted(); k++) {
                    int threads = (int)s->bench_threads.v[t];
                    struct bench_result r = run_bench(k, s->bench_items, threads,
                                                      pin ? cpu : -1);
                    if (cl_interrupted())
                        return;
                    rate[pin][k][t][round - 1] = r.rate;
                    if (s->csv)
                        cl_csv_row("throughput,%s,%ld,%ld,0,,%d:%d,%d,%.6f,%.6f,,,,,,%.0f,%ld,,%ld",
                                   k == BENCH_OURS ? "queue_h" : "gasyncqueue", round,
                                   s->bench_items, threads, threads, pin || s->pinned,
                                   r.wall_s, r.cpu_s, r.rate, r.moved, r.switches);
                }
        }
    if (s->csv || rounds < s->rounds)
        return;
    for (int pin = 0; pin <= 1; pin++) {
        if ((pin == 0 && s->pinned) || (pin == 1 && cpu < 0))
            continue;
        for (int t = 0; t < s->bench_threads.n; t++) {
            double ratio[64];
            for (long i = 0; i < rounds; i++)
                ratio[i] = rate[pin][0][t][i] / rate[pin][1][t][i];
            struct cl_spread a = spread(rate[pin][0][t], rounds),
                             g = spread(rate[pin][1][t], rounds), x = spread(ratio, rounds);
            printf("         %-2ld %-10s %5.2f [%.2f-%.2f]  %5.2f [%.2f-%.2f]  %5.2fx "
                   "[%.2f-%.2f]\n",
                   s->bench_threads.v[t], pin ? "pinned" : "unpinned", a.median / 1e6,
                   a.lo / 1e6, a.hi / 1e6, g.median / 1e6, g.lo / 1e6, g.hi / 1e6, x.median,
                   x.lo, x.hi);
        }
    }
}

/* What the chosen modes will take, roughly: a pipeline moves at the pace of
 * its slowest stage (per worker), and each hand-off costs about HAND_OFF_MS.
 * Settings that add up to more than BUDGET_S are refused before anything
 * runs, so no value inside the ranges keeps the program busy for minutes. */
#define BUDGET_S 60.0
#define HAND_OFF_MS 0.0005

static bool mode_runs(const struct settings *s, const char *mode)
{
    return strcmp(s->mode, "all") == 0 || strcmp(s->mode, mode) == 0;
}

static double predicted_seconds(const struct settings *s)
{
    double slowest_ms = 0, slowest_per_worker_ms = 0, seconds = 0;
    for (int i = 0; i < STAGES; i++) {
        slowest_ms = s->stage_ms[i] > slowest_ms ? s->stage_ms[i] : slowest_ms;
        double per_worker = s->stage_ms[i] / (double)s->workers.v[i];
        slowest_per_worker_ms = per_worker > slowest_per_worker_ms ? per_worker
                                                                   : slowest_per_worker_ms;
    }
    if (mode_runs(s, "pipeline"))
        seconds += (double)(s->rounds * (s->poll_ms.n + 1) * s->items) *
                   (slowest_ms + HAND_OFF_MS) / 1e3;
    for (int n = 0; n < s->sweep_items.n && mode_runs(s, "explosion"); n++)
        seconds += (double)(s->sweep_items.v[n] * s->capacities.n) *
                   (s->slow_ms + HAND_OFF_MS) / 1e3;
    if (mode_runs(s, "shutdown"))
        seconds += (double)s->items * (slowest_per_worker_ms + HAND_OFF_MS) / 1e3;
    if (mode_runs(s, "throughput")) /* 2 queues, unpinned and pinned */
        seconds += (double)(s->rounds * 4 * s->bench_threads.n * s->bench_items) *
                   HAND_OFF_MS / 1e3;
    return seconds;
}

static void run_modes(const struct settings *s)
{
    bool all = strcmp(s->mode, "all") == 0;
    if ((all || strcmp(s->mode, "pipeline") == 0) && !cl_interrupted())
        run_pipeline_mode(s);
    if ((all || strcmp(s->mode, "explosion") == 0) && !cl_interrupted())
        run_explosion_mode(s);
    if ((all || strcmp(s->mode, "ordering") == 0) && !cl_interrupted()) {
        if (!s->csv)
            printf("ordering the book's two demos, events in the order they happened\n");
        run_ordering(s->demo_ms / 1e3, s->csv);
    }
    if ((all || strcmp(s->mode, "shutdown") == 0) && !cl_interrupted())
        run_shutdown_mode(s);
    if ((all || strcmp(s->mode, "throughput") == 0) && !cl_interrupted())
        run_throughput_mode(s);
}

int main(int argc, char **argv)
{
    struct settings s = {
        .mode = "all", .items = 1000, .rounds = 3, .item_kib = 64, .bench_items = 200000,
        .stage_ms = {0.1, 0.1, 0.1}, .slow_ms = 0.2, .demo_ms = 50,
        .poll_ms = {2, {10, 0}}, .sweep_items = {1, {1000}},
        .capacities = {4, {0, 1, 10, 100}}, .workers = {3, {3, 4, 5}},
        .bench_threads = {2, {1, 4}}, .capacity = 10,
    };
    struct cl_opt opts[] = {
        {"mode", CL_OPT_CHOICE, &s.mode, "which experiment",
         .choices = "all|pipeline|explosion|ordering|shutdown|throughput"},
        {"items", CL_OPT_INT, &s.items, "items through the pipeline", 1, 1000000},
        {"download-ms", CL_OPT_DOUBLE, &s.stage_ms[0], "download's simulated I/O per item, ms", 0, 100},
        {"resize-ms", CL_OPT_DOUBLE, &s.stage_ms[1], "resize's simulated I/O per item, ms", 0, 100},
        {"upload-ms", CL_OPT_DOUBLE, &s.stage_ms[2], "upload's simulated I/O per item, ms", 0, 100},
        {"poll-ms", CL_OPT_LIST, &s.poll_ms, "pipeline: polling intervals, ms (0 = spin)", 0, 100},
        {"rounds", CL_OPT_INT, &s.rounds, "interleaved rounds of each comparison (the harness: 5)", 1, 64},
        {"sweep-items", CL_OPT_LIST, &s.sweep_items, "explosion: item counts", 1, 100000},
        {"capacities", CL_OPT_LIST, &s.capacities, "explosion: capacities (0 = unbounded)", 0, 100000},
        {"slow-ms", CL_OPT_DOUBLE, &s.slow_ms, "explosion: the slow resize, ms per item", 0, 100},
        {"item-kib", CL_OPT_INT, &s.item_kib, "explosion: payload per item, KiB (items x KiB <= 1 GiB)", 0, 1024},
        {"workers", CL_OPT_LIST, &s.workers, "shutdown: download,resize,upload workers", 1, 64},
        {"capacity", CL_OPT_INT, &s.capacity, "shutdown: every queue's capacity (0 = unbounded)", 0, 1000000},
        {"demo-ms", CL_OPT_DOUBLE, &s.demo_ms, "ordering: the consumer's delay, ms", 0, 300},
        {"bench-items", CL_OPT_INT, &s.bench_items, "throughput: pointers per run", 64, 5000000},
        {"bench-threads", CL_OPT_LIST, &s.bench_threads, "throughput: producers (= consumers)", 1, 64},
        {0},
    };
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "55_queue_pipelines",
        .summary = "pipelines on a polling list vs a blocking queue: CPU, depth, memory, "
                   "shutdown, throughput",
        .epilogue =
            "Examples:\n"
            "  55_queue_pipelines                                   the whole story\n"
            "  55_queue_pipelines --mode pipeline --poll-ms 10,1,0  shorter polls burn more\n"
            "  55_queue_pipelines --mode explosion --sweep-items 100,1000,3000\n"
            "  55_queue_pipelines --mode shutdown --workers 3,4,5 --capacity 1\n"
            "  55_queue_pipelines --mode throughput --pin           every thread on CPU 0\n"
            "The stages sleep --download-ms, --resize-ms, --upload-ms per item (0.1 ms by\n"
            "default; the book's take no time). Explosion: download takes no time, resize\n"
            "--slow-ms. --poll-ms 0 polls without sleeping (sched_yield): a pure spin.\n"
            "A run may take some 60 s at most: items x the slowest stage's ms, summed over\n"
            "rounds and variants (plus 0.5 us per item hand-off) must stay under it.\n"
            "CSV columns: " CSV_COLUMNS "\n"
            "  cpu_s: user + system seconds of the whole process during wall_s;\n"
            "  peak_depth: the queue in front of resize; rss_growth_kib: peak resident\n"
            "  memory over the start of the run; workers: per stage (P:C for throughput).\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    s.csv = prog.csv;
    s.pinned = prog.pin;
    if (s.workers.n != STAGES)
        cl_usage_error("--workers: give three counts, download,resize,upload (got %d)",
                       s.workers.n);
    for (int i = 0; i < s.bench_threads.n; i++)
        if (s.bench_items / s.bench_threads.v[i] < 1)
            cl_usage_error("--bench-items: fewer items than producers");
    for (int i = 0; i < s.sweep_items.n; i++)
        if (s.sweep_items.v[i] * s.item_kib > 1024L * 1024)
            cl_usage_error("--sweep-items %ld x --item-kib %ld: more than 1 GiB of payloads",
                           s.sweep_items.v[i], s.item_kib);

    double predicted = predicted_seconds(&s);
    if (predicted > BUDGET_S)
        cl_usage_error("these settings would run some %.0f s (items x the slowest stage's ms, "
                       "per round and variant): at most %.0f s",
                       predicted, BUDGET_S);

    cl_catch_stop_signals();
    int fds_at_start = cl_open_fds();
    if (s.csv)
        cl_csv_header(CSV_COLUMNS);
    run_modes(&s);
    cl_check_leftovers(fds_at_start, true);
    if (cl_interrupted()) {
        fprintf(stderr, "%s: interrupted; every thread joined\n", cl_program_name());
        return 130;
    }
    return 0;
}
