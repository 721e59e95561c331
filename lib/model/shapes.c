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

/* Non-zero winding: a polygon drawn around twice, overlapping punch discs
 * or a strip scar bending over itself are filled once, not left with holes
 * where they overlap (as the even-odd rule would). Where the winding is at
 * most 1 (every simple outline), both rules agree. */
bool smpsim__rings_contain(const smpsim__rings *rings, double x, double y)
{
    int w = 0;
    for (size_t k = 0; k < rings->n_rings; k++) {
        size_t n = rings->start[k + 1] - rings->start[k];
        if (n >= 3)
            w += smpsim__polygon_winding(rings->xy + 2 * rings->start[k], n, x, y);
    }
    return w != 0;
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

#define SMALL_RING 32      /* rings of at most this many edges are searched whole */
#define MAX_CELLS (UINT32_C(1) << 20)
#define SLAB_LISTING 4.0   /* a ring's slab lists hold about this many times its edges */
#define BOX_MARGIN 1e-9    /* of the coordinates' magnitude: far above rounding */

/* Cell column or row of coordinate v (monotonic in v, clamped). */
static uint32_t cell_of(double v, double v0, double inv, uint32_t n)
{
    double f = (v - v0) * inv;
    return f <= 0.0 ? 0u : (f >= (double)(n - 1) ? n - 1 : (uint32_t)f);
}

/* Ring k's slab of y (monotonic in y). */
static uint32_t slab_of(const smpsim__slabs *s, size_t k, double y)
{
    uint32_t n = s->ring_slab[k + 1] - s->ring_slab[k];
    return s->ring_slab[k] + cell_of(y, s->slab_y0[k], s->slab_inv_h[k], n);
}

/* Ring k's slab count, origin and scale. */
static uint32_t plan_ring(const smpsim__rings *rings, size_t k, double *y0, double *inv_h)
{
    size_t a = rings->start[k], m = rings->start[k + 1] - a;
    double lo = INFINITY, hi = -INFINITY, rise = 0.0;
    for (size_t i = 0, j = m - 1; i < m; j = i++) {
        double yi = rings->xy[2 * (a + i) + 1], yj = rings->xy[2 * (a + j) + 1];
        lo = fmin(lo, yi);
        hi = fmax(hi, yi);
        rise += fabs(yi - yj);
    }
    double height = hi - lo, n = fmax(m / 2.0, 1.0);
    if (rise > 0.0 && height > 0.0)
        n = fmin(n, SLAB_LISTING * m * height / rise);
    if (!(height > 0.0 && isfinite(height)))
        n = 1.0;
    n = fmax(n, 1.0);
    *y0 = lo;
    *inv_h = n > 1.0 ? floor(n) / height : 0.0;
    return (uint32_t)n;
}

/* Lists ring k's edges by slab (pass 0 counts them into slab_first). */
static size_t list_ring(const smpsim__rings *rings, smpsim__slabs *s, size_t k, int pass)
{
    size_t a = rings->start[k], m = rings->start[k + 1] - a, total = 0;
    for (size_t i = 0, j = m - 1; i < m; j = i++) {
        double yi = rings->xy[2 * (a + i) + 1], yj = rings->xy[2 * (a + j) + 1];
        uint32_t k0 = slab_of(s, k, fmin(yi, yj)), k1 = slab_of(s, k, fmax(yi, yj));
        for (uint32_t q = k0; q <= k1; q++) {
            if (pass == 0)
                s->slab_first[q + 1]++;
            else
                s->slab_edges[s->slab_first[q]++] = (uint32_t)(a + i);
        }
        total += (size_t)(k1 - k0) + 1;
    }
    return total;
}

/* Counts (pass 0) or fills (pass 1) per-slab or per-cell lists; offsets
 * in first[] as in smpsim__rings_slabs(). */
static void offsets_from_counts(uint32_t *first, size_t n)
{
    for (size_t q = 0; q < n; q++)
        first[q + 1] += first[q];
}

static void counts_done(uint32_t *first, size_t n)
{
    memmove(first + 1, first, n * sizeof *first);
    first[0] = 0;
}

static bool build_slabs(const smpsim__rings *rings, smpsim__slabs *s)
{
    size_t n_rings = rings->n_rings, n_slabs = 0;
    s->ring_slab = calloc(n_rings + 1, sizeof *s->ring_slab);
    s->slab_y0 = malloc((n_rings + 1) * sizeof *s->slab_y0);
    s->slab_inv_h = malloc((n_rings + 1) * sizeof *s->slab_inv_h);
    if (!s->ring_slab || !s->slab_y0 || !s->slab_inv_h)
        return false;
    for (size_t k = 0; k < n_rings; k++) {
        size_t m = rings->start[k + 1] - rings->start[k];
        s->ring_slab[k] = (uint32_t)n_slabs;
        if (m > SMALL_RING)
            n_slabs += plan_ring(rings, k, &s->slab_y0[k], &s->slab_inv_h[k]);
        if (n_slabs > UINT32_MAX / 2)
            return false;
    }
    s->ring_slab[n_rings] = (uint32_t)n_slabs;
    s->slab_first = calloc(n_slabs + 1, sizeof *s->slab_first);
    if (!s->slab_first)
        return false;
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < n_rings; k++)
            if (s->ring_slab[k + 1] > s->ring_slab[k])
                total += list_ring(rings, s, k, pass);
        if (pass == 0) {
            offsets_from_counts(s->slab_first, n_slabs);
            if (total > UINT32_MAX || !(s->slab_edges = malloc((total + 1) * sizeof *s->slab_edges)))
                return false;
        }
    }
    counts_done(s->slab_first, n_slabs);
    return true;
}

