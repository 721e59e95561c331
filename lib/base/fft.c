/* In-place radix-2 complex FFT (iterative Cooley-Tukey), for the spectrum
 * measure. n must be a power of two. */
#include "base/base-private.h"

#include <math.h>

void smpsim__fft(double *re, double *im, size_t n, size_t stride)
{
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i * stride];
            re[i * stride] = re[j * stride];
            re[j * stride] = t;
            t = im[i * stride];
            im[i * stride] = im[j * stride];
            im[j * stride] = t;
        }
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        double ang = -2.0 * 3.14159265358979323846 / (double)len;
        double wr = cos(ang), wi = sin(ang);
        for (size_t i = 0; i < n; i += len) {
            double cr = 1.0, ci = 0.0;
            for (size_t k = 0; k < len / 2; k++) {
                size_t a = (i + k) * stride, b = (i + k + len / 2) * stride;
                double xr = re[b] * cr - im[b] * ci, xi = re[b] * ci + im[b] * cr;
                re[b] = re[a] - xr;
                im[b] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
                double t = cr * wr - ci * wi;
                ci = cr * wi + ci * wr;
                cr = t;
            }
        }
    }
}
