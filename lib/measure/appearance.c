/* How a preview differs from its photo where it is treated, as a camera
 * or an eye records it: the metric of issue 15, with which real healed SMP
 * photographs were measured (docs/realism.md, "Measuring the look").
 *
 * - dL*, dC*: CIELAB (D65) lightness and chroma of the region's mean colour
 *   (averaged in linear light), preview minus photo;
 * - between dC*: the same chroma change for the pixels at or above their
 *   local mean lightness (the skin between the dots);
 * - sigma_add: both images resampled to 5 px/mm (box average in linear
 *   light, or bilinear below 5 px/mm), a local mean of L* (Gaussian,
 *   sigma 1 mm, over the region's pixels only) subtracted, the standard
 *   deviation of the rest in each: sqrt(sigma_T^2 - sigma_U^2) (negative
 *   when the preview is smoother);
 * - dark: the share of the preview's resampled pixels at least 4 L*
 *   darker than their local mean. */
#include "geometry/geometry-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRID_PX_PER_MM 5.0
#define LOCAL_SIGMA_MM 1.0
#define DARK_DELTA 4.0


/* Linear RGB planes of an image (3 floats per pixel). */
static float *to_linear(const smpsim_image *im)
{
    size_t n;
    if (!smpsim__mul_size((size_t)im->width * im->height, 3 * sizeof(float), &n))
        return NULL;
    float *out = malloc(n), lut[256];
    if (!out)
        return NULL;
    for (int v = 0; v < 256; v++)
        lut[v] = (float)smpsim__srgb_to_linear(v / 255.0);
    for (uint32_t y = 0; y < im->height; y++) {
        const char *row = (const char *)im->pixels + (size_t)y * im->stride;
        float *o = out + (size_t)y * im->width * 3;
        for (uint32_t x = 0; x < im->width; x++)
            for (int c = 0; c < 3; c++)
                o[3 * x + c] = im->format == SMPSIM_RGBA8
                                   ? lut[((const uint8_t *)row)[4 * x + c]]
                                   : (float)smpsim__srgb_to_linear(
                                         ((const uint16_t *)(const void *)row)[4 * x + c] /
                                         65535.0);
    }
    return out;
}

/* The region at full resolution: 1 where the pixel's centre is inside the
 * polygon (or everywhere without one). */
static uint8_t *region_mask(uint32_t w, uint32_t h, const double *xy, size_t n)
{
    uint8_t *m = malloc((size_t)w * h);
    if (!m)
        return NULL;
    memset(m, n ? 0 : 1, (size_t)w * h);
    if (!n)
        return m;
    double *xs = malloc(n * sizeof *xs);
    if (!xs) {
        free(m);
        return NULL;
    }
    for (uint32_t y = 0; y < h; y++) {
        size_t k = smpsim__polygon_crossings(xy, n, y + 0.5, xs);
        for (uint32_t x = 0; x < w; x++) {
            size_t left = 0;
            for (size_t i = 0; i < k; i++)
                left += x + 0.5 < xs[i];
            m[(size_t)y * w + x] = (uint8_t)(left & 1);
        }
    }
    free(xs);
    return m;
}

/* One image on the 5 px/mm grid. */
typedef struct grid {
    size_t w, h;
    float *rgb;     /* linear */
    float *L;       /* L* */
    uint8_t *in;    /* in the region */
} grid;

static void grid_free(grid *g)
{
    free(g->rgb);
    free(g->L);
    free(g->in);
}

/* Resamples: each grid cell is the mean of the pixels whose centres fall
 * in it (px_per_mm >= 5) or the bilinear sample at its centre; it is in
 * the region when at least half of those pixels are (or the nearest is). */
