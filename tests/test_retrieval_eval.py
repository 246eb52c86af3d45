"""The story retrieval eval: harness, RESULTS.md section, and the recall thresholds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `evals` is not an installed package
    sys.path.insert(0, str(REPO))

from evals.retrieval_eval import (  # noqa: E402
    DATA_DIR,
    SECTION,
    TARGET_RECALL_AT_3,
    QuestionResult,
    RetrievalReport,
    load_questions,
    run_eval,
    section,
    summarise,
    write_section,
)

# What the shipped ranking measured (0.784 overall, 0.765 on the held-out half); a change that
# loses more than a few questions should fail loudly rather than drift.
REGRESSION_FLOOR = 0.74


@pytest.fixture(scope="module")
def report() -> RetrievalReport:
    """One run of the eval for the module (~20 s: 42 stories, 102 questions)."""
    return run_eval()


def test_dataset_is_big_enough_and_consistent() -> None:
    import yaml

    stories = yaml.safe_load((DATA_DIR / "stories.yaml").read_text("utf-8"))
    questions = load_questions(DATA_DIR / "questions.jsonl")
    ids = {s["id"] for s in stories}
    assert len(stories) >= 30 and len(questions) >= 60
    assert all(set(q["relevant"]) <= ids for q in questions)
    assert {"paraphrase", "cross_lp"} <= {q["kind"] for q in questions}


def test_summary_and_section_writer(tmp_path: Path) -> None:
    results = [
        QuestionResult("a", "direct", "dev", 1, 0.9, 0.9),
        QuestionResult("b", "direct", "test", 3, 0.7, 0.5),
        QuestionResult("c", "paraphrase", "test", None, 0.4, None),
    ]
    m = summarise(results)
    assert (m.n, m.recall_at_1, m.recall_at_3) == (3, 0.3333, 0.6667)
    assert m.mrr == round((1 + 1 / 3) / 3, 4)
    path = tmp_path / "RESULTS.md"
    path.write_text("# Evaluation results\n\n## Other\n\nkeep me\n\n## Later\n\nme too\n", "utf-8")
    write_section(f"{SECTION}\n\nfirst\n", path)
    write_section(f"{SECTION}\n\nsecond\n", path)
    text = path.read_text("utf-8")
    assert text.count(SECTION) == 1 and "second" in text and "first" not in text
    assert "keep me" in text and "me too" in text


@pytest.mark.eval
def test_retrieval_does_not_regress(report: RetrievalReport) -> None:
    overall = report.metrics("all")
    assert overall.n >= 60
    assert overall.recall_at_3 >= REGRESSION_FLOOR, overall
    assert report.metrics("kind:direct").recall_at_3 >= 0.9
    assert report.metrics("all").recall_at_1 <= overall.recall_at_3 <= 1.0
    text = section(report)
    assert text.startswith(SECTION) and "recall@3" in text


@pytest.mark.eval
@pytest.mark.xfail(
    strict=True,
    reason="recall@3 is 0.77 with all-MiniLM-L6-v2 (paraphrase and cross-lingual questions "
    "miss); 0.9 needs a stronger embedding model. See evals/RESULTS.md, 'Retrieval'.",
)
def test_retrieval_meets_the_acceptance_target(report: RetrievalReport) -> None:
    assert report.metrics("all").recall_at_3 >= TARGET_RECALL_AT_3
