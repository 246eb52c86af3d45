"""The candidate-material eval on its held-out split meets the issue's acceptance targets."""

from __future__ import annotations

import pytest

from evals.material_eval import evaluate_resumes, evaluate_transcripts
from evals.material_files import load_resumes, load_transcripts

pytestmark = pytest.mark.eval


def test_labelled_set_size() -> None:
    """At least 12 resumes and 8 transcripts in 3+ formats, one without speaker labels."""
    assert len(load_resumes()) >= 12
    transcripts = load_transcripts()
    assert len(transcripts) >= 8
    assert len({t.path.suffix for t in transcripts}) >= 3
    assert any("no speaker labels" in t.format for t in transcripts)


def test_seed_recall_precision_and_verbatim_metrics() -> None:
    """Held-out resumes as Markdown, PDF and DOCX: recall >= 0.90, precision >= 0.85, 100%."""
    score = evaluate_resumes("heldout")
    assert score.recall >= 0.90, score.errors
    assert score.precision >= 0.85, score.errors
    assert score.verbatim_rate == 1.0, score.errors


def test_boundary_f1() -> None:
    """Held-out transcripts: question/answer boundary F1 >= 0.95."""
    score = evaluate_transcripts("heldout")
    assert score.f1 >= 0.95, score.errors
