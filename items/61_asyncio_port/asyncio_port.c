/*
 * 61_asyncio_port - Item 61: know how to port threaded I/O to asyncio.
 *
 * Python:  a number-guessing game over TCP lines. First a blocking server,
 *          one thread per connection (socket.accept, Thread, file.readline);
 *          then the same Session ported to asyncio (start_server, await
 *          reader.readline(), writer.write) with as few changed lines as
 *          possible, the game's logic untouched.
 * C:       the game as a pure state machine, one line in, at most one reply
 *          out [p1]-[p3] (guess.c); a blocking server, an accept loop and a
 *          pthread per client (guess_threads.c) and its port to libevent
 *          (guess_event.c), sharing the line handling [p5] word for word; the
 *          book's client [p9]; a load client on libevent that drives N
 *          connections at once [p10] and reads the server's memory and
 *          threads from /proc [p11].
 *
 * The claims: the port keeps the behaviour (every server gives the same
 * transcript of the book's two games, line for line), and the event loop
 * serves many more connections per byte of memory than a thread each.
 *
 * Run:  build/bin/61_asyncio_port                          the whole story
 *       build/bin/61_asyncio_port --mode serve --server event --port 7777
 *       build/bin/61_asyncio_port --mode load --server threads --clients 1000
 *       build/bin/61_asyncio_port --mode bench --csv --clients 10,100,1000
 *
 * Prints (2-core VM, busy, abridged; figures vary from run to run):
 *   threads server on 127.0.0.1:36569
 *   Guess a number between 1 and 5! Shhhhh, it's 3.
 *   > PARAMS 1 5
 *   > NUMBER
 *   < 2
 *   > REPORT Unsure
 *   ...
 *   event server on 127.0.0.1:46257: the same transcript, all 36 lines
 *
 *   the same load on each: every client connects, then plays 2 game(s)
 *   descriptors: soft limit 20000 raised to the hard limit 20000
 *   server   clients sessions/s   p50_us   p99_us  threads   RSS_KiB  KiB/conn
 *   threads     1000       6342    17737    82314     1001     12356     10.58
 *   event       1000       7668    22228    49358        1      3664      1.76
 *   leftovers 0 children unreaped, 0 descriptors leaked
 */
#include "61_asyncio_port/guess.h"
#include "61_asyncio_port/guess_server.h"
#include "clab.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* The book's two games: 1 to 5 with secret 3, then 10 to 15 with secret 12. */
struct game {
    long long lo, hi, secret;
};
static const struct game book_games[2] = {{1, 5, 3}, {10, 15, 12}};

/* ---- The servers, each a child process of this program ----------------------- */

struct server_child {
    const char *kind;  /* threads, event or asyncio */
    pid_t pid;
    int port;
    int out_fd;        /* its stdout: "port N" first, its tally at the end */
};

/* Defined below, with the rest of the plumbing that runs the servers. */
static struct server_child start_server(const char *kind, long seed);
static long stop_server(struct server_child *s);
static void abandon_server(struct server_child *s);
static void *checked_calloc(size_t n, size_t size);

/* [p11] What the kernel says about the server: resident memory and threads
 * from /proc/<pid>/status, open descriptors from /proc/<pid>/fd. */
struct proc_sample {
    long rss_kib, threads, fds;
};

static struct proc_sample sample_process(pid_t pid)
{
    struct proc_sample p = {-1, -1, -1};
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f) {
        while (fgets(line, sizeof line, f)) {
            sscanf(line, "VmRSS: %ld", &p.rss_kib);
            sscanf(line, "Threads: %ld", &p.threads);
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *dir = opendir(path);
    if (dir) {
        p.fds = 0;
        for (struct dirent *e; (e = readdir(dir)) != NULL;)
            p.fds += e->d_name[0] != '.';
        closedir(dir);
    }
    return p;
}

/* ---- [p9] The book's client, blocking, for the transcripts ----------------- */

struct transcript {
    char text[8192];
    size_t len;
    int lines;
    char error[200]; /* why the games stopped short; "" when they did not */
};

/* The games cannot go on: say why, and let the caller stop the server
 * before it dies (so no failure leaves a server child behind). */
static bool stop_short(struct transcript *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool stop_short(struct transcript *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->error, sizeof t->error, fmt, ap);
    va_end(ap);
    return false;
}

static void note(struct transcript *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct transcript *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->text + t->len, sizeof t->text - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof t->text - t->len)
        cl_die("transcript longer than %zu bytes", sizeof t->text);
    t->len += (size_t)n;
    t->lines++;
}

