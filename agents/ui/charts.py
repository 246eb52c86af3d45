"""Matplotlib figures for the Feedback and Stories tabs (Agg backend: no display needed)."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after use("Agg"): the backend must be chosen first

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from agents.drill.sessions import ProgressPoint
    from agents.drill.state import Debrief
    from agents.stories import Coverage

STAR = ("situation", "task", "action", "result", "learning")


def _empty(message: str) -> Figure:
    fig, ax = plt.subplots(figsize=(5, 2.2))
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555")
    return fig


def lp_bars(names: Sequence[str], scores: Sequence[float]) -> Figure:
    """Per-LP score (1-5) as horizontal bars: the honest shape for one or two principles."""
    fig, ax = plt.subplots(figsize=(5, 0.9 + 0.55 * len(names)))
    ax.barh(range(len(names)), scores, color="#1f6feb", height=0.55)
    ax.set_yticks(range(len(names)), list(names), fontsize=8)
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
    ax.set_xticks(angles, [n[:22] for n in names], fontsize=8)
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
    fig, ax = plt.subplots(figsize=(5.5, 0.6 + 0.45 * len(rows)))
    ax.imshow(data, cmap="Greens", vmin=0, vmax=3, aspect="auto")
    ax.set_xticks(range(len(STAR)), [c.title() for c in STAR], fontsize=8)
    ax.set_yticks(range(len(rows)), [f"Q{r.index + 1} {r.lp}"[:26] for r in rows], fontsize=8)
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8)
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


def progress_trend(points: Sequence[ProgressPoint]) -> Figure:
    """Measurability (0-3) and I-share (0-1) per session over time."""
    pts = [p for p in points if p.overall is not None]
    if not pts:
        return _empty("Your trend appears after your first graded drill.")
    x = list(range(1, len(pts) + 1))
    fig, ax = plt.subplots(figsize=(5.5, 3))
    ax.plot(x, [p.measurability or 0 for p in pts], marker="o", label="measurability (0-3)")
    ax.plot(x, [(p.ownership or 0) * 3 for p in pts], marker="s", label="ownership: I-share x3")
    ax.plot(x, [(p.overall or 0) * 3 / 5 for p in pts], marker="^", label="overall (scaled)")
    ax.set_ylim(0, 3.2)
    ax.set_xticks(x, [time.strftime("%m-%d", time.localtime(p.created)) for p in pts], fontsize=8)
    ax.set_xlabel("session")
    ax.legend(fontsize=7, loc="lower right")
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
    fig, ax = plt.subplots(figsize=(max(5.0, 2.5 + 0.5 * len(stories)), 6))
    ax.imshow(data, cmap="Blues", vmin=0, vmax=3, aspect="auto")
    ax.set_yticks(range(len(lps)), [names.get(lp, lp)[:28] for lp in lps], fontsize=7)
    ax.set_xticks(
        range(len(stories)), [s["title"][:18] for s in stories], fontsize=7, rotation=60, ha="right"
    )
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7)
    ax.set_title("LP coverage by story (strength 0-3)", fontsize=10)
    fig.tight_layout()
    return fig
