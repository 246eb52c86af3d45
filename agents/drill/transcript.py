"""The drill as documents: the JSON transcript, the Markdown transcript and the Markdown debrief.

Wording: `prompts/phrases/transcript.yaml` and the `markdown` section of `debrief.yaml`.
"""

from __future__ import annotations

import time
from typing import Any

from agents.drill.debrief import build_debrief
from agents.drill.phrases import debrief_phrases, transcript_phrases
from agents.drill.state import Debrief, DrillState, Trends, Turn
from agents.drill.voice_coach import state_timeline
from agents.drill.wording import (
    direction_name,
    lp_name,
    mode_name,
    ownership_words,
    role_name,
    round_name,
    status_name,
)
from agents.grading.grade import COMPONENTS
from agents.lp.demands import load_demands
from agents.lp.principles import load_principles
from agents.textutil import STRENGTH_CELLS

TRANSCRIPT_KINDS = ("question", "probe", "clarification", "feedback", "debrief")


def transcript_kind(turn: Turn) -> str:
    """Map a turn onto the five transcript kinds.

    Interviewer: question/probe/feedback/debrief as they are; greeting, notices and every
    process remark (repeats, clarifications, handling of off-topic or abusive replies) are
    `clarification`. Candidate: an answer takes the kind of what it answers (`question` or
    `probe`); a control request (skip, repeat, clarify, pause, end) is `clarification`.
    """
    if turn.role == "interviewer":
        return turn.kind if turn.kind in TRANSCRIPT_KINDS else "clarification"
    if turn.kind == "control":
        return "clarification"
    return "probe" if turn.meta.get("reply_to") == "probe" else "question"


def transcript_json(state: DrillState) -> dict[str, Any]:
    """The `barraiser drill --transcript` schema: {"turns": [...], "debrief": {...}}."""
    return {
        "turns": [
            {
                "role": t.role,
                "kind": transcript_kind(t),
                "text": t.text,
                "lp": t.lp,
                "grade": t.grade,
                **({"voice": t.meta["voice"]} if "voice" in t.meta else {}),
            }
            for t in state.turns
        ],
        "debrief": state.debrief.model_dump(mode="json") if state.debrief else {},
    }


def transcript_markdown(state: DrillState) -> str:
    """The whole drill as Markdown: set-up, transcript, then the debrief."""
    words = transcript_phrases()
    c = state.config
    started = time.strftime("%Y-%m-%d %H:%M", time.localtime(state.started_at))
    lines = [
        words.title.format(id=state.id),
        "",
        words.setup.format(
            role=role_name(c.role),
            round_type=round_name(c.round_type),
            mode=mode_name(c.mode),
            minutes=c.minutes,
        ),
        words.started.format(started=started),
        words.status.format(status=status_name(state.status)),
        "",
        words.transcript_heading,
        "",
    ]
    for t in state.turns:
        if t.kind == "debrief":
            continue
        who = words.interviewer if t.role == "interviewer" else words.candidate
        kind = f"{t.kind.replace('_', ' ')}{', ' + lp_name(t.lp) if t.lp else ''}"
        lines += [words.turn.format(who=who, kind=kind, text=t.text), ""]
    if state.debrief is not None:
        debrief = debrief_markdown(state.debrief) + state_timeline(state)
        lines += [words.debrief_heading, "", debrief]
    return "\n".join(lines).rstrip() + "\n"


def _heatmap_lines(debrief: Debrief) -> list[str]:
    """The STAR(L) heatmap table, one row per question reached."""
    md = debrief_phrases().markdown
    lines = ["", md.heatmap_heading, "", *md.heatmap_table]
    for row in debrief.heatmap:
        if row.status != "graded":
            lines.append(
                md.heatmap_row_ungraded.format(
                    number=row.index + 1, lp=lp_name(row.lp), status=status_name(row.status)
                )
            )
            continue
        lines.append(
            md.heatmap_row.format(
                number=row.index + 1,
                lp=lp_name(row.lp),
                cells=" | ".join(STRENGTH_CELLS[row.cells[n]] for n in COMPONENTS),
                measurability=row.measurability,
                ownership=ownership_words(row.ownership, row.i_share, short=True),
                share=round(row.i_share * 100),
                score=row.score,
            )
        )
    return lines


