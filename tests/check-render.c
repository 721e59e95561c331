/* Rendering: sub-pixel accuracy, linear light, reference images, the dot
 * model (states, depth, sessions), skin and hair sampling, viewing
 * distance, drawing into cairo. */
#include "render/render-private.h"

#include <cairo.h>
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static smpsim_image *white16(uint32_t w, uint32_t h)
{
    smpsim_image *im = NULL;
    ck_assert_int_eq(smpsim_image_new(w, h, SMPSIM_RGBA16, &im, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < h; y++) {
        uint16_t *row = (uint16_t *)(void *)((char *)im->pixels + y * im->stride);
        for (uint32_t i = 0; i < 4 * w; i++)
            row[i] = 65535;
    }
    return im;
}

/* Total linear darkening of one channel, in pixel units. */
static double darkening(const smpsim_image *im, int channel)
{
    double sum = 0.0;
    for (uint32_t y = 0; y < im->height; y++) {
        const uint16_t *row = (const uint16_t *)(const void *)((const char *)im->pixels +
                                                               y * im->stride);
        for (uint32_t x = 0; x < im->width; x++)
            sum += 1.0 - smpsim__srgb_to_linear(row[4 * x + channel] / 65535.0);
    }
    return sum;
}

static smpsim_dots *one_dot(double x_mm, double y_mm, double diameter_mm, double shade)
{
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(1, &dots, NULL), SMPSIM_OK);
    smpsim_dot d = {(float)x_mm, (float)y_mm, (float)diameter_mm, (float)shade, 1, 1, 0};
    ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
    return dots;
}

START_TEST(test_subpixel_dot_darkens_its_area)
{
    /* At 6 px/mm a 0.2 mm dot is 1.2 px wide. Whatever its sub-pixel
     * position, the darkening summed over the patch equals the dot's area
     * in pixels times (1 - transmittance), within 5 %. */
    const double diameters[] = {0.10, 0.20, 0.25, 0.5};
    const double offsets[][2] = {{0.5, 0.5}, {0.0, 0.0}, {0.13, 0.71}, {0.92, 0.35}};
    smpsim_view view = smpsim_view_flat(6.0);
    double t[3];
    smpsim_shade_transmittance(10.0, NULL, t);
    for (size_t di = 0; di < 4; di++) {
        for (size_t oi = 0; oi < 4; oi++) {
            smpsim_image *im = white16(16, 16);
            double x_mm = (8 + offsets[oi][0]) / 6.0, y_mm = (8 + offsets[oi][1]) / 6.0;
            smpsim_dots *dots = one_dot(x_mm, y_mm, diameters[di], 10.0);
            ck_assert_int_eq(smpsim_render_dots(im, &view, dots, NULL, NULL), SMPSIM_OK);
            double radius_px = diameters[di] / 2 * 6.0;
            double area = 3.14159265358979 * radius_px * radius_px;
            for (int c = 0; c < 3; c++) {
                double want = area * (1.0 - t[c]), got = darkening(im, c);
                ck_assert_msg(fabs(got - want) <= 0.05 * want,
                              "d=%.2f mm offset %zu channel %d: darkening %.4f, want %.4f",
                              diameters[di], oi, c, got, want);
            }
            smpsim_dots_free(dots);
            smpsim_image_free(im);
        }
    }
}
END_TEST

START_TEST(test_dot_is_not_a_square)
{
    /* A 1.2 px dot centred on a pixel corner spreads over the 4 pixels
     * around it equally, instead of filling one pixel. */
    smpsim_view view = smpsim_view_flat(6.0);
    smpsim_image *im = white16(8, 8);
    smpsim_dots *dots = one_dot(4.0 / 6.0, 4.0 / 6.0, 0.2, 10.0);
    ck_assert_int_eq(smpsim_render_dots(im, &view, dots, NULL, NULL), SMPSIM_OK);
    const uint16_t *p = im->pixels;
    size_t s = im->stride / 2;
    uint16_t a = p[3 * s + 3 * 4], b = p[3 * s + 4 * 4], c = p[4 * s + 3 * 4], d = p[4 * s + 4 * 4];
    ck_assert_uint_lt(a, 60000);
    ck_assert_int_le(abs((int)a - (int)b), 1);
    ck_assert_int_le(abs((int)a - (int)c), 1);
    ck_assert_int_le(abs((int)a - (int)d), 1);
    smpsim_dots_free(dots);
    smpsim_image_free(im);
}
END_TEST

START_TEST(test_pigment_is_cool_and_shades_order)
{
    double t3[3], t7[3], t10[3];
    smpsim_shade_transmittance(3.0, NULL, t3);
    smpsim_shade_transmittance(7.0, NULL, t7);
    smpsim_shade_transmittance(10.0, NULL, t10);
    ck_assert_double_gt(t3[0], t7[0]);
    ck_assert_double_gt(t7[0], t10[0]);
    /* Blue passes a little more light than red: a blue-grey cast. */
    ck_assert_double_gt(t7[2], t7[0]);
    ck_assert_double_lt(t7[2] - t7[0], 0.1);
    /* Undiluted pigment returns about 5 % of the light. */
    ck_assert_double_eq_tol(t10[0], 0.05, 0.002);
}
END_TEST

START_TEST(test_composite_is_in_linear_light)
{
    /* A dot of 50 % coverage of a pixel, shade 10 at neutral colour, over
     * mid-grey sRGB 128: the result is the linear mix, not the sRGB one. */
    smpsim_render_options o;
    smpsim_render_options_init(&o);
    o.blue_absorbance_ratio = 1.0;
    o.max_optical_density = 4.0; /* T = 1e-4: near black */
    smpsim_image *im = NULL;
    ck_assert_int_eq(smpsim_image_new(64, 64, SMPSIM_RGBA8, &im, NULL), SMPSIM_OK);
    memset(im->pixels, 255, im->stride * im->height);
    /* Half the area covered: a big dot whose area is 50 % of the image. */
    smpsim_view view = smpsim_view_flat(1.0);
    double diameter = sqrt(0.5 * 64 * 64 / 3.14159265358979) * 2;
    smpsim_dots *dots = one_dot(32, 32, diameter / 100.0, 10.0);
    view.px_per_mm = 100.0;
    dots->dots[0].x_mm = 0.32f;
    dots->dots[0].y_mm = 0.32f;
    ck_assert_int_eq(smpsim_render_dots(im, &view, dots, &o, NULL), SMPSIM_OK);
    double lin = 0.0;
    const uint8_t *p = im->pixels;
    for (size_t i = 0; i < 64 * 64; i++)
        lin += smpsim__srgb_to_linear(p[4 * i] / 255.0);
    lin /= 64 * 64;
    ck_assert_msg(fabs(lin - 0.5) < 0.01, "mean linear %.4f, want 0.5", lin);
    smpsim_dots_free(dots);
    smpsim_image_free(im);
}
END_TEST

START_TEST(test_sixteen_bit_stays_sixteen_bit)
{
    smpsim_image *im = white16(32, 32);
    smpsim_view view = smpsim_view_flat(6.0);
    smpsim_dots *dots = one_dot(2.5, 2.5, 0.3, 2.0);
    ck_assert_int_eq(smpsim_render_dots(im, &view, dots, NULL, NULL), SMPSIM_OK);
    ck_assert_int_eq(im->format, SMPSIM_RGBA16);
    /* Some darkened values are not multiples of 257 (8-bit values scaled). */
    int fine = 0;
    const uint16_t *p = im->pixels;
    for (size_t i = 0; i < 32 * 32 * 4; i++)
        fine += p[i] % 257 != 0;
    ck_assert_int_gt(fine, 0);
    smpsim_dots_free(dots);
    smpsim_image_free(im);
}
END_TEST

