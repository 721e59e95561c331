/* Nearest-segment candidates: for every leaf of a uniform grid over a
 * domain, the few segments that can be the nearest one somewhere in the
 * leaf. A query then measures those instead of every segment, with the
 * caller's own arithmetic in the caller's order, so that it finds exactly
 * the segment a linear search finds, ties and all: a segment is left out
 * of a leaf only when another one is provably nearer at every point of the
 * leaf, by a margin far above any rounding.
 *
 * The leaves come from a quadtree over the grid: each square tests only
 * its parent's candidates, so that far-off squares drop most segments
 * early. Two tests prove that segment s is farther than w, the segment
 * nearest to the square's centre c, everywhere in the square (d: true
 * distance, r: half the diagonal):
 *  - d_s(c) - r > d_w(c) + r, as a distance changes no faster than the
 *    point does;
 *  - to first order: g = d_s - d_w differs from g(c) + grad g(c).(p - c)
 *    by at most L |p - c|^2 / 2, L = 1/lb_s + 1/lb_w bounding how fast the
 *    gradients turn (the Hessian of the distance to a convex set is at
 *    most 1/d; lb: lower bounds of d over the square). Far from a curved
 *    line all distances are alike and the first test keeps dozens; their
 *    gradients nearly agree too, and this one keeps a handful.
 * A cap (a feathered outline only cares within half its feather) also
 * drops segments farther than it from the whole square: an empty leaf then
 * means "nothing within the cap". */
#include "geometry/geometry-private.h"

#include <math.h>
#include <stdlib.h>

#define MAX_SIDE 256                /* leaves per side */
#define MAX_LEVELS 10               /* a MAX_SIDE quadtree's levels, and the root's list */
#define MARGIN 1e-9                 /* of the coordinates' magnitude; rounding is ~1e-15 */
#define MAX_IDS (UINT32_C(1) << 24) /* 64 MB of lists at most */
#define MIN_LEN2 1e-200             /* shorter segments lose precision: no index */

typedef struct builder {
    const smpsim__segment *seg;
    smpsim__segindex *ix;
    double cap, margin;
    uint32_t *cand[MAX_LEVELS]; /* a square's candidates, per level */
    double *dist;               /* scratch: distances from a square's centre */
    double (*grad)[2];          /* and their gradients */
    size_t n_ids, cap_ids;
    bool failed;
} builder;

/* The true distance (to rounding) from (x, y) to the segment, a ray or a
 * line, as the flags say, and its gradient (the unit vector away from the
 * nearest point; 0 on the segment). e = b - a as the callers compute it,
 * so that both measure the same set. */
static double distance(const smpsim__segment *s, double x, double y, double g[2])
{
    double ex = s->bx - s->ax, ey = s->by - s->ay, len2 = ex * ex + ey * ey;
    double t = len2 > 0.0 ? ((x - s->ax) * ex + (y - s->ay) * ey) / len2 : 0.0;
    if (t < 0.0 && !(s->flags & SMPSIM__SEG_RAY_BACK))
        t = 0.0;
    if (t > 1.0 && !(s->flags & SMPSIM__SEG_RAY_ON))
        t = 1.0;
    double dx = x - s->ax - t * ex, dy = y - s->ay - t * ey, d = sqrt(dx * dx + dy * dy);
    g[0] = d > 0.0 ? dx / d : 0.0;
    g[1] = d > 0.0 ? dy / d : 0.0;
    return d;
}

/* Appends a list to ids; returns its offset. */
static uint32_t append(builder *b, const uint32_t *list, size_t n)
{
    if (b->failed)
        return 0;
    if (b->n_ids + n > b->cap_ids) {
        size_t cap = b->cap_ids ? 2 * b->cap_ids : 1024;
        while (cap < b->n_ids + n)
            cap *= 2;
        uint32_t *ids = cap <= MAX_IDS ? realloc(b->ix->ids, cap * sizeof *ids) : NULL;
        if (!ids) {
            b->failed = true;
            return 0;
        }
        b->ix->ids = ids;
        b->cap_ids = cap;
    }
    uint32_t at = (uint32_t)b->n_ids;
    memcpy(b->ix->ids + at, list, n * sizeof *list);
    b->n_ids += n;
    return at;
}

