/* Fuzz target: density maps painted by an artist, through
 * smpsim_image_load_memory(), smpsim_field_from_map() and
 * smpsim_field_dots().
 *
 * Input: one byte choosing the view and the dot options, then the image
 * file (PNG or JPEG). The byte's bits: 0-2 the scale (px_per_mm, raised
 * when needed so that the field stays under MAX_CELLS cells), 3-4 the
 * rotation, 5 an offset, 6 follicle groups, 7 the best sampler.
 *
 * Whatever the bytes:
 * - loading is checked as in the other image targets (fuzz_check_load());
 * - a map that loads gives a field (or ELIMIT/ENOMEM) covering the map's
 *   outline, with finite densities in 0..max and regions 0 or 1 (1 exactly
 *   where the density is positive);
 * - when the expected count is under MAX_EXPECTED, smpsim_field_dots()
 *   succeeds (or fails with ELIMIT/ENOMEM), every dot lies inside the
 *   field's extent (groups: within a few group distances) on a cell of
 *   positive density (or next to one), with a finite positive diameter, a
 *   shade in 1..10, session 1, region 1; the count is near the expected
 *   one; and the dots are deterministic. */
#include "fuzz-common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAP_MAX_PIXELS (UINT64_C(1) << 20)
#define MAP_MAX_DIMENSION 4096u
#define MAX_PER_CM2 120.0
#define CELL_MM 0.25          /* the default cell */
#define MAX_CELLS 1000000.0   /* the view's scale is raised to stay under this */
#define MAX_EXPECTED 50000.0  /* dots: fast sampler */
#define MAX_EXPECTED_BEST 10000.0
#define DETERMINISM_MAX_DOTS 5000

static smpsim_view view_from(uint8_t b, const smpsim_image *map)
{
    static const double scales[8] = {0.05, 0.5, 1.0, 2.0, 4.0, 6.5, 13.0, 100.0};
    static const double rotations[4] = {0.0, 90.0, 33.0, -135.0};
    double s = scales[b & 7];
    /* Cells over the map's bounding box (at most sqrt 2 wider each way when
     * rotated) must stay under MAX_CELLS: 2 w h / (s cell)^2 <= MAX_CELLS. */
    double min_s = sqrt(2.0 * map->width * map->height / MAX_CELLS) / CELL_MM;
    smpsim_view v = smpsim_view_flat(s > min_s ? s : min_s * 1.001);
    v.rotation_deg = rotations[b >> 3 & 3];
    if (b >> 5 & 1) {
        v.offset_x_px = -37.5;
        v.offset_y_px = 1234.25;
    }
    return v;
}

static void check_field(const smpsim_field *f, const smpsim_image *map, const smpsim_view *view)
{
    FUZZ_REQUIRE(f->width > 0 && f->height > 0);
    FUZZ_REQUIRE((double)f->width * f->height <= 2 * MAX_CELLS);
    FUZZ_REQUIRE(f->cell_mm == CELL_MM);
    /* The map's corners lie inside the field (up to rounding). */
    double x1 = f->origin_x_mm + f->width * f->cell_mm;
    double y1 = f->origin_y_mm + f->height * f->cell_mm;
    double cx[4] = {0, map->width, map->width, 0}, cy[4] = {0, 0, map->height, map->height};
    for (int k = 0; k < 4; k++) {
        double x, y;
        smpsim_view_to_mm(view, cx[k], cy[k], &x, &y);
        double tol = 1e-6 * (1.0 + fabs(x) + fabs(y));
        FUZZ_REQUIRE(x >= f->origin_x_mm - tol && x <= x1 + tol);
        FUZZ_REQUIRE(y >= f->origin_y_mm - tol && y <= y1 + tol);
    }
    size_t n = (size_t)f->width * f->height;
    for (size_t i = 0; i < n; i++) {
        float d = f->density_per_cm2[i];
        FUZZ_REQUIRE(d >= 0.0f && d <= (float)MAX_PER_CM2 * 1.0001f);
        FUZZ_REQUIRE(f->region[i] == (d > 0.0f ? 1 : 0));
    }
}

/* Whether the cell under (x, y) or one next to it has a positive density. */
static int near_density(const smpsim_field *f, double x, double y)
{
    long ci = (long)floor((x - f->origin_x_mm) / f->cell_mm);
    long cj = (long)floor((y - f->origin_y_mm) / f->cell_mm);
    for (long j = cj - 1; j <= cj + 1; j++)
        for (long i = ci - 1; i <= ci + 1; i++)
            if (i >= 0 && j >= 0 && i < (long)f->width && j < (long)f->height &&
                f->density_per_cm2[(size_t)j * f->width + (size_t)i] > 0.0f)
                return 1;
    return 0;
}

