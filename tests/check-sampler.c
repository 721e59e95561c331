/* The sampler and the quality measures. */
#include "smpsim-private.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A design with one polygon in mm at a density; its dots. */
static smpsim_dots *polygon_dots(const double *xy, size_t n, double density, uint64_t seed)
{
    smpsim_design *d = NULL;
    smpsim_dots *dots = NULL;
    smpsim_error err = {0};
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = density;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_design_set_seed(d, seed);
    ck_assert_int_eq(smpsim_design_add_polygon(d, xy, n, SMPSIM_UNITS_MM, &p, &err), SMPSIM_OK);
    ck_assert_msg(smpsim_design_dots(d, &dots, &err) == SMPSIM_OK, "%s", err.message);
    smpsim_design_free(d);
    return dots;
}

static double polygon_area_mm2(const double *xy, size_t n)
{
    double a = 0.0;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        a += xy[2 * j] * xy[2 * i + 1] - xy[2 * i] * xy[2 * j + 1];
    return fabs(a) / 2.0;
}

static const double square50[] = {0, 0, 50, 0, 50, 50, 0, 50};
static const double concave[] = {0, 0, 40, 0, 40, 30, 20, 12, 0, 30}; /* a "V" notch */
static const double triangle[] = {1.3, 0.4, 38.9, 7.7, 12.2, 33.1};

START_TEST(test_count_matches_density_times_area)
{
    const double *shapes[] = {square50, concave, triangle};
    const size_t sizes[] = {4, 5, 3};
    const double densities[] = {100, 60, 140};
    for (int s = 0; s < 3; s++) {
        smpsim_dots *dots = polygon_dots(shapes[s], sizes[s], densities[s], 7);
        double want = densities[s] * polygon_area_mm2(shapes[s], sizes[s]) / 100.0;
        ck_assert_msg(fabs(dots->count - want) <= 0.03 * want, "shape %d: %zu dots, want %.1f", s,
                      dots->count, want);
        smpsim_dots_free(dots);
    }
}
END_TEST

START_TEST(test_all_dots_inside_their_polygon)
{
    const double *shapes[] = {square50, concave, triangle};
    const size_t sizes[] = {4, 5, 3};
    for (int s = 0; s < 3; s++) {
        smpsim_dots *dots = polygon_dots(shapes[s], sizes[s], 120, 3);
        for (size_t i = 0; i < dots->count; i++) {
            const smpsim_dot *d = &dots->dots[i];
            ck_assert_msg(smpsim__polygon_contains(shapes[s], sizes[s], d->x_mm, d->y_mm),
                          "shape %d: dot %zu at (%g, %g) is outside", s, i, d->x_mm, d->y_mm);
            ck_assert_uint_eq(d->region, 1);
        }
        smpsim_dots_free(dots);
    }
}
END_TEST

START_TEST(test_spacing_is_blue_noise)
{
    /* On a uniform square, over several seeds: rho >= 0.70 (the
     * issue's floor; dart throwing reaches ~0.75), and the nearest-neighbour
     * distances still vary (CV >= 0.04: not a lattice). The inner 40 mm are
     * measured so that the outline does not count. */
    for (uint64_t seed = 1; seed <= 4; seed++) {
        smpsim_dots *dots = polygon_dots(square50, 4, 100, seed);
        double rho = smpsim_measure_rho(dots, 5, 5, 45, 45);
        double mean, cv;
        smpsim_measure_nn(dots, 5, 5, 45, 45, &mean, &cv);
        ck_assert_msg(rho >= 0.70, "seed %d: rho %.3f", (int)seed, rho);
        ck_assert_msg(cv >= 0.04, "seed %d: CV %.3f (too regular)", (int)seed, cv);
        /* At 100/cm2 the hexagonal pitch is 1.075 mm; blue noise sits a bit under. */
        ck_assert_msg(mean > 0.8 && mean < 1.075, "seed %d: mean NN %.3f mm", (int)seed, mean);
        smpsim_dots_free(dots);
    }
}
END_TEST

START_TEST(test_minimum_spacing_honoured)
{
    smpsim_dots *dots = polygon_dots(square50, 4, 100, 11);
    double dmax = sqrt(2.0 / (sqrt(3.0) * 1.0)); /* 1 dot per mm2 */
    double dmin = INFINITY;
    for (size_t i = 0; i < dots->count; i++)
        for (size_t j = i + 1; j < dots->count; j++)
            dmin = fmin(dmin, hypot(dots->dots[i].x_mm - dots->dots[j].x_mm,
                                    dots->dots[i].y_mm - dots->dots[j].y_mm));
    ck_assert_msg(dmin >= 0.65 * dmax, "closest pair %.3f mm, want >= %.3f", dmin, 0.65 * dmax);
    smpsim_dots_free(dots);
}
END_TEST

