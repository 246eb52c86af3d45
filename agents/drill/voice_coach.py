"""Where the seconds of each spoken answer went, in words: the coach line and the timeline bar.

Works on the plain `star_seconds` dict a spoken answer carries on its drill turn
(`turn.meta["voice"]`), so the drill never needs the voice package.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.drill.phrases import fills
from agents.drill.state import DrillState
from agents.grading.analyzer import prepare
from agents.grading.grade import COMPONENTS as PARTS
from agents.grading.learned import learned_sentences
from agents.grading.roles_model import load_model
from agents.prompts import load_phrases

LETTERS = {"situation": "S", "task": "T", "action": "A", "result": "R", "learning": "L"}
BAR_WIDTH = 40
FLIP_RATIO = 1.25


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_Times = fills("total", "context", "situation", "task", "action", "result", "learning")


class CoachPhrases(_Strict):
    """The one-line verdict on how an answer's time was spent."""

    flip: Annotated[str, _Times]
    no_result: Annotated[str, _Times]
    no_action: Annotated[str, _Times]
    short_result: Annotated[str, _Times]
    balanced: Annotated[str, _Times]


class TimelinePhrases(_Strict):
    """The debrief's timeline section."""

    heading: Annotated[str, fills()]
    row: Annotated[str, fills("n", "bar", "parts", "coach")]
    legend: Annotated[str, fills("step")]
    delivery: Annotated[str, fills("wpm", "fillers", "pauses")]
    across: Annotated[str, fills("seconds", "action_share")]


class InterviewPhrases(_Strict):
    """The voice interview's state labels and notices."""

    listening: Annotated[str, fills()]
    thinking: Annotated[str, fills()]
    speaking: Annotated[str, fills()]
    idle: Annotated[str, fills()]
    not_caught: Annotated[str, fills()]
    no_microphone: Annotated[str, fills()]


class Cues(_Strict):
    """End-of-answer cues: closing phrases and hesitations (regular expressions)."""

    closing: list[str] = Field(min_length=1)
    hesitation: list[str] = Field(min_length=1)
    commands: dict[Literal["repeat", "skip", "end"], str]

    @field_validator("closing", "hesitation", "commands")
    @classmethod
    def _compiles(cls, patterns: list[str] | dict[str, str]) -> list[str] | dict[str, str]:
        for p in patterns.values() if isinstance(patterns, dict) else patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(f"bad pattern {p!r}: {e}") from e
        return patterns


class VoicePhrases(_Strict):
    """prompts/phrases/voice.yaml."""

    coach: CoachPhrases
    timeline: TimelinePhrases
    interview: InterviewPhrases
    cues: Cues


@lru_cache(maxsize=1)
def voice_phrases() -> VoicePhrases:
    """The timing coach's and the voice interview's sentences."""
    return load_phrases("voice", VoicePhrases)


def clock(seconds: float) -> str:
    """1:10 from a minute up, else 25 s."""
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}" if s >= 60 else f"{s} s"


def coach_line(star: Mapping[str, float]) -> str:
    """One plain sentence on where the answer's seconds went and what to change."""
    words = voice_phrases().coach
    total = sum(star.get(p, 0.0) for p in PARTS)
    context = star.get("situation", 0.0) + star.get("task", 0.0)
    values = {p: clock(star.get(p, 0.0)) for p in PARTS}
    values.update(total=clock(total), context=clock(context))
    # The example is 70 s of context to 25 s of action; a little more context than
    # action is normal in a short answer, so flip only when it clearly dominates.
    if context > FLIP_RATIO * star.get("action", 0.0):
        return words.flip.format(**values)
    if star.get("result", 0.0) <= 0.0:
        return words.no_result.format(**values)
    if star.get("action", 0.0) <= 0.0:
        return words.no_action.format(**values)
    if star.get("result", 0.0) < 0.1 * total:
        return words.short_result.format(**values)
    return words.balanced.format(**values)


