/* The camera's blur measured from a photo: synthetic photos of discs
 * blurred with a known Gaussian, 8- and 16-bit, with noise, with hairs,
 * restricted to a region, and the errors. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define RISE_PER_SIGMA 2.5631 /* 10-90 % rise of a Gaussian edge */
#define CELL 50               /* one disc per 50 x 50 px cell */
#define BACKGROUND 0.35       /* linear */
#define PI 3.14159265358979323846
#define SQRT2 1.41421356237309505

/* The blur of a cell: the same everywhere, or sharp in the top-left and
 * bottom-right quadrants and blurred in the other two. */
typedef struct scene {
    uint32_t width, height;
    smpsim_pixel_format format;
    double sigma_px, other_sigma_px; /* other: the top-right and bottom-left quadrants (0 = same) */
    double noise;                    /* standard deviation, linear */
    double hair_contrast;            /* thin dark lines across the photo (0 = none) */
    uint64_t seed;
} scene;

static double cell_sigma(const scene *sc, uint32_t x, uint32_t y)
{
    bool right = x >= sc->width / 2, bottom = y >= sc->height / 2;
    return sc->other_sigma_px > 0 && right != bottom ? sc->other_sigma_px : sc->sigma_px;
}

/* A disc per cell, radius 10..18 px, centre jittered by up to 4 px,
 * lighter or darker than the background by 0.12..0.3, its edge a step
 * blurred by the cell's Gaussian (sampled at pixel centres); optionally
 * dark hairs 0.5 px wide blurred the same way; then noise; sRGB-encoded. */
static smpsim_image *make_scene(const scene *sc)
{
    smpsim_image *im = NULL;
    ck_assert_int_eq(smpsim_image_new(sc->width, sc->height, sc->format, &im, NULL), SMPSIM_OK);
    smpsim__rng rng;
    smpsim__rng_seed(&rng, sc->seed);
    uint32_t cols = sc->width / CELL, rows = sc->height / CELL;
    double *disc = malloc((size_t)cols * rows * 4 * sizeof *disc);
    for (uint32_t i = 0; i < cols * rows; i++) {
        double *d = disc + 4 * i;
        d[0] = (i % cols + 0.5) * CELL + 8.0 * (smpsim__rng_uniform(&rng) - 0.5);
        d[1] = (i / cols + 0.5) * CELL + 8.0 * (smpsim__rng_uniform(&rng) - 0.5);
        d[2] = 10.0 + 8.0 * smpsim__rng_uniform(&rng);
        d[3] = (0.12 + 0.18 * smpsim__rng_uniform(&rng)) * (smpsim__rng_next(&rng) & 1 ? 1 : -1);
    }
    for (uint32_t y = 0; y < sc->height; y++) {
        uint8_t *row = (uint8_t *)im->pixels + y * im->stride;
        for (uint32_t x = 0; x < sc->width; x++) {
            double sigma = cell_sigma(sc, x, y), v = BACKGROUND;
            uint32_t cx = x / CELL, cy = y / CELL;
            if (cx < cols && cy < rows) {
                const double *d = disc + 4 * (cy * cols + cx);
                double r = hypot(x - d[0], y - d[1]);
                v += d[3] * 0.5 * erfc((r - d[2]) / (sigma * SQRT2));
            }
            if (sc->hair_contrast > 0) { /* lines x + 2y = 37 (mod 23) */
                double t = fmod(x + 2.0 * y + 1000.0 * 23.0 - 37.0, 23.0);
                double dist = fmin(t, 23.0 - t) / sqrt(5.0);
                double s2 = sigma * sigma + 0.5 * 0.5 / 12.0;
                v -= sc->hair_contrast * 0.5 * exp(-0.5 * dist * dist / s2) / sqrt(2 * PI * s2);
            }
            if (sc->noise > 0) {
                double z[2];
                smpsim__rng_normal2(&rng, z);
                v += sc->noise * z[0];
            }
            double e = smpsim__linear_to_srgb(fmin(fmax(v, 0.0), 1.0));
            for (int k = 0; k < 4; k++) {
                double c = k == 3 ? 1.0 : e;
                if (sc->format == SMPSIM_RGBA8)
                    row[4 * x + k] = (uint8_t)lrint(c * 255.0);
                else
                    ((uint16_t *)(void *)row)[4 * x + k] = (uint16_t)lrint(c * 65535.0);
            }
        }
    }
    free(disc);
    return im;
}

