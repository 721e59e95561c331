/* Point-in-polygon and nearest boundary point. */
#include "geometry/geometry-private.h"

#include <math.h>

bool smpsim__polygon_contains(const double *xy, size_t n, double x, double y)
{
    bool in = false;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < smpsim__crossing_x(xi, yi, xj, yj, y))
            in = !in;
    }
    return in;
}

int smpsim__polygon_winding(const double *xy, size_t n, double x, double y)
{
    int w = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < smpsim__crossing_x(xi, yi, xj, yj, y))
            w += yi > y ? 1 : -1;
    }
    return w;
}

size_t smpsim__polygon_crossings(const double *xy, size_t n, double y, double *xs)
{
    size_t k = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) != (yj > y))
            xs[k++] = smpsim__crossing_x(xi, yi, xj, yj, y);
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
