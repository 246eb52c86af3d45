"""The one narrow chat interface: stream text, or get a validated pydantic object.

Three backends share it:
- `OpenAIChat`: any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp, LM Studio) through
  langchain-openai, with timeouts and bounded retries.
- `ScriptedModel`: a deterministic fake for tests (`enqueue()` replies, read `history`).
- `OfflineModel`: no model configured; `available` is False and callers use their deterministic
  path instead of calling it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from agents.config import Settings

Message = dict[str, str]
T = TypeVar("T", bound=BaseModel)

log = logging.getLogger("barraiser.llm")

# How many times a structured reply that fails validation is re-asked (instructor-style).
DEFAULT_REASKS = 1


class LLMBackendError(RuntimeError):
    """A model call failed; the message is safe to show a user, the cause is chained."""

    def __init__(self, message: str, *, backend: str = "llm") -> None:
        super().__init__(message)
        self.backend = backend

    @property
    def user_message(self) -> str:
        """A one-line notice for the UI (no secrets, no traceback)."""
        return f"The language model ({self.backend}) is unavailable: {str(self).rstrip('.')}."


class _StreamBoundError(RuntimeError):
    """A streamed reply broke a client-side bound (size or time)."""


class LLMUnavailable(LLMBackendError):
    """No model is configured: callers should take their deterministic path."""


class ChatModel(ABC):
    """A chat model: streamed text, whole text, or structured output."""

    name: str = "model"
    available: bool = True

    @abstractmethod
    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Yield the reply in chunks."""

    def complete(self, messages: Sequence[Message]) -> str:
        """Return the whole reply."""
        return "".join(self.stream(messages))

    def structured(
        self, messages: Sequence[Message], schema: type[T], *, reasks: int = DEFAULT_REASKS
    ) -> T:
        """Return the reply parsed into `schema`, re-asking on invalid output a bounded time."""
        return _structured_via_text(self, messages, schema, reasks)

    def describe(self) -> str:
        """A short human description of the backend for the status panel."""
        return self.name


def _extract_json(text: str) -> Any:
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


def _structured_via_text(
    model: ChatModel, messages: Sequence[Message], schema: type[T], reasks: int
) -> T:
    """Ask for JSON, validate it with pydantic, and re-ask with the error on failure."""
    convo = list(messages)
    last_error: Exception | None = None
    for _attempt in range(reasks + 1):
        reply = model.complete(convo)
        try:
            return schema.model_validate(_extract_json(reply))
        except (ValueError, ValidationError) as e:  # JSONDecodeError is a ValueError
            last_error = e
            convo = [
                *convo,
                {"role": "assistant", "content": reply[:2000]},
                {
                    "role": "user",
                    "content": "That reply was not valid JSON for the schema "
                    f"{schema.__name__}: {str(e)[:500]}. Reply with the corrected JSON only.",
                },
            ]
    raise LLMBackendError(
        f"the model returned invalid {schema.__name__} output after {reasks + 1} attempts",
        backend=model.name,
    ) from last_error


class OfflineModel(ChatModel):
    """No model configured: every call raises `LLMUnavailable`."""

    name = "offline"
    available = False

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Refuse: there is no model."""
        raise LLMUnavailable("no language model is configured", backend=self.name)

    def describe(self) -> str:
        """Say what runs instead."""
        return "offline (deterministic engine; no language model configured)"


class ScriptedModel(ChatModel):
    """A deterministic fake: replies come from a queue; every request is kept in `history`."""

    name = "scripted"

    def __init__(self, replies: Sequence[str | Exception] = (), *, chunk_size: int = 12) -> None:
        self._queue: deque[str | Exception] = deque(replies)
        self._lock = threading.Lock()
        self.history: list[list[Message]] = []
        self.chunk_size = chunk_size

    def enqueue(self, *replies: str | Exception) -> ScriptedModel:
        """Add replies (an Exception is raised when its turn comes, wrapped as a backend error)."""
        with self._lock:
            self._queue.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """How many replies are still queued."""
        return len(self._queue)

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Yield the next queued reply in small chunks, like a streaming server."""
        with self._lock:
            self.history.append([dict(m) for m in messages])
            if not self._queue:
                raise LLMBackendError("the scripted model has no reply queued", backend=self.name)
            reply = self._queue.popleft()
        if isinstance(reply, Exception):
            raise LLMBackendError(str(reply) or type(reply).__name__, backend=self.name) from reply
        for i in range(0, len(reply), self.chunk_size):
            yield reply[i : i + self.chunk_size]


