/* Design rules as warnings: the common failures of SMP hairline design
 * (hairline too low, too straight, too perfect, temples filled in, pigment
 * darker than the hair, dots too close to survive healing). Each message
 * says what to change. Thresholds: the mid-frontal point at 7-10 cm above
 * the glabella (Shapiro & Shapiro; Garg & Garg 2017); healed dots spread,
 * so keep room between them (DESIGN.md section 2). */
#include "model/model-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MIN_MID_FRONTAL_MM 70.0
#define TEMPLE_X_MM 45.0
#define MIN_RECESSION_MM 4.0
#define STRAIGHT_SPAN_MM 30.0
#define MIN_BOW_MM 2.0
#define MIN_IRREGULARITY_MM 0.3
#define HEALED_SPREAD 1.5 /* healed dots spread to about this times their size */
#define MIN_GAP_MM 0.45   /* room to leave between healed dots */
#define MAX_WARNINGS 64

void smpsim__warn(smpsim__warning_list *l, smpsim_warning_code code, const char *fmt, ...)
{
    if (l->n >= l->max)
        return;
    smpsim_warning *w = &l->w[l->n++];
    w->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
}

/* y of the (smooth) line where it crosses x, or NAN. */
static double line_y_at(const double *xy, size_t n, double x)
{
    for (size_t i = 0; i + 1 < n; i++) {
        double x0 = xy[2 * i], x1 = xy[2 * i + 2];
        if ((x0 <= x && x <= x1) || (x1 <= x && x <= x0)) {
            double t = x1 != x0 ? (x - x0) / (x1 - x0) : 0.0;
            return xy[2 * i + 1] + t * (xy[2 * i + 3] - xy[2 * i + 1]);
        }
    }
    return NAN;
}

/* Hairline rules, for lines in scalp mm of a frontal design (origin at the
 * glabella, scalp above: y negative). */
static void check_hairline(const smpsim_design *d, smpsim__warning_list *l)
{
    const smpsim__hairline *h = smpsim__design_hairline_const(d);
    if (h->n_points == 0 || h->units != SMPSIM_UNITS_MM)
        return;
    double *xy;
    size_t n;
    if (smpsim_design_hairline_mm(d, &xy, &n, NULL) != SMPSIM_OK)
        return;
    double mid = line_y_at(xy, n, 0.0);
    if (isfinite(mid) && -mid < MIN_MID_FRONTAL_MM)
        smpsim__warn(l, SMPSIM_WARN_HAIRLINE_LOW,
            "hairline: the mid-frontal point is %.0f mm above the glabella; keep it at 70 mm or "
            "more (80 is typical) so that it still suits the client in twenty years",
            -mid);
    bool female = h->source == SMPSIM__HAIRLINE_LANDMARKS && h->landmarks.female;
    double left = line_y_at(xy, n, -TEMPLE_X_MM), right = line_y_at(xy, n, TEMPLE_X_MM);
    if (!female && isfinite(mid) && isfinite(left) && isfinite(right) &&
        fmin(mid - left, mid - right) < MIN_RECESSION_MM)
        smpsim__warn(l, SMPSIM_WARN_TEMPLES_FILLED,
            "hairline: the frontotemporal angle is filled in (the line at 45 mm from the midline "
            "is only %.1f mm higher than at the midline); recede the temples by 5-15 mm",
            fmin(mid - left, mid - right));
    double a = line_y_at(xy, n, -STRAIGHT_SPAN_MM), b = line_y_at(xy, n, STRAIGHT_SPAN_MM);
    if (isfinite(mid) && isfinite(a) && isfinite(b) && fabs(mid - 0.5 * (a + b)) < MIN_BOW_MM)
        smpsim__warn(l, SMPSIM_WARN_LINE_STRAIGHT,
            "hairline: the front is ruler-straight (it bows %.1f mm over 60 mm); give it a gentle "
            "curve, rounder in the middle",
            fabs(mid - 0.5 * (a + b)));
    const smpsim_hairline_params *p = &h->params;
    if (p->micro_amplitude_mm < MIN_IRREGULARITY_MM && p->macro_amplitude_mm < MIN_IRREGULARITY_MM)
        smpsim__warn(l, SMPSIM_WARN_LINE_REGULAR,
            "hairline: no irregularity (micro %.1f mm, macro %.1f mm); a natural line is jagged "
            "by 1-2 mm and gently wavy, so raise micro_amplitude_mm to about 1",
            p->micro_amplitude_mm, p->macro_amplitude_mm);
    else if (p->asymmetry_mm < 0.2 && p->macro_amplitude_mm < MIN_IRREGULARITY_MM)
        smpsim__warn(l, SMPSIM_WARN_LINE_REGULAR,
            "hairline: perfectly symmetric; allow up to 2 mm of left/right asymmetry "
            "(asymmetry_mm about 1)");
    free(xy);
}

