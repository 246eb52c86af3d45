"""One drill as a document a candidate can send to a mentor: title, set-up, debrief, transcript.

The Markdown here is the whole text of the report; `agents.ui.report_pdf` lays the same lines out
as a PDF and adds the charts at the places named in `Report.charts`. Wording:
`prompts/phrases/report.yaml`.
"""

from __future__ import annotations

import re
import time
import unicodedata
from functools import lru_cache
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, model_validator

from agents.drill.phrases import Text, debrief_phrases, fills
from agents.drill.state import Debrief, DrillState, Mode, Role, RoundType, TurnKind
from agents.drill.transcript import debrief_markdown
from agents.drill.voice_coach import state_timeline
from agents.lp.principles import load_principles
from agents.prompts import load_phrases

ChartKind = Literal["lp", "star", "trend", "progress"]


class ReportPhrases(BaseModel):
    """prompts/phrases/report.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, fills("role", "round", "signal", "date")]
    unfinished: Text
    setup: Annotated[str, fills("role", "round", "mode", "minutes")]
    started: Annotated[str, fills("started", "id")]
    debrief_heading: Text
    open_note: Text
    transcript_heading: Text
    interviewer: Text
    candidate: Text
    turn: Annotated[str, fills("who", "kind", "text")]
    date_format: Text
    time_format: Text
    roles: dict[str, Text]
    rounds: dict[str, Text]
    modes: dict[str, Text]
    kinds: dict[str, Text]
    replacements: dict[str, str]
    emoji: Annotated[str, fills("name")]

    @model_validator(mode="after")
    def _every_name(self) -> ReportPhrases:
        """A name for every role, round, mode and turn kind: no slug reaches the report."""
        for field, values in (("roles", Role), ("rounds", RoundType), ("modes", Mode),
                              ("kinds", TurnKind)):  # fmt: skip
            missing = sorted(set(get_args(values)) - set(getattr(self, field)))
            if missing:
                raise ValueError(f"{field}: missing {', '.join(missing)}")
        return self


@lru_cache(maxsize=1)
def report_phrases() -> ReportPhrases:
    """The report's wording."""
    return load_phrases("report", ReportPhrases)


class ChartSpot(BaseModel):
    """Where a chart goes: after the block that follows the Markdown line `after`."""

    kind: ChartKind
    after: str


class Report(BaseModel):
    """A drill as a shareable document: its title, its Markdown and where its charts go."""

    session_id: str
    user: str
    title: str
    markdown: str
    debrief: Debrief | None
    charts: list[ChartSpot]


def _is_emoji(ch: str) -> bool:
    """A pictograph (or skin-tone modifier) from the emoji planes: no embedded font draws it."""
    return ord(ch) >= 0x1F000 and unicodedata.category(ch) in ("So", "Sk")


def plain_text(text: str) -> str:
    """The report's words: comparison signs said in words, emoji in glyphs the font has."""
    words = report_phrases()
    for old in sorted(words.replacements, key=len, reverse=True):  # "✔️" before "\uFE0F"
        text = text.replace(old, words.replacements[old])

    def name(ch: str) -> str:
        if ch != "\n" and unicodedata.category(ch) == "Cc":  # tabs, carriage returns: a space
            return " "
        if not _is_emoji(ch):
            return ch
        return words.emoji.format(name=unicodedata.name(ch, "symbol").lower())

    return "".join(name(ch) for ch in text)


def _lp_name(slug: str | None) -> str:
    principles = load_principles()
    return principles[slug].name if slug and slug in principles else (slug or "")


def _title(state: DrillState) -> str:
    words = report_phrases()
    c = state.config
    signal = state.debrief.signal_label if state.debrief else words.unfinished
    return words.title.format(
        role=words.roles.get(c.role, c.role),
        round=words.rounds.get(c.round_type, c.round_type),
        signal=signal,
        date=time.strftime(words.date_format, time.localtime(state.started_at)),
    )


def _debrief_lines(debrief: Debrief | None) -> list[str]:
    """The debrief Markdown without its own title (the section heading already says it)."""
    words = report_phrases()
    if debrief is None:
        return [words.debrief_heading, "", words.open_note, ""]
    lines = debrief_markdown(debrief).splitlines()
    own_title = debrief_phrases().markdown.title
    if lines and lines[0].strip() == own_title.strip():
        lines = lines[1:]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return [words.debrief_heading, "", *lines, ""]


def _transcript_lines(state: DrillState) -> list[str]:
    words = report_phrases()
    lines = [words.transcript_heading, ""]
    for t in state.turns:
        if t.kind == "debrief":  # the debrief section above is the same text
            continue
        who = words.interviewer if t.role == "interviewer" else words.candidate
        kind = words.kinds.get(t.kind, t.kind)
        if t.lp:
            kind = f"{kind}, {_lp_name(t.lp)}"
        lines += [words.turn.format(who=who, kind=kind, text=t.text.strip()), ""]
    return lines


def _chart_spots(debrief: Debrief | None) -> list[ChartSpot]:
    """The charts this debrief has data for, each after the table or list it illustrates."""
    if debrief is None or not debrief.heatmap:
        return []
    md = debrief_phrases().markdown
    spots = [ChartSpot(kind="lp", after=md.per_lp_heading)]
    if any(row.status == "graded" for row in debrief.heatmap):
        spots.append(ChartSpot(kind="star", after=md.heatmap_heading))
    if debrief.trends.measurability:
        spots.append(ChartSpot(kind="trend", after=md.trends_heading))
        spots.append(ChartSpot(kind="progress", after=md.trends_heading))
    else:
        spots.append(ChartSpot(kind="progress", after=report_phrases().transcript_heading))
    return spots


def build_report(state: DrillState) -> Report:
    """The shareable report of one drill (finished or not)."""
    words = report_phrases()
    c = state.config
    title = _title(state)
    lines = [
        title,
        "",
        words.setup.format(
            role=words.roles.get(c.role, c.role),
            round=words.rounds.get(c.round_type, c.round_type),
            mode=words.modes.get(c.mode, c.mode),
            minutes=c.minutes,
        ),
        "",
        words.started.format(
            started=time.strftime(words.time_format, time.localtime(state.started_at)),
            id=state.id,
        ),
        "",
        *_debrief_lines(state.debrief),
        *state_timeline(state).strip().splitlines(),  # spoken answers: where the seconds went
        "",
        *_transcript_lines(state),
    ]
    markdown = plain_text(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n")
    return Report(
        session_id=state.id,
        user=state.user,
        title=plain_text(title.lstrip("# ").strip()),
        markdown=markdown,
        debrief=state.debrief,
        charts=[
            spot.model_copy(update={"after": plain_text(spot.after)})
            for spot in _chart_spots(state.debrief)
        ],
    )


def report_markdown(state: DrillState) -> str:
    """The report as Markdown (`barraiser report --md`, the Feedback tab's Markdown export)."""
    return build_report(state).markdown
