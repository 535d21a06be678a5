/*
 * 61_asyncio_port - Item 61: know how to port threaded I/O to asyncio.
 *
 * Python:  the book's number-guessing game over TCP lines. A server gives
 *          each connection a thread that blocks in readline(); the port to
 *          asyncio keeps every line of its logic and adds `await` where it
 *          blocked (await reader.readline(), await writer.drain()), one
 *          event loop instead of a thread per client.
 * C:       the game, a state machine with no I/O (guess.c): PARAMS, NUMBER
 *          drawn with CPython's own randint (guess_random.c), REPORT. The
 *          book's server, a thread per connection (guess_threads.c [p4]-[p7]),
 *          and its port to Item 60's coroutines, line for line
 *          (guess_coroutines.c): each blocking call wrapped in CORO_AWAIT_IO
 *          (coro_io.h). Beside them the port a C programmer writes without
 *          coroutines, libevent callbacks (guess_callbacks.c [p8]-[p11]). The
 *          book's client [p1] and idle clients [p2] (guess_client.c).
 *
 * The claims: the port keeps the behaviour (the book's two games give the
 * same transcript on every server, line for line) and is straightforward
 * (`diff -u guess_threads.c guess_coroutines.c`); it serves many more
 * connections per byte of memory (the bench measures that).
 *
 * Run:  build/bin/61_asyncio_port                     the story (about 1 s)
 *       build/bin/61_asyncio_port --part games --server callbacks --draw step
 *       build/bin/61_asyncio_port --part serve --server threads --port 7777
 *       build/bin/61_asyncio_port --part hold --port 7777 --clients 2000 --seconds 5
 *       build/bin/61_asyncio_port-bench --part load   memory, CPU, games/s (CSV)
 *
 * Prints (abridged):
 *   the book's two games, seed 1234, on each server:
 *     threads                        | coroutines
 *     Guess a number between 1 and 5! Shhhhh, it's 3.
 *     > PARAMS 1 5                   | > PARAMS 1 5
 *     > NUMBER                       | > NUMBER
 *     < 4                            | < 4
 *     > REPORT Unsure                | > REPORT Unsure
 *     ...
 *   coroutines: the same 27 lines as threads
 *   callbacks: the same 27 lines as threads
 *   the guesses 4 1 5 3 and 11 10 12: the book's
 *   a port that steps past a repeated draw (--draw step): differs at line 10: "< 2" for "< 5"
 */
#include "61_asyncio_port/guess.h"
#include "61_asyncio_port/guess_client.h"
#include "61_asyncio_port/guess_server.h"
#include "clab.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *part = "story", *server_kind = "threads", *draw_name = "again";
static long port = 0, seed = 1234;
static struct cl_list clients = {1, {1000}};
static double seconds = 5;

static struct cl_opt opts[] = {
    {"part", CL_OPT_CHOICE, &part, "what to run: the story; the book's games on one --server; "
     "serve until Ctrl-C; hold idle clients on --port", 0, 0, "story|games|serve|hold"},
    {"server", CL_OPT_CHOICE, &server_kind, "games, serve: which server", 0, 0,
     "threads|coroutines|callbacks"},
    {"draw", CL_OPT_CHOICE, &draw_name, "how NUMBER avoids a repeat: draw again (the book) "
     "or step past it (a port that changed the logic)", 0, 0, "again|step"},
    {"seed", CL_OPT_INT, &seed, "the server's random.seed (1234: the book's guesses)", 0, 1e15},
    {"port", CL_OPT_INT, &port, "serve: 127.0.0.1 port (0: any free one); hold: the server's",
     0, 65535},
    {"clients", CL_OPT_LIST, &clients, "hold: how many idle clients (a list of one)", 1, 100000},
    {"seconds", CL_OPT_DOUBLE, &seconds, "hold: how long to hold them", 0, 60},
    {NULL},
};

static enum guess_draw draw(void)
{
    return strcmp(draw_name, "step") == 0 ? GUESS_STEP_PAST : GUESS_DRAW_AGAIN;
}

/* The book's games against a fresh server of this kind, in a child process;
 * the child is stopped and reaped whatever happened. */
static void play_on(const char *kind, enum guess_draw how, struct guess_transcript *t)
{
    struct guess_child child = guess_spawn(guess_server_named(kind), (uint64_t)seed, how);
    bool played = guess_play_book_games(child.port, t);
    bool stopped = guess_child_stop(&child, 0.3);
    cl_exit_if_interrupted();
    if (!played)
        cl_die("the %s server: %s", kind, t->error);
    if (!stopped)
        cl_die("the %s server did not stop cleanly on SIGTERM", kind);
}

/* The n-th line of a transcript (from 1), without its '\n', into out. */
static const char *line_of(const struct guess_transcript *t, int n, char *out, size_t cap)
{
    const char *p = t->text;
    for (int i = 1; i < n && p; i++)
        p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
    size_t len = p ? strcspn(p, "\n") : 0;
    snprintf(out, cap, "%.*s", (int)len, p ? p : "");
    return out;
}

/* The server is set up: say where it listens (a lab or the bench waits for it). */
static void say_port(int listen_fd)
{
    printf("port %d\n", guess_bound_port(listen_fd));
    CL_CHECK_SYS(fflush(stdout));
}

