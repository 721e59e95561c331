/* The sampler and the quality measures. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const smpsim_sample_mode modes[2] = {SMPSIM_SAMPLE_FAST, SMPSIM_SAMPLE_BEST};
static const char *const mode_names[3] = {"default", "fast", "best"};

/* A design with one polygon in mm at a density; its dots. */
static smpsim_dots *mode_dots(const double *xy, size_t n, double density, uint64_t seed,
                              smpsim_sample_mode mode)
{
    smpsim_design *d = NULL;
    smpsim_dots *dots = NULL;
    smpsim_error err = {0};
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = density;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_design_set_seed(d, seed);
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.mode = mode;
    ck_assert_int_eq(smpsim_design_set_dot_options(d, &o, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_add_polygon(d, xy, n, SMPSIM_UNITS_MM, &p, &err), SMPSIM_OK);
    ck_assert_msg(smpsim_design_dots(d, &dots, &err) == SMPSIM_OK, "%s", err.message);
    smpsim_design_free(d);
    return dots;
}

static smpsim_dots *polygon_dots(const double *xy, size_t n, double density, uint64_t seed)
{
    return mode_dots(xy, n, density, seed, SMPSIM_SAMPLE_DEFAULT);
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
    /* Within 3 % on small shapes (a few hundred dots), 2 % on the square;
     * the best mode's total is exact up to the field's rasterisation. */
    const double *shapes[] = {square50, concave, triangle};
    const size_t sizes[] = {4, 5, 3};
    const double densities[] = {100, 60, 140}, tolerance[] = {0.02, 0.03, 0.03};
    for (int s = 0; s < 3; s++) {
        smpsim_dots *dots = mode_dots(shapes[s], sizes[s], densities[s], 7, modes[_i]);
        double want = densities[s] * polygon_area_mm2(shapes[s], sizes[s]) / 100.0;
        double tol = modes[_i] == SMPSIM_SAMPLE_BEST ? 0.005 : tolerance[s];
        ck_assert_msg(fabs(dots->count - want) <= tol * want, "%s shape %d: %zu dots, want %.1f",
                      mode_names[modes[_i]], s, dots->count, want);
        smpsim_dots_free(dots);
    }
}
END_TEST

START_TEST(test_all_dots_inside_their_polygon)
{
    const double *shapes[] = {square50, concave, triangle};
    const size_t sizes[] = {4, 5, 3};
    for (int s = 0; s < 3; s++) {
        smpsim_dots *dots = mode_dots(shapes[s], sizes[s], 120, 3, modes[_i]);
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
    /* On a uniform square, over several seeds: rho >= 0.75 (dart-throwing
     * level), and the nearest-neighbour distances still vary (CV >= 0.05:
     * not a lattice). The inner 40 mm are measured so that the outline does
     * not count. */
    for (uint64_t seed = 1; seed <= 4; seed++) {
        smpsim_dots *dots = mode_dots(square50, 4, 100, seed, modes[_i]);
        double rho = smpsim_measure_rho(dots, 5, 5, 45, 45);
        double mean, cv;
        smpsim_measure_nn(dots, 5, 5, 45, 45, &mean, &cv);
        ck_assert_msg(rho >= 0.75, "%s seed %d: rho %.3f", mode_names[modes[_i]], (int)seed, rho);
        ck_assert_msg(cv >= 0.05, "%s seed %d: CV %.3f (too regular)", mode_names[modes[_i]],
                      (int)seed, cv);
        /* At 100/cm2 the hexagonal pitch is 1.075 mm; blue noise sits a bit under. */
        ck_assert_msg(mean > 0.8 && mean < 1.075, "seed %d: mean NN %.3f mm", (int)seed, mean);
        smpsim_dots_free(dots);
    }
}
END_TEST

START_TEST(test_minimum_spacing_honoured)
{
    smpsim_dots *dots = mode_dots(square50, 4, 100, 11, modes[_i]);
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
    /* Every 1 cm2 cell away from the outline holds 100 +- 10 dots. */
    smpsim_dots *dots = mode_dots(square50, 4, 100, 5, modes[_i]);
    int counts[5][5] = {{0}};
    for (size_t i = 0; i < dots->count; i++) {
        int cx = (int)(dots->dots[i].x_mm / 10), cy = (int)(dots->dots[i].y_mm / 10);
        if (cx >= 0 && cx < 5 && cy >= 0 && cy < 5)
            counts[cy][cx]++;
    }
    for (int y = 1; y < 4; y++)
        for (int x = 1; x < 4; x++)
            ck_assert_msg(abs(counts[y][x] - 100) <= 10, "%s cell %d,%d: %d",
                          mode_names[modes[_i]], x, y, counts[y][x]);
    smpsim_dots_free(dots);
}
END_TEST

START_TEST(test_same_seed_same_dots_other_seed_other_dots)
{
    smpsim_dots *a = mode_dots(concave, 5, 90, 42, modes[_i]);
    smpsim_dots *b = mode_dots(concave, 5, 90, 42, modes[_i]);
    smpsim_dots *c = mode_dots(concave, 5, 90, 43, modes[_i]);
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
     * a deliberate change moves it, look at the dots again and update it.
     * Updated once when the per-dot variation took both values of a
     * Box-Muller pair (positions unchanged, sizes and shades redrawn), and
     * again when it came from a table of the clipped normal hashed by dot
     * index (the same: positions unchanged; issue 18). */
    smpsim_dots *dots = polygon_dots(triangle, 3, 100, 2026);
    ck_assert_uint_eq(dots->count, 585);
    ck_assert_uint_eq(smpsim_dots_checksum(dots), UINT64_C(0xb8016994edaa07e2));
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
    smpsim_sample_options o;
    smpsim_sample_options_init(&o);
    o.mode = modes[_i];
    ck_assert_int_eq(smpsim_sample(f, 9, &o, &dots, NULL), SMPSIM_OK);
    if (o.mode == SMPSIM_SAMPLE_BEST)
        ck_assert_uint_eq(dots->count, 200);
    else
        ck_assert_msg(dots->count >= 190 && dots->count <= 210, "%zu dots", dots->count);
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

START_TEST(test_ramp_profile_tracks_target)
{
    /* Density 20 -> 120 dots/cm2 over 50 mm: the count in each 1 mm column
     * (summed along the iso-density direction: 400 mm, over 6 seeds, so
     * that counting noise stays near 4 %) tracks the target within 10 %,
     * without bias (mean error within 2 %). Columns within 2 mm of the
     * field's ends are left out: the best mode piles dots on a boundary. */
    smpsim_field *f = NULL;
    ck_assert_int_eq(smpsim_field_new(200, 1600, 0, 0, 0.25, &f, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_field_ramp(f, 0, 0, 20, 50, 0, 120, SMPSIM_FIELD_SET, NULL),
                     SMPSIM_OK);
    smpsim_sample_options o;
    smpsim_sample_options_init(&o);
    o.mode = modes[_i];
    double got[50] = {0};
    for (uint64_t seed = 1; seed <= 6; seed++) {
        smpsim_dots *dots = NULL;
        ck_assert_int_eq(smpsim_sample(f, seed, &o, &dots, NULL), SMPSIM_OK);
        for (int b = 0; b < 50; b++)
            got[b] += (double)smpsim_measure_count(dots, b, 0, b + 1, 400, 0);
        smpsim_dots_free(dots);
    }
    double bias = 0.0;
    for (int b = 2; b < 48; b++) {
        double want = 6 * (20 + 100 * (b + 0.5) / 50.0) * 0.1 * 40.0;
        ck_assert_msg(fabs(got[b] / want - 1) <= 0.10, "%s column %d mm: %.0f dots, want %.0f",
                      mode_names[modes[_i]], b, got[b], want);
        bias += (got[b] / want - 1) / 46.0;
    }
    ck_assert_msg(fabs(bias) <= 0.02, "%s bias %.3f", mode_names[modes[_i]], bias);
    smpsim_field_free(f);
}
END_TEST

START_TEST(test_fast_mode_is_stable_when_a_region_grows)
{
    /* Same seed, same density: a 30x30 mm square and a 60x60 mm square that
     * contains it share every dot away from the small square's outline. */
    const double small[] = {10, 10, 40, 10, 40, 40, 10, 40};
    const double big[] = {0, 0, 60, 0, 60, 60, 0, 60};
    smpsim_dots *a = mode_dots(small, 4, 100, 77, SMPSIM_SAMPLE_FAST);
    smpsim_dots *b = mode_dots(big, 4, 100, 77, SMPSIM_SAMPLE_FAST);
    size_t inner = 0, found = 0;
    for (size_t i = 0; i < a->count; i++) {
        const smpsim_dot *p = &a->dots[i];
        if (p->x_mm < 12 || p->x_mm > 38 || p->y_mm < 12 || p->y_mm > 38)
            continue;
        inner++;
        for (size_t j = 0; j < b->count; j++) {
            if (b->dots[j].x_mm == p->x_mm && b->dots[j].y_mm == p->y_mm) {
                found++;
                break;
            }
        }
    }
    ck_assert_uint_gt(inner, 600);
    ck_assert_uint_eq(found, inner);
    smpsim_dots_free(a);
    smpsim_dots_free(b);
}
END_TEST

static smpsim_dots *grouped_dots(const double share[4], uint64_t seed)
{
    smpsim_design *d = NULL;
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_design_set_seed(d, seed);
    double sq[] = {0, 0, 150, 0, 150, 150, 0, 150}; /* 225 cm2 */
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, NULL, NULL), SMPSIM_OK);
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.groups = 1;
    if (share)
        memcpy(o.group_share, share, sizeof o.group_share);
    ck_assert_int_eq(smpsim_design_set_dot_options(d, &o, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_dots(d, &dots, NULL), SMPSIM_OK);
    smpsim_design_free(d);
    return dots;
}

START_TEST(test_group_histogram_matches_distribution)
{
    /* Over 10k+ groups the shares are within 3 points of the request, and
     * the dots per cm2 still match the region's density (100). */
    const double custom[4] = {0.1, 0.2, 0.3, 0.4};
    const double *requests[2] = {NULL, custom};
    const double defaults[4] = {0.28, 0.53, 0.17, 0.02};
    for (int r = 0; r < 2; r++) {
        smpsim_dots *dots = grouped_dots(requests[r], 5);
        double share[5];
        size_t groups = smpsim_measure_groups(dots, share);
        const double *want = requests[r] ? requests[r] : defaults;
        ck_assert_uint_gt(groups, r == 0 ? 10000 : 7000);
        for (int k = 0; k < 4; k++)
            ck_assert_msg(fabs(share[k] - want[k]) <= 0.03, "request %d: %d-dot groups %.3f, want %.2f",
                          r, k + 1, share[k], want[k]);
        ck_assert_double_eq(share[4], 0.0);
        ck_assert_msg(fabs(dots->count / 225.0 - 100.0) <= 3.0, "%.1f dots/cm2",
                      dots->count / 225.0);
        smpsim_dots_free(dots);
    }
}
END_TEST

START_TEST(test_group_dots_are_close_but_apart)
{
    /* Inside a group, each dot is 0.2-0.5 mm from another of its group and
     * no two are closer than 0.2 mm. */
    smpsim_dots *centres = NULL, *groups = NULL;
    ck_assert_int_eq(smpsim_dots_new(0, &centres, NULL), SMPSIM_OK);
    for (int i = 0; i < 2000; i++) {
        smpsim_dot d = {(float)(i % 50 * 3.0), (float)(i / 50 * 3.0), 0.2f, 5, 1, 1, 0};
        ck_assert_int_eq(smpsim_dots_append(centres, &d, NULL), SMPSIM_OK);
    }
    ck_assert_int_eq(smpsim_dots_group(centres, NULL, 8, &groups, NULL), SMPSIM_OK);
    for (size_t i = 0; i < groups->count; i++) {
        const smpsim_dot *a = &groups->dots[i];
        double nearest = INFINITY;
        for (size_t j = 0; j < groups->count; j++) {
            const smpsim_dot *b = &groups->dots[j];
            if (j == i || b->group != a->group)
                continue;
            nearest = fmin(nearest, hypot(a->x_mm - b->x_mm, a->y_mm - b->y_mm));
        }
        if (isfinite(nearest))
            ck_assert_msg(nearest >= 0.2 - 1e-4 && nearest <= 0.5 + 1e-4, "group %u: %.3f mm",
                          (unsigned)a->group, nearest);
        ck_assert_float_eq(a->diameter_mm, 0.2f); /* attributes come from the centre */
    }
    smpsim_dots_free(centres);
    smpsim_dots_free(groups);
}
END_TEST

START_TEST(test_per_dot_variation)
{
    /* Default spreads: diameter relative SD ~0.08, shade SD ~0.3 around the
     * region's values; shades stay in 1..10; spreads of -1 turn it off.
     * One session, so that no session shade offset applies. */
    smpsim_dots *dots = NULL;
    {
        smpsim_design *one = NULL;
        smpsim_session s1 = {1.0, 0.0, 0.0, 0.0, 0.0};
        ck_assert_int_eq(smpsim_design_new(&one, NULL), SMPSIM_OK);
        smpsim_design_set_seed(one, 12);
        ck_assert_int_eq(smpsim_design_set_sessions(one, &s1, 1, NULL), SMPSIM_OK);
        ck_assert_int_eq(smpsim_design_add_polygon(one, square50, 4, SMPSIM_UNITS_MM, NULL, NULL),
                         SMPSIM_OK);
        ck_assert_int_eq(smpsim_design_dots(one, &dots, NULL), SMPSIM_OK);
        smpsim_design_free(one);
    }
    double sum = 0, sum2 = 0, ssum = 0, ssum2 = 0;
    size_t n = 0;
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        if (d->x_mm < 5 || d->x_mm > 45 || d->y_mm < 5 || d->y_mm > 45)
            continue;
        sum += d->diameter_mm, sum2 += d->diameter_mm * d->diameter_mm;
        ssum += d->shade, ssum2 += d->shade * d->shade;
        ck_assert(d->shade >= 1.0f && d->shade <= 10.0f);
        n++;
    }
    double mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
    double smean = ssum / n, ssd = sqrt(ssum2 / n - smean * smean);
    ck_assert_double_eq_tol(mean, 0.2, 0.004);
    ck_assert_double_eq_tol(sd / mean, 0.08, 0.015);
    ck_assert_double_eq_tol(smean, 5.0, 0.05);
    ck_assert_double_eq_tol(ssd, 0.3, 0.05);
    smpsim_dots_free(dots);

    smpsim_design *d = NULL;
    smpsim_session s1 = {1.0, 0.0, 0.0, 0.0, 0.0};
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_set_sessions(d, &s1, 1, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_add_polygon(d, square50, 4, SMPSIM_UNITS_MM, NULL, NULL),
                     SMPSIM_OK);
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.diameter_spread = -1;
    o.shade_spread = -1;
    ck_assert_int_eq(smpsim_design_set_dot_options(d, &o, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_dots(d, &dots, NULL), SMPSIM_OK);
    for (size_t i = 0; i < dots->count; i++)
        if (dots->dots[i].x_mm > 2 && dots->dots[i].x_mm < 48 && dots->dots[i].y_mm > 2 &&
            dots->dots[i].y_mm < 48) {
            ck_assert_float_eq(dots->dots[i].diameter_mm, 0.2f);
            ck_assert_float_eq(dots->dots[i].shade, 5.0f);
        }
    smpsim_dots_free(dots);
    smpsim_error err = {0};
    o.diameter_spread = 0.9;
    ck_assert_int_eq(smpsim_design_set_dot_options(d, &o, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "spread"));
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_feathered_edge_has_smaller_lighter_dots)
{
    /* A 10 mm feather: the count stays density x area (within 3 %), dots
     * reach up to 5 mm outside the outline, and dots in the outer half of
     * the margin are smaller and lighter than those inside. */
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.feather_mm = 10;
    double sq[] = {20, 20, 80, 20, 80, 80, 20, 80};
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, &p, NULL), SMPSIM_OK);
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.diameter_spread = -1;
    o.shade_spread = -1;
    ck_assert_int_eq(smpsim_design_set_dot_options(d, &o, NULL), SMPSIM_OK);
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_design_dots(d, &dots, NULL), SMPSIM_OK);
    ck_assert_msg(fabs(dots->count - 3600.0) <= 0.03 * 3600, "%zu dots", dots->count);
    double edge_d = 0, edge_s = 0, in_d = 0, in_s = 0;
    size_t ne = 0, ni = 0, outside = 0;
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *q = &dots->dots[i];
        double inset = fmin(fmin(q->x_mm - 20, 80 - q->x_mm), fmin(q->y_mm - 20, 80 - q->y_mm));
        ck_assert_msg(inset > -5.01, "dot %.2f mm outside the outline", -inset);
        outside += inset < 0;
        if (inset < -2.5)
            edge_d += q->diameter_mm, edge_s += q->shade, ne++;
        else if (inset > 5.5)
            in_d += q->diameter_mm, in_s += q->shade, ni++;
    }
    ck_assert_uint_gt(outside, 50);
    ck_assert_uint_gt(ne, 10);
    ck_assert_double_lt(edge_d / ne, 0.95 * in_d / ni);
    ck_assert_double_lt(edge_s / ne, 0.9 * in_s / ni);
    ck_assert_double_eq_tol(in_d / ni, 0.2, 1e-4);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_spectrum_tells_blue_white_and_grid)
{
    smpsim_spectrum *s = NULL;
    smpsim_error err = {0};
    /* Blue noise: little power at low frequencies, isotropic. */
    smpsim_dots *blue = polygon_dots(square50, 4, 100, 3);
    ck_assert_int_eq(smpsim_measure_spectrum(blue, 0, 0, 50, &s, &err), SMPSIM_OK);
    ck_assert_uint_eq(s->n_dots, blue->count);
    ck_assert_msg(s->low_mean < 0.3, "blue low-frequency power %.3f", s->low_mean);
    ck_assert_msg(fabs(s->mean_anisotropy_db) < 1.0, "blue anisotropy %.2f dB",
                  s->mean_anisotropy_db);
    smpsim_spectrum_free(s);
    smpsim_dots_free(blue);
    /* White noise: flat, about 1 everywhere. */
    smpsim_dots *white = NULL;
    ck_assert_int_eq(smpsim_dots_new(0, &white, NULL), SMPSIM_OK);
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 5);
    for (int i = 0; i < 2500; i++) {
        smpsim_dot d = {(float)(50 * smpsim__rng_uniform(&rng)),
                        (float)(50 * smpsim__rng_uniform(&rng)), 0.2f, 5, 0, 0, 0};
        ck_assert_int_eq(smpsim_dots_append(white, &d, NULL), SMPSIM_OK);
    }
    ck_assert_int_eq(smpsim_measure_spectrum(white, 0, 0, 50, &s, &err), SMPSIM_OK);
    ck_assert_msg(s->low_mean > 0.7 && s->low_mean < 1.3, "white low %.3f", s->low_mean);
    smpsim_spectrum_free(s);
    smpsim_dots_free(white);
    /* A lattice: power in spikes along its directions: high anisotropy. */
    smpsim_dots *grid = hex_lattice(50, 58, 1.0);
    ck_assert_int_eq(smpsim_measure_spectrum(grid, 0, 0, 49, &s, &err), SMPSIM_OK);
    ck_assert_msg(s->mean_anisotropy_db > 5.0, "lattice anisotropy %.2f dB",
                  s->mean_anisotropy_db);
    smpsim_spectrum_free(s);
    smpsim_dots_free(grid);
    /* Too few dots: an error that says so. */
    smpsim_dots *few = hex_lattice(3, 3, 1.0);
    ck_assert_int_eq(smpsim_measure_spectrum(few, 0, 0, 5, &s, &err), SMPSIM_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err.message, "at least 16"));
    smpsim_dots_free(few);
}
END_TEST

