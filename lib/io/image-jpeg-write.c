/* JPEG encoding with libjpeg(-turbo), for previews shown or sent where a
 * PNG is too large. A JPEG carries no provenance: `render --from` needs the
 * PNG. libjpeg reports errors through error_exit, which must not return:
 * ours records the message and longjmps back to encode(). */
#include "io/io-private.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

typedef struct jpeg_writer {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_writer;

static void on_error(j_common_ptr cinfo)
{
    jpeg_writer *w = (jpeg_writer *)(void *)cinfo;
    cinfo->err->format_message(cinfo, w->message);
    longjmp(w->jump, 1);
}

/* One row of the image as 8-bit RGB (alpha dropped: previews are opaque). */
static void rgb_row(const smpsim_image *image, uint32_t y, JSAMPLE *out)
{
    const uint8_t *row8 = (const uint8_t *)image->pixels + (size_t)y * image->stride;
    const uint16_t *row16 = (const uint16_t *)(const void *)row8;
    for (uint32_t x = 0; x < image->width; x++)
        for (int c = 0; c < 3; c++)
            out[3 * x + c] = image->format == SMPSIM_RGBA16
                                 ? (JSAMPLE)((row16[4 * x + c] * 255u + 32767u) / 65535u)
                                 : row8[4 * x + c];
}

/* Encodes image into fp; the writer is the caller's so that it keeps its
 * value across the jump. */
static smpsim_status encode(jpeg_writer *w, const smpsim_image *image, int quality, FILE *fp,
                            JSAMPLE *row, smpsim_error *err)
{
    w->cinfo.err = jpeg_std_error(&w->jerr);
    w->jerr.error_exit = on_error;
    if (setjmp(w->jump)) {
        jpeg_destroy_compress(&w->cinfo);
        return smpsim__fail(err, SMPSIM_EIO, "JPEG: %s", w->message);
    }
    jpeg_create_compress(&w->cinfo);
    jpeg_stdio_dest(&w->cinfo, fp);
    w->cinfo.image_width = image->width;
    w->cinfo.image_height = image->height;
    w->cinfo.input_components = 3;
    w->cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&w->cinfo);
    jpeg_set_quality(&w->cinfo, quality, TRUE);
    /* Full-resolution colour: dots are a pixel or two across. */
    for (int c = 0; c < 3; c++)
        w->cinfo.comp_info[c].h_samp_factor = w->cinfo.comp_info[c].v_samp_factor = 1;
    jpeg_start_compress(&w->cinfo, TRUE);
    for (uint32_t y = 0; y < image->height; y++) {
        rgb_row(image, y, row);
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&w->cinfo, rows, 1);
    }
    jpeg_finish_compress(&w->cinfo);
    jpeg_destroy_compress(&w->cinfo);
    return SMPSIM_OK;
}

smpsim_status smpsim_image_save_jpeg(const smpsim_image *image, const char *path, int quality,
                                     smpsim_error *err)
{
    if (!image || !path || !image->pixels || image->width == 0 || image->height == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "JPEG: %s", !path ? "the path is NULL"
                                                                  : "no image to write");
    if (quality == 0)
        quality = 92;
    if (quality < 1 || quality > 100)
        return smpsim__fail(err, SMPSIM_EINVAL, "JPEG: quality %d, expected 1..100", quality);
    if (image->width > JPEG_MAX_DIMENSION || image->height > JPEG_MAX_DIMENSION)
        return smpsim__fail(err, SMPSIM_ELIMIT, "JPEG: %ux%u px, above JPEG's %d px",
                            image->width, image->height, (int)JPEG_MAX_DIMENSION);
    size_t row_bytes;
    if (!smpsim__mul_size(image->width, 3, &row_bytes))
        return smpsim__fail(err, SMPSIM_ELIMIT, "JPEG: the image is too wide");
    JSAMPLE *row = malloc(row_bytes);
    if (!row)
        return smpsim__fail(err, SMPSIM_ENOMEM, "JPEG: out of memory");
    smpsim__atomic_file af;
    smpsim_status st = smpsim__atomic_open(&af, path, err);
    if (st == SMPSIM_OK) {
        jpeg_writer w;
        memset(&w, 0, sizeof w);
        smpsim_error inner = {0};
        st = encode(&w, image, quality, af.stream, row, &inner);
        if (st != SMPSIM_OK) {
            smpsim__atomic_abort(&af);
            smpsim__fail(err, st, "%s: %s", path, inner.message);
        } else {
            st = smpsim__atomic_commit(&af, err);
        }
    }
    free(row);
    return st;
}
