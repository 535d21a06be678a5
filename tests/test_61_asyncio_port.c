/* test_61_asyncio_port.c - Item 61's two servers, driven over loopback.
 *
 * Each test starts `61_asyncio_port --mode serve` as a child on an ephemeral
 * port (it says which on its first line), talks to it through plain blocking
 * sockets with 5 s receive timeouts, and stops it with SIGINT, reaping it.
 * Every test runs against both servers. No test looks at a time. */
#include "helpers.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM "61_asyncio_port"

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static const char *const kinds[] = {"threads", "event"};

/* The book's two games with seed 11, as the client sees them. The guesses
 * were drawn by harness/python/61_server.py, a separate implementation of
 * the same generator; the verdicts were checked by hand against the rule
 * (Unsure first or at an equal distance, Warmer closer, Colder farther). */
static const char book_transcript[] =
    "Guess a number between 1 and 5! Shhhhh, it's 3.\n"
    "> PARAMS 1 5\n> NUMBER\n< 2\n> REPORT Unsure\n"     /* |2-3| = 1 */
    "> NUMBER\n< 1\n> REPORT Colder\n"                   /* 2 > 1 */
    "> NUMBER\n< 5\n> REPORT Unsure\n"                   /* 2 = 2 */
    "> NUMBER\n< 4\n> REPORT Warmer\n"                   /* 1 < 2 */
    "> NUMBER\n< 3\n> REPORT Correct\n> PARAMS 0 -1\n"
    "Guess a number between 10 and 15! Shhhhh, it's 12.\n"
    "> PARAMS 10 15\n> NUMBER\n< 15\n> REPORT Unsure\n"  /* 3 */
    "> NUMBER\n< 10\n> REPORT Warmer\n"                  /* 2 < 3 */
    "> NUMBER\n< 13\n> REPORT Warmer\n"                  /* 1 < 2 */
    "> NUMBER\n< 14\n> REPORT Colder\n"                  /* 2 > 1 */
    "> NUMBER\n< 11\n> REPORT Warmer\n"                  /* 1 < 2; five tries, no more */
    "> PARAMS 0 -1\n";

/* ---- A server child ------------------------------------------------------ */

struct server {
    const char *kind;
    pid_t pid;
    int port;
    int out_fd;
};

/* nofile > 0: the server runs with that descriptor limit and its stderr
 * goes to the file err_path. */
static void start_server_limited(struct server *s, const char *kind, long nofile,
                                 const char *err_path)
{
    const char *bin = getenv("CONCLAB_BIN");
    cr_assert(bin != NULL, "CONCLAB_BIN is not set");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", bin, PROGRAM);
    int out[2];
    cr_assert(pipe(out) == 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with a test that failed */
        alarm(60);                        /* and survives no longer than this */
        if (nofile > 0) {
            struct rlimit r = {(rlim_t)nofile, (rlim_t)nofile};
            int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (setrlimit(RLIMIT_NOFILE, &r) != 0 || err < 0 || dup2(err, 2) < 0)
                _exit(126);
            close(err);
        }
        execl(path, path, "--mode", "serve", "--server", kind, "--port", "0", "--seed", "11",
              (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    *s = (struct server){.kind = kind, .pid = pid, .out_fd = out[0]};
    char line[64] = "";
    size_t used = 0;
    while (used + 1 < sizeof line) {
        struct pollfd p = {.fd = s->out_fd, .events = POLLIN};
        cr_assert(poll(&p, 1, 10000) == 1, "%s: the server did not say its port", kind);
        cr_assert(read(s->out_fd, line + used, 1) == 1, "%s: the server closed its stdout", kind);
        if (line[used] == '\n')
            break;
        used++;
    }
    cr_assert(sscanf(line, "port %d", &s->port) == 1, "%s: first line '%s'", kind, line);
}

static void start_server(struct server *s, const char *kind)
{
    start_server_limited(s, kind, 0, NULL);
}

/* SIGINT, then a bounded wait: the server must stop by itself and cleanly. */
static void stop_server(struct server *s)
{
    cr_assert(kill(s->pid, SIGINT) == 0);
    int status = 0;
    pid_t got = 0;
    for (int i = 0; i < 500 && (got = waitpid(s->pid, &status, WNOHANG)) == 0; i++)
        pause_ms(10);
    if (got == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &status, 0);
    }
    close(s->out_fd);
    cr_assert(got == s->pid, "%s: the server did not stop within 5 s of SIGINT", s->kind);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130,
              "%s: the server ended with status 0x%x", s->kind, (unsigned)status);
}

static long proc_field(pid_t pid, const char *name)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    long value = -1;
    size_t len = strlen(name);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':')
            value = atol(line + len + 1);
    fclose(f);
    return value;
}

