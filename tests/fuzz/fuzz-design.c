/* Fuzz target: design files (JSON) through smpsim_design_load_string().
 *
 * The input bytes (up to the first NUL) are the design text, loaded with
 * tight limits (FUZZ_MAX_REGIONS regions, FUZZ_MAX_POINTS points per list).
 * Whatever they are, loading must return a status without crashing,
 * leaking or reading memory it does not own, and:
 * - a failure leaves *out NULL, is EFORMAT, ELIMIT, EUNSUPPORTED or
 *   ENOMEM (EIO only for a mask file that does not exist) and has a
 *   message;
 * - a design that loads can be written as JSON, and loading that JSON
 *   and writing it again gives the same bytes (docs/design-format.md:
 *   "saving a loaded file gives the same bytes");
 * - smpsim_design_check() succeeds with well-formed warnings;
 * - with a work budget and a dot cap (no input is skipped),
 *   smpsim_design_field() and smpsim_design_dots() succeed or fail cleanly
 *   with ELIMIT/ENOMEM, and the dots are finite, in range, near the field
 *   and deterministic.
 *
 * Mask regions load a PNG file named by the design. So that an input can
 * never make the target read an arbitrary file, relative paths resolve in
 * a private temporary directory holding two small masks, mask.png (8-bit)
 * and mask16.png (16-bit), and an input naming any other kind of path (a
 * "png" value that is not a plain file name) is skipped before loading. */
#include "fuzz-common.h"
#include "sampling/sampling-private.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_MAX_REGIONS 20
#define FUZZ_MAX_POINTS 2000
#define FUZZ_MAX_WORK 10000000     /* the geometry's work budget (dot options) */
#define MAX_DOTS_FAST 50000        /* the dot cap, fast sampler */
#define MAX_DOTS_BEST 20000        /* ... best sampler (about 100 000 dots/s) */
#define DETERMINISM_MAX_DOTS 5000  /* dots made twice and compared below this */

/* ---- the mask directory -------------------------------------------------- */

static char mask_dir[64];
static char mask_files[2][96];

static void remove_mask_dir(void)
{
    for (int k = 0; k < 2; k++)
        if (mask_files[k][0])
            remove(mask_files[k]);
    if (mask_dir[0])
        rmdir(mask_dir);
}

static void write_mask(int k, const char *name, smpsim_pixel_format format)
{
    smpsim_image *m = NULL;
    FUZZ_REQUIRE(smpsim_image_new(24, 16, format, &m, NULL) == SMPSIM_OK);
    for (uint32_t y = 0; y < m->height; y++)
        for (uint32_t x = 0; x < m->width; x++) {
            unsigned v = (x * 11 + y * 7) % 256; /* every shade of a soft edge */
            if (format == SMPSIM_RGBA8) {
                uint8_t *p = (uint8_t *)m->pixels + y * m->stride + 4 * x;
                p[0] = p[1] = p[2] = (uint8_t)v;
            } else {
                uint16_t *p = (uint16_t *)(void *)((uint8_t *)m->pixels + y * m->stride) + 4 * x;
                p[0] = p[1] = p[2] = (uint16_t)(v * 257);
            }
        }
    snprintf(mask_files[k], sizeof mask_files[k], "%s/%s", mask_dir, name);
    FUZZ_REQUIRE(smpsim_image_save_png(m, mask_files[k], NULL, NULL) == SMPSIM_OK);
    smpsim_image_free(m);
}

static const char *masks_base_dir(void)
{
    if (mask_dir[0])
        return mask_dir;
    snprintf(mask_dir, sizeof mask_dir, "/tmp/smpsim-fuzz-design-XXXXXX");
    FUZZ_REQUIRE(mkdtemp(mask_dir) != NULL);
    atexit(remove_mask_dir);
    write_mask(0, "mask.png", SMPSIM_RGBA8);
    write_mask(1, "mask16.png", SMPSIM_RGBA16);
    return mask_dir;
}

/* A plain file name: it can only name a file in the mask directory. */
static int plain_name(const char *s)
{
    if (s[0] == '\0' || s[0] == '.' || strlen(s) > 64)
        return 0;
    for (const char *c = s; *c; c++)
        if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') || ('0' <= *c && *c <= '9') ||
              *c == '.' || *c == '_' || *c == '-'))
            return 0;
    return 1;
}

/* Whether every "png" value anywhere in the document is a plain file name
 * (keys are compared after JSON unescaping, as the loader does). */
