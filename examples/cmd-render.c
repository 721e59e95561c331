/* smpsim render: dots over a photo, written as a preview PNG. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLI_REGIONS 64
#define MAX_CLI_POINTS 4096

static const char *const render_usage =
    "Usage: smpsim render --photo IN --out OUT.png [OPTIONS]\n"
    "Composites blue-noise SMP dots over a photo (PNG or JPEG) in linear light and\n"
    "writes a PNG preview. Without --region the whole photo is treated.\n"
    "\n"
    "  --photo FILE           input photo (PNG or JPEG; EXIF orientation applied)\n"
    "  --out FILE.png         output preview; never the input file; written atomically\n"
    "  --scale PX_PER_MM      photo pixels per millimetre on the scalp (default 6.5)\n"
    "  --calibrate X0,Y0,X1,Y1,MM\n"
    "                         set the scale from two photo points MM millimetres apart\n"
    "  --region X,Y X,Y X,Y ...\n"
    "                         a treated polygon in photo pixels (3 or more points);\n"
    "                         repeat --region for more polygons (later ones on top)\n"
    "  --density DOTS_PER_CM2 impressions per cm2 (default 100, about 1 mm apart)\n"
    "  --dot-mm D             visible dot diameter in mm (default 0.20)\n"
    "  --shade S              pigment shade 1..10, 10 = undiluted carbon black (default 5)\n"
    "  --seed N               random seed; same seed, same dots (default 1)\n"
    "  --quiet                print nothing on success\n"
    "\n"
    "The PNG carries the design and seed in text chunks (smpsim:design, smpsim:seed,\n"
    "smpsim:command).\n";

typedef struct polygon {
    size_t n;
    double *xy;
} polygon;

typedef struct render_args {
    const char *photo, *out;
    double scale, density, dot_mm, shade;
    double calib[5];
    int have_calib, have_scale, quiet;
    uint64_t seed;
    size_t n_regions;
    polygon regions[MAX_CLI_REGIONS];
} render_args;

static void render_args_free(render_args *a)
{
    for (size_t i = 0; i < a->n_regions; i++)
        free(a->regions[i].xy);
}

/* Consumes the X,Y arguments after --region; returns how many were used or -1. */
static int take_region(render_args *a, int argc, char **argv, int at)
{
    if (a->n_regions == MAX_CLI_REGIONS)
        return usage_error("render", "too many --region options (at most %d)", MAX_CLI_REGIONS),
               -1;
    polygon *p = &a->regions[a->n_regions++]; /* counted now: freed on every path */
    int used = 0;
    while (at + used < argc && strncmp(argv[at + used], "--", 2) != 0) {
        if (p->n == MAX_CLI_POINTS)
            return usage_error("render", "--region has more than %d points", MAX_CLI_POINTS), -1;
        double v[2];
        if (parse_tuple(argv[at + used], v, 2) != 0)
            return usage_error("render", "--region point '%s' is not X,Y in pixels",
                               argv[at + used]),
                   -1;
        double *grown = realloc(p->xy, (p->n + 1) * 2 * sizeof *grown);
        if (!grown)
            return complain("out of memory"), -1;
        p->xy = grown;
        p->xy[2 * p->n] = v[0];
        p->xy[2 * p->n + 1] = v[1];
        p->n++;
        used++;
    }
    if (p->n < 3)
        return usage_error("render", "--region needs at least 3 points X,Y (got %zu)", p->n), -1;
    return used;
}

static const numeric_flag render_numbers[] = {
    {"--scale", 0.01, 10000, offsetof(render_args, scale)},
    {"--density", 0.01, 1000, offsetof(render_args, density)},
    {"--dot-mm", 0.01, 3, offsetof(render_args, dot_mm)},
    {"--shade", 1, 10, offsetof(render_args, shade)},
};

static int parse_render(int argc, char **argv, render_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int took = take_number("render", render_numbers,
                               sizeof render_numbers / sizeof *render_numbers, a, f, v);
        if (took < 0)
            return -1;
        if (took > 0) {
            a->have_scale |= strcmp(f, "--scale") == 0;
            i++;
        } else if (strcmp(f, "--region") == 0) {
            int used = take_region(a, argc, argv, i + 1);
            if (used < 0)
                return -1;
            i += used;
        } else if (strcmp(f, "--quiet") == 0) {
            a->quiet = 1;
        } else if (!v && (strcmp(f, "--photo") == 0 || strcmp(f, "--out") == 0 ||
                          strcmp(f, "--seed") == 0 || strcmp(f, "--calibrate") == 0)) {
            return usage_error("render", "%s needs a value", f);
        } else if (strcmp(f, "--photo") == 0) {
            a->photo = argv[++i];
        } else if (strcmp(f, "--out") == 0) {
            a->out = argv[++i];
        } else if (strcmp(f, "--seed") == 0) {
            if (parse_u64(argv[++i], &a->seed) != 0)
                return usage_error("render", "--seed '%s' is not a whole number 0..2^64-1", v);
        } else if (strcmp(f, "--calibrate") == 0) {
            if (parse_tuple(argv[++i], a->calib, 5) != 0 || !(a->calib[4] > 0))
                return usage_error("render", "--calibrate '%s' is not X0,Y0,X1,Y1,MM", v);
            a->have_calib = 1;
        } else {
            return usage_error("render", "unknown option '%s'", f);
        }
    }
    if (!a->photo)
        return usage_error("render", "--photo is required");
    if (!a->out)
        return usage_error("render", "--out is required");
    if (a->have_calib && a->have_scale)
        return usage_error("render", "give --scale or --calibrate, not both");
    if (same_file(a->photo, a->out))
        return usage_error("render", "--out '%s' is the input photo; refusing to overwrite it",
                           a->out);
    return 0;
}

