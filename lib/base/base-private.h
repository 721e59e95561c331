/* Private declarations of lib/base: errors, options, checked sizes, the
 * seeded generator, sRGB, the image container, atomic files, text output,
 * the FFT. Not installed. */
#ifndef SMPSIM_BASE_PRIVATE_H
#define SMPSIM_BASE_PRIVATE_H

#include <smpsim/smpsim.h>

#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define SMPSIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SMPSIM_PRINTF(f, a)
#endif

/* errors.c: records status and a formatted message into err (if non-NULL)
 * and returns status, so that callers can write `return smpsim__fail(...)`.
 * The first error wins: a record that already holds an error is kept. */
smpsim_status smpsim__fail(smpsim_error *err, smpsim_status status, const char *fmt, ...)
    SMPSIM_PRINTF(3, 4);

/* Copies the caller's options (of the caller's struct_size) over a
 * zero-filled local copy, so that fields the caller's version did not know
 * read as 0 ("default"). */
void smpsim__copy_options(void *dst, size_t dst_size, const void *src);

/* Checked size arithmetic: false on overflow. */
static inline bool smpsim__mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *out = a * b;
    return true;
}

static inline bool smpsim__add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a)
        return false;
    *out = a + b;
    return true;
}

/* grow.c: makes room for at least `need` items of item_size bytes in
 * *items (capacity *cap, doubled from first_cap); false, leaving both as
 * they were, when memory runs out or the size overflows. */
bool smpsim__reserve(void **items, size_t *cap, size_t need, size_t item_size, size_t first_cap);

/* rng.c: xoshiro256** seeded through splitmix64. Deterministic everywhere. */
typedef struct smpsim__rng {
    uint64_t s[4];
} smpsim__rng;

void smpsim__rng_seed(smpsim__rng *rng, uint64_t seed);
uint64_t smpsim__rng_next(smpsim__rng *rng);
/* Uniform in [0, 1) with 53 bits. */
double smpsim__rng_uniform(smpsim__rng *rng);

/* colour.c: sRGB transfer functions on 0..1. */
double smpsim__srgb_to_linear(double v);
double smpsim__linear_to_srgb(double v);
/* CIELAB (D65, sRGB primaries) of a linear RGB colour, and L* of a
 * relative luminance Y. */
void smpsim__linear_to_lab(const double rgb[3], double lab[3]);
double smpsim__lightness(double y);

/* image.c: default limits and the check applied before pixel allocation. */
#define SMPSIM__DEFAULT_MAX_PIXELS UINT64_C(200000000)
#define SMPSIM__DEFAULT_MAX_DIMENSION 100000u
smpsim_status smpsim__check_dimensions(uint64_t width, uint64_t height,
                                       const smpsim_load_options *opts, const char *what,
                                       smpsim_error *err);
/* Allocates an image without clearing it when `clear` is false. */
smpsim_status smpsim__image_alloc(uint32_t width, uint32_t height, smpsim_pixel_format format,
                                  bool clear, smpsim_image **out, smpsim_error *err);

/* io-atomic.c: atomic file output. Opens a temporary file beside path;
 * commit renames it over path, abort removes it. */
typedef struct smpsim__atomic_file {
    char *final_path;
    char *tmp_path;
    int fd;
    void *stream; /* FILE * */
} smpsim__atomic_file;

smpsim_status smpsim__atomic_open(smpsim__atomic_file *af, const char *path, smpsim_error *err);
smpsim_status smpsim__atomic_commit(smpsim__atomic_file *af, smpsim_error *err);
void smpsim__atomic_abort(smpsim__atomic_file *af);

/* Writes a file atomically through a stream writer: produce(ctx, write,
 * closure, err) sends the bytes to write(closure, ...). A failed write is
 * reported as SMPSIM_EIO with the file name and its errno, any other
 * failure with the file name and produce's message; nothing is left
 * behind either way. */
typedef smpsim_status (*smpsim__producer)(const void *ctx, smpsim_write_func write,
                                          void *closure, smpsim_error *err);
smpsim_status smpsim__atomic_save(const char *path, smpsim__producer produce, const void *ctx,
                                  smpsim_error *err);

/* fft.c: in-place complex FFT of n (a power of two) values spaced stride apart. */
void smpsim__fft(double *re, double *im, size_t n, size_t stride);

/* Two independent standard normal values (Box-Muller). */
void smpsim__rng_normal2(smpsim__rng *rng, double z[2]);

/* Counter-based randomness for per-dot values that must not depend on
 * which thread makes them: splitmix64's finaliser of (key, index). */
static inline uint64_t smpsim__mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static inline uint64_t smpsim__hash_index(uint64_t key, uint64_t index)
{
    return smpsim__mix64(key + (index + 1) * UINT64_C(0x9E3779B97F4A7C15));
}

/* normal-table.c: a standard normal clipped to +-2.5 sigma from 32 random
 * bits, by its inverse CDF: a fixed table of knots, linear between them
 * (within 2.1e-4 sigma of the exact value); no log or sincos, and the same
 * on every machine (one operation per statement: nothing to contract into
 * a fused multiply-add). */
#define SMPSIM__NORMAL_KNOTS 2048
extern const float smpsim__normal_knots[SMPSIM__NORMAL_KNOTS + 1];
static inline double smpsim__clipped_normal(uint32_t u)
{
    /* Phi(-2.5) x 2^32, and knots per unit of u inside the clip */
    const uint32_t lo = UINT32_C(26670309);
    const double scale = SMPSIM__NORMAL_KNOTS / (4294967296.0 - 2.0 * lo);
    if (u < lo)
        return -2.5;
    if (u > UINT32_MAX - lo)
        return 2.5;
    double t = (double)(u - lo) * scale;
    uint32_t k = (uint32_t)t;
    k = k < SMPSIM__NORMAL_KNOTS ? k : SMPSIM__NORMAL_KNOTS - 1;
    double a = smpsim__normal_knots[k], step = smpsim__normal_knots[k + 1] - a;
    double frac = t - k;
    double dz = frac * step;
    return a + dz;
}

/* text-out.c: buffered printf-style output onto a smpsim_write_func.
 * close flushes, frees, and tells whether every write succeeded. */
/* text-out.c: numbers in C notation whatever the host's locale (a GTK or
 * Qt host sets LC_NUMERIC from the environment, and "1,5" would then be
 * written for 1.5, and "1.5" read as 1): the calling thread uses the C
 * locale from begin to end (nothing changes if it cannot be made). */
typedef struct smpsim__c_numbers {
    locale_t c, old;
} smpsim__c_numbers;
void smpsim__c_numbers_begin(smpsim__c_numbers *s);
void smpsim__c_numbers_end(smpsim__c_numbers *s);

typedef struct smpsim__text_out smpsim__text_out;
smpsim__text_out *smpsim__text_out_new(smpsim_write_func write, void *closure);
void smpsim__text_put(smpsim__text_out *o, const char *fmt, ...) SMPSIM_PRINTF(2, 3);
bool smpsim__text_out_close(smpsim__text_out *o);

#endif
