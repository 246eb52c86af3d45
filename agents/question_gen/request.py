"""What to generate and what comes back: the request, the prompt model, and input normalisers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.lp.principles import THEMES, resolve_lp
from agents.lp.vocabulary import (
    CORE_THEMES,
    LEVEL_ALIASES,
    LEVEL_LABELS,
    LEVELS,
    ROLE_ALIASES,
    ROLE_FAMILIES,
    ROLE_LABELS,
)

__all__ = [
    "CORE_THEMES",
    "LEVELS",
    "LEVEL_LABELS",
    "MAX_N",
    "ROLE_FAMILIES",
    "ROLE_LABELS",
    "GeneratedPrompt",
    "PromptBatch",
    "PromptRequest",
    "normalise_level",
    "normalise_role_family",
    "normalise_theme",
]

# The literal types follow the vocabulary file, so a level added there is accepted here too.
Level = Literal[LEVELS]  # type: ignore[valid-type]
RoleFamily = Literal[ROLE_FAMILIES]  # type: ignore[valid-type]
Source = Literal["offline", "llm"]

MAX_N = 200


def normalise_level(value: str) -> str:
    """Map "SDE II", "sde-2", "L5" or "senior" to one of LEVELS."""
    key = re.sub(r"[\s_\-]+", "", value.strip().lower())
    for alias, level in LEVEL_ALIASES.items():
        if key == re.sub(r"[\s_\-]+", "", alias):
            return level
    raise ValueError(f"unknown level {value!r}; use one of {', '.join(LEVELS)}")


def normalise_role_family(value: str) -> str:
    """Map "SWE", "product" or "data scientist" to one of ROLE_FAMILIES."""
    key = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    if key in ROLE_ALIASES:
        return ROLE_ALIASES[key]
    raise ValueError(f"unknown role family {value!r}; use one of {', '.join(ROLE_FAMILIES)}")


def normalise_theme(value: str) -> str:
    """Map "trade offs", "Raising the bar" or "tradeoffs" to a THEMES entry."""
    key = re.sub(r"[^a-z]+", "", value.lower())
    for theme in THEMES:
        if key == re.sub(r"[^a-z]+", "", theme):
            return theme
    raise ValueError(f"unknown theme {value!r}; use one of {', '.join(THEMES)}")


def _unique(value: Any, normalise: Any) -> Any:
    """Normalise a string or list of strings, dropping repeats and keeping order."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return value
    out: list[str] = []
    for item in value:
        name = normalise(str(item))
        if name not in out:
            out.append(name)
    return out


class PromptRequest(BaseModel):
    """What to generate: LPs, level, role family, themes, how many, and optional context."""

    model_config = ConfigDict(extra="forbid")

    lps: list[str] = Field(default_factory=list)
    level: Level = "sde2"
    role_family: RoleFamily = "sde"
    themes: list[str] = Field(default_factory=list)
    n: int = Field(default=10, ge=1, le=MAX_N)
    # A job description or the candidate's own stories; prompts lean towards its gaps.
    context: str | None = Field(default=None, max_length=50_000)
    # Prompts the user has already practised: never regenerated, nor near-duplicates of them.
    practised: list[str] = Field(default_factory=list)
    seed: int | None = None

    @field_validator("lps", mode="before")
    @classmethod
    def _lps(cls, value: Any) -> Any:
        """Accept slugs, underscores and names; drop repeats, keep order."""
        # resolve_lp's error is a ValueError too, which pydantic reports as this field's error.
        return _unique(value, resolve_lp)

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        """Accept level aliases."""
        return normalise_level(value) if isinstance(value, str) else value

    @field_validator("role_family", mode="before")
    @classmethod
    def _role(cls, value: Any) -> Any:
        """Accept role-family aliases."""
        return normalise_role_family(value) if isinstance(value, str) else value

    @field_validator("themes", mode="before")
    @classmethod
    def _themes(cls, value: Any) -> Any:
        """Accept theme spellings; drop repeats."""
        return _unique(value, normalise_theme)


class GeneratedPrompt(BaseModel):
    """One generated behavioral prompt with what a strong answer shows and follow-up probes."""

    text: str
    lps: list[str] = Field(min_length=1)
    level: Level
    role_family: RoleFamily
    theme: str | None = None
    strong_answer_shows: list[str] = Field(min_length=1)
    probes: list[str] = Field(min_length=2, max_length=3)
    source: Source


class PromptBatch(list[GeneratedPrompt]):
    """The generated prompts (a list) plus notices for the user and filter statistics."""

    def __init__(self, items: Iterable[GeneratedPrompt] = ()) -> None:
        super().__init__(items)
        self.notices: list[str] = []
        self.stats: Counter[str] = Counter()
        self.seconds: float = 0.0
