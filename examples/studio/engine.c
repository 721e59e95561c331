/* The studio's engine: the C side of smpsim.js, compiled with the library
 * core to WebAssembly by scripts/studio (docs/studio.md).
 *
 * One engine holds a photo, a design, the design's dots (made again only
 * when the design changes), a renderer with its caches, the last error
 * message and the last result (RGBA pixels or PNG bytes) for JavaScript to
 * read out of the module's memory. Every file format comes from the
 * library: the design JSON (smpsim_design_load_string/_to_json) and the PNG
 * with its provenance chunks (smpsim_image_write_png_stream).
 *
 * Temporary: the look JSON (the smpsim:render chunk) is read and written
 * here as the CLI does it (examples/cli-common.c, render_look_to_json),
 * until the library's smpsim_look takes both over. Not in the browser
 * build: guides (cairo), skin/hair sampling and auto-shade; a look that
 * asks for them is refused with a message saying so. */
#include <smpsim/smpsim.h>

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct studio_engine {
    smpsim_image *photo;   /* as given: RGBA8 */
    smpsim_design *design;
    smpsim_dots *dots;     /* of design; NULL until needed */
    smpsim_generator *generator; /* keeps its caches between designs */
    smpsim_renderer *renderer;   /* keeps its dot kernels between renders */
    smpsim_render_options drawn; /* the renderer's options (zeroed padding too) */
    int have_drawn;
    smpsim_image *out;     /* the last render */
    unsigned char *png;    /* the last export */
    size_t png_size, png_capacity;
    smpsim_error err;
} studio_engine;

/* The look of a preview, as the CLI keeps it (cli.h's render_look). */
typedef struct look {
    smpsim_render_options o;
    double distance_m, skin_xy[2], hair_xy[2];
    int have_skin, have_hair, auto_shade, guides, camera_blur_auto;
} look;

/* Prototypes: these are the module's exports (scripts/studio lists them). */
studio_engine *studio_new(void);
void studio_free(studio_engine *e);
const char *studio_error(const studio_engine *e);
int studio_set_photo(studio_engine *e, const uint8_t *rgba, uint32_t width, uint32_t height);
int studio_set_design(studio_engine *e, const char *json);
char *studio_design_json(studio_engine *e);
char *studio_preset_json(studio_engine *e, const char *name);
char *studio_presets_json(void);
char *studio_hairline_controls_json(studio_engine *e);
char *studio_warnings_json(studio_engine *e);
char *studio_hairline_mm_json(studio_engine *e);
char *studio_map_json(studio_engine *e, const char *points_json, int to_px);
int studio_render(studio_engine *e, const char *look_json);
uint8_t *studio_out_pixels(const studio_engine *e);
uint32_t studio_out_width(const studio_engine *e);
uint32_t studio_out_height(const studio_engine *e);
int studio_export_png(studio_engine *e, const char *look_json);
uint8_t *studio_png_data(const studio_engine *e);
size_t studio_png_size(const studio_engine *e);
uint32_t studio_dot_count(studio_engine *e);

static int fail(studio_engine *e, const char *fmt, const char *detail)
{
    e->err.status = SMPSIM_EINVAL;
    snprintf(e->err.message, sizeof e->err.message, fmt, detail);
    return -1;
}

/* 0 on success; -1 with the library's message in e->err. */
static int check(studio_engine *e, smpsim_status st)
{
    if (st == SMPSIM_OK)
        return 0;
    if (!e->err.message[0])
        snprintf(e->err.message, sizeof e->err.message, "%s", smpsim_strerror(st));
    return -1;
}

studio_engine *studio_new(void)
{
    studio_engine *e = calloc(1, sizeof *e);
    if (e && (smpsim_generator_new(&e->generator, NULL) != SMPSIM_OK ||
              smpsim_renderer_new(NULL, &e->renderer, NULL) != SMPSIM_OK)) {
        studio_free(e);
        e = NULL;
    }
    return e;
}

