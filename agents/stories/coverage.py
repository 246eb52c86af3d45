"""Coverage: the LP x story strength matrix, thin LPs, over-used stories and near-duplicates."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from agents.stories.coaching import TAG_FIT_TOP, review_story
from agents.stories.model import Encoders, Story, bundled_principles
from agents.stories.records import usage_of
from agents.stories.tagging import rank_lps
from agents.textutil import STRENGTH_CELLS

log = logging.getLogger("barraiser.stories")

# Story vectors (the mean of a story's window vectors) at least this similar are flagged as
# near-duplicates: the 42 distinct eval stories, on deliberately overlapping topics, peak at
# 0.65; a retitled, reworded or halved copy of a story scores 0.95-0.98.
DUPLICATE_COSINE = 0.85
# A story told in this many distinct sessions, and in at least twice as many as the user's
# median story, is over-used: interviewers notice the same story across LPs.
OVERUSE_MIN_SESSIONS = 3
STRONG = 3  # coverage cell strength that counts as a strong story for an LP
MIN_STRONG_PER_LP = 2


class DuplicatePair(BaseModel):
    """Two stories that say nearly the same thing."""

    a: str
    b: str
    title_a: str
    title_b: str
    similarity: float


class OverusedStory(BaseModel):
    """A story told in many drill sessions."""

    id: str
    title: str
    sessions: int
    uses: int


class Coverage(BaseModel):
    """The LP x story matrix (strength 0-3 per cell) and what it says."""

    lps: list[str]
    stories: list[dict[str, str]]  # [{"id", "title"}] in column order
    matrix: dict[str, dict[str, int]]  # lp -> story id -> strength
    strong_counts: dict[str, int]
    weak_lps: list[str]  # fewer than MIN_STRONG_PER_LP strong stories
    overused: list[OverusedStory]
    duplicates: list[DuplicatePair]
    notices: list[str] = Field(default_factory=list)

    def markdown(self) -> str:
        """The matrix as a Markdown table (LP rows, story columns) with the findings."""
        principles = bundled_principles()
        cols = [s["id"] for s in self.stories]
        lines = ["| LP | " + " | ".join(s["title"][:24] for s in self.stories) + " | strong |"]
        lines.append("|---|" + "---|" * (len(cols) + 1))
        for lp in self.lps:
            cells = [STRENGTH_CELLS[self.matrix[lp][c]] for c in cols]
            name = principles[lp].name if lp in principles else lp
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {self.strong_counts[lp]} |")
        out = ["\n".join(lines), ""]
        if self.weak_lps:
            names = ", ".join(principles[lp].name for lp in self.weak_lps if lp in principles)
            out.append(f"Fewer than {MIN_STRONG_PER_LP} strong stories: {names}")
        for o in self.overused:
            out.append(f"Over-used: {o.title} (told in {o.sessions} sessions)")
        for d in self.duplicates:
            out.append(f"Near-duplicates: {d.title_a} / {d.title_b} ({d.similarity:.2f})")
        return "\n".join(out)


def build_coverage(
    rows: Sequence[tuple[Story, Mapping[str, Any], Any]], encoders: Encoders
) -> Coverage:
    """Coverage of (story, record metadata, story vector) rows, in column order."""
    principles = bundled_principles()
    stories = [r[0] for r in rows]
    usage = {r[0].id: usage_of(r[1]) for r in rows}
    vectors = (
        np.array([r[2] for r in rows], dtype=np.float32)
        if rows
        else np.zeros((0, 1), dtype=np.float32)
    )
    lps = list(principles)
    notices: list[str] = []
    matrix = {lp: dict.fromkeys((s.id for s in stories), 0) for lp in lps}
    if stories:
        ranks = rank_lps(encoders.classifier, [s.narrative for s in stories], vectors)
        for s, ranked in zip(stories, ranks, strict=True):
            quality = _quality(s, notices)
            top = set(ranked[:TAG_FIT_TOP])
            for lp in s.lps:
                if lp in matrix:
                    # A tag the text does not support is capped below "strong".
                    matrix[lp][s.id] = quality if lp in top else min(quality, STRONG - 1)
    strong = {lp: sum(1 for v in matrix[lp].values() if v >= STRONG) for lp in lps}
    return Coverage(
        lps=lps,
        stories=[{"id": s.id, "title": s.title} for s in stories],
        matrix=matrix,
        strong_counts=strong,
        weak_lps=[lp for lp in lps if strong[lp] < MIN_STRONG_PER_LP],
        overused=overused(stories, usage),
        duplicates=duplicates(stories, vectors),
        notices=notices,
    )


def _quality(story: Story, notices: list[str]) -> int:
    """Cell strength 1-3 from the story's overall grade; 1 (and a notice) if it cannot be graded."""
    try:
        overall = review_story(story).overall
    # A stored story is rebuilt without validation, so odd field values fail as these; the
    # grade is one input and the matrix must still show.
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as e:
        log.warning("could not grade story %s for coverage", story.id, exc_info=True)
        notices.append(f"could not grade {story.title!r}: {e}")
        return 1
    return 3 if overall >= 4 else 2 if overall == 3 else 1


def overused(stories: Sequence[Story], usage: Mapping[str, tuple[int, int]]) -> list[OverusedStory]:
    """Stories told in >= OVERUSE_MIN_SESSIONS sessions and >= 2x the user's median."""
    if not stories:
        return []
    median = float(np.median([usage.get(s.id, (0, 0))[0] for s in stories]))
    out = []
    for s in stories:
        sessions, uses = usage.get(s.id, (0, 0))
        if sessions >= OVERUSE_MIN_SESSIONS and sessions >= 2 * median:
            out.append(OverusedStory(id=s.id, title=s.title, sessions=sessions, uses=uses))
    return sorted(out, key=lambda o: (-o.sessions, o.title))


def duplicates(stories: Sequence[Story], vectors: np.ndarray) -> list[DuplicatePair]:
    """Pairs of stories whose vectors are at least DUPLICATE_COSINE similar."""
    if len(stories) < 2:
        return []
    sims = vectors @ vectors.T
    out = []
    for i in range(len(stories)):
        for j in range(i + 1, len(stories)):
            if sims[i, j] >= DUPLICATE_COSINE:
                out.append(
                    DuplicatePair(
                        a=stories[i].id,
                        b=stories[j].id,
                        title_a=stories[i].title,
                        title_b=stories[j].title,
                        similarity=round(float(sims[i, j]), 4),
                    )
                )
    return sorted(out, key=lambda d: -d.similarity)
