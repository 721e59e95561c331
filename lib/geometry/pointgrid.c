/* Uniform bucket grid for neighbour queries over points in mm, flat or on
 * a torus. */
#include "geometry/geometry-private.h"

#include <math.h>
#include <stdlib.h>

#define MAX_SIDE (1L << 14)

static long clampl(long v, long lo, long hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

static float at(const float *p, size_t stride, size_t i)
{
    return *(const float *)(const void *)((const char *)p + i * stride);
}

static long wrapl(long v, long n)
{
    v %= n;
    return v < 0 ? v + n : v;
}

long smpsim__pgrid_cx(const smpsim__pgrid *g, double x)
{
    long c = (long)floor((x - g->x0) / g->cell);
    return g->period > 0.0 ? wrapl(c, g->w) : clampl(c, 0, g->w - 1);
}

long smpsim__pgrid_cy(const smpsim__pgrid *g, double y)
{
    long c = (long)floor((y - g->y0) / g->cell);
    return g->period > 0.0 ? wrapl(c, g->h) : clampl(c, 0, g->h - 1);
}

/* Flat grids span the points' bounding box; tori span [0, period) with a
 * whole number of cells. The cell never shrinks below what MAX_SIDE allows. */
static void layout(smpsim__pgrid *g, const float *x, const float *y, size_t stride, size_t n,
                   double cell, double period)
{
    if (period > 0.0) {
        long side = clampl((long)floor(period / fmax(cell, 1e-9)), 1, MAX_SIDE);
        g->period = period;
        g->x0 = g->y0 = 0.0;
        g->cell = period / (double)side;
        g->w = g->h = side;
        return;
    }
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++) {
        b[0] = fmin(b[0], at(x, stride, i));
        b[1] = fmin(b[1], at(y, stride, i));
        b[2] = fmax(b[2], at(x, stride, i));
        b[3] = fmax(b[3], at(y, stride, i));
    }
    if (n == 0)
        b[0] = b[1] = b[2] = b[3] = 0.0;
    double span = fmax(b[2] - b[0], b[3] - b[1]);
    g->cell = fmax(fmax(cell, span / (double)(MAX_SIDE - 1)), 1e-6);
    g->x0 = b[0];
    g->y0 = b[1];
    g->w = clampl((long)((b[2] - b[0]) / g->cell) + 1, 1, MAX_SIDE);
    g->h = clampl((long)((b[3] - b[1]) / g->cell) + 1, 1, MAX_SIDE);
}

static size_t cell_of(const smpsim__pgrid *g, const float *x, const float *y, size_t stride,
                      size_t i)
{
    return (size_t)smpsim__pgrid_cy(g, at(y, stride, i)) * (size_t)g->w +
           (size_t)smpsim__pgrid_cx(g, at(x, stride, i));
}

bool smpsim__pgrid_build(smpsim__pgrid *g, const float *x, const float *y, size_t stride,
                         size_t n, double cell, double period)
{
    memset(g, 0, sizeof *g);
    layout(g, x, y, stride, n, cell, period);
    size_t cells = (size_t)g->w * (size_t)g->h;
    g->start = calloc(cells + 1, sizeof *g->start);
    g->order = malloc((n ? n : 1) * sizeof *g->order);
    if (!g->start || !g->order) {
        smpsim__pgrid_free(g);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        g->start[cell_of(g, x, y, stride, i) + 1]++;
    for (size_t k = 0; k < cells; k++)
        g->start[k + 1] += g->start[k];
    for (size_t i = 0; i < n; i++)
        g->order[g->start[cell_of(g, x, y, stride, i)]++] = i;
    for (size_t k = cells; k > 0; k--)
        g->start[k] = g->start[k - 1];
    g->start[0] = 0;
    return true;
}

void smpsim__pgrid_free(smpsim__pgrid *g)
{
    free(g->start);
    free(g->order);
    g->start = NULL;
    g->order = NULL;
}

/* The range of cell indexes along one axis: [*lo, *hi] before wrapping. On a
 * torus narrower than the reach, every cell once. */
static void axis_range(long c, long reach, long n, bool torus, long *lo, long *hi)
{
    if (torus && 2 * reach + 1 >= n) {
        *lo = 0;
        *hi = n - 1;
        return;
    }
    *lo = c - reach;
    *hi = c + reach;
    if (!torus) {
        *lo = clampl(*lo, 0, n - 1);
        *hi = clampl(*hi, 0, n - 1);
    }
}

size_t smpsim__pgrid_around(const smpsim__pgrid *g, double x, double y, long reach, size_t *cells,
                            size_t max)
{
    bool torus = g->period > 0.0;
    long x_lo, x_hi, y_lo, y_hi;
    axis_range(smpsim__pgrid_cx(g, x), reach, g->w, torus, &x_lo, &x_hi);
    axis_range(smpsim__pgrid_cy(g, y), reach, g->h, torus, &y_lo, &y_hi);
    size_t n = 0;
    for (long yy = y_lo; yy <= y_hi; yy++) {
        size_t row = (size_t)(torus ? wrapl(yy, g->h) : yy) * (size_t)g->w;
        for (long xx = x_lo; xx <= x_hi && n < max; xx++)
            cells[n++] = row + (size_t)(torus ? wrapl(xx, g->w) : xx);
    }
    return n;
}
