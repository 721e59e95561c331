/* Renders the pictures of docs/sampling.md and prints the figures quoted
 * there, using only the public API:
 *
 *   sampling-figures OUTDIR
 *
 * OUTDIR/sampling-patch.png     20x20 mm at 100 dots/cm2, fast | best
 * OUTDIR/sampling-ramp.png      60x15 mm, density 0 -> 120 dots/cm2
 * OUTDIR/sampling-groups.png    12x12 mm, follicle groups, close-up
 * OUTDIR/sampling-spectrum.png  power spectra (fast | best | white noise) */
#include <smpsim/smpsim.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(smpsim_status st, const smpsim_error *err, const char *what)
{
    if (st == SMPSIM_OK)
        return;
    fprintf(stderr, "sampling-figures: %s: %s\n", what, err->message);
    exit(1);
}

static smpsim_field *uniform_field(double w_mm, double h_mm, double density)
{
    smpsim_error err = {0};
    smpsim_field *f = NULL;
    check(smpsim_field_new((uint32_t)(w_mm / 0.25), (uint32_t)(h_mm / 0.25), 0, 0, 0.25, &f,
                           &err),
          &err, "field");
    check(smpsim_field_ramp(f, 0, 0, density, 1, 0, density, SMPSIM_FIELD_SET, &err), &err,
          "fill");
    return f;
}

static smpsim_dots *sample(const smpsim_field *f, smpsim_sample_mode mode, uint64_t seed)
{
    smpsim_error err = {0};
    smpsim_sample_options o;
    smpsim_sample_options_init(&o);
    o.mode = mode;
    smpsim_dots *dots = NULL;
    check(smpsim_sample(f, seed, &o, &dots, &err), &err, "sample");
    return dots;
}

/* Dark dots on white at px_per_mm, placed at ox (px); only the dots whose
 * x lies in [x0, x1) mm. diameter > 0 overrides the dots' own. */
static void draw(smpsim_image *im, const smpsim_dots *dots, double px_per_mm, double ox,
                 double x0, double x1, double diameter)
{
    smpsim_error err = {0};
    smpsim_view v = smpsim_view_flat(px_per_mm);
    v.offset_x_px = ox - x0 * px_per_mm;
    smpsim_dots copy = *dots;
    smpsim_dot *d = malloc((dots->count + 1) * sizeof *d);
    copy.count = 0;
    for (size_t i = 0; i < dots->count; i++) {
        if (dots->dots[i].x_mm < x0 || dots->dots[i].x_mm >= x1)
            continue;
        smpsim_dot *o = &d[copy.count++];
        *o = dots->dots[i];
        if (diameter > 0)
            o->diameter_mm = (float)diameter;
        if (o->shade == 0)
            o->shade = 9;
    }
    copy.dots = d;
    check(smpsim_render_dots(im, &v, &copy, NULL, &err), &err, "render");
    free(d);
}

static smpsim_image *white(uint32_t w, uint32_t h)
{
    smpsim_error err = {0};
    smpsim_image *im = NULL;
    check(smpsim_image_new(w, h, SMPSIM_RGBA8, &im, &err), &err, "image");
    memset(im->pixels, 255, im->stride * im->height);
    return im;
}

static void save(const smpsim_image *im, const char *dir, const char *name)
{
    char path[1024];
    smpsim_error err = {0};
    snprintf(path, sizeof path, "%s/%s", dir, name);
    check(smpsim_image_save_png(im, path, NULL, &err), &err, path);
    printf("wrote %s\n", path);
}

static void quality(const char *label, const smpsim_dots *d, double side, double expected)
{
    double m = side * 0.1, mean, cv;
    smpsim_measure_nn(d, m, m, side - m, side - m, &mean, &cv);
    printf("%-6s %8zu dots (%+.2f %% vs %.0f)  rho %.3f  NN mean %.3f mm  CV %.3f\n", label,
           d->count, 100.0 * (d->count / expected - 1), expected,
           smpsim_measure_rho(d, m, m, side - m, side - m), mean, cv);
}

