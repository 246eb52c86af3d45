"""Why a model call failed, classified so the notice says what happened.

A notice must tell the candidate which of these it was, because each asks for a different fix:
the server is not running (unreachable), it is too slow (timeout), it is throttling (rate
limited), it refused what we sent (rejected: bad key, unsupported parameter), it broke off
mid-reply (interrupted), or it answered with something we cannot use (invalid output).
"""

from __future__ import annotations

from typing import Literal

FailureKind = Literal[
    "unreachable",
    "timeout",
    "rate_limited",
    "rejected",
    "interrupted",
    "invalid_output",
    "unavailable",
]

# One template per kind; `detail` is the exception's own (secret-free) message.
_NOTICES: dict[str, str] = {
    "unreachable": "Could not reach the language model ({backend}): {detail}.",
    "timeout": "The language model ({backend}) timed out: {detail}.",
    "rate_limited": "The language model ({backend}) is rate-limiting requests: {detail}.",
    "rejected": "The language model ({backend}) rejected the request: {detail}.",
    "interrupted": "The language model ({backend}) stopped mid-reply: {detail}.",
    "invalid_output": "The language model ({backend}) answered with invalid output: {detail}.",
    "unavailable": "The language model ({backend}) is unavailable: {detail}.",
}

# HTTP statuses that mean "this server does not accept that request" rather than "the server is
# down": a structured-output method answered this way is unsupported there, so another is tried.
# (An older llama.cpp answered `response_format: json_schema` with 500.)
METHOD_REJECTED_STATUSES = frozenset({400, 404, 405, 415, 422, 500, 501})


class LLMBackendError(RuntimeError):
    """A model call failed; the message is safe to show a user, the cause is chained."""

    def __init__(
        self,
        message: str,
        *,
        backend: str = "llm",
        kind: FailureKind = "unavailable",
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.backend = backend
        self.kind: FailureKind = kind
        self.status = status

    @property
    def user_message(self) -> str:
        """A one-line notice for the UI (no secrets, no traceback)."""
        return _NOTICES[self.kind].format(backend=self.backend, detail=str(self).rstrip("."))


class LLMUnavailable(LLMBackendError):
    """No model is configured: callers should take their deterministic path."""


class StreamBoundError(RuntimeError):
    """A streamed reply broke a client-side bound (size or time)."""

    def __init__(self, message: str, kind: FailureKind) -> None:
        super().__init__(message)
        self.kind: FailureKind = kind


def _chain(error: BaseException) -> list[BaseException]:
    """The error and its causes, outermost first (the openai client wraps httpx errors)."""
    out: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in out and len(out) < 8:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _names(error: BaseException) -> set[str]:
    """Every class name in the error's chain and their bases (no import of openai/httpx)."""
    return {cls.__name__ for e in _chain(error) for cls in type(e).__mro__}


def _status_detail(status: int) -> tuple[FailureKind, str]:
    if status == 429:
        return "rate_limited", "the server answered HTTP 429 (too many requests)"
    if status in (401, 403):
        return "rejected", f"the server refused the credentials (HTTP {status})"
    if status in (408, 504):
        return "timeout", f"the server gave up waiting (HTTP {status})"
    if status in (502, 503):
        return "unavailable", f"the model server returned HTTP {status} (not ready or overloaded)"
    if status >= 500:
        return "unavailable", f"the model server returned HTTP {status}"
    return "rejected", f"the model server returned HTTP {status}"


def classify(error: BaseException) -> tuple[FailureKind, str, int | None]:
    """(kind, secret-free detail, HTTP status) for an exception raised by a model call."""
    if isinstance(error, StreamBoundError):
        return error.kind, str(error), None
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        kind, detail = _status_detail(status)
        return kind, detail, status
    names = _names(error)
    if names & {"APITimeoutError", "TimeoutException", "TimeoutError", "ReadTimeout"}:
        return "timeout", "the model did not answer in time", None
    if names & {"JSONDecodeError", "APIResponseValidationError"}:
        return "invalid_output", "the model server sent a reply that is not valid JSON", None
    if names & {"ConnectError", "ConnectionRefusedError", "gaierror"}:
        return "unreachable", "nothing answered at the configured address", None
    if names & {"RemoteProtocolError", "ReadError", "ProtocolError", "ConnectionResetError"}:
        return "interrupted", "the connection dropped before the reply was complete", None
    if "APIConnectionError" in names or "ConnectionError" in names:
        return "unreachable", "could not connect to the model server", None
    return "unavailable", f"the model call failed ({type(error).__name__})", None


def backend_error(error: BaseException, backend: str) -> LLMBackendError:
    """Wrap any exception from a model call as a classified `LLMBackendError`."""
    if isinstance(error, LLMBackendError):
        return error
    kind, detail, status = classify(error)
    return LLMBackendError(detail, backend=backend, kind=kind, status=status)
