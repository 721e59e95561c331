/* Adding treatment regions to a design: polygons, ellipses, thick lines,
 * point sets and painted masks. Every input is checked, and a message names
 * the region, the point and the field at fault. */
#include "model/model-private.h"

#include <math.h>
#include <stdlib.h>

#define MAX_COORD 1e7
#define DEFAULT_PUNCH_MM 0.8

static double polygon_area(const double *xy, size_t n)
{
    double a = 0.0;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        a += xy[2 * j] * xy[2 * i + 1] - xy[2 * i] * xy[2 * j + 1];
    return 0.5 * fabs(a);
}

/* The area of the points' bounding box: 0 when they are on one line
 * parallel to an axis; a bowtie's is positive. Also positive for slanted
 * collinear points, so the area of the triangle of the three points
 * farthest apart decides. */
static double polygon_spread(const double *xy, size_t n)
{
    double best = 0.0;
    size_t a = 0, b = 0;
    for (size_t i = 1; i < n; i++) { /* the point farthest from point 0, then from that */
        double d = hypot(xy[2 * i] - xy[0], xy[2 * i + 1] - xy[1]);
        if (d > best)
            best = d, a = i;
    }
    best = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = hypot(xy[2 * i] - xy[2 * a], xy[2 * i + 1] - xy[2 * a + 1]);
        if (d > best)
            best = d, b = i;
    }
    double spread = 0.0; /* the largest triangle on the diameter a-b */
    for (size_t i = 0; i < n; i++) {
        double t = fabs((xy[2 * b] - xy[2 * a]) * (xy[2 * i + 1] - xy[2 * a + 1]) -
                        (xy[2 * i] - xy[2 * a]) * (xy[2 * b + 1] - xy[2 * a + 1]));
        spread = fmax(spread, 0.5 * t);
    }
    return spread;
}

static smpsim_status check_points(const double *xy, size_t n, size_t min_n, size_t index,
                                  smpsim_error *err)
{
    if (!xy)
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu: points are NULL", index);
    if (n < min_n || n > SMPSIM_MAX_POLYGON_POINTS)
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu: %zu points, expected %zu to %d",
                            index, n, min_n, SMPSIM_MAX_POLYGON_POINTS);
    for (size_t i = 0; i < 2 * n; i++) {
        if (!isfinite(xy[i]) || fabs(xy[i]) > MAX_COORD)
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "region %zu: point %zu: %c is %g, expected a finite number",
                                index, i / 2, i % 2 ? 'y' : 'x', xy[i]);
    }
    return SMPSIM_OK;
}

static bool valid_size(double v)
{
    return isfinite(v) && v > 0.0 && v <= MAX_COORD;
}

/* Common start: design, units and parameters. */
static smpsim_status begin(smpsim_design *design, smpsim_units units,
                           const smpsim_region_params *params, smpsim__region *r,
                           smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    size_t index = smpsim_design_region_count(design);
    memset(r, 0, sizeof *r);
    if (units != SMPSIM_UNITS_MM && units != SMPSIM_UNITS_PX)
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu: unknown units %d", index,
                            (int)units);
    r->units = units;
    return smpsim__resolve_region_params(params, &r->params, index, err);
}

/* Copies the points and appends the region; frees the copy on failure. */
static smpsim_status finish(smpsim_design *design, smpsim__region *r, const double *xy,
                            size_t n, smpsim_error *err)
{
    r->n_points = n;
    r->xy = malloc(2 * n * sizeof *r->xy + 1);
    if (!r->xy)
        return smpsim__fail(err, SMPSIM_ENOMEM, "region: out of memory");
    memcpy(r->xy, xy, 2 * n * sizeof *r->xy);
    smpsim_status st = smpsim__design_append_region(design, r, err);
    if (st != SMPSIM_OK)
        free(r->xy);
    return st;
}

smpsim_status smpsim_design_add_polygon(smpsim_design *design, const double *xy, size_t n_points,
                                        smpsim_units units, const smpsim_region_params *params,
                                        smpsim_error *err)
{
    smpsim__region r;
    smpsim_status st = begin(design, units, params, &r, err);
    size_t index = smpsim_design_region_count(design);
    if (st == SMPSIM_OK)
        st = check_points(xy, n_points, 3, index, err);
    if (st == SMPSIM_OK && !(polygon_area(xy, n_points) > 1e-9))
        st = smpsim__fail(err, SMPSIM_EINVAL,
                          polygon_spread(xy, n_points) > 1e-9
                              ? "region %zu: polygon's signed area is 0: its outline crosses "
                                "itself into parts of opposite turn (a bowtie, a figure of "
                                "eight); draw it without the crossing"
                              : "region %zu: polygon has no area (its points are on one line)",
                          index);
    if (st != SMPSIM_OK)
        return st;
    r.shape = SMPSIM__POLYGON;
    return finish(design, &r, xy, n_points, err);
}

