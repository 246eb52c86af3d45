"""Vectors of the fixed texts in our data (LP prototypes, bank questions, LP probes, demand
examples), embedded once and shipped.

Every process used to embed these few thousand sentences again on first use (seconds of CPU per
app start, and as many seconds of wait on a candidate's first turn). `cached_embed` now looks in
three places, in order: the shipped store `agents/models/text_vectors.npz` (written by
`python -m evals.build_text_vectors`, which `make train` runs; its sha256 is checked on load),
then `<cache_dir>`, then the embedder. Entries are keyed by a hash of the texts and of the
embedding model, so an edited YAML file or another model never reads a stale vector: it is
embedded as before. The store holds exactly what `MiniLMEmbedding.embed` returned for the same
call, so using it changes no result.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from agents.artefact import read_verified, write_digest

log = logging.getLogger(__name__)

STORE = Path(__file__).resolve().parent / "models" / "text_vectors.npz"

# While `recording()` is active: every key embedded through `cached_embed`, with its vectors (the
# build command saves them; the freshness test checks that nothing needed embedding).
_recorded: dict[str, np.ndarray] | None = None
_record_lock = threading.Lock()


def texts_key(texts: Sequence[str]) -> str:
    """A stable hash of a list of texts and the embedding model they are embedded with."""
    from agents.embeddings import MODEL_SHA256  # lazy: importing embeddings loads chromadb

    digest = hashlib.sha256(MODEL_SHA256.encode())
    for t in texts:
        digest.update(t.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


class TextVectorsError(ValueError):
    """The shipped store is missing, unreadable or does not match its SHA-256."""


@lru_cache(maxsize=1)
def shipped() -> dict[str, np.ndarray]:
    """The shipped store as {tag-key: vectors}; empty (and logged) when missing or tampered with."""
    try:
        data = read_verified(STORE, "the shipped text vectors", TextVectorsError)
        with np.load(io.BytesIO(data)) as arrays:
            return {name: arrays[name] for name in arrays.files}
    except (OSError, ValueError) as e:  # no store yet, or a bad one: it only costs speed
        log.warning("%s: embedding the fixed texts instead", e)
        return {}


@contextmanager
def recording() -> Iterator[dict[str, np.ndarray]]:
    """Collect every (key, vectors) that `cached_embed` serves or computes while active."""
    global _recorded
    with _record_lock:
        _recorded = {}
    try:
        yield _recorded
    finally:
        with _record_lock:
            _recorded = None


def _record(name: str, vectors: np.ndarray, computed: bool) -> None:
    """Remember a served entry while recording (`computed` ones are marked with a leading '+')."""
    with _record_lock:
        if _recorded is not None:
            _recorded[("+" if computed else "") + name] = vectors


def _from_disk(path: Path, n: int, dimension: int) -> np.ndarray | None:
    """A cached array of the right shape, or None when missing or corrupt (then recomputed)."""
    try:
        vectors = np.load(path)
    except (OSError, ValueError):
        return None
    return vectors if vectors.shape == (n, dimension) else None


def _to_disk(path: Path, vectors: np.ndarray) -> None:
    """Write atomically, so a concurrent reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
    except OSError:
        pass  # a read-only data dir only costs speed


def cached_embed(
    texts: Sequence[str], embedder: Any, cache_dir: Path | None, tag: str
) -> np.ndarray:
    """Embed fixed texts once: the shipped store, then `<cache_dir>/<tag>-<hash>.npy`, then the
    embedder (the store only serves the MiniLM model it was built with)."""
    from agents.embeddings import MiniLMEmbedding

    name = f"{tag}-{texts_key(texts)}"
    if isinstance(embedder, MiniLMEmbedding):
        found = shipped().get(name)
        if found is not None and found.shape == (len(texts), embedder.dimension):
            _record(name, found, computed=False)
            return found
    path = Path(cache_dir) / f"{name}.npy" if cache_dir is not None else None
    vectors = _from_disk(path, len(texts), embedder.dimension) if path is not None else None
    if vectors is None:
        vectors = embedder.embed(list(texts))
        if path is not None:
            _to_disk(path, vectors)
    _record(name, vectors, computed=True)
    return vectors


def write_store(entries: dict[str, np.ndarray], path: Path = STORE) -> str:
    """Save entries as the shipped store (sorted, uncompressed) and its sha256; return the hash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        np.savez(
            fh, **{k: np.ascontiguousarray(entries[k], dtype=np.float32) for k in sorted(entries)}
        )
    digest = write_digest(path)
    shipped.cache_clear()
    return digest
