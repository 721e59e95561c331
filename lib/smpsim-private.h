/* Private declarations shared by the files of lib/. Not installed. */
#ifndef SMPSIM_PRIVATE_H
#define SMPSIM_PRIVATE_H

#include <smpsim/smpsim.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define SMPSIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SMPSIM_PRINTF(f, a)
#endif

/* errors.c: records status and a formatted message into err (if non-NULL)
 * and returns status, so that callers can write `return smpsim__fail(...)`.
 * The first error wins: a record that already holds an error is kept. */
smpsim_status smpsim__fail(smpsim_error *err, smpsim_status status, const char *fmt, ...)
    SMPSIM_PRINTF(3, 4);

/* Copies the caller's options (of the caller's struct_size) over a
 * zero-filled local copy, so that fields the caller's version did not know
 * read as 0 ("default"). */
void smpsim__copy_options(void *dst, size_t dst_size, const void *src);

/* Checked size arithmetic: false on overflow. */
static inline bool smpsim__mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *out = a * b;
    return true;
}

static inline bool smpsim__add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a)
        return false;
    *out = a + b;
    return true;
}

/* rng.c: xoshiro256** seeded through splitmix64. Deterministic everywhere. */
typedef struct smpsim__rng {
    uint64_t s[4];
} smpsim__rng;

void smpsim__rng_seed(smpsim__rng *rng, uint64_t seed);
uint64_t smpsim__rng_next(smpsim__rng *rng);
/* Uniform in [0, 1) with 53 bits. */
double smpsim__rng_uniform(smpsim__rng *rng);

/* colour.c: sRGB transfer functions on 0..1. */
double smpsim__srgb_to_linear(double v);
double smpsim__linear_to_srgb(double v);
/* CIELAB (D65, sRGB primaries) of a linear RGB colour (appearance.c). */
void smpsim__linear_to_lab(const double rgb[3], double lab[3]);

/* image.c: default limits and the check applied before pixel allocation. */
#define SMPSIM__DEFAULT_MAX_PIXELS UINT64_C(200000000)
#define SMPSIM__DEFAULT_MAX_DIMENSION 100000u
smpsim_status smpsim__check_dimensions(uint64_t width, uint64_t height,
                                       const smpsim_load_options *opts, const char *what,
                                       smpsim_error *err);
/* Allocates an image without clearing it when `clear` is false. */
smpsim_status smpsim__image_alloc(uint32_t width, uint32_t height, smpsim_pixel_format format,
                                  bool clear, smpsim_image **out, smpsim_error *err);

/* io-atomic.c: atomic file output. Opens a temporary file beside path;
 * commit renames it over path, abort removes it. */
typedef struct smpsim__atomic_file {
    char *final_path;
    char *tmp_path;
    int fd;
    void *stream; /* FILE * */
} smpsim__atomic_file;

smpsim_status smpsim__atomic_open(smpsim__atomic_file *af, const char *path, smpsim_error *err);
smpsim_status smpsim__atomic_commit(smpsim__atomic_file *af, smpsim_error *err);
void smpsim__atomic_abort(smpsim__atomic_file *af);

/* Writes a file atomically through a stream writer: produce(ctx, write,
 * closure, err) sends the bytes to write(closure, ...). A failed write is
 * reported as SMPSIM_EIO with the file name and its errno, any other
 * failure with the file name and produce's message; nothing is left
 * behind either way. */
typedef smpsim_status (*smpsim__producer)(const void *ctx, smpsim_write_func write,
                                          void *closure, smpsim_error *err);
smpsim_status smpsim__atomic_save(const char *path, smpsim__producer produce, const void *ctx,
                                  smpsim_error *err);

/* image-png.c / image-jpeg.c: decoders behind smpsim_image_load_memory(). */
smpsim_status smpsim__png_decode(const uint8_t *data, size_t size, const smpsim_load_options *opts,
                                 smpsim_image **out, smpsim_error *err);
smpsim_status smpsim__jpeg_decode(const uint8_t *data, size_t size,
                                  const smpsim_load_options *opts, smpsim_image **out,
                                  smpsim_error *err);

/* design.c: region access for the field builder. */
typedef enum smpsim__shape {
    SMPSIM__POLYGON,
    SMPSIM__ELLIPSE, /* xy: the centre */
    SMPSIM__LINE,    /* xy: the polyline; width: full width */
    SMPSIM__POINTS,  /* xy: the centres; width: diameter */
    SMPSIM__MASK     /* mask: coverage image in photo pixels */
} smpsim__shape;

