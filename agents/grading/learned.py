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
    CHANGE,
    MAGNITUDE,
    Prepared,
    Sentence,
    action_kind,
    grade_sentences,
    prepare,
    without_halo,
)
from agents.grading.grade import ComponentName, Grade, Measurability
from agents.grading.guard import lower_of
from agents.grading.numbers import BASELINE, measurability_of
from agents.grading.roles_model import ROLES, SentenceRoleModel, featurize, load_model
from agents.grading.scene_task import (
    RESPONSIBILITY,
    disowned_not_task,
    disowns,
    opening_scene,
    scene_not_task,
)
from agents.textutil import Span, find_metrics


def states_a_change(text: str, index: int, total: int) -> bool:
    """A change verb with an explicit size ("cut p99 latency by 40%") is a result: numbers are
    exact, so this rule stays a rule. An opening sentence of a longer answer sets the scene."""
    if HAD_BEEN.search(text) or (index == 0 and total > 2 and not _ACTOR_FIRST.match(text)):
        return False
    changed = CHANGE.search(text) or _MORE_CHANGE.search(text)
    return bool(
        changed and (MAGNITUDE.search(text) or _MORE_MAGNITUDE.search(text)) and find_metrics(text)
    )


# A result-first answer opens with what the speaker did to the number: "We cut medication errors
# on our ward by more than half". "Our churn rose 20% last year" opens with the scene instead.
_ACTOR_FIRST = re.compile(r"^\W*(?:\w+,?\s+){0,3}(?:I|we)\s", re.IGNORECASE)

# Sizes and changes the cue rules' patterns (features of the model, so fixed with it) miss:
# "by more than half", "brought our pressure ulcers down from nine to two".
_MORE_MAGNITUDE = re.compile(
    r"\bby\s+(?:more than|less than|well over|just over|just under|under|over)\s+"
    r"(?:[$€£]?\d|a\s+(?:third|quarter|half|fifth|tenth)|half|(?:\w+\s+){1,2}percent)"
    r"|\bfrom\s+(?:about\s+|around\s+|roughly\s+|maybe\s+|nearly\s+)?(?:[$€£]?\d|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty)\b[^.;]{0,50}?\bto\b",
    re.IGNORECASE,
)
_MORE_CHANGE = re.compile(
    r"\b(?:brought|got|pushed|pulled)\s+(?:[\w'-]+\s+){0,5}?(?:down|up)\b|\bslashed\b|\bwent\s+up\b",
    re.IGNORECASE,
)

# What had been so before the story ("headcount had tripled since spring") is context, however
# large its numbers: a change is a result only when it is told as what came of the action.
HAD_BEEN = re.compile(
    r"\bhad\s+(?:\w+ly\s+)?(?:been\s+)?(?:\w+ed|grown|risen|fallen|gone|become)\b"
    r"|\bfor (?:the (?:last|past) )?(?:\w+ )?(?:straight|consecutive|running) (?:\w+ )?\w+s\b",
    re.IGNORECASE,
)


def opens_with_outcome(
    text: str, total: int, scene_follows: bool, only_outcome: bool = False
) -> bool:
    """A result-first answer: its opening sentence gives the outcome with a figure before the scene
    ("The short version is we shipped on the holiday date with four days to spare", "We cleared a
    backlog of 86 reassessments in under seven weeks"). Position makes the model read an opening
    as the scene; the figure, a summary phrase or the speaker's own finished deed with a change or
    a comparison are exact enough for a rule. What had been so ("activation had dropped") or who
    the speaker was ("I was the charge nurse") stays the scene, and so does a first deed when no
    scene follows (an answer that starts with its actions)."""
    # Only the main clause's tense: "…, and a dozen patients whose ulcers had been open healed".
    main = re.split(r"\b(?:which|whose|who|when)\b", text, maxsplit=1)[0]
    if total < 3 or not scene_follows or HAD_BEEN.search(main) or not find_metrics(text):
        return False
    if _LESSON_CUE.search(text) or _TOOK_AWAY.search(text):
        return False
    if _SUMMARY_OPENER.match(text):
        return True
    if only_outcome and BASELINE.search(main) and _MOVED_FROM.search(main):
        # Nothing else in the answer reads as its outcome, and this opening says how a figure
        # moved ("Our monthly cloud bill came down from around 38 lakh to about 21 lakh"): told
        # first, the outcome is all a result-first answer has, whatever the subject.
        return True
    return bool(
        _DEED_OPENER.match(text)
        and (CHANGE.search(text) or _MORE_CHANGE.search(text) or _MORE_MAGNITUDE.search(text)
             or _COMPARED.search(text)
            or BASELINE.search(text))
    )  # fmt: skip


