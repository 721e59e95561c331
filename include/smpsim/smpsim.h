/*
 * smpsim: scalp micropigmentation simulator.
 *
 * One header is all a user needs:  #include <smpsim/smpsim.h>
 *
 * Data flow (each arrow is a plain structure a caller can build and inspect):
 *
 *   design (regions in mm or photo pixels, a view, a seed)
 *     -> smpsim_field   density in dots/cm2 on a raster in mm
 *     -> smpsim_dots    dots in mm: position, diameter, shade, region
 *     -> smpsim_image   the photo with the dots composited in linear light
 *
 * Conventions
 * - Every fallible call returns an smpsim_status and takes an optional
 *   smpsim_error record (may be NULL) that receives a message naming the
 *   problem. There is no global error state.
 * - Out-pointers are set to NULL on failure.
 * - Every smpsim_*_free(NULL) does nothing.
 * - Options structs are initialised with their *_init() macro, which records
 *   the caller's sizeof so that fields can be appended without breaking the
 *   ABI. A zero field means "the default".
 * - Objects are used by one thread at a time; separate objects share nothing.
 *   One exception, for designs: calls that take a `const smpsim_design *`
 *   only read it (smpsim_design_dots(), smpsim_design_field(),
 *   smpsim_preview_render(), smpsim_design_to_json(), smpsim_design_check(),
 *   smpsim_design_stats(), smpsim_plan_write(), ...), so any number of
 *   threads may call them on one shared design at once, as long as no
 *   thread changes it (a call taking a non-const design) meanwhile.
 * - Same design + same seed = same dots = same output bytes.
 *
 * Units are in the names: _mm, _px, _per_cm2, _deg.
 */
#ifndef SMPSIM_H
#define SMPSIM_H

#include <stddef.h>
#include <stdint.h>

#include <smpsim/smpsim-features.h>
#include <smpsim/smpsim-version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SMPSIM_COMPILATION) && defined(__GNUC__)
#define SMPSIM_API __attribute__((visibility("default")))
#else
#define SMPSIM_API
#endif

/* ------------------------------------------------------------------------ */
/* Version and errors                                                       */
/* ------------------------------------------------------------------------ */

/** The library's version string at run time, e.g. "0.1.0". @since 0.1 */
SMPSIM_API const char *smpsim_version(void);

/* Status codes: one list produces the enum and its strings. */
#define SMPSIM_STATUS_MAP(X)                                              \
    X(OK, "success")                                                      \
    X(EINVAL, "invalid argument")                                         \
    X(ENOMEM, "out of memory")                                            \
    X(EIO, "file could not be read or written")                           \
    X(EFORMAT, "input is not a valid image or design file")               \
    X(ELIMIT, "input exceeds a configured limit")                         \
    X(EUNSUPPORTED, "input uses a feature this version does not support") \
    X(ECANCELED, "cancelled by the caller")

typedef enum smpsim_status {
#define SMPSIM_STATUS_ENUM_(name, text) SMPSIM_##name,
    SMPSIM_STATUS_MAP(SMPSIM_STATUS_ENUM_)
#undef SMPSIM_STATUS_ENUM_
    SMPSIM_STATUS_COUNT_
} smpsim_status;

/** A short English description of a status; never NULL (unknown values give
 *  "unknown status"). @since 0.1 */
SMPSIM_API const char *smpsim_strerror(smpsim_status status);

/** Caller-owned error record: the status and a message that says what went
 *  wrong and where (file, field, pixel row). Zero-initialise it or call
 *  smpsim_error_clear(). @since 0.1 */
typedef struct smpsim_error {
    smpsim_status status;
    char message[512];
} smpsim_error;

/** Resets an error record to SMPSIM_OK and an empty message. @since 0.1 */
SMPSIM_API void smpsim_error_clear(smpsim_error *err);

/** Frees a string or array the library returned for the caller to free
 *  (smpsim_design_to_json(), smpsim_look_to_json(),
 *  smpsim_design_describe(), ...); NULL does nothing. The same as free()
 *  for programs that share the library's C runtime. @since 0.1 */
SMPSIM_API void smpsim_free(void *p);

/* ------------------------------------------------------------------------ */
/* Images                                                                   */
/* ------------------------------------------------------------------------ */

/** Pixel layouts. Both are straight (non-premultiplied) RGBA, sRGB-encoded,
 *  rows top to bottom. 16-bit samples are in host byte order. */
typedef enum smpsim_pixel_format {
    SMPSIM_RGBA8 = 1,  /* 4 x uint8_t per pixel  */
    SMPSIM_RGBA16 = 2  /* 4 x uint16_t per pixel */
} smpsim_pixel_format;

/** An image in memory. A plain structure: callers may read and write pixels.
 *  Create with smpsim_image_new() or a loader; free with smpsim_image_free(). */
typedef struct smpsim_image {
    uint32_t width;
    uint32_t height;
    smpsim_pixel_format format;
    size_t stride; /* bytes from one row to the next */
    void *pixels;  /* owned by the image */
} smpsim_image;

/** Limits and choices for loading images. Initialise with
 *  smpsim_load_options_init(&opts). @since 0.1 */
typedef struct smpsim_load_options {
    size_t struct_size;
    /** Refuse images with more pixels than this (0 = 200 000 000). */
    uint64_t max_pixels;
    /** Refuse images wider or taller than this (0 = 100 000). */
    uint32_t max_dimension;
    /** Non-zero: ignore the EXIF orientation of JPEG files (default: apply it). */
    int ignore_orientation;
    /** Refuse files (or bytes in memory) larger than this, before decoding
     *  (0 = room for an uncompressed image at max_pixels, and at least
     *  2 GiB). @since 0.1 */
    uint64_t max_file_bytes;
    /** Called (on the loading thread) when a file is decoded despite a
     *  defect that loses no pixels, with a message saying what: a JPEG
     *  that ends without its end marker (EOI), which libjpeg's own tools
     *  decode with a warning too. NULL: nothing is said. @since 0.1 */
    void (*warning)(void *warning_arg, const char *message);
    /** Passed to warning (borrowed). */
    void *warning_arg;
} smpsim_load_options;

SMPSIM_API void smpsim_load_options_init_(smpsim_load_options *opts, size_t struct_size);
#define smpsim_load_options_init(opts) smpsim_load_options_init_((opts), sizeof *(opts))

/** Allocates a width x height image filled with opaque black.
 *  Returns SMPSIM_EINVAL for a zero size, SMPSIM_ELIMIT beyond the default
 *  limits, SMPSIM_ENOMEM. Free with smpsim_image_free(). @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_new(uint32_t width, uint32_t height,
                                          smpsim_pixel_format format,
                                          smpsim_image **out, smpsim_error *err);

/** A deep copy. @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_copy(const smpsim_image *src, smpsim_image **out,
                                           smpsim_error *err);

/** Frees an image; NULL does nothing. @since 0.1 */
SMPSIM_API void smpsim_image_free(smpsim_image *image);

/** Loads a PNG or JPEG file (chosen by its signature, not its name).
 *  PNG: every colour type and bit depth, interlaced or not; gAMA is honoured
 *  so that pixels come out sRGB-encoded; 16-bit files give SMPSIM_RGBA16,
 *  everything else SMPSIM_RGBA8. JPEG: greyscale, RGB/YCbCr and CMYK; the
 *  EXIF orientation is applied so that the image comes out upright.
 *  opts may be NULL (defaults). Dimensions are checked against the limits
 *  before any pixel memory is allocated (SMPSIM_ELIMIT). Corrupt or truncated
 *  data gives SMPSIM_EFORMAT, an unreadable file SMPSIM_EIO.
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_load(const char *path, const smpsim_load_options *opts,
                                           smpsim_image **out, smpsim_error *err);

/** Same as smpsim_image_load() from bytes in memory (borrowed for the call). @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_load_memory(const void *data, size_t size,
                                                  const smpsim_load_options *opts,
                                                  smpsim_image **out, smpsim_error *err);

/** One text chunk written into a PNG (tEXt for Latin-1 keys and ASCII
 *  text, iTXt for UTF-8 text). Keys are 1-79 printable Latin-1 characters. */
typedef struct smpsim_text {
    const char *key;
    const char *text;
} smpsim_text;

/** Receives encoded bytes; returns 0 on success, non-zero to abort. */
typedef int (*smpsim_write_func)(void *closure, const void *data, size_t size);

#if SMPSIM_HAVE_JPEG /* libjpeg */
/** Writes an 8-bit RGB JPEG atomically (alpha dropped; 16-bit samples
 *  rounded to 8 bits), without chroma subsampling so that dots a pixel
 *  across keep their colour. quality 1..100 (0 = 92). A JPEG carries no
 *  provenance: keep the PNG to make a preview again. SMPSIM_EINVAL for a
 *  bad quality, SMPSIM_ELIMIT beyond 65500 px a side, SMPSIM_EIO on a
 *  write failure (nothing is left behind). @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_save_jpeg(const smpsim_image *image, const char *path,
                                                int quality, smpsim_error *err);
#endif /* SMPSIM_HAVE_JPEG */

#if SMPSIM_HAVE_PNG /* libpng */
/** Choices for saving PNG files. Initialise with smpsim_save_options_init(). @since 0.1 */
typedef struct smpsim_save_options {
    size_t struct_size;
    /** zlib level 1..9; 0 = the default, 2 (fast: see docs/performance.md). */
    int compression_level;
    /** Text chunks to embed (borrowed for the call); may be NULL. */
    const smpsim_text *texts;
    size_t n_texts;
    /** Non-zero: write an 8-bit file even from a 16-bit image. */
    int force_8bit;
} smpsim_save_options;

SMPSIM_API void smpsim_save_options_init_(smpsim_save_options *opts, size_t struct_size);
#define smpsim_save_options_init(opts) smpsim_save_options_init_((opts), sizeof *(opts))

/** Writes a PNG atomically: to a temporary file beside path, then renamed
 *  over it, so a failure leaves no partial file (and no file at all if none
 *  existed). opts may be NULL. Returns SMPSIM_EIO on a write failure.
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_save_png(const smpsim_image *image, const char *path,
                                               const smpsim_save_options *opts,
                                               smpsim_error *err);

/** Encodes a PNG to a caller's stream. @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_write_png_stream(const smpsim_image *image,
                                                       smpsim_write_func write, void *closure,
                                                       const smpsim_save_options *opts,
                                                       smpsim_error *err);

/** Reads the text chunks of a PNG file. On success *out holds *n_out entries
 *  whose strings live in the same allocation; free it with smpsim_texts_free().
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_png_read_texts(const char *path, smpsim_text **out,
                                               size_t *n_out, smpsim_error *err);
SMPSIM_API void smpsim_texts_free(smpsim_text *texts);
#endif /* SMPSIM_HAVE_PNG */

/* ------------------------------------------------------------------------ */
/* Views: millimetres on the scalp <-> photo pixels                         */
/* ------------------------------------------------------------------------ */

/** Kinds of view. */
typedef enum smpsim_view_kind {
    SMPSIM_VIEW_FLAT = 0, /* one scale, rotation and offset */
    SMPSIM_VIEW_HEAD = 1  /* the scalp as an ellipsoid seen by a camera */
} smpsim_view_kind;

/** Where a head photo was taken from. */
typedef enum smpsim_camera {
    SMPSIM_CAMERA_FRONT = 0, /* a portrait: face towards the camera */
    SMPSIM_CAMERA_TOP = 1    /* from above the vertex, forehead at the top of the photo */
} smpsim_camera;

/** The scalp as an ellipsoid fitted to the head outline in the photo.
 *  Scalp millimetres are lengths along the surface: for FRONT photos from
 *  the glabella, x to the photo's right along the horizontal circle of the
 *  ellipsoid and y downward along the midline (so the scalp is at negative
 *  y: a hairline 80 mm above the glabella is at y = -80); for TOP photos
 *  from the vertex, x to the right and y towards the back of the head (down
 *  the photo). The camera looks along the ellipsoid's front-back axis
 *  (FRONT) or vertical axis (TOP), tilted by pitch_deg (positive: the camera
 *  above the eyes for FRONT, leaning towards the forehead for TOP), with an
 *  orthographic projection. At a non-zero pitch the vertical semi-axis is
 *  solved so that the model's outline stays the fitted one; a glabella off
 *  the outline's vertical axis is taken as a turned head (up to 30 degrees).
 *  See docs/views.md. @since 0.1 */
