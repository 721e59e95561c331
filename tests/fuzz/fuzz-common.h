/* Shared by the fuzz targets: the libFuzzer entry point and the checks that
 * every call of the library must pass, whatever the input. A failed check
 * prints what went wrong and aborts, which libFuzzer (and meson test, when
 * the targets replay their corpus) reports as a crash. */
#ifndef SMPSIM_FUZZ_COMMON_H
#define SMPSIM_FUZZ_COMMON_H

#include <smpsim/smpsim.h>

#include <stddef.h>
#include <stdint.h>

/* Inputs may claim any size; decoding is capped at 4 megapixels so that one
 * run stays in milliseconds and memory stays far below libFuzzer's limit. */
#define FUZZ_MAX_PIXELS (UINT64_C(1) << 22)
#define FUZZ_MAX_DIMENSION 16384u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_REQUIRE(cond) fuzz_require((cond), #cond, __FILE__, __LINE__)
void fuzz_require(int ok, const char *what, const char *file, int line);

/* The load options every target uses. */
smpsim_load_options fuzz_load_options(void);

/* Checks the outcome of one load: a failure has a known status, a message
 * and no image; a success has a well-formed image within the limits. */
void fuzz_check_load(smpsim_status status, const smpsim_image *image, const smpsim_error *err,
                     const smpsim_load_options *opts);

/* Sum of every sample of the image (alpha included). Reading every pixel
 * lets AddressSanitizer and valgrind see rows that were never written. */
uint64_t fuzz_pixel_sum(const smpsim_image *image);

#endif
