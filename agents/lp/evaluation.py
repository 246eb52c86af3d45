"""How well the LP classifier does on labelled texts, above all on the held-out question bank.

The bank is read here and only here: the classifier itself never sees it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agents.lp.classifier import LPClassifier, get_classifier
from agents.lp.principles import load_principles

if TYPE_CHECKING:
    from agents.lp.principles import Principle


@dataclass(frozen=True)
class ClassifierReport:
    """Accuracy of the classifier on labelled texts."""

    n: int
    at1: float
    at3: float
    confusions: list[tuple[str, str, str]]  # (text, expected, predicted) for top-1 misses


def evaluate(
    classifier: LPClassifier, labelled: Iterable[tuple[str, str]], batch_vectors: bool = True
) -> ClassifierReport:
    """Accuracy@1 and @3 of `classifier` on (text, slug) pairs."""
    pairs = list(labelled)
    texts = [t for t, _ in pairs]
    embed = classifier.use_embeddings and batch_vectors
    vectors = classifier.embedder.embed(texts) if embed else None
    ranks = classifier.rank(texts, vectors)
    at1 = sum(r[0] == lp for r, (_, lp) in zip(ranks, pairs, strict=True))
    at3 = sum(lp in r[:3] for r, (_, lp) in zip(ranks, pairs, strict=True))
    misses = [(t, lp, r[0]) for r, (t, lp) in zip(ranks, pairs, strict=True) if r[0] != lp]
    n = max(1, len(pairs))
    return ClassifierReport(len(pairs), at1 / n, at3 / n, misses)


def bank_examples(principles: Mapping[str, Principle] | None = None) -> list[tuple[str, str]]:
    """The hand-written question bank as (question, slug): held out from the classifier."""
    if principles is None:
        principles = load_principles()
    return [(q.text, slug) for slug, p in principles.items() for q in p.questions]


def evaluate_on_bank(classifier: LPClassifier | None = None) -> ClassifierReport:
    """Accuracy@1/@3 on the bundled question bank (which the classifier never reads)."""
    classifier = classifier or get_classifier()
    return evaluate(classifier, bank_examples(classifier.principles))