typedef struct smpsim_head {
    double center_x_px, center_y_px; /* centre of the head outline in the photo */
    double radius_x_px, radius_y_px; /* semi-axes of the outline (an ellipse) */
    double tilt_deg;                 /* rotation of the outline, clockwise on screen */
    double width_mm;                 /* real breadth of the head (0 = 150): the scale */
    double depth_ratio;              /* depth semi-axis / breadth semi-axis (0 = 1.25) */
    smpsim_camera camera;
    double pitch_deg;                /* camera elevation above the axis, -45..45 (0 = 0) */
    double glabella_x_px, glabella_y_px; /* FRONT: the glabella in the photo */
} smpsim_head;

/** A view maps scalp millimetres to photo pixels. FLAT:
 *    x_px = offset_x_px + s (cos r x_mm - sin r y_mm),
 *    y_px = offset_y_px + s (sin r x_mm + cos r y_mm),
 *  with s = px_per_mm and r = rotation_deg (clockwise on screen, since y
 *  points down in both systems); millimetre x runs to the photo's right and
 *  y downward, like pixels. HEAD: see smpsim_head; px_per_mm is then the
 *  scale at the outline's plane (set by smpsim_view_head()). A zero-filled
 *  view plus px_per_mm is a flat view. @since 0.1 */
typedef struct smpsim_view {
    double px_per_mm;
    double rotation_deg;
    double offset_x_px;
    double offset_y_px;
    smpsim_view_kind kind;
    smpsim_head head; /* used when kind is SMPSIM_VIEW_HEAD */
} smpsim_view;

/** A head view from a fitted outline (copied; zero fields take their
 *  defaults). Check it with smpsim_view_validate(). @since 0.1 */
SMPSIM_API smpsim_view smpsim_view_head(const smpsim_head *head);

/** Maps a scalp point to the photo with what the renderer needs: the pixel
 *  position, the local scale in pixels per millimetre of the surface (the
 *  square root of the area scale, so foreshortened dots keep their area in
 *  proportion), and whether the point faces the camera. Returns 1 if the
 *  point is visible, 0 if it is on the far side, beyond the outline or not
 *  on the surface. For flat views always 1 with px_per_mm. @since 0.1 */
SMPSIM_API int smpsim_view_map(const smpsim_view *view, double x_mm, double y_mm,
                               double *x_px, double *y_px, double *px_per_mm);

/** A view with the given scale, no rotation and no offset (mm (0,0) is the
 *  photo's top-left corner). @since 0.1 */
SMPSIM_API smpsim_view smpsim_view_flat(double px_per_mm);

/** Calibrates the scale from two photo points a known distance apart
 *  (e.g. the ends of a ruler in the photo). Sets px_per_mm; keeps the
 *  rotation and offset of *view. SMPSIM_EINVAL for coincident points, a
 *  non-positive distance or non-finite numbers. @since 0.1 */
SMPSIM_API smpsim_status smpsim_view_calibrate(smpsim_view *view, double x0_px, double y0_px,
                                               double x1_px, double y1_px, double distance_mm,
                                               smpsim_error *err);

/** Checks that a view is usable: finite numbers, 0.01 <= px_per_mm <=
 *  10000, a known kind; for head views positive radii, a sane width,
 *  depth ratio and pitch, (FRONT) a glabella inside the outline, and a
 *  px_per_mm that matches the head (as smpsim_view_head() sets it).
 *  The message names the bad field. @since 0.1 */
SMPSIM_API smpsim_status smpsim_view_validate(const smpsim_view *view, smpsim_error *err);

/** Maps a point from scalp millimetres to photo pixels (hidden points of a
 *  head view too: see smpsim_view_map()). @since 0.1 */
SMPSIM_API void smpsim_view_to_px(const smpsim_view *view, double x_mm, double y_mm,
                                  double *x_px, double *y_px);

/** Maps a point from photo pixels to scalp millimetres. For a head view a
 *  pixel outside the outline maps to the nearest point of the visible
 *  surface's rim. @since 0.1 */
SMPSIM_API void smpsim_view_to_mm(const smpsim_view *view, double x_px, double y_px,
                                  double *x_mm, double *y_mm);

/* ------------------------------------------------------------------------ */
/* Paths                                                                    */
/* ------------------------------------------------------------------------ */

/** A polyline, possibly of several subpaths, from an SVG path (see
 *  smpsim_path_parse_svg()). A plain structure; free it with
 *  smpsim_path_free().
 *
 *  Subpath i holds points subpath_start[i] up to (not including)
 *  subpath_start[i + 1], or n_points for the last one; a subpath may hold a
 *  single point (a moveto with nothing drawn from it). A closed subpath
 *  does not repeat its first point: the closing segment is implied.
 *  @since 0.1 */
typedef struct smpsim_path {
    size_t n_points;
    double *xy;            /* x0,y0,x1,y1,... in the path's units (photo pixels) */
    size_t n_subpaths;     /* at least 1 */
    size_t *subpath_start; /* index of each subpath's first point; n_subpaths entries */
    uint8_t *closed;       /* 1 if the subpath ended with Z/z; n_subpaths entries */
} smpsim_path;

/** Parses an SVG path "d" string (as drawn over a photo in any vector
 *  editor; the string is borrowed for the call) and flattens it into
 *  polylines.
 *
 *  The full SVG 1.1/2 path grammar: M L H V C S Q T A Z, absolute
 *  (upper case) and relative (lower case); implicit repetition (pairs after
 *  a moveto are linetos); numbers with signs, decimals and exponents,
 *  without separators where unambiguous ("1-2", ".5.5"); arc flags with or
 *  without separators ("a1 1 0 00 1 1"); white space and commas. S and T
 *  reflect the previous C/S or Q/T control point (otherwise the current
 *  point). Arcs follow the SVG implementation notes: radii too small to
 *  reach the end point are scaled up, a zero radius draws a line, identical
 *  end points omit the arc. Z returns to the subpath's start; a command
 *  after it (other than M) starts a new subpath there. Numbers are read
 *  independently of the C locale.
 *
 *  Each drawing command adds its end point; curves and arcs add the points
 *  of a flattening that lies within `tolerance` (in path units; 0 = 0.25,
 *  otherwise at least 1e-6) of the true curve, with every added point on
 *  the curve. The result is deterministic.
 *
 *  On success *out must be freed with smpsim_path_free(); on failure *out
 *  is NULL. Returns SMPSIM_EFORMAT for a malformed string, with a message
 *  giving the 0-based byte offset and what was expected there, e.g.
 *  "svg path: at byte 7: expected a number after 'C', found the end of the
 *  path" (also for an empty or blank string, a path not starting with M/m,
 *  and numbers beyond +-1e7); SMPSIM_ELIMIT for a string over 1 MiB
 *  (1048576 bytes) or a path that flattens to more than 1 000 000 points;
 *  SMPSIM_EINVAL for NULL arguments or a negative, non-finite or too small
 *  tolerance; SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_path_parse_svg(const char *d, double tolerance,
                                               smpsim_path **out, smpsim_error *err);

/** Frees a path; NULL does nothing. @since 0.1 */
SMPSIM_API void smpsim_path_free(smpsim_path *path);

/* ------------------------------------------------------------------------ */
/* Designs                                                                  */
/* ------------------------------------------------------------------------ */

/** Units of the coordinates given for a region. */
typedef enum smpsim_units {
    SMPSIM_UNITS_MM = 0, /* millimetres on the scalp */
    SMPSIM_UNITS_PX = 1  /* photo pixels, mapped through the design's view */
} smpsim_units;

/** What is tattooed inside a region. Initialise with smpsim_region_params_init(). */
typedef struct smpsim_region_params {
    size_t struct_size;
    /** Impressions per cm2 (0 = 100, about a 1 mm pitch). Range 0.01..1000. */
    double density_per_cm2;
    /** Visible dot diameter in mm (0 = 0.20). Range 0.01..3. */
    double dot_diameter_mm;
    /** Pigment shade on the 1..10 dilution scale of carbon black
     *  (10 = undiluted; 0 = 5). */
    double shade;
    /** Blending margin in mm (0 = a hard edge; up to 100): the density fades
     *  smoothly from full at feather_mm / 2 inside the outline to nothing at
     *  feather_mm / 2 outside, so the expected count stays density x area.
     *  @since 0.1 */
    double feather_mm;
    /** The sessions in which the region is worked: bit k-1 set for session
     *  k (0 = every session). @since 0.1 */
    unsigned sessions;
} smpsim_region_params;

SMPSIM_API void smpsim_region_params_init_(smpsim_region_params *params, size_t struct_size);
#define smpsim_region_params_init(p) smpsim_region_params_init_((p), sizeof *(p))

/** A treatment design: a view, regions, a seed. Opaque; build it with the
 *  functions below. Free with smpsim_design_free(). */
typedef struct smpsim_design smpsim_design;

/** Maximum number of polygon vertices, regions and default limits. */
#define SMPSIM_MAX_POLYGON_POINTS 100000
#define SMPSIM_MAX_REGIONS 1000

/** A new empty design: view 6.5 px/mm, seed 1, no regions. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_new(smpsim_design **out, smpsim_error *err);

/** Frees a design; NULL does nothing. @since 0.1 */
SMPSIM_API void smpsim_design_free(smpsim_design *design);

/** Sets the view (copied). @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_set_view(smpsim_design *design, const smpsim_view *view,
                                                smpsim_error *err);
/** The design's view (borrowed until the design changes or is freed). @since 0.1 */
SMPSIM_API const smpsim_view *smpsim_design_get_view(const smpsim_design *design);

/** Sets the seed of the random generator (any value, 0 included). @since 0.1 */
SMPSIM_API void smpsim_design_set_seed(smpsim_design *design, uint64_t seed);
SMPSIM_API uint64_t smpsim_design_get_seed(const smpsim_design *design);

/** Adds a treatment polygon: n_points (3..SMPSIM_MAX_POLYGON_POINTS)
 *  vertices as x0,y0,x1,y1,... (copied), in mm or photo pixels. Later
 *  regions lie on top of earlier ones where they overlap. params may be NULL
 *  (defaults). SMPSIM_EINVAL names the bad vertex or parameter. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_add_polygon(smpsim_design *design, const double *xy,
                                                   size_t n_points, smpsim_units units,
                                                   const smpsim_region_params *params,
                                                   smpsim_error *err);

/** Adds an ellipse (an alopecia areata patch, a crown): centre, semi-axes
 *  and rotation (degrees, clockwise on screen), in mm or photo pixels.
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_add_ellipse(smpsim_design *design, double center_x,
                                                   double center_y, double radius_x,
                                                   double radius_y, double rotation_deg,
                                                   smpsim_units units,
                                                   const smpsim_region_params *params,
                                                   smpsim_error *err);

/** Adds a thick line (a strip scar): a polyline of n_points (2..) points and
 *  its full width, with round ends. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_add_line(smpsim_design *design, const double *xy,
                                                size_t n_points, double width,
                                                smpsim_units units,
                                                const smpsim_region_params *params,
                                                smpsim_error *err);

/** Adds a set of points (punch scars), each a disc of the given diameter
 *  (0 = 0.8 mm in mm units; in pixel units give it in pixels). @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_add_points(smpsim_design *design, const double *xy,
                                                  size_t n_points, double diameter,
                                                  smpsim_units units,
                                                  const smpsim_region_params *params,
                                                  smpsim_error *err);

/** Adds a painted mask: an image in photo pixels (copied; placed with the
 *  design's view) whose grey value 0..255 is the region's coverage: black
 *  = outside, white = inside, grey = a soft edge. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_add_mask(smpsim_design *design, const smpsim_image *mask,
                                                const smpsim_region_params *params,
                                                smpsim_error *err);

/** How a hairline shapes the density behind it. Initialise with
 *  smpsim_hairline_params_init(); zero fields take the defaults. */
