/* The browser build has no libjpeg: the page decodes JPEG photos itself
 * (createImageBitmap) and hands the engine RGBA pixels. Until lib/ can be
 * configured without JPEG (meson -Djpeg=disabled), this stands in for
 * lib/image-jpeg.c in scripts/studio's build. */
#include "smpsim-private.h"

smpsim_status smpsim__jpeg_decode(const uint8_t *data, size_t size,
                                  const smpsim_load_options *opts, smpsim_image **out,
                                  smpsim_error *err)
{
    (void)data, (void)size, (void)opts;
    *out = NULL;
    return smpsim__fail(err, SMPSIM_EUNSUPPORTED, "JPEG is not in this build of smpsim");
}