static long open_fds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    cr_assert_not_null(d);
    long n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Waits (5 s at most) for the server's descriptors to come back to baseline. */
static void assert_fds_back(struct server *s, long baseline)
{
    long now = open_fds(s->pid);
    for (int i = 0; i < 500 && now != baseline; i++) {
        pause_ms(10);
        now = open_fds(s->pid);
    }
    cr_assert_eq(now, baseline, "%s: %ld descriptors open, %ld before", s->kind, now, baseline);
}

/* Waits (5 s at most) for the server to run `want` threads. */
static void assert_threads(struct server *s, long want)
{
    long now = proc_field(s->pid, "Threads");
    for (int i = 0; i < 500 && now != want; i++) {
        pause_ms(10);
        now = proc_field(s->pid, "Threads");
    }
    cr_assert_eq(now, want, "%s: %ld threads, expected %ld", s->kind, now, want);
}

/* ---- A client ------------------------------------------------------------- */

static int dial(struct server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct timeval five = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof five);
    int one = 1; /* no 40 ms wait for a delayed ACK after a line with no reply */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "%s: connect", s->kind);
    return fd;
}

static void say(int fd, const char *text)
{
    size_t len = strlen(text);
    cr_assert_eq(send(fd, text, len, MSG_NOSIGNAL), (ssize_t)len, "send '%s'", text);
}

/* One reply line without its '\n'; "EOF" at end of file, "RESET" when the
 * server closed with our bytes unread, "TIMEOUT" after 5 s. */
static const char *hear(int fd)
{
    static char line[256];
    size_t used = 0;
    for (;;) {
        ssize_t n = recv(fd, line + used, 1, 0);
        if (n == 0)
            return used ? "PARTIAL" : "EOF";
        if (n < 0)
            return errno == ECONNRESET ? "RESET" : "TIMEOUT";
        if (line[used] == '\n' || ++used == sizeof line - 1)
            break;
    }
    line[used] = '\0';
    return line;
}

static void assert_reply(int fd, const char *kind, const char *sent, const char *expected)
{
    say(fd, sent);
    cr_assert_str_eq(hear(fd), expected, "%s: after '%s'", kind, sent);
}

/* ---- The protocol, command by command -------------------------------------- */

