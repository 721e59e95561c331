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
#include <string.h>

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
    bool local;   /* write each dot's smpsim__local_density() into its diameter */
    size_t max_dots;
    smpsim_error *err;
    smpsim_status status;
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
        /* the dot's neighbourhood is in the cache now, not when its
         * attributes are worked out */
        dot->diameter_mm = e->local ? smpsim__local_density(f, dot->x_mm, dot->y_mm) : 0.0f;
        dot->shade = 0.0f;
        dot->region = f->region ? f->region[cell] : 0;
        dot->session = 0;
        dot->group = 0;
    }
    return SMPSIM_OK;
}

/* The buckets of the tile copies that meet the field, in the order their
 * dots are emitted (copy by copy, bucket by bucket): the sampler's work,
 * cut into contiguous runs, one per thread, whose dots are put together in
 * this order afterwards, so that any number of threads gives the same
 * dots in the same order. */
typedef struct work_list {
    copy_map *maps;
    size_t n_maps;
    uint32_t *items; /* map index x B^2 + bucket */
    size_t n_items;
} work_list;

static bool list_work(const smpsim_field *f, const placement *p, const long k[4],
                      work_list *wl)
{
    size_t nu = (size_t)(k[2] - k[0] + 1), nv = (size_t)(k[3] - k[1] + 1), cap_items = 0;
    const size_t per_copy = SMPSIM__TILE_B * SMPSIM__TILE_B;
    wl->maps = malloc(nu * nv * sizeof *wl->maps);
    if (!wl->maps)
        return false;
    for (long kv = k[1]; kv <= k[3]; kv++) {
        for (long ku = k[0]; ku <= k[2]; ku++) {
            copy_map m = map_copy(f, p, ku, kv);
            /* Copies that miss the field entirely (many, for a long thin
             * field whose rotated bounding box is huge) cost one test each. */
            copy_map whole = m;
            whole.ax *= SMPSIM__TILE_B, whole.bx *= SMPSIM__TILE_B;
            whole.ay *= SMPSIM__TILE_B, whole.by *= SMPSIM__TILE_B;
            if (!bucket_meets_field(&whole, 0, 0, f->width, f->height))
                continue;
            if (wl->n_items + per_copy > cap_items &&
                !smpsim__reserve((void **)&wl->items, &cap_items, wl->n_items + per_copy,
                                 sizeof *wl->items, per_copy))
                return false;
            size_t map = wl->n_maps++;
            wl->maps[map] = m;
            for (uint32_t by = 0; by < SMPSIM__TILE_B; by++)
                for (uint32_t bx = 0; bx < SMPSIM__TILE_B; bx++)
                    if (bucket_meets_field(&m, bx, by, f->width, f->height))
                        wl->items[wl->n_items++] =
                            (uint32_t)(map * per_copy + by * SMPSIM__TILE_B + bx);
        }
    }
    return true;
}

typedef struct run {
    const work_list *wl;
    size_t begin, end; /* items */
    emitter e;
    smpsim_error err; /* the run's own: runs fail on their threads */
} run;

static void emit_run(void *arg, size_t t)
{
    run *r = (run *)arg + t;
    const size_t per_copy = SMPSIM__TILE_B * SMPSIM__TILE_B;
    for (size_t i = r->begin; r->e.status == SMPSIM_OK && i < r->end; i++) {
        uint32_t item = r->wl->items[i];
        r->e.status = emit_bucket(&r->e, &r->wl->maps[item / per_copy], item % per_copy);
    }
}

/* Puts the runs' dots (and places) together in run 0, in order: its
 * arrays are resized once to the total (a large block grows in place). */
