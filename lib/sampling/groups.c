/* Follicle-like groups of dots, and the dot options that drive them. */
#include "sampling/sampling-private.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#define PLACE_TRIES 30

static const double default_share[4] = {0.28, 0.53, 0.17, 0.02}; /* Guo et al. 2017 */

static smpsim_status check_shares(smpsim_dot_options *o, smpsim_error *err)
{
    double sum = 0.0;
    for (int k = 0; k < 4; k++) {
        if (!(o->group_share[k] >= 0.0 && o->group_share[k] <= 1e6))
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "dot options: group_share[%d] is %g, expected a share >= 0", k,
                                o->group_share[k]);
        sum += o->group_share[k];
    }
    if (sum == 0.0) {
        memcpy(o->group_share, default_share, sizeof default_share);
        return SMPSIM_OK;
    }
    /* Shares that already sum to 1 (up to rounding) are kept as they are,
     * so that resolving resolved options changes no bit (design files
     * round-trip byte for byte). */
    if (fabs(sum - 1.0) > 8 * DBL_EPSILON)
        for (int k = 0; k < 4; k++)
            o->group_share[k] /= sum;
    return SMPSIM_OK;
}

smpsim_status smpsim__resolve_dot_options(const smpsim_dot_options *in, smpsim_dot_options *o,
                                          smpsim_error *err)
{
    smpsim__copy_options(o, sizeof *o, in);
    o->mode = o->mode == SMPSIM_SAMPLE_DEFAULT ? SMPSIM_SAMPLE_FAST : o->mode;
    o->max_work = o->max_work == 0 ? SMPSIM__DEFAULT_MAX_WORK : o->max_work;
    o->group_min_mm = o->group_min_mm == 0.0 ? 0.2 : o->group_min_mm;
    o->group_max_mm = o->group_max_mm == 0.0 ? 0.5 : o->group_max_mm;
    o->diameter_spread = o->diameter_spread == 0.0 ? 0.08 : fmax(o->diameter_spread, 0.0);
    o->shade_spread = o->shade_spread == 0.0 ? 0.3 : fmax(o->shade_spread, 0.0);
    o->transition_strength =
        o->transition_strength == 0.0 ? 0.25 : fmax(o->transition_strength, 0.0);
    if (o->mode != SMPSIM_SAMPLE_FAST && o->mode != SMPSIM_SAMPLE_BEST)
        return smpsim__fail(err, SMPSIM_EINVAL, "dot options: unknown mode %d", (int)o->mode);
    if (o->threads > SMPSIM__MAX_DOT_THREADS)
        return smpsim__fail(err, SMPSIM_EINVAL, "dot options: threads is %u, expected 0..%d",
                            o->threads, SMPSIM__MAX_DOT_THREADS);
    if (!(o->group_min_mm > 0.0 && o->group_max_mm >= o->group_min_mm && o->group_max_mm <= 5.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "dot options: group distance %g..%g mm, expected 0 < min <= max <= 5",
                            o->group_min_mm, o->group_max_mm);
    if (!(o->diameter_spread <= 0.5) || !(o->shade_spread <= 3.0) ||
        !(o->transition_strength <= 0.6))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "dot options: spreads %g (diameter, max 0.5) and %g (shade, max 3), "
                            "transition strength %g (max 0.6) out of range",
                            o->diameter_spread, o->shade_spread, o->transition_strength);
    return check_shares(o, err);
}

double smpsim__mean_group_size(const smpsim_dot_options *o)
{
    double mean = 0.0;
    for (int k = 0; k < 4; k++)
        mean += (k + 1) * o->group_share[k];
    return mean;
}

static int draw_size(const smpsim_dot_options *o, smpsim__rng *rng)
{
    double u = smpsim__rng_uniform(rng), acc = 0.0;
    for (int k = 0; k < 3; k++) {
        acc += o->group_share[k];
        if (u < acc)
            return k + 1;
    }
    return 4;
}

/* Places k dots around (0, 0): each next dot at a random distance in
 * [min, max] from a random earlier one, at least min from all of them; then
 * the group is centred on its centroid. */
static void place_group(const smpsim_dot_options *o, smpsim__rng *rng, int k, double x[4],
                        double y[4])
{
    x[0] = y[0] = 0.0;
    for (int i = 1; i < k; i++) {
        for (int t = 0; t < PLACE_TRIES; t++) {
            int from = (int)(smpsim__rng_uniform(rng) * i);
            double a = 6.28318530717958647692 * smpsim__rng_uniform(rng);
            double r = o->group_min_mm + (o->group_max_mm - o->group_min_mm) *
                                             smpsim__rng_uniform(rng);
            x[i] = x[from] + r * cos(a);
            y[i] = y[from] + r * sin(a);
            bool ok = true;
            for (int j = 0; j < i && ok; j++)
                ok = hypot(x[i] - x[j], y[i] - y[j]) >= o->group_min_mm;
            if (ok)
                break;
        }
    }
    double cx = 0.0, cy = 0.0;
    for (int i = 0; i < k; i++)
        cx += x[i] / k, cy += y[i] / k;
    for (int i = 0; i < k; i++)
        x[i] -= cx, y[i] -= cy;
}

smpsim_status smpsim_dots_group(const smpsim_dots *centres, const smpsim_dot_options *opts,
                                uint64_t seed, smpsim_dots **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "groups: out-pointer is NULL");
    *out = NULL;
    if (!centres)
        return smpsim__fail(err, SMPSIM_EINVAL, "groups: no centres");
    smpsim_dot_options o;
    smpsim_status st = smpsim__resolve_dot_options(opts, &o, err);
    if (st != SMPSIM_OK)
        return st;
    if (centres->count > UINT32_MAX - 1)
        return smpsim__fail(err, SMPSIM_ELIMIT, "groups: %zu centres are too many", centres->count);
    size_t cap;
    if (!smpsim__mul_size(centres->count, 4, &cap))
        return smpsim__fail(err, SMPSIM_ELIMIT, "groups: too many dots");
    smpsim_dots *dots;
    st = smpsim_dots_new(cap, &dots, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim__rng rng;
    smpsim__rng_seed(&rng, seed ^ UINT64_C(0x67726f757073)); /* "groups" */
    for (size_t c = 0; c < centres->count; c++) {
        double x[4], y[4];
        int k = draw_size(&o, &rng);
        place_group(&o, &rng, k, x, y);
        for (int i = 0; i < k; i++) {
            smpsim_dot d = centres->dots[c];
            d.x_mm = (float)(d.x_mm + x[i]);
            d.y_mm = (float)(d.y_mm + y[i]);
            d.group = (uint32_t)(c + 1);
            dots->dots[dots->count++] = d;
        }
    }
    *out = dots;
    return SMPSIM_OK;
}