START_TEST(test_render_errors)
{
    smpsim_image *im = white16(4, 4);
    smpsim_dots *dots = one_dot(0, 0, 0.2, 5);
    smpsim_view bad = smpsim_view_flat(NAN);
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_render_dots(im, &bad, dots, NULL, &err), SMPSIM_EINVAL);
    smpsim_view huge = smpsim_view_flat(9000.0);
    dots->dots[0].diameter_mm = 3.0f;
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_render_dots(im, &huge, dots, NULL, &err), SMPSIM_ELIMIT);
    ck_assert_int_eq(smpsim_render_dots(NULL, &huge, dots, NULL, NULL), SMPSIM_EINVAL);
    smpsim_dots_free(dots);
    smpsim_image_free(im);
}
END_TEST

/* ---- reference image ---------------------------------------------------- */

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

/* Compares two RGBA8 images; returns the largest channel difference and
 * fills a difference image (differences x 16 on black) when asked. */
static int max_difference(const smpsim_image *a, const smpsim_image *b, smpsim_image *diff,
                          double *mean_out)
{
    int worst = 0;
    double sum = 0.0;
    for (uint32_t y = 0; y < a->height; y++) {
        const uint8_t *pa = (const uint8_t *)a->pixels + y * a->stride;
        const uint8_t *pb = (const uint8_t *)b->pixels + y * b->stride;
        uint8_t *pd = diff ? (uint8_t *)diff->pixels + y * diff->stride : NULL;
        for (uint32_t x = 0; x < 4 * a->width; x++) {
            int d = abs((int)pa[x] - (int)pb[x]);
            worst = d > worst ? d : worst;
            sum += d;
            if (pd)
                pd[x] = (x % 4 == 3) ? 255 : (uint8_t)(d * 16 > 255 ? 255 : d * 16);
        }
    }
    *mean_out = sum / (4.0 * a->width * a->height);
    return worst;
}

START_TEST(test_reference_render)
{
    /* A 320x200 crop of samples/photos/scalp-front-fair-bald.png (the bald
     * crown just above the forehead), 6.5 px/mm, a 4-point polygon in
     * pixels, 100 dots/cm2, 0.2 mm dots, shade 5, seed 7. The reference was
     * inspected by eye at full size and 4x (see tests/data/README.md). */
    char input[1024], ref_path[1024], out_path[1024], diff_path[1024];
    const char *data = env_or("SMPSIM_TEST_DATA", "tests/data");
    const char *outdir = env_or("SMPSIM_TEST_OUT", ".");
    snprintf(input, sizeof input, "%s/ref-input.png", data);
    snprintf(ref_path, sizeof ref_path, "%s/ref-render.png", data);
    snprintf(out_path, sizeof out_path, "%s/ref-render.out.png", outdir);
    snprintf(diff_path, sizeof diff_path, "%s/ref-render.diff.png", outdir);

    smpsim_error err = {0};
    smpsim_image *im = NULL;
    ck_assert_msg(smpsim_image_load(input, NULL, &im, &err) == SMPSIM_OK, "%s", err.message);
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_design_set_seed(d, 7);
    double poly[] = {20, 60, 300, 40, 310, 190, 10, 185};
    ck_assert_int_eq(smpsim_design_add_polygon(d, poly, 4, SMPSIM_UNITS_PX, NULL, NULL),
                     SMPSIM_OK);
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_design_dots(d, &dots, &err), SMPSIM_OK);
    ck_assert_int_eq(smpsim_render_dots(im, smpsim_design_get_view(d), dots, NULL, &err),
                     SMPSIM_OK);

    if (getenv("SMPSIM_UPDATE_REFERENCES")) {
        ck_assert_int_eq(smpsim_image_save_png(im, ref_path, NULL, &err), SMPSIM_OK);
        fprintf(stderr, "wrote %s: look at it before committing\n", ref_path);
    }
    smpsim_image *ref = NULL;
    ck_assert_msg(smpsim_image_load(ref_path, NULL, &ref, &err) == SMPSIM_OK, "%s", err.message);
    ck_assert_uint_eq(ref->width, im->width);
    ck_assert_uint_eq(ref->height, im->height);
    smpsim_image *diff = NULL;
    ck_assert_int_eq(smpsim_image_new(im->width, im->height, SMPSIM_RGBA8, &diff, NULL),
                     SMPSIM_OK);
    double mean;
    int worst = max_difference(im, ref, diff, &mean);
    /* The reference was made by the first renderer (8 x 8 supersamples per
     * pixel and exact positions); the kernel renderer integrates with 16-32
     * samples per side and positions to 1/32 px, which moves scattered
     * pixels by up to 3 code values. The mean difference (~0.02) stays far
     * below what any change of look gives. Made again by the kernel
     * renderer when the dots' sizes and shades were redrawn (issue 18:
     * same positions; looked at next to the old one, same look). */
    if (worst > 3 || mean >= 0.05) {
        smpsim_image_save_png(im, out_path, NULL, NULL);
        smpsim_image_save_png(diff, diff_path, NULL, NULL);
    }
    ck_assert_msg(worst <= 3 && mean < 0.05,
                  "render differs from reference: max %d, mean %.4f (see %s and %s)", worst,
                  mean, out_path, diff_path);
    smpsim_image_free(diff);
    smpsim_image_free(ref);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
    smpsim_image_free(im);
}
END_TEST

/* ---- issue 5: tables, states, sessions, sampling, distance, cairo ------- */

START_TEST(test_srgb8_encode_is_exact)
{
    /* The table encoder rounds like lrint(linear_to_srgb(v) * 255), and a
     * factor of 1 gives every code back (the renderer relies on it). */
    smpsim__srgb8 t;
    smpsim__srgb8_init(&t);
    for (int v = 0; v < 256; v++)
        ck_assert_int_eq(smpsim__srgb8_encode(&t, t.decode[v]), v);
    int off = 0;
    for (int i = 0; i <= 100000; i++) {
        float lin = (float)i / 100000.0f;
        int want = (int)lrint(smpsim__linear_to_srgb(lin) * 255.0);
        int got = smpsim__srgb8_encode(&t, lin);
        if (got != want) {
            /* only a float/double tie right at a threshold may differ */
            ck_assert_int_le(abs(got - want), 1);
            off++;
        }
    }
    ck_assert_int_le(off, 2);
}
END_TEST

