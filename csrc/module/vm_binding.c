/*
 * vm_binding.c — pelx._core's expression-program functions:
 *
 *   vm_program(regs, instrs, consts, result_reg) -> program (a capsule)
 *   vm_evaluate(program, arrays, dtypes, order)   -> result array
 *   vm_reduce(program, arrays, dtypes, order, op, src, acc, rowlen, out)
 *   vm_scratch_stats(), vm_scratch_reset_peak(), vm_job_slots()
 *
 * The Python compiler (pelx.expr.compiler) decides types and registers;
 * this file builds the immutable VM program (loops from vm_loops.h) and
 * hands runs to vm_run.h.
 */
#include "module/numpy_api.h"
#include "module/bindings.h"

#include <string.h>

#include "module/dtype_map.h"
#include "module/reduce_lookup.h"
#include "module/vm_loops.h"
#include "module/vm_run.h"
#include "pel/pel.h"
#include "vm/vm.h"

#define CAPSULE_NAME "pelx.vm_program"

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
        int size = pelx_vm_itemsize(typenum);
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
        if (pelx_vm_resolve(name, sig, nargs, in) < 0) goto fail;
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

static PyObject *vm_evaluate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap, *arrays, *dtypes;
    int order;
    if (!PyArg_ParseTuple(args, "OO!O!C", &cap, &PyTuple_Type, &arrays,
                          &PyTuple_Type, &dtypes, &order))
        return NULL;
    pel_vm_program *prog = get_program(cap);
    return prog ? pelx_vm_evaluate(prog, arrays, dtypes, (char)order) : NULL;
}

static PyObject *vm_reduce(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap, *arrays, *dtypes;
    PyArray_Descr *src, *acc;
    PyArrayObject *out;
    const char *opname;
    int order;
    Py_ssize_t rowlen;
    if (!PyArg_ParseTuple(args, "OO!O!CsO!O!nO!", &cap, &PyTuple_Type,
                          &arrays, &PyTuple_Type, &dtypes, &order, &opname,
                          &PyArrayDescr_Type, &src, &PyArrayDescr_Type, &acc,
                          &rowlen, &PyArray_Type, &out))
        return NULL;
    pel_vm_program *prog = get_program(cap);
    if (!prog) return NULL;
    const pel_red_kernel *k = pelx_red_kernel(opname, src, acc);
    return k ? pelx_vm_reduce(prog, arrays, dtypes, (char)order, k, rowlen,
                              out)
             : NULL;
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
     "vm_reduce(program, arrays, dtypes, order, op, src, acc, rowlen, out):\n"
     "reduce the program's values (of dtype src) with the reduction kernel\n"
     "op accumulating in acc; rowlen 0: all into out[0], else rows."},
    {"vm_scratch_stats", vm_scratch_stats, METH_NOARGS,
     "(bytes of VM scratch memory allocated now, peak since reset)"},
    {"vm_scratch_reset_peak", vm_scratch_reset_peak, METH_NOARGS,
     "Resets the scratch-memory high-water mark."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_vm(PyObject *m) {
    if (PyModule_AddIntConstant(m, "VM_BLOCK", PEL_VM_BLOCK) < 0 ||
        PyModule_AddIntConstant(m, "VM_OPERAND", PEL_VM_OPERAND) < 0 ||
        PyModule_AddIntConstant(m, "VM_CONST", PEL_VM_CONST) < 0 ||
        PyModule_AddIntConstant(m, "VM_TEMP", PEL_VM_TEMP) < 0)
        return -1;
    return PyModule_AddFunctions(m, vm_methods);
}
