/* The head view: the scalp as an ellipsoid fitted to the head outline.
 * (Placeholder until the head model lands: refuses head views.) */
#include "smpsim-private.h"

smpsim_view smpsim_view_head(const smpsim_head *head)
{
    smpsim_view v = {.px_per_mm = 1.0, .kind = SMPSIM_VIEW_HEAD};
    if (head)
        v.head = *head;
    return v;
}

smpsim_status smpsim__head_validate(const smpsim_view *view, smpsim_error *err)
{
    (void)view;
    return smpsim__fail(err, SMPSIM_EUNSUPPORTED, "view: head views are not implemented yet");
}

int smpsim__head_to_px(const smpsim_view *view, double x_mm, double y_mm, double *x_px,
                       double *y_px, double *px_per_mm)
{
    *x_px = x_mm * view->px_per_mm;
    *y_px = y_mm * view->px_per_mm;
    *px_per_mm = view->px_per_mm;
    return 0;
}

void smpsim__head_to_mm(const smpsim_view *view, double x_px, double y_px, double *x_mm,
                        double *y_mm)
{
    *x_mm = x_px / view->px_per_mm;
    *y_mm = y_px / view->px_per_mm;
}
