/* Guides drawn over a photo (lib/guides.c): lines where the view puts
 * them, the scale bar's length, hidden points of a head view, the legend,
 * determinism and errors. */
#include <smpsim/smpsim.h>

#include <cairo.h>
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 400
#define H 300
#define PX_PER_MM 6.5

static smpsim_image *white(void)
{
    smpsim_image *img = NULL;
    ck_assert_int_eq(smpsim_image_new(W, H, SMPSIM_RGBA8, &img, NULL), SMPSIM_OK);
    memset(img->pixels, 255, img->stride * img->height);
    return img;
}

static const uint8_t *px(const smpsim_image *img, int x, int y)
{
    return (const uint8_t *)img->pixels + (size_t)y * img->stride + 4 * (size_t)x;
}

static int is_white(const uint8_t *p)
{
    return p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 255;
}

/* Reddish: the hairline's colour (or its anti-aliased edge). */
static int is_red(const uint8_t *p)
{
    return p[0] > 150 && p[1] < 120 && p[2] < 120;
}

/* A flat design: glabella at (200, 250) px, a hairline through points in mm. */
static smpsim_design *flat_design(void)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_view v = smpsim_view_flat(PX_PER_MM);
    v.offset_x_px = 200;
    v.offset_y_px = 250;
    ck_assert_int_eq(smpsim_design_set_view(d, &v, NULL), SMPSIM_OK);
    const double hair[] = {-25, -20, 0, -25, 25, -20};
    ck_assert_int_eq(smpsim_design_set_hairline_points(d, hair, 3, SMPSIM_UNITS_MM, NULL, NULL),
                     SMPSIM_OK);
    const double box[] = {-20, -30, 20, -30, 20, -10, -20, -10};
    ck_assert_int_eq(smpsim_design_add_polygon(d, box, 4, SMPSIM_UNITS_MM, NULL, NULL),
                     SMPSIM_OK);
    return d;
}

START_TEST(hairline_where_mapped)
{
    smpsim_design *d = flat_design();
    smpsim_image *img = white();
    smpsim_guides_options o;
    smpsim_guides_options_init(&o);
    o.show = SMPSIM_GUIDE_HAIRLINE;
    ck_assert_int_eq(smpsim_image_draw_guides(img, d, NULL, &o, NULL), SMPSIM_OK);
    double *xy = NULL;
    size_t n = 0;
    ck_assert_int_eq(smpsim_design_hairline_mm(d, &xy, &n, NULL), SMPSIM_OK);
    const smpsim_view *v = smpsim_design_get_view(d);
    size_t hits = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        double x, y;
        smpsim_view_to_px(v, xy[2 * i], xy[2 * i + 1], &x, &y);
        int red = 0;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
                red |= is_red(px(img, (int)lround(x) + dx, (int)lround(y) + dy));
        hits += red;
    }
    ck_assert_uint_eq(hits, n - 2);
    /* Well away from the line (10 mm below it): untouched. */
    double x, y;
    smpsim_view_to_px(v, 0, -10, &x, &y);
    ck_assert(is_white(px(img, (int)x, (int)y)));
    free(xy);
    smpsim_image_free(img);
    smpsim_design_free(d);
}
END_TEST

/* The longest run of black pixels in the bottom quarter: the bar. */
START_TEST(scale_bar_length)
{
    smpsim_design *d = flat_design();
    smpsim_image *img = white();
    smpsim_guides_options o;
    smpsim_guides_options_init(&o);
    o.show = SMPSIM_GUIDE_SCALE_BAR;
    ck_assert_int_eq(smpsim_image_draw_guides(img, d, NULL, &o, NULL), SMPSIM_OK);
    int best = 0, best_x0 = 0;
    for (int y = 3 * H / 4; y < H; y++) {
        for (int x = 0; x < W; x++) {
            int run = 0;
            while (x + run < W && px(img, x + run, y)[0] < 60)
                run++;
            if (run > best)
                best = run, best_x0 = x;
            x += run;
        }
    }
    ck_assert_int_le(abs(best - (int)lround(10.0 * PX_PER_MM)), 1);
    ck_assert_int_lt(best_x0, W / 4); /* near the bottom-left */
    smpsim_image_free(img);
    smpsim_design_free(d);
}
END_TEST

/* A head view from the front: a hairline far over the vertex and onto the
 * back of the head, and a region reaching behind; nothing is drawn beyond
 * the head's outline. */
