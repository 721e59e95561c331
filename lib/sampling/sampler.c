/* Variable-density blue noise: the "best" mode and the common entry point.
 *
 * Best mode:
 * 1. Candidates: in every field cell, ratio x density x cell area random
 *    points (stratified by cell, so candidates already follow the field).
 * 2. Weighted sample elimination (eliminate.c) down to exactly
 *    round(expected count), with each candidate's interaction distance the
 *    hexagonal spacing d_max = sqrt(2 / (sqrt(3) D)) at its local density.
 * 3. Relaxation (relax.c) of the pairs closer than 0.78 d_max; dots never
 *    move onto cells of zero density.
 * The fast mode (tile.c) thresholds a precomputed progressive blue-noise
 * tile instead. Everything is deterministic for a seed. */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>

#define DEFAULT_MAX_DOTS ((size_t)20000000)
#define DEFAULT_RATIO 5.0
#define MAX_DMAX_FACTOR 6.0 /* sparse cells interact no further than 6 x the densest */
#define RELAX_ITERATIONS 8  /* sweeps pushing apart the closest pairs */
#define RELAX_TAU 0.77      /* ... closer than this fraction of d_max */

typedef struct candidates {
    size_t n;
    float *x, *y;
    float *dmax;      /* interaction distance at the point's density, mm */
    uint16_t *region; /* from the field */
} candidates;

static void candidates_free(candidates *c)
{
    free(c->x);
    free(c->y);
    free(c->dmax);
    free(c->region);
}

static bool candidates_alloc(candidates *c, size_t n)
{
    n += 1; /* never malloc(0) */
    c->n = 0;
    c->x = malloc(n * sizeof *c->x);
    c->y = malloc(n * sizeof *c->y);
    c->dmax = malloc(n * sizeof *c->dmax);
    c->region = malloc(n * sizeof *c->region);
    return c->x && c->y && c->dmax && c->region;
}

double smpsim__spacing_mm(double per_cm2)
{
    return sqrt(2.0 / (sqrt(3.0) * per_cm2 / 100.0));
}

