/* Flat views: scalp millimetres <-> photo pixels. */
#include "model/model-private.h"

#include <math.h>

#define DEG_TO_RAD (3.14159265358979323846 / 180.0)

smpsim_view smpsim_view_flat(double px_per_mm)
{
    smpsim_view v = {.px_per_mm = px_per_mm, .kind = SMPSIM_VIEW_FLAT};
    return v;
}

smpsim_status smpsim_view_validate(const smpsim_view *view, smpsim_error *err)
{
    if (!view)
        return smpsim__fail(err, SMPSIM_EINVAL, "view is NULL");
    if (view->kind != SMPSIM_VIEW_FLAT && view->kind != SMPSIM_VIEW_HEAD)
        return smpsim__fail(err, SMPSIM_EINVAL, "view: unknown kind %d", (int)view->kind);
    if (view->kind == SMPSIM_VIEW_HEAD)
        return smpsim__head_validate(view, err);
    if (!isfinite(view->px_per_mm) || view->px_per_mm < 0.01 || view->px_per_mm > 10000.0)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "view: px_per_mm is %g, expected a number from 0.01 to 10000",
                            view->px_per_mm);
    if (!isfinite(view->rotation_deg) || fabs(view->rotation_deg) > 3600.0)
        return smpsim__fail(err, SMPSIM_EINVAL, "view: rotation_deg is %g, expected -3600..3600",
                            view->rotation_deg);
    if (!isfinite(view->offset_x_px) || !isfinite(view->offset_y_px) ||
        fabs(view->offset_x_px) > 1e9 || fabs(view->offset_y_px) > 1e9)
        return smpsim__fail(err, SMPSIM_EINVAL, "view: offset (%g, %g) px is not a finite, sane number",
                            view->offset_x_px, view->offset_y_px);
    return SMPSIM_OK;
}

smpsim_status smpsim_view_calibrate(smpsim_view *view, double x0_px, double y0_px, double x1_px,
                                    double y1_px, double distance_mm, smpsim_error *err)
{
    if (!view)
        return smpsim__fail(err, SMPSIM_EINVAL, "calibration: view is NULL");
    if (!isfinite(x0_px) || !isfinite(y0_px) || !isfinite(x1_px) || !isfinite(y1_px))
        return smpsim__fail(err, SMPSIM_EINVAL, "calibration: a point coordinate is not finite");
    if (!isfinite(distance_mm) || distance_mm <= 0.0)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "calibration: distance is %g mm, expected a positive number",
                            distance_mm);
    double d_px = hypot(x1_px - x0_px, y1_px - y0_px);
    if (d_px < 1e-6)
        return smpsim__fail(err, SMPSIM_EINVAL, "calibration: the two points coincide");
    smpsim_view v = *view;
    v.px_per_mm = d_px / distance_mm;
    smpsim_status st = smpsim_view_validate(&v, err);
    if (st != SMPSIM_OK)
        return st;
    *view = v;
    return SMPSIM_OK;
}

void smpsim__mapper_init(smpsim__mapper *m, const smpsim_view *view, bool tabulate)
{
    m->head = view->kind == SMPSIM_VIEW_HEAD; /* no memset: the head model is ~8 KB */
    if (m->head) {
        smpsim__head_prepare(view, &m->model);
        if (tabulate)
            smpsim__head_tabulate(&m->model);
        return;
    }
    double r = view->rotation_deg * DEG_TO_RAD;
    m->c = cos(r) * view->px_per_mm;
    m->s = sin(r) * view->px_per_mm;
    m->ox = view->offset_x_px;
    m->oy = view->offset_y_px;
    m->scale = view->px_per_mm;
}

void smpsim_view_to_px(const smpsim_view *view, double x_mm, double y_mm, double *x_px,
                       double *y_px)
{
    double scale;
    smpsim_view_map(view, x_mm, y_mm, x_px, y_px, &scale);
}

void smpsim_view_to_mm(const smpsim_view *view, double x_px, double y_px, double *x_mm,
                       double *y_mm)
{
    if (view->kind == SMPSIM_VIEW_HEAD) {
        smpsim__head_to_mm(view, x_px, y_px, x_mm, y_mm);
        return;
    }
    double r = view->rotation_deg * DEG_TO_RAD;
    double c = cos(r) / view->px_per_mm, s = sin(r) / view->px_per_mm;
    double dx = x_px - view->offset_x_px, dy = y_px - view->offset_y_px;
    *x_mm = c * dx + s * dy;
    *y_mm = -s * dx + c * dy;
}

int smpsim_view_map(const smpsim_view *view, double x_mm, double y_mm, double *x_px, double *y_px,
                    double *px_per_mm)
{
    smpsim__mapper m;
    smpsim__mapper_init(&m, view, false);
    return smpsim__mapper_map(&m, x_mm, y_mm, x_px, y_px, px_per_mm);
}

void smpsim__view_rect_bounds(const smpsim_view *view, double width, double height, double b[4])
{
    double cx[4] = {0, width, width, 0}, cy[4] = {0, 0, height, height};
    b[0] = b[1] = INFINITY;
    b[2] = b[3] = -INFINITY;
    for (int k = 0; k < 4; k++) {
        double x, y;
        smpsim_view_to_mm(view, cx[k], cy[k], &x, &y);
        b[0] = fmin(b[0], x), b[1] = fmin(b[1], y);
        b[2] = fmax(b[2], x), b[3] = fmax(b[3], y);
    }
}
