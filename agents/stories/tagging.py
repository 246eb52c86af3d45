"""LP tags for stories: the classifier's shares per LP, with the demands the story shows, and
which of them to tag automatically.

The classifier reads a story's words; it took a disagree-and-commit story (pushed back with a load
test, then committed) for Deliver Results. An LP's bank questions ask for a few demands (Have
Backbone's for a disagreement), so a story that shows those demands fits that LP whatever its
words: the LP's demand profile (the question-demand model's mean reading of its bank questions)
times P(story shows each demand) is added to the classifier's log-share.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from agents.lp.classifier import LPClassifier

# Auto-tagging: the top LP, plus runners-up with at least this share of its score.
AUTO_LPS = 3
AUTO_LP_SHARE = 0.5
# Demand evidence, as DEMAND_LP_WEIGHT x (the LP's demand fit / the best LP's): chosen on the care
# and tech stories of evals/data/fit against their writers' tags (top suggestion among the tags
# 0.56 -> 0.69; biz, held out, 0.59 -> 0.62 and a tag among the top 3 0.76 -> 0.88).
DEMAND_LP_WEIGHT = 2.0


@functools.lru_cache(maxsize=4)
def lp_demand_profile(embedder: Any, slugs: tuple[str, ...]) -> np.ndarray:
    """Per LP (rows in `slugs` order), the mean P(demand) its bank questions ask for."""
    from agents.lp.principles import load_principles
    from agents.lp.question_demand import question_demand_model
    from agents.text_vectors import cached_embed

    principles = load_principles()
    model = question_demand_model()
    rows = []
    for slug in slugs:
        texts = [q.text for q in principles[slug].questions]
        vectors = cached_embed(texts, embedder, None, f"lp-questions-{slug}")
        rows.append(model.predict_proba(vectors).mean(axis=0))
    return np.array(rows)


def story_shows(texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """P(story shows each demand) for texts and their vectors (`story_demand_reading`, without
    window similarities), one row per text in `demand_names` order."""
    from agents.stories.demand_index import demand_names, story_demand_reading

    names = demand_names()
    readings = [story_demand_reading(t, None, v) for t, v in zip(texts, np.asarray(vectors),
                                                                  strict=True)]  # fmt: skip
    return np.array([[r[n] for n in names] for r in readings]).reshape(len(readings), len(names))


def lp_scores(
    classifier: LPClassifier,
    texts: Sequence[str],
    vectors: np.ndarray | None = None,
    shows: np.ndarray | None = None,
) -> np.ndarray:
    """A (len(texts), n_LPs) matrix: the classifier's log-share plus demand evidence."""
    from agents.lp.classifier import softmax

    items = list(texts)
    if not classifier.use_embeddings:  # the keyword-only classifier: no vectors to read
        return np.log(softmax(classifier.scores(items)) + 1e-12)
    if vectors is None:
        vectors = classifier.embedder.embed(items)
    matrix = classifier.scores(items, vectors)
    if shows is None:
        shows = story_shows(items, vectors)
    profile = lp_demand_profile(classifier.embedder, tuple(classifier.slugs))
    out = np.zeros_like(matrix, dtype=np.float64)
    for i, row in enumerate(matrix):
        fit = profile @ shows[i]
        out[i] = np.log(softmax(row) + 1e-12) + DEMAND_LP_WEIGHT * fit / max(float(fit.max()), 1e-9)
    return out


def rank_lps(
    classifier: LPClassifier, texts: Sequence[str], vectors: np.ndarray | None = None
) -> list[list[str]]:
    """LP slugs best first, one ranking per story text (words and demands)."""
    return [[classifier.slugs[j] for j in np.argsort(-row, kind="stable")]
            for row in lp_scores(classifier, texts, vectors)]  # fmt: skip


def suggest_many(
    classifier: LPClassifier, texts: Sequence[str], vectors: np.ndarray | None, k: int = 3
) -> list[list[tuple[str, float]]]:
    """Top-k LP shares for many texts as (slug, share), best first, reusing computed vectors."""
    from agents.lp.classifier import softmax

    out = []
    for row in lp_scores(classifier, texts, vectors):
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
