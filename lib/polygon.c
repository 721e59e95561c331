/* Point-in-polygon and nearest boundary point. */
#include "smpsim-private.h"

#include <math.h>

bool smpsim__polygon_contains(const double *xy, size_t n, double x, double y)
{
    bool in = false;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < xj + (y - yj) / (yi - yj) * (xi - xj))
            in = !in;
    }
    return in;
}

void smpsim__polygon_nearest(const double *xy, size_t n, double x, double y, double *nx,
                             double *ny)
{
    double best = INFINITY;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double ax = xy[2 * j], ay = xy[2 * j + 1], bx = xy[2 * i], by = xy[2 * i + 1];
        double ex = bx - ax, ey = by - ay, len2 = ex * ex + ey * ey;
        double t = len2 > 0.0 ? ((x - ax) * ex + (y - ay) * ey) / len2 : 0.0;
        t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
        double px = ax + t * ex, py = ay + t * ey;
        double d2 = (px - x) * (px - x) + (py - y) * (py - y);
        if (d2 < best) {
            best = d2;
            *nx = px;
            *ny = py;
        }
    }
}
