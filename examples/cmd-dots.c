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
    "A design file or preset has its own regions, hairline and sessions: --seed,\n"
    "--mode and --groups override it, --scale and --calibrate its flat view;\n"
    "--glabella places a preset on a photo as `smpsim render` does (the glabella\n"
    "at pixel X,Y, --scale px/mm). A density map is placed at --scale (map pixels\n"
    "per millimetre).\n"
    "\n";

static const char *const dots_footer =
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

enum { FORMAT_CSV, FORMAT_JSON, FORMAT_NONE };
static const char *const format_names[] = {"csv", "json", "none", NULL};
static const char *const mode_names[] = {"fast", "best", NULL};

typedef struct dots_args {
    source_args src;
    region_args params;
    double width_mm, height_mm;
    int groups, format, mode;
    const char *out, *map;
    uint64_t given;
} dots_args;

#define GIVEN_MODE (1ull << 40)
#define GIVEN_RECTANGLE (1ull << 41)
#define GIVEN_MAP (1ull << 42)
#define GIVEN_HEIGHT (1ull << 43)

static const opt dots_opts[] = {
    {"--width-mm", OPT_NUMBER, offsetof(dots_args, width_mm), 0.1, 10000,
     .bit = GIVEN_RECTANGLE,
     .help = "  --width-mm W, --height-mm H\n"
             "                         a W x H mm rectangle at a uniform density\n"},
    {"--height-mm", OPT_NUMBER, offsetof(dots_args, height_mm), 0.1, 10000,
     .bit = GIVEN_HEIGHT},
    {"--density-map", OPT_PATH, offsetof(dots_args, map), .bit = GIVEN_MAP,
     .help = "  --density-map MAP.png  or a grey map painted by an artist: black = no dots,\n"
             "                         white = --density; placed at --scale\n"},
    {"--groups", OPT_SWITCH, offsetof(dots_args, groups), 1,
     .help = "  --groups               follicle-like groups of 1-4 dots (28/53/17/2 %)\n"},
    {"--mode", OPT_ENUM, offsetof(dots_args, mode), .names = mode_names, .bit = GIVEN_MODE,
     .help = "  --mode fast|best       sampler: fast (default; tens of millions of dots/s)\n"
             "                         or best (exact count, ~100k dots/s)\n"},
    {"--format", OPT_ENUM, offsetof(dots_args, format), .names = format_names,
     .help = "  --format csv|json|none output format (default csv); none generates and\n"
             "                         discards (for timing), printing the count on stderr\n"},
    {"--out", OPT_PATH, offsetof(dots_args, out),
     .help = "  --out FILE             write to FILE atomically instead of standard output\n"},
};

static const opt_group dots_groups[] = {
    OPT_OWN(dots_opts, NULL),
    OPT_GROUP(source_opts, dots_args, src, ~(GIVEN_PHOTO), NULL),
    OPT_GROUP(region_opts, dots_args, params, 0, NULL),
};

static int check_dots_args(const dots_args *a)
{
    int rect = (a->given & (GIVEN_RECTANGLE | GIVEN_HEIGHT)) != 0;
    int sources = (a->map != NULL) + (a->src.design != NULL) + (a->src.preset != NULL) + rect;
    if (sources > 1)
        return usage_error("dots", "give one of --width-mm/--height-mm, --density-map, --design, "
                                   "--preset");
    if (sources == 0 || (rect && (a->width_mm == 0 || a->height_mm == 0)))
        return usage_error("dots", "--width-mm and --height-mm (or --density-map, --design, "
                                   "--preset) are required");
    if ((a->src.design || a->src.preset) &&
        refuse_region_params("dots", a->given, a->src.design ? "--design" : "--preset"))
        return EXIT_USAGE;
    if (check_placing("dots", &a->src, a->given, 0) != 0)
        return EXIT_USAGE;
    /* a scale places dots on a photo or a map: a rectangle has neither */
    const char *unplaced = rect ? "a --width-mm/--height-mm rectangle"
                           : a->src.preset && !(a->given & GIVEN_GLABELLA)
                               ? "a preset without --glabella"
                               : NULL;
    if (unplaced && (a->given & (GIVEN_SCALE | GIVEN_CALIBRATE)))
        return usage_error("dots", "%s places dots on a photo; %s has none",
                           a->given & GIVEN_SCALE ? "--scale" : "--calibrate", unplaced);
    if (a->map && (a->given & GIVEN_CALIBRATE))
        return usage_error("dots", "--calibrate sets a photo's scale; a density map's is "
                                   "--scale (map pixels per millimetre)");
    const char *inputs[] = {a->src.design, a->map}, *what[] = {"design file", "density map"};
    return refuse_overwrite("dots", a->out, inputs, what, 2, NULL, NULL);
}

