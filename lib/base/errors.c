/* Status strings and error records. */
#include "base/base-private.h"

#include <stdlib.h>

#include <stdio.h>

static const char *const status_text[] = {
#define SMPSIM_STATUS_TEXT_(name, text) text,
    SMPSIM_STATUS_MAP(SMPSIM_STATUS_TEXT_)
#undef SMPSIM_STATUS_TEXT_
};

const char *smpsim_version(void)
{
    return SMPSIM_VERSION_STRING;
}

const char *smpsim_strerror(smpsim_status status)
{
    if ((int)status < 0 || (int)status >= SMPSIM_STATUS_COUNT_)
        return "unknown status";
    return status_text[status];
}

void smpsim_error_clear(smpsim_error *err)
{
    if (!err)
        return;
    err->status = SMPSIM_OK;
    err->message[0] = '\0';
}

smpsim_status smpsim__fail(smpsim_error *err, smpsim_status status, const char *fmt, ...)
{
    if (!err || err->status != SMPSIM_OK)
        return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void smpsim_free(void *p)
{
    free(p);
}
