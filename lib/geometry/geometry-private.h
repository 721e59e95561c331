/* Private declarations of lib/geometry: point-in-polygon and nearest
 * edge, the segment index, the point bucket grid. Not installed. */
#ifndef SMPSIM_GEOMETRY_PRIVATE_H
#define SMPSIM_GEOMETRY_PRIVATE_H

#include "base/base-private.h"

/* segindex.c: which segments can be the nearest one, per leaf of a grid
 * over a domain (see segindex.c). A segment runs from a to b; its flags
 * say which ends go on as rays, or that it never counts (listed nowhere). */
#define SMPSIM__SEG_RAY_BACK 1u /* goes on beyond a */
#define SMPSIM__SEG_RAY_ON 2u   /* goes on beyond b */
#define SMPSIM__SEG_NEVER 4u
typedef struct smpsim__segment {
    double ax, ay, bx, by;
    unsigned flags;
} smpsim__segment;

typedef struct smpsim__segindex {
    double x0, y0, leaf_mm, inv_leaf;
    double margin;           /* mm: far above rounding at these coordinates */
    uint32_t nx, ny;         /* leaves; 0 when there is no index */
    uint32_t *first, *count; /* per leaf (row-major): its list in ids */
    uint32_t *ids;           /* segment numbers, ascending within a list */
} smpsim__segindex;

/* Indexes the n segments over domain (x0, y0, x1, y1 in mm) with leaves of
 * about leaf_mm; a segment farther than cap_mm (INFINITY: no cap) from a
 * whole leaf is left out of that leaf. Returns false, leaving the index
 * empty, when it cannot be built (no memory, coordinates not finite or
 * beyond 1e100, a segment too short to measure reliably): callers then
 * search every segment, with the same result. */
bool smpsim__segindex_build(smpsim__segindex *ix, const smpsim__segment *seg, size_t n,
                            const double domain[4], double leaf_mm, double cap_mm);
/* Frees and empties; a zeroed or empty index is fine. */
void smpsim__segindex_free(smpsim__segindex *ix);
/* The leaf holding (x, y) (row-major), SIZE_MAX outside the domain or
 * without an index. */
static inline size_t smpsim__segindex_leaf(const smpsim__segindex *ix, double x, double y)
{
    double fx = (x - ix->x0) * ix->inv_leaf, fy = (y - ix->y0) * ix->inv_leaf;
    if (!(fx >= 0.0 && fy >= 0.0 && fx < ix->nx && fy < ix->ny))
        return SIZE_MAX;
    return (size_t)fy * ix->nx + (size_t)fx;
}

/* The candidates for (x, y): *count segment numbers, ascending, that hold
 * the nearest segment wherever it is within the cap (none: every segment
 * is farther than the cap); NULL outside the domain or without an index. */
static inline const uint32_t *smpsim__segindex_find(const smpsim__segindex *ix, double x,
                                                    double y, size_t *count)
{
    size_t leaf = smpsim__segindex_leaf(ix, x, y);
    if (leaf == SIZE_MAX)
        return NULL;
    *count = ix->count[leaf];
    return ix->ids + ix->first[leaf];
}

/* pointgrid.c: a uniform bucket grid over points given as strided float
 * x/y arrays (an array of smpsim_dot works with stride sizeof(smpsim_dot)).
 * With period > 0 the plane is a torus [0, period)^2 and neighbourhoods wrap. */
typedef struct smpsim__pgrid {
    double x0, y0, cell; /* mm */
    double period;       /* 0 = flat */
    long w, h;
    size_t *start; /* w*h+1 offsets into order */
    size_t *order; /* point indexes sorted by cell */
} smpsim__pgrid;

bool smpsim__pgrid_build(smpsim__pgrid *g, const float *x, const float *y, size_t stride,
                         size_t n, double cell, double period);
void smpsim__pgrid_free(smpsim__pgrid *g);
long smpsim__pgrid_cx(const smpsim__pgrid *g, double x);
long smpsim__pgrid_cy(const smpsim__pgrid *g, double y);
/* The cells within `reach` cells of the one holding (x, y), wrapped on a
 * torus and without repeats; returns how many were written (at most max). */
size_t smpsim__pgrid_around(const smpsim__pgrid *g, double x, double y, long reach, size_t *cells,
                            size_t max);
/* A coordinate difference folded into [-period/2, period/2) (period > 0). */
static inline double smpsim__wrap(double d, double period)
{
    if (period <= 0.0)
        return d;
    while (d >= 0.5 * period)
        d -= period;
    while (d < -0.5 * period)
        d += period;
    return d;
}

/* Where edge (xj, yj)-(xi, yi) crosses the line at y (given that it does):
 * one expression for every point test and row of crossings, so that all
 * agree to the bit. */
static inline double smpsim__crossing_x(double xi, double yi, double xj, double yj, double y)
{
    return xj + (y - yj) / (yi - yj) * (xi - xj);
}

/* polygon.c: even-odd point-in-polygon and the nearest boundary point,
 * for polygons given as x0,y0,x1,y1,... */
bool smpsim__polygon_contains(const double *xy, size_t n, double x, double y);
/* The winding number of the polygon around (x, y): the directions (+1
 * towards +y) of the edges crossing the line at y right of x, counted as
 * smpsim__polygon_contains() counts them (so that it is odd exactly where
 * that one says inside). */
int smpsim__polygon_winding(const double *xy, size_t n, double x, double y);
void smpsim__polygon_nearest(const double *xy, size_t n, double x, double y, double *nx,
                             double *ny);
/* The x where each edge crossing the line at y crosses it, as
 * smpsim__polygon_contains() computes it (a point at x is inside when an
 * odd number of them lie beyond x); returns how many (at most n). */
size_t smpsim__polygon_crossings(const double *xy, size_t n, double y, double *xs);
/* The point of edge a-b nearest to (x, y) and its squared distance, as
 * smpsim__polygon_nearest() measures each edge (shared so that indexed
 * searches give the same bits). */
static inline double smpsim__edge_nearest(double ax, double ay, double bx, double by, double x,
                                          double y, double *px, double *py)
{
    double ex = bx - ax, ey = by - ay, len2 = ex * ex + ey * ey;
    double t = len2 > 0.0 ? ((x - ax) * ex + (y - ay) * ey) / len2 : 0.0;
    t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
    *px = ax + t * ex;
    *py = ay + t * ey;
    return (*px - x) * (*px - x) + (*py - y) * (*py - y);
}

#endif