/* All leaves of columns [i0, i1) and rows [j0, j1) get the same list. */
static void store(builder *b, uint32_t i0, uint32_t i1, uint32_t j0, uint32_t j1,
                  const uint32_t *list, size_t n)
{
    uint32_t at = append(b, list, n);
    for (uint32_t j = j0; j < j1; j++)
        for (uint32_t i = i0; i < i1; i++) {
            b->ix->first[(size_t)j * b->ix->nx + i] = at;
            b->ix->count[(size_t)j * b->ix->nx + i] = (uint32_t)n;
        }
}

/* Does s (distance ds, gradient gs at the centre) lose to w (dw, gw)
 * everywhere in the square of sides hx, hy and half diagonal r (margin
 * included)? Either by the distances alone, or by the difference
 * g = d_s - d_w to first order: g(p) >= g(c) + grad g(c).(p - c) - L/2 r^2,
 * L = 1/lb_s + 1/lb_w bounding how fast grad g turns, lb the distances'
 * lower bounds over the square. */
static bool loses(const builder *b, double ds, const double gs[2], double dw, const double gw[2],
                  double r, double hx, double hy)
{
    if (ds - dw > 2.0 * r + b->margin)
        return true;
    double lbs = ds - r, lbw = dw - r;
    if (!(lbs > 0.0 && lbw > 0.0))
        return false;
    double slope = 0.5 * (fabs(gs[0] - gw[0]) * hx + fabs(gs[1] - gw[1]) * hy);
    double bend = 0.5 * (1.0 / lbs + 1.0 / lbw) * r * r;
    return ds - dw - slope - bend > 2.0 * b->margin;
}

/* The square of size x size leaves at (i0, j0), level `level`, whose
 * parent kept the n segments in `parent`. */
static void refine(builder *b, uint32_t i0, uint32_t j0, uint32_t size, int level,
                   const uint32_t *parent, size_t n)
{
    smpsim__segindex *ix = b->ix;
    if (b->failed || i0 >= ix->nx || j0 >= ix->ny || n == 0) /* no list: empty leaves */
        return;
    uint32_t i1 = i0 + size < ix->nx ? i0 + size : ix->nx;
    uint32_t j1 = j0 + size < ix->ny ? j0 + size : ix->ny;
    double x0 = ix->x0 + i0 * ix->leaf_mm, x1 = ix->x0 + i1 * ix->leaf_mm;
    double y0 = ix->y0 + j0 * ix->leaf_mm, y1 = ix->y0 + j1 * ix->leaf_mm;
    double hx = x1 - x0, hy = y1 - y0, cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
    double r = 0.5 * sqrt(hx * hx + hy * hy) + b->margin;
    size_t w = n;
    for (size_t k = 0; k < n; k++) {
        b->dist[k] = distance(&b->seg[parent[k]], cx, cy, b->grad[k]);
        if (b->dist[k] < INFINITY && (w == n || b->dist[k] < b->dist[w]))
            w = k;
    }
    uint32_t *kept = b->cand[level];
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        double ds = b->dist[k];
        if (ds - r > b->cap + b->margin)
            continue;
        if (w < n && k != w && loses(b, ds, b->grad[k], b->dist[w], b->grad[w], r, hx, hy))
            continue;
        kept[m++] = parent[k];
    }
    /* One segment (with no cap to fall under) is as short as lists get. */
    if (size == 1 || m == 0 || (m == 1 && !(b->cap < INFINITY))) {
        if (m > 0)
            store(b, i0, i1, j0, j1, kept, m);
        return;
    }
    uint32_t half = size / 2;
    for (uint32_t k = 0; k < 4; k++)
        refine(b, i0 + (k & 1u) * half, j0 + (k >> 1) * half, half, level + 1, kept, m);
}

