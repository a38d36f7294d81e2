/* cost_policy.c — see cost_policy.h. */
#include "module/cost_policy.h"

/* Jobs cheaper than this many additions run inline on the calling thread:
 * waking pool threads costs ~10 us, about what 64 Ki float64 additions
 * take on one core, so smaller jobs cannot gain. */
#define INLINE_COST (64 * 1024)

/* Operand bytes (inputs + output, summed) that one chunk touches at least.
 * 32 KiB fits L1d together with the kernel's working set and is a few
 * microseconds of work even for the cheapest op, so Ctrl-C (polled between
 * chunks) and work stealing stay responsive. */
#define CHUNK_BYTES (32 * 1024)

/* A chunk does at least this many times its own set-up cost in work, so
 * set-up stays under ~1/16 of the time. */
#define SETUP_RATIO 16

int64_t pelx_inline_limit(int64_t cost_per_elem) {
    return INLINE_COST / (cost_per_elem > 0 ? cost_per_elem : 1);
}

int64_t pelx_grain(const pelx_work *w) {
    const int64_t n = w->n > 0 ? w->n : 1;
    const int64_t cost = w->cost_per_elem > 0 ? w->cost_per_elem : 1;
    if (n <= pelx_inline_limit(cost)) return n;
    int64_t grain = CHUNK_BYTES / (w->bytes_per_elem > 0 ? w->bytes_per_elem : 1);
    const int64_t setup = w->chunk_setup * SETUP_RATIO / cost;
    if (grain < setup) grain = setup;
    return grain > 0 ? grain : 1;
}

int64_t pelx_fixed_grid_grain(const pelx_work *w, int64_t ntasks,
                              int64_t grain) {
    return pelx_grain(w) >= w->n ? ntasks : grain;
}
