"""Evaluations and training commands (`python -m evals.<name>`)."""

from agents.blas import pin_blas_kernels

# Before any evaluation module imports numpy: training reproduces its bytes on every x86-64 CPU.
pin_blas_kernels()
