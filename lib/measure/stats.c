/* Stats of a design's dots: counts per session and region, treated area,
 * spacing, pigment coverage and working time, and their JSON form.
 *
 * The treated area is read from the density field: every cell with a
 * density above zero counts, so feathered margins and the hairline's
 * sentinel band are included. Coverage is the dots' total area (pi d^2 / 4)
 * over that area. Working time is dots / impressions per minute; the
 * default pace (90 per minute) is an assumption to calibrate, not a
 * measured figure. */
#include "sampling/sampling-private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PI 3.14159265358979323846
#define DEFAULT_PER_MINUTE 90.0

static smpsim_status resolve_stats_options(const smpsim_stats_options *in,
                                           smpsim_stats_options *o, smpsim_error *err)
{
    smpsim__copy_options(o, sizeof *o, in);
    if (o->impressions_per_minute == 0.0)
        o->impressions_per_minute = DEFAULT_PER_MINUTE;
    if (o->cell_mm == 0.0)
        o->cell_mm = 0.25;
    if (!(o->impressions_per_minute >= 1.0 && o->impressions_per_minute <= 2000.0))
        return smpsim__fail(err, SMPSIM_EINVAL,
                            "stats: impressions_per_minute is %g, expected 1..2000",
                            o->impressions_per_minute);
    if (!(o->cell_mm >= 0.05 && o->cell_mm <= 5.0))
        return smpsim__fail(err, SMPSIM_EINVAL, "stats: cell_mm is %g, expected 0.05..5",
                            o->cell_mm);
    return SMPSIM_OK;
}

void smpsim_stats_free(smpsim_stats *stats)
{
    if (!stats)
        return;
    free(stats->design_name);
    free(stats->regions);
    free(stats);
}

/* Treated area overall and per region, from the design's field. */
static smpsim_status measure_area(const smpsim_design *design, double cell_mm, smpsim_stats *s,
                                  smpsim_error *err)
{
    smpsim_field *field = NULL;
    smpsim_status st = smpsim_design_field(design, cell_mm, &field, err);
    if (st != SMPSIM_OK)
        return st;
    double cell_cm2 = field->cell_mm * field->cell_mm / 100.0;
    size_t n = (size_t)field->width * field->height, treated = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(field->density_per_cm2[i] > 0.0f))
            continue;
        treated++;
        unsigned r = field->region ? field->region[i] : 0;
        if (r >= 1 && r <= s->n_regions)
            s->regions[r - 1].area_cm2 += cell_cm2;
    }
    s->treated_area_cm2 = (double)treated * cell_cm2;
    smpsim_field_free(field);
    return SMPSIM_OK;
}

/* Mean nearest-neighbour distance and CV of all the dots. */
static void spacing(const smpsim_dots *dots, double *mean_mm, double *cv)
{
    *mean_mm = 0.0;
    *cv = 0.0;
    if (dots->count < 2)
        return;
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < dots->count; i++) {
        b[0] = fmin(b[0], dots->dots[i].x_mm), b[1] = fmin(b[1], dots->dots[i].y_mm);
        b[2] = fmax(b[2], dots->dots[i].x_mm), b[3] = fmax(b[3], dots->dots[i].y_mm);
    }
    /* The rectangle is half-open: reach a little past the last dot. */
    smpsim_measure_nn(dots, b[0], b[1], b[2] + 1.0, b[3] + 1.0, mean_mm, cv);
}

static double dot_area_mm2(const smpsim_dot *d)
{
    return PI * 0.25 * (double)d->diameter_mm * d->diameter_mm;
}

/* Per session: this session's dots and, cumulatively, the skin after it. */
static smpsim_status measure_sessions(const smpsim_dots *dots, smpsim_stats *s,
                                      smpsim_error *err)
{
    smpsim_dots *upto = NULL;
    smpsim_status st = smpsim_dots_new(dots->count ? dots->count : 1, &upto, err);
    if (st != SMPSIM_OK)
        return st;
    double area_mm2 = s->treated_area_cm2 * 100.0, pigment = 0.0;
    for (size_t k = 1; k <= s->n_sessions; k++) {
        smpsim_session_stats *ss = &s->sessions[k - 1];
        for (size_t i = 0; i < dots->count; i++) {
            const smpsim_dot *d = &dots->dots[i];
            if (d->session != k)
                continue;
            upto->dots[upto->count++] = *d; /* room for every dot was reserved */
            ss->dots++;
            pigment += dot_area_mm2(d);
        }
        double cv;
        ss->cumulative_dots = upto->count;
        spacing(upto, &ss->mean_spacing_mm, &cv);
        ss->coverage_percent = area_mm2 > 0.0 ? 100.0 * pigment / area_mm2 : 0.0;
        ss->working_minutes = (double)ss->dots / s->impressions_per_minute;
    }
    smpsim_dots_free(upto);
    return SMPSIM_OK;
}

