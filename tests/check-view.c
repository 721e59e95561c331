/* Views: the head model (ellipsoid, FRONT and TOP cameras) and its
 * coordinates, round trips, visibility, local scale and validation. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

/* A sphere-like head: round outline, depth equal to breadth, radius 75 mm
 * drawn with 300 px (4 px/mm), glabella at the centre, camera level. */
static smpsim_view sphere_view(void)
{
    smpsim_head h = {.center_x_px = 500,
                     .center_y_px = 400,
                     .radius_x_px = 300,
                     .radius_y_px = 300,
                     .width_mm = 150,
                     .depth_ratio = 1.0,
                     .glabella_x_px = 500,
                     .glabella_y_px = 400};
    return smpsim_view_head(&h);
}

/* Arc length of (p sin t, q cos t) from 0 to phi by composite Simpson. */
static double brute_arc(double p, double q, double phi)
{
    const int n = 200000;
    double h = phi / n, sum = 0.0;
    for (int i = 0; i <= n; i++) {
        double t = i * h;
        double f = sqrt(p * p * cos(t) * cos(t) + q * q * sin(t) * sin(t));
        sum += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
    }
    return sum * h / 3.0;
}

/* Inside the outline of h, scaled by `shrink` (1 = on the outline). */
static int inside_outline(const smpsim_head *h, double x, double y, double shrink)
{
    double r = h->tilt_deg * PI / 180.0;
    double dx = x - h->center_x_px, dy = y - h->center_y_px;
    double u = cos(r) * dx + sin(r) * dy, v = -sin(r) * dx + cos(r) * dy;
    u /= h->radius_x_px * shrink;
    v /= h->radius_y_px * shrink;
    return u * u + v * v < 1.0;
}

START_TEST(test_zero_head_gets_defaults)
{
    smpsim_head h = {0};
    h.radius_x_px = 300;
    h.radius_y_px = 330;
    smpsim_view v = smpsim_view_head(&h);
    ck_assert_int_eq(v.kind, SMPSIM_VIEW_HEAD);
    ck_assert_double_eq(v.head.width_mm, 150.0);
    ck_assert_double_eq(v.head.depth_ratio, 1.25);
    ck_assert_double_eq_tol(v.px_per_mm, 300.0 / 75.0, 1e-12);
    ck_assert_int_eq(v.head.camera, SMPSIM_CAMERA_FRONT);
    /* Glabella and centre both at (0, 0): a valid (if odd) head. */
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    /* A completely zero head fills the defaults too but is not valid. */
    smpsim_view z = smpsim_view_head(NULL);
    ck_assert_double_eq(z.head.width_mm, 150.0);
    ck_assert_double_eq(z.head.depth_ratio, 1.25);
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_view_validate(&z, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "head.radius_x_px"));
    /* Given values are kept. */
    h.width_mm = 160;
    h.depth_ratio = 1.4;
    v = smpsim_view_head(&h);
    ck_assert_double_eq(v.head.width_mm, 160.0);
    ck_assert_double_eq(v.head.depth_ratio, 1.4);
    ck_assert_double_eq_tol(v.px_per_mm, 300.0 / 80.0, 1e-12);
}
END_TEST

