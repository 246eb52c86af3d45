"""The Feedback tab's trend of spoken answers across sessions: where each answer's seconds went
(per STAR(L) part) and its delivery (words per minute, fillers, long pauses)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after use("Agg"): the backend must be chosen first
from pydantic import BaseModel

from agents.grading.grade import COMPONENTS as PARTS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from agents.drill.sessions import ProgressPoint

# Plain names for the legend (the Feedback tab speaks to the candidate, not to a developer).
PART_NAMES = {
    "situation": "situation",
    "task": "task",
    "action": "what you did",
    "result": "result",
    "learning": "what you learned",
}
COLORS = {"situation": "#9ecae1", "task": "#6baed6", "action": "#2171b5", "result": "#31a354",
          "learning": "#fd8d3c"}  # fmt: skip
EMPTY = "Your spoken answers appear here after a drill in voice interview mode."


class SpokenTrendRow(BaseModel):
    """One spoken answer on the trend."""

    label: str  # the session's date and time, and the answer's number in it
    seconds: dict[str, float]  # per STAR(L) part
    wpm: float
    fillers: int
    long_pauses: int


def spoken_trend_rows(points: Sequence[ProgressPoint]) -> list[SpokenTrendRow]:
    """Every spoken answer of every session, oldest first."""
    rows: list[SpokenTrendRow] = []
    for p in points:
        when = time.strftime("%m-%d %H:%M", time.localtime(p.created))
        for n, answer in enumerate(p.spoken, 1):
            star = answer.get("star_seconds") or {}
            rows.append(
                SpokenTrendRow(
                    label=f"{when}\nanswer {n}",
                    seconds={part: round(float(star.get(part, 0.0)), 1) for part in PARTS},
                    wpm=round(float(answer.get("wpm", 0.0))),
                    fillers=int(answer.get("fillers", 0)),
                    long_pauses=int(answer.get("pauses", 0)),
                )
            )
    return rows


def spoken_trend(points: Sequence[ProgressPoint]) -> Figure:
    """Stacked seconds per STAR(L) part per spoken answer, and words per minute with fillers
    and long pauses below, across sessions."""
    rows = spoken_trend_rows(points)
    if not rows:
        fig, ax = plt.subplots(figsize=(5, 2.2))
        ax.axis("off")
        ax.text(0.5, 0.5, EMPTY, ha="center", va="center", fontsize=10, color="#555", wrap=True)
        return fig
    x = list(range(1, len(rows) + 1))
    fig, (top, low) = plt.subplots(2, 1, figsize=(6.5, 5.2), sharex=True, layout="constrained",
                                   gridspec_kw={"height_ratios": [3, 2]})  # fmt: skip
    bottom = [0.0] * len(rows)
    for part in PARTS:
        values = [r.seconds[part] for r in rows]
        top.bar(x, values, bottom=bottom, color=COLORS[part], label=PART_NAMES[part])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    top.set_ylabel("seconds", fontsize=8)
    top.set_title("Where the seconds of your spoken answers went", fontsize=10, loc="left")
    top.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    low.plot(x, [r.wpm for r in rows], marker="o", color="#444", label="words per minute")
    low.set_ylabel("words per minute", fontsize=8)
    low.set_ylim(0, max(200.0, max(r.wpm for r in rows) * 1.15))
    counts = low.twinx()
    counts.plot(x, [r.fillers for r in rows], marker="s", color="#d62728", label="fillers")
    counts.plot(x, [r.long_pauses for r in rows], marker="^", color="#9467bd",
                label="long pauses")  # fmt: skip
    counts.set_ylabel("count (right axis)", fontsize=8)
    counts.set_ylim(0, max(5, *(r.fillers for r in rows), *(r.long_pauses for r in rows)) + 1)
    lines = low.get_lines() + counts.get_lines()
    low.legend(lines, [str(line.get_label()) for line in lines], fontsize=7, loc="upper left",
               bbox_to_anchor=(1.15, 1.0), frameon=False)  # fmt: skip
    low.set_xticks(x, [r.label for r in rows], fontsize=7)
    low.set_xlim(0.4, len(rows) + 0.6)
    return fig
