"""End of turn: when has the candidate finished speaking?

Audio (16 kHz mono float32) is fed in chunks of any size. Each 30 ms frame is speech when WebRTC's
voice activity detector says so AND it is well above the recent noise floor (the quietest frame of
the last 1.5 s), so steady background noise never opens a turn. After a short pause (0.3 s) the
speech so far is handed out as a `segment` for the caller to transcribe (live captions); the
caller then tells `EndOfTurn` how the answer sounds (`tail`): `finished` (a result or lesson just
ended, "so, yeah"), `mid_story`, `hesitating` ("let me think") or `unknown`; the silence that ends
the turn depends on it. All times are in audio seconds, so the logic is deterministic and the
same in the page, the tests and the benchmark.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import BaseModel

from agents.voice.audio import SAMPLE_RATE

FRAME_S = 0.03
FRAME = int(SAMPLE_RATE * FRAME_S)
Tail = Literal["finished", "mid_story", "hesitating", "unknown"]
EventKind = Literal["speech_start", "segment", "end", "timeout", "discarded"]


class EndpointSettings(BaseModel):
    """Silence allowances in seconds (from agents.config.Settings in the app)."""

    pause_s: float = 1.5
    finished_s: float = 0.7
    mid_story_s: float = 3.3
    hesitation_s: float = 6.0
    no_speech_s: float = 12.0
    segment_pause_s: float = 0.3
    min_speech_s: float = 0.25  # "Let's end." is about 0.4 s of voiced frames
    onset_frames: int = 3
    vad_level: int = 2
    floor_window_s: float = 1.5
    floor_ratio: float = 3.0
    min_rms: float = 0.004

    def allowance(self, tail: Tail) -> float:
        """The silence that ends the turn, given how the answer sounds so far."""
        return {
            "finished": self.finished_s,
            "mid_story": self.mid_story_s,
            "hesitating": self.hesitation_s,
            "unknown": self.pause_s,
        }[tail]


class Event(BaseModel):
    """Something the caller must act on; `at` is the audio time it was decided."""

    kind: EventKind
    at: float
    start: float = 0.0  # segment / turn: where its speech starts (audio seconds)
    end: float = 0.0  # segment / turn: where its speech ends
    audio_start: float = 0.0  # segment: where its samples (padded by 0.15 s) start
    audio: list[float] | None = None  # segment: the samples

    def samples(self) -> np.ndarray:
        """The segment's samples as float32."""
        return np.asarray(self.audio or [], dtype=np.float32)


class EndOfTurn:
    """Frame-level VAD with a noise floor, pause tracking and the end-of-turn decision."""

    def __init__(
        self,
        settings: EndpointSettings | None = None,
        on_segment: Callable[[Event], Tail | None] | None = None,
    ) -> None:
        """`on_segment` transcribes a segment as soon as it is cut and says how the answer
        sounds; it runs before the end-of-turn decision that segment's pause leads to."""
        import webrtcvad

        self.settings = settings or EndpointSettings()
        self._on_segment = on_segment
        self._vad = webrtcvad.Vad(self.settings.vad_level)
        self._levels: deque[float] = deque(maxlen=int(self.settings.floor_window_s / FRAME_S))
        self._pending = np.zeros(0, dtype=np.float32)
        self._audio: list[np.ndarray] = []  # this turn's frames, for segments
        self.reset_turn(0.0)

    # --- state ---------------------------------------------------------------------------------

    def reset_turn(self, now: float | None = None) -> None:
        """Start listening for a new turn (after the interviewer has spoken)."""
        self.now = self.now if now is None else now
        self.turn_start = self.now
        self.in_speech = False
        self.speech_start: float | None = None
        self.speech_end = 0.0
        self.spoken_s = 0.0
        self.silence_s = 0.0
        self.run = 0
        self.segment_from: float | None = None
        self.tail: Tail = "unknown"
        self.timed_out = False
        self._audio = []
        self._audio_start = self.now

    def set_tail(self, tail: Tail) -> None:
        """How the answer sounds so far (from the transcript of the latest segment)."""
        self.tail = tail

    @property
    def allowance(self) -> float:
        """The silence that ends the turn right now."""
        return self.settings.allowance(self.tail)

    # --- frames --------------------------------------------------------------------------------

    def _is_speech(self, frame: np.ndarray) -> bool:
        """VAD says speech and the frame stands out of the noise floor."""
        rms = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2)))
        self._levels.append(rms)
        floor = min(self._levels)
        if rms < max(self.settings.min_rms, floor * self.settings.floor_ratio):
            return False
        pcm = (np.clip(frame, -1, 1) * 32767).astype(np.int16).tobytes()
        return bool(self._vad.is_speech(pcm, SAMPLE_RATE))

    def feed(self, samples: np.ndarray) -> list[Event]:
        """Feed 16 kHz mono float32 audio; returns the events it decided, in order."""
        data = np.concatenate([self._pending, np.asarray(samples, dtype=np.float32)])
        n = data.size // FRAME
        self._pending = data[n * FRAME :]
        events: list[Event] = []
        for i in range(n):
            frame = data[i * FRAME : (i + 1) * FRAME]
            self._audio.append(frame)
            self.now += FRAME_S
            events += self._step(self._is_speech(frame))
        return events

    def _step(self, speech: bool) -> list[Event]:
        s = self.settings
        if speech:
            self.run += 1
            if self.run < s.onset_frames:
                return []
            self.silence_s = 0.0
            self.speech_end = self.now
            if not self.in_speech:
                self.in_speech = True
                start = self.now - s.onset_frames * FRAME_S
                if self.speech_start is None:
                    self.speech_start = start
                    self.spoken_s += s.onset_frames * FRAME_S
                    if self.segment_from is None:
                        self.segment_from = start
                    return [Event(kind="speech_start", at=self.now, start=start)]
                if self.segment_from is None:
                    self.segment_from = start
            self.spoken_s += FRAME_S
            return []
        self.run = 0
        if self.speech_start is None:
            if not self.timed_out and self.now - self.turn_start >= s.no_speech_s:
                self.timed_out = True
                return [Event(kind="timeout", at=self.now)]
            return []
        self.in_speech = False
        self.silence_s = self.now - self.speech_end
        out: list[Event] = []
        if self.segment_from is not None and self.silence_s >= s.segment_pause_s:
            segment = self._segment()
            out.append(segment)
            if self._on_segment is not None:
                self.tail = self._on_segment(segment) or self.tail
        if self.silence_s >= self.allowance:
            out.append(self._end())
        return out

    def _segment(self) -> Event:
        """The speech since the last segment, padded, for incremental transcription."""
        assert self.segment_from is not None
        a = max(self._audio_start, self.segment_from - 0.15)
        b = min(self.now, self.speech_end + 0.15)
        i, j = round((a - self._audio_start) / FRAME_S), round((b - self._audio_start) / FRAME_S)
        audio = np.concatenate(self._audio[i:j]) if j > i else np.zeros(0, dtype=np.float32)
        event = Event(
            kind="segment",
            at=self.now,
            start=self.segment_from,
            end=self.speech_end,
            audio_start=a,
            audio=audio.tolist(),
        )
        self.segment_from = None
        return event

    def _end(self) -> Event:
        """The turn is over: an answer, or a blip too short to be one."""
        start = self.speech_start or self.now
        kind: EventKind = "end" if self.spoken_s >= self.settings.min_speech_s else "discarded"
        event = Event(kind=kind, at=self.now, start=start, end=self.speech_end)
        self.reset_turn()
        return event
