"""Shipped model artefacts: a SHA-256 written beside each file, checked before it is read."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

T = TypeVar("T")


def write_digest(path: Path) -> str:
    """Record the file's SHA-256 in `<path>.sha256` (stem + .sha256); returns the digest."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_suffix(".sha256").write_text(digest + "\n", "utf-8")
    return digest


def read_verified(path: Path, what: str, error: type[Exception]) -> bytes:
    """The artefact's bytes after checking them against its recorded SHA-256; `error` otherwise."""
    sha_file = path.with_suffix(".sha256")
    try:
        data = path.read_bytes()
        want = sha_file.read_text("utf-8").strip()
    except OSError as e:
        raise error(f"{what} missing at {path} ({e})") from e
    got = hashlib.sha256(data).hexdigest()
    if got != want:
        raise error(f"{path}: sha256 {got} does not match {sha_file} ({want})")
    return data


def save_npz(path: Path, **arrays: Any) -> str:
    """Write `arrays` as a compressed `.npz` (in the order given) and its SHA-256; return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        np.savez_compressed(f, **arrays)
    return write_digest(path)


class Override(Generic[T]):
    """A model an evaluation swaps in for the shipped artefact, within a block (per context)."""

    def __init__(self, name: str) -> None:
        """`name` labels the context variable."""
        self._var: ContextVar[T | None] = ContextVar(name, default=None)

    @contextmanager
    def using(self, model: T) -> Iterator[None]:
        """Within the block, `get()` returns `model`."""
        token = self._var.set(model)
        try:
            yield
        finally:
            self._var.reset(token)

    def get(self) -> T | None:
        """The model swapped in, or None (then the shipped artefact is used)."""
        return self._var.get()
