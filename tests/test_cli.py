"""`barraiser` console script: help, grade (schema, malformed lines), scripted drill."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agents.cli.main import main

REPO = Path(__file__).resolve().parent.parent


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("ui", "grade", "drill"):
        assert command in out


def test_grade_writes_schema_and_skips_malformed_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "a",
                        "question": "q",
                        "answer": "We shipped it and I led the rollout. Sales rose 20%.",
                    }
                ),
                "{not json",
                json.dumps({"id": "b"}),
                json.dumps({"id": "c", "question": "q", "answer": "I don't know"}),
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["grade", str(src), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "line 2" in err and "line 3" in err
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "c"]
    for row in rows:
        assert set(row["components"]) == {"situation", "task", "action", "result", "learning"}
        for comp in row["components"].values():
            assert isinstance(comp["present"], bool) and isinstance(comp["evidence"], list)
        assert 0 <= row["measurability"]["level"] <= 3
        assert row["ownership"]["label"] in {"i", "we", "none"}
        assert 1 <= row["overall"] <= 5
        assert isinstance(row["gaps"], list) and isinstance(row["follow_up"], str)
        assert isinstance(row["flags"], list)
    assert "non_answer" in rows[1]["flags"]


def test_grade_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "/nonexistent/file.jsonl"]) == 2
    assert "input file not found" in capsys.readouterr().err


@pytest.mark.slow
def test_console_script_runs_offline_with_network_blocked(tmp_path: Path) -> None:
    from conftest import child_env

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "question": "q", "answer": "I fixed the build."}) + "\n")
    env = child_env(tmp_path / "data")
    script = Path(sys.executable).parent / "barraiser"
    proc = subprocess.run(
        [str(script), "grade", str(src)], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "x"


def test_scripted_drill_writes_transcript(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    answers.write_text(
        "\n".join(
            json.dumps({"text": t})
            for t in ["we did it", "I wrote the fix", "it got 30% faster", "learned a lot"]
        )
    )
    transcript = tmp_path / "t.json"
    code = main(
        [
            "drill",
            "--answers",
            str(answers),
            "--transcript",
            str(transcript),
            "--seed",
            "4",
            "--quiet",
        ]
    )
    assert code == 0
    data = json.loads(transcript.read_text("utf-8"))
    roles = {t["role"] for t in data["turns"]}
    assert roles == {"interviewer", "candidate"}
    assert data["turns"][-1]["kind"] == "debrief"
