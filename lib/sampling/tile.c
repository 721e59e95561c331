/* The fast sampler: a precomputed progressive blue-noise tile (tile-gen.c)
 * laid over the plane, rotated and shifted by the seed, and thresholded by
 * the field: the tile point of rank r is a dot where
 * (r + 0.5) / N < density / max density.
 *
 * The tile is scaled so that all its N points together have the field's
 * maximum density; a region at that density gets every point (the tile's
 * full quality), lighter regions get a blue-noise prefix. Dots depend only
 * on their position, the seed and the maximum density, so growing a region
 * keeps the dots already approved. The tile is toroidal (seamless) and,
 * being blue noise, has almost no power at its own period: no visible
 * repetition in the spectrum. */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>

#define TWO_PI 6.28318530717958647692

typedef struct placement {
    double side_mm; /* tile side at the field's maximum density */
    double c, s;    /* rotation */
    double ox, oy;  /* offset, mm */
} placement;

static placement place(float field_max, uint64_t seed)
{
    placement p;
    smpsim__rng rng;
    smpsim__rng_seed(&rng, seed);
    double angle = TWO_PI * smpsim__rng_uniform(&rng);
    p.side_mm = sqrt(SMPSIM__TILE_N / (field_max / 100.0));
    p.c = cos(angle);
    p.s = sin(angle);
    p.ox = p.side_mm * smpsim__rng_uniform(&rng);
    p.oy = p.side_mm * smpsim__rng_uniform(&rng);
    return p;
}

/* The range of tile copies (kx, ky) that cover the field's rectangle. */
static void copy_range(const smpsim_field *f, const placement *p, long k[4])
{
    double x0 = f->origin_x_mm, y0 = f->origin_y_mm;
    double x1 = x0 + f->width * f->cell_mm, y1 = y0 + f->height * f->cell_mm;
    double cx[4] = {x0, x1, x1, x0}, cy[4] = {y0, y0, y1, y1};
    double lo_u = INFINITY, lo_v = INFINITY, hi_u = -INFINITY, hi_v = -INFINITY;
    for (int i = 0; i < 4; i++) {
        double dx = cx[i] - p->ox, dy = cy[i] - p->oy;
        double u = p->c * dx + p->s * dy, v = -p->s * dx + p->c * dy; /* inverse rotation */
        lo_u = fmin(lo_u, u), hi_u = fmax(hi_u, u);
        lo_v = fmin(lo_v, v), hi_v = fmax(hi_v, v);
    }
    k[0] = (long)floor(lo_u / p->side_mm);
    k[1] = (long)floor(lo_v / p->side_mm);
    k[2] = (long)floor(hi_u / p->side_mm);
    k[3] = (long)floor(hi_v / p->side_mm);
}

typedef struct emitter {
    const smpsim_field *field;
    float max_density;
    smpsim_dots *dots;
    float *order; /* NULL, or each dot's place in the progressive order, 0..1 */
    size_t max_dots;
    smpsim_error *err;
} emitter;

static smpsim_status grow(emitter *e)
{
    smpsim_dots *d = e->dots;
    if (d->count >= e->max_dots)
        return smpsim__fail(e->err, SMPSIM_ELIMIT, "sampler: more than %zu dots (the limit)",
                            e->max_dots);
    size_t cap = d->capacity * 2 + 64, bytes;
    if (!smpsim__mul_size(cap, sizeof *d->dots, &bytes))
        return smpsim__fail(e->err, SMPSIM_ELIMIT, "sampler: too many dots");
    smpsim_dot *more = realloc(d->dots, bytes);
    if (!more)
        return smpsim__fail(e->err, SMPSIM_ENOMEM, "sampler: out of memory for %zu dots", cap);
    d->dots = more;
    if (e->order) {
        float *order = realloc(e->order, cap * sizeof *order);
        if (!order)
            return smpsim__fail(e->err, SMPSIM_ENOMEM, "sampler: out of memory for %zu dots", cap);
        e->order = order;
    }
    d->capacity = cap;
    return SMPSIM_OK;
}

/* Maps tile points (qx, qy in 1/65536 units) of one copy to field-cell
 * units: (x0 + ax qx + bx qy, y0 + ay qx + by qy). */
typedef struct copy_map {
    double x0, y0, ax, bx, ay, by;
} copy_map;

static copy_map map_copy(const smpsim_field *f, const placement *p, long ku, long kv)
{
    const double inv_cell = 1.0 / f->cell_mm, unit = p->side_mm / 65536.0;
    const double u0 = ku * p->side_mm, v0 = kv * p->side_mm;
    copy_map m;
    m.x0 = (p->ox + p->c * u0 - p->s * v0 - f->origin_x_mm) * inv_cell;
    m.y0 = (p->oy + p->s * u0 + p->c * v0 - f->origin_y_mm) * inv_cell;
    m.ax = p->c * unit * inv_cell, m.bx = -p->s * unit * inv_cell;
    m.ay = p->s * unit * inv_cell, m.by = p->c * unit * inv_cell;
    return m;
}

/* Whether bucket (bx, by) of a copy can reach the field (its mapped
 * corners' bounding box meets [0, w) x [0, h)). */
