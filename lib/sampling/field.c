/* Density fields: target dots/cm2 on a raster in scalp millimetres. */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>

#define MAX_FIELD_CELLS (UINT64_C(64) * 1000 * 1000)
#define DEFAULT_CELL_MM 0.25
#define SUBROWS 4 /* vertical supersampling of polygon coverage */
#define INDEX_LEAF 8 /* cells per side of a nearest-edge index leaf */

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
    double sum[4] = {0.0, 0.0, 0.0, 0.0}; /* four chains: the adds overlap */
    size_t n = (size_t)field->width * field->height, i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            sum[k] += field->density_per_cm2[i + k];
    for (; i < n; i++)
        sum[0] += field->density_per_cm2[i];
    return (sum[0] + sum[1] + sum[2] + sum[3]) * field->cell_mm * field->cell_mm / 100.0;
}

/* By x, and at equal x the edges going towards -y first: so that where
 * two edges meet on the line (a vertex at a local extreme) the winding
 * never steps past 1 and back, and simple outlines keep |winding| <= 1. */
static int cmp_crossing(const void *a, const void *b)
{
    const smpsim__crossing *p = a, *q = b;
    if (p->x != q->x)
        return (p->x > q->x) - (p->x < q->x);
    return (p->dir > q->dir) - (p->dir < q->dir);
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

/* One region prepared for rasterising: its rings (or mask) and bounds. */
typedef struct prepared {
    const smpsim__region *region;
    smpsim__rings rings;
    smpsim__slabs slabs; /* the rings' edges by row */
    double bounds[4];    /* mm, grown by half the feather */
} prepared;

/* The work of sorting n crossings, in units of edge tests: n log2 n (a
 * row crossed by 100 000 edges costs its sort above all). */
static uint64_t sort_work(size_t n)
{
    uint64_t bits = 1;
    while (bits < 64 && ((uint64_t)1 << bits) < n)
        bits++;
    return (uint64_t)n * bits;
}

/* Coverage (0..1) of the rings over one row of cells, non-zero winding
 * rule: crossings of the ring edges with SUBROWS sub-rows (only the edges
 * the slabs list for a sub-row can cross it), spans where the winding is
 * not 0. Where it never exceeds 1 (simple outlines) the spans are those
 * between crossings 0 and 1, 2 and 3, ..., added as such. */
static void rings_row_coverage(const smpsim_field *f, const prepared *p, uint32_t row,
                               smpsim__crossing *xs, float *cov, uint64_t *work)
{
    for (int s = 0; s < SUBROWS; s++) {
        double y = f->origin_y_mm + (row + (s + 0.5) / SUBROWS) * f->cell_mm;
        size_t k = smpsim__rings_crossings(&p->rings, &p->slabs, y, xs, work);
        for (size_t i = 0; i < k; i++)
            xs[i].x = (xs[i].x - f->origin_x_mm) / f->cell_mm;
        qsort(xs, k, sizeof *xs, cmp_crossing);
        *work += sort_work(k);
        int w = 0, most = 0;
        for (size_t i = 0; i < k; i++) {
            w += xs[i].dir;
            most = abs(w) > most ? abs(w) : most;
        }
        if (most <= 1) {
            for (size_t i = 0; i + 1 < k; i += 2)
                add_span(cov, f->width, xs[i].x, xs[i + 1].x, 1.0f / SUBROWS);
            continue;
        }
        double from = 0.0;
        w = 0;
        for (size_t i = 0; i < k; i++) {
            int before = w;
            w += xs[i].dir;
            if (before == 0 && w != 0)
                from = xs[i].x;
            else if (before != 0 && w == 0)
                add_span(cov, f->width, from, xs[i].x, 1.0f / SUBROWS);
        }
    }
}

/* The field's columns as a feathered region's rows see them: each cell
 * centre's x and the run of columns it belongs to. A run is a stretch of
 * columns inside the region's bounds (grown by half the feather) that share
 * one column of index leaves, or that lie outside the index, as
 * smpsim__segindex_leaf() would place them (it treats x and y apart). */
typedef struct column_runs {
    double *x;      /* per column: the cell centre's x */
    uint32_t *from; /* run k: columns from[k] .. from[k + 1] - 1 */
    uint32_t *leaf; /* run k: its index column, or UINT32_MAX outside the index */
    size_t n;
} column_runs;

static void column_runs_free(column_runs *c)
{
    free(c->x);
    free(c->from);
    free(c->leaf);
    memset(c, 0, sizeof *c);
}

static bool column_runs_make(const smpsim_field *f, const prepared *p,
                             const smpsim__segindex *index, column_runs *c)
{
    memset(c, 0, sizeof *c);
    c->x = malloc(f->width * sizeof *c->x);
    c->from = malloc(((size_t)f->width + 1) * sizeof *c->from);
    c->leaf = malloc(f->width * sizeof *c->leaf);
    if (!c->x || !c->from || !c->leaf) {
        column_runs_free(c);
        return false;
    }
    uint32_t end = 0;
    for (uint32_t i = 0; i < f->width; i++) {
        double x = f->origin_x_mm + (i + 0.5) * f->cell_mm;
        c->x[i] = x;
        if (x < p->bounds[0] || x > p->bounds[2]) /* before or after the bounds */
            continue;
        double fx = (x - index->x0) * index->inv_leaf; /* as smpsim__segindex_leaf() */
        uint32_t leaf = fx >= 0.0 && fx < index->nx ? (uint32_t)fx : UINT32_MAX;
        if (c->n == 0 || leaf != c->leaf[c->n - 1] || i != end) {
            c->from[c->n] = i;
            c->leaf[c->n++] = leaf;
        }
        end = i + 1;
    }
    c->from[c->n] = end;
    return true;
}

/* Feathered coverage of one cell at distance d (signed: positive inside)
 * from the outline: smoothstep from 0 at feather/2 outside to 1 at
 * feather/2 inside; symmetric, so the area is kept. */
static float feathered(double d, double half, double feather)
{
    double t = (d + half) / feather;
    t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
    return (float)(t * t * (3.0 - 2.0 * t));
}

/* Feathered coverage of one row. Inside or outside comes from the row's
 * crossings (the same test as smpsim__rings_contain(), once per row
 * instead of per cell), the distance from the nearest-edge index: a run of
 * cells in a leaf that lists no edge is farther than feather/2 from the
 * outline, where the smoothstep is flat, and all of it on one side when no
 * crossing falls inside the run: 1 or 0 throughout, without measuring. */
static void feathered_row_coverage(const smpsim_field *f, const prepared *p,
                                   const smpsim__segindex *index, const column_runs *cols,
                                   uint32_t row, smpsim__crossing *xs, float *cov,
                                   uint64_t *work)
{
    double feather = p->region->params.feather_mm, half = feather / 2.0;
    double y = f->origin_y_mm + (row + 0.5) * f->cell_mm;
    if (y < p->bounds[1] || y > p->bounds[3])
        return;
    const smpsim__rings *r = &p->rings;
    size_t k = smpsim__rings_crossings(r, &p->slabs, y, xs, work), m = 0;
    int total = 0, prefix = 0; /* winding: of all crossings, of those passed */
    for (size_t i = 0; i < k; i++) /* a NaN crossing never counts */
        if (!isnan(xs[i].x)) {
            total += xs[i].dir;
            xs[m++] = xs[i];
        }
    qsort(xs, m, sizeof *xs, cmp_crossing);
    *work += sort_work(m);
    double fy = (y - index->y0) * index->inv_leaf; /* as smpsim__segindex_leaf() */
    bool row_indexed = fy >= 0.0 && fy < index->ny;
    size_t passed = 0; /* crossings at or before x: x only grows along the row */
    for (size_t run = 0; run < cols->n; run++) {
        uint32_t i0 = cols->from[run], i1 = cols->from[run + 1];
        const uint32_t *edges = NULL;
        size_t count = 0;
        if (row_indexed && cols->leaf[run] != UINT32_MAX) {
            size_t leaf = (size_t)fy * index->nx + cols->leaf[run];
            count = index->count[leaf];
            edges = index->ids + index->first[leaf];
        }
        while (passed < m && !(cols->x[i0] < xs[passed].x))
            prefix += xs[passed++].dir;
        if (edges && count == 0 && (passed == m || cols->x[i1 - 1] < xs[passed].x)) {
            float c = total - prefix != 0 ? 1.0f : 0.0f;
            for (uint32_t i = i0; i < i1; i++)
                cov[i] = c;
            continue;
        }
        for (uint32_t i = i0; i < i1; i++) {
            double x = cols->x[i], nx, ny, d;
            while (passed < m && !(x < xs[passed].x))
                prefix += xs[passed++].dir;
            bool inside = total - prefix != 0; /* the winding around (x, y) */
            if (edges && count == 0) {
                cov[i] = inside ? 1.0f : 0.0f;
                continue;
            }
            d = edges ? smpsim__rings_nearest_among(r, edges, count, x, y, &nx, &ny)
                      : smpsim__rings_nearest(r, x, y, &nx, &ny);
            *work += edges ? count : r->start[r->n_rings];
            cov[i] = feathered(inside ? d : -d, half, feather);
        }
    }
}

static void mask_row_coverage(const smpsim_field *f, const prepared *p, const smpsim_view *view,
                              uint32_t row, float *cov)
{
    double y = f->origin_y_mm + (row + 0.5) * f->cell_mm;
    for (uint32_t i = 0; i < f->width; i++)
        cov[i] = (float)smpsim__mask_coverage(p->region, view,
                                              f->origin_x_mm + (i + 0.5) * f->cell_mm, y);
}

/* Lays one region over the field: where it covers a fraction c of a cell
 * already covered by a fraction a of earlier regions, it replaces as much of
 * them as the overlap forces (max(0, a + c - 1)) and adds its own density. */
static float clamp01(float v)
{
    return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
}

/* The rows [*first, *last) that the prepared region can touch. */
static void row_span(const smpsim_field *f, const prepared *p, uint32_t *first, uint32_t *last)
{
    double a = floor((p->bounds[1] - f->origin_y_mm) / f->cell_mm) - 1;
    double b = ceil((p->bounds[3] - f->origin_y_mm) / f->cell_mm) + 1;
    *first = a < 0 ? 0 : (a > f->height ? f->height : (uint32_t)a);
    *last = b < 0 ? 0 : (b > f->height ? f->height : (uint32_t)b);
}

/* The first region writes its rows outright (and their coverage into
 * covered, which is NULL when no region follows). */
static smpsim_status composite_region(smpsim_field *f, const prepared *p, const smpsim_view *view,
                                      uint16_t id, bool first_region, float *covered, smpsim__crossing *xs,
                                      float *cov, smpsim__work *work, smpsim_error *err)
{
    const smpsim__region *r = p->region;
    const float density = (float)r->params.density_per_cm2;
    bool feathered = r->shape != SMPSIM__MASK && r->params.feather_mm > 0.0;
    smpsim__segindex index = {0}; /* empty (linear searches) if it cannot be built */
    column_runs cols = {0};
    if (feathered) {
        smpsim__rings_index(&p->rings, p->bounds, INDEX_LEAF * f->cell_mm,
                            r->params.feather_mm / 2.0, &index);
        if (!column_runs_make(f, p, &index, &cols)) {
            smpsim__segindex_free(&index);
            return smpsim__fail(err, SMPSIM_ENOMEM, "field: out of memory");
        }
    }
    uint32_t first, last;
    row_span(f, p, &first, &last);
    smpsim_status st = SMPSIM_OK;
    for (uint32_t row = first; st == SMPSIM_OK && row < last; row++) {
        uint64_t used = 0;
        memset(cov, 0, f->width * sizeof *cov);
        if (r->shape == SMPSIM__MASK)
            mask_row_coverage(f, p, view, row, cov);
        else if (feathered)
            feathered_row_coverage(f, p, &index, &cols, row, xs, cov, &used);
        else
            rings_row_coverage(f, p, row, xs, cov, &used);
        st = smpsim__work_add(work, used + f->width, err);
        if (first_region) { /* nothing under it yet */
            float *d = f->density_per_cm2 + (size_t)row * f->width;
            uint16_t *reg = f->region + (size_t)row * f->width;
            for (uint32_t i = 0; i < f->width; i++) {
                float c = cov[i] < 1.0f ? cov[i] : 1.0f;
                d[i] = c > 0.0f ? density * c : 0.0f;
                reg[i] = c > 0.0f ? id : 0;
            }
            for (uint32_t i = 0; covered && i < f->width; i++)
                covered[(size_t)row * f->width + i] = cov[i] > 0.0f ? clamp01(cov[i]) : 0.0f;
            continue;
        }
        for (uint32_t i = 0; i < f->width; i++) {
            float c = cov[i] < 1.0f ? cov[i] : 1.0f;
            if (c <= 0.0f)
                continue;
            size_t at = (size_t)row * f->width + i;
            float a = covered[at];
            float overlap = a + c - 1.0f > 0.0f ? a + c - 1.0f : 0.0f;
            float d = f->density_per_cm2[at];
            if (overlap > 0.0f && a > 0.0f)
                d -= d * (overlap / a);
            f->density_per_cm2[at] = (d > 0.0f ? d : 0.0f) + density * c;
            covered[at] = clamp01(a + c - overlap);
            if (c >= 0.5f || f->region[at] == 0)
                f->region[at] = id;
        }
    }
    smpsim__segindex_free(&index);
    column_runs_free(&cols);
    return st;
}

/* Rings and bounds of every region; the union of the bounds in b. */
static smpsim_status prepare_all(const smpsim_design *design, prepared *p, size_t n, double b[4],
                                 size_t *max_edges, smpsim_error *err)
{
    const smpsim_view *view = smpsim_design_get_view(design);
    b[0] = b[1] = INFINITY;
    b[2] = b[3] = -INFINITY;
    *max_edges = 0;
    for (size_t r = 0; r < n; r++) {
        p[r].region = smpsim__design_region(design, r);
        smpsim_status st = smpsim__region_rings(p[r].region, view, &p[r].rings, err);
        if (st != SMPSIM_OK)
            return st;
        if (!smpsim__rings_slabs(&p[r].rings, &p[r].slabs))
            return smpsim__fail(err, SMPSIM_ENOMEM, "field: out of memory");
        double half = p[r].region->params.feather_mm / 2.0, *pb = p[r].bounds;
        if (p[r].region->shape == SMPSIM__MASK)
            smpsim__view_rect_bounds(view, p[r].region->mask->width,
                                     p[r].region->mask->height, pb);
        else
            smpsim__rings_bounds(&p[r].rings, pb);
        pb[0] -= half, pb[1] -= half, pb[2] += half, pb[3] += half;
        b[0] = fmin(b[0], pb[0]), b[1] = fmin(b[1], pb[1]);
        b[2] = fmax(b[2], pb[2]), b[3] = fmax(b[3], pb[3]);
        size_t edges = p[r].rings.n_rings ? p[r].rings.start[p[r].rings.n_rings] : 0;
        *max_edges = edges > *max_edges ? edges : *max_edges;
    }
    if (!isfinite(b[0]) || !isfinite(b[2]))
        return smpsim__fail(err, SMPSIM_EINVAL, "field: the regions have no extent");
    return SMPSIM_OK;
}

/* A field for bounds b: *f itself, cleared (unless clear is false: every
 * cell is about to be written), when its memory (*cap cells) holds it (a
 * generator's field, kept between calls: no fresh pages to fault in), else
 * a new one (*f, if any, freed). cap may be NULL. */
static smpsim_status new_field_for(const double b[4], double cell_mm, bool clear,
                                   smpsim_field **f, size_t *cap, smpsim_error *err)
{
    double w = ceil((b[2] - b[0]) / cell_mm) + 2, h = ceil((b[3] - b[1]) / cell_mm) + 2;
    if (!(w * h <= (double)MAX_FIELD_CELLS))
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "field: the design spans %.0fx%.0f mm, which at %g mm cells "
                            "exceeds the limit of %llu million cells",
                            b[2] - b[0], b[3] - b[1], cell_mm,
                            (unsigned long long)(MAX_FIELD_CELLS / 1000000));
    size_t n = (size_t)w * (size_t)h;
    if (*f && cap && n <= *cap) {
        smpsim_field *g = *f;
        g->width = (uint32_t)w;
        g->height = (uint32_t)h;
        g->origin_x_mm = b[0] - cell_mm;
        g->origin_y_mm = b[1] - cell_mm;
        g->cell_mm = cell_mm;
        if (clear) {
            memset(g->density_per_cm2, 0, n * sizeof *g->density_per_cm2);
            memset(g->region, 0, n * sizeof *g->region);
        }
        return SMPSIM_OK;
    }
    smpsim_field_free(*f);
    *f = NULL;
    if (cap)
        *cap = 0;
    smpsim_status st = smpsim_field_new((uint32_t)w, (uint32_t)h, b[0] - cell_mm,
                                        b[1] - cell_mm, cell_mm, f, err);
    if (st == SMPSIM_OK && cap)
        *cap = n;
    return st;
}

