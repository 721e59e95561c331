/* Warnings a client's photo needs (issue 15): white or grey hair, a photo
 * too coarse to show single dots, a region lying mostly off the skin. */
#include "render/render-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_PHOTO_WARNINGS 16
/* Below this many photo pixels per scalp millimetre a 0.2-0.25 mm needle
 * mark is about a pixel and a healed speck 2-3: the preview shows tone and
 * texture, not dots (issue 15: photos at 1.9-2.6 px/mm). */
#define COARSE_PX_PER_MM 4.0
/* A region with more than this share of its dots off the skin. */
#define OFF_SKIN_SHARE 0.5
#define OFF_SKIN_MIN_DOTS 20
/* White or grey hair: light (L* at least GREY_MIN_L and no darker than
 * the skin by GREY_DARKER), grey (chroma under GREY_MAX_C) pixels in the
 * hair mask or in a band just outside the head's outline (GREY_BAND of
 * its width), at least GREY_SHARE of the head's area. Our thresholds,
 * checked on the four sample photos: the fair-bald one (a white fringe)
 * gives 0.0093, the others 0-0.0055. A rough heuristic: a grey backdrop
 * close to the head can fool it. */
#define GREY_DARKER 15.0
#define GREY_MAX_C 10.0
#define GREY_BAND 0.02
#define GREY_MIN_L 50.0
#define GREY_SHARE 0.008


static void lab_at(const smpsim_image *im, size_t x, size_t y, double lab[3])
{
    const char *row = (const char *)im->pixels + y * im->stride;
    double rgb[3];
    for (int c = 0; c < 3; c++)
        rgb[c] = smpsim__srgb_to_linear(im->format == SMPSIM_RGBA8
                                            ? ((const uint8_t *)row)[4 * x + c] / 255.0
                                            : ((const uint16_t *)(const void *)row)[4 * x + c] /
                                                  65535.0);
    double X = 0.4124564 * rgb[0] + 0.3575761 * rgb[1] + 0.1804375 * rgb[2];
    double Y = 0.2126729 * rgb[0] + 0.7151522 * rgb[1] + 0.0721750 * rgb[2];
    double Z = 0.0193339 * rgb[0] + 0.1191920 * rgb[1] + 0.9503041 * rgb[2];
    double f[3] = {X / 0.95047, Y, Z / 1.08883};
    for (int c = 0; c < 3; c++)
        f[c] = f[c] > 216.0 / 24389.0 ? cbrt(f[c]) : (24389.0 / 27.0 * f[c] + 16.0) / 116.0;
    lab[0] = 116.0 * f[1] - 16.0;
    lab[1] = 500.0 * (f[0] - f[1]);
    lab[2] = 200.0 * (f[1] - f[2]);
}

/* White or grey strands on the head or around its outline (see GREY_*). */
static smpsim_status check_grey_hair(const smpsim_image *photo, const smpsim_mask *skin, smpsim__warning_list *l,
                                     smpsim_error *err)
{
    size_t w = photo->width, h = photo->height, head = 0, grey = 0;
    for (size_t i = 0; i < w * h; i++)
        head += skin->data[i] >= 128;
    smpsim_colour sc;
    if (head < 100 ||
        smpsim_sample_colour(photo, SMPSIM_SAMPLE_SKIN, NULL, 0, 0, &sc, NULL) != SMPSIM_OK)
        return SMPSIM_OK;
    smpsim_mask *hair = NULL;
    smpsim_status st = smpsim_hair_mask(photo, skin, &hair, err);
    if (st != SMPSIM_OK)
        return st;
    size_t x0 = w, x1 = 0;
    for (size_t i = 0; i < w * h; i++)
        if (skin->data[i] >= 128)
            x0 = i % w < x0 ? i % w : x0, x1 = i % w > x1 ? i % w : x1;
    long band = (long)ceil(GREY_BAND * (double)(x1 - x0 + 1));
    double light = fmax(sc.lightness - GREY_DARKER, GREY_MIN_L);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            size_t i = y * w + x;
            bool on = skin->data[i] >= 128, near = false;
            for (long d = 1; !on && !near && d <= band; d++)
                near = (x >= (size_t)d && skin->data[i - (size_t)d] >= 128) ||
                       (x + (size_t)d < w && skin->data[i + (size_t)d] >= 128) ||
                       (y + (size_t)d < h && skin->data[i + (size_t)d * w] >= 128);
            if (on ? hair->data[i] < 128 : !near)
                continue;
            double lab[3];
            lab_at(photo, x, y, lab);
            grey += lab[0] >= light && hypot(lab[1], lab[2]) < GREY_MAX_C;
        }
    smpsim_mask_free(hair);
    double share = (double)grey / (double)head;
    if (share >= GREY_SHARE)
        smpsim__warn(l, SMPSIM_WARN_WHITE_HAIR,
            "photo: white or grey hair on the head (%.1f %% of it): pigment matches dark hair, "
            "so beside white or grey hair SMP reads as dots, not hair; keep the shade light",
            100.0 * share);
    return SMPSIM_OK;
}