static void check_regions(const smpsim_design *d, smpsim__warning_list *l)
{
    double hair = smpsim__design_hair_shade(d);
    size_t n_sessions;
    const smpsim_session *s = smpsim_design_sessions(d, &n_sessions);
    double darkest_offset = -INFINITY;
    for (size_t k = 0; k < n_sessions; k++)
        darkest_offset = fmax(darkest_offset, s[k].shade_offset);
    for (size_t r = 0; r < smpsim_design_region_count(d); r++) {
        const smpsim_region_params *p = &smpsim__design_region(d, r)->params;
        double shade = p->shade + darkest_offset;
        /* The advice is a shade the design accepts (1..10 in steps of
         * 0.5), for the region, the sessions' darkest offset taken off. */
        double advice = floor((hair - darkest_offset) * 2.0) / 2.0;
        if (hair > 0.0 && shade > hair && advice >= 1.0)
            smpsim__warn(l, SMPSIM_WARN_TOO_DARK,
                "region %zu: shade %.1f is darker than the client's hair (%.1f); dots never look "
                "right darker than the hair: set the region's shade to %.1f or less",
                r + 1, shade, hair, advice);
        else if (hair > 0.0 && shade > hair)
            smpsim__warn(l, SMPSIM_WARN_TOO_DARK,
                "region %zu: shade %.1f is darker than the client's hair (%.1f), which is "
                "lighter than the lightest shade the sessions allow; white or grey hair is "
                "not matched by SMP: use shade 1 and no darker session offset, or treat only "
                "where the hair is gone",
                r + 1, shade, hair);
        double spacing = sqrt(2.0 / (sqrt(3.0) * p->density_per_cm2 / 100.0));
        double gap = spacing - HEALED_SPREAD * p->dot_diameter_mm;
        if (gap < MIN_GAP_MM)
            smpsim__warn(l, SMPSIM_WARN_DOTS_MERGE,
                "region %zu: at %.0f dots/cm2 with %.2f mm dots only %.2f mm remain between "
                "healed dots, which spread and merge into a flat look; lower the density or use "
                "a finer needle",
                r + 1, p->density_per_cm2, p->dot_diameter_mm, gap);
    }
}

smpsim_status smpsim_design_check(const smpsim_design *design, smpsim_warning **out, size_t *n,
                                  smpsim_error *err)
{
    if (!out || !n)
        return smpsim__fail(err, SMPSIM_EINVAL, "check: NULL out-pointer");
    *out = NULL;
    *n = 0;
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "check: design is NULL");
    smpsim__warning_list l = {calloc(MAX_WARNINGS, sizeof(smpsim_warning)), 0, MAX_WARNINGS};
    if (!l.w)
        return smpsim__fail(err, SMPSIM_ENOMEM, "check: out of memory");
    check_hairline(design, &l);
    check_regions(design, &l);
    *out = l.w;
    *n = l.n;
    return SMPSIM_OK;
}