typedef struct smpsim__region {
    smpsim__shape shape;
    smpsim_units units;
    size_t n_points;
    double *xy;
    double radius_x, radius_y, rotation_deg; /* ellipse, in units */
    double width;                            /* line width, point diameter, in units */
    smpsim_image *mask;
    char *mask_path; /* where the mask was loaded from (for saving), or NULL */
    smpsim_region_params params; /* defaults filled in */
} smpsim__region;

const smpsim__region *smpsim__design_region(const smpsim_design *design, size_t index);
/* design.c: appends a region (owning its arrays on success). */
smpsim_status smpsim__design_append_region(smpsim_design *design, const smpsim__region *r,
                                           smpsim_error *err);

/* segindex.c: which segments can be the nearest one, per leaf of a grid
 * over a domain (see segindex.c). A segment runs from a to b; its flags
 * say which ends go on as rays, or that it never counts (listed nowhere). */
#define SMPSIM__SEG_RAY_BACK 1u /* goes on beyond a */
#define SMPSIM__SEG_RAY_ON 2u   /* goes on beyond b */
#define SMPSIM__SEG_NEVER 4u
typedef struct smpsim__segment {
    double ax, ay, bx, by;
    unsigned flags;
} smpsim__segment;

typedef struct smpsim__segindex {
    double x0, y0, leaf_mm, inv_leaf;
    double margin;           /* mm: far above rounding at these coordinates */
    uint32_t nx, ny;         /* leaves; 0 when there is no index */
    uint32_t *first, *count; /* per leaf (row-major): its list in ids */
    uint32_t *ids;           /* segment numbers, ascending within a list */
} smpsim__segindex;

/* Indexes the n segments over domain (x0, y0, x1, y1 in mm) with leaves of
 * about leaf_mm; a segment farther than cap_mm (INFINITY: no cap) from a
 * whole leaf is left out of that leaf. Returns false, leaving the index
 * empty, when it cannot be built (no memory, coordinates not finite or
 * beyond 1e100, a segment too short to measure reliably): callers then
 * search every segment, with the same result. */
bool smpsim__segindex_build(smpsim__segindex *ix, const smpsim__segment *seg, size_t n,
                            const double domain[4], double leaf_mm, double cap_mm);
/* Frees and empties; a zeroed or empty index is fine. */
void smpsim__segindex_free(smpsim__segindex *ix);
/* The leaf holding (x, y) (row-major), SIZE_MAX outside the domain or
 * without an index. */
static inline size_t smpsim__segindex_leaf(const smpsim__segindex *ix, double x, double y)
{
    double fx = (x - ix->x0) * ix->inv_leaf, fy = (y - ix->y0) * ix->inv_leaf;
    if (!(fx >= 0.0 && fy >= 0.0 && fx < ix->nx && fy < ix->ny))
        return SIZE_MAX;
    return (size_t)fy * ix->nx + (size_t)fx;
}

/* The candidates for (x, y): *count segment numbers, ascending, that hold
 * the nearest segment wherever it is within the cap (none: every segment
 * is farther than the cap); NULL outside the domain or without an index. */
static inline const uint32_t *smpsim__segindex_find(const smpsim__segindex *ix, double x,
                                                    double y, size_t *count)
{
    size_t leaf = smpsim__segindex_leaf(ix, x, y);
    if (leaf == SIZE_MAX)
        return NULL;
    *count = ix->count[leaf];
    return ix->ids + ix->first[leaf];
}

/* hairline.c: the design's hairline, in its source units. */
typedef enum smpsim__hairline_source {
    SMPSIM__HAIRLINE_POINTS,
    SMPSIM__HAIRLINE_LANDMARKS,
    SMPSIM__HAIRLINE_SVG
} smpsim__hairline_source;

typedef struct smpsim__hairline {
    size_t n_points;  /* 0 = no hairline */
    double *xy;       /* control points (or an already smooth polyline) */
    smpsim_units units;
    bool smooth;      /* pass a Catmull-Rom curve through the points */
    smpsim_hairline_params params; /* defaults filled in */
    smpsim__hairline_source source; /* how it was given, for saving */
    smpsim_landmarks landmarks;     /* LANDMARKS: as given (defaults filled in) */
    char *svg;                      /* SVG: the path string */
} smpsim__hairline;

smpsim__hairline *smpsim__design_hairline(smpsim_design *design);
/* Stores an already smooth polyline (e.g. a flattened SVG path) as the hairline. */
smpsim_status smpsim__hairline_store_polyline(smpsim_design *design, const double *xy, size_t n,
                                              smpsim_units units,
                                              const smpsim_hairline_params *params,
                                              smpsim_error *err);
