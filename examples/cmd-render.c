/* smpsim render: dots over a photo, written as a preview PNG; with --from,
 * a preview or a plan made again from the provenance a PNG or PDF carries. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const render_usage =
    "Usage: smpsim render --photo IN --out OUT.png [OPTIONS]\n"
    "       smpsim render --design DESIGN.json --out OUT.png [--photo IN] [OPTIONS]\n"
    "       smpsim render --preset NAME --glabella X,Y --photo IN --out OUT.png\n"
    "       smpsim render --from PREVIEW.png|PLAN.pdf --out OUT.png [OPTIONS]\n"
    "       smpsim render --from PLAN.pdf --out AGAIN.pdf|AGAIN.svg\n"
    "Composites blue-noise SMP dots over a photo (PNG or JPEG) in linear light and\n"
    "writes a PNG preview. Without --region or a design the whole photo is treated.\n"
    "\n";

static const char *const render_footer =
    "The PNG carries the design (JSON), the seed and the look (JSON) in text chunks\n"
    "(smpsim:design, smpsim:seed, smpsim:render); `smpsim render --from PREVIEW.png`\n"
    "makes the same preview again, byte for byte. --out .jpg or .jpeg writes a JPEG\n"
    "(no provenance).\n"
    "Exit status: 0 written, 1 failed (unreadable or invalid input, a PDF that is not\n"
    "an smpsim plan, write error; no file is left behind), 2 bad command line.\n";

typedef struct render_args {
    source_args src;
    const char *out, *from;
    region_args params;
    int quiet;
    smpsim_look look;
    uint64_t given; /* GIVEN_* and LOOK_* bits of the flags on the command line */
    polygons regions;
} render_args;

static const opt render_opts[] = {
    {"--from", OPT_PATH, offsetof(render_args, from),
     .help = "  --from PREVIEW.png     re-create a preview from what it carries: the design,\n"
             "                         seed and look (the flags below, --guides); look flags\n"
             "                         given with --from override the stored ones\n"
             "  --from PLAN.pdf        the design and seed of a plan written by `smpsim plan`:\n"
             "                         with --out *.png its preview over the design's photo\n"
             "                         (or --photo); with --out *.pdf or *.svg the plan again,\n"
             "                         with its stored options (the same bytes for a PDF)\n"},
    {"--out", OPT_PATH, offsetof(render_args, out),
     .help = "  --out FILE.png         output preview; never the input file; written atomically\n"},
    {"--region", OPT_POINTS, offsetof(render_args, regions), .bit = GIVEN_REGION,
     .help = "  --region X,Y X,Y X,Y ...\n"
             "                         a treated polygon in photo pixels (3 or more points);\n"
             "                         repeat --region for more polygons (later ones on top)\n"},
    {"--quiet", OPT_SWITCH, offsetof(render_args, quiet), 1,
     .help = "  --quiet                print nothing on success\n"},
};

static const opt_group render_groups[] = {
    OPT_GROUP(source_opts, render_args, src, 0, NULL),
    OPT_OWN(render_opts, NULL),
    OPT_GROUP(region_opts, render_args, params, 0, NULL),
    OPT_GROUP(look_opts, render_args, look, 0, "How the dots look (docs/realism.md):"),
    OPT_GROUP(look_off_opts, render_args, look, 0, NULL),
};

static int check_render_args(const render_args *a)
{
    int sources = (a->src.design != NULL) + (a->src.preset != NULL) + (a->from != NULL);
    if (sources > 1)
        return usage_error("render", "give one of --design, --preset, --from");
    if (sources && a->regions.n)
        return usage_error("render", "--region makes a design of its own; edit the design "
                                     "file instead");
    if (sources && refuse_region_params("render", a->given,
                                        a->from ? "--from" : a->src.design ? "--design"
                                                                           : "--preset"))
        return EXIT_USAGE;
    if (!a->src.photo && !a->src.design && !a->from)
        return usage_error("render", "--photo is required");
    if (!a->out)
        return usage_error("render", "--out is required");
    if (check_placing("render", &a->src, a->given, 1) != 0)
        return EXIT_USAGE;
    if (!(a->from && plan_format_of(a->out) >= 0) && check_picture_out("render", a->out) != 0)
        return EXIT_USAGE;
    const char *inputs[] = {a->src.photo, a->src.design, a->from};
    const char *what[] = {"photo", "design file", "--from preview"};
    return refuse_overwrite("render", a->out, inputs, what, 3, NULL, NULL);
}

