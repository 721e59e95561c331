/* Private declarations of the renderer's files (render*.c, pigment.c,
 * skin.c, blur.c). Not installed. */
#ifndef SMPSIM_RENDER_PRIVATE_H
#define SMPSIM_RENDER_PRIVATE_H

#include "sampling/sampling-private.h"

/* ---- sRGB 8-bit tables (built per call or per renderer; never global) ---- */

/* decode[v]: sRGB code v -> linear. Encoding a linear value rounds exactly
 * like lrint(linear_to_srgb(v) * 255): bucket[i] is the code at the start of
 * the linear interval [i/4096, (i+1)/4096), which holds at most one
 * rounding threshold (the thresholds are >= 3.0e-4 apart, one bucket is
 * 2.44e-4 wide), and threshold[c] is where code c + 1 begins. */
typedef struct smpsim__srgb8 {
    float decode[256];
    float threshold[256];
    uint8_t bucket[4097]; /* [4096] holds 1.0 */
} smpsim__srgb8;

void smpsim__srgb8_init(smpsim__srgb8 *t);

static inline uint8_t smpsim__srgb8_encode(const smpsim__srgb8 *t, float lin)
{
    if (!(lin > 0.0f))
        return 0;
    if (lin >= 1.0f)
        return 255;
    uint8_t c = t->bucket[(int)(lin * 4096.0f)];
    return (uint8_t)(c + (lin >= t->threshold[c]));
}

/* The same for lin already known to lie in [0, 1]. */
static inline uint8_t smpsim__srgb8_encode_unit(const smpsim__srgb8 *t, float lin)
{
    uint8_t c = t->bucket[(int)(lin * 4096.0f)];
    return (uint8_t)(c + (lin >= t->threshold[c]));
}

uint16_t smpsim__srgb16_encode(double lin);

/* ---- pigment (pigment.c) ---------------------------------------------- */

/* Resolved render options: defaults filled in, ranges checked. */
smpsim_status smpsim__render_resolve(const smpsim_render_options *in, smpsim_render_options *o,
                                     smpsim_error *err);

/* How one class of dots looks (the latest session, or earlier ones). */
typedef struct smpsim__look {
    int skip;              /* not drawn */
    int as_given;          /* legacy: the dot as given, nothing added */
    double diameter_factor; /* visible diameter / needle diameter */
    double softness;        /* soft edge as a fraction of the radius */
    double od_factor;       /* optical density relative to the healed pigment */
    double blue_ratio;      /* blue absorbance relative to red */
    double green_ratio;     /* green absorbance relative to red (0: half-way to blue) */
    double redness;         /* 0..1: strength of the fresh redness halo */
    double blowout;         /* 0..1: strength of the blowout halo */
    double camera_px;       /* half-width of the camera's edge ramp, px (0 = none) */
    int irregular;          /* healed specks: each varies in size, strength and shape */
    double veil;            /* 0..1: strength of the grey veil at a dot's centre (full shade) */
    double veil_radius_mm;  /* reach of a dot's veil */
} smpsim__look;

/* The look of a dot of `session` (0 = 1) with these resolved options. */
void smpsim__look_for_session(const smpsim_render_options *o, unsigned session,
                              smpsim__look *look);

/* Linear transmittance of a shade (or the options' explicit colour) under a look. */
void smpsim__look_transmittance(const smpsim_render_options *o, const smpsim__look *look,
                                double shade, double t[3]);

/* For carbon black, log2 T = shade x rate (shade clamped to 0..10): one
 * exp2 per channel per dot instead of pow(). All zero for an explicit
 * colour, whose T does not depend on the shade. */
void smpsim__look_transmittance_rate(const smpsim_render_options *o, const smpsim__look *look,
                                     double rate[3]);

/* A dot's veil strength for its shade (fainter below a light shade). */
double smpsim__look_veil(const smpsim__look *look, double shade);
/* The veil mixes a pixel's linear colour c towards a warm grey of its own
 * luminance Y: c + V (SMPSIM__VEIL_GREY x Y x tint - c). */
#define SMPSIM__VEIL_GREY 0.92f
#define SMPSIM__VEIL_TINT_R 1.04f
#define SMPSIM__VEIL_TINT_G 1.0f
#define SMPSIM__VEIL_TINT_B 0.93f

/* Absorption (1 - factor at full coverage) of the redness halo at full strength. */
extern const double smpsim__redness_absorption[3];
/* Halo radii in px for a dot of visible radius r_px at scale px_per_mm. */
double smpsim__redness_radius_px(double r_px, double px_per_mm);
double smpsim__blowout_radius_px(double r_px, double px_per_mm);
#define SMPSIM__BLOWOUT_STRENGTH 0.35
#define SMPSIM__BLOWOUT_COOLING 0.8

/* ---- the renderer (render.c) ------------------------------------------ */

/* smpsim_render_options.threads: at most this many. */
#define SMPSIM__MAX_THREADS 64
/* Threads that composited the last render (0: nothing was composited). */
size_t smpsim__renderer_threads_used(const smpsim_renderer *r);

