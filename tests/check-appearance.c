/* The appearance metric (smpsim_measure_appearance) on hand-built images
 * whose answers are worked out here, independently of the library. */
#include <smpsim/smpsim.h>

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* sRGB code -> linear (IEC 61966-2-1). */
static double lin(int code)
{
    double v = code / 255.0;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double f_lab(double t)
{
    return t > pow(6.0 / 29.0, 3) ? cbrt(t) : t / (3 * pow(6.0 / 29.0, 2)) + 4.0 / 29.0;
}

/* CIELAB D65 of a linear RGB (sRGB primaries). */
static void lab(const double c[3], double out[3])
{
    double X = (0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2]) / 0.9505;
    double Y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    double Z = (0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]) / 1.0890;
    out[0] = 116 * f_lab(Y) - 16;
    out[1] = 500 * (f_lab(X) - f_lab(Y));
    out[2] = 200 * (f_lab(Y) - f_lab(Z));
}

static void lab_codes(const int rgb[3], double out[3])
{
    double c[3] = {lin(rgb[0]), lin(rgb[1]), lin(rgb[2])};
    lab(c, out);
}

static smpsim_image *flat(uint32_t w, uint32_t h, const int rgb[3])
{
    smpsim_image *im = NULL;
    ck_assert_int_eq(smpsim_image_new(w, h, SMPSIM_RGBA8, &im, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *p = (uint8_t *)im->pixels + y * im->stride + 4 * x;
            p[0] = (uint8_t)rgb[0], p[1] = (uint8_t)rgb[1], p[2] = (uint8_t)rgb[2], p[3] = 255;
        }
    return im;
}

static void put(smpsim_image *im, uint32_t x, uint32_t y, const int rgb[3])
{
    uint8_t *p = (uint8_t *)im->pixels + y * im->stride + 4 * x;
    p[0] = (uint8_t)rgb[0], p[1] = (uint8_t)rgb[1], p[2] = (uint8_t)rgb[2];
}

static const int skin[3] = {200, 150, 130};

START_TEST(test_uniform_change_is_its_lab_difference)
{
    const int veil[3] = {170, 140, 128};
    smpsim_image *photo = flat(120, 100, skin), *prev = flat(120, 100, skin);
    for (uint32_t y = 20; y < 80; y++)
        for (uint32_t x = 20; x < 100; x++)
            put(prev, x, y, veil);
    double region[] = {20, 20, 100, 20, 100, 80, 20, 80}, a[3], b[3];
    smpsim_appearance m;
    ck_assert_int_eq(smpsim_measure_appearance(photo, prev, region, 4, 5.0, 0.0, &m, NULL),
                     SMPSIM_OK);
    lab_codes(skin, a);
    lab_codes(veil, b);
    double dC = hypot(b[1], b[2]) - hypot(a[1], a[2]);
    ck_assert_double_eq_tol(m.delta_lightness, b[0] - a[0], 0.01);
    ck_assert_double_eq_tol(m.delta_chroma, dC, 0.02);
    ck_assert_double_eq_tol(m.delta_chroma_between, dC, 0.02);
    ck_assert_double_eq_tol(m.sigma_added, 0.0, 1e-3);
    ck_assert_double_eq_tol(m.dark_fraction, 0.0, 1e-9);
    ck_assert_uint_eq(m.n_pixels, 80 * 60);
    /* The whole image: the untreated border dilutes the change by area
     * (linear light): the mean of 4800 veil and 7200 skin pixels. */
    ck_assert_int_eq(smpsim_measure_appearance(photo, prev, NULL, 0, 5.0, 0.0, &m, NULL),
                     SMPSIM_OK);
    double mix[3];
    for (int c = 0; c < 3; c++)
        mix[c] = 0.4 * lin(veil[c]) + 0.6 * lin(skin[c]);
    lab(mix, b);
    ck_assert_double_eq_tol(m.delta_lightness, b[0] - a[0], 0.01);
    smpsim_image_free(photo);
    smpsim_image_free(prev);
}
END_TEST

/* Columns alternating between the skin and a darker speck colour at
 * 5 px/mm: the local mean lies half-way in L*, so the texture is half the
 * two L*s' difference, half the cells are dark (the difference is > 8),
 * and "between the dots" is the skin colour itself. */
static smpsim_image *stripes(uint32_t w, uint32_t h, int block, const int dark[3])
{
    smpsim_image *im = flat(w, h, skin);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            if ((x / (uint32_t)block) % 2)
                put(im, x, y, dark);
    return im;
}

START_TEST(test_stripes_give_their_texture)
{
    const int speck[3] = {120, 100, 95};
    double a[3], b[3];
    lab_codes(skin, a);
    lab_codes(speck, b);
    double half = (a[0] - b[0]) / 2;
    ck_assert(half > 4.0);
    smpsim_image *photo = flat(400, 300, skin), *prev = stripes(400, 300, 1, speck);
    double region[] = {20, 20, 380, 20, 380, 280, 20, 280};
    smpsim_appearance m;
    ck_assert_int_eq(smpsim_measure_appearance(photo, prev, region, 4, 5.0, 0.0, &m, NULL),
                     SMPSIM_OK);
    ck_assert_double_eq_tol(m.sigma_added, half, 0.02 * half);
    ck_assert_double_eq_tol(m.sigma_untreated, 0.0, 1e-3);
    ck_assert_double_eq_tol(m.dark_fraction, 0.5, 0.01);
    ck_assert_double_eq_tol(m.delta_chroma_between, 0.0, 0.05);
    double mix[3];
    for (int c = 0; c < 3; c++)
        mix[c] = 0.5 * lin(skin[c]) + 0.5 * lin(speck[c]);
    lab(mix, b);
    ck_assert_double_eq_tol(m.delta_lightness, b[0] - a[0], 0.02);

    /* The same pattern at 10 px/mm in blocks of two pixels: the same cells
     * after resampling, the same figures. */
    smpsim_image *photo2 = flat(800, 600, skin), *prev2 = stripes(800, 600, 2, speck);
    double region2[] = {40, 40, 760, 40, 760, 560, 40, 560};
    smpsim_appearance m2;
    ck_assert_int_eq(smpsim_measure_appearance(photo2, prev2, region2, 4, 10.0, 0.0, &m2, NULL),
                     SMPSIM_OK);
    ck_assert_double_eq_tol(m2.sigma_added, m.sigma_added, 1e-3);
    ck_assert_double_eq_tol(m2.dark_fraction, m.dark_fraction, 1e-6);
    ck_assert_double_eq_tol(m2.delta_lightness, m.delta_lightness, 1e-3);
    ck_assert_uint_eq(m2.n_grid_cells, m.n_grid_cells);

    /* From 3 m an eye blurs 0.2 mm stripes into an even tone. */
    ck_assert_int_eq(smpsim_measure_appearance(photo, prev, region, 4, 5.0, 3.0, &m2, NULL),
                     SMPSIM_OK);
    ck_assert(m2.sigma_added < 0.2 * m.sigma_added);
    ck_assert_double_eq_tol(m2.dark_fraction, 0.0, 1e-9);
    ck_assert_double_eq_tol(m2.delta_lightness, m.delta_lightness, 0.1); /* 8-bit rounding */
    smpsim_image_free(photo);
    smpsim_image_free(prev);
    smpsim_image_free(photo2);
    smpsim_image_free(prev2);
}
END_TEST

/* Stripes 2 mm wide (10 cells) are wider than the local mean's reach
 * (sigma 1 mm), so they count as shading, not as dots: most of their
 * contrast is left out of the texture. And a preview smoother than its
 * photo adds a negative texture. */
START_TEST(test_texture_is_dot_scale_and_signed)
{
    const int speck[3] = {120, 100, 95};
    smpsim_image *photo = flat(400, 300, skin), *wide = stripes(400, 300, 10, speck);
    smpsim_image *fine = stripes(400, 300, 1, speck);
    double region[] = {20, 20, 380, 20, 380, 280, 20, 280};
    smpsim_appearance m_fine, m_wide, m_back;
    ck_assert_int_eq(smpsim_measure_appearance(photo, fine, region, 4, 5.0, 0.0, &m_fine, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_measure_appearance(photo, wide, region, 4, 5.0, 0.0, &m_wide, NULL),
                     SMPSIM_OK);
    ck_assert(m_wide.sigma_added < 0.8 * m_fine.sigma_added);
    ck_assert_int_eq(smpsim_measure_appearance(fine, photo, region, 4, 5.0, 0.0, &m_back, NULL),
                     SMPSIM_OK);
    ck_assert_double_eq_tol(m_back.sigma_added, -m_fine.sigma_added, 1e-6);
    ck_assert_double_eq_tol(m_back.delta_lightness, -m_fine.delta_lightness, 1e-6);
    smpsim_image_free(photo);
    smpsim_image_free(wide);
    smpsim_image_free(fine);
}
END_TEST

START_TEST(test_appearance_errors)
{
    smpsim_image *a = flat(50, 40, skin), *b = flat(40, 40, skin);
    double region[] = {5, 5, 30, 5, 30, 30}, off[] = {500, 500, 600, 500, 600, 600};
    double bad[] = {5, 5, NAN, 5, 30, 30};
    smpsim_appearance m;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_measure_appearance(a, b, NULL, 0, 5, 0, &m, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "50x40"));
    ck_assert_int_eq(smpsim_measure_appearance(NULL, a, NULL, 0, 5, 0, &m, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_measure_appearance(a, a, NULL, 0, 5, 0, NULL, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_measure_appearance(a, a, region, 2, 5, 0, &m, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_measure_appearance(a, a, bad, 3, 5, 0, &m, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_measure_appearance(a, a, region, 3, 0, 0, &m, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_measure_appearance(a, a, region, 3, 5, -1, &m, NULL), SMPSIM_EINVAL);
    smpsim_error err2 = {0};
    ck_assert_int_eq(smpsim_measure_appearance(a, a, off, 3, 5, 0, &m, &err2), SMPSIM_EINVAL);
    ck_assert_msg(strstr(err2.message, "no pixel") != NULL, "%s", err2.message);
    ck_assert_int_eq(smpsim_measure_appearance(a, a, region, 3, 5, 0, &m, NULL), SMPSIM_OK);
    ck_assert_double_eq_tol(m.delta_lightness, 0.0, 1e-12);
    smpsim_image_free(a);
    smpsim_image_free(b);
}
END_TEST


/* Skin and hair masks on a hand-built photo: a blue backdrop on the left,
 * skin on the right with a dark strand (column 80) and a white one
 * (column 100). Pigment through the allowed mask leaves the backdrop and
 * both strands as they were and darkens the skin between them. */
START_TEST(test_skin_and_hair_masks)
{
    const int blue[3] = {40, 60, 120}, dark[3] = {60, 45, 40}, white[3] = {236, 236, 232};
    smpsim_image *photo = flat(120, 80, skin);
    for (uint32_t y = 0; y < 80; y++) {
        for (uint32_t x = 0; x < 40; x++)
            put(photo, x, y, blue);
        put(photo, 80, y, dark);
        put(photo, 100, y, white);
    }
    smpsim_mask *sk = NULL, *hair = NULL, *allowed = NULL;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_skin_mask(photo, &sk, &err), SMPSIM_OK);
    ck_assert_int_eq(smpsim_hair_mask(photo, sk, &hair, &err), SMPSIM_OK);
    ck_assert_int_eq(smpsim_mask_allowed(sk, hair, &allowed, &err), SMPSIM_OK);
    for (uint32_t y = 1; y < 79; y++) {
        ck_assert_int_eq(sk->data[y * 120 + 20], 0);
        ck_assert_int_eq(sk->data[y * 120 + 60], 255);
        ck_assert_int_eq(sk->data[y * 120 + 80], 255); /* a thin strand is on the head */
        ck_assert_int_eq(hair->data[y * 120 + 80], 255);
        ck_assert_int_eq(hair->data[y * 120 + 100], 255);
        ck_assert_int_eq(hair->data[y * 120 + 90], 0);
        ck_assert_int_eq(allowed->data[y * 120 + 90], 255);
        ck_assert_int_eq(allowed->data[y * 120 + 80], 0);
    }
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(0, &dots, NULL), SMPSIM_OK);
    for (int j = 0; j < 16; j++)
        for (int i = 0; i < 24; i++) {
            smpsim_dot d = {(float)(0.5 + i + 0.1 * j), (float)(0.5 + j), 0.25f, 6.0f, 1, 1, 0};
            ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
        }
    smpsim_view view = smpsim_view_flat(5.0);
    smpsim_render_options o;
    smpsim_render_options_init(&o);
    o.state = SMPSIM_STATE_HEALED;
    smpsim_image *prev = flat(120, 80, skin);
    memcpy(prev->pixels, photo->pixels, prev->stride * 80);
    ck_assert_int_eq(smpsim_render_dots_masked(prev, &view, dots, &o, allowed, &err), SMPSIM_OK);
    size_t skin_changed = 0;
    for (uint32_t y = 0; y < 80; y++)
        for (uint32_t x = 0; x < 120; x++) {
            const uint8_t *a = (const uint8_t *)photo->pixels + y * photo->stride + 4 * x;
            const uint8_t *b = (const uint8_t *)prev->pixels + y * prev->stride + 4 * x;
            if (x < 40 || x == 80 || x == 100)
                ck_assert_msg(memcmp(a, b, 4) == 0, "pixel %u,%u changed", x, y);
            else
                skin_changed += memcmp(a, b, 4) != 0;
        }
    ck_assert_uint_gt(skin_changed, 3000);
    smpsim_mask_free(hair);
    hair = NULL;
    /* a mask of another size is refused */
    smpsim_mask *small = NULL;
    ck_assert_int_eq(smpsim_mask_new(10, 10, &small, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_render_dots_masked(prev, &view, dots, &o, small, NULL),
                     SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_hair_mask(photo, small, &hair, NULL), SMPSIM_EINVAL);
    ck_assert_ptr_null(hair);
    ck_assert_int_eq(smpsim_mask_allowed(sk, small, &hair, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_mask_new(0, 10, &hair, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_skin_mask(NULL, &hair, NULL), SMPSIM_EINVAL);
    smpsim_mask_free(NULL);
    smpsim_mask_free(small);
    smpsim_mask_free(sk);
    smpsim_mask_free(allowed);
    smpsim_dots_free(dots);
    smpsim_image_free(prev);
    smpsim_image_free(photo);
}
END_TEST

/* A painted mask: white is in, black out, transparent out, grey partly. */
START_TEST(test_painted_mask)
{
    const int w[3] = {255, 255, 255}, k[3] = {0, 0, 0}, g[3] = {128, 128, 128};
    smpsim_image *im = flat(3, 2, w);
    put(im, 1, 0, k);
    put(im, 2, 0, g);
    ((uint8_t *)im->pixels)[im->stride + 3] = 0; /* (0, 1) transparent */
    smpsim_mask *m = NULL;
    ck_assert_int_eq(smpsim_mask_from_image(im, &m, NULL), SMPSIM_OK);
    ck_assert_int_eq(m->data[0], 255);
    ck_assert_int_eq(m->data[1], 0);
    ck_assert_int_eq(m->data[2], 128);
    ck_assert_int_eq(m->data[3], 0);
    ck_assert_int_eq(m->data[4], 255);
    smpsim_mask_free(m);
    ck_assert_int_eq(smpsim_mask_from_image(NULL, &m, NULL), SMPSIM_EINVAL);
    smpsim_image_free(im);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("appearance");
    TCase *tc = tcase_create("metric");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_uniform_change_is_its_lab_difference);
    tcase_add_test(tc, test_stripes_give_their_texture);
    tcase_add_test(tc, test_texture_is_dot_scale_and_signed);
    tcase_add_test(tc, test_appearance_errors);
    tcase_add_test(tc, test_skin_and_hair_masks);
    tcase_add_test(tc, test_painted_mask);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
