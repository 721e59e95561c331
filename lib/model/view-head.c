/* The head view: the scalp as an ellipsoid fitted to the head outline in a
 * photo, seen by an orthographic camera (docs/views.md).
 *
 * Frame (millimetres, origin at the ellipsoid's centre, before the pitch):
 *   U  to the photo's right            semi-axis a = width_mm / 2
 *   V  down the photo                  semi-axis b (from the outline, below)
 *   W  towards the camera              semi-axis c = depth_ratio a
 * FRONT photos: V is down the face, W out of the face. TOP photos: V runs
 * from the forehead (top of the photo) to the back of the head, W is up.
 *
 * The camera is pitched by p about U: screen coordinates on the outline's
 * plane are (U, V cos p + W sin p), depth towards the camera -V sin p +
 * W cos p; then the outline is rotated by the tilt and scaled by
 * s = radius_x_px / a. The ellipsoid's outline on the screen is the ellipse
 * with semi-axes a and sqrt(b^2 cos^2 p + c^2 sin^2 p); b is chosen so that
 * the latter is a radius_y_px / radius_x_px, i.e. the outline of the model is
 * the outline fitted to the photo at every pitch (at pitch 0,
 * b = a radius_y_px / radius_x_px).
 *
 * FRONT photos: before the pitch the head may be turned by a yaw w about V
 * (U' = cos w U + sin w W, W' = -sin w U + cos w W), solved so that the
 * front midline passes under the glabella pixel (|w| <= 30 deg). The
 * model's outline is then a little wider than the fitted one and slightly
 * rotated (0.2 % wider at 5 deg, 1.4 % at 13 deg); pixels are tested
 * against the model's own outline. All screen maths uses the screen axes
 * expressed in the head's frame (smpsim__head_model.ex, ey, ez).
 *
 * Surface coordinates. The midline is the ellipse U = 0,
 * (V, W) = (b sin f, c cos f), f in [-pi, pi] (f = 0 towards the camera,
 * f < 0 up the photo). y_mm is the signed arc length along it from the
 * origin's angle f0. Through the midline point at angle f runs the section
 * V = b sin f, an ellipse of semi-axes (a k, c k), k = |cos f|; x_mm is the
 * arc length along it, k A(g) with A the arc of the (a, c) ellipse from the
 * midline point to its angle g (U = a k sin g). Hence the surface point
 *   (a |cos f| sin g,  b sin f,  c cos f cos g).
 * Every surface point has two such coordinates (measured from the front or
 * from the back midline point); the inverse returns the one with
 * |g| <= pi/2.
 *
 * Arc lengths are incomplete elliptic integrals of the second kind, computed
 * with Carlson's R_F and R_D (relative error ~1e-10) and inverted by
 * safeguarded Newton iterations on the angle, whose derivative is the
 * ellipse's speed. Nothing is precomputed globally: a model is prepared per
 * call (or once per batch with smpsim__head_prepare()). A batch of many
 * points (the renderer's dots) tabulates the two inverses once
 * (smpsim__head_tabulate(): 129 knots a quarter, cubic Hermite from the
 * angle and its derivative at each knot), ~20x cheaper per point.
 */
#include "model/model-private.h"

#include <math.h>

#define PI 3.14159265358979323846
#define HALF_PI (0.5 * PI)
#define DEG_TO_RAD (PI / 180.0)

#define DEFAULT_WIDTH_MM 150.0
#define DEFAULT_DEPTH_RATIO 1.25
/* The smallest up-down semi-axis accepted, as a fraction of a. */
#define MIN_B_RATIO 0.25
/* The largest head turn a FRONT glabella may imply. */
#define MAX_YAW_DEG 30.0
/* Newton stops once the arc residual is below this (mm); the last step
 * then leaves an error of order residual^2 / radius, far below 1e-6 mm. */
#define ARC_TOL_MM 1e-3

static double width_mm_of(const smpsim_head *h)
{
    return h->width_mm == 0.0 ? DEFAULT_WIDTH_MM : h->width_mm;
}

static double depth_ratio_of(const smpsim_head *h)
{
    return h->depth_ratio == 0.0 ? DEFAULT_DEPTH_RATIO : h->depth_ratio;
}

