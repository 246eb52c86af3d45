"""Coaching: a story graded like an answer (STAR(L), measurability, ownership) and what to add.

Also splits free text into STAR(L) fields for the story form. The sentences the coach says are
in `prompts/phrases/story_coach.yaml`; the grade itself comes from `agents.grading`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from string import Formatter
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from agents.grading import COMPONENTS, Grade, analyze, measure_result, overall_from_parts
from agents.prompts import load_phrases
from agents.stories.errors import StoryImportError
from agents.stories.formats.markdown import parse_markdown
from agents.stories.model import STAR_FIELDS, Story, bundled_principles, clean_field
from agents.stories.tagging import rank_lps
from agents.textutil import split_sentences

if TYPE_CHECKING:
    from agents.lp.classifier import LPClassifier

# An LP tag outside the classifier's top-N for the story text is treated as a weak fit.
TAG_FIT_TOP = 6
TRIM_WORDS = 450  # a story longer than this is over three minutes spoken

_LABELLED_STAR = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(situation|task|actions?|results?|learnings?|lessons?)"
    r"(?:\*\*|__)?[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)

# Coaching cues: does the result state where the number started, and who felt the change? The
# same idea as the grader's BASELINE/EFFECT (agents.grading.numbers) but narrower word lists,
# kept apart so that the coach's advice does not change when the grader's cues are tuned.
_HAS_BASELINE = re.compile(
    r"\b(?:from\s+\S+(?:\s\S+)?\s+(?:down |up )?to|from\s+(?:about\s+|around\s+)?[$€£]?\d|"
    r"down from|up from|compared (?:to|with)|"
    r"versus|vs\.?|baseline|previously|used to|before|had been|than (?:before|last))\b",
    re.IGNORECASE,
)
_HAS_EFFECT = re.compile(
    r"\b(?:customers?|users?|clients?|shoppers?|buyers?|sellers?|patients?|students?|revenue|"
    r"sales|profit|margin|costs?|spend|budget|savings?|churn|retention|conversion|satisfaction|"
    r"nps|csat|complaints?|tickets?|support|on-?call|engineers?|team|people|staff|business|"
    r"partners?|orders|bookings|sla)\b|[$€£]",
    re.IGNORECASE,
)


class StoryReview(BaseModel):
    """The coaching view of one story: grade parts and concrete additions."""

    id: str
    title: str
    overall: int
    components: dict[str, int]  # STAR(L) component -> strength 0-3 (0 = missing)
    measurability: int
    metrics: list[str]
    ownership: Literal["i", "we", "none"]
    gaps: list[str]
    flags: list[str]
    suggested_lps: list[str]
    additions: list[str]


# --- the coach's wording (prompts/phrases/story_coach.yaml) ---------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The {placeholders} each template may use (the code fills exactly these).
_FILLS: dict[str, tuple[str, ...]] = {
    "ownership": ("example",),
    "ownership_example": ("quote",),
    "result": ("change",),
    "result_change": ("measure",),
    "measurability": ("target",),
    "measure_target": ("measure",),
    "baseline": ("question",),
    "trim": ("words",),
    "retag": ("tagged", "reads_like", "signal"),
    "count": ("measure",),
    "amount": ("measure",),
}


class _Templates(_Strict):
    """Checks every template is non-empty and uses only the placeholders the code fills."""

    @model_validator(mode="after")
    def _check_placeholders(self) -> _Templates:
        for name, text in self.__dict__.items():
            if not text.strip():
                raise ValueError(f"{name}: must not be empty")
            try:
                used = {f for _, f, _, _ in Formatter().parse(text) if f is not None}
            except ValueError as e:  # an unmatched "{" or "}"
                raise ValueError(f"{name}: malformed placeholder: {e}") from e
            unknown = sorted(used - set(_FILLS.get(name, ())))
            if unknown:
                allowed = ", ".join("{" + n + "}" for n in _FILLS.get(name, ())) or "none"
                raise ValueError(f"{name}: unknown placeholder(s) {unknown}; allowed: {allowed}")
        return self


class Additions(_Templates):
    """What the coach suggests adding, one sentence per gap."""

    hypothetical: str
    non_answer: str
    situation: str
    task: str
    action: str
    learning: str
    ownership: str
    ownership_example: str
    result: str
    result_change: str
    measurability: str
    measure_target: str
    unknown_target: str
    baseline: str
    effect: str
    trim: str
    retag: str
    nothing_to_add: str


class BeforeQuestions(_Templates):
    """How the coach asks for a baseline: no known measure, a counted one, an amount."""

    unknown: str
    count: str
    amount: str


class CoachPhrases(_Strict):
    """prompts/phrases/story_coach.yaml."""

    additions: Additions
    before_questions: BeforeQuestions
    measures: list[str]
    counted: list[str]
    acronyms: list[str]

    @model_validator(mode="after")
    def _known_measures(self) -> CoachPhrases:
        if not self.measures or any(not m.strip() or m != m.lower() for m in self.measures):
            raise ValueError("measures: must be a non-empty list of lowercase names")
        for key in ("counted", "acronyms"):
            extra = sorted(set(getattr(self, key)) - set(self.measures))
            if extra:
                raise ValueError(f"{key}: {extra} are not in measures")
        return self


@lru_cache(maxsize=1)
def coach_phrases() -> CoachPhrases:
    """The coach's wording and measure names, loaded and validated once."""
    return load_phrases("story_coach", CoachPhrases)


