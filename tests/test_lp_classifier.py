"""The independent LP classifier: API shape, cues, caching, and accuracy on held-out text."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import numpy as np
import pytest

from agents.lp import classifier as lp_classifier
from agents.lp import cues as lp_cues
from agents.lp import prototypes as lp_prototypes
from agents.lp.classifier import LPClassifier, classify_lp, suggest_lps
from agents.lp.cues import stem
from agents.lp.evaluation import bank_examples, evaluate
from agents.lp.principles import load_principles
from agents.lp.prototypes import prototype_sentences
from agents.text_vectors import cached_embed

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `evals` is not an installed package
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="module")
def classifier() -> LPClassifier:
    """One classifier for the module (prototype vectors are embedded once)."""
    return LPClassifier()


def test_stem_folds_inflections() -> None:
    assert stem("disagreed") == stem("disagreement") == stem("disagree")
    assert stem("simplified") == stem("simplify") == stem("simplifies")
    assert stem("hiring") == stem("hired") == stem("hire")
    assert stem("customers") == stem("customer")


def test_suggest_lps_shape() -> None:
    out = suggest_lps("Tell me about a time you cut the cloud bill in half on a tiny budget.", k=3)
    assert len(out) == 3
    slugs = [s for s, _ in out]
    assert set(slugs) <= set(load_principles())
    scores = [v for _, v in out]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < v <= 1 for v in scores)
    assert slugs[0] == "frugality"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("I strongly disagreed with my director about the launch plan and pushed back in the "
         "review, then committed once the decision was made.", "have-backbone"),
        ("I traced the bug through the logs and SQL queries until I found the root cause.",
         "dive-deep"),
        ("Tell me about a time you coached someone into a bigger role.",
         "hire-and-develop-the-best"),
        ("I noticed people on my team were burning out from the on-call load.", "best-employer"),
    ],
)  # fmt: skip
def test_classify_lp_obvious_cases(text: str, slug: str) -> None:
    assert classify_lp(text) == slug


def test_matched_cues_explain_scores(classifier: LPClassifier) -> None:
    cues = classifier.matched_cues("We were over budget so I negotiated with the vendor.")
    assert "frugality" in cues
    assert any("vendor" in c for c in cues["frugality"])


def test_classifier_is_independent_of_bank_and_generator() -> None:
    """It must not read the bank it is evaluated on, nor the generator it checks."""
    bank = {q for q, _ in bank_examples()}
    for principle in load_principles().values():
        assert not bank & set(prototype_sentences(principle))
    for module in (lp_classifier, lp_cues, lp_prototypes):
        source = inspect.getsource(module)
        assert "import question_gen" not in source
        assert "from agents.question_gen" not in source
        assert ".questions" not in source


def test_accuracy_on_held_out_bank(classifier: LPClassifier) -> None:
    """The hand-written question bank is a held-out test set (measured: 80% @1, 94% @3)."""
    report = evaluate(classifier, bank_examples())
    assert report.n == 192
    assert report.at1 >= 0.72
    assert report.at3 >= 0.90


def test_accuracy_on_held_out_stories(classifier: LPClassifier) -> None:
    """Stories are harder than questions (measured: 56% @1, 84% @3 on 32 stories)."""
    from evals.prompt_eval import HELDOUT_STORIES

    report = evaluate(classifier, HELDOUT_STORIES)
    assert report.at3 >= 0.75
    assert report.at1 >= 0.45


def test_precomputed_vectors_give_same_ranking(classifier: LPClassifier) -> None:
    texts = ["Tell me about a time you simplified a complicated process.",
             "Describe a situation where you admitted a mistake to your manager."]  # fmt: skip
    vectors = classifier.embedder.embed(texts)
    assert classifier.rank(texts) == classifier.rank(texts, vectors)
    assert classifier.agrees(texts[0], "invent-and-simplify")


def test_cached_embed_reuses_disk_cache(tmp_path: Path) -> None:
    calls: list[int] = []

    class CountingEmbedder:
        dimension = 4

        def embed(self, texts: list[str]) -> np.ndarray:
            calls.append(len(texts))
            return np.ones((len(texts), 4), dtype=np.float32)

    fake = CountingEmbedder()
    first = cached_embed(["a", "b"], fake, tmp_path, "t")  # type: ignore[arg-type]
    second = cached_embed(["a", "b"], fake, tmp_path, "t")  # type: ignore[arg-type]
    assert calls == [2]
    assert np.array_equal(first, second)
    cached_embed(["a", "c"], fake, tmp_path, "t")  # type: ignore[arg-type]
    assert calls == [2, 2]  # other texts: another cache key
    for path in tmp_path.glob("t-*.npy"):
        path.write_bytes(b"corrupt")
    cached_embed(["a", "b"], fake, tmp_path, "t")  # type: ignore[arg-type]
    assert calls == [2, 2, 2]  # a corrupt cache file is recomputed, not fatal


def test_keyword_only_mode_needs_no_model() -> None:
    clf = LPClassifier(use_embeddings=False)
    ranking = clf.rank(["We were over budget, so I cut spending and renegotiated a vendor."])[0]
    assert ranking[0] == "frugality"
