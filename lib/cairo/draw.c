/* Cairo drawing helpers shared by plans and guides: fitted text, polylines
 * and region outlines through an optional mapping. */
#include "cairo/cairo-private.h"

#include <math.h>
#include <stdlib.h>

void smpsim__draw_text_fit(cairo_t *cr, double x, double y, double size, double max_w,
                           const char *text)
{
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    if (e.x_advance > max_w && e.x_advance > 0.0)
        cairo_set_font_size(cr, size * max_w / e.x_advance);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, text);
}

typedef struct pen {
    cairo_t *cr;
    smpsim__draw_map_fn map;
    void *arg;
    bool down, all_shown;
} pen;

static void pen_to(pen *p, double x, double y)
{
    bool shown = p->map ? p->map(p->arg, x, y, &x, &y) != 0 : true;
    if (!shown || !isfinite(x) || !isfinite(y)) {
        p->down = false;
        p->all_shown = false;
        return;
    }
    if (!p->down)
        cairo_new_sub_path(p->cr);
    cairo_line_to(p->cr, x, y);
    p->down = true;
}

void smpsim__path_polyline(cairo_t *cr, const double *xy, size_t n, bool closed, double step,
                           smpsim__draw_map_fn map, void *arg)
{
    pen p = {cr, map, arg, false, true};
    size_t segments = closed && n > 2 ? n : (n ? n - 1 : 0);
    if (n > 0)
        pen_to(&p, xy[0], xy[1]);
    for (size_t i = 0; i < segments; i++) {
        const double *a = &xy[2 * i], *b = &xy[2 * ((i + 1) % n)];
        double len = hypot(b[0] - a[0], b[1] - a[1]);
        double pieces = step > 0.0 && isfinite(len) ? ceil(len / step) : 1.0;
        long k_max = pieces > 1.0 ? (pieces < 100000.0 ? (long)pieces : 100000) : 1;
        for (long k = 1; k <= k_max; k++) {
            double t = (double)k / (double)k_max;
            if (closed && i + 1 == segments && k == k_max)
                break; /* back at the first point: closed below */
            pen_to(&p, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
        }
    }
    if (closed && n > 2) {
        if (p.all_shown)
            cairo_close_path(cr);
        else
            pen_to(&p, xy[0], xy[1]);
    }
}

void smpsim__path_rings(cairo_t *cr, const smpsim__rings *g, double step, smpsim__draw_map_fn map,
                        void *arg)
{
    for (size_t k = 0; k < g->n_rings; k++)
        smpsim__path_polyline(cr, g->xy + 2 * g->start[k], g->start[k + 1] - g->start[k], true,
                              step, map, arg);
}

smpsim_status smpsim__design_outlines(const smpsim_design *design, smpsim__rings **out,
                                      size_t *n_out, smpsim_error *err)
{
    *out = NULL;
    *n_out = 0;
    size_t n = smpsim_design_region_count(design);
    smpsim__rings *rings = calloc(n ? n : 1, sizeof *rings);
    if (!rings)
        return smpsim__fail(err, SMPSIM_ENOMEM, "outlines: out of memory");
    const smpsim_view *view = smpsim_design_get_view(design);
    for (size_t i = 0; i < n; i++) {
        smpsim_status st = smpsim__region_rings(smpsim__design_region(design, i), view,
                                                &rings[i], err);
        if (st != SMPSIM_OK) {
            smpsim__design_outlines_free(rings, i);
            return st;
        }
    }
    *out = rings;
    *n_out = n;
    return SMPSIM_OK;
}

void smpsim__design_outlines_free(smpsim__rings *rings, size_t n)
{
    for (size_t i = 0; rings && i < n; i++)
        smpsim__rings_free(&rings[i]);
    free(rings);
}
