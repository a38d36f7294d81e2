/* fpenv.c — carry the caller's floating-point environment to the workers.
 *
 * At submit the caller's control state (rounding mode, FTZ/DAZ, exception
 * masks) is captured; a worker installs it with all exception flags cleared
 * before it runs the job's chunks, reads back the flags the chunks raised
 * and restores its own environment afterwards. The caller raises the union
 * of the workers' flags on itself before the call returns.
 *
 * On x86-64 this is done with stmxcsr/ldmxcsr and fnstcw/fldcw/fnclex
 * (tens of cycles) instead of fegetenv/fesetenv (fnstenv is slow). */
#include "pel/pel_internal.h"
#include <fenv.h>

#if defined(__x86_64__)

/* MXCSR bits 0..5 are the sticky exception flags; same layout as FE_*. */
#define MXCSR_FLAGS 0x3fu

static inline uint32_t get_mxcsr(void) {
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}
static inline void set_mxcsr(uint32_t v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }
static inline uint16_t get_x87cw(void) {
    uint16_t v;
    __asm__ volatile("fnstcw %0" : "=m"(v));
    return v;
}
static inline void set_x87cw(uint16_t v) { __asm__ volatile("fldcw %0" : : "m"(v)); }
static inline uint16_t get_x87sw(void) {
    uint16_t v;
    __asm__ volatile("fnstsw %0" : "=m"(v));
    return v;
}

void pel_fpenv_capture(pel_fpenv *env) {
    env->mxcsr = get_mxcsr() & ~MXCSR_FLAGS;
    env->x87cw = get_x87cw();
    env->round = 0;
}

void pel_fpenv_enter(const pel_fpenv *job, pel_fpenv *saved) {
    saved->mxcsr = get_mxcsr() & ~MXCSR_FLAGS;
    saved->x87cw = get_x87cw();
    set_mxcsr(job->mxcsr);
    if (job->x87cw != saved->x87cw) set_x87cw(job->x87cw);
    __asm__ volatile("fnclex");
}

int pel_fpenv_leave(const pel_fpenv *saved) {
    unsigned flags = (get_mxcsr() | get_x87sw()) & MXCSR_FLAGS;
    set_mxcsr(saved->mxcsr);
    if (get_x87cw() != saved->x87cw) set_x87cw(saved->x87cw);
    __asm__ volatile("fnclex");
    return (int)(flags & FE_ALL_EXCEPT);
}

#else /* portable fallback: rounding mode and flags only */

void pel_fpenv_capture(pel_fpenv *env) {
    env->mxcsr = 0;
    env->x87cw = 0;
    env->round = fegetround();
}

void pel_fpenv_enter(const pel_fpenv *job, pel_fpenv *saved) {
    saved->round = fegetround();
    if (job->round != saved->round) fesetround(job->round);
    feclearexcept(FE_ALL_EXCEPT);
}

int pel_fpenv_leave(const pel_fpenv *saved) {
    int flags = fetestexcept(FE_ALL_EXCEPT);
    if (fegetround() != saved->round) fesetround(saved->round);
    feclearexcept(FE_ALL_EXCEPT);
    return flags;
}

#endif

void pel_fpenv_raise(int flags) {
    flags &= FE_ALL_EXCEPT;
    if (flags) feraiseexcept(flags);
}
