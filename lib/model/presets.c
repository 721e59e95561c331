/* Design presets: hairlines by landmarks (male juvenile / mature / receded
 * and variants, female) and hair-loss templates (Norwood I-VII with
 * III-vertex, Ludwig I-III) whose treated areas blend into the existing
 * hair at the sides and back (feathered edges). Coordinates are scalp mm of
 * a FRONT view: origin at the glabella, x to the right, y negative upward
 * along the midline. The vertex lies roughly 140 mm up the midline and the
 * crown 180-240 mm. */
#include "model/model-private.h"

#include <stdio.h>

typedef struct area {
    double x, y, rx, ry; /* an ellipse */
} area;

typedef struct preset {
    const char *name, *description;
    double mid_frontal_mm, recession_mm; /* 0 = no hairline */
    int shape, female;
    double front_depth_mm; /* treated band behind the line (0 = none) */
    double front_half_width_mm;
    area crown;        /* rx 0 = none */
    double density;    /* 0 = 100 */
    double feather_mm; /* blend margin of the treated areas */
} preset;

static const preset presets[] = {
    {"male-juvenile", "low, nearly straight adolescent line with slight temple recession", 72, 5,
     0, 0, 140, 105, {0, 0, 0, 0}, 0, 15},
    {"male-mature", "mature male line: 8 cm above the glabella, rounded, temples receded 12 mm", 80,
     12, 0, 0, 140, 105, {0, 0, 0, 0}, 0, 15},
    {"male-receded", "conservative line for an older client: 9 cm, deep temple recession", 90, 22,
     0, 0, 140, 105, {0, 0, 0, 0}, 0, 15},
    {"male-straight", "mature line with a flatter, straighter front", 80, 12, 1, 0, 140, 105,
     {0, 0, 0, 0}, 0, 15},
    {"male-widows-peak", "mature line with a small widow's peak at the midline", 80, 12, 2, 0, 140,
     105, {0, 0, 0, 0}, 0, 15},
    {"female-rounded", "female line: rounder and lower, no temple recession", 72, -8, 0, 1, 140,
     105, {0, 0, 0, 0}, 0, 15},
    {"norwood-1", "Norwood I: minimal loss; a soft frontal touch-up band", 78, 6, 0, 0, 25, 70,
     {0, 0, 0, 0}, 90, 12},
    {"norwood-2", "Norwood II: temple recession; frontal band and temples", 80, 12, 0, 0, 35, 80,
     {0, 0, 0, 0}, 0, 12},
    {"norwood-3", "Norwood III: deep temple recession; front third", 80, 12, 0, 0, 55, 90,
     {0, 0, 0, 0}, 0, 15},
    {"norwood-3-vertex", "Norwood III vertex: front third and a crown patch", 80, 12, 0, 0, 55, 90,
     {0, -215, 30, 35}, 0, 15},
    {"norwood-4", "Norwood IV: front and crown, separated by a band of hair", 80, 12, 0, 0, 80, 95,
     {0, -220, 45, 50}, 0, 18},
    {"norwood-5", "Norwood V: front and crown, the band between them thin", 80, 12, 0, 0, 105, 95,
     {0, -215, 60, 65}, 0, 20},
    {"norwood-6", "Norwood VI: the whole top, front to crown", 80, 12, 0, 0, 200, 100,
     {0, -220, 70, 70}, 0, 20},
    {"norwood-7", "Norwood VII: the whole top and down the sides (horseshoe)", 80, 12, 0, 0, 215,
     115, {0, -225, 85, 80}, 0, 25},
    {"ludwig-1", "Ludwig I: diffuse thinning on the crown, front kept; density enhancement", 0, 0,
     0, 1, 0, 0, {0, -150, 35, 50}, 60, 20},
    {"ludwig-2", "Ludwig II: wider diffuse thinning; density enhancement", 0, 0, 0, 1, 0, 0,
     {0, -155, 50, 70}, 60, 25},
    {"ludwig-3", "Ludwig III: thin over the whole top, front line kept; density enhancement", 0,
     0, 0, 1, 0, 0, {0, -160, 70, 95}, 60, 30},
};

#define N_PRESETS (sizeof presets / sizeof *presets)

size_t smpsim_preset_count(void)
{
    return N_PRESETS;
}

const char *smpsim_preset_name(size_t index)
{
    return index < N_PRESETS ? presets[index].name : NULL;
}

const char *smpsim_preset_description(size_t index)
{
    return index < N_PRESETS ? presets[index].description : NULL;
}

static smpsim_status add_front(smpsim_design *d, const preset *p, const smpsim_region_params *rp,
                               smpsim_error *err)
{
    /* The band behind the line: from below the temples (the hairline cuts
     * it) to front_depth behind the mid-frontal point. */
    double w = p->front_half_width_mm, top = -(p->mid_frontal_mm + p->front_depth_mm);
    double band[] = {-w, -10, -w, top + 10, -0.6 * w, top, 0.6 * w, top, w, top + 10, w, -10};
    return smpsim_design_add_polygon(d, band, 6, SMPSIM_UNITS_MM, rp, err);
}

static smpsim_status build(smpsim_design *d, const preset *p, smpsim_error *err)
{
    smpsim_region_params rp;
    smpsim_region_params_init(&rp);
    rp.density_per_cm2 = p->density > 0 ? p->density : 100;
    rp.dot_diameter_mm = 0.22;
    rp.shade = 5;
    rp.feather_mm = p->feather_mm;
    smpsim_status st = SMPSIM_OK;
    if (p->front_depth_mm > 0)
        st = add_front(d, p, &rp, err);
    if (st == SMPSIM_OK && p->crown.rx > 0)
        st = smpsim_design_add_ellipse(d, p->crown.x, p->crown.y, p->crown.rx, p->crown.ry, 0,
                                       SMPSIM_UNITS_MM, &rp, err);
    if (st != SMPSIM_OK || p->mid_frontal_mm == 0)
        return st;
    smpsim_landmarks l;
    smpsim_landmarks_init(&l);
    l.mid_frontal_mm = p->mid_frontal_mm;
    l.recession_mm = p->recession_mm;
    l.shape = p->shape;
    l.female = p->female;
    return smpsim_design_set_hairline_landmarks(d, &l, NULL, err);
}

smpsim_status smpsim_design_new_preset(const char *name, smpsim_design **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "preset: out-pointer is NULL");
    *out = NULL;
    const preset *p = NULL;
    for (size_t i = 0; name && i < N_PRESETS && !p; i++)
        if (strcmp(name, presets[i].name) == 0)
            p = &presets[i];
    if (!p) {
        char list[600] = "";
        for (size_t i = 0; i < N_PRESETS; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     presets[i].name);
        return smpsim__fail(err, SMPSIM_EINVAL, "unknown preset '%s'; presets: %s",
                            name ? name : "(null)", list);
    }
    smpsim_design *d;
    smpsim_status st = smpsim_design_new(&d, err);
    if (st == SMPSIM_OK)
        st = smpsim_design_set_name(d, p->name, err);
    if (st == SMPSIM_OK)
        st = build(d, p, err);
    if (st != SMPSIM_OK) {
        smpsim_design_free(d);
        return st;
    }
    *out = d;
    return SMPSIM_OK;
}
