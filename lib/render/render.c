/* Compositing dots over a photo in linear light, fast.
 *
 * A dot is pigment seen through the epidermis: each pixel's linear colour C
 * becomes C * (1 - a + a T), where T is the pigment's transmittance per
 * channel and a the dot's coverage of the pixel (pigment.c decides T, the
 * dot's size and softness, and its halos from the state, depth and
 * session). The work is done in three steps:
 *
 * 1. every dot becomes one or more splats: a precomputed coverage kernel
 *    for its profile and sub-pixel position (render-kernels.c), clipped to
 *    the image, and its absorption 1 - T scaled so that its darkened area
 *    is exact;
 * 2. splats are bucketed by bands of BAND rows and, within a band, sorted
 *    left to right (counting sorts);
 * 3. per band, a dot's splat is multiplied into its pixels at once (dots
 *    rarely overlap), and so is a faint halo (redness: 10 % at most);
 *    strong halos (blowout), which overlap a lot, first multiply their
 *    factors (1 - a (1 - T)) into a float buffer (all ones between bands),
 *    then each pixel they touch is decoded, multiplied and encoded once,
 *    and its factor reset to one. Bands share no pixels: threads take
 *    them in turn (each with its own factor buffer), and a band is done
 *    whole by one thread in the same order, so the bytes do not depend on
 *    the number of threads.
 *
 * 8-bit pixels go through lookup tables instead of pow(): a table of the
 * new code by old code and absorption for splats that go straight in, and
 * decode + an exact encode (bucket + threshold) for the factor buffer;
 * 16-bit pixels use the exact transfer functions and stay 16-bit. */
#include "render/render-private.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define BAND 32
/* Threads: 0 in the options means one per online CPU up to AUTO_THREADS;
 * a render with fewer than MIN_ITEMS_PER_THREAD splats per thread, or two
 * bands, uses fewer. */
#define AUTO_THREADS 8
#define MIN_ITEMS_PER_THREAD 4096
#define MAX_KERNEL_PX 4096 /* a dot wider than this is refused */
#define LOOK_CACHE 17      /* looks of sessions 0..16 are kept */
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)
#define LN2 0.69314718055994530942
/* Dots and faint halos go into 8-bit pixels by a table of the new code per
 * old code and absorption w k rounded to 1/CODE_STEPS (see splat8()). */
#define CODE_STEPS 4095
#define CODE_LEVELS (CODE_STEPS + 1) /* a power of two: a row is code << 12 */
_Static_assert(CODE_LEVELS == 1 << 12, "row8_fused() shifts codes by 12");

/* How a splat reaches the pixels: at once (a dot; a faint halo, whose
 * kernel drops its faintest rim); through the factor buffer (a strong
 * halo). */
enum { SPLAT_ACC, SPLAT_DOT, SPLAT_FAINT, SPLAT_VEIL };
/* The factor buffer's planes: R, G, B factors of strong halos, and the
 * veil's 1 - mix (see apply8()). */
#define ACC_PLANES 4
#define VEIL_PLANE 3

/* A kernel window placed on the image: pixel (x, y) takes weight k[0]. */
typedef struct window {
    long x, y, w, h, stride;
    const float *k;
} window;

/* A splat: one kernel window clipped to the image, and how its pixels
 * change. A faint halo carries its dot along when the dot lies inside its
 * footprint (fused: one pass over the pixels, the dot's pixels rounded
 * once for both). */
typedef struct splat {
    int32_t x, y;          /* top-left pixel of the clipped footprint */
    uint16_t w, h;         /* clipped footprint (kernels are <= MAX_KERNEL_PX + 1) */
    uint16_t stride;       /* kernel row stride */
    uint8_t how;           /* SPLAT_DOT, SPLAT_FAINT, SPLAT_ACC or SPLAT_VEIL (see composite()) */
    /* the fused dot (dw = 0: none): its clipped footprint starts at pixel
     * (x + dx, y + dy) of the image, with weight dk[0] (a halo carries
     * one only when it is at most FUSE_MAX px wide and high) */
    uint8_t dx, dy, dw, dh;
    uint16_t dstride;
    const float *k;        /* weight of pixel (x, y) */
    const float *dk;
    float absorb[3];       /* 1 - T per channel, times the area correction */
    float dabsorb[3];
} splat; /* 64 bytes: bucketing copies them */

#define FUSE_MAX 255
_Static_assert(sizeof(splat) <= 64, "a splat fits a cache line");
_Static_assert(MAX_KERNEL_PX + 2 <= UINT16_MAX, "kernel windows fit splat.w and .h");

/* Radius steps of the cached kernels: b from SMPSIM__KERNEL_MIN_B to
 * SMPSIM__KERNEL_MAX_B (log2 -4.4 .. 4.6). */
#define QB_MIN (-5 * SMPSIM__KERNEL_RADIUS_STEPS)
#define QB_MAX (5 * SMPSIM__KERNEL_RADIUS_STEPS)
#define SHADE_STEPS_PER_UNIT 16
#define SHADE_STEPS (10 * SHADE_STEPS_PER_UNIT)

typedef struct cached_look {
    smpsim__look look;
    double shade; /* last shade seen, and its transmittance */
    double t[3];
    double rate[3]; /* log2 T per unit of shade */
    double step_t[SHADE_STEPS + 1][3]; /* T at shades 0, 1/16, ..., 10 */
    int have_t;
} cached_look;

struct smpsim_renderer {
    smpsim_render_options o;
    smpsim__srgb8 srgb;
    cached_look looks[LOOK_CACHE];
    smpsim__kernels *kernels;
    size_t n_kernels, cap_kernels;
    splat *splats;
    size_t n_splats, cap_splats;
    uint32_t *band_start, *band_fill, *order;
    splat *items; /* copies of the splats, by band then x */
    size_t cap_bands, cap_items, cap_order;
    float *acc; /* per thread, ACC_PLANES planes of BAND rows x width factors; all 1 between uses */
    uint8_t *codes; /* 256 codes x CODE_LEVELS, made at the first 8-bit render */
    size_t cap_acc;
    float **big; /* kernels of dots too large for the cache, freed per render */
    size_t n_big, cap_big;
    smpsim_mask *keep;   /* pigment only where this is > 0 (a copy; NULL: everywhere) */
    uint8_t *saved;      /* per thread, a band's pixels before compositing (with keep) */
    size_t cap_saved;
    size_t max_threads;  /* the options' threads, 0 resolved when they were set */
    size_t threads_used; /* by the last composite */
    /* the current render */
    smpsim_image *image;
    smpsim__radius_steps steps;
    /* Dots of a design mostly share a size: the last dot's geometry and
     * the last disc's kernel per kind of splat are kept (memo.L = NULL:
     * none yet). */
    struct {
        const smpsim__look *L;
        double radius, a, b, spread;
    } memo;
    struct {
        double a, b, scale;
        size_t kernel; /* + 1; 0: none */
    } disc_memo[4];
    /* index + 1 in kernels[] of each (radius step, softness step); 0: not built */
    uint16_t kernel_of[QB_MAX - QB_MIN + 1][SMPSIM__KERNEL_FAINT + 1];
};

/* ---- renderer objects ------------------------------------------------------ */

/* The threads the options allow (checked: at most SMPSIM__MAX_THREADS):
 * 0 is one per online CPU, found when the options are set (sysconf() reads
 * a file each time). */