static void check_dots(const smpsim_field *f, const smpsim_dots *dots, const smpsim_dot_options *o,
                       double expected)
{
    double slack = o->groups ? 2.0 : 1e-3; /* groups: dots within ~1.5 mm of their centre */
    double x0 = f->origin_x_mm, y0 = f->origin_y_mm;
    double x1 = x0 + f->width * f->cell_mm, y1 = y0 + f->height * f->cell_mm;
    double tol = slack + 1e-6 * (fabs(x0) + fabs(y0) + fabs(x1) + fabs(y1));
    size_t centres = 0;
    for (size_t i = 0; i < dots->count; i++) {
        const smpsim_dot *d = &dots->dots[i];
        FUZZ_REQUIRE(isfinite(d->x_mm) && isfinite(d->y_mm));
        FUZZ_REQUIRE(d->x_mm >= x0 - tol && d->x_mm <= x1 + tol);
        FUZZ_REQUIRE(d->y_mm >= y0 - tol && d->y_mm <= y1 + tol);
        if (!o->groups)
            FUZZ_REQUIRE(near_density(f, d->x_mm, d->y_mm));
        FUZZ_REQUIRE(isfinite(d->diameter_mm) && d->diameter_mm > 0.0f && d->diameter_mm < 1.0f);
        FUZZ_REQUIRE(d->shade >= 1.0f && d->shade <= 10.0f);
        FUZZ_REQUIRE(d->session == 1);
        FUZZ_REQUIRE(d->region == 1);
        if (o->groups) {
            FUZZ_REQUIRE(d->group >= 1 && d->group <= i + 1);
            centres = d->group > centres ? d->group : centres;
        } else {
            FUZZ_REQUIRE(d->group == 0);
        }
    }
    /* The count follows the field: exactly for best, within a few per cent
     * (plus noise at small counts) for fast; groups average 1.93 dots. */
    double count = o->groups ? (double)centres * 1.93 : (double)dots->count;
    double margin = 0.1 * expected + 6.0 * sqrt(expected) + 10.0;
    if (o->groups)
        margin += 0.3 * expected;
    FUZZ_REQUIRE(fabs(count - expected) <= margin);
}

static void make_dots(const smpsim_field *field, uint8_t b)
{
    double expected = smpsim_field_expected_count(field);
    FUZZ_REQUIRE(isfinite(expected) && expected >= 0.0);
    smpsim_dot_options o;
    smpsim_dot_options_init(&o);
    o.groups = b >> 6 & 1;
    o.mode = b >> 7 ? SMPSIM_SAMPLE_BEST : SMPSIM_SAMPLE_FAST;
    if (!(expected < (o.mode == SMPSIM_SAMPLE_BEST ? MAX_EXPECTED_BEST : MAX_EXPECTED)))
        return;
    o.max_dots = (size_t)(2.0 * expected) + 100;
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_dots *dots = (smpsim_dots *)&err;
    smpsim_status st = smpsim_field_dots(field, NULL, &o, 2026, &dots, &err);
    if (st != SMPSIM_OK) {
        FUZZ_REQUIRE(dots == NULL);
        FUZZ_REQUIRE(st == SMPSIM_ELIMIT || st == SMPSIM_ENOMEM);
        FUZZ_REQUIRE(err.status == st && err.message[0] != '\0');
        return;
    }
    FUZZ_REQUIRE(dots != NULL);
    smpsim_dot_options resolved = o;
    resolved.group_max_mm = 0.5;
    check_dots(field, dots, &resolved, expected);
    if (dots->count <= DETERMINISM_MAX_DOTS) {
        smpsim_dots *again = NULL;
        FUZZ_REQUIRE(smpsim_field_dots(field, NULL, &o, 2026, &again, &err) == SMPSIM_OK);
        FUZZ_REQUIRE(smpsim_dots_checksum(again) == smpsim_dots_checksum(dots));
        smpsim_dots_free(again);
    }
    smpsim_dots_free(dots);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t b = data[0];
    smpsim_load_options opts;
    smpsim_load_options_init(&opts);
    opts.max_pixels = MAP_MAX_PIXELS;
    opts.max_dimension = MAP_MAX_DIMENSION;
    smpsim_image *map = NULL;
    smpsim_error err = {SMPSIM_OK, ""};
    smpsim_status st = smpsim_image_load_memory(data + 1, size - 1, &opts, &map, &err);
    fuzz_check_load(st, map, &err, &opts);
    if (!map)
        return 0;

    smpsim_view view = view_from(b, map);
    smpsim_field *field = (smpsim_field *)&err;
    st = smpsim_field_from_map(map, &view, MAX_PER_CM2, 0.0, &field, &err);
    if (st != SMPSIM_OK) {
        FUZZ_REQUIRE(field == NULL);
        FUZZ_REQUIRE(st == SMPSIM_ELIMIT || st == SMPSIM_ENOMEM);
        FUZZ_REQUIRE(err.status == st && err.message[0] != '\0');
        smpsim_image_free(map);
        return 0;
    }
    FUZZ_REQUIRE(field != NULL);
    check_field(field, map, &view);
    make_dots(field, b);
    smpsim_field_free(field);
    smpsim_image_free(map);
    return 0;
}