/* The regions into f (cleared). */
static smpsim_status rasterise_regions(const smpsim_design *design, prepared *p, size_t n,
                                       size_t max_edges, smpsim_field *f, smpsim__work *work,
                                       smpsim_error *err)
{
    /* How much of each cell earlier regions cover: needed from the second
     * region on (one region, the common case, needs no such pass). */
    float *covered = n > 1 ? calloc((size_t)f->width * f->height, sizeof *covered) : NULL;
    float *cov = malloc(f->width * sizeof *cov);
    smpsim__crossing *xs = malloc((max_edges + 1) * sizeof *xs);
    smpsim_status st = SMPSIM_OK;
    if ((n > 1 && !covered) || !cov || !xs)
        st = smpsim__fail(err, SMPSIM_ENOMEM, "field: out of memory");
    for (size_t r = 0; st == SMPSIM_OK && r < n; r++)
        st = composite_region(f, &p[r], smpsim_design_get_view(design), (uint16_t)(r + 1), r == 0,
                              covered, xs, cov, work, err);
    free(covered);
    free(cov);
    free(xs);
    return st;
}

/* The hairline over the regions in f; the resolved hairline goes to
 * *hairline (when not NULL) for the dots. */
static smpsim_status rasterise_hairline(const smpsim_design *design, smpsim_field *f,
                                        smpsim__hairline_field *hairline, smpsim_error *err)
{
    smpsim_status st = SMPSIM_OK;
    if (smpsim__design_hairline_const(design)->n_points > 0) {
        smpsim__hairline_field h;
        st = smpsim__hairline_resolve(design, 0.0, &h, err);
        if (st == SMPSIM_OK) {
            smpsim__hairline_index(&h, f);
            st = smpsim__hairline_apply(&h, f, err);
        }
        if (st == SMPSIM_OK && hairline)
            *hairline = h;
        else
            smpsim__hairline_field_free(&h);
    }
    return st;
}

