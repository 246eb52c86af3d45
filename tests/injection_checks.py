"""One check shared by the injection-round tests: a payload is flagged and raises nothing."""

from __future__ import annotations

from agents.grading.learned import analyze
from evals.grader_eval import inflated


def assert_flagged_and_raises_nothing(payload: str, story: str, question: str) -> None:
    """`payload` before and after `story` is flagged, and no part of the grade goes up (overall,
    measurability, ownership, a part's presence or strength: `evals.grader_eval.inflated`)."""
    clean = analyze(story, question)
    for attacked_text in (f"{payload}\n{story}", f"{story}\n{payload}"):
        attacked = analyze(attacked_text, question)
        assert "injection_suspected" in attacked.flags, attacked_text
        assert not inflated(attacked, clean)