static size_t max_threads(const smpsim_render_options *o)
{
    if (o->threads)
        return o->threads;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus <= 1 ? 1 : cpus < AUTO_THREADS ? (size_t)cpus : AUTO_THREADS;
}

static void reset_looks(smpsim_renderer *r)
{
    for (unsigned s = 0; s < LOOK_CACHE; s++) {
        smpsim__look_for_session(&r->o, s, &r->looks[s].look);
        r->looks[s].have_t = 0;
    }
}

smpsim_status smpsim_renderer_new(const smpsim_render_options *opts, smpsim_renderer **out,
                                  smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "renderer: out is NULL");
    *out = NULL;
    smpsim_renderer *r = calloc(1, sizeof *r);
    if (!r)
        return smpsim__fail(err, SMPSIM_ENOMEM, "renderer: out of memory");
    smpsim_status st = smpsim__render_resolve(opts, &r->o, err);
    if (st != SMPSIM_OK) {
        free(r);
        return st;
    }
    smpsim__srgb8_init(&r->srgb);
    smpsim__radius_steps_init(&r->steps);
    reset_looks(r);
    r->max_threads = max_threads(&r->o);
    *out = r;
    return SMPSIM_OK;
}

static void free_big(smpsim_renderer *r)
{
    for (size_t i = 0; i < r->n_big; i++)
        free(r->big[i]);
    r->n_big = 0;
}

void smpsim_renderer_free(smpsim_renderer *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_kernels; i++)
        smpsim__kernels_free(&r->kernels[i]);
    free(r->kernels);
    free(r->splats);
    free(r->band_start);
    free(r->items);
    free(r->order);
    free(r->acc);
    free(r->codes);
    smpsim_mask_free(r->keep);
    free(r->saved);
    free_big(r);
    free(r->big);
    free(r);
}

smpsim_status smpsim_renderer_set_options(smpsim_renderer *r, const smpsim_render_options *opts,
                                          smpsim_error *err)
{
    if (!r)
        return smpsim__fail(err, SMPSIM_EINVAL, "renderer is NULL");
    smpsim_render_options o;
    smpsim_status st = smpsim__render_resolve(opts, &o, err);
    if (st != SMPSIM_OK)
        return st;
    r->o = o;
    reset_looks(r);
    r->max_threads = max_threads(&r->o);
    return SMPSIM_OK;
}

smpsim_status smpsim_renderer_set_mask(smpsim_renderer *r, const smpsim_mask *allowed,
                                       smpsim_error *err)
{
    if (!r)
        return smpsim__fail(err, SMPSIM_EINVAL, "renderer is NULL");
    if (allowed && (!allowed->data || !allowed->width || !allowed->height))
        return smpsim__fail(err, SMPSIM_EINVAL, "renderer: the mask is empty");
    smpsim_mask *copy = NULL;
    if (allowed) {
        smpsim_status st = smpsim_mask_new(allowed->width, allowed->height, &copy, err);
        if (st != SMPSIM_OK)
            return st;
        memcpy(copy->data, allowed->data, (size_t)allowed->width * allowed->height);
    }
    smpsim_mask_free(r->keep);
    r->keep = copy;
    return SMPSIM_OK;
}

/* Grows *p to hold n items of size sz; false when out of memory. */
static bool reserve(void **p, size_t *cap, size_t n, size_t sz)
{
    if (n <= *cap)
        return true;
    size_t want = *cap ? *cap : 64, bytes;
    while (want < n)
        want *= 2;
    if (!smpsim__mul_size(want, sz, &bytes))
        return false;
    void *grown = realloc(*p, bytes);
    if (!grown)
        return false;
    *p = grown;
    *cap = want;
    return true;
}

/* ---- splats ---------------------------------------------------------------- */

/* Builds the kernels of (qb, qs) (not built yet: kernel_of[] records those
 * that are). */
static smpsim_status add_kernels(smpsim_renderer *r, int qb, int qs, const smpsim__kernels **out,
                                 smpsim_error *err)
{
    size_t i = r->n_kernels;
    if (!reserve((void **)&r->kernels, &r->cap_kernels, i + 1, sizeof *r->kernels))
        return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
    smpsim_status st = smpsim__kernels_build(&r->kernels[i], qb, qs, err);
    if (st != SMPSIM_OK)
        return st;
    r->n_kernels++;
    *out = &r->kernels[i];
    return SMPSIM_OK;
}

/* Clips the window to the image: false when nothing is left. */
static bool clip_window(const smpsim_image *im, window *win)
{
    long W = (long)im->width, H = (long)im->height;
    long xa = win->x < 0 ? 0 : win->x, ya = win->y < 0 ? 0 : win->y;
    long xb = win->x + win->w > W ? W : win->x + win->w;
    long yb = win->y + win->h > H ? H : win->y + win->h;
    if (xa >= xb || ya >= yb)
        return false;
    win->k += (ya - win->y) * win->stride + (xa - win->x);
    win->x = xa;
    win->y = ya;
    win->w = xb - xa;
    win->h = yb - ya;
    return true;
}

/* Weights are in [0, 1]: with absorptions in [0, 1] too, factors stay in
 * [0, 1] and w k indexes the code table. */
static void clamp_absorb(float out[3], const float absorb[3])
{
    for (int c = 0; c < 3; c++)
        out[c] = absorb[c] > 0.0f ? (absorb[c] < 1.0f ? absorb[c] : 1.0f) : 0.0f;
}

/* Adds a splat for the window (clipped to the image), and the window of
 * its dot when dot is not NULL (it must lie inside the first one). */
static smpsim_status push_splat(smpsim_renderer *r, window win, const float absorb[3], int how,
                                const window *dot, const float dot_absorb[3], smpsim_error *err)
{
    window dw = dot ? *dot : (window){0};
    if (!clip_window(r->image, &win))
        return SMPSIM_OK;
    bool with_dot = dot && clip_window(r->image, &dw);
    if (!reserve((void **)&r->splats, &r->cap_splats, r->n_splats + 1, sizeof *r->splats))
        return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
    splat *s = &r->splats[r->n_splats++];
    *s = (splat){.x = (int32_t)win.x, .y = (int32_t)win.y, .w = (uint16_t)win.w,
                 .h = (uint16_t)win.h, .stride = (uint16_t)win.stride, .how = (uint8_t)how,
                 .k = win.k};
    clamp_absorb(s->absorb, absorb);
    if (with_dot) {
        s->dx = (uint8_t)(dw.x - win.x);
        s->dy = (uint8_t)(dw.y - win.y);
        s->dw = (uint8_t)dw.w;
        s->dh = (uint8_t)dw.h;
        s->dstride = (uint16_t)dw.stride;
        s->dk = dw.k;
        clamp_absorb(s->dabsorb, dot_absorb);
    }
    return SMPSIM_OK;
}

/* Places one disc profile (opacity 1 inside a, 0 beyond b, px) at
 * (cx, cy) with absorption k per channel: its kernel window (win->w = 0:
 * nothing to draw) and absorption times the area correction. */
