"""The same BLAS kernels on every x86-64 machine, so that training reproduces its bytes.

OpenBLAS (inside numpy and scipy) picks its kernels by CPU. On an AVX-512 machine it takes its
SkylakeX kernels, and the lbfgs fits of `make train` stop at other coefficients than with the
Haswell (AVX2) kernels the shipped artefacts were built with: measured on 2026-12-07 on an AMD EPYC
with AVX-512, the retrained sentence-role model's weights differed by up to 0.22, its bit-for-bit
test failed, and the leave-one-voice-out kappa of one voice moved by 0.016. Asking for the Haswell
kernels wherever the CPU has AVX2 makes training and its figures the same on both kinds.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

CORETYPE = "Haswell"


def pin_blas_kernels() -> None:
    """Ask OpenBLAS for its Haswell kernels on an x86-64 CPU with AVX2, unless OPENBLAS_CORETYPE
    is already set. OpenBLAS reads it once, when numpy is first imported: call this before."""
    if "OPENBLAS_CORETYPE" in os.environ or platform.machine().lower() not in ("x86_64", "amd64"):
        return
    try:
        cpu = Path("/proc/cpuinfo").read_text("utf-8", errors="replace")
    except OSError:
        return  # not Linux: the kernels are left to OpenBLAS
    if " avx2" in cpu:
        os.environ["OPENBLAS_CORETYPE"] = CORETYPE
