/* Hairlines, region shapes, sessions, presets and design rules. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

static smpsim_design *new_design(uint64_t seed)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_design_set_seed(d, seed);
    return d;
}

static smpsim_dots *dots_of(const smpsim_design *d)
{
    smpsim_error err = {0};
    smpsim_dots *dots = NULL;
    ck_assert_msg(smpsim_design_dots(d, &dots, &err) == SMPSIM_OK, "%s", err.message);
    return dots;
}

static double distance_to_polyline(const double *xy, size_t n, double x, double y)
{
    double best = INFINITY;
    for (size_t i = 0; i + 1 < n; i++) {
        double ax = xy[2 * i], ay = xy[2 * i + 1], ex = xy[2 * i + 2] - ax, ey = xy[2 * i + 3] - ay;
        double t = ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey);
        t = t < 0 ? 0 : (t > 1 ? 1 : t);
        best = fmin(best, hypot(ax + t * ex - x, ay + t * ey - y));
    }
    return best;
}

START_TEST(test_landmark_hairline_passes_through_landmarks)
{
    smpsim_design *d = new_design(1);
    smpsim_landmarks l;
    smpsim_landmarks_init(&l);
    l.mid_frontal_mm = 85;
    l.recession_mm = 15;
    ck_assert_int_eq(smpsim_design_set_hairline_landmarks(d, &l, NULL, NULL), SMPSIM_OK);
    double *xy = NULL;
    size_t n = 0;
    ck_assert_int_eq(smpsim_design_hairline_mm(d, &xy, &n, NULL), SMPSIM_OK);
    /* the mid-frontal point, the frontotemporal corners (4 mm outside the
     * 45 mm line, rounded) and the temporal peaks */
    ck_assert_double_lt(distance_to_polyline(xy, n, 0, -85), 0.01);
    ck_assert_double_lt(distance_to_polyline(xy, n, 49, -100), 0.01);
    ck_assert_double_lt(distance_to_polyline(xy, n, -49, -100), 0.01);
    ck_assert_double_lt(distance_to_polyline(xy, n, 58, -100 + 45), 0.01);
    /* left to right, symmetric */
    ck_assert_double_lt(xy[0], 0);
    ck_assert_double_eq_tol(xy[0], -xy[2 * n - 2], 1e-9);
    ck_assert_double_eq_tol(xy[1], xy[2 * n - 1], 1e-9);
    free(xy);
    smpsim_design_free(d);
}
END_TEST

/* A wide square of scalp with a straight hairline across it at y = -60 mm
 * (scalp above), irregularity and sentinels as given. */
static smpsim_design *straight_line_design(double micro, double sentinel, uint64_t seed)
{
    smpsim_design *d = new_design(seed);
    smpsim_session one = {1.0, 0, 0, 0, 0};
    ck_assert_int_eq(smpsim_design_set_sessions(d, &one, 1, NULL), SMPSIM_OK);
    double sq[] = {-100, -200, 100, -200, 100, 0, -100, 0};
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, NULL, NULL), SMPSIM_OK);
    double line[] = {-150, -60, 0, -60, 150, -60};
    smpsim_hairline_params p;
    smpsim_hairline_params_init(&p);
    p.micro_amplitude_mm = micro;
    p.macro_amplitude_mm = micro;
    p.asymmetry_mm = micro;
    p.sentinel_fraction = sentinel;
    ck_assert_int_eq(smpsim_design_set_hairline_points(d, line, 3, SMPSIM_UNITS_MM, &p, NULL),
                     SMPSIM_OK);
    return d;
}

START_TEST(test_transition_zone_density_rises_as_specified)
{
    /* Without irregularity: nothing ahead of the line, then density
     * 0.25 + 0.75 smoothstep(depth / 10 mm) of 100/cm2, measured in 1 mm
     * bands over 160 mm of line and 4 seeds. */
    double count[14] = {0};
    for (uint64_t seed = 1; seed <= 4; seed++) {
        smpsim_design *d = straight_line_design(-1, -1, seed);
        smpsim_dots *dots = dots_of(d);
        for (size_t i = 0; i < dots->count; i++) {
            const smpsim_dot *p = &dots->dots[i];
            double depth = -60.0 - p->y_mm; /* mm above the line */
            if (fabs(p->x_mm) > 80 || depth < -2 || depth >= 12)
                continue;
            count[(int)floor(depth) + 2] += 1;
        }
        smpsim_dots_free(dots);
        smpsim_design_free(d);
    }
    ck_assert_double_eq(count[0] + count[1], 0.0); /* ahead of the line */
    for (int b = 0; b < 12; b++) {
        double t = fmin((b + 0.5) / 10.0, 1.0), w = t * t * (3 - 2 * t);
        double want = (0.25 + 0.75 * w) * 100.0 * 0.1 * 16.0 * 4; /* 1 mm x 160 mm x 4 */
        ck_assert_msg(fabs(count[b + 2] / want - 1) < 0.12, "band %d mm: %.0f dots, want %.0f", b,
                      count[b + 2], want);
    }
}
END_TEST