typedef struct smpsim_hairline_params {
    size_t struct_size;
    /** Width of the transition zone behind the line (0 = 10 mm; 5..15),
     *  over which the density rises smoothly to full. */
    double transition_mm;
    /** Density at the line as a fraction of full (0 = 0.25). */
    double start_fraction;
    /** Micro-irregularity: a jagged edge (0 = 1.0 mm amplitude at a 4 mm
     *  wavelength; negative amplitude = none). */
    double micro_amplitude_mm, micro_wavelength_mm;
    /** Macro-irregularity: gentle waves (0 = 1.5 mm at 45 mm; negative =
     *  none). */
    double macro_amplitude_mm, macro_wavelength_mm;
    /** Left/right asymmetry: one end sits this much lower (0 = 1.0 mm,
     *  natural up to ~2 mm; negative = none). */
    double asymmetry_mm;
    /** Isolated "sentinel" dots ahead of the line: their density as a
     *  fraction of full (0 = 0.05; negative = none) within this depth
     *  (0 = 3 mm). */
    double sentinel_fraction, sentinel_depth_mm;
} smpsim_hairline_params;

SMPSIM_API void smpsim_hairline_params_init_(smpsim_hairline_params *p, size_t struct_size);
#define smpsim_hairline_params_init(p) smpsim_hairline_params_init_((p), sizeof *(p))

/** Landmarks of hair-restoration practice, in scalp mm of a FRONT view
 *  (origin at the glabella, y negative upward). Initialise with
 *  smpsim_landmarks_init(). */
typedef struct smpsim_landmarks {
    size_t struct_size;
    /** Mid-frontal point: height above the glabella along the midline
     *  (0 = 80 mm; 70 aggressive .. 100 conservative). */
    double mid_frontal_mm;
    /** Frontotemporal points: distance from the midline (0 = 45 mm, on the
     *  line up from the outer eye corner). */
    double frontotemporal_x_mm;
    /** Temple recession: how much higher the frontotemporal points sit than
     *  the mid-frontal point (0 = 12 mm, or -8 for a female line: lower
     *  corners, a rounded front). */
    double recession_mm;
    /** Temporal peaks: distance from the frontotemporal points towards the
     *  outer eye corner (0 = 50 mm). */
    double temporal_peak_mm;
    /** Shape of the frontal line: 0 = rounded (default), 1 = straight,
     *  2 = widow's peak. */
    int shape;
    /** Non-zero: a female line (rounder, no temple recession). */
    int female;
} smpsim_landmarks;

SMPSIM_API void smpsim_landmarks_init_(smpsim_landmarks *l, size_t struct_size);
#define smpsim_landmarks_init(l) smpsim_landmarks_init_((l), sizeof *(l))

/** Sets the hairline from landmarks (copied; params may be NULL). The line
 *  runs from the left sideburn to the right one through the temporal peaks,
 *  the frontotemporal points and the mid-frontal point. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_set_hairline_landmarks(smpsim_design *design,
                                                              const smpsim_landmarks *landmarks,
                                                              const smpsim_hairline_params *params,
                                                              smpsim_error *err);

/** Sets the hairline as a smooth curve (Catmull-Rom) through n_points
 *  (2..) control points, in mm or photo pixels. The scalp lies above the
 *  line (towards -y: up in an upright photo or a frontal design), or below
 *  it when the line is in pixels of a head view taken from above (TOP),
 *  where the forehead is at the top of the photo. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_set_hairline_points(smpsim_design *design,
                                                           const double *xy, size_t n_points,
                                                           smpsim_units units,
                                                           const smpsim_hairline_params *params,
                                                           smpsim_error *err);

/** Sets the hairline from an SVG path `d` string drawn over the photo
 *  (photo pixels; its first subpath). SMPSIM_EFORMAT names the byte where
 *  the path is malformed. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_set_hairline_svg(smpsim_design *design, const char *d,
                                                        const smpsim_hairline_params *params,
                                                        smpsim_error *err);

/** Removes the hairline. @since 0.1 */
SMPSIM_API void smpsim_design_clear_hairline(smpsim_design *design);

/** The hairline as a polyline in scalp mm (a new array of 2 *n_points
 *  doubles, free with free()), or SMPSIM_EINVAL if the design has none.
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_hairline_mm(const smpsim_design *design, double **xy,
                                                   size_t *n_points, smpsim_error *err);

/** The hairline's control points, left to right, as an editor moves them:
 *  those given as points, or those a landmark hairline was built from
 *  (smpsim_design_set_hairline_points() with them gives the same line).
 *  On success *xy holds 2 * *n_points numbers in *units (free with free());
 *  no hairline gives *n_points 0 and *xy NULL. SMPSIM_EUNSUPPORTED for a
 *  hairline given as an SVG path (a flattened polyline, no control
 *  points). @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_hairline_controls(const smpsim_design *design,
                                                         double **xy, size_t *n_points,
                                                         smpsim_units *units, smpsim_error *err);

/** One session of the treatment plan. */
typedef struct smpsim_session {
    /** Cumulative share of the target density placed by the end of this
     *  session, 0..1 (Liu et al. 2025: 0.3, 0.7, 1.0). */
    double density_fraction;
    /** Added to the regions' shade for this session's dots (default plan:
     *  -1.5, -0.75, 0: lighter first). */
    double shade_offset;
    /** Visible dot diameter of this session's needle in mm (0 = the
     *  region's). */
    double needle_mm;
    /** The hairline sits this much further back for this session (session 1
     *  conservative: default 3 mm, then 0). */
    double hairline_offset_mm;
    /** Days after the previous session (default 0, 21, 21). */
    double interval_days;
} smpsim_session;

#define SMPSIM_MAX_SESSIONS 8

/** Sets the sessions (copied; 1..SMPSIM_MAX_SESSIONS, density fractions
 *  rising to 1). A new design has the default three. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_set_sessions(smpsim_design *design,
                                                    const smpsim_session *sessions, size_t n,
                                                    smpsim_error *err);
/** The sessions (borrowed until the design changes or is freed). @since 0.1 */
SMPSIM_API const smpsim_session *smpsim_design_sessions(const smpsim_design *design, size_t *n);

/** The client's hair colour on the 1..10 shade scale (0 = unknown), for
 *  the "darker than the hair" warning. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_set_hair_shade(smpsim_design *design, double shade,
                                                      smpsim_error *err);

/** The photo the design is drawn over (a path, copied; NULL clears it) and
 *  a name; both are metadata kept by the design file. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_set_photo(smpsim_design *design, const char *path,
                                                 smpsim_error *err);
SMPSIM_API const char *smpsim_design_get_photo(const smpsim_design *design);
SMPSIM_API smpsim_status smpsim_design_set_name(smpsim_design *design, const char *name,
                                                smpsim_error *err);
SMPSIM_API const char *smpsim_design_get_name(const smpsim_design *design);

#if SMPSIM_HAVE_JSON /* jansson */
/** Limits for reading design files. Initialise with
 *  smpsim_design_load_options_init(). */
typedef struct smpsim_design_load_options {
    size_t struct_size;
    /** Refuse files larger than this (0 = 16 MiB): SMPSIM_ELIMIT. */
    uint64_t max_file_bytes;
    /** Refuse more regions or hairline points than this (0 = 1000 regions,
     *  100 000 points per list). */
    size_t max_regions, max_points;
} smpsim_design_load_options;

SMPSIM_API void smpsim_design_load_options_init_(smpsim_design_load_options *o, size_t size);
#define smpsim_design_load_options_init(o) smpsim_design_load_options_init_((o), sizeof *(o))

/** Reads a design file (JSON, see docs/design-format.md). Relative photo
 *  and mask paths are taken relative to the file. Errors name the JSON path
 *  and the problem ("design.json: regions[2].points_mm[3][1]: expected a
 *  number"); unknown keys are errors too, so that a typo never goes
 *  unnoticed. SMPSIM_EFORMAT for bad content, SMPSIM_EIO for an unreadable
 *  file, SMPSIM_ELIMIT beyond the limits. opts may be NULL. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_load(const char *path,
                                            const smpsim_design_load_options *opts,
                                            smpsim_design **out, smpsim_error *err);

/** Same from a string; base_dir (may be NULL) resolves relative paths.
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_load_string(const char *json, const char *base_dir,
                                                   const smpsim_design_load_options *opts,
                                                   smpsim_design **out, smpsim_error *err);

/** Writes the design as JSON, atomically. Loading the file gives the same
 *  design, and saving that again gives the same bytes. Masks added from
 *  memory (not loaded from a file) cannot be saved: SMPSIM_EUNSUPPORTED.
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_save(const smpsim_design *design, const char *path,
                                            smpsim_error *err);

/** The design as a JSON string (free with free()). @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_to_json(const smpsim_design *design, char **out,
                                               smpsim_error *err);
#endif /* SMPSIM_HAVE_JSON */

/** Design presets: hairlines and hair-loss templates in scalp mm of a
 *  FRONT view (origin at the glabella). smpsim_preset_count() names,
 *  smpsim_preset_name(i) and smpsim_preset_description(i) list them (NULL
 *  beyond the count). @since 0.1 */
SMPSIM_API size_t smpsim_preset_count(void);
SMPSIM_API const char *smpsim_preset_name(size_t index);
SMPSIM_API const char *smpsim_preset_description(size_t index);

/** A new design from a preset (e.g. "male-mature", "norwood-5",
 *  "ludwig-2"). SMPSIM_EINVAL for an unknown name (the message lists the
 *  names). The view is left at its default: set one that maps the glabella.
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_new_preset(const char *name, smpsim_design **out,
                                                  smpsim_error *err);

/** Design rules an artist should hear about. */
typedef enum smpsim_warning_code {
    SMPSIM_WARN_HAIRLINE_LOW = 1,     /* mid-frontal point under 70 mm above the glabella */
    SMPSIM_WARN_TEMPLES_FILLED = 2,   /* frontotemporal angle filled in */
    SMPSIM_WARN_LINE_STRAIGHT = 3,    /* the frontal line is (nearly) ruler-straight */
    SMPSIM_WARN_LINE_REGULAR = 4,     /* no irregularity: too perfect, too symmetric */
    SMPSIM_WARN_TOO_DARK = 5,         /* a shade darker than the client's hair */
    SMPSIM_WARN_DOTS_MERGE = 6,       /* too little space for healed dots */
    /* From the photo (smpsim_photo_check(), @since 0.1): */
    SMPSIM_WARN_WHITE_HAIR = 7,       /* white or grey hair: SMP reads as dots, not hair */
    SMPSIM_WARN_PHOTO_COARSE = 8,     /* under ~4 px/mm: single dots are not shown */
    SMPSIM_WARN_OFF_SKIN = 9          /* a region's dots fall mostly off the skin */
} smpsim_warning_code;

typedef struct smpsim_warning {
    smpsim_warning_code code;
    char message[256]; /* what is wrong and what to change; a region is named by
                          its number from 1 ("region 2: ..."), as smpsim_stats
                          and the dots' region field count them */
} smpsim_warning;

/** Checks the design against the rules above. On success *out holds *n
 *  warnings (possibly 0; free with free()). @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_check(const smpsim_design *design, smpsim_warning **out,
                                             size_t *n, smpsim_error *err);

/** Number of regions in the design. @since 0.1 */
SMPSIM_API size_t smpsim_design_region_count(const smpsim_design *design);

/** A region's parameters with defaults filled in. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_region_params(const smpsim_design *design, size_t index,
                                                     smpsim_region_params *params,
                                                     smpsim_error *err);

/** The file a mask region was loaded from, as the design file names it
 *  (relative to the design file unless absolute; borrowed until the design
 *  is freed), or NULL: not a mask region, a mask added from memory, or no
 *  such region. @since 0.1 */
SMPSIM_API const char *smpsim_design_region_mask_path(const smpsim_design *design, size_t index);

/** A one-line, human-readable summary of the design (view, seed, regions),
 *  stored in preview PNGs. Free with free(). NULL on allocation failure. @since 0.1 */
SMPSIM_API char *smpsim_design_describe(const smpsim_design *design);

/* ------------------------------------------------------------------------ */
/* Density field                                                            */
/* ------------------------------------------------------------------------ */