Test(item61, every_command_against_both_servers, .timeout = 30)
{
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        int fd = dial(&s);
        assert_reply(fd, s.kind, "NUMBER\n", "ERROR no session: send PARAMS lo hi first");
        assert_reply(fd, s.kind, "REPORT Warmer\n", "ERROR no guess to report on");
        /* PARAMS has no reply: the NUMBER after it answers for both. Five
         * NUMBERs on [1, 5] must give each of 1..5 once; with seed 11 they
         * come as 2 1 5 4 3 (drawn independently by 61_server.py). */
        say(fd, "PARAMS 1 5\n");
        const char *expected[] = {"2", "1", "5", "4", "3"};
        bool seen[6] = {false};
        for (int i = 0; i < 5; i++) {
            say(fd, "NUMBER\n");
            const char *got = hear(fd);
            cr_assert_str_eq(got, expected[i], "%s: guess %d", s.kind, i + 1);
            int v = atoi(got);
            cr_assert(v >= 1 && v <= 5 && !seen[v], "%s: guess %s repeated or out of range",
                      s.kind, got);
            seen[v] = true;
            say(fd, "REPORT Unsure\n"); /* no reply */
        }
        assert_reply(fd, s.kind, "NUMBER\n", "ERROR no numbers left");
        /* After Correct, NUMBER answers the secret (the last guess) again. */
        say(fd, "PARAMS 10 15\r\n"); /* CRLF works too */
        assert_reply(fd, s.kind, "NUMBER\n", "15");
        say(fd, "REPORT Correct\n");
        assert_reply(fd, s.kind, "NUMBER\n", "15");
        assert_reply(fd, s.kind, "NUMBER\n", "15");
        /* PARAMS 0 -1 ends the session. */
        say(fd, "PARAMS 0 -1\n");
        assert_reply(fd, s.kind, "NUMBER\n", "ERROR no session: send PARAMS lo hi first");
        /* Negative ranges and the largest allowed values. */
        say(fd, "PARAMS -1000000000000 -999999999999\n");
        say(fd, "NUMBER\n");
        char first[64];
        snprintf(first, sizeof first, "%s", hear(fd));
        cr_assert(strcmp(first, "-1000000000000") == 0 || strcmp(first, "-999999999999") == 0,
                  "%s: %s", s.kind, first);
        say(fd, "NUMBER\n");
        const char *second = hear(fd);
        cr_assert(strcmp(second, first) != 0 && (strcmp(second, "-1000000000000") == 0 ||
                                                 strcmp(second, "-999999999999") == 0),
                  "%s: %s then %s", s.kind, first, second);
        /* A session gives 32 different guesses, then an error. */
        say(fd, "PARAMS 1 100\n");
        bool given[101] = {false};
        for (int i = 0; i < 32; i++) {
            say(fd, "NUMBER\n");
            int v = atoi(hear(fd));
            cr_assert(v >= 1 && v <= 100 && !given[v], "%s: guess %d is %d", s.kind, i + 1, v);
            given[v] = true;
        }
        assert_reply(fd, s.kind, "NUMBER\n", "ERROR too many guesses");
        close(fd);
        stop_server(&s);
    }
}

Test(item61, the_book_games_give_the_known_transcript, .timeout = 30)
{
    for (int k = 0; k < 2; k++) {
        struct run_result *r = calloc(1, sizeof *r);
        run_program(r, 20, PROGRAM, "--mode", "transcript", "--server", kinds[k], NULL);
        cr_assert_eq(r->exit_code, 0, "%s: stderr: %s", kinds[k], r->err);
        cr_assert_str_eq(r->out, book_transcript, "%s", kinds[k]);
        free(r);
    }
}

Test(item61, the_asyncio_server_gives_the_same_transcript, .timeout = 30)
{
    if (system("python3 -c '' >/dev/null 2>&1") != 0)
        cr_skip_test("python3 is not installed");
    struct run_result *r = calloc(1, sizeof *r);
    run_program(r, 20, PROGRAM, "--mode", "transcript", "--server", "asyncio", NULL);
    cr_assert_eq(r->exit_code, 0, "stderr: %s", r->err);
    cr_assert_str_eq(r->out, book_transcript);
    free(r);
}

/* A fake asyncio server (CONCLAB_61_SERVER) that answers NUMBER with
 * "banana", writes its pid to a file, and has turned off the parent-death
 * signal, so that only the program itself can stop it. */
static const char banana_server[] =
    "import ctypes, socket, sys, time\n"
    "ctypes.CDLL(None).prctl(1, 0)  # PR_SET_PDEATHSIG: none\n"
    "open(sys.argv[1], 'w').write('%d' % __import__('os').getpid())\n"
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
    "print('port %d' % s.getsockname()[1], flush=True)\n"
    "c, _ = s.accept(); c.recv(100); c.sendall(b'banana\\n'); time.sleep(30)\n";

