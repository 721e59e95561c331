/* smpsim images <-> cairo image surfaces: the one conversion guides, the
 * CLI's canvases and applications share. Cairo keeps premultiplied
 * native-endian ARGB32; smpsim images are straight RGBA. */
#include "cairo/cairo-private.h"

#include <stdlib.h>

/* Channel c of pixel x of a row, as 8 bits (16-bit samples rounded). */
static inline uint32_t sample8(const smpsim_image *img, const uint8_t *row, size_t x, int c)
{
    if (img->format == SMPSIM_RGBA8)
        return row[4 * x + (size_t)c];
    uint16_t v;
    memcpy(&v, row + 2 * (4 * x + (size_t)c), sizeof v);
    return (v * 255u + 32767u) / 65535u;
}

void smpsim__image_row_to_argb(const smpsim_image *img, uint32_t y, uint32_t x0, uint32_t n,
                               uint32_t *out)
{
    const uint8_t *row = (const uint8_t *)img->pixels + (size_t)y * img->stride;
    for (uint32_t i = 0; i < n; i++) {
        size_t x = (size_t)x0 + i;
        uint32_t a = sample8(img, row, x, 3), v = a << 24;
        for (int c = 0; c < 3; c++)
            v |= ((sample8(img, row, x, c) * a + 127u) / 255u) << (16 - 8 * c);
        out[i] = v;
    }
}

void smpsim__argb_to_rgba8(uint32_t v, uint8_t rgba[4])
{
    uint32_t a = v >> 24;
    rgba[3] = (uint8_t)a;
    for (int c = 0; c < 3; c++) {
        uint32_t p = (v >> (16 - 8 * c)) & 0xFFu, s = a ? (p * 255u + a / 2u) / a : 0u;
        rgba[c] = (uint8_t)(s > 255u ? 255u : s);
    }
}

cairo_surface_t *smpsim_image_to_cairo(const smpsim_image *image, int x, int y, int w, int h,
                                       smpsim_error *err)
{
    if (!image || !image->pixels ||
        (image->format != SMPSIM_RGBA8 && image->format != SMPSIM_RGBA16)) {
        smpsim__fail(err, SMPSIM_EINVAL, "image_to_cairo: no image");
        return NULL;
    }
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || (uint32_t)x + (uint32_t)w > image->width ||
        (uint32_t)y + (uint32_t)h > image->height) {
        smpsim__fail(err, SMPSIM_EINVAL,
                     "image_to_cairo: rectangle %d,%d %dx%d is not inside the %ux%u image", x, y,
                     w, h, image->width, image->height);
        return NULL;
    }
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        smpsim__fail(err, SMPSIM_ENOMEM, "image_to_cairo: cannot make a %dx%d surface", w, h);
        return NULL;
    }
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int r = 0; r < h; r++)
        smpsim__image_row_to_argb(image, (uint32_t)(y + r), (uint32_t)x, (uint32_t)w,
                                  (uint32_t *)(void *)(data + (size_t)r * (size_t)stride));
    cairo_surface_mark_dirty(s);
    return s;
}

smpsim_status smpsim_image_from_cairo(cairo_surface_t *surface, smpsim_image **out,
                                      smpsim_error *err)
{
    if (out)
        *out = NULL;
    if (!surface || !out || cairo_surface_get_type(surface) != CAIRO_SURFACE_TYPE_IMAGE)
        return smpsim__fail(err, SMPSIM_EINVAL, "image_from_cairo: not an image surface");
    cairo_format_t format = cairo_image_surface_get_format(surface);
    if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24)
        return smpsim__fail(err, SMPSIM_EINVAL, "image_from_cairo: format %d is not ARGB32 or "
                                                "RGB24",
                            (int)format);
    cairo_surface_flush(surface);
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    smpsim_status st = smpsim_image_new((uint32_t)w, (uint32_t)h, SMPSIM_RGBA8, out, err);
    if (st != SMPSIM_OK)
        return st;
    const unsigned char *data = cairo_image_surface_get_data(surface);
    int stride = cairo_image_surface_get_stride(surface);
    uint32_t opaque = format == CAIRO_FORMAT_RGB24 ? 0xFF000000u : 0u;
    for (int r = 0; r < h; r++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)r * (size_t)stride);
        uint8_t *row = (uint8_t *)(*out)->pixels + (size_t)r * (*out)->stride;
        for (int c = 0; c < w; c++)
            smpsim__argb_to_rgba8(px[c] | opaque, row + 4 * c);
    }
    return SMPSIM_OK;
}
