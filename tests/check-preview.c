/* Previews made by the library: looks (defaults, ranges, JSON), the one-call
 * render, PNG provenance written and read back, and design files' relative
 * photo paths. */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp */
#include "sampling/sampling-private.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-files.h"

/* A flat design: one 30 x 20 mm patch at 5 px/mm over a 200 x 150 photo. */
static smpsim_design *patch_design(void)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_view v = smpsim_view_flat(5.0);
    ck_assert_int_eq(smpsim_design_set_view(d, &v, NULL), SMPSIM_OK);
    double xy[] = {5, 5, 35, 5, 35, 25, 5, 25};
    ck_assert_int_eq(smpsim_design_add_polygon(d, xy, 4, SMPSIM_UNITS_MM, NULL, NULL), SMPSIM_OK);
    smpsim_design_set_seed(d, 42);
    return d;
}

/* A skin-coloured photo with a little texture. */
static smpsim_image *skin_photo(void)
{
    smpsim_image *im = NULL;
    ck_assert_int_eq(smpsim_image_new(200, 150, SMPSIM_RGBA8, &im, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < im->height; y++) {
        uint8_t *row = (uint8_t *)im->pixels + y * im->stride;
        for (uint32_t x = 0; x < im->width; x++) {
            row[4 * x] = (uint8_t)(205 + (x * 7 + y * 3) % 11);
            row[4 * x + 1] = (uint8_t)(160 + (x * 5 + y) % 9);
            row[4 * x + 2] = (uint8_t)(135 + (x + y * 7) % 7);
            row[4 * x + 3] = 255;
        }
    }
    return im;
}

static int same_pixels(const smpsim_image *a, const smpsim_image *b)
{
    if (a->width != b->width || a->height != b->height || a->format != b->format)
        return 0;
    for (uint32_t y = 0; y < a->height; y++)
        if (memcmp((const uint8_t *)a->pixels + y * a->stride,
                   (const uint8_t *)b->pixels + y * b->stride, (size_t)a->width * 4) != 0)
            return 0;
    return 1;
}

START_TEST(test_look_defaults_and_ranges)
{
    smpsim_look look;
    smpsim_look_init(&look);
    ck_assert_uint_eq(look.struct_size, sizeof look);
    ck_assert_uint_eq(look.render.struct_size, sizeof look.render);
    ck_assert_int_eq(look.render.state, SMPSIM_STATE_AS_GIVEN);
    ck_assert_int_eq(smpsim_look_validate(&look, NULL), SMPSIM_OK);
    smpsim_error err = {0};
    look.render.years = 51;
    ck_assert_int_eq(smpsim_look_validate(&look, &err), SMPSIM_EINVAL);
    ck_assert_msg(strstr(err.message, "years") != NULL, "%s", err.message);
    smpsim_look_init(&look);
    look.render.camera_blur_px = 9;
    ck_assert_int_eq(smpsim_look_validate(&look, NULL), SMPSIM_EINVAL);
    look.render.camera_blur_px = SMPSIM_CAMERA_BLUR_AUTO;
    ck_assert_int_eq(smpsim_look_validate(&look, NULL), SMPSIM_OK);
    look.render.state = 7;
    ck_assert_int_eq(smpsim_look_validate(&look, NULL), SMPSIM_EINVAL);
    smpsim_look_init(&look);
    look.have_skin = 1;
    look.skin_xy[0] = NAN;
    ck_assert_int_eq(smpsim_look_validate(&look, NULL), SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_look_validate(NULL, NULL), SMPSIM_EINVAL);
}
END_TEST

START_TEST(test_preview_render_is_the_pipeline)
{
    /* One call gives the pixels of the steps done by hand: dots, then the
     * renderer with the look's options, then the distance blur. */
    smpsim_design *d = patch_design();
    smpsim_image *photo = skin_photo(), *preview = NULL, *by_hand = NULL;
    smpsim_look look;
    smpsim_look_init(&look);
    look.render.state = SMPSIM_STATE_HEALED;
    look.distance_m = 0.5;
    smpsim_preview_info info;
    ck_assert_int_eq(smpsim_preview_render(d, photo, &look, &preview, &info, NULL), SMPSIM_OK);
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_design_dots(d, &dots, NULL), SMPSIM_OK);
    ck_assert_uint_eq(info.n_dots, dots->count);
    ck_assert_uint_gt(info.n_dots, 300); /* 6 cm2 at 100/cm2 */
    ck_assert_int_eq(smpsim_image_copy(photo, &by_hand, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_render_dots(by_hand, smpsim_design_get_view(d), dots, &look.render,
                                        NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_image_view_at_distance(by_hand, 5.0, 0.5, NULL), SMPSIM_OK);
    ck_assert(same_pixels(preview, by_hand));
    ck_assert(!same_pixels(preview, photo));
    /* The photo itself is left alone. */
    smpsim_image *fresh = skin_photo();
    ck_assert(same_pixels(photo, fresh));
    smpsim_image_free(fresh);
    smpsim_dots_free(dots);
    smpsim_image_free(by_hand);
    smpsim_image_free(preview);
    smpsim_image_free(photo);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_preview_render_auto_shade_and_errors)
{
    smpsim_design *d = patch_design();
    smpsim_image *photo = skin_photo(), *preview = NULL;
    smpsim_look look;
    smpsim_look_init(&look);
    look.auto_shade = 1;
    smpsim_preview_info info;
    ck_assert_int_eq(smpsim_preview_render(d, photo, &look, &preview, &info, NULL), SMPSIM_OK);
    ck_assert_int_eq(info.sampled, 1);
    ck_assert(info.default_shade >= 1.0 && info.default_shade <= 10.0);
    ck_assert(info.skin.lightness > 60.0); /* the light skin of the photo */
    smpsim_image_free(preview);
    smpsim_error err = {0};
    preview = (smpsim_image *)&err; /* set to NULL on failure */
    look.distance_m = 500;
    ck_assert_int_eq(smpsim_preview_render(d, photo, &look, &preview, NULL, &err), SMPSIM_EINVAL);
    ck_assert_ptr_null(preview);
    ck_assert_msg(strstr(err.message, "distance_m") != NULL, "%s", err.message);
    ck_assert_int_eq(smpsim_preview_render(NULL, photo, NULL, &preview, NULL, NULL),
                     SMPSIM_EINVAL);
#if !SMPSIM_HAVE_CAIRO
    smpsim_look_init(&look);
    look.guides = 1;
    ck_assert_int_eq(smpsim_preview_render(d, photo, &look, &preview, NULL, NULL),
                     SMPSIM_EUNSUPPORTED);
#endif
    smpsim_image_free(photo);
    smpsim_design_free(d);
}
END_TEST

/* Threads reading one shared design: each makes the dots and a preview. */
typedef struct reader_job {
    const smpsim_design *design;
    const smpsim_image *photo;
    uint64_t checksum;
    smpsim_image *preview;
    smpsim_status st;
} reader_job;

static void *read_shared(void *arg)
{
    reader_job *j = arg;
    smpsim_dots *dots = NULL;
    smpsim_look look;
    smpsim_look_init(&look);
    look.render.state = SMPSIM_STATE_HEALED;
    look.render.threads = 1;
    j->st = smpsim_design_dots(j->design, &dots, NULL);
    if (j->st == SMPSIM_OK)
        j->checksum = smpsim_dots_checksum(dots);
    if (j->st == SMPSIM_OK)
        j->st = smpsim_preview_render(j->design, j->photo, &look, &j->preview, NULL, NULL);
    smpsim_dots_free(dots);
    return NULL;
}

START_TEST(test_shared_design_many_threads)
{
    /* The header's promise: const calls on one design may run at once. */
    smpsim_design *d = patch_design();
    smpsim_image *photo = skin_photo();
    reader_job jobs[4];
    pthread_t tid[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (reader_job){d, photo, 0, NULL, SMPSIM_EINVAL};
        ck_assert_int_eq(pthread_create(&tid[i], NULL, read_shared, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(jobs[i].st, SMPSIM_OK);
        ck_assert_uint_eq(jobs[i].checksum, jobs[0].checksum);
        ck_assert(same_pixels(jobs[i].preview, jobs[0].preview));
    }
    for (int i = 0; i < 4; i++)
        smpsim_image_free(jobs[i].preview);
    smpsim_image_free(photo);
    smpsim_design_free(d);
}
END_TEST

#if SMPSIM_HAVE_JSON
START_TEST(test_look_json)
{
    /* The format of docs/outputs.md, written by hand. */
    smpsim_look look;
    smpsim_look_init(&look);
    char *text = NULL;
    ck_assert_int_eq(smpsim_look_to_json(&look, &text, NULL), SMPSIM_OK);
    ck_assert_str_eq(text, "{\"state\":\"as-given\",\"years\":null,\"uv\":\"normal\","
                           "\"depth_mm\":null,\"blowout_mm\":null,\"session\":null,"
                           "\"earlier_years\":null,\"camera_blur_px\":null,\"distance_m\":null,"
                           "\"skin\":null,\"hair\":null,\"auto_shade\":false,\"guides\":false}");
    smpsim_free(text);
    look.render.state = SMPSIM_STATE_AGED;
    look.render.years = 7;
    look.render.uv_exposure = SMPSIM_UV_HIGH;
    look.render.session = 2;
    look.render.camera_blur_px = SMPSIM_CAMERA_SHARP;
    look.have_skin = 1;
    look.skin_xy[0] = 600;
    look.skin_xy[1] = 300;
    look.guides = 1;
    ck_assert_int_eq(smpsim_look_to_json(&look, &text, NULL), SMPSIM_OK);
    ck_assert_str_eq(text, "{\"state\":\"aged\",\"years\":7.0,\"uv\":\"high\",\"depth_mm\":null,"
                           "\"blowout_mm\":null,\"session\":2,\"earlier_years\":null,"
                           "\"camera_blur_px\":0,\"distance_m\":null,\"skin\":[600.0,300.0],"
                           "\"hair\":null,\"auto_shade\":false,\"guides\":true}");
    /* Read back over defaults: the same look. */
    smpsim_look back;
    smpsim_look_init(&back);
    ck_assert_int_eq(smpsim_look_from_json(text, &back, NULL), SMPSIM_OK);
    ck_assert_mem_eq(&back, &look, sizeof look);
    smpsim_free(text);
    /* Absent keys keep the look's settings; present ones replace them. */
    ck_assert_int_eq(smpsim_look_from_json("{\"state\":\"fresh\",\"camera_blur_px\":\"auto\"}",
                                           &back, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(back.render.state, SMPSIM_STATE_FRESH);
    ck_assert(back.render.camera_blur_px == SMPSIM_CAMERA_BLUR_AUTO);
    ck_assert(back.render.years == 7 && back.guides == 1 && back.render.session == 2);
    /* Errors name the key and leave the look alone. */
    const char *bad[] = {"{\"years\":60}", "{\"session\":1.5}", "{\"colour\":1}",
                         "{\"state\":\"healing\"}", "{\"skin\":[1]}", "[1]", "{\"guides\":1}",
                         "{\"camera_blur_px\":-1}", "not json"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        smpsim_look keep = back;
        smpsim_error err = {0};
        ck_assert_msg(smpsim_look_from_json(bad[i], &back, &err) == SMPSIM_EFORMAT, "%s", bad[i]);
        ck_assert_mem_eq(&keep, &back, sizeof back);
        ck_assert_msg(strstr(err.message, "smpsim:render") != NULL, "%s", err.message);
    }
}
END_TEST

/* A scratch folder under /tmp (removed by the caller with rm_tree). */
static void scratch(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/smpsim-preview-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rm_tree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_relative_photo_follows_the_file)
{
    /* A design file in a folder of its own, naming its photo relatively:
     * the loaded design's photo is usable from here, and saving it again in
     * the same place gives the same bytes. */
    char dir[64], sub[128], path[192], other[192], photo[192];
    scratch(dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/client", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/design.json", sub);
    snprintf(photo, sizeof photo, "%s/front.png", sub);
    write_bytes(photo, "x", 1); /* only its path matters here */
    smpsim_design *d = patch_design(), *back = NULL;
    ck_assert_int_eq(smpsim_design_set_photo(d, "front.png", NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_save(d, path, NULL), SMPSIM_OK);
    size_t n1 = 0, n2 = 0;
    uint8_t *first = read_bytes(path, &n1);
    ck_assert_int_eq(smpsim_design_load(path, NULL, &back, NULL), SMPSIM_OK);
    ck_assert_str_eq(smpsim_design_get_photo(back), photo);
    ck_assert_int_eq(smpsim_design_save(back, path, NULL), SMPSIM_OK);
    uint8_t *second = read_bytes(path, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_mem_eq(first, second, n1);
    ck_assert_ptr_nonnull(strstr((char *)second, "\"photo\": \"front.png\""));
    /* Saved elsewhere, the file still leads to the same photo. */
    snprintf(other, sizeof other, "%s/copy.json", dir);
    ck_assert_int_eq(smpsim_design_save(back, other, NULL), SMPSIM_OK);
    smpsim_design *copy = NULL;
    ck_assert_int_eq(smpsim_design_load(other, NULL, &copy, NULL), SMPSIM_OK);
    char *a = realpath(smpsim_design_get_photo(copy), NULL), *b = realpath(photo, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    free(first);
    free(second);
    smpsim_design_free(copy);
    smpsim_design_free(back);
    smpsim_design_free(d);
    rm_tree(dir);
}
END_TEST
#endif

#if SMPSIM_HAVE_JSON && SMPSIM_HAVE_PNG
START_TEST(test_provenance_round_trip)
{
    char dir[64], path[128];
    scratch(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/preview.png", dir);
    smpsim_design *d = patch_design(), *back = NULL;
    smpsim_image *photo = skin_photo(), *preview = NULL, *again = NULL;
    smpsim_look look, read;
    smpsim_look_init(&look);
    look.render.state = SMPSIM_STATE_FRESH;
    look.render.depth_mm = 0.9;
    ck_assert_int_eq(smpsim_preview_render(d, photo, &look, &preview, NULL, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_preview_save_png(preview, d, &look, path, NULL), SMPSIM_OK);
    smpsim_look_init(&read);
    ck_assert_int_eq(smpsim_preview_read(path, &back, &read, NULL), SMPSIM_OK);
    ck_assert_mem_eq(&read, &look, sizeof look);
    char *j1 = NULL, *j2 = NULL;
    ck_assert_int_eq(smpsim_design_to_json(d, &j1, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_to_json(back, &j2, NULL), SMPSIM_OK);
    ck_assert_str_eq(j1, j2);
    /* The same pixels again from what the file says. */
    ck_assert_int_eq(smpsim_preview_render(back, photo, &read, &again, NULL, NULL), SMPSIM_OK);
    ck_assert(same_pixels(preview, again));
    /* The chunks, in order. */
    smpsim_text *texts = NULL;
    size_t n = 0;
    ck_assert_int_eq(smpsim_png_read_texts(path, &texts, &n, NULL), SMPSIM_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(texts[0].key, "Software");
    ck_assert_str_eq(texts[1].key, "smpsim:design");
    ck_assert_str_eq(texts[2].key, "smpsim:seed");
    ck_assert_str_eq(texts[2].text, "42");
    ck_assert_str_eq(texts[3].key, "smpsim:render");
    smpsim_texts_free(texts);
    /* A PNG without provenance is refused by name. */
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_image_save_png(photo, path, NULL, NULL), SMPSIM_OK);
    smpsim_design *none = (smpsim_design *)&err;
    ck_assert_int_eq(smpsim_preview_read(path, &none, NULL, &err), SMPSIM_EFORMAT);
    ck_assert_ptr_null(none);
    ck_assert_msg(strstr(err.message, "smpsim:design") != NULL, "%s", err.message);
    free(j1);
    free(j2);
    smpsim_image_free(again);
    smpsim_image_free(preview);
    smpsim_image_free(photo);
    smpsim_design_free(back);
    smpsim_design_free(d);
    rm_tree(dir);
}
END_TEST
#endif

static Suite *preview_suite(void)
{
    Suite *s = suite_create("preview");
    TCase *tc = tcase_create("preview");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_look_defaults_and_ranges);
    tcase_add_test(tc, test_preview_render_is_the_pipeline);
    tcase_add_test(tc, test_preview_render_auto_shade_and_errors);
    tcase_add_test(tc, test_shared_design_many_threads);
#if SMPSIM_HAVE_JSON
    tcase_add_test(tc, test_look_json);
    tcase_add_test(tc, test_relative_photo_follows_the_file);
#endif
#if SMPSIM_HAVE_JSON && SMPSIM_HAVE_PNG
    tcase_add_test(tc, test_provenance_round_trip);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(preview_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
