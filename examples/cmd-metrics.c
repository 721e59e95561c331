/* smpsim metrics: the quality measures of a dot list. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metrics_usage =
    "Usage: smpsim metrics DOTS.csv | --design DESIGN.json | --preset NAME\n"
    "                      [--window X0,Y0,X1,Y1] [--json] [--seed N]\n"
    "       smpsim metrics --photo PHOTO --preview PREVIEW [--region X,Y X,Y X,Y ...]\n"
    "                      [--scale PX_PER_MM | --design DESIGN.json] [--distance-m D]\n"
    "                      [--json]\n"
    "Prints the quality measures of a dot list (as written by `smpsim dots`):\n"
    "count and density, normalised Poisson-disk radius rho (dart throwing ~0.75,\n"
    "lattice 1), nearest-neighbour mean and coefficient of variation, follicle-group\n"
    "histogram, and the power spectrum's low-frequency power and anisotropy.\n"
    "With --photo and --preview: how the preview differs from the photo inside the\n"
    "region (photo pixels; default the whole image), in CIELAB D65 (docs/realism.md,\n"
    "\"Measuring the look\"): dL* and dC* of the mean colour, dC* between the dots,\n"
    "the dot-scale texture added (sigma_add: std of L* at 5 px/mm around a 1 mm local\n"
    "mean) and the share of cells 4 L* darker than their surroundings (dark).\n"
    "\n";

typedef struct report {
    double window[4], area_cm2, rho, nn_mean, nn_cv, share[5];
    size_t count, groups;
    int have_spectrum;
    double low_mean, low_max, anisotropy_db, peak, peak_at;
} report;

static void default_window(const smpsim_dots *d, double w[4])
{
    w[0] = w[1] = INFINITY;
    w[2] = w[3] = -INFINITY;
    for (size_t i = 0; i < d->count; i++) {
        w[0] = fmin(w[0], d->dots[i].x_mm), w[1] = fmin(w[1], d->dots[i].y_mm);
        w[2] = fmax(w[2], d->dots[i].x_mm), w[3] = fmax(w[3], d->dots[i].y_mm);
    }
    double mx = 0.1 * (w[2] - w[0]), my = 0.1 * (w[3] - w[1]);
    w[0] += mx, w[2] -= mx, w[1] += my, w[3] -= my;
}

static void measure(const smpsim_dots *d, report *r)
{
    const double *w = r->window;
    r->count = smpsim_measure_count(d, w[0], w[1], w[2], w[3], 0);
    r->area_cm2 = (w[2] - w[0]) * (w[3] - w[1]) / 100.0;
    r->rho = smpsim_measure_rho(d, w[0], w[1], w[2], w[3]);
    smpsim_measure_nn(d, w[0], w[1], w[2], w[3], &r->nn_mean, &r->nn_cv);
    r->groups = smpsim_measure_groups(d, r->share);
    smpsim_spectrum *s = NULL;
    double side = fmin(w[2] - w[0], w[3] - w[1]);
    if (smpsim_measure_spectrum(d, w[0], w[1], side, &s, NULL) != SMPSIM_OK)
        return;
    r->have_spectrum = 1;
    r->low_mean = s->low_mean;
    r->low_max = s->low_max;
    r->anisotropy_db = s->mean_anisotropy_db;
    for (size_t b = 0; b < s->n_bins; b++)
        if (s->radial[b] > r->peak)
            r->peak = s->radial[b], r->peak_at = (b + 0.5) * s->bin_width;
    smpsim_spectrum_free(s);
}

static void print_text(const char *path, const report *r)
{
    const double *w = r->window;
    printf("%s\n", path);
    printf("  window            %.2f,%.2f - %.2f,%.2f mm (%.2f cm2)\n", w[0], w[1], w[2], w[3],
           r->area_cm2);
    printf("  dots              %zu (%.1f per cm2)\n", r->count, r->count / r->area_cm2);
    printf("  rho               %.3f\n", r->rho);
    printf("  nearest neighbour mean %.3f mm, CV %.3f\n", r->nn_mean, r->nn_cv);
    printf("  groups            %zu: 1 dot %.1f %%, 2 %.1f %%, 3 %.1f %%, 4 %.1f %%, 5+ %.1f %%\n",
           r->groups, 100 * r->share[0], 100 * r->share[1], 100 * r->share[2],
           100 * r->share[3], 100 * r->share[4]);
    if (r->have_spectrum)
        printf("  spectrum          power below 0.5 f0: mean %.3f, max %.3f (white noise: 1); "
               "peak %.2f at %.2f f0; anisotropy %.2f dB\n",
               r->low_mean, r->low_max, r->peak, r->peak_at, r->anisotropy_db);
    else
        printf("  spectrum          (too few dots in the window)\n");
}

static void print_json(const char *path, const report *r)
{
    const double *w = r->window;
    printf("{\"file\": \"");
    for (const char *p = path; *p; p++)
        printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
    printf("\", \"window_mm\": [%.4f, %.4f, %.4f, %.4f], \"area_cm2\": %.4f, \"count\": %zu, "
           "\"density_per_cm2\": %.3f, \"rho\": %.4f, \"nn_mean_mm\": %.4f, \"nn_cv\": %.4f, "
           "\"groups\": %zu, \"group_share\": [%.4f, %.4f, %.4f, %.4f, %.4f]",
           w[0], w[1], w[2], w[3], r->area_cm2, r->count, r->count / r->area_cm2, r->rho,
           r->nn_mean, r->nn_cv, r->groups, r->share[0], r->share[1], r->share[2], r->share[3],
           r->share[4]);
    if (r->have_spectrum)
        printf(", \"spectrum\": {\"low_mean\": %.4f, \"low_max\": %.4f, \"peak\": %.4f, "
               "\"peak_at_f0\": %.3f, \"anisotropy_db\": %.3f}",
               r->low_mean, r->low_max, r->peak, r->peak_at, r->anisotropy_db);
    printf("}\n");
}

typedef struct metrics_args {
    source_args src;
    const char *path, *preview;
    double window[4], distance_m;
    polygons region;
    int json;
    uint64_t given;
} metrics_args;

#define GIVEN_WINDOW (1ull << 40)
#define GIVEN_PREVIEW (1ull << 41)
#define GIVEN_DISTANCE (1ull << 42)

static const opt metrics_opts[] = {
    {"--window", OPT_TUPLE, offsetof(metrics_args, window), 4, .what = "X0,Y0,X1,Y1 in mm",
     .bit = GIVEN_WINDOW,
     .help = "  --window X0,Y0,X1,Y1   measure the dots in this rectangle (mm; default: the\n"
             "                         dots' bounding box shrunk by 10 % on each side, so that\n"
             "                         outlines do not count)\n"},
    {"--json", OPT_SWITCH, offsetof(metrics_args, json), 1,
     .help = "  --json                 machine-readable output\n"},
    {"--preview", OPT_PATH, offsetof(metrics_args, preview), .bit = GIVEN_PREVIEW,
     .help = "  --preview FILE         with --photo: the preview to measure against it\n"},
    {"--region", OPT_POINTS, offsetof(metrics_args, region), .bit = GIVEN_REGION,
     .help = "  --region X,Y X,Y X,Y ...\n"
             "                         with --preview: the treated area in photo pixels\n"},
    {"--distance-m", OPT_NUMBER, offsetof(metrics_args, distance_m), 0.05, 100,
     .bit = GIVEN_DISTANCE,
     .help = "  --distance-m D         with --preview: both images as an eye sees them from\n"
             "                         D metres\n"},
};

static const opt_group metrics_groups[] = {
    OPT_GROUP(source_opts, metrics_args, src,
              GIVEN_DESIGN | GIVEN_PRESET | GIVEN_SEED | GIVEN_PHOTO | GIVEN_SCALE, NULL),
    OPT_OWN(metrics_opts, NULL),
};

/* metrics --photo --preview: the look of a preview against its photo
 * (smpsim_measure_appearance). */