smpsim_view smpsim_view_head(const smpsim_head *head)
{
    smpsim_view v = {.kind = SMPSIM_VIEW_HEAD};
    if (head)
        v.head = *head;
    v.head.width_mm = width_mm_of(&v.head);
    v.head.depth_ratio = depth_ratio_of(&v.head);
    v.px_per_mm = v.head.radius_x_px / (0.5 * v.head.width_mm);
    return v;
}

/* ---------------------------------------------------------------------- */
/* Arc lengths on ellipses                                                  */
/* ---------------------------------------------------------------------- */

/* Carlson's symmetric elliptic integrals R_F(x, y, z) and R_D(x, y, z)
 * (x, y >= 0, at most one zero, z > 0) by the duplication theorem, sharing
 * the iterations (Carlson 1995, Numer. Algorithms 10:13; the series as in
 * Numerical Recipes). The truncation error is about tol^6 (~1e-10
 * relative: ~1e-8 mm on a head). */
static void carlson_fd(double x, double y, double z, double *rf, double *rd)
{
    const double tol = 0.02;
    double sum = 0.0, fac = 1.0;
    for (int i = 0; i < 40; i++) {
        double sx = sqrt(x), sy = sqrt(y), sz = sqrt(z);
        double lam = sx * (sy + sz) + sy * sz;
        sum += fac / (sz * (z + lam));
        fac *= 0.25;
        x = 0.25 * (x + lam);
        y = 0.25 * (y + lam);
        z = 0.25 * (z + lam);
        double hi = fmax(x, fmax(y, z)), lo = fmin(x, fmin(y, z));
        if (hi - lo <= tol * lo)
            break;
    }
    double ave = (x + y + z) * (1.0 / 3.0);
    double dx = (ave - x) / ave, dy = (ave - y) / ave, dz = (ave - z) / ave;
    double e2 = dx * dy - dz * dz, e3 = dx * dy * dz;
    *rf =
        (1.0 + (e2 * (1.0 / 24.0) - 0.1 - e3 * (3.0 / 44.0)) * e2 + e3 * (1.0 / 14.0)) / sqrt(ave);

    ave = 0.2 * (x + y + 3.0 * z);
    dx = (ave - x) / ave;
    dy = (ave - y) / ave;
    dz = (ave - z) / ave;
    double ea = dx * dy, eb = dz * dz, ec = ea - eb, ed = ea - 6.0 * eb, ee = ed + ec + ec;
    const double c1 = 3.0 / 14.0, c2 = 1.0 / 6.0, c3 = 9.0 / 22.0, c4 = 3.0 / 26.0;
    const double c5 = 0.25 * c3, c6 = 1.5 * c4;
    *rd = 3.0 * sum + fac *
                          (1.0 + ed * (-c1 + c5 * ed - c6 * dz * ee) +
                           dz * (c2 * ee + dz * (-c3 * ec + dz * c4 * ea))) /
                          (ave * sqrt(ave));
}

/* The speed of t -> (p sin t, q cos t): sqrt(p^2 cos^2 t + q^2 sin^2 t). */
static double speed(double p, double q, double s, double c)
{
    return sqrt(p * p * c * c + q * q * s * s);
}

/* The arc length of (p sin t, q cos t) for t from 0 to an angle in
 * [0, pi/2] given by its sine and cosine: p E(t | 1 - q^2/p^2) with
 * E = s R_F(c^2, 1 - m s^2, 1) - (m/3) s^3 R_D(c^2, 1 - m s^2, 1). */
static double arc_sc(double p, double q, double s, double c)
{
    if (s == 0.0)
        return 0.0;
    double r2 = (q * q) / (p * p), m = 1.0 - r2;
    double rf, rd;
    carlson_fd(c * c, c * c + r2 * s * s, 1.0, &rf, &rd);
    return p * s * (rf - m / 3.0 * s * s * rd);
}

/* The arc length of (p sin t, q cos t) from t = 0 to phi in [-pi, pi];
 * quarter is the arc to pi/2. */
static double arc(double p, double q, double quarter, double phi)
{
    double sign = phi < 0.0 ? -1.0 : 1.0, t = fabs(phi);
    if (t > HALF_PI)
        return sign * (2.0 * quarter - arc_sc(p, q, sin(PI - t), cos(PI - t)));
    return sign * arc_sc(p, q, sin(t), cos(t));
}

static double arc_quarter(double p, double q)
{
    return arc_sc(p, q, 1.0, 0.0);
}

