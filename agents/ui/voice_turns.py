"""The listening half of the hands-free interview, without Gradio: microphone chunks in, live
captions, barge-in and finished answers (or "I didn't catch that") out.

Each pause of 0.3 s cuts a segment that Whisper transcribes at once (live captions); the caption
so far says how the answer sounds (`answer_tail`), which sets the silence that ends the turn
(agents.voice.endpoint). The same `Listener` serves the page, the tests and `make bench`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from agents.drill.voice_coach import answer_tail, sentence_roles, spoken_command
from agents.ui.voice import measure_spoken
from agents.voice import VoiceError, delivery_of
from agents.voice.audio import SAMPLE_RATE, load_audio
from agents.voice.endpoint import EndOfTurn, EndpointSettings, Event, Tail
from agents.voice.stt import Transcript, Word
from agents.voice.timeline import SpokenAnswer, spoken_answer

if TYPE_CHECKING:
    from agents.config import Settings
    from agents.voice import SpeechToText

log = logging.getLogger(__name__)
HeardKind = Literal["speech_start", "caption", "answer", "command", "not_caught"]
MIN_ANSWER_WORDS = 2  # fewer recognised words at the end of a turn: noise, not an answer


@dataclass
class Heard:
    """Something the page must show or act on."""

    kind: HeardKind
    text: str = ""
    command: str | None = None
    spoken: SpokenAnswer | None = None  # live timings (segment words), replaced by `retime`
    at: float = 0.0  # audio seconds when it was decided
    audio: np.ndarray | None = None  # the whole answer (16 kHz), for the one-pass timings


@dataclass
class Segment:
    """A transcribed stretch of speech of the current turn (times from the turn's start)."""

    start: float
    end: float
    text: str
    words: list[Word]
    tail: Tail
    seconds: float  # how long the transcription took (wall clock)


@dataclass
class Listener:
    """One candidate's microphone: feed chunks, get captions and finished answers."""

    stt: SpeechToText
    endpoint: EndpointSettings = field(default_factory=EndpointSettings)
    segments: list[Segment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._eot = EndOfTurn(self.endpoint, on_segment=self._transcribe)
        self._turn_audio: list[np.ndarray] = []
        self._turn_t0 = 0.0

    @property
    def now(self) -> float:
        """Audio seconds fed so far."""
        return self._eot.now

    @property
    def caption(self) -> str:
        """What has been recognised of the current turn."""
        return join_segments([s.text for s in self.segments])

    def reset(self) -> None:
        """Listen for a new turn (the interviewer has just finished speaking)."""
        self._eot.reset_turn()
        self.segments = []
        self._turn_audio = []
        self._turn_t0 = self._eot.now

    def _transcribe(self, event: Event) -> Tail | None:
        """Transcribe a segment as soon as it is cut; the caption says how the answer sounds."""
        started = time.perf_counter()
        try:
            t = self.stt.transcribe((SAMPLE_RATE, event.samples()))
        except VoiceError:  # silence or noise: no words, not an error
            t = Transcript(text="", duration_s=0.0)
        offset = event.audio_start - self._turn_t0
        words = [Word(start=w.start + offset, end=w.end + offset, text=w.text) for w in t.words]
        tail = answer_tail(f"{self.caption} {t.text}") if t.text else None
        self.segments.append(
            Segment(
                start=event.start - self._turn_t0,
                end=event.end - self._turn_t0,
                text=t.text,
                words=words,
                tail=tail or self._eot.tail,
                seconds=time.perf_counter() - started,
            )
        )
        return tail

    def feed(self, rate: int, samples: np.ndarray) -> list[Heard]:
        """Feed a microphone chunk (any rate, int or float samples)."""
        data = np.asarray(samples)
        if data.size == 0:
            return []
        try:
            audio, _, _ = load_audio((rate, data), 3600.0)
        except VoiceError:  # a silent chunk: load_audio refuses those; it is still time passing
            audio = np.zeros(round(data.shape[0] * SAMPLE_RATE / rate), dtype=np.float32)
        self._turn_audio.append(audio)
        heard: list[Heard] = []
        for event in self._eot.feed(audio):
            heard += self._on(event)
        return heard

    def flush(self) -> Heard:
        """End the current turn now, whatever the silence (the page's "send" button)."""
        return self._finish(Event(kind="end", at=self.now))

    def _on(self, event: Event) -> list[Heard]:
        if event.kind == "speech_start":
            return [Heard("speech_start", at=event.at)]
        if event.kind == "segment":
            return [Heard("caption", text=self.caption, at=event.at)] if self.caption else []
        if event.kind == "timeout":
            return [Heard("not_caught", at=event.at)]
        if event.kind == "discarded":
            self.reset()
            return []
        return [self._finish(event)]

    def _finish(self, event: Event) -> Heard:
        """The turn is over: an answer, a spoken command, or nothing worth sending."""
        text = self.caption
        audio = np.concatenate(self._turn_audio) if self._turn_audio else np.zeros(0)
        words = [w for s in self.segments for w in s.words]
        self.reset()
        if len(text.split()) < MIN_ANSWER_WORDS and spoken_command(text) is None:
            return Heard("not_caught", text=text, at=event.at)
        command = spoken_command(text)
        if command is not None:
            return Heard("command", text=text, command=command, at=event.at)
        transcript = Transcript(
            text=text, duration_s=round(audio.size / SAMPLE_RATE, 2), words=words, backend="live"
        )
        try:
            spoken = spoken_answer(transcript, delivery_of(transcript), sentence_roles(text), audio)
        except ValueError as e:  # timing is a bonus: the answer itself must still go through
            log.warning("could not time the spoken answer", exc_info=e)
            spoken = None
        return Heard("answer", text=text, spoken=spoken, at=event.at, audio=audio)


def retime(stt: SpeechToText, heard: Heard) -> SpokenAnswer | None:
    """The answer's timings from one recogniser pass over its whole audio (off the critical
    path): segment-by-segment words drift at the cuts, and a sentence split across two segments
    can get another role, so the live timings are only a first draft. The live ones stay when
    the pass fails."""
    if heard.audio is None or not heard.audio.size:
        return heard.spoken
    try:
        return measure_spoken(stt, (SAMPLE_RATE, heard.audio))
    except (VoiceError, ValueError) as e:  # keep the draft; the log keeps the cause
        log.warning("could not re-time the spoken answer", exc_info=e)
        return heard.spoken


def join_segments(texts: list[str]) -> str:
    """Segment transcripts as one text. Whisper ends every segment with a full stop; a segment
    cut at a comma pause ("as a result,") continues in lower case, so that stop goes."""
    out = ""
    for text in (t.strip() for t in texts if t.strip()):
        if out.endswith(".") and text[:1].islower():
            out = out[:-1] + ","
        out = f"{out} {text}" if out else text
    return out


def endpoint_settings(settings: Settings) -> EndpointSettings:
    """The end-of-turn allowances from the app's settings."""
    return EndpointSettings(
        pause_s=settings.voice_end_pause_s,
        finished_s=settings.voice_end_finished_s,
        mid_story_s=settings.voice_end_mid_story_s,
        hesitation_s=settings.voice_end_hesitation_s,
        no_speech_s=settings.voice_no_speech_s,
    )
