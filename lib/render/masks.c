/* Where pigment can go in a photo: the skin (skin-coloured pixels of the
 * head, its outline closed) and, on it, the hair (strands, eyebrows,
 * white or grey stubble), which keeps its own colour with the pigment
 * showing between the strands. Both are plain masks a caller may replace
 * by a painted one (smpsim_mask_from_image()). docs/realism.md, "Skin and
 * hair masks". */
#include "render/render-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Skin-coloured: red-yellow hue (a* > 0, b* > 0) and chroma >= SKIN_MIN_C
 * (the rule of skin.c), a hue within SKIN_HUE_DEG of the photo's sampled
 * skin, and a lightness from SKIN_DARKER below to SKIN_LIGHTER above it
 * (shading across a head, highlights). Our own thresholds, checked on the
 * four sample photos. */
#define SKIN_MIN_C 6.0
#define SKIN_HUE_DEG 28.0
#define SKIN_DARKER 38.0
#define SKIN_LIGHTER 32.0
/* Holes in the head smaller than this share of it are skin (pores,
 * freckles, a mole), and so are lighter ones (a highlight's sheen); larger
 * darker ones (eyes, a hat) stay out. */
#define HOLE_SHARE 0.002
/* Hair: darker than the local mean of L* over the head (a box of
 * HAIR_BOX_PX) by HAIR_DARKER (dark strands, eyebrows), or not
 * skin-coloured and HAIR_APART from that mean (white or grey strands; a
 * highlight's sheen is as light as its surroundings). */
#define HAIR_BOX_PX 15
#define HAIR_DARKER 9.0
#define HAIR_APART 5.0

static void lab_of(const float rgb[3], float lab[3])
{
    double in[3] = {rgb[0], rgb[1], rgb[2]}, out[3];
    smpsim__linear_to_lab(in, out);
    for (int c = 0; c < 3; c++)
        lab[c] = (float)out[c];
}

smpsim_status smpsim_mask_new(uint32_t width, uint32_t height, smpsim_mask **out,
                              smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "mask: out is NULL");
    *out = NULL;
    if (!width || !height)
        return smpsim__fail(err, SMPSIM_EINVAL, "mask: %ux%u is empty", width, height);
    size_t n;
    if (!smpsim__mul_size(width, height, &n))
        return smpsim__fail(err, SMPSIM_ELIMIT, "mask: %ux%u is too large", width, height);
    smpsim_mask *m = calloc(1, sizeof *m);
    if (m)
        m->data = calloc(n, 1);
    if (!m || !m->data) {
        free(m);
        return smpsim__fail(err, SMPSIM_ENOMEM, "mask: out of memory");
    }
    m->width = width;
    m->height = height;
    *out = m;
    return SMPSIM_OK;
}

void smpsim_mask_free(smpsim_mask *mask)
{
    if (!mask)
        return;
    free(mask->data);
    free(mask);
}

static bool image_ok(const smpsim_image *im)
{
    return im && im->pixels && im->width && im->height &&
           (im->format == SMPSIM_RGBA8 || im->format == SMPSIM_RGBA16);
}

/* CIELAB of every pixel (3 floats each); NULL when out of memory. */
static float *lab_image(const smpsim_image *im)
{
    size_t n = (size_t)im->width * im->height;
    float *lab = malloc(n * 3 * sizeof *lab), lut[256];
    if (!lab)
        return NULL;
    for (int v = 0; v < 256; v++)
        lut[v] = (float)smpsim__srgb_to_linear(v / 255.0);
    for (uint32_t y = 0; y < im->height; y++) {
        const char *row = (const char *)im->pixels + (size_t)y * im->stride;
        for (uint32_t x = 0; x < im->width; x++) {
            float rgb[3];
            for (int c = 0; c < 3; c++)
                rgb[c] = im->format == SMPSIM_RGBA8
                             ? lut[((const uint8_t *)row)[4 * x + c]]
                             : (float)smpsim__srgb_to_linear(
                                   ((const uint16_t *)(const void *)row)[4 * x + c] / 65535.0);
            lab_of(rgb, lab + 3 * ((size_t)y * im->width + x));
        }
    }
    return lab;
}

/* Labels 4-connected components of value `v` in m (w x h) into lab[]
 * (1-based; 0 for other pixels); returns the number of components and
 * their sizes in *sizes (malloc'd), or -1 when out of memory. */
