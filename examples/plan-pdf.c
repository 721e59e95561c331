/* Reading a PDF plan back: the design and the plan options that
 * `smpsim plan` stores in the PDF's Info dictionary (Keywords: the design
 * as JSON; Subject: the options after SMPSIM_PLAN_SUBJECT_MARK; see
 * docs/outputs.md). The PDF is parsed by poppler-glib, a dependency of the
 * command-line tool only. */
#include "cli.h"

#include <errno.h>
#include <glib.h>
#include <jansson.h>
#include <poppler.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLAN_BYTES ((size_t)1 << 30) /* 1 GiB: far beyond any plan (1000 pages) */

static smpsim_status fail(smpsim_error *err, smpsim_status st, const char *fmt, ...)
    CLI_PRINTF(3, 4);

static smpsim_status fail(smpsim_error *err, smpsim_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = st;
    return st;
}

input_kind sniff_input(const char *path)
{
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return INPUT_UNREADABLE;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n == 8 && memcmp(head, png, 8) == 0)
        return INPUT_PNG;
    if (n >= 5 && memcmp(head, "%PDF-", 5) == 0)
        return INPUT_PDF;
    return INPUT_OTHER;
}

/* The whole file, for poppler (which takes a GBytes). */
static smpsim_status read_all(const char *path, GBytes **out, smpsim_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, SMPSIM_EIO, "%s: %s", path, strerror(errno));
    size_t len = 0, cap = 1 << 16;
    char *data = g_try_malloc(cap);
    smpsim_status st = data ? SMPSIM_OK : SMPSIM_ENOMEM;
    while (st == SMPSIM_OK) {
        if (len == cap) {
            char *grown = cap < MAX_PLAN_BYTES ? g_try_realloc(data, cap * 2) : NULL;
            if (!grown) {
                st = cap < MAX_PLAN_BYTES ? SMPSIM_ENOMEM : SMPSIM_ELIMIT;
                break;
            }
            data = grown;
            cap *= 2;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int read_error = ferror(f);
    fclose(f);
    if (st == SMPSIM_OK && read_error)
        st = fail(err, SMPSIM_EIO, "%s: read error", path);
    else if (st == SMPSIM_ENOMEM)
        fail(err, st, "%s: out of memory", path);
    else if (st == SMPSIM_ELIMIT)
        fail(err, st, "%s: larger than the limit of %zu MiB for a plan", path,
             MAX_PLAN_BYTES >> 20);
    if (st != SMPSIM_OK) {
        g_free(data);
        return st;
    }
    *out = g_bytes_new_take(data, len);
    return SMPSIM_OK;
}

/* A key of the options object: 1 present, 0 absent (or null when may_be_null). */
static int get_member(json_t *root, const char *key, json_type type, int may_be_null,
                      json_t **v, const char *path, smpsim_error *err)
{
    *v = json_object_get(root, key);
    if (!*v || (may_be_null && json_is_null(*v)))
        return 0;
    if (json_typeof(*v) == type || (type == JSON_REAL && json_is_integer(*v)))
        return 1;
    fail(err, SMPSIM_EFORMAT, "%s: plan options: \"%s\" has the wrong type", path, key);
    return -1;
}

static smpsim_status parse_sessions(json_t *v, smpsim_plan_options *o, const char *path,
                                    smpsim_error *err)
{
    size_t i;
    json_t *k;
    json_array_foreach(v, i, k)
    {
        json_int_t s = json_is_integer(k) ? json_integer_value(k) : 0;
        if (s < 1 || s > SMPSIM_MAX_SESSIONS)
            return fail(err, SMPSIM_EFORMAT, "%s: plan options: sessions[%zu] is not a session "
                        "1..%d", path, i, SMPSIM_MAX_SESSIONS);
        o->sessions |= 1u << (s - 1);
    }
    return SMPSIM_OK;
}

/* The options JSON of a plan's Subject into ps (strings copied). */
static smpsim_status parse_options(const char *text, plan_source *ps, const char *path,
                                   smpsim_error *err)
{
    static const char *const known[] = {"paper", "sessions", "title", "date", "crop_marks",
                                        "overlap_mm"};
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return fail(err, SMPSIM_EFORMAT, "%s: the plan options in its Subject are not a JSON "
                    "object", path);
    }
    smpsim_plan_options *o = &ps->options;
    smpsim_status st = SMPSIM_OK;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        size_t k = 0;
        while (k < sizeof known / sizeof *known && strcmp(key, known[k]) != 0)
            k++;
        if (k == sizeof known / sizeof *known) {
            st = fail(err, SMPSIM_EFORMAT, "%s: plan options: unknown key \"%.60s\" (a plan "
                      "from a newer smpsim?)", path, key);
            break;
        }
    }
    int got = 0;
    if (st == SMPSIM_OK && (got = get_member(root, "paper", JSON_STRING, 0, &v, path, err)) > 0) {
        const char *paper = json_string_value(v);
        if (strcmp(paper, "a4") == 0 || strcmp(paper, "letter") == 0)
            o->paper = paper[0] == 'l' ? SMPSIM_PAPER_LETTER : SMPSIM_PAPER_A4;
        else
            st = fail(err, SMPSIM_EFORMAT, "%s: plan options: paper '%.40s' is not a4 or letter",
                      path, paper);
    }
    if (st == SMPSIM_OK && got >= 0 &&
        (got = get_member(root, "sessions", JSON_ARRAY, 1, &v, path, err)) > 0)
        st = parse_sessions(v, o, path, err);
    if (st == SMPSIM_OK && got >= 0 &&
        (got = get_member(root, "title", JSON_STRING, 1, &v, path, err)) > 0)
        ps->title = strdup(json_string_value(v));
    if (st == SMPSIM_OK && got >= 0 &&
        (got = get_member(root, "date", JSON_STRING, 1, &v, path, err)) > 0)
        ps->date = strdup(json_string_value(v));
    if (st == SMPSIM_OK && got >= 0 &&
        (got = get_member(root, "crop_marks", JSON_STRING, 0, &v, path, err)) > 0) {
        const char *c = json_string_value(v);
        o->crop_marks = strcmp(c, "auto") == 0 ? 0 : strcmp(c, "always") == 0 ? 1 : -1;
        if (o->crop_marks < 0 && strcmp(c, "never") != 0)
            st = fail(err, SMPSIM_EFORMAT, "%s: plan options: crop_marks '%.40s' is not auto, "
                      "always or never", path, c);
    }
    if (st == SMPSIM_OK && got >= 0 &&
        (got = get_member(root, "overlap_mm", JSON_REAL, 0, &v, path, err)) > 0)
        o->overlap_mm = json_number_value(v);
    if (st == SMPSIM_OK && got < 0)
        st = SMPSIM_EFORMAT;
    if (st == SMPSIM_OK && !ps->title != !json_is_string(json_object_get(root, "title")))
        st = fail(err, SMPSIM_ENOMEM, "out of memory");
    if (st == SMPSIM_OK && !ps->date != !json_is_string(json_object_get(root, "date")))
        st = fail(err, SMPSIM_ENOMEM, "out of memory");
    json_decref(root);
    o->title = ps->title;
    o->date = ps->date;
    return st;
}

