/* Plans (PDF/SVG at 1:1), stats and dot lists with photo positions.
 *
 * Two suites: "plan" needs nothing but the library; "tools" (run with the
 * argument `tools`) checks the files with the real readers, poppler's
 * pdfinfo/pdftoppm and librsvg's rsvg-convert, measuring page sizes and dot
 * positions in millimetres on pages rasterised at 10 px/mm. Without those
 * programs the tools run exits 77 (skipped). */
#include <smpsim/smpsim.h>

#include <cairo.h>
#include <check.h>
#include <dirent.h>
#include <fontconfig/fontconfig.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define DPMM 10.0 /* rasterising resolution: 254 dpi = 10 px per mm */

/* ---- helpers --------------------------------------------------------------- */

typedef struct membuf {
    char *data;
    size_t len;
} membuf;

static int to_mem(void *closure, const void *data, size_t size)
{
    membuf *m = closure;
    char *grown = realloc(m->data, m->len + size + 1);
    if (!grown)
        return -1;
    memcpy(grown + m->len, data, size);
    m->data = grown;
    m->len += size;
    m->data[m->len] = '\0';
    return 0;
}

static int failing_after(void *closure, const void *data, size_t size)
{
    size_t *budget = closure;
    (void)data;
    if (size > *budget)
        return -1;
    *budget -= size;
    return 0;
}

static char *out_path(const char *name)
{
    const char *dir = getenv("SMPSIM_TEST_OUT");
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
    return path;
}

static const char *find_mem(const membuf *m, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= m->len; i++)
        if (memcmp(m->data + i, needle, n) == 0)
            return m->data + i;
    return NULL;
}

/* A design holding one mm polygon (x0,y0)-(x1,y1) and `sessions` sessions. */
static smpsim_design *box_design(double x0, double y0, double x1, double y1, double density)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new(&d, NULL), SMPSIM_OK);
    double xy[] = {x0, y0, x1, y0, x1, y1, x0, y1};
    smpsim_region_params p;
    smpsim_region_params_init(&p);
    p.density_per_cm2 = density;
    ck_assert_int_eq(smpsim_design_add_polygon(d, xy, 4, SMPSIM_UNITS_MM, &p, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_set_name(d, "test box", NULL), SMPSIM_OK);
    smpsim_design_set_seed(d, 7);
    return d;
}

static smpsim_dots *hand_dots(const double (*xys)[3], size_t n)
{
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_dots_new(n, &dots, NULL), SMPSIM_OK);
    for (size_t i = 0; i < n; i++) {
        smpsim_dot d = {(float)xys[i][0], (float)xys[i][1], 1.0f, 5.0f, 1, (uint16_t)xys[i][2], 0};
        ck_assert_int_eq(smpsim_dots_append(dots, &d, NULL), SMPSIM_OK);
    }
    return dots;
}

static size_t files_in(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static char *make_dir(const char *name)
{
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", out_path(name));
    char cmd[8300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    return dir;
}

/* ---- suite "plan": the library alone --------------------------------------- */

START_TEST(test_free_null_and_options_init)
{
    smpsim_stats_free(NULL);
    smpsim_plan_options po;
    memset(&po, 0xff, sizeof po);
    smpsim_plan_options_init(&po);
    ck_assert_uint_eq(po.struct_size, sizeof po);
    ck_assert_ptr_null(po.date);
    ck_assert_int_eq(po.sessions, 0);
    smpsim_stats_options so;
    memset(&so, 0xff, sizeof so);
    smpsim_stats_options_init(&so);
    ck_assert_uint_eq(so.struct_size, sizeof so);
    ck_assert(so.impressions_per_minute == 0.0);
}
END_TEST

START_TEST(test_plan_rejects_bad_options_without_a_file)
{
    smpsim_design *d = box_design(0, 0, 30, 20, 50);
    char *dir = make_dir("plan-bad");
    char path[4200];
    snprintf(path, sizeof path, "%s/plan.pdf", dir);
    struct {
        const char *date;
        unsigned sessions;
        int paper;
        double overlap;
        int crop;
        const char *needle;
    } bad[] = {
        {"2025-02-30", 0, 0, 0, 0, "date '2025-02-30'"},
        {"2025-2-3", 0, 0, 0, 0, "YYYY-MM-DD"},
        {NULL, 0x10, 0, 0, 0, "session"},
        {NULL, 0, 5, 0, 0, "paper"},
        {NULL, 0, 0, 1.0, 0, "overlap_mm"},
        {NULL, 0, 0, 0, 3, "crop_marks"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        smpsim_plan_options o;
        smpsim_plan_options_init(&o);
        o.date = bad[i].date;
        o.sessions = bad[i].sessions;
        o.paper = (smpsim_paper)bad[i].paper;
        o.overlap_mm = bad[i].overlap;
        o.crop_marks = bad[i].crop;
        smpsim_error err = {0};
        ck_assert_int_eq(smpsim_plan_write(d, NULL, SMPSIM_PLAN_PDF, path, &o, &err),
                         SMPSIM_EINVAL);
        ck_assert_msg(strstr(err.message, bad[i].needle), "case %zu: '%s' lacks '%s'", i,
                      err.message, bad[i].needle);
    }
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_plan_write(d, NULL, (smpsim_plan_format)9, path, NULL, &err),
                     SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_plan_write(NULL, NULL, SMPSIM_PLAN_PDF, path, NULL, NULL),
                     SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_plan_write(d, NULL, SMPSIM_PLAN_PDF, NULL, NULL, NULL), SMPSIM_EINVAL);
    ck_assert_uint_eq(files_in(dir), 0);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_plan_write_failures_leave_no_file)
{
    smpsim_design *d = box_design(0, 0, 30, 20, 50);
    char *dir = make_dir("plan-fail");
    char path[4200];
    smpsim_error err = {0};
    /* A directory that does not exist: an error naming the file. */
    snprintf(path, sizeof path, "%s/missing/plan.pdf", dir);
    ck_assert_int_eq(smpsim_plan_write(d, NULL, SMPSIM_PLAN_PDF, path, NULL, &err), SMPSIM_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "missing/plan.pdf"));
    /* A full disk in the middle of the file: nothing left, not even a temporary. */
    struct rlimit old, small = {4000, 4000};
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    snprintf(path, sizeof path, "%s/plan.pdf", dir);
    smpsim_error_clear(&err);
    smpsim_status st = smpsim_plan_write(d, NULL, SMPSIM_PLAN_PDF, path, NULL, &err);
    smpsim_error err2 = {0};
    snprintf(path, sizeof path, "%s/plan.svg", dir);
    smpsim_status st2 = smpsim_plan_write(d, NULL, SMPSIM_PLAN_SVG, path, NULL, &err2);
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_int_eq(st, SMPSIM_EIO);
    ck_assert_msg(strstr(err.message, "plan.pdf"), "%s", err.message);
    ck_assert_int_eq(st2, SMPSIM_EIO);
    ck_assert_uint_eq(files_in(dir), 0);
    /* A stream that fails. */
    size_t budget = 1000;
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_PDF, failing_after, &budget,
                                              NULL, &err),
                     SMPSIM_EIO);
    budget = 100;
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_SVG, failing_after, &budget,
                                              NULL, NULL),
                     SMPSIM_EIO);
    smpsim_design_free(d);
}
END_TEST

