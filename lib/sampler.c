/* Variable-density blue noise by weighted sample elimination
 * (C. Yuksel, "Sample Elimination for Generating Poisson Disk Sample Sets",
 * Computer Graphics Forum 34(2), 2015).
 *
 * 1. Candidates: in every field cell, ratio x density x cell area random
 *    points (stratified by cell, so candidates already follow the field).
 * 2. Each candidate gets a weight: the sum over its neighbours closer than
 *    d_max of (1 - d / d_max)^8, where d_max = sqrt(2 / (sqrt(3) D)) is the
 *    hexagonal-packing distance at the local density D (the smaller of the
 *    two points' values, so weights stay symmetric).
 * 3. The candidate with the largest weight is removed and its neighbours'
 *    weights are lowered, until exactly round(expected count) remain.
 * The result has an exact total count, follows the field locally, and has
 * blue-noise spacing. Everything is deterministic for a seed. */
#include "smpsim-private.h"

#include <math.h>
#include <stdlib.h>

#define DEFAULT_MAX_DOTS ((size_t)20000000)
#define DEFAULT_RATIO 5.0
#define LIMIT_BETA 0.65 /* weight limiting (Yuksel 2015, section 3.3) */
#define LIMIT_GAMMA 1.5
#define MAX_QUERY_CELLS 6  /* interactions reach at most this many grid cells */
#define RELAX_ITERATIONS 8 /* sweeps pushing apart the closest pairs (relax.c) */
#define RELAX_TAU 0.78     /* ... closer than this fraction of d_max */

typedef struct candidates {
    size_t n;
    float *x, *y;     /* mm */
    float *dmax;      /* interaction distance at the point's density, mm */
    uint16_t *region; /* from the field */
} candidates;

typedef struct grid {
    double x0, y0, cell; /* mm */
    uint32_t w, h;
    uint32_t *start; /* w*h+1 offsets into the cell-sorted candidate order */
} grid;

typedef struct heap {
    size_t n;
    uint32_t *item; /* candidate indexes */
    uint32_t *pos;  /* heap position of each candidate, UINT32_MAX = removed */
    double *weight;
} heap;

static void candidates_free(candidates *c)
{
    free(c->x);
    free(c->y);
    free(c->dmax);
    free(c->region);
}

static bool candidates_alloc(candidates *c, size_t n)
{
    c->n = 0;
    n += 1; /* never malloc(0) */
    c->x = malloc(n * sizeof *c->x);
    c->y = malloc(n * sizeof *c->y);
    c->dmax = malloc(n * sizeof *c->dmax);
    c->region = malloc(n * sizeof *c->region);
    return c->x && c->y && c->dmax && c->region;
}

static double dmax_for_density(double per_cm2)
{
    double per_mm2 = per_cm2 / 100.0;
    return sqrt(2.0 / (sqrt(3.0) * per_mm2));
}

/* Stratified candidates: cell by cell, the integer part of the expected
 * number plus one more with the probability of the fraction. */
static size_t count_candidates_bound(const smpsim_field *f, double ratio)
{
    double area = f->cell_mm * f->cell_mm / 100.0, total = 0.0;
    size_t cells = (size_t)f->width * f->height, nonzero = 0;
    for (size_t i = 0; i < cells; i++) {
        if (f->density_per_cm2[i] > 0.0f) {
            total += floor(ratio * f->density_per_cm2[i] * area);
            nonzero++;
        }
    }
    return (size_t)total + nonzero;
}

static void generate_candidates(const smpsim_field *f, double ratio, double dmax_cap,
                                smpsim__rng *rng, candidates *c)
{
    double area = f->cell_mm * f->cell_mm / 100.0;
    for (uint32_t j = 0; j < f->height; j++) {
        for (uint32_t i = 0; i < f->width; i++) {
            size_t at = (size_t)j * f->width + i;
            double d = f->density_per_cm2[at];
            if (!(d > 0.0))
                continue;
            double expect = ratio * d * area;
            double whole = floor(expect);
            size_t k = (size_t)whole + (smpsim__rng_uniform(rng) < expect - whole ? 1 : 0);
            float dm = (float)fmin(dmax_for_density(d), dmax_cap);
            for (size_t m = 0; m < k; m++) {
                c->x[c->n] = (float)(f->origin_x_mm + (i + smpsim__rng_uniform(rng)) * f->cell_mm);
                c->y[c->n] = (float)(f->origin_y_mm + (j + smpsim__rng_uniform(rng)) * f->cell_mm);
                c->dmax[c->n] = dm;
                c->region[c->n] = f->region ? f->region[at] : 0;
                c->n++;
            }
        }
    }
}

