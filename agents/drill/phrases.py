"""Every sentence the deterministic interviewer says, loaded from `prompts/phrases/*.yaml`.

Each file is validated on first use by a pydantic model (through `agents.prompts.load_phrases`):
unknown or missing keys, empty lists, probes without a question mark and `{placeholders}` the
code does not fill all fail with the file and the key at fault (`PhraseDataError`).
"""

from __future__ import annotations

from functools import lru_cache
from string import Formatter
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from agents.grading.grade import COMPONENTS
from agents.prompts import load_phrases


def _placeholders(text: str) -> set[str]:
    """The `{names}` a template uses."""
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def fills(*names: str) -> AfterValidator:
    """A check that a template is not empty and uses only the placeholders the code fills in."""

    def check(text: str) -> str:
        if not text:
            raise ValueError("must not be empty")
        try:
            used = _placeholders(text)
        except ValueError as e:  # an unmatched "{" or "}"
            raise ValueError(f"malformed placeholder: {e}") from e
        unknown = sorted(used - set(names))
        if unknown:
            allowed = ", ".join("{" + n + "}" for n in names) or "none"
            raise ValueError(f"unknown placeholder(s) {unknown}; allowed here: {allowed}")
        return text

    return AfterValidator(check)


def _question(text: str) -> str:
    """Probes end with a question mark: the UI and the candidate both expect a question."""
    if not text.rstrip().endswith("?"):
        raise ValueError("a probe must end with '?'")
    return text


Text = Annotated[str, fills()]
ProbeCheck = AfterValidator(_question)
NonEmpty = Field(min_length=1)
Probe = Annotated[str, fills(), ProbeCheck]
Options = Annotated[list[Text], NonEmpty]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- interviewer.yaml ---------------------------------------------------------------------------


class OutOfTime(_Strict):
    """Said when the drill's time runs out."""

    before_question: Text
    after_answer: Text


class Notices(_Strict):
    """System notices said as turns or kept in the drill's notices."""

    finished: Text
    not_saved: Annotated[str, fills("error")]
    long_answer: Annotated[str, fills("size", "words", "kept")]
    long_answer_chars: Annotated[str, fills("count")]
    long_answer_words: Annotated[str, fills("count")]
    long_answer_kept: Annotated[str, fills("count")]
    llm_fallback: Text
    story_bank_unavailable: Annotated[str, fills("error")]


class ControlReplies(_Strict):
    """Replies to skip, end, repeat and pause."""

    skip: Text
    end: Text
    repeat: Annotated[str, fills("prompt")]
    pause: Options


class Clarify(_Strict):
    """Restating the scope of a question or probe."""

    probe: Annotated[str, fills("probe")]
    question: Annotated[str, fills("lp_name", "question")]


class NonAnswers(_Strict):
    """Polite replies to gibberish, other languages, abuse, injection and off-topic replies."""

    restate_probe: Annotated[str, fills("probe")]
    restate_question: Annotated[str, fills("question")]
    gibberish: Annotated[str, fills("restate")]
    language: Annotated[str, fills("restate")]
    abuse: Annotated[str, fills("restate")]
    injection: Annotated[str, fills("restate")]
    question_back: Annotated[str, fills("restate")]
    off_topic: Annotated[str, fills("restate")]
    move_on_answered: Text
    move_on_unanswered: Text
    abuse_end: Text


class InterviewerPhrases(_Strict):
    """prompts/phrases/interviewer.yaml."""

    greetings: Annotated[list[Annotated[str, fills("n", "minutes")]], NonEmpty]
    controls_hint: Text
    transitions: Options
    out_of_time: OutOfTime
    notices: Notices
    resume: Annotated[str, fills("prompt")]
    story_suggestion: Annotated[str, fills("title")]
    controls: ControlReplies
    clarify: Clarify
    glossary: dict[str, Text]
    non_answers: NonAnswers

    @field_validator("glossary")
    @classmethod
    def _lower_case_terms(cls, value: dict[str, str]) -> dict[str, str]:
        """Terms are matched inside the lower-cased word the candidate asked about."""
        upper = [term for term in value if term != term.lower()]
        if upper:
            raise ValueError(f"terms must be lower case: {upper}")
        return value


# --- probes.yaml --------------------------------------------------------------------------------


class CoachNotes(_Strict):
    """Coach-mode notes shown above a probe."""

    deep_dive: Text
    gap: Annotated[str, fills("label")]


class ConsistencyWhere(_Strict):
    """Where the earlier figure was said."""

    bank: Text
    session: Text


class ProbePhrases(_Strict):
    """prompts/phrases/probes.yaml."""

    bank: dict[str, Annotated[list[Probe], NonEmpty]]
    quoted: dict[str, Annotated[list[Annotated[str, fills("quote"), ProbeCheck]], NonEmpty]]
    consistency: Annotated[
        list[Annotated[str, fills("Where", "where", "earlier", "now"), ProbeCheck]], NonEmpty
    ]
    consistency_where: ConsistencyWhere
    deep_dive_order: Options
    deep_dives: dict[str, Annotated[list[Probe], NonEmpty]]
    # "" is a valid acknowledgement (none at all), so no `fills` check on emptiness here.
    acknowledgements: Annotated[list[str], NonEmpty]
    gap_labels: dict[str, Text]
    coach_notes: CoachNotes
    llm_goals: dict[str, Text]
    llm_goal_deep_dive: Text

    @model_validator(mode="after")
    def _known_deep_dives(self) -> ProbePhrases:
        """Every deep-dive category in the order exists ("lp" is the principle's own probes)."""
        unknown = [c for c in self.deep_dive_order if c != "lp" and c not in self.deep_dives]
        if unknown:
            raise ValueError(f"deep_dive_order names categories without deep_dives: {unknown}")
        return self


