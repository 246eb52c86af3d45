"""Training runs on the BLAS kernels the shipped artefacts were built with (agents/blas.py)."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest


def _has_avx2() -> bool:
    try:
        return " avx2" in Path("/proc/cpuinfo").read_text("utf-8", errors="replace")
    except OSError:
        return False


@pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64") or not _has_avx2(),
    reason="the kernels are pinned on x86-64 CPUs with AVX2 only",
)
def test_openblas_runs_its_haswell_kernels_whatever_the_cpu() -> None:
    """On an AVX-512 CPU OpenBLAS would pick SkylakeX kernels and retraining would change bytes."""
    import numpy  # noqa: F401 - loads numpy's OpenBLAS
    import scipy.linalg  # noqa: F401 - loads scipy's OpenBLAS
    from threadpoolctl import threadpool_info

    kernels = {i.get("architecture") for i in threadpool_info() if i["internal_api"] == "openblas"}
    assert kernels == {"Haswell"}
