/* vm_run.c — see vm_run.h. */
#include "module/numpy_api.h"
#include "module/vm_run.h"

#include <string.h>

#include "module/cost_policy.h"
#include "module/iter_job.h"
#include "module/parallel_call.h"

/* ---- the body: the program over one inner loop ---------------------------- */

#define FILLED_STRIDE 8

typedef struct vm_ctx {
    const pel_vm_program *prog;
    int nop;                /* iterator operands */
    char *scratch;          /* nslots * scratch_stride bytes */
    size_t scratch_stride;
    /* reductions: the program writes operand nop, the slot's value buffer */
    char *values;           /* nslots * values_stride bytes, or NULL */
    size_t values_stride;
    int value_size;
    /* values written so far by slot s: filled[s * FILLED_STRIDE] (a cache
     * line each: every inner loop of a slot updates its count) */
    int64_t *filled;
    pelx_iter_job job;
    pel_red_job red;
} vm_ctx;

static int vm_body(void *ctx, char **data, const npy_intp *strides,
                   npy_intp n, int slot) {
    vm_ctx *c = ctx;
    char *scratch = c->scratch + (size_t)slot * c->scratch_stride;
    char *p[NPY_MAXARGS];
    intptr_t s[NPY_MAXARGS];
    memcpy(p, data, (size_t)c->nop * sizeof *p);
    memcpy(s, strides, (size_t)c->nop * sizeof *s);
    int nops = c->nop;
    if (c->values) { /* the reduction's value sink */
        p[nops] = c->values + (size_t)slot * c->values_stride +
                  (size_t)c->filled[slot * FILLED_STRIDE] * (size_t)c->value_size;
        s[nops] = c->value_size;
        nops++;
        c->filled[slot * FILLED_STRIDE] += n;
    }
    /* Buffered iterators give at most buffersize (= PEL_VM_BLOCK)
     * elements; split anyway, scratch is that big. */
    for (npy_intp done = 0; done < n;) {
        npy_intp m = n - done < PEL_VM_BLOCK ? n - done : PEL_VM_BLOCK;
        pel_vm_run_block(c->prog, p, s, m, scratch);
        for (int k = 0; k < nops; k++) p[k] += m * s[k];
        done += m;
    }
    return 0;
}

/* Builds the iterator over `arrays` (each read as its entry of `dtypes`).
 * with_out: the last entry is the output, allocated if it is None, else
 * written in place (never broadcast, NumPy's answer if it overlaps an
 * input). */
