/*
 * smpsim's calls that draw into a caller's cairo context. Included by
 * <smpsim/smpsim.h> when the library was built with cairo
 * (SMPSIM_HAVE_CAIRO); it includes <cairo.h>, so a program that uses it
 * compiles with cairo's flags (pkg-config --cflags cairo).
 */
#ifndef SMPSIM_CAIRO_H
#define SMPSIM_CAIRO_H

#include <cairo.h>

#include <smpsim/smpsim.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Draws the dots into a caller's cairo context, in the context's
 *  current user space taken as photo pixels: each visible dot a
 *  disc of its visible diameter in its pigment's colour with
 *  CAIRO_OPERATOR_MULTIPLY. Cairo blends sRGB-encoded values and draws hard
 *  edges, so this is for overlays in applications; smpsim_render_dots() is
 *  the exact, linear-light preview. The context's state is restored.
 *  SMPSIM_EINVAL for a NULL or failed context. @since 0.1 */
SMPSIM_API smpsim_status smpsim_render_dots_cairo(cairo_t *cr, const smpsim_view *view,
                                                  const smpsim_dots *dots,
                                                  const smpsim_render_options *opts,
                                                  smpsim_error *err);

/** Draws guides for a consultation into a caller's cairo context, in its
 *  current user space taken as PHOTO PIXELS, through the design's view (flat or head; for a head view points on the far side
 *  or beyond the outline are not drawn: lines break there):
 *  - the hairline template (solid red) and the back edge of its transition
 *    zone (dashed red): the line moved back by transition_mm along its
 *    normals on the scalp, in mm;
 *  - for FRONT designs (a FRONT head view, or a hairline set from
 *    landmarks) the landmarks as magenta markers: the glabella at scalp
 *    (0, 0), the mid-frontal point (the hairline at x = 0) and the
 *    frontotemporal points (the hairline at x = +-45 mm, or the landmarks'
 *    frontotemporal_x_mm);
 *  - the region outlines (dashed cyan; mask regions have none);
 *  - dots (may be NULL: none) as small discs coloured by session;
 *  - a 10 mm scale bar near the bottom-left corner of the context's clip
 *    extents, at the local scale (px per mm) of the view at the
 *    mid-frontal point, else the hairline's middle, else the first
 *    region's centre;
 *  - a legend box at the top-left corner, text in DejaVu Sans.
 *  The same inputs draw the same pixels. The context's state is restored.
 *  SMPSIM_EINVAL for a NULL or failed context, a NULL design, an invalid
 *  view or bad options (the message names them). @since 0.1 */
SMPSIM_API smpsim_status smpsim_draw_guides(cairo_t *cr, const smpsim_design *design,
                                            const smpsim_dots *dots,
                                            const smpsim_guides_options *opts,
                                            smpsim_error *err);

/** Copies the rectangle (x, y, w, h) of image (w, h > 0, inside it) into a
 *  new cairo ARGB32 image surface: premultiplied, 16-bit samples rounded to
 *  8 bits. On failure NULL, with err saying why (SMPSIM_EINVAL for a
 *  rectangle outside the image, SMPSIM_ENOMEM). Destroy the surface with
 *  cairo_surface_destroy(). @since 0.1 */
SMPSIM_API cairo_surface_t *smpsim_image_to_cairo(const smpsim_image *image, int x, int y, int w,
                                                  int h, smpsim_error *err);

/** A cairo image surface (ARGB32, or RGB24 read as opaque) as a new RGBA8
 *  image, unpremultiplied. The surface is flushed first. SMPSIM_EINVAL for
 *  another kind of surface or format, SMPSIM_ENOMEM. Free *out with
 *  smpsim_image_free(). @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_from_cairo(cairo_surface_t *surface, smpsim_image **out,
                                                 smpsim_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SMPSIM_CAIRO_H */
