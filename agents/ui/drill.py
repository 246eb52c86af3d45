"""The Drill tab: set-up, a streamed chat, timer, controls, grade card and voice answers.

The page keeps only a small reference to the drill (`{"id", "started_at", "minutes", ...}`);
every event reloads the drill from the session store, so any app process can serve any event
and a reload of the page resumes the user's unfinished drill.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from agents.drill.state import DrillConfig, DrillState, Turn
from agents.ui.common import ChatMessage, readable_error, user_of
from agents.ui.grade_card import card_html

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
    """Render transcript turns as Chatbot messages."""
    chat: list[ChatMessage] = []
    for turn in turns:
        role = "user" if turn.role == "candidate" else "assistant"
        text = turn.text
        if turn.kind == "notice":
            text = f"_{text}_"
        chat.append({"role": role, "content": text})
    return chat


def ref_of(state: DrillState) -> Ref:
    """What the page remembers about a drill (no transcript: that lives in the store)."""
    return {
        "id": state.id,
        "started_at": state.started_at,
        "minutes": state.config.minutes,
        "mode": state.config.mode,
        "status": state.status,
    }


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
    )
    state = services.interviewer.start(config, user=user_of(request))
    return turns_to_chat(state.turns), ref_of(state)


def resume_latest(services: Services, request: Any = None) -> tuple[list[ChatMessage], Ref | None]:
    """On page load: show the user's unfinished drill, if there is one."""
    user = user_of(request)
    store = services.sessions
    state = store.latest_open(user) if store is not None else None
    if state is None:
        return [], None
    resumed = services.interviewer.resume(user, state.id) or state
    return turns_to_chat(resumed.turns), ref_of(resumed)


def send_answer(
    services: Services, text: str, ref: Ref | None, request: Any = None
) -> Iterator[tuple[list[ChatMessage], Ref | None, str]]:
    """Take the candidate's answer and stream the interviewer's reply (chat, ref, textbox)."""
    user = user_of(request)
    state = load_drill(services, ref, user)
    if state is None:
        chat, new_ref = start_drill(services, "sde2", "loop", "coach", request=request)
        state = load_drill(services, new_ref, user)
        assert state is not None  # just created in the store
    if not (text or "").strip():
        hint = {"role": "assistant", "content": "_Type or record your answer first, then send._"}
        yield [*turns_to_chat(state.turns), hint], ref_of(state), text or ""
        return
    if state.status == "done":
        note = {"role": "assistant", "content": "_This drill is over. Start a new one above._"}
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
    state = load_drill(services, ref, user)
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
    """Coach mode: the latest answer's STAR(L) card with highlighted evidence (HTML)."""
    state = load_drill(services, ref, user_of(request)) if ref else None
    if state is None:
        return ""
    if state.config.mode != "coach":
        return "<p class='card-note'>Interview mode: feedback is held until the debrief.</p>"
    graded = [q for q in state.questions if q.grade is not None and q.answers]
    if not graded:
        return "<p class='card-note'>Your grade card appears after your first answer.</p>"
    q = graded[-1]
    assert q.grade is not None
    return card_html(q.grade, " ".join(q.answers))


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
    for chat_now, ref_now, _box in send_answer(services, text, ref, request):
        yield chat_now, ref_now, "", delivery


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


def _build_layout(lp_choices: list[tuple[str, str]]) -> dict[str, Any]:
    """The tab's components, by name (laid out inside the current Blocks)."""
    c: dict[str, Any] = {}
    with gr.Row():
        c["role"] = gr.Dropdown(ROLE_CHOICES, value="sde2", label="Role")
        c["round"] = gr.Dropdown(ROUND_CHOICES, value="loop", label="Round")
        c["mode"] = gr.Dropdown(MODE_CHOICES, value="coach", label="Mode")
        c["minutes"] = gr.Slider(5, 60, value=30, step=5, label="Length (minutes)")
    c["lps"] = gr.Dropdown(lp_choices, multiselect=True, label="Target LPs (optional)")
    with gr.Row():
        c["start"] = gr.Button("Start a new drill", variant="primary", elem_id="start-drill")
        c["timer"] = gr.Markdown("Timer: not started", elem_id="drill-timer")
    c["ref"] = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            c["chat"] = gr.Chatbot(label="Interview", height=460, elem_id="drill-chat")
            c["answer"] = gr.Textbox(
                label="Your answer", lines=4, placeholder="Type your answer…", elem_id="answer-box"
            )
            with gr.Row():
                c["send"] = gr.Button("Send", variant="primary", elem_id="send-answer")
                c["repeat"] = gr.Button("Repeat question", elem_id="repeat-question")
                c["skip"] = gr.Button("Skip question", elem_id="skip-question")
                c["end"] = gr.Button("End and debrief", elem_id="end-drill")
            with gr.Accordion("Answer by voice", open=True):
                c["mic"] = gr.Audio(
                    sources=["microphone", "upload"],
                    type="filepath",
                    label="Record your answer (it is transcribed and sent when you stop)",
                    elem_id="answer-audio",
                )
                c["delivery"] = gr.Markdown(elem_id="delivery")
                c["hear"] = gr.Checkbox(label="Hear the interviewer", value=False, elem_id="hear")
                c["voice_out"] = gr.Audio(
                    label="Interviewer", autoplay=True, interactive=False, elem_id="voice-out"
                )
        with gr.Column(scale=2):
            c["card"] = gr.HTML(elem_id="grade-card-box")
    c["tick"] = gr.Timer(1.0)
    return c