static void count_dots(const smpsim_dots *dots, smpsim_stats *s)
{
    double pigment = 0.0;
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        if (d->session == 0 || d->session > s->n_sessions)
            s->unassigned_dots++;
        if (d->region == 0 || d->region > s->n_regions)
            s->outside_regions++;
        else
            s->regions[d->region - 1].dots++;
        pigment += dot_area_mm2(d);
    }
    s->dots = dots->count;
    double area_mm2 = s->treated_area_cm2 * 100.0;
    s->coverage_percent = area_mm2 > 0.0 ? 100.0 * pigment / area_mm2 : 0.0;
    s->dots_per_cm2 = s->treated_area_cm2 > 0.0 ? (double)s->dots / s->treated_area_cm2 : 0.0;
    s->working_minutes = (double)s->dots / s->impressions_per_minute;
    for (size_t r = 0; r < s->n_regions; r++) {
        smpsim_region_stats *rs = &s->regions[r];
        rs->dots_per_cm2 = rs->area_cm2 > 0.0 ? (double)rs->dots / rs->area_cm2 : 0.0;
    }
}

static smpsim_status new_stats(const smpsim_design *design, const smpsim_stats_options *o,
                               smpsim_stats **out, smpsim_error *err)
{
    smpsim_stats *s = calloc(1, sizeof *s);
    if (!s)
        return smpsim__fail(err, SMPSIM_ENOMEM, "stats: out of memory");
    s->n_regions = smpsim_design_region_count(design);
    s->regions = calloc(s->n_regions ? s->n_regions : 1, sizeof *s->regions);
    const char *name = smpsim_design_get_name(design);
    if (name) {
        size_t n = strlen(name) + 1;
        s->design_name = malloc(n);
        if (s->design_name)
            memcpy(s->design_name, name, n);
    }
    if (!s->regions || (name && !s->design_name)) {
        smpsim_stats_free(s);
        return smpsim__fail(err, SMPSIM_ENOMEM, "stats: out of memory");
    }
    s->seed = smpsim_design_get_seed(design);
    s->impressions_per_minute = o->impressions_per_minute;
    smpsim_design_sessions(design, &s->n_sessions);
    if (s->n_sessions > SMPSIM_MAX_SESSIONS)
        s->n_sessions = SMPSIM_MAX_SESSIONS;
    *out = s;
    return SMPSIM_OK;
}

smpsim_status smpsim_design_stats(const smpsim_design *design, const smpsim_dots *dots,
                                  const smpsim_stats_options *opts, smpsim_stats **out,
                                  smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "stats: out-pointer is NULL");
    *out = NULL;
    if (!design)
        return smpsim__fail(err, SMPSIM_EINVAL, "stats: the design is NULL");
    if (dots && dots->count > 0 && !dots->dots)
        return smpsim__fail(err, SMPSIM_EINVAL, "stats: the dot list has no array");
    smpsim_stats_options o;
    smpsim_status st = resolve_stats_options(opts, &o, err);
    smpsim_dots *own = NULL;
    if (st == SMPSIM_OK && !dots) {
        st = smpsim_design_dots(design, &own, err);
        dots = own;
    }
    smpsim_stats *s = NULL;
    if (st == SMPSIM_OK)
        st = new_stats(design, &o, &s, err);
    if (st == SMPSIM_OK)
        st = measure_area(design, o.cell_mm, s, err);
    if (st == SMPSIM_OK) {
        count_dots(dots, s);
        spacing(dots, &s->mean_spacing_mm, &s->spacing_cv);
        st = measure_sessions(dots, s, err);
    }
    smpsim_dots_free(own);
    if (st != SMPSIM_OK) {
        smpsim_stats_free(s);
        return st;
    }
    *out = s;
    return SMPSIM_OK;
}

/* ---- JSON ---------------------------------------------------------------- */

typedef struct json_buf {
    char *text;
    size_t len, cap;
    bool failed;
} json_buf;

static void jput(json_buf *b, const char *fmt, ...) SMPSIM_PRINTF(2, 3);
static void jput(json_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        smpsim__c_numbers c;
        smpsim__c_numbers_begin(&c);
        int n = vsnprintf(b->text ? b->text + b->len : NULL, b->cap - b->len, fmt, ap);
        smpsim__c_numbers_end(&c);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *grown = realloc(b->text, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->text = grown;
        b->cap = cap;
    }
}

/* A number, or null when it is not finite (JSON has no NaN). */
static void jnum(json_buf *b, const char *key, double v, int decimals)
{
    if (isfinite(v))
        jput(b, "\"%s\": %.*f", key, decimals, v);
    else
        jput(b, "\"%s\": null", key);
}

static void jstring(json_buf *b, const char *s)
{
    jput(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            jput(b, "\\%c", c);
        else if (c < 0x20)
            jput(b, "\\u%04x", c);
        else
            jput(b, "%c", c);
    }
    jput(b, "\"");
}

