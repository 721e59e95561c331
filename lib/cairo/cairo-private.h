/* Private declarations of lib/cairo: drawing helpers shared by plans (plan.c) and guides
 * (guides.c). Not installed. */
#ifndef SMPSIM_CAIRO_PRIVATE_H
#define SMPSIM_CAIRO_PRIVATE_H

#include "sampling/sampling-private.h"

#include <smpsim/cairo.h> /* includes <cairo.h> */

#define SMPSIM__FONT "DejaVu Sans"

/* Shows text with its baseline at (x, y) in a font of `size` user units,
 * shrunk to fit max_w. */
void smpsim__draw_text_fit(cairo_t *cr, double x, double y, double size, double max_w,
                           const char *text);

/* Maps a point (scalp mm) to user space; returns 0 for a hidden point. */
typedef int (*smpsim__draw_map_fn)(void *arg, double x, double y, double *ux, double *uy);

/* Adds a polyline of n points to the path, each point through map (NULL:
 * as it is). A hidden point (or a non-finite one) breaks the line. closed:
 * a ring, closed when every point is shown. step > 0: segments are cut into
 * pieces of at most step (source units) before mapping, so that straight
 * lines in mm follow a curved view. */
void smpsim__path_polyline(cairo_t *cr, const double *xy, size_t n, bool closed, double step,
                           smpsim__draw_map_fn map, void *arg);

/* Adds every ring of a region outline to the path (see above). */
void smpsim__path_rings(cairo_t *cr, const smpsim__rings *rings, double step,
                        smpsim__draw_map_fn map, void *arg);

/* The outlines of all the design's regions, in mm (one smpsim__rings per
 * region; masks have none). Free with smpsim__design_outlines_free(). */
smpsim_status smpsim__design_outlines(const smpsim_design *design, smpsim__rings **out,
                                      size_t *n_out, smpsim_error *err);
void smpsim__design_outlines_free(smpsim__rings *rings, size_t n);

/* image-cairo.c: n pixels of row y from x0 as premultiplied ARGB32 (16-bit
 * samples rounded to 8 bits); one ARGB32 pixel back as straight RGBA8. */
void smpsim__image_row_to_argb(const smpsim_image *img, uint32_t y, uint32_t x0, uint32_t n,
                               uint32_t *out);
void smpsim__argb_to_rgba8(uint32_t v, uint8_t rgba[4]);

#endif