/** Target density on a raster in scalp millimetres. A plain structure:
 *  tests and applications may build one by hand with smpsim_field_new().
 *  Cell (i, j) covers x in [origin_x_mm + i cell_mm, + cell_mm), likewise y.
 *  density_per_cm2[j * width + i] is the target density there (0 = no dots);
 *  region[j * width + i] is the index of the region that owns the cell plus
 *  one (0 = none); a field built by hand may leave all regions 0. */
typedef struct smpsim_field {
    double origin_x_mm;
    double origin_y_mm;
    double cell_mm;
    uint32_t width;
    uint32_t height;
    float *density_per_cm2;
    uint16_t *region;
} smpsim_field;

/** Allocates a field of width x height cells, all zero. At most 64 million
 *  cells (SMPSIM_ELIMIT). Free with smpsim_field_free(). @since 0.1 */
SMPSIM_API smpsim_status smpsim_field_new(uint32_t width, uint32_t height, double origin_x_mm,
                                          double origin_y_mm, double cell_mm, smpsim_field **out,
                                          smpsim_error *err);
SMPSIM_API void smpsim_field_free(smpsim_field *field);

/** The expected number of dots: the sum of density x cell area. @since 0.1 */
SMPSIM_API double smpsim_field_expected_count(const smpsim_field *field);

/** Rasterises a design's regions into a density field with cells of
 *  cell_mm (0 = 0.25 mm). Edge cells get density x covered fraction, so the
 *  expected count equals density x area to well under 1 %. Outlines are
 *  filled by the non-zero winding rule. SMPSIM_EINVAL for a design without
 *  regions; SMPSIM_ELIMIT beyond the work budget and SMPSIM_ECANCELED from
 *  the cancel callback of the design's dot options. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_field(const smpsim_design *design, double cell_mm,
                                             smpsim_field **out, smpsim_error *err);

/** How a field operation combines a new value v with the cell's value d. */
typedef enum smpsim_field_op {
    SMPSIM_FIELD_SET = 0,      /* d = v */
    SMPSIM_FIELD_MULTIPLY = 1, /* d = d x v: v is a factor (e.g. 0..1) */
    SMPSIM_FIELD_MAX = 2,      /* d = max(d, v) */
    SMPSIM_FIELD_MIN = 3,      /* d = min(d, v) */
    SMPSIM_FIELD_ADD = 4       /* d = d + v */
} smpsim_field_op;

/** Applies a linear ramp: v = value0 at (x0, y0) mm rising (or falling)
 *  to value1 at (x1, y1) mm along the line between them, constant beyond
 *  the ends, with op. Values are densities (dots/cm2) or, for MULTIPLY,
 *  factors. SMPSIM_EINVAL for coincident points or non-finite or negative
 *  values. @since 0.1 */
SMPSIM_API smpsim_status smpsim_field_ramp(smpsim_field *field, double x0_mm, double y0_mm,
                                           double value0, double x1_mm, double y1_mm,
                                           double value1, smpsim_field_op op, smpsim_error *err);

/** Combines src into dst cell by cell with op (SET copies). The two fields
 *  must have the same geometry (SMPSIM_EINVAL otherwise). Regions are taken
 *  from src where src's value is non-zero and op is SET or MAX. @since 0.1 */
SMPSIM_API smpsim_status smpsim_field_combine(smpsim_field *dst, const smpsim_field *src,
                                              smpsim_field_op op, smpsim_error *err);

/** A field from a density map painted by an artist: grey value 0..255
 *  (0..65535 in 16-bit maps; the mean of R, G and B of colour maps) maps
 *  linearly to 0..max_per_cm2. view places the map: its pixels are mapped to
 *  scalp mm like a photo's. The field covers the map with cells of cell_mm
 *  (0 = 0.25), sampled bilinearly. Cells are given region 1. @since 0.1 */
SMPSIM_API smpsim_status smpsim_field_from_map(const smpsim_image *map, const smpsim_view *view,
                                               double max_per_cm2, double cell_mm,
                                               smpsim_field **out, smpsim_error *err);

/* ------------------------------------------------------------------------ */
/* Dots                                                                     */
/* ------------------------------------------------------------------------ */

/** One impression on the scalp. */
typedef struct smpsim_dot {
    float x_mm;
    float y_mm;
    float diameter_mm;
    float shade;      /* 1..10 dilution scale */
    uint16_t region;  /* region index + 1, 0 = none */
    uint16_t session; /* 1-based session number, 0 = unassigned */
    uint32_t group;   /* follicle-group number, 0 = ungrouped */
} smpsim_dot;

/** A list of dots. A plain structure; free with smpsim_dots_free(). */
typedef struct smpsim_dots {
    size_t count;
    size_t capacity;
    smpsim_dot *dots;
} smpsim_dots;

/** An empty list with room for capacity dots. @since 0.1 */
SMPSIM_API smpsim_status smpsim_dots_new(size_t capacity, smpsim_dots **out, smpsim_error *err);
/** Appends a dot, growing the list. @since 0.1 */
SMPSIM_API smpsim_status smpsim_dots_append(smpsim_dots *dots, const smpsim_dot *dot,
                                            smpsim_error *err);
SMPSIM_API void smpsim_dots_free(smpsim_dots *dots);

/** A 64-bit FNV-1a checksum of the dot list's values (positions, sizes,
 *  shades, regions, sessions, groups), independent of the host's byte order.
 *  Equal lists give equal checksums. @since 0.1 */
SMPSIM_API uint64_t smpsim_dots_checksum(const smpsim_dots *dots);

/** Text formats for dot lists. */
typedef enum smpsim_dots_format {
    /** Header x_mm,y_mm,diameter_mm,shade,session,group,region then one dot
     *  per line; numbers with 4 decimals (0.1 micrometre). */
    SMPSIM_DOTS_CSV = 0,
    /** {"count": N, "dots": [{"x_mm": ..., ...}, ...]} with the same fields. */
    SMPSIM_DOTS_JSON = 1
} smpsim_dots_format;

/** Writes a dot list as text to a caller's stream. SMPSIM_EIO if the stream
 *  reports a failure. @since 0.1 */
SMPSIM_API smpsim_status smpsim_dots_write(const smpsim_dots *dots, smpsim_dots_format format,
                                           smpsim_write_func write, void *closure,
                                           smpsim_error *err);

/** Writes a dot list to a file atomically (no partial file on failure). @since 0.1 */
SMPSIM_API smpsim_status smpsim_dots_save(const smpsim_dots *dots, smpsim_dots_format format,
                                          const char *path, smpsim_error *err);

/** Sampling methods (see docs/sampling.md for their measured figures). */
typedef enum smpsim_sample_mode {
    SMPSIM_SAMPLE_DEFAULT = 0, /* SMPSIM_SAMPLE_FAST */
    /** Thresholds a precomputed progressive blue-noise tile, rotated and
     *  shifted by the seed: tens of millions of dots per second, counts
     *  within a few per cent, dots stable when a region grows. */
    SMPSIM_SAMPLE_FAST = 1,
    /** Sample elimination + relaxation: exact total count, slightly better
     *  spacing, about 100 000 dots per second. */
    SMPSIM_SAMPLE_BEST = 2
} smpsim_sample_mode;

/** Reads a CSV dot list: a header naming at least x_mm and y_mm (any of
 *  diameter_mm, shade, session, group, region may follow, in any order;
 *  missing ones read as 0.2 mm, shade 5 and 0), then one dot per line.
 *  max_dots 0 = 20 000 000. SMPSIM_EFORMAT names the line and column of a
 *  bad value; SMPSIM_ELIMIT beyond max_dots. @since 0.1 */
SMPSIM_API smpsim_status smpsim_dots_load_csv(const char *path, size_t max_dots,
                                              smpsim_dots **out, smpsim_error *err);

/** Choices for the sampler. Initialise with smpsim_sample_options_init(). */
typedef struct smpsim_sample_options {
    size_t struct_size;
    /** Refuse to produce more dots than this (0 = 20 000 000): SMPSIM_ELIMIT. */
    size_t max_dots;
    /** Candidates per output dot for sample elimination (0 = 5; 2..10). */
    double candidate_ratio;
    /** Method (0 = SMPSIM_SAMPLE_FAST). @since 0.1 */
    smpsim_sample_mode mode;
} smpsim_sample_options;

SMPSIM_API void smpsim_sample_options_init_(smpsim_sample_options *opts, size_t struct_size);
#define smpsim_sample_options_init(opts) smpsim_sample_options_init_((opts), sizeof *(opts))

/** Blue-noise (Poisson-disk-like) dots following a density field.
 *  The number of dots is the field's expected count rounded; their local
 *  density follows the field; spacing is blue noise (normalised radius
 *  rho >= 0.70 on a uniform region, see smpsim_measure_rho()). Each dot's
 *  region is taken from the field; diameter and shade are left at 0.
 *  Deterministic for a given field, seed and options. @since 0.1 */
SMPSIM_API smpsim_status smpsim_sample(const smpsim_field *field, uint64_t seed,
                                       const smpsim_sample_options *opts, smpsim_dots **out,
                                       smpsim_error *err);

/** How a design's dots are made from its field. Initialise with
 *  smpsim_dot_options_init(); zero fields mean the defaults. */
typedef struct smpsim_dot_options {
    size_t struct_size;
    /** Sampler method (0 = SMPSIM_SAMPLE_FAST). */
    smpsim_sample_mode mode;
    /** Non-zero: place dots in follicle-like groups of 1-4. Group centres
     *  are blue noise at density / (mean group size), so the number of dots
     *  per cm2 still matches the region's density. */
    int groups;
    /** Share of groups of 1, 2, 3 and 4 dots (0,0,0,0 = 0.28, 0.53, 0.17,
     *  0.02: follicular units of the scalp, Guo et al. 2017). Normalised. */
    double group_share[4];
    /** Distance between dots of one group in mm (0 = 0.2 .. 0.5). */
    double group_min_mm, group_max_mm;
    /** Per-dot diameter variation: relative standard deviation (0 = 0.08;
     *  negative = none), clipped to +-2.5 sigma. */
    double diameter_spread;
    /** Per-dot shade variation: standard deviation in shade steps (0 = 0.3;
     *  negative = none). */
    double shade_spread;
    /** Where the field is sparser than the region's density (a transition
     *  zone, a feathered edge), dots are smaller and lighter in proportion:
     *  at density fraction f the diameter is scaled by 1 - k (1 - f) and the
     *  shade by 1 - 1.5 k (1 - f), with k = transition_strength
     *  (0 = 0.25; negative = off). */
    double transition_strength;
    /** Refuse designs asking for more dots than this (0 = 20 000 000):
     *  SMPSIM_ELIMIT. */
    size_t max_dots;
    /** Work budget of the outline geometry (rasterising the regions and
     *  field cells, keeping dots inside their outlines), in outline edges
     *  tested, crossings sorted (n log2 n) and cells written: beyond it the
     *  call stops with SMPSIM_ELIMIT and a message giving the budget
     *  (0 = 300 000 000, about 3 s of one core; the sample designs need
     *  under 2 000 000, a 100 000-disc points region or a 100 000-point
     *  polygon under 90 000 000). Outlines are
     *  indexed, so the work grows with dots plus outline points; designs
     *  that still exceed it have edges crossing most rows of the field (a
     *  100 000-point zigzag). @since 0.1 */
    uint64_t max_work;
    /** Asked now and then (every million units of work or so) during
     *  smpsim_design_dots(), smpsim_generator_dots() and
     *  smpsim_design_field(): a non-zero answer stops the call with
     *  SMPSIM_ECANCELED (nothing is returned). NULL: never cancelled.
     *  Called on the calling thread. @since 0.1 */
    int (*cancel)(void *cancel_arg);
    /** Passed to cancel (borrowed: it must outlive the calls). */
    void *cancel_arg;
    /** Threads that sample the field and give the dots their attributes
     *  (0 = one per online CPU, at most 8; 1 = only the calling thread;
     *  0..64). Any number gives the same dots, in the same order. Small
     *  designs use fewer. @since 0.1 */
    unsigned threads;
} smpsim_dot_options;

