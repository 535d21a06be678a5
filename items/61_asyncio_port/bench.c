/*
 * 61_asyncio_port-bench - Item 61's measurements, as CSV for the harness.
 *
 *   --part games  the book's two games on every server, one row per guess:
 *                 the transcripts the judge compares (the thread server,
 *                 its ports, a port that changed the logic, CPython's).
 *   --part load   N clients on loopback against each server, a child
 *                 process: every client connects, plays the book's games
 *                 (--sessions), then all wait, idle, for --hold-s. One row
 *                 per server per N per round: games per second, latency of
 *                 a NUMBER, the server's memory and threads with N
 *                 connections open, and its CPU and wake-ups while they
 *                 idle. The thread server runs twice in every round
 *                 (threads, threads_again): the memory claim's negative
 *                 control, a server against itself.
 *
 * It includes the program (asyncio_port.c), so the servers and clients it
 * measures are the very ones the story shows.
 */
#define main story_main
#include "61_asyncio_port/asyncio_port.c"
#undef main

#include <dirent.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static const char *bench_part = "load", *bench_server = "all";
static bool with_python = false;
static char python[PATH_MAX]; /* the interpreter, once found */
static long rounds = 3, sessions = 2;
static double deadline_s = 20, hold_s = 0.5;
static struct cl_list load_clients = {3, {10, 100, 1000}};

static struct cl_opt bench_opts[] = {
    {"part", CL_OPT_CHOICE, &bench_part, "what to measure", 0, 0, "load|games"},
    {"server", CL_OPT_CHOICE, &bench_server, "one server, or all (threads, coroutines, "
     "callbacks; with --python, asyncio and pythreads too)", 0, 0,
     "all|threads|coroutines|callbacks|asyncio|pythreads"},
    {"python", CL_OPT_FLAG, &with_python, "with --server all, CPython's asyncio and pythreads "
     "servers too (harness/python/61_server.py on $CONCLAB_PYTHON, else python3)"},
    {"clients", CL_OPT_LIST, &load_clients, "load: concurrent clients, a list", 1, 100000},
    {"sessions", CL_OPT_INT, &sessions, "load: games each client plays", 1, 100},
    {"hold-s", CL_OPT_DOUBLE, &hold_s, "load: seconds the clients then idle", 0, 10},
    {"seconds", CL_OPT_DOUBLE, &deadline_s, "load: deadline of each run", 0.1, 50},
    {"rounds", CL_OPT_INT, &rounds, "load: interleaved rounds", 1, 20},
    {"seed", CL_OPT_INT, &seed, "the servers' random.seed", 0, 1e15},
    {NULL},
};

/* ---- Servers, each a child: ours forked, CPython's executed ---------------- */

struct server_child {
    const char *kind;
    struct guess_child c;
    int out_fd; /* its stdout: "port N" */
};

static bool is_python(const char *kind)
{
    return strcmp(kind, "asyncio") == 0 || strcmp(kind, "pythreads") == 0;
}

/* harness/python/61_server.py, from this program's path or $CONCLAB_61_SERVER. */
static const char *python_script(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("CONCLAB_61_SERVER");
    if (env)
        return access(env, R_OK) == 0 ? env : NULL;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    for (int up = 0; n > 0 && up < 5; up++) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (!slash)
            return NULL;
        *slash = '\0';
        n = (ssize_t)strlen(exe);
        snprintf(path, sizeof path, "%.4000s/harness/python/61_server.py", exe);
        if (access(path, R_OK) == 0)
            return path;
    }
    return NULL;
}

/* The interpreter: $CONCLAB_PYTHON, or the one python3 on the PATH stands
 * for (pyenv's shims are shell scripts, slower to start than the server). */
static bool find_python(void)
{
    const char *env = getenv("CONCLAB_PYTHON");
    if (env) {
        snprintf(python, sizeof python, "%s", env);
        return access(python, X_OK) == 0;
    }
    CL_CHECK_SYS(fflush(NULL));
    FILE *p = popen("python3 -c 'import sys; print(sys.executable)' 2>/dev/null", "r");
    bool found = p && fgets(python, sizeof python, p) && python[0] == '/';
    if (p)
        pclose(p);
    python[strcspn(python, "\n")] = '\0';
    return found;
}