static int connect_loopback(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CL_CHECK_SYS(fd);
    struct timeval five = {5, 0}; /* no wait on the server is unbounded */
    CL_CHECK_SYS(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five));
    CL_CHECK_SYS(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof five));
    /* REPORT has no reply, so without this the NUMBER after it would wait for
     * the server's delayed ACK (Nagle's algorithm): 40 ms a guess. */
    int one = 1;
    CL_CHECK_SYS(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    CL_CHECK_SYS(close(fd));
    return -1;
}

static bool send_line(struct transcript *t, int fd, const char *line)
{
    note(t, "> %s\n", line);
    char buf[GUESS_LINE_MAX + 2];
    int n = snprintf(buf, sizeof buf, "%s\n", line);
    if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
        return stop_short(t, "could not send '%s' to the server: %s", line, strerror(errno));
    return true;
}

/* Reads one reply line (blocking, at most 5 s by SO_RCVTIMEO; Ctrl-C
 * interrupts it). */
static bool receive_line(struct transcript *t, int fd, char *buf, size_t cap)
{
    size_t used = 0;
    for (;;) {
        ssize_t n = recv(fd, buf + used, 1, 0);
        if (n == -1 && errno == EINTR && !cl_interrupted())
            continue;
        if (n <= 0)
            return stop_short(t, "no reply from the server (%s)",
                              n == 0 ? "it closed" : strerror(errno));
        if (buf[used] == '\n' || ++used + 1 == cap)
            break;
    }
    buf[used] = '\0';
    return true;
}

/* One session, as the book's client plays it: PARAMS, then at most five
 * rounds of NUMBER and REPORT, stopping at Correct, then PARAMS 0 -1. */
static bool play_game(struct transcript *t, int fd, struct game g)
{
    note(t, "Guess a number between %lld and %lld! Shhhhh, it's %lld.\n", g.lo, g.hi, g.secret);
    char line[GUESS_LINE_MAX + 1];
    snprintf(line, sizeof line, "PARAMS %lld %lld", g.lo, g.hi);
    if (!send_line(t, fd, line))
        return false;
    struct guess_client client;
    guess_client_start(&client, g.secret);
    for (int try = 0; try < GUESS_CLIENT_TRIES; try++) {
        char reply[GUESS_REPLY_MAX];
        if (!send_line(t, fd, "NUMBER") || !receive_line(t, fd, reply, sizeof reply))
            return false;
        note(t, "< %s\n", reply);
        long long number;
        if (!guess_parse_number(reply, strlen(reply), &number) || number < g.lo || number > g.hi)
            return stop_short(t, "'%s' is not a guess in [%lld, %lld]", reply, g.lo, g.hi);
        enum guess_decision d = guess_client_judge(&client, number);
        snprintf(line, sizeof line, "REPORT %s", guess_decision_name(d));
        if (!send_line(t, fd, line))
            return false;
        if (d == GUESS_CORRECT)
            break;
    }
    return send_line(t, fd, "PARAMS 0 -1");
}

/* The book's two games on one connection to the server s, which is then
 * stopped and reaped whatever happened; a game that stopped short ends the
 * program only after that (exit 130 after Ctrl-C, "!!!" otherwise). */
static struct transcript play_book_games(struct server_child *s)
{
    struct transcript t = {.len = 0};
    int fd = connect_loopback(s->port);
    bool ok = fd >= 0 || stop_short(&t, "cannot connect to the %s server: %s", s->kind,
                                    strerror(errno));
    for (int i = 0; i < 2 && ok; i++)
        ok = play_game(&t, fd, book_games[i]);
    if (fd >= 0)
        CL_CHECK_SYS(close(fd));
    if (ok)
        stop_server(s);
    else
        abandon_server(s); /* its own exit status would hide what went wrong */
    if (cl_interrupted())
        exit(130);
    if (!ok)
        cl_die("%s", t.error);
    return t;
}

/* ---- [p10] The load client: N connections on one libevent loop ------------- */

struct load_client {
    struct load *load;
    struct bufferevent *bev;  /* NULL once closed */
    struct guess_client game;
    struct game playing;
    bool connected;
    long sessions_done;
    int tries;
    double asked_at;          /* when the last NUMBER went out */
};

