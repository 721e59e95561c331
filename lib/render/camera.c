/* The camera's blur measured from the photo: the gradient-ratio re-blur
 * method of Zhuo & Sim (2011), "Defocus map estimation from a single
 * image", Pattern Recognition 44(9):1852-1858, at edges that pass the
 * tests below; docs/realism.md ("The camera") has the figures.
 *
 * A step edge of contrast A blurred by a Gaussian of sigma has, at the
 * edge, a gradient of A / (sqrt(2 pi) sigma). Blurred again with a known
 * sigma0 its gradient falls to A / (sqrt(2 pi) sqrt(sigma^2 + sigma0^2)),
 * so the ratio R of the two gives sigma = sigma0 / sqrt(R^2 - 1) whatever
 * A is. We take both gradients with derivatives of Gaussians of SCALE1 and
 * SCALE2 = sqrt(SCALE1^2 + sigma0^2): the same method on the photo
 * smoothed by SCALE1 first,
 *
 *     sigma^2 = (SCALE2^2 - R^2 SCALE1^2) / (R^2 - 1),
 *
 * which keeps noise down and makes the sampled derivative agree with the
 * continuous one (to 0.1 % at SCALE1 = 1 px). The kernels are evaluated at
 * any sub-pixel point, and both gradients are read at three points across
 * the edge, their peaks found with a parabola through the logarithms:
 * exact for a Gaussian edge wherever it lies between pixels.
 *
 * The ratio is right only at an isolated step. A thin line (a hair), two
 * edges close together, a spot or a corner look sharper than the camera
 * is, and sharpening halos make an edge look sharper than any Gaussian
 * can. So an edge point (a Sobel maximum across the edge) counts only when
 *   - its contrast is at least MIN_CONTRAST times the noise (Immerkaer's
 *     estimate, below),
 *   - the gradient 2 px along the edge on either side points the same way
 *     and is as strong (an edge, not a spot or a corner),
 *   - the luminance keeps rising for STEP_PX on either side (no line, no
 *     halo),
 *   - the widths of the gradient's profile at both scales (from the same
 *     parabolas) agree with the blur the ratio gives, to WIDTH_TOLERANCE.
 * All in linear-light luminance, where the optics blur. The camera's blur
 * is the blur of the sharpest edges (the subject in focus: a defocused
 * background and soft shading are blurrier), so the estimate is the lower
 * quartile of the edges' blurs, as a 10-90 % rise: 2.563 sigma for a
 * Gaussian edge. Photos above MAX_SCAN_PIXELS are scanned on every k-th
 * row, which keeps a 12 MP photo near a quarter of a second. */
#include "render/render-private.h"

#include <math.h>
#include <stdlib.h>

/* The two scales and their kernels. */
#define SCALE1_PX 1.0 /* the gradient's derivative of a Gaussian */
#define SCALE2_PX 2.0 /* re-blurred: sigma0 = sqrt(3) px on top of SCALE1 */
#define RADIUS1 4     /* kernel half-widths: 3.5 sigma, rounded up */
#define RADIUS2 7
#define TAPS_MAX (2 * RADIUS2 + 2)
#define PHASES 256 /* kernel tables per 1/256 px */

/* Which edges count. */
#define MIN_CONTRAST 20.0    /* edge contrast / noise */
#define RISE_FRACTION 0.5f   /* of it seen over +-STEP_PX: the first, cheap test */
#define ALONG_PX 2.0         /* the gradient this far along the edge... */
#define ALONG_COS 0.9        /* ...points the same way (within 26 degrees) */
#define ALONG_RATIO 0.5      /* ...and is half to twice as strong */
#define STEP_PX 3            /* the luminance keeps rising this far across an edge */
#define WIDTH_TOLERANCE 0.15 /* |log(profile width / the ratio's)| */
/* The noise of a slope at SCALE1 over the pixels' noise: 1 / (sqrt(8 pi) SCALE1^2). */
#define SLOPE_NOISE 0.19947
#define SRGB_SLOPE_MID 0.926 /* d linear / d sRGB at sRGB 0.5, for the rounding noise */

