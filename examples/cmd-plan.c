/* smpsim plan: a design at 1:1 scale on paper, as PDF or SVG. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const plan_usage =
    "Usage: smpsim plan (--design DESIGN.json | --preset NAME) --out PLAN.pdf|PLAN.svg\n"
    "                   [OPTIONS]\n"
    "       smpsim plan --from PLAN.pdf|PREVIEW.png --out AGAIN.pdf|.svg [OPTIONS]\n"
    "Writes a treatment plan to print and take into a session: the design at true\n"
    "1:1 scale in millimetres, with the hairline template as a red line, each dot as\n"
    "a filled circle of its diameter (this session black, earlier sessions grey), a\n"
    "10 mm grid, a header (title, design name, seed, dots per session, date) and a\n"
    "50 mm scale bar on every page to check the print with a ruler. A PDF has one\n"
    "page per session, or a group of overlapping sheets per session with crop marks\n"
    "and registration targets when the design is larger than the paper. An SVG has\n"
    "one page: the last chosen session (earlier ones in grey) on the paper, or on a\n"
    "page as large as the design needs.\n"
    "\n"
    "\n";

static const char *const plan_footer =
    "A PDF carries the design (JSON) in its Keywords, the seed and the options above\n"
    "(JSON) in its Subject, for --from. The design's photo is recorded as `smpsim\n"
    "render` finds it (relative to the design file), so that `smpsim render --from\n"
    "PLAN.pdf --out PREVIEW.png` finds it too.\n"
    "Print at 100 % (no \"fit to page\"): the scale bar must measure 50 mm.\n"
    "Prints one line (none with --quiet): the file, its pages, sheets and dots.\n"
    "Exit status: 0 written, 1 failed (invalid design, a --from file that is not an\n"
    "smpsim plan or preview, write error; no file is left behind), 2 bad command\n"
    "line.\n";

/* An --paper, --format or --crop-marks name stored as its index + 1. */
static void set_plus_one(void *slot, int index)
{
    *(int *)slot = index + 1;
}

enum { PAPER_A4 = 1, PAPER_LETTER };
enum { FORMAT_PDF = 1, FORMAT_SVG };
enum { CROP_AUTO = 1, CROP_ALWAYS, CROP_NEVER };
/* stored as their index + 1: 0 is "not given" */
static const char *const paper_names[] = {"a4", "letter", NULL};
static const char *const format_names[] = {"pdf", "svg", NULL};
static const char *const crop_names[] = {"auto", "always", "never", NULL};

typedef struct plan_args {
    source_args src;
    const char *from, *out, *title, *date;
    int format, paper, crop, quiet;
    unsigned session;
    double overlap_mm;
    uint64_t given;
} plan_args;

static const opt plan_opts[] = {
    {"--from", OPT_PATH, offsetof(plan_args, from),
     .help = "  --from FILE            or the design of a PDF plan (its Keywords) with the\n"
             "                         plan's stored options (its Subject), which the options\n"
             "                         below override: without them the same PDF again, byte\n"
             "                         for byte; or the design of a preview PNG\n"},
    {"--out", OPT_PATH, offsetof(plan_args, out),
     .help =
         "  --out FILE             the plan, written atomically; .pdf or .svg picks the format\n"},
    {"--format", OPT_ENUM, offsetof(plan_args, format), .names = format_names,
     .set = set_plus_one,
     .help = "  --format pdf|svg       the format, when the file name does not say it\n"},
    {"--paper", OPT_ENUM, offsetof(plan_args, paper), .names = paper_names,
     .set = set_plus_one,
     .help = "  --paper a4|letter      paper size, portrait (default a4)\n"},
    {"--session", OPT_WHOLE, offsetof(plan_args, session), 1, SMPSIM_MAX_SESSIONS,
     .help = "  --session K            only session K (default: every session)\n"},
    {"--title", OPT_STRING, offsetof(plan_args, title),
     .help = "  --title TEXT           first header line (default: the design's name)\n"},
    {"--date", OPT_DATE, offsetof(plan_args, date),
     .help = "  --date YYYY-MM-DD      printed in the header and stored as the PDF creation date\n"
             "                         (default: the UTC date of $SOURCE_DATE_EPOCH if set, else\n"
             "                         none: the same design then gives the same bytes; with\n"
             "                         --from: the plan's own date, or none)\n"},
    {"--crop-marks", OPT_ENUM, offsetof(plan_args, crop), .names = crop_names,
     .set = set_plus_one,
     .help = "  --crop-marks auto|always|never\n"
             "                         crop marks and registration targets (default auto: when\n"
             "                         the design spans several sheets)\n"},
    {"--overlap-mm", OPT_NUMBER, offsetof(plan_args, overlap_mm), 2, 50,
     .help = "  --overlap-mm MM        overlap between sheets, 2..50 (default 10)\n"},
    {"--quiet", OPT_SWITCH, offsetof(plan_args, quiet), 1,
     .help = "  --quiet                print nothing on success\n"},
};

static const opt_group plan_groups[] = {
    OPT_GROUP(source_opts, plan_args, src, GIVEN_DESIGN | GIVEN_PRESET | GIVEN_SEED, NULL),
    OPT_OWN(plan_opts, NULL),
};

