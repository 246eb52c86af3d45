"""Drill sessions in SQLite: every turn is written as it happens, and a drill survives a restart.

Tables:
- `sessions(id, user, config, status, created, updated, state, summary)`: `state` is the drill's
  snapshot without its turns; `summary` the per-session numbers `progress` reports.
- `turns(session_id, seq, role, kind, text, lp, grade, meta, at)`, keyed by (session_id, seq).

Each save writes the new or changed turns AND the snapshot in one transaction, so a reload sees a
state and exactly the turns it had: nothing half-written, nothing twice (turns are upserted by
seq). Durability: WAL with `synchronous=FULL`. NORMAL is already safe against a killed process,
but in WAL mode it can lose the last commits on a power cut or OS crash; a drill commits a few
times a minute, so the extra fsync per commit costs nothing a candidate notices, and a lost
answer is exactly what this store promises not to do.

Concurrency: one connection guarded by a lock (Gradio calls handlers from worker threads, and
SQLite serializes writers anyway); other processes (the CLI next to the UI) share the file through
WAL, with a busy timeout instead of "database is locked" errors. Writes use BEGIN IMMEDIATE so two
processes never deadlock upgrading a read lock.

Privacy: every read goes through `_mine`, the one place that limits rows to one user.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agents.drill.state import DrillState, Turn, summarize

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    config TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    state TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user, updated);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    lp TEXT,
    grade TEXT,
    meta TEXT NOT NULL DEFAULT '{}',
    at REAL NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
"""


class SessionStoreError(RuntimeError):
    """The session database could not be opened or written."""


class StaleSessionError(SessionStoreError):
    """A save from a copy of the drill older than what the store already holds."""


class SessionInfo(BaseModel):
    """One row of `SessionStore.list`."""

    id: str
    status: str
    created: float
    updated: float
    config: dict[str, Any]
    summary: dict[str, Any]


class ProgressPoint(BaseModel):
    """One session's headline numbers, for progress across sessions."""

    session_id: str
    created: float
    status: str
    role: str
    round_type: str
    mode: str
    answered: int
    overall: float | None
    measurability: float | None
    ownership: float | None
    signal: str | None


def sqlite_path(target: Path | str) -> Path:
    """The SQLite file for a path or a `sqlite:///` database URL; other URL schemes are refused."""
    text = str(target)
    if "://" not in text:
        return Path(text)
    scheme, _, rest = text.partition("://")
    if scheme.lower() != "sqlite":
        # Sessions are written with SQLite-specific SQL (BEGIN IMMEDIATE, upserts, PRAGMAs); a
        # server database needs a port of this module, not a different URL (README: "Scaling
        # past one machine").
        raise SessionStoreError(
            f"database_url scheme {scheme!r} is not supported: sessions are stored in SQLite only "
            "(use sqlite:///relative/path or sqlite:////absolute/path)"
        )
    # SQLAlchemy's form: sqlite:///rel.db is relative, sqlite:////abs.db absolute; the file is
    # what follows the third slash. No in-memory database: a drill must survive a restart.
    if not rest.startswith("/") or rest in ("/", "/:memory:") or "?" in rest:
        raise SessionStoreError(
            f"database_url {text!r} names no database file (use sqlite:///path/to/file.sqlite3)"
        )
    return Path(rest[1:])


def _turn_rows(state: DrillState, start: int) -> list[tuple[Any, ...]]:
    """The `turns` rows of turns[start:], ready for an upsert."""
    return [
        (
            state.id,
            seq,
            t.role,
            t.kind,
            t.text,
            t.lp,
            json.dumps(t.grade, ensure_ascii=False) if t.grade is not None else None,
            json.dumps(t.meta, ensure_ascii=False, default=str),
            t.at,
        )
        for seq, t in enumerate(state.turns)
        if seq >= start
    ]


