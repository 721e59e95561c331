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
    "  --design DESIGN.json   the design file\n"
    "  --preset NAME          or a preset (see `smpsim presets`)\n"
    "  --from FILE            or the design of a PDF plan (its Keywords) with the\n"
    "                         plan's stored options (its Subject), which the options\n"
    "                         below override: without them the same PDF again, byte\n"
    "                         for byte; or the design of a preview PNG\n"
    "  --out FILE             the plan, written atomically; .pdf or .svg picks the format\n"
    "  --format pdf|svg       the format, when the file name does not say it\n"
    "  --paper a4|letter      paper size, portrait (default a4)\n"
    "  --session K            only session K (default: every session)\n"
    "  --title TEXT           first header line (default: the design's name)\n"
    "  --date YYYY-MM-DD      printed in the header and stored as the PDF creation date\n"
    "                         (default: the UTC date of $SOURCE_DATE_EPOCH if set, else\n"
    "                         none: the same design then gives the same bytes; with\n"
    "                         --from: the plan's own date, or none)\n"
    "  --crop-marks auto|always|never\n"
    "                         crop marks and registration targets (default auto: when\n"
    "                         the design spans several sheets)\n"
    "  --overlap-mm MM        overlap between sheets, 2..50 (default 10)\n"
    "  --seed N               override the design's seed\n"
    "\n"
    "A PDF carries the design (JSON) in its Keywords, the seed and the options above\n"
    "(JSON) in its Subject, for --from. The design's photo is recorded as `smpsim\n"
    "render` finds it (relative to the design file), so that `smpsim render --from\n"
    "PLAN.pdf --out PREVIEW.png` finds it too.\n"
    "Print at 100 % (no \"fit to page\"): the scale bar must measure 50 mm.\n"
    "Prints one line: the file, its pages, sheets and dots.\n"
    "Exit status: 0 written, 1 failed (invalid design, a --from file that is not an\n"
    "smpsim plan or preview, write error; no file is left behind), 2 bad command\n"
    "line.\n";

typedef struct plan_args {
    const char *design, *preset, *from, *out, *format, *paper, *title, *date, *crop;
    double session, overlap_mm;
    uint64_t seed;
    int seed_given;
} plan_args;

static const numeric_flag plan_numbers[] = {
    {"--session", 1, SMPSIM_MAX_SESSIONS, offsetof(plan_args, session)},
    {"--overlap-mm", 2, 50, offsetof(plan_args, overlap_mm)},
};

static const char **plan_text_slot(plan_args *a, const char *flag)
{
    static const struct {
        const char *name;
        size_t offset;
    } texts[] = {
        {"--design", offsetof(plan_args, design)}, {"--preset", offsetof(plan_args, preset)},
        {"--from", offsetof(plan_args, from)},
        {"--out", offsetof(plan_args, out)},       {"--format", offsetof(plan_args, format)},
        {"--paper", offsetof(plan_args, paper)},   {"--title", offsetof(plan_args, title)},
        {"--date", offsetof(plan_args, date)},     {"--crop-marks", offsetof(plan_args, crop)},
    };
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
        if (strcmp(flag, texts[k].name) == 0)
            return (const char **)(void *)((char *)a + texts[k].offset);
    return NULL;
}

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
    const char *f = a->format;
    if (f)
        return strcmp(f, "pdf") == 0   ? SMPSIM_PLAN_PDF
               : strcmp(f, "svg") == 0 ? SMPSIM_PLAN_SVG
                                       : -1;
    return plan_format_of(a->out);
}

/* YYYY-MM-DD with a month 1..12 and a day 1..31 (the library checks the rest). */
static int date_shape_ok(const char *s)
{
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    int month = atoi(s + 5), day = atoi(s + 8);
    return s[10] == '\0' && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static int check_plan_args(const plan_args *a)
{
    if ((a->design != NULL) + (a->preset != NULL) + (a->from != NULL) != 1)
        return usage_error("plan", "give one of --design, --preset and --from");
    if (!a->out)
        return usage_error("plan", "--out PLAN.pdf or PLAN.svg is required");
    if (a->format && strcmp(a->format, "pdf") != 0 && strcmp(a->format, "svg") != 0)
        return usage_error("plan", "--format '%s' is not pdf or svg", a->format);
    if (plan_format(a) < 0)
        return usage_error("plan", "--out '%s' ends in neither .pdf nor .svg: give --format",
                           a->out);
    if (a->paper && strcmp(a->paper, "a4") != 0 && strcmp(a->paper, "letter") != 0)
        return usage_error("plan", "--paper '%s' is not a4 or letter", a->paper);
    if (a->crop && strcmp(a->crop, "auto") != 0 && strcmp(a->crop, "always") != 0 &&
        strcmp(a->crop, "never") != 0)
        return usage_error("plan", "--crop-marks '%s' is not auto, always or never", a->crop);
    if (a->date && !date_shape_ok(a->date))
        return usage_error("plan", "--date '%s' is not a date YYYY-MM-DD", a->date);
    if (a->session != 0 && a->session != (double)(int)a->session)
        return usage_error("plan", "--session %g is not a whole number", a->session);
    const char *inputs[] = {a->design, a->from}, *what[] = {"design file", "--from file"};
    return refuse_overwrite("plan", a->out, inputs, what, 2, NULL, NULL);
}

static int parse_plan(int argc, char **argv, plan_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int took = take_number("plan", plan_numbers, sizeof plan_numbers / sizeof *plan_numbers,
                               a, f, v);
        if (took < 0)
            return -1;
        if (took > 0) {
            i++;
            continue;
        }
        const char **slot = plan_text_slot(a, f);
        if (!slot && strcmp(f, "--seed") != 0)
            return usage_error("plan", "unknown option '%s'", f);
        if (!v)
            return usage_error("plan", "%s needs a value", f);
        i++;
        if (slot) {
            *slot = v;
        } else if (parse_u64(v, &a->seed) != 0) {
            return usage_error("plan", "--seed '%s' is not a whole number 0..2^64-1", v);
        } else {
            a->seed_given = 1;
        }
    }
    return check_plan_args(a);
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
        o->paper = strcmp(a->paper, "letter") == 0 ? SMPSIM_PAPER_LETTER : SMPSIM_PAPER_A4;
    if (a->session > 0)
        o->sessions = 1u << ((unsigned)a->session - 1);
    if (a->title)
        o->title = a->title;
    if (date)
        o->date = date;
    if (a->crop)
        o->crop_marks = strcmp(a->crop, "auto") == 0     ? 0
                        : strcmp(a->crop, "always") == 0 ? 1
                                                         : -1;
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

int cmd_plan(int argc, char **argv)
{
    plan_args a = {0};
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return fputs(plan_usage, stdout), 0;
    if (parse_plan(argc, argv, &a) != 0)
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
                              : load_design_arg(a.design, a.preset, &d, &err);
    if (st == SMPSIM_OK && a.seed_given)
        smpsim_design_set_seed(d, a.seed);
    smpsim_plan_options o;
    fill_plan_options(&a, date, &ps.options, &o);
    if (st == SMPSIM_OK)
        st = write_plan(d, (smpsim_plan_format)plan_format(&a), &o, a.out, 0, &err);
    int rc = st == SMPSIM_OK ? 0 : library_error(&err, st);
    plan_source_free(&ps);
    smpsim_design_free(d);
    return rc;
}
