/* smpsim render: dots over a photo, written as a preview PNG; with --from,
 * a preview or a plan made again from the provenance a PNG or PDF carries. */
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
    "       smpsim render --design DESIGN.json --out OUT.png [--photo IN] [OPTIONS]\n"
    "       smpsim render --preset NAME --glabella X,Y --photo IN --out OUT.png\n"
    "       smpsim render --from PREVIEW.png|PLAN.pdf --out OUT.png [OPTIONS]\n"
    "       smpsim render --from PLAN.pdf --out AGAIN.pdf|AGAIN.svg\n"
    "Composites blue-noise SMP dots over a photo (PNG or JPEG) in linear light and\n"
    "writes a PNG preview. Without --region or a design the whole photo is treated.\n"
    "\n"
    "  --design FILE          a design file (docs/design-format.md): view, regions,\n"
    "                         hairline, sessions; its photo unless --photo is given\n"
    "  --preset NAME          a preset (`smpsim presets`), placed with --glabella and\n"
    "                         --scale (a flat view)\n"
    "  --glabella X,Y         the glabella in the photo, for --preset\n"
    "  --from PREVIEW.png     re-create a preview from what it carries: the design,\n"
    "                         seed and look (the flags below, --guides); look flags\n"
    "                         given with --from override the stored ones\n"
    "  --from PLAN.pdf        the design and seed of a plan written by `smpsim plan`:\n"
    "                         with --out *.png its preview over the design's photo\n"
    "                         (or --photo); with --out *.pdf or *.svg the plan again,\n"
    "                         with its stored options (the same bytes for a PDF)\n"
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
    "  --guides               draw guides over the preview: hairline, transition zone,\n"
    "                         landmarks, region outlines, dots coloured by session,\n"
    "                         a 10 mm scale bar and a legend (docs/outputs.md)\n"
    "  --no-guides, --no-auto-shade\n"
    "                         with --from: turn off the stored --guides, --auto-shade\n"
    "  --quiet                print nothing on success\n";

/* The look flags (a second string: C compilers need not take very long ones). */
static const char *const render_usage_look =
    "\n"
    "How the dots look (docs/realism.md):\n"
    "  --state S              as-given (default: each dot at its diameter and shade),\n"
    "                         fresh, healed or aged\n"
    "  --years N              with --state aged: years since healing (default 5)\n"
    "  --uv low|normal|high   sun exposure for ageing (default normal)\n"
    "  --depth-mm D           pigment depth 0.1..3 mm (default 0.6): deeper is larger,\n"
    "                         blurrier, cooler; beyond --blowout-mm (1.2) a halo\n"
    "  --blowout-mm D         depth at which the pigment blows out (default 1.2)\n"
    "  --session K            the skin after session K: later sessions left out,\n"
    "                         session K in --state (fresh by default), earlier healed\n"
    "  --earlier-years N      with --session: earlier sessions aged N years (touch-up)\n"
    "  --camera-blur PX|auto  the photo's own blur on modelled dots (--state fresh,\n"
    "                         healed, aged; --session), their darkened area kept: the\n"
    "                         10-90 % rise of an edge, 0.1..8 px (default 1.5); 0 = none;\n"
    "                         auto: measured from the photo's sharpest edges (printed)\n"
    "  --distance-m D         the preview as an eye sees it from D metres (0.5, 1, 3)\n"
    "  --skin X,Y             sample the skin around this photo point (default: under\n"
    "                         the dots); prints its colour and approximate Fitzpatrick type\n"
    "  --hair X,Y             sample the hair colour around this photo point\n"
    "  --auto-shade           shade every dot with the default shade for the sampled\n"
    "                         skin and hair (never darker than the hair)\n"
    "  --masks auto|none      fresh, healed, aged and --session put pigment only on the\n"
    "                         skin, between the hair's strands (auto: masks found in\n"
    "                         the photo, the head's outline and skin colour); none:\n"
    "                         everywhere. --guides shows both masks\n"
    "  --skin-mask MASK.png, --hair-mask MASK.png\n"
    "                         painted masks (white = skin, hair) replacing those found\n"
    "\n"
    "The PNG carries the design (JSON), the seed and the look (JSON) in text chunks\n"
    "(smpsim:design, smpsim:seed, smpsim:render); `smpsim render --from PREVIEW.png`\n"
    "makes the same preview again, byte for byte.\n"
    "Exit status: 0 written, 1 failed (unreadable or invalid input, a PDF that is not\n"
    "an smpsim plan, write error; no file is left behind), 2 bad command line.\n";