static smpsim_image *flat8(uint32_t w, uint32_t h, uint8_t r, uint8_t g, uint8_t b)
{
    smpsim_image *im = NULL;
    ck_assert_int_eq(smpsim_image_new(w, h, SMPSIM_RGBA8, &im, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < h; y++) {
        uint8_t *p = (uint8_t *)im->pixels + y * im->stride;
        for (uint32_t x = 0; x < w; x++) {
            p[4 * x] = r;
            p[4 * x + 1] = g;
            p[4 * x + 2] = b;
            p[4 * x + 3] = 255;
        }
    }
    return im;
}

/* Total linear darkening of channel c of an 8-bit image against its
 * uniform colour `base` (0..255). */
static double darkening8(const smpsim_image *im, int c, uint8_t base)
{
    double b = smpsim__srgb_to_linear(base / 255.0), sum = 0.0;
    for (uint32_t y = 0; y < im->height; y++) {
        const uint8_t *p = (const uint8_t *)im->pixels + y * im->stride;
        for (uint32_t x = 0; x < im->width; x++)
            sum += b - smpsim__srgb_to_linear(p[4 * x + c] / 255.0);
    }
    return sum;
}

/* A 5 x 5 grid of dots, 1 mm apart, at 10 px/mm, sessions as given. */
static smpsim_dots *grid_dots(double diameter_mm, double shade, int n_sessions)
{
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(25, &dots, NULL), SMPSIM_OK);
    for (int j = 0; j < 5; j++)
        for (int i = 0; i < 5; i++) {
            smpsim_dot d = {(float)(1.03 + i), (float)(1.07 + j), (float)diameter_mm,
                            (float)shade, 1, (uint16_t)(1 + (i + j) % n_sessions), 0};
            ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
        }
    return dots;
}

/* Green-channel darkening of the grid rendered over sRGB (200, 170, 150). */
static double grid_darkening(const smpsim_render_options *o, double diameter_mm)
{
    smpsim_image *im = flat8(60, 60, 200, 170, 150);
    smpsim_dots *dots = grid_dots(diameter_mm, 5.0, 1);
    smpsim_view view = smpsim_view_flat(10.0);
    smpsim_error err = {0};
    ck_assert_msg(smpsim_render_dots(im, &view, dots, o, &err) == SMPSIM_OK, "%s", err.message);
    double d = darkening8(im, 1, 170);
    smpsim_dots_free(dots);
    smpsim_image_free(im);
    return d;
}

static smpsim_render_options state_options(int state, double years, int uv, double depth_mm)
{
    smpsim_render_options o;
    smpsim_render_options_init(&o);
    o.state = state;
    o.years = years;
    o.uv_exposure = uv;
    o.depth_mm = depth_mm;
    return o;
}

START_TEST(test_camera_blur_softens_and_keeps_area)
{
    /* A fresh 0.25 mm dot at 6.5 px/mm is under 2 px: sharp, it is a
     * few dark pixels; with the camera's blur (the default) it spreads over
     * more pixels, its darkest pixel lighter, its summed darkening the same
     * (within 3 %). Red: the channel its redness halo leaves alone. As-given
     * dots are never blurred. */
    smpsim_view view = smpsim_view_flat(6.5);
    double sum[2], peak[2];
    int touched[2];
    for (int blur = 0; blur < 2; blur++) {
        smpsim_image *im = white16(16, 16);
        smpsim_dots *dots = one_dot(8.3 / 6.5, 7.6 / 6.5, 0.25, 6.0);
        smpsim_render_options o = state_options(SMPSIM_STATE_FRESH, 0, 0, 0);
        o.camera_blur_px = blur ? 0.0 : SMPSIM_CAMERA_SHARP;
        ck_assert_int_eq(smpsim_render_dots(im, &view, dots, &o, NULL), SMPSIM_OK);
        sum[blur] = darkening(im, 0);
        peak[blur] = 0.0;
        touched[blur] = 0;
        for (uint32_t y = 0; y < 16; y++) {
            const uint16_t *p = (const uint16_t *)(const void *)((char *)im->pixels + y * im->stride);
            for (uint32_t x = 0; x < 16; x++) {
                double d = 1.0 - smpsim__srgb_to_linear(p[4 * x] / 65535.0);
                peak[blur] = d > peak[blur] ? d : peak[blur];
                touched[blur] += p[4 * x] != 65535;
            }
        }
        smpsim_dots_free(dots);
        smpsim_image_free(im);
    }
    ck_assert_msg(fabs(sum[1] - sum[0]) <= 0.03 * sum[0], "darkening %.4f sharp, %.4f blurred",
                  sum[0], sum[1]);
    ck_assert_msg(peak[1] < 0.6 * peak[0], "peak %.4f sharp, %.4f blurred", peak[0], peak[1]);
    ck_assert_int_ge(touched[1], touched[0] + 4);
    /* as given: the option changes nothing */
    smpsim_image *a = white16(16, 16), *b = white16(16, 16);
    smpsim_dots *dots = one_dot(8.3 / 6.5, 7.6 / 6.5, 0.25, 6.0);
    smpsim_render_options o;
    smpsim_render_options_init(&o);
    ck_assert_int_eq(smpsim_render_dots(a, &view, dots, &o, NULL), SMPSIM_OK);
    o.camera_blur_px = 4.0;
    ck_assert_int_eq(smpsim_render_dots(b, &view, dots, &o, NULL), SMPSIM_OK);
    ck_assert_int_eq(memcmp(a->pixels, b->pixels, a->stride * a->height), 0);
    smpsim_dots_free(dots);
    smpsim_image_free(a);
    smpsim_image_free(b);
}
END_TEST

