/* vm_run.c — see vm_run.h. */
#define NO_IMPORT_ARRAY
#define PY_ARRAY_UNIQUE_SYMBOL pelx_ARRAY_API
#define NO_IMPORT_UFUNC
#define PY_UFUNC_UNIQUE_SYMBOL pelx_UFUNC_API
#include "module/bindings.h"
#include "module/vm_run.h"

#include <numpy/arrayobject.h>
#include <stdatomic.h>
#include <string.h>

#include "module/parallel_call.h"
#include "module/vm_loops.h"
#include "vm/vm_reduce.h"

/* ---- running --------------------------------------------------------------- */

typedef struct run_ctx {
    const pel_vm_program *prog;
    NpyIter **iters;            /* one per slot */
    NpyIter_IterNextFunc **next;
    char *scratch;              /* nslots * scratch_stride bytes */
    size_t scratch_stride;
    int nslots;
    /* reductions */
    int kind;
    pel_dtype acc;
    int64_t rowlen;
    char *rows;                 /* axis reductions: one value per row */
    int acc_size;
    /* Set by a failing chunk, first one wins. Relaxed: the string is a
     * static literal and is read only after the job has joined. */
    _Atomic(const char *) errmsg;
} run_ctx;

/* Chunk return codes (> 0, turned into exceptions by job_error). */
enum { CHUNK_ITER_ERROR = 1, CHUNK_NEGATIVE_POWER = 2 };

static void set_error(run_ctx *c, const char *msg) {
    const char *none = NULL;
    atomic_compare_exchange_strong_explicit(&c->errmsg, &none, msg,
                                            memory_order_relaxed,
                                            memory_order_relaxed);
}

/* Resets slot's iterator to [b, e); the inner blocks then follow with
 * iternext. Returns 0 or 1 (error, message in ctx). */
static int reset(run_ctx *c, int slot, int64_t b, int64_t e) {
    char *msg = NULL;
    if (NpyIter_ResetToIterIndexRange(c->iters[slot], b, e, &msg) !=
        NPY_SUCCEED) {
        set_error(c, msg ? msg : "pelx: iterator reset failed");
        return CHUNK_ITER_ERROR;
    }
    return 0;
}

/* Runs the program over every inner block of slot's iterator range; `sink`
 * (may be NULL) sees each block's result. */
typedef void (*block_sink)(run_ctx *c, char *res, intptr_t stride,
                           intptr_t n, void *state);

static int run_range(run_ctx *c, int slot, int64_t b, int64_t e,
                     block_sink sink, void *state) {
    if (b >= e) return 0;
    if (reset(c, slot, b, e)) return CHUNK_ITER_ERROR;
    (void)pel_kernel_error_take(); /* start clean on this thread */
    NpyIter *it = c->iters[slot];
    NpyIter_IterNextFunc *next = c->next[slot];
    char **ptrs = NpyIter_GetDataPtrArray(it);
    npy_intp *strides = NpyIter_GetInnerStrideArray(it);
    npy_intp *sizep = NpyIter_GetInnerLoopSizePtr(it);
    int nop = NpyIter_GetNOp(it);
    char *scratch = c->scratch + (size_t)slot * c->scratch_stride;
    do {
        npy_intp size = *sizep;
        char *p[NPY_MAXARGS];
        memcpy(p, ptrs, (size_t)nop * sizeof *p);
        /* Buffered iterators without GROWINNER give at most buffersize
         * (= PEL_VM_BLOCK) elements; split anyway, scratch is that big. */
        for (npy_intp done = 0; done < size;) {
            npy_intp n = size - done < PEL_VM_BLOCK ? size - done : PEL_VM_BLOCK;
            pel_vm_run_block(c->prog, p, strides, n, scratch);
            if (sink) {
                intptr_t rs;
                char *r = pel_vm_result_ptr(c->prog, p, strides, scratch, &rs);
                sink(c, r, rs, n, state);
            }
            for (int k = 0; k < nop; k++) p[k] += n * strides[k];
            done += n;
        }
    } while (next(it));
    /* Loops record their own errors (integer ** negative) per thread. */
    if (pel_kernel_error_take() == PEL_KERR_NEGATIVE_INT_POWER)
        return CHUNK_NEGATIVE_POWER;
    return 0;
}

