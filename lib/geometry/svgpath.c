/* SVG path data ("d" strings) parsed and flattened into polylines.
 *
 * The grammar is that of SVG 1.1 section 8.3.9 and SVG 2 section 9.3.9;
 * arcs follow the implementation notes (SVG 1.1 F.6.5 and F.6.6). Numbers
 * are read by hand, not with strtod(), so that the result does not depend
 * on the C locale and "inf", "nan" or hexadecimal never pass as numbers.
 *
 * Flattening bounds the distance between the curve and the chord at the
 * same parameter by h^2/8 max|B''| for a step h (true for vector-valued
 * curves too), so every point of the curve lies within the tolerance of the
 * polyline and every polyline vertex lies on the curve. */
#include "geometry/geometry-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_INPUT_BYTES ((size_t)1 << 20)
#define MAX_POINTS ((size_t)1000000)
#define MAX_ABS_VALUE 1e7
#define DEFAULT_TOLERANCE 0.25
#define MIN_TOLERANCE 1e-6
#define PI 3.14159265358979323846

typedef struct parser {
    const char *s;
    size_t pos;
    double tolerance;
    smpsim_error *err;
    char command;      /* the command being parsed, as written */
    size_t command_at; /* its byte position */
    /* Output. */
    double *xy;
    size_t n_points, cap_points;
    size_t *subpath_start;
    uint8_t *closed;
    size_t n_subpaths, cap_subpaths;
    /* State. */
    double x, y;         /* current point */
    double start_x, start_y; /* start of the current subpath */
    bool in_subpath;     /* false after Z until the next command */
    char previous;       /* upper-case letter of the previous command */
    double ctrl_x, ctrl_y; /* its last control point (C, S, Q, T) */
} parser;

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool starts_number(char c)
{
    return is_digit(c) || c == '.' || c == '+' || c == '-';
}

/* What was found at a position, for messages. */
static const char *describe(const parser *p, size_t at, char *buf, size_t size)
{
    unsigned char c = (unsigned char)p->s[at];
    if (c == '\0')
        return "the end of the path";
    if (c >= 0x20 && c < 0x7f && c != '\'')
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "byte 0x%02x", c);
    return buf;
}

/* "svg path: at byte N: expected WHAT, found X" */
static smpsim_status expected(parser *p, size_t at, const char *what)
{
    char buf[16];
    return smpsim__fail(p->err, SMPSIM_EFORMAT, "svg path: at byte %zu: expected %s, found %s",
                        at, what, describe(p, at, buf, sizeof buf));
}

static smpsim_status expected_argument(parser *p, const char *kind)
{
    char what[64];
    snprintf(what, sizeof what, "%s after '%c'", kind, p->command);
    return expected(p, p->pos, what);
}

static void skip_wsp(parser *p)
{
    while (is_wsp(p->s[p->pos]))
        p->pos++;
}

/* comma-wsp?: returns whether a comma was skipped. */
static bool skip_comma_wsp(parser *p)
{
    skip_wsp(p);
    if (p->s[p->pos] != ',')
        return false;
    p->pos++;
    skip_wsp(p);
    return true;
}

/* digit-sequence into a decimal significand: keeps 19 significant digits
 * and counts the rest in *exp10 (before the point) or drops them (after). */
static size_t read_digits(parser *p, uint64_t *mant, int *n_sig, long *exp10, bool fraction)
{
    size_t n = 0;
    for (; is_digit(p->s[p->pos]); p->pos++, n++) {
        int d = p->s[p->pos] - '0';
        if (*n_sig == 0 && d == 0) {
            if (fraction)
                (*exp10)--;
            continue;
        }
        if (*n_sig < 19) {
            *mant = *mant * 10 + (uint64_t)d;
            (*n_sig)++;
            if (fraction)
                (*exp10)--;
        } else if (!fraction) {
            (*exp10)++;
        }
    }
    return n;
}