struct load {
    struct event_base *base;
    struct sockaddr_in server;
    pid_t server_pid;
    struct load_client *clients;
    long n, per_client;
    long next_to_connect, connecting, connected, done, failed;
    long sessions_done;
    double *latency;          /* seconds per NUMBER round trip */
    size_t nlatency, latency_cap;
    double started_at, all_connected_at, finished_at, deadline;
    long peak_threads, peak_rss_kib;
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

/* A session: client k's j-th session plays the book's game (k + j) mod 2. */
static void start_session(struct load_client *c, const char *before)
{
    long index = c - c->load->clients;
    c->playing = book_games[(index + c->sessions_done) % 2];
    guess_client_start(&c->game, c->playing.secret);
    c->tries = 0;
    char params[GUESS_LINE_MAX + 32];
    snprintf(params, sizeof params, "%sPARAMS %lld %lld\n", before, c->playing.lo, c->playing.hi);
    ask_number(c, params);
}

/* A guess came back: judge it, report, and ask again or end the session. */
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

/* Once every client is connected (or has failed to), all start playing. */
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
        connect_more(l);
        start_when_all_in(l);
    } else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        if (!c->connected)
            l->connecting--;
        client_failed(c);
        connect_more(l);
        start_when_all_in(l);
    }
}

/* Keeps at most 256 connects in flight, so the server's accept queue
 * (somaxconn) is not flooded and no SYN waits a second for a retry. */
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

/* Every 20 ms: the server's peak threads and memory; the deadline; Ctrl-C. */
static void on_load_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    struct load *l = arg;
    struct proc_sample p = sample_process(l->server_pid);
    if (p.threads > l->peak_threads)
        l->peak_threads = p.threads;
    if (p.rss_kib > l->peak_rss_kib)
        l->peak_rss_kib = p.rss_kib;
    if (cl_now() > l->deadline || cl_interrupted()) {
        l->timed_out = true;
        CL_CHECK_SYS(event_base_loopbreak(l->base));
    }
}

/* One load run's figures: one CSV row. */
struct load_result {
    long clients, sessions, failed, refused;
    bool complete;
    double seconds, sessions_per_s, p50_us, p99_us;
    long rss_idle_kib, rss_kib, threads, peak_threads;
    double rss_per_conn_kib;
    long fds_idle, fds_loaded, fds_leaked;
};

/* N clients, each playing `per_client` sessions, all connected at once; the
 * whole run stops by itself at the deadline. */
static struct load_result run_load(struct server_child *s, long n, long per_client,
                                   double seconds)
{
    struct load l = {.n = n, .per_client = per_client, .server_pid = s->pid};
    l.server = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port),
                                    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    l.clients = checked_calloc((size_t)n, sizeof *l.clients);
    l.latency_cap = (size_t)n * (size_t)per_client * GUESS_CLIENT_TRIES;
    l.latency = checked_calloc(l.latency_cap, sizeof *l.latency);
    l.base = event_base_new();
    if (!l.base)
        cl_fail(__FILE__, __LINE__, "event_base_new", errno);
    struct event *tick = event_new(l.base, -1, EV_PERSIST, on_load_tick, &l);
    struct timeval every = {0, 20 * 1000};
    if (!tick || event_add(tick, &every) == -1)
        cl_fail(__FILE__, __LINE__, "event_add", errno);

    struct proc_sample idle = sample_process(s->pid);
    l.started_at = cl_now();
    l.deadline = l.started_at + seconds;
    connect_more(&l);
    if (l.done + l.failed < l.n)
        CL_CHECK_SYS(event_base_dispatch(l.base));
    /* Every client has played (or the deadline came): all N connections are
     * still open, so this is the server holding N clients. */
    struct proc_sample loaded = sample_process(s->pid);
    struct load_result r = {.clients = n, .sessions = l.sessions_done, .failed = l.failed};
    r.complete = !l.timed_out && l.failed == 0;
    double end = l.timed_out ? cl_now() : l.finished_at;
    r.seconds = end - l.started_at;
    if (l.all_connected_at > 0 && end > l.all_connected_at)
        r.sessions_per_s = (double)l.sessions_done / (end - l.all_connected_at);
    r.p50_us = l.nlatency ? 1e6 * cl_percentile(l.latency, l.nlatency, 50) : 0;
    r.p99_us = l.nlatency ? 1e6 * cl_percentile(l.latency, l.nlatency, 99) : 0;
    r.rss_idle_kib = idle.rss_kib;
    r.rss_kib = loaded.rss_kib;
    r.rss_per_conn_kib = (double)(loaded.rss_kib - idle.rss_kib) / (double)n;
    r.threads = loaded.threads;
    r.peak_threads = l.peak_threads > loaded.threads ? l.peak_threads : loaded.threads;
    r.fds_idle = idle.fds;
    r.fds_loaded = loaded.fds;

    for (long i = 0; i < n; i++)
        close_client(&l.clients[i]);
    event_free(tick);
    event_base_free(l.base);
    free(l.latency);
    free(l.clients);
    /* The server closes its side when it sees ours close: wait (2 s at most)
     * for its descriptors to come back to where they were before the load. */
    double wait_until = cl_now() + 2;
    long fds;
    while ((fds = sample_process(s->pid).fds) > idle.fds && cl_now() < wait_until &&
           !cl_interrupted())
        cl_sleep(0.01);
    r.fds_leaked = fds - idle.fds;
    return r;
}

