/* End-to-end dots (issue 18): `smpsim dots --width-mm S --height-mm S
 * --density 100 --format none` as a whole process (start, design, field,
 * sampler, attributes, exit) for 10 000, 100 000 and 1 000 000 dots,
 * against the plain Bridson program (tests/bridson.c, k = 30, the radius
 * giving about as many points) on the same square, both run RUNS times in
 * the same run, interleaved; medians. Also the time per dot at each size
 * (against 100 000, to show the growth is linear) and the peak memory per
 * dot (maximum resident set of the process / dots). The CLI runs with the
 * default threads (one per online CPU); bench-live compares one thread
 * with the default.
 *
 * Usage: bench-dots SMPSIM-CLI BRIDSON */
#define _DEFAULT_SOURCE /* wait4() */
#include "bench-util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNS 5

/* Runs argv with stdout and stderr to /dev/null; wall time in seconds,
 * *cpu the child's CPU time (user + system, all threads), *peak its maximum
 * resident set in bytes. */
static double run(char *const argv[], double *cpu, double *peak)
{
    fflush(stdout); /* not printed again by the child */
    double t0 = bench_now_s();
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench-dots: %s failed\n", argv[0]);
        exit(1);
    }
    *peak = ru.ru_maxrss * 1024.0;
    *cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    return bench_now_s() - t0;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench-dots SMPSIM-CLI BRIDSON\n");
        return 2;
    }
    static const size_t sizes[] = {10000, 100000, 1000000};
    /* Bridson's radius for about 1 point per mm2 (maximal Poisson-disk
     * packings hold ~0.70 / r^2 points per unit area) */
    const char *radius = "0.8367";
    printf("smpsim end-to-end dots (process start included; medians of %d runs, interleaved "
           "with the Bridson program)\n",
           RUNS);
    double per_dot_100k = 0.0, cpu_per_dot_100k = 0.0;
    for (size_t k = 0; k < 3; k++) {
        char side[32];
        snprintf(side, sizeof side, "%.4f", sqrt((double)sizes[k])); /* 100 dots/cm2 = 1/mm2 */
        char *ours[] = {argv[1], "dots", "--width-mm", side, "--height-mm", side, "--density",
                        "100", "--format", "none", NULL};
        char *base[] = {argv[2], side, (char *)radius, NULL};
        double t_ours[RUNS], t_base[RUNS], peak_ours[RUNS], peak_base[RUNS];
        double c_ours[RUNS], c_base[RUNS];
        for (int i = 0; i < RUNS; i++) {
            t_base[i] = run(base, &c_base[i], &peak_base[i]);
            t_ours[i] = run(ours, &c_ours[i], &peak_ours[i]);
        }
        double tb = median(t_base, RUNS), pb = median(peak_base, RUNS);
        double t = median(t_ours, RUNS), peak = median(peak_ours, RUNS);
        double cb = median(c_base, RUNS), c = median(c_ours, RUNS);
        double per_dot = t / sizes[k];
        if (sizes[k] == 100000)
            per_dot_100k = per_dot, cpu_per_dot_100k = c / sizes[k];
        printf("dots-e2e  %7zu dots: %8.1f ms (%6.1f ns/dot), Bridson %8.1f ms; CPU %7.1f ms, "
               "Bridson %8.1f ms (%.2fx); peak %6.1f MB = %5.1f B/dot (Bridson %5.1f B/dot); "
               "%.2fx Bridson\n",
               sizes[k], t * 1e3, per_dot * 1e9, tb * 1e3, c * 1e3, cb * 1e3, cb / c,
               peak / 1e6, peak / sizes[k], pb / sizes[k], tb / t);
        if (sizes[k] == 1000000)
            printf("dots-growth  time per dot at 1M against 100k (target <= 1.25x): CPU %.2fx, "
                   "wall %.2fx\n",
                   c / sizes[k] / cpu_per_dot_100k, per_dot / per_dot_100k);
        fflush(stdout);
    }
    return 0;
}
