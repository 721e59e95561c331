/* The pigment and the dot's look over time: shade -> transmittance, fresh,
 * healed and aged states, needle depth, sessions. The numbers and their
 * sources are explained in docs/realism.md. */
#include "render/render-private.h"

#include <math.h>

#define DEFAULT_EDGE_SOFTNESS 0.35
#define DEFAULT_MAX_OD 1.3
#define DEFAULT_BLUE_RATIO 0.88
#define DEFAULT_YEARS 5.0
#define REFERENCE_DEPTH_MM 0.6 /* middle of the 0.3-1.2 mm range (DESIGN.md section 2) */
#define DEFAULT_BLOWOUT_MM 1.2 /* upper end of that range */
#define DEFAULT_CAMERA_BLUR_PX 1.5 /* 10-90 % edge rise; docs/realism.md */

/* Per millimetre deeper than the reference depth. */
#define DEPTH_GROWTH 0.5   /* visible diameter x (1 + 0.5 per mm) */
#define DEPTH_BLUR 0.5     /* soft edge + 0.5 of the radius per mm */
#define DEPTH_COOLING 0.15 /* blue absorbance ratio x (1 - 0.15 per mm) */

/* States relative to the pigment's nominal look (the AS_GIVEN dot). */
#define FRESH_DIAMETER 1.10  /* slightly larger: ink on and in the epidermis */
#define FRESH_SOFTNESS 0.70  /* sharper */
#define FRESH_OD 1.20        /* darker */
#define FRESH_NEUTRAL 0.30   /* keeps 30 % of the blue cast: it comes within weeks */
/* Healed: what a camera records of healed SMP (issue 15, five real
 * before/after photo pairs; docs/realism.md "The healed look"). The
 * pigment spreads into a speck 2-3x the needle's mark that keeps most of
 * its density; specks vary (size, strength, shape: SPECK_* in render.c);
 * a grey-brown veil lies over the treated area between them. */
#define HEALED_DIAMETER 2.8  /* 0.20-0.25 mm needle -> 0.56-0.7 mm speck (0.5-0.7 mm measured) */
#define HEALED_SOFTNESS 0.45 /* added: a spread speck has a soft rim (0.8 of the radius) */
#define HEALED_OD 0.85       /* keeps most of its density: ~a shade lighter */
/* Speck colour L* 33-38, a* 3-6, b* 10-13 on fair skin (measured): over
 * the veiled skin that takes OD ratios green/red ~1.0, blue/red ~1.25. */
#define HEALED_WARMTH 1.42   /* blue absorbance x 1.42: 0.88 -> 1.25 */
#define HEALED_GREEN 1.06    /* green absorbance / red (carbon: half-way to blue) */
/* The veil: each healed dot adds a cone of radius VEIL_RADIUS_MM in which
 * the skin is mixed towards a warm grey of its own luminance, up to
 * VEIL_PER_DOT at the centre; overlapping cones combine as 1 - prod(1 - w s).
 * At 100 dots/cm2 the mix is ~0.45 (between-dots dC* about -8 on fair,
 * -12 on olive skin; the photographs: -13). Shades from VEIL_FULL_SHADE up
 * give the full veil, fainter ones in proportion. Fitted to photographs. */
#define VEIL_RADIUS_MM 1.4
#define VEIL_PER_DOT 0.46
#define VEIL_FULL_SHADE 4.0
#define AGED_SPREAD_PER_YEAR 0.02
#define AGED_SPREAD_MAX 1.25
#define AGED_SOFTNESS_PER_YEAR 0.03
#define SHALLOW_DEPTH_MM 0.4 /* shallower than this fades faster, in proportion */

/* Fading time constant (years) of the optical density by UV exposure:
 * OD x exp(-t / tau). Normal exposure loses ~40 % in 5 years, the time
 * after which artists advise a touch-up (4-6 years; UV the accelerator). */
static const double fade_tau_years[3] = {10.0, 16.0, 6.0}; /* normal, low, high */

const double smpsim__redness_absorption[3] = {0.0, 0.10, 0.07};

double smpsim__redness_radius_px(double r_px, double px_per_mm)
{
    return r_px + 0.25 * px_per_mm;
}

double smpsim__blowout_radius_px(double r_px, double px_per_mm)
{
    return 2.5 * r_px + 0.1 * px_per_mm;
}

