/* Benchmarks: each case is timed several times and reported as a median,
 * next to a baseline measured in the same process, so that the ratio holds
 * on a shared, noisy machine.
 *
 *   sampler   smpsim_sample() (fast and best) vs a plain Bridson Poisson-disk
 *             sampler (k = 30), 10k / 100k / 1M dots, uniform and ramp; peak
 *             memory per dot
 *   png       PNG encoding at zlib level 1, 2, 3 vs zlib's default level 6
 *
 * Usage: bench-core [PHOTO.png]   (meson benchmark passes the sample photo) */
#include "sampling/sampling-private.h"

#include "bench-util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define RUNS 5


/* ---- sampler ------------------------------------------------------------ */

typedef struct sampler_case {
    smpsim_field *field;
    smpsim_sample_mode mode;
    size_t produced;
} sampler_case;

static void run_sampler(void *arg)
{
    sampler_case *c = arg;
    smpsim_sample_options o;
    smpsim_sample_options_init(&o);
    o.mode = c->mode;
    smpsim_dots *dots = NULL;
    if (smpsim_sample(c->field, 1, &o, &dots, NULL) != SMPSIM_OK)
        abort();
    c->produced = dots->count;
    smpsim_dots_free(dots);
}

/* Bridson 2007: active list, k = 30 tries in the annulus [r, 2r]. */
typedef struct bridson_case {
    double side_mm, r;
    size_t produced;
} bridson_case;

static void run_bridson(void *arg)
{
    bridson_case *c = arg;
    double cell = c->r / sqrt(2.0);
    long n = (long)ceil(c->side_mm / cell);
    long *grid = malloc((size_t)(n * n) * sizeof *grid);
    size_t cap = (size_t)(2.0 * c->side_mm * c->side_mm / (c->r * c->r)) + 16;
    double *px = malloc(cap * sizeof *px), *py = malloc(cap * sizeof *py);
    size_t *active = malloc(cap * sizeof *active);
    for (long i = 0; i < n * n; i++)
        grid[i] = -1;
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 1);
    size_t count = 0, n_active = 0;
    px[0] = c->side_mm * smpsim__rng_uniform(&rng);
    py[0] = c->side_mm * smpsim__rng_uniform(&rng);
    grid[(long)(py[0] / cell) * n + (long)(px[0] / cell)] = 0;
    active[n_active++] = count++;
    while (n_active > 0) {
        size_t k = (size_t)(smpsim__rng_uniform(&rng) * n_active), i = active[k];
        int found = 0;
        for (int t = 0; t < 30 && !found; t++) {
            double ang = 2 * 3.14159265358979 * smpsim__rng_uniform(&rng);
            double rad = c->r * (1 + smpsim__rng_uniform(&rng));
            double x = px[i] + rad * cos(ang), y = py[i] + rad * sin(ang);
            if (x < 0 || y < 0 || x >= c->side_mm || y >= c->side_mm)
                continue;
            long gx = (long)(x / cell), gy = (long)(y / cell), ok = 1;
            for (long yy = gy - 2; yy <= gy + 2 && ok; yy++)
                for (long xx = gx - 2; xx <= gx + 2 && ok; xx++) {
                    if (xx < 0 || yy < 0 || xx >= n || yy >= n || grid[yy * n + xx] < 0)
                        continue;
                    long j = grid[yy * n + xx];
                    ok = (px[j] - x) * (px[j] - x) + (py[j] - y) * (py[j] - y) >= c->r * c->r;
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
    c->produced = count;
    free(grid);
    free(px);
    free(py);
    free(active);
}

/* Peak memory of one sampler run, in bytes per dot, measured in a fresh
 * process (this program run again with --memory): the growth of its peak
 * resident size during sampling, after the field is built and a small
 * warm-up run has paged in the code and the tile table. */
static double bytes_per_dot(size_t target, int ramp, smpsim_sample_mode mode)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/proc/%ld/exe --memory %zu %d %d", (long)getpid(), target, ramp,
             (int)mode);
    FILE *p = popen(cmd, "r");
    double b = -1;
    if (!p)
        return -1;
    if (fscanf(p, "%lf", &b) != 1)
        b = -1;
    pclose(p);
    return b;
}

static smpsim_field *bench_field(size_t target, int ramp);

static int memory_case(size_t target, int ramp, int mode)
{
    sampler_case warm = {bench_field(100, 0), (smpsim_sample_mode)mode, 0};
    run_sampler(&warm);
    smpsim_field_free(warm.field);
    sampler_case c = {bench_field(target, ramp), (smpsim_sample_mode)mode, 0};
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    run_sampler(&c);
    getrusage(RUSAGE_SELF, &after);
    printf("%.2f\n", (after.ru_maxrss - before.ru_maxrss) * 1024.0 / (double)c.produced);
    smpsim_field_free(c.field);
    return 0;
}

/* A square of side sqrt(target) mm: uniform at 100 dots/cm2, or a ramp
 * from 20 to 180 dots/cm2 across it (the same expected count). */
