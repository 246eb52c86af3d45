"""Shipped model artefacts: a SHA-256 written beside each file, checked before it is read."""

from __future__ import annotations

import hashlib
from pathlib import Path


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