static smpsim_status place_disc(smpsim_renderer *r, double cx, double cy, double a, double b,
                                const double k[3], int how, window *win, float absorb[3],
                                smpsim_error *err)
{
    win->w = 0;
    if (b > MAX_KERNEL_PX / 2)
        return smpsim__fail(err, SMPSIM_ELIMIT, "render: a dot is %.0f px wide, above %d px",
                            2 * b, MAX_KERNEL_PX);
    double W = r->image->width, H = r->image->height;
    if (cx + b < 0 || cy + b < 0 || cx - b >= W || cy - b >= H)
        return SMPSIM_OK;
    if (b > SMPSIM__KERNEL_MAX_B) {
        if (!reserve((void **)&r->big, &r->cap_big, r->n_big + 1, sizeof *r->big))
            return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
        float *kd = smpsim__kernel_direct(cx, cy, a, b, &win->x, &win->y, &win->w, &win->h);
        if (!kd)
            return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
        r->big[r->n_big++] = kd;
        win->stride = win->w;
        win->k = kd;
        for (int c = 0; c < 3; c++)
            absorb[c] = (float)k[c];
        return SMPSIM_OK;
    }
    const smpsim__kernels *K = NULL;
    double scale;
    if (r->disc_memo[how].kernel && r->disc_memo[how].a == a && r->disc_memo[how].b == b) {
        K = &r->kernels[r->disc_memo[how].kernel - 1];
        scale = r->disc_memo[how].scale;
    } else {
        /* Dots vary in size: their kernels are found by two table lookups. */
        int qb, qs;
        smpsim__kernel_quantise(&r->steps, a, b, &qb, &qs);
        if (how == SPLAT_FAINT)
            qs = SMPSIM__KERNEL_FAINT; /* a is 0 */
        uint16_t *slot = &r->kernel_of[qb - QB_MIN][qs];
        if (*slot) {
            K = &r->kernels[*slot - 1];
        } else {
            smpsim_status st = add_kernels(r, qb, qs, &K, err);
            if (st != SMPSIM_OK)
                return st;
            *slot = (uint16_t)(K - r->kernels + 1);
        }
        scale = smpsim__profile_area(a, b > 1e-9 ? b : 1e-9) / K->area;
        r->disc_memo[how].a = a;
        r->disc_memo[how].b = b;
        r->disc_memo[how].scale = scale;
        r->disc_memo[how].kernel = (size_t)(K - r->kernels) + 1;
    }
    for (int c = 0; c < 3; c++)
        absorb[c] = (float)(k[c] * scale);
    double fx = floor(cx), fy = floor(cy);
    long ix = (long)fx, iy = (long)fy;
    /* in [0, sub]: rounding by adding a half (lround() is a call) */
    int qx = (int)((cx - fx) * K->sub + 0.5), qy = (int)((cy - fy) * K->sub + 0.5);
    if (qx == K->sub) {
        qx = 0;
        ix++;
    }
    if (qy == K->sub) {
        qy = 0;
        iy++;
    }
    size_t which = (size_t)qy * K->sub + qx;
    const uint8_t *box = K->box + 4 * which;
    if (box[2] == 0)
        return SMPSIM_OK;
    *win = (window){.x = ix - K->half + box[0], .y = iy - K->half + box[1], .w = box[2],
                    .h = box[3], .stride = K->size,
                    .k = K->w + which * K->size * K->size + box[1] * K->size + box[0]};
    return SMPSIM_OK;
}

static smpsim_status add_disc(smpsim_renderer *r, double cx, double cy, double a, double b,
                              const double k[3], int how, smpsim_error *err)
{
    window win;
    float absorb[3];
    smpsim_status st = place_disc(r, cx, cy, a, b, k, how, &win, absorb, err);
    if (st != SMPSIM_OK || win.w == 0)
        return st;
    return push_splat(r, win, absorb, how, NULL, NULL, err);
}

static bool window_inside(const window *in, const window *out)
{
    return in->x >= out->x && in->y >= out->y && in->x + in->w <= out->x + out->w &&
           in->y + in->h <= out->y + out->h && out->w <= FUSE_MAX && out->h <= FUSE_MAX;
}

static const double *look_transmittance(smpsim_renderer *r, cached_look *cl, double shade,
                                        double scratch[3])
{
    if (cl == NULL)
        return scratch;
    if (!cl->have_t) {
        smpsim__look_transmittance_rate(&r->o, &cl->look, cl->rate);
        smpsim__look_transmittance(&r->o, &cl->look, 10.0, cl->t); /* the colour's T */
        for (int i = 0; i <= SHADE_STEPS; i++)
            for (int c = 0; c < 3; c++)
                cl->step_t[i][c] = exp2((double)i / SHADE_STEPS_PER_UNIT * cl->rate[c]);
        cl->shade = NAN;
        cl->have_t = 1;
    }
    if (r->o.use_pigment_colour || cl->shade == shade)
        return cl->t;
    /* Dots often vary in shade (jittered by the design): no exp2() per
     * dot but T at the nearest 1/16 step times exp2 of the small rest by
     * its Taylor series (|x| < 0.1: relative error under 1e-7). */
    double s = shade > 0.0 ? (shade < 10.0 ? shade : 10.0) : 0.0; /* NaN: 0 */
    int step = (int)(s * SHADE_STEPS_PER_UNIT + 0.5);
    double rest = (s - (double)step / SHADE_STEPS_PER_UNIT) * LN2;
    for (int c = 0; c < 3; c++) {
        double x = rest * cl->rate[c];
        cl->t[c] = cl->step_t[step][c] * (1.0 + x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0))));
    }
    cl->shade = shade;
    return cl->t;
}

/* ---- healed specks -------------------------------------------------------- */

/* How one healed speck departs from the model's: pigment spreads unevenly,
 * so specks vary in size, strength and shape (a second lobe beside the
 * first). Drawn from a hash of the dot's position: the same dot always
 * looks the same, in any order, on any thread. Ranges fitted to
 * photographs (docs/realism.md). */
#define SPECK_SIZE_MIN 0.72
#define SPECK_SIZE_RANGE 0.56     /* size x 0.72..1.28 */
#define SPECK_STRENGTH_MIN 0.6
#define SPECK_STRENGTH_RANGE 0.55 /* absorption x 0.6..1.15 */
#define SPECK_LOBE_SHARE 0.7      /* specks with a second lobe */
#define SPECK_LOBE_OFFSET 0.45    /* its centre 0.45..0.85 radii away */
#define SPECK_LOBE_RADIUS 0.5     /* its radius 0.5..0.8 of the speck's */
#define SPECK_LOBE_STRENGTH 0.8

typedef struct speck {
    double size, strength;
    int lobe;
    double lobe_dx, lobe_dy, lobe_size; /* offset and size in radii */
} speck;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void vary_speck(const smpsim_dot *d, speck *sp)
{
    uint64_t bx, by;
    double x = d->x_mm + 0.0, y = d->y_mm + 0.0; /* -0 counts as 0 */
    memcpy(&bx, &x, sizeof bx);
    memcpy(&by, &y, sizeof by);
    uint64_t h = mix64(bx ^ mix64(by + UINT64_C(0x9e3779b97f4a7c15)));
    double u[6];
    for (int i = 0; i < 6; i++) {
        h = mix64(h + UINT64_C(0x9e3779b97f4a7c15));
        u[i] = (double)(h >> 11) * 0x1.0p-53;
    }
    sp->size = SPECK_SIZE_MIN + SPECK_SIZE_RANGE * u[0];
    sp->strength = SPECK_STRENGTH_MIN + SPECK_STRENGTH_RANGE * u[1];
    sp->lobe = u[2] < SPECK_LOBE_SHARE;
    double angle = 6.283185307179586 * u[3], dist = SPECK_LOBE_OFFSET + 0.4 * u[4];
    sp->lobe_dx = dist * cos(angle);
    sp->lobe_dy = dist * sin(angle);
    sp->lobe_size = SPECK_LOBE_RADIUS + 0.3 * u[5];
}

