/* Design files: JSON through jansson (docs/design-format.md).
 *
 * The reader walks the document with a JSON path ("regions[2].points_mm[3]")
 * so every message says where the problem is, and checks every object's
 * keys against the ones it knows: a misspelt key is an error, not a
 * silently ignored setting. The writer emits the same keys in a fixed order
 * with reals printed exactly (17 significant digits), so saving a loaded
 * file again gives the same bytes. */
#include "io/io-private.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define FORMAT_VERSION 1
#define DEFAULT_MAX_FILE_BYTES (UINT64_C(16) << 20)
#define DEFAULT_MAX_REGIONS 1000
#define DEFAULT_MAX_POINTS 100000
#define PATH_MAX_LEN 256

/* ---- reading ------------------------------------------------------------ */

typedef struct reader {
    const char *file; /* for messages */
    const char *base_dir;
    smpsim_design_load_options o;
    smpsim_design *design;
    smpsim_error *err;
} reader;

static smpsim_status bad(reader *r, const char *path, const char *fmt, ...) SMPSIM_PRINTF(3, 4);
static smpsim_status bad(reader *r, const char *path, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return smpsim__fail(r->err, SMPSIM_EFORMAT, "%s: %s: %s", r->file, path, what);
}

/* Re-labels an error from the library with the JSON path of its source. */
static smpsim_status relabel(reader *r, const char *path, smpsim_status st, smpsim_error *inner)
{
    if (st == SMPSIM_OK)
        return st;
    return smpsim__fail(r->err, st == SMPSIM_EINVAL ? SMPSIM_EFORMAT : st, "%s: %s: %s", r->file,
                        path, inner->message);
}

/* JSON paths are cut at PATH_MAX_LEN - 1 characters (only in messages). */
static void join(char *out, const char *path, const char *key)
{
    if (snprintf(out, PATH_MAX_LEN, "%s%s%s", path, *path ? "." : "", key) >= PATH_MAX_LEN)
        out[PATH_MAX_LEN - 1] = '\0';
}

static void index_path(char *out, const char *path, size_t i)
{
    if (snprintf(out, PATH_MAX_LEN, "%s[%zu]", path, i) >= PATH_MAX_LEN)
        out[PATH_MAX_LEN - 1] = '\0';
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "true or false";
    default:
        return "null";
    }
}

/* Every key of obj must be one of `known` (NULL-terminated). */
static smpsim_status check_keys(reader *r, const json_t *obj, const char *path,
                                const char *const *known)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        bool ok = false;
        for (size_t k = 0; known[k] && !ok; k++)
            ok = strcmp(key, known[k]) == 0;
        if (!ok) {
            char p[PATH_MAX_LEN];
            join(p, path, key);
            return bad(r, p, "unknown key");
        }
    }
    return SMPSIM_OK;
}

static smpsim_status get_object(reader *r, const json_t *v, const char *path)
{
    if (!json_is_object(v))
        return bad(r, path, "expected an object, found %s", type_name(v));
    return SMPSIM_OK;
}

/* Optional number: leaves *out alone if the key is absent. */
static smpsim_status opt_number(reader *r, const json_t *obj, const char *path, const char *key,
                                double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return SMPSIM_OK;
    char p[PATH_MAX_LEN];
    join(p, path, key);
    if (!json_is_number(v))
        return bad(r, p, "expected a number, found %s", type_name(v));
    *out = json_number_value(v);
    return SMPSIM_OK;
}

static smpsim_status opt_bool(reader *r, const json_t *obj, const char *path, const char *key,
                              int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return SMPSIM_OK;
    char p[PATH_MAX_LEN];
    join(p, path, key);
    if (!json_is_boolean(v))
        return bad(r, p, "expected true or false, found %s", type_name(v));
    *out = json_is_true(v);
    return SMPSIM_OK;
}

static smpsim_status opt_string(reader *r, const json_t *obj, const char *path, const char *key,
                                const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return SMPSIM_OK;
    char p[PATH_MAX_LEN];
    join(p, path, key);
    if (!json_is_string(v))
        return bad(r, p, "expected a string, found %s", type_name(v));
    *out = json_string_value(v);
    return SMPSIM_OK;
}

/* A string that must be one of `names`; *out gets its index. */
static smpsim_status opt_choice(reader *r, const json_t *obj, const char *path, const char *key,
                                const char *const *names, int *out)
{
    const char *s = NULL;
    smpsim_status st = opt_string(r, obj, path, key, &s);
    if (st != SMPSIM_OK || !s)
        return st;
    for (int k = 0; names[k]; k++)
        if (strcmp(s, names[k]) == 0) {
            *out = k;
            return SMPSIM_OK;
        }
    char p[PATH_MAX_LEN], list[200] = "";
    join(p, path, key);
    for (int k = 0; names[k]; k++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'", k ? ", " : "",
                 names[k]);
    return bad(r, p, "'%s' is not one of %s", s, list);
}

/* [x, y] into xy. */
static smpsim_status pair(reader *r, const json_t *v, const char *path, double *xy)
{
    if (!json_is_array(v) || json_array_size(v) != 2)
        return bad(r, path, "expected [x, y], found %s", type_name(v));
    for (size_t k = 0; k < 2; k++) {
        json_t *n = json_array_get(v, k);
        if (!json_is_number(n)) {
            char p[PATH_MAX_LEN];
            index_path(p, path, k);
            return bad(r, p, "expected a number, found %s", type_name(n));
        }
        xy[k] = json_number_value(n);
    }
    return SMPSIM_OK;
}

