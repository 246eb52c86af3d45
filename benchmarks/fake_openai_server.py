"""A small OpenAI-compatible chat-completions server on 127.0.0.1, for benchmarks and tests.

It speaks the parts of the API Bar Raiser uses, the way vLLM, Ollama, llama.cpp and OpenAI do:

- `GET /v1/models`: one model (whatever name the server was given).
- `POST /v1/chat/completions`: plain or streamed (`"stream": true`, server-sent events of
  `chat.completion.chunk` objects, then `data: [DONE]`), with a usage chunk when the request
  sets `stream_options.include_usage`; and, when the request offers `tools`, a tool call
  (function calling) whose arguments come from `tool_arguments` (by default a minimal object
  built from the tool's JSON schema).
- Structured output by other methods, as chosen with `honours` (default: tools only, as before):
  `"json_schema"` answers `response_format: {"type": "json_schema"}` with JSON content built the
  same way from that schema, `"json_mode"` answers `{"type": "json_object"}` from the last
  fenced JSON schema in the messages. A method not honoured is ignored (a prose reply, like a
  server whose model does not follow it); a method in `refuses` gets HTTP `refuse_status`
  (an older llama.cpp answered `json_schema` with 500). With `refuses_bounds`, a schema that
  carries `maxLength` gets HTTP 400, as OpenAI's strict mode answers.

Latency is configurable: `first_token_delay` seconds before the first content chunk (the model's
"prefill") and `inter_token_delay` between chunks. Every request body is kept in `requests`, so
tests can check what the client sent. HTTP/1.1 with keep-alive and chunked transfer, as real
servers use, so clients reuse their connection.

Use it in-process (`with FakeOpenAIServer() as server: server.base_url`) or from a shell:
`python -m benchmarks.fake_openai_server --port 8001 --first-token-delay 0.2`. It is deliberately
well behaved; fault injection belongs in a separate server.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_REPLY = "Could you walk me through what you personally did next, step by step?"

ReplyFn = Callable[[dict[str, Any]], str]
ToolArgsFn = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


def example_from_schema(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """A minimal value that validates against a (pydantic-style) JSON schema."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return example_from_schema(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return example_from_schema(schema[key][0], defs)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        required = schema.get("required", list(props))
        return {k: example_from_schema(props[k], defs) for k in required if k in props}
    if kind == "array":
        return []
    if kind == "string":
        return "example"
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    return None


