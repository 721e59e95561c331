/* Plans: the design at true 1:1 scale on paper, for the artist to print and
 * take into a session, drawn through cairo's own PDF and SVG surfaces.
 *
 * Everything on a page is drawn in millimetres (the page's user space is
 * scaled by 72/25.4 points per mm). A page has a header, a drawing area and
 * a footer with a 50 mm scale bar. The design's extent (dots, hairline,
 * region outlines, plus a pad) is centred in the drawing area when it fits;
 * otherwise it is tiled over sheets whose windows overlap, with crop marks
 * at the area's corners and registration targets on the middle lines of
 * the overlaps (drawn in scalp coordinates, so that the same target appears
 * on both neighbouring sheets). A PDF holds every sheet of every chosen
 * session; an SVG (cairo's SVG surface has no pages) holds one page.
 *
 * Output goes through a stream, so the file is written atomically. Cairo
 * stamps a PDF with the clock unless told a creation date: the date option
 * is passed, or an empty one, which leaves the date out. The SVG stream is
 * filtered to insert a <metadata> element (cairo has no metadata API for
 * SVG) and to replace the page group's id, which cairo numbers from a
 * process-wide surface counter, by a fixed one: same input, same bytes. */
#include "cairo/cairo-private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PT_PER_MM (72.0 / 25.4)
#define MARGIN_MM 10.0
#define HEADER_MM 28.0
#define FOOTER_MM 12.0
#define PAD_MM 5.0
#define DEFAULT_OVERLAP_MM 10.0
#define MAX_PAGES 1000
#define MAX_TITLE 200
#define FALLBACK_DOT_MM 0.2
#define FONT SMPSIM__FONT
#define PI 3.14159265358979323846

/* Everything a plan needs, resolved once. */
typedef struct plan {
    const smpsim_design *design;
    const smpsim_dots *dots;
    smpsim_dots *own_dots; /* generated when the caller gave none */
    smpsim_plan_format format;
    smpsim_plan_options o; /* defaults filled in */
    bool crop_marks;
    size_t n_sessions;
    unsigned printed[SMPSIM_MAX_SESSIONS]; /* session numbers printed, ascending */
    size_t n_printed;
    size_t per_session[SMPSIM_MAX_SESSIONS + 1]; /* [0]: session 0 or beyond */
    double *hairline;
    size_t n_hairline;
    smpsim__rings *rings; /* one per region (masks: empty) */
    size_t n_rings;
    smpsim_plan_layout L;
} plan;

static void plan_free(plan *p)
{
    smpsim_dots_free(p->own_dots);
    free(p->hairline);
    smpsim__design_outlines_free(p->rings, p->n_rings);
}

/* ---- options --------------------------------------------------------------- */

static bool valid_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        int extra = *u < 0x80          ? 0
                    : (*u >> 5) == 6   ? 1
                    : (*u >> 4) == 14  ? 2
                    : (*u >> 3) == 30  ? 3
                                       : -1;
        if (extra < 0)
            return false;
        for (int k = 1; k <= extra; k++)
            if ((u[k] & 0xC0) != 0x80)
                return false;
        u += extra + 1;
    }
    return true;
}

/* "YYYY-MM-DD" with a real month and day. */
static bool valid_date(const char *s)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return false;
    if (s[10] != '\0')
        return false;
    int year = atoi(s), month = atoi(s + 5), day = atoi(s + 8);
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > days[month - 1])
        return false;
    return !(month == 2 && day == 29 && !leap);
}

static smpsim_status resolve_options(plan *p, const smpsim_plan_options *in, smpsim_error *err)
{
    smpsim_plan_options *o = &p->o;
    smpsim__copy_options(o, sizeof *o, in);
    if (o->paper != SMPSIM_PAPER_A4 && o->paper != SMPSIM_PAPER_LETTER)
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: unknown paper %d (A4 = 0, Letter = 1)",
                            (int)o->paper);
    if (o->overlap_mm == 0.0)
        o->overlap_mm = DEFAULT_OVERLAP_MM;
    if (!(o->overlap_mm >= 2.0 && o->overlap_mm <= 50.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: overlap_mm is %g, expected 2..50",
                            o->overlap_mm);
    if (o->crop_marks < -1 || o->crop_marks > 1)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "plan: crop_marks is %d, expected -1 (never), 0 (when tiled) or 1",
                            o->crop_marks);
    if (o->title && (strlen(o->title) > MAX_TITLE || !valid_utf8(o->title)))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "plan: the title is longer than %d bytes or not UTF-8", MAX_TITLE);
    if (o->date && !valid_date(o->date))
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: date '%.40s' is not a date YYYY-MM-DD",
                            o->date);
    smpsim_design_sessions(p->design, &p->n_sessions);
    if (p->n_sessions > SMPSIM_MAX_SESSIONS)
        p->n_sessions = SMPSIM_MAX_SESSIONS;
    unsigned all = (1u << p->n_sessions) - 1u;
    if (o->sessions & ~all)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "plan: sessions 0x%x names a session the design does not have "
                            "(it has %zu)",
                            o->sessions, p->n_sessions);
    if (p->n_sessions == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: the design has no sessions");
    unsigned chosen = o->sessions ? o->sessions : all;
    for (unsigned k = 1; k <= p->n_sessions; k++)
        if (chosen & (1u << (k - 1)))
            p->printed[p->n_printed++] = k;
    if (p->format == SMPSIM_PLAN_SVG) { /* one page: the highest session */
        p->printed[0] = p->printed[p->n_printed - 1];
        p->n_printed = 1;
    }
    return SMPSIM_OK;
}

