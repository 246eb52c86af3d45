"""Resume after kill: a drill process is SIGKILLed mid-session, and a new process finishes it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, child_env

FIRST = [
    "We had a flaky release last spring. We rolled it back and we rewrote the deploy script "
    "together. It went fine in the end.",
    "Can you repeat the question?",
    "I personally rewrote the rollback script and I ran the canary myself.",
]
REST = [
    "As a result the failed-deploy rate went from 9% to 2%, so customers saw fewer errors.",
    "Looking back, I learned to add canaries before launch.",
    "skip",
    "Let's end here.",
]


def committed(db: Path) -> list[tuple]:
    """(session, seq, role, kind, text) rows as another process sees them."""
    if not db.exists():
        return []
    with sqlite3.connect(db, timeout=10) as conn:
        try:
            return conn.execute(
                "SELECT session_id, seq, role, kind, text FROM turns ORDER BY session_id, seq"
            ).fetchall()
        except sqlite3.OperationalError:  # tables not created yet
            return []


def pending(db: Path) -> bool:
    with sqlite3.connect(db, timeout=10) as conn:
        row = conn.execute("SELECT state FROM sessions").fetchone()
    return bool(row and json.loads(row[0])["pending"])


@pytest.mark.slow
def test_killed_drill_resumes_with_nothing_lost_or_duplicated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = data / "barraiser.sqlite3"
    env = child_env(data)
    cmd = [sys.executable, "-m", "agents.cli.main", "drill", "--seed", "5", "--mode", "interview"]
    proc = subprocess.Popen(
        [*cmd, "--quiet"],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdin is not None
        for line in FIRST:
            proc.stdin.write(line + "\n")
        proc.stdin.flush()
        # Wait until all three replies are committed and answered; the process then blocks on
        # stdin for a fourth answer that never comes.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = committed(db)
            if sum(1 for r in rows if r[2] == "candidate") == 3 and not pending(db):
                break
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.1)
        else:
            pytest.fail("the drill did not commit three answers in time")
        before = committed(db)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    answers = tmp_path / "rest.jsonl"
    answers.write_text("".join(json.dumps({"text": t}) + "\n" for t in REST), "utf-8")
    transcript = tmp_path / "out.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "agents.cli.main",
            "drill",
            "--resume",
            "--answers",
            str(answers),
            "--transcript",
            str(transcript),
            "--quiet",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    after = committed(db)
    # Every turn committed before the kill is still there, unchanged and in order.
    assert after[: len(before)] == before
    assert len({r[0] for r in after}) == 1  # one session, resumed rather than restarted
    seqs = [r[1] for r in after]
    assert seqs == list(range(len(after)))
    candidate = [r[4] for r in after if r[2] == "candidate"]
    assert candidate == FIRST + REST  # nothing lost, nothing duplicated
    data_out = json.loads(transcript.read_text("utf-8"))
    assert [t["text"] for t in data_out["turns"]] == [r[4] for r in after]
    assert data_out["turns"][-1]["kind"] == "debrief"
    assert data_out["debrief"]["signal"] in ("strong", "inclined", "not_inclined")
    resumed_at = len(before)
    assert after[resumed_at][3] == "clarification" and "Welcome back" in after[resumed_at][4]
