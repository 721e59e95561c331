/* Hairlines: a curve on the scalp in mm, the transition zone behind it and
 * its natural irregularity.
 *
 * The line is kept in its source units (control points in mm or pixels)
 * and resolved per use into a polyline in mm. Every point of the scalp gets
 * a depth: its signed distance behind the line, measured to the nearest
 * segment (the end segments extend as straight lines), positive on the
 * scalp side. The line itself is moved by a seeded perturbation along its
 * length: gentle waves (macro), a jagged edge (micro, smooth value noise)
 * and a left/right tilt (asymmetry). The density factor then follows the
 * depth: 0 ahead of the line except for sparse "sentinel" dots in the first
 * few mm, a smooth rise from start_fraction to 1 across the transition
 * zone, and 1 behind it. Numbers: Shapiro & Shapiro (transition zone
 * 0.5-1.5 cm, micro and macro irregularity), Garg & Garg 2017 (landmarks). */
#include "model/model-private.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846
#define SUBDIVISIONS 8      /* polyline points per Catmull-Rom span */
#define MAX_CONTROL 10000
#define COARSE_STEP 2       /* depth computed every 2 field cells, interpolated between */
#define INDEX_LEAF 8        /* coarse nodes per side of a nearest-segment index leaf */
#define NOISE_PAD 100.0     /* mm of micro-noise knots cached beyond the line's ends */
#define MAX_NOISE_KNOTS 8192

/* 0 = default, negative = none (0), positive = as given. */
static double pick(double v, double fallback)
{
    return v == 0.0 ? fallback : (v < 0.0 ? 0.0 : v);
}

static smpsim_status resolve_params(const smpsim_hairline_params *in, smpsim_hairline_params *p,
                                    smpsim_error *err)
{
    smpsim__copy_options(p, sizeof *p, in);
    p->transition_mm = p->transition_mm == 0.0 ? 10.0 : p->transition_mm;
    p->start_fraction = p->start_fraction == 0.0 ? 0.25 : p->start_fraction;
    p->micro_amplitude_mm = pick(p->micro_amplitude_mm, 1.0);
    p->micro_wavelength_mm = p->micro_wavelength_mm == 0.0 ? 4.0 : p->micro_wavelength_mm;
    p->macro_amplitude_mm = pick(p->macro_amplitude_mm, 1.5);
    p->macro_wavelength_mm = p->macro_wavelength_mm == 0.0 ? 45.0 : p->macro_wavelength_mm;
    p->asymmetry_mm = pick(p->asymmetry_mm, 1.0);
    p->sentinel_fraction = pick(p->sentinel_fraction, 0.05);
    p->sentinel_depth_mm = p->sentinel_depth_mm == 0.0 ? 3.0 : p->sentinel_depth_mm;
    if (!(p->transition_mm >= 1.0 && p->transition_mm <= 50.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "hairline: transition_mm is %g, expected 1 to 50 (5-15 is usual)",
                            p->transition_mm);
    if (!(p->start_fraction > 0.0 && p->start_fraction <= 1.0) ||
        !(p->sentinel_fraction <= 0.5) || !(p->sentinel_depth_mm > 0 && p->sentinel_depth_mm <= 20))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "hairline: start_fraction %g (0..1], sentinel_fraction %g (0..0.5) or "
                            "sentinel_depth_mm %g (0..20] out of range",
                            p->start_fraction, p->sentinel_fraction, p->sentinel_depth_mm);
    if (!(p->micro_amplitude_mm <= 10 && p->macro_amplitude_mm <= 20 && p->asymmetry_mm <= 20) ||
        !(p->micro_wavelength_mm >= 0.5 && p->micro_wavelength_mm <= 100) ||
        !(p->macro_wavelength_mm >= 5 && p->macro_wavelength_mm <= 1000))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "hairline: irregularity out of range (micro %g mm at %g mm, macro %g "
                            "mm at %g mm, asymmetry %g mm)",
                            p->micro_amplitude_mm, p->micro_wavelength_mm, p->macro_amplitude_mm,
                            p->macro_wavelength_mm, p->asymmetry_mm);
    return SMPSIM_OK;
}

static smpsim_status store(smpsim_design *design, const double *xy, size_t n, smpsim_units units,
                           bool smooth, const smpsim_hairline_params *params, smpsim_error *err)
{
    if (!design || !xy)
        return smpsim__fail(err, SMPSIM_EINVAL, "hairline: NULL argument");
    if (n < 2 || n > MAX_CONTROL)
        return smpsim__fail(err, SMPSIM_EINVAL, "hairline: %zu points, expected 2 to %d", n,
                            MAX_CONTROL);
    if (units != SMPSIM_UNITS_MM && units != SMPSIM_UNITS_PX)
        return smpsim__fail(err, SMPSIM_EINVAL, "hairline: unknown units %d", (int)units);
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i]) || fabs(xy[i]) > 1e7)
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "hairline: point %zu: %c is %g, expected a finite number", i / 2,
                                i % 2 ? 'y' : 'x', xy[i]);
    smpsim_hairline_params p;
    smpsim_status st = resolve_params(params, &p, err);
    if (st != SMPSIM_OK)
        return st;
    double *copy = malloc(2 * n * sizeof *copy);
    if (!copy)
        return smpsim__fail(err, SMPSIM_ENOMEM, "hairline: out of memory");
    memcpy(copy, xy, 2 * n * sizeof *copy);
    smpsim__hairline *h = smpsim__design_hairline(design);
    free(h->xy);
    free(h->svg);
    memset(h, 0, sizeof *h);
    h->n_points = n;
    h->xy = copy;
    h->units = units;
    h->smooth = smooth;
    h->params = p;
    h->source = SMPSIM__HAIRLINE_POINTS;
    return SMPSIM_OK;
}

