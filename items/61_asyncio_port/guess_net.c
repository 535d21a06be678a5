/* guess_net.c - the listening socket both servers are given; see guess_server.h. */
#include "61_asyncio_port/guess_server.h"
#include "clab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>

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
    return fd;
}

int guess_bound_port(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    CL_CHECK_SYS(getsockname(fd, (struct sockaddr *)&a, &len));
    return ntohs(a.sin_port);
}
