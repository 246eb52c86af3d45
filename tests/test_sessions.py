"""The session store on SQLite and on a real PostgreSQL server (started by the suite): turn-by-turn
writes, exact resume, per-user scoping, progress, stale-write refusal."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from test_interviewer_policy import ALL_WE, DEEP_ANSWER, STRONG, Clock

from agents.drill.interviewer import Interviewer
from agents.drill.sessions import SessionStore, SessionStoreError
from agents.drill.state import DrillConfig
from agents.grading import Grader
from agents.lp.principles import load_principles


@pytest.fixture
def store(db_url: str) -> SessionStore:
    s = SessionStore(db_url)
    yield s
    s.close()


def interviewer(store: SessionStore, clock: Clock | None = None) -> Interviewer:
    return Interviewer(Grader(None), load_principles(), None, clock or Clock(), store=store)


def raw(store: SessionStore, sql: str, **params: object) -> list[tuple]:
    """Read committed rows with a separate engine, as another process would."""
    engine = create_engine(store.engine.url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def raw_turns(store: SessionStore, session_id: str) -> list[tuple]:
    """The committed turn rows of one session, read from outside the store."""
    return raw(
        store,
        "SELECT seq, role, kind, text FROM turns WHERE session_id = :s ORDER BY seq",
        s=session_id,
    )


def test_schema_at_head_and_sqlite_keeps_wal_and_full_sync(store: SessionStore) -> None:
    pragmas = store.pragmas()
    assert pragmas["schema"] == "0002" and store.schema_is_current()
    if store.backend == "sqlite":
        assert pragmas["journal_mode"] == "wal"
        assert pragmas["synchronous"] == 2  # FULL
    else:
        assert store.path is None and "***" in store.url


def test_every_turn_is_committed_as_it_happens(store: SessionStore) -> None:
    iv = interviewer(store)
    state = iv.start(DrillConfig(seed=1, mode="interview"))
    assert len(raw_turns(store, state.id)) == 2  # greeting + question
    iv.respond(state, ALL_WE)
    rows = raw_turns(store, state.id)
    assert [r[0] for r in rows] == list(range(len(state.turns)))
    assert rows[-2][1:3] == ("candidate", "answer") and rows[-1][2] == "probe"


def test_candidate_turn_is_saved_before_the_reply_is_computed(store: SessionStore) -> None:
    iv = interviewer(store)
    state = iv.start(DrillConfig(seed=1))
    seen: list[int] = []
    real = iv.grader.grade

    def spy(*args, **kwargs):
        seen.append(len(raw_turns(store, state.id)))
        return real(*args, **kwargs)

    iv.grader.grade = spy  # type: ignore[method-assign]
    iv.respond(state, ALL_WE)
    assert seen == [3]  # greeting, question and the answer were already on disk


def test_load_is_exact_and_save_is_idempotent(store: SessionStore) -> None:
    iv = interviewer(store)
    state = iv.start(DrillConfig(seed=2, mode="coach"))
    for reply in [ALL_WE, "I rewrote it myself.", "ok", "ok"]:
        iv.respond(state, reply)
    store.save_turns(state, 0)
    store.save_turns(state, 0)
    loaded = store.load(state.id, "local")
    assert loaded is not None
    assert loaded.model_dump() == state.model_dump()
    assert len(raw_turns(store, state.id)) == len(state.turns)


def test_queries_are_scoped_to_the_user(store: SessionStore) -> None:
    iv = interviewer(store)
    alice = iv.start(DrillConfig(seed=1), user="alice")
    bob = iv.start(DrillConfig(seed=1), user="bob")
    assert store.load(alice.id, "bob") is None
    assert store.turns(alice.id, "bob") == []
    assert [s.id for s in store.list("alice")] == [alice.id]
    assert store.latest_open("bob").id == bob.id
    assert store.recent_questions("bob") == [bob.questions[0].question]
    # A write for a session id owned by someone else is refused.
    bob.id = alice.id
    with pytest.raises(SessionStoreError):
        store.save_turns(bob, 0)
    assert store.delete_user("alice") == 1
    assert store.list("alice") == [] and store.list("bob")
    assert raw_turns(store, alice.id) == []


def test_latest_open_recent_questions_and_progress(store: SessionStore) -> None:
    clock = Clock()
    iv = interviewer(store, clock)
    done = iv.start(DrillConfig(seed=1, n_questions=1, mode="interview"))
    for reply in [STRONG, DEEP_ANSWER]:
        iv.respond(done, reply)
    assert done.status == "done"
    clock.advance(3600)
    second = iv.start(DrillConfig(seed=1, n_questions=2, mode="interview"))
    iv.respond(second, ALL_WE)
    iv.respond(second, "We fixed it.")
    iv.end(second)
    clock.advance(3600)
    open_one = iv.start(DrillConfig(seed=1, mode="interview"))
    latest = store.latest_open("local")
    assert latest is not None and latest.id == open_one.id
    recent = store.recent_questions("local", 2)
    assert second.questions[0].question in recent and done.questions[0].question not in recent
    assert open_one.questions[0].question not in {done.questions[0].question}
    progress = store.progress("local")
    assert [p.session_id for p in progress] == [done.id, second.id, open_one.id]
    assert progress[0].overall == 5.0 and progress[0].signal == "strong"
    assert progress[1].overall is not None and progress[1].overall < progress[0].overall
    assert progress[1].measurability is not None and progress[1].ownership is not None
    assert progress[2].status == "open" and progress[2].answered == 0


def test_resume_continues_exactly_where_it_stopped(store: SessionStore) -> None:
    clock = Clock()
    iv = interviewer(store, clock)
    state = iv.start(DrillConfig(seed=3, mode="interview", minutes=30))
    iv.respond(state, ALL_WE)
    probe = state.questions[0].probes[-1]
    committed = len(state.turns)
    clock.advance(5 * 3600)  # the app was down for hours: not counted against the time-box
    fresh = interviewer(SessionStore(store.engine.url.render_as_string(False)), clock)
    resumed = fresh.resume("local")
    assert resumed is not None and resumed.id == state.id
    assert resumed.turns[:committed] == state.turns
    assert resumed.turns[-1].kind == "clarification" and probe in resumed.turns[-1].text
    assert not fresh.time_up(resumed)
    new = fresh.respond(resumed, "I rewrote the deploy script myself.")
    assert new and new[-1].kind in ("probe", "question")
    assert fresh.resume("nobody") is None


def test_resume_answers_a_reply_that_was_saved_but_not_answered(store: SessionStore) -> None:
    iv = interviewer(store)
    state = iv.start(DrillConfig(seed=4, mode="interview"))
    iv.receive(state, ALL_WE)  # the process dies right after saving the candidate's turn
    loaded = store.load(state.id, "local")
    assert loaded is not None and loaded.pending and loaded.turns[-1].role == "candidate"
    resumed = interviewer(store).resume("local", state.id)
    assert resumed is not None and not resumed.pending
    assert resumed.turns[-1].kind == "probe"
    candidate = [t for t in resumed.turns if t.role == "candidate"]
    assert [t.text for t in candidate] == [ALL_WE]  # not duplicated
    assert store.load(state.id, "local") == resumed


def test_threads_share_one_store(store: SessionStore) -> None:
    iv = interviewer(store)
    states = [iv.start(DrillConfig(seed=i), user=f"u{i}") for i in range(4)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for reply in [ALL_WE, "I did it.", "ok"]:
                iv.respond(states[i], reply)
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for s in states:
        assert store.load(s.id, s.user) == s


def test_unwritable_path_is_a_clear_error(tmp_path: Path) -> None:  # SQLite only
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SessionStoreError):
        SessionStore(blocker / "db.sqlite3")


def test_turn_rows_keep_structured_data(store: SessionStore) -> None:
    iv = interviewer(store)
    state = iv.start(DrillConfig(seed=5, mode="coach"))
    iv.respond(state, ALL_WE)
    [(meta, grade)] = raw(
        store,
        "SELECT meta, grade FROM turns WHERE session_id = :s AND role = 'candidate'",
        s=state.id,
    )
    assert json.loads(meta)["intake"] == "answer"
    assert json.loads(grade)["gaps"][0] == "ownership"


def test_a_stale_copy_never_overwrites_committed_turns(store: SessionStore) -> None:
    from agents.drill.sessions import StaleSessionError
    from agents.drill.state import DrillState

    iv = interviewer(store)
    state = iv.start(DrillConfig(seed=6, mode="interview"))
    stale = DrillState.model_validate(state.model_dump())
    iv.respond(state, ALL_WE)
    committed = raw_turns(store, state.id)
    with pytest.raises(StaleSessionError):
        store.save_turns(stale, 0)
    assert raw_turns(store, state.id) == committed
    # Through the interviewer the drill goes on in memory, with one notice, and nothing is lost.
    iv.respond(stale, "I rewrote the deploy script myself.")
    assert [t.kind for t in stale.turns].count("notice") == 1
    assert raw_turns(store, state.id) == committed


def test_saving_from_past_the_end_fills_the_gap(store: SessionStore) -> None:
    iv = Interviewer(Grader(None), load_principles(), None, Clock())  # no store: nothing saved
    state = iv.start(DrillConfig(seed=7))
    iv.respond(state, ALL_WE)
    store.save_turns(state, len(state.turns) - 1)  # asked to save only the last turn
    assert [r[0] for r in raw_turns(store, state.id)] == list(range(len(state.turns)))


def test_concurrent_saves_of_one_drill_from_separate_stores_one_wins(store: SessionStore) -> None:
    """Four processes' worth of engines race to save the same revision: exactly one commits."""
    from agents.drill.sessions import StaleSessionError
    from agents.drill.state import DrillState, Turn

    state = interviewer(store).start(DrillConfig(seed=8, mode="interview"))
    url = store.engine.url.render_as_string(hide_password=False)
    others = [SessionStore(url) for _ in range(4)]
    copies = [DrillState.model_validate(state.model_dump()) for _ in others]
    barrier = threading.Barrier(len(others))
    outcome: list[str] = [""] * len(others)

    def save(i: int) -> None:
        copies[i].turns.append(Turn(role="candidate", kind="answer", text=f"copy {i}", at=1.0))
        barrier.wait()
        try:
            others[i].save_turns(copies[i], len(copies[i].turns) - 1)
            outcome[i] = "saved"
        except StaleSessionError:
            outcome[i] = "stale"

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(others))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in others:
        s.close()
    assert sorted(outcome) == ["saved", "stale", "stale", "stale"]
    winner = outcome.index("saved")
    assert [r[3] for r in raw_turns(store, state.id)][-1] == f"copy {winner}"
    assert len(raw_turns(store, state.id)) == len(state.turns) + 1