START_TEST(test_glabella_maps_to_itself)
{
    /* Level camera: the origin is the glabella's own pixel. */
    smpsim_view v = sphere_view();
    double x, y, s;
    ck_assert_int_eq(smpsim_view_map(&v, 0, 0, &x, &y, &s), 1);
    ck_assert_double_eq_tol(x, 500.0, 1e-9);
    ck_assert_double_eq_tol(y, 400.0, 1e-9);
    /* An elongated, pitched and tilted head with the glabella below the
     * centre on the (tilted) midline: still its own pixel, both ways. */
    smpsim_head h = {.center_x_px = 600,
                     .center_y_px = 500,
                     .radius_x_px = 420,
                     .radius_y_px = 470,
                     .tilt_deg = 6,
                     .pitch_deg = 12,
                     .depth_ratio = 1.3};
    double r = h.tilt_deg * PI / 180.0, below = 60.0;
    h.glabella_x_px = h.center_x_px - sin(r) * below;
    h.glabella_y_px = h.center_y_px + cos(r) * below;
    v = smpsim_view_head(&h);
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_view_map(&v, 0, 0, &x, &y, &s), 1);
    ck_assert_double_eq_tol(x, h.glabella_x_px, 1e-6);
    ck_assert_double_eq_tol(y, h.glabella_y_px, 1e-6);
    double xm, ym;
    smpsim_view_to_mm(&v, h.glabella_x_px, h.glabella_y_px, &xm, &ym);
    ck_assert_double_eq_tol(xm, 0.0, 1e-6);
    ck_assert_double_eq_tol(ym, 0.0, 1e-6);
    /* Off the outline's axis (a head turned a little): still its own
     * pixel, and the midline leans towards the outline's top. */
    h.glabella_x_px += 45;
    v = smpsim_view_head(&h);
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_view_map(&v, 0, 0, &x, &y, &s), 1);
    ck_assert_double_eq_tol(x, h.glabella_x_px, 1e-6);
    ck_assert_double_eq_tol(y, h.glabella_y_px, 1e-6);
    smpsim_view_to_mm(&v, h.glabella_x_px, h.glabella_y_px, &xm, &ym);
    ck_assert_double_eq_tol(xm, 0.0, 1e-6);
    ck_assert_double_eq_tol(ym, 0.0, 1e-6);
    smpsim__head_model m;
    smpsim__head_prepare(&v, &m);
    ck_assert(m.yaw_deg > 2 && m.yaw_deg < 10);
    double x80, y80;
    ck_assert_int_eq(smpsim_view_map(&v, 0, -80, &x80, &y80, &s), 1);
    double along = -sin(r) * (x80 - x) + cos(r) * (y80 - y); /* down the outline */
    double across = cos(r) * (x80 - x) + sin(r) * (y80 - y); /* to its right */
    ck_assert(along < -200);
    ck_assert(across < 0 && across > -45);
}
END_TEST

START_TEST(test_sphere_arcs_match_circle)
{
    smpsim_view v = sphere_view();
    const double R = 75.0, k = 4.0; /* mm, px per mm */
    double x, y, s;
    /* 80 mm up the midline: angle 80 / R from the front. */
    ck_assert_int_eq(smpsim_view_map(&v, 0, -80, &x, &y, &s), 1);
    ck_assert_double_eq_tol(x, 500.0, 1e-9);
    ck_assert_double_eq_tol(y, 400.0 - k * R * sin(80.0 / R), 1e-6);
    /* The midline is foreshortened by cos(angle), the section is not. */
    ck_assert_double_eq_tol(s, k * sqrt(cos(80.0 / R)), 1e-6);
    /* 50 mm along the equator to the right, and to the left. */
    ck_assert_int_eq(smpsim_view_map(&v, 50, 0, &x, &y, &s), 1);
    ck_assert_double_eq_tol(x, 500.0 + k * R * sin(50.0 / R), 1e-6);
    ck_assert_double_eq_tol(y, 400.0, 1e-9);
    ck_assert_int_eq(smpsim_view_map(&v, -50, 0, &x, &y, &s), 1);
    ck_assert_double_eq_tol(x, 500.0 - k * R * sin(50.0 / R), 1e-6);
    /* x runs along the horizontal circle at the height of y: at 80 mm up
     * its radius is R cos(80 / R). */
    double rc = R * cos(80.0 / R);
    ck_assert_int_eq(smpsim_view_map(&v, 30, -80, &x, &y, &s), 1);
    ck_assert_double_eq_tol(x, 500.0 + k * rc * sin(30.0 / rc), 1e-6);
    ck_assert_double_eq_tol(y, 400.0 - k * R * sin(80.0 / R), 1e-6);
}
END_TEST

