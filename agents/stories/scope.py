"""Per-user isolation, the one place: every read, query, write and delete of a user's records.

`UserScope` is the only door to a user's collection. Record ids carry the user as a prefix, every
get/delete also filters on the user, and the owner of every returned record is checked, so one
bug cannot leak a story. Nothing else in the bank touches a collection's records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from agents.stories.errors import StoryError

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

USER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$")


def check_user(user: str) -> str:
    """A valid user name (letters, digits and . _ @ + -; no ':'), else StoryError."""
    if not isinstance(user, str) or not USER_RE.match(user):
        raise StoryError(
            f"invalid user {user!r}: use 1-128 letters, digits, '.', '_', '@', '+' or '-'"
        )
    return user


class UserScope:
    """The only door to a user's collection: every call is also filtered to that user.

    The collection is the user's own, record ids start with `<user>:` (checked on every
    record a call returns), AND every get/delete carries `where={"user": user}` (the search
    query does not: see `query_chunks`); any one of them would isolate users, together they
    mean one bug cannot leak a story. A story is one `story`
    record (payload in metadata) plus `chunk` records (title and sentence windows) for search.
    """

    def __init__(self, collection: Collection, user: str) -> None:
        self._col = collection
        self.user = user

    @property
    def collection(self) -> Collection:
        """The user's own Chroma collection (to tell a stale handle from a live one)."""
        return self._col

    def _where(self, **extra: Any) -> dict[str, Any]:
        """The user filter, AND-ed with any further conditions."""
        conditions: list[dict[str, Any]] = [{"user": self.user}]
        conditions += [{k: v} for k, v in extra.items() if v is not None]
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def story_record_id(self, story_id: str) -> str:
        """The Chroma id of one of this user's story records."""
        return f"{self.user}:{story_id}"

    def chunk_record_id(self, story_id: str, n: int) -> str:
        """The Chroma id of one search chunk of a story."""
        return f"{self.user}:{story_id}#{n}"

    def get_stories(
        self,
        story_ids: Sequence[str] | None = None,
        *,
        where: Mapping[str, Any] | None = None,
        include: Sequence[str] = ("metadatas",),
    ) -> dict[str, Any]:
        """This user's story records (all, or the given ids), optionally further filtered."""
        if story_ids is not None and not story_ids:
            return {"ids": [], "metadatas": [], "embeddings": [], "documents": []}
        if story_ids is None or where:
            ids = None if story_ids is None else [self.story_record_id(s) for s in story_ids]
            flt = self._where(kind="story", **dict(where or {}))
            return self._col.get(ids=ids, where=flt, include=list(include))  # type: ignore[arg-type]
        # By id: the ids carry this user's prefix, and the owner is checked on every returned
        # record below instead of in a `where` (which doubles the cost of this hot call).
        wanted = list(include) if "metadatas" in include else [*include, "metadatas"]
        got = self._col.get(
            ids=[self.story_record_id(s) for s in story_ids],
            include=wanted,  # type: ignore[arg-type]
        )
        return only_owner(got, self.user, "story")

    def get_chunks(self, story_ids: Sequence[str]) -> dict[str, Any]:
        """Every chunk record of the given stories (for backups before a rewrite)."""
        if not story_ids:
            return {"ids": [], "metadatas": [], "embeddings": [], "documents": []}
        flt = self._where(kind="chunk", story_id={"$in": list(story_ids)})
        return self._col.get(
            where=flt,
            include=["metadatas", "embeddings", "documents"],  # type: ignore[list-item]
        )

    def query_chunks(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(story id, cosine) of this user's chunk records nearest to `vector`."""
        got = self._col.query(
            query_embeddings=[vector.tolist()],
            n_results=n,
            # No `where` here, unlike every other call: the collection is this user's alone,
            # and any metadata filter makes Chroma scan the metadata of every collection in its
            # SQLite file (45 ms of a 50 ms query at 10k stories). Ownership is still checked:
            # only ids with this user's prefix are kept, and only chunks (story records hold a
            # mean vector and are skipped by their id, which has no '#').
            # Distances only: the story id is in the record id, and fetching the chunks'
            # metadata would more than double the cost of the query.
            include=["distances"],  # type: ignore[list-item]
        )
        prefix = f"{self.user}:"
        out = []
        ids = (got.get("ids") or [[]])[0]
        dists = (got.get("distances") or [[]])[0]
        for rid, dist in zip(ids, dists, strict=True):
            if rid.startswith(prefix) and "#" in rid:
                out.append((rid[len(prefix) :].rsplit("#", 1)[0], 1.0 - float(dist)))
        return out

    def upsert(
        self,
        ids: Sequence[str],
        vectors: Sequence[Any],
        metadatas: Sequence[dict[str, Any]],
        documents: Sequence[str],
    ) -> None:
        """Write records; refuses any record that is not this user's."""
        prefix = f"{self.user}:"
        for rid, meta in zip(ids, metadatas, strict=True):
            if not rid.startswith(prefix) or meta.get("user") != self.user:
                raise StoryError("refusing to write a record for another user")
        if not ids:
            return
        self._col.upsert(
            ids=list(ids),
            embeddings=[np.asarray(v, dtype=np.float32).tolist() for v in vectors],
            metadatas=list(metadatas),  # type: ignore[arg-type]
            documents=list(documents),
        )

    def update_story_metadata(self, story_id: str, metadata: dict[str, Any]) -> None:
        """Merge keys into one of this user's story records (caller checked it exists)."""
        metadata = {**metadata, "user": self.user, "kind": "story"}
        self._col.update(ids=[self.story_record_id(story_id)], metadatas=[metadata])

    def delete_stories(self, story_ids: Sequence[str] | None) -> None:
        """Delete the story and chunk records of some (None: all) of this user's stories."""
        if story_ids is not None and not story_ids:
            return
        ids = None if story_ids is None else {"$in": list(story_ids)}
        self._col.delete(where=self._where(story_id=ids))

    def delete_chunks(self, story_ids: Sequence[str]) -> None:
        """Delete only the chunk records of some stories (before writing new ones)."""
        if story_ids:
            self._col.delete(where=self._where(kind="chunk", story_id={"$in": list(story_ids)}))


def only_owner(got: dict[str, Any], user: str, kind: str) -> dict[str, Any]:
    """Keep only the records of `got` whose metadata names `user` and `kind`."""
    metas = got.get("metadatas") or []
    keep = [i for i, m in enumerate(metas) if m and m.get("user") == user and m.get("kind") == kind]
    if len(keep) == len(metas):
        return got
    out: dict[str, Any] = {}
    for key in ("ids", "metadatas", "embeddings", "documents"):
        values = got.get(key)
        out[key] = [values[i] for i in keep] if values is not None else None
    return out
