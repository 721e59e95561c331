/* Shared helpers of the smpsim command-line tool. */
#include "cli.h"

#include <cairo.h>

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const progname = "smpsim";

void complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'smpsim %s%s--help'.\n", command ? command : "", command ? " " : "");
    va_end(ap);
    return EXIT_USAGE;
}

int library_error(const smpsim_error *err, smpsim_status st)
{
    complain("%s", err->message[0] ? err->message : smpsim_strerror(st));
    return EXIT_FAILURE;
}

int parse_double(const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int parse_u64(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    if (text[0] == '-' || text[0] == '\0')
        return -1;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* Parses "a,b[,c...]" into exactly n finite numbers. */
int parse_tuple(const char *text, double *v, int n)
{
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return -1;
    strcpy(buf, text);
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    for (int i = 0; i < n; i++, tok = strtok_r(NULL, ",", &save)) {
        if (!tok || parse_double(tok, -1e7, 1e7, &v[i]) != 0)
            return -1;
    }
    return tok ? -1 : 0;
}

/* True when two paths name the same existing file, or the same text. */
int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0)
        return 1;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Handles flags of the form "--name NUMBER" from a table; returns 1 if it
 * took the flag, 0 if the flag is not in the table, -1 on error. */
int take_number(const char *command, const numeric_flag *table, size_t n, void *args,
                       const char *flag, const char *value)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(flag, table[i].name) != 0)
            continue;
        if (!value)
            return usage_error(command, "%s needs a value", flag), -1;
        double *dst = (double *)(void *)((char *)args + table[i].offset);
        if (parse_double(value, table[i].lo, table[i].hi, dst) != 0)
            return usage_error(command, "%s '%s' is not a number from %g to %g", flag, value,
                               table[i].lo, table[i].hi),
                   -1;
        return 1;
    }
    return 0;
}

int write_stdout(void *closure, const void *data, size_t size)
{
    (void)closure;
    return fwrite(data, 1, size, stdout) == size ? 0 : -1;
}

/* ---- Previews shared by compare and sheet ---- */

/* The design file's photo, relative to the design file. */
char *photo_next_to(const char *design_path, const char *photo)
{
    const char *slash = strrchr(design_path, '/');
    size_t dir = slash && photo[0] != '/' ? (size_t)(slash - design_path) + 1 : 0;
    char *p = malloc(dir + strlen(photo) + 1);
    if (p) {
        memcpy(p, design_path, dir);
        strcpy(p + dir, photo);
    }
    return p;
}

smpsim_status preview_open(const preview_source *src, smpsim_design **design, char **photo_path,
                           smpsim_image **photo, smpsim_error *err)
{
    *design = NULL;
    *photo_path = NULL;
    *photo = NULL;
    smpsim_status st = load_design_arg(src->design, src->preset, design, err);
    if (st != SMPSIM_OK)
        return st;
    const char *given = smpsim_design_get_photo(*design);
    if (src->photo)
        *photo_path = strdup(src->photo);
    else if (given && src->design)
        *photo_path = photo_next_to(src->design, given);
    if (!*photo_path) {
        snprintf(err->message, sizeof err->message, "%s has no photo; give --photo",
                 src->design ? src->design : "the preset");
        st = SMPSIM_EINVAL;
    }
    if (st == SMPSIM_OK)
        st = smpsim_image_load(*photo_path, NULL, photo, err);
    if (st == SMPSIM_OK && src->preset) {
        smpsim_view v = *smpsim_design_get_view(*design);
        if (v.kind == SMPSIM_VIEW_FLAT) {
            v.px_per_mm = src->scale;
            v.offset_x_px = src->glabella[0];
            v.offset_y_px = src->glabella[1];
            st = smpsim_design_set_view(*design, &v, err);
        }
    }
    if (st == SMPSIM_OK)
        st = smpsim_design_set_photo(*design, *photo_path, err);
    if (st != SMPSIM_OK) {
        smpsim_design_free(*design);
        smpsim_image_free(*photo);
        free(*photo_path);
        *design = NULL;
        *photo = NULL;
        *photo_path = NULL;
    }
    return st;
}

