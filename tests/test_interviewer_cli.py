"""`barraiser drill`: scripted runs, the transcript schema, controls typed as text, resume,
progress and exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.cli.main import main

KINDS = {"question", "probe", "clarification", "feedback", "debrief"}


def write_answers(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), "utf-8")
    return path


def drill(tmp_path: Path, answers: list[str], *extra: str) -> dict:
    src = write_answers(tmp_path / "answers.jsonl", answers)
    out = tmp_path / "t.json"
    code = main(["drill", "--answers", str(src), "--transcript", str(out), "--quiet", *extra])
    assert code == 0
    return json.loads(out.read_text("utf-8"))


def test_transcript_matches_the_schema_exactly(tmp_path: Path) -> None:
    data = drill(
        tmp_path,
        [
            "We had a flaky release. We rolled it back together and it went fine.",
            "Could you repeat the question?",
            "I personally rewrote the rollback script.",
            "What do you mean by customer?",
            "Give me a minute",
            "skip",
        ],
        "--seed",
        "4",
        "--mode",
        "coach",
        "--role",
        "senior",
        "--round",
        "bar_raiser",
        "--lp",
        "dive-deep",
    )
    assert set(data) == {"turns", "debrief"}
    for turn in data["turns"]:
        assert set(turn) == {"role", "kind", "text", "lp", "grade"}
        assert turn["role"] in {"interviewer", "candidate"} and turn["kind"] in KINDS
    candidate = [t for t in data["turns"] if t["role"] == "candidate"]
    assert [t["kind"] for t in candidate] == [
        "question",
        "clarification",
        "probe",
        "clarification",
        "clarification",
        "clarification",
    ]
    assert candidate[0]["grade"]["gaps"] and candidate[1]["grade"] is None
    assert data["turns"][1]["kind"] == "question" and data["turns"][1]["lp"] == "dive-deep"
    assert data["turns"][-1]["kind"] == "debrief"
    debrief = data["debrief"]
    assert debrief["signal"] in {"strong", "inclined", "not_inclined"}
    assert {"per_lp", "heatmap", "trends", "improvements", "suggested_stories", "rule"} <= set(
        debrief
    )


def test_running_out_of_answers_ends_without_inventing_a_reply(tmp_path: Path) -> None:
    data = drill(tmp_path, ["We did it."], "--seed", "1")
    assert [t["text"] for t in data["turns"] if t["role"] == "candidate"] == ["We did it."]
    assert data["turns"][-1]["kind"] == "debrief"


def test_resume_progress_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The scripted run ends the drill; an interactive run killed mid-way is the resume case
    # (tests/test_interviewer_resume.py). Here: nothing open -> a clear error.
    assert main(["drill", "--resume", "--quiet"]) == 2
    assert "no unfinished drill" in capsys.readouterr().err
    md = tmp_path / "drill.md"
    src = write_answers(tmp_path / "a.jsonl", ["I fixed the build myself and it got 30% faster."])
    assert main(["drill", "--answers", str(src), "--markdown", str(md), "--quiet"]) == 0
    text = md.read_text("utf-8")
    assert text.startswith("# Drill") and "## Debrief" in text
    assert main(["drill", "--progress"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["status"] == "done"


def test_bad_options_are_clear_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", "--lp", "not-a-principle", "--quiet"]) == 2
    assert "unknown LP" in capsys.readouterr().err
    assert main(["drill", "--minutes", "0", "--quiet"]) == 2
    assert "--minutes" in capsys.readouterr().err


def test_interactive_drill_reads_controls_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("can you repeat the question?\n/skip\n/end\n"))
    assert main(["drill", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "interviewer> Sure." in out and "Debrief" in out
