/*
 * divisors.c - [p1] the CPU-bound work of Item 53, and its check.
 */
#include "53_threads_gil/divisors.h"

#include "clab.h"

/* [p1] CPU-bound work, like the book's factorize(): try every i from 1 to n.
 * The lock must be held; gil_tick is where another thread may get a turn. */
struct divisors divisors_by_trial(struct gil *g, uint64_t n, const atomic_bool *stop)
{
    struct divisors d = {0, 0};
    for (uint64_t i = 1; i <= n; i++) {
        if (n % i == 0) {
            d.count++;
            d.sum += i;
        }
        if (i % DIVISIONS_PER_TICK == 0)
            gil_tick(g);
        if (i % 65536 == 0 && ((stop && atomic_load_explicit(stop, memory_order_relaxed)) ||
                               cl_interrupted()))
            break;
    }
    return d;
}

/* n = p1^e1 * p2^e2 * ...: (e1+1)(e2+1)... divisors, summing to the product
 * of (1 + p + ... + p^e) over the primes. Trial division up to sqrt(n). */
struct divisors divisors_by_factoring(uint64_t n)
{
    struct divisors d = {1, 1};
    for (uint64_t p = 2; p * p <= n; p++) {
        uint64_t power = 1, powers_sum = 1, exponent = 0;
        while (n % p == 0) {
            n /= p;
            power *= p;
            powers_sum += power;
            exponent++;
        }
        d.count *= exponent + 1;
        d.sum *= powers_sum;
    }
    if (n > 1) { /* one prime factor left above the square root */
        d.count *= 2;
        d.sum *= n + 1;
    }
    return d;
}

uint64_t divisors_number_taking(double seconds)
{
    const uint64_t probe = 1000000;
    struct gil none;
    gil_init(&none, GIL_NONE, 0, 0);
    double fastest = 1e9;
    for (int i = 0; i < 3; i++) {
        double t0 = cl_now();
        divisors_by_trial(&none, probe, NULL);
        double took = cl_now() - t0;
        fastest = took < fastest ? took : fastest;
    }
    gil_destroy(&none);
    double n = seconds / (fastest > 1e-9 ? fastest : 1e-9) * (double)probe;
    return n < 1000 ? 1000 : n > 1e12 ? (uint64_t)1e12 : (uint64_t)n;
}