static const char *const state_names[] = {"as-given", "fresh", "healed", "aged"};

const char *state_name(int state)
{
    return state >= 0 && state < 4 ? state_names[state] : "?";
}

int parse_state(const char *text)
{
    for (int s = 0; s < 4; s++)
        if (strcmp(text, state_names[s]) == 0)
            return s;
    return -1;
}

/* --camera-blur PX and "camera_blur_px": 0 is none (SMPSIM_CAMERA_SHARP),
 * 0.1..8 the 10-90 % rise in pixels; 0 on success, -1 for anything else. */
static int camera_blur_from(double x, double *camera_blur_px)
{
    if (!(x == 0.0 || (x >= 0.1 && x <= 8.0)))
        return -1;
    *camera_blur_px = x == 0.0 ? SMPSIM_CAMERA_SHARP : x;
    return 0;
}

/* The source flags --design, --preset, --glabella, --scale, --photo: 1
 * taken (its value too), 0 not one of them, -1 error (reported). */
static int take_source_flag(const char *command, preview_source *src, const char *f,
                            const char *v)
{
    static const char *const flags[] = {"--design", "--preset", "--glabella", "--scale",
                                        "--photo"};
    size_t k = 0, n = sizeof flags / sizeof *flags;
    while (k < n && strcmp(f, flags[k]) != 0)
        k++;
    if (k == n)
        return 0;
    if (!v)
        return usage_error(command, "%s needs a value", f), -1;
    switch (k) {
    case 0: src->design = v; break;
    case 1: src->preset = v; break;
    case 2:
        if (parse_tuple(v, src->glabella, 2) != 0)
            return usage_error(command, "--glabella '%s' is not X,Y in pixels", v), -1;
        src->have_glabella = 1;
        break;
    case 3:
        if (parse_double(v, 0.01, 10000, &src->scale) != 0)
            return usage_error(command, "--scale '%s' is not a number from 0.01 to 10000", v),
                   -1;
        break;
    default: src->photo = v;
    }
    return 1;
}

int check_source(const char *command, const preview_source *src)
{
    if ((src->design != NULL) == (src->preset != NULL))
        return usage_error(command, "give one of --design, --preset");
    if (src->preset && !src->have_glabella)
        return usage_error(command, "--preset needs --glabella X,Y");
    if (src->preset && !src->photo)
        return usage_error(command, "--preset needs --photo");
    return 0;
}

int take_state_flag(const char *command, smpsim_render_options *o, const char *f,
                    const char *v)
{
    if (strcmp(f, "--state") != 0 && strcmp(f, "--years") != 0 && strcmp(f, "--session") != 0 &&
        strcmp(f, "--earlier-years") != 0 && strcmp(f, "--camera-blur") != 0)
        return 0;
    if (!v)
        return usage_error(command, "%s needs a value", f), -1;
    double x;
    int bad = 0;
    if (strcmp(f, "--state") == 0) {
        o->state = parse_state(v);
        if (o->state < 0)
            return usage_error(command, "--state '%s' is not as-given, fresh, healed or aged", v),
                   -1;
    } else if (strcmp(f, "--years") == 0) {
        bad = parse_double(v, 0.01, 50, &o->years);
    } else if (strcmp(f, "--earlier-years") == 0) {
        bad = parse_double(v, 0, 50, &o->earlier_years);
    } else if (strcmp(f, "--camera-blur") == 0) {
        if (strcmp(v, "auto") == 0)
            o->camera_blur_px = CAMERA_BLUR_AUTO;
        else if (parse_double(v, 0, 8, &x) != 0 || camera_blur_from(x, &o->camera_blur_px) != 0)
            return usage_error(command,
                               "--camera-blur '%s' is not auto, 0 (none) or 0.1..8 px", v),
                   -1;
    } else {
        bad = parse_double(v, 1, 1000, &x) || x != floor(x);
        o->session = bad ? 0 : (unsigned)x;
    }
    if (bad)
        return usage_error(command, "%s '%s' is out of range or not a number", f, v), -1;
    return 1;
}