static double decimal_value(uint64_t mant, long exp10)
{
    static const double exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (mant == 0)
        return 0.0;
    if (exp10 > 400)
        return HUGE_VAL;
    if (exp10 < -400)
        return 0.0;
    double m = (double)mant;
    /* One correctly rounded operation when both factors are exact. */
    if (mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22)
        return exp10 < 0 ? m / exact[-exp10] : m * exact[exp10];
    return m * pow(10.0, (double)exp10);
}

/* number: sign? (digits ('.' digits?)? | '.' digits) ([eE] sign? digits)?
 * The caller has checked that the next character can start a number. */
static smpsim_status read_number(parser *p, double *out)
{
    size_t start = p->pos;
    bool negative = false;
    if (p->s[p->pos] == '+' || p->s[p->pos] == '-') {
        negative = p->s[p->pos] == '-';
        p->pos++;
    }
    uint64_t mant = 0;
    int n_sig = 0;
    long exp10 = 0;
    size_t n_int = read_digits(p, &mant, &n_sig, &exp10, false);
    size_t n_frac = 0;
    if (p->s[p->pos] == '.') {
        p->pos++;
        n_frac = read_digits(p, &mant, &n_sig, &exp10, true);
        if (n_int == 0 && n_frac == 0)
            return expected(p, p->pos, "a digit after '.'");
    } else if (n_int == 0) {
        return expected(p, p->pos, negative ? "a digit after '-'" : "a digit after '+'");
    }
    if (p->s[p->pos] == 'e' || p->s[p->pos] == 'E') {
        p->pos++;
        bool exp_negative = false;
        if (p->s[p->pos] == '+' || p->s[p->pos] == '-') {
            exp_negative = p->s[p->pos] == '-';
            p->pos++;
        }
        if (!is_digit(p->s[p->pos]))
            return expected(p, p->pos, "a digit in the exponent");
        long e = 0;
        for (; is_digit(p->s[p->pos]); p->pos++)
            if (e < 100000)
                e = e * 10 + (p->s[p->pos] - '0');
        exp10 += exp_negative ? -e : e;
    }
    double v = decimal_value(mant, exp10);
    if (!isfinite(v) || v > MAX_ABS_VALUE)
        return smpsim__fail(p->err, SMPSIM_EFORMAT,
                            "svg path: at byte %zu: number out of range (|value| > 1e7)", start);
    *out = negative ? -v : v;
    return SMPSIM_OK;
}

static smpsim_status read_flag(parser *p, double *out)
{
    char c = p->s[p->pos];
    if (c != '0' && c != '1')
        return expected_argument(p, "a flag (0 or 1)");
    p->pos++;
    *out = c == '1';
    return SMPSIM_OK;
}

/* Reads the n arguments of one segment of the current command; `flags` has
 * bit i set where argument i is a flag. Leading white space is already
 * skipped; a separator may follow each argument. */
static smpsim_status read_arguments(parser *p, double *args, int n, unsigned flags)
{
    for (int i = 0; i < n; i++) {
        smpsim_status st;
        if (flags & (1u << i))
            st = read_flag(p, &args[i]);
        else if (!starts_number(p->s[p->pos]))
            st = expected_argument(p, "a number");
        else
            st = read_number(p, &args[i]);
        if (st != SMPSIM_OK)
            return st;
        skip_comma_wsp(p);
    }
    return SMPSIM_OK;
}

/* Output ------------------------------------------------------------------ */

static smpsim_status too_many_points(parser *p)
{
    return smpsim__fail(p->err, SMPSIM_ELIMIT,
                        "svg path: at byte %zu: the path flattens to more than %zu points "
                        "(raise the tolerance or simplify the path)",
                        p->command_at, MAX_POINTS);
}

static smpsim_status out_of_memory(parser *p)
{
    return smpsim__fail(p->err, SMPSIM_ENOMEM, "svg path: out of memory");
}

/* Makes room for `more` points (fails beyond MAX_POINTS). */
static smpsim_status reserve_points(parser *p, size_t more)
{
    if (more > MAX_POINTS - p->n_points)
        return too_many_points(p);
    size_t need = p->n_points + more;
    if (need <= p->cap_points)
        return SMPSIM_OK;
    size_t cap = p->cap_points ? p->cap_points : 64;
    while (cap < need)
        cap *= 2;
    size_t bytes;
    if (!smpsim__mul_size(cap, 2 * sizeof(double), &bytes))
        return out_of_memory(p);
    double *xy = realloc(p->xy, bytes);
    if (!xy)
        return out_of_memory(p);
    p->xy = xy;
    p->cap_points = cap;
    return SMPSIM_OK;
}

