/* Benchmark: the cost of outline geometry (issues 18 and 19). A design's
 * dots (field, sampling, outline tests), median of RUNS, next to a plain
 * rectangle with the same expected number of dots measured in the same run:
 * a real design should cost what such a rectangle costs.
 *
 *   crown, fair-frontal, strip-scar   the sample designs
 *   discs-100k    one points region of 100 000 overlapping punch discs
 *   polygon-100k  one polygon of 100 000 points at 1000 dots/cm2
 *
 * The two large cases are also "checked" (dots plus design warnings); their
 * absolute times are the "Done when" figures of issue 19 (under 2 s each).
 * Public API only, so that the same file measures an older library.
 *
 * Usage: bench-geometry SAMPLES_DIR [samples] */
#include <smpsim/smpsim.h>

#include "bench-util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define RUNS 3

typedef struct dots_case {
    const smpsim_design *design;
    int check; /* also the design warnings */
    size_t count;
} dots_case;

static void run_dots(void *arg)
{
    dots_case *c = arg;
    smpsim_dots *dots = NULL;
    smpsim_error err = {0};
    if (smpsim_design_dots(c->design, &dots, &err) != SMPSIM_OK) {
        fprintf(stderr, "bench-geometry: %s\n", err.message);
        exit(1);
    }
    c->count = dots->count;
    smpsim_dots_free(dots);
    if (c->check) {
        smpsim_warning *w = NULL;
        size_t n = 0;
        if (smpsim_design_check(c->design, &w, &n, NULL) != SMPSIM_OK)
            exit(1);
        free(w);
    }
}

/* A square at 100 dots/cm2 holding `count` dots. */
static smpsim_design *rectangle_like(double count)
{
    double side = sqrt(count / 100.0) * 10.0; /* mm */
    double xy[8] = {0, -side, side, -side, side, 0, 0, 0};
    smpsim_design *d = NULL;
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 100;
    if (smpsim_design_new(&d, NULL) != SMPSIM_OK ||
        smpsim_design_add_polygon(d, xy, 4, SMPSIM_UNITS_MM, &p, NULL) != SMPSIM_OK)
        exit(1);
    return d;
}

static void report(const char *name, smpsim_design *d, int check)
{
    dots_case c = {d, check, 0};
    double t = median_time(run_dots, &c, RUNS);
    smpsim_design *rect = rectangle_like((double)c.count);
    dots_case r = {rect, check, 0};
    double tr = median_time(run_dots, &r, RUNS);
    printf("%-13s %-5s %7zu dots  %8.1f ms  rectangle %7zu dots %8.1f ms  ratio %5.2fx\n", name,
           check ? "check" : "dots", c.count, t * 1e3, r.count, tr * 1e3, t / tr);
    smpsim_design_free(rect);
}

static smpsim_design *discs(size_t n)
{
    double *xy = malloc(2 * n * sizeof *xy);
    size_t side = (size_t)ceil(sqrt((double)n));
    unsigned s = 1;
    for (size_t i = 0; i < n; i++) { /* a jittered 1 mm grid, 1.2 mm discs */
        s = s * 1103515245u + 12345u;
        xy[2 * i] = (double)(i % side) + ((s >> 16) % 200) / 1000.0 - 0.1;
        s = s * 1103515245u + 12345u;
        xy[2 * i + 1] = -20.0 - (double)(i / side) + ((s >> 16) % 200) / 1000.0 - 0.1;
    }
    smpsim_design *d = NULL;
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 120;
    if (smpsim_design_new(&d, NULL) != SMPSIM_OK ||
        smpsim_design_add_points(d, xy, n, 1.2, SMPSIM_UNITS_MM, &p, NULL) != SMPSIM_OK)
        exit(1);
    free(xy);
    return d;
}

static smpsim_design *fine_polygon(size_t n)
{
    double *xy = malloc(2 * n * sizeof *xy);
    for (size_t k = 0; k < n; k++) { /* a circle of 60 mm, every other point 1 mm out */
        double a = 2 * 3.14159265358979323846 * (double)k / (double)n, r = 60.0 + (double)(k % 2);
        xy[2 * k] = r * cos(a);
        xy[2 * k + 1] = -150.0 + r * sin(a);
    }
    smpsim_design *d = NULL;
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 1000;
    if (smpsim_design_new(&d, NULL) != SMPSIM_OK ||
        smpsim_design_add_polygon(d, xy, n, SMPSIM_UNITS_MM, &p, NULL) != SMPSIM_OK)
        exit(1);
    free(xy);
    return d;
}

int main(int argc, char **argv)
{
    const char *samples = argc > 1 ? argv[1] : "samples";
    printf("smpsim %s geometry benchmark (median of %d runs; ratios against a same-count "
           "rectangle run alongside)\n",
           smpsim_version(), RUNS);
#if SMPSIM_HAVE_JSON /* design files */
    const char *names[] = {"crown", "fair-frontal", "strip-scar"};
    for (int i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/designs/%s.json", samples, names[i]);
        smpsim_design *d = NULL;
        smpsim_error err = {0};
        if (smpsim_design_load(path, NULL, &d, &err) != SMPSIM_OK) {
            printf("%-13s (skipped: %s)\n", names[i], err.message);
            continue;
        }
        report(names[i], d, 0);
        smpsim_design_free(d);
    }
#else
    (void)samples;
#endif
    if (argc > 2) /* "samples": only the sample designs (older libraries take minutes below) */
        return 0;
    smpsim_design *d = discs(100000);
    report("discs-100k", d, 1);
    smpsim_design_free(d);
    d = fine_polygon(100000);
    report("polygon-100k", d, 1);
    smpsim_design_free(d);
    return 0;
}