START_TEST(test_states_are_monotonic)
{
    /* Healed work darkens the skin far more than fresh dots (the pigment
     * spreads into specks and a veil: issue 15 measured dL* -7 healed); 5
     * years lighter than healed, 10 lighter than 5; high UV fades faster
     * than normal, normal than low. */
    smpsim_render_options fresh = state_options(SMPSIM_STATE_FRESH, 0, 0, 0);
    smpsim_render_options healed = state_options(SMPSIM_STATE_HEALED, 0, 0, 0);
    smpsim_render_options y5 = state_options(SMPSIM_STATE_AGED, 5, 0, 0);
    smpsim_render_options y10 = state_options(SMPSIM_STATE_AGED, 10, 0, 0);
    smpsim_render_options y5_low = state_options(SMPSIM_STATE_AGED, 5, SMPSIM_UV_LOW, 0);
    smpsim_render_options y5_high = state_options(SMPSIM_STATE_AGED, 5, SMPSIM_UV_HIGH, 0);
    double d_fresh = grid_darkening(&fresh, 0.25), d_healed = grid_darkening(&healed, 0.25);
    double d5 = grid_darkening(&y5, 0.25), d10 = grid_darkening(&y10, 0.25);
    double d5_low = grid_darkening(&y5_low, 0.25), d5_high = grid_darkening(&y5_high, 0.25);
    ck_assert_msg(d_healed > 2.0 * d_fresh, "fresh %.3f, healed %.3f", d_fresh, d_healed);
    ck_assert_msg(d_healed > d5 && d5 > d10, "healed %.3f, 5 y %.3f, 10 y %.3f", d_healed, d5,
                  d10);
    ck_assert_msg(d5_low > d5 && d5 > d5_high, "low %.3f, normal %.3f, high %.3f", d5_low, d5,
                  d5_high);

    /* The model behind it: fresh is near the needle's size and darkest;
     * healed a speck 2-3x the needle's mark, a little lighter; aged
     * lighter still. */
    smpsim_dot dot = {0, 0, 0.25f, 5.0f, 1, 1, 0};
    smpsim_dot_look lf, lh, l5;
    ck_assert_int_eq(smpsim_dot_appearance(&dot, &fresh, &lf, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_dot_appearance(&dot, &healed, &lh, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_dot_appearance(&dot, &y5, &l5, NULL), SMPSIM_OK);
    ck_assert_double_le(lf.diameter_mm / dot.diameter_mm, 1.2);
    ck_assert_double_ge(lh.diameter_mm / dot.diameter_mm, 2.0);
    ck_assert_double_le(lh.diameter_mm / dot.diameter_mm, 3.0);
    ck_assert_double_gt(lh.transmittance[0], lf.transmittance[0]);
    ck_assert_double_gt(l5.transmittance[0], lh.transmittance[0]);
    ck_assert_double_gt(lf.redness, 0.0);
    ck_assert_double_eq(lh.redness, 0.0);
}
END_TEST

START_TEST(test_deeper_is_larger_blurrier_cooler)
{
    smpsim_dot dot = {0, 0, 0.25f, 6.0f, 1, 1, 0};
    smpsim_dot_look shallow, deep, deeper;
    smpsim_render_options o1 = state_options(SMPSIM_STATE_HEALED, 0, 0, 0.4);
    smpsim_render_options o2 = state_options(SMPSIM_STATE_HEALED, 0, 0, 1.0);
    smpsim_render_options o3 = state_options(SMPSIM_STATE_HEALED, 0, 0, 1.6);
    ck_assert_int_eq(smpsim_dot_appearance(&dot, &o1, &shallow, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_dot_appearance(&dot, &o2, &deep, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_dot_appearance(&dot, &o3, &deeper, NULL), SMPSIM_OK);
    ck_assert_double_gt(deep.diameter_mm, shallow.diameter_mm);
    ck_assert_double_gt(deep.edge_softness, shallow.edge_softness);
    /* cooler: blue passes more light than red, more so deeper */
    double cool_shallow = shallow.transmittance[2] - shallow.transmittance[0];
    double cool_deep = deep.transmittance[2] - deep.transmittance[0];
    ck_assert_double_gt(cool_deep, cool_shallow);
    /* blowout only beyond the limit (1.2 mm by default) */
    ck_assert_double_eq(deep.blowout, 0.0);
    ck_assert_double_gt(deeper.blowout, 0.0);
    ck_assert_double_gt(deeper.halo_diameter_mm, 2.0 * deeper.diameter_mm);
    /* and the rendered footprint grows: more pixels darkened */
    double d_shallow = grid_darkening(&o1, 0.25), d_deep = grid_darkening(&o2, 0.25);
    ck_assert_double_gt(d_deep, d_shallow);
}
END_TEST

START_TEST(test_fresh_dots_have_redness_around)
{
    /* On neutral grey, the ring around a fresh dot turns red (green and
     * blue absorbed, red untouched); around a healed dot the veil darkens
     * every channel towards a warm grey (red least, blue most). */
    for (int state = SMPSIM_STATE_FRESH; state <= SMPSIM_STATE_HEALED; state++) {
        smpsim_image *im = flat8(80, 80, 180, 180, 180);
        smpsim_dots *dots = one_dot(2.0, 2.0, 0.25, 5.0);
        smpsim_view view = smpsim_view_flat(20.0);
        smpsim_render_options o = state_options(state, 0, 0, 0);
        ck_assert_int_eq(smpsim_render_dots(im, &view, dots, &o, NULL), SMPSIM_OK);
        /* the pixel 4..5 px right of the centre: outside the dot (r 2.75
         * px, its edge ramp widened by the camera's blur to 3.8 px), inside
         * the redness (r + 0.25 mm = 7.75 px) */
        const uint8_t *p = (const uint8_t *)im->pixels + 40 * im->stride + 44 * 4;
        if (state == SMPSIM_STATE_FRESH)
            ck_assert_msg(p[0] == 180 && p[1] < 178 && p[2] < 179, "ring %d %d %d", p[0], p[1],
                          p[2]);
        else
            ck_assert_msg(p[0] < 180 && p[0] >= p[1] && p[1] > p[2], "ring %d %d %d", p[0],
                          p[1], p[2]);
        smpsim_dots_free(dots);
        smpsim_image_free(im);
    }
}
END_TEST

/* Green darkening of a 10 x 10 px window of an 8-bit image around (cx, cy). */
static double window_darkening(const smpsim_image *im, int cx, int cy, uint8_t base)
{
    double b = smpsim__srgb_to_linear(base / 255.0), sum = 0.0;
    for (int y = cy - 5; y < cy + 5; y++) {
        const uint8_t *p = (const uint8_t *)im->pixels + (size_t)y * im->stride;
        for (int x = cx - 5; x < cx + 5; x++)
            sum += b - smpsim__srgb_to_linear(p[4 * x + 1] / 255.0);
    }
    return sum;
}

START_TEST(test_sessions_render_cumulatively)
{
    /* Three dots of sessions 1, 2, 3. After session 2: the session-1 dot
     * healed, the session-2 dot fresh, the session-3 dot absent. A touch-up
     * (session 3) over 5-year-old work: session 1 lighter than healed. */
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(3, &dots, NULL), SMPSIM_OK);
    for (int s = 1; s <= 3; s++) {
        smpsim_dot d = {(float)(1.0 + 2.0 * (s - 1)), 1.0f, 0.25f, 5.0f, 1, (uint16_t)s, 0};
        ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
    }
    smpsim_view view = smpsim_view_flat(10.0);
    smpsim_render_options o;
    smpsim_render_options_init(&o);
    o.session = 2;
    smpsim_image *im = flat8(60, 20, 200, 170, 150);
    ck_assert_int_eq(smpsim_render_dots(im, &view, dots, &o, NULL), SMPSIM_OK);
    double s1 = window_darkening(im, 10, 10, 170), s2 = window_darkening(im, 30, 10, 170);
    double s3 = window_darkening(im, 50, 10, 170);
    ck_assert_double_eq(s3, 0.0);
    /* healed work reads darker than a fresh needle mark (issue 15) */
    ck_assert_msg(s1 > s2 && s2 > 0.0, "session 1 %.4f, session 2 %.4f", s1, s2);
    /* the same as rendering each alone in its state */
    smpsim_render_options healed = state_options(SMPSIM_STATE_HEALED, 0, 0, 0);
    smpsim_image *alone = flat8(60, 20, 200, 170, 150);
    dots->count = 1;
    ck_assert_int_eq(smpsim_render_dots(alone, &view, dots, &healed, NULL), SMPSIM_OK);
    ck_assert_double_eq_tol(window_darkening(alone, 10, 10, 170), s1, 1e-9);
    dots->count = 3;

    smpsim_image *touch = flat8(60, 20, 200, 170, 150);
    o.session = 3;
    o.earlier_years = 5.0;
    ck_assert_int_eq(smpsim_render_dots(touch, &view, dots, &o, NULL), SMPSIM_OK);
    double t1 = window_darkening(touch, 10, 10, 170), t3 = window_darkening(touch, 50, 10, 170);
    ck_assert_double_lt(t1, s1);
    ck_assert_double_gt(t3, 0.0);
    smpsim_image_free(touch);
    smpsim_image_free(alone);
    smpsim_image_free(im);
    smpsim_dots_free(dots);
}
END_TEST

/* Dots every `step` mm over a w_mm square from (0.5, 0.5) mm. */
static smpsim_dots *square_dots(double origin, double step, double w_mm, double diameter_mm)
{
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(0, &dots, NULL), SMPSIM_OK);
    for (double y = origin; y < origin + w_mm; y += step)
        for (double x = origin; x < origin + w_mm; x += step) {
            smpsim_dot d = {(float)(x + 0.013 * y), (float)(y + 0.017 * x), (float)diameter_mm,
                            5.0f, 1, 1, 0};
            ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
        }
    return dots;
}

/* Loop: 0 healed grid, 1 fresh grid (redness halos apart), 2 fresh dots
 * 0.3 mm apart (halos overlapping several deep), 3 fresh dots across the
 * image's edges (dots and halos clipped, some dots outside with their
 * halos inside). 8-bit renders take short cuts (tables; a dot and its
 * halo in one pass; a faint halo rounded on its own) that 16-bit ones do
 * not. */
START_TEST(test_states_keep_sixteen_bit_and_agree_with_eight)
{
    /* The render in 16 bits stays 16-bit (values between 8-bit steps)
     * and, reduced to 8 bits, matches the 8-bit render within one code
     * (two where four or more halos overlap, or under a healed veil), and
     * on average within a tenth of a code. */
    smpsim_image *im16 = NULL, *im8 = flat8(60, 60, 200, 170, 150);
    ck_assert_int_eq(smpsim_image_new(60, 60, SMPSIM_RGBA16, &im16, NULL), SMPSIM_OK);
    const uint8_t base[3] = {200, 170, 150};
    for (uint32_t y = 0; y < 60; y++) {
        uint16_t *p = (uint16_t *)(void *)((char *)im16->pixels + y * im16->stride);
        for (uint32_t x = 0; x < 60; x++) {
            for (int c = 0; c < 3; c++)
                p[4 * x + c] = (uint16_t)(base[c] * 257);
            p[4 * x + 3] = 65535;
        }
    }
    smpsim_dots *dots = _i < 2    ? grid_dots(0.25, 6.0, 1)
                        : _i == 2 ? square_dots(0.5, 0.3, 5.0, 0.2)
                                  : square_dots(-0.62, 0.41, 7.3, 0.25);
    smpsim_view view = smpsim_view_flat(10.0);
    smpsim_render_options o =
        state_options(_i == 0 ? SMPSIM_STATE_HEALED : SMPSIM_STATE_FRESH, 0, 0, 0);
    ck_assert_int_eq(smpsim_render_dots(im16, &view, dots, &o, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_render_dots(im8, &view, dots, &o, NULL), SMPSIM_OK);
    ck_assert_int_eq(im16->format, SMPSIM_RGBA16);
    int fine = 0, worst = 0;
    double sum = 0.0;
    for (uint32_t y = 0; y < 60; y++) {
        const uint16_t *p = (const uint16_t *)(const void *)((char *)im16->pixels + y * im16->stride);
        const uint8_t *q = (const uint8_t *)im8->pixels + y * im8->stride;
        for (uint32_t i = 0; i < 240; i++) {
            if (i % 4 == 3)
                continue;
            fine += p[i] % 257 != 0;
            int d = (int)lrint(p[i] / 257.0) - (int)q[i];
            sum += d;
            worst = abs(d) > worst ? abs(d) : worst;
        }
    }
    ck_assert_int_gt(fine, 20);
    /* healed: the veil's pixels are encoded, then the specks go on top */
    ck_assert_int_le(worst, _i == 1 ? 1 : 2);
    ck_assert_double_lt(fabs(sum) / (60 * 60 * 3), 0.1);
    smpsim_dots_free(dots);
    smpsim_image_free(im8);
    smpsim_image_free(im16);
}
END_TEST

START_TEST(test_renderer_reuse_gives_same_bytes)
{
    smpsim_render_options o = state_options(SMPSIM_STATE_FRESH, 0, 0, 1.5);
    smpsim_renderer *r = NULL;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_renderer_new(&o, &r, &err), SMPSIM_OK);
    smpsim_dots *dots = grid_dots(0.25, 5.0, 1);
    smpsim_view view = smpsim_view_flat(10.0);
    smpsim_image *a = flat8(60, 60, 200, 170, 150), *b = flat8(60, 60, 200, 170, 150);
    smpsim_image *c = flat8(60, 60, 200, 170, 150);
    ck_assert_int_eq(smpsim_renderer_render(r, a, &view, dots, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_renderer_render(r, b, &view, dots, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_render_dots(c, &view, dots, &o, NULL), SMPSIM_OK);
    ck_assert_int_eq(memcmp(a->pixels, b->pixels, a->stride * a->height), 0);
    ck_assert_int_eq(memcmp(a->pixels, c->pixels, a->stride * a->height), 0);
    /* bad options are refused and the old ones kept */
    smpsim_render_options bad = state_options(7, 0, 0, 0);
    ck_assert_int_eq(smpsim_renderer_set_options(r, &bad, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "state"));
    smpsim_image *d = flat8(60, 60, 200, 170, 150);
    ck_assert_int_eq(smpsim_renderer_render(r, d, &view, dots, NULL), SMPSIM_OK);
    ck_assert_int_eq(memcmp(a->pixels, d->pixels, a->stride * a->height), 0);
    ck_assert_int_eq(smpsim_renderer_render(NULL, d, &view, dots, NULL), SMPSIM_EINVAL);
    smpsim_renderer_free(r);
    r = (smpsim_renderer *)(void *)&bad; /* must come back NULL */
    ck_assert_int_eq(smpsim_renderer_new(&bad, &r, NULL), SMPSIM_EINVAL);
    ck_assert_ptr_null(r);
    smpsim_renderer_free(NULL);
    smpsim_image_free(a);
    smpsim_image_free(b);
    smpsim_image_free(c);
    smpsim_image_free(d);
    smpsim_dots_free(dots);
}
END_TEST

/* n dots of 0.25 mm scattered (seeded) over w_mm x h_mm, in sessions 1
 * and 2, shades 3..7. */
static smpsim_dots *random_dots(double w_mm, double h_mm, size_t n)
{
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(n, &dots, NULL), SMPSIM_OK);
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 11);
    for (size_t i = 0; i < n; i++) {
        double x = w_mm * smpsim__rng_uniform(&rng), y = h_mm * smpsim__rng_uniform(&rng);
        smpsim_dot d = {(float)x, (float)y, 0.25f, (float)(3.0 + 4.0 * smpsim__rng_uniform(&rng)),
                        1, (uint16_t)(1 + i % 2), 0};
        ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
    }
    return dots;
}

START_TEST(test_threads_give_the_same_pixels)
{
    /* Bands of rows composited by several threads give the bytes of one
     * thread: dots crowded enough that fresh redness, blown-out halos
     * (through the factor buffers) and healed dots of session 1 overlap
     * each other and the bands' edges; 8 and 16 bits. */
    smpsim_view view = smpsim_view_flat(10.0);
    for (int format = 0; format < 2; format++) {
        uint32_t w = 240, h = format ? 320 : 480;
        smpsim_dots *dots = random_dots(w / 10.0, h / 10.0, format ? 9000 : 30000);
        smpsim_image *ref = NULL;
        const unsigned counts[] = {1, 2, 3, format ? 4 : 7};
        for (int i = 0; i < 4; i++) {
            smpsim_render_options o = state_options(SMPSIM_STATE_FRESH, 0, 0, 1.6);
            o.session = 2;
            o.threads = counts[i];
            smpsim_image *im = format ? white16(w, h) : flat8(w, h, 200, 170, 150);
            smpsim_renderer *r = NULL;
            smpsim_error err = {0};
            ck_assert_int_eq(smpsim_renderer_new(&o, &r, &err), SMPSIM_OK);
            ck_assert_msg(smpsim_renderer_render(r, im, &view, dots, &err) == SMPSIM_OK, "%s",
                          err.message);
            /* enough splats per thread: all the threads asked for ran */
            ck_assert_uint_eq(smpsim__renderer_threads_used(r), counts[i]);
            smpsim_renderer_free(r);
            if (!ref) {
                ref = im;
                continue;
            }
            ck_assert_msg(memcmp(ref->pixels, im->pixels, ref->stride * ref->height) == 0,
                          "%u threads differ from one (%s bits)", counts[i],
                          format ? "16" : "8");
            smpsim_image_free(im);
        }
        smpsim_image_free(ref);
        smpsim_dots_free(dots);
    }
    /* a handful of dots: one thread, whatever was asked */
    smpsim_render_options o = state_options(SMPSIM_STATE_FRESH, 0, 0, 0.6);
    o.threads = 4;
    smpsim_renderer *r = NULL;
    ck_assert_int_eq(smpsim_renderer_new(&o, &r, NULL), SMPSIM_OK);
    smpsim_image *im = flat8(60, 60, 200, 170, 150);
    smpsim_dots *few = grid_dots(0.25, 5.0, 1);
    ck_assert_int_eq(smpsim_renderer_render(r, im, &view, few, NULL), SMPSIM_OK);
    ck_assert_uint_eq(smpsim__renderer_threads_used(r), 1);
    smpsim_renderer_free(r);
    smpsim_image_free(im);
    smpsim_dots_free(few);
}
END_TEST

START_TEST(test_new_options_are_checked)
{
    smpsim_image *im = flat8(8, 8, 200, 170, 150);
    smpsim_dots *dots = one_dot(0.4, 0.4, 0.2, 5);
    smpsim_view view = smpsim_view_flat(10.0);
    struct {
        smpsim_render_options o;
        const char *field;
    } bad[9];
    for (int i = 0; i < 9; i++)
        smpsim_render_options_init(&bad[i].o);
    bad[0].o.state = -1, bad[0].field = "state";
    bad[1].o.depth_mm = 5, bad[1].field = "depth_mm";
    bad[2].o.years = NAN, bad[2].field = "years";
    bad[3].o.uv_exposure = 9, bad[3].field = "uv_exposure";
    bad[4].o.use_pigment_colour = 1, bad[4].o.pigment_srgb[1] = 2, bad[4].field = "pigment";
    bad[5].o.earlier_years = -1, bad[5].field = "earlier_years";
    bad[6].o.camera_blur_px = -0.5, bad[6].field = "camera_blur_px";
    bad[7].o.camera_blur_px = 9, bad[7].field = "camera_blur_px";
    bad[8].o.threads = 65, bad[8].field = "threads";
    for (int i = 0; i < 9; i++) {
        smpsim_error err = {0};
        ck_assert_int_eq(smpsim_render_dots(im, &view, dots, &bad[i].o, &err), SMPSIM_EINVAL);
        ck_assert_msg(strstr(err.message, bad[i].field), "%s", err.message);
    }
    smpsim_dot_look look;
    ck_assert_int_eq(smpsim_dot_appearance(NULL, NULL, &look, NULL), SMPSIM_EINVAL);
    smpsim_dots_free(dots);
    smpsim_image_free(im);
}
END_TEST

START_TEST(test_explicit_pigment_colour)
{
    /* A brown-grey pigment colour at full coverage over white gives that
     * colour (as given), and reads warmer than carbon black. */
    smpsim_render_options o;
    smpsim_render_options_init(&o);
    o.use_pigment_colour = 1;
    o.pigment_srgb[0] = 0.45;
    o.pigment_srgb[1] = 0.40;
    o.pigment_srgb[2] = 0.35;
    smpsim_dot dot = {0, 0, 0.2f, 5.0f, 1, 1, 0};
    smpsim_dot_look look;
    ck_assert_int_eq(smpsim_dot_appearance(&dot, &o, &look, NULL), SMPSIM_OK);
    for (int c = 0; c < 3; c++)
        ck_assert_double_eq_tol(smpsim__linear_to_srgb(look.transmittance[c]),
                                o.pigment_srgb[c], 1e-9);
    ck_assert_double_gt(look.transmittance[0], look.transmittance[2]);
}
END_TEST

/* ---- skin and hair sampling --------------------------------------------- */

/* 100 x 80 pixels of colour base with shares of colours a and b scattered
 * over it (seeded). */
static smpsim_image *scattered(const uint8_t base[3], const uint8_t a[3], double share_a,
                               const uint8_t b[3], double share_b, uint64_t seed)
{
    smpsim_image *im = flat8(100, 80, base[0], base[1], base[2]);
    smpsim__rng rng;
    smpsim__rng_seed(&rng, seed);
    for (uint32_t y = 0; y < 80; y++) {
        uint8_t *p = (uint8_t *)im->pixels + y * im->stride;
        for (uint32_t x = 0; x < 100; x++) {
            double u = smpsim__rng_uniform(&rng);
            for (int c = 0; c < 3; c++)
                if (u < share_a)
                    p[4 * x + c] = a[c];
                else if (u < share_a + share_b)
                    p[4 * x + c] = b[c];
        }
    }
    return im;
}

/* skin colour with 25 % hair pixels and 5 % highlights, scattered */
static smpsim_image *skin_with_hair(const uint8_t skin[3], const uint8_t hair[3])
{
    const uint8_t highlight[3] = {250, 250, 250};
    return scattered(skin, hair, 0.25, highlight, 0.05, 11);
}

START_TEST(test_sampling_finds_known_colours)
{
    const uint8_t skin[3] = {198, 150, 120}, hair[3] = {40, 30, 25};
    smpsim_image *im = skin_with_hair(skin, hair);
    smpsim_colour s, h;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_SKIN, NULL, 0, 0, &s, &err),
                     SMPSIM_OK);
    ck_assert_str_eq(s.hex, "#c69678");
    ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_HAIR, NULL, 0, 0, &h, &err),
                     SMPSIM_OK);
    ck_assert_str_eq(h.hex, "#281e19");
    ck_assert_int_eq(h.fitzpatrick, 0); /* hair has no skin type */
    /* a polygon, and a point with a radius, give the same skin */
    double poly[] = {10, 10, 90, 10, 90, 70, 10, 70}, point[] = {50, 40};
    smpsim_colour sp, spt;
    ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_SKIN, poly, 4, 0, &sp, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_SKIN, point, 1, 8, &spt, NULL),
                     SMPSIM_OK);
    ck_assert_str_eq(sp.hex, "#c69678");
    ck_assert_str_eq(spt.hex, "#c69678");
    ck_assert_uint_lt(spt.n_pixels, sp.n_pixels);
    /* automatically, under the dots of a design */
    smpsim_dots *dots = grid_dots(0.2, 5, 1);
    smpsim_view view = smpsim_view_flat(10.0);
    smpsim_colour sd;
    ck_assert_int_eq(smpsim_sample_skin_at_dots(im, &view, dots, &sd, &err), SMPSIM_OK);
    ck_assert_str_eq(sd.hex, "#c69678");
    /* errors */
    ck_assert_int_eq(smpsim_sample_colour(NULL, SMPSIM_SAMPLE_SKIN, NULL, 0, 0, &s, NULL),
                     SMPSIM_EINVAL);
    double outside[] = {-50, -50, -10, -50, -10, -10};
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_SKIN, outside, 3, 0, &s, &err),
                     SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "no opaque pixel"));
    ck_assert_uint_eq(s.n_pixels, 0);
    double nan_point[] = {NAN, 3};
    ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_HAIR, nan_point, 1, 0, &s, NULL),
                     SMPSIM_EINVAL);
    smpsim_view far = smpsim_view_flat(10.0);
    far.offset_x_px = 5000;
    ck_assert_int_eq(smpsim_sample_skin_at_dots(im, &far, dots, &sd, NULL), SMPSIM_EINVAL);
    smpsim_dots_free(dots);
    smpsim_image_free(im);
}
END_TEST