START_TEST(test_uniform_cells_have_even_counts)
{
    /* Every 1 cm2 cell away from the outline holds 100 +- 12 dots. */
    smpsim_dots *dots = polygon_dots(square50, 4, 100, 5);
    int counts[5][5] = {{0}};
    for (size_t i = 0; i < dots->count; i++) {
        int cx = (int)(dots->dots[i].x_mm / 10), cy = (int)(dots->dots[i].y_mm / 10);
        if (cx >= 0 && cx < 5 && cy >= 0 && cy < 5)
            counts[cy][cx]++;
    }
    for (int y = 1; y < 4; y++)
        for (int x = 1; x < 4; x++)
            ck_assert_msg(abs(counts[y][x] - 100) <= 12, "cell %d,%d: %d", x, y, counts[y][x]);
    smpsim_dots_free(dots);
}
END_TEST

START_TEST(test_same_seed_same_dots_other_seed_other_dots)
{
    smpsim_dots *a = polygon_dots(concave, 5, 90, 42);
    smpsim_dots *b = polygon_dots(concave, 5, 90, 42);
    smpsim_dots *c = polygon_dots(concave, 5, 90, 43);
    ck_assert_uint_eq(a->count, b->count);
    ck_assert_int_eq(memcmp(a->dots, b->dots, a->count * sizeof *a->dots), 0);
    ck_assert_uint_eq(smpsim_dots_checksum(a), smpsim_dots_checksum(b));
    ck_assert_uint_ne(smpsim_dots_checksum(a), smpsim_dots_checksum(c));
    smpsim_dots_free(a);
    smpsim_dots_free(b);
    smpsim_dots_free(c);
}
END_TEST

START_TEST(test_pinned_checksum)
{
    /* Pins the whole pipeline (field, candidates, elimination, relaxation)
     * for one small design, so that an unintended change to the dots of a
     * saved design shows up. The value was recorded after checking this
     * design's dots by eye (dots/cm2 and spacing as in the tests above); if
     * a deliberate change moves it, look at the dots again and update it. */
    smpsim_dots *dots = polygon_dots(triangle, 3, 100, 2026);
    ck_assert_uint_eq(dots->count, 575);
    ck_assert_uint_eq(smpsim_dots_checksum(dots), UINT64_C(0xe800caa32577ab6e));
    smpsim_dots_free(dots);
}
END_TEST

START_TEST(test_zero_density_gives_no_dots)
{
    smpsim_field *f = NULL;
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_field_new(40, 40, 0, 0, 0.5, &f, NULL), SMPSIM_OK);
    /* Left half 100/cm2, right half 0. */
    for (uint32_t j = 0; j < 40; j++)
        for (uint32_t i = 0; i < 20; i++)
            f->density_per_cm2[j * 40 + i] = 100.0f;
    ck_assert_int_eq(smpsim_sample(f, 9, NULL, &dots, NULL), SMPSIM_OK);
    ck_assert_uint_eq(dots->count, 200);
    for (size_t i = 0; i < dots->count; i++)
        ck_assert_float_lt(dots->dots[i].x_mm, 10.0f);
    smpsim_dots_free(dots);
    smpsim_field_free(f);
}
END_TEST

START_TEST(test_sampler_errors)
{
    smpsim_field *f = NULL;
    smpsim_dots *dots = (smpsim_dots *)1;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_sample(NULL, 1, NULL, &dots, &err), SMPSIM_EINVAL);
    ck_assert_ptr_null(dots);
    ck_assert_int_eq(smpsim_field_new(10, 10, 0, 0, 1.0, &f, NULL), SMPSIM_OK);
    f->density_per_cm2[3] = NAN;
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_sample(f, 1, NULL, &dots, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "(3, 0)"));
    f->density_per_cm2[3] = 100.0f;
    for (int i = 0; i < 100; i++)
        f->density_per_cm2[i] = 1000.0f; /* 1 cm2 at 1000/cm2 = 1000 dots */
    smpsim_sample_options o;
    smpsim_sample_options_init(&o);
    o.max_dots = 500;
    smpsim_error_clear(&err);
    dots = (smpsim_dots *)1;
    ck_assert_int_eq(smpsim_sample(f, 1, &o, &dots, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_null(dots);
    ck_assert_ptr_nonnull(strstr(err.message, "limit of 500"));
    smpsim_field_free(f);
}
END_TEST

/* Hand-made point sets with known answers. */
static smpsim_dots *hex_lattice(int nx, int ny, double pitch)
{
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(0, &dots, NULL), SMPSIM_OK);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            smpsim_dot d = {(float)((i + 0.5 * (j & 1)) * pitch),
                            (float)(j * pitch * sqrt(3.0) / 2.0), 0.2f, 5.0f, 0, 0, 0};
            ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
        }
    return dots;
}