START_TEST(head_hidden_not_drawn)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_head head = {0};
    head.center_x_px = 200, head.center_y_px = 160;
    head.radius_x_px = 100, head.radius_y_px = 110;
    head.camera = SMPSIM_CAMERA_FRONT;
    head.glabella_x_px = 200, head.glabella_y_px = 200;
    smpsim_view v = smpsim_view_head(&head);
    ck_assert_int_eq(smpsim_view_validate(&v, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_set_view(d, &v, NULL), SMPSIM_OK);
    const double hair[] = {-200, -80, -100, -90, 0, -100, 100, -90, 200, -80};
    ck_assert_int_eq(smpsim_design_set_hairline_points(d, hair, 5, SMPSIM_UNITS_MM, NULL, NULL),
                     SMPSIM_OK);
    const double box[] = {-230, -300, 230, -300, 230, -20, -230, -20};
    ck_assert_int_eq(smpsim_design_add_polygon(d, box, 4, SMPSIM_UNITS_MM, NULL, NULL),
                     SMPSIM_OK);
    smpsim_image *img = white();
    smpsim_guides_options o;
    smpsim_guides_options_init(&o);
    o.show = SMPSIM_GUIDE_HAIRLINE | SMPSIM_GUIDE_TRANSITION | SMPSIM_GUIDE_REGIONS;
    o.line_width_px = 1.0;
    ck_assert_int_eq(smpsim_image_draw_guides(img, d, NULL, &o, NULL), SMPSIM_OK);
    size_t inside = 0, outside = 0;
    double margin = 4.0; /* the line's half-width, its halo and anti-aliasing */
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            if (is_white(px(img, x, y)))
                continue;
            double ex = (x + 0.5 - 200) / (100 + margin), ey = (y + 0.5 - 160) / (110 + margin);
            if (ex * ex + ey * ey <= 1.0)
                inside++;
            else
                outside++;
        }
    }
    ck_assert_uint_gt(inside, 100);
    ck_assert_uint_eq(outside, 0);
    smpsim_image_free(img);
    smpsim_design_free(d);
}
END_TEST

