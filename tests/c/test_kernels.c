/*
 * test_kernels.c — C smoke tests of the kernel layer, meant to run under
 * UBSan/ASan (tests/c/kernels.mk, driven by tests/test_kernels_c.py):
 *   1. every loop of the table and every cast runs on arbitrary bit
 *      patterns, contiguous, strided and with a broadcast operand (UBSan
 *      catches signed overflow, bad shifts, float->int overflow);
 *   2. reference values for the integer and float edge cases NumPy defines
 *      (division by zero, MIN // -1, shifts, divmod signs, NaN rules),
 *      with the FP flags each raises.
 * The comparison with NumPy itself is in tests/test_kernels_vs_numpy.py.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"

static int failures;
#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);           \
            fprintf(stderr, __VA_ARGS__);                                  \
            fprintf(stderr, "\n");                                         \
        }                                                                  \
    } while (0)

enum { N = 1037 }; /* odd: exercises vector tails */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t next_rand(void)
{
    /* xorshift64*: reproducible bit patterns */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717u;
}

static void fill(unsigned char *p, size_t bytes, pel_dtype t)
{
    for (size_t i = 0; i < bytes; i++)
        p[i] = (unsigned char)next_rand();
    if (t == PEL_BOOL)
        for (size_t i = 0; i < bytes; i++)
            p[i] &= 1;
}

/* Run every loop on random bits with three layouts. */
static void fuzz_all_loops(void)
{
    int ran = 0;
    for (int op = 0; op < PEL_NOPS; op++) {
        for (int t = 0; t < PEL_NDTYPES; t++) {
            pel_loop_fn fn = pel_kernel((pel_op)op, (pel_dtype)t);
            int out_t = pel_kernel_out_dtype((pel_op)op, (pel_dtype)t);
            CHECK((fn == NULL) == (out_t < 0), "%s/%d: loop vs out dtype",
                  pel_kernel_name((pel_op)op), t);
            if (!fn)
                continue;
            int nin = pel_kernel_nin((pel_op)op);
            unsigned char *bufs[4];
            char *args[4];
            intptr_t steps[4], dims[1] = {N};
            for (int layout = 0; layout < 3; layout++) {
                for (int k = 0; k <= nin; k++) {
                    pel_dtype dt = k < nin ? (pel_dtype)t : (pel_dtype)out_t;
                    if (op == PEL_OP_where && k == 0)
                        dt = PEL_BOOL;
                    int sz = pel_dtype_size(dt);
                    bufs[k] = malloc((size_t)sz * N * 2);
                    fill(bufs[k], (size_t)sz * N * 2, dt);
                    steps[k] = layout == 1 ? 2 * sz : sz;
                    if (layout == 2 && k == 0 && nin > 1)
                        steps[k] = 0; /* broadcast scalar */
                    args[k] = (char *)bufs[k];
                    if (layout == 1 && k == nin) { /* reversed output */
                        args[k] = (char *)bufs[k] + (size_t)sz * (2 * N - 2);
                        steps[k] = -2 * sz;
                    }
                }
                fn(args, dims, steps, NULL);
                for (int k = 0; k <= nin; k++)
                    free(bufs[k]);
                ran++;
            }
            (void)pel_kernel_error_take();
        }
    }
    for (int a = 0; a < PEL_NDTYPES; a++)
        for (int b = 0; b < PEL_NDTYPES; b++) {
            pel_loop_fn fn = pel_cast_kernel((pel_dtype)a, (pel_dtype)b);
            CHECK(fn != NULL, "cast %d -> %d missing", a, b);
            int sa = pel_dtype_size((pel_dtype)a), sb = pel_dtype_size((pel_dtype)b);
            unsigned char *in = malloc((size_t)sa * N), *out = malloc((size_t)sb * N);
            fill(in, (size_t)sa * N, (pel_dtype)a);
            char *args[2] = {(char *)in, (char *)out};
            intptr_t dims[1] = {N}, steps[2] = {sa, sb};
            fn(args, dims, steps, NULL);
            free(in);
            free(out);
        }
    CHECK(ran > 1000, "only %d loop runs", ran);
    printf("fuzzed %d loop runs and %d casts\n", ran,
           PEL_NDTYPES * PEL_NDTYPES);
}

/* One binary int32 element through the table, with its flags. */
static int32_t run_i32(pel_op op, int32_t a, int32_t b, int *flags)
{
    int32_t out;
    char *args[3] = {(char *)&a, (char *)&b, (char *)&out};
    if (pel_kernel_nin(op) == 1) /* unary: the output follows the input */
        args[1] = (char *)&out;
    intptr_t dims[1] = {1}, steps[3] = {4, 4, 4};
    feclearexcept(FE_ALL_EXCEPT);
    pel_kernel(op, PEL_INT32)(args, dims, steps, NULL);
    *flags = fetestexcept(FE_DIVBYZERO | FE_OVERFLOW | FE_INVALID);
    return out;
}

