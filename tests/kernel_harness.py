"""Drive the kernel layer (csrc/kernels) from Python through ctypes.

The kernels are compiled on their own into a shared library with the
project's compiler flags (see setup.py) plus tests/c/kernel_test_hooks.c, so
loops can be compared with NumPy before (and independently of) the CPython
binding. The library is rebuilt when a source is newer than it.
"""
import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSRC = os.path.join(ROOT, "csrc")
KDIR = os.path.join(CSRC, "kernels")
HOOKS = os.path.join(ROOT, "tests", "c", "kernel_test_hooks.c")
CFLAGS = ["-std=c11", "-O3", "-ffp-contract=off", "-fno-math-errno", "-Wall",
          "-Wno-unused-function", "-D_GNU_SOURCE", "-fPIC", "-shared"]

# pel_dtype enum order -> NumPy dtype.
_DTYPE_NAMES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32",
                "int64", "uint64", "float32", "float64", "complex64",
                "complex128"]
DTYPES = {np.dtype(n): i for i, n in enumerate(_DTYPE_NAMES)}

FLAG_DIVIDE, FLAG_OVERFLOW, FLAG_INVALID = 1, 2, 4
KERR_NEGATIVE_INT_POWER = 1


def _sources():
    # every kernel file but the reduction plan (it drives the thread pool)
    return sorted(os.path.join(KDIR, f) for f in os.listdir(KDIR)
                  if f.endswith(".c") and f != "reduce_plan.c") + [HOOKS]


def _check_dtype_order():
    with open(os.path.join(KDIR, "kernels.h")) as f:
        text = f.read()
    body = re.search(r"typedef enum pel_dtype \{(.*?)\}", text, re.S).group(1)
    names = [n.strip()[4:].lower() for n in body.split(",") if n.strip()]
    assert names[:-1] == _DTYPE_NAMES, names


def build(out_dir=None):
    """Compile the kernels into a shared library; returns its path."""
    _check_dtype_order()
    out_dir = out_dir or os.path.join(tempfile.gettempdir(),
                                      "pelx-kernels-%d" % os.getuid())
    os.makedirs(out_dir, exist_ok=True)
    # one library per checkout (a stable digest: str hashes vary per run)
    tag = hashlib.sha1(ROOT.encode()).hexdigest()[:12]
    lib = os.path.join(out_dir, "libpelkernels_%s.so" % tag)
    srcs = _sources()
    headers = [os.path.join(KDIR, f) for f in os.listdir(KDIR)
               if f.endswith(".h")]
    newest = max(os.path.getmtime(p) for p in srcs + headers)
    if not os.path.exists(lib) or os.path.getmtime(lib) < newest:
        tmp = lib + ".tmp%d" % os.getpid()
        objdir = tmp + ".o"
        os.makedirs(objdir, exist_ok=True)

        def compile_one(src):
            obj = os.path.join(objdir, os.path.basename(src) + ".o")
            subprocess.run(["gcc", *CFLAGS, "-c", "-I", CSRC,
                            src, "-o", obj], check=True)
            return obj

        # each kernel family is built once per SIMD level: compile the files
        # in parallel, as setup.py does
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            objs = list(pool.map(compile_one, srcs))
        subprocess.run(["gcc", "-shared", *objs, "-o", tmp, "-lmvec", "-lm"],
                       check=True)
        os.replace(tmp, lib)
        shutil.rmtree(objdir, ignore_errors=True)
    return lib


