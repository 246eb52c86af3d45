"""The story bank: a candidate's stories on Chroma, tagged, retrievable by meaning, and coached.

`StoryBank` is the facade the app, the drill and the CLI use; each idea lives in its module:
- model: `StoryInput` / `Story`, limits and text hygiene; errors: what can go wrong.
- store: the Chroma client and one collection per user (named from a hash of the user; Chroma is
  the only store); scope: `UserScope`, the one door to a user's records (see its docstring).
- records: a story's `story` record (the whole story as JSON, search terms, drill history) and
  its `chunk` records (title and windows of two sentences, each with its own vector).
- writer: the all-or-nothing import; formats: Markdown, JSON and YAML in and out (files are
  validated completely before anything is written, and export round-trips exactly).
- ranking: best-window cosine + LP fit (`agents.lp.classifier`) + BM25, as a 0-1 score with a
  reason; tagging: auto-tags; coverage: the LP x story matrix; coaching: per-story advice.
"Delete my data" (`purge_user`) drops the user's collection and vacuums the SQLite file, so no
text or vector of theirs is left in Chroma's files (a plain delete leaves both in Chroma's log).

Languages: the model is English (uncased English WordPiece). A story and a question in the same
Latin-script language still match through shared sub-words (`tests/test_stories.py` checks a
Spanish pair); a question in one language does not find a story written in another, and scripts
outside the vocabulary (Chinese, Japanese, Hindi, ...) do not retrieve meaningfully.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from agents.stories.coaching import StoryReview, review_story
from agents.stories.coverage import Coverage, build_coverage
from agents.stories.errors import StoryError, StoryNotFoundError
from agents.stories.formats import detect_format, export_text, parse_stories, read_story_file
from agents.stories.model import (
    STAR_FIELDS,
    Story,
    StoryInput,
    clean_field,
    now_iso,
)
from agents.stories.ranking import StoryHit, rank_stories
from agents.stories.records import MAX_SESSIONS_KEPT, story_from_meta, story_sessions, usage_of
from agents.stories.scope import check_user
from agents.stories.store import COLLECTION_NAME, ChromaStore, reopens_stale
from agents.stories.tagging import suggest_many
from agents.stories.writer import ImportReport, StoryWriter
from agents.validation import describe_validation_error

if TYPE_CHECKING:
    from agents.config import Settings
    from agents.embeddings import MiniLMEmbedding
    from agents.lp.classifier import LPClassifier


class StoryBank:
    """A candidate's stories: CRUD, import/export, retrieval, coverage and coaching."""

    def __init__(
        self,
        *,
        path: Path | str | None = None,
        host: str | None = None,
        port: int = 8000,
        collection: str = COLLECTION_NAME,
        embedder: MiniLMEmbedding | None = None,
        classifier: LPClassifier | None = None,
    ) -> None:
        """Remember where the stories live; nothing is opened or loaded until first use."""
        # The Chroma client and each user's collection (public so tools and tests can inspect
        # raw records: `bank.store.collection(user, create=False)`).
        self.store = ChromaStore(
            path=path,
            host=host,
            port=port,
            collection_name=collection,
            embedder=lambda: self.embedder,
        )
        self._embedder = embedder
        self._classifier = classifier
        self._writer = StoryWriter(self.store, self)

    @classmethod
    def from_settings(cls, settings: Settings) -> StoryBank:
        """Embedded Chroma under the data dir, or the server named by CHROMA_HOST/CHROMA_PORT."""
        from agents.embeddings import get_embedding_function

        try:
            embedder = get_embedding_function(settings.embedding_threads)
        except ValueError:  # already created with other thread settings: share that one
            embedder = get_embedding_function()
        if settings.chroma_host:
            return cls(
                host=settings.chroma_host,
                port=settings.chroma_port,
                embedder=embedder,
                collection=COLLECTION_NAME,
            )
        return cls(path=settings.chroma_path, embedder=embedder, collection=COLLECTION_NAME)

    @property
    def path(self) -> Path | None:
        """The embedded Chroma directory (None against a server)."""
        return self.store.path

    @property
    def host(self) -> str | None:
        """The Chroma server's host (None when embedded)."""
        return self.store.host

    @property
    def port(self) -> int:
        """The Chroma server's port."""
        return self.store.port

    @property
    def collection_name(self) -> str:
        """The prefix of every user's collection name."""
        return self.store.collection_name

    def describe(self) -> str:
        """Where the stories are stored, for status lines and errors."""
        return self.store.describe()

    def collection_name_for(self, user: str) -> str:
        """The name of the user's collection (a hash of the user; see `ChromaStore`)."""
        return self.store.collection_name_for(user)

    # -- models ---------------------------------------------------------------------------------

    @property
    def embedder(self) -> MiniLMEmbedding:
        """The embedding function (the process-wide one unless another was given)."""
        if self._embedder is None:
            from agents.embeddings import get_embedding_function

            self._embedder = get_embedding_function()
        return self._embedder

    @property
    def classifier(self) -> LPClassifier:
        """The LP classifier, sharing this bank's embedder."""
        if self._classifier is None:
            from agents.embeddings import get_embedding_function
            from agents.lp.classifier import LPClassifier, get_classifier

            if self._embedder is None or self._embedder is get_embedding_function():
                self._classifier = get_classifier()
            else:
                self._classifier = LPClassifier(embedder=self._embedder)
        return self._classifier

    def suggest_lps(
        self, text: str, k: int = 3, vector: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The k most likely LPs for a story or question as (slug, share), best first."""
        vectors = None if vector is None else vector[None, :]
        return suggest_many(self.classifier, [text], vectors, k)[0]

    # -- CRUD -----------------------------------------------------------------------------------

    @reopens_stale
    def create(self, user: str, story: StoryInput | Mapping[str, Any]) -> Story:
        """Add one story (LPs auto-suggested when none are given); returns it as stored."""
        if isinstance(story, StoryInput):
            item = story
        else:
            try:
                item = StoryInput.model_validate(dict(story))
            except ValidationError as e:
                raise StoryError(describe_validation_error(e, root="story")) from e
        if item.id and self.get(user, item.id) is not None:
            raise StoryError(f"story {item.id!r} already exists; use update")
        report = self._writer.save(user, [item], "<create>")
        found = self.get(user, report.ids[0])
        assert found is not None
        return found

    @reopens_stale
    def update(self, user: str, story_id: str, **changes: Any) -> Story:
        """Change fields of a story (text edits re-extract metrics unless metrics are given)."""
        current = self.get(user, story_id)
        if current is None:
            raise StoryNotFoundError(f"no story {story_id!r} for user {user!r}")
        unknown = set(changes) - set(StoryInput.model_fields) - {"id"}
        if unknown:
            raise StoryError(f"unknown field(s): {', '.join(sorted(unknown))}")
        data = current.export_dict()
        data.update(changes)
        data["id"] = story_id
        data["updated_at"] = None
        text_changed = any(k in changes for k in ("text", *STAR_FIELDS))
        if text_changed and "metrics" not in changes:
            data["metrics"] = None
        try:
            item = StoryInput.model_validate(data)
        except ValidationError as e:
            raise StoryError(describe_validation_error(e, root="story")) from e
        self._writer.save(user, [item], "<update>")
        found = self.get(user, story_id)
        assert found is not None
        return found

    @reopens_stale
    def get(self, user: str, story_id: str) -> Story | None:
        """One of the user's stories, or None."""
        scope = self.store.scope(user, create=False)
        if scope is None or not isinstance(story_id, str) or not story_id:
            return None
        got = self.store.call("reading a story", scope.get_stories, [story_id])
        metas = got.get("metadatas") or []
        return story_from_meta(metas[0]) if metas else None

    @reopens_stale
    def list(self, user: str) -> list[Story]:
        """All of the user's stories, oldest first (then by title)."""
        scope = self.store.scope(user, create=False)
        if scope is None:
            return []
        got = self.store.call("listing stories", scope.get_stories)
        stories = [story_from_meta(m) for m in got.get("metadatas") or []]
        return sorted(stories, key=lambda s: (s.created_at, s.title.lower(), s.id))

    @reopens_stale
    def count(self, user: str) -> int:
        """How many stories the user has."""
        scope = self.store.scope(user, create=False)
        if scope is None:
            return 0
        got = self.store.call("counting stories", scope.get_stories, include=())
        return len(got.get("ids") or [])

    @reopens_stale
    def delete(self, user: str, story_id: str) -> bool:
        """Delete one story; False when the user has no such story."""
        scope = self.store.scope(user, create=False)
        if scope is None:
            return False
        with self.store.lock:
            got = self.store.call("reading a story", scope.get_stories, [story_id], include=())
            if not got["ids"]:
                return False
            self.store.call("deleting a story", scope.delete_stories, [story_id])
        return True

    @reopens_stale
    def clear(self, user: str) -> int:
        """Delete all of the user's stories; returns how many there were."""
        scope = self.store.scope(user, create=False)
        if scope is None:
            return 0
        with self.store.lock:
            n = len(self.store.call("counting stories", scope.get_stories, include=())["ids"])
            self.store.call("deleting stories", scope.delete_stories, None)
        return n

    def purge_user(self, user: str) -> int:
        """Delete the user's stories and leave no trace of them in Chroma's files.

        A Chroma delete only hides records: the text and vectors stay in Chroma's write-ahead
        log (`embeddings_queue` in chroma.sqlite3) until the vector index next flushes, in freed
        SQLite pages, and as deleted-marked vectors in the index files. Deleting the user's
        collection drops its log rows and index files; then, embedded, SQLite's VACUUM rewrites
        chroma.sqlite3 without the freed pages. Returns how many stories the user had. Against
        a server the collection is dropped there too, but its SQLite file can only be vacuumed
        on the server (`chroma vacuum --path ...`).
        """
        with self.store.lock:
            n = self.count(user)
            self.store.drop_user(user)
        return n

    # -- import / export ------------------------------------------------------------------------

    @reopens_stale
    def import_text(self, user: str, text: str, fmt: str, source: str = "<input>") -> ImportReport:
        """Import stories from text in `fmt`; all-or-nothing."""
        check_user(user)
        inputs = parse_stories(text, fmt, source)
        return self._writer.save(user, inputs, source)

    @reopens_stale
    def import_file(self, user: str, path: str | Path, fmt: str | None = None) -> ImportReport:
        """Import a .md/.json/.yaml file; a bad file raises StoryImportError and saves nothing."""
        check_user(user)
        src = Path(path)
        chosen = detect_format(src, fmt)
        text = read_story_file(src)
        return self.import_text(user, text, chosen, str(src))

    @reopens_stale
    def export_text(self, user: str, fmt: str) -> str:
        """The user's stories as md/json/yaml text."""
        return export_text(self.list(user), fmt)

    @reopens_stale
    def export_file(self, user: str, path: str | Path, fmt: str | None = None) -> int:
        """Write the user's stories to a file (atomically); returns how many."""
        dest = Path(path)
        chosen = detect_format(dest, fmt)
        stories = self.list(user)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tmp")
        tmp.write_text(export_text(stories, chosen), encoding="utf-8")
        tmp.replace(dest)
        return len(stories)

    # -- retrieval ------------------------------------------------------------------------------

    @reopens_stale
    def search(self, user: str, question: str, k: int = 3) -> list[StoryHit]:
        """The user's top-k stories for a question, best first, each with a reason."""
        if not isinstance(k, int) or k < 1:
            raise StoryError("k must be a whole number of at least 1")
        question = clean_field(question if isinstance(question, str) else "")
        if not question:
            return []
        scope = self.store.scope(user, create=False)
        if scope is None:
            return []
        return rank_stories(self.store, scope, self, question, k)

    # -- drill history, coverage, coaching ------------------------------------------------------

    @reopens_stale
    def record_use(self, user: str, story_id: str, session_id: str) -> None:
        """Note that a story was told in a drill session (sessions are counted once each)."""
        scope = self.store.scope(user)
        assert scope is not None
        with self.store.lock:
            got = self.store.call("reading a story", scope.get_stories, [story_id])
            metas = got.get("metadatas") or []
            if not metas:
                raise StoryNotFoundError(f"no story {story_id!r} for user {user!r}")
            meta = metas[0]
            sessions = story_sessions(meta)
            session = str(session_id)[:100]
            if session not in sessions:
                sessions.append(session)
            self.store.call(
                "recording a story use",
                scope.update_story_metadata,
                story_id,
                {
                    "use_count": int(meta.get("use_count", 0) or 0) + 1,
                    "sessions": json.dumps(sessions[-MAX_SESSIONS_KEPT:]),
                    "last_used": now_iso(),
                },
            )

    @reopens_stale
    def usage(self, user: str) -> dict[str, tuple[int, int]]:
        """story id -> (distinct sessions, uses)."""
        scope = self.store.scope(user, create=False)
        if scope is None:
            return {}
        got = self.store.call("reading usage", scope.get_stories)
        return {str(m["story_id"]): usage_of(m) for m in got.get("metadatas") or []}

    @reopens_stale
    def review(self, user: str, story_id: str) -> StoryReview:
        """Coach one story: grade parts and concrete additions."""
        story = self.get(user, story_id)
        if story is None:
            raise StoryNotFoundError(f"no story {story_id!r} for user {user!r}")
        return review_story(story, self.classifier)

    @reopens_stale
    def review_all(self, user: str) -> list[StoryReview]:
        """Coach every story of the user, weakest first."""
        reviews = [review_story(s, self.classifier) for s in self.list(user)]
        return sorted(reviews, key=lambda r: (r.overall, r.title.lower()))

    @reopens_stale
    def coverage(self, user: str) -> Coverage:
        """16-LP x stories strength matrix, thin LPs, over-used stories and near-duplicates."""
        scope = self.store.scope(user, create=False)
        rows: list[tuple[Story, Mapping[str, Any], Any]] = []
        if scope is not None:
            got = self.store.call(
                "reading stories", scope.get_stories, include=("metadatas", "embeddings")
            )
            metas = got.get("metadatas") or []
            embs = got.get("embeddings")
            vecs = list(embs) if embs is not None else [None] * len(metas)
            rows = [(story_from_meta(m), m, v) for m, v in zip(metas, vecs, strict=True)]
            rows.sort(key=lambda r: (r[0].created_at, r[0].title.lower(), r[0].id))
        return build_coverage(rows, self)
