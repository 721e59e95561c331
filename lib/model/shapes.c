/* Region outlines as rings in scalp millimetres: polygons as given,
 * ellipses, thick lines (strip scars) and point sets (punch scars) turned
 * into polygons, all mapped through the view when given in pixels. */
#include "model/model-private.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846
#define ELLIPSE_SEGMENTS 96
#define DISC_SEGMENTS 16
#define CAP_SEGMENTS 12

typedef struct ring_builder {
    smpsim__rings *r;
    size_t cap;
    size_t total; /* points stored, closed rings and the open one */
    bool failed;
} ring_builder;

static void add_point(ring_builder *b, double x, double y)
{
    smpsim__rings *r = b->r;
    size_t n = b->total;
    if (b->failed)
        return;
    if (n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        double *xy = realloc(r->xy, 2 * cap * sizeof *xy);
        if (!xy) {
            b->failed = true;
            return;
        }
        r->xy = xy;
        b->cap = cap;
    }
    r->xy[2 * n] = x;
    r->xy[2 * n + 1] = y;
    b->total++;
}

/* Ends the open ring: start[k] is ring k's first point, start[n_rings]
 * the total. */
static void close_ring(ring_builder *b, size_t max_rings)
{
    smpsim__rings *r = b->r;
    if (b->failed || r->n_rings + 1 > max_rings)
        return;
    r->n_rings++;
    r->start[r->n_rings] = b->total;
}

static void add_ellipse(ring_builder *b, double cx, double cy, double rx, double ry, double rot,
                        int segments)
{
    double c = cos(rot * PI / 180.0), s = sin(rot * PI / 180.0);
    for (int k = 0; k < segments; k++) {
        double a = 2.0 * PI * k / segments, ex = rx * cos(a), ey = ry * sin(a);
        add_point(b, cx + c * ex - s * ey, cy + s * ex + c * ey);
    }
}

/* The outline of a polyline stroked with round ends: one side forward, a
 * half-circle cap, the other side back, the other cap. Self-overlaps at
 * sharp bends are fine for a gently curved scar. */
static void add_stroke(ring_builder *b, const double *xy, size_t n, double half)
{
    for (int side = 0; side < 2; side++) {
        for (size_t k = 0; k < n; k++) {
            size_t i = side ? n - 1 - k : k;
            size_t a = i > 0 ? i - 1 : i, c = i + 1 < n ? i + 1 : i;
            if (side) {
                size_t t = a;
                a = c;
                c = t;
            }
            double dx = xy[2 * c] - xy[2 * a], dy = xy[2 * c + 1] - xy[2 * a + 1];
            double len = hypot(dx, dy);
            if (len <= 0.0)
                continue;
            add_point(b, xy[2 * i] + dy / len * half, xy[2 * i + 1] - dx / len * half);
        }
        /* cap around the last point of this pass */
        size_t end = side ? 0 : n - 1, prev = side ? 1 : n - 2;
        double dx = xy[2 * end] - xy[2 * prev], dy = xy[2 * end + 1] - xy[2 * prev + 1];
        double a0 = atan2(-dx, dy); /* the side normal we just used */
        for (int k = 1; k < CAP_SEGMENTS; k++) {
            double a = a0 + PI * k / CAP_SEGMENTS;
            add_point(b, xy[2 * end] + half * cos(a), xy[2 * end + 1] + half * sin(a));
        }
    }
}

static smpsim_status to_mm(const smpsim__region *r, const smpsim_view *view, double **xy,
                           double *scale)
{
    *xy = malloc(2 * r->n_points * sizeof **xy + 1);
    if (!*xy)
        return SMPSIM_ENOMEM;
    *scale = r->units == SMPSIM_UNITS_PX ? 1.0 / view->px_per_mm : 1.0;
    for (size_t i = 0; i < r->n_points; i++) {
        if (r->units == SMPSIM_UNITS_PX)
            smpsim_view_to_mm(view, r->xy[2 * i], r->xy[2 * i + 1], &(*xy)[2 * i],
                              &(*xy)[2 * i + 1]);
        else
            memcpy(&(*xy)[2 * i], &r->xy[2 * i], 2 * sizeof **xy);
    }
    return SMPSIM_OK;
}