/* Appends a point for which room was reserved. */
static void put_point(parser *p, double x, double y)
{
    p->xy[2 * p->n_points] = x;
    p->xy[2 * p->n_points + 1] = y;
    p->n_points++;
}

static smpsim_status add_point(parser *p, double x, double y)
{
    smpsim_status st = reserve_points(p, 1);
    if (st != SMPSIM_OK)
        return st;
    put_point(p, x, y);
    return SMPSIM_OK;
}

/* Starts a subpath at (x, y). */
static smpsim_status begin_subpath(parser *p, double x, double y)
{
    if (p->n_subpaths == p->cap_subpaths) {
        size_t cap = p->cap_subpaths ? 2 * p->cap_subpaths : 8;
        size_t *start = realloc(p->subpath_start, cap * sizeof *start);
        if (!start)
            return out_of_memory(p);
        p->subpath_start = start;
        uint8_t *closed = realloc(p->closed, cap);
        if (!closed)
            return out_of_memory(p);
        p->closed = closed;
        p->cap_subpaths = cap;
    }
    smpsim_status st = reserve_points(p, 1);
    if (st != SMPSIM_OK)
        return st;
    p->subpath_start[p->n_subpaths] = p->n_points;
    p->closed[p->n_subpaths] = 0;
    p->n_subpaths++;
    put_point(p, x, y);
    p->x = p->start_x = x;
    p->y = p->start_y = y;
    p->in_subpath = true;
    return SMPSIM_OK;
}

/* A drawing command right after Z starts a new subpath at the same point. */
static smpsim_status ensure_subpath(parser *p)
{
    return p->in_subpath ? SMPSIM_OK : begin_subpath(p, p->x, p->y);
}

/* Number of chords for a curve whose second derivative is at most
 * `max_second` in magnitude over a parameter range of `span`: the chord
 * error h^2/8 max|B''| stays within the tolerance. */
static smpsim_status chord_count(parser *p, double max_second, double span, size_t *n)
{
    double steps = span * sqrt(max_second / (8.0 * p->tolerance));
    if (!(steps <= (double)MAX_POINTS))
        return too_many_points(p);
    *n = steps < 1.0 ? 1 : (size_t)ceil(steps);
    return *n > MAX_POINTS - p->n_points ? too_many_points(p) : SMPSIM_OK;
}

static smpsim_status line_to(parser *p, double x, double y)
{
    smpsim_status st = add_point(p, x, y);
    p->x = x;
    p->y = y;
    return st;
}

static smpsim_status cubic_to(parser *p, double x1, double y1, double x2, double y2, double x3,
                              double y3)
{
    double x0 = p->x, y0 = p->y;
    /* B'' = 6 ((1-t) d0 + t d1): at most 6 max(|d0|, |d1|). */
    double d0 = hypot(x0 - 2 * x1 + x2, y0 - 2 * y1 + y2);
    double d1 = hypot(x1 - 2 * x2 + x3, y1 - 2 * y2 + y3);
    size_t n = 0;
    smpsim_status st = chord_count(p, 6.0 * fmax(d0, d1), 1.0, &n);
    if (st == SMPSIM_OK)
        st = reserve_points(p, n);
    if (st != SMPSIM_OK)
        return st;
    for (size_t i = 1; i < n; i++) {
        double t = (double)i / (double)n, u = 1.0 - t;
        double b0 = u * u * u, b1 = 3 * u * u * t, b2 = 3 * u * t * t, b3 = t * t * t;
        put_point(p, b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3, b0 * y0 + b1 * y1 + b2 * y2 + b3 * y3);
    }
    put_point(p, x3, y3);
    p->x = x3;
    p->y = y3;
    p->ctrl_x = x2;
    p->ctrl_y = y2;
    return SMPSIM_OK;
}

