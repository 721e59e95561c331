/* Design files: round trips and errors that name the JSON path. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A design with every feature the file format carries. */
static smpsim_design *full_design(void)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    smpsim_design_set_seed(d, 123456789);
    ck_assert_int_eq(smpsim_design_set_name(d, "round \"trip\" \xc3\xa9", NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_set_photo(d, "photos/client.jpg", NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_set_hair_shade(d, 7.25, NULL), SMPSIM_OK);
    smpsim_view v = smpsim_view_flat(6.1);
    v.rotation_deg = 1.0 / 3.0;
    v.offset_x_px = 512.5;
    ck_assert_int_eq(smpsim_design_set_view(d, &v, NULL), SMPSIM_OK);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 87.3;
    p.dot_diameter_mm = 0.21;
    p.shade = 4.5;
    p.feather_mm = 12;
    p.sessions = 5;
    double poly[] = {-80.125, -150, 80, -150, 80, -20, -80, -20};
    ck_assert_int_eq(smpsim_design_add_polygon(d, poly, 4, SMPSIM_UNITS_MM, &p, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_add_ellipse(d, 600, 100, 40, 30, 15, SMPSIM_UNITS_PX, NULL, NULL),
                     SMPSIM_OK);
    double line[] = {-50, -200, 0, -205, 50, -200};
    ck_assert_int_eq(smpsim_design_add_line(d, line, 3, 6, SMPSIM_UNITS_MM, NULL, NULL), SMPSIM_OK);
    double pts[] = {10, -180, 12, -181.5};
    ck_assert_int_eq(smpsim_design_add_points(d, pts, 2, 0.9, SMPSIM_UNITS_MM, NULL, NULL),
                     SMPSIM_OK);
    smpsim_landmarks l;
    smpsim_landmarks_init(&l);
    l.shape = 2;
    smpsim_hairline_params hp;
    smpsim_hairline_params_init(&hp);
    hp.transition_mm = 12;
    hp.sentinel_fraction = -1;
    ck_assert_int_eq(smpsim_design_set_hairline_landmarks(d, &l, &hp, NULL), SMPSIM_OK);
    smpsim_session s[2] = {{0.4, -1, 0.18, 2, 0}, {1.0, 0, 0, 0, 28}};
    ck_assert_int_eq(smpsim_design_set_sessions(d, s, 2, NULL), SMPSIM_OK);
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.groups = 1;
    o.mode = SMPSIM_SAMPLE_BEST;
    o.shade_spread = -1;
    ck_assert_int_eq(smpsim_design_set_dot_options(d, &o, NULL), SMPSIM_OK);
    return d;
}

START_TEST(test_round_trip_is_exact)
{
    smpsim_design *d = full_design(), *back = NULL;
    char *a = NULL, *b = NULL;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_design_to_json(d, &a, &err), SMPSIM_OK);
    ck_assert_msg(smpsim_design_load_string(a, NULL, NULL, &back, &err) == SMPSIM_OK, "%s",
                  err.message);
    ck_assert_int_eq(smpsim_design_to_json(back, &b, NULL), SMPSIM_OK);
    ck_assert_str_eq(a, b);
    /* the same dots, too */
    smpsim_dots *x = NULL, *y = NULL;
    smpsim_view flat = smpsim_view_flat(6.1);
    ck_assert_int_eq(smpsim_design_dots(d, &x, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_dots(back, &y, NULL), SMPSIM_OK);
    ck_assert_uint_gt(x->count, 1000);
    ck_assert_uint_eq(smpsim_dots_checksum(x), smpsim_dots_checksum(y));
    ck_assert_str_eq(smpsim_design_get_name(back), "round \"trip\" \xc3\xa9");
    ck_assert_double_eq(smpsim_design_get_view(back)->rotation_deg, 1.0 / 3.0);
    (void)flat;
    smpsim_dots_free(x);
    smpsim_dots_free(y);
    free(a);
    free(b);
    smpsim_design_free(d);
    smpsim_design_free(back);
}
END_TEST

START_TEST(test_save_and_load_files)
{
    char dir[] = "/tmp/smpsim-design-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/d.json", dir);
    smpsim_design *d = full_design(), *back = NULL;
    ck_assert_int_eq(smpsim_design_save(d, path, NULL), SMPSIM_OK);
    smpsim_error err = {0};
    ck_assert_msg(smpsim_design_load(path, NULL, &back, &err) == SMPSIM_OK, "%s", err.message);
    ck_assert_uint_eq(smpsim_design_region_count(back), 4);
    /* errors name the file */
    smpsim_design_free(back);
    back = (smpsim_design *)1;
    snprintf(path, sizeof path, "%s/missing.json", dir);
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_design_load(path, NULL, &back, &err), SMPSIM_EIO);
    ck_assert_ptr_null(back);
    ck_assert_ptr_nonnull(strstr(err.message, "missing.json"));
    /* a mask made in memory cannot be saved */
    smpsim_image *mask = NULL;
    ck_assert_int_eq(smpsim_image_new(4, 4, SMPSIM_RGBA8, &mask, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_add_mask(d, mask, NULL, NULL), SMPSIM_OK);
    snprintf(path, sizeof path, "%s/mask.json", dir);
    ck_assert_int_eq(smpsim_design_save(d, path, NULL), SMPSIM_EUNSUPPORTED);
    ck_assert_int_ne(access(path, F_OK), 0);
    smpsim_image_free(mask);
    smpsim_design_free(d);
    snprintf(path, sizeof path, "%s/d.json", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

#define HEAD "{\"format_version\": 1, "
#define SQUARE "{\"type\": \"polygon\", \"points_mm\": [[0,0],[10,0],[10,10]]}"

static const struct {
    const char *json;
    smpsim_status status;
    const char *where; /* must appear in the message */
} malformed[] = {
    {"", SMPSIM_EFORMAT, "line 1"},
    {"[1, 2", SMPSIM_EFORMAT, "line 1"},
    {"42", SMPSIM_EFORMAT, "line 1, column 2"},
    {"[1, 2]", SMPSIM_EFORMAT, "(top level): expected an object, found an array"},
    {"{}", SMPSIM_EFORMAT, "format_version"},
    {"{\"format_version\": 2, \"regions\": []}", SMPSIM_EUNSUPPORTED, "format_version is 2"},
    {"{\"format_version\": \"1\"}", SMPSIM_EFORMAT, "format_version"},
    {HEAD "\"regions\": [" SQUARE "], \"colour\": 3}", SMPSIM_EFORMAT, "colour: unknown key"},
    {HEAD "\"seed\": 1}", SMPSIM_EFORMAT, "regions: missing"},
    /* issue 19: 0 in a file is out of range, not "the default"; no regions */
    {HEAD "\"regions\": []}", SMPSIM_EFORMAT, "regions: the list is empty"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0],[1,1]], "
          "\"density_per_cm2\": 0}]}",
     SMPSIM_EFORMAT, "regions[0].density_per_cm2: is 0, expected 0.01 to 1000"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0],[1,1]], "
          "\"density_per_cm2\": 1e-400}]}",
     SMPSIM_EFORMAT, "regions[0].density_per_cm2: reads as 0"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0],[1,1]], "
          "\"dot_diameter_mm\": 0.0}]}",
     SMPSIM_EFORMAT, "regions[0].dot_diameter_mm: reads as 0, expected 0.01 to 3"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0],[1,1]], "
          "\"shade\": 0}]}",
     SMPSIM_EFORMAT, "regions[0].shade: is 0"},
    {HEAD "\"regions\": [{\"type\": \"points\", \"points_mm\": [[0,0]], \"diameter_mm\": 0}]}",
     SMPSIM_EFORMAT, "regions[0].diameter_mm: is 0, expected a positive number"},
    {HEAD "\"regions\": {}}", SMPSIM_EFORMAT, "regions: expected a list"},
    {HEAD "\"regions\": [3]}", SMPSIM_EFORMAT, "regions[0]: expected an object"},
    {HEAD "\"regions\": [{\"points_mm\": [[0,0],[1,0],[1,1]]}]}", SMPSIM_EFORMAT,
     "regions[0]: missing type"},
    {HEAD "\"regions\": [{\"type\": \"circle\"}]}", SMPSIM_EFORMAT,
     "regions[0].type: 'circle' is not one of"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,\"a\"],[2,2]]}]}",
     SMPSIM_EFORMAT, "regions[0].points_mm[1][1]: expected a number"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,1]]}]}", SMPSIM_EFORMAT,
     "regions[0].points_mm: 2 points, at least 3"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0,5],[1,1]]}]}",
     SMPSIM_EFORMAT, "regions[0].points_mm[1]: expected [x, y]"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0],[1,1]], "
          "\"points_px\": [[0,0],[1,0],[1,1]]}]}",
     SMPSIM_EFORMAT, "regions[0].points_px: give points_mm or points_px"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0],[1,1]], "
          "\"densty_per_cm2\": 80}]}",
     SMPSIM_EFORMAT, "regions[0].densty_per_cm2: unknown key"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0],[1,1]], "
          "\"shade\": 12}]}",
     SMPSIM_EFORMAT, "regions[0]: region 0: shade is 12"},
    {HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": [[0,0],[1,0],[1,1]], "
          "\"sessions\": [0]}]}",
     SMPSIM_EFORMAT, "regions[0].sessions[0]: expected a session number"},
    {HEAD "\"regions\": [{\"type\": \"ellipse\", \"center_mm\": [0,0]}]}", SMPSIM_EFORMAT,
     "regions[0]: missing radii_mm"},
    {HEAD "\"regions\": [{\"type\": \"ellipse\", \"center_mm\": [0,0], \"radii_mm\": [5,-2]}]}",
     SMPSIM_EFORMAT, "regions[0]: region 0: ellipse radii"},
    {HEAD "\"regions\": [{\"type\": \"line\", \"points_mm\": [[0,0],[9,9]]}]}", SMPSIM_EFORMAT,
     "regions[0]: missing width_mm"},
    {HEAD "\"regions\": [{\"type\": \"mask\", \"png\": \"/nonexistent/mask.png\"}]}", SMPSIM_EIO,
     "regions[0]: /nonexistent/mask.png"},
    {HEAD "\"regions\": [" SQUARE "], \"view\": {\"kind\": \"flat\", \"px_per_mm\": -2}}",
     SMPSIM_EFORMAT, "view: view: px_per_mm is -2"},
    {HEAD "\"regions\": [" SQUARE "], \"view\": {\"kind\": \"fisheye\"}}", SMPSIM_EFORMAT,
     "view.kind: 'fisheye' is not one of"},
    {HEAD "\"regions\": [" SQUARE "], \"hairline\": {}}", SMPSIM_EFORMAT,
     "hairline: give exactly one of"},
    {HEAD "\"regions\": [" SQUARE "], \"hairline\": {\"points_mm\": [[0,0]]}}", SMPSIM_EFORMAT,
     "hairline.points_mm: 1 points"},
    {HEAD "\"regions\": [" SQUARE "], \"hairline\": {\"landmarks\": {\"mid_frontal\": 80}}}",
     SMPSIM_EFORMAT, "hairline.landmarks.mid_frontal: unknown key"},
    {HEAD "\"regions\": [" SQUARE "], \"hairline\": {\"svg_path_px\": \"M 0 0 Q 5\"}}",
     SMPSIM_EFORMAT, "hairline.svg_path_px: svg path: at byte"},
    {HEAD "\"regions\": [" SQUARE "], \"sessions\": [{\"density_fraction\": 0.5}]}",
     SMPSIM_EFORMAT, "sessions: sessions: the last density_fraction is 0.5"},
    {HEAD "\"regions\": [" SQUARE "], \"sessions\": [{\"shade_offset\": 1}]}", SMPSIM_EFORMAT,
     "sessions[0]: missing density_fraction"},
    {HEAD "\"regions\": [" SQUARE "], \"dots\": {\"mode\": \"slow\"}}", SMPSIM_EFORMAT,
     "dots.mode: 'slow' is not one of"},
    {HEAD "\"regions\": [" SQUARE "], \"dots\": {\"group_share\": [1, 2]}}", SMPSIM_EFORMAT,
     "dots.group_share: expected 4 numbers"},
    {HEAD "\"regions\": [" SQUARE "], \"seed\": -4}", SMPSIM_EFORMAT, "seed: expected a whole"},
    {HEAD "\"regions\": [" SQUARE "], \"hair_shade\": 40}", SMPSIM_EFORMAT, "hair_shade: hair shade"},
    {HEAD "\"regions\": [" SQUARE "], \"name\": 5}", SMPSIM_EFORMAT, "name: expected a string"},
    {HEAD "\"regions\": [" SQUARE "], \"seed\": 1, \"seed\": 2}", SMPSIM_EFORMAT, "duplicate"},
};

