"""What the Drill tab shows of a drill besides the chat: the grade card for the question being
discussed, and the Summary/Debrief panel (the long texts that a chat pane is too small for)."""

from __future__ import annotations

import re
import time

from agents.drill.abandon import shown_status
from agents.drill.sessions import SessionInfo
from agents.drill.state import DrillState, QuestionRecord, Turn
from agents.drill.transcript import debrief_markdown
from agents.grading.grade import MAX_GRADED_WORDS
from agents.ui.common import ChatMessage
from agents.ui.grade_card import card_html
from agents.ui.page_phrases import page_phrases

# How much of a very long answer the card shows (the whole answer is in the chat).
CARD_WORDS = 250
_WORD = re.compile(r"\S+")
# Turns too long for the chat: the chat announces them, the panel shows them.
PANEL_KINDS = ("feedback", "debrief")


def chat_message(turn: Turn) -> ChatMessage:
    """One transcript turn as a Chatbot message (summaries and the debrief as a pointer)."""
    role = "user" if turn.role == "candidate" else "assistant"
    text = turn.text
    if turn.kind == "feedback":
        text = page_phrases().summary_pointer
    elif turn.kind == "debrief":
        text = page_phrases().debrief_pointer
    if turn.kind == "notice" or turn.kind in PANEL_KINDS:
        text = f"_{text}_"
    return {"role": role, "content": text}


def note(text: str) -> str:
    """A muted one-line note in the card's place."""
    return f"<p class='card-note'>{text}</p>"


def _clipped(answer: str) -> tuple[str, str | None]:
    """(what the card shows, the notice first) for an answer, cut when longer than graded."""
    words = _WORD.findall(answer)
    if len(words) <= MAX_GRADED_WORDS:
        return answer, None
    p = page_phrases()
    notice = p.card_long.format(words=f"{MAX_GRADED_WORDS:,}", count=f"{len(words):,}")
    cut = list(_WORD.finditer(answer))[CARD_WORDS - 1].end()
    rest = p.card_clipped.format(count=f"{len(words) - CARD_WORDS:,}")
    return f"{answer[:cut]} {rest}", notice


def _card_question(state: DrillState) -> QuestionRecord | None:
    """The question the card is about: the current one, or when the drill is over the last one
    answered. None when the current question has no answer yet (the card starts afresh)."""
    if state.status == "done":
        return next((q for q in reversed(state.questions) if q.grade and q.answers), None)
    return state.questions[-1] if state.questions else None


def card_for(state: DrillState) -> str:
    """Coach mode: the card of the question being discussed, its next probe exactly as asked."""
    p = page_phrases()
    if state.config.mode != "coach":
        return note(p.card_interview)
    q = _card_question(state)
    if q is None or q.grade is None or not q.answers:
        answered_before = any(x.answers for x in state.questions)
        return note(p.card_new_question if answered_before else p.card_first)
    probe = None
    if state.status != "done" and state.awaiting == "probe" and q.probes and not q.closed:
        probe = q.probes[-1]
    shown, notice = _clipped(" ".join(q.answers))
    return card_html(q.grade, shown, next_probe=probe, notice=notice)


def panel_for(state: DrillState | None) -> str:
    """The debrief when the drill is over, else the latest answer summary (Markdown)."""
    p = page_phrases()
    if state is None:
        return p.summary_empty
    if state.status == "done" and state.debrief is not None:
        return debrief_markdown(state.debrief)
    latest = next((t for t in reversed(state.turns) if t.kind == "feedback"), None)
    if latest is None:
        return p.summary_empty
    return f"{p.summary_heading}\n\n{latest.text}"


def status_label(info: SessionInfo, now: float | None = None) -> str:
    """A drill without a signal yet, in plain words: in progress, or abandoned."""
    p = page_phrases()
    shown = shown_status(info, now if now is not None else time.time())
    labels = {"open": p.status_open, "abandoned": p.status_abandoned, "stale": p.status_stale}
    return labels.get(shown, shown)
