/* parallel_reduce.c — pel_parallel_reduce: one partial per fixed chunk,
 * combined in a fixed pairwise tree, so the result never depends on the
 * number of threads or on which thread ran which chunk. */
#include "pel/pel_internal.h"
#include <stdlib.h>
#include <string.h>

static int reduce_chunk(struct pel_job *job, int64_t ci, int slot) {
    const pel_job_spec *s = (const pel_job_spec *)job; /* spec is first */
    int64_t b = ci * s->grain;
    int64_t e = s->n - b > s->grain ? b + s->grain : s->n;
    if (e < b) e = b; /* n == 0: one empty chunk */
    return s->reduce_fn(s->ctx, b, e, s->partials + (size_t)ci * s->partial_size,
                        slot);
}

/* Pairwise tree over chunk indices: level w combines chunk i with chunk
 * i + w for i a multiple of 2w, so chunk 0 ends up holding the total. */
static void combine_tree(char *p, int64_t nch, size_t psize,
                         pel_combine_fn combine, void *ctx) {
    for (int64_t w = 1; w < nch; w *= 2)
        for (int64_t i = 0; i + w < nch; i += 2 * w)
            combine(ctx, p + (size_t)i * psize, p + (size_t)(i + w) * psize);
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
    pel_job_spec spec = {
        .nchunks = nch,
        .run_chunk = reduce_chunk,
        .n = n,
        .grain = grain,
        .reduce_fn = fn,
        .ctx = ctx,
        .partials = partials,
        .partial_size = partial_size,
        .cancel = opts ? opts->cancel : NULL,
    };
    spec.slots = pel_job_slots(opts);
    int rc;
    if (nch == 1 || spec.slots == 1) {
        rc = pel_job_run_inline(&spec);
    } else {
        pel_pool_ensure();
        rc = pel_job_run(&spec);
    }
    if (rc == PEL_OK) {
        combine_tree(partials, nch, partial_size, combine, ctx);
        memcpy(result, partials, partial_size);
    }
    if (partials != local) free(partials);
    return rc;
}
