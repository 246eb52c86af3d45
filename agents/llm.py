"""The one narrow chat interface: stream text, or get a validated pydantic object.

Three backends share it:
- `OpenAIChat`: any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp, LM Studio) through
  langchain-openai, with timeouts and bounded retries; structured output uses whichever method
  the endpoint honours (`agents.structured_output`).
- `ScriptedModel`: a deterministic fake for tests (`enqueue()` replies, read `history`).
- `OfflineModel`: no model configured; `available` is False and callers use their deterministic
  path instead of calling it.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from agents.llm_capabilities import Capability, CapabilityCache, Method, shared_cache
from agents.llm_errors import (
    METHOD_REJECTED_STATUSES,
    LLMBackendError,
    LLMUnavailable,
    StreamBoundError,
    backend_error,
)
from agents.structured_output import call_structured, extract_json, probe

if TYPE_CHECKING:
    from agents.config import Settings

Message = dict[str, str]
T = TypeVar("T", bound=BaseModel)

log = logging.getLogger("barraiser.llm")

# How many times a structured reply that fails validation is re-asked (instructor-style).
DEFAULT_REASKS = 1


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


def _structured_via_text(
    model: ChatModel, messages: Sequence[Message], schema: type[T], reasks: int
) -> T:
    """Ask for JSON, validate it with pydantic, and re-ask with the error on failure."""
    convo = list(messages)
    last_error: Exception | None = None
    for _attempt in range(reasks + 1):
        reply = model.complete(convo)
        try:
            return schema.model_validate(extract_json(reply))
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
        kind="invalid_output",
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
        if isinstance(reply, LLMBackendError):
            raise reply  # already classified: keep its kind (timeout, invalid output...)
        if isinstance(reply, Exception):
            raise LLMBackendError(str(reply) or type(reply).__name__, backend=self.name) from reply
        for i in range(0, len(reply), self.chunk_size):
            yield reply[i : i + self.chunk_size]


class OpenAIChat(ChatModel):
    """Any OpenAI-compatible chat endpoint: streaming through langchain-openai, structured output
    through the openai client with the method the endpoint supports (see structured_output)."""

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
        # llama.cpp and some others ignore max_completion_tokens, which langchain sends.
        self._extra_max_tokens = bool(settings.openai_base_url)
        if settings.openai_base_url:
            kwargs["base_url"] = settings.openai_base_url
            kwargs["extra_body"] = {"max_tokens": settings.llm_max_tokens}
        self._chat = ChatOpenAI(**kwargs)
        # Client-side bounds on a streamed reply, whatever the server does with max_tokens: its
        # size (generous: a token is about 4 characters) and the time after the first chunk.
        self._max_stream_chars = 16 * settings.llm_max_tokens
        self._stream_seconds = settings.llm_timeout
        self._max_tokens = settings.llm_max_tokens
        self._temperature = settings.llm_temperature
        self._model_name = settings.model
        self._base_url = settings.openai_base_url or "https://api.openai.com/v1"
        # A pinned method skips the probe; `auto` shares the probed capability per endpoint.
        self._pinned = (
            None if settings.llm_structured == "auto" else Capability(settings.llm_structured)
        )
        self._capabilities = shared_cache(settings.llm_capabilities_path)
        self._cache_key = CapabilityCache.key(self._base_url, self._model_name)

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
                    raise StreamBoundError(
                        "the reply was far longer than allowed", kind="invalid_output"
                    )
                if now > deadline:
                    raise StreamBoundError("the reply did not finish in time", kind="timeout")
                if text:
                    yield text
        except Exception as e:  # the boundary: openai, httpx and parse errors all end here
            raise _logged(backend_error(e, self.name), e) from e
        if finished is None:
            raise _logged(
                LLMBackendError(
                    "the reply stopped before it was finished",
                    backend=self.name,
                    kind="interrupted",
                )
            )

    def _send(self, body: dict[str, Any], max_tokens: int) -> Any:
        """POST one non-streamed chat completion; failures become classified errors."""
        request = {
            "model": self._model_name,
            "temperature": self._temperature,
            "max_completion_tokens": max_tokens,
            **body,
        }
        if self._extra_max_tokens:
            request["extra_body"] = {"max_tokens": max_tokens}
        try:
            return self._chat.root_client.chat.completions.create(**request)
        except Exception as e:  # the boundary: openai and httpx errors all end here
            raise _logged(backend_error(e, self.name), e) from e

    @property
    def structured_method(self) -> Method | None:
        """The method structured calls use: the setting, or the probed one (None: not yet)."""
        if self._pinned is not None:
            return self._pinned.method
        cap = self._capabilities.get(self._cache_key)
        return cap.method if cap else None

    def _capability(self, *, reprobe: bool = False) -> Capability:
        """How to ask this endpoint, probing once (per process and data dir) when unknown."""
        if self._pinned is not None:
            return self._pinned
        with self._capabilities.lock_for(self._cache_key):
            known = None if reprobe else self._capabilities.get(self._cache_key)
            if known is not None:
                return known
            cap = probe(self._send)
            log.info("structured output for %s: %s", self.describe(), cap)
            self._capabilities.put(self._cache_key, cap)
            return cap

    def structured(
        self, messages: Sequence[Message], schema: type[T], *, reasks: int = DEFAULT_REASKS
    ) -> T:
        """The reply validated into `schema`, by the endpoint's method, re-asked when invalid.

        In `auto` mode, a cached method the server now refuses is forgotten and the endpoint is
        probed again, once."""
        cap = self._capability()
        try:
            return self._structured_by(cap, messages, schema, reasks)
        except LLMBackendError as e:
            if self._pinned is not None or e.status not in METHOD_REJECTED_STATUSES:
                raise
            self._capabilities.forget(self._cache_key)
            retry = self._capability(reprobe=True)
            if retry.method == cap.method:
                raise
            return self._structured_by(retry, messages, schema, reasks)

    def _structured_by(
        self, cap: Capability, messages: Sequence[Message], schema: type[T], reasks: int
    ) -> T:
        before = (cap.bounds, cap.tight)
        try:
            return call_structured(
                self._send,
                cap,
                messages,
                schema,
                reasks=reasks,
                max_tokens=self._max_tokens,
                backend=self.name,
            )
        except LLMBackendError as e:
            if e.kind == "invalid_output":
                raise _logged(e, e.__cause__) from e.__cause__
            raise
        finally:
            if (cap.bounds, cap.tight) != before and self._pinned is None:
                self._capabilities.put(self._cache_key, cap)  # learned: remember it


def _logged(error: LLMBackendError, cause: BaseException | None = None) -> LLMBackendError:
    """Log a model failure: the safe message at WARNING, the cause (which may echo the request,
    answers included) only at DEBUG; the app's log handler redacts keys either way."""
    log.warning("model call failed (%s, %s): %s", error.backend, error.kind, error)
    if cause is not None and log.isEnabledFor(logging.DEBUG):
        log.debug("model failure detail", exc_info=cause)
    return error


def build_llm(settings: Settings) -> ChatModel:
    """The backend the settings ask for; `offline` when no key or base URL is configured."""
    if settings.resolved_llm_backend == "openai":
        return OpenAIChat(settings)
    return OfflineModel()