/* [[x, y], ...] into a new array (free with free()). */
static smpsim_status point_list(reader *r, const json_t *v, const char *path, size_t min_n,
                                double **xy, size_t *n)
{
    *xy = NULL;
    if (!json_is_array(v))
        return bad(r, path, "expected a list of [x, y] points, found %s", type_name(v));
    *n = json_array_size(v);
    if (*n < min_n)
        return bad(r, path, "%zu points, at least %zu needed", *n, min_n);
    if (*n > r->o.max_points)
        return smpsim__fail(r->err, SMPSIM_ELIMIT, "%s: %s: %zu points, above the limit of %zu",
                            r->file, path, *n, r->o.max_points);
    *xy = malloc(2 * *n * sizeof **xy + 1);
    if (!*xy)
        return smpsim__fail(r->err, SMPSIM_ENOMEM, "%s: %s: out of memory", r->file, path);
    for (size_t i = 0; i < *n; i++) {
        char p[PATH_MAX_LEN];
        index_path(p, path, i);
        smpsim_status st = pair(r, json_array_get(v, i), p, *xy + 2 * i);
        if (st != SMPSIM_OK) {
            free(*xy);
            *xy = NULL;
            return st;
        }
    }
    return SMPSIM_OK;
}

/* "NAME_mm" or "NAME_px": exactly one of them; *which tells the units. */
static smpsim_status unit_key(reader *r, const json_t *obj, const char *path, const char *name,
                              bool required, json_t **v, smpsim_units *units)
{
    char mm[64], px[64], p[PATH_MAX_LEN];
    snprintf(mm, sizeof mm, "%s_mm", name);
    snprintf(px, sizeof px, "%s_px", name);
    json_t *a = json_object_get(obj, mm), *b = json_object_get(obj, px);
    *v = a ? a : b;
    *units = a ? SMPSIM_UNITS_MM : SMPSIM_UNITS_PX;
    if (a && b) {
        join(p, path, px);
        return bad(r, p, "give %s or %s, not both", mm, px);
    }
    if (!*v && required)
        return bad(r, path, "missing %s (or %s)", mm, px);
    return SMPSIM_OK;
}

static smpsim_status read_view(reader *r, const json_t *v)
{
    static const char *const keys[] = {"kind", "px_per_mm", "rotation_deg", "offset_px", "camera",
                                       "center_px", "radii_px", "tilt_deg", "width_mm",
                                       "depth_ratio", "pitch_deg", "glabella_px", NULL};
    static const char *const kinds[] = {"flat", "head", NULL};
    static const char *const cameras[] = {"front", "top", NULL};
    smpsim_status st = get_object(r, v, "view");
    if (st == SMPSIM_OK)
        st = check_keys(r, v, "view", keys);
    int kind = 0, camera = 0;
    double offset[2] = {0, 0}, centre[2] = {0, 0}, radii[2] = {0, 0}, glabella[2] = {0, 0};
    smpsim_view view = smpsim_view_flat(6.5);
    smpsim_head head = {0};
    json_t *a;
    if (st == SMPSIM_OK)
        st = opt_choice(r, v, "view", "kind", kinds, &kind);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "view", "px_per_mm", &view.px_per_mm);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "view", "rotation_deg", &view.rotation_deg);
    if (st == SMPSIM_OK && (a = json_object_get(v, "offset_px")))
        st = pair(r, a, "view.offset_px", offset);
    if (st == SMPSIM_OK)
        st = opt_choice(r, v, "view", "camera", cameras, &camera);
    if (st == SMPSIM_OK && (a = json_object_get(v, "center_px")))
        st = pair(r, a, "view.center_px", centre);
    if (st == SMPSIM_OK && (a = json_object_get(v, "radii_px")))
        st = pair(r, a, "view.radii_px", radii);
    if (st == SMPSIM_OK && (a = json_object_get(v, "glabella_px")))
        st = pair(r, a, "view.glabella_px", glabella);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "view", "tilt_deg", &head.tilt_deg);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "view", "width_mm", &head.width_mm);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "view", "depth_ratio", &head.depth_ratio);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "view", "pitch_deg", &head.pitch_deg);
    if (st != SMPSIM_OK)
        return st;
    if (kind == 1) {
        head.center_x_px = centre[0], head.center_y_px = centre[1];
        head.radius_x_px = radii[0], head.radius_y_px = radii[1];
        head.camera = camera ? SMPSIM_CAMERA_TOP : SMPSIM_CAMERA_FRONT;
        head.glabella_x_px = glabella[0], head.glabella_y_px = glabella[1];
        view = smpsim_view_head(&head);
    } else {
        view.offset_x_px = offset[0];
        view.offset_y_px = offset[1];
    }
    smpsim_error inner = {0};
    return relabel(r, "view", smpsim_design_set_view(r->design, &view, &inner), &inner);
}

/* In the API a 0 parameter means "the default"; in a file a key given as
 * 0 (or a number so small it reads as 0, like 1e-400) is out of range. */
static smpsim_status not_zero(reader *r, const json_t *v, const char *path, const char *key,
                              double value, const char *range)
{
    if (value != 0.0 || !json_object_get(v, key))
        return SMPSIM_OK;
    char kp[PATH_MAX_LEN];
    join(kp, path, key);
    return bad(r, kp, "%s, expected %s",
               json_is_integer(json_object_get(v, key)) ? "is 0" : "reads as 0", range);
}