static void json_sessions(json_buf *b, const smpsim_stats *s)
{
    jput(b, "  \"sessions\": [");
    for (size_t k = 0; k < s->n_sessions; k++) {
        const smpsim_session_stats *ss = &s->sessions[k];
        jput(b, "%s\n    {\"session\": %zu, \"dots\": %zu, \"cumulative_dots\": %zu, ",
             k ? "," : "", k + 1, ss->dots, ss->cumulative_dots);
        jnum(b, "mean_spacing_mm", ss->mean_spacing_mm, 4);
        jput(b, ", ");
        jnum(b, "coverage_percent", ss->coverage_percent, 3);
        jput(b, ", ");
        jnum(b, "working_minutes", ss->working_minutes, 1);
        jput(b, "}");
    }
    jput(b, "\n  ],\n");
}

static void json_regions(json_buf *b, const smpsim_stats *s)
{
    jput(b, "  \"regions\": [");
    for (size_t r = 0; r < s->n_regions; r++) {
        const smpsim_region_stats *rs = &s->regions[r];
        jput(b, "%s\n    {\"region\": %zu, \"dots\": %zu, ", r ? "," : "", r + 1, rs->dots);
        jnum(b, "area_cm2", rs->area_cm2, 3);
        jput(b, ", ");
        jnum(b, "dots_per_cm2", rs->dots_per_cm2, 2);
        jput(b, "}");
    }
    jput(b, "\n  ],\n");
}

static void json_warnings(json_buf *b, const smpsim_warning *w, size_t n)
{
    jput(b, "  \"warnings\": [");
    for (size_t i = 0; i < n; i++) {
        jput(b, "%s\n    {\"code\": %d, \"message\": ", i ? "," : "", (int)w[i].code);
        jstring(b, w[i].message);
        jput(b, "}");
    }
    jput(b, n ? "\n  ]\n" : "]\n");
}

static void json_totals(json_buf *b, const smpsim_stats *s)
{
    jput(b, "{\n  \"smpsim_version\": ");
    jstring(b, smpsim_version());
    jput(b, ",\n  \"design\": ");
    if (s->design_name)
        jstring(b, s->design_name);
    else
        jput(b, "null");
    jput(b, ",\n  \"seed\": %llu,\n", (unsigned long long)s->seed);
    jput(b, "  \"dots\": %zu,\n  \"unassigned_dots\": %zu,\n  \"outside_regions\": %zu,\n  ",
         s->dots, s->unassigned_dots, s->outside_regions);
    jnum(b, "treated_area_cm2", s->treated_area_cm2, 3);
    jput(b, ",\n  ");
    jnum(b, "dots_per_cm2", s->dots_per_cm2, 2);
    jput(b, ",\n  ");
    jnum(b, "mean_spacing_mm", s->mean_spacing_mm, 4);
    jput(b, ",\n  ");
    jnum(b, "spacing_cv", s->spacing_cv, 4);
    jput(b, ",\n  ");
    jnum(b, "coverage_percent", s->coverage_percent, 3);
    jput(b, ",\n  ");
    jnum(b, "impressions_per_minute", s->impressions_per_minute, 1);
    jput(b, ",\n  ");
    jnum(b, "working_minutes", s->working_minutes, 1);
    jput(b, ",\n");
}

smpsim_status smpsim_stats_write_json(const smpsim_stats *stats, const smpsim_warning *warnings,
                                      size_t n_warnings, smpsim_write_func write, void *closure,
                                      smpsim_error *err)
{
    if (!stats || !write || (n_warnings > 0 && !warnings))
        return smpsim__fail(err, SMPSIM_EINVAL, "stats: NULL argument");
    if (stats->n_sessions > SMPSIM_MAX_SESSIONS || (stats->n_regions > 0 && !stats->regions))
        return smpsim__fail(err, SMPSIM_EINVAL, "stats: inconsistent sessions or regions");
    json_buf b = {NULL, 0, 0, false};
    json_totals(&b, stats);
    json_sessions(&b, stats);
    json_regions(&b, stats);
    json_warnings(&b, warnings, n_warnings);
    jput(&b, "}\n");
    if (b.failed) {
        free(b.text);
        return smpsim__fail(err, SMPSIM_ENOMEM, "stats: out of memory");
    }
    int rc = write(closure, b.text, b.len);
    free(b.text);
    if (rc != 0)
        return smpsim__fail(err, SMPSIM_EIO, "stats: the output stream failed");
    return SMPSIM_OK;
}

typedef struct stats_job {
    const smpsim_stats *stats;
    const smpsim_warning *warnings;
    size_t n_warnings;
} stats_job;

static smpsim_status produce_stats(const void *ctx, smpsim_write_func write, void *closure,
                                   smpsim_error *err)
{
    const stats_job *j = ctx;
    return smpsim_stats_write_json(j->stats, j->warnings, j->n_warnings, write, closure, err);
}

smpsim_status smpsim_stats_save_json(const smpsim_stats *stats, const smpsim_warning *warnings,
                                     size_t n_warnings, const char *path, smpsim_error *err)
{
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "stats: path is NULL");
    if (!stats)
        return smpsim__fail(err, SMPSIM_EINVAL, "stats: NULL argument");
    stats_job job = {stats, warnings, n_warnings};
    return smpsim__atomic_save(path, produce_stats, &job, err);
}
