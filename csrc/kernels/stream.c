/* stream.c — the STREAM-like copy and triad chunk functions (stream.h). */
#include "kernels/stream.h"

int pel_stream_copy_chunk(void *ctx, int64_t begin, int64_t end, int slot) {
    (void)slot;
    const pel_stream_args *s = ctx;
    double *restrict a = s->a;
    const double *restrict b = s->b;
    for (int64_t i = begin; i < end; i++) a[i] = b[i];
    return 0;
}

int pel_stream_triad_chunk(void *ctx, int64_t begin, int64_t end, int slot) {
    (void)slot;
    const pel_stream_args *s = ctx;
    double *restrict a = s->a;
    const double *restrict b = s->b;
    const double *restrict c = s->c;
    const double q = s->scalar;
    for (int64_t i = begin; i < end; i++) a[i] = b[i] + q * c[i];
    return 0;
}
