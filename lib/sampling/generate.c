/* The design's dots: field -> sampler -> sessions -> attributes -> (groups)
 * -> outline -> per-dot variation.
 *
 * Sessions: the fast sampler gives every dot a place in a progressive
 * order (0..1) such that the dots below f are an even blue-noise subset
 * holding f of the density. A dot belongs to the first session whose
 * cumulative density fraction exceeds its place, so each session's dots,
 * and every cumulative set, are blue noise at their own density (the 30 ->
 * 70 -> 100 % layering of Liu et al. 2025). A dot moves to a later session
 * when its region is not worked in that session, or when it lies within the
 * session's hairline offset of the line (a conservative first line).
 *
 * Attributes: each dot takes its region's diameter (or the session's
 * needle) and shade plus the session's shade offset, scaled down where the
 * field is sparser than the region's own density (a transition zone or
 * feathered edge: smaller, lighter dots), then varied per dot (normal
 * spread, clipped to +-2.5 sigma). Dots of hard-edged regions stay inside
 * their outline. */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define INSET_MM 0.01 /* how far inside the outline a stray dot is put back */
#define CLIP_SIGMA 2.5
#define MIN_SHADE 1.0f
#define MAX_SHADE 10.0f
#define MIN_SIZE_FACTOR 0.1 /* per-dot variation never shrinks a dot further */
#define BLOCK 8             /* cells divided (or not) together by divide_densities() */

/* Where dots get their parameters: a design (regions, sessions, hairline),
 * or one parameter set for a whole field. */
typedef struct source {
    const smpsim_design *design;
    const smpsim_region_params *single;
    const smpsim_session *sessions;
    size_t n_sessions;
    smpsim__hairline_field hairline; /* n = 0: none */
    double offsets[2];               /* the sessions' smallest and largest hairline offset */
} source;

static const smpsim_region_params *params_of(const source *src, unsigned region)
{
    if (src->single)
        return src->single;
    return &smpsim__design_region(src->design, region ? region - 1u : 0u)->params;
}

/* A hard-edged region's outline, indexed for the dots' queries: slabs for
 * inside or not, a grid for the nearest edge (built when a first dot is
 * outside; without it, every edge is measured: the same point, slower). */
typedef struct outline {
    smpsim__rings rings;
    smpsim__slabs slabs;
    smpsim__rings_near near;
    int state; /* 0: no grid yet, 1: built, -1: could not be built */
} outline;

static double nearest_point(outline *o, double x, double y, double *nx, double *ny,
                            uint64_t *work)
{
    if (o->state == 0)
        o->state = smpsim__rings_near_build(&o->rings, &o->near) ? 1 : -1;
    if (o->state > 0)
        return smpsim__rings_near_find(&o->rings, &o->near, x, y, nx, ny, work);
    *work += o->rings.n_rings ? o->rings.start[o->rings.n_rings] : 0;
    return smpsim__rings_nearest(&o->rings, x, y, nx, ny);
}

static void keep_inside(smpsim_dot *d, outline *o, uint64_t *work)
{
    double x = d->x_mm, y = d->y_mm, nx = x, ny = y;
    if (smpsim__rings_contain_in(&o->rings, &o->slabs, x, y, work))
        return;
    nearest_point(o, x, y, &nx, &ny, work);
    double dx = nx - x, dy = ny - y, len = hypot(dx, dy);
    if (len > 0.0) {
        nx += dx / len * INSET_MM;
        ny += dy / len * INSET_MM;
    }
    if (smpsim__rings_contain_in(&o->rings, &o->slabs, nx, ny, work)) {
        d->x_mm = (float)nx;
        d->y_mm = (float)ny;
    }
}

/* The field rasterises outlines at its cell size (and groups spread dots
 * around their centre), so a dot can lie a fraction of a millimetre outside
 * its polygon: put it back just inside, at the nearest point of the outline.
 * Feathered regions and masks have soft edges by design. */
