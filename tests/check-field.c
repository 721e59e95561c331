/* Density fields: ramps, combinations, feathered regions, density maps. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static smpsim_field *field(uint32_t w, uint32_t h, double value)
{
    smpsim_field *f = NULL;
    ck_assert_int_eq(smpsim_field_new(w, h, 0, 0, 1.0, &f, NULL), SMPSIM_OK);
    for (size_t i = 0; i < (size_t)w * h; i++)
        f->density_per_cm2[i] = (float)value;
    return f;
}

START_TEST(test_ramp_values_and_ops)
{
    smpsim_field *f = field(20, 2, 50);
    /* 0 at x = 5 mm rising to 100 at x = 15 mm; cell centres at i + 0.5. */
    ck_assert_int_eq(smpsim_field_ramp(f, 5, 0, 0, 15, 0, 100, SMPSIM_FIELD_SET, NULL), SMPSIM_OK);
    ck_assert_float_eq(f->density_per_cm2[0], 0.0f);
    ck_assert_float_eq_tol(f->density_per_cm2[10], 55.0f, 1e-4f);
    ck_assert_float_eq(f->density_per_cm2[19], 100.0f);
    ck_assert_float_eq_tol(f->density_per_cm2[20 + 10], 55.0f, 1e-4f); /* same on row 2 */
    /* MULTIPLY by a factor ramp 1 -> 0.5; MAX with a flat 60; MIN with 70. */
    ck_assert_int_eq(smpsim_field_ramp(f, 0, 0, 1, 20, 0, 0.5, SMPSIM_FIELD_MULTIPLY, NULL),
                     SMPSIM_OK);
    ck_assert_float_eq_tol(f->density_per_cm2[19], 100.0f * (1 - 0.5f * 19.5f / 20), 1e-3f);
    ck_assert_int_eq(smpsim_field_ramp(f, 0, 0, 60, 1, 0, 60, SMPSIM_FIELD_MAX, NULL), SMPSIM_OK);
    ck_assert_float_eq(f->density_per_cm2[0], 60.0f);
    ck_assert_int_eq(smpsim_field_ramp(f, 0, 0, 70, 1, 0, 70, SMPSIM_FIELD_MIN, NULL), SMPSIM_OK);
    for (int i = 0; i < 20; i++)
        ck_assert_float_le(f->density_per_cm2[i], 70.0f);
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_field_ramp(f, 1, 1, 0, 1, 1, 5, SMPSIM_FIELD_SET, &err),
                     SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "coincide"));
    ck_assert_int_eq(smpsim_field_ramp(f, 0, 0, -1, 1, 0, 5, SMPSIM_FIELD_SET, NULL),
                     SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_field_ramp(f, 0, 0, NAN, 1, 0, 5, SMPSIM_FIELD_SET, NULL),
                     SMPSIM_EINVAL);
    smpsim_field_free(f);
}
END_TEST

START_TEST(test_combine)
{
    smpsim_field *a = field(4, 4, 30), *b = field(4, 4, 80), *c = field(5, 4, 1);
    b->density_per_cm2[0] = 10;
    b->region[5] = 7;
    ck_assert_int_eq(smpsim_field_combine(a, b, SMPSIM_FIELD_MAX, NULL), SMPSIM_OK);
    ck_assert_float_eq(a->density_per_cm2[0], 30.0f);
    ck_assert_float_eq(a->density_per_cm2[1], 80.0f);
    ck_assert_uint_eq(a->region[5], 7);
    ck_assert_int_eq(smpsim_field_combine(a, b, SMPSIM_FIELD_ADD, NULL), SMPSIM_OK);
    ck_assert_float_eq(a->density_per_cm2[1], 160.0f);
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_field_combine(a, c, SMPSIM_FIELD_SET, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "geometry"));
    smpsim_field_free(a);
    smpsim_field_free(b);
    smpsim_field_free(c);
}
END_TEST

