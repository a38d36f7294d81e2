/*
 * numpy_patch.c — backend mode: NumPy's own ufunc inner loops, run over
 * pelx's pool.
 *
 * For each numeric (ufunc, type signature) the patch swaps NumPy's inner
 * loop for a trampoline (PyUFunc_ReplaceLoopBySignature). The trampoline
 * keeps NumPy's loop and NumPy's loop data: a call worth parallel work (by
 * the cost policy, or at least `min_size` elements) is cut into chunks and
 * each chunk runs NumPy's loop on its part of the range, on the pool;
 * every other call goes straight to NumPy's loop. So results are NumPy's
 * bit for bit, operators and library code get the cores, and the FP flags
 * that the chunks raise on the workers are raised on the calling thread
 * (pel.h), where NumPy reads them after the loop.
 *
 * Which calls stay on NumPy's loop, unsplit:
 *  - calls whose cost is below the inline threshold (or min_size);
 *  - calls made from inside a pool job (nesting runs inline anyway), and
 *    every elementwise call while the pool has one thread;
 *  - a reduction step (output aliasing the first input, both with stride
 *    0: add.reduce and friends), except the deterministic sums below;
 *  - any call whose operands overlap other than an input read in place
 *    through the very same pointer and stride: NumPy hands its loops
 *    operands that overlap "ahead" (accumulate, a[:-1] += a[1:]) when a
 *    forward serial walk gives the right answer, and chunks running at
 *    once would not;
 *  - an output with stride 0 over several elements.
 *
 * Sums: add.reduce over int/uint types of every width, float32, float64,
 * complex64 and complex128 is split on a chunk grid fixed by n alone, each
 * chunk summed by NumPy's own loop from the identity, the partials added
 * in pel_pairwise_combine's fixed order, then added to the running
 * output. The result does not depend on the thread count (integer sums
 * equal NumPy's exactly; float sums may differ from unpatched NumPy in the
 * last bits, as any change of summation order does).
 *
 * No Python here runs off the calling thread: the trampolines touch only
 * the slot table, which patching fills (with the GIL) before it publishes
 * a trampoline and never changes afterwards for that slot.
 */
#include "module/numpy_api.h"
#include "module/bindings.h"
#include "module/cost_policy.h"
#include "kernels/kernels.h"
#include "pel/pel.h"

#include <string.h>

/* NumPy 2.4 has about 1,150 numeric (ufunc, signature) loops; each slot
 * needs one trampoline (a dozen bytes of code). */
#define PATCH_SLOTS 2048

/* How a reduction step of this loop is run. */
enum { REDUCE_NUMPY = 0, REDUCE_SUM_INT, REDUCE_SUM_F32, REDUCE_SUM_F64,
       REDUCE_SUM_C64, REDUCE_SUM_C128 };

typedef struct patch_slot {
    PyUFuncObject *ufunc;         /* strong reference, kept for good */
    int index;                    /* loop index in ufunc->functions */
    PyUFuncGenericFunction orig;  /* the loop that was there before */
    int nin, nargs;
    int elsize[NPY_MAXARGS];
    int reduce;                   /* REDUCE_* */
    int64_t cost;                 /* per element, in additions */
    int64_t inline_n;             /* pelx_inline_limit(cost) */
    int64_t bytes;                /* operand bytes per element */
    int patched;                  /* our trampoline is installed now */
} patch_slot;

static patch_slot slots[PATCH_SLOTS];
static int nslots; /* slots assigned so far (with the GIL) */

/* -1: the cost policy decides; n >= 0: split every call of at least n
 * elements over all threads. relaxed (load and store): a tuning value read
 * by loops on any thread; a call racing a change may use either value. */
static int64_t min_size = -1;

/* ---- the chunked call -------------------------------------------------- */

/* Chunks start at multiples of 64 elements. NumPy's SIMD loops cut a call
 * into a vector body and a scalar tail (some also peel to alignment), and
 * the two may give a NaN of another sign or payload for the same inputs
 * (complex64 add: nan + nan). With starts on a multiple of every vector
 * width and unroll, each element falls in the body or the tail exactly as
 * in the whole call, so even NaN bits are NumPy's. */
#define CHUNK_ALIGN 64

typedef struct chunk_call {
    const patch_slot *s;
    char **args;
    const npy_intp *steps;
    void *data;
} chunk_call;

