/* SVG path strings: every command absolute and relative, implicit
 * commands, S/T reflection, arcs (flags, radii scaling, rotation), Z and
 * subpaths, number syntax, malformed strings with their byte positions,
 * limits and argument checks. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

static smpsim_path *parse(const char *d, double tolerance)
{
    smpsim_path *path = NULL;
    smpsim_error err = {0};
    smpsim_status st = smpsim_path_parse_svg(d, tolerance, &path, &err);
    ck_assert_msg(st == SMPSIM_OK, "\"%s\": %s", d, err.message);
    ck_assert_ptr_nonnull(path);
    ck_assert_uint_ge(path->n_points, 1);
    ck_assert_uint_ge(path->n_subpaths, 1);
    ck_assert_uint_eq(path->subpath_start[0], 0);
    return path;
}

/* The path has exactly these points, in one subpath unless said otherwise. */
static void expect_points(const char *d, const double *xy, size_t n)
{
    smpsim_path *path = parse(d, 0);
    ck_assert_msg(path->n_points == n, "\"%s\": %zu points, expected %zu", d, path->n_points, n);
    for (size_t i = 0; i < 2 * n; i++)
        ck_assert_msg(path->xy[i] == xy[i], "\"%s\": %s of point %zu is %.17g, expected %.17g",
                      d, i % 2 ? "y" : "x", i / 2, path->xy[i], xy[i]);
    smpsim_path_free(path);
}

/* Two strings give the same points, subpaths and closed flags, bit for bit. */
static void expect_same(const char *a, const char *b, double tolerance)
{
    smpsim_path *pa = parse(a, tolerance), *pb = parse(b, tolerance);
    ck_assert_msg(pa->n_points == pb->n_points, "\"%s\" has %zu points, \"%s\" %zu", a,
                  pa->n_points, b, pb->n_points);
    ck_assert_msg(memcmp(pa->xy, pb->xy, 2 * pa->n_points * sizeof(double)) == 0,
                  "\"%s\" and \"%s\" differ", a, b);
    ck_assert_uint_eq(pa->n_subpaths, pb->n_subpaths);
    ck_assert(memcmp(pa->subpath_start, pb->subpath_start, pa->n_subpaths * sizeof(size_t)) == 0);
    ck_assert(memcmp(pa->closed, pb->closed, pa->n_subpaths) == 0);
    smpsim_path_free(pa);
    smpsim_path_free(pb);
}

static double segment_distance(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(px - (ax + t * dx), py - (ay + t * dy));
}

static double polyline_distance(const double *xy, size_t from, size_t to, double x, double y)
{
    double best = hypot(x - xy[2 * from], y - xy[2 * from + 1]);
    for (size_t i = from; i + 1 < to; i++)
        best = fmin(best, segment_distance(x, y, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2],
                                           xy[2 * i + 3]));
    return best;
}

typedef void (*curve_fn)(const double *ctrl, double t, double *x, double *y);

static void cubic_bernstein(const double *c, double t, double *x, double *y)
{
    double u = 1 - t;
    *x = u * u * u * c[0] + 3 * u * u * t * c[2] + 3 * u * t * t * c[4] + t * t * t * c[6];
    *y = u * u * u * c[1] + 3 * u * u * t * c[3] + 3 * u * t * t * c[5] + t * t * t * c[7];
}

static void quad_bernstein(const double *c, double t, double *x, double *y)
{
    double u = 1 - t;
    *x = u * u * c[0] + 2 * u * t * c[2] + t * t * c[4];
    *y = u * u * c[1] + 2 * u * t * c[3] + t * t * c[5];
}

/* Points from..to-1 of the path flatten the curve within the tolerance:
 * every point of the curve is that close to the polyline, every vertex lies
 * on the curve, the ends are exact and there are not needlessly many
 * points. */
