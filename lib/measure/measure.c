/* Measures of dot-pattern quality (DESIGN.md section 5). */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>

/* Distance from dot i to its nearest other dot. */
static double nearest(const smpsim__pgrid *g, const smpsim_dots *dots, size_t i)
{
    const smpsim_dot *p = &dots->dots[i];
    long cx = smpsim__pgrid_cx(g, p->x_mm), cy = smpsim__pgrid_cy(g, p->y_mm);
    double best2 = INFINITY;
    long max_ring = g->w > g->h ? g->w : g->h;
    for (long ring = 0; ring <= max_ring; ring++) {
        double reach = (ring - 1) * g->cell;
        if (ring > 0 && reach > 0 && reach * reach > best2)
            break;
        for (long y = cy - ring; y <= cy + ring; y++) {
            if (y < 0 || y >= g->h)
                continue;
            long step = (y == cy - ring || y == cy + ring) ? 1 : 2 * ring;
            for (long x = cx - ring; x <= cx + ring; x += step ? step : 1) {
                if (x < 0 || x >= g->w)
                    continue;
                size_t c = (size_t)y * (size_t)g->w + (size_t)x;
                for (size_t k = g->start[c]; k < g->start[c + 1]; k++) {
                    size_t j = g->order[k];
                    if (j == i)
                        continue;
                    double dx = (double)dots->dots[j].x_mm - p->x_mm;
                    double dy = (double)dots->dots[j].y_mm - p->y_mm;
                    double d2 = dx * dx + dy * dy;
                    if (d2 < best2)
                        best2 = d2;
                }
            }
        }
    }
    return sqrt(best2);
}

/* About one dot per grid cell: the side of the bounding box's area per dot. */
static double mean_spacing(const smpsim_dots *dots)
{
    const smpsim_dot *d = dots->dots;
    float lo_x = d[0].x_mm, hi_x = lo_x, lo_y = d[0].y_mm, hi_y = lo_y;
    for (size_t i = 1; i < dots->count; i++) {
        lo_x = fminf(lo_x, d[i].x_mm), hi_x = fmaxf(hi_x, d[i].x_mm);
        lo_y = fminf(lo_y, d[i].y_mm), hi_y = fmaxf(hi_y, d[i].y_mm);
    }
    return sqrt(fmax((double)(hi_x - lo_x) * (hi_y - lo_y), 1e-12) / (double)dots->count);
}

static bool inside(const smpsim_dot *d, double x0, double y0, double x1, double y1)
{
    return d->x_mm >= x0 && d->x_mm < x1 && d->y_mm >= y0 && d->y_mm < y1;
}

/* Calls back with the nearest-neighbour distance of every dot in the rectangle;
 * returns how many there were, or 0 when the grid could not be built. */
static size_t each_nn(const smpsim_dots *dots, double x0, double y0, double x1, double y1,
                      void (*take)(double, void *), void *arg)
{
    if (!dots || dots->count < 2)
        return 0;
    smpsim__pgrid g;
    size_t n = 0;
    const smpsim_dot *d0 = dots->dots;
    if (smpsim__pgrid_build(&g, &d0[0].x_mm, &d0[0].y_mm, sizeof *d0, dots->count,
                            mean_spacing(dots), 0.0)) {
        for (size_t i = 0; i < dots->count; i++) {
            if (!inside(&dots->dots[i], x0, y0, x1, y1))
                continue;
            take(nearest(&g, dots, i), arg);
            n++;
        }
    }
    smpsim__pgrid_free(&g);
    return n;
}

static void take_min(double d, void *arg)
{
    double *m = arg;
    if (d < *m)
        *m = d;
}

double smpsim_measure_rho(const smpsim_dots *dots, double x0_mm, double y0_mm, double x1_mm,
                          double y1_mm)
{
    double dmin = INFINITY;
    size_t n = each_nn(dots, x0_mm, y0_mm, x1_mm, y1_mm, take_min, &dmin);
    double area = (x1_mm - x0_mm) * (y1_mm - y0_mm);
    if (n < 2 || !(area > 0.0) || !isfinite(dmin))
        return 0.0;
    double dmax = sqrt(2.0 / (sqrt(3.0) * (double)n / area));
    return dmin / dmax;
}

typedef struct moments {
    double sum, sum2;
} moments;

static void take_moments(double d, void *arg)
{
    moments *m = arg;
    m->sum += d;
    m->sum2 += d * d;
}

void smpsim_measure_nn(const smpsim_dots *dots, double x0_mm, double y0_mm, double x1_mm,
                       double y1_mm, double *mean_mm, double *cv)
{
    moments m = {0.0, 0.0};
    size_t n = each_nn(dots, x0_mm, y0_mm, x1_mm, y1_mm, take_moments, &m);
    double mean = n ? m.sum / (double)n : 0.0;
    double var = n ? fmax(0.0, m.sum2 / (double)n - mean * mean) : 0.0;
    if (mean_mm)
        *mean_mm = mean;
    if (cv)
        *cv = mean > 0.0 ? sqrt(var) / mean : 0.0;
}

size_t smpsim_measure_count(const smpsim_dots *dots, double x0_mm, double y0_mm, double x1_mm,
                            double y1_mm, unsigned region)
{
    size_t n = 0;
    for (size_t i = 0; dots && i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        n += inside(d, x0_mm, y0_mm, x1_mm, y1_mm) && (region == 0 || d->region == region);
    }
    return n;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

size_t smpsim_measure_groups(const smpsim_dots *dots, double share[5])
{
    for (int k = 0; k < 5; k++)
        share[k] = 0.0;
    if (!dots || dots->count == 0)
        return 0;
    uint32_t *ids = malloc(dots->count * sizeof *ids);
    if (!ids)
        return 0;
    size_t singles = 0, n = 0, groups = 0;
    for (size_t i = 0; i < dots->count; i++) {
        if (dots->dots[i].group == 0)
            singles++;
        else
            ids[n++] = dots->dots[i].group;
    }
    qsort(ids, n, sizeof *ids, cmp_u32);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ids[j] == ids[i])
            j++;
        share[(j - i) >= 5 ? 4 : (j - i) - 1] += 1.0;
        groups++;
        i = j;
    }
    free(ids);
    share[0] += (double)singles;
    groups += singles;
    for (int k = 0; k < 5; k++)
        share[k] /= (double)groups;
    return groups;
}
