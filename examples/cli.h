/* Shared helpers of the smpsim command-line tool (examples/). */
#ifndef SMPSIM_CLI_H
#define SMPSIM_CLI_H

#include <smpsim/smpsim.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
/* Around a library call that writes a file: SIGINT, SIGTERM and SIGHUP
 * wait (blocked) until it has renamed its temporary into place or removed
 * it, then take their usual effect. The library names its temporaries
 * (".NAME.XXXXXX" beside NAME), so a handler could not know what to remove;
 * with the signals held no temporary outlives the process. */
void signals_hold(void);
void signals_release(void);
/* Warns (stderr) about each region of which most (over 90 % of its
 * dots, as its field expects them) falls outside the photo: a region drawn
 * off the photo, or in the wrong units, which a dot count alone would
 * hide. */
void warn_off_photo(const smpsim_design *design, const smpsim_image *photo);
/* smpsim_image_load() that prints the library's warnings about the file
 * (a JPEG without its end marker) on stderr, naming it. */
smpsim_status load_image(const char *path, smpsim_image **out, smpsim_error *err);
/* The one check every command makes before writing: --out (NULL: none)
 * must not be any of the n inputs (NULL entries skipped; what[k] names
 * input k in the message), nor, when a design is given, the photo or a
 * mask it reads (relative to design_path, which may be NULL). Returns 2
 * after the message (a usage error), else 0. */
int refuse_overwrite(const char *command, const char *out, const char *const *inputs,
                     const char *const *what, size_t n, const smpsim_design *design,
                     const char *design_path);

/* ---- The option parser: one table per group of flags, one parse. ---- */

/* What a flag's value is. */
typedef enum opt_kind {
    OPT_NUMBER, /* double in [lo, hi] */
    OPT_WHOLE,  /* whole number in [lo, hi], stored as a double */
    OPT_SEED,   /* uint64_t, 0..2^64-1 */
    OPT_STRING, /* const char *, any text */
    OPT_PATH,   /* const char *, a file */
    OPT_TUPLE,  /* lo numbers "a,b,..." into a double array (what: their meaning) */
    OPT_ENUM,   /* one of names, stored as its index (by set, else as an int) */
    OPT_SWITCH, /* no value: stores the int lo */
    OPT_POINTS, /* the X,Y arguments up to the next flag: a polygon, repeatable */
    OPT_BLUR,   /* auto, 0 (none) or 0.1..8 px: a camera blur (double) */
    OPT_DATE,   /* YYYY-MM-DD, stored as const char * */
    OPT_TEXT    /* a path copied into a char array of hi bytes */
} opt_kind;

/* One flag: its name, value, where the value goes (an offset in the
 * group's struct), the bit it sets in the command's `given`, and its help
 * lines (NULL: described with the flag before it). */
typedef struct opt {
    const char *name;
    opt_kind kind;
    size_t offset;
    double lo, hi;
    const char *what;          /* OPT_TUPLE: what the value is, for messages */
    const char *const *names;  /* OPT_ENUM: the names, NULL-terminated */
    void (*set)(void *slot, int index); /* OPT_ENUM: stores the index (NULL: int) */
    uint64_t bit;
    const char *help;
} opt;

/* A table of flags in a command: its struct at offset base in the
 * command's arguments; only those flags whose bit is in `only` (0: all);
 * a heading printed before their help. */
typedef struct opt_group {
    const opt *opts;
    size_t n;
    size_t base;
    uint64_t only;
    const char *heading;
} opt_group;

/* A command: its name, one-line summary (for `smpsim --help`), what runs
 * it, its usage header and footer around the flags' help, its flags, and
 * a bare argument's meaning (NULL: none) and place. */
typedef struct cli_command {
    const char *name, *summary;
    int (*run)(int argc, char **argv);
    const char *usage, *footer;
    const opt_group *groups;
    size_t n_groups;
    const char *positional;
    size_t positional_offset, given_offset;
} cli_command;