static void expect_flattening(const smpsim_path *path, size_t from, size_t to, curve_fn curve,
                              const double *ctrl, double tolerance)
{
    enum { SAMPLES = 4000 };
    double dense[2 * (SAMPLES + 1)];
    for (int i = 0; i <= SAMPLES; i++)
        curve(ctrl, (double)i / SAMPLES, &dense[2 * i], &dense[2 * i + 1]);
    for (int i = 0; i <= SAMPLES; i++) {
        double d = polyline_distance(path->xy, from, to, dense[2 * i], dense[2 * i + 1]);
        ck_assert_msg(d <= tolerance, "curve point %d is %g from the polyline (tolerance %g)", i,
                      d, tolerance);
    }
    for (size_t k = from; k < to; k++) {
        double d = polyline_distance(dense, 0, SAMPLES + 1, path->xy[2 * k], path->xy[2 * k + 1]);
        ck_assert_msg(d <= 1e-3 * tolerance + 1e-9, "vertex %zu is %g off the curve", k, d);
    }
    double x0, y0, x1, y1;
    curve(ctrl, 0, &x0, &y0);
    curve(ctrl, 1, &x1, &y1);
    ck_assert(path->xy[2 * from] == x0 && path->xy[2 * from + 1] == y0);
    ck_assert(path->xy[2 * to - 2] == x1 && path->xy[2 * to - 1] == y1);
    /* Not oversampled: the largest chord error is more than a tenth of the
     * tolerance (for curves that need more than one chord). */
    if (to - from > 2) {
        double worst = 0;
        for (int i = 0; i <= SAMPLES; i++)
            worst = fmax(worst, polyline_distance(path->xy, from, to, dense[2 * i],
                                                  dense[2 * i + 1]));
        ck_assert_msg(worst > 0.1 * tolerance, "%zu points for an error of %g", to - from, worst);
    }
}

START_TEST(test_lines_absolute)
{
    const double xy[] = {10, 20, 30, 40, 50, 40, 50, 60};
    expect_points("M10 20 L30 40 H50 V60", xy, 4);
    smpsim_path *path = parse("M10 20 L30 40 H50 V60 Z", 0);
    ck_assert_uint_eq(path->n_points, 4);
    ck_assert_uint_eq(path->n_subpaths, 1);
    ck_assert_uint_eq(path->closed[0], 1);
    smpsim_path_free(path);
}
END_TEST

START_TEST(test_lines_relative)
{
    const double xy[] = {10, 20, 30, 40, 50, 40, 50, 60};
    expect_points("m10 20 l20 20 h20 v20", xy, 4);
    expect_same("m10 20 l20 20 h20 v20 z", "M10 20 L30 40 H50 V60 Z", 0);
    const double neg[] = {5, 5, 2, 1, -1.5, 1, -1.5, -2.25};
    expect_points("M5 5 l-3 -4 h-3.5 v-3.25", neg, 4);
}
END_TEST

START_TEST(test_implicit_commands)
{
    const double m[] = {0, 0, 10, 0, 10, 10};
    expect_points("M0 0 10 0 10 10", m, 3);
    const double mrel[] = {5, 5, 15, 5, 15, 15};
    expect_points("m5 5 10 0 0 10", mrel, 3);
    const double l[] = {0, 0, 1, 1, 2, 2, 3, 3};
    expect_points("M0 0 L1 1 2 2 3 3", l, 4);
    expect_points("M0 0 l1 1 1 1 1 1", l, 4);
    const double h[] = {0, 0, 1, 0, 3, 0, 6, 0};
    expect_points("M0 0 H1 3 6", h, 4);
    expect_points("M0 0 h1 2 3", h, 4);
    const double v[] = {0, 0, 0, 1, 0, 3, 0, 6};
    expect_points("M0 0 V1 3 6", v, 4);
    expect_points("M0 0 v1 2 3", v, 4);
    expect_same("M0 0 C0 10 10 10 10 0 20 -10 30 -10 30 0",
                "M0 0 C0 10 10 10 10 0 C20 -10 30 -10 30 0", 0.1);
    expect_same("M0 0 c0 10 10 10 10 0 10 -10 20 -10 20 0",
                "M0 0 C0 10 10 10 10 0 C20 -10 30 -10 30 0", 0.1);
    expect_same("M0 0 Q5 10 10 0 15 -10 20 0", "M0 0 Q5 10 10 0 Q15 -10 20 0", 0.1);
    expect_same("M0 0 A5 5 0 0 1 10 0 5 5 0 0 1 20 0",
                "M0 0 A5 5 0 0 1 10 0 A5 5 0 0 1 20 0", 0.1);
    /* A leading m is absolute; a later m is relative to the current point. */
    const double first[] = {10, 20};
    expect_points("m10 20", first, 1);
    const double later[] = {10, 10, 20, 20, 25, 25};
    expect_points("M10 10 L20 20 m5 5", later, 3);
}
END_TEST

