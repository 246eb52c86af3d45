"""The deterministic analyzer: sentence roles from cues, tense, actors and position (no model)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import BaseModel, Field

from agents.grading.chatter import (
    blank_dropped,
    is_chatter,
    says_question_back,
    without_asked_turn,
)
from agents.grading.cues import (
    ACTION_EXTRA,
    I_ACTION,
    I_ACTION_EXTRA,
    LEARNING,
    NO_EXAMPLE,
    NO_STORY,
    NON_ACTION_VERBS,
    NON_ANSWER,
    RESULT,
    SITUATION,
    SITUATION_WEAK,
    TASK,
    WE_ACTION,
    defill,
    speaks_hypothetically,
)
from agents.grading.grade import (
    COMPONENTS,
    MAX_GRADED_WORDS,
    TOO_LONG_WORDS,
    Component,
    ComponentName,
    Grade,
    Ownership,
    apply_rules,
)
from agents.grading.guard import halo_of
from agents.grading.numbers import measurability_of
from agents.grading.own_layout import unmarked
from agents.grading.structure import mark_hidden, split_at_blocks, suspect_spans
from agents.textutil import PAST_VERB, Span, clean_text, find_metrics, split_sentences, word_count


class Sentence(BaseModel):
    """A sentence with the component it was assigned to."""

    span_start: int
    span_end: int
    text: str
    label: ComponentName | None = None
    also: list[ComponentName] = Field(default_factory=list)
    i_action: bool = False
    we_action: bool = False

    def has(self, name: ComponentName) -> bool:
        """True when the sentence counts toward component `name`."""
        return self.label == name or name in self.also

    def add(self, name: ComponentName) -> None:
        """Count the sentence toward `name` too: its label when it has none, else one more role."""
        if self.label is None:
            self.label = name
        else:
            self.also.append(name)


# "I learned early that..." reflects on the past; it narrates no deed of the story.
_REFLECTION_VERBS = frozenset({"learned", "learnt"})


def _acts(pattern: re.Pattern[str], text: str, excluded: frozenset[str] | set[str]) -> bool:
    """True when `pattern` finds an actor's verb in `text` that is not in `excluded`."""
    return any(m.group(1).lower() not in excluded for m in pattern.finditer(text))


def _narrates(text: str) -> bool:
    """True when a first-person past verb other than "learned" appears ("I realised" narrates)."""
    return _acts(I_ACTION, text, _REFLECTION_VERBS) or _acts(WE_ACTION, text, _REFLECTION_VERBS)


# "If I saw a colleague struggling, I'd usually offer...": a past verb under a condition or a
# habit ("usually", "what I would do") is part of the hypothetical, not a deed of the story.
_HABIT = re.compile(
    r"\b(?:if I|usually|normally|always|generally|typically|tend to|what I(?:'d| would))\b",
    re.IGNORECASE,
)


