"""Failing models: the real OpenAI client against a fault-injecting server on 127.0.0.1.

Every fault ends in one readable `LLMBackendError` after bounded retries; the grader falls back to
the deterministic grade with a notice; a whole drill always completes with exactly one notice and
no half-written turn, in memory and in the session store.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from fault_server import Fault, FaultServer
from rel_support import SECRET_KEY, llm_settings

from agents.drill.state import DrillConfig
from agents.drill.transcript import transcript_json, transcript_markdown
from agents.grading import COMPONENTS, Grader, analyze
from agents.llm import LLMBackendError, OpenAIChat

ANSWER = (
    "Last year at my previous company our checkout page kept timing out during big sales. "
    "I was responsible for checkout reliability. I profiled the service and I found an N+1 query "
    "in the cart code. I rewrote it as one batched query and I added a load test to the "
    "pipeline. As a result p99 latency went from 2.1 seconds to 400 ms, and checkout errors fell "
    "60% compared with the previous sale. Looking back, I learned to load test before peaks."
)
DRILL_ANSWERS = [
    "We had a flaky release last spring. We rolled it back and we rewrote the deploy script "
    "together. It went fine in the end.",
    "I personally rewrote the deploy script and I ran the canary myself before the launch.",
    "Failed deploys went from 9% to 2% after that, which saved our customers a lot of errors.",
    ANSWER,
    "I chose the batched query over a cache because a cache would hide the problem.",
    "It cost me two weeks, and my manager agreed it was worth it.",
]
MESSAGES = [{"role": "user", "content": "Ask me a follow-up question."}]
PARTIAL = "Zorblax which part of the rollout did you personally own and why?"
TRACEBACK = re.compile(r"Traceback|File \"|line \d+, in|Error\(|<class ", re.I)
STREAM_FAULTS = ["429", "500", "timeout", "drop", "drop_clean", "invalid_json", "huge", "trickle"]
STRUCTURED_FAULTS = ["429", "500", "timeout", "drop", "invalid_json", "schema"]


def _readable(message: str) -> None:
    """A notice a candidate can read: one line, no traceback, no key."""
    assert message.strip() and "\n" not in message.strip()
    assert not TRACEBACK.search(message), message
    assert SECRET_KEY not in message and "sk-" not in message


def _honest_args(body: dict[str, Any]) -> dict[str, Any]:
    """What a good judge would answer: the analyzer's evidence as quotes."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    match = re.search(r"<candidate_answer>\n?(.*?)\n?</candidate_answer>", user, re.S)
    answer = match.group(1) if match else user
    grade = analyze(answer)
    out: dict[str, Any] = {
        name: {
            "present": grade.components[name].present,
            "strength": grade.components[name].strength,
            "quotes": grade.components[name].evidence,
        }
        for name in COMPONENTS
    }
    out["hypothetical"] = "hypothetical" in grade.flags
    out["follow_up"] = ""
    return out


def _responder() -> Any:
    """Honest judgements for tool calls; a fresh, valid probe for every text request."""
    probes = itertools.cycle(
        [
            "Which part of that did you own yourself?",
            "What did you personally do first?",
            "How did your manager react to that?",
            "What would you change if you did it again?",
            "Who else did you bring in, and why?",
        ]
    )

    def respond(body: dict[str, Any]) -> Fault | str | dict[str, Any]:
        if body.get("tools"):
            return _honest_args(body)
        return next(probes)

    return respond


# --- the client on its own ------------------------------------------------------------------


@pytest.mark.parametrize("fault", STREAM_FAULTS)
def test_every_stream_fault_is_one_bounded_readable_error(fault: str, tmp_path: Path) -> None:
    with FaultServer(fault, text=PARTIAL) as server:
        model = OpenAIChat(llm_settings(tmp_path, server.base_url, llm_max_tokens=200))
        received = []
        started = time.monotonic()
        with pytest.raises(LLMBackendError) as info:
            for chunk in model.stream(MESSAGES):
                received.append(chunk)
        elapsed = time.monotonic() - started
    _readable(info.value.user_message)
    assert server.hits() <= 2  # one call plus at most llm_max_retries=1
    assert sum(map(len, received)) <= 16 * 200  # the client-side size cap
    assert elapsed < 30, f"{fault} took {elapsed:.1f}s"  # bounded (measured: 0.01-2.5 s)
    if fault in ("drop", "drop_clean"):
        assert "".join(received).strip() and "".join(received) != PARTIAL  # cut mid-answer


def test_429_honours_retry_after_then_succeeds(tmp_path: Path) -> None:
    with FaultServer("ok", text="What did you do next?") as server:
        server.script("429")
        model = OpenAIChat(llm_settings(tmp_path, server.base_url))
        assert model.complete(MESSAGES) == "What did you do next?"
        first, second = server.received
    assert (first.fault, second.fault) == ("429", "ok")
    assert second.at - first.at >= 0.9  # waited for Retry-After: 1


def test_retries_are_bounded_by_the_setting(tmp_path: Path) -> None:
    with FaultServer("500") as server:
        model = OpenAIChat(llm_settings(tmp_path, server.base_url, llm_max_retries=3))
        with pytest.raises(LLMBackendError, match="HTTP 500"):
            model.complete(MESSAGES)
        gaps = [b.at - a.at for a, b in itertools.pairwise(server.received)]
    assert server.hits() == 4
    assert gaps == sorted(gaps) or max(gaps) < 3  # exponential backoff, capped