Test(item61, a_wrong_answer_kills_and_reaps_the_server_before_the_program_dies, .timeout = 30)
{
    if (system("python3 -c 'import ctypes' >/dev/null 2>&1") != 0)
        cr_skip_test("python3 is not installed");
    char dir[] = "/tmp/conclab-61-banana-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char script[200], pid_file[200];
    snprintf(script, sizeof script, "%s/server.py", dir);
    snprintf(pid_file, sizeof pid_file, "%s/pid", dir);
    FILE *f = fopen(script, "w");
    cr_assert_not_null(f);
    /* The program runs the script with its own flags after it; the pid file
     * goes in as the first, ahead of them. */
    fprintf(f, "import sys\nsys.argv[1:1] = ['%s']\n%s", pid_file, banana_server);
    fclose(f);
    cr_assert_eq(setenv("CONCLAB_61_SERVER", script, 1), 0);
    struct run_result *r = calloc(1, sizeof *r);
    run_program(r, 20, PROGRAM, "--mode", "transcript", "--server", "asyncio", NULL);
    f = fopen(pid_file, "r");
    cr_assert_not_null(f, "the fake server never ran: %s", r->err);
    int pid = 0;
    cr_assert_eq(fscanf(f, "%d", &pid), 1);
    fclose(f);
    bool still_there = kill(pid, 0) == 0;
    if (still_there)
        kill(pid, SIGKILL); /* leave nothing behind, then fail */
    unlink(pid_file);
    unlink(script);
    rmdir(dir);
    cr_assert(!still_there, "the server child %d outlived the program", pid);
    cr_assert_eq(r->exit_code, 1, "stderr: %s", r->err);
    cr_assert_not_null(strstr(r->err, "'banana' is not a guess in [1, 5]"), "%s", r->err);
    free(r);
}

Test(item61, unknown_and_malformed_commands_get_an_error_and_the_game_goes_on, .timeout = 30)
{
    const char *bad[][2] = {
        {"HELLO\n", "ERROR unknown command"},
        {"\n", "ERROR unknown command"},
        {"number\n", "ERROR unknown command"},
        {" NUMBER\n", "ERROR unknown command"},
        {"NUMBER 5\n", "ERROR usage: NUMBER"},
        {"PARAMS 1\n", "ERROR usage: PARAMS lo hi (integers, |n| <= 10^12)"},
        {"PARAMS a b\n", "ERROR usage: PARAMS lo hi (integers, |n| <= 10^12)"},
        {"PARAMS 1  5\n", "ERROR usage: PARAMS lo hi (integers, |n| <= 10^12)"},
        {"PARAMS 1 5 7\n", "ERROR usage: PARAMS lo hi (integers, |n| <= 10^12)"},
        {"PARAMS 1 1000000000001\n", "ERROR usage: PARAMS lo hi (integers, |n| <= 10^12)"},
        {"PARAMS - 5\n", "ERROR usage: PARAMS lo hi (integers, |n| <= 10^12)"},
        {"REPORT Hot\n", "ERROR usage: REPORT Warmer|Colder|Unsure|Correct"},
        {"REPORT\n", "ERROR usage: REPORT Warmer|Colder|Unsure|Correct"},
        {"REPORT correct\n", "ERROR usage: REPORT Warmer|Colder|Unsure|Correct"},
        {"\x01\xff\x80garbage\n", "ERROR unknown command"},
    };
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        int fd = dial(&s);
        say(fd, "PARAMS 1 5\n");
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
            assert_reply(fd, s.kind, bad[i][0], bad[i][1]);
        /* Bytes say() cannot send: a NUL inside a line, and a bare CR
         * before the CRLF (only one CR belongs to the end of line). */
        const char nul_inside[] = "NUM\0BER\n", cr_twice[] = "NUMBER\r\r\n";
        cr_assert_eq(send(fd, nul_inside, sizeof nul_inside - 1, MSG_NOSIGNAL),
                     (ssize_t)sizeof nul_inside - 1);
        cr_assert_str_eq(hear(fd), "ERROR unknown command", "%s: a NUL", s.kind);
        cr_assert_eq(send(fd, cr_twice, sizeof cr_twice - 1, MSG_NOSIGNAL),
                     (ssize_t)sizeof cr_twice - 1);
        cr_assert_str_eq(hear(fd), "ERROR unknown command", "%s: CR CR LF", s.kind);
        /* The session survived every error: the first guess is still 2. */
        assert_reply(fd, s.kind, "NUMBER\n", "2");
        close(fd);
        stop_server(&s);
    }
}