static uint32_t grid_cell_of(const grid *g, float x, float y)
{
    long gx = (long)((x - g->x0) / g->cell), gy = (long)((y - g->y0) / g->cell);
    gx = gx < 0 ? 0 : (gx >= (long)g->w ? (long)g->w - 1 : gx);
    gy = gy < 0 ? 0 : (gy >= (long)g->h ? (long)g->h - 1 : gy);
    return (uint32_t)gy * g->w + (uint32_t)gx;
}

/* Sorts candidates by grid cell (counting sort) so that each cell's points
 * are contiguous: g->start[cell] .. g->start[cell + 1]. */
static bool grid_build(grid *g, const smpsim_field *f, double cell, candidates *c)
{
    g->cell = cell;
    g->x0 = f->origin_x_mm;
    g->y0 = f->origin_y_mm;
    g->w = (uint32_t)ceil(f->width * f->cell_mm / cell) + 1;
    g->h = (uint32_t)ceil(f->height * f->cell_mm / cell) + 1;
    size_t cells = (size_t)g->w * g->h;
    g->start = calloc(cells + 1, sizeof *g->start);
    uint32_t *cell_of = malloc((c->n + 1) * sizeof *cell_of);
    candidates sorted = {0};
    bool ok = g->start && cell_of && candidates_alloc(&sorted, c->n);
    if (!ok) {
        free(cell_of);
        candidates_free(&sorted);
        return false;
    }
    for (size_t i = 0; i < c->n; i++) {
        cell_of[i] = grid_cell_of(g, c->x[i], c->y[i]);
        g->start[cell_of[i] + 1]++;
    }
    for (size_t k = 0; k < cells; k++)
        g->start[k + 1] += g->start[k];
    for (size_t i = 0; i < c->n; i++) {
        uint32_t to = g->start[cell_of[i]]++;
        sorted.x[to] = c->x[i];
        sorted.y[to] = c->y[i];
        sorted.dmax[to] = c->dmax[i];
        sorted.region[to] = c->region[i];
    }
    for (size_t k = cells; k > 0; k--)
        g->start[k] = g->start[k - 1];
    g->start[0] = 0;
    sorted.n = c->n;
    free(cell_of);
    candidates_free(c);
    *c = sorted;
    return true;
}

typedef struct eliminator {
    const candidates *c;
    const grid *g;
    heap h;
    double limit_fraction; /* d_hat >= limit_fraction * d_max */
} eliminator;

static double pair_weight(const eliminator *e, size_t i, size_t j)
{
    const candidates *c = e->c;
    float dm = c->dmax[i] < c->dmax[j] ? c->dmax[i] : c->dmax[j];
    float dx = c->x[i] - c->x[j], dy = c->y[i] - c->y[j];
    float d2 = dx * dx + dy * dy;
    if (d2 >= dm * dm)
        return 0.0;
    double d = sqrt((double)d2), lim = e->limit_fraction * dm;
    if (d < lim)
        d = lim;
    double t = 1.0 - d / dm;
    double t2 = t * t, t4 = t2 * t2;
    return t4 * t4;
}

/* Calls visit(e, i, j) for every live candidate j != i that can interact
 * with i. */
