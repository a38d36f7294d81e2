/* parallel_for.c — pel_parallel_for: [0, n) in chunks of `grain`; how many
 * slots a job gets, and the one way a job is submitted. */
#include "pel/pel_internal.h"

int pel_job_slots(const pel_opts *opts) {
    if (pel_tls_depth > 0) return 1; /* nested calls run inline */
    int s = pel_get_num_threads();
    if (opts && opts->max_threads > 0 && opts->max_threads < s) s = opts->max_threads;
    return s;
}

int pel_job_submit(pel_job_spec *spec) {
    if (spec->nchunks == 1 || spec->slots <= 1 || pel_tls_depth > 0)
        return pel_job_run_inline(spec);
    /* Only ever lowered: callers sized per-slot state for spec->slots
     * (pel_job_run runs a 1-slot job inline). */
    spec->slots = pel_contention_cap(spec->slots);
    pel_pool_ensure();
    /* Never more slots than threads that can show up. */
    int workers = pel_pool_workers();
    if (spec->slots > workers + 1) spec->slots = workers + 1;
    return pel_job_run(spec);
}

typedef struct for_ctx {
    int64_t n, grain;
    pel_for_fn fn;
    void *ctx;
} for_ctx;

static int for_chunk(void *ctx, int64_t ci, int slot) {
    const for_ctx *f = ctx;
    int64_t b, e;
    pel_chunk_bounds(f->n, f->grain, ci, &b, &e);
    return f->fn(f->ctx, b, e, slot);
}

int pel_parallel_for(int64_t n, int64_t grain, pel_for_fn fn, void *ctx,
                     const pel_opts *opts) {
    if (n < 0 || grain < 1 || !fn || (opts && opts->max_threads < 0))
        return PEL_EINVAL;
    if (n == 0) return PEL_OK;
    for_ctx f = {n, grain, fn, ctx};
    pel_job_spec spec = {
        .nchunks = (n - 1) / grain + 1,
        .run_chunk = for_chunk,
        .ctx = &f,
        .n = n,
        .grain = grain,
        .cancel = opts ? opts->cancel : NULL,
        .poll = opts ? opts->poll : NULL,
        .poll_arg = opts ? opts->poll_arg : NULL,
    };
    spec.slots = pel_job_slots(opts);
    return pel_job_submit(&spec);
}