/* Where to look, and the answer. */
#define MARGIN (RADIUS2 + STEP_PX + 2) /* no kernel reaches past the photo */
#define BAND_ROWS 280                  /* rows of luminance decoded at once */
#define MAX_SCAN_PIXELS 4000000.0      /* scanned for edges at most: every k-th row beyond */
#define MAX_NOISE_SAMPLES 250000.0
#define MIN_EDGES 50
#define SHARP_PERCENTILE 0.25 /* the lower quartile: the sharpest edges */
#define LOW_PERCENTILE 0.10
#define HIGH_PERCENTILE 0.40
#define RISE_PER_SIGMA 2.5631031 /* 10-90 % of a Gaussian edge: 2 x 1.2815516 */
#define MIN_RISE_PX 0.5
#define SQRT_2PI 2.5066282746310002

/* A derivative-of-Gaussian kernel sampled at PHASES sub-pixel positions:
 * for a point at integer i plus phase q / PHASES, tap t weighs pixel
 * i - radius + t. */
typedef struct kernel {
    int radius, taps;
    float smooth[PHASES][TAPS_MAX]; /* the Gaussian, summing to 1 */
    float deriv[PHASES][TAPS_MAX];  /* its derivative, exact on a ramp */
} kernel;

/* Luminance of a band of rows: row r of the band is photo row y0 + r,
 * column c is photo column x0 + c. */
typedef struct band {
    float *lum;
    size_t stride; /* floats */
    long x0, y0;
} band;

typedef struct job {
    const smpsim_image *im;
    const float *lut; /* code -> linear: 256 or 65536 entries */
    const double *xy;
    size_t n_points;
    long cx0, cy0, cx1, cy1; /* edge pixels come from [cx0, cx1) x [cy0, cy1) */
    long row_step;
    double noise;
    kernel *k1, *k2;
    float *sigmas; /* the edges' blurs, px */
    size_t n, cap;
    double *xs;  /* polygon crossings of one row */
    long *spans; /* and the spans between them */
} job;

static void kernel_init(kernel *k, double scale, int radius)
{
    k->radius = radius;
    k->taps = 2 * radius + 2;
    for (int q = 0; q < PHASES; q++) {
        double frac = (double)q / PHASES, sum = 0.0, ramp = 0.0;
        for (int t = 0; t < k->taps; t++) {
            double off = t - radius - frac;
            double w = exp(-0.5 * off * off / (scale * scale));
            k->smooth[q][t] = (float)w;
            sum += w;
            ramp += off * off / (scale * scale) * w;
        }
        for (int t = 0; t < k->taps; t++) {
            double off = t - radius - frac;
            k->deriv[q][t] = (float)(off / (scale * scale) * k->smooth[q][t] / ramp);
            k->smooth[q][t] = (float)(k->smooth[q][t] / sum);
        }
    }
}

/* The gradient at scale k at the point (px, py) of the photo; taps is
 * k->taps, a constant where this is inlined so that the loops unroll. */
static inline void gradient_taps(const band *b, const kernel *k, int taps, double px, double py,
                                 double *gx, double *gy)
{
    double fx = floor(px), fy = floor(py);
    int qx = (int)lrint((px - fx) * PHASES), qy = (int)lrint((py - fy) * PHASES);
    if (qx == PHASES)
        qx = 0, fx += 1.0;
    if (qy == PHASES)
        qy = 0, fy += 1.0;
    const float *sx = k->smooth[qx], *dx = k->deriv[qx];
    const float *sy = k->smooth[qy], *dy = k->deriv[qy];
    long x = (long)fx - k->radius - b->x0, y = (long)fy - k->radius - b->y0;
    float ax = 0.0f, ay = 0.0f;
    for (int j = 0; j < taps; j++) {
        const float *row = b->lum + (size_t)(y + j) * b->stride + x;
        float rs = 0.0f, rd = 0.0f;
        for (int i = 0; i < taps; i++) {
            rs += sx[i] * row[i];
            rd += dx[i] * row[i];
        }
        ax += sy[j] * rd;
        ay += dy[j] * rs;
    }
    *gx = ax;
    *gy = ay;
}

