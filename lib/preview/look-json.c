/* A look as JSON: the text of a preview's smpsim:render chunk
 * (docs/outputs.md). Numbers at their default are written as null. */
#include "preview/preview-private.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

/* A number, or null for 0 (the library's default). */
static json_t *number_or_null(double v)
{
    return v != 0.0 ? json_real(v) : json_null();
}

/* camera_blur_px: null for the default, 0 for none (SMPSIM_CAMERA_SHARP),
 * "auto" to measure it from the photo. */
static json_t *camera_blur_json(double camera_blur_px)
{
    if (camera_blur_px == SMPSIM_CAMERA_BLUR_AUTO)
        return json_string("auto");
    return camera_blur_px == SMPSIM_CAMERA_SHARP ? json_integer(0)
                                                 : number_or_null(camera_blur_px);
}

static json_t *point_or_null(int have, const double xy[2])
{
    return have ? json_pack("[ff]", xy[0], xy[1]) : json_null();
}

smpsim_status smpsim_look_to_json(const smpsim_look *look, char **out, smpsim_error *err)
{
    if (out)
        *out = NULL;
    if (!look || !out)
        return smpsim__fail(err, SMPSIM_EINVAL, "look_to_json: %s is NULL",
                            !look ? "look" : "out");
    smpsim_status st = smpsim_look_validate(look, err);
    if (st != SMPSIM_OK)
        return st;
    const smpsim_render_options *o = &look->render;
    json_t *root = json_pack(
        "{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "state",
        smpsim__state_names[o->state], "years", number_or_null(o->years), "uv",
        smpsim__uv_names[o->uv_exposure], "depth_mm", number_or_null(o->depth_mm), "blowout_mm",
        number_or_null(o->blowout_depth_mm), "session",
        o->session ? json_integer(o->session) : json_null(), "earlier_years",
        number_or_null(o->earlier_years), "camera_blur_px", camera_blur_json(o->camera_blur_px),
        "distance_m", number_or_null(look->distance_m), "skin",
        point_or_null(look->have_skin, look->skin_xy), "hair",
        point_or_null(look->have_hair, look->hair_xy), "auto_shade", look->auto_shade != 0,
        "guides", look->guides != 0);
    /* written only when not the default: earlier previews read the same */
    if (root && look->masks == SMPSIM_MASKS_NONE)
        json_object_set_new(root, "masks", json_string("none"));
    if (root && look->skin_mask_png[0])
        json_object_set_new(root, "skin_mask", json_string(look->skin_mask_png));
    if (root && look->hair_mask_png[0])
        json_object_set_new(root, "hair_mask", json_string(look->hair_mask_png));
    *out = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    return *out ? SMPSIM_OK : smpsim__fail(err, SMPSIM_ENOMEM, "look_to_json: out of memory");
}

static int index_of(const char *name, const char *const *names, int n)
{
    for (int k = 0; name && k < n; k++)
        if (strcmp(name, names[k]) == 0)
            return k;
    return -1;
}

static int set_point(json_t *v, int *have, double xy[2])
{
    *have = !json_is_null(v);
    if (json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_number(json_array_get(v, 0)) ||
        !json_is_number(json_array_get(v, 1)))
        return -1;
    xy[0] = json_number_value(json_array_get(v, 0));
    xy[1] = json_number_value(json_array_get(v, 1));
    return isfinite(xy[0]) && isfinite(xy[1]) ? 0 : -1;
}

/* camera_blur_px: null (the default), 0 (none), "auto" or 0.1..8. */
static int set_camera_blur(json_t *v, double *blur)
{
    if (json_is_null(v))
        return *blur = 0.0, 0;
    if (json_is_string(v))
        return strcmp(json_string_value(v), "auto") == 0 ? (*blur = SMPSIM_CAMERA_BLUR_AUTO, 0)
                                                         : -1;
    double x = json_is_number(v) ? json_number_value(v) : -1.0;
    if (!(x == 0.0 || (x >= 0.1 && x <= 8.0)))
        return -1;
    *blur = x == 0.0 ? SMPSIM_CAMERA_SHARP : x;
    return 0;
}