static long components(const uint8_t *m, uint8_t v, size_t w, size_t h, uint32_t *label,
                       size_t **sizes)
{
    size_t n = w * h, cap = 64;
    size_t *stack = malloc(n * sizeof *stack), *sz = malloc(cap * sizeof *sz);
    if (!stack || !sz) {
        free(stack);
        free(sz);
        return -1;
    }
    memset(label, 0, n * sizeof *label);
    long count = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i] != v || label[i])
            continue;
        if ((size_t)count == cap) {
            size_t *g = realloc(sz, 2 * cap * sizeof *sz);
            if (!g) {
                free(stack);
                free(sz);
                return -1;
            }
            sz = g;
            cap *= 2;
        }
        uint32_t id = (uint32_t)++count;
        size_t top = 0, size = 0;
        stack[top++] = i;
        label[i] = id;
        while (top) {
            size_t p = stack[--top], x = p % w, y = p / w;
            size++;
            size_t nb[4];
            int k = 0;
            if (x > 0)
                nb[k++] = p - 1;
            if (x + 1 < w)
                nb[k++] = p + 1;
            if (y > 0)
                nb[k++] = p - w;
            if (y + 1 < h)
                nb[k++] = p + w;
            for (int j = 0; j < k; j++)
                if (m[nb[j]] == v && !label[nb[j]]) {
                    label[nb[j]] = id;
                    stack[top++] = nb[j];
                }
        }
        sz[id - 1] = size;
    }
    free(stack);
    *sizes = sz;
    return count;
}

/* Majority of the 3 x 3 neighbourhood: isolated pixels go. */
static void majority(uint8_t *m, uint8_t *tmp, size_t w, size_t h)
{
    memcpy(tmp, m, w * h);
    for (size_t y = 1; y + 1 < h; y++)
        for (size_t x = 1; x + 1 < w; x++) {
            int s = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    s += tmp[(y + dy) * w + x + dx] != 0;
            m[y * w + x] = s >= 5;
        }
}

/* The head: the largest skin-coloured component, its small or light
 * holes filled (lab: the pixels' CIELAB; ref_l: the skin's L*). */
static bool head_region(uint8_t *m, size_t w, size_t h, const float *lab, double ref_l)
{
    size_t n = w * h, *sizes = NULL;
    uint32_t *label = malloc(n * sizeof *label);
    uint8_t *tmp = malloc(n);
    if (!label || !tmp) {
        free(label);
        free(tmp);
        return false;
    }
    majority(m, tmp, w, h);
    long count = components(m, 1, w, h, label, &sizes);
    if (count < 0) {
        free(label);
        free(tmp);
        return false;
    }
    size_t best = 0, best_size = 0;
    for (long i = 0; i < count; i++)
        if (sizes[i] > best_size)
            best_size = sizes[i], best = (size_t)i + 1;
    free(sizes);
    for (size_t i = 0; i < n; i++)
        m[i] = best && label[i] == best;
    /* holes: components of 0 not touching the border, small enough */
    count = components(m, 0, w, h, label, &sizes);
    if (count < 0) {
        free(label);
        free(tmp);
        return false;
    }
    uint8_t *border = calloc((size_t)count + 1, 1);
    double *light = calloc((size_t)count + 1, sizeof *light);
    if (!border || !light) {
        free(light);
        free(border);
        free(sizes);
        free(label);
        free(tmp);
        return false;
    }
    for (size_t x = 0; x < w; x++)
        border[label[x]] = border[label[(h - 1) * w + x]] = 1;
    for (size_t y = 0; y < h; y++)
        border[label[y * w]] = border[label[y * w + w - 1]] = 1;
    for (size_t i = 0; i < n; i++)
        light[label[i]] += lab[3 * i];
    for (size_t i = 0; i < n; i++) {
        uint32_t k = label[i];
        if (k && !border[k] &&
            (sizes[k - 1] < HOLE_SHARE * (double)best_size || light[k] / sizes[k - 1] > ref_l))
            m[i] = 1;
    }
    free(light);
    free(border);
    free(sizes);
    free(label);
    free(tmp);
    return true;
}