/* ---- geometry and layout ---------------------------------------------------- */

static void grow(double b[4], double x, double y, double r)
{
    if (!isfinite(x) || !isfinite(y))
        return;
    b[0] = fmin(b[0], x - r), b[1] = fmin(b[1], y - r);
    b[2] = fmax(b[2], x + r), b[3] = fmax(b[3], y + r);
}

static smpsim_status gather_geometry(plan *p, smpsim_error *err)
{
    if (smpsim__design_hairline_const(p->design)->n_points > 0) {
        smpsim_status st = smpsim_design_hairline_mm(p->design, &p->hairline, &p->n_hairline, err);
        if (st != SMPSIM_OK)
            return st;
    }
    smpsim_status st = smpsim__design_outlines(p->design, &p->rings, &p->n_rings, err);
    if (st != SMPSIM_OK)
        return st;
    for (size_t i = 0; i < p->dots->count; i++) {
        unsigned s = p->dots->dots[i].session;
        p->per_session[s <= p->n_sessions ? s : 0]++;
    }
    return SMPSIM_OK;
}

static void design_extent(const plan *p, double b[4])
{
    b[0] = b[1] = INFINITY;
    b[2] = b[3] = -INFINITY;
    for (size_t i = 0; i < p->dots->count; i++) {
        const smpsim_dot *d = &p->dots->dots[i];
        grow(b, d->x_mm, d->y_mm, 0.5 * d->diameter_mm);
    }
    for (size_t i = 0; i < p->n_hairline; i++)
        grow(b, p->hairline[2 * i], p->hairline[2 * i + 1], 0.0);
    for (size_t r = 0; r < p->n_rings; r++) {
        const smpsim__rings *g = &p->rings[r];
        size_t end = g->n_rings ? g->start[g->n_rings] : 0;
        for (size_t i = 0; i < end; i++)
            grow(b, g->xy[2 * i], g->xy[2 * i + 1], 0.0);
    }
    if (!(b[0] <= b[2])) { /* nothing to draw: a square around the origin */
        b[0] = b[1] = -5.0;
        b[2] = b[3] = 5.0;
    }
    b[0] -= PAD_MM, b[1] -= PAD_MM, b[2] += PAD_MM, b[3] += PAD_MM;
}

/* Sheets along one axis: the window origin of the first one and the step. */
static size_t tile_axis(double lo, double hi, double area, double overlap, double *origin,
                        double *step)
{
    double extent = hi - lo;
    if (extent <= area) {
        *origin = lo - 0.5 * (area - extent);
        *step = area;
        return 1;
    }
    *step = area - overlap;
    double n = ceil((extent - overlap) / *step);
    double covered = n * *step + overlap;
    *origin = lo - 0.5 * (covered - extent);
    return n > (double)MAX_PAGES ? MAX_PAGES + 1 : (size_t)n;
}

