/*
 * vm_binding.c — pelx._core's expression-program functions:
 *
 *   vm_program(regs, instrs, consts, result_reg) -> program (a capsule)
 *   vm_evaluate(program, arrays, dtypes, order)   -> result array
 *   vm_reduce(program, arrays, dtypes, order, kind, rowlen, out) -> bytes|None
 *   vm_scratch_stats() / vm_scratch_reset_peak()
 *
 * The Python compiler (pelx.expr.compiler) decides types and registers; this
 * file resolves each instruction to a loop, builds the immutable VM program,
 * and runs it: an NpyIter (EXTERNAL_LOOP | BUFFERED | RANGED) is copied once
 * per worker slot, each worker resets its copy to a chunk of the iteration
 * range and hands every inner block (at most PEL_VM_BLOCK elements, pointers
 * and strides straight from the iterator, zero strides for broadcast
 * operands, casts done in the iterator's block-sized buffers) to the VM.
 *
 * Loops come from the kernel table when it has the (op, dtype) pair, else
 * from NumPy's own ufunc loop for the same signature; casts between
 * temporaries from pel_cast_kernel, else the VM's promotion casts
 * (vm_cast.h).
 */
#define NO_IMPORT_ARRAY
#define PY_ARRAY_UNIQUE_SYMBOL pelx_ARRAY_API
#define NO_IMPORT_UFUNC
#define PY_UFUNC_UNIQUE_SYMBOL pelx_UFUNC_API
#include "module/bindings.h"
#include "module/parallel_call.h"

#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>
#include <stdatomic.h>
#include <string.h>

#include "kernels/kernels.h"
#include "vm/vm.h"
#include "vm/vm_extra_loops.h"
#include "vm/vm_reduce.h"


#define CAPSULE_NAME "pelx.vm_program"

/* Chunks handed to the pool: 16 blocks (64 Ki elements), enough work per
 * chunk to hide the scheduling cost, small enough to balance 64 threads on
 * 2**22-element inputs. */
#define VM_GRAIN ((int64_t)16 * PEL_VM_BLOCK)

/* ---- dtypes ------------------------------------------------------------ */

static int pel_dtype_of(int typenum) {
    PyArray_Descr *d = PyArray_DescrFromType(typenum);
    if (!d) { PyErr_Clear(); return -1; }
    int size = (int)PyDataType_ELSIZE(d), r = -1;
    switch (d->kind) {
    case 'b': r = PEL_BOOL; break;
    case 'i': r = size == 1 ? PEL_INT8 : size == 2 ? PEL_INT16
                : size == 4 ? PEL_INT32 : size == 8 ? PEL_INT64 : -1; break;
    case 'u': r = size == 1 ? PEL_UINT8 : size == 2 ? PEL_UINT16
                : size == 4 ? PEL_UINT32 : size == 8 ? PEL_UINT64 : -1; break;
    case 'f': r = size == 4 ? PEL_FLOAT32 : size == 8 ? PEL_FLOAT64 : -1; break;
    case 'c': r = size == 8 ? PEL_COMPLEX64 : size == 16 ? PEL_COMPLEX128 : -1; break;
    }
    Py_DECREF(d);
    return r;
}

static int itemsize_of(int typenum) {
    PyArray_Descr *d = PyArray_DescrFromType(typenum);
    if (!d) return -1;
    int s = (int)PyDataType_ELSIZE(d);
    Py_DECREF(d);
    return s;
}

/* ---- loop resolution ----------------------------------------------------- */

static int resolve_cast(int from, int to, pel_vm_instr *in) {
    int pf = pel_dtype_of(from), pt = pel_dtype_of(to);
    pel_loop_fn f = NULL;
    if (pf >= 0 && pt >= 0) f = pel_cast_kernel((pel_dtype)pf, (pel_dtype)pt);
    if (!f) {
        PyErr_Format(PyExc_TypeError,
                     "pelx: expressions cannot convert type number %d to %d",
                     from, to);
        return -1;
    }
    in->fn = f;
    in->data = NULL;
    return 0;
}