static smpsim_status check_range(double v, double lo, double hi, const char *name,
                                 smpsim_error *err)
{
    if (!(v >= lo && v <= hi))
        return smpsim__fail(err, SMPSIM_EINVAL, "render: %s is %g, expected %g..%g", name, v,
                            lo, hi);
    return SMPSIM_OK;
}

smpsim_status smpsim__render_resolve(const smpsim_render_options *in, smpsim_render_options *o,
                                     smpsim_error *err)
{
    smpsim__copy_options(o, sizeof *o, in);
    if (o->edge_softness == 0.0)
        o->edge_softness = DEFAULT_EDGE_SOFTNESS;
    if (o->max_optical_density == 0.0)
        o->max_optical_density = DEFAULT_MAX_OD;
    if (o->blue_absorbance_ratio == 0.0)
        o->blue_absorbance_ratio = DEFAULT_BLUE_RATIO;
    if (o->years == 0.0)
        o->years = DEFAULT_YEARS;
    if (o->depth_mm == 0.0)
        o->depth_mm = REFERENCE_DEPTH_MM;
    if (o->blowout_depth_mm == 0.0)
        o->blowout_depth_mm = DEFAULT_BLOWOUT_MM;
    if (o->camera_blur_px == 0.0)
        o->camera_blur_px = DEFAULT_CAMERA_BLUR_PX;
    smpsim_status st = check_range(o->edge_softness, 0.01, 1.0, "edge_softness", err);
    if (st == SMPSIM_OK && !(o->max_optical_density > 0.0 && o->max_optical_density <= 4.0))
        st = smpsim__fail(err, SMPSIM_EINVAL, "render: max_optical_density is %g, expected 0..4",
                          o->max_optical_density);
    if (st == SMPSIM_OK)
        st = check_range(o->blue_absorbance_ratio, 0.5, 1.5, "blue_absorbance_ratio", err);
    if (st == SMPSIM_OK && ((unsigned)o->state > SMPSIM_STATE_AGED))
        st = smpsim__fail(err, SMPSIM_EINVAL, "render: state is %d, expected 0..3", (int)o->state);
    if (st == SMPSIM_OK)
        st = check_range(o->years, 0.0, 50.0, "years", err);
    if (st == SMPSIM_OK && ((unsigned)o->uv_exposure > SMPSIM_UV_HIGH))
        st = smpsim__fail(err, SMPSIM_EINVAL, "render: uv_exposure is %d, expected 0..2",
                          (int)o->uv_exposure);
    if (st == SMPSIM_OK)
        st = check_range(o->depth_mm, 0.1, 3.0, "depth_mm", err);
    if (st == SMPSIM_OK)
        st = check_range(o->blowout_depth_mm, 0.1, 3.0, "blowout_depth_mm", err);
    if (st == SMPSIM_OK && o->threads > SMPSIM__MAX_THREADS)
        st = smpsim__fail(err, SMPSIM_EINVAL, "render: threads is %u, expected 0..%d",
                          o->threads, SMPSIM__MAX_THREADS);
    if (st == SMPSIM_OK && o->session > 1000)
        st = smpsim__fail(err, SMPSIM_EINVAL, "render: session is %u, expected 0..1000",
                          o->session);
    if (st == SMPSIM_OK)
        st = check_range(o->earlier_years, 0.0, 50.0, "earlier_years", err);
    if (st == SMPSIM_OK && o->camera_blur_px != SMPSIM_CAMERA_SHARP)
        st = check_range(o->camera_blur_px, 0.1, 8.0, "camera_blur_px", err);
    for (int c = 0; st == SMPSIM_OK && o->use_pigment_colour && c < 3; c++)
        st = check_range(o->pigment_srgb[c], 0.0, 1.0, "pigment_srgb", err);
    return st;
}

