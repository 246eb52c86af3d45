"""The quality filter both paths share: one behavioral past-event question, not a near-duplicate of
the batch, the bank or what the user practised, and its LP confirmed by the independent classifier.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agents.lp.classifier import AGREEMENT_K, LPClassifier, softmax
from agents.question_gen.form import clean_prompt_text, form_problem, lexical_key, prompt_core
from agents.question_gen.grammar import load_wording
from agents.question_gen.request import Source
from agents.text_vectors import cached_embed

if TYPE_CHECKING:
    from agents.embeddings import MiniLMEmbedding
    from agents.lp.principles import Principle
    from agents.question_gen.grammar import Scene

# Cosine between prompt cores (opener stripped) at or above which two prompts count as the same
# question. Calibrated: the most similar pair of distinct hand-written bank questions scores
# 0.75 (99.9th percentile 0.64); light rewordings of one question score 0.80-0.97.
NEAR_DUP_THRESHOLD = 0.80
# The classifier share above which its favourite LP, when not the intended one, is tagged too.
SECOND_LP_SHARE = 0.5

# -- what the filter judges ----------------------------------------------------------------------


@dataclass
class Candidate:
    """A rendered prompt before filtering, with what it was made from."""

    text: str
    lp: str
    theme: str | None
    scene: Scene | None = None
    shows: list[str] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)
    source: Source = "offline"
    # What near-duplicate checks compare: the situation and demand without any theme or level
    # ending (an ending changes the angle, not the story that answers it). None: derive it.
    core: str | None = None

    def dedup_text(self) -> str:
        """The text compared for near-duplicates."""
        return self.core if self.core is not None else prompt_core(self.text)


@dataclass
class Accepted:
    """A prompt that passed the filter, with its core vector for later comparisons."""

    candidate: Candidate
    vector: np.ndarray  # the bare core (situation and demand, no endings)
    asked_vector: np.ndarray  # the core as asked, endings included
    lps: list[str]


# What the user already practised: lexical keys and core vectors.
Practised = tuple[set[str], np.ndarray]


def balanced(items: list[Accepted], lps: list[str], n: int) -> list[Accepted]:
    """Take `n` items round-robin over LPs, so over-generation does not skew the mix."""
    by_lp: dict[str, list[Accepted]] = {lp: [] for lp in lps}
    for item in items:
        by_lp.setdefault(item.candidate.lp, []).append(item)
    out: list[Accepted] = []
    while len(out) < n and any(by_lp.values()):
        for lp in list(by_lp):
            if by_lp[lp] and len(out) < n:
                out.append(by_lp[lp].pop(0))
    return out


@dataclass
class _Survivors:
    """Candidates past the text rules, with their vectors and the classifier's verdict."""

    items: list[Candidate]
    bare: np.ndarray
    asked: np.ndarray
    full: np.ndarray
    rankings: list[list[str]]
    shares: np.ndarray


