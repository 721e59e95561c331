/* smpsim check and smpsim presets: design files and the preset library. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const check_usage =
    "Usage: smpsim check DESIGN.json [--json]\n"
    "Validates a design file and prints its design-rule warnings (hairline too low,\n"
    "temples filled in, line too straight or too regular, shade darker than the hair,\n"
    "dots too close to survive healing), each with what to change, and its dot counts\n"
    "per session. Exit status 0 when the file is valid (even with warnings), 1 when\n"
    "it is not (the message names the JSON path and the problem). Regions are\n"
    "numbered from 1, as `smpsim stats` and the dots' region column count them.\n"
    "\n";

static const char *const presets_usage =
    "Usage: smpsim presets\n"
    "Lists the design presets with a one-line description. Use one with\n"
    "`smpsim render --preset NAME` or `smpsim dots --preset NAME`.\n";

smpsim_status load_design_arg(const char *path, const char *preset, smpsim_design **out,
                              smpsim_error *err)
{
    if (preset)
        return smpsim_design_new_preset(preset, out, err);
    return smpsim_design_load(path, NULL, out, err);
}

static void print_counts(const smpsim_dots *dots, size_t n_sessions, int json)
{
    size_t per[SMPSIM_MAX_SESSIONS + 1] = {0};
    for (size_t i = 0; i < dots->count; i++)
        if (dots->dots[i].session <= SMPSIM_MAX_SESSIONS)
            per[dots->dots[i].session]++;
    if (json) {
        printf("\"dots\": %zu, \"dots_per_session\": [", dots->count);
        for (size_t k = 1; k <= n_sessions; k++)
            printf("%s%zu", k > 1 ? ", " : "", per[k]);
        printf("]");
        return;
    }
    printf("  dots: %zu in all", dots->count);
    for (size_t k = 1; k <= n_sessions; k++)
        printf("; session %zu: %zu", k, per[k]);
    printf("\n");
}

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void report(const char *path, const smpsim_design *d, const smpsim_warning *w, size_t n,
                   const smpsim_dots *dots, int json)
{
    size_t n_sessions;
    smpsim_design_sessions(d, &n_sessions);
    if (json) {
        printf("{\"file\": ");
        print_json_string(path);
        printf(", \"valid\": true, \"regions\": %zu, ", smpsim_design_region_count(d));
        print_counts(dots, n_sessions, 1);
        printf(", \"warnings\": [");
        for (size_t i = 0; i < n; i++) {
            printf("%s{\"code\": %d, \"message\": ", i ? ", " : "", (int)w[i].code);
            print_json_string(w[i].message);
            printf("}");
        }
        printf("]}\n");
        return;
    }
    printf("%s: valid, %zu region(s)\n", path, smpsim_design_region_count(d));
    print_counts(dots, n_sessions, 0);
    if (n == 0)
        printf("  no warnings\n");
    for (size_t i = 0; i < n; i++)
        printf("  warning: %s\n", w[i].message);
}

typedef struct check_args {
    const char *path;
    int json;
    uint64_t given;
} check_args;

static const opt check_opts[] = {
    {"--json", OPT_SWITCH, offsetof(check_args, json), 1,
     .help = "  --json                 one JSON object on standard output\n"},
};
static const opt_group check_groups[] = {OPT_OWN(check_opts, NULL)};

static int cmd_check(int argc, char **argv)
{
    check_args a = {.path = NULL};
    if (cli_parse(&check_command, argc, argv, &a) != 0)
        return EXIT_USAGE;
    const char *path = a.path;
    int json = a.json;
    if (!path)
        return usage_error("check", "a design file is required");
    smpsim_error err = {0};
    smpsim_design *d = NULL;
    smpsim_warning *w = NULL;
    smpsim_dots *dots = NULL;
    size_t n = 0;
    smpsim_status st = smpsim_design_load(path, NULL, &d, &err);
    if (st == SMPSIM_OK)
        st = smpsim_design_check(d, &w, &n, &err);
    if (st == SMPSIM_OK)
        st = smpsim_design_dots(d, &dots, &err);
    if (st == SMPSIM_OK)
        report(path, d, w, n, dots, json);
    int rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
    free(w);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
    return rc;
}

static int cmd_presets(int argc, char **argv)
{
    uint64_t given = 0;
    if (cli_parse(&presets_command, argc, argv, &given) != 0)
        return EXIT_USAGE;
    for (size_t i = 0; i < smpsim_preset_count(); i++)
        printf("%-18s %s\n", smpsim_preset_name(i), smpsim_preset_description(i));
    return 0;
}

const cli_command check_command =
    CLI_COMMAND("check", "validate a design file and print its design-rule warnings",
                cmd_check, check_usage, NULL, check_groups, check_args, "design",
                offsetof(check_args, path));

const cli_command presets_command = {
    .name = "presets",
    .summary = "list the design presets (hairlines, Norwood and Ludwig templates)",
    .run = cmd_presets,
    .usage = presets_usage,
};
