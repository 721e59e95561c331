/* smpsim metrics: the quality measures of a dot list. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metrics_usage =
    "Usage: smpsim metrics DOTS.csv | --design DESIGN.json | --preset NAME\n"
    "                      [--window X0,Y0,X1,Y1] [--json]\n"
    "       smpsim metrics --photo PHOTO --preview PREVIEW [--region X,Y X,Y X,Y ...]\n"
    "                      [--scale PX_PER_MM | --design DESIGN.json] [--distance-m D]\n"
    "                      [--json]\n"
    "Prints the quality measures of a dot list (as written by `smpsim dots`):\n"
    "count and density, normalised Poisson-disk radius rho (dart throwing ~0.75,\n"
    "lattice 1), nearest-neighbour mean and coefficient of variation, follicle-group\n"
    "histogram, and the power spectrum's low-frequency power and anisotropy.\n"
    "\n"
    "  --window X0,Y0,X1,Y1   measure the dots in this rectangle (mm; default: the\n"
    "                         dots' bounding box shrunk by 10 % on each side, so that\n"
    "                         outlines do not count)\n"
    "  --json                 machine-readable output\n"
    "\n"
    "With --photo and --preview: how the preview differs from the photo inside the\n"
    "region (photo pixels; default the whole image), in CIELAB D65 (docs/realism.md,\n"
    "\"Measuring the look\"): dL* and dC* of the mean colour, dC* between the dots,\n"
    "the dot-scale texture added (sigma_add: std of L* at 5 px/mm around a 1 mm local\n"
    "mean) and the share of cells 4 L* darker than their surroundings (dark).\n"
    "  --scale PX_PER_MM      the photo's scale (default 6.5; or --design's view)\n"
    "  --distance-m D         both images as an eye sees them from D metres\n";

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

/* The dots to measure: a CSV list, or a design's (file or preset). */
static smpsim_status load_dots(const char *path, const char *design, const char *preset,
                               smpsim_dots **out, smpsim_error *err)
{
    if (path)
        return smpsim_dots_load_csv(path, 0, out, err);
    smpsim_design *d = NULL;
    smpsim_status st = load_design_arg(design, preset, &d, err);
    if (st == SMPSIM_OK)
        st = smpsim_design_dots(d, out, err);
    smpsim_design_free(d);
    return st;
}

#define MAX_REGION_POINTS 256

typedef struct look_args {
    const char *photo, *preview, *design;
    double scale, distance_m, xy[2 * MAX_REGION_POINTS];
    size_t n_points;
    int json;
} look_args;

static int appearance(const look_args *a)
{
    smpsim_error err = {0};
    smpsim_image *photo = NULL, *preview = NULL;
    smpsim_design *d = NULL;
    smpsim_appearance m;
    double scale = a->scale > 0 ? a->scale : 6.5;
    smpsim_status st = SMPSIM_OK;
    if (a->design) {
        st = load_design_arg(a->design, NULL, &d, &err);
        if (st == SMPSIM_OK && a->scale == 0)
            scale = smpsim_design_get_view(d)->px_per_mm;
    }
    if (st == SMPSIM_OK)
        st = smpsim_image_load(a->photo, NULL, &photo, &err);
    if (st == SMPSIM_OK)
        st = smpsim_image_load(a->preview, NULL, &preview, &err);
    if (st == SMPSIM_OK)
        st = smpsim_measure_appearance(photo, preview, a->n_points ? a->xy : NULL, a->n_points,
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
        return 0;
    }
    printf("%s vs %s (%zu px, %.3g px/mm", a->preview, a->photo, m.n_pixels, scale);
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
    return 0;
}

/* Parses the appearance flags; returns -1 when argv is a dot-list call,
 * else the exit status. */
static int appearance_command(int argc, char **argv)
{
    look_args a = {0};
    int wanted = 0;
    for (int i = 1; i < argc; i++)
        wanted |= strcmp(argv[i], "--photo") == 0 || strcmp(argv[i], "--preview") == 0;
    if (!wanted)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        if (strcmp(f, "--json") == 0) {
            a.json = 1;
            continue;
        }
        if (strcmp(f, "--region") == 0) {
            if (a.n_points)
                return usage_error("metrics", "one --region at a time");
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                if (a.n_points == MAX_REGION_POINTS)
                    return usage_error("metrics", "--region has more than %d points",
                                       MAX_REGION_POINTS);
                if (parse_tuple(argv[++i], a.xy + 2 * a.n_points, 2) != 0)
                    return usage_error("metrics", "--region point '%s' is not X,Y in pixels",
                                       argv[i]);
                a.n_points++;
            }
            if (a.n_points < 3)
                return usage_error("metrics", "--region needs at least 3 points X,Y");
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("metrics", "%s needs a value", f);
        const char *v = argv[++i];
        if (strcmp(f, "--photo") == 0) {
            a.photo = v;
        } else if (strcmp(f, "--preview") == 0) {
            a.preview = v;
        } else if (strcmp(f, "--design") == 0) {
            a.design = v;
        } else if (strcmp(f, "--scale") == 0) {
            if (parse_double(v, 0.5, 1000, &a.scale) != 0)
                return usage_error("metrics", "--scale needs 0.5..1000 px/mm, not '%s'", v);
        } else if (strcmp(f, "--distance-m") == 0) {
            if (parse_double(v, 0.05, 100, &a.distance_m) != 0)
                return usage_error("metrics", "--distance-m needs 0.05..100, not '%s'", v);
        } else {
            return usage_error("metrics", "unknown option '%s' with --photo/--preview", f);
        }
    }
    if (!a.photo || !a.preview)
        return usage_error("metrics", "--photo and --preview go together");
    return appearance(&a);
}

int cmd_metrics(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(metrics_usage, stdout), 0;
    int looked = appearance_command(argc, argv);
    if (looked >= 0)
        return looked;
    const char *path = NULL, *design = NULL, *preset = NULL;
    int json = 0, have_window = 0;
    report r = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(metrics_usage, stdout), 0;
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--window") == 0) {
            if (i + 1 >= argc || parse_tuple(argv[++i], r.window, 4) != 0 ||
                !(r.window[2] > r.window[0] && r.window[3] > r.window[1]))
                return usage_error("metrics", "--window needs X0,Y0,X1,Y1 with X1 > X0, Y1 > Y0");
            have_window = 1;
        } else if (strcmp(argv[i], "--design") == 0 || strcmp(argv[i], "--preset") == 0) {
            if (i + 1 >= argc)
                return usage_error("metrics", "%s needs a value", argv[i]);
            *(argv[i][2] == 'd' ? &design : &preset) = argv[i + 1];
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage_error("metrics", "unknown option '%s'", argv[i]);
        } else if (path) {
            return usage_error("metrics", "one dot list at a time ('%s' and '%s')", path, argv[i]);
        } else {
            path = argv[i];
        }
    }
    if ((path != NULL) + (design != NULL) + (preset != NULL) != 1)
        return usage_error("metrics", "give one dot list (CSV), --design or --preset");
    smpsim_error err = {0};
    smpsim_dots *dots = NULL;
    smpsim_status st = load_dots(path, design, preset, &dots, &err);
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
