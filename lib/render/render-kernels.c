/* Precomputed coverage kernels for tiny dots.
 *
 * A dot's coverage of the pixels around it depends only on its profile
 * (inner radius a, outer radius b) and on where its centre falls inside a
 * pixel. The renderer quantises both: b in steps of 2^(1/32) (2.2 %), the
 * soft-edge fraction (b - a) / b in steps of 1/20, the centre to 1/sub of
 * a pixel (sub = 32 for dots up to 2 px across, fewer for larger ones).
 * Each kernel is a box filter over a fine raster of the profile sampled at
 * sub x sub points per pixel, computed from one summed-area table, and
 * normalised to the profile's exact area; the renderer scales the weights
 * by the ratio of the dot's exact area to the quantised one, so the
 * darkened area of every dot stays exact. */
#include "render/render-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define SOFT_STEPS SMPSIM__KERNEL_SOFT_STEPS
#define RADIUS_STEPS_PER_OCTAVE SMPSIM__KERNEL_RADIUS_STEPS
#define MIN_B SMPSIM__KERNEL_MIN_B /* px */
#define MIN_WEIGHT 0.002f

static double profile(double r, double a, double b)
{
    if (r <= a)
        return 1.0;
    if (r >= b)
        return 0.0;
    return (b - r) / (b - a);
}

void smpsim__radius_steps_init(smpsim__radius_steps *t)
{
    for (int j = 0; j < 256; j++) {
        double m0 = 1.0 + j / 256.0, m1 = 1.0 + (j + 1) / 256.0;
        int q = (int)lround(log2(m0) * RADIUS_STEPS_PER_OCTAVE);
        double edge = exp2((q + 0.5) / RADIUS_STEPS_PER_OCTAVE);
        t->step[j] = (int8_t)q;
        t->edge[j] = edge < m1 ? edge : 3.0;
    }
}

static int sub_for(double b)
{
    return b < 1.0 ? 32 : b < 2.0 ? 16 : b < 8.0 ? 8 : 4;
}

void smpsim__kernels_free(smpsim__kernels *k)
{
    if (!k)
        return;
    free(k->w);
    free(k->box);
    k->w = NULL;
    k->box = NULL;
}

/* Box sum of the fine raster over [x0, x1) x [y0, y1) from its summed-area
 * table (m + 1 columns). */
static double box_sum(const double *sat, int m, int x0, int y0, int x1, int y1)
{
    int s = m + 1;
    return sat[y1 * s + x1] - sat[y0 * s + x1] - sat[y1 * s + x0] + sat[y0 * s + x0];
}

static void trim(const float *w, int size, uint8_t box[4])
{
    int x0 = size, y0 = size, x1 = -1, y1 = -1;
    for (int j = 0; j < size; j++)
        for (int i = 0; i < size; i++)
            if (w[j * size + i] > 0.0f) {
                x0 = i < x0 ? i : x0;
                x1 = i > x1 ? i : x1;
                y0 = j < y0 ? j : y0;
                y1 = j > y1 ? j : y1;
            }
    if (x1 < 0) {
        box[0] = box[1] = box[2] = box[3] = 0;
        return;
    }
    box[0] = (uint8_t)x0;
    box[1] = (uint8_t)y0;
    box[2] = (uint8_t)(x1 - x0 + 1);
    box[3] = (uint8_t)(y1 - y0 + 1);
}

