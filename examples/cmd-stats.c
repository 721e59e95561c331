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
    "\n";

static const char *const stats_footer =
    "Exit status: 0 success (even with warnings), 1 failed (invalid design, write\n"
    "error), 2 bad command line.\n";

typedef struct stats_args {
    source_args src;
    const char *out;
    double per_minute;
    int json;
    uint64_t given;
} stats_args;

static const opt stats_opts[] = {
    {"--json", OPT_SWITCH, offsetof(stats_args, json), 1,
     .help = "  --json                 one JSON object on standard output\n"},
    {"--out", OPT_PATH, offsetof(stats_args, out),
     .help = "  --out FILE             write the JSON to FILE atomically instead\n"},
    {"--per-minute", OPT_NUMBER, offsetof(stats_args, per_minute), 1, 2000,
     .help = "  --per-minute N         working pace in impressions per minute, 1..2000\n"
             "                         (default 90: an assumption, not a measurement; time\n"
             "                         yourself and give your own pace)\n"},
};

static const opt_group stats_groups[] = {
    OPT_GROUP(source_opts, stats_args, src, GIVEN_DESIGN | GIVEN_PRESET | GIVEN_SEED, NULL),
    OPT_OWN(stats_opts, NULL),
};

static int check_stats_args(const stats_args *a)
{
    if ((a->src.design != NULL) + (a->src.preset != NULL) != 1)
        return usage_error("stats", "give one of --design and --preset");
    const char *inputs[] = {a->src.design}, *what[] = {"design file"};
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
    return stdout_flushed(st, err);
}

static int cmd_stats(int argc, char **argv)
{
    stats_args a = {.out = NULL};
    source_init(&a.src);
    if (cli_parse(&stats_command, argc, argv, &a) != 0 || check_stats_args(&a) != 0)
        return EXIT_USAGE;
    smpsim_error err = {0};
    smpsim_design *d = NULL;
    smpsim_stats *s = NULL;
    smpsim_warning *w = NULL;
    size_t n = 0;
    smpsim_stats_options o;
    smpsim_stats_options_init(&o);
    o.impressions_per_minute = a.per_minute;
    smpsim_status st = load_design_arg(a.src.design, a.src.preset, &d, &err);
    if (st == SMPSIM_OK && (a.given & GIVEN_SEED))
        smpsim_design_set_seed(d, a.src.seed);
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

const cli_command stats_command =
    CLI_COMMAND("stats", "dots per session and region, area, spacing, coverage, working time",
                cmd_stats, stats_usage, stats_footer, stats_groups, stats_args, NULL, 0);
