/* Rendering benchmarks (issue 5). Each case is a median of several runs,
 * printed with its ratio to a baseline measured in the same process:
 *
 *   composite    60k dots into a 12-MP RGBA8 image: smpsim vs cairo_arc +
 *                cairo_fill per dot on the same image (target >= 10x and
 *                >= 3 million dots/s)
 *   preview      decode a 12-MP PNG, generate 60k dots, render, encode PNG
 *                vs decode + encode alone (target <= 1.3x)
 *   memory       peak resident memory of that preview in a child process,
 *                against the decoded photo's size (target <= 3x)
 *   interactive  1280x800, 60k dots: regenerate (a kept smpsim_generator, and
 *                smpsim_design_dots) + re-render (target 16 ms); run first;
 *                the sampler and the renderer are timed separately
 *   design drag  a sample design on its own photo (fair-frontal, head view):
 *                its hairline dragged 1 mm up and down between frames,
 *                regenerate (kept generator) + re-render, fresh and healed
 *
 * Usage: bench-render PHOTO.png [DESIGN.json DESIGN-PHOTO.png]
 *        (meson benchmark passes a sample photo and a sample design)
 *        bench-render --peak-child FILE.png MODE   (internal: one preview) */
#include "render/render-private.h" /* the redness halo radius, for the cairo baseline */

#include "bench-util.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 7
#define N_DOTS 60000


static void must(smpsim_status st, const smpsim_error *err)
{
    if (st != SMPSIM_OK) {
        fprintf(stderr, "bench-render: %s\n", err ? err->message : smpsim_strerror(st));
        exit(1);
    }
}

/* The photo tiled to width x height, so that codecs see photo content. */
static smpsim_image *tiled_photo(const char *path, uint32_t width, uint32_t height)
{
    smpsim_image *src = NULL, *big = NULL;
    smpsim_error err = {0};
    must(smpsim_image_load(path, NULL, &src, &err), &err);
    must(smpsim_image_new(width, height, src->format, &big, &err), &err);
    size_t bpp = src->format == SMPSIM_RGBA16 ? 8 : 4;
    for (uint32_t y = 0; y < big->height; y++) {
        /* mirror-tile so that seams do not help the PNG encoder */
        uint32_t ty = y / src->height, sy = y % src->height;
        sy = ty % 2 ? src->height - 1 - sy : sy;
        for (uint32_t x = 0; x < big->width; x++) {
            uint32_t tx = x / src->width, sx = x % src->width;
            sx = tx % 2 ? src->width - 1 - sx : sx;
            memcpy((char *)big->pixels + y * big->stride + x * bpp,
                   (char *)src->pixels + sy * src->stride + sx * bpp, bpp);
        }
    }
    smpsim_image_free(src);
    return big;
}

static smpsim_dots *random_dots(double w_mm, double h_mm, size_t n, double diameter_mm)
{
    smpsim_dots *dots = NULL;
    must(smpsim_dots_new(n, &dots, NULL), NULL);
    smpsim__rng rng;
    smpsim__rng_seed(&rng, 3);
    for (size_t i = 0; i < n; i++) {
        smpsim_dot d = {(float)(w_mm * smpsim__rng_uniform(&rng)),
                        (float)(h_mm * smpsim__rng_uniform(&rng)), (float)diameter_mm, 5.0f, 1,
                        1, 0};
        dots->dots[dots->count++] = d;
    }
    return dots;
}

/* ---- composite ------------------------------------------------------------ */

typedef struct composite_case {
    smpsim_image *image;
    smpsim_dots *dots;
    smpsim_view view;
    smpsim_renderer *renderer; /* NULL: the one-call smpsim_render_dots() */
} composite_case;

static void run_ours(void *arg)
{
    composite_case *c = arg;
    smpsim_error err = {0};
    if (c->renderer)
        must(smpsim_renderer_render(c->renderer, c->image, &c->view, c->dots, &err), &err);
    else
        must(smpsim_render_dots(c->image, &c->view, c->dots, NULL, &err), &err);
}