static int table_op(const char *name) {
    for (int op = 0; op < PEL_NOPS; op++) {
        const char *n = pel_kernel_name((pel_op)op);
        if (n && strcmp(n, name) == 0) return op;
    }
    return -1;
}

/* The kernel table's loop for name over signature sig (typenums of the
 * inputs, then the output), or NULL. The loop dtype is the first input's,
 * except for where (its first input is the bool condition). */
static pel_loop_fn table_loop(const char *name, const int *sig, int nargs) {
    int op = table_op(name);
    int t = pel_dtype_of(sig[strcmp(name, "where") == 0 ? 1 : 0]);
    if (op < 0 || t < 0 || pel_kernel_nin((pel_op)op) != nargs - 1 ||
        pel_kernel_out_dtype((pel_op)op, (pel_dtype)t) !=
            pel_dtype_of(sig[nargs - 1]))
        return NULL;
    for (int k = 0; k < nargs - 1; k++) {
        int want = strcmp(name, "where") == 0 && k == 0 ? PEL_BOOL : t;
        if (pel_dtype_of(sig[k]) != want) return NULL;
    }
    return pel_kernel((pel_op)op, (pel_dtype)t);
}

/* NumPy's own loop for ufunc numpy.<name> with exactly this signature. */
static int resolve_ufunc(const char *name, const int *sig, int nargs,
                         pel_vm_instr *in) {
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np) return -1;
    PyObject *uf = PyObject_GetAttrString(np, name);
    Py_DECREF(np);
    if (!uf) return -1;
    if (!PyObject_TypeCheck(uf, &PyUFunc_Type)) {
        Py_DECREF(uf);
        PyErr_Format(PyExc_ValueError, "pelx: numpy.%s is not a ufunc", name);
        return -1;
    }
    PyUFuncObject *u = (PyUFuncObject *)uf;
    int found = -1;
    if (u->nin + u->nout == nargs && u->nout == 1) {
        for (int i = 0; i < u->ntypes && found < 0; i++) {
            int ok = 1;
            for (int k = 0; k < nargs && ok; k++)
                ok = PyArray_EquivTypenums(u->types[i * nargs + k], sig[k]);
            if (ok && u->functions[i]) found = i;
        }
    }
    if (found >= 0) {
        in->fn = (pel_loop_fn)u->functions[found];
        /* ufunc objects of the numpy module live as long as the process */
        in->data = u->data ? u->data[found] : NULL;
    }
    Py_DECREF(uf);
    if (found < 0) {
        PyErr_Format(PyExc_TypeError, "pelx: no loop for %s with this signature",
                     name);
        return -1;
    }
    return 0;
}

static int resolve_extra(const char *name, const int *sig, int nargs,
                         pel_vm_instr *in) {
    pel_loop_fn f = NULL;
    if (strcmp(name, "where") == 0 && nargs == 4)
        f = pel_vm_where_loop(itemsize_of(sig[3]));
    else if (strcmp(name, "real") == 0 && nargs == 2)
        f = pel_vm_real_loop(itemsize_of(sig[1]));
    else if (strcmp(name, "imag") == 0 && nargs == 2)
        f = pel_vm_imag_loop(itemsize_of(sig[1]));
    else if (strcmp(name, "complex") == 0 && nargs == 3)
        f = pel_vm_complex_loop(itemsize_of(sig[0]));
    else
        return 1; /* not one of these */
    if (!f) {
        PyErr_Format(PyExc_TypeError, "pelx: no %s loop for this type", name);
        return -1;
    }
    in->fn = f;
    in->data = NULL;
    return 0;
}

/* ---- vm_program ------------------------------------------------------------ */

static void capsule_free(PyObject *cap) {
    pel_vm_program_free(PyCapsule_GetPointer(cap, CAPSULE_NAME));
}

static pel_vm_program *get_program(PyObject *cap) {
    return PyCapsule_GetPointer(cap, CAPSULE_NAME);
}

