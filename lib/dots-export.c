/* Dot lists as CSV or JSON text. */
#include "smpsim-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define CHUNK 65536

typedef struct text_out {
    smpsim_write_func write;
    void *closure;
    char buf[CHUNK];
    size_t len;
    bool failed;
} text_out;

static void flush_out(text_out *o)
{
    if (!o->failed && o->len > 0 && o->write(o->closure, o->buf, o->len) != 0)
        o->failed = true;
    o->len = 0;
}

static void put(text_out *o, const char *fmt, ...) SMPSIM_PRINTF(2, 3);
static void put(text_out *o, const char *fmt, ...)
{
    if (o->len > CHUNK - 512)
        flush_out(o);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, CHUNK - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static void write_csv(text_out *o, const smpsim_dots *dots)
{
    put(o, "x_mm,y_mm,diameter_mm,shade,session,group,region\n");
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        put(o, "%.4f,%.4f,%.4f,%.3f,%u,%lu,%u\n", d->x_mm, d->y_mm, d->diameter_mm, d->shade,
            (unsigned)d->session, (unsigned long)d->group, (unsigned)d->region);
    }
}

static void write_json(text_out *o, const smpsim_dots *dots)
{
    put(o, "{\"count\": %zu, \"dots\": [", dots->count);
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        put(o,
            "%s\n  {\"x_mm\": %.4f, \"y_mm\": %.4f, \"diameter_mm\": %.4f, \"shade\": %.3f, "
            "\"session\": %u, \"group\": %lu, \"region\": %u}",
            i ? "," : "", d->x_mm, d->y_mm, d->diameter_mm, d->shade, (unsigned)d->session,
            (unsigned long)d->group, (unsigned)d->region);
    }
    put(o, "\n]}\n");
}

smpsim_status smpsim_dots_write(const smpsim_dots *dots, smpsim_dots_format format,
                                smpsim_write_func write, void *closure, smpsim_error *err)
{
    if (!dots || !write)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: NULL argument");
    if (format != SMPSIM_DOTS_CSV && format != SMPSIM_DOTS_JSON)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: unknown format %d", (int)format);
    text_out *o = malloc(sizeof *o);
    if (!o)
        return smpsim__fail(err, SMPSIM_ENOMEM, "dots: out of memory");
    o->write = write;
    o->closure = closure;
    o->len = 0;
    o->failed = false;
    if (format == SMPSIM_DOTS_CSV)
        write_csv(o, dots);
    else
        write_json(o, dots);
    flush_out(o);
    bool failed = o->failed;
    free(o);
    if (failed)
        return smpsim__fail(err, SMPSIM_EIO, "dots: the output stream failed");
    return SMPSIM_OK;
}

typedef struct file_sink {
    FILE *fp;
    int errnum; /* errno of the first failed write */
} file_sink;

static int write_file(void *closure, const void *data, size_t size)
{
    file_sink *sink = closure;
    if (fwrite(data, 1, size, sink->fp) == size)
        return 0;
    if (sink->errnum == 0)
        sink->errnum = errno ? errno : EIO;
    return -1;
}

smpsim_status smpsim_dots_save(const smpsim_dots *dots, smpsim_dots_format format,
                               const char *path, smpsim_error *err)
{
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: path is NULL");
    smpsim__atomic_file af;
    smpsim_status st = smpsim__atomic_open(&af, path, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim_error local = {0};
    file_sink sink = {af.stream, 0};
    st = smpsim_dots_write(dots, format, write_file, &sink, &local);
    if (st != SMPSIM_OK) {
        smpsim__atomic_abort(&af);
        if (sink.errnum != 0)
            return smpsim__fail(err, SMPSIM_EIO, "%s: %s", path, strerror(sink.errnum));
        return smpsim__fail(err, st, "%s: %s", path, local.message);
    }
    return smpsim__atomic_commit(&af, err);
}
