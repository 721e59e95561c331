/* Fuzz target: PNG files through smpsim_image_load_memory().
 *
 * Whatever the bytes, loading must return a status without crashing,
 * leaking or reading memory it does not own. A PNG that loads must also
 * survive a round trip: saved with smpsim_image_write_png_stream() and
 * loaded again, it gives exactly the same pixels (the saved file is tagged
 * sRGB, so no gamma conversion happens the second time).
 *
 * Most mutations of a PNG break a chunk's CRC, and libpng is not built with
 * coverage feedback, so the fuzzer could not learn to fix them: each input
 * is also loaded with every CRC made correct, so that mutated chunk
 * contents reach the decoder. */
#include "fuzz-common.h"

#include <stdlib.h>
#include <string.h>

/* Larger images are checked but not round-tripped, to keep runs fast. */
#define ROUND_TRIP_MAX_PIXELS (UINT64_C(1) << 16)

typedef struct memory_sink {
    uint8_t *data;
    size_t size;
    size_t capacity;
} memory_sink;

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

static void check_same_pixels(const smpsim_image *a, const smpsim_image *b)
{
    FUZZ_REQUIRE(a->width == b->width && a->height == b->height);
    FUZZ_REQUIRE(a->format == b->format && a->stride == b->stride);
    for (uint32_t y = 0; y < a->height; y++)
        FUZZ_REQUIRE(memcmp((const uint8_t *)a->pixels + y * a->stride,
                            (const uint8_t *)b->pixels + y * b->stride, a->stride) == 0);
}

static void check_round_trip(const smpsim_image *image, const smpsim_load_options *opts)
{
    memory_sink sink = {NULL, 0, 0};
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_status status = smpsim_image_write_png_stream(image, write_to_memory, &sink, NULL,
                                                         &err);
    FUZZ_REQUIRE(status == SMPSIM_OK);
    smpsim_image *again = NULL;
    status = smpsim_image_load_memory(sink.data, sink.size, opts, &again, &err);
    FUZZ_REQUIRE(status == SMPSIM_OK);
    check_same_pixels(image, again);
    smpsim_image_free(again);
    free(sink.data);
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

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Rewrites the CRC of every complete chunk; returns whether any changed. */
static int fix_crcs(uint8_t *png, size_t size)
{
    int changed = 0;
    for (size_t at = 8; at + 12 <= size;) {
        uint32_t length = get32(png + at);
        if (length > size - at - 12)
            break;
        uint32_t crc = crc32_of(png + at + 4, 4 + (size_t)length);
        uint8_t *field = png + at + 8 + length;
        if (get32(field) != crc) {
            field[0] = (uint8_t)(crc >> 24);
            field[1] = (uint8_t)(crc >> 16);
            field[2] = (uint8_t)(crc >> 8);
            field[3] = (uint8_t)crc;
            changed = 1;
        }
        at += 12 + (size_t)length;
    }
    return changed;
}

static void load_and_check(const uint8_t *data, size_t size)
{
    smpsim_load_options opts = fuzz_load_options();
    smpsim_image *image = NULL;
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_status status = smpsim_image_load_memory(data, size, &opts, &image, &err);
    fuzz_check_load(status, image, &err, &opts);
    if (!image)
        return;
    FUZZ_REQUIRE(fuzz_pixel_sum(image) != UINT64_MAX); /* reads every sample */
    if ((uint64_t)image->width * image->height <= ROUND_TRIP_MAX_PIXELS)
        check_round_trip(image, &opts);
    smpsim_image_free(image);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_and_check(data, size);
    uint8_t *fixed = malloc(size ? size : 1);
    FUZZ_REQUIRE(fixed != NULL);
    if (size > 0)
        memcpy(fixed, data, size);
    if (fix_crcs(fixed, size))
        load_and_check(fixed, size);
    free(fixed);
    return 0;
}
