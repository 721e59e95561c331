/* Uniform bucket grid for neighbour queries over points in mm. */
#include "smpsim-private.h"

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

long smpsim__pgrid_cx(const smpsim__pgrid *g, double x)
{
    return clampl((long)floor((x - g->x0) / g->cell), 0, g->w - 1);
}

long smpsim__pgrid_cy(const smpsim__pgrid *g, double y)
{
    return clampl((long)floor((y - g->y0) / g->cell), 0, g->h - 1);
}

bool smpsim__pgrid_build(smpsim__pgrid *g, const float *x, const float *y, size_t stride,
                         size_t n, double cell)
{
    memset(g, 0, sizeof *g);
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++) {
        b[0] = fmin(b[0], at(x, stride, i));
        b[1] = fmin(b[1], at(y, stride, i));
        b[2] = fmax(b[2], at(x, stride, i));
        b[3] = fmax(b[3], at(y, stride, i));
    }
    if (n == 0)
        b[0] = b[1] = b[2] = b[3] = 0.0;
    /* Never more cells than the side limit allows: grow the cell instead. */
    double span = fmax(b[2] - b[0], b[3] - b[1]);
    g->cell = fmax(fmax(cell, span / (double)(MAX_SIDE - 1)), 1e-6);
    g->x0 = b[0];
    g->y0 = b[1];
    g->w = clampl((long)((b[2] - b[0]) / g->cell) + 1, 1, MAX_SIDE);
    g->h = clampl((long)((b[3] - b[1]) / g->cell) + 1, 1, MAX_SIDE);
    size_t cells = (size_t)g->w * (size_t)g->h;
    g->start = calloc(cells + 1, sizeof *g->start);
    g->order = malloc((n ? n : 1) * sizeof *g->order);
    if (!g->start || !g->order) {
        smpsim__pgrid_free(g);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        size_t c = (size_t)smpsim__pgrid_cy(g, at(y, stride, i)) * (size_t)g->w +
                   (size_t)smpsim__pgrid_cx(g, at(x, stride, i));
        g->start[c + 1]++;
    }
    for (size_t k = 0; k < cells; k++)
        g->start[k + 1] += g->start[k];
    for (size_t i = 0; i < n; i++) {
        size_t c = (size_t)smpsim__pgrid_cy(g, at(y, stride, i)) * (size_t)g->w +
                   (size_t)smpsim__pgrid_cx(g, at(x, stride, i));
        g->order[g->start[c]++] = i;
    }
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
