/* The option parser of the smpsim command-line tool: every command's flags
 * are tables (cli.h: opt, opt_group, cli_command); one function parses a
 * command line by them and one writes the command's --help from them, so
 * that a flag is read, checked and described the same way everywhere. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- The tables several commands share ---- */

#define SRC(m) offsetof(source_args, m)
const opt source_opts[7] = {
    {"--design", OPT_PATH, SRC(design), .bit = GIVEN_DESIGN,
     .help = "  --design FILE          a design file (docs/design-format.md): its view,\n"
             "                         regions, hairline, sessions and photo\n"},
    {"--preset", OPT_STRING, SRC(preset), .bit = GIVEN_PRESET,
     .help = "  --preset NAME          a preset (`smpsim presets`), placed with --glabella and\n"
             "                         --scale (a flat view)\n"},
    {"--glabella", OPT_TUPLE, SRC(glabella), 2, .what = "X,Y in pixels", .bit = GIVEN_GLABELLA,
     .help = "  --glabella X,Y         the glabella in the photo, for --preset\n"},
    {"--scale", OPT_NUMBER, SRC(scale), 0.01, 10000, .bit = GIVEN_SCALE,
     .help = "  --scale PX_PER_MM      photo pixels per millimetre on the scalp, of a flat\n"
             "                         view (default 6.5; a design file's own)\n"},
    {"--calibrate", OPT_TUPLE, SRC(calib), 5, .what = "X0,Y0,X1,Y1,MM", .bit = GIVEN_CALIBRATE,
     .help = "  --calibrate X0,Y0,X1,Y1,MM\n"
             "                         set the scale from two photo points MM millimetres apart\n"},
    {"--photo", OPT_PATH, SRC(photo), .bit = GIVEN_PHOTO,
     .help = "  --photo FILE           input photo (PNG or JPEG; EXIF orientation applied);\n"
             "                         instead of a design's own\n"},
    {"--seed", OPT_SEED, SRC(seed), .bit = GIVEN_SEED,
     .help = "  --seed N               random seed; same seed, same dots (default 1; a\n"
             "                         design's own)\n"},
};

static const char *const state_names[] = {"as-given", "fresh", "healed", "aged", NULL};
static const char *const uv_names[] = {"low", "normal", "high", NULL};

static const char *const masks_names[] = {"auto", "none", NULL};

static void set_masks(void *slot, int index)
{
    *(int *)slot = index == 1 ? SMPSIM_MASKS_NONE : 0;
}

static void set_state(void *slot, int index)
{
    *(smpsim_dot_state *)slot = (smpsim_dot_state)index;
}

/* low, normal, high in the order of uv_names */
static void set_uv(void *slot, int index)
{
    static const smpsim_uv_exposure uv[] = {SMPSIM_UV_LOW, SMPSIM_UV_NORMAL, SMPSIM_UV_HIGH};
    *(smpsim_uv_exposure *)slot = uv[index];
}