static void patch(const char *dir)
{
    smpsim_field *f = uniform_field(100, 100, 100);
    smpsim_dots *fast = sample(f, SMPSIM_SAMPLE_FAST, 1), *best = sample(f, SMPSIM_SAMPLE_BEST, 1);
    puts("uniform 100x100 mm at 100 dots/cm2 (inner 80x80 mm measured):");
    quality("fast", fast, 100, 10000);
    quality("best", best, 100, 10000);
    /* The picture: the top-left 20x20 mm of each, side by side. */
    smpsim_image *im = white(2 * 400 + 20, 400);
    draw(im, fast, 20, 0, 0, 20, 0.25);
    draw(im, best, 20, 420, 0, 20, 0.25);
    for (uint32_t y = 0; y < im->height; y++)
        for (uint32_t x = 400; x < 420; x++)
            memset((uint8_t *)im->pixels + y * im->stride + x * 4, 200, 3);
    save(im, dir, "sampling-patch.png");
    smpsim_image_free(im);
    smpsim_dots_free(fast);
    smpsim_dots_free(best);
    smpsim_field_free(f);
}

static void ramp(const char *dir)
{
    smpsim_error err = {0};
    smpsim_field *f = uniform_field(60, 100, 0);
    check(smpsim_field_ramp(f, 0, 0, 0, 60, 0, 120, SMPSIM_FIELD_SET, &err), &err, "ramp");
    puts("ramp 0 -> 120 dots/cm2 over 60 mm (100 mm tall), measured in 5 mm bins:");
    for (int mode = SMPSIM_SAMPLE_FAST; mode <= SMPSIM_SAMPLE_BEST; mode++) {
        smpsim_dots *d = sample(f, (smpsim_sample_mode)mode, 2);
        printf("  %s:", mode == SMPSIM_SAMPLE_FAST ? "fast" : "best");
        double worst = 0;
        for (int b = 0; b < 12; b++) {
            double want = 120.0 * (b * 5 + 2.5) / 60.0;
            double got = smpsim_measure_count(d, b * 5, 0, b * 5 + 5, 100, 0) / 5.0;
            printf(" %.0f/%.0f", got, want);
            if (b >= 2)
                worst = fmax(worst, fabs(got / want - 1));
        }
        printf("  (worst from 10 mm on: %.1f %%)\n", 100 * worst);
        if (mode == SMPSIM_SAMPLE_FAST) {
            smpsim_image *im = white(60 * 15, 15 * 15);
            draw(im, d, 15, 0, 0, 60, 0.25);
            save(im, dir, "sampling-ramp.png");
            smpsim_image_free(im);
        }
        smpsim_dots_free(d);
    }
    smpsim_field_free(f);
}

static void groups(const char *dir)
{
    smpsim_error err = {0};
    smpsim_design *design = NULL;
    check(smpsim_design_new(&design, &err), &err, "design");
    double sq[] = {0, 0, 40, 0, 40, 40, 0, 40};
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 110;
    p.dot_diameter_mm = 0.2;
    p.shade = 8;
    check(smpsim_design_add_polygon(design, sq, 4, SMPSIM_UNITS_MM, &p, &err), &err, "polygon");
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.groups = 1;
    check(smpsim_design_set_dot_options(design, &o, &err), &err, "options");
    smpsim_dots *d = NULL;
    check(smpsim_design_dots(design, &d, &err), &err, "dots");
    double share[5];
    size_t n = smpsim_measure_groups(d, share);
    printf("groups: %zu dots in %zu groups over 16 cm2 (%.1f dots/cm2); 1: %.1f %%  2: %.1f %%  "
           "3: %.1f %%  4: %.1f %%\n",
           d->count, n, d->count / 16.0, 100 * share[0], 100 * share[1], 100 * share[2],
           100 * share[3]);
    smpsim_image *im = white(12 * 40, 12 * 40);
    draw(im, d, 40, 0, 14, 26, 0);
    save(im, dir, "sampling-groups.png");
    smpsim_image_free(im);
    smpsim_dots_free(d);
    smpsim_design_free(design);
}

