"""Bar Raiser on an OpenAI-compatible server (vLLM, Ollama, llama.cpp, TGI all speak this API).

The server is `benchmarks.fake_openai_server` on 127.0.0.1; the app reaches it only through its
settings (OPENAI_BASE_URL), exactly as a user would point it at a local serving engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import start_app, stop_process

from agents.config import Settings, load_settings
from agents.grading import Grader, Judgement
from agents.llm import OpenAIChat, build_llm
from agents.services import build_services
from benchmarks.fake_openai_server import FakeOpenAIServer, example_from_schema

ANSWER = (
    "Last year our checkout service kept timing out during the holiday sale. I was asked to fix "
    "it before the next peak. I profiled the service and I rewrote the slow query with batching. "
    "As a result p99 latency fell from 2.1 seconds to 300 ms. I learned to profile before guessing."
)
QUESTION = "Tell me about a time you improved the performance of a system."
PROBES = [
    "Which part of that fix did you write yourself?",
    "How did you decide batching was the right approach?",
    "Who else was involved, and what did they do?",
    "What would you do differently next time?",
]


def quoting_judge(tool: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """A judge that quotes the answer in the request verbatim, one sentence per component."""
    if tool["function"]["name"] != "Judgement":
        return example_from_schema(tool["function"]["parameters"])
    user = request["messages"][-1]["content"]
    answer = user.split("<candidate_answer>")[-1].split("</candidate_answer>")[0]
    sentences = [s.strip() for s in answer.replace("\n", " ").split(". ") if s.strip()]
    parts = ("situation", "task", "action", "result", "learning")
    out: dict[str, Any] = {
        name: {"present": True, "strength": 2, "quotes": [sentences[i].rstrip(".")]}
        for i, name in enumerate(parts)
        if i < len(sentences)
    }
    out["hypothetical"] = False
    out["follow_up"] = "What did you measure before and after the change?"
    return out


def probe_replies() -> Any:
    """A reply function that gives a different probe each call."""
    calls = {"n": 0}

    def reply(_request: dict[str, Any]) -> str:
        calls["n"] += 1
        return PROBES[(calls["n"] - 1) % len(PROBES)]

    return reply


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    """A local OpenAI-compatible server with a quoting judge and distinct probes."""
    with FakeOpenAIServer(
        model="local-model", reply=probe_replies(), tool_arguments=quoting_judge
    ) as s:
        yield s


@pytest.fixture
def pointed(monkeypatch: pytest.MonkeyPatch, server: FakeOpenAIServer) -> Settings:
    """Settings read from the environment, pointed at the server as a user would."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("BARRAISER_MODEL", "local-model")
    return load_settings(_env_file=None)


def test_the_server_lists_its_model(server: FakeOpenAIServer) -> None:
    body = httpx.get(server.base_url + "/models").json()
    assert [m["id"] for m in body["data"]] == ["local-model"]


def test_settings_select_the_openai_compatible_backend(pointed: Settings) -> None:
    llm = build_llm(pointed)
    assert isinstance(llm, OpenAIChat)
    assert pointed.resolved_llm_backend == "openai"
    assert llm.describe() == f"local-model at {pointed.openai_base_url}"


def test_streaming_arrives_in_several_chunks(pointed: Settings, server: FakeOpenAIServer) -> None:
    llm = build_llm(pointed)
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    chunks = list(llm.stream(messages))
    assert len(chunks) > 3
    assert "".join(chunks) == PROBES[0]
    request = server.requests[-1]
    assert request["stream"] is True
    assert request["model"] == "local-model"
    assert request["messages"] == messages
    # Servers that ignore max_completion_tokens (llama.cpp) still get a bound.
    assert request["max_tokens"] == pointed.llm_max_tokens


def test_structured_output_uses_function_calling(
    pointed: Settings, server: FakeOpenAIServer
) -> None:
    grade = Grader(build_llm(pointed)).grade(ANSWER, QUESTION)
    assert grade.backend == "llm" and grade.notice is None
    assert grade.components["result"].present
    assert all(quote in ANSWER for c in grade.components.values() for quote in c.evidence)
    request = server.requests[-1]
    assert [t["function"]["name"] for t in request["tools"]] == ["Judgement"]
    # A string, not {"type": "function", ...}: llama.cpp ignores the object form (issue #22).
    assert request["tool_choice"] == "required"
    # The schema the server sees is the pydantic model's, so any engine validates the same way.
    assert Judgement.model_validate(quoting_judge(request["tools"][0], request))


def test_a_drill_runs_on_the_server_through_build_services(
    pointed: Settings, server: FakeOpenAIServer
) -> None:
    services = build_services(pointed)
    assert not services.offline
    state = services.interviewer.start()
    new = services.interviewer.respond(
        state,
        "We had an outage last spring and the team fixed it together; things got better after.",
    )
    probe = next(t for t in new if t.kind == "probe")
    assert probe.meta["source"] == "llm"
    assert probe.text.endswith(PROBES[0]) or probe.meta["probe"] in PROBES
    assert not state.notices, state.notices
    graded = next(t for t in state.turns if t.role == "candidate")
    assert graded.grade is not None
    kinds = ["tools" in r for r in server.requests]
    # The capability probe (json_schema: ignored by this server; tools: honoured), then one
    # grade (function calling), then one streamed probe.
    assert kinds == [False, True, True, False]


@pytest.mark.slow
def test_the_web_app_uses_the_server_from_its_environment(
    tmp_path: Path, server: FakeOpenAIServer
) -> None:
    """`python app.py` with OPENAI_BASE_URL set: a drill through the page's API hits the server."""
    from gradio_client import Client

    app = start_app(
        tmp_path / "data", OPENAI_BASE_URL=server.base_url, BARRAISER_MODEL="local-model"
    )
    try:
        client = Client(app.wait().url, verbose=False)
        client.predict("sde2", "loop", "interview", [], api_name="/start_drill")
        chat, _box = client.predict(ANSWER, api_name="/send_answer")
        text = json.dumps(chat)
        assert any(p in text for p in PROBES), text[-2000:]
        assert any("tools" in r for r in server.requests)
        assert any(r.get("stream") for r in server.requests)
        client.close()
    finally:
        stop_process(app.proc)
