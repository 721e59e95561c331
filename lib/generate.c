/* The design's dots: field -> sampler -> (groups) -> per-region attributes.
 *
 * Attributes: each dot takes its region's diameter and shade, scaled down
 * where the field is sparser than the region's own density (a transition
 * zone or feathered edge: smaller, lighter dots), then varied per dot
 * (normal spread, clipped to +-2.5 sigma). Dots stay inside their polygon. */
#include "smpsim-private.h"

#include <math.h>
#include <stdlib.h>

#define INSET_MM 0.01 /* how far inside the outline a stray dot is put back */
#define CLIP_SIGMA 2.5
#define MIN_SHADE 1.0f
#define MAX_SHADE 10.0f

/* The field rasterises outlines at its cell size (and groups spread dots
 * around their centre), so a dot can lie a fraction of a millimetre outside
 * its polygon: put it back just inside, at the nearest point of the outline.
 * Feathered regions are left alone: their edge is soft by design. */
static void keep_inside(smpsim_dot *d, const double *mm, size_t n)
{
    double x = d->x_mm, y = d->y_mm;
    if (smpsim__polygon_contains(mm, n, x, y))
        return;
    double nx, ny;
    smpsim__polygon_nearest(mm, n, x, y, &nx, &ny);
    double dx = nx - x, dy = ny - y, len = hypot(dx, dy);
    if (len > 0.0) {
        nx += dx / len * INSET_MM;
        ny += dy / len * INSET_MM;
    }
    if (smpsim__polygon_contains(mm, n, nx, ny)) {
        d->x_mm = (float)nx;
        d->y_mm = (float)ny;
    }
}

static double clipped_normal(smpsim__rng *rng)
{
    double z = smpsim__rng_normal(rng);
    return z > CLIP_SIGMA ? CLIP_SIGMA : (z < -CLIP_SIGMA ? -CLIP_SIGMA : z);
}

/* Region attributes, scaled by the local density fraction f (0..1). */
static void set_attributes(smpsim_dot *d, const smpsim_region_params *p, double f,
                           const smpsim_dot_options *o)
{
    double k = o->transition_strength, gap = 1.0 - (f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f));
    d->diameter_mm = (float)(p->dot_diameter_mm * (1.0 - k * gap));
    d->shade = (float)(p->shade * (1.0 - 1.5 * k * gap));
    d->session = 1;
}

static void vary(smpsim_dot *d, const smpsim_dot_options *o, smpsim__rng *rng)
{
    d->diameter_mm *= (float)(1.0 + o->diameter_spread * clipped_normal(rng));
    float shade = d->shade + (float)(o->shade_spread * clipped_normal(rng));
    d->shade = shade < MIN_SHADE ? MIN_SHADE : (shade > MAX_SHADE ? MAX_SHADE : shade);
}

/* Where dots get their region's parameters: a design's regions, or one
 * parameter set for a whole field. */
typedef struct params_source {
    const smpsim_design *design;
    const smpsim_region_params *single;
} params_source;

static const smpsim_region_params *params_of(const params_source *src, unsigned region)
{
    if (src->single)
        return src->single;
    return &smpsim__design_region(src->design, region ? region - 1u : 0u)->params;
}

static smpsim_status sample_centres(uint64_t seed, smpsim_field *field,
                                    const smpsim_dot_options *o, smpsim_dots **out,
                                    smpsim_error *err)
{
    smpsim_sample_options so;
    smpsim_sample_options_init(&so);
    so.mode = o->mode;
    double per_group = o->groups ? smpsim__mean_group_size(o) : 1.0;
    if (per_group != 1.0) {
        size_t n = (size_t)field->width * field->height;
        for (size_t i = 0; i < n; i++)
            field->density_per_cm2[i] = (float)(field->density_per_cm2[i] / per_group);
    }
    smpsim_status st = smpsim_sample(field, seed, &so, out, err);
    if (per_group != 1.0) { /* restore the densities for the attribute step */
        size_t n = (size_t)field->width * field->height;
        for (size_t i = 0; i < n; i++)
            field->density_per_cm2[i] = (float)(field->density_per_cm2[i] * per_group);
    }
    return st;
}

