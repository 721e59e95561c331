/* smpsim sheet: a labelled grid of previews over one photo, varying two
 * parameters (rows x columns). */
#include "cli.h"

#include <cairo.h>
#include <jansson.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sheet_usage =
    "Usage: smpsim sheet --design DESIGN.json|--preset NAME --glabella X,Y --photo IN\n"
    "                    --out SHEET.png --rows PARAM=V1,V2,... --cols PARAM=V1,V2,...\n"
    "       smpsim sheet --design DESIGN.json --photo IN --out SHEET.png --grid GRID.json\n"
    "A labelled grid of previews over one photo: each row and column sets one\n"
    "parameter. PARAM is one of\n"
    "  shade     every region's shade, 1..10\n"
    "  density   every region's density, 0.01..1000 dots/cm2\n"
    "  state     as-given, fresh, healed, aged\n"
    "  years     years since healing (with state aged), 0.01..50\n"
    "  session   the skin after session K, 1..1000\n"
    "  preset    a preset name: replaces the design (keeping its view)\n"
    "\n"
    "  --design FILE          a design file; its photo unless --photo is given\n"
    "  --preset NAME          a preset, placed with --glabella and --scale\n"
    "  --glabella X,Y         the glabella in the photo, for --preset\n"
    "  --scale PX_PER_MM      scale of a preset's flat view (default 6.5)\n"
    "  --photo FILE           the photo (PNG or JPEG)\n"
    "  --out FILE.png         the sheet; never an input; written atomically\n"
    "  --rows PARAM=V1,...    the rows (up to 16 values)\n"
    "  --cols PARAM=V1,...    the columns (up to 16 values)\n"
    "  --grid GRID.json       rows, cols, title and crop from a file:\n"
    "                         {\"rows\": \"shade=3,5\", \"cols\": {\"param\": \"state\",\n"
    "                          \"values\": [\"fresh\", \"healed\"]}, \"title\": \"...\",\n"
    "                          \"crop\": [X, Y, W, H]}\n"
    "  --title TEXT           the title (default: the design's name)\n"
    "  --crop X,Y,W,H         show only this rectangle of each preview (pixels)\n"
    "  --cell R,C             write only the preview of row R, column C (from 1),\n"
    "                         as `smpsim render` would with the same parameters\n"
    "  --state, --years, --session, --earlier-years, --camera-blur\n"
    "                         the look of every cell (as render) unless varied;\n"
    "                         --camera-blur auto is measured once, on the photo\n"
    "  --quiet                no progress on stderr and nothing on stdout\n"
    "\n"
    "Layout: a margin of 16 px, a title bar of 40 px, column labels 24 px high,\n"
    "row labels 150 px wide, 8 px between cells: the sheet is\n"
    "  32 + 150 + C x W + (C - 1) x 8  pixels wide and\n"
    "  32 + 40 + 24 + R x H + (R - 1) x 8  pixels high\n"
    "for R rows and C columns of W x H pixels (no label space for an axis not given).\n"
    "Progress: one 'sheet: n/N ...' line per cell on stderr.\n";

#define MAX_VALUES 16
#define MARGIN 16
#define GAP 8
#define TITLE_H 40
#define HEADER_H 24
#define LABEL_W 150

typedef enum param { P_NONE, P_SHADE, P_DENSITY, P_STATE, P_YEARS, P_SESSION, P_PRESET } param;
static const char *const param_names[] = {"", "shade", "density", "state", "years", "session",
                                          "preset"};

typedef struct axis {
    param p;
    size_t n;
    char values[MAX_VALUES][64];
    double num[MAX_VALUES];
    char spec[1200];
} axis;

typedef struct sheet_args {
    preview_source src;
    const char *out, *grid, *title;
    const char *rows_spec, *cols_spec;
    double crop[4];
    int have_crop, quiet, have_cell;
    double cell[2];
    smpsim_render_options look;
    double measured_blur_px; /* --camera-blur auto: the photo's, measured once */
    axis rows, cols;
    char title_buf[256];
} sheet_args;