void studio_free(studio_engine *e)
{
    if (!e)
        return;
    smpsim_image_free(e->photo);
    smpsim_design_free(e->design);
    smpsim_dots_free(e->dots);
    smpsim_generator_free(e->generator);
    smpsim_renderer_free(e->renderer);
    smpsim_image_free(e->out);
    free(e->png);
    free(e);
}

const char *studio_error(const studio_engine *e)
{
    return e ? e->err.message : "no engine";
}

int studio_set_photo(studio_engine *e, const uint8_t *rgba, uint32_t width, uint32_t height)
{
    smpsim_error_clear(&e->err);
    smpsim_image *img = NULL;
    if (check(e, smpsim_image_new(width, height, SMPSIM_RGBA8, &img, &e->err)) != 0)
        return -1;
    for (uint32_t y = 0; y < height; y++)
        memcpy((uint8_t *)img->pixels + y * img->stride, rgba + (size_t)y * width * 4,
               (size_t)width * 4);
    smpsim_image_free(e->photo);
    e->photo = img;
    return 0;
}

int studio_set_design(studio_engine *e, const char *json)
{
    smpsim_error_clear(&e->err);
    smpsim_design *d = NULL;
    if (check(e, smpsim_design_load_string(json, ".", NULL, &d, &e->err)) != 0)
        return -1;
    smpsim_design_free(e->design);
    smpsim_dots_free(e->dots);
    e->design = d;
    e->dots = NULL;
    return 0;
}

static int need_design(studio_engine *e)
{
    smpsim_error_clear(&e->err);
    return e->design ? 0 : fail(e, "%s", "no design: call setDesign() first");
}

char *studio_design_json(studio_engine *e)
{
    char *json = NULL;
    if (need_design(e) != 0 || check(e, smpsim_design_to_json(e->design, &json, &e->err)) != 0)
        return NULL;
    return json;
}

char *studio_preset_json(studio_engine *e, const char *name)
{
    smpsim_error_clear(&e->err);
    smpsim_design *d = NULL;
    char *json = NULL;
    if (check(e, smpsim_design_new_preset(name, &d, &e->err)) == 0)
        check(e, smpsim_design_to_json(d, &json, &e->err));
    smpsim_design_free(d);
    return json;
}

static char *dump(json_t *root)
{
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    return text;
}

/* [[x, y], ...] of n points. */
static json_t *point_list(const double *xy, size_t n)
{
    json_t *points = json_array();
    for (size_t i = 0; points && i < n; i++)
        json_array_append_new(points, json_pack("[ff]", xy[2 * i], xy[2 * i + 1]));
    return points;
}

char *studio_presets_json(void)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < smpsim_preset_count(); i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", smpsim_preset_name(i),
                                              "description", smpsim_preset_description(i)));
    return dump(list);
}

char *studio_hairline_controls_json(studio_engine *e)
{
    double *xy = NULL;
    size_t n = 0;
    smpsim_units units;
    if (need_design(e) != 0 ||
        check(e, smpsim_design_hairline_controls(e->design, &xy, &n, &units, &e->err)) != 0)
        return NULL;
    json_t *points = point_list(xy, n);
    free(xy);
    return dump(json_pack("{s:s, s:o}", "units", units == SMPSIM_UNITS_PX ? "px" : "mm",
                          "points", points));
}

char *studio_hairline_mm_json(studio_engine *e)
{
    double *xy = NULL;
    size_t n = 0;
    if (need_design(e) != 0)
        return NULL;
    smpsim_design_hairline_mm(e->design, &xy, &n, NULL); /* none: [] */
    json_t *points = point_list(xy, n);
    free(xy);
    return dump(points);
}