smpsim_status smpsim_design_set_hairline_points(smpsim_design *design, const double *xy,
                                                size_t n_points, smpsim_units units,
                                                const smpsim_hairline_params *params,
                                                smpsim_error *err)
{
    return store(design, xy, n_points, units, true, params, err);
}

smpsim_status smpsim__hairline_store_polyline(smpsim_design *design, const double *xy, size_t n,
                                              smpsim_units units,
                                              const smpsim_hairline_params *params,
                                              smpsim_error *err)
{
    return store(design, xy, n, units, false, params, err);
}

void smpsim_design_clear_hairline(smpsim_design *design)
{
    if (!design)
        return;
    smpsim__hairline *h = smpsim__design_hairline(design);
    free(h->xy);
    free(h->svg);
    memset(h, 0, sizeof *h);
}

/* Control points of a landmark hairline, left sideburn to right sideburn. */
static size_t landmark_points(const smpsim_landmarks *l, double *xy)
{
    double h = l->mid_frontal_mm, w = l->frontotemporal_x_mm, r = l->recession_mm;
    double tp = l->temporal_peak_mm;
    double half[8][2]; /* the right half, from the midline outwards */
    size_t k = 0;
    if (l->shape == 2) { /* widow's peak: a small V below the line */
        half[k][0] = 0, half[k][1] = -(h - 4), k++;
        half[k][0] = 7, half[k][1] = -(h + 1 + 0.1 * r), k++;
    } else {
        half[k][0] = 0, half[k][1] = -h, k++;
    }
    double front = l->shape == 1 ? 0.08 : 0.35; /* straight lines bow less */
    half[k][0] = 0.55 * w, half[k][1] = -(h + front * r), k++;
    if (l->female) {
        half[k][0] = w, half[k][1] = -(h + r), k++;
        half[k][0] = w + 14, half[k][1] = -(h + r) + 0.55 * tp, k++;
    } else { /* a rounded corner into the recession: no sharp angles */
        half[k][0] = 0.8 * w, half[k][1] = -(h + (0.5 + 0.5 * front) * r), k++;
        half[k][0] = w + 4, half[k][1] = -(h + r), k++;
        half[k][0] = w + 11, half[k][1] = -(h + r) + 0.3 * tp, k++;
        half[k][0] = w + 13, half[k][1] = -(h + r) + 0.9 * tp, k++;
    }
    half[k][0] = w + 30, half[k][1] = fmax(-(h + r) + 0.9 * tp + 22, -20), k++;
    size_t n = 0;
    for (size_t i = k; i-- > (half[0][0] == 0 ? 1u : 0u);) /* left half, mirrored */
        xy[2 * n] = -half[i][0], xy[2 * n + 1] = half[i][1], n++;
    for (size_t i = 0; i < k; i++)
        xy[2 * n] = half[i][0], xy[2 * n + 1] = half[i][1], n++;
    return n;
}

smpsim_status smpsim_design_set_hairline_landmarks(smpsim_design *design,
                                                   const smpsim_landmarks *landmarks,
                                                   const smpsim_hairline_params *params,
                                                   smpsim_error *err)
{
    smpsim_landmarks l;
    smpsim__copy_options(&l, sizeof l, landmarks);
    l.mid_frontal_mm = l.mid_frontal_mm == 0.0 ? 80.0 : l.mid_frontal_mm;
    l.frontotemporal_x_mm = l.frontotemporal_x_mm == 0.0 ? 45.0 : l.frontotemporal_x_mm;
    l.recession_mm = l.recession_mm == 0.0 ? (l.female ? -8.0 : 12.0) : l.recession_mm;
    l.temporal_peak_mm = l.temporal_peak_mm == 0.0 ? 50.0 : l.temporal_peak_mm;
    if (!(l.mid_frontal_mm >= 30 && l.mid_frontal_mm <= 150) ||
        !(l.frontotemporal_x_mm >= 20 && l.frontotemporal_x_mm <= 80) ||
        !(l.recession_mm >= -20 && l.recession_mm <= 60) ||
        !(l.temporal_peak_mm >= 10 && l.temporal_peak_mm <= 90) || l.shape < 0 || l.shape > 2)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "landmarks: mid_frontal_mm %g (30..150), frontotemporal_x_mm %g "
                            "(20..80), recession_mm %g (-20..60), temporal_peak_mm %g (10..90) "
                            "or shape %d (0..2) out of range",
                            l.mid_frontal_mm, l.frontotemporal_x_mm, l.recession_mm,
                            l.temporal_peak_mm, l.shape);
    double xy[32];
    size_t n = landmark_points(&l, xy);
    smpsim_status st = store(design, xy, n, SMPSIM_UNITS_MM, true, params, err);
    if (st == SMPSIM_OK) {
        smpsim__hairline *h = smpsim__design_hairline(design);
        h->source = SMPSIM__HAIRLINE_LANDMARKS;
        h->landmarks = l;
        h->landmarks.struct_size = sizeof l;
    }
    return st;
}

