/* Guides: the design drawn over the photo for a consultation, in photo
 * pixels through the design's view (flat or head).
 *
 * Every line is kept in scalp millimetres and mapped point by point with
 * smpsim_view_map(): a point on the far side of a head view (or beyond its
 * outline) breaks the line instead of being drawn where the projection
 * happens to put it. The transition zone's back edge is the hairline moved
 * back by transition_mm along its normals in mm, then mapped, so that it
 * is foreshortened like the scalp. Text goes through cairo's toy font API
 * with DejaVu Sans (fontconfig). */
#include "cairo/cairo-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PI 3.14159265358979323846
#define DEFAULT_LINE_PX 2.0
#define DEFAULT_FRONTOTEMPORAL_MM 45.0
#define SCALE_BAR_MM 10.0
#define LEGEND_MAX_LINES 16
#define STEP_MM 1.0 /* lines are mapped every mm */

/* Session colours (1..8); session 0 (or beyond) is grey. Chosen to differ
 * from the red hairline, the cyan outlines and the magenta landmarks. */
static const double session_rgb[SMPSIM_MAX_SESSIONS + 1][3] = {
    {0.55, 0.55, 0.55}, {0.10, 0.40, 1.00}, {0.10, 0.75, 0.20}, {1.00, 0.60, 0.00},
    {0.55, 0.25, 0.85}, {0.00, 0.55, 0.55}, {0.65, 0.45, 0.15}, {0.95, 0.85, 0.10},
    {0.20, 0.20, 0.20}};
static const double hairline_rgb[3] = {0.90, 0.08, 0.08};
static const double region_rgb[3] = {0.00, 0.78, 0.90};
static const double landmark_rgb[3] = {0.90, 0.00, 0.90};

typedef struct guides {
    const smpsim_design *design;
    const smpsim_view *view;
    const smpsim_dots *dots;
    smpsim_guides_options o; /* defaults filled in */
    double lw, font;         /* line width and text size, px */
    smpsim__hairline_field h; /* n = 0: no hairline */
    double *back;             /* the transition zone's back edge, mm */
    smpsim__rings *rings;
    size_t n_rings;
    bool front;
    double lm[4][2];  /* glabella, mid-frontal, left and right frontotemporal (mm) */
    bool lm_ok[4];
    size_t per_session[SMPSIM_MAX_SESSIONS + 1];
    size_t n_sessions;
} guides;

static void guides_free(guides *g)
{
    smpsim__hairline_field_free(&g->h);
    free(g->back);
    smpsim__design_outlines_free(g->rings, g->n_rings);
}

static int map_view(void *arg, double x, double y, double *ux, double *uy)
{
    double s;
    return smpsim_view_map(arg, x, y, ux, uy, &s);
}

/* The hairline's highest crossing of the vertical x = at (mm). */
static bool hairline_at_x(const smpsim__hairline_field *h, double at, double *y)
{
    bool found = false;
    for (size_t i = 0; i + 1 < h->n; i++) {
        double x0 = h->xy[2 * i], x1 = h->xy[2 * i + 2];
        if ((x0 - at) * (x1 - at) > 0.0 || x0 == x1)
            continue;
        double t = (at - x0) / (x1 - x0);
        double yy = h->xy[2 * i + 1] + t * (h->xy[2 * i + 3] - h->xy[2 * i + 1]);
        if (!found || yy < *y)
            *y = yy;
        found = true;
    }
    return found;
}

/* The hairline moved back (to the scalp side) by d mm along the vertex
 * normals: the mean of the neighbouring segments' unit normals. */
static double *offset_line(const smpsim__hairline_field *h, double d)
{
    double *out = malloc(2 * h->n * sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < h->n; i++) {
        double nx = 0.0, ny = 0.0;
        for (size_t k = (i > 0 ? i - 1 : i); k <= i && k + 1 < h->n; k++) {
            double ex = h->xy[2 * k + 2] - h->xy[2 * k], ey = h->xy[2 * k + 3] - h->xy[2 * k + 1];
            double len = hypot(ex, ey);
            if (len > 0.0) { /* cross(e, n) has the sign of behind: the scalp side */
                nx += -ey / len * h->behind;
                ny += ex / len * h->behind;
            }
        }
        double len = hypot(nx, ny);
        if (len > 0.0)
            nx /= len, ny /= len;
        out[2 * i] = h->xy[2 * i] + d * nx;
        out[2 * i + 1] = h->xy[2 * i + 1] + d * ny;
    }
    return out;
}