static int for_chunk(void *ctx, int64_t b, int64_t e, int slot) {
    return run_range(ctx, slot, b, e, NULL, NULL);
}

static void fold_sink(run_ctx *c, char *res, intptr_t stride, intptr_t n,
                      void *state) {
    pel_vm_reduce_block(c->kind, c->acc, state, res, n, stride);
}

static int reduce_chunk(void *ctx, int64_t b, int64_t e, void *partial,
                        int slot) {
    run_ctx *c = ctx;
    pel_vm_reduce_init(c->kind, c->acc, partial);
    return run_range(c, slot, b, e, fold_sink, partial);
}

static void reduce_combine(void *ctx, void *acc, const void *rhs) {
    run_ctx *c = ctx;
    pel_vm_reduce_combine(c->kind, c->acc, acc, rhs);
}

/* Axis reductions: the reduced axis is the last, in C order, so iteration
 * index i belongs to row i / rowlen. */
typedef struct row_state {
    int64_t pos; /* iteration index of the next element */
    pel_vm_partial part;
} row_state;

static void row_sink(run_ctx *c, char *res, intptr_t stride, intptr_t n,
                     void *state) {
    row_state *s = state;
    for (intptr_t done = 0; done < n;) {
        int64_t row = s->pos / c->rowlen, left = (row + 1) * c->rowlen - s->pos;
        intptr_t m = n - done < left ? n - done : (intptr_t)left;
        pel_vm_reduce_block(c->kind, c->acc, &s->part, res + done * stride, m,
                            stride);
        done += m;
        s->pos += m;
        if (s->pos % c->rowlen == 0) {
            memcpy(c->rows + row * c->acc_size, s->part.value,
                   (size_t)c->acc_size);
            pel_vm_reduce_init(c->kind, c->acc, &s->part);
        }
    }
}

static int rows_chunk(void *ctx, int64_t b, int64_t e, int slot) {
    run_ctx *c = ctx;
    row_state s;
    s.pos = b * c->rowlen;
    pel_vm_reduce_init(c->kind, c->acc, &s.part);
    return run_range(c, slot, b * c->rowlen, e * c->rowlen, row_sink, &s);
}

/* Builds the iterator over `arrays` (each read as its entry of `dtypes`).
 * with_out: the last entry is the output, allocated if it is None, else
 * written in place (never broadcast, NumPy's answer if it overlaps an
 * input). */
static NpyIter *make_iter(PyObject *arrays, PyObject *dtypes, char order,
                          int with_out) {
    Py_ssize_t nop = PyTuple_GET_SIZE(arrays);
    if (nop < 1 || nop > NPY_MAXARGS || PyTuple_GET_SIZE(dtypes) != nop) {
        PyErr_SetString(PyExc_ValueError,
                        "pelx: too many operands for one expression (max 64)");
        return NULL;
    }
    PyArrayObject *ops[NPY_MAXARGS];
    PyArray_Descr *dts[NPY_MAXARGS];
    npy_uint32 op_flags[NPY_MAXARGS];
    for (Py_ssize_t i = 0; i < nop; i++) {
        PyObject *a = PyTuple_GET_ITEM(arrays, i);
        PyObject *d = PyTuple_GET_ITEM(dtypes, i);
        if (!PyArray_DescrCheck(d) || (a != Py_None && !PyArray_Check(a))) {
            PyErr_SetString(PyExc_TypeError, "pelx: arrays and dtypes expected");
            return NULL;
        }
        ops[i] = a == Py_None ? NULL : (PyArrayObject *)a;
        dts[i] = (PyArray_Descr *)d;
        /* NBO | ALIGNED: the loops read native, aligned elements */
        int is_out = with_out && i == nop - 1;
        if (a == Py_None && !is_out) {
            PyErr_SetString(PyExc_TypeError, "pelx: missing operand");
            return NULL;
        }
        op_flags[i] = NPY_ITER_NBO | NPY_ITER_ALIGNED |
                      (!is_out ? NPY_ITER_READONLY
                       : a == Py_None ? NPY_ITER_WRITEONLY | NPY_ITER_ALLOCATE
                       : NPY_ITER_WRITEONLY | NPY_ITER_NO_BROADCAST);
    }
    return NpyIter_AdvancedNew(
        (int)nop, ops,
        /* DELAY_BUFALLOC: no buffer is filled before the per-slot copies
         * are made; each worker's first reset allocates its own. Otherwise
         * every copy would inherit the first block's pending output buffer
         * and write it back (stale) on its first reset. */
        NPY_ITER_EXTERNAL_LOOP | NPY_ITER_BUFFERED | NPY_ITER_RANGED |
            NPY_ITER_DELAY_BUFALLOC | NPY_ITER_ZEROSIZE_OK |
            NPY_ITER_COPY_IF_OVERLAP,
        order == 'C' ? NPY_CORDER : order == 'F' ? NPY_FORTRANORDER
        : order == 'A' ? NPY_ANYORDER : NPY_KEEPORDER,
        NPY_UNSAFE_CASTING, op_flags, dts, -1, NULL, NULL, PEL_VM_BLOCK);
}

