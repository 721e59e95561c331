/* Density fields: target dots/cm2 on a raster in scalp millimetres. */
#include "smpsim-private.h"

#include <math.h>
#include <stdlib.h>

#define MAX_FIELD_CELLS (UINT64_C(64) * 1000 * 1000)
#define DEFAULT_CELL_MM 0.25
#define SUBROWS 4 /* vertical supersampling of polygon coverage */

smpsim_status smpsim_field_new(uint32_t width, uint32_t height, double origin_x_mm,
                               double origin_y_mm, double cell_mm, smpsim_field **out,
                               smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "field: out-pointer is NULL");
    *out = NULL;
    if (width == 0 || height == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "field: size %ux%u is empty", width, height);
    if ((uint64_t)width * height > MAX_FIELD_CELLS)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "field: %ux%u cells exceed the limit of %llu million cells", width,
                            height, (unsigned long long)(MAX_FIELD_CELLS / 1000000));
    if (!isfinite(cell_mm) || cell_mm < 0.001 || cell_mm > 1000.0)
        return smpsim__fail(err, SMPSIM_EINVAL, "field: cell size %g mm, expected 0.001..1000",
                            cell_mm);
    if (!isfinite(origin_x_mm) || !isfinite(origin_y_mm))
        return smpsim__fail(err, SMPSIM_EINVAL, "field: origin is not finite");
    smpsim_field *f = calloc(1, sizeof *f);
    size_t n = (size_t)width * height;
    if (f) {
        f->density_per_cm2 = calloc(n, sizeof *f->density_per_cm2);
        f->region = calloc(n, sizeof *f->region);
    }
    if (!f || !f->density_per_cm2 || !f->region) {
        smpsim_field_free(f);
        return smpsim__fail(err, SMPSIM_ENOMEM, "field: out of memory for %ux%u cells", width,
                            height);
    }
    f->width = width;
    f->height = height;
    f->origin_x_mm = origin_x_mm;
    f->origin_y_mm = origin_y_mm;
    f->cell_mm = cell_mm;
    *out = f;
    return SMPSIM_OK;
}

void smpsim_field_free(smpsim_field *field)
{
    if (!field)
        return;
    free(field->density_per_cm2);
    free(field->region);
    free(field);
}

double smpsim_field_expected_count(const smpsim_field *field)
{
    if (!field || !field->density_per_cm2)
        return 0.0;
    double sum = 0.0;
    size_t n = (size_t)field->width * field->height;
    for (size_t i = 0; i < n; i++)
        sum += field->density_per_cm2[i];
    return sum * field->cell_mm * field->cell_mm / 100.0;
}

static void bounds_grow(double b[4], const double *xy, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        b[0] = fmin(b[0], xy[2 * i]);
        b[1] = fmin(b[1], xy[2 * i + 1]);
        b[2] = fmax(b[2], xy[2 * i]);
        b[3] = fmax(b[3], xy[2 * i + 1]);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Adds the horizontal coverage of span [xa, xb) (in cells) on one sub-row
 * to the row's coverage array. */
static void add_span(float *cov, uint32_t width, double xa, double xb, float weight)
{
    if (xb <= 0.0 || xa >= width)
        return;
    xa = fmax(xa, 0.0);
    xb = fmin(xb, (double)width);
    uint32_t ia = (uint32_t)xa, ib = (uint32_t)xb;
    if (ia == ib) {
        cov[ia] += (float)((xb - xa) * weight);
        return;
    }
    cov[ia] += (float)((ia + 1 - xa) * weight);
    for (uint32_t i = ia + 1; i < ib; i++)
        cov[i] += weight;
    if (ib < width)
        cov[ib] += (float)((xb - ib) * weight);
}

/* Coverage (0..1) of one polygon over one row of cells, even-odd rule. */
static void polygon_row_coverage(const smpsim_field *f, const double *mm, size_t n, uint32_t row,
                                 double *xs, float *cov)
{
    memset(cov, 0, f->width * sizeof *cov);
    for (int s = 0; s < SUBROWS; s++) {
        double y = f->origin_y_mm + (row + (s + 0.5) / SUBROWS) * f->cell_mm;
        size_t k = 0;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double y0 = mm[2 * j + 1], y1 = mm[2 * i + 1];
            if ((y0 <= y) == (y1 <= y))
                continue;
            double t = (y - y0) / (y1 - y0);
            double x = mm[2 * j] + t * (mm[2 * i] - mm[2 * j]);
            xs[k++] = (x - f->origin_x_mm) / f->cell_mm;
        }
        qsort(xs, k, sizeof *xs, cmp_double);
        for (size_t i = 0; i + 1 < k; i += 2)
            add_span(cov, f->width, xs[i], xs[i + 1], 1.0f / SUBROWS);
    }
}

/* Signed distance (mm, positive inside) from (x, y) to the polygon's outline. */
static double signed_distance(const double *mm, size_t n, double x, double y)
{
    double nx, ny;
    smpsim__polygon_nearest(mm, n, x, y, &nx, &ny);
    double d = hypot(nx - x, ny - y);
    return smpsim__polygon_contains(mm, n, x, y) ? d : -d;
}

/* Feathered coverage of one row: smoothstep from 0 at feather/2 outside the
 * outline to 1 at feather/2 inside; symmetric, so the area is kept. */