START_TEST(test_malformed_files_name_the_path)
{
    size_t n = sizeof malformed / sizeof *malformed;
    ck_assert_uint_ge(n, 20);
    for (size_t i = 0; i < n; i++) {
        smpsim_design *d = (smpsim_design *)1;
        smpsim_error err = {0};
        smpsim_status st = smpsim_design_load_string(malformed[i].json, NULL, NULL, &d, &err);
        ck_assert_msg(st == malformed[i].status, "case %zu: status %d, want %d (%s)", i, (int)st,
                      (int)malformed[i].status, err.message);
        ck_assert_ptr_null(d);
        ck_assert_msg(strstr(err.message, malformed[i].where), "case %zu: '%s' lacks '%s'", i,
                      err.message, malformed[i].where);
    }
}
END_TEST

START_TEST(test_limits)
{
    smpsim_design_load_options o;
    smpsim_design_load_options_init(&o);
    o.max_points = 3;
    smpsim_design *d = NULL;
    smpsim_error err = {0};
    const char *four = HEAD "\"regions\": [{\"type\": \"polygon\", \"points_mm\": "
                            "[[0,0],[1,0],[1,1],[0,1]]}]}";
    ck_assert_int_eq(smpsim_design_load_string(four, NULL, &o, &d, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "limit of 3"));
    o.max_points = 0;
    o.max_file_bytes = 10;
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_design_load_string(four, NULL, &o, &d, &err), SMPSIM_ELIMIT);
    /* deep nesting is refused by the parser, not by a crash */
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    ck_assert_int_eq(smpsim_design_load_string(deep, NULL, NULL, &d, NULL), SMPSIM_EFORMAT);
    free(deep);
}
END_TEST

static Suite *designfile_suite(void)
{
    Suite *s = suite_create("designfile");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_round_trip_is_exact);
    tcase_add_test(tc, test_save_and_load_files);
    tcase_add_test(tc, test_malformed_files_name_the_path);
    tcase_add_test(tc, test_limits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(designfile_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
