"""A story's Chroma records: one `story` record (the story as JSON, its search terms, the question
demands it contains, its drill history) and `chunk` records (its title and windows of sentences),
each with its own vector.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from agents.stories.demand_index import encode_story_demands, story_demand_probs
from agents.stories.errors import StoryBankError
from agents.stories.model import MAX_EMBED_CHARS, MAX_TEXT_CHARS, Story, fingerprint
from agents.textutil import split_sentences

SCHEMA_VERSION = 2
# Stories are searched through their title and windows of this many sentences (see
# `story_chunks`); at most MAX_CHUNKS windows per story, so a very long story uses wider ones.
WINDOW_SENTENCES = 2
MAX_CHUNKS = 40
MAX_SESSIONS_KEPT = 100  # drill sessions remembered per story


def story_terms(story: Story) -> dict[str, int]:
    """Stemmed content-word counts of a story, for the keyword half of the ranking."""
    from agents.lp.cues import stems

    # Every word is counted (stop words too): BM25's length normalisation wants true lengths;
    # stop words are dropped from the question instead.
    counts: dict[str, int] = {}
    for word in stems(f"{story.title} {story.narrative}"[:MAX_TEXT_CHARS]):
        counts[word] = counts.get(word, 0) + 1
    return counts


def story_chunks(story: Story) -> list[str]:
    """The texts embedded for a story: its title, then windows of WINDOW_SENTENCES sentences.

    Questions are one sentence; a 200-word story vector is an average of many topics, so a
    question is compared with each window and the best window speaks for the story.
    """
    # Single newlines are hard wraps (Markdown files), not sentence ends; blank lines stay.
    narrative = re.sub(r"(?<!\n)\n(?!\n)", " ", story.narrative)
    sentences = [s.text for s in split_sentences(narrative)]
    window = max(WINDOW_SENTENCES, math.ceil(len(sentences) / (MAX_CHUNKS - 1)))
    chunks = [story.title]
    for start in range(0, len(sentences), window):
        chunks.append(" ".join(sentences[start : start + window])[:MAX_EMBED_CHARS])
    return chunks


def story_from_meta(meta: Mapping[str, Any]) -> Story:
    """Rebuild a Story from a story record's metadata."""
    try:
        data = json.loads(str(meta["payload"]))
        data["use_count"] = int(meta.get("use_count", 0) or 0)
        # Payloads were validated when written; re-validating (NFC, LP lookups) on every
        # search would cost more than the whole query budget.
        return Story.model_construct(**{k: data[k] for k in Story.model_fields if k in data})
    except (KeyError, TypeError, ValueError) as e:
        raise StoryBankError(f"a stored story is unreadable: {e}") from e


def story_metadata(
    story: Story, previous: Mapping[str, Any] | None, demands: str | None = None
) -> dict[str, Any]:
    """A story record's metadata: owner, payload, search terms, demands (see `demand_index`);
    use history carried over."""
    meta: dict[str, Any] = {
        "user": story.user,
        "kind": "story",
        "story_id": story.id,
        "schema": SCHEMA_VERSION,
        "payload": story.model_dump_json(exclude={"use_count"}),
        "terms": json.dumps(story_terms(story), ensure_ascii=False, separators=(",", ":")),
        "fingerprint": fingerprint(story.title, story.narrative),
        "updated_at": story.updated_at,
        "use_count": 0,
        "sessions": "[]",
    }
    # Without window vectors (callers other than the writer), demands are read from the text.
    meta["demands"] = (
        demands
        if demands is not None
        else encode_story_demands(story_demand_probs(f"{story.title}. {story.narrative}"))
    )
    if previous:
        meta["use_count"] = int(previous.get("use_count", 0) or 0)
        meta["sessions"] = str(previous.get("sessions", "[]") or "[]")
    return meta


def terms_of(meta: Mapping[str, Any]) -> dict[str, int]:
    """A story record's stored term counts."""
    try:
        terms = json.loads(str(meta.get("terms") or "{}"))
    except json.JSONDecodeError:
        return {}
    return terms if isinstance(terms, dict) else {}


def usage_of(meta: Mapping[str, Any]) -> tuple[int, int]:
    """(distinct sessions, uses) from a record's metadata."""
    try:
        sessions = len(json.loads(str(meta.get("sessions") or "[]")))
    except json.JSONDecodeError:
        sessions = 0
    return sessions, int(meta.get("use_count", 0) or 0)


def story_sessions(meta: Mapping[str, Any]) -> list[str]:
    """The drill sessions a story record was told in (empty when unreadable)."""
    try:
        return list(json.loads(str(meta.get("sessions") or "[]")))
    except json.JSONDecodeError:
        return []