static smpsim_blur_estimate estimate(const smpsim_image *im, const double *xy, size_t n)
{
    smpsim_blur_estimate e;
    smpsim_error err = {0};
    smpsim_status st = smpsim_estimate_camera_blur(im, xy, n, &e, &err);
    ck_assert_msg(st == SMPSIM_OK, "estimate failed: %s", err.message);
    return e;
}

static void assert_rise(const smpsim_blur_estimate *e, double sigma, double tolerance,
                        const char *what)
{
    double want = RISE_PER_SIGMA * sigma;
    ck_assert_msg(fabs(e->rise_px - want) <= tolerance * want,
                  "%s: sigma %.2f px: rise %.3f px, want %.3f +- %.0f %% (%zu edges, "
                  "%.2f..%.2f)",
                  what, sigma, e->rise_px, want, 100 * tolerance, e->n_edges, e->rise_low_px,
                  e->rise_high_px);
}

START_TEST(test_known_blur_is_measured)
{
    /* Discs blurred by sigma 0.6, 1 and 2 px: the rise is 2.563 sigma
     * within 8 %; sigma_px says the same. */
    const double sigmas[] = {0.6, 1.0, 2.0};
    for (size_t i = 0; i < 3; i++) {
        scene sc = {400, 300, SMPSIM_RGBA8, sigmas[i], 0, 0, 0, 1};
        smpsim_image *im = make_scene(&sc);
        smpsim_blur_estimate e = estimate(im, NULL, 0);
        assert_rise(&e, sigmas[i], 0.08, "8-bit");
        ck_assert_double_eq_tol(e.sigma_px * RISE_PER_SIGMA, e.rise_px, 1e-3);
        ck_assert_uint_ge(e.n_edges, 1000);
        ck_assert(e.rise_low_px <= e.rise_px && e.rise_px <= e.rise_high_px);
        ck_assert(e.rise_px <= e.median_rise_px);
        ck_assert_int_eq(e.at_floor, 0);
        smpsim_image_free(im);
    }
}
END_TEST

START_TEST(test_sharper_than_resolvable_is_floored)
{
    /* Steps blurred by sigma 0.1 px (a rise of 0.26 px, sharper than the
     * method can tell from none): reported as the floor, 0.5 px, and
     * said so. */
    scene sc = {400, 300, SMPSIM_RGBA8, 0.1, 0, 0, 0, 10};
    smpsim_image *im = make_scene(&sc);
    smpsim_blur_estimate e = estimate(im, NULL, 0);
    ck_assert_int_eq(e.at_floor, 1);
    ck_assert_double_eq_tol(e.rise_px, 0.5, 1e-9);
    ck_assert(e.rise_low_px <= 0.5);
    smpsim_image_free(im);
}
END_TEST

START_TEST(test_blurrier_reads_larger)
{
    /* Monotonic: each blurrier photo gives a larger estimate, by at least
     * half of the true difference. */
    const double sigmas[] = {0.5, 0.8, 1.2, 1.8, 2.5};
    double last = 0.0;
    for (size_t i = 0; i < 5; i++) {
        scene sc = {400, 300, SMPSIM_RGBA8, sigmas[i], 0, 0, 0, 2};
        smpsim_image *im = make_scene(&sc);
        smpsim_blur_estimate e = estimate(im, NULL, 0);
        if (i > 0)
            ck_assert_msg(e.rise_px - last >= 0.5 * RISE_PER_SIGMA * (sigmas[i] - sigmas[i - 1]),
                          "sigma %.1f: rise %.3f px after %.3f px", sigmas[i], e.rise_px, last);
        last = e.rise_px;
        smpsim_image_free(im);
    }
}
END_TEST

