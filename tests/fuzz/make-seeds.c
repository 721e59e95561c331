/* Writes the seed corpora of the fuzz targets: small PNG and JPEG files
 * covering every colour type, bit depth and coding mode the loaders
 * handle, plus a few broken ones. Run by hand when the seeds need to
 * change, then commit the files:
 *
 *   build/tests/fuzz/make-seeds tests/fuzz/corpus
 *
 * The output depends only on this program and the versions of libpng and
 * libjpeg, so rerunning it changes nothing when they are unchanged. */
#include <png.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

static const char *out_dir;

static FILE *open_seed(const char *kind, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, kind, name);
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        perror(path);
        exit(1);
    }
    return fp;
}

static void close_seed(FILE *fp)
{
    if (fclose(fp) != 0) {
        perror("fclose");
        exit(1);
    }
}

static unsigned sample(uint32_t x, uint32_t y, unsigned c, int depth)
{
    uint32_t h = (x * 31u + y * 17u + c * 7u + 1u) * 2654435761u;
    return (h >> 9) & ((1u << depth) - 1);
}

/* ------------------------------------------------------------------------ */
/* PNG                                                                      */
/* ------------------------------------------------------------------------ */

typedef struct png_seed {
    int colour_type;
    int bit_depth;
    uint32_t width, height;
    int interlace;
    bool trns;
    png_fixed_point gamma; /* 0: no gAMA */
    bool srgb;
    bool texts;
} png_seed;

static unsigned channels_of(int colour_type)
{
    static const unsigned channels[7] = {1, 0, 3, 1, 2, 0, 4};
    return channels[colour_type];
}

static void pack(uint8_t *row, unsigned index, unsigned value, int depth)
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

static void set_ancillary(png_structp png, png_infop info, const png_seed *s)
{
    if (s->colour_type == PNG_COLOR_TYPE_PALETTE) {
        png_color palette[256];
        png_byte alpha[256];
        unsigned n = 1u << s->bit_depth;
        for (unsigned i = 0; i < n; i++) {
            palette[i] = (png_color){(png_byte)(i * 53), (png_byte)(i * 101), (png_byte)(i * 197)};
            alpha[i] = (png_byte)(i * 61 + 5);
        }
        png_set_PLTE(png, info, palette, (int)n);
        if (s->trns)
            png_set_tRNS(png, info, alpha, (int)(n + 1) / 2, NULL);
    } else if (s->trns) {
        png_color_16 colour = {0, (png_uint_16)sample(1, 0, 0, s->bit_depth),
                               (png_uint_16)sample(1, 0, 1, s->bit_depth),
                               (png_uint_16)sample(1, 0, 2, s->bit_depth),
                               (png_uint_16)sample(1, 0, 0, s->bit_depth)};
        png_set_tRNS(png, info, NULL, 0, &colour);
    }
    if (s->gamma)
        png_set_gAMA_fixed(png, info, s->gamma);
    if (s->srgb)
        png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    if (s->texts) {
        png_text texts[3];
        memset(texts, 0, sizeof texts);
        texts[0] = (png_text){PNG_TEXT_COMPRESSION_NONE, "smpsim:seed", "7", 0, 0, NULL, NULL};
        texts[1] = (png_text){PNG_TEXT_COMPRESSION_zTXt, "Comment", "caf\xe9", 0, 0, NULL, NULL};
        texts[2] = (png_text){PNG_ITXT_COMPRESSION_NONE, "Title", "\xc3\xa9t\xc3\xa9", 0, 0,
                              "fr", NULL};
        png_set_text(png, info, texts, 3);
    }
}