/* Appends len bytes to a key (buf NULL: only counts them). */
static void key_put(unsigned char *buf, size_t *at, const void *bytes, size_t len)
{
    if (buf)
        memcpy(buf + *at, bytes, len);
    *at += len;
}

/* Everything the regions' raster is made from, as bytes: the cell size
 * and, region by region, its outline in mm (after the view), its bounds,
 * feather and density. *len bytes; buf NULL only measures. Returns false
 * (nothing to compare) for a mask region, whose image is not copied. */
static bool raster_key(const prepared *p, size_t n, double cell_mm, unsigned char *buf,
                       size_t *len)
{
    size_t at = 0;
    uint64_t count = n;
    key_put(buf, &at, &cell_mm, sizeof cell_mm);
    key_put(buf, &at, &count, sizeof count);
    for (size_t r = 0; r < n; r++) {
        const smpsim__rings *rings = &p[r].rings;
        if (p[r].region->shape == SMPSIM__MASK)
            return false;
        size_t points = rings->n_rings ? rings->start[rings->n_rings] : 0;
        uint64_t n_rings = rings->n_rings;
        key_put(buf, &at, &n_rings, sizeof n_rings);
        for (size_t k = 0; k < n_rings; k++) {
            uint64_t end = rings->start[k + 1];
            key_put(buf, &at, &end, sizeof end);
        }
        key_put(buf, &at, rings->xy, 2 * points * sizeof *rings->xy);
        key_put(buf, &at, p[r].bounds, sizeof p[r].bounds);
        key_put(buf, &at, &p[r].region->params.feather_mm, sizeof(double));
        key_put(buf, &at, &p[r].region->params.density_per_cm2, sizeof(double));
    }
    *len = at;
    return true;
}