Test(item61, a_line_too_long_is_cut_off_and_the_connection_closed, .timeout = 30)
{
    char exactly_64[80], line_65[80], endless[5000];
    memset(exactly_64, 'x', 64);
    strcpy(exactly_64 + 64, "\n");
    memset(line_65, 'x', 65);
    strcpy(line_65 + 65, "\n");
    memset(endless, 'y', sizeof endless - 1); /* no end of line at all */
    endless[sizeof endless - 1] = '\0';
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        long baseline = open_fds(s.pid);
        int fd = dial(&s);
        assert_reply(fd, s.kind, exactly_64, "ERROR unknown command"); /* at the limit: fine */
        assert_reply(fd, s.kind, line_65, "ERROR line too long");
        cr_assert_str_eq(hear(fd), "EOF", "%s: still open after a line too long", s.kind);
        close(fd);
        /* A client still sending when the server closes gets a reset, which
         * may overtake the error line: either is a cut-off, never a wait. */
        fd = dial(&s);
        say(fd, endless);
        const char *got = hear(fd);
        if (strcmp(got, "ERROR line too long") == 0)
            got = hear(fd);
        cr_assert(strcmp(got, "EOF") == 0 || strcmp(got, "RESET") == 0, "%s: %s", s.kind, got);
        close(fd);
        /* The server goes on serving others. */
        fd = dial(&s);
        say(fd, "PARAMS 1 5\n");
        assert_reply(fd, s.kind, "NUMBER\n", "2");
        close(fd);
        assert_fds_back(&s, baseline);
        stop_server(&s);
    }
}

Test(item61, clients_that_vanish_mid_session_leak_nothing, .timeout = 30)
{
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        long baseline = open_fds(s.pid);
        for (int i = 0; i < 20; i++) {
            int fd = dial(&s);
            say(fd, "PARAMS 1 5\n");
            assert_reply(fd, s.kind, "NUMBER\n", "2");
            if (i % 3 == 0)
                say(fd, "REPORT Unsure\nNUMB"); /* half a line, then gone */
            if (i % 3 == 1) {
                struct linger hard = {1, 0}; /* close with a reset, not a goodbye */
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
                say(fd, "NUMBER\n");
            }
            close(fd);
        }
        int fd = dial(&s);
        say(fd, "PARAMS 10 15\n");
        assert_reply(fd, s.kind, "NUMBER\n", "15");
        close(fd);
        assert_fds_back(&s, baseline);
        if (k == 0)
            assert_threads(&s, 1); /* every connection's thread joined */
        stop_server(&s);
    }
}

Test(item61, a_client_that_stops_sending_still_gets_its_replies, .timeout = 30)
{
    /* Everything in one go, then shutdown(SHUT_WR): the server reads end of
     * file right behind the lines, and must answer them before it closes. */
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        long baseline = open_fds(s.pid);
        for (int i = 0; i < 20; i++) {
            int fd = dial(&s);
            say(fd, "PARAMS 1 5\nNUMBER\nREPORT Unsure\nNUMBER\nHELLO\n");
            cr_assert_eq(shutdown(fd, SHUT_WR), 0);
            cr_assert_str_eq(hear(fd), "2", "%s, try %d", s.kind, i);
            cr_assert_str_eq(hear(fd), "1", "%s, try %d", s.kind, i);
            cr_assert_str_eq(hear(fd), "ERROR unknown command", "%s, try %d", s.kind, i);
            cr_assert_str_eq(hear(fd), "EOF", "%s, try %d", s.kind, i);
            close(fd);
        }
        assert_fds_back(&s, baseline);
        stop_server(&s);
    }
}

/* The test above passes even on an event server that closes as soon as it
 * reads end of file: its few replies are written before the end of file is
 * read. Here the replies are far more than the socket buffers hold (200000
 * empty lines, 22 bytes of "ERROR unknown command\n" each, 4.4 MB, to a
 * client with a 4 KiB receive buffer that waits before reading), so when the
 * server reads end of file it still holds replies: the event server must
 * send them before it closes (on_event). Checked: with that branch of
 * on_event disabled, this test failed 6 runs out of 6 (the client got
 * 198842 replies, then a reset), and passed 3 out of 3 with it. */