float smpsim__field_max(const smpsim_field *f)
{
    /* eight independent maxima: no chain of dependent compares (NaN cells
     * are never taken) */
    float m[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    const float *d = f->density_per_cm2;
    size_t n = (size_t)f->width * f->height, i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            m[k] = d[i + k] > m[k] ? d[i + k] : m[k];
    for (; i < n; i++)
        m[0] = d[i] > m[0] ? d[i] : m[0];
    for (int k = 1; k < 8; k++)
        m[0] = m[k] > m[0] ? m[k] : m[0];
    return m[0];
}

double smpsim__field_at(const smpsim_field *f, double x, double y, size_t *cell)
{
    double fx = (x - f->origin_x_mm) / f->cell_mm, fy = (y - f->origin_y_mm) / f->cell_mm;
    if (!(fx >= 0.0 && fy >= 0.0 && fx < f->width && fy < f->height))
        return 0.0;
    size_t at = (size_t)fy * f->width + (size_t)fx;
    if (cell)
        *cell = at;
    return f->density_per_cm2[at];
}

/* An upper bound of the number of stratified candidates. */
static size_t count_candidates_bound(const smpsim_field *f, double ratio)
{
    double area = f->cell_mm * f->cell_mm / 100.0, total = 0.0;
    size_t cells = (size_t)f->width * f->height, nonzero = 0;
    for (size_t i = 0; i < cells; i++) {
        if (f->density_per_cm2[i] > 0.0f) {
            total += floor(ratio * f->density_per_cm2[i] * area);
            nonzero++;
        }
    }
    return (size_t)total + nonzero;
}

static void generate_candidates(const smpsim_field *f, double ratio, double dmax_cap,
                                smpsim__rng *rng, candidates *c)
{
    double area = f->cell_mm * f->cell_mm / 100.0;
    for (uint32_t j = 0; j < f->height; j++) {
        for (uint32_t i = 0; i < f->width; i++) {
            size_t at = (size_t)j * f->width + i;
            double d = f->density_per_cm2[at];
            if (!(d > 0.0))
                continue;
            double expect = ratio * d * area, whole = floor(expect);
            size_t k = (size_t)whole + (smpsim__rng_uniform(rng) < expect - whole ? 1 : 0);
            float dm = (float)fmin(smpsim__spacing_mm(d), dmax_cap);
            for (size_t m = 0; m < k; m++) {
                c->x[c->n] = (float)(f->origin_x_mm + (i + smpsim__rng_uniform(rng)) * f->cell_mm);
                c->y[c->n] = (float)(f->origin_y_mm + (j + smpsim__rng_uniform(rng)) * f->cell_mm);
                c->dmax[c->n] = dm;
                c->region[c->n] = f->region ? f->region[at] : 0;
                c->n++;
            }
        }
    }
}

static bool has_density(void *arg, double x, double y)
{
    return smpsim__field_at(arg, x, y, NULL) > 0.0;
}

/* Survivors become dots, then the closest pairs are relaxed. */
static smpsim_status collect_and_relax(const smpsim_field *field, const candidates *c,
                                       const uint8_t *alive, size_t keep, smpsim_dots **out,
                                       smpsim_error *err)
{
    smpsim_dots *dots;
    smpsim_status st = smpsim_dots_new(keep, &dots, err);
    if (st != SMPSIM_OK)
        return st;
    float *spacing = malloc((keep + 1) * sizeof *spacing);
    if (!spacing) {
        smpsim_dots_free(dots);
        return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory");
    }
    for (size_t i = 0; i < c->n; i++) {
        if (!alive[i])
            continue;
        smpsim_dot d = {c->x[i], c->y[i], 0.0f, 0.0f, c->region[i], 0, 0};
        spacing[dots->count] = c->dmax[i];
        dots->dots[dots->count++] = d;
    }
    smpsim_dot *d0 = dots->dots;
    st = smpsim__relax(&d0->x_mm, &d0->y_mm, sizeof *d0, dots->count, spacing, 0.0,
                       RELAX_ITERATIONS, RELAX_TAU, has_density, (void *)field, err);
    free(spacing);
    if (st != SMPSIM_OK) {
        smpsim_dots_free(dots);
        return st;
    }
    *out = dots;
    return SMPSIM_OK;
}

static smpsim_status sample_best(const smpsim_field *field, float field_max, uint64_t seed,
                                 double ratio, size_t keep, smpsim_dots **out, smpsim_error *err)
{
    double dmax_min = smpsim__spacing_mm(field_max);
    size_t bound = count_candidates_bound(field, ratio);
    if (bound >= UINT32_MAX)
        return smpsim__fail(err, SMPSIM_ELIMIT, "sampler: %zu candidates are too many", bound);
    candidates c = {0};
    uint8_t *alive = malloc(bound + 1);
    if (!alive || !candidates_alloc(&c, bound)) {
        free(alive);
        candidates_free(&c);
        return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory for %zu candidates",
                            bound);
    }
    smpsim__rng rng;
    smpsim__rng_seed(&rng, seed);
    generate_candidates(field, ratio, dmax_min * MAX_DMAX_FACTOR, &rng, &c);
    if (keep > c.n)
        keep = c.n;
    smpsim_status st = smpsim__eliminate(c.x, c.y, c.dmax, c.n, keep, 0.0, alive, NULL, err);
    if (st == SMPSIM_OK)
        st = collect_and_relax(field, &c, alive, keep, out, err);
    free(alive);
    candidates_free(&c);
    return st;
}

/* Checks the field and, in the same pass, finds its expected dot count
 * (summed exactly as smpsim_field_expected_count() does) and its largest
 * density: the field is large and read once. */
static smpsim_status check_field(const smpsim_field *field, double *expected, float *max,
                                 smpsim_error *err)
{
    if (!field || !field->density_per_cm2 || field->width == 0 || field->height == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: the field is empty or NULL");
    if (!(field->cell_mm > 0.0) || !isfinite(field->cell_mm) || !isfinite(field->origin_x_mm) ||
        !isfinite(field->origin_y_mm))
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: field geometry is not finite");
    const float *d = field->density_per_cm2;
    size_t n = (size_t)field->width * field->height, i = 0;
    /* Branch-free: whether anything is out of range (NaN too), four
     * independent sums and maxima. */
    int bad = 0;
    double sum[4] = {0.0, 0.0, 0.0, 0.0};
    float m[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++) {
            float v = d[i + k];
            bad |= !(v >= 0.0f && v <= 100000.0f);
            sum[k] += v;
            m[k] = v > m[k] ? v : m[k];
        }
    for (; i < n; i++) {
        bad |= !(d[i] >= 0.0f && d[i] <= 100000.0f);
        sum[0] += d[i];
        m[0] = d[i] > m[0] ? d[i] : m[0];
    }
    for (size_t j = 0; bad && j < n; j++) {
        if (!(d[j] >= 0.0f && d[j] <= 100000.0f))
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "sampler: field cell (%zu, %zu) has density %g, expected 0..100000",
                                j % field->width, j / field->width, (double)d[j]);
    }
    *expected = (sum[0] + sum[1] + sum[2] + sum[3]) * field->cell_mm * field->cell_mm / 100.0;
    for (int k = 1; k < 4; k++)
        m[0] = m[k] > m[0] ? m[k] : m[0];
    *max = m[0];
    return SMPSIM_OK;
}

