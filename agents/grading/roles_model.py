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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from agents.artefact import read_verified, save_npz
from agents.grading.analyzer import classify_sentence
from agents.grading.effect_model import EffectModel
from agents.grading.grade import COMPONENTS
from agents.grading.hashing import N_HASH, ngram_ids
from agents.textutil import find_metrics

ROLES: tuple[str, ...] = ("situation", "task", "action", "result", "learning")
SEED = 20261205
MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = MODEL_DIR / "sentence_roles.npz"
MODEL_SHA_FILE = MODEL_DIR / "sentence_roles.sha256"

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
        own = ngram_ids(text, "", True)
        ctx = []
        if i > 0:
            ctx += ngram_ids(sentences[i - 1], "p:", False)
        if i + 1 < total:
            ctx += ngram_ids(sentences[i + 1], "n:", False)
        for ids, weight in ((own, 1.0), (ctx, 0.35)):
            if ids:
                np.add.at(rows[i], ids, weight / np.sqrt(len(ids)))
        rows[i, N_HASH:] = _dense(text, i, total)
    return rows


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def context_features(first: np.ndarray, owner: Sequence[int]) -> np.ndarray:
    """Second-pass features: a sentence's own first-pass reading and its neighbours' in the answer.

    The same words mean different things in different places: "I owned the rota" after the scene
    is set is the task; a number next to a lesson is not a result. Per sentence: its first-pass
    logits, the previous and next sentences' probabilities, the answer's maximum per role, its
    relative position and whether it opens the answer.
    """
    owner_arr = np.asarray(owner)
    out = np.zeros((len(owner_arr), N_CONTEXT), dtype=np.float32)
    for answer in np.unique(owner_arr):
        rows = np.flatnonzero(owner_arr == answer)
        probs = first[rows]
        prev = np.vstack([np.zeros((1, len(ROLES))), probs[:-1]])
        nxt = np.vstack([probs[1:], np.zeros((1, len(ROLES)))])
        top = np.broadcast_to(probs.max(axis=0), probs.shape)
        pos = np.arange(len(rows)) / max(1, len(rows) - 1)
        opens = (np.arange(len(rows)) == 0).astype(np.float32)
        out[rows] = np.hstack([_logit(probs), prev, nxt, top, pos[:, None], opens[:, None]])
    return out


N_CONTEXT = 4 * len(ROLES) + 2
THRESHOLD_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))


def _fit_lr(rows: Any, labels: np.ndarray, c: float, balanced: bool) -> tuple[np.ndarray, ...]:
    from sklearn.linear_model import LogisticRegression

    coefs, intercepts = [], []
    for k in range(labels.shape[1]):
        clf = LogisticRegression(
            C=c, max_iter=2000, class_weight="balanced" if balanced else None, random_state=SEED
        )
        clf.fit(rows, labels[:, k])
        coefs.append(clf.coef_[0])
        intercepts.append(clf.intercept_[0])
    return np.asarray(coefs, dtype=np.float32), np.asarray(intercepts, dtype=np.float32)


def _project(rows: Any, coef: np.ndarray) -> np.ndarray:
    """rows @ coef.T, one role at a time: a dense matrix-vector product per role is ~40x faster
    here than one small matrix-matrix product through the BLAS build numpy ships with."""
    if not isinstance(rows, np.ndarray):
        return np.asarray(rows @ coef.T)
    return np.stack([rows @ c for c in coef], axis=1)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _kappa(gold: np.ndarray, pred: np.ndarray) -> float:
    """Cohen's kappa of two boolean vectors."""
    observed = float(np.mean(gold == pred))
    pg, pp = float(np.mean(gold)), float(np.mean(pred))
    expected = pg * pp + (1 - pg) * (1 - pp)
    return 1.0 if expected == 1.0 else (observed - expected) / (1 - expected)