START_TEST(legend_and_everything)
{
    smpsim_design *d = flat_design();
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_design_dots(d, &dots, NULL), SMPSIM_OK);
    smpsim_image *img = white();
    smpsim_guides_options o;
    smpsim_guides_options_init(&o);
    o.show = SMPSIM_GUIDE_LEGEND;
    ck_assert_int_eq(smpsim_image_draw_guides(img, d, dots, &o, NULL), SMPSIM_OK);
    /* The legend's box at the top-left: its border and dark text pixels. */
    size_t dark = 0, changed_elsewhere = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *p = px(img, x, y);
            if (x < W / 2 && y < H / 2)
                dark += p[0] < 100 && p[1] < 100 && p[2] < 100;
            else
                changed_elsewhere += !is_white(p);
        }
    ck_assert_uint_gt(dark, 200);
    ck_assert_uint_eq(changed_elsewhere, 0);
    /* Everything, twice: the same bytes. */
    smpsim_image *a = white(), *b = white();
    ck_assert_int_eq(smpsim_image_draw_guides(a, d, dots, NULL, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_image_draw_guides(b, d, dots, NULL, NULL), SMPSIM_OK);
    ck_assert_int_eq(memcmp(a->pixels, b->pixels, a->stride * a->height), 0);
    smpsim_image_free(a);
    smpsim_image_free(b);
    smpsim_image_free(img);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

/* RGBA16 images work; untouched pixels keep their exact values. */
START_TEST(rgba16_untouched_exact)
{
    smpsim_design *d = flat_design();
    smpsim_image *img = NULL;
    ck_assert_int_eq(smpsim_image_new(W, H, SMPSIM_RGBA16, &img, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < H; y++) {
        uint16_t *row = (uint16_t *)((uint8_t *)img->pixels + y * img->stride);
        for (uint32_t x = 0; x < 4 * W; x++)
            row[x] = (x % 4 == 3) ? 65535 : (uint16_t)(1000 + x + y);
    }
    smpsim_image *copy = NULL;
    ck_assert_int_eq(smpsim_image_copy(img, &copy, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_image_draw_guides(img, d, NULL, NULL, NULL), SMPSIM_OK);
    const uint16_t *p = (const uint16_t *)((uint8_t *)img->pixels + 150 * img->stride);
    const uint16_t *q = (const uint16_t *)((uint8_t *)copy->pixels + 150 * copy->stride);
    ck_assert_int_eq(memcmp(p + 4 * 380, q + 4 * 380, 8), 0); /* far right, mid-height */
    ck_assert_int_ne(memcmp(img->pixels, copy->pixels, img->stride * img->height), 0);
    smpsim_image_free(copy);
    smpsim_image_free(img);
    smpsim_design_free(d);
}
END_TEST

START_TEST(errors)
{
    smpsim_design *d = flat_design();
    smpsim_image *img = white();
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_draw_guides(NULL, d, NULL, NULL, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "cairo"));
    ck_assert_int_eq(smpsim_image_draw_guides(NULL, d, NULL, NULL, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_image_draw_guides(img, NULL, NULL, NULL, NULL), SMPSIM_EINVAL);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
    cairo_t *cr = cairo_create(s);
    ck_assert_int_eq(smpsim_draw_guides(cr, NULL, NULL, NULL, NULL), SMPSIM_EINVAL);
    smpsim_guides_options o;
    smpsim_guides_options_init(&o);
    o.show = 0x100;
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_draw_guides(cr, d, NULL, &o, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "show"));
    o.show = 0;
    o.line_width_px = -1;
    ck_assert_int_eq(smpsim_draw_guides(cr, d, NULL, &o, NULL), SMPSIM_EINVAL);
    smpsim_dots bad = {5, 5, NULL};
    ck_assert_int_eq(smpsim_draw_guides(cr, d, &bad, NULL, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_draw_guides(cr, d, NULL, NULL, NULL), SMPSIM_OK);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    /* Nothing was changed by a failed call. */
    memset(img->pixels, 255, img->stride * img->height);
    o.line_width_px = 1000;
    ck_assert_int_eq(smpsim_image_draw_guides(img, d, NULL, &o, NULL), SMPSIM_EINVAL);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            ck_assert(is_white(px(img, x, y)));
    smpsim_image_free(img);
    smpsim_design_free(d);
}
END_TEST

START_TEST(image_cairo_round_trip)
{
    /* Opaque pixels come back exactly; a 16-bit sample rounds to the
     * nearest 8-bit value; a rectangle outside the image is refused. */
    smpsim_image *im = NULL, *back = NULL;
    ck_assert_int_eq(smpsim_image_new(7, 5, SMPSIM_RGBA8, &im, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < 5; y++)
        for (uint32_t x = 0; x < 7; x++) {
            uint8_t *p = (uint8_t *)im->pixels + y * im->stride + 4 * x;
            p[0] = (uint8_t)(x * 37), p[1] = (uint8_t)(y * 51), p[2] = (uint8_t)(x * y * 9), p[3] = 255;
        }
    cairo_surface_t *s = smpsim_image_to_cairo(im, 2, 1, 4, 3, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(cairo_image_surface_get_width(s), 4);
    ck_assert_int_eq(smpsim_image_from_cairo(s, &back, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < 3; y++)
        ck_assert_mem_eq((uint8_t *)back->pixels + y * back->stride,
                         (uint8_t *)im->pixels + (y + 1) * im->stride + 4 * 2, 16);
    cairo_surface_destroy(s);
    smpsim_image_free(back);
    smpsim_error err = {0};
    ck_assert_ptr_null(smpsim_image_to_cairo(im, 5, 0, 4, 1, &err));
    ck_assert_int_eq(err.status, SMPSIM_EINVAL);
    smpsim_image_free(im);
    ck_assert_int_eq(smpsim_image_new(1, 1, SMPSIM_RGBA16, &im, NULL), SMPSIM_OK);
    uint16_t px[4] = {32896, 32895, 257, 65535}; /* 128.0, 127.998, 1, 255 in 8 bits */
    memcpy(im->pixels, px, sizeof px);
    s = smpsim_image_to_cairo(im, 0, 0, 1, 1, NULL);
    ck_assert_int_eq(smpsim_image_from_cairo(s, &back, NULL), SMPSIM_OK);
    const uint8_t *b = back->pixels;
    ck_assert_uint_eq(b[0], 128);
    ck_assert_uint_eq(b[1], 128);
    ck_assert_uint_eq(b[2], 1);
    ck_assert_uint_eq(b[3], 255);
    cairo_surface_destroy(s);
    smpsim_image_free(back);
    smpsim_image_free(im);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guides");
    TCase *tc = tcase_create("guides");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hairline_where_mapped);
    tcase_add_test(tc, scale_bar_length);
    tcase_add_test(tc, head_hidden_not_drawn);
    tcase_add_test(tc, legend_and_everything);
    tcase_add_test(tc, rgba16_untouched_exact);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, image_cairo_round_trip);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