static smpsim_status prepare(guides *g, const smpsim_design *design, const smpsim_dots *dots,
                             const smpsim_guides_options *opts, smpsim_error *err)
{
    smpsim__copy_options(&g->o, sizeof g->o, opts);
    if (g->o.show == 0)
        g->o.show = SMPSIM_GUIDE_ALL;
    if (g->o.show & ~SMPSIM_GUIDE_ALL)
        return smpsim__fail(err, SMPSIM_EINVAL, "guides: show 0x%x has unknown bits (all: 0x%x)",
                            g->o.show, SMPSIM_GUIDE_ALL);
    if (g->o.line_width_px == 0.0)
        g->o.line_width_px = DEFAULT_LINE_PX;
    if (!(g->o.line_width_px >= 0.25 && g->o.line_width_px <= 50.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "guides: line_width_px is %g, expected 0.25..50",
                            g->o.line_width_px);
    if (dots && dots->count > 0 && !dots->dots)
        return smpsim__fail(err, SMPSIM_EINVAL, "guides: the dot list has no array");
    g->design = design;
    g->view = smpsim_design_get_view(design);
    g->dots = dots;
    g->lw = g->o.line_width_px;
    g->font = fmax(11.0, 6.0 * g->lw);
    smpsim_status st = smpsim_view_validate(g->view, err);
    if (st != SMPSIM_OK)
        return st;
    const smpsim__hairline *src = smpsim__design_hairline_const(design);
    if (src && src->n_points > 0) {
        st = smpsim__hairline_resolve(design, 0.0, &g->h, err);
        if (st == SMPSIM_OK && !(g->back = offset_line(&g->h, g->h.p.transition_mm)))
            st = smpsim__fail(err, SMPSIM_ENOMEM, "guides: out of memory");
        if (st != SMPSIM_OK)
            return st;
    }
    st = smpsim__design_outlines(design, &g->rings, &g->n_rings, err);
    if (st != SMPSIM_OK)
        return st;
    g->front = (g->view->kind == SMPSIM_VIEW_HEAD && g->view->head.camera == SMPSIM_CAMERA_FRONT) ||
               (src && src->n_points > 0 && src->source == SMPSIM__HAIRLINE_LANDMARKS);
    double ft = src && src->source == SMPSIM__HAIRLINE_LANDMARKS &&
                        src->landmarks.frontotemporal_x_mm > 0.0
                    ? src->landmarks.frontotemporal_x_mm
                    : DEFAULT_FRONTOTEMPORAL_MM;
    g->lm_ok[0] = true; /* the glabella: scalp (0, 0) */
    const double at[3] = {0.0, -ft, ft};
    for (int k = 0; k < 3 && g->h.n > 1; k++) {
        g->lm[k + 1][0] = at[k];
        g->lm_ok[k + 1] = hairline_at_x(&g->h, at[k], &g->lm[k + 1][1]);
    }
    smpsim_design_sessions(design, &g->n_sessions);
    if (g->n_sessions > SMPSIM_MAX_SESSIONS)
        g->n_sessions = SMPSIM_MAX_SESSIONS;
    for (size_t i = 0; dots && i < dots->count; i++) {
        unsigned s = dots->dots[i].session;
        g->per_session[s <= SMPSIM_MAX_SESSIONS ? s : 0]++;
    }
    return SMPSIM_OK;
}

/* ---- drawing ---------------------------------------------------------------- */

static void set_rgb(cairo_t *cr, const double c[3])
{
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

/* A line with a thin dark halo, so that it shows on light and dark skin. */
static void stroke_with_halo(cairo_t *cr, const double c[3], double lw)
{
    cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
    cairo_set_line_width(cr, lw + 1.5);
    cairo_stroke_preserve(cr);
    set_rgb(cr, c);
    cairo_set_line_width(cr, lw);
    cairo_stroke(cr);
}

static void draw_regions(cairo_t *cr, const guides *g)
{
    const double dash[2] = {4.0 * g->lw, 3.0 * g->lw};
    for (size_t r = 0; r < g->n_rings; r++)
        smpsim__path_rings(cr, &g->rings[r], STEP_MM, map_view, (void *)g->view);
    cairo_set_dash(cr, dash, 2, 0.0);
    stroke_with_halo(cr, region_rgb, g->lw);
    cairo_set_dash(cr, NULL, 0, 0.0);
}

static void draw_hairline(cairo_t *cr, const guides *g, bool back)
{
    const double dash[2] = {3.0 * g->lw, 2.5 * g->lw};
    smpsim__path_polyline(cr, back ? g->back : g->h.xy, g->h.n, false, STEP_MM,
                          map_view, (void *)g->view);
    if (back)
        cairo_set_dash(cr, dash, 2, 0.0);
    stroke_with_halo(cr, hairline_rgb, back ? 0.75 * g->lw : g->lw);
    cairo_set_dash(cr, NULL, 0, 0.0);
}

/* A landmark: a ring with a cross, and a short label beside it. */
static void landmark_marker(cairo_t *cr, const guides *g, double x, double y, const char *label)
{
    double r = 3.0 * g->lw + 3.0;
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0.0, 2.0 * PI);
    cairo_move_to(cr, x - 1.6 * r, y);
    cairo_line_to(cr, x + 1.6 * r, y);
    cairo_move_to(cr, x, y - 1.6 * r);
    cairo_line_to(cr, x, y + 1.6 * r);
    stroke_with_halo(cr, landmark_rgb, g->lw);
    if (label) {
        cairo_set_font_size(cr, g->font);
        cairo_move_to(cr, x + 1.8 * r, y - 0.6 * r);
        cairo_text_path(cr, label);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.6);
        cairo_set_line_width(cr, 0.2 * g->font);
        cairo_stroke_preserve(cr);
        set_rgb(cr, landmark_rgb);
        cairo_fill(cr);
    }
}

