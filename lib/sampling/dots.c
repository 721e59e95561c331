/* Dot lists. */
#include "sampling/sampling-private.h"

#include <stdlib.h>

smpsim_status smpsim_dots_new(size_t capacity, smpsim_dots **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: out-pointer is NULL");
    *out = NULL;
    size_t bytes;
    if (!smpsim__mul_size(capacity ? capacity : 1, sizeof(smpsim_dot), &bytes))
        return smpsim__fail(err, SMPSIM_ELIMIT, "dots: %zu dots do not fit in memory", capacity);
    smpsim_dots *d = calloc(1, sizeof *d);
    if (d)
        d->dots = malloc(bytes);
    if (!d || !d->dots) {
        free(d);
        return smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory for %zu dots", capacity);
    }
    d->capacity = capacity ? capacity : 1;
    *out = d;
    return SMPSIM_OK;
}

smpsim_status smpsim_dots_append(smpsim_dots *dots, const smpsim_dot *dot, smpsim_error *err)
{
    if (!dots || !dot)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: NULL argument");
    if (dots->count == dots->capacity &&
        !smpsim__reserve((void **)&dots->dots, &dots->capacity, dots->count + 1,
                         sizeof(smpsim_dot), 16))
        return smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory");
    dots->dots[dots->count++] = *dot;
    return SMPSIM_OK;
}

void smpsim_dots_free(smpsim_dots *dots)
{
    if (!dots)
        return;
    free(dots->dots);
    free(dots);
}

static uint64_t fnv_u32(uint64_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xffu;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

uint64_t smpsim_dots_checksum(const smpsim_dots *dots)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    if (!dots)
        return h;
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        h = fnv_u32(h, float_bits(d->x_mm));
        h = fnv_u32(h, float_bits(d->y_mm));
        h = fnv_u32(h, float_bits(d->diameter_mm));
        h = fnv_u32(h, float_bits(d->shade));
        h = fnv_u32(h, ((uint32_t)d->region << 16) | d->session);
        h = fnv_u32(h, d->group);
    }
    return h;
}