static smpsim_status resolve_options(const smpsim_sample_options *in, smpsim_sample_options *o,
                                     smpsim_error *err)
{
    smpsim__copy_options(o, sizeof *o, in);
    if (o->max_dots == 0)
        o->max_dots = DEFAULT_MAX_DOTS;
    if (o->candidate_ratio == 0.0)
        o->candidate_ratio = DEFAULT_RATIO;
    if (o->mode == SMPSIM_SAMPLE_DEFAULT)
        o->mode = SMPSIM_SAMPLE_FAST;
    if (!(o->candidate_ratio >= 2.0 && o->candidate_ratio <= 10.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: candidate_ratio is %g, expected 2..10",
                            o->candidate_ratio);
    if (o->mode != SMPSIM_SAMPLE_FAST && o->mode != SMPSIM_SAMPLE_BEST)
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: unknown mode %d", (int)o->mode);
    return SMPSIM_OK;
}

/* The best mode has no progressive order: a seeded uniform one. */
static smpsim_status random_order(size_t n, uint64_t seed, float **order, smpsim_error *err)
{
    *order = malloc((n + 1) * sizeof **order);
    if (!*order)
        return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory");
    smpsim__rng rng;
    smpsim__rng_seed(&rng, seed ^ UINT64_C(0x6f72646572)); /* "order" */
    for (size_t i = 0; i < n; i++)
        (*order)[i] = (float)smpsim__rng_uniform(&rng);
    return SMPSIM_OK;
}

smpsim_status smpsim_sample(const smpsim_field *field, uint64_t seed,
                            const smpsim_sample_options *opts, smpsim_dots **out,
                            smpsim_error *err)
{
    return smpsim__sample_ordered(field, seed, opts, 1, false, out, NULL, err);
}

smpsim_status smpsim__sample_ordered(const smpsim_field *field, uint64_t seed,
                                     const smpsim_sample_options *opts, unsigned threads,
                                     bool local, smpsim_dots **out, float **order,
                                     smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: out-pointer is NULL");
    *out = NULL;
    if (order)
        *order = NULL;
    smpsim_sample_options o;
    double expected = 0.0;
    float field_max = 0.0f;
    smpsim_status st = resolve_options(opts, &o, err);
    if (st == SMPSIM_OK)
        st = check_field(field, &expected, &field_max, err);
    if (st != SMPSIM_OK)
        return st;
    if (expected > (double)o.max_dots)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "sampler: the design asks for %.0f dots, above the limit of %zu",
                            expected, o.max_dots);
    size_t keep = (size_t)llround(expected);
    if (keep == 0) {
        st = smpsim_dots_new(0, out, err);
        if (st == SMPSIM_OK && order)
            st = random_order(0, seed, order, err);
        return st;
    }
    if (o.mode == SMPSIM_SAMPLE_FAST)
        return smpsim__sample_tile(field, seed, o.max_dots, expected, field_max, threads, local,
                                   out, order, err);
    st = sample_best(field, field_max, seed, o.candidate_ratio, keep, out, err);
    for (size_t i = 0; st == SMPSIM_OK && local && i < (*out)->count; i++)
        (*out)->dots[i].diameter_mm =
            smpsim__local_density(field, (*out)->dots[i].x_mm, (*out)->dots[i].y_mm);
    if (st == SMPSIM_OK && order && random_order((*out)->count, seed, order, err) != SMPSIM_OK) {
        smpsim_dots_free(*out);
        *out = NULL;
        return SMPSIM_ENOMEM;
    }
    return st;
}
