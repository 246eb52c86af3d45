"""The page's handlers as plain functions (no server): drill reference and reload, grade card
escaping, timer, Feedback export (Markdown and PDF), Stories import/edit/coverage/coaching,
Status without secrets, delete my data, and two users kept apart."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from agents.ui import drill as ui_drill
from agents.ui import feedback as ui_feedback
from agents.ui import status as ui_status
from agents.ui import stories as ui_stories

ALICE = SimpleNamespace(username="alice")
BOB = SimpleNamespace(username="bob")
STORY_MD = """## Checkout latency
LPs: dive-deep

Our checkout timed out during sales. I owned reliability. I profiled the service and rewrote the
slow query. Latency went from 2.1 s to 300 ms and abandoned carts fell 18%. I learned to load test.

## Pairing on call
Two juniors struggled on call. I paired with each for a week. They went solo after six weeks.
"""


def _answer(services, text: str, ref, request=None):
    return list(ui_drill.send_answer(services, text, ref, request))[-1]


def test_the_page_finds_the_drill_from_its_reference_or_the_store(services) -> None:
    _start, ref = ui_drill.start_drill(services, "sde2", "loop", "coach", request=ALICE)
    _chat, ref2, _ = _answer(services, "We fixed the outage together.", ref, ALICE)
    assert ref2["id"] == ref["id"]
    # A page (or process) without the reference continues the user's open drill...
    chat_b, ref_b, _ = _answer(services, "I personally rewrote the script.", None, ALICE)
    assert ref_b["id"] == ref["id"] and "I personally rewrote the script." in str(chat_b)
    # ...but never another user's.
    assert ui_drill.load_drill(services, ref, "bob") is None
    resumed, ref_r = ui_drill.resume_latest(services, ALICE)
    assert ref_r and ref_r["id"] == ref["id"] and "Welcome back" in resumed[-1]["content"]


def test_the_grade_card_escapes_the_answer_and_marks_evidence(services) -> None:
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach")
    answer = (
        "Last year <script>alert(1)</script> our deploys failed weekly. I rewrote the pipeline "
        "myself. Failed deploys fell from 9% to 2%."
    )
    _answer(services, answer, ref)
    card = ui_drill.grade_card(services, ref)
    assert "<script>" not in card and "&lt;script&gt;" in card
    assert "ev-action" in card and "ev-result" in card
    _chat, iref = ui_drill.start_drill(services, "sde2", "loop", "interview")
    _answer(services, answer, iref)
    assert "held until the debrief" in ui_drill.grade_card(services, iref)


def test_timer_text() -> None:
    ref = {"id": "x", "started_at": 1000.0, "minutes": 30, "status": "awaiting_answer"}
    assert ui_drill.timer_text(ref, now=1192.0) == "Timer: 03:12 of 30:00"
    assert "time is up" in ui_drill.timer_text(ref, now=1000.0 + 31 * 60)
    assert ui_drill.timer_text(None) == "Timer: not started"


def test_feedback_view_and_exports(services) -> None:
    _chat, ref = ui_drill.start_drill(services, "sde2", "phone", "coach", request=ALICE)
    _answer(services, "I rewrote the deploy script myself and failures fell from 9% to 2%.", ref,
            ALICE)  # fmt: skip
    ui_drill.end_drill(services, ref, ALICE)
    text, radar, star, trend, spoken = ui_feedback.feedback_view(services, None, ALICE)
    assert "Debrief" in text and radar is not None and star is not None and trend is not None
    assert spoken is not None  # no spoken answers yet: a figure that says where they will appear
    for fmt, suffix in (("markdown", ".md"), ("pdf", ".pdf")):
        path, notice = ui_feedback.export_debrief(services, ref["id"], fmt, ALICE)
        assert path and path.endswith(suffix) and Path(path).stat().st_size > 200, notice
    assert Path(path).read_bytes().startswith(b"%PDF")
    # Bob cannot export Alice's session, and has no sessions to choose from.
    assert ui_feedback.export_debrief(services, ref["id"], "markdown", BOB)[0] is None
    assert ui_feedback.session_choices(services, BOB) == []


def test_stories_handlers(services, tmp_path: Path) -> None:
    md = tmp_path / "stories.md"
    md.write_text(STORY_MD, "utf-8")
    assert "Imported 2 stories" in ui_stories.import_stories(services, str(md), ALICE)
    rows = ui_stories.story_rows(services, ALICE)
    assert [r[1] for r in rows] == ["Checkout latency", "Pairing on call"]
    story_id = rows[0][0]
    form = ui_stories.load_story(services, story_id, ALICE)
    form["title"] = "Checkout latency (edited)"
    notice, saved = ui_stories.save_story(services, form, ALICE)
    assert saved == story_id and "Saved" in notice
    assert "Coaching: Checkout latency (edited)" in ui_stories.coaching_view(
        services, story_id, ALICE
    )
    fig, findings = ui_stories.coverage_view(services, ALICE)
    assert fig is not None and findings
    assert "Checkout latency" in ui_stories.find_story(services, "a slow service you fixed", ALICE)
    *fields, lps = ui_stories.split_text(
        services, "Last year our API was slow. I added a cache. Latency fell 40%.", []
    )
    assert any("cache" in f for f in fields) and lps
    path, _ = ui_stories.export_stories(services, "yaml", ALICE)
    assert path and "Checkout latency (edited)" in Path(path).read_text("utf-8")
    # Bad uploads: a clear message, nothing lost; another user sees nothing.
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\xff\xfe binary")
    assert ui_stories.import_stories(services, str(bad), ALICE).startswith("⚠")
    assert len(ui_stories.story_rows(services, ALICE)) == 2
    assert ui_stories.story_rows(services, BOB) == []
    assert ui_stories.coaching_view(services, story_id, BOB).startswith("⚠")
    assert "No stories yet" in ui_stories.find_story(services, "slow service", BOB)
    assert ui_stories.delete_story(services, story_id, False, ALICE).startswith("Tick")
    assert ui_stories.delete_story(services, story_id, True, ALICE) == "Deleted."


def test_status_shows_backends_but_never_the_key(tmp_path: Path) -> None:
    from agents.config import Settings
    from agents.services import build_services

    key = "sk-status-secret-42"
    services = build_services(Settings(_env_file=None, data_dir=tmp_path, openai_api_key=key,
                                       openai_base_url="http://127.0.0.1:9/v1"))  # fmt: skip
    table = ui_status.status_markdown(services, ALICE)
    assert "Speech to text" in table and "alice" in table and key not in table
    assert ui_status.delete_data(services, False, ALICE).startswith("Tick")


def test_delete_my_data_from_the_page(services) -> None:
    _chat, _ref = ui_drill.start_drill(services, "sde2", "loop", "coach", request=ALICE)
    ui_drill.start_drill(services, "sde2", "loop", "coach", request=BOB)
    message = ui_status.delete_data(services, True, ALICE)
    assert message.startswith("Deleted 1 sessions"), message
    assert services.sessions.list("alice") == [] and len(services.sessions.list("bob")) == 1
