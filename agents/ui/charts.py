"""Matplotlib figures for the Feedback and Stories tabs (Agg backend: no display needed)."""

from __future__ import annotations

import math
import textwrap
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after use("Agg"): the backend must be chosen first

from agents.drill.wording import lp_name
from agents.grading.grade import COMPONENTS as STAR

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from agents.drill.sessions import ProgressPoint
    from agents.drill.state import Debrief
    from agents.stories import Coverage

DARK_CELL = 0.5  # a cell colour darker than this (relative luminance) gets white digits


def _wrap(label: str, width: int) -> str:
    """A label on as many lines as it needs, never cut."""
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=False)) or label


def digit_color(cmap: str, value: float, vmax: float = 3.0) -> str:
    """White digits on dark cells, black on light ones."""
    r, g, b, _a = plt.get_cmap(cmap)(value / vmax)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < DARK_CELL else "black"


def _cell_digits(ax: Any, data: list[list[int]], cmap: str, *, skip_zero: bool) -> None:
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            if v or not skip_zero:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                        color=digit_color(cmap, v))  # fmt: skip


def _empty(message: str) -> Figure:
    fig, ax = plt.subplots(figsize=(5, 2.2))
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555")
    return fig


def lp_bars(names: Sequence[str], scores: Sequence[float]) -> Figure:
    """Per-LP score (1-5) as horizontal bars: the honest shape for one or two principles."""
    fig, ax = plt.subplots(figsize=(5, 0.9 + 0.55 * len(names)))
    ax.barh(range(len(names)), scores, color="#1f6feb", height=0.55)
    ax.set_yticks(range(len(names)), [_wrap(n, 24) for n in names], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 5)
    ax.set_xticks([0, 1, 2, 3, 4, 5])
    for i, v in enumerate(scores):
        inside = v > 4.3  # no room to the right of a long bar: white label inside it
        ax.text(v - 0.08 if inside else v + 0.08, i, f"{v:g}/5", va="center", fontsize=8,
                ha="right" if inside else "left", color="white" if inside else "black")  # fmt: skip
    ax.set_title("Score per leadership principle (1-5)", fontsize=10)
    fig.tight_layout()
    return fig


def lp_radar(debrief: Debrief | None) -> Figure:
    """Per-LP score (1-5) on a radar, one axis per principle asked; bars below three principles."""
    if debrief is None or not debrief.per_lp:
        return _empty("Finish a drill to see your LP scores.")
    names = [s.name for s in debrief.per_lp]
    scores = [s.score for s in debrief.per_lp]
    if len(names) < 3:  # a radar needs three axes: padded with blanks it would mislead
        return lp_bars(names, scores)
    angles = [2 * math.pi * i / len(names) for i in range(len(names))]
    fig = plt.figure(figsize=(5, 4.2))
    ax = fig.add_subplot(projection="polar")
    ax.plot([*angles, angles[0]], [*scores, scores[0]], color="#1f6feb", linewidth=2)
    ax.fill([*angles, angles[0]], [*scores, scores[0]], color="#1f6feb", alpha=0.25)
    ax.set_xticks(angles, [_wrap(n, 18) for n in names], fontsize=8)
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_title("Score per leadership principle (1-5)", fontsize=10)
    fig.tight_layout()
    return fig


def star_completeness(debrief: Debrief | None) -> Figure:
    """A heatmap: one row per answer, one column per STAR(L) part, strength 0-3."""
    rows = [r for r in (debrief.heatmap if debrief else []) if r.status == "graded"]
    if not rows:
        return _empty("No graded answers yet.")
    data = [[r.cells.get(c, 0) for c in STAR] for r in rows]
    fig, ax = plt.subplots(figsize=(5.5, 0.9 + 0.55 * len(rows)))
    ax.imshow(data, cmap="Greens", vmin=0, vmax=3, aspect="auto")
    ax.set_xticks(range(len(STAR)), [c.title() for c in STAR], fontsize=8)
    labels = [_wrap(f"Q{r.index + 1} {lp_name(r.lp)}", 24) for r in rows]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    _cell_digits(ax, data, "Greens", skip_zero=False)
    ax.set_title("STAR(L) completeness per answer (0-3)", fontsize=10)
    fig.tight_layout()
    return fig