/* Catmull-Rom (uniform) through the control points, SUBDIVISIONS per span. */
static size_t smooth_curve(const double *p, size_t n, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const double *p0 = &p[2 * (i > 0 ? i - 1 : i)], *p1 = &p[2 * i], *p2 = &p[2 * (i + 1)];
        const double *p3 = &p[2 * (i + 2 < n ? i + 2 : i + 1)];
        for (int s = 0; s < SUBDIVISIONS; s++) {
            double t = (double)s / SUBDIVISIONS, t2 = t * t, t3 = t2 * t;
            for (int c = 0; c < 2; c++)
                out[2 * k + c] = 0.5 * (2 * p1[c] + (-p0[c] + p2[c]) * t +
                                        (2 * p0[c] - 5 * p1[c] + 4 * p2[c] - p3[c]) * t2 +
                                        (-p0[c] + 3 * p1[c] - 3 * p2[c] + p3[c]) * t3);
            k++;
        }
    }
    out[2 * k] = p[2 * (n - 1)];
    out[2 * k + 1] = p[2 * (n - 1) + 1];
    return k + 1;
}

/* Where along segment i (0..1) the point nearest to a point at t lies: the
 * end segments go on as rays beyond the line's ends. */
static inline double clamp_along(const smpsim__hairline_field *h, size_t i, double t)
{
    if (t < 0.0 && i > 0)
        return 0.0;
    if (t > 1.0 && i + 2 < h->n)
        return 1.0;
    return t;
}

/* Segment i as a candidate for the nearest one to (x, y): the end
 * segments extend beyond their ends, zero-length ones never count. Squared
 * distances, one square root for the winner, not a hypot() per segment;
 * the first of equally near segments wins. */
static inline void consider(const smpsim__hairline_field *h, size_t i, double x, double y,
                            double *best, size_t *best_i, double *best_t)
{
    double ax = h->xy[2 * i], ay = h->xy[2 * i + 1];
    double ex = h->xy[2 * i + 2] - ax, ey = h->xy[2 * i + 3] - ay, len2 = ex * ex + ey * ey;
    if (len2 <= 0.0)
        return;
    double t = clamp_along(h, i, ((x - ax) * ex + (y - ay) * ey) / len2);
    double dx = x - ax - t * ex, dy = y - ay - t * ey, d2 = dx * dx + dy * dy;
    if (d2 < *best) {
        *best = d2;
        *best_i = i;
        *best_t = t;
    }
}

/* Nearest segment to (x, y): signed distance (cross-product sign) and arc
 * length there. The index, when there is one, names the few segments that
 * can be nearest; they are measured in the same order as all of them
 * would be, so the winner is the same. */
static double nearest_signed(const smpsim__hairline_field *h, double x, double y, double *s_at)
{
    double best = INFINITY, t = 0.0;
    size_t i = 0, count;
    const uint32_t *list = smpsim__segindex_find(&h->fast.index, x, y, &count);
    if (list)
        for (size_t k = 0; k < count; k++)
            consider(h, list[k], x, y, &best, &i, &t);
    else
        for (size_t k = 0; k + 1 < h->n; k++)
            consider(h, k, x, y, &best, &i, &t);
    *s_at = 0.0;
    if (!isfinite(best))
        return 0.0;
    double ax = h->xy[2 * i], ay = h->xy[2 * i + 1];
    double ex = h->xy[2 * i + 2] - ax, ey = h->xy[2 * i + 3] - ay;
    double cross = ex * (y - ay) - ey * (x - ax);
    *s_at = h->s[i] + t * sqrt(ex * ex + ey * ey);
    return (cross * h->behind >= 0.0 ? 1.0 : -1.0) * sqrt(best);
}

/* The value noise's knot number f (an integral value), in -1..1. */
static double knot(uint64_t seed, double f)
{
    smpsim__rng rng;
    smpsim__rng_seed(&rng, seed ^ (uint64_t)(int64_t)f * UINT64_C(0x9E3779B97F4A7C15));
    return 2.0 * smpsim__rng_uniform(&rng) - 1.0;
}

/* Smooth value noise in -1..1 with knots every `spacing`, from the micro
 * seed; knots from the cache (smpsim__hairline_index) when it has them. */
static double value_noise(const smpsim__hairline_field *h, double s, double spacing)
{
    double u = s / spacing, f = floor(u), t = u - f;
    double v[2], at = f - (double)h->fast.noise_first;
    if (at >= 0.0 && at + 1.0 < (double)h->fast.n_noise) {
        v[0] = h->fast.noise[(size_t)at];
        v[1] = h->fast.noise[(size_t)at + 1];
    } else {
        for (int k = 0; k < 2; k++)
            v[k] = knot(h->micro_seed, f + k);
    }
    double w = t * t * (3.0 - 2.0 * t);
    return v[0] + (v[1] - v[0]) * w;
}