/* ---- kernels (render-kernels.c) ---------------------------------------- */

/* Coverage kernels of one dot profile (opacity 1 inside radius a, falling
 * linearly to 0 at b) at sub x sub sub-pixel positions: kernel (qx, qy) is
 * the dot centred at (h + qx/sub, h + qy/sub) in a size x size pixel grid
 * (h = (size-1)/2), each normalised to the profile's exact area and trimmed
 * to its non-zero box. */
typedef struct smpsim__kernels {
    double a, b;     /* radii (px) */
    double area;     /* exact area of the profile (px^2) */
    int sub, size, half;
    float *w;        /* sub*sub kernels of size*size weights */
    uint8_t *box;    /* per kernel: x0, y0, w, h within size x size */
} smpsim__kernels;

/* Largest outer radius (px) served from cached kernels; larger dots get a
 * kernel of their own (smpsim__kernel_direct). */
#define SMPSIM__KERNEL_MAX_B 24.0

/* Kernels are built for outer radii b at 32 steps per octave (b >= 0.05
 * px) and softness (b - a) / b in 20 steps. */
#define SMPSIM__KERNEL_RADIUS_STEPS 32
#define SMPSIM__KERNEL_SOFT_STEPS 20
/* Softness step of a faint halo's kernels: the profile of the last step
 * (a = 0) with the weights that would change a pixel by less than half a
 * code value under an absorption of 0.1 (w < SMPSIM__KERNEL_FAINT_WEIGHT)
 * dropped, and their share given to the others. */
#define SMPSIM__KERNEL_FAINT (SMPSIM__KERNEL_SOFT_STEPS + 1)
#define SMPSIM__KERNEL_FAINT_WEIGHT 0.04f
#define SMPSIM__KERNEL_MIN_B 0.05
/* Kernel weights are allocated with this many zero floats to spare: the
 * renderer reads rows four weights at a time, past a row's end. */
#define SMPSIM__KERNEL_PAD 4

/* The radius step of b (>= SMPSIM__KERNEL_MIN_B, finite), round(log2(b)
 * x 32), without log2(): b's exponent, and its mantissa by a table of 256
 * buckets, each holding at most one step boundary. */
typedef struct smpsim__radius_steps {
    int8_t step[256];  /* steps of the mantissa at the bucket's start */
    double edge[256];  /* the mantissa where the next step begins (3: none) */
} smpsim__radius_steps;

void smpsim__radius_steps_init(smpsim__radius_steps *t);

static inline int smpsim__radius_step(const smpsim__radius_steps *t, double b)
{
    uint64_t bits;
    memcpy(&bits, &b, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1023;
    unsigned j = (unsigned)(bits >> 44) & 0xffu;
    uint64_t mbits = (bits & UINT64_C(0x000fffffffffffff)) | UINT64_C(0x3ff0000000000000);
    double m;
    memcpy(&m, &mbits, sizeof m);
    return e * SMPSIM__KERNEL_RADIUS_STEPS + t->step[j] + (m >= t->edge[j]);
}

/* The cached kernels' key of a profile (opacity 1 inside a, 0 beyond b,
 * px; b > 0): its radius step (b below SMPSIM__KERNEL_MIN_B counts as that)
 * and softness step. */
static inline void smpsim__kernel_quantise(const smpsim__radius_steps *t, double a, double b,
                                           int *qb, int *qs)
{
    double bb = b > SMPSIM__KERNEL_MIN_B ? b : SMPSIM__KERNEL_MIN_B;
    double soft = (b - a) / bb;
    soft = soft > 0.0 ? (soft < 1.0 ? soft : 1.0) : 0.0;
    *qb = smpsim__radius_step(t, bb);
    *qs = (int)(soft * SMPSIM__KERNEL_SOFT_STEPS + 0.5);
}
smpsim_status smpsim__kernels_build(smpsim__kernels *k, int qb, int qs, smpsim_error *err);
void smpsim__kernels_free(smpsim__kernels *k);
/* Exact area (px^2) of the profile: opacity 1 inside a, falling linearly
 * to 0 at b. */
static inline double smpsim__profile_area(double a, double b)
{
    /* pi a^2 + the ramp's ring, 2 pi times the integral of r (b - r) / (b - a)
     * from a to b = pi (b - a)(b + 2a) / 3: together pi (a^2 + ab + b^2) / 3
     * (a disc when a = b, a cone's pi b^2 / 3 when a = 0), no division. */
    const double pi_3 = 3.14159265358979323846 / 3.0;
    return pi_3 * (a * a + a * b + b * b);
}
/* One kernel for a big dot at exact position (cx, cy): covers the pixels
 * [*x0, *x0 + *w) x [*y0, *y0 + *h); free the result with free(). */
float *smpsim__kernel_direct(double cx, double cy, double a, double b, long *x0, long *y0,
                             long *w, long *h);

#endif
