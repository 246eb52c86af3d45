"""The literal gate: a rule pattern behind the words any of its matches must contain."""

from __future__ import annotations

import re
import unicodedata

import pytest

from agents.grading.injection import _INJECTION_GATED
from agents.grading.literal_gate import Gated, required_words
from agents.grading.verdicts import _ADDRESS_GATED, _OUTCOME_GATED


def test_required_words_come_from_the_pattern() -> None:
    rx = re.compile(r"\b(?:give|award)\s+(?:it|this)\s+the top mark|note to (?:the )?grader", re.I)
    words = required_words(rx)
    assert words is not None
    assert all(any(w in m for w in words) for m in ("give it the top mark", "note to grader"))
    assert Gated(rx).search("We shipped on time.") is None
    assert Gated(rx).search("AWARD this the top mark") is not None


def test_a_pattern_without_required_words_always_runs() -> None:
    rx = re.compile(r"\d+%|[A-Z]{4,}")
    assert required_words(rx) is None
    assert Gated(rx).search("up 40%") is not None


@pytest.mark.slow
@pytest.mark.parametrize("gated", [_ADDRESS_GATED, _OUTCOME_GATED, _INJECTION_GATED],
                         ids=["address", "outcome", "injection"])  # fmt: skip
def test_the_gate_never_changes_a_verdict(gated: Gated) -> None:
    """On every sentence of the corpus and of every injection pair (as written and NFKC-folded),
    the gated search finds a match exactly when the pattern does."""
    from evals.corpus import load_corpus
    from evals.injection_pairs import injection_pairs

    corpus = load_corpus()
    texts = {s["text"] for a in corpus for s in a.sentences}
    for _, _, _, attacked, _ in injection_pairs(corpus):
        texts.update(attacked.split("\n"))
        texts.add(attacked)
    assert len(texts) > 10_000
    for text in texts:
        for t in (text, unicodedata.normalize("NFKC", text)):
            assert bool(gated.search(t)) == bool(gated.pattern.search(t)), t
