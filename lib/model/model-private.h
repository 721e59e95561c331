/* Private declarations of lib/model: the design's regions, hairline,
 * outlines and head view. Not installed. */
#ifndef SMPSIM_MODEL_PRIVATE_H
#define SMPSIM_MODEL_PRIVATE_H

#include "geometry/geometry-private.h"

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

/* shapes.c: a region's outline as rings (closed polygons, filled by the
 * non-zero winding rule) in mm.
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
/* The rings indexed for lines and points: a grid of cells listing the
 * rings whose bounds reach into each (a point tests only the rings of its
 * cell, a line only those of its row of cells), and, per ring of more than
 * a few edges, its edges by horizontal slab (a line at y meets only the
 * edges listed for y's slab). Rings of fewer than 3 points are left out,
 * as they never count. Per ring, the slab count keeps the lists within a
 * few times its edges, so that long steep edges (a zigzag) give few slabs
 * rather than huge lists. */
typedef struct smpsim__slabs {
    double x0, y0, inv_cell; /* the grid over the rings */
    uint32_t w, h;           /* cells; 0 when there are no rings */
    uint32_t *cell_first;    /* w * h + 1 offsets into cell_rings */
    uint32_t *cell_rings;    /* ring numbers, ascending within a cell */
    double *box;             /* per ring: x0, y0, x1, y1, grown by a rounding margin */
    uint32_t *ring_slab;     /* n_rings + 1: ring k's slabs are ring_slab[k] .. [k + 1] - 1 */
    double *slab_y0, *slab_inv_h; /* per ring */
    uint32_t *slab_first;    /* per slab, and one more: offsets into slab_edges */
    uint32_t *slab_edges;    /* edge numbers as in smpsim__rings_index(), ascending */
} smpsim__slabs;

/* False when memory runs out (the slabs are left empty). */
bool smpsim__rings_slabs(const smpsim__rings *rings, smpsim__slabs *s);
void smpsim__slabs_free(smpsim__slabs *s);
/* smpsim__rings_contain() through the slabs: the same answer. Adds the
 * edges it tested to *work. */
bool smpsim__rings_contain_in(const smpsim__rings *rings, const smpsim__slabs *s, double x,
                              double y, uint64_t *work);
/* Where an edge crosses a line: x as smpsim__polygon_crossings() gives it,
 * and the edge's direction (+1: towards +y), which the winding number
 * adds up. */
typedef struct smpsim__crossing {
    double x;
    int dir;
} smpsim__crossing;
/* Every edge crossing the line at y (as smpsim__polygon_crossings() finds
 * them ring by ring, in another order); returns how many. Adds the edges it
 * tested to *work. */
size_t smpsim__rings_crossings(const smpsim__rings *rings, const smpsim__slabs *s, double y,
                               smpsim__crossing *out, uint64_t *work);
/* shapes.c: the rings' nearest edge through a point grid (pointgrid.c)
 * of points strung along every edge at most `step` apart, each standing for its
 * edge: the same distance and point as smpsim__rings_nearest(), measuring
 * only the edges near the query. */
typedef struct smpsim__rings_near {
    smpsim__pgrid grid;
    uint32_t *edge_of; /* per grid point: its edge */
    uint32_t *stamp;   /* per edge: the last query that took it */
    uint32_t query;
    uint32_t *cand;    /* scratch: a query's edges */
    size_t *cells, cap_cand, cap_cells, n_points, n_edges;
    double step, margin;
} smpsim__rings_near;

/* False when memory runs out (then use smpsim__rings_nearest()). */
bool smpsim__rings_near_build(const smpsim__rings *rings, smpsim__rings_near *nr);
void smpsim__rings_near_free(smpsim__rings_near *nr);
/* As smpsim__rings_nearest(); adds the edges it measured to *work. */
double smpsim__rings_near_find(const smpsim__rings *rings, smpsim__rings_near *nr, double x,
                               double y, double *nx, double *ny, uint64_t *work);
/* Coverage (0..1) of a mask region at scalp point (x, y) mm. */
double smpsim__mask_coverage(const smpsim__region *r, const smpsim_view *view, double x,
                             double y);

/* sampling/groups.c (declared here: the design resolves its dot options
 * when they are set): dot options with defaults filled in and ranges checked; the
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
/* design.c: the photo of a design file: given as the file writes it, dir
 * the file's folder (NULL or "." for the working directory);
 * smpsim_design_get_photo() then answers the two joined. */
smpsim_status smpsim__design_set_photo_from(smpsim_design *design, const char *given,
                                            const char *dir, smpsim_error *err);
/* The photo path to write into a design file in folder dir: as the design
 * file it came from gave it when dir is that file's folder, else the path
 * from the working directory (absolute when the photo exists and dir is
 * not the working directory). malloc'd; NULL without a photo. */
char *smpsim__design_photo_for(const smpsim_design *design, const char *dir);
/* regions.c: the mask region's source path (copied). */
smpsim_status smpsim__region_set_mask_path(smpsim_design *design, size_t index, const char *path,
                                           smpsim_error *err);
/* design.c: the design's resolved dot options. */
const smpsim_dot_options *smpsim__design_dot_options(const smpsim_design *design);

/* view.c: the bounding box (x0, y0, x1, y1 in mm) of the corners of a
 * width x height photo rectangle mapped through view. */
void smpsim__view_rect_bounds(const smpsim_view *view, double width, double height,
                              double b[4]);

/* warnings.c: a list of warnings being made: w has room for max; a
 * warning beyond that is dropped. smpsim__warn() formats one into it. */
typedef struct smpsim__warning_list {
    smpsim_warning *w;
    size_t n, max;
} smpsim__warning_list;

void smpsim__warn(smpsim__warning_list *l, smpsim_warning_code code, const char *fmt, ...)
    SMPSIM_PRINTF(3, 4);

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

/* view.c: a view prepared once for mapping many points (the renderer maps
 * every dot): flat views keep their rotation's sine and cosine times the
 * scale, head views their prepared (and, with tabulate, tabulated) model.
 * smpsim_view_map() is smpsim__mapper_map() of a mapper prepared for one
 * point, so both give the same bits. */
typedef struct smpsim__mapper {
    int head;
    smpsim__head_model model;
    double c, s, ox, oy, scale;
} smpsim__mapper;

void smpsim__mapper_init(smpsim__mapper *m, const smpsim_view *view, bool tabulate);

static inline int smpsim__mapper_map(const smpsim__mapper *m, double x, double y, double *px,
                                     double *py, double *scale)
{
    if (m->head)
        return smpsim__head_model_to_px(&m->model, x, y, px, py, scale);
    *px = m->ox + m->c * x - m->s * y;
    *py = m->oy + m->s * x + m->c * y;
    *scale = m->scale;
    return 1;
}

#endif