/* The angle in [-pi, pi] at which the arc of (p sin t, q cos t) from 0 is
 * len (|len| <= 2 quarter). Newton on the angle, kept inside a bracket,
 * from a start that inverts the first Fourier term of the speed. */
static double arc_inverse(double p, double q, double quarter, double len)
{
    double sign = len < 0.0 ? -1.0 : 1.0;
    len = fabs(len);
    int back = len > quarter;
    if (back)
        len = 2.0 * quarter - len;
    double mean = quarter / HALF_PI; /* mean speed */
    double t = len / mean;
    t -= (p - mean) / (2.0 * mean) * sin(2.0 * t); /* speed ~ mean + (p - mean) cos 2t */
    double lo = 0.0, hi = HALF_PI;
    if (!(t >= lo && t <= hi))
        t = fmin(fmax(len / mean, lo), hi);
    for (int i = 0; i < 60; i++) {
        double s = sin(t), c = cos(t);
        double f = arc_sc(p, q, s, c) - len;
        if (f > 0.0)
            hi = t;
        else
            lo = t;
        double next = t - f / speed(p, q, s, c);
        if (!(next >= lo && next <= hi))
            next = 0.5 * (lo + hi);
        t = next;
        if (fabs(f) < ARC_TOL_MM || hi - lo < 1e-15)
            break;
    }
    return sign * (back ? PI - t : t);
}

/* Tabulates sin t and cos t by arc length over [0, quarter] (see
 * smpsim__arc_table): dt / dlen = 1 / speed. */
static void arc_tabulate(double p, double q, double quarter, smpsim__arc_table *tab)
{
    double step = quarter / SMPSIM__ARC_KNOTS;
    tab->knots_per_mm = 1.0 / step;
    for (int i = 0; i <= SMPSIM__ARC_KNOTS; i++) {
        double t = i == SMPSIM__ARC_KNOTS ? HALF_PI : arc_inverse(p, q, quarter, i * step);
        double s = sin(t), c = cos(t), dt = step / speed(p, q, s, c);
        tab->s[i] = s;
        tab->c[i] = c;
        tab->ds[i] = c * dt;
        tab->dc[i] = -s * dt;
    }
}

/* The sine and cosine of arc_inverse(p, q, quarter, len): from the table
 * when there is one (cubic Hermite between the knots around |len|, folded
 * into [0, quarter]: the far half mirrors the near one). */
static void arc_inverse_sc(const smpsim__arc_table *tab, double p, double q, double quarter,
                           double len, double *s, double *c)
{
    if (!tab) {
        double t = arc_inverse(p, q, quarter, len);
        *s = sin(t);
        *c = cos(t);
        return;
    }
    double sign = len < 0.0 ? -1.0 : 1.0;
    len = fabs(len);
    int back = len > quarter;
    if (back)
        len = 2.0 * quarter - len;
    double x = len * tab->knots_per_mm;
    int i = (int)x;
    if (i >= SMPSIM__ARC_KNOTS)
        i = SMPSIM__ARC_KNOTS - 1;
    else if (i < 0)
        i = 0;
    double u = x - i, u2 = u * u, u3 = u2 * u;
    double h00 = 2.0 * u3 - 3.0 * u2 + 1.0, h10 = u3 - 2.0 * u2 + u, h01 = 1.0 - h00,
           h11 = u3 - u2;
    *s = sign * (h00 * tab->s[i] + h10 * tab->ds[i] + h01 * tab->s[i + 1] + h11 * tab->ds[i + 1]);
    double cv = h00 * tab->c[i] + h10 * tab->dc[i] + h01 * tab->c[i + 1] + h11 * tab->dc[i + 1];
    *c = back ? -cv : cv;
}

/* ---------------------------------------------------------------------- */
/* The model                                                                */
/* ---------------------------------------------------------------------- */

/* Screen mm on the outline's plane (before tilt) from a pixel. */
static void px_to_plane(const smpsim__head_model *m, double x_px, double y_px, double *u, double *v)
{
    double dx = x_px - m->center_x_px, dy = y_px - m->center_y_px;
    *u = (m->cos_tilt * dx + m->sin_tilt * dy) / m->s;
    *v = (-m->sin_tilt * dx + m->cos_tilt * dy) / m->s;
}

static double dot3(const double p[3], const double q[3])
{
    return p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
}