/* The grid of cells over the rings' boxes, listing the rings per cell. */
static bool build_grid(const smpsim__rings *rings, smpsim__slabs *s)
{
    size_t n_rings = rings->n_rings, used = 0;
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY}, scale = 0.0;
    s->box = malloc((4 * n_rings + 1) * sizeof *s->box);
    if (!s->box)
        return false;
    for (size_t k = 0; k < n_rings; k++) {
        size_t a = rings->start[k], m = rings->start[k + 1] - a;
        double *box = s->box + 4 * k;
        box[0] = box[1] = INFINITY;
        box[2] = box[3] = -INFINITY;
        for (size_t i = a; m >= 3 && i < a + m; i++) {
            double x = rings->xy[2 * i], y = rings->xy[2 * i + 1];
            box[0] = fmin(box[0], x), box[1] = fmin(box[1], y);
            box[2] = fmax(box[2], x), box[3] = fmax(box[3], y);
            scale = fmax(scale, fmax(fabs(x), fabs(y)));
        }
        if (m >= 3)
            used++;
    }
    double margin = BOX_MARGIN * (scale + 1.0);
    for (size_t k = 0; k < n_rings; k++) {
        double *box = s->box + 4 * k;
        if (!(box[0] <= box[2]))
            continue;
        box[0] -= margin, box[1] -= margin, box[2] += margin, box[3] += margin;
        b[0] = fmin(b[0], box[0]), b[1] = fmin(b[1], box[1]);
        b[2] = fmax(b[2], box[2]), b[3] = fmax(b[3], box[3]);
    }
    if (used == 0)
        return true; /* w = h = 0: nothing is inside, no line crosses */
    /* About one ring per cell, square cells. */
    double width = b[2] - b[0], height = b[3] - b[1];
    double cells = fmin(fmax((double)used, 1.0), (double)MAX_CELLS);
    double cell = sqrt(width * height / cells);
    if (!(cell > 0.0 && isfinite(cell)))
        cell = fmax(fmax(width, height), 1e-9);
    s->w = (uint32_t)fmin(fmax(ceil(width / cell), 1.0), 4096.0);
    s->h = (uint32_t)fmin(fmax(ceil(height / cell), 1.0), 4096.0);
    cell = fmax(width / s->w, height / s->h) * (1.0 + 1e-9);
    s->x0 = b[0];
    s->y0 = b[1];
    s->inv_cell = cell > 0.0 && isfinite(cell) ? 1.0 / cell : 0.0;
    size_t n_cells = (size_t)s->w * s->h, total = 0;
    s->cell_first = calloc(n_cells + 1, sizeof *s->cell_first);
    if (!s->cell_first)
        return false;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < n_rings; k++) {
            const double *box = s->box + 4 * k;
            if (!(box[0] <= box[2]))
                continue;
            uint32_t i0 = cell_of(box[0], s->x0, s->inv_cell, s->w);
            uint32_t i1 = cell_of(box[2], s->x0, s->inv_cell, s->w);
            uint32_t j0 = cell_of(box[1], s->y0, s->inv_cell, s->h);
            uint32_t j1 = cell_of(box[3], s->y0, s->inv_cell, s->h);
            for (uint32_t j = j0; j <= j1; j++)
                for (uint32_t i = i0; i <= i1; i++) {
                    size_t c = (size_t)j * s->w + i;
                    if (pass == 0)
                        s->cell_first[c + 1]++;
                    else
                        s->cell_rings[s->cell_first[c]++] = (uint32_t)k;
                }
            total += ((size_t)i1 - i0 + 1) * ((size_t)j1 - j0 + 1);
        }
        if (pass == 0) {
            offsets_from_counts(s->cell_first, n_cells);
            if (total > UINT32_MAX || !(s->cell_rings = malloc((total + 1) * sizeof *s->cell_rings)))
                return false;
        }
    }
    counts_done(s->cell_first, n_cells);
    return true;
}

