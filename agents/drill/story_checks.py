"""Checks on the story being told: reuse (this drill or the story bank) and conflicting figures.

The story bank is optional: when it fails the failure is logged with its traceback and the drill
goes on without it (`STORY_SOURCE_ERRORS`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from agents.drill.context import STORY_SOURCE_ERRORS, DrillContext, StorySource, say
from agents.drill.intake import content_words
from agents.drill.phrases import interviewer_phrases
from agents.drill.policy import NOT_A_STORY
from agents.drill.state import DrillState, QuestionRecord
from agents.grading.grade import Grade
from agents.textutil import find_metrics, split_sentences

log = logging.getLogger("barraiser.interviewer")

# Session-internal story reuse: content-word Jaccard similarity of two first answers.
REUSE_JACCARD = 0.3
# Story-bank hit score (0-1) from which an answer counts as telling that stored story.
STORY_MATCH_SCORE = 0.5

_NUMBER_UNIT = re.compile(r"[$€£₹]?\s?(\d[\d,.]*)\s*(%|[A-Za-z]+)")
_NOT_UNITS = frozenset(
    {"to", "and", "in", "of", "from", "by", "per", "the", "a", "an", "at", "on", "or"}
)


# --- the story bank seam --------------------------------------------------------------------------


def hit_dict(hit: Any) -> dict[str, Any]:
    """A story-bank hit (object or mapping) as plain data."""

    def get(name: str, default: Any = None) -> Any:
        if isinstance(hit, dict):
            return hit.get(name, default)
        return getattr(hit, name, default)

    return {
        "id": str(get("id", "")),
        "title": str(get("title", "") or "untitled story"),
        "score": float(get("score", 0.0) or 0.0),
        "lps": list(get("lps", []) or []),
        "reason": str(get("reason", "") or ""),
        "text": get("text") or get("body") or None,
    }


def _story_text(stories: StorySource, user: str, story_id: str) -> str | None:
    """A stored story's text, when the source can return one (`get` is optional)."""
    getter = getattr(stories, "get", None)
    if getter is None:
        return None
    try:
        story = getter(user, story_id)
    except STORY_SOURCE_ERRORS:
        log.warning("story bank: reading story %s failed", story_id, exc_info=True)
        return None
    if story is None:
        return None
    if isinstance(story, dict):
        return story.get("text") or story.get("body")
    return getattr(story, "text", None) or getattr(story, "body", None)


def _search(stories: StorySource, user: str, text: str, k: int) -> list[Any] | None:
    """The bank's hits for a text, or None (logged) when the bank fails."""
    try:
        return list(stories.search(user, text, k=k))
    except STORY_SOURCE_ERRORS:
        log.warning("story bank: search failed; the drill goes on without it", exc_info=True)
        return None


def stored_story_for(
    stories: StorySource | None, user: str, lp: str, question: str
) -> dict[str, Any] | None:
    """The user's best stored story for a question (used by the debrief's suggestions)."""
    if stories is None:
        return None
    hits = _search(stories, user, question, 1)
    return hit_dict(hits[0]) if hits else None


def suggest_story(ctx: DrillContext, state: DrillState, q: QuestionRecord) -> None:
    """Retrieve the candidate's stored stories for this question; coach mode suggests one."""
    if ctx.stories is None:
        return
    try:
        hits = list(ctx.stories.search(state.user, q.question, k=3))
    except STORY_SOURCE_ERRORS as e:
        log.warning("story bank: search failed; the drill goes on without it", exc_info=True)
        state.notices.append(interviewer_phrases().notices.story_bank_unavailable.format(error=e))
        return
    q.story_hits = [hit_dict(h) for h in hits]
    if state.config.mode == "coach" and q.story_hits:
        best = q.story_hits[0]
        if best["score"] >= STORY_MATCH_SCORE:
            say(
                ctx,
                state,
                "feedback",
                interviewer_phrases().story_suggestion.format(title=best["title"]),
                lp=q.lp,
                meta={"scope": "suggestion", "story": best},
            )


# --- conflicting figures --------------------------------------------------------------------------


def _metric_pairs(text: str) -> list[tuple[str, str, str]]:
    """(value, unit, sentence) for quantities with a unit, to compare versions of a story."""
    out: list[tuple[str, str, str]] = []
    for span in split_sentences(text):
        sentence = span.text
        for metric in find_metrics(sentence):
            start = sentence.find(metric)
            if start < 0:
                continue
            # A metric can be a range ("from 2.1 seconds to 300" + "ms"): read every number in it
            # together with the unit that follows, looking a little past the metric's end.
            window = sentence[start : start + len(metric) + 12]
            for m in _NUMBER_UNIT.finditer(window):
                unit = m.group(2).lower()
                if unit not in _NOT_UNITS and (value := m.group(1).rstrip(".,")):
                    out.append((value, unit, sentence))
    return list(dict.fromkeys(out))


