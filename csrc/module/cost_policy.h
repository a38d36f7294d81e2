/*
 * cost_policy.h — the one rule for how a job is cut: inline on the calling
 * thread, or in chunks of how many elements. Every entry point (elementwise
 * functions, evaluate, map, reductions, stream kernels) describes its work
 * the same way and asks pelx_grain.
 */
#ifndef PELX_COST_POLICY_H
#define PELX_COST_POLICY_H

#include <stdint.h>

typedef struct pelx_work {
    int64_t n;              /* elements (or reduced elements) */
    int64_t cost_per_elem;  /* in additions (pel_kernel_cost; VM: the sum
                               over its instructions) */
    int64_t bytes_per_elem; /* operand bytes per element, summed */
    int64_t chunk_setup;    /* fixed cost of starting a chunk, in
                               additions: 0 for flat pointers,
                               PELX_ITER_CHUNK_SETUP for an iterator reset */
} pelx_work;

/* An NpyIter reset to a range (buffer set-up, first fill) costs about as
 * much as a few thousand float64 additions (callgrind: ~9,000 instructions
 * for a buffered float64 iterator of 2-4 operands). With SETUP_RATIO
 * (cost_policy.c) a chunk of a cost-1 program is then 64 Ki elements. */
#define PELX_ITER_CHUNK_SETUP 4096

/* The grain for pelx_run_for over w->n elements: >= w->n (one chunk, run
 * inline, GIL kept) when the whole job is cheaper than a pool round-trip;
 * else chunks small enough to stay in cache and to balance, large enough
 * that their set-up is noise. Always >= 1. */
int64_t pelx_grain(const pelx_work *w);

/* Jobs of at most this many elements at this cost run inline (the first
 * rule of pelx_grain, for callers that decide per call in a few
 * nanoseconds: NumPy's patched loops). */
int64_t pelx_inline_limit(int64_t cost_per_elem);

/* The grain for a job whose chunk grid is fixed by its own rules (a
 * reduction: the grid fixes the summation order), `ntasks` tasks of which
 * `grain` make a chunk: `ntasks` (one chunk, inline) when the policy would
 * run w inline, else `grain`. */
int64_t pelx_fixed_grid_grain(const pelx_work *w, int64_t ntasks,
                              int64_t grain);

#endif