static PyObject *vm_program(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *regs, *instrs;
    Py_buffer consts;
    int result_reg;
    if (!PyArg_ParseTuple(args, "O!O!y*i", &PyList_Type, &regs, &PyList_Type,
                          &instrs, &consts, &result_reg))
        return NULL;
    int nregs = (int)PyList_GET_SIZE(regs), ninstr = (int)PyList_GET_SIZE(instrs);
    pel_vm_program *p = pel_vm_program_new(nregs, ninstr, (size_t)consts.len);
    if (!p) { PyBuffer_Release(&consts); return PyErr_NoMemory(); }
    memcpy(p->consts, consts.buf, (size_t)consts.len);
    PyBuffer_Release(&consts);
    for (int i = 0; i < nregs; i++) {
        int kind, typenum;
        Py_ssize_t index;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(regs, i), "iin", &kind, &typenum,
                              &index))
            goto fail;
        int size = itemsize_of(typenum);
        if (kind < PEL_VM_OPERAND || kind > PEL_VM_TEMP || size <= 0 || index < 0) {
            PyErr_SetString(PyExc_ValueError, "pelx: bad register");
            goto fail;
        }
        p->regs[i] = (pel_vm_reg){kind, size, index};
    }
    for (int i = 0; i < ninstr; i++) {
        const char *name;
        PyObject *sig_t, *arg_t;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(instrs, i), "sO!O!", &name,
                              &PyTuple_Type, &sig_t, &PyTuple_Type, &arg_t))
            goto fail;
        int nargs = (int)PyTuple_GET_SIZE(arg_t);
        if (nargs < 2 || nargs > PEL_VM_MAX_ARGS ||
            PyTuple_GET_SIZE(sig_t) != nargs) {
            PyErr_SetString(PyExc_ValueError, "pelx: bad instruction");
            goto fail;
        }
        int sig[PEL_VM_MAX_ARGS];
        pel_vm_instr *in = &p->instr[i];
        in->nargs = nargs;
        for (int k = 0; k < nargs; k++) {
            sig[k] = (int)PyLong_AsLong(PyTuple_GET_ITEM(sig_t, k));
            in->args[k] = (int)PyLong_AsLong(PyTuple_GET_ITEM(arg_t, k));
            if (PyErr_Occurred()) goto fail;
            if (in->args[k] < 0 || in->args[k] >= nregs) {
                PyErr_SetString(PyExc_ValueError, "pelx: bad register number");
                goto fail;
            }
        }
        int rc;
        if (strcmp(name, "cast") == 0 && nargs == 2)
            rc = resolve_cast(sig[0], sig[1], in);
        else if ((in->fn = table_loop(name, sig, nargs)) != NULL)
            in->data = NULL, rc = 0;
        else if ((rc = resolve_extra(name, sig, nargs, in)) == 1)
            rc = resolve_ufunc(name, sig, nargs, in);
        if (rc < 0) goto fail;
    }
    if (result_reg < 0 || result_reg >= nregs) {
        PyErr_SetString(PyExc_ValueError, "pelx: bad result register");
        goto fail;
    }
    p->result_reg = result_reg;
    pel_vm_program_layout(p);
    PyObject *cap = PyCapsule_New(p, CAPSULE_NAME, capsule_free);
    if (!cap) goto fail;
    return cap;
fail:
    pel_vm_program_free(p);
    return NULL;
}

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

