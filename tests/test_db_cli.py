"""`barraiser db upgrade` and `barraiser db copy` on SQLite and a real PostgreSQL server."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_interviewer_policy import ALL_WE, STRONG, Clock

from agents.cli.main import main
from agents.drill.interviewer import Interviewer
from agents.drill.session_copy import session_checksums
from agents.drill.sessions import SessionStore
from agents.drill.state import DrillConfig
from agents.grading import Grader
from agents.lp.principles import load_principles

# The schema the SQLite-only store created before Alembic (PRAGMA user_version=1).
V1_SCHEMA = """
CREATE TABLE sessions (id TEXT PRIMARY KEY, user TEXT NOT NULL, config TEXT NOT NULL,
    status TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL, state TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}');
CREATE INDEX sessions_by_user ON sessions (user, updated);
CREATE TABLE turns (session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, lp TEXT,
    grade TEXT, meta TEXT NOT NULL DEFAULT '{}', at REAL NOT NULL,
    PRIMARY KEY (session_id, seq)) WITHOUT ROWID;
PRAGMA user_version=1;
"""


def fill(url: str, users: tuple[str, ...] = ("alice", "bob", "carol")) -> list[tuple[str, str]]:
    """A few real drills per user; returns (session id, user) pairs."""
    store = SessionStore(url)
    iv = Interviewer(Grader(None), load_principles(), None, Clock(), store=store)
    made = []
    for i, user in enumerate(users):
        for seed in range(2):
            state = iv.start(DrillConfig(seed=seed + i, mode="interview"), user=user)
            iv.respond(state, ALL_WE if seed else STRONG)
            made.append((state.id, user))
    store.close()
    return made


def test_upgrade_migrates_a_pre_alembic_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    made = fill(f"sqlite:///{tmp_path / 'new.sqlite3'}", ("alice",))
    with (
        sqlite3.connect(tmp_path / "old.sqlite3") as old,
        sqlite3.connect(tmp_path / "new.sqlite3") as new,
    ):
        old.executescript(V1_SCHEMA)
        columns = "id, user, config, status, created, updated, state, summary"
        old.executemany(
            f"INSERT INTO sessions VALUES ({', '.join('?' * 8)})",
            new.execute(f"SELECT {columns} FROM sessions").fetchall(),
        )
        old.executemany(
            f"INSERT INTO turns VALUES ({', '.join('?' * 9)})",
            new.execute("SELECT * FROM turns").fetchall(),
        )
    assert main(["db", "upgrade", "--url", url]) == 0
    assert "upgraded from empty to 0002" in capsys.readouterr().out
    assert main(["db", "upgrade", "--url", url]) == 0
    assert "already at 0002" in capsys.readouterr().out
    store = SessionStore(url)
    iv = Interviewer(Grader(None), load_principles(), None, Clock(), store=store)
    state = store.load(made[0][0], "alice")
    assert state is not None and state.revision > 0  # the column was filled from the snapshot
    before = len(state.turns)
    iv.respond(state, "I rewrote the deploy script myself.")
    assert not state.notices  # the migrated revision matches: the save was not refused
    assert len(store.turns(state.id, "alice")) > before
    store.close()


def test_copy_sqlite_to_postgresql_and_back_is_idempotent_and_verified(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    made = fill(sqlite_url)
    for _ in range(2):  # the second run changes nothing
        assert main(["db", "copy", "--from", sqlite_url, "--to", pg_url, "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["sessions"] == report["verified"] == len(made)
        assert report["users"] == 3 and report["turns"] >= 4 * len(made)
        assert "***" in report["target"]  # the password is never printed
    back = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    assert main(["db", "copy", "--from", pg_url, "--to", back]) == 0
    assert "verified (row counts and checksums match)" in capsys.readouterr().out
    stores = [SessionStore(u) for u in (sqlite_url, pg_url, back)]
    ids = [i for i, _ in made]
    sums = [session_checksums(s.engine, ids) for s in stores]
    assert sums[0] == sums[1] == sums[2] and len(sums[0]) == len(made)
    for session_id, user in made:
        original = stores[0].load(session_id, user)
        assert original is not None
        assert stores[1].load(session_id, user) == original == stores[2].load(session_id, user)
        assert stores[2].load(session_id, "someone-else") is None
    for s in stores:
        s.close()


def test_db_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    here = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert main(["db", "copy", "--from", here, "--to", "mysql://u:p@h/db"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("barraiser: error: ") and "not supported" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["db", "copy", "--from", here, "--to", here]) == 2
    assert "same database" in capsys.readouterr().err


def test_upgrade_on_an_empty_postgresql_database(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade", "--url", pg_url]) == 0
    out = capsys.readouterr().out
    assert "upgraded from empty to 0002" in out and "***" in out and "postgresql" in out
    store = SessionStore(pg_url)
    assert store.schema_is_current() and store.list("local") == []
    store.close()


def test_the_app_migrates_a_schema_that_is_behind_at_start(tmp_path: Path) -> None:
    from agents.config import Settings
    from agents.services import build_services

    with sqlite3.connect(tmp_path / "old.sqlite3") as old:
        old.executescript(V1_SCHEMA)
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    services = build_services(Settings(_env_file=None, data_dir=tmp_path, database_url=url))  # type: ignore[call-arg]
    assert services.sessions is not None and services.sessions.schema_is_current()
    with sqlite3.connect(tmp_path / "old.sqlite3") as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(sessions)")]
    assert "revision" in columns
    services.sessions.close()