static int masks_safe(const json_t *v, int depth)
{
    if (depth > 64)
        return 0;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (!masks_safe(json_array_get(v, i), depth + 1))
                return 0;
    } else if (json_is_object(v)) {
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)v, key, value)
        {
            if (strcmp(key, "png") == 0 && json_is_string(value) &&
                !plain_name(json_string_value(value)))
                return 0;
            if (!masks_safe(value, depth + 1))
                return 0;
        }
    }
    return 1;
}

static int input_safe(const char *text)
{
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root)
        return 1; /* the loader (stricter: no duplicate keys) fails to parse it too */
    int ok = masks_safe(root, 0);
    json_decref(root);
    return ok;
}

/* ---- checks ---------------------------------------------------------------- */

static void check_failure(smpsim_status status, const smpsim_design *design,
                          const smpsim_error *err)
{
    FUZZ_REQUIRE(design == NULL);
    FUZZ_REQUIRE(status == SMPSIM_EFORMAT || status == SMPSIM_ELIMIT ||
                 status == SMPSIM_EUNSUPPORTED || status == SMPSIM_ENOMEM ||
                 status == SMPSIM_EIO);
    FUZZ_REQUIRE(err->status == status);
    FUZZ_REQUIRE(memchr(err->message, '\0', sizeof err->message) != NULL);
    FUZZ_REQUIRE(err->message[0] != '\0');
}

static smpsim_status load(const char *text, const char *base_dir, smpsim_design **out,
                          smpsim_error *err)
{
    smpsim_design_load_options opts;
    smpsim_design_load_options_init(&opts);
    opts.max_regions = FUZZ_MAX_REGIONS;
    opts.max_points = FUZZ_MAX_POINTS;
    smpsim_error_clear(err);
    *out = (smpsim_design *)err; /* must be overwritten */
    smpsim_status status = smpsim_design_load_string(text, base_dir, &opts, out, err);
    if (status != SMPSIM_OK) {
        check_failure(status, *out, err);
        return status;
    }
    FUZZ_REQUIRE(*out != NULL && err->status == SMPSIM_OK);
    size_t n = smpsim_design_region_count(*out);
    FUZZ_REQUIRE(n >= 1 && n <= FUZZ_MAX_REGIONS);
    return status;
}

static void check_warnings(const smpsim_design *design)
{
    smpsim_warning *w = (smpsim_warning *)1;
    size_t n = 12345;
    smpsim_error err = {SMPSIM_OK, ""};
    FUZZ_REQUIRE(smpsim_design_check(design, &w, &n, &err) == SMPSIM_OK);
    FUZZ_REQUIRE(n <= 64 && (n == 0 || w != NULL));
    for (size_t i = 0; i < n; i++) {
        FUZZ_REQUIRE(w[i].code >= SMPSIM_WARN_HAIRLINE_LOW && w[i].code <= SMPSIM_WARN_DOTS_MERGE);
        FUZZ_REQUIRE(memchr(w[i].message, '\0', sizeof w[i].message) != NULL);
        FUZZ_REQUIRE(w[i].message[0] != '\0');
    }
    free(w);
}

static void check_dots(const smpsim_design *design, const smpsim_dots *dots,
                       const smpsim_field *field, const smpsim_dot_options *o)
{
    size_t n_sessions;
    smpsim_design_sessions(design, &n_sessions);
    size_t n_regions = smpsim_design_region_count(design);
    /* Dots lie near the field: groups spread them by up to a few group
     * distances, and keep_inside() moves them back onto outlines. */
    double slack = 1.0 + 4.0 * o->group_max_mm;
    double x0 = field->origin_x_mm - slack, y0 = field->origin_y_mm - slack;
    double x1 = field->origin_x_mm + field->width * field->cell_mm + slack;
    double y1 = field->origin_y_mm + field->height * field->cell_mm + slack;
    FUZZ_REQUIRE(dots->count <= dots->capacity || dots->count == 0);
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        FUZZ_REQUIRE(isfinite(d->x_mm) && isfinite(d->y_mm));
        FUZZ_REQUIRE(d->x_mm >= x0 && d->x_mm <= x1 && d->y_mm >= y0 && d->y_mm <= y1);
        FUZZ_REQUIRE(isfinite(d->diameter_mm) && d->diameter_mm > 0.0f && d->diameter_mm <= 6.8f);
        FUZZ_REQUIRE(d->shade >= 1.0f && d->shade <= 10.0f);
        FUZZ_REQUIRE(d->session >= 1 && d->session <= n_sessions);
        FUZZ_REQUIRE(d->region >= 1 && d->region <= n_regions);
        FUZZ_REQUIRE(o->groups ? d->group >= 1 : d->group == 0);
    }
}

