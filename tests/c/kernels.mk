# Builds the C smoke test of the kernel layer, plain and under sanitizers.
#   make -j2 -f tests/c/kernels.mk BUILD=/tmp/pelk   (from the repository root)
# Targets: test_kernels (project flags), test_kernels_san (UBSan + ASan).
# Every kernel file is one object (the exact families are built once per
# SIMD level, so a parallel make matters); the reduction plan is left out:
# it drives the thread pool, which this test does not link.
BUILD ?= build/kernels-test
CC ?= gcc
SRCS := $(filter-out csrc/kernels/reduce_plan.c,$(wildcard csrc/kernels/*.c))
HDRS := $(wildcard csrc/kernels/*.h) csrc/pel/pel.h
CFLAGS := -std=c11 -O3 -ffp-contract=off -fno-math-errno -Wall -Werror \
          -Wno-unused-function -D_GNU_SOURCE -Icsrc
SANFLAGS := -O1 -g -fsanitize=undefined,address,float-cast-overflow \
            -fno-sanitize-recover=all -fno-omit-frame-pointer
OBJS := $(patsubst csrc/kernels/%.c,$(BUILD)/obj/%.o,$(SRCS))
SAN_OBJS := $(patsubst csrc/kernels/%.c,$(BUILD)/san/%.o,$(SRCS))

all: $(BUILD)/test_kernels $(BUILD)/test_kernels_san

$(BUILD)/obj/%.o: csrc/kernels/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: csrc/kernels/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -c $< -o $@

$(BUILD)/test_kernels: tests/c/test_kernels.c $(OBJS)
	$(CC) $(CFLAGS) tests/c/test_kernels.c $(OBJS) -o $@ -lmvec -lm

$(BUILD)/test_kernels_san: tests/c/test_kernels.c $(SAN_OBJS)
	$(CC) $(CFLAGS) $(SANFLAGS) tests/c/test_kernels.c $(SAN_OBJS) -o $@ -lmvec -lm

.PHONY: all