/* Skin under dots that also fall on a blue backdrop and on grey hair about
 * as bright as the skin (the middle half by luminance holds all three):
 * only the skin-coloured pixels count. A photo with too few of them (a
 * grey card) is sampled as it is. */
START_TEST(test_skin_sample_skips_backdrop_and_grey_hair)
{
    const uint8_t skin[3] = {198, 150, 120}, backdrop[3] = {110, 160, 215},
                  grey[3] = {168, 168, 168};
    smpsim_image *im = scattered(skin, backdrop, 0.30, grey, 0.20, 12);
    smpsim_colour s;
    ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_SKIN, NULL, 0, 0, &s, NULL),
                     SMPSIM_OK);
    ck_assert_str_eq(s.hex, "#c69678");
    smpsim_dots *dots = grid_dots(0.2, 5, 1);
    smpsim_view view = smpsim_view_flat(10.0);
    ck_assert_int_eq(smpsim_sample_skin_at_dots(im, &view, dots, &s, NULL), SMPSIM_OK);
    ck_assert_str_eq(s.hex, "#c69678");
    smpsim_dots_free(dots);
    smpsim_image_free(im);
    im = flat8(20, 20, grey[0], grey[1], grey[2]);
    ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_SKIN, NULL, 0, 0, &s, NULL),
                     SMPSIM_OK);
    ck_assert_str_eq(s.hex, "#a8a8a8");
    smpsim_image_free(im);
}
END_TEST