static smpsim_status layout(plan *p, smpsim_error *err)
{
    smpsim_plan_layout *L = &p->L;
    memset(L, 0, sizeof *L);
    bool letter = p->o.paper == SMPSIM_PAPER_LETTER;
    L->paper_width_mm = letter ? 215.9 : 210.0;
    L->paper_height_mm = letter ? 279.4 : 297.0;
    design_extent(p, L->extent_mm);
    double ext_w = L->extent_mm[2] - L->extent_mm[0], ext_h = L->extent_mm[3] - L->extent_mm[1];
    if (p->format == SMPSIM_PLAN_SVG) { /* one page, as large as the design needs */
        L->paper_width_mm = fmax(L->paper_width_mm, ceil(ext_w) + 2.0 * MARGIN_MM);
        L->paper_height_mm =
            fmax(L->paper_height_mm, ceil(ext_h) + 2.0 * MARGIN_MM + HEADER_MM + FOOTER_MM);
    }
    L->area_x_mm = MARGIN_MM;
    L->area_y_mm = MARGIN_MM + HEADER_MM;
    L->area_width_mm = L->paper_width_mm - 2.0 * MARGIN_MM;
    L->area_height_mm = L->paper_height_mm - 2.0 * MARGIN_MM - HEADER_MM - FOOTER_MM;
    L->columns = tile_axis(L->extent_mm[0], L->extent_mm[2], L->area_width_mm, p->o.overlap_mm,
                           &L->window_x_mm, &L->step_x_mm);
    L->rows = tile_axis(L->extent_mm[1], L->extent_mm[3], L->area_height_mm, p->o.overlap_mm,
                        &L->window_y_mm, &L->step_y_mm);
    L->sessions = p->n_printed;
    if (L->columns > MAX_PAGES || L->rows > MAX_PAGES ||
        L->columns * L->rows * L->sessions > MAX_PAGES)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "plan: the design spans %.0f x %.0f mm: more than %d pages", ext_w,
                            ext_h, MAX_PAGES);
    L->pages = L->columns * L->rows * L->sessions;
    p->crop_marks = p->o.crop_marks > 0 || (p->o.crop_marks == 0 && L->columns * L->rows > 1);
    return SMPSIM_OK;
}

static smpsim_status prepare(plan *p, const smpsim_design *design, const smpsim_dots *dots,
                             smpsim_plan_format format, const smpsim_plan_options *opts,
                             smpsim_error *err)
{
    memset(p, 0, sizeof *p);
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: the design is NULL");
    if (format != SMPSIM_PLAN_PDF && format != SMPSIM_PLAN_SVG)
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: unknown format %d (PDF = 0, SVG = 1)",
                            (int)format);
    if (dots && dots->count > 0 && !dots->dots)
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: the dot list has no array");
    p->design = design;
    p->format = format;
    smpsim_status st = resolve_options(p, opts, err);
    if (st == SMPSIM_OK && !dots)
        st = smpsim_design_dots(design, &p->own_dots, err);
    p->dots = dots ? dots : p->own_dots;
    if (st == SMPSIM_OK)
        st = gather_geometry(p, err);
    if (st == SMPSIM_OK)
        st = layout(p, err);
    return st;
}

smpsim_status smpsim_plan_layout_compute(const smpsim_design *design, const smpsim_dots *dots,
                                         smpsim_plan_format format,
                                         const smpsim_plan_options *opts,
                                         smpsim_plan_layout *out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: layout out-pointer is NULL");
    plan p;
    smpsim_status st = prepare(&p, design, dots, format, opts, err);
    if (st == SMPSIM_OK)
        *out = p.L;
    plan_free(&p);
    return st;
}

/* ---- drawing ---------------------------------------------------------------- */

/* One page: which session, which sheet. */
typedef struct page {
    unsigned session;
    size_t column, row, number; /* number: 1-based */
    double wx, wy;              /* scalp mm at the drawing area's top-left corner */
} page;

static void header(cairo_t *cr, const plan *p, const page *pg)
{
    const smpsim_plan_layout *L = &p->L;
    const char *name = smpsim_design_get_name(p->design);
    const char *title = p->o.title ? p->o.title : name ? name : "smpsim plan";
    double w = L->paper_width_mm - 2.0 * MARGIN_MM, x = MARGIN_MM;
    char line[768];
    int n;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    smpsim__draw_text_fit(cr, x, MARGIN_MM + 4.5, 5.0, w, title);
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    snprintf(line, sizeof line, "Design: %.200s    Seed: %llu    Date: %s    smpsim %s",
             name ? name : "(unnamed)", (unsigned long long)smpsim_design_get_seed(p->design),
             p->o.date ? p->o.date : "not given", smpsim_version());
    smpsim__draw_text_fit(cr, x, MARGIN_MM + 9.0, 3.2, w, line);
    n = snprintf(line, sizeof line, "Dots: %zu in all", p->dots->count);
    for (size_t k = 1; k <= p->n_sessions && n > 0 && (size_t)n < sizeof line; k++)
        n += snprintf(line + n, sizeof line - (size_t)n, "; session %zu: %zu", k,
                      p->per_session[k]);
    if (p->per_session[0] > 0 && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "; without a session (on every page): %zu",
                 p->per_session[0]);
    smpsim__draw_text_fit(cr, x, MARGIN_MM + 12.9, 3.2, w, line);
    snprintf(line, sizeof line,
             "Session %u of %zu: black = this session, grey = earlier ones, red = hairline "
             "template. Page %zu of %zu.",
             pg->session, p->n_sessions, pg->number, L->pages);
    smpsim__draw_text_fit(cr, x, MARGIN_MM + 16.8, 3.2, w, line);
    snprintf(line, sizeof line,
             "Sheet column %zu, row %zu of %zu x %zu: scalp x %.0f..%.0f mm, y %.0f..%.0f mm "
             "(grid: 10 mm).",
             pg->column + 1, pg->row + 1, L->columns, L->rows, pg->wx, pg->wx + L->area_width_mm,
             pg->wy, pg->wy + L->area_height_mm);
    smpsim__draw_text_fit(cr, x, MARGIN_MM + 20.7, 3.2, w, line);
}