void smpsim__raster_cache_free(smpsim__raster_cache *c)
{
    if (!c)
        return;
    free(c->key);
    free(c->density_per_cm2);
    free(c->region);
    memset(c, 0, sizeof *c);
}

/* The cache's key for these regions: a fresh buffer, or NULL when they
 * cannot be cached (or memory is short: then nothing is cached). */
static unsigned char *make_key(const prepared *p, size_t n, double cell_mm, size_t *len)
{
    if (!raster_key(p, n, cell_mm, NULL, len))
        return NULL;
    unsigned char *key = malloc(*len);
    if (key)
        raster_key(p, n, cell_mm, key, len);
    return key;
}

/* Does the cache hold the raster that key describes, for a field of n
 * cells? */
static bool cache_hit(const smpsim__raster_cache *c, const unsigned char *key, size_t len,
                      size_t n)
{
    return c && key && c->key && c->key_len == len && c->cells == n &&
           memcmp(c->key, key, len) == 0;
}

/* Keeps a copy of f's regions under key (taking key over); a cache that
 * cannot grow is emptied instead. */
static void cache_store(smpsim__raster_cache *c, unsigned char *key, size_t len,
                        const smpsim_field *f)
{
    size_t n = (size_t)f->width * f->height;
    if (c->cells != n) {
        smpsim__raster_cache_free(c);
        c->density_per_cm2 = malloc(n * sizeof *c->density_per_cm2);
        c->region = malloc(n * sizeof *c->region);
        if (!c->density_per_cm2 || !c->region) {
            smpsim__raster_cache_free(c);
            free(key);
            return;
        }
        c->cells = n;
    }
    free(c->key);
    c->key = key;
    c->key_len = len;
    memcpy(c->density_per_cm2, f->density_per_cm2, n * sizeof *f->density_per_cm2);
    memcpy(c->region, f->region, n * sizeof *f->region);
}