START_TEST(test_no_dots_beyond_the_irregularity_band)
{
    /* Default irregularity and sentinels: the furthest dot ahead of the
     * smooth line lies within sentinel depth + micro + macro + asymmetry
     * (3 + 1 + 1.5 + 0.5 mm), and some sentinels do exist ahead of it. */
    smpsim_design *d = straight_line_design(0, 0, 9);
    smpsim_dots *dots = dots_of(d);
    double furthest = 0.0;
    size_t ahead = 0;
    for (size_t i = 0; i < dots->count; i++) {
        double depth = -60.0 - dots->dots[i].y_mm;
        if (fabs(dots->dots[i].x_mm) < 140 && depth < 0) {
            ahead++;
            furthest = fmin(furthest, depth);
        }
    }
    ck_assert_msg(furthest >= -6.0, "a dot %.2f mm ahead of the line", -furthest);
    ck_assert_uint_gt(ahead, 5);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_irregularity_is_seeded)
{
    smpsim_design *a = straight_line_design(0, 0, 3), *b = straight_line_design(0, 0, 3);
    smpsim_design *c = straight_line_design(0, 0, 4);
    smpsim_dots *da = dots_of(a), *db = dots_of(b), *dc = dots_of(c);
    ck_assert_uint_eq(smpsim_dots_checksum(da), smpsim_dots_checksum(db));
    ck_assert_uint_ne(smpsim_dots_checksum(da), smpsim_dots_checksum(dc));
    smpsim_dots_free(da);
    smpsim_dots_free(db);
    smpsim_dots_free(dc);
    smpsim_design_free(a);
    smpsim_design_free(b);
    smpsim_design_free(c);
}
END_TEST

START_TEST(test_region_shapes_hold_their_area)
{
    /* Ellipse, thick line with round ends, punch points: dots = area x
     * density within 3 % (fast sampler), all inside the shape. */
    smpsim_session one = {1.0, 0, 0, 0, 0};
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 150;
    struct {
        int kind;
        double want_mm2;
    } cases[] = {{0, PI * 30 * 18}, {1, 120 * 10 + PI * 25}, {2, 400 * PI * 0.64}};
    double line[] = {-60, 0, 0, 5, 60, 0};
    double punches[800];
    for (int i = 0; i < 400; i++)
        punches[2 * i] = (i % 20) * 3.0, punches[2 * i + 1] = (i / 20) * 3.0;
    for (int c = 0; c < 3; c++) {
        smpsim_design *d = new_design(5);
        ck_assert_int_eq(smpsim_design_set_sessions(d, &one, 1, NULL), SMPSIM_OK);
        if (cases[c].kind == 0)
            ck_assert_int_eq(smpsim_design_add_ellipse(d, 5, 5, 30, 18, 25, SMPSIM_UNITS_MM, &p,
                                                       NULL),
                             SMPSIM_OK);
        else if (cases[c].kind == 1) /* length: two 60.2 mm segments */
            ck_assert_int_eq(smpsim_design_add_line(d, line, 3, 10, SMPSIM_UNITS_MM, &p, NULL),
                             SMPSIM_OK);
        else
            ck_assert_int_eq(smpsim_design_add_points(d, punches, 400, 1.6, SMPSIM_UNITS_MM, &p,
                                                      NULL),
                             SMPSIM_OK);
        smpsim_dots *dots = dots_of(d);
        double want = cases[c].want_mm2 * 1.5;
        ck_assert_msg(fabs(dots->count / want - 1) < 0.05, "shape %d: %zu dots, want %.0f", c,
                      dots->count, want);
        smpsim_dots_free(dots);
        smpsim_design_free(d);
    }
}
END_TEST