/* How far the irregular line sits ahead of the smooth one at arc length s. */
static double perturbation(const smpsim__hairline_field *h, double s)
{
    const smpsim_hairline_params *p = &h->p;
    double macro = p->macro_amplitude_mm * sin(2 * PI * s / p->macro_wavelength_mm + h->phase[0]);
    double micro = p->micro_amplitude_mm * value_noise(h, s, p->micro_wavelength_mm / 2);
    double tilt = h->length > 0.0 ? p->asymmetry_mm * (s / h->length - 0.5) : 0.0;
    return macro + micro + tilt * (h->phase[1] < PI ? 1.0 : -1.0);
}

double smpsim__hairline_depth(const smpsim__hairline_field *h, double x, double y)
{
    double s, d = nearest_signed(h, x, y, &s);
    return d + perturbation(h, s);
}

double smpsim__hairline_factor(const smpsim__hairline_field *h, double depth)
{
    const smpsim_hairline_params *p = &h->p;
    if (depth >= p->transition_mm)
        return 1.0;
    if (depth >= 0.0) {
        double t = depth / p->transition_mm, w = t * t * (3.0 - 2.0 * t);
        return p->start_fraction + (1.0 - p->start_fraction) * w;
    }
    if (depth > -p->sentinel_depth_mm)
        return p->sentinel_fraction * (1.0 + depth / p->sentinel_depth_mm);
    return 0.0;
}

void smpsim__hairline_field_free(smpsim__hairline_field *h)
{
    free(h->xy);
    free(h->s);
    free(h->fast.noise);
    free(h->fast.bounds);
    smpsim__segindex_free(&h->fast.index);
    memset(h, 0, sizeof *h);
}

/* The scalp's side: above the line (towards -y), as in an upright photo
 * or a frontal design; below it for a head view taken from above, where the
 * forehead is at the top of the photo. Judged at the middle of the line. */
static double scalp_side(const smpsim_design *design, const smpsim__hairline_field *h)
{
    const smpsim_view *v = smpsim_design_get_view(design);
    bool top = v->kind == SMPSIM_VIEW_HEAD && v->head.camera == SMPSIM_CAMERA_TOP &&
               smpsim__design_hairline_const(design)->units == SMPSIM_UNITS_PX;
    size_t i = (h->n - 1) / 2;
    double ex = h->xy[2 * i + 2] - h->xy[2 * i], ey = h->xy[2 * i + 3] - h->xy[2 * i + 1];
    double up = top ? 1.0 : -1.0; /* the scalp's direction in y */
    double cross = ex * up; /* cross((ex, ey), (0, up)) */
    if (fabs(cross) < 1e-12) /* a vertical middle: scalp to the right of +y travel */
        return ey > 0 ? -1.0 : 1.0;
    return cross > 0.0 ? 1.0 : -1.0;
}

smpsim_status smpsim__hairline_resolve(const smpsim_design *design, double offset_mm,
                                       smpsim__hairline_field *out, smpsim_error *err)
{
    memset(out, 0, sizeof *out);
    const smpsim__hairline *src = smpsim__design_hairline_const(design);
    if (!src || src->n_points == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "the design has no hairline");
    size_t cap = src->smooth ? (src->n_points - 1) * SUBDIVISIONS + 1 : src->n_points;
    double *ctrl = malloc(2 * src->n_points * sizeof *ctrl);
    out->xy = malloc(2 * cap * sizeof *out->xy);
    out->s = malloc(cap * sizeof *out->s);
    if (!ctrl || !out->xy || !out->s) {
        free(ctrl);
        smpsim__hairline_field_free(out);
        return smpsim__fail(err, SMPSIM_ENOMEM, "hairline: out of memory");
    }
    const smpsim_view *view = smpsim_design_get_view(design);
    for (size_t i = 0; i < src->n_points; i++) {
        if (src->units == SMPSIM_UNITS_PX)
            smpsim_view_to_mm(view, src->xy[2 * i], src->xy[2 * i + 1], &ctrl[2 * i],
                              &ctrl[2 * i + 1]);
        else
            memcpy(&ctrl[2 * i], &src->xy[2 * i], 2 * sizeof *ctrl);
    }
    if (src->smooth) {
        out->n = smooth_curve(ctrl, src->n_points, out->xy);
    } else {
        memcpy(out->xy, ctrl, 2 * src->n_points * sizeof *ctrl);
        out->n = src->n_points;
    }
    free(ctrl);
    out->s[0] = 0.0;
    for (size_t i = 1; i < out->n; i++)
        out->s[i] = out->s[i - 1] + hypot(out->xy[2 * i] - out->xy[2 * i - 2],
                                          out->xy[2 * i + 1] - out->xy[2 * i - 1]);
    out->length = out->s[out->n - 1];
    out->p = src->params;
    out->behind = 1.0;
    out->behind = scalp_side(design, out);
    smpsim__rng rng;
    smpsim__rng_seed(&rng, smpsim_design_get_seed(design) ^ UINT64_C(0x6861697231)); /* "hair1" */
    for (int k = 0; k < 4; k++)
        out->phase[k] = 2 * PI * smpsim__rng_uniform(&rng);
    out->micro_seed = smpsim__rng_next(&rng);
    out->offset_mm = offset_mm; /* a session's line sits this much further back */
    return SMPSIM_OK;
}

