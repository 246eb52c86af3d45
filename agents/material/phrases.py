"""The material sentences (`prompts/phrases/material.yaml`), loaded and validated once."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from agents.prompts import load_phrases


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MissingPrompts(_Strict):
    """What to ask for each STAR(L) part a seed does not tell yet."""

    situation: str
    task: str
    action: str
    result: str
    learning: str


class ClaimPhrases(_Strict):
    """Debrief notes for a figure or role that contradicts another version."""

    resume: str
    bank: str
    session: str
    role: str


class CoverageWords(_Strict):
    """How well the bank covers an LP, in words."""

    none: str
    weak: str
    ok: str


class MaterialPhrases(_Strict):
    """Every sentence the material features say to the candidate."""

    missing: MissingPrompts
    claims: ClaimPhrases
    claims_heading: str
    tailored_ending: str
    tailored_role_ending: str
    tailored_reason: str
    coverage_words: CoverageWords
    seeds_heading: str
    seeds_none: str
    seed_line: str
    transcript_imported: str
    transcript_empty: str
    resume_saved: str
    story_saved: str
    seed_feedback_heading: str
    seed_feedback_present: str
    seed_feedback_missing: str
    seed_feedback_follow_up: str
    job_practice_ready: str
    job_practice_no_resume: str
    seed_pick: str


@lru_cache(maxsize=1)
def material_phrases() -> MaterialPhrases:
    """The validated phrases file."""
    return load_phrases("material", MaterialPhrases)