/* Per-slot iterator copies and scratch. */
static int ctx_setup(run_ctx *c, NpyIter *it, const pel_vm_program *prog,
                     int64_t nchunks) {
    memset(c, 0, sizeof *c);
    c->prog = prog;
    pel_opts po = {NULL, 0};
    int slots = pel_job_slots(&po);
    c->nslots = nchunks < slots ? (int)(nchunks > 0 ? nchunks : 1) : slots;
    c->iters = PyMem_Calloc((size_t)c->nslots, sizeof *c->iters);
    c->next = PyMem_Calloc((size_t)c->nslots, sizeof *c->next);
    if (!c->iters || !c->next) { PyErr_NoMemory(); return -1; }
    c->iters[0] = it;
    for (int s = 1; s < c->nslots; s++)
        if (!(c->iters[s] = NpyIter_Copy(it))) return -1;
    for (int s = 0; s < c->nslots; s++)
        if (!(c->next[s] = NpyIter_GetIterNext(c->iters[s], NULL))) return -1;
    c->scratch_stride = (prog->scratch_size + 63) / 64 * 64;
    if (c->scratch_stride) {
        c->scratch = pel_vm_scratch_alloc(c->scratch_stride * (size_t)c->nslots);
        if (!c->scratch) { PyErr_NoMemory(); return -1; }
    }
    return 0;
}

/* Frees the copies (not iters[0]) and scratch. */
static void ctx_teardown(run_ctx *c) {
    if (c->iters)
        for (int s = 1; s < c->nslots; s++)
            if (c->iters[s]) NpyIter_Deallocate(c->iters[s]);
    pel_vm_scratch_free(c->scratch, c->scratch_stride * (size_t)c->nslots);
    PyMem_Free(c->iters);
    PyMem_Free(c->next);
}

static int job_error(run_ctx *c, int rc) {
    const char *msg = atomic_load_explicit(&c->errmsg, memory_order_relaxed);
    if (rc == CHUNK_NEGATIVE_POWER)
        PyErr_SetString(PyExc_ValueError, "Integers to negative integer "
                                          "powers are not allowed.");
    else if (rc > 0)
        PyErr_SetString(PyExc_RuntimeError,
                        msg ? msg : "pelx: evaluation failed");
    return rc ? -1 : 0;
}

PyObject *pelx_vm_evaluate(const pel_vm_program *prog, PyObject *arrays,
                           PyObject *dtypes, char order) {
    NpyIter *it = make_iter(arrays, dtypes, order, 1);
    if (!it) return NULL;
    int64_t n = NpyIter_GetIterSize(it);
    run_ctx c;
    int rc = ctx_setup(&c, it, prog, (n + PELX_VM_GRAIN - 1) / PELX_VM_GRAIN);
    if (rc == 0 && n > 0) {
        pelx_call_opts o = {"evaluate", 0};
        rc = pelx_run_for(n, PELX_VM_GRAIN, for_chunk, &c, &o);
        rc = rc < 0 ? -1 : job_error(&c, rc);
    }
    ctx_teardown(&c);
    PyObject *res = NULL;
    if (rc == 0) {
        res = (PyObject *)NpyIter_GetOperandArray(it)[NpyIter_GetNOp(it) - 1];
        Py_INCREF(res);
    }
    if (NpyIter_Deallocate(it) != NPY_SUCCEED) Py_CLEAR(res);
    return res;
}