START_TEST(test_ellipse_arcs_match_integration)
{
    /* Level camera, glabella at the centre: the midline point at angle t
     * is at pixel (cx, cy - s b sin t) and lies brute_arc(b, c, t) up the
     * midline; the equator point at angle t lies brute_arc(a, c, t) along. */
    smpsim_head h = {.center_x_px = 500,
                     .center_y_px = 500,
                     .radius_x_px = 300,
                     .radius_y_px = 360,
                     .width_mm = 150,
                     .depth_ratio = 1.4,
                     .glabella_x_px = 500,
                     .glabella_y_px = 500};
    smpsim_view v = smpsim_view_head(&h);
    const double a = 75, b = 90, c = 105, s = 4;
    double xm, ym, x, y, scale;
    for (double t = 0.1; t < 1.55; t += 0.2) {
        double arc_mid = brute_arc(b, c, t), arc_eq = brute_arc(a, c, t);
        smpsim_view_to_mm(&v, 500, 500 - s * b * sin(t), &xm, &ym);
        ck_assert_double_eq_tol(xm, 0.0, 1e-9);
        ck_assert_double_eq_tol(ym, -arc_mid, 1e-4);
        smpsim_view_to_mm(&v, 500 + s * a * sin(t), 500, &xm, &ym);
        ck_assert_double_eq_tol(xm, arc_eq, 1e-4);
        ck_assert_double_eq_tol(ym, 0.0, 1e-9);
        /* and forwards */
        smpsim_view_map(&v, 0, -arc_mid, &x, &y, &scale);
        ck_assert_double_eq_tol(y, 500 - s * b * sin(t), 1e-4);
        smpsim_view_map(&v, arc_eq, 0, &x, &y, &scale);
        ck_assert_double_eq_tol(x, 500 + s * a * sin(t), 1e-4);
    }
}
END_TEST

/* Pixels on a grid inside the outline (to `shrink` of it) go to mm and back
 * within 0.05 px; returns the number of pixels checked. */
static int round_trip_grid(const smpsim_view *v, double shrink)
{
    const smpsim_head *h = &v->head;
    double r = fmax(h->radius_x_px, h->radius_y_px);
    int checked = 0;
    double worst = 0.0;
    for (double py = h->center_y_px - r; py <= h->center_y_px + r; py += r / 25) {
        for (double px = h->center_x_px - r; px <= h->center_x_px + r; px += r / 25) {
            if (!inside_outline(h, px, py, shrink))
                continue;
            double xm, ym, x, y, s;
            smpsim_view_to_mm(v, px, py, &xm, &ym);
            int visible = smpsim_view_map(v, xm, ym, &x, &y, &s);
            double d = hypot(x - px, y - py);
            worst = fmax(worst, d);
            ck_assert_msg(d < 0.05, "(%g, %g) px -> (%g, %g) mm -> (%g, %g) px", px, py, xm, ym, x,
                          y);
            ck_assert_int_eq(visible, 1);
            ck_assert(s > 0.0);
            checked++;
        }
    }
    printf("round trip: %d pixels, worst %.2e px\n", checked, worst);
    return checked;
}

START_TEST(test_round_trip_front)
{
    smpsim_head h = {.center_x_px = 590,
                     .center_y_px = 560,
                     .radius_x_px = 420,
                     .radius_y_px = 470,
                     .tilt_deg = -7,
                     .pitch_deg = 15,
                     .glabella_x_px = 600,
                     .glabella_y_px = 540};
    smpsim_view v = smpsim_view_head(&h);
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    ck_assert_int_gt(round_trip_grid(&v, 0.995), 1500);
    h.pitch_deg = -20;
    h.tilt_deg = 11;
    h.depth_ratio = 0.8;
    v = smpsim_view_head(&h);
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    ck_assert_int_gt(round_trip_grid(&v, 0.995), 1500);
}
END_TEST