static void gradient_at(const band *b, const kernel *k, double px, double py, double *gx,
                        double *gy)
{
    if (k->taps == 2 * RADIUS1 + 2)
        gradient_taps(b, k, 2 * RADIUS1 + 2, px, py, gx, gy);
    else
        gradient_taps(b, k, 2 * RADIUS2 + 2, px, py, gx, gy);
}

/* The gradient at scale k along the unit normal (nx, ny), at (px, py). */
static double slope_at(const band *b, const kernel *k, double px, double py, double nx,
                       double ny)
{
    double gx, gy;
    gradient_at(b, k, px, py, &gx, &gy);
    return gx * nx + gy * ny;
}

/* The peak of a Gaussian through three positive samples at -1, 0, 1, as a
 * logarithm; false when they do not make a peak near 0. */
static bool log_peak(double a, double b, double c, double *peak, double *width2)
{
    if (!(a > 0.0 && b > 0.0 && c > 0.0))
        return false;
    double la = log(a), lb = log(b), lc = log(c);
    double curve = la - 2.0 * lb + lc;
    if (!(curve < 0.0))
        return false;
    double at = (la - lc) / (2.0 * curve);
    if (fabs(at) > 0.75)
        return false;
    *peak = lb - (lc - la) * (lc - la) / (8.0 * curve);
    *width2 = -1.0 / curve;
    return true;
}

/* The blur of the edge through pixel (x, y), or -1 when it is no clean,
 * strong step edge. The cheap tests come first. */
static double edge_sigma(const job *jb, const band *b, long x, long y)
{
    double gx, gy;
    gradient_at(b, jb->k1, x, y, &gx, &gy);
    double g = sqrt(gx * gx + gy * gy);
    if (!(g > 0.0))
        return -1.0;
    double nx = gx / g, ny = gy / g;
    double before = slope_at(b, jb->k1, x - nx, y - ny, nx, ny);
    double after = slope_at(b, jb->k1, x + nx, y + ny, nx, ny);
    double p1, w1, p2, w2;
    if (!log_peak(before, g, after, &p1, &w1))
        return -1.0;
    /* Strong enough (with room for the finer test below)? */
    if (!(exp(p1) * SQRT_2PI * sqrt(w1) >= 0.8 * MIN_CONTRAST * jb->noise))
        return -1.0;
    /* An edge, not a spot or a corner: the same gradient along it. */
    for (int side = -1; side <= 1; side += 2) {
        double ax, ay, tx = -ny * side * ALONG_PX, ty = nx * side * ALONG_PX;
        gradient_at(b, jb->k1, x + tx, y + ty, &ax, &ay);
        double a = sqrt(ax * ax + ay * ay);
        if (!(ax * nx + ay * ny > ALONG_COS * a && a > ALONG_RATIO * g && a * ALONG_RATIO < g))
            return -1.0;
    }
    double s2[3];
    for (int k = -1; k <= 1; k++)
        s2[k + 1] = slope_at(b, jb->k2, x + k * nx, y + k * ny, nx, ny);
    if (!log_peak(s2[0], s2[1], s2[2], &p2, &w2))
        return -1.0;
    /* Zhuo & Sim: the ratio of the peaks gives the blur. */
    double r2 = exp(2.0 * (p1 - p2));
    if (!(r2 > 1.0 + 1e-6))
        return -1.0;
    double var = (SCALE2_PX * SCALE2_PX - r2 * SCALE1_PX * SCALE1_PX) / (r2 - 1.0);
    var = var > 0.0 ? var : 0.0;
    /* The profiles have the widths that this blur gives them, at both
     * scales: a Gaussian step, not two edges close together. */
    if (!(fabs(log(w1 / (var + SCALE1_PX * SCALE1_PX))) < WIDTH_TOLERANCE &&
          fabs(log(w2 / (var + SCALE2_PX * SCALE2_PX))) < WIDTH_TOLERANCE))
        return -1.0;
    double contrast = exp(p2) * SQRT_2PI * sqrt(var + SCALE2_PX * SCALE2_PX);
    if (!(contrast >= MIN_CONTRAST * jb->noise))
        return -1.0;
    /* A clean step: the luminance keeps rising on both sides (a hair, a
     * thin line, turns back within a few pixels; noise may dip a little). */
    double least = -3.0 * SLOPE_NOISE * jb->noise;
    for (int k = 2; k <= STEP_PX; k++)
        for (int side = -1; side <= 1; side += 2)
            if (!(slope_at(b, jb->k1, x + side * k * nx, y + side * k * ny, nx, ny) > least))
                return -1.0;
    return sqrt(var);
}

