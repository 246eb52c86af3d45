"""`barraiser resume import` and `barraiser transcript import`, run as the console command does,
and tailored practice for a job."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from agents.cli.main import main
from evals.material_files import DATA_DIR, load_resumes, render_docx


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_resume_import_json(tmp_path: Path, isolated_env: Path) -> None:
    resume = next(r for r in load_resumes("dev") if r.layout == "table")
    path = tmp_path / "cv.docx"
    path.write_bytes(render_docx(resume))
    code, out, _ = _run("resume", "import", str(path), "--json")
    assert code == 0
    payload = json.loads(out)
    assert [s["text"] for s in payload["seeds"]] == resume.gold
    first = payload["seeds"][0]
    assert set(first) >= {"title", "text", "metrics", "lps", "missing"}
    assert all(m in first["text"] for m in first["metrics"])
    assert (isolated_env / "users" / "local" / "material" / "resume" / "cv.docx").is_file()


def test_resume_import_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    code, out, err = _run("resume", "import", str(path), "--json")
    assert code == 2 and out == ""
    assert "empty" in err and "Traceback" not in err


def test_transcript_import_json_saves_a_session(services) -> None:
    path = DATA_DIR / "transcripts" / "dev2_04_nolabels.vtt"
    code, out, _ = _run("transcript", "import", str(path), "--json")
    assert code == 0
    payload = json.loads(out)
    assert len(payload["questions"]) == 2
    assert all(q["grade"]["overall"] >= 1 for q in payload["questions"])
    assert payload["debrief"]["signal"]
    assert [s.id for s in services.sessions.list("local")] == [payload["session_id"]]


def test_tailored_questions_name_the_candidate_domain() -> None:
    from agents.question_gen.tailored import choose_lps, tailor, with_domain

    resume = next(r for r in load_resumes("dev") if r.name == "dev_01_backend").text
    questions = tailor(resume=resume, job="Own our payments platform.", role="senior", seed=4)
    assert len(questions) == 3
    assert all(q.domain and q.domain.lower() in q.text.lower() for q in questions)
    # LPs the bank covers worst come first.
    strong = {"ownership": 3, "deliver-results": 3}
    assert not {"ownership", "deliver-results"} & set(choose_lps("senior", None, strong, 2))
    assert with_domain("Tell me about a time you failed.", "booking API").endswith(
        "ideally from your work on the booking API."
    )