static int run_chunk(void *ctx, int64_t begin, int64_t end, int slot) {
    (void)slot;
    const chunk_call *c = ctx;
    char *a[NPY_MAXARGS];
    for (int k = 0; k < c->s->nargs; k++) a[k] = c->args[k] + begin * c->steps[k];
    npy_intp len = (npy_intp)(end - begin);
    c->s->orig(a, &len, c->steps, c->data);
    return 0;
}

/* [lo, hi) bytes that operand k touches over n elements. */
static void extent(const patch_slot *s, char *const *args, const npy_intp *steps,
                   npy_intp n, int k, char **lo, char **hi) {
    const npy_intp span = (n - 1) * steps[k];
    *lo = args[k] + (span < 0 ? span : 0);
    *hi = args[k] + (span > 0 ? span : 0) + s->elsize[k];
}

/* 1 if the chunks may run at once: no output overlaps another operand,
 * except an input that is the output itself (same pointer and stride),
 * and no output writes one element several times. */
static int splittable(const patch_slot *s, char *const *args,
                      const npy_intp *steps, npy_intp n) {
    for (int o = s->nin; o < s->nargs; o++) {
        if (steps[o] == 0) return 0;
        char *olo, *ohi;
        extent(s, args, steps, n, o, &olo, &ohi);
        for (int k = 0; k < s->nargs; k++) {
            if (k == o) continue;
            if (k < s->nin && args[k] == args[o] && steps[k] == steps[o]) continue;
            char *lo, *hi;
            extent(s, args, steps, n, k, &lo, &hi);
            if (lo < ohi && olo < hi) return 0;
        }
    }
    return 1;
}

/* ---- deterministic sums ------------------------------------------------ */

/* Sum chunk: grid of SUM_GRAIN elements fixed by n alone, so the partials
 * and their combine order do not depend on the thread count. 64 Ki
 * elements: NumPy's pairwise loop is at full speed there, and a 1e6 sum
 * still has 16 chunks to share. */
#define SUM_GRAIN (64 * 1024)

typedef struct sum_call {
    const patch_slot *s;
    char *in;
    npy_intp step;
    void *data;
} sum_call;

/* Partials are the widest sum type: 16 bytes (complex128). */
typedef union sum_partial { npy_int64 i; float f; double d; npy_cfloat c64;
                            npy_cdouble c128; char bytes[16]; } sum_partial;

static void sum_identity(int reduce, int elsize, sum_partial *p) {
    memset(p, 0, sizeof *p);
    /* -0.0 is the identity of float addition (+0.0 is not: -0.0 + 0.0 is
     * +0.0), so a chunk's partial is exactly its pairwise sum. */
    switch (reduce) {
    case REDUCE_SUM_F32: p->f = -0.0f; break;
    case REDUCE_SUM_F64: p->d = -0.0; break;
    case REDUCE_SUM_C64: ((float *)p->bytes)[0] = ((float *)p->bytes)[1] = -0.0f; break;
    case REDUCE_SUM_C128: ((double *)p->bytes)[0] = ((double *)p->bytes)[1] = -0.0; break;
    default: (void)elsize; break; /* integers: 0 */
    }
}

static int sum_chunk(void *ctx, int64_t begin, int64_t end, void *partial, int slot) {
    (void)slot;
    const sum_call *c = ctx;
    sum_partial *p = partial;
    sum_identity(c->s->reduce, c->s->elsize[0], p);
    char *a[3] = {p->bytes, c->in + begin * c->step, p->bytes};
    npy_intp len = (npy_intp)(end - begin), st[3] = {0, c->step, 0};
    c->s->orig(a, &len, st, c->data);
    return 0;
}

/* acc = acc + rhs through NumPy's own loop (one element). */
static void sum_combine(void *ctx, void *acc, const void *rhs) {
    const sum_call *c = ctx;
    char *a[3] = {acc, (char *)rhs, acc};
    npy_intp len = 1, st[3] = {0, 0, 0};
    c->s->orig(a, &len, st, c->data);
}

/* ---- the trampoline ---------------------------------------------------- */