def _default_tool_arguments(tool: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Arguments for a tool call: a minimal valid object for the tool's parameters."""
    return example_from_schema(tool.get("function", {}).get("parameters", {}))


def _structured_method(request: dict[str, Any]) -> str | None:
    """Which structured-output method a request uses (None for plain chat)."""
    kind = (request.get("response_format") or {}).get("type")
    if kind == "json_schema":
        return "json_schema"
    if kind == "json_object":
        return "json_mode"
    return "tools" if request.get("tools") else None


def _schema_tool(request: dict[str, Any], method: str) -> dict[str, Any]:
    """The requested schema dressed as a tool, so `tool_arguments` can answer any method."""
    if method == "json_schema":
        spec = request["response_format"].get("json_schema") or {}
        name, schema = spec.get("name", "response"), spec.get("schema") or {}
    else:
        name, schema = "response", {}
        text = "\n".join(str(m.get("content") or "") for m in request["messages"])
        for block in reversed(re.findall(r"```json\s*(\{.*?\})\s*```", text, re.DOTALL)):
            try:
                schema = json.loads(block)
            except ValueError:
                continue
            name = str(schema.get("title", name))
            break
    return {"type": "function", "function": {"name": name, "parameters": schema}}


def _chunks(text: str, size: int) -> list[str]:
    """Split text into pieces of about `size` characters at word boundaries (like tokens)."""
    words = text.split(" ")
    out: list[str] = []
    current = ""
    for i, word in enumerate(words):
        piece = word if i == 0 else " " + word
        if current and len(current) + len(piece) > size:
            out.append(current)
            current = piece
        else:
            current += piece
    if current:
        out.append(current)
    return out or [""]


class _QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print a traceback when a client hangs up."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore dropped connections (clients closing keep-alive sockets); report the rest."""
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class FakeOpenAIServer:
    """An OpenAI-compatible server in a background thread (context manager)."""

    def __init__(
        self,
        *,
        port: int = 0,
        model: str = "fake-model",
        first_token_delay: float = 0.0,
        inter_token_delay: float = 0.0,
        reply: str | ReplyFn = DEFAULT_REPLY,
        tool_arguments: ToolArgsFn = _default_tool_arguments,
        chunk_chars: int = 4,
        honours: tuple[str, ...] = ("tools",),
        refuses: tuple[str, ...] = (),
        refuse_status: int = 500,
        refuses_bounds: bool = False,
    ) -> None:
        self.model = model
        self.honours = honours
        self.refuses = refuses
        self.refuse_status = refuse_status
        self.refuses_bounds = refuses_bounds
        self.first_token_delay = first_token_delay
        self.inter_token_delay = inter_token_delay
        self.reply = reply
        self.tool_arguments = tool_arguments
        self.chunk_chars = chunk_chars
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd = _QuietHTTPServer(("127.0.0.1", port), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI base URL (what OPENAI_BASE_URL should be set to)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAIServer:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reply_for(self, request: dict[str, Any]) -> str:
        """The text answer to a chat request."""
        return self.reply(request) if callable(self.reply) else self.reply

    def _record(self, request: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: no access log on stderr."""

            def _send_json(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                """`/v1/models` (and `/health` for readiness checks)."""
                path = self.path.split("?", 1)[0].rstrip("/")
                if path in ("/v1/models", "/models"):
                    self._send_json(
                        200,
                        {
                            "object": "list",
                            "data": [
                                {
                                    "id": server.model,
                                    "object": "model",
                                    "created": 0,
                                    "owned_by": "barraiser-fake",
                                }
                            ],
                        },
                    )
                elif path == "/health":
                    self._send_json(200, {"status": "ok"})
                else:
                    self._send_json(404, {"error": {"message": f"no route {self.path}"}})

            def do_POST(self) -> None:
                """`/v1/chat/completions`, plain or streamed, text or tool call."""
                path = self.path.split("?", 1)[0].rstrip("/")
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    request = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    self._send_json(400, {"error": {"message": "body is not JSON"}})
                    return
                if path not in ("/v1/chat/completions", "/chat/completions"):
                    self._send_json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                if not isinstance(request.get("messages"), list) or not request["messages"]:
                    self._send_json(400, {"error": {"message": "messages is required"}})
                    return
                server._record(request)
                method = _structured_method(request)
                if method in server.refuses:
                    message = f"{method} is not supported by this server"
                    self._send_json(server.refuse_status, {"error": {"message": message}})
                    return
                if server.refuses_bounds and method and '"maxLength"' in json.dumps(request):
                    message = "Invalid schema: 'maxLength' is not permitted."
                    self._send_json(400, {"error": {"message": message}})
                    return
                tools = request.get("tools") or []
                if method in ("json_schema", "json_mode") and method in server.honours:
                    tool = _schema_tool(request, method)
                    content = json.dumps(server.tool_arguments(tool, request))
                    self._answer(request, text=content, tool=None)
                elif tools and "tools" in server.honours:
                    tool = tools[0]
                    choice = request.get("tool_choice")
                    if isinstance(choice, dict):
                        wanted = choice.get("function", {}).get("name")
                        tool = next(
                            (t for t in tools if t.get("function", {}).get("name") == wanted), tool
                        )
                    args = json.dumps(server.tool_arguments(tool, request))
                    self._answer(request, text="", tool=(tool["function"]["name"], args))
                else:
                    self._answer(request, text=server.reply_for(request), tool=None)

            def _answer(
                self, request: dict[str, Any], text: str, tool: tuple[str, str] | None
            ) -> None:
                ident = "chatcmpl-" + uuid.uuid4().hex[:24]
                created = int(time.time())
                model = request.get("model") or server.model
                prompt_chars = sum(len(str(m.get("content") or "")) for m in request["messages"])
                completion = text or (tool[1] if tool else "")
                usage = {
                    "prompt_tokens": max(1, prompt_chars // 4),
                    "completion_tokens": max(1, len(completion) // 4),
                    "total_tokens": max(1, prompt_chars // 4) + max(1, len(completion) // 4),
                }
                call_id = "call_" + uuid.uuid4().hex[:24]
                if not request.get("stream"):
                    time.sleep(server.first_token_delay)
                    message: dict[str, Any] = {"role": "assistant", "content": text or None}
                    if tool:
                        message["tool_calls"] = [
                            {
                                "id": call_id,
                                "type": "function",
                                "function": {"name": tool[0], "arguments": tool[1]},
                            }
                        ]
                    self._send_json(
                        200,
                        {
                            "id": ident,
                            "object": "chat.completion",
                            "created": created,
                            "model": model,
                            "choices": [
                                {
                                    "index": 0,
                                    "message": message,
                                    "finish_reason": "tool_calls" if tool else "stop",
                                }
                            ],
                            "usage": usage,
                        },
                    )
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()

                def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> None:
                    payload = {
                        "id": ident,
                        "object": "chat.completion.chunk",
                        "created": created,
                        "model": model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                        **extra,
                    }
                    self._chunk(f"data: {json.dumps(payload)}\n\n".encode())

                time.sleep(server.first_token_delay)
                if tool:
                    event(
                        {
                            "role": "assistant",
                            "content": None,
                            "tool_calls": [
                                {
                                    "index": 0,
                                    "id": call_id,
                                    "type": "function",
                                    "function": {"name": tool[0], "arguments": ""},
                                }
                            ],
                        }
                    )
                    for i, piece in enumerate(_chunks(tool[1], server.chunk_chars * 4)):
                        if i:
                            time.sleep(server.inter_token_delay)
                        event({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
                    event({}, "tool_calls")
                else:
                    for i, piece in enumerate(_chunks(text, server.chunk_chars)):
                        if i:
                            time.sleep(server.inter_token_delay)
                        delta = (
                            {"role": "assistant", "content": piece}
                            if i == 0
                            else {"content": piece}
                        )
                        event(delta)
                    event({}, "stop")
                if (request.get("stream_options") or {}).get("include_usage"):
                    payload = {
                        "id": ident,
                        "object": "chat.completion.chunk",
                        "created": created,
                        "model": model,
                        "choices": [],
                        "usage": usage,
                    }
                    self._chunk(f"data: {json.dumps(payload)}\n\n".encode())
                self._chunk(b"data: [DONE]\n\n")
                self._chunk(b"")  # the terminating zero-length chunk

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        return Handler


def main(argv: list[str] | None = None) -> int:
    """Run the server in the foreground until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--model", default="fake-model")
    parser.add_argument("--first-token-delay", type=float, default=0.0)
    parser.add_argument("--inter-token-delay", type=float, default=0.0)
    parser.add_argument("--reply", default=DEFAULT_REPLY)
    args = parser.parse_args(argv)
    server = FakeOpenAIServer(
        port=args.port,
        model=args.model,
        first_token_delay=args.first_token_delay,
        inter_token_delay=args.inter_token_delay,
        reply=args.reply,
    )
    print(f"fake OpenAI-compatible server at {server.base_url}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
