/* Indexed outline geometry (issue 19): the ring grid and slabs answer
 * "inside?" and "where do lines cross?" exactly as the linear searches do,
 * the point grid finds the same nearest edge, and designs of many discs or
 * outline points stay within a work budget that grows with dots plus
 * points; the budget and the cancel callback stop the call. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI_ 3.14159265358979323846

/* Rings from n_rings point counts and their points. */
static void make_rings(smpsim__rings *r, const size_t *counts, size_t n_rings, double *xy)
{
    r->n_rings = n_rings;
    r->start = calloc(n_rings + 1, sizeof *r->start);
    ck_assert_ptr_nonnull(r->start);
    for (size_t k = 0; k < n_rings; k++)
        r->start[k + 1] = r->start[k] + counts[k];
    r->xy = xy;
}

static double uniform(smpsim__rng *rng, double lo, double hi)
{
    return lo + (hi - lo) * smpsim__rng_uniform(rng);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Compares every indexed query with its linear search at n points: some
 * random, some exactly on vertices and edges (where ties and the
 * half-open crossing rule matter). */
static void compare_queries(const smpsim__rings *r, smpsim__rng *rng, size_t n)
{
    smpsim__slabs s;
    smpsim__rings_near nr;
    ck_assert(smpsim__rings_slabs(r, &s));
    ck_assert(smpsim__rings_near_build(r, &nr));
    double b[4];
    smpsim__rings_bounds(r, b);
    size_t total = r->start[r->n_rings];
    double *xs = malloc((total + 1) * sizeof *xs), *ys = malloc((total + 1) * sizeof *ys);
    smpsim__crossing *cs = malloc((total + 1) * sizeof *cs);
    uint64_t work = 0;
    size_t inside = 0;
    for (size_t q = 0; q < n; q++) {
        double x, y;
        if (q % 4 == 0) { /* a vertex, or a point on an edge */
            size_t i = (size_t)(smpsim__rng_uniform(rng) * total) % total;
            x = r->xy[2 * i] + (q % 8 == 0 ? 0.0 : 0.5 * (r->xy[2 * ((i + 1) % total)] - r->xy[2 * i]));
            y = r->xy[2 * i + 1];
        } else {
            x = uniform(rng, b[0] - 3, b[2] + 3);
            y = uniform(rng, b[1] - 3, b[3] + 3);
        }
        bool in = smpsim__rings_contain(r, x, y);
        ck_assert_int_eq(smpsim__rings_contain_in(r, &s, x, y, &work), in);
        inside += in;
        double ax = NAN, ay = NAN, bx = NAN, by = NAN;
        double da = smpsim__rings_nearest(r, x, y, &ax, &ay);
        double db = smpsim__rings_near_find(r, &nr, x, y, &bx, &by, &work);
        ck_assert(da == db && ax == bx && ay == by);
        size_t k = 0;
        for (size_t ring = 0; ring < r->n_rings; ring++) {
            size_t a = r->start[ring], m = r->start[ring + 1] - a;
            if (m >= 3)
                k += smpsim__polygon_crossings(r->xy + 2 * a, m, y, xs + k);
        }
        size_t k2 = smpsim__rings_crossings(r, &s, y, cs, &work);
        for (size_t i = 0; i < k2; i++)
            ys[i] = cs[i].x;
        ck_assert_uint_eq(k, k2);
        qsort(xs, k, sizeof *xs, cmp_double);
        qsort(ys, k2, sizeof *ys, cmp_double);
        ck_assert(memcmp(xs, ys, k * sizeof *xs) == 0);
    }
    ck_assert_uint_gt(inside, 0); /* the cases do test both answers */
    ck_assert_uint_lt(inside, n);
    free(xs);
    free(ys);
    free(cs);
    smpsim__slabs_free(&s);
    smpsim__rings_near_free(&nr);
}

START_TEST(test_indexed_queries_equal_linear_search)
{
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 19);
    /* 1: 400 overlapping discs of 16 points and two degenerate rings. */
    size_t n_discs = 400, counts[402];
    double *xy = malloc((400 * 16 + 3) * 2 * sizeof *xy);
    size_t at = 0;
    for (size_t k = 0; k < n_discs; k++) {
        double cx = uniform(&rng, 0, 40), cy = uniform(&rng, 0, 40), rad = uniform(&rng, 0.3, 2.5);
        for (int i = 0; i < 16; i++, at++) {
            xy[2 * at] = cx + rad * cos(i * PI_ / 8);
            xy[2 * at + 1] = cy + rad * sin(i * PI_ / 8);
        }
        counts[k] = 16;
    }
    counts[400] = 2; /* a 2-point ring counts for nothing */
    counts[401] = 1;
    for (int i = 0; i < 3; i++, at++)
        xy[2 * at] = xy[2 * at + 1] = 20.0 + i;
    smpsim__rings r;
    make_rings(&r, counts, 402, xy);
    compare_queries(&r, &rng, 20000);
    smpsim__rings_free(&r);

    /* 2: one self-crossing star of 3000 points, and a zigzag of 2000
     * steep edges (few slabs). */
    for (int shape = 0; shape < 2; shape++) {
        size_t n = shape ? 2000 : 3000;
        xy = malloc(2 * n * sizeof *xy);
        for (size_t i = 0; i < n; i++) {
            if (shape) {
                xy[2 * i] = (double)i * 0.05;
                xy[2 * i + 1] = i % 2 ? 30.0 : 0.0;
            } else {
                double a = 2 * PI_ * 7 * (double)i / n, rad = 10 + 8 * sin(5 * a);
                xy[2 * i] = rad * cos(a);
                xy[2 * i + 1] = rad * sin(a);
            }
        }
        make_rings(&r, &n, 1, xy);
        compare_queries(&r, &rng, 5000);
        smpsim__rings_free(&r);
    }
}
END_TEST

