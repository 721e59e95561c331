/* Timing helpers shared by the benchmark programs (header-only). */
#ifndef SMPSIM_BENCH_UTIL_H
#define SMPSIM_BENCH_UTIL_H

#include <stdlib.h>
#include <time.h>

#define BENCH_MAX_RUNS 16

static inline double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef void (*bench_fn)(void *arg);

/* The median wall time of `runs` calls (at most BENCH_MAX_RUNS). */
static inline double median_time(bench_fn fn, void *arg, int runs)
{
    double t[BENCH_MAX_RUNS];
    if (runs > BENCH_MAX_RUNS)
        runs = BENCH_MAX_RUNS;
    for (int i = 0; i < runs; i++) {
        double t0 = bench_now_s();
        fn(arg);
        t[i] = bench_now_s() - t0;
    }
    qsort(t, (size_t)runs, sizeof *t, bench_cmp_double);
    return t[runs / 2];
}

#endif
