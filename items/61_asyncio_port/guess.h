/*
 * guess.h - the number-guessing game of Item 61, with no I/O in it.
 *
 * Both servers (guess_threads.c, guess_event.c), the Python one
 * (harness/python/61_server.py) and the fuzz target share this: a session is a
 * pure state machine, one line in, at most one reply line out. The transport
 * reads lines and writes replies; nothing here touches a descriptor.
 *
 * The protocol, one command per line (LF or CRLF):
 *   PARAMS lo hi   start a session on [lo, hi]; no reply. lo > hi (the book
 *                  sends PARAMS 0 -1) ends the session.
 *   NUMBER         the reply is a guess in [lo, hi] not given before in this
 *                  session; once REPORT Correct came, the last guess (the
 *                  secret) again, as in the book. Errors: no session, no
 *                  numbers left, more than GUESS_MAX_GUESSES.
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

struct guess_session {
    uint64_t seed;       /* the server's seed: same seed, same guesses */
    uint64_t rng;        /* splitmix64 state, reset by every PARAMS */
    bool active;         /* a PARAMS lo hi with lo <= hi is in force */
    long long lo, hi;
    bool solved;         /* REPORT Correct came: NUMBER answers the secret */
    int nguesses;
    long long guesses[GUESS_MAX_GUESSES];
};

void guess_session_init(struct guess_session *s, uint64_t seed);

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
