"""Small pieces every tab of the page shares: who is asking, and errors as readable text."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

LOCAL_USER = "local"
ChatMessage = dict[str, str]


def user_of(request: Any | None) -> str:
    """The signed-in user's name from a Gradio request, or "local" when login is off.

    The one place the page decides whose data a handler touches; storage enforces it again.
    """
    name = getattr(request, "username", None) if request is not None else None
    return name if isinstance(name, str) and name.strip() else LOCAL_USER


def readable_error(action: str, error: BaseException) -> str:
    """A one-line message for the page (the traceback goes to the log, never the page)."""
    log.warning("%s failed", action, exc_info=error)
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"⚠ Could not {action}: {detail}"
