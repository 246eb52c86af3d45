"""Bar Raiser against a real llama.cpp server (SmolLM2-135M-Instruct), not only our fakes.

`make test` builds `llama-server` once into a cache outside the repository (`make llama-server`);
these tests start it on 127.0.0.1 and run the commands a new user would. A 135M model says
nothing useful, so nothing here judges content: only that our side speaks the protocol (the
probe picks `json_schema`, every complete structured reply is schema-valid, streams stream) and
degrades cleanly (a killed or restarted server costs one clear notice and no turn).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, child_env
from llama_server import MODEL_ALIAS, LlamaServer, RecordingProxy, is_ready
from pydantic import ValidationError

from agents.config import Settings
from agents.grading import Judgement
from agents.llm import OpenAIChat
from agents.question_gen.llm_path import LLMPromptList
from agents.structured_output import PROBE_MESSAGES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not is_ready(), reason="llama-server is not built: run `make llama-server`"),
]

# The reply budget: structured replies are sized to fit it once the model has run past it (see
# agents/structured_output.py), so the suite takes a few minutes on two cores; the timeout is
# generous because those cores are shared.
MAX_TOKENS = 384
TIMEOUT = 120.0

STORIES = [
    (
        "Tell me about a time you improved a slow system.",
        "Our checkout page timed out during sales. I owned checkout reliability. I profiled it and "
        "rewrote an N+1 query as one batched query. p99 latency fell from 2.1 s to 400 ms.",
    ),
    (
        "Tell me about a time you disagreed with your manager.",
        "My manager wanted to skip load testing before launch. I showed him last year's outage "
        "numbers and proposed a two-day test. We ran it, found a leak, and launched on time.",
    ),
    (
        "Describe a time you delivered under a tight deadline.",
        "A partner moved our integration date up by three weeks. I cut scope to the two endpoints "
        "they needed first and paired with QA daily. We shipped on the new date with zero defects.",
    ),
    (
        "Tell me about a mistake you made.",
        "I deployed a config change without a canary and broke logins for ten minutes. I rolled it "
        "back, wrote the postmortem, and added a canary step. We have not had a repeat since.",
    ),
    (
        "Tell me about a time you helped a teammate grow.",
        "A new engineer struggled with code reviews. I set up weekly pairing sessions for a month. "
        "Her review turnaround dropped from three days to one and she now mentors others.",
    ),
    (
        "Describe a time you simplified a process.",
        "Releases needed eleven manual steps. I scripted them into one pipeline over two sprints. "
        "Release time went from four hours to twenty minutes and errors dropped to none.",
    ),
    (
        "Tell me about a time you used data to make a decision.",
        "We debated building a mobile app. I analysed six months of traffic; 70% came from "
        "mobile web. We invested in mobile web performance instead and conversion rose 9%.",
    ),
    (
        "Tell me about a time you took ownership beyond your role.",
        "Our on-call alerts were noisy and nobody owned them. I audited 200 alerts, cut half. "
        "Pages per week fell from 40 to 8 and the team slept again.",
    ),
    (
        "Tell me about a time you handled a difficult customer.",
        "A large customer threatened to churn over slow exports. I joined their calls, found their "
        "exports hit a quota, and raised it with a fix. They renewed for two more years.",
    ),
    (
        "Describe a time you learned something quickly.",
        "I had to take over a Go service with no Go experience. I read the codebase for a week and "
        "fixed small bugs first. Within a month I shipped a feature that cut costs by 15%.",
    ),
]
DRILL_ANSWERS = [
    "Last spring our deploys kept failing. I rewrote the deploy script and added a canary stage. "
    "Failed deploys went from 9% to 2% over the next quarter.",
    "I chose a canary over more tests because the failures only showed up under real traffic.",
    "My manager agreed after I showed the failure data, and the team adopted it for every service.",
]


def _batch() -> list[dict[str, str]]:
    """Twenty answers: ten short STAR stories, each as given and with its result dropped."""
    rows = []
    for i, (question, answer) in enumerate(STORIES):
        rows.append({"id": f"s{i}", "question": question, "answer": answer})
        cut = answer.rsplit(". ", 1)[0] + "."
        rows.append({"id": f"s{i}-no-result", "question": question, "answer": cut})
    return rows


@pytest.fixture(scope="session")
def llama() -> Iterator[LlamaServer]:
    """One llama-server for the session (tests that kill or restart one start their own)."""
    server = LlamaServer().start()
    try:
        yield server
    finally:
        server.stop()


def _settings(data_dir: Path, base_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data_dir,
        openai_base_url=base_url,
        model=MODEL_ALIAS,
        llm_max_tokens=MAX_TOKENS,
        llm_timeout=TIMEOUT,
        llm_max_retries=1,
    )


def _cli_start(tmp_path: Path, base_url: str, *args: str) -> subprocess.Popen[str]:
    """Start `barraiser ARGS` as a user would, pointed at the server through its environment."""
    env = child_env(
        tmp_path / "data",
        OPENAI_BASE_URL=base_url,
        BARRAISER_MODEL=MODEL_ALIAS,
        BARRAISER_LLM_MAX_TOKENS=str(MAX_TOKENS),
        BARRAISER_LLM_TIMEOUT=str(TIMEOUT),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "agents.cli.main", *args], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _cli(tmp_path: Path, base_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `barraiser ARGS` to the end."""
    proc = _cli_start(tmp_path, base_url, *args)
    stdout, stderr = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def _check_structured(
    exchanges: list[Any], schema: type[Any]
) -> tuple[list[Any], list[Any], list[Any]]:
    """Every complete structured reply validates against `schema`; returns (all, cut off at
    max_tokens before the JSON closed, invalid-and-complete) so a test can report them. A reply
    whose JSON closed on the last token allowed is valid and accepted, like any other."""
    probe = PROBE_MESSAGES[-1]
    asked = [e for e in exchanges if e.method != "text" and e.body["messages"][-1] != probe]
    truncated, invalid = [], []
    for exchange in asked:
        assert exchange.status == 200 and exchange.complete, exchange.status
        finish = json.loads(exchange.response)["choices"][0]["finish_reason"]
        try:
            schema.model_validate_json(exchange.reply_text())
        except ValidationError:
            (truncated if finish == "length" else invalid).append(exchange)
    return asked, truncated, invalid


