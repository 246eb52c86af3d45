"""Speech to text: faster-whisper with an int8 model from a wheel, or the OpenAI transcription
endpoint; `build_stt` picks the configured one. Building a backend loads nothing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from pydantic import BaseModel, Field

from agents.voice.audio import SAMPLE_RATE, VoiceError, load_audio, to_int16, to_wav_bytes
from agents.voice.engines import (
    BASE_SHA256,
    TINY_EN_SHA256,
    base_dir,
    openai_client,
    short_error,
    tiny_en_dir,
    verify_model,
    wants_openai,
)

if TYPE_CHECKING:
    from agents.config import Settings


class Word(BaseModel):
    """One recognised word with its timing in seconds."""

    start: float
    end: float
    text: str


class Transcript(BaseModel):
    """What was said, how long the audio was, and word timings when the engine gives them."""

    text: str
    duration_s: float
    language: str | None = None
    words: list[Word] = Field(default_factory=list)
    backend: str = ""
    notice: str | None = None


class SpeechToText(Protocol):
    """Anything that turns audio into a Transcript."""

    name: str

    def transcribe(self, audio: str | Path | tuple[int, np.ndarray]) -> Transcript:
        """Transcribe a file path or a (sample_rate, samples) pair."""
        ...


class WhisperSTT:
    """faster-whisper on CPU with an int8 model from a wheel; loaded on first use."""

    def __init__(
        self,
        name: str,
        model_dir: Path | None,
        sha256: str,
        *,
        language: str | None,
        threads: int = 0,
        max_seconds: float = 360.0,
        cache: Path | None = None,
    ) -> None:
        self.name = name
        self._model_dir = model_dir
        self._sha256 = sha256
        self._language = language
        self._threads = threads
        self._max_seconds = max_seconds
        self._cache = cache
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_dir(self) -> Path | None:
        """The model directory (None: the base model, joined into the cache on first use)."""
        return self._model_dir

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                directory = self._model_dir or base_dir(self._cache or Path("."))
                verify_model(directory / "model.bin", self._sha256)
                from faster_whisper import WhisperModel

                try:
                    self._model = WhisperModel(
                        str(directory),
                        device="cpu",
                        compute_type="int8",
                        cpu_threads=self._threads,
                        local_files_only=True,
                    )
                except Exception as e:
                    raise VoiceError(f"The speech model could not be loaded: {e}") from e
            return self._model

    def warm_up(self) -> None:
        """Load the model now (the status panel and benchmarks call this)."""
        self._load()

    def transcribe(self, audio: str | Path | tuple[int, np.ndarray]) -> Transcript:
        """Transcribe with word timestamps (greedy decoding: fast and deterministic)."""
        data, duration, notice = load_audio(audio, self._max_seconds)
        model = self._load()
        try:
            segments, info = model.transcribe(
                data,
                language=self._language,
                beam_size=1,
                word_timestamps=True,
                condition_on_previous_text=False,
                vad_filter=False,
            )
            words: list[Word] = []
            texts: list[str] = []
            for seg in segments:
                texts.append(seg.text.strip())
                for w in seg.words or []:
                    words.append(Word(start=w.start, end=w.end, text=w.word.strip()))
        except Exception as e:
            raise VoiceError(f"Transcription failed: {e}") from e
        text = " ".join(t for t in texts if t).strip()
        if not text:
            raise VoiceError("No speech was recognised in the recording; please try again.")
        return Transcript(
            text=text,
            duration_s=round(duration, 2),
            language=getattr(info, "language", self._language),
            words=words,
            backend=self.name,
            notice=notice,
        )


class OpenAISTT:
    """The OpenAI (or compatible) transcription endpoint."""

    def __init__(self, settings: Settings) -> None:
        self.name = f"openai {settings.openai_stt_model}"
        self._settings = settings

    def transcribe(self, audio: str | Path | tuple[int, np.ndarray]) -> Transcript:
        """Send 16 kHz WAV to /audio/transcriptions and read words when the server gives them."""
        data, duration, notice = load_audio(audio, self._settings.voice_max_seconds)
        client = openai_client(self._settings)
        try:
            reply = client.audio.transcriptions.create(
                model=self._settings.openai_stt_model,
                file=("answer.wav", to_wav_bytes(SAMPLE_RATE, to_int16(data))),
                response_format="verbose_json",
                timestamp_granularities=["word"],
            )
        except Exception as e:
            raise VoiceError(f"The transcription service failed: {short_error(e)}") from e
        words = [
            Word(start=float(w.start), end=float(w.end), text=str(w.word).strip())
            for w in (getattr(reply, "words", None) or [])
        ]
        return Transcript(
            text=str(getattr(reply, "text", "")).strip(),
            duration_s=round(duration, 2),
            language=getattr(reply, "language", None),
            words=words,
            backend=self.name,
            notice=notice,
        )


def build_stt(settings: Settings) -> SpeechToText | None:
    """The configured speech-to-text backend (None when off); nothing is loaded yet."""
    choice = settings.voice_stt
    if choice == "off":
        return None
    if wants_openai(choice, settings):
        return OpenAISTT(settings)
    if choice == "whisper-base":
        return WhisperSTT(
            "whisper base (multilingual, int8)",
            None,
            BASE_SHA256,
            language=None,
            threads=settings.voice_threads,
            max_seconds=settings.voice_max_seconds,
            cache=settings.data_dir / "models",
        )
    return WhisperSTT(
        "whisper tiny.en (int8)",
        tiny_en_dir(),
        TINY_EN_SHA256,
        language="en",
        threads=settings.voice_threads,
        max_seconds=settings.voice_max_seconds,
    )