def test_the_key_is_sent_only_as_the_authorization_header(tmp_path: Path) -> None:
    with FaultServer("500") as server:
        model = OpenAIChat(llm_settings(tmp_path, server.base_url, llm_max_retries=0))
        with pytest.raises(LLMBackendError) as info:
            model.complete(MESSAGES)
    request = server.received[0]
    assert request.headers.get("authorization") == f"Bearer {SECRET_KEY}"
    assert SECRET_KEY not in json.dumps(request.body)
    assert SECRET_KEY not in str(info.value) and SECRET_KEY not in repr(info.value)
    assert SECRET_KEY not in model.describe() and SECRET_KEY not in repr(model.__dict__)


# --- the grader ---------------------------------------------------------------------------


@pytest.mark.parametrize("fault", STRUCTURED_FAULTS)
def test_grader_falls_back_to_the_offline_grade_with_a_notice(fault: str, tmp_path: Path) -> None:
    with FaultServer(fault) as server:
        grader = Grader(OpenAIChat(llm_settings(tmp_path, server.base_url)))
        grade = grader.grade(ANSWER, "Tell me about a time you improved something.")
    offline = analyze(ANSWER, "Tell me about a time you improved something.")
    assert grade.backend == "offline"
    assert grade.public_dict() == offline.public_dict()
    assert grade.notice and grade.notice.endswith("Graded offline instead.")
    _readable(grade.notice)
    # Transport faults are retried by the client; an invalid reply is re-asked once.
    assert server.hits() == (1 if fault == "invalid_json" else 2)


def test_a_transient_error_is_retried_silently(tmp_path: Path) -> None:
    with FaultServer(responder=_responder()) as server:
        server.script("500")
        grade = Grader(OpenAIChat(llm_settings(tmp_path, server.base_url))).grade(ANSWER)
    assert grade.backend == "llm" and grade.notice is None
    assert [r.fault for r in server.received] == ["500", "ok"]


def test_a_huge_structured_reply_cannot_inflate_the_grade(tmp_path: Path) -> None:
    with FaultServer("huge") as server:
        grade = Grader(OpenAIChat(llm_settings(tmp_path, server.base_url))).grade(ANSWER)
    # The multi-megabyte quote is not in the answer, so it is dropped.
    assert not grade.components["result"].present
    assert all(len(q) <= len(ANSWER) for c in grade.components.values() for q in c.evidence)


# --- whole drills ---------------------------------------------------------------------------


def _drill(tmp_path: Path, server: FaultServer, **overrides: Any) -> tuple[Any, Any]:
    from agents.services import build_services

    services = build_services(llm_settings(tmp_path / "data", server.base_url, **overrides))
    iv = services.interviewer
    state = iv.start(DrillConfig(role="sde2", round_type="phone", mode="coach", seed=5))
    for answer in DRILL_ANSWERS:
        if state.status == "done":
            break
        iv.respond(state, answer)
    if state.status != "done":
        iv.end(state)
    return services, state


def _check_transcript(services: Any, state: Any) -> list[str]:
    """The drill finished, the store holds exactly the turns in memory; returns the notices."""
    assert state.status == "done" and state.turns[-1].kind == "debrief"
    stored = services.sessions.turns(state.id, state.user)
    assert [(r["role"], r["kind"], r["text"]) for r in stored] == [
        (t.role, t.kind, t.text) for t in state.turns
    ]
    every = json.dumps(transcript_json(state)) + transcript_markdown(state)
    assert "Zorblax" not in every  # no half-streamed turn anywhere
    assert SECRET_KEY not in every
    notices = [t.text for t in state.turns if t.kind == "notice"]
    for notice in notices:
        _readable(notice)
    return notices


@pytest.mark.slow
@pytest.mark.parametrize("fault", [*STREAM_FAULTS, "schema"])
def test_a_drill_completes_with_one_notice_under_every_fault(fault: str, tmp_path: Path) -> None:
    honest = _responder()

    def respond(body: dict[str, Any]) -> Fault | str | dict[str, Any]:
        # Stream-only faults leave tool calls (the grader) healthy.
        if body.get("tools") and fault in ("drop_clean", "trickle"):
            return honest(body)
        return Fault(fault, text=PARTIAL)

    with FaultServer(responder=respond) as server:
        services, state = _drill(tmp_path, server)
        hits = server.hits()
    notices = _check_transcript(services, state)
    assert len(notices) == 1, notices
    assert "language model" in notices[0]
    # After the first failure the drill stays offline for a while: no retry storm.
    assert hits <= 4, hits


@pytest.mark.slow
def test_a_healthy_model_drill_has_no_notice(tmp_path: Path) -> None:
    with FaultServer(responder=_responder()) as server:
        services, state = _drill(tmp_path, server)
    assert _check_transcript(services, state) == []
    assert any(t.meta.get("source") == "llm" for t in state.turns if t.kind == "probe")


@pytest.mark.slow
def test_intermittent_faults_give_at_most_one_notice(tmp_path: Path) -> None:
    with FaultServer(responder=_responder()) as server:
        server.script("500", "ok", "429", "ok", "drop", "ok", "invalid_json", "500", "ok")
        services, state = _drill(tmp_path, server)
    assert len(_check_transcript(services, state)) <= 1