/* log-scaled 2-D power, DC in the centre, cropped to +-2.5 f0. */
static void draw_spectrum(smpsim_image *im, const smpsim_spectrum *s, uint32_t ox, uint32_t side)
{
    double f_unit = 1.0 / s->window_mm / s->f0_per_mm;
    for (uint32_t y = 0; y < side; y++) {
        for (uint32_t x = 0; x < side; x++) {
            double fx = ((x + 0.5) / side - 0.5) * 5.0, fy = ((y + 0.5) / side - 0.5) * 5.0;
            long kx = lround(fx / f_unit) + (long)s->size / 2, ky = lround(fy / f_unit) + (long)s->size / 2;
            double p = 0; /* averaged over the 3x3 frequency samples around */
            int n = 0;
            for (long dy = -1; dy <= 1; dy++)
                for (long dx = -1; dx <= 1; dx++)
                    if (kx + dx >= 0 && ky + dy >= 0 && kx + dx < (long)s->size &&
                        ky + dy < (long)s->size) {
                        p += s->power[(size_t)(ky + dy) * s->size + (size_t)(kx + dx)];
                        n++;
                    }
            p = n ? p / n : 0;
            double v = fmin(fmax((log10(p + 1e-3) + 1.5) / 2.2, 0.0), 1.0);
            uint8_t *px = (uint8_t *)im->pixels + y * im->stride + (ox + x) * 4;
            px[0] = px[1] = px[2] = (uint8_t)(255 * (1 - v));
        }
    }
}

static void spectrum(const char *dir)
{
    smpsim_error err = {0};
    smpsim_field *f = uniform_field(300, 300, 100);
    smpsim_dots *sets[3] = {sample(f, SMPSIM_SAMPLE_FAST, 3), sample(f, SMPSIM_SAMPLE_BEST, 3),
                            NULL};
    /* white noise for comparison */
    check(smpsim_dots_new(90000, &sets[2], &err), &err, "dots");
    srand(1);
    for (size_t i = 0; i < 90000; i++) {
        smpsim_dot d = {(float)(300.0 * rand() / RAND_MAX), (float)(300.0 * rand() / RAND_MAX),
                        0.2f, 5, 0, 0, 0};
        check(smpsim_dots_append(sets[2], &d, &err), &err, "append");
    }
    const char *names[3] = {"fast", "best", "white"};
    smpsim_image *im = white(3 * 256 + 40, 256);
    puts("spectra (fast mode's tile is 256 mm at 100/cm2):");
    for (int k = 0; k < 3; k++) {
        smpsim_spectrum *s = NULL;
        check(smpsim_measure_spectrum(sets[k], 0, 0, 300, &s, &err), &err, "spectrum");
        printf("  %-5s 300 mm window: low-frequency (< 0.5 f0) mean %.3f max %.3f\n", names[k],
               s->low_mean, s->low_max);
        smpsim_spectrum_free(s);
        check(smpsim_measure_spectrum(sets[k], 0, 0, 150, &s, &err), &err, "spectrum");
        printf("  %-5s 150 mm window:", names[k]);
        printf(" low-frequency mean %.3f max %.3f; anisotropy %.2f dB\n", s->low_mean,
               s->low_max, s->mean_anisotropy_db);
        double peak = 0, at = 0;
        for (size_t b = 0; b < s->n_bins; b++)
            if (s->radial[b] > peak)
                peak = s->radial[b], at = (b + 0.5) * s->bin_width;
        printf("         radial peak %.2f at %.2f f0\n", peak, at);
        draw_spectrum(im, s, (uint32_t)k * 276, 256);
        smpsim_spectrum_free(s);
        smpsim_dots_free(sets[k]);
    }
    save(im, dir, "sampling-spectrum.png");
    smpsim_image_free(im);
    smpsim_field_free(f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sampling-figures OUTDIR\n");
        return 2;
    }
    patch(argv[1]);
    ramp(argv[1]);
    groups(argv[1]);
    spectrum(argv[1]);
    return 0;
}