int take_preview_flag(const char *command, smpsim_render_options *look, preview_source *src,
                      const char *f, const char *v)
{
    int took = take_state_flag(command, look, f, v);
    return took == 0 ? take_source_flag(command, src, f, v) : took;
}

/* ---- The smpsim:render chunk: a preview's look as JSON ---- */

static const char *const uv_names[] = {"normal", "low", "high"};

/* A number, or null for 0 (the library's default). */
static json_t *number_or_null(double v)
{
    return v != 0.0 ? json_real(v) : json_null();
}

/* camera_blur_px: null for the default, 0 for none (SMPSIM_CAMERA_SHARP),
 * "auto" to measure it from the photo. */
static json_t *camera_blur_or_null(double camera_blur_px)
{
    if (camera_blur_px == CAMERA_BLUR_AUTO)
        return json_string("auto");
    return camera_blur_px == SMPSIM_CAMERA_SHARP ? json_integer(0)
                                                 : number_or_null(camera_blur_px);
}

static json_t *point_or_null(int have, const double xy[2])
{
    return have ? json_pack("[ff]", xy[0], xy[1]) : json_null();
}

char *render_look_to_json(const render_look *look)
{
    const smpsim_render_options *o = &look->o;
    int uv = o->uv_exposure >= 0 && o->uv_exposure < 3 ? o->uv_exposure : 0;
    json_t *root = json_pack(
        "{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "state",
        state_name(o->state), "years", number_or_null(o->years), "uv", uv_names[uv], "depth_mm",
        number_or_null(o->depth_mm), "blowout_mm", number_or_null(o->blowout_depth_mm),
        "session", o->session ? json_integer(o->session) : json_null(), "earlier_years",
        number_or_null(o->earlier_years), "camera_blur_px",
        camera_blur_or_null(o->camera_blur_px), "distance_m", number_or_null(look->distance_m),
        "skin", point_or_null(look->have_skin, look->skin_xy), "hair",
        point_or_null(look->have_hair, look->hair_xy), "auto_shade", look->auto_shade,
        "guides", look->guides);
    /* only when given: previews without them read the same in older versions */
    if (root && look->skin_mask[0])
        json_object_set_new(root, "skin_mask", json_string(look->skin_mask));
    if (root && look->hair_mask[0])
        json_object_set_new(root, "hair_mask", json_string(look->hair_mask));
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    return text;
}

/* One setting of the smpsim:render JSON. */
typedef struct look_key {
    const char *name;
    unsigned bit;
    double lo, hi; /* numbers: the range the command line accepts */
} look_key;

static const look_key look_keys[] = {
    {"state", LOOK_STATE, 0, 0},          {"years", LOOK_YEARS, 0.01, 50},
    {"uv", LOOK_UV, 0, 0},                {"depth_mm", LOOK_DEPTH, 0.1, 3},
    {"blowout_mm", LOOK_BLOWOUT, 0.1, 3}, {"session", LOOK_SESSION, 1, 1000},
    {"earlier_years", LOOK_EARLIER, 0, 50}, {"distance_m", LOOK_DISTANCE, 0.05, 100},
    {"skin", LOOK_SKIN, 0, 0},            {"hair", LOOK_HAIR, 0, 0},
    {"auto_shade", LOOK_AUTO_SHADE, 0, 0}, {"guides", LOOK_GUIDES, 0, 0},
    {"camera_blur_px", LOOK_CAMERA_BLUR, 0.1, 8}, /* and 0: none */
    {"skin_mask", LOOK_SKIN_MASK, 0, 0},  {"hair_mask", LOOK_HAIR_MASK, 0, 0},
};

