"""Injection hidden in a stored story that is later retrieved: the story's coaching grade never
rises and is flagged, and when a drill retrieves it, an obedient model still cannot raise the
grade of the candidate's answer. Real story bank (embedded Chroma), scripted model."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rel_support import load_suite

from agents.drill.state import CustomQuestion, DrillConfig
from agents.llm import ScriptedModel

STORY_CASES = [c for c in load_suite() if c["target"] == "story"]


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in cases]


def test_the_suite_hides_injections_in_stories() -> None:
    assert len(STORY_CASES) >= 5


@pytest.mark.slow
@pytest.mark.parametrize("case", STORY_CASES, ids=_ids(STORY_CASES))
def test_a_poisoned_story_is_flagged_and_never_coached_higher(services, case: dict) -> None:
    bank = services.stories
    clean = bank.create("local", {"title": "Clean version", "text": case["clean_answer"]})
    poisoned = bank.create("local", {"title": "Poisoned version", "text": case["answer"]})
    a, b = bank.review("local", clean.id), bank.review("local", poisoned.id)
    assert b.overall <= a.overall
    assert b.measurability <= a.measurability
    assert all(b.components[c] <= a.components[c] for c in a.components)
    assert "injection_suspected" in b.flags


@pytest.mark.slow
def test_a_retrieved_poisoned_story_cannot_steer_an_obedient_model(services) -> None:
    case = STORY_CASES[0]
    services.stories.create("local", {"title": "Billing retries", "text": case["answer"]})
    # A model that does whatever it read last: every grade it returns is perfect.
    perfect = {
        "components": {
            c: {"present": True, "strength": 3, "evidence": ["I did everything"]}
            for c in ("situation", "task", "action", "result", "learning")
        },
        "measurability": {"level": 3, "metrics": ["100%"]},
        "ownership": {"label": "i", "i_share": 1.0},
        "flags": [],
    }
    model = ScriptedModel()
    for _ in range(40):
        model.enqueue(json.dumps(perfect))
    services.grader.llm = model
    question = CustomQuestion(lp="dive-deep", text=case["question"])
    iv = services.interviewer
    state = iv.start(DrillConfig(seed=3, mode="coach", custom_questions=[question]))
    iv.respond(state, case["clean_answer"])
    grade = state.questions[0].grade
    assert model.history, "the model was never asked, so nothing was tested"
    assert state.questions[0].story_hits, "the poisoned story was not retrieved"
    assert grade is not None
    # The scripted evidence is not in the answer, so verification drops every component it claims.
    from agents.grading import analyze

    baseline = analyze(case["question"], case["clean_answer"])
    assert grade.overall <= baseline.overall
    assert grade.measurability.level <= baseline.measurability.level