/* A healed speck's second lobe and its share of the veil. */
static smpsim_status add_speck_extras(smpsim_renderer *r, const smpsim__look *L, const speck *sp,
                                      double cx, double cy, double radius, double a, double b,
                                      const double kd[3], double shade, double scale,
                                      smpsim_error *err)
{
    smpsim_status st = SMPSIM_OK;
    if (sp->lobe) {
        double kl[3];
        for (int c = 0; c < 3; c++)
            kl[c] = kd[c] * SPECK_LOBE_STRENGTH;
        /* the same rim as the speck's (the camera's blur included) */
        double rim = 0.5 * (b - a), mid = 0.5 * (a + b) * sp->lobe_size;
        st = add_disc(r, cx + sp->lobe_dx * radius, cy + sp->lobe_dy * radius,
                      mid - rim > 0.0 ? mid - rim : 0.0, mid + rim, kl, SPLAT_DOT, err);
    }
    double v = smpsim__look_veil(L, shade);
    if (st == SMPSIM_OK && v > 0.0) {
        double kv[3] = {v, 0.0, 0.0};
        st = add_disc(r, cx, cy, 0.0, L->veil_radius_mm * scale, kv, SPLAT_VEIL, err);
    }
    return st;
}

static smpsim_status add_dot(smpsim_renderer *r, const smpsim__mapper *m, const smpsim_dot *d,
                             smpsim_error *err)
{
    cached_look *cl = d->session < LOOK_CACHE ? &r->looks[d->session] : NULL;
    smpsim__look own;
    const smpsim__look *L = cl ? &cl->look : &own;
    if (!cl)
        smpsim__look_for_session(&r->o, d->session, &own);
    if (L->skip)
        return SMPSIM_OK;
    double cx, cy, scale;
    if (!smpsim__mapper_map(m, d->x_mm, d->y_mm, &cx, &cy, &scale))
        return SMPSIM_OK; /* on the far side of a head view */
    double radius = 0.5 * d->diameter_mm * L->diameter_factor * scale;
    speck sp = {.size = 1.0, .strength = 1.0};
    if (L->irregular) {
        vary_speck(d, &sp);
        radius *= sp.size;
    }
    double a = radius * (1.0 - L->softness / 2.0), b = radius * (1.0 + L->softness / 2.0);
    double spread = 1.0; /* darkened area of the dot over that of its profile */
    if (r->memo.L == L && r->memo.radius == radius) {
        a = r->memo.a;
        b = r->memo.b;
        spread = r->memo.spread;
    } else if (L->camera_px > 0.0 && b > 0.0) {
        /* The camera's blur widens the edge ramp (half-widths add in
         * quadrature, as for Gaussians; a tiny dot becomes a soft cone)
         * and spreads the same darkening over it. */
        double mid = 0.5 * (a + b), half = 0.5 * (b - a), before = smpsim__profile_area(a, b);
        half = sqrt(half * half + L->camera_px * L->camera_px);
        a = mid - half > 0.0 ? mid - half : 0.0; /* (fmax() is a call) */
        b = mid + half;
        spread = before / smpsim__profile_area(a, b);
    }
    if (cl) {
        r->memo.L = L;
        r->memo.radius = radius;
        r->memo.a = a;
        r->memo.b = b;
        r->memo.spread = spread;
    }
    if (!(b > 0.0) || !isfinite(cx) || !isfinite(cy) || !isfinite(b))
        return SMPSIM_OK;
    double scratch[3];
    if (!cl)
        smpsim__look_transmittance(&r->o, L, d->shade, scratch);
    const double *t = look_transmittance(r, cl, d->shade, scratch);
    double k[3] = {1.0 - t[0], 1.0 - t[1], 1.0 - t[2]};
    double kd[3] = {k[0] * spread, k[1] * spread, k[2] * spread};
    if (L->irregular) {
        for (int c = 0; c < 3; c++)
            kd[c] = fmin(kd[c] * sp.strength, 1.0);
        smpsim_status st = add_speck_extras(r, L, &sp, cx, cy, radius, a, b, kd, d->shade, scale,
                                            err);
        if (st != SMPSIM_OK)
            return st;
    }
    /* The dot goes into the pixels at once; a faint halo too, by the
     * table; a strong one through the factor buffer. */
    smpsim_status st;
    if (L->redness > 0.0) {
        /* Redness halos overlap their neighbours' a little: each is
         * rounded on its own (it changes a pixel by a few code values at
         * most). Over 8-bit pixels, the dot goes with its halo when it
         * lies inside it. */
        double kr[3];
        for (int c = 0; c < 3; c++)
            kr[c] = smpsim__redness_absorption[c] * L->redness;
        window dot, halo;
        float dot_absorb[3], halo_absorb[3];
        st = place_disc(r, cx, cy, a, b, kd, SPLAT_DOT, &dot, dot_absorb, err);
        if (st == SMPSIM_OK)
            st = place_disc(r, cx, cy, 0.0, smpsim__redness_radius_px(radius, scale), kr,
                            SPLAT_FAINT, &halo, halo_absorb, err);
        bool fuse = r->image->format == SMPSIM_RGBA8 && dot.w && halo.w &&
                    window_inside(&dot, &halo);
        if (st == SMPSIM_OK && dot.w && !fuse)
            st = push_splat(r, dot, dot_absorb, SPLAT_DOT, NULL, NULL, err);
        if (st == SMPSIM_OK && halo.w)
            st = push_splat(r, halo, halo_absorb, SPLAT_FAINT, fuse ? &dot : NULL, dot_absorb,
                            err);
    } else {
        st = add_disc(r, cx, cy, a, b, kd, SPLAT_DOT, err);
    }
    if (st == SMPSIM_OK && L->blowout > 0.0) {
        double kb[3];
        for (int c = 0; c < 3; c++)
            kb[c] = SMPSIM__BLOWOUT_STRENGTH * L->blowout * k[c] *
                    (c == 2 ? SMPSIM__BLOWOUT_COOLING : 1.0);
        st = add_disc(r, cx, cy, 0.0, smpsim__blowout_radius_px(radius, scale), kb, SPLAT_ACC,
                      err);
    }
    return st;
}

/* ---- bands ------------------------------------------------------------------ */