/* A points region of n discs on a jittered grid, overlapping. */
static smpsim_design *disc_design(size_t n, double pitch, double diameter)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    double *xy = malloc(2 * n * sizeof *xy);
    size_t side = (size_t)ceil(sqrt((double)n));
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 7);
    for (size_t i = 0; i < n; i++) {
        xy[2 * i] = (double)(i % side) * pitch + uniform(&rng, -0.1, 0.1);
        xy[2 * i + 1] = -20.0 - (double)(i / side) * pitch + uniform(&rng, -0.1, 0.1);
    }
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 120;
    ck_assert_int_eq(smpsim_design_add_points(d, xy, n, diameter, SMPSIM_UNITS_MM, &p, NULL),
                     SMPSIM_OK);
    free(xy);
    return d;
}

static void set_budget(smpsim_design *d, uint64_t max_work, int (*cancel)(void *), void *arg)
{
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.max_work = max_work;
    o.cancel = cancel;
    o.cancel_arg = arg;
    ck_assert_int_eq(smpsim_design_set_dot_options(d, &o, NULL), SMPSIM_OK);
}

/* The work grows with dots plus outline points: 20 000 overlapping discs
 * (320 000 edges, ~25 000 dots) fit in 80 units per dot and edge (edge
 * tests, sorts of crossings, cells). Tested
 * dot by dot against every edge, as before issue 19, they took ~1e10. */
