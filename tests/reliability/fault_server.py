"""A fault-injecting OpenAI-compatible chat server on 127.0.0.1, for reliability tests.

It speaks `POST /v1/chat/completions`, streaming (SSE over chunked HTTP/1.1) and not, and answers
tool-call requests (structured output) with tool-call arguments. Each request takes the next
`Fault` from a script (then `default`), so a test decides exactly what the client meets:

- `ok`: a well-formed reply (`text` for chat, `args` for tool calls, or `responder(request)`);
- `timeout`: wait longer than the client's timeout before answering;
- `429`: rate limited, with `Retry-After: 1`;
- `500`: an internal error;
- `401`: authentication failed, with the key echoed back in the error (as careless proxies do);
- `drop`: the stream (or body) is cut mid-answer: the connection closes without the last chunk;
- `drop_clean`: the stream stops mid-answer but the connection closes cleanly (no finish_reason,
  no `[DONE]`), as a crashed proxy would;
- `invalid_json`: a 200 whose body (or SSE event) is not JSON;
- `schema`: tool-call arguments that violate the requested schema;
- `huge`: a multi-megabyte reply, ignoring max_tokens;
- `trickle`: a stream that sends a byte-sized delta every fraction of a second, nearly forever.

Every loop is bounded (sleeps wake on shutdown, huge and trickle replies have a fixed size), and
the server only ever binds 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = (
    "ok",
    "401",
    "timeout",
    "429",
    "500",
    "drop",
    "drop_clean",
    "invalid_json",
    "schema",
    "huge",
    "trickle",
)
# Upper bounds on anything the server does for one request.
MAX_SLEEP_SECONDS = 15.0
HUGE_BYTES = 3 * 1024 * 1024
TRICKLE_CHUNKS = 2000
TRICKLE_INTERVAL = 0.05


@dataclass
class Fault:
    """What the server does with one request (`kind` is one of `FAULTS`)."""

    kind: str = "ok"
    text: str | None = None
    args: dict[str, Any] | str | None = None
    seconds: float = 5.0

    def __post_init__(self) -> None:
        """Refuse unknown fault kinds early."""
        if self.kind not in FAULTS:
            raise ValueError(f"unknown fault {self.kind!r}; choose from {FAULTS}")


@dataclass
class Received:
    """One request as the server saw it."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    fault: str
    at: float = field(default_factory=time.monotonic)

    @property
    def stream(self) -> bool:
        """True when the client asked for a streamed reply."""
        return bool(self.body.get("stream"))

    @property
    def tools(self) -> bool:
        """True when the client asked for a tool call (structured output)."""
        return bool(self.body.get("tools"))


Responder = Callable[[dict[str, Any]], "Fault | str | dict[str, Any]"]


class FaultServer:
    """The server plus its script; use as a context manager (`with FaultServer() as srv`)."""

    def __init__(
        self,
        default: Fault | str = "ok",
        *,
        text: str = "What did you do yourself, step by step?",
        args: dict[str, Any] | None = None,
        responder: Responder | None = None,
    ) -> None:
        self.default = default if isinstance(default, Fault) else Fault(default)
        self.text = text
        self.args = args if args is not None else {}
        self.responder = responder
        self.received: list[Received] = []
        self._script: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI base URL to configure (`.../v1`)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FaultServer:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wake any request that is sleeping."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- script -------------------------------------------------------------------------------

    def script(self, *faults: Fault | str) -> FaultServer:
        """Queue faults for the next requests, in order."""
        with self._lock:
            self._script.extend(f if isinstance(f, Fault) else Fault(f) for f in faults)
        return self

    def hits(self, kind: str | None = None) -> int:
        """How many requests arrived (of one fault kind, if given)."""
        with self._lock:
            return sum(1 for r in self.received if kind is None or r.fault == kind)

    def _next(self, body: dict[str, Any]) -> Fault:
        with self._lock:
            if self._script:
                return self._script.popleft()
        if self.responder is not None:
            out = self.responder(body)
            if isinstance(out, Fault):
                return out
            if isinstance(out, str):
                return Fault("ok", text=out)
            return Fault("ok", args=out)
        return self.default

    def _record(self, path: str, body: dict[str, Any], headers: dict[str, str], fault: str) -> None:
        with self._lock:
            self.received.append(Received(path, body, headers, fault))

    def sleep(self, seconds: float) -> None:
        """Sleep, bounded, waking early when the server stops."""
        self._stopping.wait(min(seconds, MAX_SLEEP_SECONDS))


class _QuietServer(ThreadingHTTPServer):
    """A threading server that does not print client disconnects (they are the point here)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore: clients hang up on purpose in these tests."""


# --- wire format ----------------------------------------------------------------------------------


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(model: str, message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _tool_name(body: dict[str, Any]) -> str:
    tools = body.get("tools") or []
    try:
        return str(tools[0]["function"]["name"])
    except (IndexError, KeyError, TypeError):
        return "tool"


def _tool_message(body: dict[str, Any], arguments: str) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_fault",
                "type": "function",
                "function": {"name": _tool_name(body), "arguments": arguments},
            }
        ],
    }


