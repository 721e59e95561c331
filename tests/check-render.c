/* Rendering: sub-pixel accuracy, linear light, and a reference image. */
#include "smpsim-private.h"

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
    /* Tolerance: one code value anywhere (rounding across compilers). */
    if (worst > 1) {
        smpsim_image_save_png(im, out_path, NULL, NULL);
        smpsim_image_save_png(diff, diff_path, NULL, NULL);
    }
    ck_assert_msg(worst <= 1 && mean < 0.05,
                  "render differs from reference: max %d, mean %.4f (see %s and %s)", worst,
                  mean, out_path, diff_path);
    smpsim_image_free(diff);
    smpsim_image_free(ref);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
    smpsim_image_free(im);
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