START_TEST(test_fitzpatrick_and_default_shade)
{
    /* Lighter skin: lower type and a lighter default shade; darker skin:
     * higher type, darker shade. The shade is never darker than the hair. */
    const uint8_t tones[4][3] = {{244, 222, 208}, {215, 165, 135}, {160, 110, 80}, {90, 60, 45}};
    int last_type = 0;
    double last_shade = 0;
    for (int i = 0; i < 4; i++) {
        smpsim_image *im = flat8(20, 20, tones[i][0], tones[i][1], tones[i][2]);
        smpsim_colour s;
        ck_assert_int_eq(smpsim_sample_colour(im, SMPSIM_SAMPLE_SKIN, NULL, 0, 0, &s, NULL),
                         SMPSIM_OK);
        ck_assert_msg(s.fitzpatrick > last_type, "tone %d: type %d after %d (ITA %.1f)", i,
                      s.fitzpatrick, last_type, s.ita_deg);
        double shade = smpsim_default_shade(&s, NULL, NULL);
        ck_assert_double_gt(shade, last_shade);
        last_type = s.fitzpatrick;
        last_shade = shade;
        smpsim_image_free(im);
    }
    ck_assert_int_le(last_type, 6);

    /* Fair skin with light brown hair: the shade is capped so that pigment
     * fully covering the skin is no darker than the hair. */
    smpsim_colour skin = {0}, hair = {0};
    for (int c = 0; c < 3; c++) {
        skin.linear[c] = smpsim__srgb_to_linear(tones[0][c] / 255.0);
        hair.linear[c] = smpsim__srgb_to_linear((c == 0 ? 150 : c == 1 ? 120 : 95) / 255.0);
    }
    skin.fitzpatrick = 6; /* asks for a dark shade */
    skin.n_pixels = hair.n_pixels = 1;
    double shade = smpsim_default_shade(&skin, &hair, NULL);
    double t[3], y_dot = 0, y_hair = 0;
    const double w[3] = {0.2126, 0.7152, 0.0722};
    smpsim_shade_transmittance(shade, NULL, t);
    for (int c = 0; c < 3; c++) {
        y_dot += w[c] * skin.linear[c] * t[c];
        y_hair += w[c] * hair.linear[c];
    }
    ck_assert_double_ge(y_dot, y_hair);
    ck_assert_double_lt(shade, 8.0);
    /* white hair (lighter than the skin): the lightest shade */
    for (int c = 0; c < 3; c++)
        hair.linear[c] = 0.9;
    ck_assert_double_eq(smpsim_default_shade(&skin, &hair, NULL), 1.0);
}
END_TEST

