/* guess.c - the game's session logic and line framing; see guess.h. */
#include "61_asyncio_port/guess.h"

#include <stdio.h>
#include <string.h>

void guess_game_init(struct guess_game *g, uint64_t seed, enum guess_draw draw)
{
    guess_random_seed(&g->rng, seed);
    g->draw = draw;
}

void guess_session_init(struct guess_session *s, struct guess_game *game)
{
    memset(s, 0, sizeof *s);
    s->game = game;
}

/* A strict decimal integer: optional '-', 1 to 13 digits, |v| <= 10^12. */
static bool parse_value(const char *text, size_t len, long long *value)
{
    bool negative = len > 0 && text[0] == '-';
    size_t i = negative;
    if (len == i || len - i > 13)
        return false;
    long long v = 0;
    for (; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (text[i] - '0');
    }
    if (v > GUESS_VALUE_MAX)
        return false;
    *value = negative ? -v : v;
    return true;
}

bool guess_parse_number(const char *text, size_t len, long long *value)
{
    return parse_value(text, len, value);
}

/* The words of a line, split at single spaces as the book's split(' ') does:
 * two spaces in a row make an empty word, which no command accepts. */
#define MAX_WORDS 4
struct words {
    int n;                 /* MAX_WORDS + 1 means "more than MAX_WORDS" */
    const char *at[MAX_WORDS];
    size_t len[MAX_WORDS];
};

static struct words split_words(const char *line, size_t len)
{
    struct words w = {0};
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != ' ')
            continue;
        if (w.n == MAX_WORDS) {
            w.n++;
            break;
        }
        w.at[w.n] = line + start;
        w.len[w.n++] = i - start;
        start = i + 1;
    }
    return w;
}

static bool word_is(const struct words *w, int i, const char *text)
{
    return w->len[i] == strlen(text) && memcmp(w->at[i], text, w->len[i]) == 0;
}

static size_t reply_text(char reply[GUESS_REPLY_MAX], const char *text)
{
    return (size_t)snprintf(reply, GUESS_REPLY_MAX, "%s\n", text);
}

static bool already_guessed(const struct guess_session *s, long long v)
{
    for (int i = 0; i < s->nguesses; i++)
        if (s->guesses[i] == v)
            return true;
    return false;
}

/* [p1] PARAMS lo hi: a new session (the book's _clear_state). */
static size_t on_params(struct guess_session *s, const struct words *w, char *reply)
{
    long long lo, hi;
    if (w->n != 3 || !parse_value(w->at[1], w->len[1], &lo) ||
        !parse_value(w->at[2], w->len[2], &hi))
        return reply_text(reply, "ERROR usage: PARAMS lo hi (integers, |n| <= 10^12)");
    guess_session_init(s, s->game);
    if (lo > hi)
        return 0; /* PARAMS 0 -1: the session is over */
    s->active = true;
    s->lo = lo;
    s->hi = hi;
    return 0;
}

/* [p2] NUMBER: randint(lo, hi), drawn again while it is one already given
 * (the book's next_guess); or, in the port that changed the logic, moved up
 * (wrapping) to the next one not given. */
static size_t on_number(struct guess_session *s, char *reply)
{
    if (!s->active)
        return reply_text(reply, "ERROR no session: send PARAMS lo hi first");
    if (s->solved)
        return (size_t)snprintf(reply, GUESS_REPLY_MAX, "%lld\n", s->guesses[s->nguesses - 1]);
    uint64_t span = (uint64_t)(s->hi - s->lo) + 1;
    if ((uint64_t)s->nguesses == span)
        return reply_text(reply, "ERROR no numbers left"); /* the book's would loop for ever */
    if (s->nguesses == GUESS_MAX_GUESSES)
        return reply_text(reply, "ERROR too many guesses");
    struct guess_game *g = s->game;
    long long guess = s->lo + (long long)guess_random_below(&g->rng, span);
    while (already_guessed(s, guess)) {
        if (g->draw == GUESS_DRAW_AGAIN)
            guess = s->lo + (long long)guess_random_below(&g->rng, span);
        else
            guess = guess == s->hi ? s->lo : guess + 1;
    }
    s->guesses[s->nguesses++] = guess;
    return (size_t)snprintf(reply, GUESS_REPLY_MAX, "%lld\n", guess);
}

/* [p3] REPORT word: the client's verdict on the last guess. */
static size_t on_report(struct guess_session *s, const struct words *w, char *reply)
{
    if (w->n != 2 || !(word_is(w, 1, "Warmer") || word_is(w, 1, "Colder") ||
                       word_is(w, 1, "Unsure") || word_is(w, 1, "Correct")))
        return reply_text(reply, "ERROR usage: REPORT Warmer|Colder|Unsure|Correct");
    if (!s->active || s->nguesses == 0)
        return reply_text(reply, "ERROR no guess to report on");
    if (word_is(w, 1, "Correct"))
        s->solved = true; /* the book: the secret is now known */
    return 0;
}

size_t guess_handle_line(struct guess_session *s, const char *line, size_t len,
                         char reply[GUESS_REPLY_MAX])
{
    struct words w = split_words(line, len);
    if (word_is(&w, 0, "PARAMS"))
        return on_params(s, &w, reply);
    if (word_is(&w, 0, "NUMBER"))
        return w.n == 1 ? on_number(s, reply) : reply_text(reply, "ERROR usage: NUMBER");
    if (word_is(&w, 0, "REPORT"))
        return on_report(s, &w, reply);
    return reply_text(reply, "ERROR unknown command");
}

/* ---- The client -------------------------------------------------------- */

void guess_client_start(struct guess_client *c, long long secret)
{
    *c = (struct guess_client){.secret = secret};
}

enum guess_decision guess_client_judge(struct guess_client *c, long long number)
{
    unsigned long long distance = number > c->secret ? (unsigned long long)(number - c->secret)
                                                     : (unsigned long long)(c->secret - number);
    enum guess_decision d = GUESS_UNSURE;
    if (distance == 0)
        d = GUESS_CORRECT;
    else if (c->have_distance && distance < c->last_distance)
        d = GUESS_WARMER;
    else if (c->have_distance && distance > c->last_distance)
        d = GUESS_COLDER;
    c->have_distance = true;
    c->last_distance = distance;
    return d;
}

const char *guess_decision_name(enum guess_decision d)
{
    static const char *const names[] = {"Unsure", "Warmer", "Colder", "Correct"};
    return names[d];
}
