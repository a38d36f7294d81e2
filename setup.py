"""Build script for the pelx C extension (``pelx._core``).

Every ``.c`` file in the layers of csrc/ (pel, kernels, vm, module) goes into
one extension module; tests and benchmarks of the C core live elsewhere and
are built by ``csrc/Makefile``.
"""
import glob
import os

import numpy as np
from setuptools import Extension, setup

LAYERS = ("pel", "kernels", "vm", "module")


def sources():
    files = []
    for layer in LAYERS:
        files += sorted(glob.glob(os.path.join("csrc", layer, "*.c")))
    return files


def compile_args():
    args = [
        "-std=c11",
        "-O3",
        # a*b+c must round twice, exactly as NumPy does: no FMA contraction.
        "-ffp-contract=off",
        # Lets sqrt() & co. compile to instructions; results are unchanged.
        "-fno-math-errno",
        "-fvisibility=hidden",
        "-Wall",
        "-Wno-unused-function",
        "-D_GNU_SOURCE",
        "-DNPY_NO_DEPRECATED_API=NPY_2_0_API_VERSION",
        "-DNPY_TARGET_VERSION=NPY_2_0_API_VERSION",
    ]
    extra = os.environ.get("PELX_CFLAGS")
    if extra:
        args += extra.split()
    return args


def link_args():
    extra = os.environ.get("PELX_LDFLAGS")
    return ["-pthread"] + (extra.split() if extra else [])


setup(
    ext_modules=[
        Extension(
            "pelx._core",
            sources=sources(),
            include_dirs=[np.get_include(), "csrc"],
            extra_compile_args=compile_args(),
            extra_link_args=link_args(),
            libraries=["m", "mvec"],
        )
    ],
)
