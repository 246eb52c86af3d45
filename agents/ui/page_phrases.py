"""What the Drill page says around the interview, loaded from `prompts/phrases/page.yaml`."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict

from agents.drill.phrases import fills
from agents.prompts import load_phrases

Text = Annotated[str, fills()]
Count = Annotated[str, fills("n")]


class PagePhrases(BaseModel):
    """prompts/phrases/page.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    press_start: Text
    empty_answer: Text
    drill_over: Text
    no_prompts: Text
    confirm_replace: Annotated[str, fills("answered", "asked", "ago")]
    confirm_yes: Text
    confirm_no: Text
    just_now: Text
    minutes_ago: Count
    hours_ago: Count
    days_ago: Count
    summary_pointer: Text
    debrief_pointer: Text
    summary_heading: Text
    summary_empty: Text
    card_first: Text
    card_new_question: Text
    card_interview: Text
    card_long: Annotated[str, fills("words", "count")]
    card_clipped: Annotated[str, fills("count")]
    status_open: Text
    status_abandoned: Text
    status_stale: Text
    feedback_abandoned: Text


@lru_cache(maxsize=1)
def page_phrases() -> PagePhrases:
    """prompts/phrases/page.yaml, validated once per process."""
    return load_phrases("page", PagePhrases)


def ago(seconds: float) -> str:
    """'5 minutes ago' in plain words."""
    p = page_phrases()
    minutes = int(seconds // 60)
    if minutes < 1:
        return p.just_now
    if minutes < 120:
        return p.minutes_ago.format(n=minutes)
    if minutes < 48 * 60:
        return p.hours_ago.format(n=minutes // 60)
    return p.days_ago.format(n=minutes // (24 * 60))
