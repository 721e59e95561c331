/* Image I/O: PNG and JPEG decoding, limits, bad input, PNG saving, atomic
 * files, statuses. Every fixture is generated here (libpng and libjpeg
 * writers, hand-built chunks and EXIF segments) into a fresh temporary
 * directory per test. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <png.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h>

#include "test-files.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/check-image-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *dir = opendir(tmpdir);
    if (!dir)
        return;
    char path[512];
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
    }
    closedir(dir);
    rmdir(tmpdir);
}

/* A path in the test's directory; four can be in use at once. */
static const char *tmp_path(const char *name)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", tmpdir, name);
    return p;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static bool contains(const uint8_t *data, size_t size, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= size; i++)
        if (!memcmp(data + i, needle, n))
            return true;
    return false;
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static unsigned channel(const smpsim_image *image, uint32_t x, uint32_t y, unsigned c)
{
    const uint8_t *row = (const uint8_t *)image->pixels + (size_t)y * image->stride;
    if (image->format == SMPSIM_RGBA8)
        return row[4 * x + c];
    uint16_t v;
    memcpy(&v, row + 8 * x + 2 * c, sizeof v);
    return v;
}

static void set_channel(smpsim_image *image, uint32_t x, uint32_t y, unsigned c, unsigned v)
{
    uint8_t *row = (uint8_t *)image->pixels + (size_t)y * image->stride;
    if (image->format == SMPSIM_RGBA8) {
        row[4 * x + c] = (uint8_t)v;
        return;
    }
    uint16_t v16 = (uint16_t)v;
    memcpy(row + 8 * x + 2 * c, &v16, sizeof v16);
}

static double srgb_encode(double linear)
{
    return linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1 / 2.4) - 0.055;
}

/* ------------------------------------------------------------------------ */
/* PNG fixtures written with libpng                                         */
/* ------------------------------------------------------------------------ */

typedef struct png_fixture {
    const char *label;
    int colour_type;
    int bit_depth;
    bool trns;
    uint32_t width, height;  /* 0: 11 x 9 */
    const unsigned *values;  /* samples row by row; NULL: a pattern */
    png_fixed_point gamma;   /* gAMA chunk; 0: none */
    bool srgb;               /* sRGB chunk */
} png_fixture;

static uint32_t fixture_width(const png_fixture *f)
{
    return f->width ? f->width : 11;
}

static uint32_t fixture_height(const png_fixture *f)
{
    return f->height ? f->height : 9;
}

static unsigned channels_of(int colour_type)
{
    switch (colour_type) {
    case PNG_COLOR_TYPE_GRAY:
    case PNG_COLOR_TYPE_PALETTE:
        return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        return 2;
    case PNG_COLOR_TYPE_RGB:
        return 3;
    default:
        return 4;
    }
}

/* A scrambled but reproducible sample of `depth` bits. */
static unsigned pattern_sample(uint32_t x, uint32_t y, unsigned c, int depth)
{
    uint32_t h = (x * 31u + y * 17u + c * 7u + 1u) * 2654435761u;
    return (h >> 9) & ((1u << depth) - 1);
}

static unsigned fixture_sample(const png_fixture *f, uint32_t x, uint32_t y, unsigned c)
{
    if (f->values)
        return f->values[(y * fixture_width(f) + x) * channels_of(f->colour_type) + c];
    return pattern_sample(x, y, c, f->bit_depth);
}

static unsigned palette_size(const png_fixture *f)
{
    return 1u << f->bit_depth;
}

static unsigned palette_trans_count(const png_fixture *f)
{
    return (palette_size(f) + 1) / 2;
}

static void palette_rgb(unsigned i, unsigned rgb[3])
{
    rgb[0] = (i * 53 + 11) & 255;
    rgb[1] = (i * 101 + 7) & 255;
    rgb[2] = (i * 197 + 3) & 255;
}

static unsigned palette_alpha(unsigned i)
{
    return (i * 61 + 5) & 255;
}

static void set_palette(png_structp png, png_infop info, const png_fixture *f)
{
    png_color palette[256];
    png_byte alpha[256];
    for (unsigned i = 0; i < palette_size(f); i++) {
        unsigned rgb[3];
        palette_rgb(i, rgb);
        palette[i] = (png_color){(png_byte)rgb[0], (png_byte)rgb[1], (png_byte)rgb[2]};
        alpha[i] = (png_byte)palette_alpha(i);
    }
    png_set_PLTE(png, info, palette, (int)palette_size(f));
    if (f->trns)
        png_set_tRNS(png, info, alpha, (int)palette_trans_count(f), NULL);
}

/* Grey and RGB fixtures make the colour of pixel (1, 0) transparent. */
static void set_trns_colour(png_structp png, png_infop info, const png_fixture *f)
{
    png_color_16 colour = {0, 0, 0, 0, 0};
    colour.gray = (png_uint_16)fixture_sample(f, 1, 0, 0);
    colour.red = (png_uint_16)fixture_sample(f, 1, 0, 0);
    if (f->colour_type == PNG_COLOR_TYPE_RGB) {
        colour.green = (png_uint_16)fixture_sample(f, 1, 0, 1);
        colour.blue = (png_uint_16)fixture_sample(f, 1, 0, 2);
    }
    png_set_tRNS(png, info, NULL, 0, &colour);
}

/* Packs sample `index` of a row as the PNG format stores it. */
static void pack_sample(uint8_t *row, unsigned index, unsigned value, int depth)
{
    if (depth == 16) {
        row[2 * index] = (uint8_t)(value >> 8);
        row[2 * index + 1] = (uint8_t)value;
    } else if (depth == 8) {
        row[index] = (uint8_t)value;
    } else {
        unsigned per_byte = 8u / (unsigned)depth;
        unsigned shift = 8u - (unsigned)depth * (index % per_byte + 1);
        row[index / per_byte] |= (uint8_t)(value << shift);
    }
}

static uint8_t *fixture_rows(const png_fixture *f, size_t *row_bytes)
{
    uint32_t w = fixture_width(f), h = fixture_height(f);
    unsigned channels = channels_of(f->colour_type);
    *row_bytes = ((size_t)w * channels * (unsigned)f->bit_depth + 7) / 8;
    uint8_t *rows = calloc(h, *row_bytes);
    ck_assert_ptr_nonnull(rows);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (unsigned c = 0; c < channels; c++)
                pack_sample(rows + y * *row_bytes, x * channels + c, fixture_sample(f, x, y, c),
                            f->bit_depth);
    return rows;
}

static void write_png_fixture(const char *path, const png_fixture *f, int interlace)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    ck_assert_ptr_nonnull(info);
    png_init_io(png, fp);
    png_set_IHDR(png, info, fixture_width(f), fixture_height(f), f->bit_depth, f->colour_type,
                 interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (f->colour_type == PNG_COLOR_TYPE_PALETTE)
        set_palette(png, info, f);
    else if (f->trns)
        set_trns_colour(png, info, f);
    if (f->gamma)
        png_set_gAMA_fixed(png, info, f->gamma);
    if (f->srgb)
        png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_write_info(png, info);
    size_t row_bytes;
    uint8_t *rows = fixture_rows(f, &row_bytes);
    png_bytep pointers[64];
    ck_assert_uint_le(fixture_height(f), 64);
    for (uint32_t y = 0; y < fixture_height(f); y++)
        pointers[y] = rows + y * row_bytes;
    png_write_image(png, pointers);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    ck_assert_int_eq(fclose(fp), 0);
}

/* What the loader must return for pixel (x, y) of a fixture. */
static void expected_rgba(const png_fixture *f, uint32_t x, uint32_t y, unsigned out[4])
{
    unsigned max_out = f->bit_depth == 16 ? 65535 : 255;
    unsigned max_in = (1u << f->bit_depth) - 1;
    unsigned s[4] = {0, 0, 0, 0};
    for (unsigned c = 0; c < channels_of(f->colour_type); c++)
        s[c] = fixture_sample(f, x, y, c);
    bool is_trns_colour = f->trns && s[0] == fixture_sample(f, 1, 0, 0);
    switch (f->colour_type) {
    case PNG_COLOR_TYPE_PALETTE:
        palette_rgb(s[0], out);
        out[3] = f->trns && s[0] < palette_trans_count(f) ? palette_alpha(s[0]) : 255;
        return;
    case PNG_COLOR_TYPE_GRAY:
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        out[0] = out[1] = out[2] = s[0] * max_out / max_in;
        out[3] = f->colour_type == PNG_COLOR_TYPE_GRAY_ALPHA ? s[1]
                 : is_trns_colour                           ? 0
                                                            : max_out;
        return;
    default:
        for (unsigned c = 0; c < 3; c++)
            out[c] = s[c];
        is_trns_colour = is_trns_colour && s[1] == fixture_sample(f, 1, 0, 1) &&
                         s[2] == fixture_sample(f, 1, 0, 2);
        out[3] = f->colour_type == PNG_COLOR_TYPE_RGBA ? s[3] : is_trns_colour ? 0 : max_out;
    }
}

static smpsim_image *load_ok(const char *path, const smpsim_load_options *opts)
{
    smpsim_image *image = NULL;
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_status status = smpsim_image_load(path, opts, &image, &err);
    ck_assert_msg(status == SMPSIM_OK, "loading %s: %s", path, err.message);
    ck_assert_ptr_nonnull(image);
    return image;
}