START_TEST(test_feather_keeps_expected_count)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.feather_mm = 8;
    double sq[] = {10, 10, 50, 10, 50, 50, 10, 50};
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, &p, NULL), SMPSIM_OK);
    smpsim_field *f = NULL;
    ck_assert_int_eq(smpsim_design_field(d, 0.5, &f, NULL), SMPSIM_OK);
    /* 16 cm2 x 100: the smoothstep is symmetric about the outline; corners
     * lose a little. */
    ck_assert_double_eq_tol(smpsim_field_expected_count(f), 1600.0, 1600.0 * 0.01);
    double at_edge = smpsim__field_at(f, 30.25, 10.25, NULL);
    ck_assert_double_eq_tol(at_edge, 50.0, 6.0);                 /* half way on the outline */
    ck_assert_double_eq(smpsim__field_at(f, 30.25, 5.75, NULL), 0.0); /* beyond the margin */
    ck_assert_double_eq(smpsim__field_at(f, 30.25, 14.25, NULL), 100.0);
    smpsim_field_free(f);
    smpsim_error err = {0};
    p.feather_mm = -1;
    ck_assert_int_eq(smpsim_design_add_polygon(d, sq, 4, SMPSIM_UNITS_MM, &p, &err),
                     SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "feather"));
    smpsim_design_free(d);
}
END_TEST

/* A w x h grey map whose value rises with x: value(x) = 255 x / (w - 1). */
static smpsim_image *grey_ramp(uint32_t w, uint32_t h, smpsim_pixel_format format)
{
    smpsim_image *im = NULL;
    ck_assert_int_eq(smpsim_image_new(w, h, format, &im, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            unsigned char *row = (unsigned char *)im->pixels + y * im->stride;
            if (format == SMPSIM_RGBA8) {
                uint8_t v = (uint8_t)lrint(255.0 * x / (w - 1));
                memset(row + x * 4, v, 3);
            } else {
                uint16_t *p = (uint16_t *)(void *)row + x * 4;
                p[0] = p[1] = p[2] = (uint16_t)lrint(65535.0 * x / (w - 1));
            }
        }
    return im;
}

#if SMPSIM_HAVE_PNG /* needs PNG: not in a core build */
START_TEST(test_density_map_round_trip)
{
    /* A map saved as PNG and loaded again gives the densities it encodes:
     * 0..255 -> 0..120 dots/cm2, placed at 2 px/mm with an offset. */
    const smpsim_pixel_format formats[2] = {SMPSIM_RGBA8, SMPSIM_RGBA16};
    for (int k = 0; k < 2; k++) {
        smpsim_image *map = grey_ramp(256, 64, formats[k]), *back = NULL;
        char path[] = "/tmp/smpsim-map-XXXXXX";
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        close(fd);
        ck_assert_int_eq(smpsim_image_save_png(map, path, NULL, NULL), SMPSIM_OK);
        ck_assert_int_eq(smpsim_image_load(path, NULL, &back, NULL), SMPSIM_OK);
        unlink(path);
        smpsim_view view = smpsim_view_flat(2.0);
        view.offset_x_px = -20.0; /* pixel 0 is at x = 10 mm */
        smpsim_field *f = NULL;
        ck_assert_int_eq(smpsim_field_from_map(back, &view, 120, 0.5, &f, NULL), SMPSIM_OK);
        ck_assert_double_eq_tol(f->origin_x_mm, 10.0, 1e-9);
        ck_assert_uint_eq(f->width, 256);  /* 128 mm at 0.5 mm */
        ck_assert_uint_eq(f->height, 64);  /* 32 mm */
        for (uint32_t i = 4; i < 250; i += 17) {
            double px = (i + 0.5) * 0.5 * 2.0; /* cell centre in map pixels */
            double want = 120.0 * (px - 0.5) / 255.0;
            ck_assert_msg(fabs(f->density_per_cm2[10 * f->width + i] - want) < 0.6,
                          "format %d cell %u: %.2f, want %.2f", k, i,
                          f->density_per_cm2[10 * f->width + i], want);
        }
        /* The dots follow the map: the right half holds about 3x the left. */
        smpsim_dots *dots = NULL;
        ck_assert_int_eq(smpsim_sample(f, 1, NULL, &dots, NULL), SMPSIM_OK);
        double left = (double)smpsim_measure_count(dots, 10, 0, 74, 32, 0);
        double right = (double)smpsim_measure_count(dots, 74, 0, 138, 32, 0);
        ck_assert_msg(fabs(right / left - 3.0) < 0.3, "right/left %.2f", right / left);
        smpsim_dots_free(dots);
        smpsim_field_free(f);
        smpsim_image_free(map);
        smpsim_image_free(back);
    }
}
END_TEST
#endif

START_TEST(test_density_map_errors)
{
    smpsim_image *map = grey_ramp(8, 8, SMPSIM_RGBA8);
    smpsim_view view = smpsim_view_flat(1.0), bad = smpsim_view_flat(NAN);
    smpsim_field *f = (smpsim_field *)1;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_field_from_map(map, &view, 0, 0, &f, &err), SMPSIM_EINVAL);
    ck_assert_ptr_null(f);
    ck_assert_ptr_nonnull(strstr(err.message, "maximum density"));
    ck_assert_int_eq(smpsim_field_from_map(map, &bad, 100, 0, &f, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_field_from_map(NULL, &view, 100, 0, &f, NULL), SMPSIM_EINVAL);
    /* 8 px at 0.01 px/mm is 800 mm: at 0.001 mm cells far too many cells. */
    smpsim_view tiny = smpsim_view_flat(0.01);
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_field_from_map(map, &tiny, 100, 0.001, &f, &err), SMPSIM_ELIMIT);
    smpsim_image_free(map);
}
END_TEST