static const double cubic_ctrl[] = {10, 80, 40, 10, 65, 10, 95, 80};

START_TEST(test_cubic_within_tolerance)
{
    const double tolerances[] = {0.01, 0.25, 1, 4};
    for (size_t i = 0; i < sizeof tolerances / sizeof *tolerances; i++) {
        smpsim_path *path = parse("M10 80 C40 10 65 10 95 80", tolerances[i]);
        expect_flattening(path, 0, path->n_points, cubic_bernstein, cubic_ctrl, tolerances[i]);
        smpsim_path_free(path);
    }
    expect_same("M10 80 c30 -70 55 -70 85 0", "M10 80 C40 10 65 10 95 80", 0.05);
    /* A smaller tolerance never gives fewer points. */
    smpsim_path *coarse = parse("M10 80 C40 10 65 10 95 80", 1);
    smpsim_path *fine = parse("M10 80 C40 10 65 10 95 80", 0.01);
    ck_assert_uint_gt(fine->n_points, coarse->n_points);
    smpsim_path_free(coarse);
    smpsim_path_free(fine);
    /* A degenerate cubic (all points equal) is one point more. */
    const double dot[] = {3, 3, 3, 3};
    expect_points("M3 3 C3 3 3 3 3 3", dot, 2);
}
END_TEST

START_TEST(test_quadratic_within_tolerance)
{
    const double ctrl[] = {10, 80, 52.5, 10, 95, 80};
    const double tolerances[] = {0.01, 0.25, 2};
    for (size_t i = 0; i < sizeof tolerances / sizeof *tolerances; i++) {
        smpsim_path *path = parse("M10 80 Q52.5 10 95 80", tolerances[i]);
        expect_flattening(path, 0, path->n_points, quad_bernstein, ctrl, tolerances[i]);
        smpsim_path_free(path);
    }
    expect_same("M10 80 q42.5 -70 85 0", "M10 80 Q52.5 10 95 80", 0.05);
}
END_TEST

START_TEST(test_smooth_cubic_reflection)
{
    /* S reflects the previous second control point (65,10) about (95,80). */
    const char *full = "M10 80 C40 10 65 10 95 80 C125 150 150 150 180 80";
    expect_same("M10 80 C40 10 65 10 95 80 S150 150 180 80", full, 0.1);
    expect_same("M10 80 C40 10 65 10 95 80 s55 70 85 0", full, 0.1);
    expect_same("M10 80 c30 -70 55 -70 85 0 s55 70 85 0", full, 0.1);
    /* S after S reflects the S's own control point; implicit S too. */
    const char *chain = "M0 0 C0 10 10 10 10 0 C10 -10 20 -10 20 0 C20 10 30 10 30 0";
    expect_same("M0 0 C0 10 10 10 10 0 S20 -10 20 0 S30 10 30 0", chain, 0.1);
    expect_same("M0 0 C0 10 10 10 10 0 S20 -10 20 0 30 10 30 0", chain, 0.1);
    /* After a non-cubic command the first control point is the current point. */
    expect_same("M0 0 L10 0 S30 20 40 0", "M0 0 L10 0 C10 0 30 20 40 0", 0.1);
    expect_same("M0 0 Q10 10 20 0 S30 20 40 0", "M0 0 Q10 10 20 0 C20 0 30 20 40 0", 0.1);
    expect_same("M5 5 S30 20 40 0", "M5 5 C5 5 30 20 40 0", 0.1);
    /* and the flattening follows that cubic. */
    const double ctrl[] = {10, 0, 10, 0, 30, 20, 40, 0};
    smpsim_path *path = parse("M0 0 L10 0 S30 20 40 0", 0.25);
    expect_flattening(path, 1, path->n_points, cubic_bernstein, ctrl, 0.25);
    smpsim_path_free(path);
}
END_TEST