/* The coarse grid's nodes: every COARSE_STEP cells, at cell centres. */
static double node_x(const smpsim_field *f, uint32_t i)
{
    return f->origin_x_mm + (i * COARSE_STEP + 0.5) * f->cell_mm;
}

static double node_y(const smpsim_field *f, uint32_t j)
{
    return f->origin_y_mm + (j * COARSE_STEP + 0.5) * f->cell_mm;
}

/* The micro noise's knots along the line and NOISE_PAD beyond either end
 * (the end segments' rays), each the value knot() gives. */
static void cache_noise(smpsim__hairline_field *h)
{
    smpsim__hairline_fast *fast = &h->fast;
    double spacing = h->p.micro_wavelength_mm / 2;
    double first = floor(-NOISE_PAD / spacing), last = floor((h->length + NOISE_PAD) / spacing) + 1;
    if (!(last - first + 1 <= MAX_NOISE_KNOTS) || !(first >= -1e15))
        return;
    size_t n = (size_t)(last - first) + 1;
    if (!(fast->noise = malloc(n * sizeof *fast->noise)))
        return;
    for (size_t i = 0; i < n; i++)
        fast->noise[i] = knot(h->micro_seed, first + (double)i);
    fast->noise_first = (int64_t)first;
    fast->n_noise = n;
}

/* The segments, as consider() measures them, indexed over the field's
 * cells and the coarse grid (whose last nodes lie up to COARSE_STEP cells
 * beyond the field). */
static void index_segments(smpsim__hairline_field *h, const smpsim_field *f)
{
    size_t n = h->n - 1;
    smpsim__segment *seg = malloc(n * sizeof *seg);
    if (!seg)
        return;
    for (size_t i = 0; i < n; i++) {
        double ax = h->xy[2 * i], ay = h->xy[2 * i + 1];
        double ex = h->xy[2 * i + 2] - ax, ey = h->xy[2 * i + 3] - ay;
        unsigned flags = ex * ex + ey * ey <= 0.0 ? SMPSIM__SEG_NEVER : 0u;
        flags |= i == 0 ? SMPSIM__SEG_RAY_BACK : 0u;
        flags |= i + 1 == n ? SMPSIM__SEG_RAY_ON : 0u;
        seg[i] = (smpsim__segment){ax, ay, h->xy[2 * i + 2], h->xy[2 * i + 3], flags};
    }
    double pad = COARSE_STEP + 1.0;
    double domain[4] = {f->origin_x_mm, f->origin_y_mm,
                        f->origin_x_mm + (f->width + pad) * f->cell_mm,
                        f->origin_y_mm + (f->height + pad) * f->cell_mm};
    smpsim__segindex_build(&h->fast.index, seg, n, domain, INDEX_LEAF * COARSE_STEP * f->cell_mm,
                           INFINITY);
    free(seg);
}

/* fmin() and fmax() without a library call each: a NaN argument is passed
 * over as they do; which zero a tie of 0 and -0 gives does not matter to
 * the bounds below. */
static inline double lesser(double a, double b)
{
    return a < b || isnan(b) ? a : b;
}

static inline double greater(double a, double b)
{
    return a > b || isnan(b) ? a : b;
}

#define RANGE_MARGIN 1e-9  /* mm, far above the rounding of a perturbation */
#define MAX_RANGE_KNOTS 64 /* micro knots looked at for one leaf's range */

/* The range of sin(a) for a from a0 to a1 (a0 <= a1). */
static void sine_range(double a0, double a1, double r[2])
{
    double s0 = sin(a0), s1 = sin(a1);
    r[0] = lesser(s0, s1);
    r[1] = greater(s0, s1);
    if (!(a1 - a0 < 2 * PI)) {
        r[0] = -1.0, r[1] = 1.0;
        return;
    }
    /* a peak (pi/2 + 2 pi k) or a trough (3 pi/2 + 2 pi k) in between */
    if (floor((a1 - PI / 2) / (2 * PI)) != floor((a0 - PI / 2) / (2 * PI)))
        r[1] = 1.0;
    if (floor((a1 - 3 * PI / 2) / (2 * PI)) != floor((a0 - 3 * PI / 2) / (2 * PI)))
        r[0] = -1.0;
}

/* The range of perturbation() over arc lengths s_lo..s_hi, a little wider
 * for rounding, or the amplitudes' whole span when it is long: the wave's
 * sine between its ends (and any peak or trough between), the micro noise
 * between the smallest and largest of the knots it blends there, the tilt
 * (linear) between its ends. */
