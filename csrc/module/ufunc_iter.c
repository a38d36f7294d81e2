/*
 * ufunc_iter.c — the general elementwise path: one NpyIter does
 * broadcasting, casting to the loop dtype, buffering and overlap copies
 * (NPY_ITER_COPY_IF_OVERLAP gives NumPy's answer when out= overlaps an
 * input); the iteration range is split into chunks run by the pool, each
 * slot with its own iterator copy reset to its chunk.
 */
#include "module/ufunc_internal.h"

#include "module/cost_policy.h"
#include "module/iter_job.h"

const char *pelx_ufunc_fpe_name(pel_op op) {
    return op == PEL_OP_true_divide ? "divide" : pel_kernel_name(op);
}

typedef struct ufunc_body {
    pel_loop_fn loop;
    int nargs;  /* nin + 1: the kernel's operands */
    int masked; /* operand nargs is the where= mask (bool) */
} ufunc_body;

/* Calls loop on each run of consecutive selected elements, so unselected
 * output elements are never written (where=). */
static void run_masked(pel_loop_fn loop, int nargs, char **data,
                       const npy_intp *strides, npy_intp n) {
    const char *mask = data[nargs];
    const npy_intp mstride = strides[nargs];
    char *args[PELX_MAX_ARGS];
    npy_intp i = 0;
    while (i < n) {
        while (i < n && !mask[i * mstride]) i++;
        npy_intp start = i;
        while (i < n && mask[i * mstride]) i++;
        if (i > start) {
            npy_intp len = i - start;
            for (int k = 0; k < nargs; k++)
                args[k] = data[k] + start * strides[k];
            loop(args, &len, strides, NULL);
        }
    }
}

static int ufunc_inner(void *ctx, char **data, const npy_intp *strides,
                       npy_intp n, int slot) {
    const ufunc_body *b = ctx;
    (void)slot;
    if (b->masked)
        run_masked(b->loop, b->nargs, data, strides, n);
    else
        b->loop(data, &n, strides, NULL);
    return 0;
}

/* Allocates op's output the way NpyIter would (broadcast shape, layout
 * from `order` and the inputs), of dtype typenum: used when the array to
 * return is not of the dtype the kernel writes (float16 results of the
 * float32 loops). No element is visited. */
static PyArrayObject *alloc_output(int nin, PyArrayObject **in,
                                   int typenum, NPY_ORDER order) {
    PyArrayObject *ops[PELX_MAX_ARGS];
    npy_uint32 flags[PELX_MAX_ARGS];
    PyArray_Descr *dtypes[PELX_MAX_ARGS] = {NULL};
    for (int i = 0; i < nin; i++) {
        ops[i] = in[i];
        flags[i] = NPY_ITER_READONLY;
    }
    ops[nin] = NULL;
    flags[nin] = NPY_ITER_WRITEONLY | NPY_ITER_ALLOCATE |
                 NPY_ITER_NO_SUBTYPE;
    dtypes[nin] = PyArray_DescrFromType(typenum);
    NpyIter *it = NpyIter_MultiNew(nin + 1, ops, NPY_ITER_ZEROSIZE_OK,
                                   order, NPY_UNSAFE_CASTING, flags, dtypes);
    Py_DECREF(dtypes[nin]);
    if (!it) return NULL;
    PyArrayObject *res = NpyIter_GetOperandArray(it)[nin];
    Py_INCREF(res);
    if (NpyIter_Deallocate(it) != NPY_SUCCEED) {
        Py_DECREF(res);
        return NULL;
    }
    return res;
}