START_TEST(test_smooth_quadratic_reflection)
{
    expect_same("M0 0 Q10 20 20 0 T40 0", "M0 0 Q10 20 20 0 Q30 -20 40 0", 0.1);
    expect_same("M0 0 Q10 20 20 0 t20 0", "M0 0 Q10 20 20 0 Q30 -20 40 0", 0.1);
    /* T after T reflects the T's computed control point: (30,-20) -> (50,20). */
    const char *chain = "M0 0 Q10 20 20 0 Q30 -20 40 0 Q50 20 60 0";
    expect_same("M0 0 Q10 20 20 0 T40 0 T60 0", chain, 0.1);
    expect_same("M0 0 Q10 20 20 0 T40 0 60 0", chain, 0.1);
    expect_same("M0 0 q10 20 20 0 t20 0 t20 0", chain, 0.1);
    /* After a non-quadratic command (even a cubic) the control point is
     * the current point: a straight line. */
    expect_same("M0 0 L10 0 T20 0", "M0 0 L10 0 Q10 0 20 0", 0.1);
    expect_same("M0 0 C0 10 10 10 10 0 T20 0", "M0 0 C0 10 10 10 10 0 Q10 0 20 0", 0.1);
    smpsim_path *path = parse("M0 0 L10 0 T20 5", 0.25);
    for (size_t i = 1; i < path->n_points; i++)
        ck_assert_double_eq_tol(path->xy[2 * i + 1], (path->xy[2 * i] - 10) * 0.5, 1e-12);
    smpsim_path_free(path);
}
END_TEST

/* Arc points lie on the ellipse ((u/rx)^2 + (v/ry)^2 = 1 in the frame
 * rotated by rotation_deg about (cx, cy)), consecutive chords stay within
 * the tolerance of it, and the ends are exact. */
static void expect_on_ellipse(const smpsim_path *path, size_t from, double cx, double cy,
                              double rx, double ry, double rotation_deg, double tolerance)
{
    double phi = rotation_deg * PI / 180, c = cos(phi), s = sin(phi);
    for (size_t i = from; i < path->n_points; i++) {
        double dx = path->xy[2 * i] - cx, dy = path->xy[2 * i + 1] - cy;
        double u = c * dx + s * dy, v = -s * dx + c * dy;
        ck_assert_msg(fabs(hypot(u / rx, v / ry) - 1) < 1e-9, "point %zu (%g, %g) is off", i,
                      path->xy[2 * i], path->xy[2 * i + 1]);
        if (i == from)
            continue;
        /* Midpoint of the chord: inside the ellipse by at most the tolerance
         * (in the circle case exactly the sagitta). */
        double mx = 0.5 * (path->xy[2 * i] + path->xy[2 * i - 2]) - cx;
        double my = 0.5 * (path->xy[2 * i + 1] + path->xy[2 * i - 1]) - cy;
        double mu = c * mx + s * my, mv = -s * mx + c * my;
        double scale = hypot(mu / rx, mv / ry);
        double gap = hypot(mu, mv) * (1 / scale - 1);
        ck_assert_msg(gap <= tolerance, "chord %zu is %g from the arc", i, gap);
    }
}

START_TEST(test_quarter_circle_arc)
{
    const double tolerances[] = {0.01, 0.25, 2};
    for (size_t k = 0; k < sizeof tolerances / sizeof *tolerances; k++) {
        double tol = tolerances[k];
        smpsim_path *path = parse("M100 0 A100 100 0 0 1 0 100", tol);
        ck_assert(path->xy[0] == 100 && path->xy[1] == 0);
        ck_assert(path->xy[2 * path->n_points - 2] == 0 && path->xy[2 * path->n_points - 1] == 100);
        expect_on_ellipse(path, 0, 0, 0, 100, 100, 0, tol);
        double previous = -1;
        for (size_t i = 0; i < path->n_points; i++) {
            double angle = atan2(path->xy[2 * i + 1], path->xy[2 * i]);
            ck_assert(angle > previous && angle >= -1e-12 && angle <= PI / 2 + 1e-12);
            previous = angle;
        }
        /* No more chords than the exact sagitta needs, plus one. */
        double ideal = ceil((PI / 2) / (2 * acos(1 - tol / 100)));
        ck_assert_uint_le(path->n_points - 1, (size_t)ideal + 1);
        smpsim_path_free(path);
    }
    expect_same("M100 0 a100 100 0 0 1 -100 100", "M100 0 A100 100 0 0 1 0 100", 0.25);
}
END_TEST