typedef struct polygon {
    size_t n;
    double *xy;
} polygon;

typedef struct render_args {
    const char *photo, *out, *design, *preset, *from;
    double scale, density, dot_mm, shade;
    double calib[5], glabella[2];
    int have_calib, have_scale, have_glabella, seed_given, params_given, quiet;
    smpsim_look look;
    unsigned given; /* LOOK_* bits of the look flags on the command line */
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

static int check_render_args(const render_args *a)
{
    int sources = (a->design != NULL) + (a->preset != NULL) + (a->from != NULL);
    if (sources > 1)
        return usage_error("render", "give one of --design, --preset, --from");
    if (sources && (a->n_regions || a->params_given))
        return usage_error("render", "--region, --density, --dot-mm and --shade make a design "
                                     "of their own; edit the design file instead");
    if (a->preset && !a->have_glabella)
        return usage_error("render", "--preset needs --glabella X,Y: where the glabella (between "
                                     "the eyebrows) is in the photo");
    if (!a->photo && !a->design && !a->from)
        return usage_error("render", "--photo is required");
    if (!a->out)
        return usage_error("render", "--out is required");
    if (a->have_calib && a->have_scale)
        return usage_error("render", "give --scale or --calibrate, not both");
    if (a->have_glabella && !a->preset)
        return usage_error("render", "--glabella places a --preset; a design file's view says "
                                     "where its glabella is");
    if (!(a->from && plan_format_of(a->out) >= 0) && check_picture_out("render", a->out) != 0)
        return -1;
    const char *inputs[] = {a->photo, a->design, a->from};
    const char *what[] = {"photo", "design file", "--from preview"};
    return refuse_overwrite("render", a->out, inputs, what, 3, NULL, NULL);
}

/* The look flags: 1 taken (value consumed), 0 not one of them, -1 error. */
static int take_look(render_args *a, const char *f, const char *v)
{
    static const struct {
        const char *flag;
        unsigned bit;
    } flags[] = {{"--state", LOOK_STATE},         {"--years", LOOK_YEARS},
                 {"--uv", LOOK_UV},               {"--depth-mm", LOOK_DEPTH},
                 {"--blowout-mm", LOOK_BLOWOUT},  {"--session", LOOK_SESSION},
                 {"--earlier-years", LOOK_EARLIER}, {"--distance-m", LOOK_DISTANCE},
                 {"--skin", LOOK_SKIN},           {"--hair", LOOK_HAIR},
                 {"--camera-blur", LOOK_CAMERA_BLUR}, {"--masks", LOOK_MASKS},
                 {"--skin-mask", LOOK_MASKS},     {"--hair-mask", LOOK_MASKS}};
    size_t k = 0, n = sizeof flags / sizeof *flags;
    while (k < n && strcmp(f, flags[k].flag) != 0)
        k++;
    if (k == n)
        return 0;
    if (!v)
        return usage_error("render", "%s needs a value", f), -1;
    a->given |= flags[k].bit;
    smpsim_render_options *o = &a->look.render;
    if (flags[k].bit & (LOOK_STATE | LOOK_YEARS | LOOK_SESSION | LOOK_EARLIER | LOOK_CAMERA_BLUR))
        return take_state_flag("render", o, f, v); /* shared with compare and sheet */
    int bad = 0;
    if (strcmp(f, "--uv") == 0) {
        if (strcmp(v, "normal") == 0)
            o->uv_exposure = SMPSIM_UV_NORMAL;
        else if (strcmp(v, "low") == 0)
            o->uv_exposure = SMPSIM_UV_LOW;
        else if (strcmp(v, "high") == 0)
            o->uv_exposure = SMPSIM_UV_HIGH;
        else
            return usage_error("render", "--uv '%s' is not low, normal or high", v), -1;
    } else if (strcmp(f, "--skin") == 0 || strcmp(f, "--hair") == 0) {
        int skin = f[2] == 's';
        if (parse_tuple(v, skin ? a->look.skin_xy : a->look.hair_xy, 2) != 0)
            return usage_error("render", "%s '%s' is not X,Y in pixels", f, v), -1;
        *(skin ? &a->look.have_skin : &a->look.have_hair) = 1;
    } else if (strcmp(f, "--masks") == 0) {
        if (strcmp(v, "auto") != 0 && strcmp(v, "none") != 0)
            return usage_error("render", "--masks '%s' is not auto or none", v), -1;
        a->look.masks = v[0] == 'n' ? SMPSIM_MASKS_NONE : 0;
    } else if (strcmp(f, "--skin-mask") == 0 || strcmp(f, "--hair-mask") == 0) {
        char *dst = f[2] == 's' ? a->look.skin_mask_png : a->look.hair_mask_png;
        if (strlen(v) >= sizeof a->look.skin_mask_png)
            return usage_error("render", "%s: the path is too long", f), -1;
        strcpy(dst, v);
    } else if (strcmp(f, "--depth-mm") == 0) {
        bad = parse_double(v, 0.1, 3, &o->depth_mm);
    } else if (strcmp(f, "--blowout-mm") == 0) {
        bad = parse_double(v, 0.1, 3, &o->blowout_depth_mm);
    } else if (strcmp(f, "--distance-m") == 0) {
        bad = parse_double(v, 0.05, 100, &a->look.distance_m);
    }
    if (bad)
        return usage_error("render", "%s '%s' is out of range or not a number", f, v), -1;
    return 1;
}

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
            a->params_given |= strcmp(f, "--scale") != 0;
            i++;
        } else if (strcmp(f, "--region") == 0) {
            int used = take_region(a, argc, argv, i + 1);
            if (used < 0)
                return -1;
            i += used;
        } else if (strcmp(f, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(f, "--auto-shade") == 0 || strcmp(f, "--no-auto-shade") == 0) {
            a->look.auto_shade = f[2] != 'n';
            a->given |= LOOK_AUTO_SHADE;
        } else if (strcmp(f, "--guides") == 0 || strcmp(f, "--no-guides") == 0) {
            a->look.guides = f[2] != 'n';
            a->given |= LOOK_GUIDES;
        } else if ((took = take_look(a, f, v)) != 0) {
            if (took < 0)
                return -1;
            i++;
        } else if (!v && (strcmp(f, "--photo") == 0 || strcmp(f, "--out") == 0 ||
                          strcmp(f, "--seed") == 0 || strcmp(f, "--calibrate") == 0 ||
                          strcmp(f, "--design") == 0 || strcmp(f, "--preset") == 0 ||
                          strcmp(f, "--from") == 0 || strcmp(f, "--glabella") == 0)) {
            return usage_error("render", "%s needs a value", f);
        } else if (strcmp(f, "--design") == 0) {
            a->design = argv[++i];
        } else if (strcmp(f, "--preset") == 0) {
            a->preset = argv[++i];
        } else if (strcmp(f, "--from") == 0) {
            a->from = argv[++i];
        } else if (strcmp(f, "--glabella") == 0) {
            if (parse_tuple(argv[++i], a->glabella, 2) != 0)
                return usage_error("render", "--glabella '%s' is not X,Y in pixels", v);
            a->have_glabella = 1;
        } else if (strcmp(f, "--photo") == 0) {
            a->photo = argv[++i];
        } else if (strcmp(f, "--out") == 0) {
            a->out = argv[++i];
        } else if (strcmp(f, "--seed") == 0) {
            if (parse_u64(argv[++i], &a->seed) != 0)
                return usage_error("render", "--seed '%s' is not a whole number 0..2^64-1", v);
            a->seed_given = 1;
        } else if (strcmp(f, "--calibrate") == 0) {
            if (parse_tuple(argv[++i], a->calib, 5) != 0 || !(a->calib[4] > 0))
                return usage_error("render", "--calibrate '%s' is not X0,Y0,X1,Y1,MM", v);
            a->have_calib = 1;
        } else {
            return usage_error("render", "unknown option '%s'", f);
        }
    }
    return check_render_args(a);
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