/* ---- the nearest-edge index against the linear search -------------------- */

static bool same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Rings for the index: a random walk on whole millimetres (repeated
 * points: zero-length edges; steps back: edges on each other), the very
 * same ring again (ties between rings), a square (its centre as near to
 * all four sides), a ring of one point and one of two. */
static void awkward_rings(smpsim__rng *rng, smpsim__rings *r, size_t walk)
{
    size_t n = walk + walk + 4 + 1 + 2, k = 0;
    r->n_rings = 5;
    r->start = malloc(6 * sizeof *r->start);
    r->xy = malloc(2 * n * sizeof *r->xy);
    double x = 0, y = 0;
    r->start[0] = 0;
    for (size_t i = 0; i < walk; i++, k++) {
        int u = (int)(smpsim__rng_uniform(rng) * 10);
        if (u == 0 && i > 1) {
            x = r->xy[2 * k - 4], y = r->xy[2 * k - 3];
        } else if (u > 1) {
            x += floor(smpsim__rng_uniform(rng) * 9) - 4;
            y += floor(smpsim__rng_uniform(rng) * 9) - 4;
        }
        r->xy[2 * k] = x, r->xy[2 * k + 1] = y;
    }
    r->start[1] = k;
    memcpy(r->xy + 2 * k, r->xy, 2 * walk * sizeof *r->xy);
    k += walk;
    r->start[2] = k;
    const double square[8] = {-6, -6, 6, -6, 6, 6, -6, 6}, one[2] = {9, -9};
    const double two[4] = {-9, 9, -3, 12};
    memcpy(r->xy + 2 * k, square, sizeof square);
    k += 4;
    r->start[3] = k;
    memcpy(r->xy + 2 * k, one, sizeof one);
    k += 1;
    r->start[4] = k;
    memcpy(r->xy + 2 * k, two, sizeof two);
    k += 2;
    r->start[5] = k;
}

/* The nearest edge found through the index is the very one the linear
 * search finds (the same distance and point, to the bit, ties between
 * edges and between rings included); with a cap, a leaf that lists no edge
 * is one where every edge is farther than the cap. */
