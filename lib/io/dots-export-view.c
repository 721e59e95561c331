/* Dot lists with photo positions: smpsim_dots_write()'s columns followed by
 * where each dot lands in the photo through a view. The millimetre columns
 * are formatted exactly as dots-export.c does, so that a line of this file
 * starts with the same text as the plain list's line. */
#include "io/io-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A pixel coordinate with 2 decimals, or `none` where the view gives no
 * finite position (a point off the surface of a head view). */
static const char *px_text(char buf[32], double v, const char *none)
{
    if (!isfinite(v))
        return none;
    smpsim__c_numbers c;
    smpsim__c_numbers_begin(&c);
    snprintf(buf, 32, "%.2f", v);
    smpsim__c_numbers_end(&c);
    return buf;
}

static void csv_view(smpsim__text_out *o, const smpsim_dots *dots, const smpsim_view *view)
{
    smpsim__text_put(o, "x_mm,y_mm,diameter_mm,shade,session,group,region,x_px,y_px,visible\n");
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        double x_px, y_px, scale;
        char bx[32], by[32];
        int visible = smpsim_view_map(view, d->x_mm, d->y_mm, &x_px, &y_px, &scale);
        smpsim__text_put(o, "%.4f,%.4f,%.4f,%.3f,%u,%lu,%u,%s,%s,%d\n", d->x_mm, d->y_mm, d->diameter_mm,
             d->shade, (unsigned)d->session, (unsigned long)d->group, (unsigned)d->region,
             px_text(bx, x_px, ""), px_text(by, y_px, ""), visible);
    }
}

static void json_view(smpsim__text_out *o, const smpsim_dots *dots, const smpsim_view *view)
{
    smpsim__text_put(o, "{\"count\": %zu, \"dots\": [", dots->count);
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        double x_px, y_px, scale;
        char bx[32], by[32];
        int visible = smpsim_view_map(view, d->x_mm, d->y_mm, &x_px, &y_px, &scale);
        smpsim__text_put(o,
             "%s\n  {\"x_mm\": %.4f, \"y_mm\": %.4f, \"diameter_mm\": %.4f, \"shade\": %.3f, "
             "\"session\": %u, \"group\": %lu, \"region\": %u, \"x_px\": %s, \"y_px\": %s, "
             "\"visible\": %s}",
             i ? "," : "", d->x_mm, d->y_mm, d->diameter_mm, d->shade, (unsigned)d->session,
             (unsigned long)d->group, (unsigned)d->region, px_text(bx, x_px, "null"),
             px_text(by, y_px, "null"), visible ? "true" : "false");
    }
    smpsim__text_put(o, "\n]}\n");
}

static smpsim_status check_args(const smpsim_dots *dots, const smpsim_view *view,
                                smpsim_dots_format format, smpsim_error *err)
{
    if (!dots || !view)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: NULL argument");
    if (format != SMPSIM_DOTS_CSV && format != SMPSIM_DOTS_JSON)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: unknown format %d", (int)format);
    smpsim_error local = {0};
    if (smpsim_view_validate(view, &local) != SMPSIM_OK)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: the view is not usable: %s",
                            local.message);
    return SMPSIM_OK;
}

smpsim_status smpsim_dots_write_view(const smpsim_dots *dots, const smpsim_view *view,
                                     smpsim_dots_format format, smpsim_write_func write,
                                     void *closure, smpsim_error *err)
{
    if (!write)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: NULL argument");
    smpsim_status st = check_args(dots, view, format, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim__text_out *o = smpsim__text_out_new(write, closure);
    if (!o)
        return smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory");
    if (format == SMPSIM_DOTS_CSV)
        csv_view(o, dots, view);
    else
        json_view(o, dots, view);
    if (!smpsim__text_out_close(o))
        return smpsim__fail(err, SMPSIM_EIO, "dots: the output stream failed");
    return SMPSIM_OK;
}

typedef struct view_job {
    const smpsim_dots *dots;
    const smpsim_view *view;
    smpsim_dots_format format;
} view_job;

static smpsim_status produce_view(const void *ctx, smpsim_write_func write, void *closure,
                                  smpsim_error *err)
{
    const view_job *j = ctx;
    return smpsim_dots_write_view(j->dots, j->view, j->format, write, closure, err);
}

/* Bad arguments fail before any file is created. */
smpsim_status smpsim_dots_save_view(const smpsim_dots *dots, const smpsim_view *view,
                                    smpsim_dots_format format, const char *path,
                                    smpsim_error *err)
{
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: path is NULL");
    smpsim_status st = check_args(dots, view, format, err);
    if (st != SMPSIM_OK)
        return st;
    view_job job = {dots, view, format};
    return smpsim__atomic_save(path, produce_view, &job, err);
}