/* Stores one setting; 0 on success, -1 when its value is not allowed. */
static int set_look(render_look *look, const look_key *k, json_t *v)
{
    smpsim_render_options *o = &look->o;
    if (k->bit == LOOK_STATE || k->bit == LOOK_UV) {
        const char *name = json_string_value(v);
        if (!name)
            return -1;
        if (k->bit == LOOK_STATE)
            return (o->state = parse_state(name)) < 0 ? -1 : 0;
        for (int u = 0; u < 3; u++)
            if (strcmp(name, uv_names[u]) == 0)
                return o->uv_exposure = u, 0;
        return -1;
    }
    if (k->bit == LOOK_SKIN_MASK || k->bit == LOOK_HAIR_MASK) {
        char *dst = k->bit == LOOK_SKIN_MASK ? look->skin_mask : look->hair_mask;
        const char *text = json_is_null(v) ? "" : json_string_value(v);
        if (!text || strlen(text) >= sizeof look->skin_mask)
            return -1;
        strcpy(dst, text);
        return 0;
    }
    if (k->bit == LOOK_AUTO_SHADE || k->bit == LOOK_GUIDES) {
        if (!json_is_boolean(v))
            return -1;
        *(k->bit == LOOK_GUIDES ? &look->guides : &look->auto_shade) = json_is_true(v);
        return 0;
    }
    if (k->bit == LOOK_SKIN || k->bit == LOOK_HAIR) {
        int skin = k->bit == LOOK_SKIN;
        double *xy = skin ? look->skin_xy : look->hair_xy;
        *(skin ? &look->have_skin : &look->have_hair) = !json_is_null(v);
        if (json_is_null(v))
            return 0;
        if (!json_is_array(v) || json_array_size(v) != 2 ||
            !json_is_number(json_array_get(v, 0)) || !json_is_number(json_array_get(v, 1)))
            return -1;
        xy[0] = json_number_value(json_array_get(v, 0));
        xy[1] = json_number_value(json_array_get(v, 1));
        return 0;
    }
    if (k->bit == LOOK_CAMERA_BLUR) { /* null: the default, 0: none, "auto" */
        if (json_is_null(v))
            return o->camera_blur_px = 0.0, 0;
        if (json_is_string(v))
            return strcmp(json_string_value(v), "auto") == 0
                       ? (o->camera_blur_px = CAMERA_BLUR_AUTO, 0)
                       : -1;
        return json_is_number(v) ? camera_blur_from(json_number_value(v), &o->camera_blur_px)
                                 : -1;
    }
    double x = 0; /* null: the default */
    if (!json_is_null(v)) {
        if (!json_is_number(v))
            return -1;
        x = json_number_value(v);
        if (!(x >= k->lo && x <= k->hi) || (k->bit == LOOK_SESSION && x != floor(x)))
            return -1;
    }
    double *dst = k->bit == LOOK_YEARS     ? &o->years
                  : k->bit == LOOK_DEPTH   ? &o->depth_mm
                  : k->bit == LOOK_BLOWOUT ? &o->blowout_depth_mm
                  : k->bit == LOOK_EARLIER ? &o->earlier_years
                  : k->bit == LOOK_DISTANCE ? &look->distance_m
                                            : NULL;
    if (dst)
        *dst = x;
    else
        o->session = (unsigned)x;
    return 0;
}

/* Reads a smpsim:render JSON into look; the settings in keep (LOOK_* bits)
 * are left as they are. The message names the file (path) and the key. */
static smpsim_status render_look_from_json(const char *json, unsigned keep, render_look *look,
                                           const char *path, smpsim_error *err)
{
    json_error_t je;
    json_t *root = json_loads(json, 0, &je);
    smpsim_status st = SMPSIM_OK;
    if (!json_is_object(root)) {
        snprintf(err->message, sizeof err->message,
                 "%s: the smpsim:render text chunk is not a JSON object", path);
        st = SMPSIM_EFORMAT;
    }
    const char *key;
    json_t *v;
    render_look got = *look;
    if (st == SMPSIM_OK) {
        json_object_foreach(root, key, v)
        {
            size_t k = 0, n = sizeof look_keys / sizeof *look_keys;
            while (k < n && strcmp(key, look_keys[k].name) != 0)
                k++;
            if (k == n) {
                snprintf(err->message, sizeof err->message,
                         "%s: smpsim:render: unknown setting \"%.60s\" (a preview from a newer "
                         "smpsim?)",
                         path, key);
                st = SMPSIM_EFORMAT;
                break;
            }
            if (keep & look_keys[k].bit)
                continue;
            if (set_look(&got, &look_keys[k], v) != 0) {
                snprintf(err->message, sizeof err->message,
                         "%s: smpsim:render: \"%s\" has a value the command line would refuse",
                         path, key);
                st = SMPSIM_EFORMAT;
                break;
            }
        }
    }
    json_decref(root);
    if (st == SMPSIM_OK)
        *look = got;
    else
        err->status = st;
    return st;
}

