"""Structured output per endpoint: the capability probe, its cache, bounds, and clear notices.

The servers are `benchmarks.fake_openai_server` (configured to honour, ignore or refuse each
method) and the reliability suite's fault server; the client is the real `OpenAIChat`.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel, Field

sys.path.insert(0, str(Path(__file__).parent / "reliability"))
from fault_server import FaultServer

from agents.config import Settings
from agents.grading import Grader, Judgement
from agents.llm import LLMBackendError, OpenAIChat, ScriptedModel
from agents.llm_capabilities import Capability, CapabilityCache
from agents.llm_errors import StreamBoundError, classify
from agents.structured_output import (
    PROBE_MESSAGES,
    Bounds,
    bounds_for,
    build_request,
    call_structured,
    strict_schema,
    tight_bounds,
)
from benchmarks.fake_openai_server import FakeOpenAIServer

ANSWER = (
    "Last year our checkout service kept timing out during the holiday sale. I was asked to fix "
    "it before the next peak. I profiled the service and I rewrote the slow query with batching. "
    "As a result p99 latency fell from 2.1 seconds to 300 ms. I learned to profile before guessing."
)
QUESTION = "Tell me about a time you improved the performance of a system."


def _settings(data_dir: Path, base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "openai_base_url": base_url,
        "model": "local-model",
        "llm_timeout": 5.0,
        "llm_max_retries": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _method_of(request: dict[str, Any]) -> str:
    kind = (request.get("response_format") or {}).get("type")
    if kind == "json_schema":
        return "json_schema"
    if kind == "json_object":
        return "json_mode"
    return "tools" if request.get("tools") else "prompt"


def _is_probe(request: dict[str, Any]) -> bool:
    return request["messages"][-1] == PROBE_MESSAGES[-1]


# --- the probe chooses each method on a server that offers it ------------------------------


@pytest.mark.parametrize(
    ("honours", "refuses", "expected"),
    [
        (("json_schema", "tools", "json_mode"), (), "json_schema"),
        (("tools", "json_mode"), (), "tools"),
        (("json_mode",), (), "json_mode"),
        ((), (), "prompt"),
        # An older llama.cpp answered json_schema with HTTP 500; function calling worked.
        (("json_schema", "tools"), ("json_schema",), "tools"),
    ],
)
def test_the_probe_picks_the_best_method_the_server_honours(
    tmp_path: Path, honours: tuple[str, ...], refuses: tuple[str, ...], expected: str
) -> None:
    # A model that follows instructions in the prompt, but only the real request asks for JSON.
    def reply(request: dict[str, Any]) -> str:
        return "Hello." if _is_probe(request) else "Here it is: {}"

    with FakeOpenAIServer(
        model="local-model", honours=honours, refuses=refuses, reply=reply
    ) as server:
        llm = OpenAIChat(_settings(tmp_path, server.base_url))
        assert llm.structured_method is None  # nothing is sent before first use
        grade = Grader(llm).grade(ANSWER, QUESTION)
        requests = list(server.requests)
    assert grade.backend == "llm" and grade.notice is None
    assert llm.structured_method == expected
    probes = [_method_of(r) for r in requests if _is_probe(r)]
    order = ["json_schema", "tools", "json_mode"]
    assert probes == order[: order.index(expected) + 1] if expected != "prompt" else order
    real = [r for r in requests if not _is_probe(r)]
    assert [_method_of(r) for r in real] == [expected]
    if expected == "tools":
        assert real[0]["tool_choice"] == "required"  # a string: llama.cpp ignores the object form
    if expected == "json_schema":
        spec = real[0]["response_format"]["json_schema"]
        assert spec["strict"] is True and spec["name"] == "Judgement"
    if expected in ("json_mode", "prompt"):
        assert "JSON schema" in real[0]["messages"][0]["content"]


def test_the_probe_is_cached_per_endpoint_in_memory_and_on_disk(tmp_path: Path) -> None:
    with FakeOpenAIServer(model="local-model", honours=("json_schema",)) as server:
        first = OpenAIChat(_settings(tmp_path, server.base_url))
        Grader(first).grade(ANSWER, QUESTION)
        Grader(first).grade(ANSWER, QUESTION)
        assert sum(map(_is_probe, server.requests)) == 1
        saved = json.loads((tmp_path / "llm_capabilities.json").read_text())
        assert saved[f"{server.base_url}|local-model"]["method"] == "json_schema"
        # Another process (a fresh cache object reading the same file) does not probe again.
        cache = CapabilityCache(tmp_path / "llm_capabilities.json")
        assert cache.get(CapabilityCache.key(server.base_url, "local-model")) == Capability(
            "json_schema", True
        )
        # Another model on the same server is another endpoint.
        other = OpenAIChat(_settings(tmp_path, server.base_url, model="other-model"))
        Grader(other).grade(ANSWER, QUESTION)
        assert sum(map(_is_probe, server.requests)) == 2


def test_a_stale_or_corrupt_cache_entry_is_probed_again(tmp_path: Path) -> None:
    path = tmp_path / "caps.json"
    key = CapabilityCache.key("http://127.0.0.1:9/v1", "m")
    path.write_text(json.dumps({key: {"method": "tools", "at": time.time() - 30 * 86400}}))
    assert CapabilityCache(path).get(key) is None  # older than the TTL
    path.write_text("{not json")
    assert CapabilityCache(path).get(key) is None
    cache = CapabilityCache(path)
    cache.put(key, Capability("json_mode"))
    assert CapabilityCache(path).get(key) == Capability("json_mode")


def test_the_setting_overrides_the_probe(tmp_path: Path) -> None:
    with FakeOpenAIServer(model="local-model", honours=("json_mode",)) as server:
        llm = OpenAIChat(_settings(tmp_path, server.base_url, llm_structured="json_mode"))
        grade = Grader(llm).grade(ANSWER, QUESTION)
    assert grade.backend == "llm"
    assert [_method_of(r) for r in server.requests] == ["json_mode"]  # no probe at all
    assert llm.structured_method == "json_mode"


def test_settings_read_the_method_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BARRAISER_LLM_STRUCTURED", "tools")
    assert Settings(_env_file=None).llm_structured == "tools"  # type: ignore[call-arg]
    monkeypatch.setenv("BARRAISER_LLM_STRUCTURED", "grammar")
    with pytest.raises(ValueError, match="llm_structured"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_a_method_the_server_stops_accepting_is_probed_again(tmp_path: Path) -> None:
    with FakeOpenAIServer(model="local-model", honours=("json_schema", "tools")) as server:
        llm = OpenAIChat(_settings(tmp_path, server.base_url))
        Grader(llm).grade(ANSWER, QUESTION)
        assert llm.structured_method == "json_schema"
        server.refuses = ("json_schema",)  # the server was swapped for an older build
        grade = Grader(llm).grade(ANSWER, QUESTION)
    assert grade.backend == "llm" and grade.notice is None
    assert llm.structured_method == "tools"


def test_concurrent_first_calls_probe_once(tmp_path: Path) -> None:
    with FakeOpenAIServer(model="local-model", honours=("json_schema",)) as server:
        llm = OpenAIChat(_settings(tmp_path, server.base_url))
        grades: list[Any] = []
        threads = [
            threading.Thread(target=lambda: grades.append(Grader(llm).grade(ANSWER, QUESTION)))
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sum(map(_is_probe, server.requests)) == 1
    assert [g.backend for g in grades] == ["llm"] * 4


# --- bounds: a small model cannot loop inside a string until max_tokens cuts the JSON ---------


class _Nested(BaseModel):
    names: list[str]
    note: str = ""
    tags: list[str] = Field(default_factory=list, max_length=3)


def test_bounds_limit_every_string_and_array_without_changing_validation() -> None:
    bounded = build_request("json_schema", [], _Nested, bounds=Bounds(120, 8))
    props = bounded["response_format"]["json_schema"]["schema"]["properties"]
    assert props["names"]["items"]["maxLength"] == 120 and props["names"]["maxItems"] == 8
    assert props["tags"]["maxItems"] == 3  # the model's own, tighter bound is kept
    assert props["note"]["maxLength"] == 120
    assert bounds_for(800) == Bounds(300, 8)
    assert bounds_for(16) == Bounds(64, 8) and bounds_for(10**6) == Bounds(600, 8)
    # Tight bounds fit a reply that fills every string, a token per character, in the budget.
    assert tight_bounds(strict_schema(Judgement), 384) == Bounds(14, 1)
    assert tight_bounds(strict_schema(Judgement), 800) == Bounds(83, 1)
    # Judgement's nested components are bounded too (through $defs).
    judged = build_request("tools", [], Judgement, bounds=Bounds(99, 8))["tools"][0]["function"]
    quotes = judged["parameters"]["$defs"]["JudgedComponent"]["properties"]["quotes"]
    assert quotes["items"]["maxLength"] == 99 and quotes["maxItems"] == 6
    # Anything the bounded schema allows, the pydantic model accepts.
    example = {"names": ["x" * 120] * 8, "note": "y" * 120, "tags": ["a", "b", "c"]}
    assert _Nested.model_validate(example)


def _completion(content: str, finish: str) -> SimpleNamespace:
    message = SimpleNamespace(content=content, tool_calls=None)
    return SimpleNamespace(choices=[SimpleNamespace(message=message, finish_reason=finish)])


def test_a_reply_cut_at_the_token_limit_is_reasked_with_tight_bounds() -> None:
    replies = [_completion('{"situation": {"quotes": ["The new policy includes a new', "length"),
               _completion("{}", "stop")]  # fmt: skip
    sent: list[dict[str, Any]] = []

    def send(body: dict[str, Any], max_tokens: int) -> Any:
        sent.append(body)
        return replies[len(sent) - 1]

    cap = Capability("json_schema")
    out = call_structured(send, cap, [{"role": "user", "content": "x"}],
                          Judgement, reasks=1, max_tokens=384, backend="test")  # fmt: skip
    assert out == Judgement()
    assert cap.tight  # later calls are sized to fit from the start
    quotes = [
        b["response_format"]["json_schema"]["schema"]["$defs"]["JudgedComponent"]["properties"][
            "quotes"
        ]
        for b in sent
    ]
    assert [(q["items"]["maxLength"], q["maxItems"]) for q in quotes] == [(144, 6), (14, 1)]
    assert "cut off at the token limit" in sent[1]["messages"][-1]["content"]


def test_a_server_that_refuses_bounds_gets_the_plain_schema(tmp_path: Path) -> None:
    with FakeOpenAIServer(
        model="local-model", honours=("json_schema",), refuses_bounds=True
    ) as server:
        llm = OpenAIChat(_settings(tmp_path, server.base_url))
        first = Grader(llm).grade(ANSWER, QUESTION)
        second = Grader(llm).grade(ANSWER, QUESTION)
        requests = list(server.requests)
    assert first.backend == second.backend == "llm"
    bounded = ['"maxLength"' in json.dumps(r) for r in requests]
    # probe (bounded: refused), probe again without bounds, then two unbounded grades.
    assert bounded == [True, False, False, False]
    assert CapabilityCache(tmp_path / "llm_capabilities.json").get(
        CapabilityCache.key(server.base_url, "local-model")
    ) == Capability("json_schema", bounds=False)


# --- failures: the probe never caches a guess from a server that is down ---------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_gives_an_unreachable_notice(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    grade = Grader(OpenAIChat(_settings(tmp_path, url))).grade(ANSWER, QUESTION)
    assert grade.backend == "offline"
    assert grade.notice == (
        "Could not reach the language model (openai): nothing answered at the configured "
        "address. Graded offline instead."
    )
    assert not (tmp_path / "llm_capabilities.json").exists()


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        ("429", "rate_limited", "is rate-limiting requests: the server answered HTTP 429 (too"),
        ("timeout", "timeout", "timed out: the model did not answer in time"),
        ("401", "rejected", "rejected the request: the server refused the credentials (HTTP 401)"),
        ("500", "unavailable", "is unavailable: the model server returned HTTP 500"),
    ],
)
def test_probe_failures_say_what_happened_and_cache_nothing(
    tmp_path: Path, fault: str, kind: str, words: str
) -> None:
    with FaultServer(fault) as server:
        llm = OpenAIChat(_settings(tmp_path, server.base_url, llm_timeout=0.5))
        with pytest.raises(LLMBackendError) as info:
            llm.structured([{"role": "user", "content": "x"}], Judgement)
        hits = server.hits()
    assert info.value.kind == kind
    assert info.value.user_message.startswith(f"The language model (openai) {words}")
    assert llm.structured_method is None
    assert not (tmp_path / "llm_capabilities.json").exists()
    # A refused method costs one request each; anything else stops the probe at once.
    assert hits == (3 if fault == "500" else 1)


def test_invalid_output_is_named_as_such(tmp_path: Path) -> None:
    with FaultServer("schema") as server:
        llm = OpenAIChat(_settings(tmp_path, server.base_url, llm_structured="tools"))
        grade = Grader(llm).grade(ANSWER, QUESTION)
    assert grade.notice == (
        "The language model (openai) answered with invalid output: the model returned invalid "
        "Judgement output after 2 attempts. Graded offline instead."
    )
    assert server.hits() == 2  # one re-ask


def test_a_stream_cut_mid_reply_is_named_as_such(tmp_path: Path) -> None:
    with FaultServer("drop", text="Which part of the rollout did you own yourself?") as server:
        llm = OpenAIChat(_settings(tmp_path, server.base_url))
        with pytest.raises(LLMBackendError) as info:
            list(llm.stream([{"role": "user", "content": "x"}]))
    assert info.value.kind == "interrupted"
    assert info.value.user_message.startswith("The language model (openai) stopped mid-reply:")


def test_classify_covers_each_kind() -> None:
    class Status(Exception):
        def __init__(self, status: int) -> None:
            self.status_code = status

    assert classify(Status(400))[:2] == ("rejected", "the model server returned HTTP 400")
    assert classify(Status(503))[0] == "unavailable"
    assert classify(TimeoutError())[0] == "timeout"
    assert classify(ConnectionRefusedError())[0] == "unreachable"
    assert classify(ConnectionResetError())[0] == "interrupted"
    assert classify(StreamBoundError("too long", kind="invalid_output"))[0] == "invalid_output"
    assert classify(KeyError("x"))[:2] == ("unavailable", "the model call failed (KeyError)")


def test_the_scripted_model_keeps_a_classified_error() -> None:
    error = LLMBackendError("the model did not answer in time", backend="x", kind="timeout")
    model = ScriptedModel().enqueue(error)
    with pytest.raises(LLMBackendError) as info:
        model.complete([{"role": "user", "content": "hi"}])
    assert (
        info.value.user_message
        == "The language model (x) timed out: the model did not answer in time."
    )


def test_a_tight_bound_never_cuts_an_enum_value() -> None:
    """The judge's demand id is an enum: under a tight bound it keeps room for its longest id,
    and it costs the reply a fixed length rather than a string slot."""
    request = build_request("json_schema", [], Judgement, bounds=Bounds(14, 1))
    props = request["response_format"]["json_schema"]["schema"]["properties"]
    option = next(o for o in props["missing_demand"]["anyOf"] if "enum" in o)
    assert option["maxLength"] == max(len(v) for v in option["enum"]) > 14
    assert props["follow_up"]["maxLength"] == 14