static void assert_pixels_match_fixture(const smpsim_image *image, const png_fixture *f,
                                        int interlace)
{
    smpsim_pixel_format format = f->bit_depth == 16 ? SMPSIM_RGBA16 : SMPSIM_RGBA8;
    ck_assert_int_eq(image->format, format);
    ck_assert_uint_eq(image->width, fixture_width(f));
    ck_assert_uint_eq(image->height, fixture_height(f));
    for (uint32_t y = 0; y < image->height; y++) {
        for (uint32_t x = 0; x < image->width; x++) {
            unsigned want[4];
            expected_rgba(f, x, y, want);
            for (unsigned c = 0; c < 4; c++)
                ck_assert_msg(channel(image, x, y, c) == want[c],
                              "%s%s: pixel (%u,%u) channel %u is %u, expected %u", f->label,
                              interlace ? " Adam7" : "", (unsigned)x, (unsigned)y, c,
                              channel(image, x, y, c), want[c]);
        }
    }
}

static const png_fixture format_fixtures[] = {
    {"grey 1", PNG_COLOR_TYPE_GRAY, 1, false, 0, 0, NULL, 0, false},
    {"grey 2", PNG_COLOR_TYPE_GRAY, 2, false, 0, 0, NULL, 0, false},
    {"grey 4", PNG_COLOR_TYPE_GRAY, 4, false, 0, 0, NULL, 0, false},
    {"grey 8", PNG_COLOR_TYPE_GRAY, 8, false, 0, 0, NULL, 0, false},
    {"grey 16", PNG_COLOR_TYPE_GRAY, 16, false, 0, 0, NULL, 0, false},
    {"grey 8 tRNS", PNG_COLOR_TYPE_GRAY, 8, true, 0, 0, NULL, 0, false},
    {"grey 16 tRNS", PNG_COLOR_TYPE_GRAY, 16, true, 0, 0, NULL, 0, false},
    {"grey+alpha 8", PNG_COLOR_TYPE_GRAY_ALPHA, 8, false, 0, 0, NULL, 0, false},
    {"grey+alpha 16", PNG_COLOR_TYPE_GRAY_ALPHA, 16, false, 0, 0, NULL, 0, false},
    {"palette 1", PNG_COLOR_TYPE_PALETTE, 1, false, 0, 0, NULL, 0, false},
    {"palette 2", PNG_COLOR_TYPE_PALETTE, 2, false, 0, 0, NULL, 0, false},
    {"palette 4", PNG_COLOR_TYPE_PALETTE, 4, false, 0, 0, NULL, 0, false},
    {"palette 8", PNG_COLOR_TYPE_PALETTE, 8, false, 0, 0, NULL, 0, false},
    {"palette 1 tRNS", PNG_COLOR_TYPE_PALETTE, 1, true, 0, 0, NULL, 0, false},
    {"palette 2 tRNS", PNG_COLOR_TYPE_PALETTE, 2, true, 0, 0, NULL, 0, false},
    {"palette 4 tRNS", PNG_COLOR_TYPE_PALETTE, 4, true, 0, 0, NULL, 0, false},
    {"palette 8 tRNS", PNG_COLOR_TYPE_PALETTE, 8, true, 0, 0, NULL, 0, false},
    {"RGB 8", PNG_COLOR_TYPE_RGB, 8, false, 0, 0, NULL, 0, false},
    {"RGB 16", PNG_COLOR_TYPE_RGB, 16, false, 0, 0, NULL, 0, false},
    {"RGB 8 tRNS", PNG_COLOR_TYPE_RGB, 8, true, 0, 0, NULL, 0, false},
    {"RGB 16 tRNS", PNG_COLOR_TYPE_RGB, 16, true, 0, 0, NULL, 0, false},
    {"RGBA 8", PNG_COLOR_TYPE_RGBA, 8, false, 0, 0, NULL, 0, false},
    {"RGBA 16", PNG_COLOR_TYPE_RGBA, 16, false, 0, 0, NULL, 0, false},
};

#define N_FORMAT_FIXTURES ((int)(sizeof format_fixtures / sizeof format_fixtures[0]))

/* Loop index i: fixture i / 2, Adam7-interlaced when i is odd. */
START_TEST(test_png_every_format_decodes_exactly)
{
    const png_fixture *f = &format_fixtures[_i / 2];
    int interlace = _i % 2 ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE;
    const char *path = tmp_path("fixture.png");
    write_png_fixture(path, f, interlace);
    smpsim_image *image = load_ok(path, NULL);
    assert_pixels_match_fixture(image, f, interlace);
    smpsim_image_free(image);
}
END_TEST

/* The expected values spelled out, independent of expected_rgba(). */
START_TEST(test_png_low_bit_depths_scale_to_full_range)
{
    static const unsigned one_bit[] = {0, 1}, two_bit[] = {0, 1, 2, 3}, four_bit[] = {15, 7};
    static const unsigned sixteen[] = {0x1234};
    const png_fixture fixtures[] = {
        {"grey 1", PNG_COLOR_TYPE_GRAY, 1, false, 2, 1, one_bit, 0, false},
        {"grey 2", PNG_COLOR_TYPE_GRAY, 2, false, 4, 1, two_bit, 0, false},
        {"grey 4", PNG_COLOR_TYPE_GRAY, 4, false, 2, 1, four_bit, 0, false},
        {"grey 16", PNG_COLOR_TYPE_GRAY, 16, false, 1, 1, sixteen, 0, false},
    };
    static const unsigned want[4][4] = {{0, 255}, {0, 85, 170, 255}, {255, 119}, {0x1234}};
    for (int i = 0; i < 4; i++) {
        const char *path = tmp_path("low.png");
        write_png_fixture(path, &fixtures[i], PNG_INTERLACE_NONE);
        smpsim_image *image = load_ok(path, NULL);
        unsigned opaque = i == 3 ? 0xffff : 0xff;
        for (uint32_t x = 0; x < image->width; x++) {
            ck_assert_uint_eq(channel(image, x, 0, 0), want[i][x]);
            ck_assert_uint_eq(channel(image, x, 0, 2), want[i][x]);
            ck_assert_uint_eq(channel(image, x, 0, 3), opaque);
        }
        ck_assert_int_eq(image->format, i == 3 ? SMPSIM_RGBA16 : SMPSIM_RGBA8);
        smpsim_image_free(image);
    }
}
END_TEST

static unsigned load_first_sample(const png_fixture *f)
{
    const char *path = tmp_path("gamma.png");
    write_png_fixture(path, f, PNG_INTERLACE_NONE);
    smpsim_image *image = load_ok(path, NULL);
    unsigned v = channel(image, 0, 0, 0);
    ck_assert_uint_eq(channel(image, 0, 0, 1), v);
    smpsim_image_free(image);
    return v;
}

START_TEST(test_png_linear_gamma_is_converted_to_srgb)
{
    static const unsigned grey8[] = {128}, grey16[] = {32768};
    png_fixture f8 = {"linear 8", PNG_COLOR_TYPE_GRAY, 8, false, 1, 1, grey8, 100000, false};
    png_fixture f16 = {"linear 16", PNG_COLOR_TYPE_GRAY, 16, false, 1, 1, grey16, 100000, false};
    double want8 = 255 * srgb_encode(128 / 255.0);       /* 187.9 */
    double want16 = 65535 * srgb_encode(32768 / 65535.0); /* 48288.9 */
    ck_assert_double_eq_tol(load_first_sample(&f8), want8, 1.0);
    ck_assert_double_eq_tol(load_first_sample(&f16), want16, 1.0);
}
END_TEST

START_TEST(test_png_srgb_and_gamma_045_are_left_exact)
{
    static const unsigned grey[] = {128};
    png_fixture srgb = {"sRGB", PNG_COLOR_TYPE_GRAY, 8, false, 1, 1, grey, 0, true};
    png_fixture g45 = {"gAMA 0.45455", PNG_COLOR_TYPE_GRAY, 8, false, 1, 1, grey, 45455, false};
    png_fixture none = {"no gAMA", PNG_COLOR_TYPE_GRAY, 8, false, 1, 1, grey, 0, false};
    ck_assert_uint_eq(load_first_sample(&srgb), 128);
    ck_assert_uint_eq(load_first_sample(&g45), 128);
    ck_assert_uint_eq(load_first_sample(&none), 128);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* JPEG fixtures written with libjpeg                                       */
/* ------------------------------------------------------------------------ */

typedef struct jpeg_fixture {
    uint32_t width, height;
    int components;
    J_COLOR_SPACE space;
    bool adobe_marker; /* CMYK only */
    const uint8_t *app1;
    size_t app1_size;
} jpeg_fixture;

static void write_jpeg(const char *path, const jpeg_fixture *f, const uint8_t *pixels)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, fp);
    cinfo.image_width = f->width;
    cinfo.image_height = f->height;
    cinfo.input_components = f->components;
    cinfo.in_color_space = f->space;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 98, TRUE);
    if (f->space == JCS_CMYK)
        cinfo.write_Adobe_marker = f->adobe_marker;
    jpeg_start_compress(&cinfo, TRUE);
    if (f->app1)
        jpeg_write_marker(&cinfo, JPEG_APP0 + 1, f->app1, (unsigned)f->app1_size);
    size_t row_size = (size_t)f->width * (size_t)f->components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + cinfo.next_scanline * row_size);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    ck_assert_int_eq(fclose(fp), 0);
}

enum { DARK = 20, LIGHT = 230 };

/* 64x32 RGB, dark in the top-left 32x16 quadrant, light elsewhere. */
static void write_quadrant_jpeg(const char *path, const uint8_t *app1, size_t app1_size)
{
    static uint8_t pixels[32][64][3];
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 64; x++)
            memset(pixels[y][x], x < 32 && y < 16 ? DARK : LIGHT, 3);
    jpeg_fixture f = {64, 32, 3, JCS_RGB, false, app1, app1_size};
    write_jpeg(path, &f, &pixels[0][0][0]);
}

