/* Local relaxation of the closest pairs of points.
 *
 * Sample elimination leaves a few pairs much closer than the rest; a dot
 * pattern's minimum distance (and the eye) is ruled by those pairs. Each
 * sweep finds every pair closer than tau x spacing and moves both points
 * apart by half the shortfall. Moves are computed from the old positions and
 * applied together (order-independent, deterministic). A point moves only
 * where the caller allows it (e.g. not onto cells of zero density). */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>

#define MAX_REACH 4 /* grid cells searched around a point, at most */
#define MAX_AROUND ((2 * MAX_REACH + 1) * (2 * MAX_REACH + 1))

typedef struct relaxer {
    float *x, *y;
    size_t stride, n;
    const float *spacing;
    double period, tau;
    smpsim__pgrid grid;
    float *dx, *dy;
} relaxer;

static float *coord(float *p, size_t stride, size_t i)
{
    return (float *)(void *)((char *)p + i * stride);
}

/* Pushes on point i from every too-close neighbour in the cells around it. */
static void push_point(relaxer *r, size_t i)
{
    size_t cells[MAX_AROUND];
    double xi = *coord(r->x, r->stride, i), yi = *coord(r->y, r->stride, i);
    long reach = (long)ceil(r->tau * r->spacing[i] / r->grid.cell);
    reach = reach < 1 ? 1 : (reach > MAX_REACH ? MAX_REACH : reach);
    size_t nc = smpsim__pgrid_around(&r->grid, xi, yi, reach, cells, MAX_AROUND);
    for (size_t c = 0; c < nc; c++) {
        for (size_t k = r->grid.start[cells[c]]; k < r->grid.start[cells[c] + 1]; k++) {
            size_t j = r->grid.order[k];
            if (j == i)
                continue;
            double want = r->tau * fmin(r->spacing[i], r->spacing[j]);
            double ex = smpsim__wrap(xi - *coord(r->x, r->stride, j), r->period);
            double ey = smpsim__wrap(yi - *coord(r->y, r->stride, j), r->period);
            double dist = sqrt(ex * ex + ey * ey);
            if (dist >= want || dist <= 1e-9)
                continue;
            double move = 0.5 * (want - dist) / dist;
            r->dx[i] += (float)(ex * move);
            r->dy[i] += (float)(ey * move);
        }
    }
}

static double fold(double v, double period)
{
    if (period <= 0.0)
        return v;
    v = fmod(v, period);
    return v < 0.0 ? v + period : v;
}

static bool sweep(relaxer *r, double cell, smpsim__allowed_fn allowed, void *arg)
{
    if (!smpsim__pgrid_build(&r->grid, r->x, r->y, r->stride, r->n, cell, r->period))
        return false;
    memset(r->dx, 0, r->n * sizeof *r->dx);
    memset(r->dy, 0, r->n * sizeof *r->dy);
    for (size_t i = 0; i < r->n; i++)
        push_point(r, i);
    for (size_t i = 0; i < r->n; i++) {
        if (r->dx[i] == 0.0f && r->dy[i] == 0.0f)
            continue;
        float *px = coord(r->x, r->stride, i), *py = coord(r->y, r->stride, i);
        double nx = fold(*px + (double)r->dx[i], r->period);
        double ny = fold(*py + (double)r->dy[i], r->period);
        if (!allowed || allowed(arg, nx, ny)) {
            *px = (float)nx;
            *py = (float)ny;
            /* float rounding can land exactly on the period */
            if (r->period > 0.0 && *px >= r->period)
                *px = 0.0f;
            if (r->period > 0.0 && *py >= r->period)
                *py = 0.0f;
        }
    }
    smpsim__pgrid_free(&r->grid);
    return true;
}

smpsim_status smpsim__relax(float *x, float *y, size_t stride, size_t n, const float *spacing,
                            double period, int iterations, double tau, smpsim__allowed_fn allowed,
                            void *arg, smpsim_error *err)
{
    if (n < 2 || iterations <= 0)
        return SMPSIM_OK;
    relaxer r = {.x = x, .y = y, .stride = stride, .n = n, .spacing = spacing, .period = period,
                 .tau = tau};
    r.dx = malloc(n * sizeof *r.dx);
    r.dy = malloc(n * sizeof *r.dy);
    double cell = INFINITY;
    for (size_t i = 0; i < n; i++)
        cell = fmin(cell, spacing[i] * tau);
    if (!isfinite(cell) || !(cell > 0.0))
        iterations = 0; /* nothing has a finite spacing: nothing to do */
    bool ok = r.dx && r.dy;
    for (int it = 0; ok && it < iterations; it++)
        ok = sweep(&r, cell, allowed, arg);
    free(r.dx);
    free(r.dy);
    if (!ok)
        return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory while relaxing %zu dots",
                            n);
    return SMPSIM_OK;
}
