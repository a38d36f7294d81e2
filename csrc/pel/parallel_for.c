/* parallel_for.c — pel_parallel_for: [0, n) in chunks of `grain`. */
#include "pel/pel_internal.h"

static int for_chunk(struct pel_job *job, int64_t ci, int slot) {
    const pel_job_spec *s = (const pel_job_spec *)job; /* spec is first */
    int64_t b = ci * s->grain;
    int64_t e = s->n - b > s->grain ? b + s->grain : s->n;
    return s->for_fn(s->ctx, b, e, slot);
}

int pel_parallel_for(int64_t n, int64_t grain, pel_for_fn fn, void *ctx,
                     const pel_opts *opts) {
    if (n < 0 || grain < 1 || !fn || (opts && opts->max_threads < 0))
        return PEL_EINVAL;
    if (n == 0) return PEL_OK;
    pel_job_spec spec = {
        .nchunks = (n - 1) / grain + 1,
        .run_chunk = for_chunk,
        .n = n,
        .grain = grain,
        .for_fn = fn,
        .ctx = ctx,
        .cancel = opts ? opts->cancel : NULL,
    };
    spec.slots = pel_job_slots(opts);
    if (spec.nchunks == 1 || spec.slots == 1) return pel_job_run_inline(&spec);
    pel_pool_ensure();
    return pel_job_run(&spec);
}