SMPSIM_API void smpsim_dot_options_init_(smpsim_dot_options *opts, size_t struct_size);
#define smpsim_dot_options_init(opts) smpsim_dot_options_init_((opts), sizeof *(opts))

/** Sets how the design's dots are made (copied; validated: SMPSIM_EINVAL
 *  names the bad field). NULL restores the defaults. @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_set_dot_options(smpsim_design *design,
                                                       const smpsim_dot_options *opts,
                                                       smpsim_error *err);

/** The design's dots: its field sampled with its seed and dot options, each
 *  dot given its region's diameter and shade (with the per-dot variation of
 *  the options), session 1, and a group number (1-based) when grouping is
 *  on. Every dot lies inside its region's polygon. SMPSIM_ELIMIT beyond
 *  the dot options' max_dots or max_work (the message says which),
 *  SMPSIM_ECANCELED when their cancel callback asks; *out is NULL then.
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_dots(const smpsim_design *design, smpsim_dots **out,
                                            smpsim_error *err);

/** A dot generator: smpsim_design_dots() that keeps its working memory
 *  (the design's density field, megabytes for a whole scalp) between
 *  calls, for an editor that regenerates a design while a control point is
 *  dragged: the field's pages are not handed back to the system and
 *  faulted in again on every call (30x fewer page faults for the sample
 *  designs; how much time that saves depends on the allocator). One
 *  generator per thread; the designs may differ from call to call.
 *  @since 0.1 */
typedef struct smpsim_generator smpsim_generator;

/** A new generator; free with smpsim_generator_free(). @since 0.1 */
SMPSIM_API smpsim_status smpsim_generator_new(smpsim_generator **out, smpsim_error *err);
/** Frees a generator and its memory; NULL does nothing. @since 0.1 */
SMPSIM_API void smpsim_generator_free(smpsim_generator *generator);
/** The design's dots, the same as smpsim_design_dots() gives (byte for
 *  byte), into a new list *out (free with smpsim_dots_free()). @since 0.1 */
SMPSIM_API smpsim_status smpsim_generator_dots(smpsim_generator *generator,
                                               const smpsim_design *design, smpsim_dots **out,
                                               smpsim_error *err);

/** Dots of any field (e.g. one made with smpsim_field_from_map()), every
 *  dot with the same parameters (params may be NULL: defaults; its density
 *  is ignored: the field's maximum is the full density for the transition
 *  scaling) and opts (NULL: defaults). @since 0.1 */
SMPSIM_API smpsim_status smpsim_field_dots(const smpsim_field *field,
                                           const smpsim_region_params *params,
                                           const smpsim_dot_options *opts, uint64_t seed,
                                           smpsim_dots **out, smpsim_error *err);

/** Turns dots into follicle-like groups: each input dot becomes a group
 *  centre holding 1-4 dots drawn from opts' distribution, 0.2-0.5 mm apart
 *  (opts may be NULL). Copies each centre's attributes to its dots and
 *  numbers the groups from 1. Deterministic for a seed. @since 0.1 */
SMPSIM_API smpsim_status smpsim_dots_group(const smpsim_dots *centres,
                                           const smpsim_dot_options *opts, uint64_t seed,
                                           smpsim_dots **out, smpsim_error *err);

/* ------------------------------------------------------------------------ */
/* Measures of quality                                                      */
/* ------------------------------------------------------------------------ */

/** Normalised Poisson-disk radius of n points spread over area_mm2:
 *  rho = d_min / d_max, d_max = sqrt(2 / (sqrt(3) N / A)) (Lagae & Dutre
 *  2008). Uses only the dots whose centres lie in the rectangle
 *  [x0,x1) x [y0,y1) mm; distances are measured to all dots. Dart throwing
 *  gives about 0.75, a hexagonal lattice 1. Returns 0 for fewer than 2 dots.
 *  @since 0.1 */
SMPSIM_API double smpsim_measure_rho(const smpsim_dots *dots, double x0_mm, double y0_mm,
                                     double x1_mm, double y1_mm);

/** Mean and coefficient of variation of nearest-neighbour distances of the
 *  dots in the rectangle (neighbours searched among all dots). @since 0.1 */
SMPSIM_API void smpsim_measure_nn(const smpsim_dots *dots, double x0_mm, double y0_mm,
                                  double x1_mm, double y1_mm, double *mean_mm, double *cv);

/** Number of dots whose centres lie in the rectangle [x0,x1) x [y0,y1) mm
 *  and, if region > 0, belong to that region (its index + 1). Divide by the
 *  area in cm2 for the density. @since 0.1 */
SMPSIM_API size_t smpsim_measure_count(const smpsim_dots *dots, double x0_mm, double y0_mm,
                                       double x1_mm, double y1_mm, unsigned region);

/** Group-size histogram: share[k] (k = 0..4) is the fraction of groups with
 *  k + 1 dots (share[4]: 5 or more). Dots with group 0 count as groups of
 *  one. Returns the number of groups. @since 0.1 */
SMPSIM_API size_t smpsim_measure_groups(const smpsim_dots *dots, double share[5]);

/** A dot pattern's power spectrum (periodogram) over a square window, with
 *  its radial average and anisotropy (Ulichney 1987, "Digital Halftoning").
 *  Frequencies are in units of the pattern's mean dot frequency
 *  f0 = sqrt(N / area). */
typedef struct smpsim_spectrum {
    size_t n_dots;     /* dots in the window */
    double window_mm;  /* side of the square window */
    double f0_per_mm;  /* mean dot frequency */
    size_t size;       /* the 2-D periodogram is size x size, DC at the centre */
    float *power;      /* size*size values; 1 = white noise */
    size_t n_bins;     /* radial bins of width bin_width x f0, from 0 */
    double bin_width;
    double *radial;    /* mean power per ring */
    double *anisotropy_db; /* 10 log10(variance / mean^2) per ring: about 0 dB
                              for an isotropic pattern, higher where the
                              power concentrates in directions (a grid) */
    double low_max;    /* the largest single value below 0.5 f0: small for
                          blue noise, ~1 for white noise, large for a
                          low-frequency structure or a repeating tile */
    double low_mean;   /* mean power below 0.5 f0 */
    double mean_anisotropy_db; /* over the rings from 0.5 f0 to 2 f0 */
} smpsim_spectrum;

/** Measures the spectrum of the dots in the square of side side_mm whose
 *  top-left corner is (x0, y0) mm. At least 16 dots are needed
 *  (SMPSIM_EINVAL). Free with smpsim_spectrum_free(). @since 0.1 */
SMPSIM_API smpsim_status smpsim_measure_spectrum(const smpsim_dots *dots, double x0_mm,
                                                 double y0_mm, double side_mm,
                                                 smpsim_spectrum **out, smpsim_error *err);
SMPSIM_API void smpsim_spectrum_free(smpsim_spectrum *spectrum);

/* ------------------------------------------------------------------------ */
/* Rendering                                                                */
/* ------------------------------------------------------------------------ */

/** States of healing. @since 0.1 */
typedef enum smpsim_dot_state {
    SMPSIM_STATE_AS_GIVEN = 0, /* the dot as given: visible diameter and shade */
    SMPSIM_STATE_FRESH = 1,    /* the first days: darker, sharper, larger, redness */
    SMPSIM_STATE_HEALED = 2,   /* 4+ weeks: about half the size, a shade or two lighter */
    SMPSIM_STATE_AGED = 3      /* `years` after healing: lighter and softer */
} smpsim_dot_state;

/** UV exposure (sun on the scalp) for ageing. @since 0.1 */
typedef enum smpsim_uv_exposure {
    SMPSIM_UV_NORMAL = 0,
    SMPSIM_UV_LOW = 1, /* hats, little sun */
    SMPSIM_UV_HIGH = 2 /* outdoor work, no protection */
} smpsim_uv_exposure;

/** Choices for rendering. Initialise with smpsim_render_options_init(). */
typedef struct smpsim_render_options {
    size_t struct_size;
    /** Width of the soft edge of a dot as a fraction of its radius
     *  (0 = 0.35; 0.01..1). */
    double edge_softness;
    /** Optical density of undiluted pigment seen through the skin, base 10
     *  (0 = 1.3, i.e. 5 % of the light comes back at shade 10). */
    double max_optical_density;
    /** Blue cast: the blue channel's absorbance relative to red
     *  (0 = 0.88; 1 = neutral grey). */
    double blue_absorbance_ratio;
    /* Fields below @since 0.1 (docs/realism.md explains the model). */
    /** What the dots look like (0 = AS_GIVEN, the dot at its diameter and
     *  shade with none of the model below). */
    smpsim_dot_state state;
    /** SMPSIM_STATE_AGED: years since the dots healed (0 = 5; 0..50). */
    double years;
    /** UV exposure for ageing (0 = normal). */
    smpsim_uv_exposure uv_exposure;
    /** Depth of the pigment in mm (0 = 0.6; 0.1..3): deeper is larger,
     *  blurrier and cooler; shallower than 0.4 mm fades faster. */
    double depth_mm;
    /** Deeper than this (0 = 1.2 mm; 0.1..3) the pigment blows out: a
     *  blurred blue-grey halo around each dot. */
    double blowout_depth_mm;
    /** 0: every dot in `state`. k >= 1: the skin after session k: dots of
     *  later sessions are left out, session k is in `state` (AS_GIVEN
     *  means FRESH here), earlier sessions are healed (or aged by
     *  earlier_years). Dots of session 0 count as session 1. */
    unsigned session;
    /** With `session`: age in years of the earlier sessions' dots, for a
     *  touch-up over faded work (0 = just healed; 0..50). */
    double earlier_years;
    /** Non-zero: the pigment is pigment_srgb (sRGB 0..1, its colour at full
     *  coverage over white) instead of carbon black diluted to each dot's
     *  shade. */
    int use_pigment_colour;
    double pigment_srgb[3];
    /** The photo's own blur, given to every dot of the modelled states
     *  (not AS_GIVEN) so that it sits in the photo like the stubble around
     *  it: the 10-90 % rise of an edge, in pixels (0 = 1.5;
     *  SMPSIM_CAMERA_SHARP = none; else 0.1..8). The dot's darkened area
     *  is kept. */
    double camera_blur_px;
    /** Threads that composite bands of rows at once (0 = one per online
     *  CPU, at most 8; 1 = only the calling thread; 0..64). Any number
     *  gives the same pixels. Small renders use one. @since 0.1 */
    unsigned threads;
} smpsim_render_options;

/** smpsim_render_options.camera_blur_px: dots as sharp as their model. */
#define SMPSIM_CAMERA_SHARP (-1.0)

SMPSIM_API void smpsim_render_options_init_(smpsim_render_options *opts, size_t struct_size);
#define smpsim_render_options_init(opts) smpsim_render_options_init_((opts), sizeof *(opts))

/** Composites dots over image in place, in linear light: each dot multiplies
 *  the skin colour by the pigment's transmittance, weighted by its coverage
 *  of each pixel (anti-aliased; the darkened area of a sub-pixel dot equals
 *  its true area). Positions are mapped with view. opts may be NULL.
 *  Deterministic. @since 0.1 */
SMPSIM_API smpsim_status smpsim_render_dots(smpsim_image *image, const smpsim_view *view,
                                            const smpsim_dots *dots,
                                            const smpsim_render_options *opts,
                                            smpsim_error *err);

/** The linear-light transmittance (R, G, B in 0..1) of a shade on the 1..10
 *  scale with these options (NULL = defaults). @since 0.1 */
SMPSIM_API void smpsim_shade_transmittance(double shade, const smpsim_render_options *opts,
                                           double rgb[3]);

/* ---- Rendering: renderer objects, the dot model, skin and hair, viewing
 * ---- distance, drawing into a cairo_t (@since 0.1) ---------------------- */

/** A renderer keeps its options and the dot kernels and scratch memory it
 *  builds, so that rendering again (an editor following a dragged control
 *  point) costs only the compositing. Used by one thread at a time; free
 *  with smpsim_renderer_free(). @since 0.1 */
typedef struct smpsim_renderer smpsim_renderer;

