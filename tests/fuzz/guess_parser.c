/*
 * guess_parser.c - libFuzzer target for Item 61's line handling (make fuzz).
 *
 * Arbitrary bytes go through both framings the servers use: the callback
 * server's (an evbuffer, evbuffer_readln with EVBUFFER_EOL_CRLF, the
 * GUESS_LINE_MAX cut-off) and the stream of the thread and coroutine
 * servers (stream_readline on a non-blocking socket). The two must cut the
 * same lines and find the same line too long; each line then goes into the
 * session state machine. Checked on every line:
 *   - a reply is one line: 1 to GUESS_REPLY_MAX - 1 bytes, one '\n', at the end;
 *   - it is "ERROR ..." or a decimal number; only PARAMS and REPORT may go
 *     unanswered;
 *   - a number is a guess inside the session's [lo, hi], never one given
 *     before in the session until REPORT Correct, and the secret after it;
 *   - no session ever hands out more guesses than its range holds.
 * The first input byte picks the seed and the draw; the rest is fed in
 * chunks whose sizes come from the input too, as reads from a socket would
 * split it.
 */
#include "61_asyncio_port/guess.h"
#include "61_asyncio_port/stream.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "guess_parser: invariant failed: %s (line %d)\n", #cond, \
                    __LINE__);                                                   \
            abort();                                                             \
        }                                                                        \
    } while (0)

/* What the fuzzer itself remembers of the session, to check the server's. */
struct shadow {
    bool solved;
    int n;
    long long given[GUESS_MAX_GUESSES];
};

static bool starts_with(const char *line, size_t len, const char *word)
{
    size_t w = strlen(word);
    return len >= w && memcmp(line, word, w) == 0;
}

static void check_line(struct guess_session *s, struct shadow *sh, const char *line, size_t len)
{
    char reply[GUESS_REPLY_MAX];
    memset(reply, 0x55, sizeof reply);
    size_t n = guess_handle_line(s, line, len, reply);
    bool params = starts_with(line, len, "PARAMS ");
    if (n == 0) {
        CHECK(params || starts_with(line, len, "REPORT "));
        if (params)
            *sh = (struct shadow){0}; /* a new session, or none */
        else if (len == strlen("REPORT Correct") && starts_with(line, len, "REPORT Correct"))
            sh->solved = true;
        return;
    }
    CHECK(n < GUESS_REPLY_MAX);
    CHECK(reply[n - 1] == '\n');
    CHECK(memchr(reply, '\n', n - 1) == NULL);
    CHECK(memchr(reply, '\0', n) == NULL);
    if (n > 6 && memcmp(reply, "ERROR ", 6) == 0)
        return;
    long long guess;
    CHECK(guess_parse_number(reply, n - 1, &guess));
    CHECK(starts_with(line, len, "NUMBER"));
    CHECK(s->active && s->lo <= guess && guess <= s->hi);
    if (sh->solved) {
        CHECK(sh->n > 0 && guess == sh->given[sh->n - 1]);
        return;
    }
    for (int i = 0; i < sh->n; i++)
        CHECK(sh->given[i] != guess);
    CHECK(sh->n < GUESS_MAX_GUESSES);
    CHECK((unsigned long long)sh->n < (unsigned long long)(s->hi - s->lo) + 1);
    sh->given[sh->n++] = guess;
}

/* The next line of the evbuffer, as the callback server cuts it: 1 and the
 * line, 0 when none is whole yet, -1 when it is too long. */
static int evbuffer_next(struct evbuffer *in, char **line, size_t *len)
{
    *line = evbuffer_readln(in, len, EVBUFFER_EOL_CRLF);
    if (*line && *len > GUESS_LINE_MAX) {
        free(*line);
        return -1;
    }
    if (*line)
        return 1;
    return evbuffer_get_length(in) > GUESS_LINE_MAX + 1 ? -1 : 0;
}

/* The same from the stream: 1, 0 (EAGAIN) or -1 (EMSGSIZE). */
static int stream_next(struct stream *st)
{
    ssize_t got = stream_readline(st);
    if (got > 0)
        return 1;
    CHECK(got == -1);
    if (errno == EAGAIN)
        return 0;
    CHECK(st->error == EMSGSIZE);
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static struct guess_game game;
    guess_game_init(&game, data[0] >> 1, data[0] & 1 ? GUESS_STEP_PAST : GUESS_DRAW_AGAIN);
    struct guess_session s;
    guess_session_init(&s, &game);
    struct shadow sh = {0};
    size_t chunk = (size_t)data[1] % 16 + 1;
    data += 2;
    size -= 2;
    struct evbuffer *in = evbuffer_new();
    int sv[2];
    CHECK(in != NULL && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
    struct stream st;
    stream_init(&st, sv[0]);
    bool closed = false;
    for (size_t at = 0; at < size && !closed; at += chunk) {
        size_t take = size - at < chunk ? size - at : chunk;
        CHECK(evbuffer_add(in, data + at, take) == 0);
        CHECK(write(sv[1], data + at, take) == (ssize_t)take);
        for (;;) {
            char *line;
            size_t len;
            int e = evbuffer_next(in, &line, &len), t = stream_next(&st);
            CHECK(e == t);
            if (e != 1) {
                closed = e == -1; /* the server would answer GUESS_TOO_LONG and close */
                break;
            }
            CHECK(len == st.line_len && memcmp(line, st.buf, len) == 0);
            check_line(&s, &sh, line, len);
            free(line);
        }
    }
    evbuffer_free(in);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