/* One value of PARAM: 0 valid, -1 not (message in why). */
static int check_value(param p, const char *v, double *num, char *why, size_t size)
{
    *num = 0;
    int bad = 0;
    switch (p) {
    case P_SHADE:
        bad = parse_double(v, 1, 10, num);
        break;
    case P_DENSITY:
        bad = parse_double(v, 0.01, 1000, num);
        break;
    case P_YEARS:
        bad = parse_double(v, 0.01, 50, num);
        break;
    case P_SESSION:
        bad = parse_double(v, 1, 1000, num) || *num != floor(*num);
        break;
    case P_STATE:
        *num = parse_state(v);
        if (*num < 0)
            return snprintf(why, size, "state '%s' is not as-given, fresh, healed or aged", v),
                   -1;
        return 0;
    case P_PRESET:
        for (size_t i = 0; i < smpsim_preset_count(); i++)
            if (strcmp(v, smpsim_preset_name(i)) == 0)
                return 0;
        return snprintf(why, size, "'%s' is not a preset (see `smpsim presets`)", v), -1;
    case P_NONE:
        break;
    }
    if (bad)
        return snprintf(why, size, "%s '%s' is out of range or not a number", param_names[p], v),
               -1;
    return 0;
}

/* "PARAM=V1,V2,..." into an axis; 0 or -1 with the reason in why. */
static int parse_axis(const char *spec, axis *ax, char *why, size_t size)
{
    memset(ax, 0, sizeof *ax);
    if (strlen(spec) >= sizeof ax->spec)
        return snprintf(why, size, "'%.40s...' is too long", spec), -1;
    strcpy(ax->spec, spec);
    const char *eq = strchr(spec, '=');
    size_t plen = eq ? (size_t)(eq - spec) : 0;
    for (int p = P_SHADE; p <= P_PRESET; p++)
        if (eq && strlen(param_names[p]) == plen && strncmp(spec, param_names[p], plen) == 0)
            ax->p = (param)p;
    if (ax->p == P_NONE)
        return snprintf(why, size,
                        "'%s' is not PARAM=V1,V2,... with PARAM shade, density, state, years, "
                        "session or preset",
                        spec),
               -1;
    const char *v = eq + 1;
    for (;;) {
        const char *comma = strchr(v, ',');
        size_t len = comma ? (size_t)(comma - v) : strlen(v);
        if (ax->n == MAX_VALUES)
            return snprintf(why, size, "more than %d values in '%s'", MAX_VALUES, spec), -1;
        if (len == 0 || len >= sizeof ax->values[0])
            return snprintf(why, size, "an empty or too long value in '%s'", spec), -1;
        memcpy(ax->values[ax->n], v, len);
        ax->values[ax->n][len] = '\0';
        if (check_value(ax->p, ax->values[ax->n], &ax->num[ax->n], why, size) != 0)
            return -1;
        ax->n++;
        if (!comma)
            break;
        v = comma + 1;
    }
    return 0;
}

/* An axis of the grid file: "PARAM=V1,..." or {"param": ..., "values": [...]}
 * turned into the command-line text. 0, or -1 with why (bad file). */
static int grid_axis_spec(json_t *j, const char *key, char *buf, size_t size, char *why,
                          size_t wsize)
{
    if (json_is_string(j)) {
        snprintf(buf, size, "%s", json_string_value(j));
        return 0;
    }
    json_t *p = json_object_get(j, "param"), *vals = json_object_get(j, "values");
    if (!json_is_object(j) || !json_is_string(p) || !json_is_array(vals) ||
        json_object_size(j) != 2)
        return snprintf(why, wsize, "%s: expected \"PARAM=V1,...\" or {\"param\", \"values\"}",
                        key),
               -1;
    size_t used = (size_t)snprintf(buf, size, "%s=", json_string_value(p));
    size_t i;
    json_t *v;
    json_array_foreach(vals, i, v) {
        char one[64];
        if (json_is_string(v))
            snprintf(one, sizeof one, "%s", json_string_value(v));
        else if (json_is_number(v))
            snprintf(one, sizeof one, "%.17g", json_number_value(v));
        else
            return snprintf(why, wsize, "%s.values[%zu]: expected a string or number", key, i),
                   -1;
        if (used < size)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "", one);
    }
    return 0;
}