START_TEST(test_many_discs_within_linear_budget)
{
    smpsim_design *d = disc_design(20000, 1.0, 1.2);
    set_budget(d, 80ull * (25000 + 20000 * 16), NULL, NULL);
    smpsim_dots *dots = NULL;
    smpsim_error err = {0};
    ck_assert_msg(smpsim_design_dots(d, &dots, &err) == SMPSIM_OK, "%s", err.message);
    ck_assert_uint_gt(dots->count, 15000);
    ck_assert_uint_lt(dots->count, 40000);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

static int cancel_after(void *arg)
{
    int *calls = arg;
    return ++*calls >= 3;
}

static int never(void *arg)
{
    ++*(int *)arg;
    return 0;
}

START_TEST(test_budget_and_cancel_stop_the_call)
{
    smpsim_design *d = disc_design(20000, 1.0, 1.2);
    smpsim_dots *dots = NULL;
    smpsim_error err = {0};
    set_budget(d, 100000, NULL, NULL);
    ck_assert_int_eq(smpsim_design_dots(d, &dots, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_null(dots);
    ck_assert_ptr_nonnull(strstr(err.message, "work budget of 100000"));
    smpsim_field *f = NULL;
    ck_assert_int_eq(smpsim_design_field(d, 0.0, &f, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_null(f);
    int calls = 0;
    set_budget(d, 0, cancel_after, &calls);
    ck_assert_int_eq(smpsim_design_dots(d, &dots, &err), SMPSIM_ECANCELED);
    ck_assert_ptr_null(dots);
    ck_assert_int_eq(calls, 3);
    ck_assert_str_eq(smpsim_strerror(SMPSIM_ECANCELED), "cancelled by the caller");
    calls = 0;
    set_budget(d, 0, never, &calls);
    ck_assert_int_eq(smpsim_design_dots(d, &dots, &err), SMPSIM_OK);
    ck_assert_int_gt(calls, 1); /* asked along the way */
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

static double expected_dots(const double *xy, size_t n, int points)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 100;
    smpsim_error err = {0};
    smpsim_status st = points ? smpsim_design_add_points(d, xy, n, 10.0, SMPSIM_UNITS_MM, &p, &err)
                              : smpsim_design_add_polygon(d, xy, n, SMPSIM_UNITS_MM, &p, &err);
    ck_assert_msg(st == SMPSIM_OK, "%s", err.message);
    smpsim_field *f = NULL;
    ck_assert_int_eq(smpsim_design_field(d, 0.25, &f, NULL), SMPSIM_OK);
    double count = smpsim_field_expected_count(f);
    smpsim_field_free(f);
    smpsim_design_free(d);
    return count;
}

/* issue 19: outlines are filled by the non-zero winding rule. A square
 * drawn around twice is the square (even-odd left it empty but for its
 * rasterised edges: "22 dots"); two overlapping punch discs are their
 * union (even-odd cut their lens out). */
START_TEST(test_self_overlaps_are_filled_nonzero)
{
    double once[] = {0, 0, 20, 0, 20, 20, 0, 20};
    double twice[] = {0, 0, 20, 0, 20, 20, 0, 20, 0, 0, 20, 0, 20, 20, 0, 20};
    double a = expected_dots(once, 4, 0), b = expected_dots(twice, 8, 0);
    ck_assert_double_eq_tol(a, 400.0, 1.0); /* 4 cm2 at 100/cm2 */
    ck_assert_double_eq_tol(b, a, 1e-6 * a);
    double one[] = {0, 0}, two[] = {0, 0, 6, 0};
    double disc = expected_dots(one, 1, 1), pair = expected_dots(two, 2, 1);
    /* discs of 10 mm, centres 6 mm apart: the union is 2 discs less the lens */
    double r = 5.0, dd = 6.0;
    double lens = 2 * r * r * acos(dd / (2 * r)) - 0.5 * dd * sqrt(4 * r * r - dd * dd);
    ck_assert_double_eq_tol(pair, disc * (2.0 - lens / (PI_ * r * r)), 0.01 * disc);
}
END_TEST

static Suite *geometry_suite(void)
{
    Suite *s = suite_create("geometry");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_indexed_queries_equal_linear_search);
    tcase_add_test(tc, test_many_discs_within_linear_budget);
    tcase_add_test(tc, test_budget_and_cancel_stop_the_call);
    tcase_add_test(tc, test_self_overlaps_are_filled_nonzero);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(geometry_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
