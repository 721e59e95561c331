/* PNG files with libpng 1.6: decoding, encoding, text chunks.
 *
 * libpng reports errors by calling our handler, which records the message
 * and longjmps back to the function that called setjmp. Everything that
 * must survive the jump lives in a png_session owned by that function's
 * caller, so no local variable is modified between setjmp and longjmp. */
#include "io/io-private.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

/* Largest ancillary chunk libpng may allocate (text, ICC profile ...). */
#define CHUNK_MALLOC_MAX ((png_alloc_size_t)8 << 20)
/* zlib level 2 with the UP filter on every row. Measured on the four sample
 * photos (RGB, 2.7 Mpx in all): UP 3.10 MB in 94 ms, SUB 3.34 MB in 98 ms,
 * libpng's adaptive choice of all filters 3.24 MB in 148 ms. */
#define DEFAULT_COMPRESSION_LEVEL 2
#define WRITE_FILTERS PNG_FILTER_UP
#define KEY_MAX_LENGTH 79
/* A gAMA within 5 % of 1/2.2 is taken to mean sRGB, as libpng does. */
#define GAMMA_TOLERANCE 0.05

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

typedef struct png_session {
    png_structp png;
    png_infop info;
    smpsim_status status; /* reported when libpng raises an error */
    char message[256];
    char warning[128]; /* the latest warning, for context */
    long row;   /* image row being read, -1 when not in the rows */
    int passes; /* 7 for Adam7 images */
    /* reading: from memory, or from a file */
    const uint8_t *data;
    size_t size;
    size_t pos;
    FILE *fp;
    /* writing */
    smpsim_write_func write;
    void *closure;
    /* owned memory, freed by the session's owner */
    smpsim_image *image;
    uint8_t *row_buffer;
    png_text *texts;
} png_session;

static png_session session_start(smpsim_status status)
{
    png_session s;
    memset(&s, 0, sizeof s);
    s.status = status;
    s.row = -1;
    return s;
}

static bool host_is_little_endian(void)
{
    const uint16_t probe = 1;
    uint8_t first;
    memcpy(&first, &probe, 1);
    return first == 1;
}

/* ------------------------------------------------------------------------ */
/* libpng callbacks                                                         */
/* ------------------------------------------------------------------------ */

/* libpng explains a bad IHDR in warnings, then raises this summary. */
#define BAD_IHDR_SUMMARY "Invalid IHDR data"

static void on_error(png_structp png, png_const_charp message)
{
    png_session *s = png_get_error_ptr(png);
    if (!strcmp(message, BAD_IHDR_SUMMARY) && s->warning[0])
        snprintf(s->message, sizeof s->message, "%s: %s", message, s->warning);
    else
        snprintf(s->message, sizeof s->message, "%s", message);
    png_longjmp(png, 1);
}

/* Warnings (a bad ancillary chunk, say) do not stop decoding and are not
 * printed; the latest is kept to explain a following error. */
static void on_warning(png_structp png, png_const_charp message)
{
    png_session *s = png_get_error_ptr(png);
    snprintf(s->warning, sizeof s->warning, "%s", message);
}

static png_voidp on_malloc(png_structp png, png_alloc_size_t size)
{
    void *p = malloc(size);
    if (!p) {
        png_session *s = png_get_mem_ptr(png);
        s->status = SMPSIM_ENOMEM;
    }
    return p;
}

static void on_free(png_structp png, png_voidp p)
{
    (void)png;
    free(p);
}

static void read_from_memory(png_structp png, png_bytep buffer, size_t n)
{
    png_session *s = png_get_io_ptr(png);
    if (n > s->size - s->pos)
        png_error(png, "truncated PNG data");
    memcpy(buffer, s->data + s->pos, n);
    s->pos += n;
}

static void read_from_file(png_structp png, png_bytep buffer, size_t n)
{
    png_session *s = png_get_io_ptr(png);
    if (fread(buffer, 1, n, s->fp) == n)
        return;
    if (!ferror(s->fp))
        png_error(png, "truncated PNG data");
    s->status = SMPSIM_EIO;
    png_error(png, strerror(errno));
}