static bool bucket_meets_field(const copy_map *m, uint32_t bx, uint32_t by, uint32_t w,
                               uint32_t h)
{
    const double step = 65536.0 / SMPSIM__TILE_B;
    double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY, hi_y = -INFINITY;
    for (int k = 0; k < 4; k++) {
        double qx = (bx + (k & 1)) * step, qy = (by + (k >> 1)) * step;
        double x = m->x0 + m->ax * qx + m->bx * qy, y = m->y0 + m->ay * qx + m->by * qy;
        lo_x = fmin(lo_x, x), hi_x = fmax(hi_x, x);
        lo_y = fmin(lo_y, y), hi_y = fmax(hi_y, y);
    }
    return hi_x >= 0.0 && hi_y >= 0.0 && lo_x < w && lo_y < h;
}

/* Emits the dots of one bucket of one copy: the hot loop of the sampler. */
static smpsim_status emit_bucket(emitter *e, const copy_map *m, uint32_t bucket)
{
    const smpsim_field *f = e->field;
    const double step = e->max_density / SMPSIM__TILE_N;
    const uint32_t w = f->width, h = f->height;
    for (uint32_t k = smpsim__tile_bucket[bucket]; k < smpsim__tile_bucket[bucket + 1]; k++) {
        const uint16_t *pt = &smpsim__tile_pts[3 * k];
        double qx = pt[0], qy = pt[1];
        double fx = m->x0 + m->ax * qx + m->bx * qy, fy = m->y0 + m->ay * qx + m->by * qy;
        if (!(fx >= 0.0 && fy >= 0.0 && fx < w && fy < h))
            continue;
        size_t cell = (size_t)fy * w + (size_t)fx;
        double level = (pt[2] + 0.5) * step;
        if (!(level < f->density_per_cm2[cell]))
            continue;
        if (e->dots->count == e->dots->capacity) {
            smpsim_status st = grow(e);
            if (st != SMPSIM_OK)
                return st;
        }
        if (e->order)
            e->order[e->dots->count] = (float)(level / f->density_per_cm2[cell]);
        smpsim_dot *dot = &e->dots->dots[e->dots->count++];
        dot->x_mm = (float)(f->origin_x_mm + fx * f->cell_mm);
        dot->y_mm = (float)(f->origin_y_mm + fy * f->cell_mm);
        dot->diameter_mm = 0.0f;
        dot->shade = 0.0f;
        dot->region = f->region ? f->region[cell] : 0;
        dot->session = 0;
        dot->group = 0;
    }
    return SMPSIM_OK;
}

static smpsim_status emit_copy(emitter *e, const placement *p, long ku, long kv)
{
    copy_map m = map_copy(e->field, p, ku, kv);
    /* Copies that miss the field entirely (many, for a long thin field
     * whose rotated bounding box is huge) cost one test each. */
    copy_map whole = m;
    whole.ax *= SMPSIM__TILE_B, whole.bx *= SMPSIM__TILE_B;
    whole.ay *= SMPSIM__TILE_B, whole.by *= SMPSIM__TILE_B;
    if (!bucket_meets_field(&whole, 0, 0, e->field->width, e->field->height))
        return SMPSIM_OK;
    for (uint32_t by = 0; by < SMPSIM__TILE_B; by++) {
        for (uint32_t bx = 0; bx < SMPSIM__TILE_B; bx++) {
            if (!bucket_meets_field(&m, bx, by, e->field->width, e->field->height))
                continue;
            smpsim_status st = emit_bucket(e, &m, by * SMPSIM__TILE_B + bx);
            if (st != SMPSIM_OK)
                return st;
        }
    }
    if (e->dots->count > e->max_dots)
        return smpsim__fail(e->err, SMPSIM_ELIMIT, "sampler: more than %zu dots (the limit)",
                            e->max_dots);
    return SMPSIM_OK;
}

smpsim_status smpsim__sample_tile(const smpsim_field *field, uint64_t seed, size_t max_dots,
                                  double expected, float field_max, smpsim_dots **out,
                                  float **order, smpsim_error *err)
{
    placement p = place(field_max, seed);
    long k[4];
    copy_range(field, &p, k);
    smpsim_dots *dots;
    smpsim_status st = smpsim_dots_new((size_t)(expected * 1.05) + 64, &dots, err);
    if (st != SMPSIM_OK)
        return st;
    emitter e = {field, field_max, dots, NULL, max_dots, err};
    if (order) {
        *order = NULL;
        e.order = malloc(dots->capacity * sizeof *e.order);
        if (!e.order) {
            smpsim_dots_free(dots);
            return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory");
        }
    }
    for (long kv = k[1]; st == SMPSIM_OK && kv <= k[3]; kv++)
        for (long ku = k[0]; st == SMPSIM_OK && ku <= k[2]; ku++)
            st = emit_copy(&e, &p, ku, kv);
    if (st != SMPSIM_OK) {
        smpsim_dots_free(dots);
        free(e.order);
        return st;
    }
    *out = dots;
    if (order)
        *order = e.order;
    return SMPSIM_OK;
}
