/* Skin tone and hair colour sampled from a photo, with an approximate
 * Fitzpatrick type from the individual typology angle (ITA).
 *
 * ITA = atan((L* - 50) / b*) in degrees (Chardon, Cretois & Hourseau 1991,
 * Int J Cosmet Sci 13:191; categories as used by Del Bino & Bernerd 2013,
 * Br J Dermatol 169 Suppl 3:33): > 55 very light, 41-55 light, 28-41
 * intermediate, 10-28 tan, -30-10 brown, < -30 dark. We map the six
 * categories to Fitzpatrick I..VI one to one: an approximation (the ITA
 * measures colour, Fitzpatrick the reaction to sun), good enough to pick a
 * starting shade, and reported as "approximate". Photo colour also depends
 * on the lighting and the camera. */
#include "render/render-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_SAMPLES 262144 /* pixels used at most: a regular subsample beyond */
#define DEFAULT_RADIUS_PX 6.0
#define HAIR_FRACTION 0.15
/* Skin-coloured pixels (skin_coloured()): CIELAB chroma at least this,
 * and at least this share of the middle half for the filter to apply. */
#define SKIN_MIN_CHROMA 6.0
#define SKIN_MIN_SHARE 0.25

typedef struct sample {
    float y; /* luminance, the sort key */
    float rgb[3];
    bool skin; /* skin-coloured (skin_coloured()) */
} sample;

typedef struct collector {
    const smpsim_image *im;
    smpsim__srgb8 t;
    sample *s;
    size_t n, cap;
} collector;

static void pixel_linear(const collector *c, long x, long y, float rgb[3], int *opaque)
{
    const smpsim_image *im = c->im;
    const uint8_t *row = (const uint8_t *)im->pixels + (size_t)y * im->stride;
    if (im->format == SMPSIM_RGBA8) {
        const uint8_t *p = row + (size_t)x * 4;
        for (int k = 0; k < 3; k++)
            rgb[k] = c->t.decode[p[k]];
        *opaque = p[3] != 0;
    } else {
        const uint16_t *p = (const uint16_t *)(const void *)row + (size_t)x * 4;
        for (int k = 0; k < 3; k++)
            rgb[k] = (float)smpsim__srgb_to_linear(p[k] / 65535.0);
        *opaque = p[3] != 0;
    }
}

static bool add(collector *c, long x, long y)
{
    if (x < 0 || y < 0 || x >= (long)c->im->width || y >= (long)c->im->height)
        return true;
    if (!smpsim__reserve((void **)&c->s, &c->cap, c->n + 1, sizeof *c->s, 1024))
        return false;
    sample *s = &c->s[c->n];
    int opaque;
    pixel_linear(c, x, y, s->rgb, &opaque);
    if (!opaque)
        return true;
    s->y = 0.2126f * s->rgb[0] + 0.7152f * s->rgb[1] + 0.0722f * s->rgb[2];
    c->n++;
    return true;
}

static int by_luminance(const void *a, const void *b)
{
    const sample *x = a, *y = b;
    if (x->y != y->y)
        return x->y < y->y ? -1 : 1;
    for (int k = 0; k < 3; k++)
        if (x->rgb[k] != y->rgb[k])
            return x->rgb[k] < y->rgb[k] ? -1 : 1;
    return 0;
}

