/* Images in memory: allocation, limits, and loading by file signature. */
#include "base/base-private.h"
#include "io/io-private.h" /* the decoders */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Files larger than this are refused unless the pixel limit asks for more:
 * an uncompressed 16-bit RGBA PNG needs a little over 8 bytes per pixel. */
#define FILE_SIZE_FLOOR (UINT64_C(2) << 30)
#define FILE_BYTES_PER_PIXEL 9
#define READ_CHUNK_MIN ((size_t)64 << 10)
#define SIGNATURE_BYTES 8 /* the longer of the PNG and JPEG signatures */

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
static const uint8_t jpeg_signature[3] = {0xff, 0xd8, 0xff};

static size_t bytes_per_pixel(smpsim_pixel_format format)
{
    return format == SMPSIM_RGBA16 ? 8 : 4;
}

static bool format_is_valid(smpsim_pixel_format format)
{
    return format == SMPSIM_RGBA8 || format == SMPSIM_RGBA16;
}

static uint64_t max_pixels_of(const smpsim_load_options *opts)
{
    if (!opts || opts->max_pixels == 0)
        return SMPSIM__DEFAULT_MAX_PIXELS;
    return opts->max_pixels;
}

static uint64_t max_dimension_of(const smpsim_load_options *opts)
{
    if (!opts || opts->max_dimension == 0)
        return SMPSIM__DEFAULT_MAX_DIMENSION;
    return opts->max_dimension;
}

/* `what` names the source of the size, e.g. "PNG header". Zero sizes are
 * malformed input here; smpsim_image_new() refuses them itself as EINVAL. */
smpsim_status smpsim__check_dimensions(uint64_t width, uint64_t height,
                                       const smpsim_load_options *opts, const char *what,
                                       smpsim_error *err)
{
    if (width == 0 || height == 0)
        return smpsim__fail(err, SMPSIM_EFORMAT, "%s claims an empty image (%" PRIu64 "x%" PRIu64
                            " pixels)", what, width, height);
    uint64_t max_dimension = max_dimension_of(opts);
    if (width > max_dimension || height > max_dimension)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "%s claims %" PRIu64 "x%" PRIu64 " pixels, above the limit of %" PRIu64
                            " pixels per side", what, width, height, max_dimension);
    uint64_t max_pixels = max_pixels_of(opts);
    if (width * height > max_pixels)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "%s claims %" PRIu64 "x%" PRIu64 " = %" PRIu64 " pixels, above the "
                            "limit of %" PRIu64 " pixels (%.6g megapixels)", what, width, height,
                            width * height, max_pixels, (double)max_pixels / 1e6);
    return SMPSIM_OK;
}

smpsim_status smpsim__image_alloc(uint32_t width, uint32_t height, smpsim_pixel_format format,
                                  bool clear, smpsim_image **out, smpsim_error *err)
{
    *out = NULL;
    size_t stride, bytes;
    if (!smpsim__mul_size(width, bytes_per_pixel(format), &stride) ||
        !smpsim__mul_size(stride, height, &bytes))
        return smpsim__fail(err, SMPSIM_ELIMIT, "a %ux%u image does not fit in memory here",
                            (unsigned)width, (unsigned)height);
    smpsim_image *image = malloc(sizeof *image);
    void *pixels = clear ? calloc(1, bytes) : malloc(bytes);
    if (!image || !pixels) {
        free(image);
        free(pixels);
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for a %ux%u image (%zu bytes)",
                            (unsigned)width, (unsigned)height, bytes);
    }
    *image = (smpsim_image){width, height, format, stride, pixels};
    *out = image;
    return SMPSIM_OK;
}

static void fill_opaque_black(smpsim_image *image)
{
    size_t count = (size_t)image->width * image->height;
    if (image->format == SMPSIM_RGBA16) {
        uint16_t *p = image->pixels;
        for (size_t i = 0; i < count; i++)
            p[4 * i + 3] = UINT16_MAX;
        return;
    }
    uint8_t *p = image->pixels;
    for (size_t i = 0; i < count; i++)
        p[4 * i + 3] = UINT8_MAX;
}

smpsim_status smpsim_image_new(uint32_t width, uint32_t height, smpsim_pixel_format format,
                               smpsim_image **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_image_new: out is NULL");
    *out = NULL;
    if (width == 0 || height == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "image size %ux%u is empty", (unsigned)width,
                            (unsigned)height);
    if (!format_is_valid(format))
        return smpsim__fail(err, SMPSIM_EINVAL, "unknown pixel format %d", (int)format);
    smpsim_status status = smpsim__check_dimensions(width, height, NULL, "new image", err);
    if (status != SMPSIM_OK)
        return status;
    status = smpsim__image_alloc(width, height, format, true, out, err);
    if (status == SMPSIM_OK)
        fill_opaque_black(*out);
    return status;
}

