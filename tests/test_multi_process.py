"""Past one machine: a Chroma server (CHROMA_HOST), several processes on one session database.

- The story bank runs against a real `chroma run` server, from two processes.
- Two `python app.py` processes share one SQLite file and one Chroma server and serve drills at
  the same time.
- A drill moves between processes: started in one, resumed and continued in another, back again,
  every turn exactly once; a stale copy of a drill in a third process cannot overwrite it.
- The page keeps only the session id in `gr.State` and reloads the drill from the store on every
  event, so a load balancer needs no sticky sessions:
  `test_the_page_follows_a_session_to_another_process` moves one page between processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    REPO,
    child_env,
    free_port,
    start_app,
    stop_process,
    stop_process_group,
    wait_for_port,
)

pytestmark = pytest.mark.slow

ANSWERS = (
    "Last spring our checkout service kept timing out in sales. The team looked at it and we "
    "added a cache, and things got better after that.",
    "I personally profiled the service and found the N+1 query, then I rewrote it with batching.",
    "Latency went from 2.1 seconds to 300 ms and cart abandonment fell 12% in the next sale.",
    "I learned to profile before guessing, and now I load test before every peak event.",
)

# One step of a drill in its own process, built exactly as app.py builds its services.
WORKER = r"""
import json, sys, time
from pathlib import Path
from agents.config import load_settings
from agents.drill.state import DrillConfig
from agents.services import build_services

cmd = json.loads(sys.argv[1])
services = build_services(load_settings())
iv = services.interviewer
if cmd["op"] == "start":
    state = iv.start(DrillConfig(seed=5, mode="interview", n_questions=2))
elif cmd["op"] == "resume":
    state = iv.resume(user="local", session_id=cmd["id"])
else:  # "load": a copy of the drill, as a second tab or process would hold it
    state = services.sessions.load(cmd["id"], "local")
if cmd.get("ready"):
    Path(cmd["ready"]).touch()