/* Points between scalp mm and photo pixels through the design's view. */
char *studio_map_json(studio_engine *e, const char *points_json, int to_px)
{
    if (need_design(e) != 0)
        return NULL;
    json_t *in = json_loads(points_json, 0, NULL), *out = json_array();
    const smpsim_view *view = smpsim_design_get_view(e->design);
    size_t i;
    json_t *p;
    json_array_foreach(in, i, p)
    {
        double x = json_number_value(json_array_get(p, 0));
        double y = json_number_value(json_array_get(p, 1)), u, v;
        if (to_px)
            smpsim_view_to_px(view, x, y, &u, &v);
        else
            smpsim_view_to_mm(view, x, y, &u, &v);
        json_array_append_new(out, json_pack("[ff]", u, v));
    }
    json_decref(in);
    return dump(out);
}

char *studio_warnings_json(studio_engine *e)
{
    smpsim_warning *w = NULL;
    size_t n = 0;
    if (need_design(e) != 0 || check(e, smpsim_design_check(e->design, &w, &n, &e->err)) != 0)
        return NULL;
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++)
        json_array_append_new(list,
                              json_pack("{s:i, s:s}", "code", (int)w[i].code, "message",
                                        w[i].message));
    free(w);
    return dump(list);
}

uint32_t studio_dot_count(studio_engine *e)
{
    return e->dots ? (uint32_t)e->dots->count : 0;
}

/* ---- The look (the smpsim:render chunk), as examples/cli-common.c ---- */

static const char *const state_names[] = {"as-given", "fresh", "healed", "aged"};
static const char *const uv_names[] = {"normal", "low", "high"};

static json_t *number_or_null(double v)
{
    return v != 0.0 ? json_real(v) : json_null();
}

static json_t *camera_blur_or_null(const look *l)
{
    if (l->camera_blur_auto)
        return json_string("auto");
    return l->o.camera_blur_px == SMPSIM_CAMERA_SHARP ? json_integer(0)
                                                      : number_or_null(l->o.camera_blur_px);
}

static json_t *point_or_null(int have, const double xy[2])
{
    return have ? json_pack("[ff]", xy[0], xy[1]) : json_null();
}

static char *look_to_json(const look *l)
{
    const smpsim_render_options *o = &l->o;
    int uv = o->uv_exposure >= 0 && o->uv_exposure < 3 ? o->uv_exposure : 0;
    int state = o->state >= 0 && o->state < 4 ? o->state : 0;
    return dump(json_pack(
        "{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "state",
        state_names[state], "years", number_or_null(o->years), "uv", uv_names[uv], "depth_mm",
        number_or_null(o->depth_mm), "blowout_mm", number_or_null(o->blowout_depth_mm),
        "session", o->session ? json_integer(o->session) : json_null(), "earlier_years",
        number_or_null(o->earlier_years), "camera_blur_px", camera_blur_or_null(l),
        "distance_m", number_or_null(l->distance_m), "skin",
        point_or_null(l->have_skin, l->skin_xy), "hair", point_or_null(l->have_hair, l->hair_xy),
        "auto_shade", l->auto_shade, "guides", l->guides));
}

/* Number keys with the ranges the command line accepts (null: the default). */
static const struct {
    const char *name;
    double lo, hi;
} number_keys[] = {{"years", 0.01, 50},     {"depth_mm", 0.1, 3},
                   {"blowout_mm", 0.1, 3},  {"session", 1, 1000},
                   {"earlier_years", 0, 50}, {"distance_m", 0.05, 100}};

static double *number_slot(look *l, size_t k)
{
    switch (k) {
    case 0: return &l->o.years;
    case 1: return &l->o.depth_mm;
    case 2: return &l->o.blowout_depth_mm;
    case 4: return &l->o.earlier_years;
    case 5: return &l->distance_m;
    default: return NULL; /* 3, session: an unsigned */
    }
}

static int set_named(studio_engine *e, look *l, const char *key, json_t *v)
{
    const char *name = json_string_value(v);
    if (strcmp(key, "state") == 0) {
        for (int s = 0; name && s < 4; s++)
            if (strcmp(name, state_names[s]) == 0)
                return l->o.state = s, 0;
        return fail(e, "look: \"state\" is not \"as-given\", \"fresh\", \"healed\" or \"aged\"%s",
                    "");
    }
    for (int u = 0; name && u < 3; u++)
        if (strcmp(name, uv_names[u]) == 0)
            return l->o.uv_exposure = u, 0;
    return fail(e, "look: \"uv\" is not \"low\", \"normal\" or \"high\"%s", "");
}

