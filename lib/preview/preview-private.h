/* Private declarations of lib/preview: the pipeline a caller runs to make
 * a preview (design + photo + look -> image) and its provenance. Not
 * installed. */
#ifndef SMPSIM_PREVIEW_PRIVATE_H
#define SMPSIM_PREVIEW_PRIVATE_H

#include "sampling/sampling-private.h"

/* look.c: one numeric setting of a look: its JSON key, its range, where it
 * lives. The range is the one the CLI accepts for the same flag. */
typedef struct smpsim__look_number {
    const char *key;
    double lo, hi;
    size_t offset; /* of the double in smpsim_look */
} smpsim__look_number;

extern const smpsim__look_number smpsim__look_numbers[];
extern const size_t smpsim__n_look_numbers;

/* Names of the states and UV exposures as the look's JSON spells them
 * (indexed by smpsim_dot_state and smpsim_uv_exposure). */
extern const char *const smpsim__state_names[4];
extern const char *const smpsim__uv_names[3];

#endif