START_TEST(test_round_trip_top)
{
    smpsim_head h = {.center_x_px = 400,
                     .center_y_px = 420,
                     .radius_x_px = 300,
                     .radius_y_px = 375,
                     .tilt_deg = 9,
                     .pitch_deg = -12,
                     .depth_ratio = 1.0,
                     .camera = SMPSIM_CAMERA_TOP};
    smpsim_view v = smpsim_view_head(&h);
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    ck_assert_int_gt(round_trip_grid(&v, 0.995), 1500);
    /* The origin is the vertex: the surface point under the outline's centre. */
    double xm, ym;
    smpsim_view_to_mm(&v, 400, 420, &xm, &ym);
    ck_assert_double_eq_tol(xm, 0.0, 1e-9);
    ck_assert_double_eq_tol(ym, 0.0, 1e-9);
    /* y runs towards the back: down the photo (tilt aside). */
    h.tilt_deg = 0;
    h.pitch_deg = 0;
    v = smpsim_view_head(&h);
    double x, y, s;
    ck_assert_int_eq(smpsim_view_map(&v, 0, 40, &x, &y, &s), 1);
    ck_assert_double_eq_tol(x, 400, 1e-9);
    ck_assert(y > 420 + 100);
    ck_assert_int_eq(smpsim_view_map(&v, 40, 0, &x, &y, &s), 1);
    ck_assert(x > 400 + 100);
    ck_assert_double_eq_tol(y, 420, 1e-9);
}
END_TEST

START_TEST(test_mm_round_trip)
{
    /* Visible scalp points go to pixels and back: to the same mm in front
     * of the vertex. Past it (or near it, with the camera above) a point
     * may come back as its other coordinates (measured from the back
     * midline point, docs/views.md), which map to the same pixel. */
    smpsim_head h = {.center_x_px = 590,
                     .center_y_px = 560,
                     .radius_x_px = 420,
                     .radius_y_px = 470,
                     .tilt_deg = 4,
                     .glabella_x_px = 590,
                     .glabella_y_px = 560};
    for (int pitched = 0; pitched < 2; pitched++) {
        h.pitch_deg = pitched ? 10 : 0;
        smpsim_view v = smpsim_view_head(&h);
        int n = 0;
        for (double ym = -180; ym <= 20; ym += 5) {
            for (double xm = -100; xm <= 100; xm += 5) {
                double x, y, s, x2, y2, x3, y3;
                if (!smpsim_view_map(&v, xm, ym, &x, &y, &s) || s < 0.5)
                    continue;
                smpsim_view_to_mm(&v, x, y, &x2, &y2);
                if (ym >= -100 && fabs(xm) <= 30)
                    ck_assert_msg(hypot(x2 - xm, y2 - ym) < 1e-4, "(%g, %g) mm -> (%g, %g) mm", xm,
                                  ym, x2, y2);
                smpsim_view_map(&v, x2, y2, &x3, &y3, &s);
                ck_assert_msg(hypot(x3 - x, y3 - y) < 1e-4, "(%g, %g) mm -> (%g, %g) mm", xm, ym,
                              x2, y2);
                n++;
            }
        }
        ck_assert_int_gt(n, 400);
    }
}
END_TEST

START_TEST(test_far_side_hidden)
{
    smpsim_view v = sphere_view();
    const double R = 75.0, half = PI * R, quarter = 0.5 * PI * R;
    double x, y, s;
    /* Beyond half the midline there is no surface; over the top it is hidden. */
    ck_assert_int_eq(smpsim_view_map(&v, 0, -(half + 10), &x, &y, &s), 0);
    ck_assert_int_eq(smpsim_view_map(&v, 0, -(quarter + 10), &x, &y, &s), 0);
    ck_assert_int_eq(smpsim_view_map(&v, 0, -(quarter - 10), &x, &y, &s), 1);
    /* Around the sides. */
    ck_assert_int_eq(smpsim_view_map(&v, quarter + 5, 0, &x, &y, &s), 0);
    ck_assert_int_eq(smpsim_view_map(&v, -(quarter + 5), 0, &x, &y, &s), 0);
    ck_assert_int_eq(smpsim_view_map(&v, quarter - 5, 0, &x, &y, &s), 1);
    ck_assert_int_eq(smpsim_view_map(&v, -(quarter - 5), 0, &x, &y, &s), 1);
    /* Beyond half the section (no surface), and NaN. */
    ck_assert_int_eq(smpsim_view_map(&v, 2 * half, 0, &x, &y, &s), 0);
    ck_assert_int_eq(smpsim_view_map(&v, NAN, 0, &x, &y, &s), 0);
    ck_assert_int_eq(smpsim_view_map(&v, 0, NAN, &x, &y, &s), 0);
    /* The hidden side of an elongated head still lands inside the outline
     * (smpsim_view_to_px maps hidden points too). */
    smpsim_head h = {.center_x_px = 590,
                     .center_y_px = 560,
                     .radius_x_px = 420,
                     .radius_y_px = 470,
                     .pitch_deg = 20,
                     .glabella_x_px = 590,
                     .glabella_y_px = 600};
    v = smpsim_view_head(&h);
    ck_assert_int_eq(smpsim_view_map(&v, 0, -300, &x, &y, &s), 0);
    ck_assert(inside_outline(&h, x, y, 1.0 + 1e-9));
    /* Up the midline the visible part ends at the outline's top, past the
     * vertex when the camera is above. */
    double top_y = INFINITY, top_mm = 0;
    for (double ym = -100; ym > -250; ym -= 0.25) {
        smpsim_view_map(&v, 0, ym, &x, &y, &s);
        if (y < top_y)
            top_y = y, top_mm = ym;
    }
    ck_assert_double_eq_tol(top_y, 560 - 470, 1e-3);
    ck_assert_int_eq(smpsim_view_map(&v, 0, top_mm + 1, &x, &y, &s), 1);
    ck_assert_int_eq(smpsim_view_map(&v, 0, top_mm - 1, &x, &y, &s), 0);
    smpsim__head_model m;
    smpsim__head_prepare(&v, &m);
    double vertex_mm = -m.mid_quarter - m.y_origin_mm; /* the midline's top point */
    ck_assert(top_mm < vertex_mm - 5);
    ck_assert_int_eq(smpsim_view_map(&v, 0, vertex_mm - 5, &x, &y, &s), 1);
}
END_TEST