START_TEST(test_sessions_layer_30_70_100)
{
    /* Default plan: about 30 % of the dots in session 1, 40 % in 2, 30 % in
     * 3; session 1 lighter; no session-1 dot within 3 mm of the hairline. */
    smpsim_design *d = straight_line_design(-1, -1, 2);
    smpsim_session plan[3] = {{0.3, -1.5, 0, 3, 0}, {0.7, -0.75, 0, 0, 21}, {1.0, 0, 0, 0, 21}};
    ck_assert_int_eq(smpsim_design_set_sessions(d, plan, 3, NULL), SMPSIM_OK);
    smpsim_dots *dots = dots_of(d);
    size_t per[4] = {0};
    double shade[4] = {0};
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *p = &dots->dots[i];
        ck_assert_uint_ge(p->session, 1);
        ck_assert_uint_le(p->session, 3);
        per[p->session]++;
        shade[p->session] += p->shade;
        if (p->session == 1)
            ck_assert_msg(-60.0 - p->y_mm >= 3.0 - 0.35, "session 1 dot %.2f mm behind the line",
                          -60.0 - p->y_mm);
    }
    double n = (double)dots->count;
    ck_assert_double_eq_tol(per[1] / n, 0.30, 0.03);
    ck_assert_double_eq_tol(per[2] / n, 0.40, 0.03);
    ck_assert_double_eq_tol(per[3] / n, 0.30, 0.03);
    ck_assert_double_lt(shade[1] / per[1], shade[3] / per[3] - 1.0);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_session_mask_and_errors)
{
    smpsim_design *d = new_design(1);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.sessions = 1u << 2; /* only session 3 */
    double sq[] = {0, 0, 30, 0, 30, 30, 0, 30};
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, &p, NULL), SMPSIM_OK);
    smpsim_dots *dots = dots_of(d);
    for (size_t i = 0; i < dots->count; i++)
        ck_assert_uint_eq(dots->dots[i].session, 3);
    smpsim_dots_free(dots);
    smpsim_error err = {0};
    smpsim_session bad[2] = {{0.5, 0, 0, 0, 0}, {0.4, 0, 0, 0, 0}};
    ck_assert_int_eq(smpsim_design_set_sessions(d, bad, 2, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "sessions[1].density_fraction"));
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_design_set_sessions(d, bad, 1, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "must be 1"));
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_presets_are_valid_and_warning_free)
{
    ck_assert_uint_ge(smpsim_preset_count(), 15);
    for (size_t i = 0; i < smpsim_preset_count(); i++) {
        smpsim_design *d = NULL;
        smpsim_error err = {0};
        ck_assert_msg(smpsim_design_new_preset(smpsim_preset_name(i), &d, &err) == SMPSIM_OK,
                      "%s: %s", smpsim_preset_name(i), err.message);
        ck_assert_ptr_nonnull(smpsim_preset_description(i));
        smpsim_warning *w = NULL;
        size_t n = 99;
        ck_assert_int_eq(smpsim_design_check(d, &w, &n, NULL), SMPSIM_OK);
        ck_assert_msg(n == 0, "%s: %s", smpsim_preset_name(i), n ? w[0].message : "");
        free(w);
        smpsim_design_free(d);
    }
    ck_assert_ptr_null(smpsim_preset_name(smpsim_preset_count()));
    smpsim_design *d = (smpsim_design *)1;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_design_new_preset("norwood-9", &d, &err), SMPSIM_EINVAL);
    ck_assert_ptr_null(d);
    ck_assert_ptr_nonnull(strstr(err.message, "norwood-3-vertex"));
}
END_TEST

static bool has_warning(const smpsim_design *d, smpsim_warning_code code)
{
    smpsim_warning *w = NULL;
    size_t n = 0;
    ck_assert_int_eq(smpsim_design_check(d, &w, &n, NULL), SMPSIM_OK);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        found |= w[i].code == code && strlen(w[i].message) > 20;
    free(w);
    return found;
}


/* The "too dark" advice names a shade the design accepts (the sessions'
 * offsets taken off), and taking it silences the warning; hair as light
 * as shade 1 under a darker session gets no impossible number. */
START_TEST(test_too_dark_advice_is_a_shade_the_design_accepts)
{
    double sq[] = {0, 0, 40, 0, 40, 40, 0, 40};
    for (int k = 0; k < 2; k++) {
        smpsim_design *d = new_design(1);
        smpsim_region_params p;
        smpsim_region_params_init(&p);
        p.shade = 8;
        ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, &p, NULL),
                         SMPSIM_OK);
        ck_assert_int_eq(smpsim_design_set_hair_shade(d, k ? 1.0 : 4.3, NULL), SMPSIM_OK);
        if (k) { /* a darker last session: below shade 1 there is nothing to advise */
            smpsim_session one = {.density_fraction = 1.0, .shade_offset = 0.5};
            ck_assert_int_eq(smpsim_design_set_sessions(d, &one, 1, NULL), SMPSIM_OK);
        }
        smpsim_warning *w = NULL;
        size_t n = 0;
        ck_assert_int_eq(smpsim_design_check(d, &w, &n, NULL), SMPSIM_OK);
        const char *msg = NULL;
        for (size_t i = 0; i < n; i++)
            if (w[i].code == SMPSIM_WARN_TOO_DARK)
                msg = w[i].message;
        ck_assert_ptr_nonnull(msg);
        const char *at = strstr(msg, "shade to ");
        if (k) {
            ck_assert_ptr_null(at);
            ck_assert_ptr_nonnull(strstr(msg, "white or grey"));
        } else {
            ck_assert_ptr_nonnull(at);
            double advice = atof(at + 9);
            ck_assert(advice >= 1.0 && advice <= 4.3 && advice * 2 == floor(advice * 2));
            smpsim_design *e = new_design(1);
            p.shade = advice;
            ck_assert_int_eq(smpsim_design_add_polygon(e, sq, 4, SMPSIM_UNITS_MM, &p, NULL),
                             SMPSIM_OK);
            ck_assert_int_eq(smpsim_design_set_hair_shade(e, 4.3, NULL), SMPSIM_OK);
            ck_assert(!has_warning(e, SMPSIM_WARN_TOO_DARK));
            smpsim_design_free(e);
        }
        free(w);
        smpsim_design_free(d);
    }
}
END_TEST

