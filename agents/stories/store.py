"""Chroma storage for the story bank: the client, one collection per user, stale handles.

Embedded `chromadb.PersistentClient` under the data directory by default; `chromadb.HttpClient`
when CHROMA_HOST/CHROMA_PORT are set. A schema-1 bank, where one shared collection held every
user, is split per user when first opened. Vectors come from the offline MiniLM model of
`agents.embeddings`, which is registered with Chroma, so a reopened collection uses it instead
of Chroma's default (which downloads a model). Records are read and written only through a
`UserScope` (`ChromaStore.scope`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from agents.stories.errors import StaleCollectionError, StoryBankError, StoryError
from agents.stories.records import SCHEMA_VERSION
from agents.stories.scope import USER_RE, UserScope, check_user

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

    from agents.embeddings import MiniLMEmbedding

log = logging.getLogger("barraiser.stories")

# A Chroma segment's directory beside chroma.sqlite3: the segment id, a UUID.
_SEGMENT_DIR = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# Each user's records live in their own collection, `<COLLECTION_NAME>-u-<hash of user>`:
# a search reads only that user's few hundred records (a `where` filter in one shared
# collection cost ~150 ms a query at 10k stories, which is what schema 1 did), isolation is
# structural, and "delete my data" drops the collection with its log rows and index files.
COLLECTION_NAME = "barraiser_stories"
# The HNSW index is written to disk (and Chroma's write-ahead log pruned) every this many
# writes instead of Chroma's 1,000: opening a collection replays its unflushed log, which at
# 500 users with nothing flushed made a cold first query ~110 ms instead of ~7 ms.
HNSW_CONFIG = {"space": "cosine", "sync_threshold": 100, "batch_size": 100}
OPEN_COLLECTIONS = 2048  # collection handles kept (cheap: no index is held by a handle)


_F = TypeVar("_F")


def reopens_stale(method: _F) -> _F:
    """Retry a per-user method once after its collection was deleted by another process.

    Another app process (or bank object) may run "delete my data" for the user; this bank's
    cached handle then names a collection that no longer exists. `ChromaStore.call` drops the
    handle and raises StaleCollectionError; nothing was written through the dead handle, so
    running the method again on a freshly opened (or, for reads, absent) collection is safe.
    """

    @functools.wraps(method)  # type: ignore[arg-type]
    def wrapper(self: Any, user: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, user, *args, **kwargs)  # type: ignore[operator]
        except StaleCollectionError:
            return method(self, user, *args, **kwargs)  # type: ignore[operator]

    return wrapper  # type: ignore[return-value]


def is_not_found(error: Exception) -> bool:
    """Whether a Chroma error says the collection does not exist (embedded or server)."""
    from chromadb.errors import NotFoundError

    return isinstance(error, NotFoundError) or "does not exist" in str(error)


class ChromaStore:
    """The Chroma client and each user's collection, opened on first use and cached."""

    # Records per Chroma upsert; the client's own maximum is lower on some servers.
    WRITE_BATCH = 2000

    def __init__(
        self,
        *,
        path: Path | str | None,
        host: str | None,
        port: int,
        collection_name: str,
        embedder: Callable[[], MiniLMEmbedding],
    ) -> None:
        """Remember where the stories live; `embedder` gives the bank's embedding function."""
        if (path is None) == (host is None):
            raise ValueError("give exactly one of path (embedded Chroma) or host (Chroma server)")
        self.path = Path(path) if path is not None else None
        self.host = host
        self.port = port
        self.collection_name = collection_name
        self._embedder = embedder
        self._client: Any = None
        self._cols: OrderedDict[str, Collection] = OrderedDict()
        # Held across read-modify-write sequences of the bank (saves, deletes, purges).
        self.lock = threading.RLock()

    def describe(self) -> str:
        """Where the stories are stored, for status lines and errors."""
        if self.host:
            return f"Chroma server at {self.host}:{self.port}"
        return f"embedded Chroma at {self.path}"

    def client(self, create: bool = True) -> Any:
        """The Chroma client, opened once; None when embedded storage does not exist yet."""
        if self._client is not None:
            return self._client
        with self.lock:
            if self._client is not None:
                return self._client
            if self.path is not None and not create and not self.path.exists():
                return None  # reads on a fresh install must not create directories
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.host is not None:
                    client = chromadb.HttpClient(
                        host=self.host, port=self.port, settings=chroma_settings
                    )
                else:
                    assert self.path is not None
                    self.path.mkdir(parents=True, exist_ok=True)
                    client = chromadb.PersistentClient(
                        path=str(self.path), settings=chroma_settings
                    )
                self._client = client
                self._migrate_shared_collection()
            except Exception as e:
                self._client = None
                raise StoryBankError(f"cannot open the story bank ({self.describe()}): {e}") from e
            return client

    def collection_name_for(self, user: str) -> str:
        """The name of the user's collection: the bank's prefix and a hash of the user name.

        Hashed because user names may hold '@' and '+', which collection names may not, and
        so that names listed by the server do not reveal who has stories.
        """
        digest = hashlib.sha256(check_user(user).encode("utf-8")).hexdigest()[:32]
        return f"{self.collection_name}-u-{digest}"

    def collection(self, user: str, create: bool = True) -> Collection | None:
        """The user's collection (cached); None when it does not exist and `create` is False."""
        with self.lock:
            col = self._cols.get(user)
            if col is not None:
                self._cols.move_to_end(user)
                return col
            client = self.client(create)
            if client is None:
                return None
            name = self.collection_name_for(user)
            try:
                if create:
                    # Our embedding function is registered with Chroma, so the collection is
                    # saved with its name and reopens with it instead of Chroma's default.
                    col = client.get_or_create_collection(
                        name,
                        embedding_function=self._chroma_ef(),  # type: ignore[arg-type]
                        metadata={"barraiser_schema": SCHEMA_VERSION},
                        configuration={"hnsw": dict(HNSW_CONFIG)},  # type: ignore[arg-type]
                    )
                else:
                    col = client.get_collection(
                        name,
                        embedding_function=self._chroma_ef(),  # type: ignore[arg-type]
                    )
            except Exception as e:
                if not create and is_not_found(e):
                    return None
                raise StoryBankError(f"cannot open the story bank ({self.describe()}): {e}") from e
            self._cols[user] = col
            while len(self._cols) > OPEN_COLLECTIONS:
                self._cols.popitem(last=False)
            return col

    def _migrate_shared_collection(self) -> None:
        """Move stories from the single shared collection of schema 1 into per-user ones.

        Records are copied with their stored vectors (nothing is re-embedded), user by user;
        the shared collection is deleted only after every record has been copied, so a crash
        part-way leaves it in place and the next open copies again (upserts: idempotent).
        """
        client = self._client
        try:
            legacy = client.get_collection(self.collection_name)
        except Exception as e:
            if is_not_found(e):
                return
            raise
        offset = 0
        page = self.batch_size()
        while True:
            got = legacy.get(
                include=["metadatas", "embeddings", "documents"],  # type: ignore[list-item]
                limit=page,
                offset=offset,
            )
            ids = list(got.get("ids") or [])
            if not ids:
                break
            offset += len(ids)
            metas = got.get("metadatas") or [{}] * len(ids)
            embs = got.get("embeddings")
            docs = got.get("documents") or [""] * len(ids)
            by_user: dict[str, list[int]] = {}
            for i, meta in enumerate(metas):
                user = str((meta or {}).get("user") or "")
                if USER_RE.match(user) and ids[i].startswith(f"{user}:"):
                    by_user.setdefault(user, []).append(i)
            for user, rows in by_user.items():
                col = self.collection(user)
                assert col is not None
                col.upsert(
                    ids=[ids[i] for i in rows],
                    embeddings=[embs[i] for i in rows],  # type: ignore[index]
                    metadatas=[metas[i] for i in rows],  # type: ignore[misc]
                    documents=[docs[i] for i in rows],
                )
        client.delete_collection(self.collection_name)

    def _chroma_ef(self) -> MiniLMEmbedding:
        """The embedding function Chroma persists with the collection (always the real one)."""
        from agents.embeddings import MiniLMEmbedding, get_embedding_function

        ef = self._embedder()
        return ef if isinstance(ef, MiniLMEmbedding) else get_embedding_function()

    def drop_user(self, user: str) -> None:
        """Drop the user's collection, then (embedded) vacuum the SQLite file; see `purge_user`."""
        with self.lock:
            client = self.client(create=False)
            if client is None:
                return
            self._cols.pop(user, None)
            try:
                client.delete_collection(self.collection_name_for(user))
            except Exception as e:
                if not is_not_found(e):
                    raise StoryBankError(
                        f"deleting the stories of {user} failed ({self.describe()}): {e}"
                    ) from e
            if self.path is not None:
                self.call("vacuuming the story database", self._vacuum)
                self.call("removing the dropped index", self._remove_orphan_indexes)

    def _remove_orphan_indexes(self) -> None:
        """Delete index directories that no segment refers to any more: Chroma leaves a dropped
        collection's vector index (`<segment id>/data_level0.bin`, `length.bin`...) on disk, and
        its unzeroed buffers can hold the user's ids and vectors."""
        import shutil
        import sqlite3

        assert self.path is not None
        db = self.path / "chroma.sqlite3"
        if not db.exists():
            return
        con = sqlite3.connect(db, timeout=30)
        try:
            live = {str(row[0]) for row in con.execute("SELECT id FROM segments")}
        finally:
            con.close()
        for entry in self.path.iterdir():
            if entry.is_dir() and _SEGMENT_DIR.fullmatch(entry.name) and entry.name not in live:
                shutil.rmtree(entry)

    def _vacuum(self) -> None:
        """Rewrite chroma.sqlite3 so that deleted rows do not survive in free pages."""
        import sqlite3

        assert self.path is not None
        db = self.path / "chroma.sqlite3"
        if not db.exists():
            return
        # Chroma's own connections are idle between calls and its journal mode is DELETE, so
        # a VACUUM from a second connection is safe while the bank's lock is held.
        con = sqlite3.connect(db, isolation_level=None, timeout=30)
        try:
            con.execute("VACUUM")
        finally:
            con.close()

    def scope(self, user: str, create: bool = True) -> UserScope | None:
        """The user's view of their collection (None when nothing is stored yet)."""
        check_user(user)
        col = self.collection(user, create=create)
        return None if col is None else UserScope(col, user)

    def call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a storage call, turning backend failures into StoryBankError."""
        try:
            return fn(*args, **kwargs)
        except (StoryError, StoryBankError):
            raise
        except Exception as e:
            owner = getattr(fn, "__self__", None)
            if isinstance(owner, UserScope) and is_not_found(e):
                with self.lock:
                    if self._cols.get(owner.user) is owner.collection:
                        self._cols.pop(owner.user, None)
                raise StaleCollectionError(
                    f"{what} failed ({self.describe()}): the stories of {owner.user} were "
                    f"deleted elsewhere while this process held them open: {e}"
                ) from e
            raise StoryBankError(f"{what} failed ({self.describe()}): {e}") from e

    def batch_size(self) -> int:
        """Records per upsert: ours, capped by what the client accepts."""
        size = self.WRITE_BATCH
        try:
            size = min(size, int(self._client.get_max_batch_size()))
        except Exception:  # older servers do not say: keep ours
            # Broad because chromadb raises a bare Exception for some HTTP errors; logged, not lost.
            log.debug("the Chroma client did not report its batch size", exc_info=True)
        return max(1, size)