def timeline_bar(star: Mapping[str, float], width: int = BAR_WIDTH) -> str:
    """A text bar: one letter per slice of time, in STAR(L) order (widths by largest remainder)."""
    total = sum(star.get(p, 0.0) for p in PARTS)
    if total <= 0:
        return "·" * width
    exact = {p: width * star.get(p, 0.0) / total for p in PARTS}
    cells = {p: int(v) for p, v in exact.items()}
    for p in sorted(PARTS, key=lambda p: -(exact[p] - cells[p]))[: width - sum(cells.values())]:
        cells[p] += 1
    return "".join(LETTERS[p] * cells[p] for p in PARTS)


def spoken_answers(state: DrillState) -> list[dict[str, Any]]:
    """The voice measurements of every spoken candidate answer, in order."""
    return [
        t.meta["voice"]
        for t in state.turns
        if t.role == "candidate" and isinstance(t.meta.get("voice"), dict)
    ]


def timeline_markdown(answers: Sequence[Mapping[str, Any]]) -> str:
    """The debrief's "where the seconds went" section ('' when nothing was spoken)."""
    if not answers:
        return ""
    words = voice_phrases().timeline
    lines = [words.heading, ""]
    for n, answer in enumerate(answers, 1):
        star = answer.get("star_seconds") or {}
        parts = ", ".join(f"{LETTERS[p]} {clock(star.get(p, 0.0))}" for p in PARTS)
        bar = timeline_bar(star)
        lines.append(words.row.format(n=n, bar=bar, parts=parts, coach=coach_line(star)))
        lines.append(
            words.delivery.format(
                wpm=round(float(answer.get("wpm", 0.0))),
                fillers=sum((answer.get("fillers") or {}).values()),
                pauses=len(answer.get("pauses") or []),
            )
        )
    spoken = sum(sum((a.get("star_seconds") or {}).values()) for a in answers)
    action = sum((a.get("star_seconds") or {}).get("action", 0.0) for a in answers)
    step = f"{spoken / len(answers) / BAR_WIDTH:.1f} s"
    share = round(100 * action / spoken) if spoken else 0
    lines += ["", words.across.format(seconds=clock(spoken), action_share=share)]
    lines.append(words.legend.format(step=step))
    return "\n".join(lines)


def state_timeline(state: DrillState) -> str:
    """The timeline section for a drill, with a blank line before it ('' when none)."""
    text = timeline_markdown(spoken_answers(state))
    return f"\n\n{text}" if text else ""


def sentence_roles(answer: str) -> list[tuple[str, str | None]]:
    """The grader's sentence roles for an answer: (sentence, STAR(L) part or None), in order."""
    prepared = prepare(answer)
    if not prepared.gradable:
        return [(s.text, None) for s in prepared.spans]
    sentences, _ = learned_sentences(prepared.spans, load_model())
    return [(s.text, s.label) for s in sentences]


def _matches(patterns: Sequence[str], text: str) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


def answer_tail(text: str) -> str:
    """How an answer sounds at a pause: `hesitating`, `finished`, `mid_story` or `unknown`.

    Finished: a closing phrase, or the last sentence is a result or a lesson by the grader's
    roles and a result has been told; mid-story: the last sentence sets the scene or acts.
    """
    cues = voice_phrases().cues
    text = text.strip()
    if not text:
        return "unknown"
    if _matches(cues.hesitation, text):
        return "hesitating"
    if _matches(cues.closing, text):
        return "finished"
    roles = [r for _, r in sentence_roles(text)]
    last = next((r for r in reversed(roles) if r), None)
    if last in ("result", "learning") and "result" in roles:
        return "finished"
    if last in ("situation", "task", "action"):
        return "mid_story"
    return "unknown"


def spoken_command(text: str) -> str | None:
    """`repeat`, `skip` or `end` when the whole utterance is that command, else None."""
    for name, pattern in voice_phrases().cues.commands.items():
        if re.search(pattern, text.strip(), re.IGNORECASE):
            return name
    return None
