"""The session database as a URL: sqlite:/// and postgresql:// work end to end; other schemes,
wrong passwords and servers that are down give one clear message, at start and in the app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agents.config import Settings
from agents.drill.session_db import database_url
from agents.drill.sessions import SessionStore, SessionStoreError, sqlite_path


def test_sqlite_url_forms_map_to_files(tmp_path: Path) -> None:
    assert sqlite_path(f"sqlite:///{tmp_path}/a.sqlite3") == tmp_path / "a.sqlite3"
    assert sqlite_path("sqlite:///rel/b.sqlite3") == Path("rel/b.sqlite3")
    assert sqlite_path(tmp_path / "c.sqlite3") == tmp_path / "c.sqlite3"


def test_store_opened_by_url_writes_a_real_sqlite_file(tmp_path: Path) -> None:
    target = tmp_path / "db" / "sessions.sqlite3"
    store = SessionStore(f"sqlite:///{target}")
    assert store.path == target
    assert store.list("local") == []
    store.close()
    with sqlite3.connect(target) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "turns"} <= tables


@pytest.mark.parametrize(
    "url", ["mysql://u:p@db/barraiser", "oracle://db/x", "postgresql+psycopg2://db/x"]
)
def test_unknown_schemes_are_refused_with_a_clear_error(url: str) -> None:
    with pytest.raises(SessionStoreError, match="not supported: sessions are stored in SQLite or"):
        SessionStore(url)


def test_postgresql_url_forms_map_to_psycopg() -> None:
    for url in (
        "postgresql://u:p@h:5/db",
        "postgres://u:p@h:5/db",
        "postgresql+psycopg://u:p@h:5/db",
    ):
        parsed = database_url(url)
        assert parsed.drivername == "postgresql+psycopg" and parsed.database == "db"
    with pytest.raises(SessionStoreError, match="names no database"):
        database_url("postgresql://u:p@h:5")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///x.db?mode=ro"])
def test_sqlite_urls_without_a_file_are_refused(url: str) -> None:
    with pytest.raises(SessionStoreError, match="names no database file"):
        SessionStore(url)


def test_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BARRAISER_DATABASE_URL", "sqlite:////srv/barraiser/s.sqlite3")
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:////srv/barraiser/s.sqlite3"
    assert sqlite_path(settings.database_url) == Path("/srv/barraiser/s.sqlite3")