static void check_design_dots(smpsim_design *design)
{
    /* No input is skipped: the library's own limits (the geometry's work
     * budget, which also counts the field's cells, and the dot cap) keep
     * every call short, and a call beyond them fails cleanly. */
    smpsim_dot_options o = *smpsim__design_dot_options(design);
    o.max_work = FUZZ_MAX_WORK;
    o.max_dots = o.mode == SMPSIM_SAMPLE_BEST ? MAX_DOTS_BEST : MAX_DOTS_FAST;
    smpsim_error err = {SMPSIM_OK, ""};
    FUZZ_REQUIRE(smpsim_design_set_dot_options(design, &o, &err) == SMPSIM_OK);
    smpsim_field *field = NULL;
    smpsim_status st = smpsim_design_field(design, 0.0, &field, &err);
    if (st != SMPSIM_OK) {
        FUZZ_REQUIRE(field == NULL);
        FUZZ_REQUIRE(st == SMPSIM_ELIMIT || st == SMPSIM_ENOMEM);
        FUZZ_REQUIRE(err.message[0] != '\0');
        return;
    }
    FUZZ_REQUIRE((double)field->width * field->height <= FUZZ_MAX_WORK);
    double expected = smpsim_field_expected_count(field);
    FUZZ_REQUIRE(expected >= 0.0 && isfinite(expected));
    /* A tighter cap the sampler must honour (ELIMIT): generous for the fast
     * mode's count, which is only within a few per cent of the expected
     * one. Beyond the cap the call below must refuse. */
    if (expected <= (double)o.max_dots)
        o.max_dots = (size_t)(2.0 * expected) + 100;
    FUZZ_REQUIRE(smpsim_design_set_dot_options(design, &o, &err) == SMPSIM_OK);
    smpsim_dots *dots = (smpsim_dots *)&err;
    st = smpsim_design_dots(design, &dots, &err);
    if (st != SMPSIM_OK) {
        FUZZ_REQUIRE(dots == NULL);
        FUZZ_REQUIRE(st == SMPSIM_ELIMIT || st == SMPSIM_ENOMEM);
        FUZZ_REQUIRE(err.status == st && err.message[0] != '\0');
        smpsim_field_free(field);
        return;
    }
    FUZZ_REQUIRE(dots != NULL);
    size_t centres_cap = o.groups ? 4 * o.max_dots : o.max_dots;
    FUZZ_REQUIRE(dots->count <= centres_cap);
    check_dots(design, dots, field, smpsim__design_dot_options(design));
    if (dots->count <= DETERMINISM_MAX_DOTS) {
        smpsim_dots *again = NULL;
        FUZZ_REQUIRE(smpsim_design_dots(design, &again, &err) == SMPSIM_OK);
        FUZZ_REQUIRE(again->count == dots->count);
        FUZZ_REQUIRE(smpsim_dots_checksum(again) == smpsim_dots_checksum(dots));
        smpsim_dots_free(again);
    }
    smpsim_dots_free(dots);
    smpsim_field_free(field);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    FUZZ_REQUIRE(text != NULL);
    if (size > 0)
        memcpy(text, data, size);
    text[size] = '\0';
    const char *base_dir = masks_base_dir();
    if (!input_safe(text)) {
        free(text);
        return 0;
    }

    smpsim_design *design;
    smpsim_error err;
    if (load(text, base_dir, &design, &err) != SMPSIM_OK) {
        free(text);
        return 0;
    }

    /* Round trip: JSON -> design -> JSON gives the same bytes. */
    char *json = (char *)&err;
    FUZZ_REQUIRE(smpsim_design_to_json(design, &json, &err) == SMPSIM_OK);
    FUZZ_REQUIRE(json != NULL && json[0] == '{');
    smpsim_design *again;
    smpsim_status st = load(json, base_dir, &again, &err);
    if (st != SMPSIM_OK)
        fprintf(stderr, "reloading the written design failed: %s\n%s", err.message, json);
    FUZZ_REQUIRE(st == SMPSIM_OK);
    char *json2 = NULL;
    FUZZ_REQUIRE(smpsim_design_to_json(again, &json2, &err) == SMPSIM_OK);
    if (strcmp(json, json2) != 0)
        fprintf(stderr, "first:\n%s\nsecond:\n%s", json, json2);
    FUZZ_REQUIRE(strcmp(json, json2) == 0);
    free(json2);
    smpsim_design_free(again);
    free(json);

    check_warnings(design);
    check_design_dots(design);
    smpsim_design_free(design);
    free(text);
    return 0;
}