static void perturbation_range(const smpsim__hairline_field *h, double s_lo, double s_hi,
                               double r[2])
{
    const smpsim_hairline_params *p = &h->p;
    double tilt = greater(fabs(s_lo / h->length - 0.5), fabs(s_hi / h->length - 0.5));
    double pmax = p->macro_amplitude_mm + p->micro_amplitude_mm + p->asymmetry_mm * tilt;
    r[0] = -pmax, r[1] = pmax;
    double spacing = p->micro_wavelength_mm / 2;
    double k_lo = floor(s_lo / spacing) - 1, k_hi = floor(s_hi / spacing) + 2;
    if (!(k_hi - k_lo <= MAX_RANGE_KNOTS) || !(fabs(k_lo) < 1e15) || !(fabs(k_hi) < 1e15))
        return;
    double wave[2], noise[2] = {INFINITY, -INFINITY};
    double w = 2 * PI / p->macro_wavelength_mm;
    sine_range(w * s_lo + h->phase[0], w * s_hi + h->phase[0], wave);
    for (double k = k_lo; k <= k_hi; k++) {
        double at = k - (double)h->fast.noise_first, v;
        if (at >= 0.0 && at < (double)h->fast.n_noise)
            v = h->fast.noise[(size_t)at];
        else
            v = knot(h->micro_seed, k);
        noise[0] = lesser(noise[0], v);
        noise[1] = greater(noise[1], v);
    }
    double sign = h->phase[1] < PI ? 1.0 : -1.0;
    double t0 = p->asymmetry_mm * (s_lo / h->length - 0.5) * sign;
    double t1 = p->asymmetry_mm * (s_hi / h->length - 0.5) * sign;
    double lo = p->macro_amplitude_mm * wave[0] + p->micro_amplitude_mm * noise[0];
    double hi = p->macro_amplitude_mm * wave[1] + p->micro_amplitude_mm * noise[1];
    lo += lesser(t0, t1);
    hi += greater(t0, t1);
    if (isfinite(lo) && isfinite(hi)) {
        r[0] = greater(lo - RANGE_MARGIN, -pmax);
        r[1] = lesser(hi + RANGE_MARGIN, pmax);
    }
}

/* Bounds on the depth anywhere in a leaf. The nearest segment is one of
 * the leaf's candidates; if every candidate has the whole leaf on the same
 * side (the cross product is linear in the point, so the corners decide)
 * and none is nearer than lb, the depth is at least lb plus the smallest
 * perturbation behind the line (at most the largest minus lb ahead of it),
 * over the arc lengths the candidates can give (t too is linear; only the
 * end segments' rays take it, and the tilt, beyond the line). */
static void leaf_bounds(const smpsim__hairline_field *h, size_t leaf, double b[2])
{
    const smpsim__segindex *ix = &h->fast.index;
    const uint32_t *ids = ix->ids + ix->first[leaf];
    size_t n = ix->count[leaf];
    double x0 = ix->x0 + (leaf % ix->nx) * ix->leaf_mm, y0 = ix->y0 + (leaf / ix->nx) * ix->leaf_mm;
    double x1 = x0 + ix->leaf_mm, y1 = y0 + ix->leaf_mm, m = ix->margin;
    double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1), r = ix->leaf_mm * 0.7072 + m;
    const double q[4][2] = {{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}};
    double lb = INFINITY, s_lo = INFINITY, s_hi = -INFINITY;
    int side = 0;
    b[0] = -INFINITY;
    b[1] = INFINITY;
    for (size_t k = 0; k < n; k++) {
        size_t i = ids[k];
        double ax = h->xy[2 * i], ay = h->xy[2 * i + 1];
        double ex = h->xy[2 * i + 2] - ax, ey = h->xy[2 * i + 3] - ay, len2 = ex * ex + ey * ey;
        double len = sqrt(len2), tol = m * (len + 1.0), t_lo = INFINITY, t_hi = -INFINITY;
        for (int c = 0; c < 4; c++) {
            double dx = q[c][0] - ax, dy = q[c][1] - ay;
            double cross = (ex * dy - ey * dx) * h->behind;
            int sd = cross > tol ? 1 : (cross < -tol ? -1 : 0);
            if (sd == 0 || (side != 0 && sd != side))
                return;
            side = sd;
            double t = (dx * ex + dy * ey) / len2;
            t_lo = lesser(t_lo, t);
            t_hi = greater(t_hi, t);
        }
        /* t as consider() clamps it: the end segments go on as rays */
        t_lo -= m / len;
        t_hi += m / len;
        if (i > 0) {
            t_lo = greater(t_lo, 0.0);
            t_hi = greater(t_hi, 0.0);
        }
        if (i + 2 < h->n) {
            t_lo = lesser(t_lo, 1.0);
            t_hi = lesser(t_hi, 1.0);
        }
        s_lo = lesser(s_lo, h->s[i] + t_lo * len);
        s_hi = greater(s_hi, h->s[i] + t_hi * len);
        double t = clamp_along(h, i, ((cx - ax) * ex + (cy - ay) * ey) / len2);
        double dx = cx - ax - t * ex, dy = cy - ay - t * ey;
        lb = lesser(lb, sqrt(dx * dx + dy * dy) - r);
    }
    if (n == 0 || !(h->length > 0.0) || !(lb > 0.0))
        return;
    /* Only leaves near the transition zone or the sentinels gain from a
     * narrower range; elsewhere the amplitudes' span decides as well. */
    const smpsim_hairline_params *p = &h->p;
    double tilt = greater(fabs(s_lo / h->length - 0.5), fabs(s_hi / h->length - 0.5));
    double pmax = p->macro_amplitude_mm + p->micro_amplitude_mm + p->asymmetry_mm * tilt;
    double near = (side > 0 ? p->transition_mm : p->sentinel_depth_mm) + fabs(h->offset_mm);
    double range[2] = {-pmax, pmax};
    if (lb < near + 2.0 * pmax + 1.0)
        perturbation_range(h, s_lo, s_hi, range);
    if (!isfinite(range[0]) || !isfinite(range[1]))
        return;
    if (side > 0)
        b[0] = lb + range[0];
    else
        b[1] = range[1] - lb;
}

