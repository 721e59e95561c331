/* Designs: a view, a seed and treatment regions. */
#include "smpsim-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_DENSITY_PER_CM2 100.0
#define DEFAULT_DOT_DIAMETER_MM 0.20
#define DEFAULT_SHADE 5.0
#define DEFAULT_PX_PER_MM 6.5

struct smpsim_design {
    smpsim_view view;
    uint64_t seed;
    smpsim_dot_options dot_options; /* resolved: defaults filled in */
    size_t n_regions;
    smpsim__region *regions;
};

smpsim_status smpsim_design_new(smpsim_design **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "design: out-pointer is NULL");
    *out = NULL;
    smpsim_design *d = calloc(1, sizeof *d);
    if (!d)
        return smpsim__fail(err, SMPSIM_ENOMEM, "design: out of memory");
    d->view = smpsim_view_flat(DEFAULT_PX_PER_MM);
    d->seed = 1;
    smpsim__resolve_dot_options(NULL, &d->dot_options, NULL);
    *out = d;
    return SMPSIM_OK;
}

void smpsim_design_free(smpsim_design *design)
{
    if (!design)
        return;
    for (size_t i = 0; i < design->n_regions; i++)
        free(design->regions[i].xy);
    free(design->regions);
    free(design);
}

smpsim_status smpsim_design_set_view(smpsim_design *design, const smpsim_view *view,
                                     smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    smpsim_status st = smpsim_view_validate(view, err);
    if (st != SMPSIM_OK)
        return st;
    design->view = *view;
    return SMPSIM_OK;
}

const smpsim_view *smpsim_design_get_view(const smpsim_design *design)
{
    return design ? &design->view : NULL;
}

void smpsim_design_set_seed(smpsim_design *design, uint64_t seed)
{
    if (design)
        design->seed = seed;
}

uint64_t smpsim_design_get_seed(const smpsim_design *design)
{
    return design ? design->seed : 0;
}

/* Fills defaults into a copy of the caller's params and checks ranges. */
smpsim_status smpsim__resolve_region_params(const smpsim_region_params *in,
                                            smpsim_region_params *p, size_t region_index,
                                            smpsim_error *err)
{
    smpsim__copy_options(p, sizeof *p, in);
    if (p->density_per_cm2 == 0.0)
        p->density_per_cm2 = DEFAULT_DENSITY_PER_CM2;
    if (p->dot_diameter_mm == 0.0)
        p->dot_diameter_mm = DEFAULT_DOT_DIAMETER_MM;
    if (p->shade == 0.0)
        p->shade = DEFAULT_SHADE;
    if (!(p->density_per_cm2 >= 0.01 && p->density_per_cm2 <= 1000.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "region %zu: density is %g dots/cm2, expected 0.01 to 1000",
                            region_index, p->density_per_cm2);
    if (!(p->dot_diameter_mm >= 0.01 && p->dot_diameter_mm <= 3.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "region %zu: dot diameter is %g mm, expected 0.01 to 3",
                            region_index, p->dot_diameter_mm);
    if (!(p->feather_mm >= 0.0 && p->feather_mm <= 100.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "region %zu: feather is %g mm, expected 0 to 100", region_index,
                            p->feather_mm);
    if (!(p->shade >= 1.0 && p->shade <= 10.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu: shade is %g, expected 1 to 10",
                            region_index, p->shade);
    return SMPSIM_OK;
}

static double polygon_area(const double *xy, size_t n)
{
    double a = 0.0;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        a += xy[2 * j] * xy[2 * i + 1] - xy[2 * i] * xy[2 * j + 1];
    return 0.5 * fabs(a);
}

static smpsim_status check_points(const double *xy, size_t n, size_t region_index,
                                  smpsim_error *err)
{
    if (!xy)
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu: points are NULL", region_index);
    if (n < 3 || n > SMPSIM_MAX_POLYGON_POINTS)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "region %zu: polygon has %zu points, expected 3 to %d", region_index,
                            n, SMPSIM_MAX_POLYGON_POINTS);
    for (size_t i = 0; i < 2 * n; i++) {
        if (!isfinite(xy[i]) || fabs(xy[i]) > 1e7)
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "region %zu: point %zu: %c is %g, expected a finite number",
                                region_index, i / 2, i % 2 ? 'y' : 'x', xy[i]);
    }
    if (!(polygon_area(xy, n) > 1e-9))
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu: polygon has no area",
                            region_index);
    return SMPSIM_OK;
}

smpsim_status smpsim_design_add_polygon(smpsim_design *design, const double *xy, size_t n_points,
                                        smpsim_units units, const smpsim_region_params *params,
                                        smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    size_t index = design->n_regions;
    if (index >= SMPSIM_MAX_REGIONS)
        return smpsim__fail(err, SMPSIM_ELIMIT, "design has %d regions, the maximum",
                            SMPSIM_MAX_REGIONS);
    if (units != SMPSIM_UNITS_MM && units != SMPSIM_UNITS_PX)
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu: unknown units %d", index,
                            (int)units);
    smpsim_region_params p;
    smpsim_status st = smpsim__resolve_region_params(params, &p, index, err);
    if (st == SMPSIM_OK)
        st = check_points(xy, n_points, index, err);
    if (st != SMPSIM_OK)
        return st;

    smpsim__region *grown = realloc(design->regions, (index + 1) * sizeof *grown);
    if (!grown)
        return smpsim__fail(err, SMPSIM_ENOMEM, "region %zu: out of memory", index);
    design->regions = grown;
    double *copy = malloc(2 * n_points * sizeof *copy);
    if (!copy)
        return smpsim__fail(err, SMPSIM_ENOMEM, "region %zu: out of memory", index);
    memcpy(copy, xy, 2 * n_points * sizeof *copy);
    grown[index] = (smpsim__region){units, n_points, copy, p};
    design->n_regions = index + 1;
    return SMPSIM_OK;
}

