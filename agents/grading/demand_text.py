"""Which demand does an answer's story show? A learned reading of the whole answer's words.

Cue phrases catch "I pushed back"; they miss a disagreement told as "I wasn't going to sign that
rota" and are fooled by "my manager was fully on board". This model reads the whole answer as
hashed word and word-pair counts and gives P(demand | answer) over the demands of
`demands.yaml`, trained (multinomial logistic regression, scikit-learn, fixed seed) on the
answers of the labelled corpus that do answer their question. The relevance model compares the
question's demand with this reading. Applied with numpy alone: a sparse dot product per answer.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

N_HASH = 1 << 13
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_STOP_WORDS = """
a an the and or but so to of in on at for with from by as is was were be been it its this that
i me my we our us you your he she him her his they them their there had have has do did um uh
like just really very
"""
_STOP = frozenset(_STOP_WORDS.split())


def stem(word: str) -> str:
    """A crude suffix strip so "disagreed", "disagreeing" and "disagree" meet."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def hashed(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Hashed stem and stem-pair features of a text: (ids, L2-normalised log-count weights)."""
    toks = [stem(w) for w in _WORD.findall(text.lower())]
    keys = [t for t in toks if t not in _STOP]
    keys += [f"{a}_{b}" for a, b in itertools.pairwise(toks)]
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    ids = np.array([zlib.crc32(k.encode("utf-8")) % N_HASH for k in keys], dtype=np.int64)
    uniq, counts = np.unique(ids, return_counts=True)
    weights = np.log1p(counts.astype(np.float64))
    return uniq, weights / np.linalg.norm(weights)


def dense(text: str) -> np.ndarray:
    """The same features as one dense row (training)."""
    ids, weights = hashed(text)
    row = np.zeros(N_HASH, dtype=np.float32)
    row[ids] = weights
    return row


@dataclass
class DemandTextModel:
    """Multinomial logistic regression over `hashed` features; `fit` needs scikit-learn."""

    names: list[str] = field(default_factory=list)
    coef: np.ndarray | None = None  # demands x N_HASH
    intercept: np.ndarray | None = None
    c: float = 10.0

    def fit(self, texts: Sequence[str], demands: Sequence[str], seed: int) -> DemandTextModel:
        """Fit on answers labelled with the demand they show."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        rows = sparse.csr_matrix(np.vstack([dense(t) for t in texts]))
        clf = LogisticRegression(C=self.c, max_iter=3000, random_state=seed)
        clf.fit(rows, list(demands))
        self.names = [str(n) for n in clf.classes_]
        self.coef = clf.coef_.astype(np.float32)
        self.intercept = clf.intercept_.astype(np.float32)
        return self

    def proba(self, text: str) -> dict[str, float]:
        """P(demand | text) for every demand the model knows."""
        if self.coef is None or self.intercept is None:
            raise RuntimeError("DemandTextModel is not fitted")
        ids, weights = hashed(text)
        z = self.coef[:, ids].astype(np.float64) @ weights + self.intercept
        p = np.exp(z - z.max())
        p /= p.sum()
        return dict(zip(self.names, (float(x) for x in p), strict=True))


def demand_text_features(model: DemandTextModel | None, text: str, demand: str) -> list[float]:
    """[log P(demand), its log gap to the likeliest demand, share of demands ranked above it]."""
    if model is None:
        return [0.0, 0.0, 0.0]
    probs = model.proba(text)
    own = probs.get(demand, 0.0)
    top = max(probs.values())
    above = sum(1 for v in probs.values() if v > own) / max(1, len(probs))
    return [float(np.log(own + 1e-4)), float(np.log(own + 1e-4) - np.log(top + 1e-4)), above]
