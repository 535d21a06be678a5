/*
 * divisors.h - Item 53's CPU-bound work and its check.
 *
 * divisors_by_trial is the book's factorize(): try every i from 1 to n, as
 * "interpreter work" under the GIL-like lock, one gil_tick per 16 divisions.
 * divisors_by_factoring gets the same answer the fast way, to check it.
 */
#ifndef CONCLAB_DIVISORS_H
#define CONCLAB_DIVISORS_H

#include "53_threads_gil/gil.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct divisors {
    uint64_t count, sum; /* 12: 6 divisors (1 2 3 4 6 12) summing to 28 */
};

/* One tick stands for one bytecode. CPython runs a bytecode in roughly
 * 30-50 ns; a 64-bit division takes a few, so a tick is 16 of them. That
 * keeps "every 100 ticks" (the old policy) near the real CPython 2 in time. */
#define DIVISIONS_PER_TICK 16

/* The caller holds g. Stops early (a partial answer) once *stop is set or
 * Ctrl-C was pressed; stop may be NULL. */
struct divisors divisors_by_trial(struct gil *g, uint64_t n, const atomic_bool *stop);

/* The same answer by factoring n into primes (n >= 1). */
struct divisors divisors_by_factoring(uint64_t n);

/* A number whose divisors_by_trial takes about `seconds` on this machine
 * (the fastest of three probes, without a lock), at least 1000. */
uint64_t divisors_number_taking(double seconds);

#endif