class SessionStore:
    """Drill sessions and their turns in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        """Open (creating if needed) the store at a file path or a `sqlite:///` URL."""
        self.path = sqlite_path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
            self._conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten, not just unlinked ("delete my data" means gone).
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.execute("PRAGMA busy_timeout=10000")
            with self._write() as conn:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as e:
            raise SessionStoreError(f"cannot open the session database {self.path}: {e}") from e

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def pragmas(self) -> dict[str, Any]:
        """The connection's journal mode, synchronous level and schema version (diagnostics)."""
        with self._lock:
            return {
                name: self._conn.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "user_version")
            }

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _mine(self, user: str, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run a read over `mine`, the user's own sessions: the one place rows are scoped."""
        with self._lock:
            try:
                cursor = self._conn.execute(
                    "WITH mine AS (SELECT * FROM sessions WHERE user = ?) " + sql,
                    (user, *params),
                )
                return cursor.fetchall()
            except sqlite3.Error as e:
                raise SessionStoreError(f"session database read failed: {e}") from e

    # --- writes -----------------------------------------------------------------------------

    def create(self, state: DrillState) -> None:
        """Insert a new session with its first turns."""
        self.save_turns(state, 0)

    def save_turns(self, state: DrillState, from_seq: int = 0) -> None:
        """Upsert turns[from_seq:] and the state snapshot atomically."""
        now = time.time()
        # Optimistic concurrency: a save must start from the revision the store holds.
        revision = state.revision + 1
        snapshot = state.model_copy(update={"revision": revision}).model_dump_json(
            exclude={"turns"}
        )
        status = "done" if state.status == "done" else "abandoned" if state.abandoned_at else "open"

        try:
            with self._write() as conn:
                owner = conn.execute(
                    "SELECT user, json_extract(state, '$.revision') AS revision FROM sessions "
                    "WHERE id = ?",
                    (state.id,),
                ).fetchone()
                if owner is None:
                    conn.execute(
                        "INSERT INTO sessions (id, user, config, status, created, updated, state, "
                        "summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            state.id,
                            state.user,
                            state.config.model_dump_json(),
                            status,
                            state.started_at,
                            now,
                            snapshot,
                            json.dumps(summarize(state)),
                        ),
                    )
                elif owner["user"] != state.user:
                    raise SessionStoreError("session belongs to another user")
                elif (owner["revision"] or 0) != state.revision:
                    # An older copy of the drill (another tab or process moved on): refuse rather
                    # than overwrite committed turns.
                    raise StaleSessionError(
                        f"session {state.id} was saved elsewhere since this copy was loaded"
                    )
                else:
                    conn.execute(
                        "UPDATE sessions SET status = ?, updated = ?, state = ?, summary = ? "
                        "WHERE id = ? AND user = ?",
                        (status, now, snapshot, json.dumps(summarize(state)), state.id, state.user),
                    )
                stored = conn.execute(
                    "SELECT COUNT(*) FROM turns WHERE session_id = ?", (state.id,)
                ).fetchone()[0]
                if stored > len(state.turns):
                    raise StaleSessionError(
                        f"session {state.id} has {stored} saved turns; this copy has "
                        f"{len(state.turns)}: reload it before continuing"
                    )
                conn.executemany(
                    "INSERT INTO turns (session_id, seq, role, kind, text, lp, grade, meta, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (session_id, seq) DO UPDATE SET role = excluded.role, "
                    "kind = excluded.kind, text = excluded.text, lp = excluded.lp, "
                    "grade = excluded.grade, meta = excluded.meta, at = excluded.at",
                    # Never leave a gap: start at the first turn the store does not have yet.
                    _turn_rows(state, min(from_seq, stored)),
                )
        except sqlite3.Error as e:
            raise SessionStoreError(f"could not save session {state.id}: {e}") from e
        state.revision = revision

    def delete_user(self, user: str) -> int:
        """Delete every session and turn of a user; returns how many sessions went."""
        try:
            with self._write() as conn:
                conn.execute(
                    "DELETE FROM turns WHERE session_id IN "
                    "(SELECT id FROM sessions WHERE user = ?)",
                    (user,),
                )
                deleted = conn.execute("DELETE FROM sessions WHERE user = ?", (user,)).rowcount
            with self._lock:  # the WAL still holds the old pages: fold it in and empty it
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return deleted
        except sqlite3.Error as e:
            raise SessionStoreError(f"could not delete sessions: {e}") from e

    # --- reads ------------------------------------------------------------------------------

    def load(self, session_id: str, user: str) -> DrillState | None:
        """The session's state with its turns exactly as committed, or None if not this user's."""
        rows = self._mine(user, "SELECT state FROM mine WHERE id = ?", (session_id,))
        if not rows:
            return None
        data = json.loads(rows[0]["state"])
        turn_rows = self._mine(
            user,
            "SELECT t.* FROM turns t JOIN mine m ON m.id = t.session_id WHERE t.session_id = ? "
            "ORDER BY t.seq",
            (session_id,),
        )
        data["turns"] = [
            Turn(
                role=r["role"],
                kind=r["kind"],
                text=r["text"],
                lp=r["lp"],
                grade=json.loads(r["grade"]) if r["grade"] else None,
                meta=json.loads(r["meta"] or "{}"),
                at=r["at"],
            ).model_dump()
            for r in turn_rows
        ]
        return DrillState.model_validate(data)

    def turns(self, session_id: str, user: str) -> list[dict[str, Any]]:
        """The committed turn rows of one session, in order."""
        rows = self._mine(
            user,
            "SELECT t.seq, t.role, t.kind, t.text, t.lp, t.at FROM turns t "
            "JOIN mine m ON m.id = t.session_id WHERE t.session_id = ? ORDER BY t.seq",
            (session_id,),
        )
        return [dict(r) for r in rows]

    def list(self, user: str) -> list[SessionInfo]:
        """The user's sessions, newest first."""
        rows = self._mine(
            user,
            "SELECT id, status, created, updated, config, summary FROM mine ORDER BY updated DESC",
        )
        return [
            SessionInfo(
                id=r["id"],
                status=r["status"],
                created=r["created"],
                updated=r["updated"],
                config=json.loads(r["config"]),
                summary=json.loads(r["summary"] or "{}"),
            )
            for r in rows
        ]

    def latest_open(self, user: str) -> DrillState | None:
        """The user's most recently updated unfinished drill, if any."""
        rows = self._mine(
            user, "SELECT id FROM mine WHERE status = 'open' ORDER BY updated DESC LIMIT 1"
        )
        return self.load(rows[0]["id"], user) if rows else None

    def recent_questions(self, user: str, n: int = 5) -> list[str]:
        """Questions asked in the user's `n` most recent sessions (to avoid asking them again)."""
        rows = self._mine(
            user,
            "SELECT json_extract(t.meta, '$.question') AS q FROM turns t "
            "JOIN (SELECT id FROM mine ORDER BY created DESC LIMIT ?) r ON r.id = t.session_id "
            "WHERE t.kind = 'question'",
            (n,),
        )
        return list(dict.fromkeys(r["q"] for r in rows if r["q"]))

    def progress(self, user: str) -> list[ProgressPoint]:
        """Per-session overall, measurability and ownership over time, oldest first."""
        rows = self._mine(
            user, "SELECT id, created, status, config, summary FROM mine ORDER BY created"
        )
        out: list[ProgressPoint] = []
        for r in rows:
            config = json.loads(r["config"])
            summary = json.loads(r["summary"] or "{}")
            out.append(
                ProgressPoint(
                    session_id=r["id"],
                    created=r["created"],
                    status=r["status"],
                    role=config.get("role", ""),
                    round_type=config.get("round_type", ""),
                    mode=config.get("mode", ""),
                    answered=summary.get("answered", 0),
                    overall=summary.get("overall"),
                    measurability=summary.get("measurability"),
                    ownership=summary.get("ownership"),
                    signal=summary.get("signal"),
                )
            )
        return out