bool smpsim__rings_slabs(const smpsim__rings *rings, smpsim__slabs *s)
{
    memset(s, 0, sizeof *s);
    size_t n = rings->n_rings ? rings->start[rings->n_rings] : 0;
    if (n >= UINT32_MAX / 8 || !build_slabs(rings, s) || !build_grid(rings, s)) {
        smpsim__slabs_free(s);
        return false;
    }
    return true;
}

void smpsim__slabs_free(smpsim__slabs *s)
{
    free(s->cell_first);
    free(s->cell_rings);
    free(s->box);
    free(s->ring_slab);
    free(s->slab_y0);
    free(s->slab_inv_h);
    free(s->slab_first);
    free(s->slab_edges);
    memset(s, 0, sizeof *s);
}

/* Edge e of ring k: (xi, yi) is point e, (xj, yj) the one before it. */
static void edge_ends(const smpsim__rings *rings, size_t k, size_t i, double e[4])
{
    size_t j = i > rings->start[k] ? i - 1 : rings->start[k + 1] - 1;
    e[0] = rings->xy[2 * i], e[1] = rings->xy[2 * i + 1];
    e[2] = rings->xy[2 * j], e[3] = rings->xy[2 * j + 1];
}

/* Ring k's edges that can cross the line at y: [*from, *to) of `list`
 * (slab_edges), or, for a small ring (list NULL), its edge numbers. */
static const uint32_t *ring_edges(const smpsim__rings *rings, const smpsim__slabs *s, size_t k,
                                  double y, size_t *from, size_t *to)
{
    if (s->ring_slab[k + 1] == s->ring_slab[k]) {
        *from = rings->start[k];
        *to = rings->start[k + 1];
        return NULL;
    }
    uint32_t q = slab_of(s, k, y);
    *from = s->slab_first[q];
    *to = s->slab_first[q + 1];
    return s->slab_edges;
}

/* Adds up the directions of the edges of ring k that cross the line at y
 * right of x into *w (out non-NULL: appends every crossing instead). */
static size_t ring_line(const smpsim__rings *rings, const smpsim__slabs *s, size_t k, double x,
                        double y, smpsim__crossing *out, int *w, uint64_t *work)
{
    size_t from, to, n = 0;
    const uint32_t *list = ring_edges(rings, s, k, y, &from, &to);
    *work += to - from;
    for (size_t e = from; e < to; e++) {
        double v[4];
        edge_ends(rings, k, list ? list[e] : e, v);
        if ((v[1] > y) == (v[3] > y))
            continue;
        double cx = smpsim__crossing_x(v[0], v[1], v[2], v[3], y);
        int dir = v[1] > y ? 1 : -1;
        if (out)
            out[n++] = (smpsim__crossing){cx, dir};
        else if (x < cx)
            *w += dir;
    }
    return n;
}