static smpsim_status bucket_splats(smpsim_renderer *r, size_t n_bands, smpsim_error *err)
{
    /* band_start and band_fill share one allocation of 2 (n_bands + 1). */
    if (!reserve((void **)&r->band_start, &r->cap_bands, 2 * (n_bands + 1), sizeof(uint32_t)))
        return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
    r->band_fill = r->band_start + n_bands + 1;
    memset(r->band_start, 0, (n_bands + 1) * sizeof(uint32_t));
    size_t total = 0;
    for (size_t i = 0; i < r->n_splats; i++) {
        const splat *s = &r->splats[i];
        size_t b0 = (size_t)s->y / BAND, b1 = ((size_t)s->y + s->h - 1) / BAND;
        for (size_t b = b0; b <= b1; b++)
            r->band_start[b + 1]++;
        total += b1 - b0 + 1;
    }
    if (total > UINT32_MAX)
        return smpsim__fail(err, SMPSIM_ELIMIT, "render: too many dots for one image");
    for (size_t b = 0; b < n_bands; b++)
        r->band_start[b + 1] += r->band_start[b];
    if (!reserve((void **)&r->items, &r->cap_items, total, sizeof(splat)))
        return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
    /* Within a band, splats go left to right (a counting sort by x first),
     * so that the image rows and the factor buffer are walked in order. */
    size_t width = r->image->width;
    if (!reserve((void **)&r->order, &r->cap_order, r->n_splats + width + 1, sizeof(uint32_t)))
        return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
    uint32_t *by_x = r->order, *x_start = r->order + r->n_splats;
    memset(x_start, 0, (width + 1) * sizeof *x_start);
    for (size_t i = 0; i < r->n_splats; i++)
        x_start[r->splats[i].x + 1]++;
    for (size_t x = 0; x < width; x++)
        x_start[x + 1] += x_start[x];
    for (size_t i = 0; i < r->n_splats; i++)
        by_x[x_start[r->splats[i].x]++] = (uint32_t)i;
    memcpy(r->band_fill, r->band_start, (n_bands + 1) * sizeof(uint32_t));
    for (size_t j = 0; j < r->n_splats; j++) {
        uint32_t i = by_x[j];
        const splat *s = &r->splats[i];
        size_t b0 = (size_t)s->y / BAND, b1 = ((size_t)s->y + s->h - 1) / BAND;
        for (size_t b = b0; b <= b1; b++)
            r->items[r->band_fill[b]++] = *s;
    }
    return SMPSIM_OK;
}

/* The factor buffer holds four planes (R, G, B, veil) of BAND rows x width:
 * a halo's rows multiply straight runs of floats (vectorised), and a
 * channel the halo leaves alone (redness does not absorb red) is skipped. */
static inline float *acc_row(float *acc, size_t width, int c, long row)
{
    return acc + ((size_t)c * BAND + (size_t)row) * width;
}

static void accumulate(float *acc, size_t width, const splat *s, long y0, long y1)
{
    long ya = s->y > y0 ? s->y : y0, yb = (long)s->y + (long)s->h < y1 ? s->y + (long)s->h : y1;
    int veil = s->how == SPLAT_VEIL;
    for (int c = 0; c < (veil ? 1 : 3); c++) {
        float k = s->absorb[c];
        if (k == 0.0f)
            continue;
        for (long y = ya; y < yb; y++) {
            const float *restrict kr = s->k + (size_t)(y - s->y) * s->stride;
            float *restrict ar = acc_row(acc, width, veil ? VEIL_PLANE : c, y - y0) + s->x;
            for (uint32_t i = 0; i < s->w; i++)
                ar[i] *= 1.0f - kr[i] * k;
        }
    }
}

/* One pixel's three codes through the table at levels l0, l1, l2. (Byte
 * by byte: one 32-bit word was slower; a wide load after the narrow
 * stores of an overlapping splat cannot be forwarded.) */
static inline void code3(const uint8_t *codes, uint8_t *p, unsigned l0, unsigned l1, unsigned l2)
{
    p[0] = codes[p[0] * CODE_LEVELS + l0];
    p[1] = codes[p[1] * CODE_LEVELS + l1];
    p[2] = codes[p[2] * CODE_LEVELS + l2];
}

/* A row of one splat: levels w k (k already in table steps). Scalar: rows
 * of rings are a pixel or two, four at once was slower. (Weights and
 * absorptions are copied to locals first: a byte store may alias any float
 * behind a pointer.) */
static inline void row8(const uint8_t *codes, uint8_t *p, const float *kr, long n,
                        const float k[3])
{
    float k0 = k[0], k1 = k[1], k2 = k[2];
    if (k0 == 0.0f) { /* redness */
        for (long i = 0; i < n; i++, p += 4) {
            float w = kr[i];
            unsigned l1 = (unsigned)(w * k1 + 0.5f), l2 = (unsigned)(w * k2 + 0.5f);
            p[1] = codes[p[1] * CODE_LEVELS + l1];
            p[2] = codes[p[2] * CODE_LEVELS + l2];
        }
        return;
    }
    for (long i = 0; i < n; i++, p += 4) {
        float w = kr[i];
        code3(codes, p, (unsigned)(w * k0 + 0.5f), (unsigned)(w * k1 + 0.5f),
              (unsigned)(w * k2 + 0.5f));
    }
}

/* Pixels under a dot and its halo: the two absorptions combined,
 * 1 - (1 - u)(1 - v) = u + v - u v (in [0, 1]), one rounding. The levels
 * of four pixels are worked out at once where SSE2 is there. */
static inline void row8_fused(const uint8_t *codes, uint8_t *p, const float *kh, const float *kd,
                              long n, const float h[3], const float d[3])
{
#if defined(__SSE2__)
    __m128 H[3], D[3];
    const __m128 steps = _mm_set1_ps(CODE_STEPS), half = _mm_set1_ps(0.5f);
    for (int c = 0; c < 3; c++) {
        H[c] = _mm_set1_ps(h[c]);
        D[c] = _mm_set1_ps(d[c]);
    }
    const __m128i byte = _mm_set1_epi32(0xff);
    for (long i = 0; i < n; i += 4, p += 16) {
        __m128 wh = _mm_loadu_ps(kh + i), wd = _mm_loadu_ps(kd + i);
        __m128i lv[3];
        for (int c = 0; c < 3; c++) {
            __m128 u = _mm_mul_ps(wh, H[c]), v = _mm_mul_ps(wd, D[c]);
            __m128 a = _mm_sub_ps(_mm_add_ps(u, v), _mm_mul_ps(u, v));
            lv[c] = _mm_cvttps_epi32(_mm_add_ps(_mm_mul_ps(a, steps), half));
        }
        if (n - i >= 4) {
            /* four whole pixels: their table entries (code << 12 | level)
             * too */
            __m128i px = _mm_loadu_si128((const __m128i *)(const void *)p);
            int32_t at[3][4];
            for (int c = 0; c < 3; c++) {
                __m128i code = _mm_and_si128(_mm_srli_epi32(px, 8 * c), byte);
                _mm_storeu_si128((__m128i *)(void *)at[c],
                                 _mm_add_epi32(_mm_slli_epi32(code, 12), lv[c]));
            }
            for (int j = 0; j < 4; j++) {
                p[4 * j] = codes[at[0][j]];
                p[4 * j + 1] = codes[at[1][j]];
                p[4 * j + 2] = codes[at[2][j]];
            }
            continue;
        }
        int32_t l[3][4];
        for (int c = 0; c < 3; c++)
            _mm_storeu_si128((__m128i *)(void *)l[c], lv[c]);
        for (long j = 0; j < n - i; j++)
            code3(codes, p + 4 * j, (unsigned)l[0][j], (unsigned)l[1][j], (unsigned)l[2][j]);
    }
#else
    float h0 = h[0], h1 = h[1], h2 = h[2], d0 = d[0], d1 = d[1], d2 = d[2];
    for (long i = 0; i < n; i++, p += 4) {
        float wh = kh[i], wd = kd[i];
        float u0 = wh * h0, v0 = wd * d0, u1 = wh * h1, v1 = wd * d1, u2 = wh * h2, v2 = wd * d2;
        code3(codes, p, (unsigned)((u0 + v0 - u0 * v0) * CODE_STEPS + 0.5f),
              (unsigned)((u1 + v1 - u1 * v1) * CODE_STEPS + 0.5f),
              (unsigned)((u2 + v2 - u2 * v2) * CODE_STEPS + 0.5f));
    }
#endif
}