START_TEST(test_each_warning_fires_on_a_bad_design)
{
    smpsim_landmarks l;
    smpsim_hairline_params hp;
    double sq[] = {-100, -200, 100, -200, 100, 0, -100, 0};
    /* too low */
    smpsim_design *d = new_design(1);
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, NULL, NULL), SMPSIM_OK);
    smpsim_landmarks_init(&l);
    l.mid_frontal_mm = 60;
    ck_assert_int_eq(smpsim_design_set_hairline_landmarks(d, &l, NULL, NULL), SMPSIM_OK);
    ck_assert(has_warning(d, SMPSIM_WARN_HAIRLINE_LOW));
    ck_assert(!has_warning(d, SMPSIM_WARN_TEMPLES_FILLED));
    /* temples filled: a male line without recession */
    l.mid_frontal_mm = 80;
    l.recession_mm = 0.5;
    ck_assert_int_eq(smpsim_design_set_hairline_landmarks(d, &l, NULL, NULL), SMPSIM_OK);
    ck_assert(has_warning(d, SMPSIM_WARN_TEMPLES_FILLED));
    ck_assert(!has_warning(d, SMPSIM_WARN_HAIRLINE_LOW));
    /* ruler-straight and perfectly regular */
    double straight[] = {-90, -80, 0, -80, 90, -80};
    smpsim_hairline_params_init(&hp);
    hp.micro_amplitude_mm = hp.macro_amplitude_mm = hp.asymmetry_mm = -1;
    ck_assert_int_eq(smpsim_design_set_hairline_points(d, straight, 3, SMPSIM_UNITS_MM, &hp, NULL),
                     SMPSIM_OK);
    ck_assert(has_warning(d, SMPSIM_WARN_LINE_STRAIGHT));
    ck_assert(has_warning(d, SMPSIM_WARN_LINE_REGULAR));
    smpsim_design_free(d);
    /* darker than the hair; dots that will merge */
    d = new_design(1);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.shade = 8;
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, &p, NULL), SMPSIM_OK);
    ck_assert(!has_warning(d, SMPSIM_WARN_TOO_DARK)); /* hair colour unknown */
    ck_assert_int_eq(smpsim_design_set_hair_shade(d, 6, NULL), SMPSIM_OK);
    ck_assert(has_warning(d, SMPSIM_WARN_TOO_DARK));
    ck_assert(!has_warning(d, SMPSIM_WARN_DOTS_MERGE));
    p.density_per_cm2 = 220;
    p.dot_diameter_mm = 0.3;
    p.shade = 5;
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, &p, NULL), SMPSIM_OK);
    ck_assert(has_warning(d, SMPSIM_WARN_DOTS_MERGE));
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_hairline_errors)
{
    smpsim_design *d = new_design(1);
    smpsim_error err = {0};
    double one[] = {0, 0};
    ck_assert_int_eq(smpsim_design_set_hairline_points(d, one, 1, SMPSIM_UNITS_MM, NULL, &err),
                     SMPSIM_EINVAL);
    double nan_pt[] = {0, 0, NAN, 1};
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_design_set_hairline_points(d, nan_pt, 2, SMPSIM_UNITS_MM, NULL, &err),
                     SMPSIM_EINVAL);
    ck_assert_str_eq(err.message, "hairline: point 1: x is nan, expected a finite number");
    smpsim_hairline_params hp;
    smpsim_hairline_params_init(&hp);
    hp.transition_mm = 80;
    double ok[] = {0, 0, 10, 0};
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_design_set_hairline_points(d, ok, 2, SMPSIM_UNITS_MM, &hp, &err),
                     SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "transition_mm"));
    smpsim_landmarks l;
    smpsim_landmarks_init(&l);
    l.mid_frontal_mm = 500;
    ck_assert_int_eq(smpsim_design_set_hairline_landmarks(d, &l, NULL, NULL), SMPSIM_EINVAL);
    double *xy = (double *)1;
    size_t n = 5;
    ck_assert_int_eq(smpsim_design_hairline_mm(d, &xy, &n, NULL), SMPSIM_EINVAL);
    ck_assert_ptr_null(xy);
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_design_set_hairline_svg(d, "M 10 10 L", NULL, &err), SMPSIM_EFORMAT);
    ck_assert_int_eq(smpsim_design_set_hairline_svg(d, "M 10 10 C 20 0 40 0 50 10", NULL, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_hairline_mm(d, &xy, &n, NULL), SMPSIM_OK);
    ck_assert_uint_gt(n, 3);
    free(xy);
    smpsim_design_free(d);
}
END_TEST

