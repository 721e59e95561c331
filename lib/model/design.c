/* Designs: a view, a seed and treatment regions. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "model/model-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_DENSITY_PER_CM2 100.0
#define DEFAULT_DOT_DIAMETER_MM 0.20
#define DEFAULT_SHADE 5.0
#define DEFAULT_PX_PER_MM 6.5

struct smpsim_design {
    smpsim_view view;
    uint64_t seed;
    smpsim_dot_options dot_options; /* resolved: defaults filled in */
    size_t n_regions;
    smpsim__region *regions;
    smpsim__hairline hairline; /* n_points 0 = none */
    size_t n_sessions;
    smpsim_session sessions[SMPSIM_MAX_SESSIONS];
    double hair_shade; /* 0 = unknown */
    char *photo, *name;
    /* A photo read from a design file: the path as the file gives it and
     * the file's folder (photo is then the two joined); NULL otherwise. */
    char *photo_given, *photo_dir;
};

/* The layering protocol of Liu et al. 2025: 30 % -> 70 % -> 100 % of the
 * target density, lighter first, the first hairline conservative. */
static const smpsim_session default_sessions[3] = {
    {0.30, -1.5, 0.0, 3.0, 0.0},
    {0.70, -0.75, 0.0, 0.0, 21.0},
    {1.00, 0.0, 0.0, 0.0, 21.0},
};

smpsim_status smpsim_design_new(smpsim_design **out, smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "design: out-pointer is NULL");
    *out = NULL;
    smpsim_design *d = calloc(1, sizeof *d);
    if (!d)
        return smpsim__fail(err, SMPSIM_ENOMEM, "design: out of memory");
    d->view = smpsim_view_flat(DEFAULT_PX_PER_MM);
    d->seed = 1;
    smpsim__resolve_dot_options(NULL, &d->dot_options, NULL);
    d->n_sessions = 3;
    memcpy(d->sessions, default_sessions, sizeof default_sessions);
    *out = d;
    return SMPSIM_OK;
}

void smpsim_design_free(smpsim_design *design)
{
    if (!design)
        return;
    for (size_t i = 0; i < design->n_regions; i++) {
        free(design->regions[i].xy);
        smpsim_image_free(design->regions[i].mask);
        free(design->regions[i].mask_path);
    }
    free(design->regions);
    free(design->hairline.xy);
    free(design->hairline.svg);
    free(design->photo);
    free(design->photo_given);
    free(design->photo_dir);
    free(design->name);
    free(design);
}

smpsim_status smpsim_design_set_view(smpsim_design *design, const smpsim_view *view,
                                     smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    smpsim_status st = smpsim_view_validate(view, err);
    if (st != SMPSIM_OK)
        return st;
    design->view = *view;
    return SMPSIM_OK;
}

const smpsim_view *smpsim_design_get_view(const smpsim_design *design)
{
    return design ? &design->view : NULL;
}

void smpsim_design_set_seed(smpsim_design *design, uint64_t seed)
{
    if (design)
        design->seed = seed;
}

uint64_t smpsim_design_get_seed(const smpsim_design *design)
{
    return design ? design->seed : 0;
}