static int set_key(studio_engine *e, look *l, const char *key, json_t *v)
{
    if (strcmp(key, "state") == 0 || strcmp(key, "uv") == 0)
        return set_named(e, l, key, v);
    if (strcmp(key, "guides") == 0 || strcmp(key, "auto_shade") == 0) {
        if (!json_is_boolean(v))
            return fail(e, "look: \"%s\" is not true or false", key);
        if (json_is_true(v))
            return fail(e, "look: \"%s\" is not in the browser build yet (the CLI has it)", key);
        return 0;
    }
    if (strcmp(key, "skin") == 0 || strcmp(key, "hair") == 0) {
        if (!json_is_null(v))
            return fail(e, "look: \"%s\" sampling is not in the browser build yet", key);
        return 0;
    }
    if (strcmp(key, "camera_blur_px") == 0) {
        if (json_is_null(v))
            return l->o.camera_blur_px = 0.0, 0;
        if (json_is_string(v) && strcmp(json_string_value(v), "auto") == 0)
            return l->camera_blur_auto = 1, 0;
        double x = json_number_value(v);
        if (!json_is_number(v) || !(x == 0.0 || (x >= 0.1 && x <= 8.0)))
            return fail(e, "look: \"%s\" is not \"auto\", 0 (none) or 0.1..8 px", key);
        l->o.camera_blur_px = x == 0.0 ? SMPSIM_CAMERA_SHARP : x;
        return 0;
    }
    size_t k = 0, n = sizeof number_keys / sizeof *number_keys;
    while (k < n && strcmp(key, number_keys[k].name) != 0)
        k++;
    if (k == n)
        return fail(e, "look: unknown setting \"%.60s\"", key);
    double x = 0;
    if (!json_is_null(v)) {
        x = json_number_value(v);
        if (!json_is_number(v) || !(x >= number_keys[k].lo && x <= number_keys[k].hi) ||
            (k == 3 && x != floor(x)))
            return fail(e, "look: \"%s\" is out of range or not a number", key);
    }
    double *slot = number_slot(l, k);
    if (slot)
        *slot = x;
    else
        l->o.session = (unsigned)x;
    return 0;
}

/* Reads a look from the smpsim:render JSON; "" or NULL is the default look. */
static int look_from_json(studio_engine *e, const char *text, look *l)
{
    memset(l, 0, sizeof *l);
    smpsim_render_options_init(&l->o);
    if (!text || !text[0])
        return 0;
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return fail(e, "look: not a JSON object (%s)", je.text);
    }
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(root, key, v)
    {
        if ((rc = set_key(e, l, key, v)) != 0)
            break;
    }
    json_decref(root);
    return rc;
}

/* ---- Rendering and export ---- */

static int need_dots(studio_engine *e)
{
    if (need_design(e) != 0)
        return -1;
    if (!e->photo)
        return fail(e, "%s", "no photo: call setPhoto() first");
    if (e->dots)
        return 0;
    return check(e, smpsim_generator_dots(e->generator, e->design, &e->dots, &e->err));
}

