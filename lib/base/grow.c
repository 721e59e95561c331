/* Growable arrays: capacity doubled as items are appended. */
#include "base/base-private.h"

#include <stdlib.h>

bool smpsim__reserve(void **items, size_t *cap, size_t need, size_t item_size, size_t first_cap)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : first_cap, bytes;
    while (n < need)
        if (!smpsim__mul_size(n, 2, &n))
            return false;
    if (!smpsim__mul_size(n, item_size, &bytes))
        return false;
    void *grown = realloc(*items, bytes);
    if (!grown)
        return false;
    *items = grown;
    *cap = n;
    return true;
}