/* The design to render: from a file, a preset, a preview or plan, or the
 * flags. The photo path is returned in *photo (free with free()). */
static smpsim_status choose_design(render_args *a, smpsim_design **out, char **photo,
                                   smpsim_error *err)
{
    smpsim_status st = SMPSIM_OK;
    *out = NULL;
    *photo = NULL;
    if (a->from)
        st = design_from_file(a->from, &a->look, a->given, out, NULL, err);
    else if (a->design || a->preset)
        st = load_design_arg(a->design, a->preset, out, err);
    if (st != SMPSIM_OK)
        return st;
    const char *given = *out ? smpsim_design_get_photo(*out) : NULL;
    if (a->photo)
        *photo = strdup(a->photo);
    else if (given) /* a design file's, resolved against the file when loaded */
        *photo = strdup(given);
    if (!*photo) {
        snprintf(err->message, sizeof err->message, "%s has no photo; give --photo",
                 a->design ? a->design : (a->from ? a->from : "the design"));
        return SMPSIM_EINVAL;
    }
    return SMPSIM_OK;
}

/* render --from PREVIEW.png|PLAN.pdf --out AGAIN.pdf|.svg: the plan of the
 * design again, with the options a PDF plan stored (else the defaults). */
static int render_plan(const render_args *a)
{
    if (a->given || a->photo || a->have_scale || a->have_calib || a->seed_given ||
        a->have_glabella)
        return usage_error("render", "--out '%s' writes the plan again, as it was; to change "
                                     "it use `smpsim plan --from %s` and its options",
                           a->out, a->from);
    smpsim_error err = {0};
    smpsim_design *d = NULL;
    plan_source ps = {0};
    smpsim_plan_options_init(&ps.options);
    smpsim_status st = design_from_file(a->from, NULL, 0, &d, &ps, &err);
    if (st == SMPSIM_OK)
        st = write_plan(d, (smpsim_plan_format)plan_format_of(a->out), &ps.options, a->out,
                        a->quiet, &err);
    int rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
    plan_source_free(&ps);
    smpsim_design_free(d);
    return rc;
}