/* <p, q> in the ellipsoid's metric: sum p_i q_i / r_i^2. */
static double edot(const smpsim__head_model *m, const double p[3], const double q[3])
{
    return p[0] * q[0] / (m->a * m->a) + p[1] * q[1] / (m->b * m->b) + p[2] * q[2] / (m->c * m->c);
}

/* The nearest point of the ellipse with semi-axes e0, e1 to an outside
 * point (u, v), in place: the root t >= 0 of
 *   (e0 u / (t + e0^2))^2 + (e1 v / (t + e1^2))^2 = 1
 * by Newton from a lower bound (the function is convex and decreasing, so
 * the iterates rise monotonically to the root). */
static void nearest_on_ellipse(double e0, double e1, double *u, double *v)
{
    double y0 = fabs(*u), y1 = fabs(*v), a2 = e0 * e0, b2 = e1 * e1;
    double t = fmax(0.0, fmax(e0 * y0 - a2, e1 * y1 - b2));
    for (int i = 0; i < 100; i++) {
        double r0 = e0 * y0 / (t + a2), r1 = e1 * y1 / (t + b2);
        double f = r0 * r0 + r1 * r1 - 1.0;
        if (!(f > 1e-15))
            break;
        double df = -2.0 * (r0 * r0 / (t + a2) + r1 * r1 / (t + b2));
        t -= f / df;
    }
    *u = copysign(a2 * y0 / (t + a2), *u);
    *v = copysign(b2 * y1 / (t + b2), *v);
}

/* The visible surface point under (u, v) on the outline's plane, in the
 * head's frame; a point outside the ellipsoid's outline is moved to the
 * nearest point of the outline first. */
static void surface_hit(const smpsim__head_model *m, double u, double v, double P[3])
{
    double r = m->rim_cos * u + m->rim_sin * v, q = -m->rim_sin * u + m->rim_cos * v;
    double rr = r / m->rim_r0, rq = q / m->rim_r1;
    if (rr * rr + rq * rq > 1.0) {
        nearest_on_ellipse(m->rim_r0, m->rim_r1, &r, &q);
        u = m->rim_cos * r - m->rim_sin * q;
        v = m->rim_sin * r + m->rim_cos * q;
    }
    /* P = P0 + d ez: <P, P> = 1, the larger root (nearest the camera). */
    double P0[3];
    for (int i = 0; i < 3; i++)
        P0[i] = u * m->ex[i] + v * m->ey[i];
    double qa = edot(m, m->ez, m->ez), qb = edot(m, P0, m->ez), qc = edot(m, P0, P0) - 1.0;
    double disc = fmax(qb * qb - qa * qc, 0.0);
    double d = (-qb + sqrt(disc)) / qa;
    for (int i = 0; i < 3; i++)
        P[i] = P0[i] + d * m->ez[i];
}

/* A surface point's midline angle f and section angle g (|g| <= pi/2) and
 * k = |cos f|. */
static void surface_angles(const smpsim__head_model *m, const double P[3], double *f, double *g,
                           double *k)
{
    double pu = P[0] / m->a, pv = P[1] / m->b, pw = P[2] / m->c;
    double ks = hypot(pu, pw);
    double lat = atan2(pv, ks);
    if (pw >= 0.0)
        *f = lat;
    else
        *f = lat >= 0.0 ? PI - lat : -PI - lat;
    *g = atan2(pu, fabs(pw));
    double n = hypot(ks, pv);
    *k = n > 0.0 ? ks / n : 1.0;
}

/* The screen axes in the head's frame for a pitch p (about the screen's x
 * axis) and a yaw w (about the head's vertical axis, turning the face to
 * the photo's right): head -> camera is U' = cos w U + sin w W,
 * W' = -sin w U + cos w W, then the pitch. */
static void set_axes(smpsim__head_model *m, double cp, double sp, double cw, double sw)
{
    const double ex[3] = {cw, 0.0, sw}, ey[3] = {-sw * sp, cp, cw * sp};
    const double ez[3] = {-sw * cp, -sp, cw * cp};
    memcpy(m->ex, ex, sizeof ex);
    memcpy(m->ey, ey, sizeof ey);
    memcpy(m->ez, ez, sizeof ez);
}

/* The outline of the ellipsoid on the outline's plane: (u, v) is on it
 * when the ray's quadratic has a double root, a quadratic form in (u, v)
 * whose eigenvectors give the ellipse's axes. */
