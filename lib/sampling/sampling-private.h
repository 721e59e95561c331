/* Private declarations of lib/sampling: the density field, the samplers,
 * elimination, relaxation, follicle groups. Not installed. */
#ifndef SMPSIM_SAMPLING_PRIVATE_H
#define SMPSIM_SAMPLING_PRIVATE_H

#include "model/model-private.h"

/* work.c: the geometry's work budget and cancel callback (see
 * smpsim_dot_options.max_work), shared by the field and the dots of one
 * call. */
#define SMPSIM__DEFAULT_MAX_WORK UINT64_C(300000000)
typedef struct smpsim__work {
    uint64_t used, limit, next_poll;
    int (*cancel)(void *);
    void *cancel_arg;
} smpsim__work;

/* From resolved dot options (max_work filled in). */
void smpsim__work_init(smpsim__work *w, const smpsim_dot_options *o);
/* Adds units of work: SMPSIM_ELIMIT beyond the budget, SMPSIM_ECANCELED when
 * the callback says so (asked every million units or so), else OK. */
smpsim_status smpsim__work_poll(smpsim__work *w, smpsim_error *err);
static inline smpsim_status smpsim__work_add(smpsim__work *w, uint64_t units, smpsim_error *err)
{
    w->used += units;
    return w->used < w->next_poll ? SMPSIM_OK : smpsim__work_poll(w, err);
}

/* eliminate.c: weighted sample elimination (Yuksel 2015). Keeps `keep` of
 * the n points; dmax[i] is point i's interaction distance (the hexagonal
 * spacing at its local target density). alive[i] is set to 1 for the
 * survivors; removed (if non-NULL, room for n - keep) receives the removed
 * indexes, first removed first. period > 0: a torus. */
smpsim_status smpsim__eliminate(const float *x, const float *y, const float *dmax, size_t n,
                                size_t keep, double period, uint8_t *alive, uint32_t *removed,
                                smpsim_error *err);

/* relax.c: pushes apart pairs of points closer than tau x spacing (the
 * smaller spacing of the two), `iterations` sweeps; a point moves only where
 * allowed(arg, x, y) says so (NULL: anywhere). Keeps the count; raises the
 * minimum distance. period > 0: a torus, positions stay in [0, period). */
typedef bool (*smpsim__allowed_fn)(void *arg, double x, double y);
smpsim_status smpsim__relax(float *x, float *y, size_t stride, size_t n, const float *spacing,
                            double period, int iterations, double tau, smpsim__allowed_fn allowed,
                            void *arg, smpsim_error *err);

/* sampler.c: shared helpers of the samplers. */
/* Hexagonal-packing spacing (mm) of a density in dots/cm2. */
double smpsim__spacing_mm(double per_cm2);
float smpsim__field_max(const smpsim_field *f);
/* Density at (x, y) mm (0 outside); *cell receives the cell index if inside. */
double smpsim__field_at(const smpsim_field *f, double x, double y, size_t *cell);

/* A copy of the regions' raster (the field before the hairline) and a key
 * of everything it was made from (cell size; per region its outline in mm,
 * bounds, feather and density): a generator keeps one, so that a change
 * that leaves the regions alone (the hairline, sessions, dots options, the
 * seed) does not rasterise them again. All zero: empty. */
typedef struct smpsim__raster_cache {
    unsigned char *key;
    size_t key_len;
    size_t cells;
    float *density_per_cm2;
    uint16_t *region;
} smpsim__raster_cache;

/* Frees and empties; NULL or an empty cache is fine. */
void smpsim__raster_cache_free(smpsim__raster_cache *cache);
/* field.c: smpsim_design_field() into *field, reused (cleared) when its
 * memory of *cap cells holds the design, else replaced (*cap updated; cap
 * NULL: always new). On failure *field may hold a partial field (or NULL):
 * free it or reuse it. Also reuses the regions' raster from cache when it
 * holds them (and leaves them there when not; NULL: no cache), and hands back
 * the design's hairline as resolved and indexed for the field (n = 0
 * without one; free it with smpsim__hairline_field_free() in any case), so
 * that the dots' depths need not resolve it again. Work is charged to
 * work (NULL: a budget of its own from the design's dot options). */