static smpsim_status read_params(reader *r, const json_t *v, const char *path,
                                 smpsim_region_params *p)
{
    smpsim_region_params_init(p);
    smpsim_status st = opt_number(r, v, path, "density_per_cm2", &p->density_per_cm2);
    if (st == SMPSIM_OK)
        st = not_zero(r, v, path, "density_per_cm2", p->density_per_cm2, "0.01 to 1000");
    if (st == SMPSIM_OK)
        st = opt_number(r, v, path, "dot_diameter_mm", &p->dot_diameter_mm);
    if (st == SMPSIM_OK)
        st = not_zero(r, v, path, "dot_diameter_mm", p->dot_diameter_mm, "0.01 to 3");
    if (st == SMPSIM_OK)
        st = opt_number(r, v, path, "shade", &p->shade);
    if (st == SMPSIM_OK)
        st = not_zero(r, v, path, "shade", p->shade, "1 to 10");
    if (st == SMPSIM_OK)
        st = opt_number(r, v, path, "feather_mm", &p->feather_mm);
    json_t *s = json_object_get(v, "sessions");
    if (st != SMPSIM_OK || !s)
        return st;
    char sp[PATH_MAX_LEN];
    join(sp, path, "sessions");
    if (!json_is_array(s) || json_array_size(s) == 0)
        return bad(r, sp, "expected a list of session numbers, found %s", type_name(s));
    for (size_t i = 0; i < json_array_size(s); i++) {
        json_t *n = json_array_get(s, i);
        char p2[PATH_MAX_LEN];
        index_path(p2, sp, i);
        if (!json_is_integer(n) || json_integer_value(n) < 1 ||
            json_integer_value(n) > SMPSIM_MAX_SESSIONS)
            return bad(r, p2, "expected a session number 1 to %d", SMPSIM_MAX_SESSIONS);
        p->sessions |= 1u << (json_integer_value(n) - 1);
    }
    return SMPSIM_OK;
}

static char *resolve_path(const reader *r, const char *rel)
{
    size_t n = strlen(rel) + (r->base_dir ? strlen(r->base_dir) : 0) + 2;
    char *out = malloc(n);
    if (!out)
        return NULL;
    if (rel[0] == '/' || !r->base_dir || !*r->base_dir)
        snprintf(out, n, "%s", rel);
    else
        snprintf(out, n, "%s/%s", r->base_dir, rel);
    return out;
}

static smpsim_status read_mask(reader *r, const json_t *v, const char *path,
                               const smpsim_region_params *p)
{
    const char *png = NULL;
    smpsim_status st = opt_string(r, v, path, "png", &png);
    if (st == SMPSIM_OK && !png)
        st = bad(r, path, "missing png (the mask image)");
    if (st != SMPSIM_OK)
        return st;
    char *full = resolve_path(r, png);
    smpsim_image *mask = NULL;
    smpsim_error inner = {0};
    st = full ? smpsim_image_load(full, NULL, &mask, &inner) : SMPSIM_ENOMEM;
    if (st == SMPSIM_OK)
        st = smpsim_design_add_mask(r->design, mask, p, &inner);
    if (st == SMPSIM_OK)
        st = smpsim__region_set_mask_path(r->design, smpsim_design_region_count(r->design) - 1,
                                          png, &inner);
    smpsim_image_free(mask);
    free(full);
    return relabel(r, path, st, &inner);
}

static smpsim_status read_region(reader *r, const json_t *v, const char *path)
{
    static const char *const keys[] = {"type", "points_mm", "points_px", "center_mm", "center_px",
                                       "radii_mm", "radii_px", "rotation_deg", "width_mm",
                                       "width_px", "diameter_mm", "diameter_px", "png",
                                       "density_per_cm2", "dot_diameter_mm", "shade",
                                       "feather_mm", "sessions", NULL};
    static const char *const types[] = {"polygon", "ellipse", "line", "points", "mask", NULL};
    int type = -1;
    smpsim_region_params p;
    smpsim_status st = get_object(r, v, path);
    if (st == SMPSIM_OK)
        st = check_keys(r, v, path, keys);
    if (st == SMPSIM_OK)
        st = opt_choice(r, v, path, "type", types, &type);
    if (st == SMPSIM_OK && type < 0)
        st = bad(r, path, "missing type (polygon, ellipse, line, points or mask)");
    if (st == SMPSIM_OK)
        st = read_params(r, v, path, &p);
    if (st != SMPSIM_OK)
        return st;
    if (type == 4)
        return read_mask(r, v, path, &p);
    json_t *a;
    smpsim_units units;
    double *xy = NULL, size[2] = {0, 0}, rotation = 0;
    size_t n = 0;
    char p2[PATH_MAX_LEN];
    smpsim_error inner = {0};
    if (type == 1) {
        st = unit_key(r, v, path, "center", true, &a, &units);
        double c[2];
        if (st == SMPSIM_OK) {
            join(p2, path, units == SMPSIM_UNITS_MM ? "center_mm" : "center_px");
            st = pair(r, a, p2, c);
        }
        json_t *rad = NULL;
        smpsim_units ru = units;
        if (st == SMPSIM_OK)
            st = unit_key(r, v, path, "radii", true, &rad, &ru);
        if (st == SMPSIM_OK && ru != units)
            st = bad(r, path, "center and radii must use the same units");
        if (st == SMPSIM_OK) {
            join(p2, path, units == SMPSIM_UNITS_MM ? "radii_mm" : "radii_px");
            st = pair(r, rad, p2, size);
        }
        if (st == SMPSIM_OK)
            st = opt_number(r, v, path, "rotation_deg", &rotation);
        if (st == SMPSIM_OK)
            st = smpsim_design_add_ellipse(r->design, c[0], c[1], size[0], size[1], rotation,
                                           units, &p, &inner);
        return st == SMPSIM_OK ? st : relabel(r, path, st, &inner);
    }
    st = unit_key(r, v, path, "points", true, &a, &units);
    if (st == SMPSIM_OK) {
        join(p2, path, units == SMPSIM_UNITS_MM ? "points_mm" : "points_px");
        st = point_list(r, a, p2, type == 0 ? 3 : (type == 2 ? 2 : 1), &xy, &n);
    }
    const char *size_key = type == 2 ? "width" : "diameter";
    json_t *w = NULL;
    smpsim_units wu = units;
    if (st == SMPSIM_OK && type >= 2)
        st = unit_key(r, v, path, size_key, type == 2, &w, &wu);
    if (st == SMPSIM_OK && w && wu != units)
        st = bad(r, path, "points and %s must use the same units", size_key);
    if (st == SMPSIM_OK && w)
        st = opt_number(r, v, path, wu == SMPSIM_UNITS_MM ? (type == 2 ? "width_mm" : "diameter_mm")
                                                         : (type == 2 ? "width_px" : "diameter_px"),
                        &size[0]);
    if (st == SMPSIM_OK && w && size[0] == 0.0)
        st = not_zero(r, v, path,
                      wu == SMPSIM_UNITS_MM ? (type == 2 ? "width_mm" : "diameter_mm")
                                            : (type == 2 ? "width_px" : "diameter_px"),
                      0.0, "a positive number");
    if (st == SMPSIM_OK) {
        if (type == 0)
            st = smpsim_design_add_polygon(r->design, xy, n, units, &p, &inner);
        else if (type == 2)
            st = smpsim_design_add_line(r->design, xy, n, size[0], units, &p, &inner);
        else
            st = smpsim_design_add_points(r->design, xy, n, size[0], units, &p, &inner);
        if (st != SMPSIM_OK)
            st = relabel(r, path, st, &inner);
    }
    free(xy);
    return st;
}

