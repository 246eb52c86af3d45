"""The grade's data model and its documented rules: overall, ranked gaps and the follow-up.

The spec (also in README): components situation/task/action/result/learning with `present`,
`strength` 0-3 and verbatim `evidence`; measurability 0-3 (only numbers in the result count);
ownership `i` / `we` / `none`; overall 1-5 by `overall_from_parts` (never a free model number);
gaps ranked by `GAP_PRIORITY`; one follow-up aimed at the top gap (phrasings in
`prompts/phrases/grader_follow_ups.yaml`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

from agents.prompts import load_phrases

ComponentName = Literal["situation", "task", "action", "result", "learning"]
COMPONENTS: tuple[ComponentName, ...] = ("situation", "task", "action", "result", "learning")
GAP_PRIORITY: tuple[str, ...] = (
    "hypothetical",
    "non_answer",
    "action",
    "ownership",
    "result",
    "measurability",
    "situation",
    "task",
    "learning",
)
# Answers longer than this are graded on a bounded window (about ten spoken minutes).
MAX_GRADED_WORDS = 1500
TOO_LONG_WORDS = 700


class Component(BaseModel):
    """One STAR(L) component: presence, strength 0-3, verbatim evidence."""

    present: bool = False
    strength: int = Field(default=0, ge=0, le=3)
    evidence: list[str] = Field(default_factory=list)


class Measurability(BaseModel):
    """How measurable the result is (0-3) and the quantities found in it."""

    level: int = Field(default=0, ge=0, le=3)
    metrics: list[str] = Field(default_factory=list)


class Ownership(BaseModel):
    """Whose actions these are: `i`, `we` or `none`, and the first-person-singular share."""

    label: Literal["i", "we", "none"] = "none"
    i_share: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: list[str] = Field(default_factory=list)


class Grade(BaseModel):
    """The grade of one answer (or one whole question exchange)."""

    components: dict[ComponentName, Component]
    measurability: Measurability
    ownership: Ownership
    overall: int = Field(ge=1, le=5)
    gaps: list[str]
    follow_up: str
    flags: list[str] = Field(default_factory=list)
    # The demand the question asked for and the answer lacks (set with the `off_topic` flag).
    missing_demand: str | None = None
    backend: str = "offline"
    notice: str | None = None

    @property
    def top_gap(self) -> str:
        """The highest-priority gap, or `none`."""
        return self.gaps[0] if self.gaps else "none"

    def public_dict(self, answer_id: str | None = None) -> dict[str, object]:
        """The stable `barraiser grade` JSON schema (see README)."""
        out: dict[str, object] = {} if answer_id is None else {"id": answer_id}
        out.update(
            {
                "components": {
                    name: {"present": c.present, "strength": c.strength, "evidence": c.evidence}
                    for name, c in self.components.items()
                },
                "measurability": self.measurability.model_dump(),
                "ownership": {"label": self.ownership.label, "i_share": self.ownership.i_share},
                "overall": self.overall,
                "gaps": self.gaps,
                "follow_up": self.follow_up,
                "flags": self.flags,
                "missing_demand": self.missing_demand,
            }
        )
        return out


def overall_from_parts(
    components: dict[ComponentName, Component],
    measurability: Measurability,
    ownership: Ownership,
    flags: Sequence[str],
) -> int:
    """The documented rule: points out of 7 mapped onto 1-5.

    action 2 (own) or 1 (collective only); result 1; measurability 1 (quantified) or 2 (with
    baseline and effect); situation and task together 1; learning 1. overall = 1 + round(4p/7).
    Hypothetical and non-answers score 1.
    """
    if "hypothetical" in flags or "non_answer" in flags:
        return 1
    points = 0
    if components["action"].present:
        points += 2 if ownership.label == "i" else 1
    if components["result"].present:
        points += 1
    points += {2: 1, 3: 2}.get(measurability.level, 0)
    if components["situation"].present and components["task"].present:
        points += 1
    if components["learning"].present:
        points += 1
    return 1 + int(4 * points / 7 + 0.5)


def rank_gaps(
    components: dict[ComponentName, Component],
    measurability: Measurability,
    ownership: Ownership,
    flags: Sequence[str],
) -> list[str]:
    """Gaps in the fixed priority order `GAP_PRIORITY`."""
    gaps: list[str] = []
    if "hypothetical" in flags:
        gaps.append("hypothetical")
    if "non_answer" in flags:
        gaps.append("non_answer")
    if gaps:
        return gaps
    if not components["action"].present:
        gaps.append("action")
    elif ownership.label == "we":
        gaps.append("ownership")
    if not components["result"].present:
        gaps.append("result")
    elif measurability.level <= 1:
        gaps.append("measurability")
    for name in ("situation", "task", "learning"):
        if not components[name].present:
            gaps.append(name)
    return gaps


@lru_cache(maxsize=1)
def follow_ups() -> dict[str, tuple[str, ...]]:
    """The probe phrasings per gap, from `prompts/phrases/grader_follow_ups.yaml`."""
    raw = load_phrases("grader_follow_ups", dict[str, list[str]], key="follow_ups")
    return {gap: tuple(options) for gap, options in raw.items()}


FOLLOW_UPS: dict[str, tuple[str, ...]] = follow_ups()


def follow_up_for(gap: str, seed: str = "", avoid: Iterable[str] = ()) -> str:
    """A phrasing of the probe for `gap`, varied by `seed` and never one in `avoid`."""
    options = FOLLOW_UPS.get(gap, FOLLOW_UPS["none"])
    used = set(avoid)
    start = int(hashlib.sha1(seed.encode("utf-8")).hexdigest(), 16) % len(options)
    for k in range(len(options)):
        candidate = options[(start + k) % len(options)]
        if candidate not in used:
            return candidate
    return options[start]


def apply_rules(
    components: dict[ComponentName, Component],
    measurability: Measurability,
    ownership: Ownership,
    flags: list[str],
    seed: str,
    avoid_follow_ups: Iterable[str],
    backend: str = "offline",
    notice: str | None = None,
) -> Grade:
    """Apply the documented rules: overall, ranked gaps and the follow-up."""
    gaps = rank_gaps(components, measurability, ownership, flags)
    overall = overall_from_parts(components, measurability, ownership, flags)
    follow_up = follow_up_for(gaps[0] if gaps else "none", seed, avoid_follow_ups)
    return Grade(
        components=components,
        measurability=measurability,
        ownership=ownership,
        overall=overall,
        gaps=gaps,
        follow_up=follow_up,
        flags=flags,
        backend=backend,
        notice=notice,
    )
