/*
 * guess_server.h - the game's servers, and running one.
 *
 * Three servers share the game (guess.c): guess_threads.c, the book's first
 * server, a thread per connection; guess_coroutines.c, its port to Item 60's
 * coroutines, made line for line (`diff -u guess_threads.c
 * guess_coroutines.c` is the port); guess_callbacks.c, the port a C
 * programmer writes without coroutines, every wait a libevent callback.
 * Each serves the clients of a listening socket until a byte can be read
 * from stop_fd, then ends every connection (no thread or coroutine waits
 * for a timer to notice) and returns its tally. One game (guess_game) is
 * shared by all of a server's connections, as the book's random module is.
 */
#ifndef GUESS_SERVER_H
#define GUESS_SERVER_H

#include "61_asyncio_port/guess.h"

#include <sys/types.h>

struct guess_server_stats {
    long connections; /* accepted */
    long refused;     /* accepted but could not be served (no thread to be had) */
};

/* ready(listen_fd), when not NULL, is called once the server is set up,
 * just before it waits for its first client (from the server's thread). */
typedef void guess_ready_fn(int listen_fd);
typedef struct guess_server_stats guess_serve_fn(int listen_fd, int stop_fd,
                                                 struct guess_game *game, guess_ready_fn *ready);
guess_serve_fn guess_serve_threads, guess_serve_coroutines, guess_serve_callbacks;

/* "threads", "coroutines" or "callbacks"; NULL for another name. */
guess_serve_fn *guess_server_named(const char *kind);

/* A non-blocking listening TCP socket on 127.0.0.1:port (0: any free port);
 * a port that cannot be had is a usage error. guess_bound_port says which. */
int guess_listen_loopback(int port);
int guess_bound_port(int fd);

/* Serves on a thread of its own until a stop signal (SIGINT, SIGTERM,
 * SIGHUP; cl_catch_stop_signals first), while the calling thread sleeps in
 * sigsuspend: nothing wakes to look for the signal, and no thread of the
 * server ever takes it. Then stops the server and returns its tally. */
struct guess_server_stats guess_serve_until_signal(guess_serve_fn *serve, int listen_fd,
                                                   struct guess_game *game, guess_ready_fn *ready);

/* A server in a child process, as the book runs its server apart from the
 * client (a thread there; a process here, so that its memory and threads
 * are its own to count). It serves until guess_child_stop. */
struct guess_child {
    pid_t pid;
    int port;
};
struct guess_child guess_spawn(guess_serve_fn *serve, uint64_t seed, enum guess_draw draw);
/* SIGTERM, then SIGKILL after within_s; reaped either way. True when it
 * stopped by itself, cleanly (exit status 128 + SIGTERM). */
bool guess_child_stop(struct guess_child *child, double within_s);

#endif
