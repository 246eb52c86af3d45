"""A session database that is misnamed, refuses the password, is down at start or goes away in
the middle of a drill: one clear message, never a traceback, and no committed turn lost."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO, child_env, free_port
from test_interviewer_policy import ALL_WE, Clock

from agents.drill.interviewer import Interviewer
from agents.drill.sessions import SessionStore, SessionStoreError
from agents.drill.state import DrillConfig
from agents.grading import Grader
from agents.lp.principles import load_principles

BAD_URLS = {
    "mysql://u:p@127.0.0.1/db": "scheme 'mysql' is not supported",
    "wrong password": "password authentication failed",
    "server down": "Connection refused",
}


def bad_url(case: str, postgres) -> str:
    """The URL of one bad-URL case (the passwords in them must never be printed)."""
    if case == "wrong password":
        return postgres.url(password="wrong-password")
    if case == "server down":
        return f"postgresql://u:secret-pw@127.0.0.1:{free_port()}/db"
    return case


@pytest.mark.slow
def test_a_bad_url_stops_the_app_at_start_with_one_clear_line(tmp_path, postgres) -> None:
    """`python app.py` itself (the other cases go through the same path in-process below)."""
    env = child_env(tmp_path / "data", BARRAISER_DATABASE_URL=bad_url("wrong password", postgres))
    done = subprocess.run(
        [sys.executable, "app.py"], cwd=REPO, capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("barraiser: ")]
    assert len(lines) == 1 and BAD_URLS["wrong password"] in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "wrong-password" not in done.stderr


@pytest.mark.parametrize("case", list(BAD_URLS))
def test_bad_urls_give_one_clear_line_at_start(case, postgres, monkeypatch, capsys) -> None:
    from agents.cli.main import main

    monkeypatch.setenv("BARRAISER_DATABASE_URL", bad_url(case, postgres))
    assert main(["drill", "--progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("barraiser: error: ") and len(err.strip().splitlines()) == 1, err
    assert BAD_URLS[case] in err and "Traceback" not in err
    assert "secret-pw" not in err and "wrong-password" not in err  # passwords stay hidden


def test_database_going_away_mid_drill_loses_no_committed_turn(postgres) -> None:
    name = postgres.create_database()
    store = SessionStore(postgres.url(name))
    iv = Interviewer(Grader(None), load_principles(), None, Clock(), store=store)
    state = iv.start(DrillConfig(seed=3, mode="interview"))
    iv.respond(state, ALL_WE)
    committed = store.turns(state.id, "local")
    # The database goes away: no new connections, every open one cut.
    postgres.admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    postgres.admin(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    )
    try:
        with pytest.raises(SessionStoreError, match="read failed"):
            store.list("local")
        turns = iv.respond(state, "I rewrote the deploy script myself.")
        assert turns  # the drill goes on in memory
        notices = [t.text for t in state.turns if t.kind == "notice"]
        assert len(notices) == 1 and "could not be saved" in notices[0]
        assert "Traceback" not in notices[0]
    finally:
        postgres.admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    # Back: every turn committed before the outage is there, and the next save fills the gap.
    assert store.turns(state.id, "local")[: len(committed)] == committed
    iv.respond(state, "Latency fell from 2 s to 300 ms.")
    stored = store.load(state.id, "local")
    assert stored is not None and [t.text for t in stored.turns] == [t.text for t in state.turns]
    store.close()


def test_the_page_says_the_database_is_unreachable_and_keeps_the_answer(postgres, tmp_path):
    from agents.config import Settings
    from agents.services import build_services
    from agents.ui.drill import end_drill, send_answer, start_drill

    name = postgres.create_database()
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", database_url=postgres.url(name))  # type: ignore[call-arg]
    services = build_services(settings)
    _chat, ref = start_drill(services, "sde2", "loop", "interview")
    postgres.admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    postgres.admin(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    )
    try:
        *_, (chat, _ref, box) = send_answer(services, ALL_WE, ref)
        assert box == ALL_WE  # the typed answer stays in the box
        assert len(chat) == 1 and chat[0]["content"].startswith("⚠ Could not load the drill")
        chat, _ref = end_drill(services, ref)
        assert chat[0]["content"].startswith("⚠ Could not load the drill")
    finally:
        postgres.admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    *_, (chat, _ref, box) = send_answer(services, ALL_WE, ref)
    assert box == "" and any(ALL_WE in str(m["content"]) for m in chat)
    services.sessions.close()
