"""Crashes: kill -9 mid-drill (the real web app), mid-import and mid-export (real story-bank
processes); on restart every committed turn and story is there, nothing is half-written, and the
drill resumes.

Stories live only in Chroma (the story record and its search chunks, written together in one
batch per story); SQLite holds sessions and refers to stories by id only. So the consistency to
prove is Chroma's own after a kill: every story present has all its chunks, no chunk is orphaned,
the vector index finds what the records hold, and an import that reported success survives.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import child_env, start_app

from agents.drill.interviewer import Interviewer
from agents.drill.sessions import SessionStore
from agents.grading import Grader
from agents.lp.principles import load_principles
from agents.stories import parse_stories

HERE = Path(__file__).resolve().parent
ANSWERS = [
    "We had a flaky release last spring. We rolled it back and rewrote the deploy script.",
    "I personally rewrote the deploy script and I ran the canary myself before the launch.",
    "Failed deploys went from 9% to 2%, which saved our customers a lot of errors.",
    "I chose the batched query over a cache because a cache would hide the problem.",
    "Looking back, I learned to load test before every peak event.",
    "At my last company I owned billing. I rewrote the retry logic and duplicate charges fell "
    "from 40 a week to zero, compared with the quarter before.",
]


def _stories_file(path: Path, n: int, tag: str) -> Path:
    blocks = [
        f"## {tag} story {i:03d}: the {tag} checkout fix\nID: {tag}{i:03d}\n\nAt Company{i} "
        f"the {tag} checkout failed customers weekly. I was responsible for it, so I rewrote the "
        f"cart query and added monitoring. Incidents fell from {10 + i} to {i % 5} a month. I "
        "learned to measure before changing anything.\n"
        for i in range(n)
    ]
    path.write_text("\n".join(blocks), "utf-8")
    return path


class Child:
    """A child process whose stdout lines arrive on a queue (never a blocking read)."""

    def __init__(self, args: list[str], data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "crash_child.py"), *args],
            env=child_env(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float = 90.0) -> str:
        """The first output line starting with `prefix`."""
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            seen.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no {prefix!r} line; got: {seen[-20:]}")

    def kill9(self) -> None:
        """SIGKILL, no clean-up of any kind."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def finish(self, timeout: float = 120.0) -> int:
        """Wait for a normal exit."""
        return self.proc.wait(timeout=timeout)


def _verify(data_dir: Path, *questions: str) -> dict[str, Any]:
    child = Child(["verify", *questions], data_dir)
    line = child.wait_for("{")
    assert child.finish() == 0
    result = json.loads(line)
    assert result["problems"] == [], result["problems"]
    return result


def _sizes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


# --- stories --------------------------------------------------------------------------------


