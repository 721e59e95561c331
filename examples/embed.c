/* The smallest useful program with smpsim: dots over a photo.
 *   embed IN.png OUT.png */
#include <smpsim/smpsim.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN.png OUT.png\n", argv[0]);
        return 2;
    }
    smpsim_error err = {0};
    smpsim_image *photo = NULL;
    smpsim_design *design = NULL;
    smpsim_dots *dots = NULL;

    smpsim_status st = smpsim_image_load(argv[1], NULL, &photo, &err);
    if (st == SMPSIM_OK)
        st = smpsim_design_new(&design, &err);
    if (st == SMPSIM_OK) {
        smpsim_view view = smpsim_view_flat(6.5); /* photo pixels per mm */
        smpsim_region_params params;
        smpsim_region_params_init(&params);
        params.density_per_cm2 = 90;
        params.shade = 4;
        /* A 40 x 25 mm patch, 10 mm from the top-left corner. */
        double patch_mm[] = {10, 10, 50, 10, 50, 35, 10, 35};
        st = smpsim_design_set_view(design, &view, &err);
        if (st == SMPSIM_OK)
            st = smpsim_design_add_polygon(design, patch_mm, 4, SMPSIM_UNITS_MM, &params, &err);
    }
    if (st == SMPSIM_OK)
        st = smpsim_design_dots(design, &dots, &err);
    if (st == SMPSIM_OK)
        st = smpsim_render_dots(photo, smpsim_design_get_view(design), dots, NULL, &err);
    if (st == SMPSIM_OK)
        st = smpsim_image_save_png(photo, argv[2], NULL, &err);
    if (st == SMPSIM_OK)
        printf("%zu dots -> %s\n", dots->count, argv[2]);
    else
        fprintf(stderr, "embed: %s\n", err.message);

    smpsim_dots_free(dots);
    smpsim_design_free(design);
    smpsim_image_free(photo);
    return st == SMPSIM_OK ? 0 : 1;
}