bool smpsim__rings_contain_in(const smpsim__rings *rings, const smpsim__slabs *s, double x,
                              double y, uint64_t *work)
{
    /* A ring winds only around points within its box (beyond it, no edge
     * crosses y, or every crossing is on the right: they add up to 0); the
     * sum does not care about the rings' order. */
    if (s->w == 0 || !(x == x && y == y))
        return false;
    double fx = (x - s->x0) * s->inv_cell, fy = (y - s->y0) * s->inv_cell;
    if (!(fx >= 0.0 && fy >= 0.0 && fx < s->w && fy < s->h))
        return false;
    size_t c = (size_t)fy * s->w + (size_t)fx;
    int w = 0;
    *work += s->cell_first[c + 1] - s->cell_first[c];
    for (uint32_t r = s->cell_first[c]; r < s->cell_first[c + 1]; r++) {
        size_t k = s->cell_rings[r];
        const double *box = s->box + 4 * k;
        if (x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3])
            ring_line(rings, s, k, x, y, NULL, &w, work);
    }
    return w != 0;
}

size_t smpsim__rings_crossings(const smpsim__rings *rings, const smpsim__slabs *s, double y,
                               smpsim__crossing *out, uint64_t *work)
{
    if (s->w == 0 || !(y >= s->y0 && (y - s->y0) * s->inv_cell < s->h))
        return 0;
    size_t j = (size_t)((y - s->y0) * s->inv_cell), n = 0;
    int unused = 0;
    for (uint32_t i = 0; i < s->w; i++) {
        size_t c = j * s->w + i;
        *work += 1 + s->cell_first[c + 1] - s->cell_first[c];
        for (uint32_t r = s->cell_first[c]; r < s->cell_first[c + 1]; r++) {
            size_t k = s->cell_rings[r];
            const double *box = s->box + 4 * k;
            /* each ring once: in the cell of its box's left side */
            if (cell_of(box[0], s->x0, s->inv_cell, s->w) != i || y < box[1] || y > box[3])
                continue;
            n += ring_line(rings, s, k, NAN, y, out + n, &unused, work);
        }
    }
    return n;
}

#define NEAR_STEP_MM 0.5 /* the shortest spacing of the points strung along edges */
#define NEAR_MAX_POINTS 8.0 /* points per edge on average at most */

bool smpsim__rings_near_build(const smpsim__rings *rings, smpsim__rings_near *nr)
{
    memset(nr, 0, sizeof *nr);
    size_t n = rings->n_rings ? rings->start[rings->n_rings] : 0;
    double length = 0.0, scale = 0.0;
    for (size_t k = 0; k < rings->n_rings; k++)
        for (size_t i = rings->start[k]; i < rings->start[k + 1]; i++) {
            double v[4];
            edge_ends(rings, k, i, v);
            length += hypot(v[0] - v[2], v[1] - v[3]);
            scale = fmax(scale, fmax(fabs(v[0]), fabs(v[1])));
        }
    if (n == 0 || n > UINT32_MAX / 16 || !isfinite(length))
        return false;
    nr->step = fmax(NEAR_STEP_MM, length / (NEAR_MAX_POINTS * n));
    /* float positions: a grid point is off by this much at most */
    nr->margin = 1e-6 * (scale + 1.0) + 0.5 * nr->step;
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        float *xy = pass ? malloc(2 * total * sizeof *xy) : NULL;
        if (pass && (!xy || !(nr->edge_of = malloc(total * sizeof *nr->edge_of)))) {
            free(xy);
            smpsim__rings_near_free(nr);
            return false;
        }
        total = 0;
        for (size_t k = 0; k < rings->n_rings; k++)
            for (size_t i = rings->start[k]; i < rings->start[k + 1]; i++) {
                double v[4];
                edge_ends(rings, k, i, v);
                size_t m = (size_t)ceil(hypot(v[0] - v[2], v[1] - v[3]) / nr->step) + 1;
                for (size_t q = 0; pass && q < m; q++) {
                    double t = m > 1 ? (double)q / (double)(m - 1) : 0.0;
                    xy[2 * (total + q)] = (float)(v[2] + t * (v[0] - v[2]));
                    xy[2 * (total + q) + 1] = (float)(v[3] + t * (v[1] - v[3]));
                    nr->edge_of[total + q] = (uint32_t)i;
                }
                total += m;
            }
        if (pass) {
            bool ok = smpsim__pgrid_build(&nr->grid, xy, xy + 1, 2 * sizeof *xy, total,
                                          2.0 * nr->step, 0.0);
            free(xy);
            if (!ok) {
                smpsim__rings_near_free(nr);
                return false;
            }
        }
    }
    nr->n_points = total;
    nr->n_edges = n;
    nr->stamp = calloc(n, sizeof *nr->stamp);
    if (!nr->stamp) {
        smpsim__rings_near_free(nr);
        return false;
    }
    return true;
}

