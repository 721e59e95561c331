/* sRGB transfer functions (IEC 61966-2-1). */
#include "base/base-private.h"

#include <math.h>

double smpsim__srgb_to_linear(double v)
{
    if (v <= 0.04045)
        return v / 12.92;
    return pow((v + 0.055) / 1.055, 2.4);
}

double smpsim__linear_to_srgb(double v)
{
    if (v <= 0.0031308)
        return v * 12.92;
    return 1.055 * pow(v, 1.0 / 2.4) - 0.055;
}
