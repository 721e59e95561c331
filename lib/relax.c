/* Local relaxation of the closest pairs of dots.
 *
 * Sample elimination leaves a few pairs much closer than the rest; a dot
 * pattern's minimum distance (and the eye) is ruled by those pairs. Each
 * sweep finds every pair closer than tau x d_max (d_max: the hexagonal
 * spacing at the local density) and moves both dots apart by half the
 * shortfall. Moves are computed from the old positions and applied
 * together (order-independent, deterministic). Dots never move onto field
 * cells of zero density, so regions keep their outlines and counts. */
#include "smpsim-private.h"

#include <math.h>
#include <stdlib.h>

typedef struct relaxer {
    smpsim_dots *dots;
    const smpsim_field *field;
    smpsim__pgrid grid;
    float *dx, *dy;
    double tau;
} relaxer;

static double field_at(const smpsim_field *f, double x, double y)
{
    double fx = (x - f->origin_x_mm) / f->cell_mm, fy = (y - f->origin_y_mm) / f->cell_mm;
    if (!(fx >= 0.0 && fy >= 0.0 && fx < f->width && fy < f->height))
        return 0.0;
    return f->density_per_cm2[(size_t)fy * f->width + (size_t)fx];
}

static double spacing_mm(double per_cm2)
{
    return sqrt(2.0 / (sqrt(3.0) * per_cm2 / 100.0));
}

/* Pushes for dot i from every too-close neighbour in the 3x3 cells around it. */
static void push_dot(relaxer *r, size_t i, const float *sp)
{
    const smpsim__pgrid *g = &r->grid;
    const smpsim_dot *d = r->dots->dots;
    long cx = smpsim__pgrid_cx(g, d[i].x_mm), cy = smpsim__pgrid_cy(g, d[i].y_mm);
    for (long y = cy - 1; y <= cy + 1; y++) {
        for (long x = cx - 1; x <= cx + 1; x++) {
            if (x < 0 || y < 0 || x >= g->w || y >= g->h)
                continue;
            size_t c = (size_t)y * (size_t)g->w + (size_t)x;
            for (size_t k = g->start[c]; k < g->start[c + 1]; k++) {
                size_t j = g->order[k];
                if (j == i)
                    continue;
                double want = r->tau * (sp[i] < sp[j] ? sp[i] : sp[j]);
                double ex = (double)d[i].x_mm - d[j].x_mm, ey = (double)d[i].y_mm - d[j].y_mm;
                double dist = sqrt(ex * ex + ey * ey);
                if (dist >= want || dist <= 1e-9)
                    continue;
                double move = 0.5 * (want - dist) / dist;
                r->dx[i] += (float)(ex * move);
                r->dy[i] += (float)(ey * move);
            }
        }
    }
}

static bool sweep(relaxer *r, const float *sp, double cell)
{
    smpsim_dot *d = r->dots->dots;
    size_t n = r->dots->count;
    if (!smpsim__pgrid_build(&r->grid, &d[0].x_mm, &d[0].y_mm, sizeof *d, n, cell))
        return false;
    memset(r->dx, 0, n * sizeof *r->dx);
    memset(r->dy, 0, n * sizeof *r->dy);
    for (size_t i = 0; i < n; i++)
        push_dot(r, i, sp);
    for (size_t i = 0; i < n; i++) {
        float nx = d[i].x_mm + r->dx[i], ny = d[i].y_mm + r->dy[i];
        if ((r->dx[i] != 0.0f || r->dy[i] != 0.0f) && field_at(r->field, nx, ny) > 0.0) {
            d[i].x_mm = nx;
            d[i].y_mm = ny;
        }
    }
    smpsim__pgrid_free(&r->grid);
    return true;
}

smpsim_status smpsim__relax_dots(smpsim_dots *dots, const smpsim_field *field, int iterations,
                                 double tau, smpsim_error *err)
{
    size_t n = dots->count;
    if (n < 2 || iterations <= 0)
        return SMPSIM_OK;
    relaxer r = {.dots = dots, .field = field, .tau = tau};
    float *sp = malloc(n * sizeof *sp);
    r.dx = malloc(n * sizeof *r.dx);
    r.dy = malloc(n * sizeof *r.dy);
    smpsim_status st = (sp && r.dx && r.dy) ? SMPSIM_OK : SMPSIM_ENOMEM;
    double cell = INFINITY;
    for (size_t i = 0; st == SMPSIM_OK && i < n; i++) {
        double dens = field_at(field, dots->dots[i].x_mm, dots->dots[i].y_mm);
        sp[i] = (float)(dens > 0.0 ? spacing_mm(dens) : INFINITY);
        if (sp[i] * tau < cell)
            cell = sp[i] * tau;
    }
    for (int it = 0; st == SMPSIM_OK && it < iterations; it++) {
        if (!sweep(&r, sp, cell))
            st = SMPSIM_ENOMEM;
    }
    free(sp);
    free(r.dx);
    free(r.dy);
    if (st != SMPSIM_OK)
        return smpsim__fail(err, st, "sampler: out of memory while relaxing %zu dots", n);
    return SMPSIM_OK;
}
