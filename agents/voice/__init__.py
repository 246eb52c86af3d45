"""Voice owns speech in and out: audio decoding, speech to text, text to speech, delivery analytics.

A leaf: may import only config (plus numpy, pydantic and the speech engines); used by services, ui.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.voice.audio import VoiceError
from agents.voice.delivery import Delivery, delivery_markdown, delivery_of
from agents.voice.stt import SpeechToText, Transcript, build_stt
from agents.voice.tts import TextToSpeech, build_tts

if TYPE_CHECKING:
    from agents.config import Settings

__all__ = [
    "Delivery",
    "SpeechToText",
    "TextToSpeech",
    "Transcript",
    "VoiceError",
    "build_stt",
    "build_tts",
    "delivery_markdown",
    "delivery_of",
    "voice_status",
]


def voice_status(settings: Settings) -> dict[str, str]:
    """Which voice engines are active, in words (never a key)."""
    stt = build_stt(settings)
    tts = build_tts(settings)
    return {
        "stt": stt.name if stt else "off (type your answers)",
        "tts": tts.name if tts else "off (no speech engine installed; text only)",
    }