START_TEST(test_local_scale_foreshortens)
{
    smpsim_view v = sphere_view();
    double x, y, s, prev = INFINITY;
    ck_assert_int_eq(smpsim_view_map(&v, 0, 0, &x, &y, &s), 1);
    ck_assert_double_eq_tol(s, v.px_per_mm, 1e-9);
    /* Falls monotonically towards the silhouette, to the sides and up. */
    for (double t = 0; t < 115; t += 5) {
        ck_assert_int_eq(smpsim_view_map(&v, t, 0, &x, &y, &s), 1);
        ck_assert(s < prev || t == 0);
        prev = s;
    }
    ck_assert(prev < 0.5 * v.px_per_mm);
    prev = INFINITY;
    for (double t = 0; t < 115; t += 5) {
        ck_assert_int_eq(smpsim_view_map(&v, 0, -t, &x, &y, &s), 1);
        ck_assert(s < prev || t == 0);
        prev = s;
    }
}
END_TEST

START_TEST(test_local_scale_is_jacobian)
{
    /* sqrt(|det J|) of the mm -> px map by central differences. */
    smpsim_head h = {.center_x_px = 590,
                     .center_y_px = 560,
                     .radius_x_px = 420,
                     .radius_y_px = 470,
                     .tilt_deg = 8,
                     .pitch_deg = 18,
                     .depth_ratio = 1.4,
                     .glabella_x_px = 580,
                     .glabella_y_px = 590};
    smpsim_head top = {.center_x_px = 400,
                       .center_y_px = 400,
                       .radius_x_px = 300,
                       .radius_y_px = 380,
                       .pitch_deg = -9,
                       .camera = SMPSIM_CAMERA_TOP};
    smpsim_view views[2] = {smpsim_view_head(&h), smpsim_view_head(&top)};
    const double e = 1e-3;
    for (int k = 0; k < 2; k++) {
        for (double ym = -140; ym <= 40; ym += 20) {
            for (double xm = -90; xm <= 90; xm += 15) {
                double x, y, s, xa, ya, xb, yb, xc, yc, xd, yd, t;
                if (!smpsim_view_map(&views[k], xm, ym, &x, &y, &s) || s < 0.3)
                    continue;
                smpsim_view_map(&views[k], xm + e, ym, &xa, &ya, &t);
                smpsim_view_map(&views[k], xm - e, ym, &xb, &yb, &t);
                smpsim_view_map(&views[k], xm, ym + e, &xc, &yc, &t);
                smpsim_view_map(&views[k], xm, ym - e, &xd, &yd, &t);
                double det = ((xa - xb) * (yc - yd) - (xc - xd) * (ya - yb)) / (4 * e * e);
                ck_assert_msg(fabs(sqrt(fabs(det)) - s) < 1e-3 * s,
                              "view %d at (%g, %g) mm: %g vs finite differences %g", k, xm, ym, s,
                              sqrt(fabs(det)));
            }
        }
    }
}
END_TEST

