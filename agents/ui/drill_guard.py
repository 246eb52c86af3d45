"""Starting a drill while another is unfinished asks first ("Start a new drill" and the Prompts
tab's "Drill these"): the page shows a confirm step, and only "Start the new drill" sets the old
drill aside as abandoned. Plain functions over services; the Drill tab wires them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, NamedTuple

from agents.drill.state import DrillConfig, DrillState
from agents.ui.common import ChatMessage, user_of
from agents.ui.drill import Ref, begin_drill, load_drill, ref_of, turns_to_chat
from agents.ui.page_phrases import ago, page_phrases

if TYPE_CHECKING:
    from agents.services import Services


class Outcome(NamedTuple):
    """What the page shows after a start request: chat, drill reference, the confirm question
    (None: hidden) and the start waiting for that confirmation (a DrillConfig as JSON)."""

    chat: list[ChatMessage]
    ref: Ref | None
    confirm: str | None
    pending: dict[str, Any] | None


def unfinished(services: Services, ref: Ref | None, user: str) -> DrillState | None:
    """The unfinished drill this page shows (a reload shows the user's latest), if any."""
    if services.sessions is None or not ref or not ref.get("id"):
        return None
    state = services.sessions.load(str(ref["id"]), user)
    if state is None or state.status == "done" or state.abandoned_at:
        return None
    return state


def confirm_text(state: DrillState, now: float | None = None) -> str:
    """The question asked before an unfinished drill is set aside."""
    last = state.turns[-1].at if state.turns else state.started_at
    return page_phrases().confirm_replace.format(
        answered=sum(1 for q in state.questions if q.answers),
        asked=len(state.questions),
        ago=ago((now or time.time()) - last),
    )


def _started(
    services: Services, config: DrillConfig, user: str, replaces: str | None = None
) -> Outcome:
    state = begin_drill(services, config, user, replaces)
    return Outcome(turns_to_chat(state.turns), ref_of(state), None, None)


def request_drill(
    services: Services, config: DrillConfig, ref: Ref | None = None, request: Any = None
) -> Outcome:
    """Start `config` at once when the page shows no unfinished drill; otherwise ask first."""
    user = user_of(request)
    current = unfinished(services, ref, user)
    if current is None:
        return _started(services, config, user)
    return Outcome(
        turns_to_chat(current.turns),
        ref_of(current),
        confirm_text(current),
        config.model_dump(mode="json"),
    )


def confirm_replace(
    services: Services, pending: dict[str, Any] | None, ref: Ref | None, request: Any = None
) -> Outcome:
    """"Start the new drill": the pending start goes ahead, the page's drill is set aside."""
    if not pending:
        return keep_drill(services, ref, request)
    replaces = str(ref["id"]) if ref and ref.get("id") else None
    return _started(services, DrillConfig.model_validate(pending), user_of(request), replaces)


def keep_drill(services: Services, ref: Ref | None, request: Any = None) -> Outcome:
    """"Keep my drill": nothing changes; the confirm step goes away."""
    state = load_drill(services, ref, user_of(request))
    if state is None:
        return Outcome([], None, None, None)
    return Outcome(turns_to_chat(state.turns), ref_of(state), None, None)
