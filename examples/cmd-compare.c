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
    "(shade and density of the first region, state, date).\n"
    "\n"
    "  --design FILE          a design file; its photo unless --photo is given\n"
    "  --preset NAME          a preset, placed with --glabella and --scale\n"
    "  --glabella X,Y         the glabella in the photo, for --preset\n"
    "  --scale PX_PER_MM      scale of a preset's flat view (default 6.5)\n"
    "  --photo FILE           the photo (PNG or JPEG)\n"
    "  --out FILE.png         the comparison; never an input; written atomically\n"
    "  --side-by-side         before on the left, after on the right (default)\n"
    "  --split X              one picture: before left of column X, after right of it,\n"
    "                         with a thin divider (X in pixels, default the middle)\n"
    "  --caption TEXT         text at the start of the caption\n"
    "  --date YYYY-MM-DD      a date in the caption (default: none)\n"
    "  --state S              as-given, fresh, healed or aged (as render)\n"
    "  --years N              with --state aged: years since healing\n"
    "  --session K            the skin after session K\n"
    "  --earlier-years N      with --session: earlier sessions aged N years\n"
    "  --camera-blur PX|auto  the photo's blur on modelled dots, 0.1..8 px (default\n"
    "                         1.5); 0 = none; auto = measured from the photo (as render)\n"
    "  --quiet                print nothing on success\n"
    "\n"
    "The PNG carries the design and seed (smpsim:design, smpsim:seed) as render's\n"
    "previews do. The same arguments give the same bytes.\n";

#define CAPTION_H 32

typedef struct compare_args {
    preview_source src;
    const char *out, *caption, *date;
    double split;
    int have_split, side_by_side, quiet;
    smpsim_render_options look;
} compare_args;

static int parse_compare(int argc, char **argv, compare_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int took = take_preview_flag("compare", &a->look, &a->src, f, v);
        if (took < 0)
            return -1;
        if (took > 0) {
            i++;
            continue;
        }
        if (strcmp(f, "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        if (strcmp(f, "--side-by-side") == 0) {
            a->side_by_side = 1;
            continue;
        }
        static const char *const valued[] = {"--out", "--split", "--caption", "--date"};
        size_t k = 0, n = sizeof valued / sizeof *valued;
        while (k < n && strcmp(f, valued[k]) != 0)
            k++;
        if (k == n)
            return usage_error("compare", "unknown option '%s'", f);
        if (!v)
            return usage_error("compare", "%s needs a value", f);
        i++;
        if (k == 0)
            a->out = v;
        else if (k == 1) {
            if (parse_double(v, 0, 1e6, &a->split) != 0)
                return usage_error("compare", "--split '%s' is not a column in pixels", v);
            a->have_split = 1;
        } else if (k == 2)
            a->caption = v;
        else {
            int y, m, d;
            char end;
            if (sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || strlen(v) != 10 ||
                m < 1 || m > 12 || d < 1 || d > 31)
                return usage_error("compare", "--date '%s' is not YYYY-MM-DD", v);
            a->date = v;
        }
    }
    if (check_source("compare", &a->src) != 0)
        return -1;
    if (!a->out)
        return usage_error("compare", "--out is required");
    if (a->have_split && a->side_by_side)
        return usage_error("compare", "give --split or --side-by-side, not both");
    if (check_picture_out("compare", a->out) != 0)
        return -1;
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
    int n = snprintf(look, sizeof look, "%s", state_name(a->look.state));
    if (a->look.state == SMPSIM_STATE_AGED)
        n += snprintf(look + n, sizeof look - (size_t)n, " %g years",
                      a->look.years > 0 ? a->look.years : 5);
    if (a->look.session)
        snprintf(look + n, sizeof look - (size_t)n, ", after session %u", a->look.session);
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

int cmd_compare(int argc, char **argv)
{
    compare_args a = {.src = {.scale = 6.5}};
    smpsim_render_options_init(&a.look);
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(compare_usage, stdout), 0;
    if (parse_compare(argc, argv, &a) != 0)
        return EXIT_USAGE;
    smpsim_error err = {0};
    smpsim_design *design = NULL;
    smpsim_image *photo = NULL, *after = NULL, *out = NULL;
    char *photo_path = NULL;
    smpsim_status st = preview_open(&a.src, &design, &photo_path, &photo, &err);
    int rc = 0;
    if (st == SMPSIM_OK) { /* the design's own photo and masks */
        const char *in[] = {photo_path}, *what[] = {"photo"};
        if ((rc = refuse_overwrite("compare", a.out, in, what, 1, design, a.src.design)) != 0)
            goto done;
    }
    if (st == SMPSIM_OK && a.have_split && !(a.split >= 1 && a.split < photo->width)) {
        rc = usage_error("compare", "--split %g is outside the photo (1..%u)", a.split,
                         photo->width - 1);
        goto done;
    }
    smpsim_look look; /* --camera-blur auto measured */
    smpsim_look_init(&look);
    look.render = a.look;
    if (st == SMPSIM_OK)
        st = resolve_camera_blur(&look, photo, a.quiet, &err);
    if (st == SMPSIM_OK)
        st = smpsim_preview_render(design, photo, &look, &after, NULL, &err);
    if (st == SMPSIM_OK && photo->width > 30000) {
        st = SMPSIM_ELIMIT;
        snprintf(err.message, sizeof err.message, "the photo is too wide to compare");
    }
    if (st == SMPSIM_OK) {
        int w = (int)photo->width, h = (int)photo->height;
        int split = a.have_split ? (int)(a.split + 0.5) : w / 2;
        int total_w = a.have_split ? w : 2 * w;
        cairo_t *cr = canvas_new(total_w, h + CAPTION_H, &err);
        if (!cr)
            st = err.status;
        if (st == SMPSIM_OK && !a.have_split) {
            st = canvas_paint(cr, photo, 0, 0, w, h, 0, 0, &err);
            if (st == SMPSIM_OK)
                st = canvas_paint(cr, after, 0, 0, w, h, w, 0, &err);
            split = w;
        } else if (st == SMPSIM_OK) {
            st = canvas_paint(cr, photo, 0, 0, split, h, 0, 0, &err);
            if (st == SMPSIM_OK)
                st = canvas_paint(cr, after, split, 0, w - split, h, split, 0, &err);
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
            caption_text(&a, design, text, sizeof text);
            cairo_set_source_rgb(cr, 1, 1, 1);
            canvas_text(cr, text, 10, h + 21, 14, 0);
        }
        if (cr)
            st = st == SMPSIM_OK ? canvas_finish(cr, &out, &err) : (cairo_destroy(cr), st);
    }
    if (st == SMPSIM_OK)
        st = save_picture(out, a.out, design, NULL, NULL, 0, &err);
    if (st == SMPSIM_OK && !a.quiet)
        printf("%s: %ux%u px (%s)\n", a.out, out->width, out->height,
               a.have_split ? "split" : "side by side");
    rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
done:
    free(photo_path);
    smpsim_design_free(design);
    smpsim_image_free(photo);
    smpsim_image_free(after);
    smpsim_image_free(out);
    return rc;
}