/* ---- Servers as children: start, stop, reap -------------------------------- */

static void *checked_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        cl_fail(__FILE__, __LINE__, "calloc", errno);
    return p;
}

/* Reads one line from fd into buf, waiting at most timeout_s; false if none. */
static bool read_line_within(int fd, char *buf, size_t cap, double timeout_s)
{
    size_t used = 0;
    double end = cl_now() + timeout_s;
    while (used + 1 < cap && cl_now() < end && !cl_interrupted()) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, 100);
        if (ready == -1 && errno != EINTR)
            cl_fail(__FILE__, __LINE__, "poll", errno);
        if (ready <= 0)
            continue;
        ssize_t n = read(fd, buf + used, 1);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (buf[used] == '\n') {
            buf[used] = '\0';
            return true;
        }
        used++;
    }
    buf[used] = '\0';
    return false;
}

/* The asyncio server of harness/python, found from this program's own path
 * (build/bin/ -> ../../harness/python) or $CONCLAB_61_SERVER. */
static const char *python_server_path(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("CONCLAB_61_SERVER");
    if (env)
        return access(env, R_OK) == 0 ? env : NULL;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    for (int up = 0; up < 5; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return NULL;
        *slash = '\0';
        if (snprintf(path, sizeof path, "%.4000s/harness/python/61_server.py", exe) > 0 &&
            access(path, R_OK) == 0)
            return path;
    }
    return NULL;
}

/* The interpreter itself, found by check_python: starting python3 through a
 * wrapper (pyenv's shims are shell scripts) would cost more than the server. */
static char python_exe[PATH_MAX] = "/usr/bin/python3";

/* A server that failed us: SIGKILL, reaped, its pipe closed, before the
 * program dies. Every path that can end the program while a child runs goes
 * through here or stop_server (a wrong answer, a silent server, Ctrl-C); only
 * a failed system call (cl_fail: out of memory, a bad descriptor) exits
 * without, and then PR_SET_PDEATHSIG kills the child and init reaps it. */
static void abandon_server(struct server_child *s)
{
    CL_CHECK_SYS(kill(s->pid, SIGKILL));
    CL_CHECK_SYS(waitpid(s->pid, NULL, 0));
    CL_CHECK_SYS(close(s->out_fd));
}

/* Starts a server child on an ephemeral port: this program again in
 * `--mode serve`, or python3 on the asyncio server. */
static struct server_child start_server(const char *kind, long seed)
{
    int out[2];
    CL_CHECK_SYS(pipe(out));
    CL_CHECK_SYS(fcntl(out[0], F_SETFD, FD_CLOEXEC));
    char seed_text[32];
    snprintf(seed_text, sizeof seed_text, "%ld", seed);
    const char *script = strcmp(kind, "asyncio") == 0 ? python_server_path() : NULL;
    CL_CHECK_SYS(fflush(NULL));
    pid_t pid = fork();
    CL_CHECK_SYS(pid);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the parent */
        if (dup2(out[1], STDOUT_FILENO) == -1)
            _exit(127);
        close(out[1]);
        if (script)
            execl(python_exe, "python3", script, "--port", "0", "--seed", seed_text, (char *)NULL);
        else
            execl("/proc/self/exe", "61_asyncio_port", "--mode", "serve", "--server", kind,
                  "--port", "0", "--seed", seed_text, (char *)NULL);
        _exit(127);
    }
    CL_CHECK_SYS(close(out[1]));
    struct server_child s = {.kind = kind, .pid = pid, .out_fd = out[0]};
    char line[128];
    if (!read_line_within(s.out_fd, line, sizeof line, 10) || sscanf(line, "port %d", &s.port) != 1) {
        abandon_server(&s);
        if (cl_interrupted())
            exit(130);
        cl_die("the %s server did not say its port (it said '%s')", kind, line);
    }
    return s;
}

