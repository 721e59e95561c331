/* Private declarations of lib/io: the image decoders (called by
 * base/image.c through smpsim_image_load_memory()). Not installed. */
#ifndef SMPSIM_IO_PRIVATE_H
#define SMPSIM_IO_PRIVATE_H

#include "sampling/sampling-private.h"

/* image-png.c / image-jpeg.c: decoders behind smpsim_image_load_memory(). */
smpsim_status smpsim__png_decode(const uint8_t *data, size_t size, const smpsim_load_options *opts,
                                 smpsim_image **out, smpsim_error *err);
smpsim_status smpsim__jpeg_decode(const uint8_t *data, size_t size,
                                  const smpsim_load_options *opts, smpsim_image **out,
                                  smpsim_error *err);

#endif
