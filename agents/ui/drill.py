"""The Drill tab: set-up, a streamed chat, timer, controls, grade card and voice answers.

The page keeps only a small reference to the drill (`{"id", "started_at", "minutes", ...}`);
every event reloads the drill from the session store, so any app process can serve any event
and a reload of the page resumes the user's unfinished drill.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from agents.drill.abandon import abandon
from agents.drill.sessions import SessionStoreError
from agents.drill.state import DrillConfig, DrillState, Turn
from agents.material.store import MaterialStore
from agents.ui.common import ChatMessage, readable_error, user_of
from agents.ui.drill_view import card_for, chat_message, panel_for
from agents.ui.page_phrases import page_phrases

if TYPE_CHECKING:
    from agents.services import Services

Ref = dict[str, Any]

ROLE_CHOICES = [
    ("SDE I", "sde1"),
    ("SDE II", "sde2"),
    ("Senior SDE", "senior"),
    ("Manager", "manager"),
    ("Non-tech", "nontech"),
]
ROUND_CHOICES = [("Phone screen", "phone"), ("Loop round", "loop"), ("Bar raiser", "bar_raiser")]
MODE_CHOICES = [
    ("Coach (feedback after each answer)", "coach"),
    ("Interview (debrief at end)", "interview"),
]


def turns_to_chat(turns: list[Turn]) -> list[ChatMessage]:
    """Render transcript turns as Chatbot messages (summaries and the debrief as pointers to
    their own panel)."""
    return [chat_message(turn) for turn in turns]


def ref_of(state: DrillState) -> Ref:
    """What the page remembers about a drill (no transcript: that lives in the store)."""
    return {
        "id": state.id,
        "started_at": state.started_at,
        "minutes": state.config.minutes,
        "mode": state.config.mode,
        "status": state.status,
    }


def drill_lock(services: Services, user: str) -> AbstractContextManager[bool]:
    """Hold the user's drill while a handler reads, changes and saves it.

    Gradio runs a second event (End while the reply still streams) in another worker; without
    this each handler saves its own copy of the drill, and the page keeps whichever ref came last.
    """
    settings = services.settings
    # Twice a model call's worst case (every try timing out: 180 s with the defaults); past it
    # the waiting handler goes on without the lock rather than freeze the drill (agents/locks.py).
    wait = 2 * settings.llm_timeout * (settings.llm_max_retries + 1)
    return services.drill_locks.hold(user, wait)


def load_drill(services: Services, ref: Ref | None, user: str) -> DrillState | None:
    """The drill the page refers to, else the user's latest unfinished one (another process or a
    reloaded page), else None."""
    store = services.sessions
    if store is None:
        return None
    if ref and ref.get("id"):
        state = store.load(str(ref["id"]), user)
        if state is not None:
            return state
    return store.latest_open(user)


def start_drill(
    services: Services,
    role: str,
    round_type: str,
    mode: str,
    lps: list[str] | None = None,
    minutes: float | None = 30,
    request: Any = None,
) -> tuple[list[ChatMessage], Ref]:
    """Start a drill; returns the chat and the page's reference to it."""
    config = DrillConfig(
        role=role,  # type: ignore[arg-type]
        round_type=round_type,  # type: ignore[arg-type]
        mode=mode,  # type: ignore[arg-type]
        lps=list(lps or []),
        minutes=int(minutes or 30),
        # The imported resume's bullets, for the claim check (agents.material.claims).
        resume_lines=MaterialStore(services.settings.data_dir).resume_lines(user_of(request)),
    )
    state = begin_drill(services, config, user_of(request))
    return turns_to_chat(state.turns), ref_of(state)


def begin_drill(
    services: Services, config: DrillConfig, user: str, replaces: str | None = None
) -> DrillState:
    """Start a drill; `replaces` (the unfinished drill the user agreed to drop) is set aside."""
    with drill_lock(services, user):
        state = services.interviewer.start(config, user=user)
        if replaces and services.sessions is not None:
            abandon(services.sessions, replaces, user, time.time())
        return state


def resume_latest(services: Services, request: Any = None) -> tuple[list[ChatMessage], Ref | None]:
    """On page load: show the user's unfinished drill, if there is one."""
    user = user_of(request)
    store = services.sessions
    state = store.latest_open(user) if store is not None else None
    if state is None:
        return [], None
    resumed = services.interviewer.resume(user, state.id) or state
    return turns_to_chat(resumed.turns), ref_of(resumed)


def resume_on_load(
    services: Services, current: Ref | None, request: Any = None
) -> tuple[list[ChatMessage], Ref] | None:
    """On page load: the unfinished drill to show, or None when the page already shows a drill
    (Start was pressed before the load event ran) or there is nothing to resume."""
    if current:
        return None
    chat, ref = resume_latest(services, request)
    return None if ref is None else (chat, ref)


def send_answer(
    services: Services, text: str, ref: Ref | None, request: Any = None
) -> Iterator[tuple[list[ChatMessage], Ref | None, str]]:
    """Take the candidate's answer and stream the interviewer's reply (chat, ref, textbox)."""
    user = user_of(request)
    # The whole reply holds the user's drill: End pressed meanwhile waits for it (drill_lock).
    with drill_lock(services, user):
        yield from _send(services, text, ref, user)