/* An editor takes the control points of a landmark hairline and sets them
 * back as points: the same line, so the same dots; an SVG line has none. */
START_TEST(test_hairline_controls_round_trip)
{
    smpsim_design *d = new_design(7);
    double *xy = (double *)1;
    size_t n = 5;
    smpsim_units units = SMPSIM_UNITS_PX;
    ck_assert_int_eq(smpsim_design_hairline_controls(d, &xy, &n, &units, NULL), SMPSIM_OK);
    ck_assert_ptr_null(xy);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(smpsim_design_hairline_controls(d, NULL, &n, &units, NULL), SMPSIM_EINVAL);
    double square[] = {-60, -20, -60, -140, 60, -140, 60, -20};
    ck_assert_int_eq(smpsim_design_add_polygon(d, square, 4, SMPSIM_UNITS_MM, NULL, NULL),
                     SMPSIM_OK);
    smpsim_landmarks l;
    smpsim_landmarks_init(&l);
    l.mid_frontal_mm = 85;
    ck_assert_int_eq(smpsim_design_set_hairline_landmarks(d, &l, NULL, NULL), SMPSIM_OK);
    smpsim_dots *before = dots_of(d);
    ck_assert_int_eq(smpsim_design_hairline_controls(d, &xy, &n, &units, NULL), SMPSIM_OK);
    ck_assert_int_eq(units, SMPSIM_UNITS_MM);
    ck_assert_uint_ge(n, 5);
    /* symmetric about the midline, the middle point 85 mm above the glabella */
    ck_assert_double_eq_tol(xy[0], -xy[2 * (n - 1)], 1e-12);
    ck_assert_double_eq_tol(xy[2 * (n / 2) + 1], -85, 1e-12);
    ck_assert_int_eq(smpsim_design_set_hairline_points(d, xy, n, SMPSIM_UNITS_MM, NULL, NULL),
                     SMPSIM_OK);
    free(xy);
    smpsim_dots *after = dots_of(d);
    ck_assert_uint_eq(after->count, before->count);
    ck_assert_uint_eq(smpsim_dots_checksum(after), smpsim_dots_checksum(before));
    smpsim_dots_free(before);
    smpsim_dots_free(after);
    ck_assert_int_eq(smpsim_design_set_hairline_svg(d, "M 10 10 C 20 0 40 0 50 10", NULL, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_hairline_controls(d, &xy, &n, &units, NULL),
                     SMPSIM_EUNSUPPORTED);
    ck_assert_ptr_null(xy);
    smpsim_design_free(d);
}
END_TEST

/* ---- the nearest-segment index against the linear search ---------------- */

/* Awkward polylines (n points): kind 0 a serpentine on whole millimetres
 * (parallel runs 10 mm apart: points half way are exactly as near to two
 * segments), kind 1 a random walk on whole millimetres with repeated points
 * (zero-length segments) and steps straight back (segments lying on each
 * other), kind 2 a random walk with real steps, kind 3 two points (a line),
 * kind 4 a short line, whose ends' rays reach far beyond its length. */
static size_t awkward_polyline(smpsim__rng *rng, int kind, double *xy, size_t n)
{
    if (kind == 3 || kind == 4) {
        double line[6] = {-3, 2, 5, 4.5, 11, 3};
        memcpy(xy, line, sizeof line);
        return kind == 3 ? 2 : 3;
    }
    double x = 0, y = 0;
    for (size_t i = 0; i < n; i++) {
        if (kind == 0) {
            x = (i / 2) % 2 ? (i % 2 ? 0 : 40) : (i % 2 ? 40 : 0);
            y = 10.0 * (double)(i / 2);
        } else if (kind == 1) {
            int r = (int)(smpsim__rng_uniform(rng) * 10);
            if (r == 0 && i > 1) { /* straight back over the last segment */
                x = xy[2 * i - 4];
                y = xy[2 * i - 3];
            } else if (r > 1) { /* r == 1: the same point again */
                x += floor(smpsim__rng_uniform(rng) * 9) - 3;
                y += floor(smpsim__rng_uniform(rng) * 7) - 3;
            }
        } else {
            x += 4 * smpsim__rng_uniform(rng) - 1.5;
            y += 3 * smpsim__rng_uniform(rng) - 1.5;
        }
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
    }
    return n;
}

/* A query point: mostly anywhere around the line (well beyond it too),
 * else on a vertex, on a segment, half way between two points (on whole
 * or half millimetres: exact ties), or very far away. */
static void query_point(smpsim__rng *rng, const double *xy, size_t n, const double box[4],
                        double *x, double *y)
{
    double u = smpsim__rng_uniform(rng);
    size_t i = (size_t)(smpsim__rng_uniform(rng) * (n - 1));
    double w = box[2] - box[0], h = box[3] - box[1];
    if (u < 0.5) {
        *x = box[0] - 0.3 * w + 1.6 * w * smpsim__rng_uniform(rng);
        *y = box[1] - 0.3 * h + 1.6 * h * smpsim__rng_uniform(rng);
    } else if (u < 0.6) {
        *x = xy[2 * i], *y = xy[2 * i + 1];
    } else if (u < 0.75) {
        double t = floor(smpsim__rng_uniform(rng) * 9) / 8;
        *x = xy[2 * i] + t * (xy[2 * i + 2] - xy[2 * i]);
        *y = xy[2 * i + 1] + t * (xy[2 * i + 3] - xy[2 * i + 1]);
    } else if (u < 0.95) {
        *x = floor(box[0] + w * smpsim__rng_uniform(rng)) + 0.5 * (smpsim__rng_uniform(rng) < 0.5);
        *y = floor(box[1] + h * smpsim__rng_uniform(rng)) + 0.5 * (smpsim__rng_uniform(rng) < 0.5);
    } else {
        *x = (smpsim__rng_uniform(rng) - 0.5) * 2e4;
        *y = (smpsim__rng_uniform(rng) - 0.5) * 2e4;
    }
}

static bool same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The depth with the index (and its certain bounds) is the very same double
 * as with the linear search, which means the same nearest segment (first
 * of equally near ones), distance, side and arc length; and the field a
 * hairline multiplies (skipping saturated cells) is the same to the bit. */
START_TEST(test_indexed_depth_equals_linear_search)
{
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 20240611);
    size_t max_n = 400;
    double *xy = malloc(2 * max_n * sizeof *xy);
    for (int kind = 0; kind < 5; kind++) {
        for (int round = 0; round < 3; round++) {
            size_t n = awkward_polyline(&rng, kind, xy, kind == 0 ? 24 : 60 + 170 * round);
            /* the last round: a strong tilt, which the end segments' rays
             * carry far beyond the line's ends */
            smpsim_hairline_params hp;
            smpsim_hairline_params_init(&hp);
            if (round == 2)
                hp.asymmetry_mm = 20, hp.macro_amplitude_mm = -1, hp.micro_amplitude_mm = -1;
            smpsim_design *d = new_design(7);
            ck_assert_int_eq(smpsim__hairline_store_polyline(d, xy, n, SMPSIM_UNITS_MM, &hp, NULL),
                             SMPSIM_OK);
            smpsim__hairline_field plain, fast;
            ck_assert_int_eq(smpsim__hairline_resolve(d, 0.0, &plain, NULL), SMPSIM_OK);
            ck_assert_int_eq(smpsim__hairline_resolve(d, 0.0, &fast, NULL), SMPSIM_OK);
            double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
            for (size_t i = 0; i < n; i++) {
                box[0] = fmin(box[0], xy[2 * i]), box[1] = fmin(box[1], xy[2 * i + 1]);
                box[2] = fmax(box[2], xy[2 * i]), box[3] = fmax(box[3], xy[2 * i + 1]);
            }
            /* a field reaching 25 mm around the line: far points inside the
             * index too */
            double cell = 0.25 + 0.25 * round;
            uint32_t w = (uint32_t)((box[2] - box[0] + 50) / cell) + 1;
            uint32_t h = (uint32_t)((box[3] - box[1] + 50) / cell) + 1;
            smpsim_field *f = NULL, *g = NULL;
            ck_assert_int_eq(smpsim_field_new(w, h, box[0] - 25, box[1] - 25, cell, &f, NULL),
                             SMPSIM_OK);
            smpsim__hairline_index(&fast, f);
            ck_assert_uint_gt(fast.fast.index.nx, 0); /* there is an index to test */
            size_t mismatches = 0, certain = 0;
            for (int k = 0; k < 20000; k++) {
                double x, y;
                query_point(&rng, xy, n, box, &x, &y);
                double want = smpsim__hairline_depth(&plain, x, y);
                double got = smpsim__hairline_depth(&fast, x, y);
                if (!same_double(want, got) && mismatches++ < 5)
                    fprintf(stderr, "kind %d n %zu at (%.17g, %.17g): depth %.17g, want %.17g\n",
                            kind, n, x, y, got, want);
                double lo = 20 * smpsim__rng_uniform(&rng) - 10;
                double hi = lo + 5 * smpsim__rng_uniform(&rng);
                double within = smpsim__hairline_depth_within(&fast, x, y, lo, hi);
                if (isinf(within))
                    certain++;
                ck_assert_msg(same_double(within, want) || (within == INFINITY && want >= hi) ||
                                  (within == -INFINITY && want < lo),
                              "depth_within %g for depth %g in [%g, %g]", within, want, lo, hi);
            }
            ck_assert_msg(mismatches == 0, "kind %d: %zu of 20000 depths differ", kind,
                          mismatches);
            if (kind == 0) /* a tidy line: the bounds do decide away from it */
                ck_assert_msg(certain > 0, "kind %d n %zu: the bounds never decide", kind, n);
            /* The same field, densities 0..100 with holes, either way. */
            ck_assert_int_eq(smpsim_field_new(w, h, box[0] - 25, box[1] - 25, cell, &g, NULL),
                             SMPSIM_OK);
            for (size_t i = 0; i < (size_t)w * h; i++)
                f->density_per_cm2[i] = g->density_per_cm2[i] =
                    smpsim__rng_uniform(&rng) < 0.1 ? 0.0f
                                                     : (float)(100 * smpsim__rng_uniform(&rng));
            ck_assert_int_eq(smpsim__hairline_apply(&fast, f, NULL), SMPSIM_OK);
            ck_assert_int_eq(smpsim__hairline_apply(&plain, g, NULL), SMPSIM_OK);
            ck_assert_msg(memcmp(f->density_per_cm2, g->density_per_cm2,
                                 (size_t)w * h * sizeof *f->density_per_cm2) == 0,
                          "kind %d: the indexed hairline changes the field", kind);
            smpsim_field_free(f);
            smpsim_field_free(g);
            smpsim__hairline_field_free(&plain);
            smpsim__hairline_field_free(&fast);
            smpsim_design_free(d);
        }
    }
    free(xy);
}
END_TEST