/* A 50 mm bar with 10 mm ticks, to check the printed scale with a ruler. */
static void scale_bar(cairo_t *cr, const plan *p)
{
    double x0 = MARGIN_MM, y = p->L.paper_height_mm - MARGIN_MM - 3.0;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x0 + 50.0, y);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 0.2);
    for (int k = 0; k <= 5; k++) {
        double tick = (k == 0 || k == 5) ? 4.0 : 2.5;
        cairo_move_to(cr, x0 + 10.0 * k, y + 0.25);
        cairo_line_to(cr, x0 + 10.0 * k, y - tick);
    }
    cairo_stroke(cr);
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    for (int k = 0; k <= 5; k++) {
        char label[16];
        snprintf(label, sizeof label, k == 5 ? "%d mm" : "%d", 10 * k);
        smpsim__draw_text_fit(cr, x0 + 10.0 * k - 0.8, y + 3.6, 2.4, 20.0, label);
    }
    smpsim__draw_text_fit(cr, x0 + 60.0, y - 1.0, 2.8, p->L.paper_width_mm - x0 - 70.0,
            "1:1 scale. Print at 100 % (no \"fit to page\"): this bar must measure 50 mm.");
}

/* Crop marks in the margins at the four corners of the drawing area. */
static void crop_marks(cairo_t *cr, const smpsim_plan_layout *L)
{
    double x[2] = {L->area_x_mm, L->area_x_mm + L->area_width_mm};
    double y[2] = {L->area_y_mm, L->area_y_mm + L->area_height_mm};
    const double gap = 1.5, len = 4.0;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.2);
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            double sx = i ? 1.0 : -1.0, sy = j ? 1.0 : -1.0;
            cairo_move_to(cr, x[i] + sx * gap, y[j]);
            cairo_line_to(cr, x[i] + sx * (gap + len), y[j]);
            cairo_move_to(cr, x[i], y[j] + sy * gap);
            cairo_line_to(cr, x[i], y[j] + sy * (gap + len));
        }
    }
    cairo_stroke(cr);
}

static void grid(cairo_t *cr, const plan *p, const page *pg)
{
    const smpsim_plan_layout *L = &p->L;
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_set_line_width(cr, 0.1);
    for (double x = ceil(pg->wx / 10.0) * 10.0; x <= pg->wx + L->area_width_mm; x += 10.0) {
        cairo_move_to(cr, x, pg->wy);
        cairo_line_to(cr, x, pg->wy + L->area_height_mm);
    }
    for (double y = ceil(pg->wy / 10.0) * 10.0; y <= pg->wy + L->area_height_mm; y += 10.0) {
        cairo_move_to(cr, pg->wx, y);
        cairo_line_to(cr, pg->wx + L->area_width_mm, y);
    }
    cairo_stroke(cr);
}

static void outlines(cairo_t *cr, const plan *p)
{
    static const double dash[2] = {1.5, 1.0};
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    cairo_set_line_width(cr, 0.2);
    cairo_set_dash(cr, dash, 2, 0.0);
    for (size_t r = 0; r < p->n_rings; r++)
        smpsim__path_rings(cr, &p->rings[r], 0.0, NULL, NULL);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0.0);
}

/* Dots of the page's window: earlier sessions grey, this one black. A dot
 * without a session (or beyond the design's) is drawn on every page. */