static void set_rim(smpsim__head_model *m)
{
    double A = edot(m, m->ez, m->ez), ax = edot(m, m->ex, m->ez), ay = edot(m, m->ey, m->ez);
    double qxx = (edot(m, m->ex, m->ex) * A - ax * ax) / A;
    double qxy = (edot(m, m->ex, m->ey) * A - ax * ay) / A;
    double qyy = (edot(m, m->ey, m->ey) * A - ay * ay) / A;
    double angle = 0.5 * atan2(2.0 * qxy, qxx - qyy);
    double c = cos(angle), s = sin(angle);
    double l0 = c * c * qxx + 2.0 * c * s * qxy + s * s * qyy;
    double l1 = s * s * qxx - 2.0 * c * s * qxy + c * c * qyy;
    m->rim_cos = c;
    m->rim_sin = s;
    m->rim_r0 = 1.0 / sqrt(l0);
    m->rim_r1 = 1.0 / sqrt(l1);
}

/* The up-down semi-axis b for which the ellipsoid's outline has the
 * fitted height, clamped to MIN_B_RATIO a (views that fail validation). */
static double fit_b(double a, double c, double rim_y, double cp, double sp)
{
    double cs = c * sp;
    double b2 = (rim_y * rim_y - cs * cs) / (cp * cp);
    double bmin = MIN_B_RATIO * a;
    return b2 > bmin * bmin ? sqrt(b2) : bmin;
}

/* The midline angle f0 of the point under (u, v) on the outline's plane
 * and the yaw that puts the front midline there: u = c cos f0 sin w,
 * v = b sin f0 cos p + c cos f0 cos w sin p (fixed point; converges fast
 * for the small turns validation allows). */
static void solve_origin(double b, double c, double cp, double sp, double u, double v, double *f0,
                         double *yaw)
{
    double w = 0.0, f = 0.0;
    for (int i = 0; i < 30; i++) {
        double cwz = c * cos(w) * sp, R = hypot(b * cp, cwz);
        double r = fmin(fmax(v / R, -1.0), 1.0);
        f = asin(r) - atan2(cwz, b * cp);
        double sw = u / (c * fmax(cos(f), 1e-9));
        double next = asin(fmin(fmax(sw, -0.9), 0.9));
        if (fabs(next - w) < 1e-15) {
            w = next;
            break;
        }
        w = next;
    }
    *f0 = f;
    *yaw = w;
}

void smpsim__head_prepare(const smpsim_view *view, smpsim__head_model *m)
{
    const smpsim_head *h = &view->head;
    double a = 0.5 * width_mm_of(h);
    m->a = a;
    m->c = depth_ratio_of(h) * a;
    m->s = h->radius_x_px / a;
    m->center_x_px = h->center_x_px;
    m->center_y_px = h->center_y_px;
    double pitch = h->pitch_deg * DEG_TO_RAD, tilt = h->tilt_deg * DEG_TO_RAD;
    double cp = cos(pitch), sp = sin(pitch);
    m->cos_tilt = cos(tilt);
    m->sin_tilt = sin(tilt);
    m->b = fit_b(a, m->c, a * h->radius_y_px / h->radius_x_px, cp, sp);
    m->mid_quarter = arc_quarter(m->b, m->c);
    m->sec_quarter = arc_quarter(a, m->c);
    /* The origin: the front midline point under the glabella (FRONT), or
     * the surface point under the outline's centre (TOP). */
    double u = 0.0, v = 0.0, f0, yaw;
    if (h->camera == SMPSIM_CAMERA_FRONT)
        px_to_plane(m, h->glabella_x_px, h->glabella_y_px, &u, &v);
    solve_origin(m->b, m->c, cp, sp, u, v, &f0, &yaw);
    m->yaw_deg = yaw / DEG_TO_RAD;
    set_axes(m, cp, sp, cos(yaw), sin(yaw));
    set_rim(m);
    m->y_origin_mm = arc(m->b, m->c, m->mid_quarter, f0);
    m->tabulated = 0;
}

void smpsim__head_tabulate(smpsim__head_model *m)
{
    arc_tabulate(m->b, m->c, m->mid_quarter, &m->mid_table);
    arc_tabulate(m->a, m->c, m->sec_quarter, &m->sec_table);
    m->tabulated = 1;
}