smpsim_status smpsim__kernels_build(smpsim__kernels *k, int qb, int qs, smpsim_error *err)
{
    double b = exp2((double)qb / RADIUS_STEPS_PER_OCTAVE);
    int faint = qs == SMPSIM__KERNEL_FAINT;
    double a = faint ? 0.0 : b * (1.0 - (double)qs / SOFT_STEPS);
    float min_weight = faint ? SMPSIM__KERNEL_FAINT_WEIGHT : MIN_WEIGHT;
    int sub = sub_for(b), half = (int)ceil(b), size = 2 * half + 1;
    int m = (size + 1) * sub + 1; /* fine raster side */
    double *sat = calloc((size_t)(m + 1) * (size_t)(m + 1), sizeof *sat);
    size_t n_w = (size_t)sub * sub * size * size;
    float *w = malloc((n_w + SMPSIM__KERNEL_PAD) * sizeof *w);
    uint8_t *box = malloc((size_t)sub * sub * 4);
    if (!sat || !w || !box) {
        free(sat);
        free(w);
        free(box);
        return smpsim__fail(err, SMPSIM_ENOMEM, "render: out of memory for dot kernels");
    }
    memset(w + n_w, 0, SMPSIM__KERNEL_PAD * sizeof *w);
    /* Fine raster: the dot centred on the fine-cell corner (c, c). */
    double c = (double)(half * sub + sub);
    for (int y = 0; y < m; y++) {
        double row = 0.0, dy = (y + 0.5 - c) / sub;
        for (int x = 0; x < m; x++) {
            double dx = (x + 0.5 - c) / sub;
            row += profile(sqrt(dx * dx + dy * dy), a, b);
            sat[(y + 1) * (m + 1) + x + 1] = sat[y * (m + 1) + x + 1] + row;
        }
    }
    double area = smpsim__profile_area(a, b), norm = 1.0 / ((double)sub * sub);
    for (int qy = 0; qy < sub; qy++) {
        for (int qx = 0; qx < sub; qx++) {
            float *kw = w + ((size_t)qy * sub + qx) * size * size;
            double sum = 0.0;
            for (int j = 0; j < size; j++) {
                int fy = sub - qy + j * sub;
                for (int i = 0; i < size; i++) {
                    int fx = sub - qx + i * sub;
                    double v = box_sum(sat, m, fx, fy, fx + sub, fy + sub) * norm;
                    kw[j * size + i] = (float)v;
                    sum += v;
                }
            }
            /* Weights under MIN_WEIGHT change a pixel by less than half a
             * code value: dropped (and their share given to the others by
             * the normalisation), so that the renderer skips them. */
            for (int i = 0; i < size * size; i++)
                if (kw[i] < min_weight) {
                    sum -= kw[i];
                    kw[i] = 0.0f;
                }
            float scale = sum > 0.0 ? (float)(area / sum) : 0.0f;
            for (int i = 0; i < size * size; i++)
                kw[i] = fminf(1.0f, kw[i] * scale);
            trim(kw, size, box + 4 * ((size_t)qy * sub + qx));
        }
    }
    free(sat);
    *k = (smpsim__kernels){.a = a, .b = b, .area = area, .sub = sub,
                           .size = size, .half = half, .w = w, .box = box};
    return SMPSIM_OK;
}

float *smpsim__kernel_direct(double cx, double cy, double a, double b, long *x0, long *y0,
                             long *w, long *h)
{
    *x0 = (long)floor(cx - b);
    *y0 = (long)floor(cy - b);
    *w = (long)floor(cx + b) + 1 - *x0;
    *h = (long)floor(cy + b) + 1 - *y0;
    size_t n_k = (size_t)*w * (size_t)*h;
    float *k = malloc((n_k + SMPSIM__KERNEL_PAD) * sizeof *k);
    if (!k)
        return NULL;
    memset(k + n_k, 0, SMPSIM__KERNEL_PAD * sizeof *k);
    const int n = 2; /* the edge is many pixels wide: 2 x 2 samples suffice */
    double sum = 0.0;
    for (long j = 0; j < *h; j++) {
        for (long i = 0; i < *w; i++) {
            double acc = 0.0;
            for (int sy = 0; sy < n; sy++) {
                double py = *y0 + j + (sy + 0.5) / n - cy;
                for (int sx = 0; sx < n; sx++) {
                    double px = *x0 + i + (sx + 0.5) / n - cx;
                    acc += profile(sqrt(px * px + py * py), a, b);
                }
            }
            k[j * *w + i] = (float)(acc / (n * n));
            sum += acc / (n * n);
        }
    }
    float scale = sum > 0.0 ? (float)(smpsim__profile_area(a, b) / sum) : 0.0f;
    for (long i = 0; i < *w * *h; i++)
        k[i] = fminf(1.0f, k[i] * scale);
    return k;
}