START_TEST(test_noise_keeps_the_estimate)
{
    /* Noise of 0.01 (linear; about 2.5 sRGB codes at the background): the
     * estimate stays within 15 %, on fewer edges. With 0.03 (the discs'
     * contrast is only 4 to 10 times the noise) too few edges can be
     * trusted: EINVAL, or still within 15 %, never a confident wrong
     * figure (taking every edge would read a third too sharp). */
    const double sigmas[] = {0.6, 1.0, 2.0};
    for (size_t i = 0; i < 3; i++) {
        scene sc = {400, 300, SMPSIM_RGBA8, sigmas[i], 0, 0.01, 0, 3};
        smpsim_image *im = make_scene(&sc);
        smpsim_blur_estimate e = estimate(im, NULL, 0);
        assert_rise(&e, sigmas[i], 0.15, "noise 0.01");
        smpsim_image_free(im);
    }
    scene sc = {400, 300, SMPSIM_RGBA8, 0.6, 0, 0.03, 0, 3};
    smpsim_image *im = make_scene(&sc);
    smpsim_blur_estimate e;
    if (smpsim_estimate_camera_blur(im, NULL, 0, &e, NULL) == SMPSIM_OK)
        assert_rise(&e, 0.6, 0.15, "noise 0.03");
    smpsim_image_free(im);
}
END_TEST

START_TEST(test_sixteen_bit)
{
    /* 16-bit photos are read at their depth: the same scene gives the same
     * blur within 8 %, and agrees with 8-bit within 5 %. */
    const double sigmas[] = {0.6, 1.5};
    for (size_t i = 0; i < 2; i++) {
        scene sc = {400, 300, SMPSIM_RGBA16, sigmas[i], 0, 0, 0, 4};
        smpsim_image *im16 = make_scene(&sc);
        sc.format = SMPSIM_RGBA8;
        smpsim_image *im8 = make_scene(&sc);
        smpsim_blur_estimate e16 = estimate(im16, NULL, 0), e8 = estimate(im8, NULL, 0);
        assert_rise(&e16, sigmas[i], 0.08, "16-bit");
        ck_assert_msg(fabs(e16.rise_px - e8.rise_px) <= 0.05 * e8.rise_px,
                      "sigma %.1f: 16-bit %.3f px, 8-bit %.3f px", sigmas[i], e16.rise_px,
                      e8.rise_px);
        smpsim_image_free(im16);
        smpsim_image_free(im8);
    }
}
END_TEST

START_TEST(test_hairs_do_not_look_sharp)
{
    /* Thin dark lines (hairs 0.5 px wide, every 10 px) across discs, all
     * blurred by sigma 1: a line's two sides close together would read
     * much sharper than the camera (taking them all reads 0.5 px); they
     * are left out, and the estimate stays within 10 % of the discs'. */
    scene sc = {400, 300, SMPSIM_RGBA8, 1.0, 0, 0, 0.5, 5};
    smpsim_image *im = make_scene(&sc);
    smpsim_blur_estimate e = estimate(im, NULL, 0);
    assert_rise(&e, 1.0, 0.10, "with hairs");
    smpsim_image_free(im);
}
END_TEST

/* The top-right and bottom-left quadrants of a w x h photo, as one
 * polygon through the centre (its bounding box is the whole photo), or
 * the other two. */
static void quadrants(double w, double h, bool blurred, double xy[16])
{
    const double a[16] = {w / 2, 0, w, 0, w, h / 2, w / 2, h / 2,
                          w / 2, h, 0, h, 0, h / 2, w / 2, h / 2};
    for (int i = 0; i < 16; i += 2) {
        xy[i] = blurred ? a[i] : w - a[i];
        xy[i + 1] = a[i + 1];
    }
}