/* Appends code point cp to o as UTF-8. */
static char *put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6)), *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12)), *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18)), *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F)), *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Decodes a PDF hex string <FEFF...> of UTF-16BE, starting after its '<FEFF'. */
static char *pdf_utf16_hex(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    unsigned hi = 0;
    for (unsigned u; *s != '>' && sscanf(s, "%4x", &u) == 1; s += 4) {
        if (u >= 0xD800 && u < 0xDC00) {
            hi = u;
            continue;
        }
        o = put_utf8(o, hi ? 0x10000 + ((unsigned long)(hi - 0xD800) << 10) + (u - 0xDC00) : u);
        hi = 0;
    }
    *o = '\0';
    return out;
}

/* Unescapes a PDF literal string starting after its '('. */
static char *pdf_literal(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    for (int depth = 0; *s; s++) {
        if (*s == '\\') {
            s++;
            if (*s >= '0' && *s <= '7') {
                int v = 0;
                for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++, s++)
                    v = v * 8 + (*s - '0');
                s--;
                *o++ = (char)v;
            } else {
                *o++ = *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s == 't' ? '\t' : *s;
            }
        } else if (*s == '(') {
            depth++;
            *o++ = *s;
        } else if (*s == ')') {
            if (depth-- == 0)
                break;
            *o++ = *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static char *xml_unescape(const char *s, const char *end)
{
    char *out = malloc((size_t)(end - s) + 1), *o = out;
    while (s < end) {
        if (strncmp(s, "&lt;", 4) == 0)
            *o++ = '<', s += 4;
        else if (strncmp(s, "&gt;", 4) == 0)
            *o++ = '>', s += 4;
        else if (strncmp(s, "&amp;", 5) == 0)
            *o++ = '&', s += 5;
        else
            *o++ = *s++;
    }
    *o = '\0';
    return out;
}

/* The design stored in a plan loads back to the same design. */
static void assert_same_design(const smpsim_design *d, const char *json)
{
    smpsim_design *back = NULL;
    smpsim_error err = {0};
    ck_assert_msg(smpsim_design_load_string(json, NULL, NULL, &back, &err) == SMPSIM_OK, "%s",
                  err.message);
    char *a = NULL, *b = NULL;
    ck_assert_int_eq(smpsim_design_to_json(d, &a, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_to_json(back, &b, NULL), SMPSIM_OK);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    smpsim_design_free(back);
}

START_TEST(test_plan_same_bytes_and_provenance)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new_preset("norwood-2", &d, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_set_name(d, "client <A&B> \"(x)\" \\ é", NULL), SMPSIM_OK);
    membuf p1 = {0}, p2 = {0}, s1 = {0}, s2 = {0}, dated = {0};
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_PDF, to_mem, &p1, NULL, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_PDF, to_mem, &p2, NULL, NULL),
                     SMPSIM_OK);
    ck_assert_uint_eq(p1.len, p2.len);
    ck_assert(memcmp(p1.data, p2.data, p1.len) == 0);
    ck_assert_ptr_null(find_mem(&p1, "CreationDate")); /* no clock time without a date */
    char creator[64];
    snprintf(creator, sizeof creator, "/Creator (smpsim %s)", smpsim_version());
    ck_assert_ptr_nonnull(find_mem(&p1, creator));
    /* Cairo writes the Info strings as literals or, with line breaks or
     * non-ASCII text, as UTF-16 hex. */
    const char *kw = find_mem(&p1, "/Keywords ");
    ck_assert_ptr_nonnull(kw);
    kw += strlen("/Keywords ");
    char *json = strncmp(kw, "<FEFF", 5) == 0 ? pdf_utf16_hex(kw + 5) : pdf_literal(kw + 1);
    assert_same_design(d, json);
    free(json);
    /* A date given: in the file. */
    smpsim_plan_options o;
    smpsim_plan_options_init(&o);
    o.date = "2025-03-04";
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_PDF, to_mem, &dated, &o, NULL),
                     SMPSIM_OK);
    ck_assert_ptr_nonnull(find_mem(&dated, "/CreationDate (20250304"));
    /* SVG: same bytes in one process even though cairo numbers surfaces globally. */
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_SVG, to_mem, &s1, NULL, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_SVG, to_mem, &s2, NULL, NULL),
                     SMPSIM_OK);
    ck_assert_uint_eq(s1.len, s2.len);
    ck_assert(memcmp(s1.data, s2.data, s1.len) == 0);
    ck_assert_ptr_nonnull(find_mem(&s1, "<g id=\"smpsim-plan\">"));
    const char *meta = find_mem(&s1, "<metadata id=\"smpsim-provenance\">");
    ck_assert_ptr_nonnull(meta);
    const char *start = strstr(meta, "design:\n"), *end = strstr(meta, "</metadata>");
    ck_assert(start && end && start < end);
    json = xml_unescape(start + strlen("design:\n"), end);
    assert_same_design(d, json);
    free(json);
    free(p1.data), free(p2.data), free(s1.data), free(s2.data), free(dated.data);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_plan_layout_fits_or_tiles)
{
    smpsim_design *small = box_design(0, 0, 60, 40, 20), *big = box_design(0, 0, 400, 250, 5);
    smpsim_plan_layout L;
    ck_assert_int_eq(smpsim_plan_layout_compute(small, NULL, SMPSIM_PLAN_PDF, NULL, &L, NULL),
                     SMPSIM_OK);
    ck_assert_double_eq_tol(L.paper_width_mm, 210.0, 1e-9);
    ck_assert_double_eq_tol(L.paper_height_mm, 297.0, 1e-9);
    ck_assert_uint_eq(L.columns * L.rows, 1);
    ck_assert_uint_eq(L.pages, 3); /* one per default session */
    /* The design lies inside the drawing area. */
    ck_assert(L.extent_mm[0] >= L.window_x_mm && L.extent_mm[2] <= L.window_x_mm + L.area_width_mm);
    smpsim_plan_options o;
    smpsim_plan_options_init(&o);
    o.paper = SMPSIM_PAPER_LETTER;
    o.sessions = 1u << 1;
    ck_assert_int_eq(smpsim_plan_layout_compute(big, NULL, SMPSIM_PLAN_PDF, &o, &L, NULL),
                     SMPSIM_OK);
    ck_assert_double_eq_tol(L.paper_width_mm, 215.9, 1e-9);
    ck_assert_double_eq_tol(L.paper_height_mm, 279.4, 1e-9);
    ck_assert_uint_ge(L.columns, 3);
    ck_assert_uint_ge(L.rows, 2);
    ck_assert_uint_eq(L.pages, L.columns * L.rows);
    /* Sheets overlap by 10 mm and together cover the whole design. */
    ck_assert_double_eq_tol(L.step_x_mm, L.area_width_mm - 10.0, 1e-9);
    ck_assert(L.window_x_mm <= L.extent_mm[0] && L.window_y_mm <= L.extent_mm[1]);
    ck_assert(L.window_x_mm + (double)(L.columns - 1) * L.step_x_mm + L.area_width_mm >=
              L.extent_mm[2]);
    ck_assert(L.window_y_mm + (double)(L.rows - 1) * L.step_y_mm + L.area_height_mm >=
              L.extent_mm[3]);
    /* SVG: one page as large as needed. */
    ck_assert_int_eq(smpsim_plan_layout_compute(big, NULL, SMPSIM_PLAN_SVG, NULL, &L, NULL),
                     SMPSIM_OK);
    ck_assert_uint_eq(L.pages, 1);
    ck_assert(L.area_width_mm >= 400.0 && L.area_height_mm >= 250.0);
    /* A dot 100 m away would need thousands of sheets: refused, named. */
    static const double far[][3] = {{0, 0, 1}, {1e5, 1e5, 1}};
    smpsim_dots *dots = hand_dots(far, 2);
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_plan_layout_compute(small, dots, SMPSIM_PLAN_PDF, NULL, &L, &err),
                     SMPSIM_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "pages"));
    smpsim_dots_free(dots);
    smpsim_design_free(small);
    smpsim_design_free(big);
}
END_TEST

