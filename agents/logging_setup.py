"""Logging for the app and the CLI: one configuration, secrets always redacted.

- The level comes from `BARRAISER_LOG_LEVEL` (default INFO). Third-party libraries (httpx, openai,
  gradio, chromadb, ...) stay at WARNING unless the level is DEBUG.
- Every record our handler writes passes through `Redactor`: registered secrets (the API key) and
  anything shaped like an API key or a bearer token become `[redacted]`, in the message, its
  arguments and any traceback.
- Candidate text (answers, stories) is logged only through `answer_for_log`, which gives the text at
  DEBUG and only its length otherwise, so logs hold no answer text unless debug logging is on.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from agents.config import Settings

LOGGER = "barraiser"
HANDLER_NAME = "barraiser-handler"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY = (
    "httpx",
    "alembic",  # "Context impl SQLiteImpl." on every schema check
    "httpx2",
    "httpcore",
    "httpcore2",
    "openai",
    "langchain",
    "gradio",
    "gradio_client",
    "chromadb",
    "urllib3",
    "uvicorn",
    "uvicorn.access",
    "asyncio",
    "multipart",
    "python_multipart",
    "PIL",
)
REDACTED = "[redacted]"
# Keys of OpenAI-style services and bearer tokens, whatever the configured value.
_KEY_SHAPES = re.compile(
    r"\b(?:sk|pk|rk|sess)-[A-Za-z0-9_\-]{8,}|(?i:bearer)\s+[A-Za-z0-9._~+/\-]{8,}=*"
)
_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Never let `value` reach a log line (short values would redact ordinary words: ignored)."""
    if value and len(value) >= 6:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """`text` with every registered secret and key-shaped token replaced by `[redacted]`."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _KEY_SHAPES.sub(REDACTED, text)


class Redactor(logging.Filter):
    """A handler filter that redacts the formatted message, its traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), ()
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time (tests and tools swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """Ignored: always the current standard error."""


def answer_for_log(text: str) -> str:
    """Candidate text for a log line: the text itself at DEBUG, only its size otherwise."""
    if logging.getLogger(LOGGER).isEnabledFor(logging.DEBUG):
        return text
    return f"<{len(text)} characters>"


def configure_logging(
    settings: Settings | None = None, *, level: str | None = None, stream: TextIO | None = None
) -> logging.Handler:
    """Install (or replace) the app's one root handler; safe to call more than once."""
    name = (level or (settings.log_level if settings is not None else "INFO")).upper()
    numeric = logging.getLevelNamesMapping().get(name, logging.INFO)
    if settings is not None and settings.openai_api_key is not None:
        register_secret(settings.openai_api_key.get_secret_value())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redactor())
    root.addHandler(handler)
    root.setLevel(numeric)
    logging.getLogger(LOGGER).setLevel(numeric)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(
            logging.NOTSET if numeric <= logging.DEBUG else max(numeric, logging.WARNING)
        )
    logging.captureWarnings(True)
    return handler