static smpsim_status keep_in_regions(const smpsim_design *design, smpsim_dots *dots,
                                     smpsim__work *work, smpsim_error *err)
{
    size_t n_regions = smpsim_design_region_count(design);
    smpsim_status st = SMPSIM_OK;
    for (size_t r = 0; st == SMPSIM_OK && r < n_regions; r++) {
        const smpsim__region *reg = smpsim__design_region(design, r);
        if (reg->params.feather_mm > 0.0 || reg->shape == SMPSIM__MASK)
            continue;
        outline o = {0};
        st = smpsim__region_rings(reg, smpsim_design_get_view(design), &o.rings, err);
        if (st != SMPSIM_OK)
            return st;
        if (!smpsim__rings_slabs(&o.rings, &o.slabs))
            st = smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory");
        uint64_t used = 0;
        for (size_t i = 0; st == SMPSIM_OK && i < dots->count; i++) {
            if (dots->dots[i].region == r + 1)
                keep_inside(&dots->dots[i], &o, &used);
            if ((i & 1023u) == 1023u || i + 1 == dots->count) {
                st = smpsim__work_add(work, used, err);
                used = 0;
            }
        }
        smpsim__rings_near_free(&o.near);
        smpsim__slabs_free(&o.slabs);
        smpsim__rings_free(&o.rings);
    }
    return st;
}

static float clamp_shade(double shade)
{
    return shade < MIN_SHADE ? MIN_SHADE : (shade > MAX_SHADE ? MAX_SHADE : (float)shade);
}

/* The density around a dot (smpsim__local_density(), which the sampler
 * left in its diameter). The field still holds the densities per group the
 * sampler read (see sample_centres()): the largest of them is scaled back
 * by per_group here, as the whole field once was (scaling back is
 * monotonic, so the largest stays the largest). */
static double local_density(const smpsim_dot *d, double per_group)
{
    float g = d->diameter_mm;
    return per_group != 1.0 ? (float)(g * per_group) : g;
}

/* The session of a dot at place q in the progressive order. */
static unsigned session_of(const source *src, const smpsim_dot *d, double q)
{
    if (!src->design)
        return 1;
    unsigned mask = params_of(src, d->region)->sessions;
    /* Only how the depth compares with the sessions' offsets matters. */
    double depth = src->hairline.n ? smpsim__hairline_depth_within(&src->hairline, d->x_mm, d->y_mm,
                                                                   src->offsets[0], src->offsets[1])
                                   : INFINITY;
    size_t k = 0;
    while (k + 1 < src->n_sessions && q >= src->sessions[k].density_fraction)
        k++;
    for (size_t j = k; j < src->n_sessions; j++) {
        bool worked = mask == 0 || (mask >> j & 1u);
        if (worked && depth >= src->sessions[j].hairline_offset_mm)
            return (unsigned)j + 1;
    }
    for (size_t j = 0; j < src->n_sessions; j++) /* never skipped entirely */
        if (mask == 0 || (mask >> j & 1u))
            return (unsigned)j + 1;
    return (unsigned)src->n_sessions;
}

static void attribute(const source *src, double per_group, const smpsim_dot_options *o,
                      smpsim_dot *d, double q)
{
    const smpsim_region_params *p = params_of(src, d->region);
    unsigned session = session_of(src, d, q);
    const smpsim_session *s = src->design ? &src->sessions[session - 1] : NULL;
    double f = local_density(d, per_group) / p->density_per_cm2;
    double k = o->transition_strength, gap = 1.0 - (f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f));
    double diameter = s && s->needle_mm > 0.0 ? s->needle_mm : p->dot_diameter_mm;
    d->diameter_mm = (float)(diameter * (1.0 - k * gap));
    d->shade = clamp_shade((p->shade + (s ? s->shade_offset : 0.0)) * (1.0 - 1.5 * k * gap));
    d->session = (uint16_t)session;
}

/* Dot i's variation: a pair of clipped normals from a hash of (key, i), so
 * that it does not depend on which thread works it out. */
static void vary(smpsim_dot *d, const smpsim_dot_options *o, uint64_t key, size_t i)
{
    /* At the largest spread (0.5) -2.5 sigma would give a negative size:
     * a dot shrinks to a tenth of its size at most. */
    uint64_t h = smpsim__hash_index(key, i);
    double size = 1.0 + o->diameter_spread * smpsim__clipped_normal((uint32_t)(h >> 32));
    d->diameter_mm *= (float)fmax(size, MIN_SIZE_FACTOR);
    d->shade = clamp_shade(d->shade + o->shade_spread * smpsim__clipped_normal((uint32_t)h));
}

/* Dots per group: the mean group size (1 without groups). */
static double per_group_of(const smpsim_dot_options *o)
{
    return o->groups ? smpsim__mean_group_size(o) : 1.0;
}

/* Divides the n densities at g by per_group in place, in blocks of
 * BLOCK cells: a field is mostly long runs of 0 (which stays 0, either
 * sign) and of one density (the region's own), so a block all 0 is left
 * alone and a block all equal to the last density divided takes its
 * quotient; only the rest divide. Bits are compared, so NaN divides. */
