""""Delete my data" with sessions in PostgreSQL: the user's rows go in one transaction (then the
tables are vacuumed), before the Chroma purge, as on SQLite; the other user keeps everything."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from test_interviewer_policy import ALL_WE

from agents.config import Settings
from agents.drill.state import DrillConfig
from agents.privacy import delete_my_data
from agents.services import build_services


def test_delete_my_data_removes_the_users_postgresql_rows(tmp_path: Path, pg_url: str) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", database_url=pg_url)  # type: ignore[call-arg]
    services = build_services(settings)
    assert services.sessions is not None and services.sessions.backend == "postgresql"
    drills = {}
    for user in ("alice", "bob"):
        state = services.interviewer.start(DrillConfig(seed=1, mode="interview"), user=user)
        services.interviewer.respond(state, f"{ALL_WE} ({user})")
        drills[user] = state.id
        services.stories.create(user, {"title": f"{user} story", "text": "I fixed the pipeline."})

    report = delete_my_data(services, "alice")

    assert report.ok, report.message
    assert report.sessions == 1 and report.stories == 1
    engine = create_engine(services.sessions.engine.url)
    with engine.connect() as conn:
        count = lambda sql, **p: conn.execute(text(sql), p).scalar_one()  # noqa: E731
        assert count('SELECT COUNT(*) FROM sessions WHERE "user" = :u', u="alice") == 0
        assert count("SELECT COUNT(*) FROM turns WHERE session_id = :s", s=drills["alice"]) == 0
        assert count("SELECT COUNT(*) FROM turns WHERE text LIKE '%(alice)%'") == 0
        assert count("SELECT COUNT(*) FROM turns WHERE session_id = :s", s=drills["bob"]) >= 3
    engine.dispose()
    assert services.stories.count("bob") == 1 and services.sessions.list("bob")
    services.sessions.close()