/* ---- luminance ---------------------------------------------------------- */

static void luminance_row(const job *jb, long y, long x0, long n, float *out)
{
    const smpsim_image *im = jb->im;
    const uint8_t *row = (const uint8_t *)im->pixels + (size_t)y * im->stride;
    const float *lut = jb->lut;
    if (im->format == SMPSIM_RGBA8) {
        const uint8_t *p = row + (size_t)x0 * 4;
        for (long i = 0; i < n; i++, p += 4)
            out[i] = 0.2126f * lut[p[0]] + 0.7152f * lut[p[1]] + 0.0722f * lut[p[2]];
    } else {
        const uint16_t *p = (const uint16_t *)(const void *)row + (size_t)x0 * 4;
        for (long i = 0; i < n; i++, p += 4)
            out[i] = 0.2126f * lut[p[0]] + 0.7152f * lut[p[1]] + 0.0722f * lut[p[2]];
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The spans of row y inside the region, in the window: columns
 * [spans[2i], spans[2i + 1]); returns how many. */
static size_t row_spans(job *jb, long y)
{
    if (jb->n_points == 0) {
        jb->spans[0] = jb->cx0;
        jb->spans[1] = jb->cx1;
        return 1;
    }
    size_t m = smpsim__polygon_crossings(jb->xy, jb->n_points, y + 0.5, jb->xs), n = 0;
    qsort(jb->xs, m, sizeof *jb->xs, cmp_double);
    for (size_t i = 0; i + 1 < m; i += 2) {
        /* pixel x is inside when x + 0.5 lies in [xs[i], xs[i + 1]);
         * clamped to the window before the conversion */
        double a = fmax(ceil(jb->xs[i] - 0.5), (double)jb->cx0);
        double b = fmin(ceil(jb->xs[i + 1] - 0.5), (double)jb->cx1);
        if (a < b) {
            jb->spans[2 * n] = (long)a;
            jb->spans[2 * n + 1] = (long)b;
            n++;
        }
    }
    return n;
}

/* ---- noise -------------------------------------------------------------- */

/* The k-th smallest of a[0..n) (Hoare's selection; a is reordered). */
static float select_kth(float *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = a[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                float t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k];
    }
    return a[k];
}

/* The noise of the luminance (standard deviation), from the median
 * response of Immerkaer's mask (J. Immerkaer 1996, "Fast noise variance
 * estimation", Computer Vision and Image Understanding 64(2):300-302)
 * over a subsample of the region: robust to edges, which are few. */
static smpsim_status estimate_noise(job *jb, smpsim_error *err)
{
    long w = jb->cx1 - jb->cx0 + 2, rows = jb->cy1 - jb->cy0;
    double area = (double)(jb->cx1 - jb->cx0) * (double)rows;
    long step = area > MAX_NOISE_SAMPLES ? (long)ceil(sqrt(area / MAX_NOISE_SAMPLES)) : 1;
    size_t cap = (size_t)((w / step + 1) * (rows / step + 1));
    float *lum = malloc(3 * (size_t)w * sizeof *lum);
    float *r = malloc(cap * sizeof *r);
    if (!lum || !r) {
        free(lum);
        free(r);
        return smpsim__fail(err, SMPSIM_ENOMEM, "camera blur: out of memory");
    }
    size_t n = 0;
    for (long y = jb->cy0; y < jb->cy1; y += step) {
        for (int j = 0; j < 3; j++)
            luminance_row(jb, y - 1 + j, jb->cx0 - 1, w, lum + (size_t)j * (size_t)w);
        size_t spans = row_spans(jb, y);
        for (size_t k = 0; k < spans; k++)
            for (long x = jb->spans[2 * k]; x < jb->spans[2 * k + 1] && n < cap; x += step) {
                const float *a = lum + (x - jb->cx0 + 1), *b = a + w, *c = b + w;
                float v = a[-1] - 2 * a[0] + a[1] - 2 * (b[-1] - 2 * b[0] + b[1]) + c[-1] -
                          2 * c[0] + c[1];
                r[n++] = fabsf(v);
            }
    }
    free(lum);
    if (n == 0) {
        free(r);
        jb->noise = 0.0;
        return SMPSIM_OK;
    }
    /* |mask| of white noise sigma: half-normal of 6 sigma, median 0.6745 x 6 sigma */
    jb->noise = select_kth(r, n, n / 2) / (6.0 * 0.6745);
    /* at least the rounding of the codes, at mid-grey */
    double code = jb->im->format == SMPSIM_RGBA8 ? 1.0 / 255.0 : 1.0 / 65535.0;
    jb->noise = fmax(jb->noise, code / sqrt(12.0) * SRGB_SLOPE_MID);
    free(r);
    return SMPSIM_OK;
}

/* ---- edges -------------------------------------------------------------- */

static bool add_edge(job *jb, double sigma)
{
    if (!smpsim__reserve((void **)&jb->sigmas, &jb->cap, jb->n + 1, sizeof *jb->sigmas, 4096))
        return false;
    jb->sigmas[jb->n++] = (float)sigma;
    return true;
}

/* The luminance at (px, py), interpolated. */
static float luminance_at(const band *b, float px, float py)
{
    float fx = floorf(px), fy = floorf(py), ax = px - fx, ay = py - fy;
    const float *p = b->lum + (size_t)((long)fy - b->y0) * b->stride + ((long)fx - b->x0);
    const float *q = p + b->stride;
    return (1.0f - ay) * ((1.0f - ax) * p[0] + ax * p[1]) + ay * ((1.0f - ax) * q[0] + ax * q[1]);
}

/* Sobel gradient of band pixel (x, y) (photo coordinates). */
static void sobel(const band *b, long x, long y, float *gx, float *gy)
{
    const float *m = b->lum + (size_t)(y - b->y0) * b->stride + (x - b->x0);
    const float *u = m - b->stride, *d = m + b->stride;
    *gx = (u[1] - u[-1]) + 2.0f * (m[1] - m[-1]) + (d[1] - d[-1]);
    *gy = (d[-1] - u[-1]) + 2.0f * (d[0] - u[0]) + (d[1] - u[1]);
}

static float sobel_mag(const band *b, long x, long y)
{
    float gx, gy;
    sobel(b, x, y, &gx, &gy);
    return gx * gx + gy * gy;
}

/* The edge pixels of row y: a Sobel gradient above threshold (squared)
 * and the largest of its neighbours across the edge. */
static bool scan_row(job *jb, const band *b, long y, float threshold)
{
    size_t spans = row_spans(jb, y);
    for (size_t k = 0; k < spans; k++) {
        for (long x = jb->spans[2 * k]; x < jb->spans[2 * k + 1]; x++) {
            float gx, gy;
            sobel(b, x, y, &gx, &gy);
            float m = gx * gx + gy * gy;
            if (!(m >= threshold))
                continue;
            /* neighbours along the gradient, its direction in 45 degree steps */
            float ax = fabsf(gx), ay = fabsf(gy);
            long dx, dy;
            if (ay < 0.4142f * ax)
                dx = 1, dy = 0;
            else if (ax < 0.4142f * ay)
                dx = 0, dy = 1;
            else
                dx = 1, dy = (gx > 0) == (gy > 0) ? 1 : -1;
            if (!(m > sobel_mag(b, x - dx, y - dy) && m >= sobel_mag(b, x + dx, y + dy)))
                continue;
            /* The luminance rises across it by a good part of the contrast
             * needed (texture goes up and down instead). */
            float r = 1.0f / sqrtf(m), nx = gx * r * STEP_PX, ny = gy * r * STEP_PX;
            if (!(luminance_at(b, x + nx, y + ny) - luminance_at(b, x - nx, y - ny) >=
                  RISE_FRACTION * MIN_CONTRAST * jb->noise))
                continue;
            double sigma = edge_sigma(jb, b, x, y);
            if (sigma >= 0.0 && !add_edge(jb, sigma))
                return false;
        }
    }
    return true;
}

/* Scans every row_step-th row of the window for edges, decoding the
 * luminance in bands of up to BAND_ROWS rows (only the rows the scanned
 * ones need). */
static smpsim_status find_edges(job *jb, smpsim_error *err)
{
    long x0 = jb->cx0 - MARGIN, w = jb->cx1 - jb->cx0 + 2 * MARGIN;
    long per_band = (BAND_ROWS - 2 * MARGIN - 1) / jb->row_step + 1;
    long rows = (per_band - 1) * jb->row_step + 2 * MARGIN + 1;
    size_t floats;
    float *lum = NULL;
    if (smpsim__mul_size((size_t)w, (size_t)rows, &floats) &&
        floats <= SIZE_MAX / sizeof *lum)
        lum = malloc(floats * sizeof *lum);
    if (!lum)
        return smpsim__fail(err, SMPSIM_ENOMEM, "camera blur: out of memory");
    /* A step of contrast MIN_CONTRAST x noise blurred by up to 4 px gives
     * a Sobel response of at least 8 x its slope there. */
    float t = (float)(8.0 * MIN_CONTRAST * jb->noise / (SQRT_2PI * 4.0));
    float threshold = t * t;
    band b = {lum, (size_t)w, x0, 0};
    long end = 0; /* rows [b.y0, end) are decoded */
    bool ok = true;
    for (long y = jb->cy0; y < jb->cy1 && ok; y += jb->row_step) {
        if (y + MARGIN >= end) {
            b.y0 = y - MARGIN;
            end = b.y0 + rows < (long)jb->im->height ? b.y0 + rows : (long)jb->im->height;
            for (long r = b.y0; r < end; r++)
                luminance_row(jb, r, x0, w, lum + (size_t)(r - b.y0) * b.stride);
        }
        ok = scan_row(jb, &b, y, threshold);
    }
    free(lum);
    if (!ok)
        return smpsim__fail(err, SMPSIM_ENOMEM, "camera blur: out of memory");
    return SMPSIM_OK;
}

/* ---- the estimate ------------------------------------------------------- */

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The rise at a fraction of the sorted blurs. */
static double rise_at(const job *jb, double fraction)
{
    size_t i = (size_t)floor(fraction * (double)(jb->n - 1) + 0.5);
    return RISE_PER_SIGMA * jb->sigmas[i];
}

static smpsim_status check_args(const smpsim_image *im, const double *xy, size_t n,
                                smpsim_error *err)
{
    if (!im || !im->pixels || !im->width || !im->height ||
        (im->format != SMPSIM_RGBA8 && im->format != SMPSIM_RGBA16))
        return smpsim__fail(err, SMPSIM_EINVAL, "camera blur: no image");
    if (n == 0 && xy)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "camera blur: a polygon of 0 points (give NULL, 0 for the whole "
                            "photo)");
    if (n > 0 && !xy)
        return smpsim__fail(err, SMPSIM_EINVAL, "camera blur: %zu points but no coordinates",
                            n);
    if (n > 0 && (n < 3 || n > SMPSIM_MAX_POLYGON_POINTS))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "camera blur: a polygon of %zu points, expected 3..%d", n,
                            SMPSIM_MAX_POLYGON_POINTS);
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i]))
            return smpsim__fail(err, SMPSIM_EINVAL, "camera blur: polygon point %zu: %s is %s",
                                i / 2 + 1, i % 2 ? "y" : "x", isnan(xy[i]) ? "NaN" : "infinite");
    return SMPSIM_OK;
}