def test_the_probe_chooses_json_schema_on_llama_cpp(llama: LlamaServer, tmp_path: Path) -> None:
    llm = OpenAIChat(_settings(tmp_path, llama.base_url))
    verdict = llm.structured([{"role": "user", "content": "Grade: I did it."}], Judgement)
    assert isinstance(verdict, Judgement)
    assert llm.structured_method == "json_schema"
    saved = json.loads((tmp_path / "llm_capabilities.json").read_text())
    entry = saved[f"{llama.base_url}|{MODEL_ALIAS}"]
    assert entry["method"] == "json_schema" and entry["bounds"] is True  # maxLength accepted


def test_a_batch_of_20_grades_with_no_fallback(llama: LlamaServer, tmp_path: Path) -> None:
    rows = _batch()
    # Two `barraiser grade` runs of ten at once: the server has two slots, so the batch takes
    # about half as long as one run of twenty, and each run is a user's run all the same.
    halves = [rows[:10], rows[10:]]
    with RecordingProxy(llama) as proxy:
        started = time.monotonic()
        jobs = []
        for i, half in enumerate(halves):
            src = tmp_path / f"answers{i}.jsonl"
            src.write_text("".join(json.dumps(r) + "\n" for r in half))
            out = tmp_path / f"grades{i}.jsonl"
            jobs.append((tmp_path / f"run{i}", "grade", str(src), "--out", str(out)))
        with ThreadPoolExecutor(len(jobs)) as pool:
            done = list(pool.map(
                lambda job: _cli(job[0], proxy.base_url, *job[1:], "--backend", "openai"), jobs
            ))  # fmt: skip
        results = [(d.returncode, d.stderr) for d in done]
        elapsed = time.monotonic() - started
        exchanges = list(proxy.exchanges)
    for (code, stderr), half in zip(results, halves, strict=True):
        assert code == 0, stderr[-3000:]
        assert f"graded {len(half)} answer(s)" in stderr
        fallbacks = [line for line in stderr.splitlines() if "Graded offline instead" in line]
        assert fallbacks == [], fallbacks
    grades = [json.loads(line) for i in (0, 1)
              for line in (tmp_path / f"grades{i}.jsonl").read_text().splitlines()]  # fmt: skip
    assert [g["id"] for g in grades] == [r["id"] for r in rows]
    asked, truncated, invalid = _check_structured(exchanges, Judgement)
    assert {e.method for e in asked} == {"json_schema"}
    assert invalid == []  # grammar-constrained: every finished reply is valid
    assert len(asked) == 20 + len(truncated)  # only a reply cut at max_tokens is asked again
    # Once a reply is cut off, each run sizes its schema to fit: at most one cut per run.
    assert len(truncated) <= len(halves)
    print(f"\n20 grades in {elapsed:.0f} s; {len(truncated)} re-asked after max_tokens; "
          f"0 fallbacks")  # fmt: skip