static void dots(cairo_t *cr, const plan *p, const page *pg, bool earlier)
{
    const smpsim_plan_layout *L = &p->L;
    double x0 = pg->wx - 2.0, y0 = pg->wy - 2.0;
    double x1 = pg->wx + L->area_width_mm + 2.0, y1 = pg->wy + L->area_height_mm + 2.0;
    for (size_t i = 0; i < p->dots->count; i++) {
        const smpsim_dot *d = &p->dots->dots[i];
        unsigned s = d->session > p->n_sessions ? 0 : d->session;
        bool show = earlier ? (s > 0 && s < pg->session) : (s == 0 || s == pg->session);
        if (!show || !(d->x_mm >= x0 && d->x_mm <= x1 && d->y_mm >= y0 && d->y_mm <= y1))
            continue;
        double r = 0.5 * (d->diameter_mm > 0.0f ? d->diameter_mm : FALLBACK_DOT_MM);
        cairo_new_sub_path(cr);
        cairo_arc(cr, d->x_mm, d->y_mm, r, 0.0, 2.0 * PI);
    }
    double grey = earlier ? 0.72 : 0.0;
    cairo_set_source_rgb(cr, grey, grey, grey);
    cairo_fill(cr);
}

static void hairline(cairo_t *cr, const plan *p)
{
    if (p->n_hairline < 2)
        return;
    cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
    cairo_set_line_width(cr, 0.35);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    smpsim__path_polyline(cr, p->hairline, p->n_hairline, false, 0.0, NULL, NULL);
    cairo_stroke(cr);
}

/* Registration targets and join lines on the middle lines of the overlaps,
 * in scalp coordinates: the same marks print on both neighbouring sheets. */
static void registration(cairo_t *cr, const plan *p)
{
    const smpsim_plan_layout *L = &p->L;
    double half = 0.5 * p->o.overlap_mm;
    static const double dash[2] = {3.0, 2.0};
    cairo_set_line_width(cr, 0.15);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_dash(cr, dash, 2, 0.0);
    double top = L->window_y_mm, bottom = top + (double)(L->rows - 1) * L->step_y_mm +
                                          L->area_height_mm;
    double left = L->window_x_mm, right = left + (double)(L->columns - 1) * L->step_x_mm +
                                          L->area_width_mm;
    for (size_t c = 1; c < L->columns; c++) {
        double x = L->window_x_mm + (double)c * L->step_x_mm + half;
        cairo_move_to(cr, x, top);
        cairo_line_to(cr, x, bottom);
    }
    for (size_t r = 1; r < L->rows; r++) {
        double y = L->window_y_mm + (double)r * L->step_y_mm + half;
        cairo_move_to(cr, left, y);
        cairo_line_to(cr, right, y);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0.0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    /* Targets where a join line crosses the middle of a sheet or another join line. */
    for (size_t c = 0; c < 2 * L->columns - 1; c++) {
        double x = L->window_x_mm + (double)(c / 2) * L->step_x_mm +
                   (c % 2 ? L->step_x_mm + half : 0.5 * L->area_width_mm);
        for (size_t r = 0; r < 2 * L->rows - 1; r++) {
            double y = L->window_y_mm + (double)(r / 2) * L->step_y_mm +
                       (r % 2 ? L->step_y_mm + half : 0.5 * L->area_height_mm);
            if (c % 2 == 0 && r % 2 == 0)
                continue; /* the middle of a sheet: not on a join line */
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, 2.0, 0.0, 2.0 * PI);
            cairo_move_to(cr, x - 3.5, y);
            cairo_line_to(cr, x + 3.5, y);
            cairo_move_to(cr, x, y - 3.5);
            cairo_line_to(cr, x, y + 3.5);
        }
    }
    cairo_stroke(cr);
}

static void draw_page(cairo_t *cr, const plan *p, const page *pg)
{
    const smpsim_plan_layout *L = &p->L;
    cairo_save(cr);
    cairo_scale(cr, PT_PER_MM, PT_PER_MM);
    header(cr, p, pg);
    cairo_save(cr);
    cairo_rectangle(cr, L->area_x_mm, L->area_y_mm, L->area_width_mm, L->area_height_mm);
    cairo_clip(cr);
    cairo_translate(cr, L->area_x_mm - pg->wx, L->area_y_mm - pg->wy);
    grid(cr, p, pg);
    outlines(cr, p);
    dots(cr, p, pg, true);
    dots(cr, p, pg, false);
    hairline(cr, p);
    if (p->crop_marks && L->columns * L->rows > 1)
        registration(cr, p);
    cairo_restore(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.25);
    cairo_rectangle(cr, L->area_x_mm, L->area_y_mm, L->area_width_mm, L->area_height_mm);
    cairo_stroke(cr);
    if (p->crop_marks)
        crop_marks(cr, L);
    scale_bar(cr, p);
    cairo_restore(cr);
}

