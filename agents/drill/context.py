"""What the drill's steps may use: the services an `Interviewer` holds, as two seams.

`DrillContext` is the interviewer as its helpers see it (grader, LP data, optional LLM, clock,
optional story bank); `StorySource` is the story bank as the drill sees it. The helpers take a
context instead of importing the interviewer, so the drill's modules depend one way only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from agents.drill.state import DrillState, Turn, TurnKind

if TYPE_CHECKING:
    from agents.grading.grade import Grade
    from agents.grading.grader import Grader
    from agents.llm import ChatModel
    from agents.lp.principles import Principle

# What a story source raises when it fails: the story bank's storage errors are RuntimeErrors,
# its input errors ValueErrors, and OSError covers files and sockets. The bank is optional, so
# these are logged and the drill goes on without it.
STORY_SOURCE_ERRORS: tuple[type[Exception], ...] = (RuntimeError, ValueError, OSError)


class StorySource(Protocol):
    """The seam to the story bank: `search` returns hits with id, title, score (0-1), lps."""

    def search(self, user: str, question: str, k: int = 3) -> Sequence[Any]:
        """The user's stored stories most relevant to a question or answer."""
        ...

    def record_use(self, user: str, story_id: str, session_id: str) -> None:
        """Note that a story was told in a session."""
        ...


class DrillContext(Protocol):
    """The services a drill step may use (an `Interviewer` is one)."""

    grader: Grader
    principles: dict[str, Principle]
    llm: ChatModel | None
    clock: Callable[[], float]
    stories: StorySource | None
    history_token_budget: int
    model_name: str


def say(
    ctx: DrillContext,
    state: DrillState,
    kind: TurnKind,
    text: str,
    lp: str | None = None,
    grade: Grade | None = None,
    meta: dict[str, Any] | None = None,
) -> Turn:
    """Append an interviewer turn, stamped with the context's clock."""
    turn = Turn(
        role="interviewer",
        kind=kind,
        text=text,
        lp=lp,
        grade=grade.public_dict() if grade else None,
        at=ctx.clock(),
        meta=meta or {},
    )
    state.turns.append(turn)
    return turn
