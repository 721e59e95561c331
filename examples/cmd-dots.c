/* smpsim dots: the dots of a rectangle, a density map, a design or a preset
 * as CSV or JSON; where there is a photo (or a map), with each dot's
 * position in it (smpsim_dots_write_view()). */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dots_usage =
    "Usage: smpsim dots --width-mm W --height-mm H [OPTIONS]\n"
    "       smpsim dots --density-map MAP.png [--scale PX_PER_MM] [OPTIONS]\n"
    "       smpsim dots --design DESIGN.json [OPTIONS]\n"
    "       smpsim dots --preset NAME [--glabella X,Y] [OPTIONS]\n"
    "Generates blue-noise dots in millimetres and writes them one per line.\n"
    "\n"
    "  --width-mm W, --height-mm H   a W x H mm rectangle at a uniform density\n"
    "  --density-map MAP.png         or a grey map painted by an artist: black = no\n"
    "                                dots, white = --density; placed at --scale\n"
    "  --scale PX_PER_MM             map pixels (or photo pixels, for --preset with\n"
    "                                --glabella) per millimetre (default 6.5)\n"
    "  --design DESIGN.json          or the dots of a design file (its regions, hairline,\n"
    "                                sessions; --seed, --mode and --groups override it)\n"
    "  --preset NAME                 or of a preset (see `smpsim presets`)\n"
    "  --glabella X,Y                place the preset on a photo, as `smpsim render`\n"
    "                                does: the glabella at pixel X,Y, --scale px/mm\n"
    "  --density DOTS_PER_CM2        impressions per cm2 (default 100; with a map,\n"
    "                                the density of white)\n"
    "  --dot-mm D                    dot diameter in mm (default 0.20)\n"
    "  --shade S                     shade 1..10 (default 5)\n"
    "  --groups                      follicle-like groups of 1-4 dots (28/53/17/2 %)\n"
    "  --mode fast|best              sampler: fast (default; tens of millions of\n"
    "                                dots/s) or best (exact count, ~100k dots/s)\n"
    "  --seed N                      random seed (default 1)\n"
    "  --format csv|json|none        output format (default csv); none generates and\n"
    "                                discards (for timing), printing the count on stderr\n"
    "  --out FILE                    write to FILE atomically instead of standard output\n"
    "\n"
    "CSV header: x_mm,y_mm,diameter_mm,shade,session,group,region[,x_px,y_px,visible]\n"
    "x_mm, y_mm: scalp millimetres (design coordinates; for a map, from its top-left\n"
    "corner). x_px, y_px, visible: where the dot lands in the photo, 2 decimals:\n"
    "  --design              through the design's view (flat or head) onto its photo\n"
    "  --preset --glabella   through the flat view placed at X,Y and --scale\n"
    "  --density-map         the map's pixels: x_mm and y_mm times --scale\n"
    "  a rectangle, or a preset without --glabella: no photo, no pixel columns.\n"
    "visible is 0 for a dot a head view hides (on the far side of the head or off\n"
    "its surface): its x_px, y_px are then where its hidden point projects, inside\n"
    "the head's outline; do not draw it. A position the view cannot give is empty\n"
    "(JSON: null). JSON has the same keys, visible as true/false.\n";

typedef struct dots_args {
    double width_mm, height_mm, density, dot_mm, shade, scale;
    uint64_t seed;
    int groups, seed_given, mode_given, have_glabella;
    double glabella[2];
    const char *format, *out, *map, *mode, *design, *preset;
} dots_args;

static const numeric_flag dots_numbers[] = {
    {"--width-mm", 0.1, 10000, offsetof(dots_args, width_mm)},
    {"--height-mm", 0.1, 10000, offsetof(dots_args, height_mm)},
    {"--density", 0.01, 1000, offsetof(dots_args, density)},
    {"--dot-mm", 0.01, 3, offsetof(dots_args, dot_mm)},
    {"--shade", 1, 10, offsetof(dots_args, shade)},
    {"--scale", 0.01, 10000, offsetof(dots_args, scale)},
};

typedef struct text_flag {
    const char *name;
    size_t offset;
} text_flag;

static const text_flag dots_texts[] = {
    {"--format", offsetof(dots_args, format)},
    {"--out", offsetof(dots_args, out)},
    {"--density-map", offsetof(dots_args, map)},
    {"--mode", offsetof(dots_args, mode)},
    {"--design", offsetof(dots_args, design)},
    {"--preset", offsetof(dots_args, preset)},
};