/* The density around (x, y): the largest of its cell and the four next to
 * it, so that a cell only partly covered by a hard outline does not read as
 * a sparse transition zone, while real ramps (which change little over
 * 0.25 mm) are followed. */
static double local_density(const smpsim_field *f, double x, double y)
{
    double c = f->cell_mm, d = smpsim__field_at(f, x, y, NULL);
    const double off[4][2] = {{c, 0}, {-c, 0}, {0, c}, {0, -c}};
    for (int k = 0; k < 4; k++)
        d = fmax(d, smpsim__field_at(f, x + off[k][0], y + off[k][1], NULL));
    return d;
}

static void attribute_centres(const params_source *src, const smpsim_field *field,
                              const smpsim_dot_options *o, smpsim_dots *dots)
{
    for (size_t i = 0; i < dots->count; i++) {
        smpsim_dot *d = &dots->dots[i];
        const smpsim_region_params *p = params_of(src, d->region);
        double f = local_density(field, d->x_mm, d->y_mm) / p->density_per_cm2;
        set_attributes(d, p, f, o);
    }
}

/* Puts stray dots of hard-edged regions back inside their polygon. */
static smpsim_status keep_in_regions(const smpsim_design *design, smpsim_dots *dots,
                                     smpsim_error *err)
{
    size_t n_regions = smpsim_design_region_count(design);
    const smpsim_view *view = smpsim_design_get_view(design);
    for (size_t r = 0; r < n_regions; r++) {
        const smpsim__region *reg = smpsim__design_region(design, r);
        if (reg->params.feather_mm > 0.0)
            continue;
        double *mm = smpsim__region_outline_mm(reg, view);
        if (!mm)
            return smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory");
        for (size_t i = 0; i < dots->count; i++)
            if (dots->dots[i].region == r + 1)
                keep_inside(&dots->dots[i], mm, reg->n_points);
        free(mm);
    }
    return SMPSIM_OK;
}

/* field -> centres -> attributes -> groups -> (outline) -> variation. */
static smpsim_status make_dots(smpsim_field *field, const params_source *src,
                               const smpsim_dot_options *o, uint64_t seed, smpsim_dots **out,
                               smpsim_error *err)
{
    smpsim_dots *dots = NULL, *grouped = NULL;
    smpsim_status st = sample_centres(seed, field, o, &dots, err);
    if (st == SMPSIM_OK)
        attribute_centres(src, field, o, dots);
    if (st == SMPSIM_OK && o->groups) {
        st = smpsim_dots_group(dots, o, seed, &grouped, err);
        smpsim_dots_free(dots);
        dots = grouped;
    }
    if (st == SMPSIM_OK && src->design)
        st = keep_in_regions(src->design, dots, err);
    if (st != SMPSIM_OK) {
        smpsim_dots_free(dots);
        return st;
    }
    smpsim__rng rng;
    smpsim__rng_seed(&rng, seed ^ UINT64_C(0x7661727931)); /* "vary" */
    for (size_t i = 0; i < dots->count; i++)
        vary(&dots->dots[i], o, &rng);
    *out = dots;
    return SMPSIM_OK;
}

smpsim_status smpsim_design_dots(const smpsim_design *design, smpsim_dots **out,
                                 smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: out-pointer is NULL");
    *out = NULL;
    smpsim_field *field;
    smpsim_status st = smpsim_design_field(design, 0.0, &field, err);
    if (st != SMPSIM_OK)
        return st;
    params_source src = {design, NULL};
    st = make_dots(field, &src, smpsim__design_dot_options(design),
                   smpsim_design_get_seed(design), out, err);
    smpsim_field_free(field);
    return st;
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
    params_source src = {NULL, &p};
    st = make_dots(&copy, &src, &o, seed, out, err);
    free(copy.density_per_cm2);
    return st;
}
