"""Structured output that works on each OpenAI-compatible server: the method is chosen per endpoint.

Methods, best first:
- `json_schema`: `response_format` with a strict JSON schema. OpenAI, vLLM, Ollama and current
  llama.cpp honour it, llama.cpp by constraining decoding, so even a tiny model returns valid JSON.
- `tools`: one function tool with `tool_choice: "required"`. The object form (naming the function)
  is what langchain sends, but llama.cpp ignores it ("type must be string"), so it is not used.
- `json_mode`: `response_format: {"type": "json_object"}`, the schema spelled out in the prompt.
- `prompt`: the schema in the prompt only, for servers that honour none of the above.

`auto` asks a cheap probe (a one-word schema no unconstrained model would produce by chance) at
first use and caches the winner per base URL + model (`agents.llm_capabilities`). Every reply,
whatever the method, is validated with pydantic and re-asked a bounded number of times.

Schemas sent by `json_schema` and `tools` carry length limits (`with_bounds`), because a small
model on a grammar-constrained server otherwise loops inside one string until `max_tokens` cuts
the JSON off. Once a reply has been cut off anyway, requests to that endpoint are sized so that
even a reply filling every string fits (`tight_bounds`). A server that refuses the limits gets
the plain schema.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.llm_capabilities import METHODS, Capability, Method
from agents.llm_errors import METHOD_REJECTED_STATUSES, LLMBackendError

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]
# Sends one chat-completions request body (plus a max_tokens bound); returns the completion
# object, or raises a classified `LLMBackendError`.
Send = Callable[[dict[str, Any], int], Any]

log = logging.getLogger("barraiser.llm")

PROBE_MAX_TOKENS = 48
# Bounds put into request schemas (see `with_bounds`).
MIN_STRING_BOUND = 64
MAX_STRING_BOUND = 600
DEFAULT_MAX_ITEMS = 8
TIGHT_MIN_STRING_BOUND = 8
TIGHT_MAX_ITEMS = 1
# Tokens of JSON structure (key, quotes, colon, comma, indentation) per property and array item.
PROPERTY_TOKENS = 8
ITEM_TOKENS = 4
# HTTP statuses with which a server refuses a schema keyword (OpenAI's strict mode: "maxLength is
# not permitted"); the request is then sent again without bounds.
BOUNDS_REFUSED_STATUSES = frozenset({400, 422})


class CapabilityProbe(BaseModel):
    """The probe's reply: only a server that enforces the schema answers `{"word": "xylophone"}`."""

    model_config = ConfigDict(extra="forbid")

    # `enum` rather than pydantic's `const`: older grammar converters and fakes know only enum.
    word: Literal["xylophone"] = Field(json_schema_extra=lambda s: s.update(enum=[s.pop("const")]))


# The prompt never names the word, so a server that ignores `response_format` fails the probe.
PROBE_MESSAGES: list[Message] = [{"role": "user", "content": "Reply with one word."}]


def extract_json(text: str) -> Any:
    """Parse the first JSON object in `text` (models like to wrap it in fences or prose)."""
    stripped = text.strip()
    try:
        # A bare JSON reply wins: its strings may themselves quote a fenced block.
        return json.loads(stripped)
    except ValueError:
        pass
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", stripped, re.DOTALL)
    if fenced:
        stripped = fenced.group(1)
    start, end = stripped.find("{"), stripped.rfind("}")
    if start == -1 or end <= start:
        raise ValueError("the reply contains no JSON object")
    return json.loads(stripped[start : end + 1])


def strict_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in OpenAI's strict form (every field required, no extras)."""
    from openai import pydantic_function_tool

    return pydantic_function_tool(schema)["function"]["parameters"]


@dataclass(frozen=True)
class Bounds:
    """Limits written into a request schema: the longest string and the longest array."""

    max_length: int
    max_items: int


