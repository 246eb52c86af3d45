"""Benchmark: offline voice — Whisper tiny.en and base real-time factors and word error rate on
a Piper-spoken passage, Piper and espeak-ng synthesis real-time factors."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

PASSAGE = (
    "When our support queue doubled last winter, I was asked to fix it. I read every ticket from "
    "one week, grouped them by cause, and wrote help articles for the top three problems. Within "
    "a month the queue was back to normal, and customers told us the articles answered their "
    "questions. I learned that customers would rather help themselves than wait for an answer."
)


def run(quick: bool = False) -> dict[str, Any]:
    """Real-time factor = processing seconds / audio seconds (lower is faster)."""
    from agents.config import Settings
    from agents.voice.stt import build_stt
    from agents.voice.tts import EspeakTTS, PiperTTS
    from evals.voice_metrics import word_error_rate

    out: dict[str, Any] = {}
    piper = PiperTTS()
    piper.synthesize("Warm up.")
    t = time.perf_counter()
    rate, audio = piper.synthesize(PASSAGE)
    seconds = audio.size / rate
    out["audio_s"] = round(seconds, 1)
    out["piper_rtf"] = round((time.perf_counter() - t) / seconds, 3)
    t = time.perf_counter()
    erate, eaudio = EspeakTTS().synthesize(PASSAGE)
    out["espeak_rtf"] = round((time.perf_counter() - t) / (eaudio.size / erate), 3)
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("whisper-tiny",) if quick else ("whisper-tiny", "whisper-base"):
            settings = Settings(_env_file=None, data_dir=Path(tmp), voice_stt=name)  # type: ignore[arg-type]
            stt = build_stt(settings)
            assert stt is not None
            t = time.perf_counter()
            stt.warm_up()  # type: ignore[attr-defined]
            load = time.perf_counter() - t
            t = time.perf_counter()
            text = stt.transcribe((rate, audio)).text
            out[name] = {
                "load_s": round(load, 2),
                "rtf": round((time.perf_counter() - t) / seconds, 3),
                "wer": round(word_error_rate(PASSAGE, text), 3),
                # espeak-ng's robotic voice is the harder case (the test's looser bound).
                "wer_espeak": round(
                    word_error_rate(PASSAGE, stt.transcribe((erate, eaudio)).text), 3
                ),
            }
    return out