static void patched_loop(const patch_slot *s, char **args, const npy_intp *dims,
                         const npy_intp *steps, void *data) {
    const npy_intp n = dims[0];
    const int64_t min = __atomic_load_n(&min_size, __ATOMIC_RELAXED);
    /* Small calls leave after one comparison (s->inline_n is the cost
     * policy's inline limit for this loop's cost). */
    if (min < 0 ? n <= s->inline_n : (n < 2 || n < min)) goto numpy;
    if (pel_in_parallel()) goto numpy;
    const pelx_work work = {n, s->cost, s->bytes, 0};
    const int64_t policy = pelx_grain(&work);
    if (min < 0 && policy >= n) goto numpy;

    const int reduce_step = s->nin == 2 && s->nargs == 3 && args[0] == args[2] &&
                            steps[0] == 0 && steps[2] == 0;
    if (reduce_step) {
        if (s->reduce == REDUCE_NUMPY || n <= SUM_GRAIN) goto numpy;
        char *olo, *ohi, *lo, *hi;
        extent(s, args, steps, 1, 0, &olo, &ohi);
        extent(s, args, steps, n, 1, &lo, &hi);
        if (lo < ohi && olo < hi) goto numpy;
        sum_call c = {s, args[1], steps[1], data};
        sum_partial total;
        if (pel_parallel_reduce(n, SUM_GRAIN, sizeof total, sum_chunk, sum_combine,
                                &c, &total, NULL) != PEL_OK)
            goto numpy; /* nothing was written: only job set-up can fail */
        sum_combine(&c, args[0], &total);
        return;
    }
    /* One thread: NumPy's loop over the whole range is the same work
     * without the chunking (the sums above keep their grid, so that their
     * bits do not depend on the thread count). */
    if (pel_job_slots(NULL) <= 1 || !splittable(s, args, steps, n)) goto numpy;
    int64_t grain = policy;
    if (min >= 0) { /* min_size: use every thread, however small the call */
        const int64_t t = pel_get_num_threads();
        const int64_t even = (n + t - 1) / t;
        if (grain > even) grain = even;
    }
    grain = (grain + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN;
    chunk_call c = {s, args, steps, data};
    /* Chunks return 0, and nothing here cancels: only job set-up can fail
     * (PEL_ENOMEM), before any chunk ran, so NumPy's loop can still run. */
    if (pel_parallel_for(n, grain, run_chunk, &c, NULL) == PEL_OK) return;
numpy:
    s->orig(args, dims, steps, data);
}

/* One trampoline per slot: NumPy passes only (args, dims, steps, data),
 * and data is NumPy's own (its loops need it), so the slot is in the
 * function's identity. tramp_XYZ serves slots[0xXYZ]. */
#define TRAMP(h)                                                              \
    static void tramp_##h(char **args, const npy_intp *dims,                  \
                          const npy_intp *steps, void *data) {                \
        patched_loop(&slots[0x##h], args, dims, steps, data);                 \
    }
/* Two levels of 16 (a macro cannot expand inside its own expansion). */
#define X16(M, h) M(h##0) M(h##1) M(h##2) M(h##3) M(h##4) M(h##5) M(h##6)   \
    M(h##7) M(h##8) M(h##9) M(h##a) M(h##b) M(h##c) M(h##d) M(h##e) M(h##f)
#define Y16(M, h) M(h##0) M(h##1) M(h##2) M(h##3) M(h##4) M(h##5) M(h##6)   \
    M(h##7) M(h##8) M(h##9) M(h##a) M(h##b) M(h##c) M(h##d) M(h##e) M(h##f)
#define TRAMP16(h) X16(TRAMP, h)
#define TRAMP256(h) Y16(TRAMP16, h)
TRAMP256(0) TRAMP256(1) TRAMP256(2) TRAMP256(3)
TRAMP256(4) TRAMP256(5) TRAMP256(6) TRAMP256(7)

#define NAME(h) tramp_##h,
#define NAME16(h) X16(NAME, h)
#define NAME256(h) Y16(NAME16, h)
static const PyUFuncGenericFunction trampolines[PATCH_SLOTS] = {
    NAME256(0) NAME256(1) NAME256(2) NAME256(3)
    NAME256(4) NAME256(5) NAME256(6) NAME256(7)
};

/* ---- patching (with the GIL) ------------------------------------------- */

static int is_numeric(int t) { return t <= NPY_CLONGDOUBLE || t == NPY_HALF; }

static int sum_kind(const PyUFuncObject *u, const char *types) {
    if (strcmp(u->name, "add") != 0) return REDUCE_NUMPY;
    const int t = types[0];
    if (types[1] != t || types[2] != t) return REDUCE_NUMPY;
    switch (t) {
    case NPY_BYTE: case NPY_UBYTE: case NPY_SHORT: case NPY_USHORT:
    case NPY_INT: case NPY_UINT: case NPY_LONG: case NPY_ULONG:
    case NPY_LONGLONG: case NPY_ULONGLONG:
        return REDUCE_SUM_INT; /* wrapping addition is associative */
    case NPY_FLOAT: return REDUCE_SUM_F32;
    case NPY_DOUBLE: return REDUCE_SUM_F64;
    case NPY_CFLOAT: return REDUCE_SUM_C64;
    case NPY_CDOUBLE: return REDUCE_SUM_C128;
    default: return REDUCE_NUMPY;
    }
}

static patch_slot *slot_for(PyUFuncObject *u, int index) {
    for (int k = 0; k < nslots; k++)
        if (slots[k].ufunc == u && slots[k].index == index) return &slots[k];
    return NULL;
}

/* 1 for the numeric loops that set a Python exception themselves
 * (npy_gil_error takes the GIL): on a pool thread that would deadlock
 * with a caller holding the GIL, or set the error in the worker's thread
 * state where NumPy never looks. In NumPy 2.4 that is integer power with a
 * signed exponent ("Integers to negative integer powers are not
 * allowed"). */
static int raises_python_error(const PyUFuncObject *u, const char *types) {
    if (strcmp(u->name, "power") != 0) return 0;
    switch (types[1]) {
    case NPY_BYTE: case NPY_SHORT: case NPY_INT: case NPY_LONG: case NPY_LONGLONG:
        return 1;
    default:
        return 0;
    }
}

/* 1 if an earlier loop of u has loop i's signature: NumPy (and
 * PyUFunc_ReplaceLoopBySignature) only ever use the first (sin lists
 * f->f twice: its SIMD loop, then a generic one over sinf). */
static int shadowed(const PyUFuncObject *u, int i) {
    const int nargs = u->nargs;
    for (int j = 0; j < i; j++)
        if (memcmp(u->types + (size_t)j * nargs, u->types + (size_t)i * nargs,
                   (size_t)nargs) == 0)
            return 1;
    return 0;
}

/* Put fn in slot s's place in NumPy's loop table. The swap is one pointer
 * store that NumPy reads once per call; the data pointer is left as it
 * was, so a call that read the old loop or the new one runs correctly
 * either way. -1 with an exception set if NumPy refuses. */
static int swap_loop(const patch_slot *s, PyUFuncGenericFunction fn,
                     const char *caller) {
    int sig[NPY_MAXARGS];
    for (int k = 0; k < s->nargs; k++)
        sig[k] = s->ufunc->types[(size_t)s->index * s->nargs + k];
    PyUFuncGenericFunction old = NULL;
    if (PyUFunc_ReplaceLoopBySignature(s->ufunc, fn, sig, &old) == 0) return 0;
    if (!PyErr_Occurred())
        PyErr_Format(PyExc_RuntimeError, "pelx.%s: NumPy refused to swap %s's loop %d",
                     caller, s->ufunc->name, s->index);
    return -1;
}

/* numpy_patch(ufunc, op) -> loops now patched for this ufunc. */
static PyObject *numpy_patch(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *obj;
    int op;
    if (!PyArg_ParseTuple(args, "O!i", &PyUFunc_Type, &obj, &op)) return NULL;
    PyUFuncObject *u = (PyUFuncObject *)obj;
    if (u->core_enabled || u->functions == NULL || u->nout < 1) return PyLong_FromLong(0);
    const int nargs = u->nargs;
    const int64_t cost = op >= 0 && op < PEL_NOPS ? pel_kernel_cost((pel_op)op) : 1;
    long count = 0;
    for (int i = 0; i < u->ntypes; i++) {
        const char *types = u->types + (size_t)i * nargs;
        int numeric = 1;
        for (int k = 0; k < nargs; k++) numeric &= is_numeric(types[k]);
        if (!numeric || shadowed(u, i) || raises_python_error(u, types)) continue;
        patch_slot *s = slot_for(u, i);
        if (s && s->patched) { count++; continue; }
        if (!s) {
            if (nslots == PATCH_SLOTS) {
                PyErr_Format(PyExc_RuntimeError,
                             "pelx.patch_numpy: more than %d ufunc loops to patch",
                             PATCH_SLOTS);
                return NULL;
            }
            s = &slots[nslots];
            memset(s, 0, sizeof *s);
            s->ufunc = u;
            Py_INCREF(obj);
            s->index = i;
            s->nin = u->nin;
            s->nargs = nargs;
            for (int k = 0; k < nargs; k++) {
                PyArray_Descr *d = PyArray_DescrFromType(types[k]);
                if (!d) return NULL;
                s->elsize[k] = (int)PyDataType_ELSIZE(d);
                s->bytes += s->elsize[k];
                Py_DECREF(d);
            }
            s->cost = cost;
            s->inline_n = pelx_inline_limit(cost);
            s->reduce = sum_kind(u, types);
            nslots++;
        }
        /* Read NumPy's loop now, not at the slot's first patch: another
         * library may have replaced it in between. */
        s->orig = u->functions[i];
        if (swap_loop(s, trampolines[s - slots], "patch_numpy") < 0) return NULL;
        s->patched = 1;
        count++;
    }
    return PyLong_FromLong(count);
}

/* numpy_unpatch() -> (restored, left): loops given back to what was there
 * before, and loops left alone because something replaced them after us. */
static PyObject *numpy_unpatch(PyObject *self, PyObject *noargs) {
    (void)self, (void)noargs;
    long restored = 0, left = 0;
    for (int k = 0; k < nslots; k++) {
        patch_slot *s = &slots[k];
        if (!s->patched) continue;
        s->patched = 0;
        if (s->ufunc->functions[s->index] != trampolines[k]) {
            left++;
            continue;
        }
        if (swap_loop(s, s->orig, "unpatch_numpy") < 0) {
            s->patched = 1;
            return NULL;
        }
        restored++;
    }
    return Py_BuildValue("(ll)", restored, left);
}

/* numpy_patch_count() -> loops patched now. */
static PyObject *numpy_patch_count(PyObject *self, PyObject *noargs) {
    (void)self, (void)noargs;
    long count = 0;
    for (int k = 0; k < nslots; k++) count += slots[k].patched;
    return PyLong_FromLong(count);
}

/* numpy_patch_min_size(n) -> previous: n < 0 hands the choice to the cost
 * policy. */
static PyObject *numpy_patch_min_size(PyObject *self, PyObject *args) {
    (void)self;
    long long n;
    if (!PyArg_ParseTuple(args, "L", &n)) return NULL;
    const int64_t prev = __atomic_exchange_n(&min_size, n < 0 ? -1 : (int64_t)n,
                                             __ATOMIC_RELAXED);
    return PyLong_FromLongLong(prev);
}

/* _numpy_loop_address(ufunc, index) -> the address of ufunc's inner loop
 * `index` now (tests: a patched loop called from inside a pool job). */
static PyObject *numpy_loop_address(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *obj;
    int index;
    if (!PyArg_ParseTuple(args, "O!i", &PyUFunc_Type, &obj, &index)) return NULL;
    PyUFuncObject *u = (PyUFuncObject *)obj;
    if (index < 0 || index >= u->ntypes || u->functions == NULL) {
        PyErr_Format(PyExc_IndexError, "%s has %d loops, not %d", u->name,
                     u->ntypes, index);
        return NULL;
    }
    return PyLong_FromVoidPtr((void *)u->functions[index]);
}

static PyMethodDef patch_methods[] = {
    {"numpy_patch", numpy_patch, METH_VARARGS,
     "numpy_patch(ufunc, op)\n--\n\nRun ufunc's numeric loops over the pool "
     "(op: pelx's op index for the cost, or -1). Returns the loops patched."},
    {"numpy_unpatch", numpy_unpatch, METH_NOARGS,
     "numpy_unpatch()\n--\n\nRestore every patched loop. Returns (restored, "
     "left): left loops were replaced again by someone else."},
    {"numpy_patch_count", numpy_patch_count, METH_NOARGS,
     "numpy_patch_count()\n--\n\nLoops patched now."},
    {"numpy_patch_min_size", numpy_patch_min_size, METH_VARARGS,
     "numpy_patch_min_size(n)\n--\n\nSplit calls of at least n elements "
     "(n < 0: the cost policy decides). Returns the previous value."},
    {"_numpy_loop_address", numpy_loop_address, METH_VARARGS,
     "_numpy_loop_address(ufunc, index)\n--\n\nThe address of ufunc's inner "
     "loop `index` now (for tests)."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_numpy_patch(PyObject *m) { return PyModule_AddFunctions(m, patch_methods); }
