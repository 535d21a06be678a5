/*
 * coro.h - stackless coroutines on a libevent event loop (Item 60's piece).
 *
 * Python:  `async def f(): ... await asyncio.sleep(s) ...` is a function that
 *          can stop half-way and be continued later; asyncio.gather(*coros)
 *          waits for all of them; asyncio.run(main()) drives the event loop.
 * C:       a coroutine is a plain function plus a small struct (its "frame").
 *          The function is written as a switch over the frame's resume point:
 *          each `await` saves the point and returns; the loop calls the
 *          function again when the timer fires, and the switch jumps back to
 *          the line after the await. No stack of its own: that is why one
 *          costs about a function call to start and ~160 bytes to keep.
 *
 * The rules of a coroutine body (see coroutines.c, step_cell, for one):
 *   - it has the type `enum coro_step body(struct coro *self)`;
 *   - it opens with CORO_BEGIN(self) and closes with CORO_END(self);
 *   - every await is one of the CORO_AWAIT_* macros, one per line;
 *   - a local variable does NOT survive an await: the function really
 *     returns there. Whatever must live across an await goes in the frame,
 *     a struct whose first member is the `struct coro` (like a Python
 *     coroutine's locals live in its frame object);
 *   - no `switch` of its own around an await (the macros are a switch).
 */
#ifndef CORO_H
#define CORO_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdbool.h>
#include <stddef.h>

/* What a coroutine body returns to whoever resumed it. */
enum coro_step {
    CORO_SUSPENDED, /* stopped at an await; the loop will resume it */
    CORO_DONE,      /* returned (or failed: see error) */
};

struct coro;
struct coro_gather;
typedef enum coro_step coro_body(struct coro *self);

/* The part of a frame the runtime needs. 152 bytes on 64-bit Linux with
 * libevent 2.1, 128 of them the event (event_get_struct_event_size()). */
struct coro {
    struct event timer;          /* the coroutine's one timer: its await sleep */
    coro_body *body;             /* the function that is this coroutine */
    struct coro_gather *awaiter; /* the gather this one reports to, or NULL */
    int resume_at;               /* where the body goes on: 0 = its top, else a line number */
    int error;                   /* 0, or what it failed with (an errno value) */
};

/* asyncio.gather: the awaiter resumes when every child has finished, and
 * learns the first child that failed. Unlike asyncio, the awaiter is never
 * resumed while children still run, so their frames are safe to free then. */
struct coro_gather {
    size_t pending;            /* children running, +1 while still starting them */
    struct coro *awaiter;      /* resumed when pending drops to 0 */
    struct coro *first_failed; /* the first child that finished with an error */
};

/* ---- Writing a coroutine body: the five macros ---------------------------- */

/* Opens the body: jump to where the last await left off (0: the top). */
#define CORO_BEGIN(self) switch ((self)->resume_at) { case 0:

/* await asyncio.sleep(seconds): a timer on the loop, then return. The loop
 * calls the body again when it fires, and the switch lands on `case
 * __LINE__`, just after the return. */
#define CORO_AWAIT_SLEEP(self, seconds)                                         \
    do {                                                                        \
        coro_sleep_start(self, seconds);                                        \
        (self)->resume_at = __LINE__; /* go on below when the timer fires */    \
        return CORO_SUSPENDED;                                                  \
        case __LINE__:;                                                         \
    } while (0)

/* await gather: suspend until every child started with this gather has
 * finished; go straight on when they all finished already. */
#define CORO_AWAIT_GATHER(self, gather)                                         \
    do {                                                                        \
        (self)->resume_at = __LINE__; /* go on below after the last child */    \
        if (coro_gather_must_wait(gather, self))                                \
            return CORO_SUSPENDED;                                              \
        __attribute__((fallthrough)); /* all done already: straight on */       \
        case __LINE__:;                                                         \
    } while (0)

/* raise: finish now with an error, which the awaiter's gather reports. */
#define CORO_FAIL(self, err)                                                    \
    do {                                                                        \
        (self)->error = (err);                                                  \
        return CORO_DONE;                                                       \
    } while (0)

/* Closes the body: falling off the end is `return`. */
#define CORO_END(self)                                                          \
    }                                                                           \
    return CORO_DONE

/* ---- Running coroutines --------------------------------------------------- */

/* asyncio.new_event_loop(): a libevent loop whose timers read the precise
 * monotonic clock. (By default libevent reads a coarse one, a few ms per
 * tick, and a sleep may end up to a tick early.) Free with event_base_free. */
struct event_base *coro_loop_new(void);

/* Starts co (zero it, or reuse a finished one) on the loop: runs body until
 * its first await, as asyncio.create_task would soon after. With a gather,
 * the child counts as pending in it until it finishes. */
void coro_start(struct event_base *loop, struct coro *co, coro_body *body,
                struct coro_gather *gather);

/* A fresh gather; children are then started with it, and the awaiter ends
 * with CORO_AWAIT_GATHER. */
void coro_gather_init(struct coro_gather *gather);

/* asyncio.run(main()): starts main and runs the loop until it finishes.
 * Returns its error (0 when it succeeded), or ECANCELED after Ctrl-C
 * (cl_interrupted), with coroutines still suspended: coro_cancel them. The
 * loop wakes at least every 50 ms to look at the Ctrl-C flag. */
int coro_run(struct event_base *loop, struct coro *main, coro_body *body);

/* Task.cancel(), roughly: takes a suspended coroutine's timer off the loop,
 * so its frame may be freed. Harmless on a finished one, and on a never
 * started one whose frame is zeroed. */
void coro_cancel(struct coro *co);

/* Used by the macros only. */
void coro_sleep_start(struct coro *self, double seconds);
bool coro_gather_must_wait(struct coro_gather *gather, struct coro *awaiter);

/* The frame that holds a struct coro member: CORO_FRAME(self, struct cell_task, co). */
#define CORO_FRAME(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
