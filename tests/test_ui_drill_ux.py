"""The Drill page's UX rules as plain handler calls (issue 18, items 1, 2, 3, 5, 7): a question
answered then skipped is scored on its answers; the grade card follows the chat; Send before
Start starts nothing; a new drill asks before setting an unfinished one aside; summaries and the
debrief live in their own panel; a very long answer is not echoed into the card."""

from __future__ import annotations

import html
import threading
from types import SimpleNamespace

from agents.drill.state import DrillConfig
from agents.ui import drill as ui_drill
from agents.ui import drill_guard
from agents.ui import feedback as ui_feedback
from agents.ui.drill_view import card_for, panel_for
from agents.ui.page_phrases import page_phrases
from agents.ui.prompts import drill_these

ALICE = SimpleNamespace(username="alice")
WE_ANSWER = (
    "Last year our checkout service kept timing out during big sales. We looked into it "
    "together and we changed a few things, and it went fine in the end."
)
STRONG = (
    "I was responsible for checkout reliability. I profiled the service myself, I found an N+1 "
    "query and I rewrote it as one batched query. Checkout latency went from 2.1 seconds to 400 "
    "milliseconds and cart abandonment fell 12 percent in the next sale."
)


def _answer(services, text: str, ref, request=None):
    return list(ui_drill.send_answer(services, text, ref, request))[-1]


def _state(services, ref, user: str = "local"):
    state = ui_drill.load_drill(services, ref, user)
    assert state is not None
    return state


def test_a_question_answered_then_skipped_is_scored_on_its_answers(services) -> None:
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach")
    _answer(services, WE_ANSWER, ref)
    state = _state(services, ref)
    assert state.questions[0].grade is not None and state.awaiting == "probe"
    ui_drill.skip_question(services, ref)  # a probe the candidate would rather not take
    assert len(_state(services, ref).questions) == 2
    ui_drill.skip_question(services, ref)  # the next question, never answered
    ui_drill.end_drill(services, ref)
    state = _state(services, ref)
    q0, q1 = state.questions[0], state.questions[1]
    assert not q0.skipped and q1.skipped
    debrief = state.debrief
    assert debrief is not None
    rows = {row.index: row for row in debrief.heatmap}
    assert rows[0].status == "graded" and rows[0].score == q0.grade.overall >= 2
    assert rows[1].status == "skipped" and rows[1].score == 1
    assert debrief.conduct.get("skipped") == 1
    # "Stories to prepare" quotes questions that were actually asked.
    asked = {q.question for q in state.questions}
    assert debrief.suggested_stories
    assert all(s.prompt in asked for s in debrief.suggested_stories if s.reason)


def test_the_card_shows_the_probe_the_chat_asked_and_starts_afresh(services) -> None:
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach")
    card, _panel = ui_drill.drill_panels(services, ref)
    assert page_phrases().card_first in card
    chat, ref, _ = _answer(services, WE_ANSWER, ref)
    state = _state(services, ref)
    probe = state.questions[0].probes[-1]
    card, _panel = ui_drill.drill_panels(services, ref)
    assert f"Next probe</b>: {html.escape(probe)}" in card and probe in chat[-1]["content"]
    ui_drill.skip_question(services, ref)
    card, panel = ui_drill.drill_panels(services, ref)
    assert page_phrases().card_new_question in card and "Grade card" not in card
    assert "Summary of your last answer" in panel
    # A reload shows the card again (it was empty) and welcomes back once, however many reloads.
    _answer(services, STRONG, ref)
    for _ in range(3):
        chat, ref = ui_drill.resume_latest(services)
    welcomes = [m for m in chat if m["content"].startswith("Welcome back")]
    assert len(welcomes) == 1
    assert "Grade card" in ui_drill.drill_panels(services, ref)[0]


def test_send_before_start_starts_nothing_and_keeps_the_text(services) -> None:
    chat, ref, box = _answer(services, "Hi, I'm ready.", None, ALICE)
    assert ref is None and box == "Hi, I'm ready."
    assert "Start a new drill" in chat[-1]["content"]
    assert services.sessions.list("alice") == []