/* A dot's own splat goes straight into the pixels: dots rarely overlap
 * (they cover ~3 % of the skin), and skipping the factor buffer halves the
 * memory traffic. So does a faint halo. w k rounds to a level of the table
 * (1/CODE_STEPS apart: the result is off the exact one by less than 0.07
 * of a code value before rounding), which gives the new code of each old
 * one. Where two splats overlap, the pixel is rounded after each (at most
 * half a code value each time). A faint halo's rows outside its dot leave
 * the channels it does not absorb alone. */
static void splat8(const uint8_t *codes, smpsim_image *im, const splat *s, long y0, long y1)
{
    long ya = s->y > y0 ? s->y : y0, yb = (long)s->y + (long)s->h < y1 ? s->y + (long)s->h : y1;
    float k[3];
    for (int c = 0; c < 3; c++)
        k[c] = s->absorb[c] * CODE_STEPS;
    for (long y = ya; y < yb; y++) {
        const float *kr = s->k + (size_t)(y - s->y) * s->stride;
        uint8_t *p = (uint8_t *)im->pixels + (size_t)y * im->stride + (size_t)s->x * 4;
        long row = y - s->y - s->dy;
        if (s->dw == 0 || row < 0 || row >= s->dh) {
            row8(codes, p, kr, s->w, k);
            continue;
        }
        long left = s->dx, right = (long)s->w - s->dx - s->dw;
        row8(codes, p, kr, left, k);
        row8_fused(codes, p + 4 * left, kr + left, s->dk + (size_t)row * s->dstride, s->dw,
                   s->absorb, s->dabsorb);
        row8(codes, p + 4 * (left + s->dw), kr + left + s->dw, right, k);
    }
}

static void splat16(smpsim_image *im, const splat *s, long y0, long y1)
{
    long ya = s->y > y0 ? s->y : y0, yb = (long)s->y + (long)s->h < y1 ? s->y + (long)s->h : y1;
    for (long y = ya; y < yb; y++) {
        const float *kr = s->k + (size_t)(y - s->y) * s->stride;
        uint16_t *p = (uint16_t *)(void *)((uint8_t *)im->pixels + (size_t)y * im->stride) +
                      (size_t)s->x * 4;
        for (uint32_t i = 0; i < s->w; i++, p += 4) {
            if (kr[i] == 0.0f)
                continue;
            for (int c = 0; c < 3; c++)
                p[c] = smpsim__srgb16_encode(smpsim__srgb_to_linear(p[c] / 65535.0) *
                                             (1.0 - (double)kr[i] * s->absorb[c]));
        }
    }
}

/* Pixels [xa, xb) of row y take their accumulated factors in the
 * channels of mask, which are reset to one. */
/* The veil: a pixel's linear colour c mixed by V = 1 - f towards a warm
 * grey of its own luminance (see smpsim__look_veil()). */
static inline void veil_mix(float c[3], float f)
{
    float v = 1.0f - f;
    if (!(v > 0.0f))
        return;
    float y = SMPSIM__VEIL_GREY * (0.2126f * c[0] + 0.7152f * c[1] + 0.0722f * c[2]);
    c[0] += v * (y * SMPSIM__VEIL_TINT_R - c[0]);
    c[1] += v * (y * SMPSIM__VEIL_TINT_G - c[1]);
    c[2] += v * (y * SMPSIM__VEIL_TINT_B - c[2]);
}

static void apply8_veil(const smpsim__srgb8 *t, float *acc, size_t width, long row, unsigned mask,
                        uint8_t *p, long xa, long n)
{
    float *f[ACC_PLANES];
    for (int c = 0; c < ACC_PLANES; c++)
        f[c] = acc_row(acc, width, c, row) + xa;
    float *fv = f[VEIL_PLANE];
    if (!(mask & 7u)) { /* the veil alone: the common case */
        for (long i = 0; i < n; i++, p += 4) {
            float v = 1.0f - fv[i];
            if (v == 0.0f)
                continue;
            fv[i] = 1.0f;
            float r = t->decode[p[0]], g = t->decode[p[1]], b = t->decode[p[2]];
            float y = SMPSIM__VEIL_GREY * (0.2126f * r + 0.7152f * g + 0.0722f * b);
            /* stays in [0, 1): the grey's tint keeps it under 0.96 */
            p[0] = smpsim__srgb8_encode_unit(t, r + v * (y * SMPSIM__VEIL_TINT_R - r));
            p[1] = smpsim__srgb8_encode_unit(t, g + v * (y * SMPSIM__VEIL_TINT_G - g));
            p[2] = smpsim__srgb8_encode_unit(t, b + v * (y * SMPSIM__VEIL_TINT_B - b));
        }
        return;
    }
    for (long i = 0; i < n; i++, p += 4) {
        float c3[3];
        for (int c = 0; c < 3; c++) {
            c3[c] = t->decode[p[c]];
            if (mask & (1u << c)) {
                c3[c] *= f[c][i];
                f[c][i] = 1.0f;
            }
        }
        veil_mix(c3, fv[i]);
        fv[i] = 1.0f;
        for (int c = 0; c < 3; c++)
            p[c] = smpsim__srgb8_encode(t, c3[c]);
    }
}

static void apply8(const smpsim__srgb8 *t, float *acc, size_t width, long row, unsigned mask,
                   uint8_t *p, long xa, long n)
{
    if (mask & (1u << VEIL_PLANE)) {
        apply8_veil(t, acc, width, row, mask, p, xa, n);
        return;
    }
    /* No test for untouched pixels: a factor of 1 gives back the same code
     * (decoded values lie mid-way between the thresholds), and a branch
     * per pixel cost more than the arithmetic. */
    for (int c = 0; c < 3; c++) {
        if (!(mask & (1u << c)))
            continue;
        float *f = acc_row(acc, width, c, row) + xa;
        uint8_t *q = p + c;
        for (long i = 0; i < n; i++, q += 4) {
            *q = smpsim__srgb8_encode_unit(t, t->decode[*q] * f[i]);
            f[i] = 1.0f;
        }
    }
}

static void apply16(float *acc, size_t width, long row, unsigned mask, uint16_t *p, long xa,
                    long n)
{
    if (mask & (1u << VEIL_PLANE)) {
        float *f[ACC_PLANES];
        for (int c = 0; c < ACC_PLANES; c++)
            f[c] = acc_row(acc, width, c, row) + xa;
        for (long i = 0; i < n; i++, p += 4) {
            float c3[3];
            for (int c = 0; c < 3; c++) {
                c3[c] = (float)smpsim__srgb_to_linear(p[c] / 65535.0);
                if (mask & (1u << c)) {
                    c3[c] *= f[c][i];
                    f[c][i] = 1.0f;
                }
            }
            if (f[VEIL_PLANE][i] == 1.0f && !(mask & 7u))
                continue;
            veil_mix(c3, f[VEIL_PLANE][i]);
            f[VEIL_PLANE][i] = 1.0f;
            for (int c = 0; c < 3; c++)
                p[c] = smpsim__srgb16_encode(c3[c]);
        }
        return;
    }
    for (int c = 0; c < 3; c++) {
        if (!(mask & (1u << c)))
            continue;
        float *f = acc_row(acc, width, c, row) + xa;
        uint16_t *q = p + c;
        for (long i = 0; i < n; i++, q += 4) {
            if (f[i] == 1.0f)
                continue;
            *q = smpsim__srgb16_encode(smpsim__srgb_to_linear(*q / 65535.0) * f[i]);
            f[i] = 1.0f;
        }
    }
}

