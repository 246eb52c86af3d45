"""Voice: real Piper and espeak-ng speech transcribed by the real Whisper model from its wheel,
delivery analytics, bad audio, model hash checks, and the OpenAI audio path against a local
HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from agents.config import Settings
from agents.grading import analyze
from agents.voice import voice_status
from agents.voice.audio import VoiceError, load_audio, to_wav_bytes, write_wav
from agents.voice.delivery import delivery_of
from agents.voice.engines import TINY_EN_SHA256, verify_model
from agents.voice.stt import OpenAISTT, Transcript, WhisperSTT, Word, build_stt
from agents.voice.tts import EspeakTTS, OpenAITTS, PiperTTS, build_tts
from evals.voice_metrics import word_error_rate as wer

FIXTURES = Path(__file__).parent / "fixtures"
PASSAGE = (
    "When our support queue doubled last winter, I was asked to fix it. I read every ticket "
    "from one week, grouped them by cause, and wrote help articles for the top three problems. "
    "I learned that customers would rather help themselves than wait."
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> WhisperSTT:
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("voice"))
    stt = build_stt(settings)
    assert isinstance(stt, WhisperSTT)
    return stt


@pytest.mark.slow
def test_piper_speech_is_transcribed_by_whisper_tiny(tiny: WhisperSTT) -> None:
    rate, audio = PiperTTS().synthesize(PASSAGE)
    assert rate == 22050 and audio.dtype == np.int16 and audio.size > rate * 5
    t = tiny.transcribe((rate, audio))
    assert wer(PASSAGE, t.text) < 0.2, t.text
    assert t.words and t.words[0].start < t.words[-1].end <= t.duration_s + 0.5


@pytest.mark.slow
def test_espeak_speech_is_transcribed_too(tiny: WhisperSTT, tmp_path: Path) -> None:
    rate, audio = EspeakTTS().synthesize(PASSAGE)
    path = write_wav(tmp_path / "espeak.wav", rate, audio)
    t = tiny.transcribe(str(path))  # through the file decoder this time
    assert wer(PASSAGE, t.text) < 0.35, t.text


@pytest.mark.slow
def test_the_browser_fixture_is_a_gradeable_answer(tiny: WhisperSTT) -> None:
    t = tiny.transcribe(str(FIXTURES / "voice_answer.wav"))
    text = (FIXTURES / "voice_answer.txt").read_text("utf-8")
    assert wer(text, t.text) < 0.2, t.text
    grade = analyze(t.text, "Tell me about a time you fixed a reliability problem.")
    assert all(grade.components[c].present for c in ("situation", "action", "result"))
    assert grade.ownership.label == "i" and grade.measurability.level >= 2


def test_delivery_counts_pace_fillers_pauses_and_length() -> None:
    words = [Word(start=i * 0.4, end=i * 0.4 + 0.3, text="w") for i in range(50)]
    words += [Word(start=25.0, end=25.3, text="late")]  # 5.1 s after the 50th word ends (19.9)
    t = Transcript(
        text="Um, so basically I, like, rewrote it, you know, and um I'd like to say it worked "
        + "word " * 40,
        duration_s=30.0,
        words=words,
    )
    d = delivery_of(t)
    assert d.fillers == {"um": 2, "like": 1, "you know": 1, "basically": 1}
    assert d.wpm == pytest.approx(d.words * 2, rel=0.01)
    assert d.long_pauses and d.long_pauses[0] == (19.9, 5.1)
    assert d.length_verdict == "short" and any("2–3 minute" in n for n in d.notes)
    assert delivery_of(t.model_copy(update={"duration_s": 150.0})).length_verdict == "on target"
    assert delivery_of(t.model_copy(update={"duration_s": 400.0})).length_verdict == "long"


def test_bad_audio_gives_readable_errors(tiny: WhisperSTT, tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.wav"
    junk.write_bytes(bytes(range(256)) * 40)
    for audio, words in (
        (str(empty), "empty"),
        (str(junk), "not audio"),
        (str(tmp_path / "missing.wav"), "could not be found"),
        ((16000, np.zeros(0, dtype=np.int16)), "no sound"),
        ((16000, np.zeros(32000, dtype=np.int16)), "silent"),
    ):
        with pytest.raises(VoiceError, match=words):
            tiny.transcribe(audio)


@pytest.mark.slow
def test_silence_and_long_audio_through_the_page_handler(services, tmp_path: Path) -> None:
    from agents.ui.voice import transcribe_for_answer

    silence = write_wav(tmp_path / "silence.wav", 16000, np.zeros(16000 * 2, dtype=np.int16))
    text, note = transcribe_for_answer(services, str(silence))
    assert text == "" and note.startswith("⚠") and "silent" in note
    junk = tmp_path / "junk.webm"
    junk.write_bytes(b"\x00garbage" * 100)
    assert transcribe_for_answer(services, str(junk))[1].startswith("⚠")
    assert transcribe_for_answer(services, None) == ("", "")

    short = WhisperSTT("tiny", build_stt(services.settings).model_dir, TINY_EN_SHA256,  # type: ignore[union-attr]
                       language="en", max_seconds=3.0)  # fmt: skip
    rate, audio = PiperTTS().synthesize(PASSAGE)
    t = short.transcribe((rate, audio))
    assert t.duration_s == pytest.approx(3.0, abs=0.05) and t.notice


def test_a_ten_minute_file_is_cut_to_the_limit_with_a_notice(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal(16000 * 600) * 2000).astype(np.int16)
    path = write_wav(tmp_path / "ten_minutes.wav", 16000, noise)
    data, seconds, notice = load_audio(str(path), Settings(_env_file=None).voice_max_seconds)
    assert seconds == pytest.approx(360.0) and data.size == 360 * 16000
    assert notice and "first 6 minutes" in notice
    assert load_audio(str(path), 900.0)[2] is None


def test_a_model_file_with_the_wrong_hash_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.bin"
    fake.write_bytes(b"not the model")
    with pytest.raises(VoiceError, match="does not match its expected hash"):
        verify_model(fake, "0" * 64)
    stt = WhisperSTT("tampered", tmp_path, "0" * 64, language="en")
    with pytest.raises(VoiceError, match="hash"):
        stt.transcribe((16000, np.ones(1600, dtype=np.float32) * 0.1))


def test_backend_choice_and_status_never_show_the_key(tmp_path: Path) -> None:
    offline = Settings(_env_file=None, data_dir=tmp_path)
    status = voice_status(offline)
    assert status == {"stt": "whisper tiny.en (int8)", "tts": "piper en_US-joe-medium"}
    key = "sk-test-very-secret-123"
    online = Settings(_env_file=None, data_dir=tmp_path, openai_api_key=key)
    status = voice_status(online)
    assert status["stt"].startswith("openai") and key not in json.dumps(status)
    # A local OpenAI-compatible chat server has no audio endpoints: stay offline.
    local = Settings(
        _env_file=None, data_dir=tmp_path, openai_api_key=key, openai_base_url="http://127.0.0.1:1"
    )
    assert isinstance(build_stt(local), WhisperSTT)
    off = Settings(_env_file=None, data_dir=tmp_path, voice_stt="off", voice_tts="off")
    assert build_stt(off) is None and build_tts(off) is None
    espeak = Settings(_env_file=None, data_dir=tmp_path, voice_tts="espeak")
    assert isinstance(build_tts(espeak), EspeakTTS)


# --- OpenAI audio against a local server ----------------------------------------------------


class _AudioHandler(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []  # noqa: RUF012 - shared by the test server's threads

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.seen.append({"path": self.path, "auth": self.headers.get("Authorization", "")})
        if self.path.endswith("/audio/transcriptions"):
            assert b"RIFF" in body  # the WAV really was uploaded
            reply = {
                "text": "I rewrote the deploy script.",
                "language": "english",
                "duration": 2.0,
                "words": [{"word": "I", "start": 0.0, "end": 0.2},
                          {"word": "rewrote", "start": 0.3, "end": 0.8}],
            }  # fmt: skip
            data, kind = json.dumps(reply).encode(), "application/json"
        elif self.path.endswith("/audio/speech"):
            assert json.loads(body)["input"] == "Tell me about a time."
            data, kind = to_wav_bytes(24000, np.full(2400, 1000, dtype=np.int16)), "audio/wav"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def audio_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AudioHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_openai_audio_round_trip(audio_server: str, tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        openai_api_key="sk-local",
        openai_base_url=audio_server,
        voice_stt="openai",
        voice_tts="openai",
        llm_timeout=5,
    )
    stt, tts = build_stt(settings), build_tts(settings)
    assert isinstance(stt, OpenAISTT) and isinstance(tts, OpenAITTS)
    t = stt.transcribe((16000, np.full(16000, 0.1, dtype=np.float32)))
    assert t.text == "I rewrote the deploy script."
    assert [w.text for w in t.words] == ["I", "rewrote"]
    rate, audio = tts.synthesize("Tell me about a time.")
    assert rate == 24000 and audio.size == 2400
    assert {s["auth"] for s in _AudioHandler.seen} == {"Bearer sk-local"}


def test_an_unreachable_audio_service_is_a_readable_error(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        openai_api_key="sk-local",
        openai_base_url="http://127.0.0.1:9/v1",
        voice_stt="openai",
        llm_timeout=0.5,
        llm_max_retries=0,
    )
    with pytest.raises(VoiceError, match="transcription service failed"):
        build_stt(settings).transcribe((16000, np.full(1600, 0.1, dtype=np.float32)))  # type: ignore[union-attr]