static bool image_is_valid(const smpsim_image *image)
{
    return image && image->pixels && image->width > 0 && image->height > 0 &&
           format_is_valid(image->format) &&
           image->stride / bytes_per_pixel(image->format) >= image->width;
}

smpsim_status smpsim_image_copy(const smpsim_image *src, smpsim_image **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_image_copy: out is NULL");
    *out = NULL;
    if (!image_is_valid(src))
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_image_copy: not a valid image");
    smpsim_image *copy;
    smpsim_status status =
        smpsim__image_alloc(src->width, src->height, src->format, false, &copy, err);
    if (status != SMPSIM_OK)
        return status;
    const uint8_t *from = src->pixels;
    uint8_t *to = copy->pixels;
    for (uint32_t y = 0; y < src->height; y++)
        memcpy(to + y * copy->stride, from + y * src->stride, copy->stride);
    *out = copy;
    return SMPSIM_OK;
}

void smpsim_image_free(smpsim_image *image)
{
    if (!image)
        return;
    free(image->pixels);
    free(image);
}

static smpsim_status decode_by_signature(const uint8_t *data, size_t size,
                                         const smpsim_load_options *opts, smpsim_image **out,
                                         smpsim_error *err)
{
    if (size == 0)
        return smpsim__fail(err, SMPSIM_EFORMAT, "empty file");
    if (size >= sizeof png_signature && !memcmp(data, png_signature, sizeof png_signature)) {
#if SMPSIM_HAVE_PNG
        return smpsim__png_decode(data, size, opts, out, err);
#else
        return smpsim__fail(err, SMPSIM_EUNSUPPORTED,
                            "a PNG file, and this build of smpsim has no PNG support (-Dpng)");
#endif
    }
    if (size >= sizeof jpeg_signature && !memcmp(data, jpeg_signature, sizeof jpeg_signature)) {
#if SMPSIM_HAVE_JPEG
        return smpsim__jpeg_decode(data, size, opts, out, err);
#else
        return smpsim__fail(err, SMPSIM_EUNSUPPORTED,
                            "a JPEG file, and this build of smpsim has no JPEG support (-Djpeg)");
#endif
    }
    return smpsim__fail(err, SMPSIM_EFORMAT, "not a PNG or JPEG file");
}

/* The largest file worth reading: the caller's limit, or by default enough
 * for an uncompressed image at the pixel limit and never less than 2 GiB. */
static uint64_t file_size_limit(const smpsim_load_options *opts)
{
    if (opts->max_file_bytes != 0)
        return opts->max_file_bytes < SIZE_MAX ? opts->max_file_bytes : SIZE_MAX - 1;
    uint64_t pixels = max_pixels_of(opts);
    uint64_t limit = FILE_SIZE_FLOOR;
    if (pixels <= UINT64_MAX / FILE_BYTES_PER_PIXEL && pixels * FILE_BYTES_PER_PIXEL > limit)
        limit = pixels * FILE_BYTES_PER_PIXEL;
    return limit < SIZE_MAX ? limit : SIZE_MAX - 1;
}

static smpsim_status refuse_size(const char *path, uint64_t limit, smpsim_error *err)
{
    if (limit < (1 << 20))
        return smpsim__fail(err, SMPSIM_ELIMIT, "%s: file is larger than the limit of %" PRIu64
                            " bytes", path, limit);
    return smpsim__fail(err, SMPSIM_ELIMIT, "%s: file is larger than the limit of %.1f MiB",
                        path, (double)limit / (1 << 20));
}