static void write_png_seed(const char *name, const png_seed *s)
{
    FILE *fp = open_seed("png", name);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        fprintf(stderr, "%s: libpng failed\n", name);
        exit(1);
    }
    png_init_io(png, fp);
    png_set_compression_level(png, 9);
    png_set_IHDR(png, info, s->width, s->height, s->bit_depth, s->colour_type, s->interlace,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    set_ancillary(png, info, s);
    png_write_info(png, info);
    unsigned channels = channels_of(s->colour_type);
    size_t row_bytes = ((size_t)s->width * channels * (unsigned)s->bit_depth + 7) / 8;
    uint8_t *rows = calloc(s->height, row_bytes);
    png_bytep pointers[64];
    for (uint32_t y = 0; y < s->height && y < 64; y++) {
        pointers[y] = rows + y * row_bytes;
        for (uint32_t x = 0; x < s->width; x++)
            for (unsigned c = 0; c < channels; c++)
                pack(pointers[y], x * channels + c, sample(x, y, c, s->bit_depth), s->bit_depth);
    }
    png_write_image(png, pointers);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(rows);
    close_seed(fp);
}

static void write_png_seeds(void)
{
    static const struct {
        int colour_type;
        const char *label;
        int depths[5];
    } types[] = {
        {PNG_COLOR_TYPE_GRAY, "grey", {1, 2, 4, 8, 16}},
        {PNG_COLOR_TYPE_PALETTE, "palette", {1, 2, 4, 8, 0}},
        {PNG_COLOR_TYPE_RGB, "rgb", {8, 16, 0, 0, 0}},
        {PNG_COLOR_TYPE_GRAY_ALPHA, "grey-alpha", {8, 16, 0, 0, 0}},
        {PNG_COLOR_TYPE_RGBA, "rgba", {8, 16, 0, 0, 0}},
    };
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        for (int d = 0; d < 5 && types[t].depths[d]; d++) {
            for (int interlace = 0; interlace < 2; interlace++) {
                char name[64];
                snprintf(name, sizeof name, "%s-%d%s.png", types[t].label, types[t].depths[d],
                         interlace ? "-adam7" : "");
                png_seed s = {types[t].colour_type, types[t].depths[d], 7, 5, interlace,
                              false, 0, false, false};
                write_png_seed(name, &s);
            }
        }
    }
    const png_seed extras[] = {
        {PNG_COLOR_TYPE_GRAY, 8, 6, 4, 0, true, 0, false, false},
        {PNG_COLOR_TYPE_RGB, 16, 6, 4, 1, true, 0, false, false},
        {PNG_COLOR_TYPE_PALETTE, 4, 6, 4, 0, true, 0, false, false},
        {PNG_COLOR_TYPE_RGB, 8, 4, 4, 0, false, 100000, false, false},
        {PNG_COLOR_TYPE_GRAY, 16, 4, 4, 0, false, 100000, false, false},
        {PNG_COLOR_TYPE_RGBA, 8, 4, 4, 0, false, 0, true, true},
        {PNG_COLOR_TYPE_RGB, 8, 1, 1, 1, false, 0, false, false},
        {PNG_COLOR_TYPE_GRAY, 1, 9, 1, 1, false, 0, false, false},
        {PNG_COLOR_TYPE_RGBA, 16, 2, 9, 1, false, 0, false, false},
    };
    const char *names[] = {"grey-8-trns.png",   "rgb-16-trns-adam7.png", "palette-4-trns.png",
                           "rgb-8-linear.png",  "grey-16-linear.png",    "rgba-8-srgb-text.png",
                           "rgb-1x1-adam7.png", "grey-1-9x1-adam7.png",  "rgba-16-2x9-adam7.png"};
    for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++)
        write_png_seed(names[i], &extras[i]);
}

/* ------------------------------------------------------------------------ */
/* JPEG                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct jpeg_seed {
    uint32_t width, height;
    int components;
    J_COLOR_SPACE space;
    int sampling; /* horizontal and vertical factor of the first component */
    bool progressive;
    bool arithmetic;
    int restart_rows;
    unsigned orientation; /* EXIF; 0: no APP1 */
    bool adobe;
} jpeg_seed;

