"""The session database's engine and schema, neutral between SQLite and PostgreSQL.

- `database_url`: a file path or `sqlite:///` URL (the embedded default), or `postgresql://`
  (driven by psycopg 3); anything else is refused with one clear sentence.
- `make_engine`: an SQLAlchemy Core engine. SQLite keeps WAL, `synchronous=FULL`, foreign keys,
  `secure_delete` and a busy timeout on every connection; a write transaction on SQLite starts
  with BEGIN IMMEDIATE (execution option `immediate`), so two processes never deadlock upgrading
  a read lock. PostgreSQL connections are checked before use (`pool_pre_ping`), so a server that
  restarted costs one reconnect, not an error.
- `SESSIONS` / `TURNS`: the one schema both engines share (Alembic migrations in
  `agents/drill/migrations` create and change it; `upgrade` runs them, under a lock so several app
  processes starting together migrate once).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from agents.drill.state import DrillState

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant: PostgreSQL's advisory lock that serializes schema upgrades across processes.
_MIGRATION_LOCK = 0x62617272


class SessionStoreError(RuntimeError):
    """The session database could not be opened or written."""


class StaleSessionError(SessionStoreError):
    """A save from a copy of the drill older than what the store already holds."""


metadata = MetaData()
SESSIONS = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("user", Text, nullable=False),
    Column("config", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("created", Float, nullable=False),
    Column("updated", Float, nullable=False),
    Column("state", Text, nullable=False),
    Column("summary", Text, nullable=False, server_default="{}"),
    # Optimistic concurrency: the drill's revision, compared and bumped by every save.
    Column("revision", Integer, nullable=False, server_default="0"),
    Index("sessions_by_user", "user", "updated"),
)
TURNS = Table(
    "turns",
    metadata,
    Column("session_id", Text, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("role", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("lp", Text),
    Column("grade", Text),
    Column("meta", Text, nullable=False, server_default="{}"),
    Column("at", Float, nullable=False),
    sqlite_with_rowid=False,
)

_USAGE = "use sqlite:///path/to/file.sqlite3 or postgresql://user:password@host:5432/dbname"


def sqlite_path(target: Path | str) -> Path:
    """The SQLite file for a path or a `sqlite:///` URL; other schemes are refused."""
    text_ = str(target)
    if "://" not in text_:
        return Path(text_)
    scheme, _, rest = text_.partition("://")
    if scheme.lower() != "sqlite":
        raise SessionStoreError(f"database_url {safe_url(text_)} is not a SQLite URL ({_USAGE})")
    # SQLAlchemy's form: sqlite:///rel.db is relative, sqlite:////abs.db absolute; the file is
    # what follows the third slash. No in-memory database: a drill must survive a restart.
    if not rest.startswith("/") or rest in ("/", "/:memory:") or "?" in rest:
        raise SessionStoreError(
            f"database_url {text_!r} names no database file (use sqlite:///path/to/file.sqlite3)"
        )
    return Path(rest[1:])


def safe_url(url: str | URL) -> str:
    """The URL with its password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(str(url).split("@")[-1])


def database_url(target: Path | str) -> URL:
    """The SQLAlchemy URL for a path, a `sqlite:///` URL or a `postgresql://` URL."""
    raw = str(target)
    if "://" not in raw or raw.lower().startswith("sqlite:"):
        return URL.create("sqlite", database=str(sqlite_path(target)))
    scheme = raw.partition("://")[0].lower()
    if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise SessionStoreError(
            f"database_url scheme {scheme!r} is not supported: sessions are stored in SQLite or "
            f"PostgreSQL ({_USAGE})"
        )
    try:
        url = make_url("postgresql+psycopg://" + raw.partition("://")[2])
    except ArgumentError as e:
        message = f"database_url {safe_url(raw)} is not a valid URL ({_USAGE})"
        raise SessionStoreError(message) from e
    if not url.database:
        raise SessionStoreError(f"database_url {safe_url(url)} names no database ({_USAGE})")
    return url


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    """Per-connection SQLite settings (durability, integrity, privacy, waiting on locks)."""
    dbapi_conn.isolation_level = None  # transactions are begun in `_sqlite_begin`
    cursor = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        # NORMAL is safe against a killed process but can lose the last commits on a power cut;
        # a drill commits a few times a minute, so the extra fsync costs nothing noticeable.
        "synchronous=FULL",
        "foreign_keys=ON",
        # Deleted rows are overwritten, not just unlinked ("delete my data" means gone).
        "secure_delete=ON",
        "busy_timeout=10000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN IMMEDIATE for writes (take the write lock up front), plain BEGIN for reads."""
    immediate = conn.get_execution_options().get("immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(target: Path | str) -> Engine:
    """An engine for the session database (SQLite file created with its folder when missing)."""
    url = database_url(target)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise SessionStoreError(f"cannot open the session database {url.database}: {e}") from e
        engine = create_engine(url, connect_args={"timeout": 10.0, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"connect_timeout": 10, "application_name": "barraiser"},
    )


def describe_error(error: BaseException) -> str:
    """The driver's first line, without SQL or a traceback ("password authentication failed")."""
    orig = getattr(error, "orig", None) or error
    first = next((ln.strip() for ln in str(orig).splitlines() if ln.strip()), type(orig).__name__)
    return first


def _alembic_config(connection: Connection) -> Any:
    """An Alembic config over the packaged migrations and an open connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at (None: empty or not yet under Alembic)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest migration shipped with this version."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, *, only_if_behind: bool = False) -> tuple[str | None, str]:
    """Run the migrations up to head under a cross-process lock; returns (before, after)."""
    from alembic import command
    from alembic.util import CommandError

    head = head_revision()
    try:
        if only_if_behind:
            with engine.connect() as conn:
                current = schema_revision(conn)
            if current == head:
                return current, head
        with engine.connect().execution_options(immediate=True) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            before = schema_revision(conn)  # re-read under the lock: another process may
            if before != head:  # have migrated while this one waited
                command.upgrade(_alembic_config(conn), "head")
        return before, head
    except SQLAlchemyError as e:
        raise SessionStoreError(
            f"cannot open the session database {safe_url(engine.url)}: {describe_error(e)}"
        ) from e
    except CommandError as e:  # e.g. the database was migrated by a newer Bar Raiser
        raise SessionStoreError(
            f"cannot migrate the session database {safe_url(engine.url)}: {e}"
        ) from e


def turn_rows(state: DrillState, start: int) -> list[dict[str, Any]]:
    """The `turns` rows of turns[start:], ready for an upsert."""
    return [
        {
            "session_id": state.id,
            "seq": seq,
            "role": t.role,
            "kind": t.kind,
            "text": t.text,
            "lp": t.lp,
            "grade": json.dumps(t.grade, ensure_ascii=False) if t.grade is not None else None,
            "meta": json.dumps(t.meta, ensure_ascii=False, default=str),
            "at": t.at,
        }
        for seq, t in enumerate(state.turns)
        if seq >= start
    ]


_UPSERTS: dict[tuple[str, str], Any] = {}


def upsert(conn: Connection, table: Table) -> Any:
    """INSERT ... ON CONFLICT (primary key) DO UPDATE every other column, in the conn's dialect
    (built once per dialect and table: SQLAlchemy compiles a new construct on every call)."""
    key = (conn.dialect.name, table.name)
    if key not in _UPSERTS:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table)
        keys = list(table.primary_key.columns)
        _UPSERTS[key] = stmt.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: stmt.excluded[c.name] for c in table.columns if c not in keys},
        )
    return _UPSERTS[key]
