"""Build script for the pelx C extension (``pelx._core``).

Every ``.c`` file in the layers of csrc/ (pel, kernels, vm, module) goes into
one extension module; tests and benchmarks of the C core live elsewhere and
are built by ``csrc/Makefile``.
"""
import glob
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

LAYERS = ("pel", "kernels", "vm", "module")


def sources():
    files = []
    for layer in LAYERS:
        files += sorted(glob.glob(os.path.join("csrc", layer, "*.c")))
    return files


def headers():
    """Every header under csrc/: a changed header rebuilds the extension."""
    return sorted(glob.glob(os.path.join("csrc", "*", "*.h")))


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


class ParallelBuildExt(build_ext):
    """build_ext that compiles the extension's files in parallel.

    The exact kernel families are compiled once per SIMD level
    (csrc/kernels/simd_level.h), which makes a serial build slow; each file
    is independent, so they are compiled by as many threads as there are
    CPUs (PELX_BUILD_JOBS overrides). Linking stays serial.
    """

    def build_extensions(self):
        jobs = int(os.environ.get("PELX_BUILD_JOBS") or os.cpu_count() or 1)
        compiler = self.compiler
        serial_compile = compiler.compile

        def compile(sources, output_dir=None, macros=None, include_dirs=None,
                    debug=0, extra_preargs=None, extra_postargs=None,
                    depends=None):
            if jobs <= 1 or len(sources) <= 1:
                return serial_compile(sources, output_dir, macros,
                                      include_dirs, debug, extra_preargs,
                                      extra_postargs, depends)

            def one(src):
                return serial_compile([src], output_dir, macros, include_dirs,
                                      debug, extra_preargs, extra_postargs,
                                      depends)

            with ThreadPoolExecutor(jobs) as pool:
                return [obj for objs in pool.map(one, sources) for obj in objs]

        compiler.compile = compile
        super().build_extensions()


setup(
    cmdclass={"build_ext": ParallelBuildExt},
    ext_modules=[
        Extension(
            "pelx._core",
            sources=sources(),
            depends=headers(),
            include_dirs=[np.get_include(), "csrc"],
            extra_compile_args=compile_args(),
            extra_link_args=link_args(),
            libraries=["m", "mvec"],
        )
    ],
)
