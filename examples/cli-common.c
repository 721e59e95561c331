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
#include <signal.h>
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

static void warn_about(void *path, const char *message)
{
    complain("warning: %s: %s", (const char *)path, message);
}

smpsim_status load_image(const char *path, smpsim_image **out, smpsim_error *err)
{
    smpsim_load_options o;
    smpsim_load_options_init(&o);
    o.warning = warn_about;
    o.warning_arg = (void *)path;
    return smpsim_image_load(path, &o, out, err);
}

void warn_off_photo(const smpsim_design *design, const smpsim_image *photo)
{
    /* the design's field, cell by cell: its expected dots per region, and
     * how many of them land on the photo */
    smpsim_field *f = NULL;
    if (smpsim_design_field(design, 0.0, &f, NULL) != SMPSIM_OK)
        return;
    size_t n = smpsim_design_region_count(design);
    double *all = calloc(n + 1, sizeof *all), *seen = calloc(n + 1, sizeof *seen);
    const smpsim_view *view = smpsim_design_get_view(design);
    for (uint32_t j = 0; all && seen && j < f->height; j++)
        for (uint32_t i = 0; i < f->width; i++) {
            size_t at = (size_t)j * f->width + i, r = f->region[at] <= n ? f->region[at] : 0;
            double d = f->density_per_cm2[at], x, y, scale;
            if (!(d > 0.0))
                continue;
            all[r] += d;
            if (smpsim_view_map(view, f->origin_x_mm + (i + 0.5) * f->cell_mm,
                                f->origin_y_mm + (j + 0.5) * f->cell_mm, &x, &y, &scale) &&
                x >= 0.0 && y >= 0.0 && x < photo->width && y < photo->height)
                seen[r] += d;
        }
    for (size_t r = 1; all && seen && r <= n; r++)
        if (all[r] > 0.0 && seen[r] < 0.1 * all[r])
            complain("warning: region %zu: %.0f %% of it lies outside the %ux%u photo; check its "
                     "coordinates, units (mm or px) and the view",
                     r, 100.0 * (1.0 - seen[r] / all[r]), photo->width, photo->height);
    free(all);
    free(seen);
    smpsim_field_free(f);
}

static sigset_t held_from; /* the mask before signals_hold() */

void signals_hold(void)
{
    sigset_t hold;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    sigprocmask(SIG_BLOCK, &hold, &held_from);
}

void signals_release(void)
{
    sigprocmask(SIG_SETMASK, &held_from, NULL); /* a held signal is delivered here */
}

/* path, relative to the folder of design_path unless absolute. */
static char *next_to(const char *design_path, const char *path)
{
    const char *slash = strrchr(design_path, '/');
    size_t dir = slash && path[0] != '/' ? (size_t)(slash - design_path) + 1 : 0;
    char *p = malloc(dir + strlen(path) + 1);
    if (p) {
        memcpy(p, design_path, dir);
        strcpy(p + dir, path);
    }
    return p;
}

int refuse_overwrite(const char *command, const char *out, const char *const *inputs,
                     const char *const *what, size_t n, const smpsim_design *design,
                     const char *design_path)
{
    if (!out)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (inputs[k] && same_file(inputs[k], out))
            return usage_error(command, "--out '%s' is the %s; refusing to overwrite it", out,
                               what[k]);
    if (!design)
        return 0;
    /* what the design reads: its photo and masks, next to the design file */
    size_t n_regions = smpsim_design_region_count(design);
    for (size_t r = 0; r <= n_regions; r++) {
        /* the photo's path is resolved when the design is loaded; a mask's is as given */
        const char *given = r == n_regions ? smpsim_design_get_photo(design)
                                           : smpsim_design_region_mask_path(design, r);
        if (!given)
            continue;
        /* the photo path is resolved when the file is loaded; masks are
         * named relative to the design file */
        char *path = r < n_regions && design_path ? next_to(design_path, given) : strdup(given);
        int same = path && same_file(path, out);
        free(path);
        if (same && r == n_regions)
            return usage_error(command, "--out '%s' is the design's photo; refusing to "
                                        "overwrite it", out);
        if (same)
            return usage_error(command, "--out '%s' is the mask of the design's region %zu; "
                                        "refusing to overwrite it", out, r + 1);
    }
    return 0;
}

