/* Built with -std=c99 -pedantic-errors -Werror: the public header alone. */
#include <smpsim/smpsim.h>

int main(void)
{
    smpsim_load_options opts;
    smpsim_load_options_init(&opts);
    return smpsim_strerror(SMPSIM_OK)[0] == 's' && opts.struct_size == sizeof opts ? 0 : 1;
}
