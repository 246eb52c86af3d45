"""The learned sentence-role model: which STAR(L) roles a sentence plays, as probabilities.

Rules stay where rules are exact (numbers, pronouns, injection markers); what rules only guess —
whether "it was down to our squad" is the task or the situation — is learned from the labelled
corpus in `evals/data/corpus/`. Features are cheap and deterministic (hashed word n-grams of the
sentence and its neighbours, position, tense and actor markers, numbers), so grading a 300-word
answer stays in milliseconds; the model is a one-vs-rest logistic regression fitted by
scikit-learn (`make train`) and applied here with numpy alone. The artefact is a small `.npz`
whose SHA-256 is checked at load.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from agents.grading.analyzer import classify_sentence
from agents.grading.grade import COMPONENTS
from agents.textutil import find_metrics

ROLES: tuple[str, ...] = ("situation", "task", "action", "result", "learning")
N_HASH = 1 << 14
SEED = 20261205
MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = MODEL_DIR / "sentence_roles.npz"
MODEL_SHA_FILE = MODEL_DIR / "sentence_roles.sha256"

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[%$€£]")
_FILLER = re.compile(r"\b(?:um+|uh+|er+|like|you know|i mean|kind of|sort of|basically)\b", re.I)
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("i_start", r"^\W*(?:\w+,?\s+){0,3}I\s"),
        ("we_start", r"^\W*(?:\w+,?\s+){0,3}(?:we|our team|the team)\s"),
        ("i_past", r"\bI\s+(?:\w+ly\s+)?\w+ed\b"),
        ("we_past", r"\b(?:we|they|the team)\s+(?:\w+ly\s+)?\w+ed\b"),
        ("modal", r"\b(?:would|could|should|might|will)\b"),
        ("present_habit", r"\b(?:always|usually|now I|these days|every time|whenever)\b"),
        ("goal", r"\b(?:to make sure|so that|in order to|needed to|had to|expected to|goal)\b"),
        ("was_were", r"\b(?:was|were|had been|had)\b"),
        ("because", r"\b(?:because|since|as)\b"),
        ("question", r"\?\s*$"),
        ("change", r"\b(?:from|down|up|to|by|cut|fell|rose|dropped|grew|saved|halved)\b"),
        ("money", r"[$€£]|\b(?:dollars?|pounds?|euros?|revenue|cost|budget)\b"),
        ("percent", r"%|\bper ?cent\b"),
    )
)
# Dense features: 8 of shape, the markers, and the rule classifier's reading (best label one-hot,
# its strong second labels, first-person and collective action) so the model starts from the cues.
N_RULE = 2 * len(COMPONENTS) + 3
N_DENSE = 8 + len(_MARKERS) + N_RULE


def _tokens(text: str) -> list[str]:
    return _WORD.findall(_FILLER.sub(" ", text.lower()))


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % N_HASH


def _ngram_ids(text: str, prefix: str, bigrams: bool) -> list[int]:
    toks = _tokens(text)
    ids = [_hash(prefix + t) for t in toks]
    if bigrams:
        ids += [_hash(f"{prefix}{a}_{b}") for a, b in itertools.pairwise(toks)]
        ids += [_hash(f"{prefix}^{t}") for t in toks[:3]]
    return ids


def _dense(text: str, index: int, total: int) -> list[float]:
    pos = index / max(1, total - 1)
    words = len(text.split())
    metrics = find_metrics(text)
    dense = [
        pos,
        1.0 if index == 0 else 0.0,
        1.0 if index == total - 1 else 0.0,
        min(words, 60) / 60,
        min(len(metrics), 4) / 4,
        1.0 if metrics and pos > 0.5 else 0.0,
        1.0 if total <= 3 else 0.0,
        1.0,
    ]
    dense += [1.0 if rx.search(text) else 0.0 for _, rx in _MARKERS]
    label, i_act, we_act, also = classify_sentence(text, index, total)
    dense += [1.0 if label == c else 0.0 for c in COMPONENTS]
    dense += [1.0 if c in also else 0.0 for c in COMPONENTS]
    dense += [1.0 if label is None else 0.0, float(i_act), float(we_act)]
    return dense


def featurize(sentences: Sequence[str]) -> np.ndarray:
    """One feature row per sentence of one answer (hashed n-grams of it and its neighbours)."""
    total = len(sentences)
    rows = np.zeros((total, N_HASH + N_DENSE), dtype=np.float32)
    for i, text in enumerate(sentences):
        own = _ngram_ids(text, "", True)
        ctx = []
        if i > 0:
            ctx += _ngram_ids(sentences[i - 1], "p:", False)
        if i + 1 < total:
            ctx += _ngram_ids(sentences[i + 1], "n:", False)
        for ids, weight in ((own, 1.0), (ctx, 0.35)):
            if ids:
                np.add.at(rows[i], ids, weight / np.sqrt(len(ids)))
        rows[i, N_HASH:] = _dense(text, i, total)
    return rows


@dataclass
class SentenceRoleModel:
    """One-vs-rest logistic regression over `featurize` rows; `fit` needs scikit-learn."""

    coef: np.ndarray | None = None
    intercept: np.ndarray | None = None
    thresholds: np.ndarray | None = None
    c: float = 4.0

    def fit(self, rows: Any, labels: np.ndarray) -> SentenceRoleModel:
        """Fit one binary classifier per role (rows dense or sparse; labels n x 5 of 0/1)."""
        from sklearn.linear_model import LogisticRegression

        coefs, intercepts = [], []
        for k in range(len(ROLES)):
            clf = LogisticRegression(
                C=self.c, max_iter=2000, class_weight="balanced", random_state=SEED
            )
            clf.fit(rows, labels[:, k])
            coefs.append(clf.coef_[0])
            intercepts.append(clf.intercept_[0])
        self.coef = np.asarray(coefs, dtype=np.float32)
        self.intercept = np.asarray(intercepts, dtype=np.float32)
        if self.thresholds is None:
            self.thresholds = np.full(len(ROLES), 0.5, dtype=np.float32)
        return self

    def predict_proba(self, rows: Any) -> np.ndarray:
        """Probability of each role per row (n x 5)."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("SentenceRoleModel is not fitted")
        z = np.asarray(rows @ self.coef.T) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, rows: Any) -> np.ndarray:
        """0/1 role labels per row, at the per-role thresholds chosen in training."""
        thresholds = self.thresholds if self.thresholds is not None else 0.5
        return (self.predict_proba(rows) >= thresholds).astype(np.int8)

    def save(self, path: Path = MODEL_FILE) -> str:
        """Write the artefact and its SHA-256 file; return the hash."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("SentenceRoleModel is not fitted")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            np.savez_compressed(
                f,
                coef=self.coef.astype(np.float16),
                intercept=self.intercept,
                thresholds=np.asarray(self.thresholds, dtype=np.float32),
            )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        path.with_suffix(".sha256").write_text(digest + "\n", "utf-8")
        return digest


class ModelIntegrityError(RuntimeError):
    """The shipped model file is missing or does not match its recorded hash."""


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_FILE) -> SentenceRoleModel:
    """Load the shipped artefact after checking its SHA-256 (no network, no scikit-learn)."""
    sha_file = path.with_suffix(".sha256")
    try:
        data = path.read_bytes()
        want = sha_file.read_text("utf-8").strip()
    except OSError as e:
        raise ModelIntegrityError(f"sentence-role model missing at {path} ({e})") from e
    got = hashlib.sha256(data).hexdigest()
    if got != want:
        raise ModelIntegrityError(f"{path}: sha256 {got} does not match {sha_file} ({want})")
    with np.load(path) as npz:
        return SentenceRoleModel(
            coef=npz["coef"].astype(np.float32),
            intercept=npz["intercept"].astype(np.float32),
            thresholds=npz["thresholds"].astype(np.float32),
        )