def build_drill_tab(services: Services, lp_choices: list[tuple[str, str]]) -> dict[str, Any]:
    """Build the Drill tab inside the current Blocks; returns components others wire to."""
    c = _build_layout(lp_choices)

    # Closures, not partials: Gradio injects gr.Request only into parameters annotated with it.
    def _start(
        role: str, rt: str, mode: str, lps: list[str], minutes: float, request: gr.Request
    ) -> tuple[list[ChatMessage], Ref]:
        return start_drill(services, role, rt, mode, lps, minutes, request)

    def _send(
        text: str, ref: Ref | None, request: gr.Request
    ) -> Iterator[tuple[list[ChatMessage], Ref | None, str]]:
        yield from send_answer(services, text, ref, request)

    def _voice(
        audio: str | None, ref: Ref | None, request: gr.Request
    ) -> Iterator[tuple[list[ChatMessage], Ref | None, str, str]]:
        yield from voice_answer(services, audio, ref, request)

    def _skip(ref: Ref | None, request: gr.Request) -> tuple[list[ChatMessage], Ref | None]:
        return skip_question(services, ref, request)

    def _repeat(ref: Ref | None, request: gr.Request) -> tuple[list[ChatMessage], Ref | None]:
        return repeat_question(services, ref, request)

    def _end(ref: Ref | None, request: gr.Request) -> tuple[list[ChatMessage], Ref | None]:
        return end_drill(services, ref, request)

    def _card(ref: Ref | None, request: gr.Request) -> str:
        return grade_card(services, ref, request)

    def _speak(ref: Ref | None, enabled: bool, request: gr.Request) -> Any:
        return speak_latest(services, ref, enabled, request)

    def _resume(request: gr.Request) -> tuple[list[ChatMessage], Ref | None]:
        return resume_latest(services, request)

    chat, ref, answer, card = c["chat"], c["ref"], c["answer"], c["card"]
    speak_args = (_speak, [ref, c["hear"]], [c["voice_out"]])
    c["start"].click(
        _start, [c["role"], c["round"], c["mode"], c["lps"], c["minutes"]], [chat, ref],
        api_name="start_drill",
    ).then(_card, [ref], [card]).then(*speak_args)  # fmt: skip
    c["send"].click(_send, [answer, ref], [chat, ref, answer], api_name="send_answer").then(
        _card, [ref], [card]
    ).then(*speak_args)
    answer.submit(_send, [answer, ref], [chat, ref, answer]).then(_card, [ref], [card]).then(
        *speak_args
    )
    c["skip"].click(_skip, [ref], [chat, ref], api_name="skip")
    c["repeat"].click(_repeat, [ref], [chat, ref], api_name="repeat").then(*speak_args)
    c["end"].click(_end, [ref], [chat, ref], api_name="end")
    for event in (c["mic"].stop_recording, c["mic"].upload):
        event(_voice, [c["mic"], ref], [chat, ref, answer, c["delivery"]]).then(
            _card, [ref], [card]
        ).then(*speak_args)
    c["tick"].tick(timer_text, [ref], [c["timer"]], show_progress="hidden")
    from agents.ui.voice_interview import mount_voice_interview  # hands-free mode (issue 19)

    mount_voice_interview(services, chat, ref)
    return {
        "chat": chat,
        "ref": ref,
        "mode": c["mode"],
        "card": card,
        "timer": c["timer"],
        "resume": (_resume, [], [chat, ref]),
    }