/* The "--name TEXT" flag's slot in a, or NULL if flag is not one of them. */
static const char **text_slot(dots_args *a, const char *flag)
{
    for (size_t k = 0; k < sizeof dots_texts / sizeof *dots_texts; k++)
        if (strcmp(flag, dots_texts[k].name) == 0)
            return (const char **)(void *)((char *)a + dots_texts[k].offset);
    return NULL;
}

static int check_dots_args(const dots_args *a)
{
    int sources = (a->map != NULL) + (a->design != NULL) + (a->preset != NULL) +
                  (a->width_mm != 0 || a->height_mm != 0);
    if (sources > 1)
        return usage_error("dots", "give one of --width-mm/--height-mm, --density-map, --design, "
                                   "--preset");
    if (sources == 0 || (!a->map && !a->design && !a->preset && (a->width_mm == 0 || a->height_mm == 0)))
        return usage_error("dots", "--width-mm and --height-mm (or --density-map, --design, "
                                   "--preset) are required");
    if (strcmp(a->format, "csv") != 0 && strcmp(a->format, "json") != 0 &&
        strcmp(a->format, "none") != 0)
        return usage_error("dots", "--format '%s' is not csv, json or none", a->format);
    if (strcmp(a->mode, "fast") != 0 && strcmp(a->mode, "best") != 0)
        return usage_error("dots", "--mode '%s' is not fast or best", a->mode);
    if (a->have_glabella && !a->preset)
        return usage_error("dots", "--glabella places a preset: give --preset NAME");
    const char *inputs[] = {a->design, a->map}, *what[] = {"design file", "density map"};
    return refuse_overwrite("dots", a->out, inputs, what, 2, NULL, NULL);
}

static int parse_dots(int argc, char **argv, dots_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int took =
            take_number("dots", dots_numbers, sizeof dots_numbers / sizeof *dots_numbers, a, f, v);
        if (took < 0)
            return -1;
        if (took > 0) {
            i++;
            continue;
        }
        if (strcmp(f, "--groups") == 0) {
            a->groups = 1;
            continue;
        }
        if (strcmp(f, "--glabella") == 0) {
            if (!v || parse_tuple(v, a->glabella, 2) != 0)
                return usage_error("dots", "--glabella '%s' is not X,Y in pixels",
                                   v ? v : "");
            a->have_glabella = 1;
            i++;
            continue;
        }
        const char **slot = text_slot(a, f);
        if (strcmp(f, "--seed") != 0 && !slot)
            return usage_error("dots", "unknown option '%s'", f);
        if (!v)
            return usage_error("dots", "%s needs a value", f);
        i++;
        if (slot)
            *slot = v;
        else if (parse_u64(v, &a->seed) != 0)
            return usage_error("dots", "--seed '%s' is not a whole number 0..2^64-1", v);
        a->seed_given |= strcmp(f, "--seed") == 0;
        a->mode_given |= strcmp(f, "--mode") == 0;
    }
    return check_dots_args(a);
}

static smpsim_status rectangle_dots(const dots_args *a, const smpsim_region_params *p,
                                    const smpsim_dot_options *o, smpsim_dots **out,
                                    smpsim_error *err)
{
    smpsim_design *d = NULL;
    double rect[8] = {0, 0, a->width_mm, 0, a->width_mm, a->height_mm, 0, a->height_mm};
    smpsim_status st = smpsim_design_new(&d, err);
    if (st == SMPSIM_OK) {
        smpsim_design_set_seed(d, a->seed);
        st = smpsim_design_add_polygon(d, rect, 4, SMPSIM_UNITS_MM, p, err);
    }
    if (st == SMPSIM_OK)
        st = smpsim_design_set_dot_options(d, o, err);
    if (st == SMPSIM_OK)
        st = smpsim_design_dots(d, out, err);
    smpsim_design_free(d);
    return st;
}

static smpsim_status map_dots(const dots_args *a, const smpsim_region_params *p,
                              const smpsim_dot_options *o, smpsim_dots **out, smpsim_view *view,
                              smpsim_error *err)
{
    smpsim_image *map = NULL;
    smpsim_field *field = NULL;
    *view = smpsim_view_flat(a->scale);
    smpsim_status st = load_image(a->map, &map, err);
    if (st == SMPSIM_OK)
        st = smpsim_field_from_map(map, view, a->density, 0.0, &field, err);
    if (st == SMPSIM_OK)
        st = smpsim_field_dots(field, p, o, a->seed, out, err);
    smpsim_field_free(field);
    smpsim_image_free(map);
    return st;
}