def _send(
    services: Services, text: str, ref: Ref | None, user: str
) -> Iterator[tuple[list[ChatMessage], Ref | None, str]]:
    try:
        state = load_drill(services, ref, user)
    except SessionStoreError as e:  # the database is unreachable: say so, keep the typed answer
        yield [{"role": "assistant", "content": readable_error("load the drill", e)}], ref, text
        return
    phrases = page_phrases()
    if state is None:
        # No drill yet: say so and keep the text; never start one silently or grade a greeting.
        yield [{"role": "assistant", "content": f"_{phrases.press_start}_"}], None, text or ""
        return
    if not (text or "").strip():
        hint = {"role": "assistant", "content": f"_{phrases.empty_answer}_"}
        yield [*turns_to_chat(state.turns), hint], ref_of(state), text or ""
        return
    if state.status == "done":
        note = {"role": "assistant", "content": f"_{phrases.drill_over}_"}
        yield [*turns_to_chat(state.turns), note], ref_of(state), text
        return
    chat = [*turns_to_chat(state.turns), {"role": "user", "content": text}]
    partial_reply = ""
    try:
        for event in services.interviewer.respond_stream(state, text):
            if event.type == "delta":
                partial_reply += event.text
                yield [*chat, {"role": "assistant", "content": partial_reply}], ref_of(state), ""
            elif event.type == "discard":
                partial_reply = ""
            elif event.type in ("turn", "done"):
                partial_reply = ""
                chat = turns_to_chat(state.turns)
                yield chat, ref_of(state), ""
    except Exception as e:  # the transcript is saved turn by turn; say what failed, keep going
        note = {"role": "assistant", "content": readable_error("reply", e)}
        yield [*turns_to_chat(state.turns), note], ref_of(state), ""


def _control(
    services: Services, action: str, ref: Ref | None, request: Any = None
) -> tuple[list[ChatMessage], Ref | None]:
    user = user_of(request)
    with drill_lock(services, user):
        try:
            state = load_drill(services, ref, user)
        except SessionStoreError as e:  # the database is unreachable: one line, nothing changed
            return [{"role": "assistant", "content": readable_error("load the drill", e)}], ref
        if state is None:
            return [], None
        getattr(services.interviewer, action)(state)
        return turns_to_chat(state.turns), ref_of(state)


def skip_question(
    services: Services, ref: Ref | None, request: Any = None
) -> tuple[list[ChatMessage], Ref | None]:
    """Skip the current question."""
    return _control(services, "skip", ref, request)


def repeat_question(
    services: Services, ref: Ref | None, request: Any = None
) -> tuple[list[ChatMessage], Ref | None]:
    """Ask the interviewer to say the current question again."""
    return _control(services, "repeat", ref, request)


def end_drill(
    services: Services, ref: Ref | None, request: Any = None
) -> tuple[list[ChatMessage], Ref | None]:
    """End the drill and show the debrief."""
    return _control(services, "end", ref, request)


def timer_text(ref: Ref | None, now: float | None = None) -> str:
    """'⏱ 03:12 of 30:00' from the page's reference alone (no database read per tick)."""
    if not ref:
        return "Timer: not started"
    budget = int(ref.get("minutes") or 30) * 60
    elapsed = max(0, int((now or time.time()) - float(ref.get("started_at") or 0)))
    if ref.get("status") == "done":
        return "Timer: drill finished"
    over = " — time is up, wrap up your answer" if elapsed >= budget else ""
    return f"Timer: {elapsed // 60:02d}:{elapsed % 60:02d} of {budget // 60:02d}:00{over}"


def grade_card(services: Services, ref: Ref | None, request: Any = None) -> str:
    """Coach mode: the current question's STAR(L) card with highlighted evidence (HTML)."""
    return drill_panels(services, ref, request)[0]


def drill_panels(services: Services, ref: Ref | None, request: Any = None) -> tuple[str, str]:
    """(grade card HTML, Summary/Debrief Markdown) for the drill the page shows."""
    state = load_drill(services, ref, user_of(request)) if ref else None
    if state is None:
        return "", panel_for(None)
    return card_for(state), panel_for(state)


def voice_answer(
    services: Services, audio_path: str | None, ref: Ref | None, request: Any = None
) -> Iterator[tuple[list[ChatMessage], Ref | None, str, str]]:
    """A recorded answer: transcribe, show delivery analytics, then answer with the transcript."""
    from agents.ui.voice import transcribe_for_answer

    user = user_of(request)
    state = load_drill(services, ref, user)
    chat = turns_to_chat(state.turns) if state else []
    if not audio_path:
        yield chat, ref, "", ""
        return
    yield chat, ref, "", "_Transcribing your answer…_"
    text, delivery = transcribe_for_answer(services, audio_path)
    if not text:
        yield chat, ref, "", delivery
        return
    # The box keeps the transcript when it was not sent (e.g. no drill started yet).
    for chat_now, ref_now, box in send_answer(services, text, ref, request):
        yield chat_now, ref_now, box, delivery


def speak_latest(services: Services, ref: Ref | None, enabled: bool, request: Any = None) -> Any:
    """The interviewer's latest turn as audio when "hear the interviewer" is on."""
    if not enabled:
        return None
    from agents.ui.voice import speak

    state = load_drill(services, ref, user_of(request))
    if state is None:
        return None
    last = next((t for t in reversed(state.turns) if t.role == "interviewer"), None)
    return speak(services, last.text[:1200]) if last else None
