"""The hands-free interview's streaming handler, fed chunk by chunk as the page feeds it (no
browser): silence, noise and speech; barge-in; spoken commands; text-only when voice is off."""

from __future__ import annotations

import numpy as np
import pytest

from agents.drill.state import DrillConfig
from agents.drill.voice_coach import voice_phrases
from agents.ui.charts_voice import spoken_trend_rows
from agents.ui.voice_interview import VoiceSession, on_chunk, session_for
from agents.voice.audio import to_int16
from evals.spoken_answers import silence, speak, spoken

CHUNK = 8000  # 0.5 s at 16 kHz, as stream_every=0.5 sends


def _feed(services, audio: np.ndarray, key: str, ref) -> tuple[VoiceSession, list]:
    outputs = []
    pcm = to_int16(audio)
    for i in range(0, pcm.size, CHUNK):
        outputs.append(on_chunk(services, (16000, pcm[i : i + CHUNK]), key, ref, True))
    vs = session_for(services, key)
    assert vs is not None
    vs.wait()  # the worker has processed every chunk
    return vs, outputs


@pytest.mark.slow
def test_silence_then_noise_then_speech_sends_one_answer_and_never_hangs(services) -> None:
    state = services.interviewer.start(DrillConfig(seed=1, minutes=30), user="local")
    ref = {"id": state.id}
    rng = np.random.default_rng(3)
    noise = (rng.standard_normal(16000 * 8) * 0.03).astype(np.float32)
    vs, _ = _feed(services, np.concatenate([silence(30), noise]), "page-1", ref)
    drill = services.sessions.load(state.id, "local")
    assert not [t for t in drill.turns if t.role == "candidate"]  # no phantom answer
    not_caught = voice_phrases().interview.not_caught
    assert sum(1 for line in vs.log if line == f"said: {not_caught}") >= 2  # every ~12 s
    question = next(t.text for t in drill.turns if t.kind == "question")
    assert vs.log[0].startswith("said: ") and question in vs.log[0]  # the question, aloud
    answer = spoken(0)
    vs, outputs = _feed(services, answer.audio, "page-1", ref)
    for job in vs.retimers:  # the one-pass timings of the whole answer, after the reply
        job.join()
    outputs.append(on_chunk(services, (16000, np.zeros(CHUNK, np.int16)), "page-1", ref, True))
    vs.wait()
    # While the answer was graded and the reply chosen, the page said so.
    assert voice_phrases().interview.thinking in [out[2] for out in outputs]
    drill = services.sessions.load(state.id, "local")
    said = [t for t in drill.turns if t.role == "candidate"]
    assert len(said) == 1 and "checkout" in said[0].text.lower()
    star = said[0].meta["voice"]["star_seconds"]
    for part, known in answer.star_seconds.items():  # the whole-answer pass, not the segments
        assert star[part] == pytest.approx(known, rel=0.10), (part, star, answer.star_seconds)
    assert drill.turns[-1].role == "interviewer"  # and it answered
    assert len(vs.captions) >= 3 and len(vs.captions[-1]) > len(vs.captions[0])  # live captions
    chat, caption, _, _ = outputs[-1]
    assert isinstance(caption, str) and "checkout" in caption.lower()  # ...reach the page
    assert isinstance(chat, list) and any("checkout" in m["content"].lower() for m in chat)


@pytest.mark.slow
def test_spoken_commands_and_barge_in(services) -> None:
    state = services.interviewer.start(DrillConfig(seed=2, minutes=30), user="local")
    ref = {"id": state.id}
    vs, _ = _feed(services, silence(1.0), "page-2", ref)  # speaks the question
    assert vs.mode == "speaking" and vs.speaking_until > vs.listener.now
    lets_end = speak([("none", "Let's end.")], tail_s=3.0).audio
    vs, _ = _feed(services, lets_end, "page-2", ref)
    assert "barge-in" in vs.log and "command: end" in vs.log
    drill = services.sessions.load(state.id, "local")
    assert drill.status == "done" and drill.turns[-1].kind == "debrief"


def test_voice_off_is_the_text_drill(services) -> None:
    out = on_chunk(services, (16000, np.zeros(CHUNK, dtype=np.int16)), "page-3", None, False)
    assert out[2] == voice_phrases().interview.idle
    assert "voice_sessions" not in services.extras  # nothing was started


def test_spoken_answers_reach_the_feedback_trend(services) -> None:
    state = services.interviewer.start(DrillConfig(seed=4, minutes=30), user="local")
    star = {"situation": 12.0, "task": 4.0, "action": 20.5, "result": 6.0, "learning": 0.0}
    voice = {"duration_s": 43.0, "wpm": 142.4, "fillers": {"um": 2, "like": 1},
             "pauses": [[3.0, 2.1]], "star_seconds": star}  # fmt: skip
    answer = "I added an index to the orders table myself and errors fell from 4% to 0.5%."
    for _ in services.interviewer.respond_stream(state, answer, {"voice": voice}):
        pass
    point = next(p for p in services.sessions.progress("local") if p.session_id == state.id)
    assert point.spoken == [{"star_seconds": star, "wpm": 142.4, "fillers": 3, "pauses": 1}]
    rows = spoken_trend_rows([point])
    assert len(rows) == 1 and rows[0].seconds["action"] == 20.5 and rows[0].fillers == 3


@pytest.mark.slow
def test_speech_is_recognised_outside_the_drill_lock(services) -> None:
    """The worker holds the user's drill only to load, change and save it: while a chunk is
    transcribed, End pressed on the page is not kept waiting."""
    state = services.interviewer.start(DrillConfig(seed=1, minutes=30), user="local")
    ref = {"id": state.id}
    vs = session_for(services, "page-lock")
    assert vs is not None
    held_while_transcribing: list[bool] = []
    transcribe = vs.listener.stt.transcribe

    def recorded(audio):  # the real recogniser, noting whether the drill was held meanwhile
        held_while_transcribing.append(services.drill_locks.lock_for("local").locked())
        return transcribe(audio)

    vs.listener.stt.transcribe = recorded  # type: ignore[method-assign]
    try:
        _feed(services, spoken(0).audio, "page-lock", ref)
    finally:
        vs.listener.stt.transcribe = transcribe  # type: ignore[method-assign]
    drill = services.sessions.load(state.id, "local")
    assert [t for t in drill.turns if t.role == "candidate"]  # the answer was still sent
    assert held_while_transcribing and not any(held_while_transcribing)