def _trend_lines(t: Trends) -> list[str]:
    """Measurability and ownership across the drill, and what probing drew out."""
    if not t.measurability:
        return []
    md = debrief_phrases().markdown
    measurability = " → ".join(str(v) for v in t.measurability)
    ownership = " → ".join(f"{round(v * 100)}%" for v in t.ownership)
    lines = [
        "",
        md.trends_heading,
        "",
        md.measurability_trend.format(
            values=measurability, direction=direction_name(t.measurability_direction)
        ),
        md.ownership_trend.format(
            values=ownership, direction=direction_name(t.ownership_direction)
        ),
    ]
    if t.probe_uplift:
        lines.append(md.probe_uplift.format(uplift=f"{t.probe_uplift:+}"))
    return lines


def _advice_lines(debrief: Debrief) -> list[str]:
    """Top improvements with quotes, stories to prepare, and the conduct notes."""
    md = debrief_phrases().markdown
    lines: list[str] = []
    if debrief.improvements:
        lines += ["", md.improvements_heading, ""]
        for n, imp in enumerate(debrief.improvements, 1):
            lines.append(md.improvement.format(number=n, title=imp.title, advice=imp.advice))
            lines += [md.improvement_quote.format(quote=quote) for quote in imp.quotes]
    if debrief.suggested_stories:
        lines += ["", md.stories_heading, ""]
        for s in debrief.suggested_stories:
            polish = md.story_polish.format(title=s.story_title) if s.story_title else ""
            lines.append(
                md.story.format(name=s.name, prompt=s.prompt, reason=s.reason, polish=polish)
            )
    if debrief.conduct:
        notes = ", ".join(
            md.conduct_item.format(name=k.replace("_", " "), count=v)
            for k, v in sorted(debrief.conduct.items())
        )
        lines += ["", md.conduct.format(notes=notes)]
    return lines


def not_answered_lines(debrief: Debrief) -> list[str]:
    """The questions whose story did not answer them, each with what it asked for."""
    if not debrief.not_answered:
        return []
    md = debrief_phrases().markdown
    demands = load_demands()
    lines = ["", md.not_answered_heading, ""]
    for item in debrief.not_answered:
        demand = demands.get(str(item["missing_demand"]))
        ask = demand.ask if demand else str(item["missing_demand"]).replace("_", " ")
        number = int(item["index"]) + 1
        lines.append(md.not_answered.format(number=number, question=item["question"], ask=ask))
    return lines


def debrief_markdown(debrief: Debrief) -> str:
    """The debrief as Markdown: signal, per-LP scores, heatmap, trends, improvements, stories."""
    md = debrief_phrases().markdown
    lines = [md.title, ""]
    if not debrief.heatmap:
        lines.append(md.no_answers)
        return "\n".join(lines)
    lines.append(
        md.overall.format(
            label=debrief.signal_label,
            mean=debrief.mean_score,
            count=len(debrief.heatmap),
            lowest=debrief.lowest_score,
        )
    )
    lines += not_answered_lines(debrief)
    lines += ["", md.rule.format(rule=debrief.rule), "", md.per_lp_heading, "", *md.per_lp_table]
    lines += [
        md.per_lp_row.format(name=s.name, score=s.score, questions=s.questions)
        for s in debrief.per_lp
    ]
    lines += _heatmap_lines(debrief) + _trend_lines(debrief.trends) + _advice_lines(debrief)
    if debrief.claim_notes:
        from agents.material.phrases import material_phrases

        heading = material_phrases().claims_heading
        lines += ["", heading, "", *(f"- {note}" for note in debrief.claim_notes)]
    return "\n".join(lines)


def debrief_text(state: DrillState) -> str:
    """The end-of-drill summary as Markdown (computed now if the drill has not finished)."""
    debrief = state.debrief or build_debrief(state, load_principles())
    return debrief_markdown(debrief) + state_timeline(state)