static smpsim_status read_regions(reader *r, const json_t *v)
{
    if (!json_is_array(v))
        return bad(r, "regions", "expected a list of regions, found %s", type_name(v));
    if (json_array_size(v) == 0)
        return bad(r, "regions", "the list is empty: a design needs at least one region");
    if (json_array_size(v) > r->o.max_regions)
        return smpsim__fail(r->err, SMPSIM_ELIMIT, "%s: regions: %zu regions, above the limit of %zu",
                            r->file, json_array_size(v), r->o.max_regions);
    for (size_t i = 0; i < json_array_size(v); i++) {
        char p[PATH_MAX_LEN];
        index_path(p, "regions", i);
        smpsim_status st = read_region(r, json_array_get(v, i), p);
        if (st != SMPSIM_OK)
            return st;
    }
    return SMPSIM_OK;
}

static smpsim_status read_hairline_params(reader *r, const json_t *v, smpsim_hairline_params *p)
{
    static const char *const names[] = {"transition_mm",       "start_fraction",
                                        "micro_amplitude_mm",  "micro_wavelength_mm",
                                        "macro_amplitude_mm",  "macro_wavelength_mm",
                                        "asymmetry_mm",        "sentinel_fraction",
                                        "sentinel_depth_mm"};
    double *slots[] = {&p->transition_mm,       &p->start_fraction,      &p->micro_amplitude_mm,
                       &p->micro_wavelength_mm, &p->macro_amplitude_mm,  &p->macro_wavelength_mm,
                       &p->asymmetry_mm,        &p->sentinel_fraction,   &p->sentinel_depth_mm};
    smpsim_hairline_params_init(p);
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        smpsim_status st = opt_number(r, v, "hairline", names[k], slots[k]);
        if (st != SMPSIM_OK)
            return st;
    }
    return SMPSIM_OK;
}

static smpsim_status read_landmarks(reader *r, const json_t *v, const smpsim_hairline_params *hp)
{
    static const char *const keys[] = {"mid_frontal_mm", "frontotemporal_x_mm", "recession_mm",
                                       "temporal_peak_mm", "shape", "female", NULL};
    static const char *const shapes[] = {"rounded", "straight", "widows-peak", NULL};
    const char *path = "hairline.landmarks";
    smpsim_landmarks l;
    smpsim_landmarks_init(&l);
    smpsim_status st = get_object(r, v, path);
    if (st == SMPSIM_OK)
        st = check_keys(r, v, path, keys);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, path, "mid_frontal_mm", &l.mid_frontal_mm);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, path, "frontotemporal_x_mm", &l.frontotemporal_x_mm);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, path, "recession_mm", &l.recession_mm);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, path, "temporal_peak_mm", &l.temporal_peak_mm);
    if (st == SMPSIM_OK)
        st = opt_choice(r, v, path, "shape", shapes, &l.shape);
    if (st == SMPSIM_OK)
        st = opt_bool(r, v, path, "female", &l.female);
    if (st != SMPSIM_OK)
        return st;
    smpsim_error inner = {0};
    return relabel(r, path,
                   smpsim_design_set_hairline_landmarks(r->design, &l, hp, &inner), &inner);
}

static smpsim_status read_hairline(reader *r, const json_t *v)
{
    static const char *const keys[] = {"landmarks", "points_mm", "points_px", "svg_path_px",
                                       "transition_mm", "start_fraction", "micro_amplitude_mm",
                                       "micro_wavelength_mm", "macro_amplitude_mm",
                                       "macro_wavelength_mm", "asymmetry_mm", "sentinel_fraction",
                                       "sentinel_depth_mm", NULL};
    smpsim_hairline_params hp;
    smpsim_status st = get_object(r, v, "hairline");
    if (st == SMPSIM_OK)
        st = check_keys(r, v, "hairline", keys);
    if (st == SMPSIM_OK)
        st = read_hairline_params(r, v, &hp);
    if (st != SMPSIM_OK)
        return st;
    json_t *lm = json_object_get(v, "landmarks"), *svg = json_object_get(v, "svg_path_px"), *a;
    smpsim_units units;
    st = unit_key(r, v, "hairline", "points", false, &a, &units);
    int given = (lm != NULL) + (svg != NULL) + (a != NULL);
    if (st == SMPSIM_OK && given != 1)
        st = bad(r, "hairline", "give exactly one of landmarks, points_mm, points_px, svg_path_px");
    if (st != SMPSIM_OK)
        return st;
    if (lm)
        return read_landmarks(r, lm, &hp);
    smpsim_error inner = {0};
    if (svg) {
        if (!json_is_string(svg))
            return bad(r, "hairline.svg_path_px", "expected a string, found %s", type_name(svg));
        st = smpsim_design_set_hairline_svg(r->design, json_string_value(svg), &hp, &inner);
        return relabel(r, "hairline.svg_path_px", st, &inner);
    }
    double *xy;
    size_t n;
    const char *path = units == SMPSIM_UNITS_MM ? "hairline.points_mm" : "hairline.points_px";
    st = point_list(r, a, path, 2, &xy, &n);
    if (st != SMPSIM_OK)
        return st;
    st = smpsim_design_set_hairline_points(r->design, xy, n, units, &hp, &inner);
    free(xy);
    return relabel(r, path, st, &inner);
}

