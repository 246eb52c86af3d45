"""Secrets and log hygiene: the API key never appears in logs, the page, transcripts, exports or
error messages (even when the server echoes it back), and answer text is logged only at DEBUG."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_server import FaultServer
from rel_support import SECRET_KEY, llm_settings

from agents.drill.state import DrillConfig
from agents.drill.transcript import transcript_json, transcript_markdown
from agents.llm import LLMBackendError, OpenAIChat
from agents.logging_setup import (
    HANDLER_NAME,
    NOISY,
    answer_for_log,
    configure_logging,
    redact,
    register_secret,
)

MARKER = "Quokka-7731"  # a word that appears only in the candidate's answers
ANSWERS = [
    f"At {MARKER} Labs last year our deploys kept failing. I was responsible for releases. I "
    "rewrote the pipeline and I added canaries. As a result failed deploys fell from 9% to 2%.",
    f"I personally wrote the {MARKER} rollback script and I ran the canary myself.",
    "It saved our customers a lot of errors compared with before.",
]


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Route the app's logging into a buffer; restore the logging tree afterwards."""
    stream = io.StringIO()
    yield stream
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)
    for name in (*NOISY, "barraiser"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def _drill_with_failing_model(tmp_path: Path, fault: str) -> tuple[object, object]:
    from agents.services import build_services

    with FaultServer(fault) as server:
        services = build_services(llm_settings(tmp_path / "data", server.base_url))
        iv = services.interviewer
        state = iv.start(DrillConfig(round_type="phone", seed=3))
        for answer in ANSWERS:
            iv.respond(state, answer)
        iv.end(state)
    return services, state


@pytest.mark.parametrize("fault", ["401", "500"])
def test_the_key_never_reaches_logs_even_at_debug(
    fault: str, tmp_path: Path, log_stream: io.StringIO
) -> None:
    configure_logging(level="DEBUG", stream=log_stream)
    _drill_with_failing_model(tmp_path, fault)
    logs = log_stream.getvalue()
    assert "model call failed" in logs  # the failure was logged ...
    assert SECRET_KEY not in logs  # ... without the key, even with the server echoing it
    assert MARKER in logs  # DEBUG is the one level that may show answer text


def test_info_logs_hold_no_answer_text(tmp_path: Path, log_stream: io.StringIO) -> None:
    configure_logging(level="INFO", stream=log_stream)
    _drill_with_failing_model(tmp_path, "500")
    logs = log_stream.getvalue()
    assert "characters>" in logs  # replies are logged by size
    assert MARKER not in logs and "canary" not in logs
    assert SECRET_KEY not in logs


def test_the_log_level_setting_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agents.config import Settings

    monkeypatch.setenv("BARRAISER_LOG_LEVEL", "debug")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.log_level == "DEBUG"
    with pytest.raises(ValueError):
        Settings(_env_file=None, log_level="LOUD")  # type: ignore[call-arg]


def test_redaction_covers_messages_arguments_and_tracebacks(log_stream: io.StringIO) -> None:
    configure_logging(level="INFO", stream=log_stream)
    register_secret("hunter2-but-long")
    log = logging.getLogger("barraiser.test")
    log.info("configured %s and %s", "hunter2-but-long", "sk-live-abcdefghijklmnop")
    try:
        raise RuntimeError("Authorization: Bearer abcdefghijklmnopqrstuv")
    except RuntimeError:
        log.exception("request failed")
    logs = log_stream.getvalue()
    assert "hunter2-but-long" not in logs and "sk-live" not in logs and "abcdefghijklm" not in logs
    assert logs.count("[redacted]") >= 3
    assert redact("nothing secret here") == "nothing secret here"
    assert answer_for_log("my answer") in ("my answer", "<9 characters>")


def test_the_key_never_reaches_errors_notices_or_transcripts(tmp_path: Path) -> None:
    with FaultServer("401") as server:
        model = OpenAIChat(llm_settings(tmp_path, server.base_url, llm_max_retries=0))
        with pytest.raises(LLMBackendError) as info:
            model.complete([{"role": "user", "content": "hi"}])
    assert SECRET_KEY in str(info.value.__cause__)  # the server did echo it ...
    for text in (str(info.value), info.value.user_message, repr(info.value)):
        assert SECRET_KEY not in text  # ... and none of it reaches what the user sees
    services, state = _drill_with_failing_model(tmp_path, "401")
    notices = [t.text for t in state.turns if t.kind == "notice"]  # type: ignore[attr-defined]
    assert len(notices) == 1 and "HTTP 401" in notices[0]
    everything = (
        json.dumps(transcript_json(state))  # type: ignore[arg-type]
        + transcript_markdown(state)  # type: ignore[arg-type]
        + state.model_dump_json()  # type: ignore[attr-defined]
        + services.status_line()  # type: ignore[attr-defined]
        + repr(services.settings)  # type: ignore[attr-defined]
    )
    assert SECRET_KEY not in everything
    db = (tmp_path / "data" / "barraiser.sqlite3").read_bytes()
    assert SECRET_KEY.encode() not in db


def test_the_page_config_never_carries_the_key(tmp_path: Path) -> None:
    from agents.services import build_services
    from agents.ui.app import build_ui

    with FaultServer("500") as server:
        services = build_services(llm_settings(tmp_path / "data", server.base_url))
        demo = build_ui(services)
        config = json.dumps(demo.get_config_file(), default=str)
    assert SECRET_KEY not in config
    assert "127.0.0.1" in services.status_line()  # the endpoint is shown, the key is not


def test_cli_transcripts_and_stderr_never_carry_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from agents.cli.main import main

    answers = tmp_path / "answers.jsonl"
    answers.write_text("\n".join(json.dumps({"text": a}) for a in ANSWERS), "utf-8")
    with FaultServer("401") as server:
        monkeypatch.setenv("OPENAI_API_KEY", SECRET_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("BARRAISER_LLM_TIMEOUT", "0.5")
        monkeypatch.setenv("BARRAISER_LLM_MAX_RETRIES", "0")
        monkeypatch.setenv("BARRAISER_LOG_LEVEL", "DEBUG")
        code = main(
            ["drill", "--answers", str(answers), "--round", "phone", "--seed", "1",
             "--transcript", str(tmp_path / "t.json"), "--markdown", str(tmp_path / "t.md")]
        )  # fmt: skip
        graded = tmp_path / "answers-grade.jsonl"
        graded.write_text(json.dumps({"answer": ANSWERS[0]}) + "\n", "utf-8")
        code2 = main(["grade", str(graded), "--out", str(tmp_path / "g.jsonl")])
    out = capsys.readouterr()
    assert code == 0 and code2 == 0
    assert "HTTP 401" in out.err + out.out  # the failure was reported ...
    for text in (
        out.out,
        out.err,
        (tmp_path / "t.json").read_text("utf-8"),
        (tmp_path / "t.md").read_text("utf-8"),
        (tmp_path / "g.jsonl").read_text("utf-8"),
    ):
        assert SECRET_KEY not in text  # ... without the key
    logging.getLogger().handlers[:] = [
        h for h in logging.getLogger().handlers if h.get_name() != HANDLER_NAME
    ]