/* Overrides from the command line on a loaded design: --seed, and the
 * scale (and, for presets, the glabella) of a flat view. */
static smpsim_status override(const render_args *a, smpsim_design *d, smpsim_error *err)
{
    if (a->seed_given)
        smpsim_design_set_seed(d, a->seed);
    smpsim_view v = *smpsim_design_get_view(d);
    if (v.kind != SMPSIM_VIEW_FLAT)
        return SMPSIM_OK;
    if (a->have_scale || a->preset)
        v.px_per_mm = a->scale;
    if (a->have_calib) {
        smpsim_status st = smpsim_view_calibrate(&v, a->calib[0], a->calib[1], a->calib[2],
                                                 a->calib[3], a->calib[4], err);
        if (st != SMPSIM_OK)
            return st;
    }
    if (a->preset) {
        v.offset_x_px = a->glabella[0];
        v.offset_y_px = a->glabella[1];
    }
    return smpsim_design_set_view(d, &v, err);
}


static const char *const fitzpatrick_names[7] = {"?", "I", "II", "III", "IV", "V", "VI"};

/* The colours sampled for --skin, --hair, --auto-shade and the shade for
 * them, and the camera's blur when measured. */
static void print_info(const smpsim_look *look, const smpsim_preview_info *info)
{
    if (info->sampled) {
        const smpsim_colour *skin = &info->skin, *hair = &info->hair;
        printf("skin %s (L* %.0f, ITA %.0f deg, approx. Fitzpatrick %s)", skin->hex,
               skin->lightness, skin->ita_deg, fitzpatrick_names[skin->fitzpatrick]);
        if (look->have_hair)
            printf(", hair %s (L* %.0f)", hair->hex, hair->lightness);
        printf(", default shade %.1f%s\n", info->default_shade, look->auto_shade ? " (used)" : "");
    }
    print_preview_info(info, 0);
}

/* What the photo says about the design: white or grey hair, a photo too
 * coarse for dots, regions off the skin; a white or grey hair sample. */