START_TEST(test_polygon_measures_its_region)
{
    /* Sharp (sigma 0.5) in two quadrants, blurred (sigma 2) in the other
     * two: each region gives its own blur (within 10 %, and 15 % for the
     * sharp one, near the floor); the whole photo gives the sharp edges'
     * (the lower quartile), well below the middle of the two. */
    scene sc = {400, 300, SMPSIM_RGBA8, 0.5, 2.0, 0, 0, 6};
    smpsim_image *im = make_scene(&sc);
    double xy[16];
    quadrants(400, 300, true, xy);
    smpsim_blur_estimate blurred = estimate(im, xy, 8);
    assert_rise(&blurred, 2.0, 0.10, "blurred region");
    quadrants(400, 300, false, xy);
    smpsim_blur_estimate sharp = estimate(im, xy, 8);
    assert_rise(&sharp, 0.5, 0.15, "sharp region");
    smpsim_blur_estimate whole = estimate(im, NULL, 0);
    ck_assert_msg(whole.rise_px < 0.5 * (sharp.rise_px + blurred.rise_px) &&
                      whole.median_rise_px > whole.rise_px,
                  "whole photo: rise %.3f px, median %.3f px", whole.rise_px,
                  whole.median_rise_px);
    smpsim_image_free(im);
}
END_TEST

#if SMPSIM_HAVE_PNG /* needs PNG photos: not in a core build */
START_TEST(test_real_photos_add_like_gaussians)
{
    /* The four sample photos (real, with texture, hairs, JPEG noise and
     * sharpening): blurred again by a Gaussian of sigma 1 px in linear
     * light (the viewing-distance blur, at the scale where 1 arcminute at
     * 1 m is sigma 1 px), each reads as Gaussians add, sqrt(sigma0^2 + 1),
     * within 12 %. Without the edge tests (step, profile widths) textures
     * and halos make the blurred photos read 20-30 % sharp. */
    static const char *const names[] = {"fair-bald", "fair-buzzed", "dark-bald", "olive-shaved"};
    const char *dir = getenv("SMPSIM_SAMPLES");
    if (!dir)
        return;
    /* sigma = 1000 tan(1') mm / 2.35482 * px_per_mm = 1 px at 1 m */
    double px_per_mm = 2.3548200450309493 / (1000.0 * tan(PI / 180.0 / 60.0));
    for (size_t i = 0; i < 4; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/photos/scalp-front-%s.png", dir, names[i]);
        smpsim_image *im = NULL;
        ck_assert_int_eq(smpsim_image_load(path, NULL, &im, NULL), SMPSIM_OK);
        smpsim_blur_estimate before = estimate(im, NULL, 0);
        ck_assert_int_eq(smpsim_image_view_at_distance(im, px_per_mm, 1.0, NULL), SMPSIM_OK);
        smpsim_blur_estimate after = estimate(im, NULL, 0);
        double sigma0 = before.rise_px / RISE_PER_SIGMA;
        assert_rise(&after, sqrt(sigma0 * sigma0 + 1.0), 0.12, names[i]);
        smpsim_image_free(im);
    }
}
END_TEST
#endif

static void expect_einval(const smpsim_image *im, const double *xy, size_t n, const char *needle)
{
    smpsim_blur_estimate e;
    memset(&e, 0xab, sizeof e);
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_estimate_camera_blur(im, xy, n, &e, &err), SMPSIM_EINVAL);
    ck_assert_int_eq(err.status, SMPSIM_EINVAL);
    ck_assert_msg(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'", err.message,
                  needle);
    ck_assert_msg(e.n_edges == 0 && e.rise_px == 0.0, "out not zeroed on error");
}

