"""The Drill tab's layout and wiring (the handlers are plain functions in `agents.ui.drill`,
`agents.ui.drill_guard` and `agents.ui.drill_view`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from agents.drill.state import DrillConfig
from agents.ui import drill_guard
from agents.ui.common import ChatMessage
from agents.ui.drill import (
    MODE_CHOICES,
    ROLE_CHOICES,
    ROUND_CHOICES,
    Ref,
    drill_panels,
    end_drill,
    repeat_question,
    resume_on_load,
    send_answer,
    skip_question,
    speak_latest,
    timer_text,
    voice_answer,
)
from agents.ui.page_phrases import page_phrases

if TYPE_CHECKING:
    from agents.services import Services

# The chat follows every new message, even when the user scrolled up earlier (Gradio's own
# autoscroll stops following once the user scrolls away from the bottom).
FOLLOW_CHAT_JS = """
() => {
  const follow = () => {
    const root = document.querySelector('#drill-chat');
    if (!root) return;
    for (const el of [root, ...root.querySelectorAll('*')]) {
      const style = getComputedStyle(el).overflowY;
      if ((style === 'auto' || style === 'scroll') && el.scrollHeight > el.clientHeight) {
        el.scrollTop = el.scrollHeight;
      }
    }
  };
  requestAnimationFrame(() => setTimeout(follow, 60));
}
"""


def _build_layout(lp_choices: list[tuple[str, str]]) -> dict[str, Any]:
    """The tab's components, by name (laid out inside the current Blocks)."""
    c: dict[str, Any] = {}
    phrases = page_phrases()
    with gr.Row():
        c["role"] = gr.Dropdown(ROLE_CHOICES, value="sde2", label="Role")
        c["round"] = gr.Dropdown(ROUND_CHOICES, value="loop", label="Round")
        c["mode"] = gr.Dropdown(MODE_CHOICES, value="coach", label="Mode")
        c["minutes"] = gr.Slider(5, 60, value=30, step=5, label="Length (minutes)")
    c["lps"] = gr.Dropdown(
        lp_choices, multiselect=True, label="Target LPs (optional)", elem_id="target-lps"
    )
    with gr.Row():
        c["start"] = gr.Button("Start a new drill", variant="primary", elem_id="start-drill")
        c["timer"] = gr.Markdown("Timer: not started", elem_id="drill-timer")
    with gr.Column(visible=False, elem_id="replace-confirm") as c["confirm"]:
        c["confirm_text"] = gr.Markdown(elem_id="replace-confirm-text")
        with gr.Row():
            c["confirm_yes"] = gr.Button(phrases.confirm_yes, elem_id="confirm-replace")
            c["confirm_no"] = gr.Button(phrases.confirm_no, variant="primary", elem_id="keep-drill")
    c["ref"] = gr.State(None)
    c["pending"] = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            c["chat"] = gr.Chatbot(
                label="Interview",
                height=460,
                elem_id="drill-chat",
                autoscroll=True,
                group_consecutive_messages=False,
            )
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
    # Summaries and the debrief: too long for the chat pane, readable at full width.
    c["summary"] = gr.Markdown(page_phrases().summary_empty, elem_id="drill-summary")
    c["tick"] = gr.Timer(1.0)
    return c


def guard_outputs(c: dict[str, Any]) -> list[Any]:
    """Where a start request's `Outcome` goes: chat, ref and the start awaiting confirmation (all
    but the chat are State, so the public API of a start stays "settings in, chat out")."""
    return [c["chat"], c["ref"], c["pending"]]


def show(outcome: drill_guard.Outcome) -> tuple[Any, ...]:
    """An `Outcome` as values for `guard_outputs`."""
    pending = {"config": outcome.pending, "text": outcome.confirm} if outcome.confirm else None
    return outcome.chat, outcome.ref, pending


def confirm_view(pending: dict[str, Any] | None) -> tuple[Any, str]:
    """The confirm step: shown with its question while a start awaits confirmation."""
    return gr.Column(visible=bool(pending)), (pending or {}).get("text", "")