static void draw_all(cairo_t *cr, const plan *p)
{
    const smpsim_plan_layout *L = &p->L;
    size_t number = 0;
    for (size_t s = 0; s < p->n_printed; s++) {
        for (size_t r = 0; r < L->rows; r++) {
            for (size_t c = 0; c < L->columns; c++) {
                page pg = {p->printed[s], c, r, ++number,
                           L->window_x_mm + (double)c * L->step_x_mm,
                           L->window_y_mm + (double)r * L->step_y_mm};
                draw_page(cr, p, &pg);
                cairo_show_page(cr);
            }
        }
    }
}

/* ---- provenance ------------------------------------------------------------- */

typedef struct provenance {
    char *design_json; /* or a one-line description when the design has no JSON form */
    char *options_json; /* the plan's options, ASCII (SMPSIM_PLAN_SUBJECT_MARK) */
    char *subject;
    char creator[64];
    char date[32]; /* ISO 8601 for cairo, or "" */
} provenance;

/* JSON text with every non-ASCII character as a \\u escape (it occurs only
 * inside strings), so that the PDF keeps it as a plain ASCII string. Takes
 * ownership of json; NULL when out of memory. */
static char *json_ascii(char *json)
{
    size_t extra = 0;
    for (const unsigned char *u = (const unsigned char *)json; *u; u++)
        extra += *u >= 0x80 ? 12 : 0;
    if (!extra)
        return json;
    char *out = malloc(strlen(json) + extra + 1), *o = out;
    const unsigned char *u = (const unsigned char *)json;
    while (out && *u) {
        if (*u < 0x80) {
            *o++ = (char)*u++;
            continue;
        }
        int n = (*u >> 5) == 6 ? 1 : (*u >> 4) == 14 ? 2 : 3;
        unsigned long cp = *u++ & (0x3Fu >> n);
        for (int k = 0; k < n && (*u & 0xC0) == 0x80; k++)
            cp = (cp << 6) | (*u++ & 0x3Fu);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            o += sprintf(o, "\\u%04lx\\u%04lx", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
        } else {
            o += sprintf(o, "\\u%04lx", cp);
        }
    }
    if (out)
        *o = '\0';
    free(json);
    return out;
}

/* The options that shape the plan, as one line of ASCII JSON, so that the
 * CLI can make the same plan again from the file (docs/outputs.md):
 * {"paper": "a4", "sessions": [2] or null, "title": ... or null,
 *  "date": ... or null, "crop_marks": "auto", "overlap_mm": 10.0}. */
static char *options_json(const plan *p)
{
    static const char *const crop[] = {"never", "auto", "always"};
    const smpsim_plan_options *o = &p->o;
    json_t *root = json_object(), *sessions = o->sessions ? json_array() : json_null();
    for (unsigned k = 1; sessions && o->sessions && k <= SMPSIM_MAX_SESSIONS; k++)
        if (o->sessions & (1u << (k - 1)))
            json_array_append_new(sessions, json_integer(k));
    char *text = NULL;
    if (root && sessions &&
        json_object_set_new(root, "paper",
                            json_string(o->paper == SMPSIM_PAPER_LETTER ? "letter" : "a4")) == 0 &&
        json_object_set_new(root, "sessions", sessions) == 0 &&
        json_object_set_new(root, "title", o->title ? json_string(o->title) : json_null()) == 0 &&
        json_object_set_new(root, "date", o->date ? json_string(o->date) : json_null()) == 0 &&
        json_object_set_new(root, "crop_marks", json_string(crop[o->crop_marks + 1])) == 0 &&
        json_object_set_new(root, "overlap_mm", json_real(o->overlap_mm)) == 0)
        text = json_dumps(root, JSON_ENSURE_ASCII | JSON_COMPACT);
    else if (!root)
        json_decref(sessions);
    json_decref(root);
    return text;
}

static smpsim_status make_provenance(const plan *p, provenance *pv, smpsim_error *err)
{
    memset(pv, 0, sizeof *pv);
    smpsim_error local = {0};
    const char *name = smpsim_design_get_name(p->design);
    unsigned long long seed = (unsigned long long)smpsim_design_get_seed(p->design);
    if (smpsim_design_to_json(p->design, &pv->design_json, &local) != SMPSIM_OK)
        pv->design_json = smpsim_design_describe(p->design);
    if (pv->design_json)
        pv->design_json = json_ascii(pv->design_json);
    pv->options_json = options_json(p);
    size_t n = pv->options_json ? strlen(pv->options_json) + 400 : 0;
    pv->subject = n ? malloc(n) : NULL;
    if (!pv->design_json || !pv->subject)
        return smpsim__fail(err, SMPSIM_ENOMEM, "plan: out of memory");
    snprintf(pv->subject, n,
             "smpsim plan of design '%.200s', seed %llu; the design (JSON) is in "
             "Keywords" SMPSIM_PLAN_SUBJECT_MARK "%s",
             name ? name : "", seed, pv->options_json);
    snprintf(pv->creator, sizeof pv->creator, "smpsim %s", smpsim_version());
    if (p->o.date)
        snprintf(pv->date, sizeof pv->date, "%sT00:00:00Z", p->o.date);
    return SMPSIM_OK;
}