static double run_f64(pel_op op, double a, double b, int *flags)
{
    double out;
    char *args[3] = {(char *)&a, (char *)&b, (char *)&out};
    if (pel_kernel_nin(op) == 1)
        args[1] = (char *)&out;
    intptr_t dims[1] = {1}, steps[3] = {8, 8, 8};
    feclearexcept(FE_ALL_EXCEPT);
    pel_kernel(op, PEL_FLOAT64)(args, dims, steps, NULL);
    *flags = fetestexcept(FE_DIVBYZERO | FE_OVERFLOW | FE_INVALID);
    return out;
}

static void reference_values(void)
{
    int f;
    CHECK(run_i32(PEL_OP_floor_divide, 7, 0, &f) == 0 && f == FE_DIVBYZERO,
          "7 // 0");
    CHECK(run_i32(PEL_OP_floor_divide, INT32_MIN, -1, &f) == INT32_MIN &&
              f == FE_OVERFLOW, "MIN // -1");
    CHECK(run_i32(PEL_OP_floor_divide, -7, 2, &f) == -4 && f == 0, "-7 // 2");
    CHECK(run_i32(PEL_OP_remainder, -7, 2, &f) == 1 && f == 0, "-7 %% 2");
    CHECK(run_i32(PEL_OP_remainder, 7, -2, &f) == -1, "7 %% -2");
    CHECK(run_i32(PEL_OP_remainder, 7, 0, &f) == 0 && f == FE_DIVBYZERO, "7 %% 0");
    CHECK(run_i32(PEL_OP_remainder, INT32_MIN, -1, &f) == 0 && f == 0, "MIN %% -1");
    CHECK(run_i32(PEL_OP_absolute, INT32_MIN, 0, &f) == INT32_MIN, "abs(MIN)");
    CHECK(run_i32(PEL_OP_left_shift, 1, 32, &f) == 0, "1 << 32");
    CHECK(run_i32(PEL_OP_left_shift, -1, 31, &f) == INT32_MIN, "-1 << 31");
    CHECK(run_i32(PEL_OP_right_shift, -8, 40, &f) == -1, "-8 >> 40");
    CHECK(run_i32(PEL_OP_right_shift, 8, -1, &f) == 0, "8 >> -1");
    CHECK(run_i32(PEL_OP_power, 3, 40, &f) == (int32_t)(uint32_t)12157665459056928801u,
          "3 ** 40 wraps");
    CHECK(pel_kernel_error_take() == PEL_KERR_NONE, "no error yet");
    run_i32(PEL_OP_power, 2, -1, &f);
    CHECK(pel_kernel_error_take() == PEL_KERR_NEGATIVE_INT_POWER, "2 ** -1");
    CHECK(pel_kernel_error_take() == PEL_KERR_NONE, "error cleared");

    double r = run_f64(PEL_OP_floor_divide, -7.0, 2.0, &f);
    CHECK(r == -4.0 && f == 0, "-7.0 // 2.0");
    r = run_f64(PEL_OP_remainder, -7.0, 2.0, &f);
    CHECK(r == 1.0, "-7.0 %% 2.0");
    r = run_f64(PEL_OP_remainder, 7.0, -2.0, &f);
    CHECK(r == -1.0, "7.0 %% -2.0");
    r = run_f64(PEL_OP_remainder, 0.0, -2.0, &f);
    CHECK(r == 0.0 && signbit(r), "0.0 %% -2.0 is -0.0");
    r = run_f64(PEL_OP_floor_divide, 1.0, 0.0, &f);
    CHECK(isinf(r) && f == FE_DIVBYZERO, "1.0 // 0.0");
    r = run_f64(PEL_OP_floor_divide, 0.0, 0.0, &f);
    CHECK(isnan(r) && f == FE_INVALID, "0.0 // 0.0");
    r = run_f64(PEL_OP_maximum, NAN, 1.0, &f);
    CHECK(isnan(r) && f == 0, "maximum(nan, 1) quietly");
    r = run_f64(PEL_OP_fmax, NAN, 1.0, &f);
    CHECK(r == 1.0 && f == 0, "fmax(nan, 1)");
    r = run_f64(PEL_OP_less, NAN, 1.0, &f);
    CHECK(f == 0, "nan < 1 raises nothing");
    r = run_f64(PEL_OP_log, 0.0, 0.0, &f);
    CHECK(isinf(r) && r < 0 && f == FE_DIVBYZERO, "log(0)");
    r = run_f64(PEL_OP_log, -1.0, 0.0, &f);
    CHECK(isnan(r) && f == FE_INVALID, "log(-1)");
    r = run_f64(PEL_OP_exp, -INFINITY, 0.0, &f);
    CHECK(r == 0.0 && f == 0, "exp(-inf)");
    r = run_f64(PEL_OP_exp, 1000.0, 0.0, &f);
    CHECK(isinf(r) && f == FE_OVERFLOW, "exp(1000)");
    r = run_f64(PEL_OP_rint, 2.5, 0.0, &f);
    CHECK(r == 2.0, "rint(2.5)");
}

int main(void)
{
    printf("kernels: %s\n", pel_kernels_features());
    fuzz_all_loops();
    reference_values();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