static smpsim_status rectangle_dots(const dots_args *a, const smpsim_region_params *p,
                                    const smpsim_dot_options *o, smpsim_dots **out,
                                    smpsim_error *err)
{
    smpsim_design *d = NULL;
    double rect[8] = {0, 0, a->width_mm, 0, a->width_mm, a->height_mm, 0, a->height_mm};
    smpsim_status st = smpsim_design_new(&d, err);
    if (st == SMPSIM_OK) {
        smpsim_design_set_seed(d, a->src.seed);
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
    *view = smpsim_view_flat(a->src.scale);
    smpsim_status st = load_image(a->map, &map, err);
    if (st == SMPSIM_OK)
        st = smpsim_field_from_map(map, view, a->params.density, 0.0, &field, err);
    if (st == SMPSIM_OK)
        st = smpsim_field_dots(field, p, o, a->src.seed, out, err);
    smpsim_field_free(field);
    smpsim_image_free(map);
    return st;
}

/* A design file or preset, with --seed, --mode and --groups on top, and
 * its view: a design's own (--scale, --calibrate: a flat view's scale), or
 * a preset's placed with --glabella. */
static smpsim_status design_dots(const dots_args *a, smpsim_dots **out, smpsim_view *view,
                                 int *usage, smpsim_error *err)
{
    smpsim_design *d = NULL;
    smpsim_status st = load_design_arg(a->src.design, a->src.preset, &d, err);
    if (st != SMPSIM_OK)
        return st;
    if (refuse_overwrite("dots", a->out, NULL, NULL, 0, d, a->src.design) != 0) {
        *usage = 1;
        smpsim_design_free(d);
        return SMPSIM_EINVAL;
    }
    /* A design file's view placed as render places it; a preset's view
     * copy placed on the photo (--glabella), its dots left as they are. */
    if (a->src.design)
        st = place_design("dots", &a->src, a->given, a->src.design, d, usage, err);
    else if (a->given & GIVEN_SEED)
        smpsim_design_set_seed(d, a->src.seed);
    *view = *smpsim_design_get_view(d);
    if (st == SMPSIM_OK && a->src.preset && (a->given & GIVEN_GLABELLA))
        st = place_view("dots", &a->src, a->given, "the preset", view, usage, err);
    if (st == SMPSIM_OK && ((a->given & GIVEN_MODE) || a->groups)) {
        smpsim_dot_options o;
        smpsim_dot_options_init(&o);
        o.groups = a->groups;
        o.mode = a->mode == 1 ? SMPSIM_SAMPLE_BEST : SMPSIM_SAMPLE_FAST;
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
    if (a->format == FORMAT_NONE) {
        fprintf(stderr, "%zu dots\n", dots->count);
        return SMPSIM_OK;
    }
    smpsim_dots_format fmt = a->format == FORMAT_JSON ? SMPSIM_DOTS_JSON : SMPSIM_DOTS_CSV;
    if (a->out) {
        signals_hold();
        smpsim_status st = view ? smpsim_dots_save_view(dots, view, fmt, a->out, err)
                                : smpsim_dots_save(dots, fmt, a->out, err);
        signals_release();
        return st;
    }
    smpsim_status st = view ? smpsim_dots_write_view(dots, view, fmt, write_stdout, NULL, err)
                            : smpsim_dots_write(dots, fmt, write_stdout, NULL, err);
    return stdout_flushed(st, err);
}

static int cmd_dots(int argc, char **argv)
{
    dots_args a = {.params = {.density = 100, .dot_mm = 0.2, .shade = 5}};
    source_init(&a.src);
    if (cli_parse(&dots_command, argc, argv, &a) != 0 || check_dots_args(&a) != 0)
        return EXIT_USAGE;
    smpsim_error err = {0};
    smpsim_dots *dots = NULL;
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = a.params.density;
    p.dot_diameter_mm = a.params.dot_mm;
    p.shade = a.params.shade;
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.groups = a.groups;
    o.mode = a.mode == 1 ? SMPSIM_SAMPLE_BEST : SMPSIM_SAMPLE_FAST;
    smpsim_view view;
    int usage = 0;
    int from_design = a.src.design || a.src.preset;
    smpsim_status st = from_design ? design_dots(&a, &dots, &view, &usage, &err)
                       : a.map     ? map_dots(&a, &p, &o, &dots, &view, &err)
                                   : rectangle_dots(&a, &p, &o, &dots, &err);
    /* A rectangle, or a preset not placed on a photo, has no photo. */
    int has_photo = a.src.design || a.map || (a.src.preset && (a.given & GIVEN_GLABELLA));
    if (st == SMPSIM_OK)
        st = write_dots(&a, dots, has_photo ? &view : NULL, &err);
    int rc = usage ? EXIT_USAGE : st == SMPSIM_OK ? 0 : library_error(&err, st);
    smpsim_dots_free(dots);
    return rc;
}

const cli_command dots_command =
    CLI_COMMAND("dots", "the dots of a rectangle, density map, design or preset as CSV or\n"
               "            JSON, with where each dot lands in the photo",
                cmd_dots, dots_usage, dots_footer, dots_groups, dots_args, NULL, 0);