/* Stats counted by hand from the dot list. */
static void assert_stats_match(const smpsim_design *d, const smpsim_dots *dots,
                               const smpsim_stats *s, double per_minute)
{
    size_t n_sessions;
    smpsim_design_sessions(d, &n_sessions);
    ck_assert_uint_eq(s->dots, dots->count);
    ck_assert_uint_eq(s->n_sessions, n_sessions);
    ck_assert_uint_eq(s->n_regions, smpsim_design_region_count(d));
    size_t per_session[SMPSIM_MAX_SESSIONS + 1] = {0}, sum = 0, regions = 0;
    double pigment = 0.0;
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *p = &dots->dots[i];
        per_session[p->session <= n_sessions ? p->session : 0]++;
        pigment += 3.14159265358979323846 / 4 * (double)p->diameter_mm * p->diameter_mm;
    }
    for (size_t k = 1; k <= n_sessions; k++) {
        ck_assert_uint_eq(s->sessions[k - 1].dots, per_session[k]);
        sum += per_session[k];
        ck_assert_uint_eq(s->sessions[k - 1].cumulative_dots, sum);
        ck_assert_double_eq_tol(s->sessions[k - 1].working_minutes,
                                (double)per_session[k] / per_minute, 1e-9);
    }
    ck_assert_uint_eq(s->unassigned_dots, per_session[0]);
    for (size_t r = 0; r < s->n_regions; r++) {
        size_t n = 0;
        for (size_t i = 0; i < dots->count; i++)
            n += dots->dots[i].region == r + 1;
        ck_assert_uint_eq(s->regions[r].dots, n);
        regions += n;
    }
    ck_assert_uint_eq(regions + s->outside_regions, dots->count);
    ck_assert_double_eq_tol(s->working_minutes, (double)dots->count / per_minute, 1e-9);
    ck_assert_double_eq_tol(s->coverage_percent, 100.0 * pigment / (s->treated_area_cm2 * 100.0),
                            1e-6);
}