class Kernels:
    """ctypes view of one loaded build."""

    def __init__(self, path):
        self.lib = L = ctypes.CDLL(path)
        L.pel_kernel.restype = ctypes.c_void_p
        L.pel_kernel.argtypes = [ctypes.c_int, ctypes.c_int]
        L.pel_cast_kernel.restype = ctypes.c_void_p
        L.pel_cast_kernel.argtypes = [ctypes.c_int, ctypes.c_int]
        L.pel_kernel_out_dtype.argtypes = [ctypes.c_int, ctypes.c_int]
        L.pel_kernel_nin.argtypes = [ctypes.c_int]
        L.pel_kernel_name.restype = ctypes.c_char_p
        L.pel_kernel_name.argtypes = [ctypes.c_int]
        L.pel_dtype_size.argtypes = [ctypes.c_int]
        L.pel_kernels_features.restype = ctypes.c_char_p
        L.pel_kernel_int64_uint64.restype = ctypes.c_void_p
        L.pel_kernel_int64_uint64.argtypes = [ctypes.c_int, ctypes.c_int]
        L.pelt_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                               ctypes.c_void_p, ctypes.c_void_p,
                               ctypes.POINTER(ctypes.c_int)]
        self.ops = {}
        i = 0
        while True:
            name = L.pel_kernel_name(i)
            if name is None:
                break
            self.ops[name.decode()] = i
            i += 1
        self.dtype_of = {v: k for k, v in DTYPES.items()}

    def features(self):
        return self.lib.pel_kernels_features().decode()

    def has(self, op, dtype):
        return bool(self.lib.pel_kernel(self.ops[op], DTYPES[np.dtype(dtype)]))

    def out_dtype(self, op, dtype):
        r = self.lib.pel_kernel_out_dtype(self.ops[op], DTYPES[np.dtype(dtype)])
        return None if r < 0 else self.dtype_of[r]

    def nin(self, op):
        return self.lib.pel_kernel_nin(self.ops[op])

    def _run(self, fn, arrays):
        n = arrays[-1].shape[0]
        for a in arrays:
            assert a.ndim == 1 and a.shape[0] in (n,) or a.strides[0] == 0
        args = (ctypes.c_void_p * len(arrays))(
            *[a.__array_interface__["data"][0] for a in arrays])
        dims = (ctypes.c_ssize_t * 1)(n)
        steps = (ctypes.c_ssize_t * len(arrays))(*[a.strides[0] for a in arrays])
        err = ctypes.c_int(0)
        flags = self.lib.pelt_run(fn, args, dims, steps, ctypes.byref(err))
        return flags, err.value

    def call(self, op, dtype, *inputs, out=None):
        """Run loop (op, dtype) over 1-d inputs (any strides, stride 0 for a
        broadcast scalar). Returns (out, flags, kernel_error)."""
        dtype = np.dtype(dtype)
        fn = self.lib.pel_kernel(self.ops[op], DTYPES[dtype])
        if not fn:
            raise KeyError((op, dtype))
        assert len(inputs) == self.nin(op)
        n = max(a.shape[0] for a in inputs)
        if out is None:
            out = np.empty(n, self.out_dtype(op, dtype))
        flags, err = self._run(fn, list(inputs) + [out])
        return out, flags, err

    def call_int64_uint64(self, op, a, b):
        """Mixed int64/uint64 comparison loop; a, b in either order."""
        fn = self.lib.pel_kernel_int64_uint64(self.ops[op],
                                              int(a.dtype == np.uint64))
        if not fn:
            raise KeyError(op)
        out = np.empty(max(a.shape[0], b.shape[0]), bool)
        flags, _ = self._run(fn, [a, b, out])
        return out, flags

    def cast(self, a, to, out=None):
        fn = self.lib.pel_cast_kernel(DTYPES[a.dtype], DTYPES[np.dtype(to)])
        assert fn
        if out is None:
            out = np.empty(a.shape[0], to)
        flags, _ = self._run(fn, [a, out])
        return out, flags


def load(env_simd=None):
    """Build and load. env_simd ('scalar', 'avx2', 'avx512') is read by the
    library at load time, so each value gets its own copy of the .so."""
    path = build()
    if env_simd is None:
        return Kernels(path)
    copy = path.replace(".so", "_%s.so" % env_simd)
    if not os.path.exists(copy) or os.path.getmtime(copy) < os.path.getmtime(path):
        shutil.copyfile(path, copy + ".tmp")
        os.replace(copy + ".tmp", copy)
    old = os.environ.get("PELX_KERNELS_SIMD")
    os.environ["PELX_KERNELS_SIMD"] = env_simd
    try:
        return Kernels(copy)
    finally:
        if old is None:
            del os.environ["PELX_KERNELS_SIMD"]
        else:
            os.environ["PELX_KERNELS_SIMD"] = old