static smpsim_status read_sessions(reader *r, const json_t *v)
{
    static const char *const keys[] = {"density_fraction", "shade_offset", "needle_mm",
                                       "hairline_offset_mm", "interval_days", NULL};
    smpsim_session s[SMPSIM_MAX_SESSIONS];
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > SMPSIM_MAX_SESSIONS)
        return bad(r, "sessions", "expected a list of 1 to %d sessions", SMPSIM_MAX_SESSIONS);
    for (size_t i = 0; i < json_array_size(v); i++) {
        char p[PATH_MAX_LEN];
        index_path(p, "sessions", i);
        json_t *o = json_array_get(v, i);
        memset(&s[i], 0, sizeof s[i]);
        s[i].density_fraction = NAN;
        smpsim_status st = get_object(r, o, p);
        if (st == SMPSIM_OK)
            st = check_keys(r, o, p, keys);
        if (st == SMPSIM_OK)
            st = opt_number(r, o, p, "density_fraction", &s[i].density_fraction);
        if (st == SMPSIM_OK && isnan(s[i].density_fraction))
            st = bad(r, p, "missing density_fraction");
        if (st == SMPSIM_OK)
            st = opt_number(r, o, p, "shade_offset", &s[i].shade_offset);
        if (st == SMPSIM_OK)
            st = opt_number(r, o, p, "needle_mm", &s[i].needle_mm);
        if (st == SMPSIM_OK)
            st = opt_number(r, o, p, "hairline_offset_mm", &s[i].hairline_offset_mm);
        if (st == SMPSIM_OK)
            st = opt_number(r, o, p, "interval_days", &s[i].interval_days);
        if (st != SMPSIM_OK)
            return st;
    }
    smpsim_error inner = {0};
    return relabel(r, "sessions",
                   smpsim_design_set_sessions(r->design, s, json_array_size(v), &inner), &inner);
}

static smpsim_status read_dots(reader *r, const json_t *v)
{
    static const char *const keys[] = {"mode", "groups", "group_share", "group_distance_mm",
                                       "diameter_spread", "shade_spread", "transition_strength",
                                       NULL};
    static const char *const modes[] = {"fast", "best", NULL};
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    int mode = 0;
    smpsim_status st = get_object(r, v, "dots");
    if (st == SMPSIM_OK)
        st = check_keys(r, v, "dots", keys);
    if (st == SMPSIM_OK)
        st = opt_choice(r, v, "dots", "mode", modes, &mode);
    if (st == SMPSIM_OK)
        st = opt_bool(r, v, "dots", "groups", &o.groups);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "dots", "diameter_spread", &o.diameter_spread);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "dots", "shade_spread", &o.shade_spread);
    if (st == SMPSIM_OK)
        st = opt_number(r, v, "dots", "transition_strength", &o.transition_strength);
    json_t *a = json_object_get(v, "group_distance_mm");
    double dist[2];
    if (st == SMPSIM_OK && a && (st = pair(r, a, "dots.group_distance_mm", dist)) == SMPSIM_OK)
        o.group_min_mm = dist[0], o.group_max_mm = dist[1];
    a = json_object_get(v, "group_share");
    if (st == SMPSIM_OK && a) {
        if (!json_is_array(a) || json_array_size(a) != 4)
            return bad(r, "dots.group_share", "expected 4 numbers (shares of 1-4 dot groups)");
        for (size_t k = 0; k < 4; k++) {
            json_t *n = json_array_get(a, k);
            char p[PATH_MAX_LEN];
            index_path(p, "dots.group_share", k);
            if (!json_is_number(n))
                return bad(r, p, "expected a number, found %s", type_name(n));
            o.group_share[k] = json_number_value(n);
        }
    }
    if (st != SMPSIM_OK)
        return st;
    o.mode = mode == 1 ? SMPSIM_SAMPLE_BEST : SMPSIM_SAMPLE_FAST;
    smpsim_error inner = {0};
    return relabel(r, "dots", smpsim_design_set_dot_options(r->design, &o, &inner), &inner);
}

