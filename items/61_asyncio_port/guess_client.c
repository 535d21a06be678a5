/* guess_client.c - the book's client, and idle clients; see guess_client.h. */
#include "61_asyncio_port/guess_client.h"
#include "clab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

const struct guess_setting guess_book_games[2] = {{1, 5, 3}, {10, 15, 12}};

int guess_connect_loopback(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return -1;
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
    int err = errno;
    close(fd);
    errno = err;
    return -1;
}

static bool stop_short(struct guess_transcript *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool stop_short(struct guess_transcript *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->error, sizeof t->error, fmt, ap);
    va_end(ap);
    return false;
}

static void note(struct guess_transcript *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct guess_transcript *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->text + t->len, sizeof t->text - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof t->text - t->len)
        cl_fail(__FILE__, __LINE__, "vsnprintf (transcript full)", ENOBUFS);
    t->len += (size_t)n;
    t->lines++;
}

static bool send_line(struct guess_transcript *t, int fd, const char *line)
{
    note(t, "> %s\n", line);
    char buf[GUESS_LINE_MAX + 2];
    int n = snprintf(buf, sizeof buf, "%s\n", line);
    if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
        return stop_short(t, "could not send '%s': %s", line, strerror(errno));
    return true;
}

/* One reply line, without its '\n' (a byte at a time: it is short). */
static bool receive_line(struct guess_transcript *t, int fd, char *buf, size_t cap)
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

/* [p1] One game, as the book's client plays it: PARAMS (its session), at
 * most five NUMBERs, each judged and reported (request_numbers,
 * report_outcome), stopping at Correct, then PARAMS 0 -1. */
static bool play_game(struct guess_transcript *t, int fd, int game)
{
    struct guess_setting g = guess_book_games[game];
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
        t->guesses[game][t->nguesses[game]++] = number;
        enum guess_decision d = guess_client_judge(&client, number);
        snprintf(line, sizeof line, "REPORT %s", guess_decision_name(d));
        if (!send_line(t, fd, line))
            return false;
        if (d == GUESS_CORRECT)
            break;
    }
    return send_line(t, fd, "PARAMS 0 -1");
}

bool guess_play_book_games(int port, struct guess_transcript *t)
{
    memset(t, 0, sizeof *t);
    int fd = guess_connect_loopback(port);
    if (fd == -1)
        return stop_short(t, "cannot connect to 127.0.0.1:%d: %s", port, strerror(errno));
    bool ok = play_game(t, fd, 0) && play_game(t, fd, 1);
    CL_CHECK_SYS(close(fd));
    return ok;
}

/* [p2] Connects, asks once, keeps the socket open: an idle client. */
static int idle_client(int port)
{
    int fd = guess_connect_loopback(port);
    char reply[GUESS_REPLY_MAX];
    if (fd >= 0 && (send(fd, "NUMBER\n", 7, MSG_NOSIGNAL) != 7 || recv(fd, reply, sizeof reply, 0) <= 0)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

long guess_hold_clients(int port, long n, double seconds)
{
    int *fds = cl_calloc((size_t)n, sizeof *fds);
    long in = 0;
    while (in < n && !cl_interrupted() && (fds[in] = idle_client(port)) >= 0)
        in++;
    if (in == n) {
        printf("holding %ld idle connections for %g s\n", n, seconds);
        CL_CHECK_SYS(fflush(stdout));
        for (double end = cl_now() + seconds; cl_now() < end && !cl_interrupted();)
            poll(NULL, 0, 20); /* a stop signal cuts it short */
    }
    for (long i = 0; i < in; i++)
        CL_CHECK_SYS(close(fds[i]));
    free(fds);
    return in;
}

long guess_raise_fd_limit(void)
{
    struct rlimit r;
    CL_CHECK_SYS(getrlimit(RLIMIT_NOFILE, &r));
    r.rlim_cur = r.rlim_max;
    CL_CHECK_SYS(setrlimit(RLIMIT_NOFILE, &r));
    return r.rlim_cur == RLIM_INFINITY || r.rlim_cur > 1000000 ? 1000000 : (long)r.rlim_cur;
}
