/* Checks shared by the fuzz targets (see fuzz-common.h). */
#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_require(int ok, const char *what, const char *file, int line)
{
    if (ok)
        return;
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    abort();
}

smpsim_load_options fuzz_load_options(void)
{
    smpsim_load_options opts;
    smpsim_load_options_init(&opts);
    opts.max_pixels = FUZZ_MAX_PIXELS;
    opts.max_dimension = FUZZ_MAX_DIMENSION;
    return opts;
}

static int is_expected_failure(smpsim_status status)
{
    return status == SMPSIM_EFORMAT || status == SMPSIM_ELIMIT ||
           status == SMPSIM_EUNSUPPORTED || status == SMPSIM_ENOMEM;
}

void fuzz_check_load(smpsim_status status, const smpsim_image *image, const smpsim_error *err,
                     const smpsim_load_options *opts)
{
    if (status != SMPSIM_OK) {
        FUZZ_REQUIRE(image == NULL);
        FUZZ_REQUIRE(is_expected_failure(status));
        FUZZ_REQUIRE(err->status == status);
        FUZZ_REQUIRE(memchr(err->message, '\0', sizeof err->message) != NULL);
        FUZZ_REQUIRE(err->message[0] != '\0');
        return;
    }
    FUZZ_REQUIRE(image != NULL && image->pixels != NULL);
    FUZZ_REQUIRE(err->status == SMPSIM_OK);
    FUZZ_REQUIRE(image->width > 0 && image->height > 0);
    FUZZ_REQUIRE(image->width <= opts->max_dimension && image->height <= opts->max_dimension);
    FUZZ_REQUIRE((uint64_t)image->width * image->height <= opts->max_pixels);
    FUZZ_REQUIRE(image->format == SMPSIM_RGBA8 || image->format == SMPSIM_RGBA16);
    size_t pixel_size = image->format == SMPSIM_RGBA16 ? 8 : 4;
    FUZZ_REQUIRE(image->stride == (size_t)image->width * pixel_size);
}

uint64_t fuzz_pixel_sum(const smpsim_image *image)
{
    uint64_t sum = 0;
    const uint8_t *row = image->pixels;
    for (uint32_t y = 0; y < image->height; y++, row += image->stride) {
        if (image->format == SMPSIM_RGBA8) {
            for (size_t i = 0; i < (size_t)image->width * 4; i++)
                sum += row[i];
            continue;
        }
        for (size_t i = 0; i < (size_t)image->width * 4; i++) {
            uint16_t v;
            memcpy(&v, row + 2 * i, sizeof v);
            sum += v;
        }
    }
    return sum;
}