@lru_cache(maxsize=1)
def _measures_longest_first() -> tuple[str, ...]:
    """The measure names, longest first (a stable sort keeps the file's order for ties)."""
    return tuple(sorted(coach_phrases().measures, key=len, reverse=True))


# --- STAR(L) split ------------------------------------------------------------------------


def split_star(text: str) -> dict[str, str]:
    """Split free text into STAR(L) fields with the grader (labelled lines are taken as given).

    The grader labels sentences (up to three per component); a sentence it leaves unlabelled
    joins the component of the sentence before it, because stories are told in order.
    """
    text = clean_field(text)
    out = dict.fromkeys(STAR_FIELDS, "")
    if not text:
        return out
    if _LABELLED_STAR.search(text):
        try:
            raw = parse_markdown("## x\n" + text, "<text>")[0].fields
        except StoryImportError:
            raw = {}
        found = {k: clean_field(v) for k, v in raw.items() if k in STAR_FIELDS and v}
        if found:
            lead = clean_field(raw.get("text") or "")
            if lead:
                found["situation"] = "\n".join(x for x in (lead, found.get("situation")) if x)
            out.update(found)
            return out
    grade = analyze(text)
    label_of: dict[str, str] = {}
    # A sentence can be evidence for two components ("At my last job I rewrote ..." is both
    # context and action); the more specific one wins, situation being the catch-all.
    for name in ("action", "result", "learning", "task", "situation"):
        if name not in COMPONENTS:
            continue
        for quote in grade.components[name].evidence:  # type: ignore[index]
            label_of.setdefault(quote, name)
    spans = split_sentences(text)
    labels: list[str | None] = [label_of.get(s.text) for s in spans]
    first = next((lab for lab in labels if lab), "situation")
    current = first
    parts: dict[str, list[str]] = {name: [] for name in STAR_FIELDS}
    for span, label in zip(spans, labels, strict=True):
        current = label or current
        parts[current].append(span.text)
    return {name: " ".join(parts[name]) for name in STAR_FIELDS}


# --- review -------------------------------------------------------------------------------


def measure_noun(text: str) -> str | None:
    """The first measure mentioned (longest names first), e.g. 'latency'."""
    low = text.lower()
    best: tuple[int, str] | None = None
    for noun in _measures_longest_first():
        m = re.search(rf"\b{re.escape(noun)}\b", low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), noun)
    return best[1] if best else None


def before_question(noun: str | None) -> str:
    """'what was the latency before?' / 'how many incidents were there before?'."""
    phrases = coach_phrases()
    asks = phrases.before_questions
    if noun is None:
        return asks.unknown
    shown = noun.upper() if noun in phrases.acronyms else noun
    if noun in phrases.counted:
        return asks.count.format(measure=shown)
    return asks.amount.format(measure=shown)


def story_grade(story: Story) -> tuple[Grade, dict[str, int], int, list[str]]:
    """Grade a story; explicit STAR(L) fields count as present even if the cues miss them."""
    grade = analyze(story.narrative)
    strengths = {name: grade.components[name].strength for name in STAR_FIELDS}
    measurability = grade.measurability.level
    metrics = list(grade.measurability.metrics)
    if story.structured and not ({"hypothetical", "non_answer"} & set(grade.flags)):
        for name in STAR_FIELDS:
            value = getattr(story, name)
            if value and strengths[name] == 0:
                words = len(value.split())
                strengths[name] = 2 if words >= 12 else 1
        if story.result:
            m = measure_result([story.result])
            if m.level > measurability:
                measurability, metrics = m.level, list(m.metrics)
    return grade, strengths, measurability, metrics


