"""Synthetic spoken answers with known timings, for the voice tests and the voice benchmark.

Each sentence of `evals/data/spoken/answers.yaml` is spoken by Piper (espeak-ng when Piper is not
installed), trimmed to its voiced samples and joined with known silences: 0.35 s between
sentences, a thinking pause where asked. A part owns the time from the onset of its sentence to
the onset of the next one (the last sentence ends at its last voiced sample), which is how
`agents.voice.timeline` counts, so the known seconds per STAR(L) part are exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import yaml

from agents.voice.audio import SAMPLE_RATE, load_audio

DATA = Path(__file__).resolve().parent / "data" / "spoken" / "answers.yaml"
PARTS = ("situation", "task", "action", "result", "learning")
SENTENCE_GAP_S = 0.35
VOICED = 0.01  # |sample| above this is voice, for trimming a synthesized sentence


@dataclass
class SpokenAnswer:
    """16 kHz float32 audio and where everything in it is."""

    question: str
    text: str
    audio: np.ndarray
    onsets: list[float]
    parts: list[str]
    speech_end: float
    pauses: list[tuple[float, float]] = field(default_factory=list)  # (start, length) thinking

    @property
    def star_seconds(self) -> dict[str, float]:
        """The known seconds per STAR(L) part."""
        out = dict.fromkeys(PARTS, 0.0)
        bounds = [*self.onsets[1:], self.speech_end]
        for part, a, b in zip(self.parts, self.onsets, bounds, strict=True):
            out[part] += b - a
        return {k: round(v, 2) for k, v in out.items()}


def answers() -> list[dict[str, Any]]:
    """The scripted answers: {"question", "sentences": [[part, text], ...]}."""
    return list(yaml.safe_load(DATA.read_text("utf-8"))["answers"])


class Voice(NamedTuple):
    """A synthetic speaker: `piper` (the joe voice; `pace` is its length scale) or `espeak`
    (`name` an espeak-ng voice; `pace` words per minute). None everywhere: the default."""

    engine: str
    name: str = ""
    pace: float | None = None

    @property
    def label(self) -> str:
        """How the voice is named in the results."""
        if self.engine == "piper":
            return f"Piper joe, length scale {self.pace or 1.0:g}"
        return f"espeak-ng {self.name}, {self.pace:g} words a minute"


@lru_cache(maxsize=16)
def _tts(voice: Voice | None = None) -> Any:
    from agents.voice.engines import piper_available
    from agents.voice.tts import EspeakTTS, PiperTTS

    if voice is not None and voice.engine == "espeak":
        return EspeakTTS(voice=voice.name, rate=round(voice.pace or 165))
    if voice is not None:
        return PiperTTS(varied=False, length_scale=voice.pace)
    # Piper without sampling noise: the same sentence always gives the same samples.
    return PiperTTS(varied=False) if piper_available() else EspeakTTS()


@lru_cache(maxsize=2048)
def sentence_audio(text: str, voice: Voice | None = None) -> np.ndarray:
    """One sentence spoken, at 16 kHz, trimmed to its voiced samples."""
    rate, samples = _tts(voice).synthesize(text)
    audio, _, _ = load_audio((rate, samples), 600.0)
    voiced = np.flatnonzero(np.abs(audio) > VOICED)
    return audio[voiced[0] : voiced[-1] + 1] if voiced.size else audio


def silence(seconds: float) -> np.ndarray:
    """Digital silence."""
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)


def speak(
    sentences: list[tuple[str, str]],
    question: str = "",
    *,
    thinking: dict[int, float] | None = None,
    lead_s: float = 0.5,
    tail_s: float = 4.0,
    voice: Voice | None = None,
) -> SpokenAnswer:
    """Speak (part, sentence) pairs; `thinking` maps a sentence index to a pause after it."""
    thinking = thinking or {}
    chunks = [silence(lead_s)]
    t = lead_s
    onsets: list[float] = []
    pauses: list[tuple[float, float]] = []
    end = t
    for i, (_, text) in enumerate(sentences):
        clip = sentence_audio(text, voice)
        onsets.append(t)
        chunks.append(clip)
        t += clip.size / SAMPLE_RATE
        end = t
        if i < len(sentences) - 1:
            gap = thinking.get(i, SENTENCE_GAP_S)
            if i in thinking:
                pauses.append((round(t, 2), gap))
            chunks.append(silence(gap))
            t += gap
    chunks.append(silence(tail_s))
    return SpokenAnswer(
        question=question,
        text=" ".join(s for _, s in sentences),
        audio=np.concatenate(chunks),
        onsets=onsets,
        parts=[p for p, _ in sentences],
        speech_end=end,
        pauses=pauses,
    )


def spoken(
    index: int, thinking: dict[int, float] | None = None, voice: Voice | None = None
) -> SpokenAnswer:
    """Scripted answer `index`, spoken (by `voice`, else the default speaker)."""
    record = answers()[index]
    pairs = [(str(p), str(s)) for p, s in record["sentences"]]
    return speak(pairs, record["question"], thinking=thinking, voice=voice)
