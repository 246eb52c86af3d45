"""Which Leadership Principle(s) a question or story is about: keyword cues + embedding prototypes.

The classifier is deliberately independent of the prompt generator. It reads only what the LP
data says a principle *is* (name, summary, signals, red flags, keywords, and the classifier cues
and exemplars in the same YAML files); it never sees the question bank or the generator's
sentence grammar. That keeps "the classifier agrees with the generator's LP tag" a meaningful
check, and lets the hand-written question bank serve as a held-out test set
(`agents.lp.evaluation`).

Two signals are combined per LP:
- embedding similarity between the text and the LP's prototype sentences (`agents.lp.prototypes`:
  best match and the mean of the top few), standardised across LPs;
- keyword cues (`agents.lp.cues`): stemmed single words and phrases from the LP keywords and
  classifier cues, each weighted by how few LPs share it (IDF), so "feedback" (three LPs) counts
  less than "frugal".
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agents.lp.cues import CueIndex, stems
from agents.lp.principles import load_principles
from agents.lp.prototypes import embed_prototypes, prototype_scores

if TYPE_CHECKING:
    from agents.embeddings import MiniLMEmbedding
    from agents.lp.principles import Principle

# The agreement rule used by the prompt generator's quality filter: the intended LP must be in
# the classifier's top AGREEMENT_K. LPs overlap by design (Ownership vs Deliver Results, Dive Deep
# vs Are Right), so top-1 would reject good prompts; top-3 of 16 still rejects off-topic ones.
AGREEMENT_K = 3

# Weights of the two signals, chosen on the exemplars (in the LP YAML files) before they became
# prototypes; the question bank and the held-out stories in tests/test_lp_classifier.py are
# test sets only.
EMBED_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.1


def softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """Scores turned into shares that sum to 1 along `axis` (shifted by the max for stability)."""
    shares = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return shares / shares.sum(axis=axis, keepdims=True)


class LPClassifier:
    """Scores texts against every Leadership Principle; build once and reuse."""

    def __init__(
        self,
        principles: Mapping[str, Principle] | None = None,
        *,
        embedder: MiniLMEmbedding | None = None,
        cache_dir: Path | None = None,
        use_embeddings: bool = True,
    ) -> None:
        """Index keyword cues now; prototype vectors are embedded lazily on first use."""
        if principles is None:
            principles = load_principles()
        self.principles = dict(principles)
        self.slugs: list[str] = list(self.principles)
        self._slug_index = {s: i for i, s in enumerate(self.slugs)}
        self.cues = CueIndex(self.principles)
        self._embedder = embedder
        self._cache_dir = cache_dir
        self.use_embeddings = use_embeddings
        self._proto: np.ndarray | None = None
        self._proto_owner: np.ndarray | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> MiniLMEmbedding:
        """The embedding function (the process-wide one unless another was given)."""
        if self._embedder is None:
            from agents.embeddings import get_embedding_function

            self._embedder = get_embedding_function()
        return self._embedder

    def _prototypes(self) -> tuple[np.ndarray, np.ndarray]:
        """Prototype vectors and, for each, the index of its LP (embedded once, thread-safe)."""
        if self._proto is None:
            with self._lock:
                if self._proto is None:
                    vectors, owner = embed_prototypes(
                        self.principles, self.embedder, self._cache_dir
                    )
                    self._proto_owner = owner
                    self._proto = vectors
        assert self._proto_owner is not None
        return self._proto, self._proto_owner

    def keyword_scores(self, text: str) -> np.ndarray:
        """Per-LP keyword evidence: IDF-weighted cue matches, damped for long texts."""
        tokens = stems(text)
        scores = np.zeros(len(self.slugs))
        for phrase in self.cues.matches(tokens):
            for slug in phrase.lps:
                scores[self._slug_index[slug]] += phrase.weight
        # A 200-word story mentions many cues; a square-root damping keeps long texts from
        # being decided by keyword volume alone while short questions keep their cues' weight.
        return scores / np.sqrt(max(1.0, len(tokens) / 15))

    def matched_cues(self, text: str) -> dict[str, list[str]]:
        """Which cue phrases matched, per LP (for explanations and debugging)."""
        found: dict[str, list[str]] = defaultdict(list)
        for phrase in self.cues.matches(stems(text)):
            for slug in phrase.lps:
                found[slug].append(" ".join(phrase.tokens))
        return dict(found)

    def embedding_scores(self, vectors: np.ndarray) -> np.ndarray:
        """Per-LP similarity for each row of `vectors`: mean of best and top-k prototype sims."""
        proto, owner = self._prototypes()
        return prototype_scores(vectors, proto, owner, len(self.slugs))

    def scores(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """A (len(texts), n_LPs) score matrix; pass `vectors` to reuse embeddings you have."""
        items = list(texts)
        kw = np.array([self.keyword_scores(t) for t in items]).reshape(len(items), len(self.slugs))
        if not self.use_embeddings:
            return kw
        if vectors is None:
            vectors = self.embedder.embed(items)
        emb = self.embedding_scores(np.asarray(vectors, dtype=np.float32))
        # Standardise per text: raw cosines of short questions sit in a narrow band whose
        # level says nothing about which LP wins; only the spread between LPs matters.
        mu = emb.mean(axis=1, keepdims=True)
        sd = emb.std(axis=1, keepdims=True) + 1e-6
        return EMBED_WEIGHT * (emb - mu) / sd + KEYWORD_WEIGHT * kw

    def rank(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[list[str]]:
        """LP slugs best first, one ranking per text."""
        matrix = self.scores(texts, vectors)
        return [[self.slugs[j] for j in np.argsort(-row, kind="stable")] for row in matrix]

    def suggest(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The top-k (slug, score) for one text, best first; scores are softmax shares."""
        row = self.scores([text])[0]
        share = softmax(row)
        order = np.argsort(-row, kind="stable")[: max(1, k)]
        return [(self.slugs[j], round(float(share[j]), 4)) for j in order]

    def agrees(
        self, text: str, lp: str, k: int = AGREEMENT_K, vector: np.ndarray | None = None
    ) -> bool:
        """Whether `lp` is among the classifier's top-k for `text`."""
        vectors = None if vector is None else np.asarray(vector).reshape(1, -1)
        return lp in self.rank([text], vectors)[0][:k]


_default: dict[str | None, LPClassifier] = {}
_default_lock = threading.Lock()


def get_classifier(cache_dir: Path | None = None) -> LPClassifier:
    """A process-wide classifier over the bundled principles (one per cache dir)."""
    key = str(cache_dir) if cache_dir is not None else None
    with _default_lock:
        if key not in _default:
            _default[key] = LPClassifier(cache_dir=cache_dir)
        return _default[key]


def suggest_lps(text: str, k: int = 3) -> list[tuple[str, float]]:
    """The k most likely LPs for a question or story as (slug, score), best first."""
    return get_classifier().suggest(text, k)


def classify_lp(text: str) -> str:
    """The single most likely LP slug for a question or story."""
    return suggest_lps(text, k=1)[0][0]
