/* Shared helpers of the smpsim command-line tool (examples/). */
#ifndef SMPSIM_CLI_H
#define SMPSIM_CLI_H

#include <smpsim/smpsim.h>

#include <stddef.h>
#include <stdint.h>

#define EXIT_USAGE 2 /* bad command line; 1 = the work failed (bad input, I/O) */

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Prints "smpsim: MESSAGE" on stderr. */
void complain(const char *fmt, ...) CLI_PRINTF(1, 2);
/* Prints the message and a pointer to COMMAND --help; returns EXIT_USAGE. */
int usage_error(const char *command, const char *fmt, ...) CLI_PRINTF(2, 3);
/* Prints the library's message; returns EXIT_FAILURE. */
int library_error(const smpsim_error *err, smpsim_status st);

/* Strict number parsing: the whole text, finite, within [lo, hi]; 0 on success. */
int parse_double(const char *text, double lo, double hi, double *out);
int parse_u64(const char *text, uint64_t *out);
/* "a,b[,c...]" into exactly n finite numbers; 0 on success. */
int parse_tuple(const char *text, double *v, int n);
/* True when path ends with suffix (".png"), ignoring the case of ASCII letters. */
int has_extension(const char *path, const char *suffix);
/* True when two paths name the same file (or are the same text). */
int same_file(const char *a, const char *b);
/* The one check every command makes before writing: --out (NULL: none)
 * must not be any of the n inputs (NULL entries skipped; what[k] names
 * input k in the message), nor, when a design is given, the photo or a
 * mask it reads (relative to design_path, which may be NULL). Returns 2
 * after the message (a usage error), else 0. */
/* Around a library call that writes a file: SIGINT, SIGTERM and SIGHUP
 * wait (blocked) until it has renamed its temporary into place or removed
 * it, then take their usual effect. The library names its temporaries
 * (".NAME.XXXXXX" beside NAME), so a handler could not know what to remove;
 * with the signals held no temporary outlives the process. */
void signals_hold(void);
/* Warns (stderr) about each region of which most (over 90 % of its
 * dots, as its field expects them) falls outside the photo: a region drawn
 * off the photo, or in the wrong units, which a dot count alone would
 * hide. */
void warn_off_photo(const smpsim_design *design, const smpsim_image *photo);
/* smpsim_image_load() that prints the library's warnings about the file
 * (a JPEG without its end marker) on stderr, naming it. */
smpsim_status load_image(const char *path, smpsim_image **out, smpsim_error *err);
void signals_release(void);
int refuse_overwrite(const char *command, const char *out, const char *const *inputs,
                     const char *const *what, size_t n, const smpsim_design *design,
                     const char *design_path);

/* A "--name NUMBER" flag stored as a double at offset in an args struct. */
typedef struct numeric_flag {
    const char *name;
    double lo, hi;
    size_t offset;
} numeric_flag;

/* Takes flag from the table: 1 taken (value consumed), 0 not in the table,
 * -1 error (already reported). */
int take_number(const char *command, const numeric_flag *table, size_t n, void *args,
                const char *flag, const char *value);

/* smpsim_write_func for standard output. */
int write_stdout(void *closure, const void *data, size_t size);