static smpsim_status build_design(const render_args *a, const smpsim_image *photo,
                                  smpsim_design **out, smpsim_error *err)
{
    smpsim_design *d;
    smpsim_status st = smpsim_design_new(&d, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim_view view = smpsim_view_flat(a->scale);
    if (a->have_calib)
        st = smpsim_view_calibrate(&view, a->calib[0], a->calib[1], a->calib[2], a->calib[3],
                                   a->calib[4], err);
    if (st == SMPSIM_OK)
        st = smpsim_design_set_view(d, &view, err);
    smpsim_design_set_seed(d, a->seed);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = a->density;
    p.dot_diameter_mm = a->dot_mm;
    p.shade = a->shade;
    double whole[8] = {0, 0, photo->width, 0, photo->width, photo->height, 0, photo->height};
    if (st == SMPSIM_OK && a->n_regions == 0)
        st = smpsim_design_add_polygon(d, whole, 4, SMPSIM_UNITS_PX, &p, err);
    for (size_t i = 0; st == SMPSIM_OK && i < a->n_regions; i++)
        st = smpsim_design_add_polygon(d, a->regions[i].xy, a->regions[i].n, SMPSIM_UNITS_PX, &p,
                                       err);
    if (st != SMPSIM_OK) {
        smpsim_design_free(d);
        return st;
    }
    *out = d;
    return SMPSIM_OK;
}

/* The command line that made a preview, for its metadata: everything but
 * --out and --quiet, so that the same design gives the same bytes whatever
 * the output file is called. */
static char *join_args(int argc, char **argv)
{
    size_t len = 8;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    strcpy(s, "smpsim");
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--quiet") == 0)
            continue;
        if (strcmp(argv[i], "--out") == 0) {
            i++;
            continue;
        }
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static smpsim_status save_preview(const smpsim_image *img, const render_args *a,
                                  const smpsim_design *d, const char *command,
                                  smpsim_error *err)
{
    char *summary = smpsim_design_describe(d);
    char seed[32], software[64];
    snprintf(seed, sizeof seed, "%" PRIu64, a->seed);
    snprintf(software, sizeof software, "smpsim %s", smpsim_version());
    smpsim_text texts[] = {
        {"Software", software},
        {"smpsim:design", summary ? summary : ""},
        {"smpsim:seed", seed},
        {"smpsim:command", command ? command : ""},
    };
    smpsim_save_options so;
    smpsim_save_options_init(&so);
    so.texts = texts;
    so.n_texts = sizeof texts / sizeof *texts;
    smpsim_status st = smpsim_image_save_png(img, a->out, &so, err);
    free(summary);
    return st;
}

int cmd_render(int argc, char **argv)
{
    render_args a = {.scale = 6.5, .density = 100, .dot_mm = 0.2, .shade = 5, .seed = 1};
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(render_usage, stdout), 0;
    if (parse_render(argc, argv, &a) != 0) {
        render_args_free(&a);
        return EXIT_USAGE;
    }
    smpsim_error err = {0};
    smpsim_image *img = NULL;
    smpsim_design *design = NULL;
    smpsim_dots *dots = NULL;
    char *command = join_args(argc, argv);
    smpsim_status st = smpsim_image_load(a.photo, NULL, &img, &err);
    if (st == SMPSIM_OK)
        st = build_design(&a, img, &design, &err);
    if (st == SMPSIM_OK)
        st = smpsim_design_dots(design, &dots, &err);
    if (st == SMPSIM_OK)
        st = smpsim_render_dots(img, smpsim_design_get_view(design), dots, NULL, &err);
    if (st == SMPSIM_OK)
        st = save_preview(img, &a, design, command, &err);
    if (st == SMPSIM_OK && !a.quiet)
        printf("%s: %zu dots (%ux%u px, %.3g px/mm, seed %" PRIu64 ")\n", a.out, dots->count,
               img->width, img->height, smpsim_design_get_view(design)->px_per_mm, a.seed);
    int rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
    free(command);
    smpsim_dots_free(dots);
    smpsim_design_free(design);
    smpsim_image_free(img);
    render_args_free(&a);
    return rc;
}
