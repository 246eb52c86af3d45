"""Audio in and out: decode a recording to 16 kHz mono float32, and 16-bit PCM WAV bytes."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
SILENCE_PEAK = 1e-3


class VoiceError(Exception):
    """A voice failure with a message fit to show the user."""


def _from_samples(rate: int, samples: np.ndarray) -> np.ndarray:
    """A (rate, samples) pair as 16 kHz mono float32 in [-1, 1]."""
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
    return data


def _from_file(path: Path) -> np.ndarray:
    """Any audio file PyAV can read, decoded to 16 kHz mono float32."""
    if not path.is_file():
        raise VoiceError("The recording could not be found; please record again.")
    if path.stat().st_size == 0:
        raise VoiceError("The recording is empty; please record again.")
    from faster_whisper import decode_audio

    try:
        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as e:  # PyAV raises many types for non-audio input
        raise VoiceError("That file is not audio we can read (try WAV, MP3, OGG or WebM).") from e


def load_audio(
    audio: str | Path | tuple[int, np.ndarray], max_seconds: float
) -> tuple[np.ndarray, float, str | None]:
    """Audio as 16 kHz mono float32, its duration, and a notice when it was cut."""
    data = _from_samples(*audio) if isinstance(audio, tuple) else _from_file(Path(audio))
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


def to_int16(data: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as 16-bit PCM (clipped)."""
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