/* A command's entry: its tables, its arguments' type (with a uint64_t
 * `given`), what a bare argument is (NULL: none) and where it goes. */
#define CLI_COMMAND(name_, summary_, run_, usage_, footer_, groups_, type, positional_, at) \
    {.name = name_, .summary = summary_, .run = run_, .usage = usage_, .footer = footer_,  \
     .groups = groups_, .n_groups = sizeof groups_ / sizeof *groups_,                     \
     .positional = positional_, .positional_offset = at, .given_offset = offsetof(type, given)}
#define OPT_GROUP(table, type, member, only, heading) \
    {table, sizeof table / sizeof *table, offsetof(type, member), only, heading}
#define OPT_OWN(table, heading) {table, sizeof table / sizeof *table, 0, 0, heading}

/* Bits of `given`: which flags a command line gave. The look's (LOOK_*)
 * come first; then the rest. */
#define GIVEN_DESIGN (1ull << 16)
#define GIVEN_PRESET (1ull << 17)
#define GIVEN_GLABELLA (1ull << 18)
#define GIVEN_SCALE (1ull << 19)
#define GIVEN_CALIBRATE (1ull << 20)
#define GIVEN_PHOTO (1ull << 21)
#define GIVEN_SEED (1ull << 22)
#define GIVEN_DENSITY (1ull << 23)
#define GIVEN_DOT_MM (1ull << 24)
#define GIVEN_SHADE (1ull << 25)
#define GIVEN_REGION (1ull << 26)
#define GIVEN_REGION_PARAMS (GIVEN_DENSITY | GIVEN_DOT_MM | GIVEN_SHADE)

/* Parses argv[1..argc-1] into args by cmd's tables (its `given` bits set
 * too). 0, or EXIT_USAGE after the message: an unknown option (or one of
 * another command), a missing or bad value, a flag given twice, a stray
 * argument. */
int cli_parse(const cli_command *cmd, int argc, char **argv, void *args);
/* True when --help or -h is among the arguments (as a flag, not a value). */
int cli_asks_help(const cli_command *cmd, int argc, char **argv);
/* Writes `smpsim CMD --help` from cmd's tables. */
void cli_help(const cli_command *cmd, FILE *f);
/* The command table (smpsim.c) and the commands. */
extern const cli_command *const cli_commands[];
extern const size_t cli_n_commands;
extern const cli_command render_command, dots_command, metrics_command, check_command,
    presets_command, plan_command, stats_command, compare_command, sheet_command;

/* Where a design comes from and how it is placed and seeded: the flags
 * render, compare, sheet (and, some of them, dots, stats, plan, metrics)
 * share (source_opts). */
typedef struct source_args {
    const char *design, *preset, *photo;
    double glabella[2], scale, calib[5];
    uint64_t seed;
} source_args;
extern const opt source_opts[7];
/* The look flags of render, compare and sheet (a smpsim_look). */
extern const opt look_opts[16];
/* --no-guides, --no-auto-shade: render --from turns the stored ones off. */
extern const opt look_off_opts[2];
/* have_skin and have_hair from the LOOK_* bits given. */
void look_finish(smpsim_look *look, uint64_t given);
/* --density, --dot-mm, --shade of a design made from flags (region_args). */
typedef struct region_args {
    double density, dot_mm, shade;
} region_args;
extern const opt region_opts[3];

/* Polygons given with --region X,Y X,Y X,Y ... (photo pixels). */
#define MAX_CLI_REGIONS 64
#define MAX_CLI_POINTS 4096
typedef struct polygon {
    size_t n;
    double *xy;
} polygon;
typedef struct polygons {
    size_t n;
    polygon p[MAX_CLI_REGIONS];
} polygons;
void polygons_free(polygons *p);

/* st, or SMPSIM_EIO (naming standard output) when what was written there
 * cannot be flushed: a full disk, a closed pipe. */