START_TEST(test_errors_name_the_problem)
{
    scene sc = {400, 300, SMPSIM_RGBA8, 1.0, 0, 0, 0, 7};
    smpsim_image *im = make_scene(&sc);
    expect_einval(NULL, NULL, 0, "no image");
    smpsim_image broken = *im;
    broken.pixels = NULL;
    expect_einval(&broken, NULL, 0, "no image");
    ck_assert_int_eq(smpsim_estimate_camera_blur(im, NULL, 0, NULL, NULL), SMPSIM_EINVAL);
    const double two[4] = {10, 10, 200, 200};
    expect_einval(im, two, 2, "2 points");
    expect_einval(im, NULL, 3, "no coordinates");
    expect_einval(im, two, 0, "0 points");
    double nan_point[6] = {10, 10, 300, 20, 100, 250};
    nan_point[3] = NAN;
    expect_einval(im, nan_point, 3, "point 2: y is NaN");
    nan_point[3] = 20;
    nan_point[4] = INFINITY;
    expect_einval(im, nan_point, 3, "point 3: x is infinite");
    const double outside[6] = {1000, 1000, 1100, 1000, 1100, 1100};
    expect_einval(im, outside, 3, "outside the photo");
    const double far_off[6] = {1e300, 10, 2e300, 10, 2e300, 1e300};
    expect_einval(im, far_off, 3, "outside the photo");
    const double tiny[6] = {100, 100, 108, 100, 108, 108};
    expect_einval(im, tiny, 3, "clean step edges in the region");
    smpsim_image_free(im);

    /* A flat photo, one too small, and pure noise. */
    smpsim_image *flat = NULL;
    ck_assert_int_eq(smpsim_image_new(300, 200, SMPSIM_RGBA8, &flat, NULL), SMPSIM_OK);
    memset(flat->pixels, 128, flat->stride * 200);
    expect_einval(flat, NULL, 0, "clean step edges in the photo");
    smpsim_image_free(flat);
    ck_assert_int_eq(smpsim_image_new(20, 500, SMPSIM_RGBA16, &flat, NULL), SMPSIM_OK);
    expect_einval(flat, NULL, 0, "photo is too small");
    smpsim_image_free(flat);
    scene noise = {300, 200, SMPSIM_RGBA8, 1.0, 0, 0.05, 0, 8};
    noise.width = 49; /* no whole cell: no disc, only noise */
    smpsim_image *noisy = make_scene(&noise);
    expect_einval(noisy, NULL, 0, "clean step edges");
    smpsim_image_free(noisy);
}
END_TEST

START_TEST(test_any_size_and_deterministic)
{
    /* Sizes around the kernels' margin, thin strips and a larger photo:
     * an answer or EINVAL, never a crash (run under the sanitizers too);
     * the same photo gives the same bytes, and so does a polygon whose
     * points lie far outside it. */
    const uint32_t sizes[][2] = {{1, 1}, {24, 24}, {25, 25}, {26, 26}, {27, 3000}, {3000, 27},
                                 {51, 51}, {1200, 900}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        scene sc = {sizes[i][0], sizes[i][1], SMPSIM_RGBA8, 1.0, 0, 0.002, 0, 9};
        smpsim_image *im = make_scene(&sc);
        smpsim_blur_estimate a, b;
        smpsim_error err = {0};
        smpsim_status st = smpsim_estimate_camera_blur(im, NULL, 0, &a, &err);
        ck_assert_msg(st == SMPSIM_OK || st == SMPSIM_EINVAL, "%ux%u: %s", sizes[i][0],
                      sizes[i][1], err.message);
        ck_assert_int_eq(smpsim_estimate_camera_blur(im, NULL, 0, &b, NULL), st);
        ck_assert(memcmp(&a, &b, sizeof a) == 0);
        if (sizes[i][1] == 900) {
            assert_rise(&a, 1.0, 0.08, "1200x900");
            /* a triangle far beyond the photo on every side: the whole photo */
            const double far[6] = {-1e300, -1e300, 1e300, -1e300, 0, 1e300};
            ck_assert_int_eq(smpsim_estimate_camera_blur(im, far, 3, &b, NULL), SMPSIM_OK);
            ck_assert(memcmp(&a, &b, sizeof a) == 0);
        }
        smpsim_image_free(im);
    }
}
END_TEST

static Suite *camera_suite(void)
{
    Suite *s = suite_create("camera");
    TCase *tc = tcase_create("blur");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_known_blur_is_measured);
    tcase_add_test(tc, test_sharper_than_resolvable_is_floored);
    tcase_add_test(tc, test_blurrier_reads_larger);
    tcase_add_test(tc, test_noise_keeps_the_estimate);
    tcase_add_test(tc, test_sixteen_bit);
    tcase_add_test(tc, test_hairs_do_not_look_sharp);
    tcase_add_test(tc, test_polygon_measures_its_region);
#if SMPSIM_HAVE_PNG
    tcase_add_test(tc, test_real_photos_add_like_gaussians);
#endif
    tcase_add_test(tc, test_errors_name_the_problem);
    tcase_add_test(tc, test_any_size_and_deterministic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(camera_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
