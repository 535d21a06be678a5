/*
 * guess_random.c - as much of CPython's `random` module as the game needs:
 * random.seed(an int) and randint, on the same Mersenne Twister (MT19937),
 * so that seed 1234 draws the book's guesses (4, 1, 5, 3, then 11, 10, 12).
 *
 * CPython 3.2 to 3.13 (Modules/_randommodule.c and Lib/random.py): seed(n)
 * feeds the 32-bit words of |n| to init_by_array; randint(a, b) is
 * a + _randbelow(b - a + 1), and _randbelow(n) takes getrandbits(k),
 * k = n.bit_length(), again until it is below n. Python 2.7's randint was
 * int(random() * n) instead: the same seed draws other numbers there.
 */
#include "61_asyncio_port/guess.h"

#define N GUESS_MT_WORDS
#define M 397

static void init_genrand(struct guess_random *r, uint32_t s)
{
    r->mt[0] = s;
    for (int i = 1; i < N; i++)
        r->mt[i] = 1812433253U * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
    r->next = N;
}

void guess_random_seed(struct guess_random *r, uint64_t seed)
{
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    int key_len = key[1] ? 2 : 1; /* seed 0 is one word, 0 */
    init_genrand(r, 19650218U);
    int i = 1, j = 0;
    for (int k = N; k > 0; k--) { /* N > key_len */
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525U)) + key[j] +
                   (uint32_t)j;
        if (++i >= N) {
            r->mt[0] = r->mt[N - 1];
            i = 1;
        }
        if (++j >= key_len)
            j = 0;
    }
    for (int k = N - 1; k > 0; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1566083941U)) -
                   (uint32_t)i;
        if (++i >= N) {
            r->mt[0] = r->mt[N - 1];
            i = 1;
        }
    }
    r->mt[0] = 0x80000000U;
}

static uint32_t genrand_uint32(struct guess_random *r)
{
    if (r->next >= N) { /* the next N words at once */
        for (int k = 0; k < N; k++) {
            uint32_t y = (r->mt[k] & 0x80000000U) | (r->mt[(k + 1) % N] & 0x7fffffffU);
            r->mt[k] = r->mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1U) ? 0x9908b0dfU : 0U);
        }
        r->next = 0;
    }
    uint32_t y = r->mt[r->next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    return y ^ (y >> 18);
}

/* getrandbits(k), 1 <= k <= 64: the low word first, the last one shifted. */
static uint64_t getrandbits(struct guess_random *r, int k)
{
    if (k <= 32)
        return genrand_uint32(r) >> (32 - k);
    uint64_t low = genrand_uint32(r);
    return low | (uint64_t)(genrand_uint32(r) >> (64 - k)) << 32;
}

uint64_t guess_random_below(struct guess_random *r, uint64_t n)
{
    int k = 64 - __builtin_clzll(n); /* n.bit_length(), n >= 1 */
    uint64_t v;
    do
        v = getrandbits(r, k);
    while (v >= n);
    return v;
}