static smpsim_status read_top(reader *r, const json_t *root)
{
    static const char *const keys[] = {"format_version", "name", "photo", "seed", "hair_shade",
                                       "view", "dots", "hairline", "regions", "sessions", NULL};
    smpsim_status st = get_object(r, root, "(top level)");
    if (st == SMPSIM_OK)
        st = check_keys(r, root, "", keys);
    if (st != SMPSIM_OK)
        return st;
    json_t *version = json_object_get(root, "format_version");
    if (!json_is_integer(version))
        return bad(r, "format_version", "missing or not a whole number (this library reads %d)",
                   FORMAT_VERSION);
    if (json_integer_value(version) != FORMAT_VERSION)
        return smpsim__fail(r->err, SMPSIM_EUNSUPPORTED,
                            "%s: format_version is %lld; this library reads version %d", r->file,
                            (long long)json_integer_value(version), FORMAT_VERSION);
    const char *name = NULL, *photo = NULL;
    double hair = 0.0;
    smpsim_error inner = {0};
    st = opt_string(r, root, "", "name", &name);
    if (st == SMPSIM_OK && name)
        st = relabel(r, "name", smpsim_design_set_name(r->design, name, &inner), &inner);
    if (st == SMPSIM_OK)
        st = opt_string(r, root, "", "photo", &photo);
    if (st == SMPSIM_OK && photo) /* relative to the design file's folder */
        st = relabel(r, "photo",
                     smpsim__design_set_photo_from(r->design, photo, r->base_dir, &inner),
                     &inner);
    if (st == SMPSIM_OK)
        st = opt_number(r, root, "", "hair_shade", &hair);
    if (st == SMPSIM_OK)
        st = relabel(r, "hair_shade", smpsim_design_set_hair_shade(r->design, hair, &inner),
                     &inner);
    json_t *seed = json_object_get(root, "seed");
    if (st == SMPSIM_OK && seed) {
        if (!json_is_integer(seed) || json_integer_value(seed) < 0)
            return bad(r, "seed", "expected a whole number >= 0");
        smpsim_design_set_seed(r->design, (uint64_t)json_integer_value(seed));
    }
    json_t *part;
    if (st == SMPSIM_OK && (part = json_object_get(root, "view")))
        st = read_view(r, part);
    if (st == SMPSIM_OK && (part = json_object_get(root, "dots")))
        st = read_dots(r, part);
    if (st == SMPSIM_OK && (part = json_object_get(root, "sessions")))
        st = read_sessions(r, part);
    if (st == SMPSIM_OK && !(part = json_object_get(root, "regions")))
        st = bad(r, "regions", "missing: a design needs at least one region");
    if (st == SMPSIM_OK)
        st = read_regions(r, part);
    if (st == SMPSIM_OK && (part = json_object_get(root, "hairline")))
        st = read_hairline(r, part);
    return st;
}

static smpsim_status parse(reader *r, const char *text, size_t len, smpsim_design **out)
{
    json_error_t je;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) { /* a UTF-8 byte order mark */
        text += 3;
        len -= 3;
    }
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return smpsim__fail(r->err, SMPSIM_EFORMAT, "%s: line %d, column %d: %s", r->file,
                            je.line, je.column, je.text);
    smpsim_status st = smpsim_design_new(&r->design, r->err);
    if (st == SMPSIM_OK)
        st = read_top(r, root);
    json_decref(root);
    if (st != SMPSIM_OK) {
        smpsim_design_free(r->design);
        return st;
    }
    *out = r->design;
    return SMPSIM_OK;
}

static void reader_init(reader *r, const char *file, const char *base_dir,
                        const smpsim_design_load_options *opts, smpsim_error *err)
{
    memset(r, 0, sizeof *r);
    r->file = file;
    r->base_dir = base_dir;
    r->err = err;
    smpsim__copy_options(&r->o, sizeof r->o, opts);
    r->o.max_file_bytes = r->o.max_file_bytes ? r->o.max_file_bytes : DEFAULT_MAX_FILE_BYTES;
    r->o.max_regions = r->o.max_regions ? r->o.max_regions : DEFAULT_MAX_REGIONS;
    r->o.max_points = r->o.max_points ? r->o.max_points : DEFAULT_MAX_POINTS;
}

smpsim_status smpsim_design_load_string(const char *json, const char *base_dir,
                                        const smpsim_design_load_options *opts,
                                        smpsim_design **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "design: out-pointer is NULL");
    *out = NULL;
    if (!json)
        return smpsim__fail(err, SMPSIM_EINVAL, "design: the text is NULL");
    reader r;
    reader_init(&r, "design", base_dir, opts, err);
    size_t len = strlen(json);
    if (len > r.o.max_file_bytes)
        return smpsim__fail(err, SMPSIM_ELIMIT, "design: %zu bytes, above the limit of %llu",
                            len, (unsigned long long)r.o.max_file_bytes);
    return parse(&r, json, len, out);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    char *d = malloc(n + 2);
    if (!d)
        return NULL;
    if (slash && n == 0)
        strcpy(d, "/");
    else if (slash)
        memcpy(d, path, n), d[n] = '\0';
    else
        strcpy(d, ".");
    return d;
}

smpsim_status smpsim_design_load(const char *path, const smpsim_design_load_options *opts,
                                 smpsim_design **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "design: out-pointer is NULL");
    *out = NULL;
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "design: path is NULL");
    reader r;
    char *dir = dir_of(path);
    reader_init(&r, path, dir, opts, err);
    FILE *f = fopen(path, "rb");
    struct stat sb;
    smpsim_status st = SMPSIM_OK;
    char *text = NULL;
    if (!f || fstat(fileno(f), &sb) != 0)
        st = smpsim__fail(err, SMPSIM_EIO, "%s: %s", path, strerror(errno));
    else if (!S_ISREG(sb.st_mode))
        st = smpsim__fail(err, SMPSIM_EIO, "%s: not a regular file", path);
    else if ((uint64_t)sb.st_size > r.o.max_file_bytes)
        st = smpsim__fail(err, SMPSIM_ELIMIT, "%s: %lld bytes, above the limit of %llu", path,
                          (long long)sb.st_size, (unsigned long long)r.o.max_file_bytes);
    else if (!(text = malloc((size_t)sb.st_size + 1)))
        st = smpsim__fail(err, SMPSIM_ENOMEM, "%s: out of memory", path);
    else if (fread(text, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size)
        st = smpsim__fail(err, SMPSIM_EIO, "%s: read error", path);
    if (f)
        fclose(f);
    if (st == SMPSIM_OK)
        st = parse(&r, text, (size_t)sb.st_size, out);
    free(text);
    free(dir);
    return st;
}

