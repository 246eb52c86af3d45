"""Benchmark: tokens and cost of one drill on a hosted model, and prompt-caching friendliness.

A 4-question drill with 3 probes per question is run through the real `Interviewer` and `Grader`
with a recording model in place of the LLM, so every request is exactly what our LLM path would
send (real prompt files rendered by `agents.prompts.render`, the real transcript, the real
trimming). Tokens are counted with tiktoken (`agents.tokens.count_tokens`, o200k_base for the
gpt-4o family). Completion sizes are the recording model's replies: each probe a real probe
sentence, each grade the JSON of a realistic `Judgement` quoting the answer.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any

# List prices in USD per 1M tokens: (input, cached input, output). Taken 2026-11-23 from
# third-party copies of OpenAI's pricing page (we cannot reach openai.com from here): unverified
# against OpenAI itself. Update these when prices change.
PRICES_AS_OF = "2026-11-23"
PRICES: dict[str, tuple[float, float, float]] = {
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "gpt-4o": (2.50, 1.25, 10.00),
}
# OpenAI caches a prompt prefix of at least 1,024 tokens, in steps of 128 tokens.
CACHE_MIN_TOKENS = 1024
CACHE_STEP = 128
# Priming tokens per request (the assistant reply header), as in OpenAI's cookbook.
REPLY_PRIMING_TOKENS = 3
QUESTIONS = 4
PROBES = 3

FIRST_ANSWER = (
    "Sure. Last year I was a backend engineer on the payments team at a mid-sized online "
    "retailer. About six weeks before our biggest sale of the year, checkout started timing out "
    "for a small share of customers whenever traffic spiked, and the support queue was filling "
    "up with people who had been charged twice. My manager asked me to own the investigation, "
    "because I had written part of the retry logic the year before. I started by pulling a week "
    "of traces and grouping the failures by endpoint, and I found that almost all of them came "
    "from one call to the fraud service, which had no timeout and no idempotency key. I wrote a "
    "short proposal with two options, a quick timeout and a proper idempotent retry, and walked "
    "the team through the trade-offs. We agreed on doing the quick fix first and the proper one "
    "before the sale. I implemented both, added a load test that replayed the peak traffic, and "
    "rolled the change out behind a flag to five percent of users, then everyone. During the "
    "sale, checkout errors dropped from about four percent to under half a percent, and we had "
    "no double charges at all. Looking back, I learned to put timeouts and idempotency on every "
    "call that moves money before anything else, and I now ask for them in every design review."
)
PROBE_ANSWERS = (
    "The first thing I did personally was pull the traces myself instead of waiting for the "
    "platform team. I wrote a small script that grouped failures by downstream call, which is "
    "how I saw the fraud service at the top. Then I booked thirty minutes with its owner to "
    "confirm the missing timeout before proposing anything.",
    "I measured it with the checkout error rate on our dashboard, comparing the sale week with "
    "the same week the year before, and with the count of refund tickets for double charges. "
    "Errors went from roughly four percent to under half a percent, and double-charge tickets "
    "went from around forty a day to zero.",
    "Our tech lead pushed back because she worried the idempotency change was risky right before "
    "the sale. I showed her the load test results and offered to ship behind a flag with a one "
    "click rollback, and I stayed on call for the first night. That was enough for her to agree.",
)
_PROBE_REPLIES = (
    "What did you personally do first, once you saw the problem?",
    "How did you know the fix had worked?",
    "Who disagreed with your plan, and how did you handle it?",
    "Which part of that work was yours alone?",
    "What other options did you weigh before choosing this one?",
    "What was the outcome for customers?",
    "What would you do differently next time?",
    "What was at stake if checkout kept failing?",
    "How did you decide what to build first?",
    "What did your manager think of the approach?",
    "How did you get the other team to prioritise it?",
    "What did you learn about the service along the way?",
    "What was the hardest trade-off you made there?",
    "Where did you start when the alerts first fired?",
    "What made you confident enough to roll it out?",
    "How did the team react to the change?",
)


def _recording_model() -> Any:
    """A ChatModel that records every request and replies like a cooperative hosted model."""
    from agents.grading import JudgedComponent, Judgement
    from agents.llm import ChatModel, Message
    from agents.textutil import split_sentences

    class RecordingModel(ChatModel):
        """Records (kind, messages, completion text); probes stream, grades are Judgements."""

        name = "recording"

        def __init__(self) -> None:
            self.calls: list[dict[str, Any]] = []

        def stream(self, messages: Sequence[Message]) -> Iterator[str]:
            """Reply with the next distinct probe sentence."""
            text = _PROBE_REPLIES[sum(1 for c in self.calls if c["kind"] == "probe") % 16]
            self.calls.append({"kind": "probe", "messages": [dict(m) for m in messages],
                               "completion": text})  # fmt: skip
            yield text

        def structured(self, messages: Sequence[Message], schema: type, *, reasks: int = 1) -> Any:
            """A realistic judgement that quotes the answer, recorded as its JSON arguments."""
            answer = messages[-1]["content"].split("<candidate_answer>")[-1]
            sentences = [s.text for s in split_sentences(answer)]
            parts = {
                name: JudgedComponent(present=True, strength=2, quotes=sentences[i : i + 1])
                for i, name in enumerate(("situation", "task", "action", "result", "learning"))
            }
            # Keep the grade incomplete so the interviewer goes on probing (3 per question): no
            # result and no lesson, so each probe has a part left to ask about.
            parts["result"] = JudgedComponent()
            parts["learning"] = JudgedComponent()
            judgement = Judgement(
                **parts, follow_up="What was the measurable outcome of what you did?"
            )
            self.calls.append({
                "kind": "grade",
                "messages": [dict(m) for m in messages],
                "completion": json.dumps(judgement.model_dump()),
            })  # fmt: skip
            return schema.model_validate(judgement.model_dump())

    return RecordingModel()


def record_drill() -> tuple[list[dict[str, Any]], Any]:
    """Run the 4x3 drill and return the recorded LLM calls and the final state."""
    from agents.drill.interviewer import Interviewer
    from agents.drill.state import DrillConfig
    from agents.grading import Grader
    from agents.lp.principles import load_principles

    model = _recording_model()
    iv = Interviewer(Grader(model), load_principles(), model, clock=lambda: 1_000_000.0)
    config = DrillConfig(
        n_questions=QUESTIONS, max_probes=PROBES, minutes=60, mode="interview", seed=3
    )
    state = iv.start(config)
    for _ in range(QUESTIONS * (PROBES + 1) + 4):
        if state.status == "done":
            break
        q = state.current
        assert q is not None
        iv.respond(state, FIRST_ANSWER if not q.answers else PROBE_ANSWERS[len(q.answers) - 1])
    return model.calls, state


def _tool_tokens(model: str) -> int:
    """Tokens of the Judgement tool definition (its JSON; OpenAI's own rendering differs a bit)."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from agents.grading import Judgement
    from agents.tokens import count_tokens

    return count_tokens(json.dumps(convert_to_openai_tool(Judgement)), model)


def _message_tokens(message: dict[str, str], model: str) -> int:
    """Content tokens plus the per-message overhead."""
    from agents.tokens import MESSAGE_OVERHEAD_TOKENS, count_tokens

    return count_tokens(message["content"], model) + MESSAGE_OVERHEAD_TOKENS


def _cached(prefix_tokens: int) -> int:
    """Tokens OpenAI would bill as cached for a repeated prefix of this length."""
    if prefix_tokens < CACHE_MIN_TOKENS:
        return 0
    return CACHE_MIN_TOKENS + (prefix_tokens - CACHE_MIN_TOKENS) // CACHE_STEP * CACHE_STEP


def analyse(calls: list[dict[str, Any]], model: str = "gpt-4o-mini") -> dict[str, Any]:
    """Token totals per call kind, cache-friendliness checks, and the cacheable prefix."""
    from agents.tokens import count_tokens

    tool = _tool_tokens(model)
    out: dict[str, Any] = {}
    previous: dict[str, list[dict[str, str]]] = {}
    systems: dict[str, set[bytes]] = {}
    append_only = True
    for call in calls:
        kind = call["kind"]
        messages = call["messages"]
        per_message = [_message_tokens(m, model) for m in messages]
        prompt = sum(per_message) + REPLY_PRIMING_TOKENS + (tool if kind == "grade" else 0)
        completion = count_tokens(call["completion"], model)
        # The shared prefix with the previous call of the same kind: whole identical messages.
        shared = tool if kind == "grade" else 0
        before = previous.get(kind)
        if before is not None:
            for old, new, n in zip(before, messages, per_message, strict=False):
                if old != new:
                    break
                shared += n
        if kind == "probe" and before is not None and before[:-1] != messages[: len(before) - 1]:
            append_only = False  # the transcript was rewritten (trimmed), not just extended
        previous[kind] = messages
        systems.setdefault(kind, set()).add(messages[0]["content"].encode())
        row = out.setdefault(
            kind, {"calls": 0, "prompt": 0, "completion": 0, "cached": 0, "max_prompt": 0}
        )
        row["calls"] += 1
        row["prompt"] += prompt
        row["completion"] += completion
        row["cached"] += _cached(shared) if before is not None else 0
        row["max_prompt"] = max(row["max_prompt"], prompt)
    first_system = {k: next(iter(v)).decode() for k, v in systems.items()}
    return {
        "by_kind": out,
        "system_prefix_identical": {k: len(v) == 1 for k, v in systems.items()},
        "system_tokens": {k: count_tokens(v, model) for k, v in first_system.items()},
        "tool_tokens": tool,
        "transcript_append_only": append_only,
    }


def cost(tokens: dict[str, int], model: str, cached: bool) -> float:
    """USD for prompt/completion token totals at list price (cached input discounted if set)."""
    price_in, price_cached, price_out = PRICES[model]
    cached_tokens = tokens["cached"] if cached else 0
    return (
        (tokens["prompt"] - cached_tokens) * price_in
        + cached_tokens * price_cached
        + tokens["completion"] * price_out
    ) / 1_000_000


def run(quick: bool = False) -> dict[str, Any]:
    """Tokens per 4x3 drill with a hosted model, its cost on two models, and cache checks."""
    calls, state = record_drill()
    report = analyse(calls)
    kinds = report["by_kind"]
    if not all(report["system_prefix_identical"].values()):
        raise AssertionError(f"a system prompt changed between turns: {report}")
    total = {k: sum(row[k] for row in kinds.values()) for k in ("prompt", "completion", "cached")}
    asked = sum(len(q.probes) for q in state.questions)
    rows = [
        [kind, row["calls"], row["prompt"], row["completion"], row["max_prompt"], row["cached"]]
        for kind, row in kinds.items()
    ]
    rows.append(["total", sum(r["calls"] for r in kinds.values()), total["prompt"],
                 total["completion"], "", total["cached"]])  # fmt: skip
    cost_rows = []
    for model in PRICES:
        price_in, _cached_price, price_out = PRICES[model]
        one = cost(total, model, cached=False)
        cost_rows.append([
            model, f"${price_in:.3f} / ${price_out:.2f}", f"${one:.4f}",
            f"${cost(total, model, cached=True):.4f}", f"${one * 1000:.2f}",
        ])  # fmt: skip
    return {
        "tables": [
            {
                "title": f"Tokens for one drill: {len(state.questions)} questions, {asked} probes "
                "(tiktoken o200k_base)",
                "columns": [
                    "call",
                    "calls",
                    "prompt tokens",
                    "completion tokens",
                    "largest prompt",
                    "cacheable prompt tokens",
                ],
                "rows": rows,
            },
            {
                "title": f"Cost of one drill at list prices (USD per 1M tokens, as of "
                f"{PRICES_AS_OF}, unverified)",
                "columns": [
                    "model",
                    "input / output price",
                    "per drill",
                    "per drill, with prompt caching",
                    "per 1,000 drills",
                ],
                "rows": cost_rows,
            },
        ],
        "questions": len(state.questions),
        "probes": asked,
        "system_prefix_byte_identical": report["system_prefix_identical"],
        "system_prompt_tokens": report["system_tokens"],
        "grader_tool_definition_tokens": report["tool_tokens"],
        "interviewer_transcript_append_only": report["transcript_append_only"],
        "notes": [
            "Prompts are the real requests: every call the Interviewer and Grader made in the "
            "drill was recorded (prompt files grader_system, grader_user, interviewer_system, "
            "interviewer_probe; questions come from the bank, not the model).",
            "Per answer the model is called twice: the grade (function calling, whole exchange "
            "so far, so it grows within a question) and, while probes remain, the probe "
            "phrasing (streamed). Closing a question, feedback and the debrief are "
            "deterministic and cost no tokens.",
            f"Assumed candidate: a first answer of {len(FIRST_ANSWER.split())} words and probe "
            f"replies of about {sum(len(a.split()) for a in PROBE_ANSWERS) // 3} words; "
            "completions: a one-sentence probe and a Judgement JSON quoting four sentences.",
            "Prompt tokens = message contents + 4 per message + 3 reply priming (+ the tool's "
            "JSON for grades, which OpenAI renders slightly differently).",
            f"Caching: OpenAI reuses a repeated prefix of >= {CACHE_MIN_TOKENS} tokens. Both "
            "system prompts are byte-identical on every call and first in the request; the "
            "interviewer's transcript is append-only, so its prefix grows turn by turn and "
            "becomes cacheable once past the minimum. The grader's prefix (tool + system, with "
            "the list of demands the judge may name) is past it too, so every grade's prefix "
            "is cacheable.",
            f"Prices are list prices as of {PRICES_AS_OF} from third-party copies of OpenAI's "
            "pricing page (unverified against OpenAI itself); update PRICES in "
            "benchmarks/bench_tokens.py when they change.",
        ],
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