static void put16(uint8_t *p, unsigned v, bool big_endian)
{
    p[big_endian ? 0 : 1] = (uint8_t)(v >> 8);
    p[big_endian ? 1 : 0] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v, bool big_endian)
{
    put16(p + (big_endian ? 0 : 2), v >> 16, big_endian);
    put16(p + (big_endian ? 2 : 0), v & 0xffff, big_endian);
}

/* "Exif\0\0", a TIFF header and IFD 0 holding one entry: Orientation. */
static size_t exif_with_orientation(uint8_t out[32], unsigned orientation, bool big_endian)
{
    memset(out, 0, 32);
    memcpy(out, "Exif\0\0", 6);
    uint8_t *tiff = out + 6;
    memcpy(tiff, big_endian ? "MM" : "II", 2);
    put16(tiff + 2, 42, big_endian);
    put32(tiff + 4, 8, big_endian); /* IFD 0 follows the header */
    put16(tiff + 8, 1, big_endian); /* one entry */
    put16(tiff + 10, 0x0112, big_endian);
    put16(tiff + 12, 3, big_endian); /* SHORT */
    put32(tiff + 14, 1, big_endian);
    put16(tiff + 18, orientation, big_endian);
    put32(tiff + 22, 0, big_endian); /* no next IFD */
    return 32;
}

/* Quadrants: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right. */
static void assert_dark_quadrant(const smpsim_image *image, int dark)
{
    for (int q = 0; q < 4; q++) {
        uint32_t x = (uint32_t)(q % 2) * image->width / 2 + image->width / 4;
        uint32_t y = (uint32_t)(q / 2) * image->height / 2 + image->height / 4;
        unsigned v = channel(image, x, y, 0);
        if (q == dark)
            ck_assert_msg(v < 80, "quadrant %d should be dark, is %u", q, v);
        else
            ck_assert_msg(v > 180, "quadrant %d should be light, is %u", q, v);
        ck_assert_uint_eq(channel(image, x, y, 3), 255);
    }
}

typedef struct orientation_case {
    unsigned orientation; /* 0: no EXIF */
    bool ignore;
    uint32_t width, height;
    int dark_quadrant;
} orientation_case;

/* Stored: 64x32, dark top-left. Orientation 6 means the stored image must
 * be turned 90 degrees clockwise to be upright: its top-left corner lands
 * at the top-right. */
static const orientation_case orientation_cases[] = {
    {0, false, 64, 32, 0}, {1, false, 64, 32, 0}, {2, false, 64, 32, 1},
    {3, false, 64, 32, 3}, {4, false, 64, 32, 2}, {5, false, 32, 64, 0},
    {6, false, 32, 64, 1}, {7, false, 32, 64, 3}, {8, false, 32, 64, 2},
    {6, true, 64, 32, 0},  {8, true, 64, 32, 0},
};

START_TEST(test_jpeg_exif_orientation_is_applied)
{
    const orientation_case *oc = &orientation_cases[_i];
    uint8_t exif[32];
    size_t exif_size = exif_with_orientation(exif, oc->orientation, _i % 2 == 0);
    const char *path = tmp_path("oriented.jpg");
    write_quadrant_jpeg(path, oc->orientation ? exif : NULL, exif_size);
    smpsim_load_options opts;
    smpsim_load_options_init(&opts);
    opts.ignore_orientation = oc->ignore;
    smpsim_image *image = load_ok(path, &opts);
    ck_assert_int_eq(image->format, SMPSIM_RGBA8);
    ck_assert_uint_eq(image->width, oc->width);
    ck_assert_uint_eq(image->height, oc->height);
    assert_dark_quadrant(image, oc->dark_quadrant);
    smpsim_image_free(image);
}
END_TEST

START_TEST(test_jpeg_malformed_exif_is_ignored)
{
    uint8_t exif[32];
    exif_with_orientation(exif, 6, true);
    put32(exif + 6 + 4, 0x7ffffff0u, true); /* IFD 0 far beyond the data */
    uint8_t junk[40] = "Exif\0\0MM\0*";      /* header, then nothing sensible */
    for (size_t i = 11; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 37);
    uint8_t bad_value[32];
    exif_with_orientation(bad_value, 9, false); /* not an orientation */
    const uint8_t *segments[] = {exif, junk, bad_value, (const uint8_t *)"Exif\0\0"};
    const size_t sizes[] = {sizeof exif, sizeof junk, sizeof bad_value, 6};
    for (int i = 0; i < 4; i++) {
        const char *path = tmp_path("bad-exif.jpg");
        write_quadrant_jpeg(path, segments[i], sizes[i]);
        smpsim_image *image = load_ok(path, NULL);
        ck_assert_uint_eq(image->width, 64);
        assert_dark_quadrant(image, 0);
        smpsim_image_free(image);
    }
}
END_TEST

START_TEST(test_jpeg_grey_loads_as_rgb)
{
    uint8_t pixels[8 * 8];
    memset(pixels, 100, sizeof pixels);
    jpeg_fixture f = {8, 8, 1, JCS_GRAYSCALE, false, NULL, 0};
    const char *path = tmp_path("grey.jpg");
    write_jpeg(path, &f, pixels);
    smpsim_image *image = load_ok(path, NULL);
    for (unsigned c = 0; c < 3; c++)
        ck_assert_int_le(abs((int)channel(image, 3, 3, c) - 100), 2);
    ck_assert_uint_eq(channel(image, 3, 3, 3), 255);
    smpsim_image_free(image);
}
END_TEST

/* Top half: no black ink; bottom half: about half black. Adobe files
 * store the complement of the ink amounts, other CMYK files the amounts. */
static void write_cmyk_jpeg(const char *path, bool adobe)
{
    static uint8_t pixels[16][16][4];
    for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
            const uint8_t ink[4] = {55, 155, 205, y < 8 ? 0 : 127};
            for (int c = 0; c < 4; c++)
                pixels[y][x][c] = adobe ? (uint8_t)(255 - ink[c]) : ink[c];
        }
    }
    jpeg_fixture f = {16, 16, 4, JCS_CMYK, adobe, NULL, 0};
    write_jpeg(path, &f, &pixels[0][0][0]);
}

