/* Dot lists as CSV or JSON text. */
#include "io/io-private.h"

#include <stdio.h>
#include <stdlib.h>

static void write_csv(smpsim__text_out *o, const smpsim_dots *dots)
{
    smpsim__text_put(o, "x_mm,y_mm,diameter_mm,shade,session,group,region\n");
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        smpsim__text_put(o, "%.4f,%.4f,%.4f,%.3f,%u,%lu,%u\n", d->x_mm, d->y_mm, d->diameter_mm, d->shade,
            (unsigned)d->session, (unsigned long)d->group, (unsigned)d->region);
    }
}

static void write_json(smpsim__text_out *o, const smpsim_dots *dots)
{
    smpsim__text_put(o, "{\"count\": %zu, \"dots\": [", dots->count);
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        smpsim__text_put(o,
            "%s\n  {\"x_mm\": %.4f, \"y_mm\": %.4f, \"diameter_mm\": %.4f, \"shade\": %.3f, "
            "\"session\": %u, \"group\": %lu, \"region\": %u}",
            i ? "," : "", d->x_mm, d->y_mm, d->diameter_mm, d->shade, (unsigned)d->session,
            (unsigned long)d->group, (unsigned)d->region);
    }
    smpsim__text_put(o, "\n]}\n");
}

smpsim_status smpsim_dots_write(const smpsim_dots *dots, smpsim_dots_format format,
                                smpsim_write_func write, void *closure, smpsim_error *err)
{
    if (!dots || !write)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: NULL argument");
    if (format != SMPSIM_DOTS_CSV && format != SMPSIM_DOTS_JSON)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: unknown format %d", (int)format);
    smpsim__text_out *o = smpsim__text_out_new(write, closure);
    if (!o)
        return smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory");
    if (format == SMPSIM_DOTS_CSV)
        write_csv(o, dots);
    else
        write_json(o, dots);
    if (!smpsim__text_out_close(o))
        return smpsim__fail(err, SMPSIM_EIO, "dots: the output stream failed");
    return SMPSIM_OK;
}

typedef struct dots_job {
    const smpsim_dots *dots;
    smpsim_dots_format format;
} dots_job;

static smpsim_status produce_dots(const void *ctx, smpsim_write_func write, void *closure,
                                  smpsim_error *err)
{
    const dots_job *j = ctx;
    return smpsim_dots_write(j->dots, j->format, write, closure, err);
}

smpsim_status smpsim_dots_save(const smpsim_dots *dots, smpsim_dots_format format,
                               const char *path, smpsim_error *err)
{
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: path is NULL");
    dots_job job = {dots, format};
    return smpsim__atomic_save(path, produce_dots, &job, err);
}
