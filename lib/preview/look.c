/* A preview's look: its defaults and ranges. */
#include "preview/preview-private.h"

#include <math.h>

const char *const smpsim__state_names[4] = {"as-given", "fresh", "healed", "aged"};
const char *const smpsim__uv_names[3] = {"normal", "low", "high"};

#define LOOK_AT(field) offsetof(smpsim_look, field)
const smpsim__look_number smpsim__look_numbers[] = {
    {"years", 0.01, 50, LOOK_AT(render.years)},
    {"depth_mm", 0.1, 3, LOOK_AT(render.depth_mm)},
    {"blowout_mm", 0.1, 3, LOOK_AT(render.blowout_depth_mm)},
    {"earlier_years", 0, 50, LOOK_AT(render.earlier_years)},
    {"distance_m", 0.05, 100, LOOK_AT(distance_m)},
};
const size_t smpsim__n_look_numbers = sizeof smpsim__look_numbers / sizeof *smpsim__look_numbers;

void smpsim_look_init_(smpsim_look *look, size_t struct_size)
{
    if (!look || struct_size < sizeof(size_t))
        return;
    memset(look, 0, struct_size);
    memcpy(look, &struct_size, sizeof struct_size);
    if (struct_size >= offsetof(smpsim_look, render) + sizeof look->render)
        smpsim_render_options_init(&look->render);
}

smpsim_status smpsim_look_validate(const smpsim_look *look, smpsim_error *err)
{
    if (!look)
        return smpsim__fail(err, SMPSIM_EINVAL, "look: NULL");
    const smpsim_render_options *o = &look->render;
    if ((unsigned)o->state > SMPSIM_STATE_AGED)
        return smpsim__fail(err, SMPSIM_EINVAL, "look: state is %d, expected 0..3", (int)o->state);
    if ((unsigned)o->uv_exposure > SMPSIM_UV_HIGH)
        return smpsim__fail(err, SMPSIM_EINVAL, "look: uv is %d, expected 0..2", (int)o->uv_exposure);
    if (o->session > 1000)
        return smpsim__fail(err, SMPSIM_EINVAL, "look: session is %u, expected 0..1000",
                            o->session);
    for (size_t k = 0; k < smpsim__n_look_numbers; k++) {
        const smpsim__look_number *n = &smpsim__look_numbers[k];
        double v;
        memcpy(&v, (const char *)look + n->offset, sizeof v);
        if (v != 0.0 && !(v >= n->lo && v <= n->hi))
            return smpsim__fail(err, SMPSIM_EINVAL, "look: %s is %g, expected 0 (default) or %g..%g",
                                n->key, v, n->lo, n->hi);
    }
    double blur = o->camera_blur_px;
    if (!(blur == 0.0 || blur == SMPSIM_CAMERA_SHARP || blur == SMPSIM_CAMERA_BLUR_AUTO ||
          (blur >= 0.1 && blur <= 8.0)))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "look: camera_blur_px is %g, expected 0 (default), sharp, auto or "
                            "0.1..8",
                            blur);
    for (int k = 0; k < 2; k++) {
        const double *xy = k ? look->hair_xy : look->skin_xy;
        if ((k ? look->have_hair : look->have_skin) && !(isfinite(xy[0]) && isfinite(xy[1])))
            return smpsim__fail(err, SMPSIM_EINVAL, "look: the %s point is not finite",
                                k ? "hair" : "skin");
    }
    if (look->masks != 0 && look->masks != SMPSIM_MASKS_NONE)
        return smpsim__fail(err, SMPSIM_EINVAL, "look: masks is %d, expected 0 or 1",
                            look->masks);
    if (!memchr(look->skin_mask_png, 0, sizeof look->skin_mask_png) ||
        !memchr(look->hair_mask_png, 0, sizeof look->hair_mask_png))
        return smpsim__fail(err, SMPSIM_EINVAL, "look: a mask's path is not terminated");
    return SMPSIM_OK;
}