static void divide_densities(float *g, size_t n, double per_group)
{
    uint32_t last = 0; /* bits of the last density divided (0: none yet) */
    float last_q = 0.0f;
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
        uint32_t bits[BLOCK], any = 0, differ = 0;
        memcpy(bits, g + i, sizeof bits);
        for (int k = 0; k < BLOCK; k++) {
            any |= bits[k] & UINT32_C(0x7fffffff);
            differ |= bits[k] ^ last;
        }
        if (any == 0)
            continue;
        if (differ == 0) {
            for (int k = 0; k < BLOCK; k++)
                g[i + k] = last_q;
            continue;
        }
        for (int k = 0; k < BLOCK; k++)
            g[i + k] = (float)(g[i + k] / per_group);
        last = bits[BLOCK - 1];
        last_q = g[i + BLOCK - 1];
    }
    for (; i < n; i++)
        g[i] = (float)(g[i] / per_group);
}

/* The group centres: the sampler reads the field's densities divided by
 * the mean group size, and the field keeps them (local_density() scales
 * back the few it reads). */
static smpsim_status sample_centres(uint64_t seed, smpsim_field *field,
                                    const smpsim_dot_options *o, unsigned threads,
                                    smpsim_dots **out, float **order, smpsim_error *err)
{
    smpsim_sample_options so;
    smpsim_sample_options_init(&so);
    so.mode = o->mode;
    so.max_dots = o->max_dots;
    double per_group = per_group_of(o);
    if (per_group != 1.0)
        divide_densities(field->density_per_cm2, (size_t)field->width * field->height,
                         per_group);
    return smpsim__sample_ordered(field, seed, &so, threads, true, out, order, err);
}

/* Attributes (order given) and/or variation (key given) of a run of dots,
 * one run per thread: every dot's values depend on the dot alone. */
typedef struct dot_pass {
    const source *src;
    const smpsim_dot_options *o;
    double per_group;
    smpsim_dot *dots;
    const float *order; /* NULL: no attributes */
    bool vary;
    uint64_t key;
    size_t n, runs;
} dot_pass;

static void run_dot_pass(void *arg, size_t t)
{
    const dot_pass *p = arg;
    size_t begin = p->n * t / p->runs, end = p->n * (t + 1) / p->runs;
    for (size_t i = begin; i < end; i++) {
        if (p->order)
            attribute(p->src, p->per_group, p->o, &p->dots[i], p->order[i]);
        if (p->vary)
            vary(&p->dots[i], p->o, p->key, i);
    }
}

#define MIN_DOTS_PER_THREAD 4096

static void dot_pass_run(dot_pass *p, unsigned threads)
{
    size_t by_dots = p->n / MIN_DOTS_PER_THREAD;
    p->runs = threads < by_dots ? threads : by_dots;
    p->runs = p->runs > 1 ? p->runs : 1;
    smpsim__run_threads(p->runs, run_dot_pass, p);
}

/* field -> centres -> attributes -> groups -> (outline) -> variation; the
 * variation changes only sizes and shades and the outline only positions,
 * so without groups (the dots' indexes final) the variation is worked out
 * with the attributes, in one pass. The field is left holding densities
 * per group. */
static smpsim_status make_dots(smpsim_field *field, const source *src,
                               const smpsim_dot_options *o, uint64_t seed, smpsim__work *work,
                               smpsim_dots **out, smpsim_error *err)
{
    smpsim_dots *dots = NULL, *grouped = NULL;
    float *order = NULL;
    unsigned threads = smpsim__dot_threads(o);
    smpsim_status st = sample_centres(seed, field, o, threads, &dots, &order, err);
    uint64_t key = smpsim__mix64(seed ^ UINT64_C(0x7661727931)); /* "vary" */
    if (st == SMPSIM_OK) {
        dot_pass pass = {src, o, per_group_of(o), dots->dots, order, !o->groups, key,
                         dots->count, 1};
        dot_pass_run(&pass, threads);
    }
    free(order);
    if (st == SMPSIM_OK && o->groups) {
        st = smpsim_dots_group(dots, o, seed, &grouped, err);
        smpsim_dots_free(dots);
        dots = grouped;
    }
    if (st == SMPSIM_OK && src->design)
        st = keep_in_regions(src->design, dots, work, err);
    if (st != SMPSIM_OK) {
        smpsim_dots_free(dots);
        return st;
    }
    if (o->groups) {
        dot_pass pass = {src, o, 1.0, dots->dots, NULL, true, key, dots->count, 1};
        dot_pass_run(&pass, threads);
    }
    *out = dots;
    return SMPSIM_OK;
}

