/* A buffered text writer onto a caller's smpsim_write_func: dot lists and
 * other text exports print into it in 64 KiB chunks. */
#include "base/base-private.h"

#include <stdio.h>
#include <stdlib.h>

#define CHUNK 65536
#define MAX_LINE 512 /* a put() never writes more than this */

struct smpsim__text_out {
    smpsim_write_func write;
    void *closure;
    char buf[CHUNK];
    size_t len;
    bool failed;
};

smpsim__text_out *smpsim__text_out_new(smpsim_write_func write, void *closure)
{
    smpsim__text_out *o = malloc(sizeof *o);
    if (!o)
        return NULL;
    o->write = write;
    o->closure = closure;
    o->len = 0;
    o->failed = false;
    return o;
}

static void flush(smpsim__text_out *o)
{
    if (!o->failed && o->len > 0 && o->write(o->closure, o->buf, o->len) != 0)
        o->failed = true;
    o->len = 0;
}

void smpsim__text_put(smpsim__text_out *o, const char *fmt, ...)
{
    if (o->len > CHUNK - MAX_LINE)
        flush(o);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, CHUNK - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

bool smpsim__text_out_close(smpsim__text_out *o)
{
    flush(o);
    bool ok = !o->failed;
    free(o);
    return ok;
}
