/* Numbers under a comma-decimal locale (issue 19): a host program (any GTK
 * or Qt one) calls setlocale(LC_ALL, "") and may get de_DE.UTF-8, where
 * printf writes 1,5 and strtod stops at "1.5"'s dot. Every text the
 * library writes (dot CSV and JSON, with photo positions, stats JSON, the
 * design's JSON and summary) must be the same bytes as under the C locale,
 * and reading them back must work. The locale is made with localedef in a
 * temporary directory (LOCPATH) when the system lacks it; exit 77 (skipped)
 * when that is impossible. */
#include <smpsim/smpsim.h>

#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "check-locale.c:%d: failed: %s\n", __LINE__, #cond);   \
            failures++;                                                            \
        }                                                                          \
    } while (0)

typedef struct buffer {
    char *text;
    size_t len;
} buffer;

static int put(void *closure, const void *data, size_t size)
{
    buffer *b = closure;
    char *t = realloc(b->text, b->len + size + 1);
    if (!t)
        return -1;
    memcpy(t + b->len, data, size);
    b->len += size;
    t[b->len] = '\0';
    b->text = t;
    return 0;
}

/* Everything the library writes as text for one design, concatenated. */
static char *all_text(const smpsim_design *d, const smpsim_dots *dots)
{
    buffer b = {NULL, 0};
    smpsim_stats *stats = NULL;
    char *json = NULL, *summary = smpsim_design_describe(d);
    CHECK(smpsim_dots_write(dots, SMPSIM_DOTS_CSV, put, &b, NULL) == SMPSIM_OK);
    CHECK(smpsim_dots_write(dots, SMPSIM_DOTS_JSON, put, &b, NULL) == SMPSIM_OK);
    CHECK(smpsim_dots_write_view(dots, smpsim_design_get_view(d), SMPSIM_DOTS_CSV, put, &b,
                                 NULL) == SMPSIM_OK);
    CHECK(smpsim_design_stats(d, dots, NULL, &stats, NULL) == SMPSIM_OK);
    CHECK(smpsim_stats_write_json(stats, NULL, 0, put, &b, NULL) == SMPSIM_OK);
    CHECK(smpsim_design_to_json(d, &json, NULL) == SMPSIM_OK);
    put(&b, json, strlen(json));
    put(&b, summary, strlen(summary));
    smpsim_stats_free(stats);
    free(json);
    free(summary);
    return b.text;
}

static int comma_locale(void)
{
    if (setlocale(LC_ALL, "de_DE.UTF-8"))
        return 1;
    static char dir[] = "/tmp/smpsim-locale-XXXXXX";
    if (!mkdtemp(dir))
        return 0;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
    if (system(cmd) != 0)
        return 0;
    setenv("LOCPATH", dir, 1);
    return setlocale(LC_ALL, "de_DE.UTF-8") != NULL;
}

int main(void)
{
    smpsim_design *d = NULL;
    smpsim_dots *dots = NULL;
    const char *json =
        "{\"format_version\": 1, \"seed\": 3, \"view\": {\"px_per_mm\": 6.5, \"offset_px\": "
        "[500.25, 400.5]}, \"regions\": [{\"type\": \"polygon\", \"points_mm\": [[-10.5, "
        "-30.25], [10.5, -30.25], [12.75, -10.5], [-12.75, -10.5]], \"density_per_cm2\": 95.5, "
        "\"dot_diameter_mm\": 0.225, \"shade\": 5.5}]}";
    if (smpsim_design_load_string(json, NULL, NULL, &d, NULL) != SMPSIM_OK ||
        smpsim_design_dots(d, &dots, NULL) != SMPSIM_OK) {
        fprintf(stderr, "check-locale: cannot make the design\n");
        return 1;
    }
    char *in_c = all_text(d, dots);
    if (!comma_locale() || strcmp(localeconv()->decimal_point, ",") != 0) {
        printf("skipped: no comma-decimal locale (de_DE.UTF-8, even with localedef)\n");
        return 77;
    }
    char check[32];
    snprintf(check, sizeof check, "%.1f", 1.5);
    CHECK(strcmp(check, "1,5") == 0); /* the locale is really in force */

    /* Written: the same bytes. */
    char *in_de = all_text(d, dots);
    CHECK(in_c && in_de && strcmp(in_c, in_de) == 0);
    if (in_c && in_de && strcmp(in_c, in_de) != 0) {
        size_t i = 0;
        while (in_c[i] == in_de[i])
            i++;
        fprintf(stderr, "first difference at byte %zu: C '%.40s' vs de_DE '%.40s'\n", i,
                in_c + i, in_de + i);
    }
    /* Read back: the dot list, and the design's JSON. */
    char path[] = "/tmp/smpsim-locale-dots-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    CHECK(smpsim_dots_save(dots, SMPSIM_DOTS_CSV, path, NULL) == SMPSIM_OK);
    smpsim_dots *back = NULL;
    smpsim_error err = {0};
    CHECK(smpsim_dots_load_csv(path, 0, &back, &err) == SMPSIM_OK);
    if (back) {
        CHECK(back->count == dots->count);
        for (size_t i = 0; i < back->count && i < dots->count; i++) {
            CHECK(back->dots[i].x_mm - dots->dots[i].x_mm < 1e-4f &&
                  dots->dots[i].x_mm - back->dots[i].x_mm < 1e-4f);
            if (failures)
                break;
        }
    } else {
        fprintf(stderr, "reading back: %s\n", err.message);
    }
    unlink(path);
    char *text = NULL;
    smpsim_design *again = NULL;
    CHECK(smpsim_design_to_json(d, &text, NULL) == SMPSIM_OK);
    CHECK(smpsim_design_load_string(text, NULL, NULL, &again, &err) == SMPSIM_OK);
    smpsim_region_params p;
    CHECK(again && smpsim_design_region_params(again, 0, &p, NULL) == SMPSIM_OK &&
          p.density_per_cm2 == 95.5 && p.dot_diameter_mm == 0.225);
    /* The dot JSON parses (a comma in a number would break it). */
    buffer b = {NULL, 0};
    CHECK(smpsim_dots_write(dots, SMPSIM_DOTS_JSON, put, &b, NULL) == SMPSIM_OK);
    json_t *root = json_loads(b.text, 0, NULL);
    CHECK(root && json_array_size(json_object_get(root, "dots")) == dots->count);
    json_decref(root);
    free(b.text);
    free(text);
    free(in_c);
    free(in_de);
    smpsim_dots_free(back);
    smpsim_dots_free(dots);
    smpsim_design_free(again);
    smpsim_design_free(d);
    if (failures)
        return 1;
    printf("all numbers in C notation under de_DE.UTF-8\n");
    return 0;
}