static smpsim_status join_runs(run *runs, size_t n_runs, smpsim_error *err)
{
    emitter *a = &runs[0].e;
    size_t n = 0, bytes;
    for (size_t i = 0; i < n_runs; i++)
        n += runs[i].e.dots->count;
    if (n > a->max_dots)
        return smpsim__fail(err, SMPSIM_ELIMIT, "sampler: more than %zu dots (the limit)",
                            a->max_dots);
    if (n > a->dots->capacity) {
        if (!smpsim__mul_size(n, sizeof *a->dots->dots, &bytes))
            return smpsim__fail(err, SMPSIM_ELIMIT, "sampler: too many dots");
        smpsim_dot *more = realloc(a->dots->dots, bytes);
        if (!more)
            return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory for %zu dots", n);
        a->dots->dots = more;
        if (a->order) {
            float *order = realloc(a->order, n * sizeof *order);
            if (!order)
                return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory");
            a->order = order;
        }
        a->dots->capacity = n;
    }
    for (size_t i = 1; i < n_runs; i++) {
        const emitter *b = &runs[i].e;
        memcpy(a->dots->dots + a->dots->count, b->dots->dots,
               b->dots->count * sizeof *b->dots->dots);
        if (a->order)
            memcpy(a->order + a->dots->count, b->order, b->dots->count * sizeof *b->order);
        a->dots->count += b->dots->count;
        smpsim_dots_free(runs[i].e.dots);
        free(runs[i].e.order);
        runs[i].e.dots = NULL;
        runs[i].e.order = NULL;
    }
    return SMPSIM_OK;
}

#define MIN_ITEMS_PER_THREAD 64 /* buckets of ~64 points */

smpsim_status smpsim__sample_tile(const smpsim_field *field, uint64_t seed, size_t max_dots,
                                  double expected, float field_max, unsigned threads,
                                  bool local, smpsim_dots **out, float **order,
                                  smpsim_error *err)
{
    placement p = place(field_max, seed);
    long k[4];
    copy_range(field, &p, k);
    work_list wl = {0};
    run runs[SMPSIM__MAX_DOT_THREADS];
    size_t n_runs = 0;
    smpsim_status st = SMPSIM_OK;
    if (order)
        *order = NULL;
    if (!list_work(field, &p, k, &wl)) {
        st = smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory");
        goto done;
    }
    size_t t = threads, by_items = wl.n_items / MIN_ITEMS_PER_THREAD;
    t = t < by_items ? t : by_items;
    t = t > 1 ? t : 1;
    t = t < SMPSIM__MAX_DOT_THREADS ? t : SMPSIM__MAX_DOT_THREADS;
    for (; n_runs < t; n_runs++) {
        run *r = &runs[n_runs];
        double share = t == 1 ? expected * 1.05 + 64 : expected / t * 1.1 + 64;
        r->wl = &wl;
        r->begin = wl.n_items * n_runs / t;
        r->end = wl.n_items * (n_runs + 1) / t;
        r->err.status = SMPSIM_OK;
        r->err.message[0] = '\0';
        r->e = (emitter){field, field_max, NULL, NULL, local, max_dots, &r->err, SMPSIM_OK};
        st = smpsim_dots_new((size_t)share, &r->e.dots, err);
        if (st == SMPSIM_OK && order) {
            r->e.order = malloc(r->e.dots->capacity * sizeof *r->e.order);
            if (!r->e.order)
                st = smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory");
        }
        if (st != SMPSIM_OK) {
            n_runs++;
            goto done;
        }
    }
    smpsim__run_threads(n_runs, emit_run, runs);
    for (size_t i = 0; st == SMPSIM_OK && i < n_runs; i++) {
        st = runs[i].e.status;
        if (st != SMPSIM_OK && err)
            *err = runs[i].err;
    }
    if (st == SMPSIM_OK)
        st = join_runs(runs, n_runs, err);
    if (st == SMPSIM_OK) {
        *out = runs[0].e.dots;
        if (order)
            *order = runs[0].e.order;
        runs[0].e.dots = NULL;
        runs[0].e.order = NULL;
    }
done:
    for (size_t i = 0; i < n_runs; i++) {
        smpsim_dots_free(runs[i].e.dots);
        free(runs[i].e.order);
    }
    free(wl.maps);
    free(wl.items);
    return st;
}