START_TEST(test_indexed_nearest_edge_equals_linear_search)
{
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 77);
    for (int round = 0; round < 6; round++) {
        smpsim__rings r;
        awkward_rings(&rng, &r, 20 + 120 * round);
        double b[4];
        smpsim__rings_bounds(&r, b);
        double domain[4] = {b[0] - 20, b[1] - 20, b[2] + 20, b[3] + 20};
        double cap = round % 2 ? 3.0 : INFINITY, leaf = 0.5 + round;
        smpsim__segindex ix;
        ck_assert(smpsim__rings_index(&r, domain, leaf, cap, &ix));
        size_t mismatches = 0, empty = 0, compared = 0;
        for (int k = 0; k < 20000; k++) {
            double x, y, u = smpsim__rng_uniform(&rng);
            size_t at = (size_t)(smpsim__rng_uniform(&rng) * r.start[5]);
            if (u < 0.5) { /* anywhere, beyond the domain too */
                x = domain[0] - 10 + (domain[2] - domain[0] + 20) * smpsim__rng_uniform(&rng);
                y = domain[1] - 10 + (domain[3] - domain[1] + 20) * smpsim__rng_uniform(&rng);
            } else if (u < 0.65) { /* on a vertex */
                x = r.xy[2 * at], y = r.xy[2 * at + 1];
            } else { /* on whole and half millimetres: on edges, half way between */
                double u1 = smpsim__rng_uniform(&rng), u2 = smpsim__rng_uniform(&rng);
                x = 0.5 * floor(2 * (domain[0] + (domain[2] - domain[0]) * u1));
                y = 0.5 * floor(2 * (domain[1] + (domain[3] - domain[1]) * u2));
            }
            double nx = NAN, ny = NAN, mx = NAN, my = NAN;
            double want = smpsim__rings_nearest(&r, x, y, &nx, &ny);
            size_t count;
            const uint32_t *edges = smpsim__segindex_find(&ix, x, y, &count);
            if (!edges)
                continue;
            if (count == 0) {
                empty++;
                ck_assert_msg(want > cap, "(%g, %g): no edge listed, yet one %g mm away", x, y,
                              want);
                continue;
            }
            double got = smpsim__rings_nearest_among(&r, edges, count, x, y, &mx, &my);
            if (want > cap)
                continue; /* beyond the cap any answer beyond it will do */
            compared++;
            if (!(same_double(got, want) && same_double(mx, nx) && same_double(my, ny)) &&
                mismatches++ < 5)
                fprintf(stderr, "(%.17g, %.17g): %.17g at (%g, %g), want %.17g at (%g, %g)\n", x,
                        y, got, mx, my, want, nx, ny);
        }
        ck_assert_msg(mismatches == 0, "round %d: %zu nearest edges differ", round, mismatches);
        ck_assert_uint_gt(compared, 1000); /* the index answered for most points */
        if (cap < INFINITY)
            ck_assert_uint_gt(empty, 0);
        /* The row crossings give the point test's answer, on vertices too. */
        double *xs = malloc(r.start[5] * sizeof *xs);
        for (int k = 0; k < 2000; k++) {
            double y = floor(domain[1] + (domain[3] - domain[1]) * smpsim__rng_uniform(&rng));
            double x = floor(domain[0] + (domain[2] - domain[0]) * smpsim__rng_uniform(&rng));
            size_t n = 0, beyond = 0;
            for (size_t ring = 0; ring < r.n_rings; ring++) {
                size_t a = r.start[ring], m = r.start[ring + 1] - a;
                if (m >= 3)
                    n += smpsim__polygon_crossings(r.xy + 2 * a, m, y, xs + n);
            }
            for (size_t i = 0; i < n; i++)
                beyond += x < xs[i];
            /* the point test is non-zero winding, whose parity is even-odd's */
            int w = 0;
            for (size_t ring = 0; ring < r.n_rings; ring++) {
                size_t a = r.start[ring], m = r.start[ring + 1] - a;
                if (m >= 3)
                    w += smpsim__polygon_winding(r.xy + 2 * a, m, x, y);
            }
            ck_assert_int_eq(beyond % 2, (size_t)abs(w) % 2);
            ck_assert_int_eq(w != 0, smpsim__rings_contain(&r, x, y));
        }
        free(xs);
        smpsim__segindex_free(&ix);
        smpsim__rings_free(&r);
    }
}
END_TEST

/* A feathered region's field, cell by cell, against the plain formula: the
 * smoothstep of the distance to the nearest edge (linear search), signed
 * by the point test. Shapes: a star with repeated vertices, overlapping
 * discs (two the same), a stroke, and a cross on the quarter millimetre
 * whose feather puts cell centres exactly on its edges and vertices, and
 * the sample frontal designs' large outline, whose inside and outside are
 * mostly long runs of cells no edge comes near. */