/* The design carried by a preview PNG (its smpsim:design chunk) and, when
 * look is not NULL, its look (smpsim:render) but for the settings in keep. */
static smpsim_status design_from_preview(const char *path, render_look *look, unsigned keep,
                                         smpsim_design **out, smpsim_error *err)
{
    smpsim_text *texts = NULL;
    size_t n = 0;
    smpsim_status st = smpsim_png_read_texts(path, &texts, &n, err);
    const char *json = NULL, *look_json = NULL;
    for (size_t i = 0; st == SMPSIM_OK && i < n; i++) {
        if (strcmp(texts[i].key, "smpsim:design") == 0)
            json = texts[i].text;
        else if (strcmp(texts[i].key, "smpsim:render") == 0)
            look_json = texts[i].text;
    }
    if (st == SMPSIM_OK && !json) {
        snprintf(err->message, sizeof err->message, "%s: no smpsim:design text chunk", path);
        st = SMPSIM_EFORMAT;
    }
    /* Previews of smpsim 0.1 carry no look: the command line's, as given. */
    if (st == SMPSIM_OK && look && look_json)
        st = render_look_from_json(look_json, keep, look, path, err);
    if (st == SMPSIM_OK)
        st = smpsim_design_load_string(json, ".", NULL, out, err);
    smpsim_texts_free(texts);
    return st;
}

/* ---- Designs read back from previews and plans ---- */

/* The design carried by a preview PNG or a PDF plan (and, from a PDF, the
 * plan's options into ps when it is not NULL; free with plan_source_free). */
smpsim_status design_from_file(const char *path, render_look *look, unsigned keep,
                               smpsim_design **out, plan_source *ps, smpsim_error *err)
{
    plan_source own;
    smpsim_status st;
    *out = NULL;
    switch (sniff_input(path)) {
    case INPUT_PNG: return design_from_preview(path, look, keep, out, err);
    case INPUT_PDF:
        st = plan_source_read(path, ps ? ps : &own, err);
        if (st == SMPSIM_OK) {
            *out = (ps ? ps : &own)->design;
            (ps ? ps : &own)->design = NULL;
        }
        if (!ps)
            plan_source_free(&own);
        return st;
    case INPUT_UNREADABLE:
        snprintf(err->message, sizeof err->message, "%s: %s", path, strerror(errno));
        return SMPSIM_EIO;
    default:
        snprintf(err->message, sizeof err->message,
                 "%s: neither a PNG preview nor a PDF plan of smpsim", path);
        return SMPSIM_EFORMAT;
    }
}

smpsim_status resolve_camera_blur(smpsim_render_options *o, const smpsim_image *photo, int quiet,
                                  smpsim_error *err)
{
    if (o->camera_blur_px != CAMERA_BLUR_AUTO)
        return SMPSIM_OK;
    smpsim_blur_estimate e;
    smpsim_status st = smpsim_estimate_camera_blur(photo, NULL, 0, &e, err);
    if (st != SMPSIM_OK)
        return st;
    o->camera_blur_px = e.rise_px < 0.1 ? 0.1 : e.rise_px > 8.0 ? 8.0 : e.rise_px;
    if (!quiet)
        printf("camera blur %.2f px%s (measured on %zu edges; sharpest 10-40 %%: %.2f..%.2f px, "
               "median %.2f px)\n",
               o->camera_blur_px,
               e.at_floor ? ", sharper than measurable" : e.rise_px > 8.0 ? ", at most 8" : "",
               e.n_edges, e.rise_low_px, e.rise_high_px, e.median_rise_px);
    return SMPSIM_OK;
}

static int modelled(const smpsim_render_options *o)
{
    return o->state != SMPSIM_STATE_AS_GIVEN || o->session != 0;
}