START_TEST(test_stats_counts_equal_the_dot_list)
{
    smpsim_design *d = NULL;
    smpsim_dots *dots = NULL;
    smpsim_stats *s = NULL;
    ck_assert_int_eq(smpsim_design_new_preset("norwood-4", &d, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_dots(d, &dots, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_design_stats(d, NULL, NULL, &s, NULL), SMPSIM_OK);
    assert_stats_match(d, dots, s, 90.0);
    ck_assert_uint_eq(s->n_regions, 2);
    ck_assert(s->regions[0].dots > 0 && s->regions[1].dots > 0);
    ck_assert(s->sessions[0].mean_spacing_mm > s->sessions[2].mean_spacing_mm);
    smpsim_stats_free(s);
    /* Given dots with sessions the design does not have, at another pace. */
    dots->dots[0].session = 0;
    dots->dots[1].session = 7;
    dots->dots[2].region = 0;
    smpsim_stats_options o;
    smpsim_stats_options_init(&o);
    o.impressions_per_minute = 60;
    ck_assert_int_eq(smpsim_design_stats(d, dots, &o, &s, NULL), SMPSIM_OK);
    assert_stats_match(d, dots, s, 60.0);
    ck_assert_uint_eq(s->unassigned_dots, 2);
    ck_assert_uint_eq(s->outside_regions, 1);
    smpsim_stats_free(s);
    o.impressions_per_minute = -3;
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_design_stats(d, dots, &o, &s, &err), SMPSIM_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err.message, "impressions_per_minute"));
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_stats_area_of_a_rectangle)
{
    /* 40 x 25 mm at 100/cm2, no feather, no hairline: 10 cm2 and ~100 dots/cm2. */
    smpsim_design *d = box_design(0, 0, 40, 25, 100);
    smpsim_stats *s = NULL;
    ck_assert_int_eq(smpsim_design_stats(d, NULL, NULL, &s, NULL), SMPSIM_OK);
    ck_assert_double_eq_tol(s->treated_area_cm2, 10.0, 0.15);
    ck_assert_double_eq_tol(s->regions[0].area_cm2, s->treated_area_cm2, 1e-9);
    ck_assert_double_eq_tol(s->dots_per_cm2, 100.0, 6.0);
    /* Hexagonal pitch at 100/cm2 is 1.07 mm; blue noise's mean NN is a little less. */
    ck_assert(s->mean_spacing_mm > 0.8 && s->mean_spacing_mm < 1.1);
    /* 0.2 mm dots at 100/cm2 cover about 3 %. */
    ck_assert_double_eq_tol(s->coverage_percent, 3.1, 0.4);
    ck_assert_str_eq(s->design_name, "test box");
    ck_assert(s->seed == 7);
    smpsim_stats_free(s);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_stats_json_is_valid_and_complete)
{
    smpsim_design *d = box_design(0, 0, 40, 25, 100);
    ck_assert_int_eq(smpsim_design_set_name(d, "quote \" back \\ new\nline", NULL), SMPSIM_OK);
    smpsim_stats *s = NULL;
    ck_assert_int_eq(smpsim_design_stats(d, NULL, NULL, &s, NULL), SMPSIM_OK);
    smpsim_warning w[2] = {{SMPSIM_WARN_TOO_DARK, "too \"dark\"\t<b>"},
                           {SMPSIM_WARN_DOTS_MERGE, "merge"}};
    membuf m = {0};
    ck_assert_int_eq(smpsim_stats_write_json(s, w, 2, to_mem, &m, NULL), SMPSIM_OK);
    json_error_t jerr;
    json_t *root = json_loads(m.data, 0, &jerr);
    ck_assert_msg(root != NULL, "invalid JSON: %s at line %d", jerr.text, jerr.line);
    ck_assert_str_eq(json_string_value(json_object_get(root, "design")), s->design_name);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "dots")), (json_int_t)s->dots);
    ck_assert_double_eq_tol(json_number_value(json_object_get(root, "treated_area_cm2")),
                            s->treated_area_cm2, 1e-3);
    ck_assert_double_eq_tol(json_number_value(json_object_get(root, "impressions_per_minute")),
                            90.0, 1e-9);
    json_t *sessions = json_object_get(root, "sessions");
    ck_assert_uint_eq(json_array_size(sessions), s->n_sessions);
    json_int_t sum = 0;
    for (size_t k = 0; k < json_array_size(sessions); k++)
        sum += json_integer_value(json_object_get(json_array_get(sessions, k), "dots"));
    ck_assert_int_eq(sum, (json_int_t)s->dots);
    ck_assert_uint_eq(json_array_size(json_object_get(root, "regions")), 1);
    json_t *warnings = json_object_get(root, "warnings");
    ck_assert_uint_eq(json_array_size(warnings), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(warnings, 0), "message")),
                     w[0].message);
    json_decref(root);
    /* The file form is the same text, written atomically. */
    char *path = out_path("stats.json");
    unlink(path);
    ck_assert_int_eq(smpsim_stats_save_json(s, w, 2, path, NULL), SMPSIM_OK);
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    char *text = calloc(1, m.len + 16);
    size_t got = fread(text, 1, m.len + 15, fp);
    fclose(fp);
    ck_assert_uint_eq(got, m.len);
    ck_assert(memcmp(text, m.data, m.len) == 0);
    free(text);
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_stats_save_json(s, w, 2, "/nonexistent-dir/stats.json", &err),
                     SMPSIM_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent-dir/stats.json"));
    free(m.data);
    smpsim_stats_free(s);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_dots_write_view_adds_pixel_columns)
{
    smpsim_design *d = box_design(0, 0, 30, 20, 60);
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_design_dots(d, &dots, NULL), SMPSIM_OK);
    smpsim_view v = {.px_per_mm = 6.5, .rotation_deg = 10, .offset_x_px = 300, .offset_y_px = 40};
    membuf plain = {0}, viewed = {0}, js = {0};
    ck_assert_int_eq(smpsim_dots_write(dots, SMPSIM_DOTS_CSV, to_mem, &plain, NULL), SMPSIM_OK);
    ck_assert_int_eq(smpsim_dots_write_view(dots, &v, SMPSIM_DOTS_CSV, to_mem, &viewed, NULL),
                     SMPSIM_OK);
    /* Line by line: the plain line, then ",x_px,y_px,visible". */
    char *ps = NULL, *vs = NULL;
    char *pl = strtok_r(plain.data, "\n", &ps), *vl = strtok_r(viewed.data, "\n", &vs);
    ck_assert_str_eq(vl, "x_mm,y_mm,diameter_mm,shade,session,group,region,x_px,y_px,visible");
    ck_assert_int_eq(strncmp(vl, pl, strlen(pl)), 0);
    size_t i = 0;
    while ((pl = strtok_r(NULL, "\n", &ps)) && (vl = strtok_r(NULL, "\n", &vs))) {
        ck_assert_int_eq(strncmp(vl, pl, strlen(pl)), 0);
        double x_px, y_px;
        int visible;
        ck_assert_int_eq(sscanf(vl + strlen(pl), ",%lf,%lf,%d", &x_px, &y_px, &visible), 3);
        double ex, ey;
        smpsim_view_to_px(&v, dots->dots[i].x_mm, dots->dots[i].y_mm, &ex, &ey);
        ck_assert_double_eq_tol(x_px, ex, 0.006);
        ck_assert_double_eq_tol(y_px, ey, 0.006);
        ck_assert_int_eq(visible, 1);
        i++;
    }
    ck_assert_uint_eq(i, dots->count);
    ck_assert_int_eq(smpsim_dots_write_view(dots, &v, SMPSIM_DOTS_JSON, to_mem, &js, NULL),
                     SMPSIM_OK);
    json_t *root = json_loads(js.data, 0, NULL);
    ck_assert_ptr_nonnull(root);
    json_t *first = json_array_get(json_object_get(root, "dots"), 0);
    double ex, ey;
    smpsim_view_to_px(&v, dots->dots[0].x_mm, dots->dots[0].y_mm, &ex, &ey);
    ck_assert_double_eq_tol(json_number_value(json_object_get(first, "x_px")), ex, 0.006);
    ck_assert_double_eq_tol(json_number_value(json_object_get(first, "y_px")), ey, 0.006);
    ck_assert(json_is_true(json_object_get(first, "visible")));
    json_decref(root);
    smpsim_view bad = {.px_per_mm = 0};
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_dots_write_view(dots, &bad, SMPSIM_DOTS_CSV, to_mem, &js, &err),
                     SMPSIM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "view"));
    free(plain.data), free(viewed.data), free(js.data);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