/* ---- writing ------------------------------------------------------------ */

static json_t *jpair(double x, double y)
{
    return json_pack("[ff]", x, y);
}

static json_t *jpoints(const double *xy, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, jpair(xy[2 * i], xy[2 * i + 1]));
    return a;
}

static const char *unit_name(smpsim_units u, const char *mm, const char *px)
{
    return u == SMPSIM_UNITS_MM ? mm : px;
}

static json_t *write_view(const smpsim_view *v)
{
    if (v->kind == SMPSIM_VIEW_HEAD) {
        const smpsim_head *h = &v->head;
        return json_pack("{s:s, s:s, s:o, s:o, s:f, s:f, s:f, s:f, s:o}", "kind", "head", "camera",
                         h->camera == SMPSIM_CAMERA_TOP ? "top" : "front", "center_px",
                         jpair(h->center_x_px, h->center_y_px), "radii_px",
                         jpair(h->radius_x_px, h->radius_y_px), "tilt_deg", h->tilt_deg,
                         "width_mm", h->width_mm, "depth_ratio", h->depth_ratio, "pitch_deg",
                         h->pitch_deg, "glabella_px", jpair(h->glabella_x_px, h->glabella_y_px));
    }
    return json_pack("{s:s, s:f, s:f, s:o}", "kind", "flat", "px_per_mm", v->px_per_mm,
                     "rotation_deg", v->rotation_deg, "offset_px",
                     jpair(v->offset_x_px, v->offset_y_px));
}

static json_t *write_sessions_mask(unsigned mask)
{
    json_t *a = json_array();
    for (int k = 0; a && k < SMPSIM_MAX_SESSIONS; k++)
        if (mask >> k & 1u)
            json_array_append_new(a, json_integer(k + 1));
    return a;
}

static smpsim_status write_region(const smpsim__region *r, size_t index, json_t *list,
                                  smpsim_error *err)
{
    static const char *const types[] = {"polygon", "ellipse", "line", "points", "mask"};
    json_t *o = json_pack("{s:s}", "type", types[r->shape]);
    if (!o)
        return smpsim__fail(err, SMPSIM_ENOMEM, "design: out of memory");
    switch (r->shape) {
    case SMPSIM__ELLIPSE:
        json_object_set_new(o, unit_name(r->units, "center_mm", "center_px"),
                            jpair(r->xy[0], r->xy[1]));
        json_object_set_new(o, unit_name(r->units, "radii_mm", "radii_px"),
                            jpair(r->radius_x, r->radius_y));
        json_object_set_new(o, "rotation_deg", json_real(r->rotation_deg));
        break;
    case SMPSIM__MASK:
        if (!r->mask_path) {
            json_decref(o);
            return smpsim__fail(err, SMPSIM_EUNSUPPORTED,
                                "region %zu: a mask made in memory has no file to refer to", index);
        }
        json_object_set_new(o, "png", json_string(r->mask_path));
        break;
    default:
        json_object_set_new(o, unit_name(r->units, "points_mm", "points_px"),
                            jpoints(r->xy, r->n_points));
        if (r->shape == SMPSIM__LINE)
            json_object_set_new(o, unit_name(r->units, "width_mm", "width_px"), json_real(r->width));
        if (r->shape == SMPSIM__POINTS)
            json_object_set_new(o, unit_name(r->units, "diameter_mm", "diameter_px"),
                                json_real(r->width));
    }
    const smpsim_region_params *p = &r->params;
    json_object_set_new(o, "density_per_cm2", json_real(p->density_per_cm2));
    json_object_set_new(o, "dot_diameter_mm", json_real(p->dot_diameter_mm));
    json_object_set_new(o, "shade", json_real(p->shade));
    json_object_set_new(o, "feather_mm", json_real(p->feather_mm));
    if (p->sessions)
        json_object_set_new(o, "sessions", write_sessions_mask(p->sessions));
    json_array_append_new(list, o);
    return SMPSIM_OK;
}

static json_t *write_hairline(const smpsim__hairline *h)
{
    static const char *const shapes[] = {"rounded", "straight", "widows-peak"};
    const smpsim_hairline_params *p = &h->params;
    json_t *o = json_object();
    if (h->source == SMPSIM__HAIRLINE_LANDMARKS) {
        const smpsim_landmarks *l = &h->landmarks;
        json_object_set_new(o, "landmarks",
                            json_pack("{s:f, s:f, s:f, s:f, s:s, s:b}", "mid_frontal_mm",
                                      l->mid_frontal_mm, "frontotemporal_x_mm",
                                      l->frontotemporal_x_mm, "recession_mm", l->recession_mm,
                                      "temporal_peak_mm", l->temporal_peak_mm, "shape",
                                      shapes[l->shape], "female", l->female));
    } else if (h->source == SMPSIM__HAIRLINE_SVG) {
        json_object_set_new(o, "svg_path_px", json_string(h->svg));
    } else {
        json_object_set_new(o, unit_name(h->units, "points_mm", "points_px"),
                            jpoints(h->xy, h->n_points));
    }
    /* Negative "none" settings were resolved to 0; write -1 to keep them off. */
    json_object_set_new(o, "transition_mm", json_real(p->transition_mm));
    json_object_set_new(o, "start_fraction", json_real(p->start_fraction));
    json_object_set_new(o, "micro_amplitude_mm",
                        json_real(p->micro_amplitude_mm > 0 ? p->micro_amplitude_mm : -1));
    json_object_set_new(o, "micro_wavelength_mm", json_real(p->micro_wavelength_mm));
    json_object_set_new(o, "macro_amplitude_mm",
                        json_real(p->macro_amplitude_mm > 0 ? p->macro_amplitude_mm : -1));
    json_object_set_new(o, "macro_wavelength_mm", json_real(p->macro_wavelength_mm));
    json_object_set_new(o, "asymmetry_mm", json_real(p->asymmetry_mm > 0 ? p->asymmetry_mm : -1));
    json_object_set_new(o, "sentinel_fraction",
                        json_real(p->sentinel_fraction > 0 ? p->sentinel_fraction : -1));
    json_object_set_new(o, "sentinel_depth_mm", json_real(p->sentinel_depth_mm));
    return o;
}

