/* The design's dots: field -> sampler -> per-region attributes. */
#include "smpsim-private.h"

#include <math.h>
#include <stdlib.h>

#define INSET_MM 0.01 /* how far inside the outline a stray dot is put back */

/* The field rasterises outlines at its cell size, so a dot from an edge cell
 * can lie a fraction of a cell outside its polygon: put it back just inside,
 * at the nearest point of the outline (the count stays exact). */
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

static smpsim_status apply_regions(const smpsim_design *design, smpsim_dots *dots,
                                   smpsim_error *err)
{
    size_t n_regions = smpsim_design_region_count(design);
    const smpsim_view *view = smpsim_design_get_view(design);
    for (size_t r = 0; r < n_regions; r++) {
        const smpsim__region *reg = smpsim__design_region(design, r);
        double *mm = smpsim__region_outline_mm(reg, view);
        if (!mm)
            return smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory");
        for (size_t i = 0; i < dots->count; i++) {
            smpsim_dot *d = &dots->dots[i];
            if (d->region != r + 1)
                continue;
            keep_inside(d, mm, reg->n_points);
            d->diameter_mm = (float)reg->params.dot_diameter_mm;
            d->shade = (float)reg->params.shade;
            d->session = 1;
        }
        free(mm);
    }
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
    smpsim_dots *dots;
    st = smpsim_sample(field, smpsim_design_get_seed(design), NULL, &dots, err);
    smpsim_field_free(field);
    if (st != SMPSIM_OK)
        return st;
    st = apply_regions(design, dots, err);
    if (st != SMPSIM_OK) {
        smpsim_dots_free(dots);
        return st;
    }
    *out = dots;
    return SMPSIM_OK;
}
