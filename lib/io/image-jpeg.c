/* JPEG decoding with libjpeg(-turbo); EXIF orientation with libexif.
 *
 * libjpeg reports errors through error_exit, which must not return: ours
 * records the message and longjmps back to decode_guarded(). The session
 * (and the image being filled) belongs to decode_guarded()'s caller, so it
 * keeps its value across the jump. Warnings that mean lost image data
 * (libjpeg pads a truncated file with grey and carries on) are errors here. */
#include "io/io-private.h"

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>
#include <jerror.h>
#include <libexif/exif-data.h>

#define EXIF_MARKER (JPEG_APP0 + 1)
#define EXIF_HEADER "Exif\0\0"
#define EXIF_HEADER_SIZE 6
/* libjpeg's own buffers for progressive files hold 2 bytes per coefficient
 * for up to 4 components (CMYK) at full resolution. */
#define DECODER_BYTES_PER_PIXEL 8
#define DECODER_MEMORY_SLACK ((uint64_t)32 << 20)
/* Each scan of a progressive file is a pass over the whole image, and a
 * file may hold any number of them: a few kilobytes could keep the decoder
 * busy for minutes. libjpeg-turbo's own TurboJPEG API stops at 500. */
#define MAX_SCANS 500

typedef struct jpeg_session {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr jerr;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    smpsim_status status;
    char message[JMSG_LENGTH_MAX];
    long row; /* scanline being decoded, -1 when not in the scanlines */
    smpsim_image *image;
} jpeg_session;

/* Where stored pixel (x, y) goes in the upright image, in pixels:
 * origin + x * step_x + y * step_y. */
typedef struct orientation_map {
    ptrdiff_t origin;
    ptrdiff_t step_x;
    ptrdiff_t step_y;
} orientation_map;

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static smpsim_status status_of_error(int code)
{
    switch (code) {
    case JERR_OUT_OF_MEMORY:
        return SMPSIM_ENOMEM;
    case JERR_NO_BACKING_STORE: /* needed more than max_memory_to_use */
    case JERR_IMAGE_TOO_BIG:
        return SMPSIM_ELIMIT;
    case JERR_BAD_PRECISION:
        return SMPSIM_EUNSUPPORTED;
    default:
        return SMPSIM_EFORMAT;
    }
}

static bool warning_loses_data(int code)
{
    switch (code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_NOT_SEQUENTIAL:
#if JPEG_LIB_VERSION >= 70 || defined(D_ARITH_CODING_SUPPORTED)
    case JWRN_ARITH_BAD_CODE:
#endif
        return true;
    default:
        return false;
    }
}

