/*
 * coro_io.c - the await behind CORO_AWAIT_IO (coro_io.h).
 *
 * A coroutine of coro.h owns one libevent event, its timer, whose callback
 * (coro.c's) resumes it. To await a socket, the same event is pointed at the
 * socket for one firing, then made a timer again for CORO_AWAIT_SLEEP: no
 * allocation, and coro_cancel() still takes it off the loop.
 */
#include "61_asyncio_port/coro_io.h"

#include "clab.h"

/* coro.c's callback, the one that resumes the coroutine of its event. */
static event_callback_fn resume;

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
    struct coro *co = arg;
    CL_CHECK_SYS(event_assign(&co->timer, event_get_base(&co->timer), -1, 0, resume, co));
    resume(fd, what, co);
}

void coro_await_fd(struct coro *self, int fd, short what)
{
    event_callback_fn own = event_get_callback(&self->timer);
    if (own != on_ready)
        resume = own;
    CL_CHECK_SYS(event_assign(&self->timer, event_get_base(&self->timer), fd, what, on_ready, self));
    CL_CHECK_SYS(event_add(&self->timer, NULL));
}