smpsim_status smpsim__region_rings(const smpsim__region *r, const smpsim_view *view,
                                   smpsim__rings *out, smpsim_error *err)
{
    memset(out, 0, sizeof *out);
    size_t max_rings = r->shape == SMPSIM__POINTS ? r->n_points : 1;
    out->start = calloc(max_rings + 1, sizeof *out->start);
    double *xy = NULL, scale = 1.0;
    if (!out->start || (r->shape != SMPSIM__MASK && to_mm(r, view, &xy, &scale) != SMPSIM_OK)) {
        free(out->start);
        out->start = NULL;
        return smpsim__fail(err, SMPSIM_ENOMEM, "region: out of memory");
    }
    ring_builder b = {out, 0, 0, false};
    switch (r->shape) {
    case SMPSIM__POLYGON:
        for (size_t i = 0; i < r->n_points; i++)
            add_point(&b, xy[2 * i], xy[2 * i + 1]);
        close_ring(&b, max_rings);
        break;
    case SMPSIM__ELLIPSE:
        add_ellipse(&b, xy[0], xy[1], r->radius_x * scale, r->radius_y * scale, r->rotation_deg,
                    ELLIPSE_SEGMENTS);
        close_ring(&b, max_rings);
        break;
    case SMPSIM__LINE:
        add_stroke(&b, xy, r->n_points, 0.5 * r->width * scale);
        close_ring(&b, max_rings);
        break;
    case SMPSIM__POINTS:
        for (size_t i = 0; i < r->n_points; i++) {
            add_ellipse(&b, xy[2 * i], xy[2 * i + 1], 0.5 * r->width * scale,
                        0.5 * r->width * scale, 0.0, DISC_SEGMENTS);
            close_ring(&b, max_rings);
        }
        break;
    case SMPSIM__MASK:
        break;
    }
    free(xy);
    if (b.failed) {
        smpsim__rings_free(out);
        return smpsim__fail(err, SMPSIM_ENOMEM, "region: out of memory");
    }
    return SMPSIM_OK;
}

void smpsim__rings_free(smpsim__rings *rings)
{
    free(rings->start);
    free(rings->xy);
    memset(rings, 0, sizeof *rings);
}

/* hypot(), without the call when the nearest point lies straight across
 * (a difference of exactly 0, as on axis-aligned edges): hypot(x, +-0) is
 * fabs(x) exactly (C11 F.10.4.3), so the result is the same. */
static inline double length_of(double dx, double dy)
{
    return dy == 0.0 ? fabs(dx) : (dx == 0.0 ? fabs(dy) : hypot(dx, dy));
}

bool smpsim__rings_contain(const smpsim__rings *rings, double x, double y)
{
    bool in = false;
    for (size_t k = 0; k < rings->n_rings; k++) {
        size_t n = rings->start[k + 1] - rings->start[k];
        if (n >= 3 && smpsim__polygon_contains(rings->xy + 2 * rings->start[k], n, x, y))
            in = !in;
    }
    return in;
}

double smpsim__rings_nearest(const smpsim__rings *rings, double x, double y, double *nx,
                             double *ny)
{
    double best = INFINITY;
    for (size_t k = 0; k < rings->n_rings; k++) {
        size_t n = rings->start[k + 1] - rings->start[k];
        if (n == 0)
            continue;
        double px, py;
        smpsim__polygon_nearest(rings->xy + 2 * rings->start[k], n, x, y, &px, &py);
        double d = length_of(px - x, py - y);
        if (d < best) {
            best = d;
            *nx = px;
            *ny = py;
        }
    }
    return best;
}