/* Every leaf's bounds on the depth hold at every point of the leaf: on a
 * 9 x 9 grid over each leaf (its edges and corners included), for
 * landmark lines and awkward ones, with the default irregularity, a
 * strong wave, fine strong micro noise and a steep tilt. The bounds follow
 * the perturbation's range along the leaf's stretch of line, so a range
 * taken too narrow shows here. */
START_TEST(test_leaf_bounds_hold_the_depth)
{
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 77);
    double *xy = malloc(2 * 200 * sizeof *xy);
    size_t tight = 0;
    for (int line = 0; line < 4; line++)
        for (int irregular = 0; irregular < 4; irregular++) {
            smpsim_hairline_params hp;
            smpsim_hairline_params_init(&hp);
            if (irregular == 1)
                hp.macro_amplitude_mm = 8, hp.macro_wavelength_mm = 12;
            else if (irregular == 2)
                hp.micro_amplitude_mm = 6, hp.micro_wavelength_mm = 0.8;
            else if (irregular == 3)
                hp.asymmetry_mm = 15;
            smpsim_design *d = new_design(100 + (uint64_t)line * 4 + (uint64_t)irregular);
            if (line < 2) {
                smpsim_landmarks l;
                smpsim_landmarks_init(&l);
                l.female = line == 1;
                ck_assert_int_eq(smpsim_design_set_hairline_landmarks(d, &l, &hp, NULL),
                                 SMPSIM_OK);
            } else {
                size_t n = awkward_polyline(&rng, line == 2 ? 0 : 2, xy, 60);
                ck_assert_int_eq(
                    smpsim__hairline_store_polyline(d, xy, n, SMPSIM_UNITS_MM, &hp, NULL),
                    SMPSIM_OK);
            }
            smpsim__hairline_field h;
            ck_assert_int_eq(smpsim__hairline_resolve(d, 0.0, &h, NULL), SMPSIM_OK);
            double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
            for (size_t i = 0; i < h.n; i++) {
                box[0] = fmin(box[0], h.xy[2 * i]), box[1] = fmin(box[1], h.xy[2 * i + 1]);
                box[2] = fmax(box[2], h.xy[2 * i]), box[3] = fmax(box[3], h.xy[2 * i + 1]);
            }
            smpsim_field *f = NULL;
            uint32_t w = (uint32_t)((box[2] - box[0] + 60) / 0.25) + 1;
            uint32_t ht = (uint32_t)((box[3] - box[1] + 60) / 0.25) + 1;
            ck_assert_int_eq(smpsim_field_new(w, ht, box[0] - 30, box[1] - 30, 0.25, &f, NULL),
                             SMPSIM_OK);
            smpsim__hairline_index(&h, f);
            const smpsim__segindex *ix = &h.fast.index;
            ck_assert_ptr_nonnull(h.fast.bounds);
            for (size_t leaf = 0; leaf < (size_t)ix->nx * ix->ny; leaf++) {
                const double *b = &h.fast.bounds[2 * leaf];
                if (!isfinite(b[0]) && !isfinite(b[1]))
                    continue;
                double x0 = ix->x0 + (double)(leaf % ix->nx) * ix->leaf_mm;
                double y0 = ix->y0 + (double)(leaf / ix->nx) * ix->leaf_mm;
                double lo = INFINITY, hi = -INFINITY;
                for (int j = 0; j <= 8; j++)
                    for (int i = 0; i <= 8; i++) {
                        double depth = smpsim__hairline_depth(&h, x0 + ix->leaf_mm * i / 8,
                                                              y0 + ix->leaf_mm * j / 8);
                        lo = fmin(lo, depth);
                        hi = fmax(hi, depth);
                    }
                ck_assert_msg(lo >= b[0] - 1e-9 && hi <= b[1] + 1e-9,
                              "line %d irregularity %d leaf %zu: depths %g..%g outside the "
                              "bounds %g..%g",
                              line, irregular, leaf, lo, hi, b[0], b[1]);
                tight += (isfinite(b[0]) && b[0] - lo > -0.5) ||
                         (isfinite(b[1]) && hi - b[1] > -0.5);
            }
            smpsim_field_free(f);
            smpsim__hairline_field_free(&h);
            smpsim_design_free(d);
        }
    ck_assert_uint_gt(tight, 0); /* some bounds come within half a millimetre */
    free(xy);
}
END_TEST