static void check_scale(const smpsim_design *design, smpsim__warning_list *l)
{
    double px = smpsim_design_get_view(design)->px_per_mm;
    if (!(px < COARSE_PX_PER_MM))
        return;
    double needle = 0.2;
    smpsim_region_params p;
    if (smpsim_design_region_count(design) &&
        smpsim_design_region_params(design, 0, &p, NULL) == SMPSIM_OK)
        needle = p.dot_diameter_mm;
    smpsim__warn(l, SMPSIM_WARN_PHOTO_COARSE,
        "photo: %.1f px/mm: a %.2f mm dot is %.1f px, a healed speck %.1f px; the preview "
        "shows the area's tone and texture, not single dots or the hairline's fine "
        "irregularity: use a closer photo (4 px/mm or more)",
        px, needle, needle * px, 2.8 * needle * px);
}

static smpsim_status check_regions(const smpsim_image *photo, const smpsim_design *design,
                                   const smpsim_dots *dots, const smpsim_mask *skin, smpsim__warning_list *l,
                                   smpsim_error *err)
{
    size_t nr = smpsim_design_region_count(design);
    if (!nr || !dots)
        return SMPSIM_OK;
    size_t *count = calloc(2 * nr, sizeof *count);
    if (!count)
        return smpsim__fail(err, SMPSIM_ENOMEM, "photo check: out of memory");
    const smpsim_view *view = smpsim_design_get_view(design);
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        double x, y, s;
        size_t r = (size_t)d->region - 1; /* index + 1; 0: none */
        if (d->region == 0 || r >= nr || !smpsim_view_map(view, d->x_mm, d->y_mm, &x, &y, &s))
            continue;
        count[2 * r]++;
        bool on = x >= 0 && y >= 0 && x < photo->width && y < photo->height &&
                  skin->data[(size_t)y * photo->width + (size_t)x] >= 128;
        count[2 * r + 1] += !on;
    }
    for (size_t r = 0; r < nr; r++) {
        size_t all = count[2 * r], off = count[2 * r + 1];
        if (all >= OFF_SKIN_MIN_DOTS && (double)off > OFF_SKIN_SHARE * (double)all)
            smpsim__warn(l, SMPSIM_WARN_OFF_SKIN,
                "region %zu: %.0f %% of its dots fall off the skin (backdrop, clothes, hair, "
                "outside the photo): check the region and the view (--guides shows the skin)",
                r, 100.0 * (double)off / (double)all);
    }
    free(count);
    return SMPSIM_OK;
}

smpsim_status smpsim_photo_check(const smpsim_image *photo, const smpsim_design *design,
                                 const smpsim_dots *dots, const smpsim_mask *skin,
                                 smpsim_warning **out, size_t *n, smpsim_error *err)
{
    if (!out || !n)
        return smpsim__fail(err, SMPSIM_EINVAL, "photo check: NULL out-pointer");
    *out = NULL;
    *n = 0;
    if (!photo || !photo->pixels || !design)
        return smpsim__fail(err, SMPSIM_EINVAL, "photo check: photo or design is NULL");
    if (skin && (skin->width != photo->width || skin->height != photo->height || !skin->data))
        return smpsim__fail(err, SMPSIM_EINVAL, "photo check: the skin mask is not %ux%u",
                            photo->width, photo->height);
    smpsim_mask *own_skin = NULL;
    smpsim_dots *own_dots = NULL;
    smpsim_status st = SMPSIM_OK;
    if (!skin && (st = smpsim_skin_mask(photo, &own_skin, err)) == SMPSIM_OK)
        skin = own_skin;
    if (st == SMPSIM_OK && !dots && (st = smpsim_design_dots(design, &own_dots, err)) == SMPSIM_OK)
        dots = own_dots;
    smpsim__warning_list l = {NULL, 0, MAX_PHOTO_WARNINGS};
    if (st == SMPSIM_OK && !(l.w = calloc(MAX_PHOTO_WARNINGS, sizeof *l.w)))
        st = smpsim__fail(err, SMPSIM_ENOMEM, "photo check: out of memory");
    if (st == SMPSIM_OK) {
        st = check_grey_hair(photo, skin, &l, err);
        check_scale(design, &l);
        if (st == SMPSIM_OK)
            st = check_regions(photo, design, dots, skin, &l, err);
    }
    smpsim_mask_free(own_skin);
    smpsim_dots_free(own_dots);
    if (st != SMPSIM_OK) {
        free(l.w);
        return st;
    }
    *out = l.w;
    *n = l.n;
    return SMPSIM_OK;
}