const smpsim__hairline *smpsim__design_hairline_const(const smpsim_design *design);

/* What smpsim__hairline_index() adds for many depths over one field: the
 * segments that can be nearest, per leaf of an index; per leaf, bounds
 * that the depth anywhere in it certainly keeps within; the micro noise's
 * knots. None of it changes a depth. */
typedef struct smpsim__hairline_fast {
    smpsim__segindex index;
    double *bounds;     /* per leaf: lowest, highest depth (maybe infinite) */
    double *noise;      /* knots noise_first, noise_first + 1, ... */
    int64_t noise_first;
    size_t n_noise;
} smpsim__hairline_fast;

/* The hairline's effect, resolved for one design: a polyline in mm, the
 * side the scalp is on, and the seeded irregularity. */
typedef struct smpsim__hairline_field {
    size_t n;
    double *xy;       /* polyline in mm */
    double *s;        /* arc length at each point */
    double length;
    double behind;    /* +1 or -1: sign of the cross product on the scalp side */
    smpsim_hairline_params p;
    double offset_mm; /* the line moved back by this much (a session's offset) */
    double phase[4];  /* irregularity phases */
    uint64_t micro_seed;
    smpsim__hairline_fast fast; /* smpsim__hairline_index(); all zero without */
} smpsim__hairline_field;

smpsim_status smpsim__hairline_resolve(const smpsim_design *design, double offset_mm,
                                       smpsim__hairline_field *out, smpsim_error *err);
void smpsim__hairline_field_free(smpsim__hairline_field *h);
/* Signed distance behind the irregular line (negative ahead of it). */
double smpsim__hairline_depth(const smpsim__hairline_field *h, double x, double y);
/* The same where it may lie within [lo, hi]; elsewhere INFINITY where it
 * is certainly at least hi, -INFINITY where certainly below lo: enough to
 * compare it with values in [lo, hi], and cheap away from the line. */
double smpsim__hairline_depth_within(const smpsim__hairline_field *h, double x, double y,
                                     double lo, double hi);
/* The density factor at a depth behind the line (0 far ahead, sentinels,
 * the transition ramp, 1 behind it). */
double smpsim__hairline_factor(const smpsim__hairline_field *h, double depth);
/* Multiplies the field's densities by the hairline factor. */
smpsim_status smpsim__hairline_apply(const smpsim__hairline_field *h, smpsim_field *field,
                                     smpsim_error *err);
/* Prepares h->fast for depths over the field (its cells and the hairline's
 * coarse grid): the same depths, found without measuring every segment.
 * Without it (or if memory runs out) depths still come out the same, only
 * slower. */
void smpsim__hairline_index(smpsim__hairline_field *h, const smpsim_field *field);

/* shapes.c: a region's outline as rings (closed polygons, even-odd) in mm.
 * Masks have no rings. */
typedef struct smpsim__rings {
    size_t n_rings;
    size_t *start; /* n_rings + 1 offsets, in points */
    double *xy;
} smpsim__rings;

smpsim_status smpsim__region_rings(const smpsim__region *r, const smpsim_view *view,
                                   smpsim__rings *out, smpsim_error *err);
void smpsim__rings_free(smpsim__rings *rings);
bool smpsim__rings_contain(const smpsim__rings *rings, double x, double y);
/* Distance to the nearest edge and the nearest point on it. */
double smpsim__rings_nearest(const smpsim__rings *rings, double x, double y, double *nx,
                             double *ny);
/* Bounding box x0, y0, x1, y1. */
void smpsim__rings_bounds(const smpsim__rings *rings, double b[4]);
/* The rings' edges indexed over domain (see smpsim__segindex_build): edge
 * i of ring k (from point i - 1, or the last point, to point i) is segment
 * start[k] + i. */
bool smpsim__rings_index(const smpsim__rings *rings, const double domain[4], double leaf_mm,
                         double cap_mm, smpsim__segindex *ix);
/* smpsim__rings_nearest() among n edges (ascending segment numbers, at
 * least one) that hold the nearest one: the same distance and point. */
double smpsim__rings_nearest_among(const smpsim__rings *rings, const uint32_t *edges, size_t n,
                                   double x, double y, double *nx, double *ny);
/* Coverage (0..1) of a mask region at scalp point (x, y) mm. */
double smpsim__mask_coverage(const smpsim__region *r, const smpsim_view *view, double x,
                             double y);

/* pointgrid.c: a uniform bucket grid over points given as strided float
 * x/y arrays (an array of smpsim_dot works with stride sizeof(smpsim_dot)).
 * With period > 0 the plane is a torus [0, period)^2 and neighbourhoods wrap. */