def _handler_for(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            """Quiet: tests read `server.received` instead."""

        def do_GET(self) -> None:
            self._send_json(200, {"object": "list", "data": [{"id": "fault-model"}]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, 8 * 1024 * 1024))
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {}
            fault = server._next(body)
            server._record(
                self.path, body, {k.lower(): v for k, v in self.headers.items()}, fault.kind
            )
            try:
                self._serve(body, fault)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                self.close_connection = True

        # --- replies ------------------------------------------------------------------------

        def _serve(self, body: dict[str, Any], fault: Fault) -> None:
            model = str(body.get("model") or "fault-model")
            stream = bool(body.get("stream"))
            tools = bool(body.get("tools"))
            kind = fault.kind
            if kind == "timeout":
                server.sleep(fault.seconds)
                kind = "ok"  # if the client is still there, it gets a normal answer
            if kind == "429":
                self._send_json(
                    429,
                    {"error": {"message": "rate limited", "type": "rate_limit"}},
                    {"Retry-After": "1"},
                )
                return
            if kind == "401":
                key = self.headers.get("Authorization", "")
                message = f"Incorrect API key provided: {key.removeprefix('Bearer ')}"
                self._send_json(401, {"error": {"message": message, "type": "auth"}})
                return
            if kind == "500":
                self._send_json(500, {"error": {"message": "internal error", "type": "server"}})
                return
            if kind == "invalid_json" and not stream:
                self._send_raw(200, b'{"id": "chatcmpl-fault", "choices": [ {oops', "json")
                return
            arguments = self._arguments(fault, kind)
            text = fault.text if fault.text is not None else server.text
            if stream:
                self._stream(body, model, kind, text, arguments if tools else None)
                return
            if kind == "drop":
                message = {"role": "assistant", "content": text}
                data = json.dumps(_completion(model, message, "stop")).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data) * 2))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self._abort()
                return
            if tools:
                message = _tool_message(body, arguments)
                finish = "tool_calls"
            else:
                if kind == "huge":
                    text = "All work and no play makes a dull model. " * (HUGE_BYTES // 42)
                message = {"role": "assistant", "content": text}
                finish = "stop"
            self._send_json(200, _completion(model, message, finish))

        def _arguments(self, fault: Fault, kind: str) -> str:
            if kind == "schema":
                return json.dumps(
                    {"situation": {"present": "maybe", "strength": 42, "quotes": "not a list"}}
                )
            if kind == "huge":
                quote = "I personally saved the company. " * (HUGE_BYTES // 32)
                return json.dumps({"result": {"present": True, "strength": 3, "quotes": [quote]}})
            args = fault.args if fault.args is not None else server.args
            return args if isinstance(args, str) else json.dumps(args)

        def _stream(
            self, body: dict[str, Any], model: str, kind: str, text: str, arguments: str | None
        ) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            if kind == "drop_clean":
                # No length and no chunking: the body ends when the connection closes.
                self.send_header("Connection", "close")
                self.close_connection = True
                self._chunked = False
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self._chunked = True
            self.end_headers()
            for event in self._events(body, model, kind, text, arguments):
                if event is None:  # cut here
                    if kind == "drop":
                        self._abort()
                    else:
                        self.wfile.flush()
                        self.close_connection = True
                    return
                self._write(event)
            if self._chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _events(
            self, body: dict[str, Any], model: str, kind: str, text: str, arguments: str | None
        ) -> Iterator[bytes | None]:
            def sse(obj: dict[str, Any] | str) -> bytes:
                data = obj if isinstance(obj, str) else json.dumps(obj)
                return f"data: {data}\n\n".encode()

            yield sse(_chunk(model, {"role": "assistant", "content": ""}))
            if kind == "invalid_json":
                yield sse("{this is not json")
                yield sse("[DONE]")
                return
            if arguments is not None:
                pieces = [arguments[i : i + 40] for i in range(0, len(arguments), 40)]
                first = {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_fault",
                            "type": "function",
                            "function": {"name": _tool_name(body), "arguments": ""},
                        }
                    ]
                }
                yield sse(_chunk(model, first))
                for piece in pieces:
                    delta = {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}
                    yield sse(_chunk(model, delta))
                yield sse(_chunk(model, {}, "tool_calls"))
                yield sse("[DONE]")
                return
            if kind == "huge":
                piece = "All work and no play makes a dull model. " * 200
                for _ in range(HUGE_BYTES // len(piece) + 1):
                    yield sse(_chunk(model, {"content": piece}))
            elif kind == "trickle":
                for _ in range(TRICKLE_CHUNKS):
                    if server._stopping.is_set():
                        break
                    server.sleep(TRICKLE_INTERVAL)
                    yield sse(_chunk(model, {"content": "a "}))
            else:
                words = text.split(" ")
                half = max(1, len(words) // 2)
                for i, word in enumerate(words):
                    if kind in ("drop", "drop_clean") and i == half:
                        yield None
                        return
                    yield sse(_chunk(model, {"content": word if i == 0 else " " + word}))
            yield sse(_chunk(model, {}, "stop"))
            if body.get("stream_options", {}).get("include_usage"):
                usage = {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}
                last = _chunk(model, {})
                last["choices"] = []
                last["usage"] = usage
                yield sse(last)
            yield sse("[DONE]")

        # --- low level ----------------------------------------------------------------------

        def _write(self, data: bytes) -> None:
            if self._chunked:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            else:
                self.wfile.write(data)
            self.wfile.flush()

        def _abort(self) -> None:
            """Close the socket at once, mid-message."""
            self.close_connection = True
            self.wfile.flush()
            # shutdown, not close: the handler's file objects would keep the socket open.
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def _send_json(
            self, status: int, obj: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            self._send_raw(status, json.dumps(obj).encode(), "json", headers)

        def _send_raw(
            self, status: int, data: bytes, kind: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"application/{kind}")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

    return Handler