bool smpsim__rings_index(const smpsim__rings *rings, const double domain[4], double leaf_mm,
                         double cap_mm, smpsim__segindex *ix)
{
    memset(ix, 0, sizeof *ix);
    size_t n = rings->n_rings ? rings->start[rings->n_rings] : 0;
    smpsim__segment *seg = n ? malloc(n * sizeof *seg) : NULL;
    if (!seg)
        return false;
    for (size_t k = 0; k < rings->n_rings; k++) {
        size_t a = rings->start[k], m = rings->start[k + 1] - a;
        const double *xy = rings->xy + 2 * a;
        for (size_t i = 0, j = m - 1; i < m; j = i++)
            seg[a + i] = (smpsim__segment){xy[2 * j], xy[2 * j + 1], xy[2 * i], xy[2 * i + 1], 0};
    }
    bool ok = smpsim__segindex_build(ix, seg, n, domain, leaf_mm, cap_mm);
    free(seg);
    return ok;
}

/* As smpsim__rings_nearest(): the nearest edge of each ring by squared
 * distance (first in ring order on ties), then the nearest ring by hypot()
 * of its point (first ring on ties), only over the listed edges. */
double smpsim__rings_nearest_among(const smpsim__rings *rings, const uint32_t *edges, size_t n,
                                   double x, double y, double *nx, double *ny)
{
    double best = INFINITY;
    size_t k = 0;
    for (size_t e = 0; e < n;) {
        while (edges[e] >= rings->start[k + 1])
            k++;
        size_t a = rings->start[k], end = rings->start[k + 1], m = end - a;
        const double *xy = rings->xy + 2 * a;
        double ring_best = INFINITY, px = 0.0, py = 0.0;
        for (; e < n && edges[e] < end; e++) {
            size_t i = edges[e] - a, j = i ? i - 1 : m - 1;
            double qx, qy;
            double d2 = smpsim__edge_nearest(xy[2 * j], xy[2 * j + 1], xy[2 * i], xy[2 * i + 1], x,
                                             y, &qx, &qy);
            if (d2 < ring_best) {
                ring_best = d2;
                px = qx;
                py = qy;
            }
        }
        if (!(ring_best < INFINITY)) /* no finite distance: no point to offer */
            continue;
        double d = length_of(px - x, py - y);
        if (d < best) {
            best = d;
            *nx = px;
            *ny = py;
        }
    }
    return best;
}

void smpsim__rings_bounds(const smpsim__rings *rings, double b[4])
{
    b[0] = b[1] = INFINITY;
    b[2] = b[3] = -INFINITY;
    size_t n = rings->n_rings ? rings->start[rings->n_rings] : 0;
    for (size_t i = 0; i < n; i++) {
        b[0] = fmin(b[0], rings->xy[2 * i]), b[1] = fmin(b[1], rings->xy[2 * i + 1]);
        b[2] = fmax(b[2], rings->xy[2 * i]), b[3] = fmax(b[3], rings->xy[2 * i + 1]);
    }
}

double smpsim__mask_coverage(const smpsim__region *r, const smpsim_view *view, double x, double y)
{
    const smpsim_image *m = r->mask;
    double px, py;
    smpsim_view_to_px(view, x, y, &px, &py);
    if (!(px >= 0.0 && py >= 0.0 && px < m->width && py < m->height))
        return 0.0;
    const unsigned char *row = (const unsigned char *)m->pixels + (size_t)py * m->stride;
    if (m->format == SMPSIM_RGBA16) {
        const uint16_t *p = (const uint16_t *)(const void *)row + (size_t)px * 4;
        return (p[0] + p[1] + p[2]) / (3.0 * 65535.0);
    }
    const uint8_t *p = row + (size_t)px * 4;
    return (p[0] + p[1] + p[2]) / (3.0 * 255.0);
}