static smpsim_status quad_to(parser *p, double x1, double y1, double x2, double y2)
{
    double x0 = p->x, y0 = p->y;
    /* B'' = 2 (P0 - 2 P1 + P2), constant. */
    size_t n = 0;
    smpsim_status st = chord_count(p, 2.0 * hypot(x0 - 2 * x1 + x2, y0 - 2 * y1 + y2), 1.0, &n);
    if (st == SMPSIM_OK)
        st = reserve_points(p, n);
    if (st != SMPSIM_OK)
        return st;
    for (size_t i = 1; i < n; i++) {
        double t = (double)i / (double)n, u = 1.0 - t;
        double b0 = u * u, b1 = 2 * u * t, b2 = t * t;
        put_point(p, b0 * x0 + b1 * x1 + b2 * x2, b0 * y0 + b1 * y1 + b2 * y2);
    }
    put_point(p, x2, y2);
    p->x = x2;
    p->y = y2;
    p->ctrl_x = x1;
    p->ctrl_y = y1;
    return SMPSIM_OK;
}

/* hypot(a, b * k) without forming inf * 0. */
static double hypot_scaled(double a, double b, double k)
{
    return b == 0.0 ? fabs(a) : hypot(a, b * k);
}

/* Elliptical arc from the current point to (x2, y2): endpoint to centre
 * parameterisation (F.6.5) with out-of-range radii scaled up (F.6.6). */
static smpsim_status arc_to(parser *p, double rx, double ry, double rotation_deg, bool large,
                            bool sweep, double x2, double y2)
{
    double x1 = p->x, y1 = p->y;
    if (x1 == x2 && y1 == y2)
        return SMPSIM_OK; /* F.6.2: the arc is omitted */
    rx = fabs(rx);
    ry = fabs(ry);
    if (rx == 0.0 || ry == 0.0)
        return line_to(p, x2, y2);
    double phi = fmod(rotation_deg, 360.0) * (PI / 180.0);
    double cos_phi = cos(phi), sin_phi = sin(phi);
    double hx = (x1 - x2) / 2, hy = (y1 - y2) / 2;
    double x1p = cos_phi * hx + sin_phi * hy;
    double y1p = -sin_phi * hx + cos_phi * hy;
    double cxp = 0.0, cyp = 0.0;
    double lx = x1p / rx, ly = y1p / ry;
    double lambda = lx * lx + ly * ly; /* may overflow to inf: then > 1 */
    if (lambda > 1.0) {
        /* Scaled so that the endpoints are the ends of a diameter; written
         * with the ratio of the radii so that tiny radii cannot overflow. */
        double q = rx / ry;
        double srx = hypot_scaled(x1p, y1p, q);
        double sry = hypot_scaled(y1p, x1p, 1.0 / q);
        rx = srx;
        ry = sry;
        if (!isfinite(rx) || !isfinite(ry))
            return too_many_points(p);
        if (rx == 0.0 || ry == 0.0)
            return line_to(p, x2, y2);
    } else {
        double m = fmax(rx, ry);
        double a = rx / m, b = ry / m, xn = x1p / m, yn = y1p / m;
        double num = a * a * b * b - a * a * yn * yn - b * b * xn * xn;
        double den = a * a * yn * yn + b * b * xn * xn;
        double coef = den > 0.0 ? sqrt(fmax(num, 0.0) / den) : NAN;
        if (large == sweep)
            coef = -coef;
        cxp = coef * (a * yn / b) * m;
        cyp = coef * -(b * xn / a) * m;
        if (!isfinite(cxp) || !isfinite(cyp))
            return line_to(p, x2, y2); /* endpoints too close to resolve */
    }
    double theta1 = atan2((y1p - cyp) / ry, (x1p - cxp) / rx);
    double theta2 = atan2((-y1p - cyp) / ry, (-x1p - cxp) / rx);
    double dtheta = theta2 - theta1;
    if (sweep && dtheta < 0)
        dtheta += 2 * PI;
    else if (!sweep && dtheta > 0)
        dtheta -= 2 * PI;
    double cx = cos_phi * cxp - sin_phi * cyp + (x1 + x2) / 2;
    double cy = sin_phi * cxp + cos_phi * cyp + (y1 + y2) / 2;
    if (!isfinite(theta1) || !isfinite(dtheta) || !isfinite(cx) || !isfinite(cy))
        return line_to(p, x2, y2);
    /* |E''| <= max(rx, ry) for E(theta) = R (rx cos, ry sin) + c. */
    size_t n = 0;
    smpsim_status st = chord_count(p, fmax(rx, ry), fabs(dtheta), &n);
    if (st == SMPSIM_OK)
        st = reserve_points(p, n);
    if (st != SMPSIM_OK)
        return st;
    for (size_t i = 1; i < n; i++) {
        double t = theta1 + dtheta * ((double)i / (double)n);
        double ex = rx * cos(t), ey = ry * sin(t);
        put_point(p, cos_phi * ex - sin_phi * ey + cx, sin_phi * ex + cos_phi * ey + cy);
    }
    put_point(p, x2, y2);
    p->x = x2;
    p->y = y2;
    return SMPSIM_OK;
}

