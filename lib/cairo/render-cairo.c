/* Dots drawn into a caller's cairo context: overlays for applications. */
#include "cairo/cairo-private.h"
#include "render/render-private.h"

#include <math.h>

#define PI 3.14159265358979323846

smpsim_status smpsim_render_dots_cairo(struct _cairo *cr, const smpsim_view *view,
                                       const smpsim_dots *dots, const smpsim_render_options *opts,
                                       smpsim_error *err)
{
    if (!cr || cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return smpsim__fail(err, SMPSIM_EINVAL, "render (cairo): no usable cairo context");
    if (!dots || (dots->count && !dots->dots))
        return smpsim__fail(err, SMPSIM_EINVAL, "render (cairo): dots is NULL");
    smpsim_status st = smpsim_view_validate(view, err);
    smpsim_render_options o;
    if (st == SMPSIM_OK)
        st = smpsim__render_resolve(opts, &o, err);
    if (st != SMPSIM_OK)
        return st;
    cairo_save(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_MULTIPLY);
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        smpsim__look look;
        smpsim__look_for_session(&o, d->session, &look);
        double x, y, s, t[3];
        if (look.skip || !smpsim_view_map(view, d->x_mm, d->y_mm, &x, &y, &s))
            continue;
        double radius = 0.5 * d->diameter_mm * look.diameter_factor * s;
        if (!(radius > 0.0) || !isfinite(x) || !isfinite(y) || !isfinite(radius))
            continue;
        smpsim__look_transmittance(&o, &look, d->shade, t);
        cairo_set_source_rgb(cr, smpsim__linear_to_srgb(t[0]), smpsim__linear_to_srgb(t[1]),
                             smpsim__linear_to_srgb(t[2]));
        cairo_new_path(cr);
        cairo_arc(cr, x, y, radius, 0.0, 2.0 * PI);
        cairo_fill(cr);
    }
    cairo_restore(cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return smpsim__fail(err, SMPSIM_ENOMEM, "render (cairo): %s",
                            cairo_status_to_string(cairo_status(cr)));
    return SMPSIM_OK;
}
