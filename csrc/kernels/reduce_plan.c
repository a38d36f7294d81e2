/*
 * reduce_plan.c — cutting a reduction into tasks for pel_parallel_for, and
 * combining the partials in a fixed order (see reduce.h).
 *
 * Two plans, chosen from the view alone:
 *
 *   inner   each output's reduced range is cut into chunks of PEL_RED_CHUNK
 *           elements; task t = (output m, chunk c). With one chunk per
 *           output (short reductions: sum(axis=1) of a C array), a task is
 *           a group of whole outputs and writes them directly; otherwise
 *           each task writes a partial and finish() combines the partials
 *           of every output pairwise (full reductions: sum(a)).
 *
 *   cols    when the kept inner axis has the smaller stride (sum(axis=0) of
 *           a C array): a task takes a block of PEL_RED_COL_BLOCK outputs
 *           and a group of rows, accumulates rows in order within chunks of
 *           PEL_RED_ROW_CHUNK rows, vectorized across the block, and
 *           combines the chunks pairwise; groups are combined pairwise in
 *           finish().
 *
 * Neither the cut nor the combine order depends on the number of threads,
 * which only decides who runs which task.
 */
#include "kernels/reduce.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* The kernel's combine in the execution layer's form (ctx: the kernel). */
static void kernel_combine(void *ctx, void *acc, const void *rhs) {
    ((const pel_red_kernel *)ctx)->combine(acc, rhs);
}

/* Partials of one output, combined in the one pairwise order. */
static void tree_combine(const pel_red_kernel *k, char *p, int64_t n,
                         size_t stride) {
    pel_pairwise_combine(p, n, stride, kernel_combine, (void *)k);
}

/* Kept offset of output m. */
static const char *out_base(const pel_red_job *j, int64_t m) {
    int64_t M0 = j->v.keep_shape[1];
    return j->v.data + (m / M0) * j->v.keep_strides[0] +
           (m % M0) * j->v.keep_strides[1];
}

/* The plan of an initialized job (k, v, M, K, cols set). */
static int plan_inner_or_cols(pel_red_job *j) {
    const pel_red_kernel *k = j->k;
    const pel_red_view *v = &j->v;
    int64_t M0 = v->keep_shape[1];
    size_t ps = k->partial_size;
    if (!j->cols) {
        j->chunk = PEL_RED_CHUNK;
        j->nch = ceil_div(j->K, j->chunk);
        if (j->nch == 1) {
            j->ntasks = j->M;
            j->grain = PEL_RED_CHUNK / j->K > 1 ? PEL_RED_CHUNK / j->K : 1;
        } else {
            j->ntasks = j->M * j->nch;
            j->grain = 1;
            j->partials = malloc((size_t)j->ntasks * ps);
            if (!j->partials) return PEL_ENOMEM;
        }
        return PEL_OK;
    }
    int64_t w = M0 < PEL_RED_COL_BLOCK ? M0 : PEL_RED_COL_BLOCK;
    /* rows per group: a multiple of PEL_RED_ROW_CHUNK, about
     * PEL_RED_TASK_ELEMS elements per task */
    int64_t chunks = PEL_RED_TASK_ELEMS / (w * PEL_RED_ROW_CHUNK);
    if (chunks < 1) chunks = 1;
    j->chunk = chunks * PEL_RED_ROW_CHUNK;
    j->nch = ceil_div(j->K, j->chunk);
    j->ncb = ceil_div(M0, PEL_RED_COL_BLOCK);
    j->depth = 1;
    for (int64_t n = 1; n < chunks; n *= 2) j->depth++;
    j->ntasks = v->keep_shape[0] * j->ncb * j->nch;
    j->grain = 1;
    if (j->nch > 1) {
        j->partials =
            malloc((size_t)j->ntasks * PEL_RED_COL_BLOCK * ps);
        if (!j->partials) return PEL_ENOMEM;
    }
    return PEL_OK;
}