def _wire_start(services: Services, c: dict[str, Any], after: list[tuple[Any, ...]]) -> None:
    """Start, and the confirm step when the page's unfinished drill would be dropped."""

    # Closures, not partials: Gradio injects gr.Request only into parameters annotated with it.
    def _start(
        role: str,
        rt: str,
        mode: str,
        lps: list[str],
        minutes: float,
        ref: Ref | None,
        request: gr.Request,
    ) -> tuple[Any, ...]:
        config = DrillConfig(
            role=role,  # type: ignore[arg-type]
            round_type=rt,  # type: ignore[arg-type]
            mode=mode,  # type: ignore[arg-type]
            lps=list(lps or []),
            minutes=int(minutes or 30),
        )
        return show(drill_guard.request_drill(services, config, ref, request))

    def _yes(pending: dict[str, Any] | None, ref: Ref | None, request: gr.Request) -> Any:
        config = (pending or {}).get("config")
        return show(drill_guard.confirm_replace(services, config, ref, request))

    def _no(ref: Ref | None, request: gr.Request) -> tuple[Any, ...]:
        return show(drill_guard.keep_drill(services, ref, request))

    inputs = [c["role"], c["round"], c["mode"], c["lps"], c["minutes"], c["ref"]]
    events = (
        c["start"].click(_start, inputs, guard_outputs(c), api_name="start_drill"),
        c["confirm_yes"].click(_yes, [c["pending"], c["ref"]], guard_outputs(c)),
        c["confirm_no"].click(_no, [c["ref"]], guard_outputs(c)),
    )
    for event in events:
        for step in after:
            event = event.then(*step)


def build_drill_tab(services: Services, lp_choices: list[tuple[str, str]]) -> dict[str, Any]:
    """Build the Drill tab inside the current Blocks; returns components others wire to."""
    c = _build_layout(lp_choices)

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

    def _panels(ref: Ref | None, request: gr.Request) -> tuple[str, str]:
        return drill_panels(services, ref, request)

    def _speak(ref: Ref | None, enabled: bool, request: gr.Request) -> Any:
        return speak_latest(services, ref, enabled, request)

    def _resume(current: Ref | None, request: gr.Request) -> Any:
        # Page load races a quick first click on Start: a drill this page already shows, or no
        # drill to resume, leaves every output as it is (gr.skip) instead of blanking the chat.
        resumed = resume_on_load(services, current, request)
        if resumed is None:
            return gr.skip()
        chat, ref = resumed
        return (chat, ref, *drill_panels(services, ref, request))

    chat, ref, answer = c["chat"], c["ref"], c["answer"]
    panels = (_panels, [ref], [c["card"], c["summary"]])
    speak = (_speak, [ref, c["hear"]], [c["voice_out"]])
    confirm = (confirm_view, [c["pending"]], [c["confirm"], c["confirm_text"]])
    _wire_start(services, c, [confirm, panels, speak])
    # A typed answer clears the last voice answer's delivery figures.
    typed = (lambda: "", None, [c["delivery"]])
    c["send"].click(_send, [answer, ref], [chat, ref, answer], api_name="send_answer").then(
        *typed
    ).then(*panels).then(*speak)
    answer.submit(_send, [answer, ref], [chat, ref, answer]).then(*typed).then(*panels).then(
        *speak
    )
    c["skip"].click(_skip, [ref], [chat, ref], api_name="skip").then(*panels).then(*speak)
    c["repeat"].click(_repeat, [ref], [chat, ref], api_name="repeat").then(*speak)
    c["end"].click(_end, [ref], [chat, ref], api_name="end").then(*panels)
    for event in (c["mic"].stop_recording, c["mic"].upload):
        event(_voice, [c["mic"], ref], [chat, ref, answer, c["delivery"]]).then(*panels).then(
            *speak
        )
    chat.change(None, None, None, js=FOLLOW_CHAT_JS, show_progress="hidden")
    c["tick"].tick(timer_text, [ref], [c["timer"]], show_progress="hidden")
    from agents.ui.voice_interview import mount_voice_interview  # hands-free mode (issue 19)

    mount_voice_interview(services, chat, ref)
    return {
        "chat": chat,
        "ref": ref,
        "mode": c["mode"],
        "role": c["role"],
        "card": c["card"],
        "summary": c["summary"],
        "timer": c["timer"],
        "confirm": guard_outputs(c),
        "after_start": [confirm, panels, speak],
        "resume": (_resume, [ref], [chat, ref, c["card"], c["summary"]]),
    }