# --- feedback.yaml ------------------------------------------------------------------------------


class Card(_Strict):
    """The STAR(L) card shown after each question in coach mode."""

    title: Annotated[str, fills("overall")]
    component: Annotated[str, fills("mark", "name", "quote")]
    present: Text
    missing: Text
    quote: Annotated[str, fills("text")]
    measurability: Annotated[str, fills("level", "metrics")]
    no_metrics: Text
    ownership: Annotated[str, fills("label", "share")]
    flags: Annotated[str, fills("flags")]
    biggest_gap: Annotated[str, fills("gap")]


class Coach(_Strict):
    """The rest of the coach's feedback on a question."""

    lifted: Annotated[str, fills("first", "final")]
    reused: Annotated[str, fills("number")]
    stronger_heading: Text


class StrongerAnswer(_Strict):
    """Placeholders and hints of the stronger answer."""

    not_a_story: Text
    placeholders: dict[str, Text]
    line: Annotated[str, fills("label", "evidence")]
    we_hint: Text
    unmeasured_hint: Text
    baseline_hint: Text

    @model_validator(mode="after")
    def _one_per_component(self) -> StrongerAnswer:
        """One placeholder per STAR(L) component, in STAR(L) order (the answer's order)."""
        if tuple(self.placeholders) != COMPONENTS:
            raise ValueError(f"placeholders must be exactly {', '.join(COMPONENTS)}, in order")
        return self


class FeedbackPhrases(_Strict):
    """prompts/phrases/feedback.yaml."""

    card: Card
    coach: Coach
    stronger_answer: StrongerAnswer


# --- debrief.yaml -------------------------------------------------------------------------------


class Advice(_Strict):
    """One improvement: a title and a line of advice."""

    title: Text
    advice: Text


class Volunteer(_Strict):
    """How a gap filled only when probed is worded."""

    title: Annotated[str, fills("title")]
    advice: Annotated[str, fills("advice")]


class StoryReasons(_Strict):
    """Why a story is suggested."""

    skipped: Text
    reused: Text
    low_score: Annotated[str, fills("score")]
    off_topic: Annotated[str, fills("ask")]
    not_covered: Text


class DebriefMarkdown(_Strict):
    """The debrief's Markdown wording."""

    title: Text
    no_answers: Text
    overall: Annotated[str, fills("label", "mean", "count", "lowest")]
    rule: Annotated[str, fills("rule")]
    not_answered_heading: Text
    not_answered: Annotated[str, fills("number", "question", "ask")]
    per_lp_heading: Text
    per_lp_table: Options
    per_lp_row: Annotated[str, fills("name", "score", "questions")]
    heatmap_heading: Text
    heatmap_table: Options
    heatmap_row: Annotated[
        str, fills("number", "lp", "cells", "measurability", "ownership", "share", "score")
    ]
    heatmap_row_ungraded: Annotated[str, fills("number", "lp", "status")]
    trends_heading: Text
    measurability_trend: Annotated[str, fills("values", "direction")]
    ownership_trend: Annotated[str, fills("values", "direction")]
    probe_uplift: Annotated[str, fills("uplift")]
    improvements_heading: Text
    improvement: Annotated[str, fills("number", "title", "advice")]
    improvement_quote: Annotated[str, fills("quote")]
    stories_heading: Text
    story: Annotated[str, fills("name", "prompt", "reason", "polish")]
    story_polish: Annotated[str, fills("title")]
    conduct: Annotated[str, fills("notes")]
    conduct_item: Annotated[str, fills("name", "count")]


class SignalLabels(_Strict):
    """How each hiring signal is named."""

    strong: Text
    inclined: Text
    not_inclined: Text


class DebriefPhrases(_Strict):
    """prompts/phrases/debrief.yaml."""

    signal_rule: Text
    signal_labels: SignalLabels
    improvements: dict[str, Advice]
    volunteer: Volunteer
    story_reasons: StoryReasons
    markdown: DebriefMarkdown


# --- transcript.yaml ----------------------------------------------------------------------------


class TranscriptPhrases(_Strict):
    """prompts/phrases/transcript.yaml."""

    title: Annotated[str, fills("id")]
    setup: Annotated[str, fills("role", "round_type", "mode", "minutes")]
    started: Annotated[str, fills("started")]
    status: Annotated[str, fills("status")]
    transcript_heading: Text
    interviewer: Text
    candidate: Text
    turn: Annotated[str, fills("who", "kind", "text")]
    debrief_heading: Text


# --- loading (once per process) -------------------------------------------------------------


@lru_cache(maxsize=1)
def interviewer_phrases() -> InterviewerPhrases:
    """The conversation's own sentences (greetings, controls, notices, clarifications)."""
    return load_phrases("interviewer", InterviewerPhrases)


@lru_cache(maxsize=1)
def probe_phrases() -> ProbePhrases:
    """Probes, deep dives, gap labels and coach notes."""
    return load_phrases("probes", ProbePhrases)


@lru_cache(maxsize=1)
def feedback_phrases() -> FeedbackPhrases:
    """The STAR(L) card and the stronger answer."""
    return load_phrases("feedback", FeedbackPhrases)


@lru_cache(maxsize=1)
def debrief_phrases() -> DebriefPhrases:
    """The debrief's signal wording, improvements and Markdown."""
    return load_phrases("debrief", DebriefPhrases)


@lru_cache(maxsize=1)
def transcript_phrases() -> TranscriptPhrases:
    """The Markdown transcript's wording."""
    return load_phrases("transcript", TranscriptPhrases)