enum { MANY_LINES = 200000 };

static void *send_many_lines_then_shut(void *arg)
{
    int fd = *(int *)arg;
    static char lines[MANY_LINES];
    memset(lines, '\n', sizeof lines);
    size_t sent = 0;
    while (sent < sizeof lines) { /* blocks while the server pushes back (5 s at most each) */
        ssize_t n = send(fd, lines + sent, sizeof lines - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return "send failed";
        sent += (size_t)n;
    }
    return shutdown(fd, SHUT_WR) == 0 ? NULL : "shutdown failed";
}

Test(item61, replies_still_queued_at_end_of_file_go_out_before_the_close, .timeout = 30)
{
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        long baseline = open_fds(s.pid);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        cr_assert(fd >= 0);
        int small = 4096; /* before connect, so the window starts small */
        cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
        struct timeval five = {5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof five);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s.port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
        pthread_t sender;
        cr_assert_eq(pthread_create(&sender, NULL, send_many_lines_then_shut, &fd), 0);
        pause_ms(200); /* let the replies pile up on the server before reading any */
        long replies = 0;
        const char *got;
        while (strcmp(got = hear(fd), "ERROR unknown command") == 0)
            replies++;
        void *failed;
        cr_assert_eq(pthread_join(sender, &failed), 0);
        cr_assert_null(failed, "%s: %s", s.kind, (char *)failed);
        cr_assert_str_eq(got, "EOF", "%s: after %ld replies", s.kind, replies);
        cr_assert_eq(replies, MANY_LINES, "%s: %ld replies to %d lines", s.kind, replies,
                     MANY_LINES);
        close(fd);
        assert_fds_back(&s, baseline);
        stop_server(&s);
    }
}

/* A slow client: one byte every 100 ms, counting what it has sent. */
struct dribbler {
    int fd;
    const char *text;
    atomic_int sent;
};

static void *dribble(void *arg)
{
    struct dribbler *d = arg;
    for (const char *c = d->text; *c; c++) {
        if (send(d->fd, c, 1, MSG_NOSIGNAL) != 1)
            return "send failed";
        atomic_fetch_add(&d->sent, 1);
        pause_ms(100);
    }
    return NULL;
}

Test(item61, a_slow_client_blocks_no_one_else, .timeout = 30)
{
    /* While a slow client dribbles its lines a byte at a time (1.8 s in all),
     * another connects and plays the book's first game to the end: it must
     * be done before the slow client has sent its last byte. No clock is
     * read: a server that waited for the slow client's line would leave the
     * quick one waiting until then (or its 5 s receive timeout). On the
     * thread server the slow one holds one thread: the accept loop, the
     * slow client's, and the quick one's. */
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        struct dribbler slow = {.fd = dial(&s), .text = "PARAMS 1 5\nNUMBER\n"};
        int total = (int)strlen(slow.text);
        pthread_t t;
        cr_assert_eq(pthread_create(&t, NULL, dribble, &slow), 0);
        for (int i = 0; i < 50 && atomic_load(&slow.sent) < 2; i++)
            pause_ms(10); /* it is part-way through its first line */
        int quick = dial(&s);
        say(quick, "PARAMS 1 5\n");
        const char *guesses[] = {"2", "1", "5", "4", "3"}; /* seed 11, as above */
        const char *reports[] = {"REPORT Unsure\n", "REPORT Colder\n", "REPORT Unsure\n",
                                 "REPORT Warmer\n", "REPORT Correct\nPARAMS 0 -1\n"};
        for (int i = 0; i < 5; i++) {
            assert_reply(quick, s.kind, "NUMBER\n", guesses[i]);
            if (i == 0)
                assert_threads(&s, k == 0 ? 3 : 1);
            say(quick, reports[i]);
        }
        int sent = atomic_load(&slow.sent);
        close(quick);
        cr_assert_lt(sent, total, "%s: the quick game ended only after the slow client's "
                     "last byte", s.kind);
        void *failed;
        cr_assert_eq(pthread_join(t, &failed), 0);
        cr_assert_null(failed, "%s: %s", s.kind, (char *)failed);
        cr_assert_str_eq(hear(slow.fd), "2", "%s", s.kind);
        close(slow.fd);
        stop_server(&s);
    }
}

