"""The chat interface: scripted fake, structured output with bounded re-ask, failures."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import BaseModel

from agents.config import Settings
from agents.llm import (
    LLMBackendError,
    LLMUnavailable,
    OfflineModel,
    OpenAIChat,
    ScriptedModel,
    build_llm,
)


class Pick(BaseModel):
    choice: str
    score: int


def test_scripted_streams_in_chunks_and_records_history() -> None:
    model = ScriptedModel(chunk_size=4).enqueue("hello there")
    chunks = list(model.stream([{"role": "user", "content": "hi"}]))
    assert len(chunks) > 1 and "".join(chunks) == "hello there"
    assert model.history == [[{"role": "user", "content": "hi"}]]


def test_structured_reasks_once_then_succeeds() -> None:
    model = ScriptedModel().enqueue("not json at all", '```json\n{"choice": "a", "score": 3}\n```')
    out = model.structured([{"role": "user", "content": "pick"}], Pick)
    assert out == Pick(choice="a", score=3)
    assert len(model.history) == 2
    assert "not valid JSON" in model.history[1][-1]["content"]


def test_structured_gives_up_after_bounded_reasks() -> None:
    model = ScriptedModel().enqueue(
        '{"choice": 1}', '{"score": "x"}', '{"choice": "late", "score": 1}'
    )
    with pytest.raises(LLMBackendError) as info:
        model.structured([{"role": "user", "content": "pick"}], Pick, reasks=1)
    assert info.value.__cause__ is not None
    assert model.pending == 1  # the third reply was never requested


def test_scripted_exception_is_wrapped_with_cause() -> None:
    model = ScriptedModel().enqueue(TimeoutError("slow"))
    with pytest.raises(LLMBackendError) as info:
        model.complete([{"role": "user", "content": "x"}])
    assert isinstance(info.value.__cause__, TimeoutError)


def test_offline_model_is_unavailable() -> None:
    model = OfflineModel()
    assert not model.available
    with pytest.raises(LLMUnavailable):
        model.complete([{"role": "user", "content": "x"}])


def test_backend_selection(settings: Settings) -> None:
    assert isinstance(build_llm(settings), OfflineModel)
    configured = settings.model_copy(update={"openai_base_url": "http://127.0.0.1:9/v1"})
    assert isinstance(build_llm(configured), OpenAIChat)


class _Handler(BaseHTTPRequestHandler):
    """A tiny OpenAI-compatible server: 500 for every request, counting them."""

    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"error": {"message": "boom"}}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_openai_backend_retries_a_bounded_number_of_times_then_raises(settings: Settings) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        cfg = settings.model_copy(
            update={
                "openai_base_url": f"http://127.0.0.1:{port}/v1",
                "llm_max_retries": 1,
                "llm_timeout": 5.0,
            }
        )
        model = build_llm(cfg)
        with pytest.raises(LLMBackendError) as info:
            model.complete([{"role": "user", "content": "hi"}])
        assert "HTTP 500" in str(info.value)
        assert info.value.__cause__ is not None
        assert _Handler.hits == 2  # one call plus one retry
        assert "sk-" not in info.value.user_message
    finally:
        server.shutdown()
