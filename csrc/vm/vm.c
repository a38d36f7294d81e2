/* vm.c — program storage and the block interpreter (see vm.h). */
#include "vm/vm.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

pel_vm_program *pel_vm_program_new(int nregs, int ninstr, size_t consts_size) {
    pel_vm_program *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->nregs = nregs;
    p->ninstr = ninstr;
    p->regs = calloc(nregs > 0 ? (size_t)nregs : 1, sizeof *p->regs);
    p->instr = calloc(ninstr > 0 ? (size_t)ninstr : 1, sizeof *p->instr);
    /* 16-byte alignment: every constant slot holds up to a complex128. */
    p->consts = aligned_alloc(16, (consts_size + 15) / 16 * 16 + 16);
    if (!p->regs || !p->instr || !p->consts) {
        pel_vm_program_free(p);
        return NULL;
    }
    memset(p->consts, 0, (consts_size + 15) / 16 * 16 + 16);
    p->result_reg = -1;
    return p;
}

void pel_vm_program_free(pel_vm_program *p) {
    if (!p) return;
    free(p->regs);
    free(p->instr);
    free(p->consts);
    free(p);
}

void pel_vm_program_layout(pel_vm_program *p) {
    size_t off = 0;
    for (int i = 0; i < p->nregs; i++) {
        pel_vm_reg *r = &p->regs[i];
        if (r->kind != PEL_VM_TEMP) continue;
        r->index = (intptr_t)off;
        /* 64 bytes: a cache line, and enough for any vector load. */
        off += ((size_t)r->itemsize * PEL_VM_BLOCK + 63) / 64 * 64;
    }
    p->scratch_size = off;
}

static inline void reg_addr(const pel_vm_program *p, int reg,
                            char *const *ops, const intptr_t *strides,
                            char *scratch, char **ptr, intptr_t *step) {
    const pel_vm_reg *r = &p->regs[reg];
    switch (r->kind) {
    case PEL_VM_OPERAND:
        *ptr = ops[r->index];
        *step = strides[r->index];
        break;
    case PEL_VM_CONST:
        *ptr = p->consts + r->index;
        *step = 0;
        break;
    default: /* PEL_VM_TEMP */
        *ptr = scratch + r->index;
        *step = r->itemsize;
        break;
    }
}

void pel_vm_run_block(const pel_vm_program *p, char *const *ops,
                      const intptr_t *strides, intptr_t n, char *scratch) {
    for (int i = 0; i < p->ninstr; i++) {
        const pel_vm_instr *in = &p->instr[i];
        char *args[PEL_VM_MAX_ARGS];
        intptr_t steps[PEL_VM_MAX_ARGS];
        for (int k = 0; k < in->nargs; k++)
            reg_addr(p, in->args[k], ops, strides, scratch, &args[k],
                     &steps[k]);
        in->fn(args, &n, steps, in->data);
    }
}

int64_t pel_vm_program_cost(const pel_vm_program *p) {
    int64_t cost = 0;
    for (int i = 0; i < p->ninstr; i++) cost += p->instr[i].cost;
    return cost > 0 ? cost : 1;
}

/* ---- counted scratch memory ------------------------------------------ */

/* Statistics only: relaxed atomics suffice, no other memory is published
 * through these counters. */
static _Atomic size_t scratch_now, scratch_peak;

char *pel_vm_scratch_alloc(size_t size) {
    size_t rounded = (size + 63) / 64 * 64;
    char *p = aligned_alloc(64, rounded ? rounded : 64);
    if (!p) return NULL;
    size_t now = atomic_fetch_add_explicit(&scratch_now, size,
                                           memory_order_relaxed) + size;
    size_t peak = atomic_load_explicit(&scratch_peak, memory_order_relaxed);
    while (now > peak &&
           !atomic_compare_exchange_weak_explicit(&scratch_peak, &peak, now,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed)) {
    }
    return p;
}

void pel_vm_scratch_free(char *p, size_t size) {
    if (!p) return;
    free(p);
    atomic_fetch_sub_explicit(&scratch_now, size, memory_order_relaxed);
}

size_t pel_vm_scratch_current(void) {
    return atomic_load_explicit(&scratch_now, memory_order_relaxed);
}
size_t pel_vm_scratch_peak(void) {
    return atomic_load_explicit(&scratch_peak, memory_order_relaxed);
}
void pel_vm_scratch_reset_peak(void) {
    atomic_store_explicit(&scratch_peak, pel_vm_scratch_current(),
                          memory_order_relaxed);
}