class OpenAIChat(ChatModel):
    """Any OpenAI-compatible chat endpoint through langchain-openai."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        # Imported here so offline start-up does not pay for langchain-openai's import.
        from langchain_openai import ChatOpenAI

        kwargs: dict[str, Any] = {
            "model": settings.model,
            "temperature": settings.llm_temperature,
            "timeout": settings.llm_timeout,
            # The openai client retries 429 (honouring Retry-After) and 5xx with backoff.
            "max_retries": settings.llm_max_retries,
            "max_tokens": settings.llm_max_tokens,
            "stream_usage": True,
        }
        if settings.openai_api_key is not None:
            from agents.logging_setup import register_secret

            kwargs["api_key"] = settings.openai_api_key.get_secret_value()
            register_secret(kwargs["api_key"])  # never logged, even by a library
        else:
            # Local servers (Ollama, llama.cpp) need no key, but the client insists on one.
            kwargs["api_key"] = "not-needed"
        if settings.openai_base_url:
            kwargs["base_url"] = settings.openai_base_url
            # llama.cpp and some others ignore max_completion_tokens, which langchain sends.
            kwargs["extra_body"] = {"max_tokens": settings.llm_max_tokens}
        self._chat = ChatOpenAI(**kwargs)
        # Client-side bounds on a streamed reply, whatever the server does with max_tokens: its
        # size (generous: a token is about 4 characters) and the time after the first chunk.
        self._max_stream_chars = 16 * settings.llm_max_tokens
        self._stream_seconds = settings.llm_timeout
        self._model_name = settings.model
        self._base_url = settings.openai_base_url or "https://api.openai.com/v1"

    def describe(self) -> str:
        """Model and endpoint, never the key."""
        return f"{self._model_name} at {self._base_url}"

    @staticmethod
    def _to_langchain(messages: Sequence[Message]) -> list[Any]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
        return [kinds[m["role"]](content=m["content"]) for m in messages]

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Stream text; any transport or server failure becomes `LLMBackendError`.

        A reply must end with a finish reason (a stream cut cleanly mid-answer has none), stay
        under `16 * llm_max_tokens` characters, and finish within `llm_timeout` of its first chunk.
        """
        finished: str | None = None
        size = 0
        deadline: float | None = None
        try:
            for chunk in self._chat.stream(self._to_langchain(messages)):
                finished = chunk.response_metadata.get("finish_reason") or finished
                text = chunk.content if isinstance(chunk.content, str) else ""
                now = time.monotonic()
                deadline = deadline or now + self._stream_seconds
                size += len(text)
                if size > self._max_stream_chars:
                    raise _StreamBoundError("the model's reply was far longer than allowed")
                if now > deadline:
                    raise _StreamBoundError("the model did not finish its reply in time")
                if text:
                    yield text
        except Exception as e:  # the boundary: openai, httpx and parse errors all end here
            raise _logged(LLMBackendError(_describe_failure(e), backend=self.name), e) from e
        if finished is None:
            raise _logged(
                LLMBackendError(
                    "the model's reply stopped before it was finished", backend=self.name
                )
            )

    def structured(
        self, messages: Sequence[Message], schema: type[T], *, reasks: int = DEFAULT_REASKS
    ) -> T:
        """Function-calling structured output (works on OpenAI, vLLM, llama.cpp), re-asked."""
        runnable = self._chat.with_structured_output(
            schema, method="function_calling", include_raw=True
        )
        convo = self._to_langchain(messages)
        last_error: Exception | None = None
        for _attempt in range(reasks + 1):
            try:
                out = runnable.invoke(convo)
            except Exception as e:  # transport failures are not re-asked: retries already ran
                raise _logged(LLMBackendError(_describe_failure(e), backend=self.name), e) from e
            parsed = out.get("parsed")
            if isinstance(parsed, schema):
                return parsed
            last_error = out.get("parsing_error") or ValueError("no structured reply")
            from langchain_core.messages import HumanMessage

            convo = [
                *convo,
                HumanMessage(
                    content=f"Your last reply did not match {schema.__name__}: "
                    f"{str(last_error)[:500]}. Call the tool again with valid arguments."
                ),
            ]
        raise _logged(
            LLMBackendError(
                f"the model returned invalid {schema.__name__} output after {reasks + 1} attempts",
                backend=self.name,
            ),
            last_error,
        ) from last_error


def _logged(error: LLMBackendError, cause: BaseException | None = None) -> LLMBackendError:
    """Log a model failure: the safe message at WARNING, the cause (which may echo the request,
    answers included) only at DEBUG; the app's log handler redacts keys either way."""
    log.warning("model call failed (%s): %s", error.backend, error)
    if cause is not None and log.isEnabledFor(logging.DEBUG):
        log.debug("model failure detail", exc_info=cause)
    return error


def _describe_failure(error: Exception) -> str:
    """A short, secret-free description of why a call failed."""
    if isinstance(error, _StreamBoundError):
        return str(error)
    kind = type(error).__name__
    status = getattr(error, "status_code", None)
    if "Timeout" in kind:
        return "the model did not answer in time"
    if "JSONDecode" in kind:
        return "the model server sent a reply that is not valid JSON"
    if status == 429:
        return "the model server is rate-limiting requests (HTTP 429)"
    if status is not None:
        return f"the model server returned HTTP {status}"
    if "Connection" in kind or "Protocol" in kind:
        return "could not reach the model server, or the connection dropped"
    return f"the model call failed ({kind})"


def build_llm(settings: Settings) -> ChatModel:
    """The backend the settings ask for; `offline` when no key or base URL is configured."""
    if settings.resolved_llm_backend == "openai":
        return OpenAIChat(settings)
    return OfflineModel()