/* Commands ---------------------------------------------------------------- */

static int arity(char upper)
{
    switch (upper) {
    case 'M': case 'L': case 'T': return 2;
    case 'H': case 'V': return 1;
    case 'C': return 6;
    case 'S': case 'Q': return 4;
    case 'A': return 7;
    case 'Z': return 0;
    default: return -1;
    }
}

/* Carries out one segment of the current command with its arguments. */
static smpsim_status execute(parser *p, char upper, bool relative, double *a)
{
    double ox = relative ? p->x : 0.0, oy = relative ? p->y : 0.0;
    if (upper == 'M')
        return begin_subpath(p, ox + a[0], oy + a[1]);
    smpsim_status st = ensure_subpath(p);
    if (st != SMPSIM_OK)
        return st;
    switch (upper) {
    case 'L':
        return line_to(p, ox + a[0], oy + a[1]);
    case 'H':
        return line_to(p, ox + a[0], p->y);
    case 'V':
        return line_to(p, p->x, oy + a[0]);
    case 'C':
        return cubic_to(p, ox + a[0], oy + a[1], ox + a[2], oy + a[3], ox + a[4], oy + a[5]);
    case 'S': {
        bool reflect = p->previous == 'C' || p->previous == 'S';
        double x1 = reflect ? 2 * p->x - p->ctrl_x : p->x;
        double y1 = reflect ? 2 * p->y - p->ctrl_y : p->y;
        return cubic_to(p, x1, y1, ox + a[0], oy + a[1], ox + a[2], oy + a[3]);
    }
    case 'Q':
        return quad_to(p, ox + a[0], oy + a[1], ox + a[2], oy + a[3]);
    case 'T': {
        bool reflect = p->previous == 'Q' || p->previous == 'T';
        double x1 = reflect ? 2 * p->x - p->ctrl_x : p->x;
        double y1 = reflect ? 2 * p->y - p->ctrl_y : p->y;
        return quad_to(p, x1, y1, ox + a[0], oy + a[1]);
    }
    default: /* 'A' */
        return arc_to(p, a[0], a[1], a[2], a[3] != 0.0, a[4] != 0.0, ox + a[5], oy + a[6]);
    }
}

static void close_path(parser *p)
{
    if (!p->in_subpath)
        return; /* Z right after Z: nothing more to close */
    p->closed[p->n_subpaths - 1] = 1;
    p->x = p->start_x;
    p->y = p->start_y;
    p->in_subpath = false;
}