/* A design file or preset, with --seed, --mode and --groups on top, and
 * its view: a design's own, or a preset's placed with --glabella. */
static smpsim_status design_dots(const dots_args *a, smpsim_dots **out, smpsim_view *view,
                                 int *usage, smpsim_error *err)
{
    smpsim_design *d = NULL;
    smpsim_status st = load_design_arg(a->design, a->preset, &d, err);
    if (st != SMPSIM_OK)
        return st;
    if (refuse_overwrite("dots", a->out, NULL, NULL, 0, d, a->design) != 0) {
        *usage = 1;
        smpsim_design_free(d);
        return SMPSIM_EINVAL;
    }
    *view = *smpsim_design_get_view(d);
    if (a->have_glabella && view->kind == SMPSIM_VIEW_FLAT) {
        view->px_per_mm = a->scale;
        view->offset_x_px = a->glabella[0];
        view->offset_y_px = a->glabella[1];
    }
    if (a->seed_given)
        smpsim_design_set_seed(d, a->seed);
    if (a->mode_given || a->groups) {
        smpsim_dot_options o;
        smpsim_dot_options_init(&o);
        o.groups = a->groups;
        o.mode = strcmp(a->mode, "best") == 0 ? SMPSIM_SAMPLE_BEST : SMPSIM_SAMPLE_FAST;
        st = smpsim_design_set_dot_options(d, &o, err);
    }
    if (st == SMPSIM_OK)
        st = smpsim_design_dots(d, out, err);
    smpsim_design_free(d);
    return st;
}

/* The dot list, with photo positions when there is a view. */
static smpsim_status write_dots(const dots_args *a, const smpsim_dots *dots,
                                const smpsim_view *view, smpsim_error *err)
{
    if (strcmp(a->format, "none") == 0) {
        fprintf(stderr, "%zu dots\n", dots->count);
        return SMPSIM_OK;
    }
    smpsim_dots_format fmt = strcmp(a->format, "json") == 0 ? SMPSIM_DOTS_JSON : SMPSIM_DOTS_CSV;
    if (a->out) {
        signals_hold();
        smpsim_status st = view ? smpsim_dots_save_view(dots, view, fmt, a->out, err)
                                : smpsim_dots_save(dots, fmt, a->out, err);
        signals_release();
        return st;
    }
    smpsim_status st = view ? smpsim_dots_write_view(dots, view, fmt, write_stdout, NULL, err)
                            : smpsim_dots_write(dots, fmt, write_stdout, NULL, err);
    if (st == SMPSIM_OK && fflush(stdout) != 0) {
        st = SMPSIM_EIO;
        snprintf(err->message, sizeof err->message, "writing standard output: %s",
                 strerror(errno));
    }
    return st;
}

int cmd_dots(int argc, char **argv)
{
    dots_args a = {.density = 100, .dot_mm = 0.2, .shade = 5, .scale = 6.5, .seed = 1,
                   .format = "csv", .mode = "fast"};
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(dots_usage, stdout), 0;
    if (parse_dots(argc, argv, &a) != 0)
        return EXIT_USAGE;
    smpsim_error err = {0};
    smpsim_dots *dots = NULL;
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = a.density;
    p.dot_diameter_mm = a.dot_mm;
    p.shade = a.shade;
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.groups = a.groups;
    o.mode = strcmp(a.mode, "best") == 0 ? SMPSIM_SAMPLE_BEST : SMPSIM_SAMPLE_FAST;
    smpsim_view view;
    int usage = 0;
    smpsim_status st = (a.design || a.preset) ? design_dots(&a, &dots, &view, &usage, &err)
                       : a.map           ? map_dots(&a, &p, &o, &dots, &view, &err)
                                         : rectangle_dots(&a, &p, &o, &dots, &err);
    /* A rectangle, or a preset not placed on a photo, has no photo. */
    int has_photo = a.design || a.map || (a.preset && a.have_glabella);
    if (st == SMPSIM_OK)
        st = write_dots(&a, dots, has_photo ? &view : NULL, &err);
    int rc = usage ? EXIT_USAGE : st == SMPSIM_OK ? 0 : library_error(&err, st);
    smpsim_dots_free(dots);
    return rc;
}
