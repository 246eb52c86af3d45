"""The run-on eval: the independent set without full stops, and the styles it reads answers in."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `evals` is not an installed package
    sys.path.insert(0, str(REPO))

from evals.corpus import Answer  # noqa: E402
from evals.run_on_eval import SECTION, independent, load_runon_set, restyle, section  # noqa: E402
from evals.train_run_on import splice  # noqa: E402


def _answer() -> Answer:
    sentences = [
        {"text": "Our freezer died on a Friday.", "roles": ["situation"]},
        {"text": "I called the pub next door, and we moved the stock.", "roles": ["action"]},
        {"text": "We lost £300 instead of £6,000!", "roles": ["result"]},
    ]
    return Answer(id="x-1", voice="x", story="x-s1", question="q",
                  answer=" ".join(s["text"] for s in sentences), labels={},
                  sentences=sentences)  # fmt: skip


def test_styles_remove_sentence_ends_and_keep_figures() -> None:
    a = _answer()
    assert restyle(a, None) == a.answer
    assert restyle(a, "dictation") == (
        "our freezer died on a friday i called the pub next door and we moved the stock "
        "we lost £300 instead of £6,000"
    )
    assert restyle(a, "chat").count(",") == 2  # the figure's comma and the writer's
    assert splice("We lost £300.") == "we lost £300,"


def test_the_independent_set_is_whole_and_unpunctuated() -> None:
    dev, held = load_runon_set("dev"), load_runon_set("heldout")
    assert len(dev) == len(held) == 40
    assert {int(a.id[-3:]) % 2 for a in dev} == {1} and {int(a.id[-3:]) % 2 for a in held} == {0}
    assert all(len(a.answer.split()) > 56 for a in dev + held)


@pytest.mark.eval
def test_the_run_on_model_reads_answers_without_full_stops_better() -> None:
    """On both halves of the independent set, more of the five parts are read as labelled with
    the shipped run-on model than without it."""
    result = independent()
    for without, with_model, (hits, _, true) in result.values():
        assert with_model.parts_right > without.parts_right + 0.2
        assert with_model.measurability_exact > without.measurability_exact
        assert hits / true > 0.5
    text = section(None, result, "cmd")
    assert text.startswith(SECTION) and "| heldout | 40 | yes |" in text