void smpsim__segindex_free(smpsim__segindex *ix)
{
    free(ix->first);
    free(ix->count);
    free(ix->ids);
    memset(ix, 0, sizeof *ix);
}

/* The coordinates' magnitude (for the margin), or INFINITY when something
 * is not finite, too large to square safely, or a segment so short (but
 * not 0) that its squared length has lost its precision: the margin would
 * not cover the rounding then. */
static double magnitude(const smpsim__segment *seg, size_t n, const double domain[4])
{
    double s = 0.0;
    for (int k = 0; k < 4; k++)
        s = fabs(domain[k]) > s || isnan(domain[k]) ? fabs(domain[k]) : s;
    for (size_t i = 0; i < n; i++) {
        const double c[4] = {seg[i].ax, seg[i].ay, seg[i].bx, seg[i].by};
        for (int k = 0; k < 4; k++)
            s = fabs(c[k]) > s || isnan(c[k]) ? fabs(c[k]) : s;
        double ex = c[2] - c[0], ey = c[3] - c[1], len2 = ex * ex + ey * ey;
        if (len2 > 0.0 && len2 < MIN_LEN2 && !(seg[i].flags & SMPSIM__SEG_NEVER))
            return INFINITY;
    }
    return s < 1e100 ? s : INFINITY; /* NaN too */
}

bool smpsim__segindex_build(smpsim__segindex *ix, const smpsim__segment *seg, size_t n,
                            const double domain[4], double leaf_mm, double cap_mm)
{
    memset(ix, 0, sizeof *ix);
    double scale = magnitude(seg, n, domain);
    double w = domain[2] - domain[0], h = domain[3] - domain[1];
    if (n == 0 || n > UINT32_MAX || !(scale < INFINITY) || !(w >= 0.0 && h >= 0.0) ||
        !(leaf_mm > 0.0) || cap_mm < 0.0)
        return false;
    leaf_mm = fmax(leaf_mm, fmax(w, h) / MAX_SIDE * (1.0 + 1e-9));
    ix->x0 = domain[0];
    ix->y0 = domain[1];
    ix->leaf_mm = leaf_mm;
    ix->inv_leaf = 1.0 / leaf_mm;
    ix->margin = MARGIN * (scale + 1.0);
    ix->nx = (uint32_t)fmax(1.0, ceil(w / leaf_mm));
    ix->ny = (uint32_t)fmax(1.0, ceil(h / leaf_mm));
    size_t leaves = (size_t)ix->nx * ix->ny;
    builder b = {seg, ix, cap_mm, ix->margin, {NULL}, NULL, NULL, 0, 0, false};
    ix->first = calloc(leaves, sizeof *ix->first);
    ix->count = calloc(leaves, sizeof *ix->count);
    b.dist = malloc(n * sizeof *b.dist);
    b.grad = malloc(n * sizeof *b.grad);
    b.failed = !ix->first || !ix->count || !b.dist || !b.grad;
    for (int l = 0; l < MAX_LEVELS; l++)
        if (!(b.cand[l] = malloc(n * sizeof *b.cand[l])))
            b.failed = true;
    uint32_t size = 1, *root = b.failed ? NULL : b.cand[MAX_LEVELS - 1];
    while (size < ix->nx || size < ix->ny)
        size *= 2;
    size_t m = 0;
    for (size_t i = 0; root && i < n; i++)
        if (!(seg[i].flags & SMPSIM__SEG_NEVER))
            root[m++] = (uint32_t)i;
    if (!b.failed)
        refine(&b, 0, 0, size, 0, root, m);
    if (!b.failed && !ix->ids) /* every leaf empty: still a valid base for find() */
        b.failed = !(ix->ids = malloc(sizeof *ix->ids));
    free(b.dist);
    free(b.grad);
    for (int l = 0; l < MAX_LEVELS; l++)
        free(b.cand[l]);
    if (b.failed) {
        smpsim__segindex_free(ix);
        return false;
    }
    return true;
}