# A figure moving from one value: "came down from around 38 lakh", "went from 2.1 s".
_MOVED_FROM = re.compile(r"\b(?:\w+ed|went|came|fell|rose|grew|got)\s+(?:\w+\s+)?from\b", re.I)
_LEAD_IN = r"^\W*(?:(?:so|um+|uh+|well|okay|ok|yeah|right|and),?\s+)*"
_SUMMARY_OPENER = re.compile(
    _LEAD_IN + r"(?:the short (?:version|answer|story) is|the headline (?:is|was)|"
    r"the (?:outcome|upshot|end result|result|bottom line) (?:is|was)|long story short|"
    r"in the end|by the end of (?:it|that|the \w+)|today|these days|nowadays|now)\b",
    re.IGNORECASE,
)
# The speaker's own finished deed first: "We cut…", "So, um, when I opened my café I got us…";
# not a state ("I was…", "we had…", "I work as…").
_DEED_OPENER = re.compile(
    r"^\W*(?:(?!before\b|until\b|while\b)[\w']+,?\s+){0,8}?(?:I|we)\s+(?:\w+ly\s+)?"
    r"(?!(?:was|were|had|have|am|are|work|"
    r"worked|used|would|'d|'m|'re|'ve|wanted|needed|noticed|hoped|planned|tried|started|"
    r"decided|realised|realized|learned|learnt|felt|thought|knew|agreed|asked|received|"
    r"inherited|joined|moved)\b)(?:\w+ed|got|took|brought|cut|won|made|sold|saved|built|"
    r"ran|grew|cleared|hit|beat|shipped|went|came|put|kept|led|set|sat|gave|found|caught|"
    r"ended)\b",
    re.IGNORECASE,
)
_TOOK_AWAY = re.compile(r"\b(?:took|take|taking) away\b", re.IGNORECASE)
_COMPARED = re.compile(
    r"\b(?:instead of|compared (?:with|to)|ended up|faster|earlier|ahead of|to spare|"
    r"(?:later|sooner) than (?:planned|expected|scheduled))\b",
    re.IGNORECASE,
)


def scene_not_outcome(sentences: list[Sentence]) -> None:
    """Before the first deed, a sentence the model reads first as the scene and only also as an
    outcome is the scene ("our trial runs kept rejecting about 6% of records"): its numbers are
    the context, not a result, unless it opens the answer the way an outcome does."""
    first = next((i for i, s in enumerate(sentences) if s.has("action")), len(sentences))
    for s in sentences[:first]:
        alone = not any(o.has("result") for o in sentences if o is not s)
        if (
            s.label == "situation"
            and "result" in s.also
            and not opens_with_outcome(s.text, len(sentences), True, only_outcome=alone)
        ):
            s.also.remove("result")


def continues_outcome(sentences: list[Sentence], spans: Sequence[Span]) -> None:
    """A span the splitter cut from the middle of a result sentence (after a dash or a colon, it
    starts in lower case) is the rest of that result: "…from 24% to 16% — roughly 40 fewer
    patients bouncing back in"."""
    for i in range(1, len(sentences)):
        prev, s = sentences[i - 1], sentences[i]
        if (
            prev.has("result")
            and not s.has("result")
            and spans[i].text.lstrip(" \"'‘“—–-(")[:1].islower()
            and not spans[i - 1].text.rstrip(" \"'’”)").endswith((".", "!", "?"))
        ):
            s.add("result")


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
    if _LESSON_CUE.search(last.text):
        last.add("learning")


_LESSON_CUE = re.compile(
    r"\b(?:learning|lesson|takeaway|take-away)s?\b(?: \w+){0,3}? (?:was|is|were)\b|"
    r"\bI (?:understood|realised|realized|learnt|learned) that\b|"
    r"\bwhat I changed (?:afterwards|after that|since)\b|^\W*I(?:'d| would) (?:always )?rather\b|"
    r"\b(?:taught|showed) me (?:that|to|how)\b|\bsince then,? I\b|\bnow I (?:always|never)\b",
    re.IGNORECASE,
)


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
    prepared = prepare(answer)
    model = model or load_model()
    avoid = list(avoid_follow_ups)
    grade = _grade_prepared(prepared, question, avoid, model)
    if guard and prepared.halo and prepared.gradable:
        # A flagged answer is also read without the spans next to each payload (guard.py).
        bare = without_halo(prepared)
        if bare.spans:
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