smpsim_status smpsim_skin_mask(const smpsim_image *photo, smpsim_mask **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "skin mask: out is NULL");
    *out = NULL;
    if (!image_ok(photo))
        return smpsim__fail(err, SMPSIM_EINVAL, "skin mask: no photo");
    smpsim_colour skin;
    smpsim_status st = smpsim_sample_colour(photo, SMPSIM_SAMPLE_SKIN, NULL, 0, 0, &skin, err);
    if (st != SMPSIM_OK)
        return st;
    float ref[3], sl[3];
    for (int c = 0; c < 3; c++)
        sl[c] = (float)skin.linear[c];
    lab_of(sl, ref);
    double ref_hue = atan2(ref[2], ref[1]) * 180.0 / 3.14159265358979323846;
    float *lab = lab_image(photo);
    smpsim_mask *m = NULL;
    st = lab ? smpsim_mask_new(photo->width, photo->height, &m, err)
             : smpsim__fail(err, SMPSIM_ENOMEM, "skin mask: out of memory");
    size_t w = photo->width, h = photo->height;
    for (size_t i = 0; st == SMPSIM_OK && i < w * h; i++) {
        const float *p = lab + 3 * i;
        double hue = atan2(p[2], p[1]) * 180.0 / 3.14159265358979323846;
        m->data[i] = p[1] > 0 && p[2] > 0 && hypot(p[1], p[2]) >= SKIN_MIN_C &&
                     fabs(hue - ref_hue) <= SKIN_HUE_DEG && p[0] >= ref[0] - SKIN_DARKER &&
                     p[0] <= ref[0] + SKIN_LIGHTER;
    }
    if (st == SMPSIM_OK && !head_region(m->data, w, h, lab, ref[0]))
        st = smpsim__fail(err, SMPSIM_ENOMEM, "skin mask: out of memory");
    for (size_t i = 0; st == SMPSIM_OK && i < w * h; i++)
        m->data[i] = m->data[i] ? 255 : 0;
    free(lab);
    if (st != SMPSIM_OK) {
        smpsim_mask_free(m);
        return st;
    }
    *out = m;
    return SMPSIM_OK;
}

smpsim_status smpsim_hair_mask(const smpsim_image *photo, const smpsim_mask *skin,
                               smpsim_mask **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "hair mask: out is NULL");
    *out = NULL;
    if (!image_ok(photo))
        return smpsim__fail(err, SMPSIM_EINVAL, "hair mask: no photo");
    if (skin && (skin->width != photo->width || skin->height != photo->height || !skin->data))
        return smpsim__fail(err, SMPSIM_EINVAL, "hair mask: the skin mask is not %ux%u",
                            photo->width, photo->height);
    size_t w = photo->width, h = photo->height;
    smpsim_mask *own = NULL;
    smpsim_status st = SMPSIM_OK;
    if (!skin) {
        st = smpsim_skin_mask(photo, &own, err);
        if (st != SMPSIM_OK)
            return st;
        skin = own;
    }
    float *lab = lab_image(photo);
    double *sum = calloc((w + 1) * (h + 1), sizeof *sum);
    uint32_t *cnt = calloc((w + 1) * (h + 1), sizeof *cnt);
    smpsim_mask *m = NULL;
    if (!lab || !sum || !cnt)
        st = smpsim__fail(err, SMPSIM_ENOMEM, "hair mask: out of memory");
    if (st == SMPSIM_OK)
        st = smpsim_mask_new(photo->width, photo->height, &m, err);
    if (st == SMPSIM_OK) {
        /* integral images of L* and of the count of head pixels */
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                size_t i = y * w + x, I = (y + 1) * (w + 1) + x + 1;
                int in = skin->data[i] >= 128;
                sum[I] = (in ? lab[3 * i] : 0.0) + sum[I - 1] + sum[I - w - 1] - sum[I - w - 2];
                cnt[I] = (uint32_t)in + cnt[I - 1] + cnt[I - w - 1] - cnt[I - w - 2];
            }
        long r = HAIR_BOX_PX / 2;
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                size_t i = y * w + x;
                if (skin->data[i] < 128)
                    continue;
                const float *p = lab + 3 * i;
                bool coloured = p[1] > 0 && p[2] > 0 && hypot(p[1], p[2]) >= SKIN_MIN_C;
                long x0 = (long)x - r < 0 ? 0 : (long)x - r, y0 = (long)y - r < 0 ? 0 : (long)y - r;
                long x1 = (long)x + r + 1 > (long)w ? (long)w : (long)x + r + 1;
                long y1 = (long)y + r + 1 > (long)h ? (long)h : (long)y + r + 1;
                size_t a = (size_t)y0 * (w + 1) + (size_t)x0, b = (size_t)y0 * (w + 1) + (size_t)x1;
                size_t c = (size_t)y1 * (w + 1) + (size_t)x0, d = (size_t)y1 * (w + 1) + (size_t)x1;
                double s = sum[d] - sum[b] - sum[c] + sum[a];
                double k = (double)cnt[d] - cnt[b] - cnt[c] + cnt[a];
                double mean = k > 0 ? s / k : p[0];
                bool dark = p[0] < mean - HAIR_DARKER;
                bool grey = !coloured && fabs(p[0] - mean) > HAIR_APART;
                m->data[i] = (dark || grey) ? 255 : 0;
            }
    }
    free(lab);
    free(sum);
    free(cnt);
    smpsim_mask_free(own);
    if (st != SMPSIM_OK) {
        smpsim_mask_free(m);
        return st;
    }
    *out = m;
    return SMPSIM_OK;
}