#define LOOK(m) offsetof(smpsim_look, m)
#define RENDER(m) (offsetof(smpsim_look, render) + offsetof(smpsim_render_options, m))
const opt look_opts[16] = {
    {"--state", OPT_ENUM, RENDER(state), .names = state_names, .set = set_state,
     .bit = LOOK_STATE,
     .help = "  --state S              as-given (default: each dot at its diameter and shade),\n"
             "                         fresh, healed or aged\n"},
    {"--years", OPT_NUMBER, RENDER(years), 0.01, 50, .bit = LOOK_YEARS,
     .help = "  --years N              with --state aged: years since healing (default 5)\n"},
    {"--uv", OPT_ENUM, RENDER(uv_exposure), .names = uv_names, .set = set_uv, .bit = LOOK_UV,
     .help = "  --uv low|normal|high   sun exposure for ageing (default normal)\n"},
    {"--depth-mm", OPT_NUMBER, RENDER(depth_mm), 0.1, 3, .bit = LOOK_DEPTH,
     .help = "  --depth-mm D           pigment depth 0.1..3 mm (default 0.6): deeper is larger,\n"
             "                         blurrier, cooler; beyond --blowout-mm (1.2) a halo\n"},
    {"--blowout-mm", OPT_NUMBER, RENDER(blowout_depth_mm), 0.1, 3, .bit = LOOK_BLOWOUT,
     .help = "  --blowout-mm D         depth at which the pigment blows out (default 1.2)\n"},
    {"--session", OPT_WHOLE, RENDER(session), 1, 1000, .bit = LOOK_SESSION,
     .help = "  --session K            the skin after session K: later sessions left out,\n"
             "                         session K in --state (fresh by default), earlier healed\n"},
    {"--earlier-years", OPT_NUMBER, RENDER(earlier_years), 0, 50, .bit = LOOK_EARLIER,
     .help = "  --earlier-years N      with --session: earlier sessions aged N years (touch-up)\n"},
    {"--camera-blur", OPT_BLUR, RENDER(camera_blur_px), .bit = LOOK_CAMERA_BLUR,
     .help =
         "  --camera-blur PX|auto  the photo's own blur on modelled dots (--state fresh,\n"
         "                         healed, aged; --session), their darkened area kept: the\n"
         "                         10-90 % rise of an edge, 0.1..8 px (default 1.5); 0 = none;\n"
         "                         auto: measured from the photo's sharpest edges (printed)\n"},
    {"--distance-m", OPT_NUMBER, LOOK(distance_m), 0.05, 100, .bit = LOOK_DISTANCE,
     .help = "  --distance-m D         the preview as an eye sees it from D metres (0.5, 1, 3)\n"},
    {"--skin", OPT_TUPLE, LOOK(skin_xy), 2, .what = "X,Y in pixels", .bit = LOOK_SKIN,
     .help =
         "  --skin X,Y             sample the skin around this photo point (default: under\n"
         "                         the dots); prints its colour and approximate Fitzpatrick type\n"},
    {"--hair", OPT_TUPLE, LOOK(hair_xy), 2, .what = "X,Y in pixels", .bit = LOOK_HAIR,
     .help = "  --hair X,Y             sample the hair colour around this photo point\n"},
    {"--auto-shade", OPT_SWITCH, LOOK(auto_shade), 1, .bit = LOOK_AUTO_SHADE,
     .help = "  --auto-shade           shade every dot with the default shade for the sampled\n"
             "                         skin and hair (never darker than the hair)\n"},
    {"--guides", OPT_SWITCH, LOOK(guides), 1, .bit = LOOK_GUIDES,
     .help = "  --guides               draw guides over the preview: hairline, transition zone,\n"
             "                         landmarks, region outlines, dots coloured by session,\n"
             "                         a 10 mm scale bar and a legend (docs/outputs.md)\n"},
    {"--masks", OPT_ENUM, LOOK(masks), .names = masks_names, .set = set_masks, .bit = LOOK_MASKS,
     .help = "  --masks auto|none      fresh, healed, aged and --session put pigment only on the\n"
             "                         skin, between the hair's strands (auto: masks found in\n"
             "                         the photo, the head's outline and skin colour); none:\n"
             "                         everywhere. --guides shows both masks\n"},
    {"--skin-mask", OPT_TEXT, LOOK(skin_mask_png), 0, sizeof(((smpsim_look *)0)->skin_mask_png),
     .bit = LOOK_SKIN_MASK,
     .help = "  --skin-mask MASK.png, --hair-mask MASK.png\n"
             "                         painted masks (white = skin, hair) replacing those found\n"},
    {"--hair-mask", OPT_TEXT, LOOK(hair_mask_png), 0, sizeof(((smpsim_look *)0)->hair_mask_png),
     .bit = LOOK_HAIR_MASK},
};

/* Only render has --from, whose stored look these turn off. */
const opt look_off_opts[2] = {
    {"--no-guides", OPT_SWITCH, LOOK(guides), 0, .bit = LOOK_GUIDES,
     .help = "  --no-guides, --no-auto-shade\n"
             "                         with --from: turn off the stored --guides, --auto-shade\n"},
    {"--no-auto-shade", OPT_SWITCH, LOOK(auto_shade), 0, .bit = LOOK_AUTO_SHADE},
};

void look_finish(smpsim_look *look, uint64_t given)
{
    look->have_skin = (given & LOOK_SKIN) != 0;
    look->have_hair = (given & LOOK_HAIR) != 0;
}

#define REGION(m) offsetof(region_args, m)
const opt region_opts[3] = {
    {"--density", OPT_NUMBER, REGION(density), 0.01, 1000, .bit = GIVEN_DENSITY,
     .help = "  --density DOTS_PER_CM2 impressions per cm2 (default 100, about 1 mm apart)\n"},
    {"--dot-mm", OPT_NUMBER, REGION(dot_mm), 0.01, 3, .bit = GIVEN_DOT_MM,
     .help = "  --dot-mm D             visible dot diameter in mm (default 0.20)\n"},
    {"--shade", OPT_NUMBER, REGION(shade), 1, 10, .bit = GIVEN_SHADE,
     .help =
         "  --shade S              pigment shade 1..10, 10 = undiluted carbon black (default 5)\n"},
};