def drill_trend(debrief: Debrief | None) -> Figure:
    """Measurability (0-3) and first-person share of actions (0-100%) per answered question."""
    t = debrief.trends if debrief else None
    if t is None or not t.measurability:
        return _empty("No answered questions to show a trend.")
    x = list(range(1, len(t.measurability) + 1))
    fig, ax = plt.subplots(figsize=(5.5, 2.8))
    ax.plot(x, t.measurability, marker="o", label="measurability (0-3)")
    ax.set_ylim(0, 3.2)
    ax.set_yticks([0, 1, 2, 3])
    ax.set_xticks(x, [f"answer {i}" for i in x], fontsize=8)
    share = ax.twinx()
    share.plot(x, [v * 100 for v in t.ownership], marker="s", color="#d9822b",
               label="actions said with \"I\" (%)")  # fmt: skip
    share.set_ylim(0, 105)
    lines = ax.get_lines() + share.get_lines()
    ax.legend(lines, [str(line.get_label()) for line in lines], fontsize=7, loc="lower right")
    ax.set_title("During this drill", fontsize=10)
    fig.tight_layout()
    return fig


def trend_ticks(created: Sequence[float]) -> list[str]:
    """One distinct tick per session: its number, then its date and time."""
    return [f"#{n}\n{time.strftime('%m-%d %H:%M', time.localtime(t))}"
            for n, t in enumerate(created, 1)]  # fmt: skip


def progress_trend(points: Sequence[ProgressPoint]) -> Figure:
    """Overall score and measurability (left axis), ownership share of "I" (right) per session."""
    pts = [p for p in points if p.overall is not None]
    if not pts:
        return _empty("Your trend appears after your first graded drill.")
    x = list(range(1, len(pts) + 1))
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    ax.plot(x, [p.overall or 0 for p in pts], marker="^", label="overall score (1-5)")
    ax.plot(x, [p.measurability or 0 for p in pts], marker="o", label="measurability (0-3)")
    ax.set_ylim(0, 5.3)
    ax.set_ylabel("score", fontsize=8)
    right = ax.twinx()
    right.plot(x, [(p.ownership or 0) * 100 for p in pts], marker="s", color="#2ca02c",
               label='ownership: share of "I" (%, right axis)')  # fmt: skip
    right.set_ylim(0, 106)
    right.set_ylabel('share of "I" (%)', fontsize=8)
    ax.set_xticks(x, trend_ticks([p.created for p in pts]), fontsize=7)
    ax.set_xlim(0.5, len(pts) + 0.5)
    ax.set_xlabel("session", fontsize=8)
    handles = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], fontsize=7, loc="upper center",
              bbox_to_anchor=(0.5, -0.35), ncol=2, frameon=False)  # fmt: skip
    ax.set_title("Across your sessions", fontsize=10)
    fig.tight_layout()
    return fig


def coverage_heatmap(coverage: Coverage, names: dict[str, str]) -> Figure:
    """LP x story matrix of strength, the story bank's coverage at a glance."""
    stories = coverage.stories
    if not stories:
        return _empty("Import or add stories to see your LP coverage.")
    lps = coverage.lps
    data = [[coverage.matrix[lp].get(s["id"], 0) for s in stories] for lp in lps]
    fig, ax = plt.subplots(figsize=(max(5.5, 3.0 + 0.6 * len(stories)), 7))
    ax.imshow(data, cmap="Blues", vmin=0, vmax=3, aspect="auto")
    # Whole names, wrapped: a cut label ("Insist on the Highest Standa") reads as a typo.
    ax.set_yticks(range(len(lps)), [_wrap(names.get(lp, lp), 26) for lp in lps], fontsize=7)
    ax.set_xticks(
        range(len(stories)), [_wrap(s["title"], 16) for s in stories], fontsize=7, rotation=45,
        ha="right", rotation_mode="anchor",
    )  # fmt: skip
    _cell_digits(ax, data, "Blues", skip_zero=True)
    ax.set_title("LP coverage by story (strength 0-3)", fontsize=10)
    fig.tight_layout()
    return fig