smpsim_status smpsim_mask_from_image(const smpsim_image *painted, smpsim_mask **out,
                                     smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "mask: out is NULL");
    *out = NULL;
    if (!image_ok(painted))
        return smpsim__fail(err, SMPSIM_EINVAL, "mask: no image");
    smpsim_mask *m = NULL;
    smpsim_status st = smpsim_mask_new(painted->width, painted->height, &m, err);
    if (st != SMPSIM_OK)
        return st;
    for (uint32_t y = 0; y < painted->height; y++) {
        const char *row = (const char *)painted->pixels + (size_t)y * painted->stride;
        for (uint32_t x = 0; x < painted->width; x++) {
            double v[4];
            for (int c = 0; c < 4; c++)
                v[c] = painted->format == SMPSIM_RGBA8
                           ? ((const uint8_t *)row)[4 * x + c] / 255.0
                           : ((const uint16_t *)(const void *)row)[4 * x + c] / 65535.0;
            /* grey level (sRGB-encoded, as painted) times opacity */
            double g = (0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]) * v[3];
            m->data[(size_t)y * painted->width + x] = (uint8_t)lrint(g * 255.0);
        }
    }
    *out = m;
    return SMPSIM_OK;
}

smpsim_status smpsim_mask_allowed(const smpsim_mask *skin, const smpsim_mask *hair,
                                  smpsim_mask **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "mask: out is NULL");
    *out = NULL;
    const smpsim_mask *any = skin ? skin : hair;
    if (!any || (skin && hair && (skin->width != hair->width || skin->height != hair->height)))
        return smpsim__fail(err, SMPSIM_EINVAL, "mask: no mask, or masks of different sizes");
    smpsim_mask *m = NULL;
    smpsim_status st = smpsim_mask_new(any->width, any->height, &m, err);
    if (st != SMPSIM_OK)
        return st;
    for (size_t i = 0; i < (size_t)m->width * m->height; i++) {
        unsigned s = skin ? skin->data[i] : 255u, hh = hair ? 255u - hair->data[i] : 255u;
        m->data[i] = (uint8_t)((s * hh + 127) / 255);
    }
    *out = m;
    return SMPSIM_OK;
}

smpsim_status smpsim_mask_draw(smpsim_image *image, const smpsim_mask *mask, const double rgb[3],
                               double opacity, int outline, smpsim_error *err)
{
    if (!image_ok(image) || !mask || !mask->data || !rgb)
        return smpsim__fail(err, SMPSIM_EINVAL, "mask draw: image, mask or colour is NULL");
    if (mask->width != image->width || mask->height != image->height)
        return smpsim__fail(err, SMPSIM_EINVAL, "mask draw: the mask is %ux%u, the image %ux%u",
                            mask->width, mask->height, image->width, image->height);
    if (!(opacity >= 0.0 && opacity <= 1.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "mask draw: opacity is %g, expected 0..1",
                            opacity);
    size_t w = mask->width, h = mask->height;
    for (size_t y = 0; y < h; y++) {
        char *row = (char *)image->pixels + y * image->stride;
        for (size_t x = 0; x < w; x++) {
            const uint8_t *m = mask->data + y * w + x;
            bool in = *m >= 128;
            double a;
            if (outline) {
                bool edge = in && ((x > 0 && m[-1] < 128) || (x + 1 < w && m[1] < 128) ||
                                   (y > 0 && m[-(long)w] < 128) || (y + 1 < h && m[w] < 128));
                a = edge ? opacity : 0.0;
            } else {
                a = *m / 255.0 * opacity;
            }
            if (a == 0.0)
                continue;
            for (int c = 0; c < 3; c++) {
                if (image->format == SMPSIM_RGBA8) {
                    uint8_t *p = (uint8_t *)row + 4 * x + c;
                    *p = (uint8_t)lrint(*p * (1.0 - a) + rgb[c] * 255.0 * a);
                } else {
                    uint16_t *p = (uint16_t *)(void *)row + 4 * x + c;
                    *p = (uint16_t)lrint(*p * (1.0 - a) + rgb[c] * 65535.0 * a);
                }
            }
        }
    }
    return SMPSIM_OK;
}