static smpsim_status build_design(const render_args *a, const smpsim_image *photo,
                                  smpsim_design **out, smpsim_error *err)
{
    smpsim_design *d;
    smpsim_status st = smpsim_design_new(&d, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim_view view = smpsim_view_flat(a->src.scale);
    if (a->given & GIVEN_CALIBRATE)
        st = smpsim_view_calibrate(&view, a->src.calib[0], a->src.calib[1], a->src.calib[2],
                                   a->src.calib[3], a->src.calib[4], err);
    if (st == SMPSIM_OK)
        st = smpsim_design_set_view(d, &view, err);
    smpsim_design_set_seed(d, a->src.seed);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = a->params.density;
    p.dot_diameter_mm = a->params.dot_mm;
    p.shade = a->params.shade;
    double whole[8] = {0, 0, photo->width, 0, photo->width, photo->height, 0, photo->height};
    if (st == SMPSIM_OK && a->regions.n == 0)
        st = smpsim_design_add_polygon(d, whole, 4, SMPSIM_UNITS_PX, &p, err);
    for (size_t i = 0; st == SMPSIM_OK && i < a->regions.n; i++)
        st = smpsim_design_add_polygon(d, a->regions.p[i].xy, a->regions.p[i].n,
                                       SMPSIM_UNITS_PX, &p, err);
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
        st = design_from_file(a->from, &a->look, (unsigned)(a->given & 0xffff), out, NULL, err);
    else if (a->src.design || a->src.preset)
        st = load_design_arg(a->src.design, a->src.preset, out, err);
    if (st != SMPSIM_OK)
        return st;
    const char *given = *out ? smpsim_design_get_photo(*out) : NULL;
    if (a->src.photo)
        *photo = strdup(a->src.photo);
    else if (given) /* a design file's, resolved against the file when loaded */
        *photo = strdup(given);
    if (!*photo) {
        snprintf(err->message, sizeof err->message, "%s has no photo; give --photo",
                 a->src.design ? a->src.design : (a->from ? a->from : "the design"));
        return SMPSIM_EINVAL;
    }
    return SMPSIM_OK;
}

/* render --from PREVIEW.png|PLAN.pdf --out AGAIN.pdf|.svg: the plan of the
 * design again, with the options a PDF plan stored (else the defaults). */
static int render_plan(const render_args *a)
{
    if (a->given)
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

/* The colours sampled for --skin, --hair, --auto-shade and the shade for
 * them, and the camera's blur when measured. */
static void print_info(const smpsim_look *look, const smpsim_preview_info *info)
{
    print_sampled(look, info);
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

static int cmd_render(int argc, char **argv)
{
    render_args a = {.params = {.density = 100, .dot_mm = 0.2, .shade = 5}};
    source_init(&a.src);
    smpsim_look_init(&a.look);
    int rc = cli_parse(&render_command, argc, argv, &a);
    if (rc == 0)
        rc = check_render_args(&a);
    look_finish(&a.look, a.given);
    if (rc != 0) {
        polygons_free(&a.regions);
        return EXIT_USAGE;
    }
    if (a.from && plan_format_of(a.out) >= 0) {
        int prc = render_plan(&a);
        polygons_free(&a.regions);
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
        usage = refuse_overwrite("render", a.out, in, what, 1, design, a.src.design);
        st = usage ? SMPSIM_EINVAL : st;
    }
    if (st == SMPSIM_OK)
        st = load_image(photo, &img, &err);
    if (st == SMPSIM_OK && design)
        st = place_design("render", &a.src, a.given,
                          a.src.design ? a.src.design : a.from ? a.from : "the preset", design,
                          &usage, &err);
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
    rc = usage ? usage : st == SMPSIM_OK ? 0 : library_error(&err, st);
    free(photo);
    smpsim_image_free(preview);
    smpsim_design_free(design);
    smpsim_image_free(img);
    polygons_free(&a.regions);
    return rc;
}

const cli_command render_command =
    CLI_COMMAND("render", "composite a treatment's dots over a photo and write a preview PNG",
                cmd_render, render_usage, render_footer, render_groups, render_args, NULL, 0);
