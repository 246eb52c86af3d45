"""Drill sessions in SQLite or PostgreSQL: every turn is written as it happens, and a drill
survives a restart (and moves between app processes and machines).

Tables (`agents/drill/session_db.py`, created and migrated by Alembic):
- `sessions(id, user, config, status, created, updated, state, summary, revision)`: `state` is
  the drill's snapshot without its turns; `summary` the per-session numbers `progress` reports.
- `turns(session_id, seq, role, kind, text, lp, grade, meta, at)`, keyed by (session_id, seq).

Each save writes the new or changed turns AND the snapshot in one transaction, so a reload sees a
state and exactly the turns it had: nothing half-written, nothing twice (turns are upserted by
seq). SQLite keeps WAL with `synchronous=FULL`; PostgreSQL commits are durable by default.

Concurrency: optimistic. A save is `UPDATE sessions ... WHERE id AND user AND revision = seen`;
when no row matched, the session is new (INSERT), someone else's (refused) or was saved
elsewhere since this copy was loaded (`StaleSessionError`, never a silent overwrite). On
PostgreSQL the UPDATE's row lock holds off a concurrent save of the same drill until commit,
after which its WHERE no longer matches. One compare-and-set statement instead of a locking
SELECT ... FOR UPDATE plus an UPDATE: one round trip less per turn on a server database
(`benchmarks/bench_sessions_db.py` measures both).
SQLite writes start with BEGIN IMMEDIATE and are serialized in-process by a lock.

Privacy: every read goes through `_mine`, the one place that limits rows to one user.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import CTE, Connection, func, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from agents.drill.session_db import (
    SESSIONS,
    TURNS,
    SessionStoreError,
    StaleSessionError,
    describe_error,
    head_revision,
    make_engine,
    safe_url,
    schema_revision,
    sqlite_path,
    turn_rows,
    upgrade,
    upsert,
)
from agents.drill.state import DrillState, Turn, summarize

__all__ = [
    "ProgressPoint",
    "SessionInfo",
    "SessionStore",
    "SessionStoreError",
    "StaleSessionError",
    "sqlite_path",
]


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
    spoken: list[dict[str, Any]] = []  # per spoken answer: star_seconds, wpm, fillers, pauses


class SessionStore:
    """Drill sessions and their turns in one SQLite file or one PostgreSQL database."""

    def __init__(self, target: Path | str) -> None:
        """Open the store at a file path, a `sqlite:///` or a `postgresql://` URL; the schema
        is created or migrated to this version's head when it is behind."""
        self.engine = make_engine(target)
        self.backend = self.engine.dialect.name
        self.url = safe_url(self.engine.url)
        # The SQLite file (None on PostgreSQL): tests and diagnostics read it directly.
        self.path: Path | None = (
            Path(self.engine.url.database or "") if self.backend == "sqlite" else None
        )
        # SQLite has one writer at a time anyway: queue this process's writers on a lock rather
        # than on SQLite's busy handler. PostgreSQL writers run in parallel.
        self._write_lock = threading.Lock() if self.backend == "sqlite" else nullcontext()
        try:
            upgrade(self.engine, only_if_behind=True)
        except SessionStoreError:
            self.engine.dispose()
            raise

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def pragmas(self) -> dict[str, Any]:
        """Engine, schema revision and (SQLite) journal mode and synchronous level."""
        with self.engine.connect() as conn:
            out: dict[str, Any] = {"backend": self.backend, "schema": schema_revision(conn)}
            if self.backend == "sqlite":
                raw = conn.connection.driver_connection
                for name in ("journal_mode", "synchronous"):
                    out[name] = raw.execute(f"PRAGMA {name}").fetchone()[0]
        return out

    def schema_is_current(self) -> bool:
        """True when the database is at this version's newest migration."""
        with self.engine.connect() as conn:
            return schema_revision(conn) == head_revision()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite), committed or rolled back."""
        connect = self.engine.connect().execution_options(immediate=True)
        with self._write_lock, connect as conn, conn.begin():
            yield conn

    def _read(self, stmt: Any) -> list[Any]:
        """Run one read; driver errors become a `SessionStoreError` with the cause attached."""
        try:
            with self.engine.connect() as conn:
                return list(conn.execute(stmt).mappings())
        except SQLAlchemyError as e:
            raise SessionStoreError(f"session database read failed: {describe_error(e)}") from e

    @staticmethod
    def _mine(user: str) -> CTE:
        """`mine`, the user's own sessions: the one place rows are scoped to a user."""
        return select(SESSIONS).where(SESSIONS.c.user == user).cte("mine")

    # --- writes -----------------------------------------------------------------------------

    def create(self, state: DrillState) -> None:
        """Insert a new session with its first turns."""
        self.save_turns(state, 0)

    def save_turns(self, state: DrillState, from_seq: int = 0) -> None:
        """Upsert turns[from_seq:] and the state snapshot atomically."""
        revision = state.revision + 1
        snapshot = state.model_copy(update={"revision": revision}).model_dump_json(
            exclude={"turns"}
        )
        status = "done" if state.status == "done" else "abandoned" if state.abandoned_at else "open"
        values = {
            "status": status,
            "updated": time.time(),
            "state": snapshot,
            "summary": json.dumps(summarize(state)),
            "revision": revision,
        }
        try:
            with self._write() as conn:
                self._save_session(conn, state, values)
                stored = conn.execute(
                    select(func.count()).select_from(TURNS).where(TURNS.c.session_id == state.id)
                ).scalar_one()
                if stored > len(state.turns):
                    raise StaleSessionError(
                        f"session {state.id} has {stored} saved turns; this copy has "
                        f"{len(state.turns)}: reload it before continuing"
                    )
                # Never leave a gap: start at the first turn the store does not have yet.
                rows = turn_rows(state, min(from_seq, stored))
                if rows:
                    conn.execute(upsert(conn, TURNS), rows)
        except IntegrityError as e:  # another process created the same session id first
            raise StaleSessionError(
                f"session {state.id} was saved elsewhere since this copy was loaded"
            ) from e
        except SQLAlchemyError as e:
            raise SessionStoreError(
                f"could not save session {state.id}: {describe_error(e)}"
            ) from e
        state.revision = revision

    @staticmethod
    def _save_session(conn: Connection, state: DrillState, values: dict[str, Any]) -> None:
        """Compare-and-set the session row on its revision, or insert it when it is new."""
        updated = conn.execute(
            SESSIONS.update()
            .where(
                SESSIONS.c.id == state.id,
                SESSIONS.c.user == state.user,
                SESSIONS.c.revision == state.revision,
            )
            .values(**values)
        ).rowcount
        if updated:
            return
        owner = conn.execute(
            select(SESSIONS.c.user).where(SESSIONS.c.id == state.id)
        ).scalar_one_or_none()
        if owner is None:
            conn.execute(
                SESSIONS.insert().values(
                    id=state.id,
                    user=state.user,
                    config=state.config.model_dump_json(),
                    created=state.started_at,
                    **values,
                )
            )
        elif owner != state.user:
            raise SessionStoreError("session belongs to another user")
        else:
            # An older copy of the drill (another tab or process moved on): refuse rather than
            # overwrite committed turns.
            raise StaleSessionError(
                f"session {state.id} was saved elsewhere since this copy was loaded"
            )

    def delete_user(self, user: str) -> int:
        """Delete every session and turn of a user in one transaction; returns how many went."""
        try:
            with self._write() as conn:
                conn.execute(
                    TURNS.delete().where(
                        TURNS.c.session_id.in_(select(SESSIONS.c.id).where(SESSIONS.c.user == user))
                    )
                )
                deleted = conn.execute(SESSIONS.delete().where(SESSIONS.c.user == user)).rowcount
            self._reclaim()
            return deleted
        except SQLAlchemyError as e:
            raise SessionStoreError(f"could not delete sessions: {describe_error(e)}") from e

    def _reclaim(self) -> None:
        """Make deleted rows go from disk too, not only from queries."""
        if self.backend == "sqlite":
            # The WAL still holds the old pages: fold it in and empty it (outside a transaction).
            with self._write_lock, self.engine.connect() as conn:
                conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            # Dead row versions stay in the heap until vacuumed; VACUUM cannot run in a
            # transaction, hence autocommit.
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM sessions, turns"))

    # --- reads ------------------------------------------------------------------------------

    def load(self, session_id: str, user: str) -> DrillState | None:
        """The session's state with its turns exactly as committed, or None if not this user's."""
        mine = self._mine(user)
        rows = self._read(select(mine.c.state).where(mine.c.id == session_id))
        if not rows:
            return None
        data = json.loads(rows[0]["state"])
        turn_rows_ = self._read(
            select(TURNS)
            .join(mine, mine.c.id == TURNS.c.session_id)
            .where(TURNS.c.session_id == session_id)
            .order_by(TURNS.c.seq)
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
            for r in turn_rows_
        ]
        return DrillState.model_validate(data)

    def turns(self, session_id: str, user: str) -> list[dict[str, Any]]:
        """The committed turn rows of one session, in order."""
        mine = self._mine(user)
        t = TURNS.c
        rows = self._read(
            select(t.seq, t.role, t.kind, t.text, t.lp, t.at)
            .join_from(TURNS, mine, mine.c.id == t.session_id)
            .where(t.session_id == session_id)
            .order_by(t.seq)
        )
        return [dict(r) for r in rows]

    def list(self, user: str) -> list[SessionInfo]:
        """The user's sessions, newest first."""
        mine = self._mine(user)
        rows = self._read(
            select(
                mine.c.id, mine.c.status, mine.c.created, mine.c.updated, mine.c.config,
                mine.c.summary,
            ).order_by(mine.c.updated.desc())
        )  # fmt: skip
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
        mine = self._mine(user)
        rows = self._read(
            select(mine.c.id)
            .where(mine.c.status == "open")
            .order_by(mine.c.updated.desc())
            .limit(1)
        )
        return self.load(rows[0]["id"], user) if rows else None

    def recent_questions(self, user: str, n: int = 5) -> list[str]:
        """Questions asked in the user's `n` most recent sessions (to avoid asking them again)."""
        mine = self._mine(user)
        recent = select(mine.c.id).order_by(mine.c.created.desc()).limit(n).subquery("recent")
        rows = self._read(
            select(TURNS.c.meta)
            .join(recent, recent.c.id == TURNS.c.session_id)
            .where(TURNS.c.kind == "question")
            .order_by(TURNS.c.session_id, TURNS.c.seq)
        )
        questions = (json.loads(r["meta"] or "{}").get("question") for r in rows)
        return list(dict.fromkeys(q for q in questions if q))

    def progress(self, user: str) -> list[ProgressPoint]:
        """Per-session overall, measurability and ownership over time, oldest first."""
        mine = self._mine(user)
        rows = self._read(
            select(mine.c.id, mine.c.created, mine.c.status, mine.c.config, mine.c.summary)
            .order_by(mine.c.created)
        )  # fmt: skip
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
                    spoken=summary.get("spoken", []),
                )
            )
        return out