Test(item61, a_client_that_never_reads_is_not_buffered_without_end, .timeout = 40)
{
    /* It asks and asks and reads nothing. Once the socket buffers are full
     * the server must stop reading it (a blocked send on its thread, or the
     * event loop pausing its reads) rather than queue replies without end:
     * the client gets blocked long before 64 MiB and the server stays small. */
    enum { CHUNK = 1 << 16, CAP = 64 << 20 };
    static char asks[CHUNK];
    for (int i = 0; i < CHUNK; i += 8)
        memcpy(asks + i, "NUMBER\n\n", 8); /* a question and an empty line: two replies */
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        long baseline = open_fds(s.pid), rss_before = proc_field(s.pid, "VmRSS");
        int fd = dial(&s);
        say(fd, "PARAMS 1 1000000\n");
        long pushed = 0;
        while (pushed < CAP) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            if (poll(&p, 1, 300) != 1)
                break; /* blocked for 300 ms: the server is not reading */
            ssize_t n = send(fd, asks, CHUNK, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0)
                pushed += n;
        }
        long grown = proc_field(s.pid, "VmRSS") - rss_before;
        cr_assert_lt(pushed, CAP, "%s: took %ld bytes without pushing back", s.kind, pushed);
        cr_assert_lt(grown, 32 * 1024, "%s: grew by %ld KiB", s.kind, grown);
        /* It is still served: its first reply is its first guess. */
        char first[32];
        snprintf(first, sizeof first, "%s", hear(fd));
        long long guess = atoll(first);
        cr_assert(guess >= 1 && guess <= 1000000, "%s: first reply '%s'", s.kind, first);
        close(fd);
        int other = dial(&s);
        say(other, "PARAMS 1 5\n");
        assert_reply(other, s.kind, "NUMBER\n", "2");
        close(other);
        assert_fds_back(&s, baseline);
        stop_server(&s);
    }
}

Test(item61, descriptors_come_back_after_load, .timeout = 40)
{
    for (int k = 0; k < 2; k++) {
        struct run_result *r = calloc(1, sizeof *r);
        run_program(r, 30, PROGRAM, "--mode", "load", "--server", kinds[k], "--clients", "300",
                    "--sessions", "2", "--csv", NULL);
        cr_assert_eq(r->exit_code, 0, "%s: stderr: %s", kinds[k], r->err);
        cr_assert_eq(csv_number(r->out, "server", kinds[k], "complete"), 1, "%s", r->out);
        cr_assert_eq(csv_number(r->out, "server", kinds[k], "sessions"), 600, "%s", r->out);
        cr_assert_eq(csv_number(r->out, "server", kinds[k], "failed"), 0, "%s", r->out);
        cr_assert_eq(csv_number(r->out, "server", kinds[k], "fds_leaked"), 0, "%s", r->out);
        /* 300 clients open at once: 300 more descriptors on the server, and on
         * the thread server 300 more threads. */
        cr_assert_geq(csv_number(r->out, "server", kinds[k], "fds_loaded") -
                          csv_number(r->out, "server", kinds[k], "fds_idle"),
                      300, "%s", r->out);
        cr_assert_eq(csv_number(r->out, "server", kinds[k], "threads"), k == 0 ? 301 : 1, "%s",
                     r->out);
        free(r);
    }
}

Test(item61, many_connections_at_once_then_gone, .timeout = 30)
{
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server(&s, kinds[k]);
        long baseline = open_fds(s.pid);
        int fds[100];
        for (int i = 0; i < 100; i++) {
            fds[i] = dial(&s);
            say(fds[i], "PARAMS 10 15\n");
        }
        for (int i = 0; i < 100; i++)
            assert_reply(fds[i], s.kind, "NUMBER\n", "15");
        assert_fds_back(&s, baseline + 100);
        for (int i = 0; i < 100; i++)
            close(fds[i]);
        assert_fds_back(&s, baseline);
        stop_server(&s);
    }
}