/* The first line where b differs from a, or 0. */
static int first_difference(const struct guess_transcript *a, const struct guess_transcript *b)
{
    char x[128], y[128];
    for (int n = 1; n <= a->lines || n <= b->lines; n++)
        if (strcmp(line_of(a, n, x, sizeof x), line_of(b, n, y, sizeof y)) != 0)
            return n;
    return 0;
}

/* The port's transcript against the original's: the same, or where not. */
static void compare(const char *what, const struct guess_transcript *original,
                    const struct guess_transcript *port, bool must_match)
{
    int n = first_difference(original, port);
    char x[128], y[128];
    if (n == 0) {
        printf("%s: the same %d lines as threads\n", what, port->lines);
        if (!must_match)
            cl_die("%s: a changed logic went unseen", what);
        return;
    }
    printf("%s: differs at line %d: \"%s\" for \"%s\"\n", what, n, line_of(port, n, y, sizeof y),
           line_of(original, n, x, sizeof x));
    if (must_match)
        cl_die("%s changed the behaviour of the thread server", what);
}

/* The story: the book's games on the thread server and on its ports, the
 * first two side by side; then a port that changed one rule of the logic. */
static void story(void)
{
    struct guess_transcript threads, coroutines, callbacks, stepped;
    play_on("threads", GUESS_DRAW_AGAIN, &threads);
    play_on("coroutines", GUESS_DRAW_AGAIN, &coroutines);
    printf("the book's two games, seed %ld, on each server:\n", seed);
    printf("  %-30s | %s\n", "threads", "coroutines");
    for (int n = 1; n <= threads.lines; n++) {
        char x[128], y[128];
        line_of(&threads, n, x, sizeof x), line_of(&coroutines, n, y, sizeof y);
        if (x[0] == '>' || x[0] == '<')
            printf("  %-30s | %s\n", x, y);
        else
            printf("  %s\n", x); /* a game's opening line, the client's own */
    }
    compare("coroutines", &threads, &coroutines, true);
    play_on("callbacks", GUESS_DRAW_AGAIN, &callbacks);
    compare("callbacks", &threads, &callbacks, true);
    static const long long book[2][4] = {{4, 1, 5, 3}, {11, 10, 12}};
    bool as_book = threads.nguesses[0] == 4 && threads.nguesses[1] == 3;
    for (int g = 0; g < 2; g++)
        for (int i = 0; i < threads.nguesses[g] && as_book; i++)
            as_book = threads.guesses[g][i] == book[g][i];
    if (seed == 1234 && !as_book)
        cl_die("seed 1234 did not draw the book's guesses 4 1 5 3 and 11 10 12");
    if (seed == 1234)
        printf("the guesses 4 1 5 3 and 11 10 12: the book's\n");
    play_on("coroutines", GUESS_STEP_PAST, &stepped);
    compare("a port that steps past a repeated draw (--draw step)", &threads, &stepped, false);
}

int main(int argc, char **argv)
{
    struct cl_program prog = {
        .name = "61_asyncio_port",
        .summary = "the book's threaded game server ported to coroutines, line for line",
        .epilogue = "Servers: threads (a thread per connection, the book's first),\n"
                    "coroutines (its port, a coroutine per connection), callbacks (libevent).\n"
                    "serve prints \"port N\" once listening; hold needs --port.\n",
        .opts = opts,
    };
    cl_parse(&prog, argc, argv);
    cl_catch_stop_signals();
    if (strcmp(part, "hold") == 0 && port == 0)
        cl_usage_error("--part hold needs the --port of a running server");
    if (strcmp(part, "hold") == 0 && clients.n != 1)
        cl_usage_error("--part hold takes one --clients value");
    if (strcmp(part, "hold") == 0 && clients.v[0] + 16 > guess_raise_fd_limit())
        cl_usage_error("--clients %ld: over the descriptor limit (see ulimit -Hn)", clients.v[0]);
    if (strcmp(part, "hold") == 0) /* connecting takes some 0.1 ms a client at most */
        cl_check_run_length(seconds + 1e-4 * (double)clients.v[0], "--part hold");
    if (strcmp(part, "story") == 0) {
        story();
    } else if (strcmp(part, "games") == 0) {
        struct guess_transcript t;
        play_on(server_kind, draw(), &t);
        fwrite(t.text, 1, t.len, stdout);
    } else if (strcmp(part, "serve") == 0) {
        struct guess_game game;
        guess_game_init(&game, (uint64_t)seed, draw());
        int fd = guess_listen_loopback((int)port);
        struct guess_server_stats st = guess_serve_until_signal(guess_server_named(server_kind),
                                                                fd, &game, say_port);
        CL_CHECK_SYS(close(fd));
        printf("served %ld connections, %ld refused\n", st.connections, st.refused);
    } else {
        long held = guess_hold_clients((int)port, clients.v[0], seconds);
        cl_exit_if_interrupted();
        if (held < clients.v[0]) {
            fprintf(stderr, "%s: only %ld of %ld clients could connect to 127.0.0.1:%ld\n",
                    cl_program_name(), held, clients.v[0], port);
            return 1;
        }
    }
    cl_exit_if_interrupted();
    return 0;
}