/* Ctrl-C to the child (its own way to stop), SIGKILL after 5 s (0.3 s when
 * we were interrupted ourselves: we must be gone within half a second);
 * reaped either way. Returns the connections it said it refused. */
static long stop_server(struct server_child *s)
{
    CL_CHECK_SYS(kill(s->pid, SIGINT));
    int status = 0;
    double end = cl_now() + 5;
    pid_t got;
    while ((got = waitpid(s->pid, &status, WNOHANG)) == 0 && cl_now() < end) {
        if (cl_interrupted() && end > cl_now() + 0.3)
            end = cl_now() + 0.3;
        cl_sleep(0.005);
    }
    CL_CHECK_SYS(got);
    if (got == 0) {
        CL_CHECK_SYS(kill(s->pid, SIGKILL));
        CL_CHECK_SYS(waitpid(s->pid, &status, 0));
        CL_CHECK_SYS(close(s->out_fd));
        if (cl_interrupted())
            return 0;
        cl_die("the %s server did not stop within 5 s of Ctrl-C", s->kind);
    }
    char tally[128];
    long connections = 0, refused = 0;
    if (read_line_within(s->out_fd, tally, sizeof tally, 1))
        sscanf(tally, "served %ld connections, %ld refused", &connections, &refused);
    CL_CHECK_SYS(close(s->out_fd));
    bool clean = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 130);
    if (!clean && !cl_interrupted())
        cl_die("the %s server ended badly (status 0x%x)", s->kind, (unsigned)status);
    return refused;
}

/* ---- Plumbing: modes, rows, the story -------------------------------------- */

static const char *mode = "demo";
static const char *server_kind = "all";
static long port = 0, sessions_per_client = 2, rounds = 5, seed = 11;
static double seconds = 20;
static bool with_python = false;
static struct cl_list clients = {4, {10, 100, 1000, 10000}};

static struct cl_opt opts[] = {
    {"mode", CL_OPT_CHOICE, &mode, "what to do", 0, 0, "demo|transcript|serve|load|bench"},
    {"server", CL_OPT_CHOICE, &server_kind, "which server (all: threads and event, and asyncio "
     "with --python)", 0, 0, "all|threads|event|asyncio"},
    {"port", CL_OPT_INT, &port, "serve: the port on 127.0.0.1 (0: any free one)", 0, 65535},
    {"clients", CL_OPT_LIST, &clients, "load, bench: concurrent connections", 1, 100000},
    {"sessions", CL_OPT_INT, &sessions_per_client, "load, bench: games each client plays", 1, 100},
    {"seconds", CL_OPT_DOUBLE, &seconds, "load, bench: deadline of each load run", 0.1, 600},
    {"rounds", CL_OPT_INT, &rounds, "bench: interleaved rounds", 1, 100},
    {"seed", CL_OPT_INT, &seed, "the servers' random seed (same seed, same guesses)", 0, 1e15},
    {"python", CL_OPT_FLAG, &with_python, "also run harness/python/61_server.py (asyncio)"},
    {NULL},
};

/* Raises the soft descriptor limit to the hard one; caps N so that the
 * client's N sockets fit (each side, client and server, has its own). */
static long raise_nofile(long want, long *soft_before, long *hard)
{
    struct rlimit r;
    CL_CHECK_SYS(getrlimit(RLIMIT_NOFILE, &r));
    *soft_before = r.rlim_cur == RLIM_INFINITY ? -1 : (long)r.rlim_cur;
    *hard = r.rlim_max == RLIM_INFINITY ? LONG_MAX : (long)r.rlim_max;
    r.rlim_cur = r.rlim_max;
    CL_CHECK_SYS(setrlimit(RLIMIT_NOFILE, &r));
    long room = *hard - 64; /* stdio, the event loop, /proc reads */
    if (room < 1)
        cl_usage_error("the hard descriptor limit %ld leaves no room for clients "
                       "(this program keeps 64 for itself; see ulimit -Hn)", *hard);
    return want < room ? want : room;
}

