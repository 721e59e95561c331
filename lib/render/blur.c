/* The photo as an eye sees it from a distance.
 *
 * Normal visual acuity (Snellen 20/20, 6/6) resolves detail of one minute
 * of arc. At distance d an arcminute spans d tan(1/60 deg): 0.15 mm at
 * 0.5 m, 0.29 mm at 1 m, 0.87 mm at 3 m. We model the eye's blur as a
 * Gaussian whose full width at half maximum is that span (sigma = span /
 * 2.355), applied in linear light at the photo's scale. Dots about 1 mm
 * apart then stay distinct at 0.5 m, read as texture at 1 m and merge into
 * an even shadow at 3 m (their contrast falls to a few per cent). */
#include "render/render-private.h"

#include <math.h>
#include <stdlib.h>

#define ARCMIN_RAD (3.14159265358979323846 / 180.0 / 60.0)
#define FWHM_PER_SIGMA 2.3548200450309493
#define MAX_RADIUS_PX 2000

static double decode(const smpsim_image *im, const smpsim__srgb8 *t, const uint8_t *row,
                     size_t i)
{
    if (im->format == SMPSIM_RGBA8)
        return t->decode[row[i]];
    return smpsim__srgb_to_linear(((const uint16_t *)(const void *)row)[i] / 65535.0);
}

smpsim_status smpsim_image_view_at_distance(smpsim_image *image, double px_per_mm,
                                            double distance_m, smpsim_error *err)
{
    if (!image || !image->pixels ||
        (image->format != SMPSIM_RGBA8 && image->format != SMPSIM_RGBA16))
        return smpsim__fail(err, SMPSIM_EINVAL, "viewing distance: no image");
    if (!(px_per_mm >= 0.01 && px_per_mm <= 10000.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "viewing distance: scale %g px/mm, expected 0.01..10000",
                            px_per_mm);
    if (!(distance_m >= 0.05 && distance_m <= 100.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "viewing distance: %g m, expected 0.05..100 m", distance_m);
    double sigma = distance_m * 1000.0 * tan(ARCMIN_RAD) / FWHM_PER_SIGMA * px_per_mm;
    long radius = (long)ceil(3.0 * sigma);
    if (radius > MAX_RADIUS_PX)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "viewing distance: a blur of %ld px is above %d px", radius,
                            MAX_RADIUS_PX);
    if (sigma < 0.2)
        return SMPSIM_OK; /* finer than a pixel: nothing to see */
    size_t w = image->width, h = image->height, n3, bytes;
    if (!smpsim__mul_size(w, h, &n3) || !smpsim__mul_size(n3, 3, &n3) ||
        !smpsim__mul_size(n3, sizeof(float), &bytes))
        return smpsim__fail(err, SMPSIM_ELIMIT, "viewing distance: image too large");
    float *lin = malloc(bytes);
    float *g = malloc((size_t)(2 * radius + 1) * sizeof *g);
    float *row = malloc((w > h ? w : h) * 3 * sizeof *row);
    if (!lin || !g || !row) {
        free(lin);
        free(g);
        free(row);
        return smpsim__fail(err, SMPSIM_ENOMEM, "viewing distance: out of memory");
    }
    double gsum = 0.0;
    for (long k = -radius; k <= radius; k++)
        gsum += exp(-0.5 * k * k / (sigma * sigma));
    for (long k = -radius; k <= radius; k++)
        g[k + radius] = (float)(exp(-0.5 * k * k / (sigma * sigma)) / gsum);
    smpsim__srgb8 t;
    smpsim__srgb8_init(&t);
    /* Horizontal pass into lin. */
    for (size_t y = 0; y < h; y++) {
        const uint8_t *src = (const uint8_t *)image->pixels + y * image->stride;
        for (size_t x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                row[3 * x + c] = (float)decode(image, &t, src, 4 * x + c);
        float *dst = lin + y * w * 3;
        for (size_t x = 0; x < w; x++) {
            float acc[3] = {0, 0, 0};
            for (long k = -radius; k <= radius; k++) {
                long xx = (long)x + k;
                xx = xx < 0 ? 0 : xx >= (long)w ? (long)w - 1 : xx;
                for (int c = 0; c < 3; c++)
                    acc[c] += g[k + radius] * row[3 * xx + c];
            }
            for (int c = 0; c < 3; c++)
                dst[3 * x + c] = acc[c];
        }
    }
    /* Vertical pass from lin into the image, one output row at a time. */
    for (size_t y = 0; y < h; y++) {
        for (size_t i = 0; i < 3 * w; i++)
            row[i] = 0.0f;
        for (long k = -radius; k <= radius; k++) {
            long yy = (long)y + k;
            yy = yy < 0 ? 0 : yy >= (long)h ? (long)h - 1 : yy;
            const float *src = lin + (size_t)yy * w * 3;
            float gk = g[k + radius];
            for (size_t i = 0; i < 3 * w; i++)
                row[i] += gk * src[i];
        }
        uint8_t *dst = (uint8_t *)image->pixels + y * image->stride;
        for (size_t x = 0; x < w; x++)
            for (int c = 0; c < 3; c++) {
                if (image->format == SMPSIM_RGBA8)
                    dst[4 * x + c] = smpsim__srgb8_encode(&t, row[3 * x + c]);
                else
                    ((uint16_t *)(void *)dst)[4 * x + c] = smpsim__srgb16_encode(row[3 * x + c]);
            }
    }
    free(lin);
    free(g);
    free(row);
    return SMPSIM_OK;
}