/* The plan options at the end of a PDF's Subject (as decoded from the Info
 * string), parsed. */
static json_t *subject_options(const membuf *pdf)
{
    const char *subject = find_mem(pdf, "/Subject ");
    ck_assert_ptr_nonnull(subject);
    subject += strlen("/Subject ");
    char *text = strncmp(subject, "<FEFF", 5) == 0 ? pdf_utf16_hex(subject + 5)
                                                   : pdf_literal(subject + 1);
    ck_assert_msg(strncmp(text, "smpsim plan of design '", 23) == 0, "%s", text);
    const char *mark = strstr(text, SMPSIM_PLAN_SUBJECT_MARK);
    ck_assert_ptr_nonnull(mark);
    json_error_t je;
    json_t *root = json_loads(mark + strlen(SMPSIM_PLAN_SUBJECT_MARK), 0, &je);
    ck_assert_msg(json_is_object(root), "%s: %s", text, je.text);
    free(text);
    return root;
}

START_TEST(test_plan_options_in_subject_and_svg)
{
    smpsim_design *d = NULL;
    ck_assert_int_eq(smpsim_design_new_preset("norwood-2", &d, NULL), SMPSIM_OK);
    membuf dflt = {0}, set = {0}, svg = {0};
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_PDF, to_mem, &dflt, NULL, NULL),
                     SMPSIM_OK);
    json_t *o = subject_options(&dflt);
    char *text = json_dumps(o, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"paper\":\"a4\",\"sessions\":null,\"title\":null,\"date\":null,"
                           "\"crop_marks\":\"auto\",\"overlap_mm\":10.0}");
    free(text);
    json_decref(o);
    smpsim_plan_options opts;
    smpsim_plan_options_init(&opts);
    opts.paper = SMPSIM_PAPER_LETTER;
    opts.sessions = 1u | 4u;
    opts.title = "Client (12) \xc3\xa9";
    opts.date = "2025-02-03";
    opts.crop_marks = 1;
    opts.overlap_mm = 12.5;
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_PDF, to_mem, &set, &opts, NULL),
                     SMPSIM_OK);
    o = subject_options(&set);
    ck_assert_str_eq(json_string_value(json_object_get(o, "paper")), "letter");
    json_t *sessions = json_object_get(o, "sessions");
    ck_assert_uint_eq(json_array_size(sessions), 2);
    ck_assert_int_eq(json_integer_value(json_array_get(sessions, 0)), 1);
    ck_assert_int_eq(json_integer_value(json_array_get(sessions, 1)), 3);
    ck_assert_str_eq(json_string_value(json_object_get(o, "title")), "Client (12) \xc3\xa9");
    ck_assert_str_eq(json_string_value(json_object_get(o, "date")), "2025-02-03");
    ck_assert_str_eq(json_string_value(json_object_get(o, "crop_marks")), "always");
    ck_assert_double_eq(json_number_value(json_object_get(o, "overlap_mm")), 12.5);
    json_decref(o);
    /* The SVG's "plan:" line holds the same JSON (ASCII: no escapes needed). */
    ck_assert_int_eq(smpsim_plan_write_stream(d, NULL, SMPSIM_PLAN_SVG, to_mem, &svg, &opts, NULL),
                     SMPSIM_OK);
    const char *line = find_mem(&svg, "\nplan: {");
    ck_assert_ptr_nonnull(line);
    const char *end = strchr(line + 1, '\n');
    char *json = xml_unescape(line + strlen("\nplan: "), end);
    o = json_loads(json, 0, NULL);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(json_string_value(json_object_get(o, "crop_marks")), "always");
    json_decref(o);
    free(json);
    free(dflt.data), free(set.data), free(svg.data);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_dots_save_view_writes_the_same_atomically)
{
    smpsim_design *d = box_design(0, 0, 20, 10, 60);
    smpsim_dots *dots = NULL;
    ck_assert_int_eq(smpsim_design_dots(d, &dots, NULL), SMPSIM_OK);
    smpsim_view v = smpsim_view_flat(4.0);
    v.offset_x_px = 100;
    membuf mem = {0};
    ck_assert_int_eq(smpsim_dots_write_view(dots, &v, SMPSIM_DOTS_JSON, to_mem, &mem, NULL),
                     SMPSIM_OK);
    char path[4096];
    snprintf(path, sizeof path, "%s", out_path("dots-view.json"));
    remove(path);
    ck_assert_int_eq(smpsim_dots_save_view(dots, &v, SMPSIM_DOTS_JSON, path, NULL), SMPSIM_OK);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *file = calloc(mem.len + 2, 1);
    size_t got = fread(file, 1, mem.len + 1, f);
    fclose(f);
    ck_assert_uint_eq(got, mem.len);
    ck_assert(memcmp(file, mem.data, mem.len) == 0);
    free(file);
    remove(path);
    /* Bad arguments: an error and no file. */
    smpsim_view bad = {.px_per_mm = 0};
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim_dots_save_view(dots, &bad, SMPSIM_DOTS_CSV, path, &err),
                     SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_dots_save_view(NULL, &v, SMPSIM_DOTS_CSV, path, &err),
                     SMPSIM_EINVAL);
    ck_assert_int_eq(smpsim_dots_save_view(dots, &v, SMPSIM_DOTS_CSV, NULL, &err),
                     SMPSIM_EINVAL);
    ck_assert_ptr_null(fopen(path, "rb"));
    smpsim_error io = {0}; /* the first error stays in err */
    ck_assert_int_eq(smpsim_dots_save_view(dots, &v, SMPSIM_DOTS_CSV,
                                           "/nonexistent-dir/dots.csv", &io),
                     SMPSIM_EIO);
    ck_assert_msg(strstr(io.message, "/nonexistent-dir/dots.csv"), "%s", io.message);
    free(mem.data);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

