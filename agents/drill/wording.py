"""Plain words for the candidate in place of internal values: role and round names, statuses,
signals, flags, LP names for slugs and the ownership label. Wording:
`prompts/phrases/wording.yaml`."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.drill.phrases import fills, probe_phrases
from agents.lp.principles import load_principles
from agents.prompts import load_phrases


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OwnershipLevel(_Strict):
    """Words for an "I" share of at least `at_least`."""

    at_least: float = Field(ge=0.0, le=1.0)
    words: Annotated[str, fills()]


class WordingPhrases(_Strict):
    """prompts/phrases/wording.yaml."""

    roles: dict[str, str]
    rounds: dict[str, str]
    modes: dict[str, str]
    statuses: dict[str, str]
    signals: dict[str, str]
    directions: dict[str, str]
    flags: dict[str, str]
    ownership_levels: list[OwnershipLevel] = Field(min_length=1)
    ownership_none: Annotated[str, fills()]
    ownership: Annotated[str, fills("who", "share")]
    ownership_short: Annotated[str, fills("who", "share")]

    @field_validator("ownership_levels")
    @classmethod
    def _highest_first(cls, levels: list[OwnershipLevel]) -> list[OwnershipLevel]:
        """The first level a share reaches names it, so they must go from high to low to 0."""
        bounds = [lv.at_least for lv in levels]
        if bounds != sorted(bounds, reverse=True) or bounds[-1] != 0.0:
            raise ValueError("list the levels from the highest `at_least` down to 0.0")
        return levels


@lru_cache(maxsize=1)
def wording() -> WordingPhrases:
    """The wording file, loaded and validated once."""
    return load_phrases("wording", WordingPhrases)


def _plain(value: str) -> str:
    return value.replace("_", " ")


def _lookup(table: dict[str, str], value: str | None) -> str:
    value = value or ""
    return table.get(value, _plain(value))


def role_name(role: str | None) -> str:
    """'sde2' -> 'SDE II'."""
    return _lookup(wording().roles, role)


def round_name(round_type: str | None) -> str:
    """'bar_raiser' -> 'Bar raiser'."""
    return _lookup(wording().rounds, round_type)


def mode_name(mode: str | None) -> str:
    """'coach' -> 'Coach'."""
    return _lookup(wording().modes, mode)


def status_name(status: str | None) -> str:
    """'no_answer' -> 'no answer', 'done' -> 'finished'."""
    return _lookup(wording().statuses, status)


def signal_name(signal: str | None) -> str:
    """'not_inclined' -> 'Not inclined'."""
    return _lookup(wording().signals, signal)


def direction_name(direction: str | None) -> str:
    """A trend's direction in words."""
    return _lookup(wording().directions, direction)


def flag_names(flags: list[str]) -> str:
    """Grader flags as a comma-separated phrase ('too_long' -> 'very long answer')."""
    return ", ".join(_lookup(wording().flags, f) for f in flags)


@lru_cache(maxsize=1)
def _lp_names() -> dict[str, str]:
    return {slug: p.name for slug, p in load_principles().items()}


def lp_name(slug: str | None) -> str:
    """'have-backbone' -> 'Have Backbone; Disagree and Commit' (unknown slugs pass through)."""
    slug = slug or ""
    return _lp_names().get(slug, slug)


def lp_names(slugs: list[str]) -> str:
    """Several LP slugs as their names, comma-separated."""
    return ", ".join(lp_name(s) for s in slugs)


def ownership_label(label: str) -> str:
    """A label alone ('i', 'we', 'none') in words, when no share is known."""
    w = wording()
    if label == "i":
        return w.ownership_levels[0].words
    return w.ownership_levels[-1].words if label == "we" else w.ownership_none


def ownership_words(label: str, i_share: float, *, short: bool = False) -> str:
    """'i', 0.75 -> 'mostly you (75% of your action sentences say "I")'."""
    w = wording()
    if label == "none":
        return w.ownership_none
    who = next((lv.words for lv in w.ownership_levels if i_share >= lv.at_least),
               w.ownership_levels[-1].words)  # fmt: skip
    template = w.ownership_short if short else w.ownership
    return template.format(who=who, share=round(i_share * 100))


def gap_name(gap: str) -> str:
    """A grader gap in words ('measurability' -> 'a measurable result')."""
    return probe_phrases().gap_labels.get(gap, _plain(gap))


def gap_names(gaps: list[str]) -> str:
    """Several gaps in words, comma-separated."""
    return ", ".join(gap_name(g) for g in gaps)