/* Applies the factors under the halo splats of one band. Halos overlap a
 * lot: done[] remembers, per row, how far the pixels have been applied
 * (splats come left to right), so that each pixel is applied once. */
static void apply_band(smpsim_renderer *r, float *acc, const splat *it, const splat *end, long y0,
                       long y1, unsigned mask)
{
    smpsim_image *im = r->image;
    size_t width = im->width;
    long done[BAND];
    for (long y = y0; y < y1; y++)
        done[y - y0] = 0;
    for (const splat *s = it; s < end; s++) {
        if (s->how != SPLAT_ACC && s->how != SPLAT_VEIL)
            continue;
        long ya = s->y > y0 ? s->y : y0;
        long yb = (long)s->y + (long)s->h < y1 ? s->y + (long)s->h : y1;
        for (long y = ya; y < yb; y++) {
            long xa = s->x > done[y - y0] ? s->x : done[y - y0], xb = (long)s->x + (long)s->w;
            if (xa >= xb)
                continue;
            done[y - y0] = xb;
            char *row = (char *)im->pixels + (size_t)y * im->stride;
            if (im->format == SMPSIM_RGBA8)
                apply8(&r->srgb, acc, width, y - y0, mask,
                       (uint8_t *)row + (size_t)xa * 4, xa, xb - xa);
            else
                apply16(acc, width, y - y0, mask, (uint16_t *)(void *)row + (size_t)xa * 4, xa,
                        xb - xa);
        }
    }
}

/* The image is far larger than the caches and the dots of a band are
 * scattered over its rows: without help nearly every splat waits for
 * memory. The pixels of a splat a few places ahead (its first and last
 * byte in each row) are asked for early. */
#define PREFETCH_AHEAD 8
#if defined(__GNUC__)
#define PREFETCH_WRITE(p) __builtin_prefetch((p), 1)
#else
#define PREFETCH_WRITE(p) ((void)(p))
#endif

static inline void prefetch_pixels(const smpsim_image *im, size_t bpp, const splat *s, long y0,
                                   long y1)
{
    long ya = s->y > y0 ? s->y : y0, yb = (long)s->y + (long)s->h < y1 ? s->y + (long)s->h : y1;
    const char *row = (const char *)im->pixels + (size_t)ya * im->stride + (size_t)s->x * bpp;
    size_t last = (size_t)s->w * bpp - 1;
    for (long y = ya; y < yb; y++, row += im->stride) {
        PREFETCH_WRITE(row);
        PREFETCH_WRITE(row + last);
    }
}

/* With a mask: whether any pixel of rows [y0, y1) is kept out, and then
 * the rows' pixels saved into `saved`. */
static bool save_masked_rows(const smpsim_renderer *r, uint8_t *saved, long y0, long y1)
{
    const smpsim_image *im = r->image;
    size_t w = im->width, row = w * (im->format == SMPSIM_RGBA8 ? 4 : 8);
    const uint8_t *m = r->keep->data + (size_t)y0 * w, *end = r->keep->data + (size_t)y1 * w;
    while (m < end && *m == 255)
        m++;
    if (m == end)
        return false;
    for (long y = y0; y < y1; y++)
        memcpy(saved + (size_t)(y - y0) * row, (const char *)im->pixels + (size_t)y * im->stride,
               row);
    return true;
}

/* Pixels the mask keeps out get their saved value back; partly kept ones
 * a mix (in code values: masks are painted in sRGB). */
static void restore_masked_rows(smpsim_renderer *r, const uint8_t *saved, long y0, long y1)
{
    smpsim_image *im = r->image;
    size_t w = im->width, row = w * (im->format == SMPSIM_RGBA8 ? 4 : 8);
    for (long y = y0; y < y1; y++) {
        const uint8_t *m = r->keep->data + (size_t)y * w;
        char *p = (char *)im->pixels + (size_t)y * im->stride;
        const char *q = (const char *)saved + (size_t)(y - y0) * row;
        for (size_t x = 0; x < w; x++) {
            unsigned k = m[x];
            if (k == 255)
                continue;
            for (int c = 0; c < 3; c++) {
                if (im->format == SMPSIM_RGBA8) {
                    uint8_t *a = (uint8_t *)p + 4 * x + c;
                    unsigned old = ((const uint8_t *)q)[4 * x + c];
                    *a = (uint8_t)((*a * k + old * (255u - k) + 127u) / 255u);
                } else {
                    uint16_t *a = (uint16_t *)(void *)p + 4 * x + c;
                    uint32_t old = ((const uint16_t *)(const void *)q)[4 * x + c];
                    *a = (uint16_t)((*a * (uint32_t)k + old * (255u - k) + 127u) / 255u);
                }
            }
        }
    }
}

static void composite_band_pixels(smpsim_renderer *r, float *acc, size_t b);

/* One band of rows; with a mask, the pixels it keeps out restored after. */
static void composite_band(smpsim_renderer *r, float *acc, uint8_t *saved, size_t b)
{
    long y0 = (long)(b * BAND), y1 = y0 + BAND > (long)r->image->height ? (long)r->image->height
                                                                        : y0 + BAND;
    bool masked = r->keep && r->band_start[b] != r->band_start[b + 1] &&
                  save_masked_rows(r, saved, y0, y1);
    composite_band_pixels(r, acc, b);
    if (masked)
        restore_masked_rows(r, saved, y0, y1);
}

/* One band of rows: its splats in order, then the factors of its halos.
 * Bands share no pixels: threads may do different bands at once. */
static void composite_band_pixels(smpsim_renderer *r, float *acc, size_t b)
{
    smpsim_image *im = r->image;
    int direct8 = im->format == SMPSIM_RGBA8;
    size_t bpp = direct8 ? 4 : 8, width = im->width;
    long y0 = (long)(b * BAND), y1 = y0 + BAND > (long)im->height ? (long)im->height : y0 + BAND;
    const splat *it = r->items + r->band_start[b], *end = r->items + r->band_start[b + 1];
    unsigned mask = 0; /* channels the band's halos touch; bit VEIL_PLANE: a veil */
    const splat *v = it;
    while (v < end && v->how != SPLAT_VEIL)
        v++;
    if (v < end) {
        /* Healed: the veil (and any halo) goes on the skin first, then the
         * specks darken the veiled skin: their own colour stays theirs. */
        for (const splat *p = it; p < end; p++)
            if (p->how == SPLAT_VEIL || p->how == SPLAT_ACC) {
                accumulate(acc, width, p, y0, y1);
                for (int c = 0; c < 3 && p->how == SPLAT_ACC; c++)
                    mask |= (p->absorb[c] != 0.0f) << c;
            }
        apply_band(r, acc, it, end, y0, y1, mask | 1u << VEIL_PLANE);
        for (const splat *p = it; p < end; p++) {
            if (p->how == SPLAT_VEIL || p->how == SPLAT_ACC)
                continue;
            if (p + PREFETCH_AHEAD < end)
                prefetch_pixels(im, bpp, p + PREFETCH_AHEAD, y0, y1);
            direct8 ? splat8(r->codes, im, p, y0, y1) : splat16(im, p, y0, y1);
        }
        return;
    }
    for (const splat *p = it; p < end; p++) {
        if (p + PREFETCH_AHEAD < end)
            prefetch_pixels(im, bpp, p + PREFETCH_AHEAD, y0, y1);
        if (p->how == SPLAT_VEIL) {
            accumulate(acc, width, p, y0, y1);
            mask |= 1u << VEIL_PLANE;
        } else if (p->how != SPLAT_ACC) {
            direct8 ? splat8(r->codes, im, p, y0, y1) : splat16(im, p, y0, y1);
        } else {
            accumulate(acc, width, p, y0, y1);
            for (int c = 0; c < 3; c++)
                mask |= (p->absorb[c] != 0.0f) << c;
        }
    }
    if (mask)
        apply_band(r, acc, it, end, y0, y1, mask);
}