def bounds_for(max_tokens: int) -> Bounds:
    """Generous limits for real text (a quote, a question) that still stop a runaway string."""
    length = max(MIN_STRING_BOUND, min(MAX_STRING_BOUND, max_tokens * 3 // 8))
    return Bounds(length, DEFAULT_MAX_ITEMS)


def _worst_case(spec: Any, defs: dict[str, Any], items: int) -> tuple[int, int]:
    """(string slots, structure tokens) of the longest reply a schema allows with `items` per
    array: what a looping model writes when every string runs to its limit."""
    if not isinstance(spec, dict):
        return 0, 2
    if "$ref" in spec:
        return _worst_case(defs.get(spec["$ref"].rsplit("/", 1)[-1], {}), defs, items)
    options = spec.get("anyOf") or spec.get("oneOf")
    if options:
        return max(_worst_case(option, defs, items) for option in options)
    kinds = spec.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "object" in kinds:
        parts = [_worst_case(p, defs, items) for p in spec.get("properties", {}).values()]
        return sum(p[0] for p in parts), 4 + sum(p[1] + PROPERTY_TOKENS for p in parts)
    if "array" in kinds:
        n = min(int(spec.get("maxItems", items)), items)
        slots, structure = _worst_case(spec.get("items", {}), defs, items)
        return n * slots, 2 + n * (structure + ITEM_TOKENS)
    if "enum" in spec:
        # One of fixed values (an id) cannot loop: a fixed cost, not a string slot.
        return 0, 2 + max((len(str(v)) for v in spec["enum"]), default=0)
    return (1, 2) if "string" in kinds else (0, 2)


def tight_bounds(spec: dict[str, Any], max_tokens: int) -> Bounds:
    """Limits under which even a reply that fills every string fits in `max_tokens`, counting a
    token per character (a looping model's "1.1.1." is exactly that)."""
    slots, structure = _worst_case(spec, spec.get("$defs", {}), TIGHT_MAX_ITEMS)
    length = (max_tokens - structure) // max(slots, 1)
    return Bounds(max(TIGHT_MIN_STRING_BOUND, min(length, bounds_for(max_tokens).max_length)),
                  TIGHT_MAX_ITEMS)  # fmt: skip


def with_bounds(spec: Any, bounds: Bounds) -> Any:
    """A copy of a JSON schema where every string has a `maxLength` and every array `maxItems`
    (the schema's own limits are kept when tighter).

    A grammar-constrained server (llama.cpp, vLLM, Ollama) then cannot loop inside one string
    until the token limit cuts the JSON off, which small models do. Validation still uses the
    pydantic model, which every bounded reply satisfies."""
    if isinstance(spec, list):
        return [with_bounds(item, bounds) for item in spec]
    if not isinstance(spec, dict):
        return spec
    out = {key: with_bounds(value, bounds) for key, value in spec.items()}
    kinds = out.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "string" in kinds:
        out["maxLength"] = min(out.get("maxLength", bounds.max_length), bounds.max_length)
        if "enum" in out:  # never shorter than a value the schema allows
            out["maxLength"] = max(out["maxLength"], *(len(str(v)) for v in out["enum"]))
    if "array" in kinds:
        out["maxItems"] = min(out.get("maxItems", bounds.max_items), bounds.max_items)
    return out


def _schema_instruction(schema: type[BaseModel]) -> str:
    spec = json.dumps(schema.model_json_schema(), separators=(",", ":"))
    return (
        "Reply with one JSON object and nothing else. It must match this JSON schema:\n"
        f"```json\n{spec}\n```"
    )


def build_request(
    method: Method,
    messages: Sequence[Message],
    schema: type[BaseModel],
    *,
    bounds: Bounds | Literal["tight"] | None = None,
    max_tokens: int = 0,
) -> dict[str, Any]:
    """The chat-completions body (minus model and limits) asking for `schema` by `method`;
    with `bounds`, the schema sent is bounded (`with_bounds`; "tight": sized to `max_tokens`)."""
    convo = [dict(m) for m in messages]
    name = schema.__name__
    spec = strict_schema(schema)
    if bounds == "tight":
        bounds = tight_bounds(spec, max_tokens)
    if isinstance(bounds, Bounds):
        spec = with_bounds(spec, bounds)
    if method == "json_schema":
        fmt = {"name": name, "schema": spec, "strict": True}
        return {"messages": convo, "response_format": {"type": "json_schema", "json_schema": fmt}}
    if method == "tools":
        doc = (schema.__doc__ or name).strip().splitlines()[0]
        tool = {"name": name, "description": doc, "parameters": spec, "strict": True}
        return {
            "messages": convo,
            "tools": [{"type": "function", "function": tool}],
            "tool_choice": "required",
        }
    # json_mode and prompt: the schema travels in the system prompt.
    instruction = _schema_instruction(schema)
    if convo and convo[0]["role"] == "system":
        convo[0] = {"role": "system", "content": f"{convo[0]['content']}\n\n{instruction}"}
    else:
        convo.insert(0, {"role": "system", "content": instruction})
    body: dict[str, Any] = {"messages": convo}
    if method == "json_mode":
        body["response_format"] = {"type": "json_object"}
    return body


def reply_text(method: Method, completion: Any) -> tuple[str, str | None]:
    """(the reply's JSON text, finish reason) from a completion, for any method."""
    choice = completion.choices[0] if completion.choices else None
    if choice is None:
        return "", None
    message = choice.message
    calls = getattr(message, "tool_calls", None) or []
    if method == "tools" and calls:
        return str(calls[0].function.arguments or ""), choice.finish_reason
    # A server that ignored the tool may still have answered with JSON in the content.
    return str(message.content or ""), choice.finish_reason


def parse_reply(method: Method, completion: Any, schema: type[T]) -> T:
    """Validate a completion's reply against `schema` (ValueError/ValidationError otherwise)."""
    text, finish = reply_text(method, completion)
    try:
        return schema.model_validate(extract_json(text))
    except (ValueError, ValidationError) as e:
        if finish == "length":
            raise ValueError("the reply was cut off at the token limit") from e
        raise


def _correction(method: Method, schema: type[BaseModel], error: Exception) -> str:
    what = f"{schema.__name__}: {str(error)[:500]}."
    if method == "tools":
        return f"Your last reply did not match {what} Call the tool again with valid arguments."
    return (
        f"That reply was not valid JSON for the schema {what} Reply with the corrected JSON only."
    )


def send_for(
    send: Send,
    cap: Capability,
    messages: Sequence[Message],
    schema: type[BaseModel],
    max_tokens: int,
) -> Any:
    """Send one structured request by `cap`, bounded when the endpoint accepts bounds.

    A server that refuses the bounded schema (OpenAI's strict mode does not permit `maxLength`)
    is asked again without bounds, and `cap.bounds` turns False so later calls skip them."""
    bounds: Bounds | Literal["tight"] | None = None
    if cap.method in ("json_schema", "tools") and cap.bounds:
        bounds = "tight" if cap.tight else bounds_for(max_tokens)
    try:
        body = build_request(cap.method, messages, schema, bounds=bounds, max_tokens=max_tokens)
        return send(body, max_tokens)
    except LLMBackendError as e:
        if bounds is None or e.status not in BOUNDS_REFUSED_STATUSES:
            raise
        log.info("structured output: schema bounds refused (%s); sending without", e)
    cap.bounds = False
    return send(build_request(cap.method, messages, schema), max_tokens)


def call_structured(
    send: Send,
    cap: Capability,
    messages: Sequence[Message],
    schema: type[T],
    *,
    reasks: int,
    max_tokens: int,
    backend: str,
) -> T:
    """Ask by `cap.method`, validate, and re-ask with the error up to `reasks` times.

    Transport failures propagate at once (the client already retried them); only invalid
    replies are re-asked."""
    convo = [dict(m) for m in messages]
    last_error: Exception | None = None
    for _attempt in range(reasks + 1):
        completion = send_for(send, cap, convo, schema, max_tokens)
        try:
            return parse_reply(cap.method, completion, schema)
        except (ValueError, ValidationError) as e:  # JSONDecodeError is a ValueError
            last_error = e
            log.info("structured output: invalid %s reply by %s (%s)", schema.__name__,
                     cap.method, str(e)[:200])  # fmt: skip
            text, finish = reply_text(cap.method, completion)
            # Cut off at the token limit: this model runs long, so from now on (this re-ask
            # included) the schema is sized to fit, or it would be cut off again.
            cap.tight = cap.tight or (finish == "length" and cap.bounds)
            if cap.method != "tools" and text:
                convo.append({"role": "assistant", "content": text[:2000]})
            convo.append({"role": "user", "content": _correction(cap.method, schema, e)})
    raise LLMBackendError(
        f"the model returned invalid {schema.__name__} output after {reasks + 1} attempts",
        backend=backend,
        kind="invalid_output",
    ) from last_error


def probe(send: Send) -> Capability:
    """Find the best structured-output method the endpoint honours (one tiny request each).

    A method the server refuses (HTTP 400/422/500...) or ignores (prose, no tool call) is skipped;
    a failure that is not about the method (unreachable, timeout, 429, bad key) is raised, so
    nothing is cached from a server that is merely down. `prompt` needs no probe."""
    refusals: list[LLMBackendError] = []
    for method in METHODS[:-1]:
        cap = Capability(method)
        try:
            completion = send_for(send, cap, PROBE_MESSAGES, CapabilityProbe, PROBE_MAX_TOKENS)
        except LLMBackendError as e:
            if e.status not in METHOD_REJECTED_STATUSES:
                raise
            log.info("structured output: %s refused by the server (%s)", method, e)
            refusals.append(e)
            continue
        try:
            parse_reply(method, completion, CapabilityProbe)
        except (ValueError, ValidationError) as e:
            log.info("structured output: %s not honoured (%s)", method, str(e)[:200])
            continue
        return cap
    if len(refusals) == len(METHODS) - 1:
        # Every request was refused: the server is broken, not choosy. Report, cache nothing.
        raise refusals[-1]
    return Capability("prompt")