int smpsim__head_model_to_px(const smpsim__head_model *m, double x_mm, double y_mm, double *x_px,
                             double *y_px, double *px_per_mm)
{
    int on_surface = 1;
    double full = 2.0 * m->mid_quarter;
    double t = y_mm + m->y_origin_mm;
    if (!(fabs(t) <= full)) {
        on_surface = 0;
        t = t > 0.0 ? full : -full;
    }
    double sf, cf;
    arc_inverse_sc(m->tabulated ? &m->mid_table : NULL, m->b, m->c, m->mid_quarter, t, &sf, &cf);
    double k = fabs(cf);
    double sg = 0.0, cg = 1.0;
    if (x_mm != 0.0) {
        double half = 2.0 * m->sec_quarter * k;
        if (fabs(x_mm) < half)
            arc_inverse_sc(m->tabulated ? &m->sec_table : NULL, m->a, m->c, m->sec_quarter,
                           x_mm / k, &sg, &cg);
        else {
            on_surface = 0;
            cg = -1.0; /* g = +-pi */
        }
    }
    const double P[3] = {m->a * k * sg, m->b * sf, m->c * cf * cg};
    double sx = dot3(P, m->ex), sy = dot3(P, m->ey);
    *x_px = m->center_x_px + m->s * (m->cos_tilt * sx - m->sin_tilt * sy);
    *y_px = m->center_y_px + m->s * (m->sin_tilt * sx + m->cos_tilt * sy);
    /* Area scale: the surface element (dP/df x dP/dg) projected on the
     * direction to the camera, over the mm element (k x both speeds);
     * the factor k cancels (dP/dg = k G). */
    double sigma = cf < 0.0 ? -1.0 : 1.0;
    const double Pf[3] = {-m->a * sigma * sf * sg, m->b * cf, -m->c * sf * cg};
    const double G[3] = {m->a * cg, 0.0, -sigma * m->c * sg};
    const double n[3] = {Pf[1] * G[2] - Pf[2] * G[1], Pf[2] * G[0] - Pf[0] * G[2],
                         Pf[0] * G[1] - Pf[1] * G[0]};
    double denom = speed(m->b, m->c, sf, cf) * speed(m->a, m->c, sg, cg);
    *px_per_mm = m->s * sqrt(fabs(dot3(n, m->ez)) / denom);
    return on_surface && edot(m, P, m->ez) > 0.0;
}

void smpsim__head_model_to_mm(const smpsim__head_model *m, double x_px, double y_px, double *x_mm,
                              double *y_mm)
{
    double u, v, P[3], f, g, k;
    px_to_plane(m, x_px, y_px, &u, &v);
    surface_hit(m, u, v, P);
    surface_angles(m, P, &f, &g, &k);
    *y_mm = arc(m->b, m->c, m->mid_quarter, f) - m->y_origin_mm;
    *x_mm = k * arc(m->a, m->c, m->sec_quarter, g);
}

int smpsim__head_to_px(const smpsim_view *view, double x_mm, double y_mm, double *x_px,
                       double *y_px, double *px_per_mm)
{
    smpsim__head_model m;
    smpsim__head_prepare(view, &m);
    return smpsim__head_model_to_px(&m, x_mm, y_mm, x_px, y_px, px_per_mm);
}

void smpsim__head_to_mm(const smpsim_view *view, double x_px, double y_px, double *x_mm,
                        double *y_mm)
{
    smpsim__head_model m;
    smpsim__head_prepare(view, &m);
    smpsim__head_model_to_mm(&m, x_px, y_px, x_mm, y_mm);
}

/* ---------------------------------------------------------------------- */
/* Validation                                                               */
/* ---------------------------------------------------------------------- */

static smpsim_status check_range(const char *field, double value, double lo, double hi,
                                 smpsim_error *err)
{
    if (isfinite(value) && value >= lo && value <= hi)
        return SMPSIM_OK;
    return smpsim__fail(err, SMPSIM_EINVAL, "view: head.%s is %.10g, expected %.10g to %.10g",
                        field, value, lo, hi);
}

/* A zero means "the default"; anything else must be in range. */
static smpsim_status check_default(const char *field, double value, double lo, double hi,
                                   double dflt, smpsim_error *err)
{
    if (value == 0.0 || (isfinite(value) && value >= lo && value <= hi))
        return SMPSIM_OK;
    return smpsim__fail(err, SMPSIM_EINVAL,
                        "view: head.%s is %.10g, expected %.10g to %.10g (0 = %g)", field, value,
                        lo, hi, dflt);
}

