"""Unfinished drills the user left: set aside when a new drill replaces them, or when stale.

A drill set aside keeps its transcript (the store lists it as "abandoned" and a reload no longer
resumes it); a drill open but untouched for `STALE_AFTER_SECONDS` is shown as abandoned too, yet
a reload still resumes it, since nothing replaced it.
"""

from __future__ import annotations

import logging

from agents.drill.sessions import SessionInfo, SessionStore, StaleSessionError

log = logging.getLogger(__name__)
STALE_AFTER_SECONDS = 24 * 3600


def abandon(store: SessionStore, session_id: str, user: str, now: float) -> bool:
    """Set one unfinished drill aside; False when it is finished, gone, or in use elsewhere."""
    state = store.load(session_id, user)
    if state is None or state.status == "done" or state.abandoned_at:
        return False
    state.abandoned_at = now
    try:
        store.save_turns(state, len(state.turns))
    except StaleSessionError:
        # Another tab or process moved it on just now: it is in use, not abandoned.
        log.info("session %s moved on while being set aside; left open", session_id)
        return False
    return True


def shown_status(info: SessionInfo, now: float) -> str:
    """'open', 'abandoned', 'stale' (open, untouched a day) or 'done' for the sessions list."""
    if info.status == "open" and now - info.updated >= STALE_AFTER_SECONDS:
        return "stale"
    return info.status