if cmd.get("wait_for"):
    deadline = time.monotonic() + 60
    while not Path(cmd["wait_for"]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
for answer in cmd.get("answers", []):
    iv.respond(state, answer)
if cmd.get("story"):
    services.stories.create("local", cmd["story"])
hits = []
if cmd.get("search"):
    hits = [h.title for h in services.stories.search("local", cmd["search"])]
print(json.dumps({"id": state.id, "notices": state.notices, "hits": hits,
                  "turns": [[t.role, t.kind, t.text] for t in state.turns]}))
"""


def chroma_command() -> list[str]:
    """The `chroma` console script installed next to this Python."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip(f"{exe} is not installed")
    return [str(exe)]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` server on 127.0.0.1, stopped after the module."""
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    # Its request log goes to a file: a pipe nobody reads would fill up and block the server.
    with (root / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [*chroma_command(), "run", "--path", str(root / "db"), "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )  # fmt: skip
        try:
            wait_for_port(port, proc, timeout=60)
            yield "127.0.0.1", port
        finally:
            stop_process_group(proc)


def worker(data: Path, chroma: tuple[str, int], **cmd: Any) -> subprocess.Popen[str]:
    """Start one worker process on the shared data dir and Chroma server."""
    env = child_env(data, CHROMA_HOST=chroma[0], CHROMA_PORT=str(chroma[1]))
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, json.dumps(cmd)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """Wait for a worker and parse what it printed."""
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def step(data: Path, chroma: tuple[str, int], **cmd: Any) -> dict[str, Any]:
    """Run one worker to completion."""
    return result(worker(data, chroma, **cmd))


def candidate_texts(turns: list[list[str]]) -> list[str]:
    """The candidate's replies in a transcript."""
    return [text for role, _kind, text in turns if role == "candidate"]


def test_story_bank_on_a_chroma_server_from_two_processes(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    story = {
        "title": "Checkout latency fix",
        "text": "Our checkout timed out during sales. I profiled it, rewrote the slow query with "
        "batching, and p99 latency fell from 2.1 s to 300 ms.",
        "lps": ["dive-deep"],
    }
    step(tmp_path / "a", chroma_server, op="start", story=story)
    # Another process with its own (empty) data dir finds it: the stories live in the server.
    found = step(
        tmp_path / "b",
        chroma_server,
        op="start",
        search="Tell me about a time you made a slow system faster.",
    )
    assert "Checkout latency fix" in found["hits"]
    assert not (tmp_path / "b" / "chroma").exists()  # nothing was stored locally


def test_a_drill_moves_between_processes_and_back(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    data = tmp_path / "shared"
    first = step(data, chroma_server, op="start", answers=[ANSWERS[0]])
    session = first["id"]
    second = step(data, chroma_server, op="resume", id=session, answers=[ANSWERS[1]])
    third = step(data, chroma_server, op="resume", id=session, answers=[ANSWERS[2]])
    assert second["id"] == third["id"] == session
    assert candidate_texts(third["turns"]) == list(ANSWERS[:3])
    assert not third["notices"], third["notices"]

    from agents.drill.sessions import SessionStore

    store = SessionStore(data / "barraiser.sqlite3")
    try:
        stored = store.load(session, "local")
        assert stored is not None
        assert [t.text for t in stored.turns] == [t[2] for t in third["turns"]]
        assert stored.pending is False
    finally:
        store.close()


def test_a_stale_copy_in_another_process_cannot_overwrite_the_drill(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    data = tmp_path / "shared"
    session = step(data, chroma_server, op="start", answers=[ANSWERS[0]])["id"]
    loaded, moved_on = tmp_path / "stale-loaded", tmp_path / "moved-on"
    # The stale process loads the drill, then waits while another process answers.
    stale = worker(
        data, chroma_server, op="load", id=session, ready=str(loaded),
        wait_for=str(moved_on), answers=["A late reply from an old tab that must not be saved."],
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not loaded.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    current = step(data, chroma_server, op="resume", id=session, answers=[ANSWERS[1]])
    moved_on.touch()
    late = result(stale)
    assert any("could not be saved" in n for n in late["notices"]), late["notices"]

    from agents.drill.sessions import SessionStore

    store = SessionStore(data / "barraiser.sqlite3")
    try:
        stored = store.load(session, "local")
        assert stored is not None
        texts = [t.text for t in stored.turns]
        assert texts == [t[2] for t in current["turns"]]
        assert "A late reply from an old tab that must not be saved." not in texts
    finally:
        store.close()


@pytest.fixture
def two_apps(tmp_path: Path, chroma_server: tuple[str, int]) -> Iterator[tuple[Path, list[str]]]:
    """Two `python app.py` processes on one data dir (one SQLite file) and one Chroma server."""
    data = tmp_path / "shared"
    chroma = {"CHROMA_HOST": chroma_server[0], "CHROMA_PORT": str(chroma_server[1])}
    started = [start_app(data, **chroma) for _ in range(2)]
    try:
        yield data, [app.wait(timeout=90).url for app in started]
    finally:
        for app in started:
            stop_process(app.proc)


def test_two_app_processes_serve_drills_into_one_database(
    two_apps: tuple[Path, list[str]],
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    data, urls = two_apps

    def drill(url: str) -> str:
        client = Client(url, verbose=False)
        client.predict("sde2", "loop", "interview", [], api_name="/start_drill")
        chat, _box = client.predict(ANSWERS[0], api_name="/send_answer")
        client.close()
        return json.dumps(chat)

    with ThreadPoolExecutor(4) as pool:
        chats = list(pool.map(drill, urls * 2))
    assert all(ANSWERS[0] in c for c in chats)

    from agents.drill.sessions import SessionStore

    store = SessionStore(data / "barraiser.sqlite3")
    try:
        sessions = store.list("local")
        assert len(sessions) == 4
        for info in sessions:
            texts = [t["text"] for t in store.turns(info.id, "local")]
            assert texts.count(ANSWERS[0]) == 1
    finally:
        store.close()


def test_the_page_follows_a_session_to_another_process(
    two_apps: tuple[Path, list[str]],
) -> None:
    """The same browser session, routed to the second process by a load balancer."""
    from gradio_client import Client

    _data, (url_a, url_b) = two_apps
    a = Client(url_a, verbose=False)
    chat = a.predict("sde2", "loop", "interview", [], api_name="/start_drill")
    question = json.dumps(chat[-1])
    b = Client(url_b, verbose=False)
    b.session_hash = a.session_hash  # what a load balancer without affinity does
    chat, _box = b.predict(ANSWERS[0], api_name="/send_answer")
    a.close()
    b.close()
    assert json.dumps(chat[-3]) == question or question in json.dumps(chat)
    assert len([m for m in chat if m["role"] == "user"]) == 1
    assert "Coach:" not in json.dumps(chat)  # still the interview-mode drill it started