void smpsim__hairline_index(smpsim__hairline_field *h, const smpsim_field *f)
{
    free(h->fast.noise);
    free(h->fast.bounds);
    smpsim__segindex_free(&h->fast.index);
    memset(&h->fast, 0, sizeof h->fast);
    if (h->n < 2)
        return;
    cache_noise(h);
    index_segments(h, f);
    size_t leaves = (size_t)h->fast.index.nx * h->fast.index.ny;
    if (leaves && (h->fast.bounds = malloc(2 * leaves * sizeof *h->fast.bounds)))
        for (size_t l = 0; l < leaves; l++)
            leaf_bounds(h, l, &h->fast.bounds[2 * l]);
}

/* a >= b, with room for rounding and for the float a depth is kept in. */
static bool clearly_at_least(double a, double b)
{
    return a - b >= 1e-3 + 1e-6 * (fabs(a) + fabs(b));
}

/* The depth's bounds at (x, y): its leaf's, or none. */
static const double *bounds_at(const smpsim__hairline_field *h, double x, double y)
{
    static const double none[2] = {-INFINITY, INFINITY};
    size_t leaf = smpsim__segindex_leaf(&h->fast.index, x, y);
    return leaf == SIZE_MAX || !h->fast.bounds ? none : &h->fast.bounds[2 * leaf];
}

double smpsim__hairline_depth_within(const smpsim__hairline_field *h, double x, double y,
                                     double lo, double hi)
{
    const double *b = bounds_at(h, x, y);
    if (clearly_at_least(b[0], hi))
        return INFINITY;
    if (clearly_at_least(lo, b[1]))
        return -INFINITY;
    return smpsim__hairline_depth(h, x, y);
}

/* Where the factor is certainly 1 (behind the transition zone) or 0 (ahead
 * of the sentinels) at all four nodes of a coarse square, the cells between
 * them need no depth: a blend of values all beyond a bound, with room to
 * spare for rounding, stays beyond it. */
enum { SQUARE_OPEN, SQUARE_BEHIND, SQUARE_AHEAD };

static uint8_t kind_of(const smpsim__hairline_field *h, const double b[2])
{
    const smpsim_hairline_params *p = &h->p;
    if (clearly_at_least(b[0] - h->offset_mm, p->transition_mm))
        return SQUARE_BEHIND;
    if (clearly_at_least(-p->sentinel_depth_mm, b[1] - h->offset_mm))
        return SQUARE_AHEAD;
    return SQUARE_OPEN;
}

static uint8_t *square_kinds(const smpsim__hairline_field *h, const smpsim_field *f, uint32_t cw,
                             uint32_t ch)
{
    const smpsim__segindex *ix = &h->fast.index;
    size_t leaves = h->fast.bounds ? (size_t)ix->nx * ix->ny : 0;
    uint8_t *square = calloc((size_t)cw * ch, 1), *node = malloc((size_t)cw * ch);
    uint8_t *leaf = malloc(leaves + 1);
    size_t *col = malloc(cw * sizeof *col), *row = malloc(ch * sizeof *row);
    if (!square || !node || !leaf || !col || !row || leaves == 0) {
        free(node);
        free(leaf);
        free(col);
        free(row);
        return square; /* all open, or NULL */
    }
    for (size_t l = 0; l < leaves; l++)
        leaf[l] = kind_of(h, &h->fast.bounds[2 * l]);
    leaf[leaves] = SQUARE_OPEN; /* outside the index */
    /* A node's leaf, as smpsim__segindex_leaf() finds it: its column
     * depends on x only, its row on y only. */
    for (uint32_t i = 0; i < cw; i++)
        col[i] = smpsim__segindex_leaf(ix, node_x(f, i), ix->y0);
    for (uint32_t j = 0; j < ch; j++)
        row[j] = smpsim__segindex_leaf(ix, ix->x0, node_y(f, j));
    for (uint32_t j = 0; j < ch; j++)
        for (uint32_t i = 0; i < cw; i++)
            node[(size_t)j * cw + i] =
                leaf[col[i] == SIZE_MAX || row[j] == SIZE_MAX ? leaves : row[j] + col[i]];
    for (uint32_t j = 0; j + 1 < ch; j++)
        for (uint32_t i = 0; i + 1 < cw; i++) {
            const uint8_t *n = &node[(size_t)j * cw + i];
            square[(size_t)j * cw + i] = n[1] == n[0] && n[cw] == n[0] && n[cw + 1] == n[0]
                                             ? n[0]
                                             : SQUARE_OPEN;
        }
    free(node);
    free(leaf);
    free(col);
    free(row);
    return square;
}