/* Reads "port N" from CPython's stdout within 10 s; 0 if it never comes. */
static int read_port(int fd)
{
    char line[64] = "";
    size_t used = 0;
    for (double end = cl_now() + 10; used + 1 < sizeof line && cl_now() < end &&
                                     !cl_interrupted();) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        if (read(fd, line + used, 1) != 1 || line[used] == '\n')
            break;
        used++;
    }
    line[used] = '\0';
    int port = 0;
    return sscanf(line, "port %d", &port) == 1 ? port : 0;
}

/* The program's own `--part serve`, or CPython's server: a fresh process
 * (a fork would share this one's heap, and the server's memory would land
 * in pages already counted). It says "port N" on its stdout once listening. */
static struct server_child spawn_server(const char *kind, enum guess_draw how)
{
    struct server_child s = {.kind = kind};
    char program[PATH_MAX + 32], seed_text[32];
    ssize_t n = readlink("/proc/self/exe", program, PATH_MAX);
    CL_CHECK_SYS(n);
    program[n] = '\0';
    snprintf(strrchr(program, '/') + 1, 32, "61_asyncio_port");
    snprintf(seed_text, sizeof seed_text, "%ld", seed);
    const char *draw_text = how == GUESS_STEP_PAST ? "step" : "again";
    const char *server = strcmp(kind, "threads_again") == 0 ? "threads"
                         : strcmp(kind, "pythreads") == 0   ? "threads" : kind;
    const char *script = python_script();
    int out[2];
    CL_CHECK_SYS(pipe(out));
    CL_CHECK_SYS(fflush(NULL));
    s.c.pid = fork();
    CL_CHECK_SYS(s.c.pid);
    if (s.c.pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the bench */
#endif
        if (dup2(out[1], STDOUT_FILENO) == -1)
            _exit(127);
        if (is_python(kind))
            execl(python, python, script, "--server", server, "--seed", seed_text, "--draw",
                  draw_text, (char *)NULL);
        else
            execl(program, program, "--part", "serve", "--server", server, "--seed", seed_text,
                  "--draw", draw_text, (char *)NULL);
        _exit(127);
    }
    CL_CHECK_SYS(close(out[1]));
    s.out_fd = out[0];
    s.c.port = read_port(s.out_fd);
    return s;
}

/* Stops and reaps it: SIGTERM and a second to stop (SIGKILL at once when we
 * were interrupted: its tally is not wanted then). A server that did not end
 * as SIGTERM ends it (exit status 143) failed: a crash, or a sanitizer's
 * report under make tsan. */
static void stop_server(struct server_child *s)
{
    if (cl_interrupted())
        CL_CHECK_SYS(kill(s->c.pid, SIGKILL));
    bool clean = guess_child_stop(&s->c, 1.0);
    CL_CHECK_SYS(close(s->out_fd));
    if (!clean && !cl_interrupted())
        cl_die("the %s server did not stop cleanly on SIGTERM", s->kind);
}

/* ---- What the kernel says about the server --------------------------------- */

struct proc_sample {
    long rss_kib, threads, fds;
    double cpu_s;   /* user + system time so far */
    long switches;  /* context switches of all its threads so far: its wake-ups */
};

static long status_field(const char *path, const char *name)
{
    char line[256];
    long v = 0;
    size_t len = strlen(name);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0)
            v += atol(line + len);
    if (f)
        fclose(f);
    return v;
}