smpsim_status smpsim__design_field_hairline(const smpsim_design *design, double cell_mm,
                                            smpsim_field **field, size_t *cap,
                                            smpsim__raster_cache *cache,
                                            smpsim__hairline_field *hairline, smpsim__work *work,
                                            smpsim_error *err);

/* work.c: threads of the dots (smpsim_dot_options.threads: 0 = one per
 * online CPU, at most 8). */
#define SMPSIM__MAX_DOT_THREADS 64
unsigned smpsim__dot_threads(const smpsim_dot_options *o);
/* Runs fn(arg, t) for t = 0 .. n - 1, t = 0 on the calling thread, the
 * others on threads of their own (on the calling thread, after, when one
 * cannot be started); returns when all are done. */
void smpsim__run_threads(size_t n, void (*fn)(void *arg, size_t t), void *arg);

/* The density around (x, y) (0 outside the field): the largest of its cell
 * and the four next to it, so that a cell only partly covered by a hard
 * outline does not read as a sparse transition zone, while real ramps
 * (which change little over a cell) are followed. */
static inline float smpsim__local_density(const smpsim_field *f, double x, double y)
{
    double fx = (x - f->origin_x_mm) / f->cell_mm, fy = (y - f->origin_y_mm) / f->cell_mm;
    if (!(fx >= 0.0 && fy >= 0.0 && fx < f->width && fy < f->height))
        return 0.0f;
    uint32_t i = (uint32_t)fx, j = (uint32_t)fy, w = f->width;
    const float *g = f->density_per_cm2;
    size_t at = (size_t)j * w + i;
    float d = g[at];
    if (i > 0 && g[at - 1] > d)
        d = g[at - 1];
    if (i + 1 < w && g[at + 1] > d)
        d = g[at + 1];
    if (j > 0 && g[at - w] > d)
        d = g[at - w];
    if (j + 1 < f->height && g[at + w] > d)
        d = g[at + w];
    return d;
}

/* tile.c: the fast sampler, thresholding a progressive blue-noise tile;
 * expected (dots) and field_max come from the checked field. Runs on up to
 * `threads` threads, with the same dots for any number. local: each dot's
 * diameter holds smpsim__local_density() at its position (else 0). */
smpsim_status smpsim__sample_tile(const smpsim_field *field, uint64_t seed, size_t max_dots,
                                  double expected, float field_max, unsigned threads,
                                  bool local, smpsim_dots **out, float **order,
                                  smpsim_error *err);
/* sampler.c: smpsim_sample() that also returns each dot's place in a
 * progressive order (0..1: the dots below f form an even subset holding f
 * of the density; random for the best mode). Free *order with free().
 * threads and local as for smpsim__sample_tile() (the best mode runs on
 * one thread, and fills in local too). */
smpsim_status smpsim__sample_ordered(const smpsim_field *field, uint64_t seed,
                                     const smpsim_sample_options *opts, unsigned threads,
                                     bool local, smpsim_dots **out, float **order,
                                     smpsim_error *err);

/* tile-data.c (generated at build time by tile-gen.c): SMPSIM__TILE_N points
 * of a toroidal blue-noise tile of side 1 as (x, y, rank) triples, x and y
 * in units of 1/65536; the points of rank < k form an even blue-noise set
 * for every k. They are grouped by bucket of a B x B grid over the tile
 * (row-major); bucket b holds points smpsim__tile_bucket[b] ..
 * smpsim__tile_bucket[b + 1] - 1. */
#define SMPSIM__TILE_N 65536
#define SMPSIM__TILE_B 32
extern const uint16_t smpsim__tile_pts[3 * SMPSIM__TILE_N];
extern const uint32_t smpsim__tile_bucket[SMPSIM__TILE_B * SMPSIM__TILE_B + 1];


#endif
