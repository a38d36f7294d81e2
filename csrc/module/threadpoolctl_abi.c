/*
 * threadpoolctl_abi.c — two plain C functions exported from pelx._core (the
 * extension is otherwise built with hidden visibility) so that threadpoolctl
 * can identify the library among the loaded shared objects and drive the
 * pool size through ctypes, as it does for OpenBLAS or OpenMP. The Python
 * side is python/pelx/_threadpoolctl.py.
 */
#include "pel/pel.h"

#define PELX_EXPORT __attribute__((visibility("default")))

PELX_EXPORT int pelx_threadpoolctl_get_num_threads(void);
PELX_EXPORT int pelx_threadpoolctl_set_num_threads(int n);

/* The pool size, counting the calling thread. */
int pelx_threadpoolctl_get_num_threads(void) { return pel_get_num_threads(); }

/* Sets the pool size (n >= 1); returns the previous size. */
int pelx_threadpoolctl_set_num_threads(int n) {
    return pel_set_num_threads(n < 1 ? 1 : n);
}