static void draw_landmarks(cairo_t *cr, const guides *g)
{
    static const char *const labels[4] = {"G", "MF", "FT", "FT"};
    cairo_select_font_face(cr, SMPSIM__FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    for (int k = 0; k < 4; k++) {
        double x, y, s;
        if (g->lm_ok[k] && smpsim_view_map(g->view, g->lm[k][0], g->lm[k][1], &x, &y, &s) &&
            isfinite(x) && isfinite(y))
            landmark_marker(cr, g, x, y, labels[k]);
    }
}

static void draw_dots(cairo_t *cr, const guides *g)
{
    double min_r = 0.5 * g->lw;
    for (size_t k = 0; k <= SMPSIM_MAX_SESSIONS; k++) {
        if (g->per_session[k] == 0)
            continue;
        cairo_new_path(cr);
        for (size_t i = 0; i < g->dots->count; i++) {
            const smpsim_dot *d = &g->dots->dots[i];
            size_t s = d->session <= SMPSIM_MAX_SESSIONS ? d->session : 0;
            double x, y, scale;
            if (s != k || !smpsim_view_map(g->view, d->x_mm, d->y_mm, &x, &y, &scale))
                continue;
            double r = fmax(min_r, 0.5 * d->diameter_mm * scale);
            if (!isfinite(x) || !isfinite(y) || !isfinite(r))
                continue;
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, r, 0.0, 2.0 * PI);
        }
        set_rgb(cr, session_rgb[k]);
        cairo_fill(cr);
    }
}

/* The local scale (px per mm) for the scale bar, and where it was taken. */
static double local_scale(const guides *g, const char **where)
{
    double pt[2] = {0.0, 0.0}, x, y, s;
    bool have = false;
    if (g->front && g->lm_ok[1]) {
        pt[0] = g->lm[1][0], pt[1] = g->lm[1][1], have = true;
        *where = "at the mid-frontal point";
    } else if (g->h.n > 1) {
        size_t i = g->h.n / 2;
        pt[0] = g->h.xy[2 * i], pt[1] = g->h.xy[2 * i + 1], have = true;
        *where = "at the hairline";
    } else {
        for (size_t r = 0; r < g->n_rings && !have; r++) {
            if (g->rings[r].n_rings == 0)
                continue;
            double b[4];
            smpsim__rings_bounds(&g->rings[r], b);
            pt[0] = 0.5 * (b[0] + b[2]), pt[1] = 0.5 * (b[1] + b[3]), have = true;
            *where = "at the first region";
        }
    }
    if (g->view->kind == SMPSIM_VIEW_FLAT || !have ||
        !smpsim_view_map(g->view, pt[0], pt[1], &x, &y, &s) || !(s > 0.0) || !isfinite(s)) {
        *where = g->view->kind == SMPSIM_VIEW_FLAT ? "" : "at the outline's plane";
        return g->view->px_per_mm;
    }
    return s;
}