typedef struct band_worker {
    smpsim_renderer *r;
    float *acc;             /* this thread's factor buffer */
    uint8_t *saved;         /* its saved rows (with a mask) */
    atomic_size_t *next;    /* the next band nobody has taken */
    size_t n_bands;
} band_worker;

/* Takes bands one at a time until none is left (a thread that the system
 * holds back simply does fewer). */
static void *work_bands(void *arg)
{
    band_worker *w = arg;
    for (size_t b; (b = atomic_fetch_add(w->next, 1)) < w->n_bands;)
        composite_band(w->r, w->acc, w->saved, b);
    return NULL;
}

static size_t thread_count(const smpsim_renderer *r, size_t n_bands, size_t n_items)
{
    size_t t = r->max_threads;
    size_t by_items = n_items / MIN_ITEMS_PER_THREAD, by_bands = n_bands / 2;
    t = t < by_items ? t : by_items;
    t = t < by_bands ? t : by_bands;
    return t > 1 ? t : 1;
}

static smpsim_status composite(smpsim_renderer *r, smpsim_error *err)
{
    smpsim_image *im = r->image;
    size_t width = im->width, n_bands = (im->height + BAND - 1) / BAND, need, all;
    smpsim_status st = bucket_splats(r, n_bands, err);
    if (st != SMPSIM_OK)
        return st;
    size_t threads = thread_count(r, n_bands, r->band_start[n_bands]);
    if (!smpsim__mul_size(width, ACC_PLANES * BAND, &need) ||
        !smpsim__mul_size(need, threads, &all))
        return smpsim__fail(err, SMPSIM_ELIMIT, "render: image too wide");
    if (all > r->cap_acc) {
        float *grown = realloc(r->acc, all * sizeof *grown);
        if (!grown)
            return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
        for (size_t i = r->cap_acc; i < all; i++)
            grown[i] = 1.0f;
        r->acc = grown;
        r->cap_acc = all;
    }
    if (im->format == SMPSIM_RGBA8 && !r->codes) {
        r->codes = malloc((size_t)CODE_LEVELS * 256);
        if (!r->codes)
            return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
        for (unsigned c = 0; c < 256; c++)
            for (unsigned level = 0; level < CODE_LEVELS; level++)
                r->codes[c * CODE_LEVELS + level] = smpsim__srgb8_encode_unit(
                    &r->srgb, r->srgb.decode[c] * (1.0f - (float)level / CODE_STEPS));
    }
    size_t band_bytes = 0;
    if (r->keep) {
        if (r->keep->width != im->width || r->keep->height != im->height)
            return smpsim__fail(err, SMPSIM_EINVAL, "render: the mask is %ux%u, the image %ux%u",
                                r->keep->width, r->keep->height, im->width, im->height);
        band_bytes = width * (im->format == SMPSIM_RGBA8 ? 4 : 8) * BAND;
        if (!reserve((void **)&r->saved, &r->cap_saved, band_bytes * threads, 1))
            return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory");
    }
    atomic_size_t next;
    atomic_init(&next, 0);
    band_worker workers[SMPSIM__MAX_THREADS];
    pthread_t ids[SMPSIM__MAX_THREADS];
    size_t started = 0;
    for (size_t t = 0; t < threads; t++)
        workers[t] = (band_worker){.r = r, .acc = r->acc + t * need,
                                   .saved = r->keep ? r->saved + t * band_bytes : NULL,
                                   .next = &next, .n_bands = n_bands};
    /* A thread that cannot be started leaves its bands to the others. */
    for (size_t t = 1; t < threads; t++)
        if (pthread_create(&ids[started], NULL, work_bands, &workers[t]) == 0)
            started++;
    work_bands(&workers[0]);
    for (size_t t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    r->threads_used = started + 1;
    return SMPSIM_OK;
}

smpsim_status smpsim_renderer_render(smpsim_renderer *r, smpsim_image *image,
                                     const smpsim_view *view, const smpsim_dots *dots,
                                     smpsim_error *err)
{
    if (!r || !image || !image->pixels || !dots || (dots->count && !dots->dots))
        return smpsim__fail(err, SMPSIM_EINVAL, "render: renderer, image or dots is NULL");
    if (image->format != SMPSIM_RGBA8 && image->format != SMPSIM_RGBA16)
        return smpsim__fail(err, SMPSIM_EINVAL, "render: unknown pixel format %d",
                            (int)image->format);
    smpsim_status st = smpsim_view_validate(view, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim__mapper m;
    smpsim__mapper_init(&m, view, true);
    r->image = image;
    r->n_splats = 0;
    r->threads_used = 0;
    r->memo.L = NULL; /* the looks may have changed since */
    for (size_t i = 0; i < dots->count && st == SMPSIM_OK; i++)
        st = add_dot(r, &m, &dots->dots[i], err);
    if (st == SMPSIM_OK && r->n_splats)
        st = composite(r, err);
    free_big(r);
    r->image = NULL;
    return st;
}

size_t smpsim__renderer_threads_used(const smpsim_renderer *r)
{
    return r->threads_used;
}

smpsim_status smpsim_render_dots_masked(smpsim_image *image, const smpsim_view *view,
                                        const smpsim_dots *dots,
                                        const smpsim_render_options *opts,
                                        const smpsim_mask *allowed, smpsim_error *err)
{
    smpsim_renderer *r;
    smpsim_status st = smpsim_renderer_new(opts, &r, err);
    if (st == SMPSIM_OK)
        st = smpsim_renderer_set_mask(r, allowed, err);
    if (st == SMPSIM_OK)
        st = smpsim_renderer_render(r, image, view, dots, err);
    smpsim_renderer_free(r);
    return st;
}

smpsim_status smpsim_render_dots(smpsim_image *image, const smpsim_view *view,
                                 const smpsim_dots *dots, const smpsim_render_options *opts,
                                 smpsim_error *err)
{
    smpsim_renderer *r;
    smpsim_status st = smpsim_renderer_new(opts, &r, err);
    if (st != SMPSIM_OK)
        return st;
    st = smpsim_renderer_render(r, image, view, dots, err);
    smpsim_renderer_free(r);
    return st;
}