START_TEST(test_feathered_field_equals_per_cell_formula)
{
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 5);
    double star[2 * 64], discs[] = {0, 0, 0, 0, 3, 0.5, 10, 2, 10.5, 2}, stroke[] = {-20, 0, 0,
                                                                                   -8, 20, 5};
    for (int k = 0; k < 64; k++) {
        double a = 2 * 3.14159265358979 * k / 64, rad = k % 2 ? 20 : 9 + smpsim__rng_uniform(&rng);
        star[2 * k] = k % 16 == 3 ? star[2 * k - 2] : rad * cos(a);
        star[2 * k + 1] = k % 16 == 3 ? star[2 * k - 1] : rad * sin(a);
    }
    double cross[] = {0, 4, 4, 4, 4, 0, 6.25, 0, 6.25, 4, 10.5, 4, 10.5, 6.75, 6.25, 6.75,
                      6.25, 11, 4, 11, 4, 6.75, 0, 6.75};
    double frontal[] = {-110, -5, -110, -190, 110, -190, 110, -5};
    for (int shape = 0; shape < 5; shape++) {
        smpsim_design *d = NULL;
        ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
        smpsim_region_params p;
        smpsim_region_params_init(&p);
        p.feather_mm = shape == 1 ? 3 : (shape == 3 ? 7.25 : (shape == 4 ? 15 : 7));
        smpsim_status st;
        if (shape == 0)
            st = smpsim_design_add_polygon(d, star, 64, SMPSIM_UNITS_MM, &p, NULL);
        else if (shape == 1)
            st = smpsim_design_add_points(d, discs, 5, 4, SMPSIM_UNITS_MM, &p, NULL);
        else if (shape == 2)
            st = smpsim_design_add_line(d, stroke, 3, 6, SMPSIM_UNITS_MM, &p, NULL);
        else if (shape == 3)
            st = smpsim_design_add_polygon(d, cross, 12, SMPSIM_UNITS_MM, &p, NULL);
        else
            st = smpsim_design_add_polygon(d, frontal, 4, SMPSIM_UNITS_MM, &p, NULL);
        ck_assert_int_eq(st, SMPSIM_OK);
        smpsim_field *f = NULL;
        ck_assert_int_eq(smpsim_design_field(d, 0.25, &f, NULL), SMPSIM_OK);
        smpsim__rings r;
        const smpsim__region *reg = smpsim__design_region(d, 0);
        ck_assert_int_eq(smpsim__region_rings(reg, smpsim_design_get_view(d), &r, NULL),
                         SMPSIM_OK);
        double b[4], half = p.feather_mm / 2;
        smpsim__rings_bounds(&r, b);
        b[0] -= half, b[1] -= half, b[2] += half, b[3] += half;
        size_t mismatches = 0;
        for (uint32_t j = 0; j < f->height; j++)
            for (uint32_t i = 0; i < f->width; i++) {
                double x = f->origin_x_mm + (i + 0.5) * f->cell_mm;
                double y = f->origin_y_mm + (j + 0.5) * f->cell_mm, nx, ny;
                float c = 0.0f;
                if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]) {
                    double dist = smpsim__rings_nearest(&r, x, y, &nx, &ny);
                    if (!smpsim__rings_contain(&r, x, y))
                        dist = -dist;
                    double t = (dist + half) / p.feather_mm;
                    t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
                    c = (float)(t * t * (3.0 - 2.0 * t));
                }
                c = c < 1.0f ? c : 1.0f;
                float want = c > 0.0f ? (float)reg->params.density_per_cm2 * c : 0.0f;
                mismatches += memcmp(&want, &f->density_per_cm2[(size_t)j * f->width + i],
                                     sizeof want) != 0;
            }
        ck_assert_msg(mismatches == 0, "shape %d: %zu cells differ", shape, mismatches);
        smpsim__rings_free(&r);
        smpsim_field_free(f);
        smpsim_design_free(d);
    }
}
END_TEST

static Suite *field_suite(void)
{
    Suite *s = suite_create("field");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ramp_values_and_ops);
    tcase_add_test(tc, test_combine);
    tcase_add_test(tc, test_feather_keeps_expected_count);
#if SMPSIM_HAVE_PNG
    tcase_add_test(tc, test_density_map_round_trip);
#endif
    tcase_add_test(tc, test_density_map_errors);
    tcase_add_test(tc, test_indexed_nearest_edge_equals_linear_search);
    tcase_add_test(tc, test_feathered_field_equals_per_cell_formula);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(field_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
