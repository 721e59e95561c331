/* smpsim dots: the dots of a rectangle as CSV or JSON. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dots_usage =
    "Usage: smpsim dots --width-mm W --height-mm H [OPTIONS]\n"
    "Generates the dots of a W x H mm rectangle and writes them one per line.\n"
    "\n"
    "  --width-mm W, --height-mm H   size of the rectangle in mm (0.1..10000)\n"
    "  --density DOTS_PER_CM2        impressions per cm2 (default 100)\n"
    "  --dot-mm D                    dot diameter in mm (default 0.20)\n"
    "  --shade S                     shade 1..10 (default 5)\n"
    "  --seed N                      random seed (default 1)\n"
    "  --format csv|json             output format (default csv)\n"
    "  --out FILE                    write to FILE atomically instead of standard output\n"
    "\n"
    "CSV header: x_mm,y_mm,diameter_mm,shade,session,group,region\n";

typedef struct dots_args {
    double width_mm, height_mm, density, dot_mm, shade;
    uint64_t seed;
    const char *format, *out;
} dots_args;

static const numeric_flag dots_numbers[] = {
    {"--width-mm", 0.1, 10000, offsetof(dots_args, width_mm)},
    {"--height-mm", 0.1, 10000, offsetof(dots_args, height_mm)},
    {"--density", 0.01, 1000, offsetof(dots_args, density)},
    {"--dot-mm", 0.01, 3, offsetof(dots_args, dot_mm)},
    {"--shade", 1, 10, offsetof(dots_args, shade)},
};

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
        if (strcmp(f, "--seed") != 0 && strcmp(f, "--format") != 0 && strcmp(f, "--out") != 0)
            return usage_error("dots", "unknown option '%s'", f);
        if (!v)
            return usage_error("dots", "%s needs a value", f);
        i++;
        if (strcmp(f, "--seed") == 0 && parse_u64(v, &a->seed) != 0)
            return usage_error("dots", "--seed '%s' is not a whole number 0..2^64-1", v);
        if (strcmp(f, "--format") == 0)
            a->format = v;
        if (strcmp(f, "--out") == 0)
            a->out = v;
    }
    if (a->width_mm == 0 || a->height_mm == 0)
        return usage_error("dots", "--width-mm and --height-mm are required");
    if (strcmp(a->format, "csv") != 0 && strcmp(a->format, "json") != 0)
        return usage_error("dots", "--format '%s' is not csv or json", a->format);
    return 0;
}

int cmd_dots(int argc, char **argv)
{
    dots_args a = {.density = 100, .dot_mm = 0.2, .shade = 5, .seed = 1, .format = "csv"};
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(dots_usage, stdout), 0;
    if (parse_dots(argc, argv, &a) != 0)
        return EXIT_USAGE;
    smpsim_error err = {0};
    smpsim_design *d = NULL;
    smpsim_dots *dots = NULL;
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = a.density;
    p.dot_diameter_mm = a.dot_mm;
    p.shade = a.shade;
    double rect[8] = {0, 0, a.width_mm, 0, a.width_mm, a.height_mm, 0, a.height_mm};
    smpsim_status st = smpsim_design_new(&d, &err);
    if (st == SMPSIM_OK) {
        smpsim_design_set_seed(d, a.seed);
        st = smpsim_design_add_polygon(d, rect, 4, SMPSIM_UNITS_MM, &p, &err);
    }
    if (st == SMPSIM_OK)
        st = smpsim_design_dots(d, &dots, &err);
    smpsim_dots_format fmt = strcmp(a.format, "json") == 0 ? SMPSIM_DOTS_JSON : SMPSIM_DOTS_CSV;
    if (st == SMPSIM_OK && a.out)
        st = smpsim_dots_save(dots, fmt, a.out, &err);
    else if (st == SMPSIM_OK)
        st = smpsim_dots_write(dots, fmt, write_stdout, NULL, &err);
    if (st == SMPSIM_OK && !a.out && fflush(stdout) != 0) {
        st = SMPSIM_EIO;
        snprintf(err.message, sizeof err.message, "writing standard output: %s",
                 strerror(errno));
    }
    int rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
    return rc;
}
