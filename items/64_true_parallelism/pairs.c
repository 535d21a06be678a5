/* pairs.c - see pairs.h. */
#include "64_true_parallelism/pairs.h"

#include "clab.h"

struct pair *make_pairs(size_t npairs, uint32_t size)
{
    struct pair *pairs = cl_calloc(npairs, sizeof *pairs);
    uint64_t state = 0x9e3779b97f4a7c15u; /* xorshift64 */
    uint32_t low = size / 2 > 0 ? size / 2 : 1;
    for (size_t i = 0; i < 2 * npairs; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        uint32_t v = low + (uint32_t)(state % (size - low + 1));
        if (i % 2 == 0)
            pairs[i / 2].a = v;
        else
            pairs[i / 2].b = v;
    }
    return pairs;
}

uint32_t gcd_by_euclid(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t rest = a % b;
        a = b;
        b = rest;
    }
    return a;
}
