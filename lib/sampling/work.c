/* The geometry's work budget and the caller's cancel callback. */
#include "sampling/sampling-private.h"

#include <pthread.h>
#include <unistd.h>

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

unsigned smpsim__dot_threads(const smpsim_dot_options *o)
{
    if (o->threads)
        return o->threads < SMPSIM__MAX_DOT_THREADS ? o->threads : SMPSIM__MAX_DOT_THREADS;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : (n > 8 ? 8u : (unsigned)n);
}

typedef struct job {
    void (*fn)(void *, size_t);
    void *arg;
    size_t t;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    j->fn(j->arg, j->t);
    return NULL;
}

void smpsim__run_threads(size_t n, void (*fn)(void *arg, size_t t), void *arg)
{
    job jobs[SMPSIM__MAX_DOT_THREADS];
    pthread_t ids[SMPSIM__MAX_DOT_THREADS];
    bool started[SMPSIM__MAX_DOT_THREADS] = {false};
    n = n < SMPSIM__MAX_DOT_THREADS ? n : SMPSIM__MAX_DOT_THREADS;
    for (size_t t = 1; t < n; t++) {
        jobs[t] = (job){fn, arg, t};
        started[t] = pthread_create(&ids[t], NULL, run_job, &jobs[t]) == 0;
    }
    if (n > 0)
        fn(arg, 0);
    for (size_t t = 1; t < n; t++) {
        if (started[t])
            pthread_join(ids[t], NULL);
        else
            fn(arg, t);
    }
}