static double lab_f(double t)
{
    return t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

/* CIE L*, a*, b* (D65) of a linear sRGB colour. */
static void lab_of(double r, double g, double b, double lab[3])
{
    double X = 0.4124 * r + 0.3576 * g + 0.1805 * b;
    double Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    double Z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
    double fx = lab_f(X / 0.95047), fy = lab_f(Y), fz = lab_f(Z / 1.08883);
    lab[0] = 116.0 * fy - 16.0;
    lab[1] = 500.0 * (fx - fy);
    lab[2] = 200.0 * (fy - fz);
}

/* Fills the derived fields of a colour from its linear RGB. */
static void describe(smpsim_colour *out, smpsim_sample_kind kind)
{
    const double *l = out->linear;
    int code[3];
    for (int k = 0; k < 3; k++) {
        out->srgb[k] = smpsim__linear_to_srgb(fmin(fmax(l[k], 0.0), 1.0));
        code[k] = (int)lrint(out->srgb[k] * 255.0);
    }
    snprintf(out->hex, sizeof out->hex, "#%02x%02x%02x", code[0] & 255, code[1] & 255,
             code[2] & 255);
    double lab[3];
    lab_of(l[0], l[1], l[2], lab);
    out->lightness = lab[0];
    double b_star = lab[2];
    out->ita_deg = atan2(out->lightness - 50.0, b_star) * 180.0 / 3.14159265358979323846;
    out->fitzpatrick = 0;
    if (kind != SMPSIM_SAMPLE_SKIN || !(b_star > 0.0))
        return; /* not a skin colour: no yellow component */
    double ita = out->ita_deg;
    out->fitzpatrick = ita > 55 ? 1 : ita > 41 ? 2 : ita > 28 ? 3 : ita > 10 ? 4 : ita > -30 ? 5 : 6;
}

/* Skin-coloured: a hue between red and yellow (a* > 0, b* > 0: measured
 * skin of every group lies in that quadrant of CIELAB; Weatherall & Coombs
 * 1992, J Invest Dermatol 99:468; Xiao et al. 2017, Skin Res Technol
 * 23:21) and a chroma of at least SKIN_MIN_CHROMA (grey and white hair,
 * a grey backdrop have less). */
static bool skin_coloured(const float rgb[3])
{
    double lab[3];
    lab_of(rgb[0], rgb[1], rgb[2], lab);
    return lab[1] > 0.0 && lab[2] > 0.0 && hypot(lab[1], lab[2]) >= SKIN_MIN_CHROMA;
}

static smpsim_status finish(collector *c, smpsim_sample_kind kind, smpsim_colour *out,
                            smpsim_error *err)
{
    if (c->n == 0) {
        free(c->s);
        return smpsim__fail(err, SMPSIM_EINVAL, "colour sample: no opaque pixel selected");
    }
    qsort(c->s, c->n, sizeof *c->s, by_luminance);
    size_t lo, hi;
    if (kind == SMPSIM_SAMPLE_SKIN) {
        lo = c->n / 4;
        hi = c->n - c->n / 4;
    } else {
        lo = 0;
        hi = (size_t)ceil(c->n * HAIR_FRACTION);
    }
    if (hi <= lo)
        hi = lo + 1;
    /* Skin: of the middle half, the skin-coloured pixels only, when there
     * are enough of them. Dots drawn near the head's outline can fall on
     * the backdrop or on grey or white hair as bright as the skin, which
     * would otherwise pull the mean towards them. */
    size_t skin = 0;
    for (size_t i = lo; kind == SMPSIM_SAMPLE_SKIN && i < hi; i++)
        if ((c->s[i].skin = skin_coloured(c->s[i].rgb)))
            skin++;
    bool only_skin = skin > 0 && (double)skin >= SKIN_MIN_SHARE * (double)(hi - lo);
    double sum[3] = {0, 0, 0};
    size_t used = 0;
    for (size_t i = lo; i < hi; i++) {
        if (only_skin && !c->s[i].skin)
            continue;
        for (int k = 0; k < 3; k++)
            sum[k] += c->s[i].rgb[k];
        used++;
    }
    *out = (smpsim_colour){.n_pixels = used};
    for (int k = 0; k < 3; k++)
        out->linear[k] = sum[k] / (double)used;
    describe(out, kind);
    free(c->s);
    return SMPSIM_OK;
}

static bool check_image(const smpsim_image *im)
{
    return im && im->pixels && im->width && im->height &&
           (im->format == SMPSIM_RGBA8 || im->format == SMPSIM_RGBA16);
}

/* Step between sampled pixels so that at most MAX_SAMPLES are taken from
 * an area of `pixels`. */
static long step_for(double pixels)
{
    return pixels > MAX_SAMPLES ? (long)ceil(sqrt(pixels / MAX_SAMPLES)) : 1;
}

smpsim_status smpsim_sample_colour(const smpsim_image *image, smpsim_sample_kind kind,
                                   const double *xy_px, size_t n_points, double radius_px,
                                   smpsim_colour *out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "colour sample: out is NULL");
    *out = (smpsim_colour){0};
    if (!check_image(image))
        return smpsim__fail(err, SMPSIM_EINVAL, "colour sample: no image");
    if (kind != SMPSIM_SAMPLE_SKIN && kind != SMPSIM_SAMPLE_HAIR)
        return smpsim__fail(err, SMPSIM_EINVAL, "colour sample: unknown kind %d", (int)kind);
    if ((n_points > 0 && !xy_px) || n_points > SMPSIM_MAX_POLYGON_POINTS)
        return smpsim__fail(err, SMPSIM_EINVAL, "colour sample: %zu points but no coordinates",
                            n_points);
    if (radius_px == 0.0)
        radius_px = DEFAULT_RADIUS_PX;
    if (!(radius_px > 0.0 && radius_px <= 10000.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "colour sample: radius %g px, expected 0..10000",
                            radius_px);
    double x0 = 0, y0 = 0, x1 = image->width, y1 = image->height;
    for (size_t i = 0; i < 2 * n_points; i++)
        if (!isfinite(xy_px[i]))
            return smpsim__fail(err, SMPSIM_EINVAL, "colour sample: point %zu is not finite",
                                i / 2 + 1);
    if (n_points >= 3) {
        x0 = y0 = INFINITY;
        x1 = y1 = -INFINITY;
        for (size_t i = 0; i < n_points; i++) {
            x0 = fmin(x0, xy_px[2 * i]);
            x1 = fmax(x1, xy_px[2 * i]);
            y0 = fmin(y0, xy_px[2 * i + 1]);
            y1 = fmax(y1, xy_px[2 * i + 1]);
        }
        x0 = fmax(x0, 0.0);
        y0 = fmax(y0, 0.0);
        x1 = fmin(x1, image->width);
        y1 = fmin(y1, image->height);
    }
    collector c = {.im = image};
    smpsim__srgb8_init(&c.t);
    bool ok = true;
    if (n_points == 1 || n_points == 2) {
        long r = (long)ceil(radius_px);
        for (size_t i = 0; i < n_points && ok; i++) {
            double px = xy_px[2 * i], py = xy_px[2 * i + 1];
            for (long dy = -r; dy <= r && ok; dy++)
                for (long dx = -r; dx <= r && ok; dx++) {
                    long x = (long)floor(px) + dx, y = (long)floor(py) + dy;
                    if (hypot(x + 0.5 - px, y + 0.5 - py) <= radius_px)
                        ok = add(&c, x, y);
                }
        }
    } else if (x1 > x0 && y1 > y0) {
        long step = step_for((x1 - x0) * (y1 - y0));
        for (long y = (long)floor(y0); y < (long)ceil(y1) && ok; y += step)
            for (long x = (long)floor(x0); x < (long)ceil(x1) && ok; x += step)
                if (n_points < 3 || smpsim__polygon_contains(xy_px, n_points, x + 0.5, y + 0.5))
                    ok = add(&c, x, y);
    }
    if (!ok) {
        free(c.s);
        return smpsim__fail(err, SMPSIM_ENOMEM, "colour sample: out of memory");
    }
    return finish(&c, kind, out, err);
}

smpsim_status smpsim_sample_skin_at_dots(const smpsim_image *image, const smpsim_view *view,
                                         const smpsim_dots *dots, smpsim_colour *out,
                                         smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "skin sample: out is NULL");
    *out = (smpsim_colour){0};
    if (!check_image(image) || !dots || (dots->count && !dots->dots))
        return smpsim__fail(err, SMPSIM_EINVAL, "skin sample: no image or no dots");
    smpsim_status st = smpsim_view_validate(view, err);
    if (st != SMPSIM_OK)
        return st;
    collector c = {.im = image};
    smpsim__srgb8_init(&c.t);
    size_t step = dots->count > MAX_SAMPLES ? dots->count / MAX_SAMPLES + 1 : 1;
    for (size_t i = 0; i < dots->count; i += step) {
        double x, y, s;
        if (!smpsim_view_map(view, dots->dots[i].x_mm, dots->dots[i].y_mm, &x, &y, &s) ||
            !isfinite(x) || !isfinite(y) || fabs(x) > 1e9 || fabs(y) > 1e9)
            continue;
        if (!add(&c, (long)floor(x), (long)floor(y))) {
            free(c.s);
            return smpsim__fail(err, SMPSIM_ENOMEM, "skin sample: out of memory");
        }
    }
    if (c.n == 0) {
        free(c.s);
        return smpsim__fail(err, SMPSIM_EINVAL, "skin sample: no dot lies on the photo");
    }
    return finish(&c, SMPSIM_SAMPLE_SKIN, out, err);
}