int pel_red_job_init(pel_red_job *j, const pel_red_kernel *k,
                     const pel_red_view *v, char *out, const char *aux) {
    memset(j, 0, sizeof *j);
    if (!k || !v || !out) return PEL_EINVAL;
    for (int d = 0; d < 2; d++)
        if (v->keep_shape[d] < 1 || v->red_shape[d] < 1) return PEL_EINVAL;
    if (k->aux_size && k->op == PEL_RED_sumsqdev && !aux) return PEL_EINVAL;
    if ((k->op == PEL_RED_dot || k->op == PEL_RED_vdot) &&
        (!v->data2 || v->red_shape[0] != 1))
        return PEL_EINVAL;
    j->k = k;
    j->v = *v;
    j->out = out;
    j->aux = aux;
    j->M = v->keep_shape[0] * v->keep_shape[1];
    j->K = v->red_shape[0] * v->red_shape[1];
    int64_t M0 = v->keep_shape[1];
    int64_t ks = llabs(v->keep_strides[1]), rs = llabs(v->red_strides[1]);
    j->cols = k->cols != NULL && M0 > 1 && j->K > 1 && ks < rs;
    return plan_inner_or_cols(j);
}

int pel_red_job_init_values(pel_red_job *j, const pel_red_kernel *k,
                            int64_t M, int64_t K, char *out) {
    memset(j, 0, sizeof *j);
    if (!k || !out || M < 1 || K < 1 || k->op == PEL_RED_sumsqdev ||
        k->op == PEL_RED_dot || k->op == PEL_RED_vdot)
        return PEL_EINVAL;
    j->k = k;
    j->out = out;
    j->M = M;
    j->K = K;
    /* No data: only the shape matters to the inner plan. */
    j->v.keep_shape[0] = j->v.red_shape[0] = 1;
    j->v.keep_shape[1] = M;
    j->v.red_shape[1] = K;
    return plan_inner_or_cols(j);
}

void pel_red_job_span(const pel_red_job *j, int64_t t, int64_t *m,
                      int64_t *begin, int64_t *end) {
    int64_t c = j->nch == 1 ? 0 : t % j->nch;
    *m = j->nch == 1 ? t : t / j->nch;
    *begin = c * j->chunk;
    *end = *begin + j->chunk < j->K ? *begin + j->chunk : j->K;
}

/* Inner plan: task t reduces [b, e) of the output at `base` in view v. */
static void inner_task(pel_red_job *j, int64_t t, int64_t m,
                       const char *base, const pel_red_view *v, int64_t b,
                       int64_t e) {
    const pel_red_kernel *k = j->k;
    const char *aux = j->aux ? j->aux + m * k->aux_size : NULL;
    if (j->nch == 1) {
        /* partial on the stack: the largest is (complex128, int64) */
        _Alignas(16) char part[64];
        k->range(base, v, b, e, part, aux);
        k->store(part, j->out + m * k->out_size);
        return;
    }
    char *part = j->partials + (size_t)t * k->partial_size;
    if (k->stop >= 0 && j->M == 1) {
        /* Relaxed is enough: `decided` only saves work. A chunk that sees
         * it takes the deciding value, which some chunk really holds, so
         * the combined result is the same whether or not it is seen; the
         * partials themselves are published by the pool's join. */
        if (atomic_load_explicit(&j->decided, memory_order_relaxed)) {
            *(uint8_t *)part = (uint8_t)k->stop;
            return;
        }
        k->range(base, v, b, e, part, aux);
        if (*(const uint8_t *)part == (uint8_t)k->stop)
            atomic_store_explicit(&j->decided, 1, memory_order_relaxed);
        return;
    }
    k->range(base, v, b, e, part, aux);
}

void pel_red_job_task_values(pel_red_job *j, int64_t t,
                             const char *values) {
    int64_t m, b, e;
    pel_red_job_span(j, t, &m, &b, &e);
    /* The values as a 1-D contiguous view: the kernels reduce a flat range
     * in an order that depends only on its length (reduce_kernels.c), so
     * this is the order of any view holding the same values. */
    pel_red_view v;
    memset(&v, 0, sizeof v);
    v.data = values;
    v.keep_shape[0] = v.keep_shape[1] = v.red_shape[0] = 1;
    v.red_shape[1] = e - b;
    v.red_strides[1] = j->k->in_size;
    inner_task(j, t, m, values, &v, 0, e - b);
}

/* cols plan: pairwise over row chunks [c0, c1) of w columns into dst;
 * scratch holds one block of w partials per remaining tree level. */