def test_a_new_drill_asks_before_setting_an_unfinished_one_aside(services) -> None:
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach", request=ALICE)
    _answer(services, WE_ANSWER, ref, ALICE)
    config = DrillConfig(mode="interview")
    asked = drill_guard.request_drill(services, config, ref, ALICE)
    assert asked.confirm and "1 of 1 questions answered" in asked.confirm
    assert asked.ref["id"] == ref["id"] and asked.pending
    kept = drill_guard.keep_drill(services, asked.ref, ALICE)
    assert kept.confirm is None and kept.ref["id"] == ref["id"]
    assert services.sessions.latest_open("alice").id == ref["id"]
    new = drill_guard.confirm_replace(services, asked.pending, asked.ref, ALICE)
    assert new.confirm is None and new.ref["id"] != ref["id"] and new.ref["mode"] == "interview"
    statuses = {i.id: i.status for i in services.sessions.list("alice")}
    assert statuses == {ref["id"]: "abandoned", new.ref["id"]: "open"}
    labels = [label for label, _id in ui_feedback.session_choices(services, ALICE)]
    assert any(page_phrases().status_abandoned in label for label in labels)
    shown = ui_feedback.feedback_view(services, ref["id"], ALICE)[0]
    assert page_phrases().feedback_abandoned in shown
    # Nothing unfinished: a start goes ahead without asking.
    ui_drill.end_drill(services, new.ref, ALICE)
    direct = drill_guard.request_drill(services, DrillConfig(), new.ref, ALICE)
    assert direct.confirm is None and direct.ref["id"] not in statuses


def test_drill_these_without_prompts_leaves_the_drill_alone(services) -> None:
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach")
    assert drill_these(services, [], "coach") is None
    assert services.sessions.latest_open("local").id == ref["id"]


def test_summaries_and_the_debrief_go_to_their_own_panel(services) -> None:
    _chat, ref = ui_drill.start_drill(services, "sde2", "phone", "coach")
    _answer(services, STRONG, ref)
    chat, ref = ui_drill.end_drill(services, ref)
    state = _state(services, ref)
    debrief_turn = next(t for t in state.turns if t.kind == "debrief")
    texts = [m["content"] for m in chat]
    assert debrief_turn.text not in texts
    assert any(page_phrases().debrief_pointer in t for t in texts)
    assert panel_for(state).startswith(debrief_turn.text.split("\n")[0])


def test_a_very_long_answer_is_not_echoed_into_the_card(services) -> None:
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach")
    long_answer = " ".join([STRONG] * 80)[:20_000]
    _answer(services, long_answer, ref)
    card = card_for(_state(services, ref))
    assert 0 < card.index("Only the first") < card.index("Grade card")
    assert "1,500 words" in card and len(card) < 6_000


def test_a_page_without_a_drill_starts_at_once_and_drops_nothing(services) -> None:
    """Another tab's or an API client's open drill is neither asked about nor set aside."""
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach", request=ALICE)
    other = drill_guard.request_drill(services, DrillConfig(), None, ALICE)
    assert other.confirm is None and other.ref["id"] != ref["id"]
    statuses = {i.id: i.status for i in services.sessions.list("alice")}
    assert statuses == {ref["id"]: "open", other.ref["id"]: "open"}


def test_page_load_never_blanks_a_drill_started_before_it_ran(services) -> None:
    # Nothing to resume: the load leaves the page alone (it used to write an empty chat and no
    # drill, which erased a question shown by a quick first click on Start).
    assert ui_drill.resume_on_load(services, None, ALICE) is None
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach", request=ALICE)
    # Start ran first: the page already shows this drill, so the load changes nothing.
    assert ui_drill.resume_on_load(services, ref, ALICE) is None
    # A fresh page (a reload) gets the unfinished drill back.
    resumed = ui_drill.resume_on_load(services, None, ALICE)
    assert resumed is not None and resumed[1]["id"] == ref["id"]


def test_end_pressed_while_the_reply_streams_waits_for_it(services) -> None:
    # Gradio runs End in another worker while Send's generator is still yielding. The page keeps
    # whichever output arrives last; it must be End's (the drill is over), and the saved drill
    # must hold the reply and then the debrief, not two rival copies.
    _chat, ref = ui_drill.start_drill(services, "sde2", "loop", "coach")
    delivered: list[dict] = []  # the refs in the order the page would receive them
    replies = ui_drill.send_answer(services, STRONG, ref)
    delivered.append(next(replies)[1])  # the reply has started streaming

    def press_end() -> None:
        delivered.append(ui_drill.end_drill(services, ref)[1])

    end = threading.Thread(target=press_end)
    end.start()
    end.join(timeout=2)  # without the drill lock End is done well within this
    delivered.extend(out[1] for out in replies)
    end.join()
    assert delivered[-1]["status"] == "done"
    assert ui_drill.timer_text(delivered[-1]) == "Timer: drill finished"
    state = _state(services, ref)
    assert state.status == "done" and state.debrief is not None
    kinds = [t.kind for t in state.turns]
    assert kinds.count("answer") == 1 and kinds.count("debrief") == 1
    # The interviewer's reply to the answer comes before "Let's end here", not after it.
    assert kinds.index("answer") < kinds.index("probe") < kinds.index("control")