/* A generator keeps the design's field between calls: an editor that
 * regenerates many times a second then does not fault in fresh pages for
 * it each time (glibc hands large freed blocks back to the system). It
 * also keeps the last regions' raster: while an editor moves the hairline
 * or changes the sessions, the outlines are not rasterised again. */
struct smpsim_generator {
    smpsim_field *field;
    size_t cap_cells;
    smpsim__raster_cache raster;
};

smpsim_status smpsim_generator_new(smpsim_generator **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "generator: out-pointer is NULL");
    *out = calloc(1, sizeof **out);
    return *out ? SMPSIM_OK : smpsim__fail(err, SMPSIM_ENOMEM, "generator: out of memory");
}

void smpsim_generator_free(smpsim_generator *g)
{
    if (!g)
        return;
    smpsim_field_free(g->field);
    smpsim__raster_cache_free(&g->raster);
    free(g);
}

/* The design's dots from its field in *field (kept when cap is given,
 * with the regions' raster in cache, which may be NULL). */
static smpsim_status design_dots(const smpsim_design *design, smpsim_field **field, size_t *cap,
                                 smpsim__raster_cache *cache, smpsim_dots **out,
                                 smpsim_error *err)
{
    /* The field resolves (and indexes) the hairline; the dots reuse it. */
    source src = {design, NULL, NULL, 0, {0}, {INFINITY, -INFINITY}};
    smpsim__work work;
    smpsim__work_init(&work, smpsim__design_dot_options(design));
    smpsim_status st =
        smpsim__design_field_hairline(design, 0.0, field, cap, cache, &src.hairline, &work, err);
    src.sessions = smpsim_design_sessions(design, &src.n_sessions);
    for (size_t j = 0; j < src.n_sessions; j++) {
        src.offsets[0] = fmin(src.offsets[0], src.sessions[j].hairline_offset_mm);
        src.offsets[1] = fmax(src.offsets[1], src.sessions[j].hairline_offset_mm);
    }
    if (st == SMPSIM_OK)
        st = make_dots(*field, &src, smpsim__design_dot_options(design),
                       smpsim_design_get_seed(design), &work, out, err);
    smpsim__hairline_field_free(&src.hairline);
    return st;
}

smpsim_status smpsim_design_dots(const smpsim_design *design, smpsim_dots **out,
                                 smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: out-pointer is NULL");
    *out = NULL;
    smpsim_field *field = NULL;
    smpsim_status st = design_dots(design, &field, NULL, NULL, out, err);
    smpsim_field_free(field);
    return st;
}

smpsim_status smpsim_generator_dots(smpsim_generator *g, const smpsim_design *design,
                                    smpsim_dots **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "generator: out-pointer is NULL");
    *out = NULL;
    if (!g || !design)
        return smpsim__fail(err, SMPSIM_EINVAL, "generator: generator or design is NULL");
    return design_dots(design, &g->field, &g->cap_cells, &g->raster, out, err);
}

smpsim_status smpsim_field_dots(const smpsim_field *field, const smpsim_region_params *params,
                                const smpsim_dot_options *opts, uint64_t seed, smpsim_dots **out,
                                smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: out-pointer is NULL");
    *out = NULL;
    if (!field || !field->density_per_cm2)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: the field is NULL");
    smpsim_region_params p;
    smpsim_dot_options o;
    smpsim_status st = smpsim__resolve_region_params(params, &p, 0, err);
    if (st == SMPSIM_OK)
        st = smpsim__resolve_dot_options(opts, &o, err);
    if (st != SMPSIM_OK)
        return st;
    /* The map's full density is the reference for transition scaling. */
    p.density_per_cm2 = fmax(smpsim__field_max(field), 1e-9);
    smpsim_field copy = *field; /* sampling scales densities in place for groups */
    size_t n = (size_t)field->width * field->height;
    copy.density_per_cm2 = malloc(n * sizeof *copy.density_per_cm2);
    if (!copy.density_per_cm2)
        return smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory");
    memcpy(copy.density_per_cm2, field->density_per_cm2, n * sizeof *copy.density_per_cm2);
    source src = {NULL, &p, NULL, 0, {0}, {0.0, 0.0}};
    smpsim__work work;
    smpsim__work_init(&work, &o);
    st = make_dots(&copy, &src, &o, seed, &work, out, err);
    free(copy.density_per_cm2);
    return st;
}
