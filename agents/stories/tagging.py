"""LP tags for stories: the classifier's shares per LP, and which of them to tag automatically."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from agents.lp.classifier import LPClassifier

# Auto-tagging: the classifier's top LP, plus runners-up with at least this share of its score.
AUTO_LPS = 3
AUTO_LP_SHARE = 0.5


def suggest_many(
    classifier: LPClassifier, texts: Sequence[str], vectors: np.ndarray | None, k: int = 3
) -> list[list[tuple[str, float]]]:
    """Top-k LP shares for many texts as (slug, share), best first, reusing computed vectors."""
    from agents.lp.classifier import softmax

    matrix = classifier.scores(list(texts), vectors)
    out = []
    for row in matrix:
        share = softmax(row)
        order = np.argsort(-row, kind="stable")[: max(1, k)]
        out.append([(classifier.slugs[j], round(float(share[j]), 4)) for j in order])
    return out


def auto_lps(suggestions: list[tuple[str, float]]) -> list[str]:
    """The LPs to tag automatically: the top one, and close runners-up (at most three)."""
    if not suggestions:
        return []
    top = suggestions[0][1]
    return [slug for slug, share in suggestions[:AUTO_LPS] if share >= AUTO_LP_SHARE * top]