static smpsim_status print_photo_warnings(const smpsim_image *img, const smpsim_design *design,
                                          const smpsim_preview_info *info,
                                          const smpsim_look *look, smpsim_error *err)
{
    smpsim_warning *w = NULL;
    size_t n = 0;
    smpsim_status st = smpsim_photo_check(img, design, NULL, NULL, &w, &n, err);
    for (size_t i = 0; st == SMPSIM_OK && i < n; i++)
        printf("warning: %s\n", w[i].message);
    free(w);
    if (st == SMPSIM_OK && info->sampled && look->have_hair &&
        info->hair.lightness >= info->skin.lightness - 15.0)
        printf("warning: the hair sampled at %g,%g (%s) is white or grey, no darker than the "
               "skin: SMP reads as dots beside it, not as hair; keep the shade light\n",
               look->hair_xy[0], look->hair_xy[1], info->hair.hex);
    return st;
}

int cmd_render(int argc, char **argv)
{
    render_args a = {.scale = 6.5, .density = 100, .dot_mm = 0.2, .shade = 5, .seed = 1};
    smpsim_look_init(&a.look);
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(render_usage, stdout), fputs(render_usage_look, stdout), 0;
    if (parse_render(argc, argv, &a) != 0) {
        render_args_free(&a);
        return EXIT_USAGE;
    }
    if (a.from && plan_format_of(a.out) >= 0) {
        int prc = render_plan(&a);
        render_args_free(&a);
        return prc;
    }
    smpsim_error err = {0};
    smpsim_image *img = NULL;
    smpsim_design *design = NULL;
    smpsim_image *preview = NULL;
    smpsim_preview_info info;
    char *photo = NULL;
    smpsim_status st = choose_design(&a, &design, &photo, &err);
    int usage = 0;
    if (st == SMPSIM_OK) { /* the design's own photo and masks */
        const char *in[] = {photo}, *what[] = {"photo"};
        usage = refuse_overwrite("render", a.out, in, what, 1, design, a.design);
        st = usage ? SMPSIM_EINVAL : st;
    }
    if (st == SMPSIM_OK)
        st = load_image(photo, &img, &err);
    if (st == SMPSIM_OK && design && (a.have_scale || a.have_calib) &&
        smpsim_design_get_view(design)->kind != SMPSIM_VIEW_FLAT) {
        int urc = usage_error("render", "%s sets the scale of a flat view; %s has a head view "
                                        "(its \"view\" sets the scale)",
                              a.have_scale ? "--scale" : "--calibrate",
                              a.design ? a.design : a.from ? a.from : "the preset");
        free(photo);
        smpsim_image_free(img);
        smpsim_design_free(design);
        render_args_free(&a);
        return urc;
    }
    if (st == SMPSIM_OK && design)
        st = override(&a, design, &err);
    else if (st == SMPSIM_OK)
        st = build_design(&a, img, &design, &err);
    if (st == SMPSIM_OK)
        st = smpsim_design_set_photo(design, photo, &err);
    if (st == SMPSIM_OK)
        st = smpsim_preview_render(design, img, &a.look, &preview, &info, &err);
    if (st == SMPSIM_OK)
        warn_off_photo(design, img);
    if (st == SMPSIM_OK && !a.quiet)
        print_info(&a.look, &info);
    if (st == SMPSIM_OK && !a.quiet)
        st = print_photo_warnings(img, design, &info, &a.look, &err);
    /* The stored look keeps --camera-blur auto, for --from. */
    if (st == SMPSIM_OK)
        st = save_picture(preview, a.out, design, &a.look, NULL, 0, &err);
    if (st == SMPSIM_OK && !a.quiet)
        printf("%s: %zu dots (%ux%u px, %.3g px/mm, seed %" PRIu64 ")\n", a.out, info.n_dots,
               preview->width, preview->height, smpsim_design_get_view(design)->px_per_mm,
               smpsim_design_get_seed(design));
    int rc = usage ? usage : st == SMPSIM_OK ? 0 : library_error(&err, st);
    free(photo);
    smpsim_image_free(preview);
    smpsim_design_free(design);
    smpsim_image_free(img);
    render_args_free(&a);
    return rc;
}