static Suite *sampler_suite(void)
{
    Suite *s = suite_create("sampler");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    /* The loop tests run once per mode: _i = 0 fast, 1 best. */
    tcase_add_loop_test(tc, test_count_matches_density_times_area, 0, 2);
    tcase_add_loop_test(tc, test_all_dots_inside_their_polygon, 0, 2);
    tcase_add_loop_test(tc, test_spacing_is_blue_noise, 0, 2);
    tcase_add_loop_test(tc, test_minimum_spacing_honoured, 0, 2);
    tcase_add_loop_test(tc, test_uniform_cells_have_even_counts, 0, 2);
    tcase_add_loop_test(tc, test_same_seed_same_dots_other_seed_other_dots, 0, 2);
    tcase_add_test(tc, test_pinned_checksum);
    tcase_add_loop_test(tc, test_zero_density_gives_no_dots, 0, 2);
    tcase_add_loop_test(tc, test_ramp_profile_tracks_target, 0, 2);
    tcase_add_test(tc, test_fast_mode_is_stable_when_a_region_grows);
    tcase_add_test(tc, test_group_histogram_matches_distribution);
    tcase_add_test(tc, test_group_dots_are_close_but_apart);
    tcase_add_test(tc, test_per_dot_variation);
    tcase_add_test(tc, test_feathered_edge_has_smaller_lighter_dots);
    tcase_add_test(tc, test_spectrum_tells_blue_white_and_grid);
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
