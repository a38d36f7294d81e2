/* check.h — minimal assertion helpers for the execution-layer C tests. */
#ifndef PEL_TEST_CHECK_H
#define PEL_TEST_CHECK_H
#include <stdio.h>
#include <stdlib.h>

extern int check_failures;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            check_failures++;                                                \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
        }                                                                    \
    } while (0)

/* Iteration counts are divided by this under sanitizers (set by the
 * Makefile) so every target stays fast on a small machine. */
#ifndef PEL_TEST_SCALE
#define PEL_TEST_SCALE 1
#endif
#define SCALED(n) ((n) / PEL_TEST_SCALE > 0 ? (n) / PEL_TEST_SCALE : 1)

#endif
