"""Embedding prototypes: the sentences that say what each LP is, their vectors, and similarity.

Prototypes are a principle's name, summary sentences, signals, red flags and `exemplars` (all
from the LP YAML files), never its bank questions: the bank is the classifier's test set.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from agents.embeddings import MiniLMEmbedding
    from agents.lp.principles import Principle

# How many of an LP's best-matching prototypes its embedding score averages (with the best one),
# so one lucky sentence does not dominate.
TOP_PROTOTYPES = 3


def prototype_sentences(principle: Principle) -> list[str]:
    """What an LP is, as texts to embed: name, summary, signals, red flags and exemplars."""
    out = [f"{principle.name}."]
    out += [s.strip() for s in re.split(r"(?<=\.)\s+", principle.summary) if s.strip()]
    out += list(principle.signals)
    # Red flags describe the same topic from the failing side ("blames other teams"), which
    # is exactly what failure-themed questions and candid stories talk about.
    out += list(principle.red_flags)
    out += list(principle.exemplars)
    return out


def texts_key(texts: Sequence[str]) -> str:
    """A stable hash of a list of texts and the embedding model they are embedded with."""
    from agents.embeddings import MODEL_SHA256

    digest = hashlib.sha256(MODEL_SHA256.encode())
    for t in texts:
        digest.update(t.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


def cached_embed(
    texts: Sequence[str], embedder: MiniLMEmbedding, cache_dir: Path | None, tag: str
) -> np.ndarray:
    """Embed fixed texts once; reuse vectors from `<cache_dir>/<tag>-<hash>.npy` across runs."""
    if cache_dir is None:
        return embedder.embed(list(texts))
    path = Path(cache_dir) / f"{tag}-{texts_key(texts)}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dimension):
            return vectors
    except (OSError, ValueError):
        pass  # missing or corrupt cache: recompute
    vectors = embedder.embed(list(texts))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)  # atomic, so a concurrent reader never sees half a file
    except OSError:
        pass  # a read-only data dir only costs speed
    return vectors


def embed_prototypes(
    principles: Mapping[str, Principle], embedder: MiniLMEmbedding, cache_dir: Path | None
) -> tuple[np.ndarray, np.ndarray]:
    """Every LP's prototype vectors, in order, and for each the index of its LP."""
    texts: list[str] = []
    owner: list[int] = []
    for i, principle in enumerate(principles.values()):
        sentences = prototype_sentences(principle)
        texts += sentences
        owner += [i] * len(sentences)
    return cached_embed(texts, embedder, cache_dir, "lp-prototypes"), np.array(owner)


def prototype_scores(
    vectors: np.ndarray, proto: np.ndarray, owner: np.ndarray, n_lps: int
) -> np.ndarray:
    """Per-LP similarity for each row of `vectors`: mean of best and top-k prototype sims."""
    sims = vectors @ proto.T  # unit vectors, so this is cosine
    out = np.zeros((vectors.shape[0], n_lps))
    for j in range(n_lps):
        block = np.sort(sims[:, owner == j], axis=1)[:, ::-1]
        top = block[:, :TOP_PROTOTYPES]
        out[:, j] = 0.5 * block[:, 0] + 0.5 * top.mean(axis=1)
    return out