START_TEST(test_arc_flags)
{
    /* Radius 10 through (0,0) and (10,0): centres (5, +-5 sqrt 3); y grows
     * downward, so sweep 1 turns clockwise on screen. */
    const struct {
        const char *d;
        double cy, extreme_y;
    } cases[] = {
        {"M0 0 A10 10 0 0 0 10 0", -5 * sqrt(3), 10 - 5 * sqrt(3)},
        {"M0 0 A10 10 0 0 1 10 0", 5 * sqrt(3), -(10 - 5 * sqrt(3))},
        {"M0 0 A10 10 0 1 0 10 0", 5 * sqrt(3), 10 + 5 * sqrt(3)},
        {"M0 0 A10 10 0 1 1 10 0", -5 * sqrt(3), -(10 + 5 * sqrt(3))},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        smpsim_path *path = parse(cases[i].d, 0.05);
        expect_on_ellipse(path, 0, 5, cases[i].cy, 10, 10, 0, 0.05);
        double extreme = 0;
        for (size_t k = 0; k < path->n_points; k++)
            if (fabs(path->xy[2 * k + 1]) > fabs(extreme))
                extreme = path->xy[2 * k + 1];
        ck_assert_msg(fabs(extreme - cases[i].extreme_y) <= 0.05, "%s: reaches y = %g",
                      cases[i].d, extreme);
        smpsim_path_free(path);
    }
}
END_TEST

START_TEST(test_arc_flags_without_separators)
{
    expect_same("M0 0 a1 1 0 00 1 1", "M0 0 a1 1 0 0 0 1 1", 0.01);
    expect_same("M0 0 A5 5 0 1110 0", "M0 0 A5 5 0 1 1 10 0", 0.1);
    expect_same("M0 0 a5,5,0,1,0,10,0", "M0 0 a5 5 0 1 0 10 0", 0.1);
    expect_same("M0 0 A5 5 0 0 1-10 0", "M0 0 A5 5 0 0 1 -10 0", 0.1);
    expect_same("M0 0a5 5 0 01.5.5", "M0 0 a5 5 0 0 1 0.5 0.5", 0.1);
}
END_TEST

START_TEST(test_arc_radii_scaling)
{
    /* Too small: scaled up until the end points are a diameter. */
    smpsim_path *path = parse("M0 0 A1 1 0 0 1 10 0", 0.1);
    expect_on_ellipse(path, 0, 5, 0, 5, 5, 0, 0.1);
    double min_y = 0;
    for (size_t i = 0; i < path->n_points; i++) {
        ck_assert(path->xy[2 * i + 1] <= 1e-9);
        min_y = fmin(min_y, path->xy[2 * i + 1]);
    }
    ck_assert_double_eq_tol(min_y, -5, 0.1);
    smpsim_path_free(path);
    /* The ratio of the radii is kept. */
    path = parse("M0 0 A2 1 0 0 1 10 0", 0.1);
    expect_on_ellipse(path, 0, 5, 0, 5, 2.5, 0, 0.1);
    smpsim_path_free(path);
    /* Rotated by 90 degrees: the long axis along y. */
    path = parse("M0 0 A4 2 90 0 1 0 20", 0.1);
    expect_on_ellipse(path, 0, 0, 10, 10, 5, 90, 0.1);
    double max_x = 0;
    for (size_t i = 0; i < path->n_points; i++) {
        ck_assert(path->xy[2 * i] >= -1e-9);
        max_x = fmax(max_x, path->xy[2 * i]);
    }
    ck_assert_double_eq_tol(max_x, 5, 0.1);
    smpsim_path_free(path);
    /* Radii so small that their squares underflow still scale correctly. */
    path = parse("M0 0 A1e-300 1e-300 0 0 1 10 0", 0.1);
    expect_on_ellipse(path, 0, 5, 0, 5, 5, 0, 0.1);
    smpsim_path_free(path);
    /* Negative radii are taken as their absolute values. */
    expect_same("M0 0 A-5 -5 0 0 1 10 0", "M0 0 A5 5 0 0 1 10 0", 0.1);
    /* A zero radius is a straight line; identical end points omit the arc. */
    const double line[] = {0, 0, 10, 10};
    expect_points("M0 0 A0 5 0 0 1 10 10", line, 2);
    expect_points("M0 0 A5 0 30 1 1 10 10", line, 2);
    const double omitted[] = {5, 5, 6, 6};
    expect_points("M5 5 A10 10 0 0 1 5 5 L6 6", omitted, 2);
    expect_points("M5 5 a10 10 0 1 1 0 0 L6 6", omitted, 2);
}
END_TEST