int has_extension(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    if (n < m)
        return 0;
    for (size_t i = 0; i < m; i++)
        if ((path[n - m + i] | 0x20) != suffix[i])
            return 0;
    return 1;
}

static int is_jpeg_name(const char *path)
{
    return has_extension(path, ".jpg") || has_extension(path, ".jpeg");
}

int check_picture_out(const char *command, const char *path)
{
    static const char *const others[] = {".tif", ".tiff", ".webp", ".gif", ".bmp",
                                         ".heic", ".avif", ".ppm"};
    for (size_t k = 0; k < sizeof others / sizeof *others; k++)
        if (has_extension(path, others[k]))
            return usage_error(command, "--out '%s': pictures are written as .png (with their "
                                        "design, for --from) or .jpg",
                               path);
    return 0;
}

smpsim_status save_picture(const smpsim_image *img, const char *path,
                           const smpsim_design *design, const smpsim_look *look,
                           const smpsim_text *extra, size_t n_extra, smpsim_error *err)
{
    smpsim_status st;
    signals_hold(); /* no temporary left by SIGINT/SIGTERM/SIGHUP mid-write */
    if (is_jpeg_name(path))
        st = smpsim_image_save_jpeg(img, path, 0, err);
    else if (look)
        st = smpsim_preview_save_png(img, design, look, path, err);
    else
        st = smpsim_image_save_png_with_design(img, design, extra, n_extra, path, err);
    signals_release();
    return st;
}

smpsim_status stdout_flushed(smpsim_status st, smpsim_error *err)
{
    if (st == SMPSIM_OK && fflush(stdout) != 0) {
        st = SMPSIM_EIO;
        snprintf(err->message, sizeof err->message, "writing standard output: %s",
                 strerror(errno));
    }
    return st;
}

int write_stdout(void *closure, const void *data, size_t size)
{
    (void)closure;
    return fwrite(data, 1, size, stdout) == size ? 0 : -1;
}

/* ---- Where a design comes from, shared by render, compare, sheet, dots ---- */

void source_init(source_args *s)
{
    memset(s, 0, sizeof *s);
    s->scale = 6.5;
    s->seed = 1;
}

int check_source(const char *command, const source_args *s, uint64_t given, int photo)
{
    if ((s->design != NULL) + (s->preset != NULL) != 1)
        return usage_error(command, "give one of --design, --preset");
    return check_placing(command, s, given, photo);
}

int check_placing(const char *command, const source_args *s, uint64_t given, int photo)
{
    if ((given & GIVEN_SCALE) && (given & GIVEN_CALIBRATE))
        return usage_error(command, "give --scale or --calibrate, not both");
    if (given & GIVEN_CALIBRATE && !(s->calib[4] > 0))
        return usage_error(command, "--calibrate: MM must be above 0");
    if ((given & GIVEN_GLABELLA) && !s->preset)
        return usage_error(command, "--glabella places a --preset; a design file's view says "
                                    "where its glabella is");
    if (photo && s->preset && !(given & GIVEN_GLABELLA))
        return usage_error(command, "--preset needs --glabella X,Y: where the glabella (between "
                                    "the eyebrows) is in the photo");
    if (photo && s->preset && !s->photo)
        return usage_error(command, "--preset needs --photo");
    return 0;
}

smpsim_status place_view(const char *command, const source_args *s, uint64_t given,
                         const char *label, smpsim_view *v, int *usage, smpsim_error *err)
{
    if (v->kind != SMPSIM_VIEW_FLAT) {
        if (!(given & (GIVEN_SCALE | GIVEN_CALIBRATE)))
            return SMPSIM_OK;
        *usage = usage_error(command, "%s sets the scale of a flat view; %s has a head view "
                                      "(its \"view\" sets the scale)",
                             given & GIVEN_SCALE ? "--scale" : "--calibrate", label);
        return err->status = SMPSIM_EINVAL;
    }
    if ((given & GIVEN_SCALE) || s->preset)
        v->px_per_mm = s->scale;
    if (given & GIVEN_CALIBRATE) {
        smpsim_status st = smpsim_view_calibrate(v, s->calib[0], s->calib[1], s->calib[2],
                                                 s->calib[3], s->calib[4], err);
        if (st != SMPSIM_OK)
            return st;
    }
    if (s->preset && (given & GIVEN_GLABELLA)) {
        v->offset_x_px = s->glabella[0];
        v->offset_y_px = s->glabella[1];
    }
    return SMPSIM_OK;
}

