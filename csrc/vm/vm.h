/*
 * vm.h — the expression VM: a straight-line bytecode program over typed
 * registers, run one block of at most PEL_VM_BLOCK elements at a time.
 *
 * A program is built once (by the binding, from the Python compiler's
 * output), is immutable afterwards and holds no per-run state, so any number
 * of threads may run it at the same time; each run brings its own scratch
 * memory (pel_vm_scratch_size() bytes per thread).
 *
 * Registers
 *   PEL_VM_OPERAND  an operand of the caller's iterator: pointer and byte
 *                   stride come with each block (stride 0 for broadcasts);
 *   PEL_VM_CONST    a scalar stored in the program, read with stride 0;
 *   PEL_VM_TEMP     a block-sized buffer in the scratch memory, contiguous.
 *
 * Instructions
 *   Each is one call of a loop with the ufunc inner-loop signature of
 *   kernels.h: args[0..nin-1] are the input registers, args[nin] the output.
 *   An output may be the same register as one of the inputs (exact aliasing
 *   is safe for elementwise loops); the compiler uses that to reuse
 *   temporaries.
 *
 * Nothing here knows about Python or NumPy objects.
 */
#ifndef PEL_VM_H
#define PEL_VM_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Elements per block. 4096 keeps a handful of float64 temporaries (32 KiB
 * each) inside a core's L2 cache while making the per-instruction overhead
 * (one indirect call per block) negligible against the loop body. */
#define PEL_VM_BLOCK 4096

/* At most this many arguments (inputs + output) per instruction. */
#define PEL_VM_MAX_ARGS 4

typedef enum pel_vm_reg_kind {
    PEL_VM_OPERAND = 0,
    PEL_VM_CONST = 1,
    PEL_VM_TEMP = 2,
} pel_vm_reg_kind;

typedef struct pel_vm_reg {
    int kind;          /* pel_vm_reg_kind */
    int itemsize;      /* bytes per element */
    intptr_t index;    /* OPERAND: operand number; CONST: byte offset into
                          consts; TEMP: byte offset into the scratch memory */
} pel_vm_reg;

typedef struct pel_vm_instr {
    pel_loop_fn fn;
    void *data;        /* passed to fn as its last argument */
    int cost;          /* per element, in additions (pel_kernel_cost) */
    int nargs;         /* inputs + 1 output */
    int args[PEL_VM_MAX_ARGS]; /* register numbers */
} pel_vm_instr;

typedef struct pel_vm_program {
    int nregs, ninstr;
    pel_vm_reg *regs;
    pel_vm_instr *instr;
    char *consts;           /* constant storage (16-byte aligned entries) */
    size_t scratch_size;    /* bytes of scratch memory one run needs */
    int result_reg;         /* the register that holds the final value */
} pel_vm_program;

/* Allocates a program with room for nregs registers, ninstr instructions and
 * consts_size bytes of constants (all zeroed). NULL if out of memory. */
pel_vm_program *pel_vm_program_new(int nregs, int ninstr, size_t consts_size);
void pel_vm_program_free(pel_vm_program *p);

/* Lays out the TEMP registers in the scratch memory (64-byte aligned,
 * PEL_VM_BLOCK elements each) and sets scratch_size. Call once, after the
 * registers are filled in, before the first run. */
void pel_vm_program_layout(pel_vm_program *p);

/* Runs every instruction over n <= PEL_VM_BLOCK elements. ops[i] / strides[i]
 * give operand i's first element and byte stride for this block. scratch
 * holds p->scratch_size bytes (64-byte aligned) owned by the caller. */
void pel_vm_run_block(const pel_vm_program *p, char *const *ops,
                      const intptr_t *strides, intptr_t n, char *scratch);

/* Per-element cost of one run: the sum of its instructions' costs. */
int64_t pel_vm_program_cost(const pel_vm_program *p);

/* Scratch memory: 64-byte aligned, counted so tests can check the VM never
 * allocates more than block-sized temporaries. */
char *pel_vm_scratch_alloc(size_t size);
void pel_vm_scratch_free(char *p, size_t size);
/* Bytes of scratch memory allocated now, and the high-water mark since the
 * last pel_vm_scratch_reset_peak(). */
size_t pel_vm_scratch_current(void);
size_t pel_vm_scratch_peak(void);
void pel_vm_scratch_reset_peak(void);

#ifdef __cplusplus
}
#endif

#endif /* PEL_VM_H */