/** A new renderer with these options (copied; NULL = defaults).
 *  SMPSIM_EINVAL names a bad option. @since 0.1 */
SMPSIM_API smpsim_status smpsim_renderer_new(const smpsim_render_options *opts,
                                             smpsim_renderer **out, smpsim_error *err);
/** Frees a renderer; NULL does nothing. @since 0.1 */
SMPSIM_API void smpsim_renderer_free(smpsim_renderer *renderer);
/** Replaces the options (copied); on failure the old ones stay. @since 0.1 */
SMPSIM_API smpsim_status smpsim_renderer_set_options(smpsim_renderer *renderer,
                                                     const smpsim_render_options *opts,
                                                     smpsim_error *err);
/** Same as smpsim_render_dots() with the renderer's options and caches. @since 0.1 */
SMPSIM_API smpsim_status smpsim_renderer_render(smpsim_renderer *renderer, smpsim_image *image,
                                                const smpsim_view *view,
                                                const smpsim_dots *dots, smpsim_error *err);

/** A mask over a photo: one byte per pixel, row-major, 0 = out, 255 = in
 *  (values between: partly). A plain structure: callers may read and
 *  write data. Create with smpsim_mask_new() or the functions below; free
 *  with smpsim_mask_free(). @since 0.1 */
typedef struct smpsim_mask {
    uint32_t width, height;
    uint8_t *data; /* width x height bytes, owned by the mask */
} smpsim_mask;

/** A mask of zeros. SMPSIM_EINVAL for an empty size, SMPSIM_ELIMIT,
 *  SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_mask_new(uint32_t width, uint32_t height, smpsim_mask **out,
                                         smpsim_error *err);
/** Frees a mask; NULL does nothing. @since 0.1 */
SMPSIM_API void smpsim_mask_free(smpsim_mask *mask);

/** The skin of the head in a photo: skin-coloured pixels (red-yellow hue
 *  near the photo's own sampled skin, a lightness near it) of the largest
 *  connected area, small holes (pores, freckles) filled; the backdrop,
 *  clothes, eyes and white or grey hair are out (docs/realism.md, "Skin
 *  and hair masks"). A browser studio can fit a head ellipse to it.
 *  SMPSIM_EINVAL without a photo, SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_skin_mask(const smpsim_image *photo, smpsim_mask **out,
                                          smpsim_error *err);

/** The hair on the skin: inside skin (NULL = smpsim_skin_mask() of the
 *  photo), pixels not skin-coloured (white, grey strands) or darker than
 *  their surroundings (dark strands, eyebrows). Pigment goes between the
 *  strands; they keep their colour. SMPSIM_EINVAL for a photo or skin mask
 *  missing or of another size, SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_hair_mask(const smpsim_image *photo, const smpsim_mask *skin,
                                          smpsim_mask **out, smpsim_error *err);

/** A painted mask: each pixel's grey level (sRGB, white = 255) times its
 *  opacity. SMPSIM_EINVAL, SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_mask_from_image(const smpsim_image *painted, smpsim_mask **out,
                                                smpsim_error *err);

/** Where pigment may go: skin and not hair (either may be NULL, not both;
 *  the same size). SMPSIM_EINVAL, SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_mask_allowed(const smpsim_mask *skin, const smpsim_mask *hair,
                                             smpsim_mask **out, smpsim_error *err);

/** Draws a mask over an image for guides: the mask's pixels tinted with
 *  rgb (sRGB 0..1) at opacity (0..1) times their value, or, with outline
 *  non-zero, only its edge pixels. SMPSIM_EINVAL for a NULL argument, a
 *  size that differs or a bad opacity. @since 0.1 */
SMPSIM_API smpsim_status smpsim_mask_draw(smpsim_image *image, const smpsim_mask *mask,
                                          const double rgb[3], double opacity, int outline,
                                          smpsim_error *err);

/** What a client's photo says about a design drawn over it: white or grey
 *  hair on the head (SMPSIM_WARN_WHITE_HAIR), a scale too coarse to show
 *  single dots (SMPSIM_WARN_PHOTO_COARSE, under 4 px/mm), a region whose
 *  dots land mostly off the skin (SMPSIM_WARN_OFF_SKIN). skin may be NULL
 *  (then smpsim_skin_mask() of the photo); dots may be NULL (then the
 *  design's). On success *out holds *n warnings (possibly 0; free with
 *  free()). SMPSIM_EINVAL, SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_photo_check(const smpsim_image *photo,
                                            const smpsim_design *design,
                                            const smpsim_dots *dots, const smpsim_mask *skin,
                                            smpsim_warning **out, size_t *n, smpsim_error *err);

/** Limits the renderer's pigment to a mask of the images it renders
 *  (copied; NULL: everywhere): pixels at 0 keep the photo's value, partly
 *  allowed ones a mix. A render whose image is not the mask's size fails
 *  with SMPSIM_EINVAL. SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_renderer_set_mask(smpsim_renderer *renderer,
                                                  const smpsim_mask *allowed, smpsim_error *err);

/** smpsim_render_dots() with pigment only where `allowed` is (NULL:
 *  everywhere; see smpsim_renderer_set_mask()). @since 0.1 */
SMPSIM_API smpsim_status smpsim_render_dots_masked(smpsim_image *image, const smpsim_view *view,
                                                   const smpsim_dots *dots,
                                                   const smpsim_render_options *opts,
                                                   const smpsim_mask *allowed, smpsim_error *err);

/** How the model draws one dot. */
typedef struct smpsim_dot_look {
    int visible;              /* 0: left out (a later session than the one shown) */
    double diameter_mm;       /* visible diameter */
    double edge_softness;     /* soft edge as a fraction of the radius */
    double transmittance[3];  /* linear R, G, B at the dot's centre */
    double redness;           /* 0..1: fresh redness around the dot */
    double blowout;           /* 0..1: blowout halo */
    double halo_diameter_mm;  /* diameter of the redness or blowout halo (0 = none) */
} smpsim_dot_look;

/** The look of a dot under these options (NULL = defaults), as the
 *  renderer draws it. SMPSIM_EINVAL for a bad option. @since 0.1 */
SMPSIM_API smpsim_status smpsim_dot_appearance(const smpsim_dot *dot,
                                               const smpsim_render_options *opts,
                                               smpsim_dot_look *out, smpsim_error *err);

/** A colour sampled from a photo. */
typedef struct smpsim_colour {
    double linear[3];  /* mean linear R, G, B of the pixels used */
    double srgb[3];    /* the same, sRGB-encoded, 0..1 */
    char hex[8];       /* "#rrggbb" */
    double lightness;  /* CIE L* (D65) */
    double ita_deg;    /* individual typology angle atan((L* - 50) / b*) */
    int fitzpatrick;   /* approximate Fitzpatrick type 1..6 from the ITA (skin only), 0 = none */
    size_t n_pixels;   /* pixels the estimate rests on (0: nothing sampled) */
} smpsim_colour;

/** What a sample is of. */
typedef enum smpsim_sample_kind {
    SMPSIM_SAMPLE_SKIN = 0, /* mean of the middle half by luminance (no highlights, shadows,
                               hairs), of its skin-coloured pixels when they are a quarter of it
                               or more (no backdrop, no grey hair) */
    SMPSIM_SAMPLE_HAIR = 1  /* mean of the darkest 15 %: the strands, not the skin between them */
} smpsim_sample_kind;

/** Samples skin or hair colour from a photo: inside the polygon xy_px
 *  (n_points >= 3), or in discs of radius_px (0 = 6) around 1 or 2 points,
 *  or over the whole photo (xy_px NULL, n_points 0). Transparent pixels
 *  are ignored. SMPSIM_EINVAL for bad arguments or when no pixel is
 *  selected. @since 0.1 */
SMPSIM_API smpsim_status smpsim_sample_colour(const smpsim_image *image, smpsim_sample_kind kind,
                                              const double *xy_px, size_t n_points,
                                              double radius_px, smpsim_colour *out,
                                              smpsim_error *err);

/** Samples the skin automatically from the treated area: the photo's pixels
 *  under the dots' centres (call it before rendering). SMPSIM_EINVAL when
 *  no dot lies on the photo. @since 0.1 */
SMPSIM_API smpsim_status smpsim_sample_skin_at_dots(const smpsim_image *image,
                                                    const smpsim_view *view,
                                                    const smpsim_dots *dots, smpsim_colour *out,
                                                    smpsim_error *err);

/** A default shade (1..10, in steps of 0.5) for this skin and hair (hair may
 *  be NULL): darker for darker skin types, and never darker than the hair:
 *  pigment covering the skin fully stays at least as light as the hair.
 *  opts (NULL = defaults) gives the pigment's optical density. @since 0.1 */
SMPSIM_API double smpsim_default_shade(const smpsim_colour *skin, const smpsim_colour *hair,
                                       const smpsim_render_options *opts);

/** The camera's blur measured from a photo (docs/realism.md, "The camera"). */
typedef struct smpsim_blur_estimate {
    /** 10-90 % rise of the photo's sharpest edges in pixels, the measure of
     *  smpsim_render_options.camera_blur_px: the lower quartile of the
     *  clean step edges' rises (never below 0.5, see at_floor). */
    double rise_px;
    /** The same as the standard deviation of a Gaussian blur (rise / 2.563). */
    double sigma_px;
    /** Median rise of the edges used: defocused parts and soft shading
     *  make it larger than rise_px. */
    double median_rise_px;
    /** How firm rise_px is: the rises at the 10th and 40th percentiles
     *  around it. Edges that all agree give a narrow range; a wide one
     *  (a photo with few clean edges) says the figure is rough. */
    double rise_low_px, rise_high_px;
    /** Edge points the estimate rests on (at least 50). */
    size_t n_edges;
    /** Non-zero: the edges are sharper than 0.5 px, which the method cannot
     *  tell from no blur at all (or they were sharpened); rise_px is 0.5. */
    int at_floor;
} smpsim_blur_estimate;

/** Measures the camera's blur from the photo's own edges (the gradient
 *  ratio of Zhuo & Sim 2011 at clean step edges, in linear light): inside
 *  the polygon xy_px (n_points >= 3, photo pixels) or over the whole photo
 *  (xy_px NULL, n_points 0). Alpha is ignored. Deterministic; about a
 *  quarter of a second for 12 megapixels. SMPSIM_EINVAL names the problem:
 *  no image, a bad polygon (fewer than 3 points, a point not finite), a
 *  photo or region too small, or too few clean step edges in it (flat, too
 *  noisy, or only texture); out is then zeroed. SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_estimate_camera_blur(const smpsim_image *image,
                                                     const double *xy_px, size_t n_points,
                                                     smpsim_blur_estimate *out,
                                                     smpsim_error *err);

/** Blurs the image in place as an eye with normal acuity (1 minute of arc)
 *  sees it from distance_m metres, at the photo's scale px_per_mm: a
 *  Gaussian of 1 arcminute full width at half maximum, in linear light.
 *  SMPSIM_EINVAL for a bad distance (0.05..100 m) or scale, SMPSIM_ELIMIT
 *  for a blur wider than 2000 px. @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_view_at_distance(smpsim_image *image, double px_per_mm,
                                                       double distance_m, smpsim_error *err);

/** What treatment changed in a photo, as a camera or an eye records it
 *  (the metric real healed SMP was measured with; docs/realism.md,
 *  "Measuring the look"). CIELAB D65; "treated" is the preview, "untreated"
 *  the photo, over the same region. */
typedef struct smpsim_appearance {
    /** L* and chroma C* of the region's mean colour (averaged in linear
     *  light), preview minus photo. */
    double delta_lightness, delta_chroma;
    /** Chroma change of the skin between the dots: the mean colour of the
     *  5 px/mm cells at or above their local mean L*, preview minus photo. */
    double delta_chroma_between;
    /** Dot-scale texture: on a 5 px/mm grid, the standard deviation of L*
     *  minus its local mean (Gaussian, sigma 1 mm, over the region), in the
     *  preview and the photo; sigma_added = sqrt(treated^2 - untreated^2)
     *  (negative when the preview is the smoother). */
    double sigma_treated, sigma_untreated, sigma_added;
    /** Share of the grid cells at least 4 L* darker than their local mean,
     *  in the preview (the visible specks) and in the photo. */
    double dark_fraction, dark_fraction_untreated;
    /** The two mean colours. */
    double lightness_treated, lightness_untreated, chroma_treated, chroma_untreated;
    /** Photo pixels and 5 px/mm grid cells in the region. */
    size_t n_pixels, n_grid_cells;
} smpsim_appearance;