START_TEST(test_outside_goes_to_rim)
{
    smpsim_head h = {.center_x_px = 590,
                     .center_y_px = 560,
                     .radius_x_px = 420,
                     .radius_y_px = 470,
                     .tilt_deg = 5,
                     .pitch_deg = 10,
                     .glabella_x_px = 590,
                     .glabella_y_px = 560};
    smpsim_view v = smpsim_view_head(&h);
    const double far[][2] = {{0, 0},      {1160, 0},   {-1e7, 3e6}, {590, -5000},
                             {2000, 560}, {590, 1100}, {1e12, 1e12}};
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
        double xm, ym, x, y, s;
        smpsim_view_to_mm(&v, far[i][0], far[i][1], &xm, &ym);
        ck_assert(isfinite(xm) && isfinite(ym));
        smpsim_view_map(&v, xm, ym, &x, &y, &s);
        /* On the outline, and no further from the pixel than the centre's
         * outline point in the pixel's direction. */
        ck_assert(inside_outline(&h, x, y, 1.0 + 1e-6));
        ck_assert(!inside_outline(&h, x, y, 1.0 - 1e-4));
        double dx = far[i][0] - 590, dy = far[i][1] - 560, n = hypot(dx, dy);
        double lo = 0, hi = 1;
        for (int it = 0; it < 60; it++) {
            double mid = 0.5 * (lo + hi);
            if (inside_outline(&h, 590 + mid * 500 * dx / n, 560 + mid * 500 * dy / n, 1.0))
                lo = mid;
            else
                hi = mid;
        }
        double rx = 590 + lo * 500 * dx / n, ry = 560 + lo * 500 * dy / n;
        ck_assert(hypot(x - far[i][0], y - far[i][1]) <=
                  hypot(rx - far[i][0], ry - far[i][1]) * (1 + 1e-9) + 1e-3);
    }
}
END_TEST

START_TEST(test_prepared_model_matches)
{
    smpsim_head h = {.center_x_px = 590,
                     .center_y_px = 560,
                     .radius_x_px = 420,
                     .radius_y_px = 470,
                     .tilt_deg = 3,
                     .pitch_deg = 8,
                     .glabella_x_px = 590,
                     .glabella_y_px = 570};
    smpsim_view v = smpsim_view_head(&h);
    smpsim__head_model m;
    smpsim__head_prepare(&v, &m);
    for (double ym = -200; ym <= 40; ym += 13) {
        for (double xm = -120; xm <= 120; xm += 11) {
            double x1, y1, s1, x2, y2, s2;
            int a = smpsim_view_map(&v, xm, ym, &x1, &y1, &s1);
            int b = smpsim__head_model_to_px(&m, xm, ym, &x2, &y2, &s2);
            ck_assert_int_eq(a, b);
            ck_assert(x1 == x2 && y1 == y2 && s1 == s2);
            double p, q;
            smpsim_view_to_px(&v, xm, ym, &p, &q);
            ck_assert(p == x1 && q == y1);
        }
    }
}
END_TEST

/* The renderer's tabulated model (sines and cosines of the arc inverses by
 * cubic Hermite) maps like the Newton iterations: FRONT with pitch, tilt
 * and a head turn, and TOP; over the whole surface, the far side and
 * beyond the rim included. */