@dataclass
class SentenceRoleModel:
    """Two-pass one-vs-rest logistic regression over `featurize` rows; `fit` needs scikit-learn.

    Pass one reads each sentence alone; pass two re-reads it with its neighbours' first-pass
    probabilities. A role is present in an answer when some sentence clears its threshold,
    chosen in training from out-of-fold predictions grouped by story.
    """

    coef: np.ndarray | None = None
    intercept: np.ndarray | None = None
    coef2: np.ndarray | None = None
    intercept2: np.ndarray | None = None
    thresholds: np.ndarray | None = None
    c: float = 4.0
    # Measurability's learned half (whether a quantified result shows its effect); fitted by
    # `evals.train_grader` beside the roles and saved in the same artefact.
    effect: EffectModel | None = None

    def fit(
        self, rows: Any, labels: np.ndarray, owner: Sequence[int], groups: Sequence[str]
    ) -> SentenceRoleModel:
        """Fit both passes and the thresholds (rows dense or sparse; labels n x 5 of 0/1)."""
        from sklearn.model_selection import GroupKFold

        folds = list(GroupKFold(n_splits=3).split(labels, labels, groups))
        first = np.zeros(labels.shape)
        for train, test in folds:
            coef, intercept = _fit_lr(rows[train], labels[train], self.c, True)
            first[test] = _sigmoid(np.asarray(rows[test] @ coef.T) + intercept)
        context = context_features(first, owner)
        second = np.zeros(labels.shape)
        for train, test in folds:
            coef, intercept = _fit_lr(context[train], labels[train], 1.0, False)
            second[test] = _sigmoid(context[test] @ coef.T + intercept)
        # The two passes are averaged: context fixes what a sentence alone misreads, and the
        # sentence's own reading keeps context from overruling a plain "we fixed the config".
        self.thresholds = self._choose_thresholds((first + second) / 2, labels, owner)
        self.coef2, self.intercept2 = _fit_lr(context, labels, 1.0, False)
        self.coef, self.intercept = _fit_lr(rows, labels, self.c, True)
        return self

    @staticmethod
    def _choose_thresholds(
        probs: np.ndarray, labels: np.ndarray, owner: Sequence[int]
    ) -> np.ndarray:
        """Per role, the presence threshold with the best answer-level kappa."""
        owner_arr = np.asarray(owner)
        answers = np.unique(owner_arr)
        top = np.vstack([probs[owner_arr == a].max(axis=0) for a in answers])
        gold = np.vstack([labels[owner_arr == a].max(axis=0) for a in answers]).astype(bool)
        chosen = []
        for k in range(len(ROLES)):
            scores = [_kappa(gold[:, k], top[:, k] >= t) for t in THRESHOLD_GRID]
            chosen.append(THRESHOLD_GRID[int(np.argmax(scores))])
        return np.asarray(chosen, dtype=np.float32)

    def predict_proba(self, rows: Any, owner: Sequence[int] | None = None) -> np.ndarray:
        """Probability of each role per row (n x 5); `owner` groups rows into answers."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("SentenceRoleModel is not fitted")
        first = _sigmoid(_project(rows, self.coef) + self.intercept)
        if self.coef2 is None or self.intercept2 is None:
            return first
        context = context_features(first, owner if owner is not None else [0] * len(first))
        return (first + _sigmoid(_project(context, self.coef2) + self.intercept2)) / 2

    def predict(self, rows: Any, owner: Sequence[int] | None = None) -> np.ndarray:
        """0/1 role labels per row, at the per-role thresholds chosen in training."""
        thresholds = self.thresholds if self.thresholds is not None else 0.5
        return (self.predict_proba(rows, owner) >= thresholds).astype(np.int8)

    def save(self, path: Path = MODEL_FILE) -> str:
        """Write the artefact and its SHA-256 file; return the hash."""
        if self.coef is None or self.coef2 is None:
            raise RuntimeError("SentenceRoleModel is not fitted")
        return save_npz(
            path,
            coef=self.coef.astype(np.float16),
            intercept=self.intercept,
            coef2=self.coef2,
            intercept2=self.intercept2,
            thresholds=np.asarray(self.thresholds, dtype=np.float32),
            **self._effect_arrays(),
        )

    @property
    def effect_reader(self) -> Callable[[str], bool] | None:
        """Measurability's effect reader, or None (then the EFFECT word list decides)."""
        return self.effect.shows_effect if self.effect is not None else None

    def _effect_arrays(self) -> dict[str, np.ndarray]:
        if self.effect is None or self.effect.coef is None:
            return {}
        return {
            "effect_coef": self.effect.coef.astype(np.float32),
            "effect_intercept": np.asarray([self.effect.intercept], dtype=np.float32),
        }


class ModelIntegrityError(RuntimeError):
    """The shipped model file is missing or does not match its recorded hash."""


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_FILE) -> SentenceRoleModel:
    """Load the shipped artefact after checking its SHA-256 (no network, no scikit-learn)."""
    read_verified(path, "sentence-role model", ModelIntegrityError)
    with np.load(path) as npz:
        return SentenceRoleModel(
            coef=npz["coef"].astype(np.float32),
            intercept=npz["intercept"].astype(np.float32),
            coef2=npz["coef2"].astype(np.float32),
            intercept2=npz["intercept2"].astype(np.float32),
            thresholds=npz["thresholds"].astype(np.float32),
            effect=EffectModel(
                coef=npz["effect_coef"].astype(np.float32),
                intercept=float(npz["effect_intercept"][0]),
            )
            if "effect_coef" in npz.files
            else None,
        )