def inconsistencies(earlier: str, now: str) -> list[dict[str, str]]:
    """Same unit, different value, in two tellings of one story ("300 ms" then "500 ms")."""
    before = _metric_pairs(earlier)
    after = _metric_pairs(now)
    after_values = {v for v, _, _ in after}
    before_values = {v for v, _, _ in before}
    for value, unit, sentence in before:
        for value2, unit2, sentence2 in after:
            if (
                unit == unit2
                and value != value2
                and value not in after_values
                and value2 not in before_values
            ):
                return [
                    {
                        "unit": unit,
                        "earlier": value,
                        "now": value2,
                        "earlier_quote": _fragment(sentence, value),
                        "now_quote": _fragment(sentence2, value2),
                    }
                ]
    return []


def _fragment(sentence: str, anchor: str, words: int = 9) -> str:
    """A short verbatim fragment of the sentence around `anchor`."""
    tokens = sentence.split()
    idx = next((i for i, t in enumerate(tokens) if anchor in t), 0)
    start = max(0, idx - words // 2 - 2)
    return " ".join(tokens[start : start + words]).strip(" ,.;:")


def check_resume(state: DrillState, q: QuestionRecord, answer: str) -> None:
    """Note figures and roles in the answer that contradict the resume bullet it retells."""
    from agents.material.claims import ResumeLine, check_claims

    lines = [ResumeLine.model_validate(line) for line in state.config.resume_lines]
    for claim in check_claims(answer, lines):
        note = claim.model_dump()
        if note not in q.claims:
            q.claims.append(note)


# --- reuse --------------------------------------------------------------------------------------


def _story_core(grade: Grade) -> str:
    """The sentences that identify a story: what was done and what came of it (situation
    sentences are left out because run-on preambles land there and match across stories)."""
    return " ".join(e for name in ("action", "result") for e in grade.components[name].evidence)


def jaccard(a: str, b: str) -> float:
    """Content-word Jaccard similarity of two texts (0 when either has none)."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def _is_story(grade: Grade | None) -> bool:
    return grade is not None and not (NOT_A_STORY & set(grade.flags))


def _reused_in_session(state: DrillState, q: QuestionRecord, index: int, answer: str) -> None:
    """The same story as an earlier question's first answer: note it and compare the figures."""
    assert q.first_grade is not None
    mine = _story_core(q.first_grade)
    for i, other in enumerate(state.questions[:index]):
        if not _is_story(other.first_grade):
            continue
        assert other.first_grade is not None
        if jaccard(_story_core(other.first_grade), mine) >= REUSE_JACCARD:
            q.reused_from = i
            q.flag("story_reused")
            found = inconsistencies(" ".join(other.answers), answer)
            for inc in found:
                inc["source"] = "session"
            q.inconsistencies.extend(found)
            return


def _matches_bank(
    stories: StorySource, state: DrillState, q: QuestionRecord, index: int, answer: str
) -> None:
    """A stored story told again: record the use, note reuse, compare with the saved figures."""
    hits = _search(stories, state.user, answer, 1)
    if not hits:
        return
    best = hit_dict(hits[0])
    if best["score"] < STORY_MATCH_SCORE:
        return
    q.story_id = best["id"]
    for i, other in enumerate(state.questions[:index]):
        if other.story_id == q.story_id and q.reused_from is None:
            q.reused_from = i
            q.flag("story_reused")
    try:
        stories.record_use(state.user, best["id"], state.id)
    except STORY_SOURCE_ERRORS:  # bookkeeping only: never stop the drill for it
        log.warning("story bank: recording the use of %s failed", best["id"], exc_info=True)
    stored = best.get("text") or _story_text(stories, state.user, best["id"])
    if stored and not q.inconsistencies:
        found = inconsistencies(stored, answer)
        for inc in found:
            inc["source"] = "bank"
        q.inconsistencies.extend(found)


def check_story(ctx: DrillContext, state: DrillState, q: QuestionRecord, answer: str) -> None:
    """Notice a reused story (this session or the bank) and conflicting figures."""
    index = state.questions.index(q)
    if not _is_story(q.first_grade):
        return
    if state.config.resume_lines:
        check_resume(state, q, answer)
    _reused_in_session(state, q, index, answer)
    if ctx.stories is not None:
        _matches_bank(ctx.stories, state, q, index, answer)