START_TEST(test_measures_on_hexagonal_lattice)
{
    smpsim_dots *dots = hex_lattice(60, 60, 1.0);
    /* Measure a window whose area holds exactly the lattice's density. */
    double mean, cv;
    smpsim_measure_nn(dots, 10, 10, 40, 40, &mean, &cv);
    ck_assert_double_eq_tol(mean, 1.0, 1e-5);
    ck_assert_double_eq_tol(cv, 0.0, 1e-5);
    double rho = smpsim_measure_rho(dots, 10, 10, 40, 40);
    ck_assert_msg(rho > 0.95 && rho < 1.05, "lattice rho %.3f", rho);
    smpsim_dots_free(dots);
}
END_TEST

START_TEST(test_measures_on_white_noise)
{
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(0, &dots, NULL), SMPSIM_OK);
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 99);
    for (int i = 0; i < 4000; i++) {
        smpsim_dot d = {(float)(60 * smpsim__rng_uniform(&rng)),
                        (float)(60 * smpsim__rng_uniform(&rng)), 0.2f, 5.0f, 0, 0, 0};
        ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
    }
    double rho = smpsim_measure_rho(dots, 0, 0, 60, 60);
    double mean, cv;
    smpsim_measure_nn(dots, 0, 0, 60, 60, &mean, &cv);
    ck_assert_msg(rho < 0.1, "white noise rho %.3f", rho);
    /* Poisson process: mean NN = 0.5 / sqrt(density), CV ~ 0.52. */
    ck_assert_double_eq_tol(mean, 0.5 / sqrt(4000.0 / 3600.0), 0.03);
    ck_assert_msg(cv > 0.45 && cv < 0.6, "white noise CV %.3f", cv);
    smpsim_dots_free(dots);
}
END_TEST

START_TEST(test_dots_csv_and_json)
{
    smpsim_dots *dots = hex_lattice(2, 1, 1.5);
    dots->dots[1].session = 2;
    dots->dots[1].group = 7;
    char path[] = "/tmp/smpsim-dots-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(smpsim_dots_save(dots, SMPSIM_DOTS_CSV, path, NULL), SMPSIM_OK);
    char buf[512] = {0};
    FILE *f = fopen(path, "r");
    ck_assert_uint_gt(fread(buf, 1, sizeof buf - 1, f), 0);
    fclose(f);
    ck_assert_str_eq(buf, "x_mm,y_mm,diameter_mm,shade,session,group,region\n"
                          "0.0000,0.0000,0.2000,5.000,0,0,0\n"
                          "1.5000,0.0000,0.2000,5.000,2,7,0\n");
    ck_assert_int_eq(smpsim_dots_save(dots, SMPSIM_DOTS_JSON, path, NULL), SMPSIM_OK);
    memset(buf, 0, sizeof buf);
    f = fopen(path, "r");
    ck_assert_uint_gt(fread(buf, 1, sizeof buf - 1, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "\"count\": 2"));
    ck_assert_ptr_nonnull(strstr(buf, "{\"x_mm\": 1.5000, \"y_mm\": 0.0000, \"diameter_mm\": 0.2000, "
                                      "\"shade\": 5.000, \"session\": 2, \"group\": 7, "
                                      "\"region\": 0}"));
    unlink(path);
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_dots_save(dots, SMPSIM_DOTS_CSV, "/nonexistent-dir/x.csv", &err),
                     SMPSIM_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent-dir/x.csv"));
    smpsim_dots_free(dots);
}
END_TEST

static Suite *sampler_suite(void)
{
    Suite *s = suite_create("sampler");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_count_matches_density_times_area);
    tcase_add_test(tc, test_all_dots_inside_their_polygon);
    tcase_add_test(tc, test_spacing_is_blue_noise);
    tcase_add_test(tc, test_minimum_spacing_honoured);
    tcase_add_test(tc, test_uniform_cells_have_even_counts);
    tcase_add_test(tc, test_same_seed_same_dots_other_seed_other_dots);
    tcase_add_test(tc, test_pinned_checksum);
    tcase_add_test(tc, test_zero_density_gives_no_dots);
    tcase_add_test(tc, test_sampler_errors);
    tcase_add_test(tc, test_measures_on_hexagonal_lattice);
    tcase_add_test(tc, test_measures_on_white_noise);
    tcase_add_test(tc, test_dots_csv_and_json);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sampler_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