/* The window of edge pixels: the polygon's bounds inside the photo, less
 * the margin the kernels need. False when nothing is left. */
static bool window(job *jb)
{
    const smpsim_image *im = jb->im;
    double x0 = 0, y0 = 0, x1 = im->width, y1 = im->height;
    if (jb->n_points) {
        x0 = y0 = INFINITY;
        x1 = y1 = -INFINITY;
        for (size_t i = 0; i < jb->n_points; i++) {
            x0 = fmin(x0, jb->xy[2 * i]);
            x1 = fmax(x1, jb->xy[2 * i]);
            y0 = fmin(y0, jb->xy[2 * i + 1]);
            y1 = fmax(y1, jb->xy[2 * i + 1]);
        }
    }
    /* compared before the conversion: points may lie far off */
    x0 = fmax(MARGIN, floor(x0));
    y0 = fmax(MARGIN, floor(y0));
    x1 = fmin((double)im->width - MARGIN, ceil(x1));
    y1 = fmin((double)im->height - MARGIN, ceil(y1));
    if (!(x0 < x1 && y0 < y1))
        return false;
    jb->cx0 = (long)x0;
    jb->cy0 = (long)y0;
    jb->cx1 = (long)x1;
    jb->cy1 = (long)y1;
    return true;
}

static smpsim_status measure(job *jb, smpsim_error *err)
{
    double area = (double)(jb->cx1 - jb->cx0) * (double)(jb->cy1 - jb->cy0);
    jb->row_step = area > MAX_SCAN_PIXELS ? (long)ceil(area / MAX_SCAN_PIXELS) : 1;
    smpsim_status st = estimate_noise(jb, err);
    if (st == SMPSIM_OK)
        st = find_edges(jb, err);
    return st;
}