/* A number of smpsim__look_numbers: null is the default (0). */
static int set_number(json_t *v, const smpsim__look_number *n, smpsim_look *look)
{
    double x = 0.0;
    if (!json_is_null(v)) {
        if (!json_is_number(v))
            return -1;
        x = json_number_value(v);
        if (!(x >= n->lo && x <= n->hi))
            return -1;
    }
    memcpy((char *)look + n->offset, &x, sizeof x);
    return 0;
}

/* One key: 0 stored, -1 bad value, -2 unknown key. */
static int set_key(const char *key, json_t *v, smpsim_look *look)
{
    smpsim_render_options *o = &look->render;
    if (strcmp(key, "state") == 0) {
        int s = index_of(json_string_value(v), smpsim__state_names, 4);
        return s < 0 ? -1 : (o->state = s, 0);
    }
    if (strcmp(key, "uv") == 0) {
        int u = index_of(json_string_value(v), smpsim__uv_names, 3);
        return u < 0 ? -1 : (o->uv_exposure = u, 0);
    }
    if (strcmp(key, "session") == 0) {
        if (json_is_null(v))
            return o->session = 0, 0;
        double x = json_is_number(v) ? json_number_value(v) : 0.0;
        return x >= 1 && x <= 1000 && x == floor(x) ? (o->session = (unsigned)x, 0) : -1;
    }
    if (strcmp(key, "auto_shade") == 0 || strcmp(key, "guides") == 0) {
        if (!json_is_boolean(v))
            return -1;
        *(key[0] == 'g' ? &look->guides : &look->auto_shade) = json_is_true(v);
        return 0;
    }
    if (strcmp(key, "masks") == 0) {
        const char *m = json_string_value(v);
        if (!m || (strcmp(m, "none") != 0 && strcmp(m, "auto") != 0))
            return -1;
        look->masks = m[0] == 'n' ? SMPSIM_MASKS_NONE : 0;
        return 0;
    }
    if (strcmp(key, "skin_mask") == 0 || strcmp(key, "hair_mask") == 0) {
        char *dst = key[0] == 's' ? look->skin_mask_png : look->hair_mask_png;
        const char *path = json_is_null(v) ? "" : json_string_value(v);
        if (!path || strlen(path) >= sizeof look->skin_mask_png)
            return -1;
        strcpy(dst, path);
        return 0;
    }
    if (strcmp(key, "skin") == 0)
        return set_point(v, &look->have_skin, look->skin_xy);
    if (strcmp(key, "hair") == 0)
        return set_point(v, &look->have_hair, look->hair_xy);
    if (strcmp(key, "camera_blur_px") == 0)
        return set_camera_blur(v, &o->camera_blur_px);
    for (size_t k = 0; k < smpsim__n_look_numbers; k++)
        if (strcmp(key, smpsim__look_numbers[k].key) == 0)
            return set_number(v, &smpsim__look_numbers[k], look);
    return -2;
}

smpsim_status smpsim_look_from_json(const char *json, smpsim_look *look, smpsim_error *err)
{
    if (!json || !look)
        return smpsim__fail(err, SMPSIM_EINVAL, "look_from_json: %s is NULL",
                            !json ? "the text" : "look");
    json_error_t je;
    json_t *root = json_loads(json, 0, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return smpsim__fail(err, SMPSIM_EFORMAT, "smpsim:render: not a JSON object");
    }
    smpsim_look got;
    smpsim_look_init(&got);
    smpsim__copy_options(&got, sizeof got, look);
    smpsim_status st = SMPSIM_OK;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        int r = set_key(key, v, &got);
        if (r == -2)
            st = smpsim__fail(err, SMPSIM_EFORMAT,
                              "smpsim:render: unknown setting \"%.60s\" (a preview from a newer "
                              "smpsim?)",
                              key);
        else if (r < 0)
            st = smpsim__fail(err, SMPSIM_EFORMAT,
                              "smpsim:render: \"%s\" has a value out of its range", key);
        if (st != SMPSIM_OK)
            break;
    }
    json_decref(root);
    if (st == SMPSIM_OK)
        smpsim__copy_options(look, look->struct_size, &got);
    return st;
}
