/* A hairline drawn as an SVG path over the photo (pixels). */
#include "model/model-private.h"

#include <stdlib.h>

#define SVG_TOLERANCE_PX 0.25

smpsim_status smpsim_design_set_hairline_svg(smpsim_design *design, const char *d,
                                             const smpsim_hairline_params *params,
                                             smpsim_error *err)
{
    if (!design || !d)
        return smpsim__fail(err, SMPSIM_EINVAL, "hairline: NULL argument");
    smpsim_path *path = NULL;
    smpsim_status st = smpsim_path_parse_svg(d, SVG_TOLERANCE_PX, &path, err);
    if (st != SMPSIM_OK)
        return st;
    size_t first = path->n_subpaths > 1 ? path->subpath_start[1] : path->n_points;
    if (first < 2) {
        smpsim_path_free(path);
        return smpsim__fail(err, SMPSIM_EINVAL, "hairline: the SVG path has fewer than 2 points");
    }
    st = smpsim__hairline_store_polyline(design, path->xy, first, SMPSIM_UNITS_PX, params, err);
    smpsim_path_free(path);
    if (st != SMPSIM_OK)
        return st;
    size_t n = strlen(d);
    char *copy = malloc(n + 1);
    if (!copy) {
        smpsim_design_clear_hairline(design);
        return smpsim__fail(err, SMPSIM_ENOMEM, "hairline: out of memory");
    }
    memcpy(copy, d, n + 1);
    smpsim__hairline *h = smpsim__design_hairline(design);
    h->svg = copy;
    h->source = SMPSIM__HAIRLINE_SVG;
    return SMPSIM_OK;
}