static void look_for_state(const smpsim_render_options *o, int state, double years,
                           smpsim__look *l)
{
    *l = (smpsim__look){.diameter_factor = 1.0, .softness = o->edge_softness,
                        .od_factor = 1.0, .blue_ratio = o->blue_absorbance_ratio};
    if (state == SMPSIM_STATE_AS_GIVEN) {
        l->as_given = 1;
        return;
    }
    /* A linear ramp's 10-90 % rise is 0.8 of its width: half-width = rise / 1.6. */
    if (o->camera_blur_px > 0.0)
        l->camera_px = o->camera_blur_px / 1.6;
    double deeper = o->depth_mm - REFERENCE_DEPTH_MM;
    l->diameter_factor = fmax(0.6, 1.0 + DEPTH_GROWTH * deeper);
    l->softness += DEPTH_BLUR * deeper;
    l->blue_ratio *= 1.0 - DEPTH_COOLING * deeper;
    if (state == SMPSIM_STATE_FRESH) {
        l->diameter_factor *= FRESH_DIAMETER;
        l->softness *= FRESH_SOFTNESS;
        l->od_factor = FRESH_OD;
        l->blue_ratio = 1.0 - (1.0 - l->blue_ratio) * FRESH_NEUTRAL;
        l->redness = 1.0;
    } else {
        l->diameter_factor *= HEALED_DIAMETER;
        l->softness += HEALED_SOFTNESS;
        l->od_factor = HEALED_OD;
        l->blue_ratio *= HEALED_WARMTH;
        l->green_ratio = HEALED_GREEN;
        l->irregular = 1;
        l->veil = VEIL_PER_DOT;
        l->veil_radius_mm = VEIL_RADIUS_MM;
    }
    if (state == SMPSIM_STATE_AGED) {
        double tau = fade_tau_years[o->uv_exposure] * fmin(1.0, o->depth_mm / SHALLOW_DEPTH_MM);
        l->od_factor *= exp(-years / tau);
        l->veil *= exp(-years / tau);
        l->diameter_factor *= fmin(AGED_SPREAD_MAX, 1.0 + AGED_SPREAD_PER_YEAR * years);
        l->softness += AGED_SOFTNESS_PER_YEAR * years;
    }
    if (o->depth_mm > o->blowout_depth_mm)
        l->blowout = fmin(1.0, 2.0 * (o->depth_mm - o->blowout_depth_mm) / o->blowout_depth_mm);
    l->softness = fmin(fmax(l->softness, 0.01), 1.0);
    l->blue_ratio = fmin(fmax(l->blue_ratio, 0.3), 1.5);
}

void smpsim__look_for_session(const smpsim_render_options *o, unsigned session,
                              smpsim__look *look)
{
    unsigned s = session ? session : 1, k = o->session;
    if (k == 0) {
        look_for_state(o, o->state, o->years, look);
        return;
    }
    if (s > k) {
        *look = (smpsim__look){.skip = 1};
        return;
    }
    if (s < k) {
        int earlier = o->earlier_years > 0.0 ? SMPSIM_STATE_AGED : SMPSIM_STATE_HEALED;
        look_for_state(o, earlier, o->earlier_years, look);
        return;
    }
    look_for_state(o, o->state == SMPSIM_STATE_AS_GIVEN ? SMPSIM_STATE_FRESH : o->state,
                   o->years, look);
}

void smpsim__look_transmittance(const smpsim_render_options *o, const smpsim__look *look,
                                double shade, double t[3])
{
    double od[3], ratio = look->blue_ratio;
    if (o->use_pigment_colour) {
        double base = o->blue_absorbance_ratio;
        for (int c = 0; c < 3; c++)
            od[c] = -log10(fmax(smpsim__srgb_to_linear(o->pigment_srgb[c]), 1e-4));
        od[1] *= (1.0 + ratio) / (1.0 + base);
        od[2] *= ratio / base;
    } else {
        double red = fmin(fmax(shade, 0.0), 10.0) / 10.0 * o->max_optical_density;
        od[0] = red;
        od[1] = red * (look->green_ratio > 0.0 ? look->green_ratio : (1.0 + ratio) / 2.0);
        od[2] = red * ratio;
    }
    for (int c = 0; c < 3; c++)
        t[c] = pow(10.0, -od[c] * look->od_factor);
}

double smpsim__look_veil(const smpsim__look *look, double shade)
{
    double s = shade > 0.0 ? (shade < VEIL_FULL_SHADE ? shade : VEIL_FULL_SHADE) : 0.0;
    return look->veil * s / VEIL_FULL_SHADE;
}

void smpsim__look_transmittance_rate(const smpsim_render_options *o, const smpsim__look *look,
                                     double rate[3])
{
    if (o->use_pigment_colour) {
        rate[0] = rate[1] = rate[2] = 0.0;
        return;
    }
    double ratio = look->blue_ratio, red = o->max_optical_density / 10.0 * look->od_factor;
    const double log2_10 = 3.32192809488736234787;
    rate[0] = -red * log2_10;
    rate[1] = -red * (look->green_ratio > 0.0 ? look->green_ratio : (1.0 + ratio) / 2.0) * log2_10;
    rate[2] = -red * ratio * log2_10;
}