/* The preview of the design over the photo in this look, into e->out. */
static int render_look(studio_engine *e, look *l)
{
    if (need_dots(e) != 0)
        return -1;
    smpsim_render_options drawn = l->o;
    drawn.threads = 1; /* single-threaded build */
    if (l->camera_blur_auto) { /* as the CLI's resolve_camera_blur() */
        smpsim_blur_estimate b;
        if (check(e, smpsim_estimate_camera_blur(e->photo, NULL, 0, &b, &e->err)) != 0)
            return -1;
        drawn.camera_blur_px = b.rise_px < 0.1 ? 0.1 : b.rise_px > 8.0 ? 8.0 : b.rise_px;
    }
    smpsim_image_free(e->out);
    e->out = NULL;
    const smpsim_view *view = smpsim_design_get_view(e->design);
    smpsim_status st = SMPSIM_OK;
    if (!e->have_drawn || memcmp(&drawn, &e->drawn, sizeof drawn) != 0) {
        /* new options drop the renderer's kernels: only when they change */
        st = smpsim_renderer_set_options(e->renderer, &drawn, &e->err);
        e->drawn = drawn;
        e->have_drawn = st == SMPSIM_OK;
    }
    if (st == SMPSIM_OK)
        st = smpsim_image_copy(e->photo, &e->out, &e->err);
    if (st == SMPSIM_OK) /* smpsim_render_dots() with the kernels kept */
        st = smpsim_renderer_render(e->renderer, e->out, view, e->dots, &e->err);
    if (st == SMPSIM_OK && l->distance_m > 0)
        st = smpsim_image_view_at_distance(e->out, view->px_per_mm, l->distance_m, &e->err);
    return check(e, st);
}

int studio_render(studio_engine *e, const char *look_json)
{
    smpsim_error_clear(&e->err);
    look l;
    if (look_from_json(e, look_json, &l) != 0)
        return -1;
    return render_look(e, &l);
}

uint8_t *studio_out_pixels(const studio_engine *e)
{
    return e->out ? e->out->pixels : NULL;
}

uint32_t studio_out_width(const studio_engine *e)
{
    return e->out ? e->out->width : 0;
}

uint32_t studio_out_height(const studio_engine *e)
{
    return e->out ? e->out->height : 0;
}

static int append_png(void *closure, const void *data, size_t size)
{
    studio_engine *e = closure;
    if (size > SIZE_MAX - e->png_size)
        return -1;
    if (e->png_size + size > e->png_capacity) {
        size_t cap = e->png_capacity ? e->png_capacity : 65536;
        while (cap < e->png_size + size)
            cap = cap > SIZE_MAX / 2 ? e->png_size + size : cap * 2;
        unsigned char *grown = realloc(e->png, cap);
        if (!grown)
            return -1;
        e->png = grown;
        e->png_capacity = cap;
    }
    memcpy(e->png + e->png_size, data, size);
    e->png_size += size;
    return 0;
}

/* The preview PNG with the chunks `smpsim render` writes (Software,
 * smpsim:design, smpsim:seed, smpsim:render), so that
 * `smpsim render --from` makes it again. */
int studio_export_png(studio_engine *e, const char *look_json)
{
    smpsim_error_clear(&e->err);
    e->png_size = 0;
    look l;
    char *design = NULL, *look_text = NULL;
    if (look_from_json(e, look_json, &l) != 0 || render_look(e, &l) != 0)
        return -1;
    smpsim_status st = smpsim_design_to_json(e->design, &design, &e->err);
    if (st == SMPSIM_OK && !(look_text = look_to_json(&l)))
        st = SMPSIM_ENOMEM;
    char seed[32], software[64];
    snprintf(seed, sizeof seed, "%" PRIu64, smpsim_design_get_seed(e->design));
    snprintf(software, sizeof software, "smpsim %s", smpsim_version());
    smpsim_text texts[] = {{"Software", software},
                           {"smpsim:design", design ? design : ""},
                           {"smpsim:seed", seed},
                           {"smpsim:render", look_text ? look_text : ""}};
    smpsim_save_options so;
    smpsim_save_options_init(&so);
    so.texts = texts;
    so.n_texts = sizeof texts / sizeof *texts;
    if (st == SMPSIM_OK)
        st = smpsim_image_write_png_stream(e->out, append_png, e, &so, &e->err);
    free(design);
    free(look_text);
    if (st != SMPSIM_OK)
        e->png_size = 0;
    return check(e, st);
}

uint8_t *studio_png_data(const studio_engine *e)
{
    return e->png;
}

size_t studio_png_size(const studio_engine *e)
{
    return e->png_size;
}