/* One mask: "none", a painted file, or found in the photo by make(). */
static smpsim_status one_mask(const char *how, const smpsim_image *photo, int skin,
                              const smpsim_mask *skin_mask, smpsim_mask **out, smpsim_error *err)
{
    *out = NULL;
    if (strcmp(how, "none") == 0)
        return SMPSIM_OK;
    if (how[0] && strcmp(how, "auto") != 0) {
        smpsim_image *painted = NULL;
        smpsim_status st = smpsim_image_load(how, NULL, &painted, err);
        if (st == SMPSIM_OK && (painted->width != photo->width ||
                                painted->height != photo->height)) {
            st = SMPSIM_EINVAL;
            snprintf(err->message, sizeof err->message, "%s: the mask is %ux%u px, the photo %ux%u",
                     how, painted->width, painted->height, photo->width, photo->height);
        }
        if (st == SMPSIM_OK)
            st = smpsim_mask_from_image(painted, out, err);
        smpsim_image_free(painted);
        return st;
    }
    return skin ? smpsim_skin_mask(photo, out, err) : smpsim_hair_mask(photo, skin_mask, out, err);
}

smpsim_status pigment_masks_make(const render_look *look, const smpsim_image *photo,
                                 int for_guides, pigment_masks *m, smpsim_error *err)
{
    *m = (pigment_masks){0};
    if (!modelled(&look->o) && !for_guides)
        return SMPSIM_OK;
    smpsim_status st = one_mask(look->skin_mask, photo, 1, NULL, &m->skin, err);
    if (st == SMPSIM_OK)
        st = one_mask(look->hair_mask, photo, 0, m->skin, &m->hair, err);
    if (st == SMPSIM_OK && modelled(&look->o) && (m->skin || m->hair))
        st = smpsim_mask_allowed(m->skin, m->hair, &m->allowed, err);
    if (st != SMPSIM_OK)
        pigment_masks_free(m);
    return st;
}

void pigment_masks_free(pigment_masks *m)
{
    smpsim_mask_free(m->skin);
    smpsim_mask_free(m->hair);
    smpsim_mask_free(m->allowed);
    *m = (pigment_masks){0};
}

smpsim_status pigment_masks_draw(const pigment_masks *m, smpsim_image *img, smpsim_error *err)
{
    static const double hair_rgb[3] = {0.0, 0.85, 1.0}, skin_rgb[3] = {1.0, 0.0, 0.85};
    smpsim_status st = SMPSIM_OK;
    if (m->hair)
        st = smpsim_mask_draw(img, m->hair, hair_rgb, 0.45, 0, err);
    if (st == SMPSIM_OK && m->skin)
        st = smpsim_mask_draw(img, m->skin, skin_rgb, 1.0, 1, err);
    return st;
}

smpsim_status preview_render(const smpsim_design *design, const smpsim_image *photo,
                             const smpsim_render_options *look, smpsim_image **out,
                             smpsim_error *err)
{
    smpsim_dots *dots = NULL;
    render_look auto_masks = {.o = *look};
    pigment_masks masks = {0};
    *out = NULL;
    smpsim_status st = smpsim_design_dots(design, &dots, err);
    if (st == SMPSIM_OK)
        st = pigment_masks_make(&auto_masks, photo, 0, &masks, err);
    if (st == SMPSIM_OK)
        st = smpsim_image_copy(photo, out, err);
    if (st == SMPSIM_OK)
        st = smpsim_render_dots_masked(*out, smpsim_design_get_view(design), dots, look,
                                       masks.allowed, err);
    pigment_masks_free(&masks);
    smpsim_dots_free(dots);
    if (st != SMPSIM_OK) {
        smpsim_image_free(*out);
        *out = NULL;
    }
    return st;
}

