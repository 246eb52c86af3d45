"""Move every user's sessions between two session databases (SQLite <-> PostgreSQL).

`copy_sessions(source, target)` brings both to the current schema, then copies sessions in
batches, each batch one transaction on the target: session rows are upserted by id and the
batch's turns replaced, so running it again changes nothing (idempotent) and a session already in
the target is overwritten by the source's copy. Afterwards both sides are read again and compared
per session: the row count of its turns and a SHA-256 over the session row and its turns in
order. Any difference is an error naming the sessions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from agents.drill.session_db import (
    SESSIONS,
    TURNS,
    SessionStoreError,
    describe_error,
    upsert,
)
from agents.drill.sessions import SessionStore

BATCH = 200


class CopyReport(BaseModel):
    """What `copy_sessions` moved and verified."""

    source: str
    target: str
    users: int
    sessions: int
    turns: int
    verified: int


def session_checksums(engine: Engine, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Per session id: (number of turn rows, SHA-256 of the session row and its turns)."""
    out: dict[str, tuple[int, str]] = {}
    ids = list(ids)
    with engine.connect() as conn:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            sessions = conn.execute(select(SESSIONS).where(SESSIONS.c.id.in_(chunk))).all()
            turns: dict[str, list[list[Any]]] = {}
            for row in conn.execute(
                select(TURNS).where(TURNS.c.session_id.in_(chunk)).order_by(TURNS.c.seq)
            ):
                turns.setdefault(row.session_id, []).append(list(row))
            for row in sessions:
                own = turns.get(row.id, [])
                payload = json.dumps([list(row), own], ensure_ascii=False, default=repr)
                out[row.id] = (len(own), hashlib.sha256(payload.encode()).hexdigest())
    return out


def _copy_batch(source: Engine, target: Engine, ids: list[str]) -> int:
    """Copy one batch of sessions with their turns in one target transaction; returns turns."""
    with source.connect() as conn:
        sessions = [
            dict(r) for r in conn.execute(select(SESSIONS).where(SESSIONS.c.id.in_(ids))).mappings()
        ]
        turns = [
            dict(r)
            for r in conn.execute(
                select(TURNS)
                .where(TURNS.c.session_id.in_(ids))
                .order_by(TURNS.c.session_id, TURNS.c.seq)
            ).mappings()
        ]
    with target.connect().execution_options(immediate=True) as conn, conn.begin():
        conn.execute(upsert(conn, SESSIONS), sessions)
        conn.execute(TURNS.delete().where(TURNS.c.session_id.in_(ids)))
        if turns:
            conn.execute(TURNS.insert(), turns)
    return len(turns)


def copy_sessions(source: Path | str, target: Path | str) -> CopyReport:
    """Copy every session and turn from `source` to `target`, then verify both sides agree."""
    src, dst = SessionStore(source), SessionStore(target)
    try:
        if src.engine.url == dst.engine.url:
            raise SessionStoreError("--from and --to name the same database")
        try:
            with src.engine.connect() as conn:
                ids = list(conn.execute(select(SESSIONS.c.id).order_by(SESSIONS.c.id)).scalars())
                users = conn.execute(select(func.count(SESSIONS.c.user.distinct()))).scalar_one()
            turns = sum(
                _copy_batch(src.engine, dst.engine, ids[i : i + BATCH])
                for i in range(0, len(ids), BATCH)
            )
            expected = session_checksums(src.engine, ids)
            found = session_checksums(dst.engine, ids)
        except SQLAlchemyError as e:
            raise SessionStoreError(f"copying sessions failed: {describe_error(e)}") from e
        differ = sorted(i for i in ids if expected.get(i) != found.get(i))
        if differ or len(found) != len(ids):
            raise SessionStoreError(
                f"verification failed: {len(differ)} of {len(ids)} sessions differ after the "
                f"copy (first: {', '.join(differ[:5])})"
            )
        return CopyReport(
            source=src.url, target=dst.url, users=users, sessions=len(ids), turns=turns,
            verified=len(found),
        )  # fmt: skip
    finally:
        src.close()
        dst.close()
