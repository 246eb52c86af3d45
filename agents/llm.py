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
import re
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from agents.config import Settings

Message = dict[str, str]
T = TypeVar("T", bound=BaseModel)

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
        return f"The language model ({self.backend}) is unavailable: {self}"


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
            kwargs["api_key"] = settings.openai_api_key.get_secret_value()
        else:
            # Local servers (Ollama, llama.cpp) need no key, but the client insists on one.
            kwargs["api_key"] = "not-needed"
        if settings.openai_base_url:
            kwargs["base_url"] = settings.openai_base_url
            # llama.cpp and some others ignore max_completion_tokens, which langchain sends.
            kwargs["extra_body"] = {"max_tokens": settings.llm_max_tokens}
        self._chat = ChatOpenAI(**kwargs)
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
        """Stream text; any transport or server failure becomes `LLMBackendError`."""
        try:
            for chunk in self._chat.stream(self._to_langchain(messages)):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    yield text
        except Exception as e:  # the boundary: openai, httpx and parse errors all end here
            raise LLMBackendError(_describe_failure(e), backend=self.name) from e

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
                raise LLMBackendError(_describe_failure(e), backend=self.name) from e
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
        raise LLMBackendError(
            f"the model returned invalid {schema.__name__} output after {reasks + 1} attempts",
            backend=self.name,
        ) from last_error


def _describe_failure(error: Exception) -> str:
    """A short, secret-free description of why a call failed."""
    kind = type(error).__name__
    status = getattr(error, "status_code", None)
    if "Timeout" in kind:
        return "the model did not answer in time"
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