/* One command letter and all its (implicitly repeated) argument groups. */
static smpsim_status command(parser *p)
{
    char letter = p->s[p->pos];
    char upper = letter >= 'a' && letter <= 'z' ? (char)(letter - 'a' + 'A') : letter;
    int n = arity(upper);
    if (n < 0)
        return expected(p, p->pos, "a command letter (M, L, H, V, C, S, Q, T, A or Z)");
    p->command = letter;
    p->command_at = p->pos;
    p->pos++;
    if (n == 0) {
        close_path(p);
        p->previous = 'Z';
        return SMPSIM_OK;
    }
    bool relative = letter != upper;
    unsigned flags = upper == 'A' ? (1u << 3 | 1u << 4) : 0u;
    skip_wsp(p);
    for (;;) {
        double args[7];
        smpsim_status st = read_arguments(p, args, n, flags);
        if (st == SMPSIM_OK)
            st = execute(p, upper, relative, args);
        if (st != SMPSIM_OK)
            return st;
        p->previous = upper;
        /* After a moveto, further coordinate pairs are linetos. */
        if (upper == 'M')
            upper = 'L';
        if (starts_number(p->s[p->pos]))
            continue;
        /* A separator after the last argument must be followed by another
         * group of arguments, not by a command or the end. */
        size_t before = p->pos;
        while (before > 0 && is_wsp(p->s[before - 1]))
            before--;
        if (before > 0 && p->s[before - 1] == ',')
            return expected(p, p->pos, "a number after ','");
        return SMPSIM_OK;
    }
}

static smpsim_status parse(parser *p)
{
    skip_wsp(p);
    if (p->s[p->pos] == '\0')
        return smpsim__fail(p->err, SMPSIM_EFORMAT,
                            "svg path: at byte %zu: the path is empty (expected 'M' or 'm')",
                            p->pos);
    if (p->s[p->pos] != 'M' && p->s[p->pos] != 'm')
        return expected(p, p->pos, "'M' or 'm' to start the path");
    for (;;) {
        skip_wsp(p);
        if (p->s[p->pos] == '\0')
            return SMPSIM_OK;
        if (p->previous == 'Z' && starts_number(p->s[p->pos]))
            return expected(p, p->pos, "a command letter after 'Z'");
        smpsim_status st = command(p);
        if (st != SMPSIM_OK)
            return st;
    }
}

static smpsim_status validate(const char *d, double tolerance, smpsim_path **out,
                              smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "svg path: out is NULL");
    if (!d)
        return smpsim__fail(err, SMPSIM_EINVAL, "svg path: the path string is NULL");
    if (!isfinite(tolerance) || tolerance < 0.0 || (tolerance > 0.0 && tolerance < MIN_TOLERANCE))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "svg path: tolerance %g: expected 0 (the default, 0.25) or at "
                            "least 1e-6",
                            tolerance);
    size_t len = 0;
    while (len <= MAX_INPUT_BYTES && d[len] != '\0')
        len++;
    if (len > MAX_INPUT_BYTES)
        return smpsim__fail(err, SMPSIM_ELIMIT, "svg path: longer than %zu bytes",
                            MAX_INPUT_BYTES);
    return SMPSIM_OK;
}

smpsim_status smpsim_path_parse_svg(const char *d, double tolerance, smpsim_path **out,
                                    smpsim_error *err)
{
    if (out)
        *out = NULL;
    smpsim_status st = validate(d, tolerance, out, err);
    if (st != SMPSIM_OK)
        return st;
    parser p = {.s = d, .tolerance = tolerance > 0.0 ? tolerance : DEFAULT_TOLERANCE, .err = err};
    smpsim_path *path = NULL;
    st = parse(&p);
    if (st == SMPSIM_OK) {
        path = malloc(sizeof *path);
        if (!path)
            st = out_of_memory(&p);
    }
    if (st != SMPSIM_OK) {
        free(p.xy);
        free(p.subpath_start);
        free(p.closed);
        return st;
    }
    /* Give back the slack of the growing arrays (keeping them if that fails). */
    double *xy = realloc(p.xy, p.n_points * 2 * sizeof(double));
    *path = (smpsim_path){
        .n_points = p.n_points,
        .xy = xy ? xy : p.xy,
        .n_subpaths = p.n_subpaths,
        .subpath_start = p.subpath_start,
        .closed = p.closed,
    };
    *out = path;
    return SMPSIM_OK;
}

void smpsim_path_free(smpsim_path *path)
{
    if (!path)
        return;
    free(path->xy);
    free(path->subpath_start);
    free(path->closed);
    free(path);
}