static long count_entries(const char *path)
{
    DIR *d = opendir(path);
    long n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static struct proc_sample sample(pid_t pid, bool with_switches)
{
    struct proc_sample p = {0};
    char path[128];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    p.rss_kib = status_field(path, "VmRSS:");
    p.threads = status_field(path, "Threads:");
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    p.fds = count_entries(path);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long user = 0, sys = 0;
    if (f && fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                    &user, &sys) == 2)
        p.cpu_s = (double)(user + sys) / (double)sysconf(_SC_CLK_TCK);
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = with_switches ? opendir(path) : NULL;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char task[300];
        snprintf(task, sizeof task, "/proc/%d/task/%s/status", (int)pid, e->d_name);
        p.switches += status_field(task, "voluntary_ctxt_switches:") +
                      status_field(task, "nonvoluntary_ctxt_switches:");
    }
    if (d)
        closedir(d);
    return p;
}

/* ---- The load client: N connections on one libevent loop ------------------- */

struct load_client {
    struct load *load;
    struct bufferevent *bev; /* NULL once closed */
    struct guess_client game;
    struct guess_setting playing;
    bool connected;
    long sessions_done;
    int tries;
    double asked_at; /* when the last NUMBER went out */
};

struct load {
    struct event_base *base;
    struct sockaddr_in server;
    struct load_client *clients;
    long n, per_client;
    long next_to_connect, connecting, connected, done, failed, sessions_done;
    double *latency; /* seconds per NUMBER round trip */
    size_t nlatency, latency_cap;
    double all_connected_at, finished_at, deadline;
    bool timed_out;
};

static void close_client(struct load_client *c)
{
    if (c->bev)
        bufferevent_free(c->bev);
    c->bev = NULL;
}

static void check_finished(struct load *l)
{
    if (l->done + l->failed == l->n) {
        l->finished_at = cl_now();
        CL_CHECK_SYS(event_base_loopbreak(l->base));
    }
}

static void client_failed(struct load_client *c)
{
    close_client(c);
    c->load->failed++;
    check_finished(c->load);
}

static void ask_number(struct load_client *c, const char *before)
{
    CL_CHECK_SYS(evbuffer_add_printf(bufferevent_get_output(c->bev), "%sNUMBER\n", before));
    c->asked_at = cl_now();
}

/* Client k's j-th game is the book's game (k + j) mod 2. */
static void start_session(struct load_client *c, const char *before)
{
    long index = c - c->load->clients;
    c->playing = guess_book_games[(index + c->sessions_done) % 2];
    guess_client_start(&c->game, c->playing.secret);
    c->tries = 0;
    char params[GUESS_LINE_MAX + 32];
    snprintf(params, sizeof params, "%sPARAMS %lld %lld\n", before, c->playing.lo, c->playing.hi);
    ask_number(c, params);
}

/* A guess came back: judge it, report, ask again or end the game. */
static void on_reply(struct bufferevent *bev, void *arg)
{
    struct load_client *c = arg;
    struct load *l = c->load;
    size_t len;
    char *line;
    while (c->bev && (line = evbuffer_readln(bufferevent_get_input(bev), &len,
                                             EVBUFFER_EOL_CRLF)) != NULL) {
        long long number;
        bool ok = guess_parse_number(line, len, &number) && number >= c->playing.lo &&
                  number <= c->playing.hi;
        free(line);
        if (!ok || l->nlatency == l->latency_cap) {
            client_failed(c);
            return;
        }
        l->latency[l->nlatency++] = cl_now() - c->asked_at;
        enum guess_decision d = guess_client_judge(&c->game, number);
        char report[64];
        snprintf(report, sizeof report, "REPORT %s\n", guess_decision_name(d));
        if (d != GUESS_CORRECT && ++c->tries < GUESS_CLIENT_TRIES) {
            ask_number(c, report);
            continue;
        }
        l->sessions_done++;
        strcat(report, "PARAMS 0 -1\n");
        if (++c->sessions_done < l->per_client) {
            start_session(c, report);
            continue;
        }
        CL_CHECK_SYS(evbuffer_add_printf(bufferevent_get_output(bev), "%s", report));
        l->done++; /* stays connected, idle, until every client is done */
        check_finished(l);
    }
}

static void connect_more(struct load *l);

/* Once every client is connected (or failed to), all start playing. */
static void start_when_all_in(struct load *l)
{
    if (l->all_connected_at > 0 || l->connected + l->failed < l->n)
        return;
    l->all_connected_at = cl_now();
    for (long i = 0; i < l->n; i++)
        if (l->clients[i].bev)
            start_session(&l->clients[i], "");
}