static void put16be(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void write_exif(j_compress_ptr cinfo, unsigned orientation)
{
    uint8_t exif[32] = "Exif\0\0MM";
    uint8_t *tiff = exif + 6;
    put16be(tiff + 2, 42);
    put16be(tiff + 6, 8);
    put16be(tiff + 8, 1);
    put16be(tiff + 10, 0x0112);
    put16be(tiff + 12, 3);
    put16be(tiff + 16, 1);
    put16be(tiff + 18, orientation);
    jpeg_write_marker(cinfo, JPEG_APP0 + 1, exif, sizeof exif);
}

static void write_jpeg_seed(const char *name, const jpeg_seed *s)
{
    FILE *fp = open_seed("jpeg", name);
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, fp);
    cinfo.image_width = s->width;
    cinfo.image_height = s->height;
    cinfo.input_components = s->components;
    cinfo.in_color_space = s->space;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 75, TRUE);
    cinfo.comp_info[0].h_samp_factor = s->sampling;
    cinfo.comp_info[0].v_samp_factor = s->sampling;
    cinfo.arith_code = s->arithmetic;
    cinfo.restart_in_rows = s->restart_rows;
    cinfo.write_Adobe_marker = s->adobe;
    if (s->progressive)
        jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    if (s->orientation)
        write_exif(&cinfo, s->orientation);
    size_t row_size = (size_t)s->width * (size_t)s->components;
    uint8_t *row = malloc(row_size);
    while (cinfo.next_scanline < cinfo.image_height) {
        for (size_t i = 0; i < row_size; i++)
            row[i] = (uint8_t)sample((uint32_t)i / 3, cinfo.next_scanline, (unsigned)i % 3, 8);
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    free(row);
    close_seed(fp);
}

static void write_jpeg_seeds(void)
{
    static const struct {
        const char *name;
        jpeg_seed seed;
    } seeds[] = {
        {"rgb-420.jpg", {17, 11, 3, JCS_RGB, 2, false, false, 0, 0, false}},
        {"rgb-444.jpg", {9, 8, 3, JCS_RGB, 1, false, false, 0, 0, false}},
        {"rgb-progressive.jpg", {17, 11, 3, JCS_RGB, 2, true, false, 0, 0, false}},
        {"rgb-arithmetic.jpg", {16, 16, 3, JCS_RGB, 2, false, true, 0, 0, false}},
        {"rgb-progressive-arithmetic.jpg", {16, 9, 3, JCS_RGB, 1, true, true, 0, 0, false}},
        {"rgb-restart.jpg", {24, 40, 3, JCS_RGB, 2, false, false, 1, 0, false}},
        {"grey.jpg", {8, 8, 1, JCS_GRAYSCALE, 1, false, false, 0, 0, false}},
        {"grey-progressive.jpg", {13, 7, 1, JCS_GRAYSCALE, 1, true, false, 0, 0, false}},
        {"cmyk.jpg", {8, 8, 4, JCS_CMYK, 1, false, false, 0, 0, false}},
        {"cmyk-adobe.jpg", {8, 8, 4, JCS_CMYK, 1, false, false, 0, 0, true}},
        {"rgb-1x1.jpg", {1, 1, 3, JCS_RGB, 2, false, false, 0, 0, false}},
        {"exif-3.jpg", {12, 6, 3, JCS_RGB, 2, false, false, 0, 3, false}},
        {"exif-6.jpg", {12, 6, 3, JCS_RGB, 2, false, false, 0, 6, false}},
        {"exif-8-progressive.jpg", {12, 6, 3, JCS_RGB, 1, true, false, 0, 8, false}},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        write_jpeg_seed(seeds[i].name, &seeds[i].seed);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS-DIRECTORY (with png/ and jpeg/ inside)\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    write_png_seeds();
    write_jpeg_seeds();
    return 0;
}