static void run_cairo(void *arg)
{
    composite_case *c = arg;
    cairo_surface_t *s = cairo_image_surface_create_for_data(
        c->image->pixels, CAIRO_FORMAT_ARGB32, (int)c->image->width, (int)c->image->height,
        (int)c->image->stride);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgba(cr, 0.1, 0.1, 0.12, 0.8);
    for (size_t i = 0; i < c->dots->count; i++) {
        const smpsim_dot *d = &c->dots->dots[i];
        double x, y;
        smpsim_view_to_px(&c->view, d->x_mm, d->y_mm, &x, &y);
        cairo_arc(cr, x, y, d->diameter_mm * 0.5 * c->view.px_per_mm, 0, 2 * 3.14159265358979);
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* The fresh state in cairo: each dot over a faint redness halo drawn as a
 * radial gradient (the same radius as smpsim's, pigment.c). */
static void run_cairo_halos(void *arg)
{
    composite_case *c = arg;
    cairo_surface_t *s = cairo_image_surface_create_for_data(
        c->image->pixels, CAIRO_FORMAT_ARGB32, (int)c->image->width, (int)c->image->height,
        (int)c->image->stride);
    cairo_t *cr = cairo_create(s);
    for (size_t i = 0; i < c->dots->count; i++) {
        const smpsim_dot *d = &c->dots->dots[i];
        double x, y, r = d->diameter_mm * 0.5 * c->view.px_per_mm;
        smpsim_view_to_px(&c->view, d->x_mm, d->y_mm, &x, &y);
        double halo = smpsim__redness_radius_px(r, c->view.px_per_mm);
        cairo_pattern_t *g = cairo_pattern_create_radial(x, y, 0, x, y, halo);
        cairo_pattern_add_color_stop_rgba(g, 0, 0.8, 0.2, 0.2, 0.1);
        cairo_pattern_add_color_stop_rgba(g, 1, 0.8, 0.2, 0.2, 0.0);
        cairo_set_source(cr, g);
        cairo_arc(cr, x, y, halo, 0, 2 * 3.14159265358979);
        cairo_fill(cr);
        cairo_pattern_destroy(g);
        cairo_set_source_rgba(cr, 0.1, 0.1, 0.12, 0.8);
        cairo_arc(cr, x, y, r, 0, 2 * 3.14159265358979);
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void bench_composite(void)
{
    /* 4000 x 3000 px (12 MP) at 10 px/mm = 400 x 300 mm; 60k dots of 0.22 mm. */
    composite_case c = {0};
    c.view = smpsim_view_flat(10.0);
    must(smpsim_image_new(4000, 3000, SMPSIM_RGBA8, &c.image, NULL), NULL);
    memset(c.image->pixels, 200, c.image->stride * c.image->height);
    c.dots = random_dots(400, 300, N_DOTS, 0.22);
    double t_cairo = median_time(run_cairo, &c, RUNS);
    printf("render composite  baseline cairo_arc+fill: %7.1f ms  %10.0f dots/s\n", t_cairo * 1e3,
           N_DOTS / t_cairo);
    double t_once = median_time(run_ours, &c, RUNS);
    printf("render composite  smpsim_render_dots (as given): %7.1f ms  %10.0f dots/s  %6.2fx cairo\n",
           t_once * 1e3, N_DOTS / t_once, t_cairo / t_once);
    double t_halos = median_time(run_cairo_halos, &c, 3);
    printf("render composite  baseline cairo dots + gradient halos (fresh): %7.1f ms  %10.0f "
           "dots/s\n",
           t_halos * 1e3, N_DOTS / t_halos);
    static const char *const names[] = {"as given", "fresh (+redness halos)", "healed",
                                        "aged 5 y"};
    /* Each state on one thread (as cairo draws), then with the default
     * threads (one per CPU: bands of rows at once). */
    for (int state = 0; state <= 3; state++) {
        static const unsigned thread_choices[] = {1, 0};
        for (int k = 0; k < 2; k++) {
            smpsim_render_options o;
            smpsim_render_options_init(&o);
            o.state = state;
            o.threads = thread_choices[k];
            must(smpsim_renderer_new(&o, &c.renderer, NULL), NULL);
            double t = median_time(run_ours, &c, RUNS);
            printf("render composite  renderer, %-22s %zu thread%s %7.1f ms  %10.0f dots/s  "
                   "%6.2fx cairo",
                   names[state], smpsim__renderer_threads_used(c.renderer),
                   smpsim__renderer_threads_used(c.renderer) > 1 ? "s" : " ", t * 1e3, N_DOTS / t,
                   t_cairo / t);
            if (state == SMPSIM_STATE_FRESH)
                printf(" (%.2fx cairo with halos)", t_halos / t);
            printf("\n");
            smpsim_renderer_free(c.renderer);
            c.renderer = NULL;
        }
    }
    smpsim_dots_free(c.dots);
    smpsim_image_free(c.image);
}

/* ---- whole preview ----------------------------------------------------------- */

typedef struct mem_sink {
    unsigned char *data;
    size_t size, cap;
} mem_sink;

static int sink_write(void *closure, const void *data, size_t size)
{
    mem_sink *s = closure;
    if (s->size + size > s->cap) {
        size_t cap = s->cap ? s->cap : 1 << 20;
        while (cap < s->size + size)
            cap *= 2;
        unsigned char *grown = realloc(s->data, cap);
        if (!grown)
            return 1;
        s->data = grown;
        s->cap = cap;
    }
    memcpy(s->data + s->size, data, size);
    s->size += size;
    return 0;
}

typedef struct preview_case {
    const unsigned char *png;
    size_t png_size;
    int with_dots;
    size_t dots_made;
} preview_case;

/* 12 MP at 10 px/mm = 400 x 300 mm = 1200 cm2; 50 dots/cm2 = 60k dots. */
static void run_preview(void *arg)
{
    preview_case *c = arg;
    smpsim_error err = {0};
    smpsim_image *im = NULL;
    must(smpsim_image_load_memory(c->png, c->png_size, NULL, &im, &err), &err);
    if (c->with_dots) {
        smpsim_design *d = NULL;
        smpsim_dots *dots = NULL;
        must(smpsim_design_new(&d, &err), &err);
        smpsim_view view = smpsim_view_flat(10.0);
        must(smpsim_design_set_view(d, &view, &err), &err);
        smpsim_region_params p;
        smpsim_region_params_init(&p);
        p.density_per_cm2 = 50;
        p.dot_diameter_mm = 0.22;
        double area[] = {0, 0, 400, 0, 400, 300, 0, 300};
        must(smpsim_design_add_polygon(d, area, 4, SMPSIM_UNITS_MM, &p, &err), &err);
        must(smpsim_design_dots(d, &dots, &err), &err);
        smpsim_render_options o;
        smpsim_render_options_init(&o);
        o.state = SMPSIM_STATE_HEALED;
        must(smpsim_render_dots(im, &view, dots, &o, &err), &err);
        c->dots_made = dots->count;
        smpsim_dots_free(dots);
        smpsim_design_free(d);
    }
    mem_sink out = {0};
    must(smpsim_image_write_png_stream(im, sink_write, &out, NULL, &err), &err);
    free(out.data);
    smpsim_image_free(im);
}

/* Runs one preview in a child process and returns its peak RSS in bytes. */
static double child_peak(const char *self, const char *png_path, const char *mode)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl(self, self, "--peak-child", png_path, mode, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        getrusage(RUSAGE_CHILDREN, &ru) != 0)
        return -1;
    /* the largest of the children so far: run the smaller case first */
    return ru.ru_maxrss * 1024.0;
}

static int peak_child(const char *png_path, const char *mode)
{
    FILE *f = fopen(png_path, "rb");
    if (!f)
        return 1;
    mem_sink s = {0};
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (sink_write(&s, buf, n) != 0)
            return 1;
    fclose(f);
    preview_case c = {s.data, s.size, strcmp(mode, "dots") == 0, 0};
    run_preview(&c);
    free(s.data);
    return 0;
}

static void bench_preview(const char *self, const char *photo)
{
    smpsim_image *big = tiled_photo(photo, 4000, 3000);
    mem_sink png = {0};
    must(smpsim_image_write_png_stream(big, sink_write, &png, NULL, NULL), NULL);
    double decoded = (double)big->stride * big->height;
    smpsim_image_free(big);
    preview_case codecs = {png.data, png.size, 0, 0}, full = {png.data, png.size, 1, 0};
    double t_codecs = median_time(run_preview, &codecs, 5);
    double t_full = median_time(run_preview, &full, 5);
    printf("render preview 12 MP PNG (%.1f MB): decode+encode %6.0f ms; + %zu dots generated and "
           "rendered (healed) %6.0f ms   %5.2fx codecs (target <= 1.3x)\n",
           png.size / 1e6, t_codecs * 1e3, full.dots_made, t_full * 1e3, t_full / t_codecs);

    char path[] = "/tmp/smpsim-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, png.data, png.size) != (ssize_t)png.size) {
        printf("render memory (skipped: cannot write a temporary file)\n");
    } else {
        double peak_codecs = child_peak(self, path, "codecs");
        double peak_full = child_peak(self, path, "dots");
        printf("render memory peak RSS: decode+encode %5.0f MB, whole preview %5.0f MB; decoded "
               "photo %4.0f MB: %4.2fx (target <= 3x)\n",
               peak_codecs / 1e6, peak_full / 1e6, decoded / 1e6, peak_full / decoded);
    }
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    free(png.data);
}

/* ---- interactive ------------------------------------------------------------- */

typedef struct interactive_case {
    smpsim_design *design;
    smpsim_generator *generator;
    smpsim_image *photo, *work;
    smpsim_dots *dots;
    smpsim_renderer *renderer;
    smpsim_view view;
} interactive_case;

static void run_generate(void *arg)
{
    interactive_case *c = arg;
    smpsim_dots_free(c->dots);
    c->dots = NULL;
    smpsim_error err = {0};
    must(smpsim_design_dots(c->design, &c->dots, &err), &err);
}

static void run_generator(void *arg)
{
    interactive_case *c = arg;
    smpsim_dots_free(c->dots);
    c->dots = NULL;
    smpsim_error err = {0};
    must(smpsim_generator_dots(c->generator, c->design, &c->dots, &err), &err);
}

static void run_rerender(void *arg)
{
    interactive_case *c = arg;
    smpsim_error err = {0};
    memcpy(c->work->pixels, c->photo->pixels, c->photo->stride * c->photo->height);
    must(smpsim_renderer_render(c->renderer, c->work, &c->view, c->dots, &err), &err);
}

static void run_copy(void *arg)
{
    interactive_case *c = arg;
    memcpy(c->work->pixels, c->photo->pixels, c->photo->stride * c->photo->height);
}

static void bench_interactive(const char *photo)
{
    /* 1280 x 800 at 3.2 px/mm = 400 x 250 mm = 1000 cm2 at 60 dots/cm2. */
    interactive_case c = {0};
    smpsim_error err = {0};
    c.photo = tiled_photo(photo, 1280, 800);
    must(smpsim_image_copy(c.photo, &c.work, &err), &err);
    c.view = smpsim_view_flat(3.2);
    must(smpsim_design_new(&c.design, &err), &err);
    must(smpsim_design_set_view(c.design, &c.view, &err), &err);
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = 60;
    double area[] = {0, 0, 400, 0, 400, 250, 0, 250};
    must(smpsim_design_add_polygon(c.design, area, 4, SMPSIM_UNITS_MM, &p, &err), &err);
    smpsim_render_options o;
    smpsim_render_options_init(&o);
    o.state = SMPSIM_STATE_HEALED;
    must(smpsim_renderer_new(&o, &c.renderer, &err), &err);
    must(smpsim_generator_new(&c.generator, &err), &err);
    /* Run first in the process, as in an editor: without earlier large
     * allocations, freed memory goes back to the system and a fresh field
     * costs page faults; a kept generator reuses its own. */
    double t_once = median_time(run_generate, &c, RUNS);
    double t_gen = median_time(run_generator, &c, RUNS);
    double t_copy = median_time(run_copy, &c, RUNS);
    double t_render = median_time(run_rerender, &c, RUNS);
    printf("render interactive 1280x800, %zu dots: regenerate %6.2f ms (generator kept; %6.2f ms "
           "with smpsim_design_dots), restore photo + re-render %5.2f ms (copy alone %4.2f ms), "
           "total %6.2f ms = %4.2fx the 16 ms budget\n",
           c.dots->count, t_gen * 1e3, t_once * 1e3, t_render * 1e3, t_copy * 1e3,
           (t_gen + t_render) * 1e3, (t_gen + t_render) / 0.016);
    smpsim_generator_free(c.generator);
    smpsim_renderer_free(c.renderer);
    smpsim_dots_free(c.dots);
    smpsim_design_free(c.design);
    smpsim_image_free(c.work);
    smpsim_image_free(c.photo);
}

/* ---- a real design, its hairline dragged ---------------------------------- */

typedef struct drag_case {
    interactive_case c;
    smpsim_landmarks landmarks;
    smpsim_hairline_params params;
    int frame;
} drag_case;

/* One editor frame: the mid-frontal point moves by 1 mm (up on even frames,
 * back on odd ones), the dots are regenerated (and the photo re-rendered). */
static void run_drag_regenerate(void *arg)
{
    drag_case *d = arg;
    smpsim_error err = {0};
    d->landmarks.mid_frontal_mm = 80.0 + (d->frame++ & 1);
    must(smpsim_design_set_hairline_landmarks(d->c.design, &d->landmarks, &d->params, &err),
         &err);
    run_generator(&d->c);
}

static void run_drag_frame(void *arg)
{
    run_drag_regenerate(arg);
    run_rerender(&((drag_case *)arg)->c);
}

/* The design's hairline must be fair-frontal's: landmarks 80 mm / 12 mm
 * recession, 10 mm transition (checked: the first frame's dots must equal
 * those of the design as loaded). */
static void bench_design_drag(const char *design_path, const char *photo_path)
{
    drag_case d = {0};
    smpsim_error err = {0};
    must(smpsim_design_load(design_path, NULL, &d.c.design, &err), &err);
    must(smpsim_image_load(photo_path, NULL, &d.c.photo, &err), &err);
    must(smpsim_image_copy(d.c.photo, &d.c.work, &err), &err);
    d.c.view = *smpsim_design_get_view(d.c.design);
    smpsim_landmarks_init(&d.landmarks);
    d.landmarks.mid_frontal_mm = 80;
    d.landmarks.recession_mm = 12;
    smpsim_hairline_params_init(&d.params);
    d.params.transition_mm = 10;
    smpsim_dots *as_loaded = NULL;
    must(smpsim_design_dots(d.c.design, &as_loaded, &err), &err);
    must(smpsim_generator_new(&d.c.generator, &err), &err);
    run_drag_regenerate(&d); /* frame 0: the loaded hairline again */
    if (d.c.dots->count != as_loaded->count ||
        memcmp(d.c.dots->dots, as_loaded->dots, as_loaded->count * sizeof *as_loaded->dots)) {
        fprintf(stderr, "bench-render: %s: hairline is not 80/12/10 mm landmarks\n", design_path);
        exit(1);
    }
    smpsim_dots_free(as_loaded);
    static const int states[] = {SMPSIM_STATE_FRESH, SMPSIM_STATE_HEALED};
    static const char *const names[] = {"fresh", "healed"};
    for (int s = 0; s < 2; s++) {
        smpsim_render_options o;
        smpsim_render_options_init(&o);
        o.state = states[s];
        must(smpsim_renderer_new(&o, &d.c.renderer, &err), &err);
        run_drag_frame(&d); /* warm: kernels, code table */
        double t_regen = median_time(run_drag_regenerate, &d, RUNS * 2);
        double t_frame = median_time(run_drag_frame, &d, RUNS * 2);
        printf("render design drag %s %ux%u, %zu dots, hairline dragged, %s: regenerate %5.2f ms, "
               "regenerate + restore photo + re-render %5.2f ms = %4.2fx the 16 ms budget\n",
               design_path, d.c.photo->width, d.c.photo->height, d.c.dots->count, names[s],
               t_regen * 1e3, t_frame * 1e3, t_frame / 0.016);
        smpsim_renderer_free(d.c.renderer);
        d.c.renderer = NULL;
    }
    smpsim_generator_free(d.c.generator);
    smpsim_dots_free(d.c.dots);
    smpsim_design_free(d.c.design);
    smpsim_image_free(d.c.work);
    smpsim_image_free(d.c.photo);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--peak-child") == 0)
        return peak_child(argv[2], argv[3]);
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: bench-render PHOTO.png [DESIGN.json DESIGN-PHOTO.png]\n");
        return 2;
    }
    printf("smpsim %s render benchmarks (medians; ratios against baselines run in the same "
           "process)\n",
           smpsim_version());
    bench_interactive(argv[1]); /* first: see above */
    if (argc == 4)
        bench_design_drag(argv[2], argv[3]);
    bench_composite();
    bench_preview(argv[0], argv[1]);
    return 0;
}