smpsim_status smpsim_design_add_ellipse(smpsim_design *design, double center_x, double center_y,
                                        double radius_x, double radius_y, double rotation_deg,
                                        smpsim_units units, const smpsim_region_params *params,
                                        smpsim_error *err)
{
    smpsim__region r;
    smpsim_status st = begin(design, units, params, &r, err);
    size_t index = smpsim_design_region_count(design);
    double centre[2] = {center_x, center_y};
    if (st == SMPSIM_OK)
        st = check_points(centre, 1, 1, index, err);
    if (st == SMPSIM_OK && (!valid_size(radius_x) || !valid_size(radius_y)))
        st = smpsim__fail(err, SMPSIM_EINVAL,
                          "region %zu: ellipse radii %g and %g, expected positive numbers", index,
                          radius_x, radius_y);
    if (st == SMPSIM_OK && !(fabs(rotation_deg) <= 3600.0))
        st = smpsim__fail(err, SMPSIM_EINVAL, "region %zu: rotation %g degrees, expected -3600..3600",
                          index, rotation_deg);
    if (st != SMPSIM_OK)
        return st;
    r.shape = SMPSIM__ELLIPSE;
    r.radius_x = radius_x;
    r.radius_y = radius_y;
    r.rotation_deg = rotation_deg;
    return finish(design, &r, centre, 1, err);
}

smpsim_status smpsim_design_add_line(smpsim_design *design, const double *xy, size_t n_points,
                                     double width, smpsim_units units,
                                     const smpsim_region_params *params, smpsim_error *err)
{
    smpsim__region r;
    smpsim_status st = begin(design, units, params, &r, err);
    size_t index = smpsim_design_region_count(design);
    if (st == SMPSIM_OK)
        st = check_points(xy, n_points, 2, index, err);
    if (st == SMPSIM_OK && !valid_size(width))
        st = smpsim__fail(err, SMPSIM_EINVAL, "region %zu: line width %g, expected a positive number",
                          index, width);
    for (size_t i = 1; st == SMPSIM_OK && i < n_points; i++)
        if (xy[2 * i] == xy[2 * i - 2] && xy[2 * i + 1] == xy[2 * i - 1])
            st = smpsim__fail(err, SMPSIM_EINVAL, "region %zu: line points %zu and %zu coincide",
                              index, i - 1, i);
    if (st != SMPSIM_OK)
        return st;
    r.shape = SMPSIM__LINE;
    r.width = width;
    return finish(design, &r, xy, n_points, err);
}

smpsim_status smpsim_design_add_points(smpsim_design *design, const double *xy, size_t n_points,
                                       double diameter, smpsim_units units,
                                       const smpsim_region_params *params, smpsim_error *err)
{
    smpsim__region r;
    smpsim_status st = begin(design, units, params, &r, err);
    size_t index = smpsim_design_region_count(design);
    if (diameter == 0.0 && units == SMPSIM_UNITS_MM)
        diameter = DEFAULT_PUNCH_MM;
    if (st == SMPSIM_OK)
        st = check_points(xy, n_points, 1, index, err);
    if (st == SMPSIM_OK && !valid_size(diameter))
        st = smpsim__fail(err, SMPSIM_EINVAL,
                          "region %zu: point diameter %g, expected a positive number", index,
                          diameter);
    if (st != SMPSIM_OK)
        return st;
    r.shape = SMPSIM__POINTS;
    r.width = diameter;
    return finish(design, &r, xy, n_points, err);
}

smpsim_status smpsim_design_add_mask(smpsim_design *design, const smpsim_image *mask,
                                     const smpsim_region_params *params, smpsim_error *err)
{
    smpsim__region r;
    smpsim_status st = begin(design, SMPSIM_UNITS_PX, params, &r, err);
    if (st == SMPSIM_OK && (!mask || !mask->pixels || mask->width == 0 || mask->height == 0))
        st = smpsim__fail(err, SMPSIM_EINVAL, "region %zu: the mask image is empty",
                          smpsim_design_region_count(design));
    if (st == SMPSIM_OK)
        st = smpsim_image_copy(mask, &r.mask, err);
    if (st != SMPSIM_OK)
        return st;
    r.shape = SMPSIM__MASK;
    double origin[2] = {0, 0};
    st = finish(design, &r, origin, 1, err);
    if (st != SMPSIM_OK)
        smpsim_image_free(r.mask);
    return st;
}

smpsim_status smpsim__region_set_mask_path(smpsim_design *design, size_t index, const char *path,
                                           smpsim_error *err)
{
    smpsim__region *r = (smpsim__region *)smpsim__design_region(design, index);
    if (!r || r->shape != SMPSIM__MASK || !path)
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu is not a mask", index);
    size_t n = strlen(path);
    char *copy = malloc(n + 1);
    if (!copy)
        return smpsim__fail(err, SMPSIM_ENOMEM, "region %zu: out of memory", index);
    memcpy(copy, path, n + 1);
    free(r->mask_path);
    r->mask_path = copy;
    return SMPSIM_OK;
}

const char *smpsim_design_region_mask_path(const smpsim_design *design, size_t index)
{
    const smpsim__region *r =
        design && index < smpsim_design_region_count(design) ? smpsim__design_region(design, index)
                                                             : NULL;
    return r && r->shape == SMPSIM__MASK ? r->mask_path : NULL;
}