/** Measures a preview against its photo (same size, RGBA8 or RGBA16)
 *  inside the polygon xy_px (photo pixels, n_points >= 3; NULL and 0: the
 *  whole image), at the photo's scale px_per_mm (0.5..1000) and, when
 *  distance_m is not 0 (0.05..100), as an eye sees both from that distance
 *  (smpsim_image_view_at_distance()). Nothing is changed. SMPSIM_EINVAL
 *  names a bad argument or an empty region; SMPSIM_ENOMEM. @since 0.1 */
SMPSIM_API smpsim_status smpsim_measure_appearance(const smpsim_image *photo,
                                                   const smpsim_image *preview,
                                                   const double *xy_px, size_t n_points,
                                                   double px_per_mm, double distance_m,
                                                   smpsim_appearance *out, smpsim_error *err);

/* ------------------------------------------------------------------------ */
/* Previews: a design over its photo with a look, saved with its provenance */
/* ------------------------------------------------------------------------ */

/** smpsim_look.render.camera_blur_px: measure the photo's blur
 *  (smpsim_estimate_camera_blur()) when the preview is rendered. */
#define SMPSIM_CAMERA_BLUR_AUTO (-2.0)

/** The look of a preview: every setting besides the design that changes its
 *  pixels. A preview PNG carries it as JSON in its smpsim:render text chunk
 *  (docs/outputs.md) so that the same pixels can be made again. Initialise
 *  with smpsim_look_init(); zero fields take the defaults. @since 0.1 */
typedef struct smpsim_look {
    size_t struct_size;
    /** State, years, UV, depth, blowout, session, earlier years and the
     *  camera's blur (SMPSIM_CAMERA_BLUR_AUTO: measured from the photo);
     *  initialised by smpsim_look_init(). */
    smpsim_render_options render;
    /** Blur the preview as an eye sees it from this far, in metres
     *  (0 = not at all; 0.05..100). */
    double distance_m;
    /** Non-zero: the skin's colour is sampled around skin_xy (photo pixels)
     *  instead of under the dots; likewise the hair's around hair_xy. */
    int have_skin, have_hair;
    double skin_xy[2], hair_xy[2];
    /** Non-zero: every dot gets the default shade for the sampled skin and
     *  hair (smpsim_default_shade()). */
    int auto_shade;
    /** Non-zero: guides drawn over the preview (smpsim_image_draw_guides();
     *  needs the cairo part). */
    int guides;
    /** Where pigment may go in the modelled states (fresh, healed, aged,
     *  sessions; "as given" draws the dots as they are): 0 = on the skin
     *  and between the hair strands, by masks found in the photo
     *  (smpsim_skin_mask(), smpsim_hair_mask()) or painted ones below;
     *  SMPSIM_MASKS_NONE = everywhere. Guides show the masks. @since 0.1 */
    int masks;
    /** Painted masks replacing the skin or hair mask found in the photo:
     *  paths of images of the photo's size, white = skin (hair); "" = found
     *  in the photo. @since 0.1 */
    char skin_mask_png[512], hair_mask_png[512];
} smpsim_look;

/** smpsim_look.masks: pigment everywhere, as in smpsim 0.1. */
#define SMPSIM_MASKS_NONE 1

SMPSIM_API void smpsim_look_init_(smpsim_look *look, size_t struct_size);
#define smpsim_look_init(look) smpsim_look_init_((look), sizeof *(look))

/** Checks every setting of a look against its range (the ones the CLI
 *  accepts); SMPSIM_EINVAL names the first one out of range. @since 0.1 */
SMPSIM_API smpsim_status smpsim_look_validate(const smpsim_look *look, smpsim_error *err);

/** What smpsim_preview_render() measured and chose on the way. */
typedef struct smpsim_preview_info {
    size_t n_dots;          /* dots of the design (visible or not) */
    double camera_blur_px;  /* the blur drawn (resolved when AUTO was asked for) */
    int camera_blur_measured; /* non-zero: measured from the photo */
    smpsim_blur_estimate camera_blur; /* the measurement, when measured */
    int sampled;            /* non-zero: skin (and hair, when asked) were sampled */
    smpsim_colour skin, hair;
    double default_shade;   /* for that skin and hair; given to every dot with auto_shade */
} smpsim_preview_info;

/** Resolves what a look leaves to the photo: a camera blur of
 *  SMPSIM_CAMERA_BLUR_AUTO becomes the photo's measured blur (within
 *  0.1..8 px; info, which may be NULL, receives the measurement). For a
 *  caller that renders many previews of one photo (a variant sheet) and
 *  measures it once; smpsim_preview_render() does it by itself. @since 0.1 */
SMPSIM_API smpsim_status smpsim_look_resolve(smpsim_look *look, const smpsim_image *photo,
                                             smpsim_preview_info *info, smpsim_error *err);

/** Renders design over a copy of photo with look (NULL: the defaults):
 *  generates the dots, samples skin and hair when the look asks (before
 *  the dots darken the photo), measures the camera's blur when asked,
 *  composites the dots, blurs for the viewing distance, draws guides. The
 *  same inputs give the same pixels. info (may be NULL) receives what was
 *  measured. On success *out must be freed with smpsim_image_free().
 *  SMPSIM_EINVAL for a bad look (smpsim_look_validate()),
 *  SMPSIM_EUNSUPPORTED for guides in a build without cairo, and the
 *  statuses of the steps. @since 0.1 */
SMPSIM_API smpsim_status smpsim_preview_render(const smpsim_design *design,
                                               const smpsim_image *photo,
                                               const smpsim_look *look, smpsim_image **out,
                                               smpsim_preview_info *info, smpsim_error *err);

#if SMPSIM_HAVE_JSON /* jansson */
/** The look as JSON, the text of a preview's smpsim:render chunk. On
 *  success *out is a NUL-terminated string: free it with smpsim_free().
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_look_to_json(const smpsim_look *look, char **out,
                                             smpsim_error *err);

/** Reads a look from JSON (as smpsim_look_to_json() writes it) over *look:
 *  keys that are present replace the setting, absent keys leave it (so
 *  initialise look first). Unknown keys and values out of range are
 *  SMPSIM_EFORMAT naming the key; *look is unchanged on failure. @since 0.1 */
SMPSIM_API smpsim_status smpsim_look_from_json(const char *json, smpsim_look *look,
                                               smpsim_error *err);
#endif /* SMPSIM_HAVE_JSON */

#if SMPSIM_HAVE_PNG && SMPSIM_HAVE_JSON /* libpng, jansson */
/** Saves an image made from a design (a preview, a before/after, a sheet)
 *  as PNG, atomically, with the design's provenance in text chunks:
 *  Software, smpsim:design (the design's JSON) and smpsim:seed, followed by
 *  the n_extra chunks of extra (may be NULL). SMPSIM_EIO on a write
 *  failure; nothing is left behind. @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_save_png_with_design(const smpsim_image *image,
                                                           const smpsim_design *design,
                                                           const smpsim_text *extra,
                                                           size_t n_extra, const char *path,
                                                           smpsim_error *err);

/** Saves a preview as PNG, atomically, with its provenance in text chunks:
 *  Software, smpsim:design (the design's JSON), smpsim:seed and
 *  smpsim:render (the look's JSON; look NULL: the defaults), so that
 *  smpsim_preview_read() and smpsim_preview_render() make the same pixels
 *  again. SMPSIM_EIO on a write failure; nothing is left behind. @since 0.1 */
SMPSIM_API smpsim_status smpsim_preview_save_png(const smpsim_image *preview,
                                                 const smpsim_design *design,
                                                 const smpsim_look *look, const char *path,
                                                 smpsim_error *err);

/** The same PNG bytes to a caller's stream. @since 0.1 */
SMPSIM_API smpsim_status smpsim_preview_write_png(const smpsim_image *preview,
                                                  const smpsim_design *design,
                                                  const smpsim_look *look,
                                                  smpsim_write_func write, void *closure,
                                                  smpsim_error *err);

/** Reads a preview's provenance back from a PNG file: its design (relative
 *  photo and mask paths taken relative to the PNG's folder) and, when look
 *  is not NULL, its look read over *look (see smpsim_look_from_json();
 *  previews without a smpsim:render chunk leave it as it is).
 *  SMPSIM_EFORMAT names a PNG without a smpsim:design chunk or with a bad
 *  one. On success *design must be freed with smpsim_design_free().
 *  @since 0.1 */
SMPSIM_API smpsim_status smpsim_preview_read(const char *path, smpsim_design **design,
                                             smpsim_look *look, smpsim_error *err);
#endif /* SMPSIM_HAVE_PNG && SMPSIM_HAVE_JSON */

/* ------------------------------------------------------------------------ */
/* Plans and stats                                                          */
/* ------------------------------------------------------------------------ */

#if SMPSIM_HAVE_CAIRO /* cairo */
/** Output formats of a plan. */
typedef enum smpsim_plan_format {
    SMPSIM_PLAN_PDF = 0, /* one page per sheet and session */
    SMPSIM_PLAN_SVG = 1  /* one page: cairo's SVG surface has no pages */
} smpsim_plan_format;

/** Paper sizes of a plan. */
typedef enum smpsim_paper {
    SMPSIM_PAPER_A4 = 0,    /* 210 x 297 mm */
    SMPSIM_PAPER_LETTER = 1 /* 8.5 x 11 in, 215.9 x 279.4 mm */
} smpsim_paper;

/** Choices for a plan. Initialise with smpsim_plan_options_init(); zero
 *  fields take the defaults. @since 0.1 */
typedef struct smpsim_plan_options {
    size_t struct_size;
    /** Paper (0 = A4), portrait. */
    smpsim_paper paper;
    /** The sessions to print: bit k-1 set for session k (0 = every
     *  session). An SVG plan shows the highest of them. */
    unsigned sessions;
    /** First line of the header (borrowed for the call; NULL = the design's
     *  name, or "smpsim plan"); at most 200 bytes. */
    const char *title;
    /** The date printed in the header and stored as the PDF's creation
     *  date, "YYYY-MM-DD" (borrowed; NULL = none: the file then holds no
     *  date at all, so that the same design gives the same bytes). */
    const char *date;
    /** Crop marks at the corners of the drawing area and registration
     *  targets in the overlaps: 0 = when the design spans several sheets
     *  (default), 1 = always, -1 = never. */
    int crop_marks;
    /** Overlap between neighbouring sheets in mm (0 = 10; 2..50). */
    double overlap_mm;
} smpsim_plan_options;

SMPSIM_API void smpsim_plan_options_init_(smpsim_plan_options *opts, size_t struct_size);
#define smpsim_plan_options_init(opts) smpsim_plan_options_init_((opts), sizeof *(opts))

/** How a plan is laid out on paper (all lengths in mm). Page order: by
 *  session, then by row of sheets, then by column. A scalp point (x, y)
 *  lands on sheet (column c, row r) at page position
 *    (area_x_mm + x - window_x_mm - c step_x_mm,
 *     area_y_mm + y - window_y_mm - r step_y_mm)
 *  when that lies inside the drawing area. @since 0.1 */
typedef struct smpsim_plan_layout {
    double paper_width_mm, paper_height_mm; /* the page */
    double area_x_mm, area_y_mm;            /* the drawing area's top-left corner */
    double area_width_mm, area_height_mm;   /* and its size */
    double window_x_mm, window_y_mm;        /* scalp mm at that corner on the first sheet */
    double step_x_mm, step_y_mm;            /* window shift per sheet: area less the overlap */
    double extent_mm[4];                    /* the design's extent: x0, y0, x1, y1 */
    size_t columns, rows;                   /* sheets per session (1 x 1 for SVG) */
    size_t sessions;                        /* sessions printed */
    size_t pages;                           /* columns x rows x sessions (SVG: 1) */
} smpsim_plan_layout;

