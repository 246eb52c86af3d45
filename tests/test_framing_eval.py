"""The framing eval: the frames keep the story's sentences, and the independent framed set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `evals` is not an installed package
    sys.path.insert(0, str(REPO))

from evals.corpus import Answer  # noqa: E402
from evals.framing_eval import (  # noqa: E402
    SECTION,
    bullets,
    independent,
    load_framed_set,
    numbered,
    section,
    spoken_frame,
    transcript,
)


def _answer() -> Answer:
    sentences = [
        {"text": "Our freezer died on a Friday.", "roles": ["situation"]},
        {"text": "I called the pub next door, and we moved the stock.", "roles": ["action"]},
        {"text": "We lost £300 instead of £6,000.", "roles": ["result"]},
    ]
    return Answer(id="x-1", voice="x", story="x-s1", question="Tell me about a crisis.",
                  answer=" ".join(s["text"] for s in sentences), labels={},
                  sentences=sentences)  # fmt: skip


def test_frames_keep_every_sentence() -> None:
    a = _answer()
    for frame in (bullets, numbered, spoken_frame, transcript):
        text = frame(a)
        assert all(s["text"] in text for s in a.sentences)
    assert bullets(a).splitlines()[0] == "- Our freezer died on a Friday."
    assert numbered(a).splitlines()[2] == "3. We lost £300 instead of £6,000."
    assert transcript(a).startswith("Interviewer: Tell me about a crisis.\nMe: Our freezer")
    assert "Tell me about a crisis? Sure." in spoken_frame(a)


def test_the_independent_set_is_whole() -> None:
    dev, held = load_framed_set("dev"), load_framed_set("heldout")
    assert len(dev) == len(held) == 40
    assert {a.voice for a in dev + held} == {"bullets", "numbered", "spoken_frame", "transcript"}
    for a in dev + held:
        assert all(s["text"] in a.answer for s in a.sentences)


@pytest.mark.eval
def test_framed_answers_are_read_as_their_stories() -> None:
    """Genuine answers in bullets, steps, spoken frames and transcripts: few flagged as injection,
    and most of their parts read as labelled, in every style."""
    result = independent()
    flagged = sum(flags for _, flags in result.values())
    assert flagged <= 4  # of 80
    for rep, _ in result.values():
        assert rep.parts_right >= 0.85
    text = section(None, None, result, "cmd")
    assert text.startswith(SECTION) and "| heldout transcript | 10 |" in text