PyObject *pelx_ufunc_iter(const pelx_loop_spec *spec, PyArrayObject **in,
                          PyArrayObject *out, PyArrayObject *where,
                          NPY_ORDER order) {
    const pel_op op = spec->op;
    const int nin = pel_kernel_nin(op);
    const pel_loop_fn loop = spec->loop;
    const int nop = nin + 1 + (where != NULL);
    PyArrayObject *ops[PELX_MAX_ARGS + 1];
    npy_uint32 op_flags[PELX_MAX_ARGS + 1];
    PyArray_Descr *op_dtypes[PELX_MAX_ARGS + 1] = {NULL};
    /* Inputs are cast to the loop dtype, aligned and native (buffered). */
    const npy_uint32 in_flags =
        NPY_ITER_READONLY | NPY_ITER_NBO | NPY_ITER_ALIGNED;
    int64_t bytes_per_elem = 0;
    int rc = -1;
    PyObject *result = NULL;
    PyArrayObject *allocated = NULL;
    if (!out && spec->alloc_typenum >= 0) {
        out = allocated = alloc_output(nin, in, spec->alloc_typenum, order);
        if (!out) return NULL;
    }
    for (int i = 0; i < nin; i++) {
        ops[i] = in[i];
        op_flags[i] = in_flags;
        op_dtypes[i] = PyArray_DescrFromType(pelx_typenum(spec->in_t[i]));
    }
    ops[nin] = out;
    op_flags[nin] = NPY_ITER_WRITEONLY | NPY_ITER_ALLOCATE |
                    NPY_ITER_NO_SUBTYPE | NPY_ITER_NO_BROADCAST |
                    NPY_ITER_NBO | NPY_ITER_ALIGNED;
    op_dtypes[nin] = PyArray_DescrFromType(pelx_typenum(spec->out_t));
    if (where) {
        ops[nin + 1] = where;
        op_flags[nin + 1] = in_flags | NPY_ITER_ARRAYMASK;
        /* The caller copies operands that overlap out (pelx/_ufuncs.py):
         * the iterator's own overlap copy of out is written back whole,
         * also where the mask is False. */
        op_flags[nin] |= NPY_ITER_WRITEMASKED;
        op_dtypes[nin + 1] = PyArray_DescrFromType(NPY_BOOL);
    }
    for (int i = 0; i < nop; i++)
        bytes_per_elem += PyDataType_ELSIZE(op_dtypes[i]);

    /* Casting was validated against NumPy's rules before this call (the
     * caller used the ufunc's resolve_dtypes), so the iterator may cast. */
    const npy_uint32 iter_flags =
        NPY_ITER_EXTERNAL_LOOP | NPY_ITER_BUFFERED | NPY_ITER_GROWINNER |
        NPY_ITER_RANGED | NPY_ITER_DELAY_BUFALLOC | NPY_ITER_ZEROSIZE_OK |
        NPY_ITER_COPY_IF_OVERLAP;
    NpyIter *it = NpyIter_MultiNew(
        nop, ops, iter_flags, order, NPY_UNSAFE_CASTING, op_flags, op_dtypes);
    if (!it) {
        for (int i = 0; i < nop; i++) Py_XDECREF(op_dtypes[i]);
        Py_XDECREF(allocated);
        return NULL;
    }

    /* The array to return: out itself (the iterator may hold a temporary
     * copy of it that is written back on deallocation), else the one the
     * iterator allocated. */
    if (allocated) result = (PyObject *)allocated; /* our reference */
    else {
        result = out ? (PyObject *)out
                     : (PyObject *)NpyIter_GetOperandArray(it)[nin];
        Py_INCREF(result);
    }

    const int64_t n = NpyIter_GetIterSize(it);
    const pelx_work work = {n, pel_kernel_cost(op), bytes_per_elem,
                            PELX_ITER_CHUNK_SETUP};
    const int64_t grain = pelx_grain(&work);
    /* NpyIter_Copy of a masked iterator whose output is cast copies the
     * masked transfer function without its free function (NumPy 2.x then
     * crashes deallocating the copy): such calls, where= with out= of
     * another dtype than the loop's, run on one iterator. */
    const int masked_cast =
        where && !PyArray_EquivTypes(
                     PyArray_DESCR(NpyIter_GetOperandArray(it)[nin]),
                     op_dtypes[nin]);
    ufunc_body body = {loop, nin + 1, where != NULL};
    pelx_iter_job job;
    if (pelx_iter_job_init(&job, it, masked_cast ? 1 : pelx_iter_slots(n, grain),
                           ufunc_inner, &body) == 0) {
        pelx_call_opts opts = {pelx_ufunc_fpe_name(op), 0};
        rc = pelx_iter_job_run(&job, n, grain, &opts);
        pelx_iter_job_free(&job);
    }

    for (int i = 0; i < nop; i++) Py_XDECREF(op_dtypes[i]);
    /* The copies are gone; the original last: deallocation writes
     * temporary overlap copies back into out. */
    if (NpyIter_Deallocate(it) != NPY_SUCCEED) rc = -1;
    if (rc != 0) {
        Py_DECREF(result);
        return NULL;
    }
    return result;
}
