/* Fuzz target: JPEG files through smpsim_image_load_memory().
 *
 * Each input is loaded twice, with the EXIF orientation applied and
 * ignored. Turning an image upright only moves pixels, so both loads must
 * agree: the same status, the same size or the same size turned a quarter,
 * and the same sum of all samples. */
#include "fuzz-common.h"

static int sizes_match(const smpsim_image *a, const smpsim_image *b)
{
    return (a->width == b->width && a->height == b->height) ||
           (a->width == b->height && a->height == b->width);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    smpsim_load_options upright = fuzz_load_options();
    smpsim_load_options stored = fuzz_load_options();
    stored.ignore_orientation = 1;
    smpsim_image *a = NULL, *b = NULL;
    smpsim_error err_a = {SMPSIM_OK, ""}, err_b = {SMPSIM_OK, ""};
    smpsim_status status_a = smpsim_image_load_memory(data, size, &upright, &a, &err_a);
    fuzz_check_load(status_a, a, &err_a, &upright);
    smpsim_status status_b = smpsim_image_load_memory(data, size, &stored, &b, &err_b);
    fuzz_check_load(status_b, b, &err_b, &stored);
    FUZZ_REQUIRE(status_a == status_b);
    if (a && b) {
        FUZZ_REQUIRE(sizes_match(a, b));
        FUZZ_REQUIRE(fuzz_pixel_sum(a) == fuzz_pixel_sum(b));
    }
    smpsim_image_free(a);
    smpsim_image_free(b);
    return 0;
}