smpsim_status smpsim_estimate_camera_blur(const smpsim_image *image, const double *xy_px,
                                          size_t n_points, smpsim_blur_estimate *out,
                                          smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "camera blur: out is NULL");
    *out = (smpsim_blur_estimate){0};
    smpsim_status st = check_args(image, xy_px, n_points, err);
    if (st != SMPSIM_OK)
        return st;
    job jb = {.im = image, .xy = xy_px, .n_points = n_points};
    if (!window(&jb))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "camera blur: %s too small: edges need %d px of photo around them",
                            n_points ? "the region is outside the photo or" : "the photo is",
                            MARGIN);
    bool wide = image->format == SMPSIM_RGBA16;
    float *lut = malloc((wide ? 65536 : 256) * sizeof *lut);
    jb.k1 = malloc(sizeof *jb.k1);
    jb.k2 = malloc(sizeof *jb.k2);
    jb.xs = malloc((n_points + 1) * sizeof *jb.xs);
    jb.spans = malloc((n_points + 2) * sizeof *jb.spans);
    if (!lut || !jb.k1 || !jb.k2 || !jb.xs || !jb.spans) {
        st = smpsim__fail(err, SMPSIM_ENOMEM, "camera blur: out of memory");
        goto done;
    }
    if (wide) {
        for (int v = 0; v < 65536; v++)
            lut[v] = (float)smpsim__srgb_to_linear(v / 65535.0);
    } else {
        smpsim__srgb8 t;
        smpsim__srgb8_init(&t);
        memcpy(lut, t.decode, sizeof t.decode);
    }
    jb.lut = lut;
    kernel_init(jb.k1, SCALE1_PX, RADIUS1);
    kernel_init(jb.k2, SCALE2_PX, RADIUS2);
    st = measure(&jb, err);
    if (st == SMPSIM_OK && jb.n < MIN_EDGES)
        st = smpsim__fail(err, SMPSIM_EINVAL,
                          "camera blur: %zu clean step edges in the %s, at least %d needed "
                          "(flat, noisy, only texture and fine lines, or too small)",
                          jb.n, n_points ? "region" : "photo", MIN_EDGES);
    if (st != SMPSIM_OK)
        goto done;
    qsort(jb.sigmas, jb.n, sizeof *jb.sigmas, cmp_float);
    out->n_edges = jb.n;
    out->rise_px = rise_at(&jb, SHARP_PERCENTILE);
    out->median_rise_px = rise_at(&jb, 0.5);
    out->rise_low_px = rise_at(&jb, LOW_PERCENTILE);
    out->rise_high_px = rise_at(&jb, HIGH_PERCENTILE);
    if (out->rise_px < MIN_RISE_PX) {
        out->rise_px = MIN_RISE_PX;
        out->at_floor = 1;
    }
    out->sigma_px = out->rise_px / RISE_PER_SIGMA;
done:
    free(lut);
    free(jb.k1);
    free(jb.k2);
    free(jb.xs);
    free(jb.spans);
    free(jb.sigmas);
    return st;
}