static void write_to_sink(png_structp png, png_bytep data, size_t n)
{
    png_session *s = png_get_io_ptr(png);
    if (s->write(s->closure, data, n) == 0)
        return;
    s->status = SMPSIM_EIO;
    png_error(png, "the output stream refused the data");
}

static void flush_nothing(png_structp png)
{
    (void)png;
}

static smpsim_status session_failure(const png_session *s, smpsim_error *err)
{
    if (s->row < 0)
        return smpsim__fail(err, s->status, "%s", s->message);
    if (s->passes > 1)
        return smpsim__fail(err, s->status, "%s in row %ld (interlaced image)", s->message,
                            s->row);
    return smpsim__fail(err, s->status, "%s in row %ld", s->message, s->row);
}

static bool create_read_session(png_session *s)
{
    s->png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, s, on_error, on_warning, s,
                                      on_malloc, on_free);
    s->info = s->png ? png_create_info_struct(s->png) : NULL;
    return s->info != NULL;
}

/* Chunks are named as a list of 4-letter names, each followed by a NUL. */
static void keep_only_chunks(png_structp png, const char *names, int count)
{
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_AS_DEFAULT, (png_const_bytep)names, count);
}

/* ------------------------------------------------------------------------ */
/* Decoding                                                                 */
/* ------------------------------------------------------------------------ */

/* Asks libpng for 8 or 16-bit RGBA in host byte order; returns the number
 * of interlace passes. */