/* ---- output streams ------------------------------------------------------------ */

/* The caller's stream, remembering a failure. */
typedef struct sink {
    smpsim_write_func write;
    void *closure;
    bool failed;
} sink;

static cairo_status_t to_sink(void *closure, const unsigned char *data, unsigned int length)
{
    sink *s = closure;
    if (!s->failed && length > 0 && s->write(s->closure, data, length) != 0)
        s->failed = true;
    return s->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* SVG: holds the start of the document until the page group's opening tag,
 * then writes it with a <metadata> element after <svg ...> and the group's
 * id made fixed. */
typedef struct svg_filter {
    sink *out;
    const char *metadata;
    char *head;
    size_t len, cap;
    bool passing;
} svg_filter;

#define SVG_HEAD_LIMIT (64u << 20)

static void put_sink(sink *s, const char *data, size_t n)
{
    if (!s->failed && n > 0 && s->write(s->closure, data, n) != 0)
        s->failed = true;
}

/* Writes the held head with the metadata in; group_at/group_end delimit the
 * page group's opening tag (group_at = NULL: none found). */
static void release_head(svg_filter *f, const char *group_at, const char *group_end)
{
    char *svg = strstr(f->head, "<svg");
    char *svg_end = svg ? strchr(svg, '>') : NULL;
    if (!svg_end) {
        put_sink(f->out, f->head, f->len);
    } else {
        size_t upto = (size_t)(svg_end + 1 - f->head);
        put_sink(f->out, f->head, upto);
        put_sink(f->out, f->metadata, strlen(f->metadata));
        const char *rest = svg_end + 1;
        if (group_at && group_at > rest) {
            put_sink(f->out, rest, (size_t)(group_at - rest));
            static const char fixed[] = "<g id=\"smpsim-plan\">";
            put_sink(f->out, fixed, sizeof fixed - 1);
            rest = group_end;
        }
        put_sink(f->out, rest, (size_t)(f->head + f->len - rest));
    }
    free(f->head);
    f->head = NULL;
    f->len = f->cap = 0;
    f->passing = true;
}

static cairo_status_t to_svg_filter(void *closure, const unsigned char *data, unsigned int length)
{
    svg_filter *f = closure;
    if (f->passing)
        return to_sink(f->out, data, length);
    if (f->len + length + 1 > f->cap) {
        size_t cap = (f->len + length + 1) * 2;
        char *grown = cap <= SVG_HEAD_LIMIT ? realloc(f->head, cap) : NULL;
        if (!grown) {
            f->out->failed = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        f->head = grown;
        f->cap = cap;
    }
    memcpy(f->head + f->len, data, length);
    f->len += length;
    f->head[f->len] = '\0';
    char *svg = strstr(f->head, "<svg");
    char *group = svg ? strstr(svg, "<g id=\"surface") : NULL;
    char *group_end = group ? strstr(group, "\">") : NULL;
    if (group_end)
        release_head(f, group, group_end + 2);
    return f->out->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Text with &, < and > escaped for XML. */
static char *xml_escape_append(char *dst, const char *src)
{
    for (; *src; src++) {
        const char *rep = *src == '&'   ? "&amp;"
                          : *src == '<' ? "&lt;"
                          : *src == '>' ? "&gt;"
                                        : NULL;
        if (rep) {
            size_t n = strlen(rep);
            memcpy(dst, rep, n);
            dst += n;
        } else {
            *dst++ = *src;
        }
    }
    *dst = '\0';
    return dst;
}

static char *svg_metadata(const plan *p, const provenance *pv)
{
    const char *name = smpsim_design_get_name(p->design);
    const char *title = p->o.title ? p->o.title : name ? name : "smpsim plan";
    size_t n = 5 * (strlen(title) + strlen(pv->subject) + strlen(pv->options_json) +
                    strlen(pv->design_json)) +
               512;
    char *text = malloc(n), *at = text;
    if (!text)
        return NULL;
    at += sprintf(at, "\n<title>");
    at = xml_escape_append(at, title);
    at += sprintf(at, "</title>\n<metadata id=\"smpsim-provenance\">\ncreator: %s\nsubject: ",
                  pv->creator);
    at = xml_escape_append(at, pv->subject);
    at += sprintf(at, "\nseed: %llu\ndate: %s\nplan: ",
                  (unsigned long long)smpsim_design_get_seed(p->design),
                  p->o.date ? p->o.date : "none");
    at = xml_escape_append(at, pv->options_json);
    at += sprintf(at, "\ndesign:\n");
    at = xml_escape_append(at, pv->design_json);
    sprintf(at, "</metadata>");
    return text;
}

/* Reports the first failure of a drawing (cr_status), of the surface or of
 * the stream, and releases the surface. */
static smpsim_status close_surface(cairo_surface_t *surface, cairo_status_t cr_status,
                                   const sink *out, smpsim_error *err)
{
    cairo_status_t cs = cr_status;
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (out->failed || cs == CAIRO_STATUS_WRITE_ERROR)
        return smpsim__fail(err, SMPSIM_EIO, "plan: the output stream failed");
    if (cs == CAIRO_STATUS_NO_MEMORY)
        return smpsim__fail(err, SMPSIM_ENOMEM, "plan: out of memory");
    if (cs != CAIRO_STATUS_SUCCESS)
        return smpsim__fail(err, SMPSIM_EIO, "plan: cairo: %s", cairo_status_to_string(cs));
    return SMPSIM_OK;
}

static smpsim_status write_pdf(const plan *p, const provenance *pv, sink *out, smpsim_error *err)
{
    const smpsim_plan_layout *L = &p->L;
    const char *name = smpsim_design_get_name(p->design);
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(
        to_sink, out, L->paper_width_mm * PT_PER_MM, L->paper_height_mm * PT_PER_MM);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                   p->o.title ? p->o.title : name ? name : "smpsim plan");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, pv->creator);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, pv->subject);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, pv->design_json);
    /* An empty date keeps cairo from stamping the clock time. */
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, pv->date);
    cairo_t *cr = cairo_create(surface);
    draw_all(cr, p);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    return close_surface(surface, cs, out, err);
}

