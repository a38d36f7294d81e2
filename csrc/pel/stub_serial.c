/* TEMPORARY serial stand-in for the execution layer so the layers above can
 * build; replaced by the real pool. */
#include "pel/pel.h"
#include <stdlib.h>
#include <string.h>

static volatile int g_interrupt;
static int g_threads = 1;

int pel_parallel_for(int64_t n, int64_t grain, pel_for_fn fn, void *ctx,
                     const pel_opts *opts) {
    if (n < 0 || grain < 1 || !fn) return PEL_EINVAL;
    for (int64_t b = 0; b < n; b += grain) {
        if (opts && opts->cancel && *opts->cancel) return PEL_ECANCELED;
        int64_t e = b + grain < n ? b + grain : n;
        int rc = fn(ctx, b, e, 0);
        if (rc) return rc;
    }
    return PEL_OK;
}

int pel_parallel_reduce(int64_t n, int64_t grain, size_t psize,
                        pel_reduce_fn fn, pel_combine_fn combine, void *ctx,
                        void *result, const pel_opts *opts) {
    if (n < 0 || grain < 1 || !fn || !combine) return PEL_EINVAL;
    int64_t nch = n == 0 ? 1 : (n + grain - 1) / grain;
    char *p = malloc((size_t)nch * psize);
    if (!p) return PEL_ENOMEM;
    for (int64_t i = 0; i < nch; i++) {
        int64_t b = i * grain, e = b + grain < n ? b + grain : n;
        int rc = fn(ctx, b, e, p + i * psize, 0);
        if (rc) { free(p); return rc; }
    }
    for (int64_t w = 1; w < nch; w *= 2)
        for (int64_t i = 0; i + w < nch; i += 2 * w)
            combine(ctx, p + i * psize, p + (i + w) * psize);
    memcpy(result, p, psize);
    free(p);
    (void)opts;
    return PEL_OK;
}

int pel_job_slots(const pel_opts *o) { (void)o; return 1; }
int pel_get_num_threads(void) { return g_threads; }
int pel_set_num_threads(int n) { int o = g_threads; g_threads = n > 0 ? n : 1; return o; }
int pel_default_num_threads(void) { return 1; }
int pel_available_cpus(void) { return 1; }
void pel_interrupt(void) { g_interrupt = 1; }
int pel_in_parallel(void) { return 0; }
int pel_get_stats(pel_worker_stats *out, int max) { if (max > 0) memset(out, 0, sizeof *out); return 1; }
void pel_reset_stats(void) {}
void pel_shutdown(void) {}