/* ---- viewing distance ---------------------------------------------------- */

static double green_stddev(const smpsim_image *im, double *mean_lin)
{
    double sum = 0, sum2 = 0, n = 0;
    for (uint32_t y = 5; y + 5 < im->height; y++) {
        const uint8_t *p = (const uint8_t *)im->pixels + y * im->stride;
        for (uint32_t x = 5; x + 5 < im->width; x++) {
            double v = smpsim__srgb_to_linear(p[4 * x + 1] / 255.0);
            sum += v;
            sum2 += v * v;
            n++;
        }
    }
    *mean_lin = sum / n;
    return sqrt(sum2 / n - (sum / n) * (sum / n));
}

START_TEST(test_viewing_distance_blurs_dots_away)
{
    /* Dots 1 mm apart at 10 px/mm: further away, less contrast between dots
     * and skin; the mean linear light stays (a blur only moves light). */
    double last_sd = INFINITY, mean0 = 0;
    const double distances[] = {0, 0.5, 1, 3};
    for (int i = 0; i < 4; i++) {
        smpsim_image *im = flat8(60, 60, 200, 170, 150);
        smpsim_dots *dots = grid_dots(0.25, 7, 1);
        smpsim_view view = smpsim_view_flat(10.0);
        ck_assert_int_eq(smpsim_render_dots(im, &view, dots, NULL, NULL), SMPSIM_OK);
        if (distances[i] > 0)
            ck_assert_int_eq(smpsim_image_view_at_distance(im, 10.0, distances[i], NULL),
                             SMPSIM_OK);
        double mean, sd = green_stddev(im, &mean);
        if (i == 0)
            mean0 = mean;
        ck_assert_msg(sd < last_sd, "%.1f m: contrast %.4f, nearer %.4f", distances[i], sd,
                      last_sd);
        ck_assert_double_eq_tol(mean, mean0, 0.004);
        last_sd = sd;
        smpsim_dots_free(dots);
        smpsim_image_free(im);
    }
    smpsim_image *im = flat8(8, 8, 1, 2, 3);
    ck_assert_int_eq(smpsim_image_view_at_distance(im, 10.0, 0.0, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_image_view_at_distance(im, NAN, 1.0, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_image_view_at_distance(im, 5000.0, 90.0, NULL), SMPSIM_ELIMIT);
    ck_assert_int_eq(smpsim_image_view_at_distance(NULL, 10.0, 1.0, NULL), SMPSIM_EINVAL);
    smpsim_image_free(im);
}
END_TEST

/* ---- cairo --------------------------------------------------------------- */

START_TEST(test_render_into_cairo)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 40);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    smpsim_dots *dots = one_dot(2.0, 2.0, 1.0, 10.0); /* 10 px across at 10 px/mm */
    smpsim_view view = smpsim_view_flat(10.0);
    ck_assert_int_eq(smpsim_render_dots_cairo(cr, &view, dots, NULL, NULL), SMPSIM_OK);
    cairo_surface_flush(s);
    const uint32_t *px = (const uint32_t *)(const void *)cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s) / 4;
    uint32_t centre = px[20 * stride + 20], corner = px[2 * stride + 2];
    double t[3];
    smpsim_shade_transmittance(10.0, NULL, t);
    int want_r = (int)lrint(smpsim__linear_to_srgb(t[0]) * 255);
    ck_assert_int_le(abs((int)((centre >> 16) & 255) - want_r), 2);
    ck_assert_uint_eq(corner & 0xffffff, 0xffffff);
    ck_assert_int_eq(cairo_get_operator(cr), CAIRO_OPERATOR_OVER); /* state restored */
    ck_assert_int_eq(smpsim_render_dots_cairo(NULL, &view, dots, NULL, NULL), SMPSIM_EINVAL);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    smpsim_dots_free(dots);
}
END_TEST