static NpyIter *make_iter(PyObject *arrays, PyObject *dtypes, char order,
                          int with_out) {
    Py_ssize_t nop = PyTuple_GET_SIZE(arrays);
    if (nop < 1 || nop >= NPY_MAXARGS || PyTuple_GET_SIZE(dtypes) != nop) {
        PyErr_Format(PyExc_ValueError,
                     "pelx: an expression takes 1 to %d operands",
                     NPY_MAXARGS - 1);
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
    /* K order visits a lone operand in memory order, negative strides
     * flipped and axes sorted by stride: the order in which pelx's own
     * reductions lay out a whole-array reduction (pelx/_reduce_layout.py),
     * so evaluate("sum(a)") reduces the same value sequence as sum(a). */
    return NpyIter_AdvancedNew(
        (int)nop, ops,
        NPY_ITER_EXTERNAL_LOOP | NPY_ITER_BUFFERED | NPY_ITER_RANGED |
            NPY_ITER_DELAY_BUFALLOC | NPY_ITER_ZEROSIZE_OK |
            NPY_ITER_COPY_IF_OVERLAP,
        order == 'C' ? NPY_CORDER : order == 'F' ? NPY_FORTRANORDER
        : order == 'A' ? NPY_ANYORDER : NPY_KEEPORDER,
        NPY_UNSAFE_CASTING, op_flags, dts, -1, NULL, NULL, PEL_VM_BLOCK);
}

/* Operand bytes per element, for the cost policy. */
static int64_t iter_bytes(NpyIter *it) {
    PyArray_Descr **d = NpyIter_GetDescrArray(it);
    int64_t b = 0;
    for (int i = 0; i < NpyIter_GetNOp(it); i++) b += PyDataType_ELSIZE(d[i]);
    return b;
}

/* Slots, per-slot scratch and value buffers (value_size 0: none). */
static int ctx_setup(vm_ctx *c, NpyIter *it, const pel_vm_program *prog,
                     int nslots, int value_size) {
    memset(c, 0, sizeof *c);
    c->prog = prog;
    c->nop = NpyIter_GetNOp(it);
    if (pelx_iter_job_init(&c->job, it, nslots, vm_body, c) < 0) return -1;
    nslots = c->job.nslots;
    c->scratch_stride = (prog->scratch_size + 63) / 64 * 64;
    if (c->scratch_stride) {
        c->scratch = pel_vm_scratch_alloc(c->scratch_stride * (size_t)nslots);
        if (!c->scratch) goto nomem;
    }
    if (value_size) {
        c->value_size = value_size;
        c->values_stride = ((size_t)PEL_RED_CHUNK * value_size + 63) / 64 * 64;
        c->values = pel_vm_scratch_alloc(c->values_stride * (size_t)nslots);
        c->filled = PyMem_Calloc((size_t)nslots * FILLED_STRIDE,
                                 sizeof *c->filled);
        if (!c->values || !c->filled) goto nomem;
    }
    return 0;
nomem:
    PyErr_NoMemory();
    return -1;
}

static void ctx_teardown(vm_ctx *c) {
    size_t nslots = (size_t)c->job.nslots;
    pel_vm_scratch_free(c->scratch, c->scratch_stride * nslots);
    pel_vm_scratch_free(c->values, c->values_stride * nslots);
    PyMem_Free(c->filled);
    pelx_iter_job_free(&c->job);
}

PyObject *pelx_vm_evaluate(const pel_vm_program *prog, PyObject *arrays,
                           PyObject *dtypes, char order) {
    NpyIter *it = make_iter(arrays, dtypes, order, 1);
    if (!it) return NULL;
    const int64_t n = NpyIter_GetIterSize(it);
    const pelx_work work = {n, pel_vm_program_cost(prog), iter_bytes(it),
                            PELX_ITER_CHUNK_SETUP};
    const int64_t grain = pelx_grain(&work);
    vm_ctx c;
    int rc = ctx_setup(&c, it, prog, pelx_iter_slots(n, grain), 0);
    if (rc == 0) {
        pelx_call_opts o = {"evaluate", 0};
        rc = pelx_iter_job_run(&c.job, n, grain, &o);
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

/* ---- reductions --------------------------------------------------------- */

/* Tasks [t0, t1) of the reduction job. Consecutive tasks cover consecutive
 * iterations, so a group of them whose values fit the slot's buffer is
 * one iterator range: the program fills the buffer, then each task reduces
 * its part. */
static int reduce_tasks(void *ctx, int64_t t0, int64_t t1, int slot) {
    vm_ctx *c = ctx;
    pel_red_job *j = &c->red;
    const char *buf = c->values + (size_t)slot * c->values_stride;
    for (int64_t t = t0; t < t1;) {
        int64_t m, b, e, first, total = 0, u = t;
        pel_red_job_span(j, t, &m, &b, &e);
        first = m * j->K + b;
        while (u < t1) {
            pel_red_job_span(j, u, &m, &b, &e);
            if (u > t && total + (e - b) > PEL_RED_CHUNK) break;
            total += e - b;
            u++;
        }
        c->filled[slot * FILLED_STRIDE] = 0;
        int rc = pelx_iter_job_range(&c->job, slot, first, first + total);
        if (rc) return rc;
        for (int64_t off = 0; t < u; t++) {
            pel_red_job_span(j, t, &m, &b, &e);
            pel_red_job_task_values(j, t, buf + off * c->value_size);
            off += e - b;
        }
    }
    return 0;
}

PyObject *pelx_vm_reduce(const pel_vm_program *prog, PyObject *arrays,
                         PyObject *dtypes, char order,
                         const pel_red_kernel *k, Py_ssize_t rowlen,
                         PyArrayObject *out) {
    const pel_vm_reg *rr = &prog->regs[prog->result_reg];
    if (rr->kind != PEL_VM_OPERAND || rr->index != PyTuple_GET_SIZE(arrays) ||
        rr->itemsize != k->in_size) {
        PyErr_SetString(PyExc_ValueError, "pelx: the program does not write "
                        "the reduction's values");
        return NULL;
    }
    NpyIter *it = make_iter(arrays, dtypes, order, 0);
    if (!it) return NULL;
    const int64_t n = NpyIter_GetIterSize(it);
    const int64_t K = rowlen > 0 ? rowlen : n, M = K > 0 ? n / K : 0;
    if (!PyArray_IS_C_CONTIGUOUS(out) || !PyArray_ISWRITEABLE(out) ||
        PyArray_ITEMSIZE(out) != k->out_size || PyArray_SIZE(out) != M ||
        M * K != n || n == 0) {
        PyErr_SetString(PyExc_ValueError, "pelx: bad reduction output");
        NpyIter_Deallocate(it);
        return NULL;
    }
    pel_red_job red;
    int rc = pel_red_job_init_values(&red, k, M, K, PyArray_BYTES(out));
    if (rc != PEL_OK) {
        pel_red_job_free(&red);
        NpyIter_Deallocate(it);
        if (rc == PEL_ENOMEM) return PyErr_NoMemory();
        PyErr_SetString(PyExc_ValueError, "pelx: invalid reduction");
        return NULL;
    }
    const pelx_work work = {n, pel_vm_program_cost(prog) + 1,
                            iter_bytes(it) + k->in_size,
                            PELX_ITER_CHUNK_SETUP};
    const int64_t grain = pelx_fixed_grid_grain(&work, red.ntasks, red.grain);
    vm_ctx c;
    rc = ctx_setup(&c, it, prog, pelx_iter_slots(red.ntasks, grain),
                   k->in_size);
    c.red = red;
    if (rc == 0) {
        pelx_call_opts o = {"evaluate", c.job.nslots};
        rc = pelx_iter_job_result(
            &c.job, pelx_run_for(red.ntasks, grain, reduce_tasks, &c, &o));
    }
    if (rc == 0) pel_red_job_finish(&c.red);
    pel_red_job_free(&c.red);
    ctx_teardown(&c);
    if (NpyIter_Deallocate(it) != NPY_SUCCEED) rc = -1;
    if (rc != 0) return NULL;
    Py_RETURN_NONE;
}
