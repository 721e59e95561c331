/* The studio's engine: the C side of smpsim.js, compiled with the library
 * core to WebAssembly by scripts/studio (docs/studio.md).
 *
 * One engine holds a photo, a design, the design's dots (made again only
 * when the design changes), a renderer with its caches, the last error
 * message and the last result (RGBA pixels or PNG bytes) for JavaScript to
 * read out of the module's memory. Every format comes from the library: the
 * design JSON (smpsim_design_load_string/_to_json), the look
 * (smpsim_look_from_json) and the PNG with its provenance chunks
 * (smpsim_preview_write_png).
 *
 * A look that samples the skin or hair, shades the dots from them or asks
 * for guides goes through smpsim_preview_render() as it is; the others,
 * which a dragged handle re-renders 30 times a second, take the same steps
 * with the generator's and renderer's caches kept between frames (the same
 * pixels: the browser test compares them with the CLI's). */
#include <smpsim/smpsim.h>

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

/* Reads a look from the smpsim:render JSON; "" or NULL is the default look.
 * One thread: the module is built without threads. */
static int look_from_json(studio_engine *e, const char *text, smpsim_look *look)
{
    smpsim_look_init(look);
    if (text && text[0] && check(e, smpsim_look_from_json(text, look, &e->err)) != 0)
        return -1;
    look->render.threads = 1;
    return check(e, smpsim_look_validate(look, &e->err));
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

/* The steps of smpsim_preview_render() for a look that samples nothing,
 * with the dots and the renderer's kernels kept between frames. */
static smpsim_status render_cached(studio_engine *e, smpsim_look *l)
{
    const smpsim_view *view = smpsim_design_get_view(e->design);
    smpsim_status st = smpsim_look_resolve(l, e->photo, NULL, &e->err);
    if (st == SMPSIM_OK && (!e->have_drawn || memcmp(&l->render, &e->drawn, sizeof e->drawn))) {
        /* new options drop the renderer's kernels: only when they change */
        st = smpsim_renderer_set_options(e->renderer, &l->render, &e->err);
        e->drawn = l->render;
        e->have_drawn = st == SMPSIM_OK;
    }
    if (st == SMPSIM_OK)
        st = smpsim_image_copy(e->photo, &e->out, &e->err);
    if (st == SMPSIM_OK)
        st = smpsim_renderer_render(e->renderer, e->out, view, e->dots, &e->err);
    if (st == SMPSIM_OK && l->distance_m > 0)
        st = smpsim_image_view_at_distance(e->out, view->px_per_mm, l->distance_m, &e->err);
    return st;
}

/* The preview of the design over the photo in this look, into e->out. */
static int render_look(studio_engine *e, smpsim_look *l)
{
    if (need_dots(e) != 0)
        return -1;
    smpsim_image_free(e->out);
    e->out = NULL;
    /* pigment only on the skin (the modelled states' masks, found in the
     * photo) goes through the library's preview, like the CLI */
    int masked = (l->render.state != SMPSIM_STATE_AS_GIVEN || l->render.session != 0) &&
                 l->masks != SMPSIM_MASKS_NONE;
    if (!l->have_skin && !l->have_hair && !l->auto_shade && !l->guides && !masked)
        return check(e, render_cached(e, l));
    return check(e, smpsim_preview_render(e->design, e->photo, l, &e->out, NULL, &e->err));
}

int studio_render(studio_engine *e, const char *look_json)
{
    smpsim_error_clear(&e->err);
    smpsim_look l;
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
    smpsim_look l;
    if (look_from_json(e, look_json, &l) != 0 || render_look(e, &l) != 0)
        return -1;
    smpsim_status st = smpsim_preview_write_png(e->out, e->design, &l, append_png, e, &e->err);
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
