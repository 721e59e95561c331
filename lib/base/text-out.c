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
    locale_t c; /* numbers in C notation (0: the thread's locale) */
};

void smpsim__c_numbers_begin(smpsim__c_numbers *s)
{
    s->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    s->old = s->c ? uselocale(s->c) : (locale_t)0;
}

void smpsim__c_numbers_end(smpsim__c_numbers *s)
{
    if (!s->c)
        return;
    uselocale(s->old);
    freelocale(s->c);
    s->c = (locale_t)0;
}

smpsim__text_out *smpsim__text_out_new(smpsim_write_func write, void *closure)
{
    smpsim__text_out *o = malloc(sizeof *o);
    if (!o)
        return NULL;
    o->write = write;
    o->closure = closure;
    o->len = 0;
    o->failed = false;
    o->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
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
    locale_t old = o->c ? uselocale(o->c) : (locale_t)0;
    int n = vsnprintf(o->buf + o->len, CHUNK - o->len, fmt, ap);
    if (o->c)
        uselocale(old);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

bool smpsim__text_out_close(smpsim__text_out *o)
{
    flush(o);
    bool ok = !o->failed;
    if (o->c)
        freelocale(o->c);
    free(o);
    return ok;
}
