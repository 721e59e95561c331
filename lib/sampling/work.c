/* The geometry's work budget and the caller's cancel callback. */
#include "sampling/sampling-private.h"

#define POLL_UNITS (UINT64_C(1) << 20)

void smpsim__work_init(smpsim__work *w, const smpsim_dot_options *o)
{
    w->used = 0;
    w->limit = o->max_work;
    w->cancel = o->cancel;
    w->cancel_arg = o->cancel_arg;
    w->next_poll = POLL_UNITS < w->limit ? POLL_UNITS : w->limit;
}

smpsim_status smpsim__work_poll(smpsim__work *w, smpsim_error *err)
{
    if (w->used > w->limit)
        return smpsim__fail(err, SMPSIM_ELIMIT,
                            "the outlines need more than the work budget of %llu edge tests "
                            "(dot options max_work): simplify the outlines (fewer points, "
                            "fewer discs) or raise the budget",
                            (unsigned long long)w->limit);
    if (w->cancel && w->cancel(w->cancel_arg))
        return smpsim__fail(err, SMPSIM_ECANCELED, "cancelled by the caller");
    uint64_t next = w->used + POLL_UNITS;
    w->next_poll = next < w->limit ? next : w->limit + 1;
    return SMPSIM_OK;
}