int plan_format_of(const char *path)
{
    if (has_extension(path, ".pdf"))
        return SMPSIM_PLAN_PDF;
    if (has_extension(path, ".svg"))
        return SMPSIM_PLAN_SVG;
    return -1;
}

/* The format from --format or the file name; -1 when neither says. */
static int plan_format(const plan_args *a)
{
    if (a->format)
        return a->format == FORMAT_PDF ? SMPSIM_PLAN_PDF : SMPSIM_PLAN_SVG;
    return plan_format_of(a->out);
}

static int check_plan_args(const plan_args *a)
{
    if ((a->src.design != NULL) + (a->src.preset != NULL) + (a->from != NULL) != 1)
        return usage_error("plan", "give one of --design, --preset and --from");
    if (!a->out)
        return usage_error("plan", "--out PLAN.pdf or PLAN.svg is required");
    if (plan_format(a) < 0)
        return usage_error("plan", "--out '%s' ends in neither .pdf nor .svg: give --format",
                           a->out);
    const char *inputs[] = {a->src.design, a->from}, *what[] = {"design file", "--from file"};
    return refuse_overwrite("plan", a->out, inputs, what, 2, NULL, NULL);
}

/* The date of $SOURCE_DATE_EPOCH (UTC) into buf, or NULL if it is unset;
 * *bad is set when it is set but not a time. */
static const char *source_date(char buf[16], int *bad)
{
    const char *text = getenv("SOURCE_DATE_EPOCH");
    uint64_t t;
    *bad = 0;
    if (!text || !*text)
        return NULL;
    struct tm tm;
    time_t tt;
    if (parse_u64(text, &t) != 0 || t > (uint64_t)253402300799 /* 9999-12-31 */ ||
        (tt = (time_t)t, !gmtime_r(&tt, &tm))) {
        *bad = 1;
        return NULL;
    }
    strftime(buf, 16, "%Y-%m-%d", &tm);
    return buf;
}

/* The options given on the command line over base (the defaults, or the
 * options stored in a plan given with --from). */
static void fill_plan_options(const plan_args *a, const char *date,
                              const smpsim_plan_options *base, smpsim_plan_options *o)
{
    *o = *base;
    if (a->paper)
        o->paper = a->paper == PAPER_LETTER ? SMPSIM_PAPER_LETTER : SMPSIM_PAPER_A4;
    if (a->session > 0)
        o->sessions = 1u << (a->session - 1);
    if (a->title)
        o->title = a->title;
    if (date)
        o->date = date;
    if (a->crop)
        o->crop_marks = a->crop == CROP_AUTO ? 0 : a->crop == CROP_ALWAYS ? 1 : -1;
    if (a->overlap_mm > 0)
        o->overlap_mm = a->overlap_mm;
}

smpsim_status write_plan(const smpsim_design *design, smpsim_plan_format format,
                         const smpsim_plan_options *o, const char *out, int quiet,
                         smpsim_error *err)
{
    smpsim_dots *dots = NULL;
    smpsim_plan_layout L;
    smpsim_status st = smpsim_design_dots(design, &dots, err);
    if (st == SMPSIM_OK)
        st = smpsim_plan_layout_compute(design, dots, format, o, &L, err);
    if (st == SMPSIM_OK) {
        signals_hold();
        st = smpsim_plan_write(design, dots, format, out, o, err);
        signals_release();
    }
    if (st == SMPSIM_OK && !quiet)
        printf("%s: %zu page(s) (%zu session(s) x %zu x %zu sheet(s)), %s, %zu dots\n", out,
               L.pages, L.sessions, L.columns, L.rows,
               o->paper == SMPSIM_PAPER_LETTER ? "Letter" : "A4", dots->count);
    smpsim_dots_free(dots);
    return st;
}

static int cmd_plan(int argc, char **argv)
{
    plan_args a = {.out = NULL};
    source_init(&a.src);
    if (cli_parse(&plan_command, argc, argv, &a) != 0 || check_plan_args(&a) != 0)
        return EXIT_USAGE;
    char date_buf[16];
    int bad_epoch = 0;
    /* A plan given with --from has its own date (or none). */
    const char *date = a.date || a.from ? a.date : source_date(date_buf, &bad_epoch);
    if (bad_epoch)
        return usage_error("plan", "SOURCE_DATE_EPOCH '%s' is not a time in seconds",
                           getenv("SOURCE_DATE_EPOCH"));
    smpsim_error err = {0};
    smpsim_design *d = NULL;
    plan_source ps = {0};
    smpsim_plan_options_init(&ps.options);
    smpsim_status st = a.from ? design_from_file(a.from, NULL, 0, &d, &ps, &err)
                              : load_design_arg(a.src.design, a.src.preset, &d, &err);
    if (st == SMPSIM_OK && (a.given & GIVEN_SEED))
        smpsim_design_set_seed(d, a.src.seed);
    smpsim_plan_options o;
    fill_plan_options(&a, date, &ps.options, &o);
    if (st == SMPSIM_OK)
        st = write_plan(d, (smpsim_plan_format)plan_format(&a), &o, a.out, a.quiet, &err);
    int rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
    plan_source_free(&ps);
    smpsim_design_free(d);
    return rc;
}

const cli_command plan_command =
    CLI_COMMAND("plan", "write a 1:1 treatment plan to print (PDF or SVG)",
                cmd_plan, plan_usage, plan_footer, plan_groups, plan_args, NULL, 0);
