"""The all-or-nothing writer: validated stories embedded, auto-tagged and written, or none.

Existing ids (and, for stories without an id, the same content) are updated in place; an
unchanged story keeps its timestamps. Before a write the records it will replace are backed
up, and any failure part-way restores them, so an import never leaves half a file behind.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from agents.stories.demand_index import demand_vectors, story_demands_record
from agents.stories.errors import StoryBankError, StoryError
from agents.stories.model import (
    MAX_METRICS,
    STAR_FIELDS,
    Encoders,
    Story,
    StoryInput,
    embedding_text,
    input_fingerprint,
    new_story_id,
    now_iso,
)
from agents.stories.records import story_chunks, story_from_meta, story_metadata
from agents.stories.scope import UserScope
from agents.stories.store import ChromaStore
from agents.stories.tagging import auto_lps, suggest_many
from agents.textutil import find_metrics

log = logging.getLogger("barraiser.stories")

_Batch = tuple[list[str], list[Any], list[dict[str, Any]], list[str]]  # ids, vectors, metas, docs


class ImportReport(BaseModel):
    """What an import did: counts and the ids it wrote."""

    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[str] = Field(default_factory=list)

    @property
    def total(self) -> int:
        """Stories read from the file."""
        return self.created + self.updated + self.unchanged


@dataclass
class Backup:
    """What a set of stories looked like before a write, to restore on failure."""

    ids: list[str]
    metadatas: list[dict[str, Any]]
    embeddings: list[Any]
    documents: list[str]


class StoryWriter:
    """Writes one bank's stories: embedding, auto-tagging and the all-or-nothing upsert."""

    def __init__(self, store: ChromaStore, encoders: Encoders) -> None:
        """Write through `store`, embedding and tagging with `encoders` (loaded when needed)."""
        self.store = store
        self.encoders = encoders

    def save(self, user: str, inputs: Sequence[StoryInput], source: str) -> ImportReport:
        """Embed and write validated stories all-or-nothing; existing ids are updated."""
        scope = self.store.scope(user)
        assert scope is not None
        report = ImportReport(source=source)
        with self.store.lock:
            prev_meta = self._existing_for(scope, inputs)
            resolved = [
                i
                if i.id
                else i.model_copy(
                    update={"id": prev_meta.get(input_fingerprint(i), {}).get("story_id")}
                )
                for i in inputs
            ]
            existing = {
                str(m["story_id"]): story_from_meta(m)
                for key, m in prev_meta.items()
                if not key.startswith("fp:")
            }
            stories = self._prepare(user, resolved, existing, now_iso())
            to_write: list[Story] = []
            now = now_iso()
            for s in stories:
                prev = existing.get(s.id)
                if prev is not None and prev.content_key() == s.content_key():
                    report.unchanged += 1  # unchanged stories keep their timestamps
                    report.ids.append(s.id)
                    continue
                if prev is not None:
                    s = s.model_copy(update={"updated_at": now})  # changed now, not in the file
                to_write.append(s)
            if to_write:
                self._write(scope, to_write, prev_meta)
                for s in to_write:
                    report.created += s.id not in existing
                    report.updated += s.id in existing
                    report.ids.append(s.id)
        return report

    def _prepare(
        self,
        user: str,
        inputs: Sequence[StoryInput],
        existing: Mapping[str, Story],
        now: str,
    ) -> list[Story]:
        """Turn inputs into Stories: ids, owner, timestamps, metrics (LPs filled later)."""
        out = []
        for item in inputs:
            sid = item.id or new_story_id()
            prev = existing.get(sid)
            data = item.model_dump()
            data.update(id=sid, user=user)
            if prev is not None:
                # An edit keeps the story's birth date; tags left empty keep the current ones
                # rather than being re-suggested.
                data["created_at"] = prev.created_at
                data["lps"] = data["lps"] or list(prev.lps)
            else:
                data["created_at"] = item.created_at or now
            data["updated_at"] = item.updated_at or now
            if item.metrics is None:
                narrative = item.text or "\n".join(getattr(item, f) for f in STAR_FIELDS)
                data["metrics"] = find_metrics(narrative)[:MAX_METRICS]
            out.append(Story.model_validate(data))
        return out

    def _existing_for(
        self, scope: UserScope, inputs: Sequence[StoryInput]
    ) -> dict[str, dict[str, Any]]:
        """Stored metadata of the stories these inputs will overwrite.

        Keyed by story id, plus `fp:<fingerprint>` for inputs without an id: re-importing a
        file without ids finds the stories it created last time instead of duplicating them.
        """
        out: dict[str, dict[str, Any]] = {}
        given = [i.id for i in inputs if i.id]
        for start in range(0, len(given), 500):
            got = self.store.call("reading stories", scope.get_stories, given[start : start + 500])
            for m in got.get("metadatas") or []:
                out[str(m["story_id"])] = m
        fps = sorted({input_fingerprint(i).removeprefix("fp:") for i in inputs if not i.id})
        for start in range(0, len(fps), 500):
            got = self.store.call(
                "reading stories",
                scope.get_stories,
                None,
                where={"fingerprint": {"$in": fps[start : start + 500]}},
            )
            for m in got.get("metadatas") or []:
                out.setdefault(str(m["story_id"]), m)
                out.setdefault(f"fp:{m['fingerprint']}", m)
        return out

    def _write(
        self, scope: UserScope, stories: list[Story], prev_meta: Mapping[str, Mapping[str, Any]]
    ) -> None:
        """Embed chunks, auto-tag untagged stories, and write; on any failure restore."""
        chunk_texts = [story_chunks(s) for s in stories]
        vectors, story_vecs = self._embed(chunk_texts)
        self._auto_tag(stories, story_vecs)
        backup = self._backup(scope, [s.id for s in stories if s.id in prev_meta])
        batches = self._batches(scope, stories, chunk_texts, vectors, story_vecs, prev_meta)
        written = [s.id for s in stories]
        try:
            # Old chunks go first: an edit can make a story shorter (fewer windows).
            scope.delete_chunks([s.id for s in stories if s.id in prev_meta])
            for ids, vecs, metas, docs in batches:
                scope.upsert(ids, vecs, metas, docs)
        except Exception as e:
            self._restore(scope, written, backup, e)
            if isinstance(e, StoryError | StoryBankError):
                raise
            raise StoryBankError(f"saving stories failed ({self.store.describe()}): {e}") from e

    def _embed(self, chunk_texts: list[list[str]]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Every chunk's vector, and each story's unit mean of its chunk vectors."""
        flat = [t for chunks in chunk_texts for t in chunks]
        vectors = self.encoders.embedder.embed(flat)
        story_vecs: list[np.ndarray] = []
        start = 0
        for chunks in chunk_texts:
            block = vectors[start : start + len(chunks)]
            start += len(chunks)
            mean = block.mean(axis=0)
            story_vecs.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
        return vectors, story_vecs

    def _auto_tag(self, stories: list[Story], story_vecs: list[np.ndarray]) -> None:
        """Tag stories that have no LPs with the classifier's suggestions (in place)."""
        untagged = [i for i, s in enumerate(stories) if not s.lps]
        if untagged:
            suggestions = suggest_many(
                self.encoders.classifier,
                [stories[i].narrative for i in untagged],
                np.array([story_vecs[i] for i in untagged]),
            )
            for i, sugg in zip(untagged, suggestions, strict=True):
                stories[i] = stories[i].model_copy(update={"lps": auto_lps(sugg)})

    def _batches(
        self,
        scope: UserScope,
        stories: list[Story],
        chunk_texts: list[list[str]],
        vectors: np.ndarray,
        story_vecs: list[np.ndarray],
        prev_meta: Mapping[str, Mapping[str, Any]],
    ) -> list[_Batch]:
        """The records to upsert, in batches the client accepts; a story never spans two."""
        batches: list[_Batch] = []
        current: _Batch = ([], [], [], [])
        start = 0
        dv = demand_vectors(self.encoders.embedder)
        for s, chunks, svec in zip(stories, chunk_texts, story_vecs, strict=True):
            block = vectors[start : start + len(chunks)]
            start += len(chunks)
            # Chunk 0 is the title; the windows say which demands the story contains.
            demands = story_demands_record(s.title, s.narrative, block[1:], dv, svec)
            rows = [
                (
                    scope.chunk_record_id(s.id, n),
                    block[n],
                    {"user": s.user, "kind": "chunk", "story_id": s.id},
                    text,
                )
                for n, text in enumerate(chunks)
            ]
            rows.append(
                (
                    scope.story_record_id(s.id),
                    svec,
                    story_metadata(s, prev_meta.get(s.id), demands),
                    embedding_text(s),
                )
            )
            if len(current[0]) + len(rows) > self.store.batch_size() and current[0]:
                batches.append(current)
                current = ([], [], [], [])
            for rid, vec, meta, doc in rows:
                current[0].append(rid)
                current[1].append(vec)
                current[2].append(meta)
                current[3].append(doc)
        batches.append(current)
        return batches

    def _backup(self, scope: UserScope, story_ids: Sequence[str]) -> Backup:
        """Every record of the given stories, as they are now."""
        backup = Backup([], [], [], [])
        for start in range(0, len(story_ids), 200):
            part = list(story_ids[start : start + 200])
            for got in (
                self.store.call(
                    "reading stories",
                    scope.get_stories,
                    part,
                    include=("metadatas", "embeddings", "documents"),
                ),
                self.store.call("reading stories", scope.get_chunks, part),
            ):
                backup.ids += list(got.get("ids") or [])
                backup.metadatas += list(got.get("metadatas") or [])
                embs = got.get("embeddings")
                backup.embeddings += list(embs) if embs is not None else []
                backup.documents += list(got.get("documents") or [])
        return backup

    def _restore(
        self, scope: UserScope, story_ids: Sequence[str], backup: Backup, cause: Exception
    ) -> None:
        """Undo a failed write: drop everything written, put the old records back."""
        try:
            scope.delete_stories(list(story_ids))
            for start in range(0, len(backup.ids), self.store.batch_size()):
                end = start + self.store.batch_size()
                scope.upsert(
                    backup.ids[start:end],
                    backup.embeddings[start:end],
                    [dict(m) for m in backup.metadatas[start:end]],
                    backup.documents[start:end],
                )
        except Exception as rollback_error:
            # Chained to the first failure (the one to fix); the rollback's own trace is logged.
            log.exception("undoing a failed story write failed")
            raise StoryBankError(
                f"saving failed ({cause}) and so did undoing it ({rollback_error}); "
                "re-run the import to make the bank consistent"
            ) from cause