smpsim_status smpsim_image_load_memory(const void *data, size_t size,
                                       const smpsim_load_options *opts, smpsim_image **out,
                                       smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_image_load_memory: out is NULL");
    *out = NULL;
    if (!data && size > 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_image_load_memory: data is NULL");
    smpsim_load_options local;
    smpsim__copy_options(&local, sizeof local, opts);
    uint64_t limit = file_size_limit(&local);
    if (size > limit)
        return smpsim__fail(err, SMPSIM_ELIMIT, "%zu bytes of image data, above the limit of "
                            "%" PRIu64 " bytes", size, limit);
    return decode_by_signature(data, size, &local, out, err);
}

/* Makes room for at least one more byte beyond *size, up to limit + 1 bytes
 * in all (one more than allowed, so that an oversized file is noticed). */
static smpsim_status grow_buffer(uint8_t **data, size_t *capacity, uint64_t limit,
                                 const char *path, smpsim_error *err)
{
    if (*capacity > limit)
        return refuse_size(path, limit, err);
    size_t wanted = *capacity < READ_CHUNK_MIN ? READ_CHUNK_MIN : *capacity;
    if (!smpsim__add_size(*capacity, wanted, &wanted) || wanted > limit + 1)
        wanted = (size_t)limit + 1;
    uint8_t *bigger = realloc(*data, wanted);
    if (!bigger)
        return smpsim__fail(err, SMPSIM_ENOMEM, "%s: out of memory reading %zu bytes", path,
                            wanted);
    *data = bigger;
    *capacity = wanted;
    return SMPSIM_OK;
}

/* Refuses a regular file over the limit before reading any of it; sets
 * *capacity to its size + 1 (to see its end in one read), or 0 when the
 * size is not known (pipes, devices). */
static smpsim_status first_capacity(FILE *fp, const char *path, uint64_t limit,
                                    size_t *capacity, smpsim_error *err)
{
    struct stat st;
    *capacity = 0;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0)
        return SMPSIM_OK;
    if ((uint64_t)st.st_size > limit)
        return refuse_size(path, limit, err);
    *capacity = (size_t)st.st_size + 1;
    return SMPSIM_OK;
}

/* Whether the first bytes can begin a PNG or a JPEG file (fewer bytes than
 * a signature: whether they begin one). */
static bool signature_possible(const uint8_t *data, size_t size)
{
    size_t n = size < sizeof png_signature ? size : sizeof png_signature;
    size_t m = size < sizeof jpeg_signature ? size : sizeof jpeg_signature;
    return !memcmp(data, png_signature, n) || !memcmp(data, jpeg_signature, m);
}

/* Reads the whole stream, up to limit bytes; a stream whose first bytes
 * are neither a PNG nor a JPEG signature is refused as soon as they are in
 * (/dev/zero, /dev/urandom, a FIFO of something else: nothing more is
 * read). The first read of a stream of unknown size is small. */
static smpsim_status read_stream(FILE *fp, const char *path, uint64_t limit, uint8_t **out,
                                 size_t *size_out, smpsim_error *err)
{
    size_t capacity, size = 0;
    smpsim_status status = first_capacity(fp, path, limit, &capacity, err);
    if (status != SMPSIM_OK)
        return status;
    uint8_t *data = capacity > 0 ? malloc(capacity) : NULL;
    if (!data)
        capacity = 0; /* grow_buffer() will try again and report failure */
    for (;;) {
        if (size == capacity) {
            status = grow_buffer(&data, &capacity, limit, path, err);
            if (status != SMPSIM_OK)
                break;
        }
        size_t want = capacity - size;
        if (size < SIGNATURE_BYTES) /* the signature first, whatever the stream */
            want = SIGNATURE_BYTES - size;
        size += fread(data + size, 1, want, fp);
        if (ferror(fp)) {
            status = smpsim__fail(err, SMPSIM_EIO, "%s: %s", path, strerror(errno));
            break;
        }
        if (!signature_possible(data, size)) {
            status = smpsim__fail(err, SMPSIM_EFORMAT, "%s: not a PNG or JPEG file", path);
            break;
        }
        if (size > limit) {
            status = refuse_size(path, limit, err);
            break;
        }
        if (feof(fp))
            break;
    }
    if (status != SMPSIM_OK) {
        free(data);
        return status;
    }
    *out = data;
    *size_out = size;
    return SMPSIM_OK;
}

static smpsim_status read_file(const char *path, uint64_t limit, uint8_t **out, size_t *size,
                               smpsim_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return smpsim__fail(err, SMPSIM_EIO, "%s: %s", path, strerror(errno));
    smpsim_status status = read_stream(fp, path, limit, out, size, err);
    fclose(fp);
    return status;
}

smpsim_status smpsim_image_load(const char *path, const smpsim_load_options *opts,
                                smpsim_image **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_image_load: out is NULL");
    *out = NULL;
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "smpsim_image_load: path is NULL");
    smpsim_load_options local;
    smpsim__copy_options(&local, sizeof local, opts);
    uint8_t *data = NULL;
    size_t size = 0;
    smpsim_status status = read_file(path, file_size_limit(&local), &data, &size, err);
    if (status != SMPSIM_OK)
        return status;
    smpsim_error decode_err = {SMPSIM_OK, ""};
    status = decode_by_signature(data, size, &local, out, &decode_err);
    free(data);
    if (status != SMPSIM_OK)
        return smpsim__fail(err, status, "%s: %s", path, decode_err.message);
    return SMPSIM_OK;
}