/* ---- suite "tools": real readers ------------------------------------------- */

static int run(const char *cmd)
{
    int rc = system(cmd);
    ck_assert_msg(rc == 0, "failed (%d): %s", rc, cmd);
    return rc;
}

static char *capture(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    membuf m = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        to_mem(&m, buf, n);
    ck_assert_int_eq(pclose(p), 0);
    return m.data ? m.data : calloc(1, 1);
}

/* Page `page` of a PDF rasterised at 10 px/mm. */
static smpsim_image *raster_pdf(const char *pdf, int page)
{
    char cmd[9000], png[4200];
    snprintf(png, sizeof png, "%s-p%d", pdf, page);
    snprintf(cmd, sizeof cmd, "pdftoppm -r 254 -png -singlefile -f %d -l %d '%s' '%s'", page, page,
             pdf, png);
    run(cmd);
    strcat(png, ".png");
    smpsim_image *img = NULL;
    smpsim_error err = {0};
    ck_assert_msg(smpsim_image_load(png, NULL, &img, &err) == SMPSIM_OK, "%s", err.message);
    return img;
}

static double grey_at(const smpsim_image *img, long x, long y)
{
    if (x < 0 || y < 0 || x >= (long)img->width || y >= (long)img->height)
        return 255.0;
    const uint8_t *p = (const uint8_t *)img->pixels + (size_t)y * img->stride;
    if (img->format == SMPSIM_RGBA16) {
        const uint16_t *q = (const uint16_t *)(const void *)p + 4 * (size_t)x;
        return (q[0] + q[1] + q[2]) / 3.0 / 257.0;
    }
    p += 4 * (size_t)x;
    return (p[0] + p[1] + p[2]) / 3.0;
}

/* The darkness-weighted centre (mm) of pixels darker than `below` within
 * 1.5 mm of (x, y) mm, and the darkest value there. */
static double blob(const smpsim_image *img, double x_mm, double y_mm, double below, double *cx,
                   double *cy)
{
    double sw = 0, sx = 0, sy = 0, darkest = 255;
    long x0 = lround((x_mm - 1.5) * DPMM), x1 = lround((x_mm + 1.5) * DPMM);
    long y0 = lround((y_mm - 1.5) * DPMM), y1 = lround((y_mm + 1.5) * DPMM);
    for (long y = y0; y <= y1; y++) {
        for (long x = x0; x <= x1; x++) {
            double g = grey_at(img, x, y);
            darkest = fmin(darkest, g);
            if (g >= below)
                continue;
            double w = below - g;
            sw += w, sx += w * (x + 0.5), sy += w * (y + 0.5);
        }
    }
    *cx = sw > 0 ? sx / sw / DPMM : NAN;
    *cy = sw > 0 ? sy / sw / DPMM : NAN;
    return darkest;
}