/* The cells [i0, i1) of row j in open squares: the depth blended from the
 * square's four nodes (each measured on first use), then the factor. */
static void open_cells(const smpsim__hairline_field *h, const smpsim_field *f, float *coarse,
                       uint32_t cw, uint32_t j, uint32_t i0, uint32_t i1)
{
    uint32_t cj = j / COARSE_STEP;
    double ty = (double)(j % COARSE_STEP) / COARSE_STEP;
    float *row = f->density_per_cm2 + (size_t)j * f->width;
    for (uint32_t i = i0; i < i1; i++) {
        if (row[i] <= 0.0f)
            continue;
        uint32_t ci = i / COARSE_STEP;
        size_t at = (size_t)cj * cw + ci;
        for (int c = 0; c < 4; c++) {
            size_t node = at + (c & 1) + (c >> 1) * (size_t)cw;
            if (isnan(coarse[node]))
                coarse[node] = (float)(smpsim__hairline_depth(h, node_x(f, ci + (c & 1)),
                                                              node_y(f, cj + (c >> 1))) -
                                       h->offset_mm);
        }
        double tx = (double)(i % COARSE_STEP) / COARSE_STEP;
        const float *c0 = &coarse[at], *c1 = c0 + cw;
        double depth = (c0[0] * (1 - tx) + c0[1] * tx) * (1 - ty) +
                       (c1[0] * (1 - tx) + c1[1] * tx) * ty;
        row[i] = (float)(row[i] * smpsim__hairline_factor(h, depth));
    }
}

/* Row by row, in runs of squares of one kind: behind the transition zone
 * nothing changes, ahead of the sentinels every dot goes (factor 0), and
 * only open squares measure depths. */
smpsim_status smpsim__hairline_apply(const smpsim__hairline_field *h, smpsim_field *f,
                                     smpsim_error *err)
{
    uint32_t cw = (f->width + COARSE_STEP - 1) / COARSE_STEP + 1;
    uint32_t ch = (f->height + COARSE_STEP - 1) / COARSE_STEP + 1;
    float *coarse = malloc((size_t)cw * ch * sizeof *coarse);
    uint8_t *square = square_kinds(h, f, cw, ch);
    if (!coarse || !square) {
        free(coarse);
        free(square);
        return smpsim__fail(err, SMPSIM_ENOMEM, "hairline: out of memory");
    }
    for (size_t k = 0; k < (size_t)cw * ch; k++)
        coarse[k] = NAN; /* measured on first use */
    for (uint32_t j = 0; j < f->height; j++) {
        const uint8_t *kinds = square + (size_t)(j / COARSE_STEP) * cw;
        float *row = f->density_per_cm2 + (size_t)j * f->width;
        for (uint32_t i = 0; i < f->width;) {
            uint8_t kind = kinds[i / COARSE_STEP];
            uint32_t end = (i / COARSE_STEP + 1) * COARSE_STEP;
            while (end < f->width && kinds[end / COARSE_STEP] == kind)
                end += COARSE_STEP;
            end = end < f->width ? end : f->width;
            if (kind == SQUARE_AHEAD) {
                for (uint32_t k = i; k < end; k++)
                    if (!(row[k] <= 0.0f))
                        row[k] = (float)(row[k] * 0.0);
            } else if (kind == SQUARE_OPEN) {
                open_cells(h, f, coarse, cw, j, i, end);
            }
            i = end;
        }
    }
    free(coarse);
    free(square);
    return SMPSIM_OK;
}

smpsim_status smpsim_design_hairline_mm(const smpsim_design *design, double **xy,
                                        size_t *n_points, smpsim_error *err)
{
    if (!xy || !n_points)
        return smpsim__fail(err, SMPSIM_EINVAL, "hairline: NULL out-pointer");
    *xy = NULL;
    *n_points = 0;
    smpsim__hairline_field h;
    smpsim_status st = smpsim__hairline_resolve(design, 0.0, &h, err);
    if (st != SMPSIM_OK)
        return st;
    *xy = h.xy;
    *n_points = h.n;
    free(h.s);
    return SMPSIM_OK;
}

smpsim_status smpsim_design_hairline_controls(const smpsim_design *design, double **xy,
                                              size_t *n_points, smpsim_units *units,
                                              smpsim_error *err)
{
    if (!design || !xy || !n_points || !units)
        return smpsim__fail(err, SMPSIM_EINVAL, "hairline: NULL argument");
    *xy = NULL;
    *n_points = 0;
    *units = SMPSIM_UNITS_MM;
    /* read only: the accessor takes a mutable design for the setters */
    const smpsim__hairline *h = smpsim__design_hairline((smpsim_design *)design);
    if (h->n_points == 0)
        return SMPSIM_OK;
    if (!h->smooth)
        return smpsim__fail(err, SMPSIM_EUNSUPPORTED,
                            "hairline: an SVG path has no control points to move");
    double *copy = malloc(2 * h->n_points * sizeof *copy);
    if (!copy)
        return smpsim__fail(err, SMPSIM_ENOMEM, "hairline: out of memory");
    memcpy(copy, h->xy, 2 * h->n_points * sizeof *copy);
    *xy = copy;
    *n_points = h->n_points;
    *units = h->units;
    return SMPSIM_OK;
}