typedef struct smpsim__pgrid {
    double x0, y0, cell; /* mm */
    double period;       /* 0 = flat */
    long w, h;
    size_t *start; /* w*h+1 offsets into order */
    size_t *order; /* point indexes sorted by cell */
} smpsim__pgrid;

bool smpsim__pgrid_build(smpsim__pgrid *g, const float *x, const float *y, size_t stride,
                         size_t n, double cell, double period);
void smpsim__pgrid_free(smpsim__pgrid *g);
long smpsim__pgrid_cx(const smpsim__pgrid *g, double x);
long smpsim__pgrid_cy(const smpsim__pgrid *g, double y);
/* The cells within `reach` cells of the one holding (x, y), wrapped on a
 * torus and without repeats; returns how many were written (at most max). */
size_t smpsim__pgrid_around(const smpsim__pgrid *g, double x, double y, long reach, size_t *cells,
                            size_t max);
/* A coordinate difference folded into [-period/2, period/2) (period > 0). */
static inline double smpsim__wrap(double d, double period)
{
    if (period <= 0.0)
        return d;
    while (d >= 0.5 * period)
        d -= period;
    while (d < -0.5 * period)
        d += period;
    return d;
}

/* eliminate.c: weighted sample elimination (Yuksel 2015). Keeps `keep` of
 * the n points; dmax[i] is point i's interaction distance (the hexagonal
 * spacing at its local target density). alive[i] is set to 1 for the
 * survivors; removed (if non-NULL, room for n - keep) receives the removed
 * indexes, first removed first. period > 0: a torus. */
smpsim_status smpsim__eliminate(const float *x, const float *y, const float *dmax, size_t n,
                                size_t keep, double period, uint8_t *alive, uint32_t *removed,
                                smpsim_error *err);

/* polygon.c: even-odd point-in-polygon and the nearest boundary point,
 * for polygons given as x0,y0,x1,y1,... */
bool smpsim__polygon_contains(const double *xy, size_t n, double x, double y);
void smpsim__polygon_nearest(const double *xy, size_t n, double x, double y, double *nx,
                             double *ny);
/* The x where each edge crossing the line at y crosses it, as
 * smpsim__polygon_contains() computes it (a point at x is inside when an
 * odd number of them lie beyond x); returns how many (at most n). */
size_t smpsim__polygon_crossings(const double *xy, size_t n, double y, double *xs);
/* The point of edge a-b nearest to (x, y) and its squared distance, as
 * smpsim__polygon_nearest() measures each edge (shared so that indexed
 * searches give the same bits). */
static inline double smpsim__edge_nearest(double ax, double ay, double bx, double by, double x,
                                          double y, double *px, double *py)
{
    double ex = bx - ax, ey = by - ay, len2 = ex * ex + ey * ey;
    double t = len2 > 0.0 ? ((x - ax) * ex + (y - ay) * ey) / len2 : 0.0;
    t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
    *px = ax + t * ex;
    *py = ay + t * ey;
    return (*px - x) * (*px - x) + (*py - y) * (*py - y);
}

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
 * that the dots' depths need not resolve it again. */
smpsim_status smpsim__design_field_hairline(const smpsim_design *design, double cell_mm,
                                            smpsim_field **field, size_t *cap,
                                            smpsim__raster_cache *cache,
                                            smpsim__hairline_field *hairline, smpsim_error *err);

/* tile.c: the fast sampler, thresholding a progressive blue-noise tile;
 * expected (dots) and field_max come from the checked field. */
smpsim_status smpsim__sample_tile(const smpsim_field *field, uint64_t seed, size_t max_dots,
                                  double expected, float field_max, smpsim_dots **out,
                                  float **order, smpsim_error *err);
/* sampler.c: smpsim_sample() that also returns each dot's place in a
 * progressive order (0..1: the dots below f form an even subset holding f
 * of the density; random for the best mode). Free *order with free(). */
smpsim_status smpsim__sample_ordered(const smpsim_field *field, uint64_t seed,
                                     const smpsim_sample_options *opts, smpsim_dots **out,
                                     float **order, smpsim_error *err);

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

/* fft.c: in-place complex FFT of n (a power of two) values spaced stride apart. */
void smpsim__fft(double *re, double *im, size_t n, size_t stride);

/* groups.c: dot options with defaults filled in and ranges checked; the
 * mean group size of resolved options. */
smpsim_status smpsim__resolve_dot_options(const smpsim_dot_options *in, smpsim_dot_options *out,
                                          smpsim_error *err);