def is_hypothetical(spans: Sequence[Span]) -> bool:
    """Most sentences describe what the speaker would do, and none narrate a past action."""
    if not spans:
        return False
    # "I started handing him the decisions; on every sector I'd ask...": a sentence that
    # narrates a past deed tells a habit of the story, not what the speaker would do.
    said = [
        (speaks_hypothetically(s.text), _narrates(s.text) and not _HABIT.search(s.text))
        for s in spans
    ]
    hypo = sum(1 for would, narrated in said if would and not narrated)
    past = sum(1 for would, narrated in said if narrated and not would)
    return hypo >= max(1, len(spans) // 2) and past <= max(0, len(spans) // 4 - 1) and past < hypo


def action_kind(text: str) -> tuple[bool, bool]:
    """(has a first-person-singular action, has a collective action)."""
    i_hit = _acts(I_ACTION, text, NON_ACTION_VERBS)
    we_hit = _acts(WE_ACTION, text, NON_ACTION_VERBS)
    if not i_hit and re.search(r"\bI\b", text) and ACTION_EXTRA.search(text):
        i_hit = bool(I_ACTION_EXTRA.search(text))
    return i_hit, we_hit


# A sentence often carries two components ("I rewrote the cache, which cut latency 40%"); a
# second label is kept when its cue score clears this bar on its own.
_SECONDARY_MIN = 1.3


# "I scored the items, moved one launch and cleared my calendar": a sentence that opens with its
# actor and goes on through a list of deeds narrates actions, even when it mentions numbers or
# words like "impact" or "churn"; its outcome is usually told on its own.
_ACTION_LIST = re.compile(
    r"^\W*(?:\w+,?\s+){0,2}(?:I|we)\s+(?:\w+ly\s+)?" + PAST_VERB + r"\b.*?,\s*(?:and\s+)?"
    r"(?:then\s+)?(?:\w+ly\s+)?" + PAST_VERB + r"\b(?!\s+(?:by|from|to)\b)",
    re.IGNORECASE,
)

# An explicit size of change: "by 40%", "from 12 to 2 hours", "3x", "by a third", "halved".
MAGNITUDE = re.compile(
    r"\b(?:by|from)\s+(?:about\s+|around\s+|over\s+|nearly\s+|almost\s+|roughly\s+)?"
    r"(?:[$€£]?\d|a\s+(?:third|quarter|half|fifth|tenth)|half|(?:\w+\s+){1,2}percent)|"
    r"\d\s*(?:%|percent)|\b\d+(?:\.\d+)?x\b|\b(?:halved|doubled|tripled)\b",
    re.IGNORECASE,
)

# A change verb next to a quantity reads as a result wherever it sits in the answer.
CHANGE = re.compile(
    r"\b(?:cut|reduc|lower|drop|increas|rais|boost|improv|grew|doubl|halv|tripl|sav|shrank|"
    r"fell|rose|went from|brought (?:it |them )?down|sped up|lost|gained)\w*",
    re.IGNORECASE,
)


def classify_sentence(
    text: str, index: int, total: int
) -> tuple[ComponentName | None, bool, bool, list[ComponentName]]:
    """Assign a sentence to the component its cues support best, plus strong second labels."""
    pos = index / max(1, total - 1)
    text = defill(text)
    i_act, we_act = action_kind(text)
    scores: dict[ComponentName, float] = dict.fromkeys(COMPONENTS, 0.0)
    if LEARNING.search(text):
        scores["learning"] += 2.2 + 0.3 * pos
    if RESULT.search(text):
        scores["result"] += 1.3 + 0.5 * pos
    if find_metrics(text):
        if CHANGE.search(text):
            scores["result"] += 1.4
        elif pos > 0.3:
            scores["result"] += 1.0
    if TASK.search(text):
        scores["task"] += 1.7
    if SITUATION.search(text):
        scores["situation"] += 1.0 + 0.6 * (1 - pos)
    elif SITUATION_WEAK.search(text):
        scores["situation"] += 0.6 + 0.4 * (1 - pos)
    if i_act or we_act:
        scores["action"] += 1.4
        # "I profiled…" / "We rewrote…": a sentence that opens with its actor narrates an action.
        if re.match(r"\W*(?:\w+,?\s+){0,2}(?:I|we)\s+(?:\w+ly\s+)?\w+(?:ed|t)\b", text, re.I):
            scores["action"] += 0.3
        if _ACTION_LIST.search(text):
            # Never an outcome first; a second label only for an explicit size of change.
            ceiling = scores["action"] - 0.1 if MAGNITUDE.search(text) else _SECONDARY_MIN - 0.1
            scores["result"] = min(scores["result"], ceiling)
    if index == 0 and max(scores.values()) < 1.5:
        scores["situation"] += 1.0
    if index == 0 and not find_metrics(text):
        # An answer rarely opens with its outcome unless it states a number.
        scores["result"] -= 0.6
    elif index == 0 and RESULT.search(text):
        scores["result"] += 0.8
    best = max(COMPONENTS, key=lambda c: scores[c])
    if scores[best] < 0.9:
        return None, i_act, we_act, []
    also = [
        c
        for c in COMPONENTS
        if c != best
        and scores[c] >= _SECONDARY_MIN
        # Situation numbers must never become a result; a lesson is neither outcome nor action.
        # A goal ("my job was to cut costs 30%") is not an outcome either.
        and not (c == "result" and best in ("situation", "learning", "task"))
        and not (c == "action" and best == "learning")
    ]
    return best, i_act, we_act, also


def strength_of(sentences: list[Sentence], name: ComponentName) -> int:
    """0-3 from how much the answer says about a component and how concrete it is."""
    hits = [s for s in sentences if s.has(name)]
    if not hits:
        return 0
    words = sum(word_count(s.text) for s in hits)
    concrete = any(find_metrics(s.text) for s in hits) or any(
        re.search(r"\b[A-Z][a-z]+\b", s.text[1:]) for s in hits
    )
    if len(hits) >= 2 and words >= 25 and (concrete or name in ("action", "learning")):
        return 3
    if words >= 12:
        return 2
    return 1


def ownership_of(action_sentences: Sequence[Sentence]) -> Ownership:
    """`i` when any action is the speaker's own, `we` when only collective, else `none`."""
    acts = [s for s in action_sentences if s.i_action or s.we_action]
    if not acts:
        return Ownership(label="none", i_share=0.0)
    i_acts = [s for s in acts if s.i_action]
    share = round(len(i_acts) / len(acts), 3)
    label: Literal["i", "we"] = "i" if i_acts else "we"
    evidence = [s.text for s in (i_acts or acts)][:3]
    return Ownership(label=label, i_share=share, evidence=evidence)


@dataclass
class Prepared:
    """An answer made ready for sentence roles: bounded, split, injection removed, flagged."""

    raw: str
    spans: list[Span]
    flags: list[str]
    # The kept spans right before or after a removed (injected) one: see agents/grading/guard.py.
    halo: list[Span] = field(default_factory=list)

    @property
    def gradable(self) -> bool:
        """False for hypothetical and non-answers, whose sentences are never assigned roles."""
        return "non_answer" not in self.flags and "hypothetical" not in self.flags


def prepare(answer: str, question: str = "") -> Prepared:
    """Clean, bound to MAX_GRADED_WORDS, split, remove injected sentences and the talk around the
    answer (`chatter`: remarks, sign-offs, the question said back), and set the flags."""
    flags: list[str] = []
    raw = answer if isinstance(answer, str) else ""
    text = clean_text(mark_hidden(raw))
    words = text.split()
    if len(words) > TOO_LONG_WORDS:
        flags.append("too_long")
    if len(words) > MAX_GRADED_WORDS:
        # Bounded work: grade the first window, keeping offsets into the original text.
        cut = offset_after_words(text, MAX_GRADED_WORDS)
        text = text[:cut]
        flags.append("truncated")
    split = split_at_blocks(text, split_sentences(text))
    spans = without_asked_turn(split, question)
    # The rules read whole lines: a transcript's dropped turns are blanked for them.
    injected = suspect_spans(text if spans == split else blank_dropped(text, split, spans), spans)
    halo: list[Span] = []
    if injected:
        flags.append("injection_suspected")
        halo = halo_of(spans, injected)
        spans = [s for s in spans if s not in injected]
    # Talk around the answer ("Great question.", "Does that answer it?") is no part of the story.
    spans = [
        s for s in spans if not (is_chatter(s.text) or says_question_back(s.text, question))
    ]
    # A typed list's markers are layout, not words of the sentence.
    spans = [unmarked(s) for s in spans]
    halo = [unmarked(s) for s in halo]
    story_words = sum(word_count(s.text) for s in spans)
    told = " ".join(s.text for s in spans)
    if (
        story_words < 6
        or ((NON_ANSWER.match(told) or NO_EXAMPLE.search(told)) and story_words < 25)
        or says_no_story(spans)
    ):
        flags.append("non_answer")
    elif is_hypothetical(spans):
        flags.append("hypothetical")
    return Prepared(raw=raw, spans=spans, flags=flags, halo=halo)


def without_halo(prepared: Prepared) -> Prepared:
    """The prepared answer without the spans next to a removed payload (guard.py)."""
    return replace(prepared, spans=[s for s in prepared.spans if s not in prepared.halo], halo=[])


def rule_sentences(spans: Sequence[Span]) -> list[Sentence]:
    """Sentence roles from cues, tense, actors and position alone."""
    sentences: list[Sentence] = []
    for i, span in enumerate(spans):
        label, i_act, we_act, also = classify_sentence(span.text, i, len(spans))
        sentences.append(
            Sentence(
                span_start=span.start,
                span_end=span.end,
                text=span.text,
                label=label,
                also=also,
                i_action=i_act,
                we_action=we_act,
            )
        )
    # A collective verb inside an outcome ("we hit every date") is not an action of its own.
    if not any(s.label == "action" for s in sentences):
        for s in sentences:
            # …unless the sentence narrates several steps ("we cut X, reused Y and moved Z").
            steps = len(re.findall(r"\b" + PAST_VERB + r"\b", s.text, re.IGNORECASE))
            if "action" in s.also and not s.i_action and steps < 3:
                s.also.remove("action")
    # Uncued sentences after the last action (and before any lesson) report what happened.
    last_action = max((i for i, s in enumerate(sentences) if s.has("action")), default=None)
    if last_action is not None:
        for s in sentences[last_action + 1 :]:
            if s.has("learning"):
                break
            if s.label is None and word_count(s.text) >= 4:
                s.label = "result"
    # Uncued sentences before the first action set the scene.
    first_action = next((i for i, s in enumerate(sentences) if s.has("action")), len(sentences))
    for s in sentences[:first_action]:
        if s.label is None and word_count(s.text) >= 6:
            s.label = "situation"
    return sentences


def grade_sentences(
    sentences: list[Sentence],
    prepared: Prepared,
    question: str,
    avoid_follow_ups: Iterable[str],
    evidence_order: dict[ComponentName, list[int]] | None = None,
    effect: Callable[[str], bool] | None = None,
) -> Grade:
    """Components, measurability and ownership from labelled sentences, then the rules.

    `evidence_order` lists, per component, sentence indices strongest first (default: in order);
    `effect` is measurability's effect reader (default: the EFFECT word list).
    """
    components: dict[ComponentName, Component] = {}
    for name in COMPONENTS:
        order = (evidence_order or {}).get(name, range(len(sentences)))
        evidence = [sentences[i].text for i in order if sentences[i].has(name)][:3]
        strength = strength_of(sentences, name)
        components[name] = Component(present=bool(evidence), strength=strength, evidence=evidence)
    measurability = measurability_of((s.text for s in sentences if s.has("result")), effect)
    # Ownership reads the narrated actions: a verb inside the context, the goal or the lesson
    # ("I owned the service", "I learned to…") says nothing about who did the work.
    narrated = [s for s in sentences if s.has("action") and s.label in ("action", "result")]
    ownership = ownership_of(narrated or [s for s in sentences if s.has("action")])
    if components["action"].present and ownership.label == "none":
        ownership = ownership_of(sentences)
    return apply_rules(
        components,
        measurability,
        ownership,
        prepared.flags,
        f"{question}|{prepared.raw}",
        avoid_follow_ups,
    )


def analyze_rules(
    answer: str,
    question: str = "",
    *,
    avoid_follow_ups: Iterable[str] = (),
) -> Grade:
    """Grade an answer with sentence roles from the cue rules alone (the pre-v2 analyzer)."""
    prepared = prepare(answer, question)
    sentences = rule_sentences(prepared.spans) if prepared.gradable else []
    return grade_sentences(sentences, prepared, question, avoid_follow_ups)


def says_no_story(spans: Sequence[Span]) -> bool:
    """The candidate says there is no story and tells at most one past deed of their own."""
    if not any(NO_STORY.search(s.text) for s in spans):
        return False
    deeds = sum(1 for s in spans if any(action_kind(defill(s.text))))
    return deeds <= 1


def offset_after_words(text: str, n: int) -> int:
    """The character offset just after the n-th word."""
    for count, match in enumerate(re.finditer(r"\S+", text), start=1):
        if count == n:
            return match.end()
    return len(text)
