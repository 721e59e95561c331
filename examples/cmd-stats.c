/* smpsim stats: counts and time estimates of a design. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stats_usage =
    "Usage: smpsim stats (--design DESIGN.json | --preset NAME) [--json] [--out FILE]\n"
    "                    [--per-minute N] [--seed N]\n"
    "Counts and estimates for a design's dots: dots per session and per region,\n"
    "treated area in cm2 (density field cells above zero, feathered margins\n"
    "included), mean nearest-neighbour spacing, pigment coverage (dot area over\n"
    "treated area), the design-rule warnings, and the working time per session.\n"
    "\n"
    "  --design DESIGN.json   the design file\n"
    "  --preset NAME          or a preset (see `smpsim presets`)\n"
    "  --json                 one JSON object on standard output\n"
    "  --out FILE             write the JSON to FILE atomically instead\n"
    "  --per-minute N         working pace in impressions per minute, 1..2000\n"
    "                         (default 90: an assumption, not a measurement; time\n"
    "                         yourself and give your own pace)\n"
    "  --seed N               override the design's seed\n"
    "\n"
    "Exit status: 0 success (even with warnings), 1 failed (invalid design, write\n"
    "error), 2 bad command line.\n";

typedef struct stats_args {
    const char *design, *preset, *out;
    double per_minute;
    uint64_t seed;
    int json, seed_given;
} stats_args;

static int parse_stats(int argc, char **argv, stats_args *a)
{
    static const numeric_flag numbers[] = {
        {"--per-minute", 1, 2000, offsetof(stats_args, per_minute)},
    };
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int took = take_number("stats", numbers, 1, a, f, v);
        if (took < 0)
            return -1;
        if (took > 0) {
            i++;
            continue;
        }
        if (strcmp(f, "--json") == 0) {
            a->json = 1;
            continue;
        }
        const char **slot = strcmp(f, "--design") == 0   ? &a->design
                            : strcmp(f, "--preset") == 0 ? &a->preset
                            : strcmp(f, "--out") == 0    ? &a->out
                                                         : NULL;
        if (!slot && strcmp(f, "--seed") != 0)
            return usage_error("stats", "unknown option '%s'", f);
        if (!v)
            return usage_error("stats", "%s needs a value", f);
        i++;
        if (slot)
            *slot = v;
        else if (parse_u64(v, &a->seed) != 0)
            return usage_error("stats", "--seed '%s' is not a whole number 0..2^64-1", v);
        else
            a->seed_given = 1;
    }
    if ((a->design != NULL) + (a->preset != NULL) != 1)
        return usage_error("stats", "give one of --design and --preset");
    const char *inputs[] = {a->design}, *what[] = {"design file"};
    return refuse_overwrite("stats", a->out, inputs, what, 1, NULL, NULL);
}

static void print_minutes(double minutes)
{
    long m = (long)(minutes + 0.5);
    if (m >= 60)
        printf("%ld h %02ld min", m / 60, m % 60);
    else
        printf("%ld min", m);
}

static void print_text(const smpsim_stats *s, const smpsim_warning *w, size_t n_warnings)
{
    printf("design: %s (seed %llu)\n", s->design_name ? s->design_name : "(unnamed)",
           (unsigned long long)s->seed);
    printf("dots: %zu in %.1f cm2 treated (%.1f per cm2); mean spacing %.2f mm (CV %.2f); "
           "pigment coverage %.2f %%\n",
           s->dots, s->treated_area_cm2, s->dots_per_cm2, s->mean_spacing_mm, s->spacing_cv,
           s->coverage_percent);
    for (size_t k = 0; k < s->n_sessions; k++) {
        const smpsim_session_stats *ss = &s->sessions[k];
        printf("session %zu: %zu dots, ", k + 1, ss->dots);
        print_minutes(ss->working_minutes);
        printf("; after it %zu dots, spacing %.2f mm, coverage %.2f %%\n", ss->cumulative_dots,
               ss->mean_spacing_mm, ss->coverage_percent);
    }
    if (s->unassigned_dots)
        printf("without a session: %zu dots\n", s->unassigned_dots);
    for (size_t r = 0; r < s->n_regions; r++)
        printf("region %zu: %zu dots in %.1f cm2 (%.1f per cm2)\n", r + 1, s->regions[r].dots,
               s->regions[r].area_cm2, s->regions[r].dots_per_cm2);
    printf("working time: ");
    print_minutes(s->working_minutes);
    printf(" at %g impressions per minute (an assumed pace: calibrate with --per-minute)\n",
           s->impressions_per_minute);
    if (n_warnings == 0)
        printf("no warnings\n");
    for (size_t i = 0; i < n_warnings; i++)
        printf("warning: %s\n", w[i].message);
}

static smpsim_status report_stats(const stats_args *a, const smpsim_stats *s,
                                  const smpsim_warning *w, size_t n, smpsim_error *err)
{
    if (a->out) {
        signals_hold();
        smpsim_status st = smpsim_stats_save_json(s, w, n, a->out, err);
        signals_release();
        return st;
    }
    smpsim_status st = SMPSIM_OK;
    if (a->json)
        st = smpsim_stats_write_json(s, w, n, write_stdout, NULL, err);
    else
        print_text(s, w, n);
    if (st == SMPSIM_OK && fflush(stdout) != 0) {
        st = SMPSIM_EIO;
        snprintf(err->message, sizeof err->message, "writing standard output: %s",
                 strerror(errno));
    }
    return st;
}

int cmd_stats(int argc, char **argv)
{
    stats_args a = {0};
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(stats_usage, stdout), 0;
    if (parse_stats(argc, argv, &a) != 0)
        return EXIT_USAGE;
    smpsim_error err = {0};
    smpsim_design *d = NULL;
    smpsim_stats *s = NULL;
    smpsim_warning *w = NULL;
    size_t n = 0;
    smpsim_stats_options o;
    smpsim_stats_options_init(&o);
    o.impressions_per_minute = a.per_minute;
    smpsim_status st = load_design_arg(a.design, a.preset, &d, &err);
    if (st == SMPSIM_OK && a.seed_given)
        smpsim_design_set_seed(d, a.seed);
    if (st == SMPSIM_OK)
        st = smpsim_design_check(d, &w, &n, &err);
    if (st == SMPSIM_OK)
        st = smpsim_design_stats(d, NULL, &o, &s, &err);
    if (st == SMPSIM_OK)
        st = report_stats(&a, s, w, n, &err);
    int rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
    smpsim_stats_free(s);
    free(w);
    smpsim_design_free(d);
    return rc;
}
