/* parallel_reduce.c — pel_parallel_reduce: one partial per fixed chunk,
 * combined in a fixed pairwise tree, so the result never depends on the
 * number of threads or on which thread ran which chunk. */
#include "pel/pel_internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct reduce_ctx {
    int64_t n, grain;
    pel_reduce_fn fn;
    void *ctx;
    char *partials; /* one per chunk, partial_size bytes each */
    size_t partial_size;
} reduce_ctx;

static int reduce_chunk(void *ctx, int64_t ci, int slot) {
    const reduce_ctx *r = ctx;
    int64_t b, e;
    pel_chunk_bounds(r->n, r->grain, ci, &b, &e);
    return r->fn(r->ctx, b, e, r->partials + (size_t)ci * r->partial_size,
                 slot);
}

void pel_pairwise_combine(char *p, int64_t n, size_t stride,
                          pel_combine_fn combine, void *ctx) {
    for (int64_t w = 1; w < n; w *= 2)
        for (int64_t i = 0; i + w < n; i += 2 * w)
            combine(ctx, p + (size_t)i * stride, p + (size_t)(i + w) * stride);
}

int pel_parallel_reduce(int64_t n, int64_t grain, size_t partial_size,
                        pel_reduce_fn fn, pel_combine_fn combine, void *ctx,
                        void *result, const pel_opts *opts) {
    if (n < 0 || grain < 1 || !fn || !combine || partial_size == 0 || !result ||
        (opts && opts->max_threads < 0))
        return PEL_EINVAL;
    int64_t nch = n == 0 ? 1 : (n - 1) / grain + 1;
    if ((uint64_t)nch > SIZE_MAX / partial_size) return PEL_ENOMEM;
    /* Small grids keep their partials on the stack (no malloc per call). */
    _Alignas(64) char local[2048];
    size_t bytes = (size_t)nch * partial_size;
    char *partials = bytes <= sizeof local ? local : malloc(bytes);
    if (!partials) return PEL_ENOMEM;
    reduce_ctx r = {n, grain, fn, ctx, partials, partial_size};
    pel_job_spec spec = {
        .nchunks = nch,
        .run_chunk = reduce_chunk,
        .ctx = &r,
        .n = n,
        .grain = grain,
        .cancel = opts ? opts->cancel : NULL,
        .poll = opts ? opts->poll : NULL,
        .poll_arg = opts ? opts->poll_arg : NULL,
    };
    spec.slots = pel_job_slots(opts);
    int rc = pel_job_submit(&spec);
    if (rc == PEL_OK) {
        pel_pairwise_combine(partials, nch, partial_size, combine, ctx);
        memcpy(result, partials, partial_size);
    }
    if (partials != local) free(partials);
    return rc;
}