smpsim_status stdout_flushed(smpsim_status st, smpsim_error *err);
/* smpsim_write_func for standard output. */
int write_stdout(void *closure, const void *data, size_t size);

/* A design from a file or, if preset is non-NULL, from the preset library. */
smpsim_status load_design_arg(const char *path, const char *preset, smpsim_design **out,
                              smpsim_error *err);

/* ---- Previews shared by render, compare and sheet. ---- */

/* source_args with the defaults: scale 6.5, seed 1. */
void source_init(source_args *s);
/* 0 when s names one design file or preset, placed as check_placing()
 * says; else the usage error, reported. */
int check_source(const char *command, const source_args *s, uint64_t given, int photo);
/* --scale or --calibrate, --glabella only with --preset and, when the
 * command draws on a photo (photo non-zero), a preset with --glabella and
 * --photo: 0, else the usage error, reported. */
int check_placing(const char *command, const source_args *s, uint64_t given, int photo);
/* --seed, --scale, --calibrate (a flat view) and --glabella (a preset) on
 * a loaded design (label names it). A scale for a head view is a usage
 * error: reported, *usage = EXIT_USAGE and SMPSIM_EINVAL. */
smpsim_status place_design(const char *command, const source_args *s, uint64_t given,
                           const char *label, smpsim_design *d, int *usage, smpsim_error *err);
/* The view part of place_design(), on a view. */
smpsim_status place_view(const char *command, const source_args *s, uint64_t given,
                         const char *label, smpsim_view *v, int *usage, smpsim_error *err);
/* Loads the design, chooses the photo (--photo, else the design's), refuses
 * an out that is the photo or a mask (*usage = EXIT_USAGE, reported),
 * loads the photo, places the design (place_design()) and records the
 * photo path in it, as `smpsim render` does. */
smpsim_status preview_open(const char *command, const source_args *src, uint64_t given,
                           const char *out, smpsim_design **design, char **photo_path,
                           smpsim_image **photo, int *usage, smpsim_error *err);
/* --density, --dot-mm or --shade given with a design (source names it):
 * the usage error, reported, else 0. */
int refuse_region_params(const char *command, uint64_t given, const char *source);
/* Name of a smpsim_dot_state ("as-given", "fresh", "healed", "aged"); -1 from
 * parse_state for an unknown name (cli-opts.c). */
const char *state_name(int state);
int parse_state(const char *text);
/* With SMPSIM_CAMERA_BLUR_AUTO in look: measures the photo's blur over the
 * whole photo (smpsim_look_resolve()) and prints it unless quiet. */
smpsim_status resolve_camera_blur(smpsim_look *look, const smpsim_image *photo, int quiet,
                                  smpsim_error *err);
/* Prints the skin (and hair) colours a preview sampled (--skin, --hair,
 * --auto-shade) and the default shade for them, if it sampled them. */
void print_sampled(const smpsim_look *look, const smpsim_preview_info *info);
/* Prints what a preview measured (the camera's blur) unless quiet. */
void print_preview_info(const smpsim_preview_info *info, int quiet);

/* Bits of a look's settings (smpsim_look), to say which ones a command
 * line gave. */
enum {
    LOOK_STATE = 1 << 0, LOOK_YEARS = 1 << 1, LOOK_UV = 1 << 2, LOOK_DEPTH = 1 << 3,
    LOOK_BLOWOUT = 1 << 4, LOOK_SESSION = 1 << 5, LOOK_EARLIER = 1 << 6,
    LOOK_DISTANCE = 1 << 7, LOOK_SKIN = 1 << 8, LOOK_HAIR = 1 << 9, LOOK_AUTO_SHADE = 1 << 10,
    LOOK_GUIDES = 1 << 11, LOOK_CAMERA_BLUR = 1 << 12, LOOK_MASKS = 1 << 13,
    LOOK_SKIN_MASK = 1 << 14, LOOK_HAIR_MASK = 1 << 15 /* GIVEN_* bits start at 1 << 16 */
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
