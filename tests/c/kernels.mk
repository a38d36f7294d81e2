# Builds the C smoke test of the kernel layer, plain and under sanitizers.
#   make -f tests/c/kernels.mk BUILD=/tmp/pelk   (from the repository root)
# Targets: test_kernels (project flags), test_kernels_san (UBSan + ASan).
BUILD ?= build/kernels-test
CC ?= gcc
SRCS := $(filter-out csrc/kernels/reduce_%.c,$(wildcard csrc/kernels/*.c))
HDRS := $(wildcard csrc/kernels/*.h)
CFLAGS := -std=c11 -O3 -ffp-contract=off -fno-math-errno -Wall -Werror \
          -Wno-unused-function -D_GNU_SOURCE -Icsrc
SANFLAGS := -O1 -g -fsanitize=undefined,address,float-cast-overflow \
            -fno-sanitize-recover=all -fno-omit-frame-pointer

all: $(BUILD)/test_kernels $(BUILD)/test_kernels_san

$(BUILD)/test_kernels: tests/c/test_kernels.c $(SRCS) $(HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) tests/c/test_kernels.c $(SRCS) -o $@ -lmvec -lm

$(BUILD)/test_kernels_san: tests/c/test_kernels.c $(SRCS) $(HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(SANFLAGS) tests/c/test_kernels.c $(SRCS) -o $@ -lmvec -lm

.PHONY: all
