/* A plain Bridson (2007) Poisson-disk sampler, the baseline of bench-dots:
 * a square of SIDE mm, radius R mm, k = 30 tries in the annulus [r, 2r],
 * an active list, a background grid of cell r / sqrt(2); its own small
 * generator (xoshiro128+-like, seeded), nothing of smpsim. Prints the
 * number of points.
 *
 * Usage: bridson SIDE_MM R_MM */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = UINT64_C(0x853c49e6748fea9b);

static double uniform(void)
{
    state = state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    uint64_t z = state ^ (state >> 33);
    z *= UINT64_C(0xff51afd7ed558ccd);
    z ^= z >> 33;
    return (double)(z >> 11) * 0x1.0p-53;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    double side = atof(argv[1]), r = atof(argv[2]), cell = r / sqrt(2.0);
    long n = (long)ceil(side / cell);
    long *grid = malloc((size_t)(n * n) * sizeof *grid);
    size_t cap = (size_t)(2.0 * side * side / (r * r)) + 16;
    double *px = malloc(cap * sizeof *px), *py = malloc(cap * sizeof *py);
    size_t *active = malloc(cap * sizeof *active);
    if (!grid || !px || !py || !active)
        return 1;
    for (long i = 0; i < n * n; i++)
        grid[i] = -1;
    size_t count = 0, n_active = 0;
    px[0] = side * uniform();
    py[0] = side * uniform();
    grid[(long)(py[0] / cell) * n + (long)(px[0] / cell)] = 0;
    active[n_active++] = count++;
    while (n_active > 0) {
        size_t k = (size_t)(uniform() * n_active), i = active[k];
        int found = 0;
        for (int t = 0; t < 30 && !found; t++) {
            double ang = 2 * 3.14159265358979 * uniform(), rad = r * (1 + uniform());
            double x = px[i] + rad * cos(ang), y = py[i] + rad * sin(ang);
            if (x < 0 || y < 0 || x >= side || y >= side)
                continue;
            long gx = (long)(x / cell), gy = (long)(y / cell), ok = 1;
            for (long yy = gy - 2; yy <= gy + 2 && ok; yy++)
                for (long xx = gx - 2; xx <= gx + 2 && ok; xx++) {
                    if (xx < 0 || yy < 0 || xx >= n || yy >= n || grid[yy * n + xx] < 0)
                        continue;
                    long j = grid[yy * n + xx];
                    ok = (px[j] - x) * (px[j] - x) + (py[j] - y) * (py[j] - y) >= r * r;
                }
            if (!ok || count == cap)
                continue;
            px[count] = x;
            py[count] = y;
            grid[gy * n + gx] = (long)count;
            active[n_active++] = count++;
            found = 1;
        }
        if (!found)
            active[k] = active[--n_active];
    }
    printf("%zu\n", count);
    free(grid);
    free(px);
    free(py);
    free(active);
    return 0;
}