/* Lines the index declines (a segment too short to measure reliably, huge
 * coordinates) still give their depths, by the linear search. */
START_TEST(test_index_declines_awkward_lines)
{
    double tiny[] = {0, 0, 1e-110, 0, 10, 3}, huge[] = {-9e6, 0, 0, 5e6, 9e6, 0};
    const double *lines[2] = {tiny, huge};
    for (int k = 0; k < 2; k++) {
        smpsim_design *d = new_design(3);
        ck_assert_int_eq(
            smpsim__hairline_store_polyline(d, lines[k], 3, SMPSIM_UNITS_MM, NULL, NULL),
            SMPSIM_OK);
        smpsim__hairline_field plain, fast;
        ck_assert_int_eq(smpsim__hairline_resolve(d, 0.0, &plain, NULL), SMPSIM_OK);
        ck_assert_int_eq(smpsim__hairline_resolve(d, 0.0, &fast, NULL), SMPSIM_OK);
        smpsim_field *f = NULL;
        ck_assert_int_eq(smpsim_field_new(100, 100, -20, -20, 0.5, &f, NULL), SMPSIM_OK);
        smpsim__hairline_index(&fast, f);
        if (k == 0)
            ck_assert_uint_eq(fast.fast.index.nx, 0);
        for (double y = -20; y < 30; y += 0.37)
            for (double x = -20; x < 30; x += 0.41)
                ck_assert(same_double(smpsim__hairline_depth(&fast, x, y),
                                      smpsim__hairline_depth(&plain, x, y)));
        smpsim_field_free(f);
        smpsim__hairline_field_free(&plain);
        smpsim__hairline_field_free(&fast);
        smpsim_design_free(d);
    }
}
END_TEST

static Suite *hairline_suite(void)
{
    Suite *s = suite_create("hairline");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_landmark_hairline_passes_through_landmarks);
    tcase_add_test(tc, test_transition_zone_density_rises_as_specified);
    tcase_add_test(tc, test_no_dots_beyond_the_irregularity_band);
    tcase_add_test(tc, test_irregularity_is_seeded);
    tcase_add_test(tc, test_region_shapes_hold_their_area);
    tcase_add_test(tc, test_sessions_layer_30_70_100);
    tcase_add_test(tc, test_session_mask_and_errors);
    tcase_add_test(tc, test_presets_are_valid_and_warning_free);
    tcase_add_test(tc, test_each_warning_fires_on_a_bad_design);
    tcase_add_test(tc, test_too_dark_advice_is_a_shade_the_design_accepts);
    tcase_add_test(tc, test_hairline_errors);
    tcase_add_test(tc, test_hairline_controls_round_trip);
    tcase_add_test(tc, test_indexed_depth_equals_linear_search);
    tcase_add_test(tc, test_index_declines_awkward_lines);
    tcase_add_test(tc, test_leaf_bounds_hold_the_depth);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hairline_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