/* The regions into *field, from the cache when it holds them (and into
 * it when not), then the hairline. */
static smpsim_status rasterise(const smpsim_design *design, prepared *p, size_t n,
                               size_t max_edges, const double b[4], double cell_mm,
                               smpsim_field **field, size_t *cap, smpsim__raster_cache *cache,
                               smpsim__hairline_field *hairline, smpsim__work *work,
                               smpsim_error *err)
{
    size_t key_len = 0;
    unsigned char *key = cache ? make_key(p, n, cell_mm, &key_len) : NULL;
    double w = ceil((b[2] - b[0]) / cell_mm) + 2, h = ceil((b[3] - b[1]) / cell_mm) + 2;
    bool hit = w * h <= (double)MAX_FIELD_CELLS &&
               cache_hit(cache, key, key_len, (size_t)w * (size_t)h);
    /* every cell is written at least once: the field's size is work too */
    smpsim_status st = w * h <= (double)MAX_FIELD_CELLS
                           ? smpsim__work_add(work, (uint64_t)(w * h), err)
                           : SMPSIM_OK;
    if (st == SMPSIM_OK)
        st = new_field_for(b, cell_mm, !hit, field, cap, err);
    smpsim_field *f = *field;
    if (st == SMPSIM_OK && hit) {
        memcpy(f->density_per_cm2, cache->density_per_cm2,
               cache->cells * sizeof *f->density_per_cm2);
        memcpy(f->region, cache->region, cache->cells * sizeof *f->region);
    } else if (st == SMPSIM_OK) {
        st = rasterise_regions(design, p, n, max_edges, f, work, err);
        if (st == SMPSIM_OK && key) {
            cache_store(cache, key, key_len, f);
            key = NULL;
        }
    }
    free(key);
    if (st == SMPSIM_OK)
        st = rasterise_hairline(design, f, hairline, err);
    return st;
}

