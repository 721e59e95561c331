/* smpsim compare: the photo before and the preview after, side by side or
 * split at a vertical line, with a caption bar. */
#include "cli.h"

#include <cairo.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const compare_usage =
    "Usage: smpsim compare --design DESIGN.json [--photo IN] --out OUT.png [OPTIONS]\n"
    "       smpsim compare --preset NAME --glabella X,Y --photo IN --out OUT.png [OPTIONS]\n"
    "Before and after: the photo and the preview of the design over it, side by\n"
    "side (default) or split at a vertical line, with a caption bar underneath\n"
    "(shade and density of the first region, state, date). The design, its\n"
    "placing and the look take the flags of `smpsim render`, with the same\n"
    "meaning.\n"
    "\n";

static const char *const compare_footer =
    "The PNG carries the design and seed (smpsim:design, smpsim:seed) as render's\n"
    "previews do. The same arguments give the same bytes.\n";

#define CAPTION_H 32
#define GIVEN_SPLIT (1ull << 40)
#define GIVEN_SIDE_BY_SIDE (1ull << 41)

typedef struct compare_args {
    source_args src;
    const char *out, *caption, *date;
    double split;
    int side_by_side, quiet;
    smpsim_look look;
    uint64_t given;
} compare_args;

static const opt compare_opts[] = {
    {"--out", OPT_PATH, offsetof(compare_args, out),
     .help = "  --out FILE.png         the comparison; never an input; written atomically\n"},
    {"--side-by-side", OPT_SWITCH, offsetof(compare_args, side_by_side), 1,
     .bit = GIVEN_SIDE_BY_SIDE,
     .help = "  --side-by-side         before on the left, after on the right (default)\n"},
    {"--split", OPT_NUMBER, offsetof(compare_args, split), 0, 1e6, .bit = GIVEN_SPLIT,
     .help = "  --split X              one picture: before left of column X, after right of it,\n"
             "                         with a thin divider (X in pixels, default the middle)\n"},
    {"--caption", OPT_STRING, offsetof(compare_args, caption),
     .help = "  --caption TEXT         text at the start of the caption\n"},
    {"--date", OPT_DATE, offsetof(compare_args, date),
     .help = "  --date YYYY-MM-DD      a date in the caption (default: none)\n"},
    {"--quiet", OPT_SWITCH, offsetof(compare_args, quiet), 1,
     .help = "  --quiet                print nothing on success\n"},
};

static const opt_group compare_groups[] = {
    OPT_GROUP(source_opts, compare_args, src, 0, NULL),
    OPT_OWN(compare_opts, NULL),
    OPT_GROUP(look_opts, compare_args, look, 0, "How the dots look (as render; docs/realism.md):"),
};

static int check_compare_args(const compare_args *a)
{
    if (check_source("compare", &a->src, a->given, 1) != 0)
        return EXIT_USAGE;
    if (!a->out)
        return usage_error("compare", "--out is required");
    if ((a->given & GIVEN_SPLIT) && (a->given & GIVEN_SIDE_BY_SIDE))
        return usage_error("compare", "give --split or --side-by-side, not both");
    if (check_picture_out("compare", a->out) != 0)
        return EXIT_USAGE;
    const char *inputs[] = {a->src.design, a->src.photo}, *what[] = {"design file", "photo"};
    return refuse_overwrite("compare", a->out, inputs, what, 2, NULL, NULL);
}

/* "TEXT  ·  shade 7, 95 dots/cm2  ·  healed  ·  2025-01-15" */
static void caption_text(const compare_args *a, const smpsim_design *d, char *buf, size_t size)
{
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    smpsim_error e = {0};
    int have = smpsim_design_region_count(d) > 0 &&
               smpsim_design_region_params(d, 0, &p, &e) == SMPSIM_OK;
    char look[96];
    int n = snprintf(look, sizeof look, "%s", state_name(a->look.render.state));
    if (a->look.render.state == SMPSIM_STATE_AGED)
        n += snprintf(look + n, sizeof look - (size_t)n, " %g years",
                      a->look.render.years > 0 ? a->look.render.years : 5);
    if (a->look.render.session)
        snprintf(look + n, sizeof look - (size_t)n, ", after session %u", a->look.render.session);
    size_t used = 0;
    buf[0] = '\0';
    if (a->caption)
        used += (size_t)snprintf(buf, size, "%s   |   ", a->caption);
    if (used < size && have)
        used += (size_t)snprintf(buf + used, size - used, "shade %g, %g dots/cm\xc2\xb2   |   ",
                                 p.shade, p.density_per_cm2);
    if (used < size)
        used += (size_t)snprintf(buf + used, size - used, "%s", look);
    if (used < size && a->date)
        snprintf(buf + used, size - used, "   |   %s", a->date);
}