double *smpsim__region_outline_mm(const smpsim__region *r, const smpsim_view *view)
{
    double *mm = malloc(2 * r->n_points * sizeof *mm);
    for (size_t i = 0; mm && i < r->n_points; i++) {
        if (r->units == SMPSIM_UNITS_PX)
            smpsim_view_to_mm(view, r->xy[2 * i], r->xy[2 * i + 1], &mm[2 * i], &mm[2 * i + 1]);
        else
            memcpy(&mm[2 * i], &r->xy[2 * i], 2 * sizeof *mm);
    }
    return mm;
}

smpsim_status smpsim_design_set_dot_options(smpsim_design *design,
                                            const smpsim_dot_options *opts, smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    smpsim_dot_options o;
    smpsim_status st = smpsim__resolve_dot_options(opts, &o, err);
    if (st == SMPSIM_OK)
        design->dot_options = o;
    return st;
}

const smpsim_dot_options *smpsim__design_dot_options(const smpsim_design *design)
{
    return &design->dot_options;
}

size_t smpsim_design_region_count(const smpsim_design *design)
{
    return design ? design->n_regions : 0;
}

const smpsim__region *smpsim__design_region(const smpsim_design *design, size_t index)
{
    if (!design || index >= design->n_regions)
        return NULL;
    return &design->regions[index];
}

smpsim_status smpsim_design_region_params(const smpsim_design *design, size_t index,
                                          smpsim_region_params *params, smpsim_error *err)
{
    const smpsim__region *r = smpsim__design_region(design, index);
    if (!r || !params)
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu does not exist", index);
    size_t n;
    memcpy(&n, params, sizeof n);
    if (n > sizeof *params || n < sizeof(size_t))
        n = sizeof *params;
    memcpy((char *)params + sizeof n, (const char *)&r->params + sizeof n, n - sizeof n);
    return SMPSIM_OK;
}

char *smpsim_design_describe(const smpsim_design *design)
{
    if (!design)
        return NULL;
    size_t cap = 256 + 96 * design->n_regions;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    const smpsim_view *v = &design->view;
    int len = snprintf(s, cap,
                       "smpsim %s; view %.6g px/mm rotation %.6g deg offset %.6g,%.6g px; "
                       "seed %llu; %zu region(s)",
                       smpsim_version(), v->px_per_mm, v->rotation_deg, v->offset_x_px,
                       v->offset_y_px, (unsigned long long)design->seed, design->n_regions);
    for (size_t i = 0; i < design->n_regions && len > 0 && (size_t)len < cap; i++) {
        const smpsim__region *r = &design->regions[i];
        len += snprintf(s + len, cap - (size_t)len,
                        "; region %zu: polygon of %zu points in %s, %.6g dots/cm2, "
                        "%.6g mm dots, shade %.6g",
                        i, r->n_points, r->units == SMPSIM_UNITS_PX ? "px" : "mm",
                        r->params.density_per_cm2, r->params.dot_diameter_mm, r->params.shade);
    }
    return s;
}