const char *state_name(int state)
{
    return state >= 0 && state < 4 ? state_names[state] : "?";
}

int parse_state(const char *text)
{
    for (int s = 0; s < 4; s++)
        if (strcmp(text, state_names[s]) == 0)
            return s;
    return -1;
}

void polygons_free(polygons *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->p[i].xy);
    p->n = 0;
}

/* ---- Values ---- */

/* YYYY-MM-DD with a month 1..12 and a day 1..31 (the library checks the rest). */
static int date_shape_ok(const char *s)
{
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    int month = atoi(s + 5), day = atoi(s + 8);
    return s[10] == '\0' && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* "a, b or c" */
static void list_names(const char *const *names, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; names[k] && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 k == 0 ? "" : names[k + 1] ? ", " : " or ", names[k]);
}

/* What a value of o must be, for the message about a bad one. */
static void describe(const opt *o, char *buf, size_t size)
{
    switch (o->kind) {
    case OPT_NUMBER: snprintf(buf, size, "a number from %g to %g", o->lo, o->hi); break;
    case OPT_WHOLE: snprintf(buf, size, "a whole number from %g to %g", o->lo, o->hi); break;
    case OPT_SEED: snprintf(buf, size, "a whole number 0..2^64-1"); break;
    case OPT_ENUM: list_names(o->names, buf, size); break;
    case OPT_BLUR: snprintf(buf, size, "auto, 0 (none) or 0.1..8 px"); break;
    case OPT_DATE: snprintf(buf, size, "a date YYYY-MM-DD"); break;
    case OPT_TEXT: snprintf(buf, size, "a path shorter than %g bytes", o->hi); break;
    default: snprintf(buf, size, "%s", o->what ? o->what : "valid");
    }
}

/* Stores text as o's value at slot; 0, or -1 when it is not one. */
static int store(const opt *o, const char *text, void *slot)
{
    double x;
    switch (o->kind) {
    case OPT_NUMBER: return parse_double(text, o->lo, o->hi, (double *)slot);
    case OPT_WHOLE:
        if (parse_double(text, o->lo, o->hi, &x) != 0 || x != floor(x))
            return -1;
        *(unsigned *)slot = (unsigned)x;
        return 0;
    case OPT_SEED: return parse_u64(text, (uint64_t *)slot);
    case OPT_STRING:
    case OPT_PATH: *(const char **)slot = text; return 0;
    case OPT_DATE:
        if (!date_shape_ok(text))
            return -1;
        *(const char **)slot = text;
        return 0;
    case OPT_TEXT:
        if (strlen(text) >= (size_t)o->hi)
            return -1;
        memcpy(slot, text, strlen(text) + 1);
        return 0;
    case OPT_TUPLE: return parse_tuple(text, (double *)slot, (int)o->lo);
    case OPT_ENUM:
        for (int k = 0; o->names[k]; k++)
            if (strcmp(text, o->names[k]) == 0) {
                if (o->set)
                    o->set(slot, k);
                else
                    *(int *)slot = k;
                return 0;
            }
        return -1;
    case OPT_BLUR:
        if (strcmp(text, "auto") == 0) {
            *(double *)slot = SMPSIM_CAMERA_BLUR_AUTO;
            return 0;
        }
        if (parse_double(text, 0, 8, &x) != 0 || (x != 0.0 && x < 0.1))
            return -1;
        *(double *)slot = x == 0.0 ? SMPSIM_CAMERA_SHARP : x;
        return 0;
    default: return -1;
    }
}

/* --region X,Y X,Y X,Y ...: the points after argv[at] up to the next flag
 * into a new polygon; how many arguments it took, or -1 (reported). */