void smpsim_shade_transmittance(double shade, const smpsim_render_options *opts, double rgb[3])
{
    smpsim_render_options o;
    if (smpsim__render_resolve(opts, &o, NULL) != SMPSIM_OK)
        smpsim__render_resolve(NULL, &o, NULL);
    smpsim__look look;
    look_for_state(&o, SMPSIM_STATE_AS_GIVEN, 0.0, &look);
    smpsim__look_transmittance(&o, &look, shade, rgb);
}

smpsim_status smpsim_dot_appearance(const smpsim_dot *dot, const smpsim_render_options *opts,
                                    smpsim_dot_look *out, smpsim_error *err)
{
    if (!dot || !out)
        return smpsim__fail(err, SMPSIM_EINVAL, "dot appearance: dot or out is NULL");
    smpsim_render_options o;
    smpsim_status st = smpsim__render_resolve(opts, &o, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim__look look;
    smpsim__look_for_session(&o, dot->session, &look);
    *out = (smpsim_dot_look){0};
    if (look.skip)
        return SMPSIM_OK;
    out->visible = 1;
    out->diameter_mm = dot->diameter_mm * look.diameter_factor;
    out->edge_softness = look.softness;
    smpsim__look_transmittance(&o, &look, dot->shade, out->transmittance);
    out->redness = look.redness;
    out->blowout = look.blowout;
    double r = out->diameter_mm / 2.0;
    if (look.blowout > 0.0)
        out->halo_diameter_mm = 2.0 * smpsim__blowout_radius_px(r, 1.0);
    else if (look.redness > 0.0)
        out->halo_diameter_mm = 2.0 * smpsim__redness_radius_px(r, 1.0);
    return SMPSIM_OK;
}

/* ---- sRGB tables -------------------------------------------------------- */

void smpsim__srgb8_init(smpsim__srgb8 *t)
{
    for (int v = 0; v < 256; v++) {
        t->decode[v] = (float)smpsim__srgb_to_linear(v / 255.0);
        t->threshold[v] = v < 255 ? (float)smpsim__srgb_to_linear((v + 0.5) / 255.0) : 2.0f;
    }
    int code = 0;
    for (int i = 0; i <= 4096; i++) {
        float lin = (float)i / 4096.0f;
        while (code < 255 && lin >= t->threshold[code])
            code++;
        t->bucket[i] = (uint8_t)code;
    }
}

uint16_t smpsim__srgb16_encode(double lin)
{
    double v = smpsim__linear_to_srgb(fmin(fmax(lin, 0.0), 1.0));
    return (uint16_t)lrint(v * 65535.0);
}

/* ---- default shade ------------------------------------------------------ */

static double luminance(const double lin[3])
{
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

double smpsim_default_shade(const smpsim_colour *skin, const smpsim_colour *hair,
                            const smpsim_render_options *opts)
{
    /* Darker skin takes a darker shade (contrast is softer on it; on fair
     * skin a dark shade looks blue). A heuristic of this project, not a
     * published table: see docs/realism.md. */
    static const double by_type[7] = {5.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0};
    int type = skin && skin->fitzpatrick >= 1 && skin->fitzpatrick <= 6 ? skin->fitzpatrick : 0;
    double shade = by_type[type];
    if (!skin || !hair || hair->n_pixels == 0)
        return shade;
    smpsim_render_options o;
    if (smpsim__render_resolve(opts, &o, NULL) != SMPSIM_OK)
        smpsim__render_resolve(NULL, &o, NULL);
    /* Never darker than the hair: a fully covered patch of pigment over
     * this skin must not be darker than the hair colour. */
    double hair_y = luminance(hair->linear);
    smpsim__look look;
    look_for_state(&o, SMPSIM_STATE_AS_GIVEN, 0.0, &look);
    while (shade > 1.0) {
        double t[3], dot[3];
        smpsim__look_transmittance(&o, &look, shade, t);
        for (int c = 0; c < 3; c++)
            dot[c] = skin->linear[c] * t[c];
        if (luminance(dot) >= hair_y)
            break;
        shade -= 0.5;
    }
    return fmax(shade, 1.0);
}