static void for_neighbours(eliminator *e, size_t i,
                           void (*visit)(eliminator *, size_t, size_t, void *), void *arg)
{
    const grid *g = e->g;
    const candidates *c = e->c;
    long reach = (long)ceil(c->dmax[i] / g->cell);
    if (reach > MAX_QUERY_CELLS)
        reach = MAX_QUERY_CELLS;
    long gx = (long)((c->x[i] - g->x0) / g->cell), gy = (long)((c->y[i] - g->y0) / g->cell);
    for (long y = gy - reach; y <= gy + reach; y++) {
        if (y < 0 || y >= (long)g->h)
            continue;
        for (long x = gx - reach; x <= gx + reach; x++) {
            if (x < 0 || x >= (long)g->w)
                continue;
            size_t cell = (size_t)y * g->w + (size_t)x;
            for (uint32_t j = g->start[cell]; j < g->start[cell + 1]; j++) {
                if (j != i && e->h.pos[j] != UINT32_MAX)
                    visit(e, i, j, arg);
            }
        }
    }
}

static bool heap_above(const heap *h, uint32_t a, uint32_t b)
{
    if (h->weight[a] != h->weight[b])
        return h->weight[a] > h->weight[b];
    return a > b; /* ties: the later candidate goes first; deterministic */
}

static void heap_place(heap *h, size_t at, uint32_t item)
{
    h->item[at] = item;
    h->pos[item] = (uint32_t)at;
}

static void heap_sift_down(heap *h, size_t at)
{
    uint32_t item = h->item[at];
    for (;;) {
        size_t l = 2 * at + 1, best = at;
        uint32_t best_item = item;
        if (l < h->n && heap_above(h, h->item[l], best_item))
            best = l, best_item = h->item[l];
        if (l + 1 < h->n && heap_above(h, h->item[l + 1], best_item))
            best = l + 1, best_item = h->item[l + 1];
        if (best == at)
            break;
        heap_place(h, at, best_item);
        at = best;
    }
    heap_place(h, at, item);
}

static uint32_t heap_pop(heap *h)
{
    uint32_t top = h->item[0];
    h->pos[top] = UINT32_MAX;
    h->n--;
    if (h->n > 0) {
        heap_place(h, 0, h->item[h->n]);
        heap_sift_down(h, 0);
    }
    return top;
}

static void add_weight(eliminator *e, size_t i, size_t j, void *arg)
{
    double *sum = arg;
    *sum += pair_weight(e, i, j);
}

static void lower_weight(eliminator *e, size_t i, size_t j, void *arg)
{
    (void)arg;
    double w = pair_weight(e, i, j);
    if (w <= 0.0)
        return;
    e->h.weight[j] -= w;
    heap_sift_down(&e->h, e->h.pos[j]);
}

static void eliminate(eliminator *e, size_t keep)
{
    heap *h = &e->h;
    size_t n = e->c->n;
    for (size_t i = 0; i < n; i++)
        h->pos[i] = (uint32_t)i;
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0;
        for_neighbours(e, i, add_weight, &sum);
        h->weight[i] = sum;
        h->item[i] = (uint32_t)i;
    }
    h->n = n;
    for (size_t k = n / 2; k-- > 0;)
        heap_sift_down(h, k);
    while (h->n > keep) {
        uint32_t gone = heap_pop(h);
        for_neighbours(e, gone, lower_weight, NULL);
    }
}

static smpsim_status collect(const candidates *c, const heap *h, size_t keep, smpsim_dots **out,
                             smpsim_error *err)
{
    smpsim_dots *dots;
    smpsim_status st = smpsim_dots_new(keep, &dots, err);
    if (st != SMPSIM_OK)
        return st;
    for (size_t i = 0; i < c->n; i++) {
        if (h->pos[i] == UINT32_MAX)
            continue;
        smpsim_dot d = {c->x[i], c->y[i], 0.0f, 0.0f, c->region[i], 0, 0};
        dots->dots[dots->count++] = d;
    }
    *out = dots;
    return SMPSIM_OK;
}

