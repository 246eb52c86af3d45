"""Voice interview mode on the Drill tab: hands-free turn taking over Gradio's streaming audio.

The microphone streams 0.5 s chunks (`gr.Audio(streaming=True)` + `.stream(stream_every=0.5)`)
into `on_chunk`, a plain function: the `Listener` turns them into live captions, barge-in, finished
answers, spoken commands ("repeat", "skip", "let's end") or "I didn't catch that"; answers go to
the drill like typed ones (with their timings), and new interviewer turns (also those caused by
typing) are spoken through an autoplaying audio output. Speech while the interviewer speaks stops
the playback. With voice off or no microphone, the tab is the ordinary text drill.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import gradio as gr
import numpy as np

from agents.drill.sessions import SessionStoreError
from agents.drill.voice_coach import voice_phrases
from agents.ui.common import ChatMessage, user_of
from agents.ui.drill import drill_lock
from agents.ui.voice import speak
from agents.ui.voice_turns import Heard, Listener, endpoint_settings, retime

if TYPE_CHECKING:
    from agents.drill.state import DrillState
    from agents.services import Services

log = logging.getLogger(__name__)
STREAM_EVERY_S = 0.5
SPOKEN_KINDS = ("greeting", "question", "probe", "clarification", "notice")
COMMANDS = {"repeat": "repeat", "skip": "skip", "end": "end"}
RETIME_WAIT_S = 60.0  # how long "let's end" waits for the last answer's one-pass timings


@dataclass
class VoiceSession:
    """One page's voice interview: its listener, what it said, and whether it is speaking.

    Chunks are queued and processed by a worker thread, so the stream handler returns at once
    and Gradio never drops a chunk while Whisper or the speech engine is busy.
    """

    listener: Listener
    spoken_upto: int = 0  # interviewer turns before this index have been spoken (or skipped)
    speaking_until: float = 0.0  # audio time when the current playback ends
    mode: str = "listening"
    barge_ins: int = 0
    interrupted: bool = False  # the current answer began while the interviewer was speaking
    log: list[str] = field(default_factory=list)  # what happened, for the page and tests
    captions: list[str] = field(default_factory=list)
    outbox: dict[str, Any] = field(default_factory=dict)  # chat / caption / audio to show next
    inbox: queue.Queue[Any] = field(default_factory=queue.Queue)
    lock: threading.Lock = field(default_factory=threading.Lock)
    worker: threading.Thread | None = None
    states: list[str] = field(default_factory=list)  # states not shown yet, oldest first
    pending: list[tuple[int, Heard]] = field(default_factory=list)  # answers to re-time
    retimers: list[threading.Thread] = field(default_factory=list)
    retimed: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (turn seq, timings)

    def set_mode(self, mode: str) -> None:
        """Change state; every state is shown on at least one reply, however short it was."""
        self.mode = mode
        with self.lock:
            self.states.append(mode)

    def shown_mode(self) -> str:
        """The state the next reply shows: the oldest one not shown yet, else the current one."""
        with self.lock:
            return self.states.pop(0) if self.states else self.mode

    def post(self, **outputs: Any) -> None:
        """Leave outputs for the next stream reply (the latest value of each wins)."""
        with self.lock:
            self.outbox.update(outputs)

    def take(self) -> dict[str, Any]:
        """The outputs left since the last reply."""
        with self.lock:
            out, self.outbox = self.outbox, {}
        return out

    def wait(self) -> None:
        """Block until every queued chunk is processed (tests, benchmarks)."""
        self.inbox.join()


def _chat(state: DrillState) -> list[ChatMessage]:
    """The transcript as chat messages (the Drill tab's own format)."""
    return [
        {
            "role": "user" if t.role == "candidate" else "assistant",
            "content": f"_{t.text}_" if t.kind == "notice" else t.text,
        }
        for t in state.turns
    ]


def _drill(services: Services, ref: dict[str, Any] | None, request: Any) -> DrillState | None:
    store = services.sessions
    if store is None or not ref or not ref.get("id"):
        return None
    return store.load(str(ref["id"]), user_of(request))


def _say(services: Services, vs: VoiceSession, text: str) -> Any:
    """Speak `text`: the audio for the output (None when no speech engine) and the state."""
    audio = speak(services, text)
    if audio is None:
        return None
    rate, samples = audio
    vs.speaking_until = vs.listener.now + samples.size / rate
    vs.set_mode("speaking")
    vs.listener.reset()
    vs.log.append(f"said: {text}")
    return audio


def _new_interviewer_text(state: DrillState, vs: VoiceSession) -> str:
    """The interviewer's turns not yet spoken (questions, probes, clarifications, notices)."""
    new = state.turns[vs.spoken_upto :]
    vs.spoken_upto = len(state.turns)
    return " ".join(t.text for t in new if t.role == "interviewer" and t.kind in SPOKEN_KINDS)


def _retime_job(vs: VoiceSession, seq: int, heard: Heard) -> None:
    """One recogniser pass over a whole answer (a thread of its own, after the reply is out)."""
    spoken = retime(vs.listener.stt, heard)
    if spoken is not None:
        with vs.lock:
            vs.retimed.append((seq, spoken.summary()))


def _start_retiming(vs: VoiceSession) -> None:
    """Re-time the answers just sent, now that the interviewer's reply is on its way."""
    pending, vs.pending = vs.pending, []
    for seq, heard in pending:
        job = threading.Thread(target=_retime_job, args=(vs, seq, heard), daemon=True)
        vs.retimers.append(job)
        job.start()


def _apply_retimed(services: Services, state: DrillState, vs: VoiceSession, wait: bool) -> None:
    """Put finished one-pass timings on their answer turns (only the worker saves the drill)."""
    if wait:
        for job in vs.retimers:
            job.join(RETIME_WAIT_S)
    vs.retimers = [j for j in vs.retimers if j.is_alive()]
    with vs.lock:
        done, vs.retimed = vs.retimed, []
    changed: list[int] = []
    for seq, timings in done:
        if seq < len(state.turns) and state.turns[seq].role == "candidate":
            state.turns[seq].meta["voice"] = timings
            changed.append(seq)
    if changed and services.sessions is not None:
        try:
            services.sessions.save_turns(state, min(changed))
        except SessionStoreError as e:  # saved elsewhere meanwhile: retry on the next chunk
            log.warning("could not save the re-timed answers yet", exc_info=e)
            with vs.lock:
                vs.retimed = done + vs.retimed


def _act(services: Services, state: DrillState, vs: VoiceSession, heard: Heard) -> None:
    """Send a finished answer or run a spoken command on the drill."""
    if heard.kind == "command" and heard.command in COMMANDS:
        vs.log.append(f"command: {heard.command}")
        if heard.command == "end":  # the debrief gets the whole-answer timings
            _apply_retimed(services, state, vs, wait=True)
        getattr(services.interviewer, COMMANDS[heard.command])(state)
        return
    extra: dict[str, Any] = {"voice": heard.spoken.summary()} if heard.spoken else {}
    if vs.interrupted:
        extra["barge_in"] = True
        vs.interrupted = False
    vs.log.append(f"answer: {heard.text}")
    before = len(state.turns)
    for _ in services.interviewer.respond_stream(state, heard.text, extra):
        pass
    seq = next((i for i in range(before, len(state.turns)) if state.turns[i].role == "candidate"),
               None)  # fmt: skip
    if seq is not None and heard.audio is not None:
        vs.pending.append((seq, heard))


def new_session(services: Services) -> VoiceSession | None:
    """A voice session, or None when speech to text is off."""
    stt = services.speech_to_text()
    if stt is None:
        return None
    return VoiceSession(Listener(stt, endpoint_settings(services.settings)))


def _process(services: Services, vs: VoiceSession, chunk: Any, ref: Any, request: Any) -> None:
    """One chunk through the listener; what to show is left in the session's outbox.

    Listening and speaking happen outside the drill's lock; only loading, changing and saving the
    drill hold it, so End pressed on the page never waits for speech to be recognised, and a spoken
    answer and a button never save rival copies of the drill.
    """
    words = voice_phrases().interview
    state = _drill(services, ref, request)  # a read: is there a drill, and what has been said
    if state is None:
        return
    user = user_of(request)
    with vs.lock:
        timed = bool(vs.retimed)
    if timed:
        with drill_lock(services, user):
            state = _drill(services, ref, request)
            if state is None:
                return
            _apply_retimed(services, state, vs, wait=False)
    if vs.mode == "speaking" and vs.listener.now >= vs.speaking_until:
        vs.set_mode("listening")
    rate, samples = chunk
    for heard in vs.listener.feed(rate, samples):
        if heard.kind == "speech_start" and vs.mode == "speaking":
            vs.barge_ins += 1
            vs.interrupted = True
            vs.set_mode("listening")
            vs.log.append("barge-in")
            vs.post(audio=None)  # stops the playback
        elif heard.kind == "caption":
            vs.captions.append(heard.text)
            vs.post(caption=heard.text)
        elif heard.kind == "not_caught":
            vs.post(caption="", audio=_say(services, vs, words.not_caught))
        elif heard.kind in ("answer", "command") and state.status != "done":
            vs.captions.append(heard.text)
            vs.set_mode("thinking")  # grading and choosing the reply
            vs.post(caption=heard.text)
            with drill_lock(services, user):
                state = _drill(services, ref, request)  # as saved now, by any handler
                if state is None:
                    return
                if state.status != "done":
                    _apply_retimed(services, state, vs, wait=False)
                    _act(services, state, vs, heard)
            vs.post(chat=_chat(state))
    text = _new_interviewer_text(state, vs)
    if text:
        vs.post(audio=_say(services, vs, text), chat=_chat(state))
    if vs.mode == "thinking":  # nothing was spoken (no speech engine): listen again
        vs.set_mode("listening")
    _start_retiming(vs)


def _work(services: Services, vs: VoiceSession) -> None:
    """The session's worker: process queued chunks in order, for as long as the page lives."""
    while True:
        chunk, ref, request = vs.inbox.get()
        try:
            _process(services, vs, chunk, ref, request)
        except Exception as e:  # the page must keep listening; the log keeps the cause
            log.warning("voice chunk failed", exc_info=e)
        finally:
            vs.inbox.task_done()


def session_for(services: Services, key: str) -> VoiceSession | None:
    """The page's voice session, kept on the server by the page's session key (a gr.State
    would be copied on every chunk, and a live thread and model cannot be)."""
    sessions: dict[str, VoiceSession] = services.extras.setdefault("voice_sessions", {})  # type: ignore[assignment]
    if key not in sessions:
        vs = new_session(services)
        if vs is None:
            return None
        sessions[key] = vs
    return sessions[key]


def on_chunk(
    services: Services,
    chunk: tuple[int, np.ndarray] | None,
    key: str,
    ref: dict[str, Any] | None,
    enabled: bool,
    request: Any = None,
) -> tuple[Any, Any, Any, Any]:
    """One microphone chunk -> (chat, caption, state label, interviewer audio).

    The chunk is queued for the page's worker; the reply carries whatever the worker left
    since the last chunk. Outputs that did not change are `gr.skip()`.
    """
    words = voice_phrases().interview
    if not enabled or chunk is None or not ref:
        return gr.skip(), gr.skip(), words.idle, gr.skip()
    vs = session_for(services, key)
    if vs is None:
        return gr.skip(), gr.skip(), words.idle, gr.skip()
    if vs.worker is None:
        vs.worker = threading.Thread(target=_work, args=(services, vs), daemon=True)
        vs.worker.start()
    vs.inbox.put((chunk, ref, _Who(user_of(request))))
    out = vs.take()
    labels = {"speaking": words.speaking, "listening": words.listening, "thinking": words.thinking}
    label = labels.get(vs.shown_mode(), words.idle)
    return (
        out.get("chat", gr.skip()),
        out.get("caption", gr.skip()),
        label,
        out["audio"] if "audio" in out else gr.skip(),
    )


@dataclass
class _Who:
    """The user a queued chunk belongs to (the request object does not outlive the event)."""

    username: str


def mount_voice_interview(services: Services, chat: Any, ref: Any) -> dict[str, Any]:
    """Add the voice interview controls to the Drill tab and wire the microphone stream."""
    words = voice_phrases().interview
    # Open: a microphone mounted inside a closed accordion streams 0.1 s chunks whatever
    # stream_every says (Gradio 6.31), and under load most of them are lost.
    with gr.Accordion("Voice interview (hands-free)", open=True, elem_id="voice-interview"):
        enabled = gr.Checkbox(
            label="Voice interview: speak your answers; the interviewer answers aloud",
            value=False,
            elem_id="voice-interview-on",
        )
        state_label = gr.Markdown(words.idle, elem_id="voice-state")
        caption = gr.Textbox(label="Live caption", interactive=False, elem_id="voice-caption")
        mic = gr.Audio(
            sources=["microphone"],
            streaming=True,
            type="numpy",
            label="Microphone (press record once; the interviewer hears you when you pause)",
            elem_id="voice-mic",
        )
        out = gr.Audio(
            label="Interviewer", autoplay=True, interactive=False, elem_id="voice-interview-out"
        )

    def _chunk(
        chunk: tuple[int, np.ndarray] | None,
        drill_ref: dict[str, Any] | None,
        on: bool,
        request: gr.Request,
    ) -> tuple[Any, Any, Any, Any]:
        key = f"{user_of(request)}:{getattr(request, 'session_hash', '')}"
        return on_chunk(services, chunk, key, drill_ref, on, request)

    mic.stream(
        _chunk,
        [mic, ref, enabled],
        [chat, caption, state_label, out],
        stream_every=STREAM_EVERY_S,
        time_limit=3600,
        show_progress="hidden",
        concurrency_limit=None,
    )
    return {"enabled": enabled, "mic": mic, "out": out, "caption": caption, "state": state_label}