/* Where scalp (x, y) lands on sheet (c, r), in page mm. */
static void on_page(const smpsim_plan_layout *L, double x, double y, size_t c, size_t r,
                    double *px, double *py)
{
    *px = L->area_x_mm + x - L->window_x_mm - (double)c * L->step_x_mm;
    *py = L->area_y_mm + y - L->window_y_mm - (double)r * L->step_y_mm;
}

static void assert_dot_at(const smpsim_image *img, const smpsim_plan_layout *L, double x,
                          double y, size_t c, size_t r, double lo, double hi)
{
    double px, py, cx, cy;
    on_page(L, x, y, c, r, &px, &py);
    double darkest = blob(img, px, py, hi, &cx, &cy);
    ck_assert_msg(darkest >= lo && darkest < hi,
                  "dot (%g, %g) mm on sheet %zu,%zu: darkest %g, want %g..%g", x, y, c, r,
                  darkest, lo, hi);
    ck_assert_msg(fabs(cx - px) < 0.1 && fabs(cy - py) < 0.1,
                  "dot (%g, %g) mm: centre at %.3f, %.3f mm on the page, want %.3f, %.3f", x, y,
                  cx, cy, px, py);
}

static void assert_no_dot_at(const smpsim_image *img, const smpsim_plan_layout *L, double x,
                             double y)
{
    double px, py, cx, cy;
    on_page(L, x, y, 0, 0, &px, &py);
    ck_assert_msg(blob(img, px, py, 215, &cx, &cy) >= 215, "a dot at (%g, %g) mm", x, y);
}

/* Dots: A (3, 4) session 1, C (23, 14) session 2, B (43, 34) session 1;
 * B is 50 mm from A (a 3-4-5 triangle). */
static const double three_dots[][3] = {{3, 4, 1}, {23, 14, 2}, {43, 34, 1}};

