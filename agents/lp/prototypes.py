"""Embedding prototypes: the sentences that say what each LP is, their vectors, and similarity.

Prototypes are a principle's name, summary sentences, signals, red flags and `exemplars` (all
from the LP YAML files), never its bank questions: the bank is the classifier's test set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agents.text_vectors import cached_embed

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
