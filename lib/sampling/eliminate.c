/* Weighted sample elimination (C. Yuksel, "Sample Elimination for
 * Generating Poisson Disk Sample Sets", Computer Graphics Forum 34(2), 2015).
 *
 * Each point gets a weight: the sum over its neighbours closer than d of
 * (1 - d_hat / d)^8, where d is the smaller of the two points' interaction
 * distances and d_hat = max(distance, limit x d) (the paper's weight
 * limiting). The heaviest point is removed and its neighbours' weights
 * lowered, until `keep` points remain. Ties go to the higher index, so the
 * result is deterministic. */
#include "sampling/sampling-private.h"

#include <math.h>
#include <stdlib.h>

#define LIMIT_BETA 0.65 /* weight limiting (Yuksel 2015, section 3.3) */
#define LIMIT_GAMMA 1.5
#define MAX_REACH 6      /* interactions reach at most this many grid cells */
#define MAX_AROUND ((2 * MAX_REACH + 1) * (2 * MAX_REACH + 1))

typedef struct elim {
    const float *x, *y, *dmax;
    double period, limit;
    smpsim__pgrid grid;
    /* max-heap of live points */
    size_t n;
    uint32_t *item;
    uint32_t *pos; /* heap position, UINT32_MAX = removed */
    double *weight;
} elim;

static double pair_weight(const elim *e, size_t i, size_t j)
{
    float dm = e->dmax[i] < e->dmax[j] ? e->dmax[i] : e->dmax[j];
    double dx = smpsim__wrap((double)e->x[i] - e->x[j], e->period);
    double dy = smpsim__wrap((double)e->y[i] - e->y[j], e->period);
    double d2 = dx * dx + dy * dy;
    if (d2 >= (double)dm * dm)
        return 0.0;
    double d = sqrt(d2), lim = e->limit * dm;
    if (d < lim)
        d = lim;
    double t = 1.0 - d / dm, t2 = t * t, t4 = t2 * t2;
    return t4 * t4;
}

typedef void (*visit_fn)(elim *e, size_t i, size_t j, void *arg);

/* Calls visit for every live point j != i within reach of i. */
static void for_neighbours(elim *e, size_t i, visit_fn visit, void *arg)
{
    size_t cells[MAX_AROUND];
    long reach = (long)ceil(e->dmax[i] / e->grid.cell);
    if (reach > MAX_REACH)
        reach = MAX_REACH;
    size_t n = smpsim__pgrid_around(&e->grid, e->x[i], e->y[i], reach, cells, MAX_AROUND);
    for (size_t c = 0; c < n; c++) {
        for (size_t k = e->grid.start[cells[c]]; k < e->grid.start[cells[c] + 1]; k++) {
            size_t j = e->grid.order[k];
            if (j != i && e->pos[j] != UINT32_MAX)
                visit(e, i, j, arg);
        }
    }
}

static bool heap_above(const elim *e, uint32_t a, uint32_t b)
{
    if (e->weight[a] != e->weight[b])
        return e->weight[a] > e->weight[b];
    return a > b;
}

static void heap_place(elim *e, size_t at, uint32_t item)
{
    e->item[at] = item;
    e->pos[item] = (uint32_t)at;
}

static void sift_down(elim *e, size_t at)
{
    uint32_t item = e->item[at];
    for (;;) {
        size_t l = 2 * at + 1, best = at;
        uint32_t best_item = item;
        if (l < e->n && heap_above(e, e->item[l], best_item))
            best = l, best_item = e->item[l];
        if (l + 1 < e->n && heap_above(e, e->item[l + 1], best_item))
            best = l + 1, best_item = e->item[l + 1];
        if (best == at)
            break;
        heap_place(e, at, best_item);
        at = best;
    }
    heap_place(e, at, item);
}

static uint32_t heap_pop(elim *e)
{
    uint32_t top = e->item[0];
    e->pos[top] = UINT32_MAX;
    e->n--;
    if (e->n > 0) {
        heap_place(e, 0, e->item[e->n]);
        sift_down(e, 0);
    }
    return top;
}

static void add_weight(elim *e, size_t i, size_t j, void *arg)
{
    *(double *)arg += pair_weight(e, i, j);
}

static void lower_weight(elim *e, size_t i, size_t j, void *arg)
{
    (void)arg;
    double w = pair_weight(e, i, j);
    if (w <= 0.0)
        return;
    e->weight[j] -= w;
    sift_down(e, e->pos[j]);
}

static void run(elim *e, size_t total, size_t keep, uint32_t *removed)
{
    for (size_t i = 0; i < total; i++)
        e->pos[i] = (uint32_t)i;
    for (size_t i = 0; i < total; i++) {
        double sum = 0.0;
        for_neighbours(e, i, add_weight, &sum);
        e->weight[i] = sum;
        e->item[i] = (uint32_t)i;
    }
    e->n = total;
    for (size_t k = total / 2; k-- > 0;)
        sift_down(e, k);
    for (size_t r = 0; e->n > keep; r++) {
        uint32_t gone = heap_pop(e);
        if (removed)
            removed[r] = gone;
        for_neighbours(e, gone, lower_weight, NULL);
    }
}

smpsim_status smpsim__eliminate(const float *x, const float *y, const float *dmax, size_t n,
                                size_t keep, double period, uint8_t *alive, uint32_t *removed,
                                smpsim_error *err)
{
    if (n >= UINT32_MAX)
        return smpsim__fail(err, SMPSIM_ELIMIT, "sampler: %zu candidates are too many", n);
    if (keep > n)
        keep = n;
    float cell = INFINITY;
    for (size_t i = 0; i < n; i++)
        cell = dmax[i] < cell ? dmax[i] : cell;
    double frac = n ? (double)keep / (double)n : 1.0;
    elim e = {.x = x, .y = y, .dmax = dmax, .period = period,
              .limit = LIMIT_BETA * (1.0 - pow(frac, LIMIT_GAMMA))};
    e.item = malloc((n + 1) * sizeof *e.item);
    e.pos = malloc((n + 1) * sizeof *e.pos);
    e.weight = malloc((n + 1) * sizeof *e.weight);
    bool ok = e.item && e.pos && e.weight &&
              smpsim__pgrid_build(&e.grid, x, y, sizeof *x, n, isfinite(cell) ? cell : 1.0, period);
    if (ok) {
        run(&e, n, keep, removed);
        for (size_t i = 0; i < n; i++)
            alive[i] = e.pos[i] != UINT32_MAX;
    }
    smpsim__pgrid_free(&e.grid);
    free(e.item);
    free(e.pos);
    free(e.weight);
    if (!ok)
        return smpsim__fail(err, SMPSIM_ENOMEM, "sampler: out of memory for %zu candidates", n);
    return SMPSIM_OK;
}