/* ---- reference images of the states -------------------------------------- */

/* Renders a 320 x 200 crop with a fixed design in one state and compares it
 * with tests/data/ref-<name>.png (max 2 code values, mean < 0.05). */
static void check_state_reference(const char *input_name, const char *name,
                                  const smpsim_render_options *o)
{
    char input[1024], ref_path[1024], out_path[1024], diff_path[1024];
    const char *data = env_or("SMPSIM_TEST_DATA", "tests/data");
    const char *outdir = env_or("SMPSIM_TEST_OUT", ".");
    snprintf(input, sizeof input, "%s/%s", data, input_name);
    snprintf(ref_path, sizeof ref_path, "%s/ref-%s.png", data, name);
    snprintf(out_path, sizeof out_path, "%s/ref-%s.out.png", outdir, name);
    snprintf(diff_path, sizeof diff_path, "%s/ref-%s.diff.png", outdir, name);
    smpsim_error err = {0};
    smpsim_image *im = NULL;
    ck_assert_msg(smpsim_image_load(input, NULL, &im, &err) == SMPSIM_OK, "%s", err.message);
    /* Dots placed by hand on a jittered grid (independent of the sampler,
     * which others tune): 1 mm pitch at 6.5 px/mm, 0.25 mm needle, shade 6. */
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(0, &dots, NULL), SMPSIM_OK);
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 5);
    for (int j = 0; j < 30; j++)
        for (int i = 0; i < 48; i++) {
            smpsim_dot d = {(float)(0.5 + i + 0.5 * (j % 2) + 0.3 * smpsim__rng_uniform(&rng)),
                            (float)(0.5 + j + 0.3 * smpsim__rng_uniform(&rng)), 0.25f, 6.0f, 1,
                            1, 0};
            ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
        }
    smpsim_view view = smpsim_view_flat(6.5);
    ck_assert_int_eq(smpsim_render_dots(im, &view, dots, o, &err), SMPSIM_OK);
    if (getenv("SMPSIM_UPDATE_REFERENCES")) {
        ck_assert_int_eq(smpsim_image_save_png(im, ref_path, NULL, &err), SMPSIM_OK);
        fprintf(stderr, "wrote %s: look at it before committing\n", ref_path);
    }
    smpsim_image *ref = NULL, *diff = NULL;
    ck_assert_msg(smpsim_image_load(ref_path, NULL, &ref, &err) == SMPSIM_OK, "%s", err.message);
    ck_assert_uint_eq(ref->width, im->width);
    ck_assert_uint_eq(ref->height, im->height);
    ck_assert_int_eq(smpsim_image_new(im->width, im->height, SMPSIM_RGBA8, &diff, NULL),
                     SMPSIM_OK);
    double mean;
    int worst = max_difference(im, ref, diff, &mean);
    if (worst > 2 || mean >= 0.05) {
        smpsim_image_save_png(im, out_path, NULL, NULL);
        smpsim_image_save_png(diff, diff_path, NULL, NULL);
    }
    ck_assert_msg(worst <= 2 && mean < 0.05,
                  "%s differs from its reference: max %d, mean %.4f (see %s and %s)", name, worst,
                  mean, out_path, diff_path);
    smpsim_image_free(diff);
    smpsim_image_free(ref);
    smpsim_dots_free(dots);
    smpsim_image_free(im);
}

START_TEST(test_reference_states)
{
    static const char *const photos[2][2] = {{"ref-input.png", "fair"},
                                             {"ref-dark-input.png", "dark"}};
    static const char *const states[3] = {"fresh", "healed", "5y"};
    for (int p = 0; p < 2; p++)
        for (int s = 0; s < 3; s++) {
            smpsim_render_options o = state_options(s + 1, s == 2 ? 5.0 : 0.0, 0, 0);
            char name[64];
            snprintf(name, sizeof name, "%s-%s", photos[p][1], states[s]);
            check_state_reference(photos[p][0], name, &o);
        }
}
END_TEST

static Suite *render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_subpixel_dot_darkens_its_area);
    tcase_add_test(tc, test_dot_is_not_a_square);
    tcase_add_test(tc, test_pigment_is_cool_and_shades_order);
    tcase_add_test(tc, test_composite_is_in_linear_light);
    tcase_add_test(tc, test_sixteen_bit_stays_sixteen_bit);
    tcase_add_test(tc, test_render_errors);
    tcase_add_test(tc, test_reference_render);
    suite_add_tcase(s, tc);
    TCase *model = tcase_create("model");
    tcase_set_timeout(model, 60);
    tcase_add_test(model, test_srgb8_encode_is_exact);
    tcase_add_test(model, test_states_are_monotonic);
    tcase_add_test(model, test_deeper_is_larger_blurrier_cooler);
    tcase_add_test(model, test_fresh_dots_have_redness_around);
    tcase_add_test(model, test_sessions_render_cumulatively);
    tcase_add_loop_test(model, test_states_keep_sixteen_bit_and_agree_with_eight, 0, 4);
    tcase_add_test(model, test_camera_blur_softens_and_keeps_area);
    tcase_add_test(model, test_renderer_reuse_gives_same_bytes);
    tcase_add_test(model, test_threads_give_the_same_pixels);
    tcase_add_test(model, test_new_options_are_checked);
    tcase_add_test(model, test_explicit_pigment_colour);
    tcase_add_test(model, test_sampling_finds_known_colours);
    tcase_add_test(model, test_skin_sample_skips_backdrop_and_grey_hair);
    tcase_add_test(model, test_fitzpatrick_and_default_shade);
    tcase_add_test(model, test_viewing_distance_blurs_dots_away);
    tcase_add_test(model, test_render_into_cairo);
    tcase_add_test(model, test_reference_states);
    suite_add_tcase(s, model);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(render_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