static json_t *write_dots(const smpsim_dot_options *o)
{
    return json_pack("{s:s, s:b, s:[ffff], s:[ff], s:f, s:f, s:f}", "mode",
                     o->mode == SMPSIM_SAMPLE_BEST ? "best" : "fast", "groups", o->groups,
                     "group_share", o->group_share[0], o->group_share[1], o->group_share[2],
                     o->group_share[3], "group_distance_mm", o->group_min_mm, o->group_max_mm,
                     "diameter_spread", o->diameter_spread > 0 ? o->diameter_spread : -1.0,
                     "shade_spread", o->shade_spread > 0 ? o->shade_spread : -1.0,
                     "transition_strength",
                     o->transition_strength > 0 ? o->transition_strength : -1.0);
}

static json_t *write_sessions(const smpsim_design *d)
{
    size_t n;
    const smpsim_session *s = smpsim_design_sessions(d, &n);
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:f, s:f, s:f, s:f, s:f}", "density_fraction",
                                           s[i].density_fraction, "shade_offset",
                                           s[i].shade_offset, "needle_mm", s[i].needle_mm,
                                           "hairline_offset_mm", s[i].hairline_offset_mm,
                                           "interval_days", s[i].interval_days));
    return a;
}

/* The design as JSON; photo: the photo path to write (NULL: none). */
static smpsim_status build(const smpsim_design *d, const char *photo, json_t **out,
                           smpsim_error *err)
{
    json_t *root = json_object(), *regions = json_array();
    if (!root || !regions) {
        json_decref(root);
        json_decref(regions);
        return smpsim__fail(err, SMPSIM_ENOMEM, "design: out of memory");
    }
    json_object_set_new(root, "format_version", json_integer(FORMAT_VERSION));
    if (smpsim_design_get_name(d))
        json_object_set_new(root, "name", json_string(smpsim_design_get_name(d)));
    if (photo)
        json_object_set_new(root, "photo", json_string(photo));
    json_object_set_new(root, "seed", json_integer((json_int_t)smpsim_design_get_seed(d)));
    json_object_set_new(root, "hair_shade", json_real(smpsim__design_hair_shade(d)));
    json_object_set_new(root, "view", write_view(smpsim_design_get_view(d)));
    json_object_set_new(root, "dots", write_dots(smpsim__design_dot_options(d)));
    json_object_set_new(root, "sessions", write_sessions(d));
    smpsim_status st = SMPSIM_OK;
    for (size_t i = 0; st == SMPSIM_OK && i < smpsim_design_region_count(d); i++)
        st = write_region(smpsim__design_region(d, i), i, regions, err);
    json_object_set_new(root, "regions", regions);
    const smpsim__hairline *h = smpsim__design_hairline_const(d);
    if (h->n_points > 0)
        json_object_set_new(root, "hairline", write_hairline(h));
    if (st != SMPSIM_OK) {
        json_decref(root);
        return st;
    }
    *out = root;
    return SMPSIM_OK;
}

/* The design's JSON text with photo as its photo path. */
static smpsim_status to_json(const smpsim_design *design, const char *photo, char **out,
                             smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "design: out-pointer is NULL");
    *out = NULL;
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    json_t *root;
    smpsim_status st = build(design, photo, &root, err);
    if (st != SMPSIM_OK)
        return st;
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (!text)
        return smpsim__fail(err, SMPSIM_ENOMEM, "design: out of memory");
    size_t n = strlen(text);
    *out = malloc(n + 2);
    if (*out) {
        memcpy(*out, text, n);
        (*out)[n] = '\n';
        (*out)[n + 1] = '\0';
    }
    free(text);
    return *out ? SMPSIM_OK : smpsim__fail(err, SMPSIM_ENOMEM, "design: out of memory");
}

smpsim_status smpsim_design_to_json(const smpsim_design *design, char **out, smpsim_error *err)
{
    return to_json(design, design ? smpsim_design_get_photo(design) : NULL, out, err);
}

smpsim_status smpsim_design_save(const smpsim_design *design, const char *path, smpsim_error *err)
{
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "design: path is NULL");
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    /* The photo path as seen from the file's folder. */
    char *dir = dir_of(path), *photo = dir ? smpsim__design_photo_for(design, dir) : NULL;
    smpsim_status st = !dir || (smpsim_design_get_photo(design) && !photo)
                           ? smpsim__fail(err, SMPSIM_ENOMEM, "design: out of memory")
                           : SMPSIM_OK;
    char *text = NULL;
    if (st == SMPSIM_OK)
        st = to_json(design, photo, &text, err);
    free(dir);
    free(photo);
    if (st != SMPSIM_OK)
        return st;
    smpsim__atomic_file af;
    st = smpsim__atomic_open(&af, path, err);
    if (st == SMPSIM_OK) {
        size_t n = strlen(text);
        if (fwrite(text, 1, n, af.stream) != n) {
            smpsim__atomic_abort(&af);
            st = smpsim__fail(err, SMPSIM_EIO, "%s: write failed: %s", path, strerror(errno));
        } else {
            st = smpsim__atomic_commit(&af, err);
        }
    }
    free(text);
    return st;
}
