"""The shareable report (`barraiser drill --pdf`, `barraiser report`): the PDF says every character
of the Markdown, has real tables and the charts as images; bad session ids are clear errors."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_text import first_difference, image_count, markdown_text, pdf_text

from agents.cli.main import main

# Every character the old export printed as "?" or "=", plus accents, currency, CJK and emoji.
ANSWERS = [
    "At my last job — on the payments team — checkout latency was 900 ms → far too slow… "
    "I personally profiled the service, found an N+1 query and rewrote it myself; p95 fell from "
    "900 ms to 250 ms and conversion rose 3% (≥ our goal). ✅ Naïve café, 5 € saved, 中文 🎉",
    "I learned to measure before optimising; now I add latency budgets (>= 200 ms) to every "
    "design review and I check them <= weekly.",
    "I owned the on-call rota: I rewrote the runbook, trained 6 engineers and cut pages by 40% "
    "in two months, which saved the team about 10 hours a week.",
    "I dug into the logs myself, found a race in the cache layer and fixed it; errors dropped "
    "from 2% to 0.1% within a week.",
]
LPS = ["ownership", "dive-deep", "deliver-results"]


def _answers(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), "utf-8")
    return path


def _drill(tmp_path: Path, *extra: str, texts: list[str] = ANSWERS) -> None:
    src = _answers(tmp_path / f"answers-{time.monotonic_ns()}.jsonl", texts)
    args = ["drill", "--answers", str(src), "--quiet", "--seed", "3"]
    for lp in LPS:
        args += ["--lp", lp]
    assert main([*args, *extra]) == 0


def _session_ids(capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["drill", "--progress"]) == 0
    return [row["session_id"] for row in json.loads(capsys.readouterr().out)]


def test_pdf_says_every_character_of_the_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "drill.pdf"
    _drill(tmp_path, "--pdf", str(pdf))
    (session,) = _session_ids(capsys)
    md = tmp_path / "report.md"
    assert main(["report", session, "--md", str(md)]) == 0
    markdown = md.read_text("utf-8")
    reader = PdfReader(pdf)
    expected, got = markdown_text(markdown), pdf_text(reader)
    assert got == expected, first_difference(expected, got)
    # The characters the old export lost are there; nothing became "?".
    for ch in "—→…€ï中✔":
        assert ch in got, ch
    assert got.count("?") == expected.count("?")
    assert "(party popper)" in markdown and "🎉" not in markdown and "✅" not in markdown
    # Comparison signs in words: no ">=" that could print as "=" (the meaning would change).
    assert ">=" not in markdown and "<=" not in markdown and "≥" not in markdown
    assert "at least 4.0" in markdown and "budgets (at least 200 ms)" in markdown
    # A title a mentor can read: date, role, round and signal; the debrief heading once.
    title = markdown.splitlines()[0]
    assert title.startswith("# Software engineer (SDE II), interview loop: ")
    assert time.strftime("%Y") in title and re.search(r"Strong hire|Inclined|Not inclined", title)
    assert f"Drill {session}" not in markdown and markdown.count("Debrief") == 1
    assert reader.metadata is not None and reader.metadata.title == title.lstrip("# ")
    # Real tables: no Markdown pipes or rules in the PDF, the cells as text.
    raw = "\n".join(page.extract_text() for page in reader.pages)
    assert "|" not in raw and "---" not in raw
    assert re.search(r"Principle\s+Score\s+Questions", raw)
    # The candidate's own words are quoted under the improvements.
    assert '"I ' in raw or "“I " in raw
    # LP radar, STAR(L) heatmap, this drill's trend and the trend across sessions.
    assert image_count(reader) == 4


def test_report_of_a_past_session_as_markdown_and_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _drill(tmp_path, texts=ANSWERS[2:3])  # one answer: one principle, a bar chart
    _drill(tmp_path)
    first, _second = _session_ids(capsys)
    md, pdf = tmp_path / "out" / "first.md", tmp_path / "out" / "first.pdf"
    assert main(["report", first, "--md", str(md), "--pdf", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert str(md) in out and str(pdf) in out
    markdown = md.read_text("utf-8")
    assert f"session {first}" in markdown and "## Transcript" in markdown
    reader = PdfReader(pdf)
    assert pdf_text(reader) == markdown_text(markdown)
    # LP chart and heatmap; this drill's trend; the trend only up to this (first) session.
    assert image_count(reader) == 4
    # No file option: the Markdown on standard output.
    assert main(["report", first]) == 0
    assert capsys.readouterr().out == markdown


@pytest.mark.parametrize(
    "session_id", ["nope", "0123456789ab", "'; DROP TABLE sessions; --", "../../etc/passwd"]
)
def test_bad_session_ids_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], session_id: str
) -> None:
    _drill(tmp_path, texts=ANSWERS[:1])
    (real,) = _session_ids(capsys)
    pdf = tmp_path / "x.pdf"
    assert main(["report", session_id, "--pdf", str(pdf)]) == 2
    err = capsys.readouterr().err
    assert f"no drill session {session_id!r} for user 'local'" in err and real in err
    assert not pdf.exists()
    # Another user's session is not found either; the session itself is untouched.
    assert main(["report", real, "--user", "bob", "--md", str(tmp_path / "b.md")]) == 2
    assert "this user has no sessions yet" in capsys.readouterr().err
    assert main(["report", real]) == 0


def test_lp_chart_is_bars_below_three_principles() -> None:
    from agents.drill.state import Debrief, LPScore, Trends
    from agents.ui import charts

    def debrief(n: int) -> Debrief:
        scores = [LPScore(lp=f"p{i}", name=f"P{i}", score=3.0, questions=1) for i in range(n)]
        return Debrief(signal="inclined", signal_label="Inclined", mean_score=3.0, lowest_score=3,
                       rule="", per_lp=scores, heatmap=[], trends=Trends(), improvements=[],
                       suggested_stories=[])  # fmt: skip

    two, three = charts.lp_radar(debrief(2)), charts.lp_radar(debrief(3))
    assert two.axes[0].name == "rectilinear" and len(two.axes[0].patches) == 2
    assert three.axes[0].name == "polar"


def test_the_report_wording_names_every_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agents import prompts
    from agents.drill.report import ReportPhrases, report_phrases
    from agents.prompts import PhraseDataError

    assert report_phrases().roles["sde2"] == "Software engineer (SDE II)"
    source = (prompts.PHRASES_DIR / "report.yaml").read_text("utf-8")
    edited = source.replace('  nontech: "Non-technical role"\n', "")
    assert edited != source
    (tmp_path / "report.yaml").write_text(edited, "utf-8")
    monkeypatch.setattr(prompts, "PHRASES_DIR", tmp_path)
    with pytest.raises(PhraseDataError, match=r"report\.yaml.*roles: missing nontech"):
        prompts.load_phrases("report", ReportPhrases)


def test_an_unfinished_drill_has_a_report_without_a_debrief(
    services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from agents.drill.state import DrillConfig

    state = services.interviewer.start(DrillConfig(role="manager", round_type="bar_raiser"))
    md, pdf = tmp_path / "open.md", tmp_path / "open.pdf"
    assert main(["report", state.id, "--md", str(md), "--pdf", str(pdf)]) == 0
    markdown = md.read_text("utf-8")
    assert markdown.startswith("# Manager, bar raiser round: not finished (")
    assert "not finished yet" in markdown and state.questions[0].question in markdown
    reader = PdfReader(pdf)
    assert pdf_text(reader) == markdown_text(markdown) and image_count(reader) == 0