class QualityFilter:
    """Applies the filter; holds the bank and the LP probes with their cached vectors."""

    def __init__(
        self,
        principles: Mapping[str, Principle],
        embedder: MiniLMEmbedding,
        classifier: LPClassifier,
        cache_dir: Path | None = None,
        threshold: float = NEAR_DUP_THRESHOLD,
        agreement_k: int = AGREEMENT_K,
    ) -> None:
        """Index the hand-written bank; vectors are embedded on first use."""
        self.principles = principles
        self.embedder = embedder
        self.classifier = classifier
        self.cache_dir = cache_dir
        self.threshold = threshold
        self.agreement_k = agreement_k
        self.bank = [q.text for p in principles.values() for q in p.questions]
        self._bank_keys = {lexical_key(t) for t in self.bank}
        self._bank_vectors: np.ndarray | None = None
        self._probe_vectors: np.ndarray | None = None
        self._probe_owners: list[str] = []
        self._probe_texts: list[str] = []
        self._lock = threading.Lock()

    def bank_vectors(self) -> np.ndarray:
        """Core vectors of the hand-written bank, embedded once and cached on disk."""
        if self._bank_vectors is None:
            with self._lock:
                if self._bank_vectors is None:
                    cores = [prompt_core(t) for t in self.bank]
                    self._bank_vectors = cached_embed(
                        cores, self.embedder, self.cache_dir, "bank-cores"
                    )
        return self._bank_vectors

    def probe_index(self) -> tuple[list[str], list[str], np.ndarray]:
        """Every LP probe with its LP and vector (embedded once, cached on disk)."""
        if self._probe_vectors is None:
            with self._lock:
                if self._probe_vectors is None:
                    owners = [lp for lp, p in self.principles.items() for _ in p.probes]
                    texts = [q for p in self.principles.values() for q in p.probes]
                    vectors = cached_embed(texts, self.embedder, self.cache_dir, "lp-probes")
                    self._probe_owners, self._probe_texts = owners, texts
                    self._probe_vectors = vectors
        return self._probe_owners, self._probe_texts, self._probe_vectors

    def complete_probes(self, cand: Candidate, vector: np.ndarray) -> list[str]:
        """Two or three follow-ups: the candidate's own, then the LP probes closest to the
        prompt (so they fit what was asked), then one for the theme."""
        owners, texts, vectors = self.probe_index()
        probes = list(dict.fromkeys(cand.probes))[:3]
        mine = [i for i, lp in enumerate(owners) if lp == cand.lp]
        ranked = sorted(mine, key=lambda i: -float(vectors[i] @ vector))
        for i in ranked:
            if len(probes) >= 2:
                break
            if texts[i] not in probes:
                probes.append(texts[i])
        theme = load_wording().themes.get(cand.theme or "")
        theme_probe = theme.probe if theme is not None else None
        if cand.source == "offline" and theme_probe and theme_probe not in probes:
            probes.append(theme_probe)
        return probes[:3]

    def practised(self, texts: Sequence[str]) -> Practised:
        """Lexical keys and core vectors of what the user has already practised."""
        texts = [t for t in texts if t and t.strip()]
        if not texts:
            return set(), np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return {lexical_key(t) for t in texts}, self.embedder.embed([prompt_core(t) for t in texts])

    def filter(
        self,
        candidates: Sequence[Candidate],
        accepted: list[Accepted],
        practised: Practised,
        stats: Counter[str],
    ) -> list[Accepted]:
        """Apply the quality filter to one round of candidates; returns the newly accepted."""
        survivors = self._text_pass(candidates, accepted, practised[0], stats)
        if not survivors:
            return []
        judged = self._judge(survivors)
        stats["lp-checked"] += len(survivors)
        new = self._vector_pass(judged, accepted, practised[1], stats)
        stats["accepted"] += len(new)
        return new

    def _text_pass(
        self,
        candidates: Sequence[Candidate],
        accepted: list[Accepted],
        practised_keys: set[str],
        stats: Counter[str],
    ) -> list[Candidate]:
        """Cleaned candidates in behavioral form whose lexical key is new."""
        seen = {lexical_key(a.candidate.text, a.candidate.core) for a in accepted}
        survivors: list[Candidate] = []
        for cand in candidates:
            stats["candidates"] += 1
            cand.text = clean_prompt_text(cand.text)
            problem = form_problem(cand.text)
            if problem is not None:
                stats[f"rejected:{problem}"] += 1
                continue
            key = lexical_key(cand.text, cand.core)
            if key in practised_keys:
                stats["rejected:practised"] += 1
                continue
            if key in self._bank_keys:
                stats["rejected:near-duplicate-bank"] += 1
                continue
            if key in seen:
                stats["rejected:near-duplicate-batch"] += 1
                continue
            seen.add(key)
            survivors.append(cand)
        return survivors

    def _judge(self, survivors: list[Candidate]) -> _Survivors:
        """Embed and classify the survivors in one go."""
        # One embedding call for everything: the bare core (situation without endings), the
        # core as asked (with endings, which can themselves echo a bank question) and the full
        # text (for the classifier). Identical strings are embedded once.
        bare = [c.dedup_text() for c in survivors]
        asked = [prompt_core(c.text) for c in survivors]
        texts = [c.text for c in survivors]
        unique = list(dict.fromkeys([*bare, *asked, *texts]))
        table = dict(zip(unique, self.embedder.embed(unique), strict=True))
        fulls = np.stack([table[t] for t in texts])
        scores = self.classifier.scores(texts, fulls)
        slugs = self.classifier.slugs
        rankings = [[slugs[j] for j in np.argsort(-row, kind="stable")] for row in scores]
        return _Survivors(
            items=survivors,
            bare=np.stack([table[t] for t in bare]),
            asked=np.stack([table[t] for t in asked]),
            full=fulls,
            rankings=rankings,
            shares=softmax(scores, axis=1),
        )

    def _vector_pass(
        self,
        judged: _Survivors,
        accepted: list[Accepted],
        practised_vectors: np.ndarray,
        stats: Counter[str],
    ) -> list[Accepted]:
        """Survivors the classifier agrees with that are not near-duplicates of anything."""
        bare_v, asked_v = judged.bare, judged.asked

        def worst(against: np.ndarray) -> np.ndarray:
            """Highest similarity of each survivor to `against`, either core form."""
            if not len(against):
                return np.zeros(len(judged.items))
            return np.maximum((bare_v @ against.T).max(axis=1), (asked_v @ against.T).max(axis=1))

        bank_max = worst(self.bank_vectors())
        practised_max = worst(practised_vectors)
        batch_bare = [a.vector for a in accepted]
        batch_asked = [a.asked_vector for a in accepted]
        slugs = self.classifier.slugs
        new: list[Accepted] = []
        for i, cand in enumerate(judged.items):
            ranking = judged.rankings[i]
            if cand.lp not in ranking[: self.agreement_k]:
                stats["rejected:lp-disagreement"] += 1
                continue
            if practised_max[i] >= self.threshold:
                stats["rejected:practised"] += 1
                continue
            if bank_max[i] >= self.threshold:
                stats["rejected:near-duplicate-bank"] += 1
                continue
            if batch_bare and max(
                float(np.max(np.stack(batch_bare) @ bare_v[i])),
                float(np.max(np.stack(batch_asked) @ asked_v[i])),
            ) >= self.threshold:  # fmt: skip
                stats["rejected:near-duplicate-batch"] += 1
                continue
            # A confident classifier favourite other than the intended LP is named as a second
            # LP the prompt also tests; a weak one is noise and left out.
            top = ranking[0]
            second = top != cand.lp and judged.shares[i][slugs.index(top)] >= SECOND_LP_SHARE
            lps = [cand.lp, top] if second else [cand.lp]
            cand.probes = self.complete_probes(cand, judged.full[i])
            new.append(Accepted(cand, bare_v[i], asked_v[i], lps))
            batch_bare.append(bare_v[i])
            batch_asked.append(asked_v[i])
        return new
