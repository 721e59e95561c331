/* Live editing frames (issue 18): an editor drags a point 1 mm back and
 * forth; each frame regenerates the dots (a kept smpsim_generator) and
 * re-renders them over a 1280x800 photo (a kept smpsim_renderer, healed).
 * Cases, each the median and 90th percentile of FRAMES frames:
 *
 *   rectangle     400 x 250 mm at 60 dots/cm2 (60 000 dots), a corner dragged:
 *                 the baseline of the designs below
 *   fair-frontal  its hairline's mid-frontal point dragged
 *   crown         its feathered ellipse's centre dragged
 *   strip-scar    its scar line's first point dragged
 *
 * each with one thread (dots and renderer) and with the default (one per
 * online CPU). Targets: rectangle <= 8 ms median, <= 12 ms p90; each
 * design within 1.5x of the rectangle.
 *
 * Usage: bench-live PHOTO.png SAMPLES-DIR */
#include "sampling/sampling-private.h"

#include "bench-util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAMES 41

static void must(smpsim_status st, const smpsim_error *err)
{
    if (st != SMPSIM_OK) {
        fprintf(stderr, "bench-live: %s\n", err ? err->message : smpsim_strerror(st));
        exit(1);
    }
}

typedef struct frame_case {
    smpsim_design *design[2]; /* the point at rest and moved by 1 mm */
    smpsim_landmarks landmarks; /* hairline drags: the landmarks (design[1] unused) */
    smpsim_hairline_params params;
    int hairline;
    smpsim_generator *generator;
    smpsim_renderer *renderer;
    smpsim_image *photo, *work;
    smpsim_dots *dots;
    int frame;
} frame_case;

static void run_frame(frame_case *c)
{
    smpsim_error err = {0};
    smpsim_design *d = c->design[c->frame & 1];
    if (c->hairline) {
        d = c->design[0];
        c->landmarks.mid_frontal_mm = 80.0 + (c->frame & 1);
        must(smpsim_design_set_hairline_landmarks(d, &c->landmarks, &c->params, &err), &err);
    }
    c->frame++;
    smpsim_dots_free(c->dots);
    c->dots = NULL;
    must(smpsim_generator_dots(c->generator, d, &c->dots, &err), &err);
    memcpy(c->work->pixels, c->photo->pixels, c->photo->stride * c->photo->height);
    must(smpsim_renderer_render(c->renderer, c->work, smpsim_design_get_view(d), c->dots, &err),
         &err);
}

static void set_threads(frame_case *c, unsigned threads)
{
    for (int k = 0; k < 2; k++) {
        if (!c->design[k])
            continue;
        smpsim_dot_options o = *smpsim__design_dot_options(c->design[k]);
        o.threads = threads;
        must(smpsim_design_set_dot_options(c->design[k], &o, NULL), NULL);
    }
    smpsim_render_options ro;
    smpsim_render_options_init(&ro);
    ro.state = SMPSIM_STATE_HEALED;
    ro.threads = threads;
    smpsim_renderer_free(c->renderer);
    c->renderer = NULL;
    must(smpsim_renderer_new(&ro, &c->renderer, NULL), NULL);
}

static double cpu_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Median and 90th percentile of FRAMES frames' wall time, in seconds, and
 * the median CPU time of a frame (all threads; on a loaded machine the
 * wall time also holds the waits for a core). */
static void time_frames(frame_case *c, double *median, double *p90, double *cpu)
{
    double t[FRAMES], u[FRAMES];
    for (int i = 0; i < 3; i++)
        run_frame(c); /* warm */
    for (int i = 0; i < FRAMES; i++) {
        double t0 = bench_now_s(), u0 = cpu_now_s();
        run_frame(c);
        t[i] = bench_now_s() - t0;
        u[i] = cpu_now_s() - u0;
    }
    qsort(t, FRAMES, sizeof *t, bench_cmp_double);
    qsort(u, FRAMES, sizeof *u, bench_cmp_double);
    *median = t[FRAMES / 2];
    *p90 = t[(FRAMES * 9) / 10];
    *cpu = u[FRAMES / 2];
}

static smpsim_image *tiled_photo(const char *path, uint32_t width, uint32_t height)
{
    smpsim_image *src = NULL, *big = NULL;
    smpsim_error err = {0};
    must(smpsim_image_load(path, NULL, &src, &err), &err);
    must(smpsim_image_new(width, height, src->format, &big, &err), &err);
    size_t px = src->format == SMPSIM_RGBA16 ? 8 : 4;
    for (uint32_t y = 0; y < height; y++)
        for (uint32_t x = 0; x < width; x++)
            memcpy((char *)big->pixels + y * big->stride + x * px,
                   (char *)src->pixels + (y % src->height) * src->stride + (x % src->width) * px,
                   px);
    smpsim_image_free(src);
    return big;
}