double smpsim__mean_group_size(const smpsim_dot_options *resolved);
/* design.c: region parameters with defaults filled in, ranges checked
 * (messages name region_index). */
smpsim_status smpsim__resolve_region_params(const smpsim_region_params *in,
                                            smpsim_region_params *out, size_t region_index,
                                            smpsim_error *err);
/* design.c: metadata for saving and warnings. */
double smpsim__design_hair_shade(const smpsim_design *design);
/* regions.c: the mask region's source path (copied). */
smpsim_status smpsim__region_set_mask_path(smpsim_design *design, size_t index, const char *path,
                                           smpsim_error *err);
/* design.c: the design's resolved dot options. */
const smpsim_dot_options *smpsim__design_dot_options(const smpsim_design *design);
/* Two independent standard normal values (Box-Muller). */
void smpsim__rng_normal2(smpsim__rng *rng, double z[2]);

/* view-head.c: the ellipsoid head view behind smpsim_view_*(). to_px
 * returns 1 when the point faces the camera (see smpsim_view_map()). */
smpsim_status smpsim__head_validate(const smpsim_view *view, smpsim_error *err);
int smpsim__head_to_px(const smpsim_view *view, double x_mm, double y_mm, double *x_px,
                       double *y_px, double *px_per_mm);
void smpsim__head_to_mm(const smpsim_view *view, double x_px, double y_px, double *x_mm,
                        double *y_mm);
/* A head view prepared once for many mappings (the renderer maps every
 * dot): the same results as smpsim__head_to_px()/_to_mm() without redoing
 * the per-view set-up (about a third of the cost of one mapping). */
/* The sine and cosine of the angle t of an ellipse (p sin t, q cos t) by
 * its arc length from t = 0, tabulated over a quarter: knots evenly spaced
 * in arc length, each with both values and their derivatives (times the
 * knot step), read by cubic Hermite interpolation (smpsim__head_tabulate()). */
#define SMPSIM__ARC_KNOTS 128
typedef struct smpsim__arc_table {
    double knots_per_mm;
    double s[SMPSIM__ARC_KNOTS + 1], ds[SMPSIM__ARC_KNOTS + 1];
    double c[SMPSIM__ARC_KNOTS + 1], dc[SMPSIM__ARC_KNOTS + 1];
} smpsim__arc_table;

typedef struct smpsim__head_model {
    double a, b, c;       /* semi-axes (mm): across, up-down the photo, along the camera */
    double s;             /* px per mm on the outline's plane */
    double center_x_px, center_y_px;
    double cos_tilt, sin_tilt;
    /* The screen's x and down directions and the direction to the camera,
     * in the head's frame (pitch and the yaw implied by the glabella). */
    double ex[3], ey[3], ez[3];
    /* The ellipsoid's outline on the outline's plane (mm): semi-axes and
     * the direction of the first. */
    double rim_r0, rim_r1, rim_cos, rim_sin;
    double mid_quarter;   /* quarter arc of the midline ellipse (b, c) */
    double sec_quarter;   /* quarter arc of the widest section (a, c) */
    double y_origin_mm;   /* midline arc from the front point to the origin */
    double yaw_deg;       /* FRONT: head turn implied by the glabella (0 for TOP) */
    /* Non-zero after smpsim__head_tabulate(): arc lengths are turned into
     * angles by the tables below instead of Newton iterations. */
    int tabulated;
    smpsim__arc_table mid_table, sec_table;
} smpsim__head_model;
void smpsim__head_prepare(const smpsim_view *view, smpsim__head_model *m);
/* Tabulates the model's arc inverses (~0.1 ms), for mapping many points:
 * positions then differ from the untabulated model's by less than 1e-6 mm
 * (test_tabulated_head_maps_like_newton). */
void smpsim__head_tabulate(smpsim__head_model *m);
int smpsim__head_model_to_px(const smpsim__head_model *m, double x_mm, double y_mm, double *x_px,
                             double *y_px, double *px_per_mm);
void smpsim__head_model_to_mm(const smpsim__head_model *m, double x_px, double y_px,
                              double *x_mm, double *y_mm);

/* text-out.c: buffered printf-style output onto a smpsim_write_func.
 * close flushes, frees, and tells whether every write succeeded. */
typedef struct smpsim__text_out smpsim__text_out;
smpsim__text_out *smpsim__text_out_new(smpsim_write_func write, void *closure);
void smpsim__text_put(smpsim__text_out *o, const char *fmt, ...) SMPSIM_PRINTF(2, 3);
bool smpsim__text_out_close(smpsim__text_out *o);

#endif