static void on_client_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    struct load_client *c = arg;
    struct load *l = c->load;
    if (what & BEV_EVENT_CONNECTED) {
        c->connected = true;
        l->connecting--;
        l->connected++;
    } else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        if (!c->connected)
            l->connecting--;
        client_failed(c);
    }
    connect_more(l);
}

/* At most 256 connects in flight, so that the server's accept queue
 * (somaxconn) never overflows and no SYN waits a second for a retry. */
static void connect_more(struct load *l)
{
    while (l->connecting < 256 && l->next_to_connect < l->n) {
        struct load_client *c = &l->clients[l->next_to_connect++];
        c->load = l;
        c->bev = bufferevent_socket_new(l->base, -1, BEV_OPT_CLOSE_ON_FREE);
        if (!c->bev)
            cl_fail(__FILE__, __LINE__, "bufferevent_socket_new", errno);
        bufferevent_setcb(c->bev, on_reply, NULL, on_client_event, c);
        CL_CHECK_SYS(bufferevent_enable(c->bev, EV_READ));
        l->connecting++;
        if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&l->server, sizeof l->server)) {
            l->connecting--;
            client_failed(c); /* out of descriptors or ports: counted, not fatal */
        }
    }
    start_when_all_in(l);
}

/* Every 20 ms: the deadline, and Ctrl-C. */
static void on_load_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct load *l = arg;
    if (cl_now() > l->deadline || cl_interrupted()) {
        l->timed_out = true;
        CL_CHECK_SYS(event_base_loopbreak(l->base));
    }
}

/* One load run's figures: one CSV row. */
struct load_result {
    long clients, sessions, failed, held, threads;
    bool complete;
    double seconds, sessions_per_s, p50_us, p99_us;
    long rss_idle_kib, rss_kib, fds_leaked;
    double rss_per_conn_kib, idle_cpu_pct, idle_wakeups_per_s;
};

/* One client asks once and leaves: the server is then set up and has served
 * (a thread server's first thread is made and cached), and is sampled idle. */
static bool warm_up(struct server_child *s)
{
    int fd = guess_connect_loopback(s->c.port);
    char reply[GUESS_REPLY_MAX];
    bool ok = fd >= 0 && send(fd, "NUMBER\n", 7, MSG_NOSIGNAL) == 7 &&
              recv(fd, reply, sizeof reply, 0) > 0;
    long with_it = sample(s->c.pid, false).fds;
    if (fd >= 0)
        CL_CHECK_SYS(close(fd));
    for (double until = cl_now() + 2; sample(s->c.pid, false).fds >= with_it && cl_now() < until &&
                                      !cl_interrupted();)
        poll(NULL, 0, 2);
    return ok;
}

/* N clients play against s; then, all still connected and idle, the server
 * is sampled and watched for hold_s; then they all leave. */