smpsim_status place_design(const char *command, const source_args *s, uint64_t given,
                           const char *label, smpsim_design *d, int *usage, smpsim_error *err)
{
    if (given & GIVEN_SEED)
        smpsim_design_set_seed(d, s->seed);
    smpsim_view v = *smpsim_design_get_view(d);
    if (v.kind != SMPSIM_VIEW_FLAT && !(given & (GIVEN_SCALE | GIVEN_CALIBRATE)))
        return SMPSIM_OK;
    smpsim_status st = place_view(command, s, given, label, &v, usage, err);
    return st == SMPSIM_OK ? smpsim_design_set_view(d, &v, err) : st;
}

smpsim_status preview_open(const char *command, const source_args *src, uint64_t given,
                           const char *out, smpsim_design **design, char **photo_path,
                           smpsim_image **photo, int *usage, smpsim_error *err)
{
    *design = NULL;
    *photo_path = NULL;
    *photo = NULL;
    smpsim_status st = load_design_arg(src->design, src->preset, design, err);
    if (st != SMPSIM_OK)
        return st;
    const char *given_photo = smpsim_design_get_photo(*design);
    if (src->photo)
        *photo_path = strdup(src->photo);
    else if (given_photo && src->design) /* relative to the design file, resolved when loaded */
        *photo_path = strdup(given_photo);
    if (!*photo_path) {
        snprintf(err->message, sizeof err->message, "%s has no photo; give --photo",
                 src->design ? src->design : "the preset");
        st = SMPSIM_EINVAL;
    }
    if (st == SMPSIM_OK) { /* the design's own photo and masks */
        const char *in[] = {*photo_path}, *what[] = {"photo"};
        if ((*usage = refuse_overwrite(command, out, in, what, 1, *design, src->design)) != 0)
            st = SMPSIM_EINVAL;
    }
    if (st == SMPSIM_OK)
        st = load_image(*photo_path, photo, err);
    if (st == SMPSIM_OK)
        st = place_design(command, src, given, src->design ? src->design : "the preset", *design,
                          usage, err);
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

int refuse_region_params(const char *command, uint64_t given, const char *source)
{
    if (!(given & GIVEN_REGION_PARAMS))
        return 0;
    return usage_error(command, "%s with %s: --density, --dot-mm and --shade make a design of "
                                "their own; a design's regions set theirs (edit the design "
                                "file, or compare values with `smpsim sheet --rows shade=...`)",
                       given & GIVEN_DENSITY ? "--density"
                       : given & GIVEN_DOT_MM ? "--dot-mm"
                                              : "--shade",
                       source);
}

/* ---- Designs read back from previews and plans ---- */

/* got, but for the settings in keep (LOOK_* bits), which come from mine. */
static smpsim_look merge_looks(const smpsim_look *got, const smpsim_look *mine, unsigned keep)
{
    smpsim_look m = *got;
    smpsim_render_options *o = &m.render;
    const smpsim_render_options *k = &mine->render;
    if (keep & LOOK_STATE)
        o->state = k->state;
    if (keep & LOOK_YEARS)
        o->years = k->years;
    if (keep & LOOK_UV)
        o->uv_exposure = k->uv_exposure;
    if (keep & LOOK_DEPTH)
        o->depth_mm = k->depth_mm;
    if (keep & LOOK_BLOWOUT)
        o->blowout_depth_mm = k->blowout_depth_mm;
    if (keep & LOOK_SESSION)
        o->session = k->session;
    if (keep & LOOK_EARLIER)
        o->earlier_years = k->earlier_years;
    if (keep & LOOK_CAMERA_BLUR)
        o->camera_blur_px = k->camera_blur_px;
    if (keep & LOOK_DISTANCE)
        m.distance_m = mine->distance_m;
    if (keep & LOOK_SKIN)
        m.have_skin = mine->have_skin, memcpy(m.skin_xy, mine->skin_xy, sizeof m.skin_xy);
    if (keep & LOOK_HAIR)
        m.have_hair = mine->have_hair, memcpy(m.hair_xy, mine->hair_xy, sizeof m.hair_xy);
    if (keep & LOOK_AUTO_SHADE)
        m.auto_shade = mine->auto_shade;
    if (keep & LOOK_GUIDES)
        m.guides = mine->guides;
    if (keep & LOOK_MASKS)
        m.masks = mine->masks;
    if (keep & LOOK_SKIN_MASK)
        memcpy(m.skin_mask_png, mine->skin_mask_png, sizeof m.skin_mask_png);
    if (keep & LOOK_HAIR_MASK)
        memcpy(m.hair_mask_png, mine->hair_mask_png, sizeof m.hair_mask_png);
    return m;
}

/* The design (and, when look is not NULL, the look but for the settings in
 * keep) of a preview PNG. */
static smpsim_status design_from_preview(const char *path, smpsim_look *look, unsigned keep,
                                         smpsim_design **out, smpsim_error *err)
{
    if (!look)
        return smpsim_preview_read(path, out, NULL, err);
    smpsim_look got = *look;
    smpsim_status st = smpsim_preview_read(path, out, &got, err);
    if (st == SMPSIM_OK)
        *look = merge_looks(&got, look, keep);
    return st;
}

/* The design carried by a preview PNG or a PDF plan (and, from a PDF, the
 * plan's options into ps when it is not NULL; free with plan_source_free). */
smpsim_status design_from_file(const char *path, smpsim_look *look, unsigned keep,
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

void print_preview_info(const smpsim_preview_info *info, int quiet)
{
    const smpsim_blur_estimate *e = &info->camera_blur;
    if (quiet || !info->camera_blur_measured)
        return;
    printf("camera blur %.2f px%s (measured on %zu edges; sharpest 10-40 %%: %.2f..%.2f px, "
           "median %.2f px)\n",
           info->camera_blur_px,
           e->at_floor ? ", sharper than measurable" : e->rise_px > 8.0 ? ", at most 8" : "",
           e->n_edges, e->rise_low_px, e->rise_high_px, e->median_rise_px);
}

static const char *const fitzpatrick_names[7] = {"?", "I", "II", "III", "IV", "V", "VI"};

void print_sampled(const smpsim_look *look, const smpsim_preview_info *info)
{
    if (!info->sampled)
        return;
    const smpsim_colour *skin = &info->skin, *hair = &info->hair;
    printf("skin %s (L* %.0f, ITA %.0f deg, approx. Fitzpatrick %s)", skin->hex, skin->lightness,
           skin->ita_deg, fitzpatrick_names[skin->fitzpatrick]);
    if (look->have_hair)
        printf(", hair %s (L* %.0f)", hair->hex, hair->lightness);
    printf(", default shade %.1f%s\n", info->default_shade, look->auto_shade ? " (used)" : "");
}

smpsim_status resolve_camera_blur(smpsim_look *look, const smpsim_image *photo, int quiet,
                                  smpsim_error *err)
{
    smpsim_preview_info info;
    memset(&info, 0, sizeof info);
    smpsim_status st = smpsim_look_resolve(look, photo, &info, err);
    if (st == SMPSIM_OK)
        print_preview_info(&info, quiet);
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
    cairo_surface_t *s = smpsim_image_to_cairo(src, sx, sy, w, h, err);
    if (!s)
        return err->status;
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
    smpsim_status st = SMPSIM_OK;
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        snprintf(err->message, sizeof err->message, "drawing failed: %s",
                 cairo_status_to_string(cairo_status(cr)));
        st = err->status = SMPSIM_ENOMEM;
    }
    if (st == SMPSIM_OK)
        st = smpsim_image_from_cairo(cairo_get_target(cr), out, err);
    cairo_destroy(cr);
    return st;
}
