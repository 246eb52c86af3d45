"""The offline analyzer: sentence roles from the trained model, everything else by the rules.

`analyze` shares `prepare` (bounding, injection removal, hypothetical / non-answer flags)
and `grade_sentences` (measurability, ownership, overall, gaps, follow-up) with the rule analyzer;
only the sentence roles come from `SentenceRoleModel`, and evidence lists the sentence the model
is surest of first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from agents.grading.analyzer import (
    Prepared,
    Sentence,
    action_kind,
    grade_sentences,
    prepare,
    without_halo,
)
from agents.grading.grade import ComponentName, Grade, Measurability
from agents.grading.guard import lower_of
from agents.grading.numbers import measurability_of
from agents.grading.outcome_rules import (
    LESSON_CUE,
    continues_outcome,
    opens_with_outcome,
    scene_not_outcome,
    states_a_change,
)
from agents.grading.roles_model import ROLES, SentenceRoleModel, featurize, load_model
from agents.grading.scene_task import (
    RESPONSIBILITY,
    disowned_not_task,
    disowns,
    opening_scene,
    scene_not_task,
)
from agents.textutil import Span, find_metrics


def stated_task(sentences: list[Sentence]) -> None:
    """An answer where the model finds no task but a sentence says in so many words that the job
    was the speaker's ("the go decision was mine", "I set myself the target of…", "I had about a
    minute to decide…"), or a sentence that is no deed carries the words that put a job on the
    speaker ("that was my bit", "I still had to deliver the same quality"): that sentence states
    the task. Said of a mistake ("the error was mine") it is owning up, not a task."""
    if any(s.has("task") for s in sentences):
        return
    for s in sentences:
        if s.has("result") or s.has("learning"):
            continue
        says_so = _TASK_CUE.search(s.text) or (
            not s.has("action") and RESPONSIBILITY.search(s.text)
        )
        if says_so and not _OWNING_UP.search(s.text) and not disowns(s.text):
            s.add("task")
            return


_TASK_CUE = re.compile(
    r"\b(?:was|were|is) (?:all )?(?:mine|ours|on me|on us|down to (?:me|us|our|my))\b|"
    r"\b(?:I|we) had (?:about |only |just )?(?:\w+ ){0,3}?to (?:decide|deliver|fix|get|find|make|"
    r"sort|keep|save|turn|bring|clear|cut|reduce|win|hit)\b|"
    r"\bset (?:myself|ourselves) (?:the |a )?(?:target|goal|aim)|"
    r"\bmade me (?:the )?(?:lead|leader|owner|responsible)|"
    r"\b(?:my|our) (?:job|task|brief|goal|aim|target|responsibility|remit) (?:was|became|is)\b|"
    r"\bit (?:fell|was left) to (?:me|us)\b|"
    r"\b(?:I|we) (?:was|were) (?:responsible|accountable|expected|asked|tasked)\b",
    re.IGNORECASE,
)
_OWNING_UP = re.compile(
    r"\b(?:mistake|error|fault|blame)\s+(?:was|were|is)\s+(?:all\s+)?mine", re.IGNORECASE
)


def closing_lesson(sentences: list[Sentence]) -> None:
    """An answer where the model finds no lesson but its last sentence says it is one ("Learning
    for me was…", "I understood that…", "What I changed afterwards is…"): that is the learning."""
    if len(sentences) < 3 or any(s.has("learning") for s in sentences):
        return
    last = sentences[-1]
    if LESSON_CUE.search(last.text):
        last.add("learning")


_FILLER = re.compile(
    r"\b(?:um+|uh+|er+|well|like|you know|i mean|kind of|sort of|basically|so|yeah|okay|just|"
    r"really|actually|i guess|i think)\b",
    re.IGNORECASE,
)


def substance(text: str) -> float:
    """0.4-1.0 by how much a sentence says once fillers go: the strongest evidence is a sure
    reading of a full sentence, not a sure reading of "Well I mean I looked into it." """
    words = re.findall(r"[A-Za-z0-9$%€£]+", _FILLER.sub(" ", text))
    return 0.4 + 0.6 * min(len(words), 12) / 12


def opens_with_scene(text: str, roles: Sequence[str], p_situation: float, total: int) -> bool:
    """An answer opens with the scene: a first sentence of substance that the model reads as no
    action, outcome or lesson, and half-way as context, sets it (the model's threshold is chosen
    on long written answers, whose scene often takes several sentences)."""
    return (
        2 <= total <= SHORT_ANSWER
        and len(text.split()) >= 6
        and set(roles) <= {"task"}
        and p_situation >= SCENE_FLOOR
    )


SCENE_FLOOR = 0.25
SHORT_ANSWER = 5


def likeliest_outcome(
    sentences: list[Sentence], p_result: np.ndarray, p_action: np.ndarray
) -> None:
    """An answer that narrates deeds and shows no outcome over the threshold: its likeliest
    outcome sentence after the first deed is the result when the model reads it at least as
    OUTCOME_FLOOR (the threshold is chosen for answers in general, not for this one's best),
    unless the model is sure it is one more deed without a number: an answer that stops after its
    last step ("We presented it to the executive team.") has no result."""
    if any(s.has("result") for s in sentences):
        return
    first = next((i for i, s in enumerate(sentences) if s.has("action")), None)
    if first is None or first + 1 >= len(sentences):
        return
    best = first + 1 + int(np.argmax(p_result[first + 1 :]))
    if (
        p_result[best] >= OUTCOME_FLOOR
        and (p_action[best] < DEED_CEILING or find_metrics(sentences[best].text))
        and not sentences[best].has("learning")
    ):
        s = sentences[best]
        s.add("result")


OUTCOME_FLOOR = 0.3
DEED_CEILING = 0.6


def closing_count(sentences: list[Sentence]) -> None:
    """A story with deeds and no outcome that closes on a quantity closes on what came of it:
    "We did 212 covers that night", "I've since handled eight deals myself". The model reads
    such a "we did N" as one more deed; a closing number is the count of the result, unless the
    sentence is a lesson or sets the scene. Answers of fewer than three sentences are left alone.
    """
    if len(sentences) < 3 or any(s.has("result") for s in sentences):
        return
    if not any(s.has("action") for s in sentences):
        return
    last = sentences[-1]
    if find_metrics(last.text) and not (last.has("learning") or last.has("situation")):
        last.add("result")


_RESULT = ROLES.index("result")
_ACTION = ROLES.index("action")
# A sentence the model gives no role but whose main clause is the speaker's own deed ("I'm not an
# electrician, but I rang round and found someone to cover") is an action when the model leans
# that way at least this much (the per-role thresholds move by 0.05-0.1 from one training to the
# next; a deed said in the first person should not drop out of the answer with them).
DEED_FLOOR = 0.4


def learned_sentences(
    spans: Sequence[Span], model: SentenceRoleModel
) -> tuple[list[Sentence], dict[ComponentName, list[int]]]:
    """Sentences labelled by the model, and per component the sentence order strongest first."""
    if not spans:
        return [], {}
    probs = model.predict_proba(featurize([s.text for s in spans]))
    thresholds = model.thresholds if model.thresholds is not None else np.full(len(ROLES), 0.5)
    sentences: list[Sentence] = []
    for i, span in enumerate(spans):
        roles = [r for k, r in enumerate(ROLES) if probs[i, k] >= thresholds[k]]
        if (
            "result" not in roles
            and "situation" not in roles
            and states_a_change(span.text, i, len(spans))
        ):
            roles.append("result")
        if (
            i == 0
            and "result" not in roles
            and opens_with_outcome(
                span.text,
                len(spans),
                bool((probs[1:, 0] >= thresholds[0]).any()),
                only_outcome=not (probs[1:, _RESULT] >= thresholds[_RESULT]).any(),
            )
        ):
            roles.append("result")
        if i == 0 and opens_with_scene(span.text, roles, probs[0, 0], len(spans)):
            roles.append("situation")
        i_act, we_act = action_kind(span.text)
        if not roles and i_act and probs[i, _ACTION] >= DEED_FLOOR:
            roles.append("action")
        roles.sort(key=lambda r: -probs[i, ROLES.index(r)])
        sentences.append(
            Sentence(
                span_start=span.start,
                span_end=span.end,
                text=span.text,
                label=roles[0] if roles else None,
                also=roles[1:],
                i_action=i_act,
                we_action=we_act,
            )
        )
    scene_not_outcome(sentences)
    likeliest_outcome(sentences, probs[:, ROLES.index("result")], probs[:, ROLES.index("action")])
    closing_count(sentences)
    opening_scene(sentences, probs[:, ROLES.index("situation")])
    continues_outcome(sentences, spans)
    scene_not_task(sentences, probs[:, ROLES.index("task")])
    stated_task(sentences)
    disowned_not_task(sentences)
    closing_lesson(sentences)
    weight = np.asarray([substance(s.text) for s in spans])
    order = {
        role: [int(i) for i in np.argsort(-probs[:, k] * weight, kind="stable")]
        for k, role in enumerate(ROLES)
    }
    return sentences, order  # type: ignore[return-value]


def analyze(
    answer: str,
    question: str = "",
    *,
    avoid_follow_ups: Iterable[str] = (),
    model: SentenceRoleModel | None = None,
    guard: bool = True,
) -> Grade:
    """Grade an answer offline: learned sentence roles, rule-based numbers, ownership and flags.

    Deterministic and always available (the model ships in the package, hash-checked); `model`
    overrides the shipped one (evaluation trains one per held-out voice). With `guard` (the
    default), a flagged answer takes the lower of two readings (agents/grading/guard.py);
    without it, only the flagged spans are removed.
    """
    return analyze_prepared(
        prepare(answer, question), question, avoid_follow_ups=avoid_follow_ups, model=model,
        guard=guard,
    )


def analyze_prepared(
    prepared: Prepared,
    question: str = "",
    *,
    avoid_follow_ups: Iterable[str] = (),
    model: SentenceRoleModel | None = None,
    guard: bool = True,
) -> Grade:
    """`analyze` of an answer already through `prepare` (the judge's path prepares it once)."""
    model = model or load_model()
    avoid = list(avoid_follow_ups)
    grade = _grade_prepared(prepared, question, avoid, model)
    if guard and prepared.halo and prepared.gradable:
        # A flagged answer is also read without the spans next to each payload (guard.py).
        # When nothing is left without the halo, every kept span sat next to a payload: that
        # reading is empty, and none of them gets the benefit of the doubt.
        bare = without_halo(prepared)
        if prepared.spans:
            grade = lower_of(
                grade, _grade_prepared(bare, question, avoid, model), f"{question}|{prepared.raw}",
                avoid,
            )  # fmt: skip
    return grade


def _grade_prepared(
    prepared: Prepared, question: str, avoid: list[str], model: SentenceRoleModel
) -> Grade:
    sentences: list[Sentence] = []
    order: dict[ComponentName, list[int]] = {}
    if prepared.gradable:
        sentences, order = learned_sentences(prepared.spans, model)
    return grade_sentences(sentences, prepared, question, avoid, order, model.effect_reader)


def measure_result(result_texts: Iterable[str]) -> Measurability:
    """Measurability of result sentences with the shipped effect reader (judge, coaching)."""
    return measurability_of(result_texts, load_model().effect_reader)
