/*
 * stream.h — STREAM-like bandwidth kernels (copy and triad over float64),
 * written as execution-layer chunk functions so the pool runs them exactly
 * as it runs every other job. They measure the memory-bandwidth ceiling
 * that pelx's memory-bound results are compared against.
 *
 * No Python here: csrc/module/stream_binding.c times and exposes them.
 *
 *   copy   a[i] = b[i]              moves 16 bytes per element
 *   triad  a[i] = b[i] + s * c[i]   moves 24 bytes per element
 *
 * Byte counts follow STREAM's convention: each array read or written is
 * counted once; the extra read of `a` that a write-allocate cache performs
 * is not counted.
 */
#ifndef PEL_STREAM_H
#define PEL_STREAM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Arguments of one copy/triad job (the ctx of the chunk functions). */
typedef struct pel_stream_args {
    double *a;       /* destination, n elements */
    const double *b; /* first source, n elements */
    const double *c; /* second source (triad only), n elements */
    double scalar;   /* triad's s */
} pel_stream_args;

/* Elements per chunk. 32 Ki doubles = 256 KiB per array: a triad chunk
 * touches 768 KiB, large enough that scheduling costs nothing next to the
 * memory traffic and small enough that a 2^24-element array splits into 512
 * chunks, which keeps all threads busy until the end. */
#define PEL_STREAM_GRAIN ((int64_t)32768)

/* Bytes counted per element (STREAM convention, see above). */
#define PEL_STREAM_COPY_BYTES 16
#define PEL_STREAM_TRIAD_BYTES 24

/* pel_for_fn chunk functions over [begin, end); ctx is a pel_stream_args.
 * Always return 0. */
int pel_stream_copy_chunk(void *ctx, int64_t begin, int64_t end, int slot);
int pel_stream_triad_chunk(void *ctx, int64_t begin, int64_t end, int slot);

#ifdef __cplusplus
}
#endif

#endif /* PEL_STREAM_H */
