/* xoshiro256** (Blackman & Vigna 2018) seeded with splitmix64. */
#include "base/base-private.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void smpsim__rng_seed(smpsim__rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t smpsim__rng_next(smpsim__rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double smpsim__rng_uniform(smpsim__rng *rng)
{
    return (double)(smpsim__rng_next(rng) >> 11) * 0x1.0p-53;
}

void smpsim__rng_normal2(smpsim__rng *rng, double z[2])
{
    double u = smpsim__rng_uniform(rng), v = smpsim__rng_uniform(rng);
    double r = sqrt(-2.0 * log(1.0 - u)), a = 6.28318530717958647692 * v;
    z[0] = r * cos(a);
    z[1] = r * sin(a);
}