static smpsim_field *bench_field(size_t target, int ramp)
{
    double side = sqrt((double)target);
    uint32_t cells = (uint32_t)ceil(side / 0.25);
    smpsim_field *f = NULL;
    if (smpsim_field_new(cells, cells, 0, 0, 0.25, &f, NULL) != SMPSIM_OK ||
        smpsim_field_ramp(f, 0, 0, ramp ? 20 : 100, side, 0, ramp ? 180 : 100, SMPSIM_FIELD_SET,
                          NULL) != SMPSIM_OK)
        abort();
    return f;
}

static void bench_sampler(size_t target, int ramp)
{
    /* Bridson's radius for the same mean density: maximal packings of radius
     * r hold about 0.70 / r^2 points per unit area. */
    bridson_case bc = {sqrt((double)target), sqrt(0.70 / 1.0), 0};
    int runs = target > 200000 ? 3 : RUNS;
    double t_base = median_time(run_bridson, &bc, runs);
    double base_rate = bc.produced / t_base;
    sampler_case sc = {bench_field(target, ramp), SMPSIM_SAMPLE_FAST, 0};
    for (int m = 0; m < 2; m++) {
        sc.mode = m == 0 ? SMPSIM_SAMPLE_FAST : SMPSIM_SAMPLE_BEST;
        if (sc.mode == SMPSIM_SAMPLE_BEST && target > 200000)
            continue; /* about 10 s a run: see docs/sampling.md */
        double t = median_time(run_sampler, &sc, sc.mode == SMPSIM_SAMPLE_BEST ? 3 : runs);
        double rate = sc.produced / t;
        printf("sampler  %-7s %-4s %8zu dots  %11.0f dots/s  bridson %9.0f dots/s  ratio %6.2fx"
               "  peak %5.1f B/dot\n",
               ramp ? "ramp" : "uniform", m == 0 ? "fast" : "best", sc.produced, rate, base_rate,
               rate / base_rate, bytes_per_dot(target, ramp, sc.mode));
    }
    smpsim_field_free(sc.field);
}

/* ---- PNG encoding ------------------------------------------------------- */

typedef struct png_case {
    const smpsim_image *image;
    int level;
    size_t bytes;
} png_case;

static int count_bytes(void *closure, const void *data, size_t size)
{
    (void)data;
    *(size_t *)closure += size;
    return 0;
}

static void run_png(void *arg)
{
    png_case *c = arg;
    smpsim_save_options o;
    smpsim_save_options_init(&o);
    o.compression_level = c->level;
    c->bytes = 0;
    if (smpsim_image_write_png_stream(c->image, count_bytes, &c->bytes, &o, NULL) != SMPSIM_OK)
        abort();
}

/* The photo tiled to about 12 MP, so the encoder sees photo content. */
static smpsim_image *tiled_photo(const char *path)
{
    smpsim_image *src = NULL, *big = NULL;
    if (smpsim_image_load(path, NULL, &src, NULL) != SMPSIM_OK)
        return NULL;
    if (smpsim_image_new(4000, 3000, src->format, &big, NULL) != SMPSIM_OK)
        abort();
    size_t bpp = src->format == SMPSIM_RGBA16 ? 8 : 4;
    for (uint32_t y = 0; y < big->height; y++) {
        uint32_t sy = y % src->height;
        for (uint32_t x = 0; x < big->width; x++) {
            uint32_t sx = x % src->width;
            memcpy((char *)big->pixels + y * big->stride + x * bpp,
                   (char *)src->pixels + sy * src->stride + sx * bpp, bpp);
        }
    }
    smpsim_image_free(src);
    return big;
}

static void bench_png(const char *photo)
{
    smpsim_image *img = tiled_photo(photo);
    if (!img) {
        printf("png      (skipped: cannot load %s)\n", photo);
        return;
    }
    png_case base = {img, 6, 0};
    double t_base = median_time(run_png, &base, 3);
    printf("png      12 MP photo, zlib level 6 (zlib default): %6.0f ms, %5.1f MB\n",
           t_base * 1e3, base.bytes / 1e6);
    for (int level = 1; level <= 3; level++) {
        png_case c = {img, level, 0};
        double t = median_time(run_png, &c, 3);
        printf("png      level %d: %6.0f ms, %5.1f MB   %4.2fx faster, %+5.1f%% size\n", level,
               t * 1e3, c.bytes / 1e6, t_base / t, 100.0 * ((double)c.bytes / base.bytes - 1));
    }
    smpsim_image_free(img);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--memory") == 0)
        return memory_case((size_t)atol(argv[2]), atoi(argv[3]), atoi(argv[4]));
    printf("smpsim %s benchmarks (median of %d runs; ratios against baselines run "
           "in the same process)\n",
           smpsim_version(), RUNS);
    for (int ramp = 0; ramp < 2; ramp++) {
        bench_sampler(10000, ramp);
        bench_sampler(100000, ramp);
        bench_sampler(1000000, ramp);
    }
    if (argc > 1)
        bench_png(argv[1]);
    return 0;
}
