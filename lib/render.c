/* Compositing dots over a photo in linear light.
 *
 * A dot is pigment seen through the epidermis: each pixel's linear colour C
 * becomes C * (1 - a + a T), where T is the pigment's transmittance per
 * channel (slightly higher in blue: the cool cast of carbon under skin) and a
 * is the dot's coverage of the pixel. Coverage comes from a disc with a
 * linear soft edge, integrated over the pixel by supersampling and then
 * scaled so that the total equals the profile's exact area: a 1-pixel dot
 * darkens exactly as much area as it covers. */
#include "smpsim-private.h"

#include <math.h>
#include <stdlib.h>

#define DEFAULT_EDGE_SOFTNESS 0.35
#define DEFAULT_MAX_OD 1.3
#define DEFAULT_BLUE_RATIO 0.88
#define PI 3.14159265358979323846
#define MAX_KERNEL_PX 4096 /* a dot wider than this is clipped to it */

typedef struct renderer {
    smpsim_render_options o;
    const smpsim_view *view;
    smpsim_image *image;
    float lut8[256]; /* sRGB 8-bit -> linear */
    float *weights;  /* scratch for one dot's kernel */
    size_t weights_cap;
} renderer;

static smpsim_status resolve_options(const smpsim_render_options *in, smpsim_render_options *o,
                                     smpsim_error *err)
{
    smpsim__copy_options(o, sizeof *o, in);
    if (o->edge_softness == 0.0)
        o->edge_softness = DEFAULT_EDGE_SOFTNESS;
    if (o->max_optical_density == 0.0)
        o->max_optical_density = DEFAULT_MAX_OD;
    if (o->blue_absorbance_ratio == 0.0)
        o->blue_absorbance_ratio = DEFAULT_BLUE_RATIO;
    if (!(o->edge_softness >= 0.01 && o->edge_softness <= 1.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "render: edge_softness is %g, expected 0.01..1",
                            o->edge_softness);
    if (!(o->max_optical_density > 0.0 && o->max_optical_density <= 4.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "render: max_optical_density is %g, expected 0..4",
                            o->max_optical_density);
    if (!(o->blue_absorbance_ratio >= 0.5 && o->blue_absorbance_ratio <= 1.5))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "render: blue_absorbance_ratio is %g, expected 0.5..1.5",
                            o->blue_absorbance_ratio);
    return SMPSIM_OK;
}

static void transmittance(double shade, const smpsim_render_options *o, double rgb[3])
{
    double od = fmin(fmax(shade, 0.0), 10.0) / 10.0 * o->max_optical_density;
    double ratio = o->blue_absorbance_ratio;
    rgb[0] = pow(10.0, -od);
    rgb[1] = pow(10.0, -od * (1.0 + ratio) / 2.0);
    rgb[2] = pow(10.0, -od * ratio);
}

void smpsim_shade_transmittance(double shade, const smpsim_render_options *opts, double rgb[3])
{
    smpsim_render_options o;
    if (resolve_options(opts, &o, NULL) != SMPSIM_OK)
        resolve_options(NULL, &o, NULL);
    transmittance(shade, &o, rgb);
}

/* Exact area (px^2) of a disc profile: 1 inside a, falling linearly to 0 at b. */
static double profile_area(double a, double b)
{
    if (b - a < 1e-12)
        return PI * b * b;
    double ramp = (b * (b * b - a * a) / 2.0 - (b * b * b - a * a * a) / 3.0) / (b - a);
    return PI * a * a + 2.0 * PI * ramp;
}

static double profile(double r, double a, double b)
{
    if (r <= a)
        return 1.0;
    if (r >= b)
        return 0.0;
    return (b - r) / (b - a);
}

/* Coverage of the pixels [x0, x0+w) x [y0, y0+h) by a dot centred at
 * (cx, cy), into r->weights; returns false if nothing is covered. */
static bool dot_kernel(renderer *r, double cx, double cy, double a, double b, long x0, long y0,
                       long w, long h)
{
    int n = b < 2.0 ? 8 : (b < 6.0 ? 4 : 2); /* subsamples per pixel side */
    double sum = 0.0;
    for (long j = 0; j < h; j++) {
        for (long i = 0; i < w; i++) {
            double acc = 0.0;
            for (int sy = 0; sy < n; sy++) {
                double py = y0 + j + (sy + 0.5) / n - cy;
                for (int sx = 0; sx < n; sx++) {
                    double px = x0 + i + (sx + 0.5) / n - cx;
                    acc += profile(sqrt(px * px + py * py), a, b);
                }
            }
            r->weights[j * w + i] = (float)(acc / (n * n));
            sum += acc / (n * n);
        }
    }
    if (!(sum > 0.0))
        return false;
    float scale = (float)(profile_area(a, b) / sum);
    for (long k = 0; k < w * h; k++)
        r->weights[k] = fminf(1.0f, r->weights[k] * scale);
    return true;
}

static uint8_t encode8(double lin)
{
    double v = smpsim__linear_to_srgb(fmin(fmax(lin, 0.0), 1.0));
    return (uint8_t)lrint(v * 255.0);
}

static uint16_t encode16(double lin)
{
    double v = smpsim__linear_to_srgb(fmin(fmax(lin, 0.0), 1.0));
    return (uint16_t)lrint(v * 65535.0);
}

static void darken_pixel(renderer *r, long x, long y, float a, const double t[3])
{
    smpsim_image *im = r->image;
    unsigned char *row = (unsigned char *)im->pixels + (size_t)y * im->stride;
    if (im->format == SMPSIM_RGBA8) {
        uint8_t *p = row + (size_t)x * 4;
        for (int c = 0; c < 3; c++)
            p[c] = encode8(r->lut8[p[c]] * (1.0 - a + a * t[c]));
    } else {
        uint16_t *p = (uint16_t *)(void *)row + (size_t)x * 4;
        for (int c = 0; c < 3; c++)
            p[c] = encode16(smpsim__srgb_to_linear(p[c] / 65535.0) * (1.0 - a + a * t[c]));
    }
}

static smpsim_status render_dot(renderer *r, const smpsim_dot *d, smpsim_error *err)
{
    double cx, cy;
    smpsim_view_to_px(r->view, d->x_mm, d->y_mm, &cx, &cy);
    double radius = 0.5 * d->diameter_mm * r->view->px_per_mm;
    double s = r->o.edge_softness;
    double a = radius * (1.0 - s / 2.0), b = radius * (1.0 + s / 2.0);
    if (!(b > 0.0) || !isfinite(cx) || !isfinite(cy))
        return SMPSIM_OK;
    if (b > MAX_KERNEL_PX / 2)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "render: a dot of %g mm is %.0f px wide, above %d px", d->diameter_mm,
                            2 * b, MAX_KERNEL_PX);
    long x0 = (long)floor(cx - b), y0 = (long)floor(cy - b);
    long x1 = (long)floor(cx + b) + 1, y1 = (long)floor(cy + b) + 1;
    if (x1 <= 0 || y1 <= 0 || x0 >= (long)r->image->width || y0 >= (long)r->image->height)
        return SMPSIM_OK;
    long w = x1 - x0, h = y1 - y0;
    size_t need = (size_t)w * (size_t)h;
    if (need > r->weights_cap) {
        float *grown = realloc(r->weights, need * sizeof *grown);
        if (!grown)
            return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
        r->weights = grown;
        r->weights_cap = need;
    }
    if (!dot_kernel(r, cx, cy, a, b, x0, y0, w, h))
        return SMPSIM_OK;
    double t[3];
    transmittance(d->shade, &r->o, t);
    for (long j = 0; j < h; j++) {
        long y = y0 + j;
        if (y < 0 || y >= (long)r->image->height)
            continue;
        for (long i = 0; i < w; i++) {
            long x = x0 + i;
            float wgt = r->weights[j * w + i];
            if (x >= 0 && x < (long)r->image->width && wgt > 0.0f)
                darken_pixel(r, x, y, wgt, t);
        }
    }
    return SMPSIM_OK;
}

smpsim_status smpsim_render_dots(smpsim_image *image, const smpsim_view *view,
                                 const smpsim_dots *dots, const smpsim_render_options *opts,
                                 smpsim_error *err)
{
    if (!image || !image->pixels || !dots)
        return smpsim__fail(err, SMPSIM_EINVAL, "render: image or dots is NULL");
    if (image->format != SMPSIM_RGBA8 && image->format != SMPSIM_RGBA16)
        return smpsim__fail(err, SMPSIM_EINVAL, "render: unknown pixel format %d",
                            (int)image->format);
    smpsim_status st = smpsim_view_validate(view, err);
    if (st != SMPSIM_OK)
        return st;
    renderer r = {.view = view, .image = image};
    st = resolve_options(opts, &r.o, err);
    if (st != SMPSIM_OK)
        return st;
    for (int v = 0; v < 256; v++)
        r.lut8[v] = (float)smpsim__srgb_to_linear(v / 255.0);
    for (size_t i = 0; i < dots->count && st == SMPSIM_OK; i++)
        st = render_dot(&r, &dots->dots[i], err);
    free(r.weights);
    return st;
}
