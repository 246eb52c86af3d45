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


@pytest.mark.slow
def test_bad_urls_stop_the_app_at_start_with_one_clear_line(tmp_path, postgres) -> None:
    cases = {
        "mysql://u:p@127.0.0.1/db": "scheme 'mysql' is not supported",
        postgres.url(password="wrong-password"): "password authentication failed",
        f"postgresql://u:secret-pw@127.0.0.1:{free_port()}/db": "Connection refused",
    }
    procs = {
        url: subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(tmp_path / "data", BARRAISER_DATABASE_URL=url),
        )
        for url in cases
    }
    for url, expected in cases.items():
        out, err = procs[url].communicate(timeout=120)
        assert procs[url].returncode == 1, (out, err)
        lines = [ln for ln in err.splitlines() if ln.startswith("barraiser: ")]
        assert len(lines) == 1 and expected in lines[0], err
        assert "Traceback" not in err and "Traceback" not in out
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