START_TEST(test_close_path)
{
    smpsim_path *path = parse("M10 10 L20 10 L20 20 Z l5 0", 0);
    /* Z returns to (10,10); the next command starts a subpath there. */
    const double xy[] = {10, 10, 20, 10, 20, 20, 10, 10, 15, 10};
    ck_assert_uint_eq(path->n_points, 5);
    ck_assert(memcmp(path->xy, xy, sizeof xy) == 0);
    ck_assert_uint_eq(path->n_subpaths, 2);
    ck_assert_uint_eq(path->subpath_start[1], 3);
    ck_assert_uint_eq(path->closed[0], 1);
    ck_assert_uint_eq(path->closed[1], 0);
    smpsim_path_free(path);
    /* m after z is relative to the subpath's start; z z closes once. */
    expect_same("M10 10 L20 10 L20 20 z z m5 5", "M10 10 L20 10 L20 20 Z M15 15", 0);
    path = parse("M0 0 L4 0 L4 4 z", 0);
    ck_assert_uint_eq(path->n_points, 3); /* the start is not repeated */
    ck_assert_uint_eq(path->closed[0], 1);
    smpsim_path_free(path);
    /* S after Z does not reflect anything. */
    expect_same("M0 0 C0 5 5 5 5 0 Z S10 10 10 0", "M0 0 C0 5 5 5 5 0 Z C0 0 10 10 10 0", 0.1);
}
END_TEST

START_TEST(test_multiple_subpaths)
{
    smpsim_path *path = parse("M0 0 L1 0 M5 5 L6 6 Z m1 1 l1 0 M9 9", 0);
    const double xy[] = {0, 0, 1, 0, 5, 5, 6, 6, 6, 6, 7, 6, 9, 9};
    ck_assert_uint_eq(path->n_points, 7);
    ck_assert(memcmp(path->xy, xy, sizeof xy) == 0);
    ck_assert_uint_eq(path->n_subpaths, 4);
    const size_t start[] = {0, 2, 4, 6};
    const uint8_t closed[] = {0, 1, 0, 0};
    ck_assert(memcmp(path->subpath_start, start, sizeof start) == 0);
    ck_assert(memcmp(path->closed, closed, sizeof closed) == 0);
    smpsim_path_free(path);
}
END_TEST