/* The drawing's extent: the context's clip in user space, or a default. */
static void extent(cairo_t *cr, double b[4])
{
    cairo_clip_extents(cr, &b[0], &b[1], &b[2], &b[3]);
    bool sane = true;
    for (int k = 0; k < 4; k++)
        sane = sane && isfinite(b[k]) && fabs(b[k]) < 1e6;
    if (!sane || !(b[2] > b[0]) || !(b[3] > b[1]))
        b[0] = 0.0, b[1] = 0.0, b[2] = 1000.0, b[3] = 1000.0;
}

/* A black bar exactly 10 mm long at the local scale, its left end at
 * x0 = left + margin, on a white plate; "10 mm" above it. */
static void draw_scale_bar(cairo_t *cr, const guides *g, const double b[4])
{
    const char *where = "";
    double len = SCALE_BAR_MM * local_scale(g, &where);
    double margin = 4.0 * g->lw + 8.0, thick = fmax(3.0, 2.0 * g->lw);
    double x0 = round(b[0] + margin), y1 = round(b[3] - margin), y0 = y1 - round(thick);
    char label[64];
    snprintf(label, sizeof label, "%g mm", SCALE_BAR_MM);
    cairo_select_font_face(cr, SMPSIM__FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, g->font);
    cairo_text_extents_t e;
    cairo_text_extents(cr, label, &e);
    double pad = 0.5 * g->font, top = y0 - 0.4 * g->font - e.height;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_rectangle(cr, x0 - pad, top - pad, fmax(len, e.x_advance) + 2.0 * pad,
                    y1 - top + 2.0 * pad);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, x0, y0, len, y1 - y0);
    cairo_fill(cr);
    cairo_move_to(cr, x0, y0 - 0.4 * g->font);
    cairo_show_text(cr, label);
}

typedef enum swatch { SW_LINE, SW_DASH, SW_MARK, SW_DISC, SW_BAR } swatch;

typedef struct legend_line {
    swatch kind;
    const double *rgb;
    char text[96];
} legend_line;