START_TEST(test_jpeg_cmyk_is_converted_to_rgb)
{
    static const unsigned top[3] = {200, 100, 50}, bottom[3] = {100, 50, 25};
    for (int adobe = 0; adobe < 2; adobe++) {
        const char *path = tmp_path("cmyk.jpg");
        write_cmyk_jpeg(path, adobe);
        smpsim_image *image = load_ok(path, NULL);
        for (unsigned c = 0; c < 3; c++) {
            ck_assert_int_le(abs((int)channel(image, 4, 3, c) - (int)top[c]), 4);
            ck_assert_int_le(abs((int)channel(image, 4, 12, c) - (int)bottom[c]), 4);
        }
        ck_assert_uint_eq(channel(image, 4, 12, 3), 255);
        smpsim_image_free(image);
    }
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */
/* ------------------------------------------------------------------------ */

static void assert_load_fails(const char *path, const smpsim_load_options *opts,
                              smpsim_status want, const char *needle)
{
    smpsim_image dummy;
    smpsim_image *image = &dummy;
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_status status = smpsim_image_load(path, opts, &image, &err);
    ck_assert_msg(status == want, "%s: status %s, expected %s (%s)", path,
                  smpsim_strerror(status), smpsim_strerror(want), err.message);
    ck_assert_int_eq(err.status, want);
    ck_assert_ptr_null(image);
    ck_assert_msg(strstr(err.message, path) != NULL, "message \"%s\" lacks the path",
                  err.message);
    if (needle)
        ck_assert_msg(strstr(err.message, needle) != NULL, "message \"%s\" lacks \"%s\"",
                      err.message, needle);
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static size_t append_chunk(uint8_t *out, const char *type, const uint8_t *data, uint32_t size)
{
    put32(out, size, true);
    memcpy(out + 4, type, 4);
    if (size)
        memcpy(out + 8, data, size);
    put32(out + 8 + size, crc32_of(out + 4, 4 + (size_t)size), true);
    return 12 + (size_t)size;
}

/* A PNG whose IHDR claims width x height, with a tiny (empty) IDAT. */
static size_t hand_made_png(uint8_t *out, uint32_t width, uint32_t height)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const uint8_t empty_zlib[] = {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    uint8_t ihdr[13] = {0};
    put32(ihdr, width, true);
    put32(ihdr + 4, height, true);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* RGB */
    memcpy(out, signature, 8);
    size_t n = 8;
    n += append_chunk(out + n, "IHDR", ihdr, sizeof ihdr);
    n += append_chunk(out + n, "IDAT", empty_zlib, sizeof empty_zlib);
    n += append_chunk(out + n, "IEND", NULL, 0);
    return n;
}

/* A 256x64 RGB PNG of noise (about 50 kB), in memory. */
static uint8_t *noise_png(size_t *size)
{
    png_fixture f = {"noise", PNG_COLOR_TYPE_RGB, 8, false, 256, 64, NULL, 0, false};
    const char *path = tmp_path("noise.png");
    write_png_fixture(path, &f, PNG_INTERLACE_NONE);
    return read_bytes(path, size);
}

/* Offset of the first chunk of a type, or 0. */
static size_t find_chunk(const uint8_t *png, size_t size, const char *type)
{
    for (size_t at = 8; at + 12 <= size;) {
        uint32_t length = (uint32_t)png[at] << 24 | (uint32_t)png[at + 1] << 16 |
                          (uint32_t)png[at + 2] << 8 | png[at + 3];
        if (!memcmp(png + at + 4, type, 4))
            return at;
        at += 12 + (size_t)length;
    }
    return 0;
}

START_TEST(test_empty_file_is_refused)
{
    const char *path = tmp_path("empty.png");
    write_bytes(path, "", 0);
    assert_load_fails(path, NULL, SMPSIM_EFORMAT, "empty");
}
END_TEST

START_TEST(test_random_bytes_are_refused)
{
    uint8_t junk[1000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (uint8_t)(x >> 16);
    }
    junk[0] = 'R';
    const char *path = tmp_path("junk.png");
    write_bytes(path, junk, sizeof junk);
    assert_load_fails(path, NULL, SMPSIM_EFORMAT, "not a PNG or JPEG");
}
END_TEST

START_TEST(test_missing_file_is_an_io_error)
{
    assert_load_fails(tmp_path("no-such-file.png"), NULL, SMPSIM_EIO, strerror(ENOENT));
}
END_TEST

START_TEST(test_png_truncated_in_idat_is_refused)
{
    size_t size;
    uint8_t *png = noise_png(&size);
    size_t idat = find_chunk(png, size, "IDAT");
    ck_assert_uint_gt(idat, 0);
    ck_assert_uint_gt(size / 2, idat + 8); /* the cut falls in the image data */
    const char *path = tmp_path("truncated.png");
    write_bytes(path, png, size / 2);
    assert_load_fails(path, NULL, SMPSIM_EFORMAT, "row");
    free(png);
}
END_TEST

START_TEST(test_png_without_iend_is_refused)
{
    size_t size;
    uint8_t *png = noise_png(&size);
    const char *path = tmp_path("no-iend.png");
    write_bytes(path, png, size - 12);
    assert_load_fails(path, NULL, SMPSIM_EFORMAT, "truncated");
    free(png);
}
END_TEST

START_TEST(test_png_bad_idat_crc_is_refused)
{
    size_t size;
    uint8_t *png = noise_png(&size);
    size_t idat = find_chunk(png, size, "IDAT");
    ck_assert_uint_gt(idat, 0);
    uint32_t length = (uint32_t)png[idat] << 24 | (uint32_t)png[idat + 1] << 16 |
                      (uint32_t)png[idat + 2] << 8 | png[idat + 3];
    png[idat + 8 + length] ^= 0x01;
    const char *path = tmp_path("bad-crc.png");
    write_bytes(path, png, size);
    assert_load_fails(path, NULL, SMPSIM_EFORMAT, "CRC");
    free(png);
}
END_TEST

START_TEST(test_png_huge_header_is_refused_quickly)
{
    uint8_t png[128];
    size_t size = hand_made_png(png, 100000, 100000);
    const char *path = tmp_path("huge.png");
    write_bytes(path, png, size);
    double start = seconds_now();
    assert_load_fails(path, NULL, SMPSIM_ELIMIT, "100000x100000");
    assert_load_fails(path, NULL, SMPSIM_ELIMIT, "above the limit of 200000000 pixels (200 megapixels)");
    ck_assert_double_lt(seconds_now() - start, 0.5);
    /* issue 19: just above the limit, the message tells the two apart */
    size = hand_made_png(png, 20001, 10000);
    write_bytes(path, png, size);
    assert_load_fails(path, NULL, SMPSIM_ELIMIT,
                      "20001x10000 = 200010000 pixels, above the limit of 200000000 pixels");
}
END_TEST

/* A 3 GiB (sparse) file is refused from its size, without being read. */
START_TEST(test_oversized_file_is_refused_before_reading)
{
    const char *path = tmp_path("huge-file.png");
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(ftruncate(fileno(fp), (off_t)3 << 30), 0);
    ck_assert_int_eq(fclose(fp), 0);
    double start = seconds_now();
    assert_load_fails(path, NULL, SMPSIM_ELIMIT, "limit of 2048.0 MiB");
    ck_assert_double_lt(seconds_now() - start, 0.5);
}
END_TEST

START_TEST(test_png_zero_width_is_refused)
{
    uint8_t png[128];
    size_t size = hand_made_png(png, 0, 16);
    const char *path = tmp_path("zero.png");
    write_bytes(path, png, size);
    assert_load_fails(path, NULL, SMPSIM_EFORMAT, "width is zero");
}
END_TEST

START_TEST(test_load_options_limits_are_applied)
{
    const char *path = tmp_path("small.png");
    write_png_fixture(path, &format_fixtures[3], PNG_INTERLACE_NONE); /* 11 x 9 */
    smpsim_load_options opts;
    smpsim_load_options_init(&opts);
    opts.max_pixels = 98;
    assert_load_fails(path, &opts, SMPSIM_ELIMIT, "megapixels");
    opts.max_pixels = 99;
    smpsim_image_free(load_ok(path, &opts));
    opts.max_dimension = 10;
    assert_load_fails(path, &opts, SMPSIM_ELIMIT, "per side");
    const char *jpeg = tmp_path("rotated.jpg");
    uint8_t exif[32];
    exif_with_orientation(exif, 6, true);
    write_quadrant_jpeg(jpeg, exif, sizeof exif);
    opts.max_dimension = 63; /* the upright image is 32x64 */
    assert_load_fails(jpeg, &opts, SMPSIM_ELIMIT, "32x64");
}
END_TEST

/* 128x128 RGB noise: most of the file is entropy-coded data. */
static uint8_t *noise_jpeg(size_t *size)
{
    static uint8_t pixels[128][128][3];
    for (uint32_t y = 0; y < 128; y++)
        for (uint32_t x = 0; x < 128; x++)
            for (unsigned c = 0; c < 3; c++)
                pixels[y][x][c] = (uint8_t)pattern_sample(x, y, c, 8);
    jpeg_fixture f = {128, 128, 3, JCS_RGB, false, NULL, 0};
    const char *path = tmp_path("noise.jpg");
    write_jpeg(path, &f, &pixels[0][0][0]);
    return read_bytes(path, size);
}

START_TEST(test_jpeg_truncated_is_refused)
{
    size_t size;
    uint8_t *jpeg = noise_jpeg(&size);
    const char *path = tmp_path("truncated.jpg");
    write_bytes(path, jpeg, size * 6 / 10);
    assert_load_fails(path, NULL, SMPSIM_EFORMAT, "Premature end of JPEG file in row");
    free(jpeg);
}
END_TEST

static void count_warning(void *arg, const char *message)
{
    ck_assert_ptr_nonnull(strstr(message, "end marker (EOI)"));
    ++*(int *)arg;
}

/* issue 19: a JPEG that lacks only its 2-byte end marker decodes whole, as
 * libjpeg's djpeg does, with a warning to the caller; one cut anywhere
 * before it still fails. */
START_TEST(test_jpeg_without_end_marker_decodes_with_warning)
{
    size_t size;
    uint8_t *jpeg = noise_jpeg(&size);
    ck_assert(jpeg[size - 2] == 0xff && jpeg[size - 1] == 0xd9);
    smpsim_image *whole = NULL, *cut = NULL;
    int warnings = 0;
    smpsim_load_options o;
    smpsim_load_options_init(&o);
    o.warning = count_warning;
    o.warning_arg = &warnings;
    ck_assert_int_eq(smpsim_image_load_memory(jpeg, size, &o, &whole, NULL), SMPSIM_OK);
    ck_assert_int_eq(warnings, 0);
    smpsim_error err = {0};
    ck_assert_msg(smpsim_image_load_memory(jpeg, size - 2, &o, &cut, &err) == SMPSIM_OK, "%s",
                  err.message);
    ck_assert_int_eq(warnings, 1);
    ck_assert_uint_eq(cut->width, whole->width);
    for (uint32_t y = 0; y < whole->height; y++)
        ck_assert(memcmp((uint8_t *)cut->pixels + y * cut->stride,
                         (uint8_t *)whole->pixels + y * whole->stride, 4 * whole->width) == 0);
    smpsim_image_free(cut);
    ck_assert_int_eq(smpsim_image_load_memory(jpeg, size - 40, &o, &cut, &err), SMPSIM_EFORMAT);
    ck_assert_ptr_null(cut);
    ck_assert_int_eq(warnings, 1);
    smpsim_image_free(whole);
    free(jpeg);
}
END_TEST

/* Decoders report problems in the error record, never on stderr. */
START_TEST(test_bad_input_prints_nothing)
{
    char log[512];
    snprintf(log, sizeof log, "%s", tmp_path("stderr.txt"));
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *capture = fopen(log, "w");
    ck_assert_ptr_nonnull(capture);
    dup2(fileno(capture), STDERR_FILENO);
    size_t size;
    uint8_t *png = noise_png(&size);
    png[find_chunk(png, size, "IDAT") + 100] ^= 0xff; /* CRC and zlib both wrong */
    smpsim_image *image;
    smpsim_image_load_memory(png, size, NULL, &image, NULL);
    smpsim_image_load_memory(png, size / 2, NULL, &image, NULL);
    write_quadrant_jpeg(tmp_path("q.jpg"), (const uint8_t *)"Exif\0\0MM\0*\0\0\0\xff", 14);
    uint8_t *jpeg = read_bytes(tmp_path("q.jpg"), &size);
    smpsim_image_free(load_ok(tmp_path("q.jpg"), NULL));
    smpsim_image_load_memory(jpeg, size / 2, NULL, &image, NULL);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fclose(capture);
    free(png);
    free(jpeg);
    size_t logged;
    uint8_t *text = read_bytes(log, &logged);
    ck_assert_msg(logged == 0, "stderr received: %.300s", (const char *)text);
    free(text);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* PngSuite-style corrupt files (the x* images) and odd interlaced sizes    */
/* ------------------------------------------------------------------------ */

typedef enum png_damage {
    SIGNATURE_BYTE,     /* xs1n0g01: signature byte 1 changed */
    SIGNATURE_CRLF,     /* xcrn0g04: the signature's CR LF became CR CR LF */
    IHDR_CRC,           /* xhdn0g08: wrong IHDR checksum */
    COLOUR_TYPE_1,      /* xc1n0g08 */
    COLOUR_TYPE_9,      /* xc9n2c08 */
    BIT_DEPTH_0,        /* xd0n2c08 */
    BIT_DEPTH_3,        /* xd3n2c08 */
    BIT_DEPTH_99,       /* xd9n2c08 */
    PALETTE_DEPTH_16,   /* colour type 3 with 16 bits */
    NO_IDAT,            /* xdtn0g01 */
    ZLIB_HEADER,        /* bad zlib header, correct CRC */
    ZLIB_DATA,          /* deflate data scrambled, correct CRC */
    CHUNK_LENGTH_HUGE,  /* a chunk length of 2^31 - 1 before IDAT */
    CHUNK_LENGTH_2_32,  /* a chunk length above 2^31 - 1 */
    ZERO_HEIGHT,
    WIDTH_2_31,         /* beyond the PNG format's own limit */
    WIDTH_MAX_VALID,    /* 2^31 - 1: valid PNG, above our limits */
    INTERLACE_METHOD_2, /* unknown interlace method */
    N_DAMAGES
} png_damage;

typedef struct damage_case {
    const char *label;
    smpsim_status status;
    const char *needle; /* in the message; NULL: any message */
} damage_case;

static const damage_case damage_cases[N_DAMAGES] = {
    [SIGNATURE_BYTE] = {"signature byte", SMPSIM_EFORMAT, "not a PNG"},
    [SIGNATURE_CRLF] = {"signature CR CR LF", SMPSIM_EFORMAT, "not a PNG"},
    [IHDR_CRC] = {"IHDR CRC", SMPSIM_EFORMAT, "CRC"},
    [COLOUR_TYPE_1] = {"colour type 1", SMPSIM_EFORMAT, "IHDR"},
    [COLOUR_TYPE_9] = {"colour type 9", SMPSIM_EFORMAT, "IHDR"},
    [BIT_DEPTH_0] = {"bit depth 0", SMPSIM_EFORMAT, "IHDR"},
    [BIT_DEPTH_3] = {"bit depth 3", SMPSIM_EFORMAT, "IHDR"},
    [BIT_DEPTH_99] = {"bit depth 99", SMPSIM_EFORMAT, "IHDR"},
    [PALETTE_DEPTH_16] = {"palette at 16 bits", SMPSIM_EFORMAT, "IHDR"},
    [NO_IDAT] = {"no IDAT", SMPSIM_EFORMAT, NULL},
    [ZLIB_HEADER] = {"zlib header", SMPSIM_EFORMAT, NULL},
    [ZLIB_DATA] = {"zlib data", SMPSIM_EFORMAT, NULL},
    [CHUNK_LENGTH_HUGE] = {"chunk length 2^31-1", SMPSIM_EFORMAT, NULL},
    [CHUNK_LENGTH_2_32] = {"chunk length 2^32-1", SMPSIM_EFORMAT, NULL},
    [ZERO_HEIGHT] = {"zero height", SMPSIM_EFORMAT, "height is zero"},
    [WIDTH_2_31] = {"width 2^31", SMPSIM_EFORMAT, NULL},
    [WIDTH_MAX_VALID] = {"width 2^31-1", SMPSIM_ELIMIT, "per side"},
    [INTERLACE_METHOD_2] = {"interlace method 2", SMPSIM_EFORMAT, "IHDR"},
};

static uint32_t get32be(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Recomputes the CRC of the chunk at `at` after its data was edited. */
static void fix_crc(uint8_t *png, size_t at)
{
    uint32_t length = get32be(png + at);
    put32(png + at + 8 + length, crc32_of(png + at + 4, 4 + (size_t)length), true);
}

/* Inserts `n` bytes at `at` (the buffer has room). */
static size_t insert_bytes(uint8_t *png, size_t size, size_t at, const void *bytes, size_t n)
{
    memmove(png + at + n, png + at, size - at);
    memcpy(png + at, bytes, n);
    return size + n;
}

/* Applies one damage to a valid 8-bit grey PNG in png (with 64 bytes of
 * room to grow); returns the new size. IHDR data starts at byte 16. */
static size_t damage_png(uint8_t *png, size_t size, png_damage damage)
{
    enum { IHDR_AT = 8, WIDTH = 16, HEIGHT = 20, DEPTH = 24, COLOUR = 25, INTERLACE = 28 };
    size_t idat = find_chunk(png, size, "IDAT");
    ck_assert_uint_gt(idat, 0);
    static const uint8_t zero_crc[4] = {0};
    uint8_t chunk[12];
    switch (damage) {
    case SIGNATURE_BYTE:
        png[1] = 'p';
        return size;
    case SIGNATURE_CRLF:
        return insert_bytes(png, size, 4, "\r", 1);
    case IHDR_CRC:
        png[IHDR_AT + 8 + 13] ^= 0x40;
        return size;
    case COLOUR_TYPE_1:
    case COLOUR_TYPE_9:
        png[COLOUR] = damage == COLOUR_TYPE_1 ? 1 : 9;
        break;
    case BIT_DEPTH_0:
    case BIT_DEPTH_3:
    case BIT_DEPTH_99:
        png[DEPTH] = damage == BIT_DEPTH_0 ? 0 : damage == BIT_DEPTH_3 ? 3 : 99;
        break;
    case PALETTE_DEPTH_16:
        png[COLOUR] = 3;
        png[DEPTH] = 16;
        break;
    case NO_IDAT: {
        uint32_t length = get32be(png + idat);
        memmove(png + idat, png + idat + 12 + length, size - idat - 12 - length);
        return size - 12 - length;
    }
    case ZLIB_HEADER:
        png[idat + 8] = 0x77; /* not a deflate stream */
        fix_crc(png, idat);
        return size;
    case ZLIB_DATA:
        for (size_t i = idat + 10; i < idat + 8 + get32be(png + idat) - 4; i++)
            png[i] ^= 0x5a;
        fix_crc(png, idat);
        return size;
    case CHUNK_LENGTH_HUGE:
    case CHUNK_LENGTH_2_32:
        put32(chunk, damage == CHUNK_LENGTH_HUGE ? 0x7fffffffu : 0xffffffffu, true);
        memcpy(chunk + 4, "tEXt", 4);
        memcpy(chunk + 8, zero_crc, 4);
        return insert_bytes(png, size, idat, chunk, sizeof chunk);
    case ZERO_HEIGHT:
        put32(png + HEIGHT, 0, true);
        break;
    case WIDTH_2_31:
    case WIDTH_MAX_VALID:
        put32(png + WIDTH, damage == WIDTH_2_31 ? 0x80000000u : 0x7fffffffu, true);
        break;
    case INTERLACE_METHOD_2:
        png[INTERLACE] = 2;
        break;
    default:
        ck_abort_msg("unknown damage %d", (int)damage);
    }
    fix_crc(png, IHDR_AT); /* the header edits above keep a correct CRC */
    return size;
}

START_TEST(test_png_damaged_files_fail_cleanly)
{
    const damage_case *c = &damage_cases[_i];
    const char *fixture = tmp_path("valid.png");
    write_png_fixture(fixture, &format_fixtures[3], PNG_INTERLACE_NONE); /* grey 8, 11x9 */
    size_t size;
    uint8_t *valid = read_bytes(fixture, &size);
    uint8_t *png = malloc(size + 64);
    ck_assert_ptr_nonnull(png);
    memcpy(png, valid, size);
    size = damage_png(png, size, (png_damage)_i);
    const char *path = tmp_path("damaged.png");
    write_bytes(path, png, size);
    double start = seconds_now();
    assert_load_fails(path, NULL, c->status, c->needle);
    ck_assert_msg(seconds_now() - start < 0.5, "%s: took %.2f s", c->label,
                  seconds_now() - start);
    /* The same bytes from memory fail the same way. */
    smpsim_image *image = NULL;
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_int_eq(smpsim_image_load_memory(png, size, NULL, &image, &err), c->status);
    ck_assert_ptr_null(image);
    free(png);
    free(valid);
}
END_TEST

/* Bytes after IEND are ignored, as every decoder does. */
START_TEST(test_png_trailing_bytes_are_ignored)
{
    const char *path = tmp_path("trailing.png");
    write_png_fixture(path, &format_fixtures[3], PNG_INTERLACE_NONE);
    size_t size;
    uint8_t *png = read_bytes(path, &size);
    uint8_t *longer = malloc(size + 100);
    ck_assert_ptr_nonnull(longer);
    memcpy(longer, png, size);
    memset(longer + size, 0xa5, 100);
    write_bytes(path, longer, size + 100);
    smpsim_image *image = load_ok(path, NULL);
    assert_pixels_match_fixture(image, &format_fixtures[3], PNG_INTERLACE_NONE);
    smpsim_image_free(image);
    free(longer);
    free(png);
}
END_TEST

/* PngSuite s01i3p01 ... s40i3p04: every size from 1x1 to 9x9 (where some
 * Adam7 passes are empty) plus the odd sizes 31..40, interlaced, palette
 * and RGBA 16-bit. */
START_TEST(test_png_odd_sizes_interlaced)
{
    const uint32_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        png_fixture palette = {"palette 4", PNG_COLOR_TYPE_PALETTE, 4, false, 0, 0, NULL, 0,
                               false};
        png_fixture rgba = {"RGBA 16", PNG_COLOR_TYPE_RGBA, 16, false, 0, 0, NULL, 0, false};
        png_fixture *fixtures[] = {&palette, &rgba};
        for (int f = 0; f < 2; f++) {
            fixtures[f]->width = sizes[i];
            fixtures[f]->height = sizes[sizeof sizes / sizeof sizes[0] - 1 - i];
            const char *path = tmp_path("odd.png");
            write_png_fixture(path, fixtures[f], PNG_INTERLACE_ADAM7);
            smpsim_image *image = load_ok(path, NULL);
            assert_pixels_match_fixture(image, fixtures[f], PNG_INTERLACE_ADAM7);
            smpsim_image_free(image);
        }
    }
}
END_TEST

/* ------------------------------------------------------------------------ */
/* In-memory images                                                         */
/* ------------------------------------------------------------------------ */

START_TEST(test_image_new_is_opaque_black)
{
    for (int f = SMPSIM_RGBA8; f <= SMPSIM_RGBA16; f++) {
        smpsim_image *image = NULL;
        ck_assert_int_eq(smpsim_image_new(5, 3, (smpsim_pixel_format)f, &image, NULL), SMPSIM_OK);
        unsigned max = f == SMPSIM_RGBA8 ? 255 : 65535;
        for (uint32_t y = 0; y < 3; y++)
            for (uint32_t x = 0; x < 5; x++)
                for (unsigned c = 0; c < 4; c++)
                    ck_assert_uint_eq(channel(image, x, y, c), c == 3 ? max : 0);
        ck_assert_uint_eq(image->stride, f == SMPSIM_RGBA8 ? 20 : 40);
        smpsim_image_free(image);
    }
}
END_TEST

START_TEST(test_image_new_refuses_bad_requests)
{
    smpsim_image dummy, *image = &dummy;
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_int_eq(smpsim_image_new(0, 5, SMPSIM_RGBA8, &image, &err), SMPSIM_EINVAL);
    ck_assert_ptr_null(image);
    ck_assert_str_ne(err.message, "");
    image = &dummy;
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_image_new(100000, 100000, SMPSIM_RGBA8, &image, &err),
                     SMPSIM_ELIMIT);
    ck_assert_ptr_null(image);
    ck_assert_ptr_nonnull(strstr(err.message, "limit"));
    image = &dummy;
    ck_assert_int_eq(smpsim_image_new(4, 4, (smpsim_pixel_format)7, &image, NULL),
                     SMPSIM_EINVAL);
    ck_assert_ptr_null(image);
    ck_assert_int_eq(smpsim_image_new(4, 4, SMPSIM_RGBA8, NULL, NULL), SMPSIM_EINVAL);
}
END_TEST

START_TEST(test_image_copy_is_deep_and_honours_stride)
{
    /* A hand-made image whose rows are padded to 24 bytes. */
    uint8_t pixels[3 * 24];
    for (size_t i = 0; i < sizeof pixels; i++)
        pixels[i] = (uint8_t)i;
    smpsim_image padded = {5, 3, SMPSIM_RGBA8, 24, pixels};
    smpsim_image *copy = NULL;
    ck_assert_int_eq(smpsim_image_copy(&padded, &copy, NULL), SMPSIM_OK);
    ck_assert_uint_eq(copy->stride, 20);
    ck_assert_ptr_ne(copy->pixels, pixels);
    for (uint32_t y = 0; y < 3; y++)
        for (uint32_t x = 0; x < 5; x++)
            for (unsigned c = 0; c < 4; c++)
                ck_assert_uint_eq(channel(copy, x, y, c), channel(&padded, x, y, c));
    pixels[0] = 99;
    ck_assert_uint_eq(channel(copy, 0, 0, 0), 0);
    smpsim_image_free(copy);
    smpsim_image dummy, *out = &dummy;
    ck_assert_int_eq(smpsim_image_copy(NULL, &out, NULL), SMPSIM_EINVAL);
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_free_null_does_nothing)
{
    smpsim_image_free(NULL);
    smpsim_texts_free(NULL);
    /* Reaching this line is the test: a crash fails it under CK_FORK. */
    ck_assert(true);
}
END_TEST

START_TEST(test_load_memory_refuses_null_data)
{
    smpsim_image dummy, *image = &dummy;
    ck_assert_int_eq(smpsim_image_load_memory(NULL, 10, NULL, &image, NULL), SMPSIM_EINVAL);
    ck_assert_ptr_null(image);
    image = &dummy;
    ck_assert_int_eq(smpsim_image_load_memory(NULL, 0, NULL, &image, NULL), SMPSIM_EFORMAT);
    ck_assert_ptr_null(image);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Saving                                                                   */
/* ------------------------------------------------------------------------ */

static smpsim_image *pattern_image(smpsim_pixel_format format, uint32_t w, uint32_t h,
                                   bool opaque)
{
    smpsim_image *image = NULL;
    ck_assert_int_eq(smpsim_image_new(w, h, format, &image, NULL), SMPSIM_OK);
    int depth = format == SMPSIM_RGBA16 ? 16 : 8;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (unsigned c = 0; c < (opaque ? 3u : 4u); c++)
                set_channel(image, x, y, c, pattern_sample(x, y, c, depth));
    return image;
}

static void assert_same_pixels(const smpsim_image *a, const smpsim_image *b)
{
    ck_assert_int_eq(a->format, b->format);
    ck_assert_uint_eq(a->width, b->width);
    ck_assert_uint_eq(a->height, b->height);
    for (uint32_t y = 0; y < a->height; y++)
        for (uint32_t x = 0; x < a->width; x++)
            for (unsigned c = 0; c < 4; c++)
                ck_assert_msg(channel(a, x, y, c) == channel(b, x, y, c),
                              "pixel (%u,%u) channel %u: %u != %u", (unsigned)x, (unsigned)y, c,
                              channel(a, x, y, c), channel(b, x, y, c));
}

static void save_ok(const smpsim_image *image, const char *path, const smpsim_save_options *opts)
{
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_status status = smpsim_image_save_png(image, path, opts, &err);
    ck_assert_msg(status == SMPSIM_OK, "saving %s: %s", path, err.message);
}

static const smpsim_text round_trip_texts[] = {
    {"Title", "hairline preview, shade 6"},
    {"Description", "dots \xc3\xa0 0.2 mm \xc2\xb7 densit\xc3\xa9 \xe2\x89\x88 80/cm\xc2\xb2"},
};

static void assert_texts_round_trip(const char *path)
{
    smpsim_text *texts = NULL;
    size_t n = 0;
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_int_eq(smpsim_png_read_texts(path, &texts, &n, &err), SMPSIM_OK);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_str_eq(texts[i].key, round_trip_texts[i].key);
        ck_assert_str_eq(texts[i].text, round_trip_texts[i].text);
    }
    smpsim_texts_free(texts);
    size_t size;
    uint8_t *file = read_bytes(path, &size);
    ck_assert(contains(file, size, "tEXtTitle"));      /* ASCII: tEXt */
    ck_assert(contains(file, size, "iTXtDescription")); /* UTF-8: iTXt */
    free(file);
}

START_TEST(test_save_load_round_trip_with_texts)
{
    for (int f = SMPSIM_RGBA8; f <= SMPSIM_RGBA16; f++) {
        smpsim_image *image = pattern_image((smpsim_pixel_format)f, 13, 7, false);
        smpsim_save_options opts;
        smpsim_save_options_init(&opts);
        opts.texts = round_trip_texts;
        opts.n_texts = 2;
        const char *path = tmp_path("round-trip.png");
        save_ok(image, path, &opts);
        smpsim_image *loaded = load_ok(path, NULL);
        assert_same_pixels(image, loaded);
        assert_texts_round_trip(path);
        smpsim_image_free(image);
        smpsim_image_free(loaded);
    }
}
END_TEST

START_TEST(test_save_every_compression_level)
{
    smpsim_image *image = pattern_image(SMPSIM_RGBA8, 40, 30, false);
    for (int level = 1; level <= 9; level++) {
        smpsim_save_options opts;
        smpsim_save_options_init(&opts);
        opts.compression_level = level;
        const char *path = tmp_path("level.png");
        save_ok(image, path, &opts);
        smpsim_image *loaded = load_ok(path, NULL);
        assert_same_pixels(image, loaded);
        smpsim_image_free(loaded);
    }
    smpsim_image_free(image);
}
END_TEST

START_TEST(test_save_opaque_image_as_rgb)
{
    for (int f = SMPSIM_RGBA8; f <= SMPSIM_RGBA16; f++) {
        smpsim_image *image = pattern_image((smpsim_pixel_format)f, 9, 5, true);
        const char *path = tmp_path("opaque.png");
        save_ok(image, path, NULL);
        size_t size;
        uint8_t *file = read_bytes(path, &size);
        ck_assert_uint_eq(file[24], f == SMPSIM_RGBA8 ? 8 : 16); /* IHDR bit depth */
        ck_assert_uint_eq(file[25], PNG_COLOR_TYPE_RGB);         /* IHDR colour type */
        free(file);
        smpsim_image *loaded = load_ok(path, NULL);
        assert_same_pixels(image, loaded);
        smpsim_image_free(loaded);
        smpsim_image_free(image);
    }
}
END_TEST

START_TEST(test_save_16_bit_as_8_bit_rounds)
{
    static const unsigned samples[] = {25828, 25829, 0, 65535, 128, 129, 65407, 65406};
    static const unsigned want[] = {100, 101, 0, 255, 0, 1, 255, 254};
    smpsim_image *image = NULL;
    ck_assert_int_eq(smpsim_image_new(2, 1, SMPSIM_RGBA16, &image, NULL), SMPSIM_OK);
    for (unsigned i = 0; i < 8; i++)
        set_channel(image, i / 4, 0, i % 4, samples[i]);
    smpsim_save_options opts;
    smpsim_save_options_init(&opts);
    opts.force_8bit = 1;
    const char *path = tmp_path("narrow.png");
    save_ok(image, path, &opts);
    smpsim_image *loaded = load_ok(path, NULL);
    ck_assert_int_eq(loaded->format, SMPSIM_RGBA8);
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(channel(loaded, i / 4, 0, i % 4), want[i]);
    smpsim_image_free(loaded);
    smpsim_image_free(image);
}
END_TEST

static void assert_save_refused(const smpsim_save_options *opts, const char *needle)
{
    smpsim_image *image = pattern_image(SMPSIM_RGBA8, 4, 4, true);
    const char *path = tmp_path("refused.png");
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_int_eq(smpsim_image_save_png(image, path, opts, &err), SMPSIM_EINVAL);
    ck_assert_msg(strstr(err.message, needle) != NULL, "\"%s\" lacks \"%s\"", err.message,
                  needle);
    ck_assert(!file_exists(path));
    ck_assert_uint_eq(count_dir_entries(tmpdir), 0);
    smpsim_image_free(image);
}

START_TEST(test_save_refuses_bad_options)
{
    smpsim_save_options opts;
    smpsim_save_options_init(&opts);
    opts.compression_level = 10;
    assert_save_refused(&opts, "compression level 10");
    opts.compression_level = -1;
    assert_save_refused(&opts, "compression level -1");
    opts.compression_level = 0;
    char long_key[81];
    memset(long_key, 'k', 80);
    long_key[80] = '\0';
    const smpsim_text bad[] = {
        {"", "x"}, {long_key, "x"}, {" lead", "x"}, {"two  spaces", "x"}, {"tab\tkey", "x"},
        {"key", "\xff\xfe not UTF-8"}, {"key", "\xed\xa0\x80 surrogate"}, {"key", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        opts.texts = &bad[i];
        opts.n_texts = 1;
        assert_save_refused(&opts, "text chunk");
    }
    opts.texts = NULL;
    assert_save_refused(&opts, "text chunks but no array");
}
END_TEST

typedef struct failing_sink {
    size_t budget; /* bytes accepted before failing */
    size_t calls;
} failing_sink;

static int write_until_budget(void *closure, const void *data, size_t size)
{
    (void)data;
    failing_sink *sink = closure;
    sink->calls++;
    if (size > sink->budget)
        return -1;
    sink->budget -= size;
    return 0;
}

START_TEST(test_stream_write_failure_is_an_io_error)
{
    smpsim_image *image = pattern_image(SMPSIM_RGBA8, 64, 64, false);
    failing_sink sink = {100, 0};
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_int_eq(smpsim_image_write_png_stream(image, write_until_budget, &sink, NULL, &err),
                     SMPSIM_EIO);
    ck_assert_str_ne(err.message, "");
    ck_assert_uint_ge(sink.calls, 2);
    ck_assert_int_eq(smpsim_image_write_png_stream(image, NULL, NULL, NULL, NULL), SMPSIM_EINVAL);
    smpsim_image_free(image);
}
END_TEST

typedef struct memory_sink {
    uint8_t *data;
    size_t size;
} memory_sink;

static int write_to_memory(void *closure, const void *data, size_t size)
{
    memory_sink *sink = closure;
    uint8_t *bigger = realloc(sink->data, sink->size + size);
    if (!bigger)
        return -1;
    memcpy(bigger + sink->size, data, size);
    sink->data = bigger;
    sink->size += size;
    return 0;
}

START_TEST(test_stream_and_memory_round_trip)
{
    smpsim_image *image = pattern_image(SMPSIM_RGBA16, 17, 6, false);
    memory_sink sink = {NULL, 0};
    ck_assert_int_eq(smpsim_image_write_png_stream(image, write_to_memory, &sink, NULL, NULL),
                     SMPSIM_OK);
    smpsim_image *loaded = NULL;
    ck_assert_int_eq(smpsim_image_load_memory(sink.data, sink.size, NULL, &loaded, NULL),
                     SMPSIM_OK);
    assert_same_pixels(image, loaded);
    smpsim_image_free(loaded);
    smpsim_image_free(image);
    free(sink.data);
}
END_TEST

static void assert_save_io_error(const char *path)
{
    smpsim_image *image = pattern_image(SMPSIM_RGBA8, 300, 200, false);
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_int_eq(smpsim_image_save_png(image, path, NULL, &err), SMPSIM_EIO);
    ck_assert_msg(strstr(err.message, path) != NULL, "\"%s\" lacks the path", err.message);
    smpsim_image_free(image);
}

START_TEST(test_save_into_missing_directory_fails_cleanly)
{
    const char *path = tmp_path("missing/out.png");
    assert_save_io_error(path);
    ck_assert(!file_exists(tmp_path("missing")));
    ck_assert_uint_eq(count_dir_entries(tmpdir), 0);
}
END_TEST

/* Through a symbolic link in the test's directory, so that a regression
 * that renamed over the target would replace the link, not the device. */
START_TEST(test_save_to_dev_full_fails_cleanly)
{
    ck_assert_msg(access("/dev/full", W_OK) == 0, "this test needs /dev/full");
    char link[512];
    snprintf(link, sizeof link, "%s", tmp_path("full.png"));
    ck_assert_int_eq(symlink("/dev/full", link), 0);
    assert_save_io_error(link);
    assert_save_io_error("/dev/full/x.png");
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_uint_eq(count_dir_entries(tmpdir), 1); /* the link, no temporary file */
    ck_assert_int_eq(stat("/dev/full", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
}
END_TEST

/* A write that fails half-way (here: the file size limit) leaves the old
 * file as it was and no temporary file. */
START_TEST(test_failed_write_keeps_old_file)
{
    const char *path = tmp_path("kept.png");
    write_bytes(path, "old contents", 12);
    smpsim_image *image = pattern_image(SMPSIM_RGBA8, 300, 200, false); /* ~240 kB */
    struct rlimit old, small;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = (struct rlimit){4096, old.rlim_max};
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_status status = smpsim_image_save_png(image, path, NULL, &err);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    ck_assert_int_eq(status, SMPSIM_EIO);
    ck_assert_msg(strstr(err.message, path) && strstr(err.message, strerror(EFBIG)),
                  "message \"%s\"", err.message);
    size_t size;
    uint8_t *data = read_bytes(path, &size);
    ck_assert_str_eq((const char *)data, "old contents");
    free(data);
    ck_assert_uint_eq(count_dir_entries(tmpdir), 1);
    smpsim_image_free(image);
}
END_TEST

START_TEST(test_save_replaces_existing_file_atomically)
{
    const char *path = tmp_path("preview.png");
    write_bytes(path, "old contents", 12);
    ck_assert_int_eq(chmod(path, 0640), 0);
    smpsim_image *image = pattern_image(SMPSIM_RGBA8, 20, 10, false);
    save_ok(image, path, NULL);
    smpsim_image *loaded = load_ok(path, NULL);
    assert_same_pixels(image, loaded);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0640); /* the old file's permissions */
    ck_assert_uint_eq(count_dir_entries(tmpdir), 1); /* no temporary file left */
    smpsim_image_free(loaded);
    smpsim_image_free(image);
}
END_TEST

START_TEST(test_new_file_gets_umask_permissions)
{
    mode_t old_mask = umask(027);
    smpsim_image *image = pattern_image(SMPSIM_RGBA8, 2, 2, true);
    const char *path = tmp_path("new.png");
    save_ok(image, path, NULL);
    umask(old_mask);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0640);
    smpsim_image_free(image);
}
END_TEST

START_TEST(test_read_texts_converts_latin1_to_utf8)
{
    const char *path = tmp_path("latin1.png");
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_init_io(png, fp);
    png_set_IHDR(png, info, 1, 1, 8, PNG_COLOR_TYPE_GRAY, 0, 0, 0);
    png_text texts[2] = {{0}, {0}};
    texts[0].compression = PNG_TEXT_COMPRESSION_NONE;
    texts[0].key = "Author";
    texts[0].text = "Ren\xe9";
    texts[1].compression = PNG_TEXT_COMPRESSION_zTXt;
    texts[1].key = "Comment";
    texts[1].text = "caf\xe9 after the image";
    png_set_text(png, info, texts, 1);
    png_write_info(png, info);
    png_byte row[1] = {7};
    png_write_row(png, row);
    png_set_text(png, info, texts + 1, 1);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    ck_assert_int_eq(fclose(fp), 0);
    smpsim_text *read = NULL;
    size_t n = 0;
    ck_assert_int_eq(smpsim_png_read_texts(path, &read, &n, NULL), SMPSIM_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(read[0].text, "Ren\xc3\xa9");
    ck_assert_str_eq(read[1].key, "Comment");
    ck_assert_str_eq(read[1].text, "caf\xc3\xa9 after the image");
    smpsim_texts_free(read);
}
END_TEST

START_TEST(test_save_jpeg_round_trip)
{
    /* A JPEG written by the library decodes to nearly the same pixels (no
     * chroma subsampling: a one-pixel dot keeps its colour); bad quality
     * and a missing directory are refused without a file. */
    smpsim_image *im = NULL, *back = NULL;
    ck_assert_int_eq(smpsim_image_new(64, 48, SMPSIM_RGBA8, &im, NULL), SMPSIM_OK);
    for (uint32_t y = 0; y < 48; y++)
        for (uint32_t x = 0; x < 64; x++) {
            uint8_t *p = (uint8_t *)im->pixels + y * im->stride + 4 * x;
            p[0] = (uint8_t)(200 + x % 16);
            p[1] = (uint8_t)(150 + y % 16);
            p[2] = 120;
            p[3] = 255;
        }
    uint8_t *dot = (uint8_t *)im->pixels + 20 * im->stride + 4 * 30;
    dot[0] = dot[1] = dot[2] = 60;
    const char *path = tmp_path("q.jpg");
    ck_assert_int_eq(smpsim_image_save_jpeg(im, path, 95, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_image_load(path, NULL, &back, NULL), SMPSIM_OK);
    ck_assert_uint_eq(back->width, 64);
    ck_assert_uint_eq(back->height, 48);
    int worst = 0;
    for (uint32_t y = 0; y < 48; y++)
        for (uint32_t x = 0; x < 64; x++)
            for (int c = 0; c < 3; c++) {
                int a = ((uint8_t *)im->pixels)[y * im->stride + 4 * x + c];
                int b = ((uint8_t *)back->pixels)[y * back->stride + 4 * x + c];
                worst = abs(a - b) > worst ? abs(a - b) : worst;
            }
    ck_assert_int_le(worst, 40); /* the dot's edge; the smooth parts far less */
    const uint8_t *bd = (uint8_t *)back->pixels + 20 * back->stride + 4 * 30;
    ck_assert_int_lt(bd[0], 140); /* the dot is still dark */
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_image_save_jpeg(im, tmp_path("r.jpg"), 101, &err), SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "quality"));
    ck_assert_int_eq(access(tmp_path("r.jpg"), F_OK), -1);
    ck_assert_int_eq(smpsim_image_save_jpeg(im, "/nonexistent-dir/x.jpg", 0, NULL), SMPSIM_EIO);
    smpsim_image_free(back);
    smpsim_image_free(im);
}
END_TEST

START_TEST(test_read_texts_failures)
{
    smpsim_text dummy, *texts = &dummy;
    size_t n = 99;
    smpsim_error err = {SMPSIM_OK, ""};
    ck_assert_int_eq(smpsim_png_read_texts(tmp_path("none.png"), &texts, &n, &err), SMPSIM_EIO);
    ck_assert_ptr_null(texts);
    ck_assert_uint_eq(n, 0);
    const char *path = tmp_path("not-png.png");
    write_bytes(path, "GIF89a....", 10);
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_png_read_texts(path, &texts, &n, &err), SMPSIM_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    size_t size;
    uint8_t *png = noise_png(&size);
    write_bytes(path, png, size / 2);
    smpsim_error_clear(&err);
    ck_assert_int_eq(smpsim_png_read_texts(path, &texts, &n, &err), SMPSIM_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
    ck_assert_ptr_null(texts);
    free(png);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Statuses and error records                                               */
/* ------------------------------------------------------------------------ */

START_TEST(test_strerror_is_distinct_for_every_status)
{
    for (int a = 0; a < SMPSIM_STATUS_COUNT_; a++) {
        const char *text = smpsim_strerror((smpsim_status)a);
        ck_assert_ptr_nonnull(text);
        ck_assert_str_ne(text, "");
        ck_assert_str_ne(text, "unknown status");
        for (int b = 0; b < a; b++)
            ck_assert_str_ne(text, smpsim_strerror((smpsim_status)b));
    }
    ck_assert_str_eq(smpsim_strerror(SMPSIM_STATUS_COUNT_), "unknown status");
    ck_assert_str_eq(smpsim_strerror((smpsim_status)-1), "unknown status");
    ck_assert_str_eq(smpsim_strerror((smpsim_status)1000), "unknown status");
}
END_TEST

START_TEST(test_first_error_wins)
{
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_image *image;
    ck_assert_int_eq(smpsim_image_new(0, 1, SMPSIM_RGBA8, &image, &err), SMPSIM_EINVAL);
    char first[sizeof err.message];
    memcpy(first, err.message, sizeof first);
    ck_assert_str_ne(first, "");
    ck_assert_int_eq(smpsim_image_load(tmp_path("absent.png"), NULL, &image, &err), SMPSIM_EIO);
    ck_assert_int_eq(err.status, SMPSIM_EINVAL);
    ck_assert_str_eq(err.message, first);
    smpsim_error_clear(&err);
    ck_assert_int_eq(err.status, SMPSIM_OK);
    ck_assert_str_eq(err.message, "");
    /* No record at all is fine too. */
    ck_assert_int_eq(smpsim_image_load(tmp_path("absent.png"), NULL, &image, NULL), SMPSIM_EIO);
}
END_TEST

static Suite *image_suite(void)
{
    Suite *s = suite_create("image");
    TCase *png = tcase_create("png");
    tcase_add_checked_fixture(png, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(png, test_png_every_format_decodes_exactly, 0, 2 * N_FORMAT_FIXTURES);
    tcase_add_test(png, test_png_low_bit_depths_scale_to_full_range);
    tcase_add_test(png, test_png_linear_gamma_is_converted_to_srgb);
    tcase_add_test(png, test_png_srgb_and_gamma_045_are_left_exact);
    tcase_add_test(png, test_png_odd_sizes_interlaced);
    suite_add_tcase(s, png);

    TCase *jpeg = tcase_create("jpeg");
    tcase_add_checked_fixture(jpeg, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(jpeg, test_jpeg_exif_orientation_is_applied, 0,
                        (int)(sizeof orientation_cases / sizeof orientation_cases[0]));
    tcase_add_test(jpeg, test_jpeg_malformed_exif_is_ignored);
    tcase_add_test(jpeg, test_jpeg_grey_loads_as_rgb);
    tcase_add_test(jpeg, test_jpeg_without_end_marker_decodes_with_warning);
    tcase_add_test(jpeg, test_jpeg_cmyk_is_converted_to_rgb);
    suite_add_tcase(s, jpeg);

    TCase *bad = tcase_create("bad input");
    tcase_add_checked_fixture(bad, make_tmpdir, remove_tmpdir);
    tcase_add_test(bad, test_empty_file_is_refused);
    tcase_add_test(bad, test_random_bytes_are_refused);
    tcase_add_test(bad, test_missing_file_is_an_io_error);
    tcase_add_test(bad, test_png_truncated_in_idat_is_refused);
    tcase_add_test(bad, test_png_without_iend_is_refused);
    tcase_add_test(bad, test_png_bad_idat_crc_is_refused);
    tcase_add_test(bad, test_png_huge_header_is_refused_quickly);
    tcase_add_test(bad, test_png_zero_width_is_refused);
    tcase_add_test(bad, test_oversized_file_is_refused_before_reading);
    tcase_add_test(bad, test_load_options_limits_are_applied);
    tcase_add_test(bad, test_jpeg_truncated_is_refused);
    tcase_add_test(bad, test_bad_input_prints_nothing);
    tcase_add_test(bad, test_load_memory_refuses_null_data);
    tcase_add_loop_test(bad, test_png_damaged_files_fail_cleanly, 0, N_DAMAGES);
    tcase_add_test(bad, test_png_trailing_bytes_are_ignored);
    suite_add_tcase(s, bad);

    TCase *memory = tcase_create("memory");
    tcase_add_test(memory, test_image_new_is_opaque_black);
    tcase_add_test(memory, test_image_new_refuses_bad_requests);
    tcase_add_test(memory, test_image_copy_is_deep_and_honours_stride);
    tcase_add_test(memory, test_free_null_does_nothing);
    suite_add_tcase(s, memory);

    TCase *save = tcase_create("save");
    tcase_add_checked_fixture(save, make_tmpdir, remove_tmpdir);
    tcase_add_test(save, test_save_load_round_trip_with_texts);
    tcase_add_test(save, test_save_every_compression_level);
    tcase_add_test(save, test_save_opaque_image_as_rgb);
    tcase_add_test(save, test_save_16_bit_as_8_bit_rounds);
    tcase_add_test(save, test_save_refuses_bad_options);
    tcase_add_test(save, test_stream_write_failure_is_an_io_error);
    tcase_add_test(save, test_stream_and_memory_round_trip);
    tcase_add_test(save, test_save_into_missing_directory_fails_cleanly);
    tcase_add_test(save, test_save_to_dev_full_fails_cleanly);
    tcase_add_test(save, test_failed_write_keeps_old_file);
    tcase_add_test(save, test_save_replaces_existing_file_atomically);
    tcase_add_test(save, test_new_file_gets_umask_permissions);
    tcase_add_test(save, test_read_texts_converts_latin1_to_utf8);
    tcase_add_test(save, test_read_texts_failures);
    tcase_add_test(save, test_save_jpeg_round_trip);
    suite_add_tcase(s, save);

    TCase *status = tcase_create("status");
    tcase_add_checked_fixture(status, make_tmpdir, remove_tmpdir);
    tcase_add_test(status, test_strerror_is_distinct_for_every_status);
    tcase_add_test(status, test_first_error_wins);
    suite_add_tcase(s, status);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(image_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