static smpsim_status check_position(const char *field, double value, smpsim_error *err)
{
    if (isfinite(value) && fabs(value) <= 1e9)
        return SMPSIM_OK;
    return smpsim__fail(err, SMPSIM_EINVAL, "view: head.%s is %g, expected a finite pixel position",
                        field, value);
}

smpsim_status smpsim__head_validate(const smpsim_view *view, smpsim_error *err)
{
    const smpsim_head *h = &view->head;
    smpsim_status st = SMPSIM_OK;
    if (h->camera != SMPSIM_CAMERA_FRONT && h->camera != SMPSIM_CAMERA_TOP)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "view: head.camera is %d, expected SMPSIM_CAMERA_FRONT (%d) or "
                            "SMPSIM_CAMERA_TOP (%d)",
                            (int)h->camera, (int)SMPSIM_CAMERA_FRONT, (int)SMPSIM_CAMERA_TOP);
    if ((st = check_position("center_x_px", h->center_x_px, err)) ||
        (st = check_position("center_y_px", h->center_y_px, err)) ||
        (st = check_range("radius_x_px", h->radius_x_px, 1.0, 1e6, err)) ||
        (st = check_range("radius_y_px", h->radius_y_px, 1.0, 1e6, err)) ||
        (st = check_range("tilt_deg", h->tilt_deg, -360.0, 360.0, err)) ||
        (st = check_default("width_mm", h->width_mm, 50.0, 400.0, DEFAULT_WIDTH_MM, err)) ||
        (st = check_default("depth_ratio", h->depth_ratio, 0.5, 3.0, DEFAULT_DEPTH_RATIO, err)) ||
        (st = check_range("pitch_deg", h->pitch_deg, -45.0, 45.0, err)))
        return st;
    if (h->camera == SMPSIM_CAMERA_FRONT &&
        ((st = check_position("glabella_x_px", h->glabella_x_px, err)) ||
         (st = check_position("glabella_y_px", h->glabella_y_px, err))))
        return st;

    /* The outline must be tall enough for the pitch and the depth. */
    double a = 0.5 * width_mm_of(h), c = depth_ratio_of(h) * a;
    double pitch = h->pitch_deg * DEG_TO_RAD, cp = cos(pitch), cs = c * sin(pitch);
    double rim = a * h->radius_y_px / h->radius_x_px, bmin = MIN_B_RATIO * a;
    if (rim * rim - cs * cs < bmin * bmin * cp * cp) {
        double need = hypot(bmin * cp, cs) / a * h->radius_x_px;
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "view: head.radius_y_px is %g, too small for pitch_deg %g with "
                            "depth_ratio %g (expected at least %.1f, or a smaller pitch or depth)",
                            h->radius_y_px, h->pitch_deg, depth_ratio_of(h), need);
    }
    if (h->camera == SMPSIM_CAMERA_FRONT) {
        /* Inside the outline, and near enough its axis that the head is
         * turned by at most MAX_YAW_DEG. */
        double r = h->tilt_deg * DEG_TO_RAD;
        double dx = h->glabella_x_px - h->center_x_px, dy = h->glabella_y_px - h->center_y_px;
        double gu = (cos(r) * dx + sin(r) * dy) / h->radius_x_px;
        double gv = (-sin(r) * dx + cos(r) * dy) / h->radius_y_px;
        if (!(gu * gu + gv * gv < 1.0))
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "view: head.glabella (%g, %g) px is outside the head outline, "
                                "expected a point inside it",
                                h->glabella_x_px, h->glabella_y_px);
        smpsim__head_model m;
        smpsim__head_prepare(view, &m);
        double x, y, scale;
        smpsim__head_model_to_px(&m, 0.0, 0.0, &x, &y, &scale);
        if (fabs(m.yaw_deg) > MAX_YAW_DEG ||
            hypot(x - h->glabella_x_px, y - h->glabella_y_px) > 1e-3)
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "view: head.glabella (%g, %g) px is too far to the side of the "
                                "outline's axis (the head would be turned by more than %g deg)",
                                h->glabella_x_px, h->glabella_y_px, MAX_YAW_DEG);
    }
    double scale = h->radius_x_px / a;
    if (!(fabs(view->px_per_mm - scale) <= 1e-9 * scale))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "view: px_per_mm is %g, expected %g (radius_x_px over half of "
                            "width_mm): make head views with smpsim_view_head()",
                            view->px_per_mm, scale);
    return SMPSIM_OK;
}
