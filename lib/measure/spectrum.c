/* Power spectrum of a dot pattern: the dots of a square window are binned
 * on a size x size grid (size >= 5 sqrt(N), a power of two, so the grid's
 * Nyquist frequency is at least 2.5 f0), the mean is removed, a 2-D FFT gives
 * |F(k)|^2 / N, and rings of width 0.1 f0 give the radial average and the
 * anisotropy. */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>

#define BIN_WIDTH 0.1 /* in units of f0 */
#define MAX_F 2.5     /* highest ring, in units of f0 */
#define MAX_SIZE 1024

static size_t grid_size(size_t n)
{
    size_t size = 64;
    while (size < MAX_SIZE && (double)size < 5.0 * sqrt((double)n))
        size *= 2;
    return size;
}

static void bin_dots(const smpsim_dots *dots, double x0, double y0, double side, size_t size,
                     double *re, size_t *count)
{
    *count = 0;
    for (size_t i = 0; i < dots->count; i++) {
        double u = (dots->dots[i].x_mm - x0) / side, v = (dots->dots[i].y_mm - y0) / side;
        if (!(u >= 0.0 && u < 1.0 && v >= 0.0 && v < 1.0))
            continue;
        size_t cx = (size_t)(u * size), cy = (size_t)(v * size);
        re[(cy < size ? cy : size - 1) * size + (cx < size ? cx : size - 1)] += 1.0;
        (*count)++;
    }
    double mean = (double)*count / (double)(size * size);
    for (size_t k = 0; k < size * size; k++)
        re[k] -= mean;
}

static void fft_2d(double *re, double *im, size_t size)
{
    for (size_t r = 0; r < size; r++)
        smpsim__fft(re + r * size, im + r * size, size, 1);
    for (size_t c = 0; c < size; c++)
        smpsim__fft(re + c, im + c, size, size);
}

/* Fills power (DC at the centre) and the ring statistics. */
static void rings(smpsim_spectrum *s, const double *re, const double *im, double *sum2)
{
    size_t size = s->size;
    double f_unit = 1.0 / s->window_mm / s->f0_per_mm; /* one grid frequency in f0 */
    size_t *n_in = calloc(s->n_bins, sizeof *n_in);
    s->low_max = 0.0;
    double low_sum = 0.0;
    size_t low_n = 0;
    for (size_t ky = 0; ky < size; ky++) {
        long fy = ky < size / 2 ? (long)ky : (long)ky - (long)size;
        for (size_t kx = 0; kx < size; kx++) {
            long fx = kx < size / 2 ? (long)kx : (long)kx - (long)size;
            size_t k = ky * size + kx;
            double p = (re[k] * re[k] + im[k] * im[k]) / (double)s->n_dots;
            size_t cy = (size_t)(fy + (long)size / 2), cx = (size_t)(fx + (long)size / 2);
            s->power[cy * size + cx] = (float)p;
            double f = hypot((double)fx, (double)fy) * f_unit;
            if (fx == 0 && fy == 0)
                continue;
            if (f < 0.5) {
                s->low_max = fmax(s->low_max, p);
                low_sum += p;
                low_n++;
            }
            size_t b = (size_t)(f / s->bin_width);
            if (b < s->n_bins && n_in) {
                s->radial[b] += p;
                sum2[b] += p * p;
                n_in[b]++;
            }
        }
    }
    s->low_mean = low_n ? low_sum / (double)low_n : 0.0;
    double an_sum = 0.0;
    size_t an_n = 0;
    for (size_t b = 0; n_in && b < s->n_bins; b++) {
        if (n_in[b] == 0)
            continue;
        double mean = s->radial[b] / (double)n_in[b];
        double var = fmax(sum2[b] / (double)n_in[b] - mean * mean, 1e-300);
        s->radial[b] = mean;
        s->anisotropy_db[b] = mean > 0.0 ? 10.0 * log10(var / (mean * mean)) : 0.0;
        double f = (b + 0.5) * s->bin_width;
        if (f >= 0.5 && f <= 2.0) {
            an_sum += s->anisotropy_db[b];
            an_n++;
        }
    }
    s->mean_anisotropy_db = an_n ? an_sum / (double)an_n : 0.0;
    free(n_in);
}

void smpsim_spectrum_free(smpsim_spectrum *s)
{
    if (!s)
        return;
    free(s->power);
    free(s->radial);
    free(s->anisotropy_db);
    free(s);
}

smpsim_status smpsim_measure_spectrum(const smpsim_dots *dots, double x0_mm, double y0_mm,
                                      double side_mm, smpsim_spectrum **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "spectrum: out-pointer is NULL");
    *out = NULL;
    if (!dots || !isfinite(x0_mm) || !isfinite(y0_mm) || !(side_mm > 0.0) || !isfinite(side_mm))
        return smpsim__fail(err, SMPSIM_EINVAL, "spectrum: no dots or a bad window");
    size_t n_window = smpsim_measure_count(dots, x0_mm, y0_mm, x0_mm + side_mm, y0_mm + side_mm, 0);
    if (n_window < 16)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "spectrum: %zu dots in the window, at least 16 are needed", n_window);
    size_t size = grid_size(n_window);
    smpsim_spectrum *s = calloc(1, sizeof *s);
    double *re = calloc(size * size, sizeof *re), *im = calloc(size * size, sizeof *im);
    size_t n_bins = (size_t)(MAX_F / BIN_WIDTH);
    double *sum2 = calloc(n_bins, sizeof *sum2);
    if (s) {
        s->power = malloc(size * size * sizeof *s->power);
        s->radial = calloc(n_bins, sizeof *s->radial);
        s->anisotropy_db = calloc(n_bins, sizeof *s->anisotropy_db);
    }
    smpsim_status st = SMPSIM_OK;
    if (!s || !re || !im || !sum2 || !s->power || !s->radial || !s->anisotropy_db) {
        st = smpsim__fail(err, SMPSIM_ENOMEM, "spectrum: out of memory");
    } else {
        s->size = size;
        s->window_mm = side_mm;
        s->n_bins = n_bins;
        s->bin_width = BIN_WIDTH;
        bin_dots(dots, x0_mm, y0_mm, side_mm, size, re, &s->n_dots);
        s->f0_per_mm = sqrt((double)s->n_dots) / side_mm;
        fft_2d(re, im, size);
        rings(s, re, im, sum2);
    }
    free(re);
    free(im);
    free(sum2);
    if (st != SMPSIM_OK) {
        smpsim_spectrum_free(s);
        return st;
    }
    *out = s;
    return SMPSIM_OK;
}
