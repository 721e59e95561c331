/* A design over its photo with a look: the pipeline behind `smpsim render`,
 * compare, sheet and the studio, in one place. */
#include "preview/preview-private.h"

#include <stdlib.h>

/* Skin and hair sampled before the dots darken the photo; with auto_shade
 * every dot gets the default shade for them. */
static smpsim_status sample_and_shade(const smpsim_look *look, const smpsim_image *photo,
                                      const smpsim_view *view, smpsim_dots *dots,
                                      smpsim_preview_info *info, smpsim_error *err)
{
    if (!look->have_skin && !look->have_hair && !look->auto_shade)
        return SMPSIM_OK;
    smpsim_status st = look->have_skin ? smpsim_sample_colour(photo, SMPSIM_SAMPLE_SKIN,
                                                              look->skin_xy, 1, 0, &info->skin,
                                                              err)
                                       : smpsim_sample_skin_at_dots(photo, view, dots,
                                                                    &info->skin, err);
    if (st == SMPSIM_OK && look->have_hair)
        st = smpsim_sample_colour(photo, SMPSIM_SAMPLE_HAIR, look->hair_xy, 1, 0, &info->hair,
                                  err);
    if (st != SMPSIM_OK)
        return st;
    info->sampled = 1;
    info->default_shade =
        smpsim_default_shade(&info->skin, look->have_hair ? &info->hair : NULL, &look->render);
    for (size_t i = 0; look->auto_shade && i < dots->count; i++)
        dots->dots[i].shade = (float)info->default_shade;
    return SMPSIM_OK;
}

smpsim_status smpsim_look_resolve(smpsim_look *look, const smpsim_image *photo,
                                  smpsim_preview_info *info, smpsim_error *err)
{
    if (!look || !photo)
        return smpsim__fail(err, SMPSIM_EINVAL, "look_resolve: %s is NULL",
                            !look ? "the look" : "the photo");
    smpsim_render_options *o = &look->render;
    if (o->camera_blur_px != SMPSIM_CAMERA_BLUR_AUTO) {
        if (info)
            info->camera_blur_px = o->camera_blur_px;
        return SMPSIM_OK;
    }
    smpsim_blur_estimate e;
    smpsim_status st = smpsim_estimate_camera_blur(photo, NULL, 0, &e, err);
    if (st != SMPSIM_OK)
        return st;
    o->camera_blur_px = e.rise_px < 0.1 ? 0.1 : e.rise_px > 8.0 ? 8.0 : e.rise_px;
    if (info) {
        info->camera_blur = e;
        info->camera_blur_px = o->camera_blur_px;
        info->camera_blur_measured = 1;
    }
    return SMPSIM_OK;
}

static smpsim_status draw_guides(smpsim_image *img, const smpsim_design *design,
                                 const smpsim_dots *dots, smpsim_error *err)
{
#if SMPSIM_HAVE_CAIRO
    return smpsim_image_draw_guides(img, design, dots, NULL, err);
#else
    (void)img, (void)design, (void)dots;
    return smpsim__fail(err, SMPSIM_EUNSUPPORTED,
                        "look: guides need the cairo part, which this build of smpsim has not "
                        "(-Dcairo)");
#endif
}

smpsim_status smpsim_preview_render(const smpsim_design *design, const smpsim_image *photo,
                                    const smpsim_look *look_in, smpsim_image **out,
                                    smpsim_preview_info *info_out, smpsim_error *err)
{
    if (out)
        *out = NULL;
    if (!design || !photo || !out)
        return smpsim__fail(err, SMPSIM_EINVAL, "preview: %s is NULL",
                            !design ? "the design" : !photo ? "the photo" : "out");
    smpsim_look look;
    smpsim_look_init(&look);
    if (look_in)
        smpsim__copy_options(&look, sizeof look, look_in);
    smpsim_status st = smpsim_look_validate(&look, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim_preview_info info;
    memset(&info, 0, sizeof info);
    const smpsim_view *view = smpsim_design_get_view(design);
    smpsim_dots *dots = NULL;
    smpsim_image *img = NULL;
    st = smpsim_design_dots(design, &dots, err);
    if (st == SMPSIM_OK)
        st = smpsim_image_copy(photo, &img, err);
    if (st == SMPSIM_OK)
        st = sample_and_shade(&look, img, view, dots, &info, err);
    if (st == SMPSIM_OK)
        st = smpsim_look_resolve(&look, img, &info, err);
    if (st == SMPSIM_OK)
        st = smpsim_render_dots(img, view, dots, &look.render, err);
    if (st == SMPSIM_OK && look.distance_m > 0)
        st = smpsim_image_view_at_distance(img, view->px_per_mm, look.distance_m, err);
    if (st == SMPSIM_OK && look.guides)
        st = draw_guides(img, design, dots, err);
    if (st == SMPSIM_OK) {
        info.n_dots = dots->count;
        *out = img;
        img = NULL;
        if (info_out)
            *info_out = info;
    }
    smpsim_image_free(img);
    smpsim_dots_free(dots);
    return st;
}