static bool resample(const float *lin, const uint8_t *mask, uint32_t W, uint32_t H,
                     double px_per_mm, grid *g)
{
    double f = GRID_PX_PER_MM / px_per_mm; /* grid cells per pixel */
    g->w = (size_t)ceil(W * f);
    g->h = (size_t)ceil(H * f);
    if (g->w == 0)
        g->w = 1;
    if (g->h == 0)
        g->h = 1;
    size_t n = g->w * g->h;
    g->rgb = calloc(n * 3, sizeof *g->rgb);
    g->L = malloc(n * sizeof *g->L);
    g->in = calloc(n, 1);
    float *cnt = calloc(n, sizeof *cnt), *inc = calloc(n, sizeof *inc);
    bool ok = g->rgb && g->L && g->in && cnt && inc;
    if (ok && f <= 1.0) {
        for (uint32_t y = 0; y < H; y++) {
            size_t gy = (size_t)((y + 0.5) * f);
            gy = gy < g->h ? gy : g->h - 1;
            for (uint32_t x = 0; x < W; x++) {
                size_t gx = (size_t)((x + 0.5) * f);
                gx = gx < g->w ? gx : g->w - 1;
                size_t i = gy * g->w + gx, p = (size_t)y * W + x;
                for (int c = 0; c < 3; c++)
                    g->rgb[3 * i + c] += lin[3 * p + c];
                cnt[i] += 1.0f;
                inc[i] += mask[p];
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (cnt[i] > 0.0f)
                for (int c = 0; c < 3; c++)
                    g->rgb[3 * i + c] /= cnt[i];
            g->in[i] = cnt[i] > 0.0f && inc[i] >= 0.5f * cnt[i];
        }
    } else if (ok) {
        for (size_t gy = 0; gy < g->h; gy++)
            for (size_t gx = 0; gx < g->w; gx++) {
                double sx = (gx + 0.5) / f - 0.5, sy = (gy + 0.5) / f - 0.5;
                sx = fmin(fmax(sx, 0.0), W - 1.0);
                sy = fmin(fmax(sy, 0.0), H - 1.0);
                uint32_t x0 = (uint32_t)sx, y0 = (uint32_t)sy;
                uint32_t x1 = x0 + 1 < W ? x0 + 1 : x0, y1 = y0 + 1 < H ? y0 + 1 : y0;
                double tx = sx - x0, ty = sy - y0;
                size_t i = gy * g->w + gx;
                for (int c = 0; c < 3; c++) {
                    double a = lin[3 * ((size_t)y0 * W + x0) + c] * (1 - tx) +
                               lin[3 * ((size_t)y0 * W + x1) + c] * tx;
                    double b = lin[3 * ((size_t)y1 * W + x0) + c] * (1 - tx) +
                               lin[3 * ((size_t)y1 * W + x1) + c] * tx;
                    g->rgb[3 * i + c] = (float)(a * (1 - ty) + b * ty);
                }
                g->in[i] = mask[(size_t)(sy + 0.5) * W + (size_t)(sx + 0.5)];
            }
    }
    free(cnt);
    free(inc);
    if (!ok)
        return false;
    for (size_t i = 0; i < n; i++) {
        const float *p = g->rgb + 3 * i;
        g->L[i] =
            (float)smpsim__lightness(0.2126729 * p[0] + 0.7151522 * p[1] + 0.0721750 * p[2]);
    }
    return true;
}

/* Gaussian mean of L* over the region's cells (normalised by the weight of
 * the region's cells it covers), separable, truncated at 3 sigma. */
static bool local_mean(const grid *g, float *mean)
{
    double sigma = LOCAL_SIGMA_MM * GRID_PX_PER_MM;
    int r = (int)ceil(3.0 * sigma);
    double kern[64];
    for (int i = -r; i <= r; i++)
        kern[i + r] = exp(-0.5 * i * i / (sigma * sigma));
    size_t n = g->w * g->h;
    float *tv = malloc(n * sizeof *tv), *tw = malloc(n * sizeof *tw);
    if (!tv || !tw) {
        free(tv);
        free(tw);
        return false;
    }
    for (size_t y = 0; y < g->h; y++)
        for (size_t x = 0; x < g->w; x++) {
            double v = 0, w = 0;
            for (int i = -r; i <= r; i++) {
                long xx = (long)x + i;
                if (xx < 0 || xx >= (long)g->w || !g->in[y * g->w + (size_t)xx])
                    continue;
                v += kern[i + r] * g->L[y * g->w + (size_t)xx];
                w += kern[i + r];
            }
            tv[y * g->w + x] = (float)v;
            tw[y * g->w + x] = (float)w;
        }
    for (size_t y = 0; y < g->h; y++)
        for (size_t x = 0; x < g->w; x++) {
            double v = 0, w = 0;
            for (int i = -r; i <= r; i++) {
                long yy = (long)y + i;
                if (yy < 0 || yy >= (long)g->h)
                    continue;
                v += kern[i + r] * tv[(size_t)yy * g->w + x];
                w += kern[i + r] * tw[(size_t)yy * g->w + x];
            }
            mean[y * g->w + x] = w > 0 ? (float)(v / w) : g->L[y * g->w + x];
        }
    free(tv);
    free(tw);
    return true;
}

typedef struct texture {
    double sigma, dark, between_rgb[3];
    size_t n;
} texture;

static bool measure_texture(const grid *g, texture *t)
{
    size_t n = g->w * g->h;
    float *mean = malloc(n * sizeof *mean);
    if (!mean || !local_mean(g, mean)) {
        free(mean);
        return false;
    }
    double s = 0, s2 = 0, rgb[3] = {0, 0, 0};
    size_t cnt = 0, dark = 0, between = 0;
    for (size_t i = 0; i < n; i++) {
        if (!g->in[i])
            continue;
        double d = (double)g->L[i] - mean[i];
        s += d;
        s2 += d * d;
        cnt++;
        dark += d <= -DARK_DELTA;
        if (d >= 0.0) {
            for (int c = 0; c < 3; c++)
                rgb[c] += g->rgb[3 * i + c];
            between++;
        }
    }
    free(mean);
    t->n = cnt;
    if (!cnt)
        return true;
    double m = s / cnt;
    t->sigma = sqrt(fmax(s2 / cnt - m * m, 0.0));
    t->dark = (double)dark / cnt;
    for (int c = 0; c < 3; c++)
        t->between_rgb[c] = between ? rgb[c] / between : 0.0;
    return true;
}

static double chroma(const double rgb[3])
{
    double lab[3];
    smpsim__linear_to_lab(rgb, lab);
    return hypot(lab[1], lab[2]);
}

static smpsim_status check_args(const smpsim_image *photo, const smpsim_image *preview,
                                const double *xy_px, size_t n_points, double px_per_mm,
                                double distance_m, smpsim_appearance *out, smpsim_error *err)
{
    if (!photo || !preview || !photo->pixels || !preview->pixels || !out)
        return smpsim__fail(err, SMPSIM_EINVAL, "appearance: photo, preview or out is NULL");
    if (photo->width != preview->width || photo->height != preview->height)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "appearance: the photo is %ux%u px, the preview %ux%u px",
                            photo->width, photo->height, preview->width, preview->height);
    for (int i = 0; i < 2; i++) {
        smpsim_pixel_format f = (i ? preview : photo)->format;
        if (f != SMPSIM_RGBA8 && f != SMPSIM_RGBA16)
            return smpsim__fail(err, SMPSIM_EINVAL, "appearance: unknown pixel format %d", (int)f);
    }
    if (!(px_per_mm >= 0.5 && px_per_mm <= 1000.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "appearance: scale is %g px/mm, expected 0.5..1000",
                            px_per_mm);
    if (!(distance_m == 0.0 || (distance_m >= 0.05 && distance_m <= 100.0)))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "appearance: distance is %g m, expected 0 (none) or 0.05..100",
                            distance_m);
    if (n_points && (n_points < 3 || !xy_px))
        return smpsim__fail(err, SMPSIM_EINVAL, "appearance: a region needs 3 or more points");
    for (size_t i = 0; i < 2 * n_points; i++)
        if (!isfinite(xy_px[i]))
            return smpsim__fail(err, SMPSIM_EINVAL, "appearance: region point %zu is not finite",
                                i / 2 + 1);
    return SMPSIM_OK;
}