/* Before and after on one canvas, with the divider, the labels and the
 * caption bar. */
static smpsim_status compose(const compare_args *a, const smpsim_design *design,
                             const smpsim_image *photo, const smpsim_image *after,
                             smpsim_image **out, smpsim_error *err)
{
    int have_split = (a->given & GIVEN_SPLIT) != 0;
    smpsim_status st = SMPSIM_OK;
    int w = (int)photo->width, h = (int)photo->height;
    int split = have_split ? (int)(a->split + 0.5) : w / 2;
    int total_w = have_split ? w : 2 * w;
    cairo_t *cr = canvas_new(total_w, h + CAPTION_H, err);
    if (!cr)
        st = err->status;
    if (st == SMPSIM_OK && !have_split) {
        st = canvas_paint(cr, photo, 0, 0, w, h, 0, 0, err);
        if (st == SMPSIM_OK)
            st = canvas_paint(cr, after, 0, 0, w, h, w, 0, err);
        split = w;
    } else if (st == SMPSIM_OK) {
        st = canvas_paint(cr, photo, 0, 0, split, h, 0, 0, err);
        if (st == SMPSIM_OK)
            st = canvas_paint(cr, after, split, 0, w - split, h, split, 0, err);
    }
    if (st == SMPSIM_OK) {
        /* The divider: a white line with dark edges, 4 px in all. */
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_rectangle(cr, split - 2, 0, 4, h);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_rectangle(cr, split - 1, 0, 2, h);
        cairo_fill(cr);
        /* Labels in the corners, and the caption bar. */
        cairo_set_source_rgb(cr, 1, 1, 1);
        canvas_text(cr, "before", 8, 22, 16, 1);
        canvas_text(cr, "after", split + 8, 22, 16, 1);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        cairo_rectangle(cr, 0, h, total_w, CAPTION_H);
        cairo_fill(cr);
        char text[1024];
        caption_text(a, design, text, sizeof text);
        cairo_set_source_rgb(cr, 1, 1, 1);
        canvas_text(cr, text, 10, h + 21, 14, 0);
    }
    if (cr)
        st = st == SMPSIM_OK ? canvas_finish(cr, out, err) : (cairo_destroy(cr), st);
    return st;
}

static int cmd_compare(int argc, char **argv)
{
    compare_args a = {.out = NULL};
    source_init(&a.src);
    smpsim_look_init(&a.look);
    if (cli_parse(&compare_command, argc, argv, &a) != 0 || check_compare_args(&a) != 0)
        return EXIT_USAGE;
    look_finish(&a.look, a.given);
    int have_split = (a.given & GIVEN_SPLIT) != 0;
    smpsim_error err = {0};
    smpsim_design *design = NULL;
    smpsim_image *photo = NULL, *after = NULL, *out = NULL;
    char *photo_path = NULL;
    int rc = 0;
    smpsim_status st = preview_open("compare", &a.src, a.given, a.out, &design, &photo_path,
                                    &photo, &rc, &err);
    if (rc)
        goto done;
    if (st == SMPSIM_OK && have_split && !(a.split >= 1 && a.split < photo->width)) {
        rc = usage_error("compare", "--split %g is outside the photo (1..%u)", a.split,
                         photo->width - 1);
        goto done;
    }
    smpsim_look look = a.look; /* --camera-blur auto measured */
    smpsim_preview_info info;
    if (st == SMPSIM_OK)
        st = resolve_camera_blur(&look, photo, a.quiet, &err);
    if (st == SMPSIM_OK)
        st = smpsim_preview_render(design, photo, &look, &after, &info, &err);
    if (st == SMPSIM_OK && !a.quiet)
        print_sampled(&look, &info);
    if (st == SMPSIM_OK && photo->width > 30000) {
        st = SMPSIM_ELIMIT;
        snprintf(err.message, sizeof err.message, "the photo is too wide to compare");
    }
    if (st == SMPSIM_OK)
        st = compose(&a, design, photo, after, &out, &err);
    if (st == SMPSIM_OK)
        st = save_picture(out, a.out, design, NULL, NULL, 0, &err);
    if (st == SMPSIM_OK && !a.quiet)
        printf("%s: %ux%u px (%s)\n", a.out, out->width, out->height,
               have_split ? "split" : "side by side");
    rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
done:
    free(photo_path);
    smpsim_design_free(design);
    smpsim_image_free(photo);
    smpsim_image_free(after);
    smpsim_image_free(out);
    return rc;
}

const cli_command compare_command =
    CLI_COMMAND("compare", "before and after: the photo and the preview side by side or split",
                cmd_compare, compare_usage, compare_footer, compare_groups, compare_args, NULL, 0);