/* The servers to compare: threads and event, and asyncio with --python. */
static int servers_wanted(const char *list[3])
{
    if (strcmp(server_kind, "all") != 0) {
        list[0] = server_kind;
        return 1;
    }
    int n = 0;
    list[n++] = "threads";
    list[n++] = "event";
    if (with_python)
        list[n++] = "asyncio";
    return n;
}

static void check_python(const char *const *list, int n)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(list[i], "asyncio") != 0)
            continue;
        if (!python_server_path())
            cl_usage_error("the asyncio server needs harness/python/61_server.py "
                           "(or $CONCLAB_61_SERVER)");
        CL_CHECK_SYS(fflush(NULL));
        FILE *p = popen("python3 -c 'import sys; print(sys.executable)' 2>/dev/null", "r");
        bool found = p && fgets(python_exe, sizeof python_exe, p) && python_exe[0] == '/';
        if (p)
            pclose(p);
        if (!found && cl_interrupted()) /* Ctrl-C reached python3 too */
            exit(130);
        if (!found)
            cl_usage_error("the asyncio server needs python3, which is not here");
        python_exe[strcspn(python_exe, "\n")] = '\0';
        return;
    }
}

/* The server is set up: say where it listens (the parent waits for this). */
static void say_port(int listen_fd)
{
    printf("port %d\n", guess_bound_port(listen_fd));
    CL_CHECK_SYS(fflush(stdout));
}

static void run_serve(struct cl_program *prog)
{
    if (strcmp(server_kind, "threads") != 0 && strcmp(server_kind, "event") != 0)
        cl_usage_error("--mode serve needs --server threads or --server event "
                       "(asyncio: python3 harness/python/61_server.py)");
    (void)prog;
    int fd = guess_listen_loopback((int)port);
    struct guess_server_stats st = strcmp(server_kind, "threads") == 0
                                       ? guess_serve_threads(fd, (uint64_t)seed, say_port)
                                       : guess_serve_event(fd, (uint64_t)seed, say_port);
    CL_CHECK_SYS(close(fd));
    printf("served %ld connections, %ld refused\n", st.connections, st.refused);
    exit(cl_interrupted() ? 130 : 0);
}

static void run_transcript(void)
{
    const char *list[3];
    int n = servers_wanted(list);
    if (n != 1)
        cl_usage_error("--mode transcript needs one --server");
    check_python(list, n);
    struct server_child s = start_server(list[0], seed);
    struct transcript t = play_book_games(&s);
    fwrite(t.text, 1, t.len, stdout);
}

static const char *csv_columns =
    "round,server,clients,sessions,complete,seconds,sessions_per_s,p50_us,p99_us,"
    "rss_idle_kib,rss_kib,rss_per_conn_kib,threads,peak_threads,fds_idle,fds_loaded,"
    "fds_leaked,failed,refused,nofile_soft,nofile_hard";

static void print_result(bool csv, long round, const char *kind, const struct load_result *r,
                         long soft, long hard)
{
    if (csv) {
        cl_csv_row("%ld,%s,%ld,%ld,%d,%.4f,%.1f,%.1f,%.1f,%ld,%ld,%.3f,%ld,%ld,%ld,%ld,%ld,%ld,"
                   "%ld,%ld,%ld",
                   round, kind, r->clients, r->sessions, r->complete, r->seconds,
                   r->sessions_per_s, r->p50_us, r->p99_us, r->rss_idle_kib, r->rss_kib,
                   r->rss_per_conn_kib, r->threads, r->peak_threads, r->fds_idle, r->fds_loaded,
                   r->fds_leaked, r->failed, r->refused, soft, hard);
        return;
    }
    printf("%-8s %7ld %10.0f %8.0f %8.0f %8ld %9ld %9.2f%s\n", kind, r->clients,
           r->sessions_per_s, r->p50_us, r->p99_us, r->threads, r->rss_kib, r->rss_per_conn_kib,
           r->complete ? "" : " (cut off)");
}