static int take_points(const char *command, polygons *ps, int argc, char **argv, int at)
{
    if (ps->n == MAX_CLI_REGIONS)
        return usage_error(command, "too many --region options (at most %d)", MAX_CLI_REGIONS),
               -1;
    polygon *p = &ps->p[ps->n++]; /* counted now: freed on every path */
    int used = 0;
    while (at + used < argc && strncmp(argv[at + used], "--", 2) != 0) {
        if (p->n == MAX_CLI_POINTS)
            return usage_error(command, "--region has more than %d points", MAX_CLI_POINTS), -1;
        double v[2];
        if (parse_tuple(argv[at + used], v, 2) != 0)
            return usage_error(command, "--region point '%s' is not X,Y in pixels",
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
        return usage_error(command, "--region needs at least 3 points X,Y (got %zu)", p->n), -1;
    return used;
}

/* ---- The parser ---- */

#define MAX_GROUPS 8
#define MAX_OPTS 32

/* The flag called name among cmd's: its group in *g and index in *k. */
static const opt *find(const cli_command *cmd, const char *name, size_t *g, size_t *k)
{
    for (*g = 0; *g < cmd->n_groups; ++*g) {
        const opt_group *gr = &cmd->groups[*g];
        for (*k = 0; *k < gr->n; ++*k)
            if ((!gr->only || (gr->opts[*k].bit & gr->only)) &&
                strcmp(gr->opts[*k].name, name) == 0)
                return &gr->opts[*k];
    }
    return NULL;
}

/* A flag another command has and cmd has not: message with its commands. */
static int not_here(const cli_command *cmd, const char *name)
{
    char others[128] = "";
    size_t used = 0, g, k;
    for (size_t c = 0; c < cli_n_commands; c++)
        if (cli_commands[c] != cmd && find(cli_commands[c], name, &g, &k) && used < sizeof others)
            used += (size_t)snprintf(others + used, sizeof others - used, "%s%s",
                                     used ? ", " : "", cli_commands[c]->name);
    if (!used)
        return usage_error(cmd->name, "unknown option '%s'", name);
    return usage_error(cmd->name, "%s is not an option of %s (it is one of %s)", name, cmd->name,
                       others);
}

/* The flag of cmd given before with the same bit as o (its opposite). */
static const char *given_before(const cli_command *cmd, const opt *o,
                                unsigned char seen[MAX_GROUPS][MAX_OPTS])
{
    for (size_t g = 0; g < cmd->n_groups; g++)
        for (size_t k = 0; k < cmd->groups[g].n && k < MAX_OPTS; k++)
            if (seen[g][k] && cmd->groups[g].opts[k].bit == o->bit)
                return cmd->groups[g].opts[k].name;
    return o->name;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, void *args)
{
    unsigned char seen[MAX_GROUPS][MAX_OPTS] = {{0}};
    uint64_t *given = (uint64_t *)(void *)((char *)args + cmd->given_offset);
    const char **positional =
        cmd->positional ? (const char **)(void *)((char *)args + cmd->positional_offset) : NULL;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        if (f[0] != '-' || f[1] == '\0') { /* a bare argument ("-" too) */
            if (!positional)
                return usage_error(cmd->name, "unexpected argument '%s'", f);
            if (*positional)
                return usage_error(cmd->name, "one %s at a time ('%s' and '%s')",
                                   cmd->positional, *positional, f);
            *positional = f;
            continue;
        }
        size_t g, k;
        const opt *o = find(cmd, f, &g, &k);
        if (!o)
            return not_here(cmd, f);
        void *slot = (char *)args + cmd->groups[g].base + o->offset;
        if (o->kind != OPT_POINTS && seen[g][k])
            return usage_error(cmd->name, "%s is given twice; give it once", f);
        if (o->kind != OPT_POINTS && o->bit && (*given & o->bit))
            return usage_error(cmd->name, "give %s or %s, not both", given_before(cmd, o, seen),
                               f);
        seen[g][k] = 1;
        *given |= o->bit;
        if (o->kind == OPT_SWITCH) {
            *(int *)slot = (int)o->lo;
            continue;
        }
        if (o->kind == OPT_POINTS) {
            int used = take_points(cmd->name, slot, argc, argv, i + 1);
            if (used < 0)
                return EXIT_USAGE;
            i += used;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error(cmd->name, "%s needs a value", f);
        const char *v = argv[++i];
        if (store(o, v, slot) != 0) {
            char what[160];
            describe(o, what, sizeof what);
            return usage_error(cmd->name, "%s '%s' is not %s", f, v, what);
        }
    }
    return 0;
}

int cli_asks_help(const cli_command *cmd, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
        size_t g, k;
        const opt *o = find(cmd, argv[i], &g, &k);
        if (o && o->kind == OPT_POINTS)
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                i++;
        else if (o && o->kind != OPT_SWITCH)
            i++; /* its value, whatever it reads */
    }
    return 0;
}

void cli_help(const cli_command *cmd, FILE *f)
{
    fputs(cmd->usage, f);
    for (size_t g = 0; g < cmd->n_groups; g++) {
        const opt_group *gr = &cmd->groups[g];
        if (gr->heading)
            fprintf(f, "\n%s\n", gr->heading);
        for (size_t k = 0; k < gr->n; k++)
            if (gr->opts[k].help && (!gr->only || (gr->opts[k].bit & gr->only)))
                fputs(gr->opts[k].help, f);
    }
    if (cmd->footer)
        fprintf(f, "\n%s", cmd->footer);
}