static void on_error_exit(j_common_ptr cinfo)
{
    jpeg_session *s = cinfo->client_data;
    int code = cinfo->err->msg_code;
    s->status = status_of_error(code);
    if (code == JERR_NO_BACKING_STORE)
        snprintf(s->message, sizeof s->message,
                 "decoding needs more memory than the limit of %ld MiB",
                 cinfo->mem->max_memory_to_use >> 20);
    else
        cinfo->err->format_message(cinfo, s->message);
    longjmp(s->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
    if (level >= 0)
        return; /* trace messages */
    cinfo->err->num_warnings++;
    if (warning_loses_data(cinfo->err->msg_code))
        cinfo->err->error_exit(cinfo);
}

static void on_progress(j_common_ptr cinfo)
{
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (!d->progressive_mode || d->input_scan_number <= MAX_SCANS)
        return;
    jpeg_session *s = cinfo->client_data;
    s->status = SMPSIM_ELIMIT;
    snprintf(s->message, sizeof s->message, "progressive JPEG with more than %d scans",
             MAX_SCANS);
    longjmp(s->jump, 1);
}

static void print_nothing(j_common_ptr cinfo)
{
    (void)cinfo;
}

static smpsim_status session_failure(const jpeg_session *s, smpsim_error *err)
{
    if (s->row < 0)
        return smpsim__fail(err, s->status, "%s", s->message);
    return smpsim__fail(err, s->status, "%s in row %ld", s->message, s->row);
}

/* ------------------------------------------------------------------------ */
/* EXIF orientation                                                         */
/* ------------------------------------------------------------------------ */

/* The Orientation tag of IFD 0, or 1 when absent or malformed. */
static int orientation_from_exif(const uint8_t *data, unsigned size)
{
    ExifData *exif = exif_data_new();
    if (!exif)
        return 1;
    exif_data_unset_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(exif, data, size);
    int orientation = 1;
    ExifEntry *e = exif_content_get_entry(exif->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (e && e->format == EXIF_FORMAT_SHORT && e->components >= 1 && e->data && e->size >= 2) {
        unsigned value = exif_get_short(e->data, exif_data_get_byte_order(exif));
        if (value >= 1 && value <= 8)
            orientation = (int)value;
    }
    exif_data_unref(exif);
    return orientation;
}

static int exif_orientation(j_decompress_ptr cinfo)
{
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
        if (m->marker == EXIF_MARKER && m->data_length >= EXIF_HEADER_SIZE &&
            !memcmp(m->data, EXIF_HEADER, EXIF_HEADER_SIZE))
            return orientation_from_exif(m->data, m->data_length);
    }
    return 1;
}

static bool orientation_swaps_axes(int orientation)
{
    return orientation >= 5;
}

/* EXIF orientations 1-8 as dest = (ax x + bx y, ay x + by y) + offset. */
static orientation_map map_orientation(int orientation, uint32_t width, uint32_t height)
{
    static const signed char coefficients[8][4] = {
        /* ax bx ay by */
        {1, 0, 0, 1},   /* 1: as stored */
        {-1, 0, 0, 1},  /* 2: mirrored left-right */
        {-1, 0, 0, -1}, /* 3: rotated 180 degrees */
        {1, 0, 0, -1},  /* 4: mirrored top-bottom */
        {0, 1, 1, 0},   /* 5: transposed */
        {0, -1, 1, 0},  /* 6: rotate 90 degrees clockwise to display */
        {0, -1, -1, 0}, /* 7: transversed */
        {0, 1, -1, 0},  /* 8: rotate 90 degrees counter-clockwise to display */
    };
    const signed char *c = coefficients[orientation - 1];
    ptrdiff_t w = width, h = height;
    ptrdiff_t upright_width = orientation_swaps_axes(orientation) ? h : w;
    ptrdiff_t x0 = (c[0] < 0 ? w - 1 : 0) + (c[1] < 0 ? h - 1 : 0);
    ptrdiff_t y0 = (c[2] < 0 ? w - 1 : 0) + (c[3] < 0 ? h - 1 : 0);
    return (orientation_map){x0 + y0 * upright_width, c[0] + c[2] * upright_width,
                             c[1] + c[3] * upright_width};
}

/* ------------------------------------------------------------------------ */
/* Pixels                                                                   */
/* ------------------------------------------------------------------------ */

static uint8_t multiply_255(unsigned a, unsigned b)
{
    return (uint8_t)((a * b + 127) / 255);
}

/* Adobe writes CMYK inverted (0 = full ink); others store ink amounts. */
static void cmyk_to_rgb(const JSAMPLE *in, bool adobe_inverted, uint8_t *out)
{
    unsigned c = in[0], m = in[1], y = in[2], k = in[3];
    if (!adobe_inverted) {
        c = 255 - c;
        m = 255 - m;
        y = 255 - y;
        k = 255 - k;
    }
    out[0] = multiply_255(c, k);
    out[1] = multiply_255(m, k);
    out[2] = multiply_255(y, k);
}

static void to_rgba(const JSAMPLE *in, int components, bool adobe_inverted, uint8_t *out)
{
    if (components == 1) {
        out[0] = out[1] = out[2] = in[0];
    } else if (components == 3) {
        out[0] = in[0];
        out[1] = in[1];
        out[2] = in[2];
    } else {
        cmyk_to_rgb(in, adobe_inverted, out);
    }
    out[3] = UINT8_MAX;
}

static void store_row(jpeg_session *s, const JSAMPLE *in, const orientation_map *map)
{
    const struct jpeg_decompress_struct *cinfo = &s->cinfo;
    uint8_t *pixels = s->image->pixels;
    int components = cinfo->output_components;
    bool adobe_inverted = cinfo->saw_Adobe_marker;
    ptrdiff_t at = map->origin + (ptrdiff_t)s->row * map->step_y;
    for (JDIMENSION x = 0; x < cinfo->output_width; x++, at += map->step_x, in += components)
        to_rgba(in, components, adobe_inverted, pixels + at * 4);
}

static void read_scanlines(jpeg_session *s, int orientation)
{
    j_decompress_ptr cinfo = &s->cinfo;
    orientation_map map = map_orientation(orientation, cinfo->output_width, cinfo->output_height);
    JSAMPARRAY buffer = cinfo->mem->alloc_sarray(
        (j_common_ptr)cinfo, JPOOL_IMAGE, cinfo->output_width * cinfo->output_components, 1);
    while (cinfo->output_scanline < cinfo->output_height) {
        s->row = (long)cinfo->output_scanline;
        jpeg_read_scanlines(cinfo, buffer, 1);
        store_row(s, buffer[0], &map);
    }
    s->row = -1;
}

/* ------------------------------------------------------------------------ */
/* Decoding                                                                 */
/* ------------------------------------------------------------------------ */

static smpsim_status choose_output(j_decompress_ptr cinfo, smpsim_error *err)
{
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        return SMPSIM_OK;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        return SMPSIM_OK;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        return SMPSIM_OK;
    default:
        return smpsim__fail(err, SMPSIM_EUNSUPPORTED, "JPEG with %d components in an unknown "
                            "colour space", cinfo->num_components);
    }
}