START_TEST(test_pdf_page_size_and_dots_in_mm)
{
    smpsim_design *d = box_design(-10, -10, 60, 50, 10);
    smpsim_dots *dots = hand_dots(three_dots, 3);
    char *pdf = out_path("plan-dots.pdf");
    smpsim_plan_layout L;
    ck_assert_int_eq(smpsim_plan_layout_compute(d, dots, SMPSIM_PLAN_PDF, NULL, &L, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_plan_write(d, dots, SMPSIM_PLAN_PDF, pdf, NULL, NULL), SMPSIM_OK);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", pdf);
    char *info = capture(cmd);
    double w_pt = 0, h_pt = 0;
    int pages = 0;
    const char *size = strstr(info, "Page size:"), *np = strstr(info, "Pages:");
    ck_assert_msg(size && sscanf(size, "Page size: %lf x %lf", &w_pt, &h_pt) == 2, "%s", info);
    ck_assert(np && sscanf(np, "Pages: %d", &pages) == 1);
    ck_assert_double_eq_tol(w_pt * 25.4 / 72.0, 210.0, 0.05);
    ck_assert_double_eq_tol(h_pt * 25.4 / 72.0, 297.0, 0.05);
    ck_assert_int_eq(pages, (int)L.pages);
    ck_assert_int_eq(pages, 3);
    ck_assert_ptr_nonnull(strstr(info, "Creator:         smpsim"));
    free(info);
    /* Session 1: A and B black, C not drawn yet. */
    smpsim_image *img = raster_pdf(pdf, 1);
    ck_assert_int_le(abs((int)img->width - 2100), 1);
    ck_assert_int_le(abs((int)img->height - 2970), 1);
    assert_dot_at(img, &L, 3, 4, 0, 0, 0, 60);
    assert_dot_at(img, &L, 43, 34, 0, 0, 0, 60);
    assert_no_dot_at(img, &L, 23, 14);
    /* The scale bar: a 50 mm run of black 13 mm above the bottom edge. */
    long row = lround((297.0 - 13.0) * DPMM), run_len = 0, best = 0;
    for (long x = 0; x < (long)img->width; x++) {
        run_len = grey_at(img, x, row) < 100 ? run_len + 1 : 0;
        best = run_len > best ? run_len : best;
    }
    ck_assert_msg(labs(best - 500) <= 3, "scale bar %ld px at 10 px/mm, want 500", best);
    smpsim_image_free(img);
    /* Session 2: C black, A and B grey. */
    img = raster_pdf(pdf, 2);
    assert_dot_at(img, &L, 23, 14, 0, 0, 0, 60);
    assert_dot_at(img, &L, 3, 4, 0, 0, 120, 215);
    assert_dot_at(img, &L, 43, 34, 0, 0, 120, 215);
    smpsim_image_free(img);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_pdf_tiles_with_crop_marks)
{
    /* 300 mm across: two columns of A4 sheets. */
    smpsim_design *d = box_design(-10, -10, 310, 40, 1);
    static const double far_dots[][3] = {{3, 4, 1}, {297, 24, 1}};
    smpsim_dots *dots = hand_dots(far_dots, 2);
    smpsim_plan_options o;
    smpsim_plan_options_init(&o);
    o.sessions = 1;
    char *pdf = out_path("plan-tiled.pdf");
    smpsim_plan_layout L;
    ck_assert_int_eq(smpsim_plan_layout_compute(d, dots, SMPSIM_PLAN_PDF, &o, &L, NULL),
                     SMPSIM_OK);
    ck_assert_uint_eq(L.columns, 2);
    ck_assert_uint_eq(L.rows, 1);
    ck_assert_int_eq(smpsim_plan_write(d, dots, SMPSIM_PLAN_PDF, pdf, &o, NULL), SMPSIM_OK);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", pdf);
    char *info = capture(cmd);
    ck_assert_ptr_nonnull(strstr(info, "Pages:           2"));
    free(info);
    smpsim_image *left = raster_pdf(pdf, 1), *right = raster_pdf(pdf, 2);
    assert_dot_at(left, &L, 3, 4, 0, 0, 0, 60);
    assert_dot_at(right, &L, 297, 24, 1, 0, 0, 60);
    /* Crop marks in the margin, level with the area's top edge. */
    double mx = L.area_x_mm - 3.5, my = L.area_y_mm;
    ck_assert(grey_at(left, lround(mx * DPMM), lround(my * DPMM)) < 128);
    ck_assert(grey_at(right, lround(mx * DPMM), lround(my * DPMM)) < 128);
    smpsim_image_free(left);
    smpsim_image_free(right);
    /* One sheet: no crop marks by default. */
    smpsim_design *small = box_design(-10, -10, 60, 50, 10);
    char *one = out_path("plan-one.pdf");
    ck_assert_int_eq(smpsim_plan_write(small, NULL, SMPSIM_PLAN_PDF, one, &o, NULL), SMPSIM_OK);
    smpsim_image *img = raster_pdf(one, 1);
    ck_assert(grey_at(img, lround(mx * DPMM), lround(my * DPMM)) > 250);
    smpsim_image_free(img);
    smpsim_design_free(small);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

START_TEST(test_svg_renders_at_1_to_1)
{
    smpsim_design *d = box_design(-10, -10, 60, 50, 10);
    smpsim_dots *dots = hand_dots(three_dots, 3);
    char *svg = out_path("plan-dots.svg");
    smpsim_plan_layout L;
    smpsim_plan_options o;
    smpsim_plan_options_init(&o);
    o.sessions = 3; /* 1 and 2: the SVG shows session 2 */
    ck_assert_int_eq(smpsim_plan_layout_compute(d, dots, SMPSIM_PLAN_SVG, &o, &L, NULL),
                     SMPSIM_OK);
    ck_assert_int_eq(smpsim_plan_write(d, dots, SMPSIM_PLAN_SVG, svg, &o, NULL), SMPSIM_OK);
    /* The page size in the file, in points. */
    FILE *fp = fopen(svg, "rb");
    char head[4096] = {0};
    ck_assert(fread(head, 1, sizeof head - 1, fp) > 0);
    fclose(fp);
    double w_pt = 0, h_pt = 0;
    const char *w = strstr(head, "width=\""), *h = strstr(head, "height=\"");
    ck_assert(w && h && sscanf(w, "width=\"%lfpt\"", &w_pt) == 1 &&
              sscanf(h, "height=\"%lfpt\"", &h_pt) == 1);
    ck_assert_double_eq_tol(w_pt * 25.4 / 72.0, 210.0, 0.05);
    ck_assert_double_eq_tol(h_pt * 25.4 / 72.0, 297.0, 0.05);
    /* rsvg-convert at 254 dpi: 2100 x 2970 px, the dots where they belong.
     * An SVG shows the last chosen session: A and B grey, C black. */
    char png[4200], cmd[9000];
    snprintf(png, sizeof png, "%s.png", svg);
    snprintf(cmd, sizeof cmd,
             "rsvg-convert -d 254 -p 254 -b white -o '%s' '%s'", png, svg);
    run(cmd);
    smpsim_image *img = NULL;
    ck_assert_int_eq(smpsim_image_load(png, NULL, &img, NULL), SMPSIM_OK);
    ck_assert_int_le(abs((int)img->width - 2100), 1);
    ck_assert_int_le(abs((int)img->height - 2970), 1);
    assert_dot_at(img, &L, 23, 14, 0, 0, 0, 60);
    assert_dot_at(img, &L, 3, 4, 0, 0, 120, 215);
    assert_dot_at(img, &L, 43, 34, 0, 0, 120, 215);
    smpsim_image_free(img);
    smpsim_dots_free(dots);
    smpsim_design_free(d);
}
END_TEST

static Suite *plan_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_free_null_and_options_init);
    tcase_add_test(tc, test_plan_rejects_bad_options_without_a_file);
    tcase_add_test(tc, test_plan_write_failures_leave_no_file);
    tcase_add_test(tc, test_plan_same_bytes_and_provenance);
    tcase_add_test(tc, test_plan_layout_fits_or_tiles);
    tcase_add_test(tc, test_stats_counts_equal_the_dot_list);
    tcase_add_test(tc, test_stats_area_of_a_rectangle);
    tcase_add_test(tc, test_stats_json_is_valid_and_complete);
    tcase_add_test(tc, test_dots_write_view_adds_pixel_columns);
    tcase_add_test(tc, test_plan_options_in_subject_and_svg);
    tcase_add_test(tc, test_dots_save_view_writes_the_same_atomically);
    suite_add_tcase(s, tc);
    return s;
}

static Suite *tools_suite(void)
{
    Suite *s = suite_create("tools");
    TCase *tc = tcase_create("readers");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pdf_page_size_and_dots_in_mm);
    tcase_add_test(tc, test_pdf_tiles_with_crop_marks);
    tcase_add_test(tc, test_svg_renders_at_1_to_1);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    int tools = argc > 1 && strcmp(argv[1], "tools") == 0;
    if (tools && system("{ command -v pdfinfo && command -v pdftoppm && "
                        "command -v rsvg-convert; } >/dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP: pdfinfo, pdftoppm or rsvg-convert is missing "
                        "(Debian: poppler-utils, librsvg2-bin)\n");
        return 77;
    }
    SRunner *sr = srunner_create(tools ? tools_suite() : plan_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    /* Release cairo's and fontconfig's process-wide caches, so that leak
     * checkers (valgrind with CK_FORK=no) see only our own allocations. */
    cairo_debug_reset_static_data();
    FcFini();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