PyObject *pelx_vm_reduce(const pel_vm_program *prog, PyObject *arrays,
                         PyObject *dtypes, char order, int kind,
                         Py_ssize_t rowlen, PyObject *rows) {
    const pel_vm_reg *rr = &prog->regs[prog->result_reg];
    if (rr->kind != PEL_VM_TEMP) {
        PyErr_SetString(PyExc_ValueError, "pelx: reduction needs a temporary result");
        return NULL;
    }
    if (kind < 0 || kind >= PEL_VM_NREDUCE) {
        PyErr_SetString(PyExc_ValueError, "pelx: bad reduction kind");
        return NULL;
    }
    NpyIter *it = make_iter(arrays, dtypes, order, 0);
    if (!it) return NULL;
    int64_t n = NpyIter_GetIterSize(it);
    run_ctx c;
    PyObject *res = NULL;
    int64_t nchunks = rowlen > 0 ? n / rowlen : (n + PELX_VM_GRAIN - 1) / PELX_VM_GRAIN;
    int rc = ctx_setup(&c, it, prog, nchunks);
    if (rc == 0) {
        c.kind = kind;
        c.rowlen = rowlen;
        c.acc_size = rr->itemsize;
    }
    /* The accumulator dtype (the result register's): the dtype of `rows`
     * for axis reductions, else `rows` is that dtype itself. */
    if (rc == 0) {
        PyArray_Descr *ad = NULL;
        if (rowlen > 0 && PyArray_Check(rows)) ad = PyArray_DESCR((PyArrayObject *)rows);
        else if (PyArray_DescrCheck(rows)) ad = (PyArray_Descr *)rows;
        int t = ad ? pelx_vm_pel_dtype(ad->type_num) : -1;
        if (t < 0 || !pel_vm_reduce_supported(kind, (pel_dtype)t) ||
            (int)PyDataType_ELSIZE(ad) != rr->itemsize) {
            PyErr_SetString(PyExc_TypeError, "pelx: unsupported reduction type");
            rc = -1;
        } else {
            c.acc = (pel_dtype)t;
        }
    }
    if (rc == 0 && rowlen > 0) {
        PyArrayObject *ra = (PyArrayObject *)rows;
        if (!PyArray_IS_C_CONTIGUOUS(ra) || PyArray_SIZE(ra) * rowlen != n ||
            !PyArray_ISWRITEABLE(ra)) {
            PyErr_SetString(PyExc_ValueError, "pelx: bad row output");
            rc = -1;
        } else {
            c.rows = PyArray_BYTES(ra);
            if (nchunks > 0) {
                int64_t grain = PELX_VM_GRAIN / rowlen > 0 ? PELX_VM_GRAIN / rowlen : 1;
                pelx_call_opts o = {"evaluate", 0};
                rc = pelx_run_for(nchunks, grain, rows_chunk, &c, &o);
                rc = rc < 0 ? -1 : job_error(&c, rc);
            }
            if (rc == 0) { res = Py_None; Py_INCREF(res); }
        }
    } else if (rc == 0) {
        pel_vm_partial part;
        pelx_call_opts o = {"evaluate", 0};
        rc = pelx_run_reduce(n, PELX_VM_GRAIN, sizeof part, reduce_chunk,
                             reduce_combine, &c, &part, &o);
        rc = rc < 0 ? -1 : job_error(&c, rc);
        if (rc == 0)
            res = PyBytes_FromStringAndSize((const char *)part.value,
                                            c.acc_size);
    }
    ctx_teardown(&c);
    if (NpyIter_Deallocate(it) != NPY_SUCCEED) Py_CLEAR(res);
    return res;
}