smpsim_status smpsim__design_field_hairline(const smpsim_design *design, double cell_mm,
                                            smpsim_field **field, size_t *cap,
                                            smpsim__raster_cache *cache,
                                            smpsim__hairline_field *hairline, smpsim__work *work,
                                            smpsim_error *err)
{
    smpsim__work own;
    if (!work) {
        smpsim__work_init(&own, smpsim__design_dot_options(design));
        work = &own;
    }
    if (hairline)
        memset(hairline, 0, sizeof *hairline);
    size_t n = smpsim_design_region_count(design);
    if (n == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "design has no regions to fill");
    if (cell_mm == 0.0)
        cell_mm = DEFAULT_CELL_MM;
    if (!(cell_mm >= 0.01 && cell_mm <= 10.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "field: cell size %g mm, expected 0.01..10",
                            cell_mm);
    prepared *p = calloc(n, sizeof *p);
    if (!p)
        return smpsim__fail(err, SMPSIM_ENOMEM, "field: out of memory");
    double b[4];
    size_t max_edges;
    smpsim_status st = prepare_all(design, p, n, b, &max_edges, err);
    if (st == SMPSIM_OK)
        st = rasterise(design, p, n, max_edges, b, cell_mm, field, cap, cache, hairline, work,
                       err);
    for (size_t r = 0; r < n; r++) {
        smpsim__rings_free(&p[r].rings);
        smpsim__slabs_free(&p[r].slabs);
    }
    free(p);
    return st;
}

smpsim_status smpsim_design_field(const smpsim_design *design, double cell_mm,
                                  smpsim_field **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "field: out-pointer is NULL");
    *out = NULL;
    smpsim_field *f = NULL;
    smpsim_status st = smpsim__design_field_hairline(design, cell_mm, &f, NULL, NULL, NULL, NULL, err);
    if (st != SMPSIM_OK) {
        smpsim_field_free(f);
        return st;
    }
    *out = f;
    return SMPSIM_OK;
}