static struct load_result run_load(struct server_child *s, long n)
{
    struct load l = {.n = n, .per_client = sessions};
    l.server = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)s->c.port),
                                    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    l.clients = cl_calloc((size_t)n, sizeof *l.clients);
    l.latency_cap = (size_t)n * (size_t)sessions * GUESS_CLIENT_TRIES;
    l.latency = cl_calloc(l.latency_cap, sizeof *l.latency);
    l.base = event_base_new();
    struct event *tick = l.base ? event_new(l.base, -1, EV_PERSIST, on_load_tick, &l) : NULL;
    struct timeval every = {0, 20 * 1000};
    if (!tick || event_add(tick, &every) == -1)
        cl_fail(__FILE__, __LINE__, "event_add", errno);
    struct proc_sample before = sample(s->c.pid, false);
    double started = cl_now();
    l.deadline = started + deadline_s;
    connect_more(&l);
    if (l.done + l.failed < l.n)
        CL_CHECK_SYS(event_base_dispatch(l.base));
    struct load_result r = {.clients = n, .sessions = l.sessions_done, .failed = l.failed};
    r.complete = !l.timed_out && l.failed == 0;
    double end = l.timed_out ? cl_now() : l.finished_at;
    r.seconds = end - started;
    if (l.all_connected_at > 0 && end > l.all_connected_at)
        r.sessions_per_s = (double)l.sessions_done / (end - l.all_connected_at);
    r.p50_us = l.nlatency ? 1e6 * cl_percentile(l.latency, l.nlatency, 50) : 0;
    r.p99_us = l.nlatency ? 1e6 * cl_percentile(l.latency, l.nlatency, 99) : 0;
    if (cl_interrupted()) {
        /* No figures are wanted now: the server is killed first, so that the
         * kernel tears it down on one core while we close our side. */
        CL_CHECK_SYS(kill(s->c.pid, SIGKILL));
    } else {
        /* Every client has played and waits: the server holds N idle connections. */
        struct proc_sample loaded = sample(s->c.pid, true);
        for (double until = cl_now() + hold_s; cl_now() < until && !cl_interrupted();)
            poll(NULL, 0, 20);
        struct proc_sample idle = sample(s->c.pid, true);
        r.rss_idle_kib = before.rss_kib;
        r.rss_kib = loaded.rss_kib;
        r.rss_per_conn_kib = (double)(loaded.rss_kib - before.rss_kib) / (double)n;
        r.threads = loaded.threads;
        r.held = loaded.fds - before.fds;
        if (hold_s > 0) {
            r.idle_cpu_pct = 100 * (idle.cpu_s - loaded.cpu_s) / hold_s;
            r.idle_wakeups_per_s = (double)(idle.switches - loaded.switches) / hold_s;
        }
    }
    for (long i = 0; i < n; i++)
        close_client(&l.clients[i]);
    event_free(tick);
    event_base_free(l.base);
    free(l.latency);
    free(l.clients);
    /* The server closes its side once it sees ours close: 2 s at most. */
    long fds = 0;
    for (double until = cl_now() + 2; (fds = sample(s->c.pid, false).fds) > before.fds &&
                                      cl_now() < until && !cl_interrupted();)
        poll(NULL, 0, 5);
    r.fds_leaked = fds - before.fds;
    return r;
}

/* ---- The parts ---------------------------------------------------------------- */

static int servers_of(const char *all[], int cap, bool for_games)
{
    int n = 0;
    if (strcmp(bench_server, "all") != 0) {
        all[n++] = bench_server;
        return n;
    }
    all[n++] = "threads";
    if (!for_games)
        all[n++] = "threads_again";
    all[n++] = "coroutines";
    all[n++] = "callbacks";
    if (with_python && n + 2 <= cap) {
        all[n++] = "asyncio";
        all[n++] = "pythreads";
    }
    return n;
}

/* The book's games on each server, and on the two ports that changed the
 * logic (stepping past a repeat): one row per guess. */
static void part_games(void)
{
    cl_csv_header("server,draw,game,try,guess,report,error");
    const char *list[8];
    int n = servers_of(list, 6, true);
    for (int pass = 0; pass < 2 && !cl_interrupted(); pass++)
        for (int k = 0; k < n && !cl_interrupted(); k++) {
            enum guess_draw how = pass ? GUESS_STEP_PAST : GUESS_DRAW_AGAIN;
            if (how == GUESS_STEP_PAST && strcmp(list[k], "coroutines") != 0 &&
                strcmp(list[k], "asyncio") != 0)
                continue;
            struct server_child s = spawn_server(list[k], how);
            struct guess_transcript t = {.error = "the server did not say its port"};
            bool ok = s.c.port > 0 && guess_play_book_games(s.c.port, &t);
            stop_server(&s);
            if (cl_interrupted())
                break;
            for (int g = 0; g < 2; g++) {
                struct guess_client judge;
                guess_client_start(&judge, guess_book_games[g].secret);
                for (int i = 0; i < t.nguesses[g]; i++)
                    cl_csv_row("%s,%s,%d,%d,%lld,%s,", list[k], pass ? "step" : "again", g + 1,
                               i + 1, t.guesses[g][i],
                               guess_decision_name(guess_client_judge(&judge, t.guesses[g][i])));
            }
            if (!ok)
                cl_csv_row("%s,%s,,,,,%s", list[k], pass ? "step" : "again",
                           cl_quote(t.error, (char[128]){0}, 128));
        }
}

