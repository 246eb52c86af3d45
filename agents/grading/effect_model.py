"""Does a quantified result show its effect? The learned half of measurability level 3.

Level 3 needs a baseline and an effect on customers, people, business or money. The baseline is
exact ("from 12% to 3%", "compared with last year"), so it stays the `numbers.BASELINE` rule. The
effect is what rules only guess: "which lifted café takings" and "crews arrive half a minute
earlier" name one in words no list foresees, while "9 minutes a ticket" or "the team's backlog"
name a stakeholder and no effect. So that half is a logistic regression over hashed word n-grams
of the result sentences plus a few cue features, fitted from the corpus's labelled result
sentences (`make train`), stored inside the sentence-role artefact and applied with numpy alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agents.grading.hashing import N_HASH, ngram_ids
from agents.grading.numbers import BASELINE, EFFECT
from agents.textutil import find_metrics

SEED = 20261206
# Cue features: the rule's own reading, then what an effect usually rides on.
_MONEY = re.compile(
    r"[$€£₹¥]|\b(?:revenue|sales|profit|costs?|saved|savings?|budget|money|dollars?|pounds?|"
    r"euros?|takings|spend|income|fees?)\b",
    re.IGNORECASE,
)
_CONSEQUENCE = re.compile(
    r",\s*(?:which|so|meaning)\b|\bwhich (?:meant|saved|let|freed|gave|lifted|brought|cut)\b|"
    r"\bso (?:that )?(?:the|our|we|they|nobody|no|it|he|she|I)\b|\bthat meant\b|\bmeaning\b",
    re.IGNORECASE,
)
N_CUES = 6


def cue_features(text: str) -> list[float]:
    """Rule readings the learned weights start from (baseline, effect words, money, 'which...')."""
    base, effect = bool(BASELINE.search(text)), bool(EFFECT.search(text))
    return [
        float(base),
        float(effect),
        float(base and effect),
        1.0 if _MONEY.search(text) else 0.0,
        1.0 if _CONSEQUENCE.search(text) else 0.0,
        min(len(find_metrics(text)), 4) / 4,
    ]


def featurize_result(text: str) -> np.ndarray:
    """One feature row for an answer's result sentences, joined."""
    row = np.zeros(N_HASH + N_CUES + 1, dtype=np.float32)
    ids = ngram_ids(text, "", True)
    if ids:
        np.add.at(row, ids, 1.0 / np.sqrt(len(ids)))
    row[N_HASH:] = [*cue_features(text), 1.0]
    return row


@dataclass
class EffectModel:
    """Logistic regression: P(the labelled measurability is 3 | quantified result text)."""

    coef: np.ndarray | None = None
    intercept: float = 0.0
    c: float = 10.0

    def fit(self, texts: Sequence[str], level3: Sequence[bool]) -> EffectModel:
        """Fit on the result text of answers labelled 2 or 3 (needs scikit-learn)."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        # Sparse: a dense matrix of 16k hashed columns per answer would take ~100 MB here.
        rows = sparse.vstack([sparse.csr_matrix(featurize_result(t)) for t in texts]).tocsr()
        clf = LogisticRegression(C=self.c, max_iter=3000, random_state=SEED)
        clf.fit(rows, np.asarray(level3, dtype=bool))
        self.coef = clf.coef_[0].astype(np.float32)
        self.intercept = float(clf.intercept_[0])
        return self

    def probability(self, text: str) -> float:
        """P(level 3) for a quantified result's text."""
        if self.coef is None:
            raise RuntimeError("EffectModel is not fitted")
        z = float(featurize_result(text) @ self.coef) + self.intercept
        return 1.0 / (1.0 + float(np.exp(-z)))

    def shows_effect(self, text: str) -> bool:
        """True when the result text reads as carrying an effect (P >= 0.5)."""
        return self.probability(text) >= 0.5
