/*
 * pairs.h - the work of Item 64: number pairs whose greatest common divisor
 * the executors find, and the reference every answer is checked against.
 */
#ifndef CONCLAB_PAIRS_H
#define CONCLAB_PAIRS_H

#include "64_true_parallelism/process_pool.h"

#include <stddef.h>
#include <stdint.h>

/* npairs pairs of numbers in [size/2, size] from a fixed-seed generator, the
 * same every run and for every executor; malloc'ed. */
struct pair *make_pairs(size_t npairs, uint32_t size);

/* Euclid's algorithm: a different method from the one being measured, so
 * the answers are checked by something that does not share its mistakes. */
uint32_t gcd_by_euclid(uint32_t a, uint32_t b);

#endif