static void feathered_row_coverage(const smpsim_field *f, const double *mm, size_t n, uint32_t row,
                                   double feather, const double bounds[4], float *cov)
{
    memset(cov, 0, f->width * sizeof *cov);
    double y = f->origin_y_mm + (row + 0.5) * f->cell_mm, half = feather / 2.0;
    if (y < bounds[1] - half || y > bounds[3] + half)
        return;
    for (uint32_t i = 0; i < f->width; i++) {
        double x = f->origin_x_mm + (i + 0.5) * f->cell_mm;
        if (x < bounds[0] - half || x > bounds[2] + half)
            continue;
        double t = (signed_distance(mm, n, x, y) + half) / feather;
        t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
        cov[i] = (float)(t * t * (3.0 - 2.0 * t));
    }
}

/* Lays one region over the field: where it covers a fraction c of a cell
 * already covered by a fraction a of earlier regions, it replaces as much of
 * them as the overlap forces (max(0, a + c - 1)) and adds its own density. */
static void composite_region(smpsim_field *f, const double *mm, size_t n, uint16_t id,
                             const smpsim_region_params *p, float *covered, double *xs, float *cov)
{
    double bounds[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    bounds_grow(bounds, mm, n);
    double density = p->density_per_cm2;
    for (uint32_t row = 0; row < f->height; row++) {
        if (p->feather_mm > 0.0)
            feathered_row_coverage(f, mm, n, row, p->feather_mm, bounds, cov);
        else
            polygon_row_coverage(f, mm, n, row, xs, cov);
        for (uint32_t i = 0; i < f->width; i++) {
            float c = fminf(cov[i], 1.0f);
            if (c <= 0.0f)
                continue;
            size_t at = (size_t)row * f->width + i;
            float a = covered[at];
            float overlap = fmaxf(0.0f, a + c - 1.0f);
            float d = f->density_per_cm2[at];
            if (overlap > 0.0f && a > 0.0f)
                d -= d * (overlap / a);
            f->density_per_cm2[at] = fmaxf(0.0f, d) + (float)density * c;
            covered[at] = fminf(1.0f, a + c - overlap);
            if (c >= 0.5f || f->region[at] == 0)
                f->region[at] = id;
        }
    }
}

smpsim_status smpsim_design_field(const smpsim_design *design, double cell_mm,
                                  smpsim_field **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "field: out-pointer is NULL");
    *out = NULL;
    size_t n_regions = smpsim_design_region_count(design);
    if (n_regions == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "design has no regions to fill");
    if (cell_mm == 0.0)
        cell_mm = DEFAULT_CELL_MM;
    const smpsim_view *view = smpsim_design_get_view(design);

    double **mm = calloc(n_regions, sizeof *mm);
    size_t max_points = 0;
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    smpsim_status st = mm ? SMPSIM_OK : SMPSIM_ENOMEM;
    for (size_t r = 0; st == SMPSIM_OK && r < n_regions; r++) {
        const smpsim__region *reg = smpsim__design_region(design, r);
        mm[r] = smpsim__region_outline_mm(reg, view);
        if (!mm[r]) {
            st = SMPSIM_ENOMEM;
            break;
        }
        double before[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY}, half;
        bounds_grow(before, mm[r], reg->n_points);
        half = reg->params.feather_mm / 2.0;
        before[0] -= half, before[1] -= half, before[2] += half, before[3] += half;
        bounds_grow(b, before, 2);
        if (reg->n_points > max_points)
            max_points = reg->n_points;
    }
    smpsim_field *f = NULL;
    if (st != SMPSIM_OK) {
        smpsim__fail(err, st, "field: out of memory");
    } else {
        double w = ceil((b[2] - b[0]) / cell_mm) + 2, h = ceil((b[3] - b[1]) / cell_mm) + 2;
        if (!(w * h <= (double)MAX_FIELD_CELLS))
            st = smpsim__fail(err, SMPSIM_ELIMIT,
                              "field: the design spans %.0fx%.0f mm, which at %g mm cells "
                              "exceeds the limit of %llu million cells",
                              b[2] - b[0], b[3] - b[1], cell_mm,
                              (unsigned long long)(MAX_FIELD_CELLS / 1000000));
        else
            st = smpsim_field_new((uint32_t)w, (uint32_t)h, b[0] - cell_mm, b[1] - cell_mm,
                                  cell_mm, &f, err);
    }
    float *covered = NULL, *cov = NULL;
    double *xs = NULL;
    if (st == SMPSIM_OK) {
        covered = calloc((size_t)f->width * f->height, sizeof *covered);
        cov = malloc(f->width * sizeof *cov);
        xs = malloc((max_points + 1) * sizeof *xs);
        if (!covered || !cov || !xs)
            st = smpsim__fail(err, SMPSIM_ENOMEM, "field: out of memory");
    }
    for (size_t r = 0; st == SMPSIM_OK && r < n_regions; r++) {
        const smpsim__region *reg = smpsim__design_region(design, r);
        composite_region(f, mm[r], reg->n_points, (uint16_t)(r + 1), &reg->params, covered, xs,
                         cov);
    }
    for (size_t r = 0; mm && r < n_regions; r++)
        free(mm[r]);
    free(mm);
    free(covered);
    free(cov);
    free(xs);
    if (st != SMPSIM_OK) {
        smpsim_field_free(f);
        return st;
    }
    *out = f;
    return SMPSIM_OK;
}