static int appearance(const metrics_args *a)
{
    if (!a->src.photo || !a->preview)
        return usage_error("metrics", "--photo and --preview go together");
    if (a->path || a->src.preset || (a->given & (GIVEN_WINDOW | GIVEN_SEED)))
        return usage_error("metrics", "--photo/--preview measure a preview; a dot list, "
                                      "--preset, --window and --seed measure dots");
    if (a->region.n > 1)
        return usage_error("metrics", "one --region at a time");
    smpsim_error err = {0};
    smpsim_image *photo = NULL, *preview = NULL;
    smpsim_design *d = NULL;
    smpsim_appearance m;
    double scale = (a->given & GIVEN_SCALE) ? a->src.scale : 6.5;
    smpsim_status st = SMPSIM_OK;
    if (a->src.design) {
        st = load_design_arg(a->src.design, NULL, &d, &err);
        if (st == SMPSIM_OK && !(a->given & GIVEN_SCALE))
            scale = smpsim_design_get_view(d)->px_per_mm;
    }
    if (st == SMPSIM_OK)
        st = smpsim_image_load(a->src.photo, NULL, &photo, &err);
    if (st == SMPSIM_OK)
        st = smpsim_image_load(a->preview, NULL, &preview, &err);
    const polygon *reg = a->region.n ? &a->region.p[0] : NULL;
    if (st == SMPSIM_OK)
        st = smpsim_measure_appearance(photo, preview, reg ? reg->xy : NULL, reg ? reg->n : 0,
                                       scale, a->distance_m, &m, &err);
    smpsim_design_free(d);
    smpsim_image_free(photo);
    smpsim_image_free(preview);
    if (st != SMPSIM_OK)
        return library_error(&err, st);
    if (a->json) {
        printf("{\"dL\": %.3f, \"dC\": %.3f, \"between_dC\": %.3f, \"sigma_add\": %.3f, "
               "\"dark\": %.4f, \"sigma_treated\": %.3f, \"sigma_untreated\": %.3f, "
               "\"dark_untreated\": %.4f, \"L_treated\": %.3f, \"L_untreated\": %.3f, "
               "\"C_treated\": %.3f, \"C_untreated\": %.3f, \"px_per_mm\": %.4g, "
               "\"distance_m\": %.4g, \"pixels\": %zu}\n",
               m.delta_lightness, m.delta_chroma, m.delta_chroma_between, m.sigma_added,
               m.dark_fraction, m.sigma_treated, m.sigma_untreated, m.dark_fraction_untreated,
               m.lightness_treated, m.lightness_untreated, m.chroma_treated, m.chroma_untreated,
               scale, a->distance_m, m.n_pixels);
        return stdout_flushed(SMPSIM_OK, &err) == SMPSIM_OK ? 0 : library_error(&err, SMPSIM_EIO);
    }
    printf("%s vs %s (%zu px, %.3g px/mm", a->preview, a->src.photo, m.n_pixels, scale);
    if (a->distance_m > 0)
        printf(", seen from %.3g m", a->distance_m);
    printf(")\n");
    printf("  dL*          %+.2f (L* %.2f -> %.2f)\n", m.delta_lightness, m.lightness_untreated,
           m.lightness_treated);
    printf("  dC*          %+.2f (C* %.2f -> %.2f)\n", m.delta_chroma, m.chroma_untreated,
           m.chroma_treated);
    printf("  between dC*  %+.2f\n", m.delta_chroma_between);
    printf("  sigma_add    %.2f (L* texture %.2f -> %.2f)\n", m.sigma_added, m.sigma_untreated,
           m.sigma_treated);
    printf("  dark         %.3f (photo %.3f)\n", m.dark_fraction, m.dark_fraction_untreated);
    return stdout_flushed(SMPSIM_OK, &err) == SMPSIM_OK ? 0 : library_error(&err, SMPSIM_EIO);
}

