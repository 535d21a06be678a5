/*
 * guess.h - the number-guessing game of Item 61, with no I/O in it.
 *
 * Every server (guess_threads.c, guess_coroutines.c, guess_callbacks.c), the
 * Python ones (harness/python/61_server.py) and the fuzz target share this: a
 * session is a pure state machine, one line in, at most one reply line out.
 * The transport reads lines and writes replies; nothing here touches a
 * descriptor.
 *
 * The protocol, one command per line (LF or CRLF):
 *   PARAMS lo hi   start a session on [lo, hi]; no reply. lo > hi (the book
 *                  sends PARAMS 0 -1) ends the session.
 *   NUMBER         the reply is a guess in [lo, hi] not given before in this
 *                  session, drawn as the book's server draws it (randint,
 *                  drawn again while it repeats one); once REPORT Correct
 *                  came, the last guess (the secret) again, as in the book.
 *                  Errors: no session, no numbers left, more than
 *                  GUESS_MAX_GUESSES.
 *   REPORT word    Warmer, Colder, Unsure or Correct about the last guess; no
 *                  reply.
 * Anything else gets one line "ERROR ..." and the connection goes on. A line
 * longer than GUESS_LINE_MAX gets GUESS_TOO_LONG and the connection closes.
 */
#ifndef GUESS_H
#define GUESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUESS_LINE_MAX 64             /* longest line accepted, end-of-line excluded */
#define GUESS_REPLY_MAX 64            /* longest reply, its '\n' included */
#define GUESS_MAX_GUESSES 32          /* NUMBERs per session before an error */
#define GUESS_VALUE_MAX 1000000000000LL /* |lo|, |hi| at most 10^12 */
#define GUESS_TOO_LONG "ERROR line too long\n"
#define GUESS_OUTPUT_MAX (64 * 1024) /* replies queued for a client that does not read */

/* CPython's random module, the part the game uses (guess_random.c):
 * random.seed(seed), and _randbelow(n), which randint(a, b) is built on. */
#define GUESS_MT_WORDS 624
struct guess_random {
    uint32_t mt[GUESS_MT_WORDS];
    int next;
};
void guess_random_seed(struct guess_random *r, uint64_t seed);
uint64_t guess_random_below(struct guess_random *r, uint64_t n); /* n >= 1 */

/* How NUMBER picks a guess it has not given yet. */
enum guess_draw {
    GUESS_DRAW_AGAIN, /* the book's: randint again while it repeats one */
    GUESS_STEP_PAST,  /* a port that changed the logic: step up to the next free one */
};

/* What every session of one server shares: the book's server draws from the
 * module-level generator, seeded once (random.seed(1234)). One generator for
 * all its connections, so a thread server must lock around every use. */
struct guess_game {
    struct guess_random rng;
    enum guess_draw draw;
};
void guess_game_init(struct guess_game *g, uint64_t seed, enum guess_draw draw);

/* One connection's session (the book's Session object). */
struct guess_session {
    struct guess_game *game;
    bool active;         /* a PARAMS lo hi with lo <= hi is in force */
    long long lo, hi;
    bool solved;         /* REPORT Correct came: NUMBER answers the secret */
    int nguesses;
    long long guesses[GUESS_MAX_GUESSES];
};

void guess_session_init(struct guess_session *s, struct guess_game *game);

/* One line, without its end-of-line (len bytes, not NUL-terminated, any
 * bytes at all). Writes the reply, '\n'-terminated, into reply and returns
 * its length; 0 when the command has no reply. */
size_t guess_handle_line(struct guess_session *s, const char *line, size_t len,
                         char reply[GUESS_REPLY_MAX]);

/* ---- The client's side of the game (the book's Client class) ---------- */

enum guess_decision { GUESS_UNSURE, GUESS_WARMER, GUESS_COLDER, GUESS_CORRECT };
#define GUESS_CLIENT_TRIES 5 /* the book's client gives up after 5 guesses */

struct guess_client {
    long long secret;
    bool have_distance;
    unsigned long long last_distance;
};

void guess_client_start(struct guess_client *c, long long secret);
/* Unsure for the first guess or an equal distance, Warmer when closer,
 * Colder when farther, Correct at distance 0. */
enum guess_decision guess_client_judge(struct guess_client *c, long long number);
const char *guess_decision_name(enum guess_decision d);

/* Parses a reply to NUMBER ("42\n" without the '\n'); false if it is not one. */
bool guess_parse_number(const char *text, size_t len, long long *value);

#endif
