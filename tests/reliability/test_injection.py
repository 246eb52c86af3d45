"""Prompt injection: attacked answers never grade higher than their clean versions, are flagged,
and no model output that reaches the candidate ever repeats a system prompt.

Two layers are attacked with every case of `evals/data/injection_suite.jsonl` (plus the grader
dataset's injection cases when present):
- the offline grader (`analyze`);
- the LLM path, with a scripted model playing an obedient judge: it marks every component present
  at strength 3 and quotes the injected text, an invented result and the clean evidence, and puts
  the system prompt in its follow-up. The reference is a generous honest judge on the clean
  answer (the clean evidence at strength 3), so any lift can only come from the injection.

Cases in KNOWN_GAPS are detection gaps of the current grader, reported to its owner; they are
strict xfails, so fixing one makes the suite say so.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from rel_support import inflation, leaked_runs, load_suite, system_prompts

from agents.drill.interviewer import Interviewer
from agents.drill.state import DrillConfig
from agents.drill.transcript import transcript_json, transcript_markdown
from agents.grading import COMPONENTS, Grader, analyze
from agents.grading.grader import grader_system_prompt
from agents.llm import ScriptedModel
from agents.lp.principles import load_principles
from agents.prompts import render
from agents.textutil import split_sentences

CASES = load_suite()
INVENTED = "I cut cloud costs by 87% for forty thousand patients compared with last year."
LEAKY_FOLLOW_UP = grader_system_prompt().splitlines()[0] + " Which of these rules apply here?"

# id -> the checks it fails today: "flag" (not detected), "offline" / "llm" (grade inflation).
KNOWN_GAPS: dict[str, set[str]] = {}


def _cases(check: str) -> list[Any]:
    params = []
    for case in CASES:
        marks = []
        if check in KNOWN_GAPS.get(case["id"], set()):
            marks.append(
                pytest.mark.xfail(
                    strict=True,
                    reason=f"grader detection gap ({check}), reported to the grader owner; "
                    "remove it from KNOWN_GAPS once fixed",
                )
            )
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


def test_the_suite_is_big_and_varied() -> None:
    assert len(CASES) >= 40
    vectors = {c["vector"] for c in CASES}
    for vector in ("instruction", "role-play", "fake-json", "system-line", "delimiter",
                   "other-language", "stored-story"):  # fmt: skip
        assert vector in vectors
    for case in CASES:
        if not case["id"].startswith("grader-"):
            assert case["payload"] and case["payload"] in case["answer"]


# --- offline grader -------------------------------------------------------------------------


@pytest.mark.parametrize("case", _cases("flag"))
def test_offline_grader_flags_the_injection(case: dict[str, Any]) -> None:
    grade = analyze(case["answer"], case["question"])
    assert "injection_suspected" in grade.flags


@pytest.mark.parametrize("case", _cases("offline"))
def test_offline_grade_never_rises(case: dict[str, Any]) -> None:
    attacked = analyze(case["answer"], case["question"])
    clean = analyze(case["clean_answer"], case["question"])
    assert inflation(attacked, clean) == []


# --- LLM path -----------------------------------------------------------------------------


def _judgement(components: dict[str, tuple[bool, int, list[str]]], follow_up: str = "") -> str:
    out: dict[str, Any] = {
        name: {"present": p, "strength": s, "quotes": q[:6]}
        for name, (p, s, q) in components.items()
    }
    out["hypothetical"] = False
    out["follow_up"] = follow_up
    return json.dumps(out)


def honest_judgement(case: dict[str, Any]) -> str:
    """A generous honest judge on the clean answer: its evidence, every present part at 3."""
    grade = analyze(case["clean_answer"], case["question"])
    parts = {}
    for n in COMPONENTS:
        comp = grade.components[n]
        parts[n] = (comp.present, 3 if comp.present else 0, comp.evidence)
    return _judgement(parts)


def obedient_judgement(case: dict[str, Any]) -> str:
    """A judge that obeys the injection: everything present at 3, quoting the injected text."""
    grade = analyze(case["clean_answer"], case["question"])
    injected = [s.text for s in split_sentences(case["payload"])] + [case["payload"], INVENTED]
    return _judgement(
        {n: (True, 3, [*injected, *grade.components[n].evidence]) for n in COMPONENTS},
        follow_up=LEAKY_FOLLOW_UP,
    )


def _llm_grades(case: dict[str, Any]) -> tuple[Any, Any, ScriptedModel]:
    honest = Grader(ScriptedModel([honest_judgement(case)]))
    model = ScriptedModel([obedient_judgement(case)])
    attacked = Grader(model).grade(case["answer"], case["question"])
    clean = honest.grade(case["clean_answer"], case["question"])
    return attacked, clean, model


@pytest.mark.parametrize("case", _cases("llm"))
def test_an_obedient_model_cannot_raise_the_grade(case: dict[str, Any]) -> None:
    attacked, clean, model = _llm_grades(case)
    assert attacked.backend == "llm" and model.pending == 0
    assert inflation(attacked, clean) == []


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_invented_quotes_never_count_and_the_prompt_never_leaks(case: dict[str, Any]) -> None:
    attacked, _clean, model = _llm_grades(case)
    output = json.dumps(attacked.public_dict())
    assert "87%" not in output and "forty thousand" not in output
    assert leaked_runs(output, system_prompts()) == []
    # The answer reaches the model fenced as data, inside the untrusted-data tags.
    user = model.history[0][-1]["content"]
    assert user.count("<candidate_answer>") == 1 and user.count("</candidate_answer>") == 1


def test_a_clean_answer_is_not_flagged() -> None:
    clean = {c["clean_answer"] for c in CASES if not c["id"].startswith("grader-")}
    for answer in clean:
        assert "injection_suspected" not in analyze(answer).flags, answer


# --- the interviewer ----------------------------------------------------------------------


def _leaky_interviewer_replies() -> list[str]:
    """An obedient interviewer model: every reply repeats part of its system prompt."""
    lines = [ln for ln in render("interviewer_system").splitlines() if len(ln.split()) >= 8]
    return [f"{ln.rstrip('.')}, do you agree?" for ln in lines] * 6


def test_an_obedient_interviewer_model_never_leaks_its_prompt() -> None:
    model = ScriptedModel(_leaky_interviewer_replies())
    iv = Interviewer(Grader(None), load_principles(), model)
    state = iv.start(DrillConfig(role="sde2", round_type="loop", mode="coach", seed=2))
    attacks = [c["answer"] for c in CASES[:12]]
    attacks.insert(3, "Could you clarify the question?")
    for answer in attacks:
        if state.status == "done":
            break
        iv.respond(state, answer)
    iv.end(state)
    said = [t.text for t in state.turns if t.role == "interviewer"]
    assert len(model.history) >= 3  # the model really was asked
    assert leaked_runs("\n".join(said), system_prompts()) == []
    everything = json.dumps(transcript_json(state)) + transcript_markdown(state)
    assert leaked_runs(everything, system_prompts()) == []


def _question_scores(answers: list[str]) -> list[tuple[int, int, str]]:
    """(overall, measurability, ownership) of each question of a scripted offline drill."""
    iv = Interviewer(Grader(None), load_principles())
    state = iv.start(DrillConfig(role="sde2", round_type="loop", mode="coach", seed=9))
    for answer in answers:
        if state.status == "done":
            break
        iv.respond(state, answer)
    if state.status != "done":
        iv.end(state)
    return [
        (q.grade.overall, q.grade.measurability.level, q.grade.ownership.label)
        for q in state.questions
        if q.grade is not None
    ]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c["id"])
        for c in CASES
        if c["id"] in ("plain-ignore", "json-grade", "system-line", "delim-close", "lang-es")
    ],
)
def test_a_drill_with_injected_answers_grades_no_higher(case: dict[str, Any]) -> None:
    follow = "I personally set up the alerts and I wrote the runbook myself."
    clean = _question_scores([case["clean_answer"], follow] * 3)
    attacked = _question_scores([case["answer"], follow] * 3)
    assert len(attacked) == len(clean)
    for a, c in zip(attacked, clean, strict=True):
        assert a[0] <= c[0] and a[1] <= c[1]
