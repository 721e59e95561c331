/* Built against the installed library through pkg-config. */
#include <smpsim/smpsim.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    if (strcmp(smpsim_version(), SMPSIM_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s, library %s\n", SMPSIM_VERSION_STRING, smpsim_version());
        return 1;
    }
    smpsim_error err = {0};
    smpsim_design *d = NULL;
    smpsim_dots *dots = NULL;
    double square[] = {0, 0, 10, 0, 10, 10, 0, 10};
    if (smpsim_design_new(&d, &err) != SMPSIM_OK ||
        smpsim_design_add_polygon(d, square, 4, SMPSIM_UNITS_MM, NULL, &err) != SMPSIM_OK ||
        smpsim_design_dots(d, &dots, &err) != SMPSIM_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        return 1;
    }
    printf("installed smpsim %s: %zu dots in 1 cm2\n", smpsim_version(), dots->count);
    /* 1 cm2 at the default 100 dots/cm2 (the fast sampler: within a few %). */
    int ok = dots->count >= 90 && dots->count <= 110;
    smpsim_dots_free(dots);
    smpsim_design_free(d);
    return ok ? 0 : 1;
}
