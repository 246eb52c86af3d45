"""Voice handlers for the page: plain functions that never raise (errors become messages)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agents.drill.voice_coach import sentence_roles
from agents.voice import VoiceError, delivery_markdown, delivery_of
from agents.voice.audio import load_audio
from agents.voice.timeline import SpokenAnswer, spoken_answer

if TYPE_CHECKING:
    from agents.grading import Grade, Grader
    from agents.services import Services
    from agents.voice import SpeechToText

log = logging.getLogger(__name__)


def transcribe_for_answer(services: Services, audio_path: str | None) -> tuple[str, str]:
    """A recording -> (transcript text, delivery Markdown); ("", "⚠ …") when it cannot be used."""
    if not audio_path:
        return "", ""
    stt = services.speech_to_text()
    if stt is None:
        return "", "⚠ Speech to text is turned off (BARRAISER_VOICE_STT=off); type your answer."
    try:
        transcript = stt.transcribe(audio_path)
    except VoiceError as e:
        return "", f"⚠ {e}"
    except Exception as e:  # an engine bug must not take the drill down; the log keeps the cause
        log.warning("transcription failed", exc_info=e)
        return "", "⚠ The recording could not be transcribed; please type your answer."
    if not transcript.text.strip():
        return "", "⚠ No speech was recognised in that recording; please try again."
    return transcript.text, delivery_markdown(transcript, delivery_of(transcript))


def speak(services: Services, text: str) -> tuple[int, np.ndarray] | None:
    """The interviewer's words as audio, or None when no speech engine works."""
    tts = services.text_to_speech()
    if tts is None or not (text or "").strip():
        return None
    try:
        return tts.synthesize(text)
    except Exception as e:  # speech is optional: the text is already on the page
        log.warning("speech synthesis failed", exc_info=e)
        return None


def measure_spoken(stt: SpeechToText, audio: str | Path | tuple[int, np.ndarray]) -> SpokenAnswer:
    """Transcribe a spoken answer and time its STAR(L) parts (VoiceError on bad audio)."""
    data, _, _ = load_audio(audio, 3600.0)
    transcript = stt.transcribe(audio)
    if not transcript.text.strip():
        raise VoiceError("No speech was recognised in the recording; please try again.")
    roles = sentence_roles(transcript.text)
    return spoken_answer(transcript, delivery_of(transcript), roles, data)


def measure_answer(
    stt: SpeechToText, grader: Grader, audio: str | Path | tuple[int, np.ndarray], question: str
) -> tuple[SpokenAnswer, Grade]:
    """A spoken answer measured and graded (VoiceError on bad audio)."""
    spoken = measure_spoken(stt, audio)
    return spoken, grader.grade(spoken.transcript, question)


def analysis_json(spoken: SpokenAnswer, grade: Grade) -> dict[str, object]:
    """The `barraiser voice analyze --json` schema."""
    return {
        "transcript": spoken.transcript,
        "duration_s": spoken.duration_s,
        "wpm": spoken.wpm,
        "fillers": spoken.fillers,
        "pauses": [list(p) for p in spoken.pauses],
        "star_seconds": spoken.star_seconds,
        "grade": grade.public_dict(),
    }