static void part_load(void)
{
    const char *list[8];
    int n = servers_of(list, 8, false);
    long largest = 0;
    for (int i = 0; i < load_clients.n; i++)
        largest = load_clients.v[i] > largest ? load_clients.v[i] : largest;
    if (largest + 64 > guess_raise_fd_limit())
        cl_usage_error("--clients %ld: over the descriptor limit, less 64 (see ulimit -Hn)",
                       largest);
    /* The length of the run, predicted on the slow side: a thread server
     * starts about 20,000 threads a second on 2 cores, CPython serves some
     * 500 games a second; each run ends by its deadline anyway. */
    double predicted = 0;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < load_clients.n; i++) {
            double c = (double)load_clients.v[i], games = c * (double)sessions;
            double play = is_python(list[k]) ? 0.3 + c * 2e-4 + games / 500 : c * 5e-5 + games / 3000;
            predicted += (double)rounds * ((play < deadline_s ? play : deadline_s) + hold_s + 0.05);
        }
    cl_check_run_length(predicted, "--part load with these --clients, --sessions, --rounds");
    cl_csv_header("round,server,clients,sessions,complete,seconds,sessions_per_s,p50_us,p99_us,"
                  "rss_idle_kib,rss_kib,rss_per_conn_kib,threads,held,idle_cpu_pct,"
                  "idle_wakeups_per_s,failed,fds_leaked");
    for (long round = 1; round <= rounds && !cl_interrupted(); round++)
        for (int i = 0; i < load_clients.n && !cl_interrupted(); i++)
            for (int k = 0; k < n && !cl_interrupted(); k++) {
                struct server_child s = spawn_server(list[k], GUESS_DRAW_AGAIN);
                struct load_result r = {0};
                bool up = s.c.port > 0 && warm_up(&s);
                if (up)
                    r = run_load(&s, load_clients.v[i]);
                stop_server(&s);
                if (cl_interrupted())
                    break;
                if (!up)
                    cl_die("the %s server did not start, or did not answer", list[k]);
                cl_csv_row("%ld,%s,%ld,%ld,%d,%.4f,%.1f,%.1f,%.1f,%ld,%ld,%.3f,%ld,%ld,%.2f,%.1f,"
                           "%ld,%ld", round, list[k], r.clients, r.sessions, r.complete,
                           r.seconds, r.sessions_per_s, r.p50_us, r.p99_us, r.rss_idle_kib,
                           r.rss_kib, r.rss_per_conn_kib, r.threads, r.held, r.idle_cpu_pct,
                           r.idle_wakeups_per_s, r.failed, r.fds_leaked);
            }
}

int main(int argc, char **argv)
{
    struct cl_program prog = {
        .name = "61_asyncio_port-bench",
        .summary = "Item 61 measured: the transcripts of every server, and each under load (CSV)",
        .epilogue = "Servers: threads, coroutines, callbacks (this program's), asyncio and\n"
                    "pythreads (harness/python/61_server.py on --python). Every server is a\n"
                    "child process on a free 127.0.0.1 port.\n",
        .opts = bench_opts,
    };
    cl_parse(&prog, argc, argv);
    cl_catch_stop_signals();
    bool found = !(with_python || is_python(bench_server)) || (find_python() && python_script());
    cl_exit_if_interrupted(); /* the stop signal may have reached python3 instead */
    if (!found)
        cl_usage_error("CPython's servers need python3 (or $CONCLAB_PYTHON) and "
                       "harness/python/61_server.py (or $CONCLAB_61_SERVER)");
    if (strcmp(bench_part, "games") == 0)
        part_games();
    else
        part_load();
    cl_exit_if_interrupted();
    return 0;
}