def test_a_drill_streams_from_the_server(llama: LlamaServer, tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps({"text": a}) + "\n" for a in DRILL_ANSWERS))
    transcript = tmp_path / "t.json"
    with RecordingProxy(llama) as proxy:
        args = ["drill", "--backend", "openai", "--round", "phone", "--seed", "3"]
        args += ["--answers", str(answers), "--transcript", str(transcript)]
        done = _cli(tmp_path, proxy.base_url, *args)
        exchanges = list(proxy.exchanges)
    assert done.returncode == 0, done.stderr[-3000:]
    streamed = [e for e in exchanges if e.stream]
    assert streamed and all(e.status == 200 and e.complete for e in streamed)
    # Server-sent events, several content deltas each, ending with a finish reason.
    for exchange in streamed:
        events = [ln for ln in exchange.response.decode().splitlines() if ln.startswith("data: ")]
        assert events[-1] == "data: [DONE]" and len(events) > 3
        # "length" is fine: a 135M model rarely stops by itself; the client bounds it either way.
        assert re.search(r'"finish_reason":\s*"(stop|length)"', exchange.response.decode())
    assert "language model" not in done.stdout  # no failure notice
    turns = json.loads(transcript.read_text())
    assert "stopped mid-reply" not in json.dumps(turns)


def test_prompt_generation_uses_the_server(llama: LlamaServer, tmp_path: Path) -> None:
    with RecordingProxy(llama) as proxy:
        done = _cli(tmp_path, proxy.base_url, "prompts", "--backend", "openai", "--n", "3",
                    "--lp", "ownership", "--json", "--seed", "1")  # fmt: skip
        exchanges = list(proxy.exchanges)
    assert done.returncode == 0, done.stderr[-3000:]
    prompts = json.loads(done.stdout)
    assert len(prompts["prompts"] if isinstance(prompts, dict) else prompts) == 3
    asked, _truncated, invalid = _check_structured(exchanges, LLMPromptList)
    assert asked and {e.method for e in asked} == {"json_schema"}
    assert invalid == []
    # Whatever the 135M model wrote, a shortfall is topped up offline and said so, or none.
    notes = [ln for ln in done.stderr.splitlines() if ln.startswith("note:")]
    assert all("unavailable" not in n and "invalid output" not in n for n in notes), notes


# --- a server that dies or restarts ------------------------------------------------------------


def _drill(settings: Settings) -> tuple[Any, Any, Any]:
    from agents.drill.state import DrillConfig
    from agents.services import build_services

    services = build_services(settings)
    iv = services.interviewer
    state = iv.start(DrillConfig(role="sde2", round_type="phone", mode="interview", seed=3))
    return services, iv, state


def _answer(iv: Any, state: Any, text: str, on_delta: Any = None) -> list[Any]:
    events = []
    for event in iv.respond_stream(state, text):
        events.append(event)
        if event.type == "delta" and on_delta is not None:
            on_delta()
            on_delta = None
    return events


def _no_lost_turn(services: Any, state: Any) -> list[str]:
    """Every answer got an interviewer turn after it, and the store holds exactly what memory
    does; returns the notices."""
    turns = state.turns
    for i, turn in enumerate(turns):
        if turn.role == "candidate":
            assert any(t.role == "interviewer" for t in turns[i + 1 :]), f"turn {i} unanswered"
    stored = services.sessions.turns(state.id, state.user)
    assert [(r["role"], r["kind"], r["text"]) for r in stored] == [
        (t.role, t.kind, t.text) for t in turns
    ]
    return [t.text for t in turns if t.kind == "notice"]


def test_a_server_killed_mid_stream_costs_one_notice(tmp_path: Path) -> None:
    server = LlamaServer().start()
    try:
        services, iv, state = _drill(_settings(tmp_path / "data", server.base_url))
        events = _answer(iv, state, DRILL_ANSWERS[0], on_delta=server.kill)
        assert [e.type for e in events].count("delta") >= 1
        assert "discard" in [e.type for e in events]  # the half-written probe is taken back
        for answer in DRILL_ANSWERS[1:]:
            if state.status != "done":
                _answer(iv, state, answer)
        if state.status != "done":
            iv.end(state)
    finally:
        server.stop()
    notices = _no_lost_turn(services, state)
    assert len(notices) == 1, notices
    assert notices[0].startswith("The language model (openai) stopped mid-reply:"), notices[0]


def test_a_server_restarted_between_turns_costs_one_notice(tmp_path: Path) -> None:
    server = LlamaServer().start()
    try:
        services, iv, state = _drill(_settings(tmp_path / "data", server.base_url))
        _answer(iv, state, DRILL_ANSWERS[0])
        server.restart()  # back before the next turn: the stale connection is not a failure
        _answer(iv, state, DRILL_ANSWERS[1])
        assert not state.notices, state.notices
        server.stop()  # down during a turn: one notice, the built-in bank answers
        _answer(iv, state, DRILL_ANSWERS[2])
        server.start()
        _answer(iv, state, "The rollout finished a week early and nobody was paged.")
        if state.status != "done":
            iv.end(state)
    finally:
        server.stop()
    notices = _no_lost_turn(services, state)
    assert len(notices) == 1, notices
    assert notices[0].startswith("Could not reach the language model (openai):"), notices[0]