/** Computes a plan's layout without drawing it: the extent of the dots,
 *  the hairline and the region outlines (plus 5 mm), fitted into the
 *  drawing area of the paper or tiled over several sheets. dots may be NULL
 *  (the design's dots are generated); opts may be NULL. SMPSIM_EINVAL names
 *  a bad option; SMPSIM_ELIMIT beyond 1000 pages. @since 0.1 */
SMPSIM_API smpsim_status smpsim_plan_layout_compute(const smpsim_design *design,
                                                    const smpsim_dots *dots,
                                                    smpsim_plan_format format,
                                                    const smpsim_plan_options *opts,
                                                    smpsim_plan_layout *layout,
                                                    smpsim_error *err);

/** Writes a treatment plan an artist can print: the design at true 1:1
 *  scale in millimetres (1 mm = 72/25.4 pt) through cairo's own PDF or SVG
 *  surface. Each page has a header (title, design name, seed, dots per
 *  session, date if given, which session and sheet), a faint 10 mm grid of
 *  scalp coordinates, the region outlines, the hairline template as a red
 *  line, each dot of the page's session as a black filled circle of its
 *  diameter (earlier sessions in grey; dots of session 0 on every page),
 *  and a 50 mm scale bar to check a printed page with a ruler. A design
 *  larger than the drawing area is tiled over several sheets that overlap
 *  by overlap_mm, with crop marks and registration targets (see
 *  smpsim_plan_layout). An SVG plan holds one page: the whole design on the
 *  paper if it fits, else on a page as large as needed.
 *
 *  Provenance: a PDF carries the title, creator "smpsim VERSION", the seed
 *  in its Subject and the design as JSON (smpsim_design_to_json()) in its
 *  Keywords; an SVG carries the same in a <metadata> element. The Subject
 *  ends with SMPSIM_PLAN_SUBJECT_MARK followed by the plan's options as one
 *  line of ASCII JSON (paper, sessions, title, date, crop_marks,
 *  overlap_mm: docs/outputs.md); an SVG has them on its "plan:" line.
 *  Without a date the output holds no clock time: the same design, dots
 *  and options give the same bytes.
 *
 *  dots may be NULL: the design's dots are generated. The file is written
 *  atomically (no partial file on failure). SMPSIM_EINVAL for bad
 *  arguments or options (the message names them), SMPSIM_EIO when the file
 *  cannot be written, SMPSIM_ELIMIT beyond 1000 pages. @since 0.1 */
/** What precedes the plan options (JSON) at the end of a PDF plan's
 *  Subject. @since 0.1 */
#define SMPSIM_PLAN_SUBJECT_MARK "; plan options (JSON): "

SMPSIM_API smpsim_status smpsim_plan_write(const smpsim_design *design, const smpsim_dots *dots,
                                           smpsim_plan_format format, const char *path,
                                           const smpsim_plan_options *opts, smpsim_error *err);

/** Same as smpsim_plan_write() to a caller's stream. SMPSIM_EIO if the
 *  stream reports a failure. @since 0.1 */
SMPSIM_API smpsim_status smpsim_plan_write_stream(const smpsim_design *design,
                                                  const smpsim_dots *dots,
                                                  smpsim_plan_format format,
                                                  smpsim_write_func write, void *closure,
                                                  const smpsim_plan_options *opts,
                                                  smpsim_error *err);
#endif /* SMPSIM_HAVE_CAIRO */

/** Writes a dot list like smpsim_dots_write() with three more columns from
 *  a view: x_px and y_px, the dot's position in the photo
 *  (smpsim_view_map()), and visible (1, or 0 for a dot on the far side of a
 *  head view). CSV: the header is smpsim_dots_write()'s followed by
 *  ",x_px,y_px,visible", and each line starts with the same text as there;
 *  pixels with 2 decimals (empty where the view gives no finite position).
 *  JSON: the same keys plus "x_px", "y_px" (or null) and "visible"
 *  (true/false). SMPSIM_EINVAL for a NULL or invalid view
 *  (smpsim_view_validate()), SMPSIM_EIO if the stream fails. @since 0.1 */
SMPSIM_API smpsim_status smpsim_dots_write_view(const smpsim_dots *dots, const smpsim_view *view,
                                                smpsim_dots_format format,
                                                smpsim_write_func write, void *closure,
                                                smpsim_error *err);

/** Same as smpsim_dots_write_view() to a file, atomically (no partial file
 *  on failure; bad arguments fail before any file is created). SMPSIM_EIO
 *  names the file when it cannot be written. @since 0.1 */
SMPSIM_API smpsim_status smpsim_dots_save_view(const smpsim_dots *dots, const smpsim_view *view,
                                               smpsim_dots_format format, const char *path,
                                               smpsim_error *err);

/** Choices for smpsim_design_stats(). Initialise with
 *  smpsim_stats_options_init(). @since 0.1 */
typedef struct smpsim_stats_options {
    size_t struct_size;
    /** Working pace for the time estimates, impressions per minute
     *  (0 = 90; 1..2000). 90 is an assumption, not a measured figure:
     *  calibrate it to the artist and the machine. */
    double impressions_per_minute;
    /** Cell size of the density field used for the treated area
     *  (0 = 0.25 mm; 0.05..5). */
    double cell_mm;
} smpsim_stats_options;

SMPSIM_API void smpsim_stats_options_init_(smpsim_stats_options *opts, size_t struct_size);
#define smpsim_stats_options_init(opts) smpsim_stats_options_init_((opts), sizeof *(opts))

/** Figures of one session. Spacing and coverage are of the skin as it is
 *  at the end of the session: this session's dots and all earlier ones. */
typedef struct smpsim_session_stats {
    size_t dots;             /* dots placed in this session */
    size_t cumulative_dots;  /* dots on the skin after it */
    double mean_spacing_mm;  /* mean nearest-neighbour distance after it */
    double coverage_percent; /* pigment area / treated area after it */
    double working_minutes;  /* dots / impressions per minute */
} smpsim_session_stats;

/** Figures of one region. */
typedef struct smpsim_region_stats {
    size_t dots;            /* dots owned by the region */
    double area_cm2;        /* field cells it owns with a density above 0 */
    double dots_per_cm2;    /* dots / area (0 for no area) */
} smpsim_region_stats;

/** Counts and estimates for a design and its dots. A plain structure
 *  allocated by smpsim_design_stats(); free with smpsim_stats_free(). */
typedef struct smpsim_stats {
    char *design_name;            /* copied; NULL when the design has none */
    uint64_t seed;
    size_t dots;                  /* all dots */
    size_t unassigned_dots;       /* of session 0 or beyond the design's sessions */
    size_t outside_regions;       /* dots of region 0 */
    double treated_area_cm2;      /* field cells with a density above 0 (feathered
                                     margins and the hairline's sentinel band included) */
    double dots_per_cm2;          /* dots / treated area */
    double mean_spacing_mm;       /* mean nearest-neighbour distance of all dots
                                     (within a follicle group: the group's spacing) */
    double spacing_cv;            /* its coefficient of variation */
    double coverage_percent;      /* sum of the dots' areas / treated area, in % */
    double impressions_per_minute;/* the pace used */
    double working_minutes;       /* all sessions */
    size_t n_sessions;
    smpsim_session_stats sessions[SMPSIM_MAX_SESSIONS];
    size_t n_regions;
    smpsim_region_stats *regions; /* n_regions entries, owned */
} smpsim_stats;

/** Measures a design's dots: counts per session and region, treated area
 *  from the density field (smpsim_design_field()), mean spacing
 *  (smpsim_measure_nn()), pigment coverage and working time per session at
 *  the options' pace. dots may be NULL (the design's dots are generated);
 *  given dots are counted as they are. opts may be NULL. On success *out
 *  must be freed with smpsim_stats_free(). @since 0.1 */
SMPSIM_API smpsim_status smpsim_design_stats(const smpsim_design *design, const smpsim_dots *dots,
                                             const smpsim_stats_options *opts,
                                             smpsim_stats **out, smpsim_error *err);

/** Frees stats; NULL does nothing. @since 0.1 */
SMPSIM_API void smpsim_stats_free(smpsim_stats *stats);

/** Writes stats as one JSON object to a caller's stream, with the design-rule
 *  warnings (may be NULL when n_warnings is 0) and the library version.
 *  Keys: smpsim_version, design, seed, dots, unassigned_dots,
 *  outside_regions, treated_area_cm2, dots_per_cm2, mean_spacing_mm,
 *  spacing_cv, coverage_percent, impressions_per_minute, working_minutes,
 *  sessions [{session, dots, cumulative_dots, mean_spacing_mm,
 *  coverage_percent, working_minutes}], regions [{region, dots, area_cm2,
 *  dots_per_cm2}], warnings [{code, message}]. @since 0.1 */
SMPSIM_API smpsim_status smpsim_stats_write_json(const smpsim_stats *stats,
                                                 const smpsim_warning *warnings,
                                                 size_t n_warnings, smpsim_write_func write,
                                                 void *closure, smpsim_error *err);

/** Same as smpsim_stats_write_json() to a file, atomically. @since 0.1 */
SMPSIM_API smpsim_status smpsim_stats_save_json(const smpsim_stats *stats,
                                                const smpsim_warning *warnings,
                                                size_t n_warnings, const char *path,
                                                smpsim_error *err);

/* ------------------------------------------------------------------------ */
/* Guides: the design drawn over the photo for a consultation              */
/* ------------------------------------------------------------------------ */

#if SMPSIM_HAVE_CAIRO /* cairo */
/** What smpsim_draw_guides() draws: bits of smpsim_guides_options.show. */
#define SMPSIM_GUIDE_HAIRLINE 0x01u   /* the hairline template, solid red */
#define SMPSIM_GUIDE_TRANSITION 0x02u /* back edge of the transition zone, dashed red */
#define SMPSIM_GUIDE_LANDMARKS 0x04u  /* glabella, mid-frontal, frontotemporal points */
#define SMPSIM_GUIDE_REGIONS 0x08u    /* region outlines, dashed cyan */
#define SMPSIM_GUIDE_SCALE_BAR 0x10u  /* a 10 mm bar near the bottom-left corner */
#define SMPSIM_GUIDE_SESSIONS 0x20u   /* the dots as small discs coloured by session */
#define SMPSIM_GUIDE_LEGEND 0x40u     /* a box at the top-left naming what is drawn */
#define SMPSIM_GUIDE_ALL 0x7Fu

/** Choices for guides. Initialise with smpsim_guides_options_init(); zero
 *  fields take the defaults. @since 0.1 */
typedef struct smpsim_guides_options {
    size_t struct_size;
    /** SMPSIM_GUIDE_* bits (0 = SMPSIM_GUIDE_ALL). */
    unsigned show;
    /** Width of the lines in photo pixels (0 = 2; 0.25..50). Markers, the
     *  scale bar and the legend's text (6 x the width, at least 11 px) grow
     *  with it. */
    double line_width_px;
} smpsim_guides_options;

SMPSIM_API void smpsim_guides_options_init_(smpsim_guides_options *opts, size_t struct_size);
#define smpsim_guides_options_init(opts) smpsim_guides_options_init_((opts), sizeof *(opts))


/** Draws guides (as smpsim_draw_guides()) into an image in place, e.g. a
 *  rendered preview: RGBA8 through a cairo ARGB32 surface (pixels the
 *  guides do not touch keep their exact values); RGBA16 likewise, drawn
 *  pixels being quantised to 8 bits. @since 0.1 */
SMPSIM_API smpsim_status smpsim_image_draw_guides(smpsim_image *image,
                                                  const smpsim_design *design,
                                                  const smpsim_dots *dots,
                                                  const smpsim_guides_options *opts,
                                                  smpsim_error *err);
#endif /* SMPSIM_HAVE_CAIRO */

#ifdef __cplusplus
}
#endif

/* The calls that take a cairo_t (the library's own files include it where
 * they need it). */
#if SMPSIM_HAVE_CAIRO && !defined(SMPSIM_COMPILATION)
#include <smpsim/cairo.h>
#endif

#endif /* SMPSIM_H */