void smpsim__rings_near_free(smpsim__rings_near *nr)
{
    smpsim__pgrid_free(&nr->grid);
    free(nr->edge_of);
    free(nr->stamp);
    free(nr->cand);
    free(nr->cells);
    memset(nr, 0, sizeof *nr);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The edges with a grid point in the cells within `reach` of (x, y), once
 * each, into nr->cand; false when memory runs out. */
static bool gather(smpsim__rings_near *nr, double x, double y, long reach, size_t *n)
{
    size_t side = (size_t)(2 * reach + 1), max = side * side;
    if (max > nr->cap_cells) {
        size_t *cells = realloc(nr->cells, max * sizeof *cells);
        if (!cells)
            return false;
        nr->cells = cells;
        nr->cap_cells = max;
    }
    size_t m = smpsim__pgrid_around(&nr->grid, x, y, reach, nr->cells, max);
    if (++nr->query == 0) { /* stamps wrapped: start afresh */
        memset(nr->stamp, 0, nr->n_edges * sizeof *nr->stamp);
        nr->query = 1;
    }
    *n = 0;
    for (size_t c = 0; c < m; c++)
        for (size_t p = nr->grid.start[nr->cells[c]]; p < nr->grid.start[nr->cells[c] + 1]; p++) {
            uint32_t e = nr->edge_of[nr->grid.order[p]];
            if (nr->stamp[e] == nr->query)
                continue;
            nr->stamp[e] = nr->query;
            if (*n == nr->cap_cand) {
                size_t cap = nr->cap_cand ? 2 * nr->cap_cand : 256;
                uint32_t *cand = realloc(nr->cand, cap * sizeof *cand);
                if (!cand)
                    return false;
                nr->cand = cand;
                nr->cap_cand = cap;
            }
            nr->cand[(*n)++] = e;
        }
    return true;
}

double smpsim__rings_near_find(const smpsim__rings *rings, smpsim__rings_near *nr, double x,
                               double y, double *nx, double *ny, uint64_t *work)
{
    /* Every point within r of (x, y) lies in the cells within
     * ceil(r / cell) of its cell; an edge at distance d has a point within
     * d + step / 2 (+ float rounding: the margin). */
    const smpsim__pgrid *g = &nr->grid;
    long reach = 1, max_reach = g->w > g->h ? g->w : g->h;
    for (;;) {
        size_t n;
        double cells = (2.0 * reach + 1.0) * (2.0 * reach + 1.0);
        if (cells > 4.0 * (double)nr->n_points + 64.0) /* far from every edge: */
            break;                                        /* measure them all */
        if (!gather(nr, x, y, reach, &n))
            break;
        *work += n;
        double d = INFINITY, px = 0.0, py = 0.0;
        if (n > 0) {
            qsort(nr->cand, n, sizeof *nr->cand, cmp_u32);
            d = smpsim__rings_nearest_among(rings, nr->cand, n, x, y, &px, &py);
        }
        double need = ceil((d + nr->margin) / g->cell * (1.0 + 1e-9));
        if (n > 0 && (double)reach >= need) {
            *nx = px;
            *ny = py;
            return d;
        }
        if (reach >= max_reach)
            break;
        reach = n > 0 && need < (double)max_reach ? (long)need : 2 * reach;
        reach = reach < max_reach ? reach : max_reach;
    }
    *work += nr->n_edges;
    return smpsim__rings_nearest(rings, x, y, nx, ny);
}