static smpsim_status write_svg(const plan *p, const provenance *pv, sink *out, smpsim_error *err)
{
    const smpsim_plan_layout *L = &p->L;
    char *metadata = svg_metadata(p, pv);
    if (!metadata)
        return smpsim__fail(err, SMPSIM_ENOMEM, "plan: out of memory");
    svg_filter f = {out, metadata, NULL, 0, 0, false};
    cairo_surface_t *surface = cairo_svg_surface_create_for_stream(
        to_svg_filter, &f, L->paper_width_mm * PT_PER_MM, L->paper_height_mm * PT_PER_MM);
    cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1);
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
    cairo_t *cr = cairo_create(surface);
    page pg = {p->printed[0], 0, 0, 1, L->window_x_mm, L->window_y_mm};
    draw_page(cr, p, &pg);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface); /* writes the document through the filter */
    if (!f.passing && f.head)
        release_head(&f, NULL, NULL);
    free(f.head);
    free(metadata);
    return close_surface(surface, cs, out, err);
}

static smpsim_status emit_plan(const plan *p, smpsim_write_func write, void *closure,
                               smpsim_error *err)
{
    provenance pv;
    smpsim_status st = make_provenance(p, &pv, err);
    if (st == SMPSIM_OK) {
        sink out = {write, closure, false};
        st = p->format == SMPSIM_PLAN_PDF ? write_pdf(p, &pv, &out, err)
                                          : write_svg(p, &pv, &out, err);
    }
    free(pv.design_json);
    free(pv.options_json);
    free(pv.subject);
    return st;
}

smpsim_status smpsim_plan_write_stream(const smpsim_design *design, const smpsim_dots *dots,
                                       smpsim_plan_format format, smpsim_write_func write,
                                       void *closure, const smpsim_plan_options *opts,
                                       smpsim_error *err)
{
    if (!write)
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: the write function is NULL");
    plan p;
    smpsim_status st = prepare(&p, design, dots, format, opts, err);
    if (st == SMPSIM_OK)
        st = emit_plan(&p, write, closure, err);
    plan_free(&p);
    return st;
}

static smpsim_status produce_plan(const void *ctx, smpsim_write_func write, void *closure,
                                  smpsim_error *err)
{
    return emit_plan(ctx, write, closure, err);
}

/* Bad arguments fail before any file is created. */
smpsim_status smpsim_plan_write(const smpsim_design *design, const smpsim_dots *dots,
                                smpsim_plan_format format, const char *path,
                                const smpsim_plan_options *opts, smpsim_error *err)
{
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "plan: path is NULL");
    plan p;
    smpsim_status st = prepare(&p, design, dots, format, opts, err);
    if (st == SMPSIM_OK)
        st = smpsim__atomic_save(path, produce_plan, &p, err);
    plan_free(&p);
    return st;
}