def _first_we_phrase(text: str) -> str | None:
    """A short 'we <verb> ...' quote to point at when ownership is collective."""
    m = re.search(r"\b[Ww]e\s+\w+(?:\s+\w+){0,3}", text)
    return m.group(0) if m else None


def review_story(story: Story, classifier: LPClassifier | None = None) -> StoryReview:
    """Grade a story (STAR(L), measurability, ownership) and list concrete additions."""
    grade, strengths, measurability, metrics = story_grade(story)
    components = {
        name: grade.components[name].model_copy(
            update={"present": strengths[name] > 0, "strength": strengths[name]}
        )
        for name in STAR_FIELDS
    }
    ownership = grade.ownership
    measure = grade.measurability.model_copy(update={"level": measurability, "metrics": metrics})
    overall = overall_from_parts(components, measure, ownership, grade.flags)  # type: ignore[arg-type]
    narrative = story.narrative
    flags = list(grade.flags)
    say = coach_phrases().additions
    gaps: list[str] = []
    additions: list[str] = []
    for flag in ("hypothetical", "non_answer"):
        if flag in flags:
            gaps.append(flag)
            additions.append(getattr(say, flag))
    if not gaps:
        result_text = story.result or " ".join(grade.components["result"].evidence)
        _part_advice(story, strengths, ownership.label, gaps, additions)
        _result_advice(strengths, measurability, result_text, narrative, gaps, additions)
        if not strengths["learning"]:
            gaps.append("learning")
            additions.append(say.learning)
    words = len(narrative.split())
    if words > TRIM_WORDS:
        additions.append(say.trim.format(words=words))
    suggested: list[str] = []
    if classifier is not None:
        suggested = _lp_advice(story, classifier, additions)
    return StoryReview(
        id=story.id,
        title=story.title,
        overall=overall,
        components=strengths,
        measurability=measurability,
        metrics=metrics,
        ownership=ownership.label,
        gaps=gaps,
        flags=flags,
        suggested_lps=suggested,
        additions=additions,
    )


def _part_advice(
    story: Story, strengths: dict[str, int], ownership: str, gaps: list[str], additions: list[str]
) -> None:
    """Gaps and additions for a missing situation, task or action, or 'we' actions."""
    say = coach_phrases().additions
    for name in ("situation", "task", "action"):
        if not strengths[name]:
            gaps.append(name)
            additions.append(getattr(say, name))
    if strengths["action"] and ownership == "we":
        gaps.append("ownership")
        quote = _first_we_phrase(story.action or story.narrative)
        example = say.ownership_example.format(quote=quote) if quote else ""
        additions.append(say.ownership.format(example=example))


def _result_advice(
    strengths: dict[str, int],
    measurability: int,
    result_text: str,
    narrative: str,
    gaps: list[str],
    additions: list[str],
) -> None:
    """Gaps and additions for a missing result, a result without a number, or half a number."""
    say = coach_phrases().additions
    noun = measure_noun(result_text) or measure_noun(narrative)
    if not strengths["result"]:
        gaps.append("result")
        change = say.result_change.format(measure=noun) if noun else ""
        additions.append(say.result.format(change=change))
    elif measurability <= 1:
        gaps.append("measurability")
        target = say.measure_target.format(measure=noun) if noun else say.unknown_target
        additions.append(say.measurability.format(target=target))
    elif measurability == 2:
        # Quantified but not the top level: say which half is missing (baseline, effect).
        joined = result_text or narrative
        before = len(additions)
        if not _HAS_BASELINE.search(joined):
            additions.append(say.baseline.format(question=before_question(noun)))
        if not _HAS_EFFECT.search(joined):
            additions.append(say.effect)
        if len(additions) > before:
            gaps.append("measurability")


def _lp_advice(story: Story, classifier: LPClassifier, additions: list[str]) -> list[str]:
    """The three LPs the story reads like; advice when its first tag is not among the top ones."""
    ranked = rank_lps(classifier, [story.narrative])[0]
    if story.lps and not set(story.lps) & set(ranked[:TAG_FIT_TOP]):
        principles = bundled_principles()
        tagged = principles[story.lps[0]]
        additions.append(
            coach_phrases().additions.retag.format(
                tagged=tagged.name,
                reads_like=principles[ranked[0]].name,
                signal=tagged.signals[0].rstrip(".").lower(),
            )
        )
    return ranked[:3]