/* The commands. */
int cmd_render(int argc, char **argv);
int cmd_dots(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_presets(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sheet(int argc, char **argv);

/* A design from a file or, if preset is non-NULL, from the preset library. */
smpsim_status load_design_arg(const char *path, const char *preset, smpsim_design **out,
                              smpsim_error *err);

/* ---- Previews shared by render, compare and sheet. ---- */

/* Where a preview comes from: a design file or a preset placed at the
 * glabella (a flat view at scale px/mm), and the photo (NULL: the design's,
 * relative to the design file). */
typedef struct preview_source {
    const char *design, *preset, *photo;
    double glabella[2], scale;
    int have_glabella;
} preview_source;

/* 0 when src names one design or a preset placed on a photo; else the
 * usage error, reported. */
int check_source(const char *command, const preview_source *src);
/* Loads the design, chooses and loads the photo, places a preset and records
 * the photo path in the design, as `smpsim render` does. */
smpsim_status preview_open(const preview_source *src, smpsim_design **design, char **photo_path,
                           smpsim_image **photo, smpsim_error *err);
/* The look flags --state, --years, --session, --earlier-years,
 * --camera-blur: 1 taken, 0 not one of them, -1 error (reported). */
int take_state_flag(const char *command, smpsim_render_options *o, const char *flag,
                    const char *value);
/* take_state_flag(), then take_source_flag(): the flags compare and sheet
 * share with render. 1 taken, 0 neither, -1 error (reported). */
int take_preview_flag(const char *command, smpsim_render_options *look, preview_source *src,
                      const char *flag, const char *value);
/* Name of a smpsim_dot_state ("as-given", "fresh", "healed", "aged"); -1 from
 * parse_state for an unknown name. */
const char *state_name(int state);
int parse_state(const char *text);
/* With SMPSIM_CAMERA_BLUR_AUTO in look: measures the photo's blur over the
 * whole photo (smpsim_look_resolve()) and prints it unless quiet. */
smpsim_status resolve_camera_blur(smpsim_look *look, const smpsim_image *photo, int quiet,
                                  smpsim_error *err);
/* Prints what a preview measured (the camera's blur) unless quiet. */
void print_preview_info(const smpsim_preview_info *info, int quiet);

/* Bits of a look's settings (smpsim_look), to say which ones a command
 * line gave. */
enum {
    LOOK_STATE = 1 << 0, LOOK_YEARS = 1 << 1, LOOK_UV = 1 << 2, LOOK_DEPTH = 1 << 3,
    LOOK_BLOWOUT = 1 << 4, LOOK_SESSION = 1 << 5, LOOK_EARLIER = 1 << 6,
    LOOK_DISTANCE = 1 << 7, LOOK_SKIN = 1 << 8, LOOK_HAIR = 1 << 9, LOOK_AUTO_SHADE = 1 << 10,
    LOOK_GUIDES = 1 << 11, LOOK_CAMERA_BLUR = 1 << 12, LOOK_MASKS = 1 << 13
};

/* A picture for --out: .jpg/.jpeg is a JPEG (no provenance), other image
 * formats' names are refused, anything else is PNG. 0 when path is fine,
 * else the usage error, reported. */
int check_picture_out(const char *command, const char *path);
/* Saves a picture made from design to path: as PNG with the design's
 * provenance, the look's smpsim:render chunk when look is not NULL and the
 * extra chunks; as JPEG (no provenance) for .jpg/.jpeg. */
smpsim_status save_picture(const smpsim_image *img, const char *path,
                           const smpsim_design *design, const smpsim_look *look,
                           const smpsim_text *extra, size_t n_extra, smpsim_error *err);

/* ---- Plans read back from their PDF (plan-pdf.c, poppler-glib). ---- */

typedef enum input_kind { INPUT_UNREADABLE, INPUT_PNG, INPUT_PDF, INPUT_OTHER } input_kind;
/* What a file is, from its first bytes. */
input_kind sniff_input(const char *path);

/* What a PDF plan written by `smpsim plan` carries. */
typedef struct plan_source {
    smpsim_design *design;
    smpsim_plan_options options; /* title and date point into the strings below */
    char *title, *date;
} plan_source;

/* Reads the design (Keywords) and the plan options (Subject) of a PDF plan.
 * SMPSIM_EFORMAT (the message says why) for a file that is not a PDF, is
 * damaged, or was not written by smpsim; SMPSIM_EIO when unreadable. On
 * failure *ps holds nothing to free. */
smpsim_status plan_source_read(const char *path, plan_source *ps, smpsim_error *err);
void plan_source_free(plan_source *ps);

/* The design carried by a preview PNG (smpsim:design) or a PDF plan
 * (Keywords), chosen by the file's first bytes. From a PNG with look not
 * NULL also its look (smpsim:render), but for the settings in keep; from a
 * PDF with ps not NULL also the plan's options (free with
 * plan_source_free()). SMPSIM_EFORMAT names a file that is neither. */
smpsim_status design_from_file(const char *path, smpsim_look *look, unsigned keep,
                               smpsim_design **out, plan_source *ps, smpsim_error *err);

/* Writes a plan of design (dots generated) to out; prints the summary line
 * unless quiet. */
smpsim_status write_plan(const smpsim_design *design, smpsim_plan_format format,
                         const smpsim_plan_options *o, const char *out, int quiet,
                         smpsim_error *err);
/* SMPSIM_PLAN_PDF or SMPSIM_PLAN_SVG from a file name's extension, or -1. */
int plan_format_of(const char *path);

/* ---- Cairo canvases for compare and sheet (text in DejaVu Sans). ---- */
struct _cairo;
/* A white RGB canvas; NULL on failure (reported in err). */
struct _cairo *canvas_new(int width, int height, smpsim_error *err);
/* Paints src (or its rectangle sx, sy, w, h) at x, y. */
smpsim_status canvas_paint(struct _cairo *cr, const smpsim_image *src, int sx, int sy, int w,
                           int h, int x, int y, smpsim_error *err);
/* Text with its baseline at x, y (size in px); bold if non-zero. Returns
 * the advance width. */
double canvas_text(struct _cairo *cr, const char *text, double x, double y, double size,
                   int bold);
/* The canvas as an 8-bit image (destroys the cairo context). */
smpsim_status canvas_finish(struct _cairo *cr, smpsim_image **out, smpsim_error *err);

#endif