/* One load run against a fresh server child; dies if the server leaked. */
static struct load_result load_once(const char *kind, long n)
{
    struct server_child s = start_server(kind, seed);
    struct load_result r = run_load(&s, n, sessions_per_client, seconds);
    r.refused = stop_server(&s);
    if (r.fds_leaked != 0 && !cl_interrupted())
        cl_die("the %s server kept %ld descriptors after its %ld clients left", kind,
               r.fds_leaked, n);
    return r;
}

/* Load and bench: every N, every server, in interleaved rounds. */
static void run_load_rounds(bool csv, long nrounds)
{
    const char *list[3];
    int nservers = servers_wanted(list);
    check_python(list, nservers);
    long soft, hard, largest = 0;
    for (int i = 0; i < clients.n; i++)
        largest = clients.v[i] > largest ? clients.v[i] : largest;
    long cap = raise_nofile(largest, &soft, &hard);
    if (!csv) {
        printf("descriptors: soft limit %ld raised to the hard limit %ld", soft, hard);
        printf(cap < largest ? "; clients capped at %ld\n" : "\n", cap);
        printf("%-8s %7s %10s %8s %8s %8s %9s %9s\n", "server", "clients", "sessions/s",
               "p50_us", "p99_us", "threads", "RSS_KiB", "KiB/conn");
    } else {
        if (cap < largest)
            fprintf(stderr, "%s: hard descriptor limit %ld: clients capped at %ld\n",
                    cl_program_name(), hard, cap);
        cl_csv_header(csv_columns);
    }
    for (long round = 1; round <= nrounds && !cl_interrupted(); round++)
        for (int i = 0; i < clients.n && !cl_interrupted(); i++)
            for (int k = 0; k < nservers && !cl_interrupted(); k++) {
                long n = clients.v[i] < cap ? clients.v[i] : cap;
                struct load_result r = load_once(list[k], n);
                if (!cl_interrupted())
                    print_result(csv, round, list[k], &r, soft, hard);
            }
}

/* The story: the book's games on every server, the transcripts compared line
 * for line, then each server under the same load. */
static void run_demo(void)
{
    const char *list[3];
    int n = servers_wanted(list);
    check_python(list, n);
    struct transcript first = {.len = 0};
    for (int i = 0; i < n && !cl_interrupted(); i++) {
        struct server_child s = start_server(list[i], seed);
        printf("%s server on 127.0.0.1:%d", list[i], s.port);
        struct transcript t = play_book_games(&s);
        if (i == 0) {
            printf("\n%.*s", (int)t.len, t.text);
            first = t;
        } else if (t.len == first.len && memcmp(t.text, first.text, t.len) == 0) {
            printf(": the same transcript, all %d lines\n", t.lines);
        } else {
            printf(":\n%.*s", (int)t.len, t.text);
            cl_die("the %s server's transcript differs from the %s server's", list[i], list[0]);
        }
    }
    if (clients.n == 4 && clients.v[3] == 10000) { /* the default list: a short story */
        clients.n = 1;
        clients.v[0] = 1000;
    }
    printf("\nthe same load on each: every client connects, then plays %ld game(s)\n",
           sessions_per_client);
    run_load_rounds(false, 1);
}

int main(int argc, char **argv)
{
    struct cl_program prog = {
        .common = CL_CSV | CL_PIN,
        .name = "61_asyncio_port",
        .summary = "a threaded game server ported to an event loop, and both under load",
        .epilogue = "Modes: demo (the book's two games on every server, then a short load;\n"
                    "with --csv, the same as bench);\n"
                    "transcript (the games on one --server, the client's view only);\n"
                    "serve (one server until Ctrl-C; prints its port); load (each server\n"
                    "started as a child, --clients connections at once); bench (load in\n"
                    "--rounds interleaved rounds, for the harness).\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    cl_catch_stop_signals();
    int fds_at_start = cl_open_fds();
    if (strcmp(mode, "serve") == 0)
        run_serve(&prog);
    else if (strcmp(mode, "transcript") == 0)
        run_transcript();
    else if (strcmp(mode, "demo") == 0 && !prog.csv)
        run_demo();
    else
        run_load_rounds(prog.csv, strcmp(mode, "load") == 0 ? 1 : rounds);
    if (cl_interrupted())
        return 130;
    cl_check_leftovers(fds_at_start, prog.csv || strcmp(mode, "transcript") == 0);
    return 0;
}