static smpsim_status check_field(const smpsim_field *field, smpsim_error *err)
{
    if (!field || !field->density_per_cm2 || field->width == 0 || field->height == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: the field is empty or NULL");
    if (!(field->cell_mm > 0.0) || !isfinite(field->cell_mm) || !isfinite(field->origin_x_mm) ||
        !isfinite(field->origin_y_mm))
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: field geometry is not finite");
    size_t n = (size_t)field->width * field->height;
    for (size_t i = 0; i < n; i++) {
        float d = field->density_per_cm2[i];
        if (!(d >= 0.0f && d <= 100000.0f))
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "sampler: field cell (%zu, %zu) has density %g, expected 0..100000",
                                i % field->width, i / field->width, (double)d);
    }
    return SMPSIM_OK;
}

static float field_max(const smpsim_field *f)
{
    float m = 0.0f;
    size_t n = (size_t)f->width * f->height;
    for (size_t i = 0; i < n; i++)
        m = fmaxf(m, f->density_per_cm2[i]);
    return m;
}

static smpsim_status sample_nonempty(const smpsim_field *field, uint64_t seed, double ratio,
                                     size_t keep, smpsim_dots **out, smpsim_error *err)
{
    double dmax_min = dmax_for_density(field_max(field));
    grid g = {0};
    candidates c = {0};
    heap h = {0};
    size_t bound = count_candidates_bound(field, ratio);
    smpsim_status st = SMPSIM_OK;
    if (bound >= UINT32_MAX)
        return smpsim__fail(err, SMPSIM_ELIMIT, "sampler: %zu candidates are too many", bound);
    if (!candidates_alloc(&c, bound)) {
        candidates_free(&c);
        return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory for %zu candidates",
                            bound);
    }
    smpsim__rng rng;
    smpsim__rng_seed(&rng, seed);
    generate_candidates(field, ratio, dmax_min * MAX_QUERY_CELLS, &rng, &c);
    h.item = malloc((c.n + 1) * sizeof *h.item);
    h.pos = malloc((c.n + 1) * sizeof *h.pos);
    h.weight = malloc((c.n + 1) * sizeof *h.weight);
    if (!h.item || !h.pos || !h.weight || !grid_build(&g, field, dmax_min, &c)) {
        st = smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory for %zu candidates", c.n);
    } else {
        if (keep > c.n)
            keep = c.n;
        double frac = c.n ? (double)keep / (double)c.n : 1.0;
        eliminator e = {&c, &g, h, LIMIT_BETA * (1.0 - pow(frac, LIMIT_GAMMA))};
        eliminate(&e, keep);
        h = e.h;
        st = collect(&c, &h, keep, out, err);
    }
    free(h.item);
    free(h.pos);
    free(h.weight);
    free(g.start);
    candidates_free(&c);
    return st;
}

smpsim_status smpsim_sample(const smpsim_field *field, uint64_t seed,
                            const smpsim_sample_options *opts, smpsim_dots **out,
                            smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: out-pointer is NULL");
    *out = NULL;
    smpsim_sample_options o;
    smpsim__copy_options(&o, sizeof o, opts);
    if (o.max_dots == 0)
        o.max_dots = DEFAULT_MAX_DOTS;
    if (o.candidate_ratio == 0.0)
        o.candidate_ratio = DEFAULT_RATIO;
    if (!(o.candidate_ratio >= 2.0 && o.candidate_ratio <= 10.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "sampler: candidate_ratio is %g, expected 2..10",
                            o.candidate_ratio);
    smpsim_status st = check_field(field, err);
    if (st != SMPSIM_OK)
        return st;
    double expected = smpsim_field_expected_count(field);
    if (expected > (double)o.max_dots)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "sampler: the design asks for %.0f dots, above the limit of %zu",
                            expected, o.max_dots);
    size_t keep = (size_t)llround(expected);
    if (keep == 0)
        return smpsim_dots_new(0, out, err);
    smpsim_dots *dots = NULL;
    st = sample_nonempty(field, seed, o.candidate_ratio, keep, &dots, err);
    if (st == SMPSIM_OK)
        st = smpsim__relax_dots(dots, field, RELAX_ITERATIONS, RELAX_TAU, err);
    if (st != SMPSIM_OK) {
        smpsim_dots_free(dots);
        return st;
    }
    *out = dots;
    return SMPSIM_OK;
}