/* Reads --grid; returns 0, 1 (bad file, reported) or 2 (bad values, reported). */
static int read_grid(sheet_args *a)
{
    json_error_t je;
    json_t *root = json_load_file(a->grid, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return complain("%s:%d: %s", a->grid, je.line, je.text), 1;
    int rc = 0;
    char why[300] = "", spec[2][1200];
    const char *key;
    json_t *v;
    if (!json_is_object(root)) {
        snprintf(why, sizeof why, "expected an object");
        rc = 1;
    }
    json_object_foreach(root, key, v) {
        if (rc)
            break;
        if (strcmp(key, "rows") == 0 || strcmp(key, "cols") == 0) {
            int k = key[0] == 'c';
            if (grid_axis_spec(v, key, spec[k], sizeof spec[k], why, sizeof why) != 0)
                rc = 1;
            else if (parse_axis(spec[k], k ? &a->cols : &a->rows, why, sizeof why) != 0)
                rc = 2;
        } else if (strcmp(key, "title") == 0 && json_is_string(v)) {
            snprintf(a->title_buf, sizeof a->title_buf, "%s", json_string_value(v));
            if (!a->title)
                a->title = a->title_buf;
        } else if (strcmp(key, "crop") == 0 && json_is_array(v) && json_array_size(v) == 4) {
            for (size_t i = 0; i < 4; i++) {
                if (!json_is_number(json_array_get(v, i))) {
                    snprintf(why, sizeof why, "crop: expected [X, Y, W, H] in pixels");
                    rc = 1;
                }
                a->crop[i] = json_number_value(json_array_get(v, i));
            }
            a->have_crop = 1;
        } else {
            snprintf(why, sizeof why, "%s: unknown key or wrong type (rows, cols, title, crop)",
                     key);
            rc = 1;
        }
    }
    json_decref(root);
    if (rc)
        complain("%s: %s", a->grid, why);
    return rc;
}

static int parse_sheet(int argc, char **argv, sheet_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int took = take_preview_flag("sheet", &a->look, &a->src, f, v);
        if (took < 0)
            return EXIT_USAGE;
        if (took > 0) {
            i++;
            continue;
        }
        if (strcmp(f, "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        static const char *const valued[] = {"--out",   "--rows", "--cols", "--grid",
                                             "--title", "--crop", "--cell"};
        size_t k = 0, n = sizeof valued / sizeof *valued;
        while (k < n && strcmp(f, valued[k]) != 0)
            k++;
        if (k == n)
            return usage_error("sheet", "unknown option '%s'", f);
        if (!v)
            return usage_error("sheet", "%s needs a value", f);
        i++;
        switch (k) {
        case 0: a->out = v; break;
        case 1: a->rows_spec = v; break;
        case 2: a->cols_spec = v; break;
        case 3: a->grid = v; break;
        case 4: a->title = v; break;
        case 5:
            if (parse_tuple(v, a->crop, 4) != 0)
                return usage_error("sheet", "--crop '%s' is not X,Y,W,H in pixels", v);
            a->have_crop = 1;
            break;
        default:
            if (parse_tuple(v, a->cell, 2) != 0 || a->cell[0] < 1 || a->cell[1] < 1 ||
                a->cell[0] != floor(a->cell[0]) || a->cell[1] != floor(a->cell[1]))
                return usage_error("sheet", "--cell '%s' is not ROW,COLUMN (from 1)", v);
            a->have_cell = 1;
        }
    }
    if (check_source("sheet", &a->src) != 0)
        return EXIT_USAGE;
    if (!a->out)
        return usage_error("sheet", "--out is required");
    if (check_picture_out("sheet", a->out) != 0)
        return EXIT_USAGE;
    if (a->grid && (a->rows_spec || a->cols_spec))
        return usage_error("sheet", "give --grid or --rows/--cols, not both");
    const char *inputs[] = {a->src.design, a->src.photo, a->grid};
    const char *what[] = {"design file", "photo", "grid file"};
    if (refuse_overwrite("sheet", a->out, inputs, what, 3, NULL, NULL) != 0)
        return EXIT_USAGE;
    char why[300];
    if (a->rows_spec && parse_axis(a->rows_spec, &a->rows, why, sizeof why) != 0)
        return usage_error("sheet", "--rows: %s", why);
    if (a->cols_spec && parse_axis(a->cols_spec, &a->cols, why, sizeof why) != 0)
        return usage_error("sheet", "--cols: %s", why);
    if (a->grid) {
        int rc = read_grid(a);
        if (rc)
            return rc;
    }
    if (a->rows.p == P_NONE && a->cols.p == P_NONE)
        return usage_error("sheet", "give --rows PARAM=V1,... and/or --cols PARAM=V1,...");
    if (a->rows.p != P_NONE && a->rows.p == a->cols.p)
        return usage_error("sheet", "rows and columns both vary %s", param_names[a->rows.p]);
    if (a->rows.p == P_NONE)
        a->rows.n = 1;
    if (a->cols.p == P_NONE)
        a->cols.n = 1;
    if (a->have_cell && (a->cell[0] > (double)a->rows.n || a->cell[1] > (double)a->cols.n))
        return usage_error("sheet", "--cell %g,%g is outside the %zu x %zu grid", a->cell[0],
                           a->cell[1], a->rows.n, a->cols.n);
    return 0;
}

/* Sets every region's key to value through the design's JSON. */
static smpsim_status set_regions(smpsim_design **d, const char *key, double value,
                                 smpsim_error *err)
{
    char *text = NULL;
    smpsim_status st = smpsim_design_to_json(*d, &text, err);
    if (st != SMPSIM_OK)
        return st;
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    json_t *regions = json_object_get(root, "regions");
    size_t i;
    json_t *r;
    json_array_foreach(regions, i, r)
        json_object_set_new(r, key, json_real(value));
    char *edited = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (!edited) {
        snprintf(err->message, sizeof err->message, "cannot edit the design's %s", key);
        return err->status = SMPSIM_ENOMEM;
    }
    smpsim_design *nd = NULL;
    st = smpsim_design_load_string(edited, ".", NULL, &nd, err);
    free(edited);
    if (st == SMPSIM_OK) {
        smpsim_design_free(*d);
        *d = nd;
    }
    return st;
}

/* The design and look of one cell. */
static smpsim_status apply(const axis *ax, size_t k, smpsim_design **d,
                           smpsim_render_options *look, const char *photo_path,
                           smpsim_error *err)
{
    smpsim_status st = SMPSIM_OK;
    switch (ax->p) {
    case P_NONE: break;
    case P_SHADE: return set_regions(d, "shade", ax->num[k], err);
    case P_DENSITY: return set_regions(d, "density_per_cm2", ax->num[k], err);
    case P_STATE: look->state = (int)ax->num[k]; break;
    case P_YEARS: look->years = ax->num[k]; break;
    case P_SESSION: look->session = (unsigned)ax->num[k]; break;
    case P_PRESET: {
        smpsim_design *nd = NULL;
        st = smpsim_design_new_preset(ax->values[k], &nd, err);
        if (st == SMPSIM_OK)
            st = smpsim_design_set_view(nd, smpsim_design_get_view(*d), err);
        if (st == SMPSIM_OK)
            st = smpsim_design_set_photo(nd, photo_path, err);
        if (st == SMPSIM_OK) {
            smpsim_design_free(*d);
            *d = nd;
        } else {
            smpsim_design_free(nd);
        }
    }
    }
    return st;
}

/* The preview of cell (r, c), uncropped, its design and (if cell_look is
 * not NULL) its look. */
static smpsim_status render_cell(const sheet_args *a, const smpsim_design *base,
                                 const smpsim_image *photo, const char *photo_path, size_t r,
                                 size_t c, smpsim_image **out, smpsim_design **cell_design,
                                 smpsim_render_options *cell_look, smpsim_error *err)
{
    *out = NULL;
    *cell_design = NULL;
    char *json = NULL;
    smpsim_status st = smpsim_design_to_json(base, &json, err);
    smpsim_design *d = NULL;
    if (st == SMPSIM_OK)
        st = smpsim_design_load_string(json, ".", NULL, &d, err);
    free(json);
    if (st == SMPSIM_OK)
        st = smpsim_design_set_photo(d, photo_path, err);
    smpsim_render_options look = a->look;
    /* The preset first: it replaces the design the other parameter edits. */
    int rows_first = a->rows.p == P_PRESET || a->cols.p != P_PRESET;
    const axis *first = rows_first ? &a->rows : &a->cols, *second = rows_first ? &a->cols
                                                                                : &a->rows;
    size_t k1 = rows_first ? r : c, k2 = rows_first ? c : r;
    if (st == SMPSIM_OK)
        st = apply(first, k1, &d, &look, photo_path, err);
    if (st == SMPSIM_OK)
        st = apply(second, k2, &d, &look, photo_path, err);
    if (st == SMPSIM_OK)
        st = smpsim_design_set_photo(d, photo_path, err);
    smpsim_look drawn; /* the cell's look keeps "auto" */
    smpsim_look_init(&drawn);
    drawn.render = look;
    if (drawn.render.camera_blur_px == SMPSIM_CAMERA_BLUR_AUTO)
        drawn.render.camera_blur_px = a->measured_blur_px;
    if (st == SMPSIM_OK)
        st = smpsim_preview_render(d, photo, &drawn, out, NULL, err);
    if (st != SMPSIM_OK) {
        smpsim_design_free(d);
        return st;
    }
    *cell_design = d;
    if (cell_look)
        *cell_look = look;
    return SMPSIM_OK;
}

static smpsim_status crop_image(const smpsim_image *src, const int rect[4], smpsim_image **out,
                                smpsim_error *err)
{
    smpsim_status st =
        smpsim_image_new((uint32_t)rect[2], (uint32_t)rect[3], src->format, out, err);
    size_t bpp = src->format == SMPSIM_RGBA16 ? 8 : 4;
    for (int y = 0; st == SMPSIM_OK && y < rect[3]; y++)
        memcpy((char *)(*out)->pixels + (size_t)y * (*out)->stride,
               (const char *)src->pixels + (size_t)(rect[1] + y) * src->stride +
                   (size_t)rect[0] * bpp,
               (size_t)rect[2] * bpp);
    return st;
}

static void cell_label(const axis *ax, size_t k, char *buf, size_t size)
{
    snprintf(buf, size, "%s = %s", param_names[ax->p], ax->values[k]);
}

int cmd_sheet(int argc, char **argv)
{
    sheet_args a = {.src = {.scale = 6.5}};
    smpsim_render_options_init(&a.look);
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(sheet_usage, stdout), 0;
    int prc = parse_sheet(argc, argv, &a);
    if (prc != 0)
        return prc;
    smpsim_error err = {0};
    smpsim_design *base = NULL;
    smpsim_image *photo = NULL, *sheet = NULL;
    char *photo_path = NULL;
    int rc = 0;
    cairo_t *cr = NULL;
    smpsim_status st = preview_open(&a.src, &base, &photo_path, &photo, &err);
    if (st == SMPSIM_OK) { /* the design's own photo and masks */
        const char *in[] = {photo_path}, *what[] = {"photo"};
        if ((rc = refuse_overwrite("sheet", a.out, in, what, 1, base, a.src.design)) != 0)
            goto done;
    }
    smpsim_look measured;
    smpsim_look_init(&measured);
    measured.render = a.look;
    if (st == SMPSIM_OK)
        st = resolve_camera_blur(&measured, photo, a.quiet, &err);
    a.measured_blur_px = measured.render.camera_blur_px;
    if (st != SMPSIM_OK)
        goto done;
    int rect[4] = {0, 0, (int)photo->width, (int)photo->height};
    if (a.have_crop) {
        for (int i = 0; i < 4; i++)
            rect[i] = (int)lround(a.crop[i]);
        if (a.crop[0] < 0 || a.crop[1] < 0 || rect[2] < 1 || rect[3] < 1 ||
            a.crop[0] + a.crop[2] > photo->width || a.crop[1] + a.crop[3] > photo->height) {
            rc = usage_error("sheet", "--crop %g,%g,%g,%g is not inside the %ux%u photo",
                             a.crop[0], a.crop[1], a.crop[2], a.crop[3], photo->width,
                             photo->height);
            goto done;
        }
    }
    if (a.have_cell) {
        smpsim_image *img = NULL, *cut = NULL;
        smpsim_design *d = NULL;
        smpsim_look look; /* as `smpsim render` stores it: smpsim:render */
        smpsim_look_init(&look);
        st = render_cell(&a, base, photo, photo_path, (size_t)a.cell[0] - 1,
                         (size_t)a.cell[1] - 1, &img, &d, &look.render, &err);
        if (st == SMPSIM_OK && a.have_crop)
            st = crop_image(img, rect, &cut, &err);
        if (st == SMPSIM_OK)
            st = save_picture(cut ? cut : img, a.out, d, &look, NULL, 0, &err);
        if (st == SMPSIM_OK && !a.quiet)
            printf("%s: cell %g,%g (%dx%d px)\n", a.out, a.cell[0], a.cell[1], rect[2], rect[3]);
        smpsim_image_free(img);
        smpsim_image_free(cut);
        smpsim_design_free(d);
        goto done;
    }
    size_t R = a.rows.n, C = a.cols.n, N = R * C;
    int label_w = a.rows.p != P_NONE ? LABEL_W : 0, header_h = a.cols.p != P_NONE ? HEADER_H : 0;
    double width = 2.0 * MARGIN + label_w + (double)C * rect[2] + (double)(C - 1) * GAP;
    double height = 2.0 * MARGIN + TITLE_H + header_h + (double)R * rect[3] + (double)(R - 1) * GAP;
    if (width > 30000 || height > 30000) {
        rc = usage_error("sheet", "the sheet would be %.0fx%.0f px; use --crop or fewer values",
                         width, height);
        goto done;
    }
    cr = canvas_new((int)width, (int)height, &err);
    if (!cr) {
        st = err.status;
        goto done;
    }
    char title[512];
    const char *name = smpsim_design_get_name(base);
    if (a.title)
        snprintf(title, sizeof title, "%s", a.title);
    else
        snprintf(title, sizeof title, "%s", name && name[0] ? name : "smpsim sheet");
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    canvas_text(cr, title, MARGIN, MARGIN + 26, 22, 1);
    int x0 = MARGIN + label_w, y0 = MARGIN + TITLE_H + header_h;
    char label[128];
    for (size_t c = 0; a.cols.p != P_NONE && c < C; c++) {
        cell_label(&a.cols, c, label, sizeof label);
        canvas_text(cr, label, x0 + (double)c * (rect[2] + GAP) + 4, y0 - 7, 15, 0);
    }
    for (size_t r = 0; a.rows.p != P_NONE && r < R; r++) {
        cell_label(&a.rows, r, label, sizeof label);
        canvas_text(cr, label, MARGIN, y0 + (double)r * (rect[3] + GAP) + rect[3] / 2.0 + 5, 15,
                    0);
    }
    for (size_t r = 0; st == SMPSIM_OK && r < R; r++)
        for (size_t c = 0; st == SMPSIM_OK && c < C; c++) {
            smpsim_image *img = NULL;
            smpsim_design *d = NULL;
            if (!a.quiet) {
                char rl[128] = "", cl[128] = "";
                if (a.rows.p != P_NONE)
                    snprintf(rl, sizeof rl, " %s=%s", param_names[a.rows.p], a.rows.values[r]);
                if (a.cols.p != P_NONE)
                    snprintf(cl, sizeof cl, " %s=%s", param_names[a.cols.p], a.cols.values[c]);
                fprintf(stderr, "sheet: %zu/%zu%s%s\n", r * C + c + 1, N, rl, cl);
            }
            st = render_cell(&a, base, photo, photo_path, r, c, &img, &d, NULL, &err);
            if (st == SMPSIM_OK)
                st = canvas_paint(cr, img, rect[0], rect[1], rect[2], rect[3],
                                  x0 + (int)c * (rect[2] + GAP), y0 + (int)r * (rect[3] + GAP),
                                  &err);
            smpsim_image_free(img);
            smpsim_design_free(d);
        }
    if (st == SMPSIM_OK) {
        st = canvas_finish(cr, &sheet, &err);
        cr = NULL;
    }
    if (st == SMPSIM_OK) {
        char grid[2600];
        snprintf(grid, sizeof grid, "rows: %s; cols: %s", a.rows.p ? a.rows.spec : "-",
                 a.cols.p ? a.cols.spec : "-");
        smpsim_text extra[] = {{"smpsim:sheet", grid}};
        st = save_picture(sheet, a.out, base, NULL, extra, 1, &err);
    }
    if (st == SMPSIM_OK && !a.quiet)
        printf("%s: %zu x %zu cells of %dx%d px (%ux%u px)\n", a.out, R, C, rect[2], rect[3],
               sheet->width, sheet->height);
done:
    if (cr)
        cairo_destroy(cr);
    if (!rc && st != SMPSIM_OK)
        rc = library_error(&err, st);
    free(photo_path);
    smpsim_design_free(base);
    smpsim_image_free(photo);
    smpsim_image_free(sheet);
    return rc;
}
