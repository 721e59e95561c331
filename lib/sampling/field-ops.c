/* Composing density fields: ramps, cell-by-cell combinations, and density
 * maps painted by an artist. */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>

#define DEFAULT_CELL_MM 0.25
#define MAX_FIELD_CELLS (UINT64_C(64) * 1000 * 1000)

static float apply(smpsim_field_op op, float d, float v)
{
    switch (op) {
    case SMPSIM_FIELD_MULTIPLY:
        return d * v;
    case SMPSIM_FIELD_MAX:
        return d > v ? d : v;
    case SMPSIM_FIELD_MIN:
        return d < v ? d : v;
    case SMPSIM_FIELD_ADD:
        return d + v;
    case SMPSIM_FIELD_SET:
    default:
        return v;
    }
}

static bool valid_op(smpsim_field_op op)
{
    return op >= SMPSIM_FIELD_SET && op <= SMPSIM_FIELD_ADD;
}

static bool valid_field(const smpsim_field *f)
{
    return f && f->density_per_cm2 && f->width > 0 && f->height > 0 && f->cell_mm > 0.0;
}

smpsim_status smpsim_field_ramp(smpsim_field *field, double x0_mm, double y0_mm, double value0,
                                double x1_mm, double y1_mm, double value1, smpsim_field_op op,
                                smpsim_error *err)
{
    if (!valid_field(field) || !valid_op(op))
        return smpsim__fail(err, SMPSIM_EINVAL, "ramp: bad field or operation");
    double ex = x1_mm - x0_mm, ey = y1_mm - y0_mm, len2 = ex * ex + ey * ey;
    if (!isfinite(len2) || !(len2 > 1e-12) || !isfinite(x0_mm) || !isfinite(y0_mm))
        return smpsim__fail(err, SMPSIM_EINVAL, "ramp: the two points coincide or are not finite");
    if (!(value0 >= 0.0 && value0 <= 100000.0) || !(value1 >= 0.0 && value1 <= 100000.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "ramp: values %g and %g, expected 0..100000",
                            value0, value1);
    for (uint32_t j = 0; j < field->height; j++) {
        double y = field->origin_y_mm + (j + 0.5) * field->cell_mm;
        for (uint32_t i = 0; i < field->width; i++) {
            double x = field->origin_x_mm + (i + 0.5) * field->cell_mm;
            double t = ((x - x0_mm) * ex + (y - y0_mm) * ey) / len2;
            t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
            float *d = &field->density_per_cm2[(size_t)j * field->width + i];
            *d = fmaxf(0.0f, apply(op, *d, (float)(value0 + t * (value1 - value0))));
        }
    }
    return SMPSIM_OK;
}

smpsim_status smpsim_field_combine(smpsim_field *dst, const smpsim_field *src, smpsim_field_op op,
                                   smpsim_error *err)
{
    if (!valid_field(dst) || !valid_field(src) || !valid_op(op))
        return smpsim__fail(err, SMPSIM_EINVAL, "combine: bad field or operation");
    if (dst->width != src->width || dst->height != src->height || dst->cell_mm != src->cell_mm ||
        dst->origin_x_mm != src->origin_x_mm || dst->origin_y_mm != src->origin_y_mm)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "combine: fields differ in geometry (%ux%u vs %ux%u cells)",
                            dst->width, dst->height, src->width, src->height);
    size_t n = (size_t)dst->width * dst->height;
    bool take_region = (op == SMPSIM_FIELD_SET || op == SMPSIM_FIELD_MAX) && dst->region &&
                       src->region;
    for (size_t i = 0; i < n; i++) {
        float before = dst->density_per_cm2[i], v = src->density_per_cm2[i];
        dst->density_per_cm2[i] = fmaxf(0.0f, apply(op, before, v));
        if (take_region && v > 0.0f && (op == SMPSIM_FIELD_SET || v >= before))
            dst->region[i] = src->region[i];
    }
    return SMPSIM_OK;
}

/* Map value (0..1) at a fractional pixel position, bilinear, clamped. */
static double map_value(const smpsim_image *m, double px, double py)
{
    px = fmin(fmax(px - 0.5, 0.0), m->width - 1.0);
    py = fmin(fmax(py - 0.5, 0.0), m->height - 1.0);
    uint32_t x0 = (uint32_t)px, y0 = (uint32_t)py;
    uint32_t x1 = x0 + 1 < m->width ? x0 + 1 : x0, y1 = y0 + 1 < m->height ? y0 + 1 : y0;
    double fx = px - x0, fy = py - y0, v[4];
    uint32_t xs[4] = {x0, x1, x0, x1}, ys[4] = {y0, y0, y1, y1};
    for (int k = 0; k < 4; k++) {
        const unsigned char *row = (const unsigned char *)m->pixels + (size_t)ys[k] * m->stride;
        if (m->format == SMPSIM_RGBA16) {
            const uint16_t *p = (const uint16_t *)(const void *)row + (size_t)xs[k] * 4;
            v[k] = (p[0] + p[1] + p[2]) / (3.0 * 65535.0);
        } else {
            const uint8_t *p = row + (size_t)xs[k] * 4;
            v[k] = (p[0] + p[1] + p[2]) / (3.0 * 255.0);
        }
    }
    return (v[0] * (1 - fx) + v[1] * fx) * (1 - fy) + (v[2] * (1 - fx) + v[3] * fx) * fy;
}

smpsim_status smpsim_field_from_map(const smpsim_image *map, const smpsim_view *view,
                                    double max_per_cm2, double cell_mm, smpsim_field **out,
                                    smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "density map: out-pointer is NULL");
    *out = NULL;
    if (!map || !map->pixels || map->width == 0 || map->height == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "density map: the image is empty");
    if (!(max_per_cm2 > 0.0 && max_per_cm2 <= 1000.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "density map: maximum density %g dots/cm2, expected 0..1000",
                            max_per_cm2);
    smpsim_status st = smpsim_view_validate(view, err);
    if (st != SMPSIM_OK)
        return st;
    cell_mm = cell_mm == 0.0 ? DEFAULT_CELL_MM : cell_mm;
    double b[4];
    smpsim__view_rect_bounds(view, map->width, map->height, b); /* the map's outline */
    double w = ceil((b[2] - b[0]) / cell_mm), h = ceil((b[3] - b[1]) / cell_mm);
    if (!(w * h <= (double)MAX_FIELD_CELLS) || !(w >= 1 && h >= 1))
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "density map: %.0fx%.0f mm at %g mm cells exceeds the limit of 64 "
                            "million cells",
                            b[2] - b[0], b[3] - b[1], cell_mm);
    smpsim_field *f;
    st = smpsim_field_new((uint32_t)w, (uint32_t)h, b[0], b[1], cell_mm, &f, err);
    if (st != SMPSIM_OK)
        return st;
    for (uint32_t j = 0; j < f->height; j++) {
        for (uint32_t i = 0; i < f->width; i++) {
            double px, py;
            smpsim_view_to_px(view, b[0] + (i + 0.5) * cell_mm, b[1] + (j + 0.5) * cell_mm, &px,
                              &py);
            if (px < 0 || py < 0 || px >= map->width || py >= map->height)
                continue;
            size_t at = (size_t)j * f->width + i;
            f->density_per_cm2[at] = (float)(map_value(map, px, py) * max_per_cm2);
            f->region[at] = f->density_per_cm2[at] > 0.0f ? 1 : 0;
        }
    }
    *out = f;
    return SMPSIM_OK;
}
