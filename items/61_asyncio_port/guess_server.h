/*
 * guess_server.h - the two servers of Item 61 and what they share.
 *
 * guess_threads.c is the blocking server: an accept loop and one thread per
 * connection. guess_event.c is its port to the event loop (libevent), written
 * to differ from it as little as possible: `diff -u guess_threads.c
 * guess_event.c` is the port (the README quotes it). Both serve a listening
 * socket they are given until Ctrl-C (cl_interrupted()), then close every
 * connection, join every thread and return. ready(listen_fd) is called
 * once the server is set up, just before it starts serving.
 */
#ifndef GUESS_SERVER_H
#define GUESS_SERVER_H

#include <stdint.h>

struct guess_server_stats {
    long connections;  /* accepted */
    long refused;      /* accepted but could not be served (no thread) */
};

struct guess_server_stats guess_serve_threads(int listen_fd, uint64_t seed,
                                              void (*ready)(int listen_fd));
struct guess_server_stats guess_serve_event(int listen_fd, uint64_t seed,
                                            void (*ready)(int listen_fd));

/* A listening TCP socket on 127.0.0.1:port (0: any free port); exits with a
 * message if it cannot. guess_bound_port tells which port it got. */
int guess_listen_loopback(int port);
int guess_bound_port(int fd);

#endif
