/*
 * guess_client.h - the game's clients, blocking, for the program and its
 * labs: the book's client playing its two games, and a crowd of idle
 * clients that connect and wait (to see what a server pays for each).
 */
#ifndef GUESS_CLIENT_H
#define GUESS_CLIENT_H

#include "61_asyncio_port/guess.h"

/* The book's two games: 1 to 5 with secret 3, then 10 to 15 with secret 12. */
struct guess_setting {
    long long lo, hi, secret;
};
extern const struct guess_setting guess_book_games[2];

/* What the client said ("> ") and heard ("< "), line by line, and the
 * guesses of each game. */
struct guess_transcript {
    char text[4096];
    size_t len;
    int lines;
    int nguesses[2];
    long long guesses[2][GUESS_CLIENT_TRIES];
    char error[200]; /* why the games stopped short; "" when they did not */
};

/* A blocking connection to 127.0.0.1:port, every wait bounded by 5 s;
 * -1 (errno set) when it cannot be made. */
int guess_connect_loopback(int port);

/* The book's client (its session, request_numbers and report_outcome):
 * both games on one connection. False, with t->error, when they stopped
 * short (a server that closed, went silent or answered nonsense; Ctrl-C). */
bool guess_play_book_games(int port, struct guess_transcript *t);

/* n clients connect to 127.0.0.1:port, each asks once (so that its
 * server has served it) and then waits, idle; once all are in, prints
 * "holding N idle connections for S s", waits seconds (Ctrl-C ends it
 * early), closes them all. Returns how many connected. */
long guess_hold_clients(int port, long n, double seconds);

/* Raises the soft limit on descriptors to the hard one; returns how many
 * this process may have open. */
long guess_raise_fd_limit(void);

#endif