static void cols_pairwise(const pel_red_job *j, const char *base, int64_t w,
                          int64_t c0, int64_t c1, char *dst, char *scratch,
                          const char *aux) {
    const pel_red_kernel *k = j->k;
    if (c1 - c0 == 1) {
        int64_t b = c0 * PEL_RED_ROW_CHUNK, e = b + PEL_RED_ROW_CHUNK;
        k->cols(base, j->v.keep_strides[1], w, &j->v, b, e < j->K ? e : j->K,
                dst, aux);
        return;
    }
    int64_t mid = c0 + (c1 - c0) / 2;
    size_t blk = (size_t)w * k->partial_size;
    cols_pairwise(j, base, w, c0, mid, dst, scratch, aux);
    cols_pairwise(j, base, w, mid, c1, scratch, scratch + blk, aux);
    for (int64_t c = 0; c < w; c++)
        k->combine(dst + c * k->partial_size, scratch + c * k->partial_size);
}

static int cols_task(const pel_red_job *j, int64_t t) {
    const pel_red_kernel *k = j->k;
    int64_t M0 = j->v.keep_shape[1];
    int64_t g = t % j->nch, cb = (t / j->nch) % j->ncb,
            m1 = t / j->nch / j->ncb;
    int64_t col0 = cb * PEL_RED_COL_BLOCK;
    int64_t w = M0 - col0 < PEL_RED_COL_BLOCK ? M0 - col0 : PEL_RED_COL_BLOCK;
    int64_t m = m1 * M0 + col0;
    size_t ps = k->partial_size, blk = (size_t)w * ps;
    char *scratch = malloc(blk * (size_t)(j->depth + 1));
    if (!scratch) return PEL_ENOMEM;
    char *dst = j->nch > 1
                    ? j->partials + (size_t)t * PEL_RED_COL_BLOCK * ps
                    : scratch;
    int64_t r0 = g * j->chunk, r1 = r0 + j->chunk < j->K ? r0 + j->chunk : j->K;
    const char *aux = j->aux ? j->aux + m * k->aux_size : NULL;
    cols_pairwise(j, out_base(j, m), w, r0 / PEL_RED_ROW_CHUNK,
                  ceil_div(r1, PEL_RED_ROW_CHUNK), dst,
                  dst == scratch ? scratch + blk : scratch, aux);
    if (j->nch == 1)
        for (int64_t c = 0; c < w; c++)
            k->store(dst + c * ps, j->out + (m + c) * k->out_size);
    free(scratch);
    return PEL_OK;
}

int pel_red_job_task(void *ctx, int64_t begin, int64_t end, int slot) {
    pel_red_job *j = (pel_red_job *)ctx;
    (void)slot;
    for (int64_t t = begin; t < end; t++) {
        if (j->cols) {
            int rc = cols_task(j, t);
            if (rc) return rc;
            continue;
        }
        int64_t m, b, e;
        pel_red_job_span(j, t, &m, &b, &e);
        inner_task(j, t, m, out_base(j, m), &j->v, b, e);
    }
    return PEL_OK;
}

void pel_red_job_finish(pel_red_job *j) {
    const pel_red_kernel *k = j->k;
    size_t ps = k->partial_size;
    if (j->nch == 1) return; /* tasks wrote the outputs */
    if (!j->cols) {
        for (int64_t m = 0; m < j->M; m++) {
            char *p = j->partials + (size_t)(m * j->nch) * ps;
            tree_combine(k, p, j->nch, ps);
            k->store(p, j->out + m * k->out_size);
        }
        return;
    }
    int64_t M0 = j->v.keep_shape[1];
    for (int64_t m = 0; m < j->M; m++) {
        int64_t m1 = m / M0, m0 = m % M0;
        int64_t cb = m0 / PEL_RED_COL_BLOCK, c = m0 % PEL_RED_COL_BLOCK;
        size_t first = (size_t)((m1 * j->ncb + cb) * j->nch);
        char *p = j->partials + (first * PEL_RED_COL_BLOCK + c) * ps;
        tree_combine(k, p, j->nch, PEL_RED_COL_BLOCK * ps);
        k->store(p, j->out + m * k->out_size);
    }
}

void pel_red_job_free(pel_red_job *j) {
    free(j->partials);
    j->partials = NULL;
}

int pel_red_run(const pel_red_kernel *k, const pel_red_view *v, char *out,
                const char *aux, const pel_opts *opts) {
    pel_red_job j;
    int rc = pel_red_job_init(&j, k, v, out, aux);
    if (rc == PEL_OK)
        rc = pel_parallel_for(j.ntasks, j.grain, pel_red_job_task, &j, opts);
    if (rc == PEL_OK) pel_red_job_finish(&j);
    pel_red_job_free(&j);
    return rc;
}