START_TEST(test_tabulated_head_maps_like_newton)
{
    smpsim_head front = {.center_x_px = 590,
                         .center_y_px = 560,
                         .radius_x_px = 420,
                         .radius_y_px = 470,
                         .tilt_deg = 3,
                         .pitch_deg = 8,
                         .depth_ratio = 1.3,
                         .glabella_x_px = 640,
                         .glabella_y_px = 590};
    smpsim_head top = front;
    top.camera = SMPSIM_CAMERA_TOP;
    top.pitch_deg = -10;
    const smpsim_head *heads[] = {&front, &top};
    for (int k = 0; k < 2; k++) {
        smpsim_view v = smpsim_view_head(heads[k]);
        ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
        smpsim__head_model exact, tab;
        smpsim__head_prepare(&v, &exact);
        smpsim__head_prepare(&v, &tab);
        smpsim__head_tabulate(&tab);
        double worst_px = 0.0, worst_scale = 0.0;
        int visible = 0, hidden = 0;
        for (double ym = -420; ym <= 220; ym += 3.7) {
            for (double xm = -330; xm <= 330; xm += 4.1) {
                double x1, y1, s1, x2, y2, s2;
                int a = smpsim__head_model_to_px(&exact, xm, ym, &x1, &y1, &s1);
                int b = smpsim__head_model_to_px(&tab, xm, ym, &x2, &y2, &s2);
                ck_assert_int_eq(a, b);
                *(a ? &visible : &hidden) += 1;
                worst_px = fmax(worst_px, fmax(fabs(x1 - x2), fabs(y1 - y2)));
                worst_scale = fmax(worst_scale, fabs(s2 - s1) / exact.s);
            }
        }
        ck_assert_int_gt(visible, 1000);
        ck_assert_int_gt(hidden, 1000);
        ck_assert_msg(worst_px < 1e-6, "head %d: %g px off", k, worst_px);
        /* (the local scale, against the outline plane's, which it nears
         * at the front: it is a square root of a cosine that falls to 0 at
         * the rim, where relative errors grow) */
        ck_assert_msg(worst_scale < 1e-7, "head %d: scale %g off", k, worst_scale);
        printf("tabulated head %d: worst %.3g px, scale %.3g\n", k, worst_px, worst_scale);
    }
}
END_TEST

START_TEST(test_validation_names_field)
{
    smpsim_head good = {.center_x_px = 590,
                        .center_y_px = 560,
                        .radius_x_px = 420,
                        .radius_y_px = 470,
                        .glabella_x_px = 590,
                        .glabella_y_px = 560};
    smpsim_view v = smpsim_view_head(&good);
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    struct {
        const char *field;
        smpsim_head h;
    } bad[] = {
        {"head.radius_x_px is -3, expected 1 to 1000000", good},
        {"head.radius_y_px", good},
        {"head.center_x_px", good},
        {"head.center_y_px", good},
        {"head.width_mm", good},
        {"head.width_mm", good},
        {"head.depth_ratio", good},
        {"head.pitch_deg", good},
        {"head.pitch_deg", good},
        {"head.tilt_deg", good},
        {"head.camera", good},
        {"head.glabella", good},
        {"head.glabella_y_px", good},
        {"head.radius_y_px", good},
        {"turned by more than 30 deg", good},
    };
    bad[0].h.radius_x_px = -3;
    bad[1].h.radius_y_px = 2e6;
    bad[2].h.center_x_px = NAN;
    bad[3].h.center_y_px = INFINITY;
    bad[4].h.width_mm = 20;
    bad[5].h.width_mm = NAN;
    bad[6].h.depth_ratio = 3.5;
    bad[7].h.pitch_deg = 60;
    bad[8].h.pitch_deg = NAN;
    bad[9].h.tilt_deg = INFINITY;
    bad[10].h.camera = (smpsim_camera)7;
    bad[11].h.glabella_y_px = 560 + 480; /* below the outline */
    bad[12].h.glabella_y_px = NAN;
    /* An outline too flat for a steep camera and a deep head. */
    bad[13].h.radius_y_px = 300;
    bad[13].h.pitch_deg = 45;
    bad[13].h.depth_ratio = 2;
    /* Inside the outline but far to its side. */
    bad[14].h.glabella_x_px = 590 + 0.8 * 420;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        smpsim_view b = smpsim_view_head(&bad[i].h);
        smpsim_error err = {0};
        ck_assert_int_eq(smpsim_view_validate(&b, &err), SMPSIM_EINVAL);
        ck_assert_msg(strstr(err.message, bad[i].field), "case %zu: \"%s\" lacks \"%s\"", i,
                      err.message, bad[i].field);
        ck_assert_ptr_nonnull(strstr(err.message, "view: "));
    }
    /* TOP ignores the glabella. */
    smpsim_head top = bad[11].h;
    top.camera = SMPSIM_CAMERA_TOP;
    smpsim_view t = smpsim_view_head(&top);
    ck_assert_int_eq(smpsim_view_validate(&t, NULL), SMPSIM_OK);
    /* A head changed after smpsim_view_head() no longer matches its scale. */
    smpsim_error err = {0};
    v.head.radius_x_px = 400;
    ck_assert_int_eq(smpsim_view_validate(&v, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "px_per_mm"));
    /* Invalid views still map without crashing. */
    smpsim_view z = smpsim_view_head(NULL);
    double x, y, s;
    smpsim_view_map(&z, 0, -80, &x, &y, &s);
    smpsim_view_to_mm(&z, 10, 10, &x, &y);
}
END_TEST