smpsim_status save_with_provenance(const smpsim_image *img, const char *path,
                                   const smpsim_design *design, const smpsim_text *extra,
                                   size_t n_extra, smpsim_error *err)
{
    char *json = NULL;
    smpsim_status st = smpsim_design_to_json(design, &json, err);
    if (st != SMPSIM_OK)
        return st;
    char seed[32], software[64];
    snprintf(seed, sizeof seed, "%" PRIu64, smpsim_design_get_seed(design));
    snprintf(software, sizeof software, "smpsim %s", smpsim_version());
    smpsim_text texts[8] = {
        {"Software", software},
        {"smpsim:design", json ? json : ""},
        {"smpsim:seed", seed},
    };
    size_t n = 3;
    for (size_t i = 0; i < n_extra && n < sizeof texts / sizeof *texts; i++)
        texts[n++] = extra[i];
    smpsim_save_options so;
    smpsim_save_options_init(&so);
    so.texts = texts;
    so.n_texts = n;
    st = smpsim_image_save_png(img, path, &so, err);
    free(json);
    return st;
}

/* ---- Cairo canvases ---- */

#define CANVAS_FONT "DejaVu Sans"

cairo_t *canvas_new(int width, int height, smpsim_error *err)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        err->status = SMPSIM_ENOMEM;
        snprintf(err->message, sizeof err->message, "cannot make a %dx%d canvas", width, height);
        return NULL;
    }
    cairo_t *cr = cairo_create(s);
    cairo_surface_destroy(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    /* Text the same on every machine with the same fonts: no hinting. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    return cr;
}

smpsim_status canvas_paint(cairo_t *cr, const smpsim_image *src, int sx, int sy, int w, int h,
                           int x, int y, smpsim_error *err)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        snprintf(err->message, sizeof err->message, "out of memory");
        return err->status = SMPSIM_ENOMEM;
    }
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int r = 0; r < h; r++) {
        const unsigned char *row = (const unsigned char *)src->pixels + (size_t)(sy + r) * src->stride;
        uint32_t *dst = (uint32_t *)(void *)(data + (size_t)r * (size_t)stride);
        for (int c = 0; c < w; c++) {
            unsigned v[4];
            for (int k = 0; k < 4; k++)
                v[k] = src->format == SMPSIM_RGBA16
                           ? (unsigned)(((const uint16_t *)(const void *)row)[4 * (sx + c) + k] >> 8)
                           : row[4 * (sx + c) + k];
            unsigned a = v[3];
            for (int k = 0; k < 3; k++)
                v[k] = (v[k] * a + 127) / 255;
            dst[c] = (uint32_t)a << 24 | v[0] << 16 | v[1] << 8 | v[2];
        }
    }
    cairo_surface_mark_dirty(s);
    cairo_save(cr);
    cairo_set_source_surface(cr, s, x, y);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    cairo_restore(cr);
    cairo_surface_destroy(s);
    return SMPSIM_OK;
}

double canvas_text(cairo_t *cr, const char *text, double x, double y, double size, int bold)
{
    cairo_select_font_face(cr, CANVAS_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, text);
    return e.x_advance;
}

smpsim_status canvas_finish(cairo_t *cr, smpsim_image **out, smpsim_error *err)
{
    *out = NULL;
    cairo_surface_t *s = cairo_get_target(cr);
    cairo_surface_flush(s);
    smpsim_status st = SMPSIM_OK;
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        snprintf(err->message, sizeof err->message, "drawing failed: %s",
                 cairo_status_to_string(cairo_status(cr)));
        st = err->status = SMPSIM_ENOMEM;
    }
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    if (st == SMPSIM_OK)
        st = smpsim_image_new((uint32_t)w, (uint32_t)h, SMPSIM_RGBA8, out, err);
    if (st == SMPSIM_OK) {
        const unsigned char *data = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        for (int r = 0; r < h; r++) {
            const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)r * (size_t)stride);
            unsigned char *row = (unsigned char *)(*out)->pixels + (size_t)r * (*out)->stride;
            for (int c = 0; c < w; c++) {
                row[4 * c] = (unsigned char)(px[c] >> 16);
                row[4 * c + 1] = (unsigned char)(px[c] >> 8);
                row[4 * c + 2] = (unsigned char)px[c];
                row[4 * c + 3] = 255;
            }
        }
    }
    cairo_destroy(cr);
    return st;
}