START_TEST(test_number_syntax)
{
    const struct {
        const char *d;
        double x, y;
    } cases[] = {
        {"M1-2", 1, -2},
        {"M.5.5", 0.5, 0.5},
        {"M-.5-.5", -0.5, -0.5},
        {"M1e2-1E-1", 100, -0.1},
        {"M+1,+.5", 1, 0.5},
        {"M1.e1 2.", 10, 2},
        {"M0.1 0.2", 0.1, 0.2},
        {"M 1e+2 1e-2", 100, 0.01},
        {"M\t1\n,\r2\f", 1, 2},
        {"M 1 , 2 ", 1, 2},
        {"M0000012 0.000000000000000000000000000000000000001e39", 12, 1},
        {"M1e7 -1e7", 1e7, -1e7},
        {"M1e-400 -0", 0, 0},
        {"M0e999999 3", 0, 3},
        {"M12345678901234567890123e-16 0", 1234567.8901234567890123, 0},
        {"M0.30000000000000000000001 9999999.5", 0.3, 9999999.5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        smpsim_path *path = parse(cases[i].d, 0);
        ck_assert_uint_eq(path->n_points, 1);
        ck_assert_msg(fabs(path->xy[0] - cases[i].x) <= 1e-15 * fabs(cases[i].x) &&
                          fabs(path->xy[1] - cases[i].y) <= 1e-15 * fabs(cases[i].y),
                      "\"%s\" gives (%.17g, %.17g)", cases[i].d, path->xy[0], path->xy[1]);
        smpsim_path_free(path);
    }
    /* Decimal fractions come out correctly rounded, as in C source. */
    const double exact[] = {0.1, 0.2, 12.345, -0.007, 1.5, 0.5, 0.5, 0};
    expect_points("M0.1,0.2 12.345-.007 1.5.5.5 0", exact, 4);
    /* Commands need no space around them. */
    const double tight[] = {1, 2, 3, 4, 3, 7};
    expect_points("M1,2L3,4v3", tight, 3);
    expect_points("  M1 2L3 4V7  ", tight, 3);
}
END_TEST

START_TEST(test_malformed_strings)
{
    const struct {
        const char *d;
        size_t at;
        const char *says;
    } cases[] = {
        {"", 0, "the path is empty"},
        {"  \t\n", 4, "the path is empty"},
        {"L1 2", 0, "expected 'M' or 'm' to start the path, found 'L'"},
        {"M", 1, "expected a number after 'M', found the end of the path"},
        {"M 0 0 C", 7, "expected a number after 'C'"},
        {"M1", 2, "expected a number after 'M'"},
        {"M1 2 L3", 7, "expected a number after 'L'"},
        {"M1,,2", 3, "expected a number after 'M', found ','"},
        {"M1 2,", 5, "expected a number after ','"},
        {"M1 2,L3 4", 5, "expected a number after ',', found 'L'"},
        {"M,1 2", 1, "expected a number after 'M', found ','"},
        {"M1 2 X3", 5, "expected a command letter"},
        {"M1 2 Z 3", 7, "expected a command letter after 'Z', found '3'"},
        {"m0 0 z ,", 7, "expected a command letter"},
        {"M1 2 A1 1 0 2 0 3 3", 12, "expected a flag (0 or 1) after 'A', found '2'"},
        {"M1 2 a1 1 0 0", 13, "expected a flag (0 or 1) after 'a'"},
        {"M1 2 L- 3", 7, "expected a digit after '-'"},
        {"M0 0 -", 6, "expected a digit after '-'"},
        {"M1e 2", 3, "expected a digit in the exponent"},
        {"M1 2 L3 4e", 10, "expected a digit in the exponent"},
        {"M. 2", 2, "expected a digit after '.'"},
        {"M1e8 0", 1, "number out of range"},
        {"M0 1e999", 3, "number out of range"},
        {"M0 -10000000.5", 3, "number out of range"},
        {"M1 2 L3 4 5", 11, "expected a number after 'L'"},
        {"M1 2 C1 2 3 4 5", 15, "expected a number after 'C'"},
        {"M1 2 \x01", 5, "found byte 0x01"},
        {"M nan 0", 2, "expected a number after 'M', found 'n'"},
        {"M0 0 L1 inf", 8, "found 'i'"},
        {"M0 0 L1 0x10", 9, "expected a command letter"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        smpsim_path *path = (smpsim_path *)&cases[i]; /* must be reset to NULL */
        smpsim_error err = {0};
        smpsim_status st = smpsim_path_parse_svg(cases[i].d, 0, &path, &err);
        ck_assert_msg(st == SMPSIM_EFORMAT, "\"%s\": status %d", cases[i].d, st);
        ck_assert_ptr_null(path);
        ck_assert_int_eq(err.status, SMPSIM_EFORMAT);
        char at[64];
        snprintf(at, sizeof at, "svg path: at byte %zu: ", cases[i].at);
        ck_assert_msg(strncmp(err.message, at, strlen(at)) == 0 &&
                          strstr(err.message, cases[i].says) != NULL,
                      "\"%s\": message \"%s\", expected \"%s...%s\"", cases[i].d, err.message,
                      at, cases[i].says);
        /* The same without an error record. */
        ck_assert_int_eq(smpsim_path_parse_svg(cases[i].d, 0, &path, NULL), SMPSIM_EFORMAT);
        ck_assert_ptr_null(path);
    }
}
END_TEST

START_TEST(test_limits)
{
    /* Exactly 1 MiB is accepted, one byte more is not. */
    size_t size = (size_t)1 << 20;
    char *big = malloc(size + 2);
    ck_assert_ptr_nonnull(big);
    memset(big, ' ', size + 1);
    memcpy(big, "M0 0", 4);
    big[size] = '\0';
    smpsim_path *path = NULL;
    ck_assert_int_eq(smpsim_path_parse_svg(big, 0, &path, NULL), SMPSIM_OK);
    smpsim_path_free(path);
    big[size] = ' ';
    big[size + 1] = '\0';
    smpsim_error err = {0};
    path = (smpsim_path *)big;
    ck_assert_int_eq(smpsim_path_parse_svg(big, 0, &path, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_null(path);
    ck_assert_ptr_nonnull(strstr(err.message, "longer than 1048576 bytes"));
    free(big);

    /* One arc that would need far more than a million points. */
    smpsim_error_clear(&err);
    path = (smpsim_path *)&err;
    ck_assert_int_eq(smpsim_path_parse_svg("M0 0 A1e7 1e7 0 1 1 1 0", 1e-6, &path, &err),
                     SMPSIM_ELIMIT);
    ck_assert_ptr_null(path);
    ck_assert_str_eq(err.message, "svg path: at byte 5: the path flattens to more than 1000000 "
                                  "points (raise the tolerance or simplify the path)");
    /* Many arcs that cross the limit together: the message names the one. */
    char many[4096] = "M0 0";
    for (int i = 0; i < 100; i++)
        strcat(many, " a1e4 1e4 0 1 1 0 1");
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_path_parse_svg(many, 1e-4, &path, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "at byte "));
    ck_assert_int_eq(smpsim_path_parse_svg(many, 1, &path, NULL), SMPSIM_OK);
    ck_assert_uint_lt(path->n_points, 1000000);
    smpsim_path_free(path);
    /* Radii in such a ratio that the scaled ellipse is astronomically tall. */
    ck_assert_int_eq(smpsim_path_parse_svg("M0 0 A1e-300 1 0 0 1 10 0", 0, &path, NULL),
                     SMPSIM_ELIMIT);
    ck_assert_ptr_null(path);
}
END_TEST

START_TEST(test_arguments_and_free)
{
    smpsim_path_free(NULL);
    smpsim_path *path = (smpsim_path *)&path;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_path_parse_svg(NULL, 0, &path, &err), SMPSIM_EINVAL);
    ck_assert_ptr_null(path);
    ck_assert_ptr_nonnull(strstr(err.message, "NULL"));
    ck_assert_int_eq(smpsim_path_parse_svg("M0 0", 0, NULL, NULL), SMPSIM_EINVAL);
    const double bad[] = {-1, NAN, INFINITY, 1e-9};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        smpsim_error_clear(&err);
        path = (smpsim_path *)&path;
        ck_assert_int_eq(smpsim_path_parse_svg("M0 0", bad[i], &path, &err), SMPSIM_EINVAL);
        ck_assert_ptr_null(path);
        ck_assert_ptr_nonnull(strstr(err.message, "tolerance"));
    }
}
END_TEST

START_TEST(test_default_tolerance_and_determinism)
{
    const char *d = "M10 80 C40 10 65 10 95 80 S150 150 180 80 Q200 0 220 80 T260 80 "
                    "A30 20 15 1 0 300 100 Z";
    expect_same(d, d, 0);
    expect_same(d, d, 0.25);
    smpsim_path *a = parse(d, 0), *b = parse(d, 0.25);
    ck_assert_uint_eq(a->n_points, b->n_points);
    ck_assert(memcmp(a->xy, b->xy, 2 * a->n_points * sizeof(double)) == 0);
    smpsim_path_free(a);
    smpsim_path_free(b);
    /* A weighted sum of the coordinates pins the flattening down: the point
     * count exactly, the values up to libm's last-bit differences in
     * sin/cos. */
    smpsim_path *path = parse(d, 0);
    double sum = 0;
    for (size_t i = 0; i < 2 * path->n_points; i++)
        sum += path->xy[i] * (double)(i % 7 + 1);
    ck_assert_uint_eq(path->n_points, 75);
    ck_assert_double_eq_tol(sum, 79636.731258969361, 1e-7);
    smpsim_path_free(path);
}
END_TEST

static Suite *svgpath_suite(void)
{
    Suite *s = suite_create("svgpath");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lines_absolute);
    tcase_add_test(tc, test_lines_relative);
    tcase_add_test(tc, test_implicit_commands);
    tcase_add_test(tc, test_cubic_within_tolerance);
    tcase_add_test(tc, test_quadratic_within_tolerance);
    tcase_add_test(tc, test_smooth_cubic_reflection);
    tcase_add_test(tc, test_smooth_quadratic_reflection);
    tcase_add_test(tc, test_quarter_circle_arc);
    tcase_add_test(tc, test_arc_flags);
    tcase_add_test(tc, test_arc_flags_without_separators);
    tcase_add_test(tc, test_arc_radii_scaling);
    tcase_add_test(tc, test_close_path);
    tcase_add_test(tc, test_multiple_subpaths);
    tcase_add_test(tc, test_number_syntax);
    tcase_add_test(tc, test_malformed_strings);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_arguments_and_free);
    tcase_add_test(tc, test_default_tolerance_and_determinism);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(svgpath_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