#if SMPSIM_HAVE_PNG /* needs PNG photos: not in a core build */
START_TEST(test_sample_photo_hairline)
{
    /* scalp-front-fair-bald.png (1160 x 610): an ellipse fitted to the
     * skin outline of the top and sides (rms 4 px), the glabella between
     * the inner ends of the eyebrows (docs/views.md); the top of the head
     * at row ~115. A hairline 80 mm above the glabella must land between
     * the eyebrows and the top of the head, on the forehead, and the
     * glabella's offset from the outline's axis (a head turned ~5 deg)
     * moves its middle a little towards the glabella's side. */
    smpsim_head h = {.center_x_px = 585,
                     .center_y_px = 497,
                     .radius_x_px = 398,
                     .radius_y_px = 382,
                     .glabella_x_px = 630,
                     .glabella_y_px = 560};
    smpsim_view v = smpsim_view_head(&h);
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    const char *dir = getenv("SMPSIM_SAMPLES");
    if (dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/photos/scalp-front-fair-bald.png", dir);
        smpsim_image *im = NULL;
        ck_assert_int_eq(smpsim_image_load(path, NULL, &im, NULL), SMPSIM_OK);
        ck_assert_uint_eq(im->width, 1160);
        ck_assert_uint_eq(im->height, 610);
        smpsim_image_free(im);
    }
    double x, y, s;
    ck_assert_int_eq(smpsim_view_map(&v, 0, -80, &x, &y, &s), 1);
    printf("fair-bald: hairline 80 mm above the glabella at row %.1f (x %.1f), "
           "%.2f px/mm\n",
           y, x, s);
    ck_assert(y > 150 && y < 450);
    ck_assert(x > 585 && x < 630);
    /* Its ends 40 mm to either side stay on the visible scalp, level with
     * the middle up to the turn. */
    double xl, yl, xr, yr;
    ck_assert_int_eq(smpsim_view_map(&v, -40, -80, &xl, &yl, &s), 1);
    ck_assert_int_eq(smpsim_view_map(&v, 40, -80, &xr, &yr, &s), 1);
    ck_assert(xl < x - 150 && x + 150 < xr);
    ck_assert_double_eq_tol(yl, y, 1.0);
    ck_assert_double_eq_tol(yr, y, 1.0);
}
END_TEST
#endif

static Suite *view_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("head");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_zero_head_gets_defaults);
    tcase_add_test(tc, test_glabella_maps_to_itself);
    tcase_add_test(tc, test_sphere_arcs_match_circle);
    tcase_add_test(tc, test_ellipse_arcs_match_integration);
    tcase_add_test(tc, test_round_trip_front);
    tcase_add_test(tc, test_round_trip_top);
    tcase_add_test(tc, test_mm_round_trip);
    tcase_add_test(tc, test_far_side_hidden);
    tcase_add_test(tc, test_local_scale_foreshortens);
    tcase_add_test(tc, test_local_scale_is_jacobian);
    tcase_add_test(tc, test_outside_goes_to_rim);
    tcase_add_test(tc, test_prepared_model_matches);
    tcase_add_test(tc, test_tabulated_head_maps_like_newton);
    tcase_add_test(tc, test_validation_names_field);
#if SMPSIM_HAVE_PNG
    tcase_add_test(tc, test_sample_photo_hairline);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(view_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