Test(item61, out_of_descriptors_the_server_waits_and_recovers, .timeout = 30)
{
    /* 24 descriptors: fewer than the 40 clients, so accept() fails with
     * EMFILE while they wait. The server must neither die nor spin on the
     * failing accept (the event server used to: libevent retried at once and
     * wrote "[warn] Error from accept() call" a million times a second), and
     * once clients leave, the rest are served. */
    char err_path[] = "/tmp/conclab-61-emfile-XXXXXX";
    int err_fd = mkstemp(err_path);
    cr_assert(err_fd >= 0);
    close(err_fd);
    for (int k = 0; k < 2; k++) {
        struct server s;
        start_server_limited(&s, kinds[k], 24, err_path);
        int fds[40];
        for (int i = 0; i < 40; i++)
            fds[i] = dial(&s); /* the kernel completes them; the server cannot take all */
        for (int i = 0; i < 30; i++)
            close(fds[i]);
        for (int i = 30; i < 40; i++) {
            say(fds[i], "PARAMS 1 5\n");
            assert_reply(fds[i], s.kind, "NUMBER\n", "2");
            close(fds[i]);
        }
        stop_server(&s);
        FILE *f = fopen(err_path, "r");
        cr_assert_not_null(f);
        char first[200] = "";
        bool said_something = fgets(first, sizeof first, f) != NULL;
        fclose(f);
        cr_assert(!said_something, "%s wrote on stderr: %s", s.kind, first);
    }
    unlink(err_path);
}

Test(item61, the_demo_runs_clean, .timeout = 40)
{
    struct run_result *r = calloc(1, sizeof *r);
    run_program(r, 30, PROGRAM, "--clients", "100", NULL);
    cr_assert_eq(r->exit_code, 0, "stderr: %s", r->err);
    cr_assert_not_null(strstr(r->out, book_transcript), "%s", r->out);
    cr_assert_not_null(strstr(r->out, "event server on 127.0.0.1:"), "%s", r->out);
    cr_assert_not_null(strstr(r->out, ": the same transcript, all 36 lines\n"), "%s", r->out);
    cr_assert_not_null(strstr(r->out, "leftovers 0 children unreaped, 0 descriptors leaked\n"),
                       "%s", r->out);
    free(r);
}

Test(item61, bad_flags_are_one_line_and_exit_2, .timeout = 30)
{
    const char *bad[][2] = {
        {"--mode", "fast"},    {"--server", "fibers"}, {"--clients", "0"},
        {"--clients", "1,x"},  {"--port", "70000"},    {"--sessions", "0"},
        {"--seconds", "0"},    {"--rounds", "0"},      {"--no-such", "1"},
    };
    struct run_result *r = calloc(1, sizeof *r);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_program(r, 10, PROGRAM, bad[i][0], bad[i][1], NULL);
        cr_assert_eq(r->exit_code, 2, "%s %s: exit %d, stderr: %s", bad[i][0], bad[i][1],
                     r->exit_code, r->err);
        cr_assert_eq(count_lines(r->err), 1, "%s %s: %s", bad[i][0], bad[i][1], r->err);
        cr_assert_str_eq(r->out, "", "%s %s printed: %s", bad[i][0], bad[i][1], r->out);
    }
    /* A mode that needs one server, given none. */
    run_program(r, 10, PROGRAM, "--mode", "transcript", NULL);
    cr_assert_eq(r->exit_code, 2, "stderr: %s", r->err);
    run_program(r, 10, PROGRAM, "--mode", "serve", "--server", "asyncio", NULL);
    cr_assert_eq(r->exit_code, 2, "stderr: %s", r->err);
    free(r);
    /* A hard descriptor limit that leaves no room for a single client (the
     * program keeps 64): a usage error, not a failed calloc of -14 clients. */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ulimit -n 50 && exec timeout 10 '%s/" PROGRAM
             "' --mode load --clients 10 >/dev/null 2>&1", getenv("CONCLAB_BIN"));
    int status = system(cmd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "under ulimit -n 50: status 0x%x",
              (unsigned)status);
}