/* Runs the program over every inner block of slot's iterator range; `each`
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

static pel_vm_program *parse_common(PyObject *args, PyObject **arrays,
                                    PyObject **dtypes, char *order,
                                    int *kind, Py_ssize_t *rowlen,
                                    PyObject **rows, int reduce) {
    PyObject *cap;
    int ord;
    if (reduce) {
        if (!PyArg_ParseTuple(args, "OO!O!CinO", &cap, &PyTuple_Type, arrays,
                              &PyTuple_Type, dtypes, &ord, kind, rowlen, rows))
            return NULL;
    } else if (!PyArg_ParseTuple(args, "OO!O!C", &cap, &PyTuple_Type, arrays,
                                 &PyTuple_Type, dtypes, &ord)) {
        return NULL;
    }
    *order = (char)ord;
    return get_program(cap);
}

static PyObject *vm_evaluate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *arrays, *dtypes;
    char order;
    pel_vm_program *prog = parse_common(args, &arrays, &dtypes, &order, NULL,
                                        NULL, NULL, 0);
    if (!prog) return NULL;
    NpyIter *it = make_iter(arrays, dtypes, order, 1);
    if (!it) return NULL;
    int64_t n = NpyIter_GetIterSize(it);
    run_ctx c;
    int rc = ctx_setup(&c, it, prog, (n + VM_GRAIN - 1) / VM_GRAIN);
    if (rc == 0 && n > 0) {
        pelx_call_opts o = {"evaluate", 0};
        rc = pelx_run_for(n, VM_GRAIN, for_chunk, &c, &o);
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

static PyObject *vm_reduce(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *arrays, *dtypes, *rows;
    char order;
    int kind;
    Py_ssize_t rowlen;
    pel_vm_program *prog = parse_common(args, &arrays, &dtypes, &order, &kind,
                                        &rowlen, &rows, 1);
    if (!prog) return NULL;
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
    int64_t nchunks = rowlen > 0 ? n / rowlen : (n + VM_GRAIN - 1) / VM_GRAIN;
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
        int t = ad ? pel_dtype_of(ad->type_num) : -1;
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
                int64_t grain = VM_GRAIN / rowlen > 0 ? VM_GRAIN / rowlen : 1;
                pelx_call_opts o = {"evaluate", 0};
                rc = pelx_run_for(nchunks, grain, rows_chunk, &c, &o);
                rc = rc < 0 ? -1 : job_error(&c, rc);
            }
            if (rc == 0) { res = Py_None; Py_INCREF(res); }
        }
    } else if (rc == 0) {
        pel_vm_partial part;
        pelx_call_opts o = {"evaluate", 0};
        rc = pelx_run_reduce(n, VM_GRAIN, sizeof part, reduce_chunk,
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

static PyObject *vm_scratch_stats(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    return Py_BuildValue("nn", (Py_ssize_t)pel_vm_scratch_current(),
                         (Py_ssize_t)pel_vm_scratch_peak());
}

static PyObject *vm_scratch_reset_peak(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    pel_vm_scratch_reset_peak();
    Py_RETURN_NONE;
}

static PyObject *vm_job_slots(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    return PyLong_FromLong(pel_job_slots(NULL));
}

static PyMethodDef vm_methods[] = {
    {"vm_job_slots", vm_job_slots, METH_NOARGS,
     "Threads (worker slots) an expression job started now may use."},
    {"vm_program", vm_program, METH_VARARGS,
     "vm_program(regs, instrs, consts, result_reg) -> program"},
    {"vm_evaluate", vm_evaluate, METH_VARARGS,
     "vm_evaluate(program, arrays, dtypes, order) -> array"},
    {"vm_reduce", vm_reduce, METH_VARARGS,
     "vm_reduce(program, arrays, dtypes, order, kind, rowlen, rows_or_dtype)"},
    {"vm_scratch_stats", vm_scratch_stats, METH_NOARGS,
     "(bytes of VM scratch memory allocated now, peak since reset)"},
    {"vm_scratch_reset_peak", vm_scratch_reset_peak, METH_NOARGS,
     "Resets the scratch-memory high-water mark."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_vm(PyObject *m) {
    if (PyModule_AddIntConstant(m, "VM_BLOCK", PEL_VM_BLOCK) < 0) return -1;
    if (PyModule_AddIntConstant(m, "VM_GRAIN", (long)VM_GRAIN) < 0) return -1;
    if (PyModule_AddIntConstant(m, "VM_NREDUCE", PEL_VM_NREDUCE) < 0) return -1;
    return PyModule_AddFunctions(m, vm_methods);
}
