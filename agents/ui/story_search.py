"""How story-search hits read on the page (and, without Markdown, on the command line)."""

from __future__ import annotations

from collections.abc import Sequence

from agents.stories import StoryHit, demand_prepare, none_fits
from agents.ui.texts import ui_phrases


def none_fit_notice(hits: Sequence[StoryHit]) -> str | None:
    """The warning when even the best story is unlikely to answer the question (with what to
    prepare when the question clearly asks for something); None when a story fits."""
    if not hits or not none_fits(hits):
        return None
    phrases = ui_phrases()
    asked = hits[0].asked_demand
    if asked:
        return phrases.stories_none_fit_prepare.format(prepare=demand_prepare(asked))
    return phrases.stories_none_fit


def hits_markdown(hits: Sequence[StoryHit]) -> str:
    """The hits, best first, each with how likely it answers the question and why."""
    phrases = ui_phrases()
    lines = [
        phrases.stories_find_hit.format(rank=i, title=h.title, percent=f"{h.probability:.0%}",
                                        reason=h.reason)
        for i, h in enumerate(hits, 1)
    ]  # fmt: skip
    notice = none_fit_notice(hits)
    return "\n".join([notice, *lines] if notice else lines)