static int request_rgba(png_structp png, png_infop info)
{
    int colour_type = png_get_color_type(png, info);
    png_set_expand(png); /* palette -> RGB, grey < 8 bits -> 8, tRNS -> alpha */
    png_set_gray_to_rgb(png);
    if (!(colour_type & PNG_COLOR_MASK_ALPHA) && !png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_add_alpha(png, 0xffff, PNG_FILLER_AFTER);
    if (png_get_bit_depth(png, info) == 16 && host_is_little_endian())
        png_set_swap(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    return passes;
}

static void read_rows(png_session *s)
{
    smpsim_image *image = s->image;
    uint8_t *pixels = image->pixels;
    for (int pass = 0; pass < s->passes; pass++) {
        for (uint32_t y = 0; y < image->height; y++) {
            s->row = (long)y;
            png_read_row(s->png, pixels + y * image->stride, NULL);
        }
    }
    s->row = -1;
}

/* The exponent of the file's transfer function when its pixels are not
 * sRGB-encoded (e.g. 1.0 for linear data), or 0 when they are. */
static double file_gamma(png_structp png, png_infop info)
{
    png_fixed_point gamma;
    if (png_get_valid(png, info, PNG_INFO_sRGB) || !png_get_gAMA_fixed(png, info, &gamma) ||
        gamma <= 0)
        return 0;
    double g = gamma / 100000.0;
    return fabs(g * 2.2 - 1) < GAMMA_TOLERANCE ? 0 : g;
}

static smpsim_status decode_guarded(png_session *s, const smpsim_load_options *opts,
                                    double *gamma, smpsim_error *err)
{
    if (setjmp(png_jmpbuf(s->png)))
        return session_failure(s, err);
    png_structp png = s->png;
    png_set_read_fn(png, s, read_from_memory);
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_chunk_malloc_max(png, CHUNK_MALLOC_MAX);
    keep_only_chunks(png, "gAMA\0sRGB", 2);
    png_read_info(png, s->info);
    uint32_t width = png_get_image_width(png, s->info);
    uint32_t height = png_get_image_height(png, s->info);
    smpsim_status status = smpsim__check_dimensions(width, height, opts, "PNG header", err);
    if (status != SMPSIM_OK)
        return status;
    *gamma = file_gamma(png, s->info);
    bool wide = png_get_bit_depth(png, s->info) == 16;
    s->passes = request_rgba(png, s->info);
    status = smpsim__image_alloc(width, height, wide ? SMPSIM_RGBA16 : SMPSIM_RGBA8,
                                 s->passes > 1, &s->image, err);
    if (status != SMPSIM_OK)
        return status;
    if (png_get_rowbytes(png, s->info) != s->image->stride)
        png_error(png, "unexpected decoded row size");
    read_rows(s);
    png_read_end(png, NULL);
    return SMPSIM_OK;
}

/* Maps v in 0..max through the file's transfer function to sRGB. */
static void build_srgb_table(uint16_t *table, unsigned max, double gamma)
{
    for (unsigned v = 0; v <= max; v++) {
        double linear = pow((double)v / max, 1.0 / gamma);
        table[v] = (uint16_t)lround(smpsim__linear_to_srgb(linear) * max);
    }
}

static void apply_table8(smpsim_image *image, const uint16_t *table)
{
    uint8_t *p = image->pixels;
    size_t samples = (size_t)image->width * image->height * 4;
    for (size_t i = 0; i < samples; i++)
        if (i % 4 != 3)
            p[i] = (uint8_t)table[p[i]];
}

static void apply_table16(smpsim_image *image, const uint16_t *table)
{
    uint16_t *p = image->pixels;
    size_t samples = (size_t)image->width * image->height * 4;
    for (size_t i = 0; i < samples; i++)
        if (i % 4 != 3)
            p[i] = table[p[i]];
}

/* Re-encodes the colour channels of an image decoded from a file with a
 * transfer function other than sRGB (alpha is linear in PNG). */
static smpsim_status convert_to_srgb(smpsim_image *image, double gamma, smpsim_error *err)
{
    if (gamma == 0)
        return SMPSIM_OK;
    unsigned max = image->format == SMPSIM_RGBA16 ? UINT16_MAX : UINT8_MAX;
    uint16_t *table = malloc((max + 1) * sizeof *table);
    if (!table)
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for a gamma table");
    build_srgb_table(table, max, gamma);
    if (image->format == SMPSIM_RGBA16)
        apply_table16(image, table);
    else
        apply_table8(image, table);
    free(table);
    return SMPSIM_OK;
}

smpsim_status smpsim__png_decode(const uint8_t *data, size_t size, const smpsim_load_options *opts,
                                 smpsim_image **out, smpsim_error *err)
{
    *out = NULL;
    png_session s = session_start(SMPSIM_EFORMAT);
    s.data = data;
    s.size = size;
    if (!create_read_session(&s)) {
        png_destroy_read_struct(&s.png, NULL, NULL);
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for a PNG decoder");
    }
    double gamma = 0;
    smpsim_status status = decode_guarded(&s, opts, &gamma, err);
    png_destroy_read_struct(&s.png, &s.info, NULL);
    if (status == SMPSIM_OK)
        status = convert_to_srgb(s.image, gamma, err);
    if (status != SMPSIM_OK) {
        smpsim_image_free(s.image);
        return status;
    }
    *out = s.image;
    return SMPSIM_OK;
}

/* ------------------------------------------------------------------------ */
/* Text chunks on reading                                                   */
/* ------------------------------------------------------------------------ */

/* tEXt and zTXt hold Latin-1, iTXt UTF-8; callers always get UTF-8. */
static bool text_is_latin1(const png_text *t)
{
    return t->compression == PNG_TEXT_COMPRESSION_NONE ||
           t->compression == PNG_TEXT_COMPRESSION_zTXt;
}

static size_t utf8_size_of_latin1(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += (unsigned char)*s < 0x80 ? 1 : 2;
    return n;
}

static char *copy_latin1_as_utf8(char *to, const char *from)
{
    for (; *from; from++) {
        unsigned char c = (unsigned char)*from;
        if (c < 0x80) {
            *to++ = (char)c;
        } else {
            *to++ = (char)(0xc0 | (c >> 6));
            *to++ = (char)(0x80 | (c & 0x3f));
        }
    }
    *to++ = '\0';
    return to;
}

static char *copy_string(char *to, const char *from)
{
    size_t n = strlen(from) + 1;
    memcpy(to, from, n);
    return to + n;
}

static bool texts_size(const png_text *texts, int n, size_t *total)
{
    size_t size;
    if (!smpsim__mul_size((size_t)n, sizeof(smpsim_text), &size))
        return false;
    for (int i = 0; i < n; i++) {
        const png_text *t = &texts[i];
        size_t text = text_is_latin1(t) ? utf8_size_of_latin1(t->text) : strlen(t->text);
        if (!smpsim__add_size(size, strlen(t->key) + 1, &size) ||
            !smpsim__add_size(size, text + 1, &size))
            return false;
    }
    *total = size;
    return true;
}

/* One allocation: the array, then the strings it points to. */
static smpsim_status collect_texts(const png_text *texts, int n, smpsim_text **out,
                                   smpsim_error *err)
{
    size_t size;
    smpsim_text *result = NULL;
    if (!texts_size(texts, n, &size) || !(result = malloc(size)))
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for %d text chunks", n);
    char *strings = (char *)(result + n);
    for (int i = 0; i < n; i++) {
        result[i].key = strings;
        strings = copy_string(strings, texts[i].key);
        result[i].text = strings;
        strings = text_is_latin1(&texts[i]) ? copy_latin1_as_utf8(strings, texts[i].text)
                                            : copy_string(strings, texts[i].text);
    }
    *out = result;
    return SMPSIM_OK;
}

/* Reads (and drops) the image data one row at a time, so that libpng
 * reaches the chunks after it. */
static smpsim_status skip_rows(png_session *s, smpsim_error *err)
{
    png_structp png = s->png;
    uint32_t height = png_get_image_height(png, s->info);
    smpsim_status status = smpsim__check_dimensions(png_get_image_width(png, s->info), height,
                                                    NULL, "PNG header", err);
    if (status != SMPSIM_OK)
        return status;
    s->passes = png_set_interlace_handling(png);
    png_read_update_info(png, s->info);
    s->row_buffer = malloc(png_get_rowbytes(png, s->info));
    if (!s->row_buffer)
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for a PNG row");
    for (int pass = 0; pass < s->passes; pass++) {
        for (uint32_t y = 0; y < height; y++) {
            s->row = (long)y;
            png_read_row(png, s->row_buffer, NULL);
        }
    }
    s->row = -1;
    return SMPSIM_OK;
}

static smpsim_status read_texts_guarded(png_session *s, smpsim_text **out, size_t *n_out,
                                        smpsim_error *err)
{
    if (setjmp(png_jmpbuf(s->png)))
        return session_failure(s, err);
    png_structp png = s->png;
    png_set_read_fn(png, s, read_from_file);
    png_set_sig_bytes(png, sizeof png_signature);
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_chunk_malloc_max(png, CHUNK_MALLOC_MAX);
    keep_only_chunks(png, "tEXt\0zTXt\0iTXt", 3);
    png_read_info(png, s->info);
    smpsim_status status = skip_rows(s, err);
    if (status != SMPSIM_OK)
        return status;
    png_read_end(png, s->info);
    png_textp texts;
    int n = png_get_text(png, s->info, &texts, NULL);
    if (n <= 0)
        return SMPSIM_OK;
    status = collect_texts(texts, n, out, err);
    if (status == SMPSIM_OK)
        *n_out = (size_t)n;
    return status;
}

static smpsim_status check_png_signature(FILE *fp, smpsim_error *err)
{
    uint8_t head[sizeof png_signature];
    size_t n = fread(head, 1, sizeof head, fp);
    if (ferror(fp))
        return smpsim__fail(err, SMPSIM_EIO, "%s", strerror(errno));
    if (n < sizeof head || memcmp(head, png_signature, sizeof head))
        return smpsim__fail(err, SMPSIM_EFORMAT, "not a PNG file");
    return SMPSIM_OK;
}

static smpsim_status read_texts_from(FILE *fp, smpsim_text **out, size_t *n_out,
                                     smpsim_error *err)
{
    smpsim_status status = check_png_signature(fp, err);
    if (status != SMPSIM_OK)
        return status;
    png_session s = session_start(SMPSIM_EFORMAT);
    s.fp = fp;
    if (!create_read_session(&s)) {
        png_destroy_read_struct(&s.png, NULL, NULL);
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for a PNG decoder");
    }
    status = read_texts_guarded(&s, out, n_out, err);
    png_destroy_read_struct(&s.png, &s.info, NULL);
    free(s.row_buffer);
    return status;
}

smpsim_status smpsim_png_read_texts(const char *path, smpsim_text **out, size_t *n_out,
                                    smpsim_error *err)
{
    if (!out || !n_out)
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_png_read_texts: out is NULL");
    *out = NULL;
    *n_out = 0;
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_png_read_texts: path is NULL");
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return smpsim__fail(err, SMPSIM_EIO, "%s: %s", path, strerror(errno));
    smpsim_error local = {SMPSIM_OK, ""};
    smpsim_status status = read_texts_from(fp, out, n_out, &local);
    fclose(fp);
    if (status != SMPSIM_OK)
        return smpsim__fail(err, status, "%s: %s", path, local.message);
    return SMPSIM_OK;
}

void smpsim_texts_free(smpsim_text *texts)
{
    free(texts);
}

/* ------------------------------------------------------------------------ */
/* Validating what is to be written                                         */
/* ------------------------------------------------------------------------ */

static bool image_is_writable(const smpsim_image *image)
{
    if (!image || !image->pixels || image->width == 0 || image->height == 0 ||
        image->width > PNG_UINT_31_MAX || image->height > PNG_UINT_31_MAX)
        return false;
    size_t pixel_size = image->format == SMPSIM_RGBA16 ? 8 : 4;
    return (image->format == SMPSIM_RGBA8 || image->format == SMPSIM_RGBA16) &&
           image->stride / pixel_size >= image->width;
}

static bool is_latin1_printable(unsigned char c)
{
    return (c >= 0x20 && c <= 0x7e) || c >= 0xa1;
}

/* PNG keywords: 1-79 printable Latin-1 characters, no leading, trailing or
 * doubled spaces (libpng would silently rewrite them). */
static smpsim_status check_key(const char *key, smpsim_error *err)
{
    if (!key)
        return smpsim__fail(err, SMPSIM_EINVAL, "text chunk key is NULL");
    size_t n = strlen(key);
    if (n < 1 || n > KEY_MAX_LENGTH)
        return smpsim__fail(err, SMPSIM_EINVAL, "text chunk key \"%.90s\" is %zu characters "
                            "long, not 1-%d", key, n, KEY_MAX_LENGTH);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)key[i];
        bool bad_space = c == ' ' && (i == 0 || i == n - 1 || key[i + 1] == ' ');
        if (!is_latin1_printable(c) || bad_space)
            return smpsim__fail(err, SMPSIM_EINVAL, "text chunk key \"%s\": character %zu is "
                                "not allowed in a PNG keyword", key, i + 1);
    }
    return SMPSIM_OK;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* Length of the UTF-8 sequence at s, or 0 if it is not valid UTF-8
 * (overlong forms, surrogates and values above U+10FFFF are refused). */
static size_t utf8_sequence_length(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || s[0] > 0xf4)
        return 0;
    uint32_t cp = s[0] & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min_of_length[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_of_length[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static bool is_utf8(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        size_t n = utf8_sequence_length(s);
        if (n == 0)
            return false;
        s += n;
    }
    return true;
}

static smpsim_status check_text(const smpsim_text *t, smpsim_error *err)
{
    smpsim_status status = check_key(t->key, err);
    if (status != SMPSIM_OK)
        return status;
    if (!t->text)
        return smpsim__fail(err, SMPSIM_EINVAL, "text chunk \"%s\": text is NULL", t->key);
    if (!is_utf8(t->text))
        return smpsim__fail(err, SMPSIM_EINVAL, "text chunk \"%s\": text is not valid UTF-8",
                            t->key);
    return SMPSIM_OK;
}

static smpsim_status check_save_request(const smpsim_image *image,
                                        const smpsim_save_options *opts, smpsim_error *err)
{
    if (!image_is_writable(image))
        return smpsim__fail(err, SMPSIM_EINVAL, "not a valid image to write");
    int level = opts->compression_level;
    if (level != 0 && (level < 1 || level > 9))
        return smpsim__fail(err, SMPSIM_EINVAL, "compression level %d is outside 1-9", level);
    if (opts->n_texts > 0 && !opts->texts)
        return smpsim__fail(err, SMPSIM_EINVAL, "%zu text chunks but no array",
                            opts->n_texts);
    if (opts->n_texts > INT_MAX)
        return smpsim__fail(err, SMPSIM_EINVAL, "too many text chunks (%zu)", opts->n_texts);
    for (size_t i = 0; i < opts->n_texts; i++) {
        smpsim_status status = check_text(&opts->texts[i], err);
        if (status != SMPSIM_OK)
            return status;
    }
    return SMPSIM_OK;
}

/* ------------------------------------------------------------------------ */
/* Encoding                                                                 */
/* ------------------------------------------------------------------------ */

/* What goes into the file: 8 or 16 bits, with or without alpha. */
typedef struct png_layout {
    int bit_depth;
    bool narrow_16; /* 16-bit image written as 8 bits */
    bool opaque;    /* every alpha is at its maximum: write RGB */
} png_layout;

/* round(v * 255 / 65535) */
static uint8_t narrow_sample(uint16_t v)
{
    return (uint8_t)(((uint32_t)v * 255u + 32767u) / 65535u);
}

static bool alpha_is_opaque(const smpsim_image *image, bool narrow)
{
    const uint8_t *row = image->pixels;
    for (uint32_t y = 0; y < image->height; y++, row += image->stride) {
        for (uint32_t x = 0; x < image->width; x++) {
            bool opaque;
            if (image->format == SMPSIM_RGBA8) {
                opaque = row[4 * x + 3] == UINT8_MAX;
            } else {
                uint16_t a;
                memcpy(&a, row + 8 * x + 6, sizeof a);
                opaque = narrow ? narrow_sample(a) == UINT8_MAX : a == UINT16_MAX;
            }
            if (!opaque)
                return false;
        }
    }
    return true;
}

static png_layout choose_layout(const smpsim_image *image, const smpsim_save_options *opts)
{
    png_layout layout;
    bool wide = image->format == SMPSIM_RGBA16;
    layout.narrow_16 = wide && opts->force_8bit;
    layout.bit_depth = wide && !layout.narrow_16 ? 16 : 8;
    layout.opaque = alpha_is_opaque(image, layout.narrow_16);
    return layout;
}

/* png_text entries pointing at the caller's strings (libpng copies them). */
static smpsim_status prepare_texts(png_session *s, const smpsim_save_options *opts,
                                   smpsim_error *err)
{
    if (opts->n_texts == 0)
        return SMPSIM_OK;
    s->texts = calloc(opts->n_texts, sizeof *s->texts);
    if (!s->texts)
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for text chunks");
    for (size_t i = 0; i < opts->n_texts; i++) {
        const smpsim_text *t = &opts->texts[i];
        s->texts[i].compression =
            is_ascii(t->text) ? PNG_TEXT_COMPRESSION_NONE : PNG_ITXT_COMPRESSION_NONE;
        s->texts[i].key = (png_charp)t->key;
        s->texts[i].text = (png_charp)t->text;
    }
    return SMPSIM_OK;
}

static void set_header(png_session *s, const smpsim_image *image, const png_layout *layout,
                       const smpsim_save_options *opts)
{
    png_structp png = s->png;
    int colour_type = layout->opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA;
    png_set_IHDR(png, s->info, image->width, image->height, layout->bit_depth, colour_type,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_sRGB(png, s->info, PNG_sRGB_INTENT_PERCEPTUAL);
    if (opts->n_texts > 0)
        png_set_text(png, s->info, s->texts, (int)opts->n_texts);
    int level = opts->compression_level ? opts->compression_level : DEFAULT_COMPRESSION_LEVEL;
    png_set_compression_level(png, level);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, WRITE_FILTERS);
}

/* Transforms applied by libpng to each row we hand it. */
static void set_write_transforms(png_structp png, const png_layout *layout)
{
    if (layout->opaque)
        png_set_filler(png, 0, PNG_FILLER_AFTER); /* on writing: drop the 4th sample */
    if (layout->bit_depth == 16 && host_is_little_endian())
        png_set_swap(png);
}

static void narrow_row(uint8_t *to, const uint8_t *from, uint32_t width)
{
    for (size_t i = 0; i < (size_t)width * 4; i++) {
        uint16_t v;
        memcpy(&v, from + 2 * i, sizeof v);
        to[i] = narrow_sample(v);
    }
}

static void write_rows(png_session *s, const smpsim_image *image, const png_layout *layout)
{
    const uint8_t *row = image->pixels;
    for (uint32_t y = 0; y < image->height; y++, row += image->stride) {
        if (layout->narrow_16) {
            narrow_row(s->row_buffer, row, image->width);
            png_write_row(s->png, s->row_buffer);
        } else {
            png_write_row(s->png, row);
        }
    }
}

static smpsim_status encode_guarded(png_session *s, const smpsim_image *image,
                                    const png_layout *layout, const smpsim_save_options *opts,
                                    smpsim_error *err)
{
    if (setjmp(png_jmpbuf(s->png)))
        return session_failure(s, err);
    png_set_write_fn(s->png, s, write_to_sink, flush_nothing);
    set_header(s, image, layout, opts);
    png_write_info(s->png, s->info);
    set_write_transforms(s->png, layout);
    write_rows(s, image, layout);
    png_write_end(s->png, NULL);
    return SMPSIM_OK;
}

static smpsim_status encode(png_session *s, const smpsim_image *image,
                            const smpsim_save_options *opts, smpsim_error *err)
{
    png_layout layout = choose_layout(image, opts);
    if (layout.narrow_16 && !(s->row_buffer = malloc((size_t)image->width * 4)))
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for a PNG row");
    smpsim_status status = prepare_texts(s, opts, err);
    if (status != SMPSIM_OK)
        return status;
    s->png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, s, on_error, on_warning, s,
                                       on_malloc, on_free);
    s->info = s->png ? png_create_info_struct(s->png) : NULL;
    if (!s->info)
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for a PNG encoder");
    return encode_guarded(s, image, &layout, opts, err);
}

smpsim_status smpsim_image_write_png_stream(const smpsim_image *image, smpsim_write_func write,
                                            void *closure, const smpsim_save_options *opts,
                                            smpsim_error *err)
{
    if (!write)
        return smpsim__fail(err, SMPSIM_EINVAL, "no write function given");
    smpsim_save_options local;
    smpsim__copy_options(&local, sizeof local, opts);
    smpsim_status status = check_save_request(image, &local, err);
    if (status != SMPSIM_OK)
        return status;
    png_session s = session_start(SMPSIM_EINVAL);
    s.write = write;
    s.closure = closure;
    status = encode(&s, image, &local, err);
    png_destroy_write_struct(&s.png, &s.info);
    free(s.row_buffer);
    free(s.texts);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Saving to a file                                                         */
/* ------------------------------------------------------------------------ */

typedef struct png_job {
    const smpsim_image *image;
    const smpsim_save_options *opts;
} png_job;

static smpsim_status produce_png(const void *ctx, smpsim_write_func write, void *closure,
                                 smpsim_error *err)
{
    const png_job *j = ctx;
    return smpsim_image_write_png_stream(j->image, write, closure, j->opts, err);
}

smpsim_status smpsim_image_save_png(const smpsim_image *image, const char *path,
                                    const smpsim_save_options *opts, smpsim_error *err)
{
    smpsim_save_options local;
    smpsim__copy_options(&local, sizeof local, opts);
    smpsim_status status = check_save_request(image, &local, err);
    if (status != SMPSIM_OK)
        return status;
    png_job job = {image, &local};
    return smpsim__atomic_save(path, produce_png, &job, err);
}
