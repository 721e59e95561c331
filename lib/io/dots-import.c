/* Reading dot lists written as CSV (smpsim_dots_write's format, or any CSV
 * whose header names at least x_mm and y_mm). */
#include "io/io-private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_LINE 4096
#define MAX_COLUMNS 32

enum { COL_X, COL_Y, COL_DIAMETER, COL_SHADE, COL_SESSION, COL_GROUP, COL_REGION, N_KNOWN };
static const char *const known[N_KNOWN] = {"x_mm",    "y_mm",  "diameter_mm", "shade",
                                           "session", "group", "region"};

typedef struct reader {
    const char *path;
    size_t line;
    int where[N_KNOWN]; /* column index of each known field, -1 = absent */
    smpsim_error *err;
} reader;

/* Splits a line in place at commas; returns the number of fields. */
static int split(char *line, char **fields)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < MAX_COLUMNS;) {
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static smpsim_status parse_header(reader *r, char *line)
{
    char *fields[MAX_COLUMNS];
    int n = split(line, fields);
    for (int k = 0; k < N_KNOWN; k++)
        r->where[k] = -1;
    for (int c = 0; c < n; c++)
        for (int k = 0; k < N_KNOWN; k++)
            if (strcmp(fields[c], known[k]) == 0)
                r->where[k] = c;
    if (r->where[COL_X] < 0 || r->where[COL_Y] < 0)
        return smpsim__fail(r->err, SMPSIM_EFORMAT,
                            "%s: line 1: the header has no x_mm and y_mm columns", r->path);
    return SMPSIM_OK;
}

static smpsim_status number(reader *r, char **fields, int n, int k, double lo, double hi,
                            double fallback, double *out)
{
    int c = r->where[k];
    if (c < 0) {
        *out = fallback;
        return SMPSIM_OK;
    }
    char *end;
    errno = 0;
    double v = c < n ? strtod(fields[c], &end) : NAN; /* in the C locale: see below */
    if (c >= n || end == fields[c] || *end != '\0' || errno == ERANGE || !(v >= lo && v <= hi))
        return smpsim__fail(r->err, SMPSIM_EFORMAT, "%s: line %zu: %s is '%s', expected %g..%g",
                            r->path, r->line, known[k], c < n ? fields[c] : "(missing)", lo, hi);
    *out = v;
    return SMPSIM_OK;
}

static smpsim_status parse_dot(reader *r, char *line, smpsim_dot *d)
{
    char *fields[MAX_COLUMNS];
    int n = split(line, fields);
    double v[N_KNOWN];
    static const double lo[N_KNOWN] = {-1e6, -1e6, 0, 0, 0, 0, 0};
    static const double hi[N_KNOWN] = {1e6, 1e6, 100, 10, 65535, 4294967295.0, 65535};
    static const double fallback[N_KNOWN] = {0, 0, 0.2, 5, 0, 0, 0};
    for (int k = 0; k < N_KNOWN; k++) {
        smpsim_status st = number(r, fields, n, k, lo[k], hi[k], fallback[k], &v[k]);
        if (st != SMPSIM_OK)
            return st;
    }
    *d = (smpsim_dot){(float)v[COL_X],          (float)v[COL_Y],       (float)v[COL_DIAMETER],
                      (float)v[COL_SHADE],      (uint16_t)v[COL_REGION], (uint16_t)v[COL_SESSION],
                      (uint32_t)v[COL_GROUP]};
    return SMPSIM_OK;
}

/* One line (with its '\n', if any) into line[size]: 1, or 0 at the end of
 * the file, -1 when longer than size - 2 bytes, -2 at a NUL byte (which a
 * text file never holds). */
static int read_line(FILE *f, char *line, size_t size)
{
    size_t n = 0;
    int c = EOF;
    while (n + 2 < size && (c = getc_unlocked(f)) != EOF) {
        if (c == '\0')
            return -2;
        line[n++] = (char)c;
        if (c == '\n')
            break;
    }
    line[n] = '\0';
    if (n == 0 && c == EOF)
        return 0;
    if (c != '\n' && c != EOF) { /* full: the line goes on unless the file ends here */
        int next = getc_unlocked(f);
        if (next != EOF && next != '\n')
            return next == '\0' ? -2 : -1;
    }
    return 1;
}

static smpsim_status read_lines(reader *r, FILE *f, size_t max_dots, smpsim_dots *dots)
{
    char line[MAX_LINE];
    smpsim_status st = SMPSIM_OK;
    int got;
    while (st == SMPSIM_OK && (got = read_line(f, line, sizeof line)) != 0) {
        r->line++;
        if (got == -2)
            return smpsim__fail(r->err, SMPSIM_EFORMAT,
                                "%s: line %zu holds a NUL byte: not a text (CSV) file", r->path,
                                r->line);
        if (got < 0)
            return smpsim__fail(r->err, SMPSIM_EFORMAT, "%s: line %zu is longer than %d bytes",
                                r->path, r->line, MAX_LINE - 2);
        if (r->line == 1) { /* a UTF-8 byte order mark may come first */
            bool bom = memcmp(line, "\xef\xbb\xbf", 3) == 0;
            st = parse_header(r, line + (bom ? 3 : 0));
            continue;
        }
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue; /* blank line */
        if (dots->count >= max_dots)
            return smpsim__fail(r->err, SMPSIM_ELIMIT, "%s: more than %zu dots (the limit)",
                                r->path, max_dots);
        smpsim_dot d;
        st = parse_dot(r, line, &d);
        if (st == SMPSIM_OK)
            st = smpsim_dots_append(dots, &d, r->err);
    }
    if (st == SMPSIM_OK && ferror(f))
        return smpsim__fail(r->err, SMPSIM_EIO, "%s: read error: %s", r->path, strerror(errno));
    if (st == SMPSIM_OK && r->line == 0)
        return smpsim__fail(r->err, SMPSIM_EFORMAT, "%s: empty file", r->path);
    return st;
}

smpsim_status smpsim_dots_load_csv(const char *path, size_t max_dots, smpsim_dots **out,
                                   smpsim_error *err)
{
    if (!out)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: out-pointer is NULL");
    *out = NULL;
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "dots: path is NULL");
    FILE *f = fopen(path, "r");
    if (!f)
        return smpsim__fail(err, SMPSIM_EIO, "%s: %s", path, strerror(errno));
    smpsim_dots *dots;
    smpsim_status st = smpsim_dots_new(1024, &dots, err);
    reader r = {path, 0, {0}, err};
    smpsim__c_numbers c;
    smpsim__c_numbers_begin(&c);
    if (st == SMPSIM_OK)
        st = read_lines(&r, f, max_dots ? max_dots : 20000000, dots);
    smpsim__c_numbers_end(&c);
    fclose(f);
    if (st != SMPSIM_OK) {
        smpsim_dots_free(dots);
        return st;
    }
    *out = dots;
    return SMPSIM_OK;
}