/* The dots to measure: a CSV list, or a design's (file or preset). */
static smpsim_status load_dots(const metrics_args *a, smpsim_dots **out, smpsim_error *err)
{
    if (a->path)
        return smpsim_dots_load_csv(a->path, 0, out, err);
    smpsim_design *d = NULL;
    smpsim_status st = load_design_arg(a->src.design, a->src.preset, &d, err);
    if (st == SMPSIM_OK && (a->given & GIVEN_SEED))
        smpsim_design_set_seed(d, a->src.seed);
    if (st == SMPSIM_OK)
        st = smpsim_design_dots(d, out, err);
    smpsim_design_free(d);
    return st;
}

static int cmd_metrics(int argc, char **argv)
{
    metrics_args a = {.path = NULL};
    source_init(&a.src);
    report r = {0};
    if (cli_parse(&metrics_command, argc, argv, &a) != 0) {
        polygons_free(&a.region);
        return EXIT_USAGE;
    }
    if (a.given & (GIVEN_PHOTO | GIVEN_PREVIEW | GIVEN_REGION | GIVEN_DISTANCE | GIVEN_SCALE)) {
        int rc = appearance(&a);
        polygons_free(&a.region);
        return rc;
    }
    const char *path = a.path, *design = a.src.design, *preset = a.src.preset;
    int json = a.json, have_window = (a.given & GIVEN_WINDOW) != 0;
    if (have_window && !(a.window[2] > a.window[0] && a.window[3] > a.window[1]))
        return usage_error("metrics", "--window needs X0,Y0,X1,Y1 with X1 > X0, Y1 > Y0");
    memcpy(r.window, a.window, sizeof r.window);
    if ((path != NULL) + (design != NULL) + (preset != NULL) != 1)
        return usage_error("metrics", "give one dot list (CSV), --design or --preset");
    if (path && (a.given & GIVEN_SEED))
        return usage_error("metrics", "--seed makes a design's dots again; a dot list has its "
                                      "own");
    smpsim_error err = {0};
    smpsim_dots *dots = NULL;
    smpsim_status st = load_dots(&a, &dots, &err);
    const char *label = path ? path : (design ? design : preset);
    if (st != SMPSIM_OK)
        return library_error(&err, st);
    if (dots->count < 2) {
        complain("%s: %zu dots; measures need at least 2", label, dots->count);
        smpsim_dots_free(dots);
        return EXIT_FAILURE;
    }
    if (!have_window)
        default_window(dots, r.window);
    measure(dots, &r);
    /* Duplicate or collinear dots, or a window of no area, leave a measure
     * undefined: refused rather than printed as nan or inf (not JSON). */
    const char *undefined = !isfinite(r.area_cm2) || !(r.area_cm2 > 0.0) ? "the window's area"
                            : !isfinite(r.rho)                            ? "rho"
                            : !isfinite(r.nn_mean) || !isfinite(r.nn_cv)  ? "the nearest-neighbour spacing"
                            : r.have_spectrum && !(isfinite(r.low_mean) && isfinite(r.low_max) &&
                                                   isfinite(r.anisotropy_db) && isfinite(r.peak))
                                ? "the spectrum"
                                : NULL;
    if (undefined) {
        complain("%s: %s is 0 or not a finite number (duplicate or collinear dots, or a window "
                 "with no area?)", label, undefined);
        smpsim_dots_free(dots);
        return EXIT_FAILURE;
    }
    if (json)
        print_json(label, &r);
    else
        print_text(label, &r);
    smpsim_dots_free(dots);
    return 0;
}

const cli_command metrics_command =
    CLI_COMMAND("metrics", "measure a dot list: density, spacing (rho, CV), groups, spectrum",
                cmd_metrics, metrics_usage, NULL, metrics_groups, metrics_args, "dot list",
                offsetof(metrics_args, path));