static void limit_decoder_memory(j_decompress_ptr cinfo)
{
    uint64_t pixels = (uint64_t)cinfo->image_width * cinfo->image_height;
    uint64_t limit = pixels * DECODER_BYTES_PER_PIXEL + DECODER_MEMORY_SLACK;
    cinfo->mem->max_memory_to_use = limit < (uint64_t)LONG_MAX ? (long)limit : LONG_MAX;
}

static smpsim_status decode_guarded(jpeg_session *s, const uint8_t *data, size_t size,
                                    const smpsim_load_options *opts, smpsim_error *err)
{
    if (setjmp(s->jump))
        return session_failure(s, err);
    j_decompress_ptr cinfo = &s->cinfo;
    jpeg_create_decompress(cinfo); /* clears everything but err and client_data */
    cinfo->progress = &s->progress;
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_save_markers(cinfo, EXIF_MARKER, 0xffff);
    jpeg_read_header(cinfo, TRUE);
    int orientation = opts->ignore_orientation ? 1 : exif_orientation(cinfo);
    bool swap = orientation_swaps_axes(orientation);
    uint32_t width = swap ? cinfo->image_height : cinfo->image_width;
    uint32_t height = swap ? cinfo->image_width : cinfo->image_height;
    smpsim_status status = smpsim__check_dimensions(width, height, opts, "JPEG header", err);
    if (status == SMPSIM_OK)
        status = choose_output(cinfo, err);
    if (status != SMPSIM_OK)
        return status;
    limit_decoder_memory(cinfo);
    jpeg_start_decompress(cinfo);
    status = smpsim__image_alloc(width, height, SMPSIM_RGBA8, false, &s->image, err);
    if (status != SMPSIM_OK)
        return status;
    read_scanlines(s, orientation);
    jpeg_finish_decompress(cinfo);
    return SMPSIM_OK;
}

static smpsim_status jpeg_decode_whole(const uint8_t *data, size_t size,
                                       const smpsim_load_options *opts, smpsim_image **out,
                                       smpsim_error *err);

/* A file cut off right after its last scan, without the 2-byte end marker
 * (EOI): decoded as if the marker were there, as libjpeg's own tools do
 * (with "Premature end of JPEG file"), and the caller warned. Data cut
 * anywhere earlier still fails: the marker then interrupts a scan. */
smpsim_status smpsim__jpeg_decode(const uint8_t *data, size_t size,
                                  const smpsim_load_options *opts, smpsim_image **out,
                                  smpsim_error *err)
{
    *out = NULL;
    if (size < 4 || (data[size - 2] == 0xff && data[size - 1] == 0xd9) || size > SIZE_MAX - 2)
        return jpeg_decode_whole(data, size, opts, out, err);
    uint8_t *ended = malloc(size + 2);
    if (!ended)
        return smpsim__fail(err, SMPSIM_ENOMEM, "out of memory for %zu bytes of JPEG", size);
    memcpy(ended, data, size);
    ended[size] = 0xff;
    ended[size + 1] = 0xd9;
    smpsim_error inner = {SMPSIM_OK, ""};
    smpsim_status st = jpeg_decode_whole(ended, size + 2, opts, out, &inner);
    free(ended);
    if (st == SMPSIM_OK) {
        if (opts->warning)
            opts->warning(opts->warning_arg,
                          "the JPEG data ends without its end marker (EOI); the image is whole");
        return SMPSIM_OK;
    }
    /* truncated earlier: say so as the file itself would */
    return jpeg_decode_whole(data, size, opts, out, err);
}

static smpsim_status jpeg_decode_whole(const uint8_t *data, size_t size,
                                       const smpsim_load_options *opts, smpsim_image **out,
                                       smpsim_error *err)
{
    *out = NULL;
#if SIZE_MAX > ULONG_MAX
    if (size > ULONG_MAX)
        return smpsim__fail(err, SMPSIM_ELIMIT, "JPEG data too large for libjpeg");
#endif
    jpeg_session s;
    memset(&s, 0, sizeof s);
    s.row = -1;
    s.cinfo.err = jpeg_std_error(&s.jerr);
    s.jerr.error_exit = on_error_exit;
    s.jerr.emit_message = on_message;
    s.jerr.output_message = print_nothing;
    s.cinfo.client_data = &s;
    s.progress.progress_monitor = on_progress;
    smpsim_status status = decode_guarded(&s, data, size, opts, err);
    jpeg_destroy_decompress(&s.cinfo);
    if (status != SMPSIM_OK) {
        smpsim_image_free(s.image);
        return status;
    }
    *out = s.image;
    return SMPSIM_OK;
}