static void draw_swatch(cairo_t *cr, const guides *g, const legend_line *l, double x, double y,
                        double w)
{
    const double dash[2] = {3.0 * g->lw, 2.0 * g->lw};
    double mid = y - 0.35 * g->font;
    cairo_set_dash(cr, l->kind == SW_DASH ? dash : NULL, l->kind == SW_DASH ? 2 : 0, 0.0);
    if (l->kind == SW_LINE || l->kind == SW_DASH) {
        cairo_move_to(cr, x, mid);
        cairo_line_to(cr, x + w, mid);
        set_rgb(cr, l->rgb);
        cairo_set_line_width(cr, g->lw);
        cairo_stroke(cr);
    } else if (l->kind == SW_MARK || l->kind == SW_DISC) {
        double r = 0.3 * g->font;
        cairo_new_path(cr);
        cairo_arc(cr, x + 0.5 * w, mid, r, 0.0, 2.0 * PI);
        set_rgb(cr, l->rgb);
        if (l->kind == SW_DISC) {
            cairo_fill(cr);
        } else {
            cairo_move_to(cr, x + 0.5 * w - 1.6 * r, mid);
            cairo_line_to(cr, x + 0.5 * w + 1.6 * r, mid);
            cairo_set_line_width(cr, g->lw);
            cairo_stroke(cr);
        }
    } else {
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_rectangle(cr, x, mid - 0.12 * g->font, w, 0.24 * g->font);
        cairo_fill(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0.0);
}

static void draw_legend(cairo_t *cr, const guides *g, const double b[4], unsigned drawn)
{
    legend_line lines[LEGEND_MAX_LINES];
    size_t n = 0;
    if (drawn & SMPSIM_GUIDE_HAIRLINE) {
        lines[n] = (legend_line){SW_LINE, hairline_rgb, ""};
        snprintf(lines[n++].text, sizeof lines[0].text, "Hairline");
    }
    if (drawn & SMPSIM_GUIDE_TRANSITION) {
        lines[n] = (legend_line){SW_DASH, hairline_rgb, ""};
        snprintf(lines[n++].text, sizeof lines[0].text, "Transition zone, back edge (%g mm)",
                 g->h.p.transition_mm);
    }
    if (drawn & SMPSIM_GUIDE_LANDMARKS) {
        lines[n] = (legend_line){SW_MARK, landmark_rgb, ""};
        snprintf(lines[n++].text, sizeof lines[0].text,
                 "G glabella, MF mid-frontal, FT frontotemporal");
    }
    if (drawn & SMPSIM_GUIDE_REGIONS) {
        lines[n] = (legend_line){SW_DASH, region_rgb, ""};
        snprintf(lines[n++].text, sizeof lines[0].text, "Region outlines");
    }
    for (size_t k = 1; (drawn & SMPSIM_GUIDE_SESSIONS) && k <= SMPSIM_MAX_SESSIONS + 1; k++) {
        size_t s = k <= SMPSIM_MAX_SESSIONS ? k : 0; /* session 0 last */
        if (g->per_session[s] == 0 || n >= LEGEND_MAX_LINES - 1)
            continue;
        lines[n] = (legend_line){SW_DISC, session_rgb[s], ""};
        if (s)
            snprintf(lines[n++].text, sizeof lines[0].text, "Session %zu: %zu dots", s,
                     g->per_session[s]);
        else
            snprintf(lines[n++].text, sizeof lines[0].text, "No session: %zu dots",
                     g->per_session[0]);
    }
    if (drawn & SMPSIM_GUIDE_SCALE_BAR) {
        const char *where = "";
        double s = local_scale(g, &where);
        lines[n] = (legend_line){SW_BAR, NULL, ""};
        snprintf(lines[n++].text, sizeof lines[0].text, "10 mm (%.3g px/mm%s%s)", s,
                 where[0] ? " " : "", where);
    }
    const char *name = smpsim_design_get_name(g->design);
    char title[96];
    snprintf(title, sizeof title, "%.80s", name ? name : "smpsim guides");
    double fs = 0.8 * g->font, lead = 1.45 * fs, sw = 2.2 * fs, pad = 0.6 * fs;
    double max_w = fmax(100.0, 0.6 * (b[2] - b[0]) - sw - 3.0 * pad);
    cairo_select_font_face(cr, SMPSIM__FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, fs);
    cairo_text_extents_t e;
    cairo_text_extents(cr, title, &e);
    double w = fmin(e.x_advance, max_w + sw + pad);
    cairo_select_font_face(cr, SMPSIM__FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    for (size_t i = 0; i < n; i++) {
        cairo_text_extents(cr, lines[i].text, &e);
        w = fmax(w, sw + pad + fmin(e.x_advance, max_w));
    }
    double x = round(b[0] + 2.0 * g->lw + 6.0), y = round(b[1] + 2.0 * g->lw + 6.0);
    double h = (double)(n + 1) * lead + 2.0 * pad - 0.3 * fs;
    cairo_rectangle(cr, x, y, ceil(w + 2.0 * pad), ceil(h));
    cairo_set_source_rgba(cr, 1, 1, 1, 0.88);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    double ty = y + pad + fs;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, SMPSIM__FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    smpsim__draw_text_fit(cr, x + pad, ty, fs, w, title);
    cairo_select_font_face(cr, SMPSIM__FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    for (size_t i = 0; i < n; i++) {
        ty += lead;
        draw_swatch(cr, g, &lines[i], x + pad, ty, sw);
        cairo_set_source_rgb(cr, 0, 0, 0);
        smpsim__draw_text_fit(cr, x + pad + sw + pad, ty, fs, max_w, lines[i].text);
    }
}

static unsigned draw_all(cairo_t *cr, const guides *g)
{
    unsigned show = g->o.show, drawn = 0;
    double b[4];
    extent(cr, b);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    if ((show & SMPSIM_GUIDE_SESSIONS) && g->dots && g->dots->count > 0) {
        draw_dots(cr, g);
        drawn |= SMPSIM_GUIDE_SESSIONS;
    }
    if ((show & SMPSIM_GUIDE_REGIONS) && g->n_rings > 0) {
        draw_regions(cr, g);
        drawn |= SMPSIM_GUIDE_REGIONS;
    }
    if ((show & SMPSIM_GUIDE_TRANSITION) && g->h.n > 1) {
        draw_hairline(cr, g, true);
        drawn |= SMPSIM_GUIDE_TRANSITION;
    }
    if ((show & SMPSIM_GUIDE_HAIRLINE) && g->h.n > 1) {
        draw_hairline(cr, g, false);
        drawn |= SMPSIM_GUIDE_HAIRLINE;
    }
    if ((show & SMPSIM_GUIDE_LANDMARKS) && g->front) {
        draw_landmarks(cr, g);
        drawn |= SMPSIM_GUIDE_LANDMARKS;
    }
    if (show & SMPSIM_GUIDE_SCALE_BAR) {
        draw_scale_bar(cr, g, b);
        drawn |= SMPSIM_GUIDE_SCALE_BAR;
    }
    if (show & SMPSIM_GUIDE_LEGEND)
        draw_legend(cr, g, b, drawn);
    return drawn;
}

smpsim_status smpsim_draw_guides(struct _cairo *cr, const smpsim_design *design,
                                 const smpsim_dots *dots, const smpsim_guides_options *opts,
                                 smpsim_error *err)
{
    if (!cr || cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return smpsim__fail(err, SMPSIM_EINVAL, "guides: no usable cairo context");
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "guides: the design is NULL");
    guides g;
    memset(&g, 0, sizeof g);
    smpsim_status st = prepare(&g, design, dots, opts, err);
    if (st == SMPSIM_OK) {
        cairo_save(cr);
        cairo_new_path(cr);
        draw_all(cr, &g);
        cairo_restore(cr);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            st = smpsim__fail(err, SMPSIM_ENOMEM, "guides: cairo: %s",
                              cairo_status_to_string(cairo_status(cr)));
    }
    guides_free(&g);
    return st;
}

/* ---- images ------------------------------------------------------------------ */

/* The image as cairo's premultiplied ARGB32. */
static void to_argb(const smpsim_image *img, uint32_t *px, int stride)
{
    for (uint32_t y = 0; y < img->height; y++)
        smpsim__image_row_to_argb(img, y, 0, img->width,
                                  (uint32_t *)((uint8_t *)px + (size_t)y * (size_t)stride));
}

/* Writes back the pixels the drawing changed (unpremultiplied), so that
 * untouched pixels keep their exact values. */
static void from_argb(smpsim_image *img, const uint32_t *before, const uint32_t *after,
                      int stride)
{
    for (uint32_t y = 0; y < img->height; y++) {
        uint8_t *row = (uint8_t *)img->pixels + (size_t)y * img->stride;
        size_t off = (size_t)y * (size_t)stride / sizeof(uint32_t);
        for (uint32_t x = 0; x < img->width; x++) {
            uint32_t v = after[off + x];
            if (v == before[off + x])
                continue;
            uint8_t rgba[4];
            smpsim__argb_to_rgba8(v, rgba);
            for (int c = 0; c < 4; c++) {
                if (img->format == SMPSIM_RGBA8) {
                    row[4 * x + (uint32_t)c] = (uint8_t)rgba[c];
                } else {
                    uint16_t w = (uint16_t)(rgba[c] * 257u);
                    memcpy(row + 2 * (4 * (size_t)x + (size_t)c), &w, sizeof w);
                }
            }
        }
    }
}

smpsim_status smpsim_image_draw_guides(smpsim_image *img, const smpsim_design *design,
                                       const smpsim_dots *dots,
                                       const smpsim_guides_options *opts, smpsim_error *err)
{
    if (!img || !img->pixels || img->width == 0 || img->height == 0)
        return smpsim__fail(err, SMPSIM_EINVAL, "guides: the image is NULL or empty");
    if (img->format != SMPSIM_RGBA8 && img->format != SMPSIM_RGBA16)
        return smpsim__fail(err, SMPSIM_EUNSUPPORTED, "guides: unknown pixel format %d",
                            (int)img->format);
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "guides: the design is NULL");
    if (img->width > INT32_MAX / 4 || img->height > INT32_MAX)
        return smpsim__fail(err, SMPSIM_ELIMIT, "guides: the image is too large for cairo");
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, (int)img->width);
    size_t bytes;
    if (stride <= 0 || !smpsim__mul_size((size_t)stride, img->height, &bytes))
        return smpsim__fail(err, SMPSIM_ELIMIT, "guides: the image is too large for cairo");
    uint32_t *before = malloc(bytes), *after = malloc(bytes);
    if (!before || !after) {
        free(before);
        free(after);
        return smpsim__fail(err, SMPSIM_ENOMEM, "guides: out of memory");
    }
    to_argb(img, before, stride);
    memcpy(after, before, bytes);
    cairo_surface_t *surface = cairo_image_surface_create_for_data(
        (unsigned char *)after, CAIRO_FORMAT_ARGB32, (int)img->width, (int)img->height, stride);
    cairo_t *cr = cairo_create(surface);
    smpsim_status st = smpsim_draw_guides(cr, design, dots, opts, err);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    if (st == SMPSIM_OK && cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
        st = smpsim__fail(err, SMPSIM_ENOMEM, "guides: cairo: %s",
                          cairo_status_to_string(cairo_surface_status(surface)));
    cairo_surface_destroy(surface);
    if (st == SMPSIM_OK)
        from_argb(img, before, after, stride);
    free(before);
    free(after);
    return st;
}
