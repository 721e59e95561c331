/* Shared helpers of the smpsim command-line tool. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const progname = "smpsim";

void complain(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'smpsim %s%s--help'.\n", command ? command : "", command ? " " : "");
    va_end(ap);
    return EXIT_USAGE;
}

int library_error(const smpsim_error *err, smpsim_status st)
{
    complain("%s", err->message[0] ? err->message : smpsim_strerror(st));
    return EXIT_FAILURE;
}

int parse_double(const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int parse_u64(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    if (text[0] == '-' || text[0] == '\0')
        return -1;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* Parses "a,b[,c...]" into exactly n finite numbers. */
int parse_tuple(const char *text, double *v, int n)
{
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return -1;
    strcpy(buf, text);
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    for (int i = 0; i < n; i++, tok = strtok_r(NULL, ",", &save)) {
        if (!tok || parse_double(tok, -1e7, 1e7, &v[i]) != 0)
            return -1;
    }
    return tok ? -1 : 0;
}

/* True when two paths name the same existing file, or the same text. */
int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0)
        return 1;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Handles flags of the form "--name NUMBER" from a table; returns 1 if it
 * took the flag, 0 if the flag is not in the table, -1 on error. */
int take_number(const char *command, const numeric_flag *table, size_t n, void *args,
                       const char *flag, const char *value)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(flag, table[i].name) != 0)
            continue;
        if (!value)
            return usage_error(command, "%s needs a value", flag), -1;
        double *dst = (double *)(void *)((char *)args + table[i].offset);
        if (parse_double(value, table[i].lo, table[i].hi, dst) != 0)
            return usage_error(command, "%s '%s' is not a number from %g to %g", flag, value,
                               table[i].lo, table[i].hi),
                   -1;
        return 1;
    }
    return 0;
}

int write_stdout(void *closure, const void *data, size_t size)
{
    (void)closure;
    return fwrite(data, 1, size, stdout) == size ? 0 : -1;
}
