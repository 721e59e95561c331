/* Point-in-polygon and nearest boundary point. */
#include "geometry/geometry-private.h"

#include <math.h>

/* Where edge (xj, yj)-(xi, yi) crosses the line at y (given that it does):
 * one expression for the point test and the row crossings, so that both
 * agree to the bit. */
static inline double crossing_x(double xi, double yi, double xj, double yj, double y)
{
    return xj + (y - yj) / (yi - yj) * (xi - xj);
}

bool smpsim__polygon_contains(const double *xy, size_t n, double x, double y)
{
    bool in = false;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < crossing_x(xi, yi, xj, yj, y))
            in = !in;
    }
    return in;
}

size_t smpsim__polygon_crossings(const double *xy, size_t n, double y, double *xs)
{
    size_t k = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) != (yj > y))
            xs[k++] = crossing_x(xi, yi, xj, yj, y);
    }
    return k;
}

void smpsim__polygon_nearest(const double *xy, size_t n, double x, double y, double *nx,
                             double *ny)
{
    double best = INFINITY;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double px, py;
        double d2 = smpsim__edge_nearest(xy[2 * j], xy[2 * j + 1], xy[2 * i], xy[2 * i + 1], x, y,
                                         &px, &py);
        if (d2 < best) {
            best = d2;
            *nx = px;
            *ny = py;
        }
    }
}
