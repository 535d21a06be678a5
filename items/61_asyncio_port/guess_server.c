/* guess_server.c - listening, and running a server until told to stop; see guess_server.h. */
#include "61_asyncio_port/guess_server.h"
#include "clab.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

guess_serve_fn *guess_server_named(const char *kind)
{
    if (strcmp(kind, "threads") == 0)
        return guess_serve_threads;
    if (strcmp(kind, "coroutines") == 0)
        return guess_serve_coroutines;
    if (strcmp(kind, "callbacks") == 0)
        return guess_serve_callbacks;
    return NULL;
}

int guess_listen_loopback(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CL_CHECK_SYS(fd);
    int one = 1;
    CL_CHECK_SYS(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == -1)
        cl_usage_error("cannot listen on 127.0.0.1:%d: %s", port, strerror(errno));
    CL_CHECK_SYS(listen(fd, SOMAXCONN)); /* the kernel caps it at net.core.somaxconn */
    /* poll() or the loop says a client waits; accept() must not block if it left meanwhile. */
    CL_CHECK_SYS(fcntl(fd, F_SETFL, O_NONBLOCK));
    return fd;
}

int guess_bound_port(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    CL_CHECK_SYS(getsockname(fd, (struct sockaddr *)&a, &len));
    return ntohs(a.sin_port);
}

struct runner {
    guess_serve_fn *serve;
    int listen_fd, stop_fd;
    struct guess_game *game;
    guess_ready_fn *ready;
    struct guess_server_stats stats;
};

static void *run_server(void *arg)
{
    struct runner *r = arg;
    r->stats = r->serve(r->listen_fd, r->stop_fd, r->game, r->ready);
    return NULL;
}

struct guess_server_stats guess_serve_until_signal(guess_serve_fn *serve, int listen_fd,
                                                   struct guess_game *game, guess_ready_fn *ready)
{
    int stop[2];
    CL_CHECK_SYS(pipe(stop));
    struct runner r = {.serve = serve, .listen_fd = listen_fd, .stop_fd = stop[0], .game = game,
                       .ready = ready};
    sigset_t stops, before;
    CL_CHECK_SYS(sigemptyset(&stops));
    CL_CHECK_SYS(sigaddset(&stops, SIGINT));
    CL_CHECK_SYS(sigaddset(&stops, SIGTERM));
    CL_CHECK_SYS(sigaddset(&stops, SIGHUP));
    /* Blocked here, they stay blocked in the server's threads (they inherit
     * the mask), and reach this thread only inside sigsuspend: no signal can
     * slip in between the look at the flag and the sleep. */
    CL_CHECK_RC(pthread_sigmask(SIG_BLOCK, &stops, &before));
    pthread_t server;
    CL_CHECK_RC(pthread_create(&server, NULL, run_server, &r));
    sigset_t waiting = before;
    CL_CHECK_SYS(sigdelset(&waiting, SIGINT));
    CL_CHECK_SYS(sigdelset(&waiting, SIGTERM));
    CL_CHECK_SYS(sigdelset(&waiting, SIGHUP));
    while (!cl_interrupted())
        sigsuspend(&waiting); /* returns -1, EINTR, once a handler ran */
    CL_CHECK_SYS(write(stop[1], "", 1));
    CL_CHECK_RC(pthread_join(server, NULL));
    CL_CHECK_RC(pthread_sigmask(SIG_SETMASK, &before, NULL));
    CL_CHECK_SYS(close(stop[0]));
    CL_CHECK_SYS(close(stop[1]));
    return r.stats;
}

struct guess_child guess_spawn(guess_serve_fn *serve, uint64_t seed, enum guess_draw draw)
{
    int fd = guess_listen_loopback(0);
    struct guess_child child = {.port = guess_bound_port(fd)};
    CL_CHECK_SYS(fflush(NULL));
    pid_t parent = getpid();
    child.pid = fork();
    CL_CHECK_SYS(child.pid);
    if (child.pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the parent */
#endif
        if (getppid() != parent)
            _exit(0);
        struct guess_game game;
        guess_game_init(&game, seed, draw);
        guess_serve_until_signal(serve, fd, &game, NULL);
        _exit(128 + cl_stop_signal()); /* not exit(): the parent's atexit work is not ours */
    }
    CL_CHECK_SYS(close(fd));
    return child;
}

bool guess_child_stop(struct guess_child *child, double within_s)
{
    CL_CHECK_SYS(kill(child->pid, SIGTERM));
    int status = 0;
    pid_t got;
    for (double end = cl_now() + within_s; (got = waitpid(child->pid, &status, WNOHANG)) == 0 &&
                                           cl_now() < end;)
        cl_sleep(0.002);
    CL_CHECK_SYS(got);
    if (got == 0) {
        CL_CHECK_SYS(kill(child->pid, SIGKILL));
        CL_CHECK_SYS(waitpid(child->pid, &status, 0));
    }
    return got != 0 && WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM;
}
