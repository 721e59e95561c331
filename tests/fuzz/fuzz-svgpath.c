/* Fuzz target: SVG path strings through smpsim_path_parse_svg().
 *
 * The input bytes (up to the first NUL) are the path string. Whatever they
 * are, parsing must return a status without crashing, leaking or reading
 * memory it does not own, and:
 * - a failure leaves *out NULL, is EFORMAT or ELIMIT (ENOMEM tolerated) and
 *   has a message; an EFORMAT message gives a byte position inside the
 *   string;
 * - a success gives a well-formed path: at least one point and one
 *   subpath, subpaths starting in increasing order inside the points,
 *   closed flags 0 or 1, finite coordinates, at most 1 000 000 points;
 * - parsing is deterministic (the same bytes twice);
 * - a coarser tolerance never fails where a finer one succeeds, gives no
 *   more points and the same subpaths, and a format error is the same
 *   error at either tolerance. */
#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FINE_TOLERANCE 0.0   /* the default, 0.25 */
#define COARSE_TOLERANCE 4.0

static void check_outcome(smpsim_status status, const smpsim_path *path, const smpsim_error *err,
                          size_t length)
{
    if (status != SMPSIM_OK) {
        FUZZ_REQUIRE(path == NULL);
        FUZZ_REQUIRE(status == SMPSIM_EFORMAT || status == SMPSIM_ELIMIT ||
                     status == SMPSIM_ENOMEM);
        FUZZ_REQUIRE(err->status == status);
        FUZZ_REQUIRE(memchr(err->message, '\0', sizeof err->message) != NULL);
        FUZZ_REQUIRE(strncmp(err->message, "svg path: ", 10) == 0);
        if (status == SMPSIM_EFORMAT) {
            size_t at = (size_t)-1;
            FUZZ_REQUIRE(sscanf(err->message, "svg path: at byte %zu:", &at) == 1);
            FUZZ_REQUIRE(at <= length);
        }
        return;
    }
    FUZZ_REQUIRE(path != NULL && err->status == SMPSIM_OK);
    FUZZ_REQUIRE(path->n_points >= 1 && path->n_points <= 1000000);
    FUZZ_REQUIRE(path->n_subpaths >= 1 && path->n_subpaths <= path->n_points);
    FUZZ_REQUIRE(path->subpath_start[0] == 0);
    for (size_t i = 0; i < path->n_subpaths; i++) {
        FUZZ_REQUIRE(path->closed[i] <= 1);
        if (i > 0)
            FUZZ_REQUIRE(path->subpath_start[i] > path->subpath_start[i - 1]);
        FUZZ_REQUIRE(path->subpath_start[i] < path->n_points);
    }
    double sum = 0;
    for (size_t i = 0; i < 2 * path->n_points; i++) {
        FUZZ_REQUIRE(path->xy[i] == path->xy[i] && path->xy[i] - path->xy[i] == 0.0);
        sum += path->xy[i]; /* reads every coordinate */
    }
    FUZZ_REQUIRE(sum == sum);
}

static smpsim_status parse(const char *d, size_t length, double tolerance, smpsim_path **out,
                           smpsim_error *err)
{
    smpsim_error_clear(err);
    *out = (smpsim_path *)err; /* must be overwritten */
    smpsim_status status = smpsim_path_parse_svg(d, tolerance, out, err);
    check_outcome(status, *out, err, length);
    return status;
}

static int same_path(const smpsim_path *a, const smpsim_path *b)
{
    return a->n_points == b->n_points && a->n_subpaths == b->n_subpaths &&
           memcmp(a->xy, b->xy, 2 * a->n_points * sizeof(double)) == 0 &&
           memcmp(a->subpath_start, b->subpath_start, a->n_subpaths * sizeof(size_t)) == 0 &&
           memcmp(a->closed, b->closed, a->n_subpaths) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *d = malloc(size + 1);
    FUZZ_REQUIRE(d != NULL);
    if (size > 0)
        memcpy(d, data, size);
    d[size] = '\0';
    size_t length = strlen(d);

    smpsim_path *fine = NULL, *again = NULL, *coarse = NULL;
    smpsim_error err_fine, err_again, err_coarse;
    smpsim_status st_fine = parse(d, length, FINE_TOLERANCE, &fine, &err_fine);
    smpsim_status st_again = parse(d, length, FINE_TOLERANCE, &again, &err_again);
    FUZZ_REQUIRE(st_fine == st_again);
    FUZZ_REQUIRE(strcmp(err_fine.message, err_again.message) == 0);
    FUZZ_REQUIRE(st_fine != SMPSIM_OK || same_path(fine, again));

    smpsim_status st_coarse = parse(d, length, COARSE_TOLERANCE, &coarse, &err_coarse);
    if (st_fine == SMPSIM_OK) {
        FUZZ_REQUIRE(st_coarse == SMPSIM_OK);
        FUZZ_REQUIRE(coarse->n_points <= fine->n_points);
        FUZZ_REQUIRE(coarse->n_subpaths == fine->n_subpaths);
        FUZZ_REQUIRE(memcmp(coarse->closed, fine->closed, fine->n_subpaths) == 0);
    } else if (st_fine == SMPSIM_EFORMAT) {
        FUZZ_REQUIRE(st_coarse == SMPSIM_EFORMAT);
        FUZZ_REQUIRE(strcmp(err_fine.message, err_coarse.message) == 0);
    }
    smpsim_path_free(fine);
    smpsim_path_free(again);
    smpsim_path_free(coarse);
    free(d);
    return 0;
}
