/* Robustness: configurable limits refused with clear messages, wild values
 * that must not crash, many threads rendering at once exactly as one by one,
 * and files: unwritable places leave nothing behind and inputs never change.
 * (Corrupt images are in check-image.c and the fuzz corpora; the CLI's
 * refusal to write onto its input is in cli.sh.) */
#include "sampling/sampling-private.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h>

#include "test-files.h"

#define N_THREADS 8
#define NOBODY_ID 65534

static char tmpdir[64];

static void make_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/check-robust-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Removes the test's directory and one level of subdirectories. */
static void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return;
    char child[512];
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        if (unlink(child) != 0)
            remove_tree(child);
    }
    closedir(dir);
    rmdir(path);
}

static void remove_tmpdir(void)
{
    remove_tree(tmpdir);
}

static const char *tmp_path(const char *name)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", tmpdir, name);
    return p;
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void assert_message_has(const smpsim_error *err, const char *needle)
{
    ck_assert_msg(strstr(err->message, needle) != NULL, "message \"%s\" lacks \"%s\"",
                  err->message, needle);
}

/* ------------------------------------------------------------------------ */
/* In-memory PNGs                                                           */
/* ------------------------------------------------------------------------ */

typedef struct memory_sink {
    uint8_t *data;
    size_t size;
    size_t capacity;
} memory_sink;

/* Thread-safe: touches only the sink. Never calls ck_assert (which is not
 * meant for other threads); a failed allocation is reported as a failure. */
static int write_to_memory(void *closure, const void *data, size_t size)
{
    memory_sink *sink = closure;
    if (size > sink->capacity - sink->size) {
        size_t capacity = sink->capacity ? sink->capacity : 4096;
        while (size > capacity - sink->size)
            capacity *= 2;
        uint8_t *bigger = realloc(sink->data, capacity);
        if (!bigger)
            return -1;
        sink->data = bigger;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->size, data, size);
    sink->size += size;
    return 0;
}

