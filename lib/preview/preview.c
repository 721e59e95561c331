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

/* The skin and hair masks of a look over this photo (NULL: none) and
 * where pigment may go: in the modelled states unless the look says none;
 * for guides always. */
typedef struct masks {
    smpsim_mask *skin, *hair, *allowed;
} masks;

static void masks_free(masks *m)
{
    smpsim_mask_free(m->skin);
    smpsim_mask_free(m->hair);
    smpsim_mask_free(m->allowed);
}

static int modelled(const smpsim_look *look)
{
    return look->render.state != SMPSIM_STATE_AS_GIVEN || look->render.session != 0;
}

/* A painted mask (path) or the one found in the photo. */
static smpsim_status one_mask(const char *path, const smpsim_image *photo,
                              const smpsim_mask *skin, smpsim_mask **out, smpsim_error *err)
{
    if (!path[0])
        return skin ? smpsim_hair_mask(photo, skin, out, err) : smpsim_skin_mask(photo, out, err);
    smpsim_image *painted = NULL;
    smpsim_status st = smpsim_image_load(path, NULL, &painted, err);
    if (st == SMPSIM_OK && (painted->width != photo->width || painted->height != photo->height))
        st = smpsim__fail(err, SMPSIM_EINVAL, "%s: the mask is %ux%u px, the photo %ux%u", path,
                          painted->width, painted->height, photo->width, photo->height);
    if (st == SMPSIM_OK)
        st = smpsim_mask_from_image(painted, out, err);
    smpsim_image_free(painted);
    return st;
}

static smpsim_status make_masks(const smpsim_look *look, const smpsim_image *photo, masks *m,
                                smpsim_error *err)
{
    *m = (masks){0};
    int pigment = modelled(look) && look->masks != SMPSIM_MASKS_NONE;
    if (!pigment && !look->guides)
        return SMPSIM_OK;
    smpsim_status st = one_mask(look->skin_mask_png, photo, NULL, &m->skin, err);
    if (st == SMPSIM_OK)
        st = one_mask(look->hair_mask_png, photo, m->skin, &m->hair, err);
    if (st == SMPSIM_OK && pigment)
        st = smpsim_mask_allowed(m->skin, m->hair, &m->allowed, err);
    return st;
}

/* The masks for guides: the hair tinted, the skin's outline. */
static smpsim_status draw_masks(const masks *m, smpsim_image *img, smpsim_error *err)
{
    static const double hair_rgb[3] = {0.0, 0.85, 1.0}, skin_rgb[3] = {1.0, 0.0, 0.85};
    smpsim_status st = SMPSIM_OK;
    if (m->hair)
        st = smpsim_mask_draw(img, m->hair, hair_rgb, 0.45, 0, err);
    if (st == SMPSIM_OK && m->skin)
        st = smpsim_mask_draw(img, m->skin, skin_rgb, 1.0, 1, err);
    return st;
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
    masks m = {0};
    st = smpsim_design_dots(design, &dots, err);
    if (st == SMPSIM_OK)
        st = smpsim_image_copy(photo, &img, err);
    if (st == SMPSIM_OK)
        st = sample_and_shade(&look, img, view, dots, &info, err);
    if (st == SMPSIM_OK)
        st = smpsim_look_resolve(&look, img, &info, err);
    if (st == SMPSIM_OK)
        st = make_masks(&look, photo, &m, err);
    if (st == SMPSIM_OK)
        st = smpsim_render_dots_masked(img, view, dots, &look.render, m.allowed, err);
    if (st == SMPSIM_OK && look.distance_m > 0)
        st = smpsim_image_view_at_distance(img, view->px_per_mm, look.distance_m, err);
    if (st == SMPSIM_OK && look.guides)
        st = draw_masks(&m, img, err);
    if (st == SMPSIM_OK && look.guides)
        st = draw_guides(img, design, dots, err);
    masks_free(&m);
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