@pytest.mark.slow
def test_kill_mid_import_keeps_committed_stories_and_every_story_whole(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _stories_file(tmp_path / "first.md", 20, "alpha")
    second = _stories_file(tmp_path / "second.md", 40, "beta")

    # 1. Kill while the second import is embedding (well before it writes).
    child = Child(["import", str(first), str(second)], data)
    child.wait_for(f"DONE {first}")
    time.sleep(0.5)
    child.kill9()
    after = _verify(data, "alpha checkout fix")
    alpha = {f"alpha{i:03d}" for i in range(20)}
    assert alpha <= set(after["ids"])  # the committed import survived the kill

    # 2. Kill at the first byte the second import writes to Chroma (mid-write, if it can be).
    chroma = data / "chroma"
    child = Child(["import", str(second)], data)
    baseline = _sizes(chroma)
    deadline = time.monotonic() + 90
    while _sizes(chroma) == baseline and child.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    child.kill9()
    after = _verify(data)
    assert alpha <= set(after["ids"])
    beta = set(after["ids"]) - alpha
    print(f"\nkilled mid-write: {len(beta)} of 40 stories of the interrupted import present")

    # 3. Re-running the interrupted import completes it without duplicates.
    child = Child(["import", str(second)], data)
    child.wait_for(f"DONE {second}")
    assert child.finish() == 0
    final = _verify(data, "beta checkout fix")
    assert final["stories"] == 60
    assert any(sid.startswith("beta") for sid in final["found"]["beta checkout fix"])


@pytest.mark.slow
def test_kill_mid_export_leaves_a_whole_file_or_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    src = _stories_file(tmp_path / "stories.md", 15, "gamma")
    child = Child(["import", str(src)], data)
    child.wait_for(f"DONE {src}")
    assert child.finish() == 0
    for fmt, delay in (("json", 0.05), ("md", 0.2), ("yaml", 0.0)):
        dest = tmp_path / f"export.{fmt}"
        child = Child(["export", str(dest), "100000"], data)
        child.wait_for("EXPORTED 0")
        time.sleep(delay)
        child.kill9()
        # The export file is complete (written to a temp file and renamed), the bank intact.
        assert len(parse_stories(dest.read_text("utf-8"), fmt, str(dest))) == 15
        assert _verify(data)["stories"] == 15


# --- drills in the web app ------------------------------------------------------------------


def _texts(chat: Any) -> list[str]:
    """The message texts of a Chatbot value as gradio_client returns it."""
    out = []
    for message in chat:
        content = message["content"] if isinstance(message, dict) else message
        if isinstance(content, list):
            content = "".join(c.get("text", "") for c in content if isinstance(c, dict))
        out.append(str(content))
    return out


def _drill_until_killed(url: str, proc: subprocess.Popen[str], delay: float) -> list[str]:
    """Start a drill, answer twice, then kill -9 the app `delay` s into a third answer."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    client.predict("sde2", "loop", "coach", [], api_name="/start_drill")
    chat: Any = None
    for answer in ANSWERS[:2]:
        chat = client.predict(answer, api_name="/send_answer")[0]
    in_flight = threading.Thread(
        target=lambda: _swallow(client.predict, ANSWERS[2], api_name="/send_answer"), daemon=True
    )
    in_flight.start()
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    in_flight.join(timeout=30)
    return _texts(chat)


def _swallow(fn: Any, *args: Any, **kwargs: Any) -> None:
    with contextlib.suppress(Exception):  # the server was killed under it: expected
        fn(*args, **kwargs)


def _check_and_resume(data: Path, seen: list[str]) -> None:
    """Every turn the candidate saw is committed, nothing twice or half; the drill resumes."""
    from agents.ui.app import turns_to_chat

    store = SessionStore(data / "barraiser.sqlite3")
    try:
        state = store.latest_open("local")
        assert state is not None
        stored = [m["content"] for m in turns_to_chat(state.turns)]
        assert stored[: len(seen)] == seen  # every committed turn, in order
        extra = state.turns[len(seen) :]
        # Past what was seen: at most the in-flight answer (once) and, if it was committed,
        # the whole reply to it; never a partial reply.
        assert [t.text for t in extra if t.role == "candidate"] in ([], [ANSWERS[2]])
        if state.pending:
            assert extra and extra[-1].role == "candidate"
        iv = Interviewer(Grader(None), load_principles(), store=store)
        resumed = iv.resume("local", state.id)
        assert resumed is not None and not resumed.pending
        assert sum(t.text == ANSWERS[2] for t in resumed.turns) <= 1
        for answer in ANSWERS[3:] * 4:
            if resumed.status == "done":
                break
            iv.respond(resumed, answer)
        iv.end(resumed)
        assert resumed.status == "done"
        reloaded = store.load(resumed.id, "local")
        assert reloaded is not None
        assert [t.text for t in reloaded.turns] == [t.text for t in resumed.turns]
    finally:
        store.close()


@pytest.mark.slow
def test_kill_the_app_mid_drill_then_restart_and_resume(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for delay in (0.02, 0.15):
        app = start_app(data).wait(timeout=90)
        proc = app.proc
        try:
            seen = _drill_until_killed(app.url, proc, delay)
        finally:
            if proc.poll() is None:
                proc.kill()
        _check_and_resume(data, seen)
    # After two kills the app still starts on the same data and serves a drill.
    app = start_app(data).wait(timeout=90)
    proc = app.proc
    try:
        from gradio_client import Client

        chat = Client(app.url, verbose=False).predict(
            "sde2", "phone", "coach", [], api_name="/start_drill"
        )
        assert _texts(chat)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    store = SessionStore(data / "barraiser.sqlite3")
    assert store.path.exists() and len(store.list("local")) >= 3
    store.close()