/* A skin-like gradient with some texture, so that renders differ visibly. */
static smpsim_image *skin_image(smpsim_pixel_format format, uint32_t width, uint32_t height)
{
    smpsim_image *image = NULL;
    ck_assert_int_eq(smpsim_image_new(width, height, format, &image, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *row = (uint8_t *)image->pixels + (size_t)y * image->stride;
        for (uint32_t x = 0; x < width; x++) {
            unsigned base[3] = {200 + (x * 40) / width, 160 + (y * 40) / height, 140};
            for (unsigned c = 0; c < 3; c++) {
                unsigned v = base[c] - ((x * 7 + y * 13 + c * 5) % 11);
                if (format == SMPSIM_RGBA8) {
                    row[4 * x + c] = (uint8_t)v;
                } else {
                    uint16_t v16 = (uint16_t)(v * 257 + (x % 256));
                    memcpy(row + 8 * x + 2 * c, &v16, sizeof v16);
                }
            }
        }
    }
    return image;
}

static uint8_t *encode_png(const smpsim_image *image, size_t *size)
{
    memory_sink sink = {NULL, 0, 0};
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_msg(smpsim_image_write_png_stream(image, write_to_memory, &sink, NULL, &err) ==
                      SMPSIM_OK,
                  "%s", err.message);
    *size = sink.size;
    return sink.data;
}

/* ------------------------------------------------------------------------ */
/* Limits                                                                   */
/* ------------------------------------------------------------------------ */

START_TEST(test_max_file_bytes_is_applied_to_files_and_memory)
{
    smpsim_image *image = skin_image(SMPSIM_RGBA8, 20, 10);
    size_t size;
    uint8_t *png = encode_png(image, &size);
    const char *path = tmp_path("small.png");
    write_bytes(path, png, size);

    smpsim_load_options opts;
    smpsim_load_options_init(&opts);
    opts.max_file_bytes = size - 1;
    smpsim_image dummy, *loaded = &dummy;
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_int_eq(smpsim_image_load(path, &opts, &loaded, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_null(loaded);
    assert_message_has(&err, path);
    char limit[64];
    snprintf(limit, sizeof limit, "limit of %zu bytes", size - 1);
    assert_message_has(&err, limit);

    loaded = &dummy;
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_image_load_memory(png, size, &opts, &loaded, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_null(loaded);
    assert_message_has(&err, limit);

    opts.max_file_bytes = size; /* exactly the file: allowed */
    ck_assert_int_eq(smpsim_image_load(path, &opts, &loaded, NULL), SMPSIM_OK);
    smpsim_image_free(loaded);
    ck_assert_int_eq(smpsim_image_load_memory(png, size, &opts, &loaded, NULL), SMPSIM_OK);
    smpsim_image_free(loaded);
    free(png);
    smpsim_image_free(image);
}
END_TEST

/* Old callers whose options struct ends before max_file_bytes get the
 * default: the field reads as 0 whatever lies beyond their struct. */
START_TEST(test_max_file_bytes_defaults_for_older_callers)
{
    smpsim_image *image = skin_image(SMPSIM_RGBA8, 4, 4);
    size_t size;
    uint8_t *png = encode_png(image, &size);
    smpsim_load_options opts;
    memset(&opts, 0xff, sizeof opts);
    smpsim_load_options_init_(&opts, offsetof(smpsim_load_options, max_file_bytes));
    ck_assert_uint_eq(opts.max_file_bytes, UINT64_MAX); /* untouched: beyond the old size */
    smpsim_image *loaded = NULL;
    ck_assert_int_eq(smpsim_image_load_memory(png, size, &opts, &loaded, NULL), SMPSIM_OK);
    smpsim_image_free(loaded);
    free(png);
    smpsim_image_free(image);
}
END_TEST

START_TEST(test_oversized_requests_are_refused_before_allocating)
{
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_field *field = (smpsim_field *)&err;
    ck_assert_int_eq(smpsim_field_new(1u << 16, 1u << 16, 0, 0, 0.25, &field, &err),
                     SMPSIM_ELIMIT);
    ck_assert_ptr_null(field);
    ck_assert_str_ne(err.message, "");
    smpsim_dots *dots = (smpsim_dots *)&err;
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_dots_new(SIZE_MAX, &dots, &err), SMPSIM_ELIMIT);
    ck_assert_ptr_null(dots);
    ck_assert_str_ne(err.message, "");
}
END_TEST

/* The end of the entropy-coded data that starts at `at`: the next marker
 * other than a stuffed 0xff00 or a restart marker. */
static size_t scan_end(const uint8_t *jpeg, size_t size, size_t at)
{
    for (; at + 1 < size; at++)
        if (jpeg[at] == 0xff && jpeg[at + 1] != 0 && (jpeg[at + 1] & 0xf8) != 0xd0)
            return at;
    return size;
}

/* A progressive JPEG whose first scan (DC, which decodes the same each
 * time) is repeated `repeats` more times: each copy is another pass over
 * the image for the decoder. */
static uint8_t *many_scan_jpeg(unsigned repeats, size_t *size)
{
    enum { SIDE = 256 };
    static uint8_t pixels[SIDE * SIDE * 3];
    for (size_t i = 0; i < sizeof pixels; i++)
        pixels[i] = (uint8_t)((i * 2654435761u) >> 13);
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned char *jpeg = NULL;
    unsigned long jpeg_size = 0;
    jpeg_mem_dest(&cinfo, &jpeg, &jpeg_size);
    cinfo.image_width = SIDE;
    cinfo.image_height = SIDE;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < SIDE) {
        JSAMPROW row = pixels + (size_t)cinfo.next_scanline * SIDE * 3;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    size_t sos = 2;
    while (sos + 3 < jpeg_size && !(jpeg[sos] == 0xff && jpeg[sos + 1] == 0xda))
        sos++;
    ck_assert_uint_lt(sos + 3, jpeg_size);
    size_t end = scan_end(jpeg, jpeg_size, sos + 2 + ((size_t)jpeg[sos + 2] << 8 | jpeg[sos + 3]));
    size_t scan = end - sos;
    uint8_t *out = malloc(jpeg_size + scan * repeats);
    ck_assert_ptr_nonnull(out);
    memcpy(out, jpeg, end);
    for (unsigned r = 0; r < repeats; r++)
        memcpy(out + end + r * scan, jpeg + sos, scan);
    memcpy(out + end + repeats * scan, jpeg + end, jpeg_size - end);
    *size = jpeg_size + scan * repeats;
    free(jpeg);
    return out;
}

START_TEST(test_jpeg_with_endless_scans_is_refused)
{
    size_t size;
    uint8_t *few = many_scan_jpeg(20, &size);
    smpsim_image *image = NULL;
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_msg(smpsim_image_load_memory(few, size, NULL, &image, &err) == SMPSIM_OK, "%s",
                  err.message);
    smpsim_image_free(image);
    free(few);
    uint8_t *many = many_scan_jpeg(2000, &size);
    double start = seconds_now();
    ck_assert_int_eq(smpsim_image_load_memory(many, size, NULL, &image, &err), SMPSIM_ELIMIT);
    ck_assert_double_lt(seconds_now() - start, 2.0);
    ck_assert_ptr_null(image);
    assert_message_has(&err, "more than 500 scans");
    free(many);
}
END_TEST

static smpsim_design *rectangle_design(double width_mm, double height_mm, double density)
{
    smpsim_design *design = NULL;
    ck_assert_int_eq(smpsim_design_new(&design, NULL), SMPSIM_OK);
    double xy[] = {0, 0, width_mm, 0, width_mm, height_mm, 0, height_mm};
    smpsim_region_params params;
    smpsim_region_params_init(&params);
    params.density_per_cm2 = density;
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_msg(smpsim_design_add_polygon(design, xy, 4, SMPSIM_UNITS_MM, &params, &err) ==
                      SMPSIM_OK,
                  "%s", err.message);
    return design;
}

/* 10 m x 10 m at 1000 dots/cm2 would be a billion dots: refused at once
 * with a message naming the limit, not after minutes of work. (Designs
 * just over the dot limit are refused by the sampler: see cli.sh.) */
START_TEST(test_huge_design_is_refused_quickly)
{
    const double sizes_mm[][2] = {{10000, 10000}, {3000, 2000}, {1e7, 0.5}, {0.5, 1e7}};
    for (size_t i = 0; i < sizeof sizes_mm / sizeof sizes_mm[0]; i++) {
        smpsim_design *design = rectangle_design(sizes_mm[i][0], sizes_mm[i][1], 1000);
        smpsim_dots *dots = (smpsim_dots *)design;
        smpsim_error err = {SMPSIM_OK, ""};
        double start = seconds_now();
        ck_assert_int_eq(smpsim_design_dots(design, &dots, &err), SMPSIM_ELIMIT);
        ck_assert_double_lt(seconds_now() - start, 2.0);
        ck_assert_ptr_null(dots);
        assert_message_has(&err, "limit");
        smpsim_design_free(design);
    }
}
END_TEST

static bool same_pixels(const smpsim_image *a, const smpsim_image *b)
{
    for (uint32_t y = 0; y < a->height; y++)
        if (memcmp((const uint8_t *)a->pixels + y * a->stride,
                   (const uint8_t *)b->pixels + y * b->stride, a->stride))
            return false;
    return true;
}

static smpsim_dot wild_dot(float x_mm, float y_mm, float diameter_mm, float shade)
{
    smpsim_dot d = {x_mm, y_mm, diameter_mm, shade, 0, 0, 0};
    return d;
}

/* Dots that cannot be seen (not finite, no size, far outside) are skipped
 * or refused as invalid; they never crash or touch pixels. */
START_TEST(test_render_survives_wild_dots)
{
    const float inf = INFINITY, nan = NAN;
    const smpsim_dot invisible[] = {
        wild_dot(nan, 5, 0.2f, 5),   wild_dot(5, inf, 0.2f, 5),    wild_dot(-inf, 5, 0.2f, 5),
        wild_dot(1e30f, 5, 0.2f, 5), wild_dot(5, -1e30f, 0.2f, 5), wild_dot(5, 5, 0, 5),
        wild_dot(5, 5, -1, 5),       wild_dot(5, 5, nan, 5),       wild_dot(-50, -50, 1, 5),
    };
    smpsim_view view = smpsim_view_flat(6.5);
    for (int format = SMPSIM_RGBA8; format <= SMPSIM_RGBA16; format++) {
        smpsim_image *image = skin_image((smpsim_pixel_format)format, 64, 48);
        smpsim_image *before = NULL;
        ck_assert_int_eq(smpsim_image_copy(image, &before, NULL), SMPSIM_OK);
        for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++) {
            smpsim_dots list = {1, 1, (smpsim_dot *)&invisible[i]};
            smpsim_error err = {SMPSIM_OK, ""};
            smpsim_status status = smpsim_render_dots(image, &view, &list, NULL, &err);
            ck_assert_msg(status == SMPSIM_OK || status == SMPSIM_EINVAL,
                          "dot %zu: %s (%s)", i, smpsim_strerror(status), err.message);
            ck_assert_msg(same_pixels(image, before), "dot %zu changed pixels", i);
        }
        /* Visible but absurd: a 2 m dot, shades outside 1..10. */
        const smpsim_dot absurd[] = {wild_dot(5, 5, 2000, 5), wild_dot(5, 5, 0.3f, nan),
                                     wild_dot(5, 5, 0.3f, -3), wild_dot(5, 5, 0.3f, 1e9f)};
        for (size_t i = 0; i < sizeof absurd / sizeof absurd[0]; i++) {
            smpsim_dots list = {1, 1, (smpsim_dot *)&absurd[i]};
            smpsim_error err = {SMPSIM_OK, ""};
            smpsim_status status = smpsim_render_dots(image, &view, &list, NULL, &err);
            ck_assert_msg(status == SMPSIM_OK || status == SMPSIM_EINVAL ||
                              status == SMPSIM_ELIMIT,
                          "absurd dot %zu: %s (%s)", i, smpsim_strerror(status), err.message);
            if (status != SMPSIM_OK)
                ck_assert_str_ne(err.message, "");
        }
        smpsim_image_free(before);
        smpsim_image_free(image);
    }
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Concurrency                                                              */
/* ------------------------------------------------------------------------ */

/* One preview from start to end: decode the photo, build a design, sample,
 * render, encode. Every job's design differs (seed, scale, shape, density,
 * dot size, shade); odd jobs work on a 16-bit photo. */
typedef struct job {
    int index;
    const uint8_t *photo; /* PNG bytes, shared read-only */
    size_t photo_size;
    pthread_barrier_t *start; /* NULL when run alone */
    /* results */
    smpsim_status status;
    char message[512];
    uint64_t dots_checksum;
    size_t dot_count;
    uint8_t *png;
    size_t png_size;
} job;

static smpsim_status build_design(int i, smpsim_design **out, smpsim_error *err)
{
    smpsim_status status = smpsim_design_new(out, err);
    if (status != SMPSIM_OK)
        return status;
    smpsim_view view = smpsim_view_flat(3.0 + 0.25 * i);
    view.rotation_deg = 3.0 * i;
    smpsim_design_set_seed(*out, 1000u + (uint64_t)i * 7919u);
    status = smpsim_design_set_view(*out, &view, err);
    double xy[] = {20 + i, 30, 280 - 5 * i, 25 + 2 * i, 300, 200 - 3 * i, 40, 210};
    smpsim_region_params params;
    smpsim_region_params_init(&params);
    params.density_per_cm2 = 40 + 10 * i;
    params.dot_diameter_mm = 0.18 + 0.02 * i;
    params.shade = 2 + i % 8;
    if (status == SMPSIM_OK)
        status = smpsim_design_add_polygon(*out, xy, 4, SMPSIM_UNITS_PX, &params, err);
    return status;
}

static smpsim_status render_preview(job *j, smpsim_error *err)
{
    smpsim_image *photo = NULL;
    smpsim_design *design = NULL;
    smpsim_dots *dots = NULL;
    memory_sink sink = {NULL, 0, 0};
    smpsim_status status = smpsim_image_load_memory(j->photo, j->photo_size, NULL, &photo, err);
    if (status == SMPSIM_OK)
        status = build_design(j->index, &design, err);
    if (status == SMPSIM_OK)
        status = smpsim_design_dots(design, &dots, err);
    if (status == SMPSIM_OK)
        status = smpsim_render_dots(photo, smpsim_design_get_view(design), dots, NULL, err);
    if (status == SMPSIM_OK)
        status = smpsim_image_write_png_stream(photo, write_to_memory, &sink, NULL, err);
    if (status == SMPSIM_OK) {
        j->dots_checksum = smpsim_dots_checksum(dots);
        j->dot_count = dots->count;
        j->png = sink.data;
        j->png_size = sink.size;
    } else {
        free(sink.data);
    }
    smpsim_dots_free(dots);
    smpsim_design_free(design);
    smpsim_image_free(photo);
    return status;
}

static void *run_job(void *arg)
{
    job *j = arg;
    if (j->start)
        pthread_barrier_wait(j->start);
    smpsim_error err = {SMPSIM_OK, ""};
    j->status = render_preview(j, &err);
    memcpy(j->message, err.message, sizeof j->message);
    return NULL;
}

static void set_up_jobs(job *jobs, const uint8_t *photo8, size_t size8, const uint8_t *photo16,
                        size_t size16, pthread_barrier_t *start)
{
    for (int i = 0; i < N_THREADS; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].index = i;
        jobs[i].photo = i % 2 ? photo16 : photo8;
        jobs[i].photo_size = i % 2 ? size16 : size8;
        jobs[i].start = start;
    }
}

static void free_jobs(job *jobs)
{
    for (int i = 0; i < N_THREADS; i++)
        free(jobs[i].png);
}

START_TEST(test_threads_render_like_one_by_one)
{
    smpsim_image *image8 = skin_image(SMPSIM_RGBA8, 320, 240);
    smpsim_image *image16 = skin_image(SMPSIM_RGBA16, 320, 240);
    size_t size8, size16;
    uint8_t *photo8 = encode_png(image8, &size8), *photo16 = encode_png(image16, &size16);

    job alone[N_THREADS];
    set_up_jobs(alone, photo8, size8, photo16, size16, NULL);
    for (int i = 0; i < N_THREADS; i++) {
        run_job(&alone[i]);
        ck_assert_msg(alone[i].status == SMPSIM_OK, "job %d: %s", i, alone[i].message);
        ck_assert_uint_gt(alone[i].dot_count, 100);
        for (int k = 0; k < i; k++)
            ck_assert_msg(alone[i].dots_checksum != alone[k].dots_checksum,
                          "jobs %d and %d have the same dots", i, k);
    }

    for (int round = 0; round < 2; round++) {
        job together[N_THREADS];
        pthread_barrier_t start;
        ck_assert_int_eq(pthread_barrier_init(&start, NULL, N_THREADS), 0);
        set_up_jobs(together, photo8, size8, photo16, size16, &start);
        pthread_t threads[N_THREADS];
        for (int i = 0; i < N_THREADS; i++)
            ck_assert_int_eq(pthread_create(&threads[i], NULL, run_job, &together[i]), 0);
        for (int i = 0; i < N_THREADS; i++)
            ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
        pthread_barrier_destroy(&start);
        for (int i = 0; i < N_THREADS; i++) {
            ck_assert_msg(together[i].status == SMPSIM_OK, "thread %d: %s", i,
                          together[i].message);
            ck_assert_msg(together[i].dots_checksum == alone[i].dots_checksum,
                          "round %d, thread %d: other dots than alone", round, i);
            ck_assert_uint_eq(together[i].png_size, alone[i].png_size);
            ck_assert_msg(!memcmp(together[i].png, alone[i].png, alone[i].png_size),
                          "round %d, thread %d: other PNG bytes than alone", round, i);
        }
        free_jobs(together);
    }
    free_jobs(alone);
    free(photo8);
    free(photo16);
    smpsim_image_free(image8);
    smpsim_image_free(image16);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Files                                                                    */
/* ------------------------------------------------------------------------ */

static smpsim_dots *some_dots(size_t n)
{
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(n, &dots, NULL), SMPSIM_OK);
    for (size_t i = 0; i < n; i++) {
        smpsim_dot d = {(float)(i % 97) * 0.37f, (float)(i / 97) * 0.41f, 0.2f, 5, 1, 1, 0};
        ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
    }
    return dots;
}

/* Root may write anywhere: drop to "nobody" for the test (effective ids
 * only, restored by restore_ids()). */
static bool become_unprivileged(void)
{
    if (geteuid() != 0)
        return false;
    ck_assert_int_eq(setegid(NOBODY_ID), 0);
    ck_assert_int_eq(seteuid(NOBODY_ID), 0);
    return true;
}

static void restore_ids(bool dropped)
{
    if (!dropped)
        return;
    ck_assert_int_eq(seteuid(0), 0);
    ck_assert_int_eq(setegid(0), 0);
}

START_TEST(test_unwritable_directory_leaves_nothing)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", tmp_path("read-only"));
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    ck_assert_int_eq(chmod(tmpdir, 0755), 0); /* nobody may pass through */
    if (geteuid() != 0)
        ck_assert_int_eq(chmod(dir, 0555), 0);
    char png_path[600], dots_path[600];
    snprintf(png_path, sizeof png_path, "%s/preview.png", dir);
    snprintf(dots_path, sizeof dots_path, "%s/dots.csv", dir);
    smpsim_image *image = skin_image(SMPSIM_RGBA8, 30, 20);
    smpsim_dots *dots = some_dots(50);

    bool dropped = become_unprivileged();
    smpsim_error png_err = {SMPSIM_OK, ""}, dots_err = {SMPSIM_OK, ""};
    smpsim_status png_status = smpsim_image_save_png(image, png_path, NULL, &png_err);
    smpsim_status dots_status = smpsim_dots_save(dots, SMPSIM_DOTS_CSV, dots_path, &dots_err);
    restore_ids(dropped);

    ck_assert_int_eq(png_status, SMPSIM_EIO);
    assert_message_has(&png_err, png_path);
    assert_message_has(&png_err, strerror(EACCES));
    ck_assert_int_eq(dots_status, SMPSIM_EIO);
    assert_message_has(&dots_err, dots_path);
    assert_message_has(&dots_err, strerror(EACCES));
    ck_assert_uint_eq(count_dir_entries(dir), 0);
    smpsim_dots_free(dots);
    smpsim_image_free(image);
}
END_TEST

START_TEST(test_dots_to_dev_full_leave_nothing)
{
    ck_assert_msg(access("/dev/full", W_OK) == 0, "this test needs /dev/full");
    char link[512];
    snprintf(link, sizeof link, "%s", tmp_path("full.csv"));
    ck_assert_int_eq(symlink("/dev/full", link), 0);
    smpsim_dots *dots = some_dots(3000); /* more than one stdio buffer */
    for (int format = SMPSIM_DOTS_CSV; format <= SMPSIM_DOTS_JSON; format++) {
        smpsim_error err = {SMPSIM_OK, ""};
        ck_assert_int_eq(smpsim_dots_save(dots, (smpsim_dots_format)format, link, &err),
                         SMPSIM_EIO);
        assert_message_has(&err, link);
        assert_message_has(&err, strerror(ENOSPC));
    }
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_uint_eq(count_dir_entries(tmpdir), 1); /* the link, no temporary file */
    smpsim_dots_free(dots);
}
END_TEST

/* A dot list whose write fails half-way (the file size limit) keeps the
 * old file and leaves no temporary file. */
START_TEST(test_failed_dots_save_keeps_old_file)
{
    const char *path = tmp_path("dots.json");
    write_bytes(path, "old contents", 12);
    smpsim_dots *dots = some_dots(5000); /* ~500 kB of JSON */
    struct rlimit old, small;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = (struct rlimit){8192, old.rlim_max};
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_status status = smpsim_dots_save(dots, SMPSIM_DOTS_JSON, path, &err);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    ck_assert_int_eq(status, SMPSIM_EIO);
    assert_message_has(&err, path);
    size_t size;
    uint8_t *data = read_bytes(path, &size);
    ck_assert_str_eq((const char *)data, "old contents");
    free(data);
    ck_assert_uint_eq(count_dir_entries(tmpdir), 1);
    smpsim_dots_free(dots);
}
END_TEST

/* Loading a photo, rendering onto it and saving the preview elsewhere
 * leaves the photo's bytes, permissions and times as they were; a
 * read-only photo loads. */
START_TEST(test_input_photo_is_never_modified)
{
    smpsim_image *image = skin_image(SMPSIM_RGBA8, 120, 90);
    size_t size;
    uint8_t *png = encode_png(image, &size);
    const char *photo = tmp_path("photo.png");
    write_bytes(photo, png, size);
    ck_assert_int_eq(chmod(photo, 0444), 0);
    struct stat before;
    ck_assert_int_eq(stat(photo, &before), 0);

    smpsim_image *loaded = NULL;
    ck_assert_int_eq(smpsim_image_load(photo, NULL, &loaded, NULL), SMPSIM_OK);
    smpsim_design *design = rectangle_design(10, 8, 120);
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_design_dots(design, &dots, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_render_dots(loaded, smpsim_design_get_view(design), dots, NULL, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_image_save_png(loaded, tmp_path("preview.png"), NULL, NULL),
                     SMPSIM_OK);

    struct stat after;
    ck_assert_int_eq(stat(photo, &after), 0);
    ck_assert_uint_eq(after.st_mode, before.st_mode);
    ck_assert_int_eq(after.st_size, before.st_size);
    ck_assert_int_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
    ck_assert_int_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
    ck_assert_uint_eq(after.st_ino, before.st_ino);
    size_t now_size;
    uint8_t *now = read_bytes(photo, &now_size);
    ck_assert_uint_eq(now_size, size);
    ck_assert(!memcmp(now, png, size));
    ck_assert_uint_eq(count_dir_entries(tmpdir), 2); /* photo and preview only */
    free(now);
    smpsim_dots_free(dots);
    smpsim_design_free(design);
    smpsim_image_free(loaded);
    free(png);
    smpsim_image_free(image);
}
END_TEST

static Suite *robustness_suite(void)
{
    Suite *s = suite_create("robustness");
    TCase *limits = tcase_create("limits");
    tcase_add_checked_fixture(limits, make_tmpdir, remove_tmpdir);
    tcase_add_test(limits, test_max_file_bytes_is_applied_to_files_and_memory);
    tcase_add_test(limits, test_max_file_bytes_defaults_for_older_callers);
    tcase_add_test(limits, test_oversized_requests_are_refused_before_allocating);
    tcase_add_test(limits, test_jpeg_with_endless_scans_is_refused);
    tcase_add_test(limits, test_huge_design_is_refused_quickly);
    tcase_add_test(limits, test_render_survives_wild_dots);
    suite_add_tcase(s, limits);

    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 240);
    tcase_add_test(threads, test_threads_render_like_one_by_one);
    suite_add_tcase(s, threads);

    TCase *files = tcase_create("files");
    tcase_add_checked_fixture(files, make_tmpdir, remove_tmpdir);
    tcase_add_test(files, test_unwritable_directory_leaves_nothing);
    tcase_add_test(files, test_dots_to_dev_full_leave_nothing);
    tcase_add_test(files, test_failed_dots_save_keeps_old_file);
    tcase_add_test(files, test_input_photo_is_never_modified);
    suite_add_tcase(s, files);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(robustness_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
