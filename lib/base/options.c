/* Options structs: initialisers that record the caller's struct size. */
#include "base/base-private.h"

/* The copy records its own size also when src is NULL (the defaults):
 * otherwise a copy of a copy of the defaults, changed and handed back,
 * would read as a struct of 0 bytes and lose every change. */
void smpsim__copy_options(void *dst, size_t dst_size, const void *src)
{
    memset(dst, 0, dst_size);
    memcpy(dst, &dst_size, sizeof dst_size);
    if (!src)
        return;
    size_t n;
    memcpy(&n, src, sizeof n);
    if (n > dst_size)
        n = dst_size;
    memcpy(dst, src, n);
    memcpy(dst, &dst_size, sizeof dst_size);
}

#define DEFINE_OPTIONS_INIT(type, name)                                                  \
    void name(type *opts, size_t struct_size)                                            \
    {                                                                                    \
        if (!opts || struct_size < sizeof(size_t))                                       \
            return;                                                                      \
        memset(opts, 0, struct_size);                                                    \
        memcpy(opts, &struct_size, sizeof struct_size);                                  \
    }

DEFINE_OPTIONS_INIT(smpsim_load_options, smpsim_load_options_init_)
#if SMPSIM_HAVE_PNG
DEFINE_OPTIONS_INIT(smpsim_save_options, smpsim_save_options_init_)
#endif
DEFINE_OPTIONS_INIT(smpsim_region_params, smpsim_region_params_init_)
DEFINE_OPTIONS_INIT(smpsim_sample_options, smpsim_sample_options_init_)
DEFINE_OPTIONS_INIT(smpsim_render_options, smpsim_render_options_init_)
DEFINE_OPTIONS_INIT(smpsim_dot_options, smpsim_dot_options_init_)
#if SMPSIM_HAVE_JSON
DEFINE_OPTIONS_INIT(smpsim_design_load_options, smpsim_design_load_options_init_)
#endif
#if SMPSIM_HAVE_CAIRO
DEFINE_OPTIONS_INIT(smpsim_guides_options, smpsim_guides_options_init_)
DEFINE_OPTIONS_INIT(smpsim_plan_options, smpsim_plan_options_init_)
#endif
DEFINE_OPTIONS_INIT(smpsim_stats_options, smpsim_stats_options_init_)
DEFINE_OPTIONS_INIT(smpsim_hairline_params, smpsim_hairline_params_init_)
DEFINE_OPTIONS_INIT(smpsim_landmarks, smpsim_landmarks_init_)