/* The options after the mark at the end of the Subject. The design's name
 * comes first in the Subject and could hold the mark itself: the first
 * mark after which the rest parses as a JSON object is the one. NULL when
 * the Subject has none (a plan of smpsim 0.1). */
static const char *options_text(const char *subject)
{
    const char *mark = SMPSIM_PLAN_SUBJECT_MARK;
    for (const char *at = subject ? strstr(subject, mark) : NULL; at;
         at = strstr(at + 1, mark)) {
        const char *rest = at + strlen(mark);
        json_t *probe = json_loads(rest, 0, NULL);
        int object = json_is_object(probe);
        json_decref(probe);
        if (object)
            return rest;
    }
    return NULL;
}

static smpsim_status read_info(PopplerDocument *doc, const char *path, plan_source *ps,
                               smpsim_error *err)
{
    gchar *creator = poppler_document_get_creator(doc);
    gchar *keywords = poppler_document_get_keywords(doc);
    gchar *subject = poppler_document_get_subject(doc);
    smpsim_status st = SMPSIM_OK;
    if (!creator || strncmp(creator, "smpsim ", 7) != 0)
        st = fail(err, SMPSIM_EFORMAT,
                  "%s: not a plan written by smpsim (its Creator is %s%.60s%s)", path, creator ? "'" : "", creator ? creator : "not set", creator ? "'" : "");
    else if (!keywords || !keywords[0])
        st = fail(err, SMPSIM_EFORMAT, "%s: a PDF of smpsim without a design in its Keywords",
                  path);
    if (st == SMPSIM_OK) {
        smpsim_error local = {0};
        st = smpsim_design_load_string(keywords, ".", NULL, &ps->design, &local);
        if (st != SMPSIM_OK)
            fail(err, st, "%s: the design in its Keywords: %s", path, local.message);
    }
    const char *options = st == SMPSIM_OK ? options_text(subject) : NULL;
    if (options)
        st = parse_options(options, ps, path, err);
    g_free(creator);
    g_free(keywords);
    g_free(subject);
    return st;
}

smpsim_status plan_source_read(const char *path, plan_source *ps, smpsim_error *err)
{
    memset(ps, 0, sizeof *ps);
    smpsim_plan_options_init(&ps->options);
    GBytes *bytes = NULL;
    smpsim_status st = read_all(path, &bytes, err);
    if (st != SMPSIM_OK)
        return st;
    GError *gerr = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    g_bytes_unref(bytes);
    if (!doc) {
        st = fail(err, SMPSIM_EFORMAT, "%s: not a readable PDF (%s)", path,
                  gerr ? gerr->message : "poppler gave no reason");
        if (gerr)
            g_error_free(gerr);
        return st;
    }
    st = read_info(doc, path, ps, err);
    g_object_unref(doc);
    if (st != SMPSIM_OK)
        plan_source_free(ps);
    return st;
}

void plan_source_free(plan_source *ps)
{
    if (!ps)
        return;
    smpsim_design_free(ps->design);
    free(ps->title);
    free(ps->date);
    ps->design = NULL;
    ps->title = ps->date = NULL;
    ps->options.title = ps->options.date = NULL;
}
