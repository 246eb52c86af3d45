"""The page's own sentences (hints, guides, button labels) from `prompts/phrases/ui.yaml`."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from agents.prompts import load_phrases


class UiPhrases(BaseModel):
    """prompts/phrases/ui.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stories_import_hint: str = Field(min_length=1)
    stories_find_label: str = Field(min_length=1)
    stories_find_button: str = Field(min_length=1)
    stories_find_hit: str = Field(min_length=1)
    stories_none_fit: str = Field(min_length=1)
    stories_none_fit_prepare: str = Field(min_length=1)
    status_model_heading: str = Field(min_length=1)
    status_model_offline: str = Field(min_length=1)
    status_model_online: str = Field(min_length=1)


@lru_cache(maxsize=1)
def ui_phrases() -> UiPhrases:
    """The wording file, loaded and validated once."""
    return load_phrases("ui", UiPhrases)