/* The images as they are measured: blurred to the viewing distance, or
 * the caller's. *a and *b are copies to free (or NULL). */
static smpsim_status at_distance(const smpsim_image *im, double px_per_mm, double distance_m,
                                 smpsim_image **copy, smpsim_error *err)
{
    *copy = NULL;
    if (distance_m == 0.0)
        return SMPSIM_OK;
    smpsim_status st = smpsim_image_new(im->width, im->height, im->format, copy, err);
    if (st != SMPSIM_OK)
        return st;
    size_t row = (size_t)im->width * (im->format == SMPSIM_RGBA8 ? 4 : 8);
    for (uint32_t y = 0; y < im->height; y++)
        memcpy((char *)(*copy)->pixels + (size_t)y * (*copy)->stride,
               (const char *)im->pixels + (size_t)y * im->stride, row);
    st = smpsim_image_view_at_distance(*copy, px_per_mm, distance_m, err);
    if (st != SMPSIM_OK) {
        smpsim_image_free(*copy);
        *copy = NULL;
    }
    return st;
}

smpsim_status smpsim_measure_appearance(const smpsim_image *photo, const smpsim_image *preview,
                                        const double *xy_px, size_t n_points, double px_per_mm,
                                        double distance_m, smpsim_appearance *out,
                                        smpsim_error *err)
{
    smpsim_status st =
        check_args(photo, preview, xy_px, n_points, px_per_mm, distance_m, out, err);
    if (st != SMPSIM_OK)
        return st;
    *out = (smpsim_appearance){0};
    smpsim_image *cu = NULL, *ct = NULL;
    st = at_distance(photo, px_per_mm, distance_m, &cu, err);
    if (st == SMPSIM_OK)
        st = at_distance(preview, px_per_mm, distance_m, &ct, err);
    const smpsim_image *U = cu ? cu : photo, *T = ct ? ct : preview;
    uint32_t W = photo->width, H = photo->height;
    float *lu = NULL, *lt = NULL;
    uint8_t *mask = NULL;
    grid gu = {0}, gt = {0};
    texture tu = {0}, tt = {0};
    if (st == SMPSIM_OK) {
        lu = to_linear(U);
        lt = to_linear(T);
        mask = region_mask(W, H, xy_px, n_points);
        if (!lu || !lt || !mask || !resample(lu, mask, W, H, px_per_mm, &gu) ||
            !resample(lt, mask, W, H, px_per_mm, &gt) || !measure_texture(&gu, &tu) ||
            !measure_texture(&gt, &tt))
            st = smpsim__fail(err, SMPSIM_ENOMEM, "appearance: out of memory");
    }
    if (st == SMPSIM_OK) {
        double su[3] = {0, 0, 0}, stt[3] = {0, 0, 0};
        size_t n = 0;
        for (size_t p = 0; p < (size_t)W * H; p++) {
            if (!mask[p])
                continue;
            for (int c = 0; c < 3; c++) {
                su[c] += lu[3 * p + c];
                stt[c] += lt[3 * p + c];
            }
            n++;
        }
        if (!n || !tu.n) {
            st = smpsim__fail(err, SMPSIM_EINVAL, "appearance: the region holds no pixel");
        } else {
            double lab_u[3], lab_t[3];
            for (int c = 0; c < 3; c++) {
                su[c] /= n;
                stt[c] /= n;
            }
            smpsim__linear_to_lab(su, lab_u);
            smpsim__linear_to_lab(stt, lab_t);
            out->lightness_untreated = lab_u[0];
            out->lightness_treated = lab_t[0];
            out->chroma_untreated = hypot(lab_u[1], lab_u[2]);
            out->chroma_treated = hypot(lab_t[1], lab_t[2]);
            out->delta_lightness = lab_t[0] - lab_u[0];
            out->delta_chroma = out->chroma_treated - out->chroma_untreated;
            out->delta_chroma_between = chroma(tt.between_rgb) - chroma(tu.between_rgb);
            out->sigma_untreated = tu.sigma;
            out->sigma_treated = tt.sigma;
            double d2 = tt.sigma * tt.sigma - tu.sigma * tu.sigma;
            out->sigma_added = d2 >= 0 ? sqrt(d2) : -sqrt(-d2);
            out->dark_fraction = tt.dark;
            out->dark_fraction_untreated = tu.dark;
            out->n_pixels = n;
            out->n_grid_cells = tt.n;
        }
    }
    grid_free(&gu);
    grid_free(&gt);
    free(lu);
    free(lt);
    free(mask);
    smpsim_image_free(cu);
    smpsim_image_free(ct);
    return st;
}
