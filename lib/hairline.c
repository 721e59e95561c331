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
#include "smpsim-private.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846
#define SUBDIVISIONS 8      /* polyline points per Catmull-Rom span */
#define MAX_CONTROL 10000
#define COARSE_STEP 2       /* depth computed every 2 field cells, interpolated between */

void smpsim_hairline_params_init_(smpsim_hairline_params *p, size_t struct_size)
{
    if (!p || struct_size < sizeof(size_t))
        return;
    memset(p, 0, struct_size);
    memcpy(p, &struct_size, sizeof struct_size);
}

void smpsim_landmarks_init_(smpsim_landmarks *l, size_t struct_size)
{
    if (!l || struct_size < sizeof(size_t))
        return;
    memset(l, 0, struct_size);
    memcpy(l, &struct_size, sizeof struct_size);
}

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

/* Nearest segment to (x, y): signed distance (cross-product sign) and arc
 * length there; the end segments extend beyond their ends. */
static double nearest_signed(const smpsim__hairline_field *h, double x, double y, double *s_at)
{
    double best = INFINITY, signed_d = 0.0;
    *s_at = 0.0;
    for (size_t i = 0; i + 1 < h->n; i++) {
        double ax = h->xy[2 * i], ay = h->xy[2 * i + 1];
        double ex = h->xy[2 * i + 2] - ax, ey = h->xy[2 * i + 3] - ay, len2 = ex * ex + ey * ey;
        if (len2 <= 0.0)
            continue;
        double t = ((x - ax) * ex + (y - ay) * ey) / len2;
        if (t < 0.0 && i > 0)
            t = 0.0;
        if (t > 1.0 && i + 2 < h->n)
            t = 1.0;
        /* squared distances: one square root for the nearest segment, not
         * a hypot() per segment (that was most of a design's generation) */
        double dx = x - ax - t * ex, dy = y - ay - t * ey, d2 = dx * dx + dy * dy;
        if (d2 < best) {
            best = d2;
            double cross = ex * (y - ay) - ey * (x - ax);
            signed_d = cross * h->behind >= 0.0 ? 1.0 : -1.0;
            *s_at = h->s[i] + t * sqrt(len2);
        }
    }
    return isfinite(best) ? signed_d * sqrt(best) : 0.0;
}

/* Smooth value noise in -1..1 with knots every `spacing`, from a seed. */
static double value_noise(uint64_t seed, double s, double spacing)
{
    double u = s / spacing, f = floor(u), t = u - f;
    double v[2];
    for (int k = 0; k < 2; k++) {
        smpsim__rng rng;
        smpsim__rng_seed(&rng, seed ^ (uint64_t)(int64_t)(f + k) * UINT64_C(0x9E3779B97F4A7C15));
        v[k] = 2.0 * smpsim__rng_uniform(&rng) - 1.0;
    }
    double w = t * t * (3.0 - 2.0 * t);
    return v[0] + (v[1] - v[0]) * w;
}

/* How far the irregular line sits ahead of the smooth one at arc length s. */
static double perturbation(const smpsim__hairline_field *h, double s)
{
    const smpsim_hairline_params *p = &h->p;
    double macro = p->macro_amplitude_mm * sin(2 * PI * s / p->macro_wavelength_mm + h->phase[0]);
    double micro = p->micro_amplitude_mm * value_noise(h->micro_seed, s, p->micro_wavelength_mm / 2);
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

smpsim_status smpsim__hairline_apply(const smpsim__hairline_field *h, smpsim_field *f,
                                     smpsim_error *err)
{
    uint32_t cw = (f->width + COARSE_STEP - 1) / COARSE_STEP + 1;
    uint32_t ch = (f->height + COARSE_STEP - 1) / COARSE_STEP + 1;
    float *coarse = malloc((size_t)cw * ch * sizeof *coarse);
    if (!coarse)
        return smpsim__fail(err, SMPSIM_ENOMEM, "hairline: out of memory");
    for (uint32_t j = 0; j < ch; j++)
        for (uint32_t i = 0; i < cw; i++)
            coarse[(size_t)j * cw + i] = (float)(smpsim__hairline_depth(
                h, f->origin_x_mm + (i * COARSE_STEP + 0.5) * f->cell_mm,
                f->origin_y_mm + (j * COARSE_STEP + 0.5) * f->cell_mm) - h->offset_mm);
    for (uint32_t j = 0; j < f->height; j++) {
        uint32_t cj = j / COARSE_STEP;
        double ty = (double)(j % COARSE_STEP) / COARSE_STEP;
        for (uint32_t i = 0; i < f->width; i++) {
            float *d = &f->density_per_cm2[(size_t)j * f->width + i];
            if (*d <= 0.0f)
                continue;
            uint32_t ci = i / COARSE_STEP;
            double tx = (double)(i % COARSE_STEP) / COARSE_STEP;
            const float *c0 = &coarse[(size_t)cj * cw + ci], *c1 = c0 + cw;
            double depth = (c0[0] * (1 - tx) + c0[1] * tx) * (1 - ty) +
                           (c1[0] * (1 - tx) + c1[1] * tx) * ty;
            *d = (float)(*d * smpsim__hairline_factor(h, depth));
        }
    }
    free(coarse);
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
