/* canary.c - how late a sleeping thread wakes (see canary.h). */
#include "62_mixing/canary.h"

#include "clab.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct canary {
    pthread_t thread;
    double period_s, worst_s;   /* worst_s: the canary's own, read after the join */
    atomic_bool stop;
};

static void *canary_main(void *arg)
{
    struct canary *c = arg;
    while (!atomic_load(&c->stop)) {
        double t0 = cl_now();
        cl_sleep(c->period_s);
        c->worst_s = fmax(c->worst_s, cl_now() - t0 - c->period_s);
    }
    return NULL;
}

struct canary *canary_start(double period_s)
{
    struct canary *c = cl_calloc(1, sizeof *c);
    c->period_s = period_s;
    atomic_init(&c->stop, false);
    CL_CHECK_RC(pthread_create(&c->thread, NULL, canary_main, c));
    return c;
}

double canary_stop(struct canary *c)
{
    atomic_store(&c->stop, true);
    CL_CHECK_RC(pthread_join(c->thread, NULL));
    double worst_ms = 1e3 * c->worst_s;
    free(c);
    return worst_ms;
}
