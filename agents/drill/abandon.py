"""Unfinished drills the user left: set aside when a new drill replaces them, or when stale.

A drill set aside keeps its transcript (the store lists it as "abandoned" and the page no longer
resumes it); a drill open but untouched for `STALE_AFTER_SECONDS` is shown as abandoned too, yet
a reload still resumes it, since nothing replaced it.
"""

from __future__ import annotations

from agents.drill.sessions import SessionInfo, SessionStore

STALE_AFTER_SECONDS = 24 * 3600


def abandon_unfinished(store: SessionStore, user: str, now: float, keep: str | None = None) -> int:
    """Mark every open drill of `user` (but `keep`) abandoned; returns how many were."""
    count = 0
    for info in store.list(user):
        if info.status != "open" or info.id == keep:
            continue
        state = store.load(info.id, user)
        if state is None or state.status == "done":
            continue
        state.abandoned_at = now
        store.save_turns(state, len(state.turns))
        count += 1
    return count


def shown_status(info: SessionInfo, now: float) -> str:
    """'open', 'abandoned', 'stale' (open, untouched a day) or 'done' for the sessions list."""
    if info.status == "open" and now - info.updated >= STALE_AFTER_SECONDS:
        return "stale"
    return info.status
