"""The coach-mode grade card as HTML: STAR(L) parts, measurability, ownership, gaps, the next
probe, and the answer with each part's evidence quotes highlighted (all text escaped)."""

from __future__ import annotations

import html
from typing import Any

from agents.drill.wording import gap_names, ownership_words
from agents.grading.grade import COMPONENTS as STAR

MARK_COLORS = {
    "situation": "#dbeafe",
    "task": "#ede9fe",
    "action": "#dcfce7",
    "result": "#fef9c3",
    "learning": "#fce7f3",
}


def highlight(answer: str, evidence: dict[str, list[str]]) -> str:
    """The answer as HTML with each component's evidence quotes marked (all text escaped).

    A sentence that is evidence for two parts ("I rewrote it, which cut errors 60%") carries
    both classes; overlapping but different quotes keep the first one found.
    """
    spans: dict[tuple[int, int], list[str]] = {}
    for name, quotes in evidence.items():
        for q in quotes:
            i = answer.find(q)
            if i < 0:
                continue
            key = (i, i + len(q))
            if key in spans:
                spans[key].append(name)
            elif not any(a < key[1] and key[0] < b for a, b in spans):
                spans[key] = [name]
    out, pos = [], 0
    for (start, end), names in sorted(spans.items()):
        out.append(html.escape(answer[pos:start]))
        classes = " ".join(f"ev-{n}" for n in names)
        out.append(
            f'<mark class="{classes}" title="{", ".join(names)}" '
            f'style="background:{MARK_COLORS[names[0]]}">{html.escape(answer[start:end])}</mark>'
        )
        pos = end
    out.append(html.escape(answer[pos:]))
    return "".join(out)


def card_html(g: Any, answer: str, next_probe: str | None = None, notice: str | None = None) -> str:
    """The card for one graded answer (`g` is the grader's Grade): `next_probe` is the probe the
    interviewer actually asked (none once it moved on); `notice` goes first (e.g. a cut answer)."""
    evidence = {c: g.components[c].evidence for c in STAR if g.components[c].present}
    rows = "".join(
        f"<tr><td><span style='background:{MARK_COLORS[c]};padding:0 4px'>{c.title()}</span></td>"
        f"<td>{'present' if g.components[c].present else 'missing'}</td>"
        f"<td>{'●' * g.components[c].strength}{'○' * (3 - g.components[c].strength)}</td></tr>"
        for c in STAR
    )
    metrics = ", ".join(html.escape(m) for m in g.measurability.metrics) or "none stated"
    gaps = html.escape(gap_names(g.gaps)) or "none"
    who = html.escape(ownership_words(g.ownership.label, g.ownership.i_share))
    top = f"<p class='card-notice' id='card-notice'>{html.escape(notice)}</p>" if notice else ""
    probe = f"<p><b>Next probe</b>: {html.escape(next_probe)}</p>" if next_probe else ""
    missing = getattr(g, "missing_demand", None)
    off_topic = (
        f"<p class='off-topic'><b>Off topic</b>: the question asked for "
        f"{html.escape(missing.replace('_', ' '))}, and this story does not show it.</p>"
        if missing
        else ""
    )
    return (
        f"<div id='grade-card'>{top}<h4>Grade card — overall {g.overall}/5</h4>{off_topic}"
        f"<table>{rows}</table>"
        f"<p><b>Measurability</b> {g.measurability.level}/3 (metrics: {metrics}) · "
        f"<b>Ownership</b> {who} · <b>Gaps</b> {gaps}</p>"
        f"{probe}"
        f"<div class='answer-evidence'>{highlight(answer, evidence)}</div></div>"
    )