/* Fills defaults into a copy of the caller's params and checks ranges. */
smpsim_status smpsim__resolve_region_params(const smpsim_region_params *in,
                                            smpsim_region_params *p, size_t region_index,
                                            smpsim_error *err)
{
    smpsim__copy_options(p, sizeof *p, in);
    if (p->density_per_cm2 == 0.0)
        p->density_per_cm2 = DEFAULT_DENSITY_PER_CM2;
    if (p->dot_diameter_mm == 0.0)
        p->dot_diameter_mm = DEFAULT_DOT_DIAMETER_MM;
    if (p->shade == 0.0)
        p->shade = DEFAULT_SHADE;
    if (!(p->density_per_cm2 >= 0.01 && p->density_per_cm2 <= 1000.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "region %zu: density is %g dots/cm2, expected 0.01 to 1000",
                            region_index, p->density_per_cm2);
    if (!(p->dot_diameter_mm >= 0.01 && p->dot_diameter_mm <= 3.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "region %zu: dot diameter is %g mm, expected 0.01 to 3",
                            region_index, p->dot_diameter_mm);
    if (p->sessions >= (1u << SMPSIM_MAX_SESSIONS))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "region %zu: sessions mask 0x%x names sessions beyond %d",
                            region_index, p->sessions, SMPSIM_MAX_SESSIONS);
    if (!(p->feather_mm >= 0.0 && p->feather_mm <= 100.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "region %zu: feather is %g mm, expected 0 to 100", region_index,
                            p->feather_mm);
    if (!(p->shade >= 1.0 && p->shade <= 10.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu: shade is %g, expected 1 to 10",
                            region_index, p->shade);
    return SMPSIM_OK;
}

smpsim_status smpsim_design_set_dot_options(smpsim_design *design,
                                            const smpsim_dot_options *opts, smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    smpsim_dot_options o;
    smpsim_status st = smpsim__resolve_dot_options(opts, &o, err);
    if (st == SMPSIM_OK)
        design->dot_options = o;
    return st;
}

const smpsim_dot_options *smpsim__design_dot_options(const smpsim_design *design)
{
    return &design->dot_options;
}

/* Appends a region (taking ownership of its arrays on success). */
smpsim_status smpsim__design_append_region(smpsim_design *design, const smpsim__region *r,
                                           smpsim_error *err)
{
    size_t index = design->n_regions;
    if (index >= SMPSIM_MAX_REGIONS)
        return smpsim__fail(err, SMPSIM_ELIMIT, "design has %d regions, the maximum",
                            SMPSIM_MAX_REGIONS);
    smpsim__region *grown = realloc(design->regions, (index + 1) * sizeof *grown);
    if (!grown)
        return smpsim__fail(err, SMPSIM_ENOMEM, "region %zu: out of memory", index);
    design->regions = grown;
    grown[index] = *r;
    design->n_regions = index + 1;
    return SMPSIM_OK;
}

smpsim__hairline *smpsim__design_hairline(smpsim_design *design)
{
    return &design->hairline;
}

const smpsim__hairline *smpsim__design_hairline_const(const smpsim_design *design)
{
    return design ? &design->hairline : NULL;
}

smpsim_status smpsim_design_set_sessions(smpsim_design *design, const smpsim_session *sessions,
                                         size_t n, smpsim_error *err)
{
    if (!design || !sessions)
        return smpsim__fail(err, SMPSIM_EINVAL, "sessions: NULL argument");
    if (n < 1 || n > SMPSIM_MAX_SESSIONS)
        return smpsim__fail(err, SMPSIM_EINVAL, "sessions: %zu given, expected 1 to %d", n,
                            SMPSIM_MAX_SESSIONS);
    double last = 0.0;
    for (size_t i = 0; i < n; i++) {
        const smpsim_session *s = &sessions[i];
        if (!(s->density_fraction > last && s->density_fraction <= 1.0))
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "sessions[%zu].density_fraction is %g, expected more than the "
                                "previous session's (%g) and at most 1",
                                i, s->density_fraction, last);
        if (!(fabs(s->shade_offset) <= 9.0) || !(s->needle_mm >= 0.0 && s->needle_mm <= 3.0) ||
            !(s->hairline_offset_mm >= 0.0 && s->hairline_offset_mm <= 50.0) ||
            !(s->interval_days >= 0.0 && s->interval_days <= 3650.0))
            return smpsim__fail(err, SMPSIM_EINVAL,
                                "sessions[%zu]: shade_offset %g (-9..9), needle_mm %g (0..3), "
                                "hairline_offset_mm %g (0..50) or interval_days %g (0..3650) "
                                "out of range",
                                i, s->shade_offset, s->needle_mm, s->hairline_offset_mm,
                                s->interval_days);
        last = s->density_fraction;
    }
    if (last != 1.0)
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "sessions: the last density_fraction is %g; it must be 1", last);
    memcpy(design->sessions, sessions, n * sizeof *sessions);
    design->n_sessions = n;
    return SMPSIM_OK;
}

const smpsim_session *smpsim_design_sessions(const smpsim_design *design, size_t *n)
{
    if (n)
        *n = design ? design->n_sessions : 0;
    return design ? design->sessions : NULL;
}

smpsim_status smpsim_design_set_hair_shade(smpsim_design *design, double shade,
                                           smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    if (!(shade == 0.0 || (shade >= 1.0 && shade <= 10.0)))
        return smpsim__fail(err, SMPSIM_EINVAL, "hair shade is %g, expected 1 to 10 (0 = unknown)",
                            shade);
    design->hair_shade = shade;
    return SMPSIM_OK;
}

double smpsim__design_hair_shade(const smpsim_design *design)
{
    return design->hair_shade;
}

static smpsim_status set_text(char **slot, const char *text, const char *what, smpsim_error *err)
{
    char *copy = NULL;
    if (text) {
        size_t n = strlen(text);
        if (n > 4096)
            return smpsim__fail(err, SMPSIM_EINVAL, "%s is %zu bytes long, at most 4096", what, n);
        copy = malloc(n + 1);
        if (!copy)
            return smpsim__fail(err, SMPSIM_ENOMEM, "%s: out of memory", what);
        memcpy(copy, text, n + 1);
    }
    free(*slot);
    *slot = copy;
    return SMPSIM_OK;
}

smpsim_status smpsim_design_set_photo(smpsim_design *design, const char *path, smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    smpsim_status st = set_text(&design->photo, path, "photo path", err);
    if (st == SMPSIM_OK) {
        free(design->photo_given);
        free(design->photo_dir);
        design->photo_given = design->photo_dir = NULL;
    }
    return st;
}

/* dir joined with path, or path alone when it is absolute or dir is empty
 * or "." (malloc'd; NULL when out of memory). */
static char *join_path(const char *dir, const char *path)
{
    int alone = path[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0;
    size_t n = strlen(path) + (alone ? 0 : strlen(dir) + 1) + 1;
    char *out = malloc(n);
    if (out && alone)
        memcpy(out, path, n);
    else if (out)
        snprintf(out, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", path);
    return out;
}

smpsim_status smpsim__design_set_photo_from(smpsim_design *design, const char *given,
                                            const char *dir, smpsim_error *err)
{
    char *joined = join_path(dir, given), *g = strdup(given), *d = dir ? strdup(dir) : NULL;
    if (!joined || !g || (dir && !d)) {
        free(joined), free(g), free(d);
        return smpsim__fail(err, SMPSIM_ENOMEM, "photo path: out of memory");
    }
    free(design->photo);
    free(design->photo_given);
    free(design->photo_dir);
    design->photo = joined;
    design->photo_given = g;
    design->photo_dir = d;
    return SMPSIM_OK;
}

char *smpsim__design_photo_for(const smpsim_design *design, const char *dir)
{
    if (!design->photo)
        return NULL;
    if (design->photo_given && dir && strcmp(dir, design->photo_dir ? design->photo_dir : ".") == 0)
        return strdup(design->photo_given);
    if (design->photo[0] != '/' && !(dir && strcmp(dir, ".") == 0)) {
        char *abs = realpath(design->photo, NULL);
        if (abs)
            return abs;
    }
    return strdup(design->photo);
}

const char *smpsim_design_get_photo(const smpsim_design *design)
{
    return design ? design->photo : NULL;
}

smpsim_status smpsim_design_set_name(smpsim_design *design, const char *name, smpsim_error *err)
{
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "design is NULL");
    return set_text(&design->name, name, "design name", err);
}

const char *smpsim_design_get_name(const smpsim_design *design)
{
    return design ? design->name : NULL;
}

size_t smpsim_design_region_count(const smpsim_design *design)
{
    return design ? design->n_regions : 0;
}

const smpsim__region *smpsim__design_region(const smpsim_design *design, size_t index)
{
    if (!design || index >= design->n_regions)
        return NULL;
    return &design->regions[index];
}

smpsim_status smpsim_design_region_params(const smpsim_design *design, size_t index,
                                          smpsim_region_params *params, smpsim_error *err)
{
    const smpsim__region *r = smpsim__design_region(design, index);
    if (!r || !params)
        return smpsim__fail(err, SMPSIM_EINVAL, "region %zu does not exist", index);
    size_t n;
    memcpy(&n, params, sizeof n);
    if (n > sizeof *params || n < sizeof(size_t))
        n = sizeof *params;
    memcpy((char *)params + sizeof n, (const char *)&r->params + sizeof n, n - sizeof n);
    return SMPSIM_OK;
}

char *smpsim_design_describe(const smpsim_design *design)
{
    if (!design)
        return NULL;
    size_t cap = 256 + 96 * design->n_regions;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    const smpsim_view *v = &design->view;
    smpsim__c_numbers c;
    smpsim__c_numbers_begin(&c);
    int len = snprintf(s, cap,
                       "smpsim %s; view %.6g px/mm rotation %.6g deg offset %.6g,%.6g px; "
                       "seed %llu; %zu region(s)",
                       smpsim_version(), v->px_per_mm, v->rotation_deg, v->offset_x_px,
                       v->offset_y_px, (unsigned long long)design->seed, design->n_regions);
    for (size_t i = 0; i < design->n_regions && len > 0 && (size_t)len < cap; i++) {
        const smpsim__region *r = &design->regions[i];
        len += snprintf(s + len, cap - (size_t)len,
                        "; region %zu: polygon of %zu points in %s, %.6g dots/cm2, "
                        "%.6g mm dots, shade %.6g",
                        i, r->n_points, r->units == SMPSIM_UNITS_PX ? "px" : "mm",
                        r->params.density_per_cm2, r->params.dot_diameter_mm, r->params.shade);
    }
    smpsim__c_numbers_end(&c);
    return s;
}