/* A design file, and the same with the first coordinate of its first
 * region (an ellipse's centre, a line's or polygon's first point) 1 mm to
 * the right. */
static void load_pair(const char *path, frame_case *c)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        fprintf(stderr, "bench-live: %s: %s\n", path, jerr.text);
        exit(1);
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    smpsim_error err = {0};
    for (int k = 0; k < 2; k++) {
        if (k == 1) {
            json_t *r = json_array_get(json_object_get(root, "regions"), 0);
            json_t *at = json_object_get(r, "center_mm");
            if (!at)
                at = json_array_get(json_object_get(r, "points_mm"), 0);
            json_t *x = json_array_get(at, 0);
            if (!x) {
                fprintf(stderr, "bench-live: %s: no first point to drag\n", path);
                exit(1);
            }
            json_array_set_new(at, 0, json_real(json_number_value(x) + 1.0));
        }
        char *text = json_dumps(root, 0);
        must(smpsim_design_load_string(text, dir, NULL, &c->design[k], &err), &err);
        free(text);
    }
    json_decref(root);
}

static void report(const char *name, frame_case *c, double base_median[2])
{
    static const unsigned threads[] = {1, 0};
    double median[2], p90[2], cpu[2];
    for (int t = 0; t < 2; t++) {
        set_threads(c, threads[t]);
        time_frames(c, &median[t], &p90[t], &cpu[t]);
    }
    if (base_median[0] == 0.0)
        base_median[0] = median[0], base_median[1] = median[1];
    printf("live-frame  %s, %zu dots: default threads median %.2f ms, p90 %.2f ms (CPU %.2f "
           "ms); 1 thread median %.2f ms, p90 %.2f ms (CPU %.2f ms), %.2fx the default; "
           "%.2fx the rectangle\n",
           name, c->dots->count, median[1] * 1e3, p90[1] * 1e3, cpu[1] * 1e3, median[0] * 1e3,
           p90[0] * 1e3, cpu[0] * 1e3, median[0] / median[1], median[1] / base_median[1]);
    fflush(stdout);
}

static void finish(frame_case *c)
{
    smpsim_generator_free(c->generator);
    smpsim_renderer_free(c->renderer);
    smpsim_dots_free(c->dots);
    smpsim_design_free(c->design[0]);
    smpsim_design_free(c->design[1]);
    memset(c, 0, sizeof *c);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench-live PHOTO.png SAMPLES-DIR\n");
        return 2;
    }
    printf("smpsim %s live frames (medians and 90th percentiles of %d frames; ratios against "
           "the rectangle in the same run)\n",
           smpsim_version(), FRAMES);
    smpsim_image *photo = tiled_photo(argv[1], 1280, 800), *work = NULL;
    must(smpsim_image_copy(photo, &work, NULL), NULL);
    double base[2] = {0.0, 0.0};

    /* 1280 x 800 at 3.2 px/mm = 400 x 250 mm = 1000 cm2 at 60 dots/cm2 */
    frame_case c = {0};
    smpsim_view view = smpsim_view_flat(3.2);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 60;
    for (int k = 0; k < 2; k++) {
        double area[] = {0, 0, 400 + k, 0, 400, 250, 0, 250};
        must(smpsim_design_new(&c.design[k], NULL), NULL);
        must(smpsim_design_set_view(c.design[k], &view, NULL), NULL);
        must(smpsim_design_add_polygon(c.design[k], area, 4, SMPSIM_UNITS_MM, &p, NULL), NULL);
    }
    c.photo = photo, c.work = work;
    must(smpsim_generator_new(&c.generator, NULL), NULL);
    report("rectangle", &c, base);
    finish(&c);

    static const char *const designs[] = {"fair-frontal", "crown", "strip-scar"};
    for (int k = 0; k < 3; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/designs/%s.json", argv[2], designs[k]);
        load_pair(path, &c);
        if (k == 0) { /* fair-frontal: the hairline (80/12 mm landmarks, 10 mm transition) */
            c.hairline = 1;
            smpsim_landmarks_init(&c.landmarks);
            c.landmarks.mid_frontal_mm = 80;
            c.landmarks.recession_mm = 12;
            smpsim_hairline_params_init(&c.params);
            c.params.transition_mm = 10;
        }
        c.photo = photo, c.work = work;
        must(smpsim_generator_new(&c.generator, NULL), NULL);
        char name[64];
        snprintf(name, sizeof name, "%s%s", designs[k], k == 0 ? " (hairline)" : "");
        report(name, &c, base);
        finish(&c);
    }
    smpsim_image_free(work);
    smpsim_image_free(photo);
    return 0;
}
